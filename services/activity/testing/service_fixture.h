// A running ActivityService for tests: real RocksDB in a TempDir, a FakeClock, the
// targets service's organisation fed through an in-memory "targets" event store passed as
// an upstream store (as salesperfd does), and a gRPC server on port 0 with a stub.
#ifndef SALESPERF_SERVICES_ACTIVITY_TESTING_SERVICE_FIXTURE_H_
#define SALESPERF_SERVICES_ACTIVITY_TESTING_SERVICE_FIXTURE_H_

#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/any.pb.h"
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
#include "salesperf/activity/v1/activity.grpc.pb.h"
#include "salesperf/targets/v1/events.pb.h"
#include "services/activity/activity_service.h"
#include "services/activity/domain/values.h"

namespace salesperf::activity::testing {

using Stub = v1::ActivityService::Stub;

inline common::v1::Money Cny(int64_t minor) {
  common::v1::Money m;
  m.set_currency_code("CNY");
  m.set_minor_units(minor);
  return m;
}

inline v1::GeoPoint Point(double lat, double lon, double accuracy = 0) {
  v1::GeoPoint p;
  p.set_latitude(lat);
  p.set_longitude(lon);
  p.set_accuracy_meters(accuracy);
  return p;
}

class ServiceFixture : public ::testing::Test {
 protected:
  // 2026-11-23 10:00 in Shanghai.
  ServiceFixture()
      : clock_(absl::FromCivil(absl::CivilSecond(2026, 11, 23, 10, 0, 0), DefaultTimeZone())),
        targets_store_(eventstore::MemoryEventStoreOptions{"targets", &clock_, 7}) {}
  ~ServiceFixture() override { Close(); }

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(SeedOrganisation());
    ASSERT_NO_FATAL_FAILURE(Open());
  }

  void Open() {
    ActivityServiceOptions options;
    options.env.data_dir = dir_.path().string();
    options.env.clock = &clock_;
    options.env.event_id_seed = 42;
    options.env.upstream_stores = {&targets_store_};
    options.run_risk_reactor = false;
    ASSERT_OK_AND_ASSIGN(service_, ActivityService::Open(options));
    server_ = std::make_unique<server::Server>(server::ServerOptions{});
    for (grpc::Service* s : service_->grpc_services()) server_->RegisterService(s);
    ASSERT_OK(server_->Start());
    ASSERT_OK(service_->Start());
    ASSERT_OK(service_->CatchUp(absl::Seconds(30)));
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::ActivityService::NewStub(channel_);
  }

  void Close() {
    if (server_ != nullptr) server_->Shutdown(absl::Now() + absl::Seconds(5));
    stub_.reset();
    channel_.reset();
    server_.reset();
    service_.reset();
  }

  template <typename Req, typename Resp>
  absl::StatusOr<Resp> Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                            const Req& request, const std::string& actor = "alice") {
    return ::salesperf::testing::CallAs(*stub_, method, request, actor);
  }

  std::string NextRequestId() { return absl::StrCat("req-", ++request_counter_); }
  uint64_t Head() { return service_->store().HeadSequence(); }

  // Appends one organisation event to the targets store (stream "org").
  template <typename Event>
  void AppendOrg(const Event& event) {
    eventstore::AppendRequest append;
    append.stream_id = "org";
    eventstore::EventEnvelope envelope;
    envelope.mutable_payload()->PackFrom(event);
    *envelope.mutable_occurred_at() = ToTimestamp(clock_.Now());
    append.events.push_back(envelope);
    ASSERT_OK(targets_store_.Append(std::move(append)));
  }

  // Shanghai, CNY; regions east and north; teams t-sh (east) and t-bj (north); alice and
  // bob hired into t-sh on 2026-01-01; alice moved to t-bj from 2026-11-20.
  void SeedOrganisation() {
    targets::v1::OrganisationSettingsChanged settings;
    settings.mutable_settings()->set_time_zone("Asia/Shanghai");
    settings.mutable_settings()->set_currency_code("CNY");
    settings.mutable_settings()->set_fiscal_year_start_month(1);
    AppendOrg(settings);
    for (auto [team, region] : {std::pair{"t-sh", "east"}, std::pair{"t-bj", "north"}}) {
      targets::v1::TeamCreated t;
      t.set_team_id(team);
      t.set_region_id(region);
      t.set_effective_from("2026-01-01");
      AppendOrg(t);
    }
    for (const char* rep : {"alice", "bob"}) {
      targets::v1::RepHired h;
      h.set_rep_id(rep);
      h.set_team_id("t-sh");
      h.set_region_id("east");
      h.set_effective_from("2026-01-01");
      AppendOrg(h);
    }
    targets::v1::RepMoved moved;
    moved.set_rep_id("alice");
    moved.set_from_team_id("t-sh");
    moved.set_from_region_id("east");
    moved.set_to_team_id("t-bj");
    moved.set_to_region_id("north");
    moved.set_effective_from("2026-11-20");
    AppendOrg(moved);
  }

  // Registers customer `id` owned by `owner` at the Bund, Shanghai.
  v1::Customer RegisterCustomer(const std::string& id, const std::string& owner = "alice") {
    v1::RegisterCustomerRequest r;
    r.set_request_id(NextRequestId());
    r.set_customer_id(id);
    r.set_name("Customer " + id);
    *r.mutable_location() = Point(31.2400, 121.4900);
    r.set_region_id("east");
    r.set_owner_rep_id(owner);
    absl::StatusOr<v1::RegisterCustomerResponse> response = Call(&Stub::RegisterCustomer, r);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->customer() : v1::Customer{};
  }

  v1::CallRecord CallRecordOf(const std::string& external_id, const std::string& rep = "alice",
                              absl::Duration ago = absl::Hours(1)) {
    v1::CallRecord r;
    r.set_rep_id(rep);
    r.set_customer_id("c1");
    r.set_direction(v1::CALL_DIRECTION_OUTBOUND);
    *r.mutable_started_at() = ToTimestamp(clock_.Now() - ago);
    r.set_duration_seconds(120);
    r.set_outcome(v1::CALL_OUTCOME_CONNECTED);
    r.set_external_call_id(external_id);
    r.set_phone_system("pbx");
    return r;
  }

  // Streams `batches` through ImportCalls.
  absl::StatusOr<v1::ImportCallsResponse> Import(
      const std::vector<v1::ImportCallsRequest>& batches) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    v1::ImportCallsResponse response;
    std::unique_ptr<grpc::ClientWriter<v1::ImportCallsRequest>> writer =
        stub_->ImportCalls(&context, &response);
    for (const v1::ImportCallsRequest& b : batches) {
      if (!writer->Write(b)) break;
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    if (!status.ok()) return server::FromGrpcStatus(status);
    return response;
  }

  FakeClock clock_;
  eventstore::MemoryEventStore targets_store_;
  salesperf::testing::TempDir dir_;
  std::unique_ptr<ActivityService> service_;
  std::unique_ptr<server::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
  int request_counter_ = 0;
};

}  // namespace salesperf::activity::testing

#endif  // SALESPERF_SERVICES_ACTIVITY_TESTING_SERVICE_FIXTURE_H_
