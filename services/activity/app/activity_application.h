// ActivityApplication: the write side of the activity service, and the queries on top.
//
// Every mutation runs:
//   1. idempotency: EventStore::LookupRequest(request_id). The same request_id with the
//      same request (fingerprint: FNV-1a of the request's type and the request with
//      request_id cleared, serialized deterministically) returns the first response,
//      rebuilt from the streams at the versions the first append left them, and writes
//      nothing; with a different request, ALREADY_EXISTS;
//   2. load: the entity by folding its small stream ("customer-", "visit-", "call-",
//      "lead-", "deal-"), and what the decision reads besides (the visit's customer for
//      its location; the organisation's time zone and currency from the org view);
//   3. decide: the pure deciders of domain/, with `now` from the injected clock;
//   4. append with the stream's expected version, the request_id and the fingerprint
//      (ConvertLead: the lead and the new deal together, AppendMulti). On ABORTED (a
//      concurrent writer) the command is decided again, up to `append_attempts` times;
//   5. respond from the state after the append.
// Ids the client leaves empty are generated ("<kind>-" + a UUID) from a generator seeded
// by the request_id, so a concurrent retry names the same entity and the store
// deduplicates it.
//
// Calls: a call with (phone_system, external_call_id) lives on the stream named by
// ExternalCallId, so a duplicate finds its stream and writes nothing. ImportCallBatch
// validates every record on its own (a bad record is reported, never fatal to the
// batch), drops duplicates (of the store, and within the batch), and appends the rest in
// one AppendMulti with the batch's request_id: the batch is all-or-nothing and a retried
// batch is answered from its request record.
//
// External customer ids: RegisterCustomer is serialised in-process and checks the
// customers view (after it caught up with the store) for the external_id.
//
// Queries read the views after waiting until they hold every event the store had when
// the query started (read-your-writes), UNAVAILABLE if that takes over
// `view_wait_timeout`.
//
// Errors: as DESIGN.md section 3. Thread safety: every method may be called from any
// number of threads at once.
#ifndef SALESPERF_SERVICES_ACTIVITY_APP_ACTIVITY_APPLICATION_H_
#define SALESPERF_SERVICES_ACTIVITY_APP_ACTIVITY_APPLICATION_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/common/clock.h"
#include "libs/eventstore/event_store.h"
#include "libs/projection/view_db.h"
#include "libs/service/call_context.h"
#include "salesperf/activity/v1/activity.pb.h"
#include "services/activity/domain/customer.h"
#include "services/activity/domain/values.h"
#include "services/activity/projections/activity_queries.h"

namespace salesperf::activity {

// Who is calling, and what the request carried for tracing.
using CallContext = service::CallContext;

struct ActivityApplicationOptions {
  // The service's event store. Required; not owned, must outlive the application.
  eventstore::EventStore* store = nullptr;
  // The ViewDb holding the activity views (activity_views.h). Required; not owned.
  const projection::ViewDb* views = nullptr;
  // Waits until the views hold every event the store holds now (ServiceHost::
  // WaitForOwnWrites). Default: none (queries read the views as they are).
  std::function<absl::Status(absl::Duration)> wait_for_views;
  // Source of `now`. Not owned. Default: nullptr (RealClock()).
  Clock* clock = nullptr;
  // Distance from the customer's registered location within which a check-in is
  // verified (the device's accuracy may widen it: domain/geo.h). Default: 500 m.
  double check_in_threshold_meters = 500;
  // How many times a command is decided and appended when the append meets a concurrent
  // writer (ABORTED). Default: 3.
  int append_attempts = 3;
  // How long a query waits for the views. Default: 5 s.
  absl::Duration view_wait_timeout = absl::Seconds(5);
  // Most records in one ImportCalls batch. Default: 5000.
  int max_import_batch = 5000;
};

// What one ImportCalls batch did.
struct ImportBatchResult {
  int64_t accepted = 0;
  int64_t duplicates = 0;
  int64_t invalid = 0;
  // Per record that was not accepted (and every record with report_accepted), indexed
  // from `first_index`.
  std::vector<v1::ImportCallResult> results;
};

class ActivityApplication {
 public:
  // INVALID_ARGUMENT for missing options.
  static absl::StatusOr<std::unique_ptr<ActivityApplication>> Create(
      ActivityApplicationOptions options);

  // --- Customers.
  absl::StatusOr<v1::RegisterCustomerResponse> RegisterCustomer(
      const CallContext& ctx, const v1::RegisterCustomerRequest& request);
  absl::StatusOr<v1::ReassignCustomerResponse> ReassignCustomer(
      const CallContext& ctx, const v1::ReassignCustomerRequest& request);
  absl::StatusOr<v1::GetCustomerResponse> GetCustomer(const v1::GetCustomerRequest& request) const;
  absl::StatusOr<v1::ListCustomersResponse> ListCustomers(
      const v1::ListCustomersRequest& request) const;

  // --- Visits.
  absl::StatusOr<v1::PlanVisitResponse> PlanVisit(const CallContext& ctx,
                                                  const v1::PlanVisitRequest& request);
  absl::StatusOr<v1::RescheduleVisitResponse> RescheduleVisit(
      const CallContext& ctx, const v1::RescheduleVisitRequest& request);
  absl::StatusOr<v1::CancelVisitResponse> CancelVisit(const CallContext& ctx,
                                                      const v1::CancelVisitRequest& request);
  absl::StatusOr<v1::CheckInResponse> CheckIn(const CallContext& ctx,
                                              const v1::CheckInRequest& request);
  absl::StatusOr<v1::CheckOutResponse> CheckOut(const CallContext& ctx,
                                                const v1::CheckOutRequest& request);
  absl::StatusOr<v1::RecordVisitOutcomeResponse> RecordVisitOutcome(
      const CallContext& ctx, const v1::RecordVisitOutcomeRequest& request);
  absl::StatusOr<v1::GetVisitResponse> GetVisit(const v1::GetVisitRequest& request) const;
  absl::StatusOr<v1::ListVisitsResponse> ListVisits(const v1::ListVisitsRequest& request) const;

  // --- Calls.
  absl::StatusOr<v1::LogCallResponse> LogCall(const CallContext& ctx,
                                              const v1::LogCallRequest& request);
  // LogCall answering through `done` (exactly once) instead of returning: the append joins
  // the store's group commit without waiting (EventStore::AppendMultiAsync), so `done` may
  // run on the thread that writes the group, after LogCallAsync has returned. `request`
  // is only read before LogCallAsync returns. The server finishes its unary call from
  // `done`, so that no gRPC thread waits on a commit.
  template <typename Response>
  using Reply = absl::AnyInvocable<void(absl::StatusOr<Response>) &&>;
  void LogCallAsync(const CallContext& ctx, const v1::LogCallRequest& request,
                    Reply<v1::LogCallResponse> done);
  // One batch of an ImportCalls stream whose first record has index `first_index`.
  // INVALID_ARGUMENT for a missing request_id or an oversized batch (the whole batch);
  // bad records are reported in the result.
  absl::StatusOr<ImportBatchResult> ImportCallBatch(const CallContext& ctx,
                                                    const v1::ImportCallsRequest& batch,
                                                    int64_t first_index, bool report_accepted);
  absl::StatusOr<v1::GetCallResponse> GetCall(const v1::GetCallRequest& request) const;
  absl::StatusOr<v1::ListCallsResponse> ListCalls(const v1::ListCallsRequest& request) const;

  // --- Leads, deals, orders.
  absl::StatusOr<v1::CreateLeadResponse> CreateLead(const CallContext& ctx,
                                                    const v1::CreateLeadRequest& request);
  absl::StatusOr<v1::DisqualifyLeadResponse> DisqualifyLead(
      const CallContext& ctx, const v1::DisqualifyLeadRequest& request);
  absl::StatusOr<v1::ConvertLeadResponse> ConvertLead(const CallContext& ctx,
                                                      const v1::ConvertLeadRequest& request);
  absl::StatusOr<v1::GetLeadResponse> GetLead(const v1::GetLeadRequest& request) const;
  absl::StatusOr<v1::ListLeadsResponse> ListLeads(const v1::ListLeadsRequest& request) const;
  absl::StatusOr<v1::OpenDealResponse> OpenDeal(const CallContext& ctx,
                                                const v1::OpenDealRequest& request);
  absl::StatusOr<v1::ChangeDealStageResponse> ChangeDealStage(
      const CallContext& ctx, const v1::ChangeDealStageRequest& request);
  absl::StatusOr<v1::WinDealResponse> WinDeal(const CallContext& ctx,
                                              const v1::WinDealRequest& request);
  absl::StatusOr<v1::LoseDealResponse> LoseDeal(const CallContext& ctx,
                                                const v1::LoseDealRequest& request);
  absl::StatusOr<v1::ReopenDealResponse> ReopenDeal(const CallContext& ctx,
                                                    const v1::ReopenDealRequest& request);
  absl::StatusOr<v1::CancelDealResponse> CancelDeal(const CallContext& ctx,
                                                    const v1::CancelDealRequest& request);
  absl::StatusOr<v1::BookOrderResponse> BookOrder(const CallContext& ctx,
                                                  const v1::BookOrderRequest& request);
  absl::StatusOr<v1::GetDealResponse> GetDeal(const v1::GetDealRequest& request) const;
  absl::StatusOr<v1::ListDealsResponse> ListDeals(const v1::ListDealsRequest& request) const;

  const ActivityQueries& queries() const { return queries_; }

 private:
  explicit ActivityApplication(ActivityApplicationOptions options);

  // The command's context: now, actor, the organisation's zone and currency.
  absl::StatusOr<CommandMeta> Meta(const CallContext& ctx) const;
  absl::Status WaitForViews() const;
  // A call on a lead alone is attributed to the lead's customer when the lead has one: fills
  // `record`'s customer_id from the lead's stream (consistent, not the view). Unknown
  // leads, and leads without a customer, leave it empty. `known` (lead -> customer), when
  // given, spares a batch a second read of the same lead.
  absl::Status AttributeLeadCustomer(v1::CallRecord& record,
                                     std::map<std::string, std::string>* known = nullptr) const;
  // OK when `customer_id` is empty or a registered customer (its stream, not the view);
  // NOT_FOUND otherwise, so that leads and deals are never attributed to a customer that
  // does not exist. (Calls are not checked: a phone system may know a customer before it
  // is registered here.)
  absl::Status CheckCustomerRegistered(const std::string& customer_id) const;

  // A single-stream command: idempotency, load, decide, append (retrying on ABORTED),
  // respond. `respond(state, appended)` builds the response; `appended` is false when
  // the command was already satisfied (no events). `first_meta`, when the caller already
  // read it, is the first attempt's context (later attempts read a fresh one). Owns what
  // it needs, because it may outlive the caller's frame (RunAsync).
  template <typename State, typename Response>
  struct Command {
    CallContext ctx;
    std::string request_id;
    std::string stream_id;
    std::string fingerprint;
    State (*evolve)(State, const v1::ActivityEvent&) = nullptr;
    std::function<absl::StatusOr<ActivityEvents>(const State&, const CommandMeta&)> decide;
    std::function<Response(const State&, bool appended)> respond;
    absl::Time (*occurred_at)(const v1::ActivityEvent&, absl::Time now) = nullptr;
    std::optional<CommandMeta> first_meta;
    Reply<Response> done;
  };
  // Runs `command` and answers through its `done`, which may run on the thread that
  // writes the append's group (see LogCallAsync).
  template <typename State, typename Response>
  void RunAsync(std::shared_ptr<Command<State, Response>> command,
                const google::protobuf::Message& request);
  template <typename State, typename Response>
  void Attempt(std::shared_ptr<Command<State, Response>> command, int attempt, absl::Status last);
  // The response to a request_id already recorded by the store.
  template <typename State, typename Response>
  absl::StatusOr<Response> Replay(const Command<State, Response>& command,
                                  const eventstore::RequestRecord& record);
  // RunAsync, waiting for the answer. The callables may refer to the caller's frame.
  template <typename State, typename Response>
  absl::StatusOr<Response> Run(
      const CallContext& ctx, const google::protobuf::Message& request,
      const std::string& request_id, const std::string& stream_id,
      State (*evolve)(State, const v1::ActivityEvent&),
      const std::function<absl::StatusOr<ActivityEvents>(const State&, const CommandMeta&)>& decide,
      const std::function<Response(const State&, bool appended)>& respond,
      absl::Time (*occurred_at)(const v1::ActivityEvent&, absl::Time now) = nullptr,
      const CommandMeta* first_meta = nullptr);

  const ActivityApplicationOptions options_;
  const ActivityQueries queries_;
  // Serialises customer registrations (the external_id check).
  absl::Mutex register_mu_;
};

}  // namespace salesperf::activity

#endif  // SALESPERF_SERVICES_ACTIVITY_APP_ACTIVITY_APPLICATION_H_
