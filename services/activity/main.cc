// salesperf-activity: the activity service as its own process (RunServiceMain does the
// flags, logging, server, readiness and shutdown; ActivityService the rest).
#include <memory>
#include <utility>

#include "CLI/CLI.hpp"
#include "libs/common/config.h"
#include "libs/server/server.h"
#include "libs/service/hosted_service.h"
#include "services/activity/activity_service.h"

int main(int argc, char** argv) {
  salesperf::server::BlockShutdownSignals();  // before any thread exists
  auto threshold = std::make_shared<double>(500);
  salesperf::service::ServiceMainSpec spec;
  spec.name = salesperf::activity::kServiceName;
  spec.description = "customers, visits, calls, deals and 跑单 signals (gRPC)";
  spec.default_grpc_addr = "127.0.0.1:50052";
  spec.default_metrics_addr = "127.0.0.1:9402";
  spec.add_flags = [threshold](CLI::App& app) {
    salesperf::AddFlag(app, "--check-in-threshold-meters", *threshold,
                       "Distance from the customer within which a check-in is verified");
  };
  spec.open = [threshold](salesperf::service::ServiceEnvironment env)
      -> absl::StatusOr<std::unique_ptr<salesperf::service::HostedService>> {
    salesperf::activity::ActivityServiceOptions options;
    options.env = std::move(env);
    options.check_in_threshold_meters = *threshold;
    absl::StatusOr<std::unique_ptr<salesperf::activity::ActivityService>> service =
        salesperf::activity::ActivityService::Open(std::move(options));
    if (!service.ok()) return service.status();
    return std::unique_ptr<salesperf::service::HostedService>(std::move(*service));
  };
  return salesperf::service::RunServiceMain(spec, argc, argv);
}
