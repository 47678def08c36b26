#include "services/feedback/app/event_codec.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace salesperf::feedback {
namespace {

using google::protobuf::Any;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::OneofDescriptor;

// The full message name of a type URL ("type.googleapis.com/a.b.C" -> "a.b.C").
std::string_view TypeName(const std::string& type_url) {
  const size_t slash = type_url.rfind('/');
  return slash == std::string::npos ? std::string_view(type_url)
                                    : std::string_view(type_url).substr(slash + 1);
}

// Both unions hold exactly one oneof whose members are all messages.
absl::StatusOr<bool> Unpack(const Any& payload, Message* union_message) {
  const std::string_view type = TypeName(payload.type_url());
  const OneofDescriptor* oneof = union_message->GetDescriptor()->oneof_decl(0);
  for (int i = 0; i < oneof->field_count(); ++i) {
    const FieldDescriptor* field = oneof->field(i);
    if (field->message_type()->full_name() != type) continue;
    Message* inner = union_message->GetReflection()->MutableMessage(union_message, field);
    if (!inner->ParseFromString(payload.value())) {
      return absl::InvalidArgumentError(absl::StrCat("malformed ", std::string(type), " payload"));
    }
    return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<Any> PackFeedbackEvent(const v1::FeedbackEvent& event) {
  const OneofDescriptor* oneof = v1::FeedbackEvent::descriptor()->oneof_decl(0);
  const google::protobuf::Reflection* reflection = event.GetReflection();
  const FieldDescriptor* field = reflection->GetOneofFieldDescriptor(event, oneof);
  if (field == nullptr) return absl::InvalidArgumentError("empty FeedbackEvent");
  Any any;
  any.PackFrom(reflection->GetMessage(event, field));
  return any;
}

absl::StatusOr<std::optional<v1::FeedbackEvent>> UnpackFeedbackEvent(const Any& payload) {
  v1::FeedbackEvent event;
  absl::StatusOr<bool> found = Unpack(payload, &event);
  if (!found.ok()) return found.status();
  if (!*found) return std::nullopt;
  return event;
}

absl::StatusOr<std::optional<targets::v1::OrgEvent>> UnpackOrgEvent(const Any& payload) {
  targets::v1::OrgEvent event;
  absl::StatusOr<bool> found = Unpack(payload, &event);
  if (!found.ok()) return found.status();
  if (!*found) return std::nullopt;
  return event;
}

}  // namespace salesperf::feedback
