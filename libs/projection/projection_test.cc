// Tests of the projection runner, the view db and the codec, on the real disk.
//
// The views here are small and order-independent across sources: stream_totals counts
// events and sums an Int64Value payload per stream; last_value keeps each stream's
// latest value (streams live in one partition, so their order is fixed). A StringValue
// "poison" payload makes stream_totals write a row and then reject the event, so the
// tests can show that nothing of a rejected event survives.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/util/time_util.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"
#include "libs/common/clock.h"
#include "libs/common/logging.h"
#include "libs/common/status_macros.h"
#include "libs/projection/codec.h"
#include "libs/projection/commit_watcher.h"
#include "libs/projection/dead_letter.h"
#include "libs/projection/row_cache.h"
#include "libs/projection/runner.h"
#include "libs/projection/vector_source.h"
#include "libs/projection/view.h"
#include "libs/projection/view_db.h"
#include "libs/testing/status_matchers.h"
#include "libs/testing/temp_dir.h"
#include "prometheus/registry.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace salesperf::projection {
namespace {

using ::google::protobuf::BoolValue;
using ::google::protobuf::Int64Value;
using ::google::protobuf::StringValue;
using ::salesperf::testing::IsOk;
using ::salesperf::testing::StatusIs;
using ::salesperf::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const absl::Time kT0 = absl::FromUnixSeconds(1'795'000'000);
const std::vector<std::string> kViewNames = {"last_value", "stream_totals"};

// ---------------------------------------------------------------------------------
// Test events.

google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t micros = absl::ToUnixMicros(t);
  ts.set_seconds(micros / 1'000'000);
  ts.set_nanos(static_cast<int32_t>(micros % 1'000'000) * 1000);
  return ts;
}

EventEnvelope Envelope(const std::string& source, uint64_t sequence, const std::string& stream,
                       const google::protobuf::Message& payload) {
  EventEnvelope e;
  e.set_event_id(absl::StrCat(source, "-", sequence));
  e.set_source(source);
  e.set_sequence(sequence);
  e.set_stream_id(stream);
  *e.mutable_occurred_at() = ToProto(kT0 + absl::Seconds(sequence) - absl::Minutes(1));
  *e.mutable_recorded_at() = ToProto(kT0 + absl::Seconds(sequence));
  e.mutable_payload()->PackFrom(payload);
  return e;
}

Int64Value Int(int64_t v) {
  Int64Value m;
  m.set_value(v);
  return m;
}

StringValue Str(const std::string& v) {
  StringValue m;
  m.set_value(v);
  return m;
}

SourcedEvent Record(const PartitionId& partition, int64_t position, EventEnvelope envelope) {
  SourcedEvent r;
  r.partition = partition;
  r.position = position;
  r.key = envelope.stream_id();
  r.envelope = std::move(envelope);
  return r;
}

SourcedEvent Undecodable(const PartitionId& partition, int64_t position) {
  SourcedEvent r;
  r.partition = partition;
  r.position = position;
  r.key = "stream-x";
  r.raw = std::string("\xff\x00garbage", 9);
  r.decode_error = "not an EventEnvelope";
  return r;
}

// `count` Int64 events of one partition: sequences first_sequence.., positions
// first_position.., streams "<source>-<partition>-s0" to "-s2" (a stream lives in one
// partition), value = 10 * sequence.
std::vector<SourcedEvent> Events(const PartitionId& partition, int count,
                                 uint64_t first_sequence = 1, int64_t first_position = 0) {
  std::vector<SourcedEvent> out;
  for (int i = 0; i < count; ++i) {
    const uint64_t seq = first_sequence + i;
    out.push_back(
        Record(partition, first_position + i,
               Envelope(partition.source, seq,
                        absl::StrCat(partition.source, "-", partition.partition, "-s", seq % 3),
                        Int(static_cast<int64_t>(seq) * 10))));
  }
  return out;
}

// The records of `a` and `b` taken in turns; each keeps its own order.
std::vector<SourcedEvent> Alternate(const std::vector<SourcedEvent>& a,
                                    const std::vector<SourcedEvent>& b) {
  std::vector<SourcedEvent> out;
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    if (i < a.size()) out.push_back(a[i]);
    if (i < b.size()) out.push_back(b[i]);
  }
  return out;
}

// ---------------------------------------------------------------------------------
// Test views.

// Adds (count, sum) to the "<count>:<sum>" row at `key` of `txn`.
absl::Status AddToTotals(ViewTxn& txn, const std::string& key, int64_t count_delta,
                         int64_t sum_delta) {
  ASSIGN_OR_RETURN(std::optional<std::string> row, txn.Get(key));
  int64_t count = 0, sum = 0;
  if (row.has_value()) {
    std::vector<std::string> parts = absl::StrSplit(*row, ':');
    if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &count) ||
        !absl::SimpleAtoi(parts[1], &sum)) {
      return absl::InternalError("corrupt row");
    }
  }
  txn.Put(key, absl::StrCat(count + count_delta, ":", sum + sum_delta));
  return absl::OkStatus();
}

class StreamTotalsView : public View {
 public:
  std::string_view name() const override { return "stream_totals"; }
  absl::Status Apply(const EventEnvelope& event, ViewTxn& txn) override {
    if (event.payload().Is<StringValue>()) {
      StringValue s;
      if (!event.payload().UnpackTo(&s)) return absl::InvalidArgumentError("bad StringValue");
      if (s.value() != "poison") return absl::OkStatus();
      // Writes first, then rejects: the runner must discard the write.
      txn.Put(absl::StrCat("poisoned/", event.stream_id()), "1");
      return absl::InvalidArgumentError("poison payload");
    }
    if (!event.payload().Is<Int64Value>()) return absl::OkStatus();  // unknown: skip
    Int64Value v;
    if (!event.payload().UnpackTo(&v)) return absl::InvalidArgumentError("bad Int64Value");
    return AddToTotals(txn, absl::StrCat("stream/", event.stream_id()), 1, v.value());
  }
};

class LastValueView : public View {
 public:
  std::string_view name() const override { return "last_value"; }
  absl::Status Apply(const EventEnvelope& event, ViewTxn& txn) override {
    if (event.payload().Is<StringValue>()) {
      StringValue s;
      if (!event.payload().UnpackTo(&s)) return absl::InvalidArgumentError("bad StringValue");
      txn.Put(absl::StrCat("label/", event.stream_id()), s.value());
      return absl::OkStatus();
    }
    if (!event.payload().Is<Int64Value>()) return absl::OkStatus();
    Int64Value v;
    if (!event.payload().UnpackTo(&v)) return absl::InvalidArgumentError("bad Int64Value");
    txn.Put(event.stream_id(), absl::StrCat(v.value()));
    return absl::OkStatus();
  }
};

// Fails with UNAVAILABLE on its `fail_on`-th Apply (1-based), once, after writing.
class FlakyView : public View {
 public:
  FlakyView(ViewPtr inner, int fail_on) : inner_(std::move(inner)), fail_on_(fail_on) {}
  std::string_view name() const override { return inner_->name(); }
  absl::Status Apply(const EventEnvelope& event, ViewTxn& txn) override {
    RETURN_IF_ERROR(inner_->Apply(event, txn));
    if (++calls_ == fail_on_) return absl::UnavailableError("disk hiccup");
    return absl::OkStatus();
  }

 private:
  ViewPtr inner_;
  int fail_on_;
  int calls_ = 0;
};

std::vector<ViewPtr> Views(int flaky_on = 0) {
  std::vector<ViewPtr> views;
  views.push_back(std::make_unique<LastValueView>());
  ViewPtr totals = std::make_unique<StreamTotalsView>();
  if (flaky_on > 0) totals = std::make_unique<FlakyView>(std::move(totals), flaky_on);
  views.push_back(std::move(totals));
  return views;
}

// stream_totals' rows, summed per batch in memory and written by Flush (the batch hooks).
// A poison payload is summed, then rejected: DiscardEvent must take it back.
class BufferedTotalsView : public View {
 public:
  std::string_view name() const override { return "stream_totals"; }
  absl::Status Apply(const EventEnvelope& event, ViewTxn& txn) override {
    last_.reset();
    StringValue s;
    Int64Value v;
    if (event.payload().UnpackTo(&s) && s.value() == "poison") {
      Add(event.stream_id(), 1000);
      return absl::InvalidArgumentError("poison payload");
    }
    if (!event.payload().Is<Int64Value>()) return absl::OkStatus();
    if (!event.payload().UnpackTo(&v)) return absl::InvalidArgumentError("bad Int64Value");
    Add(event.stream_id(), v.value());
    return absl::OkStatus();
  }
  absl::Status Flush(ViewTxn& txn) override {
    ++flushes;
    for (const auto& [stream, delta] : pending_) {
      RETURN_IF_ERROR(AddToTotals(txn, absl::StrCat("stream/", stream), delta.first, delta.second));
    }
    pending_.clear();
    return absl::OkStatus();
  }
  void DiscardEvent() override {
    ++discarded_events;
    if (!last_.has_value()) return;
    auto& [count, sum] = pending_[last_->first];
    count -= 1;
    sum -= last_->second;
    if (count == 0 && sum == 0) pending_.erase(last_->first);
    last_.reset();
  }
  void DiscardBatch() override {
    ++discarded_batches;
    pending_.clear();
  }

  int flushes = 0;
  int discarded_events = 0;
  int discarded_batches = 0;

 private:
  void Add(const std::string& stream, int64_t value) {
    auto& [count, sum] = pending_[stream];
    count += 1;
    sum += value;
    last_ = std::make_pair(stream, value);
  }

  std::map<std::string, std::pair<int64_t, int64_t>> pending_;
  std::optional<std::pair<std::string, int64_t>> last_;
};

// Replays from an older position than the checkpoint says (or the beginning).
class RewindingSource : public EventSource {
 public:
  RewindingSource(std::unique_ptr<VectorSource> inner, std::optional<int64_t> rewind_by)
      : inner_(std::move(inner)), rewind_by_(rewind_by) {}
  absl::Status Start(PositionLookup lookup) override {
    return inner_->Start([lookup, this](const PartitionId& p) -> std::optional<int64_t> {
      std::optional<int64_t> at = lookup(p);
      if (!at.has_value() || !rewind_by_.has_value()) return std::nullopt;
      return std::max<int64_t>(0, *at - *rewind_by_);
    });
  }
  absl::StatusOr<std::vector<SourcedEvent>> Poll(size_t max, absl::Duration timeout) override {
    return inner_->Poll(max, timeout);
  }
  std::vector<PartitionHead> Heads() const override { return inner_->Heads(); }

 private:
  std::unique_ptr<VectorSource> inner_;
  std::optional<int64_t> rewind_by_;
};

class FailingOnceSink : public DeadLetterSink {
 public:
  absl::Status Send(const SourcedEvent& record, std::string_view error) override {
    if (!failed_) {
      failed_ = true;
      return absl::UnavailableError("dlq broker down");
    }
    sent.emplace_back(record.position, std::string(error));
    return absl::OkStatus();
  }
  std::vector<std::pair<int64_t, std::string>> sent;

 private:
  bool failed_ = false;
};

// ---------------------------------------------------------------------------------
// Reading results.

// Everything a projection leaves in a ViewDb, byte for byte.
struct Dump {
  std::map<std::string, std::vector<ViewRow>> views;
  std::map<PartitionId, PartitionCheckpoint> checkpoints;
  std::vector<std::string> dead_letters;  // partition/position/error/payload, no timestamps

  friend bool operator==(const Dump&, const Dump&) = default;
};

void PrintTo(const Dump& d, std::ostream* os) {
  for (const auto& [view, rows] : d.views) {
    *os << "\n" << view << ":";
    for (const ViewRow& row : rows) *os << " [" << row.key << "=" << row.value << "]";
  }
  for (const auto& [p, c] : d.checkpoints) {
    *os << "\n"
        << p.source << "/" << p.partition << ": hw=" << c.high_water_sequence
        << " next=" << c.next_position;
  }
  *os << "\n" << d.dead_letters.size() << " dead letters";
}

Dump DumpOf(const ViewDb& db, const std::string& projection) {
  Dump d;
  for (const std::string& view : db.view_names()) {
    auto rows = db.Scan(view);
    EXPECT_THAT(rows, IsOk());
    if (rows.ok()) d.views[view] = *rows;
  }
  auto checkpoints = db.ReadCheckpoints(projection);
  EXPECT_THAT(checkpoints, IsOk());
  if (checkpoints.ok()) d.checkpoints = *checkpoints;
  auto letters = db.ReadDeadLetters(projection);
  EXPECT_THAT(letters, IsOk());
  if (letters.ok()) {
    for (const DeadLetter& l : *letters) {
      d.dead_letters.push_back(absl::StrCat(l.partition.source, "/", l.partition.partition, "/",
                                            l.position, "/", l.error, "/", l.payload));
    }
  }
  return d;
}

// The rows a correct fold of `records` must produce, computed independently of the runner.
std::map<std::string, std::vector<ViewRow>> ExpectedRows(const std::vector<SourcedEvent>& records) {
  std::map<PartitionId, uint64_t> high_water;
  std::map<std::string, std::pair<int64_t, int64_t>> totals;
  std::map<std::string, std::string> last;
  for (const SourcedEvent& r : records) {
    if (!r.decode_error.empty()) continue;
    uint64_t& hw = high_water[r.partition];
    if (r.envelope.sequence() <= hw) continue;
    hw = r.envelope.sequence();
    Int64Value v;
    StringValue s;
    if (r.envelope.payload().UnpackTo(&v)) {
      auto& [count, sum] = totals[absl::StrCat("stream/", r.envelope.stream_id())];
      ++count;
      sum += v.value();
      last[r.envelope.stream_id()] = absl::StrCat(v.value());
    } else if (r.envelope.payload().UnpackTo(&s) && s.value() != "poison") {
      last[absl::StrCat("label/", r.envelope.stream_id())] = s.value();
    }
  }
  std::map<std::string, std::vector<ViewRow>> rows;
  rows["last_value"];
  rows["stream_totals"];
  for (const auto& [k, v] : last) rows["last_value"].push_back({k, v});
  for (const auto& [k, cs] : totals) {
    rows["stream_totals"].push_back({k, absl::StrCat(cs.first, ":", cs.second)});
  }
  return rows;
}

// A metric's value (counter, gauge) or sample count (histogram); nullopt if absent.
std::optional<double> Metric(const prometheus::Registry& registry, const std::string& name,
                             const std::map<std::string, std::string>& labels) {
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const prometheus::ClientMetric& m : family.metric) {
      bool match = true;
      for (const auto& [k, v] : labels) {
        match = match && std::any_of(m.label.begin(), m.label.end(),
                                     [&](const auto& l) { return l.name == k && l.value == v; });
      }
      if (!match) continue;
      switch (family.type) {
        case prometheus::MetricType::Counter:
          return m.counter.value;
        case prometheus::MetricType::Gauge:
          return m.gauge.value;
        case prometheus::MetricType::Histogram:
          return static_cast<double>(m.histogram.sample_count);
        default:
          return std::nullopt;
      }
    }
  }
  return std::nullopt;
}

class ProjectionTest : public ::testing::Test {
 protected:
  // Dead letters are logged as warnings; keep the test output to failures.
  void SetUp() override { ConfigureLogging(LogLevel::kError, LogFormat::kJson); }
  void TearDown() override { ConfigureLogging(LogLevel::kInfo, LogFormat::kJson); }

  std::unique_ptr<ViewDb> OpenDb(const std::string& name = "db") {
    auto db = ViewDb::Open(dir_.Sub(name), kViewNames);
    EXPECT_THAT(db, IsOk());
    return db.ok() ? *std::move(db) : nullptr;
  }

  ProjectionOptions Options(size_t batch_size = 1000) {
    ProjectionOptions options;
    options.name = "sales";
    options.batch_size = batch_size;
    options.poll_timeout = absl::ZeroDuration();
    options.clock = &clock_;
    options.registry = &registry_;
    options.initial_backoff = absl::Milliseconds(1);
    options.max_backoff = absl::Milliseconds(5);
    return options;
  }

  std::unique_ptr<ProjectionRunner> Runner(ViewDb* db, EventSourcePtr source,
                                           ProjectionOptions options,
                                           std::vector<ViewPtr> views = Views()) {
    auto runner =
        ProjectionRunner::Create(db, std::move(source), std::move(views), std::move(options));
    EXPECT_THAT(runner, IsOk());
    return runner.ok() ? *std::move(runner) : nullptr;
  }

  // Runs batches until a poll comes back empty; returns the records consumed.
  static size_t Drain(ProjectionRunner& runner) {
    size_t total = 0;
    for (int i = 0; i < 100'000; ++i) {
      absl::StatusOr<size_t> n = runner.RunOnce();
      EXPECT_THAT(n, IsOk());
      if (!n.ok() || *n == 0) return total;
      total += *n;
    }
    ADD_FAILURE() << "runner never drained";
    return total;
  }

  // Folds `records` into a fresh database in one go.
  Dump FoldFromScratch(const std::vector<SourcedEvent>& records) {
    auto db = OpenDb(absl::StrCat("scratch", ++scratch_count_));
    prometheus::Registry registry;
    ProjectionOptions options = Options();
    options.registry = &registry;
    auto runner = Runner(db.get(), std::make_unique<VectorSource>(records), options);
    Drain(*runner);
    return DumpOf(*db, "sales");
  }

  double MetricOr(const std::string& name, const std::map<std::string, std::string>& labels) {
    std::optional<double> v = Metric(registry_, name, labels);
    EXPECT_TRUE(v.has_value()) << name;
    return v.value_or(-1);
  }

  TempDir dir_;
  FakeClock clock_{kT0};
  prometheus::Registry registry_;
  int scratch_count_ = 0;
  const PartitionId activity0_{"activity", 0};
  const PartitionId activity1_{"activity", 1};
  const PartitionId targets0_{"targets", 0};
};

// ---------------------------------------------------------------------------------
// Codec.

TEST(CodecTest, CheckpointRoundTrips) {
  PartitionCheckpoint c{42, 1'000'000'000'000, kT0, kT0 - absl::Hours(3)};
  auto decoded = codec::DecodeCheckpoint(codec::EncodeCheckpoint(c));
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(*decoded, c);
  PartitionCheckpoint empty;
  EXPECT_EQ(codec::EncodeCheckpoint(empty).size(), 33u);
  auto decoded_empty = codec::DecodeCheckpoint(codec::EncodeCheckpoint(empty));
  ASSERT_THAT(decoded_empty, IsOk());
  EXPECT_EQ(*decoded_empty, empty);
  EXPECT_THAT(codec::DecodeCheckpoint("short"), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(CodecTest, CheckpointKeysSortByPartitionNumber) {
  std::vector<std::string> keys;
  for (int32_t p : {-1, 0, 1, 255, 256, 70000}) {
    keys.push_back(codec::CheckpointKey("sales", {"activity", p}));
  }
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  auto decoded = codec::DecodeCheckpointKey("sales", keys[0]);
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(*decoded, (PartitionId{"activity", -1}));
  EXPECT_THAT(codec::DecodeCheckpointKey("other", keys[0]),
              StatusIs(absl::StatusCode::kInvalidArgument));
  // One projection's keys never fall inside another's prefix.
  EXPECT_FALSE(
      codec::CheckpointKey("sales2", {"a", 0}).starts_with(codec::CheckpointKeyPrefix("sales")));
}

TEST(CodecTest, DeadLetterRoundTripsAndKeysSortByPosition) {
  DeadLetter l;
  l.consumer = "sales";
  l.partition = {"activity", 3};
  l.position = 77;
  l.dead_lettered_at = kT0;
  l.error = "bad";
  l.key = "deal-1";
  l.raw = true;
  l.payload = std::string("\0\1\2", 3);
  auto decoded = codec::DecodeDeadLetter(codec::DeadLetterKey("sales", l.partition, l.position),
                                         codec::EncodeDeadLetterValue(l));
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(decoded->consumer, "sales");
  EXPECT_EQ(decoded->partition, l.partition);
  EXPECT_EQ(decoded->position, 77);
  EXPECT_EQ(decoded->dead_lettered_at, kT0);
  EXPECT_EQ(decoded->error, "bad");
  EXPECT_EQ(decoded->key, "deal-1");
  EXPECT_TRUE(decoded->raw);
  EXPECT_EQ(decoded->payload, l.payload);
  EXPECT_LT(codec::DeadLetterKey("c", {"s", 0}, 9), codec::DeadLetterKey("c", {"s", 0}, 10));
  EXPECT_LT(codec::DeadLetterKey("c", {"s", 0}, -1), codec::DeadLetterKey("c", {"s", 0}, 0));
}

TEST(CodecTest, NamesAndPrefixes) {
  EXPECT_THAT(codec::ValidateName("deal_pipeline2"), IsOk());
  EXPECT_THAT(codec::ValidateName(""), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(codec::ValidateName("Deals"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(codec::ValidateName("a.b"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(codec::PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(codec::PrefixSuccessor("a\xff"), "b");
  EXPECT_EQ(codec::PrefixSuccessor("\xff\xff"), std::nullopt);
  EXPECT_EQ(codec::PrefixSuccessor(""), std::nullopt);
}

// ---------------------------------------------------------------------------------
// ViewDb.

// ScanOptions, fluently (GCC warns about partial designated initializers).
struct Opts {
  ScanOptions o;
  Opts& prefix(std::string v) {
    o.prefix = std::move(v);
    return *this;
  }
  Opts& lower_bound(std::string v) {
    o.lower_bound = std::move(v);
    return *this;
  }
  Opts& upper_bound(std::string v) {
    o.upper_bound = std::move(v);
    return *this;
  }
  Opts& reverse(bool v) {
    o.reverse = v;
    return *this;
  }
  Opts& limit(size_t v) {
    o.limit = v;
    return *this;
  }
  Opts& snapshot(const ReadSnapshot* v) {
    o.snapshot = v;
    return *this;
  }
  operator const ScanOptions&() const { return o; }
};

class ViewDbTest : public ProjectionTest {
 protected:
  void PutRows(ViewDb& db, const std::string& view, const std::vector<std::string>& keys) {
    auto handle = db.ViewHandle(view);
    ASSERT_THAT(handle, IsOk());
    for (const std::string& k : keys) {
      ASSERT_TRUE(db.db()->Put(rocksdb::WriteOptions(), *handle, k, "v:" + k).ok());
    }
  }
  static std::vector<std::string> Keys(const absl::StatusOr<std::vector<ViewRow>>& rows) {
    EXPECT_THAT(rows, IsOk());
    std::vector<std::string> keys;
    if (rows.ok()) {
      for (const ViewRow& r : *rows) keys.push_back(r.key);
    }
    return keys;
  }
};

TEST_F(ViewDbTest, RejectsBadViewNames) {
  EXPECT_THAT(ViewDb::Open(dir_.Sub("a"), {"Bad-Name"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViewDb::Open(dir_.Sub("b"), {"v", "v"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ViewDbOptions bloom;
  bloom.memtable_bloom_ratio = 0.5;
  EXPECT_THAT(ViewDb::Open(dir_.Sub("c"), {"v"}, bloom),
              StatusIs(absl::StatusCode::kInvalidArgument));
  auto db = OpenDb();
  EXPECT_THAT(db->Get("nope", "k"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(db->Scan("nope"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(db->MultiGet("nope", {"k"}), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ViewDbTest, SecondOpenOfTheSameDirectoryIsUnavailable) {
  auto db = OpenDb();
  EXPECT_THAT(ViewDb::Open(dir_.Sub("db"), kViewNames), StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(ViewDbTest, GetAndScanWithPrefixRangeReverseAndLimit) {
  auto db = OpenDb();
  PutRows(*db, "last_value", {"a/1", "a/2", "a/3", "b/1", "c"});
  PutRows(*db, "stream_totals", {"a/9"});

  auto got = db->Get("last_value", "a/2");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(*got, "v:a/2");
  auto missing = db->Get("last_value", "a/9");
  ASSERT_THAT(missing, IsOk());
  EXPECT_EQ(*missing, std::nullopt);

  EXPECT_THAT(Keys(db->Scan("last_value")), ElementsAre("a/1", "a/2", "a/3", "b/1", "c"));
  EXPECT_THAT(Keys(db->Scan("last_value", Opts().prefix("a/"))), ElementsAre("a/1", "a/2", "a/3"));
  EXPECT_THAT(Keys(db->Scan("last_value", Opts().prefix("a/").reverse(true))),
              ElementsAre("a/3", "a/2", "a/1"));
  EXPECT_THAT(Keys(db->Scan("last_value", Opts().lower_bound("a/2").upper_bound("b/1"))),
              ElementsAre("a/2", "a/3"));
  EXPECT_THAT(
      Keys(db->Scan("last_value", Opts().lower_bound("a/2").upper_bound("c").reverse(true))),
      ElementsAre("b/1", "a/3", "a/2"));
  EXPECT_THAT(Keys(db->Scan("last_value", Opts().reverse(true).limit(2))), ElementsAre("c", "b/1"));
  EXPECT_THAT(
      Keys(db->Scan("last_value", Opts().prefix("a/").lower_bound(std::string("a/2\0", 4)))),
      ElementsAre("a/3"));
  EXPECT_THAT(Keys(db->Scan("last_value", Opts().prefix("b").upper_bound("a"))), IsEmpty());
  EXPECT_THAT(Keys(db->Scan("last_value", Opts().prefix("zz"))), IsEmpty());

  // Paging with an iterator: three pages of two, resuming after the last key.
  std::vector<std::string> seen;
  std::string after;
  for (int page = 0; page < 3; ++page) {
    auto it = db->NewIterator("last_value", Opts().lower_bound(after).limit(2));
    ASSERT_THAT(it, IsOk());
    for (; (*it)->Valid(); (*it)->Next()) {
      seen.emplace_back((*it)->key());
      after = std::string((*it)->key()) + '\0';
    }
    EXPECT_THAT((*it)->status(), IsOk());
  }
  EXPECT_THAT(seen, ElementsAre("a/1", "a/2", "a/3", "b/1", "c"));
}

TEST_F(ViewDbTest, MultiGetAnswersEveryKeyInOrder) {
  auto db = OpenDb();
  PutRows(*db, "last_value", {"a", "c", "e"});
  PutRows(*db, "stream_totals", {"b"});

  auto got = db->MultiGet("last_value", {"e", "b", "a", "a", "zz"});
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(*got, ElementsAre(std::optional<std::string>("v:e"), std::nullopt,
                                std::optional<std::string>("v:a"),
                                std::optional<std::string>("v:a"), std::nullopt));
  auto none = db->MultiGet("last_value", {});
  ASSERT_THAT(none, IsOk());
  EXPECT_THAT(*none, IsEmpty());
}

TEST_F(ViewDbTest, SnapshotReadsSeeOnePointInTime) {
  auto db = OpenDb();
  PutRows(*db, "last_value", {"a", "b"});
  std::unique_ptr<ReadSnapshot> snapshot = db->GetSnapshot();
  auto handle = db->ViewHandle("last_value");
  ASSERT_THAT(handle, IsOk());
  ASSERT_TRUE(db->db()->Put(rocksdb::WriteOptions(), *handle, "a", "changed").ok());
  ASSERT_TRUE(db->db()->Put(rocksdb::WriteOptions(), *handle, "c", "new").ok());

  auto old_a = db->Get("last_value", "a", snapshot.get());
  ASSERT_THAT(old_a, IsOk());
  EXPECT_EQ(*old_a, "v:a");
  EXPECT_THAT(Keys(db->Scan("last_value", Opts().snapshot(snapshot.get()))), ElementsAre("a", "b"));
  auto old_rows = db->MultiGet("last_value", {"a", "c"}, snapshot.get());
  ASSERT_THAT(old_rows, IsOk());
  EXPECT_THAT(*old_rows, ElementsAre(std::optional<std::string>("v:a"), std::nullopt));
  auto new_a = db->Get("last_value", "a");
  ASSERT_THAT(new_a, IsOk());
  EXPECT_EQ(*new_a, "changed");
  EXPECT_THAT(Keys(db->Scan("last_value")), ElementsAre("a", "b", "c"));
}

TEST_F(ViewDbTest, ReopenKeepsRowsAndViewsNoLongerRegistered) {
  {
    auto db = OpenDb();
    PutRows(*db, "stream_totals", {"x"});
  }
  {
    auto db = ViewDb::Open(dir_.Sub("db"), {"last_value"});
    ASSERT_THAT(db, IsOk());
    EXPECT_THAT((*db)->Scan("stream_totals"), StatusIs(absl::StatusCode::kNotFound));
  }
  auto db = OpenDb();
  EXPECT_THAT(Keys(db->Scan("stream_totals")), ElementsAre("x"));
}

TEST_F(ViewDbTest, OpenFinishesAResetThatACrashInterrupted) {
  {
    auto db = OpenDb();
    auto runner =
        Runner(db.get(), std::make_unique<VectorSource>(Events(activity0_, 5)), Options());
    Drain(*runner);
    runner.reset();
    ASSERT_THAT(db->Scan("last_value"), IsOk());
    ASSERT_THAT(*db->Scan("last_value"), SizeIs(3));
    // A rebuild that wrote its marker and then died before dropping anything.
    ASSERT_TRUE(db->db()
                    ->Put(rocksdb::WriteOptions(), db->db()->DefaultColumnFamily(),
                          codec::ResetMarkerKey("sales"), "last_value,stream_totals")
                    .ok());
  }
  auto db = OpenDb();
  EXPECT_THAT(*db->Scan("last_value"), IsEmpty());
  EXPECT_THAT(*db->Scan("stream_totals"), IsEmpty());
  EXPECT_THAT(*db->ReadCheckpoints("sales"), IsEmpty());
  std::string marker;
  EXPECT_TRUE(db->db()
                  ->Get(rocksdb::ReadOptions(), db->db()->DefaultColumnFamily(),
                        codec::ResetMarkerKey("sales"), &marker)
                  .IsNotFound());
}

// ---------------------------------------------------------------------------------
// RowCache.

// Every operation a WriteBatch holds, as "<column family id>:<key>=<value>" or
// "<column family id>:<key> deleted", in batch order.
class BatchRecorder : public rocksdb::WriteBatch::Handler {
 public:
  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    ops.push_back(absl::StrCat(cf, ":", key.ToString(), "=", value.ToString()));
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& key) override {
    ops.push_back(absl::StrCat(cf, ":", key.ToString(), " deleted"));
    return rocksdb::Status::OK();
  }
  std::vector<std::string> ops;
};

class RowCacheTest : public ProjectionTest {
 protected:
  void SetUp() override {
    ProjectionTest::SetUp();
    db_ = OpenDb();
    ASSERT_NE(db_, nullptr);
    for (const std::string& view : kViewNames) handles_.push_back(*db_->ViewHandle(view));
  }

  // Commits the cache's batch the way the runner does.
  void Commit(RowCache& cache) {
    rocksdb::WriteBatch batch;
    ASSERT_THAT(cache.AppendTo(batch), IsOk());
    ASSERT_TRUE(db_->db()->Write(rocksdb::WriteOptions(), &batch).ok());
    cache.CommitBatch();
  }

  std::optional<std::string> Stored(size_t view, const std::string& key) {
    auto row = db_->Get(kViewNames[view], key);
    EXPECT_THAT(row, IsOk());
    return row.ok() ? *row : std::nullopt;
  }

  std::unique_ptr<ViewDb> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

TEST_F(RowCacheTest, ReadsSeeTheBatchOverCommittedRows) {
  ASSERT_TRUE(db_->db()->Put(rocksdb::WriteOptions(), handles_[1], "k", "committed").ok());
  RowCache cache(db_->db(), 2, 1 << 20);
  cache.BeginBatch(handles_);
  EXPECT_EQ(*cache.Get(1, "k"), "committed");
  EXPECT_EQ(*cache.Get(0, "k"), std::nullopt);  // views are separate
  cache.Put(1, "k", "new");
  EXPECT_EQ(*cache.Get(1, "k"), "new");
  cache.Delete(1, "k");
  EXPECT_EQ(*cache.Get(1, "k"), std::nullopt);
  cache.Put(1, "k", "again");
  EXPECT_EQ(*cache.Get(1, "k"), "again");
  // Nothing reaches the database before the commit.
  EXPECT_EQ(Stored(1, "k"), "committed");
  Commit(cache);
  EXPECT_EQ(Stored(1, "k"), "again");
}

TEST_F(RowCacheTest, RollbackDiscardsOnlyTheWritesSinceTheSavePoint) {
  ASSERT_TRUE(db_->db()->Put(rocksdb::WriteOptions(), handles_[0], "c", "committed").ok());
  RowCache cache(db_->db(), 2, 1 << 20);
  cache.BeginBatch(handles_);
  cache.Put(0, "a", "1");  // an earlier event of the batch

  cache.SetSavePoint();
  cache.Put(0, "a", "2");
  cache.Put(0, "b", "1");
  cache.Delete(0, "c");
  cache.Put(0, "a", "3");
  cache.Put(1, "a", "other view");
  EXPECT_EQ(*cache.Get(0, "a"), "3");
  EXPECT_EQ(*cache.Get(0, "c"), std::nullopt);
  cache.RollbackToSavePoint();

  EXPECT_EQ(*cache.Get(0, "a"), "1");
  EXPECT_EQ(*cache.Get(0, "b"), std::nullopt);
  EXPECT_EQ(*cache.Get(0, "c"), "committed");
  EXPECT_EQ(*cache.Get(1, "a"), std::nullopt);
  EXPECT_EQ(cache.batch_rows(), 1u);

  // Popped, the writes stay; a rollback without a save point changes nothing.
  cache.SetSavePoint();
  cache.Put(0, "b", "5");
  cache.PopSavePoint();
  cache.RollbackToSavePoint();
  EXPECT_EQ(*cache.Get(0, "b"), "5");

  Commit(cache);
  EXPECT_EQ(Stored(0, "a"), "1");
  EXPECT_EQ(Stored(0, "b"), "5");
  EXPECT_EQ(Stored(0, "c"), "committed");
  EXPECT_EQ(Stored(1, "a"), std::nullopt);
}

TEST_F(RowCacheTest, AppendToWritesEachRowOnceWithItsLastValueInKeyOrder) {
  RowCache cache(db_->db(), 2, 1 << 20);
  cache.BeginBatch(handles_);
  cache.Put(1, "z", "1");
  cache.Put(0, "m", "1");
  cache.Put(1, "a", "1");
  cache.Put(1, "z", "2");
  cache.Put(1, "q", "1");
  cache.Delete(1, "q");
  cache.Put(1, "a", "2");
  rocksdb::WriteBatch batch;
  ASSERT_THAT(cache.AppendTo(batch), IsOk());
  BatchRecorder recorder;
  ASSERT_TRUE(batch.Iterate(&recorder).ok());
  const std::string v0 = absl::StrCat(handles_[0]->GetID()),
                    v1 = absl::StrCat(handles_[1]->GetID());
  EXPECT_THAT(recorder.ops, ElementsAre(v0 + ":m=1", v1 + ":a=2", v1 + ":q deleted", v1 + ":z=2"));
}

TEST_F(RowCacheTest, CommittedRowsAreServedFromMemoryUntilCleared) {
  ASSERT_TRUE(db_->db()->Put(rocksdb::WriteOptions(), handles_[0], "k", "0").ok());
  RowCache cache(db_->db(), 2, 1 << 20);
  cache.BeginBatch(handles_);
  EXPECT_EQ(*cache.Get(0, "k"), "0");
  EXPECT_EQ(*cache.Get(0, "absent"), std::nullopt);
  EXPECT_EQ(cache.database_reads(), 2u);
  cache.Put(0, "k", "1");
  cache.Put(0, "new", "1");
  Commit(cache);

  cache.BeginBatch(handles_);
  EXPECT_EQ(*cache.Get(0, "k"), "1");
  EXPECT_EQ(*cache.Get(0, "new"), "1");
  EXPECT_EQ(*cache.Get(0, "absent"), std::nullopt);
  EXPECT_EQ(cache.database_reads(), 2u);
  // An aborted batch leaves the committed rows as they were.
  cache.Put(0, "k", "aborted");
  cache.AbortBatch();
  cache.BeginBatch(handles_);
  EXPECT_EQ(*cache.Get(0, "k"), "1");
  EXPECT_EQ(cache.database_reads(), 2u);

  cache.Clear();
  cache.BeginBatch(handles_);
  EXPECT_EQ(*cache.Get(0, "k"), "1");
  EXPECT_EQ(cache.database_reads(), 3u);
}

// Random writes, reads, save points, commits and aborts against a model of the rows,
// with no cache, a tiny one (constant eviction) and a large one.
TEST_F(RowCacheTest, RandomOperationsMatchAModelAtAnyBudget) {
  for (size_t capacity : {size_t{0}, size_t{400}, size_t{1} << 20}) {
    SCOPED_TRACE(absl::StrCat("capacity ", capacity));
    auto db = OpenDb(absl::StrCat("random", capacity));
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    for (const std::string& view : kViewNames) handles.push_back(*db->ViewHandle(view));
    RowCache cache(db->db(), 2, capacity);
    std::mt19937 rng(capacity + 7);
    auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
    using Rows = std::map<std::pair<size_t, std::string>, std::optional<std::string>>;
    Rows committed, batch, saved;
    bool save_point = false;
    auto expected = [&](size_t view, const std::string& key) -> std::optional<std::string> {
      if (auto it = batch.find({view, key}); it != batch.end()) return it->second;
      if (auto it = committed.find({view, key}); it != committed.end()) return it->second;
      return std::nullopt;
    };
    cache.BeginBatch(handles);
    for (int step = 0; step < 3000; ++step) {
      const size_t view = static_cast<size_t>(pick(2));
      const std::string key = absl::StrCat("key", pick(40));
      const int op = pick(100);
      if (op < 35) {
        auto got = cache.Get(view, key);
        ASSERT_THAT(got, IsOk());
        ASSERT_EQ(*got, expected(view, key)) << "step " << step << " " << key;
      } else if (op < 65) {
        const std::string value = absl::StrCat("v", step);
        cache.Put(view, key, value);
        batch[{view, key}] = value;
      } else if (op < 72) {
        cache.Delete(view, key);
        batch[{view, key}] = std::nullopt;
      } else if (op < 80) {
        cache.SetSavePoint();
        saved = batch;
        save_point = true;
      } else if (op < 85) {
        cache.RollbackToSavePoint();
        if (save_point) batch = saved;
        save_point = false;
      } else if (op < 90) {
        cache.PopSavePoint();
        save_point = false;
      } else if (op < 97) {
        rocksdb::WriteBatch write;
        ASSERT_THAT(cache.AppendTo(write), IsOk());
        ASSERT_TRUE(db->db()->Write(rocksdb::WriteOptions(), &write).ok());
        cache.CommitBatch();
        for (auto& [k, v] : batch) committed[k] = v;
        batch.clear();
        save_point = false;
        cache.BeginBatch(handles);
      } else {
        cache.AbortBatch();
        batch.clear();
        save_point = false;
        cache.BeginBatch(handles);
      }
      if (capacity > 0) {
        ASSERT_LE(cache.cached_bytes(), capacity + 200);
      }
    }
    // What reached the database is the model's committed rows.
    for (const auto& [k, v] : committed) {
      auto stored = db->Get(kViewNames[k.first], k.second);
      ASSERT_THAT(stored, IsOk());
      EXPECT_EQ(*stored, v) << k.second;
    }
    if (capacity == 0) {
      EXPECT_EQ(cache.cached_bytes(), 0u);
    }
  }
}

// ---------------------------------------------------------------------------------
// ProjectionRunner.

TEST_F(ProjectionTest, CreateValidatesOptionsAndClaimsViews) {
  auto db = OpenDb();
  ProjectionOptions bad = Options();
  bad.name = "";
  EXPECT_THAT(ProjectionRunner::Create(db.get(), std::make_unique<VectorSource>(), Views(), bad),
              StatusIs(absl::StatusCode::kInvalidArgument));
  bad = Options(0);
  EXPECT_THAT(ProjectionRunner::Create(db.get(), std::make_unique<VectorSource>(), Views(), bad),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ProjectionRunner::Create(db.get(), std::make_unique<VectorSource>(), {}, Options()),
              StatusIs(absl::StatusCode::kInvalidArgument));

  auto first = Runner(db.get(), std::make_unique<VectorSource>(), Options());
  // Same name again, or another projection writing the same view: refused.
  EXPECT_THAT(
      ProjectionRunner::Create(db.get(), std::make_unique<VectorSource>(), Views(), Options()),
      StatusIs(absl::StatusCode::kAlreadyExists));
  ProjectionOptions other = Options();
  other.name = "other";
  other.registry = nullptr;
  EXPECT_THAT(ProjectionRunner::Create(db.get(), std::make_unique<VectorSource>(), Views(), other),
              StatusIs(absl::StatusCode::kAlreadyExists));
  // Released when the first runner goes.
  first.reset();
  EXPECT_THAT(ProjectionRunner::Create(db.get(), std::make_unique<VectorSource>(), Views(), other),
              IsOk());
}

TEST_F(ProjectionTest, AppliesEventsAndCommitsCheckpointsWithTheRows) {
  auto db = OpenDb();
  auto source = std::make_unique<VectorSource>(Events(activity0_, 5));
  VectorSource* src = source.get();
  auto runner = Runner(db.get(), std::move(source), Options());

  ASSERT_THAT(runner->RunOnce(), IsOk());
  // seq 1..5 -> streams s1: 1,4  s2: 2,5  s0: 3
  EXPECT_THAT(*db->Scan("stream_totals"), ElementsAre(ViewRow{"stream/activity-0-s0", "1:30"},
                                                      ViewRow{"stream/activity-0-s1", "2:50"},
                                                      ViewRow{"stream/activity-0-s2", "2:70"}));
  EXPECT_THAT(*db->Scan("last_value"),
              ElementsAre(ViewRow{"activity-0-s0", "30"}, ViewRow{"activity-0-s1", "40"},
                          ViewRow{"activity-0-s2", "50"}));
  std::optional<PartitionCheckpoint> cp = runner->Checkpoint(activity0_);
  ASSERT_TRUE(cp.has_value());
  EXPECT_EQ(cp->high_water_sequence, 5u);
  EXPECT_EQ(cp->next_position, 5);
  EXPECT_EQ(cp->last_recorded_at, kT0 + absl::Seconds(5));
  EXPECT_EQ(cp->last_occurred_at, kT0 + absl::Seconds(5) - absl::Minutes(1));
  EXPECT_EQ(runner->Checkpoint(targets0_), std::nullopt);
  // The stored checkpoint is the one in memory.
  EXPECT_EQ(db->ReadCheckpoints("sales")->at(activity0_), *cp);
  EXPECT_EQ(src->committed(), (std::map<PartitionId, int64_t>{{activity0_, 5}}));

  ProjectionStats stats = runner->Stats();
  EXPECT_EQ(stats.events_applied, 5u);
  EXPECT_EQ(stats.batches_committed, 1u);
  EXPECT_TRUE(stats.caught_up);
  EXPECT_EQ(MetricOr("salesperf_projection_events_applied_total", {{"projection", "sales"}}), 5);
  EXPECT_EQ(MetricOr("salesperf_projection_batch_seconds", {{"projection", "sales"}}), 1);
  EXPECT_EQ(runner->RunOnce().value_or(99), 0u);
}

TEST_F(ProjectionTest, RelayDuplicatesChangeNothing) {
  auto db = OpenDb();
  std::vector<SourcedEvent> once = Events(activity0_, 6);
  std::vector<SourcedEvent> twice = once;
  // A relay restart publishes the same envelopes again, at new offsets.
  for (SourcedEvent r : Events(activity0_, 6, 1, 6)) twice.push_back(std::move(r));
  auto runner = Runner(db.get(), std::make_unique<VectorSource>(twice), Options(4));
  EXPECT_EQ(Drain(*runner), 12u);

  Dump expected = FoldFromScratch(once);
  Dump actual = DumpOf(*db, "sales");
  EXPECT_EQ(actual.views, expected.views);
  EXPECT_EQ(actual.views, ExpectedRows(once));
  EXPECT_EQ(actual.checkpoints.at(activity0_).high_water_sequence, 6u);
  EXPECT_EQ(actual.checkpoints.at(activity0_).next_position, 12);
  EXPECT_EQ(runner->Stats().duplicates_skipped, 6u);
  EXPECT_EQ(runner->Stats().events_applied, 6u);
  EXPECT_EQ(MetricOr("salesperf_projection_duplicates_skipped_total", {{"projection", "sales"}}),
            6);
}

TEST_F(ProjectionTest, SourceRestartedFromAnOlderPositionChangesNothing) {
  auto db = OpenDb();
  const std::vector<SourcedEvent> events = Events(activity0_, 8);
  {
    auto runner = Runner(db.get(), std::make_unique<VectorSource>(events), Options(3));
    Drain(*runner);
  }
  const Dump before = DumpOf(*db, "sales");
  for (std::optional<int64_t> rewind : {std::optional<int64_t>(3), std::optional<int64_t>()}) {
    SCOPED_TRACE(rewind.has_value() ? "rewound by 3" : "from the beginning");
    prometheus::Registry registry;
    ProjectionOptions options = Options(2);
    options.registry = &registry;
    auto runner = Runner(
        db.get(), std::make_unique<RewindingSource>(std::make_unique<VectorSource>(events), rewind),
        options);
    const size_t replayed = Drain(*runner);
    EXPECT_EQ(replayed, rewind.has_value() ? 3u : 8u);
    EXPECT_EQ(runner->Stats().duplicates_skipped, replayed);
    EXPECT_EQ(runner->Stats().events_applied, 0u);
    EXPECT_EQ(DumpOf(*db, "sales"), before);
  }
}

TEST_F(ProjectionTest, CrashBetweenBatchesLosesAndDoublesNothing) {
  const std::vector<SourcedEvent> ordered = Alternate(Events(activity0_, 10), Events(targets0_, 7));

  {
    auto db = OpenDb();
    auto runner = Runner(db.get(), std::make_unique<VectorSource>(ordered), Options(4));
    ASSERT_THAT(runner->RunOnce(), IsOk());
    ASSERT_THAT(runner->RunOnce(), IsOk());
    // ... and the process dies: runner and database go without any shutdown step.
  }
  {
    // Dies again, this time in the middle of a batch (a view fails after writing).
    auto db = OpenDb();
    auto runner = Runner(db.get(), std::make_unique<VectorSource>(ordered), Options(4), Views(3));
    EXPECT_THAT(runner->RunOnce(), StatusIs(absl::StatusCode::kUnavailable));
  }
  auto db = OpenDb();
  auto source = std::make_unique<VectorSource>(ordered);
  VectorSource* src = source.get();
  auto runner = Runner(db.get(), std::move(source), Options(4));
  EXPECT_EQ(Drain(*runner), ordered.size() - 8);
  // It resumed where the committed checkpoint said.
  int64_t resumed = 0;
  for (const auto& [partition, at] : src->start_positions()) resumed += at.value_or(0);
  EXPECT_EQ(resumed, 8);
  EXPECT_EQ(runner->Stats().duplicates_skipped, 0u);
  EXPECT_EQ(DumpOf(*db, "sales"), FoldFromScratch(ordered));
  EXPECT_EQ(DumpOf(*db, "sales").views, ExpectedRows(ordered));
}

TEST_F(ProjectionTest, FailedBatchCommitsNothingAndIsRetried) {
  auto db = OpenDb();
  const std::vector<SourcedEvent> events = Events(activity0_, 5);
  auto source = std::make_unique<VectorSource>(events);
  VectorSource* src = source.get();
  auto runner = Runner(db.get(), std::move(source), Options(), Views(/*flaky_on=*/3));

  EXPECT_THAT(runner->RunOnce(), StatusIs(absl::StatusCode::kUnavailable, HasSubstr("hiccup")));
  EXPECT_THAT(*db->Scan("last_value"), IsEmpty());
  EXPECT_THAT(*db->Scan("stream_totals"), IsEmpty());
  EXPECT_THAT(*db->ReadCheckpoints("sales"), IsEmpty());
  EXPECT_THAT(src->committed(), IsEmpty());
  EXPECT_THAT(runner->LastError(), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(runner->Stats().failed_batches, 1u);
  EXPECT_EQ(MetricOr("salesperf_projection_errors_total", {{"projection", "sales"}}), 1);

  // The same records again, not a new poll.
  EXPECT_EQ(runner->RunOnce().value_or(0), 5u);
  EXPECT_THAT(runner->LastError(), IsOk());
  EXPECT_EQ(runner->Stats().events_applied, 5u);
  EXPECT_EQ(DumpOf(*db, "sales").views, ExpectedRows(events));
}

TEST_F(ProjectionTest, PollErrorIsSurfacedAndTheNextBatchProceeds) {
  auto db = OpenDb();
  auto source = std::make_unique<VectorSource>(Events(activity0_, 3));
  source->FailNextPoll(absl::UnavailableError("broker away"));
  auto runner = Runner(db.get(), std::move(source), Options());
  EXPECT_THAT(runner->RunOnce(), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(runner->RunOnce().value_or(0), 3u);
}

TEST_F(ProjectionTest, UndecodableRecordIsDeadLetteredAndProcessingContinues) {
  auto db = OpenDb();
  std::vector<SourcedEvent> events = Events(activity0_, 2);
  events.push_back(Undecodable(activity0_, 2));
  for (SourcedEvent r : Events(activity0_, 2, 3, 3)) events.push_back(std::move(r));
  auto runner = Runner(db.get(), std::make_unique<VectorSource>(events), Options());

  EXPECT_EQ(runner->RunOnce().value_or(0), 5u);
  EXPECT_EQ(DumpOf(*db, "sales").views, ExpectedRows(events));
  EXPECT_EQ(runner->Stats().events_applied, 4u);
  EXPECT_EQ(runner->Stats().dead_lettered, 1u);
  EXPECT_EQ(runner->Checkpoint(activity0_)->next_position, 5);
  EXPECT_EQ(MetricOr("salesperf_dlq_messages_total", {{"consumer", "sales"}}), 1);

  auto letters = db->ReadDeadLetters("sales");
  ASSERT_THAT(letters, IsOk());
  ASSERT_THAT(*letters, SizeIs(1));
  const DeadLetter& l = (*letters)[0];
  EXPECT_EQ(l.partition, activity0_);
  EXPECT_EQ(l.position, 2);
  EXPECT_TRUE(l.raw);
  EXPECT_EQ(l.payload, events[2].raw);
  EXPECT_EQ(l.key, "stream-x");
  EXPECT_EQ(l.dead_lettered_at, kT0);
  EXPECT_THAT(l.error, HasSubstr("not an EventEnvelope"));
}

TEST_F(ProjectionTest, RejectedEventIsDeadLetteredWithNoPartialWrites) {
  auto db = OpenDb();
  std::vector<SourcedEvent> events = Events(activity0_, 2);
  // last_value writes a label for it, stream_totals writes a row and then rejects it.
  events.push_back(Record(activity0_, 2, Envelope("activity", 3, "activity-s0", Str("poison"))));
  for (SourcedEvent r : Events(activity0_, 2, 4, 3)) events.push_back(std::move(r));
  auto runner = Runner(db.get(), std::make_unique<VectorSource>(events), Options());

  EXPECT_EQ(runner->RunOnce().value_or(0), 5u);
  Dump dump = DumpOf(*db, "sales");
  EXPECT_EQ(dump.views, ExpectedRows(events));
  for (const auto& [view, rows] : dump.views) {
    for (const ViewRow& row : rows) {
      EXPECT_FALSE(row.key.starts_with("poisoned/") || row.key.starts_with("label/")) << row.key;
    }
  }
  EXPECT_EQ(runner->Stats().events_applied, 4u);
  // The rejected event counts as consumed: redelivered, it is a duplicate.
  EXPECT_EQ(runner->Checkpoint(activity0_)->high_water_sequence, 5u);

  auto letters = db->ReadDeadLetters("sales");
  ASSERT_THAT(letters, IsOk());
  ASSERT_THAT(*letters, SizeIs(1));
  EXPECT_FALSE((*letters)[0].raw);
  EXPECT_THAT((*letters)[0].error, HasSubstr("view stream_totals: poison payload"));
  EventEnvelope stored;
  ASSERT_TRUE(stored.ParseFromString((*letters)[0].payload));
  EXPECT_THAT(stored, ::salesperf::testing::EqualsProto(events[2].envelope));
  EXPECT_EQ((*letters)[0].key, "activity-s0");
}

// A view that sums in memory (Flush, DiscardEvent, DiscardBatch) folds the same rows as
// one writing through the txn, across rejected events and batches aborted halfway.
TEST_F(ProjectionTest, BatchHooksFlushOncePerBatchAndDiscardRejectedAndAbortedWork) {
  auto db = OpenDb();
  std::vector<SourcedEvent> events = Events(activity0_, 4);
  events.push_back(Record(activity0_, 4, Envelope("activity", 5, "activity-0-s2", Str("poison"))));
  for (SourcedEvent r : Events(activity0_, 3, 6, 5)) events.push_back(std::move(r));
  events.push_back(Undecodable(activity0_, 8));
  for (SourcedEvent r : Events(activity0_, 5, 9, 9)) events.push_back(std::move(r));
  FailingOnceSink sink;
  ProjectionOptions options = Options(/*batch_size=*/6);
  options.dead_letters = &sink;
  std::vector<ViewPtr> views;
  views.push_back(std::make_unique<LastValueView>());
  auto totals = std::make_unique<BufferedTotalsView>();
  BufferedTotalsView* view = totals.get();
  views.push_back(std::move(totals));
  auto runner = Runner(db.get(), std::make_unique<VectorSource>(events), options, std::move(views));

  // The poison's dead letter fails to send: the batch aborts after 4 summed events.
  EXPECT_THAT(runner->RunOnce(), StatusIs(absl::StatusCode::kUnavailable, HasSubstr("dlq")));
  EXPECT_EQ(view->discarded_events, 1);
  EXPECT_EQ(view->discarded_batches, 1);
  EXPECT_EQ(view->flushes, 0);
  EXPECT_THAT(*db->Scan("stream_totals"), IsEmpty());
  EXPECT_EQ(runner->RunOnce().value_or(0), 6u);  // 5 applied + the poison rejected
  EXPECT_EQ(view->discarded_events, 2);
  EXPECT_EQ(view->flushes, 1);
  Drain(*runner);
  EXPECT_EQ(view->flushes, static_cast<int>(runner->Stats().batches_committed));
  EXPECT_EQ(DumpOf(*db, "sales").views, ExpectedRows(events));
  EXPECT_EQ(runner->Stats().dead_lettered, 2u);
  EXPECT_EQ(view->discarded_batches, 1);
}

TEST_F(ProjectionTest, DeadLetterSinkFailureRetriesTheBatch) {
  auto db = OpenDb();
  std::vector<SourcedEvent> events = Events(activity0_, 2);
  events.push_back(Undecodable(activity0_, 2));
  FailingOnceSink sink;
  ProjectionOptions options = Options();
  options.dead_letters = &sink;
  auto runner = Runner(db.get(), std::make_unique<VectorSource>(events), options);

  EXPECT_THAT(runner->RunOnce(), StatusIs(absl::StatusCode::kUnavailable, HasSubstr("dlq")));
  EXPECT_THAT(*db->Scan("last_value"), IsEmpty());
  EXPECT_EQ(runner->RunOnce().value_or(0), 3u);
  ASSERT_THAT(sink.sent, SizeIs(1));
  EXPECT_EQ(sink.sent[0].first, 2);
  EXPECT_THAT(*db->ReadDeadLetters("sales"), IsEmpty());  // the custom sink took it
  EXPECT_EQ(DumpOf(*db, "sales").views, ExpectedRows(events));
}

TEST_F(ProjectionTest, UnknownPayloadTypesAreSkipped) {
  auto db = OpenDb();
  BoolValue unknown;
  unknown.set_value(true);
  std::vector<SourcedEvent> events = {
      Record(activity0_, 0, Envelope("activity", 1, "activity-s1", unknown)),
      Record(activity0_, 1, Envelope("activity", 2, "activity-s2", Int(5))),
  };
  auto runner = Runner(db.get(), std::make_unique<VectorSource>(events), Options());
  EXPECT_EQ(runner->RunOnce().value_or(0), 2u);
  EXPECT_THAT(*db->Scan("stream_totals"), ElementsAre(ViewRow{"stream/activity-s2", "1:5"}));
  EXPECT_THAT(*db->Scan("last_value"), ElementsAre(ViewRow{"activity-s2", "5"}));
  EXPECT_EQ(runner->Stats().dead_lettered, 0u);
  EXPECT_EQ(runner->Checkpoint(activity0_)->high_water_sequence, 2u);
}

TEST_F(ProjectionTest, EnvelopeWithoutSequenceIsDeadLettered) {
  auto db = OpenDb();
  std::vector<SourcedEvent> events = {
      Record(activity0_, 0, Envelope("activity", 0, "activity-s1", Int(1))),
      Record(activity0_, 1, Envelope("activity", 1, "activity-s1", Int(2))),
  };
  auto runner = Runner(db.get(), std::make_unique<VectorSource>(events), Options());
  EXPECT_EQ(runner->RunOnce().value_or(0), 2u);
  EXPECT_THAT(*db->Scan("stream_totals"), ElementsAre(ViewRow{"stream/activity-s1", "1:2"}));
  ASSERT_THAT(*db->ReadDeadLetters("sales"), SizeIs(1));
  EXPECT_THAT(db->ReadDeadLetters("sales")->at(0).error, HasSubstr("no sequence"));
}

TEST_F(ProjectionTest, LagMetricsFollowTheSourceHeads) {
  auto db = OpenDb();
  auto source = std::make_unique<VectorSource>(Events(activity0_, 10));
  VectorSource* src = source.get();
  auto runner = Runner(db.get(), std::move(source), Options(4));
  const std::map<std::string, std::string> partition_labels = {
      {"projection", "sales"}, {"source", "activity"}, {"partition", "0"}};

  ASSERT_THAT(runner->RunOnce(), IsOk());  // seq 1..4 recorded at kT0 + 1..4 s
  clock_.Set(kT0 + absl::Seconds(100));
  ASSERT_THAT(runner->RunOnce(), IsOk());  // seq 5..8
  EXPECT_EQ(MetricOr("salesperf_projection_lag_events", partition_labels), 2);
  EXPECT_EQ(MetricOr("salesperf_projection_lag_seconds", {{"projection", "sales"}}), 92);
  EXPECT_EQ(runner->Stats().lag_events, 2);
  EXPECT_EQ(runner->Stats().lag, absl::Seconds(92));
  EXPECT_FALSE(runner->CaughtUp());

  ASSERT_THAT(runner->RunOnce(), IsOk());  // seq 9..10
  EXPECT_EQ(MetricOr("salesperf_projection_lag_events", partition_labels), 0);
  EXPECT_EQ(MetricOr("salesperf_projection_lag_seconds", {{"projection", "sales"}}), 0);
  EXPECT_TRUE(runner->CaughtUp());

  // New records arrive on another partition: lag there, none here.
  src->Append(Events(activity1_, 6, 11));
  clock_.Set(kT0 + absl::Seconds(200));
  ASSERT_THAT(runner->RunOnce(), IsOk());  // seq 11..14, recorded at up to kT0 + 14 s
  EXPECT_EQ(MetricOr("salesperf_projection_lag_events",
                     {{"projection", "sales"}, {"source", "activity"}, {"partition", "1"}}),
            2);
  EXPECT_EQ(MetricOr("salesperf_projection_lag_events", partition_labels), 0);
  EXPECT_EQ(MetricOr("salesperf_projection_lag_seconds", {{"projection", "sales"}}), 186);
  EXPECT_EQ(MetricOr("salesperf_projection_batch_seconds", {{"projection", "sales"}}), 4);

  // The runner's series leave the registry with it.
  runner.reset();
  EXPECT_EQ(Metric(registry_, "salesperf_projection_lag_events", partition_labels), std::nullopt);
}

TEST_F(ProjectionTest, CaughtUpOnlyOnceTheStartHeadsAreReached) {
  auto db = OpenDb();
  const std::vector<SourcedEvent> events = Events(activity0_, 10);
  {
    auto runner = Runner(db.get(), std::make_unique<VectorSource>(events), Options(3));
    EXPECT_FALSE(runner->CaughtUp());
    for (int i = 0; i < 3; ++i) {
      ASSERT_THAT(runner->RunOnce(), IsOk());
      EXPECT_FALSE(runner->CaughtUp());
    }
    ASSERT_THAT(runner->RunOnce(), IsOk());
    EXPECT_TRUE(runner->CaughtUp());
  }
  // After a restart with nothing new, ready at once.
  auto source = std::make_unique<VectorSource>(events);
  auto runner = Runner(db.get(), std::move(source), Options(3));
  EXPECT_EQ(runner->RunOnce().value_or(99), 0u);
  EXPECT_TRUE(runner->CaughtUp());
}

// Like a local source over an empty event store: a head, but nothing to deliver.
class EmptyPartitionSource : public EventSource {
 public:
  absl::Status Start(PositionLookup) override { return absl::OkStatus(); }
  absl::StatusOr<std::vector<SourcedEvent>> Poll(size_t, absl::Duration) override {
    return std::vector<SourcedEvent>();
  }
  std::vector<PartitionHead> Heads() const override { return {{{"activity", 0}, 1}}; }
};

TEST_F(ProjectionTest, EmptyPartitionWithoutCheckpointIsCaughtUpOnceDrained) {
  auto db = OpenDb();
  auto runner = Runner(db.get(), std::make_unique<EmptyPartitionSource>(), Options());
  EXPECT_FALSE(runner->CaughtUp());
  EXPECT_EQ(runner->RunOnce().value_or(99), 0u);
  EXPECT_TRUE(runner->CaughtUp());
  EXPECT_EQ(runner->Stats().lag_events, 0);
}

TEST_F(ProjectionTest, CatchUpDrivesBatchesInTheCallersThread) {
  auto db = OpenDb();
  const std::vector<SourcedEvent> events = Events(activity0_, 25);
  auto runner = Runner(db.get(), std::make_unique<VectorSource>(events), Options(4));
  EXPECT_THAT(runner->CatchUp(absl::Seconds(60)), IsOk());
  EXPECT_TRUE(runner->CaughtUp());
  EXPECT_EQ(DumpOf(*db, "sales").views, ExpectedRows(events));
}

TEST_F(ProjectionTest, BackgroundLoopCatchesUpRetriesAndStops) {
  auto db = OpenDb();
  std::vector<SourcedEvent> events = Events(activity0_, 30);
  auto source = std::make_unique<VectorSource>(events);
  VectorSource* src = source.get();
  ProjectionOptions options = Options(7);
  options.poll_timeout = absl::Milliseconds(5);
  auto runner = Runner(db.get(), std::move(source), options, Views(/*flaky_on=*/10));

  ASSERT_THAT(runner->Start(), IsOk());
  EXPECT_TRUE(runner->running());
  EXPECT_THAT(runner->Start(), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(runner->CatchUp(absl::Seconds(60)), IsOk());
  runner->Stop();
  runner->Stop();
  EXPECT_FALSE(runner->running());
  EXPECT_EQ(runner->Stats().failed_batches, 1u);

  // What arrived meanwhile is folded by the next batches.
  std::vector<SourcedEvent> more = Events(activity0_, 5, 31, 30);
  src->Append(more);
  Drain(*runner);
  events.insert(events.end(), more.begin(), more.end());
  EXPECT_EQ(DumpOf(*db, "sales").views, ExpectedRows(events));
  EXPECT_EQ(runner->Stats().events_applied, 35u);
}

TEST_F(ProjectionTest, RebuildEqualsIncrementalByteForByte) {
  // Two sources, relay duplicates, poison, undecodable and unknown records.
  std::vector<SourcedEvent> events = Events(activity0_, 12);
  events.push_back(Undecodable(activity0_, 12));
  events.push_back(Record(activity0_, 13, Envelope("activity", 13, "activity-s1", Str("poison"))));
  events.push_back(Record(activity0_, 14, Envelope("activity", 14, "activity-s2", Str("vip"))));
  for (SourcedEvent r : Events(activity0_, 4, 9, 15)) events.push_back(std::move(r));  // dups
  for (SourcedEvent r : Events(targets0_, 9)) events.push_back(std::move(r));

  auto db = OpenDb();
  auto source = std::make_unique<VectorSource>(events);
  VectorSource* src = source.get();
  auto runner = Runner(db.get(), std::move(source), Options(5));
  Drain(*runner);
  const Dump incremental = DumpOf(*db, "sales");
  ASSERT_THAT(incremental.views.at("stream_totals"), SizeIs(6));
  ASSERT_THAT(incremental.dead_letters, SizeIs(2));

  ASSERT_THAT(runner->Rebuild(), IsOk());
  EXPECT_FALSE(runner->CaughtUp());
  EXPECT_THAT(*db->Scan("stream_totals"), IsEmpty());
  EXPECT_THAT(*db->ReadCheckpoints("sales"), IsEmpty());
  EXPECT_EQ(src->start_count(), 2);
  ASSERT_THAT(runner->CatchUp(absl::Seconds(60)), IsOk());
  for (const auto& [partition, at] : src->start_positions()) EXPECT_EQ(at, std::nullopt);

  EXPECT_EQ(DumpOf(*db, "sales"), incremental);
  EXPECT_EQ(incremental.views, ExpectedRows(events));
}

// last_value with a schema version, its rows keyed "v<version>/<stream>": a version
// change that changes the rows, as View::schema_version asks.
class VersionedLastValueView : public View {
 public:
  explicit VersionedLastValueView(int version) : version_(version) {}
  std::string_view name() const override { return "last_value"; }
  int schema_version() const override { return version_; }
  absl::Status Apply(const EventEnvelope& event, ViewTxn& txn) override {
    Int64Value v;
    if (!event.payload().UnpackTo(&v)) return absl::OkStatus();
    txn.Put(absl::StrCat("v", version_, "/", event.stream_id()), absl::StrCat(v.value()));
    return absl::OkStatus();
  }

 private:
  const int version_;
};

TEST_F(ProjectionTest, ViewsFoldedWithAnotherSchemaAreRebuiltFromTheBeginning) {
  auto db = OpenDb();
  const std::vector<SourcedEvent> events = Events(activity0_, 12);
  auto views = [](std::optional<int> last_value_version) {
    std::vector<ViewPtr> out;
    if (last_value_version.has_value()) {
      out.push_back(std::make_unique<VersionedLastValueView>(*last_value_version));
    }
    out.push_back(std::make_unique<StreamTotalsView>());
    return out;
  };
  // Each start is a new runner, as after a deployment (no metrics: one name per registry).
  auto start = [&](std::optional<int> last_value_version) {
    ProjectionOptions options = Options(5);
    options.registry = nullptr;
    return Runner(db.get(), std::make_unique<VectorSource>(events), options,
                  views(last_value_version));
  };
  auto last_value_keys = [&] {
    std::vector<std::string> keys;
    auto rows = db->Scan("last_value");
    EXPECT_THAT(rows, IsOk());
    if (rows.ok()) {
      for (const ViewRow& row : *rows) keys.push_back(row.key);
    }
    return keys;
  };
  const auto expected_totals = ExpectedRows(events).at("stream_totals");
  const std::vector<std::string> v1_keys = {"v1/activity-0-s0", "v1/activity-0-s1",
                                            "v1/activity-0-s2"};

  EXPECT_EQ(Drain(*start(1)), 12u);
  EXPECT_EQ(last_value_keys(), v1_keys);

  // The same views and versions: nothing is folded again.
  EXPECT_EQ(Drain(*start(1)), 0u);

  // Folded before schemas were recorded: taken as version 1 of the same views.
  ASSERT_TRUE(db->db()->Delete(rocksdb::WriteOptions(), codec::FoldedSchemaKey("sales")).ok());
  EXPECT_EQ(Drain(*start(1)), 0u);
  EXPECT_EQ(last_value_keys(), v1_keys);
  auto recorded = db->ReadFoldedSchema("sales");
  ASSERT_THAT(recorded, IsOk());
  EXPECT_EQ(*recorded, "last_value=1,stream_totals=1");

  // A raised version empties the views and folds them again, totals not doubled.
  EXPECT_EQ(Drain(*start(2)), 12u);
  EXPECT_EQ(last_value_keys(),
            std::vector<std::string>({"v2/activity-0-s0", "v2/activity-0-s1", "v2/activity-0-s2"}));
  EXPECT_EQ(*db->Scan("stream_totals"), expected_totals);

  // Another set of views (last_value no longer written by this projection) too.
  EXPECT_EQ(Drain(*start(std::nullopt)), 12u);
  EXPECT_EQ(*db->Scan("stream_totals"), expected_totals);
}

// The row cache, the memtable hints and the memtable bloom filter change how rows are
// read and written, never what they end up as.
TEST_F(ProjectionTest, RowCacheBudgetsAndMemtableOptionsGiveIdenticalFolds) {
  std::vector<SourcedEvent> events = Alternate(Events(activity0_, 40), Events(targets0_, 25));
  events.push_back(Undecodable(activity0_, 40));
  events.push_back(
      Record(activity0_, 41, Envelope("activity", 41, "activity-0-s2", Str("poison"))));
  for (SourcedEvent r : Events(activity0_, 10, 30, 42)) events.push_back(std::move(r));  // dups
  for (SourcedEvent r : Events(activity0_, 20, 42, 52)) events.push_back(std::move(r));
  std::optional<Dump> first;
  int round = 0;
  for (size_t cache_bytes : {size_t{0}, size_t{300}, ProjectionOptions().row_cache_bytes}) {
    for (const auto& [hints, bloom] : {std::pair(false, 0.0), std::pair(true, 0.0),
                                       std::pair(false, 0.05), std::pair(true, 0.05)}) {
      SCOPED_TRACE(
          absl::StrCat("row cache ", cache_bytes, " bytes, hints ", hints, ", bloom ", bloom));
      ViewDbOptions db_options;
      db_options.memtable_insert_hints = hints;
      db_options.memtable_bloom_ratio = bloom;
      auto db = ViewDb::Open(dir_.Sub(absl::StrCat("budget", ++round)), kViewNames, db_options);
      ASSERT_THAT(db, IsOk());
      // The options reach every view's column family.
      for (const std::string& view : kViewNames) {
        auto handle = (*db)->ViewHandle(view);
        ASSERT_THAT(handle, IsOk());
        const rocksdb::Options applied = (*db)->db()->GetOptions(*handle);
        EXPECT_EQ(applied.memtable_prefix_bloom_size_ratio, bloom);
        EXPECT_EQ(applied.memtable_whole_key_filtering, bloom > 0);
        EXPECT_EQ(applied.memtable_insert_with_hint_prefix_extractor != nullptr, hints);
      }
      prometheus::Registry registry;
      ProjectionOptions options = Options(7);
      options.registry = &registry;
      options.row_cache_bytes = cache_bytes;
      auto runner = Runner(db->get(), std::make_unique<VectorSource>(events), options);
      Drain(*runner);
      const Dump dump = DumpOf(**db, "sales");
      if (!first.has_value()) {
        first = dump;
        EXPECT_EQ(dump.views, ExpectedRows(events));
      } else {
        EXPECT_EQ(dump, *first);
      }
    }
  }
}

// A failed batch leaves the cached rows as committed: the retry reads the same rows
// (FlakyView fails after its inner view wrote).
TEST_F(ProjectionTest, FailedBatchesDoNotLeakIntoTheRowCache) {
  auto db = OpenDb();
  const std::vector<SourcedEvent> events = Events(activity0_, 30);
  auto runner =
      Runner(db.get(), std::make_unique<VectorSource>(events), Options(4), Views(/*flaky_on=*/6));
  ASSERT_THAT(runner->RunOnce(), IsOk());  // applies 1..4, caching their rows
  EXPECT_THAT(runner->RunOnce(), StatusIs(absl::StatusCode::kUnavailable));
  Drain(*runner);
  EXPECT_EQ(DumpOf(*db, "sales").views, ExpectedRows(events));
}

// Rows cached by a runner are dropped when the views are reset behind it, so what it
// folds next starts from the empty views, as the database does.
TEST_F(ProjectionTest, RowCacheIsDroppedWhenTheViewsAreReset) {
  auto db = OpenDb();
  auto source = std::make_unique<VectorSource>(Events(activity0_, 6));
  VectorSource* src = source.get();
  auto runner = Runner(db.get(), std::move(source), Options());
  ASSERT_EQ(runner->RunOnce().value_or(0), 6u);
  ASSERT_THAT(db->ResetProjection("sales", kViewNames), IsOk());
  const std::vector<SourcedEvent> more = Events(activity0_, 3, 7, 6);
  src->Append(more);
  ASSERT_EQ(runner->RunOnce().value_or(0), 3u);
  EXPECT_EQ(DumpOf(*db, "sales").views, ExpectedRows(more));
}

TEST_F(ProjectionTest, RebuildWhileRunningResumesTheLoop) {
  auto db = OpenDb();
  const std::vector<SourcedEvent> events = Events(activity0_, 40);
  ProjectionOptions options = Options(6);
  options.poll_timeout = absl::Milliseconds(5);
  auto runner = Runner(db.get(), std::make_unique<VectorSource>(events), options);
  ASSERT_THAT(runner->Start(), IsOk());
  ASSERT_THAT(runner->CatchUp(absl::Seconds(60)), IsOk());
  const Dump before = DumpOf(*db, "sales");

  ASSERT_THAT(runner->Rebuild(), IsOk());
  EXPECT_TRUE(runner->running());
  ASSERT_THAT(runner->CatchUp(absl::Seconds(60)), IsOk());
  runner->Stop();
  EXPECT_EQ(DumpOf(*db, "sales"), before);
}

TEST_F(ProjectionTest, InterleavingsOfSourcesGiveIdenticalRows) {
  std::map<PartitionId, std::vector<SourcedEvent>> partitions = {
      {activity0_, Events(activity0_, 15)},
      {activity1_, Events(activity1_, 15, 16)},
      {targets0_, Events(targets0_, 20)},
  };
  std::mt19937 rng(20240611);
  std::optional<Dump> first;
  for (int round = 0; round < 6; ++round) {
    // A random merge that keeps each partition's own order.
    std::vector<SourcedEvent> merged;
    std::map<PartitionId, size_t> next;
    std::vector<PartitionId> live;
    for (const auto& [p, records] : partitions) live.push_back(p);
    while (!live.empty()) {
      size_t pick = std::uniform_int_distribution<size_t>(0, live.size() - 1)(rng);
      const PartitionId p = live[pick];
      merged.push_back(partitions[p][next[p]++]);
      if (next[p] == partitions[p].size()) live.erase(live.begin() + static_cast<long>(pick));
    }
    SCOPED_TRACE(absl::StrCat("round ", round));
    auto db = OpenDb(absl::StrCat("interleaving", round));
    prometheus::Registry registry;
    ProjectionOptions options = Options(1 + round * 3);
    options.registry = &registry;
    auto runner = Runner(db.get(), std::make_unique<VectorSource>(merged), options);
    Drain(*runner);
    Dump dump = DumpOf(*db, "sales");
    if (!first.has_value()) {
      first = dump;
      EXPECT_EQ(dump.views, ExpectedRows(merged));
    } else {
      EXPECT_EQ(dump, *first);
    }
  }
}

TEST_F(ProjectionTest, RandomBatchesRestartsAndReplaysMatchAFromScratchFold) {
  std::mt19937 rng(1234567);
  auto chance = [&](int percent) {
    return std::uniform_int_distribution<int>(0, 99)(rng) < percent;
  };
  // Three partitions over two sources; each gets its own sequence of records.
  std::vector<SourcedEvent> records;
  std::map<PartitionId, int64_t> next_position;
  std::map<PartitionId, uint64_t> next_sequence = {
      {activity0_, 1}, {activity1_, 1000}, {targets0_, 1}};
  std::map<PartitionId, std::vector<EventEnvelope>> published;
  const std::vector<PartitionId> partitions = {activity0_, activity1_, targets0_};
  for (int i = 0; i < 300; ++i) {
    const PartitionId p = partitions[std::uniform_int_distribution<size_t>(0, 2)(rng)];
    const int64_t position = next_position[p]++;
    if (chance(5)) {
      records.push_back(Undecodable(p, position));
    } else if (chance(10) && !published[p].empty()) {
      // A relay restart re-publishes an earlier event.
      const auto& old = published[p];
      records.push_back(
          Record(p, position, old[std::uniform_int_distribution<size_t>(0, old.size() - 1)(rng)]));
    } else {
      const uint64_t seq = next_sequence[p]++;
      const std::string stream = absl::StrCat(p.source, "-", p.partition, "-s", seq % 5);
      EventEnvelope e =
          chance(4)   ? Envelope(p.source, seq, stream, Str("poison"))
          : chance(4) ? Envelope(p.source, seq, stream, BoolValue())
                      : Envelope(p.source, seq, stream,
                                 Int(std::uniform_int_distribution<int64_t>(-1000, 1000)(rng)));
      published[p].push_back(e);
      records.push_back(Record(p, position, std::move(e)));
    }
  }

  const Dump scratch = FoldFromScratch(records);
  ASSERT_EQ(scratch.views, ExpectedRows(records));

  // Now incrementally: random batch sizes, restarts (sometimes of the database too) and
  // sources that go back to older positions.
  std::unique_ptr<ViewDb> db = OpenDb();
  std::unique_ptr<ProjectionRunner> runner;
  int steps = 0;
  while (true) {
    ASSERT_LT(++steps, 10'000);
    if (runner == nullptr || chance(20)) {
      runner.reset();
      if (chance(30)) {
        db.reset();
        db = OpenDb();
      }
      std::optional<int64_t> rewind;
      if (chance(30)) rewind = std::uniform_int_distribution<int64_t>(1, 20)(rng);
      ProjectionOptions options = Options(std::uniform_int_distribution<size_t>(1, 17)(rng));
      options.registry = nullptr;
      // No row cache, one that evicts all the time, or the default.
      const size_t budgets[] = {0, 200, options.row_cache_bytes};
      options.row_cache_bytes = budgets[std::uniform_int_distribution<size_t>(0, 2)(rng)];
      EventSourcePtr source = std::make_unique<VectorSource>(records);
      if (rewind.has_value()) {
        source = std::make_unique<RewindingSource>(std::make_unique<VectorSource>(records), rewind);
      }
      runner = Runner(db.get(), std::move(source), options);
      ASSERT_NE(runner, nullptr);
    }
    absl::StatusOr<size_t> n = runner->RunOnce();
    ASSERT_THAT(n, IsOk());
    if (*n == 0 && runner->CaughtUp()) break;
  }
  runner.reset();
  EXPECT_EQ(DumpOf(*db, "sales"), scratch);
}

// Counts the records handed back to it, then passes them on.
class RecycleCountingSource : public EventSource {
 public:
  explicit RecycleCountingSource(std::unique_ptr<VectorSource> inner) : inner_(std::move(inner)) {}
  absl::Status Start(PositionLookup lookup) override { return inner_->Start(std::move(lookup)); }
  absl::StatusOr<std::vector<SourcedEvent>> Poll(size_t max, absl::Duration timeout) override {
    return inner_->Poll(max, timeout);
  }
  // NOLINTNEXTLINE(performance-unnecessary-value-param): the interface's by-value hand-back
  void Recycle(std::vector<SourcedEvent> records) override {
    recycled_ += records.size();
    inner_->Recycle(std::move(records));
  }
  std::vector<PartitionHead> Heads() const override { return inner_->Heads(); }
  const std::atomic<size_t>& recycled() const { return recycled_; }

 private:
  std::unique_ptr<VectorSource> inner_;
  std::atomic<size_t> recycled_{0};
};

// Services wrap their source in a CommitWatcher: committed batches still reach the
// source, so that a source reusing records (Kafka) does so behind the watcher too.
TEST_F(ProjectionTest, CommittedBatchesAreHandedBackThroughACommitWatcher) {
  auto db = OpenDb();
  const std::vector<SourcedEvent> events = Events(activity0_, 40);
  auto counting = std::make_unique<RecycleCountingSource>(std::make_unique<VectorSource>(events));
  const RecycleCountingSource& source = *counting;
  auto runner = Runner(db.get(), std::make_unique<CommitWatcher>(std::move(counting)), Options(6));
  EXPECT_EQ(Drain(*runner), events.size());
  EXPECT_EQ(source.recycled().load(), events.size());
}

}  // namespace
}  // namespace salesperf::projection
