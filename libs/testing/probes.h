// Probes for tests that talk to a server from outside: gRPC health, an HTTP GET (the
// /metrics page), and a free loopback port for a process that must be restarted on the
// same address.
#ifndef SALESPERF_LIBS_TESTING_PROBES_H_
#define SALESPERF_LIBS_TESTING_PROBES_H_

#include <memory>
#include <string>

#include "absl/time/time.h"

namespace grpc {
class Channel;
}  // namespace grpc

namespace salesperf::testing {

// grpc.health.v1 statuses.
enum HealthStatus { kHealthUnknown = 0, kServing = 1, kNotServing = 2, kServiceUnknown = 3 };

// grpc.health.v1.Health/Check for `service` ("" for the whole server); -1 when the call
// fails (unreachable, NOT_FOUND for a service the server does not know).
int CheckHealth(const std::shared_ptr<grpc::Channel>& channel, const std::string& service);

// Calls CheckHealth until it reports SERVING or `timeout` passes. True if it did.
bool WaitUntilServing(const std::string& address, absl::Duration timeout);

// GET `path` from 127.0.0.1:`port` over HTTP/1.0; the whole response with headers, or ""
// when the connection fails.
std::string HttpGet(int port, const std::string& path);

// A loopback TCP port that was free a moment ago (bound and released). Racy by nature:
// for a test that restarts a process on the same address.
int FreeLoopbackPort();

}  // namespace salesperf::testing

#endif  // SALESPERF_LIBS_TESTING_PROBES_H_
