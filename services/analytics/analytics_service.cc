#include "services/analytics/analytics_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/logging.h"
#include "libs/common/status_macros.h"
#include "services/analytics/projections/analytics_view.h"

namespace salesperf::analytics {

absl::StatusOr<std::unique_ptr<AnalyticsService>> AnalyticsService::Open(
    AnalyticsServiceOptions options) {
  ASSIGN_OR_RETURN(absl::TimeZone tz, LoadTimeZone(options.time_zone));
  RETURN_IF_ERROR(ValidateAttainmentOptions(options.rule, options.probabilities));
  if (options.projection_batch_size < 1 ||
      options.projection_batch_size > kMaxProjectionBatchSize) {
    return absl::InvalidArgumentError(absl::StrCat("projection batch size must be 1..",
                                                   kMaxProjectionBatchSize, ", not ",
                                                   options.projection_batch_size));
  }
  if (options.env.clock == nullptr) options.env.clock = RealClock();
  std::unique_ptr<AnalyticsService> service(new AnalyticsService(options));
  service::ServiceHostOptions host = service::HostOptionsFrom(options.env);
  host.name = kServiceName;
  host.view_names = AnalyticsViewNames();
  AnalyticsViewOptions view_options;
  view_options.time_zone = tz;
  host.make_views = [view_options] { return NewAnalyticsViews(view_options); };
  host.upstream_services = {"targets", "activity", "feedback"};
  host.projection_batch_size = options.projection_batch_size;
  ASSIGN_OR_RETURN(service->host_, service::ServiceHost::Open(std::move(host)));

  AnalyticsQueriesOptions query_options;
  query_options.views = &service->host_->views();
  query_options.clock = options.env.clock;
  query_options.time_zone = tz;
  query_options.rule = options.rule;
  query_options.probabilities = options.probabilities;
  service->queries_ = std::make_unique<AnalyticsQueries>(std::move(query_options));
  service->grpc_service_ =
      std::make_unique<AnalyticsGrpcService>(service->queries_.get(), options.env.authenticator);
  if (options.env.metrics != nullptr) {
    service->gauges_ =
        std::make_unique<BusinessGauges>(service->queries_.get(), options.env.metrics);
  }
  return service;
}

AnalyticsService::~AnalyticsService() {
  if (absl::Status s = Stop(); !s.ok()) {
    LogWarn("analytics: stopping failed", {{"error", std::string(s.message())}});
  }
}

absl::Status AnalyticsService::Start() {
  if (started_) return absl::FailedPreconditionError("AnalyticsService already started");
  RETURN_IF_ERROR(host_->Start());
  started_ = true;
  if (gauges_ != nullptr) gauge_thread_ = std::thread([this] { GaugeLoop(); });
  return absl::OkStatus();
}

absl::Status AnalyticsService::CatchUp(absl::Duration timeout) { return host_->CatchUp(timeout); }

absl::Status AnalyticsService::Stop() {
  if (stopped_ || !started_) return absl::OkStatus();
  stopped_ = true;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (gauge_thread_.joinable()) gauge_thread_.join();
  return host_->Stop();
}

void AnalyticsService::GaugeLoop() {
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    mu_.Unlock();
    if (absl::Status s = gauges_->Refresh(); !s.ok()) {
      LogWarn("analytics: refreshing the business gauges failed",
              {{"error", std::string(s.message())}});
    }
    mu_.Lock();
    // Wall-clock wait between refreshes; Stop() wakes it through the condition.
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.gauge_interval);
  }
}

}  // namespace salesperf::analytics
