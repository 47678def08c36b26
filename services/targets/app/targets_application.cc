#include "services/targets/app/targets_application.h"

#include <optional>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/ids.h"
#include "libs/common/status_macros.h"
#include "libs/common/validation.h"
#include "libs/service/request_fingerprint.h"
#include "services/targets/app/event_codec.h"
#include "services/targets/domain/decomposition.h"
#include "services/targets/domain/rollup.h"
#include "services/targets/domain/values.h"

namespace salesperf::targets {
namespace {

using eventstore::AppendRequest;
using eventstore::AppendResult;
using eventstore::EventEnvelope;
using eventstore::ExpectedVersion;
using eventstore::RequestRecord;

// Events read from a stream per call.
constexpr size_t kReadBatch = 1000;
// Request ids are at most this long (the event store's limit).
constexpr std::string_view kTargetStreamPrefix = "target-";

std::string Fingerprint(const google::protobuf::Message& request) {
  return service::RequestFingerprint(request, "targets");
}

// Ids for what a request leaves unnamed, from a generator seeded by its request_id: a
// concurrent duplicate of the request names the same targets.
class IdGenerator {
 public:
  explicit IdGenerator(const std::string& request_id) : gen_(service::StableHash64(request_id)) {}
  std::string Next() { return absl::StrCat("tgt-", NewUuid(gen_)); }

 private:
  std::mt19937_64 gen_;
};

absl::Status CheckFingerprint(const RequestRecord& record, const std::string& fingerprint,
                              const std::string& request_id) {
  if (record.fingerprint != fingerprint) return service::ReusedRequestIdError(request_id);
  return absl::OkStatus();
}

EventEnvelope MakeEnvelope(google::protobuf::Any payload, const CallContext& ctx, absl::Time now,
                           const std::string& request_id) {
  EventEnvelope envelope;
  *envelope.mutable_occurred_at() = ToTimestamp(now);
  envelope.set_actor(ctx.actor.empty() ? "anonymous" : ctx.actor);
  // One API call is the user action (correlation) and the command (causation).
  envelope.set_correlation_id(request_id);
  envelope.set_causation_id(request_id);
  envelope.set_traceparent(ctx.traceparent);
  *envelope.mutable_payload() = std::move(payload);
  return envelope;
}

std::optional<std::string> TargetIdOfStream(const std::string& stream_id) {
  if (!stream_id.starts_with(kTargetStreamPrefix)) return std::nullopt;
  return stream_id.substr(kTargetStreamPrefix.size());
}

ExpectedVersion ToExpected(const StreamExpectation& e) {
  return e.kind == StreamExpectation::Kind::kNoStream ? ExpectedVersion::NoStream()
                                                      : ExpectedVersion::Exactly(e.version);
}

// The as-of day of a query: the request's date, or today.
absl::StatusOr<absl::CivilDay> AsOfDay(const std::string& as_of, const OrgState& org,
                                       absl::Time now, const std::string& field) {
  if (as_of.empty()) return org.Today(now);
  absl::StatusOr<absl::CivilDay> day = ParseDate(as_of);
  if (!day.ok()) return InvalidField(field, std::string(day.status().message()));
  return *day;
}

// The day an org mutation's response shows: the date of its event, else the request's
// date, else today.
absl::CivilDay ResponseDay(const std::vector<v1::OrgEvent>& events, const std::string& requested,
                           const OrgState& org, absl::Time now) {
  std::string date;
  if (!events.empty()) {
    const v1::OrgEvent& e = events.back();
    switch (e.event_case()) {
      case v1::OrgEvent::kRegionCreated:
        date = e.region_created().effective_from();
        break;
      case v1::OrgEvent::kTeamCreated:
        date = e.team_created().effective_from();
        break;
      case v1::OrgEvent::kRepHired:
        date = e.rep_hired().effective_from();
        break;
      case v1::OrgEvent::kRepMoved:
        date = e.rep_moved().effective_from();
        break;
      case v1::OrgEvent::kManagerAssigned:
        date = e.manager_assigned().effective_from();
        break;
      case v1::OrgEvent::kRepDeactivated:
        date = e.rep_deactivated().effective_from();
        break;
      default:
        break;
    }
  }
  if (date.empty()) date = requested;
  absl::StatusOr<absl::CivilDay> day = ParseDate(date);
  return day.ok() ? *day : org.Today(now);
}

absl::Status Missing(const std::string& what) {
  return absl::InternalError(absl::StrCat(what, " missing after a successful command"));
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Construction and the organisation in memory.

TargetsApplication::TargetsApplication(TargetsApplicationOptions options)
    : options_(std::move(options)), queries_(options_.views) {}

absl::StatusOr<std::unique_ptr<TargetsApplication>> TargetsApplication::Create(
    TargetsApplicationOptions options) {
  if (options.store == nullptr || options.views == nullptr || options.commits == nullptr) {
    return absl::InvalidArgumentError("TargetsApplication needs a store, views and commits");
  }
  if (options.clock == nullptr) options.clock = RealClock();
  if (options.append_attempts < 1) options.append_attempts = 1;
  std::unique_ptr<TargetsApplication> app(new TargetsApplication(std::move(options)));
  absl::MutexLock write(&app->org_write_mu_);
  RETURN_IF_ERROR(app->CatchUpOrg());
  return app;
}

uint64_t TargetsApplication::org_version() const {
  absl::ReaderMutexLock read(&org_mu_);
  return org_.version();
}

absl::StatusOr<std::vector<v1::OrgEvent>> TargetsApplication::ReadOrgEvents(uint64_t from,
                                                                            uint64_t to) const {
  std::vector<v1::OrgEvent> out;
  while (from <= to) {
    ASSIGN_OR_RETURN(std::vector<EventEnvelope> batch,
                     options_.store->ReadStream(kOrgStreamId, from,
                                                std::min<uint64_t>(kReadBatch, to - from + 1)));
    if (batch.empty()) break;
    for (const EventEnvelope& envelope : batch) {
      ASSIGN_OR_RETURN(std::optional<v1::OrgEvent> event, UnpackOrgEvent(envelope.payload()));
      // An unknown type still takes its version (EvolveOrg counts an empty union).
      out.push_back(event.has_value() ? *std::move(event) : v1::OrgEvent());
    }
    from += batch.size();
  }
  return out;
}

absl::Status TargetsApplication::CatchUpOrg() {
  uint64_t version;
  {
    absl::ReaderMutexLock read(&org_mu_);
    version = org_.version();
  }
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<v1::OrgEvent> events,
                     ReadOrgEvents(version + 1, version + kReadBatch));
    if (events.empty()) return absl::OkStatus();
    absl::MutexLock lock(&org_mu_);
    for (const v1::OrgEvent& e : events) org_ = EvolveOrg(std::move(org_), e);
    version = org_.version();
  }
}

absl::StatusOr<OrgState> TargetsApplication::FoldOrgTo(uint64_t version) const {
  OrgState state;
  uint64_t from = 1;
  while (from <= version) {
    ASSIGN_OR_RETURN(std::vector<v1::OrgEvent> events,
                     ReadOrgEvents(from, std::min(version, from + kReadBatch - 1)));
    if (events.empty()) break;
    for (const v1::OrgEvent& e : events) state = EvolveOrg(std::move(state), e);
    from += events.size();
  }
  return state;
}

template <typename Response, typename Request, typename Respond>
absl::StatusOr<Response> TargetsApplication::RunOrg(const CallContext& ctx, const Request& request,
                                                    Respond respond) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  const std::string fingerprint = Fingerprint(request);
  // The first response of an earlier request: the org as that request left it.
  auto replay = [&](const RequestRecord& record) -> absl::StatusOr<Response> {
    RETURN_IF_ERROR(CheckFingerprint(record, fingerprint, request.request_id()));
    const uint64_t version = record.result.stream_version;
    std::vector<v1::OrgEvent> events;
    if (record.result.first_sequence != 0) {
      const uint64_t count = record.result.last_sequence - record.result.first_sequence + 1;
      ASSIGN_OR_RETURN(events, ReadOrgEvents(version - count + 1, version));
    }
    const absl::Time now = options_.clock->Now();
    {
      absl::ReaderMutexLock read(&org_mu_);
      if (org_.version() == version) return respond(org_, events, now);
    }
    ASSIGN_OR_RETURN(const OrgState then, FoldOrgTo(version));
    return respond(then, events, now);
  };

  ASSIGN_OR_RETURN(std::optional<RequestRecord> prior,
                   options_.store->LookupRequest(request.request_id()));
  if (prior.has_value()) return replay(*prior);

  absl::MutexLock write(&org_write_mu_);
  // A concurrent duplicate may have finished while this one waited for the lock.
  ASSIGN_OR_RETURN(prior, options_.store->LookupRequest(request.request_id()));
  if (prior.has_value()) return replay(*prior);

  for (int attempt = 1;; ++attempt) {
    const absl::Time now = options_.clock->Now();
    std::vector<v1::OrgEvent> events;
    uint64_t version;
    {
      absl::ReaderMutexLock read(&org_mu_);
      ASSIGN_OR_RETURN(
          events,
          DecideOrg(OrgCommand(Command<Request>{CommandMeta{now, ctx.actor}, request}), org_));
      version = org_.version();
    }
    AppendRequest append;
    append.stream_id = kOrgStreamId;
    append.expected_version = ExpectedVersion::Exactly(version);
    append.request_id = request.request_id();
    append.request_fingerprint = fingerprint;
    for (const v1::OrgEvent& e : events) {
      ASSIGN_OR_RETURN(google::protobuf::Any payload, PackOrgEvent(e));
      append.events.push_back(MakeEnvelope(std::move(payload), ctx, now, request.request_id()));
    }
    absl::StatusOr<AppendResult> result = options_.store->Append(std::move(append));
    if (!result.ok()) {
      // Another writer of this store appended to "org" (another process, or a store
      // shared with tooling): fold what it wrote and decide again.
      if (absl::IsAborted(result.status()) && attempt < options_.append_attempts) {
        RETURN_IF_ERROR(CatchUpOrg());
        continue;
      }
      return result.status();
    }
    if (result->deduplicated) {
      ASSIGN_OR_RETURN(prior, options_.store->LookupRequest(request.request_id()));
      if (!prior.has_value()) return absl::InternalError("deduplicated request has no record");
      return replay(*prior);
    }
    absl::MutexLock lock(&org_mu_);
    for (const v1::OrgEvent& e : events) org_ = EvolveOrg(std::move(org_), e);
    return respond(org_, events, now);
  }
}

absl::StatusOr<v1::SetOrganisationSettingsResponse> TargetsApplication::SetOrganisationSettings(
    const CallContext& ctx, const v1::SetOrganisationSettingsRequest& request) {
  return RunOrg<v1::SetOrganisationSettingsResponse>(
      ctx, request,
      [](const OrgState& org, const std::vector<v1::OrgEvent>&,
         absl::Time) -> absl::StatusOr<v1::SetOrganisationSettingsResponse> {
        v1::SetOrganisationSettingsResponse response;
        *response.mutable_settings() = org.settings();
        return response;
      });
}

absl::StatusOr<v1::CreateRegionResponse> TargetsApplication::CreateRegion(
    const CallContext& ctx, const v1::CreateRegionRequest& request) {
  return RunOrg<v1::CreateRegionResponse>(
      ctx, request,
      [&](const OrgState& org, const std::vector<v1::OrgEvent>& events,
          absl::Time now) -> absl::StatusOr<v1::CreateRegionResponse> {
        if (org.FindRegion(request.region_id()) == nullptr) return Missing("region");
        v1::CreateRegionResponse response;
        *response.mutable_region() = org.RegionView(
            request.region_id(), ResponseDay(events, request.effective_from(), org, now), false);
        return response;
      });
}

absl::StatusOr<v1::CreateTeamResponse> TargetsApplication::CreateTeam(
    const CallContext& ctx, const v1::CreateTeamRequest& request) {
  return RunOrg<v1::CreateTeamResponse>(
      ctx, request,
      [&](const OrgState& org, const std::vector<v1::OrgEvent>& events,
          absl::Time now) -> absl::StatusOr<v1::CreateTeamResponse> {
        if (org.FindTeam(request.team_id()) == nullptr) return Missing("team");
        v1::CreateTeamResponse response;
        *response.mutable_team() = org.TeamView(
            request.team_id(), ResponseDay(events, request.effective_from(), org, now), false);
        return response;
      });
}

absl::StatusOr<v1::HireRepResponse> TargetsApplication::HireRep(const CallContext& ctx,
                                                                const v1::HireRepRequest& request) {
  return RunOrg<v1::HireRepResponse>(
      ctx, request,
      [&](const OrgState& org, const std::vector<v1::OrgEvent>& events,
          absl::Time now) -> absl::StatusOr<v1::HireRepResponse> {
        if (org.FindRep(request.rep_id()) == nullptr) return Missing("rep");
        v1::HireRepResponse response;
        *response.mutable_rep() =
            org.RepView(request.rep_id(), ResponseDay(events, request.effective_from(), org, now));
        return response;
      });
}

absl::StatusOr<v1::MoveRepResponse> TargetsApplication::MoveRep(const CallContext& ctx,
                                                                const v1::MoveRepRequest& request) {
  return RunOrg<v1::MoveRepResponse>(
      ctx, request,
      [&](const OrgState& org, const std::vector<v1::OrgEvent>& events,
          absl::Time now) -> absl::StatusOr<v1::MoveRepResponse> {
        if (org.FindRep(request.rep_id()) == nullptr) return Missing("rep");
        v1::MoveRepResponse response;
        *response.mutable_rep() =
            org.RepView(request.rep_id(), ResponseDay(events, request.effective_from(), org, now));
        return response;
      });
}

absl::StatusOr<v1::AssignManagerResponse> TargetsApplication::AssignManager(
    const CallContext& ctx, const v1::AssignManagerRequest& request) {
  return RunOrg<v1::AssignManagerResponse>(
      ctx, request,
      [&](const OrgState& org, const std::vector<v1::OrgEvent>& events,
          absl::Time now) -> absl::StatusOr<v1::AssignManagerResponse> {
        const absl::CivilDay day = ResponseDay(events, request.effective_from(), org, now);
        v1::AssignManagerResponse response;
        *response.mutable_scope() = request.scope();
        response.set_manager_id(org.ManagerOf(request.scope(), day));
        response.set_effective_from(FormatDate(day));
        return response;
      });
}

absl::StatusOr<v1::DeactivateRepResponse> TargetsApplication::DeactivateRep(
    const CallContext& ctx, const v1::DeactivateRepRequest& request) {
  return RunOrg<v1::DeactivateRepResponse>(
      ctx, request,
      [&](const OrgState& org, const std::vector<v1::OrgEvent>& events,
          absl::Time now) -> absl::StatusOr<v1::DeactivateRepResponse> {
        if (org.FindRep(request.rep_id()) == nullptr) return Missing("rep");
        v1::DeactivateRepResponse response;
        *response.mutable_rep() =
            org.RepView(request.rep_id(), ResponseDay(events, request.effective_from(), org, now));
        return response;
      });
}

absl::StatusOr<v1::GetOrganisationResponse> TargetsApplication::GetOrganisation(
    const v1::GetOrganisationRequest& request) const {
  absl::ReaderMutexLock read(&org_mu_);
  ASSIGN_OR_RETURN(const absl::CivilDay day,
                   AsOfDay(request.as_of(), org_, options_.clock->Now(), "as_of"));
  v1::GetOrganisationResponse response;
  *response.mutable_organisation() = org_.TreeAsOf(day);
  return response;
}

absl::StatusOr<v1::ListRepsResponse> TargetsApplication::ListReps(
    const v1::ListRepsRequest& request) const {
  FieldViolations violations;
  if (!request.team_id().empty()) violations.AddIfError("team_id", ValidateId(request.team_id()));
  if (!request.region_id().empty()) {
    violations.AddIfError("region_id", ValidateId(request.region_id()));
  }
  RETURN_IF_ERROR(violations.ToStatus());
  absl::ReaderMutexLock read(&org_mu_);
  RepQuery query;
  ASSIGN_OR_RETURN(query.as_of, AsOfDay(request.as_of(), org_, options_.clock->Now(), "as_of"));
  query.team_id = request.team_id();
  query.region_id = request.region_id();
  query.include_inactive = request.include_inactive();
  query.page_size = request.page().page_size();
  query.page_token = request.page().page_token();
  ASSIGN_OR_RETURN(RepPage page, org_.ListReps(query));
  v1::ListRepsResponse response;
  for (v1::Rep& rep : page.reps) *response.add_reps() = std::move(rep);
  response.mutable_page()->set_next_page_token(page.next_page_token);
  return response;
}

// ---------------------------------------------------------------------------------------
// Targets.

absl::StatusOr<TargetState> TargetsApplication::LoadTarget(const std::string& target_id,
                                                           uint64_t max_version) const {
  TargetState state;
  if (!ValidateId(target_id).ok()) return state;  // the decider reports the bad id
  const std::string stream = TargetStreamId(target_id);
  for (;;) {
    size_t want = kReadBatch;
    if (max_version != 0) {
      if (state.version() >= max_version) break;
      want = std::min<uint64_t>(want, max_version - state.version());
    }
    ASSIGN_OR_RETURN(std::vector<EventEnvelope> batch,
                     options_.store->ReadStream(stream, state.version() + 1, want));
    if (batch.empty()) break;
    for (const EventEnvelope& envelope : batch) {
      ASSIGN_OR_RETURN(std::optional<v1::TargetEvent> event, UnpackTargetEvent(envelope.payload()));
      state = EvolveTarget(std::move(state), event.has_value() ? *event : v1::TargetEvent());
    }
  }
  return state;
}

absl::StatusOr<v1::Target> TargetsApplication::ReplayTarget(const RequestRecord& record) const {
  std::optional<std::string> target_id = TargetIdOfStream(record.stream_id);
  if (!target_id.has_value()) {
    return absl::InternalError(absl::StrCat("request record names stream ", record.stream_id));
  }
  ASSIGN_OR_RETURN(TargetState state, LoadTarget(*target_id, record.result.stream_version));
  if (!state.exists())
    return absl::NotFoundError(absl::StrCat("target ", *target_id, " not found"));
  return state.target;
}

template <typename Response, typename Request, typename MakeCommand>
absl::StatusOr<Response> TargetsApplication::RunTarget(const CallContext& ctx,
                                                       const Request& request,
                                                       const std::string& target_id,
                                                       uint64_t expected_version,
                                                       MakeCommand make_command) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  const std::string fingerprint = Fingerprint(request);
  auto respond = [](v1::Target target) {
    Response response;
    response.mutable_target()->Swap(&target);
    return response;
  };
  auto replay = [&](const RequestRecord& record) -> absl::StatusOr<Response> {
    RETURN_IF_ERROR(CheckFingerprint(record, fingerprint, request.request_id()));
    ASSIGN_OR_RETURN(v1::Target target, ReplayTarget(record));
    return respond(std::move(target));
  };
  ASSIGN_OR_RETURN(std::optional<RequestRecord> prior,
                   options_.store->LookupRequest(request.request_id()));
  if (prior.has_value()) return replay(*prior);

  for (int attempt = 1;; ++attempt) {
    ASSIGN_OR_RETURN(TargetState state, LoadTarget(target_id));
    const absl::Time now = options_.clock->Now();
    ASSIGN_OR_RETURN(TargetCommand command, make_command(CommandMeta{now, ctx.actor}));
    std::vector<v1::TargetEvent> events;
    {
      absl::ReaderMutexLock read(&org_mu_);
      ASSIGN_OR_RETURN(events, DecideTarget(command, state, org_));
    }
    AppendRequest append;
    append.stream_id = TargetStreamId(target_id);
    append.expected_version = ExpectedVersion::Exactly(state.version());
    append.request_id = request.request_id();
    append.request_fingerprint = fingerprint;
    for (const v1::TargetEvent& e : events) {
      ASSIGN_OR_RETURN(google::protobuf::Any payload, PackTargetEvent(e));
      append.events.push_back(MakeEnvelope(std::move(payload), ctx, now, request.request_id()));
    }
    absl::StatusOr<AppendResult> result = options_.store->Append(std::move(append));
    if (!result.ok()) {
      // Without expected_version the client asked for "whatever the target is now":
      // decide again on the newer state. With it, the conflict is the client's to see.
      if (absl::IsAborted(result.status()) && expected_version == 0 &&
          attempt < options_.append_attempts) {
        continue;
      }
      if (absl::IsAborted(result.status())) {
        return absl::AbortedError(
            absl::StrCat("target ", target_id, " was changed concurrently; reload it and retry"));
      }
      return result.status();
    }
    if (result->deduplicated) {
      ASSIGN_OR_RETURN(prior, options_.store->LookupRequest(request.request_id()));
      if (!prior.has_value()) return absl::InternalError("deduplicated request has no record");
      return replay(*prior);
    }
    for (const v1::TargetEvent& e : events) state = EvolveTarget(std::move(state), e);
    return respond(std::move(state.target));
  }
}

absl::StatusOr<v1::DraftTargetResponse> TargetsApplication::DraftTarget(
    const CallContext& ctx, const v1::DraftTargetRequest& request) {
  v1::DraftTargetRequest filled = request;
  if (filled.target_id().empty()) filled.set_target_id(IdGenerator(request.request_id()).Next());
  // Held across check and append: one target per key within this process.
  absl::MutexLock create(&create_mu_);
  return RunTarget<v1::DraftTargetResponse>(
      ctx, request, filled.target_id(), 0,
      [&](const CommandMeta& meta) -> absl::StatusOr<TargetCommand> {
        targets::DraftTarget command{meta, filled, ""};
        v1::TargetKey key;
        bool key_ok = false;
        {
          absl::ReaderMutexLock read(&org_mu_);
          absl::StatusOr<Period> period =
              PeriodFromProto(filled.spec().period(), org_.fiscal_year_start_month());
          FieldViolations scope;
          ValidateScope(filled.spec().scope(), "spec.scope", scope);
          if (period.ok() && scope.empty()) {
            *key.mutable_scope() = filled.spec().scope();
            key.set_metric(filled.spec().metric());
            *key.mutable_period() = ToProto(*period);
            key_ok = true;
          }
        }
        if (key_ok) {
          RETURN_IF_ERROR(WaitForViews());
          ASSIGN_OR_RETURN(std::optional<std::string> existing, queries_.OpenTargetForKey(key));
          command.existing_target_for_key = existing.value_or("");
        }
        return TargetCommand(std::move(command));
      });
}

absl::StatusOr<v1::ProposeTargetResponse> TargetsApplication::ProposeTarget(
    const CallContext& ctx, const v1::ProposeTargetRequest& request) {
  return RunTarget<v1::ProposeTargetResponse>(
      ctx, request, request.target_id(), request.expected_version(),
      [&](const CommandMeta& meta) -> absl::StatusOr<TargetCommand> {
        return TargetCommand(targets::ProposeTarget{meta, request});
      });
}

absl::StatusOr<v1::ApproveTargetResponse> TargetsApplication::ApproveTarget(
    const CallContext& ctx, const v1::ApproveTargetRequest& request) {
  return RunTarget<v1::ApproveTargetResponse>(
      ctx, request, request.target_id(), request.expected_version(),
      [&](const CommandMeta& meta) -> absl::StatusOr<TargetCommand> {
        return TargetCommand(targets::ApproveTarget{meta, request});
      });
}

absl::StatusOr<v1::AdjustTargetResponse> TargetsApplication::AdjustTarget(
    const CallContext& ctx, const v1::AdjustTargetRequest& request) {
  return RunTarget<v1::AdjustTargetResponse>(
      ctx, request, request.target_id(), request.expected_version(),
      [&](const CommandMeta& meta) -> absl::StatusOr<TargetCommand> {
        return TargetCommand(targets::AdjustTarget{meta, request});
      });
}

absl::StatusOr<v1::CloseTargetResponse> TargetsApplication::CloseTarget(
    const CallContext& ctx, const v1::CloseTargetRequest& request) {
  return RunTarget<v1::CloseTargetResponse>(
      ctx, request, request.target_id(), request.expected_version(),
      [&](const CommandMeta& meta) -> absl::StatusOr<TargetCommand> {
        return TargetCommand(targets::CloseTarget{meta, request});
      });
}

absl::StatusOr<v1::DecomposeTargetResponse> TargetsApplication::DecomposeTarget(
    const CallContext& ctx, const v1::DecomposeTargetRequest& request) {
  RETURN_IF_ERROR(service::CheckRequestId(request.request_id()));
  const std::string fingerprint = Fingerprint(request);

  // The first response: the parent and the children as the request left them. A
  // request that changed nothing recorded the parent only; its children are then the
  // ones its earlier decomposition allocated.
  auto replay = [&](const RequestRecord& record) -> absl::StatusOr<v1::DecomposeTargetResponse> {
    RETURN_IF_ERROR(CheckFingerprint(record, fingerprint, request.request_id()));
    if (record.streams.empty()) return absl::InternalError("request record lists no stream");
    std::vector<std::pair<std::string, uint64_t>> streams = record.streams;
    v1::DecomposeTargetResponse response;
    std::optional<std::string> parent_id = TargetIdOfStream(streams[0].first);
    if (!parent_id.has_value()) return absl::InternalError("request record names no target");
    ASSIGN_OR_RETURN(TargetState parent, LoadTarget(*parent_id, streams[0].second));
    *response.mutable_parent() = parent.target;
    if (streams.size() == 1) {
      for (const v1::Allocation& a : parent.target.decomposition().allocations()) {
        streams.emplace_back(TargetStreamId(a.child_target_id()), 0);
      }
    }
    for (size_t i = 1; i < streams.size(); ++i) {
      std::optional<std::string> child_id = TargetIdOfStream(streams[i].first);
      if (!child_id.has_value()) return absl::InternalError("request record names no target");
      ASSIGN_OR_RETURN(TargetState child, LoadTarget(*child_id, streams[i].second));
      *response.add_children() = std::move(child.target);
    }
    return response;
  };
  ASSIGN_OR_RETURN(std::optional<RequestRecord> prior,
                   options_.store->LookupRequest(request.request_id()));
  if (prior.has_value()) return replay(*prior);

  v1::DecomposeTargetRequest filled = request;
  IdGenerator ids(request.request_id());
  for (v1::ChildAllocation& child : *filled.mutable_children()) {
    if (child.child_target_id().empty()) child.set_child_target_id(ids.Next());
  }
  absl::MutexLock create(&create_mu_);
  for (int attempt = 1;; ++attempt) {
    ASSIGN_OR_RETURN(TargetState parent, LoadTarget(filled.target_id()));
    std::vector<TargetState> children;
    for (const v1::ChildAllocation& child : filled.children()) {
      ASSIGN_OR_RETURN(TargetState state, LoadTarget(child.child_target_id()));
      children.push_back(std::move(state));
    }
    const absl::Time now = options_.clock->Now();
    std::vector<StreamEvent> decided;
    {
      absl::ReaderMutexLock read(&org_mu_);
      ASSIGN_OR_RETURN(decided, DecideDecomposition(
                                    targets::DecomposeTarget{CommandMeta{now, ctx.actor}, filled},
                                    parent, children, org_));
    }
    // One target per key holds for children too.
    if (!decided.empty()) {
      RETURN_IF_ERROR(WaitForViews());
      for (int i = 0; i < filled.children_size(); ++i) {
        v1::TargetKey key = parent.target.key();
        *key.mutable_scope() = filled.children(i).scope();
        ASSIGN_OR_RETURN(std::optional<std::string> existing, queries_.OpenTargetForKey(key));
        if (existing.has_value()) {
          return absl::AlreadyExistsError(
              absl::StrCat("target ", *existing, " already covers ", DescribeScope(key.scope()),
                           ", this metric and ", key.period().id(), " (children[", i,
                           "].scope); close it or leave that child out"));
        }
      }
    }
    eventstore::MultiAppendRequest append;
    append.request_id = request.request_id();
    append.request_fingerprint = fingerprint;
    if (decided.empty()) {
      // Already decomposed this way: record the request against the parent only.
      append.streams.push_back(
          {TargetStreamId(filled.target_id()), ExpectedVersion::Exactly(parent.version()), {}});
    }
    for (const StreamEvent& e : decided) {
      ASSIGN_OR_RETURN(google::protobuf::Any payload, PackTargetEvent(e.event));
      eventstore::StreamAppend& stream = append.streams.emplace_back();
      stream.stream_id = e.stream_id;
      stream.expected_version = ToExpected(e.expected);
      stream.events.push_back(MakeEnvelope(std::move(payload), ctx, now, request.request_id()));
    }
    absl::StatusOr<eventstore::MultiAppendResult> result =
        options_.store->AppendMulti(std::move(append));
    if (!result.ok()) {
      if (absl::IsAborted(result.status()) && request.expected_version() == 0 &&
          attempt < options_.append_attempts) {
        continue;
      }
      if (absl::IsAborted(result.status())) {
        return absl::AbortedError(
            absl::StrCat("target ", filled.target_id(),
                         " or a child target was changed concurrently; reload and retry"));
      }
      return result.status();
    }
    if (result->deduplicated) {
      ASSIGN_OR_RETURN(prior, options_.store->LookupRequest(request.request_id()));
      if (!prior.has_value()) return absl::InternalError("deduplicated request has no record");
      return replay(*prior);
    }
    v1::DecomposeTargetResponse response;
    if (decided.empty()) {
      *response.mutable_parent() = parent.target;
      for (const v1::Allocation& a : parent.target.decomposition().allocations()) {
        ASSIGN_OR_RETURN(TargetState child, LoadTarget(a.child_target_id()));
        *response.add_children() = std::move(child.target);
      }
      return response;
    }
    *response.mutable_parent() = EvolveTarget(std::move(parent), decided[0].event).target;
    for (size_t i = 1; i < decided.size(); ++i) {
      *response.add_children() = EvolveTarget(std::move(children[i - 1]), decided[i].event).target;
    }
    return response;
  }
}

// ---------------------------------------------------------------------------------------
// Target queries.

absl::Status TargetsApplication::WaitForViews() const {
  const uint64_t head = options_.store->HeadSequence();
  if (head == 0) return absl::OkStatus();
  const projection::PartitionId partition{options_.store->source(), 0};
  if (options_.commits->WaitForCommitted(partition, static_cast<int64_t>(head) + 1,
                                         options_.view_wait_timeout)) {
    return absl::OkStatus();
  }
  return absl::UnavailableError(
      "the targets read model has not caught up with recent changes; retry shortly");
}

absl::StatusOr<v1::GetTargetResponse> TargetsApplication::GetTarget(
    const v1::GetTargetRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  ASSIGN_OR_RETURN(v1::Target target, queries_.GetTarget(request.target_id()));
  v1::GetTargetResponse response;
  *response.mutable_target() = std::move(target);
  return response;
}

absl::StatusOr<v1::ListTargetsResponse> TargetsApplication::ListTargets(
    const v1::ListTargetsRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  return queries_.ListTargets(request);
}

absl::StatusOr<v1::GetTargetHistoryResponse> TargetsApplication::GetTargetHistory(
    const v1::GetTargetHistoryRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  return queries_.GetTargetHistory(request.target_id());
}

absl::StatusOr<v1::GetTargetRollupResponse> TargetsApplication::GetTargetRollup(
    const v1::GetTargetRollupRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  v1::GetTargetRollupResponse response;
  ASSIGN_OR_RETURN(*response.mutable_root(),
                   queries_.GetTargetRollup(request.target_id(), request.depth()));
  return response;
}

absl::StatusOr<v1::GetTargetPaceResponse> TargetsApplication::GetTargetPace(
    const v1::GetTargetPaceRequest& request) const {
  RETURN_IF_ERROR(WaitForViews());
  ASSIGN_OR_RETURN(const v1::Target target, queries_.GetTarget(request.target_id()));
  absl::ReaderMutexLock read(&org_mu_);
  ASSIGN_OR_RETURN(const absl::CivilDay as_of,
                   AsOfDay(request.as_of(), org_, options_.clock->Now(), "as_of"));
  return Pace(target, org_.calendar(), as_of);
}

}  // namespace salesperf::targets
