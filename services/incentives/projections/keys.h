// Row keys of the incentives service's views. The byte layouts are documented at the top
// of keys.cc. Pure functions; thread-safe.
#ifndef SALESPERF_SERVICES_INCENTIVES_PROJECTIONS_KEYS_H_
#define SALESPERF_SERVICES_INCENTIVES_PROJECTIONS_KEYS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "salesperf/common/v1/ids.pb.h"

namespace salesperf::incentives::keys {

// View names (column families "view.<name>").
inline constexpr char kFactsView[] = "facts";
inline constexpr char kPlansView[] = "plans";
inline constexpr char kStatementsView[] = "statements";
inline constexpr char kContestsView[] = "contests";

// --- view "facts".
inline constexpr char kSettingsRow[] = "o/settings";
std::string RepRow(std::string_view rep_id);
inline constexpr char kRepRowPrefix[] = "r/";
std::string ManagersRow(const common::v1::ScopeRef& scope);
std::string ManagedPrefix(std::string_view manager_id);
std::string ManagedRow(std::string_view manager_id, const common::v1::ScopeRef& scope);
std::string TeamMemberPrefix(std::string_view team_id);
std::string TeamMemberRow(std::string_view team_id, std::string_view rep_id);
std::string TargetRow(std::string_view target_id);
std::string RepTargetPrefix(std::string_view rep_id, std::string_view period_id);
std::string RepTargetRow(std::string_view rep_id, std::string_view period_id,
                         std::string_view metric, std::string_view target_id);
std::string DealRow(std::string_view deal_id);
std::string WonPrefix(std::string_view rep_id);
std::string WonRow(std::string_view rep_id, std::string_view day, std::string_view deal_id);
std::string CancelledPrefix(std::string_view rep_id);
std::string CancelledRow(std::string_view rep_id, std::string_view day, std::string_view deal_id);
std::string QualityPrefix(std::string_view rep_id);
std::string QualityRow(std::string_view rep_id, absl::Time at, std::string_view id);
// The first key of `prefix` at or after `at` (for range scans of quality rows).
std::string QualityBound(std::string_view rep_id, absl::Time at);

// --- view "plans".
std::string PlanRow(std::string_view plan_id);
inline constexpr char kPlanRowPrefix[] = "p/";

// --- view "statements".
std::string StatementPeriodPrefix(std::string_view period_id);
std::string StatementRow(std::string_view period_id, std::string_view rep_id);

// --- view "contests".
std::string ContestRow(std::string_view contest_id);

// The last component of an index row (after the last 0x00).
std::string_view LastComponent(std::string_view row);
// The component before the last one.
std::string_view SecondLastComponent(std::string_view row);

}  // namespace salesperf::incentives::keys

#endif  // SALESPERF_SERVICES_INCENTIVES_PROJECTIONS_KEYS_H_
