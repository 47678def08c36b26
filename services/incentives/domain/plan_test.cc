#include "services/incentives/domain/plan.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/validation.h"
#include "libs/testing/status_matchers.h"
#include "services/incentives/domain/test_fixtures.h"

namespace salesperf::incentives {
namespace {

using ::salesperf::testing::IsOk;
using ::testing::UnorderedElementsAre;
using namespace ::salesperf::incentives::testing;  // NOLINT(build/namespaces): test builders

std::vector<std::string> ViolatedFields(const Plan& plan) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : FieldViolationsOf(ValidatePlan(plan))) fields.push_back(v.field);
  return fields;
}

TEST(ValidatePlanTest, AcceptsAWellFormedPlan) {
  Plan plan = TieredPlan();
  plan.cap = Cap{Yuan(10'000), std::nullopt};
  plan.gate = Gate{5'000};
  plan.decelerator = Decelerator{20'000, 500'000};
  plan.rate_overrides = {RateOverride{"hw", "hardware", "", 30'000, std::nullopt}};
  plan.bonuses = {TargetBonus{"q", "revenue", 10'000, Yuan(1'000)}};
  plan.penalties = {MissPenalty{"v", "visits", 8'000, 2'000, std::nullopt}};
  plan.quality_gate = QualityGate{400, 3, false};
  EXPECT_THAT(ValidatePlan(plan), IsOk());
}

TEST(ValidatePlanTest, NamesEveryBadField) {
  Plan plan = TieredPlan();
  plan.plan_id = "";
  plan.version = 0;
  plan.effective_to = absl::CivilDay(2025, 12, 31);
  plan.flat_rate = FlatRate{10'000};
  plan.tiered->tiers = {Tier{100, 20'000}, Tier{100, 2'000'000}};
  plan.cap = Cap{*Money::Of("USD", 100), 500};
  plan.rate_overrides = {RateOverride{"", "", "", std::nullopt, std::nullopt}};
  plan.bonuses = {TargetBonus{"b", "revenue", 10'000, Yuan(0)},
                  TargetBonus{"b", "revenue", 10'000, Yuan(1)}};
  plan.penalties = {MissPenalty{"p", "visits", 8'000, 1'000, Yuan(1)}};
  plan.quality_gate = QualityGate{};
  EXPECT_THAT(ViolatedFields(plan),
              UnorderedElementsAre(
                  "plan_id", "version", "effective_to", "tiered", "tiered.tiers[0].from_bp",
                  "tiered.tiers[1].rate_ppm", "tiered.tiers[1].from_bp", "cap", "cap.amount",
                  "rate_overrides[0].id", "rate_overrides[0]", "rate_overrides[0]",
                  "bonuses[0].amount", "bonuses[1].id", "penalties[0]", "quality_gate"));
}

TEST(SelectPlanTest, MostSpecificThenLatest) {
  Plan region = BasePlan("regional");
  region.assignments = {Assignment{AssigneeKind::kRegion, "east"}};
  Plan team = BasePlan("team");
  team.assignments = {Assignment{AssigneeKind::kTeam, "t1"}};
  Plan team_v2 = team;
  team_v2.version = 2;
  team_v2.effective_from = absl::CivilDay(2026, 7, 1);
  team.effective_to = absl::CivilDay(2026, 6, 30);
  Plan rep = BasePlan("personal");
  rep.assignments = {Assignment{AssigneeKind::kRep, "r1"}};
  rep.effective_from = absl::CivilDay(2026, 10, 1);
  const std::vector<Plan> plans = {region, team, team_v2, rep};
  const RepPlacement r1{"r1", "t1", "east"};
  const RepPlacement r2{"r2", "t9", "east"};

  EXPECT_EQ(SelectPlan(plans, r1, absl::CivilDay(2026, 3, 1)), &plans[1]);
  EXPECT_EQ(SelectPlan(plans, r1, absl::CivilDay(2026, 8, 1)), &plans[2]);
  EXPECT_EQ(SelectPlan(plans, r1, absl::CivilDay(2026, 10, 1)), &plans[3]);
  EXPECT_EQ(SelectPlan(plans, r2, absl::CivilDay(2026, 10, 1)), &plans[0]);
  EXPECT_EQ(SelectPlan(plans, r2, absl::CivilDay(2025, 12, 31)), nullptr);
  EXPECT_EQ(SelectPlan(plans, RepPlacement{"r3", "", ""}, absl::CivilDay(2026, 10, 1)), nullptr);
}

}  // namespace
}  // namespace salesperf::incentives
