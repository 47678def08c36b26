#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/validation.h"
#include "libs/testing/given_when_then.h"
#include "libs/testing/status_matchers.h"
#include "services/targets/domain/org.h"
#include "services/targets/domain/test_fixtures.h"

namespace salesperf::targets {
namespace {

using ::salesperf::testing::DeciderSpec;
using ::salesperf::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Property;
using namespace ::salesperf::targets::testing;  // NOLINT(build/namespaces): test builders

using OrgSpec = DeciderSpec<OrgState, v1::OrgEvent, OrgCommand>;
OrgSpec Spec() { return OrgSpec(DecideOrg, EvolveOrg, OrgState{}); }

std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : FieldViolationsOf(status)) fields.push_back(v.field);
  return fields;
}

// --- SetOrganisationSettings --------------------------------------------------------

SetOrganisationSettings Settings(v1::OrganisationSettings s) {
  SetOrganisationSettings cmd{Meta(), {}};
  *cmd.request.mutable_settings() = std::move(s);
  return cmd;
}

TEST(SetOrganisationSettings, RecordsNormalisedSettings) {
  v1::OrganisationSettings s = SettingsChanged(4).organisation_settings_changed().settings();
  s.add_non_working_days("2026-10-02");
  s.add_non_working_days("2026-10-01");
  s.add_non_working_days("2026-10-01");
  s.add_make_up_working_days("2026-10-10");
  v1::OrgEvent expected = SettingsChanged(4, {"2026-10-01", "2026-10-02"}, {"2026-10-10"});
  Spec().When(Settings(s)).ThenEvents({expected});
}

TEST(SetOrganisationSettings, SameSettingsAgainChangeNothing) {
  v1::OrgEvent set = SettingsChanged(4, {"2026-10-01"});
  Spec().Given({set}).When(Settings(set.organisation_settings_changed().settings())).ThenNoEvents();
}

TEST(SetOrganisationSettings, RejectsBadInputFieldByField) {
  v1::OrganisationSettings s;
  s.set_time_zone("Mars/Olympus");
  s.set_currency_code("yuan");
  s.set_fiscal_year_start_month(13);
  s.add_non_working_days("2026-02-30");
  s.add_non_working_days("2026-10-01");
  s.add_make_up_working_days("2026-10-01");
  absl::StatusOr<std::vector<v1::OrgEvent>> got = Spec().When(Settings(s)).Decide();
  EXPECT_THAT(got, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(got.status()),
              ElementsAre("settings.time_zone", "settings.currency_code",
                          "settings.fiscal_year_start_month", "settings.non_working_days[0]",
                          "settings.make_up_working_days[0]"));
}

TEST(SetOrganisationSettings, EvolveBuildsTheCalendar) {
  OrgState org = FoldOrg({SettingsChanged(4, {"2026-11-03"}, {"2026-11-07"})});
  EXPECT_EQ(org.fiscal_year_start_month(), 4);
  EXPECT_FALSE(IsWorkingDay(Day(2026, 11, 3), org.calendar()));  // a Tuesday holiday
  EXPECT_TRUE(IsWorkingDay(Day(2026, 11, 7), org.calendar()));   // a make-up Saturday
  EXPECT_EQ(org.version(), 1u);
}

// --- CreateRegion / CreateTeam ----------------------------------------------------------

CreateRegion NewRegion(std::string id, std::string from = "2026-01-01") {
  CreateRegion cmd{Meta(), {}};
  cmd.request.set_region_id(id);
  cmd.request.set_name("Region " + id);
  cmd.request.set_effective_from(from);
  return cmd;
}

TEST(CreateRegion, CreatesARegion) {
  Spec().When(NewRegion("east")).ThenEvents({RegionCreatedEvent("east")});
}

TEST(CreateRegion, EmptyDateMeansTodayInTheOrganisationsZone) {
  CreateRegion cmd = NewRegion("east", "");
  // 2026-11-01 20:00 UTC is already 2026-11-02 in Shanghai.
  cmd.meta.now = absl::FromCivil(absl::CivilSecond(2026, 11, 1, 20, 0, 0), absl::UTCTimeZone());
  Spec().When(cmd).ThenEvents({RegionCreatedEvent("east", "2026-11-02")});
}

TEST(CreateRegion, RepeatIsSatisfiedConflictIsAlreadyExists) {
  Spec().Given({RegionCreatedEvent("east")}).When(NewRegion("east")).ThenNoEvents();
  CreateRegion renamed = NewRegion("east");
  renamed.request.set_name("Other");
  Spec()
      .Given({RegionCreatedEvent("east")})
      .When(renamed)
      .ThenError(absl::StatusCode::kAlreadyExists, "region east already exists");
}

TEST(CreateRegion, RejectsBadIdNameAndDate) {
  CreateRegion cmd = NewRegion("bad id", "2026-13-01");
  cmd.request.set_name("");
  absl::StatusOr<std::vector<v1::OrgEvent>> got = Spec().When(cmd).Decide();
  EXPECT_THAT(ViolatedFields(got.status()), ElementsAre("region_id", "name", "effective_from"));
}

CreateTeam NewTeam(std::string id, std::string region, std::string from = "2026-01-01") {
  CreateTeam cmd{Meta(), {}};
  cmd.request.set_team_id(id);
  cmd.request.set_region_id(region);
  cmd.request.set_name("Team " + id);
  cmd.request.set_effective_from(from);
  return cmd;
}

TEST(CreateTeam, CreatesATeamInAnExistingRegion) {
  Spec()
      .Given({RegionCreatedEvent("east")})
      .When(NewTeam("t-sh", "east"))
      .ThenEvents({TeamCreatedEvent("t-sh", "east")});
}

TEST(CreateTeam, RegionMustExistAndPrecedeTheTeam) {
  Spec().When(NewTeam("t-sh", "east")).ThenError(absl::StatusCode::kNotFound, "region east");
  Spec()
      .Given({RegionCreatedEvent("east", "2026-03-01")})
      .When(NewTeam("t-sh", "east", "2026-02-01"))
      .ThenError(absl::StatusCode::kFailedPrecondition, "before region east exists");
}

TEST(CreateTeam, RepeatIsSatisfiedConflictIsAlreadyExists) {
  std::vector<v1::OrgEvent> given = {RegionCreatedEvent("east"), RegionCreatedEvent("west"),
                                     TeamCreatedEvent("t-sh", "east")};
  Spec().Given(given).When(NewTeam("t-sh", "east")).ThenNoEvents();
  Spec().Given(given).When(NewTeam("t-sh", "west")).ThenError(absl::StatusCode::kAlreadyExists);
}

// --- HireRep / MoveRep / DeactivateRep ----------------------------------------------------

HireRep Hire(std::string rep, std::string team, std::string from) {
  HireRep cmd{Meta(), {}};
  cmd.request.set_rep_id(rep);
  cmd.request.set_display_name("Rep " + rep);
  cmd.request.set_team_id(team);
  cmd.request.set_effective_from(from);
  return cmd;
}

TEST(HireRep, HiresIntoATeamAndNamesItsRegion) {
  Spec()
      .Given(BaseOrgEvents())
      .When(Hire("dave", "t-cd", "2026-11-02"))
      .ThenEvents({RepHiredEvent("dave", "t-cd", "west", "2026-11-02")});
}

TEST(HireRep, ErrorPaths) {
  Spec()
      .Given(BaseOrgEvents())
      .When(Hire("dave", "t-xx", "2026-11-02"))
      .ThenError(absl::StatusCode::kNotFound, "team t-xx");
  Spec()
      .Given(BaseOrgEvents())
      .When(Hire("dave", "t-cd", "2025-12-31"))
      .ThenError(absl::StatusCode::kFailedPrecondition, "does not exist on 2025-12-31");
  Spec().Given(BaseOrgEvents()).When(Hire("alice", "t-sh", "2026-01-05")).ThenNoEvents();
  Spec()
      .Given(BaseOrgEvents())
      .When(Hire("alice", "t-hz", "2026-01-05"))
      .ThenError(absl::StatusCode::kAlreadyExists, "rep alice");
  Spec()
      .Given(BaseOrgEvents())
      .When(Hire("", "t-cd", ""))
      .ThenError(absl::StatusCode::kInvalidArgument, "rep_id");
}

MoveRep Move(std::string rep, std::string team, std::string from) {
  MoveRep cmd{Meta(), {}};
  cmd.request.set_rep_id(rep);
  cmd.request.set_to_team_id(team);
  cmd.request.set_effective_from(from);
  return cmd;
}

TEST(MoveRep, BackdatedMoveRecordsBothTeamsAndRegions) {
  // Decided on 2026-11-02, effective from 2026-10-01.
  Spec()
      .Given(BaseOrgEvents())
      .When(Move("alice", "t-cd", "2026-10-01"))
      .ThenEvents({RepMovedEvent("alice", "t-sh", "east", "t-cd", "west", "2026-10-01")});
}

TEST(MoveRep, AssignmentsNeverOverlap) {
  std::vector<v1::OrgEvent> given = BaseOrgEvents();
  given.push_back(RepMovedEvent("alice", "t-sh", "east", "t-hz", "east", "2026-06-01"));
  // Not before (or on) the latest move.
  Spec()
      .Given(given)
      .When(Move("alice", "t-cd", "2026-05-01"))
      .ThenError(absl::StatusCode::kFailedPrecondition,
                 "after the rep's latest assignment on 2026-06-01");
  Spec()
      .Given(given)
      .When(Move("alice", "t-cd", "2026-06-01"))
      .ThenError(absl::StatusCode::kFailedPrecondition);
  // Already in the team: a retried move changes nothing.
  Spec().Given(given).When(Move("alice", "t-hz", "2026-06-01")).ThenNoEvents();
}

TEST(MoveRep, ErrorPaths) {
  std::vector<v1::OrgEvent> given = BaseOrgEvents();
  Spec()
      .Given(given)
      .When(Move("zed", "t-cd", "2026-10-01"))
      .ThenError(absl::StatusCode::kNotFound, "rep zed");
  Spec()
      .Given(given)
      .When(Move("alice", "t-xx", "2026-10-01"))
      .ThenError(absl::StatusCode::kNotFound, "team t-xx");
  given.push_back(RepDeactivatedEvent("alice", "t-sh", "east", "2026-09-01"));
  Spec()
      .Given(given)
      .When(Move("alice", "t-cd", "2026-10-01"))
      .ThenError(absl::StatusCode::kFailedPrecondition, "deactivated");
}

DeactivateRep Deactivate(std::string rep, std::string from) {
  DeactivateRep cmd{Meta(), {}};
  cmd.request.set_rep_id(rep);
  cmd.request.set_effective_from(from);
  return cmd;
}

TEST(DeactivateRep, DeactivatesFromADay) {
  Spec()
      .Given(BaseOrgEvents())
      .When(Deactivate("bob", "2026-11-15"))
      .ThenEvents({RepDeactivatedEvent("bob", "t-sh", "east", "2026-11-15")});
}

TEST(DeactivateRep, RepeatAndConflicts) {
  std::vector<v1::OrgEvent> given = BaseOrgEvents();
  given.push_back(RepDeactivatedEvent("bob", "t-sh", "east", "2026-11-15"));
  Spec().Given(given).When(Deactivate("bob", "2026-11-15")).ThenNoEvents();
  Spec()
      .Given(given)
      .When(Deactivate("bob", "2026-11-20"))
      .ThenError(absl::StatusCode::kFailedPrecondition, "already deactivated on 2026-11-15");
  Spec()
      .Given(BaseOrgEvents())
      .When(Deactivate("bob", "2026-02-01"))
      .ThenError(absl::StatusCode::kFailedPrecondition, "on or before the latest assignment");
  Spec()
      .Given(BaseOrgEvents())
      .When(Deactivate("zed", "2026-11-15"))
      .ThenError(absl::StatusCode::kNotFound);
}

// --- AssignManager -------------------------------------------------------------------

AssignManager Assign(common::v1::ScopeRef scope, std::string manager, std::string from) {
  AssignManager cmd{Meta(), {}};
  *cmd.request.mutable_scope() = scope;
  cmd.request.set_manager_id(manager);
  cmd.request.set_effective_from(from);
  return cmd;
}

TEST(AssignManager, RecordsThePreviousManager) {
  Spec()
      .Given(BaseOrgEvents())
      .When(Assign(TeamScope("t-sh"), "tina", "2026-10-01"))
      .ThenEvents({ManagerAssignedEvent(TeamScope("t-sh"), "tina", "tom", "2026-10-01")});
  Spec()
      .Given(BaseOrgEvents())
      .When(Assign(TeamScope("t-cd"), "cody", "2026-03-01"))
      .ThenEvents({ManagerAssignedEvent(TeamScope("t-cd"), "cody", "", "2026-03-01")});
}

TEST(AssignManager, SameManagerIsSatisfied) {
  Spec().Given(BaseOrgEvents()).When(Assign(TeamScope("t-sh"), "tom", "2026-10-01")).ThenNoEvents();
}

TEST(AssignManager, ErrorPaths) {
  Spec()
      .Given(BaseOrgEvents())
      .When(Assign(RepScope("alice"), "tom", "2026-10-01"))
      .ThenError(absl::StatusCode::kInvalidArgument, "scope.kind");
  Spec()
      .Given(BaseOrgEvents())
      .When(Assign(TeamScope("t-xx"), "tom", "2026-10-01"))
      .ThenError(absl::StatusCode::kNotFound, "team t-xx");
  Spec()
      .Given(BaseOrgEvents())
      .When(Assign(RegionScope("west"), "wu", "2025-06-01"))
      .ThenError(absl::StatusCode::kFailedPrecondition, "does not exist on 2025-06-01");
  Spec()
      .Given(BaseOrgEvents())
      .When(Assign(Company(), "", "2026-10-01"))
      .ThenError(absl::StatusCode::kInvalidArgument, "manager_id");
}

// --- As-of queries ---------------------------------------------------------------------

// alice: t-sh from 01-05, backdated move to t-cd (west) from 10-01 recorded after a
// later-dated manager change; tom manages t-sh until tina takes over on 09-01.
OrgState HistoryOrg() {
  std::vector<v1::OrgEvent> events = BaseOrgEvents();
  events.push_back(ManagerAssignedEvent(TeamScope("t-sh"), "tina", "tom", "2026-09-01"));
  events.push_back(RepMovedEvent("alice", "t-sh", "east", "t-cd", "west", "2026-10-01"));
  events.push_back(RepDeactivatedEvent("bob", "t-sh", "east", "2026-11-15"));
  // A backdated manager assignment inserted before an existing later one.
  events.push_back(ManagerAssignedEvent(TeamScope("t-sh"), "tim", "tom", "2026-06-01"));
  return FoldOrg(events);
}

TEST(OrgQueries, TeamAndRegionOfARepAsOfADay) {
  OrgState org = HistoryOrg();
  EXPECT_EQ(org.TeamOf("alice", Day(2026, 1, 4)), std::nullopt);  // before hire
  EXPECT_EQ(org.TeamOf("alice", Day(2026, 1, 5)), "t-sh");
  EXPECT_EQ(org.TeamOf("alice", Day(2026, 9, 30)), "t-sh");
  EXPECT_EQ(org.TeamOf("alice", Day(2026, 10, 1)), "t-cd");
  EXPECT_EQ(org.RegionOf("alice", Day(2026, 9, 30)), "east");
  EXPECT_EQ(org.RegionOf("alice", Day(2026, 10, 1)), "west");
  EXPECT_EQ(org.TeamOf("bob", Day(2026, 11, 14)), "t-sh");
  EXPECT_EQ(org.TeamOf("bob", Day(2026, 11, 15)), std::nullopt);  // deactivated
  EXPECT_EQ(org.TeamOf("nobody", Day(2026, 11, 1)), std::nullopt);
}

TEST(OrgQueries, ManagerOfAsOfADay) {
  OrgState org = HistoryOrg();
  EXPECT_EQ(org.ManagerOf(TeamScope("t-sh"), Day(2026, 5, 31)), "tom");
  EXPECT_EQ(org.ManagerOf(TeamScope("t-sh"), Day(2026, 6, 1)), "tim");
  EXPECT_EQ(org.ManagerOf(TeamScope("t-sh"), Day(2026, 8, 31)), "tim");
  EXPECT_EQ(org.ManagerOf(TeamScope("t-sh"), Day(2026, 9, 1)), "tina");
  EXPECT_EQ(org.ManagerOf(TeamScope("t-cd"), Day(2026, 9, 1)), "");
  EXPECT_EQ(org.ManagerOf(Company(), Day(2026, 9, 1)), "ceo");
}

TEST(OrgQueries, ManagesTheScopeOrAnAncestorOnThatDay) {
  OrgState org = HistoryOrg();
  // alice's team manager on the day, then the region, then the company.
  EXPECT_TRUE(org.Manages("tina", RepScope("alice"), Day(2026, 9, 15)));
  EXPECT_FALSE(org.Manages("tina", RepScope("alice"), Day(2026, 10, 15)));  // moved away
  EXPECT_TRUE(org.Manages("emma", RepScope("alice"), Day(2026, 9, 15)));
  EXPECT_FALSE(org.Manages("emma", RepScope("alice"), Day(2026, 10, 15)));  // now in west
  EXPECT_TRUE(org.Manages("ceo", RepScope("alice"), Day(2026, 10, 15)));
  EXPECT_TRUE(org.Manages("emma", TeamScope("t-hz"), Day(2026, 10, 15)));
  EXPECT_FALSE(org.Manages("hank", TeamScope("t-sh"), Day(2026, 10, 15)));
  EXPECT_FALSE(org.Manages("tom", TeamScope("t-sh"), Day(2026, 10, 15)));  // replaced
  EXPECT_FALSE(org.Manages("", Company(), Day(2026, 10, 15)));
}

TEST(OrgQueries, TreeAsOfADay) {
  OrgState org = HistoryOrg();
  v1::Organisation before = org.TreeAsOf(Day(2026, 9, 30));
  ASSERT_EQ(before.regions_size(), 2);
  EXPECT_EQ(before.company_manager_id(), "ceo");
  const v1::Region& east = before.regions(0);
  EXPECT_EQ(east.region_id(), "east");
  ASSERT_EQ(east.teams_size(), 2);
  EXPECT_EQ(east.teams(1).team_id(), "t-sh");
  EXPECT_EQ(east.teams(1).manager_id(), "tina");
  EXPECT_THAT(east.teams(1).reps(),
              ElementsAre(Property(&v1::Rep::rep_id, "alice"), Property(&v1::Rep::rep_id, "bob")));

  v1::Organisation after = org.TreeAsOf(Day(2026, 11, 20));
  EXPECT_EQ(after.regions(0).teams(1).reps_size(), 0);  // alice moved, bob left
  EXPECT_THAT(after.regions(1).teams(0).reps(), ElementsAre(Property(&v1::Rep::rep_id, "alice")));

  EXPECT_EQ(org.TreeAsOf(Day(2025, 12, 31)).regions_size(), 0);
}

TEST(OrgQueries, RepViewListsEveryAssignment) {
  v1::Rep alice = HistoryOrg().RepView("alice", Day(2026, 11, 2));
  EXPECT_EQ(alice.team_id(), "t-cd");
  EXPECT_EQ(alice.region_id(), "west");
  EXPECT_TRUE(alice.active());
  EXPECT_EQ(alice.hired_on(), "2026-01-05");
  ASSERT_EQ(alice.assignments_size(), 2);
  EXPECT_EQ(alice.assignments(0).effective_to(), "2026-10-01");
  EXPECT_EQ(alice.assignments(1).effective_from(), "2026-10-01");
  EXPECT_EQ(alice.assignments(1).effective_to(), "");
}

std::vector<std::string> Ids(const RepPage& page) {
  std::vector<std::string> ids;
  for (const v1::Rep& r : page.reps) ids.push_back(r.rep_id());
  return ids;
}

TEST(OrgQueries, ListRepsFiltersAsOfAndPaginates) {
  OrgState org = HistoryOrg();
  RepQuery q;
  q.as_of = Day(2026, 11, 20);
  ASSERT_OK_AND_ASSIGN(RepPage active, org.ListReps(q));
  EXPECT_THAT(Ids(active), ElementsAre("alice", "carol"));
  q.include_inactive = true;
  ASSERT_OK_AND_ASSIGN(RepPage all, org.ListReps(q));
  EXPECT_THAT(Ids(all), ElementsAre("alice", "bob", "carol"));

  q.include_inactive = false;
  q.region_id = "east";
  q.as_of = Day(2026, 9, 30);
  ASSERT_OK_AND_ASSIGN(RepPage east, org.ListReps(q));
  EXPECT_THAT(Ids(east), ElementsAre("alice", "bob", "carol"));
  q.region_id = "";
  q.team_id = "t-sh";
  q.page_size = 1;
  ASSERT_OK_AND_ASSIGN(RepPage first, org.ListReps(q));
  EXPECT_THAT(Ids(first), ElementsAre("alice"));
  ASSERT_FALSE(first.next_page_token.empty());
  q.page_token = first.next_page_token;
  ASSERT_OK_AND_ASSIGN(RepPage second, org.ListReps(q));
  EXPECT_THAT(Ids(second), ElementsAre("bob"));
  EXPECT_TRUE(second.next_page_token.empty());

  q.page_token = "garbage";
  EXPECT_THAT(org.ListReps(q), StatusIs(absl::StatusCode::kInvalidArgument));
  q.page_token = "";
  q.page_size = -1;
  EXPECT_THAT(org.ListReps(q), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(OrgQueries, ScopeMembershipDuringAPeriod) {
  OrgState org = HistoryOrg();
  // alice left t-sh on 10-01: a member in September, not in October.
  EXPECT_TRUE(org.IsDirectChildDuring(TeamScope("t-sh"), RepScope("alice"), Day(2026, 9, 1),
                                      Day(2026, 9, 30)));
  EXPECT_FALSE(org.IsDirectChildDuring(TeamScope("t-sh"), RepScope("alice"), Day(2026, 10, 1),
                                       Day(2026, 10, 31)));
  EXPECT_TRUE(org.IsDirectChildDuring(TeamScope("t-cd"), RepScope("alice"), Day(2026, 10, 1),
                                      Day(2026, 10, 31)));
  EXPECT_TRUE(org.IsDirectChildDuring(RegionScope("east"), TeamScope("t-hz"), Day(2026, 10, 1),
                                      Day(2026, 10, 31)));
  EXPECT_FALSE(org.IsDirectChildDuring(RegionScope("west"), TeamScope("t-hz"), Day(2026, 10, 1),
                                       Day(2026, 10, 31)));
  EXPECT_FALSE(org.IsDirectChildDuring(Company(), TeamScope("t-hz"), Day(2026, 10, 1),
                                       Day(2026, 10, 31)));  // not a direct child
  EXPECT_FALSE(org.ScopeExistsDuring(RepScope("bob"), Day(2026, 12, 1), Day(2026, 12, 31)));
}

}  // namespace
}  // namespace salesperf::targets
