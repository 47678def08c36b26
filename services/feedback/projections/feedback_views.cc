#include "services/feedback/projections/feedback_views.h"

#include <functional>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "services/feedback/app/event_codec.h"
#include "services/feedback/domain/feedback.h"
#include "services/feedback/domain/scores.h"

namespace salesperf::feedback {
namespace keys {

constexpr int64_t kBucketSeconds = 900;

std::string BigEndian64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

uint64_t ReadBigEndian64(std::string_view bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8 && i < bytes.size(); ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return value;
}

int64_t BucketOf(absl::Time t) {
  const int64_t seconds = absl::ToUnixSeconds(t);
  // Floor, also before 1970.
  return seconds >= 0 ? seconds / kBucketSeconds
                      : -((-seconds + kBucketSeconds - 1) / kBucketSeconds);
}

absl::Time BucketStart(int64_t bucket) { return absl::FromUnixSeconds(bucket * kBucketSeconds); }

// Buckets are signed; offsetting by 2^63 keeps byte order equal to numeric order.
std::string BucketKey(int64_t bucket) {
  return BigEndian64(static_cast<uint64_t>(bucket) ^ (uint64_t{1} << 63));
}

std::string Survey(const std::string& id) { return "s/" + id; }
std::string SurveyRequest(const std::string& id) { return "q/" + id; }
std::string SurveyRequestByRepPrefix(const std::string& rep_id) { return "qr/" + rep_id + "/"; }
std::string Callback(const std::string& id) { return "c/" + id; }
std::string CallbackByRepPrefix(const std::string& rep_id) { return "cr/" + rep_id + "/"; }
std::string Complaint(const std::string& id) { return "p/" + id; }
std::string ComplaintByRepPrefix(const std::string& rep_id) { return "pr/" + rep_id + "/"; }
std::string Alert(const std::string& id) { return "a/" + id; }
std::string AlertByManagerPrefix(const std::string& manager_id) { return "am/" + manager_id + "/"; }
std::string AlertByRepPrefix(const std::string& rep_id) { return "ar/" + rep_id + "/"; }

std::string Due(std::string_view prefix, absl::Time due, const std::string& id) {
  return absl::StrCat(std::string(prefix),
                      BigEndian64(static_cast<uint64_t>(absl::ToUnixMicros(due))), "/", id);
}

std::string IdOfDueKey(std::string_view key) {
  // prefix (4 bytes) + BE64 (8) + '/' + id.
  return key.size() > 13 ? std::string(key.substr(13)) : std::string();
}

std::string CompanyCountersPrefix() { return "n/c/"; }
std::string RepCountersPrefix(const std::string& rep_id) { return "n/r/" + rep_id + "/"; }
std::string OrgEvent(uint64_t version) { return std::string(kOrgPrefix) + BigEndian64(version); }

}  // namespace keys

namespace {

using projection::EventEnvelope;
using projection::ViewTxn;

template <typename Message>
absl::StatusOr<std::optional<Message>> GetRow(ViewTxn& txn, const std::string& key) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, txn.Get(key));
  if (!bytes.has_value()) return std::nullopt;
  Message message;
  if (!message.ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat("undecodable feedback row ", key));
  }
  return message;
}

void PutRow(ViewTxn& txn, const std::string& key, const google::protobuf::Message& message) {
  txn.Put(key, message.SerializeAsString());
}

absl::Status VersionGap(const EventEnvelope& e, uint64_t have) {
  return absl::InvalidArgumentError(absl::StrCat("stream ", e.stream_id(), " version ",
                                                 e.stream_version(), " does not follow ", have));
}

// Adds to the counters of the company and (when rep_id is set) of the rep, at `at`.
absl::Status Count(ViewTxn& txn, const std::string& rep_id, absl::Time at,
                   const std::function<void(v1::FeedbackCounters&)>& add) {
  const std::string bucket = keys::BucketKey(keys::BucketOf(at));
  std::vector<std::string> targets = {keys::CompanyCountersPrefix() + bucket};
  if (!rep_id.empty()) targets.push_back(keys::RepCountersPrefix(rep_id) + bucket);
  for (const std::string& key : targets) {
    ASSIGN_OR_RETURN(std::optional<v1::FeedbackCounters> row,
                     GetRow<v1::FeedbackCounters>(txn, key));
    v1::FeedbackCounters counters = row.value_or(v1::FeedbackCounters());
    add(counters);
    PutRow(txn, key, counters);
  }
  return absl::OkStatus();
}

class FeedbackView final : public projection::View {
 public:
  std::string_view name() const override { return kFeedbackViewName; }

  absl::Status Apply(const EventEnvelope& envelope, ViewTxn& txn) override {
    ASSIGN_OR_RETURN(std::optional<v1::FeedbackEvent> event,
                     UnpackFeedbackEvent(envelope.payload()));
    if (!event.has_value()) return absl::OkStatus();
    switch (event->event_case()) {
      case v1::FeedbackEvent::kSurveyDefined:
        return ApplySurvey(envelope, *event, txn);
      case v1::FeedbackEvent::kSurveySent:
      case v1::FeedbackEvent::kSurveyResponded:
      case v1::FeedbackEvent::kSurveyExpired:
        return ApplySurveyRequest(envelope, *event, txn);
      case v1::FeedbackEvent::kCallbackScheduled:
      case v1::FeedbackEvent::kCallbackCompleted:
        return ApplyCallback(envelope, *event, txn);
      case v1::FeedbackEvent::kFeedbackAlertRaised:
        return ApplyAlert(envelope, event->feedback_alert_raised(), txn);
      case v1::FeedbackEvent::EVENT_NOT_SET:
        return absl::OkStatus();
      default:
        return ApplyComplaint(envelope, *event, txn);
    }
  }

 private:
  static absl::Status ApplySurvey(const EventEnvelope& envelope, const v1::FeedbackEvent& event,
                                  ViewTxn& txn) {
    const std::string key = keys::Survey(event.survey_defined().survey_id());
    ASSIGN_OR_RETURN(std::optional<v1::Survey> row, GetRow<v1::Survey>(txn, key));
    if (row.has_value() || envelope.stream_version() != 1) return VersionGap(envelope, row ? 1 : 0);
    SurveyState state = EvolveSurvey(SurveyState{}, event);
    *state.survey->mutable_defined_at() = envelope.occurred_at();
    PutRow(txn, key, *state.survey);
    return absl::OkStatus();
  }

  static absl::Status ApplySurveyRequest(const EventEnvelope& envelope,
                                         const v1::FeedbackEvent& event, ViewTxn& txn) {
    std::string id;
    if (event.has_survey_sent()) id = event.survey_sent().survey_request_id();
    if (event.has_survey_responded()) id = event.survey_responded().survey_request_id();
    if (event.has_survey_expired()) id = event.survey_expired().survey_request_id();
    const std::string key = keys::SurveyRequest(id);
    ASSIGN_OR_RETURN(std::optional<v1::SurveyRequest> row, GetRow<v1::SurveyRequest>(txn, key));
    SurveyRequestState state;
    if (row.has_value()) state = SurveyRequestState{row->version(), std::move(row)};
    if (envelope.stream_version() != state.version + 1) return VersionGap(envelope, state.version);
    if (!state.request.has_value() && !event.has_survey_sent()) {
      return absl::InvalidArgumentError(absl::StrCat("survey request ", id, " was never sent"));
    }
    state = EvolveSurveyRequest(std::move(state), event);
    const v1::SurveyRequest& q = *state.request;
    PutRow(txn, key, q);
    const absl::Time expires = FromTimestamp(q.expires_at());
    switch (event.event_case()) {
      case v1::FeedbackEvent::kSurveySent:
        txn.Put(keys::SurveyRequestByRepPrefix(q.rep_id()) + id, "");
        txn.Put(keys::Due(keys::kDueSurveyPrefix, expires, id), "");
        return Count(txn, q.rep_id(), FromTimestamp(q.sent_at()),
                     [](v1::FeedbackCounters& c) { c.set_surveys_sent(c.surveys_sent() + 1); });
      case v1::FeedbackEvent::kSurveyResponded: {
        txn.Delete(keys::Due(keys::kDueSurveyPrefix, expires, id));
        const v1::SurveyResponded& e = event.survey_responded();
        return Count(txn, q.rep_id(), FromTimestamp(e.responded_at()),
                     [&e](v1::FeedbackCounters& c) {
                       c.set_survey_responses(c.survey_responses() + 1);
                       if (e.has_csat_score()) CountCsat(e.csat_score(), c);
                       if (e.has_nps_score()) CountNps(e.nps_score(), c);
                     });
      }
      default:
        txn.Delete(keys::Due(keys::kDueSurveyPrefix, expires, id));
        return Count(txn, q.rep_id(), FromTimestamp(q.expired_at()), [](v1::FeedbackCounters& c) {
          c.set_surveys_expired(c.surveys_expired() + 1);
        });
    }
  }

  static absl::Status ApplyCallback(const EventEnvelope& envelope, const v1::FeedbackEvent& event,
                                    ViewTxn& txn) {
    const std::string id = event.has_callback_scheduled()
                               ? event.callback_scheduled().callback_id()
                               : event.callback_completed().callback_id();
    const std::string key = keys::Callback(id);
    ASSIGN_OR_RETURN(std::optional<v1::Callback> row, GetRow<v1::Callback>(txn, key));
    CallbackState state;
    if (row.has_value()) state = CallbackState{row->version(), std::move(row)};
    if (envelope.stream_version() != state.version + 1) return VersionGap(envelope, state.version);
    if (!state.callback.has_value() && !event.has_callback_scheduled()) {
      return absl::InvalidArgumentError(absl::StrCat("callback ", id, " was never scheduled"));
    }
    state = EvolveCallback(std::move(state), event);
    if (event.has_callback_scheduled())
      *state.callback->mutable_scheduled_at() = envelope.occurred_at();
    PutRow(txn, key, *state.callback);
    if (event.has_callback_scheduled()) {
      txn.Put(keys::CallbackByRepPrefix(state.callback->rep_id()) + id, "");
      return absl::OkStatus();
    }
    const v1::CallbackCompleted& e = event.callback_completed();
    return Count(txn, e.rep_id(), FromTimestamp(e.completed_at()), [&e](v1::FeedbackCounters& c) {
      c.set_callbacks_completed(c.callbacks_completed() + 1);
      if (e.outcome() == v1::CALLBACK_OUTCOME_REACHED) {
        c.set_callbacks_reached(c.callbacks_reached() + 1);
      }
      if (e.has_csat_score()) CountCsat(e.csat_score(), c);
    });
  }

  static std::string ComplaintIdOf(const v1::FeedbackEvent& event) {
    switch (event.event_case()) {
      case v1::FeedbackEvent::kComplaintOpened:
        return event.complaint_opened().complaint_id();
      case v1::FeedbackEvent::kComplaintAssigned:
        return event.complaint_assigned().complaint_id();
      case v1::FeedbackEvent::kComplaintResponded:
        return event.complaint_responded().complaint_id();
      case v1::FeedbackEvent::kComplaintResolved:
        return event.complaint_resolved().complaint_id();
      case v1::FeedbackEvent::kComplaintReopened:
        return event.complaint_reopened().complaint_id();
      case v1::FeedbackEvent::kComplaintSlaBreached:
        return event.complaint_sla_breached().complaint_id();
      default:
        return "";
    }
  }

  static absl::Status ApplyComplaint(const EventEnvelope& envelope, const v1::FeedbackEvent& event,
                                     ViewTxn& txn) {
    const std::string id = ComplaintIdOf(event);
    if (id.empty()) return absl::OkStatus();
    const std::string key = keys::Complaint(id);
    ASSIGN_OR_RETURN(std::optional<v1::Complaint> row, GetRow<v1::Complaint>(txn, key));
    ComplaintState state;
    if (row.has_value()) state.version = row->version();
    state.complaint = row;
    if (envelope.stream_version() != state.version + 1) return VersionGap(envelope, state.version);
    if (!state.complaint.has_value() && !event.has_complaint_opened()) {
      return absl::InvalidArgumentError(absl::StrCat("complaint ", id, " was never opened"));
    }
    const std::optional<v1::Complaint> before = state.complaint;
    state = EvolveComplaint(std::move(state), event);
    const v1::Complaint& c = *state.complaint;
    PutRow(txn, key, c);
    const absl::Time opened = FromTimestamp(c.opened_at());
    const absl::Time first_due = FromTimestamp(c.first_response_due_at());
    auto first_due_key = [&] { return keys::Due(keys::kDueFirstResponsePrefix, first_due, id); };
    auto add = [&](auto fn) { return Count(txn, c.rep_id(), opened, fn); };
    switch (event.event_case()) {
      case v1::FeedbackEvent::kComplaintOpened:
        if (!c.rep_id().empty()) txn.Put(keys::ComplaintByRepPrefix(c.rep_id()) + id, "");
        txn.Put(first_due_key(), "");
        txn.Put(keys::Due(keys::kDueResolutionPrefix, FromTimestamp(c.resolution_due_at()), id),
                "");
        return add([](v1::FeedbackCounters& n) {
          n.set_complaints_opened(n.complaints_opened() + 1);
          n.set_complaints_open(n.complaints_open() + 1);
        });
      case v1::FeedbackEvent::kComplaintResponded:
        txn.Delete(first_due_key());
        return absl::OkStatus();
      case v1::FeedbackEvent::kComplaintResolved:
        txn.Delete(first_due_key());
        txn.Delete(keys::Due(keys::kDueResolutionPrefix, FromTimestamp(c.resolution_due_at()), id));
        return add([](v1::FeedbackCounters& n) { n.set_complaints_open(n.complaints_open() - 1); });
      case v1::FeedbackEvent::kComplaintReopened:
        // The first-response clock runs again if it never stopped by a response.
        if (!c.has_first_responded_at() && !c.first_response_breached())
          txn.Put(first_due_key(), "");
        txn.Put(keys::Due(keys::kDueResolutionPrefix, FromTimestamp(c.resolution_due_at()), id),
                "");
        return add([](v1::FeedbackCounters& n) { n.set_complaints_open(n.complaints_open() + 1); });
      case v1::FeedbackEvent::kComplaintSlaBreached: {
        const v1::ComplaintSlaBreached& e = event.complaint_sla_breached();
        txn.Delete(keys::Due(e.sla() == v1::SLA_KIND_FIRST_RESPONSE ? keys::kDueFirstResponsePrefix
                                                                    : keys::kDueResolutionPrefix,
                             FromTimestamp(e.due_at()), id));
        if (before->first_response_breached() || before->resolution_breached()) {
          return absl::OkStatus();
        }
        return add([](v1::FeedbackCounters& n) {
          n.set_complaints_breached(n.complaints_breached() + 1);
        });
      }
      default:
        return absl::OkStatus();
    }
  }

  static absl::Status ApplyAlert(const EventEnvelope& envelope, const v1::FeedbackAlertRaised& e,
                                 ViewTxn& txn) {
    const std::string key = keys::Alert(e.alert_id());
    ASSIGN_OR_RETURN(std::optional<std::string> row, txn.Get(key));
    if (row.has_value() || envelope.stream_version() != 1) return VersionGap(envelope, row ? 1 : 0);
    const absl::Time raised = FromTimestamp(envelope.occurred_at());
    PutRow(txn, key, AlertFromEvent(e, raised));
    txn.Put(keys::AlertByManagerPrefix(e.manager_id()) + e.alert_id(), "");
    if (!e.rep_id().empty()) txn.Put(keys::AlertByRepPrefix(e.rep_id()) + e.alert_id(), "");
    return Count(txn, e.rep_id(), raised,
                 [](v1::FeedbackCounters& c) { c.set_alerts_raised(c.alerts_raised() + 1); });
  }
};

class OrgView final : public projection::View {
 public:
  std::string_view name() const override { return kOrgViewName; }

  absl::Status Apply(const EventEnvelope& envelope, ViewTxn& txn) override {
    if (envelope.source() != "targets" || envelope.stream_id() != "org") return absl::OkStatus();
    ASSIGN_OR_RETURN(std::optional<targets::v1::OrgEvent> event,
                     UnpackOrgEvent(envelope.payload()));
    const uint64_t version = envelope.stream_version();
    if (version == 0) return VersionGap(envelope, 0);
    if (version > 1) {
      ASSIGN_OR_RETURN(std::optional<std::string> previous, txn.Get(keys::OrgEvent(version - 1)));
      if (!previous.has_value()) return VersionGap(envelope, 0);
    }
    // An unknown org event type still takes its version (EvolveOrg counts an empty union).
    txn.Put(keys::OrgEvent(version),
            event.has_value() ? event->SerializeAsString() : std::string());
    return absl::OkStatus();
  }
};

}  // namespace

std::vector<std::string> FeedbackViewNames() {
  return {kFeedbackViewName, kOrgViewName, kContactsViewName};
}

std::vector<projection::ViewPtr> NewFeedbackViews() {
  std::vector<projection::ViewPtr> views;
  views.push_back(std::make_unique<FeedbackView>());
  views.push_back(std::make_unique<OrgView>());
  return views;
}

}  // namespace salesperf::feedback
