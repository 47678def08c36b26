// The target views equal a from-scratch fold: after a scenario driven through the
// service, (1) every row equals the domain's fold of the target's stream, (2) a Rebuild
// gives the same rows byte for byte, (3) a fresh ViewDb fed the log in small batches
// gives the same rows. And the views' own rules: org events are skipped, a version gap
// is rejected for the dead-letter queue.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/projection/runner.h"
#include "libs/projection/vector_source.h"
#include "services/targets/app/event_codec.h"
#include "services/targets/domain/target.h"
#include "services/targets/projections/keys.h"
#include "services/targets/projections/target_views.h"
#include "services/targets/testing/service_fixture.h"

namespace salesperf::targets {
namespace {

using ::salesperf::testing::EqualsProto;
using ::salesperf::testing::StatusIs;
using testing::Cny;
using testing::MakeScope;
using testing::Stub;

using Rows = std::vector<projection::ViewRow>;

class TargetViewsTest : public testing::ServiceFixture {
 protected:
  // Drafts, proposals, approvals, adjustments, a two-level decomposition and a close.
  void RunScenario() {
    ASSERT_NO_FATAL_FAILURE(SeedOrganisation());
    Draft(MakeScope(common::v1::SCOPE_KIND_REGION, "east"), 90'000, "east-nov");
    v1::DecomposeTargetRequest split;
    split.set_request_id(NextRequestId());
    split.set_target_id("east-nov");
    split.set_method(v1::DECOMPOSITION_METHOD_EVEN);
    split.add_children()->set_child_target_id("sh-nov");
    *split.mutable_children(0)->mutable_scope() = MakeScope(common::v1::SCOPE_KIND_TEAM, "t-sh");
    split.add_children()->set_child_target_id("hz-nov");
    *split.mutable_children(1)->mutable_scope() = MakeScope(common::v1::SCOPE_KIND_TEAM, "t-hz");
    ASSERT_OK(Call(&Stub::DecomposeTarget, split));
    split.set_request_id(NextRequestId());
    split.set_target_id("sh-nov");
    split.clear_children();
    *split.add_children()->mutable_scope() = MakeScope(common::v1::SCOPE_KIND_REP, "alice");
    *split.add_children()->mutable_scope() = MakeScope(common::v1::SCOPE_KIND_REP, "bob");
    ASSERT_OK(Call(&Stub::DecomposeTarget, split));
    v1::ProposeTargetRequest propose;
    propose.set_request_id(NextRequestId());
    propose.set_target_id("hz-nov");
    ASSERT_OK(Call(&Stub::ProposeTarget, propose));
    v1::ApproveTargetRequest approve;
    approve.set_request_id(NextRequestId());
    approve.set_target_id("hz-nov");
    ASSERT_OK(Call(&Stub::ApproveTarget, approve, "emma"));
    v1::AdjustTargetRequest adjust;
    adjust.set_request_id(NextRequestId());
    adjust.set_target_id("hz-nov");
    adjust.set_reason("new hire");
    *adjust.mutable_new_value() = Cny(50'000);
    ASSERT_OK(Call(&Stub::AdjustTarget, adjust, "emma"));
    v1::CloseTargetRequest close;
    close.set_request_id(NextRequestId());
    close.set_target_id("east-nov");
    close.set_reason("replanned");
    ASSERT_OK(Call(&Stub::CloseTarget, close));
    // A query waits for the views: afterwards they hold every event.
    ASSERT_OK(Call(&Stub::GetTarget, [] {
      v1::GetTargetRequest r;
      r.set_target_id("hz-nov");
      return r;
    }()));
  }

  std::vector<projection::EventEnvelope> Log() {
    absl::StatusOr<std::vector<projection::EventEnvelope>> log =
        service_->store().ReadLog(1, 100'000);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? *log : std::vector<projection::EventEnvelope>{};
  }

  static std::map<std::string, Rows> AllRows(const projection::ViewDb& db) {
    std::map<std::string, Rows> rows;
    for (const std::string& view : TargetViewNames()) {
      absl::StatusOr<Rows> scanned = db.Scan(view);
      EXPECT_TRUE(scanned.ok()) << scanned.status();
      if (scanned.ok()) rows[view] = *scanned;
    }
    return rows;
  }
};

TEST_F(TargetViewsTest, RowsEqualTheDomainFoldOfEachStream) {
  ASSERT_NO_FATAL_FAILURE(RunScenario());
  std::map<std::string, TargetState> folded;
  for (const projection::EventEnvelope& e : Log()) {
    if (!e.stream_id().starts_with("target-")) continue;
    ASSERT_OK_AND_ASSIGN(std::optional<v1::TargetEvent> event, UnpackTargetEvent(e.payload()));
    ASSERT_TRUE(event.has_value());
    TargetState& state = folded[e.stream_id().substr(7)];
    state = EvolveTarget(std::move(state), *event);
  }
  ASSERT_EQ(folded.size(), 5u);  // east, sh, hz and two rep targets
  for (const auto& [id, state] : folded) {
    ASSERT_OK_AND_ASSIGN(std::optional<std::string> row,
                         service_->views().Get(keys::kTargetsView, keys::TargetRow(id)));
    ASSERT_TRUE(row.has_value()) << id;
    v1::Target target;
    ASSERT_TRUE(target.ParseFromString(*row));
    EXPECT_THAT(target, EqualsProto(state.target)) << id;
    projection::ScanOptions scan;
    scan.prefix = keys::HistoryEntryPrefix(id);
    ASSERT_OK_AND_ASSIGN(Rows history, service_->views().Scan(keys::kHistoryView, scan));
    ASSERT_EQ(history.size(), state.history.size()) << id;
    for (size_t i = 0; i < history.size(); ++i) {
      v1::TargetHistoryEntry entry;
      ASSERT_TRUE(entry.ParseFromString(history[i].value));
      EXPECT_THAT(entry, EqualsProto(state.history[i]));
    }
  }
}

TEST_F(TargetViewsTest, RebuildAndAFreshFoldEqualTheIncrementalRows) {
  ASSERT_NO_FATAL_FAILURE(RunScenario());
  const std::map<std::string, Rows> incremental = AllRows(service_->views());
  ASSERT_FALSE(incremental.at(keys::kTargetsView).empty());

  ASSERT_OK(service_->runner().Rebuild());
  ASSERT_OK(service_->CatchUp(absl::Seconds(30)));
  EXPECT_EQ(AllRows(service_->views()), incremental);

  // A fresh database fed the log three records at a time.
  salesperf::testing::TempDir other;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<projection::ViewDb> db,
                       projection::ViewDb::Open(other.Sub("views"), TargetViewNames()));
  std::vector<projection::SourcedEvent> records;
  for (const projection::EventEnvelope& e : Log()) {
    projection::SourcedEvent& r = records.emplace_back();
    r.partition = {"targets", 0};
    r.position = static_cast<int64_t>(e.sequence());
    r.envelope = e;
    r.key = e.stream_id();
  }
  projection::ProjectionOptions options;
  options.name = "targets";
  options.batch_size = 3;
  options.poll_timeout = absl::Milliseconds(10);
  options.clock = &clock_;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<projection::ProjectionRunner> runner,
                       projection::ProjectionRunner::Create(
                           db.get(), std::make_unique<projection::VectorSource>(std::move(records)),
                           NewTargetViews(), options));
  ASSERT_OK(runner->CatchUp(absl::Seconds(30)));
  EXPECT_EQ(AllRows(*db), incremental);
  EXPECT_EQ(runner->Stats().dead_lettered, 0u);
}

// A ViewTxn over a map, for the views' own rules.
class MapTxn : public projection::ViewTxn {
 public:
  absl::StatusOr<std::optional<std::string>> Get(std::string_view key) override {
    auto it = rows.find(std::string(key));
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }
  void Put(std::string_view key, std::string_view value) override {
    rows[std::string(key)] = std::string(value);
  }
  void Delete(std::string_view key) override { rows.erase(std::string(key)); }
  std::map<std::string, std::string> rows;
};

projection::EventEnvelope Envelope(const std::string& stream, uint64_t version,
                                   const google::protobuf::Message& payload) {
  projection::EventEnvelope e;
  e.set_stream_id(stream);
  e.set_stream_version(version);
  e.mutable_payload()->PackFrom(payload);
  return e;
}

TEST(TargetViewRulesTest, SkipOrgEventsAndRejectVersionGaps) {
  TargetsView targets;
  HistoryView history;
  MapTxn txn;
  v1::RegionCreated region;
  region.set_region_id("east");
  EXPECT_OK(targets.Apply(Envelope("org", 1, region), txn));
  EXPECT_OK(history.Apply(Envelope("org", 1, region), txn));
  EXPECT_TRUE(txn.rows.empty());

  v1::TargetDrafted drafted;
  drafted.set_target_id("t1");
  drafted.mutable_key()->set_metric(v1::METRIC_CALLS);
  *drafted.mutable_key()->mutable_scope() = MakeScope(common::v1::SCOPE_KIND_COMPANY);
  drafted.mutable_value()->set_count(10);
  EXPECT_OK(targets.Apply(Envelope("target-t1", 1, drafted), txn));
  EXPECT_OK(history.Apply(Envelope("target-t1", 1, drafted), txn));
  EXPECT_TRUE(txn.rows.contains(keys::TargetRow("t1")));
  EXPECT_TRUE(txn.rows.contains(keys::HistoryEntryRow("t1", 1)));

  v1::TargetProposed proposed;
  proposed.set_target_id("t1");
  EXPECT_THAT(targets.Apply(Envelope("target-t1", 3, proposed), txn),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(history.Apply(Envelope("target-t1", 3, proposed), txn),
              StatusIs(absl::StatusCode::kInvalidArgument));
  // The target event names another target than its stream.
  EXPECT_THAT(targets.Apply(Envelope("target-t2", 1, drafted), txn),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace salesperf::targets
