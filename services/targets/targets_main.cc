#include "services/targets/targets_main.h"

#include "libs/common/status_macros.h"
#include "libs/service/hosted_service.h"
#include "services/targets/targets_service.h"

namespace salesperf::targets {

int RunTargetsMain(int argc, char** argv) {
  service::ServiceMainSpec spec;
  spec.name = kServiceName;
  spec.description = "the organisation and its sales targets (gRPC)";
  spec.default_grpc_addr = "127.0.0.1:50051";
  spec.default_metrics_addr = "127.0.0.1:9401";
  spec.open = [](service::ServiceEnvironment env)
      -> absl::StatusOr<std::unique_ptr<service::HostedService>> {
    TargetsServiceOptions options;
    options.env = std::move(env);
    ASSIGN_OR_RETURN(std::unique_ptr<TargetsService> service,
                     TargetsService::Open(std::move(options)));
    return std::unique_ptr<service::HostedService>(std::move(service));
  };
  return service::RunServiceMain(spec, argc, argv);
}

}  // namespace salesperf::targets
