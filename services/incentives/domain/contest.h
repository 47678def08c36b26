// Contests (销售竞赛): a metric, a scope, a period, prizes by rank or by threshold.
//
// Standings are computed from per-rep metric values; the service feeds live values
// while the period is open and fixes the winners by computing (and storing) the
// standings once when it closes. Pure and thread-safe.
//
// Ranking (standard competition ranking, "1224"): higher values rank first; reps with
// equal values share the rank (two firsts, then third). Within a tie the order shown
// is by rep_id; it gives no advantage.
// Rank prizes: the tied reps pool the prizes of the ranks they occupy (two reps tied
// for 1st pool the 1st and 2nd prizes) and split the pool equally, by largest
// remainder (libs/common SplitEvenly: the extra minor units go to the first reps in
// rep_id order). Ranks beyond the prize list win nothing.
// Threshold prizes: every rep whose value >= a threshold wins that threshold's prize;
// only the highest threshold reached pays (they do not add up). A rep can win a rank
// prize and a threshold prize.
// Qualification: reps whose value is below min_value get no rank and no prize.
#ifndef SALESPERF_SERVICES_INCENTIVES_DOMAIN_CONTEST_H_
#define SALESPERF_SERVICES_INCENTIVES_DOMAIN_CONTEST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "libs/common/money.h"

namespace salesperf::incentives {

struct ThresholdPrize {
  int64_t threshold = 0;  // in the metric's unit
  Money prize = Money(*Currency::Parse("CNY"), 0);
};

struct Contest {
  std::string contest_id;
  std::string metric;     // e.g. "revenue" (minor units), "deals_won", "visits"
  std::string scope_id;   // company, region or team id: who takes part (service's filter)
  std::string period_id;  // libs/common/period.h id
  Currency currency = *Currency::Parse("CNY");
  std::vector<Money> rank_prizes;  // [0] = 1st prize, [1] = 2nd, ...
  std::vector<ThresholdPrize> threshold_prizes;
  int64_t min_value = 0;  // qualification
};

// INVALID_ARGUMENT with FieldViolations ("contest_id", "rank_prizes[1]",
// "threshold_prizes[0].threshold", ...): ids set, prizes >= 0 in the contest's
// currency, thresholds distinct.
absl::Status ValidateContest(const Contest& contest);

struct ContestEntry {
  std::string rep_id;
  int64_t value = 0;
};

struct Standing {
  std::string rep_id;
  int64_t value = 0;
  int rank = 0;  // 1-based; 0 = not qualified
  bool tied = false;
  Money rank_prize = Money(*Currency::Parse("CNY"), 0);
  Money threshold_prize = Money(*Currency::Parse("CNY"), 0);
  Money prize = Money(*Currency::Parse("CNY"), 0);  // rank + threshold
};

// Standings of `entries` (one per rep; INVALID_ARGUMENT for a duplicate rep or an
// invalid contest), ranked first, then unqualified reps by value and rep_id.
absl::StatusOr<std::vector<Standing>> ComputeStandings(const Contest& contest,
                                                       absl::Span<const ContestEntry> entries);

}  // namespace salesperf::incentives

#endif  // SALESPERF_SERVICES_INCENTIVES_DOMAIN_CONTEST_H_
