#include "tools/salesperfctl/incentives_commands.h"

#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "libs/common/money.h"
#include "libs/common/string_view_compat.h"
#include "salesperf/incentives/v1/incentives.grpc.pb.h"
#include "tools/salesperfctl/table.h"
#include "tools/salesperfctl/values.h"

namespace salesperf::ctl {
namespace {

namespace v1 = incentives::v1;
using Stub = v1::IncentivesService::Stub;

// A JSON file holding a message (proto field names), for plans and contests.
absl::Status ReadJson(const std::string& path, google::protobuf::Message* message) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  auto status = google::protobuf::util::JsonStringToMessage(text.str(), message);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", std::string(status.message())));
  }
  return absl::OkStatus();
}

std::string StatusName(v1::StatementStatus s) {
  switch (s) {
    case v1::STATEMENT_STATUS_RUNNING:
      return "running";
    case v1::STATEMENT_STATUS_ISSUED:
      return "issued";
    case v1::STATEMENT_STATUS_APPROVED:
      return "approved";
    case v1::STATEMENT_STATUS_PAID:
      return "paid";
    default:
      return "-";
  }
}

std::string DisputeStatusName(v1::DisputeStatus s) {
  switch (s) {
    case v1::DISPUTE_STATUS_OPEN:
      return "open";
    case v1::DISPUTE_STATUS_ACCEPTED:
      return "accepted";
    case v1::DISPUTE_STATUS_REJECTED:
      return "rejected";
    default:
      return "-";
  }
}

void PrintStatement(Ctl& ctl, const v1::StatementView& v) {
  const v1::Statement& s = v.statement();
  PrintFields(ctl.out(),
              {{"rep", v.rep_id()},
               {"period", v.period_id()},
               {"status", StatusName(v.status())},
               {"plan", absl::StrCat(s.plan_id(), " v", s.plan_version())},
               {"credited revenue", FormatMoney(s.credited_revenue())},
               {"target", s.has_revenue_target() ? FormatMoney(s.revenue_target()) : "-"},
               {"attainment", s.has_attainment_bp() ? FormatBasisPoints(s.attainment_bp()) : "-"},
               {"total", FormatMoney(s.total())},
               {"payable", FormatMoney(v.payable())},
               {"paid", FormatMoney(v.paid())}});
  ctl.out() << "\n";
  Table lines({"LINE", "AMOUNT", "ARITHMETIC"}, {1});
  for (const v1::StatementLine& l : s.lines()) {
    lines.AddRow({l.key(), FormatMoney(l.amount()), l.description()});
  }
  for (const v1::Adjustment& a : v.adjustments()) {
    lines.AddRow({absl::StrCat("adjustment/", a.adjustment_id()), FormatMoney(a.amount()),
                  absl::StrCat(a.reason(), " (", a.added_by(), ")")});
  }
  lines.Print(ctl.out());
  if (!v.disputes().empty()) {
    ctl.out() << "\n";
    Table disputes({"DISPUTE", "LINE", "STATUS", "BY", "RESOLVED BY"});
    for (const v1::Dispute& d : v.disputes()) {
      disputes.AddRow({d.dispute_id(), d.line_key(), DisputeStatusName(d.status()), d.disputed_by(),
                       OrDash(d.resolved_by())});
    }
    disputes.Print(ctl.out());
  }
}

void PrintPlanInfo(Ctl& ctl, const v1::PlanInfo& p) {
  std::vector<std::string> versions;
  for (int64_t v : p.versions()) versions.push_back(absl::StrCat(v));
  PrintFields(ctl.out(), {{"plan", p.plan_id()},
                          {"name", OrDash(p.latest().name())},
                          {"versions", absl::StrJoin(versions, ", ")},
                          {"effective", absl::StrCat(p.latest().effective_from(), " .. ",
                                                     OrDash(p.latest().effective_to()))},
                          {"currency", p.latest().currency_code()},
                          {"retired from", OrDash(p.retired_from())}});
}

void PrintStandings(Ctl& ctl, const google::protobuf::RepeatedPtrField<v1::Standing>& standings) {
  Table table({"RANK", "REP", "VALUE", "PRIZE"}, {0, 2, 3});
  for (const v1::Standing& s : standings) {
    table.AddRow({s.rank() == 0 ? "-" : absl::StrCat(s.rank(), s.tied() ? "=" : ""), s.rep_id(),
                  GroupThousands(s.value()), FormatMoney(s.prize())});
  }
  table.Print(ctl.out());
}

// Options shared by the statement commands.
struct StatementOpts {
  std::string request_id, rep, period, amount, currency = "CNY", reason, line, dispute, comment,
                                               reference, paid_on, plan_id;
  int64_t plan_version = 0;
};

CLI::App* StatementCommand(Ctl& ctl, CLI::App* group, const std::string& name,
                           const std::string& help, const std::shared_ptr<StatementOpts>& o,
                           bool mutation) {
  CLI::App* cmd = group->add_subcommand(name, help);
  cmd->add_option("--rep", o->rep, "rep id")->required();
  cmd->add_option("--period", o->period, "period id, e.g. 2026-11")->required();
  if (mutation) AddRequestIdOption(cmd, o->request_id);
  return cmd;
}

void AddStatementCommands(Ctl& ctl, CLI::App* group) {
  auto print_view = [&ctl](const v1::StatementView& v) { PrintStatement(ctl, v); };
  {
    auto o = std::make_shared<StatementOpts>();
    CLI::App* cmd =
        StatementCommand(ctl, group, "get", "Show a rep's statement for a period", o, false);
    ctl.SetAction(cmd, [&ctl, o, print_view] {
      v1::GetStatementRequest req;
      req.set_rep_id(o->rep);
      req.set_period_id(o->period);
      return ctl.Call(&Stub::GetStatement, req,
                      [&](const v1::GetStatementResponse& r) { print_view(r.statement()); });
    });
  }
  {
    auto o = std::make_shared<StatementOpts>();
    CLI::App* cmd = group->add_subcommand("list", "List the statements of a period");
    cmd->add_option("--period", o->period, "period id")->required();
    ctl.SetAction(cmd, [&ctl, o] {
      v1::ListStatementsRequest req;
      req.set_period_id(o->period);
      return ctl.Call(&Stub::ListStatements, req, [&](const v1::ListStatementsResponse& r) {
        Table table({"REP", "STATUS", "PLAN", "TOTAL", "PAYABLE", "OPEN DISPUTES"}, {3, 4, 5});
        for (const v1::StatementSummary& s : r.statements()) {
          table.AddRow({s.rep_id(), StatusName(s.status()),
                        absl::StrCat(s.plan_id(), " v", s.plan_version()),
                        s.has_total() ? FormatMoney(s.total()) : "-",
                        s.has_payable() ? FormatMoney(s.payable()) : "-",
                        absl::StrCat(s.open_disputes())});
        }
        table.Print(ctl.out());
      });
    });
  }
  {
    auto o = std::make_shared<StatementOpts>();
    CLI::App* cmd =
        StatementCommand(ctl, group, "issue", "Freeze a closed period's statement", o, true);
    ctl.SetAction(cmd, [&ctl, o, print_view] {
      v1::IssueStatementRequest req;
      req.set_request_id(ctl.RequestId(o->request_id));
      req.set_rep_id(o->rep);
      req.set_period_id(o->period);
      return ctl.Call(&Stub::IssueStatement, req,
                      [&](const v1::IssueStatementResponse& r) { print_view(r.statement()); });
    });
  }
  {
    auto o = std::make_shared<StatementOpts>();
    CLI::App* cmd = StatementCommand(ctl, group, "approve", "Approve an issued statement", o, true);
    ctl.SetAction(cmd, [&ctl, o, print_view] {
      v1::ApproveStatementRequest req;
      req.set_request_id(ctl.RequestId(o->request_id));
      req.set_rep_id(o->rep);
      req.set_period_id(o->period);
      return ctl.Call(&Stub::ApproveStatement, req,
                      [&](const v1::ApproveStatementResponse& r) { print_view(r.statement()); });
    });
  }
  {
    auto o = std::make_shared<StatementOpts>();
    CLI::App* cmd = StatementCommand(ctl, group, "record-payout",
                                     "Record a payout of an approved statement", o, true);
    cmd->add_option("--amount", o->amount, "amount, e.g. 4500.00")->required();
    cmd->add_option("--currency", o->currency, "ISO 4217 code")->capture_default_str();
    cmd->add_option("--reference", o->reference, "payroll reference");
    cmd->add_option("--paid-on", o->paid_on, "YYYY-MM-DD (default: today)");
    ctl.SetAction(cmd, [&ctl, o, print_view] {
      absl::StatusOr<common::v1::Money> amount = ParseMoney(o->amount, o->currency);
      if (!amount.ok())
        return ctl.UsageError(absl::StrCat("--amount: ", amount.status().message()));
      if (!o->paid_on.empty() && !ValidateDate(o->paid_on).ok()) {
        return ctl.UsageError("--paid-on: must be YYYY-MM-DD");
      }
      v1::RecordPayoutRequest req;
      req.set_request_id(ctl.RequestId(o->request_id));
      req.set_rep_id(o->rep);
      req.set_period_id(o->period);
      *req.mutable_amount() = *amount;
      req.set_reference(o->reference);
      req.set_paid_on(o->paid_on);
      return ctl.Call(&Stub::RecordPayout, req,
                      [&](const v1::RecordPayoutResponse& r) { print_view(r.statement()); });
    });
  }
  {
    auto o = std::make_shared<StatementOpts>();
    CLI::App* cmd = StatementCommand(ctl, group, "add-adjustment",
                                     "Add an adjustment line to an issued statement", o, true);
    cmd->add_option("--amount", o->amount, "signed amount, e.g. -120.00")->required();
    cmd->add_option("--currency", o->currency, "ISO 4217 code")->capture_default_str();
    cmd->add_option("--reason", o->reason, "why (required)")->required();
    cmd->add_option("--line", o->line, "the line concerned");
    ctl.SetAction(cmd, [&ctl, o, print_view] {
      absl::StatusOr<common::v1::Money> amount = ParseMoney(o->amount, o->currency);
      if (!amount.ok())
        return ctl.UsageError(absl::StrCat("--amount: ", amount.status().message()));
      v1::AddAdjustmentRequest req;
      req.set_request_id(ctl.RequestId(o->request_id));
      req.set_rep_id(o->rep);
      req.set_period_id(o->period);
      *req.mutable_amount() = *amount;
      req.set_reason(o->reason);
      req.set_line_key(o->line);
      return ctl.Call(&Stub::AddAdjustment, req,
                      [&](const v1::AddAdjustmentResponse& r) { print_view(r.statement()); });
    });
  }
  {
    auto o = std::make_shared<StatementOpts>();
    CLI::App* cmd =
        StatementCommand(ctl, group, "dispute", "Dispute a line of your statement", o, true);
    cmd->add_option("--line", o->line, "line key")->required();
    cmd->add_option("--comment", o->comment, "why")->required();
    ctl.SetAction(cmd, [&ctl, o, print_view] {
      v1::DisputeLineRequest req;
      req.set_request_id(ctl.RequestId(o->request_id));
      req.set_rep_id(o->rep);
      req.set_period_id(o->period);
      req.set_line_key(o->line);
      req.set_comment(o->comment);
      return ctl.Call(&Stub::DisputeLine, req, [&](const v1::DisputeLineResponse& r) {
        ctl.out() << "dispute " << r.dispute_id() << "\n\n";
        print_view(r.statement());
      });
    });
  }
  {
    auto o = std::make_shared<StatementOpts>();
    CLI::App* cmd = StatementCommand(ctl, group, "accept-dispute",
                                     "Accept a dispute with an adjustment", o, true);
    cmd->add_option("--dispute", o->dispute, "dispute id")->required();
    cmd->add_option("--amount", o->amount, "signed correction, e.g. 500.00")->required();
    cmd->add_option("--currency", o->currency, "ISO 4217 code")->capture_default_str();
    cmd->add_option("--reason", o->reason, "why (required)")->required();
    ctl.SetAction(cmd, [&ctl, o, print_view] {
      absl::StatusOr<common::v1::Money> amount = ParseMoney(o->amount, o->currency);
      if (!amount.ok())
        return ctl.UsageError(absl::StrCat("--amount: ", amount.status().message()));
      v1::AcceptDisputeRequest req;
      req.set_request_id(ctl.RequestId(o->request_id));
      req.set_rep_id(o->rep);
      req.set_period_id(o->period);
      req.set_dispute_id(o->dispute);
      *req.mutable_amount() = *amount;
      req.set_reason(o->reason);
      return ctl.Call(&Stub::AcceptDispute, req,
                      [&](const v1::AcceptDisputeResponse& r) { print_view(r.statement()); });
    });
  }
  {
    auto o = std::make_shared<StatementOpts>();
    CLI::App* cmd =
        StatementCommand(ctl, group, "reject-dispute", "Reject a dispute with a reason", o, true);
    cmd->add_option("--dispute", o->dispute, "dispute id")->required();
    cmd->add_option("--reason", o->reason, "why (required)")->required();
    ctl.SetAction(cmd, [&ctl, o, print_view] {
      v1::RejectDisputeRequest req;
      req.set_request_id(ctl.RequestId(o->request_id));
      req.set_rep_id(o->rep);
      req.set_period_id(o->period);
      req.set_dispute_id(o->dispute);
      req.set_reason(o->reason);
      return ctl.Call(&Stub::RejectDispute, req,
                      [&](const v1::RejectDisputeResponse& r) { print_view(r.statement()); });
    });
  }
  {
    auto o = std::make_shared<StatementOpts>();
    CLI::App* cmd = StatementCommand(ctl, group, "recalculate",
                                     "Recalculate a period from the events and show the difference "
                                     "per line against what was issued (writes nothing)",
                                     o, false);
    cmd->add_option("--plan", o->plan_id, "plan id (default: the issued statement's)");
    cmd->add_option("--plan-version", o->plan_version, "version (default: the latest)");
    ctl.SetAction(cmd, [&ctl, o] {
      v1::RecalculateStatementRequest req;
      req.set_rep_id(o->rep);
      req.set_period_id(o->period);
      req.set_plan_id(o->plan_id);
      req.set_plan_version(o->plan_version);
      return ctl.Call(
          &Stub::RecalculateStatement, req, [&](const v1::RecalculateStatementResponse& r) {
            Table table({"LINE", "BEFORE", "AFTER", "DIFFERENCE"}, {1, 2, 3});
            for (const v1::LineDifference& d : r.lines()) {
              table.AddRow({d.key(), d.has_before() ? FormatMoney(d.before()) : "-",
                            d.has_after() ? FormatMoney(d.after()) : "-",
                            FormatMoney(d.difference())});
            }
            table.AddRow({"total", FormatMoney(r.total_before()), FormatMoney(r.total_after()),
                          FormatMoney(r.total_difference())});
            table.Print(ctl.out());
          });
    });
  }
}

void AddPlanCommands(Ctl& ctl, CLI::App* group) {
  {
    struct Opts {
      std::string request_id, file, note;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd =
        group->add_subcommand("publish-plan", "Publish a plan version from a JSON file");
    cmd->add_option("--file", o->file, "salesperf.incentives.v1.Plan as JSON")->required();
    cmd->add_option("--note", o->note, "why this version");
    AddRequestIdOption(cmd, o->request_id);
    ctl.SetAction(cmd, [&ctl, o] {
      v1::PublishPlanRequest req;
      if (absl::Status s = ReadJson(o->file, req.mutable_plan()); !s.ok()) {
        return ctl.UsageError(absl::StrCat("--file: ", s.message()));
      }
      req.set_request_id(ctl.RequestId(o->request_id));
      req.set_note(o->note);
      return ctl.Call(&Stub::PublishPlan, req, [&](const v1::PublishPlanResponse& r) {
        PrintFields(ctl.out(), {{"plan", r.plan().plan_id()},
                                {"version", absl::StrCat(r.plan().version())},
                                {"effective from", r.plan().effective_from()}});
      });
    });
  }
  {
    struct Opts {
      std::string plan;
      int64_t version = 0;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = group->add_subcommand("get-plan", "Show a plan version");
    cmd->add_option("plan,--plan", o->plan, "plan id")->required();
    cmd->add_option("--version", o->version, "version (default: the latest)");
    ctl.SetAction(cmd, [&ctl, o] {
      v1::GetPlanRequest req;
      req.set_plan_id(o->plan);
      req.set_version(o->version);
      return ctl.Call(&Stub::GetPlan, req,
                      [&](const v1::GetPlanResponse& r) { PrintPlanInfo(ctl, r.info()); });
    });
  }
  {
    CLI::App* cmd = group->add_subcommand("list-plans", "List the plans");
    ctl.SetAction(cmd, [&ctl] {
      return ctl.Call(
          &Stub::ListPlans, v1::ListPlansRequest(), [&](const v1::ListPlansResponse& r) {
            Table table({"PLAN", "NAME", "LATEST", "FROM", "TO", "RETIRED FROM"});
            for (const v1::PlanInfo& p : r.plans()) {
              table.AddRow({p.plan_id(), OrDash(p.latest().name()),
                            absl::StrCat("v", p.latest().version()), p.latest().effective_from(),
                            OrDash(p.latest().effective_to()), OrDash(p.retired_from())});
            }
            table.Print(ctl.out());
          });
    });
  }
  {
    struct Opts {
      std::string request_id, plan;
      std::vector<std::string> assignees;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = group->add_subcommand("assign-plan", "Replace a plan's assignees");
    cmd->add_option("--plan", o->plan, "plan id")->required();
    cmd->add_option("--to", o->assignees, "rep:ID, team:ID or region:ID (repeat)")->required();
    AddRequestIdOption(cmd, o->request_id);
    ctl.SetAction(cmd, [&ctl, o] {
      v1::AssignPlanRequest req;
      req.set_request_id(ctl.RequestId(o->request_id));
      req.set_plan_id(o->plan);
      for (const std::string& a : o->assignees) {
        std::pair<std::string, std::string> kv = absl::StrSplit(a, absl::MaxSplits(':', 1));
        v1::PlanAssignee* out = req.add_assignees();
        if (kv.first == "rep") {
          out->set_kind(v1::ASSIGNEE_KIND_REP);
        } else if (kv.first == "team") {
          out->set_kind(v1::ASSIGNEE_KIND_TEAM);
        } else if (kv.first == "region") {
          out->set_kind(v1::ASSIGNEE_KIND_REGION);
        } else {
          return ctl.UsageError("--to: must be rep:ID, team:ID or region:ID");
        }
        out->set_id(kv.second);
      }
      return ctl.Call(&Stub::AssignPlan, req,
                      [&](const v1::AssignPlanResponse& r) { PrintPlanInfo(ctl, r.plan()); });
    });
  }
  {
    struct Opts {
      std::string request_id, plan, from, reason;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = group->add_subcommand("retire-plan", "Stop a plan from a day on");
    cmd->add_option("--plan", o->plan, "plan id")->required();
    cmd->add_option("--from", o->from, "first day without the plan, YYYY-MM-DD")->required();
    cmd->add_option("--reason", o->reason, "why (required)")->required();
    AddRequestIdOption(cmd, o->request_id);
    ctl.SetAction(cmd, [&ctl, o] {
      if (!ValidateDate(o->from).ok()) return ctl.UsageError("--from: must be YYYY-MM-DD");
      v1::RetirePlanRequest req;
      req.set_request_id(ctl.RequestId(o->request_id));
      req.set_plan_id(o->plan);
      req.set_retired_from(o->from);
      req.set_reason(o->reason);
      return ctl.Call(&Stub::RetirePlan, req,
                      [&](const v1::RetirePlanResponse& r) { PrintPlanInfo(ctl, r.plan()); });
    });
  }
  {
    struct Opts {
      std::string period, file;
      std::vector<std::string> reps;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = group->add_subcommand(
        "what-if",
        "Run a proposed plan (JSON file) against a past period beside the current plans");
    cmd->add_option("--period", o->period, "period id")->required();
    cmd->add_option("--file", o->file, "the proposed salesperf.incentives.v1.Plan as JSON")
        ->required();
    cmd->add_option("--rep", o->reps, "limit to these reps (repeat)");
    ctl.SetAction(cmd, [&ctl, o] {
      v1::WhatIfRequest req;
      if (absl::Status s = ReadJson(o->file, req.mutable_proposed()); !s.ok()) {
        return ctl.UsageError(absl::StrCat("--file: ", s.message()));
      }
      req.set_period_id(o->period);
      for (const std::string& r : o->reps) req.add_rep_ids(r);
      return ctl.Call(&Stub::WhatIf, req, [&](const v1::WhatIfResponse& r) {
        Table reps({"REP", "CURRENT PLAN", "CURRENT", "PROPOSED", "DIFFERENCE"}, {2, 3, 4});
        for (const v1::RepWhatIf& w : r.reps()) {
          reps.AddRow({w.rep_id(),
                       w.current_plan_id().empty()
                           ? "-"
                           : absl::StrCat(w.current_plan_id(), " v", w.current_plan_version()),
                       FormatMoney(w.current()), FormatMoney(w.proposed()),
                       FormatMoney(w.difference())});
        }
        reps.Print(ctl.out());
        ctl.out() << "\n";
        Table spread({"", "TOTAL", "MIN", "MEDIAN", "MAX", "GINI"}, {1, 2, 3, 4, 5});
        for (const auto& [name, s] :
             {std::pair<std::string, const v1::Spread*>{"current", &r.current()},
              {"proposed", &r.proposed()}}) {
          spread.AddRow({name, FormatMoney(s->total()), FormatMoney(s->min()),
                         FormatMoney(s->median()), FormatMoney(s->max()),
                         absl::StrFormat("%.4f", s->gini_ppm() / 1e6)});
        }
        spread.Print(ctl.out());
        ctl.out() << "cost difference " << FormatMoney(r.cost_difference()) << "\n";
      });
    });
  }
}

void AddContestCommands(Ctl& ctl, CLI::App* group) {
  {
    struct Opts {
      std::string request_id, file;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = group->add_subcommand("create-contest", "Create a contest from a JSON file");
    cmd->add_option("--file", o->file, "salesperf.incentives.v1.Contest as JSON")->required();
    AddRequestIdOption(cmd, o->request_id);
    ctl.SetAction(cmd, [&ctl, o] {
      v1::CreateContestRequest req;
      if (absl::Status s = ReadJson(o->file, req.mutable_contest()); !s.ok()) {
        return ctl.UsageError(absl::StrCat("--file: ", s.message()));
      }
      req.set_request_id(ctl.RequestId(o->request_id));
      return ctl.Call(&Stub::CreateContest, req, [&](const v1::CreateContestResponse& r) {
        PrintFields(ctl.out(), {{"contest", r.contest().contest_id()},
                                {"metric", r.contest().metric()},
                                {"period", r.contest().period_id()}});
      });
    });
  }
  {
    struct Opts {
      std::string contest;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd =
        group->add_subcommand("contest-standings", "Live (or final) standings of a contest");
    cmd->add_option("contest,--contest", o->contest, "contest id")->required();
    ctl.SetAction(cmd, [&ctl, o] {
      v1::GetContestStandingsRequest req;
      req.set_contest_id(o->contest);
      return ctl.Call(
          &Stub::GetContestStandings, req, [&](const v1::GetContestStandingsResponse& r) {
            ctl.out() << r.contest().contest_id() << " ("
                      << (r.status() == v1::CONTEST_STATUS_CLOSED ? "closed: winners fixed"
                                                                  : "open: live")
                      << ")\n\n";
            PrintStandings(ctl, r.standings());
          });
    });
  }
  {
    struct Opts {
      std::string request_id, contest;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = group->add_subcommand("close-contest", "Fix a finished contest's winners");
    cmd->add_option("contest,--contest", o->contest, "contest id")->required();
    AddRequestIdOption(cmd, o->request_id);
    ctl.SetAction(cmd, [&ctl, o] {
      v1::CloseContestRequest req;
      req.set_request_id(ctl.RequestId(o->request_id));
      req.set_contest_id(o->contest);
      return ctl.Call(&Stub::CloseContest, req, [&](const v1::CloseContestResponse& r) {
        PrintStandings(ctl, r.standings());
      });
    });
  }
}

}  // namespace

void RegisterIncentivesCommands(Ctl& ctl) {
  CLI::App* group = ctl.app().add_subcommand(
      "incentives", "Commission plans, statements, disputes, what-if and contests");
  group->require_subcommand(1);
  AddPlanCommands(ctl, group);
  AddStatementCommands(ctl, group);
  AddContestCommands(ctl, group);
}

}  // namespace salesperf::ctl
