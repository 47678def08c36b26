#include "services/targets/projections/target_queries.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/ids.h"
#include "libs/common/status_macros.h"
#include "libs/common/validation.h"
#include "services/targets/domain/org.h"
#include "services/targets/domain/rollup.h"
#include "services/targets/projections/keys.h"

namespace salesperf::targets {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;
// Opaque to clients; versioned so that the format can change.
constexpr std::string_view kPageTokenPrefix = "t1:";

absl::Status InvalidFieldIfBad(const std::string& field, const std::string& id) {
  if (absl::Status s = ValidateId(id); !s.ok())
    return InvalidField(field, std::string(s.message()));
  return absl::OkStatus();
}

absl::Status NotFound(const std::string& target_id) {
  return absl::NotFoundError(absl::StrCat("target ", target_id, " not found"));
}

bool Matches(const v1::Target& t, const v1::ListTargetsRequest& r) {
  if (r.has_scope() &&
      (t.key().scope().kind() != r.scope().kind() || t.key().scope().id() != r.scope().id())) {
    return false;
  }
  if (r.metric() != v1::METRIC_UNSPECIFIED && t.key().metric() != r.metric()) return false;
  if (!r.period_id().empty() && t.key().period().id() != r.period_id()) return false;
  if (r.status() != v1::TARGET_STATUS_UNSPECIFIED && t.status() != r.status()) return false;
  if (!r.parent_target_id().empty() && t.parent_target_id() != r.parent_target_id()) return false;
  return true;
}

}  // namespace

absl::StatusOr<std::optional<v1::Target>> TargetQueries::Find(
    const std::string& target_id, const projection::ReadSnapshot* snapshot) const {
  ASSIGN_OR_RETURN(std::optional<std::string> row,
                   db_->Get(keys::kTargetsView, keys::TargetRow(target_id), snapshot));
  if (!row.has_value()) return std::nullopt;
  v1::Target target;
  if (!target.ParseFromString(*row)) {
    return absl::DataLossError(absl::StrCat("malformed row of target ", target_id));
  }
  return target;
}

absl::StatusOr<v1::Target> TargetQueries::GetTarget(const std::string& target_id) const {
  RETURN_IF_ERROR(InvalidFieldIfBad("target_id", target_id));
  ASSIGN_OR_RETURN(std::optional<v1::Target> target, Find(target_id, nullptr));
  if (!target.has_value()) return NotFound(target_id);
  return *std::move(target);
}

absl::StatusOr<v1::ListTargetsResponse> TargetQueries::ListTargets(
    const v1::ListTargetsRequest& r) const {
  FieldViolations violations;
  if (r.has_scope()) ValidateScope(r.scope(), "scope", violations);
  if (!v1::Metric_IsValid(r.metric())) violations.Add("metric", "unknown metric");
  if (!v1::TargetStatus_IsValid(r.status())) violations.Add("status", "unknown status");
  if (!r.parent_target_id().empty()) {
    violations.AddIfError("parent_target_id", ValidateId(r.parent_target_id()));
  }
  if (r.page().page_size() < 0) violations.Add("page.page_size", "must not be negative");
  std::string after;
  if (!r.page().page_token().empty()) {
    const std::string& token = r.page().page_token();
    if (!token.starts_with(kPageTokenPrefix) ||
        !ValidateId(std::string_view(token).substr(kPageTokenPrefix.size())).ok()) {
      violations.Add("page.page_token", "is not a token from a previous response");
    } else {
      after = token.substr(kPageTokenPrefix.size());
    }
  }
  RETURN_IF_ERROR(violations.ToStatus());
  const int size =
      r.page().page_size() == 0 ? kDefaultPageSize : std::min(r.page().page_size(), kMaxPageSize);

  // The most selective index the filters allow; every index row ends in the target id.
  std::string prefix;
  bool index = true;
  if (!r.parent_target_id().empty()) {
    prefix = keys::ChildIndexPrefix(r.parent_target_id());
  } else if (r.has_scope()) {
    prefix = keys::ScopeIndexPrefix(r.scope());
  } else {
    prefix = std::string(keys::kTargetRowPrefix);
    index = false;
  }
  std::unique_ptr<projection::ReadSnapshot> snapshot = db_->GetSnapshot();
  projection::ScanOptions scan;
  scan.prefix = prefix;
  if (!after.empty()) scan.lower_bound = prefix + after + std::string(1, '\0');
  scan.snapshot = snapshot.get();
  ASSIGN_OR_RETURN(std::unique_ptr<projection::ViewIterator> it,
                   db_->NewIterator(keys::kTargetsView, scan));
  v1::ListTargetsResponse response;
  for (; it->Valid(); it->Next()) {
    v1::Target target;
    if (index) {
      std::optional<std::string_view> id = keys::TargetIdOfIndexRow(it->key());
      if (!id.has_value()) return absl::DataLossError("malformed index row of targets");
      ASSIGN_OR_RETURN(std::optional<v1::Target> found, Find(std::string(*id), snapshot.get()));
      if (!found.has_value()) {
        return absl::DataLossError(absl::StrCat("index names missing target ", std::string(*id)));
      }
      target = *std::move(found);
    } else if (!target.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("malformed target row");
    }
    if (!Matches(target, r)) continue;
    if (response.targets_size() == size) {
      response.mutable_page()->set_next_page_token(std::string(kPageTokenPrefix) +
                                                   response.targets(size - 1).target_id());
      break;
    }
    *response.add_targets() = std::move(target);
  }
  RETURN_IF_ERROR(it->status());
  return response;
}

absl::StatusOr<v1::GetTargetHistoryResponse> TargetQueries::GetTargetHistory(
    const std::string& target_id) const {
  RETURN_IF_ERROR(InvalidFieldIfBad("target_id", target_id));
  projection::ScanOptions scan;
  scan.prefix = keys::HistoryEntryPrefix(target_id);
  ASSIGN_OR_RETURN(std::vector<projection::ViewRow> rows, db_->Scan(keys::kHistoryView, scan));
  if (rows.empty()) return NotFound(target_id);
  v1::GetTargetHistoryResponse response;
  for (const projection::ViewRow& row : rows) {
    if (!response.add_entries()->ParseFromString(row.value)) {
      return absl::DataLossError(absl::StrCat("malformed history row of target ", target_id));
    }
  }
  return response;
}

absl::StatusOr<v1::RollupNode> TargetQueries::GetTargetRollup(const std::string& target_id,
                                                              int depth) const {
  RETURN_IF_ERROR(InvalidFieldIfBad("target_id", target_id));
  if (depth < 0) return InvalidField("depth", "must not be negative");
  std::unique_ptr<projection::ReadSnapshot> snapshot = db_->GetSnapshot();
  ASSIGN_OR_RETURN(std::optional<v1::Target> root, Find(target_id, snapshot.get()));
  if (!root.has_value()) return NotFound(target_id);
  // Breadth first down the child index, `depth` levels (0: all).
  std::vector<v1::Target> tree;
  std::deque<std::pair<std::string, int>> queue = {{target_id, 0}};
  tree.push_back(*std::move(root));
  while (!queue.empty()) {
    auto [id, level] = queue.front();
    queue.pop_front();
    if (depth != 0 && level >= depth) continue;
    projection::ScanOptions scan;
    scan.prefix = keys::ChildIndexPrefix(id);
    scan.snapshot = snapshot.get();
    ASSIGN_OR_RETURN(std::vector<projection::ViewRow> rows, db_->Scan(keys::kTargetsView, scan));
    for (const projection::ViewRow& row : rows) {
      std::optional<std::string_view> child_id = keys::TargetIdOfIndexRow(row.key);
      if (!child_id.has_value()) return absl::DataLossError("malformed child index row");
      ASSIGN_OR_RETURN(std::optional<v1::Target> child,
                       Find(std::string(*child_id), snapshot.get()));
      if (!child.has_value()) return absl::DataLossError("child index names a missing target");
      if (static_cast<int>(tree.size()) >= kMaxRollupNodes) {
        return absl::ResourceExhaustedError(absl::StrCat("the tree under target ", target_id,
                                                         " has more than ", kMaxRollupNodes,
                                                         " targets; ask for fewer levels (depth)"));
      }
      queue.emplace_back(child->target_id(), level + 1);
      tree.push_back(*std::move(child));
    }
  }
  return Rollup(target_id, tree, depth);
}

absl::StatusOr<std::optional<std::string>> TargetQueries::OpenTargetForKey(
    const v1::TargetKey& key) const {
  std::unique_ptr<projection::ReadSnapshot> snapshot = db_->GetSnapshot();
  projection::ScanOptions scan;
  scan.prefix = keys::KeyIndexPrefix(key);
  scan.snapshot = snapshot.get();
  ASSIGN_OR_RETURN(std::vector<projection::ViewRow> rows, db_->Scan(keys::kTargetsView, scan));
  for (const projection::ViewRow& row : rows) {
    std::optional<std::string_view> id = keys::TargetIdOfIndexRow(row.key);
    if (!id.has_value()) return absl::DataLossError("malformed key index row");
    ASSIGN_OR_RETURN(std::optional<v1::Target> target, Find(std::string(*id), snapshot.get()));
    if (target.has_value() && target->status() != v1::TARGET_STATUS_CLOSED) {
      return target->target_id();
    }
  }
  return std::nullopt;
}

}  // namespace salesperf::targets
