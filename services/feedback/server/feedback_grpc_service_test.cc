#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/validation.h"
#include "services/feedback/app/event_codec.h"
#include "services/feedback/projections/feedback_views.h"
#include "services/feedback/testing/service_fixture.h"

namespace salesperf::feedback {
namespace {

using ::salesperf::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Stub;

class FeedbackGrpcTest : public testing::ServiceFixture {
 protected:
  std::vector<std::string> Fields(const absl::Status& status) {
    std::vector<std::string> fields;
    for (const FieldViolation& v : FieldViolationsOf(status)) fields.push_back(v.field);
    return fields;
  }
  v1::SurveyRequest GetRequest(const std::string& id) {
    v1::GetSurveyRequestRequest r;
    r.set_survey_request_id(id);
    absl::StatusOr<v1::GetSurveyRequestResponse> got = Call(&Stub::GetSurveyRequest, r);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? got->survey_request() : v1::SurveyRequest();
  }
  v1::FeedbackSummary Summary(common::v1::ScopeKind kind, const std::string& id,
                              const std::string& period) {
    v1::GetFeedbackSummaryRequest r;
    r.mutable_scope()->set_kind(kind);
    r.mutable_scope()->set_id(id);
    r.mutable_period()->set_id(period);
    absl::StatusOr<v1::GetFeedbackSummaryResponse> got = Call(&Stub::GetFeedbackSummary, r);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? got->summary() : v1::FeedbackSummary();
  }
  v1::OpenComplaintRequest ComplaintRequest(v1::ComplaintSeverity severity) {
    v1::OpenComplaintRequest r;
    r.set_request_id(NextRequestId());
    r.set_complaint_id("c1");
    r.set_rep_id("alice");
    r.set_customer_id("cust-1");
    r.set_deal_id("deal-1");
    r.set_category("delivery");
    r.set_severity(severity);
    r.set_description("late delivery");
    return r;
  }
};

TEST_F(FeedbackGrpcTest, SendAndRespondRecordsScoresOnce) {
  DefineSurvey();
  const std::string id = Send("alice");
  EXPECT_THAT(id, HasSubstr("sr-"));
  v1::SurveyRequest pending = GetRequest(id);
  EXPECT_EQ(pending.status(), v1::SURVEY_REQUEST_STATUS_PENDING);
  EXPECT_EQ(pending.rep_id(), "alice");
  EXPECT_EQ(pending.touchpoint().id(), "visit-alice");

  clock_.Advance(absl::Hours(2));
  const v1::RecordSurveyResponseRequest first = ResponseRequest(id, 5, 10);
  ASSERT_OK_AND_ASSIGN(v1::RecordSurveyResponseResponse answered,
                       Call(&Stub::RecordSurveyResponse, first));
  EXPECT_EQ(answered.survey_request().status(), v1::SURVEY_REQUEST_STATUS_ANSWERED);
  EXPECT_EQ(answered.survey_request().csat_score(), 5);
  EXPECT_EQ(answered.survey_request().nps_score(), 10);
  EXPECT_TRUE(answered.alerts().empty());
  EXPECT_THAT(GetRequest(id), salesperf::testing::EqualsProto(answered.survey_request()));

  // The same request again: the first response, nothing written.
  const uint64_t head = Head();
  clock_.Advance(absl::Minutes(5));
  ASSERT_OK_AND_ASSIGN(v1::RecordSurveyResponseResponse retried,
                       Call(&Stub::RecordSurveyResponse, first));
  EXPECT_THAT(retried, salesperf::testing::EqualsProto(answered));
  EXPECT_EQ(Head(), head);
  // The same request_id for another request.
  v1::RecordSurveyResponseRequest reused = ResponseRequest(id, 1, 0);
  reused.set_request_id(first.request_id());
  EXPECT_THAT(Call(&Stub::RecordSurveyResponse, reused),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("already used")));
  // A second response with a new request_id.
  EXPECT_THAT(Respond(id, 1, 0),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("survey request " + id + " was already answered at")));
  EXPECT_EQ(Head(), head);
}

TEST_F(FeedbackGrpcTest, ValidationErrorsCarryFieldPaths) {
  DefineSurvey();
  const std::string id = Send("alice");
  v1::RecordSurveyResponseRequest bad = ResponseRequest(id, 6, 11);
  absl::StatusOr<v1::RecordSurveyResponseResponse> got = Call(&Stub::RecordSurveyResponse, bad);
  EXPECT_THAT(got, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Fields(got.status()), ElementsAre("answers[0].score", "answers[1].score"));

  v1::SendSurveyRequest no_id = SendRequest("alice");
  no_id.set_request_id("");
  EXPECT_THAT(Fields(Call(&Stub::SendSurvey, no_id).status()), ElementsAre("request_id"));
  v1::SendSurveyRequest unknown = SendRequest("alice");
  unknown.set_survey_id("nope");
  EXPECT_THAT(Call(&Stub::SendSurvey, unknown), StatusIs(absl::StatusCode::kNotFound));
  v1::GetSurveyRequestRequest missing;
  missing.set_survey_request_id("nope");
  EXPECT_THAT(Call(&Stub::GetSurveyRequest, missing), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(FeedbackGrpcTest, DetractorRaisesOneAlertForTheTeamManager) {
  DefineSurvey();
  const std::string id = Send("alice");
  ASSERT_OK_AND_ASSIGN(v1::RecordSurveyResponseResponse r, Respond(id, 2, 3));
  ASSERT_EQ(r.alerts_size(), 2);
  EXPECT_EQ(r.alerts(0).reason(), v1::ALERT_REASON_NPS_DETRACTOR);
  EXPECT_EQ(r.alerts(0).manager_id(), "tom");
  EXPECT_EQ(r.alerts(0).score(), 3);
  EXPECT_EQ(r.alerts(1).reason(), v1::ALERT_REASON_LOW_CSAT);
  // Carol's manager is hank; an unknown rep has no manager.
  const std::string carol = Send("carol");
  ASSERT_OK_AND_ASSIGN(v1::RecordSurveyResponseResponse c, Respond(carol, std::nullopt, 0));
  ASSERT_EQ(c.alerts_size(), 1);
  EXPECT_EQ(c.alerts(0).manager_id(), "hank");
  const std::string stranger = Send("stranger");
  ASSERT_OK_AND_ASSIGN(v1::RecordSurveyResponseResponse s, Respond(stranger, 1, std::nullopt));
  ASSERT_EQ(s.alerts_size(), 1);
  EXPECT_EQ(s.alerts(0).manager_id(), "");

  v1::ListAlertsRequest list;
  list.set_manager_id("tom");
  ASSERT_OK_AND_ASSIGN(v1::ListAlertsResponse alerts, Call(&Stub::ListAlerts, list));
  ASSERT_EQ(alerts.alerts_size(), 2);
  EXPECT_EQ(alerts.alerts(0).source_id(), id);
  // Each alert is its own stream, written once with its cause.
  ASSERT_OK_AND_ASSIGN(uint64_t version,
                       service_->store().StreamVersion(AlertStreamId(id + ".nps")));
  EXPECT_EQ(version, 1u);
}

TEST_F(FeedbackGrpcTest, MetricsCountWhatWasAppendedNeverAReplay) {
  DefineSurvey();
  const std::string id = Send("alice");
  const v1::RecordSurveyResponseRequest response = ResponseRequest(id, 2, 3);
  ASSERT_OK(Call(&Stub::RecordSurveyResponse, response));
  ASSERT_OK(Call(&Stub::RecordSurveyResponse, response));  // a retry: replayed
  EXPECT_EQ(Counter("salesperf_feedback_alerts_raised_total", "reason=\"nps_detractor\""), 1);
  EXPECT_EQ(Counter("salesperf_feedback_alerts_raised_total", "reason=\"low_csat\""), 1);
  EXPECT_EQ(Counter("salesperf_feedback_alerts_raised_total", "reason=\"severe_complaint\""), 0);
  ASSERT_OK(Call(&Stub::OpenComplaint, ComplaintRequest(v1::COMPLAINT_SEVERITY_CRITICAL)));
  EXPECT_EQ(Counter("salesperf_feedback_alerts_raised_total", "reason=\"severe_complaint\""), 1);

  Send("bob");
  clock_.Advance(absl::Hours(25));  // past the survey window and the complaint's deadline
  ASSERT_OK_AND_ASSIGN(SweepResult swept, service_->application().SweepOnce(clock_.Now()));
  EXPECT_EQ(Counter("salesperf_feedback_surveys_expired_total"), swept.surveys_expired);
  EXPECT_EQ(Counter("salesperf_feedback_sla_breaches_total"), swept.sla_breaches);
  EXPECT_EQ(swept.surveys_expired, 1);
  EXPECT_GE(swept.sla_breaches, 1);
  ASSERT_OK(service_->application().SweepOnce(clock_.Now()));  // nothing new is due
  EXPECT_EQ(Counter("salesperf_feedback_surveys_expired_total"), 1);
}

TEST_F(FeedbackGrpcTest, LateResponsesAreRejectedAndTheSweeperExpiresOnce) {
  DefineSurvey();
  const std::string id = Send("alice");
  const std::string answered = Send("bob");
  ASSERT_OK(Respond(answered, 4, 8));
  clock_.Advance(absl::Hours(23));
  ASSERT_OK_AND_ASSIGN(SweepResult early, service_->application().SweepOnce(clock_.Now()));
  EXPECT_EQ(early, (SweepResult{0, 0}));

  clock_.Advance(absl::Hours(1));  // exactly the deadline
  const absl::Time deadline = clock_.Now();
  EXPECT_THAT(Respond(id, 5, std::nullopt),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("survey request " + id + " expired at")));
  // Two sweeps at once (two replicas): one expiry.
  std::vector<absl::StatusOr<SweepResult>> results(2);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] { results[i] = service_->application().SweepOnce(clock_.Now()); });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_OK(results[0]);
  ASSERT_OK(results[1]);
  EXPECT_EQ(results[0]->surveys_expired + results[1]->surveys_expired, 1);
  ASSERT_OK_AND_ASSIGN(SweepResult again, service_->application().SweepOnce(clock_.Now()));
  EXPECT_EQ(again.surveys_expired, 0);

  v1::SurveyRequest expired = GetRequest(id);
  EXPECT_EQ(expired.status(), v1::SURVEY_REQUEST_STATUS_EXPIRED);
  EXPECT_EQ(FromTimestamp(expired.expired_at()), deadline);
  v1::ListSurveyRequestsRequest list;
  list.set_status(v1::SURVEY_REQUEST_STATUS_EXPIRED);
  ASSERT_OK_AND_ASSIGN(v1::ListSurveyRequestsResponse page, Call(&Stub::ListSurveyRequests, list));
  ASSERT_EQ(page.survey_requests_size(), 1);
  EXPECT_EQ(page.survey_requests(0).survey_request_id(), id);
  EXPECT_THAT(Respond(id, 5, std::nullopt),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("expired at")));
}

TEST_F(FeedbackGrpcTest, ComplaintLifecycleWithSlaBreaches) {
  ASSERT_OK_AND_ASSIGN(v1::OpenComplaintResponse opened,
                       Call(&Stub::OpenComplaint, ComplaintRequest(v1::COMPLAINT_SEVERITY_HIGH)));
  EXPECT_EQ(opened.complaint().status(), v1::COMPLAINT_STATUS_OPEN);
  EXPECT_EQ(FromTimestamp(opened.complaint().first_response_due_at()),
            clock_.Now() + absl::Hours(4));
  ASSERT_EQ(opened.alerts_size(), 1);
  EXPECT_EQ(opened.alerts(0).reason(), v1::ALERT_REASON_SEVERE_COMPLAINT);
  EXPECT_EQ(opened.alerts(0).manager_id(), "tom");

  v1::AssignComplaintRequest assign;
  assign.set_request_id(NextRequestId());
  assign.set_complaint_id("c1");
  assign.set_assignee_id("agent7");
  ASSERT_OK(Call(&Stub::AssignComplaint, assign));

  clock_.Advance(absl::Hours(5));
  ASSERT_OK_AND_ASSIGN(SweepResult swept, service_->application().SweepOnce(clock_.Now()));
  EXPECT_EQ(swept.sla_breaches, 1);
  v1::ListComplaintsRequest breached;
  breached.set_breached_only(true);
  ASSERT_OK_AND_ASSIGN(v1::ListComplaintsResponse list, Call(&Stub::ListComplaints, breached));
  ASSERT_EQ(list.complaints_size(), 1);
  EXPECT_TRUE(list.complaints(0).first_response_breached());
  EXPECT_EQ(list.complaints(0).assignee_id(), "agent7");

  v1::RespondToComplaintRequest respond;
  respond.set_request_id(NextRequestId());
  respond.set_complaint_id("c1");
  respond.set_response("on it");
  ASSERT_OK(Call(&Stub::RespondToComplaint, respond));
  v1::ResolveComplaintRequest resolve;
  resolve.set_request_id(NextRequestId());
  resolve.set_complaint_id("c1");
  resolve.set_resolution("redelivered");
  ASSERT_OK_AND_ASSIGN(v1::ResolveComplaintResponse resolved,
                       Call(&Stub::ResolveComplaint, resolve));
  EXPECT_EQ(resolved.complaint().status(), v1::COMPLAINT_STATUS_RESOLVED);
  resolve.set_request_id(NextRequestId());
  EXPECT_THAT(Call(&Stub::ResolveComplaint, resolve),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("was resolved at")));

  // Resolved: no clock runs.
  clock_.Advance(absl::Hours(24 * 10));
  ASSERT_OK_AND_ASSIGN(swept, service_->application().SweepOnce(clock_.Now()));
  EXPECT_EQ(swept.sla_breaches, 0);

  v1::ReopenComplaintRequest reopen;
  reopen.set_request_id(NextRequestId());
  reopen.set_complaint_id("c1");
  reopen.set_reason("broken again");
  ASSERT_OK_AND_ASSIGN(v1::ReopenComplaintResponse reopened, Call(&Stub::ReopenComplaint, reopen));
  EXPECT_EQ(reopened.complaint().reopen_count(), 1);
  clock_.Advance(absl::Hours(24 * 3));  // HIGH: 3 days to resolve
  ASSERT_OK_AND_ASSIGN(swept, service_->application().SweepOnce(clock_.Now()));
  EXPECT_EQ(swept.sla_breaches, 1);
  v1::GetComplaintRequest get;
  get.set_complaint_id("c1");
  ASSERT_OK_AND_ASSIGN(v1::GetComplaintResponse complaint, Call(&Stub::GetComplaint, get));
  EXPECT_TRUE(complaint.complaint().resolution_breached());
  EXPECT_EQ(complaint.complaint().responses_size(), 1);
  // Opened, assigned, breached, responded, resolved, reopened, breached: nothing twice.
  EXPECT_EQ(complaint.complaint().version(), 7u);
}

TEST_F(FeedbackGrpcTest, CallbackKeepsThePhoneOnlyUntilCompletion) {
  const std::string phone = "+86 138 1234 5678";
  v1::ScheduleCallbackRequest schedule;
  schedule.set_request_id(NextRequestId());
  schedule.set_rep_id("bob");
  schedule.set_customer_id("cust-9");
  schedule.mutable_touchpoint()->set_kind(v1::TOUCHPOINT_KIND_DEAL);
  schedule.mutable_touchpoint()->set_id("deal-9");
  *schedule.mutable_due_at() = ToTimestamp(clock_.Now() + absl::Hours(24));
  schedule.set_assignee_id("agent7");
  schedule.set_contact_phone(phone);
  ASSERT_OK_AND_ASSIGN(v1::ScheduleCallbackResponse scheduled,
                       Call(&Stub::ScheduleCallback, schedule));
  const std::string id = scheduled.callback().callback_id();
  EXPECT_EQ(scheduled.callback().contact_phone(), phone);
  v1::ListCallbacksRequest list;
  list.set_rep_id("bob");
  ASSERT_OK_AND_ASSIGN(v1::ListCallbacksResponse before, Call(&Stub::ListCallbacks, list));
  ASSERT_EQ(before.callbacks_size(), 1);
  EXPECT_EQ(before.callbacks(0).contact_phone(), phone);

  v1::CompleteCallbackRequest complete;
  complete.set_request_id(NextRequestId());
  complete.set_callback_id(id);
  complete.set_outcome(v1::CALLBACK_OUTCOME_REACHED);
  complete.set_csat_score(2);
  ASSERT_OK_AND_ASSIGN(v1::CompleteCallbackResponse done, Call(&Stub::CompleteCallback, complete));
  EXPECT_EQ(done.callback().status(), v1::CALLBACK_STATUS_COMPLETED);
  ASSERT_EQ(done.alerts_size(), 1);
  EXPECT_EQ(done.alerts(0).reason(), v1::ALERT_REASON_LOW_CSAT);
  ASSERT_OK_AND_ASSIGN(v1::ListCallbacksResponse after, Call(&Stub::ListCallbacks, list));
  ASSERT_EQ(after.callbacks_size(), 1);
  EXPECT_EQ(after.callbacks(0).contact_phone(), "");
  complete.set_request_id(NextRequestId());
  EXPECT_THAT(Call(&Stub::CompleteCallback, complete),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already completed")));

  // The number is in no event and no view row any more.
  ASSERT_OK_AND_ASSIGN(std::vector<common::v1::EventEnvelope> log,
                       service_->store().ReadLog(1, 1000));
  for (const common::v1::EventEnvelope& e : log) {
    EXPECT_EQ(e.SerializeAsString().find("1234 5678"), std::string::npos);
  }
  for (const std::string& view : FeedbackViewNames()) {
    ASSERT_OK_AND_ASSIGN(std::vector<projection::ViewRow> rows,
                         service_->host().views().Scan(view));
    for (const projection::ViewRow& row : rows) {
      EXPECT_EQ(row.value.find("1234 5678"), std::string::npos) << view;
    }
  }
}

TEST_F(FeedbackGrpcTest, SummaryByRepTeamRegionCompanyAndBackdatedMoves) {
  DefineSurvey();
  // alice (t-sh): CSAT 5 NPS 10; bob (t-sh): CSAT 4 NPS 8; carol (t-hz): CSAT 1 NPS 2;
  // dave (t-cd, west): CSAT 3 NPS 9.
  ASSERT_OK(Respond(Send("alice"), 5, 10));
  ASSERT_OK(Respond(Send("bob"), 4, 8));
  ASSERT_OK(Respond(Send("carol"), 1, 2));
  ASSERT_OK(Respond(Send("dave"), 3, 9));
  Send("alice");  // unanswered
  ASSERT_OK(Call(&Stub::OpenComplaint, ComplaintRequest(v1::COMPLAINT_SEVERITY_LOW)));

  const v1::FeedbackSummary team = Summary(common::v1::SCOPE_KIND_TEAM, "t-sh", "2026-11");
  EXPECT_EQ(team.surveys_sent(), 3);
  EXPECT_EQ(team.survey_responses(), 2);
  EXPECT_EQ(team.csat_average_centi(), 450);
  EXPECT_EQ(team.csat_satisfied_bp(), 10000);
  EXPECT_EQ(team.nps(), 50);  // 1 promoter, 1 passive of 2
  EXPECT_EQ(team.complaints_opened(), 1);
  EXPECT_EQ(team.complaints_open(), 1);

  const v1::FeedbackSummary east = Summary(common::v1::SCOPE_KIND_REGION, "east", "2026-11");
  EXPECT_EQ(east.survey_responses(), 3);
  EXPECT_EQ(east.csat_sum(), 10);
  EXPECT_EQ(east.csat_average_centi(), 333);  // 10 / 3
  EXPECT_EQ(east.csat_satisfied_bp(), 6667);  // 2 of 3
  EXPECT_EQ(east.nps(), 0);                   // 1 promoter, 1 detractor of 3
  EXPECT_EQ(east.alerts_raised(), 2);         // carol: detractor and low CSAT

  const v1::FeedbackSummary company = Summary(common::v1::SCOPE_KIND_COMPANY, "", "2026-Q4");
  EXPECT_EQ(company.survey_responses(), 4);
  EXPECT_EQ(company.nps(), 25);  // 2 promoters, 1 detractor of 4
  EXPECT_EQ(company.nps_centi(), 2500);
  EXPECT_EQ(company.surveys_sent(), 5);

  const v1::FeedbackSummary dave = Summary(common::v1::SCOPE_KIND_REP, "dave", "2026-11-02");
  EXPECT_EQ(dave.csat_average_centi(), 300);
  EXPECT_EQ(Summary(common::v1::SCOPE_KIND_REP, "dave", "2026-10").survey_responses(), 0);

  // Bob moved to t-hz from November 1st (recorded later, backdated): his response now
  // counts for t-hz.
  MoveRep("bob", "t-sh", "east", "t-hz", "east", "2026-11-01");
  // Wait until the runner has folded the upstream org event.
  ASSERT_TRUE(service_->host().commits()->WaitForCommitted(
      projection::PartitionId{"targets", 0}, static_cast<int64_t>(org_store_.HeadSequence()) + 1,
      absl::Seconds(30)));
  EXPECT_EQ(Summary(common::v1::SCOPE_KIND_TEAM, "t-sh", "2026-11").survey_responses(), 1);
  EXPECT_EQ(Summary(common::v1::SCOPE_KIND_TEAM, "t-hz", "2026-11").survey_responses(), 2);

  v1::GetFeedbackSummaryRequest bad;
  bad.mutable_scope()->set_kind(common::v1::SCOPE_KIND_TEAM);
  bad.mutable_scope()->set_id("nowhere");
  bad.mutable_period()->set_id("2026-13");
  EXPECT_THAT(Fields(Call(&Stub::GetFeedbackSummary, bad).status()), ElementsAre("period.id"));
  bad.mutable_period()->set_id("2026-11");
  EXPECT_THAT(Call(&Stub::GetFeedbackSummary, bad), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(FeedbackGrpcTest, EverythingSurvivesARestart) {
  DefineSurvey();
  const std::string id = Send("alice");
  const v1::RecordSurveyResponseRequest respond = ResponseRequest(id, 1, 1);
  ASSERT_OK_AND_ASSIGN(v1::RecordSurveyResponseResponse first,
                       Call(&Stub::RecordSurveyResponse, respond));
  Close();
  ASSERT_NO_FATAL_FAILURE(Open());
  const uint64_t head = Head();
  ASSERT_OK_AND_ASSIGN(v1::RecordSurveyResponseResponse again,
                       Call(&Stub::RecordSurveyResponse, respond));
  EXPECT_THAT(again, salesperf::testing::EqualsProto(first));
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(GetRequest(id).status(), v1::SURVEY_REQUEST_STATUS_ANSWERED);
  EXPECT_EQ(Summary(common::v1::SCOPE_KIND_TEAM, "t-sh", "2026-11").detractors(), 1);
}

}  // namespace
}  // namespace salesperf::feedback
