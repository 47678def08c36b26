// Test fixture for the incentives service: an IncentivesService on RocksDB in a TempDir
// with a FakeClock, served by a libs/server Server on 127.0.0.1:0, called through a real
// channel. The upstream services are MemoryEventStores (sources "targets", "activity",
// "feedback") passed as upstream_stores, as salesperfd would: tests append upstream
// events to them and Sync() waits until the views have folded them.
//
// The seeded organisation (from 2026-01-01, CNY, Asia/Shanghai): company manager "ceo";
// region "east"; team "t-sh" (manager "tom") with reps alice and bob; team "t-hz" with
// carol. The clock reads 2026-11-15 10:00 in Shanghai.
#ifndef SALESPERF_SERVICES_INCENTIVES_TESTING_SERVICE_FIXTURE_H_
#define SALESPERF_SERVICES_INCENTIVES_TESTING_SERVICE_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "libs/common/clock.h"
#include "libs/common/period.h"
#include "libs/eventstore/memory_event_store.h"
#include "libs/server/server.h"
#include "libs/server/status.h"
#include "libs/testing/grpc_call.h"
#include "libs/testing/status_matchers.h"
#include "libs/testing/temp_dir.h"
#include "salesperf/activity/v1/events.pb.h"
#include "salesperf/feedback/v1/events.pb.h"
#include "salesperf/incentives/v1/incentives.grpc.pb.h"
#include "salesperf/targets/v1/events.pb.h"
#include "services/incentives/incentives_service.h"

namespace salesperf::incentives::testing {

using Stub = v1::IncentivesService::Stub;

inline common::v1::Money Cny(int64_t minor_units) {
  common::v1::Money m;
  m.set_currency_code("CNY");
  m.set_minor_units(minor_units);
  return m;
}

class ServiceFixture : public ::testing::Test {
 protected:
  ServiceFixture()
      : clock_(absl::FromCivil(absl::CivilSecond(2026, 11, 15, 10, 0, 0), DefaultTimeZone())),
        targets_(eventstore::MemoryEventStoreOptions{"targets", &clock_, 7}),
        activity_(eventstore::MemoryEventStoreOptions{"activity", &clock_, 8}),
        feedback_(eventstore::MemoryEventStoreOptions{"feedback", &clock_, 9}) {}
  ~ServiceFixture() override { Close(); }

  void SetUp() override {
    SeedOrganisation();
    ASSERT_NO_FATAL_FAILURE(Open());
  }

  void Open() {
    IncentivesServiceOptions options;
    options.env.data_dir = dir_.path().string();
    options.env.clock = &clock_;
    options.env.event_id_seed = 42;
    options.env.upstream_stores = {&targets_, &activity_, &feedback_};
    ASSERT_OK_AND_ASSIGN(service_, IncentivesService::Open(options));
    server_ = std::make_unique<server::Server>(server::ServerOptions{});
    for (grpc::Service* s : service_->grpc_services()) server_->RegisterService(s);
    ASSERT_OK(server_->Start());
    ASSERT_OK(service_->Start());
    ASSERT_OK(service_->CatchUp(absl::Seconds(30)));
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::IncentivesService::NewStub(channel_);
  }

  void Close() {
    if (server_ != nullptr) server_->Shutdown(absl::Now() + absl::Seconds(5));
    stub_.reset();
    channel_.reset();
    server_.reset();
    service_.reset();
  }

  // Waits until the views have folded everything the upstream stores hold.
  void Sync() {
    for (eventstore::EventStore* store :
         std::vector<eventstore::EventStore*>{&targets_, &activity_, &feedback_}) {
      const uint64_t head = store->HeadSequence();
      if (head == 0) continue;
      ASSERT_TRUE(service_->host().commits()->WaitForCommitted(
          projection::PartitionId{store->source(), 0}, static_cast<int64_t>(head) + 1,
          absl::Seconds(30)))
          << store->source();
    }
  }

  template <typename Req, typename Resp>
  absl::StatusOr<Resp> Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                            const Req& request, const std::string& actor = "tom") {
    return ::salesperf::testing::CallAs(*stub_, method, request, actor);
  }

  std::string NextRequestId() { return absl::StrCat("req-", ++request_counter_); }

  // --- Upstream events.
  static void Append(eventstore::EventStore& store, const std::string& stream,
                     const google::protobuf::Message& payload, absl::Time at) {
    eventstore::AppendRequest request;
    request.stream_id = stream;
    eventstore::EventEnvelope envelope;
    envelope.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(at));
    envelope.set_actor("test");
    envelope.mutable_payload()->PackFrom(payload);
    request.events.push_back(std::move(envelope));
    ASSERT_OK(store.Append(std::move(request)).status());
  }
  void Org(const google::protobuf::Message& payload) {
    Append(targets_, "org", payload, clock_.Now());
  }

  void SeedOrganisation() {
    targets::v1::OrganisationSettingsChanged settings;
    settings.mutable_settings()->set_time_zone("Asia/Shanghai");
    settings.mutable_settings()->set_currency_code("CNY");
    settings.mutable_settings()->set_fiscal_year_start_month(1);
    Org(settings);
    targets::v1::ManagerAssigned ceo;
    ceo.mutable_scope()->set_kind(common::v1::SCOPE_KIND_COMPANY);
    ceo.set_manager_id("ceo");
    ceo.set_effective_from("2026-01-01");
    Org(ceo);
    targets::v1::ManagerAssigned tom;
    tom.mutable_scope()->set_kind(common::v1::SCOPE_KIND_TEAM);
    tom.mutable_scope()->set_id("t-sh");
    tom.set_manager_id("tom");
    tom.set_effective_from("2026-01-01");
    Org(tom);
    for (const auto& [rep, team] : std::vector<std::pair<std::string, std::string>>{
             {"alice", "t-sh"}, {"bob", "t-sh"}, {"carol", "t-hz"}}) {
      targets::v1::RepHired hired;
      hired.set_rep_id(rep);
      hired.set_team_id(team);
      hired.set_region_id("east");
      hired.set_effective_from("2026-01-01");
      Org(hired);
    }
  }

  // An approved rep revenue target.
  void RevenueTarget(const std::string& target_id, const std::string& rep,
                     const std::string& period_id, int64_t minor_units) {
    targets::v1::TargetKey key;
    key.mutable_scope()->set_kind(common::v1::SCOPE_KIND_REP);
    key.mutable_scope()->set_id(rep);
    key.set_metric(targets::v1::METRIC_REVENUE);
    key.mutable_period()->set_id(period_id);
    targets::v1::TargetDrafted drafted;
    drafted.set_target_id(target_id);
    *drafted.mutable_key() = key;
    *drafted.mutable_value()->mutable_money() = Cny(minor_units);
    Append(targets_, "target-" + target_id, drafted, clock_.Now());
    targets::v1::TargetApproved approved;
    approved.set_target_id(target_id);
    *approved.mutable_key() = key;
    *approved.mutable_value()->mutable_money() = Cny(minor_units);
    Append(targets_, "target-" + target_id, approved, clock_.Now());
  }

  // A won deal; splits as {rep, share_bp}; empty: 100% to `rep`.
  void DealWon(const std::string& deal_id, const std::string& rep, int64_t minor_units,
               const std::string& won_on,
               const std::vector<std::pair<std::string, int>>& splits = {}) {
    activity::v1::DealWon won;
    won.set_deal_id(deal_id);
    won.set_rep_id(rep);
    *won.mutable_amount() = Cny(minor_units);
    won.set_won_on(won_on);
    for (const auto& [r, bp] : splits) {
      activity::v1::CreditSplit* s = won.add_credit_splits();
      s->set_rep_id(r);
      s->set_share_bp(bp);
    }
    Append(activity_, "deal-" + deal_id, won, clock_.Now());
  }

  void DealCancelled(const std::string& deal_id, const std::string& rep, int64_t minor_units,
                     const std::string& won_on, const std::string& cancelled_on,
                     const std::vector<std::pair<std::string, int>>& splits = {}) {
    activity::v1::DealCancelled cancelled;
    cancelled.set_deal_id(deal_id);
    cancelled.set_rep_id(rep);
    *cancelled.mutable_amount() = Cny(minor_units);
    cancelled.set_won_on(won_on);
    cancelled.set_cancelled_on(cancelled_on);
    for (const auto& [r, bp] : splits) {
      activity::v1::CreditSplit* s = cancelled.add_credit_splits();
      s->set_rep_id(r);
      s->set_share_bp(bp);
    }
    Append(activity_, "deal-" + deal_id, cancelled, clock_.Now());
  }

  // 2% to 50% of target, 5% to 100%, 8% above (marginal), and a 1,000.00 bonus at 100%,
  // for team t-sh from 2026-01-01.
  v1::Plan StandardPlan() {
    v1::Plan plan;
    plan.set_plan_id("std");
    plan.set_name("Standard");
    plan.set_effective_from("2026-01-01");
    plan.set_currency_code("CNY");
    v1::PlanAssignee* a = plan.add_assignees();
    a->set_kind(v1::ASSIGNEE_KIND_TEAM);
    a->set_id("t-sh");
    v1::Tiered* tiered = plan.mutable_tiered();
    tiered->set_mode(v1::TIER_MODE_MARGINAL);
    for (const auto& [from, rate] :
         std::vector<std::pair<int64_t, int64_t>>{{0, 20'000}, {5'000, 50'000}, {10'000, 80'000}}) {
      v1::Tier* t = tiered->add_tiers();
      t->set_from_bp(from);
      t->set_rate_ppm(rate);
    }
    v1::TargetBonus* bonus = plan.add_bonuses();
    bonus->set_id("b1");
    bonus->set_metric("revenue");
    bonus->set_threshold_bp(10'000);
    *bonus->mutable_amount() = Cny(100'000);
    return plan;
  }

  v1::Plan Publish(const v1::Plan& plan) {
    v1::PublishPlanRequest request;
    request.set_request_id(NextRequestId());
    *request.mutable_plan() = plan;
    absl::StatusOr<v1::PublishPlanResponse> r = Call(&Stub::PublishPlan, request, "ceo");
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->plan() : v1::Plan();
  }

  absl::StatusOr<v1::StatementView> Statement(const std::string& rep, const std::string& period) {
    v1::GetStatementRequest request;
    request.set_rep_id(rep);
    request.set_period_id(period);
    absl::StatusOr<v1::GetStatementResponse> r = Call(&Stub::GetStatement, request);
    if (!r.ok()) return r.status();
    return r->statement();
  }

  FakeClock clock_;
  salesperf::testing::TempDir dir_;
  eventstore::MemoryEventStore targets_;
  eventstore::MemoryEventStore activity_;
  eventstore::MemoryEventStore feedback_;
  std::unique_ptr<IncentivesService> service_;
  std::unique_ptr<server::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
  int request_counter_ = 0;
};

// The line of `statement` with `key`, or null.
inline const v1::StatementLine* FindLine(const v1::Statement& statement, const std::string& key) {
  for (const v1::StatementLine& l : statement.lines()) {
    if (l.key() == key) return &l;
  }
  return nullptr;
}

}  // namespace salesperf::incentives::testing

#endif  // SALESPERF_SERVICES_INCENTIVES_TESTING_SERVICE_FIXTURE_H_
