// Hand-computed plans: every number below is worked out in the comment beside it.
#include "services/incentives/domain/calculator.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/validation.h"
#include "libs/testing/status_matchers.h"
#include "services/incentives/domain/test_fixtures.h"

namespace salesperf::incentives {
namespace {

using ::salesperf::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace ::salesperf::incentives::testing;  // NOLINT(build/namespaces): test builders

std::vector<std::string> Keys(const Statement& s) {
  std::vector<std::string> keys;
  for (const StatementLine& line : s.lines) keys.push_back(line.key);
  return keys;
}

// Parts of every line add up to the line, and lines add up to the total.
void ExpectConsistent(const Statement& s) {
  int64_t total = 0;
  for (const StatementLine& line : s.lines) {
    total += line.amount.minor_units();
    if (line.deals.empty()) continue;
    int64_t amount = 0, base = 0;
    for (const DealPart& p : line.deals) {
      amount += p.amount.minor_units();
      base += p.base.minor_units();
    }
    EXPECT_EQ(amount, line.amount.minor_units()) << line.key;
    if (base != 0) {
      EXPECT_EQ(base, line.base.minor_units()) << line.key;
    }
  }
  EXPECT_EQ(total, s.total.minor_units());
}

TEST(FlatRateTest, PaysEveryDealAtTheRate) {
  // 100,000 + 20,000 = 120,000 at 3% = 3,600; per deal 3,000 and 600.
  ASSERT_OK_AND_ASSIGN(
      Statement s,
      Calculate(FlatPlan(30'000), Facts({Deal("a", Yuan(100'000)), Deal("b", Yuan(20'000))})));
  ASSERT_EQ(s.lines.size(), 1u);
  const StatementLine& line = s.lines[0];
  EXPECT_EQ(line.key, "commission/tier-1/plan");
  EXPECT_EQ(line.kind, LineKind::kCommission);
  EXPECT_EQ(line.description, "120,000.00 CNY x 3.00% = 3,600.00 CNY, flat rate");
  EXPECT_EQ(line.amount, Yuan(3'600));
  EXPECT_THAT(line.deals, ElementsAre(DealPart{"a", Yuan(100'000), Yuan(3'000)},
                                      DealPart{"b", Yuan(20'000), Yuan(600)}));
  EXPECT_THAT(line.refs, ElementsAre(EventRef{"deal-a", 3, 100}, EventRef{"deal-b", 3, 100}));
  EXPECT_EQ(line.plan_id, "plan-a");
  EXPECT_EQ(line.plan_version, 1);
  EXPECT_EQ(s.total, Yuan(3'600));
  EXPECT_FALSE(s.attainment_bp.has_value());
}

TEST(FlatRateTest, RoundsEachLineHalfEven) {
  // 5% of 0.10 CNY = 0.5 fen -> 0 (even); 5% of 0.30 CNY = 1.5 fen -> 2 (even).
  ASSERT_OK_AND_ASSIGN(Statement a, Calculate(FlatPlan(50'000), Facts({Deal("a", Fen(10))})));
  EXPECT_EQ(a.total, Fen(0));
  ASSERT_OK_AND_ASSIGN(Statement b, Calculate(FlatPlan(50'000), Facts({Deal("a", Fen(30))})));
  EXPECT_EQ(b.total, Fen(2));
}

TEST(MarginalTiersTest, PaysEachSliceAtItsTierRate) {
  // Target 200,000: boundaries 100,000 (50%) and 200,000 (100%). Revenue 260,000:
  // 100,000 x 2% = 2,000; 100,000 x 5% = 5,000; 60,000 x 8% = 4,800 (accelerator).
  ASSERT_OK_AND_ASSIGN(
      Statement s,
      Calculate(TieredPlan(),
                Facts({Deal("a", Yuan(150'000)), Deal("b", Yuan(110'000))}, Yuan(200'000))));
  EXPECT_THAT(Keys(s), ElementsAre("commission/tier-1/plan", "commission/tier-2/plan",
                                   "commission/tier-3/plan"));
  EXPECT_EQ(s.lines[0].description, "100,000.00 CNY x 2.00% = 2,000.00 CNY, tier 1 (0.00%-50.00%)");
  EXPECT_EQ(s.lines[1].description,
            "100,000.00 CNY x 5.00% = 5,000.00 CNY, tier 2 (50.00%-100.00%)");
  EXPECT_EQ(s.lines[2].description, "60,000.00 CNY x 8.00% = 4,800.00 CNY, tier 3 (from 100.00%)");
  EXPECT_EQ(s.lines[0].kind, LineKind::kCommission);
  EXPECT_EQ(s.lines[2].kind, LineKind::kAccelerator);
  EXPECT_EQ(s.lines[2].tier, 3);
  EXPECT_EQ(s.total, Yuan(11'800));
  EXPECT_EQ(s.attainment_bp, 13'000);
  EXPECT_EQ(s.credited_revenue, Yuan(260'000));
  // The target's event is among every commission line's refs.
  EXPECT_THAT(s.lines[1].refs, ::testing::Contains(EventRef{"target-tgt-r1", 2, 7}));
  EXPECT_EQ(s.lines[1].target_id, "tgt-r1");
  ExpectConsistent(s);
  // Slices are shared by remaining credit: a gets 5,769,231 + 5,769,231 + 3,461,538 fen
  // = 150,000.00 exactly (worked in README.md).
  EXPECT_EQ(s.lines[0].deals[0].base, Fen(5'769'231));
  EXPECT_EQ(s.lines[1].deals[0].base, Fen(5'769'231));
  EXPECT_EQ(s.lines[2].deals[0].base, Fen(3'461'538));
}

TEST(MarginalTiersTest, DealOrderDoesNotMatter) {
  std::vector<CreditedDeal> deals = {Deal("c", Fen(3'333'333)), Deal("a", Fen(7'777'777)),
                                     Deal("b", Fen(12'345'679)), Deal("d", Fen(1))};
  ASSERT_OK_AND_ASSIGN(Statement forward, Calculate(TieredPlan(), Facts(deals, Yuan(150'000))));
  std::reverse(deals.begin(), deals.end());
  ASSERT_OK_AND_ASSIGN(Statement backward, Calculate(TieredPlan(), Facts(deals, Yuan(150'000))));
  ASSERT_EQ(forward.lines.size(), backward.lines.size());
  for (size_t i = 0; i < forward.lines.size(); ++i) {
    EXPECT_EQ(forward.lines[i].key, backward.lines[i].key);
    EXPECT_EQ(forward.lines[i].amount, backward.lines[i].amount);
    EXPECT_EQ(forward.lines[i].deals, backward.lines[i].deals);
  }
  ExpectConsistent(forward);
}

TEST(WholeTiersTest, PaysAllRevenueAtTheTierReached) {
  const Plan plan = TieredPlan(TierMode::kWhole);
  // 260,000 >= 100% of 200,000: all at 8% = 20,800.
  ASSERT_OK_AND_ASSIGN(Statement top,
                       Calculate(plan, Facts({Deal("a", Yuan(260'000))}, Yuan(200'000))));
  ASSERT_EQ(top.lines.size(), 1u);
  EXPECT_EQ(top.lines[0].description,
            "260,000.00 CNY x 8.00% = 20,800.00 CNY, tier 3 (from 100.00%)");
  EXPECT_EQ(top.lines[0].kind, LineKind::kAccelerator);
  // 150,000 = 75%: all at 5% = 7,500.
  ASSERT_OK_AND_ASSIGN(Statement mid,
                       Calculate(plan, Facts({Deal("a", Yuan(150'000))}, Yuan(200'000))));
  EXPECT_EQ(mid.total, Yuan(7'500));
  EXPECT_EQ(mid.lines[0].key, "commission/tier-2/plan");
  // Exactly 50% reaches tier 2: 100,000 x 5% = 5,000.
  ASSERT_OK_AND_ASSIGN(Statement edge,
                       Calculate(plan, Facts({Deal("a", Yuan(100'000))}, Yuan(200'000))));
  EXPECT_EQ(edge.total, Yuan(5'000));
  // One fen short stays in tier 1: 99,999.99 x 2% = 1,999.9998 -> 2,000.00.
  ASSERT_OK_AND_ASSIGN(Statement below,
                       Calculate(plan, Facts({Deal("a", Fen(9'999'999))}, Yuan(200'000))));
  EXPECT_EQ(below.lines[0].tier, 1);
  EXPECT_EQ(below.total, Yuan(2'000));
}

TEST(WholeTiersTest, BoundaryIsTheLeastRevenueReachingTheThreshold) {
  // Target 333.33: 50% is 166.665, so the boundary is ceil = 166.67.
  const Plan plan = TieredPlan(TierMode::kWhole);
  ASSERT_OK_AND_ASSIGN(Statement at, Calculate(plan, Facts({Deal("a", Fen(16'667))}, Fen(33'333))));
  EXPECT_EQ(at.lines[0].tier, 2);
  EXPECT_EQ(at.total, Fen(833));  // 16,667 x 5% = 833.35 -> 833
  ASSERT_OK_AND_ASSIGN(Statement under,
                       Calculate(plan, Facts({Deal("a", Fen(16'666))}, Fen(33'333))));
  EXPECT_EQ(under.lines[0].tier, 1);
  EXPECT_EQ(under.total, Fen(333));  // 16,666 x 2% = 333.32 -> 333
}

TEST(CapTest, AbsoluteCapTrimsCommissionAndSharesTheCutByDeal) {
  // 120,000 x 10% = 12,000 capped at 10,000: -2,000, split 10:2 by each deal's commission
  // (-1,666.67 / -333.33, largest remainder).
  Plan plan = FlatPlan(100'000);
  plan.cap = Cap{Yuan(10'000), std::nullopt};
  ASSERT_OK_AND_ASSIGN(Statement s,
                       Calculate(plan, Facts({Deal("a", Yuan(100'000)), Deal("b", Yuan(20'000))})));
  ASSERT_THAT(Keys(s), ElementsAre("commission/tier-1/plan", "cap"));
  EXPECT_EQ(s.lines[1].kind, LineKind::kCapAdjustment);
  EXPECT_EQ(s.lines[1].amount, Yuan(-2'000));
  EXPECT_EQ(s.lines[1].description,
            "commission 12,000.00 CNY capped at 10,000.00 CNY: -2,000.00 CNY");
  EXPECT_EQ(s.total, Yuan(10'000));
  EXPECT_EQ(DealCommission(s, "a"), Fen(833'333));
  EXPECT_EQ(DealCommission(s, "b"), Fen(166'667));
  ExpectConsistent(s);
}

TEST(CapTest, ShareOfTargetCap) {
  // Cap 5% of a 100,000 target = 5,000; 60,000 x 10% = 6,000 -> -1,000.
  Plan plan = FlatPlan(100'000);
  plan.cap = Cap{std::nullopt, 500};
  ASSERT_OK_AND_ASSIGN(Statement s,
                       Calculate(plan, Facts({Deal("a", Yuan(60'000))}, Yuan(100'000))));
  EXPECT_EQ(s.total, Yuan(5'000));
  EXPECT_THAT(s.lines[1].description,
              HasSubstr("capped at 5,000.00 CNY (5.00% of target 100,000.00 CNY)"));
  // Below the cap: no line.
  ASSERT_OK_AND_ASSIGN(Statement under,
                       Calculate(plan, Facts({Deal("a", Yuan(40'000))}, Yuan(100'000))));
  EXPECT_THAT(Keys(under), ElementsAre("commission/tier-1/plan"));
}

TEST(GateTest, NothingBelowTheGate) {
  // 90,000 of 200,000 = 45% < 50%: the 2,700 is withheld.
  Plan plan = FlatPlan(30'000);
  plan.gate = Gate{5'000};
  ASSERT_OK_AND_ASSIGN(Statement s,
                       Calculate(plan, Facts({Deal("a", Yuan(90'000))}, Yuan(200'000))));
  ASSERT_THAT(Keys(s), ElementsAre("commission/tier-1/plan", "gate"));
  EXPECT_EQ(s.lines[1].description,
            "attainment 45.00% below gate 50.00%: commission 2,700.00 CNY withheld");
  EXPECT_EQ(s.total, Yuan(0));
  EXPECT_EQ(DealCommission(s, "a"), Yuan(0));
  // At exactly 50% the gate is open.
  ASSERT_OK_AND_ASSIGN(Statement open,
                       Calculate(plan, Facts({Deal("a", Yuan(100'000))}, Yuan(200'000))));
  EXPECT_EQ(open.total, Yuan(3'000));
}

TEST(DeceleratorTest, RevenueAboveTheThresholdPaysLess) {
  // Target 100,000, decelerator x50% above 150%: 150,000 x 10% = 15,000, then
  // 50,000 x 5% = 2,500.
  Plan plan = FlatPlan(100'000);
  plan.decelerator = Decelerator{15'000, 500'000};
  ASSERT_OK_AND_ASSIGN(Statement s,
                       Calculate(plan, Facts({Deal("a", Yuan(200'000))}, Yuan(100'000))));
  ASSERT_THAT(Keys(s), ElementsAre("commission/tier-1/plan", "commission/tier-1/plan/decelerated"));
  EXPECT_EQ(s.lines[1].kind, LineKind::kDecelerator);
  EXPECT_EQ(s.lines[1].description,
            "50,000.00 CNY x 5.00% = 2,500.00 CNY, flat rate, decelerated above 150.00% "
            "(x50.00%)");
  EXPECT_EQ(s.total, Yuan(17'500));
}

TEST(RateOverrideTest, ProductAndCustomerRates) {
  // Plan 2%; hw paid 5% flat; gov paid 150% of the plan rate (3%).
  // 100,000 x 2% = 2,000; 50,000 x 5% = 2,500; 40,000 x 3% = 1,200.
  Plan plan = FlatPlan(20'000);
  plan.rate_overrides = {RateOverride{"hw", "hardware", "", 50'000, std::nullopt},
                         RateOverride{"gov", "", "government", std::nullopt, 1'500'000}};
  ASSERT_OK_AND_ASSIGN(
      Statement s,
      Calculate(plan, Facts({Deal("a", Yuan(100'000)), Deal("b", Yuan(50'000), {}, "hardware"),
                             Deal("c", Yuan(40'000), {}, "", "government"),
                             // Matches both: the first rule (hw) wins.
                             Deal("d", Yuan(10'000), {}, "hardware", "government")})));
  ASSERT_THAT(Keys(s), ElementsAre("commission/tier-1/plan", "commission/tier-1/rate-hw",
                                   "commission/tier-1/rate-gov"));
  EXPECT_EQ(s.lines[0].amount, Yuan(2'000));
  EXPECT_EQ(s.lines[1].amount, Yuan(3'000));  // (50,000 + 10,000) x 5%
  EXPECT_EQ(s.lines[2].amount, Yuan(1'200));
  EXPECT_EQ(s.lines[2].description,
            "40,000.00 CNY x 3.00% = 1,200.00 CNY, flat rate, rate override gov "
            "(customer_type=government) x150.00%");
  EXPECT_EQ(s.lines[2].rate.numerator * 100, s.lines[2].rate.denominator * 3);
}

TEST(RateOverrideTest, AbsoluteRateIsNeverAnAccelerator) {
  // A hardware deal of 260,000 against 200,000 at a flat 4% in every tier:
  // 100,000 x 4% + 100,000 x 4% + 60,000 x 4%.
  Plan plan = TieredPlan();
  plan.rate_overrides = {RateOverride{"hw", "hardware", "", 40'000, std::nullopt}};
  ASSERT_OK_AND_ASSIGN(
      Statement s,
      Calculate(plan, Facts({Deal("a", Yuan(260'000), {}, "hardware")}, Yuan(200'000))));
  ASSERT_THAT(Keys(s), ElementsAre("commission/tier-1/rate-hw", "commission/tier-2/rate-hw",
                                   "commission/tier-3/rate-hw"));
  EXPECT_EQ(s.lines[2].kind, LineKind::kCommission);
  EXPECT_EQ(s.total, Yuan(10'400));
}

TEST(SplitTest, CreditedAmountsAddUpToTheDeal) {
  // 100,000.01 by 3333 / 3333 / 3334 bp: 3,333,000.33.. / 3,333,000.33.. / 3,334,000.33..
  // fen; the spare fen goes to the largest remainder (the third).
  CreditedDeal deal = Deal("a", Fen(10'000'001), {{"r1", 3'333}, {"r2", 3'333}, {"r3", 3'334}});
  EXPECT_THAT(CreditedAmount(deal, "r1"), ::salesperf::testing::IsOkAndHolds(Fen(3'333'000)));
  EXPECT_THAT(CreditedAmount(deal, "r2"), ::salesperf::testing::IsOkAndHolds(Fen(3'333'000)));
  EXPECT_THAT(CreditedAmount(deal, "r3"), ::salesperf::testing::IsOkAndHolds(Fen(3'334'001)));
  EXPECT_THAT(CreditedAmount(deal, "r9"), StatusIs(absl::StatusCode::kInvalidArgument));
  deal.splits[2].share_bp = 3'000;
  EXPECT_THAT(CreditedAmount(deal, "r1"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("sum to 9666")));
}

TEST(SplitTest, EachRepIsPaidOnItsShare) {
  // 100,000 split 50/50, 10% each: 5,000 per rep.
  CreditedDeal deal = Deal("a", Yuan(100'000), {{"r2", 5'000}, {"r1", 5'000}});
  ASSERT_OK_AND_ASSIGN(Statement s, Calculate(FlatPlan(100'000), Facts({deal})));
  EXPECT_EQ(s.credited_revenue, Yuan(50'000));
  EXPECT_EQ(s.total, Yuan(5'000));
  EXPECT_EQ(s.lines[0].deals[0].base, Yuan(50'000));
}

TEST(ManagerOverrideTest, ShareOfEachTeamsCredit) {
  // 1% of t1 (60,000 + 40,000) = 1,000.00; of t2 (33,333.33) = 333.3333 -> 333.33.
  Plan plan = BasePlan();
  plan.manager_override = ManagerOverride{100};
  RepPeriodFacts facts = Facts({});
  facts.team_credits = {TeamCredit{"t2", "r3", "d3", Fen(3'333'333), {EventRef{"deal-d3", 4, 9}}},
                        TeamCredit{"t1", "r1", "d1", Yuan(60'000), {EventRef{"deal-d1", 4, 5}}},
                        TeamCredit{"t1", "r2", "d2", Yuan(40'000), {EventRef{"deal-d2", 4, 6}}}};
  ASSERT_OK_AND_ASSIGN(Statement s, Calculate(plan, facts));
  ASSERT_THAT(Keys(s), ElementsAre("override/t1", "override/t2"));
  EXPECT_EQ(s.lines[0].kind, LineKind::kOverride);
  EXPECT_EQ(s.lines[0].description,
            "100,000.00 CNY x 1.00% = 1,000.00 CNY, manager override on team t1");
  EXPECT_THAT(s.lines[0].deals, ElementsAre(DealPart{"d1", Yuan(60'000), Yuan(600)},
                                            DealPart{"d2", Yuan(40'000), Yuan(400)}));
  EXPECT_EQ(s.lines[1].amount, Fen(33'333));
  EXPECT_EQ(s.total, Fen(133'333));
  // What the manager would lose if d1 were cancelled later.
  EXPECT_EQ(DealCommission(s, "d1"), Yuan(600));
}

TEST(ClawbackTest, CancelledDealReversesItsCommissionInTheCancellationPeriod) {
  // October under v1 (2/5/8% marginal, target 200,000): x 150,000 and y 110,000 earn
  // 11,800 together. x's parts: 1,153.85 + 2,884.62 + 2,769.23 = 6,807.70 (README.md).
  const Plan v1 = TieredPlan();
  RepPeriodFacts october =
      Facts({Deal("x", Yuan(150'000)), Deal("y", Yuan(110'000))}, Yuan(200'000), "2026-10");
  ASSERT_OK_AND_ASSIGN(Statement oct, Calculate(v1, october));
  EXPECT_EQ(DealCommission(oct, "x"), Fen(680'770));
  EXPECT_EQ(DealCommission(oct, "y"), Fen(499'230));
  ASSERT_OK_AND_ASSIGN(Money x_commission, DealCommission(v1, october, "x"));
  EXPECT_EQ(x_commission, Fen(680'770));

  // November under v2 (flat 1%): z 10,000 earns 100; x is cancelled on 11-05.
  Plan v2 = FlatPlan(10'000);
  v2.version = 2;
  RepPeriodFacts november = Facts({Deal("z", Yuan(10'000))});
  Cancellation c;
  c.deal_id = "x";
  c.cancelled_on = absl::CivilDay(2026, 11, 5);
  c.won_period_id = "2026-10";
  c.won_plan_id = v1.plan_id;
  c.won_plan_version = v1.version;
  c.commission = x_commission;
  c.refs = {EventRef{"deal-x", 7, 300}, EventRef{"deal-x", 3, 100}};
  november.cancellations = {c};
  ASSERT_OK_AND_ASSIGN(Statement nov, Calculate(v2, november));
  ASSERT_THAT(Keys(nov), ElementsAre("commission/tier-1/plan", "clawback/x"));
  const StatementLine& claw = nov.lines[1];
  EXPECT_EQ(claw.kind, LineKind::kClawback);
  EXPECT_EQ(claw.amount, Fen(-680'770));
  EXPECT_EQ(claw.description,
            "deal x won in 2026-10 (plan plan-a v1) cancelled on 2026-11-05: commission "
            "6,807.70 CNY clawed back");
  // Traced to both the cancellation and the win, sorted.
  EXPECT_THAT(claw.refs, ElementsAre(EventRef{"deal-x", 3, 100}, EventRef{"deal-x", 7, 300}));
  EXPECT_EQ(nov.total, Fen(10'000 - 680'770));
  // Nothing changes in October: the clawback lives in November.
  ASSERT_OK_AND_ASSIGN(Statement oct_again, Calculate(v1, october));
  EXPECT_EQ(oct_again.total, oct.total);
  // Net over the two periods x earned nothing.
  EXPECT_EQ(DealCommission(oct, "x").minor_units() + DealCommission(nov, "x").minor_units(), 0);
}

TEST(ClawbackTest, RejectsNegativeAndDuplicateCancellations) {
  RepPeriodFacts facts = Facts({});
  Cancellation c;
  c.deal_id = "x";
  c.commission = Yuan(-1);
  facts.cancellations = {c};
  EXPECT_THAT(Calculate(FlatPlan(10'000), facts), StatusIs(absl::StatusCode::kInvalidArgument));
  facts.cancellations[0].commission = Yuan(1);
  facts.cancellations.push_back(facts.cancellations[0]);
  EXPECT_THAT(Calculate(FlatPlan(10'000), facts),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cancelled twice")));
}

Plan BonusPlan() {
  Plan plan = BasePlan();
  plan.bonuses = {TargetBonus{"quarter", "revenue", 10'000, Yuan(5'000)}};
  plan.penalties = {MissPenalty{"visits", "visits", 8'000, 3'000, std::nullopt}};
  return plan;
}

RepPeriodFacts BonusFacts(int64_t revenue_yuan, int64_t visits) {
  RepPeriodFacts facts = Facts({Deal("a", Yuan(revenue_yuan))}, Yuan(100'000), "2026-Q4");
  facts.metrics = {MetricAttainment{"visits", "tgt-visits", 40, visits, {{"target-v", 1, 2}}}};
  return facts;
}

TEST(BonusTest, BonusAtTargetAndPenaltyForAMissedOne) {
  // Revenue 100% -> 5,000 bonus; visits 30 of 40 = 75% < 80% -> 30% less: -1,500.
  ASSERT_OK_AND_ASSIGN(Statement s, Calculate(BonusPlan(), BonusFacts(100'000, 30)));
  ASSERT_THAT(Keys(s), ElementsAre("bonus/quarter", "penalty/visits"));
  EXPECT_EQ(s.lines[0].description,
            "bonus quarter: revenue attainment 100.00% >= 100.00%: 5,000.00 CNY");
  EXPECT_EQ(s.lines[0].target_id, "tgt-r1");
  EXPECT_EQ(s.lines[1].kind, LineKind::kPenalty);
  EXPECT_EQ(s.lines[1].description,
            "penalty visits: visits attainment 75.00% (30 of 40) < 80.00%: 5,000.00 CNY x "
            "-30.00% = -1,500.00 CNY");
  EXPECT_EQ(s.lines[1].target_id, "tgt-visits");
  EXPECT_EQ(s.total, Yuan(3'500));

  // Visits 32 = 80%: no penalty.
  ASSERT_OK_AND_ASSIGN(Statement met, Calculate(BonusPlan(), BonusFacts(100'000, 32)));
  EXPECT_EQ(met.total, Yuan(5'000));
  // Revenue one yuan short: no bonus, so nothing to reduce.
  ASSERT_OK_AND_ASSIGN(Statement none, Calculate(BonusPlan(), BonusFacts(99'999, 30)));
  EXPECT_TRUE(none.lines.empty());
  EXPECT_EQ(none.total, Yuan(0));
}

TEST(BonusTest, FloorPenaltyAndMissingMetric) {
  // Reduced to a floor of 2,000: -3,000. No "visits" entry at all counts as missed.
  Plan plan = BonusPlan();
  plan.penalties[0].reduce_bp.reset();
  plan.penalties[0].floor = Yuan(2'000);
  RepPeriodFacts facts = BonusFacts(120'000, 0);
  facts.metrics.clear();
  ASSERT_OK_AND_ASSIGN(Statement s, Calculate(plan, facts));
  ASSERT_THAT(Keys(s), ElementsAre("bonus/quarter", "penalty/visits"));
  EXPECT_EQ(s.lines[1].amount, Yuan(-3'000));
  EXPECT_THAT(s.lines[1].description, HasSubstr("visits: no target"));
  EXPECT_EQ(s.total, Yuan(2'000));
}

TEST(QualityGateTest, LowCsatWithholdsTheAccelerator) {
  // CSAT 38 / 10 = 3.80 < 4.00: the 60,000 above 100% is paid at 5% instead of 8%:
  // 60,000 x (5% - 8%) = -1,800.
  Plan plan = TieredPlan();
  plan.quality_gate = QualityGate{400, std::nullopt, false};
  RepPeriodFacts facts = Facts({Deal("a", Yuan(150'000)), Deal("b", Yuan(110'000))}, Yuan(200'000));
  facts.csat_sum = 38;
  facts.csat_responses = 10;
  facts.quality_refs = {EventRef{"survey-request-1", 2, 55}};
  ASSERT_OK_AND_ASSIGN(Statement s, Calculate(plan, facts));
  const StatementLine* q = FindLine(s, "quality-gate/tier-3/plan");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->kind, LineKind::kQualityGate);
  EXPECT_EQ(q->description,
            "60,000.00 CNY x (5.00% - 8.00%) = -1,800.00 CNY, quality gate (CSAT 3.80 < 4.00): "
            "tier 3 accelerator paid at tier 2 rate");
  EXPECT_THAT(q->refs, ::testing::Contains(EventRef{"survey-request-1", 2, 55}));
  EXPECT_EQ(s.total, Yuan(10'000));
  ExpectConsistent(s);

  facts.csat_sum = 40;  // exactly 4.00 passes
  ASSERT_OK_AND_ASSIGN(Statement ok, Calculate(plan, facts));
  EXPECT_EQ(ok.total, Yuan(11'800));
  facts.csat_responses = 0;  // no responses passes by default...
  facts.csat_sum = 0;
  ASSERT_OK_AND_ASSIGN(Statement silent, Calculate(plan, facts));
  EXPECT_EQ(silent.total, Yuan(11'800));
  plan.quality_gate->fail_without_responses = true;  // ...unless the plan says otherwise
  ASSERT_OK_AND_ASSIGN(Statement strict, Calculate(plan, facts));
  EXPECT_EQ(strict.total, Yuan(10'000));
}

TEST(QualityGateTest, SevereComplaints) {
  Plan plan = TieredPlan();
  plan.quality_gate = QualityGate{std::nullopt, 2, false};
  RepPeriodFacts facts = Facts({Deal("a", Yuan(260'000))}, Yuan(200'000));
  facts.severe_complaints = 1;
  ASSERT_OK_AND_ASSIGN(Statement one, Calculate(plan, facts));
  EXPECT_EQ(one.total, Yuan(11'800));
  facts.severe_complaints = 2;
  ASSERT_OK_AND_ASSIGN(Statement two, Calculate(plan, facts));
  EXPECT_EQ(two.total, Yuan(10'000));
  EXPECT_THAT(two.lines.back().description, HasSubstr("2 severe complaints >= 2"));
}

TEST(CombinationTest, QualityGateThenCapThenBonusAndClawback) {
  // 2/5/8% marginal on 260,000 of 200,000 = 11,800; quality gate -1,800 -> 10,000; cap
  // 4% of target = 8,000 -> -2,000; bonus at 100% 5,000 (not capped); clawback -300.
  Plan plan = TieredPlan();
  plan.quality_gate = QualityGate{std::nullopt, 1, false};
  plan.cap = Cap{std::nullopt, 400};
  plan.bonuses = {TargetBonus{"q", "revenue", 10'000, Yuan(5'000)}};
  RepPeriodFacts facts = Facts({Deal("a", Yuan(260'000))}, Yuan(200'000));
  facts.severe_complaints = 1;
  Cancellation c;
  c.deal_id = "old";
  c.won_period_id = "2026-09";
  c.won_plan_id = "plan-a";
  c.won_plan_version = 1;
  c.cancelled_on = absl::CivilDay(2026, 11, 2);
  c.commission = Yuan(300);
  facts.cancellations = {c};
  ASSERT_OK_AND_ASSIGN(Statement s, Calculate(plan, facts));
  EXPECT_THAT(Keys(s), ElementsAre("commission/tier-1/plan", "commission/tier-2/plan",
                                   "commission/tier-3/plan", "quality-gate/tier-3/plan", "cap",
                                   "bonus/q", "clawback/old"));
  EXPECT_EQ(FindLine(s, "cap")->amount, Yuan(-2'000));
  EXPECT_EQ(s.total, Yuan(12'700));
  ExpectConsistent(s);
}

TEST(ErrorsTest, BadInputs) {
  EXPECT_THAT(Calculate(TieredPlan(), Facts({Deal("a", Yuan(1))})),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("revenue target")));
  EXPECT_THAT(Calculate(FlatPlan(10'000), Facts({Deal("a", *Money::Of("USD", 100))})),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("USD")));
  EXPECT_THAT(Calculate(FlatPlan(10'000), Facts({Deal("a", Yuan(1)), Deal("a", Yuan(2))})),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("twice")));
  Plan bad = TieredPlan();
  bad.tiered->tiers[1].from_bp = 0;
  absl::StatusOr<Statement> result = Calculate(bad, Facts({}, Yuan(1)));
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      FieldViolationsOf(result.status()),
      ::testing::Contains(::testing::Field(&FieldViolation::field, "tiered.tiers[1].from_bp")));
}

TEST(DiffTest, RecalculationUnderAnotherVersionShowsPerLineDifferences) {
  // v2 raises the accelerator to 10% (60,000 x 2% more = +1,200), adds a bonus and drops
  // the cap line v1 had.
  Plan v1 = TieredPlan();
  v1.cap = Cap{Yuan(11'000), std::nullopt};
  Plan v2 = TieredPlan();
  v2.version = 2;
  v2.tiered->tiers[2].rate_ppm = 100'000;
  v2.bonuses = {TargetBonus{"q", "revenue", 10'000, Yuan(1'000)}};
  RepPeriodFacts facts = Facts({Deal("a", Yuan(260'000))}, Yuan(200'000));
  ASSERT_OK_AND_ASSIGN(Statement issued, Calculate(v1, facts));
  ASSERT_OK_AND_ASSIGN(Statement recalculated, Calculate(v2, facts));
  ASSERT_OK_AND_ASSIGN(StatementDiff diff, Diff(issued, recalculated));
  ASSERT_EQ(diff.lines.size(), 5u);
  EXPECT_EQ(diff.lines[0].key, "commission/tier-1/plan");
  EXPECT_EQ(diff.lines[0].difference, Yuan(0));
  EXPECT_EQ(diff.lines[2].key, "commission/tier-3/plan");
  EXPECT_EQ(diff.lines[2].before, Yuan(4'800));
  EXPECT_EQ(diff.lines[2].after, Yuan(6'000));
  EXPECT_EQ(diff.lines[2].difference, Yuan(1'200));
  EXPECT_EQ(diff.lines[3].key, "bonus/q");
  EXPECT_FALSE(diff.lines[3].before.has_value());
  EXPECT_EQ(diff.lines[4].key, "cap");
  EXPECT_FALSE(diff.lines[4].after.has_value());
  EXPECT_EQ(diff.lines[4].difference, Yuan(800));  // the -800 cap is gone
  EXPECT_EQ(diff.total_before, Yuan(11'000));
  EXPECT_EQ(diff.total_after, Yuan(14'000));  // 2,000 + 5,000 + 6,000 + 1,000
  EXPECT_EQ(diff.total_difference, Yuan(3'000));
}

TEST(FormatTest, RatesAndAmounts) {
  EXPECT_EQ(FormatRate(Rate{50'000, 1'000'000}), "5.00%");
  EXPECT_EQ(FormatRate(Rate{125, 1'000'000}), "0.0125%");
  EXPECT_EQ(FormatRate(Rate{-3, 100}), "-3.00%");
  EXPECT_EQ(FormatRate(Rate{1, 3}), "33.333333333333%");
  EXPECT_EQ(FormatAmount(Fen(-123'456)), "-1,234.56 CNY");
  EXPECT_EQ(FormatAmount(*Money::Of("JPY", 1500)), "1,500 JPY");
  EXPECT_EQ(LineKindName(LineKind::kCapAdjustment), "cap_adjustment");
}

}  // namespace
}  // namespace salesperf::incentives
