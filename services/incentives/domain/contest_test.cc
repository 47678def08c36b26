#include "services/incentives/domain/contest.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/status_matchers.h"
#include "services/incentives/domain/test_fixtures.h"

namespace salesperf::incentives {
namespace {

using ::salesperf::testing::StatusIs;
using namespace ::salesperf::incentives::testing;  // NOLINT(build/namespaces): test builders

Contest RankContest(std::vector<Money> prizes) {
  Contest c;
  c.contest_id = "nov-sprint";
  c.metric = "revenue";
  c.scope_id = "east";
  c.period_id = "2026-11";
  c.rank_prizes = std::move(prizes);
  return c;
}

TEST(ContestTest, TiedRepsShareRankAndPoolThePrizes) {
  // a and b tie for 1st: they pool 1st + 2nd (1,500) and get 750 each; c is 3rd (200);
  // d is 4th with no prize.
  ASSERT_OK_AND_ASSIGN(std::vector<Standing> s,
                       ComputeStandings(RankContest({Yuan(1'000), Yuan(500), Yuan(200)}),
                                        {{"d", 5}, {"b", 10}, {"c", 8}, {"a", 10}}));
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].rep_id, "a");
  EXPECT_EQ(s[0].rank, 1);
  EXPECT_TRUE(s[0].tied);
  EXPECT_EQ(s[0].prize, Yuan(750));
  EXPECT_EQ(s[1].rep_id, "b");
  EXPECT_EQ(s[1].rank, 1);
  EXPECT_EQ(s[1].prize, Yuan(750));
  EXPECT_EQ(s[2].rep_id, "c");
  EXPECT_EQ(s[2].rank, 3);
  EXPECT_FALSE(s[2].tied);
  EXPECT_EQ(s[2].prize, Yuan(200));
  EXPECT_EQ(s[3].rank, 4);
  EXPECT_EQ(s[3].prize, Yuan(0));
}

TEST(ContestTest, UnevenPoolsGoByLargestRemainderInRepIdOrder) {
  // Three tie for 2nd and pool 2nd..4th = 50 + 30 + 21 = 101 fen; 101 / 3 = 33 r 2, so
  // the first two by rep id get 34.
  ASSERT_OK_AND_ASSIGN(std::vector<Standing> s,
                       ComputeStandings(RankContest({Fen(100), Fen(50), Fen(30), Fen(21)}),
                                        {{"z", 9}, {"y", 7}, {"x", 7}, {"w", 7}}));
  EXPECT_EQ(s[0].prize, Fen(100));
  EXPECT_EQ(s[1].rep_id, "w");
  EXPECT_EQ(s[1].rank, 2);
  EXPECT_EQ(s[1].prize, Fen(34));
  EXPECT_EQ(s[2].rep_id, "x");
  EXPECT_EQ(s[2].prize, Fen(34));
  EXPECT_EQ(s[3].rep_id, "y");
  EXPECT_EQ(s[3].prize, Fen(33));
}

TEST(ContestTest, TieBeyondThePrizeListSharesWhatIsLeft) {
  // Two tie for 2nd with a single 2nd prize of 99 fen and no 3rd: 50 / 49.
  ASSERT_OK_AND_ASSIGN(std::vector<Standing> s, ComputeStandings(RankContest({Fen(100), Fen(99)}),
                                                                 {{"a", 3}, {"b", 2}, {"c", 2}}));
  EXPECT_EQ(s[1].prize, Fen(50));
  EXPECT_EQ(s[2].prize, Fen(49));
}

TEST(ContestTest, ThresholdPrizesAndQualification) {
  Contest c = RankContest({Yuan(1'000)});
  c.threshold_prizes = {{100, Yuan(50)}, {200, Yuan(120)}};
  c.min_value = 50;
  ASSERT_OK_AND_ASSIGN(std::vector<Standing> s,
                       ComputeStandings(c, {{"a", 250}, {"b", 150}, {"c", 60}, {"d", 40}}));
  EXPECT_EQ(s[0].prize, Yuan(1'120));  // 1st + the 200 threshold (not 50 + 120)
  EXPECT_EQ(s[0].threshold_prize, Yuan(120));
  EXPECT_EQ(s[1].prize, Yuan(50));
  EXPECT_EQ(s[2].prize, Yuan(0));
  EXPECT_EQ(s[2].rank, 3);
  EXPECT_EQ(s[3].rep_id, "d");
  EXPECT_EQ(s[3].rank, 0);  // below min_value: unranked
  EXPECT_EQ(s[3].prize, Yuan(0));
}

TEST(ContestTest, Errors) {
  EXPECT_THAT(ComputeStandings(RankContest({Yuan(1)}), {{"a", 1}, {"a", 2}}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ComputeStandings(RankContest({Yuan(-1)}), {}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateContest(RankContest({})), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace salesperf::incentives
