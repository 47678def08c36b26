#include "libs/common/config.h"

#include <cstdlib>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/logging.h"
#include "libs/testing/status_matchers.h"

namespace salesperf {
namespace {

using ::salesperf::testing::IsOk;
using ::salesperf::testing::StatusIs;

constexpr const char* kFlags[] = {"--grpc-addr", "--metrics-addr", "--data-dir",  "--kafka-brokers",
                                  "--log-level", "--log-format",   "--reflection"};

// Clears the environment twins of the common flags around each test, so that the
// machine's environment cannot change the outcome.
class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { ClearEnv(); }
  void TearDown() override {
    ClearEnv();
    ConfigureLogging(LogLevel::kInfo, LogFormat::kJson, &std::cout);
  }
  static void ClearEnv() {
    for (const char* flag : kFlags) unsetenv(EnvTwin(flag).c_str());
  }

  // Parses `command_line` (without the program name) into fresh CommonFlags.
  static CommonFlags Parse(const std::string& command_line) {
    CLI::App app("test");
    CommonFlags flags;
    AddCommonFlags(app, flags);
    app.parse(command_line, /*program_name_included=*/false);
    return flags;
  }
};

TEST(EnvTwinTest, Names) {
  EXPECT_EQ(EnvTwin("--kafka-brokers"), "SALESPERF_KAFKA_BROKERS");
  EXPECT_EQ(EnvTwin("--grpc-addr"), "SALESPERF_GRPC_ADDR");
  EXPECT_EQ(EnvTwin("data-dir"), "SALESPERF_DATA_DIR");
  EXPECT_EQ(EnvTwin("--reflection"), "SALESPERF_REFLECTION");
}

TEST_F(ConfigTest, DefaultsWithoutFlagOrEnv) {
  const CommonFlags flags = Parse("");
  EXPECT_EQ(flags.data_dir, "./data");
  EXPECT_EQ(flags.log_level, "info");
  EXPECT_EQ(flags.log_format, "json");
  EXPECT_EQ(flags.kafka_brokers, "");
  EXPECT_TRUE(flags.reflection);
}

TEST_F(ConfigTest, EnvBeatsDefault) {
  ASSERT_EQ(setenv("SALESPERF_DATA_DIR", "/from-env", 1), 0);
  ASSERT_EQ(setenv("SALESPERF_KAFKA_BROKERS", "k1:9092,k2:9092", 1), 0);
  ASSERT_EQ(setenv("SALESPERF_REFLECTION", "false", 1), 0);
  const CommonFlags flags = Parse("");
  EXPECT_EQ(flags.data_dir, "/from-env");
  EXPECT_EQ(flags.kafka_brokers, "k1:9092,k2:9092");
  EXPECT_FALSE(flags.reflection);
}

TEST_F(ConfigTest, FlagBeatsEnv) {
  ASSERT_EQ(setenv("SALESPERF_DATA_DIR", "/from-env", 1), 0);
  ASSERT_EQ(setenv("SALESPERF_LOG_LEVEL", "warn", 1), 0);
  const CommonFlags flags = Parse("--data-dir /from-flag --log-level=debug --reflection=false");
  EXPECT_EQ(flags.data_dir, "/from-flag");
  EXPECT_EQ(flags.log_level, "debug");
  EXPECT_FALSE(flags.reflection);
}

TEST_F(ConfigTest, RejectsUnknownLevelsAndFormats) {
  EXPECT_THROW(Parse("--log-level loud"), CLI::ValidationError);
  EXPECT_THROW(Parse("--log-format xml"), CLI::ValidationError);
  EXPECT_THROW(Parse("--no-such-flag 1"), CLI::ParseError);
}

TEST_F(ConfigTest, CustomFlagGetsATwinToo) {
  CLI::App app("test");
  int batch = 100;
  AddFlag(app, "--batch-size", batch, "events per batch");
  ASSERT_EQ(setenv("SALESPERF_BATCH_SIZE", "250", 1), 0);
  app.parse("", false);
  unsetenv("SALESPERF_BATCH_SIZE");
  EXPECT_EQ(batch, 250);
  EXPECT_NE(app.help().find("SALESPERF_BATCH_SIZE"), std::string::npos);
}

TEST_F(ConfigTest, AnEmptyValueAfterEqualsIsEmptyNotTheNextArgument) {
  CLI::App app("test");
  CommonFlags flags;
  AddCommonFlags(app, flags);
  const char* argv[] = {"prog", "--metrics-addr=", "--data-dir=/srv/x", "--grpc-addr", "h:1"};
  ParseCommandLine(app, 5, argv);
  EXPECT_EQ(flags.metrics_addr, "");
  EXPECT_EQ(flags.data_dir, "/srv/x");
  EXPECT_EQ(flags.grpc_addr, "h:1");
  // Unknown flags are still refused.
  CLI::App strict("test");
  CommonFlags other;
  AddCommonFlags(strict, other);
  const char* bad[] = {"prog", "--no-such-flag="};
  EXPECT_THROW(ParseCommandLine(strict, 2, bad), CLI::ParseError);
}

TEST_F(ConfigTest, AFlagWithAnEmptyValueStaysAFlagAndAfterDashDashNothingIsRewritten) {
  CLI::App app("test");
  CLI::App* sub = app.add_subcommand("run", "a subcommand");
  bool max = false;
  std::string addr = "default";
  std::vector<std::string> rest;
  sub->add_flag("--max", max, "as fast as possible");
  sub->add_option("--addr", addr, "an address");
  sub->add_option("rest", rest, "positionals");
  const char* argv[] = {"prog", "run", "--max=", "--addr=", "--", "--addr="};
  ParseCommandLine(app, 6, argv);
  EXPECT_TRUE(max);
  EXPECT_EQ(addr, "");
  EXPECT_EQ(rest, std::vector<std::string>{"--addr="});
}

TEST_F(ConfigTest, ApplyLoggingFlags) {
  CommonFlags flags;
  flags.log_level = "error";
  flags.log_format = "text";
  std::ostringstream sink;
  ConfigureLogging(LogLevel::kInfo, LogFormat::kJson, &sink);
  ASSERT_THAT(ApplyLoggingFlags(flags), IsOk());
  EXPECT_FALSE(LogEnabled(LogLevel::kWarn));
  EXPECT_TRUE(LogEnabled(LogLevel::kError));
  LogError("boom");
  EXPECT_NE(sink.str().find(" error boom"), std::string::npos);  // text, not JSON

  flags.log_level = "verbose";
  EXPECT_THAT(ApplyLoggingFlags(flags), StatusIs(absl::StatusCode::kInvalidArgument));
  flags.log_level = "info";
  flags.log_format = "yaml";
  EXPECT_THAT(ApplyLoggingFlags(flags), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace salesperf
