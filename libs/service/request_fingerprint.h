// Idempotency keys and fingerprints shared by every service's application layer.
//
// A mutating request's request_id is stored with a fingerprint of the request; the same
// id with a different fingerprint is a reused key (DESIGN.md section 3). Fingerprints
// are stored and compared across restarts and builds, so they must never depend on a
// process-seeded hash (absl::Hash) or on non-deterministic serialization.
#ifndef SALESPERF_LIBS_SERVICE_REQUEST_FINGERPRINT_H_
#define SALESPERF_LIBS_SERVICE_REQUEST_FINGERPRINT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace salesperf::service {

inline constexpr size_t kMaxRequestIdLength = 128;

// INVALID_ARGUMENT with a request_id field violation unless `request_id` is 1..128 bytes.
absl::Status CheckRequestId(std::string_view request_id);

// ALREADY_EXISTS: `request_id` was used before for a different request.
absl::Status ReusedRequestIdError(std::string_view request_id);

inline constexpr uint64_t kFnv1a64Offset = 0xcbf29ce484222325ULL;

// 64-bit FNV-1a of `data`, continuing from `hash`: stable across processes and builds.
uint64_t StableHash64(std::string_view data, uint64_t hash = kFnv1a64Offset);

// "<service>-fp1:<16 hex>": the request's type and the request with its request_id
// field cleared, serialized deterministically. E.g. RequestFingerprint(req, "activity").
std::string RequestFingerprint(const google::protobuf::Message& request, std::string_view service);

}  // namespace salesperf::service

#endif  // SALESPERF_LIBS_SERVICE_REQUEST_FINGERPRINT_H_
