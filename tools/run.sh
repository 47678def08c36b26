#!/usr/bin/env bash
# make run: start salesperfd (all five services, embedded bus) in the foreground,
# with demo data on first start. Until salesperfd is built, it starts what exists:
# the targets service (salesperf-targets), so that `make run` always shows something real.
set -euo pipefail
build_dir=${1:-build}
data_dir=${2:-./data}
bin="$build_dir/bin"
grpc_addr=${SALESPERF_GRPC_ADDR:-127.0.0.1:50050}
metrics_addr=${SALESPERF_METRICS_ADDR:-127.0.0.1:9400}

port_in_use() {  # host:port
  local host=${1%:*} port=${1##*:}
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}

if [[ -x "$bin/salesperfd" ]]; then
  if port_in_use "$grpc_addr"; then
    echo "make run: something is already listening on $grpc_addr — salesperfd is probably"
    echo "already running (see 'pgrep -a salesperfd'). Stop it first, or set SALESPERF_GRPC_ADDR."
    exit 1
  fi
  mkdir -p "$data_dir"
  exec "$bin/salesperfd" --data-dir "$data_dir" --grpc-addr "$grpc_addr" \
    --metrics-addr "$metrics_addr" --demo-data=auto --log-format text
fi

if [[ -x "$bin/salesperf-targets" ]]; then
  targets_addr=${SALESPERF_TARGETS_ADDR:-127.0.0.1:50051}
  if port_in_use "$targets_addr"; then
    echo "make run: something is already listening on $targets_addr — salesperf-targets is"
    echo "probably already running (see 'pgrep -a salesperf'). Stop it first."
    exit 1
  fi
  mkdir -p "$data_dir"
  cat <<MSG
make run: salesperfd (all five services) is not built yet; starting the targets service,
salesperf-targets, on $targets_addr with data in $data_dir. Ctrl-C stops it. Try:
  $bin/salesperfctl --server $targets_addr targets create-region --id r-east --name 华东
  $bin/salesperfctl --server $targets_addr targets org
Metrics: http://127.0.0.1:9401/metrics
MSG
  exec "$bin/salesperf-targets" --data-dir "$data_dir" --grpc-addr "$targets_addr" \
    --metrics-addr 127.0.0.1:9401 --log-format text
fi
echo "make run: nothing to start: salesperfd and salesperf-targets are not built." >&2
exit 1
