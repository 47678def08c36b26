#include "services/activity/app/event_codec.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"

namespace salesperf::activity {
namespace {

using google::protobuf::FieldDescriptor;

std::string_view TypeName(const std::string& type_url) {
  const size_t slash = type_url.rfind('/');
  return slash == std::string::npos ? std::string_view(type_url)
                                    : std::string_view(type_url).substr(slash + 1);
}

}  // namespace

absl::StatusOr<google::protobuf::Any> PackActivityEvent(const v1::ActivityEvent& event) {
  const google::protobuf::Reflection* reflection = event.GetReflection();
  const FieldDescriptor* field =
      reflection->GetOneofFieldDescriptor(event, v1::ActivityEvent::descriptor()->oneof_decl(0));
  if (field == nullptr) return absl::InvalidArgumentError("empty ActivityEvent");
  google::protobuf::Any any;
  any.PackFrom(reflection->GetMessage(event, field));
  return any;
}

absl::StatusOr<std::optional<v1::ActivityEvent>> UnpackActivityEvent(
    const google::protobuf::Any& payload) {
  const std::string_view type = TypeName(payload.type_url());
  if (!type.starts_with("salesperf.activity.v1.")) return std::nullopt;
  const google::protobuf::Descriptor* d = v1::ActivityEvent::descriptor();
  const google::protobuf::OneofDescriptor* oneof = d->oneof_decl(0);
  for (int i = 0; i < oneof->field_count(); ++i) {
    const FieldDescriptor* field = oneof->field(i);
    if (field->message_type()->full_name() != type) continue;
    v1::ActivityEvent event;
    google::protobuf::Message* inner = event.GetReflection()->MutableMessage(&event, field);
    if (!inner->ParseFromString(payload.value())) {
      return absl::InvalidArgumentError(absl::StrCat("malformed ", std::string(type), " payload"));
    }
    return event;
  }
  return std::nullopt;
}

}  // namespace salesperf::activity
