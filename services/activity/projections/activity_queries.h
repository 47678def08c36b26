// ActivityQueries: Get and List over the activity views (activity_views.h), and the
// organisation as the org view knows it.
//
// Lists page through an index chosen from the filters (the most selective one), and apply
// the remaining filters to each row. A page holds at most page_size items (default 50,
// at most 1000); to bound the work of one call, a scan stops after examining 10000 rows,
// so a page may hold fewer items while next_page_token is set. Page tokens are opaque
// ("a1:" + the last index key examined) and valid only with the same filters.
//
// Team and region filters select the reps who were in that team or region on the day of
// the visit or call (the org view's effective-dated assignments), so a rep who moved
// keeps their history where it happened.
//
// Errors: INVALID_ARGUMENT (field violations: bad ids, dates, page tokens), NOT_FOUND,
// DATA_LOSS (a malformed row), UNAVAILABLE (storage).
//
// Thread safety: const and thread-safe; each List reads one snapshot.
#ifndef SALESPERF_SERVICES_ACTIVITY_PROJECTIONS_ACTIVITY_QUERIES_H_
#define SALESPERF_SERVICES_ACTIVITY_PROJECTIONS_ACTIVITY_QUERIES_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "libs/projection/view_db.h"
#include "salesperf/activity/v1/activity.pb.h"
#include "salesperf/targets/v1/events.pb.h"

namespace salesperf::activity {

// Where a rep was on a day.
struct RepPlacement {
  std::string team_id;
  std::string region_id;
};

class ActivityQueries {
 public:
  // `db` holds the activity views; not owned.
  explicit ActivityQueries(const projection::ViewDb* db) : db_(db) {}

  absl::StatusOr<v1::Customer> GetCustomer(const std::string& customer_id) const;
  // nullopt when there is none.
  absl::StatusOr<std::optional<v1::Customer>> FindCustomer(const std::string& customer_id) const;
  // The customer registered with `external_id`, or "".
  absl::StatusOr<std::string> CustomerWithExternalId(const std::string& external_id) const;
  absl::StatusOr<v1::ListCustomersResponse> ListCustomers(const v1::ListCustomersRequest& r) const;

  absl::StatusOr<v1::Visit> GetVisit(const std::string& visit_id) const;
  absl::StatusOr<v1::ListVisitsResponse> ListVisits(const v1::ListVisitsRequest& r) const;
  absl::StatusOr<v1::Call> GetCall(const std::string& call_id) const;
  absl::StatusOr<v1::ListCallsResponse> ListCalls(const v1::ListCallsRequest& r) const;
  absl::StatusOr<v1::Lead> GetLead(const std::string& lead_id) const;
  absl::StatusOr<v1::ListLeadsResponse> ListLeads(const v1::ListLeadsRequest& r) const;
  absl::StatusOr<v1::Deal> GetDeal(const std::string& deal_id) const;
  // `today` gives "YYYY-MM-DD" in the organisation's zone, to place the owners when a team
  // or region filters (called only then).
  absl::StatusOr<v1::ListDealsResponse> ListDeals(
      const v1::ListDealsRequest& r,
      const std::function<absl::StatusOr<std::string>()>& today) const;

  // The organisation's settings, or nullopt before the targets service set any.
  absl::StatusOr<std::optional<targets::v1::OrganisationSettings>> Settings() const;
  // The rep's team and region on `day` ("YYYY-MM-DD"), or nullopt if the rep was not in
  // the organisation then.
  absl::StatusOr<std::optional<RepPlacement>> PlacementOf(
      const std::string& rep_id, const std::string& day,
      const projection::ReadSnapshot* snapshot = nullptr) const;

 private:
  // Whether the rep was in `team_id` and `region_id` ("" matches any) on `day`.
  absl::StatusOr<bool> InPlacement(const std::string& rep_id, const std::string& day,
                                   const std::string& team_id, const std::string& region_id,
                                   const projection::ReadSnapshot* snapshot) const;

  const projection::ViewDb* const db_;
};

}  // namespace salesperf::activity

#endif  // SALESPERF_SERVICES_ACTIVITY_PROJECTIONS_ACTIVITY_QUERIES_H_
