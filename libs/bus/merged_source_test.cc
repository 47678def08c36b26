#include "libs/bus/merged_source.h"

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/projection/vector_source.h"
#include "libs/testing/status_matchers.h"

namespace salesperf::bus {
namespace {

using projection::PartitionId;
using projection::SourcedEvent;
using projection::VectorSource;

std::vector<SourcedEvent> Records(const std::string& source, int64_t first, int64_t count) {
  std::vector<SourcedEvent> records;
  for (int64_t p = first; p < first + count; ++p) {
    SourcedEvent record;
    record.partition = {source, 0};
    record.position = p;
    record.envelope.set_source(source);
    record.envelope.set_sequence(static_cast<uint64_t>(p));
    records.push_back(std::move(record));
  }
  return records;
}

struct Fixture {
  Fixture() {
    auto own_source = std::make_unique<VectorSource>(Records("activity", 1, 3));
    auto upstream_source = std::make_unique<VectorSource>(Records("targets", 0, 4));
    own = own_source.get();
    upstream = upstream_source.get();
    std::vector<projection::EventSourcePtr> children;
    children.push_back(std::move(own_source));
    children.push_back(std::move(upstream_source));
    merged = std::make_unique<MergedSource>(std::move(children));
  }
  VectorSource* own;
  VectorSource* upstream;
  std::unique_ptr<MergedSource> merged;
};

std::optional<int64_t> FromStart(const PartitionId&) { return std::nullopt; }

TEST(MergedSource, DeliversEveryChildInPartitionOrder) {
  Fixture f;
  ASSERT_OK(f.merged->Start(FromStart));
  std::map<std::string, std::vector<int64_t>> seen;
  for (int polls = 0; polls < 20; ++polls) {
    ASSERT_OK_AND_ASSIGN(std::vector<SourcedEvent> batch, f.merged->Poll(2, absl::Milliseconds(1)));
    EXPECT_LE(batch.size(), 2u);
    for (const SourcedEvent& e : batch) seen[e.partition.source].push_back(e.position);
  }
  EXPECT_THAT(seen["activity"], ::testing::ElementsAre(1, 2, 3));
  EXPECT_THAT(seen["targets"], ::testing::ElementsAre(0, 1, 2, 3));
}

TEST(MergedSource, RoutesCommitsToTheChildThatOwnsThePartition) {
  Fixture f;
  ASSERT_OK(f.merged->Start(FromStart));
  ASSERT_OK_AND_ASSIGN(std::vector<SourcedEvent> batch, f.merged->Poll(100, absl::Seconds(1)));
  ASSERT_EQ(batch.size(), 7u);
  f.merged->Committed({{PartitionId{"activity", 0}, 4}, {PartitionId{"targets", 0}, 4}});
  EXPECT_THAT(f.own->committed(),
              ::testing::ElementsAre(::testing::Pair(PartitionId{"activity", 0}, 4)));
  EXPECT_THAT(f.upstream->committed(),
              ::testing::ElementsAre(::testing::Pair(PartitionId{"targets", 0}, 4)));
  f.merged->Recycle(std::move(batch));
  EXPECT_EQ(f.merged->Heads().size(), 2u);
}

TEST(MergedSource, WaitsForARecordOnAnyChild) {
  Fixture f;
  ASSERT_OK(f.merged->Start(FromStart));
  ASSERT_OK_AND_ASSIGN(std::vector<SourcedEvent> drained, f.merged->Poll(100, absl::Seconds(1)));
  ASSERT_EQ(drained.size(), 7u);
  std::thread producer([&] { f.upstream->Append(Records("targets", 4, 1)); });
  std::vector<SourcedEvent> next;
  while (next.empty()) {
    ASSERT_OK_AND_ASSIGN(next, f.merged->Poll(100, absl::Seconds(5)));
  }
  producer.join();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].partition.source, "targets");
  EXPECT_EQ(next[0].position, 4);
}

TEST(MergedSource, PropagatesAChildsError) {
  Fixture f;
  ASSERT_OK(f.merged->Start(FromStart));
  f.upstream->FailNextPoll(absl::UnavailableError("broker down"));
  absl::Status failure = absl::OkStatus();
  for (int i = 0; i < 4 && failure.ok(); ++i) {
    failure = f.merged->Poll(100, absl::Milliseconds(1)).status();
  }
  EXPECT_THAT(failure, testing::StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace salesperf::bus
