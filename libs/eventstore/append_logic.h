// The parts of Append that both EventStore implementations share, so that their
// semantics cannot drift apart: validation, the default request fingerprint, the
// idempotency and expected-version decision, and stamping the store's envelope fields.
// Internal to libs/eventstore.
#ifndef SALESPERF_LIBS_EVENTSTORE_APPEND_LOGIC_H_
#define SALESPERF_LIBS_EVENTSTORE_APPEND_LOGIC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

// Checks the request's shape (INVALID_ARGUMENT with field violations) and fills in
// request_fingerprint when it is empty. Touches no store state.
absl::Status PrepareRequest(AppendRequest* request);

// Decides `request` against the store's state: `prior` is the record of its request_id
// (if any), `current_version` the stream's version. Returns the first result (with
// deduplicated = true) for a retry, ALREADY_EXISTS for a reused request_id, ABORTED for a
// version mismatch, or nullopt when the request should be applied.
absl::StatusOr<std::optional<AppendResult>> Decide(const AppendRequest& request,
                                                   const std::optional<RequestRecord>& prior,
                                                   uint64_t current_version);

// Fills the fields the store owns into every event of `request`: event i gets sequence
// first_sequence + i and stream version first_version + i.
void StampEvents(AppendRequest* request, const std::string& source, uint64_t first_sequence,
                 uint64_t first_version, absl::Time recorded_at, absl::BitGenRef gen);

}  // namespace salesperf::eventstore::internal

#endif  // SALESPERF_LIBS_EVENTSTORE_APPEND_LOGIC_H_
