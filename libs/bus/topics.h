// Kafka topic names of the salesperf event bus (DESIGN.md section 3).
//
//   salesperf.<service>.events.v1   a service's domain events, key = stream_id
//   salesperf.<consumer>.dlq.v1     records a consumer could not decode or apply
//
// The names are a public contract for other services: never rename one; a breaking
// change to a topic's content gets a new version suffix.
#ifndef SALESPERF_LIBS_BUS_TOPICS_H_
#define SALESPERF_LIBS_BUS_TOPICS_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace salesperf::bus {

// The services that publish events, in the order of their default ports.
inline constexpr std::array<std::string_view, 5> kServices = {"targets", "activity", "incentives",
                                                              "feedback", "analytics"};

// OK if `name` can be a topic component (a service or consumer name): 1-64 characters
// from [a-z0-9_-]. INVALID_ARGUMENT otherwise.
absl::Status ValidateTopicComponent(std::string_view name);

// "salesperf.<service>.events.v1". `service` must pass ValidateTopicComponent.
std::string EventsTopic(std::string_view service);

// "salesperf.<consumer>.dlq.v1". `consumer` must pass ValidateTopicComponent.
std::string DeadLetterTopic(std::string_view consumer);

// The service of an events topic ("salesperf.activity.events.v1" -> "activity"), or
// nullopt if `topic` is not one.
std::optional<std::string> ServiceOfEventsTopic(std::string_view topic);

}  // namespace salesperf::bus

#endif  // SALESPERF_LIBS_BUS_TOPICS_H_
