// HandleUnary: the body of every unary method of a CallbackService, so that a service's
// server/ code is a thin adapter (proto -> validate -> command -> handler -> status):
//
//   grpc::ServerUnaryReactor* LogCall(grpc::CallbackServerContext* context,
//                                     const LogCallRequest* request,
//                                     LogCallResponse* response) override {
//     return server::HandleUnary(context, request, response, authenticator_,
//         [this](const server::Principal& caller, const LogCallRequest& req,
//                LogCallResponse* resp) { return handler_.LogCall(caller, req, resp); });
//   }
//
// It authenticates the caller (this is where authentication is enforced: see auth.h),
// runs the handler on the calling gRPC thread, converts its absl::Status with
// ToGrpcStatus (field violations travel in grpc-status-details-bin) and finishes the
// call. With a null authenticator every caller is allowed, as an anonymous Principal
// (empty subject, no roles). When authentication fails the handler does not run and the
// call ends UNAUTHENTICATED. A non-OK handler status discards `response`.
#ifndef SALESPERF_LIBS_SERVER_UNARY_H_
#define SALESPERF_LIBS_SERVER_UNARY_H_

#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "libs/server/auth.h"
#include "libs/server/interceptors.h"
#include "libs/server/status.h"

namespace salesperf::server {

// Authenticates the caller of `context` with `authenticator` (null: anonymous).
inline absl::StatusOr<Principal> AuthenticateCall(const grpc::ServerContextBase* context,
                                                  const Authenticator* authenticator) {
  if (authenticator == nullptr) return Principal{};
  return authenticator->Authenticate(CallMethod(context), context->client_metadata());
}

// Finishes a unary call with a status; `response` must be filled before an OK one.
using UnaryFinish = absl::AnyInvocable<void(const absl::Status&) &&>;

// As HandleUnary, for a handler that answers later (e.g. from the event store's group
// commit, so that no gRPC thread waits for it): `handler` is any callable
// (const Principal&, const Req&, Resp*, UnaryFinish) -> void, called at most once before
// HandleUnaryAsync returns; it must call the UnaryFinish exactly once, from any thread.
template <class Req, class Resp, class Handler>
grpc::ServerUnaryReactor* HandleUnaryAsync(grpc::CallbackServerContext* context,
                                           const Req* request, Resp* response,
                                           const Authenticator* authenticator, Handler&& handler) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<Principal> caller = AuthenticateCall(context, authenticator);
  if (!caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  std::forward<Handler>(handler)(
      *caller, *request, response,
      [reactor](const absl::Status& status) { reactor->Finish(ToGrpcStatus(status)); });
  return reactor;
}

// `handler` is any callable (const Principal&, const Req&, Resp*) -> absl::Status; it is
// called at most once, before HandleUnary returns.
template <class Req, class Resp, class Handler>
grpc::ServerUnaryReactor* HandleUnary(grpc::CallbackServerContext* context, const Req* request,
                                      Resp* response, const Authenticator* authenticator,
                                      Handler&& handler) {
  return HandleUnaryAsync(
      context, request, response, authenticator,
      [&handler](const Principal& caller, const Req& req, Resp* out, UnaryFinish finish) {
        std::move(finish)(std::forward<Handler>(handler)(caller, req, out));
      });
}

}  // namespace salesperf::server

#endif  // SALESPERF_LIBS_SERVER_UNARY_H_
