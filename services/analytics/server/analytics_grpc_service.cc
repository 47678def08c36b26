#include "services/analytics/server/analytics_grpc_service.h"

#include <utility>

#include "libs/service/grpc_calls.h"

namespace salesperf::analytics {

#define SALESPERF_ANALYTICS_QUERY(Method)                                                \
  grpc::ServerUnaryReactor* AnalyticsGrpcService::Method(grpc::CallbackServerContext* c, \
                                                         const v1::Method##Request* req, \
                                                         v1::Method##Response* resp) {   \
    return service::ServeApplicationCall(                                                \
        c, req, resp, {authenticator_, /*actor_from_metadata=*/false},                   \
        [this](const service::CallContext&, const v1::Method##Request& r) {              \
          return queries_->Method(r);                                                    \
        });                                                                              \
  }

SALESPERF_ANALYTICS_QUERY(GetKpis)
SALESPERF_ANALYTICS_QUERY(GetAttainment)
SALESPERF_ANALYTICS_QUERY(GetLeaderboard)
SALESPERF_ANALYTICS_QUERY(GetRegionalView)
SALESPERF_ANALYTICS_QUERY(GetTrend)
SALESPERF_ANALYTICS_QUERY(GetFunnel)

#undef SALESPERF_ANALYTICS_QUERY

}  // namespace salesperf::analytics
