// gMock matchers for absl::Status and absl::StatusOr<T>, and a proto equality matcher.
//
//   EXPECT_THAT(store.Append(req), IsOk());
//   EXPECT_THAT(Decide(cmd, state), StatusIs(absl::StatusCode::kFailedPrecondition,
//                                             HasSubstr("already won")));
//   ASSERT_OK_AND_ASSIGN(auto result, store.Append(req));
//   EXPECT_THAT(ParsePeriodId("2026-11", 1), IsOkAndHolds(Property(&Period::Days, 30)));
//   EXPECT_THAT(event, EqualsProto(expected));
#ifndef SALESPERF_LIBS_TESTING_STATUS_MATCHERS_H_
#define SALESPERF_LIBS_TESTING_STATUS_MATCHERS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace salesperf::testing {

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& status = GetStatus(arg);
  if (!status.ok()) *result_listener << "status is " << status;
  return status.ok();
}

MATCHER_P(StatusIs, code, "has status code " + std::string(absl::StatusCodeToString(code))) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code;
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has status code " + std::string(absl::StatusCodeToString(code))) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code &&
         ::testing::ExplainMatchResult(message_matcher, std::string(status.message()),
                                       result_listener);
}

// EXPECT_THAT(ParsePeriodId("2026-11", 1), IsOkAndHolds(Property(&Period::Days, 30)));
MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a value that matches") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

MATCHER_P(EqualsProto, expected, "equals proto " + expected.ShortDebugString()) {
  std::string diff;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  if (!differencer.Compare(expected, arg)) {
    *result_listener << "differs: " << diff;
    return false;
  }
  return true;
}

}  // namespace salesperf::testing

#define SALESPERF_TESTING_CONCAT_INNER(a, b) a##b
#define SALESPERF_TESTING_CONCAT(a, b) SALESPERF_TESTING_CONCAT_INNER(a, b)

#define ASSERT_OK(expr) ASSERT_THAT((expr), ::salesperf::testing::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::salesperf::testing::IsOk())

#define ASSERT_OK_AND_ASSIGN(lhs, rexpr)                           \
  auto SALESPERF_TESTING_CONCAT(_statusor_, __LINE__) = (rexpr);   \
  ASSERT_TRUE(SALESPERF_TESTING_CONCAT(_statusor_, __LINE__).ok()) \
      << SALESPERF_TESTING_CONCAT(_statusor_, __LINE__).status();  \
  lhs = *std::move(SALESPERF_TESTING_CONCAT(_statusor_, __LINE__)) /* NOLINT: lhs may declare */

#endif  // SALESPERF_LIBS_TESTING_STATUS_MATCHERS_H_
