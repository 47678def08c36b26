#!/usr/bin/env bash
# Runs every benchmark binary (build/bin/salesperf_*_bench) and prints its output,
# including each binary's ratio table against its raw baseline.
#   bench/run.sh [BUILD_DIR] [extra args for every binary, e.g. --long]
set -euo pipefail
build_dir="${1:-build}"
shift || true
shopt -s nullglob
benches=("${build_dir}"/bin/salesperf_*_bench)
if [[ ${#benches[@]} -eq 0 ]]; then
  echo "no benchmark binaries in ${build_dir}/bin (configure with -DSALESPERF_BUILD_BENCH=ON)" >&2
  exit 1
fi
status=0
for bench in "${benches[@]}"; do
  echo "=== $(basename "${bench}")"
  "${bench}" --benchmark_color=false "$@" || status=1
done
exit "${status}"
