#include "libs/common/validation.h"

#include "absl/strings/cord.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"
#include "libs/testing/status_matchers.h"

namespace salesperf {
namespace {

using ::salesperf::testing::IsOk;
using ::salesperf::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(FieldViolationsTest, EmptyIsOk) {
  FieldViolations v;
  EXPECT_TRUE(v.empty());
  EXPECT_THAT(v.ToStatus(), IsOk());
}

TEST(FieldViolationsTest, ListsViolationsInMessageAndPayload) {
  FieldViolations v;
  v.Add("call.duration_seconds", "must be positive");
  v.AddIfError("records[3].started_at", absl::OkStatus());
  v.AddIfError("rep_id", absl::InvalidArgumentError("must not be empty"));
  EXPECT_FALSE(v.empty());
  EXPECT_THAT(v.violations(),
              ElementsAre(FieldViolation{"call.duration_seconds", "must be positive"},
                          FieldViolation{"rep_id", "must not be empty"}));

  const absl::Status status = v.ToStatus();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                               "invalid request: call.duration_seconds: must be positive; "
                               "rep_id: must not be empty"));
  EXPECT_EQ(FieldViolationsOf(status), v.violations());

  // The payload is a real google.rpc.BadRequest under its type URL.
  auto payload = status.GetPayload(kBadRequestTypeUrl);
  ASSERT_TRUE(payload.has_value());
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(bad_request.ParseFromString(std::string(*payload)));
  ASSERT_EQ(bad_request.field_violations_size(), 2);
  EXPECT_EQ(bad_request.field_violations(1).field(), "rep_id");
  EXPECT_EQ(bad_request.field_violations(1).description(), "must not be empty");
}

TEST(FieldViolationsTest, StatusWithoutPayloadHasNoViolations) {
  EXPECT_THAT(FieldViolationsOf(absl::OkStatus()), IsEmpty());
  EXPECT_THAT(FieldViolationsOf(absl::InvalidArgumentError("plain")), IsEmpty());
  absl::Status garbage = absl::InvalidArgumentError("bad payload");
  garbage.SetPayload(kBadRequestTypeUrl, absl::Cord("\xff\xff\xff"));
  EXPECT_THAT(FieldViolationsOf(garbage), IsEmpty());
}

TEST(InvalidFieldTest, SingleViolation) {
  const absl::Status status = InvalidField("amount.currency_code", "must be ISO 4217");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                               "invalid request: amount.currency_code: must be ISO 4217"));
  EXPECT_THAT(FieldViolationsOf(status),
              ElementsAre(FieldViolation{"amount.currency_code", "must be ISO 4217"}));
}

}  // namespace
}  // namespace salesperf
