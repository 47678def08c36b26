#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/validation.h"
#include "libs/testing/status_matchers.h"
#include "services/targets/domain/decomposition.h"
#include "services/targets/domain/test_fixtures.h"

namespace salesperf::targets {
namespace {

using ::salesperf::testing::EqualsProto;
using ::salesperf::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace ::salesperf::targets::testing;  // NOLINT(build/namespaces): test builders

// An approved team target of t-sh (tom's team: alice, bob) for 2026-11 at version 2.
TargetState TeamTarget(v1::TargetValue value, v1::Metric metric = v1::METRIC_REVENUE) {
  v1::TargetEvent drafted = RevenueDrafted("p", TeamScope("t-sh"), 0, "tom");
  drafted.mutable_drafted()->mutable_key()->set_metric(metric);
  drafted.mutable_drafted()->set_unit(UnitOf(metric, "CNY"));
  *drafted.mutable_drafted()->mutable_value() = value;
  v1::TargetEvent approved;
  approved.mutable_approved()->set_target_id("p");
  return FoldTarget({drafted, approved});
}

struct Child {
  std::string id;
  common::v1::ScopeRef scope;
  std::optional<v1::TargetValue> value = std::nullopt;
  int64_t weight = 0;
};

DecomposeTarget Decompose(v1::DecompositionMethod method, std::vector<Child> children,
                          std::string actor = "tom") {
  DecomposeTarget cmd{Meta(actor), {}};
  cmd.request.set_target_id("p");
  cmd.request.set_method(method);
  for (const Child& c : children) {
    v1::ChildAllocation* a = cmd.request.add_children();
    a->set_child_target_id(c.id);
    *a->mutable_scope() = c.scope;
    if (c.value.has_value()) *a->mutable_value() = *c.value;
    a->set_weight(c.weight);
  }
  return cmd;
}

// A team with three reps, for three-way splits.
OrgState ThreeRepOrg() {
  std::vector<v1::OrgEvent> events = BaseOrgEvents();
  events.push_back(RepHiredEvent("dora", "t-sh", "east", "2026-03-01"));
  return FoldOrg(events);
}

absl::StatusOr<std::vector<StreamEvent>> DecideFresh(const DecomposeTarget& cmd,
                                                     const TargetState& parent,
                                                     const OrgState& org) {
  std::vector<TargetState> children(cmd.request.children_size());
  return DecideDecomposition(cmd, parent, children, org);
}

std::vector<v1::TargetValue> ChildValues(const std::vector<StreamEvent>& events) {
  std::vector<v1::TargetValue> values;
  for (size_t i = 1; i < events.size(); ++i) values.push_back(events[i].event.drafted().value());
  return values;
}

std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : FieldViolationsOf(status)) fields.push_back(v.field);
  return fields;
}

TEST(DecomposeTarget, EvenSplitOfMoneyRoundsToFenLargestRemainderFirst) {
  DecomposeTarget cmd =
      Decompose(v1::DECOMPOSITION_METHOD_EVEN,
                {{"c1", RepScope("alice")}, {"c2", RepScope("bob")}, {"c3", RepScope("dora")}});
  ASSERT_OK_AND_ASSIGN(std::vector<StreamEvent> events,
                       DecideFresh(cmd, TeamTarget(Cny(10'000)), ThreeRepOrg()));
  ASSERT_EQ(events.size(), 4u);
  // 100.00 CNY into 3: 33.34 + 33.33 + 33.33.
  EXPECT_THAT(ChildValues(events), ElementsAre(EqualsProto(Cny(3'334)), EqualsProto(Cny(3'333)),
                                               EqualsProto(Cny(3'333))));

  // The parent's event on the parent's stream at its current version.
  EXPECT_EQ(events[0].stream_id, "target-p");
  EXPECT_EQ(events[0].expected, (StreamExpectation{StreamExpectation::Kind::kExact, 2}));
  const v1::TargetDecomposed& d = events[0].event.decomposed();
  EXPECT_EQ(d.method(), v1::DECOMPOSITION_METHOD_EVEN);
  EXPECT_THAT(d.unallocated_remainder(), EqualsProto(Cny(0)));
  ASSERT_EQ(d.allocations_size(), 3);
  EXPECT_EQ(d.allocations(0).child_target_id(), "c1");
  EXPECT_THAT(d.allocations(0).value(), EqualsProto(Cny(3'334)));

  // Each child on its own new stream, linked to the parent, with the parent's key parts.
  EXPECT_EQ(events[1].stream_id, "target-c1");
  EXPECT_EQ(events[1].expected.kind, StreamExpectation::Kind::kNoStream);
  const v1::TargetDrafted& c1 = events[1].event.drafted();
  EXPECT_EQ(c1.parent_target_id(), "p");
  EXPECT_THAT(c1.key().scope(), EqualsProto(RepScope("alice")));
  EXPECT_EQ(c1.key().metric(), v1::METRIC_REVENUE);
  EXPECT_EQ(c1.key().period().id(), "2026-11");
  EXPECT_EQ(c1.owner_id(), "alice");
  EXPECT_EQ(c1.name(), "November revenue / alice");
  EXPECT_EQ(c1.basis().kind(), v1::BASIS_KIND_PARENT_ALLOCATION);
  EXPECT_EQ(c1.period_first_day(), "2026-11-01");
  EXPECT_EQ(c1.change().actor(), "tom");
}

TEST(DecomposeTarget, WeightsSplitProportionallyAndZeroWeightsGetZero) {
  DecomposeTarget cmd =
      Decompose(v1::DECOMPOSITION_METHOD_WEIGHTS, {{"c1", RepScope("alice"), {}, 1},
                                                   {"c2", RepScope("bob"), {}, 2},
                                                   {"c3", RepScope("dora"), {}, 0}});
  ASSERT_OK_AND_ASSIGN(std::vector<StreamEvent> events,
                       DecideFresh(cmd, TeamTarget(Count(100), v1::METRIC_CALLS), ThreeRepOrg()));
  // 100 by 1:2:0 = 33.3 / 66.7 / 0 -> 33 / 67 / 0 (the unit left goes to the larger remainder).
  EXPECT_THAT(ChildValues(events),
              ElementsAre(EqualsProto(Count(33)), EqualsProto(Count(67)), EqualsProto(Count(0))));
  EXPECT_EQ(events[0].event.decomposed().allocations(1).weight(), 2);
}

TEST(DecomposeTarget, WeightTiesGoToTheEarlierChild) {
  // 1.01 CNY by 3:0:3 is 50.5 / 0 / 50.5 fen: the tied unit goes to the first child.
  DecomposeTarget cmd =
      Decompose(v1::DECOMPOSITION_METHOD_WEIGHTS, {{"c1", RepScope("alice"), {}, 3},
                                                   {"c2", RepScope("bob"), {}, 0},
                                                   {"c3", RepScope("dora"), {}, 3}});
  ASSERT_OK_AND_ASSIGN(std::vector<StreamEvent> events,
                       DecideFresh(cmd, TeamTarget(Cny(101)), ThreeRepOrg()));
  EXPECT_THAT(ChildValues(events),
              ElementsAre(EqualsProto(Cny(51)), EqualsProto(Cny(0)), EqualsProto(Cny(50))));
}

TEST(DecomposeTarget, AllZeroWeightsAreRefused) {
  DecomposeTarget cmd =
      Decompose(v1::DECOMPOSITION_METHOD_WEIGHTS,
                {{"c1", RepScope("alice"), {}, 0}, {"c2", RepScope("bob"), {}, 0}});
  absl::StatusOr<std::vector<StreamEvent>> got =
      DecideFresh(cmd, TeamTarget(Cny(100)), ThreeRepOrg());
  EXPECT_THAT(got, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("all weights are zero")));
  EXPECT_THAT(ViolatedFields(got.status()), ElementsAre("children"));
}

TEST(DecomposeTarget, ExplicitValuesMustAddUpOrDeclareTheRemainder) {
  const TargetState parent = TeamTarget(Cny(10'000));
  DecomposeTarget exact =
      Decompose(v1::DECOMPOSITION_METHOD_EXPLICIT,
                {{"c1", RepScope("alice"), Cny(6'000)}, {"c2", RepScope("bob"), Cny(4'000)}});
  ASSERT_OK_AND_ASSIGN(std::vector<StreamEvent> events, DecideFresh(exact, parent, ThreeRepOrg()));
  EXPECT_THAT(events[0].event.decomposed().unallocated_remainder(), EqualsProto(Cny(0)));

  DecomposeTarget short_by =
      Decompose(v1::DECOMPOSITION_METHOD_EXPLICIT,
                {{"c1", RepScope("alice"), Cny(6'000)}, {"c2", RepScope("bob"), Cny(3'500)}});
  absl::StatusOr<std::vector<StreamEvent>> refused = DecideFresh(short_by, parent, ThreeRepOrg());
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kInvalidArgument,
                                HasSubstr("declare the difference CNY 5.00")));
  EXPECT_THAT(ViolatedFields(refused.status()), ElementsAre("unallocated_remainder"));

  *short_by.request.mutable_unallocated_remainder() = Cny(400);
  EXPECT_THAT(DecideFresh(short_by, parent, ThreeRepOrg()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("CNY 5.00")));

  *short_by.request.mutable_unallocated_remainder() = Cny(500);
  ASSERT_OK_AND_ASSIGN(events, DecideFresh(short_by, parent, ThreeRepOrg()));
  EXPECT_THAT(events[0].event.decomposed().unallocated_remainder(), EqualsProto(Cny(500)));

  // Over-allocation (a stretch for the team) is a negative remainder.
  DecomposeTarget over =
      Decompose(v1::DECOMPOSITION_METHOD_EXPLICIT,
                {{"c1", RepScope("alice"), Cny(6'000)}, {"c2", RepScope("bob"), Cny(6'000)}});
  *over.request.mutable_unallocated_remainder() = Cny(-2'000);
  ASSERT_OK_AND_ASSIGN(events, DecideFresh(over, parent, ThreeRepOrg()));
  EXPECT_THAT(events[0].event.decomposed().unallocated_remainder(), EqualsProto(Cny(-2'000)));
}

TEST(DecomposeTarget, ExplicitValuesAreValidatedPerMetric) {
  DecomposeTarget cmd =
      Decompose(v1::DECOMPOSITION_METHOD_EXPLICIT,
                {{"c1", RepScope("alice"), Count(5)}, {"c2", RepScope("bob"), Cny(-1)}});
  absl::StatusOr<std::vector<StreamEvent>> got =
      DecideFresh(cmd, TeamTarget(Cny(100)), ThreeRepOrg());
  EXPECT_THAT(ViolatedFields(got.status()),
              ElementsAre("children[0].value", "children[1].value.money.minor_units"));
}

TEST(DecomposeTarget, NonAdditiveMetricsCascadeTheValue) {
  const TargetState parent = TeamTarget(RatioBp(2'500), v1::METRIC_CONVERSION_RATE);
  DecomposeTarget even = Decompose(v1::DECOMPOSITION_METHOD_EVEN,
                                   {{"c1", RepScope("alice")}, {"c2", RepScope("bob")}});
  ASSERT_OK_AND_ASSIGN(std::vector<StreamEvent> events, DecideFresh(even, parent, ThreeRepOrg()));
  EXPECT_THAT(ChildValues(events),
              ElementsAre(EqualsProto(RatioBp(2'500)), EqualsProto(RatioBp(2'500))));
  EXPECT_FALSE(events[0].event.decomposed().has_unallocated_remainder());
  EXPECT_EQ(events[1].event.drafted().unit(), "bp");

  DecomposeTarget weights =
      Decompose(v1::DECOMPOSITION_METHOD_WEIGHTS,
                {{"c1", RepScope("alice"), {}, 1}, {"c2", RepScope("bob"), {}, 1}});
  EXPECT_THAT(ViolatedFields(DecideFresh(weights, parent, ThreeRepOrg()).status()),
              ElementsAre("method"));

  // Explicit values need not add up for a ratio.
  DecomposeTarget explicit_values = Decompose(
      v1::DECOMPOSITION_METHOD_EXPLICIT,
      {{"c1", RepScope("alice"), RatioBp(3'000)}, {"c2", RepScope("bob"), RatioBp(2'000)}});
  EXPECT_THAT(DecideFresh(explicit_values, parent, ThreeRepOrg()), ::salesperf::testing::IsOk());
}

TEST(DecomposeTarget, ChildrenMustBeDirectChildrenDuringThePeriod) {
  const TargetState parent = TeamTarget(Cny(100));
  EXPECT_THAT(DecideFresh(Decompose(v1::DECOMPOSITION_METHOD_EVEN, {{"c1", RepScope("carol")}}),
                          parent, ThreeRepOrg()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("rep carol is not directly under team t-sh during 2026-11")));
  EXPECT_THAT(DecideFresh(Decompose(v1::DECOMPOSITION_METHOD_EVEN, {{"c1", TeamScope("t-hz")}}),
                          parent, ThreeRepOrg()),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(DecideFresh(Decompose(v1::DECOMPOSITION_METHOD_EVEN, {{"c1", RepScope("zed")}}),
                          parent, ThreeRepOrg()),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("rep zed")));

  // carol moved into t-sh from 2026-11-16 (recorded later, backdated): she counts for November.
  std::vector<v1::OrgEvent> events = BaseOrgEvents();
  events.push_back(RepMovedEvent("carol", "t-hz", "east", "t-sh", "east", "2026-11-16"));
  EXPECT_THAT(DecideFresh(Decompose(v1::DECOMPOSITION_METHOD_EVEN, {{"c1", RepScope("carol")}}),
                          parent, FoldOrg(events)),
              ::salesperf::testing::IsOk());
}

TEST(DecomposeTarget, OwnerDefaultsToTheScopesManager) {
  v1::TargetEvent drafted = RevenueDrafted("p", RegionScope("east"), 1'000, "emma");
  TargetState parent = FoldTarget({drafted});
  DecomposeTarget cmd = Decompose(v1::DECOMPOSITION_METHOD_EVEN,
                                  {{"c1", TeamScope("t-sh")}, {"c2", TeamScope("t-hz")}}, "emma");
  cmd.request.mutable_children(1)->set_owner_id("hank-deputy");
  cmd.request.mutable_children(1)->set_name("Hangzhou November");
  ASSERT_OK_AND_ASSIGN(std::vector<StreamEvent> events, DecideFresh(cmd, parent, ThreeRepOrg()));
  EXPECT_EQ(events[1].event.drafted().owner_id(), "tom");
  EXPECT_EQ(events[2].event.drafted().owner_id(), "hank-deputy");
  EXPECT_EQ(events[2].event.drafted().name(), "Hangzhou November");
  EXPECT_EQ(events[0].expected.version, 1u);
}

TEST(DecomposeTarget, RejectsMalformedRequests) {
  DecomposeTarget cmd = Decompose(
      v1::DECOMPOSITION_METHOD_EVEN,
      {{"c1", RepScope("alice"), Cny(5)}, {"c1", RepScope("alice"), {}, 2}, {"p", RepScope("")}});
  cmd.request.set_method(v1::DECOMPOSITION_METHOD_UNSPECIFIED);
  absl::StatusOr<std::vector<StreamEvent>> got =
      DecideFresh(cmd, TeamTarget(Cny(100)), ThreeRepOrg());
  EXPECT_THAT(
      ViolatedFields(got.status()),
      ElementsAre("method", "children[0].value", "children[1].child_target_id", "children[1].scope",
                  "children[1].weight", "children[2].child_target_id", "children[2].scope.id"));
  DecomposeTarget none = Decompose(v1::DECOMPOSITION_METHOD_EVEN, {});
  EXPECT_THAT(ViolatedFields(DecideFresh(none, TeamTarget(Cny(100)), ThreeRepOrg()).status()),
              ElementsAre("children"));
  DecomposeTarget remainder_on_even =
      Decompose(v1::DECOMPOSITION_METHOD_EVEN, {{"c1", RepScope("alice")}});
  *remainder_on_even.request.mutable_unallocated_remainder() = Cny(1);
  EXPECT_THAT(
      ViolatedFields(DecideFresh(remainder_on_even, TeamTarget(Cny(100)), ThreeRepOrg()).status()),
      ElementsAre("unallocated_remainder"));
}

TEST(DecomposeTarget, StateRules) {
  DecomposeTarget cmd = Decompose(v1::DECOMPOSITION_METHOD_EVEN,
                                  {{"c1", RepScope("alice")}, {"c2", RepScope("bob")}});
  EXPECT_THAT(DecideFresh(cmd, TargetState{}, ThreeRepOrg()),
              StatusIs(absl::StatusCode::kNotFound));

  DecomposeTarget stale = cmd;
  stale.request.set_expected_version(1);
  EXPECT_THAT(DecideFresh(stale, TeamTarget(Cny(100)), ThreeRepOrg()),
              StatusIs(absl::StatusCode::kAborted));

  TargetState closed = TeamTarget(Cny(100));
  v1::TargetEvent close;
  close.mutable_closed()->set_target_id("p");
  closed = EvolveTarget(closed, close);
  EXPECT_THAT(DecideFresh(cmd, closed, ThreeRepOrg()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("closed")));

  std::vector<TargetState> existing(2);
  existing[1] = FoldTarget({RevenueDrafted("c2", RepScope("bob"), 1, "bob")});
  EXPECT_THAT(DecideDecomposition(cmd, TeamTarget(Cny(100)), existing, ThreeRepOrg()),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("target c2")));
  EXPECT_THAT(DecideDecomposition(cmd, TeamTarget(Cny(100)), {}, ThreeRepOrg()),
              StatusIs(absl::StatusCode::kInternal));
}

TEST(DecomposeTarget, DecomposesOnceAndTheSameRequestAgainIsSatisfied) {
  DecomposeTarget cmd = Decompose(v1::DECOMPOSITION_METHOD_EVEN,
                                  {{"c1", RepScope("alice")}, {"c2", RepScope("bob")}});
  TargetState parent = TeamTarget(Cny(101));
  ASSERT_OK_AND_ASSIGN(std::vector<StreamEvent> events, DecideFresh(cmd, parent, ThreeRepOrg()));
  parent = EvolveTarget(parent, events[0].event);
  ASSERT_TRUE(parent.target.has_decomposition());
  EXPECT_EQ(parent.target.decomposition().allocations_size(), 2);
  EXPECT_EQ(parent.history.back().change_kind(), "decomposed");
  EXPECT_EQ(parent.version(), 3u);

  // The children now exist; the identical request is already satisfied.
  std::vector<TargetState> children = {FoldTarget({events[1].event}),
                                       FoldTarget({events[2].event})};
  ASSERT_OK_AND_ASSIGN(std::vector<StreamEvent> again,
                       DecideDecomposition(cmd, parent, children, ThreeRepOrg()));
  EXPECT_TRUE(again.empty());

  DecomposeTarget different = Decompose(v1::DECOMPOSITION_METHOD_EVEN, {{"c1", RepScope("alice")}});
  EXPECT_THAT(DecideFresh(different, parent, ThreeRepOrg()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already decomposed")));
}

}  // namespace
}  // namespace salesperf::targets
