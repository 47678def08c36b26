#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/ids.h"
#include "libs/common/validation.h"
#include "libs/testing/given_when_then.h"
#include "services/activity/domain/call.h"
#include "services/activity/domain/customer.h"
#include "services/activity/domain/test_builders.h"

namespace salesperf::activity {
namespace {

using namespace ::salesperf::activity::testing;  // NOLINT(build/namespaces): test builders
using ::salesperf::testing::DeciderSpec;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : FieldViolationsOf(status)) fields.push_back(v.field);
  return fields;
}

template <typename Command>
DeciderSpec<v1::Customer, v1::ActivityEvent, Command> CustomerSpec(
    absl::StatusOr<ActivityEvents> (*decide)(const Command&, const v1::Customer&)) {
  return DeciderSpec<v1::Customer, v1::ActivityEvent, Command>(decide, EvolveCustomer,
                                                               v1::Customer{});
}

RegisterCustomer Register() {
  RegisterCustomer c{Meta(), {}, ""};
  const v1::CustomerRegistered e = CustomerRegisteredEvent().customer_registered();
  c.request.set_customer_id("c1");
  c.request.set_name(e.name());
  *c.request.mutable_location() = e.location();
  c.request.set_region_id("east");
  c.request.set_owner_rep_id("alice");
  return c;
}

ReassignCustomer Reassign(std::string to = "bob") {
  ReassignCustomer c{Meta(), {}};
  c.request.set_customer_id("c1");
  c.request.set_to_rep_id(std::move(to));
  c.request.set_reason("territory change");
  return c;
}

TEST(RegisterCustomerTest, RegistersTodayByDefault) {
  CustomerSpec(DecideRegisterCustomer)
      .Given({})
      .When(Register())
      .ThenEvents({CustomerRegisteredEvent()});
}

TEST(RegisterCustomerTest, TwiceOrSameExternalIdIsAlreadyExists) {
  CustomerSpec(DecideRegisterCustomer)
      .Given({CustomerRegisteredEvent()})
      .When(Register())
      .ThenError(absl::StatusCode::kAlreadyExists);
  RegisterCustomer c = Register();
  c.request.set_external_id("CRM-7");
  c.existing_customer_for_external_id = "c0";
  CustomerSpec(DecideRegisterCustomer)
      .Given({})
      .When(c)
      .ThenError(absl::StatusCode::kAlreadyExists, "customer c0");
}

TEST(RegisterCustomerTest, ValidatesFields) {
  RegisterCustomer c = Register();
  c.request.clear_name();
  c.request.mutable_location()->set_latitude(100);
  c.request.clear_owner_rep_id();
  c.request.set_registered_on("2026-13-01");
  absl::StatusOr<ActivityEvents> got =
      CustomerSpec(DecideRegisterCustomer).Given({}).When(c).Decide();
  EXPECT_THAT(Fields(got.status()),
              ElementsAre("name", "location.latitude", "owner_rep_id", "registered_on"));
}

TEST(ReassignCustomerTest, MovesTheOwner) {
  v1::ActivityEvent e;
  v1::CustomerOwnerReassigned* x = e.mutable_customer_owner_reassigned();
  x->set_customer_id("c1");
  x->set_from_rep_id("alice");
  x->set_to_rep_id("bob");
  x->set_reason("territory change");
  x->set_effective_from("2026-11-23");
  x->set_region_id("east");
  auto spec = CustomerSpec(DecideReassignCustomer);
  spec.Given({CustomerRegisteredEvent()}).When(Reassign()).ThenEvents({e});
  EXPECT_EQ(spec.Given({CustomerRegisteredEvent(), e}).GivenState().owner_rep_id(), "bob");
  spec.When(Reassign("bob")).ThenNoEvents();
}

TEST(ReassignCustomerTest, UnknownCustomerIsNotFound) {
  CustomerSpec(DecideReassignCustomer)
      .Given({})
      .When(Reassign())
      .ThenError(absl::StatusCode::kNotFound);
}

// --- Calls.

v1::CallRecord Record() {
  v1::CallRecord r;
  r.set_rep_id("alice");
  r.set_customer_id("c1");
  r.set_direction(v1::CALL_DIRECTION_OUTBOUND);
  *r.mutable_started_at() = ToTimestamp(Now() - absl::Hours(1));
  r.set_duration_seconds(180);
  r.set_outcome(v1::CALL_OUTCOME_CONNECTED);
  r.set_external_call_id("x-1");
  r.set_phone_system("aliyun");
  return r;
}

TEST(CallTest, ExternalIdIsStableAndDistinguishesThePair) {
  EXPECT_EQ(ExternalCallId("aliyun", "x-1"), ExternalCallId("aliyun", "x-1"));
  EXPECT_NE(ExternalCallId("aliyun", "x-1"), ExternalCallId("aliyun", "x-2"));
  EXPECT_NE(ExternalCallId("ab", "c"), ExternalCallId("a", "bc"));
  EXPECT_TRUE(ValidateId(ExternalCallId("aliyun", "x-1")).ok());
  EXPECT_EQ(ExternalCallId("aliyun", "x-1").size(), 36);
}

TEST(CallTest, LogsOnceThenNoEvents) {
  LogCall c{Meta(), Record()};
  c.call.set_call_id("k1");
  DeciderSpec<v1::Call, v1::ActivityEvent, LogCall> spec(DecideLogCall, EvolveCall, v1::Call{});
  absl::StatusOr<ActivityEvents> got = spec.Given({}).When(c).Decide();
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].call_logged().call_id(), "k1");
  EXPECT_EQ((*got)[0].call_logged().duration_seconds(), 180);
  spec.Given(*got).When(c).ThenNoEvents();
}

TEST(CallTest, GoodRecordHasNoViolations) {
  FieldViolations v;
  ValidateCallRecord(Record(), Now(), "", v);
  EXPECT_THAT(v.violations(), IsEmpty());
}

TEST(CallTest, BadRecordsAreFieldViolations) {
  v1::CallRecord r = Record();
  r.clear_rep_id();
  r.clear_customer_id();
  r.set_direction(v1::CALL_DIRECTION_UNSPECIFIED);
  r.set_duration_seconds(-5);
  r.clear_phone_system();
  FieldViolations v;
  ValidateCallRecord(r, Now(), "call.", v);
  std::vector<std::string> fields;
  for (const FieldViolation& f : v.violations()) fields.push_back(f.field);
  EXPECT_THAT(fields, ElementsAre("call.rep_id", "call.customer_id", "call.direction",
                                  "call.duration_seconds", "call.phone_system"));
}

TEST(CallTest, DurationBoundsAndNonConnectedCalls) {
  v1::CallRecord r = Record();
  r.set_duration_seconds(86'401);
  FieldViolations too_long;
  ValidateCallRecord(r, Now(), "", too_long);
  EXPECT_EQ(too_long.violations().at(0).field, "duration_seconds");
  r.set_duration_seconds(20);
  r.set_outcome(v1::CALL_OUTCOME_NO_ANSWER);
  FieldViolations not_connected;
  ValidateCallRecord(r, Now(), "", not_connected);
  EXPECT_EQ(not_connected.violations().at(0).field, "duration_seconds");
  r.set_duration_seconds(0);
  FieldViolations ok;
  ValidateCallRecord(r, Now(), "", ok);
  EXPECT_TRUE(ok.empty());
}

TEST(CallTest, StartInTheFutureIsInvalid) {
  v1::CallRecord r = Record();
  *r.mutable_started_at() = ToTimestamp(Now() + absl::Minutes(10));
  FieldViolations v;
  ValidateCallRecord(r, Now(), "", v);
  EXPECT_EQ(v.violations().at(0).field, "started_at");
  LogCall c{Meta(), r};
  c.call.set_call_id("k1");
  DeciderSpec<v1::Call, v1::ActivityEvent, LogCall> spec(DecideLogCall, EvolveCall, v1::Call{});
  spec.Given({}).When(c).ThenError(absl::StatusCode::kInvalidArgument, "call.started_at");
}

}  // namespace
}  // namespace salesperf::activity
