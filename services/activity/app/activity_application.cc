#include "services/activity/app/activity_application.h"

#include <map>
#include <optional>
#include <random>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "libs/common/ids.h"
#include "libs/common/period.h"
#include "libs/common/status_macros.h"
#include "libs/common/validation.h"
#include "libs/service/request_fingerprint.h"
#include "services/activity/app/event_codec.h"
#include "services/activity/domain/call.h"
#include "services/activity/domain/customer.h"
#include "services/activity/domain/pipeline.h"
#include "services/activity/domain/visit.h"

namespace salesperf::activity {
namespace {

using eventstore::AppendRequest;
using eventstore::EventEnvelope;
using eventstore::ExpectedVersion;
using eventstore::RequestRecord;

constexpr size_t kReadBatch = 1000;
// The stream named in the request record of an import batch that appended nothing.
constexpr char kEmptyImportStream[] = "call-import-noop";

std::string Fingerprint(const google::protobuf::Message& request) {
  return service::RequestFingerprint(request, "activity");
}

// Ids for what a request leaves unnamed, seeded by its request_id.
class IdGenerator {
 public:
  explicit IdGenerator(const std::string& request_id) : gen_(service::StableHash64(request_id)) {}
  std::string Next(std::string_view kind) {
    return absl::StrCat(absl::string_view(kind.data(), kind.size()), "-", NewUuid(gen_));
  }

 private:
  std::mt19937_64 gen_;
};

std::string IdOr(const std::string& given, const std::string& request_id, std::string_view kind) {
  if (!given.empty()) return given;
  return IdGenerator(request_id).Next(kind);
}

// A well-formed id field, or the field violation.
absl::Status CheckIdField(const std::string& field, const std::string& id) {
  FieldViolations v;
  CheckId(v, field, id);
  return v.ToStatus();
}

EventEnvelope MakeEnvelope(google::protobuf::Any payload, const CallContext& ctx,
                           absl::Time occurred_at, const std::string& request_id) {
  EventEnvelope envelope;
  *envelope.mutable_occurred_at() = ToTimestamp(occurred_at);
  envelope.set_actor(ctx.actor.empty() ? "anonymous" : ctx.actor);
  envelope.set_correlation_id(request_id);
  envelope.set_causation_id(request_id);
  envelope.set_traceparent(ctx.traceparent);
  *envelope.mutable_payload() = std::move(payload);
  return envelope;
}

absl::StatusOr<std::vector<EventEnvelope>> Envelopes(
    const ActivityEvents& events, const CallContext& ctx, absl::Time now,
    const std::string& request_id,
    absl::Time (*occurred_at)(const v1::ActivityEvent&, absl::Time)) {
  std::vector<EventEnvelope> out;
  out.reserve(events.size());
  for (const v1::ActivityEvent& e : events) {
    ASSIGN_OR_RETURN(google::protobuf::Any any, PackActivityEvent(e));
    out.push_back(MakeEnvelope(std::move(any), ctx,
                               occurred_at == nullptr ? now : occurred_at(e, now), request_id));
  }
  return out;
}

// Starts an asynchronous call with a reply callback and waits for its answer.
template <typename Response, typename Start>
absl::StatusOr<Response> AwaitReply(Start&& start) {
  absl::StatusOr<Response> answer = absl::InternalError("no answer");
  absl::Notification answered;
  std::forward<Start>(start)([&](absl::StatusOr<Response> r) {
    answer = std::move(r);
    answered.Notify();
  });
  answered.WaitForNotification();
  return answer;
}

// A stream folded up to a version.
template <typename State>
struct Loaded {
  State state;
  uint64_t version = 0;
};

template <typename State>
absl::StatusOr<Loaded<State>> LoadStream(eventstore::EventStore& store,
                                         const std::string& stream_id,
                                         State (*evolve)(State, const v1::ActivityEvent&),
                                         uint64_t max_version = 0) {
  Loaded<State> loaded;
  uint64_t from = 1;
  while (true) {
    size_t want = kReadBatch;
    if (max_version != 0) {
      if (from > max_version) break;
      want = std::min<uint64_t>(kReadBatch, max_version - from + 1);
    }
    ASSIGN_OR_RETURN(std::vector<EventEnvelope> batch, store.ReadStream(stream_id, from, want));
    for (const EventEnvelope& envelope : batch) {
      absl::StatusOr<std::optional<v1::ActivityEvent>> e = UnpackActivityEvent(envelope.payload());
      if (!e.ok()) {
        return absl::DataLossError(
            absl::StrCat("undecodable event ", envelope.stream_version(), " of ", stream_id));
      }
      if (e->has_value()) loaded.state = evolve(std::move(loaded.state), **e);
      loaded.version = envelope.stream_version();
    }
    loaded.state.set_version(static_cast<int64_t>(loaded.version));
    if (batch.size() < want) break;
    from += batch.size();
  }
  return loaded;
}

absl::Time CallStartedAt(const v1::ActivityEvent& e, absl::Time now) {
  return e.has_call_logged() ? FromTimestamp(e.call_logged().started_at()) : now;
}

void FillVisitDay(v1::Visit& visit, absl::TimeZone tz) {
  if (!visit.visit_id().empty()) visit.set_planned_on(DayOf(FromTimestamp(visit.planned_at()), tz));
}
void FillCallDay(v1::Call& call, absl::TimeZone tz) {
  if (!call.call_id().empty()) call.set_started_on(DayOf(FromTimestamp(call.started_at()), tz));
}

}  // namespace

ActivityApplication::ActivityApplication(ActivityApplicationOptions options)
    : options_(std::move(options)), queries_(options_.views) {}

absl::StatusOr<std::unique_ptr<ActivityApplication>> ActivityApplication::Create(
    ActivityApplicationOptions options) {
  if (options.store == nullptr || options.views == nullptr) {
    return absl::InvalidArgumentError("ActivityApplication needs a store and views");
  }
  if (options.clock == nullptr) options.clock = RealClock();
  if (options.append_attempts < 1) options.append_attempts = 1;
  if (!(options.check_in_threshold_meters > 0)) {
    return absl::InvalidArgumentError("check_in_threshold_meters must be positive");
  }
  return std::unique_ptr<ActivityApplication>(new ActivityApplication(std::move(options)));
}

absl::StatusOr<CommandMeta> ActivityApplication::Meta(const CallContext& ctx) const {
  CommandMeta meta;
  meta.now = options_.clock->Now();
  meta.actor = ctx.actor;
  meta.tz = DefaultTimeZone();
  ASSIGN_OR_RETURN(std::optional<targets::v1::OrganisationSettings> settings, queries_.Settings());
  if (settings.has_value()) {
    if (!settings->time_zone().empty()) {
      absl::StatusOr<absl::TimeZone> tz = LoadTimeZone(settings->time_zone());
      if (tz.ok()) meta.tz = *tz;
    }
    meta.currency = settings->currency_code();
  }
  return meta;
}

absl::Status ActivityApplication::AttributeLeadCustomer(
    v1::CallRecord& record, std::map<std::string, std::string>* known) const {
  if (!record.customer_id().empty() || record.lead_id().empty()) return absl::OkStatus();
  if (known != nullptr) {
    if (auto it = known->find(record.lead_id()); it != known->end()) {
      record.set_customer_id(it->second);
      return absl::OkStatus();
    }
  }
  ASSIGN_OR_RETURN(Loaded<v1::Lead> lead,
                   LoadStream<v1::Lead>(*options_.store, LeadStreamId(record.lead_id()), EvolveLead));
  if (known != nullptr) (*known)[record.lead_id()] = lead.state.customer_id();
  record.set_customer_id(lead.state.customer_id());
  return absl::OkStatus();
}

absl::Status ActivityApplication::CheckCustomerRegistered(const std::string& customer_id) const {
  if (customer_id.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(CheckIdField("customer_id", customer_id));
  ASSIGN_OR_RETURN(uint64_t version, options_.store->StreamVersion(CustomerStreamId(customer_id)));
  if (version == 0) {
    return absl::NotFoundError(
        absl::StrCat("customer ", customer_id, " is not registered (register it first)"));
  }
  return absl::OkStatus();
}

absl::Status ActivityApplication::WaitForViews() const {
  if (!options_.wait_for_views) return absl::OkStatus();
  absl::Status s = options_.wait_for_views(options_.view_wait_timeout);
  if (!s.ok()) {
    return absl::UnavailableError(
        absl::StrCat("the activity views are behind the event store: ", s.message()));
  }
  return absl::OkStatus();
}

template <typename State, typename Response>
absl::StatusOr<Response> ActivityApplication::Run(
    const CallContext& ctx, const google::protobuf::Message& request, const std::string& request_id,
    const std::string& stream_id, State (*evolve)(State, const v1::ActivityEvent&),
    const std::function<absl::StatusOr<ActivityEvents>(const State&, const CommandMeta&)>& decide,
    const std::function<Response(const State&, bool appended)>& respond,
    absl::Time (*occurred_at)(const v1::ActivityEvent&, absl::Time),
    const CommandMeta* first_meta) {
  auto command = std::make_shared<Command<State, Response>>();
  command->ctx = ctx;
  command->request_id = request_id;
  command->stream_id = stream_id;
  command->evolve = evolve;
  command->decide = decide;
  command->respond = respond;
  command->occurred_at = occurred_at;
  if (first_meta != nullptr) command->first_meta = *first_meta;
  return AwaitReply<Response>([&](Reply<Response> done) {
    command->done = std::move(done);
    RunAsync(std::move(command), request);
  });
}

template <typename State, typename Response>
void ActivityApplication::RunAsync(std::shared_ptr<Command<State, Response>> command,
                                   const google::protobuf::Message& request) {
  if (absl::Status s = service::CheckRequestId(command->request_id); !s.ok()) {
    std::move(command->done)(s);
    return;
  }
  command->fingerprint = Fingerprint(request);
  absl::StatusOr<std::optional<RequestRecord>> seen =
      options_.store->LookupRequest(command->request_id);
  if (!seen.ok()) {
    std::move(command->done)(seen.status());
  } else if (seen->has_value()) {
    std::move(command->done)(Replay(*command, **seen));
  } else {
    Attempt(std::move(command), 0, absl::OkStatus());
  }
}

template <typename State, typename Response>
absl::StatusOr<Response> ActivityApplication::Replay(const Command<State, Response>& command,
                                                     const RequestRecord& record) {
  if (record.fingerprint != command.fingerprint || record.stream_id != command.stream_id) {
    return service::ReusedRequestIdError(command.request_id);
  }
  ASSIGN_OR_RETURN(Loaded<State> at, LoadStream<State>(*options_.store, command.stream_id,
                                                       command.evolve,
                                                       record.result.stream_version));
  return command.respond(at.state, record.result.first_sequence != 0);
}

template <typename State, typename Response>
void ActivityApplication::Attempt(std::shared_ptr<Command<State, Response>> command, int attempt,
                                  absl::Status last) {
  Command<State, Response>& c = *command;
  if (attempt >= options_.append_attempts) {
    std::move(c.done)(last);
    return;
  }
  // Everything up to the append; an error here is the answer.
  struct Prepared {
    Loaded<State> loaded;
    ActivityEvents events;
    eventstore::MultiAppendRequest append;
  };
  auto prepare = [&]() -> absl::StatusOr<Prepared> {
    Prepared p;
    ASSIGN_OR_RETURN(p.loaded, LoadStream<State>(*options_.store, c.stream_id, c.evolve));
    CommandMeta meta;
    if (attempt == 0 && c.first_meta.has_value()) {
      meta = *c.first_meta;
    } else {
      ASSIGN_OR_RETURN(meta, Meta(c.ctx));
    }
    ASSIGN_OR_RETURN(p.events, c.decide(p.loaded.state, meta));
    eventstore::StreamAppend& stream = p.append.streams.emplace_back();
    stream.stream_id = c.stream_id;
    stream.expected_version = p.loaded.version == 0 ? ExpectedVersion::NoStream()
                                                    : ExpectedVersion::Exactly(p.loaded.version);
    ASSIGN_OR_RETURN(stream.events,
                     Envelopes(p.events, c.ctx, meta.now, c.request_id, c.occurred_at));
    p.append.request_id = c.request_id;
    p.append.request_fingerprint = c.fingerprint;
    return p;
  };
  absl::StatusOr<Prepared> prepared = prepare();
  if (!prepared.ok()) {
    std::move(c.done)(prepared.status());
    return;
  }
  eventstore::MultiAppendRequest append = std::move(prepared->append);
  options_.store->AppendMultiAsync(
      std::move(append),
      [this, command = std::move(command), attempt, prepared = *std::move(prepared)](
          absl::StatusOr<eventstore::MultiAppendResult> result) mutable {
        Command<State, Response>& c = *command;
        if (result.ok() && result->deduplicated) {
          // A retry of this request_id was committed first: answer as it was answered.
          absl::StatusOr<std::optional<RequestRecord>> record =
              options_.store->LookupRequest(c.request_id);
          if (!record.ok()) {
            std::move(c.done)(record.status());
          } else if (!record->has_value()) {
            std::move(c.done)(absl::InternalError("request record missing"));
          } else {
            std::move(c.done)(Replay(c, **record));
          }
        } else if (result.ok()) {
          State state = std::move(prepared.loaded.state);
          for (const v1::ActivityEvent& e : prepared.events) state = c.evolve(std::move(state), e);
          state.set_version(static_cast<int64_t>(result->stream_versions.front()));
          std::move(c.done)(c.respond(state, !prepared.events.empty()));
        } else if (result.status().code() == absl::StatusCode::kAlreadyExists) {
          std::move(c.done)(service::ReusedRequestIdError(c.request_id));
        } else if (result.status().code() != absl::StatusCode::kAborted) {
          std::move(c.done)(result.status());
        } else {
          // Another writer moved the stream: decide again against its new state.
          Attempt(std::move(command), attempt + 1, result.status());
        }
      });
}

// ---------------------------------------------------------------------------------------
// Customers.

absl::StatusOr<v1::RegisterCustomerResponse> ActivityApplication::RegisterCustomer(
    const CallContext& ctx, const v1::RegisterCustomerRequest& request) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  v1::RegisterCustomerRequest r = request;
  r.set_customer_id(IdOr(request.customer_id(), request.request_id(), "cus"));
  RETURN_IF_ERROR(CheckIdField("customer_id", r.customer_id()));
  absl::MutexLock lock(&register_mu_);
  std::string existing;
  if (!r.external_id().empty()) {
    RETURN_IF_ERROR(WaitForViews());
    ASSIGN_OR_RETURN(existing, queries_.CustomerWithExternalId(r.external_id()));
  }
  return Run<v1::Customer, v1::RegisterCustomerResponse>(
      ctx, request, request.request_id(), CustomerStreamId(r.customer_id()), EvolveCustomer,
      [&](const v1::Customer& state, const CommandMeta& meta) {
        return DecideRegisterCustomer({meta, r, existing}, state);
      },
      [](const v1::Customer& state, bool) {
        v1::RegisterCustomerResponse response;
        *response.mutable_customer() = state;
        return response;
      });
}

absl::StatusOr<v1::ReassignCustomerResponse> ActivityApplication::ReassignCustomer(
    const CallContext& ctx, const v1::ReassignCustomerRequest& request) {
  RETURN_IF_ERROR(CheckIdField("customer_id", request.customer_id()));
  return Run<v1::Customer, v1::ReassignCustomerResponse>(
      ctx, request, request.request_id(), CustomerStreamId(request.customer_id()), EvolveCustomer,
      [&](const v1::Customer& state, const CommandMeta& meta) {
        return DecideReassignCustomer({meta, request}, state);
      },
      [](const v1::Customer& state, bool) {
        v1::ReassignCustomerResponse response;
        *response.mutable_customer() = state;
        return response;
      });
}

absl::StatusOr<v1::GetCustomerResponse> ActivityApplication::GetCustomer(
    const v1::GetCustomerRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  v1::GetCustomerResponse response;
  ASSIGN_OR_RETURN(*response.mutable_customer(), queries_.GetCustomer(request.customer_id()));
  return response;
}

absl::StatusOr<v1::ListCustomersResponse> ActivityApplication::ListCustomers(
    const v1::ListCustomersRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  return queries_.ListCustomers(request);
}

// ---------------------------------------------------------------------------------------
// Visits.

namespace {

template <typename Response>
std::function<Response(const v1::Visit&, bool)> VisitResponder(absl::TimeZone tz) {
  return [tz](const v1::Visit& state, bool) {
    Response response;
    *response.mutable_visit() = state;
    FillVisitDay(*response.mutable_visit(), tz);
    return response;
  };
}

}  // namespace

absl::StatusOr<v1::PlanVisitResponse> ActivityApplication::PlanVisit(
    const CallContext& ctx, const v1::PlanVisitRequest& request) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  v1::PlanVisitRequest r = request;
  r.set_visit_id(IdOr(request.visit_id(), request.request_id(), "vis"));
  RETURN_IF_ERROR(CheckIdField("visit_id", r.visit_id()));
  RETURN_IF_ERROR(CheckIdField("customer_id", r.customer_id()));
  ASSIGN_OR_RETURN(
      Loaded<v1::Customer> customer,
      LoadStream<v1::Customer>(*options_.store, CustomerStreamId(r.customer_id()), EvolveCustomer));
  ASSIGN_OR_RETURN(CommandMeta meta, Meta(ctx));
  return Run<v1::Visit, v1::PlanVisitResponse>(
      ctx, request, request.request_id(), VisitStreamId(r.visit_id()), EvolveVisit,
      [&](const v1::Visit& state, const CommandMeta& m) {
        return DecidePlanVisit({m, r, customer.state}, state);
      },
      VisitResponder<v1::PlanVisitResponse>(meta.tz), nullptr, &meta);
}

absl::StatusOr<v1::RescheduleVisitResponse> ActivityApplication::RescheduleVisit(
    const CallContext& ctx, const v1::RescheduleVisitRequest& request) {
  RETURN_IF_ERROR(CheckIdField("visit_id", request.visit_id()));
  ASSIGN_OR_RETURN(CommandMeta meta, Meta(ctx));
  return Run<v1::Visit, v1::RescheduleVisitResponse>(
      ctx, request, request.request_id(), VisitStreamId(request.visit_id()), EvolveVisit,
      [&](const v1::Visit& state, const CommandMeta& m) {
        return DecideRescheduleVisit({m, request}, state);
      },
      VisitResponder<v1::RescheduleVisitResponse>(meta.tz), nullptr, &meta);
}

absl::StatusOr<v1::CancelVisitResponse> ActivityApplication::CancelVisit(
    const CallContext& ctx, const v1::CancelVisitRequest& request) {
  RETURN_IF_ERROR(CheckIdField("visit_id", request.visit_id()));
  ASSIGN_OR_RETURN(CommandMeta meta, Meta(ctx));
  return Run<v1::Visit, v1::CancelVisitResponse>(
      ctx, request, request.request_id(), VisitStreamId(request.visit_id()), EvolveVisit,
      [&](const v1::Visit& state, const CommandMeta& m) {
        return DecideCancelVisit({m, request}, state);
      },
      VisitResponder<v1::CancelVisitResponse>(meta.tz), nullptr, &meta);
}

absl::StatusOr<v1::CheckInResponse> ActivityApplication::CheckIn(
    const CallContext& ctx, const v1::CheckInRequest& request) {
  RETURN_IF_ERROR(CheckIdField("visit_id", request.visit_id()));
  ASSIGN_OR_RETURN(CommandMeta meta, Meta(ctx));
  return Run<v1::Visit, v1::CheckInResponse>(
      ctx, request, request.request_id(), VisitStreamId(request.visit_id()), EvolveVisit,
      [&](const v1::Visit& state, const CommandMeta& m) -> absl::StatusOr<ActivityEvents> {
        v1::Customer customer;
        if (!state.customer_id().empty()) {
          ASSIGN_OR_RETURN(
              Loaded<v1::Customer> loaded,
              LoadStream<v1::Customer>(*options_.store, CustomerStreamId(state.customer_id()),
                                       EvolveCustomer));
          customer = std::move(loaded.state);
        }
        return DecideCheckIn({m, request, customer, options_.check_in_threshold_meters}, state);
      },
      VisitResponder<v1::CheckInResponse>(meta.tz), nullptr, &meta);
}

absl::StatusOr<v1::CheckOutResponse> ActivityApplication::CheckOut(
    const CallContext& ctx, const v1::CheckOutRequest& request) {
  RETURN_IF_ERROR(CheckIdField("visit_id", request.visit_id()));
  ASSIGN_OR_RETURN(CommandMeta meta, Meta(ctx));
  return Run<v1::Visit, v1::CheckOutResponse>(
      ctx, request, request.request_id(), VisitStreamId(request.visit_id()), EvolveVisit,
      [&](const v1::Visit& state, const CommandMeta& m) {
        return DecideCheckOut({m, request}, state);
      },
      VisitResponder<v1::CheckOutResponse>(meta.tz), nullptr, &meta);
}

absl::StatusOr<v1::RecordVisitOutcomeResponse> ActivityApplication::RecordVisitOutcome(
    const CallContext& ctx, const v1::RecordVisitOutcomeRequest& request) {
  RETURN_IF_ERROR(CheckIdField("visit_id", request.visit_id()));
  ASSIGN_OR_RETURN(CommandMeta meta, Meta(ctx));
  return Run<v1::Visit, v1::RecordVisitOutcomeResponse>(
      ctx, request, request.request_id(), VisitStreamId(request.visit_id()), EvolveVisit,
      [&](const v1::Visit& state, const CommandMeta& m) {
        return DecideRecordVisitOutcome({m, request}, state);
      },
      VisitResponder<v1::RecordVisitOutcomeResponse>(meta.tz), nullptr, &meta);
}

absl::StatusOr<v1::GetVisitResponse> ActivityApplication::GetVisit(
    const v1::GetVisitRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  v1::GetVisitResponse response;
  ASSIGN_OR_RETURN(*response.mutable_visit(), queries_.GetVisit(request.visit_id()));
  return response;
}

absl::StatusOr<v1::ListVisitsResponse> ActivityApplication::ListVisits(
    const v1::ListVisitsRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  return queries_.ListVisits(request);
}

// ---------------------------------------------------------------------------------------
// Calls.

absl::StatusOr<v1::LogCallResponse> ActivityApplication::LogCall(
    const CallContext& ctx, const v1::LogCallRequest& request) {
  return AwaitReply<v1::LogCallResponse>(
      [&](Reply<v1::LogCallResponse> done) { LogCallAsync(ctx, request, std::move(done)); });
}

void ActivityApplication::LogCallAsync(const CallContext& ctx, const v1::LogCallRequest& request,
                                       Reply<v1::LogCallResponse> done) {
  auto validate = [&]() -> absl::StatusOr<std::pair<CommandMeta, v1::CallRecord>> {
    RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
    ASSIGN_OR_RETURN(CommandMeta meta, Meta(ctx));
    FieldViolations v;
    ValidateCallRecord(request.call(), meta.now, "call.", v);
    if (!request.call().external_call_id().empty() && !request.call().call_id().empty()) {
      v.Add("call.call_id", "must be empty when external_call_id is set (it is derived)");
    }
    RETURN_IF_ERROR(v.ToStatus());
    v1::CallRecord record = request.call();
    record.set_call_id(record.external_call_id().empty()
                           ? IdOr(record.call_id(), request.request_id(), "call")
                           : ExternalCallId(record.phone_system(), record.external_call_id()));
    RETURN_IF_ERROR(AttributeLeadCustomer(record));
    return std::make_pair(std::move(meta), std::move(record));
  };
  absl::StatusOr<std::pair<CommandMeta, v1::CallRecord>> valid = validate();
  if (!valid.ok()) {
    std::move(done)(valid.status());
    return;
  }
  auto command = std::make_shared<Command<v1::Call, v1::LogCallResponse>>();
  command->ctx = ctx;
  command->request_id = request.request_id();
  command->stream_id = CallStreamId(valid->second.call_id());
  command->evolve = EvolveCall;
  command->decide = [record = std::move(valid->second)](const v1::Call& state,
                                                        const CommandMeta& m) {
    return DecideLogCall({m, record}, state);
  };
  command->respond = [tz = valid->first.tz](const v1::Call& state, bool appended) {
    v1::LogCallResponse response;
    *response.mutable_call() = state;
    FillCallDay(*response.mutable_call(), tz);
    response.set_duplicate(!appended);
    return response;
  };
  command->occurred_at = CallStartedAt;
  command->first_meta = std::move(valid->first);
  command->done = std::move(done);
  RunAsync(std::move(command), request);
}

absl::StatusOr<ImportBatchResult> ActivityApplication::ImportCallBatch(
    const CallContext& ctx, const v1::ImportCallsRequest& batch, int64_t first_index,
    bool report_accepted) {
  RETURN_IF_ERROR(service::CheckRequestId(batch.request_id()));
  if (batch.records_size() > options_.max_import_batch) {
    return InvalidField("records",
                        absl::StrCat("at most ", options_.max_import_batch, " records per batch"));
  }
  ASSIGN_OR_RETURN(CommandMeta meta, Meta(ctx));
  eventstore::EventStore& store = *options_.store;
  const std::string fingerprint = Fingerprint(batch);

  // Validate and name every record; duplicates within the batch are found here.
  struct Candidate {
    int record = 0;
    std::string call_id;
  };
  ImportBatchResult out;
  std::vector<v1::ImportCallResult> results(batch.records_size());
  std::vector<Candidate> candidates;
  std::set<std::string> named;
  IdGenerator ids(batch.request_id());
  for (int i = 0; i < batch.records_size(); ++i) {
    const v1::CallRecord& record = batch.records(i);
    v1::ImportCallResult& result = results[i];
    result.set_index(first_index + i);
    FieldViolations v;
    ValidateCallRecord(record, meta.now, "", v);
    if (!record.external_call_id().empty() && !record.call_id().empty()) {
      v.Add("call_id", "must be empty when external_call_id is set (it is derived)");
    }
    if (!v.empty()) {
      result.set_status(v1::IMPORT_STATUS_INVALID);
      for (const FieldViolation& f : v.violations()) {
        v1::RecordViolation* rv = result.add_violations();
        rv->set_field(f.field);
        rv->set_description(f.description);
      }
      continue;
    }
    std::string call_id = !record.external_call_id().empty()
                              ? ExternalCallId(record.phone_system(), record.external_call_id())
                          : !record.call_id().empty() ? record.call_id()
                                                      : ids.Next("call");
    result.set_call_id(call_id);
    if (!named.insert(call_id).second) {
      result.set_status(v1::IMPORT_STATUS_DUPLICATE);
      continue;
    }
    candidates.push_back({i, std::move(call_id)});
  }

  auto finish = [&](const std::set<std::string>& accepted_streams) {
    for (const Candidate& c : candidates) {
      results[c.record].set_status(accepted_streams.contains(CallStreamId(c.call_id))
                                       ? v1::IMPORT_STATUS_ACCEPTED
                                       : v1::IMPORT_STATUS_DUPLICATE);
    }
    for (v1::ImportCallResult& r : results) {
      switch (r.status()) {
        case v1::IMPORT_STATUS_ACCEPTED:
          ++out.accepted;
          if (!report_accepted) continue;
          break;
        case v1::IMPORT_STATUS_DUPLICATE:
          ++out.duplicates;
          break;
        default:
          ++out.invalid;
          break;
      }
      out.results.push_back(std::move(r));
    }
    return out;
  };
  auto replay = [&](const RequestRecord& record) -> absl::StatusOr<ImportBatchResult> {
    if (record.fingerprint != fingerprint) return service::ReusedRequestIdError(batch.request_id());
    std::set<std::string> accepted;
    for (const auto& [stream, version] : record.streams) accepted.insert(stream);
    return finish(accepted);
  };

  ASSIGN_OR_RETURN(std::optional<RequestRecord> seen, store.LookupRequest(batch.request_id()));
  if (seen.has_value()) return replay(*seen);

  std::map<std::string, std::string> lead_customers;  // one read per lead and batch
  absl::Status last;
  for (int attempt = 0; attempt < options_.append_attempts; ++attempt) {
    eventstore::MultiAppendRequest append;
    append.request_id = batch.request_id();
    append.request_fingerprint = fingerprint;
    std::set<std::string> fresh;
    std::vector<std::string> streams;
    streams.reserve(candidates.size());
    for (const Candidate& c : candidates) streams.push_back(CallStreamId(c.call_id));
    ASSIGN_OR_RETURN(std::vector<uint64_t> versions, store.StreamVersions(streams));
    for (size_t k = 0; k < candidates.size(); ++k) {
      const Candidate& c = candidates[k];
      const std::string& stream = streams[k];
      if (versions[k] != 0) continue;
      v1::CallRecord record = batch.records(c.record);
      record.set_call_id(c.call_id);
      RETURN_IF_ERROR(AttributeLeadCustomer(record, &lead_customers));
      ASSIGN_OR_RETURN(ActivityEvents events, DecideLogCall({meta, record}, v1::Call{}));
      eventstore::StreamAppend part;
      part.stream_id = stream;
      part.expected_version = ExpectedVersion::NoStream();
      ASSIGN_OR_RETURN(part.events,
                       Envelopes(events, ctx, meta.now, batch.request_id(), CallStartedAt));
      fresh.insert(stream);
      append.streams.push_back(std::move(part));
    }
    if (append.streams.empty()) {
      // Nothing new: still record the request, so that a reuse of its id is caught.
      AppendRequest noop;
      noop.stream_id = kEmptyImportStream;
      noop.expected_version = ExpectedVersion::Any();
      noop.request_id = batch.request_id();
      noop.request_fingerprint = fingerprint;
      absl::StatusOr<eventstore::AppendResult> result = store.Append(std::move(noop));
      if (!result.ok()) {
        if (result.status().code() == absl::StatusCode::kAlreadyExists) {
          return service::ReusedRequestIdError(batch.request_id());
        }
        return result.status();
      }
      return finish({});
    }
    absl::StatusOr<eventstore::MultiAppendResult> result = store.AppendMulti(std::move(append));
    if (result.ok()) {
      if (result->deduplicated) {
        ASSIGN_OR_RETURN(std::optional<RequestRecord> record,
                         store.LookupRequest(batch.request_id()));
        if (!record.has_value()) return absl::InternalError("request record missing");
        return replay(*record);
      }
      return finish(fresh);
    }
    if (result.status().code() == absl::StatusCode::kAlreadyExists) {
      return service::ReusedRequestIdError(batch.request_id());
    }
    if (result.status().code() != absl::StatusCode::kAborted) return result.status();
    last = result.status();
  }
  return last;
}

absl::StatusOr<v1::GetCallResponse> ActivityApplication::GetCall(
    const v1::GetCallRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  v1::GetCallResponse response;
  ASSIGN_OR_RETURN(*response.mutable_call(), queries_.GetCall(request.call_id()));
  return response;
}

absl::StatusOr<v1::ListCallsResponse> ActivityApplication::ListCalls(
    const v1::ListCallsRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  return queries_.ListCalls(request);
}

// ---------------------------------------------------------------------------------------
// Leads.

absl::StatusOr<v1::CreateLeadResponse> ActivityApplication::CreateLead(
    const CallContext& ctx, const v1::CreateLeadRequest& request) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  v1::CreateLeadRequest r = request;
  r.set_lead_id(IdOr(request.lead_id(), request.request_id(), "lead"));
  RETURN_IF_ERROR(CheckIdField("lead_id", r.lead_id()));
  RETURN_IF_ERROR(CheckCustomerRegistered(r.customer_id()));
  return Run<v1::Lead, v1::CreateLeadResponse>(
      ctx, request, request.request_id(), LeadStreamId(r.lead_id()), EvolveLead,
      [&](const v1::Lead& state, const CommandMeta& m) {
        return DecideCreateLead({m, r}, state);
      },
      [](const v1::Lead& state, bool) {
        v1::CreateLeadResponse response;
        *response.mutable_lead() = state;
        return response;
      });
}

absl::StatusOr<v1::DisqualifyLeadResponse> ActivityApplication::DisqualifyLead(
    const CallContext& ctx, const v1::DisqualifyLeadRequest& request) {
  RETURN_IF_ERROR(CheckIdField("lead_id", request.lead_id()));
  return Run<v1::Lead, v1::DisqualifyLeadResponse>(
      ctx, request, request.request_id(), LeadStreamId(request.lead_id()), EvolveLead,
      [&](const v1::Lead& state, const CommandMeta& m) {
        return DecideDisqualifyLead({m, request}, state);
      },
      [](const v1::Lead& state, bool) {
        v1::DisqualifyLeadResponse response;
        *response.mutable_lead() = state;
        return response;
      });
}

absl::StatusOr<v1::ConvertLeadResponse> ActivityApplication::ConvertLead(
    const CallContext& ctx, const v1::ConvertLeadRequest& request) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  RETURN_IF_ERROR(CheckIdField("lead_id", request.lead_id()));
  v1::ConvertLeadRequest r = request;
  r.set_deal_id(IdOr(request.deal_id(), request.request_id(), "deal"));
  RETURN_IF_ERROR(CheckIdField("deal_id", r.deal_id()));
  const std::string fingerprint = Fingerprint(request);
  const std::string lead_stream = LeadStreamId(r.lead_id());
  eventstore::EventStore& store = *options_.store;

  auto respond = [&](uint64_t lead_version,
                     uint64_t deal_version) -> absl::StatusOr<v1::ConvertLeadResponse> {
    v1::ConvertLeadResponse response;
    ASSIGN_OR_RETURN(Loaded<v1::Lead> lead,
                     LoadStream<v1::Lead>(store, lead_stream, EvolveLead, lead_version));
    *response.mutable_lead() = lead.state;
    const std::string deal_id = lead.state.deal_id().empty() ? r.deal_id() : lead.state.deal_id();
    if (deal_version != 0 || !lead.state.deal_id().empty()) {
      ASSIGN_OR_RETURN(Loaded<v1::Deal> deal, LoadStream<v1::Deal>(store, DealStreamId(deal_id),
                                                                   EvolveDeal, deal_version));
      *response.mutable_deal() = deal.state;
    }
    return response;
  };
  auto replay = [&](const RequestRecord& record) -> absl::StatusOr<v1::ConvertLeadResponse> {
    if (record.fingerprint != fingerprint || record.streams.size() != 2 ||
        record.streams[0].first != lead_stream) {
      return service::ReusedRequestIdError(request.request_id());
    }
    return respond(record.streams[0].second, record.streams[1].second);
  };
  ASSIGN_OR_RETURN(std::optional<RequestRecord> seen, store.LookupRequest(request.request_id()));
  if (seen.has_value()) return replay(*seen);

  absl::Status last;
  for (int attempt = 0; attempt < options_.append_attempts; ++attempt) {
    ASSIGN_OR_RETURN(Loaded<v1::Lead> lead, LoadStream<v1::Lead>(store, lead_stream, EvolveLead));
    ASSIGN_OR_RETURN(uint64_t deal_version, store.StreamVersion(DealStreamId(r.deal_id())));
    ASSIGN_OR_RETURN(CommandMeta meta, Meta(ctx));
    ASSIGN_OR_RETURN(ActivityEvents events,
                     DecideConvertLead({meta, r, deal_version != 0}, lead.state));
    // The deal's customer (the request's, else the lead's, which a lead created before
    // customers were checked may not have registered).
    if (!events.empty()) {
      RETURN_IF_ERROR(CheckCustomerRegistered(events[1].deal_opened().customer_id()));
    }
    eventstore::MultiAppendRequest append;
    append.request_id = request.request_id();
    append.request_fingerprint = fingerprint;
    eventstore::StreamAppend lead_part;
    lead_part.stream_id = lead_stream;
    lead_part.expected_version = ExpectedVersion::Exactly(lead.version);
    eventstore::StreamAppend deal_part;
    deal_part.stream_id = DealStreamId(r.deal_id());
    deal_part.expected_version =
        events.empty() ? ExpectedVersion::Any() : ExpectedVersion::NoStream();
    if (!events.empty()) {
      ASSIGN_OR_RETURN(lead_part.events,
                       Envelopes({events[0]}, ctx, meta.now, request.request_id(), nullptr));
      ASSIGN_OR_RETURN(deal_part.events,
                       Envelopes({events[1]}, ctx, meta.now, request.request_id(), nullptr));
    }
    append.streams.push_back(std::move(lead_part));
    append.streams.push_back(std::move(deal_part));
    absl::StatusOr<eventstore::MultiAppendResult> result = store.AppendMulti(std::move(append));
    if (result.ok()) {
      if (result->deduplicated) {
        ASSIGN_OR_RETURN(std::optional<RequestRecord> record,
                         store.LookupRequest(request.request_id()));
        if (!record.has_value()) return absl::InternalError("request record missing");
        return replay(*record);
      }
      return respond(result->stream_versions[0], result->stream_versions[1]);
    }
    if (result.status().code() == absl::StatusCode::kAlreadyExists) {
      return service::ReusedRequestIdError(request.request_id());
    }
    if (result.status().code() != absl::StatusCode::kAborted) return result.status();
    last = result.status();
  }
  return last;
}

absl::StatusOr<v1::GetLeadResponse> ActivityApplication::GetLead(
    const v1::GetLeadRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  v1::GetLeadResponse response;
  ASSIGN_OR_RETURN(*response.mutable_lead(), queries_.GetLead(request.lead_id()));
  return response;
}

absl::StatusOr<v1::ListLeadsResponse> ActivityApplication::ListLeads(
    const v1::ListLeadsRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  return queries_.ListLeads(request);
}

// ---------------------------------------------------------------------------------------
// Deals.

namespace {

template <typename Response>
Response DealResponse(const v1::Deal& state, bool) {
  Response response;
  *response.mutable_deal() = state;
  return response;
}

}  // namespace

absl::StatusOr<v1::OpenDealResponse> ActivityApplication::OpenDeal(
    const CallContext& ctx, const v1::OpenDealRequest& request) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  v1::OpenDealRequest r = request;
  r.set_deal_id(IdOr(request.deal_id(), request.request_id(), "deal"));
  RETURN_IF_ERROR(CheckIdField("deal_id", r.deal_id()));
  RETURN_IF_ERROR(CheckCustomerRegistered(r.customer_id()));
  return Run<v1::Deal, v1::OpenDealResponse>(
      ctx, request, request.request_id(), DealStreamId(r.deal_id()), EvolveDeal,
      [&](const v1::Deal& state, const CommandMeta& m) {
        return DecideOpenDeal({m, r}, state);
      },
      DealResponse<v1::OpenDealResponse>);
}

#define SALESPERF_ACTIVITY_DEAL_COMMAND(Method)                                          \
  absl::StatusOr<v1::Method##Response> ActivityApplication::Method(                      \
      const CallContext& ctx, const v1::Method##Request& request) {                      \
    RETURN_IF_ERROR(CheckIdField("deal_id", request.deal_id()));                         \
    return Run<v1::Deal, v1::Method##Response>(                                          \
        ctx, request, request.request_id(), DealStreamId(request.deal_id()), EvolveDeal, \
        [&](const v1::Deal& state, const CommandMeta& m) {                               \
          return Decide##Method({m, request}, state);                                    \
        },                                                                               \
        DealResponse<v1::Method##Response>);                                             \
  }

SALESPERF_ACTIVITY_DEAL_COMMAND(ChangeDealStage)
SALESPERF_ACTIVITY_DEAL_COMMAND(WinDeal)
SALESPERF_ACTIVITY_DEAL_COMMAND(LoseDeal)
SALESPERF_ACTIVITY_DEAL_COMMAND(ReopenDeal)
SALESPERF_ACTIVITY_DEAL_COMMAND(CancelDeal)
#undef SALESPERF_ACTIVITY_DEAL_COMMAND

absl::StatusOr<v1::BookOrderResponse> ActivityApplication::BookOrder(
    const CallContext& ctx, const v1::BookOrderRequest& request) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  RETURN_IF_ERROR(CheckIdField("deal_id", request.deal_id()));
  v1::BookOrderRequest r = request;
  r.set_order_id(IdOr(request.order_id(), request.request_id(), "ord"));
  return Run<v1::Deal, v1::BookOrderResponse>(
      ctx, request, request.request_id(), DealStreamId(r.deal_id()), EvolveDeal,
      [&](const v1::Deal& state, const CommandMeta& m) {
        return DecideBookOrder({m, r}, state);
      },
      [&](const v1::Deal& state, bool) {
        v1::BookOrderResponse response;
        *response.mutable_deal() = state;
        for (const v1::Order& o : state.orders()) {
          if (o.order_id() == r.order_id() ||
              (!r.external_order_id().empty() && o.external_order_id() == r.external_order_id())) {
            *response.mutable_order() = o;
          }
        }
        return response;
      });
}

absl::StatusOr<v1::GetDealResponse> ActivityApplication::GetDeal(
    const v1::GetDealRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  v1::GetDealResponse response;
  ASSIGN_OR_RETURN(*response.mutable_deal(), queries_.GetDeal(request.deal_id()));
  return response;
}

absl::StatusOr<v1::ListDealsResponse> ActivityApplication::ListDeals(
    const v1::ListDealsRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  return queries_.ListDeals(request, [this]() -> absl::StatusOr<std::string> {
    ASSIGN_OR_RETURN(CommandMeta meta, Meta(CallContext{}));
    return DayOf(meta.now, meta.tz);
  });
}

}  // namespace salesperf::activity
