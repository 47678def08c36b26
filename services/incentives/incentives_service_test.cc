// End-to-end tests of the incentives service over gRPC: upstream events in, statements,
// disputes, clawbacks, recalculation, contests out.
#include "services/incentives/incentives_service.h"

#include <map>
#include <random>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/money.h"
#include "libs/common/validation.h"
#include "libs/testing/status_matchers.h"
#include "services/incentives/testing/service_fixture.h"

namespace salesperf::incentives {
namespace {

using ::salesperf::testing::EqualsProto;
using ::salesperf::testing::IsOk;
using ::salesperf::testing::StatusIs;
using testing::Cny;
using ::testing::ElementsAre;
using ::testing::Field;
using testing::FindLine;
using ::testing::Property;
using testing::ServiceFixture;
using testing::Stub;

class IncentivesServiceTest : public ServiceFixture {
 protected:
  // alice: target 100,000.00 in November; d1 60,000.00 (hers) and d2 80,000.00 split
  // 50/50 with bob. Credited 100,000.00 = 100% attainment.
  void SeedNovember() {
    Publish(StandardPlan());
    RevenueTarget("tgt-a-11", "alice", "2026-11", 10'000'000);
    RevenueTarget("tgt-b-11", "bob", "2026-11", 10'000'000);
    DealWon("d1", "alice", 6'000'000, "2026-11-10");
    DealWon("d2", "alice", 8'000'000, "2026-11-20", {{"alice", 5'000}, {"bob", 5'000}});
    Sync();
  }

  absl::StatusOr<v1::IssueStatementResponse> Issue(const std::string& rep,
                                                   const std::string& period,
                                                   const std::string& actor = "tom") {
    v1::IssueStatementRequest r;
    r.set_request_id(NextRequestId());
    r.set_rep_id(rep);
    r.set_period_id(period);
    return Call(&Stub::IssueStatement, r, actor);
  }
};

TEST_F(IncentivesServiceTest, RunningStatementShowsHandComputedLinesWithTheirEvents) {
  SeedNovember();
  ASSERT_OK_AND_ASSIGN(const v1::StatementView view, Statement("alice", "2026-11"));
  EXPECT_EQ(view.status(), v1::STATEMENT_STATUS_RUNNING);
  const v1::Statement& s = view.statement();
  EXPECT_EQ(s.plan_id(), "std");
  EXPECT_EQ(s.plan_version(), 1);
  EXPECT_EQ(s.credited_revenue().minor_units(), 10'000'000);
  EXPECT_EQ(s.attainment_bp(), 10'000);
  // 50,000.00 x 2% = 1,000.00; 50,000.00 x 5% = 2,500.00; bonus 1,000.00.
  const v1::StatementLine* tier1 = FindLine(s, "commission/tier-1/plan");
  const v1::StatementLine* tier2 = FindLine(s, "commission/tier-2/plan");
  const v1::StatementLine* bonus = FindLine(s, "bonus/b1");
  ASSERT_NE(tier1, nullptr);
  ASSERT_NE(tier2, nullptr);
  ASSERT_NE(bonus, nullptr);
  EXPECT_EQ(tier1->base().minor_units(), 5'000'000);
  EXPECT_EQ(tier1->amount().minor_units(), 100'000);
  EXPECT_EQ(tier2->amount().minor_units(), 250'000);
  EXPECT_EQ(bonus->amount().minor_units(), 100'000);
  EXPECT_EQ(s.total().minor_units(), 450'000);
  EXPECT_FALSE(tier2->description().empty());
  // Every commission line traces to the deals' events.
  std::vector<std::string> streams;
  for (const v1::EventRef& r : tier1->refs()) streams.push_back(r.stream_id());
  EXPECT_THAT(streams, ::testing::IsSupersetOf({"deal-d1", "deal-d2"}));
  EXPECT_EQ(tier1->target_id(), "tgt-a-11");
}

TEST_F(IncentivesServiceTest, IssueDisputeAcceptApprovePay) {
  SeedNovember();
  // Not before the period closes.
  EXPECT_THAT(Issue("alice", "2026-11").status(), StatusIs(absl::StatusCode::kFailedPrecondition));
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 12, 2, 9, 0, 0), DefaultTimeZone()));
  // Only a manager of the rep issues.
  EXPECT_THAT(Issue("alice", "2026-11", "alice").status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  ASSERT_OK_AND_ASSIGN(v1::IssueStatementResponse issued, Issue("alice", "2026-11"));
  EXPECT_EQ(issued.statement().status(), v1::STATEMENT_STATUS_ISSUED);
  EXPECT_EQ(issued.statement().statement().total().minor_units(), 450'000);
  EXPECT_THAT(Issue("alice", "2026-11").status(), StatusIs(absl::StatusCode::kFailedPrecondition));

  // A late fact does not change what was issued.
  DealWon("d3", "alice", 1'000'000, "2026-11-30");
  Sync();
  ASSERT_OK_AND_ASSIGN(v1::StatementView after, Statement("alice", "2026-11"));
  EXPECT_EQ(after.statement().total().minor_units(), 450'000);

  v1::DisputeLineRequest dispute;
  dispute.set_request_id(NextRequestId());
  dispute.set_rep_id("alice");
  dispute.set_period_id("2026-11");
  dispute.set_line_key("commission/tier-2/plan");
  dispute.set_comment("d3 was signed on the 30th");
  EXPECT_THAT(Call(&Stub::DisputeLine, dispute, "bob").status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  ASSERT_OK_AND_ASSIGN(v1::DisputeLineResponse disputed,
                       Call(&Stub::DisputeLine, dispute, "alice"));
  // The same request again: the first response, nothing written.
  const uint64_t head = service_->store().HeadSequence();
  ASSERT_OK_AND_ASSIGN(v1::DisputeLineResponse again, Call(&Stub::DisputeLine, dispute, "alice"));
  EXPECT_THAT(again, EqualsProto(disputed));
  EXPECT_EQ(service_->store().HeadSequence(), head);
  dispute.set_comment("something else");
  EXPECT_THAT(Call(&Stub::DisputeLine, dispute, "alice").status(),
              StatusIs(absl::StatusCode::kAlreadyExists));

  // Approval waits for the dispute.
  v1::ApproveStatementRequest approve;
  approve.set_request_id(NextRequestId());
  approve.set_rep_id("alice");
  approve.set_period_id("2026-11");
  EXPECT_THAT(Call(&Stub::ApproveStatement, approve).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));

  v1::AcceptDisputeRequest accept;
  accept.set_request_id(NextRequestId());
  accept.set_rep_id("alice");
  accept.set_period_id("2026-11");
  accept.set_dispute_id(disputed.dispute_id());
  *accept.mutable_amount() = Cny(50'000);
  accept.set_reason("d3 counted at 5%");
  ASSERT_OK_AND_ASSIGN(v1::AcceptDisputeResponse accepted, Call(&Stub::AcceptDispute, accept));
  const v1::StatementView& v = accepted.statement();
  EXPECT_EQ(v.payable().minor_units(), 500'000);
  ASSERT_EQ(v.adjustments_size(), 1);
  EXPECT_EQ(v.adjustments(0).added_by(), "tom");
  EXPECT_EQ(v.adjustments(0).reason(), "d3 counted at 5%");
  EXPECT_EQ(v.adjustments(0).dispute_id(), disputed.dispute_id());
  EXPECT_EQ(v.disputes(0).status(), v1::DISPUTE_STATUS_ACCEPTED);
  // The issued lines are untouched: the adjustment is a separate line.
  EXPECT_EQ(v.statement().total().minor_units(), 450'000);

  ASSERT_OK_AND_ASSIGN(v1::ApproveStatementResponse approved,
                       Call(&Stub::ApproveStatement, approve));
  EXPECT_EQ(approved.statement().status(), v1::STATEMENT_STATUS_APPROVED);
  EXPECT_EQ(approved.statement().approved_by(), "tom");

  v1::RecordPayoutRequest pay;
  pay.set_request_id(NextRequestId());
  pay.set_rep_id("alice");
  pay.set_period_id("2026-11");
  *pay.mutable_amount() = Cny(500'001);
  EXPECT_THAT(Call(&Stub::RecordPayout, pay).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  pay.set_request_id(NextRequestId());
  *pay.mutable_amount() = Cny(500'000);
  pay.set_reference("payroll-2026-12");
  ASSERT_OK_AND_ASSIGN(v1::RecordPayoutResponse paid, Call(&Stub::RecordPayout, pay));
  EXPECT_EQ(paid.statement().status(), v1::STATEMENT_STATUS_PAID);
  EXPECT_EQ(paid.statement().paid().minor_units(), 500'000);
  EXPECT_EQ(paid.statement().payouts(0).paid_on(), "2026-12-02");

  // A rejected dispute changes nothing it pays.
  dispute.set_request_id(NextRequestId());
  dispute.set_line_key("bonus/b1");
  ASSERT_OK_AND_ASSIGN(v1::DisputeLineResponse second, Call(&Stub::DisputeLine, dispute, "alice"));
  v1::RejectDisputeRequest reject;
  reject.set_request_id(NextRequestId());
  reject.set_rep_id("alice");
  reject.set_period_id("2026-11");
  reject.set_dispute_id(second.dispute_id());
  reject.set_reason("the bonus is as the plan says");
  ASSERT_OK_AND_ASSIGN(v1::RejectDisputeResponse rejected, Call(&Stub::RejectDispute, reject));
  EXPECT_EQ(rejected.statement().disputes(1).status(), v1::DISPUTE_STATUS_REJECTED);
  EXPECT_EQ(rejected.statement().payable().minor_units(), 500'000);
}

TEST_F(IncentivesServiceTest, CancellationIsClawedBackInItsOwnPeriod) {
  SeedNovember();
  RevenueTarget("tgt-a-12", "alice", "2026-12", 10'000'000);
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 12, 2, 9, 0, 0), DefaultTimeZone()));
  ASSERT_OK(Issue("alice", "2026-11").status());
  DealCancelled("d1", "alice", 6'000'000, "2026-11-10", "2026-12-05");
  Sync();

  // November as issued stays as it was.
  ASSERT_OK_AND_ASSIGN(v1::StatementView november, Statement("alice", "2026-11"));
  EXPECT_EQ(november.statement().total().minor_units(), 450'000);
  // December claws back what d1 earned in November: its part of the tier lines,
  // 60% of 1,000.00 + 60% of 2,500.00 = 2,100.00 (the bonus has no deal parts).
  ASSERT_OK_AND_ASSIGN(v1::StatementView december, Statement("alice", "2026-12"));
  const v1::StatementLine* clawback = FindLine(december.statement(), "clawback/d1");
  ASSERT_NE(clawback, nullptr);
  EXPECT_EQ(clawback->kind(), v1::LINE_KIND_CLAWBACK);
  EXPECT_EQ(clawback->amount().minor_units(), -210'000);
  std::vector<std::string> streams;
  for (const v1::EventRef& r : clawback->refs()) streams.push_back(r.stream_id());
  EXPECT_THAT(streams, ::testing::Contains("deal-d1"));
  EXPECT_EQ(december.statement().total().minor_units(), -210'000);
}

TEST_F(IncentivesServiceTest, RecalculationAfterARebuildEqualsTheIssuedStatement) {
  SeedNovember();
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 12, 2, 9, 0, 0), DefaultTimeZone()));
  ASSERT_OK_AND_ASSIGN(v1::IssueStatementResponse issued, Issue("alice", "2026-11"));
  ASSERT_OK(service_->host().runner().Rebuild());
  ASSERT_OK(service_->host().runner().CatchUp(absl::Seconds(30)));
  Sync();

  v1::RecalculateStatementRequest recalc;
  recalc.set_rep_id("alice");
  recalc.set_period_id("2026-11");
  ASSERT_OK_AND_ASSIGN(v1::RecalculateStatementResponse same,
                       Call(&Stub::RecalculateStatement, recalc));
  EXPECT_TRUE(same.issued_exists());
  EXPECT_THAT(same.recalculated(), EqualsProto(issued.statement().statement()));
  EXPECT_EQ(same.total_difference().minor_units(), 0);
  for (const v1::LineDifference& d : same.lines())
    EXPECT_EQ(d.difference().minor_units(), 0) << d.key();

  // Under a new plan version (a flat 3%) the difference shows per line, and the issued
  // statement does not change.
  v1::Plan flat = StandardPlan();
  flat.clear_tiered();
  flat.mutable_flat_rate()->set_rate_ppm(30'000);
  EXPECT_EQ(Publish(flat).version(), 2);
  recalc.set_plan_id("std");
  recalc.set_plan_version(2);
  ASSERT_OK_AND_ASSIGN(v1::RecalculateStatementResponse other,
                       Call(&Stub::RecalculateStatement, recalc));
  // 100,000.00 x 3% = 3,000.00, plus the bonus: 4,000.00 against 4,500.00.
  EXPECT_EQ(other.total_after().minor_units(), 400'000);
  EXPECT_EQ(other.total_difference().minor_units(), -50'000);
  ASSERT_OK_AND_ASSIGN(v1::StatementView still, Statement("alice", "2026-11"));
  EXPECT_THAT(still.statement(), EqualsProto(issued.statement().statement()));
}

TEST_F(IncentivesServiceTest, PlanValidationNamesTheField) {
  v1::Plan plan = StandardPlan();
  plan.mutable_tiered()->mutable_tiers(1)->set_from_bp(0);
  v1::PublishPlanRequest request;
  request.set_request_id(NextRequestId());
  *request.mutable_plan() = plan;
  absl::StatusOr<v1::PublishPlanResponse> r = Call(&Stub::PublishPlan, request, "ceo");
  ASSERT_THAT(r.status(), StatusIs(absl::StatusCode::kInvalidArgument));
  std::vector<std::string> fields;
  for (const FieldViolation& v : FieldViolationsOf(r.status())) fields.push_back(v.field);
  EXPECT_THAT(fields, ::testing::Contains(::testing::StartsWith("plan.tiered.tiers[1]")));
  request.set_request_id("");
  EXPECT_THAT(Call(&Stub::PublishPlan, request, "ceo").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(IncentivesServiceTest, ContestStandingsAreLiveThenFixedAtClose) {
  SeedNovember();
  v1::CreateContestRequest create;
  create.set_request_id(NextRequestId());
  v1::Contest* c = create.mutable_contest();
  c->set_contest_id("nov-champ");
  c->set_name("November champion");
  c->set_metric("revenue");
  c->mutable_scope()->set_kind(common::v1::SCOPE_KIND_TEAM);
  c->mutable_scope()->set_id("t-sh");
  c->set_period_id("2026-11");
  *c->add_rank_prizes() = Cny(50'000);
  *c->add_rank_prizes() = Cny(20'000);
  ASSERT_OK(Call(&Stub::CreateContest, create, "ceo").status());

  v1::GetContestStandingsRequest get;
  get.set_contest_id("nov-champ");
  ASSERT_OK_AND_ASSIGN(v1::GetContestStandingsResponse live, Call(&Stub::GetContestStandings, get));
  EXPECT_EQ(live.status(), v1::CONTEST_STATUS_OPEN);
  ASSERT_EQ(live.standings_size(), 2);
  EXPECT_EQ(live.standings(0).rep_id(), "alice");
  EXPECT_EQ(live.standings(0).value(), 10'000'000);
  EXPECT_EQ(live.standings(1).rep_id(), "bob");
  EXPECT_EQ(live.standings(1).value(), 4'000'000);

  v1::CloseContestRequest close;
  close.set_request_id(NextRequestId());
  close.set_contest_id("nov-champ");
  EXPECT_THAT(Call(&Stub::CloseContest, close, "ceo").status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 12, 1, 9, 0, 0), DefaultTimeZone()));
  close.set_request_id(NextRequestId());
  ASSERT_OK_AND_ASSIGN(v1::CloseContestResponse closed, Call(&Stub::CloseContest, close, "ceo"));
  ASSERT_EQ(closed.standings_size(), 2);
  EXPECT_EQ(closed.standings(0).prize().minor_units(), 50'000);
  EXPECT_EQ(closed.standings(1).prize().minor_units(), 20'000);

  // A late deal moves the live numbers no more: the winners are fixed.
  DealWon("late", "bob", 50'000'000, "2026-11-29");
  Sync();
  ASSERT_OK_AND_ASSIGN(v1::GetContestStandingsResponse fixed,
                       Call(&Stub::GetContestStandings, get));
  EXPECT_EQ(fixed.status(), v1::CONTEST_STATUS_CLOSED);
  EXPECT_EQ(fixed.standings(0).rep_id(), "alice");
}

// A seeded random history of deals (with splits and same-period cancellations) under a
// marginal tiered plan, against an independent computation of each rep's statement.
TEST_F(IncentivesServiceTest, RandomHistoryMatchesAnIndependentComputation) {
  v1::Plan plan = StandardPlan();
  plan.clear_bonuses();
  Publish(plan);
  const std::vector<std::string> reps = {"alice", "bob"};
  std::map<std::string, int64_t> target = {{"alice", 7'654'321}, {"bob", 12'345'679}};
  for (const auto& [rep, value] : target) RevenueTarget("tgt-" + rep, rep, "2026-11", value);
  std::mt19937_64 gen(20261123);
  std::map<std::string, int64_t> credited;
  for (int i = 0; i < 60; ++i) {
    const std::string deal = absl::StrCat("r", i);
    const int64_t amount = std::uniform_int_distribution<int64_t>(1, 900'000)(gen);
    const std::string day = absl::StrFormat("2026-11-%02d", 1 + static_cast<int>(gen() % 30));
    const int kind = static_cast<int>(gen() % 3);
    std::vector<std::pair<std::string, int>> splits;
    if (kind == 2) {
      const int share = 1 + static_cast<int>(gen() % 9'999);
      splits = {{"alice", share}, {"bob", 10'000 - share}};
    }
    const std::string owner = reps[gen() % 2];
    DealWon(deal, owner, amount, day, splits);
    if (gen() % 5 == 0) {
      DealCancelled(deal, owner, amount, day, "2026-11-30", splits);
      continue;
    }
    if (splits.empty()) {
      credited[owner] += amount;
    } else {
      // Largest remainder, ties to the earlier split (libs/common Allocate).
      const std::vector<int64_t> parts =
          *Allocate(amount, std::vector<int64_t>{splits[0].second, splits[1].second});
      credited["alice"] += parts[0];
      credited["bob"] += parts[1];
    }
  }
  Sync();
  // Independent: slice the credited revenue at ceil(target x from / 10000), each slice
  // x its rate, rounded half-even once per slice.
  const std::vector<std::pair<int64_t, int64_t>> tiers = {
      {0, 20'000}, {5'000, 50'000}, {10'000, 80'000}};
  for (const std::string& rep : reps) {
    int64_t expected = 0;
    for (size_t t = 0; t < tiers.size(); ++t) {
      const int64_t lo = (target[rep] * tiers[t].first + 9'999) / 10'000;
      const int64_t hi =
          t + 1 < tiers.size() ? (target[rep] * tiers[t + 1].first + 9'999) / 10'000 : INT64_MAX;
      const int64_t slice = std::max<int64_t>(0, std::min(credited[rep], hi) - lo);
      expected += *MultiplyByRate(slice, Rate{tiers[t].second, 1'000'000});
    }
    ASSERT_OK_AND_ASSIGN(v1::StatementView view, Statement(rep, "2026-11"));
    EXPECT_EQ(view.statement().credited_revenue().minor_units(), credited[rep]) << rep;
    EXPECT_EQ(view.statement().total().minor_units(), expected) << rep;
  }
}

TEST_F(IncentivesServiceTest, WhatIfReportsPayoutsAndSpread) {
  SeedNovember();
  v1::WhatIfRequest request;
  request.set_period_id("2026-11");
  v1::Plan proposed = StandardPlan();
  proposed.clear_tiered();
  proposed.mutable_flat_rate()->set_rate_ppm(30'000);
  proposed.clear_bonuses();
  *request.mutable_proposed() = proposed;
  ASSERT_OK_AND_ASSIGN(v1::WhatIfResponse r, Call(&Stub::WhatIf, request));
  // alice and bob (carol's team has no plan).
  ASSERT_EQ(r.reps_size(), 2);
  EXPECT_EQ(r.reps(0).rep_id(), "alice");
  EXPECT_EQ(r.reps(0).current().minor_units(), 450'000);
  EXPECT_EQ(r.reps(0).proposed().minor_units(), 300'000);
  // bob: 40,000.00 of 100,000.00 at 2% = 800.00; proposed 3% = 1,200.00.
  EXPECT_EQ(r.reps(1).current().minor_units(), 80'000);
  EXPECT_EQ(r.reps(1).proposed().minor_units(), 120'000);
  EXPECT_EQ(r.current().total().minor_units(), 530'000);
  EXPECT_EQ(r.proposed().total().minor_units(), 420'000);
  EXPECT_EQ(r.cost_difference().minor_units(), -110'000);
  EXPECT_EQ(r.proposed().count(), 2);
  // Gini of {1,200, 3,000}: |3000-1200| x 2 / (2 x 2 x 4200) = 0.214285...
  EXPECT_EQ(r.proposed().gini_ppm(), 214'286);
}

}  // namespace
}  // namespace salesperf::incentives
