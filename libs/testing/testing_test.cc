#include <sys/wait.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest-spi.h"
#include "gtest/gtest.h"
#include "libs/testing/child_process.h"
#include "libs/testing/given_when_then.h"
#include "libs/testing/status_matchers.h"
#include "libs/testing/temp_dir.h"

namespace salesperf::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(StatusMatchers, IsOkMatchesOnlyOk) {
  EXPECT_THAT(absl::OkStatus(), IsOk());
  EXPECT_THAT(absl::InternalError("x"), Not(IsOk()));
  EXPECT_THAT(absl::StatusOr<int>(3), IsOk());
  EXPECT_THAT(absl::StatusOr<int>(absl::NotFoundError("gone")), Not(IsOk()));
}

TEST(StatusMatchers, StatusIsChecksCodeAndMessage) {
  absl::Status s = absl::FailedPreconditionError("deal already won");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already won")));
  EXPECT_THAT(s, Not(StatusIs(absl::StatusCode::kAborted)));
  EXPECT_THAT(s, Not(StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("lost"))));
}

TEST(StatusMatchers, AssertOkAndAssignUnwraps) {
  ASSERT_OK_AND_ASSIGN(int value, absl::StatusOr<int>(42));
  EXPECT_EQ(value, 42);
}

TEST(StatusMatchers, EqualsProtoComparesFields) {
  google::protobuf::Int64Value a, b;
  a.set_value(5);
  b.set_value(5);
  EXPECT_THAT(a, EqualsProto(b));
  b.set_value(6);
  EXPECT_THAT(a, Not(EqualsProto(b)));
}

TEST(TempDirTest, CreatesAndRemovesADirectory) {
  std::filesystem::path kept;
  {
    TempDir dir;
    kept = dir.path();
    ASSERT_TRUE(std::filesystem::is_directory(kept));
    std::ofstream(dir.Sub("file.txt")) << "data";
    EXPECT_TRUE(std::filesystem::exists(kept / "file.txt"));
  }
  EXPECT_FALSE(std::filesystem::exists(kept));
}

TEST(TempDirTest, TwoDirectoriesDiffer) {
  TempDir a, b;
  EXPECT_NE(a.path(), b.path());
}

TEST(ChildProcessTest, TalksThroughPipesAndReportsTheExitStatus) {
  ASSERT_OK_AND_ASSIGN(auto child,
                       ChildProcess::Start({"/bin/sh", "-c", "read x; echo got $x; exit 3"}));
  ASSERT_OK(child->WriteLine("hello"));
  ASSERT_OK_AND_ASSIGN(std::string line, child->ReadLine(absl::Seconds(30)));
  EXPECT_EQ(line, "got hello");
  ASSERT_OK_AND_ASSIGN(int status, child->Wait(absl::Seconds(30)));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
}

TEST(ChildProcessTest, ReadLineTimesOutAndKillEndsTheChild) {
  ASSERT_OK_AND_ASSIGN(auto child, ChildProcess::Start({"/bin/sh", "-c", "echo one; read x"}));
  EXPECT_OK(child->WaitForLine("one", absl::Seconds(30)));
  EXPECT_THAT(child->ReadLine(absl::Milliseconds(50)),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_THAT(child->Wait(absl::Milliseconds(50)), StatusIs(absl::StatusCode::kDeadlineExceeded));
  child->Kill(SIGKILL);
  ASSERT_OK_AND_ASSIGN(int status, child->Wait(absl::Seconds(30)));
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_THAT(child->ReadLine(absl::Seconds(30)), StatusIs(absl::StatusCode::kOutOfRange));
}

TEST(ChildProcessTest, AMissingProgramExitsWith127) {
  ASSERT_OK_AND_ASSIGN(auto child, ChildProcess::Start({"/nonexistent/program"}));
  ASSERT_OK_AND_ASSIGN(int status, child->Wait(absl::Seconds(30)));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 127);
}

// A counter decider: Increment adds by, refusing to exceed a limit of 10;
// an increment by 0 is already satisfied and yields no events.
struct Incremented {
  int by;
  bool operator==(const Incremented&) const = default;
};
struct Increment {
  int by;
};
absl::StatusOr<std::vector<Incremented>> DecideCounter(const Increment& cmd, const int& state) {
  if (cmd.by == 0) return std::vector<Incremented>{};
  if (state + cmd.by > 10) return absl::FailedPreconditionError("limit of 10 exceeded");
  return std::vector<Incremented>{{cmd.by}};
}
int EvolveCounter(int state, const Incremented& e) { return state + e.by; }

DeciderSpec<int, Incremented, Increment> CounterSpec() {
  return DeciderSpec<int, Incremented, Increment>(DecideCounter, EvolveCounter, 0);
}

TEST(GivenWhenThen, FoldsGivenEventsIntoState) {
  auto spec = CounterSpec();
  spec.Given({{3}, {4}});
  EXPECT_EQ(spec.GivenState(), 7);
}

TEST(GivenWhenThen, ThenEventsAndThenError) {
  CounterSpec().Given({{3}}).When({2}).ThenEvents({{2}});
  CounterSpec().Given({{9}}).When({2}).ThenError(absl::StatusCode::kFailedPrecondition, "limit");
  CounterSpec().Given({{9}}).When({0}).ThenNoEvents();
}

TEST(GivenWhenThen, DetectsAWrongExpectation) {
  // The helper must fail when the decider's outcome differs from the expectation.
  EXPECT_NONFATAL_FAILURE(CounterSpec().Given({}).When({2}).ThenEvents({{3}}), "differs");
  EXPECT_FATAL_FAILURE(CounterSpec().Given({{9}}).When({2}).ThenEvents({{2}}),
                       "expected events, got error");
  EXPECT_FATAL_FAILURE(CounterSpec().Given({}).When({2}).ThenError(absl::StatusCode::kAborted),
                       "expected error");
}

}  // namespace
}  // namespace salesperf::testing
