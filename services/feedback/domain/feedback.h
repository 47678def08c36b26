// The feedback domain: survey definitions, survey requests (send, respond, expire),
// callbacks (回访) and complaints (open, assign, respond, resolve, reopen, SLA breaches),
// and the alerts they raise for the rep's manager.
//
// Deciders are pure: Decide<Aggregate>(command, state) -> events or error, and
// Evolve<Aggregate>(state, event) -> state. Commands carry `now` (from the server's
// injected clock) and whatever else the decision reads from outside its stream: the
// survey definition for a survey request, the rep's manager for an alert, the SLA policy.
// Nothing here reads a clock or storage, or includes gRPC, RocksDB or Kafka.
//
// Events are v1::FeedbackEvent unions. A decision may include a FeedbackAlertRaised: it
// belongs on its own stream "alert-<alert_id>", appended atomically with the rest (the
// application routes it), so an alert is raised exactly once with its cause.
//
// Errors: INVALID_ARGUMENT with field violations named as in the request proto;
// NOT_FOUND for a missing survey, request, callback or complaint; ALREADY_EXISTS for an id
// taken by different data; FAILED_PRECONDITION for a broken rule, with a message that
// says why ("survey request X was already answered at T", "... expired at T"). A command
// that is already satisfied (the same definition again, the same assignee) yields no
// events.
//
// Free text (answers, notes, complaint descriptions, responses) never appears in an
// error message: messages are logged.
#ifndef SALESPERF_SERVICES_FEEDBACK_DOMAIN_FEEDBACK_H_
#define SALESPERF_SERVICES_FEEDBACK_DOMAIN_FEEDBACK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "salesperf/feedback/v1/events.pb.h"
#include "salesperf/feedback/v1/feedback.pb.h"

namespace salesperf::feedback {

using FeedbackEvents = std::vector<v1::FeedbackEvent>;

// Stream ids (events.proto).
std::string SurveyStreamId(const std::string& survey_id);
std::string SurveyRequestStreamId(const std::string& survey_request_id);
std::string CallbackStreamId(const std::string& callback_id);
std::string ComplaintStreamId(const std::string& complaint_id);
std::string AlertStreamId(const std::string& alert_id);

google::protobuf::Timestamp ToTimestamp(absl::Time t);
absl::Time FromTimestamp(const google::protobuf::Timestamp& ts);
// RFC 3339 in UTC, seconds precision: for messages.
std::string FormatInstant(absl::Time t);

// Limits.
inline constexpr size_t kMaxTextBytes = 4000;
inline constexpr int kMaxQuestions = 50;
inline constexpr absl::Duration kDefaultResponseWindow = absl::Hours(24 * 7);
inline constexpr absl::Duration kMinResponseWindow = absl::Hours(1);
inline constexpr absl::Duration kMaxResponseWindow = absl::Hours(24 * 90);

struct CommandMeta {
  absl::Time now = absl::UnixEpoch();
  // The caller (user id), "" when anonymous; "system:sweeper" for the sweeper.
  std::string actor;
};

// ---------------------------------------------------------------------------------------
// Survey definitions: stream "survey-<id>". Definitions are immutable: a changed survey
// is a new survey id.

struct SurveyState {
  uint64_t version = 0;
  std::optional<v1::Survey> survey;
};

struct DefineSurvey {
  CommandMeta meta;
  v1::DefineSurveyRequest request;
};

absl::StatusOr<FeedbackEvents> DecideSurvey(const DefineSurvey& command, const SurveyState& state);
SurveyState EvolveSurvey(SurveyState state, const v1::FeedbackEvent& event);

// ---------------------------------------------------------------------------------------
// Survey requests: stream "survey-request-<id>". Pending until answered (once) or expired.

struct SurveyRequestState {
  uint64_t version = 0;
  std::optional<v1::SurveyRequest> request;
};

struct SendSurvey {
  CommandMeta meta;
  // survey_request_id filled in (the application generates one when empty).
  v1::SendSurveyRequest request;
  // The definition, nullopt when survey_id names none (NOT_FOUND).
  std::optional<v1::Survey> survey;
};

struct RecordSurveyResponse {
  CommandMeta meta;
  v1::RecordSurveyResponseRequest request;
  // The request's survey definition (required when the request exists).
  std::optional<v1::Survey> survey;
  // The rep's team manager on the response day ("" when unknown), for alerts.
  std::string manager_id;
};

// From the sweeper: expires the request if it is still pending and due at `now`.
struct ExpireSurvey {
  CommandMeta meta;
  std::string survey_request_id;
};

using SurveyRequestCommand = std::variant<SendSurvey, RecordSurveyResponse, ExpireSurvey>;

absl::StatusOr<FeedbackEvents> DecideSurveyRequest(const SurveyRequestCommand& command,
                                                   const SurveyRequestState& state);
SurveyRequestState EvolveSurveyRequest(SurveyRequestState state, const v1::FeedbackEvent& event);

// ---------------------------------------------------------------------------------------
// Callbacks: stream "callback-<id>". The contact phone is not part of the domain: it is
// validated here (ValidatePhone) and stored by the application outside the events.

struct CallbackState {
  uint64_t version = 0;
  std::optional<v1::Callback> callback;
};

struct ScheduleCallback {
  CommandMeta meta;
  // callback_id filled in.
  v1::ScheduleCallbackRequest request;
};

struct CompleteCallback {
  CommandMeta meta;
  v1::CompleteCallbackRequest request;
  std::string manager_id;
};

using CallbackCommand = std::variant<ScheduleCallback, CompleteCallback>;

absl::StatusOr<FeedbackEvents> DecideCallback(const CallbackCommand& command,
                                              const CallbackState& state);
CallbackState EvolveCallback(CallbackState state, const v1::FeedbackEvent& event);

// Digits, spaces and + - ( ) only, 5..32 bytes, at least 5 digits. The message never
// contains the number.
absl::Status ValidatePhone(const std::string& phone, const std::string& field);

// ---------------------------------------------------------------------------------------
// Complaints: stream "complaint-<id>".

// Time allowed to the first response and to the resolution, per severity.
struct SlaPolicy {
  struct Targets {
    absl::Duration first_response;
    absl::Duration resolution;
  };
  // Defaults: LOW 48 h / 14 days, MEDIUM 24 h / 7 days, HIGH 4 h / 3 days,
  // CRITICAL 1 h / 1 day.
  Targets low{absl::Hours(48), absl::Hours(24 * 14)};
  Targets medium{absl::Hours(24), absl::Hours(24 * 7)};
  Targets high{absl::Hours(4), absl::Hours(24 * 3)};
  Targets critical{absl::Hours(1), absl::Hours(24)};

  // Precondition: severity is not UNSPECIFIED.
  const Targets& For(v1::ComplaintSeverity severity) const;
};

struct ComplaintState {
  uint64_t version = 0;
  std::optional<v1::Complaint> complaint;
  // The resolution deadline whose breach was recorded (a reopened complaint gets a new
  // deadline, which can be breached again).
  std::optional<absl::Time> breached_resolution_due;
};

struct OpenComplaint {
  CommandMeta meta;
  // complaint_id filled in.
  v1::OpenComplaintRequest request;
  std::string manager_id;
  SlaPolicy sla;
};
struct AssignComplaint {
  CommandMeta meta;
  v1::AssignComplaintRequest request;
};
struct RespondToComplaint {
  CommandMeta meta;
  v1::RespondToComplaintRequest request;
};
struct ResolveComplaint {
  CommandMeta meta;
  v1::ResolveComplaintRequest request;
};
struct ReopenComplaint {
  CommandMeta meta;
  v1::ReopenComplaintRequest request;
  SlaPolicy sla;
};
// From the sweeper: records every SLA deadline missed by `now` and not yet recorded.
struct CheckComplaintSla {
  CommandMeta meta;
  std::string complaint_id;
};

using ComplaintCommand = std::variant<OpenComplaint, AssignComplaint, RespondToComplaint,
                                      ResolveComplaint, ReopenComplaint, CheckComplaintSla>;

absl::StatusOr<FeedbackEvents> DecideComplaint(const ComplaintCommand& command,
                                               const ComplaintState& state);
ComplaintState EvolveComplaint(ComplaintState state, const v1::FeedbackEvent& event);

// ---------------------------------------------------------------------------------------
// Alerts.

// Alert ids: "<source_id>.<reason>" (nps, csat, severe), so one cause raises one alert
// per reason.
std::string AlertId(const std::string& source_id, v1::AlertReason reason);

// The v1::Alert an event describes (raised_at from the envelope's occurred_at).
v1::Alert AlertFromEvent(const v1::FeedbackAlertRaised& event, absl::Time raised_at);

// The events of a decision that go on the aggregate's own stream, and its alerts.
FeedbackEvents WithoutAlerts(const FeedbackEvents& events);
std::vector<v1::FeedbackAlertRaised> AlertsOf(const FeedbackEvents& events);

}  // namespace salesperf::feedback

#endif  // SALESPERF_SERVICES_FEEDBACK_DOMAIN_FEEDBACK_H_
