// The calculation engine: a plan and one rep's period facts in, a statement out.
//
// Pure and deterministic: the same plan and facts (in any order of deals, splits
// aside) give the same statement, byte for byte. No clock, no I/O; thread-safe.
//
// Order of application (each step is one or more lines):
//   1. commission   credited revenue sliced by tier (marginal) or all at the tier
//                   reached (whole), split further at the decelerator threshold and by
//                   rate override; one line per (tier, rate group, decelerated) slice.
//                   Kind kCommission, kAccelerator (tier from >= 100%) or kDecelerator.
//   2. quality gate one kQualityGate line per accelerator line when quality is poor:
//                   base x (fallback rate - accelerator rate).
//   3. gate         one kGate line cancelling 1+2 when attainment < the gate.
//   4. cap          one kCapAdjustment line bringing 1+2+3 down to the cap.
//   5. override     one kOverride line per managed team: team credit x share.
//   6. bonus        one kBonus line per bonus reached.
//   7. penalty      one kPenalty line per penalty missed (reduces the bonus total).
//   8. clawback     one kClawback line per cancellation: -commission.
//
// Rounding: every line is computed exactly (128-bit rationals) and rounded ONCE,
// half-even, to minor units. Totals are sums of rounded lines. Tier boundaries in
// money are ceil(target x from_bp / 10000): the least whole revenue whose attainment
// reaches the threshold, so "revenue >= boundary" and "attainment >= threshold" agree.
// Per-deal parts of a line are allocated by largest remainder so they add up exactly
// to the line (README.md has the details and examples).
#ifndef SALESPERF_SERVICES_INCENTIVES_DOMAIN_CALCULATOR_H_
#define SALESPERF_SERVICES_INCENTIVES_DOMAIN_CALCULATOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/common/money.h"
#include "services/incentives/domain/facts.h"
#include "services/incentives/domain/plan.h"

namespace salesperf::incentives {

enum class LineKind {
  kCommission,
  kAccelerator,
  kDecelerator,
  kQualityGate,
  kGate,
  kCapAdjustment,
  kOverride,
  kBonus,
  kPenalty,
  kClawback,
};

// "commission", "accelerator", "decelerator", "quality_gate", "gate",
// "cap_adjustment", "override", "bonus", "penalty", "clawback".
std::string_view LineKindName(LineKind kind);

// A deal's part of a line. Parts add up exactly to the line's base and amount.
struct DealPart {
  std::string deal_id;
  Money base = Money(*Currency::Parse("CNY"), 0);
  Money amount = Money(*Currency::Parse("CNY"), 0);
  friend bool operator==(const DealPart&, const DealPart&) = default;
};

struct StatementLine {
  // Stable across recalculations and plan versions, unique within a statement:
  //   commission/tier-<n>/<group>[/decelerated]   (commission, accelerator, decelerator)
  //   quality-gate/tier-<n>/<group>[/decelerated]
  //   gate | cap | override/<team_id> | bonus/<id> | penalty/<id> | clawback/<deal_id>
  // where <group> is "plan" or "rate-<override id>" and <n> is 1-based.
  std::string key;
  LineKind kind = LineKind::kCommission;
  // The arithmetic, for people, e.g.
  // "120,000.00 CNY x 5.00% = 6,000.00 CNY, tier 2 (50.00%-100.00%)".
  std::string description;
  // What the rate applied to (zero for lines that are not base x rate).
  Money base = Money(*Currency::Parse("CNY"), 0);
  // Exact rate (amount = round_half_even(base x rate)); 0/1 where not applicable.
  Rate rate;
  Money amount = Money(*Currency::Parse("CNY"), 0);
  int tier = 0;                 // 1-based tier of commission-family lines; 0 otherwise
  std::vector<DealPart> deals;  // sorted by deal_id; empty for bonus/penalty
  // Traceability: the events behind the line (sorted, unique), the target and the
  // plan version that produced it.
  std::vector<EventRef> refs;
  std::string target_id;
  std::string plan_id;
  int64_t plan_version = 0;
};

struct Statement {
  std::string rep_id;
  std::string period_id;
  std::string plan_id;
  int64_t plan_version = 0;
  Currency currency = *Currency::Parse("CNY");
  Money credited_revenue = Money(*Currency::Parse("CNY"), 0);
  std::optional<Money> revenue_target;
  // Attainment rounded half-even to bp, for display (decisions use the exact ratio).
  std::optional<int64_t> attainment_bp;
  std::vector<StatementLine> lines;  // in the order of application above
  Money total = Money(*Currency::Parse("CNY"), 0);
};

// The rep's credited part of a deal: its part of Allocate(amount, split shares), or
// the whole amount when splits are empty. INVALID_ARGUMENT if the splits do not sum to
// 10,000 bp, hold a negative share, or do not name the rep.
absl::StatusOr<Money> CreditedAmount(const CreditedDeal& deal, std::string_view rep_id);

// The statement of facts.rep_id for facts.period_id under `plan`.
// Errors: INVALID_ARGUMENT for an invalid plan (ValidatePlan), money in another
// currency, bad splits, duplicate deal ids, a negative cancellation commission;
// FAILED_PRECONDITION when the plan needs a revenue target and the facts have none
// (or it is not positive); OUT_OF_RANGE on overflow.
absl::StatusOr<Statement> Calculate(const Plan& plan, const RepPeriodFacts& facts);

// What `deal_id` earned in a statement: the sum of its parts in every line (the
// amount to claw back when it is cancelled later). Zero if it has no part.
Money DealCommission(const Statement& statement, std::string_view deal_id);

// Calculate(plan, won_facts), then DealCommission: the recomputation the issue asks
// for ("recomputed from the won period's facts under the plan version that applied").
absl::StatusOr<Money> DealCommission(const Plan& plan, const RepPeriodFacts& won_facts,
                                     std::string_view deal_id);

// Line-by-line difference of two statements of the same rep and period (e.g. as
// issued vs recalculated under another plan version), matched by line key.
struct LineDiff {
  std::string key;
  std::optional<Money> before;                           // nullopt: the line is new
  std::optional<Money> after;                            // nullopt: the line is gone
  Money difference = Money(*Currency::Parse("CNY"), 0);  // after - before
  std::string before_description;
  std::string after_description;
};

struct StatementDiff {
  // Every key of either statement, in the order of `after`'s lines, then the keys
  // only in `before` in their order. Unchanged lines are included (difference 0).
  std::vector<LineDiff> lines;
  Money total_before = Money(*Currency::Parse("CNY"), 0);
  Money total_after = Money(*Currency::Parse("CNY"), 0);
  Money total_difference = Money(*Currency::Parse("CNY"), 0);
};

// INVALID_ARGUMENT if the currencies differ.
absl::StatusOr<StatementDiff> Diff(const Statement& before, const Statement& after);

// "120,000.00 CNY": the amount then the currency code (statement descriptions).
std::string FormatAmount(const Money& money);
// An exact rate as a percentage with at least two decimals: "5.00%", "2.125%".
// Rates whose decimal expansion does not end within 12 digits are cut there.
std::string FormatRate(Rate rate);

}  // namespace salesperf::incentives

#endif  // SALESPERF_SERVICES_INCENTIVES_DOMAIN_CALCULATOR_H_
