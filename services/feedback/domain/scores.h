// Score arithmetic of the feedback service: score ranges, promoter/detractor bands, and
// the summary ratios (CSAT average and satisfied share, NPS), all in exact integers.
//
// Rounding (documented in the API, FeedbackSummary):
// - CSAT average: sum / count in hundredths, rounded half up (13 / 3 = 4.333 -> 433).
// - CSAT satisfied share: scores 4..5 over all, in basis points, rounded half up.
// - NPS: 100 * (promoters - detractors) / count, rounded half away from zero to an
//   integer (-100..100); NpsCenti the same in hundredths of a point.
// With a zero count every ratio is 0.
//
// Pure functions; thread-safe.
#ifndef SALESPERF_SERVICES_FEEDBACK_DOMAIN_SCORES_H_
#define SALESPERF_SERVICES_FEEDBACK_DOMAIN_SCORES_H_

#include <cstdint>

#include "salesperf/feedback/v1/feedback.pb.h"

namespace salesperf::feedback {

inline constexpr int kCsatMin = 1;
inline constexpr int kCsatMax = 5;
inline constexpr int kNpsMin = 0;
inline constexpr int kNpsMax = 10;

inline bool IsCsatScore(int32_t score) { return score >= kCsatMin && score <= kCsatMax; }
inline bool IsNpsScore(int32_t score) { return score >= kNpsMin && score <= kNpsMax; }
// CSAT 4..5.
inline bool IsSatisfied(int32_t csat) { return csat >= 4; }
// CSAT 1..2: raises an alert.
inline bool IsLowCsat(int32_t csat) { return csat <= 2; }
// NPS 9..10, 7..8 and 0..6.
inline bool IsPromoter(int32_t nps) { return nps >= 9; }
inline bool IsPassive(int32_t nps) { return nps == 7 || nps == 8; }
inline bool IsDetractor(int32_t nps) { return nps <= 6; }

// numerator / denominator rounded half away from zero; 0 when denominator is 0.
// Precondition: denominator >= 0.
int64_t DivideRounded(int64_t numerator, int64_t denominator);

int64_t CsatAverageCenti(int64_t sum, int64_t count);
int64_t CsatSatisfiedBp(int64_t satisfied, int64_t count);
int32_t Nps(int64_t promoters, int64_t detractors, int64_t count);
int64_t NpsCenti(int64_t promoters, int64_t detractors, int64_t count);

// Adds one CSAT / NPS score to the counters.
void CountCsat(int32_t csat, v1::FeedbackCounters& counters);
void CountNps(int32_t nps, v1::FeedbackCounters& counters);
// counters += other, field by field.
void AddCounters(const v1::FeedbackCounters& other, v1::FeedbackCounters& counters);
// Fills the summary's counts and ratios from `counters` (scope and period untouched).
void FillSummary(const v1::FeedbackCounters& counters, v1::FeedbackSummary& summary);

}  // namespace salesperf::feedback

#endif  // SALESPERF_SERVICES_FEEDBACK_DOMAIN_SCORES_H_
