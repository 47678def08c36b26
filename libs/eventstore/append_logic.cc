#include "libs/eventstore/append_logic.h"

#include <utility>

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

std::string BigEndian64(uint64_t n) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(n & 0xff);
    n >>= 8;
  }
  return out;
}

uint64_t HashPayloads(uint64_t state, const std::vector<EventEnvelope>& events) {
  for (const EventEnvelope& event : events) {
    state = HashLengthPrefixed(state, event.payload().type_url());
    state = HashLengthPrefixed(state, event.payload().value());
  }
  return state;
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

// `prefix` is "" for an AppendRequest and "streams[i]." for a MultiAppendRequest.
void CheckStream(const std::string& prefix, const std::string& stream_id,
                 const std::vector<EventEnvelope>& events, FieldViolations* violations) {
  if (std::string problem = StreamIdProblem(stream_id); !problem.empty()) {
    violations->Add(absl::StrCat(prefix, "stream_id"), std::move(problem));
  }
  for (size_t i = 0; i < events.size(); ++i) {
    if (!events[i].has_payload() || events[i].payload().type_url().empty()) {
      violations->Add(absl::StrCat(prefix, "events[", i, "].payload"), "must be set");
    }
  }
}

void CheckRequestId(const std::string& request_id, FieldViolations* violations) {
  if (request_id.size() > kMaxRequestIdLength) {
    violations->Add("request_id", absl::StrCat("must be at most ", kMaxRequestIdLength, " bytes"));
  }
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
  h = HashPayloads(h, request.events);
  return absl::StrFormat("fnv1a64:%016x", h);
}

std::string DefaultFingerprint(const MultiAppendRequest& request) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const StreamAppend& stream : request.streams) {
    h = HashLengthPrefixed(h, stream.stream_id);
    // Without the count one stream's last event could pass for the next one's first.
    if (request.streams.size() > 1) h = Fnv1a64(BigEndian64(stream.events.size()), h);
    h = HashPayloads(h, stream.events);
  }
  return absl::StrFormat("fnv1a64:%016x", h);
}

absl::Status PrepareRequest(AppendRequest* request) {
  FieldViolations violations;
  CheckStream("", request->stream_id, request->events, &violations);
  CheckRequestId(request->request_id, &violations);
  if (request->events.empty() && request->request_id.empty()) {
    violations.Add("events", "must not be empty unless a request_id is given");
  }
  if (!violations.empty()) return violations.ToStatus();
  if (request->request_fingerprint.empty()) {
    request->request_fingerprint = DefaultFingerprint(*request);
  }
  return absl::OkStatus();
}

absl::Status PrepareRequest(MultiAppendRequest* request) {
  FieldViolations violations;
  if (request->streams.empty()) violations.Add("streams", "must not be empty");
  size_t events = 0;
  for (size_t i = 0; i < request->streams.size(); ++i) {
    const StreamAppend& stream = request->streams[i];
    const std::string prefix = absl::StrCat("streams[", i, "].");
    CheckStream(prefix, stream.stream_id, stream.events, &violations);
    // Quadratic, but a request names a handful of streams.
    for (size_t j = 0; j < i; ++j) {
      if (request->streams[j].stream_id == stream.stream_id) {
        violations.Add(absl::StrCat(prefix, "stream_id"),
                       absl::StrCat("repeats streams[", j, "]; list a stream once"));
        break;
      }
    }
    events += stream.events.size();
  }
  CheckRequestId(request->request_id, &violations);
  if (!request->streams.empty() && events == 0 && request->request_id.empty()) {
    violations.Add("streams", "must hold an event unless a request_id is given");
  }
  if (!violations.empty()) return violations.ToStatus();
  if (request->request_fingerprint.empty()) {
    request->request_fingerprint = DefaultFingerprint(*request);
  }
  return absl::OkStatus();
}

MultiAppendRequest ToMulti(AppendRequest request) {
  MultiAppendRequest multi;
  multi.streams.push_back(StreamAppend{std::move(request.stream_id), request.expected_version,
                                       std::move(request.events)});
  multi.request_id = std::move(request.request_id);
  multi.request_fingerprint = std::move(request.request_fingerprint);
  return multi;
}

AppendResult ToSingle(const MultiAppendResult& result) {
  return AppendResult{
      .first_sequence = result.first_sequence,
      .last_sequence = result.last_sequence,
      .stream_version = result.stream_versions.empty() ? 0 : result.stream_versions.front(),
      .deduplicated = result.deduplicated,
  };
}

absl::StatusOr<std::optional<MultiAppendResult>> Decide(
    const MultiAppendRequest& request, const std::optional<RequestRecord>& prior,
    const std::vector<uint64_t>& current_versions) {
  if (prior.has_value()) {
    // Records written before AppendMulti existed name one stream and no `streams`.
    std::vector<std::pair<std::string, uint64_t>> prior_streams = prior->streams;
    if (prior_streams.empty()) {
      prior_streams.emplace_back(prior->stream_id, prior->result.stream_version);
    }
    bool same = prior->fingerprint == request.request_fingerprint &&
                prior_streams.size() == request.streams.size();
    for (size_t i = 0; same && i < prior_streams.size(); ++i) {
      same = prior_streams[i].first == request.streams[i].stream_id;
    }
    if (!same) {
      return absl::AlreadyExistsError(absl::StrCat("request_id ", request.request_id,
                                                   " was already used for a different request"));
    }
    MultiAppendResult result{.first_sequence = prior->result.first_sequence,
                             .last_sequence = prior->result.last_sequence,
                             .deduplicated = true};
    result.stream_versions.reserve(prior_streams.size());
    for (const auto& [stream_id, version] : prior_streams) {
      result.stream_versions.push_back(version);
    }
    return std::optional<MultiAppendResult>(std::move(result));
  }
  for (size_t i = 0; i < request.streams.size(); ++i) {
    const StreamAppend& stream = request.streams[i];
    const uint64_t current = current_versions[i];
    const ExpectedVersion& expected = stream.expected_version;
    switch (expected.kind) {
      case ExpectedVersion::Kind::kAny:
        break;
      case ExpectedVersion::Kind::kNoStream:
        if (current != 0) {
          return absl::AbortedError(
              absl::StrCat("stream ", stream.stream_id, " already exists at version ", current));
        }
        break;
      case ExpectedVersion::Kind::kExact:
        if (current != expected.version) {
          return absl::AbortedError(absl::StrCat("stream ", stream.stream_id, " is at version ",
                                                 current, ", expected ", expected.version));
        }
        break;
    }
  }
  return std::optional<MultiAppendResult>();
}

MultiAppendResult StampEvents(MultiAppendRequest* request,
                              const std::vector<uint64_t>& current_versions, uint64_t next_sequence,
                              const std::string& source, absl::Time recorded_at,
                              absl::BitGenRef gen) {
  const int64_t seconds = absl::ToUnixSeconds(recorded_at);
  const int32_t nanos =
      static_cast<int32_t>((recorded_at - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1));
  MultiAppendResult result;
  result.stream_versions.reserve(request->streams.size());
  uint64_t sequence = next_sequence;
  for (size_t i = 0; i < request->streams.size(); ++i) {
    StreamAppend& stream = request->streams[i];
    uint64_t version = current_versions[i];
    for (EventEnvelope& event : stream.events) {
      if (event.event_id().empty()) event.set_event_id(NewUuid(gen));
      event.set_source(source);
      event.set_sequence(sequence++);
      event.set_stream_id(stream.stream_id);
      event.set_stream_version(++version);
      event.mutable_recorded_at()->set_seconds(seconds);
      event.mutable_recorded_at()->set_nanos(nanos);
      event.set_request_id(request->request_id);
    }
    result.stream_versions.push_back(version);
  }
  if (sequence > next_sequence) {
    result.first_sequence = next_sequence;
    result.last_sequence = sequence - 1;
  }
  return result;
}

RequestRecord MakeRecord(const MultiAppendRequest& request, const MultiAppendResult& result) {
  RequestRecord record;
  record.fingerprint = request.request_fingerprint;
  record.result.first_sequence = result.first_sequence;
  record.result.last_sequence = result.last_sequence;
  record.streams.reserve(request.streams.size());
  for (size_t i = 0; i < request.streams.size(); ++i) {
    record.streams.emplace_back(request.streams[i].stream_id, result.stream_versions[i]);
  }
  if (record.streams.size() == 1) {
    record.stream_id = record.streams[0].first;
    record.result.stream_version = record.streams[0].second;
  }
  return record;
}

}  // namespace salesperf::eventstore::internal
