#include "libs/bus/merged_source.h"

#include <algorithm>
#include <iterator>

#include "libs/common/status_macros.h"

namespace salesperf::bus {

MergedSource::MergedSource(std::vector<projection::EventSourcePtr> sources,
                           MergedSourceOptions options)
    : options_(options), sources_(std::move(sources)) {}

absl::Status MergedSource::Start(projection::PositionLookup lookup) {
  if (sources_.empty()) return absl::InvalidArgumentError("MergedSource needs a source");
  for (const projection::EventSourcePtr& source : sources_) {
    RETURN_IF_ERROR(source->Start(lookup));
  }
  return absl::OkStatus();
}

absl::Status MergedSource::PollChild(size_t index, size_t max_events, absl::Duration timeout,
                                     std::vector<projection::SourcedEvent>& out) {
  ASSIGN_OR_RETURN(std::vector<projection::SourcedEvent> records,
                   sources_[index]->Poll(max_events, timeout));
  for (const projection::SourcedEvent& record : records) {
    owner_.try_emplace(record.partition.source, index);
  }
  if (out.empty()) {
    out = std::move(records);
  } else {
    out.insert(out.end(), std::make_move_iterator(records.begin()),
               std::make_move_iterator(records.end()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<projection::SourcedEvent>> MergedSource::Poll(size_t max_events,
                                                                         absl::Duration timeout) {
  std::vector<projection::SourcedEvent> out;
  const size_t n = sources_.size();
  // First what is already there, starting after the child served last (fairness).
  for (size_t i = 0; i < n && out.size() < max_events; ++i) {
    RETURN_IF_ERROR(
        PollChild((next_child_ + i) % n, max_events - out.size(), absl::ZeroDuration(), out));
  }
  next_child_ = (next_child_ + 1) % n;
  if (!out.empty()) return out;
  const absl::Time deadline = absl::Now() + timeout;
  for (size_t i = 0;; ++i) {
    const absl::Duration remaining = deadline - absl::Now();
    if (remaining <= absl::ZeroDuration()) return out;
    RETURN_IF_ERROR(PollChild((next_child_ + i) % n, max_events,
                              std::min(remaining, options_.wait_slice), out));
    if (!out.empty()) return out;
  }
}

size_t MergedSource::OwnerOf(const std::string& source) const {
  auto it = owner_.find(source);
  return it == owner_.end() ? sources_.size() : it->second;
}

void MergedSource::Recycle(std::vector<projection::SourcedEvent> records) {
  if (records.empty()) return;
  std::vector<std::vector<projection::SourcedEvent>> per_child(sources_.size());
  for (projection::SourcedEvent& record : records) {
    const size_t owner = OwnerOf(record.partition.source);
    if (owner < sources_.size()) per_child[owner].push_back(std::move(record));
  }
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (!per_child[i].empty()) sources_[i]->Recycle(std::move(per_child[i]));
  }
}

void MergedSource::Committed(
    const std::vector<std::pair<projection::PartitionId, int64_t>>& next_positions) {
  std::vector<std::vector<std::pair<projection::PartitionId, int64_t>>> per_child(sources_.size());
  for (const auto& entry : next_positions) {
    const size_t owner = OwnerOf(entry.first.source);
    if (owner < sources_.size()) per_child[owner].push_back(entry);
  }
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (!per_child[i].empty()) sources_[i]->Committed(per_child[i]);
  }
}

std::vector<projection::PartitionHead> MergedSource::Heads() const {
  std::vector<projection::PartitionHead> heads;
  for (const projection::EventSourcePtr& source : sources_) {
    std::vector<projection::PartitionHead> child = source->Heads();
    heads.insert(heads.end(), child.begin(), child.end());
  }
  return heads;
}

}  // namespace salesperf::bus
