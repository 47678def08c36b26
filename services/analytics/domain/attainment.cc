#include "services/analytics/domain/attainment.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/analytics/domain/counters.h"

namespace salesperf::analytics {

absl::Status ValidateAttainmentOptions(const AttainmentRule& rule,
                                       const StageProbabilities& probabilities) {
  if (rule.on_track_bp <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("on track threshold must be positive, got ", rule.on_track_bp, " bp"));
  }
  if (rule.at_risk_bp < 0 || rule.at_risk_bp > rule.on_track_bp) {
    return absl::InvalidArgumentError(absl::StrCat("at risk threshold must be within [0, ",
                                                   rule.on_track_bp, "] bp (the on track one), got ",
                                                   rule.at_risk_bp));
  }
  const std::pair<const char*, int64_t> stages[] = {
      {"qualified", probabilities.qualified_bp},
      {"proposal", probabilities.proposal_bp},
      {"negotiation", probabilities.negotiation_bp}};
  for (const auto& [stage, bp] : stages) {
    if (bp < 0 || bp > 10000) {
      return absl::InvalidArgumentError(
          absl::StrCat(stage, " stage probability must be within [0, 10000] bp, got ", bp));
    }
  }
  return absl::OkStatus();
}

bool IsAdditive(targets::v1::Metric metric) {
  switch (metric) {
    case targets::v1::METRIC_REVENUE:
    case targets::v1::METRIC_DEALS_WON:
    case targets::v1::METRIC_NEW_CUSTOMERS:
    case targets::v1::METRIC_CALLS:
    case targets::v1::METRIC_CALL_MINUTES:
    case targets::v1::METRIC_VISITS:
      return true;
    default:
      return false;
  }
}

void ComputeAttainment(const AttainmentInput& in, const AttainmentRule& rule, v1::Attainment& out) {
  const bool additive = IsAdditive(in.metric);
  out.set_target(in.target);
  out.set_actual(in.actual);
  out.set_working_days(in.working_days);
  out.set_working_days_elapsed(in.working_days_elapsed);
  int64_t expected = in.target;
  if (additive) expected = MulDiv(in.target, in.working_days_elapsed, in.working_days);
  out.set_expected_to_date(expected);
  out.set_attainment_bp(MulDiv(in.actual, 10000, in.target));
  out.set_pace_bp(MulDiv(in.actual, 10000, expected));
  int64_t straight = in.actual;
  if (additive && !in.period_over && in.working_days_elapsed > 0) {
    straight = MulDiv(in.actual, in.working_days, in.working_days_elapsed);
  }
  out.set_projected_straight_line(straight);
  out.set_projected_pipeline_weighted(
      in.period_over
          ? in.actual
          : (additive && in.weighted_pipeline != 0 ? in.actual + in.weighted_pipeline : straight));
  v1::AttainmentStatus status = v1::ATTAINMENT_STATUS_ON_TRACK;
  // Before the first working day nothing can be judged yet, a ratio (no deal closed, no
  // survey answered) no more than a count; once the period is over, everything is.
  if (in.working_days_elapsed > 0 || in.period_over) {
    // actual >= expected * bp / 10000, compared exactly as actual * 10000 >= expected * bp.
    const __int128 lhs = static_cast<__int128>(in.actual) * 10000;
    if (lhs >= static_cast<__int128>(expected) * rule.on_track_bp) {
      status = v1::ATTAINMENT_STATUS_ON_TRACK;
    } else if (lhs >= static_cast<__int128>(expected) * rule.at_risk_bp) {
      status = v1::ATTAINMENT_STATUS_AT_RISK;
    } else {
      status = v1::ATTAINMENT_STATUS_OFF_TRACK;
    }
  }
  out.set_status(status);
}

}  // namespace salesperf::analytics
