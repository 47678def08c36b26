// CallContext: who is calling and what the call carried for tracing, as every service's
// application layer takes it. Free of gRPC so that app/ code stays transport-neutral;
// the server/ layer fills it with CallContextOf (grpc_calls.h).
#ifndef SALESPERF_LIBS_SERVICE_CALL_CONTEXT_H_
#define SALESPERF_LIBS_SERVICE_CALL_CONTEXT_H_

#include <string>

namespace salesperf::service {

struct CallContext {
  // The authenticated subject (a user or rep id); empty for an anonymous caller.
  std::string actor;
  // W3C traceparent of the request, copied into the events' envelopes; may be empty.
  std::string traceparent;
};

}  // namespace salesperf::service

#endif  // SALESPERF_LIBS_SERVICE_CALL_CONTEXT_H_
