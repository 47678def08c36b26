#include "services/targets/domain/org.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "libs/common/ids.h"
#include "libs/common/money.h"
#include "libs/common/status_macros.h"
#include "libs/common/string_view_compat.h"
#include "services/targets/domain/values.h"

namespace salesperf::targets {
namespace {

using common::v1::ScopeRef;

constexpr size_t kMaxNameLength = 200;
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;
constexpr char kPageTokenPrefix[] = "rep:";

void ValidateIdField(std::string_view id, const std::string& field, FieldViolations& violations) {
  violations.AddIfError(field, ValidateId(id));
}

void ValidateName(std::string_view name, const std::string& field, FieldViolations& violations) {
  if (name.empty()) {
    violations.Add(field, "must not be empty");
  } else if (name.size() > kMaxNameLength) {
    violations.Add(field, "must be at most 200 characters");
  }
}

// The effective date of a command: the request's date, or today when it is empty.
std::optional<absl::CivilDay> EffectiveDay(std::string_view date, const CommandMeta& meta,
                                           const OrgState& state, const std::string& field,
                                           FieldViolations& violations) {
  if (date.empty()) return state.Today(meta.now);
  absl::StatusOr<absl::CivilDay> day = ParseDate(date);
  if (!day.ok()) {
    violations.Add(field, std::string(day.status().message()));
    return std::nullopt;
  }
  return *day;
}

std::vector<v1::OrgEvent> One(v1::OrgEvent event) {
  std::vector<v1::OrgEvent> events;
  events.push_back(std::move(event));
  return events;
}

std::vector<v1::OrgEvent> None() { return {}; }

absl::StatusOr<std::vector<v1::OrgEvent>> Decide(const SetOrganisationSettings& cmd,
                                                 const OrgState& state) {
  const v1::OrganisationSettings& in = cmd.request.settings();
  FieldViolations violations;
  if (in.company_name().size() > kMaxNameLength) {
    violations.Add("settings.company_name", "must be at most 200 characters");
  }
  violations.AddIfError("settings.time_zone", LoadTimeZone(in.time_zone()).status());
  violations.AddIfError("settings.currency_code", Currency::Parse(in.currency_code()).status());
  if (in.fiscal_year_start_month() < 1 || in.fiscal_year_start_month() > 12) {
    violations.Add("settings.fiscal_year_start_month", "must be between 1 and 12");
  }
  std::set<absl::CivilDay> holidays, make_up;
  for (int i = 0; i < in.non_working_days_size(); ++i) {
    absl::StatusOr<absl::CivilDay> day = ParseDate(in.non_working_days(i));
    if (!day.ok()) {
      violations.Add(absl::StrCat("settings.non_working_days[", i, "]"),
                     std::string(day.status().message()));
    } else {
      holidays.insert(*day);
    }
  }
  for (int i = 0; i < in.make_up_working_days_size(); ++i) {
    const std::string field = absl::StrCat("settings.make_up_working_days[", i, "]");
    absl::StatusOr<absl::CivilDay> day = ParseDate(in.make_up_working_days(i));
    if (!day.ok()) {
      violations.Add(field, std::string(day.status().message()));
    } else if (holidays.contains(*day)) {
      violations.Add(field, "is also listed as a non-working day");
    } else {
      make_up.insert(*day);
    }
  }
  RETURN_IF_ERROR(violations.ToStatus());

  // Stored normalised: ascending and without duplicates, so that equal settings compare equal.
  v1::OrganisationSettings settings = in;
  settings.clear_non_working_days();
  settings.clear_make_up_working_days();
  for (absl::CivilDay d : holidays) settings.add_non_working_days(FormatDate(d));
  for (absl::CivilDay d : make_up) settings.add_make_up_working_days(FormatDate(d));
  if (google::protobuf::util::MessageDifferencer::Equals(settings, state.settings()) &&
      state.version() > 0) {
    return None();
  }
  v1::OrgEvent event;
  *event.mutable_organisation_settings_changed()->mutable_settings() = std::move(settings);
  return One(std::move(event));
}

absl::StatusOr<std::vector<v1::OrgEvent>> Decide(const CreateRegion& cmd, const OrgState& state) {
  const v1::CreateRegionRequest& r = cmd.request;
  FieldViolations violations;
  ValidateIdField(r.region_id(), "region_id", violations);
  ValidateName(r.name(), "name", violations);
  std::optional<absl::CivilDay> from =
      EffectiveDay(r.effective_from(), cmd.meta, state, "effective_from", violations);
  RETURN_IF_ERROR(violations.ToStatus());

  if (const RegionInfo* existing = state.FindRegion(r.region_id())) {
    if (existing->name == r.name() && existing->effective_from == *from) return None();
    return absl::AlreadyExistsError(absl::StrCat("region ", r.region_id(), " already exists"));
  }
  v1::OrgEvent event;
  v1::RegionCreated* e = event.mutable_region_created();
  e->set_region_id(r.region_id());
  e->set_name(r.name());
  e->set_effective_from(FormatDate(*from));
  return One(std::move(event));
}

absl::StatusOr<std::vector<v1::OrgEvent>> Decide(const CreateTeam& cmd, const OrgState& state) {
  const v1::CreateTeamRequest& r = cmd.request;
  FieldViolations violations;
  ValidateIdField(r.team_id(), "team_id", violations);
  ValidateIdField(r.region_id(), "region_id", violations);
  ValidateName(r.name(), "name", violations);
  std::optional<absl::CivilDay> from =
      EffectiveDay(r.effective_from(), cmd.meta, state, "effective_from", violations);
  RETURN_IF_ERROR(violations.ToStatus());

  if (const TeamInfo* existing = state.FindTeam(r.team_id())) {
    if (existing->name == r.name() && existing->region_id == r.region_id() &&
        existing->effective_from == *from) {
      return None();
    }
    return absl::AlreadyExistsError(absl::StrCat("team ", r.team_id(), " already exists"));
  }
  const RegionInfo* region = state.FindRegion(r.region_id());
  if (region == nullptr) {
    return absl::NotFoundError(absl::StrCat("region ", r.region_id(), " not found"));
  }
  if (*from < region->effective_from) {
    return absl::FailedPreconditionError(absl::StrCat(
        "team ", r.team_id(), " cannot start on ", FormatDate(*from), ", before region ",
        r.region_id(), " exists (", FormatDate(region->effective_from), ")"));
  }
  v1::OrgEvent event;
  v1::TeamCreated* e = event.mutable_team_created();
  e->set_team_id(r.team_id());
  e->set_region_id(r.region_id());
  e->set_name(r.name());
  e->set_effective_from(FormatDate(*from));
  return One(std::move(event));
}

// The team `team_id` must exist on `day`.
absl::Status CheckTeamOn(const OrgState& state, const std::string& team_id, absl::CivilDay day) {
  const TeamInfo* team = state.FindTeam(team_id);
  if (team == nullptr) return absl::NotFoundError(absl::StrCat("team ", team_id, " not found"));
  if (day < team->effective_from) {
    return absl::FailedPreconditionError(absl::StrCat("team ", team_id, " does not exist on ",
                                                      FormatDate(day), " (it starts on ",
                                                      FormatDate(team->effective_from), ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::OrgEvent>> Decide(const HireRep& cmd, const OrgState& state) {
  const v1::HireRepRequest& r = cmd.request;
  FieldViolations violations;
  ValidateIdField(r.rep_id(), "rep_id", violations);
  ValidateName(r.display_name(), "display_name", violations);
  ValidateIdField(r.team_id(), "team_id", violations);
  std::optional<absl::CivilDay> from =
      EffectiveDay(r.effective_from(), cmd.meta, state, "effective_from", violations);
  RETURN_IF_ERROR(violations.ToStatus());

  if (const RepInfo* existing = state.FindRep(r.rep_id())) {
    const Stint& first = existing->stints.front();
    if (existing->display_name == r.display_name() && first.team_id == r.team_id() &&
        first.from == *from) {
      return None();
    }
    return absl::AlreadyExistsError(absl::StrCat("rep ", r.rep_id(), " already exists"));
  }
  RETURN_IF_ERROR(CheckTeamOn(state, r.team_id(), *from));
  v1::OrgEvent event;
  v1::RepHired* e = event.mutable_rep_hired();
  e->set_rep_id(r.rep_id());
  e->set_display_name(r.display_name());
  e->set_team_id(r.team_id());
  e->set_region_id(state.FindTeam(r.team_id())->region_id);
  e->set_effective_from(FormatDate(*from));
  return One(std::move(event));
}

absl::StatusOr<std::vector<v1::OrgEvent>> Decide(const MoveRep& cmd, const OrgState& state) {
  const v1::MoveRepRequest& r = cmd.request;
  FieldViolations violations;
  ValidateIdField(r.rep_id(), "rep_id", violations);
  ValidateIdField(r.to_team_id(), "to_team_id", violations);
  std::optional<absl::CivilDay> from =
      EffectiveDay(r.effective_from(), cmd.meta, state, "effective_from", violations);
  RETURN_IF_ERROR(violations.ToStatus());

  const RepInfo* rep = state.FindRep(r.rep_id());
  if (rep == nullptr) return absl::NotFoundError(absl::StrCat("rep ", r.rep_id(), " not found"));
  if (state.FindTeam(r.to_team_id()) == nullptr) {
    return absl::NotFoundError(absl::StrCat("team ", r.to_team_id(), " not found"));
  }
  const Stint& latest = rep->stints.back();
  if (rep->deactivated_on.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("rep ", r.rep_id(), " was deactivated on ", FormatDate(*rep->deactivated_on)));
  }
  // Already there (e.g. a retried move): nothing to record.
  if (latest.team_id == r.to_team_id()) return None();
  if (*from <= latest.from) {
    return absl::FailedPreconditionError(absl::StrCat(
        "a move of rep ", r.rep_id(), " must be dated after the rep's latest assignment on ",
        FormatDate(latest.from), "; assignments never overlap"));
  }
  RETURN_IF_ERROR(CheckTeamOn(state, r.to_team_id(), *from));
  v1::OrgEvent event;
  v1::RepMoved* e = event.mutable_rep_moved();
  e->set_rep_id(r.rep_id());
  e->set_from_team_id(latest.team_id);
  e->set_from_region_id(state.FindTeam(latest.team_id)->region_id);
  e->set_to_team_id(r.to_team_id());
  e->set_to_region_id(state.FindTeam(r.to_team_id())->region_id);
  e->set_effective_from(FormatDate(*from));
  return One(std::move(event));
}

absl::StatusOr<std::vector<v1::OrgEvent>> Decide(const AssignManager& cmd, const OrgState& state) {
  const v1::AssignManagerRequest& r = cmd.request;
  FieldViolations violations;
  ValidateScope(r.scope(), "scope", violations);
  if (r.scope().kind() == common::v1::SCOPE_KIND_REP) {
    violations.Add("scope.kind", "managers are assigned to the company, a region or a team");
  }
  ValidateIdField(r.manager_id(), "manager_id", violations);
  std::optional<absl::CivilDay> from =
      EffectiveDay(r.effective_from(), cmd.meta, state, "effective_from", violations);
  RETURN_IF_ERROR(violations.ToStatus());
  RETURN_IF_ERROR(state.CheckScopeKnown(r.scope()));

  std::optional<absl::CivilDay> scope_start;
  if (r.scope().kind() == common::v1::SCOPE_KIND_REGION) {
    scope_start = state.FindRegion(r.scope().id())->effective_from;
  } else if (r.scope().kind() == common::v1::SCOPE_KIND_TEAM) {
    scope_start = state.FindTeam(r.scope().id())->effective_from;
  }
  if (scope_start.has_value() && *from < *scope_start) {
    return absl::FailedPreconditionError(
        absl::StrCat(DescribeScope(r.scope()), " does not exist on ", FormatDate(*from)));
  }
  const std::string current = state.ManagerOf(r.scope(), *from);
  if (current == r.manager_id()) return None();
  v1::OrgEvent event;
  v1::ManagerAssigned* e = event.mutable_manager_assigned();
  *e->mutable_scope() = r.scope();
  e->set_manager_id(r.manager_id());
  e->set_previous_manager_id(current);
  e->set_effective_from(FormatDate(*from));
  return One(std::move(event));
}

absl::StatusOr<std::vector<v1::OrgEvent>> Decide(const DeactivateRep& cmd, const OrgState& state) {
  const v1::DeactivateRepRequest& r = cmd.request;
  FieldViolations violations;
  ValidateIdField(r.rep_id(), "rep_id", violations);
  std::optional<absl::CivilDay> from =
      EffectiveDay(r.effective_from(), cmd.meta, state, "effective_from", violations);
  RETURN_IF_ERROR(violations.ToStatus());

  const RepInfo* rep = state.FindRep(r.rep_id());
  if (rep == nullptr) return absl::NotFoundError(absl::StrCat("rep ", r.rep_id(), " not found"));
  if (rep->deactivated_on.has_value()) {
    if (*rep->deactivated_on == *from) return None();
    return absl::FailedPreconditionError(absl::StrCat(
        "rep ", r.rep_id(), " was already deactivated on ", FormatDate(*rep->deactivated_on)));
  }
  const Stint& latest = rep->stints.back();
  if (*from <= latest.from) {
    return absl::FailedPreconditionError(absl::StrCat(
        "rep ", r.rep_id(), " cannot be deactivated on or before the latest assignment on ",
        FormatDate(latest.from)));
  }
  v1::OrgEvent event;
  v1::RepDeactivated* e = event.mutable_rep_deactivated();
  e->set_rep_id(r.rep_id());
  e->set_last_team_id(latest.team_id);
  e->set_last_region_id(state.FindTeam(latest.team_id)->region_id);
  e->set_effective_from(FormatDate(*from));
  return One(std::move(event));
}

// Events come from our own deciders, so their dates parse; a broken one is a corrupt
// store, which must not be papered over.
absl::CivilDay MustParse(const std::string& date) {
  absl::StatusOr<absl::CivilDay> day = ParseDate(date);
  if (!day.ok()) {
    std::fprintf(stderr, "targets: corrupt org event date '%s'\n", date.c_str());
    std::abort();
  }
  return *day;
}

Calendar CalendarOf(const v1::OrganisationSettings& settings) {
  Calendar calendar;
  // Validated when decided; a machine without that zone falls back to the default
  // (Asia/Shanghai) rather than to UTC. Binaries check tzdata at startup.
  absl::StatusOr<absl::TimeZone> tz = LoadTimeZone(settings.time_zone());
  calendar.tz = tz.ok() ? *tz : DefaultTimeZone();
  calendar.fiscal_year_start_month = settings.fiscal_year_start_month();
  for (const std::string& d : settings.non_working_days()) calendar.holidays.insert(MustParse(d));
  for (const std::string& d : settings.make_up_working_days()) {
    calendar.extra_working_days.insert(MustParse(d));
  }
  return calendar;
}

}  // namespace

void ValidateScope(const ScopeRef& scope, const std::string& field, FieldViolations& violations) {
  switch (scope.kind()) {
    case common::v1::SCOPE_KIND_COMPANY:
      if (!scope.id().empty()) violations.Add(field + ".id", "must be empty for the company");
      return;
    case common::v1::SCOPE_KIND_REGION:
    case common::v1::SCOPE_KIND_TEAM:
    case common::v1::SCOPE_KIND_REP:
      violations.AddIfError(field + ".id", ValidateId(scope.id()));
      return;
    default:
      violations.Add(field + ".kind", "must be company, region, team or rep");
  }
}

std::string DescribeScope(const ScopeRef& scope) {
  switch (scope.kind()) {
    case common::v1::SCOPE_KIND_COMPANY:
      return "company";
    case common::v1::SCOPE_KIND_REGION:
      return absl::StrCat("region ", scope.id());
    case common::v1::SCOPE_KIND_TEAM:
      return absl::StrCat("team ", scope.id());
    case common::v1::SCOPE_KIND_REP:
      return absl::StrCat("rep ", scope.id());
    default:
      return "unspecified scope";
  }
}

OrgState::OrgState() : settings_(DefaultSettings()), calendar_(CalendarOf(settings_)) {}

v1::OrganisationSettings OrgState::DefaultSettings() {
  v1::OrganisationSettings settings;
  settings.set_time_zone(kDefaultTimeZoneName);
  settings.set_currency_code("CNY");
  settings.set_fiscal_year_start_month(1);
  return settings;
}

absl::CivilDay OrgState::Today(absl::Time now) const { return absl::ToCivilDay(now, calendar_.tz); }

const RegionInfo* OrgState::FindRegion(std::string_view id) const {
  auto it = regions_.find(std::string(id));
  return it == regions_.end() ? nullptr : &it->second;
}
const TeamInfo* OrgState::FindTeam(std::string_view id) const {
  auto it = teams_.find(std::string(id));
  return it == teams_.end() ? nullptr : &it->second;
}
const RepInfo* OrgState::FindRep(std::string_view id) const {
  auto it = reps_.find(std::string(id));
  return it == reps_.end() ? nullptr : &it->second;
}

std::optional<std::string> OrgState::TeamOf(std::string_view rep_id, absl::CivilDay day) const {
  const RepInfo* rep = FindRep(rep_id);
  if (rep == nullptr) return std::nullopt;
  for (const Stint& s : rep->stints) {
    if (s.from <= day && (!s.to.has_value() || day < *s.to)) return s.team_id;
  }
  return std::nullopt;
}

std::optional<std::string> OrgState::RegionOf(std::string_view rep_id, absl::CivilDay day) const {
  std::optional<std::string> team = TeamOf(rep_id, day);
  if (!team.has_value()) return std::nullopt;
  return FindTeam(*team)->region_id;
}

OrgState::ScopeKey OrgState::KeyOf(const ScopeRef& scope) {
  return {static_cast<int>(scope.kind()),
          scope.kind() == common::v1::SCOPE_KIND_COMPANY ? std::string() : scope.id()};
}

std::string OrgState::ManagerOf(const ScopeRef& scope, absl::CivilDay day) const {
  auto it = managers_.find(KeyOf(scope));
  if (it == managers_.end()) return "";
  std::string manager;
  for (const ManagerTerm& term : it->second) {
    if (term.from > day) break;
    manager = term.manager_id;
  }
  return manager;
}

bool OrgState::Manages(std::string_view user_id, const ScopeRef& scope, absl::CivilDay day) const {
  if (user_id.empty()) return false;
  ScopeRef company;
  company.set_kind(common::v1::SCOPE_KIND_COMPANY);
  ScopeRef current = scope;
  // Walk up: rep -> team (that day) -> region -> company.
  for (int guard = 0; guard < 4; ++guard) {
    if (current.kind() != common::v1::SCOPE_KIND_REP && ManagerOf(current, day) == user_id) {
      return true;
    }
    ScopeRef parent;
    switch (current.kind()) {
      case common::v1::SCOPE_KIND_REP: {
        std::optional<std::string> team = TeamOf(current.id(), day);
        if (team.has_value()) {
          parent.set_kind(common::v1::SCOPE_KIND_TEAM);
          parent.set_id(*team);
        } else {
          parent = company;
        }
        break;
      }
      case common::v1::SCOPE_KIND_TEAM: {
        const TeamInfo* team = FindTeam(current.id());
        if (team != nullptr) {
          parent.set_kind(common::v1::SCOPE_KIND_REGION);
          parent.set_id(team->region_id);
        } else {
          parent = company;
        }
        break;
      }
      case common::v1::SCOPE_KIND_REGION:
        parent = company;
        break;
      default:
        return false;
    }
    current = parent;
  }
  return false;
}

absl::Status OrgState::CheckScopeKnown(const ScopeRef& scope) const {
  switch (scope.kind()) {
    case common::v1::SCOPE_KIND_COMPANY:
      return absl::OkStatus();
    case common::v1::SCOPE_KIND_REGION:
      if (FindRegion(scope.id()) != nullptr) return absl::OkStatus();
      break;
    case common::v1::SCOPE_KIND_TEAM:
      if (FindTeam(scope.id()) != nullptr) return absl::OkStatus();
      break;
    case common::v1::SCOPE_KIND_REP:
      if (FindRep(scope.id()) != nullptr) return absl::OkStatus();
      break;
    default:
      return absl::InvalidArgumentError("scope kind must be company, region, team or rep");
  }
  return absl::NotFoundError(absl::StrCat(DescribeScope(scope), " not found"));
}

bool OrgState::ScopeExistsDuring(const ScopeRef& scope, absl::CivilDay first,
                                 absl::CivilDay last) const {
  switch (scope.kind()) {
    case common::v1::SCOPE_KIND_COMPANY:
      return true;
    case common::v1::SCOPE_KIND_REGION: {
      const RegionInfo* region = FindRegion(scope.id());
      return region != nullptr && region->effective_from <= last;
    }
    case common::v1::SCOPE_KIND_TEAM: {
      const TeamInfo* team = FindTeam(scope.id());
      return team != nullptr && team->effective_from <= last;
    }
    case common::v1::SCOPE_KIND_REP: {
      const RepInfo* rep = FindRep(scope.id());
      if (rep == nullptr) return false;
      for (const Stint& s : rep->stints) {
        if (s.from <= last && (!s.to.has_value() || *s.to > first)) return true;
      }
      return false;
    }
    default:
      return false;
  }
}

bool OrgState::IsDirectChildDuring(const ScopeRef& parent, const ScopeRef& child,
                                   absl::CivilDay first, absl::CivilDay last) const {
  if (!ScopeExistsDuring(child, first, last)) return false;
  switch (parent.kind()) {
    case common::v1::SCOPE_KIND_COMPANY:
      return child.kind() == common::v1::SCOPE_KIND_REGION;
    case common::v1::SCOPE_KIND_REGION: {
      if (child.kind() != common::v1::SCOPE_KIND_TEAM) return false;
      return FindTeam(child.id())->region_id == parent.id();
    }
    case common::v1::SCOPE_KIND_TEAM: {
      if (child.kind() != common::v1::SCOPE_KIND_REP) return false;
      for (const Stint& s : FindRep(child.id())->stints) {
        if (s.team_id == parent.id() && s.from <= last && (!s.to.has_value() || *s.to > first)) {
          return true;
        }
      }
      return false;
    }
    default:
      return false;
  }
}

v1::Rep OrgState::RepView(const std::string& rep_id, absl::CivilDay day) const {
  const RepInfo& rep = reps_.at(rep_id);
  v1::Rep view;
  view.set_rep_id(rep_id);
  view.set_display_name(rep.display_name);
  std::optional<std::string> team = TeamOf(rep_id, day);
  if (team.has_value()) {
    view.set_team_id(*team);
    view.set_region_id(teams_.at(*team).region_id);
  }
  view.set_active(team.has_value());
  view.set_hired_on(FormatDate(rep.stints.front().from));
  if (rep.deactivated_on.has_value()) view.set_deactivated_on(FormatDate(*rep.deactivated_on));
  for (const Stint& s : rep.stints) {
    v1::TeamAssignment* a = view.add_assignments();
    a->set_team_id(s.team_id);
    a->set_region_id(teams_.at(s.team_id).region_id);
    a->set_effective_from(FormatDate(s.from));
    if (s.to.has_value()) a->set_effective_to(FormatDate(*s.to));
  }
  return view;
}

v1::Team OrgState::TeamView(const std::string& team_id, absl::CivilDay day, bool with_reps) const {
  const TeamInfo& team = teams_.at(team_id);
  v1::Team view;
  view.set_team_id(team_id);
  view.set_region_id(team.region_id);
  view.set_name(team.name);
  view.set_effective_from(FormatDate(team.effective_from));
  ScopeRef scope;
  scope.set_kind(common::v1::SCOPE_KIND_TEAM);
  scope.set_id(team_id);
  view.set_manager_id(ManagerOf(scope, day));
  if (with_reps) {
    for (const auto& [rep_id, rep] : reps_) {
      if (TeamOf(rep_id, day) == team_id) *view.add_reps() = RepView(rep_id, day);
    }
  }
  return view;
}

v1::Region OrgState::RegionView(const std::string& region_id, absl::CivilDay day,
                                bool with_teams) const {
  const RegionInfo& region = regions_.at(region_id);
  v1::Region view;
  view.set_region_id(region_id);
  view.set_name(region.name);
  view.set_effective_from(FormatDate(region.effective_from));
  ScopeRef scope;
  scope.set_kind(common::v1::SCOPE_KIND_REGION);
  scope.set_id(region_id);
  view.set_manager_id(ManagerOf(scope, day));
  if (with_teams) {
    for (const auto& [team_id, team] : teams_) {
      if (team.region_id == region_id && team.effective_from <= day) {
        *view.add_teams() = TeamView(team_id, day, /*with_reps=*/true);
      }
    }
  }
  return view;
}

v1::Organisation OrgState::TreeAsOf(absl::CivilDay day) const {
  v1::Organisation org;
  org.set_as_of(FormatDate(day));
  *org.mutable_settings() = settings_;
  ScopeRef company;
  company.set_kind(common::v1::SCOPE_KIND_COMPANY);
  org.set_company_manager_id(ManagerOf(company, day));
  for (const auto& [region_id, region] : regions_) {
    if (region.effective_from <= day) {
      *org.add_regions() = RegionView(region_id, day, /*with_teams=*/true);
    }
  }
  return org;
}

absl::StatusOr<RepPage> OrgState::ListReps(const RepQuery& query) const {
  if (query.page_size < 0) {
    return InvalidField("page.page_size", "must not be negative");
  }
  const int size =
      query.page_size == 0 ? kDefaultPageSize : std::min(query.page_size, kMaxPageSize);
  auto it = reps_.begin();
  if (!query.page_token.empty()) {
    if (!query.page_token.starts_with(kPageTokenPrefix)) {
      return InvalidField("page.page_token", "is not a token from a previous response");
    }
    it = reps_.upper_bound(query.page_token.substr(sizeof(kPageTokenPrefix) - 1));
  }
  RepPage page;
  for (; it != reps_.end(); ++it) {
    const std::string& rep_id = it->first;
    std::optional<std::string> team = TeamOf(rep_id, query.as_of);
    if (!query.include_inactive && !team.has_value()) continue;
    if (!query.team_id.empty() && team != query.team_id) continue;
    if (!query.region_id.empty() &&
        (!team.has_value() || teams_.at(*team).region_id != query.region_id)) {
      continue;
    }
    if (static_cast<int>(page.reps.size()) == size) {
      page.next_page_token = absl::StrCat(kPageTokenPrefix, page.reps.back().rep_id());
      break;
    }
    page.reps.push_back(RepView(rep_id, query.as_of));
  }
  return page;
}

absl::StatusOr<std::vector<v1::OrgEvent>> DecideOrg(const OrgCommand& command,
                                                    const OrgState& state) {
  return std::visit([&state](const auto& cmd) { return Decide(cmd, state); }, command);
}

OrgState EvolveOrg(OrgState state, const v1::OrgEvent& event) {
  // Every event counts towards the stream version, even one of a type this build does
  // not know: newer writers may add types, and older readers skip them.
  ++state.version_;
  switch (event.event_case()) {
    case v1::OrgEvent::kOrganisationSettingsChanged:
      state.settings_ = event.organisation_settings_changed().settings();
      state.calendar_ = CalendarOf(state.settings_);
      break;
    case v1::OrgEvent::kRegionCreated: {
      const v1::RegionCreated& e = event.region_created();
      state.regions_[e.region_id()] = RegionInfo{e.name(), MustParse(e.effective_from())};
      break;
    }
    case v1::OrgEvent::kTeamCreated: {
      const v1::TeamCreated& e = event.team_created();
      state.teams_[e.team_id()] = TeamInfo{e.region_id(), e.name(), MustParse(e.effective_from())};
      break;
    }
    case v1::OrgEvent::kRepHired: {
      const v1::RepHired& e = event.rep_hired();
      RepInfo rep;
      rep.display_name = e.display_name();
      rep.stints.push_back(Stint{e.team_id(), MustParse(e.effective_from()), std::nullopt});
      state.reps_[e.rep_id()] = std::move(rep);
      break;
    }
    case v1::OrgEvent::kRepMoved: {
      const v1::RepMoved& e = event.rep_moved();
      RepInfo& rep = state.reps_.at(e.rep_id());
      const absl::CivilDay from = MustParse(e.effective_from());
      rep.stints.back().to = from;
      rep.stints.push_back(Stint{e.to_team_id(), from, std::nullopt});
      break;
    }
    case v1::OrgEvent::kManagerAssigned: {
      const v1::ManagerAssigned& e = event.manager_assigned();
      std::vector<ManagerTerm>& terms = state.managers_[OrgState::KeyOf(e.scope())];
      const absl::CivilDay from = MustParse(e.effective_from());
      auto it = std::lower_bound(terms.begin(), terms.end(), from,
                                 [](const ManagerTerm& t, absl::CivilDay d) { return t.from < d; });
      if (it != terms.end() && it->from == from) {
        it->manager_id = e.manager_id();
      } else {
        terms.insert(it, ManagerTerm{from, e.manager_id()});
      }
      break;
    }
    case v1::OrgEvent::kRepDeactivated: {
      const v1::RepDeactivated& e = event.rep_deactivated();
      RepInfo& rep = state.reps_.at(e.rep_id());
      const absl::CivilDay from = MustParse(e.effective_from());
      rep.stints.back().to = from;
      rep.deactivated_on = from;
      break;
    }
    default:
      break;
  }
  return state;
}

}  // namespace salesperf::targets
