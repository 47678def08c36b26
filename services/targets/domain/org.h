// The organisation: company -> regions -> teams -> reps, their managers, and the
// organisation's settings (time zone, currency, fiscal year, working days), all
// effective-dated and kept on the single stream "org".
//
// One stream because the invariants span all of it (a team's region exists, a rep is in
// one team at a time, assignments never overlap) and it changes rarely; the service keeps
// the folded OrgState in memory.
//
// Decider:  DecideOrg(command, state) -> events or error;  EvolveOrg(state, event) -> state.
// Both are pure: commands carry `now` and the actor; nothing here reads a clock or storage.
// Errors from DecideOrg: INVALID_ARGUMENT with field violations named as in the request
// proto; NOT_FOUND for a missing region/team/rep; ALREADY_EXISTS for an id taken with
// different data; FAILED_PRECONDITION for a broken rule (e.g. a move dated on or before
// the rep's latest assignment). A command that is already satisfied yields no events.
//
// Queries (TeamOf, ManagerOf, TreeAsOf, ListReps...) answer "as of a day", so a backdated
// move or manager change is seen by every later query for the days it covers.
//
// OrgState is a value: copy it freely; const methods are safe from many threads.
#ifndef SALESPERF_SERVICES_TARGETS_DOMAIN_ORG_H_
#define SALESPERF_SERVICES_TARGETS_DOMAIN_ORG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "libs/common/period.h"
#include "libs/common/validation.h"
#include "salesperf/common/v1/ids.pb.h"
#include "salesperf/targets/v1/events.pb.h"
#include "salesperf/targets/v1/targets.pb.h"

namespace salesperf::targets {

inline constexpr char kOrgStreamId[] = "org";

// What every command carries besides its request.
struct CommandMeta {
  // When the command was issued (from the server's injected clock). "Today" is the civil
  // day of `now` in the organisation's time zone; empty dates in requests mean today.
  absl::Time now = absl::UnixEpoch();
  // Who issued it: a user id (rep or manager), or "system:<component>".
  std::string actor;
};

// A command is the API request plus its metadata, so that field violations carry the
// request's own field paths and the server needs no mapping. request_id is not read
// here: idempotency belongs to the event store.
template <typename Request>
struct Command {
  CommandMeta meta;
  Request request;
};

using SetOrganisationSettings = Command<v1::SetOrganisationSettingsRequest>;
using CreateRegion = Command<v1::CreateRegionRequest>;
using CreateTeam = Command<v1::CreateTeamRequest>;
using HireRep = Command<v1::HireRepRequest>;
using MoveRep = Command<v1::MoveRepRequest>;
using AssignManager = Command<v1::AssignManagerRequest>;
using DeactivateRep = Command<v1::DeactivateRepRequest>;

using OrgCommand = std::variant<SetOrganisationSettings, CreateRegion, CreateTeam, HireRep, MoveRep,
                                AssignManager, DeactivateRep>;

struct RegionInfo {
  std::string name;
  absl::CivilDay effective_from;
};

struct TeamInfo {
  std::string region_id;
  std::string name;
  absl::CivilDay effective_from;
};

// A rep's stay in one team: [from, to), `to` unset while open.
struct Stint {
  std::string team_id;
  absl::CivilDay from;
  std::optional<absl::CivilDay> to;
};

struct RepInfo {
  std::string display_name;
  // Oldest first, contiguous, never overlapping; never empty.
  std::vector<Stint> stints;
  std::optional<absl::CivilDay> deactivated_on;
};

struct ManagerTerm {
  absl::CivilDay from;
  std::string manager_id;
};

// ListReps arguments. page_size 0 means 50; capped at 1000.
struct RepQuery {
  std::string team_id;
  std::string region_id;
  absl::CivilDay as_of;
  bool include_inactive = false;
  int page_size = 0;
  std::string page_token;
};

struct RepPage {
  std::vector<v1::Rep> reps;
  std::string next_page_token;  // empty on the last page
};

class OrgState {
 public:
  // An organisation with default settings (see DefaultSettings) and nothing else.
  OrgState();

  // Company name "", Asia/Shanghai, CNY, fiscal year starting in January, no holidays.
  static v1::OrganisationSettings DefaultSettings();

  const v1::OrganisationSettings& settings() const { return settings_; }
  // The calendar built from the settings.
  const Calendar& calendar() const { return calendar_; }
  const std::string& currency_code() const { return settings_.currency_code(); }
  int fiscal_year_start_month() const { return settings_.fiscal_year_start_month(); }
  // Number of events folded in: the "org" stream's version.
  uint64_t version() const { return version_; }

  // The civil day of `now` in the organisation's time zone.
  absl::CivilDay Today(absl::Time now) const;

  const std::map<std::string, RegionInfo>& regions() const { return regions_; }
  const std::map<std::string, TeamInfo>& teams() const { return teams_; }
  const std::map<std::string, RepInfo>& reps() const { return reps_; }
  const RegionInfo* FindRegion(std::string_view id) const;
  const TeamInfo* FindTeam(std::string_view id) const;
  const RepInfo* FindRep(std::string_view id) const;

  // The team (region) rep `rep_id` was in on `day`; nullopt if none (not yet hired,
  // deactivated, or unknown rep).
  std::optional<std::string> TeamOf(std::string_view rep_id, absl::CivilDay day) const;
  std::optional<std::string> RegionOf(std::string_view rep_id, absl::CivilDay day) const;

  // Who managed the scope (company, region or team) on `day`; "" for nobody.
  std::string ManagerOf(const common::v1::ScopeRef& scope, absl::CivilDay day) const;
  // True if `user_id` managed `scope` or any scope above it on `day` (a rep's scopes
  // above are the team and region they were in that day, then the company).
  bool Manages(std::string_view user_id, const common::v1::ScopeRef& scope,
               absl::CivilDay day) const;

  // NOT_FOUND if the region, team or rep is unknown; INVALID_ARGUMENT for an unspecified kind.
  absl::Status CheckScopeKnown(const common::v1::ScopeRef& scope) const;
  // True if the scope existed on at least one day of [first, last] (a rep: was in a team).
  bool ScopeExistsDuring(const common::v1::ScopeRef& scope, absl::CivilDay first,
                         absl::CivilDay last) const;
  // True if `child` was a direct child of `parent` on at least one day of [first, last]:
  // regions of the company, teams of a region, reps of a team.
  bool IsDirectChildDuring(const common::v1::ScopeRef& parent, const common::v1::ScopeRef& child,
                           absl::CivilDay first, absl::CivilDay last) const;

  // Views as of `day` (what GetOrganisation, ListReps and mutation responses return).
  v1::Organisation TreeAsOf(absl::CivilDay day) const;
  // Preconditions: the id is known.
  v1::Rep RepView(const std::string& rep_id, absl::CivilDay day) const;
  v1::Team TeamView(const std::string& team_id, absl::CivilDay day, bool with_reps) const;
  v1::Region RegionView(const std::string& region_id, absl::CivilDay day, bool with_teams) const;

  // Reps ordered by id, filtered as of query.as_of. INVALID_ARGUMENT (field "page.page_size"
  // or "page.page_token") for a negative size or a token this function did not issue.
  absl::StatusOr<RepPage> ListReps(const RepQuery& query) const;

 private:
  friend OrgState EvolveOrg(OrgState state, const v1::OrgEvent& event);
  using ScopeKey = std::pair<int, std::string>;
  static ScopeKey KeyOf(const common::v1::ScopeRef& scope);

  v1::OrganisationSettings settings_;
  Calendar calendar_;
  std::map<std::string, RegionInfo> regions_;
  std::map<std::string, TeamInfo> teams_;
  std::map<std::string, RepInfo> reps_;
  // Per scope, ascending by `from`, at most one term per day.
  std::map<ScopeKey, std::vector<ManagerTerm>> managers_;
  uint64_t version_ = 0;
};

absl::StatusOr<std::vector<v1::OrgEvent>> DecideOrg(const OrgCommand& command,
                                                    const OrgState& state);
OrgState EvolveOrg(OrgState state, const v1::OrgEvent& event);

// Field violations for a scope reference at `field` (kind set; id empty for the company,
// a valid id otherwise).
void ValidateScope(const common::v1::ScopeRef& scope, const std::string& field,
                   FieldViolations& violations);
// "company", "region r1", "team t1", "rep p1": for messages.
std::string DescribeScope(const common::v1::ScopeRef& scope);

}  // namespace salesperf::targets

#endif  // SALESPERF_SERVICES_TARGETS_DOMAIN_ORG_H_
