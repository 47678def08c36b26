#include "libs/service/process.h"

#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/common/logging.h"
#include "libs/common/period.h"
#include "libs/server/server.h"
#include "prometheus/registry.h"

namespace salesperf::service {

void AddProcessFlags(CLI::App& app, ProcessFlags& flags) {
  AddCommonFlags(app, flags.common);
  AddFlag(app, "--kafka-property", flags.kafka_properties,
          "Extra librdkafka property KEY=VALUE for producers and consumers (repeatable; "
          "e.g. security.protocol=SASL_SSL); values are never logged")
      ->envname("SALESPERF_KAFKA_PROPERTIES")
      ->delimiter(',');
  AddFlag(app, "--kafka-group-id", flags.kafka_group_id,
          "Consumer group for other services' topics; empty: salesperf-<service>. Give each "
          "replica that keeps a full read model its own");
  AddFlag(app, "--auth-tokens-file", flags.auth_tokens_file,
          "File of '<sha256 of token> <subject> <roles>' lines; empty: no authentication "
          "(the actor comes from x-salesperf-actor metadata)");
  AddFlag(app, "--catch-up-timeout-seconds", flags.catch_up_timeout_seconds,
          "How long to wait at start for the read models to catch up before giving up");
}

absl::StatusOr<ProcessContext> PrepareProcess(const ProcessFlags& flags) {
  // Debian builds Abseil with mutex deadlock detection on: a few percent of every lock in
  // profiles, for cycles our tests (and TSan-free production) never hit.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (absl::Status s = ApplyLoggingFlags(flags.common); !s.ok()) return s;
  // Report a machine without tzdata now rather than on the first date computed.
  if (absl::StatusOr<absl::TimeZone> tz = LoadTimeZone(kDefaultTimeZoneName); !tz.ok()) {
    return tz.status();
  }
  ProcessContext context;
  context.registry = std::make_shared<prometheus::Registry>();
  if (!flags.auth_tokens_file.empty()) {
    absl::StatusOr<std::unique_ptr<server::StaticTokenAuthenticator>> loaded =
        server::StaticTokenAuthenticator::FromFile(flags.auth_tokens_file);
    if (!loaded.ok()) return loaded.status();
    context.authenticator = *std::move(loaded);
  }
  ServiceEnvironment& env = context.environment;
  env.data_dir = flags.common.data_dir;
  env.clock = RealClock();
  env.metrics = context.registry.get();
  env.authenticator = context.authenticator.get();
  env.kafka.brokers = flags.common.kafka_brokers;
  env.kafka.group_id = flags.kafka_group_id;
  for (const std::string& property : flags.kafka_properties) {
    // Empty entries come from joined lists (a Secret's optional extra properties).
    if (property.empty()) continue;
    const size_t equals = property.find('=');
    if (equals == std::string::npos || equals == 0) {
      // Only the key is echoed: the value may be a secret.
      return absl::InvalidArgumentError(absl::StrCat("--kafka-property wants KEY=VALUE, got '",
                                                     property.substr(0, equals), "...'"));
    }
    env.kafka.properties[property.substr(0, equals)] = property.substr(equals + 1);
  }
  return context;
}

int FailStartup(const std::string& what, const absl::Status& status) {
  LogError(what, {{"error", std::string(status.message())}});
  return 1;
}

int ServeUntilSignal(const std::string& process_name, const ProcessFlags& flags,
                     ProcessContext& context, const std::vector<HostedService*>& services,
                     std::function<void(int grpc_port, int metrics_port)> on_serving) {
  server::ServerOptions server_options;
  server_options.grpc_addr = flags.common.grpc_addr;
  server_options.metrics_addr = flags.common.metrics_addr;
  server_options.reflection = flags.common.reflection;
  server_options.authenticator = context.authenticator.get();
  server_options.registry = context.registry;
  server::Server server(server_options);
  for (HostedService* service : services) {
    for (grpc::Service* grpc_service : service->grpc_services()) {
      server.RegisterService(grpc_service);
    }
  }
  auto stop_all = [&services, &process_name] {
    for (auto it = services.rbegin(); it != services.rend(); ++it) {
      if (absl::Status s = (*it)->Stop(); !s.ok()) {
        LogWarn(process_name + ": a service stopped with an error",
                {{"error", std::string(s.message())}});
      }
    }
  };
  if (absl::Status s = server.Start(); !s.ok()) {
    return FailStartup(process_name + ": cannot start the gRPC server", s);
  }
  for (HostedService* service : services) {
    if (absl::Status s = service->Start(); !s.ok()) {
      server.Shutdown(absl::Now());
      stop_all();
      return FailStartup(process_name + ": cannot start a service", s);
    }
  }
  LogInfo(process_name + " started", {{"grpc_port", server.port()},
                                      {"metrics_port", server.metrics_port()},
                                      {"data_dir", flags.common.data_dir},
                                      {"kafka", !flags.common.kafka_brokers.empty()}});
  const absl::Time catch_up_deadline = absl::Now() + absl::Seconds(flags.catch_up_timeout_seconds);
  for (HostedService* service : services) {
    if (absl::Status s = service->CatchUp(catch_up_deadline - absl::Now()); !s.ok()) {
      server.Shutdown(absl::Now());
      stop_all();
      return FailStartup(process_name + ": the read models did not catch up", s);
    }
  }
  server.SetServing(true);
  LogInfo(process_name + " serving");
  std::thread serving_task;
  if (on_serving) {
    serving_task = std::thread(std::move(on_serving), server.port(), server.metrics_port());
  }

  const int signal = server::WaitForShutdownSignal();
  LogInfo(process_name + " draining", {{"signal", signal}});
  server.Shutdown();
  // In-flight calls of the task fail once the server is down, so it ends promptly.
  if (serving_task.joinable()) serving_task.join();
  stop_all();
  LogInfo(process_name + " stopped");
  return 0;
}

}  // namespace salesperf::service
