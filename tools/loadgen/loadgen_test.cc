#include <cmath>
#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/status_matchers.h"
#include "tools/loadgen/demo.h"
#include "tools/loadgen/generator.h"
#include "tools/loadgen/load.h"

namespace salesperf::loadgen {
namespace {

using ::salesperf::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

GeneratorOptions Small(uint64_t seed = 7) {
  GeneratorOptions o;
  o.seed = seed;
  o.regions = 2;
  o.teams = 4;
  o.reps = 12;
  o.customers = 60;
  o.history_days = 35;
  o.today = absl::CivilDay(2026, 11, 23);
  return o;
}

TEST(GeneratorTest, SameSeedAndDayGiveTheSameDemo) {
  ASSERT_OK_AND_ASSIGN(const DemoData a, GenerateDemo(GeneratorOptions{}));
  ASSERT_OK_AND_ASSIGN(const DemoData b, GenerateDemo(GeneratorOptions{}));
  EXPECT_TRUE(a == b);
  GeneratorOptions other;
  other.seed = 1;
  ASSERT_OK_AND_ASSIGN(const DemoData c, GenerateDemo(other));
  EXPECT_FALSE(a == c);
  // Ids depend on positions only: the organisation's shape is the same, its people not.
  EXPECT_EQ(a.reps[5].rep_id, c.reps[5].rep_id);
  EXPECT_NE(a.calls, c.calls);
}

TEST(GeneratorTest, DefaultDemoHasTheIssuesShape) {
  ASSERT_OK_AND_ASSIGN(const DemoData d, GenerateDemo(GeneratorOptions{}));
  EXPECT_THAT(d.regions, SizeIs(4));
  EXPECT_THAT(d.teams, SizeIs(12));
  EXPECT_THAT(d.reps, SizeIs(120));
  EXPECT_THAT(d.customers, SizeIs(3000));
  EXPECT_EQ(d.regions[0].name, "华北");
  EXPECT_EQ(d.first_activity_day, absl::CivilDay(2026, 11, 23) - 91);
  // The organisation predates the history and the current quarter (2026-Q4).
  EXPECT_LE(d.org_start, d.first_activity_day);
  EXPECT_LE(d.org_start, absl::CivilDay(2026, 10, 1));
  EXPECT_EQ(d.org_start.day(), 1);
  // About three months of activity at the default rates.
  EXPECT_GT(d.calls.size(), 120u * 60 * 4);
  EXPECT_GT(d.visits.size(), 120u * 20);
  EXPECT_GT(d.deals.size(), 120u * 6);
  EXPECT_FALSE(d.surveys.empty());
  EXPECT_GT(d.monthly_revenue_target_minor, 0);
  for (const CallSpec& c : d.calls) {
    ASSERT_LT(c.started_at, absl::FromCivil(absl::CivilDay(2026, 11, 23), DemoTimeZone()));
    ASSERT_GE(c.started_at, absl::FromCivil(d.first_activity_day, DemoTimeZone()));
  }
}

TEST(GeneratorTest, EveryIdIsUniqueAndEveryRepOwnsCustomers) {
  ASSERT_OK_AND_ASSIGN(const DemoData d, GenerateDemo(GeneratorOptions{}));
  std::set<std::string> ids;
  for (const RepSpec& r : d.reps) EXPECT_TRUE(ids.insert(r.rep_id).second) << r.rep_id;
  for (const CustomerSpec& c : d.customers) EXPECT_TRUE(ids.insert(c.customer_id).second);
  for (const VisitSpec& v : d.visits) EXPECT_TRUE(ids.insert(v.visit_id).second);
  for (const DealSpec& deal : d.deals) EXPECT_TRUE(ids.insert(deal.deal_id).second);
  for (const CallSpec& c : d.calls) EXPECT_TRUE(ids.insert(c.external_call_id).second);
  std::vector<int> owned(d.reps.size(), 0);
  for (const CustomerSpec& c : d.customers) ++owned[static_cast<size_t>(c.owner)];
  for (size_t r = 0; r < owned.size(); ++r) EXPECT_GT(owned[r], 0) << d.reps[r].rep_id;
}

TEST(GeneratorTest, CustomersLieNearTheirRepsCity) {
  ASSERT_OK_AND_ASSIGN(const DemoData d, GenerateDemo(GeneratorOptions{}));
  for (const CustomerSpec& c : d.customers) {
    const TeamSpec& team = d.teams[static_cast<size_t>(d.reps[static_cast<size_t>(c.owner)].team)];
    ASSERT_LT(DistanceMeters(c.location, team.city.center), 40'000) << c.customer_id;
  }
  // 华东's cities include 上海 (31.23 N, 121.47 E).
  EXPECT_EQ(d.regions[1].cities[0].name, "上海");
}

TEST(GeneratorTest, SuspiciousRepsShowTheirPatterns) {
  ASSERT_OK_AND_ASSIGN(const DemoData d, GenerateDemo(GeneratorOptions{}));
  std::map<Suspicion, int> rep_of;
  for (size_t r = 0; r < d.reps.size(); ++r) {
    if (d.reps[r].suspicion != Suspicion::kNone) rep_of[d.reps[r].suspicion] = static_cast<int>(r);
  }
  ASSERT_EQ(rep_of.size(), 4u);

  // Short connected calls: a day with at least 10 under ten seconds, over half of them.
  std::map<std::pair<int, absl::CivilDay>, std::pair<int, int>> by_day;  // short, connected
  for (const CallSpec& c : d.calls) {
    if (c.result != CallResult::kConnected) continue;
    auto& [short_calls, connected] =
        by_day[{c.rep, absl::ToCivilDay(c.started_at, DemoTimeZone())}];
    ++connected;
    if (c.duration_seconds < 10) ++short_calls;
  }
  auto flagged_days = [&](int rep) {
    int days = 0;
    for (const auto& [key, counts] : by_day) {
      if (key.first == rep && counts.first >= 10 && counts.first * 2 >= counts.second) ++days;
    }
    return days;
  };
  EXPECT_GT(flagged_days(rep_of[Suspicion::kShortCalls]), 0);
  for (size_t r = 0; r < d.reps.size(); ++r) {
    if (static_cast<int>(r) != rep_of[Suspicion::kShortCalls]) {
      ASSERT_EQ(flagged_days(static_cast<int>(r)), 0);
    }
  }

  // Far check-ins: kilometres away for the suspicious rep; within 200 m otherwise.
  int far = 0;
  for (const VisitSpec& v : d.visits) {
    if (v.cancelled || v.without_check_in) continue;
    const double m =
        DistanceMeters(v.check_in_position, d.customers[static_cast<size_t>(v.customer)].location);
    if (v.rep == rep_of[Suspicion::kFarCheckIns]) {
      far += m > 2000 ? 1 : 0;
    } else {
      ASSERT_LT(m, 250) << v.visit_id;
    }
  }
  EXPECT_GT(far, 2);

  // Plan changes: more than three in the last week.
  int changes = 0;
  for (const VisitSpec& v : d.visits) {
    if (v.rep != rep_of[Suspicion::kFrequentReschedules]) continue;
    if (v.planned_at < absl::FromCivil(absl::CivilDay(2026, 11, 23) - 7, DemoTimeZone())) continue;
    changes += static_cast<int>(v.reschedules.size()) + (v.cancelled ? 1 : 0);
  }
  EXPECT_GT(changes, 3);

  // Won in the last days of a month, cancelled after it.
  int won_then_cancelled = 0;
  for (const DealSpec& deal : d.deals) {
    if (!deal.cancelled_on) continue;
    EXPECT_EQ(deal.rep, rep_of[Suspicion::kWonThenCancelled]);
    EXPECT_EQ(deal.end, DealEnd::kWon);
    EXPECT_GE(deal.closed_on + 3, absl::CivilDay(absl::CivilMonth(deal.closed_on) + 1));
    EXPECT_GT(absl::CivilMonth(*deal.cancelled_on), absl::CivilMonth(deal.closed_on));
    EXPECT_LT(*deal.cancelled_on, absl::CivilDay(2026, 11, 23));
    ++won_then_cancelled;
  }
  EXPECT_EQ(won_then_cancelled, 1);
}

TEST(GeneratorTest, RejectsSizesOutOfRange) {
  GeneratorOptions o = Small();
  o.regions = 7;
  EXPECT_THAT(GenerateDemo(o), StatusIs(absl::StatusCode::kInvalidArgument));
  o = Small();
  o.reps = 3;  // fewer than teams
  EXPECT_THAT(GenerateDemo(o), StatusIs(absl::StatusCode::kInvalidArgument));
  o = Small();
  o.customers = 5;  // fewer than reps
  EXPECT_THAT(GenerateDemo(o), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(LoadTest, ParsesTheMix) {
  ASSERT_OK_AND_ASSIGN(LoadMix mix, ParseMix("calls=70,visits=20,deals=10"));
  EXPECT_EQ(mix, (LoadMix{70, 20, 10}));
  ASSERT_OK_AND_ASSIGN(mix, ParseMix("deals=1"));
  EXPECT_EQ(mix, (LoadMix{0, 0, 1}));
  EXPECT_THAT(ParseMix("calls=0"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseMix("emails=3"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseMix("calls=-1"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(LoadTest, PercentilesAreNearestRank) {
  std::vector<absl::Duration> v;
  for (int i = 1; i <= 100; ++i) v.push_back(absl::Milliseconds(i));
  EXPECT_EQ(Percentile(v, 0.5), absl::Milliseconds(50));
  EXPECT_EQ(Percentile(v, 0.99), absl::Milliseconds(99));
  EXPECT_EQ(Percentile(v, 1.0), absl::Milliseconds(100));
  EXPECT_EQ(Percentile({}, 0.5), absl::ZeroDuration());
}

TEST(WhereToLookTest, NamesTheAddressMetricsAndCommands) {
  DemoSummary s;
  s.company_name = "华夏智联科技有限公司";
  s.company_target_id = "tgt-rev-2026-Q4-company";
  s.rep_id = "rep-001";
  s.quarter_id = "2026-Q4";
  s.month_id = "2026-11";
  s.seeded = {"targets", "activity", "analytics"};
  const std::string text = WhereToLook(s, "127.0.0.1:50050", 9400);
  EXPECT_THAT(text, HasSubstr("127.0.0.1:50050"));
  EXPECT_THAT(text, HasSubstr("http://127.0.0.1:9400/metrics"));
  EXPECT_THAT(text, HasSubstr("salesperfctl targets"));
  EXPECT_THAT(text, Not(HasSubstr("--server")));
  const std::string other = WhereToLook(s, "127.0.0.1:6000", 9500);
  EXPECT_THAT(other, HasSubstr("salesperfctl --server 127.0.0.1:6000 "));
}

}  // namespace
}  // namespace salesperf::loadgen
