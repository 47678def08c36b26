// EventStore: the append-only log of one service's domain events.
//
// Contract (both implementations pass libs/eventstore/conformance_test.cc):
// - Events are grouped in streams (a deal, a visit plan, a target): each stream's
//   versions run 1, 2, 3... with no gaps. Append checks the caller's expected version
//   and fails with ABORTED, writing nothing, when it does not match.
// - Every event also gets the store-wide `sequence`: 1, 2, 3... with no gaps, in commit
//   order. Readers see sequence N only after every sequence below N is visible.
// - An append is atomic: its events, the stream head, the sequence and the idempotency
//   record are written in one RocksDB WriteBatch. A failed append writes nothing and
//   consumes no sequence. AppendMulti extends this to several streams: every stream's
//   expected version is checked and every event written together, or nothing is.
// - Idempotency: an append with a request_id already recorded returns the first result
//   (deduplicated = true) and writes nothing, if its fingerprint matches; with a different
//   fingerprint it fails with ALREADY_EXISTS. An append with no events but a request_id
//   records the request (a command that was already satisfied).
// - The store fills in: event_id (if empty), source, sequence, stream_id, stream_version,
//   recorded_at, request_id. The caller fills in occurred_at, actor, payload and the
//   correlation fields.
//
// Thread safety: every method may be called from any number of threads at once.
#ifndef SALESPERF_LIBS_EVENTSTORE_EVENT_STORE_H_
#define SALESPERF_LIBS_EVENTSTORE_EVENT_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "salesperf/common/v1/envelope.pb.h"

namespace salesperf::eventstore {

using ::salesperf::common::v1::EventEnvelope;

// What the caller expects the stream's current version to be.
struct ExpectedVersion {
  enum class Kind { kAny, kNoStream, kExact };
  Kind kind = Kind::kAny;
  uint64_t version = 0;  // for kExact; a stream with no events is at version 0

  static ExpectedVersion Any() { return {Kind::kAny, 0}; }
  static ExpectedVersion NoStream() { return {Kind::kNoStream, 0}; }
  static ExpectedVersion Exactly(uint64_t v) { return {Kind::kExact, v}; }
};

struct AppendRequest {
  std::string stream_id;  // required; a well-formed id (libs/common/ids.h), at most 128 bytes
  ExpectedVersion expected_version;
  std::vector<EventEnvelope> events;
  // Idempotency key; empty means none. At most 128 bytes.
  std::string request_id;
  // Identifies the request's content, so that a reused request_id with a different request
  // is caught. Callers pass a hash of the command; empty: the store hashes stream_id and
  // the events' payloads.
  std::string request_fingerprint;
};

struct AppendResult {
  uint64_t first_sequence = 0;  // 0 when no events were appended
  uint64_t last_sequence = 0;
  uint64_t stream_version = 0;  // the stream's version after the append
  bool deduplicated = false;    // true: the request_id was seen before; nothing was written
  friend bool operator==(const AppendResult&, const AppendResult&) = default;
};

// One stream's part of a MultiAppendRequest.
struct StreamAppend {
  std::string stream_id;  // as AppendRequest::stream_id
  ExpectedVersion expected_version;
  // May be empty: the stream's expected version is still checked (a guard on a stream
  // the command read but does not change).
  std::vector<EventEnvelope> events;
};

// Appends to several streams atomically: all expected versions hold and all events are
// written, or nothing is.
struct MultiAppendRequest {
  // At least one; each stream_id at most once. Events get consecutive sequences in this
  // order: streams[0]'s events first.
  std::vector<StreamAppend> streams;
  // As AppendRequest. With no events at all, a request_id is required.
  std::string request_id;
  // As AppendRequest; empty: the store hashes every stream id and payload. A one-stream
  // request gets the same default fingerprint as the equivalent AppendRequest, so the two
  // forms are retries of each other.
  std::string request_fingerprint;
};

struct MultiAppendResult {
  uint64_t first_sequence = 0;  // 0 when no events were appended
  uint64_t last_sequence = 0;
  std::vector<uint64_t> stream_versions;  // per streams[i], its version after the append
  bool deduplicated = false;  // true: the request_id was seen before; nothing was written
  friend bool operator==(const MultiAppendResult&, const MultiAppendResult&) = default;
};

// What the store remembers about a request_id. `streams` was added last, so that
// {fingerprint, stream_id, result} still initialises a one-stream record.
struct RequestRecord {
  std::string fingerprint;
  // For a one-stream request (Append, or AppendMulti of one stream): that stream's id.
  // Empty for a request of several streams.
  std::string stream_id;
  // first_sequence and last_sequence always; stream_version only for a one-stream
  // request (0 otherwise: see `streams`).
  AppendResult result;
  // Every stream of the request, in request order, with its version after the append.
  // Filled by the store for every record, one entry for a one-stream request.
  std::vector<std::pair<std::string, uint64_t>> streams;
  friend bool operator==(const RequestRecord&, const RequestRecord&) = default;
};

class EventStore {
 public:
  virtual ~EventStore() = default;

  // See the contract above. Errors: INVALID_ARGUMENT (bad stream id or request id),
  // ABORTED (expected version mismatch), ALREADY_EXISTS (request_id reused with a different
  // fingerprint), UNAVAILABLE (storage failed or the store is closed).
  virtual absl::StatusOr<AppendResult> Append(AppendRequest request) = 0;

  // Appends to several streams in one atomic write (see MultiAppendRequest). Same
  // contract as Append, per stream. Errors: INVALID_ARGUMENT (no streams, a stream listed
  // twice, a bad stream or request id, no events and no request_id), ABORTED naming the
  // first stream (in request order) whose expected version does not hold, ALREADY_EXISTS
  // (request_id reused for a different request, including a different list of streams),
  // UNAVAILABLE.
  virtual absl::StatusOr<MultiAppendResult> AppendMulti(MultiAppendRequest request) = 0;

  // AppendMulti that does not wait for the write: `done` gets the result exactly once,
  // either before AppendMultiAsync returns or later on the thread that writes the
  // request's group (another caller's). So `done` must be quick and must not block on
  // another append; a server finishes its call from it instead of parking a thread on the
  // group commit. The default runs AppendMulti and then `done`.
  using AppendMultiCallback = absl::AnyInvocable<void(absl::StatusOr<MultiAppendResult>) &&>;
  virtual void AppendMultiAsync(MultiAppendRequest request, AppendMultiCallback done) {
    std::move(done)(AppendMulti(std::move(request)));
  }

  // The record for `request_id`, or nullopt if it was never seen. Lets a service answer a
  // retried command with the first response before deciding anything.
  virtual absl::StatusOr<std::optional<RequestRecord>> LookupRequest(
      const std::string& request_id) = 0;

  // Events of `stream_id` with stream_version >= from_version, in order, at most max_count.
  // An unknown stream yields an empty vector.
  virtual absl::StatusOr<std::vector<EventEnvelope>> ReadStream(const std::string& stream_id,
                                                                uint64_t from_version,
                                                                size_t max_count) = 0;

  // The stream's current version (0 if it has no events).
  virtual absl::StatusOr<uint64_t> StreamVersion(const std::string& stream_id) = 0;

  // StreamVersion of each stream, in the order given (a bulk import checks which of its
  // streams exist). Each version is as StreamVersion would answer it at some moment
  // during the call. The default asks StreamVersion once per stream; a store may share
  // the work across them.
  virtual absl::StatusOr<std::vector<uint64_t>> StreamVersions(
      const std::vector<std::string>& stream_ids) {
    std::vector<uint64_t> versions;
    versions.reserve(stream_ids.size());
    for (const std::string& stream_id : stream_ids) {
      absl::StatusOr<uint64_t> version = StreamVersion(stream_id);
      if (!version.ok()) return version.status();
      versions.push_back(*version);
    }
    return versions;
  }

  // Events with sequence >= from_sequence, in sequence order, at most max_count.
  virtual absl::StatusOr<std::vector<EventEnvelope>> ReadLog(uint64_t from_sequence,
                                                             size_t max_count) = 0;

  // The highest visible sequence (0 when empty).
  virtual uint64_t HeadSequence() const = 0;

  // Blocks until HeadSequence() > after_sequence or `timeout` passes, and returns the
  // head sequence. Used by the local bus and the outbox relay instead of polling.
  virtual uint64_t WaitForSequence(uint64_t after_sequence, absl::Duration timeout) const = 0;

  // The service name stamped into every envelope's `source`.
  virtual const std::string& source() const = 0;
};

using EventStorePtr = std::unique_ptr<EventStore>;

}  // namespace salesperf::eventstore

#endif  // SALESPERF_LIBS_EVENTSTORE_EVENT_STORE_H_
