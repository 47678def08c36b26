#include "services/incentives/projections/incentive_views.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/common/string_view_compat.h"
#include "salesperf/activity/v1/events.pb.h"
#include "salesperf/feedback/v1/events.pb.h"
#include "salesperf/incentives/v1/views.pb.h"
#include "salesperf/targets/v1/events.pb.h"
#include "services/incentives/app/records.h"

namespace salesperf::incentives {
namespace {

namespace activity = ::salesperf::activity::v1;
namespace feedback = ::salesperf::feedback::v1;
namespace targets = ::salesperf::targets::v1;

template <typename Row>
absl::StatusOr<Row> Load(projection::ViewTxn& txn, std::string_view key) {
  Row row;
  ASSIGN_OR_RETURN(std::optional<std::string> stored, txn.Get(key));
  if (stored.has_value() && !row.ParseFromString(*stored)) {
    return absl::DataLossError(absl::StrCat("malformed row ", ToAbsl(key.substr(0, 2))));
  }
  return row;
}

void Store(projection::ViewTxn& txn, std::string_view key, const google::protobuf::Message& row) {
  txn.Put(key, row.SerializeAsString());
}

template <typename T>
absl::StatusOr<std::optional<T>> Unpack(const projection::EventEnvelope& e) {
  if (!e.payload().Is<T>()) return std::optional<T>();
  T message;
  if (!e.payload().UnpackTo(&message)) {
    return absl::InvalidArgumentError(absl::StrCat("cannot decode ", e.payload().type_url()));
  }
  return std::optional<T>(std::move(message));
}

absl::Status CheckDay(const std::string& day, std::string_view what) {
  absl::CivilDay parsed;
  if (day.size() != 10 || !absl::ParseCivilTime(day, &parsed)) {
    return absl::InvalidArgumentError(absl::StrCat(ToAbsl(what), " is not a date YYYY-MM-DD"));
  }
  return absl::OkStatus();
}

// "revenue" for METRIC_REVENUE: the metric names plans and contests use.
std::string MetricName(targets::Metric metric) {
  std::string name = targets::Metric_Name(metric);
  if (name.starts_with("METRIC_")) name = name.substr(7);
  return absl::AsciiStrToLower(name);
}

// --- Organisation.

absl::Status AddPlacement(projection::ViewTxn& txn, const std::string& rep_id,
                          const std::string& team_id, const std::string& region_id,
                          const std::string& from) {
  RETURN_IF_ERROR(CheckDay(from, "effective_from"));
  const std::string key = keys::RepRow(rep_id);
  ASSIGN_OR_RETURN(v1::RepRow row, Load<v1::RepRow>(txn, key));
  row.set_rep_id(rep_id);
  v1::PlacementEntry entry;
  entry.set_team_id(team_id);
  entry.set_region_id(region_id);
  entry.set_effective_from(from);
  // Org events come in order on one stream: a later event for the same day wins, and a
  // backdated move replaces whatever followed it.
  auto* placements = row.mutable_placements();
  while (!placements->empty() && placements->Get(placements->size() - 1).effective_from() >= from) {
    placements->RemoveLast();
  }
  *placements->Add() = std::move(entry);
  Store(txn, key, row);
  if (!team_id.empty()) txn.Put(keys::TeamMemberRow(team_id, rep_id), "");
  return absl::OkStatus();
}

absl::Status ApplyOrg(const projection::EventEnvelope& e, projection::ViewTxn& txn, bool& handled) {
  handled = true;
  ASSIGN_OR_RETURN(auto settings, Unpack<targets::OrganisationSettingsChanged>(e));
  if (settings.has_value()) {
    v1::OrgSettingsRow row;
    row.set_time_zone(settings->settings().time_zone());
    row.set_currency_code(settings->settings().currency_code());
    row.set_fiscal_year_start_month(settings->settings().fiscal_year_start_month());
    Store(txn, keys::kSettingsRow, row);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(auto hired, Unpack<targets::RepHired>(e));
  if (hired.has_value()) {
    return AddPlacement(txn, hired->rep_id(), hired->team_id(), hired->region_id(),
                        hired->effective_from());
  }
  ASSIGN_OR_RETURN(auto moved, Unpack<targets::RepMoved>(e));
  if (moved.has_value()) {
    return AddPlacement(txn, moved->rep_id(), moved->to_team_id(), moved->to_region_id(),
                        moved->effective_from());
  }
  ASSIGN_OR_RETURN(auto left, Unpack<targets::RepDeactivated>(e));
  if (left.has_value()) return AddPlacement(txn, left->rep_id(), "", "", left->effective_from());
  ASSIGN_OR_RETURN(auto manager, Unpack<targets::ManagerAssigned>(e));
  if (manager.has_value()) {
    RETURN_IF_ERROR(CheckDay(manager->effective_from(), "effective_from"));
    const std::string key = keys::ManagersRow(manager->scope());
    ASSIGN_OR_RETURN(v1::ScopeManagersRow row, Load<v1::ScopeManagersRow>(txn, key));
    auto* managers = row.mutable_managers();
    while (!managers->empty() &&
           managers->Get(managers->size() - 1).effective_from() >= manager->effective_from()) {
      managers->RemoveLast();
    }
    v1::ManagerEntry* entry = managers->Add();
    entry->set_manager_id(manager->manager_id());
    entry->set_effective_from(manager->effective_from());
    Store(txn, key, row);
    if (!manager->manager_id().empty()) {
      txn.Put(keys::ManagedRow(manager->manager_id(), manager->scope()), "");
    }
    return absl::OkStatus();
  }
  handled = false;
  return absl::OkStatus();
}

// --- Targets: rep-scoped ones only (plans pay reps).

struct TargetChange {
  const targets::TargetKey* key = nullptr;
  const targets::TargetValue* value = nullptr;  // null: unchanged
  targets::TargetStatus status = targets::TARGET_STATUS_UNSPECIFIED;
  std::string target_id;
};

absl::Status ApplyTarget(const projection::EventEnvelope& e, projection::ViewTxn& txn,
                         bool& handled) {
  handled = true;
  targets::TargetDrafted drafted;
  targets::TargetRevised revised;
  targets::TargetProposed proposed;
  targets::TargetApproved approved;
  targets::TargetAdjusted adjusted;
  targets::TargetClosed closed;
  TargetChange c;
  const google::protobuf::Any& p = e.payload();
  if (p.Is<targets::TargetDrafted>() && p.UnpackTo(&drafted)) {
    c = {&drafted.key(), &drafted.value(), targets::TARGET_STATUS_DRAFT, drafted.target_id()};
  } else if (p.Is<targets::TargetRevised>() && p.UnpackTo(&revised)) {
    c = {&revised.key(), &revised.new_value(), targets::TARGET_STATUS_DRAFT, revised.target_id()};
  } else if (p.Is<targets::TargetProposed>() && p.UnpackTo(&proposed)) {
    c = {&proposed.key(), &proposed.value(), targets::TARGET_STATUS_PROPOSED, proposed.target_id()};
  } else if (p.Is<targets::TargetApproved>() && p.UnpackTo(&approved)) {
    c = {&approved.key(), &approved.value(), targets::TARGET_STATUS_APPROVED, approved.target_id()};
  } else if (p.Is<targets::TargetAdjusted>() && p.UnpackTo(&adjusted)) {
    c = {&adjusted.key(), &adjusted.new_value(), targets::TARGET_STATUS_ADJUSTED,
         adjusted.target_id()};
  } else if (p.Is<targets::TargetClosed>() && p.UnpackTo(&closed)) {
    c = {&closed.key(), &closed.final_value(), targets::TARGET_STATUS_CLOSED, closed.target_id()};
  } else {
    handled = p.Is<targets::TargetDecomposed>();
    return absl::OkStatus();
  }
  if (c.key->scope().kind() != common::v1::SCOPE_KIND_REP) return absl::OkStatus();
  const std::string key = keys::TargetRow(c.target_id);
  ASSIGN_OR_RETURN(v1::TargetRow row, Load<v1::TargetRow>(txn, key));
  const bool first = row.target_id().empty();
  row.set_target_id(c.target_id);
  row.set_rep_id(c.key->scope().id());
  row.set_metric(MetricName(c.key->metric()));
  row.set_period_id(c.key->period().id());
  switch (c.value->value_case()) {
    case targets::TargetValue::kMoney:
      row.set_value(c.value->money().minor_units());
      row.set_currency_code(c.value->money().currency_code());
      break;
    case targets::TargetValue::kCount:
      row.set_value(c.value->count());
      break;
    case targets::TargetValue::kRatioBp:
      row.set_value(c.value->ratio_bp());
      break;
    default:
      break;
  }
  row.set_status(c.status);
  *row.add_refs() = RefOf(e);
  Store(txn, key, row);
  if (first) {
    txn.Put(keys::RepTargetRow(row.rep_id(), row.period_id(), row.metric(), row.target_id()), "");
  }
  return absl::OkStatus();
}

// --- Deals.

std::vector<std::string> CreditedReps(
    const std::string& rep_id,
    const google::protobuf::RepeatedPtrField<activity::CreditSplit>& splits) {
  std::vector<std::string> reps;
  if (splits.empty()) {
    if (!rep_id.empty()) reps.push_back(rep_id);
    return reps;
  }
  for (const activity::CreditSplit& s : splits) reps.push_back(s.rep_id());
  return reps;
}

absl::Status ApplyDeal(const projection::EventEnvelope& e, projection::ViewTxn& txn,
                       bool& handled) {
  handled = true;
  ASSIGN_OR_RETURN(auto won, Unpack<activity::DealWon>(e));
  if (won.has_value()) {
    RETURN_IF_ERROR(CheckDay(won->won_on(), "won_on"));
    const std::string key = keys::DealRow(won->deal_id());
    ASSIGN_OR_RETURN(v1::DealRow row, Load<v1::DealRow>(txn, key));
    // A deal won again (after a reopening) moves to its new day.
    if (row.has_won()) {
      for (const std::string& rep : CreditedReps(row.won().rep_id(), row.won().credit_splits())) {
        txn.Delete(keys::WonRow(rep, row.won().won_on(), row.deal_id()));
      }
    }
    row.set_deal_id(won->deal_id());
    *row.mutable_won() = *won;
    *row.mutable_won_ref() = RefOf(e);
    Store(txn, key, row);
    for (const std::string& rep : CreditedReps(won->rep_id(), won->credit_splits())) {
      txn.Put(keys::WonRow(rep, won->won_on(), won->deal_id()), "");
    }
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(auto cancelled, Unpack<activity::DealCancelled>(e));
  if (cancelled.has_value()) {
    RETURN_IF_ERROR(CheckDay(cancelled->cancelled_on(), "cancelled_on"));
    RETURN_IF_ERROR(CheckDay(cancelled->won_on(), "won_on"));
    const std::string key = keys::DealRow(cancelled->deal_id());
    ASSIGN_OR_RETURN(v1::DealRow row, Load<v1::DealRow>(txn, key));
    row.set_deal_id(cancelled->deal_id());
    *row.mutable_cancelled() = *cancelled;
    *row.mutable_cancelled_ref() = RefOf(e);
    Store(txn, key, row);
    for (const std::string& rep : CreditedReps(cancelled->rep_id(), cancelled->credit_splits())) {
      txn.Put(keys::CancelledRow(rep, cancelled->cancelled_on(), cancelled->deal_id()), "");
    }
    return absl::OkStatus();
  }
  handled = false;
  return absl::OkStatus();
}

// --- Feedback.

absl::Time ToTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

absl::Status ApplyQuality(const projection::EventEnvelope& e, projection::ViewTxn& txn) {
  ASSIGN_OR_RETURN(auto survey, Unpack<feedback::SurveyResponded>(e));
  if (survey.has_value()) {
    if (!survey->has_csat_score() || survey->rep_id().empty()) return absl::OkStatus();
    if (survey->csat_score() < 1 || survey->csat_score() > 5) {
      return absl::InvalidArgumentError("csat_score outside 1..5");
    }
    v1::QualityRow row;
    *row.mutable_at() = survey->responded_at();
    row.set_csat_score(survey->csat_score());
    *row.mutable_ref() = RefOf(e);
    Store(txn,
          keys::QualityRow(survey->rep_id(), ToTime(survey->responded_at()),
                           "s:" + survey->survey_request_id()),
          row);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(auto complaint, Unpack<feedback::ComplaintOpened>(e));
  if (complaint.has_value()) {
    if (complaint->rep_id().empty() ||
        (complaint->severity() != feedback::COMPLAINT_SEVERITY_HIGH &&
         complaint->severity() != feedback::COMPLAINT_SEVERITY_CRITICAL)) {
      return absl::OkStatus();
    }
    v1::QualityRow row;
    *row.mutable_at() = complaint->opened_at();
    row.set_severe_complaint(true);
    *row.mutable_ref() = RefOf(e);
    Store(txn,
          keys::QualityRow(complaint->rep_id(), ToTime(complaint->opened_at()),
                           "c:" + complaint->complaint_id()),
          row);
  }
  return absl::OkStatus();
}

// The (rep, period) a statement event is about.
std::pair<std::string, std::string> StatementKeyOf(const projection::EventEnvelope& e) {
  const google::protobuf::Any& p = e.payload();
  auto of = [&](auto message) -> std::pair<std::string, std::string> {
    if (!p.UnpackTo(&message)) return {};
    return {message.rep_id(), message.period_id()};
  };
  if (p.Is<v1::StatementIssued>()) return of(v1::StatementIssued());
  if (p.Is<v1::StatementApproved>()) return of(v1::StatementApproved());
  if (p.Is<v1::PayoutRecorded>()) return of(v1::PayoutRecorded());
  if (p.Is<v1::AdjustmentAdded>()) return of(v1::AdjustmentAdded());
  if (p.Is<v1::LineDisputed>()) return of(v1::LineDisputed());
  if (p.Is<v1::DisputeAccepted>()) return of(v1::DisputeAccepted());
  if (p.Is<v1::DisputeRejected>()) return of(v1::DisputeRejected());
  return {};
}

}  // namespace

absl::Status FactsView::Apply(const projection::EventEnvelope& e, projection::ViewTxn& txn) {
  bool handled = false;
  if (e.source() == "targets") {
    RETURN_IF_ERROR(ApplyOrg(e, txn, handled));
    if (!handled) RETURN_IF_ERROR(ApplyTarget(e, txn, handled));
    return absl::OkStatus();
  }
  if (e.source() == "activity") return ApplyDeal(e, txn, handled);
  if (e.source() == "feedback") return ApplyQuality(e, txn);
  return absl::OkStatus();
}

absl::Status PlansView::Apply(const projection::EventEnvelope& e, projection::ViewTxn& txn) {
  if (!IsPlanEvent(e)) return absl::OkStatus();
  constexpr std::string_view kPrefix = "plan-";
  if (!e.stream_id().starts_with(kPrefix)) {
    return absl::InvalidArgumentError(absl::StrCat("plan event on stream ", e.stream_id()));
  }
  const std::string key = keys::PlanRow(e.stream_id().substr(kPrefix.size()));
  ASSIGN_OR_RETURN(v1::PlanRow row, Load<v1::PlanRow>(txn, key));
  RETURN_IF_ERROR(EvolvePlan(row, e));
  Store(txn, key, row);
  return absl::OkStatus();
}

absl::Status StatementsView::Apply(const projection::EventEnvelope& e, projection::ViewTxn& txn) {
  if (!IsStatementEvent(e)) return absl::OkStatus();
  const auto [rep_id, period_id] = StatementKeyOf(e);
  if (rep_id.empty() || period_id.empty() || e.stream_id() != StatementStream(rep_id, period_id)) {
    return absl::InvalidArgumentError(absl::StrCat("statement event on stream ", e.stream_id()));
  }
  const std::string key = keys::StatementRow(period_id, rep_id);
  ASSIGN_OR_RETURN(v1::StatementView row, Load<v1::StatementView>(txn, key));
  RETURN_IF_ERROR(EvolveStatement(row, e));
  Store(txn, key, row);
  return absl::OkStatus();
}

absl::Status ContestsView::Apply(const projection::EventEnvelope& e, projection::ViewTxn& txn) {
  if (!IsContestEvent(e)) return absl::OkStatus();
  constexpr std::string_view kPrefix = "contest-";
  if (!e.stream_id().starts_with(kPrefix)) {
    return absl::InvalidArgumentError(absl::StrCat("contest event on stream ", e.stream_id()));
  }
  const std::string key = keys::ContestRow(e.stream_id().substr(kPrefix.size()));
  ASSIGN_OR_RETURN(v1::ContestRow row, Load<v1::ContestRow>(txn, key));
  RETURN_IF_ERROR(EvolveContest(row, e));
  Store(txn, key, row);
  return absl::OkStatus();
}

std::vector<projection::ViewPtr> NewIncentiveViews() {
  std::vector<projection::ViewPtr> views;
  views.push_back(std::make_unique<FactsView>());
  views.push_back(std::make_unique<PlansView>());
  views.push_back(std::make_unique<StatementsView>());
  views.push_back(std::make_unique<ContestsView>());
  return views;
}

std::vector<std::string> IncentiveViewNames() {
  return {keys::kFactsView, keys::kPlansView, keys::kStatementsView, keys::kContestsView};
}

}  // namespace salesperf::incentives
