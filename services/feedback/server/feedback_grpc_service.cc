#include "services/feedback/server/feedback_grpc_service.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "libs/common/validation.h"
#include "libs/server/unary.h"

namespace salesperf::feedback {
namespace {

constexpr size_t kMaxRequestIdLength = 128;

std::string MetadataValue(const grpc::CallbackServerContext* context, const char* key) {
  auto it = context->client_metadata().find(key);
  if (it == context->client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

// Mutations (messages with request_id) need one; found by reflection so a new RPC gets
// the same check.
absl::Status ValidateAtEdge(const google::protobuf::Message& request) {
  const google::protobuf::FieldDescriptor* f =
      request.GetDescriptor()->FindFieldByName("request_id");
  if (f == nullptr) return absl::OkStatus();
  const std::string id = request.GetReflection()->GetString(request, f);
  FieldViolations violations;
  if (id.empty()) {
    violations.Add("request_id", "is required: an idempotency key such as a UUID");
  } else if (id.size() > kMaxRequestIdLength) {
    violations.Add("request_id", "must be at most 128 bytes");
  }
  return violations.ToStatus();
}

}  // namespace

template <typename Req, typename Resp, typename Call>
grpc::ServerUnaryReactor* FeedbackGrpcService::Serve(grpc::CallbackServerContext* context,
                                                     const Req* request, Resp* response,
                                                     Call call) {
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
