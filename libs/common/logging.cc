#include "libs/common/logging.h"

#include <atomic>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace salesperf {
namespace {

struct LogConfig {
  absl::Mutex mu;
  std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};
  LogFormat format = LogFormat::kJson;
  std::ostream* sink = &std::cout;
};

LogConfig& Config() {
  static LogConfig* const config = new LogConfig();
  return *config;
}

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

bool LooksSecret(std::string_view key) {
  std::string lower = absl::AsciiStrToLower(std::string(key));
  for (std::string_view word : {"token", "password", "passwd", "authorization", "secret", "cookie",
                                "api_key", "apikey", "credential"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

nlohmann::json ToJson(const LogField::Value& value) {
  return std::visit(
      [](const auto& v) -> nlohmann::json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string_view>)
          return std::string(v);
        else if constexpr (std::is_same_v<T, const char*>)
          return std::string(v ? v : "");
        else
          return v;
      },
      value);
}

}  // namespace

absl::StatusOr<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn" || name == "warning") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return absl::InvalidArgumentError("log level must be one of debug, info, warn, error");
}

absl::StatusOr<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "json") return LogFormat::kJson;
  if (name == "text") return LogFormat::kText;
  return absl::InvalidArgumentError("log format must be json or text");
}

void ConfigureLogging(LogLevel level, LogFormat format, std::ostream* sink) {
  LogConfig& config = Config();
  absl::MutexLock lock(&config.mu);
  config.min_level.store(static_cast<int>(level));
  config.format = format;
  if (sink != nullptr) config.sink = sink;
}

bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) >= Config().min_level.load(std::memory_order_relaxed);
}

void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  if (!LogEnabled(level)) return;
  LogConfig& config = Config();
  const std::string time =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone());
  std::string line;
  {
    absl::MutexLock lock(&config.mu);
    if (config.format == LogFormat::kJson) {
      nlohmann::json j;
      j["ts"] = time;
      j["level"] = LevelName(level);
      j["msg"] = message;
      for (const LogField& f : fields) {
        std::string key(f.key);
        // A field may not overwrite the line's own keys.
        if (key == "ts" || key == "level" || key == "msg") key.insert(0, "field.");
        j[key] = LooksSecret(f.key) ? nlohmann::json("[redacted]") : ToJson(f.value);
      }
      line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      line = time;
      line.append(" ").append(LevelName(level)).append(" ").append(message);
      for (const LogField& f : fields) {
        nlohmann::json v = LooksSecret(f.key) ? nlohmann::json("[redacted]") : ToJson(f.value);
        line += " " + std::string(f.key) + "=" +
                (v.is_string() ? v.get<std::string>()
                               : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      }
    }
    line.push_back('\n');
    config.sink->write(line.data(), static_cast<std::streamsize>(line.size()));
    config.sink->flush();
  }
}

}  // namespace salesperf
