// Commission plans: versioned, effective-dated, assigned to reps, teams or regions.
//
// A Plan is a plain value (copyable, no hidden state, safe to share between threads).
// It holds named components rather than a list, so that each component appears at most
// once and the order in which they apply is fixed by the calculator, not by the plan
// author (see calculator.h for that order).
//
// Units (every number is an exact integer; see README.md):
//   - rates and multipliers: parts per million (ppm). 1,000,000 ppm = 100%,
//     20,000 ppm = 2%, 125 ppm = 0.0125%. Rates are 0..1,000,000; rate-override
//     multipliers 0..5,000,000 (0..500%); decelerator multipliers 0..1,000,000.
//   - attainment thresholds and shares: basis points (bp). 10,000 bp = 100%
//     attainment; a 25% credit share is 2,500 bp. The same unit as the activity
//     service's CreditSplit.share_bp and the targets service's ratios.
//   - money: libs/common/money.h (int64 minor units + currency).
//   - days: absl::CivilDay in the organisation's time zone.
#ifndef SALESPERF_SERVICES_INCENTIVES_DOMAIN_PLAN_H_
#define SALESPERF_SERVICES_INCENTIVES_DOMAIN_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "libs/common/money.h"

namespace salesperf::incentives {

inline constexpr int64_t kPpmOne = 1'000'000;  // 100% as a rate or multiplier
inline constexpr int64_t kBpOne = 10'000;      // 100% as attainment or share

// Who a plan applies to. The most specific assignment wins (rep over team over
// region); see SelectPlan.
enum class AssigneeKind { kRep, kTeam, kRegion };

struct Assignment {
  AssigneeKind kind = AssigneeKind::kRep;
  std::string id;  // rep, team or region id
  friend bool operator==(const Assignment&, const Assignment&) = default;
};

// A flat rate on all credited revenue. Equivalent to a single tier from 0%.
struct FlatRate {
  int64_t rate_ppm = 0;
};

// One tier: applies from `from_bp` attainment up to the next tier's from_bp.
// A tier whose from_bp >= 10,000 (100%) is an *accelerator* tier.
struct Tier {
  int64_t from_bp = 0;
  int64_t rate_ppm = 0;
};

enum class TierMode {
  // Each slice of credited revenue is paid at its own tier's rate (2% on the revenue
  // up to 50% of target, 5% on the revenue from 50% to 100%, 8% above).
  kMarginal,
  // All credited revenue is paid at the rate of the highest tier reached.
  kWhole,
};

// Tiers by attainment. The first tier starts at 0; from_bp strictly increases.
struct Tiered {
  std::vector<Tier> tiers;
  TierMode mode = TierMode::kMarginal;
};

// The most commission (commission, accelerator, decelerator, quality-gate and gate
// lines together) payable for one period. Bonuses, penalties, overrides and clawbacks
// are not capped. Exactly one of the two fields is set.
struct Cap {
  // An absolute cap in the plan's currency.
  std::optional<Money> amount;
  // A cap as a share of the period's target value (15,000 = 150% of target), rounded
  // half-even to minor units.
  std::optional<int64_t> target_bp;
};

// No commission at all while attainment is below `min_attainment_bp`.
struct Gate {
  int64_t min_attainment_bp = 0;
};

// The revenue above `from_bp` attainment is paid at the applicable rate times
// `multiplier_ppm` (500,000 = half rate). Always marginal, also with whole tiers.
struct Decelerator {
  int64_t from_bp = 0;
  int64_t multiplier_ppm = kPpmOne;
};

// A rate by product line and/or customer type. A deal matches when every non-empty
// field equals the deal's value; the first matching rule (plan order) wins. Exactly
// one of rate_ppm (replaces the plan rate: the deal is paid flat at this rate in every
// tier, never as an accelerator) or multiplier_ppm (scales the tier or flat rate)
// is set. Matching deals still count toward attainment.
struct RateOverride {
  std::string id;  // stable within the plan; part of line keys
  std::string product_line;
  std::string customer_type;
  std::optional<int64_t> rate_ppm;
  std::optional<int64_t> multiplier_ppm;
};

// A manager's override: share_bp of each managed team's credited revenue
// (RepPeriodFacts::team_credits), one line per team.
struct ManagerOverride {
  int64_t share_bp = 0;
};

// A bonus of `amount` when the metric's attainment >= threshold_bp.
// metric "revenue" (or "") uses the statement's own credited revenue and target; any
// other metric is looked up in RepPeriodFacts::metrics (no entry = not reached).
struct TargetBonus {
  std::string id;  // stable within the plan; part of line keys
  std::string metric = "revenue";
  int64_t threshold_bp = kBpOne;
  Money amount = Money(*Currency::Parse("CNY"), 0);
};

// A penalty when the metric's attainment < threshold_bp (metric as in TargetBonus;
// no entry for the metric = missed). It reduces the period's bonuses, never below
// zero. Exactly one of:
//   reduce_bp: the bonuses are reduced by this share (3,000 = 30% less);
//   floor:     the bonuses are reduced to this amount (no effect if already below).
struct MissPenalty {
  std::string id;  // stable within the plan; part of line keys
  std::string metric = "revenue";
  int64_t threshold_bp = kBpOne;
  std::optional<int64_t> reduce_bp;
  std::optional<Money> floor;
};

// No accelerator while quality is poor: the revenue in accelerator tiers is paid at
// the rate of the highest tier below 100% instead. Poor quality means: the CSAT
// average (score 1..5) is below min_csat_centi / 100 (400 = 4.00) with at least one
// response, or max_severe_complaints is set and severe complaints >= it.
struct QualityGate {
  std::optional<int64_t> min_csat_centi;
  std::optional<int64_t> max_severe_complaints;
  // With no CSAT responses in the period the CSAT condition passes unless this is
  // true. Default: false.
  bool fail_without_responses = false;
};

// One version of a plan. Versions of one plan_id are immutable once published; a new
// version supersedes older ones on the days they share (SelectPlan).
struct Plan {
  std::string plan_id;
  int64_t version = 1;
  absl::CivilDay effective_from;
  // Inclusive; nullopt = open-ended.
  std::optional<absl::CivilDay> effective_to;
  Currency currency = *Currency::Parse("CNY");
  std::vector<Assignment> assignments;

  // At most one of flat_rate / tiered (neither = a bonus-only plan).
  std::optional<FlatRate> flat_rate;
  std::optional<Tiered> tiered;
  std::optional<Cap> cap;
  std::optional<Gate> gate;
  std::optional<Decelerator> decelerator;
  std::vector<RateOverride> rate_overrides;
  std::optional<ManagerOverride> manager_override;
  std::vector<TargetBonus> bonuses;
  std::vector<MissPenalty> penalties;
  std::optional<QualityGate> quality_gate;
};

// OK, or INVALID_ARGUMENT with FieldViolations (libs/common/validation.h) whose
// paths name the Plan fields in snake_case, e.g. "tiered.tiers[1].from_bp",
// "bonuses[0].amount". Checks: ids non-empty, effective_to >= effective_from,
// ranges of every rate/bp, tiers starting at 0 and strictly increasing, exactly one
// variant where the comment says so, money in the plan's currency, unique ids.
absl::Status ValidatePlan(const Plan& plan);

// Where a rep stands on a day (from the targets service's org events).
struct RepPlacement {
  std::string rep_id;
  std::string team_id;    // "" if none
  std::string region_id;  // "" if none
};

// The plan version that applies to `who` on `day`, or nullptr: among the plans whose
// [effective_from, effective_to] contains `day`, those assigned to the rep beat those
// assigned to the rep's team, which beat those assigned to its region; ties go to the
// latest effective_from, then the highest version, then the smallest plan_id. The
// returned pointer points into `plans`.
const Plan* SelectPlan(absl::Span<const Plan> plans, const RepPlacement& who, absl::CivilDay day);

}  // namespace salesperf::incentives

#endif  // SALESPERF_SERVICES_INCENTIVES_DOMAIN_PLAN_H_
