// RocksDbEventStore: the EventStore of one service, in its own RocksDB.
//
//   EventStoreOptions options;
//   options.path = dir;
//   options.source = "activity";
//   ASSIGN_OR_RETURN(auto store, RocksDbEventStore::Open(std::move(options)));
//   ASSIGN_OR_RETURN(AppendResult r, store->Append(std::move(request)));
//
// Layout: keys.cc. Concurrency: appends go through a writer queue (as in LevelDB's
// DBImpl::Write); the thread at its front leads a group, decides every queued request
// in order, writes the whole group as ONE WriteBatch, then publishes the new head. So
// sequences are assigned in commit order, become visible in order, and a failed write
// consumes none. README.md explains why this is not left to RocksDB's own group commit.
//
// Failed writes: after a group write fails, every later append that would write fails
// with UNAVAILABLE until the store is reopened (see WriteHealth); reads keep working.
//
// Thread safety: every method may be called from any number of threads at once. The
// store must outlive every call into it; destroying it closes the database.
#ifndef SALESPERF_LIBS_EVENTSTORE_ROCKSDB_EVENT_STORE_H_
#define SALESPERF_LIBS_EVENTSTORE_ROCKSDB_EVENT_STORE_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "libs/common/clock.h"
#include "libs/eventstore/event_store.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class Iterator;
class Env;
}  // namespace rocksdb

namespace salesperf::eventstore {

struct EventStoreOptions {
  // Directory of the RocksDB database; created if missing. Required.
  std::string path;
  // The service name stamped into every envelope's `source` and the `source` label of
  // every metric. Required.
  std::string source;
  // Whether every group write is fsynced before Append returns.
  // Default: false. The write-ahead log is always on, so an acknowledged append is in the
  // OS page cache and survives a crash or kill -9 of the process; fsync only adds
  // protection against losing the machine (power, kernel) and costs about a millisecond
  // per group. Turn it on where the host gives no such protection (no replicated disk).
  bool sync_every_append = false;
  // Where recorded_at comes from. Not owned; must outlive the store.
  // Default: RealClock(). Tests pass a FakeClock.
  Clock* clock = RealClock();
  // Seed for the generator of event ids, for reproducible ids in tests.
  // Default: nullopt, a generator seeded from the operating system.
  std::optional<uint64_t> event_id_seed;
  // Registry for the store's metrics (all labelled source=<source>):
  //   salesperf_eventstore_events_appended_total      counter
  //   salesperf_eventstore_append_seconds             histogram, per Append call
  //   salesperf_eventstore_write_errors_total         counter, failed group writes
  //   salesperf_eventstore_head_sequence              gauge
  //   salesperf_rocksdb_size_bytes{db="events"}       gauge: SST files plus memtables
  // Not owned; must outlive the store. Default: nullptr, no metrics.
  prometheus::Registry* metrics = nullptr;
  // How many stream heads (stream id -> version) the writer keeps in memory; a miss costs
  // one SeekForPrev in the stream index. Default: 100'000 (a few MB).
  size_t stream_cache_capacity = 100'000;
  // Most requests one group write carries; bounds the latency a leader adds for others.
  // Default: 1024.
  size_t max_group_requests = 1024;
  // RocksDB memtable size per column family. Default: 64 MiB (RocksDB's default).
  size_t write_buffer_size = 64 << 20;
  // RocksDB environment, for fault-injection tests. Not owned; must outlive the store.
  // Default: nullptr, rocksdb::Env::Default().
  rocksdb::Env* env = nullptr;
};

class RocksDbEventStore final : public EventStore {
 public:
  // Opens (or creates) the store at options.path, finding the head sequence from the
  // last event. Errors: INVALID_ARGUMENT (missing path or source), UNAVAILABLE (the
  // database cannot be opened, e.g. another process holds it), DATA_LOSS (corruption).
  static absl::StatusOr<std::unique_ptr<RocksDbEventStore>> Open(EventStoreOptions options);

  ~RocksDbEventStore() override;
  RocksDbEventStore(const RocksDbEventStore&) = delete;
  RocksDbEventStore& operator=(const RocksDbEventStore&) = delete;

  absl::StatusOr<AppendResult> Append(AppendRequest request) override;
  absl::StatusOr<MultiAppendResult> AppendMulti(MultiAppendRequest request) override;
  // Joins the group commit without waiting: a caller that finds the queue empty writes the
  // group itself (and `done` runs before this returns); otherwise the thread leading the
  // queue writes it and calls `done`.
  void AppendMultiAsync(MultiAppendRequest request, AppendMultiCallback done) override;
  absl::StatusOr<std::optional<RequestRecord>> LookupRequest(
      const std::string& request_id) override;
  absl::StatusOr<std::vector<EventEnvelope>> ReadStream(const std::string& stream_id,
                                                        uint64_t from_version,
                                                        size_t max_count) override;
  absl::StatusOr<uint64_t> StreamVersion(const std::string& stream_id) override;
  // One iterator for every stream (the default creates one per stream).
  absl::StatusOr<std::vector<uint64_t>> StreamVersions(
      const std::vector<std::string>& stream_ids) override;
  absl::StatusOr<std::vector<EventEnvelope>> ReadLog(uint64_t from_sequence,
                                                     size_t max_count) override;
  uint64_t HeadSequence() const override;
  // Waits in real time (a condition variable), whatever options.clock is.
  uint64_t WaitForSequence(uint64_t after_sequence, absl::Duration timeout) const override;
  const std::string& source() const override { return options_.source; }

  // OK, or the UNAVAILABLE status every append has failed with since a group write failed
  // (a full or failing disk). Writes stay stopped until the store is reopened (README.md
  // says why); reads keep working. For the service's health check.
  absl::Status WriteHealth() const;

  // Blocks until at least `n` appends are queued, the current leader's included. Lets a
  // test hold a leader (e.g. in a blocking Env) and line up the next group exactly.
  void WaitUntilQueuedForTesting(size_t n);

 private:
  struct Writer;
  struct LeaderState;
  struct Metrics;

  explicit RocksDbEventStore(EventStoreOptions options);

  // Queues a validated request and waits for its group's write (or leads it).
  absl::StatusOr<MultiAppendResult> Commit(MultiAppendRequest* request,
                                           std::chrono::steady_clock::time_point started);
  // The calling thread leads the queue (its front is this thread's writer, or an
  // asynchronous one nobody leads): writes group after group and finishes their writers,
  // until the queue is empty or a waiting synchronous writer takes over.
  void Lead();
  void ObserveLatency(const Writer& w);
  // Leader only: decides and writes `group`, fills in every writer's result.
  void WriteGroup(const std::vector<Writer*>& group);
  void FailGroup(const std::vector<Writer*>& group, const absl::Status& error);
  // Leader only: the stream's committed version (cache, then the stream index).
  // `it` is created on the first cache miss and reused by the caller's later lookups.
  absl::StatusOr<uint64_t> CommittedStreamVersion(const std::string& stream_id,
                                                  std::unique_ptr<rocksdb::Iterator>* it);
  // The version of the stream's last index entry, visible or not (0: none).
  absl::StatusOr<uint64_t> LastIndexedVersion(rocksdb::Iterator& it, const std::string& stream_id);
  // The version of the stream's last append whose events are at or below `head`.
  absl::StatusOr<uint64_t> VisibleStreamVersion(rocksdb::Iterator& it, const std::string& stream_id,
                                                uint64_t head);
  absl::StatusOr<std::optional<RequestRecord>> ReadRequestRecord(const std::string& request_id);
  void Publish(uint64_t head);
  void UpdateSizeMetric();

  const EventStoreOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* events_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* streams_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* requests_cf_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;

  // The writer queue; its front is the leader.
  absl::Mutex queue_mu_;
  std::deque<Writer*> writers_ ABSL_GUARDED_BY(queue_mu_);

  // State only the current leader touches. Leadership passes through queue_mu_, which
  // orders one leader's writes before the next one's reads.
  std::unique_ptr<LeaderState> leader_;

  // The highest visible sequence; waiters sleep on head_cv_.
  std::atomic<uint64_t> visible_head_{0};
  mutable absl::Mutex head_mu_;
  mutable absl::CondVar head_cv_;

  // Set once, by the leader whose write failed.
  mutable absl::Mutex health_mu_;
  absl::Status write_health_ ABSL_GUARDED_BY(health_mu_);

  std::unique_ptr<Metrics> metrics_;
};

}  // namespace salesperf::eventstore

#endif  // SALESPERF_LIBS_EVENTSTORE_ROCKSDB_EVENT_STORE_H_
