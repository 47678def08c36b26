#include "tools/salesperfctl/analytics_commands.h"

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/common/string_view_compat.h"
#include "salesperf/analytics/v1/analytics.grpc.pb.h"
#include "tools/salesperfctl/table.h"
#include "tools/salesperfctl/values.h"

namespace salesperf::ctl {
namespace {

namespace v1 = analytics::v1;
using Stub = v1::AnalyticsService::Stub;

// "revenue", "win_rate", ...: the Metric enum names without METRIC_, lower case.
std::vector<std::string> MetricChoices() {
  std::vector<std::string> names;
  const google::protobuf::EnumDescriptor* e = v1::Metric_descriptor();
  for (int i = 0; i < e->value_count(); ++i) {
    if (e->value(i)->number() == 0) continue;
    std::string name = e->value(i)->name().substr(7);
    absl::AsciiStrToLower(&name);
    names.push_back(name);
  }
  return names;
}

v1::Metric MetricOf(const std::string& name) {
  std::string upper = absl::StrCat("METRIC_", name);
  absl::AsciiStrToUpper(&upper);
  v1::Metric metric = v1::METRIC_UNSPECIFIED;
  v1::Metric_Parse(upper, &metric);
  return metric;
}

std::string MetricLabel(v1::Metric metric) {
  std::string name = v1::Metric_Name(metric);
  if (name.size() > 7) name = name.substr(7);
  absl::AsciiStrToLower(&name);
  return name;
}

// A metric value in its unit (analytics.proto): money, bp, hundredths or a count.
std::string FormatMetric(v1::Metric metric, int64_t value, const std::string& currency) {
  switch (metric) {
    case v1::METRIC_REVENUE:
    case v1::METRIC_AVERAGE_DEAL_SIZE:
    case v1::METRIC_PIPELINE_VALUE: {
      common::v1::Money m;
      m.set_currency_code(currency.empty() ? "CNY" : currency);
      m.set_minor_units(value);
      return FormatMoney(m);
    }
    case v1::METRIC_WIN_RATE:
    case v1::METRIC_CSAT_SATISFIED:
      return FormatBasisPoints(value);
    case v1::METRIC_CSAT_AVERAGE:
    case v1::METRIC_CALLS_PER_WORKING_DAY:
      return FormatHundredths(value);
    case v1::METRIC_AVERAGE_CALL_SECONDS:
      return absl::StrCat(value, " s");
    default:
      return GroupThousands(value);
  }
}

std::string StatusName(v1::AttainmentStatus status) {
  switch (status) {
    case v1::ATTAINMENT_STATUS_ON_TRACK:
      return "on track";
    case v1::ATTAINMENT_STATUS_AT_RISK:
      return "at risk";
    case v1::ATTAINMENT_STATUS_OFF_TRACK:
      return "off track";
    default:
      return "-";
  }
}

// Flags shared by most commands.
struct Common {
  std::string scope = "company";
  std::string period;
  std::string as_of;
};

void AddCommon(CLI::App* cmd, Common& c, bool period_required = true) {
  cmd->add_option("--scope", c.scope,
                  "company, region:<id>, team:<id> or rep:<id> (default company)");
  CLI::Option* period = cmd->add_option("--period", c.period,
                                        "period id: 2026-11, 2026-W48, 2026-Q4, 2026, FY2027-Q1");
  if (period_required) period->required();
  cmd->add_option("--as-of", c.as_of,
                  "YYYY-MM-DD: as it stood at the end of that day (default: now)");
}

// Parses the shared flags; "" on success, else the usage error.
std::string ParseCommon(const Common& c, common::v1::ScopeRef* scope, common::v1::Period* period) {
  absl::StatusOr<common::v1::ScopeRef> s = ParseScope(c.scope);
  if (!s.ok()) return absl::StrCat("--scope: ", s.status().message());
  *scope = *s;
  if (!c.period.empty()) {
    if (absl::Status p = ValidatePeriodId(c.period); !p.ok())
      return absl::StrCat("--period: ", p.message());
    period->set_id(c.period);
  }
  if (!c.as_of.empty()) {
    if (absl::Status d = ValidateDate(c.as_of); !d.ok())
      return absl::StrCat("--as-of: ", d.message());
  }
  return "";
}

void AddKpis(Ctl& ctl, CLI::App* group) {
  auto c = std::make_shared<Common>();
  CLI::App* cmd =
      group->add_subcommand("kpis", "KPIs of a rep, team, region or the company for a period");
  AddCommon(cmd, *c);
  ctl.SetAction(cmd, [&ctl, c] {
    v1::GetKpisRequest req;
    if (std::string e = ParseCommon(*c, req.mutable_scope(), req.mutable_period()); !e.empty()) {
      return ctl.UsageError(e);
    }
    req.set_as_of_day(c->as_of);
    return ctl.Call(&Stub::GetKpis, req, [&](const v1::GetKpisResponse& r) {
      const v1::Kpis& k = r.kpis();
      std::vector<std::pair<std::string, std::string>> fields = {
          {"scope", ScopeToString(k.scope())},
          {"period", absl::StrCat(k.period().id(), " (", OrDash(k.first_day()), " .. ",
                                  OrDash(k.last_day()), ")")},
          {"revenue", FormatMoney(k.revenue())},
          {"deals won / lost / cancelled",
           absl::StrCat(k.deals_won(), " / ", k.deals_lost(), " / ", k.deals_cancelled())},
          {"win rate", FormatBasisPoints(k.win_rate_bp())},
          {"average deal size", FormatMoney(k.average_deal_size())},
          {"new customers", GroupThousands(k.new_customers())},
          {"leads", GroupThousands(k.leads())},
          {"calls (connected)",
           absl::StrCat(GroupThousands(k.calls()), " (", GroupThousands(k.connected_calls()), ")")},
          {"call minutes", GroupThousands(k.call_minutes())},
          {"average call", absl::StrCat(k.average_call_seconds(), " s")},
          {"calls per working day", absl::StrCat(FormatHundredths(k.calls_per_working_day_centi()),
                                                 " (", k.working_days(), " working days)")},
          {"visits planned / done / verified",
           absl::StrCat(k.visits_planned(), " / ", k.visits_done(), " / ", k.visits_verified())},
          {"visit plan changes", GroupThousands(k.visit_plan_changes())},
          {"CSAT", absl::StrCat(FormatMetric(v1::METRIC_CSAT_AVERAGE, k.csat_average_centi(), ""),
                                " (", k.csat_responses(), " responses, ",
                                FormatBasisPoints(k.csat_satisfied_bp()), " satisfied)")},
          {"NPS", absl::StrCat(k.nps(), " (", k.nps_responses(), " responses)")},
          {"complaints", GroupThousands(k.complaints())},
          {"open risk flags", GroupThousands(k.open_risk_flags())}};
      for (const v1::StageValue& s : k.pipeline()) {
        fields.emplace_back(absl::StrCat("pipeline ", s.stage()),
                            absl::StrCat(s.deals(), " deals, ", FormatMoney(s.value())));
      }
      PrintFields(ctl.out(), fields);
    });
  });
}

void AddAttainment(Ctl& ctl, CLI::App* group) {
  struct Opts : Common {
    std::string target;
  };
  auto o = std::make_shared<Opts>();
  o->scope = "";
  CLI::App* cmd = group->add_subcommand(
      "attainment", "Actual against targets, with pace, projections and status");
  AddCommon(cmd, *o, /*period_required=*/false);
  cmd->add_option("--target", o->target, "one target id");
  ctl.SetAction(cmd, [&ctl, o] {
    v1::GetAttainmentRequest req;
    Common parsed = *o;
    if (parsed.scope.empty()) parsed.scope = "company";
    if (std::string e = ParseCommon(parsed, req.mutable_scope(), req.mutable_period());
        !e.empty()) {
      return ctl.UsageError(e);
    }
    if (o->scope.empty()) req.clear_scope();
    req.set_target_id(o->target);
    req.set_as_of_day(o->as_of);
    return ctl.Call(&Stub::GetAttainment, req, [&](const v1::GetAttainmentResponse& r) {
      if (r.attainments().empty()) {
        ctl.out() << "no targets\n";
        return;
      }
      Table table({"TARGET", "SCOPE", "METRIC", "PERIOD", "TARGET VALUE", "ACTUAL", "EXPECTED",
                   "ATTAINMENT", "PACE", "PROJECTED", "PIPELINE-WEIGHTED", "STATUS"},
                  {4, 5, 6, 7, 8, 9, 10});
      for (const v1::Attainment& a : r.attainments()) {
        auto value = [&](int64_t v) {
          return a.unit() == "bp"
                     ? FormatBasisPoints(v)
                     : (a.unit().size() == 3 && absl::AsciiStrToUpper(a.unit()) == a.unit()
                            ? FormatMetric(v1::METRIC_REVENUE, v, a.unit())
                            : absl::StrCat(GroupThousands(v), " ", a.unit()));
        };
        table.AddRow({a.target_id(), ScopeToString(a.key().scope()),
                      MetricToString(a.key().metric()), a.key().period().id(), value(a.target()),
                      value(a.actual()), value(a.expected_to_date()),
                      FormatBasisPoints(a.attainment_bp()), FormatBasisPoints(a.pace_bp()),
                      value(a.projected_straight_line()), value(a.projected_pipeline_weighted()),
                      StatusName(a.status())});
      }
      table.Print(ctl.out());
    });
  });
}

void AddLeaderboard(Ctl& ctl, CLI::App* group) {
  struct Opts : Common {
    std::string metric = "revenue";
    std::string rep;
    int top = 10;
    int neighbours = 2;
    bool movement = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = group->add_subcommand("leaderboard", "Top N reps by a metric, and a rep's rank");
  AddCommon(cmd, *o);
  ctl.Choices(cmd->add_option("--metric", o->metric, "what to rank by (default revenue)"),
              MetricChoices());
  cmd->add_option("--top", o->top, "how many (default 10)");
  cmd->add_option("--rep", o->rep, "also show this rep's rank and neighbours");
  cmd->add_option("--neighbours", o->neighbours, "reps above and below --rep (default 2)");
  cmd->add_flag("--movement", o->movement, "ranks at the end of the previous day");
  ctl.SetAction(cmd, [&ctl, o] {
    v1::GetLeaderboardRequest req;
    if (std::string e = ParseCommon(*o, req.mutable_scope(), req.mutable_period()); !e.empty()) {
      return ctl.UsageError(e);
    }
    req.set_metric(MetricOf(o->metric));
    req.set_top_n(o->top);
    req.set_rep_id(o->rep);
    req.set_neighbours(o->neighbours);
    req.set_as_of_day(o->as_of);
    req.set_include_movement(o->movement);
    const v1::Metric metric = req.metric();
    return ctl.Call(&Stub::GetLeaderboard, req, [&](const v1::GetLeaderboardResponse& r) {
      auto print = [&](const google::protobuf::RepeatedPtrField<v1::LeaderboardEntry>& entries) {
        Table table({"RANK", "REP", "NAME", MetricLabel(metric), "MOVE"}, {0, 3, 4});
        for (const v1::LeaderboardEntry& e : entries) {
          std::string move = "-";
          if (e.previous_rank() != 0) {
            move = e.movement() > 0 ? absl::StrCat("+", e.movement()) : absl::StrCat(e.movement());
          } else if (o->movement) {
            move = "new";
          }
          table.AddRow({absl::StrCat(e.rank()), e.rep_id(), OrDash(e.display_name()),
                        FormatMetric(metric, e.value(), r.currency_code()), move});
        }
        table.Print(ctl.out());
      };
      print(r.top());
      if (!o->rep.empty()) {
        ctl.out() << "\n";
        if (r.around_rep().empty()) {
          ctl.out() << o->rep << " is not ranked\n";
        } else {
          print(r.around_rep());
        }
      }
    });
  });
}

void AddRegional(Ctl& ctl, CLI::App* group) {
  struct Opts : Common {
    std::vector<std::string> metrics = {"revenue", "deals_won", "calls", "visits_done",
                                        "csat_average"};
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = group->add_subcommand(
      "regional", "All regions (or a region's teams) side by side, with totals");
  AddCommon(cmd, *o);
  ctl.Choices(cmd->add_option("--metric", o->metrics, "metrics to show (repeatable)"),
              MetricChoices());
  ctl.SetAction(cmd, [&ctl, o] {
    v1::GetRegionalViewRequest req;
    if (std::string e = ParseCommon(*o, req.mutable_parent(), req.mutable_period()); !e.empty()) {
      return ctl.UsageError(e);
    }
    for (const std::string& m : o->metrics) req.add_metrics(MetricOf(m));
    req.set_as_of_day(o->as_of);
    return ctl.Call(&Stub::GetRegionalView, req, [&](const v1::GetRegionalViewResponse& r) {
      std::vector<std::string> header = {"SCOPE", "NAME"};
      std::vector<size_t> right;
      for (const std::string& m : o->metrics) {
        right.push_back(header.size());
        header.push_back(absl::AsciiStrToUpper(m));
      }
      Table table(header, right);
      auto add = [&](const v1::RegionalRow& row, const std::string& label) {
        std::vector<std::string> cells = {label, OrDash(row.name())};
        for (int i = 0; i < row.values_size(); ++i) {
          cells.push_back(FormatMetric(req.metrics(i), row.values(i), r.currency_code()));
        }
        table.AddRow(cells);
      };
      for (const v1::RegionalRow& row : r.rows()) add(row, ScopeToString(row.scope()));
      add(r.total(), "TOTAL");
      table.Print(ctl.out());
    });
  });
}

void AddTrend(Ctl& ctl, CLI::App* group) {
  struct Opts {
    std::string scope = "company", metric = "revenue", by = "month", end;
    int points = 12;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd =
      group->add_subcommand("trend", "A metric by day, week or month, with the change per step");
  cmd->add_option("--scope", o->scope, "company, region:<id>, team:<id> or rep:<id>");
  // The states as they stand today (analytics.proto, Metric) have no series.
  std::vector<std::string> trend_metrics = MetricChoices();
  std::erase_if(trend_metrics, [](const std::string& name) {
    const v1::Metric metric = MetricOf(name);
    return metric == v1::METRIC_PIPELINE_VALUE || metric == v1::METRIC_OPEN_RISK_FLAGS;
  });
  ctl.Choices(cmd->add_option("--metric", o->metric, "the metric (default revenue)"),
              trend_metrics);
  ctl.Choices(cmd->add_option("--by", o->by, "day, week or month (default month)"),
              {"day", "week", "month"});
  cmd->add_option("--end", o->end, "YYYY-MM-DD in the last period (default today)");
  cmd->add_option("--points", o->points, "how many periods (default 12)");
  ctl.SetAction(cmd, [&ctl, o] {
    v1::GetTrendRequest req;
    absl::StatusOr<common::v1::ScopeRef> scope = ParseScope(o->scope);
    if (!scope.ok()) return ctl.UsageError(absl::StrCat("--scope: ", scope.status().message()));
    if (!o->end.empty()) {
      if (absl::Status d = ValidateDate(o->end); !d.ok())
        return ctl.UsageError(absl::StrCat("--end: ", d.message()));
    }
    *req.mutable_scope() = *scope;
    req.set_metric(MetricOf(o->metric));
    req.set_granularity(o->by == "day"    ? common::v1::PERIOD_KIND_DAY
                        : o->by == "week" ? common::v1::PERIOD_KIND_WEEK
                                          : common::v1::PERIOD_KIND_MONTH);
    req.set_end_day(o->end);
    req.set_points(o->points);
    return ctl.Call(&Stub::GetTrend, req, [&](const v1::GetTrendResponse& r) {
      Table table({"PERIOD", absl::AsciiStrToUpper(o->metric), "CHANGE", "CHANGE %"}, {1, 2, 3});
      for (const v1::TrendPoint& p : r.points()) {
        table.AddRow({p.period().id(), FormatMetric(req.metric(), p.value(), r.currency_code()),
                      FormatMetric(req.metric(), p.change(), r.currency_code()),
                      FormatBasisPoints(p.change_bp())});
      }
      table.Print(ctl.out());
    });
  });
}

void AddFunnel(Ctl& ctl, CLI::App* group) {
  auto c = std::make_shared<Common>();
  CLI::App* cmd =
      group->add_subcommand("funnel", "Lead -> qualified -> proposal -> negotiation -> won");
  AddCommon(cmd, *c);
  ctl.SetAction(cmd, [&ctl, c] {
    v1::GetFunnelRequest req;
    if (std::string e = ParseCommon(*c, req.mutable_scope(), req.mutable_period()); !e.empty()) {
      return ctl.UsageError(e);
    }
    req.set_as_of_day(c->as_of);
    return ctl.Call(&Stub::GetFunnel, req, [&](const v1::GetFunnelResponse& r) {
      Table table({"STAGE", "COUNT", "CONVERSION"}, {1, 2});
      for (const v1::FunnelStage& s : r.stages()) {
        table.AddRow({s.stage(), GroupThousands(s.count()),
                      s.stage() == "lead" ? "-" : FormatBasisPoints(s.conversion_bp())});
      }
      table.Print(ctl.out());
    });
  });
}

}  // namespace

void RegisterAnalyticsCommands(Ctl& ctl) {
  CLI::App* group = ctl.app().add_subcommand(
      "analytics",
      "KPIs, attainment, leaderboards and trends (salesperf.analytics.v1.AnalyticsService)");
  group->require_subcommand(1);
  AddKpis(ctl, group);
  AddAttainment(ctl, group);
  AddLeaderboard(ctl, group);
  AddRegional(ctl, group);
  AddTrend(ctl, group);
  AddFunnel(ctl, group);
}

}  // namespace salesperf::ctl
