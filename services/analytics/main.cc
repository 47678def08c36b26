// salesperf-analytics: the analytics service as its own process (RunServiceMain).
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "libs/server/server.h"
#include "libs/service/hosted_service.h"
#include "services/analytics/analytics_service.h"

int main(int argc, char** argv) {
  salesperf::server::BlockShutdownSignals();  // before any thread exists
  auto options = std::make_shared<salesperf::analytics::AnalyticsServiceOptions>();
  salesperf::service::ServiceMainSpec spec;
  spec.name = "analytics";
  spec.description = "KPIs, attainment, leaderboards, regional views, trends and funnels";
  spec.default_grpc_addr = "127.0.0.1:50055";
  spec.default_metrics_addr = "127.0.0.1:9405";
  spec.add_flags = [options](CLI::App& app) {
    app.add_option("--time-zone", options->time_zone,
                   "IANA zone of the organisation's days (changing it needs a view rebuild)")
        ->envname("SALESPERF_TIME_ZONE");
    app.add_option("--at-risk-bp", options->rule.at_risk_bp,
                   "attainment below pace but at least this share of it (bp) is at risk")
        ->envname("SALESPERF_AT_RISK_BP");
  };
  spec.open = [options](salesperf::service::ServiceEnvironment env)
      -> absl::StatusOr<std::unique_ptr<salesperf::service::HostedService>> {
    options->env = std::move(env);
    auto service = salesperf::analytics::AnalyticsService::Open(*options);
    if (!service.ok()) return service.status();
    return std::unique_ptr<salesperf::service::HostedService>(std::move(*service));
  };
  return salesperf::service::RunServiceMain(spec, argc, argv);
}
