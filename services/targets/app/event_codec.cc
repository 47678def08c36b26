#include "services/targets/app/event_codec.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace salesperf::targets {
namespace {

using google::protobuf::Any;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::OneofDescriptor;

// Both unions hold exactly one oneof whose members are all messages.
absl::StatusOr<Any> Pack(const Message& union_message) {
  const OneofDescriptor* oneof = union_message.GetDescriptor()->oneof_decl(0);
  const google::protobuf::Reflection* reflection = union_message.GetReflection();
  const FieldDescriptor* field = reflection->GetOneofFieldDescriptor(union_message, oneof);
  if (field == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("empty ", union_message.GetDescriptor()->full_name()));
  }
  Any any;
  any.PackFrom(reflection->GetMessage(union_message, field));
  return any;
}

// The full message name of a type URL ("type.googleapis.com/a.b.C" -> "a.b.C").
std::string TypeName(const std::string& type_url) {
  const size_t slash = type_url.rfind('/');
  return slash == std::string::npos ? type_url : type_url.substr(slash + 1);
}

absl::StatusOr<bool> Unpack(const Any& payload, Message* union_message) {
  const std::string type = TypeName(payload.type_url());
  const OneofDescriptor* oneof = union_message->GetDescriptor()->oneof_decl(0);
  for (int i = 0; i < oneof->field_count(); ++i) {
    const FieldDescriptor* field = oneof->field(i);
    if (field->message_type()->full_name() != type) continue;
    Message* inner = union_message->GetReflection()->MutableMessage(union_message, field);
    if (!inner->ParseFromString(payload.value())) {
      return absl::InvalidArgumentError(absl::StrCat("malformed ", type, " payload"));
    }
    return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<Any> PackOrgEvent(const v1::OrgEvent& event) { return Pack(event); }
absl::StatusOr<Any> PackTargetEvent(const v1::TargetEvent& event) { return Pack(event); }

absl::StatusOr<std::optional<v1::OrgEvent>> UnpackOrgEvent(const Any& payload) {
  v1::OrgEvent event;
  absl::StatusOr<bool> found = Unpack(payload, &event);
  if (!found.ok()) return found.status();
  if (!*found) return std::nullopt;
  return event;
}

absl::StatusOr<std::optional<v1::TargetEvent>> UnpackTargetEvent(const Any& payload) {
  v1::TargetEvent event;
  absl::StatusOr<bool> found = Unpack(payload, &event);
  if (!found.ok()) return found.status();
  if (!*found) return std::nullopt;
  return event;
}

}  // namespace salesperf::targets
