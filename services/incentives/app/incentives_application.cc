#include "services/incentives/app/incentives_application.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/ids.h"
#include "libs/common/status_macros.h"
#include "libs/common/string_view_compat.h"
#include "libs/common/validation.h"
#include "libs/service/request_fingerprint.h"
#include "services/incentives/app/convert.h"
#include "services/incentives/app/fact_queries.h"
#include "services/incentives/app/records.h"
#include "services/incentives/domain/calculator.h"
#include "services/incentives/domain/contest.h"
#include "services/incentives/domain/what_if.h"

namespace salesperf::incentives {
namespace {

using eventstore::AppendRequest;
using eventstore::AppendResult;
using eventstore::ExpectedVersion;
using eventstore::RequestRecord;
using google::protobuf::Any;

constexpr size_t kReadBatch = 1000;
constexpr size_t kMaxTextLength = 2000;

std::string Fingerprint(const google::protobuf::Message& request) {
  return service::RequestFingerprint(request, "incentives");
}

// "dsp-<16 hex>": an id for what the request creates, the same on every retry.
std::string DerivedId(std::string_view prefix, const std::string& request_id) {
  return absl::StrFormat("%s-%016x", std::string(prefix), service::StableHash64(request_id));
}

absl::Status InvalidFieldIfError(std::string field, const absl::Status& status) {
  if (status.ok()) return status;
  return InvalidField(std::move(field), std::string(status.message()));
}

absl::Status Evolve(v1::PlanRow& s, const EventEnvelope& e) { return EvolvePlan(s, e); }
absl::Status Evolve(v1::StatementView& s, const EventEnvelope& e) { return EvolveStatement(s, e); }
absl::Status Evolve(v1::ContestRow& s, const EventEnvelope& e) { return EvolveContest(s, e); }
uint64_t VersionOf(const v1::PlanRow& s) { return static_cast<uint64_t>(s.refs_size()); }
uint64_t VersionOf(const v1::StatementView& s) { return static_cast<uint64_t>(s.version()); }
uint64_t VersionOf(const v1::ContestRow& s) { return static_cast<uint64_t>(s.version()); }

std::string Actor(const CallContext& ctx) { return ctx.actor.empty() ? "anonymous" : ctx.actor; }

absl::Status RequireActor(const CallContext& ctx) {
  if (ctx.actor.empty()) {
    return absl::PermissionDeniedError("an anonymous caller cannot change incentives");
  }
  return absl::OkStatus();
}

// A manager of the rep on the period's last day, other than the rep.
absl::Status RequireManager(FactQueries& q, const CallContext& ctx, const std::string& rep_id,
                            const Period& period) {
  RETURN_IF_ERROR(RequireActor(ctx));
  if (ctx.actor == rep_id) {
    return absl::PermissionDeniedError("a rep cannot issue, approve or adjust their own statement");
  }
  ASSIGN_OR_RETURN(const std::set<std::string> managers, q.ManagersOf(rep_id, period.last_day()));
  if (!managers.contains(ctx.actor)) {
    return absl::PermissionDeniedError(
        absl::StrCat(ctx.actor, " does not manage ", rep_id, " on ", FormatDay(period.last_day())));
  }
  return absl::OkStatus();
}

void CheckText(FieldViolations& v, const std::string& field, const std::string& text,
               bool required) {
  if (required && text.empty()) v.Add(field, "is required");
  if (text.size() > kMaxTextLength) v.Add(field, "must be at most 2000 bytes");
}

// A non-zero amount in `currency`.
void CheckAmount(FieldViolations& v, const std::string& field, const common::v1::Money& money,
                 const Currency& currency, bool positive) {
  if (money.currency_code() != currency.code()) {
    v.Add(field + ".currency_code",
          absl::StrCat("must be the statement's currency ", ToAbsl(currency.code())));
  }
  if (money.minor_units() == 0) v.Add(field + ".minor_units", "must not be zero");
  if (positive && money.minor_units() < 0) v.Add(field + ".minor_units", "must be positive");
}

template <typename T>
Any Pack(const T& message) {
  Any any;
  any.PackFrom(message);
  return any;
}

// The running statement: the applicable plan and the facts, calculated.
absl::StatusOr<Statement> Running(FactQueries& q, const std::string& rep_id, const Period& period) {
  ASSIGN_OR_RETURN(std::optional<Plan> plan, q.ApplicablePlan(rep_id, period));
  if (!plan.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no plan applies to ", rep_id, " in ", period.Id()));
  }
  ASSIGN_OR_RETURN(const RepPeriodFacts facts, q.Facts(rep_id, period));
  return Calculate(*plan, facts);
}

v1::StatementView RunningView(const Statement& s) {
  v1::StatementView view;
  view.set_rep_id(s.rep_id);
  view.set_period_id(s.period_id);
  view.set_status(v1::STATEMENT_STATUS_RUNNING);
  *view.mutable_statement() = StatementToProto(s);
  *view.mutable_payable() = s.total.ToProto();
  *view.mutable_paid() = Money::Zero(s.currency).ToProto();
  return view;
}

struct StatementKey {
  std::string rep_id;
  Period period;
};

absl::StatusOr<StatementKey> ParseStatementKey(FactQueries& q, const std::string& rep_id,
                                               const std::string& period_id) {
  FieldViolations v;
  v.AddIfError("rep_id", ValidateId(rep_id));
  absl::StatusOr<Period> period = q.ParsePeriod(period_id, "period_id");
  if (!period.ok()) {
    for (const FieldViolation& f : FieldViolationsOf(period.status()))
      v.Add(f.field, f.description);
  }
  RETURN_IF_ERROR(v.ToStatus());
  return StatementKey{rep_id, *period};
}

absl::Status RequireIssued(const v1::StatementView& view) {
  if (view.version() == 0) {
    return absl::FailedPreconditionError(
        "the statement has not been issued; issue it when the period closes");
  }
  return absl::OkStatus();
}

const v1::Dispute* FindDispute(const v1::StatementView& view, const std::string& id) {
  for (const v1::Dispute& d : view.disputes()) {
    if (d.dispute_id() == id) return &d;
  }
  return nullptr;
}

v1::PlanInfo InfoOf(const v1::PlanRow& row) {
  v1::PlanInfo info;
  info.set_plan_id(row.plan_id());
  if (!row.versions().empty()) {
    v1::Plan latest = row.versions(row.versions_size() - 1);
    if (row.reassigned()) *latest.mutable_assignees() = row.assignees();
    *info.mutable_latest() = latest;
  }
  for (const v1::Plan& p : row.versions()) info.add_versions(p.version());
  info.set_retired_from(row.retired_from());
  return info;
}

v1::Spread SpreadToProto(const Spread& s) {
  v1::Spread out;
  *out.mutable_total() = s.total.ToProto();
  *out.mutable_min() = s.min.ToProto();
  *out.mutable_median() = s.median.ToProto();
  *out.mutable_max() = s.max.ToProto();
  out.set_gini_ppm(s.gini_ppm);
  out.set_count(s.count);
  return out;
}

void CheckAssignees(FieldViolations& v, const std::string& field,
                    const google::protobuf::RepeatedPtrField<v1::PlanAssignee>& assignees) {
  for (int i = 0; i < assignees.size(); ++i) {
    const std::string path = absl::StrCat(field, "[", i, "]");
    if (assignees[i].kind() == v1::ASSIGNEE_KIND_UNSPECIFIED) {
      v.Add(path + ".kind", "must be rep, team or region");
    }
    v.AddIfError(path + ".id", ValidateId(assignees[i].id()));
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<IncentivesApplication>> IncentivesApplication::Create(
    IncentivesApplicationOptions options) {
  if (options.store == nullptr || options.views == nullptr) {
    return absl::InvalidArgumentError("IncentivesApplication needs a store and views");
  }
  if (options.clock == nullptr) options.clock = RealClock();
  if (options.append_attempts < 1) options.append_attempts = 1;
  return std::unique_ptr<IncentivesApplication>(new IncentivesApplication(std::move(options)));
}

absl::Status IncentivesApplication::WaitForViews() const {
  if (!options_.wait_for_views) return absl::OkStatus();
  absl::Status s = options_.wait_for_views(options_.view_wait_timeout);
  if (absl::IsDeadlineExceeded(s)) {
    return absl::UnavailableError("the incentive views are catching up; retry shortly");
  }
  return s;
}

template <typename State>
absl::StatusOr<State> IncentivesApplication::Load(const std::string& stream,
                                                  uint64_t max_version) const {
  State state;
  uint64_t from = 1;
  for (;;) {
    size_t count = kReadBatch;
    if (max_version != 0) {
      if (from > max_version) break;
      count = std::min<uint64_t>(kReadBatch, max_version - from + 1);
    }
    ASSIGN_OR_RETURN(std::vector<EventEnvelope> batch,
                     options_.store->ReadStream(stream, from, count));
    if (batch.empty()) break;
    for (const EventEnvelope& e : batch) {
      absl::Status s = Evolve(state, e);
      if (!s.ok()) return absl::DataLossError(absl::StrCat("stream ", stream, ": ", s.message()));
    }
    from += batch.size();
  }
  return state;
}

template <typename State, typename Response, typename Decide, typename Respond>
absl::StatusOr<Response> IncentivesApplication::Run(const CallContext& ctx,
                                                    const google::protobuf::Message& request,
                                                    const std::string& request_id,
                                                    const std::string& stream, Decide decide,
                                                    Respond respond) {
  RETURN_IF_ERROR(service::CheckRequestId(request_id));
  const std::string fingerprint = Fingerprint(request);
  auto replay = [&](const RequestRecord& record) -> absl::StatusOr<Response> {
    if (record.fingerprint != fingerprint) {
      return service::ReusedRequestIdError(request_id);
    }
    uint64_t version = record.result.stream_version;
    for (const auto& [id, v] : record.streams) {
      if (id == stream) version = v;
    }
    ASSIGN_OR_RETURN(State then, Load<State>(stream, version == 0 ? 0 : version));
    if (version == 0) then = State();
    return respond(then);
  };
  ASSIGN_OR_RETURN(std::optional<RequestRecord> prior, options_.store->LookupRequest(request_id));
  if (prior.has_value()) return replay(*prior);
  RETURN_IF_ERROR(WaitForViews());

  for (int attempt = 1;; ++attempt) {
    const absl::Time now = options_.clock->Now();
    ASSIGN_OR_RETURN(State state, Load<State>(stream, 0));
    const uint64_t version = VersionOf(state);
    ASSIGN_OR_RETURN(std::vector<Any> payloads, decide(state, now));
    AppendRequest append;
    append.stream_id = stream;
    append.expected_version = ExpectedVersion::Exactly(version);
    append.request_id = request_id;
    append.request_fingerprint = fingerprint;
    for (Any& payload : payloads) {
      EventEnvelope envelope;
      *envelope.mutable_occurred_at() = google::protobuf::Timestamp();
      envelope.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(now));
      envelope.set_actor(Actor(ctx));
      envelope.set_correlation_id(request_id);
      envelope.set_causation_id(request_id);
      envelope.set_traceparent(ctx.traceparent);
      *envelope.mutable_payload() = std::move(payload);
      append.events.push_back(std::move(envelope));
    }
    absl::StatusOr<AppendResult> result = options_.store->Append(std::move(append));
    if (!result.ok()) {
      if (absl::IsAborted(result.status()) && attempt < options_.append_attempts) continue;
      return result.status();
    }
    if (result->deduplicated) {
      ASSIGN_OR_RETURN(prior, options_.store->LookupRequest(request_id));
      if (!prior.has_value()) return absl::InternalError("deduplicated request has no record");
      return replay(*prior);
    }
    ASSIGN_OR_RETURN(State after, Load<State>(stream, result->stream_version));
    if (result->stream_version == 0) after = State();
    return respond(after);
  }
}

// ---------------------------------------------------------------------------------------
// Plans.

absl::StatusOr<v1::PublishPlanResponse> IncentivesApplication::PublishPlan(
    const CallContext& ctx, const v1::PublishPlanRequest& request) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  RETURN_IF_ERROR(RequireActor(ctx));
  RETURN_IF_ERROR(InvalidFieldIfError("plan.plan_id", ValidateId(request.plan().plan_id())));
  {
    FieldViolations v;
    CheckText(v, "note", request.note(), false);
    RETURN_IF_ERROR(v.ToStatus());
  }
  return Run<v1::PlanRow, v1::PublishPlanResponse>(
      ctx, request, request.request_id(), PlanStream(request.plan().plan_id()),
      [&](const v1::PlanRow& row, absl::Time) -> absl::StatusOr<std::vector<Any>> {
        const int64_t next = row.versions_size() + 1;
        if (request.plan().version() != 0 && request.plan().version() != next) {
          return absl::AbortedError(absl::StrCat("plan ", request.plan().plan_id(),
                                                 " is at version ", next - 1, "; the next is ",
                                                 next));
        }
        v1::Plan plan = request.plan();
        plan.set_version(next);
        if (plan.assignees().empty() && !row.versions().empty()) {
          *plan.mutable_assignees() = row.reassigned()
                                          ? row.assignees()
                                          : row.versions(row.versions_size() - 1).assignees();
        }
        if (plan.currency_code().empty()) {
          FactQueries q(options_.views);
          ASSIGN_OR_RETURN(const OrgCalendar org, q.Org());
          plan.set_currency_code(std::string(org.currency.code()));
        }
        ASSIGN_OR_RETURN(const Plan parsed, PlanFromProto(plan, "plan"));
        v1::PlanPublished published;
        *published.mutable_plan() = PlanToProto(parsed);
        published.mutable_plan()->set_name(plan.name());
        published.set_note(request.note());
        published.set_published_by(ctx.actor);
        return std::vector<Any>{Pack(published)};
      },
      [](const v1::PlanRow& row) -> absl::StatusOr<v1::PublishPlanResponse> {
        v1::PublishPlanResponse response;
        if (!row.versions().empty())
          *response.mutable_plan() = row.versions(row.versions_size() - 1);
        return response;
      });
}

absl::StatusOr<v1::AssignPlanResponse> IncentivesApplication::AssignPlan(
    const CallContext& ctx, const v1::AssignPlanRequest& request) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  RETURN_IF_ERROR(RequireActor(ctx));
  {
    FieldViolations v;
    v.AddIfError("plan_id", ValidateId(request.plan_id()));
    CheckAssignees(v, "assignees", request.assignees());
    RETURN_IF_ERROR(v.ToStatus());
  }
  return Run<v1::PlanRow, v1::AssignPlanResponse>(
      ctx, request, request.request_id(), PlanStream(request.plan_id()),
      [&](const v1::PlanRow& row, absl::Time) -> absl::StatusOr<std::vector<Any>> {
        if (row.versions().empty())
          return absl::NotFoundError(absl::StrCat("no plan ", request.plan_id()));
        v1::PlanAssigned assigned;
        assigned.set_plan_id(request.plan_id());
        *assigned.mutable_assignees() = request.assignees();
        *assigned.mutable_previous_assignees() =
            row.reassigned() ? row.assignees() : row.versions(row.versions_size() - 1).assignees();
        assigned.set_assigned_by(ctx.actor);
        return std::vector<Any>{Pack(assigned)};
      },
      [](const v1::PlanRow& row) -> absl::StatusOr<v1::AssignPlanResponse> {
        v1::AssignPlanResponse response;
        *response.mutable_plan() = InfoOf(row);
        return response;
      });
}

absl::StatusOr<v1::RetirePlanResponse> IncentivesApplication::RetirePlan(
    const CallContext& ctx, const v1::RetirePlanRequest& request) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  RETURN_IF_ERROR(RequireActor(ctx));
  {
    FieldViolations v;
    v.AddIfError("plan_id", ValidateId(request.plan_id()));
    v.AddIfError("retired_from", ParseDay(request.retired_from()).status());
    CheckText(v, "reason", request.reason(), true);
    RETURN_IF_ERROR(v.ToStatus());
  }
  return Run<v1::PlanRow, v1::RetirePlanResponse>(
      ctx, request, request.request_id(), PlanStream(request.plan_id()),
      [&](const v1::PlanRow& row, absl::Time) -> absl::StatusOr<std::vector<Any>> {
        if (row.versions().empty())
          return absl::NotFoundError(absl::StrCat("no plan ", request.plan_id()));
        if (row.retired_from() == request.retired_from()) return std::vector<Any>{};
        v1::PlanRetired retired;
        retired.set_plan_id(request.plan_id());
        retired.set_retired_from(request.retired_from());
        retired.set_reason(request.reason());
        retired.set_retired_by(ctx.actor);
        return std::vector<Any>{Pack(retired)};
      },
      [](const v1::PlanRow& row) -> absl::StatusOr<v1::RetirePlanResponse> {
        v1::RetirePlanResponse response;
        *response.mutable_plan() = InfoOf(row);
        return response;
      });
}

absl::StatusOr<v1::GetPlanResponse> IncentivesApplication::GetPlan(
    const v1::GetPlanRequest& request) const {
  RETURN_IF_ERROR(InvalidFieldIfError("plan_id", ValidateId(request.plan_id())));
  RETURN_IF_ERROR(WaitForViews());
  FactQueries q(options_.views);
  using PlanRowMap = std::map<std::string, v1::PlanRow>;
  ASSIGN_OR_RETURN(const PlanRowMap* rows, q.PlanRows());
  auto it = rows->find(request.plan_id());
  if (it == rows->end()) return absl::NotFoundError(absl::StrCat("no plan ", request.plan_id()));
  const v1::PlanRow& row = it->second;
  int64_t version = request.version() == 0 ? row.versions_size() : request.version();
  if (version < 1 || version > row.versions_size()) {
    return absl::NotFoundError(
        absl::StrCat("plan ", request.plan_id(), " has no version ", version));
  }
  v1::GetPlanResponse response;
  *response.mutable_plan() = row.versions(static_cast<int>(version - 1));
  *response.mutable_info() = InfoOf(row);
  return response;
}

absl::StatusOr<v1::ListPlansResponse> IncentivesApplication::ListPlans(
    const v1::ListPlansRequest&) const {
  RETURN_IF_ERROR(WaitForViews());
  FactQueries q(options_.views);
  using PlanRowMap = std::map<std::string, v1::PlanRow>;
  ASSIGN_OR_RETURN(const PlanRowMap* rows, q.PlanRows());
  v1::ListPlansResponse response;
  for (const auto& [id, row] : *rows) *response.add_plans() = InfoOf(row);
  return response;
}

// ---------------------------------------------------------------------------------------
// Statements.

absl::StatusOr<v1::GetStatementResponse> IncentivesApplication::GetStatement(
    const v1::GetStatementRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  FactQueries q(options_.views);
  ASSIGN_OR_RETURN(const StatementKey key,
                   ParseStatementKey(q, request.rep_id(), request.period_id()));
  v1::GetStatementResponse response;
  ASSIGN_OR_RETURN(std::optional<v1::StatementView> issued, q.Issued(key.rep_id, key.period.Id()));
  if (issued.has_value()) {
    *response.mutable_statement() = *std::move(issued);
    return response;
  }
  ASSIGN_OR_RETURN(const Statement running, Running(q, key.rep_id, key.period));
  *response.mutable_statement() = RunningView(running);
  return response;
}

absl::StatusOr<v1::ListStatementsResponse> IncentivesApplication::ListStatements(
    const v1::ListStatementsRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  FactQueries q(options_.views);
  ASSIGN_OR_RETURN(const Period period, q.ParsePeriod(request.period_id(), "period_id"));
  ASSIGN_OR_RETURN(std::vector<v1::StatementView> issued, q.IssuedInPeriod(period.Id()));
  std::map<std::string, v1::StatementSummary> out;
  auto summarize = [](const v1::StatementView& v) {
    v1::StatementSummary s;
    s.set_rep_id(v.rep_id());
    s.set_period_id(v.period_id());
    s.set_status(v.status());
    s.set_plan_id(v.statement().plan_id());
    s.set_plan_version(v.statement().plan_version());
    *s.mutable_total() = v.statement().total();
    *s.mutable_payable() = v.payable();
    for (const v1::Dispute& d : v.disputes()) {
      if (d.status() == v1::DISPUTE_STATUS_OPEN) s.set_open_disputes(s.open_disputes() + 1);
    }
    return s;
  };
  for (const v1::StatementView& v : issued) out[v.rep_id()] = summarize(v);
  ASSIGN_OR_RETURN(std::vector<std::string> reps, q.AllReps());
  for (const std::string& rep : reps) {
    if (out.contains(rep)) continue;
    ASSIGN_OR_RETURN(std::optional<Plan> plan, q.ApplicablePlan(rep, period));
    if (!plan.has_value()) continue;
    absl::StatusOr<Statement> running = Running(q, rep, period);
    if (!running.ok()) {
      // A rep whose statement cannot be computed yet (no target) is listed without totals.
      v1::StatementSummary s;
      s.set_rep_id(rep);
      s.set_period_id(period.Id());
      s.set_status(v1::STATEMENT_STATUS_RUNNING);
      s.set_plan_id(plan->plan_id);
      s.set_plan_version(plan->version);
      out[rep] = s;
      continue;
    }
    out[rep] = summarize(RunningView(*running));
  }
  v1::ListStatementsResponse response;
  for (auto& [rep, s] : out) *response.add_statements() = std::move(s);
  return response;
}

absl::StatusOr<v1::IssueStatementResponse> IncentivesApplication::IssueStatement(
    const CallContext& ctx, const v1::IssueStatementRequest& request) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  RETURN_IF_ERROR(WaitForViews());
  FactQueries q(options_.views);
  ASSIGN_OR_RETURN(const StatementKey key,
                   ParseStatementKey(q, request.rep_id(), request.period_id()));
  RETURN_IF_ERROR(RequireManager(q, ctx, key.rep_id, key.period));
  ASSIGN_OR_RETURN(const OrgCalendar org, q.Org());
  return Run<v1::StatementView, v1::IssueStatementResponse>(
      ctx, request, request.request_id(), StatementStream(key.rep_id, key.period.Id()),
      [&](const v1::StatementView& view, absl::Time now) -> absl::StatusOr<std::vector<Any>> {
        if (view.version() != 0) {
          return absl::FailedPreconditionError(
              absl::StrCat("the statement of ", key.rep_id, " for ", key.period.Id(),
                           " was already issued; change it with an adjustment"));
        }
        const absl::Time closes = key.period.EndTime(org.calendar.tz);
        if (now < closes) {
          return absl::FailedPreconditionError(
              absl::StrCat("period ", key.period.Id(), " has not closed yet (it closes at ",
                           absl::FormatTime(absl::RFC3339_sec, closes, absl::UTCTimeZone()), ")"));
        }
        ASSIGN_OR_RETURN(const Statement statement, Running(q, key.rep_id, key.period));
        v1::StatementIssued issued;
        issued.set_rep_id(key.rep_id);
        issued.set_period_id(key.period.Id());
        *issued.mutable_statement() = StatementToProto(statement);
        issued.set_issued_by(ctx.actor);
        return std::vector<Any>{Pack(issued)};
      },
      [](const v1::StatementView& view) -> absl::StatusOr<v1::IssueStatementResponse> {
        v1::IssueStatementResponse response;
        *response.mutable_statement() = view;
        return response;
      });
}

absl::StatusOr<v1::ApproveStatementResponse> IncentivesApplication::ApproveStatement(
    const CallContext& ctx, const v1::ApproveStatementRequest& request) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  RETURN_IF_ERROR(WaitForViews());
  FactQueries q(options_.views);
  ASSIGN_OR_RETURN(const StatementKey key,
                   ParseStatementKey(q, request.rep_id(), request.period_id()));
  RETURN_IF_ERROR(RequireManager(q, ctx, key.rep_id, key.period));
  return Run<v1::StatementView, v1::ApproveStatementResponse>(
      ctx, request, request.request_id(), StatementStream(key.rep_id, key.period.Id()),
      [&](const v1::StatementView& view, absl::Time) -> absl::StatusOr<std::vector<Any>> {
        RETURN_IF_ERROR(RequireIssued(view));
        if (!view.approved_by().empty()) return std::vector<Any>{};
        for (const v1::Dispute& d : view.disputes()) {
          if (d.status() == v1::DISPUTE_STATUS_OPEN) {
            return absl::FailedPreconditionError(
                absl::StrCat("dispute ", d.dispute_id(), " on line ", d.line_key(),
                             " is open; accept or reject it before approving"));
          }
        }
        v1::StatementApproved approved;
        approved.set_rep_id(key.rep_id);
        approved.set_period_id(key.period.Id());
        *approved.mutable_payable() = view.payable();
        approved.set_approved_by(ctx.actor);
        return std::vector<Any>{Pack(approved)};
      },
      [](const v1::StatementView& view) -> absl::StatusOr<v1::ApproveStatementResponse> {
        v1::ApproveStatementResponse response;
        *response.mutable_statement() = view;
        return response;
      });
}

absl::StatusOr<v1::RecordPayoutResponse> IncentivesApplication::RecordPayout(
    const CallContext& ctx, const v1::RecordPayoutRequest& request) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  RETURN_IF_ERROR(WaitForViews());
  FactQueries q(options_.views);
  ASSIGN_OR_RETURN(const StatementKey key,
                   ParseStatementKey(q, request.rep_id(), request.period_id()));
  if (!request.paid_on().empty()) {
    RETURN_IF_ERROR(InvalidFieldIfError("paid_on", ParseDay(request.paid_on()).status()));
  }
  RETURN_IF_ERROR(RequireManager(q, ctx, key.rep_id, key.period));
  ASSIGN_OR_RETURN(const OrgCalendar org, q.Org());
  return Run<v1::StatementView, v1::RecordPayoutResponse>(
      ctx, request, request.request_id(), StatementStream(key.rep_id, key.period.Id()),
      [&](const v1::StatementView& view, absl::Time now) -> absl::StatusOr<std::vector<Any>> {
        RETURN_IF_ERROR(RequireIssued(view));
        if (view.approved_by().empty()) {
          return absl::FailedPreconditionError("approve the statement before recording a payout");
        }
        ASSIGN_OR_RETURN(const Currency currency,
                         Currency::Parse(view.statement().currency_code()));
        FieldViolations v;
        CheckAmount(v, "amount", request.amount(), currency, true);
        CheckText(v, "reference", request.reference(), false);
        RETURN_IF_ERROR(v.ToStatus());
        if (view.paid().minor_units() + request.amount().minor_units() >
            view.payable().minor_units()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "the payout would exceed the payable amount (payable ", view.payable().minor_units(),
              ", paid ", view.paid().minor_units(), " minor units)"));
        }
        v1::PayoutRecorded paid;
        paid.set_rep_id(key.rep_id);
        paid.set_period_id(key.period.Id());
        paid.set_payout_id(DerivedId("pay", request.request_id()));
        *paid.mutable_amount() = request.amount();
        paid.set_reference(request.reference());
        paid.set_paid_on(request.paid_on().empty()
                             ? FormatDay(absl::ToCivilDay(now, org.calendar.tz))
                             : request.paid_on());
        paid.set_recorded_by(ctx.actor);
        return std::vector<Any>{Pack(paid)};
      },
      [](const v1::StatementView& view) -> absl::StatusOr<v1::RecordPayoutResponse> {
        v1::RecordPayoutResponse response;
        *response.mutable_statement() = view;
        return response;
      });
}

absl::StatusOr<v1::AddAdjustmentResponse> IncentivesApplication::AddAdjustment(
    const CallContext& ctx, const v1::AddAdjustmentRequest& request) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  RETURN_IF_ERROR(WaitForViews());
  FactQueries q(options_.views);
  ASSIGN_OR_RETURN(const StatementKey key,
                   ParseStatementKey(q, request.rep_id(), request.period_id()));
  RETURN_IF_ERROR(RequireManager(q, ctx, key.rep_id, key.period));
  const std::string adjustment_id = DerivedId("adj", request.request_id());
  return Run<v1::StatementView, v1::AddAdjustmentResponse>(
      ctx, request, request.request_id(), StatementStream(key.rep_id, key.period.Id()),
      [&](const v1::StatementView& view, absl::Time now) -> absl::StatusOr<std::vector<Any>> {
        RETURN_IF_ERROR(RequireIssued(view));
        ASSIGN_OR_RETURN(const Currency currency,
                         Currency::Parse(view.statement().currency_code()));
        FieldViolations v;
        CheckAmount(v, "amount", request.amount(), currency, false);
        CheckText(v, "reason", request.reason(), true);
        if (!request.line_key().empty()) {
          bool found = false;
          for (const v1::StatementLine& l : view.statement().lines())
            found |= l.key() == request.line_key();
          if (!found) v.Add("line_key", "is not a line of the issued statement");
        }
        RETURN_IF_ERROR(v.ToStatus());
        v1::AdjustmentAdded added;
        added.set_rep_id(key.rep_id);
        added.set_period_id(key.period.Id());
        v1::Adjustment* a = added.mutable_adjustment();
        a->set_adjustment_id(adjustment_id);
        *a->mutable_amount() = request.amount();
        a->set_reason(request.reason());
        a->set_line_key(request.line_key());
        a->set_added_by(ctx.actor);
        a->mutable_added_at()->set_seconds(absl::ToUnixSeconds(now));
        return std::vector<Any>{Pack(added)};
      },
      [&](const v1::StatementView& view) -> absl::StatusOr<v1::AddAdjustmentResponse> {
        v1::AddAdjustmentResponse response;
        *response.mutable_statement() = view;
        response.set_adjustment_id(adjustment_id);
        return response;
      });
}

absl::StatusOr<v1::DisputeLineResponse> IncentivesApplication::DisputeLine(
    const CallContext& ctx, const v1::DisputeLineRequest& request) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  RETURN_IF_ERROR(WaitForViews());
  FactQueries q(options_.views);
  ASSIGN_OR_RETURN(const StatementKey key,
                   ParseStatementKey(q, request.rep_id(), request.period_id()));
  {
    FieldViolations v;
    if (request.line_key().empty()) v.Add("line_key", "is required");
    CheckText(v, "comment", request.comment(), true);
    RETURN_IF_ERROR(v.ToStatus());
  }
  if (ctx.actor != key.rep_id) {
    return absl::PermissionDeniedError("only the rep can dispute a line of their statement");
  }
  const std::string dispute_id = DerivedId("dsp", request.request_id());
  return Run<v1::StatementView, v1::DisputeLineResponse>(
      ctx, request, request.request_id(), StatementStream(key.rep_id, key.period.Id()),
      [&](const v1::StatementView& view, absl::Time) -> absl::StatusOr<std::vector<Any>> {
        RETURN_IF_ERROR(RequireIssued(view));
        bool found = false;
        for (const v1::StatementLine& l : view.statement().lines())
          found |= l.key() == request.line_key();
        if (!found) return InvalidField("line_key", "is not a line of the issued statement");
        for (const v1::Dispute& d : view.disputes()) {
          if (d.line_key() == request.line_key() && d.status() == v1::DISPUTE_STATUS_OPEN) {
            return absl::FailedPreconditionError(absl::StrCat(
                "line ", request.line_key(), " already has open dispute ", d.dispute_id()));
          }
        }
        v1::LineDisputed disputed;
        disputed.set_rep_id(key.rep_id);
        disputed.set_period_id(key.period.Id());
        disputed.set_dispute_id(dispute_id);
        disputed.set_line_key(request.line_key());
        disputed.set_comment(request.comment());
        disputed.set_disputed_by(ctx.actor);
        return std::vector<Any>{Pack(disputed)};
      },
      [&](const v1::StatementView& view) -> absl::StatusOr<v1::DisputeLineResponse> {
        v1::DisputeLineResponse response;
        *response.mutable_statement() = view;
        response.set_dispute_id(dispute_id);
        return response;
      });
}

absl::StatusOr<v1::AcceptDisputeResponse> IncentivesApplication::AcceptDispute(
    const CallContext& ctx, const v1::AcceptDisputeRequest& request) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  RETURN_IF_ERROR(WaitForViews());
  FactQueries q(options_.views);
  ASSIGN_OR_RETURN(const StatementKey key,
                   ParseStatementKey(q, request.rep_id(), request.period_id()));
  RETURN_IF_ERROR(InvalidFieldIfError("dispute_id", ValidateId(request.dispute_id())));
  RETURN_IF_ERROR(RequireManager(q, ctx, key.rep_id, key.period));
  return Run<v1::StatementView, v1::AcceptDisputeResponse>(
      ctx, request, request.request_id(), StatementStream(key.rep_id, key.period.Id()),
      [&](const v1::StatementView& view, absl::Time now) -> absl::StatusOr<std::vector<Any>> {
        RETURN_IF_ERROR(RequireIssued(view));
        const v1::Dispute* d = FindDispute(view, request.dispute_id());
        if (d == nullptr)
          return absl::NotFoundError(absl::StrCat("no dispute ", request.dispute_id()));
        if (d->status() != v1::DISPUTE_STATUS_OPEN) {
          return absl::FailedPreconditionError(
              absl::StrCat("dispute ", d->dispute_id(), " is already resolved"));
        }
        ASSIGN_OR_RETURN(const Currency currency,
                         Currency::Parse(view.statement().currency_code()));
        FieldViolations v;
        CheckAmount(v, "amount", request.amount(), currency, false);
        CheckText(v, "reason", request.reason(), true);
        RETURN_IF_ERROR(v.ToStatus());
        v1::DisputeAccepted accepted;
        accepted.set_rep_id(key.rep_id);
        accepted.set_period_id(key.period.Id());
        accepted.set_dispute_id(d->dispute_id());
        v1::Adjustment* a = accepted.mutable_adjustment();
        a->set_adjustment_id(DerivedId("adj", request.request_id()));
        *a->mutable_amount() = request.amount();
        a->set_reason(request.reason());
        a->set_line_key(d->line_key());
        a->set_dispute_id(d->dispute_id());
        a->set_added_by(ctx.actor);
        a->mutable_added_at()->set_seconds(absl::ToUnixSeconds(now));
        accepted.set_accepted_by(ctx.actor);
        return std::vector<Any>{Pack(accepted)};
      },
      [](const v1::StatementView& view) -> absl::StatusOr<v1::AcceptDisputeResponse> {
        v1::AcceptDisputeResponse response;
        *response.mutable_statement() = view;
        return response;
      });
}

absl::StatusOr<v1::RejectDisputeResponse> IncentivesApplication::RejectDispute(
    const CallContext& ctx, const v1::RejectDisputeRequest& request) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  RETURN_IF_ERROR(WaitForViews());
  FactQueries q(options_.views);
  ASSIGN_OR_RETURN(const StatementKey key,
                   ParseStatementKey(q, request.rep_id(), request.period_id()));
  {
    FieldViolations v;
    v.AddIfError("dispute_id", ValidateId(request.dispute_id()));
    CheckText(v, "reason", request.reason(), true);
    RETURN_IF_ERROR(v.ToStatus());
  }
  RETURN_IF_ERROR(RequireManager(q, ctx, key.rep_id, key.period));
  return Run<v1::StatementView, v1::RejectDisputeResponse>(
      ctx, request, request.request_id(), StatementStream(key.rep_id, key.period.Id()),
      [&](const v1::StatementView& view, absl::Time) -> absl::StatusOr<std::vector<Any>> {
        RETURN_IF_ERROR(RequireIssued(view));
        const v1::Dispute* d = FindDispute(view, request.dispute_id());
        if (d == nullptr)
          return absl::NotFoundError(absl::StrCat("no dispute ", request.dispute_id()));
        if (d->status() != v1::DISPUTE_STATUS_OPEN) {
          return absl::FailedPreconditionError(
              absl::StrCat("dispute ", d->dispute_id(), " is already resolved"));
        }
        v1::DisputeRejected rejected;
        rejected.set_rep_id(key.rep_id);
        rejected.set_period_id(key.period.Id());
        rejected.set_dispute_id(d->dispute_id());
        rejected.set_reason(request.reason());
        rejected.set_rejected_by(ctx.actor);
        return std::vector<Any>{Pack(rejected)};
      },
      [](const v1::StatementView& view) -> absl::StatusOr<v1::RejectDisputeResponse> {
        v1::RejectDisputeResponse response;
        *response.mutable_statement() = view;
        return response;
      });
}

absl::StatusOr<v1::RecalculateStatementResponse> IncentivesApplication::RecalculateStatement(
    const v1::RecalculateStatementRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  FactQueries q(options_.views);
  ASSIGN_OR_RETURN(const StatementKey key,
                   ParseStatementKey(q, request.rep_id(), request.period_id()));
  if (!request.plan_id().empty()) {
    RETURN_IF_ERROR(InvalidFieldIfError("plan_id", ValidateId(request.plan_id())));
  }
  if (request.plan_version() < 0) return InvalidField("plan_version", "must not be negative");
  ASSIGN_OR_RETURN(std::optional<v1::StatementView> issued, q.Issued(key.rep_id, key.period.Id()));
  std::optional<Statement> before;
  if (issued.has_value()) {
    ASSIGN_OR_RETURN(before, StatementFromProto(issued->statement()));
  }
  std::optional<Plan> plan;
  std::string plan_id = request.plan_id();
  if (plan_id.empty() && before.has_value()) plan_id = before->plan_id;
  if (!plan_id.empty()) {
    int64_t version = request.plan_version();
    if (request.plan_id().empty() && version == 0 && before.has_value())
      version = before->plan_version;
    ASSIGN_OR_RETURN(plan, q.PlanVersion(plan_id, version));
  } else {
    ASSIGN_OR_RETURN(plan, q.ApplicablePlan(key.rep_id, key.period));
    if (!plan.has_value()) {
      return absl::FailedPreconditionError(
          absl::StrCat("no plan applies to ", key.rep_id, " in ", key.period.Id()));
    }
  }
  ASSIGN_OR_RETURN(const RepPeriodFacts facts, q.Facts(key.rep_id, key.period));
  ASSIGN_OR_RETURN(const Statement after, Calculate(*plan, facts));
  if (!before.has_value()) {
    ASSIGN_OR_RETURN(before, Running(q, key.rep_id, key.period));
  }
  ASSIGN_OR_RETURN(const StatementDiff diff, Diff(*before, after));
  v1::RecalculateStatementResponse response;
  response.set_issued_exists(issued.has_value());
  if (issued.has_value()) *response.mutable_issued() = issued->statement();
  *response.mutable_recalculated() = StatementToProto(after);
  for (const LineDiff& d : diff.lines) {
    v1::LineDifference* line = response.add_lines();
    line->set_key(d.key);
    if (d.before.has_value()) *line->mutable_before() = d.before->ToProto();
    if (d.after.has_value()) *line->mutable_after() = d.after->ToProto();
    *line->mutable_difference() = d.difference.ToProto();
    line->set_before_description(d.before_description);
    line->set_after_description(d.after_description);
  }
  *response.mutable_total_before() = diff.total_before.ToProto();
  *response.mutable_total_after() = diff.total_after.ToProto();
  *response.mutable_total_difference() = diff.total_difference.ToProto();
  return response;
}

absl::StatusOr<v1::WhatIfResponse> IncentivesApplication::WhatIf(
    const v1::WhatIfRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  FactQueries q(options_.views);
  ASSIGN_OR_RETURN(const Period period, q.ParsePeriod(request.period_id(), "period_id"));
  ASSIGN_OR_RETURN(const OrgCalendar org, q.Org());
  v1::Plan proposed_proto = request.proposed();
  // A proposal is judged on the period's facts: its own dates and assignees do not matter.
  if (proposed_proto.plan_id().empty()) proposed_proto.set_plan_id("proposed");
  if (proposed_proto.version() == 0) proposed_proto.set_version(1);
  proposed_proto.set_effective_from(FormatDay(period.first_day()));
  proposed_proto.clear_effective_to();
  // Assignees play no part either; the plan model requires one.
  proposed_proto.clear_assignees();
  v1::PlanAssignee* placeholder = proposed_proto.add_assignees();
  placeholder->set_kind(v1::ASSIGNEE_KIND_REP);
  placeholder->set_id("what-if");
  if (proposed_proto.currency_code().empty()) {
    proposed_proto.set_currency_code(std::string(org.currency.code()));
  }
  ASSIGN_OR_RETURN(const Plan proposed, PlanFromProto(proposed_proto, "proposed"));
  std::vector<std::string> reps(request.rep_ids().begin(), request.rep_ids().end());
  {
    FieldViolations v;
    for (size_t i = 0; i < reps.size(); ++i) {
      v.AddIfError(absl::StrCat("rep_ids[", i, "]"), ValidateId(reps[i]));
    }
    RETURN_IF_ERROR(v.ToStatus());
  }
  const bool all = reps.empty();
  if (all) {
    ASSIGN_OR_RETURN(reps, q.AllReps());
  }
  v1::WhatIfResponse response;
  std::vector<Money> current_payouts;
  std::vector<Money> proposed_payouts;
  for (const std::string& rep : reps) {
    ASSIGN_OR_RETURN(std::optional<Plan> current_plan, q.ApplicablePlan(rep, period));
    if (all && !current_plan.has_value()) continue;
    ASSIGN_OR_RETURN(const RepPeriodFacts facts, q.Facts(rep, period));
    Money current = Money::Zero(proposed.currency);
    v1::RepWhatIf* line = response.add_reps();
    line->set_rep_id(rep);
    if (current_plan.has_value()) {
      if (!(current_plan->currency == proposed.currency)) {
        return InvalidField("proposed.currency_code",
                            absl::StrCat("must be the current plans' currency ",
                                         ToAbsl(current_plan->currency.code())));
      }
      ASSIGN_OR_RETURN(const Statement s, Calculate(*current_plan, facts));
      current = s.total;
      line->set_current_plan_id(current_plan->plan_id);
      line->set_current_plan_version(current_plan->version);
    }
    ASSIGN_OR_RETURN(const Statement p, Calculate(proposed, facts));
    ASSIGN_OR_RETURN(const Money difference, p.total.Subtract(current));
    *line->mutable_current() = current.ToProto();
    *line->mutable_proposed() = p.total.ToProto();
    *line->mutable_difference() = difference.ToProto();
    current_payouts.push_back(current);
    proposed_payouts.push_back(p.total);
  }
  ASSIGN_OR_RETURN(const Spread current, ComputeSpread(proposed.currency, current_payouts));
  ASSIGN_OR_RETURN(const Spread proposed_spread,
                   ComputeSpread(proposed.currency, proposed_payouts));
  *response.mutable_current() = SpreadToProto(current);
  *response.mutable_proposed() = SpreadToProto(proposed_spread);
  ASSIGN_OR_RETURN(const Money cost, proposed_spread.total.Subtract(current.total));
  *response.mutable_cost_difference() = cost.ToProto();
  return response;
}

// ---------------------------------------------------------------------------------------
// Contests.

absl::StatusOr<v1::CreateContestResponse> IncentivesApplication::CreateContest(
    const CallContext& ctx, const v1::CreateContestRequest& request) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  RETURN_IF_ERROR(RequireActor(ctx));
  RETURN_IF_ERROR(WaitForViews());
  FactQueries q(options_.views);
  ASSIGN_OR_RETURN(const OrgCalendar org, q.Org());
  v1::Contest contest = request.contest();
  if (contest.currency_code().empty()) contest.set_currency_code(std::string(org.currency.code()));
  {
    FieldViolations v;
    v.AddIfError("contest.contest_id", ValidateId(contest.contest_id()));
    if (contest.metric() != "revenue" && contest.metric() != "deals_won") {
      v.Add("contest.metric", "must be revenue or deals_won");
    }
    const common::v1::ScopeRef& scope = contest.scope();
    if (scope.kind() == common::v1::SCOPE_KIND_UNSPECIFIED) {
      v.Add("contest.scope.kind", "must be company, region, team or rep");
    } else if (scope.kind() != common::v1::SCOPE_KIND_COMPANY) {
      v.AddIfError("contest.scope.id", ValidateId(scope.id()));
    }
    absl::StatusOr<Period> period = q.ParsePeriod(contest.period_id(), "contest.period_id");
    if (!period.ok()) {
      for (const FieldViolation& f : FieldViolationsOf(period.status()))
        v.Add(f.field, f.description);
    } else {
      contest.set_period_id(period->Id());
    }
    CheckText(v, "contest.name", contest.name(), false);
    RETURN_IF_ERROR(v.ToStatus());
  }
  // The domain contest needs a scope id even for the company.
  v1::Contest checked = contest;
  if (checked.scope().id().empty()) checked.mutable_scope()->set_id("company");
  RETURN_IF_ERROR(ContestFromProto(checked, "contest").status());
  return Run<v1::ContestRow, v1::CreateContestResponse>(
      ctx, request, request.request_id(), ContestStream(contest.contest_id()),
      [&](const v1::ContestRow& row, absl::Time) -> absl::StatusOr<std::vector<Any>> {
        if (row.version() != 0) {
          return absl::AlreadyExistsError(
              absl::StrCat("contest ", contest.contest_id(), " exists"));
        }
        v1::ContestCreated created;
        *created.mutable_contest() = contest;
        created.set_created_by(ctx.actor);
        return std::vector<Any>{Pack(created)};
      },
      [](const v1::ContestRow& row) -> absl::StatusOr<v1::CreateContestResponse> {
        v1::CreateContestResponse response;
        *response.mutable_contest() = row.contest();
        return response;
      });
}

namespace {

absl::StatusOr<std::vector<v1::Standing>> LiveStandings(FactQueries& q, const v1::Contest& proto) {
  v1::Contest checked = proto;
  if (checked.scope().id().empty()) checked.mutable_scope()->set_id("company");
  ASSIGN_OR_RETURN(const Contest contest, ContestFromProto(checked, "contest"));
  ASSIGN_OR_RETURN(std::vector<ContestEntry> entries, q.ContestEntries(proto));
  ASSIGN_OR_RETURN(std::vector<Standing> standings, ComputeStandings(contest, entries));
  std::vector<v1::Standing> out;
  for (const Standing& s : standings) out.push_back(StandingToProto(s));
  return out;
}

}  // namespace

absl::StatusOr<v1::GetContestStandingsResponse> IncentivesApplication::GetContestStandings(
    const v1::GetContestStandingsRequest& request) const {
  RETURN_IF_ERROR(InvalidFieldIfError("contest_id", ValidateId(request.contest_id())));
  RETURN_IF_ERROR(WaitForViews());
  FactQueries q(options_.views);
  ASSIGN_OR_RETURN(std::optional<v1::ContestRow> row, q.ContestRow(request.contest_id()));
  if (!row.has_value())
    return absl::NotFoundError(absl::StrCat("no contest ", request.contest_id()));
  v1::GetContestStandingsResponse response;
  *response.mutable_contest() = row->contest();
  if (row->closed()) {
    response.set_status(v1::CONTEST_STATUS_CLOSED);
    *response.mutable_standings() = row->standings();
    return response;
  }
  response.set_status(v1::CONTEST_STATUS_OPEN);
  ASSIGN_OR_RETURN(std::vector<v1::Standing> standings, LiveStandings(q, row->contest()));
  for (v1::Standing& s : standings) *response.add_standings() = std::move(s);
  return response;
}

absl::StatusOr<v1::CloseContestResponse> IncentivesApplication::CloseContest(
    const CallContext& ctx, const v1::CloseContestRequest& request) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  RETURN_IF_ERROR(InvalidFieldIfError("contest_id", ValidateId(request.contest_id())));
  RETURN_IF_ERROR(RequireActor(ctx));
  RETURN_IF_ERROR(WaitForViews());
  FactQueries q(options_.views);
  ASSIGN_OR_RETURN(const OrgCalendar org, q.Org());
  return Run<v1::ContestRow, v1::CloseContestResponse>(
      ctx, request, request.request_id(), ContestStream(request.contest_id()),
      [&](const v1::ContestRow& row, absl::Time now) -> absl::StatusOr<std::vector<Any>> {
        if (row.version() == 0)
          return absl::NotFoundError(absl::StrCat("no contest ", request.contest_id()));
        if (row.closed()) return std::vector<Any>{};
        ASSIGN_OR_RETURN(const Period period,
                         q.ParsePeriod(row.contest().period_id(), "contest_id"));
        if (now < period.EndTime(org.calendar.tz)) {
          return absl::FailedPreconditionError(
              absl::StrCat("the contest's period ", period.Id(), " has not ended"));
        }
        ASSIGN_OR_RETURN(std::vector<v1::Standing> standings, LiveStandings(q, row.contest()));
        v1::ContestClosed closed;
        closed.set_contest_id(request.contest_id());
        closed.set_period_id(period.Id());
        for (v1::Standing& s : standings) *closed.add_standings() = std::move(s);
        closed.set_closed_by(ctx.actor);
        return std::vector<Any>{Pack(closed)};
      },
      [](const v1::ContestRow& row) -> absl::StatusOr<v1::CloseContestResponse> {
        v1::CloseContestResponse response;
        *response.mutable_contest() = row.contest();
        *response.mutable_standings() = row.standings();
        return response;
      });
}

}  // namespace salesperf::incentives
