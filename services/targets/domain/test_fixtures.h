// Test-only builders for the targets domain tests: events, commands and a small
// organisation (company "ceo" -> east "emma" {t-sh "tom": alice, bob; t-hz "hank": carol},
// west {t-cd}).
#ifndef SALESPERF_SERVICES_TARGETS_DOMAIN_TEST_FIXTURES_H_
#define SALESPERF_SERVICES_TARGETS_DOMAIN_TEST_FIXTURES_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "libs/common/period.h"
#include "services/targets/domain/org.h"
#include "services/targets/domain/target.h"
#include "services/targets/domain/values.h"

namespace salesperf::targets::testing {

inline absl::Time At(int y, int m, int d, int hh = 10) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, 0, 0), DefaultTimeZone());
}
// 2026-11-02 10:00 in Shanghai: a Monday.
inline absl::Time Now() { return At(2026, 11, 2); }

inline CommandMeta Meta(std::string actor = "admin", absl::Time now = Now()) {
  return CommandMeta{now, std::move(actor)};
}

inline common::v1::ScopeRef Scope(common::v1::ScopeKind kind, std::string id = "") {
  common::v1::ScopeRef scope;
  scope.set_kind(kind);
  scope.set_id(std::move(id));
  return scope;
}
inline common::v1::ScopeRef Company() { return Scope(common::v1::SCOPE_KIND_COMPANY); }
inline common::v1::ScopeRef RegionScope(std::string id) {
  return Scope(common::v1::SCOPE_KIND_REGION, std::move(id));
}
inline common::v1::ScopeRef TeamScope(std::string id) {
  return Scope(common::v1::SCOPE_KIND_TEAM, std::move(id));
}
inline common::v1::ScopeRef RepScope(std::string id) {
  return Scope(common::v1::SCOPE_KIND_REP, std::move(id));
}

inline v1::OrgEvent SettingsChanged(int fiscal_start = 1, std::vector<std::string> holidays = {},
                                    std::vector<std::string> make_up = {}) {
  v1::OrgEvent e;
  v1::OrganisationSettings* s = e.mutable_organisation_settings_changed()->mutable_settings();
  s->set_company_name("Acme");
  s->set_time_zone("Asia/Shanghai");
  s->set_currency_code("CNY");
  s->set_fiscal_year_start_month(fiscal_start);
  for (auto& d : holidays) s->add_non_working_days(d);
  for (auto& d : make_up) s->add_make_up_working_days(d);
  return e;
}
inline v1::OrgEvent RegionCreatedEvent(std::string id, std::string from = "2026-01-01") {
  v1::OrgEvent e;
  e.mutable_region_created()->set_region_id(id);
  e.mutable_region_created()->set_name("Region " + id);
  e.mutable_region_created()->set_effective_from(from);
  return e;
}
inline v1::OrgEvent TeamCreatedEvent(std::string id, std::string region,
                                     std::string from = "2026-01-01") {
  v1::OrgEvent e;
  e.mutable_team_created()->set_team_id(id);
  e.mutable_team_created()->set_region_id(region);
  e.mutable_team_created()->set_name("Team " + id);
  e.mutable_team_created()->set_effective_from(from);
  return e;
}
inline v1::OrgEvent RepHiredEvent(std::string id, std::string team, std::string region,
                                  std::string from) {
  v1::OrgEvent e;
  v1::RepHired* h = e.mutable_rep_hired();
  h->set_rep_id(id);
  h->set_display_name("Rep " + id);
  h->set_team_id(team);
  h->set_region_id(region);
  h->set_effective_from(from);
  return e;
}
inline v1::OrgEvent RepMovedEvent(std::string id, std::string from_team, std::string from_region,
                                  std::string to_team, std::string to_region, std::string from) {
  v1::OrgEvent e;
  v1::RepMoved* m = e.mutable_rep_moved();
  m->set_rep_id(id);
  m->set_from_team_id(from_team);
  m->set_from_region_id(from_region);
  m->set_to_team_id(to_team);
  m->set_to_region_id(to_region);
  m->set_effective_from(from);
  return e;
}
inline v1::OrgEvent ManagerAssignedEvent(common::v1::ScopeRef scope, std::string manager,
                                         std::string previous, std::string from) {
  v1::OrgEvent e;
  v1::ManagerAssigned* m = e.mutable_manager_assigned();
  *m->mutable_scope() = scope;
  m->set_manager_id(manager);
  m->set_previous_manager_id(previous);
  m->set_effective_from(from);
  return e;
}
inline v1::OrgEvent RepDeactivatedEvent(std::string id, std::string team, std::string region,
                                        std::string from) {
  v1::OrgEvent e;
  v1::RepDeactivated* d = e.mutable_rep_deactivated();
  d->set_rep_id(id);
  d->set_last_team_id(team);
  d->set_last_region_id(region);
  d->set_effective_from(from);
  return e;
}

inline std::vector<v1::OrgEvent> BaseOrgEvents(int fiscal_start = 1) {
  return {
      SettingsChanged(fiscal_start),
      RegionCreatedEvent("east"),
      RegionCreatedEvent("west"),
      TeamCreatedEvent("t-sh", "east"),
      TeamCreatedEvent("t-hz", "east"),
      TeamCreatedEvent("t-cd", "west"),
      RepHiredEvent("alice", "t-sh", "east", "2026-01-05"),
      RepHiredEvent("bob", "t-sh", "east", "2026-02-01"),
      RepHiredEvent("carol", "t-hz", "east", "2026-01-05"),
      ManagerAssignedEvent(Company(), "ceo", "", "2026-01-01"),
      ManagerAssignedEvent(RegionScope("east"), "emma", "", "2026-01-01"),
      ManagerAssignedEvent(TeamScope("t-sh"), "tom", "", "2026-01-01"),
      ManagerAssignedEvent(TeamScope("t-hz"), "hank", "", "2026-01-01"),
  };
}

inline OrgState FoldOrg(const std::vector<v1::OrgEvent>& events) {
  OrgState state;
  for (const v1::OrgEvent& e : events) state = EvolveOrg(std::move(state), e);
  return state;
}

inline absl::CivilDay Day(int y, int m, int d) { return absl::CivilDay(y, m, d); }

inline v1::TargetValue Cny(int64_t minor_units) {
  return MakeValue(ValueKind::kMoney, minor_units, "CNY");
}
inline v1::TargetValue Count(int64_t n) { return MakeValue(ValueKind::kCount, n, ""); }
inline v1::TargetValue RatioBp(int64_t bp) { return MakeValue(ValueKind::kRatio, bp, ""); }

inline common::v1::Period PeriodId(std::string id) {
  common::v1::Period p;
  p.set_id(std::move(id));
  return p;
}

// A valid manual revenue target spec for `scope` in 2026-11.
inline v1::TargetSpec RevenueSpec(common::v1::ScopeRef scope, int64_t minor_units,
                                  std::string period = "2026-11") {
  v1::TargetSpec spec;
  spec.set_name("November revenue");
  spec.set_description("New contract revenue booked in November");
  *spec.mutable_scope() = std::move(scope);
  spec.set_metric(v1::METRIC_REVENUE);
  *spec.mutable_period() = PeriodId(std::move(period));
  *spec.mutable_value() = Cny(minor_units);
  spec.mutable_basis()->set_kind(v1::BASIS_KIND_MANUAL);
  return spec;
}

inline DraftTarget Draft(std::string id, v1::TargetSpec spec, CommandMeta meta = Meta()) {
  DraftTarget cmd;
  cmd.meta = std::move(meta);
  cmd.request.set_request_id("req-" + id);
  cmd.request.set_target_id(id);
  *cmd.request.mutable_spec() = std::move(spec);
  return cmd;
}

inline v1::Change ChangeBy(std::string actor, std::string reason = "", absl::Time at = Now()) {
  v1::Change change;
  change.set_actor(std::move(actor));
  *change.mutable_at() = ToTimestamp(at);
  change.set_reason(std::move(reason));
  return change;
}

// The TargetDrafted that Draft(id, RevenueSpec(scope, minor_units)) produces.
inline v1::TargetEvent RevenueDrafted(std::string id, common::v1::ScopeRef scope,
                                      int64_t minor_units, std::string owner,
                                      std::string actor = "admin") {
  v1::TargetEvent event;
  v1::TargetDrafted* e = event.mutable_drafted();
  e->set_target_id(id);
  *e->mutable_key()->mutable_scope() = scope;
  e->mutable_key()->set_metric(v1::METRIC_REVENUE);
  e->mutable_key()->mutable_period()->set_id("2026-11");
  e->mutable_key()->mutable_period()->set_kind(common::v1::PERIOD_KIND_MONTH);
  e->set_name("November revenue");
  e->set_description("New contract revenue booked in November");
  *e->mutable_value() = Cny(minor_units);
  e->set_unit("CNY");
  e->mutable_basis()->set_kind(v1::BASIS_KIND_MANUAL);
  e->set_owner_id(owner);
  e->set_period_first_day("2026-11-01");
  e->set_period_last_day("2026-11-30");
  *e->mutable_change() = ChangeBy(actor);
  return event;
}

inline TargetState FoldTarget(const std::vector<v1::TargetEvent>& events) {
  TargetState state;
  for (const v1::TargetEvent& e : events) state = EvolveTarget(std::move(state), e);
  return state;
}

}  // namespace salesperf::targets::testing

#endif  // SALESPERF_SERVICES_TARGETS_DOMAIN_TEST_FIXTURES_H_
