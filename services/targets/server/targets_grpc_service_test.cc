// gRPC-level tests of every TargetsService RPC against a real server (127.0.0.1:0) on
// RocksDB in a TempDir: success, field violations read back from the trailer, NOT_FOUND,
// ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED on a stale expected_version, idempotent
// retries that return the first response and write nothing, and a reused request_id.
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/validation.h"
#include "services/targets/testing/service_fixture.h"

namespace salesperf::targets {
namespace {

using ::salesperf::testing::EqualsProto;
using ::salesperf::testing::StatusIs;
using testing::Cny;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MakeScope;
using ::testing::Property;
using testing::Stub;
using ::testing::UnorderedElementsAre;

constexpr auto kCompany = common::v1::SCOPE_KIND_COMPANY;
constexpr auto kRegion = common::v1::SCOPE_KIND_REGION;
constexpr auto kTeam = common::v1::SCOPE_KIND_TEAM;
constexpr auto kRep = common::v1::SCOPE_KIND_REP;

// The field paths of the violations `status` carries.
std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : FieldViolationsOf(status)) fields.push_back(v.field);
  return fields;
}

class TargetsGrpcTest : public testing::ServiceFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceFixture::SetUp());
    ASSERT_NO_FATAL_FAILURE(SeedOrganisation());
  }
};

// --- Organisation -------------------------------------------------------------------

TEST_F(TargetsGrpcTest, SetOrganisationSettings) {
  v1::SetOrganisationSettingsRequest r;
  r.set_request_id(NextRequestId());
  v1::OrganisationSettings* s = r.mutable_settings();
  s->set_company_name("Acme");
  s->set_time_zone("Asia/Shanghai");
  s->set_currency_code("CNY");
  s->set_fiscal_year_start_month(4);
  s->add_non_working_days("2026-10-02");
  s->add_non_working_days("2026-10-01");
  ASSERT_OK_AND_ASSIGN(v1::SetOrganisationSettingsResponse resp,
                       Call(&Stub::SetOrganisationSettings, r));
  EXPECT_EQ(resp.settings().fiscal_year_start_month(), 4);
  EXPECT_THAT(resp.settings().non_working_days(), ElementsAre("2026-10-01", "2026-10-02"));

  v1::SetOrganisationSettingsRequest bad = r;
  bad.set_request_id(NextRequestId());
  bad.mutable_settings()->set_time_zone("Mars/Olympus");
  bad.mutable_settings()->set_fiscal_year_start_month(13);
  absl::StatusOr<v1::SetOrganisationSettingsResponse> rejected =
      Call(&Stub::SetOrganisationSettings, bad);
  EXPECT_THAT(rejected, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(rejected.status()),
              UnorderedElementsAre("settings.time_zone", "settings.fiscal_year_start_month"));

  bad = r;
  bad.clear_request_id();
  rejected = Call(&Stub::SetOrganisationSettings, bad);
  EXPECT_THAT(rejected, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(rejected.status()), ElementsAre("request_id"));
}

TEST_F(TargetsGrpcTest, CreateRegionSucceedsAndIsIdempotent) {
  v1::CreateRegionRequest r;
  r.set_request_id("create-north");
  r.set_region_id("north");
  r.set_name("North");
  r.set_effective_from("2026-03-01");
  ASSERT_OK_AND_ASSIGN(v1::CreateRegionResponse first, Call(&Stub::CreateRegion, r));
  EXPECT_EQ(first.region().region_id(), "north");
  EXPECT_EQ(first.region().effective_from(), "2026-03-01");

  // The same request again: the first response, nothing written.
  const uint64_t head = Head();
  ASSERT_OK_AND_ASSIGN(v1::CreateRegionResponse again, Call(&Stub::CreateRegion, r));
  EXPECT_THAT(again, EqualsProto(first));
  EXPECT_EQ(Head(), head);

  // The same request_id with a different request.
  v1::CreateRegionRequest other = r;
  other.set_name("Northern");
  EXPECT_THAT(Call(&Stub::CreateRegion, other),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("request_id create-north")));
  EXPECT_EQ(Head(), head);
}

TEST_F(TargetsGrpcTest, CreateRegionErrors) {
  v1::CreateRegionRequest r;
  r.set_request_id(NextRequestId());
  r.set_region_id("bad id");
  absl::StatusOr<v1::CreateRegionResponse> rejected = Call(&Stub::CreateRegion, r);
  EXPECT_THAT(rejected, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(rejected.status()), UnorderedElementsAre("region_id", "name"));

  r.set_region_id("east");
  r.set_name("Another East");
  EXPECT_THAT(Call(&Stub::CreateRegion, r), StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST_F(TargetsGrpcTest, CreateTeam) {
  v1::CreateTeamRequest r;
  r.set_request_id(NextRequestId());
  r.set_team_id("t-gz");
  r.set_region_id("east");
  r.set_name("Guangzhou");
  r.set_effective_from("2026-06-01");
  ASSERT_OK_AND_ASSIGN(v1::CreateTeamResponse created, Call(&Stub::CreateTeam, r));
  EXPECT_EQ(created.team().region_id(), "east");

  r.set_request_id(NextRequestId());
  r.set_team_id("t-x");
  r.set_region_id("nowhere");
  EXPECT_THAT(Call(&Stub::CreateTeam, r), StatusIs(absl::StatusCode::kNotFound));

  v1::CreateRegionRequest late;
  late.set_request_id(NextRequestId());
  late.set_region_id("south");
  late.set_name("South");
  late.set_effective_from("2026-09-01");
  ASSERT_OK(Call(&Stub::CreateRegion, late));
  r.set_request_id(NextRequestId());
  r.set_region_id("south");
  r.set_effective_from("2026-08-01");
  EXPECT_THAT(Call(&Stub::CreateTeam, r), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(TargetsGrpcTest, HireRep) {
  v1::HireRepRequest r;
  r.set_request_id(NextRequestId());
  r.set_rep_id("dave");
  r.set_display_name("Dave");
  r.set_team_id("t-hz");
  ASSERT_OK_AND_ASSIGN(v1::HireRepResponse hired, Call(&Stub::HireRep, r));
  EXPECT_EQ(hired.rep().team_id(), "t-hz");
  EXPECT_EQ(hired.rep().region_id(), "east");
  EXPECT_EQ(hired.rep().hired_on(), "2026-11-02");  // empty date: today
  EXPECT_TRUE(hired.rep().active());

  r.set_request_id(NextRequestId());
  r.set_rep_id("erin");
  r.set_team_id("t-none");
  EXPECT_THAT(Call(&Stub::HireRep, r), StatusIs(absl::StatusCode::kNotFound));

  r.set_request_id(NextRequestId());
  r.clear_display_name();
  absl::StatusOr<v1::HireRepResponse> rejected = Call(&Stub::HireRep, r);
  EXPECT_THAT(ViolatedFields(rejected.status()), ElementsAre("display_name"));
}

TEST_F(TargetsGrpcTest, MoveRep) {
  v1::MoveRepRequest r;
  r.set_request_id(NextRequestId());
  r.set_rep_id("bob");
  r.set_to_team_id("t-cd");
  r.set_effective_from("2026-10-01");
  ASSERT_OK_AND_ASSIGN(v1::MoveRepResponse moved, Call(&Stub::MoveRep, r));
  EXPECT_EQ(moved.rep().team_id(), "t-cd");
  EXPECT_EQ(moved.rep().region_id(), "west");
  ASSERT_EQ(moved.rep().assignments_size(), 2);
  EXPECT_EQ(moved.rep().assignments(0).effective_to(), "2026-10-01");

  r.set_request_id(NextRequestId());
  r.set_to_team_id("t-hz");
  r.set_effective_from("2026-09-01");  // before the latest assignment
  EXPECT_THAT(Call(&Stub::MoveRep, r), StatusIs(absl::StatusCode::kFailedPrecondition));

  r.set_request_id(NextRequestId());
  r.set_rep_id("nobody");
  EXPECT_THAT(Call(&Stub::MoveRep, r), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TargetsGrpcTest, AssignManager) {
  v1::AssignManagerRequest r;
  r.set_request_id(NextRequestId());
  *r.mutable_scope() = MakeScope(kTeam, "t-hz");
  r.set_manager_id("hank");
  r.set_effective_from("2026-05-01");
  ASSERT_OK_AND_ASSIGN(v1::AssignManagerResponse assigned, Call(&Stub::AssignManager, r));
  EXPECT_EQ(assigned.manager_id(), "hank");
  EXPECT_EQ(assigned.effective_from(), "2026-05-01");

  r.set_request_id(NextRequestId());
  *r.mutable_scope() = MakeScope(kRep, "alice");
  absl::StatusOr<v1::AssignManagerResponse> rejected = Call(&Stub::AssignManager, r);
  EXPECT_THAT(ViolatedFields(rejected.status()), ElementsAre("scope.kind"));

  r.set_request_id(NextRequestId());
  *r.mutable_scope() = MakeScope(kTeam, "t-none");
  EXPECT_THAT(Call(&Stub::AssignManager, r), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TargetsGrpcTest, DeactivateRep) {
  v1::DeactivateRepRequest r;
  r.set_request_id(NextRequestId());
  r.set_rep_id("carol");
  r.set_effective_from("2026-10-15");
  ASSERT_OK_AND_ASSIGN(v1::DeactivateRepResponse done, Call(&Stub::DeactivateRep, r));
  EXPECT_EQ(done.rep().deactivated_on(), "2026-10-15");
  EXPECT_FALSE(done.rep().active());

  r.set_request_id(NextRequestId());
  r.set_effective_from("2026-10-20");
  EXPECT_THAT(Call(&Stub::DeactivateRep, r), StatusIs(absl::StatusCode::kFailedPrecondition));
  r.set_rep_id("nobody");
  r.set_request_id(NextRequestId());
  EXPECT_THAT(Call(&Stub::DeactivateRep, r), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TargetsGrpcTest, GetOrganisationAsOfADate) {
  v1::MoveRepRequest move;
  move.set_request_id(NextRequestId());
  move.set_rep_id("bob");
  move.set_to_team_id("t-hz");
  move.set_effective_from("2026-07-01");
  ASSERT_OK(Call(&Stub::MoveRep, move));

  v1::GetOrganisationRequest r;
  r.set_as_of("2026-06-30");
  ASSERT_OK_AND_ASSIGN(v1::GetOrganisationResponse june, Call(&Stub::GetOrganisation, r));
  EXPECT_EQ(june.organisation().company_manager_id(), "ceo");
  ASSERT_EQ(june.organisation().regions_size(), 2);
  const v1::Region& east = june.organisation().regions(0);
  EXPECT_EQ(east.manager_id(), "emma");
  ASSERT_EQ(east.teams_size(), 2);
  EXPECT_EQ(east.teams(1).team_id(), "t-sh");
  EXPECT_EQ(east.teams(1).reps_size(), 2);  // alice and bob

  ASSERT_OK_AND_ASSIGN(v1::GetOrganisationResponse today,
                       Call(&Stub::GetOrganisation, v1::GetOrganisationRequest()));
  EXPECT_EQ(today.organisation().as_of(), "2026-11-02");
  EXPECT_EQ(today.organisation().regions(0).teams(1).reps_size(), 1);  // alice

  r.set_as_of("June");
  absl::StatusOr<v1::GetOrganisationResponse> rejected = Call(&Stub::GetOrganisation, r);
  EXPECT_THAT(ViolatedFields(rejected.status()), ElementsAre("as_of"));
}

TEST_F(TargetsGrpcTest, ListRepsFiltersAndPages) {
  v1::ListRepsRequest r;
  r.mutable_page()->set_page_size(2);
  ASSERT_OK_AND_ASSIGN(v1::ListRepsResponse first, Call(&Stub::ListReps, r));
  ASSERT_EQ(first.reps_size(), 2);
  EXPECT_EQ(first.reps(0).rep_id(), "alice");
  EXPECT_EQ(first.reps(1).rep_id(), "bob");
  ASSERT_FALSE(first.page().next_page_token().empty());
  r.mutable_page()->set_page_token(first.page().next_page_token());
  ASSERT_OK_AND_ASSIGN(v1::ListRepsResponse second, Call(&Stub::ListReps, r));
  ASSERT_EQ(second.reps_size(), 1);
  EXPECT_EQ(second.reps(0).rep_id(), "carol");
  EXPECT_TRUE(second.page().next_page_token().empty());

  v1::ListRepsRequest by_team;
  by_team.set_team_id("t-hz");
  ASSERT_OK_AND_ASSIGN(v1::ListRepsResponse hz, Call(&Stub::ListReps, by_team));
  ASSERT_EQ(hz.reps_size(), 1);
  EXPECT_EQ(hz.reps(0).rep_id(), "carol");

  by_team.set_as_of("2025-12-31");  // before anyone was hired
  ASSERT_OK_AND_ASSIGN(v1::ListRepsResponse before, Call(&Stub::ListReps, by_team));
  EXPECT_EQ(before.reps_size(), 0);

  r.mutable_page()->set_page_token("garbage");
  absl::StatusOr<v1::ListRepsResponse> rejected = Call(&Stub::ListReps, r);
  EXPECT_THAT(ViolatedFields(rejected.status()), ElementsAre("page.page_token"));
}

// --- Targets ------------------------------------------------------------------------

TEST_F(TargetsGrpcTest, DraftTargetGeneratesAnIdAndIsIdempotent) {
  v1::DraftTargetRequest r = DraftRequest(MakeScope(kTeam, "t-sh"), 100'000);
  ASSERT_OK_AND_ASSIGN(v1::DraftTargetResponse first, Call(&Stub::DraftTarget, r, "tom"));
  EXPECT_THAT(first.target().target_id(), ::testing::StartsWith("tgt-"));
  EXPECT_EQ(first.target().status(), v1::TARGET_STATUS_DRAFT);
  EXPECT_EQ(first.target().version(), 1u);
  EXPECT_EQ(first.target().unit(), "CNY");
  EXPECT_EQ(first.target().owner_id(), "tom");
  EXPECT_EQ(first.target().period_first_day(), "2026-11-01");

  const uint64_t head = Head();
  ASSERT_OK_AND_ASSIGN(v1::DraftTargetResponse again, Call(&Stub::DraftTarget, r, "tom"));
  EXPECT_THAT(again, EqualsProto(first));
  EXPECT_EQ(Head(), head);

  v1::DraftTargetRequest changed = r;
  *changed.mutable_spec()->mutable_value() = Cny(1);
  EXPECT_THAT(Call(&Stub::DraftTarget, changed, "tom"),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("different request")));
  EXPECT_EQ(Head(), head);
}

TEST_F(TargetsGrpcTest, ConcurrentDraftsOfOneKeyCreateOneTarget) {
  std::vector<v1::DraftTargetRequest> requests;
  requests.reserve(6);
  for (int i = 0; i < 6; ++i) {
    requests.push_back(DraftRequest(MakeScope(kTeam, "t-sh"), 100 + i, absl::StrCat("race-", i)));
  }
  std::vector<absl::Status> results(requests.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < requests.size(); ++i) {
    threads.emplace_back(
        [&, i] { results[i] = Call(&Stub::DraftTarget, requests[i], "tom").status(); });
  }
  for (std::thread& t : threads) t.join();
  int created = 0;
  for (const absl::Status& s : results) {
    if (s.ok()) {
      ++created;
    } else {
      EXPECT_THAT(s, StatusIs(absl::StatusCode::kAlreadyExists));
    }
  }
  EXPECT_EQ(created, 1);
  v1::ListTargetsRequest list;
  *list.mutable_scope() = MakeScope(kTeam, "t-sh");
  ASSERT_OK_AND_ASSIGN(v1::ListTargetsResponse listed, Call(&Stub::ListTargets, list));
  EXPECT_EQ(listed.targets_size(), 1);
}

TEST_F(TargetsGrpcTest, DraftTargetErrors) {
  // One target per scope, metric and period.
  Draft(MakeScope(kTeam, "t-sh"), 100'000, "sh-nov");
  EXPECT_THAT(Call(&Stub::DraftTarget, DraftRequest(MakeScope(kTeam, "t-sh"), 5, "sh-nov-2")),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("sh-nov")));

  v1::DraftTargetRequest bad = DraftRequest(MakeScope(kTeam, "t-sh"), 5);
  bad.mutable_spec()->clear_name();
  bad.mutable_spec()->set_metric(v1::METRIC_UNSPECIFIED);
  bad.mutable_spec()->mutable_period()->set_id("2026-11-31");
  absl::StatusOr<v1::DraftTargetResponse> rejected = Call(&Stub::DraftTarget, bad);
  EXPECT_THAT(rejected, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(rejected.status()),
              ::testing::IsSupersetOf({"spec.name", "spec.metric", "spec.period.id"}));

  EXPECT_THAT(Call(&Stub::DraftTarget, DraftRequest(MakeScope(kTeam, "t-none"), 5)),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TargetsGrpcTest, ProposeTarget) {
  const v1::Target t = Draft(MakeScope(kTeam, "t-sh"), 100'000, "sh-nov");
  v1::ProposeTargetRequest r;
  r.set_request_id(NextRequestId());
  r.set_target_id("sh-nov");
  r.set_expected_version(7);
  EXPECT_THAT(Call(&Stub::ProposeTarget, r),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("version 1")));

  r.set_request_id(NextRequestId());
  r.set_expected_version(t.version());
  ASSERT_OK_AND_ASSIGN(v1::ProposeTargetResponse proposed, Call(&Stub::ProposeTarget, r));
  EXPECT_EQ(proposed.target().status(), v1::TARGET_STATUS_PROPOSED);
  EXPECT_EQ(proposed.target().version(), 2u);

  r.set_request_id(NextRequestId());
  r.set_target_id("missing");
  r.set_expected_version(0);
  EXPECT_THAT(Call(&Stub::ProposeTarget, r), StatusIs(absl::StatusCode::kNotFound));

  r.set_request_id(NextRequestId());
  r.clear_target_id();
  absl::StatusOr<v1::ProposeTargetResponse> rejected = Call(&Stub::ProposeTarget, r);
  EXPECT_THAT(ViolatedFields(rejected.status()), ElementsAre("target_id"));
}

TEST_F(TargetsGrpcTest, ApproveTargetNeedsAManagerOfTheScope) {
  Draft(MakeScope(kTeam, "t-sh"), 100'000, "sh-nov");
  v1::ApproveTargetRequest r;
  r.set_request_id(NextRequestId());
  r.set_target_id("sh-nov");
  const uint64_t head = Head();
  EXPECT_THAT(Call(&Stub::ApproveTarget, r, "alice"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("does not manage")));
  EXPECT_EQ(Head(), head);  // a rejected request writes nothing

  *r.mutable_value() = Cny(1);
  EXPECT_THAT(Call(&Stub::ApproveTarget, r, "emma"),
              StatusIs(absl::StatusCode::kFailedPrecondition));

  r.set_request_id(NextRequestId());
  r.clear_value();
  ASSERT_OK_AND_ASSIGN(v1::ApproveTargetResponse approved, Call(&Stub::ApproveTarget, r, "emma"));
  EXPECT_EQ(approved.target().status(), v1::TARGET_STATUS_APPROVED);
}

TEST_F(TargetsGrpcTest, AdjustTarget) {
  Draft(MakeScope(kTeam, "t-sh"), 100'000, "sh-nov");
  v1::AdjustTargetRequest r;
  r.set_request_id(NextRequestId());
  r.set_target_id("sh-nov");
  *r.mutable_new_value() = Cny(120'000);
  ASSERT_OK_AND_ASSIGN(v1::AdjustTargetResponse revised, Call(&Stub::AdjustTarget, r));
  EXPECT_EQ(revised.target().status(), v1::TARGET_STATUS_DRAFT);
  EXPECT_EQ(revised.target().value().money().minor_units(), 120'000);

  v1::ApproveTargetRequest approve;
  approve.set_request_id(NextRequestId());
  approve.set_target_id("sh-nov");
  ASSERT_OK(Call(&Stub::ApproveTarget, approve, "tom"));

  r.set_request_id(NextRequestId());
  *r.mutable_new_value() = Cny(150'000);
  absl::StatusOr<v1::AdjustTargetResponse> rejected = Call(&Stub::AdjustTarget, r, "tom");
  EXPECT_THAT(ViolatedFields(rejected.status()), ElementsAre("reason"));

  r.set_reason("new key account");
  r.set_expected_version(2);  // stale: the approval made it 3
  EXPECT_THAT(Call(&Stub::AdjustTarget, r, "tom"), StatusIs(absl::StatusCode::kAborted));
  r.set_request_id(NextRequestId());
  r.set_expected_version(3);
  ASSERT_OK_AND_ASSIGN(v1::AdjustTargetResponse adjusted, Call(&Stub::AdjustTarget, r, "tom"));
  EXPECT_EQ(adjusted.target().status(), v1::TARGET_STATUS_ADJUSTED);
  EXPECT_EQ(adjusted.target().previous_value().money().minor_units(), 120'000);
  EXPECT_EQ(adjusted.target().version(), 4u);
}

TEST_F(TargetsGrpcTest, DecomposeTargetEvenlyAndIdempotently) {
  Draft(MakeScope(kTeam, "t-sh"), 10'000, "sh-nov");  // CNY 100.00
  v1::DecomposeTargetRequest r;
  r.set_request_id("split-sh");
  r.set_target_id("sh-nov");
  r.set_expected_version(1);
  r.set_method(v1::DECOMPOSITION_METHOD_EVEN);
  *r.add_children()->mutable_scope() = MakeScope(kRep, "alice");
  *r.add_children()->mutable_scope() = MakeScope(kRep, "bob");
  r.mutable_children(1)->set_child_target_id("bob-nov");
  ASSERT_OK_AND_ASSIGN(v1::DecomposeTargetResponse split, Call(&Stub::DecomposeTarget, r, "tom"));
  EXPECT_EQ(split.parent().version(), 2u);
  ASSERT_EQ(split.parent().decomposition().allocations_size(), 2);
  ASSERT_EQ(split.children_size(), 2);
  EXPECT_THAT(split.children(0).target_id(), ::testing::StartsWith("tgt-"));
  EXPECT_EQ(split.children(1).target_id(), "bob-nov");
  EXPECT_EQ(split.children(0).value().money().minor_units(), 5'000);
  EXPECT_EQ(split.children(1).value().money().minor_units(), 5'000);
  EXPECT_EQ(split.children(0).parent_target_id(), "sh-nov");
  EXPECT_EQ(split.children(0).owner_id(), "alice");
  EXPECT_EQ(split.children(0).basis().kind(), v1::BASIS_KIND_PARENT_ALLOCATION);

  const uint64_t head = Head();
  ASSERT_OK_AND_ASSIGN(v1::DecomposeTargetResponse again, Call(&Stub::DecomposeTarget, r, "tom"));
  EXPECT_THAT(again, EqualsProto(split));
  EXPECT_EQ(Head(), head);

  v1::GetTargetRequest get;
  get.set_target_id("bob-nov");
  ASSERT_OK_AND_ASSIGN(v1::GetTargetResponse bob, Call(&Stub::GetTarget, get));
  EXPECT_THAT(bob.target(), EqualsProto(split.children(1)));
}

TEST_F(TargetsGrpcTest, DecomposeTargetErrors) {
  Draft(MakeScope(kTeam, "t-sh"), 10'000, "sh-nov");
  v1::DecomposeTargetRequest r;
  r.set_request_id(NextRequestId());
  r.set_target_id("sh-nov");
  r.set_method(v1::DECOMPOSITION_METHOD_EXPLICIT);
  v1::ChildAllocation* a = r.add_children();
  *a->mutable_scope() = MakeScope(kRep, "alice");
  *a->mutable_value() = Cny(3'000);
  v1::ChildAllocation* b = r.add_children();
  *b->mutable_scope() = MakeScope(kRep, "bob");
  *b->mutable_value() = Cny(3'000);
  // 60.00 of 100.00 without a declared remainder.
  absl::StatusOr<v1::DecomposeTargetResponse> rejected = Call(&Stub::DecomposeTarget, r);
  EXPECT_THAT(ViolatedFields(rejected.status()), ElementsAre("unallocated_remainder"));

  // carol is not in t-sh.
  r.set_request_id(NextRequestId());
  *r.mutable_unallocated_remainder() = Cny(4'000);
  *b->mutable_scope() = MakeScope(kRep, "carol");
  EXPECT_THAT(Call(&Stub::DecomposeTarget, r), StatusIs(absl::StatusCode::kFailedPrecondition));

  r.set_request_id(NextRequestId());
  *b->mutable_scope() = MakeScope(kRep, "bob");
  r.set_expected_version(5);
  const uint64_t head = Head();
  EXPECT_THAT(Call(&Stub::DecomposeTarget, r), StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(Head(), head);

  // bob already has a November revenue target.
  Draft(MakeScope(kRep, "bob"), 1'000, "bob-own");
  r.set_request_id(NextRequestId());
  r.set_expected_version(0);
  EXPECT_THAT(Call(&Stub::DecomposeTarget, r),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("children[1].scope")));

  r.set_target_id("missing");
  r.set_request_id(NextRequestId());
  EXPECT_THAT(Call(&Stub::DecomposeTarget, r), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TargetsGrpcTest, CloseTarget) {
  Draft(MakeScope(kTeam, "t-sh"), 10'000, "sh-nov");
  v1::CloseTargetRequest r;
  r.set_request_id(NextRequestId());
  r.set_target_id("sh-nov");
  absl::StatusOr<v1::CloseTargetResponse> rejected = Call(&Stub::CloseTarget, r);
  EXPECT_THAT(ViolatedFields(rejected.status()), ElementsAre("reason"));

  r.set_reason("superseded");
  ASSERT_OK_AND_ASSIGN(v1::CloseTargetResponse closed, Call(&Stub::CloseTarget, r));
  EXPECT_EQ(closed.target().status(), v1::TARGET_STATUS_CLOSED);

  // Closed: the key is free again, and the target takes no more changes.
  Draft(MakeScope(kTeam, "t-sh"), 20'000, "sh-nov-2");
  v1::AdjustTargetRequest adjust;
  adjust.set_request_id(NextRequestId());
  adjust.set_target_id("sh-nov");
  *adjust.mutable_new_value() = Cny(1);
  EXPECT_THAT(Call(&Stub::AdjustTarget, adjust), StatusIs(absl::StatusCode::kFailedPrecondition));

  r.set_request_id(NextRequestId());
  r.set_target_id("missing");
  EXPECT_THAT(Call(&Stub::CloseTarget, r), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TargetsGrpcTest, GetTarget) {
  const v1::Target drafted = Draft(MakeScope(kTeam, "t-sh"), 10'000, "sh-nov");
  v1::GetTargetRequest r;
  r.set_target_id("sh-nov");
  ASSERT_OK_AND_ASSIGN(v1::GetTargetResponse got, Call(&Stub::GetTarget, r));
  EXPECT_THAT(got.target(), EqualsProto(drafted));

  r.set_target_id("missing");
  EXPECT_THAT(Call(&Stub::GetTarget, r), StatusIs(absl::StatusCode::kNotFound));
  r.set_target_id("not an id");
  absl::StatusOr<v1::GetTargetResponse> rejected = Call(&Stub::GetTarget, r);
  EXPECT_THAT(ViolatedFields(rejected.status()), ElementsAre("target_id"));
}

TEST_F(TargetsGrpcTest, ListTargetsFiltersAndPages) {
  Draft(MakeScope(kTeam, "t-sh"), 10'000, "a-sh");
  Draft(MakeScope(kTeam, "t-hz"), 10'000, "b-hz");
  Draft(MakeScope(kRegion, "east"), 20'000, "c-east");
  Draft(MakeScope(kCompany), 50'000, "d-company");
  v1::ApproveTargetRequest approve;
  approve.set_request_id(NextRequestId());
  approve.set_target_id("b-hz");
  ASSERT_OK(Call(&Stub::ApproveTarget, approve, "emma"));

  v1::ListTargetsRequest r;
  r.mutable_page()->set_page_size(3);
  ASSERT_OK_AND_ASSIGN(v1::ListTargetsResponse first, Call(&Stub::ListTargets, r));
  EXPECT_THAT(first.targets(), ElementsAre(Property(&v1::Target::target_id, "a-sh"),
                                           Property(&v1::Target::target_id, "b-hz"),
                                           Property(&v1::Target::target_id, "c-east")));
  r.mutable_page()->set_page_token(first.page().next_page_token());
  ASSERT_OK_AND_ASSIGN(v1::ListTargetsResponse second, Call(&Stub::ListTargets, r));
  EXPECT_THAT(second.targets(), ElementsAre(Property(&v1::Target::target_id, "d-company")));
  EXPECT_TRUE(second.page().next_page_token().empty());

  v1::ListTargetsRequest by_scope;
  *by_scope.mutable_scope() = MakeScope(kTeam, "t-hz");
  ASSERT_OK_AND_ASSIGN(v1::ListTargetsResponse hz, Call(&Stub::ListTargets, by_scope));
  EXPECT_THAT(hz.targets(), ElementsAre(Property(&v1::Target::target_id, "b-hz")));

  v1::ListTargetsRequest by_status;
  by_status.set_status(v1::TARGET_STATUS_DRAFT);
  by_status.set_period_id("2026-11");
  by_status.set_metric(v1::METRIC_REVENUE);
  ASSERT_OK_AND_ASSIGN(v1::ListTargetsResponse drafts, Call(&Stub::ListTargets, by_status));
  EXPECT_EQ(drafts.targets_size(), 3);

  r.mutable_page()->set_page_token("nope");
  absl::StatusOr<v1::ListTargetsResponse> rejected = Call(&Stub::ListTargets, r);
  EXPECT_THAT(ViolatedFields(rejected.status()), ElementsAre("page.page_token"));
}

TEST_F(TargetsGrpcTest, GetTargetHistory) {
  Draft(MakeScope(kTeam, "t-sh"), 10'000, "sh-nov");
  v1::ApproveTargetRequest approve;
  approve.set_request_id(NextRequestId());
  approve.set_target_id("sh-nov");
  ASSERT_OK(Call(&Stub::ApproveTarget, approve, "tom"));
  v1::AdjustTargetRequest adjust;
  adjust.set_request_id(NextRequestId());
  adjust.set_target_id("sh-nov");
  adjust.set_reason("bigger market");
  *adjust.mutable_new_value() = Cny(12'000);
  ASSERT_OK(Call(&Stub::AdjustTarget, adjust, "emma"));

  v1::GetTargetHistoryRequest r;
  r.set_target_id("sh-nov");
  ASSERT_OK_AND_ASSIGN(v1::GetTargetHistoryResponse history, Call(&Stub::GetTargetHistory, r));
  ASSERT_EQ(history.entries_size(), 3);
  EXPECT_EQ(history.entries(0).change_kind(), "drafted");
  EXPECT_EQ(history.entries(1).change_kind(), "approved");
  EXPECT_EQ(history.entries(1).change().actor(), "tom");
  EXPECT_EQ(history.entries(2).change_kind(), "adjusted");
  EXPECT_EQ(history.entries(2).change().reason(), "bigger market");
  EXPECT_EQ(history.entries(2).old_value().money().minor_units(), 10'000);
  EXPECT_EQ(history.entries(2).version(), 3u);

  r.set_target_id("missing");
  EXPECT_THAT(Call(&Stub::GetTargetHistory, r), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TargetsGrpcTest, GetTargetRollup) {
  Draft(MakeScope(kRegion, "east"), 100'000, "east-nov");
  v1::DecomposeTargetRequest split;
  split.set_request_id(NextRequestId());
  split.set_target_id("east-nov");
  split.set_method(v1::DECOMPOSITION_METHOD_EXPLICIT);
  v1::ChildAllocation* sh = split.add_children();
  sh->set_child_target_id("sh-nov");
  *sh->mutable_scope() = MakeScope(kTeam, "t-sh");
  *sh->mutable_value() = Cny(60'000);
  v1::ChildAllocation* hz = split.add_children();
  hz->set_child_target_id("hz-nov");
  *hz->mutable_scope() = MakeScope(kTeam, "t-hz");
  *hz->mutable_value() = Cny(30'000);
  *split.mutable_unallocated_remainder() = Cny(10'000);
  ASSERT_OK(Call(&Stub::DecomposeTarget, split));
  split.set_request_id(NextRequestId());
  split.set_target_id("sh-nov");
  split.set_method(v1::DECOMPOSITION_METHOD_WEIGHTS);
  split.clear_unallocated_remainder();
  split.clear_children();
  for (const char* rep : {"alice", "bob"}) {
    v1::ChildAllocation* c = split.add_children();
    *c->mutable_scope() = MakeScope(kRep, rep);
    c->set_weight(rep[0] == 'a' ? 1 : 2);
  }
  ASSERT_OK(Call(&Stub::DecomposeTarget, split));

  v1::GetTargetRollupRequest r;
  r.set_target_id("east-nov");
  ASSERT_OK_AND_ASSIGN(v1::GetTargetRollupResponse rollup, Call(&Stub::GetTargetRollup, r));
  const v1::RollupNode& root = rollup.root();
  EXPECT_EQ(root.children_sum().money().minor_units(), 90'000);
  EXPECT_EQ(root.gap().money().minor_units(), 10'000);
  EXPECT_EQ(root.unallocated_remainder().money().minor_units(), 10'000);
  ASSERT_EQ(root.children_size(), 2);
  EXPECT_EQ(root.children(0).target_id(), "sh-nov");
  ASSERT_EQ(root.children(0).children_size(), 2);
  EXPECT_EQ(root.children(0).children(0).value().money().minor_units(), 20'000);
  EXPECT_EQ(root.children(0).children(1).value().money().minor_units(), 40'000);
  EXPECT_EQ(root.children(0).gap().money().minor_units(), 0);

  r.set_depth(1);
  ASSERT_OK_AND_ASSIGN(v1::GetTargetRollupResponse shallow, Call(&Stub::GetTargetRollup, r));
  EXPECT_EQ(shallow.root().children_size(), 0);
  EXPECT_EQ(shallow.root().children_sum().money().minor_units(), 90'000);

  r.set_depth(-1);
  absl::StatusOr<v1::GetTargetRollupResponse> rejected = Call(&Stub::GetTargetRollup, r);
  EXPECT_THAT(ViolatedFields(rejected.status()), ElementsAre("depth"));
  r.set_depth(0);
  r.set_target_id("missing");
  EXPECT_THAT(Call(&Stub::GetTargetRollup, r), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TargetsGrpcTest, GetTargetPace) {
  Draft(MakeScope(kTeam, "t-sh"), 10'000, "sh-nov");
  v1::GetTargetPaceRequest r;
  r.set_target_id("sh-nov");
  r.set_as_of("2026-11-10");
  ASSERT_OK_AND_ASSIGN(v1::GetTargetPaceResponse pace, Call(&Stub::GetTargetPace, r));
  EXPECT_EQ(pace.working_days_total(), 21);
  EXPECT_EQ(pace.working_days_elapsed(), 7);
  EXPECT_EQ(pace.expected_to_date().money().minor_units(), 3'333);  // floor(10000 * 7 / 21)

  r.clear_as_of();  // today, 2026-11-02: one working day
  ASSERT_OK_AND_ASSIGN(v1::GetTargetPaceResponse today, Call(&Stub::GetTargetPace, r));
  EXPECT_EQ(today.as_of(), "2026-11-02");
  EXPECT_EQ(today.working_days_elapsed(), 1);

  r.set_as_of("11/10");
  absl::StatusOr<v1::GetTargetPaceResponse> rejected = Call(&Stub::GetTargetPace, r);
  EXPECT_THAT(ViolatedFields(rejected.status()), ElementsAre("as_of"));
  r.set_as_of("");
  r.set_target_id("missing");
  EXPECT_THAT(Call(&Stub::GetTargetPace, r), StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace salesperf::targets
