// Visit plans and visits (拜访; stream "visit-<visit_id>").
//
//   planned --reschedule--> planned        (new time and a reason; counted)
//   planned --cancel------> cancelled      (a reason)
//   planned --check in----> checked_in     (time and GPS position, compared with the
//                                           customer's registered location: geo.h)
//   checked_in --check out--> checked_out  (not before the check-in, at most 24 h after)
//   planned | checked_in | checked_out --record outcome--> completed
// An outcome recorded without any check-in is allowed but marked without_check_in (a
// 跑单 signal the risk module reads). A visit to a customer owned by another rep is
// allowed and recorded as it is (the risk module flags it).
//
// Decider: Decide*(command, state) -> events or error; EvolveVisit(state, event). State:
// the visit as GetVisit shows it, except planned_on (a day in the organisation's zone,
// filled by the reader). Errors: INVALID_ARGUMENT (field violations named as in the
// request), NOT_FOUND (the visit, or the customer of a plan), ALREADY_EXISTS,
// FAILED_PRECONDITION (an illegal transition). Repeating what is already so (cancelling a
// cancelled visit, the same outcome again, the same check-in again) yields no events.
#ifndef SALESPERF_SERVICES_ACTIVITY_DOMAIN_VISIT_H_
#define SALESPERF_SERVICES_ACTIVITY_DOMAIN_VISIT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "salesperf/activity/v1/activity.pb.h"
#include "services/activity/domain/customer.h"
#include "services/activity/domain/values.h"

namespace salesperf::activity {

// Visits last at most this long (check-in to check-out).
inline constexpr absl::Duration kMaxVisitDuration = absl::Hours(24);

// "visit-<visit_id>".
std::string VisitStreamId(std::string_view visit_id);

// request.visit_id is set. customer: the customer as registered (customer_id empty when
// there is none).
struct PlanVisit {
  CommandMeta meta;
  v1::PlanVisitRequest request;
  v1::Customer customer;
};
struct RescheduleVisit {
  CommandMeta meta;
  v1::RescheduleVisitRequest request;
};
struct CancelVisit {
  CommandMeta meta;
  v1::CancelVisitRequest request;
};
// customer: the visit's customer as it stands (for its location).
struct CheckIn {
  CommandMeta meta;
  v1::CheckInRequest request;
  v1::Customer customer;
  // Distance from the customer within which a check-in is verified (see CheckLocation).
  double threshold_meters = 500;
};
struct CheckOut {
  CommandMeta meta;
  v1::CheckOutRequest request;
};
struct RecordVisitOutcome {
  CommandMeta meta;
  v1::RecordVisitOutcomeRequest request;
};

absl::StatusOr<ActivityEvents> DecidePlanVisit(const PlanVisit& c, const v1::Visit& state);
absl::StatusOr<ActivityEvents> DecideRescheduleVisit(const RescheduleVisit& c,
                                                     const v1::Visit& state);
absl::StatusOr<ActivityEvents> DecideCancelVisit(const CancelVisit& c, const v1::Visit& state);
absl::StatusOr<ActivityEvents> DecideCheckIn(const CheckIn& c, const v1::Visit& state);
absl::StatusOr<ActivityEvents> DecideCheckOut(const CheckOut& c, const v1::Visit& state);
absl::StatusOr<ActivityEvents> DecideRecordVisitOutcome(const RecordVisitOutcome& c,
                                                        const v1::Visit& state);
// Events of other streams are ignored.
v1::Visit EvolveVisit(v1::Visit state, const v1::ActivityEvent& event);

}  // namespace salesperf::activity

#endif  // SALESPERF_SERVICES_ACTIVITY_DOMAIN_VISIT_H_
