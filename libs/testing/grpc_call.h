// CallAs: one unary call of a generated stub in a test, as a given actor (the
// `x-salesperf-actor` metadata a server without an authenticator takes), with a deadline,
// and its status converted back to absl (field violations included).
//
//   ASSERT_OK_AND_ASSIGN(v1::LogCallResponse r,
//                        testing::CallAs(*stub_, &Stub::LogCall, request, "alice"));
#ifndef SALESPERF_LIBS_TESTING_GRPC_CALL_H_
#define SALESPERF_LIBS_TESTING_GRPC_CALL_H_

#include <chrono>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "libs/server/status.h"
#include "libs/service/grpc_calls.h"

namespace salesperf::testing {

// `actor` "" calls anonymously.
template <typename Stub, typename Req, typename Resp>
absl::StatusOr<Resp> CallAs(Stub& stub,
                            grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                            const Req& request, const std::string& actor,
                            absl::Duration timeout = absl::Seconds(30)) {
  grpc::ClientContext context;
  if (!actor.empty()) context.AddMetadata(service::kActorMetadataKey, actor);
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  Resp response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return server::FromGrpcStatus(status);
  return response;
}

}  // namespace salesperf::testing

#endif  // SALESPERF_LIBS_TESTING_GRPC_CALL_H_
