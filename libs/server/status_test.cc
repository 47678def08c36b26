#include "libs/server/status.h"

#include <string>

#include "absl/strings/cord.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "libs/common/validation.h"

namespace salesperf::server {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(StatusTest, EveryCodeRoundTripsWithItsMessage) {
  for (int i = 1; i <= 16; ++i) {
    const auto code = static_cast<absl::StatusCode>(i);
    const absl::Status original(code, "message " + std::to_string(i));
    const grpc::Status wire = ToGrpcStatus(original);
    EXPECT_EQ(static_cast<int>(wire.error_code()), i) << original;
    EXPECT_EQ(wire.error_message(), "message " + std::to_string(i));
    EXPECT_TRUE(wire.error_details().empty()) << "no payload, no details";
    EXPECT_EQ(FromGrpcStatus(wire), original);
    EXPECT_EQ(FromGrpcCode(ToGrpcCode(code)), code);
  }
}

TEST(StatusTest, OkIsOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(StatusTest, CodesOutsideTheEnumBecomeUnknown) {
  EXPECT_EQ(ToGrpcCode(static_cast<absl::StatusCode>(42)), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(FromGrpcCode(static_cast<grpc::StatusCode>(42)), absl::StatusCode::kUnknown);
  EXPECT_STREQ(GrpcCodeName(static_cast<grpc::StatusCode>(42)), "UNKNOWN");
}

TEST(StatusTest, CanonicalCodeNames) {
  EXPECT_STREQ(GrpcCodeName(grpc::StatusCode::OK), "OK");
  EXPECT_STREQ(GrpcCodeName(grpc::StatusCode::INVALID_ARGUMENT), "INVALID_ARGUMENT");
  EXPECT_STREQ(GrpcCodeName(grpc::StatusCode::FAILED_PRECONDITION), "FAILED_PRECONDITION");
  EXPECT_STREQ(GrpcCodeName(grpc::StatusCode::UNAUTHENTICATED), "UNAUTHENTICATED");
  for (int i = 0; i <= 16; ++i) {
    // Agrees with Abseil's names, which are the canonical ones in another spelling.
    std::string abseil = absl::StatusCodeToString(static_cast<absl::StatusCode>(i));
    std::string upper;
    for (char c : abseil) {
      if (c == ' ') {
        upper.push_back('_');
      } else {
        upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
      }
    }
    EXPECT_EQ(GrpcCodeName(static_cast<grpc::StatusCode>(i)), upper);
  }
}

TEST(StatusTest, FieldViolationsTravelAsBadRequestInStatusDetails) {
  FieldViolations violations;
  violations.Add("call.duration_seconds", "must be positive");
  violations.Add("records[3].started_at", "is required");
  const absl::Status original = violations.ToStatus();

  const grpc::Status wire = ToGrpcStatus(original);
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // What a client in any language sees: a google.rpc.Status with a BadRequest Any.
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(wire.error_details()));
  EXPECT_EQ(details.code(), 3);
  EXPECT_EQ(details.message(), wire.error_message());
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 2);
  EXPECT_EQ(bad_request.field_violations(1).field(), "records[3].started_at");

  const absl::Status back = FromGrpcStatus(wire);
  EXPECT_EQ(back, original);
  EXPECT_THAT(FieldViolationsOf(back),
              ElementsAre(FieldViolation{"call.duration_seconds", "must be positive"},
                          FieldViolation{"records[3].started_at", "is required"}));
}

TEST(StatusTest, AnyPayloadRoundTripsWithAnyCode) {
  absl::Status original = absl::AbortedError("version conflict");
  original.SetPayload("type.googleapis.com/salesperf.Example", absl::Cord("\x01\x02 bytes"));
  const absl::Status back = FromGrpcStatus(ToGrpcStatus(original));
  EXPECT_EQ(back, original);
  EXPECT_THAT(FieldViolationsOf(back), IsEmpty());
}

TEST(StatusTest, UnparsableDetailsKeepCodeAndMessage) {
  const grpc::Status wire(grpc::StatusCode::NOT_FOUND, "no such deal", "\xff\xff not a proto");
  EXPECT_EQ(FromGrpcStatus(wire), absl::NotFoundError("no such deal"));
}

}  // namespace
}  // namespace salesperf::server
