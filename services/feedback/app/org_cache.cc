#include "services/feedback/app/org_cache.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "services/feedback/projections/feedback_views.h"

namespace salesperf::feedback {

absl::Status OrgCache::Refresh() {
  absl::MutexLock refresh(&refresh_mu_);
  std::shared_ptr<const targets::OrgState> current = Snapshot();
  projection::ScanOptions scan;
  scan.prefix = keys::kOrgPrefix;
  scan.lower_bound = keys::OrgEvent(current->version() + 1);
  ASSIGN_OR_RETURN(std::vector<projection::ViewRow> rows, views_->Scan(kOrgViewName, scan));
  if (rows.empty()) return absl::OkStatus();
  targets::OrgState next = *current;
  for (const projection::ViewRow& row : rows) {
    // Rows are consecutive versions (the view refuses gaps).
    if (keys::ReadBigEndian64(std::string_view(row.key).substr(2)) != next.version() + 1) break;
    targets::v1::OrgEvent event;
    if (!event.ParseFromString(row.value)) {
      return absl::DataLossError(
          absl::StrCat("undecodable org row at version ", next.version() + 1));
    }
    next = targets::EvolveOrg(std::move(next), event);
  }
  absl::MutexLock lock(&mu_);
  org_ = std::make_shared<const targets::OrgState>(std::move(next));
  return absl::OkStatus();
}

std::shared_ptr<const targets::OrgState> OrgCache::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return org_;
}

std::string OrgCache::TeamManagerOf(const targets::OrgState& org, const std::string& rep_id,
                                    absl::CivilDay day) {
  std::optional<std::string> team = org.TeamOf(rep_id, day);
  if (!team.has_value()) return "";
  common::v1::ScopeRef scope;
  scope.set_kind(common::v1::SCOPE_KIND_TEAM);
  scope.set_id(*team);
  return org.ManagerOf(scope, day);
}

}  // namespace salesperf::feedback
