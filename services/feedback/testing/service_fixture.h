// Test fixture for the feedback service: a FeedbackService on RocksDB in a TempDir with a
// FakeClock and no background sweeper (tests call SweepOnce), served on 127.0.0.1:0 and
// called through a real channel. The organisation comes from an upstream
// MemoryEventStore (source "targets") holding org events, as salesperfd would pass the
// targets store.
//
// Seeded organisation (from 2026-01-01, Asia/Shanghai): region "east" with teams "t-sh"
// (manager "tom": reps alice, bob) and "t-hz" (manager "hank": rep carol); region "west"
// with team "t-cd" (rep dave). The clock reads 2026-11-02 10:00 in Shanghai.
#ifndef SALESPERF_SERVICES_FEEDBACK_TESTING_SERVICE_FIXTURE_H_
#define SALESPERF_SERVICES_FEEDBACK_TESTING_SERVICE_FIXTURE_H_

#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
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
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"
#include "salesperf/feedback/v1/feedback.grpc.pb.h"
#include "salesperf/targets/v1/events.pb.h"
#include "services/feedback/feedback_service.h"

namespace salesperf::feedback::testing {

using Stub = v1::FeedbackService::Stub;
namespace tv1 = ::salesperf::targets::v1;

inline absl::TimeZone Shanghai() { return DefaultTimeZone(); }

class ServiceFixture : public ::testing::Test {
 protected:
  ServiceFixture()
      : clock_(absl::FromCivil(absl::CivilSecond(2026, 11, 2, 10, 0, 0), Shanghai())),
        org_store_(eventstore::MemoryEventStoreOptions{"targets", &clock_, 7}) {}
  ~ServiceFixture() override { Close(); }

  void SetUp() override {
    SeedOrganisation();
    ASSERT_NO_FATAL_FAILURE(Open());
  }

  void Open() {
    FeedbackServiceOptions options;
    options.env.data_dir = dir_.path().string();
    options.env.clock = &clock_;
    options.env.event_id_seed = 42;
    options.env.upstream_stores = {&org_store_};
    options.sweep_interval = absl::ZeroDuration();
    // A registry per opening: a reopened service registers its metrics afresh.
    registry_ = std::make_shared<prometheus::Registry>();
    options.env.metrics = registry_.get();
    ASSERT_OK_AND_ASSIGN(service_, FeedbackService::Open(options));
    server_ = std::make_unique<server::Server>(server::ServerOptions{});
    for (grpc::Service* s : service_->grpc_services()) server_->RegisterService(s);
    ASSERT_OK(server_->Start());
    ASSERT_OK(service_->Start());
    ASSERT_OK(service_->CatchUp(absl::Seconds(30)));
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::FeedbackService::NewStub(channel_);
  }

  void Close() {
    if (server_ != nullptr) server_->Shutdown(absl::Now() + absl::Seconds(5));
    stub_.reset();
    channel_.reset();
    server_.reset();
    service_.reset();
  }

  // The value of the counter `name` with label set `labels` ("" for none), e.g.
  // Counter("salesperf_feedback_alerts_raised_total", "reason=\"low_csat\""); -1 if absent.
  double Counter(const std::string& name, const std::string& labels = "") {
    const std::string text = prometheus::TextSerializer().Serialize(registry_->Collect());
    const std::string series = labels.empty() ? name : absl::StrCat(name, "{", labels, "}");
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      if (!absl::ConsumePrefix(&line, series) || !absl::ConsumePrefix(&line, " ")) continue;
      double value = 0;
      if (absl::SimpleAtod(line, &value)) return value;
    }
    return -1;
  }

  template <typename Req, typename Resp>
  absl::StatusOr<Resp> Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                            const Req& request, const std::string& actor = "ops") {
    return ::salesperf::testing::CallAs(*stub_, method, request, actor);
  }

  std::string NextRequestId() { return absl::StrCat("req-", ++request_counter_); }
  uint64_t Head() { return service_->store().HeadSequence(); }

  // --- The organisation, as the targets service would publish it.
  void AppendOrg(const tv1::OrgEvent& event) {
    const google::protobuf::Reflection* r = event.GetReflection();
    const google::protobuf::FieldDescriptor* f =
        r->GetOneofFieldDescriptor(event, tv1::OrgEvent::descriptor()->oneof_decl(0));
    ASSERT_NE(f, nullptr);
    eventstore::AppendRequest append;
    append.stream_id = "org";
    append.expected_version = eventstore::ExpectedVersion::Any();
    common::v1::EventEnvelope& envelope = append.events.emplace_back();
    envelope.mutable_payload()->PackFrom(r->GetMessage(event, f));
    ASSERT_OK(org_store_.Append(std::move(append)));
  }
  void CreateRegion(const std::string& id) {
    tv1::OrgEvent e;
    e.mutable_region_created()->set_region_id(id);
    e.mutable_region_created()->set_name(id);
    e.mutable_region_created()->set_effective_from("2026-01-01");
    AppendOrg(e);
  }
  void CreateTeam(const std::string& id, const std::string& region, const std::string& manager) {
    tv1::OrgEvent e;
    e.mutable_team_created()->set_team_id(id);
    e.mutable_team_created()->set_region_id(region);
    e.mutable_team_created()->set_name(id);
    e.mutable_team_created()->set_effective_from("2026-01-01");
    AppendOrg(e);
    if (!manager.empty()) {
      tv1::OrgEvent m;
      m.mutable_manager_assigned()->mutable_scope()->set_kind(common::v1::SCOPE_KIND_TEAM);
      m.mutable_manager_assigned()->mutable_scope()->set_id(id);
      m.mutable_manager_assigned()->set_manager_id(manager);
      m.mutable_manager_assigned()->set_effective_from("2026-01-01");
      AppendOrg(m);
    }
  }
  void HireRep(const std::string& id, const std::string& team, const std::string& region) {
    tv1::OrgEvent e;
    e.mutable_rep_hired()->set_rep_id(id);
    e.mutable_rep_hired()->set_display_name(id);
    e.mutable_rep_hired()->set_team_id(team);
    e.mutable_rep_hired()->set_region_id(region);
    e.mutable_rep_hired()->set_effective_from("2026-01-01");
    AppendOrg(e);
  }
  void MoveRep(const std::string& id, const std::string& from_team, const std::string& from_region,
               const std::string& to_team, const std::string& to_region, const std::string& date) {
    tv1::OrgEvent e;
    tv1::RepMoved* m = e.mutable_rep_moved();
    m->set_rep_id(id);
    m->set_from_team_id(from_team);
    m->set_from_region_id(from_region);
    m->set_to_team_id(to_team);
    m->set_to_region_id(to_region);
    m->set_effective_from(date);
    AppendOrg(e);
  }
  void SeedOrganisation() {
    tv1::OrgEvent settings;
    tv1::OrganisationSettings* s =
        settings.mutable_organisation_settings_changed()->mutable_settings();
    s->set_company_name("Acme");
    s->set_time_zone("Asia/Shanghai");
    s->set_currency_code("CNY");
    s->set_fiscal_year_start_month(1);
    AppendOrg(settings);
    CreateRegion("east");
    CreateRegion("west");
    CreateTeam("t-sh", "east", "tom");
    CreateTeam("t-hz", "east", "hank");
    CreateTeam("t-cd", "west", "");
    HireRep("alice", "t-sh", "east");
    HireRep("bob", "t-sh", "east");
    HireRep("carol", "t-hz", "east");
    HireRep("dave", "t-cd", "west");
  }

  // --- Feedback builders.
  static v1::Question MakeQuestion(const std::string& id, v1::QuestionKind kind, bool required) {
    v1::Question q;
    q.set_question_id(id);
    q.set_kind(kind);
    q.set_text("Question " + id);
    q.set_required(required);
    return q;
  }
  void DefineSurvey(const std::string& id = "post-visit") {
    v1::DefineSurveyRequest r;
    r.set_request_id(NextRequestId());
    r.set_survey_id(id);
    r.set_name("After a visit");
    *r.add_questions() = MakeQuestion("csat", v1::QUESTION_KIND_CSAT, false);
    *r.add_questions() = MakeQuestion("nps", v1::QUESTION_KIND_NPS, false);
    *r.add_questions() = MakeQuestion("comment", v1::QUESTION_KIND_TEXT, false);
    r.set_response_window_seconds(24 * 3600);
    ASSERT_OK(Call(&Stub::DefineSurvey, r));
  }
  v1::SendSurveyRequest SendRequest(const std::string& rep, const std::string& id = "") {
    v1::SendSurveyRequest r;
    r.set_request_id(NextRequestId());
    r.set_survey_request_id(id);
    r.set_survey_id("post-visit");
    r.set_rep_id(rep);
    r.set_customer_id("cust-" + rep);
    r.mutable_touchpoint()->set_kind(v1::TOUCHPOINT_KIND_VISIT);
    r.mutable_touchpoint()->set_id("visit-" + rep);
    return r;
  }
  std::string Send(const std::string& rep, const std::string& id = "") {
    absl::StatusOr<v1::SendSurveyResponse> r = Call(&Stub::SendSurvey, SendRequest(rep, id));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->survey_request().survey_request_id() : "";
  }
  v1::RecordSurveyResponseRequest ResponseRequest(const std::string& id, std::optional<int> csat,
                                                  std::optional<int> nps) {
    v1::RecordSurveyResponseRequest r;
    r.set_request_id(NextRequestId());
    r.set_survey_request_id(id);
    if (csat) {
      v1::Answer* a = r.add_answers();
      a->set_question_id("csat");
      a->set_score(*csat);
    }
    if (nps) {
      v1::Answer* a = r.add_answers();
      a->set_question_id("nps");
      a->set_score(*nps);
    }
    return r;
  }
  absl::StatusOr<v1::RecordSurveyResponseResponse> Respond(const std::string& id,
                                                           std::optional<int> csat,
                                                           std::optional<int> nps) {
    return Call(&Stub::RecordSurveyResponse, ResponseRequest(id, csat, nps));
  }

  FakeClock clock_;
  eventstore::MemoryEventStore org_store_;
  salesperf::testing::TempDir dir_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<FeedbackService> service_;
  std::unique_ptr<server::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
  int request_counter_ = 0;
};

}  // namespace salesperf::feedback::testing

#endif  // SALESPERF_SERVICES_FEEDBACK_TESTING_SERVICE_FIXTURE_H_
