// EventSource: where a projection's events come from.
//
// Implementations: LocalSource (tails in-process EventStores, for salesperfd) and
// KafkaSource (a consumer group on the salesperf.<service>.events.v1 topics), both in
// libs/bus, plus VectorSource here for tests.
//
// Positions: a source is made of partitions, each identified by (source, partition):
// `source` is the producing service ("activity"), `partition` the Kafka partition (0 for
// a local source). Within one partition, envelope sequences rise; `position` is the
// source's own cursor (the Kafka offset, or the sequence for a local source). The runner
// owns the checkpoint; the source asks it where to resume through a PositionLookup.
#ifndef SALESPERF_LIBS_PROJECTION_EVENT_SOURCE_H_
#define SALESPERF_LIBS_PROJECTION_EVENT_SOURCE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "salesperf/common/v1/envelope.pb.h"

namespace salesperf::projection {

using ::salesperf::common::v1::EventEnvelope;

struct PartitionId {
  std::string source;
  int32_t partition = 0;
  friend bool operator==(const PartitionId&, const PartitionId&) = default;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>.
  friend auto operator<=>(const PartitionId&, const PartitionId&) = default;
};

// One delivered record. `envelope` is set when the record decoded; when it did not,
// `decode_error` says why and `raw` holds the original bytes (for the dead-letter queue).
struct SourcedEvent {
  PartitionId partition;
  int64_t position = 0;  // this record's own position; the next one to read is position + 1
  EventEnvelope envelope;
  std::string decode_error;
  std::string raw;
  std::string key;
};

// Where to resume a partition: the next position to read, or nullopt for the beginning.
using PositionLookup = std::function<std::optional<int64_t>(const PartitionId&)>;

// The end of a partition as the source last saw it, for lag.
struct PartitionHead {
  PartitionId partition;
  int64_t end_position = 0;    // one past the last record
  int64_t begin_position = 0;  // the first record's position (Kafka: 0; local: sequence 1)
};

class EventSource {
 public:
  virtual ~EventSource() = default;

  // Starts (or restarts, after a rebuild) delivery; every partition resumes from
  // `lookup`. The source keeps `lookup` and consults it again whenever it is assigned
  // a partition (Kafka rebalances). Called from the runner's thread.
  virtual absl::Status Start(PositionLookup lookup) = 0;

  // Up to `max_events` records, waiting at most `timeout` for the first. Empty on timeout.
  // Must honour `timeout`: the runner's Stop() waits at most one poll.
  // Records of one partition come in position order. Called from the runner's thread only.
  virtual absl::StatusOr<std::vector<SourcedEvent>> Poll(size_t max_events,
                                                         absl::Duration timeout) = 0;

  // Hands back the records of a committed batch (and the vector holding them). A source
  // may reuse them for later polls, so that decoding fills buffers already allocated
  // instead of allocating new ones per record. Default: drops them. Called from the
  // runner's thread.
  // By value on purpose: the runner moves the batch in and the source keeps it.
  // NOLINTNEXTLINE(performance-unnecessary-value-param)
  virtual void Recycle(std::vector<SourcedEvent> records) {}

  // Called after the runner has durably applied everything up to these positions, so a
  // source may commit them elsewhere (Kafka consumer-group offsets, for monitoring only:
  // the runner's checkpoint is the truth).
  virtual void Committed(const std::vector<std::pair<PartitionId, int64_t>>& next_positions) {}

  // The partitions' ends as last seen, for lag metrics. Thread-safe.
  virtual std::vector<PartitionHead> Heads() const = 0;
};

using EventSourcePtr = std::unique_ptr<EventSource>;

}  // namespace salesperf::projection

#endif  // SALESPERF_LIBS_PROJECTION_EVENT_SOURCE_H_
