// Runs the real salesperfctl binary against an in-process activity service
// (services/activity/testing/service_fixture.h: RocksDB in a TempDir, a FakeClock reading
// 2026-11-23 10:00 Shanghai, the organisation from an upstream "targets" store).
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "services/activity/testing/service_fixture.h"
#include "tools/salesperfctl/testing/ctl_runner.h"

namespace salesperf::ctl {
namespace {

using Result = testing::CtlResult;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

class ActivityCommandsTest : public testing::WithCtl<activity::testing::ServiceFixture> {
 protected:
  ActivityCommandsTest() { actor_ = "alice"; }
};

TEST_F(ActivityCommandsTest, CustomersRegisterReassignAndList) {
  Result r = Run({"activity", "customer", "register", "--customer", "c1", "--name", "上海汽配",
                  "--region", "east", "--owner", "alice", "--lat", "31.24", "--lon", "121.49",
                  "--request-id", "reg-c1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, Contains("customer       c1"));
  EXPECT_THAT(r.out, Contains("location       31.240000, 121.490000"));
  EXPECT_THAT(r.out, Contains("registered on  2026-11-23"));
  EXPECT_THAT(r.err, IsEmpty());  // --request-id given: no generated id to report

  Result moved = Run({"activity", "customer", "reassign", "c1", "--to", "bob", "--reason",
                      "territory change", "--from", "2026-11-23"});
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_THAT(moved.out, Contains("owner          bob"));
  // A mutation without --request-id gets one, shown so that it can be retried.
  EXPECT_THAT(moved.err, StartsWith("request-id: "));

  Result list = Run({"activity", "customer", "list", "--region", "east"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, ElementsAre("CUSTOMER  NAME      OWNER  REGION  TYPE  REGISTERED",
                                    "c1        上海汽配  bob    east    -     2026-11-23"));

  nlohmann::json j = Json({"activity", "customer", "get", "c1"});
  EXPECT_EQ(j["customer"]["owner_rep_id"], "bob");
  EXPECT_EQ(j["customer"]["version"], "2");
}

TEST_F(ActivityCommandsTest, VisitPlanRescheduleCheckInAndOutcome) {
  RegisterCustomer("c1");
  Result plan = Run({"activity", "visit", "plan", "--visit", "v1", "--rep", "alice", "--customer",
                     "c1", "--at", "2026-11-23T11:00:00+08:00", "--purpose", "demo"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_THAT(plan.out, Contains("planned   2026-11-23T03:00:00Z (2026-11-23)"));
  EXPECT_THAT(plan.out, Contains("status    planned"));

  Result moved = Run({"activity", "visit", "reschedule", "v1", "--at", "2026-11-23T15:00:00+08:00",
                      "--reason", "traffic"});
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_THAT(moved.out, Contains("rescheduled  1 times"));

  Result in = Run({"activity", "visit", "check-in", "v1", "--lat", "31.26", "--lon", "121.49",
                   "--accuracy", "10"});
  ASSERT_EQ(in.exit_code, 0) << in.err;
  EXPECT_THAT(in.out, Contains("location     too_far, 2.2 km (threshold 510 m)"));

  Result outcome = Run({"activity", "visit", "outcome", "v1", "--outcome", "order_taken"});
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_THAT(outcome.out, Contains("status       completed"));
  EXPECT_THAT(outcome.out, Contains("outcome      order_taken"));

  nlohmann::json j = Json({"activity", "visit", "get", "v1"});
  EXPECT_EQ(j["visit"]["status"], "VISIT_STATUS_COMPLETED");
  EXPECT_EQ(j["visit"]["location_check"], "LOCATION_CHECK_TOO_FAR");

  Result list = Run({"activity", "visit", "list", "--rep", "alice", "--status", "completed"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  ASSERT_EQ(list.out.size(), 2u) << list.Out();
  EXPECT_EQ(list.out[1],
            "v1     2026-11-23  alice  c1        completed  too_far     2.2 km         -");

  // Cancelling a completed visit is refused by the server.
  Result cancel = Run({"activity", "visit", "cancel", "v1", "--reason", "oops"});
  EXPECT_EQ(cancel.exit_code, 1);
  EXPECT_THAT(cancel.err, HasSubstr("FAILED_PRECONDITION"));
}

TEST_F(ActivityCommandsTest, FieldViolationsArePrintedPerField) {
  RegisterCustomer("c1");
  ASSERT_EQ(Run({"activity", "visit", "plan", "--visit", "v1", "--rep", "alice", "--customer", "c1",
                 "--at", "2026-11-23T11:00:00+08:00"})
                .exit_code,
            0);
  Result r = Run({"activity", "visit", "check-in", "v1", "--lat", "95", "--lon", "121.49"});
  EXPECT_EQ(r.exit_code, 1);
  const std::vector<std::string> lines = r.ErrLines();
  ASSERT_GE(lines.size(), 3u) << r.err;
  EXPECT_EQ(lines[1], "error: INVALID_ARGUMENT: invalid request");
  EXPECT_THAT(lines[2], StartsWith("  position.latitude: "));

  Result call = Run({"activity", "call", "log", "--rep", "alice", "--started-at",
                     "2026-11-23T09:00:00+08:00", "--outcome", "connected", "--duration", "-1"});
  EXPECT_EQ(call.exit_code, 1);
  EXPECT_THAT(call.err, HasSubstr("\n  call.duration_seconds: "));
}

TEST_F(ActivityCommandsTest, BadFlagsAreRefusedBeforeAnyRpc) {
  // Nothing listens on port 1: exit 2 proves nothing was sent.
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"activity", "visit", "plan", "--rep", "a", "--customer", "c", "--at", "tomorrow"},
           {"activity", "deal", "open", "--rep", "a", "--customer", "c", "--title", "t", "--amount",
            "12.345"},
           {"activity", "deal", "list", "--stage", "nearly-won"},
           {"activity", "visit", "check-in", "v1", "--lat", "31.2"},
           {"activity", "deal", "win", "d1", "--amount", "1", "--won-on", "2026-13-01"}}) {
    std::vector<std::string> full = {"--server", "127.0.0.1:1"};
    full.insert(full.end(), args.begin(), args.end());
    Result r = ctl_->RunRaw(full);
    EXPECT_EQ(r.exit_code, 2) << args[2] << ": " << r.err;
    EXPECT_THAT(r.err, StartsWith("error: ")) << args[2];
  }
}

TEST_F(ActivityCommandsTest, LeadToDealToOrderShowsMoneyWithCurrency) {
  RegisterCustomer("c1");
  ASSERT_EQ(Run({"activity", "lead", "create", "--lead", "l1", "--rep", "alice", "--customer", "c1",
                 "--title", "Fleet", "--source", "expo"})
                .exit_code,
            0);
  // No --title: the deal takes the lead's ("Fleet", in the deal list below).
  Result converted = Run({"activity", "lead", "convert", "l1", "--deal", "d1", "--amount",
                          "12345.67", "--split", "alice=75%", "--split", "bob=25%",
                          "--expected-close", "2026-12-15", "--customer-type", "fleet"});
  ASSERT_EQ(converted.exit_code, 0) << converted.err;
  EXPECT_THAT(converted.out, Contains("status    converted"));
  EXPECT_THAT(converted.out, Contains("amount          CNY 12,345.67"));
  EXPECT_THAT(converted.out, Contains("credit splits   alice 75.00%, bob 25.00%"));

  Result staged = Run({"activity", "deal", "stage", "d1", "--to", "proposal"});
  ASSERT_EQ(staged.exit_code, 0) << staged.err;
  EXPECT_THAT(staged.out, Contains("stage           proposal"));
  Result won = Run({"activity", "deal", "win", "d1", "--amount", "CNY 12,000.00"});
  ASSERT_EQ(won.exit_code, 0) << won.err;
  EXPECT_THAT(won.out, Contains("won on          2026-11-23"));
  Result order = Run({"activity", "deal", "book-order", "d1", "--order", "o1", "--amount", "5000",
                      "--external-id", "erp-1"});
  ASSERT_EQ(order.exit_code, 0) << order.err;
  EXPECT_THAT(order.out, Contains("order           o1  CNY 5,000.00  2026-11-23"));

  Result deals = Run({"activity", "deal", "list", "--rep", "alice"});
  ASSERT_EQ(deals.exit_code, 0) << deals.err;
  EXPECT_THAT(
      deals.out,
      ElementsAre("DEAL  OWNER  CUSTOMER  STAGE         AMOUNT  CLOSE       ORDERS  TITLE",
                  "d1    alice  c1        won    CNY 12,000.00  2026-12-15       1  Fleet"));

  nlohmann::json leads = Json({"activity", "lead", "list", "--status", "converted"});
  ASSERT_EQ(leads["leads"].size(), 1u);
  EXPECT_EQ(leads["leads"][0]["deal_id"], "d1");
  nlohmann::json deal = Json({"activity", "deal", "get", "d1"});
  EXPECT_EQ(deal["deal"]["amount"]["minor_units"], "1200000");
  EXPECT_EQ(deal["deal"]["orders"][0]["external_order_id"], "erp-1");
  EXPECT_EQ(deal["deal"]["customer_type"], "fleet");

  Result lost = Run({"activity", "deal", "reopen", "d1", "--to", "proposal", "--reason", "x"});
  EXPECT_EQ(lost.exit_code, 1);
  EXPECT_THAT(lost.err, HasSubstr("FAILED_PRECONDITION"));
}

TEST_F(ActivityCommandsTest, CallsLogGetAndList) {
  Result r = Run({"activity", "call", "log", "--call", "k1", "--rep", "alice", "--customer", "c1",
                  "--started-at", "2026-11-23T09:00:00+08:00", "--duration", "125", "--outcome",
                  "connected"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, Contains("duration   2 min 05 s"));
  EXPECT_THAT(r.out, Contains("direction  outbound"));

  nlohmann::json j = Json({"activity", "call", "get", "k1"});
  EXPECT_EQ(j["call"]["outcome"], "CALL_OUTCOME_CONNECTED");
  EXPECT_EQ(j["call"]["started_on"], "2026-11-23");

  Result list = Run({"activity", "call", "list", "--rep", "alice"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out,
              ElementsAre("CALL  DAY         REP    CUSTOMER  DIRECTION  OUTCOME      DURATION",
                          "k1    2026-11-23  alice  c1        outbound   connected  2 min 05 s"));
}

TEST_F(ActivityCommandsTest, ImportCallsSummarisesAndWritesRejects) {
  const std::string csv = dir_.Sub("calls.csv");
  {
    std::ofstream out(csv);
    out << "rep_id,customer_id,direction,started_at,duration_seconds,outcome,notes,"
           "external_call_id,phone_system\n";
    for (int i = 0; i < 2500; ++i) {
      out << (i % 2 == 0 ? "alice" : "bob") << ",c1,outbound,2026-11-2" << (i % 3)
          << "T10:00:00+08:00," << (i == 7 ? "-5" : "60") << ","
          << (i == 11 ? "hung_up" : "connected") << ",\"note, " << i << "\",ext-" << i << ",pbx\n";
    }
  }
  const std::string rejects = dir_.Sub("rejects.csv");
  Result r = Run(
      {"activity", "import-calls", "--file", csv, "--rejects", rejects, "--request-id", "imp-1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ElementsAre("rows          2500", "accepted      2498", "duplicates    0",
                                 "rejected      2", "batches       3", "rejects file  " + rejects));
  // No progress bar when stderr is not a terminal.
  EXPECT_THAT(r.err, IsEmpty());
  std::ifstream in(rejects);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  EXPECT_THAT(lines, ElementsAre("line,reason", "9,\"duration_seconds: must not be negative\"",
                                 "13,\"outcome: unknown value \"\"hung_up\"\"; one of connected, "
                                 "no_answer, busy, voicemail, wrong_number\""));

  // The same file again under a new key: every record is a duplicate of the first run.
  nlohmann::json again = Json({"activity", "import-calls", "--file", csv, "--request-id", "imp-2"});
  EXPECT_EQ(again["received"], "2499");
  EXPECT_EQ(again["duplicates"], "2498");
  EXPECT_EQ(again["invalid"], "1");
}

// A spreadsheet's export: a byte order mark, a note over two lines, records with the
// caller's own call_id and none at all. Running the same file again without
// --request-id retries it: nothing is imported twice, not even the record with no id.
TEST_F(ActivityCommandsTest, ImportCallsFromASpreadsheetExportTwice) {
  const std::string csv = dir_.Sub("export.csv");
  {
    std::ofstream out(csv, std::ios::binary);
    out << "\xEF\xBB\xBFrep_id,customer_id,direction,started_at,outcome,notes,call_id\r\n"
        << "alice,c1,outbound,2026-11-22T10:00:00+08:00,connected,\"first line\r\nsecond, "
           "line\",own-1\r\n"
        << "bob,c1,inbound,2026-11-22T11:00:00+08:00,busy,,\r\n"
        << "bob,c1,inbound,not-a-time,busy,,\r\n"
        << "carol,c1,outbound,2026-11-22T12:00:00+08:00,connected,asked about the 12\" screen,\r\n"
        << "bob,c1,inbound,2026-11-22T13:00:00+08:00,busy,\"never closed,\r\n"
        << "erin,c1,inbound,2026-11-22T14:00:00+08:00,busy,,\r\n";
  }
  const std::string rejects = dir_.Sub("rejects.csv");
  Result r = Run({"activity", "import-calls", "--file", csv, "--rejects", rejects});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ElementsAre("rows          6", "accepted      4", "duplicates    0",
                                 "rejected      2", "batches       1", "rejects file  " + rejects));
  std::ifstream in(rejects);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  // The note's two lines count: the bad record starts on line 5. A quote left open costs
  // its own line only (7); a quote inside a cell is a character (carol's note).
  EXPECT_THAT(lines, ElementsAre("line,reason", HasSubstr("5,\"started_at: "),
                                 "7,\"unterminated quote\""));
  nlohmann::json carol = Json({"activity", "call", "list", "--rep", "carol"});
  ASSERT_EQ(carol["calls"].size(), 1u);
  EXPECT_EQ(carol["calls"][0]["notes"], "asked about the 12\" screen");
  nlohmann::json erin = Json({"activity", "call", "list", "--rep", "erin"});
  EXPECT_EQ(erin["calls"].size(), 1u);
  nlohmann::json own = Json({"activity", "call", "get", "own-1"});
  EXPECT_EQ(own["call"]["notes"], "first line\nsecond, line");
  nlohmann::json listed = Json({"activity", "call", "list", "--rep", "bob"});
  ASSERT_EQ(listed["calls"].size(), 1u);

  Result again = Run({"activity", "import-calls", "--file", csv});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  // The server answers the retried batch as it answered it the first time.
  EXPECT_THAT(again.out, ElementsAre("rows        6", "accepted    4", "duplicates  0",
                                     "rejected    2", "batches     1"));
  listed = Json({"activity", "call", "list", "--rep", "bob"});
  EXPECT_EQ(listed["calls"].size(), 1u);
  nlohmann::json alice = Json({"activity", "call", "list", "--rep", "alice"});
  EXPECT_EQ(alice["calls"].size(), 1u);
}

TEST_F(ActivityCommandsTest, RiskRulesShowTheThresholdsInForce) {
  Result r = Run({"activity", "risk", "rules"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, Contains("time zone                Asia/Shanghai"));
  EXPECT_THAT(r.out, Contains("frequent plan changes    more than 3 in 168 h"));
  EXPECT_THAT(r.out, Contains("short connected calls    at least 10 under 10 s, at least 50% of a "
                              "day's"));
  nlohmann::json j = Json({"activity", "risk", "rules"});
  EXPECT_EQ(j["rules"]["won_near_period_end_days"], 3);
  EXPECT_EQ(j["check_in_threshold_meters"], 500);
}

TEST_F(ActivityCommandsTest, RiskFlagsListAndMissingFlag) {
  Result list = Run({"activity", "risk", "list", "--include-cleared"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out,
              ElementsAre("FLAG  REP  RULE  STATUS  OBSERVED  THRESHOLD  RAISED  SUMMARY"));
  Result missing = Run({"activity", "risk", "get", "f-nope"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, StartsWith("error: NOT_FOUND: "));
}

}  // namespace
}  // namespace salesperf::ctl
