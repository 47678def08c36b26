#include "libs/eventstore/rocksdb_event_store.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <list>
#include <random>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/memory/memory.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/eventstore/append_logic.h"
#include "libs/eventstore/keys.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"

namespace salesperf::eventstore {
namespace {

absl::Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(what, ": ", s.ToString());
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  // IO errors, a held lock, a full disk, a stopped (read-only after an error) database:
  // all transient from the caller's point of view.
  return absl::UnavailableError(message);
}

std::string_view ToView(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

// The stream id part of a `streams` key (stream_id 0x00, the key without its BE64 version):
// the memtable keeps an insert hint per stream, and a stream's next entry goes right after
// its previous one, so inserting it skips the search from the skiplist's head.
class StreamKeyPrefix : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "salesperf.StreamKeyPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), key.size() - 8);
  }
  bool InDomain(const rocksdb::Slice& key) const override { return key.size() > 8; }
};

// A bounded LRU map from stream id to the stream's committed version.
class StreamHeadCache {
 public:
  explicit StreamHeadCache(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {}

  std::optional<uint64_t> Get(const std::string& stream_id) {
    auto it = index_.find(stream_id);
    if (it == index_.end()) return std::nullopt;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
  }

  void Put(const std::string& stream_id, uint64_t version) {
    auto it = index_.find(stream_id);
    if (it != index_.end()) {
      it->second->second = version;
      lru_.splice(lru_.begin(), lru_, it->second);
      return;
    }
    lru_.emplace_front(stream_id, version);
    index_.emplace(stream_id, lru_.begin());
    if (lru_.size() > capacity_) {
      index_.erase(lru_.back().first);
      lru_.pop_back();
    }
  }

 private:
  const size_t capacity_;
  std::list<std::pair<std::string, uint64_t>> lru_;  // most recently used first
  absl::flat_hash_map<std::string, std::list<std::pair<std::string, uint64_t>>::iterator> index_;
};

}  // namespace

// One queued Append or AppendMulti. A synchronous writer lives on its caller's stack and
// waits on `cv` until its result is set; an asynchronous one owns its request, lives on the
// heap and is finished (its `done` called, then deleted) by the thread that wrote it.
struct RocksDbEventStore::Writer {
  Writer(MultiAppendRequest* r, std::chrono::steady_clock::time_point s) : request(r), started(s) {}
  MultiAppendRequest* request;
  const std::chrono::steady_clock::time_point started;
  absl::StatusOr<MultiAppendResult> result = absl::InternalError("not written");
  MultiAppendRequest owned;           // asynchronous only: `request` points here
  AppendMultiCallback done;           // asynchronous only
  bool finished = false;              // guarded by queue_mu_; synchronous only
  absl::CondVar cv;                   // synchronous only
  bool asynchronous() const { return static_cast<bool>(done); }
};

struct RocksDbEventStore::LeaderState {
  explicit LeaderState(const EventStoreOptions& options)
      : stream_heads(options.stream_cache_capacity),
        seeded_gen(options.event_id_seed.value_or(0)) {}
  uint64_t next_sequence = 1;
  StreamHeadCache stream_heads;
  std::mt19937_64 seeded_gen;
  absl::BitGen random_gen;
  absl::Time last_size_update = absl::InfinitePast();
  // Not OK once a group write failed: every later group fails with it.
  absl::Status stopped;
};

struct RocksDbEventStore::Metrics {
  Metrics(prometheus::Registry& registry, const std::string& source)
      : events_appended(prometheus::BuildCounter()
                            .Name("salesperf_eventstore_events_appended_total")
                            .Help("Events appended to the event store.")
                            .Register(registry)
                            .Add({{"source", source}})),
        write_errors(prometheus::BuildCounter()
                         .Name("salesperf_eventstore_write_errors_total")
                         .Help("Group writes that RocksDB refused; each failed its requests "
                               "with UNAVAILABLE.")
                         .Register(registry)
                         .Add({{"source", source}})),
        append_seconds(prometheus::BuildHistogram()
                           .Name("salesperf_eventstore_append_seconds")
                           .Help("Latency of EventStore::Append, queueing included.")
                           .Register(registry)
                           .Add({{"source", source}},
                                prometheus::Histogram::BucketBoundaries{
                                    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                    0.025, 0.05, 0.1, 0.25, 1})),
        head_sequence(prometheus::BuildGauge()
                          .Name("salesperf_eventstore_head_sequence")
                          .Help("Highest visible sequence of the event store.")
                          .Register(registry)
                          .Add({{"source", source}})),
        size_bytes(prometheus::BuildGauge()
                       .Name("salesperf_rocksdb_size_bytes")
                       .Help("Size of a RocksDB database: live SST files plus memtables.")
                       .Register(registry)
                       .Add({{"source", source}, {"db", "events"}})) {}

  prometheus::Counter& events_appended;
  prometheus::Counter& write_errors;
  prometheus::Histogram& append_seconds;
  prometheus::Gauge& head_sequence;
  prometheus::Gauge& size_bytes;
};

RocksDbEventStore::RocksDbEventStore(EventStoreOptions options)
    : options_(std::move(options)), leader_(std::make_unique<LeaderState>(options_)) {}

RocksDbEventStore::~RocksDbEventStore() {
  if (db_ == nullptr) return;
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  db_->Close().PermitUncheckedError();
}

absl::StatusOr<std::unique_ptr<RocksDbEventStore>> RocksDbEventStore::Open(
    EventStoreOptions options) {
  if (options.path.empty()) return absl::InvalidArgumentError("EventStoreOptions.path is empty");
  if (options.source.empty()) {
    return absl::InvalidArgumentError("EventStoreOptions.source is empty");
  }
  if (options.clock == nullptr)
    return absl::InvalidArgumentError("EventStoreOptions.clock is null");

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  if (options.env != nullptr) db_options.env = options.env;
  // The store stops writing after a failed write (WriteGroup says why): RocksDB's own
  // resume thread would only flush and sync through the failed WAL writer.
  db_options.max_bgerror_resume_count = 0;

  // Point lookups (request ids, stream heads) mostly miss or hit recent data: bloom
  // filters keep the misses off the disk.
  rocksdb::BlockBasedTableOptions table_options;
  table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.write_buffer_size = options.write_buffer_size;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));

  // Events arrive in key order: one insert hint for the whole family (the empty prefix)
  // turns each memtable insert into an append after the previous one.
  rocksdb::ColumnFamilyOptions events_options = cf_options;
  events_options.memtable_insert_with_hint_prefix_extractor.reset(
      rocksdb::NewFixedPrefixTransform(0));
  rocksdb::ColumnFamilyOptions streams_options = cf_options;
  streams_options.memtable_insert_with_hint_prefix_extractor = std::make_shared<StreamKeyPrefix>();
  // Most head lookups are for a stream that does not exist yet (a new call, a new deal):
  // prefix bloom filters over stream ids, in the memtable and in every table file, answer
  // those without searching. Every read of this family stays within one stream's prefix.
  streams_options.prefix_extractor = std::make_shared<StreamKeyPrefix>();
  streams_options.memtable_prefix_bloom_size_ratio = 0.05;

  // Almost every request id is new: a memtable bloom filter over whole keys answers
  // those lookups without searching the skiplist.
  rocksdb::ColumnFamilyOptions requests_options = cf_options;
  requests_options.memtable_whole_key_filtering = true;
  requests_options.memtable_prefix_bloom_size_ratio = 0.05;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = {
      {rocksdb::kDefaultColumnFamilyName, cf_options},
      {keys::kEventsCf, events_options},
      {keys::kStreamsCf, streams_options},
      {keys::kRequestsCf, requests_options},
  };
  auto store = absl::WrapUnique(new RocksDbEventStore(std::move(options)));
  rocksdb::DB* db = nullptr;
  RETURN_IF_ERROR(FromRocks(
      rocksdb::DB::Open(db_options, store->options_.path, descriptors, &store->handles_, &db),
      absl::StrCat("opening event store at ", store->options_.path)));
  store->db_.reset(db);
  store->events_cf_ = store->handles_[1];
  store->streams_cf_ = store->handles_[2];
  store->requests_cf_ = store->handles_[3];

  std::unique_ptr<rocksdb::Iterator> it(store->db_->NewIterator({}, store->events_cf_));
  it->SeekToLast();
  RETURN_IF_ERROR(FromRocks(it->status(), "reading the last event"));
  uint64_t head = 0;
  if (it->Valid()) {
    std::optional<uint64_t> last = keys::DecodeEventKey(ToView(it->key()));
    if (!last) return absl::DataLossError("malformed key in the events column family");
    head = *last;
  }
  store->leader_->next_sequence = head + 1;
  store->visible_head_.store(head, std::memory_order_release);
  if (store->options_.metrics != nullptr) {
    store->metrics_ = std::make_unique<Metrics>(*store->options_.metrics, store->options_.source);
    store->metrics_->head_sequence.Set(static_cast<double>(head));
    store->UpdateSizeMetric();
  }
  return store;
}

absl::StatusOr<AppendResult> RocksDbEventStore::Append(AppendRequest request) {
  const auto started = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(internal::PrepareRequest(&request));
  MultiAppendRequest multi = internal::ToMulti(std::move(request));
  ASSIGN_OR_RETURN(MultiAppendResult result, Commit(&multi, started));
  return internal::ToSingle(result);
}

absl::StatusOr<MultiAppendResult> RocksDbEventStore::AppendMulti(MultiAppendRequest request) {
  const auto started = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(internal::PrepareRequest(&request));
  return Commit(&request, started);
}

absl::StatusOr<MultiAppendResult> RocksDbEventStore::Commit(
    MultiAppendRequest* request, std::chrono::steady_clock::time_point started) {
  Writer w(request, started);
  {
    absl::MutexLock lock(&queue_mu_);
    writers_.push_back(&w);
    while (!w.finished && writers_.front() != &w) w.cv.Wait(&queue_mu_);
  }
  if (!w.finished) Lead();
  ObserveLatency(w);
  return std::move(w.result);
}

void RocksDbEventStore::AppendMultiAsync(MultiAppendRequest request, AppendMultiCallback done) {
  const auto started = std::chrono::steady_clock::now();
  if (absl::Status s = internal::PrepareRequest(&request); !s.ok()) {
    std::move(done)(s);
    return;
  }
  auto* w = new Writer(nullptr, started);
  w->owned = std::move(request);
  w->request = &w->owned;
  w->done = std::move(done);
  bool lead = false;
  {
    absl::MutexLock lock(&queue_mu_);
    writers_.push_back(w);
    lead = writers_.front() == w;
  }
  // Behind others: whoever leads the queue now writes this one too and calls `done`.
  if (lead) Lead();
}

void RocksDbEventStore::Lead() {
  std::vector<Writer*> group;
  std::vector<Writer*> finished_async;
  auto take_group = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
    // The queue's current contents, up to the limit. They stay queued (so that new
    // arrivals wait behind them) until their results are set.
    const size_t n = std::min(writers_.size(), std::max<size_t>(options_.max_group_requests, 1));
    group.assign(writers_.begin(), writers_.begin() + static_cast<std::ptrdiff_t>(n));
  };
  {
    absl::MutexLock lock(&queue_mu_);
    take_group();
  }
  while (true) {
    WriteGroup(group);
    bool more = false;
    finished_async.clear();
    {
      absl::MutexLock lock(&queue_mu_);
      for (Writer* member : group) {
        writers_.pop_front();
        if (member->asynchronous()) {
          finished_async.push_back(member);
        } else {
          member->finished = true;
          member->cv.Signal();
        }
      }
      if (!writers_.empty()) {
        if (writers_.front()->asynchronous()) {
          // Nobody waits to lead an asynchronous writer: this thread goes on.
          take_group();
          more = true;
        } else {
          writers_.front()->cv.Signal();  // a waiting caller leads from here
        }
      }
    }
    for (Writer* w : finished_async) {
      ObserveLatency(*w);
      std::move(w->done)(std::move(w->result));
      delete w;
    }
    if (!more) return;
  }
}

void RocksDbEventStore::ObserveLatency(const Writer& w) {
  if (metrics_ == nullptr) return;
  metrics_->append_seconds.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - w.started).count());
}

void RocksDbEventStore::WaitUntilQueuedForTesting(size_t n) {
  auto queued = [this, n]()
                    ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) { return writers_.size() >= n; };
  absl::MutexLock lock(&queue_mu_, absl::Condition(&queued));
}

void RocksDbEventStore::FailGroup(const std::vector<Writer*>& group, const absl::Status& error) {
  for (Writer* w : group) w->result = error;
}

absl::Status RocksDbEventStore::WriteHealth() const {
  absl::MutexLock lock(&health_mu_);
  return write_health_;
}

void RocksDbEventStore::WriteGroup(const std::vector<Writer*>& group) {
  LeaderState& leader = *leader_;
  rocksdb::WriteBatch batch;
  uint64_t next_sequence = leader.next_sequence;
  // The group's own effects, so that later requests see earlier ones.
  absl::flat_hash_map<std::string, uint64_t> pending_versions;
  absl::flat_hash_map<std::string, RequestRecord> pending_requests;
  const absl::Time now = options_.clock->Now();
  absl::BitGenRef gen = options_.event_id_seed.has_value() ? absl::BitGenRef(leader.seeded_gen)
                                                           : absl::BitGenRef(leader.random_gen);
  rocksdb::Status batch_status;
  std::string value;
  std::vector<uint64_t> current_versions;
  // One iterator for every stream-head lookup of the group that misses the cache: this
  // thread is the only writer, so it sees every committed group.
  std::unique_ptr<rocksdb::Iterator> heads;

  for (Writer* w : group) {
    MultiAppendRequest& request = *w->request;
    std::optional<RequestRecord> prior;
    if (!request.request_id.empty()) {
      if (auto it = pending_requests.find(request.request_id); it != pending_requests.end()) {
        prior = it->second;
      } else {
        absl::StatusOr<std::optional<RequestRecord>> stored = ReadRequestRecord(request.request_id);
        if (!stored.ok()) {
          w->result = stored.status();
          continue;
        }
        prior = *std::move(stored);
      }
    }
    current_versions.clear();
    absl::Status read_status;
    for (const StreamAppend& stream : request.streams) {
      if (auto it = pending_versions.find(stream.stream_id); it != pending_versions.end()) {
        current_versions.push_back(it->second);
        continue;
      }
      absl::StatusOr<uint64_t> committed = CommittedStreamVersion(stream.stream_id, &heads);
      if (!committed.ok()) {
        read_status = committed.status();
        break;
      }
      current_versions.push_back(*committed);
    }
    if (!read_status.ok()) {
      w->result = read_status;
      continue;
    }
    absl::StatusOr<std::optional<MultiAppendResult>> decided =
        internal::Decide(request, prior, current_versions);
    if (!decided.ok()) {
      w->result = decided.status();
      continue;
    }
    if (decided->has_value()) {
      w->result = **std::move(decided);
      continue;
    }

    MultiAppendResult result =
        internal::StampEvents(&request, current_versions, next_sequence, options_.source, now, gen);
    for (size_t i = 0; i < request.streams.size() && batch_status.ok(); ++i) {
      const StreamAppend& stream = request.streams[i];
      if (stream.events.empty()) continue;
      for (const EventEnvelope& event : stream.events) {
        value.clear();
        event.SerializeToString(&value);
        batch_status = batch.Put(events_cf_, keys::EventKey(event.sequence()), value);
        if (!batch_status.ok()) break;
      }
      if (batch_status.ok()) {
        batch_status =
            batch.Put(streams_cf_, keys::StreamKey(stream.stream_id, result.stream_versions[i]),
                      keys::StreamValue({.first_sequence = stream.events.front().sequence(),
                                         .count = stream.events.size()}));
      }
      pending_versions[stream.stream_id] = result.stream_versions[i];
    }
    if (!batch_status.ok()) break;
    if (result.last_sequence != 0) next_sequence = result.last_sequence + 1;
    if (!request.request_id.empty()) {
      RequestRecord record = internal::MakeRecord(request, result);
      batch_status = batch.Put(requests_cf_, request.request_id, keys::EncodeRequestRecord(record));
      if (!batch_status.ok()) break;
      // Only a later member of the group can retry this request.
      if (w != group.back()) pending_requests.emplace(request.request_id, std::move(record));
    }
    w->result = std::move(result);
  }

  if (batch.Count() == 0 && batch_status.ok()) return;  // everything was rejected or a retry
  if (!leader.stopped.ok()) {
    FailGroup(group, leader.stopped);
    return;
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync_every_append;
  if (batch_status.ok()) batch_status = db_->Write(write_options, &batch);
  if (!batch_status.ok()) {
    // Nothing of the batch was applied: no sequence is consumed, the cache keeps the
    // committed heads, and every request of the group (including those decided against
    // the group's own effects) fails as a whole.
    const absl::Status error = FromRocks(batch_status, "writing events");
    FailGroup(group, absl::UnavailableError(error.message()));
    if (metrics_ != nullptr) metrics_->write_errors.Increment();
    // RocksDB 7.8 keeps the failed WAL writer: a plain IO error stops the database for
    // good, and after a retryable one DB::Resume succeeds but the next write reuses the
    // poisoned WAL (an assertion failure in Debian's build). So the store stops writing
    // and reports it until it is reopened.
    leader.stopped = absl::UnavailableError(absl::StrCat(
        "event store stopped after a failed write; reopen it (", error.message(), ")"));
    absl::MutexLock lock(&health_mu_);
    write_health_ = leader.stopped;
    return;
  }
  for (const auto& [stream_id, version] : pending_versions) {
    leader.stream_heads.Put(stream_id, version);
  }
  const uint64_t appended = next_sequence - leader.next_sequence;
  leader.next_sequence = next_sequence;
  if (appended > 0) Publish(next_sequence - 1);
  if (metrics_ != nullptr) {
    metrics_->events_appended.Increment(static_cast<double>(appended));
    metrics_->head_sequence.Set(static_cast<double>(next_sequence - 1));
    if (now - leader.last_size_update >= absl::Seconds(10)) {
      leader.last_size_update = now;
      UpdateSizeMetric();
    }
  }
}

void RocksDbEventStore::Publish(uint64_t head) {
  absl::MutexLock lock(&head_mu_);
  visible_head_.store(head, std::memory_order_release);
  head_cv_.SignalAll();
}

absl::StatusOr<uint64_t> RocksDbEventStore::CommittedStreamVersion(
    const std::string& stream_id, std::unique_ptr<rocksdb::Iterator>* it) {
  if (std::optional<uint64_t> cached = leader_->stream_heads.Get(stream_id)) return *cached;
  if (*it == nullptr) it->reset(db_->NewIterator({}, streams_cf_));
  ASSIGN_OR_RETURN(uint64_t version, LastIndexedVersion(**it, stream_id));
  leader_->stream_heads.Put(stream_id, version);
  return version;
}

absl::StatusOr<uint64_t> RocksDbEventStore::LastIndexedVersion(rocksdb::Iterator& it,
                                                               const std::string& stream_id) {
  it.SeekForPrev(keys::StreamKey(stream_id, std::numeric_limits<uint64_t>::max()));
  RETURN_IF_ERROR(FromRocks(it.status(), "reading the stream index"));
  if (!it.Valid()) return 0;
  std::optional<keys::DecodedStreamKey> key = keys::DecodeStreamKey(ToView(it.key()));
  return key && key->stream_id == stream_id ? key->version : 0;
}

absl::StatusOr<std::optional<RequestRecord>> RocksDbEventStore::ReadRequestRecord(
    const std::string& request_id) {
  std::string value;
  rocksdb::Status s = db_->Get({}, requests_cf_, request_id, &value);
  if (s.IsNotFound()) return std::optional<RequestRecord>();
  RETURN_IF_ERROR(FromRocks(s, "reading a request record"));
  std::optional<RequestRecord> record = keys::DecodeRequestRecord(value);
  if (!record) return absl::DataLossError("malformed request record");
  return record;
}

absl::StatusOr<std::optional<RequestRecord>> RocksDbEventStore::LookupRequest(
    const std::string& request_id) {
  if (request_id.empty()) return std::optional<RequestRecord>();
  return ReadRequestRecord(request_id);
}

absl::StatusOr<std::vector<EventEnvelope>> RocksDbEventStore::ReadStream(
    const std::string& stream_id, uint64_t from_version, size_t max_count) {
  std::vector<EventEnvelope> out;
  if (max_count == 0) return out;
  // Events above the visible head may be written but not yet published: leave them out,
  // so that a stream read never runs ahead of the log.
  const uint64_t head = visible_head_.load(std::memory_order_acquire);
  const std::string prefix = keys::StreamPrefix(stream_id);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, streams_cf_));
  std::vector<std::string> event_keys;
  from_version = std::max<uint64_t>(from_version, 1);
  // The first entry at or after from_version is the append that holds it.
  for (it->Seek(keys::StreamKey(stream_id, from_version));
       it->Valid() && it->key().starts_with(prefix) && event_keys.size() < max_count; it->Next()) {
    std::optional<keys::DecodedStreamKey> key = keys::DecodeStreamKey(ToView(it->key()));
    std::optional<keys::StreamEntry> entry = keys::DecodeStreamValue(ToView(it->value()));
    if (!key || !entry || entry->count > key->version) {
      return absl::DataLossError("malformed stream index entry");
    }
    const uint64_t first_version = key->version - entry->count + 1;
    bool past_head = false;
    for (uint64_t v = std::max(from_version, first_version);
         v <= key->version && event_keys.size() < max_count; ++v) {
      const uint64_t sequence = entry->first_sequence + (v - first_version);
      if (sequence > head) {
        past_head = true;
        break;
      }
      event_keys.push_back(keys::EventKey(sequence));
    }
    if (past_head) break;
  }
  std::vector<rocksdb::Slice> key_slices(event_keys.begin(), event_keys.end());
  std::vector<rocksdb::PinnableSlice> values(event_keys.size());
  std::vector<rocksdb::Status> statuses(event_keys.size());
  db_->MultiGet({}, events_cf_, key_slices.size(), key_slices.data(), values.data(),
                statuses.data());
  out.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (statuses[i].IsNotFound()) return absl::DataLossError("stream index points at no event");
    RETURN_IF_ERROR(FromRocks(statuses[i], "reading events"));
    if (!out.emplace_back().ParseFromArray(values[i].data(), static_cast<int>(values[i].size()))) {
      return absl::DataLossError("malformed event");
    }
  }
  return out;
}

absl::StatusOr<uint64_t> RocksDbEventStore::StreamVersion(const std::string& stream_id) {
  const uint64_t head = visible_head_.load(std::memory_order_acquire);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, streams_cf_));
  return VisibleStreamVersion(*it, stream_id, head);
}

absl::StatusOr<std::vector<uint64_t>> RocksDbEventStore::StreamVersions(
    const std::vector<std::string>& stream_ids) {
  std::vector<uint64_t> versions;
  versions.reserve(stream_ids.size());
  if (stream_ids.empty()) return versions;
  const uint64_t head = visible_head_.load(std::memory_order_acquire);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, streams_cf_));
  for (const std::string& stream_id : stream_ids) {
    ASSIGN_OR_RETURN(versions.emplace_back(), VisibleStreamVersion(*it, stream_id, head));
  }
  return versions;
}

absl::StatusOr<uint64_t> RocksDbEventStore::VisibleStreamVersion(rocksdb::Iterator& it,
                                                                 const std::string& stream_id,
                                                                 uint64_t head) {
  // The last append whose events are visible: usually the stream's last entry, or one
  // before it while a group is between its write and its publication.
  for (it.SeekForPrev(keys::StreamKey(stream_id, std::numeric_limits<uint64_t>::max())); it.Valid();
       it.Prev()) {
    std::optional<keys::DecodedStreamKey> key = keys::DecodeStreamKey(ToView(it.key()));
    if (!key || key->stream_id != stream_id) break;
    std::optional<keys::StreamEntry> entry = keys::DecodeStreamValue(ToView(it.value()));
    if (!entry) return absl::DataLossError("malformed stream index entry");
    if (entry->first_sequence + entry->count - 1 <= head) return key->version;
  }
  RETURN_IF_ERROR(FromRocks(it.status(), "reading the stream index"));
  return 0;
}

absl::StatusOr<std::vector<EventEnvelope>> RocksDbEventStore::ReadLog(uint64_t from_sequence,
                                                                      size_t max_count) {
  std::vector<EventEnvelope> out;
  const uint64_t head = visible_head_.load(std::memory_order_acquire);
  from_sequence = std::max<uint64_t>(from_sequence, 1);
  if (max_count == 0 || from_sequence > head) return out;
  const std::string upper = keys::EventKey(head + 1);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, events_cf_));
  uint64_t expected = from_sequence;
  for (it->Seek(keys::EventKey(from_sequence)); it->Valid() && out.size() < max_count;
       it->Next(), ++expected) {
    if (keys::DecodeEventKey(ToView(it->key())) != expected) {
      return absl::DataLossError(absl::StrCat("event log has a hole at sequence ", expected));
    }
    if (!out.emplace_back().ParseFromArray(it->value().data(),
                                           static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("malformed event at sequence ", expected));
    }
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "reading the event log"));
  return out;
}

uint64_t RocksDbEventStore::HeadSequence() const {
  return visible_head_.load(std::memory_order_acquire);
}

uint64_t RocksDbEventStore::WaitForSequence(uint64_t after_sequence, absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&head_mu_);
  while (visible_head_.load(std::memory_order_acquire) <= after_sequence) {
    if (head_cv_.WaitWithDeadline(&head_mu_, deadline)) break;
  }
  return visible_head_.load(std::memory_order_acquire);
}

void RocksDbEventStore::UpdateSizeMetric() {
  uint64_t total = 0;
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    uint64_t value = 0;
    if (db_->GetIntProperty(handle, rocksdb::DB::Properties::kLiveSstFilesSize, &value)) {
      total += value;
    }
    if (db_->GetIntProperty(handle, rocksdb::DB::Properties::kSizeAllMemTables, &value)) {
      total += value;
    }
  }
  metrics_->size_bytes.Set(static_cast<double>(total));
}

}  // namespace salesperf::eventstore
