#include "libs/eventstore/append_logic.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/ids.h"
#include "libs/common/validation.h"

namespace salesperf::eventstore::internal {
namespace {

uint64_t HashLengthPrefixed(uint64_t state, std::string_view data) {
  char len[8];
  uint64_t n = data.size();
  for (int i = 7; i >= 0; --i) {
    len[i] = static_cast<char>(n & 0xff);
    n >>= 8;
  }
  state = Fnv1a64(std::string_view(len, sizeof(len)), state);
  return Fnv1a64(data, state);
}

std::string StreamIdProblem(std::string_view id) {
  if (id.empty()) return "must not be empty";
  if (id.size() > kMaxStreamIdLength) {
    return absl::StrCat("must be at most ", kMaxStreamIdLength, " characters");
  }
  // Same charset as ValidateId; only the length limit differs.
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != ':' &&
        c != '-') {
      return "may contain only letters, digits and . _ : -";
    }
  }
  return "";
}

}  // namespace

uint64_t Fnv1a64(std::string_view data, uint64_t state) {
  for (char c : data) {
    state ^= static_cast<uint8_t>(c);
    state *= 0x100000001b3ULL;
  }
  return state;
}

std::string DefaultFingerprint(const AppendRequest& request) {
  uint64_t h = HashLengthPrefixed(0xcbf29ce484222325ULL, request.stream_id);
  for (const EventEnvelope& event : request.events) {
    h = HashLengthPrefixed(h, event.payload().type_url());
    h = HashLengthPrefixed(h, event.payload().value());
  }
  return absl::StrFormat("fnv1a64:%016x", h);
}

absl::Status PrepareRequest(AppendRequest* request) {
  FieldViolations violations;
  if (std::string problem = StreamIdProblem(request->stream_id); !problem.empty()) {
    violations.Add("stream_id", std::move(problem));
  }
  if (request->request_id.size() > kMaxRequestIdLength) {
    violations.Add("request_id", absl::StrCat("must be at most ", kMaxRequestIdLength, " bytes"));
  }
  if (request->events.empty() && request->request_id.empty()) {
    violations.Add("events", "must not be empty unless a request_id is given");
  }
  for (size_t i = 0; i < request->events.size(); ++i) {
    if (!request->events[i].has_payload() || request->events[i].payload().type_url().empty()) {
      violations.Add(absl::StrCat("events[", i, "].payload"), "must be set");
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  if (request->request_fingerprint.empty()) {
    request->request_fingerprint = DefaultFingerprint(*request);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<AppendResult>> Decide(const AppendRequest& request,
                                                   const std::optional<RequestRecord>& prior,
                                                   uint64_t current_version) {
  if (prior.has_value()) {
    if (prior->fingerprint != request.request_fingerprint ||
        prior->stream_id != request.stream_id) {
      return absl::AlreadyExistsError(absl::StrCat("request_id ", request.request_id,
                                                   " was already used for a different request"));
    }
    AppendResult result = prior->result;
    result.deduplicated = true;
    return std::optional<AppendResult>(result);
  }
  const ExpectedVersion& expected = request.expected_version;
  switch (expected.kind) {
    case ExpectedVersion::Kind::kAny:
      break;
    case ExpectedVersion::Kind::kNoStream:
      if (current_version != 0) {
        return absl::AbortedError(absl::StrCat("stream ", request.stream_id,
                                               " already exists at version ", current_version));
      }
      break;
    case ExpectedVersion::Kind::kExact:
      if (current_version != expected.version) {
        return absl::AbortedError(absl::StrCat("stream ", request.stream_id, " is at version ",
                                               current_version, ", expected ", expected.version));
      }
      break;
  }
  return std::optional<AppendResult>();
}

void StampEvents(AppendRequest* request, const std::string& source, uint64_t first_sequence,
                 uint64_t first_version, absl::Time recorded_at, absl::BitGenRef gen) {
  const int64_t seconds = absl::ToUnixSeconds(recorded_at);
  const int32_t nanos =
      static_cast<int32_t>((recorded_at - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1));
  for (size_t i = 0; i < request->events.size(); ++i) {
    EventEnvelope& event = request->events[i];
    if (event.event_id().empty()) event.set_event_id(NewUuid(gen));
    event.set_source(source);
    event.set_sequence(first_sequence + i);
    event.set_stream_id(request->stream_id);
    event.set_stream_version(first_version + i);
    event.mutable_recorded_at()->set_seconds(seconds);
    event.mutable_recorded_at()->set_nanos(nanos);
    event.set_request_id(request->request_id);
  }
}

}  // namespace salesperf::eventstore::internal
