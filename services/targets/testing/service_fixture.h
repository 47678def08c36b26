// Test fixture for the targets service: a TargetsService on RocksDB in a TempDir with a
// FakeClock, served by a libs/server Server on 127.0.0.1:0, called through a real channel.
// Errors come back through libs/server FromGrpcStatus, so field violations are read from
// the grpc-status-details-bin trailer exactly as a client would.
//
// The seeded organisation (all from 2026-01-01): company manager "ceo"; region "east"
// (manager "emma") with teams "t-sh" (manager "tom": reps alice, bob) and "t-hz"
// (rep carol); region "west" with team "t-cd". The clock reads 2026-11-02 10:00 in
// Shanghai (a Monday).
#ifndef SALESPERF_SERVICES_TARGETS_TESTING_SERVICE_FIXTURE_H_
#define SALESPERF_SERVICES_TARGETS_TESTING_SERVICE_FIXTURE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "libs/common/clock.h"
#include "libs/common/period.h"
#include "libs/server/server.h"
#include "libs/server/status.h"
#include "libs/testing/grpc_call.h"
#include "libs/testing/status_matchers.h"
#include "libs/testing/temp_dir.h"
#include "salesperf/targets/v1/targets.grpc.pb.h"
#include "services/targets/targets_service.h"

namespace salesperf::targets::testing {

using Stub = v1::TargetsService::Stub;

inline common::v1::ScopeRef MakeScope(common::v1::ScopeKind kind, std::string id = "") {
  common::v1::ScopeRef scope;
  scope.set_kind(kind);
  scope.set_id(std::move(id));
  return scope;
}

inline v1::TargetValue Cny(int64_t minor_units) {
  v1::TargetValue value;
  value.mutable_money()->set_currency_code("CNY");
  value.mutable_money()->set_minor_units(minor_units);
  return value;
}

class ServiceFixture : public ::testing::Test {
 protected:
  ServiceFixture()
      : clock_(absl::FromCivil(absl::CivilSecond(2026, 11, 2, 10, 0, 0), DefaultTimeZone())) {}
  ~ServiceFixture() override { Close(); }

  void SetUp() override { ASSERT_NO_FATAL_FAILURE(Open()); }

  void Open() {
    TargetsServiceOptions options;
    options.env.data_dir = dir_.path().string();
    options.env.clock = &clock_;
    options.env.event_id_seed = 42;
    ASSERT_OK_AND_ASSIGN(service_, TargetsService::Open(options));
    server_ = std::make_unique<server::Server>(server::ServerOptions{});
    server_->RegisterService(service_->grpc_service());
    ASSERT_OK(server_->Start());
    ASSERT_OK(service_->Start());
    ASSERT_OK(service_->CatchUp(absl::Seconds(30)));
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::TargetsService::NewStub(channel_);
  }

  // Closes the server and the service (storage included), as a process exit would.
  void Close() {
    if (server_ != nullptr) server_->Shutdown(absl::Now() + absl::Seconds(5));
    stub_.reset();
    channel_.reset();
    server_.reset();
    service_.reset();
  }

  // Calls `method` as `actor` ("" for anonymous).
  template <typename Req, typename Resp>
  absl::StatusOr<Resp> Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                            const Req& request, const std::string& actor = "ceo") {
    return ::salesperf::testing::CallAs(*stub_, method, request, actor);
  }

  std::string NextRequestId() { return absl::StrCat("req-", ++request_counter_); }
  uint64_t Head() { return service_->store().HeadSequence(); }

  // --- Organisation builders (each fails the test on error).
  void CreateRegion(const std::string& id, const std::string& manager = "") {
    v1::CreateRegionRequest r;
    r.set_request_id(NextRequestId());
    r.set_region_id(id);
    r.set_name("Region " + id);
    r.set_effective_from("2026-01-01");
    ASSERT_OK(Call(&Stub::CreateRegion, r));
    if (!manager.empty()) {
      AssignManager(MakeScope(common::v1::SCOPE_KIND_REGION, id), manager);
    }
  }
  void CreateTeam(const std::string& id, const std::string& region,
                  const std::string& manager = "") {
    v1::CreateTeamRequest r;
    r.set_request_id(NextRequestId());
    r.set_team_id(id);
    r.set_region_id(region);
    r.set_name("Team " + id);
    r.set_effective_from("2026-01-01");
    ASSERT_OK(Call(&Stub::CreateTeam, r));
    if (!manager.empty()) AssignManager(MakeScope(common::v1::SCOPE_KIND_TEAM, id), manager);
  }
  void HireRep(const std::string& id, const std::string& team) {
    v1::HireRepRequest r;
    r.set_request_id(NextRequestId());
    r.set_rep_id(id);
    r.set_display_name("Rep " + id);
    r.set_team_id(team);
    r.set_effective_from("2026-01-01");
    ASSERT_OK(Call(&Stub::HireRep, r));
  }
  void AssignManager(const common::v1::ScopeRef& scope, const std::string& manager) {
    v1::AssignManagerRequest r;
    r.set_request_id(NextRequestId());
    *r.mutable_scope() = scope;
    r.set_manager_id(manager);
    r.set_effective_from("2026-01-01");
    ASSERT_OK(Call(&Stub::AssignManager, r));
  }
  void SeedOrganisation() {
    v1::SetOrganisationSettingsRequest s;
    s.set_request_id(NextRequestId());
    s.mutable_settings()->set_company_name("Acme");
    s.mutable_settings()->set_time_zone("Asia/Shanghai");
    s.mutable_settings()->set_currency_code("CNY");
    s.mutable_settings()->set_fiscal_year_start_month(1);
    ASSERT_OK(Call(&Stub::SetOrganisationSettings, s));
    AssignManager(MakeScope(common::v1::SCOPE_KIND_COMPANY), "ceo");
    CreateRegion("east", "emma");
    CreateRegion("west");
    CreateTeam("t-sh", "east", "tom");
    CreateTeam("t-hz", "east");
    CreateTeam("t-cd", "west");
    HireRep("alice", "t-sh");
    HireRep("bob", "t-sh");
    HireRep("carol", "t-hz");
  }

  // A draft revenue target for November 2026.
  v1::DraftTargetRequest DraftRequest(const common::v1::ScopeRef& scope, int64_t minor_units,
                                      const std::string& target_id = "") {
    v1::DraftTargetRequest r;
    r.set_request_id(NextRequestId());
    r.set_target_id(target_id);
    v1::TargetSpec* spec = r.mutable_spec();
    spec->set_name("November revenue");
    spec->set_description("Close new revenue in November");
    *spec->mutable_scope() = scope;
    spec->set_metric(v1::METRIC_REVENUE);
    spec->mutable_period()->set_id("2026-11");
    *spec->mutable_value() = Cny(minor_units);
    return r;
  }
  v1::Target Draft(const common::v1::ScopeRef& scope, int64_t minor_units,
                   const std::string& target_id) {
    absl::StatusOr<v1::DraftTargetResponse> r =
        Call(&Stub::DraftTarget, DraftRequest(scope, minor_units, target_id), "tom");
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->target() : v1::Target();
  }

  FakeClock clock_;
  salesperf::testing::TempDir dir_;
  std::unique_ptr<TargetsService> service_;
  std::unique_ptr<server::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
  int request_counter_ = 0;
};

}  // namespace salesperf::targets::testing

#endif  // SALESPERF_SERVICES_TARGETS_TESTING_SERVICE_FIXTURE_H_
