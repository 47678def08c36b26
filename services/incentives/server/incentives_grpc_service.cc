#include "services/incentives/server/incentives_grpc_service.h"

#include <string>
#include <utility>

#include "libs/server/unary.h"

namespace salesperf::incentives {
namespace {

std::string MetadataValue(const grpc::CallbackServerContext* context, const char* key) {
  auto it = context->client_metadata().find(key);
  if (it == context->client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace

template <typename Req, typename Resp, typename Call>
grpc::ServerUnaryReactor* IncentivesGrpcService::Serve(grpc::CallbackServerContext* context,
                                                       const Req* request, Resp* response,
                                                       Call call) {
  return server::HandleUnary(
      context, request, response, options_.authenticator,
      [&](const server::Principal& who, const Req& req, Resp* out) -> absl::Status {
        CallContext ctx;
        ctx.actor = who.subject;
        if (options_.authenticator == nullptr && options_.actor_from_metadata) {
          ctx.actor = MetadataValue(context, kActorMetadataKey);
        }
        ctx.traceparent = MetadataValue(context, "traceparent");
        absl::StatusOr<Resp> result = call(ctx, req);
        if (!result.ok()) return result.status();
        *out = *std::move(result);
        return absl::OkStatus();
      });
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
