#include "services/analytics/testing/random_history.h"

#include <algorithm>
#include <map>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "libs/common/period.h"
#include "salesperf/activity/v1/events.pb.h"
#include "salesperf/feedback/v1/events.pb.h"
#include "salesperf/targets/v1/events.pb.h"
#include "services/analytics/domain/org.h"

namespace salesperf::analytics::testing {
namespace {

// The organisation's fiscal years start in April (its settings event below).
constexpr int kFiscalYearStartMonth = 4;

namespace act = ::salesperf::activity::v1;
namespace fb = ::salesperf::feedback::v1;
namespace tg = ::salesperf::targets::v1;

class Builder {
 public:
  Builder(uint64_t seed, const HistoryOptions& options) : rng_(seed), options_(options) {}

  History Build();

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int percent) { return Uniform(1, 100) <= percent; }

  absl::CivilDay RandomDay() { return options_.first_day + Uniform(0, options_.days - 1); }
  absl::Time TimeOn(absl::CivilDay day) {
    // 08:00..19:59 Shanghai time.
    return absl::FromCivil(absl::CivilSecond(day) + Uniform(8 * 3600, 20 * 3600 - 1),
                           absl::FixedTimeZone(8 * 3600));
  }
  static google::protobuf::Timestamp Ts(absl::Time t) {
    google::protobuf::Timestamp ts;
    ts.set_seconds(absl::ToUnixSeconds(t));
    return ts;
  }

  static void SortByDay(std::vector<projection::SourcedEvent>& events);

  void Emit(std::vector<projection::SourcedEvent>& out, const std::string& source,
            const std::string& stream, absl::Time at, const google::protobuf::Message& payload) {
    projection::SourcedEvent e;
    e.partition = {source, 0};
    e.position = static_cast<int64_t>(out.size()) + 1;
    e.envelope.set_source(source);
    e.envelope.set_sequence(static_cast<uint64_t>(out.size()) + 1);
    e.envelope.set_event_id(absl::StrCat(source, "-", out.size() + 1));
    e.envelope.set_stream_id(stream);
    e.envelope.set_stream_version(++versions_[stream]);
    *e.envelope.mutable_occurred_at() = Ts(at);
    *e.envelope.mutable_recorded_at() = Ts(at);
    e.envelope.mutable_payload()->PackFrom(payload);
    e.key = stream;
    out.push_back(std::move(e));
  }

  std::mt19937_64 rng_;
  HistoryOptions options_;
  std::map<std::string, uint64_t> versions_;
  History h_;
};

History Builder::Build() {
  const absl::Time t0 =
      absl::FromCivil(absl::CivilSecond(options_.first_day - 1), absl::FixedTimeZone(8 * 3600));
  auto org = [&](const google::protobuf::Message& m) { Emit(h_.targets, "targets", "org", t0, m); };
  tg::OrganisationSettingsChanged settings;
  settings.mutable_settings()->set_company_name("Acme");
  settings.mutable_settings()->set_time_zone("Asia/Shanghai");
  settings.mutable_settings()->set_currency_code("CNY");
  settings.mutable_settings()->set_fiscal_year_start_month(kFiscalYearStartMonth);
  settings.mutable_settings()->add_non_working_days(DayId(options_.first_day + 1));
  org(settings);
  const std::string start = DayId(options_.first_day);
  std::map<std::string, std::string> region_of_team;
  for (int r = 0; r < options_.regions; ++r) {
    tg::RegionCreated e;
    e.set_region_id(absl::StrCat("region-", r));
    e.set_name(absl::StrCat("Region ", r));
    e.set_effective_from(start);
    h_.region_ids.push_back(e.region_id());
    org(e);
    for (int t = 0; t < options_.teams_per_region; ++t) {
      tg::TeamCreated team;
      team.set_team_id(absl::StrCat("team-", r, "-", t));
      team.set_region_id(e.region_id());
      team.set_name(absl::StrCat("Team ", r, "-", t));
      team.set_effective_from(start);
      region_of_team[team.team_id()] = e.region_id();
      h_.team_ids.push_back(team.team_id());
      org(team);
    }
  }
  std::map<std::string, std::pair<std::string, absl::CivilDay>> placement;  // team, since
  for (int i = 0; i < options_.reps; ++i) {
    tg::RepHired e;
    e.set_rep_id(absl::StrCat("rep-", i < 10 ? "0" : "", i));
    e.set_display_name(absl::StrCat("Rep ", i));
    e.set_team_id(h_.team_ids[Uniform(0, static_cast<int>(h_.team_ids.size()) - 1)]);
    e.set_region_id(region_of_team[e.team_id()]);
    // Some reps are hired after activity already started for them (backdated hire).
    const absl::CivilDay from = options_.first_day + (Chance(20) ? Uniform(0, 20) : 0);
    e.set_effective_from(DayId(from));
    placement[e.rep_id()] = {e.team_id(), from};
    h_.rep_ids.push_back(e.rep_id());
    org(e);
  }
  // Targets, approved: revenue and calls of the company, each region and each team for the
  // first month; one of each other kind of metric and scope (a rep's revenue, the
  // company's conversion rate and visits, a region's CSAT, a team's deals won) for that
  // month; and the company's calls for the fiscal quarter (fiscal years start in April).
  struct TargetPeriod {
    std::string id;
    common::v1::PeriodKind kind;
    absl::CivilDay first, last;
  };
  auto containing_first_day = [&](PeriodKind kind) {
    const Period p = *Period::Containing(kind, options_.first_day, kFiscalYearStartMonth);
    return TargetPeriod{p.Id(), ToProto(p.kind()), p.first_day(), p.last_day()};
  };
  const TargetPeriod month = containing_first_day(PeriodKind::kMonth);
  const TargetPeriod fiscal_quarter = containing_first_day(PeriodKind::kFiscalQuarter);
  int target_no = 0;
  auto target = [&](common::v1::ScopeKind kind, const std::string& id, tg::Metric metric,
                    int64_t value, const TargetPeriod& period) {
    tg::TargetDrafted d;
    d.set_target_id(absl::StrCat("target-", target_no++));
    d.mutable_key()->mutable_scope()->set_kind(kind);
    d.mutable_key()->mutable_scope()->set_id(id);
    d.mutable_key()->set_metric(metric);
    d.mutable_key()->mutable_period()->set_id(period.id);
    d.mutable_key()->mutable_period()->set_kind(period.kind);
    d.set_name(absl::StrCat("target ", target_no));
    if (metric == tg::METRIC_REVENUE) {
      d.mutable_value()->mutable_money()->set_currency_code("CNY");
      d.mutable_value()->mutable_money()->set_minor_units(value);
    } else if (metric == tg::METRIC_CONVERSION_RATE || metric == tg::METRIC_CSAT) {
      d.mutable_value()->set_ratio_bp(value);
    } else {
      d.mutable_value()->set_count(value);
    }
    d.set_period_first_day(DayId(period.first));
    d.set_period_last_day(DayId(period.last));
    const std::string stream = absl::StrCat("target-", d.target_id());
    Emit(h_.targets, "targets", stream, t0, d);
    tg::TargetApproved a;
    a.set_target_id(d.target_id());
    *a.mutable_key() = d.key();
    *a.mutable_value() = d.value();
    Emit(h_.targets, "targets", stream, t0, a);
  };
  target(common::v1::SCOPE_KIND_COMPANY, "", tg::METRIC_REVENUE, 50'000'000, month);
  for (const std::string& r : h_.region_ids)
    target(common::v1::SCOPE_KIND_REGION, r, tg::METRIC_CALLS, 300, month);
  for (const std::string& t : h_.team_ids)
    target(common::v1::SCOPE_KIND_TEAM, t, tg::METRIC_REVENUE, 8'000'000, month);
  target(common::v1::SCOPE_KIND_REP, h_.rep_ids[0], tg::METRIC_REVENUE, 2'000'000, month);
  target(common::v1::SCOPE_KIND_COMPANY, "", tg::METRIC_CONVERSION_RATE, 2500, month);
  target(common::v1::SCOPE_KIND_COMPANY, "", tg::METRIC_VISITS, 100, month);
  target(common::v1::SCOPE_KIND_REGION, h_.region_ids[0], tg::METRIC_CSAT, 8000, month);
  target(common::v1::SCOPE_KIND_TEAM, h_.team_ids[0], tg::METRIC_DEALS_WON, 5, month);
  target(common::v1::SCOPE_KIND_COMPANY, "", tg::METRIC_CALLS, 3000, fiscal_quarter);

  // Moves: later than the rep's current placement; the org stream is ordered, the
  // cross-source interleaving makes many of them backdated relative to activity.
  for (int i = 0; i < options_.moves; ++i) {
    const std::string rep = h_.rep_ids[Uniform(0, static_cast<int>(h_.rep_ids.size()) - 1)];
    auto& [team, since] = placement[rep];
    const absl::CivilDay from = since + Uniform(1, 30);
    if (from >= options_.first_day + options_.days) continue;
    std::string to = h_.team_ids[Uniform(0, static_cast<int>(h_.team_ids.size()) - 1)];
    if (to == team) continue;
    if (i == options_.moves - 1) {
      tg::RepDeactivated d;
      d.set_rep_id(rep);
      d.set_last_team_id(team);
      d.set_last_region_id(region_of_team[team]);
      d.set_effective_from(DayId(from));
      org(d);
      continue;
    }
    tg::RepMoved m;
    m.set_rep_id(rep);
    m.set_from_team_id(team);
    m.set_from_region_id(region_of_team[team]);
    m.set_to_team_id(to);
    m.set_to_region_id(region_of_team[to]);
    m.set_effective_from(DayId(from));
    team = to;
    since = from;
    org(m);
  }

  // Activity and feedback.
  auto rep = [&] { return h_.rep_ids[Uniform(0, static_cast<int>(h_.rep_ids.size()) - 1)]; };
  auto money = [](int64_t minor) {
    common::v1::Money m;
    m.set_currency_code("CNY");
    m.set_minor_units(minor);
    return m;
  };
  int n = 0;
  while (static_cast<int>(h_.activity.size() + h_.feedback.size()) < options_.activity_events) {
    ++n;
    const absl::CivilDay day = RandomDay();
    const absl::Time at = TimeOn(day);
    const std::string r = rep();
    const int kind = Uniform(0, 9);
    if (kind <= 2) {
      act::CallLogged e;
      e.set_call_id(absl::StrCat("call-", n));
      e.set_rep_id(r);
      *e.mutable_started_at() = Ts(at);
      const bool connected = Chance(60);
      e.set_outcome(connected ? act::CALL_OUTCOME_CONNECTED : act::CALL_OUTCOME_NO_ANSWER);
      e.set_duration_seconds(connected ? Uniform(5, 900) : 0);
      Emit(h_.activity, "activity", absl::StrCat("call-", n), at, e);
    } else if (kind == 3) {
      const std::string stream = absl::StrCat("visit-", n);
      act::VisitPlanned p;
      p.set_visit_id(stream);
      p.set_rep_id(r);
      *p.mutable_planned_at() = Ts(at);
      Emit(h_.activity, "activity", stream, at - absl::Hours(48), p);
      absl::Time planned = at;
      if (Chance(25)) {
        act::VisitRescheduled rs;
        rs.set_visit_id(stream);
        rs.set_rep_id(r);
        *rs.mutable_previous_planned_at() = Ts(planned);
        planned = TimeOn(day + Uniform(0, 3));
        *rs.mutable_planned_at() = Ts(planned);
        Emit(h_.activity, "activity", stream, at - absl::Hours(24), rs);
      }
      if (Chance(15)) {
        act::VisitCancelled c;
        c.set_visit_id(stream);
        c.set_rep_id(r);
        *c.mutable_planned_at() = Ts(planned);
        Emit(h_.activity, "activity", stream, at - absl::Hours(12), c);
      } else if (Chance(80)) {
        act::VisitOutcomeRecorded o;
        o.set_visit_id(stream);
        o.set_rep_id(r);
        o.set_outcome(act::VISIT_OUTCOME_COMPLETED);
        *o.mutable_recorded_at() = Ts(planned + absl::Hours(1));
        o.set_location_check(Chance(70) ? act::LOCATION_CHECK_VERIFIED
                                        : act::LOCATION_CHECK_TOO_FAR);
        Emit(h_.activity, "activity", stream, planned + absl::Hours(1), o);
      }
    } else if (kind == 4) {
      const std::string stream = absl::StrCat("deal-", n);
      act::DealOpened o;
      o.set_deal_id(stream);
      o.set_rep_id(r);
      o.set_stage(act::DEAL_STAGE_QUALIFIED);
      int64_t amount = Uniform(1, 500) * 10'000 + Uniform(0, 99);
      *o.mutable_amount() = money(amount);
      Emit(h_.activity, "activity", stream, at, o);
      absl::CivilDay d = day;
      int stage = act::DEAL_STAGE_QUALIFIED;
      while (Chance(50) && stage < act::DEAL_STAGE_NEGOTIATION) {
        act::DealStageChanged c;
        c.set_deal_id(stream);
        c.set_rep_id(r);
        c.set_from_stage(static_cast<act::DealStage>(stage));
        stage += Uniform(1, act::DEAL_STAGE_NEGOTIATION - stage);
        c.set_to_stage(static_cast<act::DealStage>(stage));
        if (Chance(30)) amount += Uniform(1, 50) * 1000;
        *c.mutable_amount() = money(amount);
        d = d + Uniform(0, 5);
        Emit(h_.activity, "activity", stream, TimeOn(d), c);
      }
      const int end = Uniform(0, 9);
      if (end <= 1) continue;  // stays open
      d = d + Uniform(0, 5);
      if (end <= 4) {
        act::DealLost l;
        l.set_deal_id(stream);
        l.set_rep_id(r);
        l.set_lost_on(DayId(d));
        Emit(h_.activity, "activity", stream, TimeOn(d), l);
        if (!Chance(30)) continue;
        act::DealReopened ro;
        ro.set_deal_id(stream);
        ro.set_rep_id(r);
        ro.set_to_stage(act::DEAL_STAGE_PROPOSAL);
        *ro.mutable_amount() = money(amount);
        d = d + Uniform(0, 5);
        Emit(h_.activity, "activity", stream, TimeOn(d), ro);
        if (Chance(50)) continue;
        d = d + Uniform(0, 5);
      }
      act::DealWon w;
      w.set_deal_id(stream);
      w.set_rep_id(r);
      *w.mutable_amount() = money(amount);
      w.set_won_on(DayId(d));
      if (Chance(25)) {
        const std::string other = rep();
        auto* a = w.add_credit_splits();
        a->set_rep_id(r);
        a->set_share_bp(Uniform(1, 9999));
        auto* b = w.add_credit_splits();
        b->set_rep_id(other);
        b->set_share_bp(10000 - a->share_bp());
      }
      Emit(h_.activity, "activity", stream, TimeOn(d), w);
      if (Chance(15)) {
        act::DealCancelled c;
        c.set_deal_id(stream);
        c.set_rep_id(r);
        *c.mutable_amount() = w.amount();
        c.set_won_on(w.won_on());
        *c.mutable_credit_splits() = w.credit_splits();
        d = d + Uniform(0, 20);
        c.set_cancelled_on(DayId(d));
        Emit(h_.activity, "activity", stream, TimeOn(d), c);
      }
    } else if (kind == 5) {
      act::LeadCreated e;
      e.set_lead_id(absl::StrCat("lead-", n));
      e.set_rep_id(r);
      *e.mutable_created_at() = Ts(at);
      Emit(h_.activity, "activity", absl::StrCat("lead-", n), at, e);
      act::CustomerRegistered c;
      c.set_customer_id(absl::StrCat("customer-", n));
      c.set_owner_rep_id(r);
      c.set_registered_on(DayId(day));
      if (Chance(40)) Emit(h_.activity, "activity", absl::StrCat("customer-", n), at, c);
    } else if (kind == 6) {
      const std::string stream = absl::StrCat("risk-", n);
      act::RiskFlagged f;
      f.set_flag_id(stream);
      f.set_rep_id(r);
      f.set_rule(act::RISK_RULE_CHECK_IN_TOO_FAR);
      Emit(h_.activity, "activity", stream, at, f);
      if (Chance(50)) {
        act::RiskFlagCleared c;
        c.set_flag_id(stream);
        c.set_rep_id(r);
        Emit(h_.activity, "activity", stream, at + absl::Hours(30), c);
      }
    } else if (kind <= 8) {
      fb::SurveyResponded s;
      s.set_survey_request_id(absl::StrCat("sr-", n));
      s.set_rep_id(r);
      *s.mutable_responded_at() = Ts(at);
      if (Chance(80)) s.set_csat_score(Uniform(1, 5));
      if (Chance(60)) s.set_nps_score(Uniform(0, 10));
      Emit(h_.feedback, "feedback", absl::StrCat("survey-request-", n), at, s);
      if (Chance(20)) {
        fb::CallbackCompleted c;
        c.set_callback_id(absl::StrCat("cb-", n));
        c.set_rep_id(r);
        *c.mutable_completed_at() = Ts(at + absl::Hours(2));
        c.set_csat_score(Uniform(1, 5));
        Emit(h_.feedback, "feedback", absl::StrCat("callback-", n), at + absl::Hours(2), c);
      }
    } else {
      fb::ComplaintOpened c;
      c.set_complaint_id(absl::StrCat("complaint-", n));
      c.set_rep_id(Chance(10) ? "" : r);
      *c.mutable_opened_at() = Ts(at);
      Emit(h_.feedback, "feedback", absl::StrCat("complaint-", n), at, c);
    }
  }
  if (options_.in_time_order) {
    SortByDay(h_.activity);
    SortByDay(h_.feedback);
  }
  return std::move(h_);
}

void Builder::SortByDay(std::vector<projection::SourcedEvent>& events) {
  // Stable by day: a stream's events never go back a day, so their order survives.
  const absl::TimeZone zone = absl::FixedTimeZone(8 * 3600);
  std::stable_sort(
      events.begin(), events.end(),
      [&](const projection::SourcedEvent& a, const projection::SourcedEvent& b) {
        return absl::ToCivilDay(absl::FromUnixSeconds(a.envelope.occurred_at().seconds()), zone) <
               absl::ToCivilDay(absl::FromUnixSeconds(b.envelope.occurred_at().seconds()), zone);
      });
  for (size_t i = 0; i < events.size(); ++i) {
    projection::SourcedEvent& e = events[i];
    e.position = static_cast<int64_t>(i) + 1;
    e.envelope.set_sequence(i + 1);
    e.envelope.set_event_id(absl::StrCat(e.envelope.source(), "-", i + 1));
  }
}

}  // namespace

History RandomHistory(uint64_t seed, const HistoryOptions& options) {
  return Builder(seed, options).Build();
}

std::vector<projection::SourcedEvent> Interleave(const History& history, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::vector<const std::vector<projection::SourcedEvent>*> parts = {
      &history.targets, &history.activity, &history.feedback};
  std::vector<size_t> next(parts.size(), 0);
  std::vector<projection::SourcedEvent> out;
  size_t left = history.targets.size() + history.activity.size() + history.feedback.size();
  while (left > 0) {
    // Pick a partition with weight = records left, so that every order is possible.
    size_t pick = std::uniform_int_distribution<size_t>(0, left - 1)(rng);
    for (size_t p = 0; p < parts.size(); ++p) {
      const size_t remaining = parts[p]->size() - next[p];
      if (pick < remaining) {
        out.push_back((*parts[p])[next[p]++]);
        break;
      }
      pick -= remaining;
    }
    --left;
  }
  return out;
}

}  // namespace salesperf::analytics::testing
