#include "services/activity/domain/visit.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "libs/common/validation.h"
#include "services/activity/domain/geo.h"

namespace salesperf::activity {
namespace {

using google::protobuf::util::MessageDifferencer;

absl::Status NotFound(const std::string& visit_id) {
  return absl::NotFoundError(absl::StrCat("visit ", visit_id, " not found"));
}

absl::Status Illegal(const v1::Visit& state, std::string_view what) {
  return absl::FailedPreconditionError(
      absl::StrCat("visit ", state.visit_id(), " is ",
                   absl::AsciiStrToLower(v1::VisitStatus_Name(state.status()).substr(13)),
                   ": cannot ", absl::string_view(what.data(), what.size())));
}

// A reported instant: set, valid and not beyond the clock-drift tolerance.
void CheckReportedTime(FieldViolations& v, const std::string& field,
                       const google::protobuf::Timestamp& ts, absl::Time now) {
  CheckTimestamp(v, field, ts);
  if (FromTimestamp(ts) > now + kFutureTolerance) v.Add(field, "must not be in the future");
}

// The event header every visit event repeats.
template <typename E>
void Header(E* e, const v1::Visit& state) {
  e->set_visit_id(state.visit_id());
  e->set_rep_id(state.rep_id());
  e->set_customer_id(state.customer_id());
}

}  // namespace

std::string VisitStreamId(std::string_view visit_id) {
  return absl::StrCat("visit-", absl::string_view(visit_id.data(), visit_id.size()));
}

absl::StatusOr<ActivityEvents> DecidePlanVisit(const PlanVisit& c, const v1::Visit& state) {
  const v1::PlanVisitRequest& r = c.request;
  FieldViolations v;
  CheckId(v, "visit_id", r.visit_id());
  CheckId(v, "rep_id", r.rep_id());
  CheckId(v, "customer_id", r.customer_id());
  if (!r.has_planned_at()) {
    v.Add("planned_at", "is required");
  } else {
    CheckTimestamp(v, "planned_at", r.planned_at());
  }
  CheckOptionalText(v, "purpose", r.purpose());
  if (!v.empty()) return v.ToStatus();
  if (c.customer.customer_id().empty()) {
    return absl::NotFoundError(absl::StrCat("customer ", r.customer_id(), " not found"));
  }
  if (!state.visit_id().empty()) {
    return absl::AlreadyExistsError(absl::StrCat("visit ", r.visit_id(), " already exists"));
  }
  v1::ActivityEvent e;
  v1::VisitPlanned* p = e.mutable_visit_planned();
  p->set_visit_id(r.visit_id());
  p->set_rep_id(r.rep_id());
  p->set_customer_id(r.customer_id());
  *p->mutable_planned_at() = r.planned_at();
  p->set_purpose(r.purpose());
  return ActivityEvents{e};
}

absl::StatusOr<ActivityEvents> DecideRescheduleVisit(const RescheduleVisit& c,
                                                     const v1::Visit& state) {
  const v1::RescheduleVisitRequest& r = c.request;
  FieldViolations v;
  CheckId(v, "visit_id", r.visit_id());
  if (!r.has_planned_at()) {
    v.Add("planned_at", "is required");
  } else {
    CheckTimestamp(v, "planned_at", r.planned_at());
  }
  CheckText(v, "reason", r.reason());
  if (!v.empty()) return v.ToStatus();
  if (state.visit_id().empty()) return NotFound(r.visit_id());
  if (state.status() != v1::VISIT_STATUS_PLANNED) return Illegal(state, "reschedule it");
  if (MessageDifferencer::Equals(state.planned_at(), r.planned_at())) return ActivityEvents{};
  v1::ActivityEvent e;
  v1::VisitRescheduled* x = e.mutable_visit_rescheduled();
  Header(x, state);
  *x->mutable_previous_planned_at() = state.planned_at();
  *x->mutable_planned_at() = r.planned_at();
  x->set_reason(r.reason());
  x->set_reschedule_count(state.reschedule_count() + 1);
  return ActivityEvents{e};
}

absl::StatusOr<ActivityEvents> DecideCancelVisit(const CancelVisit& c, const v1::Visit& state) {
  const v1::CancelVisitRequest& r = c.request;
  FieldViolations v;
  CheckId(v, "visit_id", r.visit_id());
  CheckText(v, "reason", r.reason());
  if (!v.empty()) return v.ToStatus();
  if (state.visit_id().empty()) return NotFound(r.visit_id());
  if (state.status() == v1::VISIT_STATUS_CANCELLED) return ActivityEvents{};
  if (state.status() != v1::VISIT_STATUS_PLANNED) return Illegal(state, "cancel it");
  v1::ActivityEvent e;
  v1::VisitCancelled* x = e.mutable_visit_cancelled();
  Header(x, state);
  x->set_reason(r.reason());
  *x->mutable_planned_at() = state.planned_at();
  return ActivityEvents{e};
}

absl::StatusOr<ActivityEvents> DecideCheckIn(const CheckIn& c, const v1::Visit& state) {
  const v1::CheckInRequest& r = c.request;
  FieldViolations v;
  CheckId(v, "visit_id", r.visit_id());
  if (r.has_checked_in_at()) CheckReportedTime(v, "checked_in_at", r.checked_in_at(), c.meta.now);
  if (r.has_position()) CheckGeoPoint(v, "position", r.position());
  if (!v.empty()) return v.ToStatus();
  if (state.visit_id().empty()) return NotFound(r.visit_id());
  const google::protobuf::Timestamp at =
      r.has_checked_in_at() ? r.checked_in_at() : ToTimestamp(c.meta.now);
  if (state.status() == v1::VISIT_STATUS_CHECKED_IN && r.has_checked_in_at() &&
      MessageDifferencer::Equals(state.checked_in_at(), at) &&
      MessageDifferencer::Equals(state.check_in_position(), r.position())) {
    return ActivityEvents{};
  }
  if (state.status() != v1::VISIT_STATUS_PLANNED) return Illegal(state, "check in");
  const LocationCheckResult check = CheckLocation(
      r.has_position() ? &r.position() : nullptr,
      c.customer.has_location() ? &c.customer.location() : nullptr, c.threshold_meters);
  v1::ActivityEvent e;
  v1::VisitCheckedIn* x = e.mutable_visit_checked_in();
  Header(x, state);
  *x->mutable_checked_in_at() = at;
  if (r.has_position()) *x->mutable_position() = r.position();
  x->set_location_check(check.check);
  x->set_distance_meters(check.distance_meters);
  x->set_threshold_meters(check.threshold_meters);
  return ActivityEvents{e};
}

absl::StatusOr<ActivityEvents> DecideCheckOut(const CheckOut& c, const v1::Visit& state) {
  const v1::CheckOutRequest& r = c.request;
  FieldViolations v;
  CheckId(v, "visit_id", r.visit_id());
  if (r.has_checked_out_at()) {
    CheckReportedTime(v, "checked_out_at", r.checked_out_at(), c.meta.now);
  }
  if (r.has_position()) CheckGeoPoint(v, "position", r.position());
  if (!v.empty()) return v.ToStatus();
  if (state.visit_id().empty()) return NotFound(r.visit_id());
  const google::protobuf::Timestamp at =
      r.has_checked_out_at() ? r.checked_out_at() : ToTimestamp(c.meta.now);
  if (state.status() == v1::VISIT_STATUS_CHECKED_OUT && r.has_checked_out_at() &&
      MessageDifferencer::Equals(state.checked_out_at(), at)) {
    return ActivityEvents{};
  }
  if (state.status() != v1::VISIT_STATUS_CHECKED_IN) {
    return Illegal(state, "check out (check in first)");
  }
  const absl::Duration duration = FromTimestamp(at) - FromTimestamp(state.checked_in_at());
  if (duration < absl::ZeroDuration()) {
    return InvalidField("checked_out_at", "must not be before the check-in");
  }
  if (duration > kMaxVisitDuration) {
    return InvalidField("checked_out_at", "must be at most 24 hours after the check-in");
  }
  v1::ActivityEvent e;
  v1::VisitCheckedOut* x = e.mutable_visit_checked_out();
  Header(x, state);
  *x->mutable_checked_out_at() = at;
  if (r.has_position()) *x->mutable_position() = r.position();
  x->set_duration_seconds(absl::ToInt64Seconds(duration));
  return ActivityEvents{e};
}

absl::StatusOr<ActivityEvents> DecideRecordVisitOutcome(const RecordVisitOutcome& c,
                                                        const v1::Visit& state) {
  const v1::RecordVisitOutcomeRequest& r = c.request;
  FieldViolations v;
  CheckId(v, "visit_id", r.visit_id());
  if (r.outcome() == v1::VISIT_OUTCOME_UNSPECIFIED || !v1::VisitOutcome_IsValid(r.outcome())) {
    v.Add("outcome", "is required: completed, follow_up_needed, order_taken or customer_absent");
  }
  CheckOptionalText(v, "notes", r.notes());
  if (!v.empty()) return v.ToStatus();
  if (state.visit_id().empty()) return NotFound(r.visit_id());
  if (state.status() == v1::VISIT_STATUS_COMPLETED) {
    if (state.outcome() == r.outcome() && state.notes() == r.notes()) return ActivityEvents{};
    return Illegal(state, "record another outcome");
  }
  if (state.status() == v1::VISIT_STATUS_CANCELLED) return Illegal(state, "record an outcome");
  const bool checked_in = state.status() == v1::VISIT_STATUS_CHECKED_IN ||
                          state.status() == v1::VISIT_STATUS_CHECKED_OUT;
  v1::ActivityEvent e;
  v1::VisitOutcomeRecorded* x = e.mutable_visit_outcome_recorded();
  Header(x, state);
  x->set_outcome(r.outcome());
  x->set_notes(r.notes());
  *x->mutable_recorded_at() = ToTimestamp(c.meta.now);
  x->set_without_check_in(!checked_in);
  x->set_location_check(checked_in ? state.location_check() : v1::LOCATION_CHECK_UNSPECIFIED);
  x->set_check_in_without_position(checked_in && !state.has_check_in_position());
  return ActivityEvents{e};
}

v1::Visit EvolveVisit(v1::Visit state, const v1::ActivityEvent& event) {
  switch (event.event_case()) {
    case v1::ActivityEvent::kVisitPlanned: {
      const v1::VisitPlanned& x = event.visit_planned();
      state.set_visit_id(x.visit_id());
      state.set_rep_id(x.rep_id());
      state.set_customer_id(x.customer_id());
      *state.mutable_planned_at() = x.planned_at();
      state.set_purpose(x.purpose());
      state.set_status(v1::VISIT_STATUS_PLANNED);
      state.set_distance_meters(-1);
      break;
    }
    case v1::ActivityEvent::kVisitRescheduled:
      *state.mutable_planned_at() = event.visit_rescheduled().planned_at();
      state.set_reschedule_count(event.visit_rescheduled().reschedule_count());
      break;
    case v1::ActivityEvent::kVisitCancelled:
      state.set_status(v1::VISIT_STATUS_CANCELLED);
      state.set_cancel_reason(event.visit_cancelled().reason());
      break;
    case v1::ActivityEvent::kVisitCheckedIn: {
      const v1::VisitCheckedIn& x = event.visit_checked_in();
      state.set_status(v1::VISIT_STATUS_CHECKED_IN);
      *state.mutable_checked_in_at() = x.checked_in_at();
      if (x.has_position()) *state.mutable_check_in_position() = x.position();
      state.set_location_check(x.location_check());
      state.set_distance_meters(x.distance_meters());
      state.set_threshold_meters(x.threshold_meters());
      break;
    }
    case v1::ActivityEvent::kVisitCheckedOut: {
      const v1::VisitCheckedOut& x = event.visit_checked_out();
      state.set_status(v1::VISIT_STATUS_CHECKED_OUT);
      *state.mutable_checked_out_at() = x.checked_out_at();
      if (x.has_position()) *state.mutable_check_out_position() = x.position();
      state.set_duration_seconds(x.duration_seconds());
      break;
    }
    case v1::ActivityEvent::kVisitOutcomeRecorded: {
      const v1::VisitOutcomeRecorded& x = event.visit_outcome_recorded();
      state.set_status(v1::VISIT_STATUS_COMPLETED);
      state.set_outcome(x.outcome());
      state.set_notes(x.notes());
      state.set_without_check_in(x.without_check_in());
      *state.mutable_outcome_recorded_at() = x.recorded_at();
      break;
    }
    default:
      return state;
  }
  state.set_version(state.version() + 1);
  return state;
}

}  // namespace salesperf::activity
