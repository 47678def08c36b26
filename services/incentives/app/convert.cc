#include "services/incentives/app/convert.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/status_macros.h"
#include "libs/common/string_view_compat.h"
#include "libs/common/validation.h"

namespace salesperf::incentives {
namespace {

std::string Path(std::string_view prefix, std::string_view field) {
  if (prefix.empty()) return std::string(field);
  if (field.empty()) return std::string(prefix);
  return absl::StrCat(ToAbsl(prefix), ".", ToAbsl(field));
}

// Re-roots the field violations of `status` under `prefix`.
absl::Status Prefixed(const absl::Status& status, std::string_view prefix) {
  if (status.ok()) return status;
  std::vector<FieldViolation> violations = FieldViolationsOf(status);
  if (violations.empty()) return InvalidField(std::string(prefix), std::string(status.message()));
  FieldViolations out;
  for (const FieldViolation& v : violations) out.Add(Path(prefix, v.field), v.description);
  return out.ToStatus();
}

// A money field of a plan or contest in `currency`; an unset field is zero.
Money MoneyField(const common::v1::Money& proto, const Currency& currency, std::string field,
                 FieldViolations& violations) {
  if (proto.currency_code().empty() && proto.minor_units() == 0) return Money::Zero(currency);
  absl::StatusOr<Money> m = Money::FromProto(proto);
  if (!m.ok()) {
    violations.Add(std::move(field) + ".currency_code", std::string(m.status().message()));
    return Money::Zero(currency);
  }
  return *m;
}

AssigneeKind KindFromProto(v1::AssigneeKind kind) {
  switch (kind) {
    case v1::ASSIGNEE_KIND_TEAM:
      return AssigneeKind::kTeam;
    case v1::ASSIGNEE_KIND_REGION:
      return AssigneeKind::kRegion;
    default:
      return AssigneeKind::kRep;
  }
}

v1::AssigneeKind KindToProto(AssigneeKind kind) {
  switch (kind) {
    case AssigneeKind::kTeam:
      return v1::ASSIGNEE_KIND_TEAM;
    case AssigneeKind::kRegion:
      return v1::ASSIGNEE_KIND_REGION;
    case AssigneeKind::kRep:
      return v1::ASSIGNEE_KIND_REP;
  }
  return v1::ASSIGNEE_KIND_UNSPECIFIED;
}

LineKind LineKindFromProto(v1::LineKind kind) {
  switch (kind) {
    case v1::LINE_KIND_ACCELERATOR:
      return LineKind::kAccelerator;
    case v1::LINE_KIND_DECELERATOR:
      return LineKind::kDecelerator;
    case v1::LINE_KIND_QUALITY_GATE:
      return LineKind::kQualityGate;
    case v1::LINE_KIND_GATE:
      return LineKind::kGate;
    case v1::LINE_KIND_CAP_ADJUSTMENT:
      return LineKind::kCapAdjustment;
    case v1::LINE_KIND_OVERRIDE:
      return LineKind::kOverride;
    case v1::LINE_KIND_BONUS:
      return LineKind::kBonus;
    case v1::LINE_KIND_PENALTY:
      return LineKind::kPenalty;
    case v1::LINE_KIND_CLAWBACK:
      return LineKind::kClawback;
    default:
      return LineKind::kCommission;
  }
}

}  // namespace

absl::StatusOr<absl::CivilDay> ParseDay(std::string_view text) {
  absl::CivilDay day;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !absl::ParseCivilTime(ToAbsl(text), &day) || FormatDay(day) != text) {
    return absl::InvalidArgumentError("must be a date YYYY-MM-DD");
  }
  return day;
}

std::string FormatDay(absl::CivilDay day) { return absl::FormatCivilTime(day); }

v1::LineKind LineKindToProto(LineKind kind) {
  switch (kind) {
    case LineKind::kCommission:
      return v1::LINE_KIND_COMMISSION;
    case LineKind::kAccelerator:
      return v1::LINE_KIND_ACCELERATOR;
    case LineKind::kDecelerator:
      return v1::LINE_KIND_DECELERATOR;
    case LineKind::kQualityGate:
      return v1::LINE_KIND_QUALITY_GATE;
    case LineKind::kGate:
      return v1::LINE_KIND_GATE;
    case LineKind::kCapAdjustment:
      return v1::LINE_KIND_CAP_ADJUSTMENT;
    case LineKind::kOverride:
      return v1::LINE_KIND_OVERRIDE;
    case LineKind::kBonus:
      return v1::LINE_KIND_BONUS;
    case LineKind::kPenalty:
      return v1::LINE_KIND_PENALTY;
    case LineKind::kClawback:
      return v1::LINE_KIND_CLAWBACK;
  }
  return v1::LINE_KIND_UNSPECIFIED;
}

absl::StatusOr<Plan> PlanFromProto(const v1::Plan& p, std::string_view field) {
  FieldViolations violations;
  Plan plan;
  plan.plan_id = p.plan_id();
  plan.version = p.version();
  absl::StatusOr<absl::CivilDay> from = ParseDay(p.effective_from());
  if (from.ok()) {
    plan.effective_from = *from;
  } else {
    violations.Add(Path(field, "effective_from"), std::string(from.status().message()));
  }
  if (!p.effective_to().empty()) {
    absl::StatusOr<absl::CivilDay> to = ParseDay(p.effective_to());
    if (to.ok()) {
      plan.effective_to = *to;
    } else {
      violations.Add(Path(field, "effective_to"), std::string(to.status().message()));
    }
  }
  absl::StatusOr<Currency> currency = Currency::Parse(p.currency_code());
  if (currency.ok()) {
    plan.currency = *currency;
  } else {
    violations.Add(Path(field, "currency_code"), std::string(currency.status().message()));
  }
  for (int i = 0; i < p.assignees_size(); ++i) {
    const v1::PlanAssignee& a = p.assignees(i);
    if (a.kind() == v1::ASSIGNEE_KIND_UNSPECIFIED) {
      violations.Add(Path(field, absl::StrCat("assignees[", i, "].kind")),
                     "must be rep, team or region");
    }
    plan.assignments.push_back(Assignment{KindFromProto(a.kind()), a.id()});
  }
  if (p.has_flat_rate()) plan.flat_rate = FlatRate{p.flat_rate().rate_ppm()};
  if (p.has_tiered()) {
    Tiered tiered;
    for (const v1::Tier& t : p.tiered().tiers())
      tiered.tiers.push_back(Tier{t.from_bp(), t.rate_ppm()});
    tiered.mode = p.tiered().mode() == v1::TIER_MODE_WHOLE ? TierMode::kWhole : TierMode::kMarginal;
    plan.tiered = std::move(tiered);
  }
  if (p.has_cap()) {
    Cap cap;
    if (p.cap().has_amount()) {
      cap.amount =
          MoneyField(p.cap().amount(), plan.currency, Path(field, "cap.amount"), violations);
    } else if (p.cap().limit_case() == v1::Cap::kTargetBp) {
      cap.target_bp = p.cap().target_bp();
    }
    plan.cap = cap;
  }
  if (p.has_gate()) plan.gate = Gate{p.gate().min_attainment_bp()};
  if (p.has_decelerator()) {
    plan.decelerator = Decelerator{p.decelerator().from_bp(), p.decelerator().multiplier_ppm()};
  }
  for (const v1::RateOverride& r : p.rate_overrides()) {
    RateOverride o;
    o.id = r.id();
    o.product_line = r.product_line();
    o.customer_type = r.customer_type();
    if (r.adjustment_case() == v1::RateOverride::kRatePpm) o.rate_ppm = r.rate_ppm();
    if (r.adjustment_case() == v1::RateOverride::kMultiplierPpm)
      o.multiplier_ppm = r.multiplier_ppm();
    plan.rate_overrides.push_back(std::move(o));
  }
  if (p.has_manager_override())
    plan.manager_override = ManagerOverride{p.manager_override().share_bp()};
  for (int i = 0; i < p.bonuses_size(); ++i) {
    const v1::TargetBonus& b = p.bonuses(i);
    TargetBonus bonus;
    bonus.id = b.id();
    bonus.metric = b.metric().empty() ? "revenue" : b.metric();
    bonus.threshold_bp = b.threshold_bp();
    bonus.amount = MoneyField(b.amount(), plan.currency,
                              Path(field, absl::StrCat("bonuses[", i, "].amount")), violations);
    plan.bonuses.push_back(std::move(bonus));
  }
  for (int i = 0; i < p.penalties_size(); ++i) {
    const v1::MissPenalty& m = p.penalties(i);
    MissPenalty penalty;
    penalty.id = m.id();
    penalty.metric = m.metric().empty() ? "revenue" : m.metric();
    penalty.threshold_bp = m.threshold_bp();
    if (m.reduction_case() == v1::MissPenalty::kReduceBp) penalty.reduce_bp = m.reduce_bp();
    if (m.reduction_case() == v1::MissPenalty::kFloor) {
      penalty.floor = MoneyField(m.floor(), plan.currency,
                                 Path(field, absl::StrCat("penalties[", i, "].floor")), violations);
    }
    plan.penalties.push_back(std::move(penalty));
  }
  if (p.has_quality_gate()) {
    QualityGate q;
    if (p.quality_gate().has_min_csat_centi()) q.min_csat_centi = p.quality_gate().min_csat_centi();
    if (p.quality_gate().has_max_severe_complaints()) {
      q.max_severe_complaints = p.quality_gate().max_severe_complaints();
    }
    q.fail_without_responses = p.quality_gate().fail_without_responses();
    plan.quality_gate = q;
  }
  RETURN_IF_ERROR(violations.ToStatus());
  RETURN_IF_ERROR(Prefixed(ValidatePlan(plan), field));
  return plan;
}

v1::Plan PlanToProto(const Plan& plan) {
  v1::Plan p;
  p.set_plan_id(plan.plan_id);
  p.set_version(plan.version);
  p.set_effective_from(FormatDay(plan.effective_from));
  if (plan.effective_to.has_value()) p.set_effective_to(FormatDay(*plan.effective_to));
  p.set_currency_code(std::string(plan.currency.code()));
  for (const Assignment& a : plan.assignments) {
    v1::PlanAssignee* out = p.add_assignees();
    out->set_kind(KindToProto(a.kind));
    out->set_id(a.id);
  }
  if (plan.flat_rate.has_value()) p.mutable_flat_rate()->set_rate_ppm(plan.flat_rate->rate_ppm);
  if (plan.tiered.has_value()) {
    for (const Tier& t : plan.tiered->tiers) {
      v1::Tier* out = p.mutable_tiered()->add_tiers();
      out->set_from_bp(t.from_bp);
      out->set_rate_ppm(t.rate_ppm);
    }
    p.mutable_tiered()->set_mode(plan.tiered->mode == TierMode::kWhole ? v1::TIER_MODE_WHOLE
                                                                       : v1::TIER_MODE_MARGINAL);
  }
  if (plan.cap.has_value()) {
    if (plan.cap->amount.has_value())
      *p.mutable_cap()->mutable_amount() = plan.cap->amount->ToProto();
    if (plan.cap->target_bp.has_value()) p.mutable_cap()->set_target_bp(*plan.cap->target_bp);
  }
  if (plan.gate.has_value()) p.mutable_gate()->set_min_attainment_bp(plan.gate->min_attainment_bp);
  if (plan.decelerator.has_value()) {
    p.mutable_decelerator()->set_from_bp(plan.decelerator->from_bp);
    p.mutable_decelerator()->set_multiplier_ppm(plan.decelerator->multiplier_ppm);
  }
  for (const RateOverride& o : plan.rate_overrides) {
    v1::RateOverride* out = p.add_rate_overrides();
    out->set_id(o.id);
    out->set_product_line(o.product_line);
    out->set_customer_type(o.customer_type);
    if (o.rate_ppm.has_value()) out->set_rate_ppm(*o.rate_ppm);
    if (o.multiplier_ppm.has_value()) out->set_multiplier_ppm(*o.multiplier_ppm);
  }
  if (plan.manager_override.has_value()) {
    p.mutable_manager_override()->set_share_bp(plan.manager_override->share_bp);
  }
  for (const TargetBonus& b : plan.bonuses) {
    v1::TargetBonus* out = p.add_bonuses();
    out->set_id(b.id);
    out->set_metric(b.metric);
    out->set_threshold_bp(b.threshold_bp);
    *out->mutable_amount() = b.amount.ToProto();
  }
  for (const MissPenalty& m : plan.penalties) {
    v1::MissPenalty* out = p.add_penalties();
    out->set_id(m.id);
    out->set_metric(m.metric);
    out->set_threshold_bp(m.threshold_bp);
    if (m.reduce_bp.has_value()) out->set_reduce_bp(*m.reduce_bp);
    if (m.floor.has_value()) *out->mutable_floor() = m.floor->ToProto();
  }
  if (plan.quality_gate.has_value()) {
    v1::QualityGate* q = p.mutable_quality_gate();
    if (plan.quality_gate->min_csat_centi.has_value()) {
      q->set_min_csat_centi(*plan.quality_gate->min_csat_centi);
    }
    if (plan.quality_gate->max_severe_complaints.has_value()) {
      q->set_max_severe_complaints(*plan.quality_gate->max_severe_complaints);
    }
    q->set_fail_without_responses(plan.quality_gate->fail_without_responses);
  }
  return p;
}

v1::EventRef RefToProto(const EventRef& ref) {
  v1::EventRef out;
  out.set_stream_id(ref.stream_id);
  out.set_stream_version(ref.stream_version);
  out.set_sequence(ref.sequence);
  return out;
}

EventRef RefFromProto(const v1::EventRef& proto) {
  return EventRef{proto.stream_id(), proto.stream_version(), proto.sequence()};
}

v1::Statement StatementToProto(const Statement& s) {
  v1::Statement out;
  out.set_rep_id(s.rep_id);
  out.set_period_id(s.period_id);
  out.set_plan_id(s.plan_id);
  out.set_plan_version(s.plan_version);
  out.set_currency_code(std::string(s.currency.code()));
  *out.mutable_credited_revenue() = s.credited_revenue.ToProto();
  if (s.revenue_target.has_value()) *out.mutable_revenue_target() = s.revenue_target->ToProto();
  if (s.attainment_bp.has_value()) out.set_attainment_bp(*s.attainment_bp);
  for (const StatementLine& l : s.lines) {
    v1::StatementLine* line = out.add_lines();
    line->set_key(l.key);
    line->set_kind(LineKindToProto(l.kind));
    line->set_description(l.description);
    *line->mutable_base() = l.base.ToProto();
    line->set_rate_numerator(l.rate.numerator);
    line->set_rate_denominator(l.rate.denominator);
    *line->mutable_amount() = l.amount.ToProto();
    line->set_tier(l.tier);
    for (const DealPart& d : l.deals) {
      v1::DealPart* part = line->add_deals();
      part->set_deal_id(d.deal_id);
      *part->mutable_base() = d.base.ToProto();
      *part->mutable_amount() = d.amount.ToProto();
    }
    for (const EventRef& r : l.refs) *line->add_refs() = RefToProto(r);
    line->set_target_id(l.target_id);
    line->set_plan_id(l.plan_id);
    line->set_plan_version(l.plan_version);
  }
  *out.mutable_total() = s.total.ToProto();
  return out;
}

absl::StatusOr<Statement> StatementFromProto(const v1::Statement& p) {
  auto money = [](const common::v1::Money& m) -> absl::StatusOr<Money> {
    absl::StatusOr<Money> out = Money::FromProto(m);
    if (!out.ok())
      return absl::DataLossError(absl::StrCat("stored statement: ", out.status().message()));
    return out;
  };
  Statement s;
  s.rep_id = p.rep_id();
  s.period_id = p.period_id();
  s.plan_id = p.plan_id();
  s.plan_version = p.plan_version();
  absl::StatusOr<Currency> currency = Currency::Parse(p.currency_code());
  if (!currency.ok()) return absl::DataLossError("stored statement has no currency");
  s.currency = *currency;
  ASSIGN_OR_RETURN(s.credited_revenue, money(p.credited_revenue()));
  if (p.has_revenue_target()) {
    ASSIGN_OR_RETURN(Money target, money(p.revenue_target()));
    s.revenue_target = target;
  }
  if (p.has_attainment_bp()) s.attainment_bp = p.attainment_bp();
  for (const v1::StatementLine& l : p.lines()) {
    StatementLine line;
    line.key = l.key();
    line.kind = LineKindFromProto(l.kind());
    line.description = l.description();
    ASSIGN_OR_RETURN(line.base, money(l.base()));
    line.rate = Rate{l.rate_numerator(), l.rate_denominator() == 0 ? 1 : l.rate_denominator()};
    ASSIGN_OR_RETURN(line.amount, money(l.amount()));
    line.tier = l.tier();
    for (const v1::DealPart& d : l.deals()) {
      DealPart part;
      part.deal_id = d.deal_id();
      ASSIGN_OR_RETURN(part.base, money(d.base()));
      ASSIGN_OR_RETURN(part.amount, money(d.amount()));
      line.deals.push_back(std::move(part));
    }
    for (const v1::EventRef& r : l.refs()) line.refs.push_back(RefFromProto(r));
    line.target_id = l.target_id();
    line.plan_id = l.plan_id();
    line.plan_version = l.plan_version();
    s.lines.push_back(std::move(line));
  }
  ASSIGN_OR_RETURN(s.total, money(p.total()));
  return s;
}

absl::StatusOr<Contest> ContestFromProto(const v1::Contest& p, std::string_view field) {
  FieldViolations violations;
  Contest c;
  c.contest_id = p.contest_id();
  c.metric = p.metric();
  c.scope_id = p.scope().id();
  c.period_id = p.period_id();
  absl::StatusOr<Currency> currency = Currency::Parse(p.currency_code());
  if (currency.ok()) {
    c.currency = *currency;
  } else {
    violations.Add(Path(field, "currency_code"), std::string(currency.status().message()));
  }
  for (int i = 0; i < p.rank_prizes_size(); ++i) {
    c.rank_prizes.push_back(MoneyField(p.rank_prizes(i), c.currency,
                                       Path(field, absl::StrCat("rank_prizes[", i, "]")),
                                       violations));
  }
  for (int i = 0; i < p.threshold_prizes_size(); ++i) {
    const v1::ThresholdPrize& t = p.threshold_prizes(i);
    c.threshold_prizes.push_back(ThresholdPrize{
        t.threshold(),
        MoneyField(t.prize(), c.currency,
                   Path(field, absl::StrCat("threshold_prizes[", i, "].prize")), violations)});
  }
  c.min_value = p.min_value();
  RETURN_IF_ERROR(violations.ToStatus());
  RETURN_IF_ERROR(Prefixed(ValidateContest(c), field));
  return c;
}

v1::Standing StandingToProto(const Standing& s) {
  v1::Standing out;
  out.set_rep_id(s.rep_id);
  out.set_value(s.value);
  out.set_rank(s.rank);
  out.set_tied(s.tied);
  *out.mutable_rank_prize() = s.rank_prize.ToProto();
  *out.mutable_threshold_prize() = s.threshold_prize.ToProto();
  *out.mutable_prize() = s.prize.ToProto();
  return out;
}

}  // namespace salesperf::incentives
