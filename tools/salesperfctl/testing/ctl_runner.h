// Runs the real salesperfctl binary (build/bin) as a child process and collects what a
// user sees: stdout lines, stderr and the exit code. For the command tests of every
// service (salesperfctl_test.cc, <service>_commands_test.cc).
//
//   CtlRunner ctl(dir_.Sub("ctl"), address);
//   CtlResult r = ctl.Run({"activity", "customer", "get", "c1"});
//   EXPECT_EQ(r.exit_code, 0) << r.err;
//
// SALESPERF_* variables of the test's environment are removed, so only the arguments
// (and `env`) configure the child. Not thread-safe.
#ifndef SALESPERF_TOOLS_SALESPERFCTL_TESTING_CTL_RUNNER_H_
#define SALESPERF_TOOLS_SALESPERFCTL_TESTING_CTL_RUNNER_H_

#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "libs/testing/child_process.h"
#include "nlohmann/json.hpp"

namespace salesperf::ctl::testing {

struct CtlResult {
  int exit_code = -1;
  std::vector<std::string> out;  // stdout lines
  std::string err;               // stderr

  std::string Out() const { return absl::StrJoin(out, "\n"); }
  std::vector<std::string> ErrLines() const { return absl::StrSplit(err, '\n', absl::SkipEmpty()); }
};

class CtlRunner {
 public:
  // `scratch_dir` (created if missing) holds the children's stderr files; `server` is
  // passed as --server by Run().
  CtlRunner(std::string scratch_dir, std::string server)
      : scratch_dir_(std::move(scratch_dir)),
        server_(std::move(server)),
        binary_(salesperf::testing::ChildProcess::FindBuiltBinary("salesperfctl")) {
    std::filesystem::create_directories(scratch_dir_);
  }

  // Empty when salesperfctl is not built (the test should fail with a hint).
  const std::string& binary() const { return binary_; }

  // salesperfctl --server <server> --actor <actor> args...
  CtlResult Run(const std::vector<std::string>& args, const std::string& actor = "ceo") {
    std::vector<std::string> full = {"--server", server_, "--actor", actor};
    full.insert(full.end(), args.begin(), args.end());
    return RunRaw(full);
  }

  // salesperfctl with exactly `args`, and `env` ("NAME=value") added to the environment.
  CtlResult RunRaw(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    CtlResult result;
    const std::string err_file = absl::StrCat(scratch_dir_, "/stderr-", ++runs_);
    std::vector<std::string> argv = {"/usr/bin/env"};
    for (const char* name : {"SALESPERF_SERVER", "SALESPERF_TOKEN", "SALESPERF_OUTPUT",
                             "SALESPERF_ACTOR", "SALESPERF_TIMEOUT"}) {
      argv.insert(argv.end(), {"-u", name});
    }
    argv.insert(argv.end(), env.begin(), env.end());
    // ChildProcess passes stderr through; the shell sends it to a file to be read back.
    argv.insert(argv.end(),
                {"/bin/sh", "-c", "f=$1; shift; exec \"$@\" 2>\"$f\"", "sh", err_file, binary_});
    argv.insert(argv.end(), args.begin(), args.end());
    auto child = salesperf::testing::ChildProcess::Start(argv);
    EXPECT_TRUE(child.ok()) << child.status();
    if (!child.ok()) return result;
    while (true) {
      absl::StatusOr<std::string> line = (*child)->ReadLine(absl::Seconds(60));
      if (!line.ok()) {
        EXPECT_EQ(line.status().code(), absl::StatusCode::kOutOfRange) << line.status();
        break;
      }
      result.out.push_back(*line);
    }
    absl::StatusOr<int> status = (*child)->Wait(absl::Seconds(60));
    EXPECT_TRUE(status.ok()) << status.status();
    if (status.ok() && WIFEXITED(*status)) result.exit_code = WEXITSTATUS(*status);
    std::ifstream in(err_file);
    std::stringstream buffer;
    buffer << in.rdbuf();
    result.err = buffer.str();
    return result;
  }

  // Stdout of a successful -o json run, parsed; a failed expectation otherwise.
  static nlohmann::json Json(const CtlResult& r) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json j = nlohmann::json::parse(r.Out(), nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << r.Out();
    return j;
  }

 private:
  std::string scratch_dir_;
  std::string server_;
  std::string binary_;
  int runs_ = 0;
};

// A service test fixture `Fixture` (with a TempDir `dir_` and a started server::Server
// `server_`) plus salesperfctl runs against that server:
//
//   class ActivityCommandsTest : public WithCtl<activity::testing::ServiceFixture> {};
//   TEST_F(ActivityCommandsTest, X) { CtlResult r = Run({"activity", "customer", "list"}); }
template <typename Fixture>
class WithCtl : public Fixture {
 protected:
  void SetUp() override {
    Fixture::SetUp();
    if (::testing::Test::HasFatalFailure()) return;
    ctl_ = std::make_unique<CtlRunner>(this->dir_.Sub("ctl"),
                                       absl::StrCat("127.0.0.1:", this->server_->port()));
    ASSERT_FALSE(ctl_->binary().empty()) << "build salesperfctl first";
  }

  // salesperfctl --actor actor_ args... against the fixture's server.
  CtlResult Run(const std::vector<std::string>& args) { return ctl_->Run(args, actor_); }
  // The same with -o json, parsed.
  nlohmann::json Json(std::vector<std::string> args) {
    args.insert(args.begin(), {"-o", "json"});
    return CtlRunner::Json(Run(args));
  }

  // The caller (x-salesperf-actor). Default: "ceo".
  std::string actor_ = "ceo";
  std::unique_ptr<CtlRunner> ctl_;
};

}  // namespace salesperf::ctl::testing

#endif  // SALESPERF_TOOLS_SALESPERFCTL_TESTING_CTL_RUNNER_H_
