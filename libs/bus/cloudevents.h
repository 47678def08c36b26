// CloudEvents 1.0 Kafka protocol binding, binary mode: the record value is the event
// data (the serialized EventEnvelope) and the attributes travel as headers.
//
//   ce_specversion  1.0
//   ce_id           envelope.event_id
//   ce_source       /salesperf/<envelope.source>
//   ce_type         the payload's full message name, from the Any's type_url
//                   ("type.googleapis.com/salesperf.activity.v1.CallLogged" ->
//                   "salesperf.activity.v1.CallLogged")
//   ce_time         envelope.occurred_at in RFC 3339, UTC ("2026-11-23T05:03:00.25Z");
//                   recorded_at when occurred_at is unset; absent only when both are
//   ce_subject      envelope.stream_id
//   content-type    application/protobuf
//   traceparent     envelope.traceparent, when set (W3C Trace Context)
//
// Record key = stream_id, so that a stream's events share a partition and keep order.
#ifndef SALESPERF_LIBS_BUS_CLOUDEVENTS_H_
#define SALESPERF_LIBS_BUS_CLOUDEVENTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "google/protobuf/any.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "libs/bus/publisher.h"
#include "salesperf/common/v1/envelope.pb.h"

namespace salesperf::bus {

inline constexpr std::string_view kCeSpecVersion = "ce_specversion";
inline constexpr std::string_view kCeId = "ce_id";
inline constexpr std::string_view kCeSource = "ce_source";
inline constexpr std::string_view kCeType = "ce_type";
inline constexpr std::string_view kCeTime = "ce_time";
inline constexpr std::string_view kCeSubject = "ce_subject";
inline constexpr std::string_view kContentType = "content-type";
inline constexpr std::string_view kTraceparent = "traceparent";
inline constexpr std::string_view kProtobufContentType = "application/protobuf";

// "salesperf.activity.v1.CallLogged" from an Any's type_url: the part after the last
// '/', or the whole url if it has none. Empty for an empty url.
std::string PayloadTypeName(const google::protobuf::Any& payload);

// RFC 3339 in UTC with only the fractional digits needed: "2026-11-23T05:03:00Z",
// "2026-11-23T05:03:00.123Z".
std::string Rfc3339(const google::protobuf::Timestamp& ts);

// The headers above, in that order.
std::vector<Header> CloudEventsHeaders(const common::v1::EventEnvelope& envelope);

// The record for `envelope` on `topic`: key = stream_id, value = the serialized envelope,
// CloudEvents headers, and `tag`.
Record EnvelopeRecord(const common::v1::EventEnvelope& envelope, std::string topic, uint64_t tag);

}  // namespace salesperf::bus

#endif  // SALESPERF_LIBS_BUS_CLOUDEVENTS_H_
