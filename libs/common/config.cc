#include "libs/common/config.h"

#include "absl/strings/ascii.h"
#include "libs/common/logging.h"
#include "libs/common/status_macros.h"

namespace salesperf {

std::string EnvTwin(std::string_view flag_name) {
  std::string_view name = flag_name;
  if (name.starts_with("--")) name.remove_prefix(2);
  std::string env = "SALESPERF_";
  for (char c : name)
    env.push_back(c == '-' ? '_' : absl::ascii_toupper(static_cast<unsigned char>(c)));
  return env;
}

void AddCommonFlags(CLI::App& app, CommonFlags& flags) {
  AddFlag(app, "--grpc-addr", flags.grpc_addr, "gRPC listen address (host:port; port 0 picks one)");
  AddFlag(app, "--metrics-addr", flags.metrics_addr,
          "Prometheus /metrics listen address (host:port); empty disables metrics");
  AddFlag(app, "--data-dir", flags.data_dir, "directory for the RocksDB databases");
  AddFlag(app, "--kafka-brokers", flags.kafka_brokers,
          "Kafka bootstrap servers, host:port[,host:port...]; empty runs without Kafka");
  AddFlag(app, "--log-level", flags.log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  AddFlag(app, "--log-format", flags.log_format, "json or text")
      ->check(CLI::IsMember({"json", "text"}));
  AddFlag(app, "--reflection", flags.reflection, "serve gRPC server reflection");
}

absl::Status ApplyLoggingFlags(const CommonFlags& flags) {
  ASSIGN_OR_RETURN(LogLevel level, ParseLogLevel(flags.log_level));
  ASSIGN_OR_RETURN(LogFormat format, ParseLogFormat(flags.log_format));
  ConfigureLogging(level, format);
  return absl::OkStatus();
}

}  // namespace salesperf
