#include "services/analytics/server/analytics_grpc_service.h"

#include <utility>

#include "libs/server/unary.h"

namespace salesperf::analytics {

#define SALESPERF_ANALYTICS_QUERY(Method)                                                     \
  grpc::ServerUnaryReactor* AnalyticsGrpcService::Method(grpc::CallbackServerContext* c,      \
                                                         const v1::Method##Request* req,      \
                                                         v1::Method##Response* resp) {        \
    return server::HandleUnary(c, req, resp, authenticator_,                                  \
                               [this](const server::Principal&, const v1::Method##Request& r, \
                                      v1::Method##Response* out) -> absl::Status {            \
                                 absl::StatusOr<v1::Method##Response> result =                \
                                     queries_->Method(r);                                     \
                                 if (!result.ok()) return result.status();                    \
                                 *out = *std::move(result);                                   \
                                 return absl::OkStatus();                                     \
                               });                                                            \
  }

SALESPERF_ANALYTICS_QUERY(GetKpis)
SALESPERF_ANALYTICS_QUERY(GetAttainment)
SALESPERF_ANALYTICS_QUERY(GetLeaderboard)
SALESPERF_ANALYTICS_QUERY(GetRegionalView)
SALESPERF_ANALYTICS_QUERY(GetTrend)
SALESPERF_ANALYTICS_QUERY(GetFunnel)

#undef SALESPERF_ANALYTICS_QUERY

}  // namespace salesperf::analytics
