#include "services/feedback/app/feedback_application.h"

#include <functional>
#include <optional>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/common/ids.h"
#include "libs/common/status_macros.h"
#include "libs/common/validation.h"
#include "libs/service/request_fingerprint.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "services/feedback/app/event_codec.h"
#include "services/feedback/projections/feedback_views.h"

namespace salesperf::feedback {
namespace {

using eventstore::EventEnvelope;
using eventstore::ExpectedVersion;
using eventstore::RequestRecord;

constexpr size_t kReadBatch = 1000;
constexpr char kSweeperActor[] = "system:sweeper";

std::string Fingerprint(const google::protobuf::Message& request) {
  return service::RequestFingerprint(request, "feedback");
}

// An id for what a request leaves unnamed, seeded by its request_id.
std::string GeneratedId(const std::string& prefix, const std::string& request_id) {
  std::mt19937_64 gen(service::StableHash64(request_id));
  return absl::StrCat(prefix, NewUuid(gen));
}

EventEnvelope MakeEnvelope(google::protobuf::Any payload, const std::string& actor,
                           const std::string& traceparent, absl::Time occurred,
                           const std::string& request_id) {
  EventEnvelope envelope;
  *envelope.mutable_occurred_at() = ToTimestamp(occurred);
  envelope.set_actor(actor.empty() ? "anonymous" : actor);
  envelope.set_correlation_id(request_id);
  envelope.set_causation_id(request_id);
  envelope.set_traceparent(traceparent);
  *envelope.mutable_payload() = std::move(payload);
  return envelope;
}

// Evolve plus what only the envelope knows (when a survey was defined, a callback
// scheduled), so that command responses equal the view rows.
template <typename State>
using Evolver = std::function<State(State, const v1::FeedbackEvent&, const EventEnvelope&)>;

Evolver<SurveyState> SurveyEvolver() {
  return [](SurveyState s, const v1::FeedbackEvent& e, const EventEnvelope& env) {
    s = EvolveSurvey(std::move(s), e);
    if (e.has_survey_defined()) *s.survey->mutable_defined_at() = env.occurred_at();
    return s;
  };
}
Evolver<SurveyRequestState> SurveyRequestEvolver() {
  return [](SurveyRequestState s, const v1::FeedbackEvent& e, const EventEnvelope&) {
    return EvolveSurveyRequest(std::move(s), e);
  };
}
Evolver<CallbackState> CallbackEvolver() {
  return [](CallbackState s, const v1::FeedbackEvent& e, const EventEnvelope& env) {
    s = EvolveCallback(std::move(s), e);
    if (e.has_callback_scheduled()) *s.callback->mutable_scheduled_at() = env.occurred_at();
    return s;
  };
}
Evolver<ComplaintState> ComplaintEvolver() {
  return [](ComplaintState s, const v1::FeedbackEvent& e, const EventEnvelope&) {
    return EvolveComplaint(std::move(s), e);
  };
}

// The stream folded up to `max_version` (0: all).
template <typename State>
absl::StatusOr<State> Fold(eventstore::EventStore& store, const std::string& stream_id,
                           uint64_t max_version, const Evolver<State>& evolve) {
  State state;
  uint64_t from = 1;
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<EventEnvelope> batch,
                     store.ReadStream(stream_id, from, kReadBatch));
    if (batch.empty()) return state;
    for (const EventEnvelope& envelope : batch) {
      if (max_version != 0 && envelope.stream_version() > max_version) return state;
      ASSIGN_OR_RETURN(std::optional<v1::FeedbackEvent> event,
                       UnpackFeedbackEvent(envelope.payload()));
      // An unknown type still takes its version.
      state = evolve(std::move(state), event.value_or(v1::FeedbackEvent()), envelope);
    }
    from += batch.size();
  }
}

template <typename State>
struct Outcome {
  State state;
  std::vector<v1::Alert> alerts;
  // True when this call appended the events (false when it replayed a request record).
  bool appended = false;
};

template <typename State>
using DecideFn = std::function<absl::StatusOr<FeedbackEvents>(const State&, absl::Time now)>;

// The generic mutation: idempotency, load, decide, append (aggregate + alert streams),
// evolve. See the header.
template <typename State>
absl::StatusOr<Outcome<State>> Run(eventstore::EventStore& store, Clock& clock, int attempts,
                                   const CallContext& ctx, const google::protobuf::Message& request,
                                   const std::string& request_id, const std::string& stream_id,
                                   const Evolver<State>& evolve, const DecideFn<State>& decide) {
  RETURN_IF_ERROR(service::CheckRequestId(request_id));
  const std::string fingerprint = Fingerprint(request);
  auto replay = [&](const RequestRecord& record) -> absl::StatusOr<Outcome<State>> {
    if (record.fingerprint != fingerprint) {
      return service::ReusedRequestIdError(request_id);
    }
    if (record.streams.empty()) return absl::InternalError("request record lists no stream");
    Outcome<State> outcome;
    ASSIGN_OR_RETURN(outcome.state,
                     Fold<State>(store, record.streams[0].first, record.streams[0].second, evolve));
    for (size_t i = 1; i < record.streams.size(); ++i) {
      ASSIGN_OR_RETURN(std::vector<EventEnvelope> events,
                       store.ReadStream(record.streams[i].first, 1, 1));
      if (events.empty()) continue;
      ASSIGN_OR_RETURN(std::optional<v1::FeedbackEvent> event,
                       UnpackFeedbackEvent(events[0].payload()));
      if (event.has_value() && event->has_feedback_alert_raised()) {
        outcome.alerts.push_back(
            AlertFromEvent(event->feedback_alert_raised(), FromTimestamp(events[0].occurred_at())));
      }
    }
    return outcome;
  };
  ASSIGN_OR_RETURN(std::optional<RequestRecord> prior, store.LookupRequest(request_id));
  if (prior.has_value()) return replay(*prior);

  for (int attempt = 1;; ++attempt) {
    ASSIGN_OR_RETURN(State state, Fold<State>(store, stream_id, 0, evolve));
    const absl::Time now = clock.Now();
    ASSIGN_OR_RETURN(const FeedbackEvents events, decide(state, now));
    eventstore::MultiAppendRequest append;
    append.request_id = request_id;
    append.request_fingerprint = fingerprint;
    eventstore::StreamAppend& own = append.streams.emplace_back();
    own.stream_id = stream_id;
    own.expected_version = ExpectedVersion::Exactly(state.version);
    std::vector<EventEnvelope> own_envelopes;
    for (const v1::FeedbackEvent& e : events) {
      ASSIGN_OR_RETURN(google::protobuf::Any payload, PackFeedbackEvent(e));
      EventEnvelope envelope =
          MakeEnvelope(std::move(payload), ctx.actor, ctx.traceparent, now, request_id);
      if (e.has_feedback_alert_raised()) {
        append.streams.push_back({AlertStreamId(e.feedback_alert_raised().alert_id()),
                                  ExpectedVersion::NoStream(),
                                  {std::move(envelope)}});
      } else {
        own_envelopes.push_back(envelope);
      }
    }
    append.streams[0].events = own_envelopes;
    absl::StatusOr<eventstore::MultiAppendResult> result = store.AppendMulti(std::move(append));
    if (!result.ok()) {
      if (absl::IsAborted(result.status()) && attempt < attempts) continue;
      if (absl::IsAborted(result.status())) {
        return absl::AbortedError(
            absl::StrCat(stream_id, " was changed concurrently; reload it and retry"));
      }
      return result.status();
    }
    if (result->deduplicated) {
      ASSIGN_OR_RETURN(prior, store.LookupRequest(request_id));
      if (!prior.has_value()) return absl::InternalError("deduplicated request has no record");
      return replay(*prior);
    }
    Outcome<State> outcome;
    uint64_t version = state.version;
    for (const EventEnvelope& envelope : own_envelopes) {
      EventEnvelope stamped = envelope;
      stamped.set_stream_version(++version);
      ASSIGN_OR_RETURN(std::optional<v1::FeedbackEvent> event,
                       UnpackFeedbackEvent(envelope.payload()));
      state = evolve(std::move(state), event.value_or(v1::FeedbackEvent()), stamped);
    }
    outcome.state = std::move(state);
    outcome.appended = true;
    for (const v1::FeedbackAlertRaised& alert : AlertsOf(events)) {
      outcome.alerts.push_back(AlertFromEvent(alert, now));
    }
    return outcome;
  }
}

template <typename Response>
void AddAlerts(const std::vector<v1::Alert>& alerts, Response& response) {
  for (const v1::Alert& a : alerts) *response.add_alerts() = a;
}

absl::Status Missing(const std::string& what) {
  return absl::InternalError(absl::StrCat(what, " missing after a successful command"));
}

}  // namespace

struct FeedbackApplication::Metrics {
  explicit Metrics(prometheus::Registry& registry)
      : alerts(prometheus::BuildCounter()
                   .Name("salesperf_feedback_alerts_raised_total")
                   .Help("Feedback alerts raised for a rep's manager, by reason")
                   .Register(registry)),
        nps_detractor(alerts.Add({{"reason", "nps_detractor"}})),
        low_csat(alerts.Add({{"reason", "low_csat"}})),
        severe_complaint(alerts.Add({{"reason", "severe_complaint"}})),
        surveys_expired(prometheus::BuildCounter()
                            .Name("salesperf_feedback_surveys_expired_total")
                            .Help("Survey requests expired unanswered by the sweeper")
                            .Register(registry)
                            .Add({})),
        sla_breaches(prometheus::BuildCounter()
                         .Name("salesperf_feedback_sla_breaches_total")
                         .Help("Complaint SLA breaches (first response or resolution) recorded")
                         .Register(registry)
                         .Add({})) {}

  prometheus::Family<prometheus::Counter>& alerts;
  prometheus::Counter& nps_detractor;
  prometheus::Counter& low_csat;
  prometheus::Counter& severe_complaint;
  prometheus::Counter& surveys_expired;
  prometheus::Counter& sla_breaches;
};

FeedbackApplication::FeedbackApplication(FeedbackApplicationOptions options)
    : options_(std::move(options)),
      metrics_(options_.registry == nullptr ? nullptr
                                            : std::make_unique<Metrics>(*options_.registry)),
      queries_(options_.views),
      org_(options_.views),
      contacts_(options_.views) {}

absl::StatusOr<std::unique_ptr<FeedbackApplication>> FeedbackApplication::Create(
    FeedbackApplicationOptions options) {
  if (options.store == nullptr || options.views == nullptr || options.commits == nullptr) {
    return absl::InvalidArgumentError("FeedbackApplication needs a store, views and commits");
  }
  if (options.clock == nullptr) options.clock = RealClock();
  if (options.append_attempts < 1) options.append_attempts = 1;
  if (options.sweep_batch == 0) options.sweep_batch = 500;
  return std::unique_ptr<FeedbackApplication>(new FeedbackApplication(std::move(options)));
}

FeedbackApplication::~FeedbackApplication() = default;

void FeedbackApplication::CountAlerts(const std::vector<v1::Alert>& alerts) {
  if (metrics_ == nullptr) return;
  for (const v1::Alert& alert : alerts) {
    switch (alert.reason()) {
      case v1::ALERT_REASON_NPS_DETRACTOR:
        metrics_->nps_detractor.Increment();
        break;
      case v1::ALERT_REASON_LOW_CSAT:
        metrics_->low_csat.Increment();
        break;
      case v1::ALERT_REASON_SEVERE_COMPLAINT:
        metrics_->severe_complaint.Increment();
        break;
      default:
        break;
    }
  }
}

std::string FeedbackApplication::ManagerOf(const std::string& rep_id, absl::Time now) {
  // A stale copy only makes the alert's manager "" or older; never fail the command.
  (void)org_.Refresh();
  std::shared_ptr<const targets::OrgState> org = org_.Snapshot();
  return OrgCache::TeamManagerOf(*org, rep_id, org->Today(now));
}

// ---------------------------------------------------------------------------------------
// Surveys.

absl::StatusOr<v1::DefineSurveyResponse> FeedbackApplication::DefineSurvey(
    const CallContext& ctx, const v1::DefineSurveyRequest& request) {
  FieldViolations v;
  v.AddIfError("survey_id", ValidateId(request.survey_id()));
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(
      Outcome<SurveyState> outcome,
      Run<SurveyState>(
          *options_.store, *options_.clock, options_.append_attempts, ctx, request,
          request.request_id(), SurveyStreamId(request.survey_id()), SurveyEvolver(),
          [&](const SurveyState& state, absl::Time now) {
            return DecideSurvey(feedback::DefineSurvey{{now, ctx.actor}, request}, state);
          }));
  if (!outcome.state.survey.has_value()) return Missing("survey");
  v1::DefineSurveyResponse response;
  *response.mutable_survey() = *outcome.state.survey;
  return response;
}

absl::StatusOr<v1::GetSurveyDefinitionResponse> FeedbackApplication::GetSurvey(
    const v1::GetSurveyDefinitionRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  v1::GetSurveyDefinitionResponse response;
  ASSIGN_OR_RETURN(*response.mutable_survey(), queries_.GetSurvey(request.survey_id()));
  return response;
}

absl::StatusOr<v1::SendSurveyResponse> FeedbackApplication::SendSurvey(
    const CallContext& ctx, const v1::SendSurveyRequest& request) {
  v1::SendSurveyRequest filled = request;
  if (filled.survey_request_id().empty()) {
    filled.set_survey_request_id(GeneratedId("sr-", request.request_id()));
  }
  FieldViolations v;
  v.AddIfError("survey_request_id", ValidateId(filled.survey_request_id()));
  v.AddIfError("survey_id", ValidateId(filled.survey_id()));
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(
      Outcome<SurveyRequestState> outcome,
      Run<SurveyRequestState>(
          *options_.store, *options_.clock, options_.append_attempts, ctx, request,
          request.request_id(), SurveyRequestStreamId(filled.survey_request_id()),
          SurveyRequestEvolver(),
          [&](const SurveyRequestState& state, absl::Time now) -> absl::StatusOr<FeedbackEvents> {
            ASSIGN_OR_RETURN(SurveyState survey,
                             Fold<SurveyState>(*options_.store, SurveyStreamId(filled.survey_id()),
                                               0, SurveyEvolver()));
            return DecideSurveyRequest(
                feedback::SendSurvey{{now, ctx.actor}, filled, survey.survey}, state);
          }));
  if (!outcome.state.request.has_value()) return Missing("survey request");
  v1::SendSurveyResponse response;
  *response.mutable_survey_request() = *outcome.state.request;
  return response;
}

absl::StatusOr<v1::RecordSurveyResponseResponse> FeedbackApplication::RecordSurveyResponse(
    const CallContext& ctx, const v1::RecordSurveyResponseRequest& request) {
  FieldViolations v;
  v.AddIfError("survey_request_id", ValidateId(request.survey_request_id()));
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(
      Outcome<SurveyRequestState> outcome,
      Run<SurveyRequestState>(
          *options_.store, *options_.clock, options_.append_attempts, ctx, request,
          request.request_id(), SurveyRequestStreamId(request.survey_request_id()),
          SurveyRequestEvolver(),
          [&](const SurveyRequestState& state, absl::Time now) -> absl::StatusOr<FeedbackEvents> {
            feedback::RecordSurveyResponse command{{now, ctx.actor}, request, std::nullopt, ""};
            if (state.request.has_value()) {
              ASSIGN_OR_RETURN(
                  SurveyState survey,
                  Fold<SurveyState>(*options_.store, SurveyStreamId(state.request->survey_id()), 0,
                                    SurveyEvolver()));
              command.survey = survey.survey;
              command.manager_id = ManagerOf(state.request->rep_id(), now);
            }
            return DecideSurveyRequest(command, state);
          }));
  if (!outcome.state.request.has_value()) return Missing("survey request");
  v1::RecordSurveyResponseResponse response;
  *response.mutable_survey_request() = *outcome.state.request;
  AddAlerts(outcome.alerts, response);
  if (outcome.appended) CountAlerts(outcome.alerts);
  return response;
}

absl::StatusOr<v1::GetSurveyRequestResponse> FeedbackApplication::GetSurveyRequest(
    const v1::GetSurveyRequestRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  v1::GetSurveyRequestResponse response;
  ASSIGN_OR_RETURN(*response.mutable_survey_request(),
                   queries_.GetSurveyRequest(request.survey_request_id()));
  return response;
}

absl::StatusOr<v1::ListSurveyRequestsResponse> FeedbackApplication::ListSurveyRequests(
    const v1::ListSurveyRequestsRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  return queries_.ListSurveyRequests(request);
}

// ---------------------------------------------------------------------------------------
// Callbacks.

absl::StatusOr<v1::ScheduleCallbackResponse> FeedbackApplication::ScheduleCallback(
    const CallContext& ctx, const v1::ScheduleCallbackRequest& request) {
  v1::ScheduleCallbackRequest filled = request;
  if (filled.callback_id().empty())
    filled.set_callback_id(GeneratedId("cb-", request.request_id()));
  FieldViolations v;
  v.AddIfError("callback_id", ValidateId(filled.callback_id()));
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(
      Outcome<CallbackState> outcome,
      Run<CallbackState>(
          *options_.store, *options_.clock, options_.append_attempts, ctx, request,
          request.request_id(), CallbackStreamId(filled.callback_id()), CallbackEvolver(),
          [&](const CallbackState& state, absl::Time now) {
            return DecideCallback(feedback::ScheduleCallback{{now, ctx.actor}, filled}, state);
          }));
  if (!outcome.state.callback.has_value()) return Missing("callback");
  v1::ScheduleCallbackResponse response;
  *response.mutable_callback() = *outcome.state.callback;
  // Also on a retry: the first attempt may have stopped between append and this write.
  if (outcome.state.callback->status() == v1::CALLBACK_STATUS_SCHEDULED) {
    RETURN_IF_ERROR(contacts_.PutPhone(filled.callback_id(), filled.contact_phone()));
    response.mutable_callback()->set_contact_phone(filled.contact_phone());
  }
  return response;
}

absl::StatusOr<v1::CompleteCallbackResponse> FeedbackApplication::CompleteCallback(
    const CallContext& ctx, const v1::CompleteCallbackRequest& request) {
  FieldViolations v;
  v.AddIfError("callback_id", ValidateId(request.callback_id()));
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(
      Outcome<CallbackState> outcome,
      Run<CallbackState>(*options_.store, *options_.clock, options_.append_attempts, ctx, request,
                         request.request_id(), CallbackStreamId(request.callback_id()),
                         CallbackEvolver(), [&](const CallbackState& state, absl::Time now) {
                           feedback::CompleteCallback command{{now, ctx.actor}, request, ""};
                           if (state.callback.has_value()) {
                             command.manager_id = ManagerOf(state.callback->rep_id(), now);
                           }
                           return DecideCallback(command, state);
                         }));
  if (!outcome.state.callback.has_value()) return Missing("callback");
  // The number is needed no more.
  RETURN_IF_ERROR(contacts_.DeletePhone(request.callback_id()));
  v1::CompleteCallbackResponse response;
  *response.mutable_callback() = *outcome.state.callback;
  AddAlerts(outcome.alerts, response);
  if (outcome.appended) CountAlerts(outcome.alerts);
  return response;
}

absl::StatusOr<v1::ListCallbacksResponse> FeedbackApplication::ListCallbacks(
    const v1::ListCallbacksRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  ASSIGN_OR_RETURN(v1::ListCallbacksResponse response, queries_.ListCallbacks(request));
  for (v1::Callback& callback : *response.mutable_callbacks()) {
    if (callback.status() != v1::CALLBACK_STATUS_SCHEDULED) continue;
    ASSIGN_OR_RETURN(std::optional<std::string> phone, contacts_.GetPhone(callback.callback_id()));
    if (phone.has_value()) callback.set_contact_phone(*phone);
  }
  return response;
}

// ---------------------------------------------------------------------------------------
// Complaints.

absl::StatusOr<v1::OpenComplaintResponse> FeedbackApplication::OpenComplaint(
    const CallContext& ctx, const v1::OpenComplaintRequest& request) {
  v1::OpenComplaintRequest filled = request;
  if (filled.complaint_id().empty()) {
    filled.set_complaint_id(GeneratedId("cmp-", request.request_id()));
  }
  FieldViolations v;
  v.AddIfError("complaint_id", ValidateId(filled.complaint_id()));
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(
      Outcome<ComplaintState> outcome,
      Run<ComplaintState>(
          *options_.store, *options_.clock, options_.append_attempts, ctx, request,
          request.request_id(), ComplaintStreamId(filled.complaint_id()), ComplaintEvolver(),
          [&](const ComplaintState& state, absl::Time now) {
            const std::string manager =
                filled.rep_id().empty() ? "" : ManagerOf(filled.rep_id(), now);
            return DecideComplaint(
                feedback::OpenComplaint{{now, ctx.actor}, filled, manager, options_.sla}, state);
          }));
  if (!outcome.state.complaint.has_value()) return Missing("complaint");
  v1::OpenComplaintResponse response;
  *response.mutable_complaint() = *outcome.state.complaint;
  AddAlerts(outcome.alerts, response);
  if (outcome.appended) CountAlerts(outcome.alerts);
  return response;
}

namespace {

// The complaint commands after opening share everything but the command.
template <typename Response, typename Request, typename MakeCommand>
absl::StatusOr<Response> RunComplaint(eventstore::EventStore& store, Clock& clock, int attempts,
                                      const CallContext& ctx, const Request& request,
                                      MakeCommand make) {
  FieldViolations v;
  v.AddIfError("complaint_id", ValidateId(request.complaint_id()));
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(
      Outcome<ComplaintState> outcome,
      Run<ComplaintState>(store, clock, attempts, ctx, request, request.request_id(),
                          ComplaintStreamId(request.complaint_id()), ComplaintEvolver(),
                          [&](const ComplaintState& state, absl::Time now) {
                            return DecideComplaint(make(CommandMeta{now, ctx.actor}), state);
                          }));
  if (!outcome.state.complaint.has_value()) return Missing("complaint");
  Response response;
  *response.mutable_complaint() = *outcome.state.complaint;
  return response;
}

}  // namespace

absl::StatusOr<v1::AssignComplaintResponse> FeedbackApplication::AssignComplaint(
    const CallContext& ctx, const v1::AssignComplaintRequest& request) {
  return RunComplaint<v1::AssignComplaintResponse>(
      *options_.store, *options_.clock, options_.append_attempts, ctx, request,
      [&](const CommandMeta& meta) {
        return ComplaintCommand(feedback::AssignComplaint{meta, request});
      });
}

absl::StatusOr<v1::RespondToComplaintResponse> FeedbackApplication::RespondToComplaint(
    const CallContext& ctx, const v1::RespondToComplaintRequest& request) {
  return RunComplaint<v1::RespondToComplaintResponse>(
      *options_.store, *options_.clock, options_.append_attempts, ctx, request,
      [&](const CommandMeta& meta) {
        return ComplaintCommand(feedback::RespondToComplaint{meta, request});
      });
}

absl::StatusOr<v1::ResolveComplaintResponse> FeedbackApplication::ResolveComplaint(
    const CallContext& ctx, const v1::ResolveComplaintRequest& request) {
  return RunComplaint<v1::ResolveComplaintResponse>(
      *options_.store, *options_.clock, options_.append_attempts, ctx, request,
      [&](const CommandMeta& meta) {
        return ComplaintCommand(feedback::ResolveComplaint{meta, request});
      });
}

absl::StatusOr<v1::ReopenComplaintResponse> FeedbackApplication::ReopenComplaint(
    const CallContext& ctx, const v1::ReopenComplaintRequest& request) {
  return RunComplaint<v1::ReopenComplaintResponse>(
      *options_.store, *options_.clock, options_.append_attempts, ctx, request,
      [&](const CommandMeta& meta) {
        return ComplaintCommand(feedback::ReopenComplaint{meta, request, options_.sla});
      });
}

absl::StatusOr<v1::GetComplaintResponse> FeedbackApplication::GetComplaint(
    const v1::GetComplaintRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  v1::GetComplaintResponse response;
  ASSIGN_OR_RETURN(*response.mutable_complaint(), queries_.GetComplaint(request.complaint_id()));
  return response;
}

absl::StatusOr<v1::ListComplaintsResponse> FeedbackApplication::ListComplaints(
    const v1::ListComplaintsRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  return queries_.ListComplaints(request);
}

// ---------------------------------------------------------------------------------------
// Alerts, summary, sweep.

absl::StatusOr<v1::ListAlertsResponse> FeedbackApplication::ListAlerts(
    const v1::ListAlertsRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  return queries_.ListAlerts(request);
}

absl::StatusOr<v1::GetFeedbackSummaryResponse> FeedbackApplication::GetFeedbackSummary(
    const v1::GetFeedbackSummaryRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  RETURN_IF_ERROR(org_.Refresh());
  v1::GetFeedbackSummaryResponse response;
  ASSIGN_OR_RETURN(*response.mutable_summary(),
                   queries_.GetFeedbackSummary(request, *org_.Snapshot()));
  return response;
}

namespace {

// One sweeper decision on one stream: appended with key "sweep:<stream>:<version>" at
// that version. Returns how many events it appended (0: nothing due, lost a race, or
// another sweeper did it).
template <typename State>
absl::StatusOr<int> SweepStream(
    eventstore::EventStore& store, const std::string& stream_id, const Evolver<State>& evolve,
    const std::function<absl::StatusOr<FeedbackEvents>(const State&)>& decide) {
  ASSIGN_OR_RETURN(State state, Fold<State>(store, stream_id, 0, evolve));
  absl::StatusOr<FeedbackEvents> events = decide(state);
  if (absl::IsNotFound(events.status())) return 0;  // a due row of a stream not readable yet
  if (!events.ok()) return events.status();
  if (events->empty()) return 0;
  const std::string key = absl::StrCat("sweep:", stream_id, ":", state.version);
  eventstore::AppendRequest append;
  append.stream_id = stream_id;
  append.expected_version = ExpectedVersion::Exactly(state.version);
  append.request_id = key;
  append.request_fingerprint = key;
  for (const v1::FeedbackEvent& e : *events) {
    ASSIGN_OR_RETURN(google::protobuf::Any payload, PackFeedbackEvent(e));
    // Business time: the deadline that passed, not when the sweeper noticed.
    absl::Time occurred = absl::UnixEpoch();
    if (e.has_survey_expired()) occurred = FromTimestamp(e.survey_expired().expired_at());
    if (e.has_complaint_sla_breached()) {
      occurred = FromTimestamp(e.complaint_sla_breached().breached_at());
    }
    append.events.push_back(MakeEnvelope(std::move(payload), kSweeperActor, "", occurred, key));
  }
  absl::StatusOr<eventstore::AppendResult> result = store.Append(std::move(append));
  // ABORTED: a command changed the stream meanwhile; the next sweep decides again.
  if (absl::IsAborted(result.status())) return 0;
  if (!result.ok()) return result.status();
  if (result->deduplicated) return 0;
  return static_cast<int>(events->size());
}

}  // namespace

absl::StatusOr<SweepResult> FeedbackApplication::SweepOnce(absl::Time now) {
  // Best effort: a due row the views have not folded yet is found by the next sweep.
  (void)WaitForViews();
  SweepResult result;
  ASSIGN_OR_RETURN(std::vector<std::string> requests,
                   queries_.DueIds(keys::kDueSurveyPrefix, now, options_.sweep_batch));
  for (const std::string& id : requests) {
    ASSIGN_OR_RETURN(
        int n, SweepStream<SurveyRequestState>(
                   *options_.store, SurveyRequestStreamId(id), SurveyRequestEvolver(),
                   [&](const SurveyRequestState& state) {
                     return DecideSurveyRequest(ExpireSurvey{{now, kSweeperActor}, id}, state);
                   }));
    result.surveys_expired += n;
  }
  std::set<std::string> complaints;
  for (const char* prefix : {keys::kDueFirstResponsePrefix, keys::kDueResolutionPrefix}) {
    ASSIGN_OR_RETURN(std::vector<std::string> ids,
                     queries_.DueIds(prefix, now, options_.sweep_batch));
    complaints.insert(ids.begin(), ids.end());
  }
  for (const std::string& id : complaints) {
    ASSIGN_OR_RETURN(
        int n, SweepStream<ComplaintState>(
                   *options_.store, ComplaintStreamId(id), ComplaintEvolver(),
                   [&](const ComplaintState& state) {
                     return DecideComplaint(CheckComplaintSla{{now, kSweeperActor}, id}, state);
                   }));
    result.sla_breaches += n;
  }
  if (metrics_ != nullptr) {
    metrics_->surveys_expired.Increment(result.surveys_expired);
    metrics_->sla_breaches.Increment(result.sla_breaches);
  }
  return result;
}

absl::Status FeedbackApplication::WaitForViews() const {
  const uint64_t head = options_.store->HeadSequence();
  if (head == 0) return absl::OkStatus();
  const projection::PartitionId partition{options_.store->source(), 0};
  if (options_.commits->WaitForCommitted(partition, static_cast<int64_t>(head) + 1,
                                         options_.view_wait_timeout)) {
    return absl::OkStatus();
  }
  return absl::UnavailableError(
      "the feedback read model has not caught up with recent changes; retry shortly");
}

}  // namespace salesperf::feedback
