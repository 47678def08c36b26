// salesperf-analytics: the analytics service as its own process (RunServiceMain).
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "libs/common/config.h"
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
    using salesperf::AddFlag;
    AddFlag(app, "--on-track-bp", options->rule.on_track_bp,
            "attainment at or above this share of pace (bp) is on track");
    AddFlag(app, "--at-risk-bp", options->rule.at_risk_bp,
            "attainment below on track but at least this share of pace (bp) is at risk");
    AddFlag(app, "--stage-probability-qualified-bp", options->probabilities.qualified_bp,
            "pipeline-weighted projection: chance (bp) that a qualified deal is won");
    AddFlag(app, "--stage-probability-proposal-bp", options->probabilities.proposal_bp,
            "pipeline-weighted projection: chance (bp) that a deal at proposal is won");
    AddFlag(app, "--stage-probability-negotiation-bp", options->probabilities.negotiation_bp,
            "pipeline-weighted projection: chance (bp) that a deal in negotiation is won");
    AddFlag(app, "--projection-batch-size", options->projection_batch_size,
            "most events folded per view commit (catch-up and rebuild; 1..200000; "
            "a few KB of memory each at most)");
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
