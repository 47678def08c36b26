#include "services/activity/domain/visit.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/validation.h"
#include "libs/testing/given_when_then.h"
#include "services/activity/domain/test_builders.h"

namespace salesperf::activity {
namespace {

using namespace ::salesperf::activity::testing;  // NOLINT(build/namespaces): test builders
using ::salesperf::testing::DeciderSpec;
using ::testing::ElementsAre;

template <typename Command>
DeciderSpec<v1::Visit, v1::ActivityEvent, Command> Spec(
    absl::StatusOr<ActivityEvents> (*decide)(const Command&, const v1::Visit&)) {
  return DeciderSpec<v1::Visit, v1::ActivityEvent, Command>(decide, EvolveVisit, v1::Visit{});
}

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : FieldViolationsOf(status)) fields.push_back(v.field);
  return fields;
}

PlanVisit Plan() {
  PlanVisit c{Meta(), {}, AcmeCustomer()};
  c.request.set_visit_id("v1");
  c.request.set_rep_id("alice");
  c.request.set_customer_id("c1");
  *c.request.mutable_planned_at() = ToTimestamp(Now() + absl::Hours(2));
  c.request.set_purpose("demo");
  return c;
}

RescheduleVisit Reschedule(absl::Time at = Now() + absl::Hours(26)) {
  RescheduleVisit c{Meta(), {}};
  c.request.set_visit_id("v1");
  *c.request.mutable_planned_at() = ToTimestamp(at);
  c.request.set_reason("customer busy");
  return c;
}

CancelVisit Cancel() {
  CancelVisit c{Meta(), {}};
  c.request.set_visit_id("v1");
  c.request.set_reason("customer moved");
  return c;
}

CheckIn CheckInAt(v1::GeoPoint position) {
  CheckIn c{Meta(), {}, AcmeCustomer(), 500};
  c.request.set_visit_id("v1");
  *c.request.mutable_position() = position;
  return c;
}

CheckOut CheckOutAfter(absl::Duration d) {
  CheckOut c{Meta(), {}};
  c.meta.now = Now() + d;
  c.request.set_visit_id("v1");
  return c;
}

RecordVisitOutcome Outcome(v1::VisitOutcome outcome = v1::VISIT_OUTCOME_COMPLETED) {
  RecordVisitOutcome c{Meta(), {}};
  c.request.set_visit_id("v1");
  c.request.set_outcome(outcome);
  c.request.set_notes("went well");
  return c;
}

v1::ActivityEvent Cancelled() {
  v1::ActivityEvent e;
  v1::VisitCancelled* x = e.mutable_visit_cancelled();
  x->set_visit_id("v1");
  x->set_rep_id("alice");
  x->set_customer_id("c1");
  x->set_reason("customer moved");
  *x->mutable_planned_at() = VisitPlannedEvent().visit_planned().planned_at();
  return e;
}

v1::ActivityEvent CheckedOut(absl::Duration d) {
  v1::ActivityEvent e;
  v1::VisitCheckedOut* x = e.mutable_visit_checked_out();
  x->set_visit_id("v1");
  x->set_rep_id("alice");
  x->set_customer_id("c1");
  *x->mutable_checked_out_at() = ToTimestamp(Now() + d);
  x->set_duration_seconds(absl::ToInt64Seconds(d));
  return e;
}

v1::ActivityEvent OutcomeRecorded(bool without_check_in, v1::LocationCheck check) {
  v1::ActivityEvent e;
  v1::VisitOutcomeRecorded* x = e.mutable_visit_outcome_recorded();
  x->set_visit_id("v1");
  x->set_rep_id("alice");
  x->set_customer_id("c1");
  x->set_outcome(v1::VISIT_OUTCOME_COMPLETED);
  x->set_notes("went well");
  *x->mutable_recorded_at() = ToTimestamp(Now());
  x->set_without_check_in(without_check_in);
  x->set_location_check(check);
  return e;
}

// --- Plan.

TEST(PlanVisitTest, PlansAVisit) {
  Spec(DecidePlanVisit).Given({}).When(Plan()).ThenEvents({VisitPlannedEvent()});
}

TEST(PlanVisitTest, UnknownCustomerIsNotFound) {
  PlanVisit c = Plan();
  c.customer = v1::Customer{};
  Spec(DecidePlanVisit).Given({}).When(c).ThenError(absl::StatusCode::kNotFound, "customer c1");
}

TEST(PlanVisitTest, ExistingVisitIsAlreadyExists) {
  Spec(DecidePlanVisit)
      .Given({VisitPlannedEvent()})
      .When(Plan())
      .ThenError(absl::StatusCode::kAlreadyExists);
}

TEST(PlanVisitTest, CustomerOfAnotherRepIsAllowed) {
  PlanVisit c = Plan();
  c.request.set_rep_id("bob");
  absl::StatusOr<ActivityEvents> got = Spec(DecidePlanVisit).Given({}).When(c).Decide();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ((*got)[0].visit_planned().rep_id(), "bob");
}

TEST(PlanVisitTest, MissingFieldsAreFieldViolations) {
  PlanVisit c = Plan();
  c.request.clear_rep_id();
  c.request.clear_planned_at();
  c.request.set_customer_id("bad id");
  absl::StatusOr<ActivityEvents> got = Spec(DecidePlanVisit).Given({}).When(c).Decide();
  EXPECT_THAT(Fields(got.status()), ElementsAre("rep_id", "customer_id", "planned_at"));
}

// --- Reschedule.

TEST(RescheduleVisitTest, MovesThePlanAndCountsIt) {
  v1::ActivityEvent e;
  v1::VisitRescheduled* x = e.mutable_visit_rescheduled();
  x->set_visit_id("v1");
  x->set_rep_id("alice");
  x->set_customer_id("c1");
  *x->mutable_previous_planned_at() = VisitPlannedEvent().visit_planned().planned_at();
  *x->mutable_planned_at() = ToTimestamp(Now() + absl::Hours(26));
  x->set_reason("customer busy");
  x->set_reschedule_count(1);
  auto spec = Spec(DecideRescheduleVisit);
  spec.Given({VisitPlannedEvent()}).When(Reschedule()).ThenEvents({e});
  // The second reschedule counts 2.
  v1::ActivityEvent second = e;
  *second.mutable_visit_rescheduled()->mutable_previous_planned_at() = x->planned_at();
  *second.mutable_visit_rescheduled()->mutable_planned_at() = ToTimestamp(Now() + absl::Hours(50));
  second.mutable_visit_rescheduled()->set_reschedule_count(2);
  spec.Given({VisitPlannedEvent(), e})
      .When(Reschedule(Now() + absl::Hours(50)))
      .ThenEvents({second});
  EXPECT_EQ(spec.Given({VisitPlannedEvent(), e, second}).GivenState().reschedule_count(), 2);
}

TEST(RescheduleVisitTest, SameTimeIsNoEvents) {
  Spec(DecideRescheduleVisit)
      .Given({VisitPlannedEvent()})
      .When(Reschedule(Now() + absl::Hours(2)))
      .ThenNoEvents();
}

TEST(RescheduleVisitTest, NeedsAReason) {
  RescheduleVisit c = Reschedule();
  c.request.clear_reason();
  absl::StatusOr<ActivityEvents> got =
      Spec(DecideRescheduleVisit).Given({VisitPlannedEvent()}).When(c).Decide();
  EXPECT_THAT(Fields(got.status()), ElementsAre("reason"));
}

TEST(RescheduleVisitTest, UnknownVisitIsNotFound) {
  Spec(DecideRescheduleVisit).Given({}).When(Reschedule()).ThenError(absl::StatusCode::kNotFound);
}

TEST(RescheduleVisitTest, CheckedInOrCancelledIsFailedPrecondition) {
  Spec(DecideRescheduleVisit)
      .Given({VisitPlannedEvent(), CheckedInEvent()})
      .When(Reschedule())
      .ThenError(absl::StatusCode::kFailedPrecondition, "checked_in");
  Spec(DecideRescheduleVisit)
      .Given({VisitPlannedEvent(), Cancelled()})
      .When(Reschedule())
      .ThenError(absl::StatusCode::kFailedPrecondition, "cancelled");
}

// --- Cancel.

TEST(CancelVisitTest, CancelsAPlannedVisit) {
  Spec(DecideCancelVisit).Given({VisitPlannedEvent()}).When(Cancel()).ThenEvents({Cancelled()});
}

TEST(CancelVisitTest, CancellingTwiceIsNoEvents) {
  Spec(DecideCancelVisit).Given({VisitPlannedEvent(), Cancelled()}).When(Cancel()).ThenNoEvents();
}

TEST(CancelVisitTest, CheckedInIsFailedPrecondition) {
  Spec(DecideCancelVisit)
      .Given({VisitPlannedEvent(), CheckedInEvent()})
      .When(Cancel())
      .ThenError(absl::StatusCode::kFailedPrecondition);
}

TEST(CancelVisitTest, NeedsAReason) {
  CancelVisit c = Cancel();
  c.request.clear_reason();
  Spec(DecideCancelVisit)
      .Given({VisitPlannedEvent()})
      .When(c)
      .ThenError(absl::StatusCode::kInvalidArgument, "reason");
}

// --- Check in.

TEST(CheckInTest, AtTheCustomerIsVerified) {
  Spec(DecideCheckIn)
      .Given({VisitPlannedEvent()})
      .When(CheckInAt(Point(31.2400, 121.4900)))
      .ThenEvents({CheckedInEvent(v1::LOCATION_CHECK_VERIFIED)});
}

TEST(CheckInTest, FarFromTheCustomerIsTooFar) {
  absl::StatusOr<ActivityEvents> got = Spec(DecideCheckIn)
                                           .Given({VisitPlannedEvent()})
                                           .When(CheckInAt(Point(31.2600, 121.4900)))
                                           .Decide();
  ASSERT_TRUE(got.ok()) << got.status();
  const v1::VisitCheckedIn& x = (*got)[0].visit_checked_in();
  EXPECT_EQ(x.location_check(), v1::LOCATION_CHECK_TOO_FAR);
  EXPECT_NEAR(x.distance_meters(), 2224, 1);
  EXPECT_EQ(x.threshold_meters(), 500);
}

TEST(CheckInTest, TheThresholdIsTheCommands) {
  CheckIn c = CheckInAt(Point(31.2600, 121.4900));
  c.threshold_meters = 3000;
  absl::StatusOr<ActivityEvents> got =
      Spec(DecideCheckIn).Given({VisitPlannedEvent()}).When(c).Decide();
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)[0].visit_checked_in().location_check(), v1::LOCATION_CHECK_VERIFIED);
}

TEST(CheckInTest, WithoutPositionOrCustomerLocationIsNoLocation) {
  CheckIn c = CheckInAt(Point(0, 0));
  c.request.clear_position();
  absl::StatusOr<ActivityEvents> got =
      Spec(DecideCheckIn).Given({VisitPlannedEvent()}).When(c).Decide();
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)[0].visit_checked_in().location_check(), v1::LOCATION_CHECK_NO_LOCATION);
  EXPECT_EQ((*got)[0].visit_checked_in().distance_meters(), -1);

  CheckIn no_customer_location = CheckInAt(Point(31.24, 121.49));
  no_customer_location.customer.clear_location();
  got = Spec(DecideCheckIn).Given({VisitPlannedEvent()}).When(no_customer_location).Decide();
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)[0].visit_checked_in().location_check(), v1::LOCATION_CHECK_NO_LOCATION);
}

TEST(CheckInTest, CoordinatesOutOfRangeAreFieldViolations) {
  absl::StatusOr<ActivityEvents> got = Spec(DecideCheckIn)
                                           .Given({VisitPlannedEvent()})
                                           .When(CheckInAt(Point(91, -181, -1)))
                                           .Decide();
  EXPECT_THAT(Fields(got.status()),
              ElementsAre("position.latitude", "position.longitude", "position.accuracy_meters"));
}

TEST(CheckInTest, InTheFutureIsInvalid) {
  CheckIn c = CheckInAt(Point(31.24, 121.49));
  *c.request.mutable_checked_in_at() = ToTimestamp(Now() + absl::Hours(1));
  absl::StatusOr<ActivityEvents> got =
      Spec(DecideCheckIn).Given({VisitPlannedEvent()}).When(c).Decide();
  EXPECT_THAT(Fields(got.status()), ElementsAre("checked_in_at"));
}

TEST(CheckInTest, TheSameCheckInAgainIsNoEvents) {
  CheckIn c = CheckInAt(Point(31.2400, 121.4900));
  *c.request.mutable_checked_in_at() = ToTimestamp(Now());
  Spec(DecideCheckIn).Given({VisitPlannedEvent(), CheckedInEvent()}).When(c).ThenNoEvents();
  *c.request.mutable_checked_in_at() = ToTimestamp(Now() + absl::Minutes(1));
  Spec(DecideCheckIn)
      .Given({VisitPlannedEvent(), CheckedInEvent()})
      .When(c)
      .ThenError(absl::StatusCode::kFailedPrecondition);
}

TEST(CheckInTest, CancelledOrUnknownVisit) {
  Spec(DecideCheckIn)
      .Given({VisitPlannedEvent(), Cancelled()})
      .When(CheckInAt(Point(31.24, 121.49)))
      .ThenError(absl::StatusCode::kFailedPrecondition, "cancelled");
  Spec(DecideCheckIn)
      .Given({})
      .When(CheckInAt(Point(31.24, 121.49)))
      .ThenError(absl::StatusCode::kNotFound);
}

// --- Check out.

TEST(CheckOutTest, RecordsTheDuration) {
  Spec(DecideCheckOut)
      .Given({VisitPlannedEvent(), CheckedInEvent()})
      .When(CheckOutAfter(absl::Minutes(45)))
      .ThenEvents({CheckedOut(absl::Minutes(45))});
}

TEST(CheckOutTest, WithoutCheckInIsFailedPrecondition) {
  Spec(DecideCheckOut)
      .Given({VisitPlannedEvent()})
      .When(CheckOutAfter(absl::Minutes(45)))
      .ThenError(absl::StatusCode::kFailedPrecondition, "check in first");
}

TEST(CheckOutTest, BeforeTheCheckInOrTooLongIsInvalid) {
  CheckOut before = CheckOutAfter(absl::ZeroDuration());
  *before.request.mutable_checked_out_at() = ToTimestamp(Now() - absl::Minutes(1));
  absl::StatusOr<ActivityEvents> got =
      Spec(DecideCheckOut).Given({VisitPlannedEvent(), CheckedInEvent()}).When(before).Decide();
  EXPECT_THAT(Fields(got.status()), ElementsAre("checked_out_at"));
  got = Spec(DecideCheckOut)
            .Given({VisitPlannedEvent(), CheckedInEvent()})
            .When(CheckOutAfter(absl::Hours(25)))
            .Decide();
  EXPECT_THAT(Fields(got.status()), ElementsAre("checked_out_at"));
}

// --- Outcome.

TEST(RecordVisitOutcomeTest, AfterCheckInCarriesTheLocationCheck) {
  Spec(DecideRecordVisitOutcome)
      .Given({VisitPlannedEvent(), CheckedInEvent(v1::LOCATION_CHECK_TOO_FAR),
              CheckedOut(absl::Minutes(30))})
      .When(Outcome())
      .ThenEvents({OutcomeRecorded(false, v1::LOCATION_CHECK_TOO_FAR)});
}

TEST(RecordVisitOutcomeTest, WithoutCheckInIsAllowedButMarked) {
  Spec(DecideRecordVisitOutcome)
      .Given({VisitPlannedEvent()})
      .When(Outcome())
      .ThenEvents({OutcomeRecorded(true, v1::LOCATION_CHECK_UNSPECIFIED)});
}

TEST(RecordVisitOutcomeTest, AfterACheckInWithoutPositionIsMarked) {
  v1::ActivityEvent checked_in = CheckedInEvent(v1::LOCATION_CHECK_NO_LOCATION);
  checked_in.mutable_visit_checked_in()->clear_position();
  v1::ActivityEvent expected = OutcomeRecorded(false, v1::LOCATION_CHECK_NO_LOCATION);
  expected.mutable_visit_outcome_recorded()->set_check_in_without_position(true);
  Spec(DecideRecordVisitOutcome)
      .Given({VisitPlannedEvent(), checked_in})
      .When(Outcome())
      .ThenEvents({expected});
  // The customer has no location but the device sent one: the rep was placed.
  Spec(DecideRecordVisitOutcome)
      .Given({VisitPlannedEvent(), CheckedInEvent(v1::LOCATION_CHECK_NO_LOCATION)})
      .When(Outcome())
      .ThenEvents({OutcomeRecorded(false, v1::LOCATION_CHECK_NO_LOCATION)});
}

TEST(RecordVisitOutcomeTest, SameOutcomeAgainIsNoEventsAnotherIsFailedPrecondition) {
  auto spec = Spec(DecideRecordVisitOutcome);
  spec.Given({VisitPlannedEvent(), OutcomeRecorded(true, v1::LOCATION_CHECK_UNSPECIFIED)})
      .When(Outcome())
      .ThenNoEvents();
  spec.When(Outcome(v1::VISIT_OUTCOME_ORDER_TAKEN))
      .ThenError(absl::StatusCode::kFailedPrecondition, "completed");
}

TEST(RecordVisitOutcomeTest, CancelledVisitIsFailedPrecondition) {
  Spec(DecideRecordVisitOutcome)
      .Given({VisitPlannedEvent(), Cancelled()})
      .When(Outcome())
      .ThenError(absl::StatusCode::kFailedPrecondition);
}

TEST(RecordVisitOutcomeTest, OutcomeIsRequired) {
  Spec(DecideRecordVisitOutcome)
      .Given({VisitPlannedEvent()})
      .When(Outcome(v1::VISIT_OUTCOME_UNSPECIFIED))
      .ThenError(absl::StatusCode::kInvalidArgument, "outcome");
}

TEST(EvolveVisitTest, FoldsTheWholeLife) {
  auto spec = Spec(DecideRecordVisitOutcome);
  v1::Visit v = spec.Given({VisitPlannedEvent(), CheckedInEvent(), CheckedOut(absl::Minutes(30)),
                            OutcomeRecorded(false, v1::LOCATION_CHECK_VERIFIED)})
                    .GivenState();
  EXPECT_EQ(v.status(), v1::VISIT_STATUS_COMPLETED);
  EXPECT_EQ(v.location_check(), v1::LOCATION_CHECK_VERIFIED);
  EXPECT_EQ(v.duration_seconds(), 1800);
  EXPECT_EQ(v.version(), 4);
  EXPECT_FALSE(v.without_check_in());
}

}  // namespace
}  // namespace salesperf::activity
