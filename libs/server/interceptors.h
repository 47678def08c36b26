// Server interceptors that Server installs on every call (health and reflection included):
//
//  - metrics, under the names go-grpc-prometheus users know:
//      grpc_server_started_total{grpc_service,grpc_method,grpc_type}
//      grpc_server_handled_total{grpc_service,grpc_method,grpc_type,grpc_code}
//      grpc_server_handling_seconds{grpc_service,grpc_method,grpc_type}   (histogram)
//    grpc_code is the canonical name ("OK", "INVALID_ARGUMENT", ...); grpc_type is one of
//    unary, client_stream, server_stream, bidi_stream.
//  - logging: one line per finished call (grpc_service, grpc_method, grpc_code,
//    duration_ms, and the status message for errors). OK at debug, client errors
//    (INVALID_ARGUMENT, NOT_FOUND, ...) at info, server errors (INTERNAL, UNAVAILABLE,
//    UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, DATA_LOSS) at warn. Metadata values and
//    message bodies are never logged: they carry tokens and personal data.
//  - call tracking: counts in-flight calls for Server::Shutdown, except health Watch
//    streams, which never end by themselves and would hold every drain to its deadline.
//  - call method: remembers each in-flight call's method name so that HandleUnary can
//    give it to the Authenticator (gRPC's callback context does not expose it).
//
// A call that ends without a status being sent (cancelled by the client or by shutdown)
// is counted and logged as CANCELLED when gRPC destroys it.
#ifndef SALESPERF_LIBS_SERVER_INTERCEPTORS_H_
#define SALESPERF_LIBS_SERVER_INTERCEPTORS_H_

#include <memory>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_interceptor.h"
#include "prometheus/registry.h"

namespace salesperf::server {

// The metric families on one registry. Thread-safe. Must outlive the interceptors that
// use it (Server owns it and destroys it after the grpc::Server).
class GrpcServerMetrics;
struct GrpcServerMetricsDeleter {
  void operator()(GrpcServerMetrics* metrics) const;
};
using GrpcServerMetricsPtr = std::unique_ptr<GrpcServerMetrics, GrpcServerMetricsDeleter>;

GrpcServerMetricsPtr NewGrpcServerMetrics(prometheus::Registry& registry);

// Factories; each interceptor they create lives for one call. `metrics` is not owned.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewMetricsInterceptorFactory(
    GrpcServerMetrics* metrics);
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewLoggingInterceptorFactory();
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewCallMethodInterceptorFactory();

// In-flight calls other than grpc.health.v1.Health/Watch. Thread-safe.
class CallTracker {
 public:
  // Blocks until no such call is in flight or `deadline` passes; true if none is left.
  bool AwaitIdle(absl::Time deadline);
  int active() const;

 private:
  friend class CallTrackingInterceptor;
  void Begin();
  void End();

  mutable absl::Mutex mu_;
  int active_ ABSL_GUARDED_BY(mu_) = 0;
};

// `tracker` is not owned and must outlive every call.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewCallTrackingInterceptorFactory(CallTracker* tracker);

// The full method name ("/package.Service/Method") of the in-flight call `context`, or
// empty when the server has no call-method interceptor. Valid while the call is alive.
std::string_view CallMethod(const grpc::ServerContextBase* context);

}  // namespace salesperf::server

#endif  // SALESPERF_LIBS_SERVER_INTERCEPTORS_H_
