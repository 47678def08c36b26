#include "libs/service/grpc_calls.h"

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "libs/service/request_fingerprint.h"

namespace salesperf::service {

std::string MetadataValue(const grpc::ServerContextBase& context, std::string_view key) {
  auto it = context.client_metadata().find(grpc::string_ref(key.data(), key.size()));
  if (it == context.client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

CallContext CallContextOf(const grpc::ServerContextBase& context, const server::Principal& caller,
                          const CallerOptions& options) {
  CallContext ctx;
  ctx.actor = caller.subject;
  if (options.authenticator == nullptr && options.actor_from_metadata) {
    ctx.actor = MetadataValue(context, kActorMetadataKey);
  }
  ctx.traceparent = MetadataValue(context, "traceparent");
  return ctx;
}

absl::Status ValidateRequestIdAtEdge(const google::protobuf::Message& request) {
  const google::protobuf::FieldDescriptor* field =
      request.GetDescriptor()->FindFieldByName("request_id");
  if (field == nullptr || field->type() != google::protobuf::FieldDescriptor::TYPE_STRING ||
      field->is_repeated()) {
    return absl::OkStatus();
  }
  std::string scratch;
  return CheckRequestId(request.GetReflection()->GetStringReference(request, field, &scratch));
}

}  // namespace salesperf::service
