// Attainment arithmetic: pace, projections and the on track / at risk / off track rule.
// Pure; thread-safe.
//
// Rule (thresholds in AttainmentRule, documented in README.md):
//   expected_to_date = target * working_days_elapsed / working_days for additive
//                      metrics (revenue, counts); the target itself for ratios and
//                      averages (conversion rate, average deal size, CSAT), which have
//                      no pace;
//   on track  when actual >= expected_to_date * on_track_bp / 10000,
//   at risk   when actual >= expected_to_date * at_risk_bp / 10000,
//   off track otherwise. Before the period's first working day everything is on track.
#ifndef SALESPERF_SERVICES_ANALYTICS_DOMAIN_ATTAINMENT_H_
#define SALESPERF_SERVICES_ANALYTICS_DOMAIN_ATTAINMENT_H_

#include <cstdint>

#include "absl/status/status.h"

#include "salesperf/analytics/v1/analytics.pb.h"
#include "salesperf/targets/v1/events.pb.h"

namespace salesperf::analytics {

struct AttainmentRule {
  // Share of expected-to-date at or above which a target is on track, bp.
  // Default: 10000 (on pace).
  int64_t on_track_bp = 10000;
  // Share of expected-to-date at or above which it is at risk (below: off track), bp.
  // Default: 8000.
  int64_t at_risk_bp = 8000;
};

// Stage probabilities for the pipeline-weighted projection, bp.
struct StageProbabilities {
  // Default: 2000 (20%).
  int64_t qualified_bp = 2000;
  // Default: 4000 (40%).
  int64_t proposal_bp = 4000;
  // Default: 6000 (60%).
  int64_t negotiation_bp = 6000;
};

// INVALID_ARGUMENT naming the first bad setting: on_track_bp must be positive, at_risk_bp
// within [0, on_track_bp], and every stage probability within [0, 10000].
absl::Status ValidateAttainmentOptions(const AttainmentRule& rule,
                                       const StageProbabilities& probabilities);

bool IsAdditive(targets::v1::Metric metric);

struct AttainmentInput {
  targets::v1::Metric metric = targets::v1::METRIC_UNSPECIFIED;
  int64_t target = 0;
  int64_t actual = 0;
  int64_t working_days = 0;
  int64_t working_days_elapsed = 0;
  // True once the period's last day has passed (no projection beyond actual).
  bool period_over = false;
  // What the open pipeline adds for this metric, already weighted (revenue: minor
  // units; deals won: deals); 0 for other metrics.
  int64_t weighted_pipeline = 0;
};

// Fills target, actual, expected_to_date, working days, attainment_bp, pace_bp,
// projections and status of `out`.
void ComputeAttainment(const AttainmentInput& in, const AttainmentRule& rule, v1::Attainment& out);

}  // namespace salesperf::analytics

#endif  // SALESPERF_SERVICES_ANALYTICS_DOMAIN_ATTAINMENT_H_
