// VectorSource: an in-memory EventSource over a list of records, for tests and benches.
//
// Records are delivered in the order given (so a test chooses the interleaving of
// partitions); within one partition their positions must rise. Start() resumes each
// partition at the position its PositionLookup returns, skipping records below it, and
// Heads() reports one past the highest position given per partition, as a broker that
// already holds every record would. Append() adds records later (a live topic).
//
// Poll copies the records into the vector the runner last handed back (Recycle), reusing
// its records' buffers, as the Kafka source reuses its own.
//
// Thread-safe. The PositionLookup is called under the source's lock, so it must not
// call back into the source.
#ifndef SALESPERF_LIBS_PROJECTION_VECTOR_SOURCE_H_
#define SALESPERF_LIBS_PROJECTION_VECTOR_SOURCE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "libs/projection/event_source.h"

namespace salesperf::projection {

class VectorSource : public EventSource {
 public:
  explicit VectorSource(std::vector<SourcedEvent> records = {});

  // Adds records after the existing ones and wakes a waiting Poll.
  void Append(std::vector<SourcedEvent> records);
  // The next Poll returns `status` instead of records (an injected outage).
  void FailNextPoll(absl::Status status);

  // Every partition's latest position passed to Committed().
  std::map<PartitionId, int64_t> committed() const;
  // How many times Start() was called, and what the lookups returned at the last one.
  int start_count() const;
  std::map<PartitionId, std::optional<int64_t>> start_positions() const;

  absl::Status Start(PositionLookup lookup) override;
  // Waits up to `timeout` for a record when none is left (Append wakes it).
  absl::StatusOr<std::vector<SourcedEvent>> Poll(size_t max_events,
                                                 absl::Duration timeout) override;
  // NOLINTNEXTLINE(performance-unnecessary-value-param): the interface's by-value hand-back
  void Recycle(std::vector<SourcedEvent> records) override;
  void Committed(const std::vector<std::pair<PartitionId, int64_t>>& next_positions) override;
  std::vector<PartitionHead> Heads() const override;

 private:
  // Where delivery of `partition` resumes, asking the lookup the first time.
  int64_t ResumeAt(const PartitionId& partition) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::vector<SourcedEvent> records_ ABSL_GUARDED_BY(mu_);
  std::map<PartitionId, int64_t> ends_ ABSL_GUARDED_BY(mu_);
  size_t cursor_ ABSL_GUARDED_BY(mu_) = 0;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  PositionLookup lookup_ ABSL_GUARDED_BY(mu_);
  std::map<PartitionId, std::optional<int64_t>> start_positions_ ABSL_GUARDED_BY(mu_);
  std::map<PartitionId, int64_t> committed_ ABSL_GUARDED_BY(mu_);
  int start_count_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status next_poll_error_ ABSL_GUARDED_BY(mu_);
  std::vector<SourcedEvent> recycled_ ABSL_GUARDED_BY(mu_);
};

}  // namespace salesperf::projection

#endif  // SALESPERF_LIBS_PROJECTION_VECTOR_SOURCE_H_
