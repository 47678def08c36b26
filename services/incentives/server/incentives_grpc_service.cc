#include "services/incentives/server/incentives_grpc_service.h"

#include <string>
#include <utility>

#include "libs/service/grpc_calls.h"

namespace salesperf::incentives {
template <typename Req, typename Resp, typename Call>
grpc::ServerUnaryReactor* IncentivesGrpcService::Serve(grpc::CallbackServerContext* context,
                                                       const Req* request, Resp* response,
                                                       Call call) {
  return service::ServeApplicationCall(context, request, response, options_, call);
}

// Mutations take the caller; queries do not.
#define SALESPERF_INCENTIVES_MUTATION(Method)                                                 \
  grpc::ServerUnaryReactor* IncentivesGrpcService::Method(grpc::CallbackServerContext* c,     \
                                                          const v1::Method##Request* req,     \
                                                          v1::Method##Response* resp) {       \
    return Serve(c, req, resp, [this](const CallContext& ctx, const v1::Method##Request& r) { \
      return app_->Method(ctx, r);                                                            \
    });                                                                                       \
  }
#define SALESPERF_INCENTIVES_QUERY(Method)                                                \
  grpc::ServerUnaryReactor* IncentivesGrpcService::Method(grpc::CallbackServerContext* c, \
                                                          const v1::Method##Request* req, \
                                                          v1::Method##Response* resp) {   \
    return Serve(c, req, resp, [this](const CallContext&, const v1::Method##Request& r) { \
      return app_->Method(r);                                                             \
    });                                                                                   \
  }

SALESPERF_INCENTIVES_MUTATION(PublishPlan)
SALESPERF_INCENTIVES_MUTATION(AssignPlan)
SALESPERF_INCENTIVES_MUTATION(RetirePlan)
SALESPERF_INCENTIVES_QUERY(GetPlan)
SALESPERF_INCENTIVES_QUERY(ListPlans)
SALESPERF_INCENTIVES_QUERY(GetStatement)
SALESPERF_INCENTIVES_QUERY(ListStatements)
SALESPERF_INCENTIVES_MUTATION(IssueStatement)
SALESPERF_INCENTIVES_MUTATION(ApproveStatement)
SALESPERF_INCENTIVES_MUTATION(RecordPayout)
SALESPERF_INCENTIVES_MUTATION(AddAdjustment)
SALESPERF_INCENTIVES_MUTATION(DisputeLine)
SALESPERF_INCENTIVES_MUTATION(AcceptDispute)
SALESPERF_INCENTIVES_MUTATION(RejectDispute)
SALESPERF_INCENTIVES_QUERY(RecalculateStatement)
SALESPERF_INCENTIVES_QUERY(WhatIf)
SALESPERF_INCENTIVES_MUTATION(CreateContest)
SALESPERF_INCENTIVES_QUERY(GetContestStandings)
SALESPERF_INCENTIVES_MUTATION(CloseContest)

#undef SALESPERF_INCENTIVES_MUTATION
#undef SALESPERF_INCENTIVES_QUERY

}  // namespace salesperf::incentives
