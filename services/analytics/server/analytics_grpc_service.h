// AnalyticsGrpcService: salesperf.analytics.v1.AnalyticsService on gRPC's callback API, a
// thin adapter: authenticate (HandleUnary) -> AnalyticsQueries -> absl::Status converted
// to gRPC (field violations in grpc-status-details-bin). Every RPC is a query.
//
// Thread safety: called concurrently by gRPC's callback threads; holds no state of its own.
#ifndef SALESPERF_SERVICES_ANALYTICS_SERVER_ANALYTICS_GRPC_SERVICE_H_
#define SALESPERF_SERVICES_ANALYTICS_SERVER_ANALYTICS_GRPC_SERVICE_H_

#include "libs/server/auth.h"
#include "salesperf/analytics/v1/analytics.grpc.pb.h"
#include "services/analytics/app/analytics_queries.h"

namespace salesperf::analytics {

class AnalyticsGrpcService final : public v1::AnalyticsService::CallbackService {
 public:
  // `queries` is not owned and must outlive the service; `authenticator` may be null
  // (anonymous callers), else not owned and must outlive the service.
  AnalyticsGrpcService(const AnalyticsQueries* queries,
                       const server::Authenticator* authenticator = nullptr)
      : queries_(queries), authenticator_(authenticator) {}

  grpc::ServerUnaryReactor* GetKpis(grpc::CallbackServerContext* c, const v1::GetKpisRequest* req,
                                    v1::GetKpisResponse* resp) override;
  grpc::ServerUnaryReactor* GetAttainment(grpc::CallbackServerContext* c,
                                          const v1::GetAttainmentRequest* req,
                                          v1::GetAttainmentResponse* resp) override;
  grpc::ServerUnaryReactor* GetLeaderboard(grpc::CallbackServerContext* c,
                                           const v1::GetLeaderboardRequest* req,
                                           v1::GetLeaderboardResponse* resp) override;
  grpc::ServerUnaryReactor* GetRegionalView(grpc::CallbackServerContext* c,
                                            const v1::GetRegionalViewRequest* req,
                                            v1::GetRegionalViewResponse* resp) override;
  grpc::ServerUnaryReactor* GetTrend(grpc::CallbackServerContext* c, const v1::GetTrendRequest* req,
                                     v1::GetTrendResponse* resp) override;
  grpc::ServerUnaryReactor* GetFunnel(grpc::CallbackServerContext* c,
                                      const v1::GetFunnelRequest* req,
                                      v1::GetFunnelResponse* resp) override;

 private:
  const AnalyticsQueries* const queries_;
  const server::Authenticator* const authenticator_;
};

}  // namespace salesperf::analytics

#endif  // SALESPERF_SERVICES_ANALYTICS_SERVER_ANALYTICS_GRPC_SERVICE_H_
