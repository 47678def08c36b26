// RocksDB-only behaviour: durability across reopen, metrics, failed writes.
#include "libs/eventstore/rocksdb_event_store.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/status_matchers.h"
#include "libs/testing/temp_dir.h"
#include "prometheus/registry.h"

namespace salesperf::eventstore {
namespace {

using ::salesperf::testing::IsOk;
using ::salesperf::testing::IsOkAndHolds;
using ::salesperf::testing::StatusIs;

EventEnvelope Event(const std::string& value) {
  EventEnvelope e;
  e.mutable_payload()->set_type_url("type.googleapis.com/salesperf.test.v1.E");
  e.mutable_payload()->set_value(value);
  return e;
}

AppendRequest Request(const std::string& stream_id, ExpectedVersion expected,
                      std::vector<EventEnvelope> events, const std::string& request_id = "") {
  AppendRequest r;
  r.stream_id = stream_id;
  r.expected_version = expected;
  r.events = std::move(events);
  r.request_id = request_id;
  return r;
}

class RocksDbEventStoreTest : public ::testing::Test {
 protected:
  EventStoreOptions Options() {
    EventStoreOptions options;
    options.path = dir_.Sub("db");
    options.source = "targets";
    options.clock = &clock_;
    return options;
  }
  std::unique_ptr<RocksDbEventStore> OpenStore(EventStoreOptions options) {
    auto store = RocksDbEventStore::Open(std::move(options));
    EXPECT_THAT(store, IsOk());
    return store.ok() ? *std::move(store) : nullptr;
  }

  salesperf::testing::TempDir dir_;
  FakeClock clock_;
};

TEST_F(RocksDbEventStoreTest, OpenRejectsMissingOptions) {
  EventStoreOptions no_path = Options();
  no_path.path.clear();
  EXPECT_THAT(RocksDbEventStore::Open(no_path), StatusIs(absl::StatusCode::kInvalidArgument));
  EventStoreOptions no_source = Options();
  no_source.source.clear();
  EXPECT_THAT(RocksDbEventStore::Open(no_source), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(RocksDbEventStoreTest, SecondOpenOfTheSameDirectoryIsUnavailable) {
  auto first = OpenStore(Options());
  ASSERT_NE(first, nullptr);
  EXPECT_THAT(RocksDbEventStore::Open(Options()), StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(RocksDbEventStoreTest, ReopenKeepsEventsStreamHeadsAndRequests) {
  std::vector<EventEnvelope> before;
  {
    auto store = OpenStore(Options());
    ASSERT_NE(store, nullptr);
    for (int i = 0; i < 10; ++i) {
      ASSERT_THAT(store->Append(Request(absl::StrCat("s", i % 3), ExpectedVersion::Exactly(i / 3),
                                        {Event(absl::StrCat(i))}, absl::StrCat("req-", i))),
                  IsOk());
    }
    ASSERT_THAT(store->Append(Request("s0", ExpectedVersion::Any(), {}, "req-noop")), IsOk());
    ASSERT_OK_AND_ASSIGN(before, store->ReadLog(1, 100));
  }
  auto store = OpenStore(Options());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->HeadSequence(), 10u);
  ASSERT_OK_AND_ASSIGN(auto after, store->ReadLog(1, 100));
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].SerializeAsString(), before[i].SerializeAsString());
  }
  EXPECT_THAT(store->StreamVersion("s0"), IsOkAndHolds(4u));
  EXPECT_THAT(store->StreamVersion("s1"), IsOkAndHolds(3u));

  // Idempotency records survived: a retry is answered, a reuse rejected.
  ASSERT_OK_AND_ASSIGN(AppendResult retry, store->Append(Request("s1", ExpectedVersion::Exactly(0),
                                                                 {Event("1")}, "req-1")));
  EXPECT_TRUE(retry.deduplicated);
  EXPECT_EQ(retry.first_sequence, 2u);
  EXPECT_THAT(store->Append(Request("s1", ExpectedVersion::Any(), {Event("other")}, "req-1")),
              StatusIs(absl::StatusCode::kAlreadyExists));
  ASSERT_OK_AND_ASSIGN(std::optional<RequestRecord> noop, store->LookupRequest("req-noop"));
  ASSERT_TRUE(noop.has_value());
  EXPECT_EQ(noop->result.stream_version, 4u);

  // Stream heads came back from the index: stale versions fail, current ones succeed,
  // and the log continues without a gap.
  EXPECT_THAT(store->Append(Request("s0", ExpectedVersion::Exactly(3), {Event("x")})),
              StatusIs(absl::StatusCode::kAborted));
  ASSERT_OK_AND_ASSIGN(AppendResult next,
                       store->Append(Request("s0", ExpectedVersion::Exactly(4), {Event("x")})));
  EXPECT_EQ(next.first_sequence, 11u);
  EXPECT_EQ(next.stream_version, 5u);
  EXPECT_THAT(store->Append(Request("s2", ExpectedVersion::NoStream(), {Event("x")})),
              StatusIs(absl::StatusCode::kAborted));
}

TEST_F(RocksDbEventStoreTest, SmallStreamCacheStillChecksVersions) {
  EventStoreOptions options = Options();
  options.stream_cache_capacity = 2;
  auto store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  for (int round = 0; round < 3; ++round) {
    for (int s = 0; s < 5; ++s) {
      const std::string stream = absl::StrCat("s", s);
      EXPECT_THAT(store->Append(Request(stream, ExpectedVersion::Exactly(round + 1), {Event("x")})),
                  StatusIs(absl::StatusCode::kAborted));
      EXPECT_THAT(store->Append(Request(stream, ExpectedVersion::Exactly(round), {Event("x")})),
                  IsOk());
    }
  }
  EXPECT_EQ(store->HeadSequence(), 15u);
}

const prometheus::MetricFamily* FindFamily(const std::vector<prometheus::MetricFamily>& families,
                                           const std::string& name) {
  for (const auto& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

TEST_F(RocksDbEventStoreTest, ExportsMetricsLabelledBySource) {
  prometheus::Registry registry;
  EventStoreOptions options = Options();
  options.metrics = &registry;
  auto store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->Append(Request("s", ExpectedVersion::Any(), {Event("a"), Event("b")})),
              IsOk());
  ASSERT_THAT(store->Append(Request("s", ExpectedVersion::Exactly(9), {Event("c")})),
              StatusIs(absl::StatusCode::kAborted));

  const std::vector<prometheus::MetricFamily> families = registry.Collect();
  const auto* appended = FindFamily(families, "salesperf_eventstore_events_appended_total");
  ASSERT_NE(appended, nullptr);
  ASSERT_EQ(appended->metric.size(), 1u);
  EXPECT_EQ(appended->metric[0].counter.value, 2.0);
  ASSERT_EQ(appended->metric[0].label.size(), 1u);
  EXPECT_EQ(appended->metric[0].label[0].name, "source");
  EXPECT_EQ(appended->metric[0].label[0].value, "targets");

  const auto* head = FindFamily(families, "salesperf_eventstore_head_sequence");
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(head->metric[0].gauge.value, 2.0);
  const auto* latency = FindFamily(families, "salesperf_eventstore_append_seconds");
  ASSERT_NE(latency, nullptr);
  EXPECT_EQ(latency->metric[0].histogram.sample_count, 2u);
  const auto* size = FindFamily(families, "salesperf_rocksdb_size_bytes");
  ASSERT_NE(size, nullptr);
  EXPECT_GT(size->metric[0].gauge.value, 0.0);
  EXPECT_NE(FindFamily(families, "salesperf_eventstore_write_errors_total"), nullptr);
}

}  // namespace
}  // namespace salesperf::eventstore
