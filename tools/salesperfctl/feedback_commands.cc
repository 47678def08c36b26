#include "tools/salesperfctl/feedback_commands.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "salesperf/feedback/v1/feedback.grpc.pb.h"
#include "tools/salesperfctl/table.h"
#include "tools/salesperfctl/values.h"

namespace salesperf::ctl {
namespace {

namespace v1 = ::salesperf::feedback::v1;
using Stub = v1::FeedbackService::Stub;

std::string Touchpoint(const v1::Touchpoint& t) {
  return absl::StrCat(EnumLabel(t.kind()), ":", t.id());
}

// "visit:v-1" -> Touchpoint.
bool ParseTouchpoint(const std::string& text, v1::Touchpoint& out) {
  std::vector<std::string> parts = absl::StrSplit(text, absl::MaxSplits(':', 1));
  if (parts.size() != 2 || parts[1].empty()) return false;
  out.set_kind(EnumFromChoice<v1::TouchpointKind>(parts[0]));
  out.set_id(parts[1]);
  return out.kind() != v1::TOUCHPOINT_KIND_UNSPECIFIED;
}

std::string Score(bool has, int32_t score) { return has ? absl::StrCat(score) : "-"; }

void PrintRequests(Ctl& ctl, const std::vector<const v1::SurveyRequest*>& requests,
                   const std::string& next) {
  Table t({"REQUEST", "SURVEY", "REP", "TOUCHPOINT", "STATUS", "CSAT", "NPS", "EXPIRES"});
  for (const v1::SurveyRequest* q : requests) {
    t.AddRow({q->survey_request_id(), q->survey_id(), q->rep_id(), Touchpoint(q->touchpoint()),
              EnumLabel(q->status()), Score(q->has_csat_score(), q->csat_score()),
              Score(q->has_nps_score(), q->nps_score()), FormatTimestamp(q->expires_at())});
  }
  t.Print(ctl.out());
  if (!next.empty()) ctl.err() << "more results: --page-token " << next << "\n";
}

void PrintAlerts(Ctl& ctl, const google::protobuf::RepeatedPtrField<v1::Alert>& alerts) {
  if (alerts.empty()) return;
  Table t({"ALERT", "REASON", "REP", "MANAGER", "SCORE"});
  for (const v1::Alert& a : alerts) {
    t.AddRow({a.alert_id(), EnumLabel(a.reason()), a.rep_id(), OrDash(a.manager_id()),
              Score(a.has_score(), a.score())});
  }
  t.Print(ctl.out());
}

void PrintComplaint(Ctl& ctl, const v1::Complaint& c) {
  PrintFields(ctl.out(), {{"complaint", c.complaint_id()},
                          {"status", EnumLabel(c.status())},
                          {"rep", OrDash(c.rep_id())},
                          {"deal", OrDash(c.deal_id())},
                          {"category", c.category()},
                          {"severity", EnumLabel(c.severity())},
                          {"assignee", OrDash(c.assignee_id())},
                          {"opened", FormatTimestamp(c.opened_at())},
                          {"first response due", FormatTimestamp(c.first_response_due_at())},
                          {"resolution due", FormatTimestamp(c.resolution_due_at())},
                          {"responses", absl::StrCat(c.responses_size())},
                          {"reopened", absl::StrCat(c.reopen_count())},
                          {"breached",
                           c.first_response_breached() || c.resolution_breached() ? "yes" : "no"}});
}

void PrintCallbacks(Ctl& ctl, const google::protobuf::RepeatedPtrField<v1::Callback>& callbacks) {
  Table t(
      {"CALLBACK", "REP", "TOUCHPOINT", "DUE", "ASSIGNEE", "STATUS", "OUTCOME", "CSAT", "PHONE"});
  for (const v1::Callback& c : callbacks) {
    t.AddRow({c.callback_id(), c.rep_id(), Touchpoint(c.touchpoint()), FormatTimestamp(c.due_at()),
              c.assignee_id(), EnumLabel(c.status()), EnumLabel(c.outcome()),
              Score(c.has_csat_score(), c.csat_score()), OrDash(c.contact_phone())});
  }
  t.Print(ctl.out());
}

void PrintSurvey(Ctl& ctl, const v1::Survey& survey) {
  ctl.out() << "survey " << survey.survey_id() << " (" << survey.name() << ")\n";
  Table t({"QUESTION", "KIND", "REQUIRED", "TEXT"});
  for (const v1::Question& q : survey.questions()) {
    t.AddRow({q.question_id(), EnumLabel(q.kind()), q.required() ? "yes" : "no", q.text()});
  }
  t.Print(ctl.out());
}

// --- Surveys.

void AddSurveyCommands(Ctl& ctl, CLI::App* group) {
  {
    struct Opts {
      std::string request_id, survey_id, name;
      std::vector<std::string> questions;
      int64_t window = 0;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = group->add_subcommand("define-survey", "Define a survey (immutable)");
    cmd->add_option("--survey", o->survey_id, "survey id")->required();
    cmd->add_option("--name", o->name, "name")->required();
    cmd->add_option("--question", o->questions,
                    "ID:KIND:TEXT[:required], KIND csat|nps|text (repeat the flag)")
        ->required();
    cmd->add_option("--window-seconds", o->window, "response window (default 7 days)");
    AddRequestIdOption(cmd, o->request_id);
    ctl.SetAction(cmd, [&ctl, o] {
      v1::DefineSurveyRequest req;
      req.set_request_id(ctl.RequestId(o->request_id));
      req.set_survey_id(o->survey_id);
      req.set_name(o->name);
      req.set_response_window_seconds(o->window);
      for (const std::string& q : o->questions) {
        std::vector<std::string> parts = absl::StrSplit(q, ':');
        if (parts.size() < 3 || parts.size() > 4 || (parts.size() == 4 && parts[3] != "required")) {
          return ctl.UsageError("--question: expected ID:KIND:TEXT[:required]");
        }
        v1::Question* question = req.add_questions();
        question->set_question_id(parts[0]);
        question->set_kind(EnumFromChoice<v1::QuestionKind>(parts[1]));
        if (question->kind() == v1::QUESTION_KIND_UNSPECIFIED) {
          return ctl.UsageError("--question: KIND must be csat, nps or text");
        }
        question->set_text(parts[2]);
        question->set_required(parts.size() == 4);
      }
      return ctl.Call(&Stub::DefineSurvey, req,
                      [&](const v1::DefineSurveyResponse& r) { PrintSurvey(ctl, r.survey()); });
    });
  }
  {
    auto req = std::make_shared<v1::GetSurveyDefinitionRequest>();
    CLI::App* cmd = group->add_subcommand("get-survey", "Show a survey and its questions");
    cmd->add_option("survey,--survey", *req->mutable_survey_id(), "survey id")->required();
    ctl.SetRequestAction(
        cmd, req, &Stub::GetSurvey,
        [&ctl](const v1::GetSurveyDefinitionResponse& r) { PrintSurvey(ctl, r.survey()); });
  }
  {
    struct Opts {
      std::string request_id, id, survey_id, rep_id, customer_id, touchpoint;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = group->add_subcommand("send-survey", "Send a survey about a touchpoint");
    cmd->add_option("--survey", o->survey_id, "survey id")->required();
    cmd->add_option("--rep", o->rep_id, "the rep it is about")->required();
    cmd->add_option("--customer", o->customer_id, "customer id")->required();
    cmd->add_option("--touchpoint", o->touchpoint, "KIND:ID, KIND visit|call|deal|customer")
        ->required();
    cmd->add_option("--id", o->id, "survey request id (default: generated)");
    AddRequestIdOption(cmd, o->request_id);
    ctl.SetAction(cmd, [&ctl, o] {
      v1::SendSurveyRequest req;
      if (!ParseTouchpoint(o->touchpoint, *req.mutable_touchpoint())) {
        return ctl.UsageError("--touchpoint: expected KIND:ID, KIND visit|call|deal|customer");
      }
      req.set_request_id(ctl.RequestId(o->request_id));
      req.set_survey_request_id(o->id);
      req.set_survey_id(o->survey_id);
      req.set_rep_id(o->rep_id);
      req.set_customer_id(o->customer_id);
      return ctl.Call(&Stub::SendSurvey, req, [&](const v1::SendSurveyResponse& r) {
        PrintRequests(ctl, {&r.survey_request()}, "");
      });
    });
  }
  {
    struct Opts {
      std::string request_id, id;
      int csat = -1, nps = -1;
      std::vector<std::string> texts;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = group->add_subcommand("respond", "Record the customer's response (once)");
    cmd->add_option("request,--request", o->id, "survey request id")->required();
    cmd->add_option("--csat", o->csat, "CSAT answer 1..5 (to the survey's CSAT question)");
    cmd->add_option("--nps", o->nps, "NPS answer 0..10 (to the survey's NPS question)");
    cmd->add_option("--text", o->texts, "QUESTION_ID=TEXT (repeat the flag)");
    AddRequestIdOption(cmd, o->request_id);
    ctl.SetAction(cmd, [&ctl, o] {
      // Scores name their question through the survey; ask the service for it.
      std::unique_ptr<Stub> stub = v1::FeedbackService::NewStub(ctl.Channel());
      v1::GetSurveyRequestRequest get;
      get.set_survey_request_id(o->id);
      grpc::ClientContext c1;
      ctl.Prepare(c1);
      v1::GetSurveyRequestResponse q;
      if (grpc::Status s = stub->GetSurveyRequest(&c1, get, &q); !s.ok()) return ctl.RpcError(s);
      v1::GetSurveyDefinitionRequest def;
      def.set_survey_id(q.survey_request().survey_id());
      grpc::ClientContext c2;
      ctl.Prepare(c2);
      v1::GetSurveyDefinitionResponse survey;
      if (grpc::Status s = stub->GetSurvey(&c2, def, &survey); !s.ok()) return ctl.RpcError(s);
      v1::RecordSurveyResponseRequest req;
      req.set_request_id(ctl.RequestId(o->request_id));
      req.set_survey_request_id(o->id);
      for (const v1::Question& question : survey.survey().questions()) {
        const int score = question.kind() == v1::QUESTION_KIND_CSAT  ? o->csat
                          : question.kind() == v1::QUESTION_KIND_NPS ? o->nps
                                                                     : -1;
        if (score < 0) continue;
        v1::Answer* a = req.add_answers();
        a->set_question_id(question.question_id());
        a->set_score(score);
      }
      for (const std::string& text : o->texts) {
        std::vector<std::string> parts = absl::StrSplit(text, absl::MaxSplits('=', 1));
        if (parts.size() != 2) return ctl.UsageError("--text: expected QUESTION_ID=TEXT");
        v1::Answer* a = req.add_answers();
        a->set_question_id(parts[0]);
        a->set_text(parts[1]);
      }
      return ctl.Call(&Stub::RecordSurveyResponse, req,
                      [&](const v1::RecordSurveyResponseResponse& r) {
                        PrintRequests(ctl, {&r.survey_request()}, "");
                        PrintAlerts(ctl, r.alerts());
                      });
    });
  }
  {
    auto id = std::make_shared<std::string>();
    CLI::App* cmd = group->add_subcommand("get-request", "Show one survey request");
    cmd->add_option("request,--request", *id, "survey request id")->required();
    ctl.SetAction(cmd, [&ctl, id] {
      v1::GetSurveyRequestRequest req;
      req.set_survey_request_id(*id);
      return ctl.Call(&Stub::GetSurveyRequest, req, [&](const v1::GetSurveyRequestResponse& r) {
        PrintRequests(ctl, {&r.survey_request()}, "");
      });
    });
  }
  {
    struct Opts {
      std::string rep, status, survey;
      PageOptions page;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = group->add_subcommand("list-requests", "List survey requests");
    cmd->add_option("--rep", o->rep, "only this rep's");
    ctl.Choices(cmd->add_option("--status", o->status, "pending|answered|expired"),
                EnumLabels<v1::SurveyRequestStatus>());
    cmd->add_option("--survey", o->survey, "only this survey's");
    AddPageOptions(cmd, o->page);
    ctl.SetAction(cmd, [&ctl, o] {
      v1::ListSurveyRequestsRequest req;
      req.set_rep_id(o->rep);
      req.set_status(EnumFromChoice<v1::SurveyRequestStatus>(o->status));
      req.set_survey_id(o->survey);
      SetPage(o->page, req.mutable_page());
      return ctl.Call(&Stub::ListSurveyRequests, req, [&](const v1::ListSurveyRequestsResponse& r) {
        std::vector<const v1::SurveyRequest*> rows;
        for (const v1::SurveyRequest& q : r.survey_requests()) rows.push_back(&q);
        PrintRequests(ctl, rows, r.page().next_page_token());
      });
    });
  }
}

// --- Callbacks.

void AddCallbackCommands(Ctl& ctl, CLI::App* group) {
  {
    struct Opts {
      std::string request_id, id, rep, customer, touchpoint, due, assignee, phone;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = group->add_subcommand("schedule-callback", "Schedule a follow-up call (回访)");
    cmd->add_option("--rep", o->rep, "the rep whose work is checked")->required();
    cmd->add_option("--customer", o->customer, "customer id")->required();
    cmd->add_option("--touchpoint", o->touchpoint, "KIND:ID (deal or visit)")->required();
    cmd->add_option("--due", o->due, "RFC 3339 time, e.g. 2026-11-05T10:00:00+08:00")->required();
    cmd->add_option("--assignee", o->assignee, "who calls")->required();
    cmd->add_option("--phone", o->phone, "the number to call (kept until completion only)")
        ->required();
    cmd->add_option("--id", o->id, "callback id (default: generated)");
    AddRequestIdOption(cmd, o->request_id);
    ctl.SetAction(cmd, [&ctl, o] {
      v1::ScheduleCallbackRequest req;
      if (!ParseTouchpoint(o->touchpoint, *req.mutable_touchpoint())) {
        return ctl.UsageError("--touchpoint: expected KIND:ID");
      }
      absl::StatusOr<google::protobuf::Timestamp> due = ParseTimestamp(o->due);
      if (!due.ok()) return ctl.UsageError(absl::StrCat("--due: ", due.status().message()));
      *req.mutable_due_at() = *due;
      req.set_request_id(ctl.RequestId(o->request_id));
      req.set_callback_id(o->id);
      req.set_rep_id(o->rep);
      req.set_customer_id(o->customer);
      req.set_assignee_id(o->assignee);
      req.set_contact_phone(o->phone);
      return ctl.Call(&Stub::ScheduleCallback, req, [&](const v1::ScheduleCallbackResponse& r) {
        google::protobuf::RepeatedPtrField<v1::Callback> one;
        *one.Add() = r.callback();
        PrintCallbacks(ctl, one);
      });
    });
  }
  {
    struct Opts {
      std::string request_id, id, outcome, notes;
      int csat = 0;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = group->add_subcommand("complete-callback", "Record a callback's outcome");
    cmd->add_option("callback,--callback", o->id, "callback id")->required();
    ctl.Choices(
        cmd->add_option("--outcome", o->outcome, "reached|unreachable|declined")->required(),
        EnumLabels<v1::CallbackOutcome>());
    cmd->add_option("--csat", o->csat, "the satisfaction given, 1..5 (reached only)");
    cmd->add_option("--notes", o->notes, "free text");
    AddRequestIdOption(cmd, o->request_id);
    ctl.SetAction(cmd, [&ctl, o] {
      v1::CompleteCallbackRequest req;
      req.set_request_id(ctl.RequestId(o->request_id));
      req.set_callback_id(o->id);
      req.set_outcome(EnumFromChoice<v1::CallbackOutcome>(o->outcome));
      if (o->csat != 0) req.set_csat_score(o->csat);
      req.set_notes(o->notes);
      return ctl.Call(&Stub::CompleteCallback, req, [&](const v1::CompleteCallbackResponse& r) {
        google::protobuf::RepeatedPtrField<v1::Callback> one;
        *one.Add() = r.callback();
        PrintCallbacks(ctl, one);
        PrintAlerts(ctl, r.alerts());
      });
    });
  }
  {
    struct Opts {
      std::string rep, status, assignee;
      PageOptions page;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = group->add_subcommand("list-callbacks", "List callbacks");
    cmd->add_option("--rep", o->rep, "only this rep's");
    ctl.Choices(cmd->add_option("--status", o->status, "scheduled|completed"),
                EnumLabels<v1::CallbackStatus>());
    cmd->add_option("--assignee", o->assignee, "only this assignee's");
    AddPageOptions(cmd, o->page);
    ctl.SetAction(cmd, [&ctl, o] {
      v1::ListCallbacksRequest req;
      req.set_rep_id(o->rep);
      req.set_status(EnumFromChoice<v1::CallbackStatus>(o->status));
      req.set_assignee_id(o->assignee);
      SetPage(o->page, req.mutable_page());
      return ctl.Call(&Stub::ListCallbacks, req, [&](const v1::ListCallbacksResponse& r) {
        PrintCallbacks(ctl, r.callbacks());
        ctl.PrintNextPage(r.page());
      });
    });
  }
}

// --- Complaints.

// assign / respond / resolve / reopen: an id and one text argument.
template <typename Req, typename Resp>
void AddComplaintStep(Ctl& ctl, CLI::App* group, const std::string& name, const std::string& help,
                      const std::string& flag, const std::string& flag_help,
                      grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                      void (Req::*set)(const std::string&)) {
  struct Opts {
    std::string request_id, id, value;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = group->add_subcommand(name, help);
  cmd->add_option("complaint,--complaint", o->id, "complaint id")->required();
  cmd->add_option(flag, o->value, flag_help)->required();
  AddRequestIdOption(cmd, o->request_id);
  ctl.SetAction(cmd, [&ctl, o, method, set] {
    Req req;
    req.set_request_id(ctl.RequestId(o->request_id));
    req.set_complaint_id(o->id);
    (req.*set)(o->value);
    return ctl.Call(method, req, [&](const Resp& r) { PrintComplaint(ctl, r.complaint()); });
  });
}

void AddComplaintCommands(Ctl& ctl, CLI::App* group) {
  {
    struct Opts {
      std::string request_id, id, rep, customer, deal, category, severity, description;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = group->add_subcommand("open-complaint", "Open a complaint against a rep/deal");
    cmd->add_option("--rep", o->rep, "the rep complained about");
    cmd->add_option("--deal", o->deal, "the deal complained about");
    cmd->add_option("--customer", o->customer, "customer id")->required();
    cmd->add_option("--category", o->category, "e.g. service_attitude, delivery")->required();
    ctl.Choices(cmd->add_option("--severity", o->severity, "low|medium|high|critical")->required(),
                EnumLabels<v1::ComplaintSeverity>());
    cmd->add_option("--description", o->description, "free text")->required();
    cmd->add_option("--id", o->id, "complaint id (default: generated)");
    AddRequestIdOption(cmd, o->request_id);
    ctl.SetAction(cmd, [&ctl, o] {
      v1::OpenComplaintRequest req;
      req.set_request_id(ctl.RequestId(o->request_id));
      req.set_complaint_id(o->id);
      req.set_rep_id(o->rep);
      req.set_customer_id(o->customer);
      req.set_deal_id(o->deal);
      req.set_category(o->category);
      req.set_severity(EnumFromChoice<v1::ComplaintSeverity>(o->severity));
      req.set_description(o->description);
      return ctl.Call(&Stub::OpenComplaint, req, [&](const v1::OpenComplaintResponse& r) {
        PrintComplaint(ctl, r.complaint());
        PrintAlerts(ctl, r.alerts());
      });
    });
  }
  AddComplaintStep(ctl, group, "assign-complaint", "Assign a complaint", "--assignee",
                   "who handles it", &Stub::AssignComplaint,
                   &v1::AssignComplaintRequest::set_assignee_id);
  AddComplaintStep(ctl, group, "respond-complaint", "Respond to the customer", "--response",
                   "free text", &Stub::RespondToComplaint,
                   &v1::RespondToComplaintRequest::set_response);
  AddComplaintStep(ctl, group, "resolve-complaint", "Resolve a complaint", "--resolution",
                   "free text", &Stub::ResolveComplaint,
                   &v1::ResolveComplaintRequest::set_resolution);
  AddComplaintStep(ctl, group, "reopen-complaint", "Reopen a resolved complaint", "--reason",
                   "free text", &Stub::ReopenComplaint, &v1::ReopenComplaintRequest::set_reason);
  {
    auto id = std::make_shared<std::string>();
    CLI::App* cmd = group->add_subcommand("get-complaint", "Show one complaint");
    cmd->add_option("complaint,--complaint", *id, "complaint id")->required();
    ctl.SetAction(cmd, [&ctl, id] {
      v1::GetComplaintRequest req;
      req.set_complaint_id(*id);
      return ctl.Call(&Stub::GetComplaint, req, [&](const v1::GetComplaintResponse& r) {
        PrintComplaint(ctl, r.complaint());
      });
    });
  }
  {
    struct Opts {
      std::string rep, status, severity;
      bool breached = false;
      PageOptions page;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = group->add_subcommand("list-complaints", "List complaints");
    cmd->add_option("--rep", o->rep, "only this rep's");
    ctl.Choices(cmd->add_option("--status", o->status, "open|resolved"),
                EnumLabels<v1::ComplaintStatus>());
    ctl.Choices(cmd->add_option("--severity", o->severity, "low|medium|high|critical"),
                EnumLabels<v1::ComplaintSeverity>());
    cmd->add_flag("--breached", o->breached, "only complaints that missed an SLA");
    AddPageOptions(cmd, o->page);
    ctl.SetAction(cmd, [&ctl, o] {
      v1::ListComplaintsRequest req;
      req.set_rep_id(o->rep);
      req.set_status(EnumFromChoice<v1::ComplaintStatus>(o->status));
      req.set_severity(EnumFromChoice<v1::ComplaintSeverity>(o->severity));
      req.set_breached_only(o->breached);
      SetPage(o->page, req.mutable_page());
      return ctl.Call(&Stub::ListComplaints, req, [&](const v1::ListComplaintsResponse& r) {
        Table t({"COMPLAINT", "REP", "CATEGORY", "SEVERITY", "STATUS", "OPENED", "BREACHED"});
        for (const v1::Complaint& c : r.complaints()) {
          t.AddRow({c.complaint_id(), OrDash(c.rep_id()), c.category(), EnumLabel(c.severity()),
                    EnumLabel(c.status()), FormatTimestamp(c.opened_at()),
                    c.first_response_breached() || c.resolution_breached() ? "yes" : "no"});
        }
        t.Print(ctl.out());
        ctl.PrintNextPage(r.page());
      });
    });
  }
}

// --- Alerts and summary.

void AddReportCommands(Ctl& ctl, CLI::App* group) {
  {
    struct Opts {
      std::string manager, rep;
      PageOptions page;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = group->add_subcommand("alerts", "List alerts raised for managers");
    cmd->add_option("--manager", o->manager, "only this manager's");
    cmd->add_option("--rep", o->rep, "only about this rep");
    AddPageOptions(cmd, o->page);
    ctl.SetAction(cmd, [&ctl, o] {
      v1::ListAlertsRequest req;
      req.set_manager_id(o->manager);
      req.set_rep_id(o->rep);
      SetPage(o->page, req.mutable_page());
      return ctl.Call(&Stub::ListAlerts, req,
                      [&](const v1::ListAlertsResponse& r) { PrintAlerts(ctl, r.alerts()); });
    });
  }
  {
    struct Opts {
      std::string scope = "company", period;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = group->add_subcommand("summary", "CSAT, NPS and complaints of a scope");
    cmd->add_option("--scope", o->scope, "company | region:ID | team:ID | rep:ID")
        ->capture_default_str();
    cmd->add_option("--period", o->period, "period id: 2026-11, 2026-Q4, 2026-W48, 2026-11-23")
        ->required();
    ctl.SetAction(cmd, [&ctl, o] {
      absl::StatusOr<common::v1::ScopeRef> scope = ParseScope(o->scope);
      if (!scope.ok()) return ctl.UsageError(absl::StrCat("--scope: ", scope.status().message()));
      if (absl::Status s = ValidatePeriodId(o->period); !s.ok()) {
        return ctl.UsageError(absl::StrCat("--period: ", s.message()));
      }
      v1::GetFeedbackSummaryRequest req;
      *req.mutable_scope() = *scope;
      req.mutable_period()->set_id(o->period);
      return ctl.Call(&Stub::GetFeedbackSummary, req, [&](const v1::GetFeedbackSummaryResponse& r) {
        const v1::FeedbackSummary& s = r.summary();
        PrintFields(
            ctl.out(),
            {{"scope", ScopeToString(s.scope())},
             {"period", s.period().id()},
             {"surveys sent", absl::StrCat(s.surveys_sent())},
             {"responses", absl::StrCat(s.survey_responses())},
             {"expired", absl::StrCat(s.surveys_expired())},
             {"CSAT average", s.csat_count() == 0
                                  ? "-"
                                  : absl::StrCat(FormatHundredths(s.csat_average_centi()), " of 5 (",
                                                 s.csat_count(), " scores)")},
             {"CSAT satisfied",
              s.csat_count() == 0 ? "-" : FormatBasisPoints(s.csat_satisfied_bp())},
             {"NPS", s.nps_count() == 0
                         ? "-"
                         : absl::StrCat(s.nps(), " (", s.promoters(), " promoters, ", s.passives(),
                                        " passives, ", s.detractors(), " detractors)")},
             {"callbacks", absl::StrCat(s.callbacks_completed(), " completed, ",
                                        s.callbacks_reached(), " reached")},
             {"complaints", absl::StrCat(s.complaints_opened(), " opened, ", s.complaints_open(),
                                         " open, ", s.complaints_breached(), " breached")},
             {"alerts", absl::StrCat(s.alerts_raised())}});
      });
    });
  }
}

}  // namespace

void RegisterFeedbackCommands(Ctl& ctl) {
  CLI::App* group = ctl.app().add_subcommand(
      "feedback", "Surveys (CSAT, NPS), callbacks and complaints (salesperf.feedback.v1)");
  group->require_subcommand(1);
  AddSurveyCommands(ctl, group);
  AddCallbackCommands(ctl, group);
  AddComplaintCommands(ctl, group);
  AddReportCommands(ctl, group);
}

}  // namespace salesperf::ctl
