#include "libs/common/config.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

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

namespace {

// Whether `name` ("--x") is an option of `app` or of any of its subcommands that takes a
// value (a flag takes none: "--flag=" is CLI11's "true" for it).
bool TakesValue(CLI::App& app, const std::string& name) {
  if (const CLI::Option* option = app.get_option_no_throw(name);
      option != nullptr && option->get_items_expected_max() > 0) {
    return true;
  }
  for (CLI::App* sub : app.get_subcommands({})) {
    if (TakesValue(*sub, name)) return true;
  }
  return false;
}

}  // namespace

void ParseCommandLine(CLI::App& app, int argc, const char* const* argv) {
  std::vector<std::string> args;
  args.reserve(static_cast<size_t>(argc > 1 ? argc - 1 : 0));
  bool options_ended = false;  // after "--" every argument is positional
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") options_ended = true;
    if (!options_ended && arg.starts_with("--") && arg.size() > 3 &&
        arg.find('=') == arg.size() - 1 &&
        TakesValue(app, std::string(arg.substr(0, arg.size() - 1)))) {
      args.emplace_back(arg.substr(0, arg.size() - 1));
      args.emplace_back();
    } else {
      args.emplace_back(arg);
    }
  }
  if (argc > 0 && app.get_name().empty()) app.name(argv[0]);
  // CLI11 takes the arguments last first.
  std::reverse(args.begin(), args.end());
  app.parse(args);
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
