// RocksDB layout of one service's event store. Every key and value format is here.
//
// Integers in keys are 8-byte big-endian ("BE64") so that RocksDB's bytewise order is
// numeric order. Ids (stream ids) never contain 0x00 (libs/common/ids.h charset), so
// 0x00 ends a stream id unambiguously and sorts a stream's keys before those of any
// longer id that shares its prefix ("a" 0x00 ... < "a-b" 0x00 ...).
//
// Column family "events": the log.
//   key   = BE64(sequence)                          sequence 1, 2, 3... gap-free
//   value = serialized salesperf.common.v1.EventEnvelope (all store fields filled in)
//   The last key is the head sequence (read with SeekToLast on open).
//
// Column family "streams": the stream index, one entry per append (not per event: an
// append's events have consecutive sequences, so one entry locates them all, and a batch
// of 100 events costs 101 writes rather than 200).
//   key   = stream_id 0x00 BE64(last_version)       the version of the append's last event
//   value = BE64(first_sequence) BE64(count)        its events: versions last_version-count+1
//                                                   .. last_version at sequences
//                                                   first_sequence .. first_sequence+count-1
//   A stream's head is the last key with its prefix: SeekForPrev(stream_id 0x00 BE64(max)).
//   The append holding version v is the first key at or after stream_id 0x00 BE64(v).
//
// Column family "requests": idempotency records.
//   key   = request_id (1-128 arbitrary bytes)
//   value, format 1 (a request of one stream; the only format before AppendMulti, and
//   still written for one-stream requests so that an older binary can read them):
//           0x01
//           BE64(first_sequence) BE64(last_sequence) BE64(stream_version)
//           BE32(len) fingerprint  BE32(len) stream_id
//   value, format 2 (a request of several streams):
//           0x02
//           BE64(first_sequence) BE64(last_sequence)
//           BE32(len) fingerprint
//           BE32(n) then n times: BE32(len) stream_id BE64(stream_version after the append)
//   Both decode to a RequestRecord with `streams` filled in.
//
// Column family "default" is unused. One Append or AppendMulti writes its events, its
// stream index entries and its request record in one WriteBatch across these families.
#include "libs/eventstore/keys.h"

namespace salesperf::eventstore::keys {
namespace {

constexpr char kRequestFormatV1 = 0x01;
constexpr char kRequestFormatV2 = 0x02;

void PutFixed32BE(std::string* out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

// Consumes 4 big-endian bytes from the front of `in`.
std::optional<uint32_t> ConsumeFixed32BE(std::string_view* in) {
  if (in->size() < 4) return std::nullopt;
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = (value << 8) | static_cast<uint8_t>((*in)[i]);
  in->remove_prefix(4);
  return value;
}

std::optional<uint64_t> ConsumeFixed64BE(std::string_view* in) {
  if (in->size() < 8) return std::nullopt;
  std::optional<uint64_t> value = DecodeFixed64BE(in->substr(0, 8));
  in->remove_prefix(8);
  return value;
}

std::optional<std::string> ConsumeLengthPrefixed(std::string_view* in) {
  std::optional<uint32_t> len = ConsumeFixed32BE(in);
  if (!len || in->size() < *len) return std::nullopt;
  std::string out(in->substr(0, *len));
  in->remove_prefix(*len);
  return out;
}

}  // namespace

void PutFixed64BE(std::string* out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

std::optional<uint64_t> DecodeFixed64BE(std::string_view in) {
  if (in.size() != 8) return std::nullopt;
  uint64_t value = 0;
  for (char c : in) value = (value << 8) | static_cast<uint8_t>(c);
  return value;
}

std::string EventKey(uint64_t sequence) {
  std::string key;
  key.reserve(8);
  PutFixed64BE(&key, sequence);
  return key;
}

std::optional<uint64_t> DecodeEventKey(std::string_view key) { return DecodeFixed64BE(key); }

std::string StreamPrefix(std::string_view stream_id) {
  std::string prefix;
  prefix.reserve(stream_id.size() + 1);
  prefix.append(stream_id);
  prefix.push_back('\0');
  return prefix;
}

std::string StreamKey(std::string_view stream_id, uint64_t version) {
  std::string key;
  key.reserve(stream_id.size() + 9);
  key.append(stream_id);
  key.push_back('\0');
  PutFixed64BE(&key, version);
  return key;
}

std::optional<DecodedStreamKey> DecodeStreamKey(std::string_view key) {
  if (key.size() < 10) return std::nullopt;  // at least one id byte, 0x00, BE64
  const size_t sep = key.size() - 9;
  if (key[sep] != '\0' || key.substr(0, sep).find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  std::optional<uint64_t> version = DecodeFixed64BE(key.substr(sep + 1));
  if (!version) return std::nullopt;
  return DecodedStreamKey{key.substr(0, sep), *version};
}

std::string StreamValue(const StreamEntry& entry) {
  std::string value;
  value.reserve(16);
  PutFixed64BE(&value, entry.first_sequence);
  PutFixed64BE(&value, entry.count);
  return value;
}

std::optional<StreamEntry> DecodeStreamValue(std::string_view value) {
  if (value.size() != 16) return std::nullopt;
  StreamEntry entry{*DecodeFixed64BE(value.substr(0, 8)), *DecodeFixed64BE(value.substr(8))};
  if (entry.count == 0) return std::nullopt;
  return entry;
}

std::string EncodeRequestRecord(const RequestRecord& record) {
  std::string out;
  const bool one_stream =
      record.streams.empty() ||
      (record.streams.size() == 1 && record.streams[0].first == record.stream_id &&
       record.streams[0].second == record.result.stream_version);
  if (one_stream) {
    out.reserve(1 + 24 + 8 + record.fingerprint.size() + record.stream_id.size());
    out.push_back(kRequestFormatV1);
    PutFixed64BE(&out, record.result.first_sequence);
    PutFixed64BE(&out, record.result.last_sequence);
    PutFixed64BE(&out, record.result.stream_version);
    PutFixed32BE(&out, static_cast<uint32_t>(record.fingerprint.size()));
    out.append(record.fingerprint);
    PutFixed32BE(&out, static_cast<uint32_t>(record.stream_id.size()));
    out.append(record.stream_id);
    return out;
  }
  out.push_back(kRequestFormatV2);
  PutFixed64BE(&out, record.result.first_sequence);
  PutFixed64BE(&out, record.result.last_sequence);
  PutFixed32BE(&out, static_cast<uint32_t>(record.fingerprint.size()));
  out.append(record.fingerprint);
  PutFixed32BE(&out, static_cast<uint32_t>(record.streams.size()));
  for (const auto& [stream_id, version] : record.streams) {
    PutFixed32BE(&out, static_cast<uint32_t>(stream_id.size()));
    out.append(stream_id);
    PutFixed64BE(&out, version);
  }
  return out;
}

std::optional<RequestRecord> DecodeRequestRecord(std::string_view value) {
  if (value.empty()) return std::nullopt;
  const char format = value[0];
  value.remove_prefix(1);
  RequestRecord record;
  std::optional<uint64_t> first = ConsumeFixed64BE(&value);
  std::optional<uint64_t> last = ConsumeFixed64BE(&value);
  if (!first || !last) return std::nullopt;
  record.result.first_sequence = *first;
  record.result.last_sequence = *last;
  if (format == kRequestFormatV1) {
    std::optional<uint64_t> version = ConsumeFixed64BE(&value);
    if (!version) return std::nullopt;
    std::optional<std::string> fingerprint = ConsumeLengthPrefixed(&value);
    if (!fingerprint) return std::nullopt;
    std::optional<std::string> stream_id = ConsumeLengthPrefixed(&value);
    if (!stream_id || !value.empty()) return std::nullopt;
    record.fingerprint = *std::move(fingerprint);
    record.stream_id = *std::move(stream_id);
    record.result.stream_version = *version;
    record.streams.emplace_back(record.stream_id, *version);
    return record;
  }
  if (format != kRequestFormatV2) return std::nullopt;
  std::optional<std::string> fingerprint = ConsumeLengthPrefixed(&value);
  std::optional<uint32_t> n = ConsumeFixed32BE(&value);
  // Each stream takes at least 4 + 1 + 8 bytes: reject counts the value cannot hold
  // before reserving for them.
  if (!fingerprint || !n || *n == 0 || *n > value.size() / 13) return std::nullopt;
  record.fingerprint = *std::move(fingerprint);
  record.streams.reserve(*n);
  for (uint32_t i = 0; i < *n; ++i) {
    std::optional<std::string> stream_id = ConsumeLengthPrefixed(&value);
    if (!stream_id || stream_id->empty()) return std::nullopt;
    std::optional<uint64_t> version = ConsumeFixed64BE(&value);
    if (!version) return std::nullopt;
    record.streams.emplace_back(*std::move(stream_id), *version);
  }
  if (!value.empty()) return std::nullopt;
  if (record.streams.size() == 1) {
    record.stream_id = record.streams[0].first;
    record.result.stream_version = record.streams[0].second;
  }
  return record;
}

}  // namespace salesperf::eventstore::keys
