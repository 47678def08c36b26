// ServiceHost: the storage and event plumbing every salesperf service runs on, so that a
// service's own wiring class (TargetsService, ActivityService, ...) holds only its
// application and gRPC adapter.
//
//   <data_dir>/<name>/events          RocksDbEventStore (envelope source = name)
//   <data_dir>/<name>/views           ViewDb with the service's views, folded by one
//                                     ProjectionRunner (checkpoint name = name)
//   <data_dir>/<name>/outbox.cursor   the outbox relay's cursor (with kafka_brokers)
//
// Where the projection's events come from:
//   - always the service's own event store (a LocalSource: read-your-writes without Kafka);
//   - embedded mode (salesperfd): `upstream_stores`, other services' stores in the same
//     process, tailed by the same LocalSource;
//   - distributed mode: with kafka_brokers and `upstream_services` (and no upstream
//     stores), a KafkaSource on salesperf.<service>.events.v1 of each upstream service,
//     merged with the local source. Checkpoints are per (source, partition), so a view
//     folds each upstream exactly once either way.
// With kafka_brokers, an OutboxRelay publishes the service's own events to
// salesperf.<name>.events.v1.
//
// Lifecycle: Open (storage; nothing runs) -> Start (projection loop, relay) -> CatchUp
// (readiness: views hold everything the sources had at Start) -> Stop (relay flushed,
// projection stopped) -> destroy (storage closed). No globals: several hosts may live in
// one process with different names or data directories.
//
// Thread safety: Open/Start/Stop from one owner thread; the accessors and
// WaitForOwnWrites from any thread.
#ifndef SALESPERF_LIBS_SERVICE_SERVICE_HOST_H_
#define SALESPERF_LIBS_SERVICE_SERVICE_HOST_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/bus/cursor_store.h"
#include "libs/bus/outbox_relay.h"
#include "libs/common/clock.h"
#include "libs/eventstore/rocksdb_event_store.h"
#include "libs/projection/commit_watcher.h"
#include "libs/projection/runner.h"
#include "libs/projection/view.h"
#include "libs/projection/view_db.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace salesperf::service {

// Kafka settings shared by the relay and the upstream consumer.
struct KafkaSettings {
  // Bootstrap servers "host:port,..."; empty: no Kafka. Default: "".
  std::string brokers;
  // Extra librdkafka properties for producer and consumer (security.protocol, sasl.*,
  // ssl.*). Values are never logged. Default: none.
  std::map<std::string, std::string> properties;
  // Consumer group of the upstream consumer. Default: "" (salesperf-<name>). Replicas that
  // each keep a full read model (analytics) need distinct ids.
  std::string group_id;
};

struct ServiceHostOptions {
  // Required: the service name, [a-z]+ ("activity"): envelope source, topic, data
  // subdirectory, checkpoint and metric label. Default: "" (invalid).
  std::string name;
  // Root of every service's data; this host uses <data_dir>/<name>. Default: "./data".
  std::string data_dir = "./data";
  // Names of the column families the views write (projection::ViewDb). Required.
  std::vector<std::string> view_names;
  // Builds the views the runner folds (called once by Open). Required.
  std::function<std::vector<std::unique_ptr<projection::View>>()> make_views;
  // Embedded mode: other services' event stores this service's views also fold. Not
  // owned; must outlive the host. Default: none.
  std::vector<eventstore::EventStore*> upstream_stores;
  // Distributed mode: services whose Kafka topics the views fold when kafka.brokers is
  // set and upstream_stores is empty, e.g. {"targets"}. Default: none.
  std::vector<std::string> upstream_services;
  KafkaSettings kafka;
  // Time of commands, recorded_at and lag. Not owned. Default: nullptr (RealClock()).
  Clock* clock = nullptr;
  // Where store, projection and relay metrics go. Not owned; must outlive the host.
  // Default: nullptr (no metrics).
  prometheus::Registry* metrics = nullptr;
  // fsync every event-store write. Default: false (see EventStoreOptions).
  bool sync_every_append = false;
  // Seed of the event-id generator, for reproducible tests. Default: nullopt (random).
  std::optional<uint64_t> event_id_seed;
  // Records per projection batch (ProjectionOptions::batch_size). Default: 1000.
  size_t projection_batch_size = 1000;
};

class ServiceHost {
 public:
  // Creates <data_dir>/<name>, opens the event store and the view db, builds the runner
  // and (with kafka.brokers) the relay and upstream consumer. INVALID_ARGUMENT for bad
  // options; UNAVAILABLE if another process holds the databases; storage errors otherwise.
  static absl::StatusOr<std::unique_ptr<ServiceHost>> Open(ServiceHostOptions options);
  // Stops what runs (see Stop), then closes storage.
  ~ServiceHost();
  ServiceHost(const ServiceHost&) = delete;
  ServiceHost& operator=(const ServiceHost&) = delete;

  // Starts the projection loop and the relay. FAILED_PRECONDITION when called twice.
  absl::Status Start();
  // Waits until the views hold everything the sources had at Start. DEADLINE_EXCEEDED
  // after `timeout`.
  absl::Status CatchUp(absl::Duration timeout);
  bool CaughtUp() const;
  // Stops the relay (flushing what is in flight, saving its cursor) and the projection.
  // Idempotent. Returns the relay's error, if any.
  absl::Status Stop();

  // Read-your-writes for queries: waits until the views have folded every event the
  // service's own store holds now. DEADLINE_EXCEEDED after `timeout` (the caller may
  // then answer from the views as they are, or fail UNAVAILABLE).
  absl::Status WaitForOwnWrites(absl::Duration timeout) const;

  const std::string& name() const { return options_.name; }
  // <data_dir>/<name>.
  const std::string& root() const { return root_; }
  Clock& clock() const { return *options_.clock; }
  eventstore::EventStore& store() { return *store_; }
  projection::ViewDb& views() { return *views_; }
  projection::ProjectionRunner& runner() { return *runner_; }
  // Positions the runner has committed, per partition (for finer waits than
  // WaitForOwnWrites).
  const std::shared_ptr<const projection::CommitWatcher::State>& commits() const {
    return commits_;
  }
  // Null without kafka.brokers.
  bus::OutboxRelay* relay() { return relay_.get(); }

 private:
  explicit ServiceHost(ServiceHostOptions options) : options_(std::move(options)) {}

  ServiceHostOptions options_;
  std::string root_;
  // Destruction order matters: members below depend on the ones above.
  std::unique_ptr<eventstore::RocksDbEventStore> store_;
  std::unique_ptr<projection::ViewDb> views_;
  std::shared_ptr<const projection::CommitWatcher::State> commits_;
  std::unique_ptr<projection::ProjectionRunner> runner_;
  std::unique_ptr<bus::CursorStore> cursors_;
  std::unique_ptr<bus::OutboxRelay> relay_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace salesperf::service

#endif  // SALESPERF_LIBS_SERVICE_SERVICE_HOST_H_
