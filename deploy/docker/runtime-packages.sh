#!/usr/bin/env bash
# runtime-packages.sh BINARY...: prints the Debian packages that hold the shared libraries the
# binaries load, one per line, so the runtime image installs exactly those (the -dev packages of
# tools/deps/debian-packages.txt stay in the build stage). Fails if a library has no package.
set -euo pipefail
declare -A pkgs=()
for bin in "$@"; do
  while read -r lib; do
    pkg=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null ||
          dpkg -S "/usr$lib" 2>/dev/null || dpkg -S "${lib#/usr}" 2>/dev/null || true)
    if [[ -z "$pkg" ]]; then
      echo "runtime-packages: no package holds $lib (needed by $bin)" >&2
      exit 1
    fi
    pkgs["${pkg%%:*}"]=1
  done < <(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
done
printf '%s\n' "${!pkgs[@]}" | sort
