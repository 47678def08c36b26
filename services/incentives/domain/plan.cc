#include "services/incentives/domain/plan.h"

#include <algorithm>
#include <string>
#include <tuple>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "libs/common/string_view_compat.h"
#include "libs/common/validation.h"

namespace salesperf::incentives {
namespace {

void CheckRange(FieldViolations& v, const std::string& field, int64_t value, int64_t lo,
                int64_t hi) {
  if (value < lo || value > hi) {
    v.Add(field, absl::StrCat("must be between ", lo, " and ", hi));
  }
}

void CheckMoney(FieldViolations& v, const std::string& field, const Money& money,
                const Currency& currency, bool allow_zero) {
  if (!(money.currency() == currency)) {
    v.Add(field, absl::StrCat("must be in the plan's currency ", ToAbsl(currency.code())));
  }
  if (money.is_negative() || (!allow_zero && money.is_zero())) {
    v.Add(field, allow_zero ? "must not be negative" : "must be positive");
  }
}

void CheckId(FieldViolations& v, const std::string& field, const std::string& id,
             absl::flat_hash_set<std::string>& seen) {
  if (id.empty()) {
    v.Add(field, "must not be empty");
  } else if (!seen.insert(id).second) {
    v.Add(field, "must be unique within the plan");
  }
}

// Bounds keep every exact product inside 128 bits (README.md, "Limits").
constexpr int64_t kMaxBp = 1'000'000;  // 10,000% attainment
constexpr int64_t kMaxOverrideMultiplierPpm = 5'000'000;

}  // namespace

absl::Status ValidatePlan(const Plan& plan) {
  FieldViolations v;
  if (plan.plan_id.empty()) v.Add("plan_id", "must not be empty");
  if (plan.version < 1) v.Add("version", "must be at least 1");
  if (plan.effective_to.has_value() && *plan.effective_to < plan.effective_from) {
    v.Add("effective_to", "must not be before effective_from");
  }
  if (plan.assignments.empty()) v.Add("assignments", "must name at least one rep, team or region");
  for (size_t i = 0; i < plan.assignments.size(); ++i) {
    if (plan.assignments[i].id.empty()) {
      v.Add(absl::StrCat("assignments[", i, "].id"), "must not be empty");
    }
  }
  if (plan.flat_rate.has_value() && plan.tiered.has_value()) {
    v.Add("tiered", "a plan has a flat rate or tiers, not both");
  }
  if (plan.flat_rate.has_value()) {
    CheckRange(v, "flat_rate.rate_ppm", plan.flat_rate->rate_ppm, 0, kPpmOne);
  }
  if (plan.tiered.has_value()) {
    const auto& tiers = plan.tiered->tiers;
    if (tiers.empty()) v.Add("tiered.tiers", "must hold at least one tier");
    for (size_t i = 0; i < tiers.size(); ++i) {
      const std::string path = absl::StrCat("tiered.tiers[", i, "]");
      CheckRange(v, path + ".rate_ppm", tiers[i].rate_ppm, 0, kPpmOne);
      if (i == 0 && tiers[i].from_bp != 0) {
        v.Add(path + ".from_bp", "the first tier must start at 0");
      } else if (i > 0 && tiers[i].from_bp <= tiers[i - 1].from_bp) {
        v.Add(path + ".from_bp", "must be greater than the previous tier's from_bp");
      }
      CheckRange(v, path + ".from_bp", tiers[i].from_bp, 0, kMaxBp);
    }
  }
  if (plan.cap.has_value()) {
    const Cap& cap = *plan.cap;
    if (cap.amount.has_value() == cap.target_bp.has_value()) {
      v.Add("cap", "exactly one of amount or target_bp must be set");
    }
    if (cap.amount.has_value()) CheckMoney(v, "cap.amount", *cap.amount, plan.currency, true);
    if (cap.target_bp.has_value()) CheckRange(v, "cap.target_bp", *cap.target_bp, 0, kMaxBp);
  }
  if (plan.gate.has_value()) {
    CheckRange(v, "gate.min_attainment_bp", plan.gate->min_attainment_bp, 0, kMaxBp);
  }
  if (plan.decelerator.has_value()) {
    CheckRange(v, "decelerator.from_bp", plan.decelerator->from_bp, 1, kMaxBp);
    CheckRange(v, "decelerator.multiplier_ppm", plan.decelerator->multiplier_ppm, 0, kPpmOne);
  }
  absl::flat_hash_set<std::string> override_ids;
  for (size_t i = 0; i < plan.rate_overrides.size(); ++i) {
    const RateOverride& o = plan.rate_overrides[i];
    const std::string path = absl::StrCat("rate_overrides[", i, "]");
    CheckId(v, path + ".id", o.id, override_ids);
    if (o.product_line.empty() && o.customer_type.empty()) {
      v.Add(path, "must match a product_line or a customer_type");
    }
    if (o.rate_ppm.has_value() == o.multiplier_ppm.has_value()) {
      v.Add(path, "exactly one of rate_ppm or multiplier_ppm must be set");
    }
    if (o.rate_ppm.has_value()) CheckRange(v, path + ".rate_ppm", *o.rate_ppm, 0, kPpmOne);
    if (o.multiplier_ppm.has_value()) {
      CheckRange(v, path + ".multiplier_ppm", *o.multiplier_ppm, 0, kMaxOverrideMultiplierPpm);
    }
  }
  if (plan.manager_override.has_value()) {
    CheckRange(v, "manager_override.share_bp", plan.manager_override->share_bp, 0, kBpOne);
  }
  absl::flat_hash_set<std::string> bonus_ids;
  for (size_t i = 0; i < plan.bonuses.size(); ++i) {
    const TargetBonus& b = plan.bonuses[i];
    const std::string path = absl::StrCat("bonuses[", i, "]");
    CheckId(v, path + ".id", b.id, bonus_ids);
    CheckRange(v, path + ".threshold_bp", b.threshold_bp, 0, kMaxBp);
    CheckMoney(v, path + ".amount", b.amount, plan.currency, false);
  }
  absl::flat_hash_set<std::string> penalty_ids;
  for (size_t i = 0; i < plan.penalties.size(); ++i) {
    const MissPenalty& p = plan.penalties[i];
    const std::string path = absl::StrCat("penalties[", i, "]");
    CheckId(v, path + ".id", p.id, penalty_ids);
    CheckRange(v, path + ".threshold_bp", p.threshold_bp, 0, kMaxBp);
    if (p.reduce_bp.has_value() == p.floor.has_value()) {
      v.Add(path, "exactly one of reduce_bp or floor must be set");
    }
    if (p.reduce_bp.has_value()) CheckRange(v, path + ".reduce_bp", *p.reduce_bp, 0, kBpOne);
    if (p.floor.has_value()) CheckMoney(v, path + ".floor", *p.floor, plan.currency, true);
  }
  if (!plan.penalties.empty() && plan.bonuses.empty()) {
    v.Add("penalties", "a penalty reduces bonuses: the plan has none");
  }
  if (plan.quality_gate.has_value()) {
    const QualityGate& q = *plan.quality_gate;
    if (!q.min_csat_centi.has_value() && !q.max_severe_complaints.has_value()) {
      v.Add("quality_gate", "set min_csat_centi and/or max_severe_complaints");
    }
    if (q.min_csat_centi.has_value()) {
      CheckRange(v, "quality_gate.min_csat_centi", *q.min_csat_centi, 100, 500);
    }
    if (q.max_severe_complaints.has_value()) {
      CheckRange(v, "quality_gate.max_severe_complaints", *q.max_severe_complaints, 1, 1'000'000);
    }
  }
  return v.ToStatus();
}

const Plan* SelectPlan(absl::Span<const Plan> plans, const RepPlacement& who, absl::CivilDay day) {
  const Plan* best = nullptr;
  // Higher is better: (specificity, effective_from, version), then smaller plan_id.
  std::tuple<int, absl::CivilDay, int64_t> best_rank;
  for (const Plan& plan : plans) {
    if (day < plan.effective_from) continue;
    if (plan.effective_to.has_value() && *plan.effective_to < day) continue;
    int specificity = 0;
    for (const Assignment& a : plan.assignments) {
      int s = 0;
      if (a.kind == AssigneeKind::kRep && a.id == who.rep_id) s = 3;
      if (a.kind == AssigneeKind::kTeam && !who.team_id.empty() && a.id == who.team_id) s = 2;
      if (a.kind == AssigneeKind::kRegion && !who.region_id.empty() && a.id == who.region_id) {
        s = 1;
      }
      specificity = std::max(specificity, s);
    }
    if (specificity == 0) continue;
    auto rank = std::make_tuple(specificity, plan.effective_from, plan.version);
    if (best == nullptr || rank > best_rank ||
        (rank == best_rank && plan.plan_id < best->plan_id)) {
      best = &plan;
      best_rank = rank;
    }
  }
  return best;
}

}  // namespace salesperf::incentives
