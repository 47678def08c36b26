#include "services/feedback/server/feedback_grpc_service.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "libs/service/grpc_calls.h"

namespace salesperf::feedback {
template <typename Req, typename Resp, typename Call>
grpc::ServerUnaryReactor* FeedbackGrpcService::Serve(grpc::CallbackServerContext* context,
                                                     const Req* request, Resp* response,
                                                     Call call) {
  return service::ServeApplicationCall(context, request, response, options_, call);
}

#define SALESPERF_FEEDBACK_MUTATION(Method)                                                   \
  grpc::ServerUnaryReactor* FeedbackGrpcService::Method(grpc::CallbackServerContext* c,       \
                                                        const v1::Method##Request* req,       \
                                                        v1::Method##Response* resp) {         \
    return Serve(c, req, resp, [this](const CallContext& ctx, const v1::Method##Request& r) { \
      return app_->Method(ctx, r);                                                            \
    });                                                                                       \
  }
#define SALESPERF_FEEDBACK_QUERY(Method)                                                  \
  grpc::ServerUnaryReactor* FeedbackGrpcService::Method(grpc::CallbackServerContext* c,   \
                                                        const v1::Method##Request* req,   \
                                                        v1::Method##Response* resp) {     \
    return Serve(c, req, resp, [this](const CallContext&, const v1::Method##Request& r) { \
      return app_->Method(r);                                                             \
    });                                                                                   \
  }

SALESPERF_FEEDBACK_MUTATION(DefineSurvey)
SALESPERF_FEEDBACK_MUTATION(SendSurvey)
SALESPERF_FEEDBACK_MUTATION(RecordSurveyResponse)
SALESPERF_FEEDBACK_MUTATION(ScheduleCallback)
SALESPERF_FEEDBACK_MUTATION(CompleteCallback)
SALESPERF_FEEDBACK_MUTATION(OpenComplaint)
SALESPERF_FEEDBACK_MUTATION(AssignComplaint)
SALESPERF_FEEDBACK_MUTATION(RespondToComplaint)
SALESPERF_FEEDBACK_MUTATION(ResolveComplaint)
SALESPERF_FEEDBACK_MUTATION(ReopenComplaint)
SALESPERF_FEEDBACK_QUERY(GetSurveyRequest)
SALESPERF_FEEDBACK_QUERY(ListSurveyRequests)
SALESPERF_FEEDBACK_QUERY(ListCallbacks)
SALESPERF_FEEDBACK_QUERY(GetComplaint)
SALESPERF_FEEDBACK_QUERY(ListComplaints)
SALESPERF_FEEDBACK_QUERY(ListAlerts)
SALESPERF_FEEDBACK_QUERY(GetFeedbackSummary)

#undef SALESPERF_FEEDBACK_MUTATION
#undef SALESPERF_FEEDBACK_QUERY

grpc::ServerUnaryReactor* FeedbackGrpcService::GetSurvey(grpc::CallbackServerContext* c,
                                                         const v1::GetSurveyDefinitionRequest* req,
                                                         v1::GetSurveyDefinitionResponse* resp) {
  return Serve(c, req, resp, [this](const CallContext&, const v1::GetSurveyDefinitionRequest& r) {
    return app_->GetSurvey(r);
  });
}

}  // namespace salesperf::feedback
