// A sales target: scope x metric x period x value with its SMART fields, on its own
// stream "target-<target_id>".
//
// Lifecycle: draft -> proposed -> approved (locked) -> adjusted -> closed.
//   - AdjustTarget on a draft or proposed target is a revision (TargetRevised; a proposed
//     target returns to draft). On an approved or adjusted target it is an adjustment
//     (TargetAdjusted) that needs a reason and approval authority; the old value stays in
//     the history.
//   - Approval authority: the actor manages the target's scope, or a scope above it, on
//     the day of the command (OrgState::Manages).
//   - Approving, adjusting or closing an approved target needs that authority; drafting,
//     revising and proposing do not.
//
// Decider: DecideTarget(command, state, org) -> events or error; EvolveTarget(state, event).
// The organisation is a read-only input of the decision (scopes, managers, currency,
// fiscal calendar), not part of the target's stream. Errors, checked in this order:
// INVALID_ARGUMENT (field violations named as in the request proto), NOT_FOUND (the
// target, or the scope of a draft), ABORTED (request.expected_version is set and differs
// from the stream version), ALREADY_EXISTS, FAILED_PRECONDITION (a lifecycle or authority
// rule). A command that is already satisfied yields no events.
#ifndef SALESPERF_SERVICES_TARGETS_DOMAIN_TARGET_H_
#define SALESPERF_SERVICES_TARGETS_DOMAIN_TARGET_H_

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "salesperf/targets/v1/events.pb.h"
#include "salesperf/targets/v1/targets.pb.h"
#include "services/targets/domain/org.h"

namespace salesperf::targets {

// "target-<target_id>".
std::string TargetStreamId(std::string_view target_id);

// Draft a target. request.target_id must be set (the server generates one when the client
// leaves it empty). existing_target_for_key: the id of an open target with the same
// scope, metric and period, if the caller's index knows one ("" otherwise); the domain
// refuses a second target for a key with ALREADY_EXISTS.
struct DraftTarget {
  CommandMeta meta;
  v1::DraftTargetRequest request;
  std::string existing_target_for_key;
};
using ProposeTarget = Command<v1::ProposeTargetRequest>;
using ApproveTarget = Command<v1::ApproveTargetRequest>;
using AdjustTarget = Command<v1::AdjustTargetRequest>;
using CloseTarget = Command<v1::CloseTargetRequest>;

using TargetCommand =
    std::variant<DraftTarget, ProposeTarget, ApproveTarget, AdjustTarget, CloseTarget>;

// The folded stream: the target as GetTarget shows it, and its history.
struct TargetState {
  // target.target_id() is empty until TargetDrafted; target.version() is the stream version.
  v1::Target target;
  // One entry per event, oldest first.
  std::vector<v1::TargetHistoryEntry> history;

  bool exists() const { return !target.target_id().empty(); }
  uint64_t version() const { return target.version(); }
};

absl::StatusOr<std::vector<v1::TargetEvent>> DecideTarget(const TargetCommand& command,
                                                          const TargetState& state,
                                                          const OrgState& org);
TargetState EvolveTarget(TargetState state, const v1::TargetEvent& event);

// Shared with the decomposition decider.
// ABORTED unless expected_version is 0 or the state's version.
absl::Status CheckExpectedVersion(uint64_t expected_version, const TargetState& state);
// FAILED_PRECONDITION unless `actor` manages the target's scope (or above) on today's date.
absl::Status CheckApprovalAuthority(const CommandMeta& meta, const v1::Target& target,
                                    const OrgState& org);
// Period kinds a target may have: month, quarter, year, fiscal quarter, fiscal year.
bool IsTargetPeriodKind(common::v1::PeriodKind kind);

}  // namespace salesperf::targets

#endif  // SALESPERF_SERVICES_TARGETS_DOMAIN_TARGET_H_
