#!/usr/bin/env bash
# make lint: clang-format check on every tracked C++ file, then clang-tidy
# (config in .clang-tidy) on our sources using the build's compile_commands.json.
set -uo pipefail
build_dir=${1:-build}
cd "$(git rev-parse --show-toplevel)"
mapfile -t files < <(git ls-files '*.h' '*.cc')
status=0
echo "lint: clang-format (${#files[@]} files)"
clang-format --dry-run --Werror "${files[@]}" || status=1
# clang-tidy reads production sources; tests are held to -Wall -Wextra -Werror and to
# clang-format (their helpers pass small strings by value freely, which is fine there).
mapfile -t sources < <(git ls-files '*.cc' | grep -v '_test\.cc$')
echo "lint: clang-tidy (${#sources[@]} files)"
if ! printf '%s\n' "${sources[@]}" |
    xargs -P "$(nproc)" -n 4 clang-tidy -p "$build_dir" --quiet 2>/dev/null |
    grep -E 'warning:|error:' ; then
  :
else
  status=1
fi
[[ $status -eq 0 ]] && echo "lint: clean"
exit $status
