// Envelope payloads of the feedback service: the concrete event message (e.g.
// salesperf.feedback.v1.SurveyResponded) packed in the envelope's Any, never the
// FeedbackEvent union (feedback.proto). Also unpacks the targets service's org events,
// which the feedback views fold for managers and team/region attribution.
//
// Pure functions; thread-safe.
#ifndef SALESPERF_SERVICES_FEEDBACK_APP_EVENT_CODEC_H_
#define SALESPERF_SERVICES_FEEDBACK_APP_EVENT_CODEC_H_

#include <optional>

#include "absl/status/statusor.h"
#include "google/protobuf/any.pb.h"
#include "salesperf/feedback/v1/feedback.pb.h"
#include "salesperf/targets/v1/events.pb.h"

namespace salesperf::feedback {

// The Any holding the union's set member. INVALID_ARGUMENT if no member is set.
absl::StatusOr<google::protobuf::Any> PackFeedbackEvent(const v1::FeedbackEvent& event);

// The union holding `payload`'s message. nullopt when the type is not a member (another
// service's event or a newer type: callers skip it); INVALID_ARGUMENT when the type is a
// member but its bytes do not parse.
absl::StatusOr<std::optional<v1::FeedbackEvent>> UnpackFeedbackEvent(
    const google::protobuf::Any& payload);
absl::StatusOr<std::optional<targets::v1::OrgEvent>> UnpackOrgEvent(
    const google::protobuf::Any& payload);

}  // namespace salesperf::feedback

#endif  // SALESPERF_SERVICES_FEEDBACK_APP_EVENT_CODEC_H_
