#include "libs/projection/vector_source.h"

#include <algorithm>
#include <limits>

namespace salesperf::projection {

VectorSource::VectorSource(std::vector<SourcedEvent> records) { Append(std::move(records)); }

void VectorSource::Append(std::vector<SourcedEvent> records) {
  absl::MutexLock lock(&mu_);
  for (SourcedEvent& record : records) {
    int64_t& end = ends_.try_emplace(record.partition, 0).first->second;
    end = std::max(end, record.position + 1);
    records_.push_back(std::move(record));
  }
}

void VectorSource::FailNextPoll(absl::Status status) {
  absl::MutexLock lock(&mu_);
  next_poll_error_ = std::move(status);
}

std::map<PartitionId, int64_t> VectorSource::committed() const {
  absl::MutexLock lock(&mu_);
  return committed_;
}

int VectorSource::start_count() const {
  absl::MutexLock lock(&mu_);
  return start_count_;
}

std::map<PartitionId, std::optional<int64_t>> VectorSource::start_positions() const {
  absl::MutexLock lock(&mu_);
  return start_positions_;
}

absl::Status VectorSource::Start(PositionLookup lookup) {
  absl::MutexLock lock(&mu_);
  lookup_ = std::move(lookup);
  start_positions_.clear();
  cursor_ = 0;
  started_ = true;
  ++start_count_;
  return absl::OkStatus();
}

int64_t VectorSource::ResumeAt(const PartitionId& partition) {
  auto it = start_positions_.find(partition);
  if (it == start_positions_.end()) {
    it = start_positions_.emplace(partition, lookup_ ? lookup_(partition) : std::nullopt).first;
  }
  return it->second.value_or(std::numeric_limits<int64_t>::min());
}

absl::StatusOr<std::vector<SourcedEvent>> VectorSource::Poll(size_t max_events,
                                                             absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&mu_);
  if (!started_) return absl::FailedPreconditionError("VectorSource polled before Start()");
  if (!next_poll_error_.ok()) return std::exchange(next_poll_error_, absl::OkStatus());
  std::vector<SourcedEvent> batch = std::move(recycled_);
  recycled_.clear();
  size_t filled = 0;
  while (filled == 0) {
    auto has_more = [this]()
                        ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return cursor_ < records_.size(); };
    if (!mu_.AwaitWithDeadline(absl::Condition(&has_more), deadline)) break;
    for (; cursor_ < records_.size() && filled < max_events; ++cursor_) {
      const SourcedEvent& record = records_[cursor_];
      if (record.position < ResumeAt(record.partition)) continue;
      if (filled < batch.size()) {
        batch[filled] = record;  // reuses the recycled record's buffers
      } else {
        batch.push_back(record);
      }
      ++filled;
    }
  }
  if (filled == 0) {
    recycled_ = std::move(batch);  // nothing to deliver: keep the buffers for the next poll
    return std::vector<SourcedEvent>();
  }
  batch.resize(filled);
  return batch;
}

void VectorSource::Recycle(std::vector<SourcedEvent> records) {
  absl::MutexLock lock(&mu_);
  recycled_ = std::move(records);
}

void VectorSource::Committed(const std::vector<std::pair<PartitionId, int64_t>>& next_positions) {
  absl::MutexLock lock(&mu_);
  for (const auto& [partition, position] : next_positions) committed_[partition] = position;
}

std::vector<PartitionHead> VectorSource::Heads() const {
  absl::MutexLock lock(&mu_);
  std::vector<PartitionHead> heads;
  for (const auto& [partition, end] : ends_) heads.push_back({partition, end});
  return heads;
}

}  // namespace salesperf::projection
