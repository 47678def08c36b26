// The event bus end to end against salesperf-devkafka (librdkafka's mock cluster in a
// child process): events appended to a RocksDB event store, relayed to Kafka by the
// outbox relay, consumed by KafkaSource and folded by the projection runner, in this
// process or in salesperf-test-projector processes that the tests kill.
//
// Every test checks the guarantee of DESIGN.md section 4: the view equals a from-scratch
// fold of the store's events, whatever crashed, restarted, was duplicated or went down.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "librdkafka/rdkafka.h"
#include "libs/bus/cloudevents.h"
#include "libs/bus/kafka_dead_letter_sink.h"
#include "libs/bus/kafka_publisher.h"
#include "libs/bus/kafka_source.h"
#include "libs/bus/kafka_test_util.h"
#include "libs/bus/local_source.h"
#include "libs/bus/outbox_relay.h"
#include "libs/bus/topics.h"
#include "libs/eventstore/rocksdb_event_store.h"
#include "libs/projection/runner.h"
#include "libs/testing/child_process.h"
#include "libs/testing/dev_kafka.h"
#include "libs/testing/status_matchers.h"
#include "libs/testing/temp_dir.h"
#include "tests/integration/fold_view.h"

namespace salesperf::integration {
namespace {

using ::salesperf::testing::ChildProcess;
using ::salesperf::testing::DevKafka;
using ::salesperf::testing::TempDir;

constexpr int kPartitions = 6;
constexpr char kService[] = "activity";

std::unique_ptr<eventstore::RocksDbEventStore> OpenStore(const std::string& path) {
  eventstore::EventStoreOptions options;
  options.path = path;
  options.source = kService;
  auto store = eventstore::RocksDbEventStore::Open(options);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::move(*store) : nullptr;
}

// Appends `count` events over `streams` streams, `per_append` events per append.
// Values are 1, 2, 3... from `first_value`, so every event adds to the sums.
void AppendEvents(eventstore::EventStore& store, int count, int streams, int per_append = 10,
                  int64_t first_value = 1) {
  int64_t value = first_value;
  for (int done = 0; done < count;) {
    eventstore::AppendRequest request;
    request.stream_id = absl::StrCat("stream-", (done / per_append) % streams);
    for (int i = 0; i < per_append && done < count; ++i, ++done) {
      request.events.push_back(Int64Event(value++));
    }
    ASSERT_OK(store.Append(std::move(request)).status());
  }
}

bus::PublisherFactory KafkaPublisherFactory(const std::string& bootstrap) {
  return [bootstrap](bus::DeliveryCallback on_delivery) -> absl::StatusOr<bus::PublisherPtr> {
    bus::KafkaPublisherOptions options;
    options.bootstrap_servers = bootstrap;
    auto publisher = bus::KafkaPublisher::Create(options, std::move(on_delivery));
    if (!publisher.ok()) return publisher.status();
    return bus::PublisherPtr(std::move(*publisher));
  };
}

// The sum over partitions of the topic's end offsets, read with plain librdkafka.
int64_t EndOffsetSum(const std::string& bootstrap, const std::string& topic) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), errstr, sizeof errstr);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  EXPECT_NE(rk, nullptr) << errstr;
  if (rk == nullptr) return -1;
  int64_t sum = 0;
  for (int p = 0; p < kPartitions; ++p) {
    int64_t low = 0, high = 0;
    rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &low, &high, 10000);
    EXPECT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(err);
    // The mock cluster keeps at most 5 MiB or 100k message sets per partition and drops
    // the oldest beyond that (tools/devkafka/README.md): a test that outgrows it would
    // blame our code for the mock's retention.
    EXPECT_EQ(low, 0) << "the mock cluster's retention dropped records of partition " << p;
    sum += high;
  }
  rd_kafka_destroy(rk);
  return sum;
}

// A projection folding the activity topic in this process.
struct KafkaFold {
  std::unique_ptr<projection::ViewDb> db;
  std::unique_ptr<bus::KafkaDeadLetterSink> dlq;
  projection::ProjectionRunnerPtr runner;

  static std::unique_ptr<KafkaFold> Open(const std::string& path, const std::string& bootstrap,
                                         const std::string& group) {
    auto fold = std::make_unique<KafkaFold>();
    auto db = projection::ViewDb::Open(path, {std::string(kFoldViewName)});
    EXPECT_TRUE(db.ok()) << db.status();
    fold->db = std::move(*db);
    bus::KafkaSourceOptions source_options;
    source_options.brokers = bootstrap;
    source_options.group_id = group;
    source_options.services = {kService};
    auto source = bus::KafkaSource::Create(source_options);
    EXPECT_TRUE(source.ok()) << source.status();
    bus::KafkaPublisherOptions dlq_publisher;
    dlq_publisher.bootstrap_servers = bootstrap;
    auto dlq = bus::KafkaDeadLetterSink::Create({.consumer = "fold"}, dlq_publisher);
    EXPECT_TRUE(dlq.ok()) << dlq.status();
    fold->dlq = std::move(*dlq);
    std::vector<projection::ViewPtr> views;
    views.push_back(std::make_unique<FoldView>());
    projection::ProjectionOptions options;
    options.name = "fold";
    options.dead_letters = fold->dlq.get();
    auto runner = projection::ProjectionRunner::Create(fold->db.get(), std::move(*source),
                                                       std::move(views), options);
    EXPECT_TRUE(runner.ok()) << runner.status();
    fold->runner = std::move(*runner);
    return fold;
  }

  int64_t NextSum() const {
    int64_t sum = 0;
    for (const auto& [partition, checkpoint] : runner->Checkpoints()) {
      sum += checkpoint.next_position;
    }
    return sum;
  }

  // Runs batches until the checkpoints reach `end_offset_sum`.
  void FoldUntil(int64_t end_offset_sum, absl::Duration timeout = absl::Seconds(120)) {
    const absl::Time deadline = absl::Now() + timeout;
    while (NextSum() < end_offset_sum) {
      ASSERT_LT(absl::Now(), deadline) << "folded to " << NextSum() << " of " << end_offset_sum;
      ASSERT_OK(runner->RunOnce().status());
    }
  }
};

// A salesperf-test-projector process.
// Parses "progress next_sum=N assigned=K dead=D" into its fields.
std::map<std::string, int64_t> ProgressFields(const std::string& line) {
  std::map<std::string, int64_t> fields;
  for (absl::string_view part : absl::StrSplit(line, ' ')) {
    std::vector<std::string> kv = absl::StrSplit(part, absl::MaxSplits('=', 1));
    int64_t value;
    if (kv.size() == 2 && absl::SimpleAtoi(kv[1], &value)) fields[kv[0]] = value;
  }
  return fields;
}

// `resumed` receives the next_sum the process found in its checkpoints.
std::unique_ptr<ChildProcess> StartProjector(const std::string& bootstrap, const std::string& group,
                                             const std::string& data_dir,
                                             std::vector<std::string> extra_args = {},
                                             int64_t* resumed = nullptr) {
  std::string binary = ChildProcess::FindBuiltBinary("salesperf-test-projector");
  EXPECT_FALSE(binary.empty()) << "salesperf-test-projector not built";
  std::vector<std::string> argv = {binary,       "--brokers", bootstrap,      "--group", group,
                                   "--data-dir", data_dir,    "--batch-size", "200"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  auto child = ChildProcess::Start(argv);
  EXPECT_TRUE(child.ok()) << child.status();
  if (!child.ok()) return nullptr;
  auto line = (*child)->WaitForLine([](const std::string& l) { return l.starts_with("resumed"); },
                                    absl::Seconds(60));
  EXPECT_TRUE(line.ok()) << line.status();
  if (line.ok() && resumed != nullptr) *resumed = ProgressFields(*line).at("next_sum");
  return std::move(*child);
}

// Waits for a progress line whose next_sum reaches `target`.
absl::StatusOr<std::map<std::string, int64_t>> WaitForProgress(
    ChildProcess& child, const std::function<bool(const std::map<std::string, int64_t>&)>& done,
    absl::Duration timeout) {
  std::map<std::string, int64_t> fields;
  absl::StatusOr<std::string> line = child.WaitForLine(
      [&](const std::string& l) {
        if (!l.starts_with("progress")) return false;
        fields = ProgressFields(l);
        return done(fields);
      },
      timeout);
  if (!line.ok()) return line.status();
  return fields;
}

std::map<std::string, std::string> DumpClosedDb(const std::string& path) {
  auto db = projection::ViewDb::Open(path, {std::string(kFoldViewName)});
  EXPECT_TRUE(db.ok()) << db.status();
  if (!db.ok()) return {};
  auto rows = DumpFoldView(**db);
  EXPECT_TRUE(rows.ok()) << rows.status();
  return rows.ok() ? *rows : std::map<std::string, std::string>{};
}

class BusIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto kafka = DevKafka::Start({.brokers = 3, .partitions = kPartitions});
    ASSERT_TRUE(kafka.ok()) << kafka.status();
    kafka_ = std::move(*kafka);
    store_ = OpenStore(dir_.Sub("events"));
    ASSERT_NE(store_, nullptr);
  }

  // Relays everything in the store and waits until it is delivered.
  void RelayAll(bus::CursorStore& cursors) {
    bus::OutboxRelay relay(store_.get(), KafkaPublisherFactory(kafka_->bootstrap()), &cursors);
    ASSERT_OK(relay.Start());
    ASSERT_TRUE(relay.WaitForCursor(store_->HeadSequence(), absl::Seconds(120)))
        << "relay cursor " << relay.Stats().cursor << " of " << store_->HeadSequence();
    ASSERT_OK(relay.Stop());
  }

  std::map<std::string, std::string> Expected() {
    auto rows = FoldFromScratch({store_.get()});
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? *rows : std::map<std::string, std::string>{};
  }

  int64_t EndOffsets() { return EndOffsetSum(kafka_->bootstrap(), bus::EventsTopic(kService)); }

  TempDir dir_;
  std::unique_ptr<DevKafka> kafka_;
  std::unique_ptr<eventstore::RocksDbEventStore> store_;
};

TEST_F(BusIntegrationTest, HundredThousandEventsRelayedConsumedAndFolded) {
  constexpr int kEvents = 100'000;
  AppendEvents(*store_, kEvents, /*streams=*/500, /*per_append=*/10);
  bus::MemoryCursorStore cursors;
  RelayAll(cursors);
  ASSERT_EQ(EndOffsets(), kEvents);

  auto fold = KafkaFold::Open(dir_.Sub("view"), kafka_->bootstrap(), "fold-100k");
  fold->FoldUntil(kEvents);
  auto rows = DumpFoldView(*fold->db);
  ASSERT_OK(rows.status());
  EXPECT_EQ(*rows, Expected());
  EXPECT_EQ(rows->at("source/activity"),
            absl::StrCat("count=", kEvents, " sum=", int64_t{kEvents} * (kEvents + 1) / 2));

  // Every record carries the CloudEvents headers, read with a plain consumer.
  auto records = bus::testing::ReadTopic(kafka_->bootstrap(), bus::EventsTopic(kService),
                                         kPartitions, kEvents, absl::Seconds(120));
  ASSERT_OK(records.status());
  ASSERT_EQ(records->size(), static_cast<size_t>(kEvents));
  for (const auto& record : *records) {
    projection::EventEnvelope envelope;
    ASSERT_TRUE(envelope.ParseFromString(record.value));
    ASSERT_EQ(record.key, envelope.stream_id());
    ASSERT_EQ(record.HeaderValue("ce_specversion"), "1.0");
    ASSERT_EQ(record.HeaderValue("ce_id"), envelope.event_id());
    ASSERT_EQ(record.HeaderValue("ce_source"), "/salesperf/activity");
    ASSERT_EQ(record.HeaderValue("ce_type"), "google.protobuf.Int64Value");
    ASSERT_EQ(record.HeaderValue("ce_subject"), envelope.stream_id());
    ASSERT_EQ(record.HeaderValue("content-type"), "application/protobuf");
    ASSERT_NE(record.HeaderValue("ce_time"), "<absent>");
  }
}

TEST_F(BusIntegrationTest, RelayRestartedFromAnOlderCursorChangesNothing) {
  constexpr int kEvents = 10'000;
  AppendEvents(*store_, kEvents, 100);
  bus::MemoryCursorStore cursors;
  RelayAll(cursors);
  auto fold = KafkaFold::Open(dir_.Sub("view"), kafka_->bootstrap(), "fold-dup");
  fold->FoldUntil(EndOffsets());
  auto before = DumpFoldView(*fold->db);
  ASSERT_OK(before.status());

  // The relay "crashed" before saving its cursor: it publishes everything again.
  ASSERT_OK(cursors.Save(0));
  RelayAll(cursors);
  ASSERT_EQ(EndOffsets(), 2 * kEvents);
  fold->FoldUntil(2 * kEvents);
  auto after = DumpFoldView(*fold->db);
  ASSERT_OK(after.status());
  EXPECT_EQ(*after, *before);
  EXPECT_EQ(*after, Expected());
  EXPECT_EQ(fold->runner->Stats().duplicates_skipped, static_cast<uint64_t>(kEvents));
}

TEST_F(BusIntegrationTest, BrokerOutageDuringIngestLosesAndDoublesNothing) {
  bus::FileCursorStore cursors(dir_.Sub("relay.cursor"));
  bus::OutboxRelay relay(store_.get(), KafkaPublisherFactory(kafka_->bootstrap()), &cursors);
  ASSERT_OK(relay.Start());
  AppendEvents(*store_, 2'000, 50);
  ASSERT_TRUE(relay.WaitForCursor(store_->HeadSequence(), absl::Seconds(60)));

  // Broker 1 goes; its partitions move to broker 2; then every broker goes.
  ASSERT_OK(kafka_->BrokerDown(1));
  for (int p = 0; p < kPartitions; ++p) {
    ASSERT_OK(kafka_->SetLeader(bus::EventsTopic(kService), p, 2));
  }
  ASSERT_OK(kafka_->BrokerDown(DevKafka::kAllBrokers));
  const uint64_t head_at_outage = store_->HeadSequence();
  // Appends go on while no broker answers, and are acknowledged.
  const absl::Time outage_end = absl::Now() + absl::Seconds(4);
  int appended_during_outage = 0;
  while (absl::Now() < outage_end && appended_during_outage < 20'000) {
    AppendEvents(*store_, 100, 50, 10, static_cast<int64_t>(store_->HeadSequence()) + 1);
    appended_during_outage += 100;
  }
  EXPECT_GT(appended_during_outage, 0);
  EXPECT_LT(relay.Stats().cursor, store_->HeadSequence()) << "nothing was held back";
  EXPECT_GE(store_->HeadSequence(), head_at_outage + appended_during_outage);

  ASSERT_OK(kafka_->BrokerUp(DevKafka::kAllBrokers));
  AppendEvents(*store_, 1'000, 50, 10, static_cast<int64_t>(store_->HeadSequence()) + 1);
  ASSERT_TRUE(relay.WaitForCursor(store_->HeadSequence(), absl::Seconds(120)))
      << "relay cursor " << relay.Stats().cursor << " of " << store_->HeadSequence();
  ASSERT_OK(relay.Stop());

  auto fold = KafkaFold::Open(dir_.Sub("view"), kafka_->bootstrap(), "fold-outage");
  fold->FoldUntil(EndOffsets());
  auto rows = DumpFoldView(*fold->db);
  ASSERT_OK(rows.status());
  EXPECT_EQ(*rows, Expected());
}

TEST_F(BusIntegrationTest, ConsumerKilledMidStreamResumesFromItsCheckpoint) {
  constexpr int kEvents = 50'000;
  AppendEvents(*store_, kEvents, 200);
  bus::MemoryCursorStore cursors;
  RelayAll(cursors);
  const std::string data_dir = dir_.Sub("projector");

  // The first process folds a few batches, then is killed with SIGKILL between two
  // batches (it stalls there so that the kill lands mid-stream every time).
  auto first =
      StartProjector(kafka_->bootstrap(), "fold-kill", data_dir, {"--stall-after-batches", "20"});
  ASSERT_NE(first, nullptr);
  ASSERT_OK_AND_ASSIGN(
      std::string stalled,
      first->WaitForLine([](const std::string& l) { return l.starts_with("stalled"); },
                         absl::Seconds(60)));
  const int64_t folded_before_kill = ProgressFields(stalled).at("next_sum");
  first->Kill(SIGKILL);
  ASSERT_OK(first->Wait(absl::Seconds(30)).status());
  ASSERT_GT(folded_before_kill, 0);
  ASSERT_LT(folded_before_kill, kEvents);

  int64_t resumed = -1;
  auto second = StartProjector(kafka_->bootstrap(), "fold-kill", data_dir, {}, &resumed);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(resumed, folded_before_kill) << "the checkpoint did not survive the kill";
  ASSERT_OK(
      WaitForProgress(
          *second, [&](const auto& f) { return f.at("next_sum") >= kEvents; }, absl::Seconds(120))
          .status());
  second->Kill(SIGTERM);
  ASSERT_OK_AND_ASSIGN(int status, second->Wait(absl::Seconds(30)));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(DumpClosedDb(data_dir), Expected());
}

TEST_F(BusIntegrationTest, TwoConsumersSplitThePartitionsAndTheSurvivorTakesOver) {
  constexpr int kEvents = 30'000;
  AppendEvents(*store_, kEvents, 120);
  bus::MemoryCursorStore cursors;
  RelayAll(cursors);

  auto a = StartProjector(kafka_->bootstrap(), "fold-pair", dir_.Sub("a"));
  auto b = StartProjector(kafka_->bootstrap(), "fold-pair", dir_.Sub("b"));
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  // Both hold some partitions at once: the group split them.
  auto split = [](const auto& f) { return f.at("assigned") > 0 && f.at("assigned") < kPartitions; };
  ASSERT_OK(WaitForProgress(*a, split, absl::Seconds(60)).status());
  ASSERT_OK(WaitForProgress(*b, split, absl::Seconds(60)).status());

  a->Kill(SIGKILL);
  ASSERT_OK(a->Wait(absl::Seconds(30)).status());
  // b is handed every partition and folds what a had, from its own checkpoints.
  ASSERT_OK(WaitForProgress(
                *b,
                [&](const auto& f) {
                  return f.at("assigned") == kPartitions && f.at("next_sum") >= kEvents;
                },
                absl::Seconds(120))
                .status());
  b->Kill(SIGTERM);
  ASSERT_OK(b->Wait(absl::Seconds(30)).status());
  EXPECT_EQ(DumpClosedDb(dir_.Sub("b")), Expected());
}

TEST_F(BusIntegrationTest, PoisonRecordsGoToTheDeadLetterQueueAndTheConsumerGoesOn) {
  AppendEvents(*store_, 500, 20);
  bus::MemoryCursorStore cursors;
  RelayAll(cursors);

  // Three poison records, produced by hand: bytes that are no envelope, an envelope from
  // another source, and a valid envelope the view rejects (a negative value).
  projection::EventEnvelope foreign;
  foreign.set_source("feedback");
  foreign.set_sequence(1);
  foreign.set_stream_id("x");
  *foreign.mutable_payload() = Int64Event(5).payload();
  projection::EventEnvelope negative;
  negative.set_source(kService);
  negative.set_sequence(store_->HeadSequence() + 1);
  negative.set_stream_id("stream-neg");
  *negative.mutable_payload() = Int64Event(-1).payload();
  const std::vector<std::string> poison = {"\xff\xfe not a protobuf", foreign.SerializeAsString(),
                                           negative.SerializeAsString()};
  {
    size_t delivered = 0;
    auto publisher = KafkaPublisherFactory(kafka_->bootstrap())(
        [&delivered](const bus::DeliveryReport& r) { delivered += r.status.ok(); });
    ASSERT_OK(publisher.status());
    for (size_t i = 0; i < poison.size(); ++i) {
      ASSERT_OK((*publisher)->Publish({bus::EventsTopic(kService), "poison", poison[i], {}, i}));
    }
    ASSERT_OK((*publisher)->Flush(absl::Seconds(30)));
    ASSERT_EQ(delivered, poison.size());
  }
  // More good events after the poison: the consumer must get past it.
  AppendEvents(*store_, 500, 20, 10, 1000);
  RelayAll(cursors);

  auto fold = KafkaFold::Open(dir_.Sub("view"), kafka_->bootstrap(), "fold-poison");
  fold->FoldUntil(EndOffsets());
  EXPECT_EQ(fold->runner->Stats().dead_lettered, poison.size());
  auto rows = DumpFoldView(*fold->db);
  ASSERT_OK(rows.status());
  EXPECT_EQ(*rows, Expected());

  auto dead = bus::testing::ReadTopic(kafka_->bootstrap(), bus::DeadLetterTopic("fold"),
                                      kPartitions, poison.size(), absl::Seconds(30));
  ASSERT_OK(dead.status());
  std::vector<std::string> values;
  for (const auto& record : *dead) {
    values.push_back(record.value);
    EXPECT_EQ(record.HeaderValue("dlq_consumer"), "fold");
    EXPECT_EQ(record.HeaderValue("dlq_source_topic"), bus::EventsTopic(kService));
    EXPECT_NE(record.HeaderValue("dlq_error"), "<absent>");
  }
  EXPECT_THAT(values, ::testing::UnorderedElementsAreArray(poison));
}

TEST_F(BusIntegrationTest, LocalAndKafkaSourcesBuildByteIdenticalRows) {
  AppendEvents(*store_, 20'000, 300, 7);
  bus::MemoryCursorStore cursors;
  RelayAll(cursors);

  auto kafka_fold = KafkaFold::Open(dir_.Sub("kafka-view"), kafka_->bootstrap(), "fold-same");
  kafka_fold->FoldUntil(EndOffsets());

  auto local_db = projection::ViewDb::Open(dir_.Sub("local-view"), {std::string(kFoldViewName)});
  ASSERT_OK(local_db.status());
  std::vector<projection::ViewPtr> views;
  views.push_back(std::make_unique<FoldView>());
  projection::ProjectionOptions options;
  options.name = "fold";
  ASSERT_OK_AND_ASSIGN(
      auto local_runner,
      projection::ProjectionRunner::Create(
          local_db->get(),
          std::make_unique<bus::LocalSource>(std::vector<eventstore::EventStore*>{store_.get()}),
          std::move(views), options));
  ASSERT_OK(local_runner->CatchUp(absl::Seconds(120)));

  auto kafka_rows = DumpFoldView(*kafka_fold->db);
  auto local_rows = DumpFoldView(**local_db);
  ASSERT_OK(kafka_rows.status());
  ASSERT_OK(local_rows.status());
  EXPECT_EQ(*kafka_rows, *local_rows);
  EXPECT_EQ(*local_rows, Expected());
}

}  // namespace
}  // namespace salesperf::integration
