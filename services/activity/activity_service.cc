#include "services/activity/activity_service.h"

#include <utility>

#include "libs/common/logging.h"
#include "libs/common/status_macros.h"
#include "services/activity/projections/activity_views.h"
#include "services/activity/risk/risk_queries.h"
#include "services/activity/risk/risk_reactor.h"
#include "services/activity/risk/risk_views.h"

namespace salesperf::activity {

absl::StatusOr<std::unique_ptr<ActivityService>> ActivityService::Open(
    ActivityServiceOptions options) {
  RETURN_IF_ERROR(options.risk.Validate());
  std::unique_ptr<ActivityService> service(new ActivityService(std::move(options)));
  const ActivityServiceOptions& o = service->options_;

  service::ServiceHostOptions host = service::HostOptionsFrom(o.env);
  host.name = kServiceName;
  host.view_names = ActivityViewNames();
  for (std::string& name : risk::RiskViewNames()) host.view_names.push_back(std::move(name));
  const risk::RiskConfig risk_config = o.risk;
  host.make_views = [risk_config] {
    std::vector<projection::ViewPtr> views = NewActivityViews();
    for (projection::ViewPtr& v : risk::NewRiskViews(risk_config)) views.push_back(std::move(v));
    return views;
  };
  host.upstream_services = {"targets"};
  ASSIGN_OR_RETURN(service->host_, service::ServiceHost::Open(std::move(host)));
  service::ServiceHost* h = service->host_.get();

  ActivityApplicationOptions app;
  app.store = &h->store();
  app.views = &h->views();
  app.wait_for_views = [h](absl::Duration timeout) { return h->WaitForOwnWrites(timeout); };
  app.clock = &h->clock();
  app.check_in_threshold_meters = o.check_in_threshold_meters;
  app.view_wait_timeout = o.view_wait_timeout;
  ASSIGN_OR_RETURN(service->application_, ActivityApplication::Create(std::move(app)));

  service->risk_queries_ = std::make_unique<risk::RiskQueries>(&h->views(), o.risk.time_zone);
  service->risk_commands_ =
      std::make_unique<risk::RiskCommands>(&h->store(), service->risk_queries_.get(), &h->clock());
  risk::RiskReactorOptions reactor;
  reactor.config = o.risk;
  reactor.registry = o.env.metrics;
  service->risk_reactor_ =
      std::make_unique<risk::RiskReactor>(&h->store(), &h->views(), &h->clock(), reactor);

  ActivityGrpcServiceOptions grpc_options;
  grpc_options.authenticator = o.env.authenticator;
  grpc_options.actor_from_metadata = o.env.actor_from_metadata;
  grpc_options.risk_queries = service->risk_queries_.get();
  grpc_options.risk_commands = service->risk_commands_.get();
  *grpc_options.risk_rules.mutable_rules() = o.risk.ToProto();
  grpc_options.risk_rules.set_time_zone(o.risk.time_zone.name());
  grpc_options.risk_rules.set_max_evidence(o.risk.max_evidence);
  grpc_options.risk_rules.set_check_in_threshold_meters(o.check_in_threshold_meters);
  service->grpc_service_ =
      std::make_unique<ActivityGrpcService>(service->application_.get(), grpc_options);
  return service;
}

ActivityService::ActivityService(ActivityServiceOptions options) : options_(std::move(options)) {}

ActivityService::~ActivityService() {
  if (absl::Status s = Stop(); !s.ok()) {
    LogWarn("activity: stopping failed", {{"error", std::string(s.message())}});
  }
}

absl::Status ActivityService::Start() {
  if (started_) return absl::FailedPreconditionError("ActivityService already started");
  RETURN_IF_ERROR(host_->Start());
  if (options_.run_risk_reactor) RETURN_IF_ERROR(risk_reactor_->Start());
  started_ = true;
  return absl::OkStatus();
}

absl::Status ActivityService::CatchUp(absl::Duration timeout) { return host_->CatchUp(timeout); }

absl::Status ActivityService::Stop() {
  if (stopped_ || !started_) return absl::OkStatus();
  stopped_ = true;
  risk_reactor_->Stop();
  return host_->Stop();
}

}  // namespace salesperf::activity
