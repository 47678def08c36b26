// Row layouts of view "analytics" (values are rows.proto messages unless noted):
//
//   o/s                              SettingsRow
//   o/r/<rep>                        RepRow (assignments)
//   o/g/<region>                     ScopeRow
//   o/t/<team>                       ScopeRow
//   o/gt/<region>/<team>             ""  (teams of a region)
//   o/m<t|r>/<scope>/<rep>           ""  (reps ever placed in a team / region)
//   ra/<rep>                         days with facts: concatenated "YYYY-MM-DD", ascending
//   rd/<rep>/<YYYY-MM-DD>            Counters of the rep on that day (org-independent)
//   p/<period id>/<rep>              Counters of the rep in a week, month, quarter, year
//   lb/<period id>/<NN>/<score>/<rep>  "" leaderboard index, company scope; NN the metric
//                                    number (2 digits), score 8 bytes big-endian of
//                                    ~(value ^ 2^63), so ascending keys are descending
//                                    values, ties by rep id
//   lbn/<period id>                  decimal: how many reps the period's boards rank
//                                    (every indexed metric ranks the same reps)
//   sd/<c|r|t>/<scope>/<YYYY-MM-DD>  Counters of a team, region or the company ("" id)
//   sm/<c|r|t>/<scope>/<YYYY-MM>     Counters of the same for a month
//   sp/<c|r|t>/<scope>/<YYYY-Qn|YYYY>  Counters of the same for a quarter or a year
//   d/<deal>                         DealRow
//   pl/<rep>, pc                     PipelineRow of a rep, of the company
//   rf/<flag>                        RiskFlagRow
//   t/<target>                       TargetRow
#include "services/analytics/projections/keys.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace salesperf::analytics::keys {
namespace {

std::string Sv(std::string_view s) { return std::string(s); }

}  // namespace

std::string Settings() { return "o/s"; }
std::string Rep(std::string_view rep_id) { return absl::StrCat(Sv(kRepPrefix), Sv(rep_id)); }
std::string Region(std::string_view region_id) {
  return absl::StrCat(Sv(kRegionPrefix), Sv(region_id));
}
std::string Team(std::string_view team_id) { return absl::StrCat("o/t/", Sv(team_id)); }
std::string TeamOfRegion(std::string_view region_id, std::string_view team_id) {
  return absl::StrCat(TeamsOfRegionPrefix(region_id), Sv(team_id));
}
std::string TeamsOfRegionPrefix(std::string_view region_id) {
  return absl::StrCat("o/gt/", Sv(region_id), "/");
}
std::string Member(char level, std::string_view scope_id, std::string_view rep_id) {
  return absl::StrCat(MembersPrefix(level, scope_id), Sv(rep_id));
}
std::string MembersPrefix(char level, std::string_view scope_id) {
  return absl::StrCat("o/m", std::string(1, level), "/", Sv(scope_id), "/");
}

std::string RepActiveDays(std::string_view rep_id) { return absl::StrCat("ra/", Sv(rep_id)); }
std::string RepDay(std::string_view rep_id, std::string_view day) {
  return absl::StrCat(RepDaysPrefix(rep_id), Sv(day));
}
std::string RepDaysPrefix(std::string_view rep_id) { return absl::StrCat("rd/", Sv(rep_id), "/"); }
std::string RepPeriod(std::string_view period_id, std::string_view rep_id) {
  return absl::StrCat(RepPeriodPrefix(period_id), Sv(rep_id));
}
std::string RepPeriodPrefix(std::string_view period_id) {
  return absl::StrCat("p/", Sv(period_id), "/");
}

std::string BoardPrefix(std::string_view period_id, v1::Metric metric) {
  return absl::StrFormat("lb/%s/%02d/", Sv(period_id), static_cast<int>(metric));
}

std::string Board(std::string_view period_id, v1::Metric metric, int64_t value,
                  std::string_view rep_id) {
  std::string key = BoardPrefix(period_id, metric);
  const uint64_t inverted = ~(static_cast<uint64_t>(value) ^ (uint64_t{1} << 63));
  for (int shift = 56; shift >= 0; shift -= 8) {
    key.push_back(static_cast<char>((inverted >> shift) & 0xff));
  }
  key.push_back('/');
  key.append(rep_id);
  return key;
}

std::string BoardSize(std::string_view period_id) { return absl::StrCat("lbn/", Sv(period_id)); }

std::string_view RepOfBoard(std::string_view key, size_t prefix_size) {
  if (key.size() < prefix_size + 9) return {};
  return key.substr(prefix_size + 9);
}

std::string ScopeDay(char level, std::string_view scope_id, std::string_view day) {
  return absl::StrCat(ScopeDaysPrefix(level, scope_id), Sv(day));
}
std::string ScopeDaysPrefix(char level, std::string_view scope_id) {
  return absl::StrCat("sd/", std::string(1, level), "/", Sv(scope_id), "/");
}
std::string ScopePeriod(char level, std::string_view scope_id, PeriodKind kind,
                        std::string_view period_id) {
  return absl::StrCat(kind == PeriodKind::kMonth ? "sm/" : "sp/", std::string(1, level), "/",
                      Sv(scope_id), "/", Sv(period_id));
}

std::string Deal(std::string_view deal_id) { return absl::StrCat("d/", Sv(deal_id)); }
std::string Pipeline(std::string_view rep_id) { return absl::StrCat("pl/", Sv(rep_id)); }
std::string CompanyPipeline() { return "pc"; }
std::string RiskFlag(std::string_view flag_id) { return absl::StrCat("rf/", Sv(flag_id)); }
std::string Target(std::string_view target_id) {
  return absl::StrCat(Sv(kTargetPrefix), Sv(target_id));
}

}  // namespace salesperf::analytics::keys
