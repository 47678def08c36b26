#include "libs/service/service_host.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/bus/kafka_publisher.h"
#include "libs/bus/kafka_source.h"
#include "libs/bus/local_source.h"
#include "libs/bus/merged_source.h"
#include "libs/common/logging.h"
#include "libs/common/status_macros.h"

namespace salesperf::service {
namespace {

absl::Status Validate(const ServiceHostOptions& options) {
  if (options.name.empty() ||
      options.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("service name must be lower-case letters, got '", options.name, "'"));
  }
  if (options.view_names.empty() || !options.make_views) {
    return absl::InvalidArgumentError(
        absl::StrCat(options.name, ": view_names and make_views are required"));
  }
  for (const eventstore::EventStore* store : options.upstream_stores) {
    if (store == nullptr) return absl::InvalidArgumentError("null upstream store");
  }
  return absl::OkStatus();
}

// Where the views' events come from; see the header.
absl::StatusOr<projection::EventSourcePtr> MakeSource(const ServiceHostOptions& options,
                                                      eventstore::EventStore* own_store) {
  std::vector<eventstore::EventStore*> local_stores{own_store};
  local_stores.insert(local_stores.end(), options.upstream_stores.begin(),
                      options.upstream_stores.end());
  projection::EventSourcePtr local = std::make_unique<bus::LocalSource>(local_stores);
  const bool consume_kafka = !options.kafka.brokers.empty() && options.upstream_stores.empty() &&
                             !options.upstream_services.empty();
  if (!consume_kafka) return local;

  bus::KafkaSourceOptions kafka_options;
  kafka_options.brokers = options.kafka.brokers;
  kafka_options.group_id = options.kafka.group_id.empty() ? absl::StrCat("salesperf-", options.name)
                                                          : options.kafka.group_id;
  kafka_options.services = options.upstream_services;
  kafka_options.properties = options.kafka.properties;
  kafka_options.client_id = absl::StrCat("salesperf-", options.name, "-projection");
  ASSIGN_OR_RETURN(std::unique_ptr<bus::KafkaSource> kafka,
                   bus::KafkaSource::Create(std::move(kafka_options)));
  std::vector<projection::EventSourcePtr> children;
  children.push_back(std::move(local));
  children.push_back(std::move(kafka));
  return projection::EventSourcePtr(std::make_unique<bus::MergedSource>(std::move(children)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceHost>> ServiceHost::Open(ServiceHostOptions options) {
  RETURN_IF_ERROR(Validate(options));
  if (options.clock == nullptr) options.clock = RealClock();
  const std::filesystem::path root = std::filesystem::path(options.data_dir) / options.name;
  std::error_code error;
  std::filesystem::create_directories(root, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("cannot create ", root.string(), ": ", error.message()));
  }
  std::unique_ptr<ServiceHost> host(new ServiceHost(std::move(options)));
  const ServiceHostOptions& opts = host->options_;
  host->root_ = root.string();

  eventstore::EventStoreOptions store_options;
  store_options.path = (root / "events").string();
  store_options.source = opts.name;
  store_options.sync_every_append = opts.sync_every_append;
  store_options.clock = opts.clock;
  store_options.event_id_seed = opts.event_id_seed;
  store_options.metrics = opts.metrics;
  ASSIGN_OR_RETURN(host->store_, eventstore::RocksDbEventStore::Open(std::move(store_options)));

  ASSIGN_OR_RETURN(host->views_,
                   projection::ViewDb::Open((root / "views").string(), opts.view_names));
  ASSIGN_OR_RETURN(projection::EventSourcePtr source, MakeSource(opts, host->store_.get()));
  auto watcher = std::make_unique<projection::CommitWatcher>(std::move(source));
  host->commits_ = watcher->state();
  projection::ProjectionOptions projection_options;
  projection_options.name = opts.name;
  projection_options.clock = opts.clock;
  projection_options.registry = opts.metrics;
  projection_options.batch_size = opts.projection_batch_size;
  ASSIGN_OR_RETURN(host->runner_,
                   projection::ProjectionRunner::Create(host->views_.get(), std::move(watcher),
                                                        opts.make_views(), projection_options));

  if (!opts.kafka.brokers.empty()) {
    host->cursors_ = std::make_unique<bus::FileCursorStore>((root / "outbox.cursor").string());
    bus::OutboxRelayOptions relay_options;
    relay_options.registry = opts.metrics;
    const std::string brokers = opts.kafka.brokers;
    const std::string client_id = absl::StrCat("salesperf-", opts.name);
    const std::map<std::string, std::string> properties = opts.kafka.properties;
    host->relay_ = std::make_unique<bus::OutboxRelay>(
        host->store_.get(),
        [brokers, client_id,
         properties](bus::DeliveryCallback on_delivery) -> absl::StatusOr<bus::PublisherPtr> {
          bus::KafkaPublisherOptions publisher_options;
          publisher_options.bootstrap_servers = brokers;
          publisher_options.client_id = client_id;
          publisher_options.properties.assign(properties.begin(), properties.end());
          ASSIGN_OR_RETURN(
              std::unique_ptr<bus::KafkaPublisher> publisher,
              bus::KafkaPublisher::Create(std::move(publisher_options), std::move(on_delivery)));
          return bus::PublisherPtr(std::move(publisher));
        },
        host->cursors_.get(), relay_options);
  }
  return host;
}

ServiceHost::~ServiceHost() {
  if (absl::Status s = Stop(); !s.ok()) {
    LogWarn("service: stopping failed",
            {{"service", options_.name}, {"error", std::string(s.message())}});
  }
}

absl::Status ServiceHost::Start() {
  if (started_) return absl::FailedPreconditionError(options_.name + ": already started");
  RETURN_IF_ERROR(runner_->Start());
  if (relay_ != nullptr) RETURN_IF_ERROR(relay_->Start());
  started_ = true;
  return absl::OkStatus();
}

absl::Status ServiceHost::CatchUp(absl::Duration timeout) { return runner_->CatchUp(timeout); }

bool ServiceHost::CaughtUp() const { return runner_->CaughtUp(); }

absl::Status ServiceHost::Stop() {
  if (stopped_ || !started_) return absl::OkStatus();
  stopped_ = true;
  absl::Status status;
  if (relay_ != nullptr) status = relay_->Stop();
  runner_->Stop();
  return status;
}

absl::Status ServiceHost::WaitForOwnWrites(absl::Duration timeout) const {
  const uint64_t head = store_->HeadSequence();
  if (head == 0) return absl::OkStatus();
  // A LocalSource's position is the sequence: committed next position head + 1 means
  // every event up to head is in the views.
  if (!commits_->WaitForCommitted(projection::PartitionId{options_.name, 0},
                                  static_cast<int64_t>(head) + 1, timeout)) {
    return absl::DeadlineExceededError(absl::StrCat(
        options_.name, ": the read model has not caught up with event ", head, " yet"));
  }
  return absl::OkStatus();
}

}  // namespace salesperf::service
