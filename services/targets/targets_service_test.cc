// Restart: close the whole service (server, store, views) and open it again on the same
// directory: the organisation, the targets, their history, the views and the idempotency
// records all survive.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/targets/testing/service_fixture.h"

namespace salesperf::targets {
namespace {

using ::salesperf::testing::EqualsProto;
using ::salesperf::testing::StatusIs;
using testing::MakeScope;
using testing::Stub;

class TargetsRestartTest : public testing::ServiceFixture {};

TEST_F(TargetsRestartTest, StateViewsAndIdempotencySurviveARestart) {
  ASSERT_NO_FATAL_FAILURE(SeedOrganisation());
  Draft(MakeScope(common::v1::SCOPE_KIND_TEAM, "t-sh"), 10'000, "sh-nov");
  v1::ApproveTargetRequest approve;
  approve.set_request_id("approve-sh");
  approve.set_target_id("sh-nov");
  ASSERT_OK_AND_ASSIGN(v1::ApproveTargetResponse approved,
                       Call(&Stub::ApproveTarget, approve, "tom"));
  v1::DecomposeTargetRequest split;
  split.set_request_id("split-sh");
  split.set_target_id("sh-nov");
  split.set_method(v1::DECOMPOSITION_METHOD_EVEN);
  *split.add_children()->mutable_scope() = MakeScope(common::v1::SCOPE_KIND_REP, "alice");
  *split.add_children()->mutable_scope() = MakeScope(common::v1::SCOPE_KIND_REP, "bob");
  ASSERT_OK_AND_ASSIGN(v1::DecomposeTargetResponse decomposed,
                       Call(&Stub::DecomposeTarget, split, "tom"));

  ASSERT_OK_AND_ASSIGN(v1::GetOrganisationResponse org,
                       Call(&Stub::GetOrganisation, v1::GetOrganisationRequest()));
  v1::ListTargetsRequest all;
  ASSERT_OK_AND_ASSIGN(v1::ListTargetsResponse targets, Call(&Stub::ListTargets, all));
  ASSERT_EQ(targets.targets_size(), 3);
  v1::GetTargetHistoryRequest history_request;
  history_request.set_target_id("sh-nov");
  ASSERT_OK_AND_ASSIGN(v1::GetTargetHistoryResponse history,
                       Call(&Stub::GetTargetHistory, history_request));
  v1::GetTargetRollupRequest rollup_request;
  rollup_request.set_target_id("sh-nov");
  ASSERT_OK_AND_ASSIGN(v1::GetTargetRollupResponse rollup,
                       Call(&Stub::GetTargetRollup, rollup_request));
  const uint64_t head = Head();

  Close();
  ASSERT_NO_FATAL_FAILURE(Open());
  EXPECT_EQ(Head(), head);

  ASSERT_OK_AND_ASSIGN(v1::GetOrganisationResponse org_after,
                       Call(&Stub::GetOrganisation, v1::GetOrganisationRequest()));
  EXPECT_THAT(org_after, EqualsProto(org));
  ASSERT_OK_AND_ASSIGN(v1::ListTargetsResponse targets_after, Call(&Stub::ListTargets, all));
  EXPECT_THAT(targets_after, EqualsProto(targets));
  ASSERT_OK_AND_ASSIGN(v1::GetTargetHistoryResponse history_after,
                       Call(&Stub::GetTargetHistory, history_request));
  EXPECT_THAT(history_after, EqualsProto(history));
  ASSERT_OK_AND_ASSIGN(v1::GetTargetRollupResponse rollup_after,
                       Call(&Stub::GetTargetRollup, rollup_request));
  EXPECT_THAT(rollup_after, EqualsProto(rollup));

  // Retries after the restart: the first responses, nothing written.
  ASSERT_OK_AND_ASSIGN(v1::ApproveTargetResponse approved_again,
                       Call(&Stub::ApproveTarget, approve, "tom"));
  EXPECT_THAT(approved_again, EqualsProto(approved));
  ASSERT_OK_AND_ASSIGN(v1::DecomposeTargetResponse decomposed_again,
                       Call(&Stub::DecomposeTarget, split, "tom"));
  EXPECT_THAT(decomposed_again, EqualsProto(decomposed));
  split.set_comment("a different request");
  EXPECT_THAT(Call(&Stub::DecomposeTarget, split, "tom"),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(Head(), head);

  // And the organisation in memory was folded again: org commands still decide on it.
  v1::HireRepRequest duplicate;
  duplicate.set_request_id(NextRequestId());
  duplicate.set_rep_id("alice");
  duplicate.set_display_name("Someone else");
  duplicate.set_team_id("t-hz");
  EXPECT_THAT(Call(&Stub::HireRep, duplicate), StatusIs(absl::StatusCode::kAlreadyExists));
}

}  // namespace
}  // namespace salesperf::targets
