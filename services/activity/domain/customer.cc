#include "services/activity/domain/customer.h"

#include "absl/strings/str_cat.h"
#include "libs/common/validation.h"

namespace salesperf::activity {

std::string CustomerStreamId(std::string_view customer_id) {
  return absl::StrCat("customer-", absl::string_view(customer_id.data(), customer_id.size()));
}

absl::StatusOr<ActivityEvents> DecideRegisterCustomer(const RegisterCustomer& command,
                                                      const v1::Customer& state) {
  const v1::RegisterCustomerRequest& r = command.request;
  FieldViolations v;
  CheckId(v, "customer_id", r.customer_id());
  CheckText(v, "name", r.name(), kMaxNameBytes);
  if (r.has_location()) CheckGeoPoint(v, "location", r.location());
  CheckId(v, "region_id", r.region_id());
  CheckId(v, "owner_rep_id", r.owner_rep_id());
  CheckOptionalText(v, "customer_type", r.customer_type(), kMaxNameBytes);
  CheckOptionalDate(v, "registered_on", r.registered_on());
  CheckOptionalText(v, "external_id", r.external_id(), kMaxNameBytes);
  if (!v.empty()) return v.ToStatus();
  if (!state.customer_id().empty()) {
    return absl::AlreadyExistsError(absl::StrCat("customer ", r.customer_id(), " already exists"));
  }
  if (!command.existing_customer_for_external_id.empty() &&
      command.existing_customer_for_external_id != r.customer_id()) {
    return absl::AlreadyExistsError(absl::StrCat("external_id is already registered as customer ",
                                                 command.existing_customer_for_external_id));
  }
  v1::ActivityEvent e;
  v1::CustomerRegistered* c = e.mutable_customer_registered();
  c->set_customer_id(r.customer_id());
  c->set_name(r.name());
  if (r.has_location()) *c->mutable_location() = r.location();
  c->set_region_id(r.region_id());
  c->set_owner_rep_id(r.owner_rep_id());
  c->set_customer_type(r.customer_type());
  c->set_registered_on(DateOrToday(r.registered_on(), command.meta));
  c->set_external_id(r.external_id());
  return ActivityEvents{e};
}

absl::StatusOr<ActivityEvents> DecideReassignCustomer(const ReassignCustomer& command,
                                                      const v1::Customer& state) {
  const v1::ReassignCustomerRequest& r = command.request;
  FieldViolations v;
  CheckId(v, "customer_id", r.customer_id());
  CheckId(v, "to_rep_id", r.to_rep_id());
  CheckText(v, "reason", r.reason());
  CheckOptionalDate(v, "effective_from", r.effective_from());
  CheckOptionalId(v, "region_id", r.region_id());
  if (!v.empty()) return v.ToStatus();
  if (state.customer_id().empty()) {
    return absl::NotFoundError(absl::StrCat("customer ", r.customer_id(), " not found"));
  }
  const std::string region = r.region_id().empty() ? state.region_id() : r.region_id();
  if (state.owner_rep_id() == r.to_rep_id() && state.region_id() == region) return ActivityEvents{};
  v1::ActivityEvent e;
  v1::CustomerOwnerReassigned* c = e.mutable_customer_owner_reassigned();
  c->set_customer_id(state.customer_id());
  c->set_from_rep_id(state.owner_rep_id());
  c->set_to_rep_id(r.to_rep_id());
  c->set_reason(r.reason());
  c->set_effective_from(DateOrToday(r.effective_from(), command.meta));
  c->set_region_id(region);
  return ActivityEvents{e};
}

v1::Customer EvolveCustomer(v1::Customer state, const v1::ActivityEvent& event) {
  switch (event.event_case()) {
    case v1::ActivityEvent::kCustomerRegistered: {
      const v1::CustomerRegistered& c = event.customer_registered();
      state.set_customer_id(c.customer_id());
      state.set_name(c.name());
      if (c.has_location()) *state.mutable_location() = c.location();
      state.set_region_id(c.region_id());
      state.set_owner_rep_id(c.owner_rep_id());
      state.set_customer_type(c.customer_type());
      state.set_registered_on(c.registered_on());
      state.set_external_id(c.external_id());
      break;
    }
    case v1::ActivityEvent::kCustomerOwnerReassigned:
      state.set_owner_rep_id(event.customer_owner_reassigned().to_rep_id());
      state.set_region_id(event.customer_owner_reassigned().region_id());
      break;
    default:
      return state;
  }
  state.set_version(state.version() + 1);
  return state;
}

}  // namespace salesperf::activity
