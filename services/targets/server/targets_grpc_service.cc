#include "services/targets/server/targets_grpc_service.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "libs/common/ids.h"
#include "libs/common/validation.h"
#include "libs/server/unary.h"

namespace salesperf::targets {
namespace {

constexpr size_t kMaxRequestIdLength = 128;

std::string MetadataValue(const grpc::CallbackServerContext* context, const char* key) {
  auto it = context->client_metadata().find(key);
  if (it == context->client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

// What every request of its kind needs before the application sees it: mutations
// (messages with request_id) need one, and a target_id names an existing target except
// in DraftTarget, where it is optional. Found by reflection so that a new RPC gets the
// same checks.
absl::Status ValidateAtEdge(const google::protobuf::Message& request) {
  const google::protobuf::Descriptor* d = request.GetDescriptor();
  const google::protobuf::Reflection* r = request.GetReflection();
  FieldViolations violations;
  if (const google::protobuf::FieldDescriptor* f = d->FindFieldByName("request_id")) {
    const std::string id = r->GetString(request, f);
    if (id.empty()) {
      violations.Add("request_id", "is required: an idempotency key such as a UUID");
    } else if (id.size() > kMaxRequestIdLength) {
      violations.Add("request_id", "must be at most 128 bytes");
    }
  }
  if (const google::protobuf::FieldDescriptor* f = d->FindFieldByName("target_id")) {
    const std::string id = r->GetString(request, f);
    const bool optional = d == v1::DraftTargetRequest::descriptor();
    if (!(optional && id.empty())) violations.AddIfError("target_id", ValidateId(id));
  }
  return violations.ToStatus();
}

}  // namespace

template <typename Req, typename Resp, typename Call>
grpc::ServerUnaryReactor* TargetsGrpcService::Serve(grpc::CallbackServerContext* context,
                                                    const Req* request, Resp* response, Call call) {
  return server::HandleUnary(
      context, request, response, options_.authenticator,
      [&](const server::Principal& who, const Req& req, Resp* out) -> absl::Status {
        if (absl::Status s = ValidateAtEdge(req); !s.ok()) return s;
        CallContext ctx;
        ctx.actor = who.subject;
        if (options_.authenticator == nullptr && options_.actor_from_metadata) {
          ctx.actor = MetadataValue(context, kActorMetadataKey);
        }
        ctx.traceparent = MetadataValue(context, "traceparent");
        absl::StatusOr<Resp> result = call(ctx, req);
        if (!result.ok()) return result.status();
        *out = *std::move(result);
        return absl::OkStatus();
      });
}

// Mutations take the caller; queries do not.
#define SALESPERF_TARGETS_MUTATION(Method)                                                    \
  grpc::ServerUnaryReactor* TargetsGrpcService::Method(grpc::CallbackServerContext* c,        \
                                                       const v1::Method##Request* req,        \
                                                       v1::Method##Response* resp) {          \
    return Serve(c, req, resp, [this](const CallContext& ctx, const v1::Method##Request& r) { \
      return app_->Method(ctx, r);                                                            \
    });                                                                                       \
  }
#define SALESPERF_TARGETS_QUERY(Method)                                                   \
  grpc::ServerUnaryReactor* TargetsGrpcService::Method(grpc::CallbackServerContext* c,    \
                                                       const v1::Method##Request* req,    \
                                                       v1::Method##Response* resp) {      \
    return Serve(c, req, resp, [this](const CallContext&, const v1::Method##Request& r) { \
      return app_->Method(r);                                                             \
    });                                                                                   \
  }

SALESPERF_TARGETS_MUTATION(SetOrganisationSettings)
SALESPERF_TARGETS_MUTATION(CreateRegion)
SALESPERF_TARGETS_MUTATION(CreateTeam)
SALESPERF_TARGETS_MUTATION(HireRep)
SALESPERF_TARGETS_MUTATION(MoveRep)
SALESPERF_TARGETS_MUTATION(AssignManager)
SALESPERF_TARGETS_MUTATION(DeactivateRep)
SALESPERF_TARGETS_QUERY(GetOrganisation)
SALESPERF_TARGETS_QUERY(ListReps)
SALESPERF_TARGETS_MUTATION(DraftTarget)
SALESPERF_TARGETS_MUTATION(ProposeTarget)
SALESPERF_TARGETS_MUTATION(ApproveTarget)
SALESPERF_TARGETS_MUTATION(AdjustTarget)
SALESPERF_TARGETS_MUTATION(DecomposeTarget)
SALESPERF_TARGETS_MUTATION(CloseTarget)
SALESPERF_TARGETS_QUERY(GetTarget)
SALESPERF_TARGETS_QUERY(ListTargets)
SALESPERF_TARGETS_QUERY(GetTargetHistory)
SALESPERF_TARGETS_QUERY(GetTargetRollup)
SALESPERF_TARGETS_QUERY(GetTargetPace)

#undef SALESPERF_TARGETS_MUTATION
#undef SALESPERF_TARGETS_QUERY

}  // namespace salesperf::targets
