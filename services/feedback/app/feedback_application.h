// FeedbackApplication: the write side of the feedback service, its queries and the
// time-driven sweep (survey expiry, complaint SLA breaches).
//
// Every mutation runs:
//   1. idempotency: EventStore::LookupRequest(request_id). The same request_id with the
//      same request (fingerprint: FNV-1a of the RPC name and the request with request_id
//      cleared) returns the first response, rebuilt from the streams at the versions the
//      first append left them; nothing is written. A different request: ALREADY_EXISTS;
//   2. load: the aggregate folded from its stream (survey request, callback, complaint;
//      the survey definition where needed) and, for decisions that may raise an alert,
//      the rep's team manager on the day of `now` (OrgCache: the targets org events);
//   3. decide: the pure deciders of domain/ with `now` from the injected clock;
//   4. append: AppendMulti of the aggregate's stream at its expected version plus one
//      new "alert-<id>" stream per alert raised, so an alert exists exactly when its
//      cause does. On ABORTED (a concurrent writer) decide again, up to 3 times;
//   5. respond from the state after the append.
// Generated ids (survey_request_id "sr-", callback_id "cb-", complaint_id "cmp-" + UUID)
// come from a generator seeded by the request_id, so a concurrent retry names the same
// stream and the store deduplicates it.
//
// Contact data: ScheduleCallback keeps the phone in the ContactStore (never in events,
// never logged) once the callback exists; CompleteCallback deletes it.
//
// Sweep: SweepOnce(now) reads the due rows of the view (pending requests past their
// expiry, open complaints past a deadline), decides with the domain (the stream is the
// truth: a row that lags is harmless) and appends with idempotency key
// "sweep:<stream id>:<stream version>" and that version expected, so two replicas, or a
// crash and restart, never double an expiry or a breach. Sweeper events carry the
// deadline as occurred_at and actor "system:sweeper".
//
// Queries wait (up to view_wait_timeout) until the views hold every event the store had
// when the query started (read-your-writes), else UNAVAILABLE.
//
// Thread safety: every method may be called from any number of threads at once.
#ifndef SALESPERF_SERVICES_FEEDBACK_APP_FEEDBACK_APPLICATION_H_
#define SALESPERF_SERVICES_FEEDBACK_APP_FEEDBACK_APPLICATION_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/common/clock.h"
#include "libs/eventstore/event_store.h"
#include "libs/projection/commit_watcher.h"
#include "libs/projection/view_db.h"
#include "libs/service/call_context.h"
#include "salesperf/feedback/v1/feedback.pb.h"
#include "services/feedback/app/contact_store.h"
#include "services/feedback/app/org_cache.h"
#include "services/feedback/domain/feedback.h"
#include "services/feedback/projections/feedback_queries.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace salesperf::feedback {

// Who is calling, and what the request carried for tracing.
using CallContext = service::CallContext;

struct FeedbackApplicationOptions {
  // The service's event store. Required; not owned.
  eventstore::EventStore* store = nullptr;
  // The ViewDb with FeedbackViewNames(). Required; not owned.
  projection::ViewDb* views = nullptr;
  // What the projection has committed (ServiceHost::commits()). Required.
  std::shared_ptr<const projection::CommitWatcher::State> commits;
  // Source of `now`. Not owned. Default: RealClock().
  Clock* clock = nullptr;
  // Complaint deadlines per severity. Default: SlaPolicy{}.
  SlaPolicy sla;
  // Decide-and-append attempts on ABORTED. Default: 3.
  int append_attempts = 3;
  // How long a query waits for the views. Default: 5 s.
  absl::Duration view_wait_timeout = absl::Seconds(5);
  // Due rows handled per kind per SweepOnce. Default: 500.
  size_t sweep_batch = 500;
  // Where the feedback counters are registered (see FeedbackApplication). Not owned.
  // Default: nullptr (no metrics).
  prometheus::Registry* registry = nullptr;
};

// What one sweep did.
struct SweepResult {
  int surveys_expired = 0;
  int sla_breaches = 0;
  friend bool operator==(const SweepResult&, const SweepResult&) = default;
};

// Metrics (with FeedbackApplicationOptions::registry), counting what this process appended,
// never a replayed request: salesperf_feedback_alerts_raised_total{reason} (nps_detractor,
// low_csat, severe_complaint), salesperf_feedback_surveys_expired_total,
// salesperf_feedback_sla_breaches_total. No rep, customer or text in any label.
class FeedbackApplication {
 public:
  // INVALID_ARGUMENT for missing options.
  static absl::StatusOr<std::unique_ptr<FeedbackApplication>> Create(
      FeedbackApplicationOptions options);
  ~FeedbackApplication();

  // --- Surveys.
  absl::StatusOr<v1::DefineSurveyResponse> DefineSurvey(const CallContext& ctx,
                                                        const v1::DefineSurveyRequest& request);
  absl::StatusOr<v1::GetSurveyDefinitionResponse> GetSurvey(
      const v1::GetSurveyDefinitionRequest& request) const;
  absl::StatusOr<v1::SendSurveyResponse> SendSurvey(const CallContext& ctx,
                                                    const v1::SendSurveyRequest& request);
  absl::StatusOr<v1::RecordSurveyResponseResponse> RecordSurveyResponse(
      const CallContext& ctx, const v1::RecordSurveyResponseRequest& request);
  absl::StatusOr<v1::GetSurveyRequestResponse> GetSurveyRequest(
      const v1::GetSurveyRequestRequest& request) const;
  absl::StatusOr<v1::ListSurveyRequestsResponse> ListSurveyRequests(
      const v1::ListSurveyRequestsRequest& request) const;

  // --- Callbacks.
  absl::StatusOr<v1::ScheduleCallbackResponse> ScheduleCallback(
      const CallContext& ctx, const v1::ScheduleCallbackRequest& request);
  absl::StatusOr<v1::CompleteCallbackResponse> CompleteCallback(
      const CallContext& ctx, const v1::CompleteCallbackRequest& request);
  absl::StatusOr<v1::ListCallbacksResponse> ListCallbacks(
      const v1::ListCallbacksRequest& request) const;

  // --- Complaints.
  absl::StatusOr<v1::OpenComplaintResponse> OpenComplaint(const CallContext& ctx,
                                                          const v1::OpenComplaintRequest& request);
  absl::StatusOr<v1::AssignComplaintResponse> AssignComplaint(
      const CallContext& ctx, const v1::AssignComplaintRequest& request);
  absl::StatusOr<v1::RespondToComplaintResponse> RespondToComplaint(
      const CallContext& ctx, const v1::RespondToComplaintRequest& request);
  absl::StatusOr<v1::ResolveComplaintResponse> ResolveComplaint(
      const CallContext& ctx, const v1::ResolveComplaintRequest& request);
  absl::StatusOr<v1::ReopenComplaintResponse> ReopenComplaint(
      const CallContext& ctx, const v1::ReopenComplaintRequest& request);
  absl::StatusOr<v1::GetComplaintResponse> GetComplaint(
      const v1::GetComplaintRequest& request) const;
  absl::StatusOr<v1::ListComplaintsResponse> ListComplaints(
      const v1::ListComplaintsRequest& request) const;

  // --- Alerts and summary.
  absl::StatusOr<v1::ListAlertsResponse> ListAlerts(const v1::ListAlertsRequest& request) const;
  absl::StatusOr<v1::GetFeedbackSummaryResponse> GetFeedbackSummary(
      const v1::GetFeedbackSummaryRequest& request) const;

  // Expires due survey requests and records missed complaint deadlines as of `now`.
  // Safe to run concurrently with itself and with other replicas on the same store.
  absl::StatusOr<SweepResult> SweepOnce(absl::Time now);

  Clock& clock() const { return *options_.clock; }

 private:
  explicit FeedbackApplication(FeedbackApplicationOptions options);

  // Waits for the views to reflect the store's head. UNAVAILABLE on timeout.
  absl::Status WaitForViews() const;
  // The rep's team manager today, from a refreshed OrgCache ("" if unknown).
  std::string ManagerOf(const std::string& rep_id, absl::Time now);

  struct Metrics;
  // Counts what this process appended: alerts, expiries, breaches (never a replay).
  void CountAlerts(const std::vector<v1::Alert>& alerts);

  const FeedbackApplicationOptions options_;
  std::unique_ptr<Metrics> metrics_;  // null without a registry
  const FeedbackQueries queries_;
  mutable OrgCache org_;
  ContactStore contacts_;
};

}  // namespace salesperf::feedback

#endif  // SALESPERF_SERVICES_FEEDBACK_APP_FEEDBACK_APPLICATION_H_
