// salesperf-feedback: the feedback service as its own process (libs/service
// RunServiceMain: flags with SALESPERF_* twins, gRPC on 127.0.0.1:50054, /metrics on
// 127.0.0.1:9404, SERVING once caught up, drain on SIGTERM).
#include <memory>
#include <utility>

#include "libs/common/config.h"
#include "libs/server/server.h"
#include "libs/service/hosted_service.h"
#include "services/feedback/feedback_service.h"

int main(int argc, char** argv) {
  salesperf::server::BlockShutdownSignals();  // before any thread exists
  double sweep_interval_seconds = 30;
  salesperf::service::ServiceMainSpec spec;
  spec.name = "feedback";
  spec.description = "surveys (CSAT, NPS), callbacks and complaints tied to reps (gRPC)";
  spec.default_grpc_addr = "127.0.0.1:50054";
  spec.default_metrics_addr = "127.0.0.1:9404";
  spec.add_flags = [&](CLI::App& app) {
    salesperf::AddFlag(app, "--sweep-interval-seconds", sweep_interval_seconds,
                       "Seconds between sweeps for survey expiry and complaint SLA breaches");
  };
  spec.open = [&](salesperf::service::ServiceEnvironment env)
      -> absl::StatusOr<std::unique_ptr<salesperf::service::HostedService>> {
    salesperf::feedback::FeedbackServiceOptions options;
    options.env = std::move(env);
    options.sweep_interval = absl::Seconds(sweep_interval_seconds);
    absl::StatusOr<std::unique_ptr<salesperf::feedback::FeedbackService>> service =
        salesperf::feedback::FeedbackService::Open(std::move(options));
    if (!service.ok()) return service.status();
    return std::unique_ptr<salesperf::service::HostedService>(*std::move(service));
  };
  return salesperf::service::RunServiceMain(spec, argc, argv);
}
