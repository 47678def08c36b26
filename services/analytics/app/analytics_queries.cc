#include "services/analytics/app/analytics_queries.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/common/ids.h"
#include "libs/common/status_macros.h"
#include "libs/common/validation.h"
#include "services/analytics/domain/counters.h"
#include "services/analytics/domain/org.h"
#include "services/analytics/projections/analytics_view.h"
#include "services/analytics/projections/keys.h"

namespace salesperf::analytics {
namespace {

using common::v1::ScopeKind;
using common::v1::ScopeRef;

constexpr int kDefaultTopN = 10;
constexpr int kMaxTopN = 1000;
constexpr int kDefaultTrendPoints = 12;
constexpr int kMaxTrendPoints = 400;

// Reads of one query, all at one snapshot.
class Reader {
 public:
  explicit Reader(const projection::ViewDb& db) : db_(db), snapshot_(db.GetSnapshot()) {}

  template <typename Msg>
  absl::StatusOr<std::optional<Msg>> Get(const std::string& key) const {
    ASSIGN_OR_RETURN(std::optional<std::string> bytes, db_.Get(keys::kView, key, snapshot_.get()));
    if (!bytes.has_value()) return std::optional<Msg>();
    Msg msg;
    if (!msg.ParseFromString(*bytes)) {
      return absl::DataLossError(absl::StrCat("malformed row ", key));
    }
    return std::optional<Msg>(std::move(msg));
  }
  absl::StatusOr<std::optional<std::string>> GetRaw(const std::string& key) const {
    return db_.Get(keys::kView, key, snapshot_.get());
  }
  template <typename Msg>
  absl::StatusOr<Msg> GetOrDefault(const std::string& key) const {
    ASSIGN_OR_RETURN(std::optional<Msg> row, Get<Msg>(key));
    return row.has_value() ? *std::move(row) : Msg();
  }

  absl::StatusOr<std::unique_ptr<projection::ViewIterator>> Iterate(
      projection::ScanOptions options) const {
    options.snapshot = snapshot_.get();
    return db_.NewIterator(keys::kView, options);
  }

  // The key suffixes after `prefix` of every row under it.
  absl::StatusOr<std::vector<std::string>> Suffixes(const std::string& prefix) const {
    projection::ScanOptions scan;
    scan.prefix = prefix;
    ASSIGN_OR_RETURN(auto it, Iterate(scan));
    std::vector<std::string> out;
    for (; it->Valid(); it->Next()) out.emplace_back(it->key().substr(prefix.size()));
    RETURN_IF_ERROR(it->status());
    return out;
  }

  // The rows of one scope's (or rep's) counters: a row per day under `days_prefix` and a
  // row per whole month, quarter and year at `period_key(kind, period id)`.
  struct CounterRows {
    std::string days_prefix;
    std::function<std::string(PeriodKind, const std::string&)> period_key;
  };
  static CounterRows RepRows(const std::string& rep) {
    return {keys::RepDaysPrefix(rep),
            [rep](PeriodKind, const std::string& period) { return keys::RepPeriod(period, rep); }};
  }
  static CounterRows ScopeRows(char level, const std::string& id) {
    return {keys::ScopeDaysPrefix(level, id),
            [level, id](PeriodKind kind, const std::string& period) {
              return keys::ScopePeriod(level, id, kind, period);
            }};
  }

  // The sums of days [first, last] of each of `sources`, in their order. The range is cut
  // into the largest whole calendar years, quarters and months it holds, each read from
  // its row (all sources' rows in one MultiGet), and the days left over at its ends,
  // scanned per source.
  absl::StatusOr<std::vector<Counters>> SumEach(const std::vector<CounterRows>& sources,
                                                absl::CivilDay first, absl::CivilDay last) const {
    std::vector<Counters> totals(sources.size());
    std::vector<std::string> period_keys;
    std::vector<size_t> key_owner;  // index into sources of each period key
    for (absl::CivilDay day = first; day <= last;) {
      bool whole = false;
      for (PeriodKind kind : {PeriodKind::kYear, PeriodKind::kQuarter, PeriodKind::kMonth}) {
        ASSIGN_OR_RETURN(Period period, Period::Containing(kind, day));
        if (period.first_day() != day || period.last_day() > last) continue;
        for (size_t i = 0; i < sources.size(); ++i) {
          period_keys.push_back(sources[i].period_key(kind, period.Id()));
          key_owner.push_back(i);
        }
        day = period.last_day() + 1;
        whole = true;
        break;
      }
      if (whole) continue;
      const absl::CivilDay to = std::min(last, absl::CivilDay(absl::CivilMonth(day) + 1) - 1);
      for (size_t i = 0; i < sources.size(); ++i) {
        projection::ScanOptions scan;
        scan.lower_bound = sources[i].days_prefix + DayId(day);
        scan.upper_bound = sources[i].days_prefix + DayId(to) + std::string(1, '\0');
        ASSIGN_OR_RETURN(auto it, Iterate(scan));
        for (; it->Valid(); it->Next()) {
          Counters c;
          if (!c.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
            return absl::DataLossError(absl::StrCat("malformed row ", std::string(it->key())));
          }
          AddTo(totals[i], c);
        }
        RETURN_IF_ERROR(it->status());
      }
      day = to + 1;
    }
    ASSIGN_OR_RETURN(std::vector<Counters> rows, GetEachOrDefault<Counters>(period_keys));
    for (size_t k = 0; k < rows.size(); ++k) AddTo(totals[key_owner[k]], rows[k]);
    return totals;
  }

  absl::StatusOr<Counters> SumRep(const std::string& rep, absl::CivilDay first,
                                  absl::CivilDay last) const {
    ASSIGN_OR_RETURN(std::vector<Counters> sums, SumEach({RepRows(rep)}, first, last));
    return std::move(sums.front());
  }
  absl::StatusOr<Counters> SumScope(char level, const std::string& id, absl::CivilDay first,
                                    absl::CivilDay last) const {
    ASSIGN_OR_RETURN(std::vector<Counters> sums, SumEach({ScopeRows(level, id)}, first, last));
    return std::move(sums.front());
  }

  // The rows at `keys` (default instances where absent), in one MultiGet.
  template <typename Msg>
  absl::StatusOr<std::vector<Msg>> GetEachOrDefault(const std::vector<std::string>& keys) const {
    ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> values,
                     db_.MultiGet(keys::kView, keys, snapshot_.get()));
    std::vector<Msg> out(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) {
      if (values[i].has_value() && !out[i].ParseFromString(*values[i])) {
        return absl::DataLossError(absl::StrCat("malformed row ", keys[i]));
      }
    }
    return out;
  }

 private:
  const projection::ViewDb& db_;
  std::unique_ptr<projection::ReadSnapshot> snapshot_;
};

char LevelOf(ScopeKind kind) {
  switch (kind) {
    case common::v1::SCOPE_KIND_REGION:
      return keys::kRegion;
    case common::v1::SCOPE_KIND_TEAM:
      return keys::kTeam;
    default:
      return keys::kCompany;
  }
}

void ValidateScope(const ScopeRef& scope, const std::string& field, bool allow_rep,
                   FieldViolations& violations) {
  switch (scope.kind()) {
    case common::v1::SCOPE_KIND_COMPANY:
      return;
    case common::v1::SCOPE_KIND_REP:
      if (!allow_rep) {
        violations.Add(field + ".kind", "must be company, region or team");
        return;
      }
      [[fallthrough]];
    case common::v1::SCOPE_KIND_REGION:
    case common::v1::SCOPE_KIND_TEAM:
      if (scope.id().empty()) {
        violations.Add(field + ".id", "is required for this scope kind");
      } else {
        violations.AddIfError(field + ".id", ValidateId(scope.id()));
      }
      return;
    default:
      violations.Add(field + ".kind", allow_rep ? "must be company, region, team or rep"
                                                : "must be company, region or team");
  }
}

std::optional<absl::CivilDay> ParseAsOf(const std::string& value, const std::string& field,
                                        FieldViolations& violations) {
  if (value.empty()) return std::nullopt;
  absl::CivilDay day;
  if (!ParseDay(value, &day)) {
    violations.Add(field, "must be a day YYYY-MM-DD");
    return std::nullopt;
  }
  return day;
}

// The days of `period` up to `as_of` ([first, last]); nullopt when none.
std::optional<std::pair<absl::CivilDay, absl::CivilDay>> DaysOf(
    const Period& period, std::optional<absl::CivilDay> as_of) {
  absl::CivilDay last = period.last_day();
  if (as_of.has_value()) last = std::min(last, *as_of);
  if (last < period.first_day()) return std::nullopt;
  return std::make_pair(period.first_day(), last);
}

// Everything one query of the service needs from the organisation.
struct Context {
  Calendar calendar;
  std::string currency;
};

absl::StatusOr<Context> LoadContext(const Reader& reader, const AnalyticsQueriesOptions& options) {
  Context context;
  context.calendar.tz = options.time_zone;
  context.currency = options.default_currency;
  ASSIGN_OR_RETURN(v1::SettingsRow row, reader.GetOrDefault<v1::SettingsRow>(keys::Settings()));
  const targets::v1::OrganisationSettings& s = row.settings();
  if (s.fiscal_year_start_month() >= 1 && s.fiscal_year_start_month() <= 12) {
    context.calendar.fiscal_year_start_month = s.fiscal_year_start_month();
  }
  if (!s.currency_code().empty()) context.currency = s.currency_code();
  for (const std::string& d : s.non_working_days()) {
    absl::CivilDay day;
    if (ParseDay(d, &day)) context.calendar.holidays.insert(day);
  }
  for (const std::string& d : s.make_up_working_days()) {
    absl::CivilDay day;
    if (ParseDay(d, &day) && !context.calendar.holidays.contains(day)) {
      context.calendar.extra_working_days.insert(day);
    }
  }
  return context;
}

absl::StatusOr<Period> ParsePeriodField(const common::v1::Period& proto, const std::string& field,
                                        const Context& context, FieldViolations& violations) {
  if (proto.id().empty()) {
    violations.Add(field + ".id", "is required, e.g. 2026-11 or 2026-Q4");
    return absl::InvalidArgumentError("period");
  }
  absl::StatusOr<Period> period = PeriodFromProto(proto, context.calendar.fiscal_year_start_month);
  if (!period.ok()) violations.Add(field + ".id", std::string(period.status().message()));
  return period;
}

// Counters of `scope` over [first, last].
absl::StatusOr<Counters> ScopeCounters(const Reader& reader, const ScopeRef& scope,
                                       absl::CivilDay first, absl::CivilDay last) {
  if (scope.kind() == common::v1::SCOPE_KIND_REP) return reader.SumRep(scope.id(), first, last);
  const char level = LevelOf(scope.kind());
  return reader.SumScope(level, level == keys::kCompany ? "" : scope.id(), first, last);
}

// The reps placed in a team or region (`level`, `scope_id`) today: a move or deactivation
// dated later has not happened yet.
absl::StatusOr<std::vector<std::string>> RepsPlacedOn(const Reader& reader, char level,
                                                      const std::string& scope_id,
                                                      absl::CivilDay today) {
  ASSIGN_OR_RETURN(std::vector<std::string> members,
                   reader.Suffixes(keys::MembersPrefix(level, scope_id)));
  std::vector<std::string> rep_keys;
  for (const std::string& rep_id : members) rep_keys.push_back(keys::Rep(rep_id));
  ASSIGN_OR_RETURN(std::vector<v1::RepRow> rows, reader.GetEachOrDefault<v1::RepRow>(rep_keys));
  const std::string day = DayId(today);
  std::vector<std::string> placed;
  for (size_t i = 0; i < members.size(); ++i) {
    const Placement p = PlacementOn(rows[i], day);
    if ((level == keys::kTeam ? p.team_id : p.region_id) == scope_id) {
      placed.push_back(members[i]);
    }
  }
  return placed;
}

// The reps' pipeline rows (open deals and flags now), in their order, in one MultiGet.
absl::StatusOr<std::vector<v1::PipelineRow>> PipelinesOf(const Reader& reader,
                                                         const std::vector<std::string>& reps) {
  std::vector<std::string> pipeline_keys;
  for (const std::string& rep_id : reps) pipeline_keys.push_back(keys::Pipeline(rep_id));
  return reader.GetEachOrDefault<v1::PipelineRow>(pipeline_keys);
}

// Open pipeline and risk flags of `scope` as they stand today (a team's or region's: of
// the reps placed there today).
absl::StatusOr<v1::PipelineRow> ScopePipeline(const Reader& reader, const ScopeRef& scope,
                                              absl::CivilDay today) {
  switch (scope.kind()) {
    case common::v1::SCOPE_KIND_REP:
      return reader.GetOrDefault<v1::PipelineRow>(keys::Pipeline(scope.id()));
    case common::v1::SCOPE_KIND_REGION:
    case common::v1::SCOPE_KIND_TEAM: {
      ASSIGN_OR_RETURN(std::vector<std::string> reps,
                       RepsPlacedOn(reader, LevelOf(scope.kind()), scope.id(), today));
      ASSIGN_OR_RETURN(std::vector<v1::PipelineRow> rows, PipelinesOf(reader, reps));
      v1::PipelineRow total;
      for (const v1::PipelineRow& p : rows) {
        total.set_qualified_count(total.qualified_count() + p.qualified_count());
        total.set_qualified_minor(total.qualified_minor() + p.qualified_minor());
        total.set_proposal_count(total.proposal_count() + p.proposal_count());
        total.set_proposal_minor(total.proposal_minor() + p.proposal_minor());
        total.set_negotiation_count(total.negotiation_count() + p.negotiation_count());
        total.set_negotiation_minor(total.negotiation_minor() + p.negotiation_minor());
        total.set_open_risk_flags(total.open_risk_flags() + p.open_risk_flags());
      }
      return total;
    }
    default:
      return reader.GetOrDefault<v1::PipelineRow>(keys::CompanyPipeline());
  }
}

common::v1::Money MoneyOf(const std::string& currency, int64_t minor) {
  common::v1::Money m;
  m.set_currency_code(currency);
  m.set_minor_units(minor);
  return m;
}

void FillKpis(const Counters& c, const v1::PipelineRow& pipeline, const Context& context,
              int64_t working_days, v1::Kpis& k) {
  k.mutable_revenue()->CopyFrom(MoneyOf(context.currency, c.revenue_minor()));
  k.set_deals_won(c.deals_won());
  k.set_deals_lost(c.deals_lost());
  k.set_deals_cancelled(c.deals_cancelled());
  k.set_win_rate_bp(MetricValue(c, v1::METRIC_WIN_RATE));
  k.mutable_average_deal_size()->CopyFrom(
      MoneyOf(context.currency, MetricValue(c, v1::METRIC_AVERAGE_DEAL_SIZE)));
  const std::pair<const char*, std::pair<int64_t, int64_t>> stages[] = {
      {"qualified", {pipeline.qualified_count(), pipeline.qualified_minor()}},
      {"proposal", {pipeline.proposal_count(), pipeline.proposal_minor()}},
      {"negotiation", {pipeline.negotiation_count(), pipeline.negotiation_minor()}}};
  for (const auto& [name, value] : stages) {
    v1::StageValue* s = k.add_pipeline();
    s->set_stage(name);
    s->set_deals(value.first);
    *s->mutable_value() = MoneyOf(context.currency, value.second);
  }
  k.set_new_customers(c.new_customers());
  k.set_calls(c.calls());
  k.set_connected_calls(c.connected_calls());
  k.set_call_minutes(MetricValue(c, v1::METRIC_CALL_MINUTES));
  k.set_average_call_seconds(MetricValue(c, v1::METRIC_AVERAGE_CALL_SECONDS));
  k.set_working_days(working_days);
  k.set_calls_per_working_day_centi(MulDiv(c.calls(), 100, working_days));
  k.set_visits_planned(c.visits_planned());
  k.set_visits_done(c.visits_done());
  k.set_visits_verified(c.visits_verified());
  k.set_visit_plan_changes(c.visit_plan_changes());
  k.set_csat_average_centi(MetricValue(c, v1::METRIC_CSAT_AVERAGE));
  k.set_csat_satisfied_bp(MetricValue(c, v1::METRIC_CSAT_SATISFIED));
  k.set_csat_responses(c.csat_responses());
  k.set_nps(MetricValue(c, v1::METRIC_NPS));
  k.set_nps_responses(c.nps_responses());
  k.set_complaints(c.complaints());
  k.set_open_risk_flags(pipeline.open_risk_flags());
  k.set_leads(c.leads());
}

int64_t WorkingDaysBetween(const Calendar& calendar, absl::CivilDay first, absl::CivilDay last) {
  int64_t n = 0;
  for (absl::CivilDay d = first; d <= last; ++d) n += IsWorkingDay(d, calendar) ? 1 : 0;
  return n;
}

// Working days of [first, last] that have passed by `today` (calls per working day: a
// running period counts its working days up to today, not the days still to come).
int64_t ElapsedWorkingDays(const Calendar& calendar, absl::CivilDay first, absl::CivilDay last,
                           absl::CivilDay today) {
  const absl::CivilDay to = std::min(last, today);
  return to < first ? 0 : WorkingDaysBetween(calendar, first, to);
}

// Rejects a state metric (open pipeline value, open risk flags) where a past value is
// asked for: the view keeps them as they stand now only.
void CheckStateMetricNow(Metric metric, const std::string& field, const char* past,
                         FieldViolations& violations) {
  if (IsStateMetric(metric)) {
    violations.Add(field, absl::StrCat(std::string(MetricName(metric)),
                                       " is a state as it stands now; it has no ", past));
  }
}

struct Ranked {
  std::string rep_id;
  int64_t value = 0;
};

void SortRanking(std::vector<Ranked>& ranking) {
  std::sort(ranking.begin(), ranking.end(), [](const Ranked& a, const Ranked& b) {
    if (a.value != b.value) return a.value > b.value;
    return a.rep_id < b.rep_id;
  });
}

// Every rep with facts in `scope` over [first, last] and its metric value there, ranked
// (value descending, ties by rep id). Computed from rep rows: the same ranking the
// index gives for the company (AnalyticsHistoryTest.IndexedAndComputedLeaderboardsAgree).
absl::StatusOr<std::vector<Ranked>> ComputeRanking(const Reader& reader, const ScopeRef& scope,
                                                   Metric metric, absl::CivilDay first,
                                                   absl::CivilDay last, const MetricBasis& basis) {
  std::vector<Ranked> ranking;
  if (scope.kind() == common::v1::SCOPE_KIND_COMPANY) {
    std::set<std::string> candidates;
    for (absl::CivilMonth m(first); m <= absl::CivilMonth(last); ++m) {
      ASSIGN_OR_RETURN(
          std::vector<std::string> reps,
          reader.Suffixes(keys::RepPeriodPrefix(DayId(absl::CivilDay(m)).substr(0, 7))));
      candidates.insert(reps.begin(), reps.end());
    }
    std::vector<Reader::CounterRows> sources;
    for (const std::string& rep : candidates) sources.push_back(Reader::RepRows(rep));
    ASSIGN_OR_RETURN(std::vector<Counters> sums, reader.SumEach(sources, first, last));
    size_t i = 0;
    for (const std::string& rep : candidates) {
      const Counters& c = sums[i++];
      if (!IsZero(c)) ranking.push_back({rep, MetricValue(c, metric, basis)});
    }
  } else {
    const char level = LevelOf(scope.kind());
    ASSIGN_OR_RETURN(std::vector<std::string> reps,
                     reader.Suffixes(keys::MembersPrefix(level, scope.id())));
    for (const std::string& rep_id : reps) {
      ASSIGN_OR_RETURN(v1::RepRow rep, reader.GetOrDefault<v1::RepRow>(keys::Rep(rep_id)));
      Counters total;
      for (const Stint& stint : StintsWithin(rep, DayId(first), DayId(last))) {
        const std::string& at =
            level == keys::kTeam ? stint.placement.team_id : stint.placement.region_id;
        if (at != scope.id()) continue;
        absl::CivilDay a;
        absl::CivilDay b;
        ParseDay(stint.first, &a);
        ParseDay(stint.last, &b);
        ASSIGN_OR_RETURN(Counters c, reader.SumRep(rep_id, a, b));
        AddTo(total, c);
      }
      if (!IsZero(total)) ranking.push_back({rep_id, MetricValue(total, metric, basis)});
    }
  }
  SortRanking(ranking);
  return ranking;
}

// The reps of `scope` today (company: every rep with a pipeline row; team or region: the
// reps placed there today, as ScopePipeline counts them) ranked by a state metric: those
// with an open deal (pipeline value) or an open flag (open risk flags).
absl::StatusOr<std::vector<Ranked>> RankStateNow(const Reader& reader, const ScopeRef& scope,
                                                 Metric metric, absl::CivilDay today) {
  std::vector<std::string> reps;
  if (scope.kind() == common::v1::SCOPE_KIND_COMPANY) {
    ASSIGN_OR_RETURN(reps, reader.Suffixes(keys::Pipeline("")));
  } else {
    ASSIGN_OR_RETURN(reps, RepsPlacedOn(reader, LevelOf(scope.kind()), scope.id(), today));
  }
  ASSIGN_OR_RETURN(std::vector<v1::PipelineRow> pipelines, PipelinesOf(reader, reps));
  std::vector<Ranked> ranking;
  for (size_t i = 0; i < reps.size(); ++i) {
    const v1::PipelineRow& p = pipelines[i];
    const bool has = metric == v1::METRIC_OPEN_RISK_FLAGS
                         ? p.open_risk_flags() != 0
                         : p.qualified_count() + p.proposal_count() + p.negotiation_count() != 0;
    if (!has) continue;
    MetricBasis basis;
    basis.pipeline = p;
    ranking.push_back({reps[i], MetricValue(Counters(), metric, basis)});
  }
  SortRanking(ranking);
  return ranking;
}

}  // namespace

AnalyticsQueries::AnalyticsQueries(AnalyticsQueriesOptions options) : options_(std::move(options)) {
  if (options_.clock == nullptr) options_.clock = RealClock();
}

absl::CivilDay AnalyticsQueries::Today() const {
  return absl::ToCivilDay(options_.clock->Now(), options_.time_zone);
}

absl::StatusOr<Calendar> AnalyticsQueries::CurrentCalendar() const {
  Reader reader(*options_.views);
  ASSIGN_OR_RETURN(Context context, LoadContext(reader, options_));
  return context.calendar;
}

absl::StatusOr<v1::GetKpisResponse> AnalyticsQueries::GetKpis(
    const v1::GetKpisRequest& request) const {
  Reader reader(*options_.views);
  ASSIGN_OR_RETURN(Context context, LoadContext(reader, options_));
  FieldViolations violations;
  ValidateScope(request.scope(), "scope", /*allow_rep=*/true, violations);
  absl::StatusOr<Period> period = ParsePeriodField(request.period(), "period", context, violations);
  const std::optional<absl::CivilDay> as_of =
      ParseAsOf(request.as_of_day(), "as_of_day", violations);
  RETURN_IF_ERROR(violations.ToStatus());
  v1::GetKpisResponse response;
  v1::Kpis& k = *response.mutable_kpis();
  *k.mutable_scope() = request.scope();
  *k.mutable_period() = ToProto(*period);
  Counters counters;
  int64_t working_days = 0;
  if (auto days = DaysOf(*period, as_of)) {
    k.set_first_day(DayId(days->first));
    k.set_last_day(DayId(days->second));
    ASSIGN_OR_RETURN(counters, ScopeCounters(reader, request.scope(), days->first, days->second));
    working_days = ElapsedWorkingDays(context.calendar, days->first, days->second, Today());
  }
  ASSIGN_OR_RETURN(v1::PipelineRow pipeline, ScopePipeline(reader, request.scope(), Today()));
  FillKpis(counters, pipeline, context, working_days, k);
  return response;
}

absl::StatusOr<v1::GetAttainmentResponse> AnalyticsQueries::GetAttainment(
    const v1::GetAttainmentRequest& request) const {
  Reader reader(*options_.views);
  ASSIGN_OR_RETURN(Context context, LoadContext(reader, options_));
  FieldViolations violations;
  const bool filter_scope = request.scope().kind() != common::v1::SCOPE_KIND_UNSPECIFIED;
  if (filter_scope) ValidateScope(request.scope(), "scope", /*allow_rep=*/true, violations);
  std::optional<Period> filter_period;
  if (!request.period().id().empty()) {
    absl::StatusOr<Period> p = ParsePeriodField(request.period(), "period", context, violations);
    if (p.ok()) filter_period = *p;
  }
  const std::optional<absl::CivilDay> given =
      ParseAsOf(request.as_of_day(), "as_of_day", violations);
  if (!request.target_id().empty()) {
    violations.AddIfError("target_id", ValidateId(request.target_id()));
  }
  RETURN_IF_ERROR(violations.ToStatus());
  const absl::CivilDay as_of = given.value_or(Today());

  std::vector<v1::TargetRow> targets;
  if (!request.target_id().empty()) {
    ASSIGN_OR_RETURN(std::optional<v1::TargetRow> row,
                     reader.Get<v1::TargetRow>(keys::Target(request.target_id())));
    if (!row.has_value()) {
      return absl::NotFoundError(absl::StrCat("no target ", request.target_id()));
    }
    targets.push_back(*std::move(row));
  } else {
    projection::ScanOptions scan;
    scan.prefix = std::string(keys::kTargetPrefix);
    ASSIGN_OR_RETURN(auto it, reader.Iterate(scan));
    for (; it->Valid(); it->Next()) {
      v1::TargetRow row;
      if (!row.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        return absl::DataLossError("malformed target row");
      }
      targets.push_back(std::move(row));
    }
    RETURN_IF_ERROR(it->status());
  }

  v1::GetAttainmentResponse response;
  for (const v1::TargetRow& t : targets) {
    const ScopeRef& scope = t.key().scope();
    if (filter_scope &&
        (scope.kind() != request.scope().kind() ||
         (scope.kind() != common::v1::SCOPE_KIND_COMPANY && scope.id() != request.scope().id()))) {
      continue;
    }
    absl::CivilDay first;
    absl::CivilDay last;
    if (!ParseDay(t.period_first_day(), &first) || !ParseDay(t.period_last_day(), &last)) continue;
    if (filter_period.has_value() &&
        (filter_period->first_day() != first || filter_period->last_day() != last)) {
      continue;
    }
    Counters c;
    const absl::CivilDay cut = std::min(last, as_of);
    if (cut >= first) {
      ASSIGN_OR_RETURN(c, ScopeCounters(reader, scope, first, cut));
    }
    AttainmentInput in;
    in.metric = t.key().metric();
    in.working_days = WorkingDaysBetween(context.calendar, first, last);
    in.working_days_elapsed = ElapsedWorkingDays(context.calendar, first, last, as_of);
    in.period_over = as_of >= last;
    std::string unit;
    switch (in.metric) {
      case targets::v1::METRIC_REVENUE:
        in.actual = c.revenue_minor();
        in.target = t.value().money().minor_units();
        unit = context.currency;
        break;
      case targets::v1::METRIC_AVERAGE_DEAL_SIZE:
        in.actual = MetricValue(c, v1::METRIC_AVERAGE_DEAL_SIZE);
        in.target = t.value().money().minor_units();
        unit = context.currency;
        break;
      case targets::v1::METRIC_DEALS_WON:
        in.actual = c.deals_won();
        unit = "deals";
        break;
      case targets::v1::METRIC_NEW_CUSTOMERS:
        in.actual = c.new_customers();
        unit = "customers";
        break;
      case targets::v1::METRIC_CALLS:
        in.actual = c.calls();
        unit = "calls";
        break;
      case targets::v1::METRIC_CALL_MINUTES:
        in.actual = MetricValue(c, v1::METRIC_CALL_MINUTES);
        unit = "minutes";
        break;
      case targets::v1::METRIC_VISITS:
        in.actual = c.visits_done();
        unit = "visits";
        break;
      case targets::v1::METRIC_CONVERSION_RATE:
        in.actual = MetricValue(c, v1::METRIC_WIN_RATE);
        in.target = t.value().ratio_bp();
        unit = "bp";
        break;
      case targets::v1::METRIC_CSAT:
        in.actual = MetricValue(c, v1::METRIC_CSAT_SATISFIED);
        in.target = t.value().ratio_bp();
        unit = "bp";
        break;
      default:
        continue;
    }
    if (t.value().has_count()) in.target = t.value().count();
    if (!in.period_over &&
        (in.metric == targets::v1::METRIC_REVENUE || in.metric == targets::v1::METRIC_DEALS_WON)) {
      ASSIGN_OR_RETURN(v1::PipelineRow p, ScopePipeline(reader, scope, Today()));
      const StageProbabilities& pr = options_.probabilities;
      if (in.metric == targets::v1::METRIC_REVENUE) {
        in.weighted_pipeline = MulDiv(p.qualified_minor(), pr.qualified_bp, 10000) +
                               MulDiv(p.proposal_minor(), pr.proposal_bp, 10000) +
                               MulDiv(p.negotiation_minor(), pr.negotiation_bp, 10000);
      } else {
        in.weighted_pipeline =
            MulDiv(p.qualified_count() * pr.qualified_bp + p.proposal_count() * pr.proposal_bp +
                       p.negotiation_count() * pr.negotiation_bp,
                   1, 10000);
      }
    }
    v1::Attainment* a = response.add_attainments();
    a->set_target_id(t.target_id());
    a->set_name(t.name());
    *a->mutable_key() = t.key();
    a->set_target_status(t.status());
    a->set_unit(unit);
    a->set_as_of_day(DayId(as_of));
    ComputeAttainment(in, options_.rule, *a);
  }
  return response;
}

absl::StatusOr<v1::GetLeaderboardResponse> AnalyticsQueries::GetLeaderboard(
    const v1::GetLeaderboardRequest& request) const {
  Reader reader(*options_.views);
  ASSIGN_OR_RETURN(Context context, LoadContext(reader, options_));
  FieldViolations violations;
  if (request.metric() == v1::METRIC_UNSPECIFIED || !v1::Metric_IsValid(request.metric())) {
    violations.Add("metric", "is required");
  }
  ValidateScope(request.scope(), "scope", /*allow_rep=*/false, violations);
  absl::StatusOr<Period> period = ParsePeriodField(request.period(), "period", context, violations);
  const std::optional<absl::CivilDay> as_of =
      ParseAsOf(request.as_of_day(), "as_of_day", violations);
  if (request.top_n() < 0 || request.top_n() > kMaxTopN) {
    violations.Add("top_n", "must be 0..1000 (0: 10)");
  }
  if (request.neighbours() < 0 || request.neighbours() > 100) {
    violations.Add("neighbours", "must be 0..100");
  }
  if (!request.rep_id().empty()) violations.AddIfError("rep_id", ValidateId(request.rep_id()));
  if (as_of.has_value()) {
    CheckStateMetricNow(request.metric(), "as_of_day", "past ranking", violations);
  }
  if (request.include_movement()) {
    CheckStateMetricNow(request.metric(), "include_movement", "past ranking", violations);
  }
  RETURN_IF_ERROR(violations.ToStatus());
  const size_t top_n = request.top_n() == 0 ? kDefaultTopN : request.top_n();
  const Metric metric = request.metric();
  v1::GetLeaderboardResponse response;
  response.set_currency_code(context.currency);

  // Display names are filled in at the end, in one batched read.
  auto add = [](google::protobuf::RepeatedPtrField<v1::LeaderboardEntry>* out, int64_t rank,
                const std::string& rep_id, int64_t value) {
    v1::LeaderboardEntry* e = out->Add();
    e->set_rank(rank);
    e->set_rep_id(rep_id);
    e->set_value(value);
  };

  const auto days = DaysOf(*period, as_of);
  const bool indexed =
      request.scope().kind() == common::v1::SCOPE_KIND_COMPANY && IsIndexedMetric(metric) &&
      std::find(IndexedPeriodKinds().begin(), IndexedPeriodKinds().end(), period->kind()) !=
          IndexedPeriodKinds().end() &&
      !as_of.has_value();
  if (indexed) {
    // The index: top N is a short prefix scan; the rep's rank walks to its key.
    const std::string prefix = keys::BoardPrefix(period->Id(), metric);
    ASSIGN_OR_RETURN(std::optional<std::string> board_size,
                     reader.GetRaw(keys::BoardSize(period->Id())));
    int64_t ranked = 0;
    if (board_size.has_value() && !absl::SimpleAtoi(*board_size, &ranked)) {
      return absl::DataLossError("the leaderboard size row is not a number");
    }
    response.set_ranked(ranked);
    projection::ScanOptions scan;
    scan.prefix = prefix;
    if (request.rep_id().empty()) scan.limit = top_n;
    ASSIGN_OR_RETURN(auto it, reader.Iterate(scan));
    std::vector<Ranked> window;  // the last `neighbours` before the rep
    int64_t rank = 0;
    int64_t rep_rank = 0;
    int after = 0;
    for (; it->Valid(); it->Next()) {
      ++rank;
      const std::string rep_id(keys::RepOfBoard(it->key(), prefix.size()));
      const std::string value_key = std::string(it->key().substr(prefix.size(), 8));
      uint64_t inverted = 0;
      for (char ch : value_key) inverted = (inverted << 8) | static_cast<uint8_t>(ch);
      const int64_t value = static_cast<int64_t>(~inverted ^ (uint64_t{1} << 63));
      if (rank <= static_cast<int64_t>(top_n)) add(response.mutable_top(), rank, rep_id, value);
      if (request.rep_id().empty()) continue;
      if (rep_rank == 0) {
        if (rep_id == request.rep_id()) {
          rep_rank = rank;
          for (size_t i = 0; i < window.size(); ++i) {
            add(response.mutable_around_rep(), rank - static_cast<int64_t>(window.size() - i),
                window[i].rep_id, window[i].value);
          }
          add(response.mutable_around_rep(), rank, rep_id, value);
        } else {
          window.push_back({rep_id, value});
          if (window.size() > static_cast<size_t>(request.neighbours()))
            window.erase(window.begin());
        }
      } else if (after < request.neighbours()) {
        ++after;
        add(response.mutable_around_rep(), rank, rep_id, value);
      }
      if (rep_rank != 0 && after >= request.neighbours() && rank >= static_cast<int64_t>(top_n)) {
        break;
      }
    }
    RETURN_IF_ERROR(it->status());
  } else if (IsStateMetric(metric) || days.has_value()) {
    std::vector<Ranked> ranking;
    if (IsStateMetric(metric)) {
      ASSIGN_OR_RETURN(ranking, RankStateNow(reader, request.scope(), metric, Today()));
    } else {
      MetricBasis basis;
      basis.working_days = ElapsedWorkingDays(context.calendar, days->first, days->second, Today());
      ASSIGN_OR_RETURN(ranking, ComputeRanking(reader, request.scope(), metric, days->first,
                                               days->second, basis));
    }
    response.set_ranked(static_cast<int64_t>(ranking.size()));
    for (size_t i = 0; i < ranking.size() && i < top_n; ++i) {
      add(response.mutable_top(), static_cast<int64_t>(i) + 1, ranking[i].rep_id, ranking[i].value);
    }
    if (!request.rep_id().empty()) {
      for (size_t i = 0; i < ranking.size(); ++i) {
        if (ranking[i].rep_id != request.rep_id()) continue;
        const size_t from =
            i >= static_cast<size_t>(request.neighbours()) ? i - request.neighbours() : 0;
        const size_t to = std::min(ranking.size(), i + request.neighbours() + 1);
        for (size_t j = from; j < to; ++j) {
          add(response.mutable_around_rep(), static_cast<int64_t>(j) + 1, ranking[j].rep_id,
              ranking[j].value);
        }
        break;
      }
    }
  }

  std::vector<v1::LeaderboardEntry*> entries;
  std::vector<std::string> rep_keys;
  for (auto* list : {response.mutable_top(), response.mutable_around_rep()}) {
    for (v1::LeaderboardEntry& e : *list) {
      entries.push_back(&e);
      rep_keys.push_back(keys::Rep(e.rep_id()));
    }
  }
  ASSIGN_OR_RETURN(std::vector<v1::RepRow> reps, reader.GetEachOrDefault<v1::RepRow>(rep_keys));
  for (size_t i = 0; i < entries.size(); ++i) entries[i]->set_display_name(reps[i].display_name());

  // Ranks at the end of the day before (as_of or today), from rep rows.
  if (request.include_movement()) {
    const absl::CivilDay reference = as_of.value_or(Today());
    const absl::CivilDay previous = std::min(reference - 1, period->last_day());
    std::map<std::string, int64_t> previous_rank;
    if (previous >= period->first_day()) {
      MetricBasis basis;
      basis.working_days =
          ElapsedWorkingDays(context.calendar, period->first_day(), previous, Today());
      ASSIGN_OR_RETURN(
          std::vector<Ranked> before,
          ComputeRanking(reader, request.scope(), metric, period->first_day(), previous, basis));
      for (size_t i = 0; i < before.size(); ++i)
        previous_rank[before[i].rep_id] = static_cast<int64_t>(i) + 1;
    }
    for (auto* list : {response.mutable_top(), response.mutable_around_rep()}) {
      for (v1::LeaderboardEntry& e : *list) {
        auto found = previous_rank.find(e.rep_id());
        if (found == previous_rank.end()) continue;
        e.set_previous_rank(found->second);
        e.set_movement(found->second - e.rank());
      }
    }
  }
  return response;
}

absl::StatusOr<v1::GetRegionalViewResponse> AnalyticsQueries::GetRegionalView(
    const v1::GetRegionalViewRequest& request) const {
  Reader reader(*options_.views);
  ASSIGN_OR_RETURN(Context context, LoadContext(reader, options_));
  FieldViolations violations;
  const ScopeKind parent_kind = request.parent().kind();
  if (parent_kind != common::v1::SCOPE_KIND_COMPANY &&
      parent_kind != common::v1::SCOPE_KIND_REGION) {
    violations.Add("parent.kind", "must be company (every region) or region (its teams)");
  } else if (parent_kind == common::v1::SCOPE_KIND_REGION && request.parent().id().empty()) {
    violations.Add("parent.id", "is required for a region");
  }
  absl::StatusOr<Period> period = ParsePeriodField(request.period(), "period", context, violations);
  const std::optional<absl::CivilDay> as_of =
      ParseAsOf(request.as_of_day(), "as_of_day", violations);
  if (request.metrics().empty()) violations.Add("metrics", "name at least one metric");
  bool any_state = false;
  for (int i = 0; i < request.metrics_size(); ++i) {
    if (request.metrics(i) == v1::METRIC_UNSPECIFIED || !v1::Metric_IsValid(request.metrics(i))) {
      violations.Add(absl::StrCat("metrics[", i, "]"), "is not a metric");
      continue;
    }
    const Metric metric = static_cast<Metric>(request.metrics(i));
    any_state = any_state || IsStateMetric(metric);
    if (as_of.has_value()) {
      CheckStateMetricNow(metric, absl::StrCat("metrics[", i, "]"), "value as of a past day",
                          violations);
    }
  }
  RETURN_IF_ERROR(violations.ToStatus());
  v1::GetRegionalViewResponse response;
  response.set_currency_code(context.currency);
  const auto days = DaysOf(*period, as_of);
  std::vector<std::string> children;
  ScopeKind child_kind;
  char child_level;
  if (parent_kind == common::v1::SCOPE_KIND_COMPANY) {
    child_kind = common::v1::SCOPE_KIND_REGION;
    child_level = keys::kRegion;
    ASSIGN_OR_RETURN(children, reader.Suffixes(std::string(keys::kRegionPrefix)));
  } else {
    child_kind = common::v1::SCOPE_KIND_TEAM;
    child_level = keys::kTeam;
    ASSIGN_OR_RETURN(children, reader.Suffixes(keys::TeamsOfRegionPrefix(request.parent().id())));
  }
  // Every row's name and counters are read in batches: a Get per row was most of the
  // query's time.
  std::vector<std::string> name_keys;
  std::vector<Reader::CounterRows> sources;
  for (const std::string& id : children) {
    name_keys.push_back(child_level == keys::kRegion ? keys::Region(id) : keys::Team(id));
    sources.push_back(Reader::ScopeRows(child_level, id));
  }
  if (parent_kind == common::v1::SCOPE_KIND_REGION) {
    name_keys.push_back(keys::Region(request.parent().id()));
    sources.push_back(Reader::ScopeRows(keys::kRegion, request.parent().id()));
  } else {
    sources.push_back(Reader::ScopeRows(keys::kCompany, ""));
  }
  ASSIGN_OR_RETURN(std::vector<v1::ScopeRow> names,
                   reader.GetEachOrDefault<v1::ScopeRow>(name_keys));
  std::vector<Counters> sums(sources.size());
  MetricBasis basis;
  if (days.has_value()) {
    ASSIGN_OR_RETURN(sums, reader.SumEach(sources, days->first, days->second));
    basis.working_days = ElapsedWorkingDays(context.calendar, days->first, days->second, Today());
  }
  auto fill = [&](const ScopeRef& scope, const std::string& name, const Counters& c,
                  v1::RegionalRow* row) -> absl::Status {
    *row->mutable_scope() = scope;
    row->set_name(name);
    if (any_state) {
      ASSIGN_OR_RETURN(basis.pipeline, ScopePipeline(reader, scope, Today()));
    }
    for (int m : request.metrics()) row->add_values(MetricValue(c, static_cast<Metric>(m), basis));
    return absl::OkStatus();
  };
  for (size_t i = 0; i < children.size(); ++i) {
    ScopeRef scope;
    scope.set_kind(child_kind);
    scope.set_id(children[i]);
    RETURN_IF_ERROR(fill(scope, names[i].name(), sums[i], response.add_rows()));
  }
  const std::string parent_name =
      parent_kind == common::v1::SCOPE_KIND_REGION ? names.back().name() : "company";
  RETURN_IF_ERROR(fill(request.parent(), parent_name, sums.back(), response.mutable_total()));
  return response;
}

absl::StatusOr<v1::GetTrendResponse> AnalyticsQueries::GetTrend(
    const v1::GetTrendRequest& request) const {
  Reader reader(*options_.views);
  ASSIGN_OR_RETURN(Context context, LoadContext(reader, options_));
  FieldViolations violations;
  ValidateScope(request.scope(), "scope", /*allow_rep=*/true, violations);
  if (request.metric() == v1::METRIC_UNSPECIFIED || !v1::Metric_IsValid(request.metric())) {
    violations.Add("metric", "is required");
  } else {
    CheckStateMetricNow(request.metric(), "metric", "series over time", violations);
  }
  std::optional<PeriodKind> kind;
  switch (request.granularity()) {
    case common::v1::PERIOD_KIND_DAY:
      kind = PeriodKind::kDay;
      break;
    case common::v1::PERIOD_KIND_WEEK:
      kind = PeriodKind::kWeek;
      break;
    case common::v1::PERIOD_KIND_MONTH:
      kind = PeriodKind::kMonth;
      break;
    default:
      violations.Add("granularity", "must be day, week or month");
  }
  const std::optional<absl::CivilDay> end = ParseAsOf(request.end_day(), "end_day", violations);
  if (request.points() < 0 || request.points() > kMaxTrendPoints) {
    violations.Add("points", "must be 0..400 (0: 12)");
  }
  RETURN_IF_ERROR(violations.ToStatus());
  const absl::CivilDay end_day = end.value_or(Today());
  const int points = request.points() == 0 ? kDefaultTrendPoints : request.points();
  ASSIGN_OR_RETURN(Period last, Period::Containing(*kind, end_day));
  std::vector<Period> periods = {last};
  for (int i = 0; i < points; ++i) periods.insert(periods.begin(), periods.front().Previous());
  v1::GetTrendResponse response;
  response.set_currency_code(context.currency);
  int64_t previous = 0;
  for (size_t i = 0; i < periods.size(); ++i) {
    const absl::CivilDay to = std::min(periods[i].last_day(), end_day);
    ASSIGN_OR_RETURN(Counters c,
                     ScopeCounters(reader, request.scope(), periods[i].first_day(), to));
    MetricBasis basis;
    basis.working_days = ElapsedWorkingDays(context.calendar, periods[i].first_day(), to, Today());
    const int64_t value = MetricValue(c, request.metric(), basis);
    if (i > 0) {
      v1::TrendPoint* p = response.add_points();
      *p->mutable_period() = ToProto(periods[i]);
      p->set_value(value);
      p->set_change(value - previous);
      p->set_change_bp(MulDiv(value - previous, 10000, previous));
    }
    previous = value;
  }
  return response;
}

absl::StatusOr<v1::GetFunnelResponse> AnalyticsQueries::GetFunnel(
    const v1::GetFunnelRequest& request) const {
  Reader reader(*options_.views);
  ASSIGN_OR_RETURN(Context context, LoadContext(reader, options_));
  FieldViolations violations;
  ValidateScope(request.scope(), "scope", /*allow_rep=*/true, violations);
  absl::StatusOr<Period> period = ParsePeriodField(request.period(), "period", context, violations);
  const std::optional<absl::CivilDay> as_of =
      ParseAsOf(request.as_of_day(), "as_of_day", violations);
  RETURN_IF_ERROR(violations.ToStatus());
  Counters c;
  if (auto days = DaysOf(*period, as_of)) {
    ASSIGN_OR_RETURN(c, ScopeCounters(reader, request.scope(), days->first, days->second));
  }
  v1::GetFunnelResponse response;
  const std::pair<const char*, int64_t> stages[] = {{"lead", c.leads()},
                                                    {"qualified", c.funnel_qualified()},
                                                    {"proposal", c.funnel_proposal()},
                                                    {"negotiation", c.funnel_negotiation()},
                                                    {"won", c.deals_won()}};
  int64_t previous = 0;
  for (size_t i = 0; i < std::size(stages); ++i) {
    v1::FunnelStage* s = response.add_stages();
    s->set_stage(stages[i].first);
    s->set_count(stages[i].second);
    if (i > 0) s->set_conversion_bp(MulDiv(stages[i].second, 10000, previous));
    previous = stages[i].second;
  }
  return response;
}

}  // namespace salesperf::analytics
