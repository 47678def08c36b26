#include "services/incentives/incentives_service.h"

#include <utility>

#include "libs/common/logging.h"
#include "libs/common/status_macros.h"
#include "services/incentives/projections/incentive_views.h"

namespace salesperf::incentives {

absl::StatusOr<std::unique_ptr<IncentivesService>> IncentivesService::Open(
    IncentivesServiceOptions options) {
  std::unique_ptr<IncentivesService> service(new IncentivesService(std::move(options)));
  const IncentivesServiceOptions& o = service->options_;

  service::ServiceHostOptions host = service::HostOptionsFrom(o.env);
  host.name = kServiceName;
  host.view_names = IncentiveViewNames();
  host.make_views = [] { return NewIncentiveViews(); };
  host.upstream_services = {"targets", "activity", "feedback"};
  ASSIGN_OR_RETURN(service->host_, service::ServiceHost::Open(std::move(host)));
  service::ServiceHost* h = service->host_.get();

  IncentivesApplicationOptions app;
  app.store = &h->store();
  app.views = &h->views();
  app.wait_for_views = [h](absl::Duration timeout) { return h->WaitForOwnWrites(timeout); };
  app.clock = &h->clock();
  app.view_wait_timeout = o.view_wait_timeout;
  ASSIGN_OR_RETURN(service->application_, IncentivesApplication::Create(std::move(app)));

  IncentivesGrpcServiceOptions grpc_options;
  grpc_options.authenticator = o.env.authenticator;
  grpc_options.actor_from_metadata = o.env.actor_from_metadata;
  service->grpc_service_ =
      std::make_unique<IncentivesGrpcService>(service->application_.get(), grpc_options);
  return service;
}

IncentivesService::~IncentivesService() {
  if (absl::Status s = Stop(); !s.ok()) {
    LogWarn("incentives: stopping failed", {{"error", std::string(s.message())}});
  }
}

absl::Status IncentivesService::Start() {
  if (started_) return absl::FailedPreconditionError("IncentivesService already started");
  RETURN_IF_ERROR(host_->Start());
  started_ = true;
  return absl::OkStatus();
}

absl::Status IncentivesService::CatchUp(absl::Duration timeout) { return host_->CatchUp(timeout); }

absl::Status IncentivesService::Stop() {
  if (stopped_ || !started_) return absl::OkStatus();
  stopped_ = true;
  return host_->Stop();
}

}  // namespace salesperf::incentives
