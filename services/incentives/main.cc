// salesperf-incentives: the incentives service as its own process (RunServiceMain does
// the flags, logging, server, readiness and shutdown; IncentivesService the rest).
#include <memory>
#include <utility>

#include "libs/server/server.h"
#include "libs/service/hosted_service.h"
#include "services/incentives/incentives_service.h"

int main(int argc, char** argv) {
  salesperf::server::BlockShutdownSignals();  // before any thread exists
  salesperf::service::ServiceMainSpec spec;
  spec.name = salesperf::incentives::kServiceName;
  spec.description = "commission plans, statements, disputes and contests (gRPC)";
  spec.default_grpc_addr = "127.0.0.1:50053";
  spec.default_metrics_addr = "127.0.0.1:9403";
  spec.open = [](salesperf::service::ServiceEnvironment env)
      -> absl::StatusOr<std::unique_ptr<salesperf::service::HostedService>> {
    salesperf::incentives::IncentivesServiceOptions options;
    options.env = std::move(env);
    absl::StatusOr<std::unique_ptr<salesperf::incentives::IncentivesService>> service =
        salesperf::incentives::IncentivesService::Open(std::move(options));
    if (!service.ok()) return service.status();
    return std::unique_ptr<salesperf::service::HostedService>(std::move(*service));
  };
  return salesperf::service::RunServiceMain(spec, argc, argv);
}
