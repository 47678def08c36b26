// The analytics view and queries against a plain, independent computation over the raw
// events of a seeded random history (written here, sharing nothing with the view but the
// event protos), and the guarantees of DESIGN.md section 4: shuffled cross-source orders,
// duplicates and replays, rebuild.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/clock.h"
#include "libs/common/validation.h"
#include "libs/projection/runner.h"
#include "libs/projection/vector_source.h"
#include "libs/testing/status_matchers.h"
#include "libs/testing/temp_dir.h"
#include "salesperf/activity/v1/events.pb.h"
#include "salesperf/feedback/v1/events.pb.h"
#include "salesperf/targets/v1/events.pb.h"
#include "services/analytics/app/analytics_queries.h"
#include "services/analytics/domain/counters.h"
#include "services/analytics/projections/analytics_view.h"
#include "services/analytics/testing/random_history.h"

namespace salesperf::analytics {
namespace {

namespace act = ::salesperf::activity::v1;
namespace fb = ::salesperf::feedback::v1;
namespace tg = ::salesperf::targets::v1;
using ::salesperf::testing::TempDir;

// ---------------------------------------------------------------------------------------
// The independent computation: every fact as (rep, day, field, delta), the final
// organisation, and the final deal and flag states, straight from the events.

struct Fact {
  std::string rep;
  std::string day;
  std::string field;
  int64_t delta;
};

// The day the tests' clocks stand at (noon, Asia/Shanghai).
constexpr char kToday[] = "2026-02-14";

std::string Day(const google::protobuf::Timestamp& ts) {
  // Asia/Shanghai has been UTC+8 without DST since 1991.
  const int64_t local = ts.seconds() + 8 * 3600;
  const absl::CivilDay d = absl::ToCivilDay(absl::FromUnixSeconds(local), absl::UTCTimeZone());
  char buf[16];
  snprintf(buf, sizeof(buf), "%04d-%02d-%02d", static_cast<int>(d.year()), d.month(), d.day());
  return buf;
}

struct Oracle {
  std::vector<Fact> facts;
  // rep -> (from day, team, region), in org-stream order.
  std::map<std::string, std::vector<std::tuple<std::string, std::string, std::string>>> org;
  std::map<std::string, std::pair<std::string, std::pair<int, int64_t>>>
      deals;  // rep, stage, amount
  std::map<std::string, std::pair<std::string, bool>> flags;
  std::map<std::string, int> reached;  // deal -> highest funnel stage counted (1..3)
  // The organisation's calendar exceptions ("YYYY-MM-DD"), from its settings.
  std::set<std::string> non_working_days, make_up_working_days;

  // Working days from `first` to `last` ("YYYY-MM-DD", inclusive): Monday to Friday, less
  // the non-working days, plus the make-up days.
  int64_t WorkingDays(const std::string& first, const std::string& last) const {
    absl::CivilDay from, to;
    if (!absl::ParseCivilTime(first, &from) || !absl::ParseCivilTime(last, &to)) {
      ADD_FAILURE() << "bad day " << first << " or " << last;
      return -1;
    }
    int64_t n = 0;
    for (absl::CivilDay d = from; d <= to; ++d) {
      const std::string id = absl::FormatCivilTime(d);
      const absl::Weekday w = absl::GetWeekday(d);
      const bool weekend = w == absl::Weekday::saturday || w == absl::Weekday::sunday;
      if (make_up_working_days.count(id) > 0 || (!weekend && non_working_days.count(id) == 0)) {
        ++n;
      }
    }
    return n;
  }

  void Reach(const std::string& deal, const std::string& rep, int stage, const std::string& day) {
    static const char* kFields[] = {"", "funnel_q", "funnel_p", "funnel_n"};
    for (int s = reached[deal] + 1; s <= std::min(stage, 3); ++s) Add(rep, day, kFields[s], 1);
    reached[deal] = std::max(reached[deal], std::min(stage, 3));
  }

  void Add(const std::string& rep, const std::string& day, const std::string& field, int64_t d) {
    facts.push_back({rep, day, field, d});
  }
  void Split(const std::string& owner,
             const google::protobuf::RepeatedPtrField<act::CreditSplit>& splits, int64_t amount,
             const std::string& day, int sign) {
    if (splits.empty()) {
      Add(owner, day, "revenue", sign * amount);
      return;
    }
    ASSERT_EQ(splits.size(), 2);
    const int64_t a = amount * splits[0].share_bp() / 10000;
    const int64_t b = amount * splits[1].share_bp() / 10000;
    const int64_t ra = amount * splits[0].share_bp() % 10000;
    const int64_t rb = amount * splits[1].share_bp() % 10000;
    int64_t pa = a;
    int64_t pb = b;
    if (amount - a - b == 1) (ra >= rb ? pa : pb) += 1;
    Add(splits[0].rep_id(), day, "revenue", sign * pa);
    Add(splits[1].rep_id(), day, "revenue", sign * pb);
  }

  void Feed(const projection::EventEnvelope& e) {
    const google::protobuf::Any& p = e.payload();
    const std::string occurred = Day(e.occurred_at());
    tg::RepHired hired;
    tg::RepMoved moved;
    tg::RepDeactivated gone;
    act::CallLogged call;
    act::VisitPlanned planned;
    act::VisitRescheduled rescheduled;
    act::VisitCancelled cancelled;
    act::VisitOutcomeRecorded outcome;
    act::LeadCreated lead;
    act::CustomerRegistered customer;
    act::DealOpened opened;
    act::DealStageChanged changed;
    act::DealWon won;
    act::DealLost lost;
    act::DealReopened reopened;
    act::DealCancelled deal_cancelled;
    act::RiskFlagged flagged;
    act::RiskFlagCleared cleared;
    fb::SurveyResponded survey;
    fb::CallbackCompleted callback;
    fb::ComplaintOpened complaint;
    tg::OrganisationSettingsChanged settings;
    if (p.Is<tg::OrganisationSettingsChanged>() && p.UnpackTo(&settings)) {
      non_working_days = {settings.settings().non_working_days().begin(),
                          settings.settings().non_working_days().end()};
      make_up_working_days = {settings.settings().make_up_working_days().begin(),
                              settings.settings().make_up_working_days().end()};
    } else if (p.UnpackTo(&hired) && p.Is<tg::RepHired>()) {
      org[hired.rep_id()].emplace_back(hired.effective_from(), hired.team_id(), hired.region_id());
    } else if (p.Is<tg::RepMoved>() && p.UnpackTo(&moved)) {
      org[moved.rep_id()].emplace_back(moved.effective_from(), moved.to_team_id(),
                                       moved.to_region_id());
    } else if (p.Is<tg::RepDeactivated>() && p.UnpackTo(&gone)) {
      org[gone.rep_id()].emplace_back(gone.effective_from(), "", "");
    } else if (p.Is<act::CallLogged>() && p.UnpackTo(&call)) {
      const std::string d = Day(call.started_at());
      Add(call.rep_id(), d, "calls", 1);
      if (call.outcome() == act::CALL_OUTCOME_CONNECTED) Add(call.rep_id(), d, "connected", 1);
      Add(call.rep_id(), d, "call_seconds", call.duration_seconds());
    } else if (p.Is<act::VisitPlanned>() && p.UnpackTo(&planned)) {
      Add(planned.rep_id(), Day(planned.planned_at()), "planned", 1);
    } else if (p.Is<act::VisitRescheduled>() && p.UnpackTo(&rescheduled)) {
      Add(rescheduled.rep_id(), Day(rescheduled.previous_planned_at()), "planned", -1);
      Add(rescheduled.rep_id(), Day(rescheduled.planned_at()), "planned", 1);
      Add(rescheduled.rep_id(), occurred, "plan_changes", 1);
    } else if (p.Is<act::VisitCancelled>() && p.UnpackTo(&cancelled)) {
      Add(cancelled.rep_id(), Day(cancelled.planned_at()), "planned", -1);
      Add(cancelled.rep_id(), occurred, "plan_changes", 1);
    } else if (p.Is<act::VisitOutcomeRecorded>() && p.UnpackTo(&outcome)) {
      Add(outcome.rep_id(), Day(outcome.recorded_at()), "done", 1);
      if (outcome.location_check() == act::LOCATION_CHECK_VERIFIED) {
        Add(outcome.rep_id(), Day(outcome.recorded_at()), "verified", 1);
      }
    } else if (p.Is<act::LeadCreated>() && p.UnpackTo(&lead)) {
      Add(lead.rep_id(), Day(lead.created_at()), "leads", 1);
    } else if (p.Is<act::CustomerRegistered>() && p.UnpackTo(&customer)) {
      Add(customer.owner_rep_id(), customer.registered_on(), "new_customers", 1);
    } else if (p.Is<act::DealOpened>() && p.UnpackTo(&opened)) {
      deals[opened.deal_id()] = {opened.rep_id(), {1, opened.amount().minor_units()}};
      Reach(opened.deal_id(), opened.rep_id(), 1, occurred);
    } else if (p.Is<act::DealStageChanged>() && p.UnpackTo(&changed)) {
      deals[changed.deal_id()].second = {changed.to_stage(), changed.amount().minor_units()};
      Reach(changed.deal_id(), deals[changed.deal_id()].first, changed.to_stage(), occurred);
    } else if (p.Is<act::DealWon>() && p.UnpackTo(&won)) {
      deals[won.deal_id()].second.first = act::DEAL_STAGE_WON;
      Reach(won.deal_id(), deals[won.deal_id()].first, 3, won.won_on());
      Add(won.rep_id(), won.won_on(), "won", 1);
      Split(won.rep_id(), won.credit_splits(), won.amount().minor_units(), won.won_on(), 1);
    } else if (p.Is<act::DealLost>() && p.UnpackTo(&lost)) {
      deals[lost.deal_id()].second.first = act::DEAL_STAGE_LOST;
      Add(lost.rep_id(), lost.lost_on(), "lost", 1);
    } else if (p.Is<act::DealReopened>() && p.UnpackTo(&reopened)) {
      deals[reopened.deal_id()].second = {reopened.to_stage(), reopened.amount().minor_units()};
      Reach(reopened.deal_id(), deals[reopened.deal_id()].first, reopened.to_stage(), occurred);
      Add(reopened.rep_id(), occurred, "lost", -1);
      Add(reopened.rep_id(), occurred, "reopened", 1);
    } else if (p.Is<act::DealCancelled>() && p.UnpackTo(&deal_cancelled)) {
      deals[deal_cancelled.deal_id()].second.first = act::DEAL_STAGE_CANCELLED;
      Add(deal_cancelled.rep_id(), deal_cancelled.cancelled_on(), "won", -1);
      Add(deal_cancelled.rep_id(), deal_cancelled.cancelled_on(), "cancelled", 1);
      Split(deal_cancelled.rep_id(), deal_cancelled.credit_splits(),
            deal_cancelled.amount().minor_units(), deal_cancelled.cancelled_on(), -1);
    } else if (p.Is<act::RiskFlagged>() && p.UnpackTo(&flagged)) {
      flags[flagged.flag_id()] = {flagged.rep_id(), true};
      Add(flagged.rep_id(), occurred, "risk_raised", 1);
    } else if (p.Is<act::RiskFlagCleared>() && p.UnpackTo(&cleared)) {
      flags[cleared.flag_id()].second = false;
    } else if (p.Is<fb::SurveyResponded>() && p.UnpackTo(&survey)) {
      const std::string d = Day(survey.responded_at());
      if (survey.has_csat_score()) {
        Add(survey.rep_id(), d, "csat_sum", survey.csat_score());
        Add(survey.rep_id(), d, "csat_n", 1);
        if (survey.csat_score() >= 4) Add(survey.rep_id(), d, "csat_satisfied", 1);
      }
      if (survey.has_nps_score()) {
        Add(survey.rep_id(), d, "nps_n", 1);
        if (survey.nps_score() >= 9) Add(survey.rep_id(), d, "nps_net", 1);
        if (survey.nps_score() <= 6) Add(survey.rep_id(), d, "nps_net", -1);
      }
    } else if (p.Is<fb::CallbackCompleted>() && p.UnpackTo(&callback)) {
      const std::string d = Day(callback.completed_at());
      Add(callback.rep_id(), d, "csat_sum", callback.csat_score());
      Add(callback.rep_id(), d, "csat_n", 1);
      if (callback.csat_score() >= 4) Add(callback.rep_id(), d, "csat_satisfied", 1);
    } else if (p.Is<fb::ComplaintOpened>() && p.UnpackTo(&complaint)) {
      Add(complaint.rep_id(), Day(complaint.opened_at()), "complaints", 1);
    }
  }

  // The team / region of `rep` on `day` under the final organisation.
  std::pair<std::string, std::string> Placed(const std::string& rep, const std::string& day) const {
    std::pair<std::string, std::string> at;
    auto it = org.find(rep);
    if (it == org.end()) return at;
    std::string best;
    for (const auto& [from, team, region] : it->second) {
      if (from <= day && from >= best) {
        best = from;
        at = {team, region};
      }
    }
    return at;
  }

  bool InScope(const common::v1::ScopeRef& scope, const std::string& rep,
               const std::string& day) const {
    switch (scope.kind()) {
      case common::v1::SCOPE_KIND_COMPANY:
        return true;
      case common::v1::SCOPE_KIND_REP:
        return rep == scope.id();
      case common::v1::SCOPE_KIND_TEAM:
        return !rep.empty() && Placed(rep, day).first == scope.id();
      default:
        return !rep.empty() && Placed(rep, day).second == scope.id();
    }
  }

  std::map<std::string, int64_t> Sum(const common::v1::ScopeRef& scope, const std::string& first,
                                     const std::string& last) const {
    std::map<std::string, int64_t> sum;
    for (const Fact& f : facts) {
      if (f.day >= first && f.day <= last && InScope(scope, f.rep, f.day)) sum[f.field] += f.delta;
    }
    return sum;
  }
};

// Half-even a*b/c for the expected averages.
int64_t Ratio(int64_t a, int64_t b, int64_t c) {
  if (c == 0) return 0;
  const long double exact = static_cast<long double>(a) * b / c;
  long double r = std::nearbyint(exact);  // default rounding mode: to nearest, ties to even
  return static_cast<int64_t>(r);
}

Oracle OracleOf(const testing::History& h) {
  Oracle o;
  for (const auto* part : {&h.targets, &h.activity, &h.feedback}) {
    for (const projection::SourcedEvent& e : *part) o.Feed(e.envelope);
  }
  return o;
}

// ---------------------------------------------------------------------------------------
// Folding.

struct Folded {
  std::unique_ptr<TempDir> dir = std::make_unique<TempDir>();
  std::unique_ptr<projection::ViewDb> db;
  std::unique_ptr<projection::ProjectionRunner> runner;
  projection::VectorSource* source = nullptr;

  std::vector<projection::ViewRow> Rows() const {
    auto rows = db->Scan(keys::kView);
    EXPECT_OK(rows.status());
    return rows.ok() ? *rows : std::vector<projection::ViewRow>{};
  }
};

std::unique_ptr<Folded> Fold(std::vector<projection::SourcedEvent> records, size_t batch = 1000) {
  auto f = std::make_unique<Folded>();
  auto db = projection::ViewDb::Open((f->dir->path() / "views").string(), AnalyticsViewNames());
  EXPECT_OK(db.status());
  f->db = *std::move(db);
  auto source = std::make_unique<projection::VectorSource>(std::move(records));
  f->source = source.get();
  projection::ProjectionOptions options;
  options.name = "analytics";
  options.batch_size = batch;
  auto runner = projection::ProjectionRunner::Create(f->db.get(), std::move(source),
                                                     NewAnalyticsViews({}), options);
  EXPECT_OK(runner.status());
  f->runner = *std::move(runner);
  EXPECT_OK(f->runner->CatchUp(absl::Seconds(60)));
  EXPECT_EQ(f->runner->Stats().dead_lettered, 0u);
  return f;
}

common::v1::ScopeRef Scope(common::v1::ScopeKind kind, const std::string& id) {
  common::v1::ScopeRef s;
  s.set_kind(kind);
  s.set_id(id);
  return s;
}

// The company, every region, team and rep of `history`.
std::vector<common::v1::ScopeRef> AllScopesOf(const testing::History& history) {
  std::vector<common::v1::ScopeRef> scopes = {Scope(common::v1::SCOPE_KIND_COMPANY, "")};
  for (const auto& r : history.region_ids)
    scopes.push_back(Scope(common::v1::SCOPE_KIND_REGION, r));
  for (const auto& t : history.team_ids) scopes.push_back(Scope(common::v1::SCOPE_KIND_TEAM, t));
  for (const auto& r : history.rep_ids) scopes.push_back(Scope(common::v1::SCOPE_KIND_REP, r));
  return scopes;
}

// A period asked for (as of a day, or "") and the days [first, last] it must cover.
struct KpiCase {
  std::string period;
  std::string first;
  std::string last;
  std::string as_of;
};

// Checks GetKpis of every scope and case against the oracle, KPI by KPI; returns how many
// (scope, case) pairs were checked.
int ExpectKpisEqualOracle(const AnalyticsQueries& queries, const Oracle& oracle,
                          const std::vector<common::v1::ScopeRef>& scopes,
                          const std::vector<KpiCase>& cases) {
  int checked = 0;
  for (const auto& scope : scopes) {
    for (const KpiCase& c : cases) {
      SCOPED_TRACE(absl::StrCat(scope.ShortDebugString(), " ", c.period, " as of ", c.as_of));
      v1::GetKpisRequest request;
      *request.mutable_scope() = scope;
      request.mutable_period()->set_id(c.period);
      request.set_as_of_day(c.as_of);
      absl::StatusOr<v1::GetKpisResponse> response = queries.GetKpis(request);
      EXPECT_OK(response.status());
      if (!response.ok()) continue;
      const v1::Kpis& k = response->kpis();
      std::map<std::string, int64_t> e = oracle.Sum(scope, c.first, c.last);
      EXPECT_EQ(k.revenue().minor_units(), e["revenue"]);
      EXPECT_EQ(k.revenue().currency_code(), "CNY");
      EXPECT_EQ(k.deals_won(), e["won"]);
      EXPECT_EQ(k.deals_lost(), e["lost"]);
      EXPECT_EQ(k.deals_cancelled(), e["cancelled"]);
      // Ratios over a net count that is not positive (cancellations and reopenings
      // of earlier deals in this period) are 0.
      EXPECT_EQ(k.win_rate_bp(),
                e["won"] + e["lost"] > 0 ? Ratio(e["won"], 10000, e["won"] + e["lost"]) : 0);
      EXPECT_EQ(k.average_deal_size().minor_units(),
                e["won"] > 0 ? Ratio(e["revenue"], 1, e["won"]) : 0);
      EXPECT_EQ(k.calls(), e["calls"]);
      EXPECT_EQ(k.connected_calls(), e["connected"]);
      EXPECT_EQ(k.call_minutes(), e["call_seconds"] / 60);
      EXPECT_EQ(k.average_call_seconds(), Ratio(e["call_seconds"], 1, e["connected"]));
      EXPECT_EQ(k.visits_planned(), e["planned"]);
      EXPECT_EQ(k.visits_done(), e["done"]);
      EXPECT_EQ(k.visits_verified(), e["verified"]);
      EXPECT_EQ(k.visit_plan_changes(), e["plan_changes"]);
      EXPECT_EQ(k.csat_responses(), e["csat_n"]);
      EXPECT_EQ(k.csat_average_centi(), Ratio(e["csat_sum"], 100, e["csat_n"]));
      EXPECT_EQ(k.csat_satisfied_bp(), Ratio(e["csat_satisfied"], 10000, e["csat_n"]));
      EXPECT_EQ(k.nps_responses(), e["nps_n"]);
      EXPECT_EQ(k.nps(), Ratio(e["nps_net"], 100, e["nps_n"]));
      EXPECT_EQ(k.complaints(), e["complaints"]);
      EXPECT_EQ(k.new_customers(), e["new_customers"]);
      EXPECT_EQ(k.leads(), e["leads"]);
      EXPECT_EQ(k.first_day(), c.first);
      EXPECT_EQ(k.last_day(), c.last);
      // Working days up to today (kToday) at the latest: the rest of a running period is
      // still to come.
      const int64_t working_days =
          c.first > kToday ? 0 : oracle.WorkingDays(c.first, std::min(c.last, std::string(kToday)));
      EXPECT_EQ(k.working_days(), working_days);
      EXPECT_EQ(k.calls_per_working_day_centi(), Ratio(e["calls"], 100, working_days));
      ++checked;
    }
  }
  return checked;
}

class AnalyticsHistoryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    history_ = new testing::History(testing::RandomHistory(42));
    oracle_ = new Oracle(OracleOf(*history_));
    folded_ = Fold(testing::Interleave(*history_, 1)).release();
  }
  static void TearDownTestSuite() {
    delete folded_;
    delete oracle_;
    delete history_;
  }

  AnalyticsQueries Queries() const {
    AnalyticsQueriesOptions options;
    options.views = folded_->db.get();
    options.clock = &clock_;
    return AnalyticsQueries(options);
  }

  std::vector<common::v1::ScopeRef> AllScopes() const { return AllScopesOf(*history_); }

  static testing::History* history_;
  static Oracle* oracle_;
  static Folded* folded_;
  // kToday.
  mutable FakeClock clock_{
      absl::FromCivil(absl::CivilSecond(2026, 2, 14, 12, 0, 0), absl::FixedTimeZone(8 * 3600))};
};

testing::History* AnalyticsHistoryTest::history_ = nullptr;
Oracle* AnalyticsHistoryTest::oracle_ = nullptr;
Folded* AnalyticsHistoryTest::folded_ = nullptr;

TEST_F(AnalyticsHistoryTest, KpisEqualIndependentComputation) {
  // FY2026 with fiscal start month 4 is 2025-04-01..2026-03-31.
  const int checked = ExpectKpisEqualOracle(Queries(), *oracle_, AllScopes(),
                                            {{"2026-01", "2026-01-01", "2026-01-31", ""},
                                             {"2026-Q1", "2026-01-01", "2026-03-31", ""},
                                             {"2026-W05", "2026-01-26", "2026-02-01", ""},
                                             {"2026-02-10", "2026-02-10", "2026-02-10", ""},
                                             {"FY2026", "2025-04-01", "2026-03-31", ""},
                                             {"2026-02", "2026-02-01", "2026-02-14", "2026-02-14"},
                                             {"2026", "2026-01-01", "2026-12-31", ""}});
  EXPECT_GT(checked, 200);
  // The history is not trivial: some revenue was reversed and some reps moved.
  EXPECT_GT(oracle_->Sum(Scope(common::v1::SCOPE_KIND_COMPANY, ""), "2026-01-01",
                         "2026-12-31")["cancelled"],
            0);
}

// A history over a year end: ranges read from quarter and year rows of two calendar
// years, an ISO week across them, a fiscal year made of quarters of both, a month as of a
// day, and reps moved (some backdated) across the year end.
TEST(AnalyticsYearEndTest, KpisOverAYearEndEqualIndependentComputation) {
  testing::HistoryOptions options;
  options.first_day = absl::CivilDay(2025, 11, 15);
  options.days = 90;
  options.activity_events = 4000;
  const testing::History history = testing::RandomHistory(7, options);
  const Oracle oracle = OracleOf(history);
  const std::unique_ptr<Folded> folded = Fold(testing::Interleave(history, 3));
  FakeClock clock(  // kToday
      absl::FromCivil(absl::CivilSecond(2026, 2, 14, 12, 0, 0), absl::FixedTimeZone(8 * 3600)));
  AnalyticsQueriesOptions query_options;
  query_options.views = folded->db.get();
  query_options.clock = &clock;
  const AnalyticsQueries queries(query_options);
  const std::vector<common::v1::ScopeRef> scopes = AllScopesOf(history);
  EXPECT_GT(ExpectKpisEqualOracle(queries, oracle, scopes,
                                  {{"2025-Q4", "2025-10-01", "2025-12-31", ""},
                                   {"2025", "2025-01-01", "2025-12-31", ""},
                                   {"2026-W01", "2025-12-29", "2026-01-04", ""},
                                   {"FY2026", "2025-04-01", "2026-03-31", ""},
                                   {"FY2026-Q3", "2025-10-01", "2025-12-31", ""},
                                   {"2025-12", "2025-12-01", "2025-12-20", "2025-12-20"},
                                   {"2026-Q1", "2026-01-01", "2026-02-10", "2026-02-10"}}),
            200);
  // Both years hold facts.
  EXPECT_GT(oracle.Sum(scopes[0], "2025-01-01", "2025-12-31")["calls"], 0);
  EXPECT_GT(oracle.Sum(scopes[0], "2026-01-01", "2026-12-31")["calls"], 0);
}

TEST_F(AnalyticsHistoryTest, PipelineAndRiskFlagsEqualFinalDealStates) {
  const AnalyticsQueries queries = Queries();
  for (const auto& scope : AllScopes()) {
    SCOPED_TRACE(scope.ShortDebugString());
    int64_t count[4] = {0, 0, 0, 0};
    int64_t amount[4] = {0, 0, 0, 0};
    int64_t open_flags = 0;
    auto current = [&](const std::string& rep) {
      // Placed there today (a move dated later has not happened yet).
      if (scope.kind() == common::v1::SCOPE_KIND_COMPANY) return true;
      if (scope.kind() == common::v1::SCOPE_KIND_REP) return rep == scope.id();
      const auto at = oracle_->Placed(rep, kToday);
      return (scope.kind() == common::v1::SCOPE_KIND_TEAM ? at.first : at.second) == scope.id();
    };
    for (const auto& [id, deal] : oracle_->deals) {
      const int stage = deal.second.first;
      if (stage >= 1 && stage <= 3 && current(deal.first)) {
        count[stage] += 1;
        amount[stage] += deal.second.second;
      }
    }
    for (const auto& [id, flag] : oracle_->flags)
      open_flags += (flag.second && current(flag.first)) ? 1 : 0;
    v1::GetKpisRequest request;
    *request.mutable_scope() = scope;
    request.mutable_period()->set_id("2026-01");
    ASSERT_OK_AND_ASSIGN(v1::GetKpisResponse response, queries.GetKpis(request));
    ASSERT_EQ(response.kpis().pipeline_size(), 3);
    for (int s = 1; s <= 3; ++s) {
      EXPECT_EQ(response.kpis().pipeline(s - 1).deals(), count[s]);
      EXPECT_EQ(response.kpis().pipeline(s - 1).value().minor_units(), amount[s]);
    }
    EXPECT_EQ(response.kpis().open_risk_flags(), open_flags);
  }
}

// A metric's value from a rep's net facts (Fact::field -> sum).
using FactValue = std::function<int64_t(std::map<std::string, int64_t>&)>;

// Expected ranking of a metric (default: revenue) from the independent computation.
std::vector<std::pair<std::string, int64_t>> ExpectedRanking(
    const Oracle& o, const common::v1::ScopeRef& scope, const std::string& first,
    const std::string& last,
    const FactValue& value = [](std::map<std::string, int64_t>& f) { return f["revenue"]; }) {
  // Ranked: the reps whose net facts in the scope and days are not all zero.
  std::map<std::string, std::map<std::string, int64_t>> net;
  for (const Fact& f : o.facts) {
    if (f.rep.empty() || f.day < first || f.day > last || !o.InScope(scope, f.rep, f.day)) continue;
    net[f.rep][f.field] += f.delta;
  }
  std::vector<std::pair<std::string, int64_t>> out;
  for (auto& [rep, fields] : net) {
    bool any = false;
    for (const auto& [field, value] : fields) any = any || value != 0;
    if (any) out.emplace_back(rep, value(fields));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  return out;
}

TEST_F(AnalyticsHistoryTest, LeaderboardsEqualIndependentRanking) {
  const AnalyticsQueries queries = Queries();
  std::vector<common::v1::ScopeRef> scopes = {Scope(common::v1::SCOPE_KIND_COMPANY, "")};
  for (const auto& r : history_->region_ids)
    scopes.push_back(Scope(common::v1::SCOPE_KIND_REGION, r));
  for (const auto& t : history_->team_ids) scopes.push_back(Scope(common::v1::SCOPE_KIND_TEAM, t));
  const std::vector<std::tuple<std::string, std::string, std::string>> periods = {
      {"2026-02", "2026-02-01", "2026-02-28"},
      {"2026-Q1", "2026-01-01", "2026-03-31"},
      {"2026-02-10", "2026-02-10", "2026-02-10"}};
  for (const auto& scope : scopes) {
    for (const auto& [period, first, last] : periods) {
      SCOPED_TRACE(absl::StrCat(scope.ShortDebugString(), " ", period));
      const auto expected = ExpectedRanking(*oracle_, scope, first, last);
      v1::GetLeaderboardRequest request;
      request.set_metric(v1::METRIC_REVENUE);
      *request.mutable_scope() = scope;
      request.mutable_period()->set_id(period);
      request.set_top_n(5);
      const std::string me = expected.size() > 6 ? expected[6].first : "";
      request.set_rep_id(me);
      request.set_neighbours(2);
      ASSERT_OK_AND_ASSIGN(v1::GetLeaderboardResponse response, queries.GetLeaderboard(request));
      ASSERT_EQ(response.top_size(), std::min<size_t>(5, expected.size()));
      EXPECT_EQ(response.ranked(), static_cast<int64_t>(expected.size()));
      for (int i = 0; i < response.top_size(); ++i) {
        EXPECT_EQ(response.top(i).rank(), i + 1);
        EXPECT_EQ(response.top(i).rep_id(), expected[i].first);
        EXPECT_EQ(response.top(i).value(), expected[i].second);
        // RandomHistory hires "rep-07" as "Rep 7".
        int rep_number = -1;
        ASSERT_TRUE(absl::SimpleAtoi(response.top(i).rep_id().substr(4), &rep_number));
        EXPECT_EQ(response.top(i).display_name(), absl::StrCat("Rep ", rep_number));
      }
      if (!me.empty()) {
        // Ranks 5..9 where there are that many.
        const int around = static_cast<int>(std::min<size_t>(9, expected.size())) - 4;
        ASSERT_EQ(response.around_rep_size(), around);
        for (int i = 0; i < around; ++i) {
          EXPECT_EQ(response.around_rep(i).rank(), 5 + i);
          EXPECT_EQ(response.around_rep(i).rep_id(), expected[4 + i].first);
          EXPECT_FALSE(response.around_rep(i).display_name().empty());
        }
      }
    }
  }
}

TEST_F(AnalyticsHistoryTest, IndexedAndComputedLeaderboardsAgree) {
  const AnalyticsQueries queries = Queries();
  for (v1::Metric metric : AllMetrics()) {
    if (IsStateMetric(metric)) continue;  // no as_of_day (StateMetricsRankAsTheyStandNow)
    SCOPED_TRACE(MetricName(metric));
    v1::GetLeaderboardRequest request;
    request.set_metric(metric);
    *request.mutable_scope() = Scope(common::v1::SCOPE_KIND_COMPANY, "");
    request.mutable_period()->set_id("2026-03");
    request.set_top_n(1000);
    ASSERT_OK_AND_ASSIGN(v1::GetLeaderboardResponse now, queries.GetLeaderboard(request));
    // An as_of_day after the period takes the computed path for every metric.
    request.set_as_of_day("2026-12-31");
    ASSERT_OK_AND_ASSIGN(v1::GetLeaderboardResponse computed, queries.GetLeaderboard(request));
    ASSERT_EQ(now.top_size(), computed.top_size());
    ASSERT_GT(now.top_size(), 10);
    EXPECT_EQ(now.ranked(), computed.ranked());
    EXPECT_EQ(now.ranked(), now.top_size());
    for (int i = 0; i < now.top_size(); ++i) {
      EXPECT_EQ(now.top(i).rep_id(), computed.top(i).rep_id());
      EXPECT_EQ(now.top(i).value(), computed.top(i).value());
    }
  }
}

// The whole leaderboard of `metric` in `scope` and `period` is `expected`, in order.
void ExpectWholeBoard(const AnalyticsQueries& queries, v1::Metric metric,
                      const common::v1::ScopeRef& scope, const std::string& period,
                      const std::vector<std::pair<std::string, int64_t>>& expected) {
  SCOPED_TRACE(period);
  v1::GetLeaderboardRequest request;
  request.set_metric(metric);
  *request.mutable_scope() = scope;
  request.mutable_period()->set_id(period);
  request.set_top_n(1000);
  ASSERT_OK_AND_ASSIGN(v1::GetLeaderboardResponse response, queries.GetLeaderboard(request));
  ASSERT_EQ(response.top_size(), static_cast<int>(expected.size()));
  EXPECT_EQ(response.ranked(), static_cast<int64_t>(expected.size()));
  for (int i = 0; i < response.top_size(); ++i) {
    EXPECT_EQ(response.top(i).rep_id(), expected[i].first);
    EXPECT_EQ(response.top(i).value(), expected[i].second);
  }
}

// Cancelled deals and calls per working day (of the days passed by kToday) rank as the
// independent computation does, in the company, a region and a team, over a running and
// a closed period.
TEST_F(AnalyticsHistoryTest, CancellationsAndCallsPerWorkingDayRankAsComputed) {
  const AnalyticsQueries queries = Queries();
  const std::vector<common::v1::ScopeRef> scopes = {
      Scope(common::v1::SCOPE_KIND_COMPANY, ""),
      Scope(common::v1::SCOPE_KIND_REGION, history_->region_ids[0]),
      Scope(common::v1::SCOPE_KIND_TEAM, history_->team_ids[1])};
  const std::vector<std::tuple<std::string, std::string, std::string>> periods = {
      {"2026-02", "2026-02-01", "2026-02-28"}, {"2026-01", "2026-01-01", "2026-01-31"}};
  int cancelled_ranked = 0;
  for (const auto& scope : scopes) {
    for (const auto& [period, first, last] : periods) {
      const int64_t working_days = oracle_->WorkingDays(first, std::min(last, std::string(kToday)));
      ASSERT_GT(working_days, 0);
      const std::vector<std::pair<v1::Metric, FactValue>> metrics = {
          {v1::METRIC_DEALS_CANCELLED, [](auto& f) { return f["cancelled"]; }},
          {v1::METRIC_CALLS_PER_WORKING_DAY,
           [working_days](auto& f) { return Ratio(f["calls"], 100, working_days); }}};
      for (const auto& [metric, value] : metrics) {
        SCOPED_TRACE(absl::StrCat(scope.ShortDebugString(), " ", period, " ",
                                  std::string(MetricName(metric))));
        const auto expected = ExpectedRanking(*oracle_, scope, first, last, value);
        ASSERT_FALSE(expected.empty());
        ExpectWholeBoard(queries, metric, scope, period, expected);
        if (metric == v1::METRIC_DEALS_CANCELLED && expected.front().second > 0) {
          ++cancelled_ranked;
        }
      }
    }
  }
  EXPECT_GT(cancelled_ranked, 0);  // the history cancels deals in these periods

  // The regional view and a trend take the same working days.
  v1::GetRegionalViewRequest regional;
  *regional.mutable_parent() = Scope(common::v1::SCOPE_KIND_COMPANY, "");
  regional.mutable_period()->set_id("2026-02");
  regional.add_metrics(v1::METRIC_CALLS_PER_WORKING_DAY);
  regional.add_metrics(v1::METRIC_DEALS_CANCELLED);
  ASSERT_OK_AND_ASSIGN(v1::GetRegionalViewResponse view, queries.GetRegionalView(regional));
  const int64_t february_days = oracle_->WorkingDays("2026-02-01", kToday);
  for (const auto& row : view.rows()) {
    auto e = oracle_->Sum(row.scope(), "2026-02-01", "2026-02-28");
    EXPECT_EQ(row.values(0), Ratio(e["calls"], 100, february_days));
    EXPECT_EQ(row.values(1), e["cancelled"]);
  }
  v1::GetTrendRequest trend;
  *trend.mutable_scope() = Scope(common::v1::SCOPE_KIND_COMPANY, "");
  trend.set_metric(v1::METRIC_CALLS_PER_WORKING_DAY);
  trend.set_granularity(common::v1::PERIOD_KIND_MONTH);
  trend.set_points(2);
  ASSERT_OK_AND_ASSIGN(v1::GetTrendResponse series, queries.GetTrend(trend));
  ASSERT_EQ(series.points_size(), 2);
  auto january = oracle_->Sum(trend.scope(), "2026-01-01", "2026-01-31");
  auto february = oracle_->Sum(trend.scope(), "2026-02-01", kToday);
  EXPECT_EQ(series.points(0).value(),
            Ratio(january["calls"], 100, oracle_->WorkingDays("2026-01-01", "2026-01-31")));
  EXPECT_EQ(series.points(1).value(), Ratio(february["calls"], 100, february_days));
}

// Open pipeline value and open risk flags rank the reps as their deals and flags stand
// today (a team's or region's: the reps placed there today), whatever the period; a past
// ranking, movement or series of them is INVALID_ARGUMENT.
TEST_F(AnalyticsHistoryTest, StateMetricsRankAsTheyStandNow) {
  const AnalyticsQueries queries = Queries();
  const std::vector<common::v1::ScopeRef> scopes = {
      Scope(common::v1::SCOPE_KIND_COMPANY, ""),
      Scope(common::v1::SCOPE_KIND_REGION, history_->region_ids[1]),
      Scope(common::v1::SCOPE_KIND_TEAM, history_->team_ids[0])};
  for (const auto& scope : scopes) {
    auto current = [&](const std::string& rep) {
      if (scope.kind() == common::v1::SCOPE_KIND_COMPANY) return true;
      const auto at = oracle_->Placed(rep, kToday);
      return (scope.kind() == common::v1::SCOPE_KIND_TEAM ? at.first : at.second) == scope.id();
    };
    std::map<std::string, int64_t> open_deals;
    std::map<std::string, int64_t> pipeline;
    std::map<std::string, int64_t> flags;
    for (const auto& [id, deal] : oracle_->deals) {
      const int stage = deal.second.first;
      if (stage < 1 || stage > 3 || !current(deal.first)) continue;
      open_deals[deal.first] += 1;
      pipeline[deal.first] += deal.second.second;
    }
    for (const auto& [id, flag] : oracle_->flags) {
      if (flag.second && current(flag.first)) flags[flag.first] += 1;
    }
    for (v1::Metric metric : {v1::METRIC_PIPELINE_VALUE, v1::METRIC_OPEN_RISK_FLAGS}) {
      SCOPED_TRACE(absl::StrCat(scope.ShortDebugString(), " ", std::string(MetricName(metric))));
      // Ranked: the reps with an open deal (pipeline value) or an open flag (flags).
      std::vector<std::pair<std::string, int64_t>> expected;
      if (metric == v1::METRIC_PIPELINE_VALUE) {
        for (const auto& [rep, n] : open_deals) expected.emplace_back(rep, pipeline[rep]);
      } else {
        for (const auto& [rep, n] : flags) expected.emplace_back(rep, n);
      }
      ASSERT_FALSE(expected.empty());
      std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
      });
      for (const char* period : {"2026-02", "2025-11"}) {
        ExpectWholeBoard(queries, metric, scope, period, expected);
      }
    }
  }

  // The regional view: each region's reps placed there now.
  v1::GetRegionalViewRequest regional;
  *regional.mutable_parent() = Scope(common::v1::SCOPE_KIND_COMPANY, "");
  regional.mutable_period()->set_id("2026-Q1");
  regional.add_metrics(v1::METRIC_PIPELINE_VALUE);
  regional.add_metrics(v1::METRIC_OPEN_RISK_FLAGS);
  ASSERT_OK_AND_ASSIGN(v1::GetRegionalViewResponse view, queries.GetRegionalView(regional));
  int64_t pipeline_total = 0;
  for (const auto& row : view.rows()) {
    v1::GetKpisRequest kpis;
    *kpis.mutable_scope() = row.scope();
    kpis.mutable_period()->set_id("2026-Q1");
    ASSERT_OK_AND_ASSIGN(v1::GetKpisResponse k, queries.GetKpis(kpis));
    int64_t value = 0;
    for (const auto& stage : k.kpis().pipeline()) value += stage.value().minor_units();
    EXPECT_EQ(row.values(0), value);
    EXPECT_EQ(row.values(1), k.kpis().open_risk_flags());
    pipeline_total += value;
  }
  EXPECT_GT(pipeline_total, 0);

  // No past values.
  v1::GetLeaderboardRequest past;
  past.set_metric(v1::METRIC_OPEN_RISK_FLAGS);
  *past.mutable_scope() = Scope(common::v1::SCOPE_KIND_COMPANY, "");
  past.mutable_period()->set_id("2026-02");
  past.set_as_of_day("2026-02-10");
  EXPECT_EQ(queries.GetLeaderboard(past).status().code(), absl::StatusCode::kInvalidArgument);
  past.clear_as_of_day();
  past.set_include_movement(true);
  EXPECT_EQ(queries.GetLeaderboard(past).status().code(), absl::StatusCode::kInvalidArgument);
  regional.set_as_of_day("2026-02-10");
  absl::Status status = queries.GetRegionalView(regional).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("metrics[0]"));
  v1::GetTrendRequest trend;
  *trend.mutable_scope() = Scope(common::v1::SCOPE_KIND_COMPANY, "");
  trend.set_metric(v1::METRIC_PIPELINE_VALUE);
  trend.set_granularity(common::v1::PERIOD_KIND_MONTH);
  EXPECT_EQ(queries.GetTrend(trend).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(AnalyticsHistoryTest, MovementComparesWithThePreviousDay) {
  const AnalyticsQueries queries = Queries();
  struct Case {
    common::v1::ScopeRef scope;
    v1::Metric metric;
    std::string as_of;     // "" = today (kToday)
    std::string previous;  // the day before
  };
  const std::vector<Case> cases = {
      {Scope(common::v1::SCOPE_KIND_COMPANY, ""), v1::METRIC_CALLS, "2026-02-10", "2026-02-09"},
      {Scope(common::v1::SCOPE_KIND_COMPANY, ""), v1::METRIC_VISITS_DONE, "", "2026-02-13"},
      {Scope(common::v1::SCOPE_KIND_TEAM, history_->team_ids[0]), v1::METRIC_REVENUE, "2026-02-26",
       "2026-02-25"},
      {Scope(common::v1::SCOPE_KIND_REGION, history_->region_ids[1]),
       v1::METRIC_CALLS_PER_WORKING_DAY, "2026-02-12", "2026-02-11"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.scope.ShortDebugString(), " ", std::string(MetricName(c.metric)),
                              " as of ", c.as_of));
    v1::GetLeaderboardRequest request;
    request.set_metric(c.metric);
    *request.mutable_scope() = c.scope;
    request.mutable_period()->set_id("2026-02");
    request.set_as_of_day(c.as_of);
    request.set_top_n(50);
    request.set_include_movement(true);
    ASSERT_OK_AND_ASSIGN(v1::GetLeaderboardResponse now, queries.GetLeaderboard(request));
    request.set_as_of_day(c.previous);
    request.set_include_movement(false);
    ASSERT_OK_AND_ASSIGN(v1::GetLeaderboardResponse before, queries.GetLeaderboard(request));
    std::map<std::string, int64_t> before_rank;
    for (const auto& e : before.top()) before_rank[e.rep_id()] = e.rank();
    ASSERT_GT(now.top_size(), 1);
    int with_previous = 0;
    for (const auto& e : now.top()) {
      EXPECT_EQ(e.previous_rank(), before_rank.count(e.rep_id()) ? before_rank[e.rep_id()] : 0);
      if (e.previous_rank() != 0) {
        ++with_previous;
        EXPECT_EQ(e.movement(), e.previous_rank() - e.rank());
      }
    }
    EXPECT_GT(with_previous, 0);
  }
}

TEST_F(AnalyticsHistoryTest, RegionalViewRowsAndTotals) {
  const AnalyticsQueries queries = Queries();
  v1::GetRegionalViewRequest request;
  *request.mutable_parent() = Scope(common::v1::SCOPE_KIND_COMPANY, "");
  request.mutable_period()->set_id("2026-Q1");
  request.add_metrics(v1::METRIC_REVENUE);
  request.add_metrics(v1::METRIC_CALLS);
  ASSERT_OK_AND_ASSIGN(v1::GetRegionalViewResponse response, queries.GetRegionalView(request));
  ASSERT_EQ(response.rows_size(), static_cast<int>(history_->region_ids.size()));
  for (const auto& row : response.rows()) {
    auto e = oracle_->Sum(row.scope(), "2026-01-01", "2026-03-31");
    EXPECT_EQ(row.values(0), e["revenue"]);
    EXPECT_EQ(row.values(1), e["calls"]);
    EXPECT_FALSE(row.name().empty());
  }
  auto total = oracle_->Sum(Scope(common::v1::SCOPE_KIND_COMPANY, ""), "2026-01-01", "2026-03-31");
  EXPECT_EQ(response.total().values(0), total["revenue"]);
  EXPECT_EQ(response.total().values(1), total["calls"]);

  *request.mutable_parent() = Scope(common::v1::SCOPE_KIND_REGION, history_->region_ids[0]);
  ASSERT_OK_AND_ASSIGN(response, queries.GetRegionalView(request));
  EXPECT_EQ(response.rows_size(), 2);
  EXPECT_FALSE(response.total().name().empty());
  int64_t calls = 0;
  for (const auto& row : response.rows()) {
    calls += row.values(1);
    EXPECT_FALSE(row.name().empty());
    auto e = oracle_->Sum(row.scope(), "2026-01-01", "2026-03-31");
    EXPECT_EQ(row.values(1), e["calls"]);
  }
  EXPECT_EQ(calls, response.total().values(1));  // every rep of a region is in one of its teams

  // As of a day mid-quarter: January from its month rows, February up to the day from
  // day rows.
  *request.mutable_parent() = Scope(common::v1::SCOPE_KIND_COMPANY, "");
  request.set_as_of_day("2026-02-14");
  ASSERT_OK_AND_ASSIGN(response, queries.GetRegionalView(request));
  ASSERT_EQ(response.rows_size(), static_cast<int>(history_->region_ids.size()));
  for (const auto& row : response.rows()) {
    auto e = oracle_->Sum(row.scope(), "2026-01-01", "2026-02-14");
    EXPECT_EQ(row.values(0), e["revenue"]);
    EXPECT_EQ(row.values(1), e["calls"]);
  }
  total = oracle_->Sum(Scope(common::v1::SCOPE_KIND_COMPANY, ""), "2026-01-01", "2026-02-14");
  EXPECT_EQ(response.total().values(0), total["revenue"]);
  EXPECT_EQ(response.total().values(1), total["calls"]);
}

TEST_F(AnalyticsHistoryTest, TrendAndFunnel) {
  const AnalyticsQueries queries = Queries();
  v1::GetTrendRequest trend;
  *trend.mutable_scope() = Scope(common::v1::SCOPE_KIND_TEAM, history_->team_ids[1]);
  trend.set_metric(v1::METRIC_CALLS);
  trend.set_granularity(common::v1::PERIOD_KIND_MONTH);
  trend.set_end_day("2026-03-31");
  trend.set_points(3);
  ASSERT_OK_AND_ASSIGN(v1::GetTrendResponse t, queries.GetTrend(trend));
  ASSERT_EQ(t.points_size(), 3);
  const char* months[][3] = {{"2026-01", "2026-01-01", "2026-01-31"},
                             {"2026-02", "2026-02-01", "2026-02-28"},
                             {"2026-03", "2026-03-01", "2026-03-31"}};
  int64_t previous = 0;  // December had no facts
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(t.points(i).period().id(), months[i][0]);
    const int64_t calls = oracle_->Sum(trend.scope(), months[i][1], months[i][2])["calls"];
    EXPECT_EQ(t.points(i).value(), calls);
    EXPECT_EQ(t.points(i).change(), calls - previous);
    previous = calls;
  }
  v1::GetFunnelRequest funnel;
  *funnel.mutable_scope() = Scope(common::v1::SCOPE_KIND_COMPANY, "");
  funnel.mutable_period()->set_id("2026");
  ASSERT_OK_AND_ASSIGN(v1::GetFunnelResponse f, queries.GetFunnel(funnel));
  ASSERT_EQ(f.stages_size(), 5);
  auto year = oracle_->Sum(funnel.scope(), "2026-01-01", "2026-12-31");
  EXPECT_EQ(f.stages(0).count(), year["leads"]);
  EXPECT_EQ(f.stages(1).count(), year["funnel_q"]);
  EXPECT_EQ(f.stages(1).count(), static_cast<int64_t>(oracle_->deals.size()));
  EXPECT_EQ(f.stages(2).count(), year["funnel_p"]);
  EXPECT_EQ(f.stages(3).count(), year["funnel_n"]);
  EXPECT_EQ(f.stages(2).conversion_bp(), Ratio(year["funnel_p"], 10000, year["funnel_q"]));
  EXPECT_EQ(f.stages(4).count(), year["won"]);
}

// Every target of the history (every metric kind, every scope kind, a month and a fiscal
// quarter), as of 2026-01-20, against the oracle: actual, pace, projection and status.
TEST_F(AnalyticsHistoryTest, AttainmentOfEveryTarget) {
  const AnalyticsQueries queries = Queries();
  v1::GetAttainmentRequest request;
  request.set_as_of_day("2026-01-20");
  ASSERT_OK_AND_ASSIGN(v1::GetAttainmentResponse response, queries.GetAttainment(request));
  ASSERT_EQ(response.attainments_size(), 1 + 3 + 6 + 5 + 1);
  std::set<std::pair<int, int>> seen;  // (metric, scope kind)
  for (const v1::Attainment& a : response.attainments()) {
    SCOPED_TRACE(a.target_id());
    seen.insert({a.key().metric(), a.key().scope().kind()});
    const bool fiscal = a.key().period().kind() == common::v1::PERIOD_KIND_FISCAL_QUARTER;
    EXPECT_EQ(a.key().period().id(), fiscal ? "FY2026-Q4" : "2026-01");
    auto e = oracle_->Sum(a.key().scope(), "2026-01-01", "2026-01-20");
    bool additive = true;
    int64_t actual = 0;
    switch (a.key().metric()) {
      case tg::METRIC_REVENUE:
        actual = e["revenue"];
        break;
      case tg::METRIC_CALLS:
        actual = e["calls"];
        break;
      case tg::METRIC_VISITS:
        actual = e["done"];
        break;
      case tg::METRIC_DEALS_WON:
        actual = e["won"];
        break;
      case tg::METRIC_CONVERSION_RATE:
        additive = false;
        actual = e["won"] + e["lost"] > 0 ? Ratio(e["won"], 10000, e["won"] + e["lost"]) : 0;
        break;
      case tg::METRIC_CSAT:
        additive = false;
        actual = Ratio(e["csat_satisfied"], 10000, e["csat_n"]);
        break;
      default:
        ADD_FAILURE() << "unexpected metric " << a.key().metric();
    }
    EXPECT_EQ(a.actual(), actual);
    // January 2026: 22 weekdays, minus the holiday on 01-02: 21; 13 elapsed by 01-20. The
    // fiscal quarter (January to March) has 21 + 20 + 22 working days.
    const int64_t working = fiscal ? oracle_->WorkingDays("2026-01-01", "2026-03-31")
                                   : oracle_->WorkingDays("2026-01-01", "2026-01-31");
    const int64_t elapsed = oracle_->WorkingDays("2026-01-01", "2026-01-20");
    EXPECT_EQ(working, fiscal ? 63 : 21);
    EXPECT_EQ(elapsed, 13);
    EXPECT_EQ(a.working_days(), working);
    EXPECT_EQ(a.working_days_elapsed(), elapsed);
    const int64_t expected = additive ? Ratio(a.target(), elapsed, working) : a.target();
    EXPECT_EQ(a.expected_to_date(), expected);
    EXPECT_EQ(a.projected_straight_line(), additive ? Ratio(actual, working, elapsed) : actual);
    const v1::AttainmentStatus status =
        actual * 10000 >= expected * 10000  ? v1::ATTAINMENT_STATUS_ON_TRACK
        : actual * 10000 >= expected * 8000 ? v1::ATTAINMENT_STATUS_AT_RISK
                                            : v1::ATTAINMENT_STATUS_OFF_TRACK;
    EXPECT_EQ(a.status(), status);
    EXPECT_EQ(a.target_status(), tg::TARGET_STATUS_APPROVED);
  }
  EXPECT_EQ(seen.size(), 9u);  // revenue x 3 scope kinds, calls x 2, and one of each other
}

// DESIGN.md section 4: rows do not depend on the interleaving of sources; duplicates and
// replays change nothing; a rebuild equals the incremental fold.
TEST(AnalyticsFoldTest, ShuffledOrdersDuplicatesAndRebuildGiveIdenticalRows) {
  testing::HistoryOptions options;
  options.activity_events = 2500;
  options.reps = 12;
  options.moves = 10;
  const testing::History history = testing::RandomHistory(7, options);
  const auto reference = Fold(testing::Interleave(history, 100));
  const std::vector<projection::ViewRow> rows = reference->Rows();
  ASSERT_GT(rows.size(), 1000u);
  for (uint64_t seed : {101, 102}) {
    SCOPED_TRACE(seed);
    const auto other = Fold(testing::Interleave(history, seed), /*batch=*/37);
    EXPECT_TRUE(other->Rows() == rows);
  }
  // Batches of one and two events: every placement settles in the batch of its event.
  for (size_t batch : {size_t{1}, size_t{2}}) {
    SCOPED_TRACE(batch);
    EXPECT_TRUE(Fold(testing::Interleave(history, 105), batch)->Rows() == rows);
  }
  // A relay restart re-publishes every event (new positions, the same sequences), and
  // the fold is then rebuilt from scratch.
  std::vector<projection::SourcedEvent> doubled = testing::Interleave(history, 103);
  std::vector<projection::SourcedEvent> replay = testing::Interleave(history, 104);
  for (projection::SourcedEvent& e : replay) e.position += 1'000'000;
  doubled.insert(doubled.end(), replay.begin(), replay.end());
  const auto twice = Fold(doubled, /*batch=*/50);
  EXPECT_GT(twice->runner->Stats().duplicates_skipped, 0u);
  EXPECT_TRUE(twice->Rows() == rows);
  ASSERT_OK(twice->runner->Rebuild());
  ASSERT_OK(twice->runner->CatchUp(absl::Seconds(60)));
  EXPECT_TRUE(twice->Rows() == rows);
}

// A dead-letter sink that fails the first send of each record: each failure aborts a
// batch halfway, after the view summed some of its events in memory.
class FlakySink final : public projection::DeadLetterSink {
 public:
  absl::Status Send(const projection::SourcedEvent& record, std::string_view error) override {
    (void)error;
    if (failed_.insert(record.position).second) return absl::UnavailableError("sink down");
    stored_.insert(record.position);
    return absl::OkStatus();
  }
  size_t stored() const { return stored_.size(); }

 private:
  std::set<int64_t> failed_;
  std::set<int64_t> stored_;
};

// Events rejected after changing some rows (a deal won with no positive credit share:
// its funnel and "won" facts are counted before the split fails) and batches aborted
// halfway leave the rows exactly as a fold without them.
TEST(AnalyticsFoldTest, RejectedEventsAndAbortedBatchesLeaveNoTrace) {
  testing::HistoryOptions options;
  options.activity_events = 2000;
  options.reps = 8;
  const testing::History history = testing::RandomHistory(11, options);
  const auto reference = Fold(testing::Interleave(history, 100));
  const std::vector<projection::ViewRow> rows = reference->Rows();

  testing::History poisoned = history;
  std::vector<projection::SourcedEvent> activity;
  int poisons = 0;
  for (size_t i = 0; i < history.activity.size(); ++i) {
    activity.push_back(history.activity[i]);
    if (i % 97 != 50) continue;
    act::DealWon won;
    won.set_deal_id(absl::StrCat("poison-", i));
    won.set_rep_id(history.rep_ids[i % history.rep_ids.size()]);
    won.mutable_amount()->set_currency_code("CNY");
    won.mutable_amount()->set_minor_units(12345);
    // A day with no other activity: the rep's active-day list grows, then is undone.
    won.set_won_on(absl::StrCat("2027-0", 1 + i % 9, "-1", i % 10));
    won.add_credit_splits()->set_rep_id(won.rep_id());
    projection::SourcedEvent e = history.activity[i];
    e.envelope.set_stream_id(won.deal_id());
    e.envelope.mutable_payload()->PackFrom(won);
    activity.push_back(std::move(e));
    ++poisons;
  }
  for (size_t i = 0; i < activity.size(); ++i) {
    activity[i].position = static_cast<int64_t>(i) + 1;
    activity[i].envelope.set_sequence(i + 1);
  }
  poisoned.activity = std::move(activity);
  ASSERT_GT(poisons, 10);

  for (size_t batch : {size_t{1000}, size_t{23}}) {
    SCOPED_TRACE(batch);
    TempDir dir;
    ASSERT_OK_AND_ASSIGN(
        auto db, projection::ViewDb::Open((dir.path() / "views").string(), AnalyticsViewNames()));
    FlakySink sink;
    projection::ProjectionOptions po;
    po.name = "analytics";
    po.batch_size = batch;
    po.dead_letters = &sink;
    ASSERT_OK_AND_ASSIGN(
        auto runner,
        projection::ProjectionRunner::Create(
            db.get(), std::make_unique<projection::VectorSource>(testing::Interleave(poisoned, 5)),
            NewAnalyticsViews({}), po));
    for (int tries = 0; !runner->CaughtUp() && tries < 10'000; ++tries) {
      (void)runner->RunOnce();  // a batch fails at each poison once: retried
    }
    ASSERT_TRUE(runner->CaughtUp());
    EXPECT_EQ(sink.stored(), static_cast<size_t>(poisons));
    EXPECT_EQ(runner->Stats().dead_lettered, static_cast<uint64_t>(poisons));
    EXPECT_GE(runner->Stats().failed_batches, static_cast<uint64_t>(poisons));
    ASSERT_OK_AND_ASSIGN(std::vector<projection::ViewRow> got, db->Scan(keys::kView));
    EXPECT_TRUE(got == rows);
  }
}

// A view folded after the analytics view that rejects some hires, moves, deactivations and
// calls: the analytics view's placement or fact of such an event is rolled back with it.
class RejectingView final : public projection::View {
 public:
  std::string_view name() const override { return "rejecting"; }
  absl::Status Apply(const projection::EventEnvelope& event, projection::ViewTxn&) override {
    return Rejects(event) ? absl::InvalidArgumentError("rejected by the test") : absl::OkStatus();
  }
  static bool Rejects(const projection::EventEnvelope& e) {
    const bool placement = e.payload().Is<tg::RepHired>() || e.payload().Is<tg::RepMoved>() ||
                           e.payload().Is<tg::RepDeactivated>();
    return (placement && e.sequence() % 3 == 0) ||
           (e.payload().Is<act::CallLogged>() && e.sequence() % 11 == 0);
  }
};

TEST(AnalyticsFoldTest, EventsRejectedByAnotherViewLeaveNoTrace) {
  testing::HistoryOptions options;
  options.activity_events = 2000;
  options.reps = 10;
  options.moves = 12;
  const testing::History history = testing::RandomHistory(13, options);
  const std::vector<projection::SourcedEvent> all = testing::Interleave(history, 7);
  std::vector<projection::SourcedEvent> kept;
  int rejected_placements = 0;
  for (const projection::SourcedEvent& e : all) {
    if (!RejectingView::Rejects(e.envelope)) {
      kept.push_back(e);
    } else if (!e.envelope.payload().Is<act::CallLogged>()) {
      ++rejected_placements;
    }
  }
  ASSERT_GT(rejected_placements, 3);
  const std::vector<projection::ViewRow> rows = Fold(kept)->Rows();
  for (size_t batch : {size_t{1000}, size_t{7}}) {
    SCOPED_TRACE(batch);
    TempDir dir;
    std::vector<std::string> names = AnalyticsViewNames();
    names.push_back("rejecting");
    ASSERT_OK_AND_ASSIGN(auto db, projection::ViewDb::Open((dir.path() / "views").string(), names));
    std::vector<projection::ViewPtr> views = NewAnalyticsViews({});
    views.push_back(std::make_unique<RejectingView>());
    projection::ProjectionOptions po;
    po.name = "analytics";
    po.batch_size = batch;
    ASSERT_OK_AND_ASSIGN(auto runner, projection::ProjectionRunner::Create(
                                          db.get(), std::make_unique<projection::VectorSource>(all),
                                          std::move(views), po));
    ASSERT_OK(runner->CatchUp(absl::Seconds(60)));
    EXPECT_EQ(runner->Stats().dead_lettered, all.size() - kept.size());
    ASSERT_OK_AND_ASSIGN(std::vector<projection::ViewRow> got, db->Scan(keys::kView));
    EXPECT_TRUE(got == rows);
  }
}

// A backdated move re-attributes the days from its effective date, whichever source
// arrives first.
TEST(AnalyticsFoldTest, BackdatedMoveReattributes) {
  testing::HistoryOptions options;
  options.activity_events = 400;
  options.reps = 4;
  options.moves = 0;
  testing::History history = testing::RandomHistory(9, options);
  tg::RepMoved move;
  move.set_rep_id(history.rep_ids[0]);
  move.set_to_team_id("team-2-1");
  move.set_to_region_id("region-2");
  move.set_effective_from("2026-02-01");
  projection::SourcedEvent e = history.targets.back();
  e.position += 1;
  e.envelope.set_sequence(e.envelope.sequence() + 1);
  e.envelope.set_stream_id("org");
  e.envelope.mutable_payload()->PackFrom(move);
  history.targets.push_back(e);
  // The move last (after every activity event), and first.
  std::vector<projection::SourcedEvent> late = history.activity;
  late.insert(late.end(), history.feedback.begin(), history.feedback.end());
  late.insert(late.end(), history.targets.begin(), history.targets.end());
  std::vector<projection::SourcedEvent> early = history.targets;
  early.insert(early.end(), history.activity.begin(), history.activity.end());
  early.insert(early.end(), history.feedback.begin(), history.feedback.end());
  const auto a = Fold(late);
  const auto b = Fold(early);
  EXPECT_TRUE(a->Rows() == b->Rows());
  const Oracle oracle = OracleOf(history);
  AnalyticsQueriesOptions qo;
  qo.views = a->db.get();
  const AnalyticsQueries queries(qo);
  v1::GetKpisRequest request;
  *request.mutable_scope() = Scope(common::v1::SCOPE_KIND_TEAM, "team-2-1");
  request.mutable_period()->set_id("2026-Q1");
  ASSERT_OK_AND_ASSIGN(v1::GetKpisResponse k, queries.GetKpis(request));
  const auto expected = oracle.Sum(request.scope(), "2026-01-01", "2026-03-31");
  EXPECT_EQ(k.kpis().calls(), expected.count("calls") ? expected.at("calls") : 0);
  EXPECT_GT(k.kpis().calls(), 0);
}

// The index stores MetricValue of counters alone: a metric that needs working days or the
// open pipeline would be indexed as zeros.
TEST(AnalyticsIndexTest, IndexedMetricsNeedOnlyCounters) {
  for (v1::Metric metric : IndexedMetrics()) {
    SCOPED_TRACE(std::string(MetricName(metric)));
    EXPECT_FALSE(IsStateMetric(metric));
    EXPECT_NE(metric, v1::METRIC_CALLS_PER_WORKING_DAY);
  }
}

TEST(AnalyticsQueriesTest, BadRequestsAreFieldViolations) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto db,
                       projection::ViewDb::Open((dir.path() / "v").string(), AnalyticsViewNames()));
  AnalyticsQueriesOptions options;
  options.views = db.get();
  const AnalyticsQueries queries(options);
  v1::GetKpisRequest kpis;
  kpis.mutable_scope()->set_kind(common::v1::SCOPE_KIND_TEAM);
  kpis.mutable_period()->set_id("2026-13");
  kpis.set_as_of_day("yesterday");
  EXPECT_THAT(queries.GetKpis(kpis).status(),
              ::salesperf::testing::StatusIs(absl::StatusCode::kInvalidArgument));
  v1::GetLeaderboardRequest board;
  board.mutable_scope()->set_kind(common::v1::SCOPE_KIND_REP);
  board.mutable_period()->set_id("2026-01");
  EXPECT_THAT(queries.GetLeaderboard(board).status(),
              ::salesperf::testing::StatusIs(absl::StatusCode::kInvalidArgument));
  // Ids are checked like every service's: no control characters, no separators of row keys.
  auto fields = [](const absl::Status& status) {
    std::vector<std::string> out;
    for (const FieldViolation& v : FieldViolationsOf(status)) out.push_back(v.field);
    return out;
  };
  kpis.Clear();
  kpis.mutable_scope()->set_kind(common::v1::SCOPE_KIND_TEAM);
  kpis.mutable_scope()->set_id("t/1\n");
  kpis.mutable_period()->set_id("2026-01");
  EXPECT_THAT(fields(queries.GetKpis(kpis).status()), ::testing::ElementsAre("scope.id"));
  board.Clear();
  board.set_metric(v1::METRIC_CALLS);
  board.mutable_scope()->set_kind(common::v1::SCOPE_KIND_COMPANY);
  board.mutable_period()->set_id("2026-01");
  board.set_rep_id(std::string("rep\0x", 5));
  EXPECT_THAT(fields(queries.GetLeaderboard(board).status()), ::testing::ElementsAre("rep_id"));
  v1::GetAttainmentRequest attainment;
  attainment.set_target_id(std::string(300, 'x'));
  EXPECT_THAT(fields(queries.GetAttainment(attainment).status()),
              ::testing::ElementsAre("target_id"));
}

}  // namespace
}  // namespace salesperf::analytics
