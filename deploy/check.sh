#!/usr/bin/env bash
# deploy/check.sh [BUILD_DIR]: make deploy-check. Verifies everything under deploy/ and helm/
# that can be verified without a cluster or a Docker engine (deploy/README.md says what that is).
# Installs what it needs when missing: Debian packages (apt-get), the npm packages of
# deploy/package-lock.json into BUILD_DIR/deploy-check/node_modules, and the chart renderer
# (deploy/tools/helm-render, Go) into BUILD_DIR/deploy-check. Prints one line per check and
# exits non-zero if any fails. UPDATE=1 rewrites the generated chart README values table.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
build_dir="${1:-build}"
work="$(mkdir -p "$build_dir/deploy-check" && cd "$build_dir/deploy-check" && pwd)"
chart=helm/salesperf
start=$SECONDS

# --- prerequisites -------------------------------------------------------------------------
need_pkgs=()
need() {  # need COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 || need_pkgs+=("$2")
}
need_deb() {  # need_deb PACKAGE (libraries without a command)
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]] || need_pkgs+=("$1")
}
need yamllint yamllint
need promtool prometheus
need shellcheck shellcheck
need node nodejs
need npm npm
need python3 python3
need go golang-go
need_deb golang-github-masterminds-sprig-dev
need_deb golang-gopkg-yaml.v3-dev
need_deb python3-grpcio
# Any kubectl with kustomize will do (Debian 12's kubernetes-client is 1.20, kustomize v2.0.3:
# deploy/k8s keeps to what it supports).
if ! kubectl kustomize --help >/dev/null 2>&1; then need_pkgs+=(kubernetes-client); fi
if ((${#need_pkgs[@]})); then
  echo "deploy-check: installing ${need_pkgs[*]}"
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3 update -qq
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3 install -y -qq \
    --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# npm packages, pinned by deploy/package-lock.json; reinstalled only when the lockfile changes.
if ! cmp -s deploy/package-lock.json "$work/package-lock.json" || [[ ! -d "$work/node_modules" ]]; then
  echo "deploy-check: installing npm packages into $work/node_modules"
  cp deploy/package.json deploy/package-lock.json "$work/"
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
# ESM resolves packages next to the script: run the validator from the work directory.
cp deploy/tools/validate.mjs "$work/validate.mjs"
validate() { (cd "$work" && node validate.mjs "$@"); }

# The chart renderer, rebuilt when its source changes.
if [[ ! -x "$work/helm-render" || deploy/tools/helm-render/main.go -nt "$work/helm-render" ]]; then
  (cd deploy/tools/helm-render && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS='' \
    GOCACHE="$work/go-cache" go build -o "$work/helm-render" .)
fi
render() { "$work/helm-render" -strict -chart "$chart" -name salesperf -namespace sales "$@"; }

# --- checks --------------------------------------------------------------------------------
failed=()
check() {  # check NAME COMMAND...: one line per check; the output of a failure follows it
  local name=$1 t0=$SECONDS log="$work/last-check.log"
  shift
  # In the background, not under `if`: set -e then stops a check at its first failing step.
  local rc=0
  "$@" >"$log" 2>&1 &
  wait $! || rc=$?
  if ((rc == 0)); then
    printf 'PASS  %-52s %3ds\n' "$name" $((SECONDS - t0))
  else
    printf 'FAIL  %-52s %3ds\n' "$name" $((SECONDS - t0))
    sed 's/^/      /' "$log" | tail -40
    failed+=("$name")
  fi
}

yaml_lint() { yamllint -s -c deploy/.yamllint.yaml deploy helm; }
shell_lint() { shellcheck deploy/check.sh deploy/docker/runtime-packages.sh; }
health_probe_compiles() { python3 -c 'import ast, sys; ast.parse(open(sys.argv[1]).read())' deploy/docker/grpc-health-probe; }

render_chart() {
  local f
  for f in "$chart"/ci/*-values.yaml; do
    render -f "$f" >"$work/chart-$(basename "$f" .yaml).yaml"
    render -f "$f" -notes >"$work/chart-$(basename "$f" .yaml).NOTES.txt"
  done
  # The defaults alone lack the Kafka bootstrap servers: rendering must refuse them.
  if render >/dev/null 2>"$work/chart-no-kafka.err"; then
    echo "rendered without kafka.bootstrapServers"; return 1
  fi
  grep -q 'kafka.bootstrapServers' "$work/chart-no-kafka.err"
}
chart_manifests() { validate k8s "$work"/chart-*-values.yaml; }
chart_analytics_replicas() {
  # Three analytics replicas, each its own consumer group; the write services stay single.
  awk '/^kind: StatefulSet/{s=1} s&&/^  name:/{n=$2} s&&/^  replicas:/{print n, $2; s=0}' \
    "$work/chart-strimzi-values.yaml" | sort >"$work/replicas.txt"
  diff "$work/replicas.txt" <(printf '%s\n' "salesperf-activity 1" "salesperf-analytics 3" \
    "salesperf-feedback 1" "salesperf-incentives 1" "salesperf-targets 1")
  # shellcheck disable=SC2016 # $(POD_NAME) is Kubernetes' expansion, matched literally
  grep -q 'value: "salesperf-$(POD_NAME)"' "$work/chart-strimzi-values.yaml"
}
chart_rules_in_sync() {
  local f
  for f in deploy/prometheus/rules/salesperf-platform.rules.yml deploy/prometheus/rules/salesperf-business.rules.yml; do
    cmp "$f" "$chart/files/prometheus/$(basename "$f")" || {
      echo "copy $f to $chart/files/prometheus/"; return 1; }
  done
}
chart_rules_promtool() {
  validate chart-rules "$work/chart-strimzi-values.yaml" "$work/chart-rules.yml"
  promtool check rules "$work/chart-rules.yml"
  grep -q 'vector(0.75)' "$work/chart-rules.yml"  # the threshold from the values
  # The chart's rules pass the same unit tests as deploy/prometheus/rules.
  local t
  for t in deploy/prometheus/tests/*_test.yml; do
    sed -e '/^rule_files:/,/^[a-z]/{/^  - /d}' -e "s|^rule_files:|rule_files:\n  - chart-rules.yml|" \
      "$t" >"$work/chart-$(basename "$t")"
  done
  (cd "$work" && promtool test rules chart-*_test.yml)
}
values_table() { validate values-table "$root/$chart/values.yaml" "$root/$chart/README.md"; }

kustomize_build() {
  local o
  for o in base overlays/dev overlays/production; do
    kubectl kustomize "deploy/k8s/$o" >"$work/k8s-${o//\//-}.yaml" 2>"$work/k8s-${o//\//-}.err" ||
      { cat "$work/k8s-${o//\//-}.err"; return 1; }
  done
}
kustomize_manifests() { validate k8s "$work"/k8s-*.yaml; }

promtool_config() { promtool check config deploy/prometheus/prometheus.yml; }
promtool_rules() { promtool check rules deploy/prometheus/rules/*.yml; }
promtool_tests() { (cd deploy/prometheus/tests && promtool test rules ./*_test.yml); }
dashboards_generated() { python3 deploy/grafana/generate.py --check; }
dashboards_promql() {
  validate dashboard-exprs "$work/dashboard-rules.yml" "$root"/deploy/grafana/dashboards/*.json &&
    promtool check rules "$work/dashboard-rules.yml"
}
metric_names() {
  validate metric-names "$root/docs/metrics.md" "$root"/deploy/grafana/dashboards/*.json \
    "$root"/deploy/prometheus/rules/*.yml
}
# A live scrape of salesperfd (small demo loaded: business gauges, projection lag, gRPC
# metrics all present) through `promtool check metrics` (DESIGN.md: promtool-clean).
metrics_lint() {
  local daemon="$build_dir/bin/salesperfd"
  [[ -x "$daemon" ]] || { echo "$daemon not built: run make build first"; return 1; }
  local data="$work/metrics-lint-data" out="$work/metrics-lint.out" port pid status=0
  rm -rf "$data" && mkdir -p "$data"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$daemon" --data-dir="$data" --grpc-addr=127.0.0.1:0 --metrics-addr="127.0.0.1:$port" \
    --demo-data=always --demo-reps=8 --demo-customers=40 --demo-history-days=3 \
    --log-level=warn >"$out" 2>&1 &
  pid=$!
  for _ in $(seq 1 240); do
    grep -q '^salesperf demo loaded' "$out" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if grep -q '^salesperf demo loaded' "$out"; then
    python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' \
      "http://127.0.0.1:$port/metrics" >"$work/metrics-lint.txt" &&
      grep -q '^salesperf_business_' "$work/metrics-lint.txt" &&
      promtool check metrics <"$work/metrics-lint.txt" || status=1
  else
    echo "salesperfd did not load the demo:"; tail -20 "$out"; status=1
  fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
  return $status
}

check "yamllint deploy/ helm/" yaml_lint
check "shellcheck" shell_lint
check "docker: Dockerfile (dockerfile-utils, image rules)" validate dockerfile "$root/deploy/docker/Dockerfile"
check "docker: compose.yaml (Compose Specification)" validate compose "$root/deploy/docker/compose.yaml" "$root/deploy/docker/Dockerfile"
check "docker: grpc-health-probe parses" health_probe_compiles
check "helm: values files match values.schema.json" validate values "$root/$chart" "$root/$chart"/ci/*-values.yaml
check "helm: values.schema.json rejects bad values" validate values-reject "$root/$chart" "$root"/deploy/tools/schema-tests/*.yaml
check "helm: render ci/*-values.yaml (strict) and NOTES" render_chart
check "helm: rendered manifests vs Kubernetes schemas" chart_manifests
check "helm: analytics replicas, per-pod consumer groups" chart_analytics_replicas
check "helm: files/prometheus equals deploy/prometheus" chart_rules_in_sync
check "helm: PrometheusRule checked and unit-tested" chart_rules_promtool
check "helm: README values table up to date" values_table
check "k8s: kubectl kustomize base and overlays" kustomize_build
check "k8s: kustomize output vs Kubernetes schemas" kustomize_manifests
check "prometheus: promtool check config" promtool_config
check "prometheus: promtool check rules" promtool_rules
check "prometheus: promtool test rules" promtool_tests
check "grafana: dashboards match generate.py" dashboards_generated
check "grafana: dashboard PromQL parses (promtool)" dashboards_promql
check "metrics: names used are in docs/metrics.md" metric_names
check "metrics: promtool check metrics, live scrape" metrics_lint

if ((${#failed[@]})); then
  echo "deploy-check: ${#failed[@]} check(s) failed: ${failed[*]} ($((SECONDS - start)) s)"
  exit 1
fi
echo "deploy-check: all checks passed ($((SECONDS - start)) s)"
