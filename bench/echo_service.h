// The raw gRPC baseline of the service benches: a callback-API echo that answers with the
// request's payload, registered on the same server::Server as the service it is compared with.
#ifndef SALESPERF_BENCH_ECHO_SERVICE_H_
#define SALESPERF_BENCH_ECHO_SERVICE_H_

#include "grpcpp/support/server_callback.h"
#include "salesperf/testing/v1/echo.grpc.pb.h"

namespace salesperf::bench {

class EchoService final : public testing::v1::EchoService::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const testing::v1::EchoRequest* request,
                                 testing::v1::EchoResponse* response) override {
    response->set_payload(request->payload());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

}  // namespace salesperf::bench

#endif  // SALESPERF_BENCH_ECHO_SERVICE_H_
