#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/validation.h"
#include "libs/testing/given_when_then.h"
#include "libs/testing/status_matchers.h"
#include "services/targets/domain/target.h"
#include "services/targets/domain/test_fixtures.h"

namespace salesperf::targets {
namespace {

using ::salesperf::testing::DeciderSpec;
using ::salesperf::testing::EqualsProto;
using ::salesperf::testing::StatusIs;
using ::testing::ElementsAre;
using namespace ::salesperf::targets::testing;  // NOLINT(build/namespaces): test builders

using TargetSpecT = DeciderSpec<TargetState, v1::TargetEvent, TargetCommand>;

// The deciders read the organisation as a context that is not part of the stream.
TargetSpecT Spec(const OrgState& org) {
  return TargetSpecT(
      [org](const TargetCommand& c, const TargetState& s) { return DecideTarget(c, s, org); },
      EvolveTarget, TargetState{});
}
TargetSpecT Spec() { return Spec(FoldOrg(BaseOrgEvents())); }

std::vector<std::string> ViolatedFields(const absl::StatusOr<std::vector<v1::TargetEvent>>& got) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : FieldViolationsOf(got.status())) fields.push_back(v.field);
  return fields;
}

v1::TargetEvent AliceDrafted() {
  return RevenueDrafted("t1", RepScope("alice"), 5'000'000, "alice");
}

v1::TargetEvent Proposed(std::string actor = "alice") {
  v1::TargetEvent e;
  e.mutable_proposed()->set_target_id("t1");
  *e.mutable_proposed()->mutable_key() = AliceDrafted().drafted().key();
  *e.mutable_proposed()->mutable_value() = Cny(5'000'000);
  *e.mutable_proposed()->mutable_change() = ChangeBy(actor);
  return e;
}

v1::TargetEvent Approved(std::string actor = "tom", int64_t value = 5'000'000) {
  v1::TargetEvent e;
  e.mutable_approved()->set_target_id("t1");
  *e.mutable_approved()->mutable_key() = AliceDrafted().drafted().key();
  *e.mutable_approved()->mutable_value() = Cny(value);
  *e.mutable_approved()->mutable_change() = ChangeBy(actor);
  return e;
}

v1::TargetEvent Adjusted(int64_t from, int64_t to, std::string actor, std::string reason) {
  v1::TargetEvent e;
  v1::TargetAdjusted* a = e.mutable_adjusted();
  a->set_target_id("t1");
  *a->mutable_key() = AliceDrafted().drafted().key();
  *a->mutable_old_value() = Cny(from);
  *a->mutable_new_value() = Cny(to);
  *a->mutable_change() = ChangeBy(actor, reason);
  return e;
}

ProposeTarget Propose(std::string actor = "alice", uint64_t expected_version = 0) {
  ProposeTarget cmd{Meta(actor), {}};
  cmd.request.set_target_id("t1");
  cmd.request.set_expected_version(expected_version);
  return cmd;
}

ApproveTarget Approve(std::string actor) {
  ApproveTarget cmd{Meta(actor), {}};
  cmd.request.set_target_id("t1");
  return cmd;
}

AdjustTarget Adjust(std::string actor, int64_t to, std::string reason) {
  AdjustTarget cmd{Meta(actor), {}};
  cmd.request.set_target_id("t1");
  *cmd.request.mutable_new_value() = Cny(to);
  cmd.request.set_reason(reason);
  return cmd;
}

CloseTarget Close(std::string actor, std::string reason = "period ended") {
  CloseTarget cmd{Meta(actor), {}};
  cmd.request.set_target_id("t1");
  cmd.request.set_reason(reason);
  return cmd;
}

// --- DraftTarget -------------------------------------------------------------------------

TEST(DraftTarget, DraftsWithDerivedUnitPeriodDaysAndOwner) {
  Spec().When(Draft("t1", RevenueSpec(RepScope("alice"), 5'000'000))).ThenEvents({AliceDrafted()});
  // A team target is owned by the caller unless an owner is given.
  Spec()
      .When(Draft("t2", RevenueSpec(TeamScope("t-sh"), 9'000'000), Meta("tom")))
      .ThenEvents({RevenueDrafted("t2", TeamScope("t-sh"), 9'000'000, "tom", "tom")});
}

TEST(DraftTarget, ComputesTheValueFromLastPeriodPlusGrowth) {
  v1::TargetSpec spec = RevenueSpec(TeamScope("t-sh"), 0);
  spec.clear_value();
  spec.mutable_basis()->set_kind(v1::BASIS_KIND_LAST_PERIOD_ACTUAL_PLUS_GROWTH);
  *spec.mutable_basis()->mutable_reference_value() = Cny(100'000'05);  // 100,000.05
  spec.mutable_basis()->set_reference_period_id("2026-10");
  spec.mutable_basis()->set_growth_rate_bp(1'000);  // +10%
  ASSERT_OK_AND_ASSIGN(std::vector<v1::TargetEvent> events,
                       Spec().When(Draft("t2", spec)).Decide());
  ASSERT_EQ(events.size(), 1u);
  // 10,000,005 * 1.1 = 11,000,005.5 fen -> half-even 11,000,006.
  EXPECT_THAT(events[0].drafted().value(), EqualsProto(Cny(11'000'006)));

  *spec.mutable_value() = Cny(11'000'000);
  Spec()
      .When(Draft("t2", spec))
      .ThenError(absl::StatusCode::kInvalidArgument, "does not match the basis");
}

TEST(DraftTarget, ValidatesValueTypePerMetric) {
  v1::TargetSpec counts = RevenueSpec(RepScope("alice"), 1);
  counts.set_metric(v1::METRIC_CALLS);  // money value on a count metric
  EXPECT_THAT(ViolatedFields(Spec().When(Draft("t1", counts)).Decide()), ElementsAre("spec.value"));

  v1::TargetSpec usd = RevenueSpec(RepScope("alice"), 1);
  usd.mutable_value()->mutable_money()->set_currency_code("USD");
  EXPECT_THAT(ViolatedFields(Spec().When(Draft("t1", usd)).Decide()),
              ElementsAre("spec.value.money.currency_code"));

  v1::TargetSpec rate = RevenueSpec(RepScope("alice"), 1);
  rate.set_metric(v1::METRIC_CONVERSION_RATE);
  *rate.mutable_value() = RatioBp(10'001);
  EXPECT_THAT(ViolatedFields(Spec().When(Draft("t1", rate)).Decide()),
              ElementsAre("spec.value.ratio_bp"));
  *rate.mutable_value() = RatioBp(2'500);
  EXPECT_THAT(Spec().When(Draft("t1", rate)).Decide(), ::salesperf::testing::IsOk());

  v1::TargetSpec negative = RevenueSpec(RepScope("alice"), -1);
  EXPECT_THAT(ViolatedFields(Spec().When(Draft("t1", negative)).Decide()),
              ElementsAre("spec.value.money.minor_units"));
}

TEST(DraftTarget, RejectsMissingFieldsAndWrongPeriodKinds) {
  v1::TargetSpec spec;
  spec.mutable_scope()->set_kind(common::v1::SCOPE_KIND_TEAM);
  *spec.mutable_period() = PeriodId("2026-W45");
  DraftTarget cmd = Draft("bad id!", spec);
  EXPECT_THAT(ViolatedFields(Spec().When(cmd).Decide()),
              ElementsAre("target_id", "spec.name", "spec.description", "spec.scope.id",
                          "spec.metric", "spec.period.id"));
  v1::TargetSpec day = RevenueSpec(RepScope("alice"), 1, "2026-11-02");
  EXPECT_THAT(ViolatedFields(Spec().When(Draft("t1", day)).Decide()),
              ElementsAre("spec.period.id"));
  v1::TargetSpec allocated = RevenueSpec(RepScope("alice"), 1);
  allocated.mutable_basis()->set_kind(v1::BASIS_KIND_PARENT_ALLOCATION);
  EXPECT_THAT(ViolatedFields(Spec().When(Draft("t1", allocated)).Decide()),
              ElementsAre("spec.basis.kind"));
}

TEST(DraftTarget, FiscalPeriodsFollowTheOrganisationsFiscalYear) {
  OrgState org = FoldOrg(BaseOrgEvents(/*fiscal_start=*/4));
  ASSERT_OK_AND_ASSIGN(
      std::vector<v1::TargetEvent> events,
      Spec(org).When(Draft("t1", RevenueSpec(Company(), 1, "FY2027-Q1"))).Decide());
  EXPECT_EQ(events[0].drafted().period_first_day(), "2026-04-01");
  EXPECT_EQ(events[0].drafted().period_last_day(), "2026-06-30");
  EXPECT_EQ(events[0].drafted().key().period().kind(), common::v1::PERIOD_KIND_FISCAL_QUARTER);
  ASSERT_OK_AND_ASSIGN(events,
                       Spec(org).When(Draft("t1", RevenueSpec(Company(), 1, "FY2027"))).Decide());
  EXPECT_EQ(events[0].drafted().period_last_day(), "2027-03-31");
}

TEST(DraftTarget, ScopeMustBeInTheOrganisationDuringThePeriod) {
  Spec()
      .When(Draft("t1", RevenueSpec(TeamScope("t-xx"), 1)))
      .ThenError(absl::StatusCode::kNotFound, "team t-xx");
  // bob was hired in February: no January target.
  Spec()
      .When(Draft("t1", RevenueSpec(RepScope("bob"), 1, "2026-01")))
      .ThenError(absl::StatusCode::kFailedPrecondition,
                 "rep bob is not part of the organisation during 2026-01");
  // A year target is fine: he was there for part of it.
  EXPECT_THAT(Spec().When(Draft("t1", RevenueSpec(RepScope("bob"), 1, "2026"))).Decide(),
              ::salesperf::testing::IsOk());
}

TEST(DraftTarget, RepeatIsSatisfiedConflictsAreAlreadyExists) {
  Spec()
      .Given({AliceDrafted()})
      .When(Draft("t1", RevenueSpec(RepScope("alice"), 5'000'000)))
      .ThenNoEvents();
  Spec()
      .Given({AliceDrafted()})
      .When(Draft("t1", RevenueSpec(RepScope("alice"), 1)))
      .ThenError(absl::StatusCode::kAlreadyExists, "target t1 already exists");
  DraftTarget second = Draft("t9", RevenueSpec(RepScope("alice"), 1));
  second.existing_target_for_key = "t1";
  Spec().When(second).ThenError(absl::StatusCode::kAlreadyExists,
                                "target t1 already covers rep alice");
}

// --- ProposeTarget -----------------------------------------------------------------------

TEST(ProposeTarget, ProposesADraftOnce) {
  Spec().Given({AliceDrafted()}).When(Propose()).ThenEvents({Proposed()});
  Spec().Given({AliceDrafted(), Proposed()}).When(Propose()).ThenNoEvents();
}

TEST(ProposeTarget, ErrorPaths) {
  Spec().When(Propose()).ThenError(absl::StatusCode::kNotFound, "target t1 not found");
  Spec()
      .Given({AliceDrafted(), Approved()})
      .When(Propose())
      .ThenError(absl::StatusCode::kFailedPrecondition, "already approved");
  Spec()
      .Given({AliceDrafted()})
      .When(Propose("alice", 2))
      .ThenError(absl::StatusCode::kAborted, "is at version 1, not 2");
  Spec().Given({AliceDrafted()}).When(Propose("alice", 1)).ThenEvents({Proposed()});
}

// --- ApproveTarget -----------------------------------------------------------------------

TEST(ApproveTarget, ManagersOfTheScopeOrAboveApprove) {
  std::vector<v1::TargetEvent> given = {AliceDrafted(), Proposed()};
  Spec().Given(given).When(Approve("tom")).ThenEvents({Approved("tom")});    // team
  Spec().Given(given).When(Approve("emma")).ThenEvents({Approved("emma")});  // region
  Spec().Given(given).When(Approve("ceo")).ThenEvents({Approved("ceo")});    // company
  // A manager may approve a draft directly.
  Spec().Given({AliceDrafted()}).When(Approve("tom")).ThenEvents({Approved("tom")});
}

TEST(ApproveTarget, OthersAreRefused) {
  std::vector<v1::TargetEvent> given = {AliceDrafted(), Proposed()};
  Spec()
      .Given(given)
      .When(Approve("alice"))
      .ThenError(absl::StatusCode::kFailedPrecondition, "alice does not manage rep alice");
  Spec().Given(given).When(Approve("hank")).ThenError(absl::StatusCode::kFailedPrecondition);
  // tom handed t-sh to tina on 2026-10-01: on 2026-11-02 he may no longer approve.
  std::vector<v1::OrgEvent> org_events = BaseOrgEvents();
  org_events.push_back(ManagerAssignedEvent(TeamScope("t-sh"), "tina", "tom", "2026-10-01"));
  OrgState org = FoldOrg(org_events);
  Spec(org)
      .Given(given)
      .When(Approve("tom"))
      .ThenError(absl::StatusCode::kFailedPrecondition, "on 2026-11-02");
  Spec(org).Given(given).When(Approve("tina")).ThenEvents({Approved("tina")});
}

TEST(ApproveTarget, ApprovingAgainWithTheSameValueIsSatisfied) {
  std::vector<v1::TargetEvent> given = {AliceDrafted(), Approved()};
  Spec().Given(given).When(Approve("tom")).ThenNoEvents();
  ApproveTarget same = Approve("tom");
  *same.request.mutable_value() = Cny(5'000'000);
  Spec().Given(given).When(same).ThenNoEvents();
  ApproveTarget other = Approve("tom");
  *other.request.mutable_value() = Cny(4'000'000);
  Spec().Given(given).When(other).ThenError(absl::StatusCode::kFailedPrecondition,
                                            "approve the current value or adjust it");
}

TEST(ApproveTarget, ClosedTargetsAreFinal) {
  v1::TargetEvent closed;
  closed.mutable_closed()->set_target_id("t1");
  Spec()
      .Given({AliceDrafted(), closed})
      .When(Approve("tom"))
      .ThenError(absl::StatusCode::kFailedPrecondition, "is closed");
}

// --- AdjustTarget ------------------------------------------------------------------------

TEST(AdjustTarget, AdjustsAnApprovedTargetWithAReason) {
  Spec()
      .Given({AliceDrafted(), Approved()})
      .When(Adjust("emma", 6'000'000, "new key account"))
      .ThenEvents({Adjusted(5'000'000, 6'000'000, "emma", "new key account")});
}

TEST(AdjustTarget, ApprovedTargetsNeedAReasonAndAuthority) {
  std::vector<v1::TargetEvent> given = {AliceDrafted(), Approved()};
  absl::StatusOr<std::vector<v1::TargetEvent>> got =
      Spec().Given(given).When(Adjust("emma", 6'000'000, "")).Decide();
  EXPECT_THAT(ViolatedFields(got), ElementsAre("reason"));
  Spec()
      .Given(given)
      .When(Adjust("alice", 1, "too high"))
      .ThenError(absl::StatusCode::kFailedPrecondition, "does not manage");
  Spec().Given(given).When(Adjust("emma", 5'000'000, "no change")).ThenNoEvents();
  AdjustTarget wrong_kind = Adjust("emma", 0, "x");
  *wrong_kind.request.mutable_new_value() = Count(3);
  Spec().Given(given).When(wrong_kind).ThenError(absl::StatusCode::kInvalidArgument, "new_value");
}

TEST(AdjustTarget, ChangingADraftIsARevisionAndReturnsAProposalToDraft) {
  v1::TargetEvent revised;
  v1::TargetRevised* r = revised.mutable_revised();
  r->set_target_id("t1");
  *r->mutable_key() = AliceDrafted().drafted().key();
  *r->mutable_old_value() = Cny(5'000'000);
  *r->mutable_new_value() = Cny(4'500'000);
  *r->mutable_change() = ChangeBy("alice");
  Spec()
      .Given({AliceDrafted(), Proposed()})
      .When(Adjust("alice", 4'500'000, ""))
      .ThenEvents({revised});
  TargetState state = FoldTarget({AliceDrafted(), Proposed(), revised});
  EXPECT_EQ(state.target.status(), v1::TARGET_STATUS_DRAFT);
  EXPECT_THAT(state.target.value(), EqualsProto(Cny(4'500'000)));
}

TEST(AdjustTarget, ErrorPaths) {
  Spec().When(Adjust("emma", 1, "x")).ThenError(absl::StatusCode::kNotFound);
  AdjustTarget no_value = Adjust("emma", 1, "x");
  no_value.request.clear_new_value();
  Spec()
      .Given({AliceDrafted()})
      .When(no_value)
      .ThenError(absl::StatusCode::kInvalidArgument, "new_value");
  AdjustTarget stale = Adjust("emma", 1, "x");
  stale.request.set_expected_version(1);
  Spec().Given({AliceDrafted(), Approved()}).When(stale).ThenError(absl::StatusCode::kAborted);
}

// --- CloseTarget ---------------------------------------------------------------------------

TEST(CloseTarget, ClosesWithAReason) {
  v1::TargetEvent closed;
  v1::TargetClosed* c = closed.mutable_closed();
  c->set_target_id("t1");
  *c->mutable_key() = AliceDrafted().drafted().key();
  *c->mutable_final_value() = Cny(5'000'000);
  c->set_status_before(v1::TARGET_STATUS_DRAFT);
  *c->mutable_change() = ChangeBy("alice", "withdrawn");
  // Anyone may withdraw a draft.
  Spec().Given({AliceDrafted()}).When(Close("alice", "withdrawn")).ThenEvents({closed});
  Spec().Given({AliceDrafted(), closed}).When(Close("alice")).ThenNoEvents();
}

TEST(CloseTarget, ApprovedTargetsAreClosedByTheirManagers) {
  std::vector<v1::TargetEvent> given = {AliceDrafted(), Approved()};
  Spec().Given(given).When(Close("alice")).ThenError(absl::StatusCode::kFailedPrecondition);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::TargetEvent> events,
                       Spec().Given(given).When(Close("tom")).Decide());
  EXPECT_EQ(events[0].closed().status_before(), v1::TARGET_STATUS_APPROVED);
  Spec()
      .Given(given)
      .When(Close("tom", ""))
      .ThenError(absl::StatusCode::kInvalidArgument, "reason");
}

// --- History --------------------------------------------------------------------------------

TEST(TargetHistory, EveryChangeIsKeptWithWhoAndWhy) {
  TargetState state = FoldTarget({AliceDrafted(), Proposed(), Approved(),
                                  Adjusted(5'000'000, 6'000'000, "emma", "new key account")});
  EXPECT_EQ(state.version(), 4u);
  EXPECT_EQ(state.target.status(), v1::TARGET_STATUS_ADJUSTED);
  EXPECT_THAT(state.target.value(), EqualsProto(Cny(6'000'000)));
  EXPECT_THAT(state.target.previous_value(), EqualsProto(Cny(5'000'000)));
  ASSERT_EQ(state.history.size(), 4u);
  std::vector<std::string> kinds;
  for (const auto& h : state.history) kinds.push_back(h.change_kind());
  EXPECT_THAT(kinds, ElementsAre("drafted", "proposed", "approved", "adjusted"));
  const v1::TargetHistoryEntry& adjusted = state.history[3];
  EXPECT_EQ(adjusted.version(), 4u);
  EXPECT_EQ(adjusted.change().actor(), "emma");
  EXPECT_EQ(adjusted.change().reason(), "new key account");
  EXPECT_THAT(adjusted.old_value(), EqualsProto(Cny(5'000'000)));
  EXPECT_THAT(adjusted.new_value(), EqualsProto(Cny(6'000'000)));
  EXPECT_EQ(adjusted.status_after(), v1::TARGET_STATUS_ADJUSTED);
  EXPECT_EQ(state.history[2].change().actor(), "tom");
}

TEST(TargetStreams, StreamIdsArePrefixed) { EXPECT_EQ(TargetStreamId("t1"), "target-t1"); }

}  // namespace
}  // namespace salesperf::targets
