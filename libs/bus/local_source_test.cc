#include "libs/bus/local_source.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"
#include "libs/eventstore/memory_event_store.h"
#include "libs/testing/status_matchers.h"

namespace salesperf::bus {
namespace {

using eventstore::AppendRequest;
using eventstore::EventEnvelope;
using eventstore::ExpectedVersion;
using eventstore::MemoryEventStore;
using projection::PartitionId;
using projection::SourcedEvent;

void AppendValue(eventstore::EventStore& store, const std::string& stream, int64_t value) {
  AppendRequest request;
  request.stream_id = stream;
  request.expected_version = ExpectedVersion::Any();
  google::protobuf::Int64Value payload;
  payload.set_value(value);
  EventEnvelope envelope;
  envelope.mutable_payload()->PackFrom(payload);
  request.events.push_back(envelope);
  ASSERT_OK(store.Append(std::move(request)).status());
}

std::optional<int64_t> FromStart(const PartitionId&) { return std::nullopt; }

TEST(LocalSource, DeliversEveryStoreFromTheBeginningInSequenceOrder) {
  MemoryEventStore targets({.source = "targets"}), activity({.source = "activity"});
  for (int i = 0; i < 5; ++i) AppendValue(targets, "t-1", i);
  for (int i = 0; i < 7; ++i) AppendValue(activity, "a-" + std::to_string(i % 2), i);

  LocalSource source({&targets, &activity});
  ASSERT_OK(source.Start(FromStart));
  std::vector<SourcedEvent> all;
  while (all.size() < 12) {
    ASSERT_OK_AND_ASSIGN(auto batch, source.Poll(4, absl::Seconds(5)));
    ASSERT_FALSE(batch.empty());
    for (auto& e : batch) all.push_back(std::move(e));
  }
  int64_t last_targets = 0, last_activity = 0;
  for (const SourcedEvent& e : all) {
    EXPECT_EQ(e.partition.partition, 0);
    EXPECT_EQ(e.position, static_cast<int64_t>(e.envelope.sequence()));
    EXPECT_EQ(e.key, e.envelope.stream_id());
    int64_t& last = e.partition.source == "targets" ? last_targets : last_activity;
    EXPECT_EQ(e.position, last + 1) << "gap or reorder in " << e.partition.source;
    last = e.position;
  }
  EXPECT_EQ(last_targets, 5);
  EXPECT_EQ(last_activity, 7);
}

TEST(LocalSource, ResumesFromTheLookedUpPosition) {
  MemoryEventStore store({.source = "activity"});
  for (int i = 0; i < 10; ++i) AppendValue(store, "s", i);
  LocalSource source({&store});
  ASSERT_OK(source.Start([](const PartitionId& p) -> std::optional<int64_t> {
    return p.source == "activity" ? std::optional<int64_t>(8) : std::nullopt;
  }));
  ASSERT_OK_AND_ASSIGN(auto batch, source.Poll(100, absl::Seconds(1)));
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch[0].position, 8);
  EXPECT_EQ(batch[2].position, 10);
}

TEST(LocalSource, PollTimesOutEmptyWhenNothingIsNew) {
  MemoryEventStore store({.source = "feedback"});
  LocalSource source({&store});
  ASSERT_OK(source.Start(FromStart));
  ASSERT_OK_AND_ASSIGN(auto batch, source.Poll(10, absl::Milliseconds(50)));
  EXPECT_TRUE(batch.empty());
}

TEST(LocalSource, PollWakesWhenAnotherThreadAppends) {
  MemoryEventStore store({.source = "activity"});
  LocalSource source({&store});
  ASSERT_OK(source.Start(FromStart));
  std::thread writer([&store] { AppendValue(store, "late", 1); });
  // A generous deadline: the poll must return as soon as the append lands, not at the deadline.
  ASSERT_OK_AND_ASSIGN(auto batch, source.Poll(10, absl::Seconds(30)));
  writer.join();
  if (batch.empty()) {  // the append may land between the first read and the wait
    ASSERT_OK_AND_ASSIGN(batch, source.Poll(10, absl::Seconds(30)));
  }
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch[0].envelope.stream_id(), "late");
}

TEST(LocalSource, HeadsAreOnePastTheLastSequence) {
  MemoryEventStore a({.source = "targets"}), b({.source = "activity"});
  for (int i = 0; i < 3; ++i) AppendValue(a, "s", i);
  LocalSource source({&a, &b});
  auto heads = source.Heads();
  ASSERT_EQ(heads.size(), 2u);
  EXPECT_EQ(heads[0].partition.source, "targets");
  EXPECT_EQ(heads[0].end_position, 4);
  EXPECT_EQ(heads[0].begin_position, 1);
  EXPECT_EQ(heads[1].end_position, 1);  // empty: end == begin
}

}  // namespace
}  // namespace salesperf::bus
