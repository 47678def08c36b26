// AnalyticsService: the analytics service wired on a ServiceHost, for the standalone
// binary (salesperf-analytics) and salesperfd:
//
//   <data_dir>/analytics/events   the host's event store (analytics writes no events of its
//                                 own; it stays empty)
//   <data_dir>/analytics/views    ViewDb with the "analytics" view, folded by the host's
//                                 runner from the upstream services: targets, activity,
//                                 feedback (local stores in salesperfd, Kafka topics
//                                 otherwise)
//   AnalyticsQueries + AnalyticsGrpcService, and BusinessGauges refreshed every
//   gauge_interval by a background thread while started.
//
// Lifecycle and thread safety: as HostedService (libs/service/hosted_service.h).
#ifndef SALESPERF_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_
#define SALESPERF_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/service/hosted_service.h"
#include "libs/service/service_host.h"
#include "services/analytics/app/analytics_queries.h"
#include "services/analytics/app/business_gauges.h"
#include "services/analytics/server/analytics_grpc_service.h"

namespace salesperf::analytics {

inline constexpr char kServiceName[] = "analytics";

struct AnalyticsServiceOptions {
  service::ServiceEnvironment env;
  // IANA zone of the organisation's days. The view buckets instants with it, so a
  // change needs a rebuild of the view. Default: "Asia/Shanghai".
  std::string time_zone = kDefaultTimeZoneName;
  // Attainment status thresholds and pipeline stage probabilities (see
  // domain/attainment.h). Defaults: on track at 100% of pace, at risk from 80%;
  // qualified 20%, proposal 40%, negotiation 60%.
  AttainmentRule rule;
  StageProbabilities probabilities;
  // How often the business gauges are recomputed (with env.metrics). Default: 15 s.
  absl::Duration gauge_interval = absl::Seconds(15);
  // Most records folded per projection batch, 1..kMaxProjectionBatchSize. The view sums a
  // batch's facts per row in memory and writes each row (and leaderboard move) once per
  // batch, so catching up and rebuilding get cheaper per event with larger batches (50000
  // folds ~1.3-1.4x as many events per CPU second as 10000: bench/README.md, session 7); a
  // live poll takes only what has arrived, so this adds no latency. Memory: up to a few KB
  // per record of the batch at most (~100-250 MB at the default; with Kafka, whose source
  // keeps the previous batch's records for reuse, up to twice that). Default: 50000.
  size_t projection_batch_size = 50'000;
};

// At a few KB per record at most, 200000 stays well inside the Helm chart's 2 GiB limit.
inline constexpr size_t kMaxProjectionBatchSize = 200'000;

class AnalyticsService final : public service::HostedService {
 public:
  // Opens the host (storage; nothing runs). INVALID_ARGUMENT for an unknown time zone;
  // the host's errors otherwise.
  static absl::StatusOr<std::unique_ptr<AnalyticsService>> Open(AnalyticsServiceOptions options);
  ~AnalyticsService() override;

  absl::Status Start() override;
  absl::Status CatchUp(absl::Duration timeout) override;
  absl::Status Stop() override;
  std::vector<grpc::Service*> grpc_services() override { return {grpc_service_.get()}; }
  eventstore::EventStore& store() override { return host_->store(); }

  const AnalyticsQueries& queries() const { return *queries_; }
  service::ServiceHost& host() { return *host_; }
  // Null without env.metrics.
  BusinessGauges* gauges() { return gauges_.get(); }

 private:
  explicit AnalyticsService(AnalyticsServiceOptions options) : options_(std::move(options)) {}
  void GaugeLoop();

  const AnalyticsServiceOptions options_;
  std::unique_ptr<service::ServiceHost> host_;
  std::unique_ptr<AnalyticsQueries> queries_;
  std::unique_ptr<AnalyticsGrpcService> grpc_service_;
  std::unique_ptr<BusinessGauges> gauges_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread gauge_thread_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace salesperf::analytics

#endif  // SALESPERF_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_
