// salesperf_loadgen against a real salesperfd (build/bin/salesperfd as a child process,
// port 0, a fresh data directory): seeding, idempotent re-seeding, and a load run.
#include <map>
#include <memory>
#include <regex>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/clock.h"
#include "libs/testing/child_process.h"
#include "libs/testing/status_matchers.h"
#include "libs/testing/temp_dir.h"
#include "salesperf/targets/v1/targets.grpc.pb.h"
#include "tools/loadgen/demo.h"
#include "tools/loadgen/generator.h"
#include "tools/loadgen/load.h"
#include "tools/loadgen/rpc.h"
#if SALESPERF_LOADGEN_WITH_ACTIVITY
#include "salesperf/activity/v1/activity.grpc.pb.h"
#endif

namespace salesperf::loadgen {
namespace {

using ::salesperf::testing::StatusIs;
using ::testing::HasSubstr;

class SalesperfdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string binary = testing::ChildProcess::FindBuiltBinary("salesperfd");
    ASSERT_FALSE(binary.empty()) << "build salesperfd first";
    ASSERT_OK_AND_ASSIGN(
        child_, testing::ChildProcess::Start({binary, "--grpc-addr=127.0.0.1:0",
                                              "--metrics-addr=127.0.0.1:0",
                                              absl::StrCat("--data-dir=", dir_.path().string()),
                                              "--demo-data=never", "--log-format=text"}));
    ASSERT_OK_AND_ASSIGN(const std::string started, child_->WaitForLine(
                                                        [](const std::string& line) {
                                                          return line.find("salesperfd started") !=
                                                                 std::string::npos;
                                                        },
                                                        absl::Seconds(60)));
    std::smatch m;
    ASSERT_TRUE(std::regex_search(started, m, std::regex(R"(grpc_port\D{0,3}(\d+))"))) << started;
    server_ = absl::StrCat("127.0.0.1:", m[1].str());
    ASSERT_OK(child_
                  ->WaitForLine(
                      [](const std::string& line) {
                        return line.find("salesperfd serving") != std::string::npos;
                      },
                      absl::Seconds(60))
                  .status());
  }

  DemoOptions Options() {
    DemoOptions o;
    o.server = server_;
    o.seed = 11;
    o.regions = 2;
    o.teams = 4;
    o.reps = 12;
    o.customers = 80;
    o.history_days = 21;
    o.clock = &clock_;
    o.settle_timeout = absl::Seconds(30);
    return o;
  }

  // Counts through the query APIs: reps, targets and (with activity) customers, calls,
  // visits and deals.
  std::map<std::string, int64_t> Count() {
    std::map<std::string, int64_t> counts;
    absl::StatusOr<Endpoints> endpoints = Endpoints::Connect(server_, {});
    EXPECT_OK(endpoints.status());
    auto targets = targets::v1::TargetsService::NewStub(endpoints->channel("targets"));
    {
      targets::v1::ListRepsRequest r;
      r.mutable_page()->set_page_size(1000);
      targets::v1::ListRepsResponse resp;
      EXPECT_OK(Call(*targets, &targets::v1::TargetsService::Stub::ListReps, r, &resp));
      counts["reps"] = resp.reps_size();
    }
    for (std::string token;;) {
      targets::v1::ListTargetsRequest r;
      r.mutable_page()->set_page_size(1000);
      r.mutable_page()->set_page_token(token);
      targets::v1::ListTargetsResponse resp;
      EXPECT_OK(Call(*targets, &targets::v1::TargetsService::Stub::ListTargets, r, &resp));
      counts["targets"] += resp.targets_size();
      for (const auto& t : resp.targets()) {
        counts["approved"] += t.status() == targets::v1::TARGET_STATUS_APPROVED ? 1 : 0;
      }
      token = resp.page().next_page_token();
      if (token.empty()) break;
    }
#if SALESPERF_LOADGEN_WITH_ACTIVITY
    namespace av1 = activity::v1;
    auto activity = av1::ActivityService::NewStub(endpoints->channel("activity"));
    counts["customers"] = PageCount<av1::ListCustomersRequest, av1::ListCustomersResponse>(
        *activity, &av1::ActivityService::Stub::ListCustomers,
        [](const av1::ListCustomersResponse& r) { return r.customers_size(); });
    counts["calls"] = PageCount<av1::ListCallsRequest, av1::ListCallsResponse>(
        *activity, &av1::ActivityService::Stub::ListCalls,
        [](const av1::ListCallsResponse& r) { return r.calls_size(); });
    counts["visits"] = PageCount<av1::ListVisitsRequest, av1::ListVisitsResponse>(
        *activity, &av1::ActivityService::Stub::ListVisits,
        [](const av1::ListVisitsResponse& r) { return r.visits_size(); });
    counts["deals"] = PageCount<av1::ListDealsRequest, av1::ListDealsResponse>(
        *activity, &av1::ActivityService::Stub::ListDeals,
        [](const av1::ListDealsResponse& r) { return r.deals_size(); });
#endif
    return counts;
  }

  template <typename Req, typename Resp, typename Stub, typename Method, typename Size>
  int64_t PageCount(Stub& stub, Method method, Size size) {
    int64_t n = 0;
    for (std::string token;;) {
      Req request;
      request.mutable_page()->set_page_size(1000);
      request.mutable_page()->set_page_token(token);
      Resp response;
      const absl::Status s = Call(stub, method, request, &response);
      EXPECT_OK(s);
      if (!s.ok()) return -1;
      n += size(response);
      token = response.page().next_page_token();
      if (token.empty()) return n;
    }
  }

  // The read models follow the writes; polls until `expected` is what they show.
  std::map<std::string, int64_t> CountWhenSettled(const std::map<std::string, int64_t>& expected) {
    std::map<std::string, int64_t> counts;
    for (const absl::Time deadline = absl::Now() + absl::Seconds(30); absl::Now() < deadline;
         absl::SleepFor(absl::Milliseconds(100))) {
      counts = Count();
      if (counts == expected) break;
    }
    return counts;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ChildProcess> child_;
  std::string server_;
  FakeClock clock_{absl::Now()};
};

TEST_F(SalesperfdTest, SeedsTheDemoOnceAndASecondSeedingChangesNothing) {
  const DemoOptions options = Options();
  ASSERT_OK_AND_ASSIGN(const DemoData data, GenerateDemo(ToGeneratorOptions(options)));
  ASSERT_OK_AND_ASSIGN(const DemoSummary first, SeedDemo(options));
  EXPECT_EQ(first.counts.reps, 12);
  EXPECT_EQ(first.counts.targets, 4 * (1 + 2 + 4 + 12));
  EXPECT_FALSE(first.flagged_rep_id.empty());

  std::map<std::string, int64_t> expected = {
      {"reps", 12}, {"targets", first.counts.targets}, {"approved", first.counts.targets}};
#if SALESPERF_LOADGEN_WITH_ACTIVITY
  expected["customers"] = 80;
  expected["calls"] = static_cast<int64_t>(data.calls.size());
  expected["visits"] = static_cast<int64_t>(data.visits.size());
  expected["deals"] = static_cast<int64_t>(data.deals.size());
  EXPECT_EQ(first.counts.calls, expected["calls"]);
#endif
  EXPECT_EQ(CountWhenSettled(expected), expected);

  ASSERT_OK_AND_ASSIGN(const DemoSummary second, SeedDemo(options));
  EXPECT_EQ(second.counts, first.counts);
  EXPECT_EQ(second.company_target_id, first.company_target_id);
  EXPECT_EQ(Count(), expected);

  const std::string text = WhereToLook(second, server_, 9400);
  EXPECT_THAT(text, HasSubstr(server_));
  EXPECT_THAT(text, HasSubstr(second.company_target_id));
}

#if SALESPERF_LOADGEN_WITH_ACTIVITY
TEST_F(SalesperfdTest, DrivesAFixedNumberOfOperationsAndReportsEachRpc) {
  LoadOptions options;
  options.org = Options();
  options.max_operations = 60;
  options.duration = absl::Minutes(5);
  options.concurrency = 4;
  options.mix = {.calls = 2, .visits = 1, .deals = 1};
  options.run_id = "lgtest";
  ASSERT_OK_AND_ASSIGN(const LoadReport report, RunLoad(options));
  EXPECT_EQ(report.operations, 60) << FormatReport(report);
  EXPECT_EQ(report.failed_operations, 0) << report.first_error;
  int64_t by_kind = 0;
  for (const auto& [kind, n] : report.operations_by_kind) by_kind += n;
  EXPECT_EQ(by_kind, 60);
  std::map<std::string, int64_t> ok;
  for (const RpcStats& s : report.rpcs) {
    ok[s.rpc] = s.ok;
    EXPECT_LE(s.p50, s.p90);
    EXPECT_LE(s.p90, s.p99);
    EXPECT_LE(s.p99, s.max);
  }
  EXPECT_EQ(ok["LogCall"], report.operations_by_kind.at("calls"));
  EXPECT_EQ(ok["PlanVisit"], report.operations_by_kind.at("visits"));
  EXPECT_EQ(ok["RecordVisitOutcome"], report.operations_by_kind.at("visits"));
  EXPECT_EQ(ok["OpenDeal"], report.operations_by_kind.at("deals"));
  EXPECT_EQ(ok["WinDeal"] + ok["LoseDeal"], report.operations_by_kind.at("deals"));
  EXPECT_THAT(ReportJson(report), HasSubstr("\"p99_ms\""));
}
#endif

}  // namespace
}  // namespace salesperf::loadgen
