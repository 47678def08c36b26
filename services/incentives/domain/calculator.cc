#include "services/incentives/domain/calculator.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <map>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/status_macros.h"
#include "libs/common/string_view_compat.h"
#include "services/incentives/domain/exact.h"

namespace salesperf::incentives {
namespace {

// ---------------------------------------------------------------------------------
// Formatting helpers.

std::string Percent2(int64_t bp) {  // 5050 -> "50.50%"
  return absl::StrFormat("%s%d.%02d%%", bp < 0 ? "-" : "", std::abs(bp) / 100, std::abs(bp) % 100);
}

std::string TierRange(const std::vector<Tier>& tiers, size_t k) {
  if (k + 1 < tiers.size()) {
    return absl::StrCat(Percent2(tiers[k].from_bp), "-", Percent2(tiers[k + 1].from_bp));
  }
  return absl::StrCat("from ", Percent2(tiers[k].from_bp));
}

std::string GroupName(const Plan& plan, int group) {
  return group < 0 ? "plan" : absl::StrCat("rate-", plan.rate_overrides[group].id);
}

std::string OverrideMatch(const RateOverride& o) {
  std::string s;
  if (!o.product_line.empty()) s = absl::StrCat("product_line=", o.product_line);
  if (!o.customer_type.empty()) {
    absl::StrAppend(&s, s.empty() ? "" : ", ", "customer_type=", o.customer_type);
  }
  return s;
}

void SortUnique(std::vector<EventRef>& refs) {
  std::sort(refs.begin(), refs.end());
  refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
}

// ---------------------------------------------------------------------------------
// The computation.

struct Deal {
  const CreditedDeal* source;
  int64_t credited;  // minor units
  int group;         // -1 = plan rate, else index into plan.rate_overrides
};

// A run of credited revenue [from, to) paid at one tier (and maybe decelerated).
struct Slice {
  size_t tier;
  bool decelerated;
  int64_t from;
  int64_t to;
};

struct Rates {
  const Plan& plan;
  // The exact rate of `group` in `tier` as numerator / common denominator. Every line
  // of the same (group, decelerated) shares the denominator, so quality-gate
  // differences stay exact without growing it.
  int128 Denominator(int group, bool decelerated) const {
    int128 d = kPpmOne;
    if (group >= 0 && plan.rate_overrides[group].multiplier_ppm.has_value()) d *= kPpmOne;
    if (decelerated) d *= kPpmOne;
    return d;
  }
  int128 Numerator(int64_t tier_rate_ppm, int group, bool decelerated) const {
    int128 n = tier_rate_ppm;
    if (group >= 0) {
      const RateOverride& o = plan.rate_overrides[group];
      if (o.rate_ppm.has_value()) {
        n = *o.rate_ppm;
      } else {
        n *= *o.multiplier_ppm;
      }
    }
    if (decelerated) n *= plan.decelerator->multiplier_ppm;
    return n;
  }
  bool Absolute(int group) const {
    return group >= 0 && plan.rate_overrides[group].rate_ppm.has_value();
  }
};

class Calculation {
 public:
  Calculation(const Plan& plan, const RepPeriodFacts& facts)
      : plan_(plan), facts_(facts), rates_{plan}, currency_(plan.currency) {}

  absl::StatusOr<Statement> Run() {
    RETURN_IF_ERROR(ValidatePlan(plan_));
    RETURN_IF_ERROR(LoadDeals());
    RETURN_IF_ERROR(LoadTarget());
    statement_.rep_id = facts_.rep_id;
    statement_.period_id = facts_.period_id;
    statement_.plan_id = plan_.plan_id;
    statement_.plan_version = plan_.version;
    statement_.currency = currency_;
    statement_.credited_revenue = Money(currency_, revenue_);
    if (target_ > 0) {
      statement_.revenue_target = Money(currency_, target_);
      ASSIGN_OR_RETURN(int64_t att, RoundHalfEven(int128{revenue_} * kBpOne, target_));
      statement_.attainment_bp = att;
    }
    total_ = 0;
    RETURN_IF_ERROR(Commission());
    RETURN_IF_ERROR(QualityGateLines());
    RETURN_IF_ERROR(GateLine());
    RETURN_IF_ERROR(CapLine());
    RETURN_IF_ERROR(OverrideLines());
    RETURN_IF_ERROR(BonusAndPenaltyLines());
    RETURN_IF_ERROR(ClawbackLines());
    ASSIGN_OR_RETURN(int64_t total, Narrow(total_));
    statement_.total = Money(currency_, total);
    return std::move(statement_);
  }

 private:
  absl::Status CheckCurrency(const Money& m, std::string_view what) const {
    if (!(m.currency() == currency_)) {
      return absl::InvalidArgumentError(absl::StrCat(ToAbsl(what), " is in ",
                                                     ToAbsl(m.currency_code()), ", the plan in ",
                                                     ToAbsl(currency_.code())));
    }
    return absl::OkStatus();
  }

  absl::Status LoadDeals() {
    absl::flat_hash_set<std::string> seen;
    for (const CreditedDeal& d : facts_.deals) {
      if (!seen.insert(d.deal_id).second) {
        return absl::InvalidArgumentError(absl::StrCat("deal ", d.deal_id, " is listed twice"));
      }
      RETURN_IF_ERROR(CheckCurrency(d.amount, absl::StrCat("deal ", d.deal_id)));
      if (d.amount.is_negative()) {
        return absl::InvalidArgumentError(
            absl::StrCat("deal ", d.deal_id, " has a negative amount"));
      }
      ASSIGN_OR_RETURN(Money credited, CreditedAmount(d, facts_.rep_id));
      int group = -1;
      for (size_t i = 0; i < plan_.rate_overrides.size(); ++i) {
        const RateOverride& o = plan_.rate_overrides[i];
        if ((o.product_line.empty() || o.product_line == d.product_line) &&
            (o.customer_type.empty() || o.customer_type == d.customer_type)) {
          group = static_cast<int>(i);
          break;
        }
      }
      deals_.push_back(Deal{&d, credited.minor_units(), group});
      if (__builtin_add_overflow(revenue_, credited.minor_units(), &revenue_)) {
        return absl::OutOfRangeError("credited revenue overflows int64 minor units");
      }
    }
    // Order independence: every allocation below walks deals by id.
    std::sort(deals_.begin(), deals_.end(),
              [](const Deal& a, const Deal& b) { return a.source->deal_id < b.source->deal_id; });
    return absl::OkStatus();
  }

  bool UsesRevenueMetric(const std::string& metric) const {
    return metric.empty() || metric == "revenue";
  }

  absl::Status LoadTarget() {
    if (facts_.revenue_target.has_value()) {
      RETURN_IF_ERROR(CheckCurrency(*facts_.revenue_target, "revenue_target"));
      target_ = facts_.revenue_target->minor_units();
    }
    bool needs = plan_.tiered.has_value() || plan_.gate.has_value() ||
                 plan_.decelerator.has_value() ||
                 (plan_.cap.has_value() && plan_.cap->target_bp.has_value());
    for (const TargetBonus& b : plan_.bonuses) needs = needs || UsesRevenueMetric(b.metric);
    for (const MissPenalty& p : plan_.penalties) needs = needs || UsesRevenueMetric(p.metric);
    if (needs && target_ <= 0) {
      return absl::FailedPreconditionError(absl::StrCat("plan ", plan_.plan_id, " v", plan_.version,
                                                        " needs a positive revenue target for rep ",
                                                        facts_.rep_id, " in ", facts_.period_id));
    }
    return absl::OkStatus();
  }

  // The least whole revenue whose attainment reaches `bp`: ceil(target * bp / 10000).
  int128 Boundary(int64_t bp) const { return CeilDiv(int128{target_} * bp, kBpOne); }

  bool RevenueReaches(int64_t bp) const {
    return int128{revenue_} * kBpOne >= int128{target_} * bp;
  }

  std::vector<Tier> CommissionTiers() const {
    if (plan_.flat_rate.has_value()) return {Tier{0, plan_.flat_rate->rate_ppm}};
    if (plan_.tiered.has_value()) return plan_.tiered->tiers;
    return {};
  }

  std::vector<Slice> Slices(const std::vector<Tier>& tiers) const {
    std::vector<Slice> raw;
    const bool whole = plan_.tiered.has_value() && plan_.tiered->mode == TierMode::kWhole;
    if (whole) {
      size_t reached = 0;
      for (size_t k = 0; k < tiers.size(); ++k) {
        if (RevenueReaches(tiers[k].from_bp)) reached = k;
      }
      if (revenue_ > 0) raw.push_back(Slice{reached, false, 0, revenue_});
    } else {
      for (size_t k = 0; k < tiers.size(); ++k) {
        int128 lo = k == 0 ? 0 : Boundary(tiers[k].from_bp);
        int128 hi = k + 1 < tiers.size() ? Boundary(tiers[k + 1].from_bp) : int128{revenue_};
        lo = std::min<int128>(lo, revenue_);
        hi = std::min<int128>(hi, revenue_);
        if (hi > lo) {
          raw.push_back(Slice{k, false, static_cast<int64_t>(lo), static_cast<int64_t>(hi)});
        }
      }
    }
    if (!plan_.decelerator.has_value()) return raw;
    const int128 d = Boundary(plan_.decelerator->from_bp);
    std::vector<Slice> out;
    for (const Slice& s : raw) {
      if (d >= s.to) {
        out.push_back(s);
      } else if (d <= s.from) {
        out.push_back(Slice{s.tier, true, s.from, s.to});
      } else {
        out.push_back(Slice{s.tier, false, s.from, static_cast<int64_t>(d)});
        out.push_back(Slice{s.tier, true, static_cast<int64_t>(d), s.to});
      }
    }
    return out;
  }

  StatementLine NewLine(std::string key, LineKind kind) const {
    StatementLine line;
    line.key = std::move(key);
    line.kind = kind;
    line.base = Money::Zero(currency_);
    line.rate = Rate{0, 1};
    line.amount = Money::Zero(currency_);
    line.target_id = facts_.target_id;
    line.plan_id = plan_.plan_id;
    line.plan_version = plan_.version;
    return line;
  }

  absl::Status Add(StatementLine line) {
    total_ += line.amount.minor_units();
    statement_.lines.push_back(std::move(line));
    return absl::OkStatus();
  }

  // Parts of `amount` over `weights` (largest remainder), as DealParts with `bases`.
  absl::StatusOr<std::vector<DealPart>> Parts(const std::vector<std::string>& ids,
                                              const std::vector<int64_t>& bases,
                                              const std::vector<int64_t>& weights,
                                              int64_t amount) const {
    std::vector<int64_t> amounts(ids.size(), 0);
    const bool any = std::any_of(weights.begin(), weights.end(), [](int64_t w) { return w > 0; });
    if (amount != 0 && any) {
      ASSIGN_OR_RETURN(amounts, Allocate(amount, weights));
    } else if (amount != 0) {
      return absl::InternalError("an amount with nothing to allocate it to");
    }
    std::vector<DealPart> parts;
    for (size_t i = 0; i < ids.size(); ++i) {
      parts.push_back(DealPart{ids[i], Money(currency_, bases[i]), Money(currency_, amounts[i])});
    }
    return parts;
  }

  std::string RateDescription(const std::vector<Tier>& tiers, size_t tier, int group,
                              bool decelerated) const {
    std::string s = plan_.flat_rate.has_value()
                        ? std::string("flat rate")
                        : absl::StrCat("tier ", tier + 1, " (", TierRange(tiers, tier), ")");
    if (group >= 0) {
      const RateOverride& o = plan_.rate_overrides[group];
      if (o.rate_ppm.has_value()) {
        absl::StrAppend(&s, ", rate override ", o.id, " (", OverrideMatch(o), ") ",
                        FormatRate(Rate{*o.rate_ppm, kPpmOne}));
      } else {
        absl::StrAppend(&s, ", rate override ", o.id, " (", OverrideMatch(o), ") x",
                        FormatRate(Rate{*o.multiplier_ppm, kPpmOne}));
      }
    }
    if (decelerated) {
      absl::StrAppend(&s, ", decelerated above ", Percent2(plan_.decelerator->from_bp), " (x",
                      FormatRate(Rate{plan_.decelerator->multiplier_ppm, kPpmOne}), ")");
    }
    return s;
  }

  absl::StatusOr<Rate> ToRate(int128 num, int128 den) const {
    const int128 g = Gcd128(num < 0 ? -num : num, den);
    if (g > 1) {
      num /= g;
      den /= g;
    }
    ASSIGN_OR_RETURN(int64_t n, Narrow(num));
    ASSIGN_OR_RETURN(int64_t d, Narrow(den));
    return Rate{n, d};
  }

  absl::Status Commission() {
    tiers_ = CommissionTiers();
    if (tiers_.empty() || deals_.empty()) return absl::OkStatus();
    std::vector<int64_t> remaining;
    for (const Deal& d : deals_) remaining.push_back(d.credited);
    for (const Slice& slice : Slices(tiers_)) {
      ASSIGN_OR_RETURN(std::vector<int64_t> part, Allocate(slice.to - slice.from, remaining));
      for (size_t i = 0; i < part.size(); ++i) remaining[i] -= part[i];
      // One line per rate group, plan rate first, then overrides in plan order.
      for (int group = -1; group < static_cast<int>(plan_.rate_overrides.size()); ++group) {
        std::vector<std::string> ids;
        std::vector<int64_t> bases;
        std::vector<EventRef> refs;
        int64_t base = 0;
        for (size_t i = 0; i < deals_.size(); ++i) {
          if (deals_[i].group != group || part[i] == 0) continue;
          ids.push_back(deals_[i].source->deal_id);
          bases.push_back(part[i]);
          base += part[i];
          refs.insert(refs.end(), deals_[i].source->refs.begin(), deals_[i].source->refs.end());
        }
        if (base == 0) continue;
        const bool accelerator_tier = tiers_[slice.tier].from_bp >= kBpOne;
        LineKind kind = LineKind::kCommission;
        if (!rates_.Absolute(group)) {
          if (slice.decelerated) {
            kind = LineKind::kDecelerator;
          } else if (accelerator_tier) {
            kind = LineKind::kAccelerator;
          }
        }
        const int128 num = rates_.Numerator(tiers_[slice.tier].rate_ppm, group, slice.decelerated);
        const int128 den = rates_.Denominator(group, slice.decelerated);
        ASSIGN_OR_RETURN(int64_t amount, RoundHalfEven(int128{base} * num, den));
        StatementLine line =
            NewLine(absl::StrCat("commission/tier-", slice.tier + 1, "/", GroupName(plan_, group),
                                 slice.decelerated ? "/decelerated" : ""),
                    kind);
        line.tier = static_cast<int>(slice.tier) + 1;
        line.base = Money(currency_, base);
        ASSIGN_OR_RETURN(line.rate, ToRate(num, den));
        line.amount = Money(currency_, amount);
        ASSIGN_OR_RETURN(line.deals, Parts(ids, bases, bases, amount));
        line.description = absl::StrCat(
            FormatAmount(line.base), " x ", FormatRate(line.rate), " = ", FormatAmount(line.amount),
            ", ", RateDescription(tiers_, slice.tier, group, slice.decelerated));
        refs.insert(refs.end(), facts_.target_refs.begin(), facts_.target_refs.end());
        SortUnique(refs);
        line.refs = std::move(refs);
        commission_lines_.push_back(CommissionLine{statement_.lines.size(), slice.tier, group,
                                                   slice.decelerated, num, den});
        RETURN_IF_ERROR(Add(std::move(line)));
      }
    }
    return absl::OkStatus();
  }

  bool PoorQuality(std::string* why) const {
    const QualityGate& q = *plan_.quality_gate;
    if (q.min_csat_centi.has_value()) {
      if (facts_.csat_responses > 0 &&
          int128{facts_.csat_sum} * 100 < int128{*q.min_csat_centi} * facts_.csat_responses) {
        // Average to two decimals for the description only.
        int64_t avg = static_cast<int64_t>(
            RoundHalfEven(int128{facts_.csat_sum} * 100, facts_.csat_responses).value_or(0));
        *why = absl::StrFormat("CSAT %d.%02d < %d.%02d", avg / 100, avg % 100,
                               *q.min_csat_centi / 100, *q.min_csat_centi % 100);
        return true;
      }
      if (facts_.csat_responses == 0 && q.fail_without_responses) {
        *why = "no CSAT responses";
        return true;
      }
    }
    if (q.max_severe_complaints.has_value() &&
        facts_.severe_complaints >= *q.max_severe_complaints) {
      *why = absl::StrCat(facts_.severe_complaints,
                          " severe complaints >= ", *q.max_severe_complaints);
      return true;
    }
    return false;
  }

  absl::Status QualityGateLines() {
    if (!plan_.quality_gate.has_value() || !plan_.tiered.has_value()) return absl::OkStatus();
    std::string why;
    if (!PoorQuality(&why)) return absl::OkStatus();
    size_t fallback = 0;
    for (size_t k = 0; k < tiers_.size(); ++k) {
      if (tiers_[k].from_bp < kBpOne) fallback = k;
    }
    const std::vector<CommissionLine> commission = commission_lines_;
    for (const CommissionLine& c : commission) {
      if (tiers_[c.tier].from_bp < kBpOne || rates_.Absolute(c.group)) continue;
      const StatementLine& accel = statement_.lines[c.index];
      const int128 fallback_num =
          rates_.Numerator(tiers_[fallback].rate_ppm, c.group, c.decelerated);
      const int128 diff = fallback_num - c.num;
      if (diff == 0) continue;
      const int64_t base = accel.base.minor_units();
      ASSIGN_OR_RETURN(int64_t amount, RoundHalfEven(int128{base} * diff, c.den));
      StatementLine line =
          NewLine(absl::StrCat("quality-gate/tier-", c.tier + 1, "/", GroupName(plan_, c.group),
                               c.decelerated ? "/decelerated" : ""),
                  LineKind::kQualityGate);
      line.tier = static_cast<int>(c.tier) + 1;
      line.base = accel.base;
      ASSIGN_OR_RETURN(line.rate, ToRate(diff, c.den));
      line.amount = Money(currency_, amount);
      ASSIGN_OR_RETURN(Rate fallback_rate, ToRate(fallback_num, c.den));
      line.description = absl::StrCat(
          FormatAmount(line.base), " x (", FormatRate(fallback_rate), " - ", FormatRate(accel.rate),
          ") = ", FormatAmount(line.amount), ", quality gate (", why, "): tier ", c.tier + 1,
          " accelerator paid at tier ", fallback + 1, " rate");
      std::vector<std::string> ids;
      std::vector<int64_t> bases;
      for (const DealPart& p : accel.deals) {
        ids.push_back(p.deal_id);
        bases.push_back(p.base.minor_units());
      }
      ASSIGN_OR_RETURN(line.deals, Parts(ids, bases, bases, amount));
      line.refs = accel.refs;
      line.refs.insert(line.refs.end(), facts_.quality_refs.begin(), facts_.quality_refs.end());
      SortUnique(line.refs);
      RETURN_IF_ERROR(Add(std::move(line)));
    }
    return absl::OkStatus();
  }

  // Sum of the lines so far and each deal's part of it, in deal-id order.
  int64_t CommissionSoFar(std::vector<std::string>* ids, std::vector<int64_t>* per_deal) const {
    int64_t sum = 0;
    std::map<std::string, int64_t> by_deal;
    for (const StatementLine& line : statement_.lines) {
      sum += line.amount.minor_units();
      for (const DealPart& p : line.deals) by_deal[p.deal_id] += p.amount.minor_units();
    }
    for (const auto& [id, amount] : by_deal) {
      ids->push_back(id);
      per_deal->push_back(amount);
    }
    return sum;
  }

  std::vector<EventRef> AllRefs() const {
    std::vector<EventRef> refs;
    for (const StatementLine& line : statement_.lines) {
      refs.insert(refs.end(), line.refs.begin(), line.refs.end());
    }
    refs.insert(refs.end(), facts_.target_refs.begin(), facts_.target_refs.end());
    SortUnique(refs);
    return refs;
  }

  absl::Status GateLine() {
    if (!plan_.gate.has_value() || statement_.lines.empty()) return absl::OkStatus();
    if (RevenueReaches(plan_.gate->min_attainment_bp)) return absl::OkStatus();
    std::vector<std::string> ids;
    std::vector<int64_t> per_deal;
    const int64_t sum = CommissionSoFar(&ids, &per_deal);
    StatementLine line = NewLine("gate", LineKind::kGate);
    line.amount = Money(currency_, -sum);
    for (size_t i = 0; i < ids.size(); ++i) {
      line.deals.push_back(
          DealPart{ids[i], Money::Zero(currency_), Money(currency_, -per_deal[i])});
    }
    line.description =
        absl::StrCat("attainment ", Percent2(*statement_.attainment_bp), " below gate ",
                     Percent2(plan_.gate->min_attainment_bp), ": commission ",
                     FormatAmount(Money(currency_, sum)), " withheld");
    line.refs = AllRefs();
    return Add(std::move(line));
  }

  absl::Status CapLine() {
    if (!plan_.cap.has_value() || statement_.lines.empty()) return absl::OkStatus();
    int64_t cap;
    std::string what;
    if (plan_.cap->amount.has_value()) {
      cap = plan_.cap->amount->minor_units();
      what = FormatAmount(*plan_.cap->amount);
    } else {
      ASSIGN_OR_RETURN(cap, RoundHalfEven(int128{target_} * *plan_.cap->target_bp, kBpOne));
      what =
          absl::StrCat(FormatAmount(Money(currency_, cap)), " (", Percent2(*plan_.cap->target_bp),
                       " of target ", FormatAmount(Money(currency_, target_)), ")");
    }
    std::vector<std::string> ids;
    std::vector<int64_t> per_deal;
    const int64_t sum = CommissionSoFar(&ids, &per_deal);
    if (sum <= cap) return absl::OkStatus();
    StatementLine line = NewLine("cap", LineKind::kCapAdjustment);
    line.amount = Money(currency_, cap - sum);
    std::vector<int64_t> weights;
    for (int64_t w : per_deal) weights.push_back(std::max<int64_t>(w, 0));
    std::vector<int64_t> zero(ids.size(), 0);
    ASSIGN_OR_RETURN(line.deals, Parts(ids, zero, weights, cap - sum));
    line.description = absl::StrCat("commission ", FormatAmount(Money(currency_, sum)),
                                    " capped at ", what, ": ", FormatAmount(line.amount));
    line.refs = AllRefs();
    return Add(std::move(line));
  }

  absl::Status OverrideLines() {
    if (!plan_.manager_override.has_value()) return absl::OkStatus();
    const int64_t share = plan_.manager_override->share_bp;
    // team -> deal -> (credited, refs); ordered maps keep lines and parts sorted.
    std::map<std::string, std::map<std::string, std::pair<int64_t, std::vector<EventRef>>>> teams;
    for (const TeamCredit& c : facts_.team_credits) {
      RETURN_IF_ERROR(CheckCurrency(c.credited, absl::StrCat("team credit of deal ", c.deal_id)));
      if (c.credited.is_negative()) {
        return absl::InvalidArgumentError(
            absl::StrCat("team credit of deal ", c.deal_id, " is negative"));
      }
      auto& entry = teams[c.team_id][c.deal_id];
      entry.first += c.credited.minor_units();
      entry.second.insert(entry.second.end(), c.refs.begin(), c.refs.end());
    }
    for (const auto& [team_id, deals] : teams) {
      std::vector<std::string> ids;
      std::vector<int64_t> bases;
      std::vector<EventRef> refs;
      int64_t base = 0;
      for (const auto& [deal_id, entry] : deals) {
        ids.push_back(deal_id);
        bases.push_back(entry.first);
        base += entry.first;
        refs.insert(refs.end(), entry.second.begin(), entry.second.end());
      }
      if (base == 0) continue;
      ASSIGN_OR_RETURN(int64_t amount, RoundHalfEven(int128{base} * share, kBpOne));
      StatementLine line = NewLine(absl::StrCat("override/", team_id), LineKind::kOverride);
      line.base = Money(currency_, base);
      line.rate = Rate{share, kBpOne};
      line.amount = Money(currency_, amount);
      ASSIGN_OR_RETURN(line.deals, Parts(ids, bases, bases, amount));
      line.description =
          absl::StrCat(FormatAmount(line.base), " x ", FormatRate(line.rate), " = ",
                       FormatAmount(line.amount), ", manager override on team ", team_id);
      SortUnique(refs);
      line.refs = std::move(refs);
      line.target_id.clear();
      RETURN_IF_ERROR(Add(std::move(line)));
    }
    return absl::OkStatus();
  }

  // Whether `metric` reaches `bp`, with a description and the refs behind it.
  bool Reaches(const std::string& metric, int64_t bp, std::string* what, std::string* target_id,
               std::vector<EventRef>* refs) const {
    if (UsesRevenueMetric(metric)) {
      *what = absl::StrCat("revenue attainment ", Percent2(*statement_.attainment_bp));
      *target_id = facts_.target_id;
      *refs = facts_.target_refs;
      return RevenueReaches(bp);
    }
    for (const MetricAttainment& m : facts_.metrics) {
      if (m.metric != metric) continue;
      *target_id = m.target_id;
      *refs = m.refs;
      if (m.target <= 0) {
        *what = absl::StrCat(metric, ": no positive target");
        return false;
      }
      int64_t att = RoundHalfEven(int128{m.actual} * kBpOne, m.target).value_or(0);
      *what = absl::StrCat(metric, " attainment ", Percent2(att), " (", m.actual, " of ", m.target,
                           ")");
      return int128{m.actual} * kBpOne >= int128{m.target} * bp;
    }
    *what = absl::StrCat(metric, ": no target");
    target_id->clear();
    refs->clear();
    return false;
  }

  absl::Status BonusAndPenaltyLines() {
    int64_t bonuses = 0;
    for (const TargetBonus& b : plan_.bonuses) {
      std::string what, target_id;
      std::vector<EventRef> refs;
      if (!Reaches(b.metric, b.threshold_bp, &what, &target_id, &refs)) continue;
      StatementLine line = NewLine(absl::StrCat("bonus/", b.id), LineKind::kBonus);
      line.amount = b.amount;
      line.description = absl::StrCat("bonus ", b.id, ": ", what, " >= ", Percent2(b.threshold_bp),
                                      ": ", FormatAmount(b.amount));
      line.target_id = target_id;
      SortUnique(refs);
      line.refs = std::move(refs);
      bonuses += b.amount.minor_units();
      RETURN_IF_ERROR(Add(std::move(line)));
    }
    for (const MissPenalty& p : plan_.penalties) {
      std::string what, target_id;
      std::vector<EventRef> refs;
      if (Reaches(p.metric, p.threshold_bp, &what, &target_id, &refs)) continue;
      if (bonuses <= 0) continue;
      int64_t amount = 0;
      std::string how;
      if (p.reduce_bp.has_value()) {
        ASSIGN_OR_RETURN(amount, RoundHalfEven(-int128{bonuses} * *p.reduce_bp, kBpOne));
        how = absl::StrCat(FormatAmount(Money(currency_, bonuses)), " x -", Percent2(*p.reduce_bp),
                           " = ", FormatAmount(Money(currency_, amount)));
      } else {
        const int64_t floor = p.floor->minor_units();
        if (bonuses <= floor) continue;
        amount = floor - bonuses;
        how = absl::StrCat("bonuses ", FormatAmount(Money(currency_, bonuses)), " reduced to ",
                           FormatAmount(*p.floor), ": ", FormatAmount(Money(currency_, amount)));
      }
      StatementLine line = NewLine(absl::StrCat("penalty/", p.id), LineKind::kPenalty);
      line.amount = Money(currency_, amount);
      if (p.reduce_bp.has_value()) {
        line.base = Money(currency_, bonuses);
        line.rate = Rate{-*p.reduce_bp, kBpOne};
      }
      line.description =
          absl::StrCat("penalty ", p.id, ": ", what, " < ", Percent2(p.threshold_bp), ": ", how);
      line.target_id = target_id;
      SortUnique(refs);
      line.refs = std::move(refs);
      bonuses += amount;
      RETURN_IF_ERROR(Add(std::move(line)));
    }
    return absl::OkStatus();
  }

  absl::Status ClawbackLines() {
    std::vector<const Cancellation*> sorted;
    for (const Cancellation& c : facts_.cancellations) sorted.push_back(&c);
    std::sort(sorted.begin(), sorted.end(),
              [](const Cancellation* a, const Cancellation* b) { return a->deal_id < b->deal_id; });
    for (size_t i = 0; i < sorted.size(); ++i) {
      const Cancellation& c = *sorted[i];
      if (i > 0 && sorted[i - 1]->deal_id == c.deal_id) {
        return absl::InvalidArgumentError(
            absl::StrCat("deal ", c.deal_id, " is cancelled twice in ", facts_.period_id));
      }
      RETURN_IF_ERROR(CheckCurrency(c.commission, absl::StrCat("commission of deal ", c.deal_id)));
      if (c.commission.is_negative()) {
        return absl::InvalidArgumentError(
            absl::StrCat("commission to claw back for deal ", c.deal_id, " is negative"));
      }
      StatementLine line = NewLine(absl::StrCat("clawback/", c.deal_id), LineKind::kClawback);
      line.amount = Money(currency_, -c.commission.minor_units());
      line.deals.push_back(DealPart{c.deal_id, Money::Zero(currency_), line.amount});
      line.description = absl::StrCat("deal ", c.deal_id, " won in ", c.won_period_id, " (plan ",
                                      c.won_plan_id, " v", c.won_plan_version, ") cancelled on ",
                                      absl::FormatCivilTime(c.cancelled_on), ": commission ",
                                      FormatAmount(c.commission), " clawed back");
      line.refs = c.refs;
      SortUnique(line.refs);
      line.target_id.clear();
      RETURN_IF_ERROR(Add(std::move(line)));
    }
    return absl::OkStatus();
  }

  struct CommissionLine {
    size_t index;  // into statement_.lines
    size_t tier;
    int group;
    bool decelerated;
    int128 num;
    int128 den;
  };

  const Plan& plan_;
  const RepPeriodFacts& facts_;
  Rates rates_;
  Currency currency_;
  std::vector<Deal> deals_;
  int64_t revenue_ = 0;
  int64_t target_ = 0;
  std::vector<Tier> tiers_;
  std::vector<CommissionLine> commission_lines_;
  int128 total_ = 0;
  Statement statement_;
};

}  // namespace

std::string_view LineKindName(LineKind kind) {
  switch (kind) {
    case LineKind::kCommission:
      return "commission";
    case LineKind::kAccelerator:
      return "accelerator";
    case LineKind::kDecelerator:
      return "decelerator";
    case LineKind::kQualityGate:
      return "quality_gate";
    case LineKind::kGate:
      return "gate";
    case LineKind::kCapAdjustment:
      return "cap_adjustment";
    case LineKind::kOverride:
      return "override";
    case LineKind::kBonus:
      return "bonus";
    case LineKind::kPenalty:
      return "penalty";
    case LineKind::kClawback:
      return "clawback";
  }
  return "unknown";
}

absl::StatusOr<Money> CreditedAmount(const CreditedDeal& deal, std::string_view rep_id) {
  if (deal.splits.empty()) return deal.amount;
  std::vector<int64_t> shares;
  int64_t sum = 0;
  std::optional<size_t> mine;
  for (size_t i = 0; i < deal.splits.size(); ++i) {
    const CreditSplit& s = deal.splits[i];
    if (s.share_bp < 0 || s.share_bp > kBpOne) {
      return absl::InvalidArgumentError(
          absl::StrCat("deal ", deal.deal_id, ": split shares must be 0..10000 bp"));
    }
    shares.push_back(s.share_bp);
    sum += s.share_bp;
    if (s.rep_id == rep_id) {
      if (mine.has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("deal ", deal.deal_id, ": rep ", ToAbsl(rep_id), " is split twice"));
      }
      mine = i;
    }
  }
  if (sum != kBpOne) {
    return absl::InvalidArgumentError(
        absl::StrCat("deal ", deal.deal_id, ": split shares sum to ", sum, " bp, not 10000"));
  }
  if (!mine.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("deal ", deal.deal_id, ": no split for rep ", ToAbsl(rep_id)));
  }
  ASSIGN_OR_RETURN(std::vector<Money> parts, Allocate(deal.amount, shares));
  return parts[*mine];
}

absl::StatusOr<Statement> Calculate(const Plan& plan, const RepPeriodFacts& facts) {
  return Calculation(plan, facts).Run();
}

Money DealCommission(const Statement& statement, std::string_view deal_id) {
  int64_t sum = 0;
  for (const StatementLine& line : statement.lines) {
    for (const DealPart& p : line.deals) {
      if (p.deal_id == deal_id) sum += p.amount.minor_units();
    }
  }
  return Money(statement.currency, sum);
}

absl::StatusOr<Money> DealCommission(const Plan& plan, const RepPeriodFacts& won_facts,
                                     std::string_view deal_id) {
  ASSIGN_OR_RETURN(Statement statement, Calculate(plan, won_facts));
  return DealCommission(statement, deal_id);
}

absl::StatusOr<StatementDiff> Diff(const Statement& before, const Statement& after) {
  if (!(before.currency == after.currency)) {
    return absl::InvalidArgumentError("statements in different currencies");
  }
  const Currency currency = after.currency;
  StatementDiff diff;
  absl::flat_hash_map<std::string, const StatementLine*> old_lines;
  for (const StatementLine& line : before.lines) old_lines[line.key] = &line;
  absl::flat_hash_set<std::string> seen;
  for (const StatementLine& line : after.lines) {
    LineDiff d;
    d.key = line.key;
    d.after = line.amount;
    d.after_description = line.description;
    int64_t old_amount = 0;
    if (auto it = old_lines.find(line.key); it != old_lines.end()) {
      d.before = it->second->amount;
      d.before_description = it->second->description;
      old_amount = it->second->amount.minor_units();
    }
    ASSIGN_OR_RETURN(d.difference, line.amount.Subtract(Money(currency, old_amount)));
    seen.insert(line.key);
    diff.lines.push_back(std::move(d));
  }
  for (const StatementLine& line : before.lines) {
    if (seen.contains(line.key)) continue;
    LineDiff d;
    d.key = line.key;
    d.before = line.amount;
    d.before_description = line.description;
    ASSIGN_OR_RETURN(d.difference, line.amount.Negate());
    diff.lines.push_back(std::move(d));
  }
  diff.total_before = before.total;
  diff.total_after = after.total;
  ASSIGN_OR_RETURN(diff.total_difference, after.total.Subtract(before.total));
  return diff;
}

std::string FormatAmount(const Money& money) {
  // Money::Format() is "CNY 1,234.50"; statements put the code after the number.
  std::string formatted = money.Format();
  return absl::StrCat(formatted.substr(4), " ", ToAbsl(money.currency_code()));
}

std::string FormatRate(Rate rate) {
  int128 num = rate.numerator;
  int128 den = rate.denominator;
  if (den < 0) {
    num = -num;
    den = -den;
  }
  if (den == 0) return "NaN%";
  const bool negative = num < 0;
  if (negative) num = -num;
  num *= 100;  // percent
  const int128 whole = num / den;
  int128 rest = num % den;
  std::string frac;
  while ((rest != 0 || frac.size() < 2) && frac.size() < 12) {
    rest *= 10;
    frac.push_back(static_cast<char>('0' + static_cast<int>(rest / den)));
    rest %= den;
  }
  return absl::StrCat(negative ? "-" : "", static_cast<int64_t>(whole), ".", frac, "%");
}

}  // namespace salesperf::incentives
