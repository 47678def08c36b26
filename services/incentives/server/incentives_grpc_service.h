// IncentivesGrpcService: salesperf.incentives.v1.IncentivesService on gRPC's callback API,
// a thin adapter: authenticate (HandleUnary) -> IncentivesApplication -> absl::Status
// converted to gRPC (field violations in grpc-status-details-bin).
//
// The actor of a command is the authenticated principal's subject. Without an
// authenticator (development), it is the `x-salesperf-actor` metadata value when
// `actor_from_metadata` is set, else anonymous.
//
// Thread safety: called concurrently by gRPC's callback threads; holds no state of its own.
#ifndef SALESPERF_SERVICES_INCENTIVES_SERVER_INCENTIVES_GRPC_SERVICE_H_
#define SALESPERF_SERVICES_INCENTIVES_SERVER_INCENTIVES_GRPC_SERVICE_H_

#include "libs/server/auth.h"
#include "libs/service/grpc_calls.h"
#include "salesperf/incentives/v1/incentives.grpc.pb.h"
#include "services/incentives/app/incentives_application.h"

namespace salesperf::incentives {

// Who may call and how the actor is known (libs/service/grpc_calls.h).
using IncentivesGrpcServiceOptions = service::CallerOptions;

class IncentivesGrpcService final : public v1::IncentivesService::CallbackService {
 public:
  // `app` is not owned and must outlive the service.
  IncentivesGrpcService(IncentivesApplication* app, IncentivesGrpcServiceOptions options = {})
      : app_(app), options_(options) {}

#define SALESPERF_INCENTIVES_RPC(Method)                                                           \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* c, const v1::Method##Request* req, \
                                   v1::Method##Response* resp) override;
  SALESPERF_INCENTIVES_RPC(PublishPlan)
  SALESPERF_INCENTIVES_RPC(AssignPlan)
  SALESPERF_INCENTIVES_RPC(RetirePlan)
  SALESPERF_INCENTIVES_RPC(GetPlan)
  SALESPERF_INCENTIVES_RPC(ListPlans)
  SALESPERF_INCENTIVES_RPC(GetStatement)
  SALESPERF_INCENTIVES_RPC(ListStatements)
  SALESPERF_INCENTIVES_RPC(IssueStatement)
  SALESPERF_INCENTIVES_RPC(ApproveStatement)
  SALESPERF_INCENTIVES_RPC(RecordPayout)
  SALESPERF_INCENTIVES_RPC(AddAdjustment)
  SALESPERF_INCENTIVES_RPC(DisputeLine)
  SALESPERF_INCENTIVES_RPC(AcceptDispute)
  SALESPERF_INCENTIVES_RPC(RejectDispute)
  SALESPERF_INCENTIVES_RPC(RecalculateStatement)
  SALESPERF_INCENTIVES_RPC(WhatIf)
  SALESPERF_INCENTIVES_RPC(CreateContest)
  SALESPERF_INCENTIVES_RPC(GetContestStandings)
  SALESPERF_INCENTIVES_RPC(CloseContest)
#undef SALESPERF_INCENTIVES_RPC

 private:
  // Authenticate, build the call context, call `call(context, request)`, finish.
  template <typename Req, typename Resp, typename Call>
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, const Req* request,
                                  Resp* response, Call call);

  IncentivesApplication* const app_;
  const IncentivesGrpcServiceOptions options_;
};

}  // namespace salesperf::incentives

#endif  // SALESPERF_SERVICES_INCENTIVES_SERVER_INCENTIVES_GRPC_SERVICE_H_
