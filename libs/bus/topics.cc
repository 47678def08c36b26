#include "libs/bus/topics.h"

#include "absl/strings/str_cat.h"

namespace salesperf::bus {
namespace {

constexpr std::string_view kPrefix = "salesperf.";
constexpr std::string_view kEventsSuffix = ".events.v1";
constexpr std::string_view kDeadLetterSuffix = ".dlq.v1";

}  // namespace

absl::Status ValidateTopicComponent(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return absl::InvalidArgumentError("a topic component must be 1-64 characters long");
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("a topic component may hold only [a-z0-9_-], got '",
                       absl::string_view(name.data(), name.size()), "'"));
    }
  }
  return absl::OkStatus();
}

std::string EventsTopic(std::string_view service) {
  std::string topic(kPrefix);
  topic.append(service).append(kEventsSuffix);
  return topic;
}

std::string DeadLetterTopic(std::string_view consumer) {
  std::string topic(kPrefix);
  topic.append(consumer).append(kDeadLetterSuffix);
  return topic;
}

std::optional<std::string> ServiceOfEventsTopic(std::string_view topic) {
  if (topic.size() <= kPrefix.size() + kEventsSuffix.size() || !topic.starts_with(kPrefix) ||
      !topic.ends_with(kEventsSuffix)) {
    return std::nullopt;
  }
  std::string_view service =
      topic.substr(kPrefix.size(), topic.size() - kPrefix.size() - kEventsSuffix.size());
  if (!ValidateTopicComponent(service).ok()) return std::nullopt;
  return std::string(service);
}

}  // namespace salesperf::bus
