#include "services/incentives/domain/what_if.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/common/string_view_compat.h"
#include "services/incentives/domain/exact.h"

namespace salesperf::incentives {

absl::StatusOr<Spread> ComputeSpread(const Currency& currency, absl::Span<const Money> payouts) {
  Spread spread;
  spread.total = spread.min = spread.median = spread.max = Money::Zero(currency);
  std::vector<int64_t> x;
  for (const Money& m : payouts) {
    if (!(m.currency() == currency)) {
      return absl::InvalidArgumentError(absl::StrCat("payout in ", ToAbsl(m.currency_code()),
                                                     ", expected ", ToAbsl(currency.code())));
    }
    x.push_back(m.minor_units());
  }
  spread.count = static_cast<int64_t>(x.size());
  if (x.empty()) return spread;
  std::sort(x.begin(), x.end());
  const int64_t n = spread.count;
  int128 total = 0;
  // With x sorted ascending, sum_i sum_j |x_i - x_j| = 2 * sum_i (2i - n + 1) x_i.
  int128 pair_sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    total += x[i];
    pair_sum += int128{2 * i - n + 1} * x[i];
  }
  pair_sum *= 2;
  ASSIGN_OR_RETURN(int64_t total64, Narrow(total));
  spread.total = Money(currency, total64);
  spread.min = Money(currency, x.front());
  spread.max = Money(currency, x.back());
  if (n % 2 == 1) {
    spread.median = Money(currency, x[n / 2]);
  } else {
    ASSIGN_OR_RETURN(int64_t median, RoundHalfEven(int128{x[n / 2 - 1]} + x[n / 2], 2));
    spread.median = Money(currency, median);
  }
  if (n >= 2 && total > 0) {
    ASSIGN_OR_RETURN(spread.gini_ppm, RoundHalfEven(pair_sum * kPpmOne, 2 * int128{n} * total));
  }
  return spread;
}

absl::StatusOr<WhatIfReport> CompareWhatIf(const Plan& current, const Plan& proposed,
                                           absl::Span<const RepPeriodFacts> facts) {
  if (!(current.currency == proposed.currency)) {
    return absl::InvalidArgumentError("the current and proposed plans use different currencies");
  }
  WhatIfReport report;
  std::vector<Money> before, after;
  for (const RepPeriodFacts& f : facts) {
    ASSIGN_OR_RETURN(Statement a, Calculate(current, f));
    ASSIGN_OR_RETURN(Statement b, Calculate(proposed, f));
    RepComparison row;
    row.rep_id = f.rep_id;
    row.current = a.total;
    row.proposed = b.total;
    ASSIGN_OR_RETURN(row.difference, b.total.Subtract(a.total));
    before.push_back(a.total);
    after.push_back(b.total);
    report.reps.push_back(std::move(row));
  }
  ASSIGN_OR_RETURN(report.current, ComputeSpread(current.currency, before));
  ASSIGN_OR_RETURN(report.proposed, ComputeSpread(current.currency, after));
  ASSIGN_OR_RETURN(report.cost_difference, report.proposed.total.Subtract(report.current.total));
  return report;
}

}  // namespace salesperf::incentives
