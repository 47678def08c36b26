#include "libs/projection/commit_watcher.h"

namespace salesperf::projection {

bool CommitWatcher::State::WaitForCommitted(const PartitionId& partition, int64_t next_position,
                                            absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto reached = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    auto it = next_.find(partition);
    return it != next_.end() && it->second >= next_position;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
}

int64_t CommitWatcher::State::Committed(const PartitionId& partition) const {
  absl::MutexLock lock(&mu_);
  auto it = next_.find(partition);
  return it == next_.end() ? 0 : it->second;
}

void CommitWatcher::State::Advance(const PartitionId& partition, int64_t next_position) {
  absl::MutexLock lock(&mu_);
  int64_t& next = next_[partition];
  if (next_position > next) next = next_position;
}

void CommitWatcher::State::Reset() {
  absl::MutexLock lock(&mu_);
  next_.clear();
}

absl::Status CommitWatcher::Start(PositionLookup lookup) {
  state_->Reset();
  // A position the runner resumes from is committed by its checkpoint.
  std::shared_ptr<State> state = state_;
  return inner_->Start([state, lookup = std::move(lookup)](const PartitionId& p) {
    std::optional<int64_t> next = lookup(p);
    if (next.has_value()) state->Advance(p, *next);
    return next;
  });
}

absl::StatusOr<std::vector<SourcedEvent>> CommitWatcher::Poll(size_t max_events,
                                                              absl::Duration timeout) {
  return inner_->Poll(max_events, timeout);
}

void CommitWatcher::Committed(const std::vector<std::pair<PartitionId, int64_t>>& next_positions) {
  for (const auto& [partition, next] : next_positions) state_->Advance(partition, next);
  inner_->Committed(next_positions);
}

}  // namespace salesperf::projection
