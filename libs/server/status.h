// Conversion between absl::Status (used everywhere in salesperf) and grpc::Status (used
// only at the gRPC edge: libs/server and clients such as salesperfctl).
//
// Codes map one to one. Every absl::Status payload travels as a google.protobuf.Any in a
// serialized google.rpc.Status in grpc::Status::error_details(), which gRPC sends as the
// standard `grpc-status-details-bin` trailer. So INVALID_ARGUMENT from
// FieldViolations::ToStatus() (libs/common/validation.h) reaches the client with its
// google.rpc.BadRequest, and FromGrpcStatus() restores it: FieldViolationsOf() works on
// the client side too.
//
// We do not link gRPC::grpc++_error_details: it carries its own google/rpc protos, which
// would clash with protos/google/rpc (target google_rpc_proto).
#ifndef SALESPERF_LIBS_SERVER_STATUS_H_
#define SALESPERF_LIBS_SERVER_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace salesperf::server {

// The gRPC status for `status`. OK stays OK (without details: gRPC sends none on OK).
grpc::Status ToGrpcStatus(const absl::Status& status);

// The absl::Status for `status`, with the payloads carried in its error details.
// Details that do not parse as a google.rpc.Status are ignored (the code and message
// still come through).
absl::Status FromGrpcStatus(const grpc::Status& status);

grpc::StatusCode ToGrpcCode(absl::StatusCode code);
absl::StatusCode FromGrpcCode(grpc::StatusCode code);

// The canonical upper-case name of a gRPC code ("OK", "INVALID_ARGUMENT", ...), as used
// in the grpc_code metric label. "UNKNOWN" for numbers outside the enum.
const char* GrpcCodeName(grpc::StatusCode code);

}  // namespace salesperf::server

#endif  // SALESPERF_LIBS_SERVER_STATUS_H_
