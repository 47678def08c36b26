// The gRPC side of the load generator: where each service listens, calls with the
// development actor, bounded retries of transient errors, and a small worker pool.
//
// Thread safety: Endpoints is immutable after Connect and its channels are thread-safe;
// Call and ParallelFor may be used from any thread.
#ifndef SALESPERF_TOOLS_LOADGEN_RPC_H_
#define SALESPERF_TOOLS_LOADGEN_RPC_H_

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace salesperf::loadgen {

// The services, in dependency order.
inline constexpr const char* kServiceNames[] = {"targets", "activity", "feedback", "incentives",
                                                "analytics"};

// One channel per distinct address: salesperfd serves every service on one port;
// distributed, each service has its own.
class Endpoints {
 public:
  // `server` is the default address; `per_service` overrides it ("activity" ->
  // "127.0.0.1:50052"). INVALID_ARGUMENT for an empty address or an unknown service name.
  static absl::StatusOr<Endpoints> Connect(const std::string& server,
                                           const std::map<std::string, std::string>& per_service);

  std::shared_ptr<grpc::Channel> channel(const std::string& service) const;
  const std::string& address(const std::string& service) const;

 private:
  std::map<std::string, std::string> addresses_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
};

struct CallOptions {
  // Sent as x-salesperf-actor (honoured by servers without authentication: approvals
  // need a manager). Default: "" (not sent).
  std::string actor;
  // Per attempt. Default: 30 s.
  absl::Duration deadline = absl::Seconds(30);
  // Attempts for UNAVAILABLE (a service starting, read models catching up) with
  // exponential backoff from 50 ms. Default: 8.
  int attempts = 8;
};

// Converts a gRPC status (code and message) to an absl::Status.
absl::Status FromGrpc(const grpc::Status& status);

// Prepares a context: deadline and actor.
void Prepare(grpc::ClientContext& context, const CallOptions& options);

// Calls `method` on `stub`, retrying UNAVAILABLE and DEADLINE_EXCEEDED up to
// options.attempts times. Mutations are safe to retry because each has a request_id.
template <typename Stub, typename Req, typename Resp>
absl::Status Call(Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                  const Req& request, Resp* response, const CallOptions& options = {}) {
  absl::Duration backoff = absl::Milliseconds(50);
  absl::Status status;
  for (int attempt = 1;; ++attempt) {
    grpc::ClientContext context;
    Prepare(context, options);
    status = FromGrpc((stub.*method)(&context, request, response));
    const bool transient = status.code() == absl::StatusCode::kUnavailable ||
                           status.code() == absl::StatusCode::kDeadlineExceeded;
    if (!transient || attempt >= options.attempts) return status;
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, absl::Seconds(2));
  }
}

// Runs body(0) .. body(count - 1) on `concurrency` threads (at least one). Stops handing
// out work at the first error and returns it (the lowest index's error among those
// that ran); OK when every call succeeded.
absl::Status ParallelFor(int64_t count, int concurrency,
                         const std::function<absl::Status(int64_t)>& body);

}  // namespace salesperf::loadgen

#endif  // SALESPERF_TOOLS_LOADGEN_RPC_H_
