// FeedbackGrpcService: the callback-API adapter of salesperf.feedback.v1.FeedbackService.
// Per call: authenticate (libs/server HandleUnary), check request_id on mutations
// (required, <= 128 bytes) as field violations, take the actor (the authenticated subject,
// else the x-salesperf-actor metadata when allowed) and traceparent, call the
// application, convert its status (field violations travel as google.rpc.BadRequest).
//
// Thread safety: gRPC calls it from many threads; the application is thread-safe.
#ifndef SALESPERF_SERVICES_FEEDBACK_SERVER_FEEDBACK_GRPC_SERVICE_H_
#define SALESPERF_SERVICES_FEEDBACK_SERVER_FEEDBACK_GRPC_SERVICE_H_

#include "libs/server/auth.h"
#include "libs/service/grpc_calls.h"
#include "salesperf/feedback/v1/feedback.grpc.pb.h"
#include "services/feedback/app/feedback_application.h"

namespace salesperf::feedback {

// Who may call and how the actor is known (libs/service/grpc_calls.h).
using FeedbackGrpcServiceOptions = service::CallerOptions;

class FeedbackGrpcService final : public v1::FeedbackService::CallbackService {
 public:
  // `app` is not owned and must outlive the service.
  explicit FeedbackGrpcService(FeedbackApplication* app, FeedbackGrpcServiceOptions options = {})
      : app_(app), options_(options) {}

  grpc::ServerUnaryReactor* DefineSurvey(grpc::CallbackServerContext* c,
                                         const v1::DefineSurveyRequest* req,
                                         v1::DefineSurveyResponse* resp) override;
  grpc::ServerUnaryReactor* SendSurvey(grpc::CallbackServerContext* c,
                                       const v1::SendSurveyRequest* req,
                                       v1::SendSurveyResponse* resp) override;
  grpc::ServerUnaryReactor* RecordSurveyResponse(grpc::CallbackServerContext* c,
                                                 const v1::RecordSurveyResponseRequest* req,
                                                 v1::RecordSurveyResponseResponse* resp) override;
  grpc::ServerUnaryReactor* ScheduleCallback(grpc::CallbackServerContext* c,
                                             const v1::ScheduleCallbackRequest* req,
                                             v1::ScheduleCallbackResponse* resp) override;
  grpc::ServerUnaryReactor* CompleteCallback(grpc::CallbackServerContext* c,
                                             const v1::CompleteCallbackRequest* req,
                                             v1::CompleteCallbackResponse* resp) override;
  grpc::ServerUnaryReactor* OpenComplaint(grpc::CallbackServerContext* c,
                                          const v1::OpenComplaintRequest* req,
                                          v1::OpenComplaintResponse* resp) override;
  grpc::ServerUnaryReactor* AssignComplaint(grpc::CallbackServerContext* c,
                                            const v1::AssignComplaintRequest* req,
                                            v1::AssignComplaintResponse* resp) override;
  grpc::ServerUnaryReactor* RespondToComplaint(grpc::CallbackServerContext* c,
                                               const v1::RespondToComplaintRequest* req,
                                               v1::RespondToComplaintResponse* resp) override;
  grpc::ServerUnaryReactor* ResolveComplaint(grpc::CallbackServerContext* c,
                                             const v1::ResolveComplaintRequest* req,
                                             v1::ResolveComplaintResponse* resp) override;
  grpc::ServerUnaryReactor* ReopenComplaint(grpc::CallbackServerContext* c,
                                            const v1::ReopenComplaintRequest* req,
                                            v1::ReopenComplaintResponse* resp) override;
  grpc::ServerUnaryReactor* GetSurveyRequest(grpc::CallbackServerContext* c,
                                             const v1::GetSurveyRequestRequest* req,
                                             v1::GetSurveyRequestResponse* resp) override;
  grpc::ServerUnaryReactor* ListSurveyRequests(grpc::CallbackServerContext* c,
                                               const v1::ListSurveyRequestsRequest* req,
                                               v1::ListSurveyRequestsResponse* resp) override;
  grpc::ServerUnaryReactor* ListCallbacks(grpc::CallbackServerContext* c,
                                          const v1::ListCallbacksRequest* req,
                                          v1::ListCallbacksResponse* resp) override;
  grpc::ServerUnaryReactor* GetComplaint(grpc::CallbackServerContext* c,
                                         const v1::GetComplaintRequest* req,
                                         v1::GetComplaintResponse* resp) override;
  grpc::ServerUnaryReactor* ListComplaints(grpc::CallbackServerContext* c,
                                           const v1::ListComplaintsRequest* req,
                                           v1::ListComplaintsResponse* resp) override;
  grpc::ServerUnaryReactor* ListAlerts(grpc::CallbackServerContext* c,
                                       const v1::ListAlertsRequest* req,
                                       v1::ListAlertsResponse* resp) override;
  grpc::ServerUnaryReactor* GetFeedbackSummary(grpc::CallbackServerContext* c,
                                               const v1::GetFeedbackSummaryRequest* req,
                                               v1::GetFeedbackSummaryResponse* resp) override;
  grpc::ServerUnaryReactor* GetSurvey(grpc::CallbackServerContext* c,
                                      const v1::GetSurveyDefinitionRequest* req,
                                      v1::GetSurveyDefinitionResponse* resp) override;

 private:
  template <typename Req, typename Resp, typename Call>
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, const Req* request,
                                  Resp* response, Call call);

  FeedbackApplication* const app_;
  const FeedbackGrpcServiceOptions options_;
};

}  // namespace salesperf::feedback

#endif  // SALESPERF_SERVICES_FEEDBACK_SERVER_FEEDBACK_GRPC_SERVICE_H_
