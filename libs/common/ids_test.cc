#include "libs/common/ids.h"

#include <random>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/status_matchers.h"

namespace salesperf {
namespace {

using ::salesperf::testing::IsOk;
using ::salesperf::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

TEST(ValidateIdTest, AcceptsSafeCharacters) {
  for (std::string_view id :
       {"a", "rep-42", "team_north.east", "tenant:acme:rep-1", "A.b_C:d-9", "0"}) {
    EXPECT_THAT(ValidateId(id), IsOk()) << id;
  }
  EXPECT_THAT(ValidateId(std::string(kMaxIdLength, 'x')), IsOk());
}

TEST(ValidateIdTest, RejectsEmptyLongAndUnsafe) {
  EXPECT_THAT(ValidateId(""), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(ValidateId(std::string(kMaxIdLength + 1, 'x')),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at most 64")));
  for (std::string_view id : {"a b", "a/b", "a\\b", "a\nb", "é", "rep#1", "a,b", "销售"}) {
    EXPECT_THAT(ValidateId(id),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("may contain only")))
        << id;
  }
  EXPECT_THAT(ValidateId(std::string_view("a\0b", 3)),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(StrongIdTest, ParseValidates) {
  ASSERT_OK_AND_ASSIGN(RepId rep, RepId::Parse("rep-1"));
  EXPECT_EQ(rep.value(), "rep-1");
  EXPECT_FALSE(rep.empty());
  EXPECT_THAT(RepId::Parse("rep 1"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(RepId().empty());
}

TEST(StrongIdTest, ComparesHashesAndKeepsTypesApart) {
  const TeamId a = TeamId::FromTrusted("a");
  const TeamId b = TeamId::FromTrusted("b");
  EXPECT_EQ(a, TeamId::FromTrusted("a"));
  EXPECT_NE(a, b);
  EXPECT_LT(a, b);
  absl::flat_hash_set<TeamId> set = {a, b, TeamId::FromTrusted("a")};
  EXPECT_EQ(set.size(), 2u);
  static_assert(!std::is_convertible_v<RepId, TeamId>);
  static_assert(!std::is_constructible_v<TeamId, RepId>);
  static_assert(!std::is_constructible_v<TeamId, std::string>);
}

TEST(NewUuidTest, IsVersion4Rfc4122) {
  std::mt19937_64 gen(1);
  for (int i = 0; i < 200; ++i) {
    const std::string uuid = NewUuid(gen);
    ASSERT_THAT(uuid, MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                   "[0-9a-f]{12}"));
    ASSERT_THAT(ValidateId(uuid), IsOk());
  }
}

TEST(NewUuidTest, DeterministicForASeedAndDistinct) {
  std::mt19937_64 a(123);
  std::mt19937_64 b(123);
  EXPECT_EQ(NewUuid(a), NewUuid(b));
  absl::flat_hash_set<std::string> seen;
  std::mt19937_64 gen(99);
  for (int i = 0; i < 1000; ++i) seen.insert(NewUuid(gen));
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace salesperf
