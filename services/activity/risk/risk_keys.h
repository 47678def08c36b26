// Row keys of the risk views; the byte layouts are documented at the top of
// risk_keys.cc. Pure functions; thread-safe.
#ifndef SALESPERF_SERVICES_ACTIVITY_RISK_RISK_KEYS_H_
#define SALESPERF_SERVICES_ACTIVITY_RISK_RISK_KEYS_H_

#include <optional>
#include <string>
#include <string_view>

#include "salesperf/activity/v1/events.pb.h"

namespace salesperf::activity::risk::keys {

// View names (column families "view.<name>").
inline constexpr char kRulesView[] = "risk_rules";
inline constexpr char kFlagsView[] = "risk_flags";
inline constexpr char kOrgView[] = "risk_org";

// --- view "risk_rules".
// A rule's state for one subject (parts joined with '/').
std::string StateRow(v1::RiskRule rule, std::string_view subject);
std::string OwnersRow(std::string_view customer_id);
std::string WonRow(std::string_view deal_id);
// flag_id -> its state row, while the flag is open.
std::string FlagStateRow(std::string_view flag_id);
// Open flags of rolling rules (the sweep's worklist): flag_id -> state row.
inline constexpr std::string_view kSweepPrefix = "o/";
std::string SweepRow(std::string_view flag_id);
// Pending decisions for the reactor: raise sorts before clear for one flag.
inline constexpr std::string_view kPendingPrefix = "p/";
std::string PendingRaiseRow(std::string_view flag_id);
std::string PendingClearRow(std::string_view flag_id);
// The flag id of a sweep or pending row, or nullopt if `row` is not one.
std::optional<std::string_view> FlagIdOfSweepRow(std::string_view row);
std::optional<std::string_view> FlagIdOfPendingRow(std::string_view row);

// --- view "risk_flags".
inline constexpr std::string_view kFlagPrefix = "f/";
std::string FlagRow(std::string_view flag_id);
std::string RepIndexPrefix(std::string_view rep_id);
std::string RepIndexRow(std::string_view rep_id, std::string_view flag_id);
std::string RuleIndexPrefix(v1::RiskRule rule);
std::string RuleIndexRow(v1::RiskRule rule, std::string_view flag_id);
// The part after the last 0x00 of an index row (a flag or rep id).
std::optional<std::string_view> LastPart(std::string_view row);

// --- view "risk_org".
std::string AssignmentsRow(std::string_view rep_id);
std::string TeamMemberPrefix(std::string_view team_id);
std::string TeamMemberRow(std::string_view team_id, std::string_view rep_id);
std::string RegionMemberPrefix(std::string_view region_id);
std::string RegionMemberRow(std::string_view region_id, std::string_view rep_id);

}  // namespace salesperf::activity::risk::keys

#endif  // SALESPERF_SERVICES_ACTIVITY_RISK_RISK_KEYS_H_
