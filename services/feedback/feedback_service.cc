#include "services/feedback/feedback_service.h"

#include <string>
#include <utility>

#include "libs/common/logging.h"
#include "libs/common/status_macros.h"
#include "services/feedback/projections/feedback_views.h"

namespace salesperf::feedback {

absl::StatusOr<std::unique_ptr<FeedbackService>> FeedbackService::Open(
    const FeedbackServiceOptions& options) {
  std::unique_ptr<FeedbackService> service(new FeedbackService(options));
  service::ServiceHostOptions host_options = service::HostOptionsFrom(options.env);
  host_options.name = kServiceName;
  host_options.view_names = FeedbackViewNames();
  host_options.make_views = [] { return NewFeedbackViews(); };
  // The organisation (managers for alerts, teams and regions for summaries).
  host_options.upstream_services = {"targets"};
  ASSIGN_OR_RETURN(service->host_, service::ServiceHost::Open(std::move(host_options)));

  FeedbackApplicationOptions app_options;
  app_options.store = &service->host_->store();
  app_options.views = &service->host_->views();
  app_options.commits = service->host_->commits();
  app_options.clock = &service->host_->clock();
  app_options.sla = options.sla;
  app_options.view_wait_timeout = options.view_wait_timeout;
  app_options.registry = options.env.metrics;
  ASSIGN_OR_RETURN(service->application_, FeedbackApplication::Create(std::move(app_options)));
  service->grpc_service_ = std::make_unique<FeedbackGrpcService>(
      service->application_.get(),
      FeedbackGrpcServiceOptions{options.env.authenticator, options.env.actor_from_metadata});
  if (options.sweep_interval > absl::ZeroDuration()) {
    service->sweeper_ =
        std::make_unique<Sweeper>(service->application_.get(), options.sweep_interval);
  }
  return service;
}

FeedbackService::~FeedbackService() {
  if (absl::Status s = Stop(); !s.ok()) {
    LogWarn("feedback: stopping failed", {{"error", std::string(s.message())}});
  }
}

absl::Status FeedbackService::Start() {
  if (started_) return absl::FailedPreconditionError("FeedbackService already started");
  RETURN_IF_ERROR(host_->Start());
  if (sweeper_ != nullptr) sweeper_->Start();
  started_ = true;
  return absl::OkStatus();
}

absl::Status FeedbackService::CatchUp(absl::Duration timeout) { return host_->CatchUp(timeout); }

absl::Status FeedbackService::Stop() {
  if (stopped_ || !started_) return absl::OkStatus();
  stopped_ = true;
  if (sweeper_ != nullptr) sweeper_->Stop();
  return host_->Stop();
}

}  // namespace salesperf::feedback
