// Given (earlier facts) / when (a fact, a slide or a clear) / then (the decision), for
// every rule: a case that flags, one that does not, and clearing.
#include "services/activity/risk/domain/risk_rules.h"

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace salesperf::activity::risk {
namespace {

using ::testing::HasSubstr;
using Kind = Decision::Kind;

const absl::TimeZone kShanghai = DefaultTimeZone();

absl::Time At(int day, int hour = 10, int minute = 0) {
  return absl::FromCivil(absl::CivilMinute(2026, 11, day, hour, minute), kShanghai);
}

v1::RiskEvidence Fact(absl::Time t, int64_t sequence) {
  v1::RiskEvidence e;
  e.set_stream_id(absl::StrCat("visit-v", sequence));
  e.set_stream_version(2);
  e.set_sequence(sequence);
  *e.mutable_occurred_at() = ToTimestamp(t);
  e.set_description("fact");
  return e;
}

// Folds facts at the given times into a rolling state; returns the last step.
Step Given(const RiskConfig& config, v1::RiskRule rule, const std::vector<absl::Time>& times,
           v1::RiskRuleState state) {
  Step step{std::move(state), {}};
  int64_t seq = 1;
  for (absl::Time t : times) {
    step = AddFact(config, std::move(step.state), Fact(t, seq), true, FlagId(rule, seq));
    ++seq;
  }
  return step;
}

TEST(PlanChanges, FourChangesInAWeekFlagWithEvidence) {
  RiskConfig config;
  Step step = Given(config, v1::RISK_RULE_FREQUENT_PLAN_CHANGES, {At(1), At(2), At(4), At(6)},
                    NewState(v1::RISK_RULE_FREQUENT_PLAN_CHANGES, "rep-1"));
  ASSERT_EQ(step.decision.kind, Kind::kRaise);
  const v1::RiskFlagged& flag = step.decision.raised;
  EXPECT_EQ(flag.flag_id(), "plan-4");
  EXPECT_EQ(flag.rep_id(), "rep-1");
  EXPECT_EQ(flag.rule(), v1::RISK_RULE_FREQUENT_PLAN_CHANGES);
  EXPECT_EQ(flag.observed(), 4);
  EXPECT_EQ(flag.threshold(), 3);
  EXPECT_EQ(flag.evidence_size(), 4);
  EXPECT_EQ(flag.evidence(0).sequence(), 1);
  EXPECT_EQ(ToTime(flag.window_end()), At(6));
  EXPECT_EQ(ToTime(flag.window_start()), At(6) - absl::Hours(24 * 7));
  EXPECT_THAT(flag.summary(), HasSubstr("4 visit plan changes in 7 days"));
  EXPECT_EQ(step.state.open_flag_id(), "plan-4");
}

TEST(PlanChanges, FourChangesSpreadOverMoreThanAWeekDoNotFlag) {
  RiskConfig config;
  Step step = Given(config, v1::RISK_RULE_FREQUENT_PLAN_CHANGES, {At(1), At(3), At(8, 11), At(9)},
                    NewState(v1::RISK_RULE_FREQUENT_PLAN_CHANGES, "rep-1"));
  EXPECT_EQ(step.decision.kind, Kind::kNone);
  EXPECT_EQ(step.state.facts_size(), 3);  // the first fell out of the window
  EXPECT_TRUE(step.state.open_flag_id().empty());
}

TEST(PlanChanges, AnotherChangeWhileOpenRaisesNothingMore) {
  RiskConfig config;
  Step step =
      Given(config, v1::RISK_RULE_FREQUENT_PLAN_CHANGES, {At(1), At(2), At(3), At(4), At(5)},
            NewState(v1::RISK_RULE_FREQUENT_PLAN_CHANGES, "rep-1"));
  EXPECT_EQ(step.decision.kind, Kind::kNone);
  EXPECT_EQ(step.state.open_flag_id(), "plan-4");
}

TEST(PlanChanges, ClearsWhenTheWindowSlidesPast) {
  RiskConfig config;
  Step step = Given(config, v1::RISK_RULE_FREQUENT_PLAN_CHANGES, {At(1), At(2), At(4), At(6)},
                    NewState(v1::RISK_RULE_FREQUENT_PLAN_CHANGES, "rep-1"));
  // Still 4 in the 7 days to the 7th.
  Step still = Slide(config, step.state, At(7, 12));
  EXPECT_EQ(still.decision.kind, Kind::kNone);
  // On the 8th after 10:00 the change of the 1st has left the window.
  Step cleared = Slide(config, step.state, At(8, 10, 1));
  ASSERT_EQ(cleared.decision.kind, Kind::kClear);
  EXPECT_EQ(cleared.decision.cleared.flag_id(), "plan-4");
  EXPECT_THAT(cleared.decision.cleared.reason(), HasSubstr("no longer holds"));
  EXPECT_TRUE(cleared.decision.cleared.cleared_by().empty());
  EXPECT_TRUE(cleared.state.open_flag_id().empty());
}

TEST(PlanChanges, ManagerClearAcknowledgesUntilTheConditionStops) {
  RiskConfig config;
  Step step = Given(config, v1::RISK_RULE_FREQUENT_PLAN_CHANGES, {At(1), At(2), At(4), At(6)},
                    NewState(v1::RISK_RULE_FREQUENT_PLAN_CHANGES, "rep-1"));
  v1::RiskRuleState state = FlagCleared(step.state, "plan-4", /*by_manager=*/true);
  EXPECT_TRUE(state.acknowledged());
  // A fifth change while the condition still holds: acknowledged, no new flag.
  Step more = AddFact(config, state, Fact(At(6, 12), 5), true, "plan-5");
  EXPECT_EQ(more.decision.kind, Kind::kNone);
  // The condition stops holding, then holds again: a new flag.
  Step quiet = Slide(config, more.state, At(20));
  EXPECT_FALSE(quiet.state.acknowledged());
  Step again = Given(config, v1::RISK_RULE_FREQUENT_PLAN_CHANGES,
                     {At(21), At(21, 11), At(22), At(23)}, quiet.state);
  EXPECT_EQ(again.decision.kind, Kind::kRaise);
}

TEST(PlanChanges, LateFactInsideTheWindowCounts) {
  RiskConfig config;
  Step step = Given(config, v1::RISK_RULE_FREQUENT_PLAN_CHANGES, {At(5), At(6), At(3)},
                    NewState(v1::RISK_RULE_FREQUENT_PLAN_CHANGES, "rep-1"));
  EXPECT_EQ(step.decision.kind, Kind::kNone);
  step = AddFact(config, step.state, Fact(At(4), 9), true, "plan-9");
  ASSERT_EQ(step.decision.kind, Kind::kRaise);
  // Evidence in time order.
  EXPECT_EQ(ToTime(step.decision.raised.evidence(0).occurred_at()), At(3));
  EXPECT_EQ(ToTime(step.decision.raised.evidence(3).occurred_at()), At(6));
}

TEST(VisitWithoutCheckIn, TwoInAWeekFlag) {
  RiskConfig config;
  Step step = Given(config, v1::RISK_RULE_VISIT_WITHOUT_CHECK_IN, {At(1), At(5)},
                    NewState(v1::RISK_RULE_VISIT_WITHOUT_CHECK_IN, "rep-2"));
  ASSERT_EQ(step.decision.kind, Kind::kRaise);
  EXPECT_EQ(step.decision.raised.flag_id(), "nochk-2");
  EXPECT_EQ(step.decision.raised.observed(), 2);
  EXPECT_EQ(step.decision.raised.threshold(), 2);
}

TEST(VisitWithoutCheckIn, OneOrTwoFarApartDoNotFlagAndAFlagClears) {
  RiskConfig config;
  Step one = Given(config, v1::RISK_RULE_VISIT_WITHOUT_CHECK_IN, {At(1)},
                   NewState(v1::RISK_RULE_VISIT_WITHOUT_CHECK_IN, "rep-2"));
  EXPECT_EQ(one.decision.kind, Kind::kNone);
  Step apart = Given(config, v1::RISK_RULE_VISIT_WITHOUT_CHECK_IN, {At(1), At(9)},
                     NewState(v1::RISK_RULE_VISIT_WITHOUT_CHECK_IN, "rep-2"));
  EXPECT_EQ(apart.decision.kind, Kind::kNone);
  Step flagged = Given(config, v1::RISK_RULE_VISIT_WITHOUT_CHECK_IN, {At(1), At(2)},
                       NewState(v1::RISK_RULE_VISIT_WITHOUT_CHECK_IN, "rep-2"));
  EXPECT_EQ(Slide(config, flagged.state, At(8, 11)).decision.kind, Kind::kClear);
}

// Calls of one day: `short_calls` short ones and `long_calls` longer ones, in that order.
Step Calls(const RiskConfig& config, int short_calls, int long_calls) {
  Step step{NewState(v1::RISK_RULE_SHORT_CONNECTED_CALLS, "rep-3", "", "2026-11-10"), {}};
  int64_t seq = 1;
  for (int i = 0; i < short_calls + long_calls; ++i, ++seq) {
    Step next = AddFact(config, std::move(step.state), Fact(At(10, 9, i), seq), i < short_calls,
                        FlagId(v1::RISK_RULE_SHORT_CONNECTED_CALLS, seq));
    if (next.decision.kind != Kind::kNone || step.decision.kind == Kind::kNone) {
      step.decision = next.decision;
    }
    step.state = std::move(next.state);
  }
  return step;
}

TEST(ShortCalls, TenShortOfFifteenConnectedFlag) {
  RiskConfig config;
  Step step = Calls(config, 10, 5);
  ASSERT_EQ(step.decision.kind, Kind::kRaise);
  EXPECT_EQ(step.decision.raised.flag_id(), "short-10");
  EXPECT_EQ(step.decision.raised.observed(), 10);
  EXPECT_EQ(step.decision.raised.evidence_size(), 10);
  EXPECT_EQ(ToTime(step.decision.raised.window_start()),
            absl::FromCivil(absl::CivilDay(2026, 11, 10), kShanghai));
  EXPECT_EQ(step.state.open_flag_id(), "short-10");
}

TEST(ShortCalls, NineShortCallsDoNotFlag) {
  RiskConfig config;
  EXPECT_EQ(Calls(config, 9, 0).decision.kind, Kind::kNone);
}

TEST(ShortCalls, TenShortAmongManyLongDoNotFlag) {
  RiskConfig config;
  // The long calls come first: 10 of 21 is under half.
  Step step{NewState(v1::RISK_RULE_SHORT_CONNECTED_CALLS, "rep-3", "", "2026-11-10"), {}};
  for (int i = 0; i < 11; ++i) step = AddFact(config, step.state, Fact(At(10, 8, i), i), false, "");
  for (int i = 0; i < 10; ++i) {
    step = AddFact(config, step.state, Fact(At(10, 9, i), 20 + i), true, "short-x");
    EXPECT_EQ(step.decision.kind, Kind::kNone);
  }
}

TEST(ShortCalls, LongCallsLaterThatDayClearTheFlag) {
  RiskConfig config;
  Step step = Calls(config, 10, 10);  // 10 of 20: still half
  EXPECT_EQ(step.state.open_flag_id(), "short-10");
  Step cleared = AddFact(config, step.state, Fact(At(10, 18), 99), false, "short-99");
  ASSERT_EQ(cleared.decision.kind, Kind::kClear);
  EXPECT_EQ(cleared.decision.cleared.flag_id(), "short-10");
}

TEST(CheckInTooFar, TooFarFlagsPerVisit) {
  RiskConfig config;
  v1::VisitCheckedIn check_in;
  check_in.set_location_check(v1::LOCATION_CHECK_TOO_FAR);
  check_in.set_distance_meters(2300);
  check_in.set_threshold_meters(500);
  std::optional<Finding> far = CheckInTooFar(check_in, At(3));
  ASSERT_TRUE(far.has_value());
  EXPECT_THAT(far->summary, HasSubstr("2300 m"));
  Step step = Occurred(config, NewState(v1::RISK_RULE_CHECK_IN_TOO_FAR, "rep-4", "cust-1"),
                       {Fact(At(3), 7)}, *far, "far-7");
  ASSERT_EQ(step.decision.kind, Kind::kRaise);
  EXPECT_EQ(step.decision.raised.observed(), 2300);
  EXPECT_EQ(step.decision.raised.threshold(), 500);
  EXPECT_EQ(step.decision.raised.customer_id(), "cust-1");
  // A second check-in of the same visit while the flag is open: nothing more.
  EXPECT_EQ(Occurred(config, step.state, {Fact(At(3, 11), 8)}, *far, "far-8").decision.kind,
            Kind::kNone);
  // Never clears by itself.
  EXPECT_EQ(Slide(config, step.state, At(30)).decision.kind, Kind::kNone);
}

TEST(CheckInTooFar, VerifiedOrNoLocationDoNotFlag) {
  v1::VisitCheckedIn check_in;
  check_in.set_location_check(v1::LOCATION_CHECK_VERIFIED);
  EXPECT_FALSE(CheckInTooFar(check_in, At(3)).has_value());
  check_in.set_location_check(v1::LOCATION_CHECK_NO_LOCATION);
  EXPECT_FALSE(CheckInTooFar(check_in, At(3)).has_value());
}

TEST(WonThenCancelled, WonInTheLastThreeDaysCancelledNextMonthFlags) {
  RiskConfig config;
  std::optional<Finding> f = WonThenCancelled(config, "2026-11-28", "2026-12-02");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->observed, 3);  // the 28th is 3 days to the end, the 30th included
  EXPECT_EQ(f->threshold, 3);
  EXPECT_THAT(f->summary, HasSubstr("2026-11"));
  EXPECT_TRUE(WonThenCancelled(config, "2026-11-30", "2026-12-01").has_value());
  EXPECT_TRUE(WonThenCancelled(config, "2026-12-31", "2027-01-15").has_value());
}

TEST(WonThenCancelled, EarlierWinsOrCancelledInTheSameMonthDoNotFlag) {
  RiskConfig config;
  EXPECT_FALSE(WonThenCancelled(config, "2026-11-27", "2026-12-02").has_value());
  EXPECT_FALSE(WonThenCancelled(config, "2026-11-29", "2026-11-30").has_value());
  EXPECT_FALSE(WonThenCancelled(config, "bad", "2026-12-02").has_value());
  RiskConfig wider;
  wider.won_near_period_end_days = 5;
  EXPECT_TRUE(WonThenCancelled(wider, "2026-11-27", "2026-12-02").has_value());
}

TEST(ForeignCustomer, ActivityOnAnotherRepsCustomerFlags) {
  RiskConfig config;
  v1::RiskCustomerOwners owners = WithOwner({}, "", "rep-owner");
  owners = WithOwner(owners, "2026-11-15", "rep-5");
  std::optional<Finding> f = ForeignCustomer(owners, "rep-5", absl::CivilDay(2026, 11, 10), At(10));
  ASSERT_TRUE(f.has_value());
  EXPECT_THAT(f->summary, HasSubstr("rep-owner"));
  Step step = Occurred(config, NewState(v1::RISK_RULE_FOREIGN_CUSTOMER_ACTIVITY, "rep-5", "c-1"),
                       {Fact(At(10), 3)}, *f, "foreign-3");
  EXPECT_EQ(step.decision.kind, Kind::kRaise);
}

TEST(ForeignCustomer, OwnRepOrUnknownOwnerDoNotFlag) {
  v1::RiskCustomerOwners owners = WithOwner({}, "", "rep-owner");
  owners = WithOwner(owners, "2026-11-15", "rep-5");
  EXPECT_FALSE(ForeignCustomer(owners, "rep-5", absl::CivilDay(2026, 11, 15), At(15)));
  EXPECT_FALSE(ForeignCustomer(owners, "rep-owner", absl::CivilDay(2026, 11, 1), At(1)));
  EXPECT_FALSE(ForeignCustomer({}, "rep-5", absl::CivilDay(2026, 11, 1), At(1)));
  EXPECT_EQ(OwnerOn(owners, absl::CivilDay(2026, 11, 14)), "rep-owner");
}

TEST(RiskConfigTest, DefaultsAndOverrides) {
  RiskConfig config;
  EXPECT_TRUE(config.Validate().ok());
  v1::RiskRuleConfig proto;
  proto.set_max_plan_changes(5);
  proto.mutable_no_check_in_window()->set_seconds(3 * 86400);
  absl::StatusOr<RiskConfig> parsed = RiskConfig::FromProto(proto, kShanghai);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->max_plan_changes, 5);
  EXPECT_EQ(parsed->no_check_in_window, absl::Hours(72));
  EXPECT_EQ(parsed->min_short_calls, 10);
  proto.set_min_short_call_share_percent(150);
  EXPECT_EQ(RiskConfig::FromProto(proto, kShanghai).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace salesperf::activity::risk
