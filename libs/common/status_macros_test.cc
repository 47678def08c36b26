#include "libs/common/status_macros.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "libs/testing/status_matchers.h"

namespace salesperf {
namespace {

using ::salesperf::testing::IsOk;
using ::salesperf::testing::StatusIs;

absl::Status Check(bool ok, int* calls) {
  ++*calls;
  return ok ? absl::OkStatus() : absl::NotFoundError("missing");
}

absl::Status Twice(bool first_ok, int* calls) {
  RETURN_IF_ERROR(Check(first_ok, calls));
  RETURN_IF_ERROR(Check(true, calls));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<std::string>> Make(bool ok) {
  if (!ok) return absl::AbortedError("conflict");
  return std::make_unique<std::string>("value");
}

absl::StatusOr<size_t> LengthOf(bool ok) {
  ASSIGN_OR_RETURN(std::unique_ptr<std::string> s, Make(ok));  // move-only value
  ASSIGN_OR_RETURN(auto again, Make(true));                    // twice on different lines
  return s->size() + again->size();
}

TEST(StatusMacrosTest, ReturnIfErrorStopsAtTheFirstError) {
  int calls = 0;
  EXPECT_THAT(Twice(true, &calls), IsOk());
  EXPECT_EQ(calls, 2);
  calls = 0;
  EXPECT_THAT(Twice(false, &calls), StatusIs(absl::StatusCode::kNotFound, "missing"));
  EXPECT_EQ(calls, 1);
}

TEST(StatusMacrosTest, AssignOrReturn) {
  ASSERT_OK_AND_ASSIGN(size_t n, LengthOf(true));
  EXPECT_EQ(n, 10u);
  EXPECT_THAT(LengthOf(false), StatusIs(absl::StatusCode::kAborted, "conflict"));
}

}  // namespace
}  // namespace salesperf
