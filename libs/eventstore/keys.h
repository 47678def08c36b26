// Key and value codecs for RocksDbEventStore. The byte layouts are documented in
// keys.cc, in one place. Internal to libs/eventstore.
#ifndef SALESPERF_LIBS_EVENTSTORE_KEYS_H_
#define SALESPERF_LIBS_EVENTSTORE_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "libs/eventstore/event_store.h"

namespace salesperf::eventstore::keys {

// Column family names.
inline constexpr char kEventsCf[] = "events";
inline constexpr char kStreamsCf[] = "streams";
inline constexpr char kRequestsCf[] = "requests";

// 8-byte big-endian encoding, so that byte order is numeric order.
void PutFixed64BE(std::string* out, uint64_t value);
// Decodes 8 big-endian bytes; nullopt if `in` is not exactly 8 bytes long.
std::optional<uint64_t> DecodeFixed64BE(std::string_view in);

// events: sequence -> serialized EventEnvelope.
std::string EventKey(uint64_t sequence);
std::optional<uint64_t> DecodeEventKey(std::string_view key);

// streams: stream_id 0x00 last_version -> (first_sequence, count), one entry per append.
std::string StreamKey(std::string_view stream_id, uint64_t version);
// The prefix shared by every key of `stream_id` (stream_id followed by 0x00).
std::string StreamPrefix(std::string_view stream_id);
struct DecodedStreamKey {
  std::string_view stream_id;  // points into the decoded key
  uint64_t version = 0;
};
std::optional<DecodedStreamKey> DecodeStreamKey(std::string_view key);
struct StreamEntry {
  uint64_t first_sequence = 0;  // the sequence of the append's first event
  uint64_t count = 0;           // events in the append (at least 1)
};
std::string StreamValue(const StreamEntry& entry);
// nullopt unless `value` is 16 bytes with a count of at least 1.
std::optional<StreamEntry> DecodeStreamValue(std::string_view value);

// requests: request_id -> RequestRecord.
std::string EncodeRequestRecord(const RequestRecord& record);
std::optional<RequestRecord> DecodeRequestRecord(std::string_view value);

}  // namespace salesperf::eventstore::keys

#endif  // SALESPERF_LIBS_EVENTSTORE_KEYS_H_
