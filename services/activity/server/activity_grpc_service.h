// ActivityGrpcService: salesperf.activity.v1.ActivityService on gRPC's callback API, a
// thin adapter: authenticate -> ActivityApplication (which validates) -> absl::Status
// converted to gRPC (field violations in grpc-status-details-bin).
//
// ImportCalls is a client-streaming reactor: each batch is handed to
// ActivityApplication::ImportCallBatch as it arrives (indexes numbered on across
// batches) and the counts and per-record results are answered when the client half-
// closes. A batch-level error (a missing request_id, an oversized batch, storage) ends
// the call with that error; the batches before it stay imported, and a retry of the
// stream with the same batch request_ids is answered from their request records.
//
// The actor of a command is the authenticated principal's subject. Without an
// authenticator (development), it is the `x-salesperf-actor` metadata value when
// `actor_from_metadata` is set, else anonymous.
//
// Thread safety: called concurrently by gRPC's callback threads.
#ifndef SALESPERF_SERVICES_ACTIVITY_SERVER_ACTIVITY_GRPC_SERVICE_H_
#define SALESPERF_SERVICES_ACTIVITY_SERVER_ACTIVITY_GRPC_SERVICE_H_

#include "libs/server/auth.h"
#include "libs/service/grpc_calls.h"
#include "salesperf/activity/v1/activity.grpc.pb.h"
#include "services/activity/app/activity_application.h"

namespace salesperf::activity {

namespace risk {
class RiskQueries;
class RiskCommands;
}  // namespace risk

using service::kActorMetadataKey;

struct ActivityGrpcServiceOptions {
  // Checks callers; not owned, must outlive the service. Default: nullptr (anonymous).
  const server::Authenticator* authenticator = nullptr;
  // Without an authenticator, take the actor from `x-salesperf-actor` metadata.
  // Default: true (development and tests).
  bool actor_from_metadata = true;
  // The risk module's queries and commands; not owned. Default: nullptr (the risk RPCs
  // answer UNIMPLEMENTED).
  const risk::RiskQueries* risk_queries = nullptr;
  risk::RiskCommands* risk_commands = nullptr;
  // What GetRiskRules answers: the thresholds in force. Default: empty.
  v1::GetRiskRulesResponse risk_rules;
};

class ActivityGrpcService final : public v1::ActivityService::CallbackService {
 public:
  // `app` is not owned and must outlive the service.
  explicit ActivityGrpcService(ActivityApplication* app, ActivityGrpcServiceOptions options = {})
      : app_(app), options_(options) {}

#define SALESPERF_ACTIVITY_UNARY(Method)                                                           \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* c, const v1::Method##Request* req, \
                                   v1::Method##Response* resp) override;
  SALESPERF_ACTIVITY_UNARY(RegisterCustomer)
  SALESPERF_ACTIVITY_UNARY(ReassignCustomer)
  SALESPERF_ACTIVITY_UNARY(GetCustomer)
  SALESPERF_ACTIVITY_UNARY(ListCustomers)
  SALESPERF_ACTIVITY_UNARY(PlanVisit)
  SALESPERF_ACTIVITY_UNARY(RescheduleVisit)
  SALESPERF_ACTIVITY_UNARY(CancelVisit)
  SALESPERF_ACTIVITY_UNARY(CheckIn)
  SALESPERF_ACTIVITY_UNARY(CheckOut)
  SALESPERF_ACTIVITY_UNARY(RecordVisitOutcome)
  SALESPERF_ACTIVITY_UNARY(GetVisit)
  SALESPERF_ACTIVITY_UNARY(ListVisits)
  SALESPERF_ACTIVITY_UNARY(LogCall)
  SALESPERF_ACTIVITY_UNARY(GetCall)
  SALESPERF_ACTIVITY_UNARY(ListCalls)
  SALESPERF_ACTIVITY_UNARY(CreateLead)
  SALESPERF_ACTIVITY_UNARY(DisqualifyLead)
  SALESPERF_ACTIVITY_UNARY(ConvertLead)
  SALESPERF_ACTIVITY_UNARY(GetLead)
  SALESPERF_ACTIVITY_UNARY(ListLeads)
  SALESPERF_ACTIVITY_UNARY(OpenDeal)
  SALESPERF_ACTIVITY_UNARY(ChangeDealStage)
  SALESPERF_ACTIVITY_UNARY(WinDeal)
  SALESPERF_ACTIVITY_UNARY(LoseDeal)
  SALESPERF_ACTIVITY_UNARY(ReopenDeal)
  SALESPERF_ACTIVITY_UNARY(CancelDeal)
  SALESPERF_ACTIVITY_UNARY(BookOrder)
  SALESPERF_ACTIVITY_UNARY(GetDeal)
  SALESPERF_ACTIVITY_UNARY(ListDeals)
  SALESPERF_ACTIVITY_UNARY(ListRiskFlags)
  SALESPERF_ACTIVITY_UNARY(ClearRiskFlag)
  SALESPERF_ACTIVITY_UNARY(GetRiskRules)
#undef SALESPERF_ACTIVITY_UNARY

  grpc::ServerUnaryReactor* GetRiskFlag(grpc::CallbackServerContext* c,
                                        const v1::GetRiskFlagRequest* req,
                                        v1::RiskFlag* resp) override;
  grpc::ServerReadReactor<v1::ImportCallsRequest>* ImportCalls(
      grpc::CallbackServerContext* c, v1::ImportCallsResponse* response) override;

 private:
  class ImportReactor;
  template <typename Req, typename Resp, typename Call>
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, const Req* request,
                                  Resp* response, Call call);
  service::CallerOptions Callers() const {
    return {options_.authenticator, options_.actor_from_metadata};
  }

  ActivityApplication* const app_;
  const ActivityGrpcServiceOptions options_;
};

}  // namespace salesperf::activity

#endif  // SALESPERF_SERVICES_ACTIVITY_SERVER_ACTIVITY_GRPC_SERVICE_H_
