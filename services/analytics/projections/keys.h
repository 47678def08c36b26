// Row keys of the analytics view. The byte layouts are documented at the top of keys.cc.
// Ids never contain '/' (libs/common/ids.h), so '/' separates key parts. Pure functions;
// thread-safe.
#ifndef SALESPERF_SERVICES_ANALYTICS_PROJECTIONS_KEYS_H_
#define SALESPERF_SERVICES_ANALYTICS_PROJECTIONS_KEYS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "libs/common/period.h"
#include "salesperf/analytics/v1/analytics.pb.h"

namespace salesperf::analytics::keys {

// The one view (column family "view.analytics").
inline constexpr char kView[] = "analytics";

// Scope levels in aggregate keys.
inline constexpr char kCompany = 'c';
inline constexpr char kRegion = 'r';
inline constexpr char kTeam = 't';

std::string Settings();
std::string Rep(std::string_view rep_id);
inline constexpr std::string_view kRepPrefix = "o/r/";
std::string Region(std::string_view region_id);
inline constexpr std::string_view kRegionPrefix = "o/g/";
std::string Team(std::string_view team_id);
std::string TeamOfRegion(std::string_view region_id, std::string_view team_id);
std::string TeamsOfRegionPrefix(std::string_view region_id);
// Reps ever placed in a team / region (level kTeam or kRegion).
std::string Member(char level, std::string_view scope_id, std::string_view rep_id);
std::string MembersPrefix(char level, std::string_view scope_id);

std::string RepActiveDays(std::string_view rep_id);
std::string RepDay(std::string_view rep_id, std::string_view day);
std::string RepDaysPrefix(std::string_view rep_id);
std::string RepPeriod(std::string_view period_id, std::string_view rep_id);
std::string RepPeriodPrefix(std::string_view period_id);

std::string BoardPrefix(std::string_view period_id, v1::Metric metric);
std::string Board(std::string_view period_id, v1::Metric metric, int64_t value,
                  std::string_view rep_id);
// How many reps a period's leaderboards rank (every indexed metric ranks the same reps).
std::string BoardSize(std::string_view period_id);
// The rep id at the end of a Board key.
std::string_view RepOfBoard(std::string_view key, size_t prefix_size);

std::string ScopeDay(char level, std::string_view scope_id, std::string_view day);
std::string ScopeDaysPrefix(char level, std::string_view scope_id);
// A team's, region's or the company's month, quarter or year (`period_id` its Period::Id()).
std::string ScopePeriod(char level, std::string_view scope_id, PeriodKind kind,
                        std::string_view period_id);

std::string Deal(std::string_view deal_id);
std::string Pipeline(std::string_view rep_id);
std::string CompanyPipeline();
std::string RiskFlag(std::string_view flag_id);
std::string Target(std::string_view target_id);
inline constexpr std::string_view kTargetPrefix = "t/";

}  // namespace salesperf::analytics::keys

#endif  // SALESPERF_SERVICES_ANALYTICS_PROJECTIONS_KEYS_H_
