// Calls (电销; stream "call-<call_id>"): one CallLogged per call, never changed.
//
// Deduplication: a call from a phone system is identified by (phone_system,
// external_call_id); its call id is derived from that pair (CallIdFor), so the same call
// logged twice, by LogCall or in an import, meets the existing stream and writes nothing.
// A call without an external id gets the call_id the client gave or one the application
// generates.
//
// Decider: DecideLogCall(command, state) -> events or error; EvolveCall(state, event).
// State: the call as GetCall shows it, except started_on (filled by the reader). A call
// that exists already yields no events (the caller reports it as a duplicate).
#ifndef SALESPERF_SERVICES_ACTIVITY_DOMAIN_CALL_H_
#define SALESPERF_SERVICES_ACTIVITY_DOMAIN_CALL_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/common/validation.h"
#include "salesperf/activity/v1/activity.pb.h"
#include "services/activity/domain/customer.h"
#include "services/activity/domain/values.h"

namespace salesperf::activity {

// Longest call, in seconds (talk time is bounded so that a unit mix-up, milliseconds for
// seconds, is caught rather than counted).
inline constexpr int64_t kMaxCallDurationSeconds = 86'400;

// "call-<call_id>".
std::string CallStreamId(std::string_view call_id);

// The deterministic id of a phone system's call: "ext-" and 32 hex digits of two
// independent 64-bit FNV-1a hashes of the pair (so a collision needs both to collide).
// Stable across processes and releases: it is stored.
std::string ExternalCallId(std::string_view phone_system, std::string_view external_call_id);

// The record's violations, with field paths `prefix` + the CallRecord field ("call." for
// LogCall, "" for import records). `now` bounds started_at (at most kFutureTolerance
// ahead).
void ValidateCallRecord(const v1::CallRecord& record, absl::Time now, const std::string& prefix,
                        FieldViolations& violations);

// request.call has been given its call_id (ExternalCallId, the client's or a generated
// one).
struct LogCall {
  CommandMeta meta;
  v1::CallRecord call;
};

absl::StatusOr<ActivityEvents> DecideLogCall(const LogCall& command, const v1::Call& state);
v1::Call EvolveCall(v1::Call state, const v1::ActivityEvent& event);

}  // namespace salesperf::activity

#endif  // SALESPERF_SERVICES_ACTIVITY_DOMAIN_CALL_H_
