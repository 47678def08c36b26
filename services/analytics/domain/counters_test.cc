#include "services/analytics/domain/counters.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/status_matchers.h"
#include "services/analytics/domain/attainment.h"
#include "services/analytics/domain/org.h"

namespace salesperf::analytics {
namespace {

using ::salesperf::testing::StatusIs;
using ::testing::HasSubstr;

TEST(CountersTest, AddSubtractAndZero) {
  Counters a;
  a.set_calls(3);
  a.set_revenue_minor(100);
  Counters b;
  b.set_calls(3);
  b.set_deals_won(1);
  AddTo(a, b);
  EXPECT_EQ(a.calls(), 6);
  EXPECT_EQ(a.deals_won(), 1);
  SubtractFrom(a, b);
  SubtractFrom(a, a);
  EXPECT_TRUE(IsZero(a));
  EXPECT_EQ(Negated(b).calls(), -3);
}

TEST(CountersTest, EveryFieldIsCovered) {
  Counters ones;
  const google::protobuf::Descriptor* d = Counters::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    Counters::GetReflection()->SetInt64(&ones, d->field(i), 1);
  }
  Counters sum = ones;
  AddTo(sum, ones);
  for (int i = 0; i < d->field_count(); ++i) {
    EXPECT_EQ(Counters::GetReflection()->GetInt64(sum, d->field(i)), 2) << d->field(i)->name();
  }
  SubtractFrom(sum, ones);
  SubtractFrom(sum, ones);
  EXPECT_TRUE(IsZero(sum));
  for (int i = 0; i < d->field_count(); ++i) {
    Counters one;
    Counters::GetReflection()->SetInt64(&one, d->field(i), 1);
    EXPECT_FALSE(IsZero(one)) << d->field(i)->name();
  }
}

TEST(CountersTest, ArraySlotsAreFieldNumbers) {
  const google::protobuf::Descriptor* d = Counters::descriptor();
  ASSERT_EQ(d->field_count(), kCounterSlots);
  Counters c;
  for (int i = 0; i < d->field_count(); ++i) {
    Counters::GetReflection()->SetInt64(&c, d->field(i), 1000 + d->field(i)->number());
  }
  const CounterArray a = ToArray(c);
  for (int slot = 0; slot < kCounterSlots; ++slot) EXPECT_EQ(a[slot], 1001 + slot) << slot;
  EXPECT_EQ(FromArray(a).SerializeAsString(), c.SerializeAsString());
  EXPECT_TRUE(IsZero(FromArray(CounterArray{})));
}

TEST(CountersTest, MetricValuesAndRounding) {
  Counters c;
  c.set_deals_won(1);
  c.set_deals_lost(2);
  c.set_revenue_minor(1001);
  c.set_csat_sum(9);
  c.set_csat_responses(2);
  c.set_csat_satisfied(1);
  c.set_nps_promoters(1);
  c.set_nps_detractors(2);
  c.set_nps_responses(4);
  c.set_call_seconds(125);
  c.set_connected_calls(2);
  EXPECT_EQ(MetricValue(c, v1::METRIC_WIN_RATE), 3333);
  EXPECT_EQ(MetricValue(c, v1::METRIC_AVERAGE_DEAL_SIZE), 1001);
  EXPECT_EQ(MetricValue(c, v1::METRIC_CSAT_AVERAGE), 450);
  EXPECT_EQ(MetricValue(c, v1::METRIC_CSAT_SATISFIED), 5000);
  EXPECT_EQ(MetricValue(c, v1::METRIC_NPS), -25);
  EXPECT_EQ(MetricValue(c, v1::METRIC_CALL_MINUTES), 2);
  EXPECT_EQ(MetricValue(c, v1::METRIC_AVERAGE_CALL_SECONDS), 62);  // 62.5 to even
  EXPECT_EQ(MetricValue(Counters(), v1::METRIC_WIN_RATE), 0);
  c.set_deals_cancelled(3);
  c.set_calls(7);
  EXPECT_EQ(MetricValue(c, v1::METRIC_DEALS_CANCELLED), 3);
  MetricBasis basis;
  basis.working_days = 3;
  basis.pipeline.set_qualified_minor(100);
  basis.pipeline.set_proposal_minor(20);
  basis.pipeline.set_negotiation_minor(3);
  basis.pipeline.set_open_risk_flags(2);
  EXPECT_EQ(MetricValue(c, v1::METRIC_CALLS_PER_WORKING_DAY, basis), 233);  // 2.333
  EXPECT_EQ(MetricValue(c, v1::METRIC_CALLS_PER_WORKING_DAY), 0);           // no working day
  EXPECT_EQ(MetricValue(c, v1::METRIC_PIPELINE_VALUE, basis), 123);
  EXPECT_EQ(MetricValue(c, v1::METRIC_OPEN_RISK_FLAGS, basis), 2);
  EXPECT_EQ(MetricValue(c, v1::METRIC_REVENUE, basis), MetricValue(c, v1::METRIC_REVENUE));
  EXPECT_TRUE(IsStateMetric(v1::METRIC_PIPELINE_VALUE));
  EXPECT_TRUE(IsStateMetric(v1::METRIC_OPEN_RISK_FLAGS));
  EXPECT_FALSE(IsStateMetric(v1::METRIC_CALLS_PER_WORKING_DAY));
  EXPECT_EQ(MulDiv(5, 1, 2), 2);
  EXPECT_EQ(MulDiv(7, 1, 2), 4);
  EXPECT_EQ(MulDiv(-7, 1, 2), -4);
  EXPECT_EQ(MulDiv(1, 1, 0), 0);
}

TEST(CountersTest, MetricNames) {
  EXPECT_EQ(MetricName(v1::METRIC_CALL_MINUTES), "call_minutes");
  ASSERT_OK_AND_ASSIGN(Metric m, ParseMetric("win_rate"));
  EXPECT_EQ(m, v1::METRIC_WIN_RATE);
  EXPECT_THAT(ParseMetric("speed").status(),
              ::salesperf::testing::StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(AllMetrics().size(), 23u);
}

TEST(OrgTest, PlacementsAndStints) {
  v1::RepRow rep;
  v1::Assignment a;
  a.set_from_day("2026-01-10");
  a.set_team_id("t2");
  a.set_region_id("r1");
  Assign(rep, a);
  a.set_from_day("2026-01-01");
  a.set_team_id("t1");
  Assign(rep, a);
  a.set_from_day("2026-02-01");
  a.set_team_id("");
  a.set_region_id("");
  Assign(rep, a);
  EXPECT_EQ(PlacementOn(rep, "2025-12-31"), Placement{});
  EXPECT_EQ(PlacementOn(rep, "2026-01-09").team_id, "t1");
  EXPECT_EQ(PlacementOn(rep, "2026-01-10").team_id, "t2");
  EXPECT_EQ(PlacementOn(rep, "2026-02-01"), Placement{});
  const auto stints = StintsWithin(rep, "2026-01-05", "2026-02-03");
  ASSERT_EQ(stints.size(), 3u);
  EXPECT_EQ(stints[0].last, "2026-01-09");
  EXPECT_EQ(stints[1].first, "2026-01-10");
  EXPECT_EQ(stints[1].last, "2026-01-31");
  EXPECT_EQ(stints[2].placement.team_id, "");
}

TEST(OrgTest, DayIdsRoundTrip) {
  EXPECT_EQ(DayId(absl::CivilDay(2026, 2, 9)), "2026-02-09");
  EXPECT_EQ(DayId(absl::CivilDay(987, 12, 31)), "0987-12-31");
  EXPECT_EQ(DayId(absl::CivilDay(10000, 1, 1)), "10000-01-01");
  for (absl::CivilDay day(2024, 1, 1); day <= absl::CivilDay(2026, 12, 31); ++day) {
    absl::CivilDay parsed;
    ASSERT_TRUE(ParseDay(DayId(day), &parsed)) << day;
    EXPECT_EQ(parsed, day);
  }
  absl::CivilDay unused;
  EXPECT_FALSE(ParseDay("2026-2-09", &unused));
}

TEST(AttainmentTest, StatusRuleAndProjections) {
  AttainmentInput in;
  in.metric = targets::v1::METRIC_REVENUE;
  in.target = 1000;
  in.working_days = 20;
  in.working_days_elapsed = 10;
  in.weighted_pipeline = 300;
  v1::Attainment out;
  in.actual = 500;
  ComputeAttainment(in, {}, out);
  EXPECT_EQ(out.expected_to_date(), 500);
  EXPECT_EQ(out.status(), v1::ATTAINMENT_STATUS_ON_TRACK);
  EXPECT_EQ(out.projected_straight_line(), 1000);
  EXPECT_EQ(out.projected_pipeline_weighted(), 800);
  EXPECT_EQ(out.attainment_bp(), 5000);
  in.actual = 400;
  ComputeAttainment(in, {}, out);
  EXPECT_EQ(out.status(), v1::ATTAINMENT_STATUS_AT_RISK);
  in.actual = 399;
  ComputeAttainment(in, {}, out);
  EXPECT_EQ(out.status(), v1::ATTAINMENT_STATUS_OFF_TRACK);
  AttainmentRule lenient;
  lenient.at_risk_bp = 5000;
  ComputeAttainment(in, lenient, out);
  EXPECT_EQ(out.status(), v1::ATTAINMENT_STATUS_AT_RISK);
  // Ratios have no pace: compared with the target itself.
  in.metric = targets::v1::METRIC_CONVERSION_RATE;
  in.target = 2500;
  in.actual = 2400;
  ComputeAttainment(in, {}, out);
  EXPECT_EQ(out.expected_to_date(), 2500);
  EXPECT_EQ(out.status(), v1::ATTAINMENT_STATUS_AT_RISK);
  // Before the first working day: on track.
  in.metric = targets::v1::METRIC_CALLS;
  in.working_days_elapsed = 0;
  in.actual = 0;
  ComputeAttainment(in, {}, out);
  EXPECT_EQ(out.status(), v1::ATTAINMENT_STATUS_ON_TRACK);
  // A ratio too: no deal closed yet is not a conversion rate of 0 against the target.
  in.metric = targets::v1::METRIC_CONVERSION_RATE;
  in.target = 2500;
  ComputeAttainment(in, {}, out);
  EXPECT_EQ(out.expected_to_date(), 2500);
  EXPECT_EQ(out.status(), v1::ATTAINMENT_STATUS_ON_TRACK);
  // Once a working day has passed, the same ratio of 0 is off track.
  in.working_days_elapsed = 1;
  ComputeAttainment(in, {}, out);
  EXPECT_EQ(out.status(), v1::ATTAINMENT_STATUS_OFF_TRACK);
  // So is a period without a working day (a weekend), once it is over.
  in.working_days = 0;
  in.working_days_elapsed = 0;
  in.period_over = true;
  ComputeAttainment(in, {}, out);
  EXPECT_EQ(out.status(), v1::ATTAINMENT_STATUS_OFF_TRACK);
}

TEST(AttainmentTest, OptionsAreValidated) {
  EXPECT_OK(ValidateAttainmentOptions({}, {}));
  AttainmentRule rule;
  rule.at_risk_bp = rule.on_track_bp;  // no at-risk band: allowed
  EXPECT_OK(ValidateAttainmentOptions(rule, {}));
  rule.at_risk_bp = rule.on_track_bp + 1;
  EXPECT_THAT(ValidateAttainmentOptions(rule, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at risk")));
  rule.at_risk_bp = -1;
  EXPECT_THAT(ValidateAttainmentOptions(rule, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at risk")));
  rule = {};
  rule.on_track_bp = 0;
  EXPECT_THAT(ValidateAttainmentOptions(rule, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("on track")));
  StageProbabilities probabilities;
  probabilities.proposal_bp = 10001;
  EXPECT_THAT(ValidateAttainmentOptions({}, probabilities),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("proposal")));
  probabilities = {};
  probabilities.negotiation_bp = -5;
  EXPECT_THAT(ValidateAttainmentOptions({}, probabilities),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("negotiation")));
}

}  // namespace
}  // namespace salesperf::analytics
