// The activity service's read models, folded by the ServiceHost's ProjectionRunner from
// the service's own events and the targets service's organisation events:
//
//   CustomersView ("customers")  customers by id, owner and region; external ids
//   VisitsView    ("visits")     visits by id, rep and planned day, customer, day
//   CallsView     ("calls")      calls by id, rep and day, customer, day
//   LeadsView     ("leads")      leads by id and rep
//   DealsView     ("deals")      deals by id, owner and stage, stage, customer
//   OrgView       ("org")        the organisation's settings, and each rep's team and
//                                region over time (effective-dated), for listing by
//                                team or region as of the day a fact occurred
// Row layouts: keys.h.
//
// Each entity row is the fold of its stream by the domain's Evolve function, so it
// equals what the write side folds. Deterministic and evolve-only (libs/projection/view.h):
// an event at or below the row's version is skipped (a replay); one beyond the next
// version is INVALID_ARGUMENT (a gap: the runner dead-letters it rather than folding it);
// unknown payloads are skipped.
//
// Days: visits and calls are bucketed by planned_at / started_at in the organisation's
// time zone, which the views learn from OrganisationSettingsChanged (Asia/Shanghai until
// then). A later change of time zone re-buckets only what is folded after it; a rebuild
// re-buckets everything.
#ifndef SALESPERF_SERVICES_ACTIVITY_PROJECTIONS_ACTIVITY_VIEWS_H_
#define SALESPERF_SERVICES_ACTIVITY_PROJECTIONS_ACTIVITY_VIEWS_H_

#include <memory>
#include <string>
#include <vector>

#include "libs/projection/view.h"

namespace salesperf::activity {

// Every view of the service (not the risk views), in the order the runner applies them.
std::vector<projection::ViewPtr> NewActivityViews();
std::vector<std::string> ActivityViewNames();

}  // namespace salesperf::activity

#endif  // SALESPERF_SERVICES_ACTIVITY_PROJECTIONS_ACTIVITY_VIEWS_H_
