// AnalyticsQueries: the read side of every AnalyticsService RPC, computed from the
// analytics view's pre-aggregated rows (projections/keys.cc) at one ReadSnapshot per
// query. No raw events are read at query time.
//
// Costs (README.md, "Query costs"): KPIs, funnel, regional view and trends read a month
// row per whole month and a day row per day of a partial month, per scope. The company
// leaderboard of a week, month, quarter or year is a prefix scan of its index (top N:
// N rows); other leaderboards (team, region, day, fiscal periods, as_of_day, movement)
// are computed from the candidates' rep rows, O(reps in scope).
//
// Errors: INVALID_ARGUMENT with field violations for bad requests; UNAVAILABLE for
// storage errors. Thread safety: every method may be called from any thread.
#ifndef SALESPERF_SERVICES_ANALYTICS_APP_ANALYTICS_QUERIES_H_
#define SALESPERF_SERVICES_ANALYTICS_APP_ANALYTICS_QUERIES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/common/clock.h"
#include "libs/common/period.h"
#include "libs/projection/view_db.h"
#include "salesperf/analytics/v1/analytics.pb.h"
#include "salesperf/analytics/v1/rows.pb.h"
#include "services/analytics/domain/attainment.h"

namespace salesperf::analytics {

struct AnalyticsQueriesOptions {
  // The service's view database; not owned. Required.
  const projection::ViewDb* views = nullptr;
  // "Today" for attainment pace, trends and movement. Not owned. Default: nullptr
  // (RealClock()).
  Clock* clock = nullptr;
  // Zone of the organisation's days (as the view was folded). Default: Asia/Shanghai.
  absl::TimeZone time_zone = DefaultTimeZone();
  // Currency of money figures until the organisation's settings name one. Default: "CNY".
  std::string default_currency = "CNY";
  AttainmentRule rule;
  StageProbabilities probabilities;
};

class AnalyticsQueries {
 public:
  explicit AnalyticsQueries(AnalyticsQueriesOptions options);

  absl::StatusOr<v1::GetKpisResponse> GetKpis(const v1::GetKpisRequest& request) const;
  absl::StatusOr<v1::GetAttainmentResponse> GetAttainment(
      const v1::GetAttainmentRequest& request) const;
  absl::StatusOr<v1::GetLeaderboardResponse> GetLeaderboard(
      const v1::GetLeaderboardRequest& request) const;
  absl::StatusOr<v1::GetRegionalViewResponse> GetRegionalView(
      const v1::GetRegionalViewRequest& request) const;
  absl::StatusOr<v1::GetTrendResponse> GetTrend(const v1::GetTrendRequest& request) const;
  absl::StatusOr<v1::GetFunnelResponse> GetFunnel(const v1::GetFunnelRequest& request) const;

  // The organisation's calendar as folded (time zone from the options).
  absl::StatusOr<Calendar> CurrentCalendar() const;
  // Today in the organisation's zone, by the clock.
  absl::CivilDay Today() const;
  const AnalyticsQueriesOptions& options() const { return options_; }

 private:
  AnalyticsQueriesOptions options_;
};

}  // namespace salesperf::analytics

#endif  // SALESPERF_SERVICES_ANALYTICS_APP_ANALYTICS_QUERIES_H_
