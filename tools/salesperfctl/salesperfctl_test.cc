// Runs the real salesperfctl binary as a child process against an in-process targets
// server (services/targets/testing/service_fixture.h: RocksDB in a TempDir, a FakeClock
// reading 2026-11-02 10:00 Shanghai, 127.0.0.1:0) and checks what a user sees: stdout,
// stderr and the exit code.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/child_process.h"
#include "nlohmann/json.hpp"
#include "services/targets/testing/service_fixture.h"
#include "tools/salesperfctl/testing/ctl_runner.h"

namespace salesperf::ctl {
namespace {

using ::salesperf::testing::ChildProcess;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

// Nothing listens on port 1: a command that reached the network would fail UNAVAILABLE
// (exit 1), so exit 2 there proves the input was refused before any RPC.
constexpr char kNowhere[] = "127.0.0.1:1";

using Result = testing::CtlResult;

class SalesperfctlTest : public targets::testing::ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    address_ = absl::StrCat("127.0.0.1:", server_->port());
    ctl_ = std::make_unique<testing::CtlRunner>(dir_.Sub("ctl"), address_);
    ASSERT_FALSE(ctl_->binary().empty()) << "build salesperfctl first";
  }

  Result RunRaw(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    return ctl_->RunRaw(args, env);
  }
  // Runs salesperfctl against the test server as `actor`.
  Result Run(const std::vector<std::string>& args, const std::string& actor = "ceo") {
    return ctl_->Run(args, actor);
  }
  nlohmann::json Json(const Result& r) { return testing::CtlRunner::Json(r); }

  std::string address_;
  std::unique_ptr<testing::CtlRunner> ctl_;
};

TEST_F(SalesperfctlTest, CreateRegionPrintsAlignedFields) {
  Result r = Run({"targets", "create-region", "--id", "r-north", "--name", "华北", "--from",
                  "2026-11-01", "--request-id", "req-north"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(
      r.out, ElementsAre("region   r-north", "name     华北", "from     2026-11-01", "manager  -"));
  EXPECT_THAT(r.err, IsEmpty());
}

TEST_F(SalesperfctlTest, DraftAndListShowMoneyInTables) {
  ASSERT_NO_FATAL_FAILURE(SeedOrganisation());
  Result r = Run({"targets",          "draft",         "--id",
                  "tgt-sh-nov",       "--scope",       "team:t-sh",
                  "--metric",         "revenue",       "--period",
                  "2026-11",          "--value",       "1200000.00",
                  "--currency",       "CNY",           "--name",
                  "November revenue", "--description", "New revenue in Shanghai",
                  "--request-id",     "req-draft"},
                 "tom");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, Contains("value        CNY 1,200,000.00"));
  EXPECT_THAT(r.out, Contains("period       2026-11 (2026-11-01 .. 2026-11-30)"));
  EXPECT_THAT(r.out, Contains("status       draft"));
  EXPECT_THAT(r.out, Contains("owner        tom"));

  Result list = Run({"targets", "list", "--scope", "team:t-sh"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  ASSERT_EQ(list.out.size(), 2u) << list.Out();
  EXPECT_THAT(
      list.out[0],
      StartsWith("TARGET      SCOPE      METRIC   PERIOD              VALUE  STATUS  VERSION"));
  EXPECT_EQ(list.out[1],
            "tgt-sh-nov  team:t-sh  revenue  2026-11  CNY 1,200,000.00  draft         1  -       "
            "November revenue");
}

TEST_F(SalesperfctlTest, JsonOutputIsTheResponseWithProtoFieldNames) {
  ASSERT_NO_FATAL_FAILURE(SeedOrganisation());
  Draft(targets::testing::MakeScope(common::v1::SCOPE_KIND_TEAM, "t-sh"), 120000000, "tgt-json");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"-o", "json", "targets", "get", "tgt-json"},
           {"targets", "get", "--target", "tgt-json", "--output", "json"}}) {
    nlohmann::json j = Json(Run(args));
    const nlohmann::json& t = j["target"];
    EXPECT_EQ(t["target_id"], "tgt-json");
    EXPECT_EQ(t["key"]["scope"]["kind"], "SCOPE_KIND_TEAM");
    EXPECT_EQ(t["key"]["metric"], "METRIC_REVENUE");
    EXPECT_EQ(t["value"]["money"]["currency_code"], "CNY");
    EXPECT_EQ(t["value"]["money"]["minor_units"], "120000000");  // int64 is a JSON string
    EXPECT_EQ(t["status"], "TARGET_STATUS_DRAFT");
    EXPECT_EQ(t["period_first_day"], "2026-11-01");
    EXPECT_EQ(t["parent_target_id"], "");  // defaults are printed too
  }
}

TEST_F(SalesperfctlTest, FieldViolationsArePrintedOnePerField) {
  ASSERT_NO_FATAL_FAILURE(SeedOrganisation());
  const uint64_t head = Head();
  Result r = Run({"targets", "draft", "--scope", "team:t-sh", "--metric", "revenue", "--period",
                  "2026-W45", "--value", "100", "--currency", "CNY", "--name", "", "--description",
                  "", "--request-id", "req-bad"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, IsEmpty());
  std::vector<std::string> lines = r.ErrLines();
  ASSERT_GE(lines.size(), 4u) << r.err;
  EXPECT_EQ(lines[0], "error: INVALID_ARGUMENT: invalid request");
  EXPECT_THAT(lines, Contains("  spec.name: must not be empty"));
  EXPECT_THAT(lines, Contains("  spec.description: must say specifically what is to be achieved"));
  EXPECT_THAT(lines, Contains(StartsWith("  spec.period.id: ")));
  EXPECT_EQ(Head(), head);

  Result region = Run({"targets", "create-region", "--id", "bad id", "--name", "", "--request-id",
                       "req-bad-region"});
  EXPECT_EQ(region.exit_code, 1);
  EXPECT_THAT(region.ErrLines(), Contains(StartsWith("  region_id: ")));
  EXPECT_THAT(region.ErrLines(), Contains("  name: must not be empty"));
}

TEST_F(SalesperfctlTest, OtherErrorsPrintTheCode) {
  ASSERT_NO_FATAL_FAILURE(SeedOrganisation());
  Result r = Run({"targets", "get", "tgt-missing"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("error: NOT_FOUND: "));

  Result down = RunRaw({"--server", kNowhere, "--timeout", "10s", "targets", "org"});
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_THAT(down.err, StartsWith("error: UNAVAILABLE: "));
  EXPECT_THAT(down.err, HasSubstr("is the server running at 127.0.0.1:1?"));
}

TEST_F(SalesperfctlTest, BadCommandLineInputExitsTwoBeforeAnyRpc) {
  const std::vector<std::string> draft = {"--server", kNowhere,    "targets",    "draft",
                                          "--scope",  "team:t-sh", "--currency", "CNY"};
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--period", "2026-11", "--metric", "revenue", "--value", "abc"},
       "--value: \"abc\" is not an amount of CNY"},
      {{"--period", "2026-11", "--metric", "calls", "--value", "12.5"},
       "--value: \"12.5\" is not a whole number"},
      {{"--period", "2026-11", "--metric", "revenues", "--value", "1"},
       "--metric: revenues not in"},
      {{"--period", "2026-q4", "--metric", "revenue", "--value", "1"},
       "--period: \"2026-q4\" is not a period"},
      {{"--period", "2026-11", "--metric", "revenue"}, "--value is required"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = draft;
    args.insert(args.end(), c.args.begin(), c.args.end());
    Result r = RunRaw(args);
    EXPECT_EQ(r.exit_code, 2) << absl::StrJoin(c.args, " ") << "\n" << r.err;
    EXPECT_THAT(r.err, AllOf(StartsWith("error: "), HasSubstr(c.message)))
        << absl::StrJoin(c.args, " ");
  }
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--server", kNowhere, "targets", "create-region", "--name", "x"},  // no --id
           {"--server", kNowhere, "targets", "create-region", "--id", "r", "--name", "x", "--from",
            "2026-13-01"},
           {"--server", kNowhere, "targets", "assign-manager", "--scope", "squad:x", "--manager",
            "m"},
           {"--server", kNowhere, "targets", "decompose", "t", "--method", "weights", "--child",
            "team:a"},
           {"--server", kNowhere, "--timeout", "soon", "targets", "org"},
           {"--server", kNowhere, "-o", "yaml", "targets", "org"},
           {"--server", kNowhere, "targets", "no-such-command"},
           {"--server", kNowhere}}) {
    Result r = RunRaw(args);
    EXPECT_EQ(r.exit_code, 2) << absl::StrJoin(args, " ") << "\n" << r.err;
    EXPECT_THAT(r.err, StartsWith("error: ")) << absl::StrJoin(args, " ");
    EXPECT_THAT(r.err, Not(HasSubstr("UNAVAILABLE")));
  }
}

TEST_F(SalesperfctlTest, RetryWithTheSameRequestIdReturnsTheFirstResult) {
  ASSERT_NO_FATAL_FAILURE(SeedOrganisation());
  const std::vector<std::string> draft = {
      "-o",           "json",      "targets",       "draft",
      "--scope",      "team:t-hz", "--metric",      "calls",
      "--period",     "2026-11",   "--value",       "1,200",
      "--name",       "Calls",     "--description", "Call every customer",
      "--request-id", "req-retry"};
  nlohmann::json first = Json(Run(draft));
  const uint64_t head = Head();
  nlohmann::json second = Json(Run(draft));
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(first, second);
  EXPECT_THAT(first["target"]["target_id"].get<std::string>(), StartsWith("tgt-"));
  EXPECT_EQ(first["target"]["value"]["count"], "1200");

  std::vector<std::string> changed = draft;
  changed[9] = "1300";
  Result reused = Run(changed);
  EXPECT_EQ(reused.exit_code, 1);
  EXPECT_THAT(reused.err, StartsWith("error: ALREADY_EXISTS: "));
}

TEST_F(SalesperfctlTest, GeneratedRequestIdIsPrintedForARetry) {
  Result r = Run({"targets", "create-region", "--id", "r-east", "--name", "华东"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> err = r.ErrLines();
  ASSERT_EQ(err.size(), 1u) << r.err;
  ASSERT_THAT(err[0], StartsWith("request-id: "));
  const std::string id = std::string(absl::StripPrefix(err[0], "request-id: ")).substr(0, 36);
  EXPECT_EQ(err[0], absl::StrCat("request-id: ", id, " (to retry safely: --request-id ", id, ")"));

  const uint64_t head = Head();
  Result retry =
      Run({"targets", "create-region", "--id", "r-east", "--name", "华东", "--request-id", id});
  ASSERT_EQ(retry.exit_code, 0) << retry.err;
  EXPECT_EQ(retry.out, r.out);
  EXPECT_EQ(Head(), head);

  // JSON output keeps stderr quiet.
  Result json = Run({"-o", "json", "targets", "create-region", "--id", "r-west", "--name", "西部"});
  EXPECT_EQ(json.exit_code, 0);
  EXPECT_THAT(json.err, IsEmpty());
}

TEST_F(SalesperfctlTest, ServerComesFromTheEnvironmentUnlessTheFlagIsGiven) {
  Result env = RunRaw({"-o", "json", "targets", "org"}, {"SALESPERF_SERVER=" + address_});
  EXPECT_EQ(env.exit_code, 0) << env.err;
  EXPECT_TRUE(Json(env).contains("organisation"));

  Result flag_wins = RunRaw({"--server", address_, "targets", "org"},
                            {std::string("SALESPERF_SERVER=") + kNowhere});
  EXPECT_EQ(flag_wins.exit_code, 0) << flag_wins.err;

  Result env_used =
      RunRaw({"--timeout", "10s", "targets", "org"}, {std::string("SALESPERF_SERVER=") + kNowhere});
  EXPECT_EQ(env_used.exit_code, 1);
  EXPECT_THAT(env_used.err, HasSubstr("127.0.0.1:1"));
}

TEST_F(SalesperfctlTest, TheTokenIsNeverPrinted) {
  Result help = RunRaw({"--help"}, {"SALESPERF_TOKEN=s3cr3t-token"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.Out(), AllOf(HasSubstr("--token"), HasSubstr("targets")));
  Result failed = RunRaw(
      {"--server", kNowhere, "--timeout", "10s", "--token", "s3cr3t-token", "targets", "org"});
  EXPECT_EQ(failed.exit_code, 1);
  for (const Result* r : {&help, &failed}) {
    EXPECT_THAT(r->Out() + r->err, Not(HasSubstr("s3cr3t")));
  }
}

TEST_F(SalesperfctlTest, OrganisationCommands) {
  ASSERT_NO_FATAL_FAILURE(SeedOrganisation());
  Result settings = Run({"targets", "set-settings", "--company-name", "Acme", "--non-working-day",
                         "2026-10-01", "--non-working-day", "2026-10-02"});
  ASSERT_EQ(settings.exit_code, 0) << settings.err;
  EXPECT_THAT(settings.out, Contains("non-working days      2026-10-01 2026-10-02"));
  EXPECT_THAT(settings.out, Contains("currency              CNY"));

  ASSERT_EQ(Run({"targets", "create-team", "--id", "t-gz", "--region", "east", "--name", "广州",
                 "--from", "2026-01-01"})
                .exit_code,
            0);
  Result hired = Run({"targets", "hire-rep", "--id", "dave", "--name", "Dave", "--team", "t-gz",
                      "--from", "2026-03-01"});
  ASSERT_EQ(hired.exit_code, 0) << hired.err;
  EXPECT_THAT(hired.out, Contains("team            t-gz"));
  Result moved =
      Run({"targets", "move-rep", "--rep", "dave", "--to-team", "t-sh", "--from", "2026-06-01"});
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_THAT(
      moved.out,
      Contains("assignments     t-gz from 2026-03-01 until 2026-06-01; t-sh from 2026-06-01"));
  Result manager = Run({"targets", "assign-manager", "--scope", "team:t-hz", "--manager", "carol"});
  ASSERT_EQ(manager.exit_code, 0) << manager.err;
  EXPECT_THAT(manager.out,
              ElementsAre("scope    team:t-hz", "manager  carol", "from     2026-11-02"));
  Result left = Run({"targets", "deactivate-rep", "--rep", "dave", "--from", "2026-10-01"});
  ASSERT_EQ(left.exit_code, 0) << left.err;
  EXPECT_THAT(left.out, Contains("deactivated on  2026-10-01"));

  Result july = Run({"targets", "reps", "--team", "t-sh", "--as-of", "2026-07-01"});
  ASSERT_EQ(july.exit_code, 0) << july.err;
  EXPECT_EQ(july.out[0], "REP    NAME       TEAM  REGION  HIRED       ACTIVE  DEACTIVATED");
  EXPECT_THAT(july.out, Contains("dave   Dave       t-sh  east    2026-03-01  yes     2026-10-01"));
  EXPECT_EQ(july.out.size(), 4u);

  Result page = Run({"targets", "reps", "--include-inactive", "--page-size", "2"});
  ASSERT_EQ(page.exit_code, 0) << page.err;
  EXPECT_EQ(page.out.size(), 3u);
  EXPECT_THAT(page.err, StartsWith("more results: --page-token "));

  Result org = Run({"targets", "org"});
  ASSERT_EQ(org.exit_code, 0) << org.err;
  EXPECT_EQ(org.out[0], "Acme as of 2026-11-02 (Asia/Shanghai, CNY, fiscal year from month 1)");
  EXPECT_THAT(org.out, Contains(AllOf(StartsWith("    team:t-hz"), HasSubstr("carol"))));
  EXPECT_THAT(org.out, Contains(AllOf(StartsWith("    team:t-gz"), HasSubstr("广州"))));
  EXPECT_THAT(org.out, Contains(StartsWith("      rep:alice")));
  EXPECT_THAT(org.out, Not(Contains(StartsWith("      rep:dave"))));
}

TEST_F(SalesperfctlTest, TargetLifecycleDecompositionRollupHistoryAndPace) {
  ASSERT_NO_FATAL_FAILURE(SeedOrganisation());
  auto ok = [](const Result& r) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  };
  ok(Run({"targets", "draft", "--id", "tgt-east", "--scope", "region:east", "--metric", "revenue",
          "--period", "2026-11", "--value", "1000000.00", "--currency", "CNY", "--name",
          "East November", "--description", "New revenue in East"}));
  EXPECT_THAT(ok(Run({"targets", "propose", "tgt-east", "--expected-version", "1"})).out,
              Contains("status       proposed"));
  Result stale = Run(
      {"targets", "approve", "tgt-east", "--expected-version", "1", "--request-id", "req-stale"});
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_THAT(stale.err, StartsWith("error: ABORTED: "));
  EXPECT_THAT(ok(Run({"targets", "approve", "tgt-east", "--value", "CNY 1,000,000.00"})).out,
              Contains("status       approved"));
  Result adjusted = ok(Run({"targets", "adjust", "tgt-east", "--value", "1200000.00", "--currency",
                            "CNY", "--reason", "bigger market"}));
  EXPECT_THAT(adjusted.out, Contains("value           CNY 1,200,000.00"));
  EXPECT_THAT(adjusted.out, Contains("previous value  CNY 1,000,000.00"));

  Result split = ok(Run({"targets", "decompose", "tgt-east", "--method", "weights", "--child",
                         "team:t-sh=2", "--child", "team:t-hz=1"}));
  EXPECT_THAT(split.out, Contains("method       weights"));
  EXPECT_THAT(split.out, Contains(AllOf(HasSubstr("team:t-sh"), HasSubstr("CNY 800,000.00"))));
  EXPECT_THAT(split.out, Contains(AllOf(HasSubstr("team:t-hz"), HasSubstr("CNY 400,000.00"))));

  Result rollup = ok(Run({"targets", "rollup", "tgt-east"}));
  ASSERT_EQ(rollup.out.size(), 4u) << rollup.Out();
  EXPECT_THAT(rollup.out[0], StartsWith("TARGET"));
  EXPECT_THAT(rollup.out[1], AllOf(StartsWith("tgt-east "), HasSubstr("region:east"),
                                   HasSubstr("CNY 1,200,000.00  CNY 1,200,000.00  CNY 0.00")));
  EXPECT_THAT(rollup.out[2], StartsWith("  tgt-"));

  Result history = ok(Run({"targets", "history", "tgt-east"}));
  ASSERT_EQ(history.out.size(), 6u) << history.Out();
  std::vector<std::string> kinds;
  for (size_t i = 1; i < history.out.size(); ++i) {
    std::vector<std::string> cells = absl::StrSplit(history.out[i], ' ', absl::SkipEmpty());
    kinds.push_back(cells[1]);
  }
  EXPECT_THAT(kinds, ElementsAre("drafted", "proposed", "approved", "adjusted", "decomposed"));
  EXPECT_THAT(history.out[4], AllOf(HasSubstr("CNY 1,000,000.00  CNY 1,200,000.00  ceo"),
                                    HasSubstr("bigger market")));

  // November 2026 has 21 working days; by Friday the 13th, 10 have passed.
  Result pace = ok(Run({"targets", "pace", "tgt-east", "--as-of", "2026-11-13"}));
  EXPECT_THAT(pace.out, Contains("expected to date  CNY 571,428.57"));
  EXPECT_THAT(pace.out, Contains("working days      10 of 21 (47.6%)"));

  EXPECT_THAT(ok(Run({"targets", "close", "tgt-east", "--reason", "replaced"})).out,
              Contains("status          closed"));
  Result closed = ok(Run({"targets", "list", "--status", "closed", "--metric", "revenue"}));
  ASSERT_EQ(closed.out.size(), 2u) << closed.Out();
  EXPECT_THAT(closed.out[1], StartsWith("tgt-east "));
  Result children = ok(Run({"-o", "json", "targets", "list", "--parent", "tgt-east"}));
  EXPECT_EQ(Json(children)["targets"].size(), 2u);
}

TEST_F(SalesperfctlTest, CompletionScriptIsValidBash) {
  Result r = RunRaw({"completion", "bash"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string script = r.Out() + "\n";
  EXPECT_THAT(script, HasSubstr("\"targets draft\") words=\"--help -h --id --scope --metric"));
  EXPECT_THAT(script, HasSubstr("--method) COMPREPLY=($(compgen -W \"even weights explicit\""));
  EXPECT_THAT(script, HasSubstr("-o) COMPREPLY=($(compgen -W \"table json\""));
  const std::string file = dir_.Sub("completion.bash");
  std::ofstream(file) << script;
  ASSERT_OK_AND_ASSIGN(auto bash, ChildProcess::Start({"/bin/bash", "-n", file}));
  ASSERT_OK_AND_ASSIGN(int status, bash->Wait(absl::Seconds(30)));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace salesperf::ctl
