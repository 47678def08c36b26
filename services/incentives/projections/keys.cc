// Byte layouts of the incentives service's views (one ViewDb at <data-dir>/incentives/views).
//
// Ids (rep, team, deal, target, plan, contest) are [A-Za-z0-9._:-]{1,64}
// (libs/common/ids.h) and days "YYYY-MM-DD", so 0x00 never occurs inside one and
// separates variable-length parts; BE64 is a big-endian fixed-width integer, so byte
// order is numeric order. Days sort as strings, so a range scan of a rep's rows between
// two days visits that period.
//
// scope-key := one byte '0' + ScopeKind ('1' company, '2' region, '3' team, '4' rep)
//              followed by the scope id (empty for the company)
//
// view "facts" (upstream facts: targets, activity and feedback events):
//   "o/settings"                                   -> v1.OrgSettingsRow
//   "r/" rep_id                                    -> v1.RepRow (placements over time)
//   "m/" scope-key                                 -> v1.ScopeManagersRow
//   "mi/" manager_id 0x00 scope-key                -> "" (scopes a manager ever managed)
//   "tm/" team_id 0x00 rep_id                      -> "" (reps ever in a team)
//   "t/" target_id                                 -> v1.TargetRow (rep targets only)
//   "rt/" rep_id 0x00 period_id 0x00 metric 0x00 target_id -> ""
//   "d/" deal_id                                   -> v1.DealRow
//   "w/" rep_id 0x00 won_on 0x00 deal_id           -> "" (credited reps of won deals)
//   "x/" rep_id 0x00 cancelled_on 0x00 deal_id     -> "" (credited reps of cancellations)
//   "q/" rep_id 0x00 BE64(unix seconds + 2^62) 0x00 id -> v1.QualityRow
// Quality rows are keyed by instant rather than day: the organisation's time zone may
// arrive after them (another topic), so they are bucketed into days when queried.
//
// view "plans":      "p/" plan_id                    -> v1.PlanRow
// view "statements": "s/" period_id 0x00 rep_id      -> v1.StatementView (issued ones)
// view "contests":   "c/" contest_id                 -> v1.ContestRow
#include "services/incentives/projections/keys.h"

namespace salesperf::incentives::keys {
namespace {

void AppendBe64(std::string& out, uint64_t value) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::string ScopeKey(const common::v1::ScopeRef& scope) {
  std::string out(1, static_cast<char>('0' + static_cast<int>(scope.kind())));
  if (scope.kind() != common::v1::SCOPE_KIND_COMPANY) out += scope.id();
  return out;
}

std::string Join(std::initializer_list<std::string_view> parts, bool trailing = false) {
  std::string out;
  bool first = true;
  for (std::string_view p : parts) {
    if (!first) out.push_back('\0');
    out.append(p);
    first = false;
  }
  if (trailing) out.push_back('\0');
  return out;
}

}  // namespace

std::string RepRow(std::string_view rep_id) {
  return std::string(kRepRowPrefix) + std::string(rep_id);
}

std::string ManagersRow(const common::v1::ScopeRef& scope) { return "m/" + ScopeKey(scope); }

std::string ManagedPrefix(std::string_view manager_id) {
  return Join({"mi/" + std::string(manager_id)}, true);
}
std::string ManagedRow(std::string_view manager_id, const common::v1::ScopeRef& scope) {
  return ManagedPrefix(manager_id) + ScopeKey(scope);
}

std::string TeamMemberPrefix(std::string_view team_id) {
  return Join({"tm/" + std::string(team_id)}, true);
}
std::string TeamMemberRow(std::string_view team_id, std::string_view rep_id) {
  return TeamMemberPrefix(team_id) + std::string(rep_id);
}

std::string TargetRow(std::string_view target_id) { return "t/" + std::string(target_id); }

std::string RepTargetPrefix(std::string_view rep_id, std::string_view period_id) {
  return Join({"rt/" + std::string(rep_id), period_id}, true);
}
std::string RepTargetRow(std::string_view rep_id, std::string_view period_id,
                         std::string_view metric, std::string_view target_id) {
  return RepTargetPrefix(rep_id, period_id) + Join({metric, target_id});
}

std::string DealRow(std::string_view deal_id) { return "d/" + std::string(deal_id); }

std::string WonPrefix(std::string_view rep_id) { return Join({"w/" + std::string(rep_id)}, true); }
std::string WonRow(std::string_view rep_id, std::string_view day, std::string_view deal_id) {
  return WonPrefix(rep_id) + Join({day, deal_id});
}

std::string CancelledPrefix(std::string_view rep_id) {
  return Join({"x/" + std::string(rep_id)}, true);
}
std::string CancelledRow(std::string_view rep_id, std::string_view day, std::string_view deal_id) {
  return CancelledPrefix(rep_id) + Join({day, deal_id});
}

std::string QualityPrefix(std::string_view rep_id) {
  return Join({"q/" + std::string(rep_id)}, true);
}
std::string QualityBound(std::string_view rep_id, absl::Time at) {
  std::string out = QualityPrefix(rep_id);
  AppendBe64(out, static_cast<uint64_t>(absl::ToUnixSeconds(at) + (int64_t{1} << 62)));
  return out;
}
std::string QualityRow(std::string_view rep_id, absl::Time at, std::string_view id) {
  std::string out = QualityBound(rep_id, at);
  out.push_back('\0');
  out.append(id);
  return out;
}

std::string PlanRow(std::string_view plan_id) {
  return std::string(kPlanRowPrefix) + std::string(plan_id);
}

std::string StatementPeriodPrefix(std::string_view period_id) {
  return Join({"s/" + std::string(period_id)}, true);
}
std::string StatementRow(std::string_view period_id, std::string_view rep_id) {
  return StatementPeriodPrefix(period_id) + std::string(rep_id);
}

std::string ContestRow(std::string_view contest_id) { return "c/" + std::string(contest_id); }

std::string_view LastComponent(std::string_view row) {
  const size_t at = row.rfind('\0');
  return at == std::string_view::npos ? row : row.substr(at + 1);
}

std::string_view SecondLastComponent(std::string_view row) {
  const size_t last = row.rfind('\0');
  if (last == std::string_view::npos || last == 0) return {};
  const size_t before = row.rfind('\0', last - 1);
  const size_t start = before == std::string_view::npos ? 0 : before + 1;
  return row.substr(start, last - start);
}

}  // namespace salesperf::incentives::keys
