// Test-only: IsOkAndHolds for absl::StatusOr, which libs/testing/status_matchers.h
// does not have yet (gMock's Optional() needs operator bool, which StatusOr lacks).
// Used by common_test only; meant to move into libs/testing/status_matchers.h.
#ifndef SALESPERF_LIBS_COMMON_TEST_MATCHERS_H_
#define SALESPERF_LIBS_COMMON_TEST_MATCHERS_H_

#include "gmock/gmock.h"

namespace salesperf::testing {

// EXPECT_THAT(ParsePeriodId("2026-11", 1), IsOkAndHolds(Property(&Period::Days, 30)));
MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a value that matches") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

}  // namespace salesperf::testing

#endif  // SALESPERF_LIBS_COMMON_TEST_MATCHERS_H_
