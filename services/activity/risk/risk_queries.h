// RiskQueries: the read API over the risk views; RiskCommands: a manager clears a flag.
//
// Flags are listed by rep, team or region (at most one), optionally by rule, open only
// unless include_cleared. Team and region are resolved when asked, from the rep's
// assignments (risk_org) on the day of the flag's window_end in the organisation's time
// zone, so that a backdated move re-attributes flags with no rewrite.
//
// Errors: INVALID_ARGUMENT with field paths of the request proto; NOT_FOUND for an
// unknown flag; FAILED_PRECONDITION for clearing a cleared flag; ALREADY_EXISTS for a
// request_id reused with a different request; ABORTED when the flag changed meanwhile;
// UNAVAILABLE / DATA_LOSS from storage.
//
// Thread safety: every method may be called from any number of threads at once. The
// ViewDb, store and clock are not owned and must outlive these objects.
#ifndef SALESPERF_SERVICES_ACTIVITY_RISK_RISK_QUERIES_H_
#define SALESPERF_SERVICES_ACTIVITY_RISK_RISK_QUERIES_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/common/clock.h"
#include "libs/common/period.h"
#include "libs/eventstore/event_store.h"
#include "libs/projection/view_db.h"
#include "salesperf/activity/v1/risk.pb.h"

namespace salesperf::activity::risk {

class RiskQueries {
 public:
  // `db` must hold the risk views; `time_zone` is the organisation's.
  explicit RiskQueries(const projection::ViewDb* db, absl::TimeZone time_zone = DefaultTimeZone())
      : db_(db), time_zone_(time_zone) {}

  absl::StatusOr<v1::RiskFlag> GetFlag(const std::string& flag_id) const;
  // Pages of at most page_size (default 50, at most 1000), ordered as
  // ListRiskFlagsResponse documents.
  absl::StatusOr<v1::ListRiskFlagsResponse> ListFlags(
      const v1::ListRiskFlagsRequest& request) const;

  // Fills team_id and region_id of `flag` from the rep's assignments.
  absl::Status ResolveOrg(v1::RiskFlag& flag,
                          const projection::ReadSnapshot* snapshot = nullptr) const;

 private:
  absl::StatusOr<std::optional<v1::RiskFlag>> Find(std::string_view flag_id,
                                                   const projection::ReadSnapshot* snapshot) const;

  const projection::ViewDb* const db_;
  const absl::TimeZone time_zone_;
};

class RiskCommands {
 public:
  // The flag events go to `store` (the activity EventStore).
  RiskCommands(eventstore::EventStore* store, const RiskQueries* queries, Clock* clock)
      : store_(store), queries_(queries), clock_(clock) {}

  // Appends RiskFlagCleared with cleared_by and reason. The store's event stream is the
  // truth (the views may lag); the response is the flag as the clear leaves it.
  absl::StatusOr<v1::ClearRiskFlagResponse> ClearFlag(const v1::ClearRiskFlagRequest& request);

 private:
  absl::StatusOr<v1::RiskFlag> FlagFromStream(const std::string& flag_id);

  eventstore::EventStore* const store_;
  const RiskQueries* const queries_;
  Clock* const clock_;
};

}  // namespace salesperf::activity::risk

#endif  // SALESPERF_SERVICES_ACTIVITY_RISK_RISK_QUERIES_H_
