#include "services/incentives/domain/what_if.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/status_matchers.h"
#include "services/incentives/domain/test_fixtures.h"

namespace salesperf::incentives {
namespace {

using ::salesperf::testing::StatusIs;
using namespace ::salesperf::incentives::testing;  // NOLINT(build/namespaces): test builders

std::vector<Money> Fens(std::vector<int64_t> v) {
  std::vector<Money> out;
  for (int64_t x : v) out.push_back(Fen(x));
  return out;
}

TEST(SpreadTest, GiniOnHandCases) {
  // One of four takes everything: sum|xi-xj| = 2 * 3 * 100 = 600; 2 n sum = 800 -> 0.75.
  ASSERT_OK_AND_ASSIGN(Spread s, ComputeSpread(Cny(), Fens({0, 100, 0, 0})));
  EXPECT_EQ(s.gini_ppm, 750'000);
  EXPECT_EQ(s.total, Fen(100));
  EXPECT_EQ(s.min, Fen(0));
  EXPECT_EQ(s.max, Fen(100));
  EXPECT_EQ(s.median, Fen(0));
  // 1, 2, 3: sum|xi-xj| = 2 * (1 + 2 + 1) = 8; 2 * 3 * 6 = 36 -> 0.222222.
  ASSERT_OK_AND_ASSIGN(Spread t, ComputeSpread(Cny(), Fens({3, 1, 2})));
  EXPECT_EQ(t.gini_ppm, 222'222);
  EXPECT_EQ(t.median, Fen(2));
  // Equal payouts: 0.
  ASSERT_OK_AND_ASSIGN(Spread e, ComputeSpread(Cny(), Fens({5, 5, 5})));
  EXPECT_EQ(e.gini_ppm, 0);
  // 1, 3: 2 * 2 / (2 * 2 * 4) = 0.25.
  ASSERT_OK_AND_ASSIGN(Spread two, ComputeSpread(Cny(), Fens({1, 3})));
  EXPECT_EQ(two.gini_ppm, 250'000);
}

TEST(SpreadTest, EvenMedianRoundsHalfEven) {
  ASSERT_OK_AND_ASSIGN(Spread a, ComputeSpread(Cny(), Fens({1, 2, 3, 4})));  // 2.5 -> 2
  EXPECT_EQ(a.median, Fen(2));
  ASSERT_OK_AND_ASSIGN(Spread b, ComputeSpread(Cny(), Fens({1, 3, 4, 5})));  // 3.5 -> 4
  EXPECT_EQ(b.median, Fen(4));
}

TEST(SpreadTest, EmptyAndDegenerate) {
  ASSERT_OK_AND_ASSIGN(Spread empty, ComputeSpread(Cny(), {}));
  EXPECT_EQ(empty.count, 0);
  EXPECT_EQ(empty.total, Fen(0));
  ASSERT_OK_AND_ASSIGN(Spread negative, ComputeSpread(Cny(), Fens({-5, 3})));
  EXPECT_EQ(negative.gini_ppm, 0);  // total <= 0
  EXPECT_THAT(ComputeSpread(Cny(), {*Money::Of("USD", 1)}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(WhatIfTest, ProposedPlanBesideTheCurrentOne) {
  // Current flat 2%, proposed 2/5/8% marginal; targets 200,000 each.
  //   r1 260,000: 5,200 vs 11,800   r2 100,000: 2,000 vs 2,000   r3 0: 0 vs 0
  const Plan current = FlatPlan(20'000);
  const Plan proposed = TieredPlan();
  std::vector<RepPeriodFacts> facts = {Facts({Deal("a", Yuan(260'000))}, Yuan(200'000)),
                                       Facts({Deal("b", Yuan(100'000))}, Yuan(200'000)),
                                       Facts({}, Yuan(200'000))};
  facts[1].rep_id = "r2";
  facts[2].rep_id = "r3";
  ASSERT_OK_AND_ASSIGN(WhatIfReport report, CompareWhatIf(current, proposed, facts));
  ASSERT_EQ(report.reps.size(), 3u);
  EXPECT_EQ(report.reps[0].rep_id, "r1");
  EXPECT_EQ(report.reps[0].current, Yuan(5'200));
  EXPECT_EQ(report.reps[0].proposed, Yuan(11'800));
  EXPECT_EQ(report.reps[0].difference, Yuan(6'600));
  EXPECT_EQ(report.current.total, Yuan(7'200));
  EXPECT_EQ(report.proposed.total, Yuan(13'800));
  EXPECT_EQ(report.cost_difference, Yuan(6'600));
  EXPECT_EQ(report.proposed.median, Yuan(2'000));
  EXPECT_EQ(report.proposed.max, Yuan(11'800));
  EXPECT_EQ(report.proposed.min, Yuan(0));
  // Current 0, 2,000, 5,200: sum|xi-xj| = 2 * (2,000 + 5,200 + 3,200) = 20,800;
  // 2 * 3 * 7,200 = 43,200 -> 0.481481...
  EXPECT_EQ(report.current.gini_ppm, 481'481);
  // Proposed 0, 2,000, 11,800: 2 * (2,000 + 11,800 + 9,800) = 47,200; 2 * 3 * 13,800 = 82,800
  // -> 0.570048...
  EXPECT_EQ(report.proposed.gini_ppm, 570'048);
}

}  // namespace
}  // namespace salesperf::incentives
