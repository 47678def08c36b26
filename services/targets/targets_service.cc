#include "services/targets/targets_service.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/bus/kafka_publisher.h"
#include "libs/bus/local_source.h"
#include "libs/common/logging.h"
#include "libs/common/status_macros.h"
#include "services/targets/projections/commit_watcher.h"
#include "services/targets/projections/target_views.h"

namespace salesperf::targets {

absl::StatusOr<std::unique_ptr<TargetsService>> TargetsService::Open(
    TargetsServiceOptions options) {
  if (options.clock == nullptr) options.clock = RealClock();
  const std::filesystem::path root = std::filesystem::path(options.data_dir) / kServiceName;
  std::error_code error;
  std::filesystem::create_directories(root, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("cannot create ", root.string(), ": ", error.message()));
  }
  std::unique_ptr<TargetsService> service(new TargetsService(options));

  eventstore::EventStoreOptions store_options;
  store_options.path = (root / "events").string();
  store_options.source = kServiceName;
  store_options.sync_every_append = options.sync_every_append;
  store_options.clock = options.clock;
  store_options.event_id_seed = options.event_id_seed;
  store_options.metrics = options.metrics;
  ASSIGN_OR_RETURN(service->store_, eventstore::RocksDbEventStore::Open(std::move(store_options)));

  ASSIGN_OR_RETURN(service->views_,
                   projection::ViewDb::Open((root / "views").string(), TargetViewNames()));
  auto watcher = std::make_unique<CommitWatcher>(std::make_unique<bus::LocalSource>(
      std::vector<eventstore::EventStore*>{service->store_.get()}));
  std::shared_ptr<const CommitWatcher::State> commits = watcher->state();
  projection::ProjectionOptions projection_options;
  projection_options.name = kServiceName;
  projection_options.clock = options.clock;
  projection_options.registry = options.metrics;
  ASSIGN_OR_RETURN(service->runner_,
                   projection::ProjectionRunner::Create(service->views_.get(), std::move(watcher),
                                                        NewTargetViews(), projection_options));

  TargetsApplicationOptions app_options;
  app_options.store = service->store_.get();
  app_options.views = service->views_.get();
  app_options.commits = std::move(commits);
  app_options.clock = options.clock;
  app_options.view_wait_timeout = options.view_wait_timeout;
  ASSIGN_OR_RETURN(service->application_, TargetsApplication::Create(std::move(app_options)));
  service->grpc_service_ = std::make_unique<TargetsGrpcService>(
      service->application_.get(),
      TargetsGrpcServiceOptions{options.authenticator, options.actor_from_metadata});

  if (!options.kafka_brokers.empty()) {
    service->cursors_ = std::make_unique<bus::FileCursorStore>((root / "outbox.cursor").string());
    bus::OutboxRelayOptions relay_options;
    relay_options.registry = options.metrics;
    const std::string brokers = options.kafka_brokers;
    service->relay_ = std::make_unique<bus::OutboxRelay>(
        service->store_.get(),
        [brokers](bus::DeliveryCallback on_delivery) -> absl::StatusOr<bus::PublisherPtr> {
          bus::KafkaPublisherOptions publisher_options;
          publisher_options.bootstrap_servers = brokers;
          publisher_options.client_id = "salesperf-targets";
          ASSIGN_OR_RETURN(
              std::unique_ptr<bus::KafkaPublisher> publisher,
              bus::KafkaPublisher::Create(std::move(publisher_options), std::move(on_delivery)));
          return bus::PublisherPtr(std::move(publisher));
        },
        service->cursors_.get(), relay_options);
  }
  return service;
}

TargetsService::~TargetsService() {
  if (absl::Status s = Stop(); !s.ok()) {
    LogWarn("targets: stopping failed", {{"error", std::string(s.message())}});
  }
}

absl::Status TargetsService::Start() {
  if (started_) return absl::FailedPreconditionError("TargetsService already started");
  RETURN_IF_ERROR(runner_->Start());
  if (relay_ != nullptr) RETURN_IF_ERROR(relay_->Start());
  started_ = true;
  return absl::OkStatus();
}

absl::Status TargetsService::CatchUp(absl::Duration timeout) { return runner_->CatchUp(timeout); }

bool TargetsService::CaughtUp() const { return runner_->CaughtUp(); }

absl::Status TargetsService::Stop() {
  if (stopped_ || !started_) return absl::OkStatus();
  stopped_ = true;
  absl::Status status;
  if (relay_ != nullptr) status = relay_->Stop();
  runner_->Stop();
  return status;
}

}  // namespace salesperf::targets
