#include "services/activity/server/activity_grpc_service.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "libs/server/status.h"
#include "libs/service/grpc_calls.h"
#include "services/activity/risk/risk_queries.h"

namespace salesperf::activity {
template <typename Req, typename Resp, typename Call>
grpc::ServerUnaryReactor* ActivityGrpcService::Serve(grpc::CallbackServerContext* context,
                                                     const Req* request, Resp* response,
                                                     Call call) {
  return service::ServeApplicationCall(context, request, response, Callers(), call);
}

#define SALESPERF_ACTIVITY_MUTATION(Method)                                                   \
  grpc::ServerUnaryReactor* ActivityGrpcService::Method(grpc::CallbackServerContext* c,       \
                                                        const v1::Method##Request* req,       \
                                                        v1::Method##Response* resp) {         \
    return Serve(c, req, resp, [this](const CallContext& ctx, const v1::Method##Request& r) { \
      return app_->Method(ctx, r);                                                            \
    });                                                                                       \
  }
#define SALESPERF_ACTIVITY_QUERY(Method)                                                  \
  grpc::ServerUnaryReactor* ActivityGrpcService::Method(grpc::CallbackServerContext* c,   \
                                                        const v1::Method##Request* req,   \
                                                        v1::Method##Response* resp) {     \
    return Serve(c, req, resp, [this](const CallContext&, const v1::Method##Request& r) { \
      return app_->Method(r);                                                             \
    });                                                                                   \
  }

SALESPERF_ACTIVITY_MUTATION(RegisterCustomer)
SALESPERF_ACTIVITY_MUTATION(ReassignCustomer)
SALESPERF_ACTIVITY_QUERY(GetCustomer)
SALESPERF_ACTIVITY_QUERY(ListCustomers)
SALESPERF_ACTIVITY_MUTATION(PlanVisit)
SALESPERF_ACTIVITY_MUTATION(RescheduleVisit)
SALESPERF_ACTIVITY_MUTATION(CancelVisit)
SALESPERF_ACTIVITY_MUTATION(CheckIn)
SALESPERF_ACTIVITY_MUTATION(CheckOut)
SALESPERF_ACTIVITY_MUTATION(RecordVisitOutcome)
SALESPERF_ACTIVITY_QUERY(GetVisit)
SALESPERF_ACTIVITY_QUERY(ListVisits)
SALESPERF_ACTIVITY_QUERY(GetCall)
SALESPERF_ACTIVITY_QUERY(ListCalls)
SALESPERF_ACTIVITY_MUTATION(CreateLead)
SALESPERF_ACTIVITY_MUTATION(DisqualifyLead)
SALESPERF_ACTIVITY_MUTATION(ConvertLead)
SALESPERF_ACTIVITY_QUERY(GetLead)
SALESPERF_ACTIVITY_QUERY(ListLeads)
SALESPERF_ACTIVITY_MUTATION(OpenDeal)
SALESPERF_ACTIVITY_MUTATION(ChangeDealStage)
SALESPERF_ACTIVITY_MUTATION(WinDeal)
SALESPERF_ACTIVITY_MUTATION(LoseDeal)
SALESPERF_ACTIVITY_MUTATION(ReopenDeal)
SALESPERF_ACTIVITY_MUTATION(CancelDeal)
SALESPERF_ACTIVITY_MUTATION(BookOrder)
SALESPERF_ACTIVITY_QUERY(GetDeal)
SALESPERF_ACTIVITY_QUERY(ListDeals)

#undef SALESPERF_ACTIVITY_MUTATION
#undef SALESPERF_ACTIVITY_QUERY

// LogCall, the hottest mutation, is finished from the store's group commit: the gRPC thread
// that received it does not wait for the write.
grpc::ServerUnaryReactor* ActivityGrpcService::LogCall(grpc::CallbackServerContext* c,
                                                       const v1::LogCallRequest* req,
                                                       v1::LogCallResponse* resp) {
  return service::ServeApplicationCallAsync(
      c, req, resp, Callers(),
      [this](const CallContext& ctx, const v1::LogCallRequest& r,
             ActivityApplication::Reply<v1::LogCallResponse> done) {
        app_->LogCallAsync(ctx, r, std::move(done));
      });
}

grpc::ServerUnaryReactor* ActivityGrpcService::ListRiskFlags(grpc::CallbackServerContext* c,
                                                             const v1::ListRiskFlagsRequest* req,
                                                             v1::ListRiskFlagsResponse* resp) {
  return Serve(
      c, req, resp,
      [this](const CallContext&,
             const v1::ListRiskFlagsRequest& r) -> absl::StatusOr<v1::ListRiskFlagsResponse> {
        if (options_.risk_queries == nullptr) {
          return absl::UnimplementedError("risk flags are not enabled");
        }
        return options_.risk_queries->ListFlags(r);
      });
}

grpc::ServerUnaryReactor* ActivityGrpcService::GetRiskFlag(grpc::CallbackServerContext* c,
                                                           const v1::GetRiskFlagRequest* req,
                                                           v1::RiskFlag* resp) {
  return Serve(
      c, req, resp,
      [this](const CallContext&, const v1::GetRiskFlagRequest& r) -> absl::StatusOr<v1::RiskFlag> {
        if (options_.risk_queries == nullptr) {
          return absl::UnimplementedError("risk flags are not enabled");
        }
        return options_.risk_queries->GetFlag(r.flag_id());
      });
}

grpc::ServerUnaryReactor* ActivityGrpcService::GetRiskRules(grpc::CallbackServerContext* c,
                                                            const v1::GetRiskRulesRequest* req,
                                                            v1::GetRiskRulesResponse* resp) {
  return Serve(c, req, resp,
               [this](const CallContext&,
                      const v1::GetRiskRulesRequest&) -> absl::StatusOr<v1::GetRiskRulesResponse> {
                 return options_.risk_rules;
               });
}

grpc::ServerUnaryReactor* ActivityGrpcService::ClearRiskFlag(grpc::CallbackServerContext* c,
                                                             const v1::ClearRiskFlagRequest* req,
                                                             v1::ClearRiskFlagResponse* resp) {
  return Serve(
      c, req, resp,
      [this](const CallContext& ctx,
             const v1::ClearRiskFlagRequest& r) -> absl::StatusOr<v1::ClearRiskFlagResponse> {
        if (options_.risk_commands == nullptr) {
          return absl::UnimplementedError("risk flags are not enabled");
        }
        v1::ClearRiskFlagRequest request = r;
        if (request.cleared_by().empty()) request.set_cleared_by(ctx.actor);
        return options_.risk_commands->ClearFlag(request);
      });
}

// One ImportCalls call: reads batches until the client half-closes.
class ActivityGrpcService::ImportReactor final
    : public grpc::ServerReadReactor<v1::ImportCallsRequest> {
 public:
  ImportReactor(ActivityGrpcService* owner, grpc::CallbackServerContext* context,
                v1::ImportCallsResponse* response)
      : service_(owner), response_(response) {
    absl::StatusOr<server::Principal> who =
        server::AuthenticateCall(context, owner->options_.authenticator);
    if (!who.ok()) {
      Finish(server::ToGrpcStatus(who.status()));
      return;
    }
    ctx_ = service::CallContextOf(*context, *who, owner->Callers());
    StartRead(&batch_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // half-closed (or cancelled): answer what was imported
      Finish(grpc::Status::OK);
      return;
    }
    if (response_->batches() == 0) report_accepted_ = batch_.report_accepted();
    absl::StatusOr<ImportBatchResult> result =
        service_->app_->ImportCallBatch(ctx_, batch_, response_->received(), report_accepted_);
    if (!result.ok()) {
      Finish(server::ToGrpcStatus(result.status()));
      return;
    }
    response_->set_received(response_->received() + batch_.records_size());
    response_->set_accepted(response_->accepted() + result->accepted);
    response_->set_duplicates(response_->duplicates() + result->duplicates);
    response_->set_invalid(response_->invalid() + result->invalid);
    response_->set_batches(response_->batches() + 1);
    for (v1::ImportCallResult& r : result->results) *response_->add_results() = std::move(r);
    batch_.Clear();
    StartRead(&batch_);
  }

  void OnDone() override { delete this; }

 private:
  ActivityGrpcService* const service_;
  v1::ImportCallsResponse* const response_;
  CallContext ctx_;
  v1::ImportCallsRequest batch_;
  bool report_accepted_ = false;
};

grpc::ServerReadReactor<v1::ImportCallsRequest>* ActivityGrpcService::ImportCalls(
    grpc::CallbackServerContext* c, v1::ImportCallsResponse* response) {
  return new ImportReactor(this, c, response);
}

}  // namespace salesperf::activity
