// The parts of Append/AppendMulti that both EventStore implementations share, so that
// their semantics cannot drift apart: validation, the default request fingerprint, the
// idempotency and expected-version decision, stamping the store's envelope fields, and
// the request record. Both stores run every Append as a one-stream MultiAppendRequest.
// Internal to libs/eventstore.
#ifndef SALESPERF_LIBS_EVENTSTORE_APPEND_LOGIC_H_
#define SALESPERF_LIBS_EVENTSTORE_APPEND_LOGIC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/random/bit_gen_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/eventstore/event_store.h"

namespace salesperf::eventstore::internal {

// Stream ids use the id charset of libs/common/ids.h but may be longer than entity ids,
// because they usually embed one ("deal-" + a 64-character deal id).
inline constexpr size_t kMaxStreamIdLength = 128;
inline constexpr size_t kMaxRequestIdLength = 128;

// 64-bit FNV-1a. Stable across processes, builds and platforms (unlike absl::Hash, which
// is seeded per process), so fingerprints stored on disk stay comparable.
uint64_t Fnv1a64(std::string_view data, uint64_t state = 0xcbf29ce484222325ULL);

// The fingerprint used when the caller gives none: "fnv1a64:" followed by 16 hex digits
// of FNV-1a over the stream id and each event's payload type_url and value, each
// preceded by its length so that different splits of the same bytes differ.
std::string DefaultFingerprint(const AppendRequest& request);
// The same for several streams. One stream: exactly DefaultFingerprint of the equivalent
// AppendRequest. More: per stream its id, its event count (BE64) and its payloads, so that
// moving an event from one stream to the next changes the fingerprint.
std::string DefaultFingerprint(const MultiAppendRequest& request);

// Checks the request's shape (INVALID_ARGUMENT with field violations) and fills in
// request_fingerprint when it is empty. Touches no store state.
absl::Status PrepareRequest(AppendRequest* request);
absl::Status PrepareRequest(MultiAppendRequest* request);

// The one-stream MultiAppendRequest equivalent to `request` (moved from), and the
// AppendResult of its result.
MultiAppendRequest ToMulti(AppendRequest request);
AppendResult ToSingle(const MultiAppendResult& result);

// Decides `request` against the store's state: `prior` is the record of its request_id
// (if any), `current_versions[i]` the version of streams[i]. Returns the first result
// (with deduplicated = true) for a retry, ALREADY_EXISTS for a reused request_id (other
// fingerprint or other streams), ABORTED for the first stream whose expected version does
// not hold, or nullopt when the request should be applied.
absl::StatusOr<std::optional<MultiAppendResult>> Decide(
    const MultiAppendRequest& request, const std::optional<RequestRecord>& prior,
    const std::vector<uint64_t>& current_versions);

// Assigns sequences from `next_sequence` on (streams[0]'s events first) and fills the
// fields the store owns into every event. Returns the result of applying the request.
MultiAppendResult StampEvents(MultiAppendRequest* request,
                              const std::vector<uint64_t>& current_versions, uint64_t next_sequence,
                              const std::string& source, absl::Time recorded_at,
                              absl::BitGenRef gen);

// The record the store keeps for an applied request with a request_id.
RequestRecord MakeRecord(const MultiAppendRequest& request, const MultiAppendResult& result);

}  // namespace salesperf::eventstore::internal

#endif  // SALESPERF_LIBS_EVENTSTORE_APPEND_LOGIC_H_
