// Conversions between the incentives protos (events.proto, incentives.proto) and the
// engine's plain values (domain/). Pure functions; thread-safe.
//
// Errors: INVALID_ARGUMENT with FieldViolations whose paths start with `field` (the
// request's field that holds the message, e.g. "plan" or "contest"), so a bad plan in
// PublishPlanRequest reports "plan.tiered.tiers[1].from_bp".
#ifndef SALESPERF_SERVICES_INCENTIVES_APP_CONVERT_H_
#define SALESPERF_SERVICES_INCENTIVES_APP_CONVERT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "salesperf/incentives/v1/events.pb.h"
#include "services/incentives/domain/calculator.h"
#include "services/incentives/domain/contest.h"
#include "services/incentives/domain/plan.h"

namespace salesperf::incentives {

// A strict "YYYY-MM-DD".
absl::StatusOr<absl::CivilDay> ParseDay(std::string_view text);
std::string FormatDay(absl::CivilDay day);

// Parses and validates (ValidatePlan) a plan; violations are prefixed with `field`.
absl::StatusOr<Plan> PlanFromProto(const v1::Plan& proto, std::string_view field = "plan");
v1::Plan PlanToProto(const Plan& plan);

v1::Statement StatementToProto(const Statement& statement);
// For statements this service stored (issued ones): DATA_LOSS if malformed.
absl::StatusOr<Statement> StatementFromProto(const v1::Statement& proto);

v1::EventRef RefToProto(const EventRef& ref);
EventRef RefFromProto(const v1::EventRef& proto);

// Parses and validates (ValidateContest) a contest; violations prefixed with `field`.
absl::StatusOr<Contest> ContestFromProto(const v1::Contest& proto,
                                         std::string_view field = "contest");
v1::Standing StandingToProto(const Standing& standing);

v1::LineKind LineKindToProto(LineKind kind);

}  // namespace salesperf::incentives

#endif  // SALESPERF_SERVICES_INCENTIVES_APP_CONVERT_H_
