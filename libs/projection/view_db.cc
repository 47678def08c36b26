#include "libs/projection/view_db.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/common/status_macros.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"

namespace salesperf::projection {
namespace {

constexpr std::string_view kViewPrefix = "view.";
constexpr char kCheckpointsCf[] = "checkpoints";
constexpr char kDeadLettersCf[] = "dead_letters";

std::string ViewCfName(std::string_view view) {
  std::string name(kViewPrefix);
  name.append(view);
  return name;
}

absl::string_view AsAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(AsAbsl(what), ": ", s.ToString());
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  return absl::UnavailableError(message);
}

class RocksViewIterator : public ViewIterator {
 public:
  RocksViewIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, const ScanOptions& options,
                    const rocksdb::Snapshot* snapshot)
      : reverse_(options.reverse), limit_(options.limit) {
    // Effective range: [max(lower_bound, prefix), min(upper_bound, successor(prefix))).
    lower_ = std::max(options.lower_bound, options.prefix);
    std::optional<std::string> prefix_end = codec::PrefixSuccessor(options.prefix);
    if (options.upper_bound.has_value() && prefix_end.has_value()) {
      upper_ = std::min(*options.upper_bound, *prefix_end);
    } else if (options.upper_bound.has_value()) {
      upper_ = options.upper_bound;
    } else {
      upper_ = prefix_end;
    }
    if (upper_.has_value() && *upper_ <= lower_) {
      empty_ = true;
      return;
    }
    rocksdb::ReadOptions read_options;
    read_options.snapshot = snapshot;
    lower_slice_ = rocksdb::Slice(lower_);
    read_options.iterate_lower_bound = &lower_slice_;
    if (upper_.has_value()) {
      upper_slice_ = rocksdb::Slice(*upper_);
      read_options.iterate_upper_bound = &upper_slice_;
    }
    it_.reset(db->NewIterator(read_options, cf));
    if (!reverse_) {
      it_->Seek(lower_slice_);
    } else if (upper_.has_value()) {
      it_->SeekForPrev(upper_slice_);
      if (it_->Valid() && it_->key() == upper_slice_) it_->Prev();
    } else {
      it_->SeekToLast();
    }
  }

  bool Valid() const override {
    return !empty_ && it_->Valid() && (limit_ == 0 || visited_ < limit_);
  }
  std::string_view key() const override {
    rocksdb::Slice k = it_->key();
    return std::string_view(k.data(), k.size());
  }
  std::string_view value() const override {
    rocksdb::Slice v = it_->value();
    return std::string_view(v.data(), v.size());
  }
  void Next() override {
    ++visited_;
    if (reverse_) {
      it_->Prev();
    } else {
      it_->Next();
    }
  }
  absl::Status status() const override {
    if (empty_) return absl::OkStatus();
    return FromRocks(it_->status(), "view scan");
  }

 private:
  bool reverse_;
  size_t limit_;
  size_t visited_ = 0;
  bool empty_ = false;
  std::string lower_;
  std::optional<std::string> upper_;
  // The iterator keeps pointers to these slices: they must outlive it.
  rocksdb::Slice lower_slice_;
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace

ReadSnapshot::~ReadSnapshot() { db_->ReleaseSnapshot(snapshot_); }

absl::StatusOr<std::unique_ptr<ViewDb>> ViewDb::Open(const std::string& path,
                                                     const std::vector<std::string>& view_names,
                                                     const ViewDbOptions& options) {
  std::set<std::string, std::less<>> unique;
  for (const std::string& view : view_names) {
    RETURN_IF_ERROR(codec::ValidateName(view));
    if (!unique.insert(view).second) {
      return absl::InvalidArgumentError(absl::StrCat("view '", view, "' registered twice"));
    }
  }

  if (!(options.memtable_bloom_ratio >= 0 && options.memtable_bloom_ratio <= 0.25)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "memtable_bloom_ratio must be within [0, 0.25], got ", options.memtable_bloom_ratio));
  }
  std::unique_ptr<ViewDb> vdb(new ViewDb());
  vdb->path_ = path;
  vdb->view_names_ = view_names;

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  if (options.bloom_bits_per_key > 0) {
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(options.bloom_bits_per_key));
  }
  vdb->cf_options_ = std::make_unique<rocksdb::ColumnFamilyOptions>();
  vdb->cf_options_->write_buffer_size = options.write_buffer_bytes;
  if (options.memtable_insert_hints) {
    // The whole key is the "prefix": every row keeps the memtable position it was last
    // written at, and its next version goes right before it.
    vdb->cf_options_->memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewNoopTransform());
  }
  vdb->cf_options_->table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  if (options.memtable_bloom_ratio > 0) {
    vdb->cf_options_->memtable_whole_key_filtering = true;
    vdb->cf_options_->memtable_prefix_bloom_size_ratio = options.memtable_bloom_ratio;
  }
  vdb->write_options_ = std::make_unique<rocksdb::WriteOptions>();
  vdb->write_options_->sync = options.sync_commits;

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = true;
  db_options.keep_log_file_num = 2;

  // RocksDB must open every existing column family, plus the ones we need.
  std::vector<std::string> existing;
  rocksdb::Status listed = rocksdb::DB::ListColumnFamilies(db_options, path, &existing);
  std::set<std::string, std::less<>> cf_names(existing.begin(), existing.end());
  if (!listed.ok() && !listed.IsIOError() && !listed.IsPathNotFound()) {
    return FromRocks(listed, "listing column families");
  }
  cf_names.insert(rocksdb::kDefaultColumnFamilyName);
  cf_names.insert(kCheckpointsCf);
  cf_names.insert(kDeadLettersCf);
  for (const std::string& view : view_names) cf_names.insert(ViewCfName(view));

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : cf_names) descriptors.emplace_back(name, *vdb->cf_options_);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status opened = rocksdb::DB::Open(db_options, path, descriptors, &handles, &vdb->db_);
  if (!opened.ok()) {
    // Locked by another process or an unreadable directory: both transient for the caller.
    return absl::UnavailableError(absl::StrCat("opening view db ", path, ": ", opened.ToString()));
  }
  {
    absl::MutexLock lock(&vdb->mu_);
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      const std::string& name = handle->GetName();
      if (name == rocksdb::kDefaultColumnFamilyName) {
        vdb->default_ = handle;
      } else if (name == kCheckpointsCf) {
        vdb->checkpoints_ = handle;
      } else if (name == kDeadLettersCf) {
        vdb->dead_letters_ = handle;
      } else {
        vdb->views_.emplace(name, handle);
      }
    }
  }
  RETURN_IF_ERROR(vdb->FinishPendingResets());
  return vdb;
}

ViewDb::~ViewDb() {
  if (db_ == nullptr) return;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [name, handle] : views_) db_->DestroyColumnFamilyHandle(handle);
    views_.clear();
  }
  for (rocksdb::ColumnFamilyHandle* handle : {default_, checkpoints_, dead_letters_}) {
    if (handle != nullptr) db_->DestroyColumnFamilyHandle(handle);
  }
  // Close() flushes nothing we need (the WAL has every commit) but reports errors we
  // could only log; delete releases the lock either way.
  db_->Close().PermitUncheckedError();
  delete db_;
}

bool ViewDb::HasView(std::string_view view) const {
  return std::find(view_names_.begin(), view_names_.end(), view) != view_names_.end();
}

absl::StatusOr<rocksdb::ColumnFamilyHandle*> ViewDb::ViewHandle(std::string_view view) const {
  if (!HasView(view)) {
    return absl::NotFoundError(absl::StrCat("no view '", AsAbsl(view), "' in ", path_));
  }
  absl::ReaderMutexLock lock(&mu_);
  auto it = views_.find(ViewCfName(view));
  if (it == views_.end()) {
    return absl::InternalError(absl::StrCat("view '", AsAbsl(view), "' has no column family"));
  }
  return it->second;
}

absl::Status ViewDb::WithViewHandle(
    std::string_view view, absl::FunctionRef<void(rocksdb::ColumnFamilyHandle*)> read) const {
  if (!HasView(view)) {
    return absl::NotFoundError(absl::StrCat("no view '", AsAbsl(view), "'"));
  }
  absl::ReaderMutexLock lock(&mu_);
  auto it = views_.find(ViewCfName(view));
  if (it == views_.end()) return absl::InternalError("view has no column family");
  read(it->second);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> ViewDb::Get(std::string_view view, std::string_view key,
                                                       const ReadSnapshot* snapshot) const {
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot == nullptr ? nullptr : snapshot->snapshot_;
  std::string value;
  rocksdb::Status s;
  RETURN_IF_ERROR(WithViewHandle(view, [&](rocksdb::ColumnFamilyHandle* handle) {
    s = db_->Get(read_options, handle, rocksdb::Slice(key.data(), key.size()), &value);
  }));
  if (s.IsNotFound()) return std::nullopt;
  RETURN_IF_ERROR(FromRocks(s, "view get"));
  return value;
}

absl::StatusOr<std::vector<std::optional<std::string>>> ViewDb::MultiGet(
    std::string_view view, const std::vector<std::string>& keys,
    const ReadSnapshot* snapshot) const {
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot == nullptr ? nullptr : snapshot->snapshot_;
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  RETURN_IF_ERROR(WithViewHandle(view, [&](rocksdb::ColumnFamilyHandle* handle) {
    db_->MultiGet(read_options, handle, keys.size(), slices.data(), values.data(), statuses.data());
  }));
  std::vector<std::optional<std::string>> out(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    RETURN_IF_ERROR(FromRocks(statuses[i], "view multi-get"));
    out[i] = values[i].ToString();
  }
  return out;
}

absl::StatusOr<std::unique_ptr<ViewIterator>> ViewDb::NewIterator(
    std::string_view view, const ScanOptions& options) const {
  // The iterator pins the column family's data itself, so it stays usable even if a
  // reset drops the column family later.
  std::unique_ptr<ViewIterator> iterator;
  RETURN_IF_ERROR(WithViewHandle(view, [&](rocksdb::ColumnFamilyHandle* handle) {
    iterator = std::make_unique<RocksViewIterator>(
        db_, handle, options, options.snapshot == nullptr ? nullptr : options.snapshot->snapshot_);
  }));
  return iterator;
}

absl::StatusOr<std::vector<ViewRow>> ViewDb::Scan(std::string_view view,
                                                  const ScanOptions& options) const {
  ASSIGN_OR_RETURN(std::unique_ptr<ViewIterator> it, NewIterator(view, options));
  std::vector<ViewRow> rows;
  for (; it->Valid(); it->Next())
    rows.push_back({std::string(it->key()), std::string(it->value())});
  RETURN_IF_ERROR(it->status());
  return rows;
}

std::unique_ptr<ReadSnapshot> ViewDb::GetSnapshot() const {
  return std::unique_ptr<ReadSnapshot>(new ReadSnapshot(db_, db_->GetSnapshot()));
}

absl::StatusOr<std::map<PartitionId, PartitionCheckpoint>> ViewDb::ReadCheckpoints(
    std::string_view projection, const ReadSnapshot* snapshot) const {
  ScanOptions options;
  options.prefix = codec::CheckpointKeyPrefix(projection);
  RocksViewIterator it(db_, checkpoints_, options,
                       snapshot == nullptr ? nullptr : snapshot->snapshot_);
  std::map<PartitionId, PartitionCheckpoint> checkpoints;
  for (; it.Valid(); it.Next()) {
    ASSIGN_OR_RETURN(PartitionId partition, codec::DecodeCheckpointKey(projection, it.key()));
    ASSIGN_OR_RETURN(PartitionCheckpoint checkpoint, codec::DecodeCheckpoint(it.value()));
    checkpoints.emplace(std::move(partition), checkpoint);
  }
  RETURN_IF_ERROR(it.status());
  return checkpoints;
}

absl::StatusOr<std::vector<DeadLetter>> ViewDb::ReadDeadLetters(std::string_view consumer,
                                                                size_t limit) const {
  ScanOptions options;
  options.prefix = codec::DeadLetterKeyPrefix(consumer);
  options.limit = limit;
  RocksViewIterator it(db_, dead_letters_, options, nullptr);
  std::vector<DeadLetter> letters;
  for (; it.Valid(); it.Next()) {
    ASSIGN_OR_RETURN(DeadLetter letter, codec::DecodeDeadLetter(it.key(), it.value()));
    letters.push_back(std::move(letter));
  }
  RETURN_IF_ERROR(it.status());
  return letters;
}

absl::Status ViewDb::ClaimViews(std::string_view projection,
                                const std::vector<std::string>& views) {
  absl::MutexLock lock(&mu_);
  for (const auto& [view, owner] : claims_) {
    if (owner == projection) {
      return absl::AlreadyExistsError(absl::StrCat("projection '", AsAbsl(projection),
                                                   "' already runs on the view db at ", path_));
    }
  }
  for (const std::string& view : views) {
    if (!HasView(view)) {
      return absl::NotFoundError(
          absl::StrCat("view '", view, "' is not registered in the view db at ", path_));
    }
    auto it = claims_.find(view);
    if (it != claims_.end() && it->second != projection) {
      return absl::AlreadyExistsError(
          absl::StrCat("view '", view, "' is already written by projection '", it->second, "'"));
    }
  }
  for (const std::string& view : views) claims_[view] = std::string(projection);
  return absl::OkStatus();
}

void ViewDb::ReleaseViews(std::string_view projection) {
  absl::MutexLock lock(&mu_);
  std::erase_if(claims_, [&](const auto& claim) { return claim.second == projection; });
}

absl::StatusOr<std::optional<std::string>> ViewDb::ReadFoldedSchema(
    std::string_view projection) const {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), default_, codec::FoldedSchemaKey(projection), &value);
  if (s.IsNotFound()) return std::nullopt;
  RETURN_IF_ERROR(FromRocks(s, "reading the folded schema"));
  return value;
}

absl::Status ViewDb::WriteFoldedSchema(std::string_view projection, std::string_view schema) {
  rocksdb::WriteOptions synced;
  synced.sync = true;
  return FromRocks(db_->Put(synced, default_, codec::FoldedSchemaKey(projection),
                            rocksdb::Slice(schema.data(), schema.size())),
                   "writing the folded schema");
}

absl::Status ViewDb::ResetProjection(std::string_view projection,
                                     const std::vector<std::string>& views) {
  RETURN_IF_ERROR(codec::ValidateName(projection));
  for (const std::string& view : views) {
    if (!HasView(view)) return absl::NotFoundError(absl::StrCat("no view '", view, "'"));
  }
  // The marker goes to disk before anything is dropped: whatever happens next, the reset
  // is either finished here or by the next Open.
  rocksdb::WriteOptions synced;
  synced.sync = true;
  RETURN_IF_ERROR(FromRocks(
      db_->Put(synced, default_, codec::ResetMarkerKey(projection), absl::StrJoin(views, ",")),
      "writing reset marker"));
  absl::MutexLock lock(&mu_);
  return ResetLocked(projection, views);
}

absl::Status ViewDb::ResetLocked(std::string_view projection,
                                 const std::vector<std::string>& views) {
  resets_.fetch_add(1, std::memory_order_acq_rel);
  for (const std::string& view : views) {
    const std::string cf_name = ViewCfName(view);
    auto it = views_.find(cf_name);
    if (it != views_.end()) {
      RETURN_IF_ERROR(FromRocks(db_->DropColumnFamily(it->second), "dropping view"));
      RETURN_IF_ERROR(FromRocks(db_->DestroyColumnFamilyHandle(it->second), "closing view"));
      views_.erase(it);
    }
    rocksdb::ColumnFamilyHandle* handle = nullptr;
    RETURN_IF_ERROR(
        FromRocks(db_->CreateColumnFamily(*cf_options_, cf_name, &handle), "re-creating view"));
    views_.emplace(cf_name, handle);
  }

  // One batch: the checkpoints go and the marker with them.
  rocksdb::WriteBatch batch;
  const std::string prefix = codec::CheckpointKeyPrefix(projection);
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), checkpoints_));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      RETURN_IF_ERROR(FromRocks(batch.Delete(checkpoints_, it->key()), "deleting checkpoint"));
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "reading checkpoints"));
  }
  RETURN_IF_ERROR(
      FromRocks(batch.Delete(default_, codec::ResetMarkerKey(projection)), "clearing marker"));
  rocksdb::WriteOptions synced;
  synced.sync = true;
  return FromRocks(db_->Write(synced, &batch), "committing reset");
}

absl::Status ViewDb::FinishPendingResets() {
  std::vector<std::pair<std::string, std::vector<std::string>>> pending;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), default_));
    const std::string prefix(codec::kResetMarkerPrefix);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      std::string projection = it->key().ToString().substr(prefix.size());
      std::vector<std::string> views;
      if (!it->value().empty()) {
        views = absl::StrSplit(absl::string_view(it->value().data(), it->value().size()), ',');
      }
      pending.emplace_back(std::move(projection), std::move(views));
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "reading reset markers"));
  }
  absl::MutexLock lock(&mu_);
  for (const auto& [projection, views] : pending) {
    for (const std::string& view : views) RETURN_IF_ERROR(codec::ValidateName(view));
    RETURN_IF_ERROR(ResetLocked(projection, views));
  }
  return absl::OkStatus();
}

}  // namespace salesperf::projection
