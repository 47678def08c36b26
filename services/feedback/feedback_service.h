// FeedbackService: everything the feedback service runs, wired on a ServiceHost, for
// the standalone binary (salesperf-feedback) and for salesperfd:
//
//   <data_dir>/feedback/{events,views,outbox.cursor}   (ServiceHost)
//   views: feedback, feedback_org (folded by the runner "feedback" from the own store and
//          the targets service's events: upstream stores in embedded mode, the Kafka
//          topic salesperf.targets.events.v1 in distributed mode), feedback_contacts
//          (the ContactStore, written by the application)
//   FeedbackApplication + FeedbackGrpcService + Sweeper (every sweep_interval)
//
// Lifecycle: Open (storage; nothing runs) -> Start (projection, relay, sweeper) ->
// CatchUp -> Stop (sweeper joined, relay flushed, projection stopped) -> destroy.
// Thread safety: Open/Start/Stop from one owner thread; accessors from any thread.
#ifndef SALESPERF_SERVICES_FEEDBACK_FEEDBACK_SERVICE_H_
#define SALESPERF_SERVICES_FEEDBACK_FEEDBACK_SERVICE_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/service/hosted_service.h"
#include "libs/service/service_host.h"
#include "services/feedback/app/feedback_application.h"
#include "services/feedback/app/sweeper.h"
#include "services/feedback/server/feedback_grpc_service.h"

namespace salesperf::feedback {

// Envelope source, topic salesperf.feedback.events.v1, data subdirectory.
inline constexpr char kServiceName[] = "feedback";

struct FeedbackServiceOptions {
  // Data dir, clock, metrics, Kafka, upstream stores (the targets store in salesperfd),
  // authenticator. Default: ServiceEnvironment{}.
  service::ServiceEnvironment env;
  // Complaint deadlines per severity. Default: SlaPolicy{}.
  SlaPolicy sla;
  // Real time between background sweeps; zero or negative: no background sweeper (tests
  // call application().SweepOnce). Default: 30 s.
  absl::Duration sweep_interval = absl::Seconds(30);
  // How long a query waits for the views. Default: 5 s.
  absl::Duration view_wait_timeout = absl::Seconds(5);
};

class FeedbackService final : public service::HostedService {
 public:
  // Opens storage under <data_dir>/feedback. UNAVAILABLE if another process holds it.
  static absl::StatusOr<std::unique_ptr<FeedbackService>> Open(
      const FeedbackServiceOptions& options);
  ~FeedbackService() override;
  FeedbackService(const FeedbackService&) = delete;
  FeedbackService& operator=(const FeedbackService&) = delete;

  absl::Status Start() override;
  absl::Status CatchUp(absl::Duration timeout) override;
  absl::Status Stop() override;
  std::vector<grpc::Service*> grpc_services() override { return {grpc_service_.get()}; }
  eventstore::EventStore& store() override { return host_->store(); }

  FeedbackApplication& application() { return *application_; }
  service::ServiceHost& host() { return *host_; }

 private:
  explicit FeedbackService(FeedbackServiceOptions options) : options_(std::move(options)) {}

  const FeedbackServiceOptions options_;
  // Destruction order: members below depend on the ones above.
  std::unique_ptr<service::ServiceHost> host_;
  std::unique_ptr<FeedbackApplication> application_;
  std::unique_ptr<FeedbackGrpcService> grpc_service_;
  std::unique_ptr<Sweeper> sweeper_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace salesperf::feedback

#endif  // SALESPERF_SERVICES_FEEDBACK_FEEDBACK_SERVICE_H_
