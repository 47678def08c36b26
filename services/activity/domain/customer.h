// Customers (stream "customer-<customer_id>"): registered with a location, region and
// owner rep; the owner may be reassigned.
//
// Decider: Decide*(command, state) -> events or error; EvolveCustomer(state, event). The
// state is the customer as GetCustomer shows it (v1::Customer; version = stream version,
// customer_id empty while the stream has no events). Errors: INVALID_ARGUMENT (field
// violations named as in the request), NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION.
// A command that is already satisfied yields no events.
#ifndef SALESPERF_SERVICES_ACTIVITY_DOMAIN_CUSTOMER_H_
#define SALESPERF_SERVICES_ACTIVITY_DOMAIN_CUSTOMER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "salesperf/activity/v1/activity.pb.h"
#include "services/activity/domain/values.h"

namespace salesperf::activity {

using ActivityEvents = std::vector<v1::ActivityEvent>;

// "customer-<customer_id>".
std::string CustomerStreamId(std::string_view customer_id);

// request.customer_id is set (the application generates one when the client leaves it
// empty). existing_customer_for_external_id: the customer already registered with the
// request's external_id, if the caller's index knows one ("" otherwise).
struct RegisterCustomer {
  CommandMeta meta;
  v1::RegisterCustomerRequest request;
  std::string existing_customer_for_external_id;
};
struct ReassignCustomer {
  CommandMeta meta;
  v1::ReassignCustomerRequest request;
};

absl::StatusOr<ActivityEvents> DecideRegisterCustomer(const RegisterCustomer& command,
                                                      const v1::Customer& state);
absl::StatusOr<ActivityEvents> DecideReassignCustomer(const ReassignCustomer& command,
                                                      const v1::Customer& state);
// Events of other streams are ignored.
v1::Customer EvolveCustomer(v1::Customer state, const v1::ActivityEvent& event);

}  // namespace salesperf::activity

#endif  // SALESPERF_SERVICES_ACTIVITY_DOMAIN_CUSTOMER_H_
