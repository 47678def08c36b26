#include "tools/salesperfctl/targets_commands.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/common/string_view_compat.h"
#include "salesperf/targets/v1/targets.grpc.pb.h"
#include "tools/salesperfctl/table.h"
#include "tools/salesperfctl/values.h"

namespace salesperf::ctl {
namespace {

namespace v1 = targets::v1;
using Stub = v1::TargetsService::Stub;
using Fields = std::vector<std::pair<std::string, std::string>>;

// Collects the first bad flag of a command line, so that nothing is sent unless every
// flag parsed.
class Input {
 public:
  void Check(std::string_view flag, const absl::Status& status) {
    if (!status.ok() && error_.empty()) {
      error_ = absl::StrCat(ToAbsl(flag), ": ", status.message());
    }
  }
  template <typename T>
  T Take(std::string_view flag, absl::StatusOr<T> value) {
    if (!value.ok()) {
      Check(flag, value.status());
      return T();
    }
    return *std::move(value);
  }
  // An optional date flag: empty means "today" on the server.
  void Date(std::string_view flag, const std::string& date) {
    if (!date.empty()) Check(flag, ValidateDate(date));
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

// The target id as `--target ID` or as the first positional argument.
CLI::Option* AddTargetId(CLI::App* cmd, std::string& target_id) {
  return cmd->add_option("target,--target", target_id, "target id")->required();
}

CLI::Option* AddExpectedVersion(CLI::App* cmd, uint64_t& version) {
  return cmd->add_option("--expected-version", version,
                         "fail with ABORTED unless the target is at this version (0: no check)");
}

// --- Printing.

std::string Method(v1::DecompositionMethod method) {
  switch (method) {
    case v1::DECOMPOSITION_METHOD_EXPLICIT:
      return "explicit";
    case v1::DECOMPOSITION_METHOD_EVEN:
      return "even";
    case v1::DECOMPOSITION_METHOD_WEIGHTS:
      return "weights";
    default:
      return "-";
  }
}

std::string Basis(const v1::TargetBasis& basis) {
  std::string out;
  switch (basis.kind()) {
    case v1::BASIS_KIND_LAST_PERIOD_ACTUAL_PLUS_GROWTH:
      out = absl::StrCat(
          "last period's actual ", FormatValue(basis.reference_value()),
          basis.reference_period_id().empty() ? "" : " (", basis.reference_period_id(),
          basis.reference_period_id().empty() ? "" : ")", basis.growth_rate_bp() < 0 ? " " : " +",
          FormatBasisPoints(basis.growth_rate_bp()));
      break;
    case v1::BASIS_KIND_PARENT_ALLOCATION:
      out = "allocated from the parent";
      break;
    case v1::BASIS_KIND_MANUAL:
      out = "manual";
      if (basis.has_reference_value()) {
        absl::StrAppend(&out, ", reference ", FormatValue(basis.reference_value()));
      }
      break;
    default:
      out = "-";
  }
  if (!basis.note().empty()) absl::StrAppend(&out, " - ", basis.note());
  return out;
}

void PrintTarget(Ctl& ctl, const v1::Target& t) {
  Fields fields = {
      {"target", t.target_id()},
      {"name", OrDash(t.name())},
      {"scope", ScopeToString(t.key().scope())},
      {"metric", MetricToString(t.key().metric())},
      {"period", absl::StrCat(t.key().period().id(), " (", t.period_first_day(), " .. ",
                              t.period_last_day(), ")")},
      {"value", FormatValue(t.value(), t.unit())},
  };
  if (t.has_previous_value()) {
    fields.push_back({"previous value", FormatValue(t.previous_value(), t.unit())});
  }
  fields.insert(fields.end(), {
                                  {"status", TargetStatusToString(t.status())},
                                  {"version", absl::StrCat(t.version())},
                                  {"owner", OrDash(t.owner_id())},
                                  {"parent", OrDash(t.parent_target_id())},
                                  {"basis", Basis(t.basis())},
                                  {"description", OrDash(t.description())},
                                  {"created", FormatTimestamp(t.created_at())},
                                  {"updated", FormatTimestamp(t.updated_at())},
                              });
  if (t.has_decomposition()) {
    const v1::Decomposition& d = t.decomposition();
    std::string split = absl::StrCat(Method(d.method()), " into ", d.allocations_size());
    if (d.has_unallocated_remainder()) {
      absl::StrAppend(&split, ", unallocated ", FormatValue(d.unallocated_remainder(), t.unit()));
    }
    fields.push_back({"decomposed", split});
  }
  PrintFields(ctl.out(), fields);
}

void PrintTargetTable(Ctl& ctl, const google::protobuf::RepeatedPtrField<v1::Target>& targets) {
  Table table(
      {"TARGET", "SCOPE", "METRIC", "PERIOD", "VALUE", "STATUS", "VERSION", "PARENT", "NAME"},
      {4, 6});
  for (const v1::Target& t : targets) {
    table.AddRow({t.target_id(), ScopeToString(t.key().scope()), MetricToString(t.key().metric()),
                  t.key().period().id(), FormatValue(t.value(), t.unit()),
                  TargetStatusToString(t.status()), absl::StrCat(t.version()),
                  OrDash(t.parent_target_id()), t.name()});
  }
  table.Print(ctl.out());
}

std::string Assignments(const v1::Rep& rep) {
  std::vector<std::string> parts;
  for (const v1::TeamAssignment& a : rep.assignments()) {
    // effective_to is the first day in the next team (or without one).
    parts.push_back(absl::StrCat(a.team_id(), " from ", a.effective_from(),
                                 a.effective_to().empty() ? "" : " until ", a.effective_to()));
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, "; ");
}

void PrintRep(Ctl& ctl, const v1::Rep& rep) {
  PrintFields(ctl.out(), {{"rep", rep.rep_id()},
                          {"name", OrDash(rep.display_name())},
                          {"team", OrDash(rep.team_id())},
                          {"region", OrDash(rep.region_id())},
                          {"hired on", OrDash(rep.hired_on())},
                          {"deactivated on", OrDash(rep.deactivated_on())},
                          {"active", rep.active() ? "yes" : "no"},
                          {"assignments", Assignments(rep)}});
}

void PrintRepTable(Ctl& ctl, const google::protobuf::RepeatedPtrField<v1::Rep>& reps) {
  Table table({"REP", "NAME", "TEAM", "REGION", "HIRED", "ACTIVE", "DEACTIVATED"});
  for (const v1::Rep& r : reps) {
    table.AddRow({r.rep_id(), r.display_name(), OrDash(r.team_id()), OrDash(r.region_id()),
                  OrDash(r.hired_on()), r.active() ? "yes" : "no", OrDash(r.deactivated_on())});
  }
  table.Print(ctl.out());
}

void PrintSettings(Ctl& ctl, const v1::OrganisationSettings& s) {
  PrintFields(
      ctl.out(),
      {{"company", OrDash(s.company_name())},
       {"time zone", OrDash(s.time_zone())},
       {"currency", OrDash(s.currency_code())},
       {"fiscal year starts", absl::StrCat("month ", s.fiscal_year_start_month())},
       {"non-working days",
        s.non_working_days().empty() ? "-" : absl::StrJoin(s.non_working_days(), " ")},
       {"make-up working days",
        s.make_up_working_days().empty() ? "-" : absl::StrJoin(s.make_up_working_days(), " ")}});
}

void PrintOrganisation(Ctl& ctl, const v1::Organisation& org) {
  const v1::OrganisationSettings& s = org.settings();
  ctl.out() << OrDash(s.company_name()) << " as of " << org.as_of() << " (" << OrDash(s.time_zone())
            << ", " << OrDash(s.currency_code()) << ", fiscal year from month "
            << s.fiscal_year_start_month() << ")\n\n";
  Table table({"SCOPE", "NAME", "MANAGER", "REPS", "SINCE"}, {3});
  int reps_total = 0;
  for (const v1::Region& region : org.regions()) {
    for (const v1::Team& team : region.teams()) reps_total += team.reps_size();
  }
  table.AddRow({"company", s.company_name(), OrDash(org.company_manager_id()),
                absl::StrCat(reps_total), ""});
  for (const v1::Region& region : org.regions()) {
    int region_reps = 0;
    for (const v1::Team& team : region.teams()) region_reps += team.reps_size();
    table.AddRow({"  region:" + region.region_id(), region.name(), OrDash(region.manager_id()),
                  absl::StrCat(region_reps), region.effective_from()});
    for (const v1::Team& team : region.teams()) {
      table.AddRow({"    team:" + team.team_id(), team.name(), OrDash(team.manager_id()),
                    absl::StrCat(team.reps_size()), team.effective_from()});
      for (const v1::Rep& rep : team.reps()) {
        std::string since = rep.hired_on();
        if (!rep.assignments().empty()) since = rep.assignments().rbegin()->effective_from();
        table.AddRow({"      rep:" + rep.rep_id(), rep.display_name(), "", "", since});
      }
    }
  }
  table.Print(ctl.out());
}

void AddRollupRows(Table& table, const v1::RollupNode& node, int depth) {
  const std::string indent(static_cast<size_t>(depth) * 2, ' ');
  table.AddRow(
      {indent + node.target_id(), ScopeToString(node.key().scope()),
       TargetStatusToString(node.status()), FormatValue(node.value()),
       node.has_children_sum() ? FormatValue(node.children_sum()) : "-",
       node.has_gap() ? FormatValue(node.gap()) : "-",
       node.has_unallocated_remainder() ? FormatValue(node.unallocated_remainder()) : "-"});
  for (const v1::RollupNode& child : node.children()) AddRollupRows(table, child, depth + 1);
}

// --- Organisation commands.

void AddSetSettings(Ctl& ctl, CLI::App* group) {
  struct Opts {
    std::string request_id, company_name, time_zone = "Asia/Shanghai", currency = "CNY";
    int fiscal_year_start_month = 1;
    std::vector<std::string> non_working_days, make_up_working_days;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = group->add_subcommand(
      "set-settings",
      "Set the organisation's settings (all of them: flags left out take their defaults)");
  cmd->add_option("--company-name", o->company_name, "company display name")->required();
  cmd->add_option("--time-zone", o->time_zone, "IANA time zone")->capture_default_str();
  cmd->add_option("--currency", o->currency, "ISO 4217 currency of money targets")
      ->capture_default_str();
  cmd->add_option("--fiscal-year-start-month", o->fiscal_year_start_month, "1..12")
      ->capture_default_str();
  cmd->add_option("--non-working-day", o->non_working_days,
                  "a public holiday on a weekday, YYYY-MM-DD (repeat the flag)");
  cmd->add_option("--make-up-working-day", o->make_up_working_days,
                  "a weekend day that is a working day, YYYY-MM-DD (repeat the flag)");
  AddRequestIdOption(cmd, o->request_id);
  ctl.SetAction(cmd, [&ctl, o] {
    Input in;
    for (const std::string& d : o->non_working_days) in.Check("--non-working-day", ValidateDate(d));
    for (const std::string& d : o->make_up_working_days) {
      in.Check("--make-up-working-day", ValidateDate(d));
    }
    if (!in.ok()) return ctl.UsageError(in.error());
    v1::SetOrganisationSettingsRequest req;
    req.set_request_id(ctl.RequestId(o->request_id));
    v1::OrganisationSettings* s = req.mutable_settings();
    s->set_company_name(o->company_name);
    s->set_time_zone(o->time_zone);
    s->set_currency_code(o->currency);
    s->set_fiscal_year_start_month(o->fiscal_year_start_month);
    for (const std::string& d : o->non_working_days) s->add_non_working_days(d);
    for (const std::string& d : o->make_up_working_days) s->add_make_up_working_days(d);
    return ctl.Call(
        &Stub::SetOrganisationSettings, req,
        [&](const v1::SetOrganisationSettingsResponse& r) { PrintSettings(ctl, r.settings()); });
  });
}

void AddCreateRegion(Ctl& ctl, CLI::App* group) {
  struct Opts {
    std::string request_id, id, name, from;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = group->add_subcommand("create-region", "Create a region of the company");
  cmd->add_option("--id", o->id, "region id")->required();
  cmd->add_option("--name", o->name, "display name")->required();
  cmd->add_option("--from", o->from, "first day, YYYY-MM-DD (default: today)");
  AddRequestIdOption(cmd, o->request_id);
  ctl.SetAction(cmd, [&ctl, o] {
    Input in;
    in.Date("--from", o->from);
    if (!in.ok()) return ctl.UsageError(in.error());
    v1::CreateRegionRequest req;
    req.set_request_id(ctl.RequestId(o->request_id));
    req.set_region_id(o->id);
    req.set_name(o->name);
    req.set_effective_from(o->from);
    return ctl.Call(&Stub::CreateRegion, req, [&](const v1::CreateRegionResponse& r) {
      PrintFields(ctl.out(), {{"region", r.region().region_id()},
                              {"name", r.region().name()},
                              {"from", r.region().effective_from()},
                              {"manager", OrDash(r.region().manager_id())}});
    });
  });
}

void AddCreateTeam(Ctl& ctl, CLI::App* group) {
  struct Opts {
    std::string request_id, id, region, name, from;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = group->add_subcommand("create-team", "Create a team in a region");
  cmd->add_option("--id", o->id, "team id")->required();
  cmd->add_option("--region", o->region, "region id")->required();
  cmd->add_option("--name", o->name, "display name")->required();
  cmd->add_option("--from", o->from, "first day, YYYY-MM-DD (default: today)");
  AddRequestIdOption(cmd, o->request_id);
  ctl.SetAction(cmd, [&ctl, o] {
    Input in;
    in.Date("--from", o->from);
    if (!in.ok()) return ctl.UsageError(in.error());
    v1::CreateTeamRequest req;
    req.set_request_id(ctl.RequestId(o->request_id));
    req.set_team_id(o->id);
    req.set_region_id(o->region);
    req.set_name(o->name);
    req.set_effective_from(o->from);
    return ctl.Call(&Stub::CreateTeam, req, [&](const v1::CreateTeamResponse& r) {
      PrintFields(ctl.out(), {{"team", r.team().team_id()},
                              {"name", r.team().name()},
                              {"region", r.team().region_id()},
                              {"from", r.team().effective_from()},
                              {"manager", OrDash(r.team().manager_id())}});
    });
  });
}

void AddHireRep(Ctl& ctl, CLI::App* group) {
  struct Opts {
    std::string request_id, id, name, team, from;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = group->add_subcommand("hire-rep", "Hire a rep into a team");
  cmd->add_option("--id", o->id, "rep id")->required();
  cmd->add_option("--name", o->name, "display name")->required();
  cmd->add_option("--team", o->team, "team id")->required();
  cmd->add_option("--from", o->from, "first day in the team, YYYY-MM-DD (default: today)");
  AddRequestIdOption(cmd, o->request_id);
  ctl.SetAction(cmd, [&ctl, o] {
    Input in;
    in.Date("--from", o->from);
    if (!in.ok()) return ctl.UsageError(in.error());
    v1::HireRepRequest req;
    req.set_request_id(ctl.RequestId(o->request_id));
    req.set_rep_id(o->id);
    req.set_display_name(o->name);
    req.set_team_id(o->team);
    req.set_effective_from(o->from);
    return ctl.Call(&Stub::HireRep, req,
                    [&](const v1::HireRepResponse& r) { PrintRep(ctl, r.rep()); });
  });
}

void AddMoveRep(Ctl& ctl, CLI::App* group) {
  struct Opts {
    std::string request_id, rep, to_team, from;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = group->add_subcommand(
      "move-rep", "Move a rep to another team from a date (may be in the past)");
  cmd->add_option("--rep", o->rep, "rep id")->required();
  cmd->add_option("--to-team", o->to_team, "team id")->required();
  cmd->add_option("--from", o->from, "first day in the new team, YYYY-MM-DD (default: today)");
  AddRequestIdOption(cmd, o->request_id);
  ctl.SetAction(cmd, [&ctl, o] {
    Input in;
    in.Date("--from", o->from);
    if (!in.ok()) return ctl.UsageError(in.error());
    v1::MoveRepRequest req;
    req.set_request_id(ctl.RequestId(o->request_id));
    req.set_rep_id(o->rep);
    req.set_to_team_id(o->to_team);
    req.set_effective_from(o->from);
    return ctl.Call(&Stub::MoveRep, req,
                    [&](const v1::MoveRepResponse& r) { PrintRep(ctl, r.rep()); });
  });
}

void AddAssignManager(Ctl& ctl, CLI::App* group) {
  struct Opts {
    std::string request_id, scope, manager, from;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd =
      group->add_subcommand("assign-manager", "Set the manager of the company, a region or a team");
  cmd->add_option("--scope", o->scope, "company, region:ID or team:ID")->required();
  cmd->add_option("--manager", o->manager, "the manager's user id (a rep id for a rep)")
      ->required();
  cmd->add_option("--from", o->from, "first day, YYYY-MM-DD (default: today)");
  AddRequestIdOption(cmd, o->request_id);
  ctl.SetAction(cmd, [&ctl, o] {
    Input in;
    common::v1::ScopeRef scope = in.Take("--scope", ParseScope(o->scope));
    in.Date("--from", o->from);
    if (!in.ok()) return ctl.UsageError(in.error());
    v1::AssignManagerRequest req;
    req.set_request_id(ctl.RequestId(o->request_id));
    *req.mutable_scope() = scope;
    req.set_manager_id(o->manager);
    req.set_effective_from(o->from);
    return ctl.Call(&Stub::AssignManager, req, [&](const v1::AssignManagerResponse& r) {
      PrintFields(ctl.out(), {{"scope", ScopeToString(r.scope())},
                              {"manager", r.manager_id()},
                              {"from", r.effective_from()}});
    });
  });
}

void AddDeactivateRep(Ctl& ctl, CLI::App* group) {
  struct Opts {
    std::string request_id, rep, from;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = group->add_subcommand("deactivate-rep", "A rep leaves the organisation");
  cmd->add_option("--rep", o->rep, "rep id")->required();
  cmd->add_option("--from", o->from, "first day without a team, YYYY-MM-DD (default: today)");
  AddRequestIdOption(cmd, o->request_id);
  ctl.SetAction(cmd, [&ctl, o] {
    Input in;
    in.Date("--from", o->from);
    if (!in.ok()) return ctl.UsageError(in.error());
    v1::DeactivateRepRequest req;
    req.set_request_id(ctl.RequestId(o->request_id));
    req.set_rep_id(o->rep);
    req.set_effective_from(o->from);
    return ctl.Call(&Stub::DeactivateRep, req,
                    [&](const v1::DeactivateRepResponse& r) { PrintRep(ctl, r.rep()); });
  });
}

void AddOrg(Ctl& ctl, CLI::App* group) {
  struct Opts {
    std::string as_of;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = group->add_subcommand("org", "Show the organisation tree as of a day");
  cmd->add_option("--as-of", o->as_of, "YYYY-MM-DD (default: today)");
  ctl.SetAction(cmd, [&ctl, o] {
    Input in;
    in.Date("--as-of", o->as_of);
    if (!in.ok()) return ctl.UsageError(in.error());
    v1::GetOrganisationRequest req;
    req.set_as_of(o->as_of);
    return ctl.Call(&Stub::GetOrganisation, req, [&](const v1::GetOrganisationResponse& r) {
      PrintOrganisation(ctl, r.organisation());
    });
  });
}

void AddReps(Ctl& ctl, CLI::App* group) {
  struct Opts {
    std::string team, region, as_of, page_token;
    bool include_inactive = false;
    int page_size = 0;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = group->add_subcommand("reps", "List reps, by rep id");
  cmd->add_option("--team", o->team, "only reps in this team on the day");
  cmd->add_option("--region", o->region, "only reps in this region on the day");
  cmd->add_option("--as-of", o->as_of, "YYYY-MM-DD (default: today)");
  cmd->add_flag("--include-inactive", o->include_inactive,
                "also reps not in a team on the day (not yet hired, or deactivated)");
  cmd->add_option("--page-size", o->page_size, "at most this many (default 50, at most 1000)");
  cmd->add_option("--page-token", o->page_token, "from the previous page");
  ctl.SetAction(cmd, [&ctl, o] {
    Input in;
    in.Date("--as-of", o->as_of);
    if (!in.ok()) return ctl.UsageError(in.error());
    v1::ListRepsRequest req;
    req.set_team_id(o->team);
    req.set_region_id(o->region);
    req.set_as_of(o->as_of);
    req.set_include_inactive(o->include_inactive);
    req.mutable_page()->set_page_size(o->page_size);
    req.mutable_page()->set_page_token(o->page_token);
    return ctl.Call(&Stub::ListReps, req, [&](const v1::ListRepsResponse& r) {
      PrintRepTable(ctl, r.reps());
      ctl.PrintNextPage(r.page());
    });
  });
}

// --- Target commands.

void AddDraft(Ctl& ctl, CLI::App* group) {
  struct Opts {
    std::string request_id, id, scope, metric, period, value, currency, name, description, owner,
        reference_value, reference_period, growth, note;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = group->add_subcommand("draft", "Draft a new target");
  cmd->add_option("--id", o->id, "target id (default: generated)");
  cmd->add_option("--scope", o->scope, "company, region:ID, team:ID or rep:ID")->required();
  ctl.Choices(cmd->add_option("--metric", o->metric, "what is measured")->required(),
              MetricNames());
  cmd->add_option("--period", o->period, "2026-11, 2026-Q4, 2026, FY2027-Q1 or FY2027")->required();
  cmd->add_option("--value", o->value,
                  "money 1200000.00 (with --currency), a count 120, or a ratio 25.5%; "
                  "may be left out with --growth");
  cmd->add_option("--currency", o->currency, "currency of a money value, e.g. CNY");
  cmd->add_option("--name", o->name, "short name");
  cmd->add_option("--description", o->description, "what is to be achieved, specifically");
  cmd->add_option("--owner", o->owner, "accountable user (default: the rep, else the caller)");
  cmd->add_option("--reference-value", o->reference_value,
                  "the basis, e.g. last period's actual (same form as --value)");
  cmd->add_option("--reference-period", o->reference_period, "the period of --reference-value");
  cmd->add_option("--growth", o->growth,
                  "growth over --reference-value in percent, e.g. 10% or -5.5; the value is "
                  "then computed (or checked)");
  cmd->add_option("--note", o->note, "how the value was arrived at");
  AddRequestIdOption(cmd, o->request_id);
  ctl.SetAction(cmd, [&ctl, o] {
    Input in;
    const common::v1::ScopeRef scope = in.Take("--scope", ParseScope(o->scope));
    const MetricName metric = in.Take("--metric", ParseMetric(o->metric));
    in.Check("--period", ValidatePeriodId(o->period));
    std::optional<v1::TargetValue> value;
    if (!o->value.empty() && in.ok()) {
      value = in.Take("--value", ParseValue(o->value, metric.kind, o->currency));
    }
    std::optional<v1::TargetValue> reference;
    if (!o->reference_value.empty() && in.ok()) {
      reference =
          in.Take("--reference-value", ParseValue(o->reference_value, metric.kind, o->currency));
    }
    if (!o->reference_period.empty()) {
      in.Check("--reference-period", ValidatePeriodId(o->reference_period));
    }
    int64_t growth_bp = 0;
    if (!o->growth.empty()) growth_bp = in.Take("--growth", ParseScaled(o->growth, 2));
    if (!in.ok()) return ctl.UsageError(in.error());
    if (!o->growth.empty() && !reference.has_value()) {
      return ctl.UsageError("--growth needs --reference-value (last period's actual)");
    }
    if (o->growth.empty() && !value.has_value()) {
      return ctl.UsageError("--value is required (or --reference-value with --growth)");
    }
    v1::DraftTargetRequest req;
    req.set_request_id(ctl.RequestId(o->request_id));
    req.set_target_id(o->id);
    v1::TargetSpec* spec = req.mutable_spec();
    spec->set_name(o->name);
    spec->set_description(o->description);
    *spec->mutable_scope() = scope;
    spec->set_metric(metric.metric);
    spec->mutable_period()->set_id(o->period);
    if (value.has_value()) *spec->mutable_value() = *value;
    spec->set_owner_id(o->owner);
    v1::TargetBasis* basis = spec->mutable_basis();
    basis->set_kind(o->growth.empty() ? v1::BASIS_KIND_MANUAL
                                      : v1::BASIS_KIND_LAST_PERIOD_ACTUAL_PLUS_GROWTH);
    if (reference.has_value()) *basis->mutable_reference_value() = *reference;
    basis->set_reference_period_id(o->reference_period);
    basis->set_growth_rate_bp(growth_bp);
    basis->set_note(o->note);
    return ctl.Call(&Stub::DraftTarget, req,
                    [&](const v1::DraftTargetResponse& r) { PrintTarget(ctl, r.target()); });
  });
}

void AddPropose(Ctl& ctl, CLI::App* group) {
  struct Opts {
    std::string request_id, target, comment;
    uint64_t expected_version = 0;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = group->add_subcommand("propose", "Propose a draft target for approval");
  AddTargetId(cmd, o->target);
  AddExpectedVersion(cmd, o->expected_version);
  cmd->add_option("--comment", o->comment, "a note for the approver");
  AddRequestIdOption(cmd, o->request_id);
  ctl.SetAction(cmd, [&ctl, o] {
    v1::ProposeTargetRequest req;
    req.set_request_id(ctl.RequestId(o->request_id));
    req.set_target_id(o->target);
    req.set_expected_version(o->expected_version);
    req.set_comment(o->comment);
    return ctl.Call(&Stub::ProposeTarget, req,
                    [&](const v1::ProposeTargetResponse& r) { PrintTarget(ctl, r.target()); });
  });
}

void AddApprove(Ctl& ctl, CLI::App* group) {
  struct Opts {
    std::string request_id, target, value, currency, comment;
    uint64_t expected_version = 0;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = group->add_subcommand(
      "approve", "Approve (lock) a target; only a manager of its scope or above");
  AddTargetId(cmd, o->target);
  AddExpectedVersion(cmd, o->expected_version);
  cmd->add_option("--value", o->value, "the value being approved: refused if the target's differs");
  cmd->add_option("--currency", o->currency, "currency of a money --value");
  cmd->add_option("--comment", o->comment, "why");
  AddRequestIdOption(cmd, o->request_id);
  ctl.SetAction(cmd, [&ctl, o] {
    Input in;
    std::optional<v1::TargetValue> value;
    if (!o->value.empty()) value = in.Take("--value", ParseValueGuessKind(o->value, o->currency));
    if (!in.ok()) return ctl.UsageError(in.error());
    v1::ApproveTargetRequest req;
    req.set_request_id(ctl.RequestId(o->request_id));
    req.set_target_id(o->target);
    req.set_expected_version(o->expected_version);
    if (value.has_value()) *req.mutable_value() = *value;
    req.set_comment(o->comment);
    return ctl.Call(&Stub::ApproveTarget, req,
                    [&](const v1::ApproveTargetResponse& r) { PrintTarget(ctl, r.target()); });
  });
}

void AddAdjust(Ctl& ctl, CLI::App* group) {
  struct Opts {
    std::string request_id, target, value, currency, reason;
    uint64_t expected_version = 0;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = group->add_subcommand(
      "adjust", "Change a target's value (a revision before approval, an adjustment after)");
  AddTargetId(cmd, o->target);
  AddExpectedVersion(cmd, o->expected_version);
  cmd->add_option("--value", o->value, "the new value")->required();
  cmd->add_option("--currency", o->currency, "currency of a money --value");
  cmd->add_option("--reason", o->reason, "why; required once the target is approved");
  AddRequestIdOption(cmd, o->request_id);
  ctl.SetAction(cmd, [&ctl, o] {
    Input in;
    const v1::TargetValue value = in.Take("--value", ParseValueGuessKind(o->value, o->currency));
    if (!in.ok()) return ctl.UsageError(in.error());
    v1::AdjustTargetRequest req;
    req.set_request_id(ctl.RequestId(o->request_id));
    req.set_target_id(o->target);
    req.set_expected_version(o->expected_version);
    *req.mutable_new_value() = value;
    req.set_reason(o->reason);
    return ctl.Call(&Stub::AdjustTarget, req,
                    [&](const v1::AdjustTargetResponse& r) { PrintTarget(ctl, r.target()); });
  });
}

// One --child: SCOPE (even), SCOPE=WEIGHT (weights) or SCOPE=VALUE (explicit).
absl::StatusOr<v1::ChildAllocation> ParseChild(std::string_view text,
                                               v1::DecompositionMethod method,
                                               std::string_view currency) {
  const size_t eq = text.find('=');
  const std::string_view scope_text = text.substr(0, eq);
  const std::string_view rest = eq == std::string_view::npos ? "" : text.substr(eq + 1);
  absl::StatusOr<common::v1::ScopeRef> scope = ParseScope(scope_text);
  if (!scope.ok()) return scope.status();
  v1::ChildAllocation child;
  *child.mutable_scope() = *scope;
  switch (method) {
    case v1::DECOMPOSITION_METHOD_EVEN:
      if (eq != std::string_view::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat("\"", ToAbsl(text), "\": --method even takes scopes only, e.g. team:t-1"));
      }
      break;
    case v1::DECOMPOSITION_METHOD_WEIGHTS: {
      absl::StatusOr<int64_t> weight = ParseScaled(rest, 0);
      if (eq == std::string_view::npos || !weight.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "\"", ToAbsl(text), "\": --method weights needs SCOPE=WEIGHT, e.g. team:t-1=3"));
      }
      child.set_weight(*weight);
      break;
    }
    default: {
      if (eq == std::string_view::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat("\"", ToAbsl(text),
                         "\": --method explicit needs SCOPE=VALUE, e.g. team:t-1=500000.00"));
      }
      absl::StatusOr<v1::TargetValue> value = ParseValueGuessKind(rest, currency);
      if (!value.ok()) return value.status();
      *child.mutable_value() = *value;
    }
  }
  return child;
}

void AddDecompose(Ctl& ctl, CLI::App* group) {
  struct Opts {
    std::string request_id, target, method, currency, remainder, comment;
    std::vector<std::string> children;
    uint64_t expected_version = 0;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = group->add_subcommand(
      "decompose", "Split a target among child scopes (regions, teams or reps)");
  AddTargetId(cmd, o->target);
  ctl.Choices(cmd->add_option("--method", o->method, "even, weights or explicit")->required(),
              {"even", "weights", "explicit"});
  cmd->add_option("--child", o->children,
                  "a child: SCOPE (even), SCOPE=WEIGHT (weights), SCOPE=VALUE (explicit); "
                  "repeat the flag")
      ->required();
  cmd->add_option("--currency", o->currency, "currency of money values");
  cmd->add_option("--remainder", o->remainder,
                  "explicit only: the declared unallocated remainder (parent - children)");
  AddExpectedVersion(cmd, o->expected_version);
  cmd->add_option("--comment", o->comment, "why");
  AddRequestIdOption(cmd, o->request_id);
  ctl.SetAction(cmd, [&ctl, o] {
    const v1::DecompositionMethod method = o->method == "even" ? v1::DECOMPOSITION_METHOD_EVEN
                                           : o->method == "weights"
                                               ? v1::DECOMPOSITION_METHOD_WEIGHTS
                                               : v1::DECOMPOSITION_METHOD_EXPLICIT;
    Input in;
    v1::DecomposeTargetRequest req;
    for (const std::string& c : o->children) {
      *req.add_children() = in.Take("--child", ParseChild(c, method, o->currency));
    }
    if (!o->remainder.empty()) {
      *req.mutable_unallocated_remainder() =
          in.Take("--remainder", ParseValueGuessKind(o->remainder, o->currency));
    }
    if (!in.ok()) return ctl.UsageError(in.error());
    req.set_request_id(ctl.RequestId(o->request_id));
    req.set_target_id(o->target);
    req.set_expected_version(o->expected_version);
    req.set_method(method);
    req.set_comment(o->comment);
    return ctl.Call(&Stub::DecomposeTarget, req, [&](const v1::DecomposeTargetResponse& r) {
      const v1::Target& p = r.parent();
      std::string remainder = "-";
      if (p.decomposition().has_unallocated_remainder()) {
        remainder = FormatValue(p.decomposition().unallocated_remainder(), p.unit());
      }
      PrintFields(ctl.out(), {{"parent", p.target_id()},
                              {"value", FormatValue(p.value(), p.unit())},
                              {"method", Method(p.decomposition().method())},
                              {"unallocated", remainder},
                              {"version", absl::StrCat(p.version())}});
      ctl.out() << "\n";
      PrintTargetTable(ctl, r.children());
    });
  });
}

void AddClose(Ctl& ctl, CLI::App* group) {
  struct Opts {
    std::string request_id, target, reason;
    uint64_t expected_version = 0;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = group->add_subcommand("close", "Close a target (final)");
  AddTargetId(cmd, o->target);
  cmd->add_option("--reason", o->reason, "why")->required();
  AddExpectedVersion(cmd, o->expected_version);
  AddRequestIdOption(cmd, o->request_id);
  ctl.SetAction(cmd, [&ctl, o] {
    v1::CloseTargetRequest req;
    req.set_request_id(ctl.RequestId(o->request_id));
    req.set_target_id(o->target);
    req.set_expected_version(o->expected_version);
    req.set_reason(o->reason);
    return ctl.Call(&Stub::CloseTarget, req,
                    [&](const v1::CloseTargetResponse& r) { PrintTarget(ctl, r.target()); });
  });
}

void AddGet(Ctl& ctl, CLI::App* group) {
  auto target = std::make_shared<std::string>();
  CLI::App* cmd = group->add_subcommand("get", "Show one target");
  AddTargetId(cmd, *target);
  ctl.SetAction(cmd, [&ctl, target] {
    v1::GetTargetRequest req;
    req.set_target_id(*target);
    return ctl.Call(&Stub::GetTarget, req,
                    [&](const v1::GetTargetResponse& r) { PrintTarget(ctl, r.target()); });
  });
}

void AddList(Ctl& ctl, CLI::App* group) {
  struct Opts {
    std::string scope, metric, period, status, parent, page_token;
    int page_size = 0;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = group->add_subcommand("list", "List targets, by target id");
  cmd->add_option("--scope", o->scope, "company, region:ID, team:ID or rep:ID");
  ctl.Choices(cmd->add_option("--metric", o->metric, "only this metric"), MetricNames());
  cmd->add_option("--period", o->period, "only this period id");
  ctl.Choices(cmd->add_option("--status", o->status, "only this status"), TargetStatusNames());
  cmd->add_option("--parent", o->parent, "only children of this target");
  cmd->add_option("--page-size", o->page_size, "at most this many (default 50, at most 1000)");
  cmd->add_option("--page-token", o->page_token, "from the previous page");
  ctl.SetAction(cmd, [&ctl, o] {
    Input in;
    v1::ListTargetsRequest req;
    if (!o->scope.empty()) *req.mutable_scope() = in.Take("--scope", ParseScope(o->scope));
    if (!o->metric.empty()) req.set_metric(in.Take("--metric", ParseMetric(o->metric)).metric);
    if (!o->period.empty()) in.Check("--period", ValidatePeriodId(o->period));
    if (!o->status.empty()) req.set_status(in.Take("--status", ParseTargetStatus(o->status)));
    if (!in.ok()) return ctl.UsageError(in.error());
    req.set_period_id(o->period);
    req.set_parent_target_id(o->parent);
    req.mutable_page()->set_page_size(o->page_size);
    req.mutable_page()->set_page_token(o->page_token);
    return ctl.Call(&Stub::ListTargets, req, [&](const v1::ListTargetsResponse& r) {
      PrintTargetTable(ctl, r.targets());
      ctl.PrintNextPage(r.page());
    });
  });
}

void AddHistory(Ctl& ctl, CLI::App* group) {
  auto target = std::make_shared<std::string>();
  CLI::App* cmd = group->add_subcommand("history", "Every change of a target, oldest first");
  AddTargetId(cmd, *target);
  ctl.SetAction(cmd, [&ctl, target] {
    v1::GetTargetHistoryRequest req;
    req.set_target_id(*target);
    return ctl.Call(&Stub::GetTargetHistory, req, [&](const v1::GetTargetHistoryResponse& r) {
      Table table({"VERSION", "CHANGE", "STATUS", "OLD VALUE", "NEW VALUE", "BY", "AT", "REASON"},
                  {0, 3, 4});
      for (const v1::TargetHistoryEntry& e : r.entries()) {
        table.AddRow({absl::StrCat(e.version()), e.change_kind(),
                      TargetStatusToString(e.status_after()), FormatValue(e.old_value()),
                      FormatValue(e.new_value()), OrDash(e.change().actor()),
                      FormatTimestamp(e.change().at()), OrDash(e.change().reason())});
      }
      table.Print(ctl.out());
    });
  });
}

void AddRollup(Ctl& ctl, CLI::App* group) {
  struct Opts {
    std::string target;
    int depth = 0;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = group->add_subcommand(
      "rollup", "The target tree: each node's value, its children's sum and the gap");
  AddTargetId(cmd, o->target);
  cmd->add_option("--depth", o->depth, "levels of children to show (0: all)");
  ctl.SetAction(cmd, [&ctl, o] {
    v1::GetTargetRollupRequest req;
    req.set_target_id(o->target);
    req.set_depth(o->depth);
    return ctl.Call(&Stub::GetTargetRollup, req, [&](const v1::GetTargetRollupResponse& r) {
      Table table({"TARGET", "SCOPE", "STATUS", "VALUE", "CHILDREN SUM", "GAP", "UNALLOCATED"},
                  {3, 4, 5, 6});
      AddRollupRows(table, r.root(), 0);
      table.Print(ctl.out());
    });
  });
}

void AddPace(Ctl& ctl, CLI::App* group) {
  struct Opts {
    std::string target, as_of;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd =
      group->add_subcommand("pace", "Expected value to date on a straight line over working days");
  AddTargetId(cmd, o->target);
  cmd->add_option("--as-of", o->as_of, "YYYY-MM-DD (default: today)");
  ctl.SetAction(cmd, [&ctl, o] {
    Input in;
    in.Date("--as-of", o->as_of);
    if (!in.ok()) return ctl.UsageError(in.error());
    v1::GetTargetPaceRequest req;
    req.set_target_id(o->target);
    req.set_as_of(o->as_of);
    return ctl.Call(&Stub::GetTargetPace, req, [&](const v1::GetTargetPaceResponse& r) {
      PrintFields(
          ctl.out(),
          {{"target", r.target_id()},
           {"as of", r.as_of()},
           {"period", r.period().id()},
           {"value", FormatValue(r.value())},
           {"expected to date", FormatValue(r.expected_to_date())},
           {"working days",
            absl::StrCat(r.working_days_elapsed(), " of ", r.working_days_total(), " (",
                         FormatShare(r.working_days_elapsed(), r.working_days_total()), ")")}});
    });
  });
}

}  // namespace

void RegisterTargetsCommands(Ctl& ctl) {
  CLI::App* group = ctl.app().add_subcommand(
      "targets", "The organisation and its sales targets (salesperf.targets.v1.TargetsService)");
  group->require_subcommand(1);
  // Organisation.
  AddSetSettings(ctl, group);
  AddCreateRegion(ctl, group);
  AddCreateTeam(ctl, group);
  AddHireRep(ctl, group);
  AddMoveRep(ctl, group);
  AddAssignManager(ctl, group);
  AddDeactivateRep(ctl, group);
  AddOrg(ctl, group);
  AddReps(ctl, group);
  // Targets.
  AddDraft(ctl, group);
  AddPropose(ctl, group);
  AddApprove(ctl, group);
  AddAdjust(ctl, group);
  AddDecompose(ctl, group);
  AddClose(ctl, group);
  AddGet(ctl, group);
  AddList(ctl, group);
  AddHistory(ctl, group);
  AddRollup(ctl, group);
  AddPace(ctl, group);
}

}  // namespace salesperf::ctl
