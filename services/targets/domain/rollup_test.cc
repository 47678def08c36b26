#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/status_matchers.h"
#include "services/targets/domain/decomposition.h"
#include "services/targets/domain/rollup.h"
#include "services/targets/domain/test_fixtures.h"

namespace salesperf::targets {
namespace {

using ::salesperf::testing::EqualsProto;
using ::salesperf::testing::StatusIs;
using namespace ::salesperf::targets::testing;  // NOLINT(build/namespaces): test builders

// Folds a decomposition into the parent and returns the children's targets.
std::vector<v1::Target> Apply(const std::vector<StreamEvent>& events, TargetState& parent) {
  parent = EvolveTarget(parent, events[0].event);
  std::vector<v1::Target> children;
  for (size_t i = 1; i < events.size(); ++i)
    children.push_back(FoldTarget({events[i].event}).target);
  return children;
}

// company 100.00 CNY -> east 60.00 + west 30.00, 10.00 declared unallocated;
// east -> t-sh / t-hz evenly (30.00 each).
std::vector<v1::Target> Tree() {
  const OrgState org = FoldOrg(BaseOrgEvents());
  TargetState company = FoldTarget({RevenueDrafted("co", Company(), 10'000, "ceo")});
  DecomposeTarget split{Meta("ceo"), {}};
  split.request.set_target_id("co");
  split.request.set_method(v1::DECOMPOSITION_METHOD_EXPLICIT);
  auto* east = split.request.add_children();
  east->set_child_target_id("east");
  *east->mutable_scope() = RegionScope("east");
  *east->mutable_value() = Cny(6'000);
  auto* west = split.request.add_children();
  west->set_child_target_id("west");
  *west->mutable_scope() = RegionScope("west");
  *west->mutable_value() = Cny(3'000);
  *split.request.mutable_unallocated_remainder() = Cny(1'000);
  auto events = DecideDecomposition(split, company, std::vector<TargetState>(2), org);
  EXPECT_TRUE(events.ok()) << events.status();
  std::vector<v1::Target> regions = Apply(*events, company);

  TargetState east_state = FoldTarget({(*events)[1].event});
  DecomposeTarget teams{Meta("emma"), {}};
  teams.request.set_target_id("east");
  teams.request.set_method(v1::DECOMPOSITION_METHOD_EVEN);
  for (const char* team : {"t-sh", "t-hz"}) {
    auto* c = teams.request.add_children();
    c->set_child_target_id(std::string("east-") + team);
    *c->mutable_scope() = TeamScope(team);
  }
  auto team_events = DecideDecomposition(teams, east_state, std::vector<TargetState>(2), org);
  EXPECT_TRUE(team_events.ok()) << team_events.status();
  std::vector<v1::Target> team_targets = Apply(*team_events, east_state);

  // Any order in, a tree out.
  return {team_targets[1], regions[1], company.target, team_targets[0], east_state.target};
}

TEST(Rollup, NodeValueChildrenSumAndGap) {
  ASSERT_OK_AND_ASSIGN(v1::RollupNode root, Rollup("co", Tree()));
  EXPECT_TRUE(root.additive());
  EXPECT_THAT(root.value(), EqualsProto(Cny(10'000)));
  EXPECT_THAT(root.children_sum(), EqualsProto(Cny(9'000)));
  EXPECT_THAT(root.gap(), EqualsProto(Cny(1'000)));
  EXPECT_THAT(root.unallocated_remainder(), EqualsProto(Cny(1'000)));
  ASSERT_EQ(root.children_size(), 2);
  // In decomposition order.
  EXPECT_EQ(root.children(0).target_id(), "east");
  EXPECT_EQ(root.children(1).target_id(), "west");
  const v1::RollupNode& east = root.children(0);
  EXPECT_THAT(east.children_sum(), EqualsProto(Cny(6'000)));
  EXPECT_THAT(east.gap(), EqualsProto(Cny(0)));
  ASSERT_EQ(east.children_size(), 2);
  EXPECT_EQ(east.children(0).target_id(), "east-t-sh");
  EXPECT_THAT(east.children(0).value(), EqualsProto(Cny(3'000)));
  // Leaves have no sum and no gap.
  EXPECT_FALSE(root.children(1).has_children_sum());
  EXPECT_FALSE(root.children(1).has_gap());
}

TEST(Rollup, AnAdjustedChildOpensAGap) {
  std::vector<v1::Target> tree = Tree();
  for (v1::Target& t : tree) {
    if (t.target_id() == "east-t-hz") *t.mutable_value() = Cny(2'500);
  }
  ASSERT_OK_AND_ASSIGN(v1::RollupNode east, Rollup("east", tree));
  EXPECT_THAT(east.children_sum(), EqualsProto(Cny(5'500)));
  EXPECT_THAT(east.gap(), EqualsProto(Cny(500)));
}

TEST(Rollup, DepthLimitsTheLevels) {
  ASSERT_OK_AND_ASSIGN(v1::RollupNode root, Rollup("co", Tree(), 1));
  ASSERT_EQ(root.children_size(), 0);
  EXPECT_THAT(root.children_sum(), EqualsProto(Cny(9'000)));  // the sum still counts them
  ASSERT_OK_AND_ASSIGN(root, Rollup("co", Tree(), 2));
  ASSERT_EQ(root.children_size(), 2);
  EXPECT_EQ(root.children(0).children_size(), 0);
}

TEST(Rollup, NonAdditiveMetricsHaveNoSum) {
  std::vector<v1::Target> tree = Tree();
  for (v1::Target& t : tree) {
    t.mutable_key()->set_metric(v1::METRIC_CSAT);
    *t.mutable_value() = RatioBp(8'500);
  }
  ASSERT_OK_AND_ASSIGN(v1::RollupNode root, Rollup("co", tree));
  EXPECT_FALSE(root.additive());
  EXPECT_FALSE(root.has_children_sum());
  EXPECT_EQ(root.children_size(), 2);
}

TEST(Rollup, Errors) {
  EXPECT_THAT(Rollup("nope", Tree()), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Rollup("co", Tree(), -1), StatusIs(absl::StatusCode::kInvalidArgument));
  std::vector<v1::Target> loop = Tree();
  for (v1::Target& t : loop) {
    if (t.target_id() == "co") t.set_parent_target_id("east-t-sh");
  }
  EXPECT_THAT(Rollup("co", loop), StatusIs(absl::StatusCode::kFailedPrecondition));
  std::vector<v1::Target> mixed = Tree();
  for (v1::Target& t : mixed) {
    if (t.target_id() == "west") *t.mutable_value() = Count(3);
  }
  EXPECT_THAT(Rollup("co", mixed), StatusIs(absl::StatusCode::kFailedPrecondition));
}

// --- Pace ----------------------------------------------------------------------------------

// November 2026 has 21 weekdays. With 11-03 a holiday and Saturday 11-07 a make-up working
// day it still has 21 working days, but they fall differently.
Calendar NovemberCalendar() {
  return FoldOrg({SettingsChanged(1, {"2026-11-03"}, {"2026-11-07"})}).calendar();
}

v1::Target November(v1::TargetValue value, v1::Metric metric = v1::METRIC_REVENUE) {
  v1::TargetEvent drafted = RevenueDrafted("t1", RepScope("alice"), 0, "alice");
  drafted.mutable_drafted()->mutable_key()->set_metric(metric);
  *drafted.mutable_drafted()->mutable_value() = value;
  return FoldTarget({drafted}).target;
}

TEST(Pace, StraightLineOverWorkingDays) {
  const Calendar calendar = NovemberCalendar();
  const v1::Target target = November(Cny(2'100'000));  // 21,000.00 CNY: 1,000.00 a working day
  ASSERT_OK_AND_ASSIGN(v1::GetTargetPaceResponse pace, Pace(target, calendar, Day(2026, 11, 2)));
  EXPECT_EQ(pace.working_days_total(), 21);
  EXPECT_EQ(pace.working_days_elapsed(), 1);
  EXPECT_THAT(pace.expected_to_date(), EqualsProto(Cny(100'000)));
  EXPECT_EQ(pace.as_of(), "2026-11-02");
  EXPECT_EQ(pace.period().id(), "2026-11");

  // The holiday adds nothing; the make-up Saturday does.
  ASSERT_OK_AND_ASSIGN(pace, Pace(target, calendar, Day(2026, 11, 3)));
  EXPECT_EQ(pace.working_days_elapsed(), 1);
  ASSERT_OK_AND_ASSIGN(pace, Pace(target, calendar, Day(2026, 11, 6)));
  EXPECT_EQ(pace.working_days_elapsed(), 4);
  ASSERT_OK_AND_ASSIGN(pace, Pace(target, calendar, Day(2026, 11, 8)));  // a Sunday
  EXPECT_EQ(pace.working_days_elapsed(), 5);
  EXPECT_THAT(pace.expected_to_date(), EqualsProto(Cny(500'000)));
}

TEST(Pace, BeforeAndAfterThePeriod) {
  const Calendar calendar = NovemberCalendar();
  const v1::Target target = November(Cny(2'100'000));
  ASSERT_OK_AND_ASSIGN(v1::GetTargetPaceResponse pace, Pace(target, calendar, Day(2026, 10, 31)));
  EXPECT_EQ(pace.working_days_elapsed(), 0);
  EXPECT_THAT(pace.expected_to_date(), EqualsProto(Cny(0)));
  ASSERT_OK_AND_ASSIGN(pace, Pace(target, calendar, Day(2026, 12, 15)));
  EXPECT_EQ(pace.working_days_elapsed(), 21);
  EXPECT_THAT(pace.expected_to_date(), EqualsProto(Cny(2'100'000)));
}

TEST(Pace, RoundsDown) {
  // 100 calls over 21 working days: after 1 day 4.76 -> 4; after 20 days 95.2 -> 95.
  const Calendar calendar = NovemberCalendar();
  const v1::Target target = November(Count(100), v1::METRIC_CALLS);
  ASSERT_OK_AND_ASSIGN(v1::GetTargetPaceResponse pace, Pace(target, calendar, Day(2026, 11, 2)));
  EXPECT_THAT(pace.expected_to_date(), EqualsProto(Count(4)));
  ASSERT_OK_AND_ASSIGN(pace, Pace(target, calendar, Day(2026, 11, 27)));
  EXPECT_EQ(pace.working_days_elapsed(), 20);
  EXPECT_THAT(pace.expected_to_date(), EqualsProto(Count(95)));
}

TEST(Pace, NonAdditiveMetricsHoldAllPeriod) {
  ASSERT_OK_AND_ASSIGN(v1::GetTargetPaceResponse pace,
                       Pace(November(RatioBp(2'500), v1::METRIC_CONVERSION_RATE),
                            NovemberCalendar(), Day(2026, 11, 2)));
  EXPECT_THAT(pace.expected_to_date(), EqualsProto(RatioBp(2'500)));
}

TEST(Pace, APeriodWithoutWorkingDays) {
  std::vector<std::string> all_weekdays;
  for (int d = 1; d <= 30; ++d) all_weekdays.push_back(FormatDate(Day(2026, 11, d)));
  // Every day a holiday (weekends included; harmless).
  Calendar calendar = FoldOrg({SettingsChanged(1, all_weekdays)}).calendar();
  const v1::Target target = November(Count(10), v1::METRIC_VISITS);
  ASSERT_OK_AND_ASSIGN(v1::GetTargetPaceResponse pace, Pace(target, calendar, Day(2026, 11, 29)));
  EXPECT_EQ(pace.working_days_total(), 0);
  EXPECT_THAT(pace.expected_to_date(), EqualsProto(Count(0)));
  ASSERT_OK_AND_ASSIGN(pace, Pace(target, calendar, Day(2026, 11, 30)));
  EXPECT_THAT(pace.expected_to_date(), EqualsProto(Count(10)));
}

}  // namespace
}  // namespace salesperf::targets
