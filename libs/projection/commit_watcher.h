// CommitWatcher: an EventSource decorator that lets callers wait until a projection has
// committed a given sequence of one partition: the read-your-writes wait of the query
// side ("the view reflects everything the store had when this query started").
//
// It forwards every call to the wrapped source and records the positions the runner
// reports through Committed() (and the positions it resumes from at Start(), which a
// checkpoint already committed). For a LocalSource a position is the sequence, so
// "committed position P" means every sequence below P is in the views.
//
// Thread safety: the EventSource methods are called by the runner's thread;
// WaitForCommitted and Committed() from any thread.
#ifndef SALESPERF_LIBS_PROJECTION_COMMIT_WATCHER_H_
#define SALESPERF_LIBS_PROJECTION_COMMIT_WATCHER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/projection/event_source.h"

namespace salesperf::projection {

class CommitWatcher final : public EventSource {
 public:
  // Shared state that outlives the source moved into the runner.
  class State {
   public:
    // Blocks until every position below `next_position` of `partition` is committed, or
    // `timeout` passes (real time). True if it was.
    bool WaitForCommitted(const PartitionId& partition, int64_t next_position,
                          absl::Duration timeout) const;
    // The committed next position of `partition` (0 when none is known).
    int64_t Committed(const PartitionId& partition) const;

   private:
    friend class CommitWatcher;
    void Advance(const PartitionId& partition, int64_t next_position);
    // A rebuild starts from nothing again.
    void Reset();

    mutable absl::Mutex mu_;
    std::map<PartitionId, int64_t> next_ ABSL_GUARDED_BY(mu_);
  };

  explicit CommitWatcher(EventSourcePtr inner)
      : inner_(std::move(inner)), state_(std::make_shared<State>()) {}

  const std::shared_ptr<State>& state() const { return state_; }

  absl::Status Start(PositionLookup lookup) override;
  absl::StatusOr<std::vector<SourcedEvent>> Poll(size_t max_events,
                                                 absl::Duration timeout) override;
  // Hands the records on, so that a source reusing them (Kafka) does behind a watcher too.
  // NOLINTNEXTLINE(performance-unnecessary-value-param): the interface's by-value hand-back
  void Recycle(std::vector<SourcedEvent> records) override { inner_->Recycle(std::move(records)); }
  void Committed(const std::vector<std::pair<PartitionId, int64_t>>& next_positions) override;
  std::vector<projection::PartitionHead> Heads() const override { return inner_->Heads(); }

 private:
  const EventSourcePtr inner_;
  const std::shared_ptr<State> state_;
};

}  // namespace salesperf::projection

#endif  // SALESPERF_LIBS_PROJECTION_COMMIT_WATCHER_H_
