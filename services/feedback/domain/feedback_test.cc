#include "services/feedback/domain/feedback.h"

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/validation.h"
#include "libs/testing/given_when_then.h"

namespace salesperf::feedback {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixSeconds(1'795'000'000);

v1::Touchpoint Visit(const std::string& id) {
  v1::Touchpoint t;
  t.set_kind(v1::TOUCHPOINT_KIND_VISIT);
  t.set_id(id);
  return t;
}

v1::Question MakeQuestion(const std::string& id, v1::QuestionKind kind, bool required) {
  v1::Question q;
  q.set_question_id(id);
  q.set_kind(kind);
  q.set_text("How was it?");
  q.set_required(required);
  return q;
}

v1::DefineSurveyRequest DefinitionRequest() {
  v1::DefineSurveyRequest r;
  r.set_survey_id("post-visit");
  r.set_name("After a visit");
  *r.add_questions() = MakeQuestion("csat", v1::QUESTION_KIND_CSAT, true);
  *r.add_questions() = MakeQuestion("nps", v1::QUESTION_KIND_NPS, false);
  *r.add_questions() = MakeQuestion("comment", v1::QUESTION_KIND_TEXT, false);
  r.set_response_window_seconds(86400);
  return r;
}

v1::Survey TheSurvey() {
  SurveyState s;
  v1::FeedbackEvent e;
  v1::SurveyDefined* d = e.mutable_survey_defined();
  const v1::DefineSurveyRequest r = DefinitionRequest();
  d->set_survey_id(r.survey_id());
  d->set_name(r.name());
  *d->mutable_questions() = r.questions();
  d->set_response_window_seconds(86400);
  return *EvolveSurvey(s, e).survey;
}

v1::FeedbackEvent Sent() {
  v1::FeedbackEvent e;
  v1::SurveySent* s = e.mutable_survey_sent();
  s->set_survey_request_id("sr1");
  s->set_survey_id("post-visit");
  s->set_rep_id("alice");
  s->set_customer_id("cust1");
  *s->mutable_touchpoint() = Visit("v1");
  *s->mutable_sent_at() = ToTimestamp(kT0);
  *s->mutable_expires_at() = ToTimestamp(kT0 + absl::Hours(24));
  return e;
}

v1::Answer Score(const std::string& q, int score) {
  v1::Answer a;
  a.set_question_id(q);
  a.set_score(score);
  return a;
}

RecordSurveyResponse Respond(absl::Time now, std::vector<v1::Answer> answers) {
  RecordSurveyResponse c;
  c.meta.now = now;
  c.request.set_survey_request_id("sr1");
  for (v1::Answer& a : answers) *c.request.add_answers() = std::move(a);
  c.survey = TheSurvey();
  c.manager_id = "tom";
  return c;
}

v1::FeedbackEvent Responded(absl::Time at, std::optional<int> csat, std::optional<int> nps,
                            std::vector<v1::Answer> answers) {
  v1::FeedbackEvent e;
  v1::SurveyResponded* r = e.mutable_survey_responded();
  r->set_survey_request_id("sr1");
  r->set_survey_id("post-visit");
  r->set_rep_id("alice");
  r->set_customer_id("cust1");
  *r->mutable_touchpoint() = Visit("v1");
  *r->mutable_responded_at() = ToTimestamp(at);
  for (v1::Answer& a : answers) *r->add_answers() = std::move(a);
  if (csat) r->set_csat_score(*csat);
  if (nps) r->set_nps_score(*nps);
  return e;
}

v1::FeedbackEvent Alert(const std::string& source, v1::AlertReason reason, std::optional<int> score,
                        const v1::Touchpoint& touchpoint, const std::string& customer = "cust1") {
  v1::FeedbackEvent e;
  v1::FeedbackAlertRaised* a = e.mutable_feedback_alert_raised();
  a->set_alert_id(AlertId(source, reason));
  a->set_rep_id("alice");
  a->set_manager_id("tom");
  a->set_reason(reason);
  a->set_customer_id(customer);
  *a->mutable_touchpoint() = touchpoint;
  a->set_source_id(source);
  if (score) a->set_score(*score);
  return e;
}

std::vector<std::string> ViolatedFields(const absl::StatusOr<FeedbackEvents>& r) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : FieldViolationsOf(r.status())) fields.push_back(v.field);
  return fields;
}

// ---------------------------------------------------------------------------------------
// Survey definitions.

using SurveySpec = testing::DeciderSpec<SurveyState, v1::FeedbackEvent, DefineSurvey>;
SurveySpec MakeSurveySpec() { return SurveySpec(DecideSurvey, EvolveSurvey, SurveyState{}); }

TEST(SurveyDefinitionTest, GivenNothingWhenDefinedThenSurveyDefined) {
  v1::FeedbackEvent expected;
  v1::SurveyDefined* d = expected.mutable_survey_defined();
  d->set_survey_id("post-visit");
  d->set_name("After a visit");
  *d->mutable_questions() = DefinitionRequest().questions();
  d->set_response_window_seconds(86400);
  MakeSurveySpec().Given({}).When({{kT0, "ops"}, DefinitionRequest()}).ThenEvents({expected});
}

TEST(SurveyDefinitionTest, WindowDefaultsToSevenDays) {
  v1::DefineSurveyRequest r = DefinitionRequest();
  r.set_response_window_seconds(0);
  absl::StatusOr<FeedbackEvents> got = MakeSurveySpec().When({{kT0, "ops"}, r}).Decide();
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)[0].survey_defined().response_window_seconds(), 7 * 86400);
}

TEST(SurveyDefinitionTest, GivenDefinedWhenSameAgainThenNoEventsElseAlreadyExists) {
  SurveySpec spec = MakeSurveySpec();
  absl::StatusOr<FeedbackEvents> first = spec.When({{kT0, "ops"}, DefinitionRequest()}).Decide();
  ASSERT_TRUE(first.ok());
  spec.Given(*first).When({{kT0, "ops"}, DefinitionRequest()}).ThenNoEvents();
  v1::DefineSurveyRequest changed = DefinitionRequest();
  changed.set_name("Renamed");
  spec.Given(*first)
      .When({{kT0, "ops"}, changed})
      .ThenError(absl::StatusCode::kAlreadyExists, "immutable");
}

TEST(SurveyDefinitionTest, BadDefinitionsNameEveryField) {
  v1::DefineSurveyRequest r = DefinitionRequest();
  r.set_survey_id("bad id");
  r.set_name("");
  *r.add_questions() = MakeQuestion("csat", v1::QUESTION_KIND_CSAT, false);  // dup id + 2nd CSAT
  *r.add_questions() = MakeQuestion("x", v1::QUESTION_KIND_UNSPECIFIED, false);
  r.set_response_window_seconds(60);
  absl::StatusOr<FeedbackEvents> got = MakeSurveySpec().When({{kT0, ""}, r}).Decide();
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(got),
              ElementsAre("survey_id", "name", "questions[3].question_id", "questions[3].kind",
                          "questions[4].kind", "response_window_seconds"));
}

// ---------------------------------------------------------------------------------------
// Survey requests.

using RequestSpec =
    testing::DeciderSpec<SurveyRequestState, v1::FeedbackEvent, SurveyRequestCommand>;
RequestSpec MakeRequestSpec() {
  return RequestSpec(DecideSurveyRequest, EvolveSurveyRequest, SurveyRequestState{});
}

SendSurvey Send() {
  SendSurvey c;
  c.meta.now = kT0;
  c.request.set_survey_request_id("sr1");
  c.request.set_survey_id("post-visit");
  c.request.set_rep_id("alice");
  c.request.set_customer_id("cust1");
  *c.request.mutable_touchpoint() = Visit("v1");
  c.survey = TheSurvey();
  return c;
}

TEST(SurveyRequestTest, GivenSurveyWhenSentThenExpiresAfterTheWindow) {
  MakeRequestSpec().Given({}).When(Send()).ThenEvents({Sent()});
}

TEST(SurveyRequestTest, SendingForAnUnknownSurveyIsNotFound) {
  SendSurvey c = Send();
  c.survey.reset();
  MakeRequestSpec().When(c).ThenError(absl::StatusCode::kNotFound, "survey post-visit");
}

TEST(SurveyRequestTest, SendValidatesRepCustomerAndTouchpoint) {
  SendSurvey c = Send();
  c.request.set_rep_id("");
  c.request.set_customer_id("a/b");
  c.request.mutable_touchpoint()->set_kind(v1::TOUCHPOINT_KIND_UNSPECIFIED);
  absl::StatusOr<FeedbackEvents> got = MakeRequestSpec().When(c).Decide();
  EXPECT_THAT(ViolatedFields(got), ElementsAre("rep_id", "customer_id", "touchpoint.kind"));
}

TEST(SurveyRequestTest, GivenSentWhenSentAgainSameThenNothingDifferentThenAlreadyExists) {
  MakeRequestSpec().Given({Sent()}).When(Send()).ThenNoEvents();
  SendSurvey other = Send();
  other.request.set_rep_id("bob");
  MakeRequestSpec().Given({Sent()}).When(other).ThenError(absl::StatusCode::kAlreadyExists);
}

TEST(SurveyRequestTest, GivenSentWhenRespondedThenScoresAreExtracted) {
  const absl::Time at = kT0 + absl::Hours(2);
  v1::Answer comment;
  comment.set_question_id("comment");
  comment.set_text("friendly");
  MakeRequestSpec()
      .Given({Sent()})
      .When(Respond(at, {Score("csat", 4), Score("nps", 9), comment}))
      .ThenEvents({Responded(at, 4, 9, {Score("csat", 4), Score("nps", 9), comment})});
}

TEST(SurveyRequestTest, GivenSentWhenDetractorAndLowCsatThenTwoAlertsForTheManager) {
  const absl::Time at = kT0 + absl::Hours(2);
  MakeRequestSpec()
      .Given({Sent()})
      .When(Respond(at, {Score("csat", 2), Score("nps", 6)}))
      .ThenEvents({Responded(at, 2, 6, {Score("csat", 2), Score("nps", 6)}),
                   Alert("sr1", v1::ALERT_REASON_NPS_DETRACTOR, 6, Visit("v1")),
                   Alert("sr1", v1::ALERT_REASON_LOW_CSAT, 2, Visit("v1"))});
}

TEST(SurveyRequestTest, PassiveAndNeutralScoresRaiseNoAlert) {
  const absl::Time at = kT0 + absl::Hours(2);
  absl::StatusOr<FeedbackEvents> got = MakeRequestSpec()
                                           .Given({Sent()})
                                           .When(Respond(at, {Score("csat", 3), Score("nps", 7)}))
                                           .Decide();
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->size(), 1u);
  EXPECT_TRUE(AlertsOf(*got).empty());
}

TEST(SurveyRequestTest, GivenAnsweredWhenRespondedAgainThenFailedPreconditionNamesTheTime) {
  const absl::Time at = kT0 + absl::Hours(2);
  MakeRequestSpec()
      .Given({Sent(), Responded(at, 5, std::nullopt, {Score("csat", 5)})})
      .When(Respond(at + absl::Minutes(1), {Score("csat", 1)}))
      .ThenError(absl::StatusCode::kFailedPrecondition,
                 "survey request sr1 was already answered at " + FormatInstant(at));
}

TEST(SurveyRequestTest, GivenSentWhenRespondedAfterTheWindowThenExpiredError) {
  MakeRequestSpec()
      .Given({Sent()})
      .When(Respond(kT0 + absl::Hours(24), {Score("csat", 5)}))
      .ThenError(absl::StatusCode::kFailedPrecondition,
                 "survey request sr1 expired at " + FormatInstant(kT0 + absl::Hours(24)));
}

TEST(SurveyRequestTest, RespondingToAnUnknownRequestIsNotFound) {
  MakeRequestSpec()
      .When(Respond(kT0, {Score("csat", 5)}))
      .ThenError(absl::StatusCode::kNotFound, "survey request sr1");
}

TEST(SurveyRequestTest, AnswersAreValidatedPerQuestionKind) {
  v1::Answer text_with_score = Score("comment", 3);
  v1::Answer unknown = Score("nope", 3);
  absl::StatusOr<FeedbackEvents> got =
      MakeRequestSpec()
          .Given({Sent()})
          .When(Respond(
              kT0, {Score("csat", 6), Score("nps", 11), text_with_score, unknown, Score("nps", 5)}))
          .Decide();
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(got),
              ElementsAre("answers[0].score", "answers[1].score", "answers[2].score",
                          "answers[3].question_id", "answers[4].question_id"));
}

TEST(SurveyRequestTest, RequiredQuestionsMustBeAnsweredAndTextIsBounded) {
  v1::Answer long_text;
  long_text.set_question_id("comment");
  long_text.set_text(std::string(kMaxTextBytes + 1, 'x'));
  absl::StatusOr<FeedbackEvents> got =
      MakeRequestSpec().Given({Sent()}).When(Respond(kT0, {long_text})).Decide();
  EXPECT_THAT(ViolatedFields(got), ElementsAre("answers[0].text", "answers"));
  // The message names the question, never the free text.
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("question csat is required"));
  EXPECT_THAT(std::string(got.status().message()), ::testing::Not(HasSubstr("xxxx")));
}

TEST(SurveyRequestTest, SweeperExpiresOnlyDuePendingRequestsAtTheDeadline) {
  ExpireSurvey early{{kT0 + absl::Hours(23), "system:sweeper"}, "sr1"};
  MakeRequestSpec().Given({Sent()}).When(early).ThenNoEvents();
  ExpireSurvey due{{kT0 + absl::Hours(30), "system:sweeper"}, "sr1"};
  v1::FeedbackEvent expired;
  v1::SurveyExpired* e = expired.mutable_survey_expired();
  e->set_survey_request_id("sr1");
  e->set_survey_id("post-visit");
  e->set_rep_id("alice");
  e->set_customer_id("cust1");
  *e->mutable_touchpoint() = Visit("v1");
  *e->mutable_expired_at() = ToTimestamp(kT0 + absl::Hours(24));
  MakeRequestSpec().Given({Sent()}).When(due).ThenEvents({expired});
  // Answered or already expired: nothing more.
  MakeRequestSpec()
      .Given({Sent(), Responded(kT0, 5, std::nullopt, {Score("csat", 5)})})
      .When(due)
      .ThenNoEvents();
  MakeRequestSpec().Given({Sent(), expired}).When(due).ThenNoEvents();
  // And a response after expiry names the recorded expiry.
  MakeRequestSpec()
      .Given({Sent(), expired})
      .When(Respond(kT0 + absl::Hours(1), {Score("csat", 5)}))
      .ThenError(absl::StatusCode::kFailedPrecondition, "expired at");
}

TEST(SurveyRequestTest, EvolveTracksStatusAndVersion) {
  SurveyRequestState s;
  s = EvolveSurveyRequest(s, Sent());
  EXPECT_EQ(s.request->status(), v1::SURVEY_REQUEST_STATUS_PENDING);
  s = EvolveSurveyRequest(s, Responded(kT0, 5, 10, {Score("csat", 5), Score("nps", 10)}));
  EXPECT_EQ(s.request->status(), v1::SURVEY_REQUEST_STATUS_ANSWERED);
  EXPECT_EQ(s.request->csat_score(), 5);
  EXPECT_EQ(s.request->nps_score(), 10);
  EXPECT_EQ(s.request->version(), 2u);
}

// ---------------------------------------------------------------------------------------
// Callbacks.

using CallbackSpec = testing::DeciderSpec<CallbackState, v1::FeedbackEvent, CallbackCommand>;
CallbackSpec MakeCallbackSpec() {
  return CallbackSpec(DecideCallback, EvolveCallback, CallbackState{});
}

ScheduleCallback Schedule() {
  ScheduleCallback c;
  c.meta.now = kT0;
  c.request.set_callback_id("cb1");
  c.request.set_rep_id("alice");
  c.request.set_customer_id("cust1");
  c.request.mutable_touchpoint()->set_kind(v1::TOUCHPOINT_KIND_DEAL);
  c.request.mutable_touchpoint()->set_id("d1");
  *c.request.mutable_due_at() = ToTimestamp(kT0 + absl::Hours(48));
  c.request.set_assignee_id("agent7");
  c.request.set_contact_phone("+86 138 0000 0000");
  return c;
}

v1::FeedbackEvent Scheduled() {
  v1::FeedbackEvent e;
  v1::CallbackScheduled* s = e.mutable_callback_scheduled();
  s->set_callback_id("cb1");
  s->set_rep_id("alice");
  s->set_customer_id("cust1");
  s->mutable_touchpoint()->set_kind(v1::TOUCHPOINT_KIND_DEAL);
  s->mutable_touchpoint()->set_id("d1");
  *s->mutable_due_at() = ToTimestamp(kT0 + absl::Hours(48));
  s->set_assignee_id("agent7");
  return e;
}

CompleteCallback Complete(v1::CallbackOutcome outcome, std::optional<int> csat) {
  CompleteCallback c;
  c.meta.now = kT0 + absl::Hours(50);
  c.request.set_callback_id("cb1");
  c.request.set_outcome(outcome);
  if (csat) c.request.set_csat_score(*csat);
  c.request.set_notes("customer happy");
  c.manager_id = "tom";
  return c;
}

TEST(CallbackTest, GivenNothingWhenScheduledThenThePhoneIsNotInTheEvent) {
  MakeCallbackSpec().When(Schedule()).ThenEvents({Scheduled()});
}

TEST(CallbackTest, ScheduleValidatesThePhoneWithoutEchoingIt) {
  ScheduleCallback c = Schedule();
  c.request.set_contact_phone("call me maybe 555");
  c.request.clear_due_at();
  absl::StatusOr<FeedbackEvents> got = MakeCallbackSpec().When(c).Decide();
  EXPECT_THAT(ViolatedFields(got), ElementsAre("due_at", "contact_phone"));
  EXPECT_THAT(std::string(got.status().message()), ::testing::Not(HasSubstr("maybe")));
}

TEST(CallbackTest, GivenScheduledWhenCompletedReachedThenOutcomeAndScore) {
  v1::FeedbackEvent completed;
  v1::CallbackCompleted* e = completed.mutable_callback_completed();
  e->set_callback_id("cb1");
  e->set_rep_id("alice");
  e->set_customer_id("cust1");
  e->mutable_touchpoint()->set_kind(v1::TOUCHPOINT_KIND_DEAL);
  e->mutable_touchpoint()->set_id("d1");
  *e->mutable_completed_at() = ToTimestamp(kT0 + absl::Hours(50));
  e->set_outcome(v1::CALLBACK_OUTCOME_REACHED);
  e->set_csat_score(5);
  e->set_notes("customer happy");
  MakeCallbackSpec()
      .Given({Scheduled()})
      .When(Complete(v1::CALLBACK_OUTCOME_REACHED, 5))
      .ThenEvents({completed});
}

TEST(CallbackTest, LowCallbackSatisfactionAlertsTheManager) {
  absl::StatusOr<FeedbackEvents> got = MakeCallbackSpec()
                                           .Given({Scheduled()})
                                           .When(Complete(v1::CALLBACK_OUTCOME_REACHED, 1))
                                           .Decide();
  ASSERT_TRUE(got.ok());
  std::vector<v1::FeedbackAlertRaised> alerts = AlertsOf(*got);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].alert_id(), "cb1.csat");
  EXPECT_EQ(alerts[0].manager_id(), "tom");
  EXPECT_EQ(alerts[0].score(), 1);
}

TEST(CallbackTest, ScoreOnlyWhenReachedAndCompletedOnce) {
  absl::StatusOr<FeedbackEvents> got = MakeCallbackSpec()
                                           .Given({Scheduled()})
                                           .When(Complete(v1::CALLBACK_OUTCOME_UNREACHABLE, 4))
                                           .Decide();
  EXPECT_THAT(ViolatedFields(got), ElementsAre("csat_score"));
  absl::StatusOr<FeedbackEvents> done = MakeCallbackSpec()
                                            .Given({Scheduled()})
                                            .When(Complete(v1::CALLBACK_OUTCOME_DECLINED, {}))
                                            .Decide();
  ASSERT_TRUE(done.ok());
  FeedbackEvents given = {Scheduled(), (*done)[0]};
  MakeCallbackSpec()
      .Given(given)
      .When(Complete(v1::CALLBACK_OUTCOME_REACHED, 5))
      .ThenError(absl::StatusCode::kFailedPrecondition, "already completed");
  MakeCallbackSpec()
      .When(Complete(v1::CALLBACK_OUTCOME_REACHED, 5))
      .ThenError(absl::StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------------------
// Complaints.

using ComplaintSpec = testing::DeciderSpec<ComplaintState, v1::FeedbackEvent, ComplaintCommand>;
ComplaintSpec MakeComplaintSpec() {
  return ComplaintSpec(DecideComplaint, EvolveComplaint, ComplaintState{});
}

OpenComplaint Open(v1::ComplaintSeverity severity) {
  OpenComplaint c;
  c.meta.now = kT0;
  c.request.set_complaint_id("c1");
  c.request.set_rep_id("alice");
  c.request.set_customer_id("cust1");
  c.request.set_deal_id("d1");
  c.request.set_category("service_attitude");
  c.request.set_severity(severity);
  c.request.set_description("rude on the phone");
  c.manager_id = "tom";
  return c;
}

v1::FeedbackEvent Opened(v1::ComplaintSeverity severity, absl::Duration first,
                         absl::Duration resolution) {
  v1::FeedbackEvent e;
  v1::ComplaintOpened* o = e.mutable_complaint_opened();
  o->set_complaint_id("c1");
  o->set_rep_id("alice");
  o->set_customer_id("cust1");
  o->set_deal_id("d1");
  o->set_category("service_attitude");
  o->set_severity(severity);
  o->set_description("rude on the phone");
  *o->mutable_opened_at() = ToTimestamp(kT0);
  *o->mutable_first_response_due_at() = ToTimestamp(kT0 + first);
  *o->mutable_resolution_due_at() = ToTimestamp(kT0 + resolution);
  return e;
}

v1::FeedbackEvent OpenedMedium() {
  return Opened(v1::COMPLAINT_SEVERITY_MEDIUM, absl::Hours(24), absl::Hours(24 * 7));
}

template <typename Command, typename Request>
Command At(absl::Time now, Request request) {
  Command c;
  c.meta.now = now;
  c.request = std::move(request);
  return c;
}

v1::RespondToComplaintRequest RespondReq() {
  v1::RespondToComplaintRequest r;
  r.set_complaint_id("c1");
  r.set_response("we are sorry");
  return r;
}
v1::ResolveComplaintRequest ResolveReq() {
  v1::ResolveComplaintRequest r;
  r.set_complaint_id("c1");
  r.set_resolution("refund");
  return r;
}
v1::ReopenComplaintRequest ReopenReq() {
  v1::ReopenComplaintRequest r;
  r.set_complaint_id("c1");
  r.set_reason("refund never came");
  return r;
}

TEST(ComplaintTest, GivenNothingWhenOpenedThenDeadlinesFollowTheSeverityPolicy) {
  MakeComplaintSpec().When(Open(v1::COMPLAINT_SEVERITY_MEDIUM)).ThenEvents({OpenedMedium()});
}

TEST(ComplaintTest, SevereComplaintsAlertTheManagerInTheSameDecision) {
  v1::Touchpoint deal;
  deal.set_kind(v1::TOUCHPOINT_KIND_DEAL);
  deal.set_id("d1");
  MakeComplaintSpec()
      .When(Open(v1::COMPLAINT_SEVERITY_CRITICAL))
      .ThenEvents({Opened(v1::COMPLAINT_SEVERITY_CRITICAL, absl::Hours(1), absl::Hours(24)),
                   Alert("c1", v1::ALERT_REASON_SEVERE_COMPLAINT, std::nullopt, deal)});
  absl::StatusOr<FeedbackEvents> high =
      MakeComplaintSpec().When(Open(v1::COMPLAINT_SEVERITY_HIGH)).Decide();
  ASSERT_TRUE(high.ok());
  EXPECT_EQ(AlertsOf(*high).size(), 1u);
}

TEST(ComplaintTest, OpenNeedsRepOrDealCategoryAndSeverity) {
  OpenComplaint c = Open(v1::COMPLAINT_SEVERITY_UNSPECIFIED);
  c.request.set_rep_id("");
  c.request.set_deal_id("");
  c.request.set_category("Bad Category");
  c.request.set_description("");
  absl::StatusOr<FeedbackEvents> got = MakeComplaintSpec().When(c).Decide();
  EXPECT_THAT(ViolatedFields(got), ElementsAre("rep_id", "category", "severity", "description"));
}

TEST(ComplaintTest, AssignRespondResolveReopen) {
  ComplaintSpec spec = MakeComplaintSpec();
  v1::AssignComplaintRequest assign;
  assign.set_complaint_id("c1");
  assign.set_assignee_id("agent7");
  v1::FeedbackEvent assigned;
  assigned.mutable_complaint_assigned()->set_complaint_id("c1");
  assigned.mutable_complaint_assigned()->set_rep_id("alice");
  assigned.mutable_complaint_assigned()->set_assignee_id("agent7");
  spec.Given({OpenedMedium()}).When(At<AssignComplaint>(kT0, assign)).ThenEvents({assigned});
  spec.Given({OpenedMedium(), assigned}).When(At<AssignComplaint>(kT0, assign)).ThenNoEvents();

  const absl::Time t1 = kT0 + absl::Hours(1);
  v1::FeedbackEvent first;
  v1::ComplaintResponded* r = first.mutable_complaint_responded();
  r->set_complaint_id("c1");
  r->set_rep_id("alice");
  *r->mutable_responded_at() = ToTimestamp(t1);
  r->set_first_response(true);
  r->set_response("we are sorry");
  spec.Given({OpenedMedium()}).When(At<RespondToComplaint>(t1, RespondReq())).ThenEvents({first});
  v1::FeedbackEvent second = first;
  second.mutable_complaint_responded()->set_first_response(false);
  spec.Given({OpenedMedium(), first})
      .When(At<RespondToComplaint>(t1, RespondReq()))
      .ThenEvents({second});

  v1::FeedbackEvent resolved;
  resolved.mutable_complaint_resolved()->set_complaint_id("c1");
  resolved.mutable_complaint_resolved()->set_rep_id("alice");
  *resolved.mutable_complaint_resolved()->mutable_resolved_at() = ToTimestamp(t1);
  resolved.mutable_complaint_resolved()->set_resolution("refund");
  spec.Given({OpenedMedium(), first})
      .When(At<ResolveComplaint>(t1, ResolveReq()))
      .ThenEvents({resolved});
  spec.Given({OpenedMedium(), resolved})
      .When(At<ResolveComplaint>(t1, ResolveReq()))
      .ThenError(absl::StatusCode::kFailedPrecondition, "was resolved at");
  spec.Given({OpenedMedium(), resolved})
      .When(At<RespondToComplaint>(t1, RespondReq()))
      .ThenError(absl::StatusCode::kFailedPrecondition, "reopen it");

  const absl::Time t2 = kT0 + absl::Hours(100);
  ReopenComplaint reopen = At<ReopenComplaint>(t2, ReopenReq());
  v1::FeedbackEvent reopened;
  reopened.mutable_complaint_reopened()->set_complaint_id("c1");
  reopened.mutable_complaint_reopened()->set_rep_id("alice");
  reopened.mutable_complaint_reopened()->set_reason("refund never came");
  *reopened.mutable_complaint_reopened()->mutable_resolution_due_at() =
      ToTimestamp(t2 + absl::Hours(24 * 7));
  spec.Given({OpenedMedium(), resolved}).When(reopen).ThenEvents({reopened});
  spec.Given({OpenedMedium()})
      .When(reopen)
      .ThenError(absl::StatusCode::kFailedPrecondition, "only a resolved one");
  ComplaintState s = spec.Given({OpenedMedium(), resolved, reopened}).GivenState();
  EXPECT_EQ(s.complaint->status(), v1::COMPLAINT_STATUS_OPEN);
  EXPECT_EQ(s.complaint->reopen_count(), 1);
  EXPECT_FALSE(s.complaint->has_resolved_at());
}

TEST(ComplaintTest, CommandsOnAnUnknownComplaintAreNotFound) {
  MakeComplaintSpec()
      .When(At<ResolveComplaint>(kT0, ResolveReq()))
      .ThenError(absl::StatusCode::kNotFound, "complaint c1");
}

v1::FeedbackEvent Breach(v1::SlaKind kind, absl::Time due) {
  v1::FeedbackEvent e;
  v1::ComplaintSlaBreached* b = e.mutable_complaint_sla_breached();
  b->set_complaint_id("c1");
  b->set_rep_id("alice");
  b->set_sla(kind);
  *b->mutable_due_at() = ToTimestamp(due);
  *b->mutable_breached_at() = ToTimestamp(due);
  b->set_severity(v1::COMPLAINT_SEVERITY_MEDIUM);
  return e;
}

CheckComplaintSla SweepAt(absl::Time now) { return {{now, "system:sweeper"}, "c1"}; }

TEST(ComplaintSlaTest, NoBreachBeforeTheDeadline) {
  MakeComplaintSpec().Given({OpenedMedium()}).When(SweepAt(kT0 + absl::Hours(23))).ThenNoEvents();
}

TEST(ComplaintSlaTest, FirstResponseBreachedOnceAtTheDeadline) {
  const v1::FeedbackEvent breach = Breach(v1::SLA_KIND_FIRST_RESPONSE, kT0 + absl::Hours(24));
  MakeComplaintSpec()
      .Given({OpenedMedium()})
      .When(SweepAt(kT0 + absl::Hours(24)))
      .ThenEvents({breach});
  MakeComplaintSpec()
      .Given({OpenedMedium(), breach})
      .When(SweepAt(kT0 + absl::Hours(30)))
      .ThenNoEvents();
}

TEST(ComplaintSlaTest, AResponseInTimeStopsTheFirstResponseClock) {
  v1::FeedbackEvent responded;
  responded.mutable_complaint_responded()->set_complaint_id("c1");
  *responded.mutable_complaint_responded()->mutable_responded_at() =
      ToTimestamp(kT0 + absl::Hours(2));
  responded.mutable_complaint_responded()->set_first_response(true);
  MakeComplaintSpec()
      .Given({OpenedMedium(), responded})
      .When(SweepAt(kT0 + absl::Hours(48)))
      .ThenNoEvents();
  // ...but not the resolution clock.
  MakeComplaintSpec()
      .Given({OpenedMedium(), responded})
      .When(SweepAt(kT0 + absl::Hours(24 * 8)))
      .ThenEvents({Breach(v1::SLA_KIND_RESOLUTION, kT0 + absl::Hours(24 * 7))});
}

TEST(ComplaintSlaTest, BothDeadlinesMissedGiveTwoBreaches) {
  MakeComplaintSpec()
      .Given({OpenedMedium()})
      .When(SweepAt(kT0 + absl::Hours(24 * 7)))
      .ThenEvents({Breach(v1::SLA_KIND_FIRST_RESPONSE, kT0 + absl::Hours(24)),
                   Breach(v1::SLA_KIND_RESOLUTION, kT0 + absl::Hours(24 * 7))});
}

TEST(ComplaintSlaTest, ResolvedComplaintsStopBothClocksAndReopenedOnesCanBreachAgain) {
  v1::FeedbackEvent resolved;
  resolved.mutable_complaint_resolved()->set_complaint_id("c1");
  *resolved.mutable_complaint_resolved()->mutable_resolved_at() = ToTimestamp(kT0);
  MakeComplaintSpec()
      .Given({OpenedMedium(), resolved})
      .When(SweepAt(kT0 + absl::Hours(24 * 30)))
      .ThenNoEvents();
  const v1::FeedbackEvent first_breach = Breach(v1::SLA_KIND_RESOLUTION, kT0 + absl::Hours(24 * 7));
  v1::FeedbackEvent reopened;
  reopened.mutable_complaint_reopened()->set_complaint_id("c1");
  *reopened.mutable_complaint_reopened()->mutable_resolution_due_at() =
      ToTimestamp(kT0 + absl::Hours(24 * 20));
  v1::FeedbackEvent responded;
  responded.mutable_complaint_responded()->set_complaint_id("c1");
  *responded.mutable_complaint_responded()->mutable_responded_at() = ToTimestamp(kT0);
  const FeedbackEvents given = {OpenedMedium(), responded, first_breach, resolved, reopened};
  MakeComplaintSpec().Given(given).When(SweepAt(kT0 + absl::Hours(24 * 19))).ThenNoEvents();
  MakeComplaintSpec()
      .Given(given)
      .When(SweepAt(kT0 + absl::Hours(24 * 21)))
      .ThenEvents({Breach(v1::SLA_KIND_RESOLUTION, kT0 + absl::Hours(24 * 20))});
}

TEST(AlertTest, AlertsAreSplitFromTheAggregateEvents) {
  FeedbackEvents events = {OpenedMedium(),
                           Alert("c1", v1::ALERT_REASON_SEVERE_COMPLAINT, {}, Visit("v"))};
  EXPECT_EQ(WithoutAlerts(events).size(), 1u);
  ASSERT_EQ(AlertsOf(events).size(), 1u);
  EXPECT_EQ(AlertsOf(events)[0].alert_id(), "c1.severe");
  EXPECT_EQ(AlertStreamId("c1.severe"), "alert-c1.severe");
}

}  // namespace
}  // namespace salesperf::feedback
