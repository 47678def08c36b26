#include "services/targets/domain/target.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "libs/common/ids.h"
#include "libs/common/money.h"
#include "libs/common/period.h"
#include "libs/common/status_macros.h"
#include "libs/common/validation.h"
#include "services/targets/domain/values.h"

namespace salesperf::targets {
namespace {

using google::protobuf::util::MessageDifferencer;

constexpr size_t kMaxNameLength = 200;
constexpr size_t kMaxTextLength = 2000;

v1::Change MakeChange(const CommandMeta& meta, const std::string& reason) {
  v1::Change change;
  change.set_actor(meta.actor);
  *change.mutable_at() = ToTimestamp(meta.now);
  change.set_reason(reason);
  return change;
}

std::vector<v1::TargetEvent> One(v1::TargetEvent event) {
  std::vector<v1::TargetEvent> events;
  events.push_back(std::move(event));
  return events;
}

absl::Status CheckText(std::string_view text, const std::string& field, FieldViolations& violations,
                       size_t max_length = kMaxTextLength) {
  if (text.size() > max_length)
    violations.Add(field, absl::StrCat("must be at most ", max_length, " characters"));
  return absl::OkStatus();
}

absl::Status NotFound(const std::string& target_id) {
  return absl::NotFoundError(absl::StrCat("target ", target_id, " not found"));
}

const char* StatusName(v1::TargetStatus status) {
  switch (status) {
    case v1::TARGET_STATUS_DRAFT:
      return "draft";
    case v1::TARGET_STATUS_PROPOSED:
      return "proposed";
    case v1::TARGET_STATUS_APPROVED:
      return "approved";
    case v1::TARGET_STATUS_ADJUSTED:
      return "adjusted";
    case v1::TARGET_STATUS_CLOSED:
      return "closed";
    default:
      return "unknown";
  }
}

bool IsLocked(v1::TargetStatus status) {
  return status == v1::TARGET_STATUS_APPROVED || status == v1::TARGET_STATUS_ADJUSTED;
}

// Common first checks of commands on an existing target: the id is well formed, the
// target exists, and the expected version matches.
absl::Status CheckExisting(const std::string& target_id, uint64_t expected_version,
                           const TargetState& state, FieldViolations& violations) {
  violations.AddIfError("target_id", ValidateId(target_id));
  RETURN_IF_ERROR(violations.ToStatus());
  if (!state.exists()) return NotFound(target_id);
  return CheckExpectedVersion(expected_version, state);
}

absl::Status ClosedError(const v1::Target& target) {
  return absl::FailedPreconditionError(absl::StrCat("target ", target.target_id(), " is closed"));
}

absl::StatusOr<std::vector<v1::TargetEvent>> Decide(const DraftTarget& cmd,
                                                    const TargetState& state, const OrgState& org) {
  const v1::DraftTargetRequest& r = cmd.request;
  const v1::TargetSpec& spec = r.spec();
  FieldViolations violations;
  violations.AddIfError("target_id", ValidateId(r.target_id()));
  if (spec.name().empty()) violations.Add("spec.name", "must not be empty");
  (void)CheckText(spec.name(), "spec.name", violations, kMaxNameLength);
  if (spec.description().empty()) {
    violations.Add("spec.description", "must say specifically what is to be achieved");
  }
  (void)CheckText(spec.description(), "spec.description", violations);
  ValidateScope(spec.scope(), "spec.scope", violations);
  absl::StatusOr<MetricInfo> metric = InfoOf(spec.metric());
  if (!metric.ok()) violations.Add("spec.metric", std::string(metric.status().message()));
  absl::StatusOr<Period> period = PeriodFromProto(spec.period(), org.fiscal_year_start_month());
  if (!period.ok()) {
    violations.Add("spec.period.id", std::string(period.status().message()));
  } else if (!IsTargetPeriodKind(ToProto(period->kind()))) {
    violations.Add("spec.period.id",
                   "must be a month, quarter, year, fiscal quarter or fiscal year");
  }
  if (!spec.owner_id().empty()) violations.AddIfError("spec.owner_id", ValidateId(spec.owner_id()));

  v1::TargetBasis basis = spec.basis();
  if (basis.kind() == v1::BASIS_KIND_UNSPECIFIED) basis.set_kind(v1::BASIS_KIND_MANUAL);
  (void)CheckText(basis.note(), "spec.basis.note", violations);
  if (!basis.reference_period_id().empty() &&
      !ParsePeriodId(basis.reference_period_id(), org.fiscal_year_start_month()).ok()) {
    violations.Add("spec.basis.reference_period_id", "must be a period id such as 2026-10");
  }
  std::optional<v1::TargetValue> value;
  if (spec.has_value()) value = spec.value();
  if (metric.ok()) {
    if (value.has_value()) {
      ValidateValue(*value, spec.metric(), org.currency_code(), "spec.value", violations);
    }
    if (basis.has_reference_value()) {
      ValidateValue(basis.reference_value(), spec.metric(), org.currency_code(),
                    "spec.basis.reference_value", violations);
    }
    switch (basis.kind()) {
      case v1::BASIS_KIND_MANUAL:
        if (basis.growth_rate_bp() != 0) {
          violations.Add("spec.basis.growth_rate_bp",
                         "applies to LAST_PERIOD_ACTUAL_PLUS_GROWTH only");
        }
        if (!value.has_value()) violations.Add("spec.value", "is required for a manual basis");
        break;
      case v1::BASIS_KIND_LAST_PERIOD_ACTUAL_PLUS_GROWTH: {
        if (!basis.has_reference_value()) {
          violations.Add("spec.basis.reference_value", "is required: last period's actual");
          break;
        }
        if (basis.growth_rate_bp() < -10'000) {
          violations.Add("spec.basis.growth_rate_bp", "must not be below -10000 (-100%)");
          break;
        }
        absl::StatusOr<int64_t> grown = MultiplyByRate(
            AmountOf(basis.reference_value()), Rate::BasisPoints(10'000 + basis.growth_rate_bp()));
        if (!grown.ok()) {
          violations.Add("spec.basis.growth_rate_bp", "the grown value does not fit");
          break;
        }
        v1::TargetValue computed = WithAmount(basis.reference_value(), *grown);
        if (!value.has_value()) {
          value = computed;
          ValidateValue(*value, spec.metric(), org.currency_code(), "spec.value", violations);
        } else if (!SameValue(*value, computed)) {
          violations.Add(
              "spec.value",
              absl::StrCat("does not match the basis: ", FormatValue(basis.reference_value()),
                           " grown by ", basis.growth_rate_bp(), " bp is ", FormatValue(computed)));
        }
        break;
      }
      default:
        violations.Add("spec.basis.kind",
                       "must be MANUAL or LAST_PERIOD_ACTUAL_PLUS_GROWTH "
                       "(PARENT_ALLOCATION is set by DecomposeTarget)");
    }
  }
  std::string owner = spec.owner_id();
  if (owner.empty()) {
    owner = spec.scope().kind() == common::v1::SCOPE_KIND_REP ? spec.scope().id() : cmd.meta.actor;
  }
  if (owner.empty()) violations.Add("spec.owner_id", "is required when the caller is anonymous");
  RETURN_IF_ERROR(violations.ToStatus());

  RETURN_IF_ERROR(org.CheckScopeKnown(spec.scope()));
  if (!org.ScopeExistsDuring(spec.scope(), period->first_day(), period->last_day())) {
    return absl::FailedPreconditionError(absl::StrCat(
        DescribeScope(spec.scope()), " is not part of the organisation during ", period->Id()));
  }

  v1::TargetEvent event;
  v1::TargetDrafted* e = event.mutable_drafted();
  e->set_target_id(r.target_id());
  *e->mutable_key()->mutable_scope() = spec.scope();
  e->mutable_key()->set_metric(spec.metric());
  *e->mutable_key()->mutable_period() = ToProto(*period);
  e->set_name(spec.name());
  e->set_description(spec.description());
  *e->mutable_value() = *value;
  e->set_unit(UnitOf(spec.metric(), org.currency_code()));
  *e->mutable_basis() = basis;
  e->set_owner_id(owner);
  e->set_period_first_day(FormatDate(period->first_day()));
  e->set_period_last_day(FormatDate(period->last_day()));
  *e->mutable_change() = MakeChange(cmd.meta, "");

  if (state.exists()) {
    const v1::Target& t = state.target;
    const bool same = MessageDifferencer::Equals(t.key(), e->key()) && t.name() == e->name() &&
                      t.description() == e->description() && SameValue(t.value(), e->value()) &&
                      MessageDifferencer::Equals(t.basis(), e->basis()) &&
                      t.owner_id() == e->owner_id() && t.parent_target_id().empty();
    if (same) return std::vector<v1::TargetEvent>{};
    return absl::AlreadyExistsError(absl::StrCat("target ", r.target_id(), " already exists"));
  }
  if (!cmd.existing_target_for_key.empty() && cmd.existing_target_for_key != r.target_id()) {
    return absl::AlreadyExistsError(absl::StrCat("target ", cmd.existing_target_for_key,
                                                 " already covers ", DescribeScope(spec.scope()),
                                                 ", this metric and ", period->Id()));
  }
  return One(std::move(event));
}

absl::StatusOr<std::vector<v1::TargetEvent>> Decide(const ProposeTarget& cmd,
                                                    const TargetState& state, const OrgState&) {
  const v1::ProposeTargetRequest& r = cmd.request;
  FieldViolations violations;
  (void)CheckText(r.comment(), "comment", violations);
  RETURN_IF_ERROR(CheckExisting(r.target_id(), r.expected_version(), state, violations));
  const v1::Target& t = state.target;
  switch (t.status()) {
    case v1::TARGET_STATUS_PROPOSED:
      return std::vector<v1::TargetEvent>{};
    case v1::TARGET_STATUS_DRAFT:
      break;
    case v1::TARGET_STATUS_CLOSED:
      return ClosedError(t);
    default:
      return absl::FailedPreconditionError(
          absl::StrCat("target ", t.target_id(), " is already ", StatusName(t.status())));
  }
  v1::TargetEvent event;
  v1::TargetProposed* e = event.mutable_proposed();
  e->set_target_id(t.target_id());
  *e->mutable_key() = t.key();
  *e->mutable_value() = t.value();
  *e->mutable_change() = MakeChange(cmd.meta, r.comment());
  return One(std::move(event));
}

absl::StatusOr<std::vector<v1::TargetEvent>> Decide(const ApproveTarget& cmd,
                                                    const TargetState& state, const OrgState& org) {
  const v1::ApproveTargetRequest& r = cmd.request;
  FieldViolations violations;
  (void)CheckText(r.comment(), "comment", violations);
  RETURN_IF_ERROR(CheckExisting(r.target_id(), r.expected_version(), state, violations));
  const v1::Target& t = state.target;
  if (t.status() == v1::TARGET_STATUS_CLOSED) return ClosedError(t);
  if (r.has_value() && !SameValue(r.value(), t.value())) {
    return absl::FailedPreconditionError(
        absl::StrCat("target ", t.target_id(), " is ", FormatValue(t.value()), ", not ",
                     FormatValue(r.value()), "; approve the current value or adjust it"));
  }
  RETURN_IF_ERROR(CheckApprovalAuthority(cmd.meta, t, org));
  if (IsLocked(t.status())) return std::vector<v1::TargetEvent>{};
  v1::TargetEvent event;
  v1::TargetApproved* e = event.mutable_approved();
  e->set_target_id(t.target_id());
  *e->mutable_key() = t.key();
  *e->mutable_value() = t.value();
  *e->mutable_change() = MakeChange(cmd.meta, r.comment());
  return One(std::move(event));
}

absl::StatusOr<std::vector<v1::TargetEvent>> Decide(const AdjustTarget& cmd,
                                                    const TargetState& state, const OrgState& org) {
  const v1::AdjustTargetRequest& r = cmd.request;
  FieldViolations violations;
  (void)CheckText(r.reason(), "reason", violations);
  if (!r.has_new_value()) violations.Add("new_value", "is required");
  RETURN_IF_ERROR(CheckExisting(r.target_id(), r.expected_version(), state, violations));
  const v1::Target& t = state.target;
  ValidateValue(r.new_value(), t.key().metric(),
                t.value().has_money() ? t.value().money().currency_code() : org.currency_code(),
                "new_value", violations);
  if (IsLocked(t.status()) && r.reason().empty()) {
    violations.Add("reason", "is required to adjust an approved target");
  }
  RETURN_IF_ERROR(violations.ToStatus());
  if (t.status() == v1::TARGET_STATUS_CLOSED) return ClosedError(t);
  if (SameValue(r.new_value(), t.value())) return std::vector<v1::TargetEvent>{};

  v1::TargetEvent event;
  if (IsLocked(t.status())) {
    RETURN_IF_ERROR(CheckApprovalAuthority(cmd.meta, t, org));
    v1::TargetAdjusted* e = event.mutable_adjusted();
    e->set_target_id(t.target_id());
    *e->mutable_key() = t.key();
    *e->mutable_old_value() = t.value();
    *e->mutable_new_value() = r.new_value();
    *e->mutable_change() = MakeChange(cmd.meta, r.reason());
  } else {
    v1::TargetRevised* e = event.mutable_revised();
    e->set_target_id(t.target_id());
    *e->mutable_key() = t.key();
    *e->mutable_old_value() = t.value();
    *e->mutable_new_value() = r.new_value();
    *e->mutable_change() = MakeChange(cmd.meta, r.reason());
  }
  return One(std::move(event));
}

absl::StatusOr<std::vector<v1::TargetEvent>> Decide(const CloseTarget& cmd,
                                                    const TargetState& state, const OrgState& org) {
  const v1::CloseTargetRequest& r = cmd.request;
  FieldViolations violations;
  if (r.reason().empty()) violations.Add("reason", "is required");
  (void)CheckText(r.reason(), "reason", violations);
  RETURN_IF_ERROR(CheckExisting(r.target_id(), r.expected_version(), state, violations));
  const v1::Target& t = state.target;
  if (t.status() == v1::TARGET_STATUS_CLOSED) return std::vector<v1::TargetEvent>{};
  if (IsLocked(t.status())) RETURN_IF_ERROR(CheckApprovalAuthority(cmd.meta, t, org));
  v1::TargetEvent event;
  v1::TargetClosed* e = event.mutable_closed();
  e->set_target_id(t.target_id());
  *e->mutable_key() = t.key();
  *e->mutable_final_value() = t.value();
  e->set_status_before(t.status());
  *e->mutable_change() = MakeChange(cmd.meta, r.reason());
  return One(std::move(event));
}

v1::TargetHistoryEntry& AddHistory(TargetState& state, const char* kind, const v1::Change& change) {
  v1::TargetHistoryEntry& entry = state.history.emplace_back();
  entry.set_version(state.target.version());
  entry.set_change_kind(kind);
  *entry.mutable_change() = change;
  return entry;
}

}  // namespace

std::string TargetStreamId(std::string_view target_id) {
  return absl::StrCat("target-", absl::string_view(target_id.data(), target_id.size()));
}

bool IsTargetPeriodKind(common::v1::PeriodKind kind) {
  switch (kind) {
    case common::v1::PERIOD_KIND_MONTH:
    case common::v1::PERIOD_KIND_QUARTER:
    case common::v1::PERIOD_KIND_YEAR:
    case common::v1::PERIOD_KIND_FISCAL_QUARTER:
    case common::v1::PERIOD_KIND_FISCAL_YEAR:
      return true;
    default:
      return false;
  }
}

absl::Status CheckExpectedVersion(uint64_t expected_version, const TargetState& state) {
  if (expected_version == 0 || expected_version == state.version()) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat("target ", state.target.target_id(), " is at version ",
                                         state.version(), ", not ", expected_version,
                                         "; reload it and retry"));
}

absl::Status CheckApprovalAuthority(const CommandMeta& meta, const v1::Target& target,
                                    const OrgState& org) {
  const absl::CivilDay today = org.Today(meta.now);
  if (org.Manages(meta.actor, target.key().scope(), today)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      meta.actor.empty() ? std::string("an anonymous caller") : meta.actor, " does not manage ",
      DescribeScope(target.key().scope()), " or a scope above it on ", FormatDate(today),
      "; only its managers approve or change its approved target"));
}

absl::StatusOr<std::vector<v1::TargetEvent>> DecideTarget(const TargetCommand& command,
                                                          const TargetState& state,
                                                          const OrgState& org) {
  return std::visit([&](const auto& cmd) { return Decide(cmd, state, org); }, command);
}

TargetState EvolveTarget(TargetState state, const v1::TargetEvent& event) {
  v1::Target& t = state.target;
  t.set_version(t.version() + 1);
  switch (event.event_case()) {
    case v1::TargetEvent::kDrafted: {
      const v1::TargetDrafted& e = event.drafted();
      t.set_target_id(e.target_id());
      *t.mutable_key() = e.key();
      t.set_name(e.name());
      t.set_description(e.description());
      *t.mutable_value() = e.value();
      t.set_unit(e.unit());
      *t.mutable_basis() = e.basis();
      t.set_owner_id(e.owner_id());
      t.set_parent_target_id(e.parent_target_id());
      t.set_period_first_day(e.period_first_day());
      t.set_period_last_day(e.period_last_day());
      t.set_status(v1::TARGET_STATUS_DRAFT);
      *t.mutable_created_at() = e.change().at();
      *t.mutable_updated_at() = e.change().at();
      v1::TargetHistoryEntry& h = AddHistory(state, "drafted", e.change());
      *h.mutable_new_value() = e.value();
      h.set_status_after(t.status());
      break;
    }
    case v1::TargetEvent::kRevised: {
      const v1::TargetRevised& e = event.revised();
      *t.mutable_previous_value() = e.old_value();
      *t.mutable_value() = e.new_value();
      t.set_status(v1::TARGET_STATUS_DRAFT);
      *t.mutable_updated_at() = e.change().at();
      v1::TargetHistoryEntry& h = AddHistory(state, "revised", e.change());
      *h.mutable_old_value() = e.old_value();
      *h.mutable_new_value() = e.new_value();
      h.set_status_after(t.status());
      break;
    }
    case v1::TargetEvent::kProposed: {
      const v1::TargetProposed& e = event.proposed();
      t.set_status(v1::TARGET_STATUS_PROPOSED);
      *t.mutable_updated_at() = e.change().at();
      AddHistory(state, "proposed", e.change()).set_status_after(t.status());
      break;
    }
    case v1::TargetEvent::kApproved: {
      const v1::TargetApproved& e = event.approved();
      t.set_status(v1::TARGET_STATUS_APPROVED);
      *t.mutable_updated_at() = e.change().at();
      AddHistory(state, "approved", e.change()).set_status_after(t.status());
      break;
    }
    case v1::TargetEvent::kAdjusted: {
      const v1::TargetAdjusted& e = event.adjusted();
      *t.mutable_previous_value() = e.old_value();
      *t.mutable_value() = e.new_value();
      t.set_status(v1::TARGET_STATUS_ADJUSTED);
      *t.mutable_updated_at() = e.change().at();
      v1::TargetHistoryEntry& h = AddHistory(state, "adjusted", e.change());
      *h.mutable_old_value() = e.old_value();
      *h.mutable_new_value() = e.new_value();
      h.set_status_after(t.status());
      break;
    }
    case v1::TargetEvent::kDecomposed: {
      const v1::TargetDecomposed& e = event.decomposed();
      v1::Decomposition* d = t.mutable_decomposition();
      d->set_method(e.method());
      *d->mutable_allocations() = e.allocations();
      if (e.has_unallocated_remainder()) {
        *d->mutable_unallocated_remainder() = e.unallocated_remainder();
      }
      *t.mutable_updated_at() = e.change().at();
      AddHistory(state, "decomposed", e.change()).set_status_after(t.status());
      break;
    }
    case v1::TargetEvent::kClosed: {
      const v1::TargetClosed& e = event.closed();
      t.set_status(v1::TARGET_STATUS_CLOSED);
      *t.mutable_updated_at() = e.change().at();
      AddHistory(state, "closed", e.change()).set_status_after(t.status());
      break;
    }
    default:
      // A newer event type: it still counts towards the version (see EvolveOrg).
      break;
  }
  return state;
}

}  // namespace salesperf::targets
