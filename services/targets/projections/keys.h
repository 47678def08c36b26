// Row keys of the targets service's views. The byte layouts are documented at the top
// of keys.cc. Pure functions; thread-safe.
#ifndef SALESPERF_SERVICES_TARGETS_PROJECTIONS_KEYS_H_
#define SALESPERF_SERVICES_TARGETS_PROJECTIONS_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "salesperf/common/v1/ids.pb.h"
#include "salesperf/targets/v1/events.pb.h"

namespace salesperf::targets::keys {

// View names (column families "view.<name>").
inline constexpr char kTargetsView[] = "targets";
inline constexpr char kHistoryView[] = "target_history";

// --- view "targets".
std::string TargetRow(std::string_view target_id);
inline constexpr std::string_view kTargetRowPrefix = "t/";
std::string ScopeIndexPrefix(const common::v1::ScopeRef& scope);
std::string ScopeIndexRow(const common::v1::ScopeRef& scope, std::string_view target_id);
std::string KeyIndexPrefix(const v1::TargetKey& key);
std::string KeyIndexRow(const v1::TargetKey& key, std::string_view target_id);
std::string ChildIndexPrefix(std::string_view parent_id);
std::string ChildIndexRow(std::string_view parent_id, std::string_view child_id);

// --- view "target_history".
std::string HistoryHeadRow(std::string_view target_id);
std::string HistoryEntryPrefix(std::string_view target_id);
std::string HistoryEntryRow(std::string_view target_id, uint64_t version);

// The target id at the end of an index row (after the last 0x00), or nullopt if `row`
// is not one.
std::optional<std::string_view> TargetIdOfIndexRow(std::string_view row);

}  // namespace salesperf::targets::keys

#endif  // SALESPERF_SERVICES_TARGETS_PROJECTIONS_KEYS_H_
