// IncentivesService: everything the incentives service runs, wired together on a
// ServiceHost, for the standalone binary (salesperf-incentives) and salesperfd:
//
//   <data_dir>/incentives/events   RocksDbEventStore (source "incentives")
//   <data_dir>/incentives/views    ViewDb with the incentive views (facts, plans,
//                                  statements, contests), folded by one ProjectionRunner
//                                  from the service's own store and the upstream
//                                  services: targets, activity, feedback (their stores
//                                  in embedded mode, their Kafka topics otherwise)
//   IncentivesApplication + IncentivesGrpcService
//
// Lifecycle and thread safety: as ServiceHost (Open -> Start -> CatchUp -> Stop).
#ifndef SALESPERF_SERVICES_INCENTIVES_INCENTIVES_SERVICE_H_
#define SALESPERF_SERVICES_INCENTIVES_INCENTIVES_SERVICE_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/service/hosted_service.h"
#include "libs/service/service_host.h"
#include "services/incentives/app/incentives_application.h"
#include "services/incentives/server/incentives_grpc_service.h"

namespace salesperf::incentives {

// The service name: envelope source, topic salesperf.incentives.events.v1, data subdirectory.
inline constexpr char kServiceName[] = "incentives";

struct IncentivesServiceOptions {
  // Data directory, clock, metrics, Kafka, upstream stores, authentication.
  service::ServiceEnvironment env;
  // How long a query or command waits for the views to catch up with the store.
  // Default: 5 s.
  absl::Duration view_wait_timeout = absl::Seconds(5);
};

class IncentivesService final : public service::HostedService {
 public:
  // Opens storage under <data_dir>/incentives. INVALID_ARGUMENT for bad options;
  // UNAVAILABLE if another process holds the databases; storage errors otherwise.
  static absl::StatusOr<std::unique_ptr<IncentivesService>> Open(IncentivesServiceOptions options);
  ~IncentivesService() override;
  IncentivesService(const IncentivesService&) = delete;
  IncentivesService& operator=(const IncentivesService&) = delete;

  absl::Status Start() override;
  absl::Status CatchUp(absl::Duration timeout) override;
  absl::Status Stop() override;
  std::vector<grpc::Service*> grpc_services() override { return {grpc_service_.get()}; }
  eventstore::EventStore& store() override { return host_->store(); }

  IncentivesApplication& application() { return *application_; }
  service::ServiceHost& host() { return *host_; }

 private:
  explicit IncentivesService(IncentivesServiceOptions options) : options_(std::move(options)) {}

  const IncentivesServiceOptions options_;
  // Destruction order matters: members below depend on the ones above.
  std::unique_ptr<service::ServiceHost> host_;
  std::unique_ptr<IncentivesApplication> application_;
  std::unique_ptr<IncentivesGrpcService> grpc_service_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace salesperf::incentives

#endif  // SALESPERF_SERVICES_INCENTIVES_INCENTIVES_SERVICE_H_
