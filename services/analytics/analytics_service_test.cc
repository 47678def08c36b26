// AnalyticsService end to end in embedded mode: upstream event stores holding a random
// history, the host's projection, the gRPC API on a real server (port 0), and the
// business gauges in the Prometheus text format.
#include "services/analytics/analytics_service.h"

#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "libs/eventstore/memory_event_store.h"
#include "libs/server/server.h"
#include "libs/testing/status_matchers.h"
#include "libs/testing/temp_dir.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"
#include "salesperf/analytics/v1/analytics.grpc.pb.h"
#include "salesperf/targets/v1/events.pb.h"
#include "services/analytics/testing/random_history.h"

namespace salesperf::analytics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

void Load(eventstore::EventStore& store, const std::vector<projection::SourcedEvent>& events) {
  for (const projection::SourcedEvent& e : events) {
    eventstore::AppendRequest request;
    request.stream_id = e.envelope.stream_id();
    request.events.push_back(e.envelope);
    ASSERT_OK(store.Append(std::move(request)).status());
  }
}

class AnalyticsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::HistoryOptions options;
    options.activity_events = 1500;
    options.reps = 10;
    history_ = testing::RandomHistory(5, options);
    Load(targets_, history_.targets);
    Load(activity_, history_.activity);
    Load(feedback_, history_.feedback);
    AnalyticsServiceOptions service_options;
    service_options.env.data_dir = dir_.path().string();
    service_options.env.clock = &clock_;
    service_options.env.metrics = registry_.get();
    service_options.env.upstream_stores = {&targets_, &activity_, &feedback_};
    ASSERT_OK_AND_ASSIGN(service_, AnalyticsService::Open(service_options));
    ASSERT_OK(service_->Start());
    ASSERT_OK(service_->CatchUp(absl::Seconds(30)));
    server::ServerOptions server_options;
    server_ = std::make_unique<server::Server>(server_options);
    for (grpc::Service* s : service_->grpc_services()) server_->RegisterService(s);
    ASSERT_OK(server_->Start());
    stub_ = v1::AnalyticsService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server_->port()), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
    if (service_ != nullptr) {
      EXPECT_OK(service_->Stop());
    }
  }

  // Appends a targets-service event (organisation or target) at the fake clock's time.
  absl::Status AppendTargets(const std::string& stream, const google::protobuf::Message& event) {
    eventstore::AppendRequest request;
    request.stream_id = stream;
    eventstore::EventEnvelope envelope;
    envelope.mutable_payload()->PackFrom(event);
    envelope.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(clock_.Now()));
    request.events.push_back(envelope);
    return targets_.Append(std::move(request)).status();
  }

  // The target once the view has folded its approval (up to 30 s), else nullopt.
  std::optional<v1::Attainment> WaitForApproved(const std::string& target_id) {
    for (int i = 0; i < 3000; ++i) {
      v1::GetAttainmentRequest by_id;
      by_id.set_target_id(target_id);
      absl::StatusOr<v1::GetAttainmentResponse> got = service_->queries().GetAttainment(by_id);
      if (got.ok() && got->attainments_size() == 1 &&
          got->attainments(0).target_status() == targets::v1::TARGET_STATUS_APPROVED) {
        return got->attainments(0);
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
    return std::nullopt;
  }

  // Drafts and approves a target; returns it once the view has folded the approval
  // (nullopt if an append failed or the view did not get there in 30 s).
  std::optional<v1::Attainment> DraftAndApprove(const targets::v1::TargetDrafted& drafted) {
    const std::string stream = absl::StrCat("target-", drafted.target_id());
    targets::v1::TargetApproved approved;
    approved.set_target_id(drafted.target_id());
    *approved.mutable_key() = drafted.key();
    *approved.mutable_value() = drafted.value();
    absl::Status appended = AppendTargets(stream, drafted);
    if (appended.ok()) appended = AppendTargets(stream, approved);
    EXPECT_OK(appended);
    if (!appended.ok()) return std::nullopt;
    return WaitForApproved(drafted.target_id());
  }

  // The registry in the Prometheus text format.
  std::string MetricsText() const {
    std::ostringstream text;
    prometheus::TextSerializer().Serialize(text, registry_->Collect());
    return text.str();
  }

  ::salesperf::testing::TempDir dir_;
  FakeClock clock_{
      absl::FromCivil(absl::CivilSecond(2026, 2, 14, 12, 0, 0), absl::FixedTimeZone(8 * 3600))};
  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  eventstore::MemoryEventStore targets_{{.source = "targets"}};
  eventstore::MemoryEventStore activity_{{.source = "activity"}};
  eventstore::MemoryEventStore feedback_{{.source = "feedback"}};
  testing::History history_;
  std::unique_ptr<AnalyticsService> service_;
  std::unique_ptr<server::Server> server_;
  std::unique_ptr<v1::AnalyticsService::Stub> stub_;
};

TEST_F(AnalyticsServiceTest, ServesTheFoldedHistoryOverGrpc) {
  v1::GetKpisRequest request;
  request.mutable_scope()->set_kind(common::v1::SCOPE_KIND_COMPANY);
  request.mutable_period()->set_id("2026-Q1");
  grpc::ClientContext context;
  v1::GetKpisResponse over_grpc;
  ASSERT_TRUE(stub_->GetKpis(&context, request, &over_grpc).ok());
  ASSERT_OK_AND_ASSIGN(v1::GetKpisResponse direct, service_->queries().GetKpis(request));
  EXPECT_EQ(over_grpc.SerializeAsString(), direct.SerializeAsString());
  EXPECT_GT(over_grpc.kpis().calls(), 0);

  v1::GetLeaderboardRequest board;
  board.set_metric(v1::METRIC_CALLS);
  board.mutable_scope()->set_kind(common::v1::SCOPE_KIND_COMPANY);
  board.mutable_period()->set_id("2026-02");
  grpc::ClientContext board_context;
  v1::GetLeaderboardResponse top;
  ASSERT_TRUE(stub_->GetLeaderboard(&board_context, board, &top).ok());
  ASSERT_EQ(top.top_size(), 10);
  for (int i = 1; i < top.top_size(); ++i) EXPECT_GE(top.top(i - 1).value(), top.top(i).value());
}

TEST_F(AnalyticsServiceTest, BadRequestsGetFieldViolations) {
  v1::GetKpisRequest request;
  request.mutable_scope()->set_kind(common::v1::SCOPE_KIND_TEAM);
  request.mutable_period()->set_id("2026-02");
  grpc::ClientContext context;
  v1::GetKpisResponse response;
  const grpc::Status status = stub_->GetKpis(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::BadRequest bad;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad));
  ASSERT_EQ(bad.field_violations_size(), 1);
  EXPECT_EQ(bad.field_violations(0).field(), "scope.id");
}

TEST_F(AnalyticsServiceTest, BusinessGaugesAtCompanyRegionAndTeamLevelOnly) {
  ASSERT_NE(service_->gauges(), nullptr);
  ASSERT_OK(service_->gauges()->Refresh());
  const std::string metrics = MetricsText();
  EXPECT_THAT(metrics, HasSubstr("salesperf_business_revenue{currency=\"CNY\",level=\"company\","
                                 "period=\"month\",scope=\"\"}"));
  EXPECT_THAT(
      metrics,
      HasSubstr("salesperf_business_calls{level=\"team\",period=\"quarter\",scope=\"team-0-0\"}"));
  EXPECT_THAT(metrics, HasSubstr("salesperf_business_period_elapsed_ratio{period=\"month\"}"));
  EXPECT_THAT(metrics,
              HasSubstr("salesperf_business_open_risk_flags{level=\"region\",scope=\"region-0\"}"));
  EXPECT_THAT(metrics, Not(HasSubstr("rep-")));
  // The values are the KPIs: this month's (February 2026) calls and revenue of the company.
  v1::GetKpisRequest company;
  company.mutable_scope()->set_kind(common::v1::SCOPE_KIND_COMPANY);
  company.mutable_period()->set_id("2026-02");
  ASSERT_OK_AND_ASSIGN(v1::GetKpisResponse kpis, service_->queries().GetKpis(company));
  ASSERT_GT(kpis.kpis().calls(), 0);
  auto sample = [&metrics](const std::string& series) -> double {
    const size_t at = metrics.find(series + " ");
    if (at == std::string::npos) {
      ADD_FAILURE() << "no sample " << series;
      return -1;
    }
    return std::stod(metrics.substr(at + series.size() + 1));
  };
  EXPECT_EQ(sample("salesperf_business_calls{level=\"company\",period=\"month\",scope=\"\"}"),
            static_cast<double>(kpis.kpis().calls()));
  EXPECT_DOUBLE_EQ(sample("salesperf_business_revenue{currency=\"CNY\",level=\"company\","
                          "period=\"month\",scope=\"\"}"),
                   static_cast<double>(kpis.kpis().revenue().minor_units()) / 100.0);
  // February 2026: 20 working days, 10 of them by the 14th.
  EXPECT_THAT(metrics, HasSubstr("salesperf_business_period_elapsed_ratio{period=\"month\"} 0.5"));
  // Open risk flags now, per region: as its KPIs count them.
  v1::GetKpisRequest region;
  region.mutable_scope()->set_kind(common::v1::SCOPE_KIND_REGION);
  region.mutable_scope()->set_id("region-0");
  region.mutable_period()->set_id("2026-02");
  ASSERT_OK_AND_ASSIGN(v1::GetKpisResponse region_kpis, service_->queries().GetKpis(region));
  EXPECT_EQ(sample("salesperf_business_open_risk_flags{level=\"region\",scope=\"region-0\"}"),
            static_cast<double>(region_kpis.kpis().open_risk_flags()));
  // A new month: January's team targets are no longer current, so their series go.
  ASSERT_OK_AND_ASSIGN(v1::GetAttainmentResponse targets, service_->queries().GetAttainment({}));
  ASSERT_GT(targets.attainments_size(), 0);
  clock_.Set(
      absl::FromCivil(absl::CivilSecond(2026, 1, 20, 12, 0, 0), absl::FixedTimeZone(8 * 3600)));
  ASSERT_OK(service_->gauges()->Refresh());
  EXPECT_THAT(MetricsText(), HasSubstr("salesperf_business_attainment_ratio{level=\"team\",metric="
                                       "\"revenue\",period=\"month\",scope=\"team-0-0\"}"));
  // The company's January revenue target is closed and a new one, half as high, approved for
  // the same key: the series follows the open one, whichever row comes first.
  {
    const std::string company_series =
        "salesperf_business_attainment_ratio{level=\"company\",metric=\"revenue\","
        "period=\"month\",scope=\"\"}";
    std::optional<v1::Attainment> old_target;
    for (const v1::Attainment& a : targets.attainments()) {
      if (a.key().scope().kind() == common::v1::SCOPE_KIND_COMPANY &&
          a.key().metric() == targets::v1::METRIC_REVENUE &&
          a.key().period().kind() == common::v1::PERIOD_KIND_MONTH) {
        old_target = a;
      }
    }
    ASSERT_TRUE(old_target.has_value());
    ASSERT_LT(std::string("a-successor"), old_target->target_id());  // listed before it
    targets::v1::TargetClosed closed;
    closed.set_target_id(old_target->target_id());
    *closed.mutable_key() = old_target->key();
    closed.set_status_before(targets::v1::TARGET_STATUS_APPROVED);
    ASSERT_OK(AppendTargets(absl::StrCat("target-", old_target->target_id()), closed));
    targets::v1::TargetDrafted drafted;
    drafted.set_target_id("a-successor");
    *drafted.mutable_key() = old_target->key();
    drafted.mutable_value()->mutable_money()->set_currency_code("CNY");
    drafted.mutable_value()->mutable_money()->set_minor_units(old_target->target() / 2);
    drafted.set_period_first_day("2026-01-01");
    drafted.set_period_last_day("2026-01-31");
    const std::optional<v1::Attainment> successor = DraftAndApprove(drafted);
    ASSERT_TRUE(successor.has_value());
    ASSERT_OK(service_->CatchUp(absl::Seconds(30)));
    ASSERT_OK(service_->gauges()->Refresh());
    const std::string text = MetricsText();
    const size_t at = text.find(company_series + " ");
    ASSERT_NE(at, std::string::npos) << text;
    EXPECT_DOUBLE_EQ(std::stod(text.substr(at + company_series.size() + 1)),
                     static_cast<double>(successor->attainment_bp()) / 10000.0);
    ASSERT_GT(successor->actual(), 0);  // else both targets' attainment would be 0
  }
  clock_.Set(
      absl::FromCivil(absl::CivilSecond(2026, 3, 2, 12, 0, 0), absl::FixedTimeZone(8 * 3600)));
  ASSERT_OK(service_->gauges()->Refresh());
  const std::string march = MetricsText();
  // March: January's targets are gone; the fiscal quarter FY2026-Q4 (January to March) is
  // the current quarter's.
  EXPECT_THAT(march, Not(HasSubstr("salesperf_business_attainment_ratio{level=\"team\"")));
  EXPECT_THAT(march, HasSubstr("salesperf_business_attainment_ratio{level=\"company\","
                               "metric=\"calls\",period=\"quarter\",scope=\"\"}"));
  EXPECT_THAT(march, Not(HasSubstr("salesperf_business_attainment_ratio{level=\"company\","
                                   "metric=\"revenue\"")));
}

// A fiscal year starting in February has quarters of its own (February to April, ...):
// the gauges then also show the current fiscal quarter, with its targets, beside the
// calendar month and quarter.
TEST_F(AnalyticsServiceTest, FiscalQuartersOfTheirOwnGetTheirOwnGauges) {
  ASSERT_OK(service_->gauges()->Refresh());
  EXPECT_THAT(MetricsText(), Not(HasSubstr("fiscal_quarter")));  // April: calendar quarters

  targets::v1::OrganisationSettingsChanged settings;
  settings.mutable_settings()->set_company_name("Acme");
  settings.mutable_settings()->set_currency_code("CNY");
  settings.mutable_settings()->set_fiscal_year_start_month(2);
  ASSERT_OK(AppendTargets("org", settings));
  // Today (2026-02-14) is in the fiscal quarter 2026-02-01..2026-04-30.
  targets::v1::TargetDrafted drafted;
  drafted.set_target_id("fq-calls");
  drafted.mutable_key()->mutable_scope()->set_kind(common::v1::SCOPE_KIND_COMPANY);
  drafted.mutable_key()->set_metric(targets::v1::METRIC_CALLS);
  drafted.mutable_key()->mutable_period()->set_kind(common::v1::PERIOD_KIND_FISCAL_QUARTER);
  drafted.mutable_key()->mutable_period()->set_id("FY2027-Q1");
  drafted.mutable_value()->set_count(100'000);
  drafted.set_period_first_day("2026-02-01");
  drafted.set_period_last_day("2026-04-30");
  const std::optional<v1::Attainment> target = DraftAndApprove(drafted);
  ASSERT_TRUE(target.has_value());
  ASSERT_GT(target->actual(), 0);
  ASSERT_OK(service_->gauges()->Refresh());
  const std::string text = MetricsText();
  const std::string series =
      "salesperf_business_attainment_ratio{level=\"company\",metric=\"calls\","
      "period=\"fiscal_quarter\",scope=\"\"}";
  const size_t at = text.find(series + " ");
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_DOUBLE_EQ(std::stod(text.substr(at + series.size() + 1)),
                   static_cast<double>(target->attainment_bp()) / 10000.0);
  // The fiscal quarter's calls: February 1 to today, as its KPIs count them.
  v1::GetKpisRequest kpis;
  kpis.mutable_scope()->set_kind(common::v1::SCOPE_KIND_COMPANY);
  kpis.mutable_period()->set_kind(common::v1::PERIOD_KIND_FISCAL_QUARTER);
  kpis.mutable_period()->set_id("FY2027-Q1");
  ASSERT_OK_AND_ASSIGN(v1::GetKpisResponse k, service_->queries().GetKpis(kpis));
  EXPECT_THAT(text, HasSubstr(absl::StrCat("salesperf_business_calls{level=\"company\","
                                           "period=\"fiscal_quarter\",scope=\"\"} ",
                                           k.kpis().calls())));
  EXPECT_THAT(text,
              HasSubstr("salesperf_business_period_elapsed_ratio{period=\"fiscal_quarter\"}"));
  EXPECT_THAT(text, HasSubstr("salesperf_business_calls{level=\"company\",period=\"quarter\""));
}

TEST(AnalyticsServiceOptionsTest, ProjectionBatchSizeIsBounded) {
  ::salesperf::testing::TempDir dir;
  for (size_t size : {size_t{0}, kMaxProjectionBatchSize + 1}) {
    AnalyticsServiceOptions options;
    options.env.data_dir = dir.path().string();
    options.projection_batch_size = size;
    absl::Status opened = AnalyticsService::Open(options).status();
    EXPECT_EQ(opened.code(), absl::StatusCode::kInvalidArgument) << size;
    EXPECT_THAT(std::string(opened.message()), HasSubstr("projection batch size")) << size;
  }
}

}  // namespace
}  // namespace salesperf::analytics
