// ActivityService: everything the activity service runs, wired together on a ServiceHost,
// for the standalone binary (salesperf-activity) and for salesperfd:
//
//   <data_dir>/activity/events   RocksDbEventStore (source "activity")
//   <data_dir>/activity/views    ViewDb: the activity views (projections/activity_views.h)
//                                and the 跑单 risk views (risk/risk_views.h), folded by
//                                one runner from the activity store and the targets
//                                service's events (upstream: its store in salesperfd,
//                                its Kafka topic in distributed mode)
//   RiskReactor                  appends RiskFlagged / RiskFlagCleared to the store
//   ActivityApplication + ActivityGrpcService (salesperf.activity.v1.ActivityService)
//
// Lifecycle: Open (storage; nothing runs) -> Start (projection, relay, risk reactor) ->
// CatchUp (readiness) -> Stop (reactor, relay, projection) -> destroy. No globals:
// several instances may live in one process with different data directories.
//
// Thread safety: Open/Start/Stop from one owner thread; the accessors and the gRPC
// service from any thread.
#ifndef SALESPERF_SERVICES_ACTIVITY_ACTIVITY_SERVICE_H_
#define SALESPERF_SERVICES_ACTIVITY_ACTIVITY_SERVICE_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/service/hosted_service.h"
#include "libs/service/service_host.h"
#include "services/activity/app/activity_application.h"
#include "services/activity/risk/domain/risk_rules.h"
#include "services/activity/server/activity_grpc_service.h"

namespace salesperf::activity {

namespace risk {
class RiskReactor;
}  // namespace risk

// The service name: envelope source, topic salesperf.activity.events.v1, data directory.
inline constexpr char kServiceName[] = "activity";

struct ActivityServiceOptions {
  // Data directory, clock, metrics, Kafka, upstream stores, authentication.
  service::ServiceEnvironment env;
  // Distance from the customer within which a check-in is verified; the device's
  // accuracy may widen it, at most to twice this (domain/geo.h). Default: 500 m.
  double check_in_threshold_meters = 500;
  // How long a query waits for the views to catch up with the store. Default: 5 s.
  absl::Duration view_wait_timeout = absl::Seconds(5);
  // Thresholds of the 跑单 rules. Default: RiskConfig's defaults.
  risk::RiskConfig risk;
  // Run the risk reactor's background loop (tests drive it by hand). Default: true.
  bool run_risk_reactor = true;
};

class ActivityService final : public service::HostedService {
 public:
  // Opens storage under <data_dir>/activity. INVALID_ARGUMENT for bad options;
  // UNAVAILABLE if another process holds the databases; storage errors otherwise.
  static absl::StatusOr<std::unique_ptr<ActivityService>> Open(ActivityServiceOptions options);
  ~ActivityService() override;
  ActivityService(const ActivityService&) = delete;
  ActivityService& operator=(const ActivityService&) = delete;

  absl::Status Start() override;
  absl::Status CatchUp(absl::Duration timeout) override;
  absl::Status Stop() override;
  std::vector<grpc::Service*> grpc_services() override { return {grpc_service_.get()}; }
  eventstore::EventStore& store() override { return host_->store(); }

  ActivityApplication& application() { return *application_; }
  service::ServiceHost& host() { return *host_; }
  risk::RiskReactor& risk_reactor() { return *risk_reactor_; }

 private:
  explicit ActivityService(ActivityServiceOptions options);

  const ActivityServiceOptions options_;
  // Destruction order matters: members below depend on the ones above.
  std::unique_ptr<service::ServiceHost> host_;
  std::unique_ptr<ActivityApplication> application_;
  std::unique_ptr<risk::RiskQueries> risk_queries_;
  std::unique_ptr<risk::RiskCommands> risk_commands_;
  std::unique_ptr<risk::RiskReactor> risk_reactor_;
  std::unique_ptr<ActivityGrpcService> grpc_service_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace salesperf::activity

#endif  // SALESPERF_SERVICES_ACTIVITY_ACTIVITY_SERVICE_H_
