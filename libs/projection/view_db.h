// ViewDb: the RocksDB database of one service's read side.
//
// One database holds every view of the service (column family "view.<name>" each),
// the projections' checkpoints ("checkpoints") and the local dead letters
// ("dead_letters"); byte layouts are in codec.cc. ProjectionRunners write to it (each
// view is written by exactly one runner); query code reads it through Get, Scan and
// NewIterator, optionally at a ReadSnapshot so that several reads see one point in time.
//
// Thread safety: every method may be called from any number of threads at once.
// ResetProjection (used by ProjectionRunner::Rebuild) waits for reads in progress; a
// read that starts after it sees the empty views.
//
// Lifetime: iterators, snapshots and runners using a ViewDb must be destroyed before it.
#ifndef SALESPERF_LIBS_PROJECTION_VIEW_DB_H_
#define SALESPERF_LIBS_PROJECTION_VIEW_DB_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "libs/projection/codec.h"
#include "libs/projection/event_source.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class Snapshot;
struct ColumnFamilyOptions;
struct WriteOptions;
}  // namespace rocksdb

namespace salesperf::projection {

struct ViewDbOptions {
  // Create the database if the path holds none. Default: true.
  bool create_if_missing = true;
  // fsync the write-ahead log on every commit. Default: false: a commit is atomic
  // either way (rows and checkpoint in one batch), so an OS crash only loses a tail of
  // batches that the runner folds again from the older checkpoint.
  bool sync_commits = false;
  // LRU block cache shared by every column family, in bytes. Default: 32 MiB.
  size_t block_cache_bytes = size_t{32} << 20;
  // Memtable size per column family, in bytes. Default: 16 MiB.
  size_t write_buffer_bytes = size_t{16} << 20;
  // Bloom filter bits per key for point lookups; 0 disables. Default: 10.
  int bloom_bits_per_key = 10;
  // Size of a whole-key bloom filter in each memtable, as a fraction of the memtable; 0
  // disables it. Most reads of a fold are for rows that do not exist yet (a new day, a new
  // call), and a memtable answers those by searching its whole skiplist unless a filter
  // rules the key out first: about 8 % more events per CPU second in the analytics fold.
  // Within [0, 0.25] (RocksDB's bound), else Open is INVALID_ARGUMENT. Default: 0.05.
  double memtable_bloom_ratio = 0.05;
  // Remember, per row key, where the memtable last inserted it, so that rewriting a row
  // (a read-modify-write view: counters, totals) skips most of the skiplist search: about
  // a third less CPU per written row. Costs ~250 bytes of memtable per distinct key, so
  // views that mostly write new keys flush sooner. Default: true.
  bool memtable_insert_hints = true;
};

// A point-in-time view of the whole database (every view and the checkpoints). RAII:
// releases the RocksDB snapshot on destruction. Thread-safe; must not outlive its ViewDb.
class ReadSnapshot {
 public:
  ~ReadSnapshot();
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  friend class ViewDb;
  ReadSnapshot(rocksdb::DB* db, const rocksdb::Snapshot* snapshot) : db_(db), snapshot_(snapshot) {}
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
};

// Which rows a scan visits. Bounds and prefix combine (the intersection).
struct ScanOptions {
  // Only keys that start with this. Default: "" (every key).
  std::string prefix;
  // Inclusive lower bound. Default: "" (from the first key). To resume a forward scan
  // after key k, pass k + '\0'.
  std::string lower_bound;
  // Exclusive upper bound. Default: nullopt (to the last key). To resume a reverse scan
  // after key k, pass k.
  std::optional<std::string> upper_bound;
  // Visit keys from the highest down. Default: false (ascending byte order).
  bool reverse = false;
  // Stop after this many rows; 0 means no limit. Default: 0.
  size_t limit = 0;
  // Read at this snapshot. Default: nullptr (the latest committed state). Not owned.
  const ReadSnapshot* snapshot = nullptr;
};

struct ViewRow {
  std::string key;
  std::string value;
  friend bool operator==(const ViewRow&, const ViewRow&) = default;
};

// A cursor over one view's rows, positioned on the first row when created. Not
// thread-safe; keeps reading the state it started with (an implicit snapshot).
class ViewIterator {
 public:
  virtual ~ViewIterator() = default;
  virtual bool Valid() const = 0;
  // Valid() only; the views stay valid until the next Next().
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  virtual void Next() = 0;
  // Non-OK if iteration stopped on a storage error rather than at the end.
  virtual absl::Status status() const = 0;
};

class ViewDb {
 public:
  // Opens (or creates) the database at `path` with the views named `view_names`
  // ([a-z0-9_], unique), creating missing column families, and finishes any rebuild a
  // crash interrupted. Column families of views no longer registered are kept as they
  // are but not readable. Errors: INVALID_ARGUMENT (bad names), UNAVAILABLE (RocksDB
  // could not open, e.g. locked by another process), DATA_LOSS (corrupt rows).
  static absl::StatusOr<std::unique_ptr<ViewDb>> Open(const std::string& path,
                                                      const std::vector<std::string>& view_names,
                                                      const ViewDbOptions& options = {});
  ~ViewDb();
  ViewDb(const ViewDb&) = delete;
  ViewDb& operator=(const ViewDb&) = delete;

  const std::string& path() const { return path_; }
  const std::vector<std::string>& view_names() const { return view_names_; }
  bool HasView(std::string_view view) const;

  // --- Reads, for query code. NOT_FOUND if `view` is not registered; UNAVAILABLE on a
  // storage error.

  // The row's value, or nullopt if there is none.
  absl::StatusOr<std::optional<std::string>> Get(std::string_view view, std::string_view key,
                                                 const ReadSnapshot* snapshot = nullptr) const;
  // The values of `keys` (nullopt where there is no row), in the order of `keys`: one
  // batched lookup, cheaper than a Get per key when a query needs many rows at once.
  absl::StatusOr<std::vector<std::optional<std::string>>> MultiGet(
      std::string_view view, const std::vector<std::string>& keys,
      const ReadSnapshot* snapshot = nullptr) const;
  // The rows selected by `options`, in scan order.
  absl::StatusOr<std::vector<ViewRow>> Scan(std::string_view view,
                                            const ScanOptions& options = {}) const;
  // A cursor over the rows selected by `options` (its `limit` is honoured).
  absl::StatusOr<std::unique_ptr<ViewIterator>> NewIterator(std::string_view view,
                                                            const ScanOptions& options = {}) const;
  // A consistent point in time for several reads.
  std::unique_ptr<ReadSnapshot> GetSnapshot() const;

  // Every checkpoint of `projection`, as committed (or at `snapshot`).
  absl::StatusOr<std::map<PartitionId, PartitionCheckpoint>> ReadCheckpoints(
      std::string_view projection, const ReadSnapshot* snapshot = nullptr) const;
  // The dead letters stored for `consumer` by RocksDbDeadLetterSink, in key order
  // (partition, then position); at most `limit` (0: all).
  absl::StatusOr<std::vector<DeadLetter>> ReadDeadLetters(std::string_view consumer,
                                                          size_t limit = 0) const;

  // --- For ProjectionRunner and RocksDbDeadLetterSink (this module).

  // Records that `projection` writes `views`, so that no two runners write one view.
  // ALREADY_EXISTS if a view is claimed by another projection or `projection` already
  // holds a claim; NOT_FOUND if a view is not registered. ReleaseViews undoes it (the runner's
  // destructor).
  absl::Status ClaimViews(std::string_view projection, const std::vector<std::string>& views);
  void ReleaseViews(std::string_view projection);

  // Empties `views` (drop and re-create their column families) and deletes the
  // projection's checkpoints, crash-safely (see the reset marker in codec.cc). The
  // caller must not be writing to those views meanwhile.
  absl::Status ResetProjection(std::string_view projection, const std::vector<std::string>& views);
  // What `projection`'s rows were folded with (codec::FoldedSchemaKey): nullopt if
  // never recorded. Written durably (fsync).
  absl::StatusOr<std::optional<std::string>> ReadFoldedSchema(std::string_view projection) const;
  absl::Status WriteFoldedSchema(std::string_view projection, std::string_view schema);
  // How many view resets this ViewDb has started (ResetProjection, or one finished by
  // Open), so that a runner caching rows knows when they may have changed behind it.
  uint64_t reset_count() const { return resets_.load(std::memory_order_acquire); }

  rocksdb::DB* db() const { return db_; }
  rocksdb::ColumnFamilyHandle* checkpoints_handle() const { return checkpoints_; }
  rocksdb::ColumnFamilyHandle* dead_letters_handle() const { return dead_letters_; }
  // The view's column family. Stays valid until ResetProjection drops that view; only
  // the view's own runner calls ResetProjection, so the runner may hold it between resets.
  absl::StatusOr<rocksdb::ColumnFamilyHandle*> ViewHandle(std::string_view view) const;
  const rocksdb::WriteOptions& write_options() const { return *write_options_; }

 private:
  ViewDb() = default;
  // Runs `read` with the view's column family, under the lock that keeps a reset from
  // destroying the handle meanwhile. NOT_FOUND if `view` is not registered.
  absl::Status WithViewHandle(std::string_view view,
                              absl::FunctionRef<void(rocksdb::ColumnFamilyHandle*)> read) const;
  absl::Status FinishPendingResets();
  absl::Status ResetLocked(std::string_view projection, const std::vector<std::string>& views)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::string path_;
  std::vector<std::string> view_names_;
  std::unique_ptr<rocksdb::ColumnFamilyOptions> cf_options_;
  std::unique_ptr<rocksdb::WriteOptions> write_options_;
  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* default_ = nullptr;
  rocksdb::ColumnFamilyHandle* checkpoints_ = nullptr;
  rocksdb::ColumnFamilyHandle* dead_letters_ = nullptr;

  mutable absl::Mutex mu_;
  // Every open column family but the three above, by column-family name ("view.<name>").
  std::map<std::string, rocksdb::ColumnFamilyHandle*, std::less<>> views_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> resets_{0};
  // View name -> the projection that writes it.
  std::map<std::string, std::string, std::less<>> claims_ ABSL_GUARDED_BY(mu_);
};

using ViewDbPtr = std::unique_ptr<ViewDb>;

}  // namespace salesperf::projection

#endif  // SALESPERF_LIBS_PROJECTION_VIEW_DB_H_
