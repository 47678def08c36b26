// Row layouts of the activity views (one column family each; ids never contain '/').
//
//   customers  c/<customer_id>                       -> v1::Customer
//              o/<owner_rep_id>/<customer_id>        -> ""   (by owner)
//              r/<region_id>/<customer_id>           -> ""   (by region)
//              x/<external_id>                       -> customer_id
//   visits     v/<visit_id>                          -> v1::Visit (planned_on filled)
//              r/<rep_id>/<planned_on>/<visit_id>    -> ""   (by rep and planned day)
//              c/<customer_id>/<planned_on>/<visit_id> -> ""
//              d/<planned_on>/<visit_id>             -> ""   (by day)
//   calls      k/<call_id>                           -> v1::Call (started_on filled)
//              r/<rep_id>/<started_on>/<call_id>     -> ""
//              c/<customer_id>/<started_on>/<call_id> -> ""
//              d/<started_on>/<call_id>              -> ""
//   leads      l/<lead_id>                           -> v1::Lead
//              r/<rep_id>/<lead_id>                  -> ""
//   deals      d/<deal_id>                           -> v1::Deal
//              o/<rep_id>/<stage as 2 digits>/<deal_id> -> "" (by owner and stage)
//              s/<stage as 2 digits>/<deal_id>       -> ""
//              c/<customer_id>/<deal_id>             -> ""
//   org        settings                              -> targets.v1.OrganisationSettings
//              team/<team_id>                        -> region_id
//              rep/<rep_id>/<effective_from>         -> "<team_id>/<region_id>" ("" when
//                                                       deactivated from that day)
// The visits and calls views also keep "~settings" (the organisation's settings) to
// bucket instants into days; see activity_views.h.
// Index rows end in the entity id, so an index scan is ordered by (prefix, day, id).
#ifndef SALESPERF_SERVICES_ACTIVITY_PROJECTIONS_KEYS_H_
#define SALESPERF_SERVICES_ACTIVITY_PROJECTIONS_KEYS_H_

#include <string>
#include <string_view>

namespace salesperf::activity::keys {

inline constexpr char kCustomersView[] = "customers";
inline constexpr char kVisitsView[] = "visits";
inline constexpr char kCallsView[] = "calls";
inline constexpr char kLeadsView[] = "leads";
inline constexpr char kDealsView[] = "deals";
inline constexpr char kOrgView[] = "org";
inline constexpr char kSettingsRow[] = "settings";
inline constexpr char kLocalSettingsRow[] = "~settings";

// Joins parts with '/'.
std::string Key(std::initializer_list<std::string_view> parts);
// The last '/'-separated part of an index key (the entity id).
std::string_view IdOfIndexKey(std::string_view key);
// "07" for stage 7.
std::string StageKey(int stage);

}  // namespace salesperf::activity::keys

#endif  // SALESPERF_SERVICES_ACTIVITY_PROJECTIONS_KEYS_H_
