// Structured logging: one JSON object per line on stdout (or text for people).
//
//   LogInfo("relay started", {{"service", "activity"}, {"cursor", cursor}});
//
// Thread-safe. Field names that look like secrets (containing, case-insensitively,
// token, password, passwd, authorization, secret, cookie, api_key, apikey or
// credential) are redacted whatever their value. Never log personal data
// (customer names, phone numbers, free text): log ids instead.
#ifndef SALESPERF_LIBS_COMMON_LOGGING_H_
#define SALESPERF_LIBS_COMMON_LOGGING_H_

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace salesperf {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class LogFormat { kJson, kText };

absl::StatusOr<LogLevel> ParseLogLevel(std::string_view name);    // debug|info|warn|error
absl::StatusOr<LogFormat> ParseLogFormat(std::string_view name);  // json|text

struct LogField {
  using Value = std::variant<std::string, std::string_view, const char*, int64_t, uint64_t, int,
                             double, bool>;
  std::string_view key;
  Value value;
};

// Sets the minimum level, the format and the sink (not owned; must outlive logging).
// Default: info, json, std::cout.
void ConfigureLogging(LogLevel level, LogFormat format, std::ostream* sink = nullptr);
bool LogEnabled(LogLevel level);

void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});
inline void LogDebug(std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kDebug, m, f);
}
inline void LogInfo(std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kInfo, m, f);
}
inline void LogWarn(std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kWarn, m, f);
}
inline void LogError(std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kError, m, f);
}

}  // namespace salesperf

#endif  // SALESPERF_LIBS_COMMON_LOGGING_H_
