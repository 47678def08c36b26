// What a salesperf service looks like to the processes that run it: the standalone
// binaries (salesperf-<name>, through RunServiceMain) and salesperfd (all five in one
// process).
//
// A service's wiring class (e.g. activity::ActivityService) implements HostedService on
// top of a ServiceHost and is created from a ServiceEnvironment plus its own settings.
#ifndef SALESPERF_LIBS_SERVICE_HOSTED_SERVICE_H_
#define SALESPERF_LIBS_SERVICE_HOSTED_SERVICE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/common/clock.h"
#include "libs/eventstore/event_store.h"
#include "libs/service/service_host.h"

namespace CLI {
class App;
}  // namespace CLI
namespace grpc {
class Service;
}  // namespace grpc
namespace prometheus {
class Registry;
}  // namespace prometheus
namespace salesperf::server {
class Authenticator;
}  // namespace salesperf::server

namespace salesperf::service {

// What every service gets from the process that runs it.
struct ServiceEnvironment {
  // Root of every service's data. Default: "./data".
  std::string data_dir = "./data";
  // Not owned. Default: nullptr (RealClock()).
  Clock* clock = nullptr;
  // Not owned; must outlive the service. Default: nullptr (no metrics).
  prometheus::Registry* metrics = nullptr;
  // Kafka for the relay and, without upstream_stores, for upstream topics. Default: none.
  KafkaSettings kafka;
  // Embedded mode: the other services' event stores (salesperfd passes every store it
  // opened before this service). Not owned. Default: none.
  std::vector<eventstore::EventStore*> upstream_stores;
  // Checks gRPC callers; not owned. Default: nullptr (anonymous: the actor comes from
  // the x-salesperf-actor metadata when actor_from_metadata).
  const server::Authenticator* authenticator = nullptr;
  // Default: true.
  bool actor_from_metadata = true;
  // fsync every event-store write. Default: false.
  bool sync_every_append = false;
  // Seed of the event-id generator, for reproducible tests. Default: nullopt (random).
  std::optional<uint64_t> event_id_seed;
};

// Copies the environment's fields into host options (name, view names and make_views are
// left for the caller).
ServiceHostOptions HostOptionsFrom(const ServiceEnvironment& environment);

class HostedService {
 public:
  virtual ~HostedService() = default;
  // Starts projections, relays and background work.
  virtual absl::Status Start() = 0;
  // Readiness: DEADLINE_EXCEEDED if the read models did not catch up within `timeout`.
  virtual absl::Status CatchUp(absl::Duration timeout) = 0;
  // Stops background work; idempotent.
  virtual absl::Status Stop() = 0;
  // The gRPC services to register; valid for the life of this object.
  virtual std::vector<grpc::Service*> grpc_services() = 0;
  // The service's own event store (salesperfd hands it to later services as upstream).
  virtual eventstore::EventStore& store() = 0;
};

// How a standalone binary differs from the others.
struct ServiceMainSpec {
  // "activity": the binary is salesperf-activity.
  std::string name;
  // One line for --help.
  std::string description;
  // Defaults per DESIGN.md, e.g. "127.0.0.1:50052" and "127.0.0.1:9402".
  std::string default_grpc_addr;
  std::string default_metrics_addr;
  // Adds the service's own flags (optional); called before parsing.
  std::function<void(CLI::App&)> add_flags;
  // Opens the service after the flags are parsed.
  std::function<absl::StatusOr<std::unique_ptr<HostedService>>(ServiceEnvironment)> open;
};

// Runs a standalone service binary: common flags with SALESPERF_* twins (--grpc-addr,
// --metrics-addr, --data-dir, --kafka-brokers, --kafka-property, --kafka-group-id,
// --auth-tokens-file, --log-*, --reflection, --catch-up-timeout-seconds), logging, the
// service, a libs/server Server; SERVING once caught up; on SIGTERM/SIGINT: NOT_SERVING,
// drain, stop, exit 0. Returns the exit code (1 when starting failed, 2 for bad flags).
// Call server::BlockShutdownSignals() first in main().
int RunServiceMain(const ServiceMainSpec& spec, int argc, char** argv);

}  // namespace salesperf::service

#endif  // SALESPERF_LIBS_SERVICE_HOSTED_SERVICE_H_
