// TargetsGrpcService: salesperf.targets.v1.TargetsService on gRPC's callback API, a thin
// adapter: authenticate (HandleUnary) -> validate at the edge -> TargetsApplication ->
// absl::Status converted to gRPC (field violations in grpc-status-details-bin).
//
// Edge validation: every mutating request needs a request_id (at most 128 bytes), and a
// target_id where the RPC names an existing target; both as INVALID_ARGUMENT with field
// violations. The deciders check everything else, with the request's field paths.
//
// The actor of a command is the authenticated principal's subject. Without an
// authenticator (development), it is the `x-salesperf-actor` metadata value when
// `actor_from_metadata` is set, else anonymous.
//
// Thread safety: called concurrently by gRPC's callback threads; holds no state of its own.
#ifndef SALESPERF_SERVICES_TARGETS_SERVER_TARGETS_GRPC_SERVICE_H_
#define SALESPERF_SERVICES_TARGETS_SERVER_TARGETS_GRPC_SERVICE_H_

#include "libs/server/auth.h"
#include "libs/service/grpc_calls.h"
#include "salesperf/targets/v1/targets.grpc.pb.h"
#include "services/targets/app/targets_application.h"

namespace salesperf::targets {

// Who may call and how the actor is known (libs/service/grpc_calls.h).
using TargetsGrpcServiceOptions = service::CallerOptions;

class TargetsGrpcService final : public v1::TargetsService::CallbackService {
 public:
  // `app` is not owned and must outlive the service.
  TargetsGrpcService(TargetsApplication* app, TargetsGrpcServiceOptions options = {})
      : app_(app), options_(options) {}

  grpc::ServerUnaryReactor* SetOrganisationSettings(
      grpc::CallbackServerContext* c, const v1::SetOrganisationSettingsRequest* req,
      v1::SetOrganisationSettingsResponse* resp) override;
  grpc::ServerUnaryReactor* CreateRegion(grpc::CallbackServerContext* c,
                                         const v1::CreateRegionRequest* req,
                                         v1::CreateRegionResponse* resp) override;
  grpc::ServerUnaryReactor* CreateTeam(grpc::CallbackServerContext* c,
                                       const v1::CreateTeamRequest* req,
                                       v1::CreateTeamResponse* resp) override;
  grpc::ServerUnaryReactor* HireRep(grpc::CallbackServerContext* c, const v1::HireRepRequest* req,
                                    v1::HireRepResponse* resp) override;
  grpc::ServerUnaryReactor* MoveRep(grpc::CallbackServerContext* c, const v1::MoveRepRequest* req,
                                    v1::MoveRepResponse* resp) override;
  grpc::ServerUnaryReactor* AssignManager(grpc::CallbackServerContext* c,
                                          const v1::AssignManagerRequest* req,
                                          v1::AssignManagerResponse* resp) override;
  grpc::ServerUnaryReactor* DeactivateRep(grpc::CallbackServerContext* c,
                                          const v1::DeactivateRepRequest* req,
                                          v1::DeactivateRepResponse* resp) override;
  grpc::ServerUnaryReactor* GetOrganisation(grpc::CallbackServerContext* c,
                                            const v1::GetOrganisationRequest* req,
                                            v1::GetOrganisationResponse* resp) override;
  grpc::ServerUnaryReactor* ListReps(grpc::CallbackServerContext* c, const v1::ListRepsRequest* req,
                                     v1::ListRepsResponse* resp) override;
  grpc::ServerUnaryReactor* DraftTarget(grpc::CallbackServerContext* c,
                                        const v1::DraftTargetRequest* req,
                                        v1::DraftTargetResponse* resp) override;
  grpc::ServerUnaryReactor* ProposeTarget(grpc::CallbackServerContext* c,
                                          const v1::ProposeTargetRequest* req,
                                          v1::ProposeTargetResponse* resp) override;
  grpc::ServerUnaryReactor* ApproveTarget(grpc::CallbackServerContext* c,
                                          const v1::ApproveTargetRequest* req,
                                          v1::ApproveTargetResponse* resp) override;
  grpc::ServerUnaryReactor* AdjustTarget(grpc::CallbackServerContext* c,
                                         const v1::AdjustTargetRequest* req,
                                         v1::AdjustTargetResponse* resp) override;
  grpc::ServerUnaryReactor* DecomposeTarget(grpc::CallbackServerContext* c,
                                            const v1::DecomposeTargetRequest* req,
                                            v1::DecomposeTargetResponse* resp) override;
  grpc::ServerUnaryReactor* CloseTarget(grpc::CallbackServerContext* c,
                                        const v1::CloseTargetRequest* req,
                                        v1::CloseTargetResponse* resp) override;
  grpc::ServerUnaryReactor* GetTarget(grpc::CallbackServerContext* c,
                                      const v1::GetTargetRequest* req,
                                      v1::GetTargetResponse* resp) override;
  grpc::ServerUnaryReactor* ListTargets(grpc::CallbackServerContext* c,
                                        const v1::ListTargetsRequest* req,
                                        v1::ListTargetsResponse* resp) override;
  grpc::ServerUnaryReactor* GetTargetHistory(grpc::CallbackServerContext* c,
                                             const v1::GetTargetHistoryRequest* req,
                                             v1::GetTargetHistoryResponse* resp) override;
  grpc::ServerUnaryReactor* GetTargetRollup(grpc::CallbackServerContext* c,
                                            const v1::GetTargetRollupRequest* req,
                                            v1::GetTargetRollupResponse* resp) override;
  grpc::ServerUnaryReactor* GetTargetPace(grpc::CallbackServerContext* c,
                                          const v1::GetTargetPaceRequest* req,
                                          v1::GetTargetPaceResponse* resp) override;

 private:
  // Authenticate, validate, call `call(context, request)`, finish.
  template <typename Req, typename Resp, typename Call>
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, const Req* request,
                                  Resp* response, Call call);

  TargetsApplication* const app_;
  const TargetsGrpcServiceOptions options_;
};

}  // namespace salesperf::targets

#endif  // SALESPERF_SERVICES_TARGETS_SERVER_TARGETS_GRPC_SERVICE_H_
