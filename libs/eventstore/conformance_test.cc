// The EventStore contract (event_store.h), run against both implementations.
#include <atomic>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/clock.h"
#include "libs/eventstore/event_store.h"
#include "libs/eventstore/memory_event_store.h"
#include "libs/eventstore/rocksdb_event_store.h"
#include "libs/testing/status_matchers.h"
#include "libs/testing/temp_dir.h"

namespace salesperf::eventstore {
namespace {

using ::salesperf::testing::IsOk;
using ::salesperf::testing::IsOkAndHolds;
using ::salesperf::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kSource[] = "activity";

class MemoryHarness {
 public:
  static MemoryEventStoreOptions Options(Clock* clock) {
    MemoryEventStoreOptions options;
    options.source = kSource;
    options.clock = clock;
    options.event_id_seed = 7;
    return options;
  }
  explicit MemoryHarness(Clock* clock) : store_(Options(clock)) {}
  EventStore& store() { return store_; }

 private:
  MemoryEventStore store_;
};

class RocksDbHarness {
 public:
  explicit RocksDbHarness(Clock* clock) {
    EventStoreOptions options;
    options.path = dir_.Sub("events");
    options.source = kSource;
    options.clock = clock;
    options.event_id_seed = 7;
    auto store = RocksDbEventStore::Open(options);
    EXPECT_THAT(store, IsOk());
    if (store.ok()) store_ = *std::move(store);
  }
  EventStore& store() { return *store_; }

 private:
  salesperf::testing::TempDir dir_;
  std::unique_ptr<RocksDbEventStore> store_;
};

EventEnvelope Event(const std::string& type, const std::string& value) {
  EventEnvelope e;
  e.mutable_payload()->set_type_url("type.googleapis.com/salesperf.test.v1." + type);
  e.mutable_payload()->set_value(value);
  e.mutable_occurred_at()->set_seconds(1'700'000'000);
  e.set_actor("user:alice");
  e.set_correlation_id("corr-1");
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

StreamAppend Part(const std::string& stream_id, ExpectedVersion expected,
                  std::vector<EventEnvelope> events) {
  return StreamAppend{stream_id, expected, std::move(events)};
}

MultiAppendRequest Multi(std::vector<StreamAppend> streams, const std::string& request_id = "") {
  MultiAppendRequest r;
  r.streams = std::move(streams);
  r.request_id = request_id;
  return r;
}

template <typename Harness>
class ConformanceTest : public ::testing::Test {
 protected:
  ConformanceTest() : harness_(&clock_) {}
  EventStore& store() { return harness_.store(); }

  // Appends one event to `stream_id` with any expected version.
  AppendResult AppendOne(const std::string& stream_id, const std::string& value) {
    auto result = store().Append(Request(stream_id, ExpectedVersion::Any(), {Event("E", value)}));
    EXPECT_THAT(result, IsOk());
    return result.ok() ? *result : AppendResult{};
  }

  std::vector<uint64_t> Sequences(const std::vector<EventEnvelope>& events) {
    std::vector<uint64_t> out;
    for (const EventEnvelope& e : events) out.push_back(e.sequence());
    return out;
  }

  FakeClock clock_;
  Harness harness_;
};

using Implementations = ::testing::Types<MemoryHarness, RocksDbHarness>;
TYPED_TEST_SUITE(ConformanceTest, Implementations);

TYPED_TEST(ConformanceTest, AppendFillsStoreFieldsAndReadsBack) {
  EventEnvelope with_id = Event("Logged", "b");
  with_id.set_event_id("11111111-2222-4333-8444-555555555555");
  ASSERT_OK_AND_ASSIGN(AppendResult result,
                       this->store().Append(Request("deal-1", ExpectedVersion::NoStream(),
                                                    {Event("Opened", "a"), with_id}, "req-1")));
  EXPECT_EQ(result.first_sequence, 1u);
  EXPECT_EQ(result.last_sequence, 2u);
  EXPECT_EQ(result.stream_version, 2u);
  EXPECT_FALSE(result.deduplicated);

  ASSERT_OK_AND_ASSIGN(auto events, this->store().ReadStream("deal-1", 1, 10));
  ASSERT_EQ(events.size(), 2u);
  for (size_t i = 0; i < events.size(); ++i) {
    const EventEnvelope& e = events[i];
    EXPECT_EQ(e.source(), kSource);
    EXPECT_EQ(e.sequence(), i + 1);
    EXPECT_EQ(e.stream_id(), "deal-1");
    EXPECT_EQ(e.stream_version(), i + 1);
    EXPECT_EQ(e.request_id(), "req-1");
    EXPECT_EQ(e.recorded_at().seconds(), absl::ToUnixSeconds(this->clock_.Now()));
    EXPECT_EQ(e.occurred_at().seconds(), 1'700'000'000);
    EXPECT_EQ(e.actor(), "user:alice");
    EXPECT_EQ(e.correlation_id(), "corr-1");
  }
  EXPECT_THAT(events[0].event_id(),
              ::testing::MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                      "[0-9a-f]{12}"));
  EXPECT_EQ(events[1].event_id(), "11111111-2222-4333-8444-555555555555");
  EXPECT_EQ(events[0].payload().value(), "a");
  EXPECT_EQ(events[1].payload().type_url(), "type.googleapis.com/salesperf.test.v1.Logged");
  ASSERT_OK_AND_ASSIGN(auto log, this->store().ReadLog(1, 10));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].SerializeAsString(), events[0].SerializeAsString());
  EXPECT_EQ(log[1].SerializeAsString(), events[1].SerializeAsString());
  EXPECT_EQ(this->store().source(), kSource);
}

TYPED_TEST(ConformanceTest, ExpectedVersionAnyNoStreamExact) {
  EventStore& store = this->store();
  EXPECT_THAT(store.Append(Request("s", ExpectedVersion::Exactly(1), {Event("E", "x")})),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(store.Append(Request("s", ExpectedVersion::NoStream(), {Event("E", "1")})), IsOk());
  EXPECT_THAT(store.Append(Request("s", ExpectedVersion::NoStream(), {Event("E", "x")})),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(store.Append(Request("s", ExpectedVersion::Exactly(0), {Event("E", "x")})),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(store.Append(Request("s", ExpectedVersion::Exactly(1), {Event("E", "2")})), IsOk());
  EXPECT_THAT(store.Append(Request("s", ExpectedVersion::Exactly(1), {Event("E", "x")})),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(store.Append(Request("s", ExpectedVersion::Exactly(3), {Event("E", "x")})),
              StatusIs(absl::StatusCode::kAborted));
  ASSERT_OK_AND_ASSIGN(AppendResult any,
                       store.Append(Request("s", ExpectedVersion::Any(), {Event("E", "3")})));
  EXPECT_EQ(any.stream_version, 3u);
  EXPECT_THAT(store.Append(Request("t", ExpectedVersion::Exactly(0), {Event("E", "1")})), IsOk());
  EXPECT_THAT(store.StreamVersion("s"), IsOkAndHolds(3u));
  EXPECT_THAT(store.StreamVersion("t"), IsOkAndHolds(1u));
  EXPECT_THAT(store.StreamVersion("unknown"), IsOkAndHolds(0u));
  EXPECT_EQ(store.HeadSequence(), 4u);
}

TYPED_TEST(ConformanceTest, StreamVersionsAnswersEachStreamInOrder) {
  EventStore& store = this->store();
  this->AppendOne("s", "1");
  this->AppendOne("s", "2");
  this->AppendOne("t", "1");
  // Prefixes of one another, and unknown streams between known ones.
  this->AppendOne("s2", "1");
  EXPECT_THAT(store.StreamVersions({"t", "unknown", "s", "s2", "s", "r"}),
              IsOkAndHolds(ElementsAre(1u, 0u, 2u, 1u, 2u, 0u)));
  EXPECT_THAT(store.StreamVersions({}), IsOkAndHolds(IsEmpty()));
  for (const char* stream : {"s", "t", "s2", "unknown"}) {
    ASSERT_OK_AND_ASSIGN(std::vector<uint64_t> one, store.StreamVersions({stream}));
    EXPECT_THAT(store.StreamVersion(stream), IsOkAndHolds(one.at(0))) << stream;
  }
}

TYPED_TEST(ConformanceTest, AbortedAppendWritesNothing) {
  EventStore& store = this->store();
  this->AppendOne("s", "1");
  EXPECT_THAT(store.Append(Request("s", ExpectedVersion::Exactly(5),
                                   {Event("E", "x"), Event("E", "y")}, "req-aborted")),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(store.HeadSequence(), 1u);
  EXPECT_THAT(store.StreamVersion("s"), IsOkAndHolds(1u));
  EXPECT_THAT(store.LookupRequest("req-aborted"), IsOkAndHolds(std::nullopt));
  EXPECT_EQ(this->AppendOne("other", "2").first_sequence, 2u);
  // The rejected request_id is free: the corrected command may use it.
  EXPECT_THAT(store.Append(Request("s", ExpectedVersion::Exactly(1),
                                   {Event("E", "x"), Event("E", "y")}, "req-aborted")),
              IsOk());
}

TYPED_TEST(ConformanceTest, IdempotentRetryReturnsFirstResultAndWritesNothing) {
  EventStore& store = this->store();
  this->AppendOne("s", "0");
  ASSERT_OK_AND_ASSIGN(AppendResult first,
                       store.Append(Request("s", ExpectedVersion::Exactly(1),
                                            {Event("E", "a"), Event("E", "b")}, "req-1")));
  this->AppendOne("s", "later");
  // The retry's expected version no longer holds; it is answered, not rejected.
  ASSERT_OK_AND_ASSIGN(AppendResult retry,
                       store.Append(Request("s", ExpectedVersion::Exactly(1),
                                            {Event("E", "a"), Event("E", "b")}, "req-1")));
  EXPECT_TRUE(retry.deduplicated);
  EXPECT_EQ(retry.first_sequence, first.first_sequence);
  EXPECT_EQ(retry.last_sequence, first.last_sequence);
  EXPECT_EQ(retry.stream_version, first.stream_version);
  EXPECT_EQ(store.HeadSequence(), 4u);
  EXPECT_THAT(store.StreamVersion("s"), IsOkAndHolds(4u));

  ASSERT_OK_AND_ASSIGN(std::optional<RequestRecord> record, store.LookupRequest("req-1"));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->stream_id, "s");
  EXPECT_FALSE(record->fingerprint.empty());
  EXPECT_EQ(record->result.first_sequence, 2u);
  EXPECT_EQ(record->result.last_sequence, 3u);
  EXPECT_EQ(record->result.stream_version, 3u);
  EXPECT_THAT(store.LookupRequest("never-seen"), IsOkAndHolds(std::nullopt));
}

TYPED_TEST(ConformanceTest, SameRequestIdWithDifferentContentIsRejected) {
  EventStore& store = this->store();
  ASSERT_THAT(store.Append(Request("s", ExpectedVersion::Any(), {Event("E", "a")}, "req-1")),
              IsOk());
  EXPECT_THAT(store.Append(Request("s", ExpectedVersion::Any(), {Event("E", "b")}, "req-1")),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(store.Append(Request("t", ExpectedVersion::Any(), {Event("E", "a")}, "req-1")),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(store.Append(Request("s", ExpectedVersion::Any(), {Event("F", "a")}, "req-1")),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(store.HeadSequence(), 1u);

  // A caller's own fingerprint decides: same fingerprint is a retry, another is a reuse.
  AppendRequest with_fp = Request("u", ExpectedVersion::Any(), {Event("E", "a")}, "req-2");
  with_fp.request_fingerprint = "cmd-hash-1";
  ASSERT_THAT(store.Append(with_fp), IsOk());
  AppendRequest same_fp = Request("u", ExpectedVersion::Any(), {Event("E", "changed")}, "req-2");
  same_fp.request_fingerprint = "cmd-hash-1";
  ASSERT_OK_AND_ASSIGN(AppendResult retry, store.Append(same_fp));
  EXPECT_TRUE(retry.deduplicated);
  AppendRequest other_fp = with_fp;
  other_fp.request_fingerprint = "cmd-hash-2";
  EXPECT_THAT(store.Append(other_fp), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(store.HeadSequence(), 2u);
}

TYPED_TEST(ConformanceTest, EmptyAppendWithRequestIdIsRecorded) {
  EventStore& store = this->store();
  this->AppendOne("s", "1");
  ASSERT_OK_AND_ASSIGN(AppendResult result,
                       store.Append(Request("s", ExpectedVersion::Exactly(1), {}, "req-noop")));
  EXPECT_EQ(result.first_sequence, 0u);
  EXPECT_EQ(result.last_sequence, 0u);
  EXPECT_EQ(result.stream_version, 1u);
  EXPECT_FALSE(result.deduplicated);
  EXPECT_EQ(store.HeadSequence(), 1u);
  ASSERT_OK_AND_ASSIGN(std::optional<RequestRecord> record, store.LookupRequest("req-noop"));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->result.stream_version, 1u);
  ASSERT_OK_AND_ASSIGN(AppendResult retry,
                       store.Append(Request("s", ExpectedVersion::Exactly(1), {}, "req-noop")));
  EXPECT_TRUE(retry.deduplicated);
  // The expected version still guards an empty append.
  EXPECT_THAT(store.Append(Request("s", ExpectedVersion::Exactly(7), {}, "req-noop-2")),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(store.LookupRequest("req-noop-2"), IsOkAndHolds(std::nullopt));
}

TYPED_TEST(ConformanceTest, InvalidRequestsAreRejectedAndWriteNothing) {
  EventStore& store = this->store();
  const auto invalid = StatusIs(absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(store.Append(Request("", ExpectedVersion::Any(), {Event("E", "x")})), invalid);
  EXPECT_THAT(store.Append(Request("has space", ExpectedVersion::Any(), {Event("E", "x")})),
              invalid);
  EXPECT_THAT(
      store.Append(Request(std::string("a\0b", 3), ExpectedVersion::Any(), {Event("E", "x")})),
      invalid);
  EXPECT_THAT(
      store.Append(Request(std::string(129, 's'), ExpectedVersion::Any(), {Event("E", "x")})),
      invalid);
  EXPECT_THAT(
      store.Append(Request("s", ExpectedVersion::Any(), {Event("E", "x")}, std::string(129, 'r'))),
      invalid);
  EXPECT_THAT(
      store.Append(Request("s", ExpectedVersion::Any(), {Event("E", "x"), EventEnvelope()})),
      invalid);
  EXPECT_THAT(store.Append(Request("s", ExpectedVersion::Any(), {})), invalid);
  EXPECT_EQ(store.HeadSequence(), 0u);

  // The limits themselves are accepted.
  EXPECT_THAT(store.Append(Request(std::string(128, 's'), ExpectedVersion::Any(), {Event("E", "x")},
                                   std::string(128, 'r'))),
              IsOk());
  EXPECT_THAT(store.Append(Request("Deal_7.a:b-c", ExpectedVersion::Any(), {Event("E", "x")})),
              IsOk());
}

TYPED_TEST(ConformanceTest, ReadStreamFromVersionWithMax) {
  EventStore& store = this->store();
  for (int i = 1; i <= 5; ++i) {
    this->AppendOne("a", absl::StrCat("a", i));
    this->AppendOne("a-b", absl::StrCat("ab", i));  // shares a prefix with "a"
  }
  ASSERT_OK_AND_ASSIGN(auto all, store.ReadStream("a", 0, 100));
  ASSERT_EQ(all.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(all[i].stream_id(), "a");
    EXPECT_EQ(all[i].stream_version(), static_cast<uint64_t>(i + 1));
    EXPECT_EQ(all[i].payload().value(), absl::StrCat("a", i + 1));
  }
  EXPECT_THAT(this->Sequences(all), ElementsAre(1, 3, 5, 7, 9));
  ASSERT_OK_AND_ASSIGN(auto middle, store.ReadStream("a", 2, 2));
  EXPECT_THAT(this->Sequences(middle), ElementsAre(3, 5));
  ASSERT_OK_AND_ASSIGN(auto tail, store.ReadStream("a-b", 4, 100));
  EXPECT_THAT(this->Sequences(tail), ElementsAre(8, 10));
  EXPECT_THAT(store.ReadStream("a", 6, 100), IsOkAndHolds(IsEmpty()));
  EXPECT_THAT(store.ReadStream("a", 1, 0), IsOkAndHolds(IsEmpty()));
  EXPECT_THAT(store.ReadStream("unknown", 1, 100), IsOkAndHolds(IsEmpty()));
  EXPECT_THAT(store.ReadStream("a-", 1, 100), IsOkAndHolds(IsEmpty()));
}

TYPED_TEST(ConformanceTest, ReadLogInBatches) {
  EventStore& store = this->store();
  EXPECT_THAT(store.ReadLog(1, 10), IsOkAndHolds(IsEmpty()));
  for (int i = 0; i < 25; ++i) this->AppendOne(absl::StrCat("s", i % 4), absl::StrCat(i));
  std::vector<uint64_t> seen;
  uint64_t next = 1;
  for (;;) {
    ASSERT_OK_AND_ASSIGN(auto batch, store.ReadLog(next, 10));
    if (batch.empty()) break;
    EXPECT_LE(batch.size(), 10u);
    for (const EventEnvelope& e : batch) {
      seen.push_back(e.sequence());
      EXPECT_EQ(e.payload().value(), absl::StrCat(e.sequence() - 1));
    }
    next = batch.back().sequence() + 1;
  }
  ASSERT_EQ(seen.size(), 25u);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i + 1);
  ASSERT_OK_AND_ASSIGN(auto from_zero, store.ReadLog(0, 3));
  EXPECT_THAT(this->Sequences(from_zero), ElementsAre(1, 2, 3));
  EXPECT_THAT(store.ReadLog(24, 0), IsOkAndHolds(IsEmpty()));
}

TYPED_TEST(ConformanceTest, HeadSequenceCountsEvents) {
  EventStore& store = this->store();
  EXPECT_EQ(store.HeadSequence(), 0u);
  this->AppendOne("s", "1");
  EXPECT_EQ(store.HeadSequence(), 1u);
  ASSERT_THAT(store.Append(Request("t", ExpectedVersion::Any(),
                                   {Event("E", "1"), Event("E", "2"), Event("E", "3")})),
              IsOk());
  EXPECT_EQ(store.HeadSequence(), 4u);
}

TYPED_TEST(ConformanceTest, WaitForSequenceReturnsAtOnceWhenAhead) {
  this->AppendOne("s", "1");
  // An hour-long timeout: if this blocked, the test would hang, not pass.
  EXPECT_EQ(this->store().WaitForSequence(0, absl::Hours(1)), 1u);
}

TYPED_TEST(ConformanceTest, WaitForSequenceTimesOutWithoutAppend) {
  this->AppendOne("s", "1");
  EXPECT_EQ(this->store().WaitForSequence(1, absl::Milliseconds(20)), 1u);
  EXPECT_EQ(this->store().WaitForSequence(5, absl::ZeroDuration()), 1u);
}

TYPED_TEST(ConformanceTest, WaitForSequenceWakesOnAppend) {
  EventStore& store = this->store();
  std::atomic<uint64_t> woke_at{0};
  std::thread waiter([&] { woke_at = store.WaitForSequence(0, absl::Hours(1)); });
  this->AppendOne("s", "1");
  waiter.join();
  EXPECT_EQ(woke_at.load(), 1u);
}

TYPED_TEST(ConformanceTest, ConcurrentAppendsToOneStreamHaveOneWinnerPerVersion) {
  EventStore& store = this->store();
  constexpr int kThreads = 8;
  constexpr int kAttempts = 500;
  struct Win {
    uint64_t version;
    std::string value;
  };
  std::vector<std::vector<Win>> wins(kThreads);
  std::vector<int> unexpected(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < kAttempts; ++k) {
        absl::StatusOr<uint64_t> version = store.StreamVersion("hot");
        if (!version.ok()) {
          ++unexpected[t];
          continue;
        }
        const std::string value = absl::StrCat(t, "-", k);
        absl::StatusOr<AppendResult> result =
            store.Append(Request("hot", ExpectedVersion::Exactly(*version), {Event("E", value)}));
        if (result.ok()) {
          wins[t].push_back({result->stream_version, value});
          if (result->stream_version != *version + 1) ++unexpected[t];
        } else if (result.status().code() != absl::StatusCode::kAborted) {
          ++unexpected[t];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();

  std::map<uint64_t, std::string> winner_of;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(unexpected[t], 0);
    for (const Win& w : wins[t]) {
      EXPECT_TRUE(winner_of.emplace(w.version, w.value).second) << "two winners of " << w.version;
    }
  }
  ASSERT_FALSE(winner_of.empty());
  const uint64_t n = winner_of.size();
  EXPECT_EQ(winner_of.begin()->first, 1u);
  EXPECT_EQ(winner_of.rbegin()->first, n);
  EXPECT_THAT(store.StreamVersion("hot"), IsOkAndHolds(n));
  EXPECT_EQ(store.HeadSequence(), n);
  ASSERT_OK_AND_ASSIGN(auto events, store.ReadStream("hot", 1, n + 1));
  ASSERT_EQ(events.size(), n);
  for (const EventEnvelope& e : events) {
    EXPECT_EQ(e.sequence(), e.stream_version());
    EXPECT_EQ(e.payload().value(), winner_of[e.stream_version()]);
  }
}

TYPED_TEST(ConformanceTest, ConcurrentAppendsAreGapFreeAndReadersNeverSeeAGap) {
  EventStore& store = this->store();
  constexpr int kThreads = 8;
  constexpr int kAppends = 500;
  constexpr uint64_t kTotal = kThreads * kAppends;

  // The reader follows the log as the outbox relay does: wait, read up to the head.
  std::vector<uint64_t> read_sequences;
  int reader_gaps = 0;
  std::thread reader([&] {
    uint64_t next = 1;
    while (next <= kTotal) {
      const uint64_t head = store.WaitForSequence(next - 1, absl::Hours(1));
      absl::StatusOr<std::vector<EventEnvelope>> batch = store.ReadLog(next, 1'000'000);
      if (!batch.ok() || batch->size() < head - next + 1) ++reader_gaps;
      if (!batch.ok()) return;
      for (const EventEnvelope& e : *batch) {
        if (e.sequence() != next) ++reader_gaps;
        read_sequences.push_back(e.sequence());
        next = e.sequence() + 1;
      }
    }
  });
  std::vector<std::thread> writers;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int k = 0; k < kAppends; ++k) {
        const std::string stream = absl::StrCat("rep-", t, "-", k % 7);
        absl::StatusOr<AppendResult> result =
            store.Append(Request(stream, ExpectedVersion::Exactly(k / 7), {Event("E", "x")},
                                 absl::StrCat("req-", t, "-", k)));
        if (!result.ok()) ++failures[t];
      }
    });
  }
  for (std::thread& t : writers) t.join();
  reader.join();

  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0);
  EXPECT_EQ(reader_gaps, 0);
  ASSERT_EQ(read_sequences.size(), kTotal);
  for (uint64_t i = 0; i < kTotal; ++i) ASSERT_EQ(read_sequences[i], i + 1);
  EXPECT_EQ(store.HeadSequence(), kTotal);
  ASSERT_OK_AND_ASSIGN(auto log, store.ReadLog(1, kTotal + 10));
  ASSERT_EQ(log.size(), kTotal);
  std::map<std::string, uint64_t> last_version;
  std::set<std::string> event_ids;
  for (uint64_t i = 0; i < kTotal; ++i) {
    ASSERT_EQ(log[i].sequence(), i + 1);
    // Within each stream versions rise by one in sequence order.
    EXPECT_EQ(log[i].stream_version(), ++last_version[log[i].stream_id()]);
    event_ids.insert(log[i].event_id());
  }
  EXPECT_EQ(event_ids.size(), kTotal);
}

TYPED_TEST(ConformanceTest, AppendMultiWritesEveryStreamWithConsecutiveSequences) {
  EventStore& store = this->store();
  this->AppendOne("a", "a1");
  ASSERT_OK_AND_ASSIGN(
      MultiAppendResult result,
      store.AppendMulti(
          Multi({Part("a", ExpectedVersion::Exactly(1), {Event("E", "a2"), Event("E", "a3")}),
                 Part("b", ExpectedVersion::NoStream(), {Event("E", "b1")})},
                "req-multi")));
  EXPECT_EQ(result, (MultiAppendResult{2, 4, {3, 1}, false}));
  EXPECT_EQ(store.HeadSequence(), 4u);
  EXPECT_THAT(store.StreamVersion("a"), IsOkAndHolds(3u));
  EXPECT_THAT(store.StreamVersion("b"), IsOkAndHolds(1u));

  ASSERT_OK_AND_ASSIGN(auto log, store.ReadLog(2, 10));
  ASSERT_EQ(log.size(), 3u);
  const std::vector<std::pair<std::string, uint64_t>> placed = {{"a", 2}, {"a", 3}, {"b", 1}};
  const std::vector<std::string> values = {"a2", "a3", "b1"};
  for (size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].sequence(), i + 2);
    EXPECT_EQ(log[i].stream_id(), placed[i].first);
    EXPECT_EQ(log[i].stream_version(), placed[i].second);
    EXPECT_EQ(log[i].payload().value(), values[i]);
    EXPECT_EQ(log[i].request_id(), "req-multi");
    EXPECT_EQ(log[i].source(), kSource);
  }
  ASSERT_OK_AND_ASSIGN(auto b, store.ReadStream("b", 1, 10));
  EXPECT_THAT(this->Sequences(b), ElementsAre(4));

  ASSERT_OK_AND_ASSIGN(std::optional<RequestRecord> record, store.LookupRequest("req-multi"));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->stream_id, "");
  EXPECT_EQ(record->result.first_sequence, 2u);
  EXPECT_EQ(record->result.last_sequence, 4u);
  EXPECT_EQ(record->streams, (std::vector<std::pair<std::string, uint64_t>>{{"a", 3}, {"b", 1}}));
}

TYPED_TEST(ConformanceTest, AppendMultiAsyncAnswersOnceWithAppendMultisResult) {
  EventStore& store = this->store();
  this->AppendOne("a", "a1");
  std::vector<absl::StatusOr<MultiAppendResult>> answers;
  auto record = [&answers](absl::StatusOr<MultiAppendResult> r) { answers.push_back(std::move(r)); };
  store.AppendMultiAsync(Multi({Part("a", ExpectedVersion::Exactly(1), {Event("E", "a2")}),
                                Part("b", ExpectedVersion::NoStream(), {Event("E", "b1")})},
                               "req-async"),
                         record);
  // A retry is deduplicated, a stale expected version is ABORTED, and a request the store
  // rejects before queueing it is answered too.
  store.AppendMultiAsync(Multi({Part("a", ExpectedVersion::Exactly(1), {Event("E", "a2")}),
                                Part("b", ExpectedVersion::NoStream(), {Event("E", "b1")})},
                               "req-async"),
                         record);
  store.AppendMultiAsync(Multi({Part("a", ExpectedVersion::Exactly(1), {Event("E", "x")})}),
                         record);
  store.AppendMultiAsync(Multi({}), record);
  // Nothing else appends, so each request led its own group on this thread.
  ASSERT_EQ(answers.size(), 4u);
  ASSERT_THAT(answers[0], IsOk());
  EXPECT_EQ(*answers[0], (MultiAppendResult{2, 3, {2, 1}, false}));
  ASSERT_THAT(answers[1], IsOk());
  EXPECT_EQ(*answers[1], (MultiAppendResult{2, 3, {2, 1}, true}));
  EXPECT_THAT(answers[2], StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(answers[3], StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(store.HeadSequence(), 3u);
}

TYPED_TEST(ConformanceTest, AppendMultiConflictOnALaterStreamWritesNothing) {
  EventStore& store = this->store();
  this->AppendOne("a", "a1");
  this->AppendOne("b", "b1");
  EXPECT_THAT(store.AppendMulti(Multi({Part("a", ExpectedVersion::Exactly(1), {Event("E", "x")}),
                                       Part("b", ExpectedVersion::Exactly(5), {Event("E", "y")}),
                                       Part("c", ExpectedVersion::Exactly(9), {Event("E", "z")})},
                                      "req-conflict")),
              StatusIs(absl::StatusCode::kAborted, ::testing::HasSubstr("stream b ")));
  EXPECT_EQ(store.HeadSequence(), 2u);
  EXPECT_THAT(store.StreamVersion("a"), IsOkAndHolds(1u));
  EXPECT_THAT(store.StreamVersion("c"), IsOkAndHolds(0u));
  EXPECT_THAT(store.ReadStream("a", 2, 10), IsOkAndHolds(IsEmpty()));
  EXPECT_THAT(store.LookupRequest("req-conflict"), IsOkAndHolds(std::nullopt));
  // The next append takes the very next sequence, and the request_id is still free.
  ASSERT_OK_AND_ASSIGN(
      MultiAppendResult ok,
      store.AppendMulti(Multi({Part("a", ExpectedVersion::Exactly(1), {Event("E", "x")}),
                               Part("b", ExpectedVersion::Exactly(1), {Event("E", "y")})},
                              "req-conflict")));
  EXPECT_EQ(ok, (MultiAppendResult{3, 4, {2, 2}, false}));
}

TYPED_TEST(ConformanceTest, AppendMultiGuardStreamWithoutEventsIsChecked) {
  EventStore& store = this->store();
  this->AppendOne("quota", "q1");
  // "quota" is read by the command but not changed: its version guards the write.
  EXPECT_THAT(store.AppendMulti(Multi({Part("quota", ExpectedVersion::Exactly(0), {}),
                                       Part("target", ExpectedVersion::Any(), {Event("E", "t")})})),
              StatusIs(absl::StatusCode::kAborted));
  ASSERT_OK_AND_ASSIGN(
      MultiAppendResult result,
      store.AppendMulti(Multi({Part("quota", ExpectedVersion::Exactly(1), {}),
                               Part("target", ExpectedVersion::Any(), {Event("E", "t")})})));
  EXPECT_EQ(result, (MultiAppendResult{2, 2, {1, 1}, false}));
  EXPECT_THAT(store.StreamVersion("quota"), IsOkAndHolds(1u));
  EXPECT_EQ(store.HeadSequence(), 2u);
}

TYPED_TEST(ConformanceTest, AppendMultiIdempotentRetry) {
  EventStore& store = this->store();
  auto request = [] {
    return Multi({Part("a", ExpectedVersion::NoStream(), {Event("E", "a1")}),
                  Part("b", ExpectedVersion::NoStream(), {Event("E", "b1"), Event("E", "b2")})},
                 "req-1");
  };
  ASSERT_OK_AND_ASSIGN(MultiAppendResult first, store.AppendMulti(request()));
  EXPECT_EQ(first, (MultiAppendResult{1, 3, {1, 2}, false}));
  this->AppendOne("a", "later");
  ASSERT_OK_AND_ASSIGN(MultiAppendResult retry, store.AppendMulti(request()));
  EXPECT_EQ(retry, (MultiAppendResult{1, 3, {1, 2}, true}));
  EXPECT_EQ(store.HeadSequence(), 4u);

  MultiAppendRequest other_content = request();
  other_content.streams[1].events.pop_back();
  EXPECT_THAT(store.AppendMulti(other_content), StatusIs(absl::StatusCode::kAlreadyExists));
  MultiAppendRequest other_streams = request();
  other_streams.streams.pop_back();
  other_streams.request_fingerprint = "x";
  EXPECT_THAT(store.AppendMulti(other_streams), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(store.Append(Request("a", ExpectedVersion::Any(), {Event("E", "a1")}, "req-1")),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(store.HeadSequence(), 4u);

  // A one-stream AppendMulti and the equivalent Append are retries of each other.
  ASSERT_OK_AND_ASSIGN(AppendResult single, store.Append(Request("c", ExpectedVersion::Any(),
                                                                 {Event("E", "c")}, "req-2")));
  ASSERT_OK_AND_ASSIGN(
      MultiAppendResult as_multi,
      store.AppendMulti(Multi({Part("c", ExpectedVersion::Any(), {Event("E", "c")})}, "req-2")));
  EXPECT_EQ(as_multi,
            (MultiAppendResult{
                single.first_sequence, single.last_sequence, {single.stream_version}, true}));
  ASSERT_OK_AND_ASSIGN(
      MultiAppendResult multi_first,
      store.AppendMulti(Multi({Part("d", ExpectedVersion::Any(), {Event("E", "d")})}, "req-3")));
  ASSERT_OK_AND_ASSIGN(AppendResult as_single, store.Append(Request("d", ExpectedVersion::Any(),
                                                                    {Event("E", "d")}, "req-3")));
  EXPECT_EQ(as_single, (AppendResult{multi_first.first_sequence, multi_first.last_sequence,
                                     multi_first.stream_versions[0], true}));
  ASSERT_OK_AND_ASSIGN(std::optional<RequestRecord> record, store.LookupRequest("req-3"));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->stream_id, "d");
  EXPECT_EQ(record->result.stream_version, 1u);
  EXPECT_EQ(record->streams, (std::vector<std::pair<std::string, uint64_t>>{{"d", 1}}));
}

TYPED_TEST(ConformanceTest, AppendMultiRejectsMalformedRequests) {
  EventStore& store = this->store();
  const auto invalid = StatusIs(absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(store.AppendMulti(Multi({}, "req")), invalid);
  EXPECT_THAT(store.AppendMulti(Multi({Part("s", ExpectedVersion::Any(), {Event("E", "1")}),
                                       Part("t", ExpectedVersion::Any(), {Event("E", "2")}),
                                       Part("s", ExpectedVersion::Any(), {Event("E", "3")})})),
              invalid);
  EXPECT_THAT(store.AppendMulti(Multi(
                  {Part("s", ExpectedVersion::Any(), {}), Part("t", ExpectedVersion::Any(), {})})),
              invalid);
  EXPECT_THAT(store.AppendMulti(Multi({Part("s", ExpectedVersion::Any(), {Event("E", "1")}),
                                       Part("bad id", ExpectedVersion::Any(), {Event("E", "2")})})),
              invalid);
  EXPECT_EQ(store.HeadSequence(), 0u);
  EXPECT_THAT(store.StreamVersion("s"), IsOkAndHolds(0u));
}

// Multi-appends to pairs of streams race with single appends to the same streams: every
// (stream, version) has exactly one winner, the log has no gap, and a multi-append's
// events sit together in the log.
TYPED_TEST(ConformanceTest, ConcurrentMultiAndSingleAppendsOnOverlappingStreams) {
  EventStore& store = this->store();
  constexpr int kThreads = 8;
  constexpr int kAttempts = 300;
  const std::vector<std::string> streams = {"h0", "h1", "h2", "h3"};
  struct Win {
    std::string stream;
    uint64_t version;
    std::string value;
  };
  std::vector<std::vector<Win>> wins(kThreads);
  std::vector<int> unexpected(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(1234 + t);
      for (int k = 0; k < kAttempts; ++k) {
        const std::string value = absl::StrCat(t, "-", k);
        const size_t first = rng() % streams.size();
        const size_t second = (first + 1 + rng() % (streams.size() - 1)) % streams.size();
        std::vector<std::string> chosen = {streams[first]};
        if (t % 2 == 0) chosen.push_back(streams[second]);  // even threads: multi-appends
        MultiAppendRequest request;
        bool read_failed = false;
        for (const std::string& stream : chosen) {
          absl::StatusOr<uint64_t> version = store.StreamVersion(stream);
          if (!version.ok()) {
            read_failed = true;
            break;
          }
          request.streams.push_back(Part(stream, ExpectedVersion::Exactly(*version),
                                         {Event("E", absl::StrCat(value, "@", stream))}));
        }
        if (read_failed) {
          ++unexpected[t];
          continue;
        }
        absl::StatusOr<MultiAppendResult> result;
        if (t % 2 == 0) {
          result = store.AppendMulti(request);
        } else {
          StreamAppend& only = request.streams[0];
          absl::StatusOr<AppendResult> single =
              store.Append(Request(only.stream_id, only.expected_version, only.events));
          if (single.ok()) {
            result = MultiAppendResult{
                single->first_sequence, single->last_sequence, {single->stream_version}, false};
          } else {
            result = single.status();
          }
        }
        if (!result.ok()) {
          if (result.status().code() != absl::StatusCode::kAborted) ++unexpected[t];
          continue;
        }
        if (result->last_sequence - result->first_sequence + 1 != request.streams.size()) {
          ++unexpected[t];
        }
        for (size_t i = 0; i < request.streams.size(); ++i) {
          const StreamAppend& part = request.streams[i];
          if (result->stream_versions[i] != part.expected_version.version + 1) ++unexpected[t];
          wins[t].push_back({part.stream_id, result->stream_versions[i],
                             absl::StrCat(value, "@", part.stream_id)});
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();

  std::map<std::pair<std::string, uint64_t>, std::string> winner_of;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(unexpected[t], 0);
    for (const Win& w : wins[t]) {
      EXPECT_TRUE(winner_of.emplace(std::make_pair(w.stream, w.version), w.value).second)
          << "two winners of " << w.stream << " v" << w.version;
    }
  }
  ASSERT_OK_AND_ASSIGN(auto log, store.ReadLog(1, 1'000'000));
  ASSERT_EQ(log.size(), winner_of.size());
  EXPECT_EQ(store.HeadSequence(), log.size());
  std::map<std::string, uint64_t> last_version;
  std::map<std::string, uint64_t> first_sequence_of_value;  // "t-k" -> first sequence seen
  for (uint64_t i = 0; i < log.size(); ++i) {
    const EventEnvelope& e = log[i];
    ASSERT_EQ(e.sequence(), i + 1);
    EXPECT_EQ(e.stream_version(), ++last_version[e.stream_id()]);
    EXPECT_EQ(e.payload().value(), winner_of[std::make_pair(e.stream_id(), e.stream_version())]);
    // Both events of one multi-append ("t-k@x", "t-k@y") are adjacent in the log.
    const std::string attempt = e.payload().value().substr(0, e.payload().value().find('@'));
    auto [it, inserted] = first_sequence_of_value.emplace(attempt, e.sequence());
    if (!inserted) {
      EXPECT_EQ(e.sequence(), it->second + 1) << attempt;
    }
  }
  for (const std::string& stream : streams) {
    EXPECT_THAT(store.StreamVersion(stream), IsOkAndHolds(last_version[stream]));
  }
}

}  // namespace
}  // namespace salesperf::eventstore
