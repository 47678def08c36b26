// TargetQueries: the read API over the targets service's views (target_views.h) in its
// ViewDb. Answers what the views hold when called; the caller decides how fresh that
// must be (TargetsApplication waits for the projection first, see CommitWatcher).
//
// Errors: NOT_FOUND for an unknown target; INVALID_ARGUMENT (field paths of the request
// proto) for a bad filter or page token; RESOURCE_EXHAUSTED for a roll-up larger than
// kMaxRollupNodes; UNAVAILABLE / DATA_LOSS from storage.
//
// Thread safety: every method may be called from any number of threads at once.
#ifndef SALESPERF_SERVICES_TARGETS_PROJECTIONS_TARGET_QUERIES_H_
#define SALESPERF_SERVICES_TARGETS_PROJECTIONS_TARGET_QUERIES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/projection/view_db.h"
#include "salesperf/targets/v1/targets.pb.h"

namespace salesperf::targets {

class TargetQueries {
 public:
  // Largest tree GetTargetRollup folds (a company target split to 100k reps is about
  // that); beyond it the caller must ask for fewer levels.
  static constexpr int kMaxRollupNodes = 200'000;

  // `db` is not owned and must outlive this object; it must hold the target views.
  explicit TargetQueries(const projection::ViewDb* db) : db_(db) {}

  absl::StatusOr<v1::Target> GetTarget(const std::string& target_id) const;
  // Filters and pages as ListTargetsRequest documents; ordered by target_id.
  absl::StatusOr<v1::ListTargetsResponse> ListTargets(const v1::ListTargetsRequest& request) const;
  // Oldest first.
  absl::StatusOr<v1::GetTargetHistoryResponse> GetTargetHistory(const std::string& target_id) const;
  // The tree under `target_id` folded by the domain's Rollup.
  absl::StatusOr<v1::RollupNode> GetTargetRollup(const std::string& target_id, int depth) const;
  // The id of a target with `key` that is not closed, if any (the lowest id).
  absl::StatusOr<std::optional<std::string>> OpenTargetForKey(const v1::TargetKey& key) const;

 private:
  absl::StatusOr<std::optional<v1::Target>> Find(const std::string& target_id,
                                                 const projection::ReadSnapshot* snapshot) const;

  const projection::ViewDb* const db_;
};

}  // namespace salesperf::targets

#endif  // SALESPERF_SERVICES_TARGETS_PROJECTIONS_TARGET_QUERIES_H_
