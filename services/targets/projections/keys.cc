// Byte layouts of the targets service's views (one ViewDb at <data-dir>/targets/views).
//
// Ids (target, scope) are [A-Za-z0-9._:-]{1,64} (libs/common/ids.h), so 0x00 never
// occurs inside one and separates variable-length parts; BE32/BE64 are big-endian
// fixed-width integers, so byte order is numeric order. Every index row ends in the
// target id, so a prefix scan of an index lists targets ordered by id (ListTargets'
// page order).
//
// scope-key := one byte '0' + ScopeKind ('1' company, '2' region, '3' team, '4' rep)
//              followed by the scope id (empty for the company)
//
// view "targets" (folded with the domain's EvolveTarget):
//   "t/" target_id                                          -> v1.Target (serialized)
//   "s/" scope-key 0x00 target_id                           -> "" (targets of a scope)
//   "k/" scope-key 0x00 BE32(metric) period_id 0x00 target_id
//                                                           -> "" (one target per key)
//   "c/" parent_target_id 0x00 child_target_id              -> "" (the target tree)
//
// view "target_history":
//   "a/" target_id                     -> v1.Target: the fold the entries are computed from
//   "h/" target_id 0x00 BE64(version)  -> v1.TargetHistoryEntry of that stream version
//
// A target's key (scope, metric, period) and parent never change after TargetDrafted, so
// index rows are written once and never moved; status lives in the "t/" row only.
#include "services/targets/projections/keys.h"

namespace salesperf::targets::keys {
namespace {

void AppendBe(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::string ScopeKey(const common::v1::ScopeRef& scope) {
  std::string out(1, static_cast<char>('0' + static_cast<int>(scope.kind())));
  if (scope.kind() != common::v1::SCOPE_KIND_COMPANY) out += scope.id();
  return out;
}

}  // namespace

std::string TargetRow(std::string_view target_id) {
  return std::string(kTargetRowPrefix) + std::string(target_id);
}

std::string ScopeIndexPrefix(const common::v1::ScopeRef& scope) {
  std::string out = "s/" + ScopeKey(scope);
  out.push_back('\0');
  return out;
}
std::string ScopeIndexRow(const common::v1::ScopeRef& scope, std::string_view target_id) {
  return ScopeIndexPrefix(scope) + std::string(target_id);
}

std::string KeyIndexPrefix(const v1::TargetKey& key) {
  std::string out = "k/" + ScopeKey(key.scope());
  out.push_back('\0');
  AppendBe(out, static_cast<uint32_t>(key.metric()), 4);
  out += key.period().id();
  out.push_back('\0');
  return out;
}
std::string KeyIndexRow(const v1::TargetKey& key, std::string_view target_id) {
  return KeyIndexPrefix(key) + std::string(target_id);
}

std::string ChildIndexPrefix(std::string_view parent_id) {
  std::string out = "c/" + std::string(parent_id);
  out.push_back('\0');
  return out;
}
std::string ChildIndexRow(std::string_view parent_id, std::string_view child_id) {
  return ChildIndexPrefix(parent_id) + std::string(child_id);
}

std::string HistoryHeadRow(std::string_view target_id) { return "a/" + std::string(target_id); }
std::string HistoryEntryPrefix(std::string_view target_id) {
  std::string out = "h/" + std::string(target_id);
  out.push_back('\0');
  return out;
}
std::string HistoryEntryRow(std::string_view target_id, uint64_t version) {
  std::string out = HistoryEntryPrefix(target_id);
  AppendBe(out, version, 8);
  return out;
}

std::optional<std::string_view> TargetIdOfIndexRow(std::string_view row) {
  const size_t nul = row.rfind('\0');
  if (nul == std::string_view::npos || nul + 1 >= row.size()) return std::nullopt;
  return row.substr(nul + 1);
}

}  // namespace salesperf::targets::keys
