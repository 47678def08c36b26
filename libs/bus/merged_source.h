// MergedSource: one EventSource made of several, for a projection that folds its own
// service's events from a LocalSource and other services' events from Kafka.
//
// Partitions of different children must have different `source` names (they do: a
// service's own store and its upstream topics are different services). Checkpoints are
// per (source, partition), so merging changes nothing about exactly-once folding.
//
// Poll takes what any child already has, round robin; when none has anything it waits in
// short slices on each child in turn until `timeout`, so a record arriving on any child is
// delivered within about one slice.
//
// Thread safety: as EventSource (Poll/Start/Recycle/Committed from the runner's thread;
// Heads from any thread).
#ifndef SALESPERF_LIBS_BUS_MERGED_SOURCE_H_
#define SALESPERF_LIBS_BUS_MERGED_SOURCE_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "libs/projection/event_source.h"

namespace salesperf::bus {

struct MergedSourceOptions {
  // How long one child is waited on before the next is tried while all are idle.
  // Default: 5 ms (the extra delivery latency an idle merged source can add).
  absl::Duration wait_slice = absl::Milliseconds(5);
};

class MergedSource final : public projection::EventSource {
 public:
  // `sources` must not be empty and hold no nulls.
  explicit MergedSource(std::vector<projection::EventSourcePtr> sources,
                        MergedSourceOptions options = {});

  absl::Status Start(projection::PositionLookup lookup) override;
  absl::StatusOr<std::vector<projection::SourcedEvent>> Poll(size_t max_events,
                                                             absl::Duration timeout) override;
  // Hands each child back the records it delivered.
  // NOLINTNEXTLINE(performance-unnecessary-value-param): by value, as in EventSource.
  void Recycle(std::vector<projection::SourcedEvent> records) override;
  void Committed(
      const std::vector<std::pair<projection::PartitionId, int64_t>>& next_positions) override;
  std::vector<projection::PartitionHead> Heads() const override;

 private:
  // Polls child `index` and records which child owns the sources it returned.
  absl::Status PollChild(size_t index, size_t max_events, absl::Duration timeout,
                         std::vector<projection::SourcedEvent>& out);
  size_t OwnerOf(const std::string& source) const;

  const MergedSourceOptions options_;
  const std::vector<projection::EventSourcePtr> sources_;
  std::map<std::string, size_t> owner_;  // source name -> child index (runner thread)
  size_t next_child_ = 0;                // round robin (runner thread)
};

}  // namespace salesperf::bus

#endif  // SALESPERF_LIBS_BUS_MERGED_SOURCE_H_
