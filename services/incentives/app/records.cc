#include "services/incentives/app/records.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/common/money.h"
#include "libs/common/string_view_compat.h"
#include "salesperf/incentives/v1/events.pb.h"

namespace salesperf::incentives {
namespace {

absl::Status OutOfOrder(const EventEnvelope& e, int64_t have) {
  return absl::InvalidArgumentError(
      absl::StrCat(e.stream_id(), " version ", e.stream_version(), " does not follow ", have));
}

absl::Status Undecodable(const EventEnvelope& e) {
  return absl::InvalidArgumentError(
      absl::StrCat("cannot decode ", e.payload().type_url(), " on ", e.stream_id()));
}

template <typename T>
bool Is(const EventEnvelope& e) {
  return e.payload().Is<T>();
}

// Recomputes payable, paid and status from the record's parts.
void Refresh(v1::StatementView& view) {
  const std::string& currency = view.statement().currency_code();
  int64_t payable = view.statement().total().minor_units();
  for (const v1::Adjustment& a : view.adjustments()) payable += a.amount().minor_units();
  int64_t paid = 0;
  for (const v1::Payout& p : view.payouts()) paid += p.amount().minor_units();
  view.mutable_payable()->set_currency_code(currency);
  view.mutable_payable()->set_minor_units(payable);
  view.mutable_paid()->set_currency_code(currency);
  view.mutable_paid()->set_minor_units(paid);
  if (view.approved_by().empty()) {
    view.set_status(v1::STATEMENT_STATUS_ISSUED);
  } else if (!view.payouts().empty() && paid >= payable) {
    view.set_status(v1::STATEMENT_STATUS_PAID);
  } else {
    view.set_status(v1::STATEMENT_STATUS_APPROVED);
  }
}

v1::Dispute* FindDispute(v1::StatementView& view, const std::string& dispute_id) {
  for (v1::Dispute& d : *view.mutable_disputes()) {
    if (d.dispute_id() == dispute_id) return &d;
  }
  return nullptr;
}

}  // namespace

std::string PlanStream(std::string_view plan_id) { return absl::StrCat("plan-", ToAbsl(plan_id)); }
std::string StatementStream(std::string_view rep_id, std::string_view period_id) {
  return absl::StrCat("statement-", ToAbsl(rep_id), "-", ToAbsl(period_id));
}
std::string ContestStream(std::string_view contest_id) {
  return absl::StrCat("contest-", ToAbsl(contest_id));
}

v1::EventRef RefOf(const EventEnvelope& envelope) {
  v1::EventRef ref;
  ref.set_stream_id(envelope.stream_id());
  ref.set_stream_version(static_cast<int64_t>(envelope.stream_version()));
  ref.set_sequence(static_cast<int64_t>(envelope.sequence()));
  return ref;
}

bool IsPlanEvent(const EventEnvelope& e) {
  return Is<v1::PlanPublished>(e) || Is<v1::PlanAssigned>(e) || Is<v1::PlanRetired>(e);
}
bool IsStatementEvent(const EventEnvelope& e) {
  return Is<v1::StatementIssued>(e) || Is<v1::StatementApproved>(e) || Is<v1::PayoutRecorded>(e) ||
         Is<v1::AdjustmentAdded>(e) || Is<v1::LineDisputed>(e) || Is<v1::DisputeAccepted>(e) ||
         Is<v1::DisputeRejected>(e);
}
bool IsContestEvent(const EventEnvelope& e) {
  return Is<v1::ContestCreated>(e) || Is<v1::ContestClosed>(e);
}

absl::Status EvolvePlan(v1::PlanRow& row, const EventEnvelope& e) {
  if (!IsPlanEvent(e)) return absl::OkStatus();
  if (e.stream_version() != static_cast<uint64_t>(row.refs_size()) + 1) {
    return OutOfOrder(e, row.refs_size());
  }
  if (Is<v1::PlanPublished>(e)) {
    v1::PlanPublished published;
    if (!e.payload().UnpackTo(&published)) return Undecodable(e);
    if (published.plan().version() != row.versions_size() + 1) {
      return absl::InvalidArgumentError(absl::StrCat(e.stream_id(), ": plan version ",
                                                     published.plan().version(), " after ",
                                                     row.versions_size()));
    }
    row.set_plan_id(published.plan().plan_id());
    *row.add_versions() = published.plan();
  } else if (Is<v1::PlanAssigned>(e)) {
    v1::PlanAssigned assigned;
    if (!e.payload().UnpackTo(&assigned)) return Undecodable(e);
    row.set_reassigned(true);
    *row.mutable_assignees() = assigned.assignees();
  } else if (Is<v1::PlanRetired>(e)) {
    v1::PlanRetired retired;
    if (!e.payload().UnpackTo(&retired)) return Undecodable(e);
    row.set_retired_from(retired.retired_from());
  } else {
    return Undecodable(e);
  }
  *row.add_refs() = RefOf(e);
  return absl::OkStatus();
}

std::vector<v1::Plan> EffectiveVersions(const v1::PlanRow& row) {
  std::vector<v1::Plan> out;
  for (const v1::Plan& version : row.versions()) {
    v1::Plan p = version;
    if (row.reassigned()) *p.mutable_assignees() = row.assignees();
    if (!row.retired_from().empty()) {
      if (row.retired_from() <= p.effective_from()) continue;  // never applied
      // The day before retired_from, as "YYYY-MM-DD" (dates compare as strings).
      absl::CivilDay retired;
      if (absl::ParseCivilTime(row.retired_from(), &retired)) {
        const std::string last = absl::FormatCivilTime(retired - 1);
        if (p.effective_to().empty() || last < p.effective_to()) p.set_effective_to(last);
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

absl::Status EvolveStatement(v1::StatementView& view, const EventEnvelope& e) {
  if (!IsStatementEvent(e)) return absl::OkStatus();
  if (e.stream_version() != static_cast<uint64_t>(view.version()) + 1) {
    return OutOfOrder(e, view.version());
  }
  if (Is<v1::StatementIssued>(e)) {
    v1::StatementIssued issued;
    if (!e.payload().UnpackTo(&issued)) return Undecodable(e);
    if (view.version() != 0) {
      return absl::InvalidArgumentError(absl::StrCat(e.stream_id(), " issued twice"));
    }
    view.set_rep_id(issued.rep_id());
    view.set_period_id(issued.period_id());
    *view.mutable_statement() = issued.statement();
    view.set_issued_by(issued.issued_by());
    *view.mutable_issued_at() = e.occurred_at();
  } else if (view.version() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(e.stream_id(), ": event before StatementIssued"));
  } else if (Is<v1::StatementApproved>(e)) {
    v1::StatementApproved approved;
    if (!e.payload().UnpackTo(&approved)) return Undecodable(e);
    view.set_approved_by(approved.approved_by());
  } else if (Is<v1::PayoutRecorded>(e)) {
    v1::PayoutRecorded paid;
    if (!e.payload().UnpackTo(&paid)) return Undecodable(e);
    v1::Payout* p = view.add_payouts();
    p->set_payout_id(paid.payout_id());
    *p->mutable_amount() = paid.amount();
    p->set_reference(paid.reference());
    p->set_paid_on(paid.paid_on());
    p->set_recorded_by(paid.recorded_by());
  } else if (Is<v1::AdjustmentAdded>(e)) {
    v1::AdjustmentAdded added;
    if (!e.payload().UnpackTo(&added)) return Undecodable(e);
    *view.add_adjustments() = added.adjustment();
  } else if (Is<v1::LineDisputed>(e)) {
    v1::LineDisputed disputed;
    if (!e.payload().UnpackTo(&disputed)) return Undecodable(e);
    v1::Dispute* d = view.add_disputes();
    d->set_dispute_id(disputed.dispute_id());
    d->set_line_key(disputed.line_key());
    d->set_comment(disputed.comment());
    d->set_disputed_by(disputed.disputed_by());
    d->set_status(v1::DISPUTE_STATUS_OPEN);
  } else if (Is<v1::DisputeAccepted>(e)) {
    v1::DisputeAccepted accepted;
    if (!e.payload().UnpackTo(&accepted)) return Undecodable(e);
    v1::Dispute* d = FindDispute(view, accepted.dispute_id());
    if (d == nullptr) return absl::InvalidArgumentError("DisputeAccepted of an unknown dispute");
    d->set_status(v1::DISPUTE_STATUS_ACCEPTED);
    d->set_resolved_by(accepted.accepted_by());
    d->set_resolution(accepted.adjustment().reason());
    d->set_adjustment_id(accepted.adjustment().adjustment_id());
    *view.add_adjustments() = accepted.adjustment();
  } else if (Is<v1::DisputeRejected>(e)) {
    v1::DisputeRejected rejected;
    if (!e.payload().UnpackTo(&rejected)) return Undecodable(e);
    v1::Dispute* d = FindDispute(view, rejected.dispute_id());
    if (d == nullptr) return absl::InvalidArgumentError("DisputeRejected of an unknown dispute");
    d->set_status(v1::DISPUTE_STATUS_REJECTED);
    d->set_resolved_by(rejected.rejected_by());
    d->set_resolution(rejected.reason());
  }
  view.set_version(static_cast<int64_t>(e.stream_version()));
  Refresh(view);
  return absl::OkStatus();
}

absl::Status EvolveContest(v1::ContestRow& row, const EventEnvelope& e) {
  if (!IsContestEvent(e)) return absl::OkStatus();
  if (e.stream_version() != static_cast<uint64_t>(row.version()) + 1) {
    return OutOfOrder(e, row.version());
  }
  if (Is<v1::ContestCreated>(e)) {
    v1::ContestCreated created;
    if (!e.payload().UnpackTo(&created)) return Undecodable(e);
    *row.mutable_contest() = created.contest();
  } else {
    v1::ContestClosed closed;
    if (!e.payload().UnpackTo(&closed)) return Undecodable(e);
    if (row.version() == 0)
      return absl::InvalidArgumentError("ContestClosed before ContestCreated");
    row.set_closed(true);
    *row.mutable_standings() = closed.standings();
  }
  row.set_version(static_cast<int64_t>(e.stream_version()));
  return absl::OkStatus();
}

}  // namespace salesperf::incentives
