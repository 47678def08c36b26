// The unary-call adapter every service's server/ layer shares: authenticate
// (server::HandleUnaryAsync), check the request_id of a mutation at the edge, build the
// CallContext, call the application, and hand its StatusOr<Response> back to gRPC.
//
//   grpc::ServerUnaryReactor* LogCall(grpc::CallbackServerContext* c, const LogCallRequest* req,
//                                     LogCallResponse* resp) override {
//     return service::ServeApplicationCall(c, req, resp, callers_,
//         [this](const service::CallContext& ctx, const LogCallRequest& r) {
//           return app_->LogCall(ctx, r);
//         });
//   }
//
// The actor of a command is the authenticated principal's subject. Without an
// authenticator (development), it is the `x-salesperf-actor` metadata value when
// `actor_from_metadata` is set, else anonymous.
#ifndef SALESPERF_LIBS_SERVICE_GRPC_CALLS_H_
#define SALESPERF_LIBS_SERVICE_GRPC_CALLS_H_

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "libs/server/auth.h"
#include "libs/server/unary.h"
#include "libs/service/call_context.h"

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace salesperf::service {

inline constexpr char kActorMetadataKey[] = "x-salesperf-actor";

// How a server learns who is calling.
struct CallerOptions {
  // Checks callers; not owned, must outlive the server. Default: nullptr (anonymous).
  const server::Authenticator* authenticator = nullptr;
  // Without an authenticator, take the actor from `x-salesperf-actor` metadata.
  // Default: true (development and tests).
  bool actor_from_metadata = true;
};

// The first value of metadata `key` of the call, or "".
std::string MetadataValue(const grpc::ServerContextBase& context, std::string_view key);

// The CallContext of a call made by `caller`.
CallContext CallContextOf(const grpc::ServerContextBase& context, const server::Principal& caller,
                          const CallerOptions& options);

// A request with a request_id field (every mutation) must carry a valid one
// (CheckRequestId); found by reflection, so a new RPC gets the same check.
absl::Status ValidateRequestIdAtEdge(const google::protobuf::Message& request);

// `call` is any callable (const CallContext&, const Req&) -> absl::StatusOr<Resp>.
template <class Req, class Resp, class Call>
grpc::ServerUnaryReactor* ServeApplicationCall(grpc::CallbackServerContext* context,
                                               const Req* request, Resp* response,
                                               const CallerOptions& callers, Call&& call);

// As ServeApplicationCall, for an application call that answers through a callback
// instead of returning (e.g. one that joins the event store's group commit without
// waiting): `call` is any callable (const CallContext&, const Req&,
// absl::AnyInvocable<void(absl::StatusOr<Resp>) &&> done), and the call is finished from
// `done`, on whatever thread runs it. `done` must be called exactly once.
template <class Req, class Resp, class Call>
grpc::ServerUnaryReactor* ServeApplicationCallAsync(grpc::CallbackServerContext* context,
                                                    const Req* request, Resp* response,
                                                    const CallerOptions& callers, Call&& call) {
  return server::HandleUnaryAsync(
      context, request, response, callers.authenticator,
      [&](const server::Principal& who, const Req& req, Resp* out, server::UnaryFinish finish) {
        if (absl::Status s = ValidateRequestIdAtEdge(req); !s.ok()) {
          std::move(finish)(s);
          return;
        }
        call(CallContextOf(*context, who, callers), req,
             [out, finish = std::move(finish)](absl::StatusOr<Resp> result) mutable {
               if (result.ok()) *out = *std::move(result);
               std::move(finish)(result.status());
             });
      });
}

template <class Req, class Resp, class Call>
grpc::ServerUnaryReactor* ServeApplicationCall(grpc::CallbackServerContext* context,
                                               const Req* request, Resp* response,
                                               const CallerOptions& callers, Call&& call) {
  return ServeApplicationCallAsync(
      context, request, response, callers,
      [&call](const CallContext& ctx, const Req& req, auto done) {
        std::move(done)(call(ctx, req));
      });
}

}  // namespace salesperf::service

#endif  // SALESPERF_LIBS_SERVICE_GRPC_CALLS_H_
