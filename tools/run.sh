#!/usr/bin/env bash
# make run: start salesperfd (all five services, embedded bus) in the foreground,
# with demo data on first start. Until salesperfd is built, it starts what exists
# (the development Kafka broker), so that `make run` always shows something real.
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

if [[ -x "$bin/salesperf-devkafka" ]]; then
  echo "make run: salesperfd is not built yet (see the open issues); starting the"
  echo "development Kafka broker, salesperf-devkafka, with the salesperf topics. Ctrl-C stops it."
  exec "$bin/salesperf-devkafka" --bootstrap-file "$build_dir/devkafka.bootstrap"
fi
echo "make run: nothing to start yet: neither salesperfd nor salesperf-devkafka is built." >&2
exit 1
