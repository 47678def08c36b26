// Packs the activity events (the v1::ActivityEvent union) into envelope payloads and back.
// The payload holds the inner message (e.g. salesperf.activity.v1.CallLogged), as
// events.proto requires. Pure; thread-safe.
#ifndef SALESPERF_SERVICES_ACTIVITY_APP_EVENT_CODEC_H_
#define SALESPERF_SERVICES_ACTIVITY_APP_EVENT_CODEC_H_

#include <optional>

#include "absl/status/statusor.h"
#include "google/protobuf/any.pb.h"
#include "salesperf/activity/v1/activity.pb.h"

namespace salesperf::activity {

// INVALID_ARGUMENT for an empty union.
absl::StatusOr<google::protobuf::Any> PackActivityEvent(const v1::ActivityEvent& event);
// nullopt when the payload is not one of the union's messages (another service's event,
// a risk flag, a newer event); INVALID_ARGUMENT when it is one but does not parse.
absl::StatusOr<std::optional<v1::ActivityEvent>> UnpackActivityEvent(
    const google::protobuf::Any& payload);

}  // namespace salesperf::activity

#endif  // SALESPERF_SERVICES_ACTIVITY_APP_EVENT_CODEC_H_
