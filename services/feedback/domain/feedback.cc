#include "services/feedback/domain/feedback.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "libs/common/ids.h"
#include "libs/common/validation.h"
#include "services/feedback/domain/scores.h"

namespace salesperf::feedback {
namespace {

using google::protobuf::util::MessageDifferencer;

bool IsValidCategory(const std::string& category) {
  if (category.empty() || category.size() > 64) return false;
  for (char c : category) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

void ValidateIdField(const std::string& id, const std::string& field, FieldViolations& v) {
  v.AddIfError(field, ValidateId(id));
}

void ValidateText(const std::string& text, const std::string& field, bool required,
                  FieldViolations& v) {
  if (required && text.empty()) {
    v.Add(field, "is required");
  } else if (text.size() > kMaxTextBytes) {
    v.Add(field, absl::StrCat("must be at most ", kMaxTextBytes, " bytes"));
  }
}

void ValidateTouchpoint(const v1::Touchpoint& touchpoint, const std::string& field,
                        FieldViolations& v) {
  if (touchpoint.kind() == v1::TOUCHPOINT_KIND_UNSPECIFIED ||
      !v1::TouchpointKind_IsValid(touchpoint.kind())) {
    v.Add(field + ".kind", "must be VISIT, CALL, DEAL or CUSTOMER");
  }
  ValidateIdField(touchpoint.id(), field + ".id", v);
}

v1::FeedbackEvent AlertEvent(const std::string& source_id, v1::AlertReason reason,
                             const std::string& rep_id, const std::string& manager_id,
                             const std::string& customer_id, const v1::Touchpoint& touchpoint,
                             std::optional<int32_t> score) {
  v1::FeedbackEvent e;
  v1::FeedbackAlertRaised* a = e.mutable_feedback_alert_raised();
  a->set_alert_id(AlertId(source_id, reason));
  a->set_rep_id(rep_id);
  a->set_manager_id(manager_id);
  a->set_reason(reason);
  a->set_customer_id(customer_id);
  *a->mutable_touchpoint() = touchpoint;
  a->set_source_id(source_id);
  if (score.has_value()) a->set_score(*score);
  return e;
}

// --- Surveys.

absl::Status ValidateDefinition(const v1::DefineSurveyRequest& r) {
  FieldViolations v;
  ValidateIdField(r.survey_id(), "survey_id", v);
  if (r.name().empty()) v.Add("name", "is required");
  if (r.name().size() > 200) v.Add("name", "must be at most 200 bytes");
  if (r.questions().empty()) v.Add("questions", "at least one question is required");
  if (r.questions_size() > kMaxQuestions) {
    v.Add("questions", absl::StrCat("at most ", kMaxQuestions, " questions"));
  }
  std::set<std::string> ids;
  int csat = 0;
  int nps = 0;
  for (int i = 0; i < r.questions_size(); ++i) {
    const v1::Question& q = r.questions(i);
    const std::string at = absl::StrCat("questions[", i, "]");
    ValidateIdField(q.question_id(), at + ".question_id", v);
    if (!ids.insert(q.question_id()).second) {
      v.Add(at + ".question_id", "is used by an earlier question");
    }
    switch (q.kind()) {
      case v1::QUESTION_KIND_CSAT:
        if (++csat == 2) v.Add(at + ".kind", "a survey has at most one CSAT question");
        break;
      case v1::QUESTION_KIND_NPS:
        if (++nps == 2) v.Add(at + ".kind", "a survey has at most one NPS question");
        break;
      case v1::QUESTION_KIND_TEXT:
        break;
      default:
        v.Add(at + ".kind", "must be CSAT, NPS or TEXT");
    }
    ValidateText(q.text(), at + ".text", true, v);
  }
  const int64_t window = r.response_window_seconds();
  if (window != 0 && (window < absl::ToInt64Seconds(kMinResponseWindow) ||
                      window > absl::ToInt64Seconds(kMaxResponseWindow))) {
    v.Add("response_window_seconds", "must be between 3600 (1 hour) and 7776000 (90 days)");
  }
  return v.ToStatus();
}

}  // namespace

std::string SurveyStreamId(const std::string& id) { return "survey-" + id; }
std::string SurveyRequestStreamId(const std::string& id) { return "survey-request-" + id; }
std::string CallbackStreamId(const std::string& id) { return "callback-" + id; }
std::string ComplaintStreamId(const std::string& id) { return "complaint-" + id; }
std::string AlertStreamId(const std::string& id) { return "alert-" + id; }

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t micros = absl::ToUnixMicros(t);
  int64_t seconds = micros / 1'000'000;
  int64_t rest = micros % 1'000'000;
  if (rest < 0) {
    rest += 1'000'000;
    --seconds;
  }
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(rest * 1000));
  return ts;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

std::string FormatInstant(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

absl::StatusOr<FeedbackEvents> DecideSurvey(const DefineSurvey& command, const SurveyState& state) {
  const v1::DefineSurveyRequest& r = command.request;
  if (absl::Status s = ValidateDefinition(r); !s.ok()) return s;
  v1::FeedbackEvent e;
  v1::SurveyDefined* d = e.mutable_survey_defined();
  d->set_survey_id(r.survey_id());
  d->set_name(r.name());
  *d->mutable_questions() = r.questions();
  d->set_response_window_seconds(r.response_window_seconds() != 0
                                     ? r.response_window_seconds()
                                     : absl::ToInt64Seconds(kDefaultResponseWindow));
  if (state.survey.has_value()) {
    const v1::Survey& s = *state.survey;
    v1::SurveyDefined existing;
    existing.set_survey_id(s.survey_id());
    existing.set_name(s.name());
    *existing.mutable_questions() = s.questions();
    existing.set_response_window_seconds(s.response_window_seconds());
    if (MessageDifferencer::Equals(existing, *d)) return FeedbackEvents{};
    return absl::AlreadyExistsError(absl::StrCat(
        "survey ", r.survey_id(),
        " already exists with a different definition; surveys are immutable, define a new "
        "survey_id"));
  }
  return FeedbackEvents{std::move(e)};
}

SurveyState EvolveSurvey(SurveyState state, const v1::FeedbackEvent& event) {
  ++state.version;
  if (event.has_survey_defined()) {
    const v1::SurveyDefined& d = event.survey_defined();
    v1::Survey s;
    s.set_survey_id(d.survey_id());
    s.set_name(d.name());
    *s.mutable_questions() = d.questions();
    s.set_response_window_seconds(d.response_window_seconds());
    state.survey = std::move(s);
  }
  return state;
}

// ---------------------------------------------------------------------------------------
// Survey requests.

namespace {

absl::StatusOr<FeedbackEvents> DecideSend(const SendSurvey& c, const SurveyRequestState& state) {
  const v1::SendSurveyRequest& r = c.request;
  FieldViolations v;
  ValidateIdField(r.survey_request_id(), "survey_request_id", v);
  ValidateIdField(r.survey_id(), "survey_id", v);
  ValidateIdField(r.rep_id(), "rep_id", v);
  ValidateIdField(r.customer_id(), "customer_id", v);
  ValidateTouchpoint(r.touchpoint(), "touchpoint", v);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (state.request.has_value()) {
    const v1::SurveyRequest& q = *state.request;
    if (q.survey_id() == r.survey_id() && q.rep_id() == r.rep_id() &&
        q.customer_id() == r.customer_id() &&
        MessageDifferencer::Equals(q.touchpoint(), r.touchpoint())) {
      return FeedbackEvents{};
    }
    return absl::AlreadyExistsError(absl::StrCat("survey request ", r.survey_request_id(),
                                                 " was already sent with different details"));
  }
  if (!c.survey.has_value()) {
    return absl::NotFoundError(absl::StrCat("survey ", r.survey_id(), " not found"));
  }
  v1::FeedbackEvent e;
  v1::SurveySent* s = e.mutable_survey_sent();
  s->set_survey_request_id(r.survey_request_id());
  s->set_survey_id(r.survey_id());
  s->set_rep_id(r.rep_id());
  s->set_customer_id(r.customer_id());
  *s->mutable_touchpoint() = r.touchpoint();
  *s->mutable_sent_at() = ToTimestamp(c.meta.now);
  *s->mutable_expires_at() =
      ToTimestamp(c.meta.now + absl::Seconds(c.survey->response_window_seconds()));
  return FeedbackEvents{std::move(e)};
}

absl::Status CheckAnswerable(const v1::SurveyRequest& q, absl::Time now) {
  if (q.status() == v1::SURVEY_REQUEST_STATUS_ANSWERED) {
    return absl::FailedPreconditionError(
        absl::StrCat("survey request ", q.survey_request_id(), " was already answered at ",
                     FormatInstant(FromTimestamp(q.responded_at())),
                     "; only one response per request is recorded"));
  }
  const absl::Time expires = FromTimestamp(q.expires_at());
  if (q.status() == v1::SURVEY_REQUEST_STATUS_EXPIRED || now >= expires) {
    const absl::Time at =
        q.status() == v1::SURVEY_REQUEST_STATUS_EXPIRED ? FromTimestamp(q.expired_at()) : expires;
    return absl::FailedPreconditionError(absl::StrCat("survey request ", q.survey_request_id(),
                                                      " expired at ", FormatInstant(at),
                                                      "; a late response is not recorded"));
  }
  return absl::OkStatus();
}

absl::StatusOr<FeedbackEvents> DecideRespond(const RecordSurveyResponse& c,
                                             const SurveyRequestState& state) {
  const v1::RecordSurveyResponseRequest& r = c.request;
  FieldViolations v;
  ValidateIdField(r.survey_request_id(), "survey_request_id", v);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (!state.request.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("survey request ", r.survey_request_id(), " not found"));
  }
  const v1::SurveyRequest& q = *state.request;
  if (absl::Status s = CheckAnswerable(q, c.meta.now); !s.ok()) return s;
  if (!c.survey.has_value()) {
    return absl::InternalError(absl::StrCat("survey ", q.survey_id(), " of request ",
                                            q.survey_request_id(), " is missing"));
  }
  std::optional<int32_t> csat;
  std::optional<int32_t> nps;
  std::set<std::string> answered;
  for (int i = 0; i < r.answers_size(); ++i) {
    const v1::Answer& a = r.answers(i);
    const std::string at = absl::StrCat("answers[", i, "]");
    const v1::Question* question = nullptr;
    for (const v1::Question& candidate : c.survey->questions()) {
      if (candidate.question_id() == a.question_id()) question = &candidate;
    }
    if (question == nullptr) {
      v.Add(at + ".question_id", absl::StrCat("is not a question of survey ", q.survey_id()));
      continue;
    }
    if (!answered.insert(a.question_id()).second) {
      v.Add(at + ".question_id", "is answered twice");
      continue;
    }
    switch (question->kind()) {
      case v1::QUESTION_KIND_CSAT:
        if (!a.has_score() || !IsCsatScore(a.score())) {
          v.Add(at + ".score", "a CSAT score must be 1..5");
        } else {
          csat = a.score();
        }
        if (!a.text().empty()) v.Add(at + ".text", "a CSAT answer has no text");
        break;
      case v1::QUESTION_KIND_NPS:
        if (!a.has_score() || !IsNpsScore(a.score())) {
          v.Add(at + ".score", "an NPS score must be 0..10");
        } else {
          nps = a.score();
        }
        if (!a.text().empty()) v.Add(at + ".text", "an NPS answer has no text");
        break;
      default:
        if (a.has_score()) v.Add(at + ".score", "a text answer has no score");
        ValidateText(a.text(), at + ".text", false, v);
    }
  }
  for (const v1::Question& question : c.survey->questions()) {
    if (question.required() && !answered.contains(question.question_id())) {
      v.Add("answers", absl::StrCat("question ", question.question_id(), " is required"));
    }
  }
  if (r.answers().empty()) v.Add("answers", "at least one answer is required");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;

  FeedbackEvents events;
  v1::SurveyResponded* e = events.emplace_back().mutable_survey_responded();
  e->set_survey_request_id(q.survey_request_id());
  e->set_survey_id(q.survey_id());
  e->set_rep_id(q.rep_id());
  e->set_customer_id(q.customer_id());
  *e->mutable_touchpoint() = q.touchpoint();
  *e->mutable_responded_at() = ToTimestamp(c.meta.now);
  *e->mutable_answers() = r.answers();
  if (csat.has_value()) e->set_csat_score(*csat);
  if (nps.has_value()) e->set_nps_score(*nps);
  if (nps.has_value() && IsDetractor(*nps)) {
    events.push_back(AlertEvent(q.survey_request_id(), v1::ALERT_REASON_NPS_DETRACTOR, q.rep_id(),
                                c.manager_id, q.customer_id(), q.touchpoint(), nps));
  }
  if (csat.has_value() && IsLowCsat(*csat)) {
    events.push_back(AlertEvent(q.survey_request_id(), v1::ALERT_REASON_LOW_CSAT, q.rep_id(),
                                c.manager_id, q.customer_id(), q.touchpoint(), csat));
  }
  return events;
}

absl::StatusOr<FeedbackEvents> DecideExpire(const ExpireSurvey& c,
                                            const SurveyRequestState& state) {
  if (!state.request.has_value()) {
    return absl::NotFoundError(absl::StrCat("survey request ", c.survey_request_id, " not found"));
  }
  const v1::SurveyRequest& q = *state.request;
  if (q.status() != v1::SURVEY_REQUEST_STATUS_PENDING) return FeedbackEvents{};
  if (c.meta.now < FromTimestamp(q.expires_at())) return FeedbackEvents{};
  FeedbackEvents events;
  v1::SurveyExpired* e = events.emplace_back().mutable_survey_expired();
  e->set_survey_request_id(q.survey_request_id());
  e->set_survey_id(q.survey_id());
  e->set_rep_id(q.rep_id());
  e->set_customer_id(q.customer_id());
  *e->mutable_touchpoint() = q.touchpoint();
  // The deadline, not the sweep time: the record does not depend on when the sweeper ran.
  *e->mutable_expired_at() = q.expires_at();
  return events;
}

}  // namespace

absl::StatusOr<FeedbackEvents> DecideSurveyRequest(const SurveyRequestCommand& command,
                                                   const SurveyRequestState& state) {
  return std::visit(
      [&](const auto& c) -> absl::StatusOr<FeedbackEvents> {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, SendSurvey>) {
          return DecideSend(c, state);
        } else if constexpr (std::is_same_v<T, RecordSurveyResponse>) {
          return DecideRespond(c, state);
        } else {
          return DecideExpire(c, state);
        }
      },
      command);
}

SurveyRequestState EvolveSurveyRequest(SurveyRequestState state, const v1::FeedbackEvent& event) {
  ++state.version;
  switch (event.event_case()) {
    case v1::FeedbackEvent::kSurveySent: {
      const v1::SurveySent& e = event.survey_sent();
      v1::SurveyRequest q;
      q.set_survey_request_id(e.survey_request_id());
      q.set_survey_id(e.survey_id());
      q.set_rep_id(e.rep_id());
      q.set_customer_id(e.customer_id());
      *q.mutable_touchpoint() = e.touchpoint();
      q.set_status(v1::SURVEY_REQUEST_STATUS_PENDING);
      *q.mutable_sent_at() = e.sent_at();
      *q.mutable_expires_at() = e.expires_at();
      state.request = std::move(q);
      break;
    }
    case v1::FeedbackEvent::kSurveyResponded:
      if (state.request.has_value()) {
        const v1::SurveyResponded& e = event.survey_responded();
        v1::SurveyRequest& q = *state.request;
        q.set_status(v1::SURVEY_REQUEST_STATUS_ANSWERED);
        *q.mutable_responded_at() = e.responded_at();
        *q.mutable_answers() = e.answers();
        if (e.has_csat_score()) q.set_csat_score(e.csat_score());
        if (e.has_nps_score()) q.set_nps_score(e.nps_score());
      }
      break;
    case v1::FeedbackEvent::kSurveyExpired:
      if (state.request.has_value()) {
        state.request->set_status(v1::SURVEY_REQUEST_STATUS_EXPIRED);
        *state.request->mutable_expired_at() = event.survey_expired().expired_at();
      }
      break;
    default:
      break;
  }
  if (state.request.has_value()) state.request->set_version(state.version);
  return state;
}

// ---------------------------------------------------------------------------------------
// Callbacks.

absl::Status ValidatePhone(const std::string& phone, const std::string& field) {
  int digits = 0;
  bool ok = phone.size() >= 5 && phone.size() <= 32;
  for (char c : phone) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != ' ' && c != '+' && c != '-' && c != '(' && c != ')') {
      ok = false;
    }
  }
  if (!ok || digits < 5) {
    return InvalidField(field, "must be a phone number: 5..32 bytes of digits, spaces, +-()");
  }
  return absl::OkStatus();
}

namespace {

absl::StatusOr<FeedbackEvents> DecideSchedule(const ScheduleCallback& c,
                                              const CallbackState& state) {
  const v1::ScheduleCallbackRequest& r = c.request;
  FieldViolations v;
  ValidateIdField(r.callback_id(), "callback_id", v);
  ValidateIdField(r.rep_id(), "rep_id", v);
  ValidateIdField(r.customer_id(), "customer_id", v);
  ValidateTouchpoint(r.touchpoint(), "touchpoint", v);
  if (!r.has_due_at()) v.Add("due_at", "is required");
  ValidateIdField(r.assignee_id(), "assignee_id", v);
  v.AddIfError("contact_phone", ValidatePhone(r.contact_phone(), "contact_phone"));
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (state.callback.has_value()) {
    const v1::Callback& cb = *state.callback;
    if (cb.rep_id() == r.rep_id() && cb.customer_id() == r.customer_id() &&
        cb.assignee_id() == r.assignee_id() &&
        MessageDifferencer::Equals(cb.touchpoint(), r.touchpoint()) &&
        MessageDifferencer::Equals(cb.due_at(), r.due_at())) {
      return FeedbackEvents{};
    }
    return absl::AlreadyExistsError(
        absl::StrCat("callback ", r.callback_id(), " was already scheduled with other details"));
  }
  FeedbackEvents events;
  v1::CallbackScheduled* e = events.emplace_back().mutable_callback_scheduled();
  e->set_callback_id(r.callback_id());
  e->set_rep_id(r.rep_id());
  e->set_customer_id(r.customer_id());
  *e->mutable_touchpoint() = r.touchpoint();
  *e->mutable_due_at() = r.due_at();
  e->set_assignee_id(r.assignee_id());
  return events;
}

absl::StatusOr<FeedbackEvents> DecideComplete(const CompleteCallback& c,
                                              const CallbackState& state) {
  const v1::CompleteCallbackRequest& r = c.request;
  FieldViolations v;
  ValidateIdField(r.callback_id(), "callback_id", v);
  if (r.outcome() == v1::CALLBACK_OUTCOME_UNSPECIFIED ||
      !v1::CallbackOutcome_IsValid(r.outcome())) {
    v.Add("outcome", "must be REACHED, UNREACHABLE or DECLINED");
  }
  if (r.has_csat_score()) {
    if (!IsCsatScore(r.csat_score())) v.Add("csat_score", "a CSAT score must be 1..5");
    if (r.outcome() != v1::CALLBACK_OUTCOME_REACHED) {
      v.Add("csat_score", "only a REACHED customer gives a score");
    }
  }
  ValidateText(r.notes(), "notes", false, v);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (!state.callback.has_value()) {
    return absl::NotFoundError(absl::StrCat("callback ", r.callback_id(), " not found"));
  }
  const v1::Callback& cb = *state.callback;
  if (cb.status() == v1::CALLBACK_STATUS_COMPLETED) {
    return absl::FailedPreconditionError(
        absl::StrCat("callback ", r.callback_id(), " was already completed at ",
                     FormatInstant(FromTimestamp(cb.completed_at()))));
  }
  FeedbackEvents events;
  v1::CallbackCompleted* e = events.emplace_back().mutable_callback_completed();
  e->set_callback_id(cb.callback_id());
  e->set_rep_id(cb.rep_id());
  e->set_customer_id(cb.customer_id());
  *e->mutable_touchpoint() = cb.touchpoint();
  *e->mutable_completed_at() = ToTimestamp(c.meta.now);
  e->set_outcome(r.outcome());
  if (r.has_csat_score()) e->set_csat_score(r.csat_score());
  e->set_notes(r.notes());
  if (r.has_csat_score() && IsLowCsat(r.csat_score())) {
    events.push_back(AlertEvent(cb.callback_id(), v1::ALERT_REASON_LOW_CSAT, cb.rep_id(),
                                c.manager_id, cb.customer_id(), cb.touchpoint(), r.csat_score()));
  }
  return events;
}

}  // namespace

absl::StatusOr<FeedbackEvents> DecideCallback(const CallbackCommand& command,
                                              const CallbackState& state) {
  if (const auto* schedule = std::get_if<ScheduleCallback>(&command)) {
    return DecideSchedule(*schedule, state);
  }
  return DecideComplete(std::get<CompleteCallback>(command), state);
}

CallbackState EvolveCallback(CallbackState state, const v1::FeedbackEvent& event) {
  ++state.version;
  if (event.has_callback_scheduled()) {
    const v1::CallbackScheduled& e = event.callback_scheduled();
    v1::Callback cb;
    cb.set_callback_id(e.callback_id());
    cb.set_rep_id(e.rep_id());
    cb.set_customer_id(e.customer_id());
    *cb.mutable_touchpoint() = e.touchpoint();
    *cb.mutable_due_at() = e.due_at();
    cb.set_assignee_id(e.assignee_id());
    cb.set_status(v1::CALLBACK_STATUS_SCHEDULED);
    state.callback = std::move(cb);
  } else if (event.has_callback_completed() && state.callback.has_value()) {
    const v1::CallbackCompleted& e = event.callback_completed();
    v1::Callback& cb = *state.callback;
    cb.set_status(v1::CALLBACK_STATUS_COMPLETED);
    *cb.mutable_completed_at() = e.completed_at();
    cb.set_outcome(e.outcome());
    if (e.has_csat_score()) cb.set_csat_score(e.csat_score());
    cb.set_notes(e.notes());
  }
  if (state.callback.has_value()) state.callback->set_version(state.version);
  return state;
}

// ---------------------------------------------------------------------------------------
// Complaints.

const SlaPolicy::Targets& SlaPolicy::For(v1::ComplaintSeverity severity) const {
  switch (severity) {
    case v1::COMPLAINT_SEVERITY_CRITICAL:
      return critical;
    case v1::COMPLAINT_SEVERITY_HIGH:
      return high;
    case v1::COMPLAINT_SEVERITY_MEDIUM:
      return medium;
    default:
      return low;
  }
}

namespace {

absl::StatusOr<const v1::Complaint*> Existing(const ComplaintState& state, const std::string& id) {
  if (absl::Status s = ValidateId(id); !s.ok())
    return InvalidField("complaint_id", std::string(s.message()));
  if (!state.complaint.has_value()) {
    return absl::NotFoundError(absl::StrCat("complaint ", id, " not found"));
  }
  return &*state.complaint;
}

absl::Status MustBeOpen(const v1::Complaint& c, const std::string& what) {
  if (c.status() == v1::COMPLAINT_STATUS_RESOLVED) {
    return absl::FailedPreconditionError(
        absl::StrCat("complaint ", c.complaint_id(), " was resolved at ",
                     FormatInstant(FromTimestamp(c.resolved_at())), "; reopen it to ", what));
  }
  return absl::OkStatus();
}

bool IsSevere(v1::ComplaintSeverity severity) {
  return severity == v1::COMPLAINT_SEVERITY_HIGH || severity == v1::COMPLAINT_SEVERITY_CRITICAL;
}

absl::StatusOr<FeedbackEvents> DecideOpen(const OpenComplaint& c, const ComplaintState& state) {
  const v1::OpenComplaintRequest& r = c.request;
  FieldViolations v;
  ValidateIdField(r.complaint_id(), "complaint_id", v);
  if (r.rep_id().empty() && r.deal_id().empty()) {
    v.Add("rep_id", "a complaint is against a rep, a deal or both: set rep_id or deal_id");
  }
  if (!r.rep_id().empty()) ValidateIdField(r.rep_id(), "rep_id", v);
  if (!r.deal_id().empty()) ValidateIdField(r.deal_id(), "deal_id", v);
  ValidateIdField(r.customer_id(), "customer_id", v);
  if (!IsValidCategory(r.category())) {
    v.Add("category", "must be 1..64 bytes of [a-z0-9_], e.g. service_attitude");
  }
  if (r.severity() == v1::COMPLAINT_SEVERITY_UNSPECIFIED ||
      !v1::ComplaintSeverity_IsValid(r.severity())) {
    v.Add("severity", "must be LOW, MEDIUM, HIGH or CRITICAL");
  }
  ValidateText(r.description(), "description", true, v);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (state.complaint.has_value()) {
    const v1::Complaint& existing = *state.complaint;
    if (existing.rep_id() == r.rep_id() && existing.customer_id() == r.customer_id() &&
        existing.deal_id() == r.deal_id() && existing.category() == r.category() &&
        existing.severity() == r.severity() && existing.description() == r.description()) {
      return FeedbackEvents{};
    }
    return absl::AlreadyExistsError(
        absl::StrCat("complaint ", r.complaint_id(), " was already opened with other details"));
  }
  const SlaPolicy::Targets& sla = c.sla.For(r.severity());
  FeedbackEvents events;
  v1::ComplaintOpened* e = events.emplace_back().mutable_complaint_opened();
  e->set_complaint_id(r.complaint_id());
  e->set_rep_id(r.rep_id());
  e->set_customer_id(r.customer_id());
  e->set_deal_id(r.deal_id());
  e->set_category(r.category());
  e->set_severity(r.severity());
  e->set_description(r.description());
  *e->mutable_opened_at() = ToTimestamp(c.meta.now);
  *e->mutable_first_response_due_at() = ToTimestamp(c.meta.now + sla.first_response);
  *e->mutable_resolution_due_at() = ToTimestamp(c.meta.now + sla.resolution);
  if (IsSevere(r.severity())) {
    v1::Touchpoint touchpoint;
    if (!r.deal_id().empty()) {
      touchpoint.set_kind(v1::TOUCHPOINT_KIND_DEAL);
      touchpoint.set_id(r.deal_id());
    } else {
      touchpoint.set_kind(v1::TOUCHPOINT_KIND_CUSTOMER);
      touchpoint.set_id(r.customer_id());
    }
    events.push_back(AlertEvent(r.complaint_id(), v1::ALERT_REASON_SEVERE_COMPLAINT, r.rep_id(),
                                c.manager_id, r.customer_id(), touchpoint, std::nullopt));
  }
  return events;
}

absl::StatusOr<FeedbackEvents> DecideAssign(const AssignComplaint& c, const ComplaintState& state) {
  FieldViolations v;
  ValidateIdField(c.request.assignee_id(), "assignee_id", v);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  absl::StatusOr<const v1::Complaint*> complaint = Existing(state, c.request.complaint_id());
  if (!complaint.ok()) return complaint.status();
  if (absl::Status s = MustBeOpen(**complaint, "assign it"); !s.ok()) return s;
  if ((*complaint)->assignee_id() == c.request.assignee_id()) return FeedbackEvents{};
  FeedbackEvents events;
  v1::ComplaintAssigned* e = events.emplace_back().mutable_complaint_assigned();
  e->set_complaint_id((*complaint)->complaint_id());
  e->set_rep_id((*complaint)->rep_id());
  e->set_assignee_id(c.request.assignee_id());
  return events;
}

absl::StatusOr<FeedbackEvents> DecideRespondComplaint(const RespondToComplaint& c,
                                                      const ComplaintState& state) {
  FieldViolations v;
  ValidateText(c.request.response(), "response", true, v);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  absl::StatusOr<const v1::Complaint*> complaint = Existing(state, c.request.complaint_id());
  if (!complaint.ok()) return complaint.status();
  if (absl::Status s = MustBeOpen(**complaint, "respond"); !s.ok()) return s;
  FeedbackEvents events;
  v1::ComplaintResponded* e = events.emplace_back().mutable_complaint_responded();
  e->set_complaint_id((*complaint)->complaint_id());
  e->set_rep_id((*complaint)->rep_id());
  *e->mutable_responded_at() = ToTimestamp(c.meta.now);
  e->set_first_response(!(*complaint)->has_first_responded_at());
  e->set_response(c.request.response());
  return events;
}

absl::StatusOr<FeedbackEvents> DecideResolve(const ResolveComplaint& c,
                                             const ComplaintState& state) {
  FieldViolations v;
  ValidateText(c.request.resolution(), "resolution", true, v);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  absl::StatusOr<const v1::Complaint*> complaint = Existing(state, c.request.complaint_id());
  if (!complaint.ok()) return complaint.status();
  if (absl::Status s = MustBeOpen(**complaint, "resolve it again"); !s.ok()) return s;
  FeedbackEvents events;
  v1::ComplaintResolved* e = events.emplace_back().mutable_complaint_resolved();
  e->set_complaint_id((*complaint)->complaint_id());
  e->set_rep_id((*complaint)->rep_id());
  *e->mutable_resolved_at() = ToTimestamp(c.meta.now);
  e->set_resolution(c.request.resolution());
  return events;
}

absl::StatusOr<FeedbackEvents> DecideReopen(const ReopenComplaint& c, const ComplaintState& state) {
  FieldViolations v;
  ValidateText(c.request.reason(), "reason", true, v);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  absl::StatusOr<const v1::Complaint*> complaint = Existing(state, c.request.complaint_id());
  if (!complaint.ok()) return complaint.status();
  if ((*complaint)->status() != v1::COMPLAINT_STATUS_RESOLVED) {
    return absl::FailedPreconditionError(absl::StrCat("complaint ", (*complaint)->complaint_id(),
                                                      " is open; only a resolved one is reopened"));
  }
  FeedbackEvents events;
  v1::ComplaintReopened* e = events.emplace_back().mutable_complaint_reopened();
  e->set_complaint_id((*complaint)->complaint_id());
  e->set_rep_id((*complaint)->rep_id());
  e->set_reason(c.request.reason());
  *e->mutable_resolution_due_at() =
      ToTimestamp(c.meta.now + c.sla.For((*complaint)->severity()).resolution);
  return events;
}

absl::StatusOr<FeedbackEvents> DecideSla(const CheckComplaintSla& c, const ComplaintState& state) {
  if (!state.complaint.has_value()) {
    return absl::NotFoundError(absl::StrCat("complaint ", c.complaint_id, " not found"));
  }
  const v1::Complaint& complaint = *state.complaint;
  FeedbackEvents events;
  // A resolved complaint stops both clocks.
  if (complaint.status() == v1::COMPLAINT_STATUS_RESOLVED) return events;
  auto breach = [&](v1::SlaKind kind, const google::protobuf::Timestamp& due) {
    v1::ComplaintSlaBreached* e = events.emplace_back().mutable_complaint_sla_breached();
    e->set_complaint_id(complaint.complaint_id());
    e->set_rep_id(complaint.rep_id());
    e->set_sla(kind);
    *e->mutable_due_at() = due;
    // The deadline: the record does not depend on when the sweeper ran.
    *e->mutable_breached_at() = due;
    e->set_severity(complaint.severity());
  };
  if (!complaint.has_first_responded_at() && !complaint.first_response_breached() &&
      c.meta.now >= FromTimestamp(complaint.first_response_due_at())) {
    breach(v1::SLA_KIND_FIRST_RESPONSE, complaint.first_response_due_at());
  }
  const absl::Time resolution_due = FromTimestamp(complaint.resolution_due_at());
  if (c.meta.now >= resolution_due && state.breached_resolution_due != resolution_due) {
    breach(v1::SLA_KIND_RESOLUTION, complaint.resolution_due_at());
  }
  return events;
}

}  // namespace

absl::StatusOr<FeedbackEvents> DecideComplaint(const ComplaintCommand& command,
                                               const ComplaintState& state) {
  return std::visit(
      [&](const auto& c) -> absl::StatusOr<FeedbackEvents> {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, OpenComplaint>) {
          return DecideOpen(c, state);
        } else if constexpr (std::is_same_v<T, AssignComplaint>) {
          return DecideAssign(c, state);
        } else if constexpr (std::is_same_v<T, RespondToComplaint>) {
          return DecideRespondComplaint(c, state);
        } else if constexpr (std::is_same_v<T, ResolveComplaint>) {
          return DecideResolve(c, state);
        } else if constexpr (std::is_same_v<T, ReopenComplaint>) {
          return DecideReopen(c, state);
        } else {
          return DecideSla(c, state);
        }
      },
      command);
}

ComplaintState EvolveComplaint(ComplaintState state, const v1::FeedbackEvent& event) {
  ++state.version;
  if (event.has_complaint_opened()) {
    const v1::ComplaintOpened& e = event.complaint_opened();
    v1::Complaint c;
    c.set_complaint_id(e.complaint_id());
    c.set_rep_id(e.rep_id());
    c.set_customer_id(e.customer_id());
    c.set_deal_id(e.deal_id());
    c.set_category(e.category());
    c.set_severity(e.severity());
    c.set_description(e.description());
    c.set_status(v1::COMPLAINT_STATUS_OPEN);
    *c.mutable_opened_at() = e.opened_at();
    *c.mutable_first_response_due_at() = e.first_response_due_at();
    *c.mutable_resolution_due_at() = e.resolution_due_at();
    state.complaint = std::move(c);
  } else if (state.complaint.has_value()) {
    v1::Complaint& c = *state.complaint;
    switch (event.event_case()) {
      case v1::FeedbackEvent::kComplaintAssigned:
        c.set_assignee_id(event.complaint_assigned().assignee_id());
        break;
      case v1::FeedbackEvent::kComplaintResponded: {
        const v1::ComplaintResponded& e = event.complaint_responded();
        if (!c.has_first_responded_at()) *c.mutable_first_responded_at() = e.responded_at();
        v1::ComplaintResponse* response = c.add_responses();
        *response->mutable_responded_at() = e.responded_at();
        response->set_response(e.response());
        break;
      }
      case v1::FeedbackEvent::kComplaintResolved:
        c.set_status(v1::COMPLAINT_STATUS_RESOLVED);
        *c.mutable_resolved_at() = event.complaint_resolved().resolved_at();
        c.set_resolution(event.complaint_resolved().resolution());
        break;
      case v1::FeedbackEvent::kComplaintReopened:
        c.set_status(v1::COMPLAINT_STATUS_OPEN);
        c.clear_resolved_at();
        c.clear_resolution();
        c.set_reopen_count(c.reopen_count() + 1);
        *c.mutable_resolution_due_at() = event.complaint_reopened().resolution_due_at();
        break;
      case v1::FeedbackEvent::kComplaintSlaBreached: {
        const v1::ComplaintSlaBreached& e = event.complaint_sla_breached();
        if (e.sla() == v1::SLA_KIND_FIRST_RESPONSE) {
          c.set_first_response_breached(true);
        } else {
          c.set_resolution_breached(true);
          state.breached_resolution_due = FromTimestamp(e.due_at());
        }
        break;
      }
      default:
        break;
    }
  }
  if (state.complaint.has_value()) state.complaint->set_version(state.version);
  return state;
}

// ---------------------------------------------------------------------------------------
// Alerts.

std::string AlertId(const std::string& source_id, v1::AlertReason reason) {
  switch (reason) {
    case v1::ALERT_REASON_NPS_DETRACTOR:
      return source_id + ".nps";
    case v1::ALERT_REASON_LOW_CSAT:
      return source_id + ".csat";
    case v1::ALERT_REASON_SEVERE_COMPLAINT:
      return source_id + ".severe";
    default:
      return source_id + ".alert";
  }
}

v1::Alert AlertFromEvent(const v1::FeedbackAlertRaised& e, absl::Time raised_at) {
  v1::Alert a;
  a.set_alert_id(e.alert_id());
  a.set_rep_id(e.rep_id());
  a.set_manager_id(e.manager_id());
  a.set_reason(e.reason());
  a.set_customer_id(e.customer_id());
  *a.mutable_touchpoint() = e.touchpoint();
  a.set_source_id(e.source_id());
  if (e.has_score()) a.set_score(e.score());
  *a.mutable_raised_at() = ToTimestamp(raised_at);
  return a;
}

FeedbackEvents WithoutAlerts(const FeedbackEvents& events) {
  FeedbackEvents out;
  for (const v1::FeedbackEvent& e : events) {
    if (!e.has_feedback_alert_raised()) out.push_back(e);
  }
  return out;
}

std::vector<v1::FeedbackAlertRaised> AlertsOf(const FeedbackEvents& events) {
  std::vector<v1::FeedbackAlertRaised> out;
  for (const v1::FeedbackEvent& e : events) {
    if (e.has_feedback_alert_raised()) out.push_back(e.feedback_alert_raised());
  }
  return out;
}

}  // namespace salesperf::feedback
