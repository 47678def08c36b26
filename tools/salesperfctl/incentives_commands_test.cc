// Runs the real salesperfctl binary against an in-process incentives service
// (services/incentives/testing/service_fixture.h: RocksDB in a TempDir, a FakeClock reading
// 2026-11-15 10:00 Shanghai, upstream targets and activity events in memory stores).
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "services/incentives/testing/service_fixture.h"
#include "tools/salesperfctl/testing/ctl_runner.h"

namespace salesperf::ctl {
namespace {

using Result = testing::CtlResult;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class IncentivesCommandsTest : public testing::WithCtl<incentives::testing::ServiceFixture> {
 protected:
  // `plan` as a JSON file for publish-plan.
  std::string PlanFile(const incentives::v1::Plan& plan) {
    std::string json;
    EXPECT_TRUE(google::protobuf::util::MessageToJsonString(plan, &json).ok());
    const std::string path = dir_.Sub(absl::StrCat("plan-", plan.plan_id(), ".json"));
    std::ofstream(path) << json;
    return path;
  }
};

TEST_F(IncentivesCommandsTest, PublishThenStatementsInMoneyWithCurrency) {
  Result published =
      Run({"incentives", "publish-plan", "--file", PlanFile(StandardPlan()), "--request-id", "p1"});
  ASSERT_EQ(published.exit_code, 0) << published.err;
  RevenueTarget("t-alice", "alice", "2026-11", 10'000'000);  // CNY 100,000.00
  DealWon("d1", "alice", 6'000'000, "2026-11-10");           // CNY 60,000.00: 60%
  ASSERT_NO_FATAL_FAILURE(Sync());

  Result statement = Run({"incentives", "get", "--rep", "alice", "--period", "2026-11"});
  ASSERT_EQ(statement.exit_code, 0) << statement.err;
  EXPECT_THAT(statement.out, Contains("credited revenue  CNY 60,000.00"));
  EXPECT_THAT(statement.out, Contains("target            CNY 100,000.00"));
  EXPECT_THAT(statement.out, Contains("attainment        60.00%"));
  EXPECT_THAT(statement.out, Contains(StartsWith("total             CNY ")));

  nlohmann::json j = Json({"incentives", "get", "--rep", "alice", "--period", "2026-11"});
  EXPECT_EQ(j["statement"]["statement"]["credited_revenue"]["minor_units"], "6000000");

  Result list = Run({"incentives", "list", "--period", "2026-11"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  ASSERT_GE(list.out.size(), 2u) << list.Out();
  EXPECT_THAT(list.out[0], StartsWith("REP    STATUS"));
  EXPECT_THAT(list.Out(), HasSubstr("alice"));
}

TEST_F(IncentivesCommandsTest, FieldViolationsArePrintedPerField) {
  incentives::v1::Plan plan = StandardPlan();
  plan.set_plan_id("bad id");
  Result r = Run({"incentives", "publish-plan", "--file", PlanFile(plan)});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.ErrLines(), Contains(StartsWith("error: INVALID_ARGUMENT: ")));
  EXPECT_THAT(r.ErrLines(), Contains(StartsWith("  plan.plan_id: ")));
}

TEST_F(IncentivesCommandsTest, BadMoneyIsRefusedBeforeAnyRpc) {
  Result r = ctl_->RunRaw({"--server", "127.0.0.1:1", "incentives", "record-payout", "--rep",
                           "alice", "--period", "2026-11", "--amount", "12.345"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, StartsWith("error: --amount: "));
}

}  // namespace
}  // namespace salesperf::ctl
