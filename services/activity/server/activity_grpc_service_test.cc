// ActivityService over gRPC on port 0, real RocksDB, the organisation from an upstream
// targets store.
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "gtest/gtest.h"
#include "libs/common/validation.h"
#include "libs/testing/status_matchers.h"
#include "services/activity/domain/call.h"
#include "services/activity/risk/risk_reactor.h"
#include "services/activity/testing/service_fixture.h"

namespace salesperf::activity {
namespace {

using namespace ::salesperf::activity::testing;  // NOLINT(build/namespaces): fixture helpers
using ::salesperf::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

class ActivityGrpcTest : public ServiceFixture {};

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : FieldViolationsOf(status)) fields.push_back(v.field);
  return fields;
}

template <typename Resp, typename Get>
std::vector<std::string> Ids(const Resp& response, Get get) {
  std::vector<std::string> ids;
  get(response, ids);
  return ids;
}

// --- Customers.

TEST_F(ActivityGrpcTest, RegisterGetListAndReassignCustomers) {
  RegisterCustomer("c1", "alice");
  RegisterCustomer("c2", "bob");
  ASSERT_OK_AND_ASSIGN(auto got, Call(&Stub::GetCustomer, [] {
                         v1::GetCustomerRequest r;
                         r.set_customer_id("c1");
                         return r;
                       }()));
  EXPECT_EQ(got.customer().owner_rep_id(), "alice");
  EXPECT_EQ(got.customer().registered_on(), "2026-11-23");
  EXPECT_EQ(got.customer().version(), 1);

  v1::ReassignCustomerRequest reassign;
  reassign.set_request_id(NextRequestId());
  reassign.set_customer_id("c1");
  reassign.set_to_rep_id("bob");
  reassign.set_reason("territory change");
  ASSERT_OK_AND_ASSIGN(auto moved, Call(&Stub::ReassignCustomer, reassign));
  EXPECT_EQ(moved.customer().owner_rep_id(), "bob");

  v1::ListCustomersRequest by_owner;
  by_owner.set_owner_rep_id("bob");
  ASSERT_OK_AND_ASSIGN(auto bobs, Call(&Stub::ListCustomers, by_owner));
  ASSERT_THAT(bobs.customers(), SizeIs(2));
  EXPECT_EQ(bobs.customers(0).customer_id(), "c1");
  by_owner.set_owner_rep_id("alice");
  ASSERT_OK_AND_ASSIGN(auto alices, Call(&Stub::ListCustomers, by_owner));
  EXPECT_THAT(alices.customers(), SizeIs(0));
}

TEST_F(ActivityGrpcTest, CustomerExternalIdIsDeduplicated) {
  v1::RegisterCustomerRequest r;
  r.set_request_id(NextRequestId());
  r.set_name("Acme");
  r.set_region_id("east");
  r.set_owner_rep_id("alice");
  r.set_external_id("CRM-1");
  ASSERT_OK_AND_ASSIGN(auto first, Call(&Stub::RegisterCustomer, r));
  EXPECT_THAT(first.customer().customer_id(), HasSubstr("cus-"));
  r.set_request_id(NextRequestId());
  EXPECT_THAT(
      Call(&Stub::RegisterCustomer, r),
      StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr(first.customer().customer_id())));
}

TEST_F(ActivityGrpcTest, RequestIdsAreIdempotent) {
  v1::CreateLeadRequest r;
  r.set_request_id("lead-req-1");
  r.set_rep_id("alice");
  r.set_title("Inbound enquiry");
  ASSERT_OK_AND_ASSIGN(auto first, Call(&Stub::CreateLead, r));
  const uint64_t head = Head();
  ASSERT_OK_AND_ASSIGN(auto again, Call(&Stub::CreateLead, r));
  EXPECT_EQ(again.lead().lead_id(), first.lead().lead_id());
  EXPECT_EQ(Head(), head);
  r.set_title("Something else");
  EXPECT_THAT(Call(&Stub::CreateLead, r), StatusIs(absl::StatusCode::kAlreadyExists));
  r.clear_request_id();
  EXPECT_THAT(Call(&Stub::CreateLead, r), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(Head(), head);
}

// --- Visits.

TEST_F(ActivityGrpcTest, VisitFromPlanToOutcomeWithLocationCheck) {
  RegisterCustomer("c1");
  v1::PlanVisitRequest plan;
  plan.set_request_id(NextRequestId());
  plan.set_visit_id("v1");
  plan.set_rep_id("alice");
  plan.set_customer_id("c1");
  *plan.mutable_planned_at() = ToTimestamp(clock_.Now() + absl::Hours(1));
  plan.set_purpose("demo");
  ASSERT_OK_AND_ASSIGN(auto planned, Call(&Stub::PlanVisit, plan));
  EXPECT_EQ(planned.visit().status(), v1::VISIT_STATUS_PLANNED);
  EXPECT_EQ(planned.visit().planned_on(), "2026-11-23");

  clock_.Advance(absl::Hours(1));
  v1::CheckInRequest in;
  in.set_request_id(NextRequestId());
  in.set_visit_id("v1");
  *in.mutable_position() = Point(31.2600, 121.4900, 10);  // ~2.2 km north
  ASSERT_OK_AND_ASSIGN(auto checked_in, Call(&Stub::CheckIn, in));
  EXPECT_EQ(checked_in.visit().location_check(), v1::LOCATION_CHECK_TOO_FAR);
  EXPECT_NEAR(checked_in.visit().distance_meters(), 2224, 1);
  EXPECT_EQ(checked_in.visit().threshold_meters(), 510);

  clock_.Advance(absl::Minutes(40));
  v1::CheckOutRequest out;
  out.set_request_id(NextRequestId());
  out.set_visit_id("v1");
  ASSERT_OK_AND_ASSIGN(auto checked_out, Call(&Stub::CheckOut, out));
  EXPECT_EQ(checked_out.visit().duration_seconds(), 2400);

  v1::RecordVisitOutcomeRequest outcome;
  outcome.set_request_id(NextRequestId());
  outcome.set_visit_id("v1");
  outcome.set_outcome(v1::VISIT_OUTCOME_ORDER_TAKEN);
  ASSERT_OK_AND_ASSIGN(auto done, Call(&Stub::RecordVisitOutcome, outcome));
  EXPECT_EQ(done.visit().status(), v1::VISIT_STATUS_COMPLETED);
  EXPECT_FALSE(done.visit().without_check_in());

  v1::GetVisitRequest get;
  get.set_visit_id("v1");
  ASSERT_OK_AND_ASSIGN(auto viewed, Call(&Stub::GetVisit, get));
  EXPECT_EQ(viewed.visit().version(), 4);
  EXPECT_EQ(viewed.visit().location_check(), v1::LOCATION_CHECK_TOO_FAR);

  // Reschedule after check-in: an illegal transition.
  v1::RescheduleVisitRequest reschedule;
  reschedule.set_request_id(NextRequestId());
  reschedule.set_visit_id("v1");
  *reschedule.mutable_planned_at() = ToTimestamp(clock_.Now() + absl::Hours(24));
  reschedule.set_reason("late");
  EXPECT_THAT(Call(&Stub::RescheduleVisit, reschedule),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(ActivityGrpcTest, CheckInCoordinatesAreValidated) {
  RegisterCustomer("c1");
  v1::PlanVisitRequest plan;
  plan.set_request_id(NextRequestId());
  plan.set_visit_id("v1");
  plan.set_rep_id("alice");
  plan.set_customer_id("c1");
  *plan.mutable_planned_at() = ToTimestamp(clock_.Now());
  ASSERT_OK(Call(&Stub::PlanVisit, plan));
  const uint64_t head = Head();
  v1::CheckInRequest in;
  in.set_request_id(NextRequestId());
  in.set_visit_id("v1");
  *in.mutable_position() = Point(95, 121.49);
  absl::StatusOr<v1::CheckInResponse> got = Call(&Stub::CheckIn, in);
  EXPECT_THAT(got, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Fields(got.status()), ElementsAre("position.latitude"));
  EXPECT_EQ(Head(), head);
}

TEST_F(ActivityGrpcTest, PlanVisitForUnknownCustomerIsNotFound) {
  v1::PlanVisitRequest plan;
  plan.set_request_id(NextRequestId());
  plan.set_rep_id("alice");
  plan.set_customer_id("nobody");
  *plan.mutable_planned_at() = ToTimestamp(clock_.Now());
  EXPECT_THAT(Call(&Stub::PlanVisit, plan), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ActivityGrpcTest, ListVisitsByTeamFollowsTheRepsTeamOnTheDay) {
  RegisterCustomer("c1");
  // alice was in t-sh until 2026-11-19 and in t-bj from 2026-11-20.
  for (auto [id, day] : {std::pair{"v-old", 10}, std::pair{"v-new", 24}}) {
    v1::PlanVisitRequest plan;
    plan.set_request_id(NextRequestId());
    plan.set_visit_id(id);
    plan.set_rep_id("alice");
    plan.set_customer_id("c1");
    *plan.mutable_planned_at() =
        ToTimestamp(absl::FromCivil(absl::CivilSecond(2026, 11, day, 9, 0, 0), DefaultTimeZone()));
    ASSERT_OK(Call(&Stub::PlanVisit, plan));
  }
  auto list = [&](const std::string& team) {
    v1::ListVisitsRequest r;
    r.set_team_id(team);
    absl::StatusOr<v1::ListVisitsResponse> got = Call(&Stub::ListVisits, r);
    EXPECT_TRUE(got.ok()) << got.status();
    std::vector<std::string> ids;
    if (got.ok()) {
      for (const v1::Visit& v : got->visits()) ids.push_back(v.visit_id());
    }
    return ids;
  };
  EXPECT_THAT(list("t-sh"), ElementsAre("v-old"));
  EXPECT_THAT(list("t-bj"), ElementsAre("v-new"));

  v1::ListVisitsRequest by_rep_day;
  by_rep_day.set_rep_id("alice");
  by_rep_day.set_from_day("2026-11-24");
  by_rep_day.set_to_day("2026-11-24");
  ASSERT_OK_AND_ASSIGN(auto on_day, Call(&Stub::ListVisits, by_rep_day));
  ASSERT_THAT(on_day.visits(), SizeIs(1));
  EXPECT_EQ(on_day.visits(0).visit_id(), "v-new");
}

TEST_F(ActivityGrpcTest, ListPagesWithTokens) {
  for (int i = 0; i < 5; ++i) RegisterCustomer(absl::StrCat("c", i));
  v1::ListCustomersRequest r;
  r.mutable_page()->set_page_size(2);
  std::vector<std::string> seen;
  for (int pages = 0; pages < 5; ++pages) {
    ASSERT_OK_AND_ASSIGN(auto page, Call(&Stub::ListCustomers, r));
    for (const v1::Customer& c : page.customers()) seen.push_back(c.customer_id());
    if (page.page().next_page_token().empty()) break;
    r.mutable_page()->set_page_token(page.page().next_page_token());
  }
  EXPECT_THAT(seen, ElementsAre("c0", "c1", "c2", "c3", "c4"));
  r.mutable_page()->set_page_token("bogus");
  EXPECT_THAT(Call(&Stub::ListCustomers, r), StatusIs(absl::StatusCode::kInvalidArgument));
}

// --- Calls.

// A call on a lead alone carries the lead's customer (so that analytics attributes it),
// logged one by one or imported; a lead without a customer leaves it empty.
TEST_F(ActivityGrpcTest, CallsOnALeadCarryTheLeadsCustomer) {
  RegisterCustomer("c1");
  for (const auto& [lead_id, customer_id] : {std::pair{"l-c1", "c1"}, std::pair{"l-none", ""}}) {
    v1::CreateLeadRequest lead;
    lead.set_request_id(NextRequestId());
    lead.set_lead_id(lead_id);
    lead.set_rep_id("alice");
    lead.set_customer_id(customer_id);
    lead.set_title("Enquiry");
    ASSERT_OK(Call(&Stub::CreateLead, lead).status());
  }
  auto on_lead = [&](const std::string& external_id, const std::string& lead_id) {
    v1::CallRecord record = CallRecordOf(external_id);
    record.clear_customer_id();
    record.set_lead_id(lead_id);
    return record;
  };
  v1::LogCallRequest log;
  log.set_request_id(NextRequestId());
  *log.mutable_call() = on_lead("lead-call-1", "l-c1");
  ASSERT_OK_AND_ASSIGN(auto logged, Call(&Stub::LogCall, log));
  EXPECT_EQ(logged.call().customer_id(), "c1");
  log.set_request_id(NextRequestId());
  *log.mutable_call() = on_lead("lead-call-2", "l-none");
  ASSERT_OK_AND_ASSIGN(logged, Call(&Stub::LogCall, log));
  EXPECT_EQ(logged.call().customer_id(), "");

  v1::ImportCallsRequest batch;
  batch.set_request_id(NextRequestId());
  *batch.add_records() = on_lead("lead-call-3", "l-c1");
  ASSERT_OK(Import({batch}).status());
  v1::GetCallRequest get;
  get.set_call_id(ExternalCallId("pbx", "lead-call-3"));
  ASSERT_OK_AND_ASSIGN(auto imported, Call(&Stub::GetCall, get));
  EXPECT_EQ(imported.call().customer_id(), "c1");
  EXPECT_EQ(imported.call().lead_id(), "l-c1");

  v1::ListCallsRequest by_lead;
  by_lead.set_lead_id("l-c1");
  ASSERT_OK_AND_ASSIGN(auto on_l_c1, Call(&Stub::ListCalls, by_lead));
  EXPECT_THAT(on_l_c1.calls(), SizeIs(2));
  for (const v1::Call& c : on_l_c1.calls()) EXPECT_EQ(c.lead_id(), "l-c1");
}

// Deals by the owner's team or region now (alice moved to t-bj, north; bob is in t-sh,
// east) and by expected close date.
TEST_F(ActivityGrpcTest, ListDealsByTeamRegionAndExpectedClose) {
  RegisterCustomer("c1");
  for (const auto& [deal, rep, close] :
       {std::tuple{"d-a1", "alice", "2026-12-10"}, std::tuple{"d-a2", "alice", "2027-01-20"},
        std::tuple{"d-b1", "bob", "2026-12-20"}}) {
    v1::OpenDealRequest open;
    open.set_request_id(NextRequestId());
    open.set_deal_id(deal);
    open.set_rep_id(rep);
    open.set_customer_id("c1");
    open.set_title("Fleet");
    open.mutable_amount()->set_currency_code("CNY");
    open.mutable_amount()->set_minor_units(1000);
    open.set_expected_close_date(close);
    ASSERT_OK(Call(&Stub::OpenDeal, open).status());
  }
  auto ids = [&](const v1::ListDealsRequest& request) {
    std::vector<std::string> out;
    absl::StatusOr<v1::ListDealsResponse> response = Call(&Stub::ListDeals, request);
    EXPECT_OK(response.status());
    if (response.ok()) {
      for (const v1::Deal& d : response->deals()) out.push_back(d.deal_id());
    }
    return out;
  };
  // Bob moves to t-bj next month: not yet.
  targets::v1::RepMoved moved;
  moved.set_rep_id("bob");
  moved.set_from_team_id("t-sh");
  moved.set_from_region_id("east");
  moved.set_to_team_id("t-bj");
  moved.set_to_region_id("north");
  moved.set_effective_from("2026-12-01");
  AppendOrg(moved);
  ASSERT_OK(service_->host().WaitForOwnWrites(absl::Seconds(30)));
  ASSERT_OK(service_->CatchUp(absl::Seconds(30)));
  v1::ListDealsRequest r;
  r.set_team_id("t-bj");
  EXPECT_THAT(ids(r), ElementsAre("d-a1", "d-a2"));
  r.Clear();
  r.set_region_id("east");
  EXPECT_THAT(ids(r), ElementsAre("d-b1"));
  r.Clear();
  r.set_expected_close_from("2026-12-01");
  r.set_expected_close_to("2026-12-31");
  EXPECT_THAT(ids(r), ElementsAre("d-a1", "d-b1"));
  r.set_team_id("t-bj");
  EXPECT_THAT(ids(r), ElementsAre("d-a1"));
  r.Clear();
  r.set_expected_close_from("2027-01-01");
  r.set_expected_close_to("2026-12-01");
  EXPECT_THAT(Call(&Stub::ListDeals, r), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(ActivityGrpcTest, LogCallDeduplicatesOnThePhoneSystemsId) {
  v1::LogCallRequest r;
  r.set_request_id(NextRequestId());
  *r.mutable_call() = CallRecordOf("x-1");
  ASSERT_OK_AND_ASSIGN(auto first, Call(&Stub::LogCall, r));
  EXPECT_FALSE(first.duplicate());
  EXPECT_EQ(first.call().started_on(), "2026-11-23");
  const uint64_t head = Head();
  r.set_request_id(NextRequestId());
  ASSERT_OK_AND_ASSIGN(auto second, Call(&Stub::LogCall, r));
  EXPECT_TRUE(second.duplicate());
  EXPECT_EQ(second.call().call_id(), first.call().call_id());
  EXPECT_EQ(Head(), head);

  v1::ListCallsRequest list;
  list.set_rep_id("alice");
  ASSERT_OK_AND_ASSIGN(auto calls, Call(&Stub::ListCalls, list));
  EXPECT_THAT(calls.calls(), SizeIs(1));
}

// The fingerprint in the request record is the one the first version of the service
// stored (FNV-1a of the type name and of a copy of the request with request_id cleared,
// serialized deterministically), so retries of requests recorded before an upgrade are
// still recognised.
TEST_F(ActivityGrpcTest, RequestFingerprintIsStableAcrossVersions) {
  v1::LogCallRequest r;
  r.set_request_id(NextRequestId());
  *r.mutable_call() = CallRecordOf("x-fp");
  r.mutable_call()->set_notes("fingerprinted");
  ASSERT_OK(Call(&Stub::LogCall, r));
  v1::LogCallRequest cleared = r;
  cleared.clear_request_id();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    cleared.SerializeToCodedStream(&coded);
  }
  uint64_t hash = 0xcbf29ce484222325ULL;
  const std::string name = cleared.GetDescriptor()->full_name();
  for (unsigned char c : absl::StrCat(name.size(), ":", name)) hash = (hash ^ c) * 0x100000001b3ULL;
  for (unsigned char c : bytes) hash = (hash ^ c) * 0x100000001b3ULL;
  ASSERT_OK_AND_ASSIGN(std::optional<eventstore::RequestRecord> record,
                       service_->store().LookupRequest(r.request_id()));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->fingerprint, absl::StrFormat("activity-fp1:%016x", hash));
}

TEST_F(ActivityGrpcTest, LogCallValidatesWithFieldPaths) {
  v1::LogCallRequest r;
  r.set_request_id(NextRequestId());
  *r.mutable_call() = CallRecordOf("x-1");
  r.mutable_call()->set_duration_seconds(-1);
  absl::StatusOr<v1::LogCallResponse> got = Call(&Stub::LogCall, r);
  EXPECT_THAT(Fields(got.status()), ElementsAre("call.duration_seconds"));
}

TEST_F(ActivityGrpcTest, ImportCallsReportsPerRecordAndIsIdempotentPerBatch) {
  std::vector<v1::ImportCallsRequest> batches(2);
  batches[0].set_request_id("imp-1");
  *batches[0].add_records() = CallRecordOf("a");
  *batches[0].add_records() = CallRecordOf("b");
  *batches[0].add_records() = CallRecordOf("a");  // duplicate within the batch
  batches[1].set_request_id("imp-2");
  *batches[1].add_records() = CallRecordOf("b");  // duplicate of the first batch
  v1::CallRecord bad = CallRecordOf("c");
  bad.set_duration_seconds(100'000);
  *batches[1].add_records() = bad;
  *batches[1].add_records() = CallRecordOf("d");
  const uint64_t head = Head();
  ASSERT_OK_AND_ASSIGN(auto response, Import(batches));
  EXPECT_EQ(response.received(), 6);
  EXPECT_EQ(response.accepted(), 3);
  EXPECT_EQ(response.duplicates(), 2);
  EXPECT_EQ(response.invalid(), 1);
  EXPECT_EQ(response.batches(), 2);
  ASSERT_THAT(response.results(), SizeIs(3));
  EXPECT_EQ(response.results(0).index(), 2);
  EXPECT_EQ(response.results(0).status(), v1::IMPORT_STATUS_DUPLICATE);
  EXPECT_EQ(response.results(1).index(), 3);
  EXPECT_EQ(response.results(1).status(), v1::IMPORT_STATUS_DUPLICATE);
  EXPECT_EQ(response.results(2).index(), 4);
  EXPECT_EQ(response.results(2).status(), v1::IMPORT_STATUS_INVALID);
  EXPECT_EQ(response.results(2).violations(0).field(), "duration_seconds");
  EXPECT_EQ(Head(), head + 3);

  // The same stream again: answered from the batches' request records, nothing written.
  ASSERT_OK_AND_ASSIGN(auto again, Import(batches));
  EXPECT_EQ(again.SerializeAsString(), response.SerializeAsString());
  EXPECT_EQ(Head(), head + 3);

  // New request ids: every good record is now a duplicate.
  batches[0].set_request_id("imp-3");
  batches[1].set_request_id("imp-4");
  ASSERT_OK_AND_ASSIGN(auto fresh, Import(batches));
  EXPECT_EQ(fresh.accepted(), 0);
  EXPECT_EQ(fresh.duplicates(), 5);
  EXPECT_EQ(fresh.invalid(), 1);
  EXPECT_EQ(Head(), head + 3);

  // A reused batch id with other records is refused.
  batches[0].set_request_id("imp-1");
  *batches[0].add_records() = CallRecordOf("e");
  EXPECT_THAT(Import({batches[0]}).status(), StatusIs(absl::StatusCode::kAlreadyExists));
}

// --- Leads and deals.

TEST_F(ActivityGrpcTest, LeadConvertsIntoADeal) {
  RegisterCustomer("c1");
  v1::CreateLeadRequest lead;
  lead.set_request_id(NextRequestId());
  lead.set_lead_id("l1");
  lead.set_rep_id("alice");
  lead.set_customer_id("c1");
  lead.set_title("Inbound");
  ASSERT_OK(Call(&Stub::CreateLead, lead));
  v1::ConvertLeadRequest convert;
  convert.set_request_id("convert-1");
  convert.set_lead_id("l1");
  convert.set_deal_id("d1");
  convert.set_title("Fleet");
  *convert.mutable_amount() = Cny(500000);
  ASSERT_OK_AND_ASSIGN(auto converted, Call(&Stub::ConvertLead, convert));
  EXPECT_EQ(converted.lead().status(), v1::LEAD_STATUS_CONVERTED);
  EXPECT_EQ(converted.deal().stage(), v1::DEAL_STAGE_QUALIFIED);
  EXPECT_EQ(converted.deal().lead_id(), "l1");
  const uint64_t head = Head();
  ASSERT_OK_AND_ASSIGN(auto again, Call(&Stub::ConvertLead, convert));
  EXPECT_EQ(again.SerializeAsString(), converted.SerializeAsString());
  EXPECT_EQ(Head(), head);
}

// The transitions the other tests do not take, each over gRPC, then read back.
TEST_F(ActivityGrpcTest, CancelDisqualifyLoseReopenAndReadBack) {
  RegisterCustomer("c1");
  v1::PlanVisitRequest plan;
  plan.set_request_id(NextRequestId());
  plan.set_visit_id("v9");
  plan.set_rep_id("alice");
  plan.set_customer_id("c1");
  *plan.mutable_planned_at() = ToTimestamp(clock_.Now() + absl::Hours(3));
  ASSERT_OK(Call(&Stub::PlanVisit, plan).status());
  v1::CancelVisitRequest cancel;
  cancel.set_request_id(NextRequestId());
  cancel.set_visit_id("v9");
  cancel.set_reason("customer moved the meeting out");
  ASSERT_OK_AND_ASSIGN(auto cancelled, Call(&Stub::CancelVisit, cancel));
  EXPECT_EQ(cancelled.visit().status(), v1::VISIT_STATUS_CANCELLED);

  v1::CreateLeadRequest lead;
  lead.set_request_id(NextRequestId());
  lead.set_lead_id("l9");
  lead.set_rep_id("alice");
  lead.set_title("Enquiry");
  ASSERT_OK(Call(&Stub::CreateLead, lead).status());
  v1::DisqualifyLeadRequest disqualify;
  disqualify.set_request_id(NextRequestId());
  disqualify.set_lead_id("l9");
  disqualify.set_reason("no budget");
  ASSERT_OK(Call(&Stub::DisqualifyLead, disqualify).status());
  v1::GetLeadRequest get_lead;
  get_lead.set_lead_id("l9");
  ASSERT_OK_AND_ASSIGN(auto got_lead, Call(&Stub::GetLead, get_lead));
  EXPECT_EQ(got_lead.lead().status(), v1::LEAD_STATUS_DISQUALIFIED);

  v1::OpenDealRequest open;
  open.set_request_id(NextRequestId());
  open.set_deal_id("d9");
  open.set_rep_id("alice");
  open.set_customer_id("c1");
  open.set_title("Fleet");
  open.mutable_amount()->set_currency_code("CNY");
  open.mutable_amount()->set_minor_units(500000);
  ASSERT_OK(Call(&Stub::OpenDeal, open).status());
  v1::LoseDealRequest lose;
  lose.set_request_id(NextRequestId());
  lose.set_deal_id("d9");
  lose.set_reason("went with a competitor");
  ASSERT_OK_AND_ASSIGN(auto lost, Call(&Stub::LoseDeal, lose));
  EXPECT_EQ(lost.deal().stage(), v1::DEAL_STAGE_LOST);
  EXPECT_EQ(lost.deal().lost_reason(), "went with a competitor");
  v1::ReopenDealRequest reopen;
  reopen.set_request_id(NextRequestId());
  reopen.set_deal_id("d9");
  reopen.set_to_stage(v1::DEAL_STAGE_NEGOTIATION);
  reopen.set_reason("competitor fell through");
  ASSERT_OK_AND_ASSIGN(auto reopened, Call(&Stub::ReopenDeal, reopen));
  EXPECT_EQ(reopened.deal().stage(), v1::DEAL_STAGE_NEGOTIATION);
  reopen.set_request_id(NextRequestId());
  EXPECT_THAT(Call(&Stub::ReopenDeal, reopen),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("only a lost deal")));

  v1::LogCallRequest log;
  log.set_request_id(NextRequestId());
  *log.mutable_call() = CallRecordOf("get-1");
  ASSERT_OK_AND_ASSIGN(auto logged, Call(&Stub::LogCall, log));
  v1::GetCallRequest get_call;
  get_call.set_call_id(logged.call().call_id());
  ASSERT_OK_AND_ASSIGN(auto got_call, Call(&Stub::GetCall, get_call));
  EXPECT_EQ(got_call.call().rep_id(), "alice");
  EXPECT_EQ(got_call.call().duration_seconds(), 120);
  get_call.set_call_id("call-nope");
  EXPECT_THAT(Call(&Stub::GetCall, get_call), StatusIs(absl::StatusCode::kNotFound));
}

// Leads and deals name registered customers only (calls may come before the customer).
TEST_F(ActivityGrpcTest, LeadsAndDealsNeedARegisteredCustomer) {
  v1::CreateLeadRequest lead;
  lead.set_request_id(NextRequestId());
  lead.set_rep_id("alice");
  lead.set_customer_id("c-ghost");
  lead.set_title("Enquiry");
  EXPECT_THAT(Call(&Stub::CreateLead, lead),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("c-ghost is not registered")));
  v1::OpenDealRequest open;
  open.set_request_id(NextRequestId());
  open.set_rep_id("alice");
  open.set_customer_id("c-ghost");
  open.set_title("Fleet");
  open.mutable_amount()->set_currency_code("CNY");
  open.mutable_amount()->set_minor_units(100);
  EXPECT_THAT(Call(&Stub::OpenDeal, open), StatusIs(absl::StatusCode::kNotFound));
  RegisterCustomer("c-ghost");
  EXPECT_OK(Call(&Stub::OpenDeal, open).status());
  EXPECT_OK(Call(&Stub::CreateLead, lead).status());
  v1::ConvertLeadRequest convert;
  convert.set_request_id(NextRequestId());
  ASSERT_OK_AND_ASSIGN(auto created, Call(&Stub::CreateLead, lead));  // the same request: replayed
  convert.set_lead_id(created.lead().lead_id());
  convert.set_customer_id("c-elsewhere");
  convert.mutable_amount()->set_currency_code("CNY");
  convert.mutable_amount()->set_minor_units(100);
  EXPECT_THAT(Call(&Stub::ConvertLead, convert),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("c-elsewhere is not registered")));
  v1::LogCallRequest log;
  log.set_request_id(NextRequestId());
  *log.mutable_call() = CallRecordOf("unregistered-1");
  log.mutable_call()->set_customer_id("c-not-yet");
  EXPECT_OK(Call(&Stub::LogCall, log).status());
}

TEST_F(ActivityGrpcTest, DealLifecycleAndIllegalTransitions) {
  RegisterCustomer("c1");
  v1::OpenDealRequest open;
  open.set_request_id(NextRequestId());
  open.set_deal_id("d1");
  open.set_rep_id("alice");
  open.set_customer_id("c1");
  open.set_title("Fleet");
  *open.mutable_amount() = Cny(100000);
  ASSERT_OK(Call(&Stub::OpenDeal, open));

  // The organisation's currency is CNY (from the targets service).
  open.set_request_id(NextRequestId());
  open.set_deal_id("d2");
  open.mutable_amount()->set_currency_code("USD");
  absl::StatusOr<v1::OpenDealResponse> usd = Call(&Stub::OpenDeal, open);
  EXPECT_THAT(Fields(usd.status()), ElementsAre("amount.currency_code"));

  v1::ChangeDealStageRequest stage;
  stage.set_request_id(NextRequestId());
  stage.set_deal_id("d1");
  stage.set_to_stage(v1::DEAL_STAGE_NEGOTIATION);
  ASSERT_OK(Call(&Stub::ChangeDealStage, stage));

  v1::BookOrderRequest order;
  order.set_request_id(NextRequestId());
  order.set_deal_id("d1");
  *order.mutable_amount() = Cny(90000);
  EXPECT_THAT(Call(&Stub::BookOrder, order), StatusIs(absl::StatusCode::kFailedPrecondition));

  v1::WinDealRequest win;
  win.set_request_id(NextRequestId());
  win.set_deal_id("d1");
  *win.mutable_amount() = Cny(90000);
  ASSERT_OK_AND_ASSIGN(auto won, Call(&Stub::WinDeal, win));
  EXPECT_EQ(won.deal().won_on(), "2026-11-23");

  stage.set_request_id(NextRequestId());
  stage.set_to_stage(v1::DEAL_STAGE_PROPOSAL);
  EXPECT_THAT(Call(&Stub::ChangeDealStage, stage), StatusIs(absl::StatusCode::kFailedPrecondition));

  order.set_request_id(NextRequestId());
  order.set_external_order_id("ERP-1");
  ASSERT_OK_AND_ASSIGN(auto booked, Call(&Stub::BookOrder, order));
  EXPECT_EQ(booked.order().external_order_id(), "ERP-1");
  EXPECT_THAT(booked.deal().orders(), SizeIs(1));

  v1::CancelDealRequest cancel;
  cancel.set_request_id(NextRequestId());
  cancel.set_deal_id("d1");
  cancel.set_reason("customer withdrew");
  ASSERT_OK_AND_ASSIGN(auto cancelled, Call(&Stub::CancelDeal, cancel));
  EXPECT_EQ(cancelled.deal().stage(), v1::DEAL_STAGE_CANCELLED);

  v1::ListDealsRequest list;
  list.set_rep_id("alice");
  list.set_stage(v1::DEAL_STAGE_CANCELLED);
  ASSERT_OK_AND_ASSIGN(auto deals, Call(&Stub::ListDeals, list));
  ASSERT_THAT(deals.deals(), SizeIs(1));
  EXPECT_EQ(deals.deals(0).version(), 5);
  list.set_stage(v1::DEAL_STAGE_WON);
  ASSERT_OK_AND_ASSIGN(auto won_deals, Call(&Stub::ListDeals, list));
  EXPECT_THAT(won_deals.deals(), SizeIs(0));
}

TEST_F(ActivityGrpcTest, RiskFlagsAreServed) {
  v1::ListRiskFlagsRequest r;
  r.set_rep_id("alice");
  ASSERT_OK_AND_ASSIGN(auto flags, Call(&Stub::ListRiskFlags, r));
  EXPECT_THAT(flags.flags(), SizeIs(0));
}

// Ten 5-second connected calls in a morning, logged over gRPC, raise a short-calls flag;
// it is listed for alice's team and region (t-bj, north since 2026-11-20) and not bob's,
// read by id, and cleared by the calling manager.
TEST_F(ActivityGrpcTest, ShortCallsRaiseAFlagThatAManagerClears) {
  for (int i = 0; i < 10; ++i) {
    v1::LogCallRequest log;
    log.set_request_id(NextRequestId());
    *log.mutable_call() = CallRecordOf(absl::StrCat("short-", i), "alice",
                                       absl::Minutes(60 - i));
    log.mutable_call()->set_duration_seconds(5);
    ASSERT_OK(Call(&Stub::LogCall, log).status());
  }
  ASSERT_OK(service_->host().WaitForOwnWrites(absl::Seconds(30)));
  ASSERT_OK_AND_ASSIGN(size_t published, service_->risk_reactor().PublishPending());
  EXPECT_EQ(published, 1u);
  ASSERT_OK(service_->host().WaitForOwnWrites(absl::Seconds(30)));

  auto list = [&](auto set) {
    v1::ListRiskFlagsRequest request;
    set(request);
    absl::StatusOr<v1::ListRiskFlagsResponse> response = Call(&Stub::ListRiskFlags, request);
    EXPECT_OK(response.status());
    std::vector<std::string> ids;
    if (response.ok()) {
      for (const v1::RiskFlag& f : response->flags()) ids.push_back(f.flag_id());
    }
    return ids;
  };
  const std::vector<std::string> alices =
      list([](v1::ListRiskFlagsRequest& q) { q.set_rep_id("alice"); });
  ASSERT_THAT(alices, SizeIs(1));
  const std::string flag_id = alices[0];
  EXPECT_THAT(list([](v1::ListRiskFlagsRequest& q) { q.set_team_id("t-bj"); }),
              ElementsAre(flag_id));
  EXPECT_THAT(list([](v1::ListRiskFlagsRequest& q) { q.set_region_id("north"); }),
              ElementsAre(flag_id));
  EXPECT_THAT(list([](v1::ListRiskFlagsRequest& q) { q.set_team_id("t-sh"); }), SizeIs(0));
  EXPECT_THAT(list([](v1::ListRiskFlagsRequest& q) { q.set_rep_id("bob"); }), SizeIs(0));

  v1::GetRiskFlagRequest get;
  get.set_flag_id(flag_id);
  ASSERT_OK_AND_ASSIGN(v1::RiskFlag flag, Call(&Stub::GetRiskFlag, get));
  EXPECT_EQ(flag.rule(), v1::RISK_RULE_SHORT_CONNECTED_CALLS);
  EXPECT_EQ(flag.status(), v1::RISK_FLAG_STATUS_OPEN);
  EXPECT_EQ(flag.team_id(), "t-bj");
  EXPECT_EQ(flag.observed(), 10);
  EXPECT_THAT(flag.evidence(), SizeIs(10));

  v1::ClearRiskFlagRequest clear;
  clear.set_request_id(NextRequestId());
  clear.set_flag_id(flag_id);
  clear.set_reason("reviewed the call log with alice");
  ASSERT_OK_AND_ASSIGN(auto cleared, Call(&Stub::ClearRiskFlag, clear, "manager-1"));
  EXPECT_EQ(cleared.flag().status(), v1::RISK_FLAG_STATUS_CLEARED);
  EXPECT_EQ(cleared.flag().cleared_by(), "manager-1");  // the caller, when not given
  ASSERT_OK(service_->host().WaitForOwnWrites(absl::Seconds(30)));
  EXPECT_THAT(list([](v1::ListRiskFlagsRequest& q) { q.set_rep_id("alice"); }), SizeIs(0));
  EXPECT_THAT(list([](v1::ListRiskFlagsRequest& q) {
                q.set_rep_id("alice");
                q.set_include_cleared(true);
              }),
              ElementsAre(flag_id));

  get.set_flag_id("nope-1");
  EXPECT_THAT(Call(&Stub::GetRiskFlag, get).status(), StatusIs(absl::StatusCode::kNotFound));
  clear.set_request_id(NextRequestId());
  clear.set_reason("");
  EXPECT_THAT(Call(&Stub::ClearRiskFlag, clear).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace salesperf::activity
