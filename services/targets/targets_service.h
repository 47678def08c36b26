// TargetsService: everything the targets service runs, wired together, for the
// standalone binary (salesperf-targets) and for salesperfd (all services in one process):
//
//   <data_dir>/targets/events   RocksDbEventStore (source "targets")
//   <data_dir>/targets/views    ViewDb with the target views, fed by a ProjectionRunner
//                               ("targets") over a LocalSource on the event store
//   <data_dir>/targets/outbox.cursor   the outbox relay's cursor (with kafka_brokers)
//   TargetsApplication + TargetsGrpcService (register grpc_service() on a libs/server Server)
//
// Lifecycle: Open (storage, org state; nothing runs) -> Start (projection loop, outbox
// relay) -> CatchUp (health may turn SERVING) -> Stop (relay flushed and stopped,
// projection stopped) -> destroy (storage closed). No globals: several instances may live
// in one process with different data directories.
//
// Thread safety: Open/Start/Stop from one owner thread; the accessors and the gRPC service
// from any thread.
#ifndef SALESPERF_SERVICES_TARGETS_TARGETS_SERVICE_H_
#define SALESPERF_SERVICES_TARGETS_TARGETS_SERVICE_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/impl/service_type.h"
#include "libs/bus/cursor_store.h"
#include "libs/bus/outbox_relay.h"
#include "libs/common/clock.h"
#include "libs/eventstore/rocksdb_event_store.h"
#include "libs/projection/runner.h"
#include "libs/projection/view_db.h"
#include "libs/server/auth.h"
#include "services/targets/app/targets_application.h"
#include "services/targets/server/targets_grpc_service.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace salesperf::targets {

// The service name: envelope source, topic salesperf.targets.events.v1, data subdirectory.
inline constexpr char kServiceName[] = "targets";

struct TargetsServiceOptions {
  // Root of every service's data; this one uses <data_dir>/targets. Default: "./data".
  std::string data_dir = "./data";
  // Time of commands, recorded_at and projection lag. Not owned. Default: nullptr
  // (RealClock()). Tests pass a FakeClock.
  Clock* clock = nullptr;
  // Where the event store, projection and relay metrics go. Not owned; must outlive the
  // service. Default: nullptr (no metrics).
  prometheus::Registry* metrics = nullptr;
  // Kafka bootstrap servers; when set, an outbox relay publishes every event to
  // salesperf.targets.events.v1. Default: "" (no Kafka).
  std::string kafka_brokers;
  // Checks gRPC callers; not owned. Default: nullptr (anonymous; see
  // TargetsGrpcServiceOptions::actor_from_metadata).
  const server::Authenticator* authenticator = nullptr;
  // See TargetsGrpcServiceOptions. Default: true.
  bool actor_from_metadata = true;
  // How long a target query waits for the views to catch up. Default: 5 s.
  absl::Duration view_wait_timeout = absl::Seconds(5);
  // fsync every event-store write. Default: false (see EventStoreOptions).
  bool sync_every_append = false;
  // Seed of the event-id generator, for reproducible tests. Default: nullopt (random).
  std::optional<uint64_t> event_id_seed;
};

class TargetsService {
 public:
  // Opens storage under <data_dir>/targets (creating it) and folds the organisation.
  // UNAVAILABLE if another process holds the databases; storage errors otherwise.
  static absl::StatusOr<std::unique_ptr<TargetsService>> Open(TargetsServiceOptions options);
  // Stops what runs, then closes storage.
  ~TargetsService();
  TargetsService(const TargetsService&) = delete;
  TargetsService& operator=(const TargetsService&) = delete;

  // Starts the projection loop and, with kafka_brokers, the outbox relay.
  absl::Status Start();
  // Waits until the views have folded every event the store held at Start (readiness).
  // DEADLINE_EXCEEDED after `timeout`.
  absl::Status CatchUp(absl::Duration timeout);
  bool CaughtUp() const;
  // Stops the relay (flushing what is in flight, saving its cursor) and the projection.
  // Idempotent. Returns the relay's error, if any.
  absl::Status Stop();

  // Register on a libs/server Server; valid for the life of this object.
  grpc::Service* grpc_service() { return grpc_service_.get(); }
  TargetsApplication& application() { return *application_; }
  eventstore::EventStore& store() { return *store_; }
  projection::ViewDb& views() { return *views_; }
  projection::ProjectionRunner& runner() { return *runner_; }
  // Null without kafka_brokers.
  bus::OutboxRelay* relay() { return relay_.get(); }

 private:
  explicit TargetsService(TargetsServiceOptions options) : options_(std::move(options)) {}

  const TargetsServiceOptions options_;
  // Destruction order matters: members below depend on the ones above.
  std::unique_ptr<eventstore::RocksDbEventStore> store_;
  std::unique_ptr<projection::ViewDb> views_;
  std::unique_ptr<projection::ProjectionRunner> runner_;
  std::unique_ptr<TargetsApplication> application_;
  std::unique_ptr<TargetsGrpcService> grpc_service_;
  std::unique_ptr<bus::CursorStore> cursors_;
  std::unique_ptr<bus::OutboxRelay> relay_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace salesperf::targets

#endif  // SALESPERF_SERVICES_TARGETS_TARGETS_SERVICE_H_
