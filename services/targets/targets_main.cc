#include "services/targets/targets_main.h"

#include <memory>
#include <string>

#include "libs/common/config.h"
#include "libs/common/logging.h"
#include "libs/common/period.h"
#include "libs/server/auth.h"
#include "libs/server/server.h"
#include "prometheus/registry.h"
#include "services/targets/targets_service.h"

namespace salesperf::targets {
namespace {

int Fail(const char* what, const absl::Status& status) {
  LogError(what, {{"error", std::string(status.message())}});
  return 1;
}

}  // namespace

int RunTargetsMain(int argc, char** argv) {
  CLI::App app{"salesperf-targets: the organisation and its sales targets (gRPC)"};
  CommonFlags flags;
  flags.grpc_addr = "127.0.0.1:50051";
  flags.metrics_addr = "127.0.0.1:9401";
  AddCommonFlags(app, flags);
  std::string auth_tokens_file;
  AddFlag(app, "--auth-tokens-file", auth_tokens_file,
          "File of '<sha256 of token> <subject> <roles>' lines; empty: no authentication "
          "(the actor comes from x-salesperf-actor metadata)");
  double catch_up_timeout_seconds = 300;
  AddFlag(app, "--catch-up-timeout-seconds", catch_up_timeout_seconds,
          "How long to wait at start for the read model to catch up before giving up");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (absl::Status s = ApplyLoggingFlags(flags); !s.ok()) return Fail("bad logging flags", s);
  // Report a machine without tzdata now rather than on the first date computed.
  if (absl::StatusOr<absl::TimeZone> tz = LoadTimeZone(kDefaultTimeZoneName); !tz.ok()) {
    return Fail("time zone database unavailable", tz.status());
  }

  std::unique_ptr<server::StaticTokenAuthenticator> authenticator;
  if (!auth_tokens_file.empty()) {
    absl::StatusOr<std::unique_ptr<server::StaticTokenAuthenticator>> loaded =
        server::StaticTokenAuthenticator::FromFile(auth_tokens_file);
    if (!loaded.ok()) return Fail("cannot load the auth tokens file", loaded.status());
    authenticator = *std::move(loaded);
  }

  auto registry = std::make_shared<prometheus::Registry>();
  TargetsServiceOptions options;
  options.data_dir = flags.data_dir;
  options.metrics = registry.get();
  options.kafka_brokers = flags.kafka_brokers;
  options.authenticator = authenticator.get();
  absl::StatusOr<std::unique_ptr<TargetsService>> service = TargetsService::Open(options);
  if (!service.ok()) return Fail("cannot open the targets service", service.status());

  server::ServerOptions server_options;
  server_options.grpc_addr = flags.grpc_addr;
  server_options.metrics_addr = flags.metrics_addr;
  server_options.reflection = flags.reflection;
  server_options.authenticator = authenticator.get();
  server_options.registry = registry;
  server::Server server(server_options);
  server.RegisterService((*service)->grpc_service());
  if (absl::Status s = server.Start(); !s.ok()) return Fail("cannot start the gRPC server", s);
  if (absl::Status s = (*service)->Start(); !s.ok()) return Fail("cannot start the service", s);
  LogInfo("salesperf-targets started", {{"grpc_port", server.port()},
                                        {"metrics_port", server.metrics_port()},
                                        {"data_dir", flags.data_dir},
                                        {"kafka", !flags.kafka_brokers.empty()}});
  if (absl::Status s = (*service)->CatchUp(absl::Seconds(catch_up_timeout_seconds)); !s.ok()) {
    server.Shutdown(absl::Now());
    return Fail("the read model did not catch up", s);
  }
  server.SetServing(true);
  LogInfo("salesperf-targets serving");

  const int signal = server::WaitForShutdownSignal();
  LogInfo("salesperf-targets draining", {{"signal", signal}});
  server.Shutdown();
  if (absl::Status s = (*service)->Stop(); !s.ok()) {
    LogWarn("salesperf-targets: outbox relay stopped with an error",
            {{"error", std::string(s.message())}});
  }
  service->reset();
  LogInfo("salesperf-targets stopped");
  return 0;
}

}  // namespace salesperf::targets
