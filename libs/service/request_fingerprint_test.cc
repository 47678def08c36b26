#include "libs/service/request_fingerprint.h"

#include "gtest/gtest.h"
#include "salesperf/targets/v1/targets.pb.h"

namespace salesperf::service {
namespace {

TEST(StableHash64, IsFnv1a) {
  // Published FNV-1a 64 test vectors.
  EXPECT_EQ(StableHash64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(StableHash64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(StableHash64("foobar"), 0x85944171f73967e8ULL);
}

TEST(RequestFingerprint, IgnoresTheRequestIdAndNamesTheService) {
  targets::v1::CreateRegionRequest first;
  first.set_request_id("r-1");
  first.set_region_id("east");
  targets::v1::CreateRegionRequest retry = first;
  retry.set_request_id("r-2");
  EXPECT_EQ(RequestFingerprint(first, "targets"), RequestFingerprint(retry, "targets"));
  EXPECT_EQ(RequestFingerprint(first, "targets").rfind("targets-fp1:", 0), 0u);
  EXPECT_EQ(RequestFingerprint(first, "targets").size(), std::string("targets-fp1:").size() + 16);
}

TEST(RequestFingerprint, DiffersForADifferentRequestOrType) {
  targets::v1::CreateRegionRequest region;
  region.set_region_id("east");
  targets::v1::CreateRegionRequest other = region;
  other.set_region_id("west");
  EXPECT_NE(RequestFingerprint(region, "targets"), RequestFingerprint(other, "targets"));
  targets::v1::CreateTeamRequest team;
  EXPECT_NE(RequestFingerprint(targets::v1::CreateRegionRequest(), "targets"),
            RequestFingerprint(team, "targets"));
}

}  // namespace
}  // namespace salesperf::service
