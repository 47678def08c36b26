#include "services/targets/targets_service.h"

#include <utility>

#include "libs/common/status_macros.h"
#include "services/targets/projections/target_views.h"

namespace salesperf::targets {

absl::StatusOr<std::unique_ptr<TargetsService>> TargetsService::Open(
    TargetsServiceOptions options) {
  service::ServiceHostOptions host_options = service::HostOptionsFrom(options.env);
  host_options.name = kServiceName;
  host_options.upstream_stores.clear();
  host_options.view_names = TargetViewNames();
  host_options.make_views = [] { return NewTargetViews(); };
  std::unique_ptr<TargetsService> service(new TargetsService());
  ASSIGN_OR_RETURN(service->host_, service::ServiceHost::Open(std::move(host_options)));

  TargetsApplicationOptions app_options;
  app_options.store = &service->host_->store();
  app_options.views = &service->host_->views();
  app_options.commits = service->host_->commits();
  app_options.clock = &service->host_->clock();
  app_options.view_wait_timeout = options.view_wait_timeout;
  ASSIGN_OR_RETURN(service->application_, TargetsApplication::Create(std::move(app_options)));
  service->grpc_service_ = std::make_unique<TargetsGrpcService>(
      service->application_.get(),
      TargetsGrpcServiceOptions{options.env.authenticator, options.env.actor_from_metadata});
  return service;
}

}  // namespace salesperf::targets
