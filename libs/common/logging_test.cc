#include "libs/common/logging.h"

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/status_matchers.h"
#include "nlohmann/json.hpp"

namespace salesperf {
namespace {

using ::salesperf::testing::StatusIs;
using ::testing::MatchesRegex;

class LoggingTest : public ::testing::Test {
 protected:
  void SetUp() override { ConfigureLogging(LogLevel::kInfo, LogFormat::kJson, &sink_); }
  // Logging is process-wide: put back the documented defaults for other tests.
  void TearDown() override { ConfigureLogging(LogLevel::kInfo, LogFormat::kJson, &std::cout); }

  std::vector<std::string> Lines() const {
    std::vector<std::string> lines = absl::StrSplit(sink_.str(), '\n');
    EXPECT_EQ(lines.back(), "") << "every record ends with a newline";
    lines.pop_back();
    return lines;
  }

  std::ostringstream sink_;
};

TEST_F(LoggingTest, JsonLineShape) {
  const std::string owned = "owned";
  LogInfo("relay started", {{"service", "activity"},
                            {"owned", owned},
                            {"view", std::string_view("sv")},
                            {"int", 42},
                            {"i64", int64_t{-9'000'000'000}},
                            {"u64", uint64_t{18'000'000'000'000'000'000u}},
                            {"ratio", 0.25},
                            {"ok", true}});
  const std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  const nlohmann::json j = nlohmann::json::parse(lines[0]);
  EXPECT_THAT(j["ts"].get<std::string>(),
              MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z"));
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["msg"], "relay started");
  EXPECT_EQ(j["service"], "activity");
  EXPECT_EQ(j["owned"], "owned");
  EXPECT_EQ(j["view"], "sv");
  EXPECT_EQ(j["int"], 42);
  EXPECT_EQ(j["i64"].get<int64_t>(), -9'000'000'000);
  EXPECT_EQ(j["u64"].get<uint64_t>(), 18'000'000'000'000'000'000u);
  EXPECT_EQ(j["ratio"], 0.25);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j.size(), 11u);
}

TEST_F(LoggingTest, FieldsCannotOverwriteTheLinesOwnKeys) {
  LogInfo("real message", {{"msg", "forged"}, {"level", "error"}, {"ts", "then"}});
  const std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  const nlohmann::json j = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(j["msg"], "real message");
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["field.msg"], "forged");
  EXPECT_EQ(j["field.level"], "error");
  EXPECT_EQ(j["field.ts"], "then");
}

TEST_F(LoggingTest, EscapesAndSurvivesInvalidUtf8) {
  LogWarn("quote \" and\nnewline", {{"bytes", std::string("\xff\xfe")}});
  const std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), 1u);  // the newline in the message did not split the record
  const nlohmann::json j = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(j["msg"], "quote \" and\nnewline");
  EXPECT_EQ(j["level"], "warn");
}

TEST_F(LoggingTest, RedactsSecretLookingKeys) {
  LogInfo("login", {{"password", "hunter2"},
                    {"api_token", "t0k3n"},
                    {"Authorization", "Bearer abc"},
                    {"client_secret", "s3cr3t"},
                    {"Cookie", "session=1"},
                    {"api_key", "k3y"},
                    {"db_passwd", "pw"},
                    {"credentials", "c"},
                    {"retry_secret_count", 3},
                    {"rep_id", "rep-1"}});
  const std::string out = sink_.str();
  for (std::string_view secret :
       {"hunter2", "t0k3n", "Bearer", "s3cr3t", "session=1", "k3y", "\"pw\"", "\"c\""}) {
    EXPECT_EQ(out.find(secret), std::string::npos) << secret;
  }
  const nlohmann::json j = nlohmann::json::parse(Lines()[0]);
  for (const char* key : {"password", "api_token", "Authorization", "client_secret", "Cookie",
                          "api_key", "db_passwd", "credentials", "retry_secret_count"}) {
    EXPECT_EQ(j[key], "[redacted]") << key;
  }
  EXPECT_EQ(j["rep_id"], "rep-1");
}

TEST_F(LoggingTest, LevelFiltering) {
  ConfigureLogging(LogLevel::kWarn, LogFormat::kJson);  // keeps the sink
  EXPECT_FALSE(LogEnabled(LogLevel::kDebug));
  EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
  EXPECT_TRUE(LogEnabled(LogLevel::kWarn));
  EXPECT_TRUE(LogEnabled(LogLevel::kError));
  LogDebug("d");
  LogInfo("i");
  LogWarn("w");
  LogError("e");
  std::vector<std::string> levels;
  for (const std::string& line : Lines()) {
    levels.push_back(nlohmann::json::parse(line)["level"].get<std::string>());
  }
  EXPECT_THAT(levels, ::testing::ElementsAre("warn", "error"));

  ConfigureLogging(LogLevel::kDebug, LogFormat::kJson);
  LogDebug("d");
  EXPECT_EQ(Lines().size(), 3u);
}

TEST_F(LoggingTest, TextFormat) {
  ConfigureLogging(LogLevel::kInfo, LogFormat::kText);
  LogError("disk full", {{"path", "/data"}, {"free_bytes", 0}, {"token", "abc"}});
  const std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], MatchesRegex("[0-9T:.-]+Z error disk full path=/data free_bytes=0 "
                                     "token=\\[redacted\\]"));
}

TEST(LoggingParseTest, LevelsAndFormats) {
  EXPECT_EQ(*ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(*ParseLogLevel("info"), LogLevel::kInfo);
  EXPECT_EQ(*ParseLogLevel("warn"), LogLevel::kWarn);
  EXPECT_EQ(*ParseLogLevel("warning"), LogLevel::kWarn);
  EXPECT_EQ(*ParseLogLevel("error"), LogLevel::kError);
  EXPECT_THAT(ParseLogLevel("INFO"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseLogLevel(""), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(*ParseLogFormat("text"), LogFormat::kText);
  EXPECT_THAT(ParseLogFormat("xml"), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace salesperf
