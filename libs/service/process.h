// What every salesperf server process does around its services: flags (with SALESPERF_*
// environment twins), logging, authentication, the gRPC/metrics server, readiness,
// graceful shutdown. Used by RunServiceMain (one service) and salesperfd (all five).
// Include only from binaries' wiring (it pulls in CLI11).
#ifndef SALESPERF_LIBS_SERVICE_PROCESS_H_
#define SALESPERF_LIBS_SERVICE_PROCESS_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "libs/common/config.h"
#include "libs/server/auth.h"
#include "libs/service/hosted_service.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace salesperf::service {

// Flags of a server process beyond CommonFlags.
struct ProcessFlags {
  CommonFlags common;
  // Extra librdkafka properties, "KEY=VALUE" each (--kafka-property, repeatable;
  // SALESPERF_KAFKA_PROPERTIES as a comma-separated list; empty entries are ignored). Values are
  // never logged.
  std::vector<std::string> kafka_properties;
  // Consumer group for upstream topics. Default: "" (salesperf-<service>).
  std::string kafka_group_id;
  // File of '<sha256 of token> <subject> <roles>' lines. Default: "" (no authentication).
  std::string auth_tokens_file;
  // How long to wait at start for the read models to catch up. Default: 300.
  double catch_up_timeout_seconds = 300;
};

// Registers CommonFlags and the flags above on `app`; `flags` holds defaults on entry.
void AddProcessFlags(CLI::App& app, ProcessFlags& flags);

// What the parsed flags turn into.
struct ProcessContext {
  std::shared_ptr<prometheus::Registry> registry;
  std::unique_ptr<server::StaticTokenAuthenticator> authenticator;  // null: none
  // env.data_dir, kafka, metrics and authenticator filled in; clock RealClock().
  ServiceEnvironment environment;
};

// Applies the logging flags, checks the time-zone database, loads the tokens file and
// parses Kafka properties. INVALID_ARGUMENT / NOT_FOUND with a message for the user.
absl::StatusOr<ProcessContext> PrepareProcess(const ProcessFlags& flags);

// Serves `services` on one libs/server Server until SIGTERM/SIGINT: starts the server
// (NOT_SERVING), starts each service, waits for every read model to catch up, turns
// SERVING, then on a signal turns NOT_SERVING, drains, stops the services in reverse
// order. `process_name` labels the log lines. `on_serving` (optional) runs on its own
// thread once SERVING, with the bound gRPC and metrics ports (salesperfd loads demo data
// there); shutdown waits for it. Returns the exit code (0 after a clean shutdown, 1 when
// starting failed). Call server::BlockShutdownSignals() first in main().
int ServeUntilSignal(const std::string& process_name, const ProcessFlags& flags,
                     ProcessContext& context, const std::vector<HostedService*>& services,
                     std::function<void(int grpc_port, int metrics_port)> on_serving = {});

// Logs `what` with the status and returns 1 (an exit code).
int FailStartup(const std::string& what, const absl::Status& status);

}  // namespace salesperf::service

#endif  // SALESPERF_LIBS_SERVICE_PROCESS_H_
