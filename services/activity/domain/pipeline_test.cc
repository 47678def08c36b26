#include "services/activity/domain/pipeline.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/validation.h"
#include "libs/testing/given_when_then.h"
#include "libs/testing/status_matchers.h"
#include "services/activity/domain/test_builders.h"

namespace salesperf::activity {
namespace {

using namespace ::salesperf::activity::testing;  // NOLINT(build/namespaces): test builders
using ::salesperf::testing::DeciderSpec;
using ::testing::ElementsAre;
using ::salesperf::testing::StatusIs;
using ::testing::HasSubstr;

template <typename Command>
DeciderSpec<v1::Deal, v1::ActivityEvent, Command> DealSpec(
    absl::StatusOr<ActivityEvents> (*decide)(const Command&, const v1::Deal&)) {
  return DeciderSpec<v1::Deal, v1::ActivityEvent, Command>(decide, EvolveDeal, v1::Deal{});
}
template <typename Command>
DeciderSpec<v1::Lead, v1::ActivityEvent, Command> LeadSpec(
    absl::StatusOr<ActivityEvents> (*decide)(const Command&, const v1::Lead&)) {
  return DeciderSpec<v1::Lead, v1::ActivityEvent, Command>(decide, EvolveLead, v1::Lead{});
}

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : FieldViolationsOf(status)) fields.push_back(v.field);
  return fields;
}

v1::ActivityEvent StageChanged(v1::DealStage from, v1::DealStage to, int64_t amount = 100000) {
  v1::ActivityEvent e;
  v1::DealStageChanged* x = e.mutable_deal_stage_changed();
  x->set_deal_id("d1");
  x->set_rep_id("alice");
  x->set_customer_id("c1");
  x->set_from_stage(from);
  x->set_to_stage(to);
  *x->mutable_amount() = Cny(amount);
  x->set_expected_close_date("2026-12-31");
  return e;
}

OpenDeal Open() {
  OpenDeal c{Meta(), {}};
  c.request.set_deal_id("d1");
  c.request.set_rep_id("alice");
  c.request.set_customer_id("c1");
  c.request.set_title("Fleet renewal");
  *c.request.mutable_amount() = Cny(100000);
  c.request.set_expected_close_date("2026-12-31");
  return c;
}

ChangeDealStage MoveTo(v1::DealStage stage) {
  ChangeDealStage c{Meta(), {}};
  c.request.set_deal_id("d1");
  c.request.set_to_stage(stage);
  return c;
}

WinDeal Win(int64_t amount = 90000) {
  WinDeal c{Meta(), {}};
  c.request.set_deal_id("d1");
  *c.request.mutable_amount() = Cny(amount);
  return c;
}

LoseDeal Lose() {
  LoseDeal c{Meta(), {}};
  c.request.set_deal_id("d1");
  c.request.set_reason("price");
  return c;
}

ReopenDeal Reopen(v1::DealStage stage = v1::DEAL_STAGE_PROPOSAL) {
  ReopenDeal c{Meta(), {}};
  c.request.set_deal_id("d1");
  c.request.set_to_stage(stage);
  c.request.set_reason("budget found");
  return c;
}

CancelDeal Cancel() {
  CancelDeal c{Meta(), {}};
  c.request.set_deal_id("d1");
  c.request.set_reason("customer withdrew");
  return c;
}

BookOrder Book(std::string order_id = "o1", std::string external = "ERP-1") {
  BookOrder c{Meta(), {}};
  c.request.set_deal_id("d1");
  c.request.set_order_id(order_id);
  *c.request.mutable_amount() = Cny(90000);
  c.request.set_external_order_id(external);
  return c;
}

v1::ActivityEvent Cancelled() {
  v1::ActivityEvent e;
  v1::DealCancelled* x = e.mutable_deal_cancelled();
  x->set_deal_id("d1");
  x->set_rep_id("alice");
  x->set_customer_id("c1");
  x->set_reason("customer withdrew");
  x->set_cancelled_on("2026-11-23");
  *x->mutable_amount() = Cny(90000);
  x->set_won_on("2026-11-23");
  return e;
}

// --- Open.

TEST(OpenDealTest, OpensQualified) {
  DealSpec(DecideOpenDeal).Given({}).When(Open()).ThenEvents({DealOpenedEvent()});
}

TEST(OpenDealTest, ExistingIsAlreadyExists) {
  DealSpec(DecideOpenDeal)
      .Given({DealOpenedEvent()})
      .When(Open())
      .ThenError(absl::StatusCode::kAlreadyExists);
}

TEST(OpenDealTest, NegativeAmountOrForeignCurrencyIsInvalid) {
  OpenDeal c = Open();
  c.request.mutable_amount()->set_minor_units(-1);
  absl::StatusOr<ActivityEvents> got = DealSpec(DecideOpenDeal).Given({}).When(c).Decide();
  EXPECT_THAT(Fields(got.status()), ElementsAre("amount.minor_units"));
  c = Open();
  c.request.mutable_amount()->set_currency_code("USD");
  got = DealSpec(DecideOpenDeal).Given({}).When(c).Decide();
  EXPECT_THAT(Fields(got.status()), ElementsAre("amount.currency_code"));
  // Any ISO code while the organisation's currency is unknown.
  c.meta.currency = "";
  EXPECT_TRUE(DealSpec(DecideOpenDeal).Given({}).When(c).Decide().ok());
}

TEST(OpenDealTest, CreditSplitsMustSumTo100Percent) {
  OpenDeal c = Open();
  v1::CreditSplit* a = c.request.add_credit_splits();
  a->set_rep_id("alice");
  a->set_share_bp(6000);
  v1::CreditSplit* b = c.request.add_credit_splits();
  b->set_rep_id("bob");
  b->set_share_bp(3000);
  absl::StatusOr<ActivityEvents> got = DealSpec(DecideOpenDeal).Given({}).When(c).Decide();
  EXPECT_THAT(Fields(got.status()), ElementsAre("credit_splits"));
  b->set_share_bp(4000);
  EXPECT_TRUE(DealSpec(DecideOpenDeal).Given({}).When(c).Decide().ok());
}

// --- Stages among the open three.

TEST(ChangeDealStageTest, ForwardAndBackwardAmongOpenStages) {
  DealSpec(DecideChangeDealStage)
      .Given({DealOpenedEvent()})
      .When(MoveTo(v1::DEAL_STAGE_PROPOSAL))
      .ThenEvents({StageChanged(v1::DEAL_STAGE_QUALIFIED, v1::DEAL_STAGE_PROPOSAL)});
  DealSpec(DecideChangeDealStage)
      .Given({DealOpenedEvent(), StageChanged(v1::DEAL_STAGE_QUALIFIED, v1::DEAL_STAGE_PROPOSAL)})
      .When(MoveTo(v1::DEAL_STAGE_NEGOTIATION))
      .ThenEvents({StageChanged(v1::DEAL_STAGE_PROPOSAL, v1::DEAL_STAGE_NEGOTIATION)});
  DealSpec(DecideChangeDealStage)
      .Given(
          {DealOpenedEvent(), StageChanged(v1::DEAL_STAGE_QUALIFIED, v1::DEAL_STAGE_NEGOTIATION)})
      .When(MoveTo(v1::DEAL_STAGE_QUALIFIED))
      .ThenEvents({StageChanged(v1::DEAL_STAGE_NEGOTIATION, v1::DEAL_STAGE_QUALIFIED)});
}

TEST(ChangeDealStageTest, UpdatesTheAmountWithTheMove) {
  ChangeDealStage c = MoveTo(v1::DEAL_STAGE_PROPOSAL);
  *c.request.mutable_amount() = Cny(120000);
  DealSpec(DecideChangeDealStage)
      .Given({DealOpenedEvent()})
      .When(c)
      .ThenEvents({StageChanged(v1::DEAL_STAGE_QUALIFIED, v1::DEAL_STAGE_PROPOSAL, 120000)});
}

TEST(ChangeDealStageTest, SameStageNothingNewIsNoEvents) {
  DealSpec(DecideChangeDealStage)
      .Given({DealOpenedEvent()})
      .When(MoveTo(v1::DEAL_STAGE_QUALIFIED))
      .ThenNoEvents();
}

TEST(ChangeDealStageTest, ToAClosedStageIsInvalid) {
  for (v1::DealStage to : {v1::DEAL_STAGE_WON, v1::DEAL_STAGE_LOST, v1::DEAL_STAGE_CANCELLED,
                           v1::DEAL_STAGE_UNSPECIFIED}) {
    absl::StatusOr<ActivityEvents> got =
        DealSpec(DecideChangeDealStage).Given({DealOpenedEvent()}).When(MoveTo(to)).Decide();
    EXPECT_THAT(Fields(got.status()), ElementsAre("to_stage")) << to;
  }
}

TEST(ChangeDealStageTest, FromWonLostOrCancelledIsFailedPrecondition) {
  for (const std::vector<v1::ActivityEvent>& given :
       {std::vector<v1::ActivityEvent>{DealOpenedEvent(), DealWonEvent()},
        std::vector<v1::ActivityEvent>{DealOpenedEvent(), DealLostEvent()},
        std::vector<v1::ActivityEvent>{DealOpenedEvent(), DealWonEvent(), Cancelled()}}) {
    DealSpec(DecideChangeDealStage)
        .Given(given)
        .When(MoveTo(v1::DEAL_STAGE_PROPOSAL))
        .ThenError(absl::StatusCode::kFailedPrecondition, "cannot move it to proposal");
  }
}

TEST(ChangeDealStageTest, UnknownDealIsNotFound) {
  DealSpec(DecideChangeDealStage)
      .Given({})
      .When(MoveTo(v1::DEAL_STAGE_PROPOSAL))
      .ThenError(absl::StatusCode::kNotFound);
}

// --- Won, lost, reopened, cancelled.

TEST(WinDealTest, FromAnyOpenStageWithTheFinalAmount) {
  DealSpec(DecideWinDeal).Given({DealOpenedEvent()}).When(Win()).ThenEvents({DealWonEvent()});
  v1::ActivityEvent from_negotiation = DealWonEvent();
  from_negotiation.mutable_deal_won()->set_from_stage(v1::DEAL_STAGE_NEGOTIATION);
  DealSpec(DecideWinDeal)
      .Given(
          {DealOpenedEvent(), StageChanged(v1::DEAL_STAGE_QUALIFIED, v1::DEAL_STAGE_NEGOTIATION)})
      .When(Win())
      .ThenEvents({from_negotiation});
}

TEST(WinDealTest, WinningAgainTheSameIsNoEventsOtherwiseFailedPrecondition) {
  DealSpec(DecideWinDeal).Given({DealOpenedEvent(), DealWonEvent()}).When(Win()).ThenNoEvents();
  DealSpec(DecideWinDeal)
      .Given({DealOpenedEvent(), DealWonEvent()})
      .When(Win(1))
      .ThenError(absl::StatusCode::kFailedPrecondition, "won");
  DealSpec(DecideWinDeal)
      .Given({DealOpenedEvent(), DealLostEvent()})
      .When(Win())
      .ThenError(absl::StatusCode::kFailedPrecondition, "lost");
}

TEST(WinDealTest, NeedsTheFinalAmountInTheDealsCurrency) {
  WinDeal c = Win();
  c.request.clear_amount();
  absl::StatusOr<ActivityEvents> got =
      DealSpec(DecideWinDeal).Given({DealOpenedEvent()}).When(c).Decide();
  EXPECT_THAT(Fields(got.status()), ElementsAre("amount"));
  c = Win();
  c.meta.currency = "";
  c.request.mutable_amount()->set_currency_code("USD");
  got = DealSpec(DecideWinDeal).Given({DealOpenedEvent()}).When(c).Decide();
  EXPECT_THAT(Fields(got.status()), ElementsAre("amount.currency_code"));
}

TEST(LoseDealTest, FromAnOpenStageWithAReason) {
  DealSpec(DecideLoseDeal).Given({DealOpenedEvent()}).When(Lose()).ThenEvents({DealLostEvent()});
  DealSpec(DecideLoseDeal).Given({DealOpenedEvent(), DealLostEvent()}).When(Lose()).ThenNoEvents();
  DealSpec(DecideLoseDeal)
      .Given({DealOpenedEvent(), DealWonEvent()})
      .When(Lose())
      .ThenError(absl::StatusCode::kFailedPrecondition);
  LoseDeal no_reason = Lose();
  no_reason.request.clear_reason();
  DealSpec(DecideLoseDeal)
      .Given({DealOpenedEvent()})
      .When(no_reason)
      .ThenError(absl::StatusCode::kInvalidArgument, "reason");
}

TEST(ReopenDealTest, LostDealBackToAnOpenStage) {
  v1::ActivityEvent e;
  v1::DealReopened* x = e.mutable_deal_reopened();
  x->set_deal_id("d1");
  x->set_rep_id("alice");
  x->set_customer_id("c1");
  x->set_to_stage(v1::DEAL_STAGE_PROPOSAL);
  x->set_reason("budget found");
  *x->mutable_amount() = Cny(100000);
  auto spec = DealSpec(DecideReopenDeal);
  spec.Given({DealOpenedEvent(), DealLostEvent()}).When(Reopen()).ThenEvents({e});
  v1::Deal reopened = spec.Given({DealOpenedEvent(), DealLostEvent(), e}).GivenState();
  EXPECT_EQ(reopened.stage(), v1::DEAL_STAGE_PROPOSAL);
  EXPECT_EQ(reopened.lost_reason(), "");
}

TEST(ReopenDealTest, OnlyALostDeal) {
  DealSpec(DecideReopenDeal)
      .Given({DealOpenedEvent()})
      .When(Reopen())
      .ThenError(absl::StatusCode::kFailedPrecondition, "only a lost deal");
  DealSpec(DecideReopenDeal)
      .Given({DealOpenedEvent(), DealWonEvent()})
      .When(Reopen())
      .ThenError(absl::StatusCode::kFailedPrecondition);
  DealSpec(DecideReopenDeal)
      .Given({DealOpenedEvent(), DealLostEvent()})
      .When(Reopen(v1::DEAL_STAGE_WON))
      .ThenError(absl::StatusCode::kInvalidArgument, "to_stage");
}

TEST(CancelDealTest, WonDealCancelledCarriesWhatWasWon) {
  DealSpec(DecideCancelDeal)
      .Given({DealOpenedEvent(), DealWonEvent()})
      .When(Cancel())
      .ThenEvents({Cancelled()});
  DealSpec(DecideCancelDeal)
      .Given({DealOpenedEvent(), DealWonEvent(), Cancelled()})
      .When(Cancel())
      .ThenNoEvents();
}

TEST(CancelDealTest, OnlyAWonDeal) {
  DealSpec(DecideCancelDeal)
      .Given({DealOpenedEvent()})
      .When(Cancel())
      .ThenError(absl::StatusCode::kFailedPrecondition, "only a won deal");
  DealSpec(DecideCancelDeal)
      .Given({DealOpenedEvent(), DealLostEvent()})
      .When(Cancel())
      .ThenError(absl::StatusCode::kFailedPrecondition);
}

TEST(CancelDealTest, NotBeforeItWasWon) {
  CancelDeal c = Cancel();
  c.request.set_cancelled_on("2026-11-01");
  DealSpec(DecideCancelDeal)
      .Given({DealOpenedEvent(), DealWonEvent()})
      .When(c)
      .ThenError(absl::StatusCode::kInvalidArgument, "cancelled_on");
}

// The days things happened may be in the past, not in the future (today is 2026-11-23 in
// the organisation's zone): a win, loss, cancellation or order dated ahead is refused.
TEST(DealDatesTest, NotAfterToday) {
  WinDeal win = Win();
  win.request.set_won_on("2026-11-24");
  absl::StatusOr<ActivityEvents> got =
      DealSpec(DecideWinDeal).Given({DealOpenedEvent()}).When(win).Decide();
  EXPECT_THAT(got.status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                     HasSubstr("must not be after today (2026-11-23)")));
  EXPECT_THAT(Fields(got.status()), ElementsAre("won_on"));
  win.request.set_won_on("2026-11-23");
  EXPECT_OK(DealSpec(DecideWinDeal).Given({DealOpenedEvent()}).When(win).Decide().status());

  LoseDeal lose = Lose();
  lose.request.set_lost_on("2027-01-01");
  got = DealSpec(DecideLoseDeal).Given({DealOpenedEvent()}).When(lose).Decide();
  EXPECT_THAT(Fields(got.status()), ElementsAre("lost_on"));

  CancelDeal cancel = Cancel();
  cancel.request.set_cancelled_on("2026-12-01");
  got = DealSpec(DecideCancelDeal).Given({DealOpenedEvent(), DealWonEvent()}).When(cancel).Decide();
  EXPECT_THAT(Fields(got.status()), ElementsAre("cancelled_on"));

  BookOrder book = Book();
  book.request.set_booked_on("2026-11-30");
  got = DealSpec(DecideBookOrder).Given({DealOpenedEvent(), DealWonEvent()}).When(book).Decide();
  EXPECT_THAT(Fields(got.status()), ElementsAre("booked_on"));
}

// --- Orders.

TEST(BookOrderTest, OnAWonDeal) {
  v1::ActivityEvent e;
  v1::OrderBooked* x = e.mutable_order_booked();
  x->set_order_id("o1");
  x->set_deal_id("d1");
  x->set_rep_id("alice");
  x->set_customer_id("c1");
  *x->mutable_amount() = Cny(90000);
  x->set_booked_on("2026-11-23");
  x->set_external_order_id("ERP-1");
  auto spec = DealSpec(DecideBookOrder);
  spec.Given({DealOpenedEvent(), DealWonEvent()}).When(Book()).ThenEvents({e});
  // The same external order again writes nothing; another order id with it too.
  spec.Given({DealOpenedEvent(), DealWonEvent(), e}).When(Book("o2", "ERP-1")).ThenNoEvents();
  spec.When(Book("o1", "ERP-2")).ThenError(absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(spec.GivenState().orders_size(), 1);
}

TEST(BookOrderTest, OnlyOnWonDeals) {
  for (const std::vector<v1::ActivityEvent>& given :
       {std::vector<v1::ActivityEvent>{DealOpenedEvent()},
        std::vector<v1::ActivityEvent>{DealOpenedEvent(), DealLostEvent()},
        std::vector<v1::ActivityEvent>{DealOpenedEvent(), DealWonEvent(), Cancelled()}}) {
    DealSpec(DecideBookOrder)
        .Given(given)
        .When(Book())
        .ThenError(absl::StatusCode::kFailedPrecondition, "win it first");
  }
}

// --- Leads.

CreateLead NewLead() {
  CreateLead c{Meta(), {}};
  c.request.set_lead_id("l1");
  c.request.set_rep_id("alice");
  c.request.set_source("website");
  c.request.set_title("Inbound enquiry");
  return c;
}

v1::ActivityEvent LeadCreatedEvent() {
  v1::ActivityEvent e;
  v1::LeadCreated* x = e.mutable_lead_created();
  x->set_lead_id("l1");
  x->set_rep_id("alice");
  x->set_source("website");
  x->set_title("Inbound enquiry");
  *x->mutable_created_at() = ToTimestamp(Now());
  return e;
}

ConvertLead Convert() {
  ConvertLead c{Meta(), {}, false};
  c.request.set_lead_id("l1");
  c.request.set_deal_id("d1");
  c.request.set_customer_id("c1");
  c.request.set_title("Fleet renewal");
  *c.request.mutable_amount() = Cny(100000);
  c.request.set_expected_close_date("2026-12-31");
  return c;
}

// Lead l1 (alice's, customer c1) converted into deal d1.
v1::ActivityEvent LeadConvertedEvent() {
  v1::ActivityEvent e;
  v1::LeadConverted* x = e.mutable_lead_converted();
  x->set_lead_id("l1");
  x->set_rep_id("alice");
  x->set_customer_id("c1");
  x->set_deal_id("d1");
  return e;
}

TEST(LeadTest, CreateDisqualify) {
  LeadSpec(DecideCreateLead).Given({}).When(NewLead()).ThenEvents({LeadCreatedEvent()});
  LeadSpec(DecideCreateLead)
      .Given({LeadCreatedEvent()})
      .When(NewLead())
      .ThenError(absl::StatusCode::kAlreadyExists);
  DisqualifyLead d{Meta(), {}};
  d.request.set_lead_id("l1");
  d.request.set_reason("no budget");
  v1::ActivityEvent e;
  e.mutable_lead_disqualified()->set_lead_id("l1");
  e.mutable_lead_disqualified()->set_rep_id("alice");
  e.mutable_lead_disqualified()->set_reason("no budget");
  LeadSpec(DecideDisqualifyLead).Given({LeadCreatedEvent()}).When(d).ThenEvents({e});
  LeadSpec(DecideDisqualifyLead).Given({LeadCreatedEvent(), e}).When(d).ThenNoEvents();
  LeadSpec(DecideConvertLead)
      .Given({LeadCreatedEvent(), e})
      .When(Convert())
      .ThenError(absl::StatusCode::kFailedPrecondition, "disqualified");
}

TEST(LeadTest, ConvertOpensTheDeal) {
  const v1::ActivityEvent converted = LeadConvertedEvent();
  v1::ActivityEvent opened = DealOpenedEvent();
  opened.mutable_deal_opened()->set_lead_id("l1");
  auto spec = LeadSpec(DecideConvertLead);
  spec.Given({LeadCreatedEvent()}).When(Convert()).ThenEvents({converted, opened});
  // Converting again into the same deal is satisfied; into another is not allowed.
  spec.Given({LeadCreatedEvent(), converted}).When(Convert()).ThenNoEvents();
  ConvertLead other = Convert();
  other.request.set_deal_id("d2");
  spec.When(other).ThenError(absl::StatusCode::kFailedPrecondition, "already converted");
}

TEST(LeadTest, ConvertWithoutATitleNamesTheDealAfterTheLead) {
  ConvertLead c = Convert();
  c.request.clear_title();
  const v1::ActivityEvent converted = LeadConvertedEvent();
  v1::ActivityEvent opened = DealOpenedEvent();
  opened.mutable_deal_opened()->set_lead_id("l1");
  opened.mutable_deal_opened()->set_title("Inbound enquiry");
  LeadSpec(DecideConvertLead).Given({LeadCreatedEvent()}).When(c).ThenEvents({converted, opened});
}

TEST(LeadTest, ConvertNeedsACustomerAndANewDeal) {
  ConvertLead c = Convert();
  c.request.clear_customer_id();
  LeadSpec(DecideConvertLead)
      .Given({LeadCreatedEvent()})
      .When(c)
      .ThenError(absl::StatusCode::kInvalidArgument, "customer_id");
  c = Convert();
  c.deal_exists = true;
  LeadSpec(DecideConvertLead)
      .Given({LeadCreatedEvent()})
      .When(c)
      .ThenError(absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace salesperf::activity
