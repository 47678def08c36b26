// The organisation as analytics needs it: each rep's dated assignments to a team and
// region, folded from the targets service's organisation events. Pure; thread-safe.
#ifndef SALESPERF_SERVICES_ANALYTICS_DOMAIN_ORG_H_
#define SALESPERF_SERVICES_ANALYTICS_DOMAIN_ORG_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "salesperf/analytics/v1/rows.pb.h"

namespace salesperf::analytics {

// Where a rep was on one day; both "" when in no team (before the hire, after leaving,
// or a rep the organisation does not know).
struct Placement {
  std::string team_id;
  std::string region_id;
  friend bool operator==(const Placement&, const Placement&) = default;
};

// Placement of `rep` on `day` ("YYYY-MM-DD"; ids compare as strings, which sort by time).
Placement PlacementOn(const v1::RepRow& rep, std::string_view day);

// Records that the rep is in `assignment` from assignment.from_day on, replacing an
// assignment of the same day, keeping the list sorted. Deterministic in the events'
// order within the org stream (the only order the organisation has).
void Assign(v1::RepRow& rep, const v1::Assignment& assignment);

// One maximal run of days [first, last] on which the rep was in one placement.
struct Stint {
  std::string first;
  std::string last;
  Placement placement;
};

// The rep's stints that overlap [first, last], clipped to it, in time order
// (placements with no team included).
std::vector<Stint> StintsWithin(const v1::RepRow& rep, std::string_view first,
                                std::string_view last);

// "YYYY-MM-DD" of a civil day, and back (false for a malformed day).
std::string DayId(absl::CivilDay day);
bool ParseDay(std::string_view id, absl::CivilDay* day);

}  // namespace salesperf::analytics

#endif  // SALESPERF_SERVICES_ANALYTICS_DOMAIN_ORG_H_
