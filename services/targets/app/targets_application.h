// TargetsApplication: the write side of the targets service, and the queries on top.
//
// Every mutation runs:
//   1. idempotency: EventStore::LookupRequest(request_id). The same request_id with the
//      same request (fingerprint: FNV-1a of the RPC name and the request proto with
//      request_id cleared) returns the first response rebuilt from the streams at the
//      versions the first append left them, writing nothing; with a different request,
//      ALREADY_EXISTS;
//   2. load: the organisation from memory (folded from the "org" stream when created and
//      updated after each append); a target by folding its stream;
//   3. decide: the pure deciders of domain/, with `now` from the injected clock and the
//      caller's actor;
//   4. append: one stream with its expected version (DecomposeTarget: AppendMulti of the
//      parent and every child, atomically), with the request_id and fingerprint. A
//      command that is already satisfied still records its request_id (no events).
//      Organisation commands, and target commands without expected_version, decide again
//      on ABORTED (a concurrent writer), up to `append_attempts` times; a target command
//      with expected_version gets ABORTED;
//   5. respond: from the state after the append.
// Ids left empty (target_id, child_target_id) are generated ("tgt-" + a UUID) from a
// generator seeded by the request_id, so a concurrent retry of the same request picks
// the same ids and the store deduplicates it.
//
// One target per (scope, metric, period): DraftTarget and DecomposeTarget are serialised
// and check the target index (after it has caught up with the store) for an open target
// with the same key, so two concurrent drafts in one process cannot both succeed.
//
// Queries: the organisation (GetOrganisation, ListReps) from the in-memory OrgState,
// always current; targets from the views (TargetQueries), after waiting until the
// projection has committed everything the store held when the query started
// (read-your-writes), UNAVAILABLE if it has not within `view_wait_timeout`.
//
// Errors: as DESIGN.md section 3 (INVALID_ARGUMENT with field violations named as in the
// request proto, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED, UNAVAILABLE).
//
// Thread safety: every method may be called from any number of threads at once.
#ifndef SALESPERF_SERVICES_TARGETS_APP_TARGETS_APPLICATION_H_
#define SALESPERF_SERVICES_TARGETS_APP_TARGETS_APPLICATION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/common/clock.h"
#include "libs/eventstore/event_store.h"
#include "libs/projection/commit_watcher.h"
#include "libs/projection/view_db.h"
#include "libs/service/call_context.h"
#include "salesperf/targets/v1/targets.pb.h"
#include "services/targets/domain/org.h"
#include "services/targets/domain/target.h"
#include "services/targets/projections/target_queries.h"

namespace salesperf::targets {

// Who is calling, and what the request carried for tracing. An anonymous caller (empty
// actor) may read, draft and propose but not approve or change an approved target.
using CallContext = service::CallContext;

struct TargetsApplicationOptions {
  // The service's event store. Required; not owned, must outlive the application.
  eventstore::EventStore* store = nullptr;
  // The ViewDb holding the target views (target_views.h). Required; not owned.
  const projection::ViewDb* views = nullptr;
  // What the projection over `store` has committed (CommitWatcher::state()). Required.
  std::shared_ptr<const projection::CommitWatcher::State> commits;
  // Source of `now` for commands and of "today" for as-of queries. Not owned.
  // Default: RealClock().
  Clock* clock = RealClock();
  // How many times a command is decided and appended when the append meets a concurrent
  // writer (ABORTED) and the client gave no expected_version. Default: 3.
  int append_attempts = 3;
  // How long a target query waits for the views to catch up with the store.
  // Default: 5 s.
  absl::Duration view_wait_timeout = absl::Seconds(5);
};

class TargetsApplication {
 public:
  // Folds the "org" stream into memory. INVALID_ARGUMENT for missing options; storage
  // errors; DATA_LOSS for an undecodable org event.
  static absl::StatusOr<std::unique_ptr<TargetsApplication>> Create(
      TargetsApplicationOptions options);

  // --- Organisation.
  absl::StatusOr<v1::SetOrganisationSettingsResponse> SetOrganisationSettings(
      const CallContext& ctx, const v1::SetOrganisationSettingsRequest& request);
  absl::StatusOr<v1::CreateRegionResponse> CreateRegion(const CallContext& ctx,
                                                        const v1::CreateRegionRequest& request);
  absl::StatusOr<v1::CreateTeamResponse> CreateTeam(const CallContext& ctx,
                                                    const v1::CreateTeamRequest& request);
  absl::StatusOr<v1::HireRepResponse> HireRep(const CallContext& ctx,
                                              const v1::HireRepRequest& request);
  absl::StatusOr<v1::MoveRepResponse> MoveRep(const CallContext& ctx,
                                              const v1::MoveRepRequest& request);
  absl::StatusOr<v1::AssignManagerResponse> AssignManager(const CallContext& ctx,
                                                          const v1::AssignManagerRequest& request);
  absl::StatusOr<v1::DeactivateRepResponse> DeactivateRep(const CallContext& ctx,
                                                          const v1::DeactivateRepRequest& request);
  absl::StatusOr<v1::GetOrganisationResponse> GetOrganisation(
      const v1::GetOrganisationRequest& request) const;
  absl::StatusOr<v1::ListRepsResponse> ListReps(const v1::ListRepsRequest& request) const;

  // --- Targets.
  absl::StatusOr<v1::DraftTargetResponse> DraftTarget(const CallContext& ctx,
                                                      const v1::DraftTargetRequest& request);
  absl::StatusOr<v1::ProposeTargetResponse> ProposeTarget(const CallContext& ctx,
                                                          const v1::ProposeTargetRequest& request);
  absl::StatusOr<v1::ApproveTargetResponse> ApproveTarget(const CallContext& ctx,
                                                          const v1::ApproveTargetRequest& request);
  absl::StatusOr<v1::AdjustTargetResponse> AdjustTarget(const CallContext& ctx,
                                                        const v1::AdjustTargetRequest& request);
  absl::StatusOr<v1::DecomposeTargetResponse> DecomposeTarget(
      const CallContext& ctx, const v1::DecomposeTargetRequest& request);
  absl::StatusOr<v1::CloseTargetResponse> CloseTarget(const CallContext& ctx,
                                                      const v1::CloseTargetRequest& request);
  absl::StatusOr<v1::GetTargetResponse> GetTarget(const v1::GetTargetRequest& request) const;
  absl::StatusOr<v1::ListTargetsResponse> ListTargets(const v1::ListTargetsRequest& request) const;
  absl::StatusOr<v1::GetTargetHistoryResponse> GetTargetHistory(
      const v1::GetTargetHistoryRequest& request) const;
  absl::StatusOr<v1::GetTargetRollupResponse> GetTargetRollup(
      const v1::GetTargetRollupRequest& request) const;
  absl::StatusOr<v1::GetTargetPaceResponse> GetTargetPace(
      const v1::GetTargetPaceRequest& request) const;

  // The org stream's version folded in memory.
  uint64_t org_version() const;

 private:
  explicit TargetsApplication(TargetsApplicationOptions options);

  // Folds org events after the in-memory version. Caller holds org_write_mu_.
  absl::Status CatchUpOrg() ABSL_EXCLUSIVE_LOCKS_REQUIRED(org_write_mu_);
  // The org state after `version` events, folded from the stream.
  absl::StatusOr<OrgState> FoldOrgTo(uint64_t version) const;
  // The stream's events `[from, to]` as OrgEvents.
  absl::StatusOr<std::vector<v1::OrgEvent>> ReadOrgEvents(uint64_t from, uint64_t to) const;

  // The generic org command: idempotency, decide/append with retries, evolve, respond.
  template <typename Response, typename Request, typename Respond>
  absl::StatusOr<Response> RunOrg(const CallContext& ctx, const Request& request, Respond respond);

  // A target folded from its stream up to `max_version` (0: all).
  absl::StatusOr<TargetState> LoadTarget(const std::string& target_id,
                                         uint64_t max_version = 0) const;
  template <typename Response, typename Request, typename MakeCommand>
  absl::StatusOr<Response> RunTarget(const CallContext& ctx, const Request& request,
                                     const std::string& target_id, uint64_t expected_version,
                                     MakeCommand make_command);
  // The first response of a target command, from its request record.
  absl::StatusOr<v1::Target> ReplayTarget(const eventstore::RequestRecord& record) const;

  // Waits for the views to reflect the store's head. UNAVAILABLE on timeout.
  absl::Status WaitForViews() const;

  const TargetsApplicationOptions options_;
  const TargetQueries queries_;

  // Serialises org commands (decide + append + evolve).
  absl::Mutex org_write_mu_;
  // Guards the in-memory organisation: readers (target commands, queries) share it.
  mutable absl::Mutex org_mu_ ABSL_ACQUIRED_AFTER(org_write_mu_);
  OrgState org_ ABSL_GUARDED_BY(org_mu_);
  // Serialises commands that create targets (the one-target-per-key check).
  absl::Mutex create_mu_;
};

}  // namespace salesperf::targets

#endif  // SALESPERF_SERVICES_TARGETS_APP_TARGETS_APPLICATION_H_
