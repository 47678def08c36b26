// The README's ten-minute tour, end to end, against real processes:
//  1. a fresh salesperfd loads the demo on its first start and prints where to look; every
//     salesperfctl command it suggests works (table and JSON); /metrics serves the gRPC and
//     business metrics; a restart keeps the data and does not load the demo again;
//  2. the distributed mode: salesperf-devkafka and the five service processes with
//     --kafka-brokers; salesperf-loadgen seeds them; analytics learns everything through
//     Kafka and the same tour commands answer from the separate services.
// A smaller demo than `make run` loads (flags below) keeps the test to about a minute.
#include <csignal>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/child_process.h"
#include "libs/testing/dev_kafka.h"
#include "libs/testing/probes.h"
#include "libs/testing/status_matchers.h"
#include "libs/testing/temp_dir.h"
#include "nlohmann/json.hpp"

namespace salesperf::e2e {
namespace {

using testing::ChildProcess;

// The demo the test loads: every part of it, at a tenth of `make run`'s size.
const std::vector<std::string> kSmallDemo = {"--demo-reps=24", "--demo-customers=240",
                                             "--demo-history-days=30"};

struct CtlResult {
  int exit_code = -1;
  std::string output;
};

// Runs build/bin/salesperfctl with `args` and collects its stdout.
CtlResult RunCtl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {ChildProcess::FindBuiltBinary("salesperfctl")};
  argv.insert(argv.end(), args.begin(), args.end());
  CtlResult result;
  absl::StatusOr<std::unique_ptr<ChildProcess>> child = ChildProcess::Start(argv);
  if (!child.ok()) return result;
  while (true) {
    absl::StatusOr<std::string> line = (*child)->ReadLine(absl::Seconds(60));
    if (!line.ok()) break;
    absl::StrAppend(&result.output, *line, "\n");
  }
  absl::StatusOr<int> status = (*child)->Wait(absl::Seconds(30));
  if (status.ok() && WIFEXITED(*status)) result.exit_code = WEXITSTATUS(*status);
  return result;
}

// What salesperfd (or salesperf-loadgen demo) prints once the demo is loaded.
struct WhereToLook {
  std::string grpc_address;
  int metrics_port = 0;
  // The suggested commands, split into arguments, without "salesperfctl --server X".
  std::vector<std::vector<std::string>> commands;
};

// Reads the child's stdout up to the end of the "Try:" block.
absl::StatusOr<WhereToLook> ReadWhereToLook(ChildProcess& child, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  WhereToLook where;
  bool in_commands = false;
  while (true) {
    absl::StatusOr<std::string> line = child.ReadLine(deadline - absl::Now());
    if (!line.ok()) {
      if (in_commands && !where.commands.empty()) return where;
      return line.status();
    }
    absl::string_view text = absl::StripAsciiWhitespace(*line);
    if (absl::ConsumePrefix(&text, "gRPC")) {
      where.grpc_address = std::string(absl::StripAsciiWhitespace(text));
    } else if (absl::ConsumePrefix(&text, "metrics")) {
      text = absl::StripAsciiWhitespace(text);
      std::vector<std::string> parts =
          absl::StrSplit(text, absl::ByAnyChar(":/"), absl::SkipEmpty());
      // http, 127.0.0.1, port, metrics
      if (parts.size() >= 3 && !absl::SimpleAtoi(parts[2], &where.metrics_port)) {
        return absl::InternalError(absl::StrCat("bad metrics line: ", *line));
      }
    } else if (text == "Try:") {
      in_commands = true;
    } else if (in_commands && absl::StartsWith(text, "salesperfctl")) {
      absl::string_view command = text.substr(0, text.find('#'));
      std::vector<std::string> args =
          absl::StrSplit(absl::StripAsciiWhitespace(command), ' ', absl::SkipEmpty());
      args.erase(args.begin());  // salesperfctl
      if (args.size() >= 2 && args[0] == "--server") args.erase(args.begin(), args.begin() + 2);
      where.commands.push_back(std::move(args));
    } else if (in_commands && text.empty() && !where.commands.empty()) {
      return where;
    }
  }
}

// Runs every suggested command against `server_of(command)`, as a table and as JSON;
// returns the JSON outputs keyed by "<service> <command>".
std::map<std::string, nlohmann::json> RunTour(
    const WhereToLook& where, const std::function<std::string(const std::string&)>& server_of) {
  std::map<std::string, nlohmann::json> outputs;
  for (const std::vector<std::string>& command : where.commands) {
    const std::string name = absl::StrJoin(command.begin(), command.begin() + 2, " ");
    std::vector<std::string> args = {"--server", server_of(command[0])};
    args.insert(args.end(), command.begin(), command.end());
    CtlResult table = RunCtl(args);
    EXPECT_EQ(table.exit_code, 0) << absl::StrJoin(args, " ") << "\n" << table.output;
    EXPECT_FALSE(table.output.empty()) << absl::StrJoin(args, " ");
    args.insert(args.end(), {"-o", "json"});
    CtlResult json = RunCtl(args);
    EXPECT_EQ(json.exit_code, 0) << absl::StrJoin(args, " ") << "\n" << json.output;
    nlohmann::json parsed = nlohmann::json::parse(json.output, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(parsed.is_discarded()) << absl::StrJoin(args, " ") << "\n" << json.output;
    outputs[name] = parsed;
  }
  return outputs;
}

// The tour's checks that hold for any demo: the leaderboard ranks reps from 1 and says how
// many it ranked, the regional view lists every region of the organisation.
void CheckTourOutputs(const std::map<std::string, nlohmann::json>& outputs) {
  ASSERT_TRUE(outputs.count("targets org")) << "the tour starts with the organisation";
  ASSERT_TRUE(outputs.count("analytics leaderboard")) << "the tour shows a leaderboard";
  const nlohmann::json& leaderboard = outputs.at("analytics leaderboard");
  ASSERT_TRUE(leaderboard.contains("top")) << leaderboard.dump();
  ASSERT_FALSE(leaderboard["top"].empty()) << leaderboard.dump();
  // Proto JSON writes 64-bit integers as strings.
  EXPECT_EQ(leaderboard["top"][0].value("rank", ""), "1") << leaderboard.dump();
  int64_t ranked = 0;
  ASSERT_TRUE(absl::SimpleAtoi(leaderboard.value("ranked", "0"), &ranked)) << leaderboard.dump();
  EXPECT_GE(ranked, static_cast<int64_t>(leaderboard["top"].size())) << leaderboard.dump();

  ASSERT_TRUE(outputs.count("analytics regional")) << "the tour shows the regional view";
  const nlohmann::json& regional = outputs.at("analytics regional");
  ASSERT_TRUE(regional.contains("rows")) << regional.dump();
  const std::string org = outputs.at("targets org").dump();
  EXPECT_GE(regional["rows"].size(), 2u) << regional.dump();
  for (const nlohmann::json& row : regional["rows"]) {
    EXPECT_EQ(row["scope"].value("kind", ""), "SCOPE_KIND_REGION") << row.dump();
    const std::string region_id = row["scope"].value("id", "");
    EXPECT_THAT(org, ::testing::HasSubstr(absl::StrCat("\"", region_id, "\"")))
        << region_id << " is not in the organisation";
    // revenue, calls, visits_done
    EXPECT_EQ(row["values"].size(), 3u) << row.dump();
  }
}

TEST(Tour, SalesperfdLoadsTheDemoServesTheTourAndKeepsItsDataAcrossARestart) {
  testing::TempDir dir;
  const std::string data_dir = dir.Sub("data");
  const std::string salesperfd = ChildProcess::FindBuiltBinary("salesperfd");
  ASSERT_FALSE(salesperfd.empty());
  std::vector<std::string> argv = {salesperfd,
                                   "--data-dir=" + data_dir,
                                   "--grpc-addr=127.0.0.1:0",
                                   "--metrics-addr=127.0.0.1:0",
                                   "--demo-data=auto",
                                   "--log-format=text"};
  argv.insert(argv.end(), kSmallDemo.begin(), kSmallDemo.end());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ChildProcess> daemon, ChildProcess::Start(argv));
  ASSERT_OK_AND_ASSIGN(WhereToLook where, ReadWhereToLook(*daemon, absl::Minutes(5)));
  ASSERT_FALSE(where.grpc_address.empty());
  ASSERT_GT(where.metrics_port, 0);
  ASSERT_GE(where.commands.size(), 5u) << "leaderboard, regional KPIs, attainment, risk "
                                          "flags and a statement are suggested";

  const auto same_server = [&](const std::string&) { return where.grpc_address; };
  std::map<std::string, nlohmann::json> before = RunTour(where, same_server);
  CheckTourOutputs(before);

  const std::string metrics = testing::HttpGet(where.metrics_port, "/metrics");
  EXPECT_THAT(metrics, ::testing::HasSubstr("grpc_server_handled_total"));
  EXPECT_THAT(metrics, ::testing::HasSubstr("salesperf_business_revenue"));
  EXPECT_THAT(metrics, ::testing::HasSubstr("salesperf_projection_lag_events"));

  daemon->Kill(SIGTERM);
  ASSERT_OK_AND_ASSIGN(int status, daemon->Wait(absl::Seconds(60)));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;

  // Same data directory, same address: no demo this time, the same answers.
  argv[2] = "--grpc-addr=" + where.grpc_address;
  ASSERT_OK_AND_ASSIGN(daemon, ChildProcess::Start(argv));
  ASSERT_TRUE(testing::WaitUntilServing(where.grpc_address, absl::Minutes(2)));
  std::map<std::string, nlohmann::json> after = RunTour(where, same_server);
  for (const auto& [name, output] : before) {
    if (name == "analytics leaderboard") continue;  // movement since yesterday may differ
    EXPECT_EQ(after[name], output) << name << " changed across the restart";
  }
  daemon->Kill(SIGTERM);
  ASSERT_OK_AND_ASSIGN(status, daemon->Wait(absl::Seconds(60)));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(Tour, FiveServicesAndKafkaServeTheSameTour) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<testing::DevKafka> kafka, testing::DevKafka::Start());
  testing::TempDir dir;
  const std::vector<std::string> services = {"targets", "activity", "feedback", "incentives",
                                             "analytics"};
  std::map<std::string, std::string> addresses;
  std::vector<std::unique_ptr<ChildProcess>> processes;
  for (const std::string& service : services) {
    const std::string binary = ChildProcess::FindBuiltBinary("salesperf-" + service);
    ASSERT_FALSE(binary.empty()) << service;
    addresses[service] = absl::StrCat("127.0.0.1:", testing::FreeLoopbackPort());
    ASSERT_OK_AND_ASSIGN(
        std::unique_ptr<ChildProcess> process,
        ChildProcess::Start({binary, "--data-dir=" + dir.Sub("data-" + service),
                             "--grpc-addr=" + addresses[service], "--metrics-addr=127.0.0.1:0",
                             "--kafka-brokers=" + kafka->bootstrap(), "--log-format=text"}));
    processes.push_back(std::move(process));
  }
  for (const std::string& service : services) {
    ASSERT_TRUE(testing::WaitUntilServing(addresses[service], absl::Minutes(2))) << service;
  }

  std::vector<std::string> loadgen = {ChildProcess::FindBuiltBinary("salesperf-loadgen"), "demo",
                                      "--reps=24", "--customers=240", "--history-days=30"};
  for (const std::string& service : services) {
    loadgen.push_back(absl::StrCat("--", service, "-addr=", addresses[service]));
  }
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ChildProcess> seeding, ChildProcess::Start(loadgen));
  ASSERT_OK_AND_ASSIGN(WhereToLook where, ReadWhereToLook(*seeding, absl::Minutes(5)));
  ASSERT_OK_AND_ASSIGN(int seeding_status, seeding->Wait(absl::Minutes(1)));
  ASSERT_TRUE(WIFEXITED(seeding_status) && WEXITSTATUS(seeding_status) == 0);

  std::map<std::string, nlohmann::json> outputs =
      RunTour(where, [&](const std::string& service) { return addresses[service]; });
  CheckTourOutputs(outputs);

  for (auto it = processes.rbegin(); it != processes.rend(); ++it) {
    (*it)->Kill(SIGTERM);
    ASSERT_OK_AND_ASSIGN(int status, (*it)->Wait(absl::Seconds(60)));
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
}

}  // namespace
}  // namespace salesperf::e2e
