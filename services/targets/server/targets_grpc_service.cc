#include "services/targets/server/targets_grpc_service.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "libs/common/ids.h"
#include "libs/common/status_macros.h"
#include "libs/common/validation.h"
#include "libs/service/grpc_calls.h"

namespace salesperf::targets {
namespace {

// What every request of its kind needs before the application sees it, beyond the
// request_id (ServeApplicationCall): a target_id names an existing target except in
// DraftTarget, where it is optional. Found by reflection so that a new RPC gets the same
// check.
absl::Status ValidateAtEdge(const google::protobuf::Message& request) {
  const google::protobuf::Descriptor* d = request.GetDescriptor();
  const google::protobuf::FieldDescriptor* f = d->FindFieldByName("target_id");
  if (f == nullptr) return absl::OkStatus();
  const std::string id = request.GetReflection()->GetString(request, f);
  const bool optional = d == v1::DraftTargetRequest::descriptor();
  FieldViolations violations;
  if (!(optional && id.empty())) violations.AddIfError("target_id", ValidateId(id));
  return violations.ToStatus();
}

}  // namespace

template <typename Req, typename Resp, typename Call>
grpc::ServerUnaryReactor* TargetsGrpcService::Serve(grpc::CallbackServerContext* context,
                                                    const Req* request, Resp* response, Call call) {
  return service::ServeApplicationCall(
      context, request, response, options_,
      [&](const CallContext& ctx, const Req& req) -> absl::StatusOr<Resp> {
        RETURN_IF_ERROR(ValidateAtEdge(req));
        return call(ctx, req);
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
