// Byte layouts of a ViewDb.
//
// Column families:
//   "default"        pending-reset markers (below)
//   "checkpoints"    one row per (projection, partition)
//   "dead_letters"   one row per dead-lettered record
//   "view.<name>"    one view's rows; keys and values belong to the view
//
// Integers are fixed width and big-endian, so byte order is numeric order. Signed
// integers in keys have their sign bit flipped (int32 -1 -> 0x7fffffff) so that negative
// values sort first. Times are int64 Unix microseconds, INT64_MIN meaning "unknown".
// Names (projection, consumer, source) never contain 0x00: projection names are
// [a-z0-9_], and the runner refuses source names with a 0x00 byte.
//
// checkpoints
//   key:   <projection> 0x00 <source> 0x00 <partition: int32>
//   value: 0x01 (format version)
//          <high_water_sequence: uint64>
//          <next_position: int64>
//          <last_recorded_at: int64 micros>
//          <last_occurred_at: int64 micros>          (33 bytes)
//
// dead_letters
//   key:   <consumer> 0x00 <source> 0x00 <partition: int32> <position: int64>
//          (a record redelivered after a retry or a restart overwrites its own row)
//   value: 0x01 (format version)
//          <dead_lettered_at: int64 micros>
//          <kind: 0x00 raw bytes that did not decode | 0x01 serialized EventEnvelope>
//          <error length: uint32> <error>
//          <record key length: uint32> <record key>
//          <payload length: uint32> <payload>
//
// default
//   key:   "reset/" <projection>
//   value: the projection's view names joined by ','. Written (synced) before a rebuild
//          drops anything and deleted after; ViewDb::Open finishes a reset it finds, so a
//          crash in the middle never leaves rows without their checkpoint or vice versa.
#include "libs/projection/codec.h"

#include <limits>

#include "absl/strings/str_cat.h"

namespace salesperf::projection::codec {
namespace {

constexpr char kFormatVersion = 0x01;
constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();
constexpr uint32_t kSignBit32 = uint32_t{1} << 31;
constexpr uint64_t kSignBit64 = uint64_t{1} << 63;

void PutFixed32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void PutFixed64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void PutLengthPrefixed(std::string& out, std::string_view bytes) {
  PutFixed32(out, static_cast<uint32_t>(bytes.size()));
  out.append(bytes);
}

int64_t TimeToMicros(absl::Time t) {
  return t == absl::InfinitePast() ? kNoTime : absl::ToUnixMicros(t);
}

absl::Time MicrosToTime(int64_t micros) {
  return micros == kNoTime ? absl::InfinitePast() : absl::FromUnixMicros(micros);
}

// Consumes fixed-width fields from the front of a byte string.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  bool Fixed32(uint32_t& v) {
    if (in_.size() < 4) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(in_[i]);
    in_.remove_prefix(4);
    return true;
  }
  bool Fixed64(uint64_t& v) {
    if (in_.size() < 8) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in_[i]);
    in_.remove_prefix(8);
    return true;
  }
  bool Byte(char& c) {
    if (in_.empty()) return false;
    c = in_[0];
    in_.remove_prefix(1);
    return true;
  }
  bool LengthPrefixed(std::string& out) {
    uint32_t n = 0;
    if (!Fixed32(n) || in_.size() < n) return false;
    out.assign(in_.data(), n);
    in_.remove_prefix(n);
    return true;
  }
  // Up to (not including) the next 0x00, which is consumed.
  bool UntilNul(std::string& out) {
    size_t nul = in_.find('\0');
    if (nul == std::string_view::npos) return false;
    out.assign(in_.data(), nul);
    in_.remove_prefix(nul + 1);
    return true;
  }
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

// "<name> 0x00 <source> 0x00 <partition>": the shared front of both key kinds.
std::string PartitionKey(std::string_view name, const PartitionId& partition) {
  std::string key;
  key.reserve(name.size() + partition.source.size() + 6);
  key.append(name);
  key.push_back('\0');
  key.append(partition.source);
  key.push_back('\0');
  PutFixed32(key, static_cast<uint32_t>(partition.partition) ^ kSignBit32);
  return key;
}

bool ReadPartitionKey(Reader& reader, std::string& name, PartitionId& partition) {
  uint32_t p = 0;
  if (!reader.UntilNul(name) || !reader.UntilNul(partition.source) || !reader.Fixed32(p)) {
    return false;
  }
  partition.partition = static_cast<int32_t>(p ^ kSignBit32);
  return true;
}

}  // namespace

absl::Status ValidateName(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("name must be 1-64 characters, got ", name.size()));
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return absl::InvalidArgumentError(absl::StrCat(
          "name '", absl::string_view(name.data(), name.size()), "' may only use [a-z0-9_]"));
    }
  }
  return absl::OkStatus();
}

std::optional<std::string> PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    auto last = static_cast<uint8_t>(s.back());
    if (last != 0xff) {
      s.back() = static_cast<char>(last + 1);
      return s;
    }
    s.pop_back();
  }
  return std::nullopt;
}

std::string CheckpointKeyPrefix(std::string_view projection) {
  std::string key(projection);
  key.push_back('\0');
  return key;
}

std::string CheckpointKey(std::string_view projection, const PartitionId& partition) {
  return PartitionKey(projection, partition);
}

absl::StatusOr<PartitionId> DecodeCheckpointKey(std::string_view projection, std::string_view key) {
  Reader reader(key);
  std::string name;
  PartitionId partition;
  if (!ReadPartitionKey(reader, name, partition) || !reader.done() || name != projection) {
    return absl::InvalidArgumentError("not a checkpoint key of this projection");
  }
  return partition;
}

std::string EncodeCheckpoint(const PartitionCheckpoint& checkpoint) {
  std::string out;
  out.reserve(33);
  out.push_back(kFormatVersion);
  PutFixed64(out, checkpoint.high_water_sequence);
  PutFixed64(out, static_cast<uint64_t>(checkpoint.next_position));
  PutFixed64(out, static_cast<uint64_t>(TimeToMicros(checkpoint.last_recorded_at)));
  PutFixed64(out, static_cast<uint64_t>(TimeToMicros(checkpoint.last_occurred_at)));
  return out;
}

absl::StatusOr<PartitionCheckpoint> DecodeCheckpoint(std::string_view value) {
  Reader reader(value);
  char version = 0;
  uint64_t high_water = 0, next = 0, recorded = 0, occurred = 0;
  if (!reader.Byte(version) || version != kFormatVersion || !reader.Fixed64(high_water) ||
      !reader.Fixed64(next) || !reader.Fixed64(recorded) || !reader.Fixed64(occurred) ||
      !reader.done()) {
    return absl::DataLossError("malformed checkpoint row");
  }
  PartitionCheckpoint checkpoint;
  checkpoint.high_water_sequence = high_water;
  checkpoint.next_position = static_cast<int64_t>(next);
  checkpoint.last_recorded_at = MicrosToTime(static_cast<int64_t>(recorded));
  checkpoint.last_occurred_at = MicrosToTime(static_cast<int64_t>(occurred));
  return checkpoint;
}

std::string DeadLetterKeyPrefix(std::string_view consumer) { return CheckpointKeyPrefix(consumer); }

std::string DeadLetterKey(std::string_view consumer, const PartitionId& partition,
                          int64_t position) {
  std::string key = PartitionKey(consumer, partition);
  PutFixed64(key, static_cast<uint64_t>(position) ^ kSignBit64);
  return key;
}

std::string EncodeDeadLetterValue(const DeadLetter& letter) {
  std::string out;
  out.reserve(22 + letter.error.size() + letter.key.size() + letter.payload.size());
  out.push_back(kFormatVersion);
  PutFixed64(out, static_cast<uint64_t>(TimeToMicros(letter.dead_lettered_at)));
  out.push_back(letter.raw ? 0x00 : 0x01);
  PutLengthPrefixed(out, letter.error);
  PutLengthPrefixed(out, letter.key);
  PutLengthPrefixed(out, letter.payload);
  return out;
}

absl::StatusOr<DeadLetter> DecodeDeadLetter(std::string_view key, std::string_view value) {
  DeadLetter letter;
  Reader key_reader(key);
  uint64_t position = 0;
  if (!ReadPartitionKey(key_reader, letter.consumer, letter.partition) ||
      !key_reader.Fixed64(position) || !key_reader.done()) {
    return absl::DataLossError("malformed dead-letter key");
  }
  letter.position = static_cast<int64_t>(position ^ kSignBit64);

  Reader reader(value);
  char version = 0, kind = 0;
  uint64_t at = 0;
  if (!reader.Byte(version) || version != kFormatVersion || !reader.Fixed64(at) ||
      !reader.Byte(kind) || (kind != 0x00 && kind != 0x01) ||
      !reader.LengthPrefixed(letter.error) || !reader.LengthPrefixed(letter.key) ||
      !reader.LengthPrefixed(letter.payload) || !reader.done()) {
    return absl::DataLossError("malformed dead-letter row");
  }
  letter.dead_lettered_at = MicrosToTime(static_cast<int64_t>(at));
  letter.raw = kind == 0x00;
  return letter;
}

std::string ResetMarkerKey(std::string_view projection) {
  std::string key(kResetMarkerPrefix);
  key.append(projection);
  return key;
}

std::string FoldedSchemaKey(std::string_view projection) {
  std::string key("schema/");
  key.append(projection);
  return key;
}

}  // namespace salesperf::projection::codec
