// IncentivesApplication: the write side of the incentives service, and the queries.
//
// Every mutation runs (as in the targets service):
//   1. idempotency: EventStore::LookupRequest(request_id). The same request_id with the
//      same request (fingerprint: FNV-1a of the RPC's request type and the request with
//      request_id cleared) returns the first response, rebuilt from the stream at the
//      version the first append left it, writing nothing; with a different request,
//      ALREADY_EXISTS;
//   2. load: the stream ("plan-", "statement-" or "contest-") folded from the store with
//      the Evolve functions of records.h (the same the views use);
//   3. decide, with `now` from the injected clock and the caller's actor; facts, plans and
//      the organisation come from the views (FactQueries over one snapshot);
//   4. append with the stream's expected version, the request_id and the fingerprint; a
//      concurrent writer (ABORTED) makes it decide again, up to `append_attempts` times.
//      A command that is already satisfied records its request_id and writes no event.
//   5. respond from the stream folded after the append.
// Generated ids (dispute, adjustment, payout) are derived from the request_id, so a
// retried request names the same ones.
//
// Who may do what (the actor is the authenticated subject): plan and contest changes
// need a named actor; issuing, approving, adjusting, recording payouts and resolving
// disputes need a manager of the rep (team, region or company, on the period's last
// day) other than the rep; disputing a line needs the rep. PERMISSION_DENIED otherwise.
//
// Statements: a running statement is computed on every query from the views; issuing
// freezes it into StatementIssued once the period has ended (FAILED_PRECONDITION
// before). Recalculation and what-if runs are queries and never write.
//
// Queries wait until the views hold every event the service's own store held when the
// query started (read-your-writes); upstream facts are as folded so far.
//
// Thread safety: every method may be called from any number of threads at once.
#ifndef SALESPERF_SERVICES_INCENTIVES_APP_INCENTIVES_APPLICATION_H_
#define SALESPERF_SERVICES_INCENTIVES_APP_INCENTIVES_APPLICATION_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/common/clock.h"
#include "libs/eventstore/event_store.h"
#include "libs/projection/view_db.h"
#include "libs/service/call_context.h"
#include "salesperf/incentives/v1/incentives.pb.h"

namespace salesperf::incentives {

// Who is calling, and what the request carried for tracing.
using CallContext = service::CallContext;

struct IncentivesApplicationOptions {
  // The service's event store. Required; not owned, must outlive the application.
  eventstore::EventStore* store = nullptr;
  // The ViewDb holding the incentive views (incentive_views.h). Required; not owned.
  const projection::ViewDb* views = nullptr;
  // Waits until the views hold every event of `store` (ServiceHost::WaitForOwnWrites).
  // Default: none (queries read the views as they are).
  std::function<absl::Status(absl::Duration)> wait_for_views;
  // Source of `now`. Not owned. Default: RealClock().
  Clock* clock = RealClock();
  // How many times a command is decided and appended when it meets a concurrent writer.
  // Default: 3.
  int append_attempts = 3;
  // How long a query or command waits for the views. Default: 5 s.
  absl::Duration view_wait_timeout = absl::Seconds(5);
};

class IncentivesApplication {
 public:
  // INVALID_ARGUMENT for missing options.
  static absl::StatusOr<std::unique_ptr<IncentivesApplication>> Create(
      IncentivesApplicationOptions options);

  // --- Plans.
  absl::StatusOr<v1::PublishPlanResponse> PublishPlan(const CallContext& ctx,
                                                      const v1::PublishPlanRequest& request);
  absl::StatusOr<v1::AssignPlanResponse> AssignPlan(const CallContext& ctx,
                                                    const v1::AssignPlanRequest& request);
  absl::StatusOr<v1::RetirePlanResponse> RetirePlan(const CallContext& ctx,
                                                    const v1::RetirePlanRequest& request);
  absl::StatusOr<v1::GetPlanResponse> GetPlan(const v1::GetPlanRequest& request) const;
  absl::StatusOr<v1::ListPlansResponse> ListPlans(const v1::ListPlansRequest& request) const;

  // --- Statements.
  absl::StatusOr<v1::GetStatementResponse> GetStatement(
      const v1::GetStatementRequest& request) const;
  absl::StatusOr<v1::ListStatementsResponse> ListStatements(
      const v1::ListStatementsRequest& request) const;
  absl::StatusOr<v1::IssueStatementResponse> IssueStatement(
      const CallContext& ctx, const v1::IssueStatementRequest& request);
  absl::StatusOr<v1::ApproveStatementResponse> ApproveStatement(
      const CallContext& ctx, const v1::ApproveStatementRequest& request);
  absl::StatusOr<v1::RecordPayoutResponse> RecordPayout(const CallContext& ctx,
                                                        const v1::RecordPayoutRequest& request);
  absl::StatusOr<v1::AddAdjustmentResponse> AddAdjustment(const CallContext& ctx,
                                                          const v1::AddAdjustmentRequest& request);
  absl::StatusOr<v1::DisputeLineResponse> DisputeLine(const CallContext& ctx,
                                                      const v1::DisputeLineRequest& request);
  absl::StatusOr<v1::AcceptDisputeResponse> AcceptDispute(const CallContext& ctx,
                                                          const v1::AcceptDisputeRequest& request);
  absl::StatusOr<v1::RejectDisputeResponse> RejectDispute(const CallContext& ctx,
                                                          const v1::RejectDisputeRequest& request);
  absl::StatusOr<v1::RecalculateStatementResponse> RecalculateStatement(
      const v1::RecalculateStatementRequest& request) const;
  absl::StatusOr<v1::WhatIfResponse> WhatIf(const v1::WhatIfRequest& request) const;

  // --- Contests.
  absl::StatusOr<v1::CreateContestResponse> CreateContest(const CallContext& ctx,
                                                          const v1::CreateContestRequest& request);
  absl::StatusOr<v1::GetContestStandingsResponse> GetContestStandings(
      const v1::GetContestStandingsRequest& request) const;
  absl::StatusOr<v1::CloseContestResponse> CloseContest(const CallContext& ctx,
                                                        const v1::CloseContestRequest& request);

 private:
  explicit IncentivesApplication(IncentivesApplicationOptions options)
      : options_(std::move(options)) {}

  // The generic mutation (steps 1-5 above) on one stream whose state is a `State`.
  template <typename State, typename Response, typename Decide, typename Respond>
  absl::StatusOr<Response> Run(const CallContext& ctx, const google::protobuf::Message& request,
                               const std::string& request_id, const std::string& stream,
                               Decide decide, Respond respond);
  // The stream folded up to `max_version` (0: all).
  template <typename State>
  absl::StatusOr<State> Load(const std::string& stream, uint64_t max_version) const;

  absl::Status WaitForViews() const;

  const IncentivesApplicationOptions options_;
};

}  // namespace salesperf::incentives

#endif  // SALESPERF_SERVICES_INCENTIVES_APP_INCENTIVES_APPLICATION_H_
