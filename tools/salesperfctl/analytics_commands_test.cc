// Runs the real salesperfctl binary against an in-process analytics service fed a seeded
// random history (services/analytics/testing/random_history.h) through upstream memory
// stores, and compares what it prints with the service's own answers.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/clock.h"
#include "libs/eventstore/memory_event_store.h"
#include "libs/server/server.h"
#include "libs/testing/status_matchers.h"
#include "libs/testing/temp_dir.h"
#include "nlohmann/json.hpp"
#include "salesperf/targets/v1/events.pb.h"
#include "services/analytics/analytics_service.h"
#include "services/analytics/testing/random_history.h"
#include "tools/salesperfctl/testing/ctl_runner.h"
#include "tools/salesperfctl/values.h"

namespace salesperf::ctl {
namespace {

using Result = testing::CtlResult;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// The analytics service on a seeded random history, served on 127.0.0.1:0.
class AnalyticsFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    analytics::testing::HistoryOptions options;
    options.activity_events = 1500;
    options.reps = 10;
    analytics::testing::History history = analytics::testing::RandomHistory(5, options);
    // The organisation's currency, as its settings event says.
    for (projection::SourcedEvent& e : history.targets) {
      targets::v1::OrganisationSettingsChanged settings;
      if (e.envelope.payload().UnpackTo(&settings) &&
          e.envelope.payload().Is<targets::v1::OrganisationSettingsChanged>()) {
        settings.mutable_settings()->set_currency_code(Currency());
        e.envelope.mutable_payload()->PackFrom(settings);
      }
    }
    for (auto [store, events] :
         {std::pair{&targets_, &history.targets}, std::pair{&activity_, &history.activity},
          std::pair{&feedback_, &history.feedback}}) {
      for (const projection::SourcedEvent& e : *events) {
        eventstore::AppendRequest request;
        request.stream_id = e.envelope.stream_id();
        request.events.push_back(e.envelope);
        ASSERT_OK(store->Append(std::move(request)).status());
      }
    }
    analytics::AnalyticsServiceOptions service_options;
    service_options.env.data_dir = dir_.path().string();
    service_options.env.clock = &clock_;
    service_options.env.upstream_stores = {&targets_, &activity_, &feedback_};
    ASSERT_OK_AND_ASSIGN(service_, analytics::AnalyticsService::Open(service_options));
    ASSERT_OK(service_->Start());
    ASSERT_OK(service_->CatchUp(absl::Seconds(30)));
    server_ = std::make_unique<server::Server>(server::ServerOptions{});
    for (grpc::Service* s : service_->grpc_services()) server_->RegisterService(s);
    ASSERT_OK(server_->Start());
  }
  virtual std::string Currency() const { return "CNY"; }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
    if (service_ != nullptr) {
      EXPECT_OK(service_->Stop());
    }
  }

  salesperf::testing::TempDir dir_;
  FakeClock clock_{
      absl::FromCivil(absl::CivilSecond(2026, 2, 14, 12, 0, 0), absl::FixedTimeZone(8 * 3600))};
  eventstore::MemoryEventStore targets_{{.source = "targets"}};
  eventstore::MemoryEventStore activity_{{.source = "activity"}};
  eventstore::MemoryEventStore feedback_{{.source = "feedback"}};
  std::unique_ptr<analytics::AnalyticsService> service_;
  std::unique_ptr<server::Server> server_;
};

class AnalyticsCommandsTest : public testing::WithCtl<AnalyticsFixture> {};

TEST_F(AnalyticsCommandsTest, KpisMatchTheServiceInTableAndJson) {
  analytics::v1::GetKpisRequest request;
  request.mutable_scope()->set_kind(common::v1::SCOPE_KIND_COMPANY);
  request.mutable_period()->set_id("2026-Q1");
  ASSERT_OK_AND_ASSIGN(analytics::v1::GetKpisResponse direct, service_->queries().GetKpis(request));

  nlohmann::json j = Json({"analytics", "kpis", "--period", "2026-Q1"});
  EXPECT_EQ(j["kpis"]["calls"], absl::StrCat(direct.kpis().calls()));
  EXPECT_EQ(j["kpis"]["revenue"]["minor_units"],
            absl::StrCat(direct.kpis().revenue().minor_units()));

  Result table = Run({"analytics", "kpis", "--scope", "company", "--period", "2026-Q1"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, Contains(StartsWith("scope   ")));
  EXPECT_THAT(table.out, Contains(HasSubstr(FormatMoney(direct.kpis().revenue()))));
}

TEST_F(AnalyticsCommandsTest, LeaderboardListsTheTopReps) {
  nlohmann::json j = Json({"analytics", "leaderboard", "--metric", "calls", "--period", "2026-02"});
  ASSERT_EQ(j["top"].size(), 10u);
  Result table = Run({"analytics", "leaderboard", "--metric", "calls", "--period", "2026-02"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  ASSERT_GE(table.out.size(), 11u) << table.Out();
  EXPECT_THAT(table.out[0], StartsWith("RANK  REP"));
  EXPECT_THAT(table.out[1], StartsWith("   1  "));
}

// Calls per working day print in hundredths, open pipeline value as money.
TEST_F(AnalyticsCommandsTest, RegionalViewFormatsRatesAndPipelineValue) {
  analytics::v1::GetRegionalViewRequest request;
  request.mutable_parent()->set_kind(common::v1::SCOPE_KIND_COMPANY);
  request.mutable_period()->set_id("2026-Q1");
  request.add_metrics(analytics::v1::METRIC_CALLS_PER_WORKING_DAY);
  request.add_metrics(analytics::v1::METRIC_PIPELINE_VALUE);
  ASSERT_OK_AND_ASSIGN(analytics::v1::GetRegionalViewResponse direct,
                       service_->queries().GetRegionalView(request));
  ASSERT_GT(direct.total().values(0), 0);
  ASSERT_GT(direct.total().values(1), 0);
  Result table = Run({"analytics", "regional", "--period", "2026-Q1", "--metric",
                      "calls_per_working_day", "--metric", "pipeline_value"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  common::v1::Money pipeline;
  pipeline.set_currency_code("CNY");
  pipeline.set_minor_units(direct.total().values(1));
  EXPECT_THAT(table.out.back(), HasSubstr(FormatHundredths(direct.total().values(0))));
  EXPECT_THAT(table.out.back(), HasSubstr(FormatMoney(pipeline)));
}

// A state as it stands today has no series: the CLI does not offer it to trend.
TEST_F(AnalyticsCommandsTest, TrendRefusesStateMetrics) {
  Result r = Run({"analytics", "trend", "--metric", "pipeline_value"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("pipeline_value"));
  Result ok = Run({"analytics", "trend", "--metric", "calls_per_working_day", "--points", "2"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

// The CLI's tables show what the service answers: every row, with the organisation's
// currency and signs.
TEST_F(AnalyticsCommandsTest, AttainmentListsEveryTarget) {
  analytics::v1::GetAttainmentRequest request;
  request.mutable_period()->set_id("2026-01");  // the history's targets are for January
  ASSERT_OK_AND_ASSIGN(analytics::v1::GetAttainmentResponse direct,
                       service_->queries().GetAttainment(request));
  ASSERT_GT(direct.attainments_size(), 0);
  Result table = Run({"analytics", "attainment", "--period", "2026-01"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  ASSERT_EQ(table.out.size(), static_cast<size_t>(direct.attainments_size()) + 1) << table.Out();
  EXPECT_THAT(table.out[0], StartsWith("TARGET"));
  for (const analytics::v1::Attainment& a : direct.attainments()) {
    EXPECT_THAT(table.out, Contains(StartsWith(a.target_id()))) << table.Out();
  }
}

TEST_F(AnalyticsCommandsTest, RegionalViewHasEveryRegionAndATotal) {
  analytics::v1::GetRegionalViewRequest request;
  request.mutable_parent()->set_kind(common::v1::SCOPE_KIND_COMPANY);
  request.mutable_period()->set_id("2026-Q1");
  request.add_metrics(analytics::v1::METRIC_CALLS);
  ASSERT_OK_AND_ASSIGN(analytics::v1::GetRegionalViewResponse direct,
                       service_->queries().GetRegionalView(request));
  Result table = Run({"analytics", "regional", "--period", "2026-Q1", "--metric", "calls"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  ASSERT_EQ(table.out.size(), static_cast<size_t>(direct.rows_size()) + 2) << table.Out();
  EXPECT_THAT(table.out.back(), StartsWith("TOTAL"));
  EXPECT_THAT(table.out.back(), HasSubstr(GroupThousands(direct.total().values(0))));
}

TEST_F(AnalyticsCommandsTest, TrendShowsEveryPointAndItsChange) {
  analytics::v1::GetTrendRequest request;
  request.mutable_scope()->set_kind(common::v1::SCOPE_KIND_COMPANY);
  request.set_metric(analytics::v1::METRIC_CSAT_AVERAGE);
  request.set_granularity(common::v1::PERIOD_KIND_DAY);
  request.set_end_day("2026-02-14");
  request.set_points(20);
  ASSERT_OK_AND_ASSIGN(analytics::v1::GetTrendResponse direct,
                       service_->queries().GetTrend(request));
  ASSERT_EQ(direct.points_size(), 20);
  // Days on which the average fell by less than a point: the sign must survive.
  int small_falls = 0;
  for (const analytics::v1::TrendPoint& p : direct.points()) {
    small_falls += p.change() < 0 && p.change() > -100 ? 1 : 0;
  }
  ASSERT_GT(small_falls, 0) << direct.ShortDebugString();
  Result table = Run({"analytics", "trend", "--metric", "csat_average", "--by", "day", "--end",
                      "2026-02-14", "--points", "20"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  ASSERT_EQ(table.out.size(), 21u) << table.Out();
  for (int i = 0; i < direct.points_size(); ++i) {
    const analytics::v1::TrendPoint& p = direct.points(i);
    EXPECT_THAT(table.out[i + 1], StartsWith(p.period().id()));
    // The CHANGE cell, right before CHANGE %: a fall prints with its sign ("-0.25"), never
    // as "0.0-25".
    std::string line = table.out[i + 1];
    const std::string percent = FormatBasisPoints(p.change_bp());
    ASSERT_TRUE(line.ends_with(percent)) << line;
    line.resize(line.size() - percent.size());
    while (!line.empty() && line.back() == ' ') line.pop_back();
    EXPECT_TRUE(line.ends_with(" " + FormatHundredths(p.change()))) << line;
  }
}

TEST_F(AnalyticsCommandsTest, FunnelListsTheStages) {
  Result table = Run({"analytics", "funnel", "--period", "2026-Q1"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  ASSERT_EQ(table.out.size(), 6u) << table.Out();
  EXPECT_THAT(table.out[1], StartsWith("lead"));
  EXPECT_THAT(table.out[5], StartsWith("won"));
}

// An organisation that keeps its books in US dollars.
class AnalyticsCommandsInDollarsTest : public AnalyticsCommandsTest {
 protected:
  std::string Currency() const override { return "USD"; }
};

TEST_F(AnalyticsCommandsInDollarsTest, MoneyIsInTheOrganisationsCurrency) {
  nlohmann::json j =
      Json({"analytics", "leaderboard", "--metric", "revenue", "--period", "2026-Q1"});
  EXPECT_EQ(j["currency_code"], "USD");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"analytics", "leaderboard", "--metric", "revenue", "--period",
                                 "2026-Q1", "--top", "3"},
        std::vector<std::string>{"analytics", "trend", "--metric", "revenue", "--end", "2026-02-14",
                                 "--points", "2"}}) {
    Result table = Run(args);
    ASSERT_EQ(table.exit_code, 0) << table.err;
    ASSERT_GE(table.out.size(), 3u) << table.Out();
    EXPECT_THAT(table.out[1], HasSubstr("USD")) << table.Out();
    EXPECT_THAT(table.Out(), ::testing::Not(HasSubstr("CNY")));
  }
}

TEST_F(AnalyticsCommandsTest, FieldViolationsArePrintedPerField) {
  Result r = Run(
      {"analytics", "leaderboard", "--metric", "calls", "--period", "2026-02", "--top", "5000"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.ErrLines(), Contains("error: INVALID_ARGUMENT: invalid request"));
  EXPECT_THAT(r.ErrLines(), Contains("  top_n: must be 0..1000 (0: 10)"));
}

}  // namespace
}  // namespace salesperf::ctl
