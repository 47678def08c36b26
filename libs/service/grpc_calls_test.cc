#include "libs/service/grpc_calls.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/validation.h"
#include "libs/service/request_fingerprint.h"
#include "libs/testing/status_matchers.h"
#include "salesperf/targets/v1/targets.pb.h"

namespace salesperf::service {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;

TEST(CheckRequestId, WantsOneTo128Bytes) {
  EXPECT_OK(CheckRequestId("r-1"));
  EXPECT_OK(CheckRequestId(std::string(kMaxRequestIdLength, 'x')));
  EXPECT_THAT(CheckRequestId(""), testing::StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(FieldViolationsOf(CheckRequestId("")),
              ElementsAre(Field(&FieldViolation::field, "request_id")));
  EXPECT_THAT(CheckRequestId(std::string(kMaxRequestIdLength + 1, 'x')),
              testing::StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ReusedRequestIdError, IsAlreadyExistsAndNamesTheId) {
  EXPECT_THAT(ReusedRequestIdError("r-7"),
              testing::StatusIs(absl::StatusCode::kAlreadyExists, ::testing::HasSubstr("r-7")));
}

TEST(ValidateRequestIdAtEdge, ChecksMutationsOnly) {
  targets::v1::CreateRegionRequest mutation;
  mutation.set_region_id("east");
  EXPECT_THAT(ValidateRequestIdAtEdge(mutation),
              testing::StatusIs(absl::StatusCode::kInvalidArgument));
  mutation.set_request_id("r-1");
  EXPECT_OK(ValidateRequestIdAtEdge(mutation));
  // A query has no request_id field: nothing to check.
  targets::v1::GetOrganisationRequest query;
  EXPECT_OK(ValidateRequestIdAtEdge(query));
}

}  // namespace
}  // namespace salesperf::service
