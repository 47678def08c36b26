// Builders of events and commands shared by the domain tests.
#ifndef SALESPERF_SERVICES_ACTIVITY_DOMAIN_TEST_BUILDERS_H_
#define SALESPERF_SERVICES_ACTIVITY_DOMAIN_TEST_BUILDERS_H_

#include <string>

#include "absl/time/time.h"
#include "salesperf/activity/v1/activity.pb.h"
#include "services/activity/domain/values.h"

namespace salesperf::activity::testing {

// 2026-11-23 10:00 in Shanghai.
inline absl::Time Now() { return absl::FromUnixSeconds(1795399200); }

inline CommandMeta Meta(std::string currency = "CNY") {
  CommandMeta meta;
  meta.now = Now();
  meta.actor = "alice";
  meta.tz = absl::FixedTimeZone(8 * 3600);
  meta.currency = std::move(currency);
  return meta;
}

inline common::v1::Money Cny(int64_t minor) {
  common::v1::Money m;
  m.set_currency_code("CNY");
  m.set_minor_units(minor);
  return m;
}

inline v1::GeoPoint Point(double lat, double lon, double accuracy = 0) {
  v1::GeoPoint p;
  p.set_latitude(lat);
  p.set_longitude(lon);
  p.set_accuracy_meters(accuracy);
  return p;
}

// The customer "c1" of rep "alice" at the Bund, Shanghai.
inline v1::ActivityEvent CustomerRegisteredEvent() {
  v1::ActivityEvent e;
  v1::CustomerRegistered* c = e.mutable_customer_registered();
  c->set_customer_id("c1");
  c->set_name("Acme Trading");
  *c->mutable_location() = Point(31.2400, 121.4900);
  c->set_region_id("east");
  c->set_owner_rep_id("alice");
  c->set_registered_on("2026-11-23");
  return e;
}

inline v1::Customer AcmeCustomer() {
  v1::Customer c;
  const v1::CustomerRegistered r = CustomerRegisteredEvent().customer_registered();
  c.set_customer_id(r.customer_id());
  *c.mutable_location() = r.location();
  c.set_owner_rep_id(r.owner_rep_id());
  c.set_region_id(r.region_id());
  c.set_version(1);
  return c;
}

inline v1::ActivityEvent VisitPlannedEvent(absl::Time at = Now() + absl::Hours(2)) {
  v1::ActivityEvent e;
  v1::VisitPlanned* p = e.mutable_visit_planned();
  p->set_visit_id("v1");
  p->set_rep_id("alice");
  p->set_customer_id("c1");
  *p->mutable_planned_at() = ToTimestamp(at);
  p->set_purpose("demo");
  return e;
}

inline v1::ActivityEvent CheckedInEvent(v1::LocationCheck check = v1::LOCATION_CHECK_VERIFIED,
                                        absl::Time at = Now()) {
  v1::ActivityEvent e;
  v1::VisitCheckedIn* x = e.mutable_visit_checked_in();
  x->set_visit_id("v1");
  x->set_rep_id("alice");
  x->set_customer_id("c1");
  *x->mutable_checked_in_at() = ToTimestamp(at);
  *x->mutable_position() = Point(31.2400, 121.4900);
  x->set_location_check(check);
  x->set_distance_meters(0);
  x->set_threshold_meters(500);
  return e;
}

inline v1::ActivityEvent DealOpenedEvent(int64_t amount = 100000) {
  v1::ActivityEvent e;
  v1::DealOpened* d = e.mutable_deal_opened();
  d->set_deal_id("d1");
  d->set_rep_id("alice");
  d->set_customer_id("c1");
  d->set_title("Fleet renewal");
  *d->mutable_amount() = Cny(amount);
  d->set_expected_close_date("2026-12-31");
  d->set_stage(v1::DEAL_STAGE_QUALIFIED);
  return e;
}

inline v1::ActivityEvent DealWonEvent(int64_t amount = 90000, std::string won_on = "2026-11-23") {
  v1::ActivityEvent e;
  v1::DealWon* d = e.mutable_deal_won();
  d->set_deal_id("d1");
  d->set_rep_id("alice");
  d->set_customer_id("c1");
  *d->mutable_amount() = Cny(amount);
  d->set_won_on(won_on);
  d->set_from_stage(v1::DEAL_STAGE_QUALIFIED);
  return e;
}

inline v1::ActivityEvent DealLostEvent() {
  v1::ActivityEvent e;
  v1::DealLost* d = e.mutable_deal_lost();
  d->set_deal_id("d1");
  d->set_rep_id("alice");
  d->set_customer_id("c1");
  d->set_reason("price");
  d->set_lost_on("2026-11-23");
  d->set_from_stage(v1::DEAL_STAGE_QUALIFIED);
  *d->mutable_amount() = Cny(100000);
  return e;
}

}  // namespace salesperf::activity::testing

#endif  // SALESPERF_SERVICES_ACTIVITY_DOMAIN_TEST_BUILDERS_H_
