// OrgCache: the organisation as the feedback service knows it, folded from the
// feedback_org view (the targets service's org events, in stream order) into the targets
// domain's OrgState, so that "the rep's team manager on a day" and "the rep's team and
// region on a day" mean exactly what they mean in the targets service.
//
// Refresh() folds the rows added since the last call; Snapshot() returns the state.
// Thread safety: all methods may be called from any thread.
#ifndef SALESPERF_SERVICES_FEEDBACK_APP_ORG_CACHE_H_
#define SALESPERF_SERVICES_FEEDBACK_APP_ORG_CACHE_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "libs/projection/view_db.h"
#include "services/targets/domain/org.h"

namespace salesperf::feedback {

class OrgCache {
 public:
  // `views` must hold the feedback_org view; not owned.
  explicit OrgCache(const projection::ViewDb* views) : views_(views) {}

  // Folds new org rows. DATA_LOSS for an undecodable row; UNAVAILABLE on storage errors.
  absl::Status Refresh();
  // The organisation as last refreshed (shared, immutable).
  std::shared_ptr<const targets::OrgState> Snapshot() const;

  // The manager of the team `rep_id` was in on `day`; "" if unknown (no team, no manager).
  static std::string TeamManagerOf(const targets::OrgState& org, const std::string& rep_id,
                                   absl::CivilDay day);

 private:
  const projection::ViewDb* views_;
  absl::Mutex refresh_mu_;
  mutable absl::Mutex mu_ ABSL_ACQUIRED_AFTER(refresh_mu_);
  std::shared_ptr<const targets::OrgState> org_ ABSL_GUARDED_BY(mu_) =
      std::make_shared<const targets::OrgState>();
};

}  // namespace salesperf::feedback

#endif  // SALESPERF_SERVICES_FEEDBACK_APP_ORG_CACHE_H_
