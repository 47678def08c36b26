// The risk projection end to end: events appended to a MemoryEventStore, folded by a
// ProjectionRunner (LocalSource) into a real ViewDb in a TempDir, published by the
// RiskReactor. A flag is raised once (replays, rebuilds and a reactor restart between
// append and fold change nothing), cleared when the window slides (by a later event or
// by the clock-driven sweep) or by a manager, and listed by rep, team, region and rule.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/bus/local_source.h"
#include "libs/common/clock.h"
#include "libs/eventstore/memory_event_store.h"
#include "libs/projection/runner.h"
#include "libs/testing/status_matchers.h"
#include "libs/testing/temp_dir.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"
#include "salesperf/targets/v1/events.pb.h"
#include "services/activity/risk/risk_queries.h"
#include "services/activity/risk/risk_reactor.h"
#include "services/activity/risk/risk_views.h"

namespace salesperf::activity::risk {
namespace {

using ::salesperf::testing::IsOk;
using ::salesperf::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace tv1 = ::salesperf::targets::v1;

absl::Time Nov(int day, int hour = 10, int minute = 0) {
  return absl::FromCivil(absl::CivilMinute(2026, 11, day, hour, minute), DefaultTimeZone());
}

class RiskProjectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(Nov(1));
    activity_ = std::make_unique<eventstore::MemoryEventStore>(
        eventstore::MemoryEventStoreOptions{.source = "activity", .clock = &clock_});
    targets_ = std::make_unique<eventstore::MemoryEventStore>(
        eventstore::MemoryEventStoreOptions{.source = "targets", .clock = &clock_});
    auto db = projection::ViewDb::Open(dir_.Sub("views"), RiskViewNames());
    ASSERT_THAT(db.status(), IsOk());
    db_ = *std::move(db);
    auto runner = projection::ProjectionRunner::Create(
        db_.get(),
        std::make_unique<bus::LocalSource>(
            std::vector<eventstore::EventStore*>{activity_.get(), targets_.get()}),
        NewRiskViews(config_),
        {.name = "risk", .poll_timeout = absl::Milliseconds(1), .clock = &clock_});
    ASSERT_THAT(runner.status(), IsOk());
    runner_ = *std::move(runner);
    reactor_ = std::make_unique<RiskReactor>(
        activity_.get(), db_.get(), &clock_,
        RiskReactorOptions{.config = config_, .registry = &registry_});
    queries_ = std::make_unique<RiskQueries>(db_.get());
    commands_ = std::make_unique<RiskCommands>(activity_.get(), queries_.get(), &clock_);
    Org<tv1::RepHired>([](tv1::RepHired& e) {
      e.set_rep_id("alice");
      e.set_team_id("t-sh");
      e.set_region_id("east");
      e.set_effective_from("2026-01-01");
    });
    Org<tv1::RepHired>([](tv1::RepHired& e) {
      e.set_rep_id("bob");
      e.set_team_id("t-hz");
      e.set_region_id("east");
      e.set_effective_from("2026-01-01");
    });
  }

  template <typename Event, typename Fill>
  void Org(Fill fill) {
    Event e;
    fill(e);
    eventstore::EventEnvelope envelope;
    envelope.mutable_payload()->PackFrom(e);
    *envelope.mutable_occurred_at() = ToTimestamp(clock_.Now());
    ASSERT_THAT(targets_->Append({.stream_id = "org", .events = {envelope}}).status(), IsOk());
  }

  template <typename Event>
  void Activity(const std::string& stream, const Event& e, absl::Time at) {
    eventstore::EventEnvelope envelope;
    envelope.mutable_payload()->PackFrom(e);
    *envelope.mutable_occurred_at() = ToTimestamp(at);
    ASSERT_THAT(activity_->Append({.stream_id = stream, .events = {envelope}}).status(), IsOk());
  }

  void Reschedule(const std::string& rep, const std::string& visit, absl::Time at) {
    v1::VisitRescheduled e;
    e.set_visit_id(visit);
    e.set_rep_id(rep);
    e.set_customer_id("c-1");
    Activity("visit-" + visit, e, at);
  }

  void Call(const std::string& rep, int64_t seconds, absl::Time at,
            const std::string& customer = "") {
    v1::CallLogged e;
    e.set_call_id(absl::StrCat("k", ++calls_));
    e.set_rep_id(rep);
    e.set_customer_id(customer);
    e.set_outcome(v1::CALL_OUTCOME_CONNECTED);
    e.set_duration_seconds(seconds);
    Activity("call-" + e.call_id(), e, at);
  }

  // Folds everything and publishes the decisions until nothing is left to do.
  void Settle() {
    for (int round = 0; round < 20; ++round) {
      while (true) {
        absl::StatusOr<size_t> n = runner_->RunOnce();
        ASSERT_THAT(n.status(), IsOk());
        if (*n == 0) break;
      }
      absl::StatusOr<size_t> published = reactor_->PublishPending();
      ASSERT_THAT(published.status(), IsOk());
      if (*published == 0 && PendingRows() == 0) return;
    }
    FAIL() << "did not settle";
  }

  size_t PendingRows() {
    projection::ScanOptions scan;
    scan.prefix = std::string(keys::kPendingPrefix);
    return db_->Scan(keys::kRulesView, scan).value().size();
  }

  std::vector<v1::RiskFlag> List(v1::ListRiskFlagsRequest request) {
    absl::StatusOr<v1::ListRiskFlagsResponse> response = queries_->ListFlags(request);
    EXPECT_THAT(response.status(), IsOk());
    if (!response.ok()) return {};
    return {response->flags().begin(), response->flags().end()};
  }

  std::vector<v1::RiskFlag> ForRep(const std::string& rep, bool include_cleared = true) {
    v1::ListRiskFlagsRequest request;
    request.set_rep_id(rep);
    request.set_include_cleared(include_cleared);
    return List(request);
  }

  std::vector<projection::ViewRow> Rows(const std::string& view) { return db_->Scan(view).value(); }

  RiskConfig config_;
  FakeClock clock_;
  salesperf::testing::TempDir dir_;
  prometheus::Registry registry_;
  std::unique_ptr<eventstore::MemoryEventStore> activity_;
  std::unique_ptr<eventstore::MemoryEventStore> targets_;
  projection::ViewDbPtr db_;
  projection::ProjectionRunnerPtr runner_;
  std::unique_ptr<RiskReactor> reactor_;
  std::unique_ptr<RiskQueries> queries_;
  std::unique_ptr<RiskCommands> commands_;
  int calls_ = 0;
};

TEST_F(RiskProjectionTest, RaisedOnceWithEvidenceAndReplaysChangeNothing) {
  for (int i = 1; i <= 5; ++i) Reschedule("alice", absl::StrCat("v", i), Nov(i));
  ASSERT_NO_FATAL_FAILURE(Settle());

  std::vector<v1::RiskFlag> flags = ForRep("alice");
  ASSERT_EQ(flags.size(), 1u);
  const v1::RiskFlag& flag = flags[0];
  EXPECT_EQ(flag.flag_id(), "plan-4");  // the 4th reschedule is the activity store's seq 4
  EXPECT_EQ(flag.rule(), v1::RISK_RULE_FREQUENT_PLAN_CHANGES);
  EXPECT_EQ(flag.status(), v1::RISK_FLAG_STATUS_OPEN);
  EXPECT_EQ(flag.team_id(), "t-sh");
  EXPECT_EQ(flag.region_id(), "east");
  EXPECT_EQ(flag.evidence_size(), 4);
  EXPECT_EQ(flag.evidence(3).stream_id(), "visit-v4");
  EXPECT_EQ(activity_->StreamVersion("risk-plan-4").value(), 1u);
  EXPECT_EQ(reactor_->flags_raised(), 1u);
  EXPECT_EQ(PendingRows(), 0u);

  const uint64_t head = activity_->HeadSequence();
  const auto before = Rows(keys::kRulesView);
  const auto flags_before = Rows(keys::kFlagsView);
  // A full replay of the log decides the same flag; the reactor's append is deduplicated.
  ASSERT_THAT(runner_->Rebuild(), IsOk());
  ASSERT_NO_FATAL_FAILURE(Settle());
  EXPECT_EQ(activity_->HeadSequence(), head);
  EXPECT_EQ(Rows(keys::kRulesView), before);
  EXPECT_EQ(Rows(keys::kFlagsView), flags_before);
  EXPECT_EQ(reactor_->flags_raised(), 1u);

  std::string text = prometheus::TextSerializer().Serialize(registry_.Collect());
  EXPECT_THAT(text, HasSubstr("salesperf_activity_risk_flags_raised_total{rule=\"frequent_plan_"
                              "changes\"} 1"));
}

TEST_F(RiskProjectionTest, CrashBetweenAppendAndFoldDoesNotDoubleTheFlag) {
  for (int i = 1; i <= 4; ++i) Reschedule("alice", absl::StrCat("v", i), Nov(i));
  while (runner_->RunOnce().value() > 0) {
  }
  ASSERT_EQ(PendingRows(), 1u);
  ASSERT_THAT(reactor_->PublishPending(), ::salesperf::testing::IsOkAndHolds(1u));
  // The process dies before the flag event folds; a new reactor finds the pending row.
  RiskReactor restarted(activity_.get(), db_.get(), &clock_, {.config = config_});
  EXPECT_THAT(restarted.PublishPending(), ::salesperf::testing::IsOkAndHolds(0u));
  ASSERT_NO_FATAL_FAILURE(Settle());
  EXPECT_EQ(ForRep("alice").size(), 1u);
  EXPECT_EQ(activity_->StreamVersion("risk-plan-4").value(), 1u);
}

TEST_F(RiskProjectionTest, ALaterEventOfTheRepSlidesTheWindowAndClears) {
  for (int i = 1; i <= 4; ++i) Reschedule("alice", absl::StrCat("v", i), Nov(i));
  ASSERT_NO_FATAL_FAILURE(Settle());
  ASSERT_EQ(ForRep("alice", false).size(), 1u);
  Call("alice", 300, Nov(8, 12));  // the 1st's reschedule has left the 7-day window
  ASSERT_NO_FATAL_FAILURE(Settle());
  EXPECT_TRUE(ForRep("alice", false).empty());
  std::vector<v1::RiskFlag> flags = ForRep("alice");
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_EQ(flags[0].status(), v1::RISK_FLAG_STATUS_CLEARED);
  EXPECT_THAT(flags[0].cleared_reason(), HasSubstr("no longer holds"));
  EXPECT_TRUE(flags[0].cleared_by().empty());
  // A fresh burst raises a new flag.
  for (int i = 10; i <= 13; ++i) Reschedule("alice", absl::StrCat("w", i), Nov(20, i));
  ASSERT_NO_FATAL_FAILURE(Settle());
  EXPECT_EQ(ForRep("alice", false).size(), 1u);
  EXPECT_EQ(ForRep("alice").size(), 2u);
}

TEST_F(RiskProjectionTest, TheSweepClearsWhenTheRepGoesQuiet) {
  for (int i = 1; i <= 4; ++i) Reschedule("alice", absl::StrCat("v", i), Nov(i));
  ASSERT_NO_FATAL_FAILURE(Settle());
  clock_.Set(Nov(7));
  EXPECT_THAT(reactor_->Sweep(), ::salesperf::testing::IsOkAndHolds(0u));
  clock_.Set(Nov(9));
  EXPECT_THAT(reactor_->Sweep(), ::salesperf::testing::IsOkAndHolds(1u));
  EXPECT_THAT(reactor_->Sweep(), ::salesperf::testing::IsOkAndHolds(0u));  // deduplicated
  ASSERT_NO_FATAL_FAILURE(Settle());
  std::vector<v1::RiskFlag> flags = ForRep("alice");
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_EQ(flags[0].status(), v1::RISK_FLAG_STATUS_CLEARED);
  EXPECT_THAT(flags[0].cleared_reason(), HasSubstr("periodic check"));
  EXPECT_EQ(activity_->StreamVersion("risk-plan-4").value(), 2u);
  // The rule state no longer has an open flag, and a replay agrees.
  const auto before = Rows(keys::kRulesView);
  ASSERT_THAT(runner_->Rebuild(), IsOk());
  ASSERT_NO_FATAL_FAILURE(Settle());
  EXPECT_EQ(Rows(keys::kRulesView), before);
}

TEST_F(RiskProjectionTest, ManagerClearsOnceIdempotently) {
  for (int i = 1; i <= 4; ++i) Reschedule("alice", absl::StrCat("v", i), Nov(i));
  ASSERT_NO_FATAL_FAILURE(Settle());
  v1::ClearRiskFlagRequest clear;
  clear.set_request_id("r-1");
  clear.set_flag_id("plan-4");
  clear.set_cleared_by("emma");
  clear.set_reason("customer asked to move the visits");
  absl::StatusOr<v1::ClearRiskFlagResponse> first = commands_->ClearFlag(clear);
  ASSERT_THAT(first.status(), IsOk());
  EXPECT_EQ(first->flag().status(), v1::RISK_FLAG_STATUS_CLEARED);
  EXPECT_EQ(first->flag().cleared_by(), "emma");
  EXPECT_EQ(first->flag().team_id(), "t-sh");
  const uint64_t head = activity_->HeadSequence();
  absl::StatusOr<v1::ClearRiskFlagResponse> again = commands_->ClearFlag(clear);
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_EQ(again->flag().SerializeAsString(), first->flag().SerializeAsString());
  EXPECT_EQ(activity_->HeadSequence(), head);
  clear.set_reason("something else");
  EXPECT_THAT(commands_->ClearFlag(clear), StatusIs(absl::StatusCode::kAlreadyExists));
  clear.set_request_id("r-2");
  EXPECT_THAT(commands_->ClearFlag(clear), StatusIs(absl::StatusCode::kFailedPrecondition));
  clear.set_flag_id("plan-999");
  EXPECT_THAT(commands_->ClearFlag(clear), StatusIs(absl::StatusCode::kNotFound));
  clear.set_flag_id("");
  clear.set_reason("");
  absl::Status bad = commands_->ClearFlag(clear).status();
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(bad.message()), HasSubstr("reason"));

  ASSERT_NO_FATAL_FAILURE(Settle());
  absl::StatusOr<v1::RiskFlag> flag = queries_->GetFlag("plan-4");
  ASSERT_THAT(flag.status(), IsOk());
  EXPECT_EQ(flag->cleared_by(), "emma");
  // Acknowledged: another reschedule while the condition holds raises nothing new.
  Reschedule("alice", "v5", Nov(5));
  ASSERT_NO_FATAL_FAILURE(Settle());
  EXPECT_EQ(ForRep("alice").size(), 1u);
}

TEST_F(RiskProjectionTest, EveryRuleFlagsWhatItShould) {
  // Customer c-9 belongs to bob; alice calls it (foreign) and bob calls it (not).
  v1::CustomerRegistered customer;
  customer.set_customer_id("c-9");
  customer.set_owner_rep_id("bob");
  Activity("customer-c-9", customer, Nov(1));
  Call("alice", 120, Nov(2), "c-9");
  Call("bob", 120, Nov(2), "c-9");
  // A check-in 2.3 km away (flags) and a verified one (does not).
  v1::VisitCheckedIn far;
  far.set_visit_id("v-far");
  far.set_rep_id("bob");
  far.set_customer_id("c-1");
  far.set_location_check(v1::LOCATION_CHECK_TOO_FAR);
  far.set_distance_meters(2300);
  far.set_threshold_meters(500);
  Activity("visit-v-far", far, Nov(3));
  v1::VisitCheckedIn near = far;
  near.set_visit_id("v-near");
  near.set_location_check(v1::LOCATION_CHECK_VERIFIED);
  Activity("visit-v-near", near, Nov(3));
  // Two visits without a check-in in a week (bob).
  for (const char* visit : {"v-a", "v-b"}) {
    v1::VisitOutcomeRecorded done;
    done.set_visit_id(visit);
    done.set_rep_id("bob");
    done.set_outcome(v1::VISIT_OUTCOME_COMPLETED);
    done.set_without_check_in(true);
    Activity(absl::StrCat("visit-", visit), done, Nov(4));
  }
  // Two visits done after check-ins that carried no position (dave: flags), and two after
  // located check-ins (erin: does not).
  for (const auto& [rep, without_position] : {std::pair{"dave", true}, {"erin", false}}) {
    for (const char* visit : {"a", "b"}) {
      v1::VisitOutcomeRecorded done;
      done.set_visit_id(absl::StrCat(rep, "-", visit));
      done.set_rep_id(rep);
      done.set_outcome(v1::VISIT_OUTCOME_COMPLETED);
      done.set_location_check(v1::LOCATION_CHECK_NO_LOCATION);
      done.set_check_in_without_position(without_position);
      Activity(absl::StrCat("visit-", done.visit_id()), done, Nov(5));
    }
  }
  // Won on the 29th and cancelled in December (flags); won on the 10th (does not).
  for (const auto& [deal, won_on] : {std::pair{"d-1", "2026-11-29"}, {"d-2", "2026-11-10"}}) {
    v1::DealWon won;
    won.set_deal_id(deal);
    won.set_rep_id("bob");
    won.set_won_on(won_on);
    Activity(absl::StrCat("deal-", deal), won, Nov(10));
    v1::DealCancelled cancelled;
    cancelled.set_deal_id(deal);
    cancelled.set_rep_id("bob");
    cancelled.set_won_on(won_on);
    cancelled.set_cancelled_on("2026-12-03");
    Activity(absl::StrCat("deal-", deal), cancelled, Nov(30, 23));
  }
  // Won on the 28th, cancelled on 2 December but dated back to the 30th: flags on the day
  // it was recorded.
  {
    v1::DealWon won;
    won.set_deal_id("d-3");
    won.set_rep_id("carol");
    won.set_won_on("2026-11-28");
    Activity("deal-d-3", won, Nov(28));
    v1::DealCancelled cancelled;
    cancelled.set_deal_id("d-3");
    cancelled.set_rep_id("carol");
    cancelled.set_won_on("2026-11-28");
    cancelled.set_cancelled_on("2026-11-30");
    Activity("deal-d-3", cancelled,
             absl::FromCivil(absl::CivilMinute(2026, 12, 2, 9, 0), DefaultTimeZone()));
  }
  // Ten 5-second calls out of twelve connected on the 12th (alice).
  for (int i = 0; i < 12; ++i) Call("alice", i < 10 ? 5 : 200, Nov(12, 9, i));
  ASSERT_NO_FATAL_FAILURE(Settle());

  auto rules = [](const std::vector<v1::RiskFlag>& flags) {
    std::vector<v1::RiskRule> out;
    for (const v1::RiskFlag& f : flags) out.push_back(f.rule());
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_THAT(rules(ForRep("alice")), ElementsAre(v1::RISK_RULE_SHORT_CONNECTED_CALLS,
                                                  v1::RISK_RULE_FOREIGN_CUSTOMER_ACTIVITY));
  EXPECT_THAT(rules(ForRep("bob")),
              ElementsAre(v1::RISK_RULE_CHECK_IN_TOO_FAR, v1::RISK_RULE_VISIT_WITHOUT_CHECK_IN,
                          v1::RISK_RULE_WON_THEN_CANCELLED));
  EXPECT_THAT(rules(ForRep("dave")), ElementsAre(v1::RISK_RULE_VISIT_WITHOUT_CHECK_IN));
  EXPECT_THAT(rules(ForRep("erin")), ::testing::IsEmpty());
  v1::ListRiskFlagsRequest by_rule;
  by_rule.set_rule(v1::RISK_RULE_WON_THEN_CANCELLED);
  std::vector<v1::RiskFlag> won = List(by_rule);
  ASSERT_EQ(won.size(), 2u);
  std::sort(won.begin(), won.end(), [](const v1::RiskFlag& a, const v1::RiskFlag& b) {
    return a.rep_id() < b.rep_id();
  });
  EXPECT_EQ(won[0].rep_id(), "bob");
  EXPECT_EQ(won[0].evidence_size(), 2);  // the win and the cancellation
  EXPECT_EQ(won[0].evidence(0).stream_id(), "deal-d-1");
  EXPECT_EQ(won[1].rep_id(), "carol");
  ASSERT_EQ(won[1].evidence_size(), 2);
  EXPECT_EQ(won[1].evidence(1).description(),
            "deal cancelled on 2026-12-02 (dated 2026-11-30)");
  by_rule.set_rule(v1::RISK_RULE_CHECK_IN_TOO_FAR);
  ASSERT_EQ(List(by_rule).size(), 1u);
  EXPECT_EQ(List(by_rule)[0].observed(), 2300);
}

TEST_F(RiskProjectionTest, ListsByTeamAndRegionWithPagesAndBackdatedMoves) {
  for (int i = 1; i <= 4; ++i) Reschedule("alice", absl::StrCat("a", i), Nov(i));
  for (int i = 1; i <= 4; ++i) Reschedule("bob", absl::StrCat("b", i), Nov(i));
  for (int i = 10; i <= 13; ++i) Reschedule("bob", absl::StrCat("c", i), Nov(20, i));
  ASSERT_NO_FATAL_FAILURE(Settle());
  v1::ListRiskFlagsRequest region;
  region.set_region_id("east");
  region.set_include_cleared(true);
  region.mutable_page()->set_page_size(2);
  absl::StatusOr<v1::ListRiskFlagsResponse> page1 = queries_->ListFlags(region);
  ASSERT_THAT(page1.status(), IsOk());
  ASSERT_EQ(page1->flags_size(), 2);
  EXPECT_EQ(page1->flags(0).rep_id(), "alice");
  ASSERT_FALSE(page1->page().next_page_token().empty());
  region.mutable_page()->set_page_token(page1->page().next_page_token());
  absl::StatusOr<v1::ListRiskFlagsResponse> page2 = queries_->ListFlags(region);
  ASSERT_THAT(page2.status(), IsOk());
  ASSERT_EQ(page2->flags_size(), 1);
  EXPECT_TRUE(page2->page().next_page_token().empty());
  EXPECT_EQ(page2->flags(0).rep_id(), "bob");

  v1::ListRiskFlagsRequest team;
  team.set_team_id("t-hz");
  team.set_include_cleared(true);
  EXPECT_EQ(List(team).size(), 2u);
  // Bob moved to t-sh from the 15th, recorded late: his flag of the 20th is now t-sh's.
  Org<tv1::RepMoved>([](tv1::RepMoved& e) {
    e.set_rep_id("bob");
    e.set_from_team_id("t-hz");
    e.set_to_team_id("t-sh");
    e.set_to_region_id("east");
    e.set_effective_from("2026-11-15");
  });
  ASSERT_NO_FATAL_FAILURE(Settle());
  std::vector<v1::RiskFlag> hz = List(team);
  ASSERT_EQ(hz.size(), 1u);
  EXPECT_EQ(ToTime(hz[0].window_end()), Nov(4));
  team.set_team_id("t-sh");
  EXPECT_EQ(List(team).size(), 2u);

  v1::ListRiskFlagsRequest bad;
  bad.set_rep_id("alice");
  bad.set_team_id("t-sh");
  EXPECT_THAT(queries_->ListFlags(bad), StatusIs(absl::StatusCode::kInvalidArgument));
  bad.clear_team_id();
  bad.mutable_page()->set_page_token("nonsense");
  EXPECT_THAT(queries_->ListFlags(bad), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(queries_->GetFlag("plan-999"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(RiskProjectionTest, BackgroundReactorPublishes) {
  ASSERT_THAT(reactor_->Start(), IsOk());
  EXPECT_THAT(reactor_->Start(), StatusIs(absl::StatusCode::kFailedPrecondition));
  for (int i = 1; i <= 4; ++i) Reschedule("alice", absl::StrCat("v", i), Nov(i));
  while (runner_->RunOnce().value() > 0) {
  }
  // The flag's append wakes the store's waiters: no sleep needed.
  EXPECT_GT(activity_->WaitForSequence(4, absl::Seconds(30)), 4u);
  reactor_->Stop();
  reactor_->Stop();
  EXPECT_EQ(activity_->StreamVersion("risk-plan-4").value(), 1u);
}

}  // namespace
}  // namespace salesperf::activity::risk
