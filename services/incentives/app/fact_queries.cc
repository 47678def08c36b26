#include "services/incentives/app/fact_queries.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/common/string_view_compat.h"
#include "libs/common/validation.h"
#include "salesperf/targets/v1/events.pb.h"
#include "services/incentives/app/convert.h"
#include "services/incentives/app/records.h"
#include "services/incentives/projections/keys.h"

namespace salesperf::incentives {
namespace {

namespace targets = ::salesperf::targets::v1;

bool Binding(int32_t status) {
  return status == targets::TARGET_STATUS_APPROVED || status == targets::TARGET_STATUS_ADJUSTED ||
         status == targets::TARGET_STATUS_CLOSED;
}

common::v1::ScopeRef Scope(common::v1::ScopeKind kind, const std::string& id) {
  common::v1::ScopeRef s;
  s.set_kind(kind);
  if (kind != common::v1::SCOPE_KIND_COMPANY) s.set_id(id);
  return s;
}

// The value in force on `day` among entries ordered by effective_from.
template <typename Entries, typename Get>
auto AsOf(const Entries& entries, absl::CivilDay day, Get get) -> decltype(get(entries.Get(0))) {
  const std::string d = FormatDay(day);
  decltype(get(entries.Get(0))) out{};
  for (const auto& e : entries) {
    if (e.effective_from() > d) break;
    out = get(e);
  }
  return out;
}

absl::Time ToTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

}  // namespace

FactQueries::FactQueries(const projection::ViewDb* views)
    : views_(views), snapshot_(views->GetSnapshot()) {}

template <typename Row>
absl::StatusOr<std::optional<Row>> FactQueries::GetRow(std::string_view view,
                                                       const std::string& key) {
  ASSIGN_OR_RETURN(std::optional<std::string> stored, views_->Get(view, key, snapshot_.get()));
  if (!stored.has_value()) return std::optional<Row>();
  Row row;
  if (!row.ParseFromString(*stored)) {
    return absl::DataLossError(absl::StrCat("malformed row in view ", ToAbsl(view)));
  }
  return std::optional<Row>(std::move(row));
}

absl::StatusOr<OrgCalendar> FactQueries::Org() {
  if (org_.has_value()) return *org_;
  OrgCalendar org;
  ASSIGN_OR_RETURN(std::optional<v1::OrgSettingsRow> row,
                   GetRow<v1::OrgSettingsRow>(keys::kFactsView, keys::kSettingsRow));
  if (row.has_value()) {
    org.known = true;
    if (!row->time_zone().empty()) {
      absl::StatusOr<absl::TimeZone> tz = LoadTimeZone(row->time_zone());
      if (tz.ok()) org.calendar.tz = *tz;
    }
    if (row->fiscal_year_start_month() >= 1 && row->fiscal_year_start_month() <= 12) {
      org.calendar.fiscal_year_start_month = row->fiscal_year_start_month();
    }
    absl::StatusOr<Currency> currency = Currency::Parse(row->currency_code());
    if (currency.ok()) org.currency = *currency;
  }
  org_ = org;
  return org;
}

absl::StatusOr<Period> FactQueries::ParsePeriod(const std::string& period_id,
                                                const std::string& field) {
  ASSIGN_OR_RETURN(const OrgCalendar org, Org());
  absl::StatusOr<Period> period = ParsePeriodId(period_id, org.calendar.fiscal_year_start_month);
  if (!period.ok()) return InvalidField(field, std::string(period.status().message()));
  return *period;
}

absl::StatusOr<RepPlacement> FactQueries::PlacementOn(const std::string& rep_id,
                                                      absl::CivilDay day) {
  RepPlacement placement;
  placement.rep_id = rep_id;
  ASSIGN_OR_RETURN(std::optional<v1::RepRow> row,
                   GetRow<v1::RepRow>(keys::kFactsView, keys::RepRow(rep_id)));
  if (!row.has_value()) return placement;
  const std::string d = FormatDay(day);
  for (const v1::PlacementEntry& p : row->placements()) {
    if (p.effective_from() > d) break;
    placement.team_id = p.team_id();
    placement.region_id = p.region_id();
  }
  return placement;
}

absl::StatusOr<std::vector<std::string>> FactQueries::AllReps() {
  projection::ScanOptions scan;
  scan.prefix = keys::kRepRowPrefix;
  scan.snapshot = snapshot_.get();
  ASSIGN_OR_RETURN(std::vector<projection::ViewRow> rows, views_->Scan(keys::kFactsView, scan));
  std::vector<std::string> reps;
  for (const projection::ViewRow& r : rows) reps.push_back(r.key.substr(scan.prefix.size()));
  return reps;
}

absl::StatusOr<std::set<std::string>> FactQueries::ManagersOf(const std::string& rep_id,
                                                              absl::CivilDay day) {
  ASSIGN_OR_RETURN(const RepPlacement where, PlacementOn(rep_id, day));
  std::vector<common::v1::ScopeRef> scopes = {Scope(common::v1::SCOPE_KIND_COMPANY, "")};
  if (!where.region_id.empty())
    scopes.push_back(Scope(common::v1::SCOPE_KIND_REGION, where.region_id));
  if (!where.team_id.empty()) scopes.push_back(Scope(common::v1::SCOPE_KIND_TEAM, where.team_id));
  std::set<std::string> managers;
  for (const common::v1::ScopeRef& scope : scopes) {
    ASSIGN_OR_RETURN(std::optional<v1::ScopeManagersRow> row,
                     GetRow<v1::ScopeManagersRow>(keys::kFactsView, keys::ManagersRow(scope)));
    if (!row.has_value()) continue;
    const std::string manager =
        AsOf(row->managers(), day, [](const v1::ManagerEntry& e) { return e.manager_id(); });
    if (!manager.empty()) managers.insert(manager);
  }
  return managers;
}

absl::StatusOr<const std::map<std::string, v1::PlanRow>*> FactQueries::PlanRows() {
  if (plan_rows_.has_value()) return &*plan_rows_;
  projection::ScanOptions scan;
  scan.prefix = keys::kPlanRowPrefix;
  scan.snapshot = snapshot_.get();
  ASSIGN_OR_RETURN(std::vector<projection::ViewRow> rows, views_->Scan(keys::kPlansView, scan));
  std::map<std::string, v1::PlanRow> out;
  for (const projection::ViewRow& r : rows) {
    v1::PlanRow row;
    if (!row.ParseFromString(r.value)) return absl::DataLossError("malformed plan row");
    out.emplace(row.plan_id(), std::move(row));
  }
  plan_rows_ = std::move(out);
  return &*plan_rows_;
}

absl::StatusOr<const std::vector<Plan>*> FactQueries::Plans() {
  if (plans_.has_value()) return &*plans_;
  using PlanRowMap = std::map<std::string, v1::PlanRow>;
  ASSIGN_OR_RETURN(const PlanRowMap* rows, PlanRows());
  std::vector<Plan> plans;
  for (const auto& [id, row] : *rows) {
    for (const v1::Plan& version : EffectiveVersions(row)) {
      absl::StatusOr<Plan> plan = PlanFromProto(version);
      if (!plan.ok()) {
        return absl::DataLossError(
            absl::StrCat("stored plan ", id, " is invalid: ", plan.status().message()));
      }
      plans.push_back(*std::move(plan));
    }
  }
  plans_ = std::move(plans);
  return &*plans_;
}

absl::StatusOr<Plan> FactQueries::PlanVersion(const std::string& plan_id, int64_t version) {
  using PlanRowMap = std::map<std::string, v1::PlanRow>;
  ASSIGN_OR_RETURN(const PlanRowMap* rows, PlanRows());
  auto it = rows->find(plan_id);
  if (it == rows->end() || it->second.versions().empty()) {
    return absl::NotFoundError(absl::StrCat("no plan ", plan_id));
  }
  const int64_t n = it->second.versions_size();
  if (version == 0) version = n;
  if (version < 1 || version > n) {
    return absl::NotFoundError(absl::StrCat("plan ", plan_id, " has no version ", version));
  }
  absl::StatusOr<Plan> plan = PlanFromProto(it->second.versions(static_cast<int>(version - 1)));
  if (!plan.ok()) return absl::DataLossError("stored plan is invalid");
  return *plan;
}

absl::StatusOr<std::optional<Plan>> FactQueries::ApplicablePlan(const std::string& rep_id,
                                                                const Period& period) {
  ASSIGN_OR_RETURN(const std::vector<Plan>* plans, Plans());
  ASSIGN_OR_RETURN(const RepPlacement who, PlacementOn(rep_id, period.last_day()));
  const Plan* plan = SelectPlan(*plans, who, period.last_day());
  if (plan == nullptr) return std::optional<Plan>();
  return std::optional<Plan>(*plan);
}

absl::StatusOr<std::vector<CreditedDeal>> FactQueries::Deals(const std::string& rep_id,
                                                             const Period& period) {
  projection::ScanOptions scan;
  scan.prefix = keys::WonPrefix(rep_id);
  scan.lower_bound = scan.prefix + FormatDay(period.first_day());
  scan.upper_bound = scan.prefix + FormatDay(period.last_day() + 1);
  scan.snapshot = snapshot_.get();
  ASSIGN_OR_RETURN(std::vector<projection::ViewRow> rows, views_->Scan(keys::kFactsView, scan));
  std::vector<CreditedDeal> deals;
  for (const projection::ViewRow& r : rows) {
    const std::string deal_id(keys::LastComponent(r.key));
    ASSIGN_OR_RETURN(std::optional<v1::DealRow> row,
                     GetRow<v1::DealRow>(keys::kFactsView, keys::DealRow(deal_id)));
    if (!row.has_value() || !row->has_won()) continue;
    if (row->has_cancelled()) {
      absl::StatusOr<absl::CivilDay> cancelled = ParseDay(row->cancelled().cancelled_on());
      if (cancelled.ok() && period.Contains(*cancelled)) continue;
    }
    const activity::v1::DealWon& won = row->won();
    CreditedDeal deal;
    deal.deal_id = deal_id;
    ASSIGN_OR_RETURN(deal.won_on, ParseDay(won.won_on()));
    absl::StatusOr<Money> amount = Money::FromProto(won.amount());
    if (!amount.ok())
      return absl::DataLossError(absl::StrCat("deal ", deal_id, " has a bad amount"));
    deal.amount = *amount;
    deal.product_line = won.product_line();
    deal.customer_type = won.customer_type();
    for (const activity::v1::CreditSplit& s : won.credit_splits()) {
      deal.splits.push_back(CreditSplit{s.rep_id(), s.share_bp()});
    }
    deal.refs.push_back(RefFromProto(row->won_ref()));
    deals.push_back(std::move(deal));
  }
  return deals;
}

absl::StatusOr<Money> FactQueries::ClawbackCommission(const std::string& rep_id,
                                                      const Period& won_period,
                                                      const std::string& deal_id,
                                                      std::string* plan_id, int64_t* plan_version) {
  ASSIGN_OR_RETURN(const OrgCalendar org, Org());
  ASSIGN_OR_RETURN(std::optional<v1::StatementView> issued, Issued(rep_id, won_period.Id()));
  if (issued.has_value()) {
    ASSIGN_OR_RETURN(const Statement statement, StatementFromProto(issued->statement()));
    *plan_id = statement.plan_id;
    *plan_version = statement.plan_version;
    return DealCommission(statement, deal_id);
  }
  ASSIGN_OR_RETURN(std::optional<Plan> plan, ApplicablePlan(rep_id, won_period));
  if (!plan.has_value()) return Money::Zero(org.currency);
  *plan_id = plan->plan_id;
  *plan_version = plan->version;
  // The won period's facts without its own cancellations: they do not change what this
  // deal earned there, and leaving them out keeps the recursion one level deep.
  RepPeriodFacts won;
  won.rep_id = rep_id;
  won.period_id = won_period.Id();
  won.first_day = won_period.first_day();
  won.last_day = won_period.last_day();
  ASSIGN_OR_RETURN(won.deals, Deals(rep_id, won_period));
  RETURN_IF_ERROR(AddTargets(won, plan->currency));
  RETURN_IF_ERROR(AddQuality(won, won_period));
  RETURN_IF_ERROR(AddTeamCredits(won, won_period));
  return DealCommission(*plan, won, deal_id);
}

absl::Status FactQueries::AddTargets(RepPeriodFacts& facts, const Currency& currency) {
  projection::ScanOptions scan;
  scan.prefix = keys::RepTargetPrefix(facts.rep_id, facts.period_id);
  scan.snapshot = snapshot_.get();
  ASSIGN_OR_RETURN(std::vector<projection::ViewRow> rows, views_->Scan(keys::kFactsView, scan));
  for (const projection::ViewRow& r : rows) {
    const std::string target_id(keys::LastComponent(r.key));
    ASSIGN_OR_RETURN(std::optional<v1::TargetRow> row,
                     GetRow<v1::TargetRow>(keys::kFactsView, keys::TargetRow(target_id)));
    if (!row.has_value() || !Binding(row->status())) continue;
    std::vector<EventRef> refs;
    for (const v1::EventRef& ref : row->refs()) refs.push_back(RefFromProto(ref));
    if (row->metric() == "revenue") {
      if (facts.revenue_target.has_value()) continue;  // the first binding one (by id)
      absl::StatusOr<Currency> c = Currency::Parse(row->currency_code());
      facts.revenue_target = Money(c.ok() ? *c : currency, row->value());
      facts.target_id = target_id;
      facts.target_refs = std::move(refs);
    } else if (row->metric() == "deals_won") {
      MetricAttainment m;
      m.metric = row->metric();
      m.target_id = target_id;
      m.target = row->value();
      m.actual = static_cast<int64_t>(facts.deals.size());
      m.refs = std::move(refs);
      for (const CreditedDeal& d : facts.deals)
        m.refs.insert(m.refs.end(), d.refs.begin(), d.refs.end());
      facts.metrics.push_back(std::move(m));
    }
  }
  return absl::OkStatus();
}

absl::Status FactQueries::AddQuality(RepPeriodFacts& facts, const Period& period) {
  ASSIGN_OR_RETURN(const OrgCalendar org, Org());
  projection::ScanOptions scan;
  scan.prefix = keys::QualityPrefix(facts.rep_id);
  scan.lower_bound = keys::QualityBound(facts.rep_id, period.StartTime(org.calendar.tz));
  scan.upper_bound = keys::QualityBound(facts.rep_id, period.EndTime(org.calendar.tz));
  scan.snapshot = snapshot_.get();
  ASSIGN_OR_RETURN(std::vector<projection::ViewRow> rows, views_->Scan(keys::kFactsView, scan));
  for (const projection::ViewRow& r : rows) {
    v1::QualityRow row;
    if (!row.ParseFromString(r.value)) return absl::DataLossError("malformed quality row");
    if (!period.Contains(ToTime(row.at()), org.calendar.tz)) continue;
    if (row.csat_score() > 0) {
      facts.csat_sum += row.csat_score();
      ++facts.csat_responses;
    }
    if (row.severe_complaint()) ++facts.severe_complaints;
    facts.quality_refs.push_back(RefFromProto(row.ref()));
  }
  return absl::OkStatus();
}

absl::Status FactQueries::AddTeamCredits(RepPeriodFacts& facts, const Period& period) {
  projection::ScanOptions scan;
  scan.prefix = keys::ManagedPrefix(facts.rep_id);
  scan.snapshot = snapshot_.get();
  ASSIGN_OR_RETURN(std::vector<projection::ViewRow> managed, views_->Scan(keys::kFactsView, scan));
  for (const projection::ViewRow& m : managed) {
    const std::string scope_key = m.key.substr(scan.prefix.size());
    // Teams only ('3' = SCOPE_KIND_TEAM): overrides pay on a team's credited revenue.
    if (scope_key.empty() || scope_key[0] != '0' + common::v1::SCOPE_KIND_TEAM) continue;
    const std::string team_id = scope_key.substr(1);
    ASSIGN_OR_RETURN(
        std::optional<v1::ScopeManagersRow> managers,
        GetRow<v1::ScopeManagersRow>(
            keys::kFactsView, keys::ManagersRow(Scope(common::v1::SCOPE_KIND_TEAM, team_id))));
    if (!managers.has_value()) continue;
    const std::string manager = AsOf(managers->managers(), period.last_day(),
                                     [](const v1::ManagerEntry& e) { return e.manager_id(); });
    if (manager != facts.rep_id) continue;
    projection::ScanOptions members;
    members.prefix = keys::TeamMemberPrefix(team_id);
    members.snapshot = snapshot_.get();
    ASSIGN_OR_RETURN(std::vector<projection::ViewRow> reps,
                     views_->Scan(keys::kFactsView, members));
    for (const projection::ViewRow& r : reps) {
      const std::string member = r.key.substr(members.prefix.size());
      if (member == facts.rep_id) continue;
      ASSIGN_OR_RETURN(std::vector<CreditedDeal> deals, Deals(member, period));
      for (const CreditedDeal& deal : deals) {
        // Credit counts for the team the rep was in on the day the deal was won.
        ASSIGN_OR_RETURN(const RepPlacement where, PlacementOn(member, deal.won_on));
        if (where.team_id != team_id) continue;
        absl::StatusOr<Money> credited = CreditedAmount(deal, member);
        if (!credited.ok()) continue;  // the deal's splits are rejected on the member's statement
        facts.team_credits.push_back(
            TeamCredit{team_id, member, deal.deal_id, *credited, deal.refs});
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<RepPeriodFacts> FactQueries::Facts(const std::string& rep_id, const Period& period) {
  ASSIGN_OR_RETURN(const OrgCalendar org, Org());
  RepPeriodFacts facts;
  facts.rep_id = rep_id;
  facts.period_id = period.Id();
  facts.first_day = period.first_day();
  facts.last_day = period.last_day();
  ASSIGN_OR_RETURN(facts.deals, Deals(rep_id, period));

  projection::ScanOptions scan;
  scan.prefix = keys::CancelledPrefix(rep_id);
  scan.lower_bound = scan.prefix + FormatDay(period.first_day());
  scan.upper_bound = scan.prefix + FormatDay(period.last_day() + 1);
  scan.snapshot = snapshot_.get();
  ASSIGN_OR_RETURN(std::vector<projection::ViewRow> rows, views_->Scan(keys::kFactsView, scan));
  for (const projection::ViewRow& r : rows) {
    const std::string deal_id(keys::LastComponent(r.key));
    ASSIGN_OR_RETURN(std::optional<v1::DealRow> row,
                     GetRow<v1::DealRow>(keys::kFactsView, keys::DealRow(deal_id)));
    if (!row.has_value() || !row->has_cancelled()) continue;
    ASSIGN_OR_RETURN(const absl::CivilDay won_on, ParseDay(row->cancelled().won_on()));
    if (won_on >= period.first_day()) continue;  // won in this period: simply not credited
    ASSIGN_OR_RETURN(const Period won_period,
                     Period::Containing(period.kind(), won_on, period.fiscal_year_start_month()));
    Cancellation c;
    c.deal_id = deal_id;
    ASSIGN_OR_RETURN(c.cancelled_on, ParseDay(row->cancelled().cancelled_on()));
    c.won_period_id = won_period.Id();
    ASSIGN_OR_RETURN(c.commission, ClawbackCommission(rep_id, won_period, deal_id, &c.won_plan_id,
                                                      &c.won_plan_version));
    if (c.commission.is_negative()) c.commission = Money::Zero(c.commission.currency());
    c.refs.push_back(RefFromProto(row->cancelled_ref()));
    if (row->has_won_ref()) c.refs.push_back(RefFromProto(row->won_ref()));
    facts.cancellations.push_back(std::move(c));
  }
  RETURN_IF_ERROR(AddTargets(facts, org.currency));
  RETURN_IF_ERROR(AddQuality(facts, period));
  RETURN_IF_ERROR(AddTeamCredits(facts, period));
  return facts;
}

absl::StatusOr<std::optional<v1::StatementView>> FactQueries::Issued(const std::string& rep_id,
                                                                     const std::string& period_id) {
  return GetRow<v1::StatementView>(keys::kStatementsView, keys::StatementRow(period_id, rep_id));
}

absl::StatusOr<std::vector<v1::StatementView>> FactQueries::IssuedInPeriod(
    const std::string& period_id) {
  projection::ScanOptions scan;
  scan.prefix = keys::StatementPeriodPrefix(period_id);
  scan.snapshot = snapshot_.get();
  ASSIGN_OR_RETURN(std::vector<projection::ViewRow> rows,
                   views_->Scan(keys::kStatementsView, scan));
  std::vector<v1::StatementView> out;
  for (const projection::ViewRow& r : rows) {
    v1::StatementView view;
    if (!view.ParseFromString(r.value)) return absl::DataLossError("malformed statement row");
    out.push_back(std::move(view));
  }
  return out;
}

absl::StatusOr<std::optional<v1::ContestRow>> FactQueries::ContestRow(
    const std::string& contest_id) {
  return GetRow<v1::ContestRow>(keys::kContestsView, keys::ContestRow(contest_id));
}

absl::StatusOr<std::vector<ContestEntry>> FactQueries::ContestEntries(const v1::Contest& contest) {
  ASSIGN_OR_RETURN(const Period period, ParsePeriod(contest.period_id(), "contest.period_id"));
  ASSIGN_OR_RETURN(std::vector<std::string> reps, AllReps());
  std::vector<ContestEntry> entries;
  for (const std::string& rep : reps) {
    ASSIGN_OR_RETURN(const RepPlacement where, PlacementOn(rep, period.last_day()));
    if (where.team_id.empty()) continue;  // not in the organisation that day
    const common::v1::ScopeRef& scope = contest.scope();
    if (scope.kind() == common::v1::SCOPE_KIND_REGION && where.region_id != scope.id()) continue;
    if (scope.kind() == common::v1::SCOPE_KIND_TEAM && where.team_id != scope.id()) continue;
    if (scope.kind() == common::v1::SCOPE_KIND_REP && rep != scope.id()) continue;
    ASSIGN_OR_RETURN(std::vector<CreditedDeal> deals, Deals(rep, period));
    ContestEntry entry{rep, 0};
    if (contest.metric() == "deals_won") {
      entry.value = static_cast<int64_t>(deals.size());
    } else {
      for (const CreditedDeal& d : deals) {
        absl::StatusOr<Money> credited = CreditedAmount(d, rep);
        if (credited.ok()) entry.value += credited->minor_units();
      }
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace salesperf::incentives
