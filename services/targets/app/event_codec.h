// Envelope payloads of the targets service: the concrete event message (e.g.
// salesperf.targets.v1.RepMoved) packed in the envelope's Any, never the OrgEvent /
// TargetEvent unions (events.proto). These functions map between the two.
//
// Pure functions; thread-safe.
#ifndef SALESPERF_SERVICES_TARGETS_APP_EVENT_CODEC_H_
#define SALESPERF_SERVICES_TARGETS_APP_EVENT_CODEC_H_

#include <optional>

#include "absl/status/statusor.h"
#include "google/protobuf/any.pb.h"
#include "salesperf/targets/v1/events.pb.h"

namespace salesperf::targets {

// The Any holding the union's set member. INVALID_ARGUMENT if no member is set.
absl::StatusOr<google::protobuf::Any> PackOrgEvent(const v1::OrgEvent& event);
absl::StatusOr<google::protobuf::Any> PackTargetEvent(const v1::TargetEvent& event);

// The union holding `payload`'s message. nullopt when the type is not a member (a
// newer event type, or another union's: callers skip it); INVALID_ARGUMENT when the
// type is a member but its bytes do not parse.
absl::StatusOr<std::optional<v1::OrgEvent>> UnpackOrgEvent(const google::protobuf::Any& payload);
absl::StatusOr<std::optional<v1::TargetEvent>> UnpackTargetEvent(
    const google::protobuf::Any& payload);

}  // namespace salesperf::targets

#endif  // SALESPERF_SERVICES_TARGETS_APP_EVENT_CODEC_H_
