#include "libs/projection/row_cache.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace salesperf::projection {
namespace {

absl::string_view AsAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// What a row costs beyond its bytes: the hash slot and the two std::string headers.
constexpr size_t kRowOverhead = 80;

}  // namespace

RowCache::RowCache(rocksdb::DB* db, size_t views, size_t capacity_bytes)
    : db_(db), capacity_bytes_(capacity_bytes), views_(views) {}

void RowCache::BeginBatch(std::vector<rocksdb::ColumnFamilyHandle*> handles) {
  AbortBatch();
  handles_ = std::move(handles);
}

size_t RowCache::RowBytes(std::string_view key, const Value& value) {
  return key.size() + (value.has_value() ? value->size() : 0) + kRowOverhead;
}

absl::StatusOr<std::optional<std::string>> RowCache::Get(size_t view, std::string_view key) {
  ViewRows& rows = views_[view];
  const absl::string_view k = AsAbsl(key);
  if (auto it = rows.batch.find(k); it != rows.batch.end()) return it->second;
  if (auto it = rows.current.find(k); it != rows.current.end()) return it->second;
  if (auto it = rows.previous.find(k); it != rows.previous.end()) {
    // Used again: it moves to the current generation.
    Value value = std::move(it->second);
    previous_bytes_ -= RowBytes(key, value);
    rows.previous.erase(it);
    Remember(view, key, value);
    return value;
  }
  std::string found;
  ++database_reads_;
  // The database holds only committed rows: what it returns can be cached as such.
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handles_[view],
                               rocksdb::Slice(key.data(), key.size()), &found);
  if (!s.ok() && !s.IsNotFound()) {
    return absl::UnavailableError(absl::StrCat("view read: ", s.ToString()));
  }
  Value value;
  if (s.ok()) value = std::move(found);
  Remember(view, key, value);
  return value;
}

RowCache::Rows::iterator RowCache::BatchRow(size_t view, std::string_view key) {
  Rows& batch = views_[view].batch;
  auto [it, inserted] = batch.try_emplace(AsAbsl(key));
  if (save_point_) {
    // The value is about to be overwritten: the undo record can take it.
    undo_.push_back({.view = view,
                     .key = std::string(key),
                     .existed = !inserted,
                     .value = inserted ? Value() : std::move(it->second)});
  }
  return it;
}

void RowCache::Put(size_t view, std::string_view key, std::string_view value) {
  Value& row = BatchRow(view, key)->second;
  if (row.has_value()) {
    row->assign(value.data(), value.size());  // reuses the buffer
  } else {
    row.emplace(value);
  }
}

void RowCache::Delete(size_t view, std::string_view key) { BatchRow(view, key)->second.reset(); }

void RowCache::SetSavePoint() {
  undo_.clear();
  save_point_ = true;
}

void RowCache::RollbackToSavePoint() {
  if (!save_point_) return;
  for (auto undo = undo_.rbegin(); undo != undo_.rend(); ++undo) {
    Rows& batch = views_[undo->view].batch;
    if (undo->existed) {
      batch[undo->key] = std::move(undo->value);
    } else {
      batch.erase(undo->key);
    }
  }
  PopSavePoint();
}

void RowCache::PopSavePoint() {
  undo_.clear();
  save_point_ = false;
}

absl::Status RowCache::AppendTo(rocksdb::WriteBatch& batch) const {
  std::vector<const Rows::value_type*> sorted;
  for (size_t view = 0; view < views_.size(); ++view) {
    sorted.clear();
    for (const Rows::value_type& row : views_[view].batch) sorted.push_back(&row);
    std::sort(
        sorted.begin(), sorted.end(),
        [](const Rows::value_type* a, const Rows::value_type* b) { return a->first < b->first; });
    for (const Rows::value_type* row : sorted) {
      rocksdb::Status s = row->second.has_value()
                              ? batch.Put(handles_[view], row->first, *row->second)
                              : batch.Delete(handles_[view], row->first);
      if (!s.ok()) return absl::InternalError("view write: " + s.ToString());
    }
  }
  return absl::OkStatus();
}

void RowCache::Remember(size_t view, std::string_view key, Value value) {
  if (capacity_bytes_ == 0) return;
  const size_t bytes = RowBytes(key, value);
  auto [it, inserted] = views_[view].current.try_emplace(AsAbsl(key));
  if (!inserted) current_bytes_ -= RowBytes(key, it->second);
  it->second = std::move(value);
  current_bytes_ += bytes;
  if (current_bytes_ > capacity_bytes_ / 2) {
    // A new generation: what was not used during the last one goes.
    for (ViewRows& rows : views_) {
      rows.previous = std::move(rows.current);
      rows.current = Rows();
    }
    previous_bytes_ = current_bytes_;
    current_bytes_ = 0;
  }
}

void RowCache::CommitBatch() {
  PopSavePoint();
  for (size_t view = 0; view < views_.size(); ++view) {
    for (auto& [key, value] : views_[view].batch) Remember(view, key, std::move(value));
    views_[view].batch.clear();
  }
}

void RowCache::AbortBatch() {
  PopSavePoint();
  for (ViewRows& rows : views_) rows.batch.clear();
}

void RowCache::Clear() {
  AbortBatch();
  for (ViewRows& rows : views_) {
    rows.current = Rows();
    rows.previous = Rows();
  }
  current_bytes_ = 0;
  previous_bytes_ = 0;
}

size_t RowCache::batch_rows() const {
  size_t rows = 0;
  for (const ViewRows& view : views_) rows += view.batch.size();
  return rows;
}

}  // namespace salesperf::projection
