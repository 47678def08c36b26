#!/usr/bin/env python3
"""Writes the Grafana dashboards in dashboards/ (the JSON files are generated: edit this file).

    python3 deploy/grafana/generate.py            # rewrite dashboards/*.json
    python3 deploy/grafana/generate.py --check    # exit 1 if a committed file differs

Metric names and labels: docs/metrics.md. Business gauges come from every analytics replica
with the same value, so queries aggregate the instance away (max by the business labels).
"""
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
DS = {"type": "prometheus", "uid": "${datasource}"}


class Layout:
    """Places panels left to right, 24 grid units a row."""

    def __init__(self):
        self.x, self.y, self.row_h, self.next_id = 0, 0, 0, 1
        self.panels = []

    def row(self, title):
        if self.x:
            self.y += self.row_h
        self.x, self.row_h = 0, 0
        self.panels.append({"type": "row", "title": title, "id": self._id(), "collapsed": False,
                            "gridPos": {"x": 0, "y": self.y, "w": 24, "h": 1}, "panels": []})
        self.y += 1

    def add(self, panel, w, h):
        if self.x + w > 24:
            self.x, self.y, self.row_h = 0, self.y + self.row_h, 0
        panel["id"] = self._id()
        panel["gridPos"] = {"x": self.x, "y": self.y, "w": w, "h": h}
        self.x += w
        self.row_h = max(self.row_h, h)
        self.panels.append(panel)

    def _id(self):
        self.next_id += 1
        return self.next_id - 1


def targets(*exprs):
    out = []
    for i, e in enumerate(exprs):
        expr, legend = e if isinstance(e, tuple) else (e, "")
        out.append({"refId": chr(ord("A") + i), "datasource": DS, "expr": expr,
                    "legendFormat": legend or "__auto", "range": True})
    return out


def timeseries(title, unit, *exprs, description="", stack=False):
    return {"type": "timeseries", "title": title, "description": description, "datasource": DS,
            "targets": targets(*exprs),
            "fieldConfig": {"defaults": {"unit": unit, "custom": {
                "drawStyle": "line", "lineWidth": 1, "fillOpacity": 10 if stack else 0,
                "stacking": {"mode": "normal" if stack else "none", "group": "A"}}},
                "overrides": []},
            "options": {"legend": {"displayMode": "table", "placement": "bottom", "calcs": ["lastNotNull", "max"]},
                        "tooltip": {"mode": "multi", "sort": "desc"}}}


def stat(title, unit, expr, description="", thresholds=None, decimals=None):
    steps = thresholds or [{"color": "green", "value": None}]
    defaults = {"unit": unit, "thresholds": {"mode": "absolute", "steps": steps}}
    if decimals is not None:
        defaults["decimals"] = decimals
    return {"type": "stat", "title": title, "description": description, "datasource": DS,
            "targets": targets(expr),
            "fieldConfig": {"defaults": defaults, "overrides": []},
            "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                        "colorMode": "background", "graphMode": "area", "textMode": "auto"}}


def bargauge(title, unit, expr, legend, description="", thresholds=None, maximum=None):
    defaults = {"unit": unit, "min": 0,
                "thresholds": {"mode": "absolute", "steps": thresholds or [{"color": "blue", "value": None}]}}
    if maximum is not None:
        defaults["max"] = maximum
    return {"type": "bargauge", "title": title, "description": description, "datasource": DS,
            "targets": [dict(t, instant=True, range=False, format="time_series") for t in targets((expr, legend))],
            "fieldConfig": {"defaults": defaults, "overrides": []},
            "options": {"orientation": "horizontal", "displayMode": "gradient", "showUnfilled": True,
                        "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}}}


PACE = [{"color": "red", "value": None}, {"color": "orange", "value": 0.8}, {"color": "green", "value": 1}]


def variable_query(name, label, query, regex_all=True, multi=True, hide=0):
    return {"name": name, "label": label, "type": "query", "datasource": DS,
            "query": {"query": query, "refId": name}, "definition": query, "refresh": 2,
            "includeAll": regex_all, "multi": multi, "allValue": ".*" if regex_all else None,
            "current": {}, "sort": 1, "hide": hide, "options": []}


def datasource_var():
    return {"name": "datasource", "label": "Prometheus", "type": "datasource", "query": "prometheus",
            "current": {}, "hide": 0, "options": [], "refresh": 1}


def dashboard(uid, title, description, tags, variables, layout, refresh="30s", time_from="now-6h"):
    return {"uid": uid, "title": title, "description": description, "tags": tags,
            "editable": True, "graphTooltip": 1, "schemaVersion": 39, "version": 1,
            "timezone": "", "refresh": refresh, "time": {"from": time_from, "to": "now"},
            "templating": {"list": variables}, "annotations": {"list": []},
            "links": [{"title": "salesperf dashboards", "type": "dashboards", "tags": ["salesperf"], "asDropdown": True}],
            "panels": layout.panels}


def platform():
    j = 'job=~"$job"'
    L = Layout()
    L.row("Services")
    L.add(stat("Targets up", "none", f'sum(up{{{j}}})', "Scrape targets answering.",
               [{"color": "red", "value": None}, {"color": "green", "value": 1}]), 4, 4)
    L.add(stat("Targets down", "none", f'count(up{{{j}}} == 0) or vector(0)', "",
               [{"color": "green", "value": None}, {"color": "red", "value": 1}]), 4, 4)
    L.add(stat("gRPC calls/s", "reqps", f'sum(rate(grpc_server_handled_total{{{j}}}[$__rate_interval]))'), 4, 4)
    L.add(stat("gRPC server errors", "percentunit",
               f'sum(rate(grpc_server_handled_total{{{j},grpc_code=~"Unknown|Internal|Unavailable|DataLoss|DeadlineExceeded"}}[$__rate_interval]))'
               f' / sum(rate(grpc_server_handled_total{{{j}}}[$__rate_interval]))',
               "Share of calls ending in a server-side error code.",
               [{"color": "green", "value": None}, {"color": "orange", "value": 0.01}, {"color": "red", "value": 0.05}]), 4, 4)
    L.add(stat("Outbox backlog", "short", f'sum(salesperf_outbox_pending_events{{{j}}})', "Events not yet on Kafka.",
               [{"color": "green", "value": None}, {"color": "orange", "value": 100}, {"color": "red", "value": 1000}]), 4, 4)
    L.add(stat("Max projection lag", "s", f'max(salesperf_projection_lag_seconds{{{j}}})', "",
               [{"color": "green", "value": None}, {"color": "orange", "value": 60}, {"color": "red", "value": 300}]), 4, 4)
    L.add(timeseries("gRPC calls by method", "reqps",
                     (f'sum by (grpc_service, grpc_method) (rate(grpc_server_handled_total{{{j}}}[$__rate_interval]))',
                      "{{grpc_service}}/{{grpc_method}}")), 12, 8)
    L.add(timeseries("gRPC calls by code", "reqps",
                     (f'sum by (grpc_code) (rate(grpc_server_handled_total{{{j}}}[$__rate_interval]))', "{{grpc_code}}"),
                     stack=True), 12, 8)
    L.add(timeseries("gRPC latency p50 / p99", "s",
                     (f'histogram_quantile(0.5, sum by (le, grpc_service) (rate(grpc_server_handling_seconds_bucket{{{j}}}[$__rate_interval])))',
                      "p50 {{grpc_service}}"),
                     (f'histogram_quantile(0.99, sum by (le, grpc_service) (rate(grpc_server_handling_seconds_bucket{{{j}}}[$__rate_interval])))',
                      "p99 {{grpc_service}}")), 24, 8)
    L.row("Event stores")
    L.add(timeseries("Events appended", "ops",
                     (f'sum by (source) (rate(salesperf_eventstore_events_appended_total{{{j}}}[$__rate_interval]))', "{{source}}"),
                     stack=True), 8, 8)
    L.add(timeseries("Append latency p99", "s",
                     (f'histogram_quantile(0.99, sum by (le, source) (rate(salesperf_eventstore_append_seconds_bucket{{{j}}}[$__rate_interval])))',
                      "{{source}}")), 8, 8)
    L.add(timeseries("Write errors", "short",
                     (f'sum by (source) (increase(salesperf_eventstore_write_errors_total{{{j}}}[$__rate_interval]))', "{{source}}")), 8, 8)
    L.add(timeseries("Head sequence", "short",
                     (f'max by (source) (salesperf_eventstore_head_sequence{{{j}}})', "{{source}}")), 12, 8)
    L.add(timeseries("RocksDB size", "bytes",
                     (f'sum by (job, instance, db) (salesperf_rocksdb_size_bytes{{{j}}})', "{{instance}} {{db}}")), 12, 8)
    L.row("Outbox relays (to Kafka)")
    L.add(timeseries("Pending events", "short",
                     (f'max by (source) (salesperf_outbox_pending_events{{{j}}})', "{{source}}")), 8, 8)
    L.add(timeseries("Published", "ops",
                     (f'sum by (source) (rate(salesperf_outbox_published_total{{{j}}}[$__rate_interval]))', "{{source}}")), 8, 8)
    L.add(timeseries("Publish errors", "short",
                     (f'sum by (source) (increase(salesperf_outbox_publish_errors_total{{{j}}}[$__rate_interval]))', "{{source}}")), 8, 8)
    L.row("Projections (read models)")
    L.add(timeseries("Lag (seconds)", "s",
                     (f'max by (instance, projection) (salesperf_projection_lag_seconds{{{j}}})', "{{instance}} {{projection}}")), 12, 8)
    L.add(timeseries("Lag (events)", "short",
                     (f'sum by (instance, projection, source) (salesperf_projection_lag_events{{{j}}})',
                      "{{instance}} {{projection}} <- {{source}}")), 12, 8)
    L.add(timeseries("Events applied", "ops",
                     (f'sum by (projection) (rate(salesperf_projection_events_applied_total{{{j}}}[$__rate_interval]))', "{{projection}}"),
                     (f'sum by (projection) (rate(salesperf_projection_duplicates_skipped_total{{{j}}}[$__rate_interval]))',
                      "duplicates {{projection}}")), 8, 8)
    L.add(timeseries("Batch latency p99", "s",
                     (f'histogram_quantile(0.99, sum by (le, projection) (rate(salesperf_projection_batch_seconds_bucket{{{j}}}[$__rate_interval])))',
                      "{{projection}}")), 8, 8)
    L.add(timeseries("Errors and dead letters", "short",
                     (f'sum by (projection) (increase(salesperf_projection_errors_total{{{j}}}[$__rate_interval]))', "errors {{projection}}"),
                     (f'sum by (consumer) (increase(salesperf_dlq_messages_total{{{j}}}[$__rate_interval]))', "DLQ {{consumer}}"),
                     (f'sum by (consumer) (increase(salesperf_dlq_published_total{{{j}}}[$__rate_interval]))', "DLQ published {{consumer}}")),
          8, 8)
    return dashboard("salesperf-platform", "salesperf / Platform health",
                     "Services, event stores, outbox relays and projections (docs/metrics.md).",
                     ["salesperf", "platform"],
                     [datasource_var(), variable_query("job", "Service", 'label_values(up{job=~"salesperf-.*"}, job)')],
                     L)


def sales():
    p = 'period="$period"'
    L = Layout()
    L.row("Company, this $period")
    L.add(stat("Revenue", "none", f'max by (currency) (salesperf_business_revenue{{level="company",{p}}})',
               "Revenue won, in major units of each currency."), 6, 5)
    L.add(stat("Deals won", "none", f'max(salesperf_business_deals_won{{level="company",{p}}})'), 4, 5)
    L.add(stat("Revenue attainment", "percentunit",
               f'max(salesperf_business_attainment_ratio{{level="company",{p},metric="revenue"}})', "Actual / target.",
               PACE, 1), 5, 5)
    L.add(stat("Revenue pace", "percentunit",
               f'max(salesperf_business_attainment_pace_ratio{{level="company",{p},metric="revenue"}})',
               "Actual / expected by today (1 = on pace).", PACE, 1), 5, 5)
    L.add(stat("Period elapsed", "percentunit", f'max(salesperf_business_period_elapsed_ratio{{{p}}})',
               "Share of the period's working days gone.", None, 0), 4, 5)
    L.row("Regions")
    L.add(bargauge("Revenue attainment by region", "percentunit",
                   f'max by (scope) (salesperf_business_attainment_ratio{{level="region",{p},metric="revenue",scope=~"$region"}})',
                   "{{scope}}", "", PACE, 1.5), 8, 9)
    L.add(bargauge("Revenue pace by region", "percentunit",
                   f'max by (scope) (salesperf_business_attainment_pace_ratio{{level="region",{p},metric="revenue",scope=~"$region"}})',
                   "{{scope}}", "Below the alert threshold in the last third of the period: SalesperfRegionBehindPace.",
                   PACE, 1.5), 8, 9)
    L.add(bargauge("Revenue by region", "none",
                   f'max by (scope, currency) (salesperf_business_revenue{{level="region",{p},scope=~"$region"}})',
                   "{{scope}} ({{currency}})"), 8, 9)
    L.add(timeseries("Attainment by region over time (metric: $metric)", "percentunit",
                     (f'max by (scope) (salesperf_business_attainment_ratio{{level="region",{p},metric="$metric",scope=~"$region"}})',
                      "{{scope}}")), 12, 8)
    L.add(timeseries("Pace by region over time (metric: $metric)", "percentunit",
                     (f'max by (scope) (salesperf_business_attainment_pace_ratio{{level="region",{p},metric="$metric",scope=~"$region"}})',
                      "{{scope}}")), 12, 8)
    L.row("Activity")
    L.add(timeseries("Calls by region", "none",
                     (f'max by (scope) (salesperf_business_calls{{level="region",{p},scope=~"$region"}})', "{{scope}}")), 8, 8)
    L.add(timeseries("Visits by region", "none",
                     (f'max by (scope) (salesperf_business_visits{{level="region",{p},scope=~"$region"}})', "{{scope}}")), 8, 8)
    L.add(timeseries("CSAT by region", "none",
                     (f'max by (scope) (salesperf_business_csat{{level="region",{p},scope=~"$region"}})', "{{scope}}")), 8, 8)
    L.add(bargauge("Open risk flags (跑单) by region", "none",
                   'max by (scope) (salesperf_business_open_risk_flags{level="region",scope=~"$region"})', "{{scope}}",
                   "", [{"color": "green", "value": None}, {"color": "orange", "value": 5}, {"color": "red", "value": 20}]), 8, 8)
    L.add(timeseries("Risk flags raised per hour by rule", "none",
                     ('sum by (rule) (increase(salesperf_activity_risk_flags_raised_total[1h]))', "{{rule}}"),
                     description="SalesperfRiskFlagsSpiking fires at 3x the week's hourly rate."), 16, 8)
    L.row("Customer feedback")
    L.add(timeseries("Feedback alerts per hour by reason", "none",
                     ('sum by (reason) (increase(salesperf_feedback_alerts_raised_total[1h]))', "{{reason}}"),
                     description="Alerts for a rep's manager: NPS detractors, low CSAT, severe complaints."), 12, 8)
    L.add(timeseries("Complaint SLA breaches per hour", "none",
                     ('sum(increase(salesperf_feedback_sla_breaches_total[1h]))', "breaches"),
                     description="SalesperfComplaintSlaBreached fires at one or more in the last hour."), 12, 8)
    L.row("Teams")
    L.add(bargauge("Bottom 15 teams by revenue pace", "percentunit",
                   f'bottomk(15, max by (scope) (salesperf_business_attainment_pace_ratio{{level="team",{p},metric="revenue"}}))',
                   "{{scope}}", "", PACE, 1.5), 12, 10)
    L.add(bargauge("Top 15 teams by revenue attainment", "percentunit",
                   f'topk(15, max by (scope) (salesperf_business_attainment_ratio{{level="team",{p},metric="revenue"}}))',
                   "{{scope}}", "", PACE, 1.5), 12, 10)
    period_var = {"name": "period", "label": "Period", "type": "custom",
                  "query": "month,quarter,fiscal_quarter",
                  "current": {"text": "month", "value": "month"}, "hide": 0, "multi": False, "includeAll": False,
                  "options": [{"text": "month", "value": "month", "selected": True},
                              {"text": "quarter", "value": "quarter", "selected": False},
                              {"text": "fiscal_quarter", "value": "fiscal_quarter", "selected": False}]}
    metric_var = {"name": "metric", "label": "Target metric", "type": "custom",
                  "query": "revenue,deals_won,new_customers,calls,call_minutes,visits,conversion_rate,average_deal_size,csat",
                  "current": {"text": "revenue", "value": "revenue"}, "hide": 0, "multi": False, "includeAll": False,
                  "options": []}
    return dashboard("salesperf-sales", "salesperf / Sales performance",
                     "Regional KPIs, attainment against targets, pace and activity (analytics read model).",
                     ["salesperf", "sales"],
                     [datasource_var(), period_var, metric_var,
                      variable_query("region", "Region",
                                     'label_values(salesperf_business_revenue{level="region"}, scope)')],
                     L, refresh="1m", time_from="now-30d")


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for name, dash in (("salesperf-platform.json", platform()), ("salesperf-sales.json", sales())):
        path = HERE / "dashboards" / name
        text = json.dumps(dash, indent=2, ensure_ascii=False) + "\n"
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print("out of date (run python3 deploy/grafana/generate.py): " + " ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
