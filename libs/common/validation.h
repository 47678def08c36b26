// Field-level validation errors that survive the trip to the client.
//
// Validators collect (field path, description) pairs; ToStatus() turns them into
// INVALID_ARGUMENT carrying a google.rpc.BadRequest payload, which libs/server puts
// into the grpc-status-details-bin trailer. Field paths follow the proto, e.g.
// "call.duration_seconds" or "records[3].started_at".
//
// Descriptions are shown to users and logged: never put the rejected value in one
// when it may be personal data (names, phone numbers, free text).
#ifndef SALESPERF_LIBS_COMMON_VALIDATION_H_
#define SALESPERF_LIBS_COMMON_VALIDATION_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace salesperf {

inline constexpr char kBadRequestTypeUrl[] = "type.googleapis.com/google.rpc.BadRequest";

struct FieldViolation {
  std::string field;
  std::string description;
  friend bool operator==(const FieldViolation&, const FieldViolation&) = default;
};

class FieldViolations {
 public:
  void Add(std::string field, std::string description);
  // Adds a violation for `field` if `status` is not OK, with the status message.
  void AddIfError(std::string field, const absl::Status& status);
  bool empty() const { return violations_.empty(); }
  const std::vector<FieldViolation>& violations() const { return violations_; }

  // OK when empty; otherwise INVALID_ARGUMENT whose message lists the violations
  // and whose payload is a serialized google.rpc.BadRequest.
  absl::Status ToStatus() const;

 private:
  std::vector<FieldViolation> violations_;
};

// The field violations carried by `status` (empty if it carries none).
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);

// INVALID_ARGUMENT for a single field.
absl::Status InvalidField(std::string field, std::string description);

}  // namespace salesperf

#endif  // SALESPERF_LIBS_COMMON_VALIDATION_H_
