// What-if: a proposed plan beside the current one over the same past facts.
//
// Pure and thread-safe. Spread statistics are exact:
//   total   sum of payouts
//   min/max smallest / largest payout
//   median  the middle payout of the sorted list; for an even count the mean of the two
//           middle ones, rounded half-even to minor units
//   Gini    G = sum_i sum_j |x_i - x_j| / (2 * n * sum_i x_i), over all ordered
//           pairs; reported in ppm (1,000,000 = 1.0) rounded half-even. 0 when n < 2 or
//           the total is <= 0. Payouts are used as they are (a negative payout, from a
//           clawback, may push G above 1).
#ifndef SALESPERF_SERVICES_INCENTIVES_DOMAIN_WHAT_IF_H_
#define SALESPERF_SERVICES_INCENTIVES_DOMAIN_WHAT_IF_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "libs/common/money.h"
#include "services/incentives/domain/calculator.h"
#include "services/incentives/domain/facts.h"
#include "services/incentives/domain/plan.h"

namespace salesperf::incentives {

struct Spread {
  Money total = Money(*Currency::Parse("CNY"), 0);
  Money min = Money(*Currency::Parse("CNY"), 0);
  Money median = Money(*Currency::Parse("CNY"), 0);
  Money max = Money(*Currency::Parse("CNY"), 0);
  int64_t gini_ppm = 0;
  int64_t count = 0;
};

// Spread of `payouts` (all in `currency`; zeros everywhere when empty).
// INVALID_ARGUMENT for another currency; OUT_OF_RANGE on overflow.
absl::StatusOr<Spread> ComputeSpread(const Currency& currency, absl::Span<const Money> payouts);

struct RepComparison {
  std::string rep_id;
  Money current = Money(*Currency::Parse("CNY"), 0);
  Money proposed = Money(*Currency::Parse("CNY"), 0);
  Money difference = Money(*Currency::Parse("CNY"), 0);  // proposed - current
};

struct WhatIfReport {
  std::vector<RepComparison> reps;  // one per facts entry, in input order
  Spread current;
  Spread proposed;
  Money cost_difference = Money(*Currency::Parse("CNY"), 0);  // proposed - current total
};

// Calculate(current, f) and Calculate(proposed, f) for every f in `facts` (one per rep
// and period; the same rep twice is allowed and counted twice). The plans' currencies
// must match (INVALID_ARGUMENT); any Calculate error is returned as is.
absl::StatusOr<WhatIfReport> CompareWhatIf(const Plan& current, const Plan& proposed,
                                           absl::Span<const RepPeriodFacts> facts);

}  // namespace salesperf::incentives

#endif  // SALESPERF_SERVICES_INCENTIVES_DOMAIN_WHAT_IF_H_
