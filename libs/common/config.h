// Command-line flags with environment twins, on CLI11.
//
// Every flag `--foo-bar` has the environment twin SALESPERF_FOO_BAR. Precedence:
// flag, then environment, then the default. Include this only from binaries'
// application wiring (it pulls in CLI11).
#ifndef SALESPERF_LIBS_COMMON_CONFIG_H_
#define SALESPERF_LIBS_COMMON_CONFIG_H_

#include <string>
#include <string_view>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"

namespace salesperf {

// "--kafka-brokers" -> "SALESPERF_KAFKA_BROKERS".
std::string EnvTwin(std::string_view flag_name);

// Adds `flag_name` (e.g. "--data-dir") bound to `value`, whose current value is the
// default shown in --help, with its environment twin.
template <typename T>
CLI::Option* AddFlag(CLI::App& app, std::string_view flag_name, T& value,
                     std::string_view description) {
  return app.add_option(std::string(flag_name), value, std::string(description))
      ->envname(EnvTwin(flag_name))
      ->capture_default_str();
}

// Flags every server binary takes (DESIGN.md section 3).
struct CommonFlags {
  // gRPC listen address. Default: 127.0.0.1:<service port>.
  std::string grpc_addr;
  // Prometheus /metrics listen address; empty disables it. Default: 127.0.0.1:<metrics port>.
  std::string metrics_addr;
  // Where RocksDB databases live. Default: ./data.
  std::string data_dir = "./data";
  // Kafka bootstrap servers (host:port,...). Empty: no Kafka.
  std::string kafka_brokers;
  // debug | info | warn | error. Default: info.
  std::string log_level = "info";
  // json | text. Default: json.
  std::string log_format = "json";
  // Serve gRPC server reflection. Default: true.
  bool reflection = true;
};

// Registers CommonFlags on `app`; `flags` holds the defaults on entry.
void AddCommonFlags(CLI::App& app, CommonFlags& flags);

// Parses the command line like `app.parse(argc, argv)`, except that `--flag=` sets the
// flag to the empty string (CLI11 alone would take the next argument as its value, so
// `--metrics-addr= --data-dir=x` would set the metrics address to "--data-dir=x").
// Throws CLI::ParseError as app.parse does.
void ParseCommandLine(CLI::App& app, int argc, const char* const* argv);

// Configures logging from the parsed flags; INVALID_ARGUMENT for an unknown level or format.
absl::Status ApplyLoggingFlags(const CommonFlags& flags);

}  // namespace salesperf

#endif  // SALESPERF_LIBS_COMMON_CONFIG_H_
