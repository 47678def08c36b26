#include "libs/bus/outbox_relay.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/bus/kafka_publisher.h"
#include "libs/bus/kafka_test_util.h"
#include "libs/eventstore/memory_event_store.h"
#include "libs/testing/dev_kafka.h"
#include "libs/testing/status_matchers.h"
#include "libs/testing/temp_dir.h"
#include "prometheus/registry.h"

namespace salesperf::bus {
namespace {

using ::salesperf::bus::testing::ConsumedRecord;
using ::salesperf::bus::testing::ReadTopic;
using ::salesperf::eventstore::AppendRequest;
using ::salesperf::eventstore::EventEnvelope;
using ::salesperf::eventstore::MemoryEventStore;
using ::salesperf::eventstore::MemoryEventStoreOptions;
using ::salesperf::testing::DevKafka;
using ::salesperf::testing::IsOk;
using ::salesperf::testing::TempDir;
using ::testing::ElementsAreArray;

constexpr absl::Duration kWait = absl::Seconds(60);

std::unique_ptr<MemoryEventStore> NewStore() {
  MemoryEventStoreOptions options;
  options.source = "activity";
  options.event_id_seed = 7;
  return std::make_unique<MemoryEventStore>(options);
}

// Appends `count` events, one per Append, round-robin over `streams` streams.
void AppendEvents(eventstore::EventStore& store, int count, int streams = 50) {
  for (int i = 0; i < count; ++i) {
    AppendRequest request;
    request.stream_id = absl::StrCat("deal-", i % streams);
    EventEnvelope event;
    event.mutable_occurred_at()->set_seconds(1'795'000'000 + i);
    event.mutable_payload()->set_type_url("type.googleapis.com/salesperf.activity.v1.CallLogged");
    event.mutable_payload()->set_value(absl::StrCat("call ", i));
    event.set_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    request.events.push_back(std::move(event));
    ASSERT_THAT(store.Append(std::move(request)), IsOk());
  }
}

double MetricValue(prometheus::Registry& registry, const std::string& name) {
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name != name || family.metric.empty()) continue;
    const prometheus::ClientMetric& m = family.metric[0];
    EXPECT_EQ(m.label.size(), 1u);
    EXPECT_EQ(m.label[0].name, "source");
    EXPECT_EQ(m.label[0].value, "activity");
    return family.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
  }
  return -1;
}

// A Publisher whose delivery reports the test decides, delivered on the relay's thread
// from Poll() as a real one would.
class FakePublisher final : public Publisher {
 public:
  explicit FakePublisher(DeliveryCallback callback) : callback_(std::move(callback)) {}

  absl::Status Publish(Record record) override {
    absl::MutexLock lock(&mu_);
    published_.push_back(record.tag);
    ++in_flight_;
    max_in_flight_ = std::max(max_in_flight_, in_flight_);
    changed_.SignalAll();
    return absl::OkStatus();
  }
  int Poll(absl::Duration timeout) override {
    std::vector<DeliveryReport> ready;
    {
      absl::MutexLock lock(&mu_);
      absl::Time deadline = absl::Now() + timeout;
      while (outcomes_.empty() && !changed_.WaitWithDeadline(&mu_, deadline)) {
      }
      ready.swap(outcomes_);
    }
    for (const DeliveryReport& r : ready) {
      callback_(r);
      absl::MutexLock lock(&mu_);
      --in_flight_;
    }
    return static_cast<int>(ready.size());
  }
  absl::Status Flush(absl::Duration timeout) override {
    absl::Time deadline = absl::Now() + timeout;
    while (InFlight() > 0 && absl::Now() < deadline) Poll(absl::Milliseconds(10));
    return InFlight() == 0 ? absl::OkStatus() : absl::DeadlineExceededError("in flight");
  }
  size_t InFlight() const override {
    absl::MutexLock lock(&mu_);
    return in_flight_;
  }

  // Test side: report the record tagged `tag`.
  void Report(uint64_t tag, absl::Status status) {
    absl::MutexLock lock(&mu_);
    outcomes_.push_back({tag, std::move(status), 0, 0});
    changed_.SignalAll();
  }
  // Waits until `n` records were published in total; returns the tags in order.
  std::vector<uint64_t> AwaitPublished(size_t n) {
    absl::MutexLock lock(&mu_);
    absl::Time deadline = absl::Now() + kWait;
    while (published_.size() < n && !changed_.WaitWithDeadline(&mu_, deadline)) {
    }
    return published_;
  }
  size_t max_in_flight() const {
    absl::MutexLock lock(&mu_);
    return max_in_flight_;
  }

 private:
  const DeliveryCallback callback_;
  mutable absl::Mutex mu_;
  absl::CondVar changed_;
  std::vector<uint64_t> published_ ABSL_GUARDED_BY(mu_);
  std::vector<DeliveryReport> outcomes_ ABSL_GUARDED_BY(mu_);
  size_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  size_t max_in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

// The relay owns its publisher; the factory hands the test a pointer to it.
PublisherFactory FakeFactory(FakePublisher** out) {
  return [out](DeliveryCallback callback) -> absl::StatusOr<PublisherPtr> {
    auto publisher = std::make_unique<FakePublisher>(std::move(callback));
    *out = publisher.get();
    return PublisherPtr(std::move(publisher));
  };
}

std::vector<uint64_t> Range(uint64_t first, uint64_t last) {
  std::vector<uint64_t> v;
  for (uint64_t s = first; s <= last; ++s) v.push_back(s);
  return v;
}

TEST(OutboxRelayTest, CursorMovesOnlyPastTheDeliveredPrefix) {
  auto store = NewStore();
  AppendEvents(*store, 5);
  MemoryCursorStore cursors;
  FakePublisher* publisher = nullptr;
  OutboxRelay relay(store.get(), FakeFactory(&publisher), &cursors);
  ASSERT_THAT(relay.Start(), IsOk());
  EXPECT_THAT(publisher->AwaitPublished(5), ElementsAreArray(Range(1, 5)));

  publisher->Report(2, absl::OkStatus());
  publisher->Report(3, absl::OkStatus());
  publisher->Report(5, absl::OkStatus());
  publisher->Report(1, absl::OkStatus());
  ASSERT_TRUE(relay.WaitForCursor(3, kWait));
  EXPECT_EQ(relay.Stats().cursor, 3u);  // 4 is not delivered, so 5 does not count yet

  publisher->Report(4, absl::OkStatus());
  ASSERT_TRUE(relay.WaitForCursor(5, kWait));
  ASSERT_THAT(relay.Stop(), IsOk());
  EXPECT_EQ(*cursors.Load(), 5u);
  EXPECT_EQ(relay.Stats().published, 5u);
}

TEST(OutboxRelayTest, FailedDeliveryPublishesAgainFromTheCursor) {
  auto store = NewStore();
  AppendEvents(*store, 5);
  MemoryCursorStore cursors;
  FakePublisher* publisher = nullptr;
  OutboxRelayOptions options;
  options.retry_backoff = absl::ZeroDuration();
  OutboxRelay relay(store.get(), FakeFactory(&publisher), &cursors, options);
  ASSERT_THAT(relay.Start(), IsOk());
  publisher->AwaitPublished(5);
  publisher->Report(1, absl::OkStatus());
  publisher->Report(2, absl::UnavailableError("broker went away"));
  for (uint64_t s = 3; s <= 5; ++s) publisher->Report(s, absl::OkStatus());

  // 3..5 got through, but only the cursor (1) counts: everything after it goes again.
  std::vector<uint64_t> expected = Range(1, 5);
  for (uint64_t s = 2; s <= 5; ++s) expected.push_back(s);
  EXPECT_THAT(publisher->AwaitPublished(9), ElementsAreArray(expected));
  for (uint64_t s = 2; s <= 5; ++s) publisher->Report(s, absl::OkStatus());
  ASSERT_TRUE(relay.WaitForCursor(5, kWait));
  ASSERT_THAT(relay.Stop(), IsOk());
  EXPECT_EQ(relay.Stats().errors, 1u);
  EXPECT_EQ(relay.Stats().rewinds, 1u);
}

TEST(OutboxRelayTest, InFlightWindowIsBounded) {
  auto store = NewStore();
  AppendEvents(*store, 40);
  MemoryCursorStore cursors;
  FakePublisher* publisher = nullptr;
  OutboxRelayOptions options;
  options.max_pending_events = 3;
  OutboxRelay relay(store.get(), FakeFactory(&publisher), &cursors, options);
  ASSERT_THAT(relay.Start(), IsOk());
  for (uint64_t s = 1; s <= 40; ++s) {
    publisher->AwaitPublished(s);
    publisher->Report(s, absl::OkStatus());
  }
  ASSERT_TRUE(relay.WaitForCursor(40, kWait));
  // The relay owns the publisher: look at it before Stop() destroys it.
  EXPECT_LE(publisher->max_in_flight(), 3u);
  EXPECT_THAT(publisher->AwaitPublished(40), ElementsAreArray(Range(1, 40)));
  ASSERT_THAT(relay.Stop(), IsOk());
}

TEST(OutboxRelayTest, ResumesAfterThePersistedCursorAndTailsNewEvents) {
  TempDir dir;
  FileCursorStore cursors(dir.Sub("cursor"));
  ASSERT_THAT(cursors.Save(3), IsOk());
  auto store = NewStore();
  AppendEvents(*store, 5);
  prometheus::Registry registry;
  FakePublisher* publisher = nullptr;
  OutboxRelayOptions options;
  options.registry = &registry;
  OutboxRelay relay(store.get(), FakeFactory(&publisher), &cursors, options);
  ASSERT_THAT(relay.Start(), IsOk());
  EXPECT_THAT(publisher->AwaitPublished(2), ElementsAreArray({4u, 5u}));
  AppendEvents(*store, 2);  // tailed, not only read once
  EXPECT_THAT(publisher->AwaitPublished(4), ElementsAreArray({4u, 5u, 6u, 7u}));
  for (uint64_t s = 4; s <= 7; ++s) publisher->Report(s, absl::OkStatus());
  ASSERT_TRUE(relay.WaitForCursor(7, kWait));
  ASSERT_THAT(relay.Stop(), IsOk());
  EXPECT_EQ(*cursors.Load(), 7u);
  EXPECT_EQ(MetricValue(registry, "salesperf_outbox_cursor_sequence"), 7);
  EXPECT_EQ(MetricValue(registry, "salesperf_outbox_pending_events"), 0);
  EXPECT_EQ(MetricValue(registry, "salesperf_outbox_published_total"), 4);
  EXPECT_EQ(MetricValue(registry, "salesperf_outbox_publish_errors_total"), 0);
}

// --- Against salesperf-devkafka -------------------------------------------------------

PublisherFactory KafkaFactory(const std::string& bootstrap, KafkaPublisher** out = nullptr) {
  return [bootstrap, out](DeliveryCallback callback) -> absl::StatusOr<PublisherPtr> {
    KafkaPublisherOptions options;
    options.bootstrap_servers = bootstrap;
    // Reconnect soon after an outage ends (librdkafka backs off up to 10 s by default).
    options.properties = {{"reconnect.backoff.max.ms", "500"}};
    absl::StatusOr<std::unique_ptr<KafkaPublisher>> publisher =
        KafkaPublisher::Create(options, std::move(callback));
    if (!publisher.ok()) return publisher.status();
    if (out != nullptr) *out = publisher->get();
    return PublisherPtr(*std::move(publisher));
  };
}

// Decodes every record of the topic and checks the contract of each: key, headers,
// value. Returns the sequences per partition in offset order.
std::map<int32_t, std::vector<uint64_t>> CheckRecords(const std::vector<ConsumedRecord>& records,
                                                      eventstore::EventStore& store) {
  std::map<int32_t, std::vector<uint64_t>> by_partition;
  absl::StatusOr<std::vector<EventEnvelope>> log = store.ReadLog(1, 1'000'000);
  EXPECT_THAT(log, IsOk());
  for (const ConsumedRecord& r : records) {
    EventEnvelope e;
    EXPECT_TRUE(e.ParseFromString(r.value));
    EXPECT_GE(e.sequence(), 1u);
    EXPECT_LE(e.sequence(), log->size());
    if (e.sequence() < 1 || e.sequence() > log->size()) continue;
    EXPECT_EQ(e.SerializeAsString(), (*log)[e.sequence() - 1].SerializeAsString());
    EXPECT_EQ(r.key, e.stream_id());
    EXPECT_EQ(r.HeaderValue("ce_specversion"), "1.0");
    EXPECT_EQ(r.HeaderValue("ce_id"), e.event_id());
    EXPECT_EQ(r.HeaderValue("ce_source"), "/salesperf/activity");
    EXPECT_EQ(r.HeaderValue("ce_type"), "salesperf.activity.v1.CallLogged");
    EXPECT_EQ(r.HeaderValue("ce_subject"), e.stream_id());
    EXPECT_EQ(r.HeaderValue("content-type"), "application/protobuf");
    EXPECT_EQ(r.HeaderValue("traceparent"), e.traceparent());
    EXPECT_NE(r.HeaderValue("ce_time"), "<absent>");
    by_partition[r.partition].push_back(e.sequence());
  }
  return by_partition;
}

// What a consumer de-duplicating by the highest sequence per partition would apply.
std::set<uint64_t> AppliedByHighWaterMark(
    const std::map<int32_t, std::vector<uint64_t>>& by_partition) {
  std::set<uint64_t> applied;
  for (const auto& [partition, sequences] : by_partition) {
    uint64_t high = 0;
    for (uint64_t s : sequences) {
      if (s <= high) continue;
      high = s;
      EXPECT_TRUE(applied.insert(s).second);
    }
  }
  return applied;
}

std::set<uint64_t> AllSequences(uint64_t last) {
  std::set<uint64_t> all;
  for (uint64_t s = 1; s <= last; ++s) all.insert(s);
  return all;
}

TEST(OutboxRelayKafkaTest, Relays10kEventsAndResumesFromThePersistedCursor) {
  ASSERT_OK_AND_ASSIGN(auto kafka, DevKafka::Start());
  TempDir dir;
  auto store = NewStore();
  AppendEvents(*store, 10'000);
  {
    FileCursorStore cursors(dir.Sub("cursor"));
    OutboxRelay relay(store.get(), KafkaFactory(kafka->bootstrap()), &cursors);
    ASSERT_THAT(relay.Start(), IsOk());
    ASSERT_TRUE(relay.WaitForCursor(10'000, kWait));
    ASSERT_THAT(relay.Stop(), IsOk());
    EXPECT_EQ(*cursors.Load(), 10'000u);
  }
  AppendEvents(*store, 1'000);
  {
    FileCursorStore cursors(dir.Sub("cursor"));
    OutboxRelay relay(store.get(), KafkaFactory(kafka->bootstrap()), &cursors);
    ASSERT_THAT(relay.Start(), IsOk());
    ASSERT_TRUE(relay.WaitForCursor(11'000, kWait));
    ASSERT_THAT(relay.Stop(), IsOk());
  }
  ASSERT_OK_AND_ASSIGN(
      std::vector<ConsumedRecord> records,
      ReadTopic(kafka->bootstrap(), "salesperf.activity.events.v1", 6, 11'000, kWait));
  std::map<int32_t, std::vector<uint64_t>> by_partition = CheckRecords(records, *store);
  // No failure, no restart below the cursor: every event exactly once, in order within
  // its partition.
  EXPECT_EQ(records.size(), 11'000u);
  for (const auto& [partition, sequences] : by_partition) {
    EXPECT_TRUE(std::is_sorted(sequences.begin(), sequences.end())) << partition;
  }
  EXPECT_EQ(AppliedByHighWaterMark(by_partition), AllSequences(11'000));
}

TEST(OutboxRelayKafkaTest, RidesOutABrokerOutageWithoutBlockingAppends) {
  ASSERT_OK_AND_ASSIGN(auto kafka, DevKafka::Start());
  auto store = NewStore();
  MemoryCursorStore cursors;
  prometheus::Registry registry;
  OutboxRelayOptions options;
  options.registry = &registry;
  options.max_pending_events = 500;  // smaller than the backlog: memory stays bounded
  OutboxRelay relay(store.get(), KafkaFactory(kafka->bootstrap()), &cursors, options);
  ASSERT_THAT(relay.Start(), IsOk());
  AppendEvents(*store, 1'000);
  ASSERT_TRUE(relay.WaitForCursor(1'000, kWait));

  ASSERT_THAT(kafka->BrokerDown(DevKafka::kAllBrokers), IsOk());
  AppendEvents(*store, 2'000);  // the outbox holds them: every append succeeds
  EXPECT_EQ(store->HeadSequence(), 3'000u);
  // The backlog shows in the pending metric (the relay updates it on its own thread).
  absl::Time deadline = absl::Now() + kWait;
  while (MetricValue(registry, "salesperf_outbox_pending_events") < 2'000 &&
         absl::Now() < deadline) {
    relay.WaitForCursor(3'000, absl::Milliseconds(10));
  }
  EXPECT_EQ(MetricValue(registry, "salesperf_outbox_pending_events"), 2'000);
  EXPECT_EQ(relay.Stats().cursor, 1'000u);
  // Keep the brokers down a while, so that librdkafka goes through its reconnect and
  // retry paths rather than just a blip.
  absl::SleepFor(absl::Seconds(2));
  EXPECT_EQ(relay.Stats().cursor, 1'000u);
  ASSERT_THAT(kafka->BrokerUp(DevKafka::kAllBrokers), IsOk());

  ASSERT_TRUE(relay.WaitForCursor(3'000, kWait));
  ASSERT_THAT(relay.Stop(), IsOk());
  EXPECT_EQ(MetricValue(registry, "salesperf_outbox_pending_events"), 0);
  EXPECT_GE(MetricValue(registry, "salesperf_outbox_published_total"), 3'000);

  ASSERT_OK_AND_ASSIGN(
      std::vector<ConsumedRecord> records,
      ReadTopic(kafka->bootstrap(), "salesperf.activity.events.v1", 6, 3'000, kWait));
  std::map<int32_t, std::vector<uint64_t>> by_partition = CheckRecords(records, *store);
  // Nothing lost for a consumer that skips what it has seen; in order per key.
  EXPECT_EQ(AppliedByHighWaterMark(by_partition), AllSequences(3'000));
}

TEST(OutboxRelayKafkaTest, RebuildsTheProducerAfterAFatalError) {
  ASSERT_OK_AND_ASSIGN(auto kafka, DevKafka::Start());
  auto store = NewStore();
  MemoryCursorStore cursors;
  KafkaPublisher* publisher = nullptr;
  OutboxRelayOptions options;
  options.retry_backoff = absl::Milliseconds(10);
  OutboxRelay relay(store.get(), KafkaFactory(kafka->bootstrap(), &publisher), &cursors, options);
  ASSERT_THAT(relay.Start(), IsOk());
  AppendEvents(*store, 500);
  ASSERT_TRUE(relay.WaitForCursor(500, kWait));
  ASSERT_THAT(publisher->TriggerFatalErrorForTesting(), IsOk());
  AppendEvents(*store, 500);
  ASSERT_TRUE(relay.WaitForCursor(1'000, kWait));
  EXPECT_EQ(publisher->rebuilds(), 1u);
  ASSERT_THAT(relay.Stop(), IsOk());

  ASSERT_OK_AND_ASSIGN(
      std::vector<ConsumedRecord> records,
      ReadTopic(kafka->bootstrap(), "salesperf.activity.events.v1", 6, 1'000, kWait));
  EXPECT_EQ(AppliedByHighWaterMark(CheckRecords(records, *store)), AllSequences(1'000));
}

}  // namespace
}  // namespace salesperf::bus
