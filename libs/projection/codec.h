// Byte layouts of a ViewDb's own rows: checkpoints, dead letters and reset markers.
// The layouts themselves are documented at the top of codec.cc.
//
// Used by ViewDb, ProjectionRunner and RocksDbDeadLetterSink; tests and admin tools
// may decode rows with these functions too. All functions are pure and thread-safe.
#ifndef SALESPERF_LIBS_PROJECTION_CODEC_H_
#define SALESPERF_LIBS_PROJECTION_CODEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/projection/event_source.h"

namespace salesperf::projection {

// How far a projection has folded one partition.
struct PartitionCheckpoint {
  // The highest envelope sequence consumed (applied or dead-lettered); records at or
  // below it are duplicates. 0: none yet.
  uint64_t high_water_sequence = 0;
  // The next position to read; every record below it has been consumed.
  int64_t next_position = 0;
  // recorded_at / occurred_at of the last event consumed, for lag in seconds.
  // absl::InfinitePast() when unknown.
  absl::Time last_recorded_at = absl::InfinitePast();
  absl::Time last_occurred_at = absl::InfinitePast();

  friend bool operator==(const PartitionCheckpoint&, const PartitionCheckpoint&) = default;
};

// One poison record as stored by RocksDbDeadLetterSink.
struct DeadLetter {
  std::string consumer;
  PartitionId partition;
  int64_t position = 0;
  absl::Time dead_lettered_at = absl::InfinitePast();
  std::string error;
  std::string key;  // the record's key (the stream id)
  // True: `payload` holds the record's original bytes because it did not decode.
  // False: `payload` is the decoded envelope, serialized.
  bool raw = false;
  std::string payload;
};

namespace codec {

// OK if `name` is a valid projection or view name: 1-64 characters of [a-z0-9_].
absl::Status ValidateName(std::string_view name);

// The smallest key greater than every key that starts with `prefix`, or nullopt when
// there is none (the prefix is empty or all 0xff).
std::optional<std::string> PrefixSuccessor(std::string_view prefix);

// Checkpoints (column family "checkpoints").
std::string CheckpointKeyPrefix(std::string_view projection);
std::string CheckpointKey(std::string_view projection, const PartitionId& partition);
// INVALID_ARGUMENT if `key` is not a checkpoint key of `projection`.
absl::StatusOr<PartitionId> DecodeCheckpointKey(std::string_view projection, std::string_view key);
std::string EncodeCheckpoint(const PartitionCheckpoint& checkpoint);
// DATA_LOSS if `value` is malformed.
absl::StatusOr<PartitionCheckpoint> DecodeCheckpoint(std::string_view value);

// Dead letters (column family "dead_letters").
std::string DeadLetterKeyPrefix(std::string_view consumer);
std::string DeadLetterKey(std::string_view consumer, const PartitionId& partition,
                          int64_t position);
std::string EncodeDeadLetterValue(const DeadLetter& letter);
// Fills every field of a DeadLetter from its row. DATA_LOSS if malformed.
absl::StatusOr<DeadLetter> DecodeDeadLetter(std::string_view key, std::string_view value);

// Pending-reset markers (column family "default").
inline constexpr std::string_view kResetMarkerPrefix = "reset/";
std::string ResetMarkerKey(std::string_view projection);

// What a projection's rows were folded with (column family "default"): its views and
// their schema versions, "name=version,..." in the runner's view order.
std::string FoldedSchemaKey(std::string_view projection);

}  // namespace codec
}  // namespace salesperf::projection

#endif  // SALESPERF_LIBS_PROJECTION_CODEC_H_
