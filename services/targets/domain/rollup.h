// Read-side arithmetic over target states: the roll-up of a target tree and the pace of
// a target. Pure functions over values; the projections and GetTargetRollup /
// GetTargetPace call them.
#ifndef SALESPERF_SERVICES_TARGETS_DOMAIN_ROLLUP_H_
#define SALESPERF_SERVICES_TARGETS_DOMAIN_ROLLUP_H_

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "libs/common/period.h"
#include "salesperf/targets/v1/targets.pb.h"

namespace salesperf::targets {

// The roll-up of `root_id` over `targets` (the root and any of its descendants, in any
// order; others are ignored). A node's children are the targets whose parent_target_id is
// the node, in the order of the node's decomposition (then by id). For additive metrics a
// node with children gets children_sum and gap = value - children_sum (positive: the
// children fall short of the node); closed children count with their final value.
// depth: levels of children to include, 0 for all.
// NOT_FOUND if root_id is not among `targets`; OUT_OF_RANGE if a sum overflows.
absl::StatusOr<v1::RollupNode> Rollup(std::string_view root_id,
                                      const std::vector<v1::Target>& targets, int depth = 0);

// Straight-line pace over working days of `calendar` (weekends, holidays and make-up
// days as in libs/common/period.h), for the target's period
// [period_first_day, period_last_day]:
//   elapsed  = working days on or before as_of (as_of counts), 0 before the period
//   total    = working days in the period
//   expected = floor(value * elapsed / total), exact in 128 bits
// Floor, so that the line never asks for a fraction of a call or a fen that the target
// does not: "on track" means actual >= expected. A period without working days expects
// nothing before its last day and the whole value from it on. Non-additive metrics
// (ratios, averages) hold all period long: expected = value.
// INVALID_ARGUMENT if the target's period days or metric are malformed.
absl::StatusOr<v1::GetTargetPaceResponse> Pace(const v1::Target& target, const Calendar& calendar,
                                               absl::CivilDay as_of);

}  // namespace salesperf::targets

#endif  // SALESPERF_SERVICES_TARGETS_DOMAIN_ROLLUP_H_
