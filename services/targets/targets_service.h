// TargetsService: everything the targets service runs, wired together, for the
// standalone binary (salesperf-targets) and for salesperfd (all services in one process):
// a service::ServiceHost named "targets" (event store, the target views folded by a
// projection over the store, outbox relay with Kafka) plus TargetsApplication and
// TargetsGrpcService. The targets service has no upstream: it owns the organisation.
//
// Lifecycle and thread safety: as service::ServiceHost.
#ifndef SALESPERF_SERVICES_TARGETS_TARGETS_SERVICE_H_
#define SALESPERF_SERVICES_TARGETS_TARGETS_SERVICE_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/service/hosted_service.h"
#include "libs/service/service_host.h"
#include "services/targets/app/targets_application.h"
#include "services/targets/server/targets_grpc_service.h"

namespace salesperf::targets {

// The service name: envelope source, topic salesperf.targets.events.v1, data subdirectory.
inline constexpr char kServiceName[] = "targets";

struct TargetsServiceOptions {
  // Data directory, clock, metrics, Kafka, authentication (upstream_stores is ignored:
  // targets folds only its own events).
  service::ServiceEnvironment env;
  // How long a target query waits for the views to catch up. Default: 5 s.
  absl::Duration view_wait_timeout = absl::Seconds(5);
};

class TargetsService final : public service::HostedService {
 public:
  // Opens storage under <data_dir>/targets (creating it) and folds the organisation.
  // UNAVAILABLE if another process holds the databases; storage errors otherwise.
  static absl::StatusOr<std::unique_ptr<TargetsService>> Open(TargetsServiceOptions options);
  ~TargetsService() override = default;
  TargetsService(const TargetsService&) = delete;
  TargetsService& operator=(const TargetsService&) = delete;

  absl::Status Start() override { return host_->Start(); }
  absl::Status CatchUp(absl::Duration timeout) override { return host_->CatchUp(timeout); }
  bool CaughtUp() const { return host_->CaughtUp(); }
  absl::Status Stop() override { return host_->Stop(); }
  std::vector<grpc::Service*> grpc_services() override { return {grpc_service_.get()}; }
  eventstore::EventStore& store() override { return host_->store(); }

  grpc::Service* grpc_service() { return grpc_service_.get(); }
  TargetsApplication& application() { return *application_; }
  projection::ViewDb& views() { return host_->views(); }
  projection::ProjectionRunner& runner() { return host_->runner(); }
  // Null without Kafka.
  bus::OutboxRelay* relay() { return host_->relay(); }

 private:
  TargetsService() = default;

  // Destruction order matters: the application and adapter use the host's storage.
  std::unique_ptr<service::ServiceHost> host_;
  std::unique_ptr<TargetsApplication> application_;
  std::unique_ptr<TargetsGrpcService> grpc_service_;
};

}  // namespace salesperf::targets

#endif  // SALESPERF_SERVICES_TARGETS_TARGETS_SERVICE_H_
