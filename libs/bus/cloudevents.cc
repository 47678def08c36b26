#include "libs/bus/cloudevents.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace salesperf::bus {

std::string PayloadTypeName(const google::protobuf::Any& payload) {
  const std::string& url = payload.type_url();
  size_t slash = url.rfind('/');
  return slash == std::string::npos ? url : url.substr(slash + 1);
}

std::string Rfc3339(const google::protobuf::Timestamp& ts) {
  absl::Time t = absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

std::vector<Header> CloudEventsHeaders(const common::v1::EventEnvelope& envelope) {
  std::vector<Header> headers;
  headers.reserve(8);
  headers.push_back({std::string(kCeSpecVersion), "1.0"});
  headers.push_back({std::string(kCeId), envelope.event_id()});
  headers.push_back({std::string(kCeSource), absl::StrCat("/salesperf/", envelope.source())});
  headers.push_back({std::string(kCeType), PayloadTypeName(envelope.payload())});
  // Every record carries ce_time (DESIGN.md section 3): business time when the producer
  // gave one, else when the store accepted the event (always set by the event store).
  if (envelope.has_occurred_at()) {
    headers.push_back({std::string(kCeTime), Rfc3339(envelope.occurred_at())});
  } else if (envelope.has_recorded_at()) {
    headers.push_back({std::string(kCeTime), Rfc3339(envelope.recorded_at())});
  }
  headers.push_back({std::string(kCeSubject), envelope.stream_id()});
  headers.push_back({std::string(kContentType), std::string(kProtobufContentType)});
  if (!envelope.traceparent().empty()) {
    headers.push_back({std::string(kTraceparent), envelope.traceparent()});
  }
  return headers;
}

Record EnvelopeRecord(const common::v1::EventEnvelope& envelope, std::string topic, uint64_t tag) {
  Record record;
  record.topic = std::move(topic);
  record.key = envelope.stream_id();
  record.value = envelope.SerializeAsString();
  record.headers = CloudEventsHeaders(envelope);
  record.tag = tag;
  return record;
}

}  // namespace salesperf::bus
