#include "services/activity/domain/call.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/ids.h"

namespace salesperf::activity {
namespace {

uint64_t Fnv1a64(std::string_view data, uint64_t hash) {
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

std::string CallStreamId(std::string_view call_id) {
  return absl::StrCat("call-", absl::string_view(call_id.data(), call_id.size()));
}

std::string ExternalCallId(std::string_view phone_system, std::string_view external_call_id) {
  // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
  const std::string key = absl::StrCat(
      phone_system.size(), ":", absl::string_view(phone_system.data(), phone_system.size()),
      absl::string_view(external_call_id.data(), external_call_id.size()));
  const uint64_t a = Fnv1a64(key, 0xcbf29ce484222325ULL);
  const uint64_t b = Fnv1a64(key, 0x84222325cbf29ce4ULL ^ 0x9e3779b97f4a7c15ULL);
  return absl::StrFormat("ext-%016x%016x", a, b);
}

void ValidateCallRecord(const v1::CallRecord& r, absl::Time now, const std::string& prefix,
                        FieldViolations& v) {
  CheckId(v, prefix + "rep_id", r.rep_id());
  CheckOptionalId(v, prefix + "customer_id", r.customer_id());
  CheckOptionalId(v, prefix + "lead_id", r.lead_id());
  if (r.customer_id().empty() && r.lead_id().empty()) {
    v.Add(prefix + "customer_id", "customer_id or lead_id is required");
  }
  if (r.direction() == v1::CALL_DIRECTION_UNSPECIFIED ||
      !v1::CallDirection_IsValid(r.direction())) {
    v.Add(prefix + "direction", "is required: outbound or inbound");
  }
  if (!r.has_started_at()) {
    v.Add(prefix + "started_at", "is required");
  } else {
    CheckTimestamp(v, prefix + "started_at", r.started_at());
    if (FromTimestamp(r.started_at()) > now + kFutureTolerance) {
      v.Add(prefix + "started_at", "must not be in the future");
    }
  }
  if (r.outcome() == v1::CALL_OUTCOME_UNSPECIFIED || !v1::CallOutcome_IsValid(r.outcome())) {
    v.Add(prefix + "outcome", "is required: connected, no_answer, busy, voicemail or wrong_number");
  }
  if (r.duration_seconds() < 0) {
    v.Add(prefix + "duration_seconds", "must not be negative");
  } else if (r.duration_seconds() > kMaxCallDurationSeconds) {
    v.Add(prefix + "duration_seconds", "must be at most 86400 (24 hours)");
  } else if (r.duration_seconds() > 0 && r.outcome() != v1::CALL_OUTCOME_CONNECTED &&
             r.outcome() != v1::CALL_OUTCOME_UNSPECIFIED) {
    v.Add(prefix + "duration_seconds", "must be 0 for a call that did not connect");
  }
  CheckOptionalText(v, prefix + "notes", r.notes());
  if (r.external_call_id().empty() != r.phone_system().empty()) {
    v.Add(prefix + (r.external_call_id().empty() ? "external_call_id" : "phone_system"),
          "external_call_id and phone_system go together");
  }
  CheckOptionalText(v, prefix + "external_call_id", r.external_call_id(), kMaxNameBytes);
  CheckOptionalText(v, prefix + "phone_system", r.phone_system(), kMaxNameBytes);
  CheckOptionalId(v, prefix + "call_id", r.call_id());
}

absl::StatusOr<ActivityEvents> DecideLogCall(const LogCall& command, const v1::Call& state) {
  FieldViolations v;
  ValidateCallRecord(command.call, command.meta.now, "call.", v);
  CheckId(v, "call.call_id", command.call.call_id());
  if (!v.empty()) return v.ToStatus();
  if (!state.call_id().empty()) return ActivityEvents{};
  const v1::CallRecord& r = command.call;
  v1::ActivityEvent e;
  v1::CallLogged* x = e.mutable_call_logged();
  x->set_call_id(r.call_id());
  x->set_rep_id(r.rep_id());
  x->set_customer_id(r.customer_id());
  x->set_lead_id(r.lead_id());
  x->set_direction(r.direction());
  *x->mutable_started_at() = r.started_at();
  x->set_duration_seconds(r.duration_seconds());
  x->set_outcome(r.outcome());
  x->set_notes(r.notes());
  x->set_external_call_id(r.external_call_id());
  x->set_phone_system(r.phone_system());
  return ActivityEvents{e};
}

v1::Call EvolveCall(v1::Call state, const v1::ActivityEvent& event) {
  if (event.event_case() != v1::ActivityEvent::kCallLogged) return state;
  const v1::CallLogged& x = event.call_logged();
  state.set_call_id(x.call_id());
  state.set_rep_id(x.rep_id());
  state.set_customer_id(x.customer_id());
  state.set_lead_id(x.lead_id());
  state.set_direction(x.direction());
  *state.mutable_started_at() = x.started_at();
  state.set_duration_seconds(x.duration_seconds());
  state.set_outcome(x.outcome());
  state.set_notes(x.notes());
  state.set_external_call_id(x.external_call_id());
  state.set_phone_system(x.phone_system());
  state.set_version(state.version() + 1);
  return state;
}

}  // namespace salesperf::activity
