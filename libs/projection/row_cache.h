// RowCache: a ProjectionRunner's view rows in memory, in two layers.
//
//  - The batch: the rows the current batch wrote, not yet committed. Reads see them
//    first (a view reads what earlier events of the batch wrote). One save point undoes
//    the writes of a single event. AppendTo() hands them to the batch's WriteBatch once
//    per row (its last value) and in key order per view, which is what makes a batch
//    cheap for RocksDB: fewer memtable entries, each inserted next to the previous one.
//  - Committed rows: values read from the database or committed by earlier batches,
//    kept across batches within a byte budget (two generations: a row not used for a
//    generation is dropped). They stay exact only because the runner is its views' only
//    writer (ViewDb::ClaimViews) and clears the cache whenever the views may have
//    changed behind it: after a reset (ViewDb::reset_count) and after a failed commit,
//    whose outcome is unknown.
//
// Not thread-safe: the runner uses it under its batch lock.
#ifndef SALESPERF_LIBS_PROJECTION_ROW_CACHE_H_
#define SALESPERF_LIBS_PROJECTION_ROW_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class WriteBatch;
}  // namespace rocksdb

namespace salesperf::projection {

class RowCache {
 public:
  // `db` is not owned and must outlive the cache. `views`: how many views (indexes
  // 0..views-1 in every call). `capacity_bytes`: budget for committed rows (keys, values
  // and a per-row overhead); 0 keeps none between batches.
  RowCache(rocksdb::DB* db, size_t views, size_t capacity_bytes);
  RowCache(const RowCache&) = delete;
  RowCache& operator=(const RowCache&) = delete;

  // Starts a batch on these column families (one per view, in view order; not owned).
  // Any rows of an unfinished batch are dropped.
  void BeginBatch(std::vector<rocksdb::ColumnFamilyHandle*> handles);

  // The row as of the batch: its own writes, else the committed row (from memory or
  // the database). UNAVAILABLE on a storage error.
  absl::StatusOr<std::optional<std::string>> Get(size_t view, std::string_view key);
  void Put(size_t view, std::string_view key, std::string_view value);
  void Delete(size_t view, std::string_view key);

  // One save point at a time: Rollback undoes the batch's writes since SetSavePoint,
  // Pop keeps them. Both end the save point; without one they do nothing.
  void SetSavePoint();
  void RollbackToSavePoint();
  void PopSavePoint();

  // Adds the batch's rows to `batch`: each row once, with its last value (a Delete if it
  // was deleted), in key order within each view. Errors: INTERNAL if RocksDB refuses.
  absl::Status AppendTo(rocksdb::WriteBatch& batch) const;
  // The batch's WriteBatch is durable: its rows become committed rows.
  void CommitBatch();
  // The batch will not be committed: drops its rows.
  void AbortBatch();
  // Forgets every committed row (the views changed, or may have, behind the cache).
  void Clear();

  // For tests and the bench: rows written by the current batch, reads that went to the
  // database since the cache was created, and the committed rows' bytes.
  size_t batch_rows() const;
  uint64_t database_reads() const { return database_reads_; }
  size_t cached_bytes() const { return current_bytes_ + previous_bytes_; }

 private:
  // nullopt: the row is absent (never written, or deleted).
  using Value = std::optional<std::string>;
  using Rows = absl::flat_hash_map<std::string, Value>;
  struct ViewRows {
    Rows batch;     // written by the current batch
    Rows current;   // committed rows, used in the current generation
    Rows previous;  // committed rows of the generation before (shadowed by `current`)
  };
  // How to restore one row of the batch on rollback.
  struct Undo {
    size_t view;
    std::string key;
    bool existed;  // the batch had written the row before
    Value value;   // its value then
  };

  Rows::iterator BatchRow(size_t view, std::string_view key);
  // Remembers a committed row in the current generation.
  void Remember(size_t view, std::string_view key, Value value);
  static size_t RowBytes(std::string_view key, const Value& value);

  rocksdb::DB* const db_;
  const size_t capacity_bytes_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::vector<ViewRows> views_;
  size_t current_bytes_ = 0;
  size_t previous_bytes_ = 0;
  bool save_point_ = false;
  std::vector<Undo> undo_;
  uint64_t database_reads_ = 0;
};

}  // namespace salesperf::projection

#endif  // SALESPERF_LIBS_PROJECTION_ROW_CACHE_H_
