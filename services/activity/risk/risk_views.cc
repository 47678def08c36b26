#include "services/activity/risk/risk_views.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/status_macros.h"
#include "libs/common/string_view_compat.h"
#include "salesperf/targets/v1/events.pb.h"

namespace salesperf::activity::risk {
namespace {

using projection::EventEnvelope;
using projection::ViewTxn;

template <typename Message>
absl::StatusOr<std::optional<Message>> GetRow(ViewTxn& txn, const std::string& key) {
  ASSIGN_OR_RETURN(std::optional<std::string> row, txn.Get(key));
  if (!row.has_value()) return std::nullopt;
  Message message;
  if (!message.ParseFromString(*row)) {
    return absl::DataLossError(absl::StrCat("malformed risk row ", key));
  }
  return message;
}

// When the fact happened: the envelope's business time (recorded_at if unset).
absl::Time FactTime(const EventEnvelope& event) {
  if (event.has_occurred_at()) return ToTime(event.occurred_at());
  return ToTime(event.recorded_at());
}

v1::RiskEvidence EvidenceOf(const EventEnvelope& event, std::string description) {
  v1::RiskEvidence e;
  e.set_stream_id(event.stream_id());
  e.set_stream_version(static_cast<int64_t>(event.stream_version()));
  e.set_sequence(static_cast<int64_t>(event.sequence()));
  *e.mutable_occurred_at() = ToTimestamp(FactTime(event));
  e.set_description(std::move(description));
  return e;
}

// Writes a step's state and, for a decision, the pending row and the flag's links.
void Record(ViewTxn& txn, const std::string& state_key, const Step& step) {
  txn.Put(state_key, step.state.SerializeAsString());
  switch (step.decision.kind) {
    case Decision::Kind::kRaise: {
      const std::string& id = step.decision.raised.flag_id();
      txn.Put(keys::PendingRaiseRow(id), "R" + step.decision.raised.SerializeAsString());
      txn.Put(keys::FlagStateRow(id), state_key);
      if (IsRolling(step.state.rule())) txn.Put(keys::SweepRow(id), state_key);
      break;
    }
    case Decision::Kind::kClear: {
      const std::string& id = step.decision.cleared.flag_id();
      txn.Put(keys::PendingClearRow(id), "C" + step.decision.cleared.SerializeAsString());
      txn.Delete(keys::SweepRow(id));
      break;
    }
    case Decision::Kind::kNone:
      break;
  }
}

class RulesFold {
 public:
  RulesFold(const RiskConfig& config, const EventEnvelope& event, ViewTxn& txn)
      : config_(config), event_(event), txn_(txn), at_(FactTime(event)) {}

  absl::StatusOr<v1::RiskRuleState> Load(v1::RiskRule rule, const std::string& key,
                                         std::string_view rep, std::string_view customer = "",
                                         std::string_view day = "") {
    ASSIGN_OR_RETURN(std::optional<v1::RiskRuleState> state, GetRow<v1::RiskRuleState>(txn_, key));
    if (state.has_value()) return *std::move(state);
    return NewState(rule, rep, customer, day);
  }

  // Rolling and per-day rules.
  absl::Status Add(v1::RiskRule rule, const std::string& rep, const std::string& subject,
                   std::string description, bool counts, std::string_view day = "") {
    const std::string key = keys::StateRow(rule, subject);
    ASSIGN_OR_RETURN(v1::RiskRuleState state, Load(rule, key, rep, "", day));
    Record(txn_, key,
           AddFact(config_, std::move(state), EvidenceOf(event_, std::move(description)), counts,
                   FlagId(rule, event_.sequence())));
    return absl::OkStatus();
  }

  // Single-fact rules.
  absl::Status Occur(v1::RiskRule rule, const std::string& rep, const std::string& customer,
                     const std::string& subject, const std::vector<v1::RiskEvidence>& facts,
                     const Finding& finding) {
    const std::string key = keys::StateRow(rule, subject);
    ASSIGN_OR_RETURN(v1::RiskRuleState state, Load(rule, key, rep, customer));
    Record(txn_, key,
           Occurred(config_, std::move(state), facts, finding, FlagId(rule, event_.sequence())));
    return absl::OkStatus();
  }

  // Any fact of a rep moves the end of the rep's rolling windows that have a flag to
  // clear or an acknowledgement to reset.
  absl::Status SlideRep(const std::string& rep) {
    if (rep.empty()) return absl::OkStatus();
    for (v1::RiskRule rule :
         {v1::RISK_RULE_FREQUENT_PLAN_CHANGES, v1::RISK_RULE_VISIT_WITHOUT_CHECK_IN}) {
      const std::string key = keys::StateRow(rule, rep);
      ASSIGN_OR_RETURN(std::optional<v1::RiskRuleState> state,
                       GetRow<v1::RiskRuleState>(txn_, key));
      if (!state.has_value() || (state->open_flag_id().empty() && !state->acknowledged())) continue;
      const std::string before = state->SerializeAsString();
      Step step = Slide(config_, *std::move(state), at_);
      if (step.decision.kind == Decision::Kind::kNone && step.state.SerializeAsString() == before) {
        continue;
      }
      Record(txn_, key, step);
    }
    return absl::OkStatus();
  }

  // Activity by `rep` on `customer`: flagged when another rep owned it that day.
  absl::Status Foreign(const std::string& rep, const std::string& customer,
                       std::string description) {
    if (rep.empty() || customer.empty()) return absl::OkStatus();
    ASSIGN_OR_RETURN(std::optional<v1::RiskCustomerOwners> owners,
                     GetRow<v1::RiskCustomerOwners>(txn_, keys::OwnersRow(customer)));
    if (!owners.has_value()) return absl::OkStatus();
    std::optional<Finding> finding =
        ForeignCustomer(*owners, rep, absl::ToCivilDay(at_, config_.time_zone), at_);
    if (!finding.has_value()) return absl::OkStatus();
    return Occur(v1::RISK_RULE_FOREIGN_CUSTOMER_ACTIVITY, rep, customer,
                 absl::StrCat(rep, "/", customer), {EvidenceOf(event_, std::move(description))},
                 *finding);
  }

  absl::Status SetOwner(const std::string& customer, const std::string& from_day,
                        const std::string& rep) {
    if (customer.empty()) return absl::OkStatus();
    const std::string key = keys::OwnersRow(customer);
    ASSIGN_OR_RETURN(std::optional<v1::RiskCustomerOwners> owners,
                     GetRow<v1::RiskCustomerOwners>(txn_, key));
    txn_.Put(
        key,
        WithOwner(owners.value_or(v1::RiskCustomerOwners()), from_day, rep).SerializeAsString());
    return absl::OkStatus();
  }

  absl::Status FlagEventFolded(const std::string& flag_id, bool cleared, bool by_manager) {
    if (!cleared) {
      txn_.Delete(keys::PendingRaiseRow(flag_id));
      return absl::OkStatus();
    }
    txn_.Delete(keys::PendingClearRow(flag_id));
    txn_.Delete(keys::SweepRow(flag_id));
    const std::string link = keys::FlagStateRow(flag_id);
    ASSIGN_OR_RETURN(std::optional<std::string> state_key, txn_.Get(link));
    if (!state_key.has_value()) return absl::OkStatus();
    ASSIGN_OR_RETURN(std::optional<v1::RiskRuleState> state,
                     GetRow<v1::RiskRuleState>(txn_, *state_key));
    if (state.has_value()) {
      txn_.Put(*state_key, FlagCleared(*std::move(state), flag_id, by_manager).SerializeAsString());
    }
    txn_.Delete(link);
    return absl::OkStatus();
  }

  absl::Time at() const { return at_; }

 private:
  const RiskConfig& config_;
  const EventEnvelope& event_;
  ViewTxn& txn_;
  const absl::Time at_;
};

absl::Status ApplyRules(const RiskConfig& config, const EventEnvelope& event, ViewTxn& txn) {
  const google::protobuf::Any& payload = event.payload();
  RulesFold fold(config, event, txn);
  if (payload.Is<v1::VisitRescheduled>()) {
    v1::VisitRescheduled e;
    if (!payload.UnpackTo(&e)) return absl::InvalidArgumentError("undecodable VisitRescheduled");
    if (e.rep_id().empty()) return absl::OkStatus();
    RETURN_IF_ERROR(fold.Add(v1::RISK_RULE_FREQUENT_PLAN_CHANGES, e.rep_id(), e.rep_id(),
                             "visit plan rescheduled", true));
    return fold.SlideRep(e.rep_id());
  }
  if (payload.Is<v1::VisitCancelled>()) {
    v1::VisitCancelled e;
    if (!payload.UnpackTo(&e)) return absl::InvalidArgumentError("undecodable VisitCancelled");
    if (e.rep_id().empty()) return absl::OkStatus();
    RETURN_IF_ERROR(fold.Add(v1::RISK_RULE_FREQUENT_PLAN_CHANGES, e.rep_id(), e.rep_id(),
                             "visit plan cancelled", true));
    return fold.SlideRep(e.rep_id());
  }
  if (payload.Is<v1::VisitOutcomeRecorded>()) {
    v1::VisitOutcomeRecorded e;
    if (!payload.UnpackTo(&e)) {
      return absl::InvalidArgumentError("undecodable VisitOutcomeRecorded");
    }
    if (e.rep_id().empty()) return absl::OkStatus();
    if (e.without_check_in() || e.check_in_without_position()) {
      RETURN_IF_ERROR(fold.Add(v1::RISK_RULE_VISIT_WITHOUT_CHECK_IN, e.rep_id(), e.rep_id(),
                               e.without_check_in()
                                   ? "visit reported done without a check-in"
                                   : "visit reported done after a check-in without a position",
                               true));
    }
    RETURN_IF_ERROR(fold.Foreign(e.rep_id(), e.customer_id(), "visit reported done"));
    return fold.SlideRep(e.rep_id());
  }
  if (payload.Is<v1::VisitCheckedIn>()) {
    v1::VisitCheckedIn e;
    if (!payload.UnpackTo(&e)) return absl::InvalidArgumentError("undecodable VisitCheckedIn");
    if (e.rep_id().empty()) return absl::OkStatus();
    if (std::optional<Finding> far = CheckInTooFar(e, fold.at()); far.has_value()) {
      RETURN_IF_ERROR(fold.Occur(v1::RISK_RULE_CHECK_IN_TOO_FAR, e.rep_id(), e.customer_id(),
                                 e.visit_id(), {EvidenceOf(event, far->summary)}, *far));
    }
    RETURN_IF_ERROR(fold.Foreign(e.rep_id(), e.customer_id(), "visit check-in"));
    return fold.SlideRep(e.rep_id());
  }
  if (payload.Is<v1::CallLogged>()) {
    v1::CallLogged e;
    if (!payload.UnpackTo(&e)) return absl::InvalidArgumentError("undecodable CallLogged");
    if (e.rep_id().empty()) return absl::OkStatus();
    if (IsConnected(e)) {
      const std::string day = DayId(fold.at(), config.time_zone);
      RETURN_IF_ERROR(fold.Add(v1::RISK_RULE_SHORT_CONNECTED_CALLS, e.rep_id(),
                               absl::StrCat(e.rep_id(), "/", day),
                               absl::StrCat("connected call of ", e.duration_seconds(), " s"),
                               IsShortCall(config, e), day));
    }
    RETURN_IF_ERROR(fold.Foreign(e.rep_id(), e.customer_id(), "call logged"));
    return fold.SlideRep(e.rep_id());
  }
  if (payload.Is<v1::DealOpened>()) {
    v1::DealOpened e;
    if (!payload.UnpackTo(&e)) return absl::InvalidArgumentError("undecodable DealOpened");
    RETURN_IF_ERROR(fold.Foreign(e.rep_id(), e.customer_id(), "deal opened"));
    return fold.SlideRep(e.rep_id());
  }
  if (payload.Is<v1::DealWon>()) {
    v1::DealWon e;
    if (!payload.UnpackTo(&e)) return absl::InvalidArgumentError("undecodable DealWon");
    if (!e.deal_id().empty()) {
      txn.Put(keys::WonRow(e.deal_id()),
              EvidenceOf(event, absl::StrCat("deal won on ", e.won_on())).SerializeAsString());
    }
    RETURN_IF_ERROR(fold.Foreign(e.rep_id(), e.customer_id(), "deal won"));
    return fold.SlideRep(e.rep_id());
  }
  if (payload.Is<v1::DealCancelled>()) {
    v1::DealCancelled e;
    if (!payload.UnpackTo(&e)) return absl::InvalidArgumentError("undecodable DealCancelled");
    if (e.deal_id().empty() || e.rep_id().empty()) return absl::OkStatus();
    // A cancellation dated back into the month of the win still counts on the day it was
    // recorded, so that backdating cannot hide it (or move its clawback).
    const std::string cancelled_on = std::max(e.cancelled_on(), DayId(fold.at(), config.time_zone));
    std::optional<Finding> finding = WonThenCancelled(config, e.won_on(), cancelled_on);
    if (finding.has_value()) {
      std::vector<v1::RiskEvidence> facts;
      ASSIGN_OR_RETURN(std::optional<v1::RiskEvidence> won,
                       GetRow<v1::RiskEvidence>(txn, keys::WonRow(e.deal_id())));
      if (won.has_value()) facts.push_back(*std::move(won));
      facts.push_back(EvidenceOf(
          event, cancelled_on == e.cancelled_on()
                     ? absl::StrCat("deal cancelled on ", e.cancelled_on())
                     : absl::StrCat("deal cancelled on ", cancelled_on, " (dated ",
                                    e.cancelled_on(), ")")));
      RETURN_IF_ERROR(fold.Occur(v1::RISK_RULE_WON_THEN_CANCELLED, e.rep_id(), e.customer_id(),
                                 e.deal_id(), facts, *finding));
    }
    return fold.SlideRep(e.rep_id());
  }
  if (payload.Is<v1::CustomerRegistered>()) {
    v1::CustomerRegistered e;
    if (!payload.UnpackTo(&e)) {
      return absl::InvalidArgumentError("undecodable CustomerRegistered");
    }
    return fold.SetOwner(e.customer_id(), "", e.owner_rep_id());
  }
  if (payload.Is<v1::CustomerOwnerReassigned>()) {
    v1::CustomerOwnerReassigned e;
    if (!payload.UnpackTo(&e)) {
      return absl::InvalidArgumentError("undecodable CustomerOwnerReassigned");
    }
    std::string from = e.effective_from();
    if (!ParseDay(from).has_value()) from = DayId(fold.at(), config.time_zone);
    return fold.SetOwner(e.customer_id(), from, e.to_rep_id());
  }
  if (payload.Is<v1::RiskFlagged>()) {
    v1::RiskFlagged e;
    if (!payload.UnpackTo(&e)) return absl::InvalidArgumentError("undecodable RiskFlagged");
    return fold.FlagEventFolded(e.flag_id(), false, false);
  }
  if (payload.Is<v1::RiskFlagCleared>()) {
    v1::RiskFlagCleared e;
    if (!payload.UnpackTo(&e)) return absl::InvalidArgumentError("undecodable RiskFlagCleared");
    return fold.FlagEventFolded(e.flag_id(), true, !e.cleared_by().empty());
  }
  return absl::OkStatus();
}

// --- risk_org.

absl::Status AddAssignment(ViewTxn& txn, const std::string& rep, const std::string& from_day,
                           const std::string& team, const std::string& region) {
  if (rep.empty()) return absl::OkStatus();
  const std::string key = keys::AssignmentsRow(rep);
  ASSIGN_OR_RETURN(std::optional<v1::RiskRepAssignments> row,
                   GetRow<v1::RiskRepAssignments>(txn, key));
  v1::RiskRepAssignments assignments = row.value_or(v1::RiskRepAssignments());
  auto* list = assignments.mutable_assignments();
  auto it = std::find_if(list->begin(), list->end(),
                         [&](const auto& a) { return a.from_day() >= from_day; });
  if (it != list->end() && it->from_day() == from_day) {
    // The same day assigned again: the later event says where the rep is.
    it->set_team_id(team);
    it->set_region_id(region);
  } else {
    v1::RiskRepAssignments::Assignment a;
    a.set_from_day(from_day);
    a.set_team_id(team);
    a.set_region_id(region);
    const int index = static_cast<int>(it - list->begin());
    list->Add(std::move(a));
    std::rotate(list->begin() + index, list->end() - 1, list->end());
  }
  txn.Put(key, assignments.SerializeAsString());
  if (!team.empty()) txn.Put(keys::TeamMemberRow(team, rep), "");
  if (!region.empty()) txn.Put(keys::RegionMemberRow(region, rep), "");
  return absl::OkStatus();
}

}  // namespace

absl::Status RiskRulesView::Apply(const EventEnvelope& event, ViewTxn& txn) {
  return ApplyRules(config_, event, txn);
}

absl::Status RiskFlagsView::Apply(const EventEnvelope& event, ViewTxn& txn) {
  const google::protobuf::Any& payload = event.payload();
  if (payload.Is<v1::RiskFlagged>()) {
    v1::RiskFlagged e;
    if (!payload.UnpackTo(&e) || e.flag_id().empty() || e.rep_id().empty()) {
      return absl::InvalidArgumentError("RiskFlagged without flag_id or rep_id");
    }
    const std::string key = keys::FlagRow(e.flag_id());
    ASSIGN_OR_RETURN(std::optional<std::string> existing, txn.Get(key));
    if (existing.has_value()) return absl::OkStatus();
    v1::RiskFlag flag;
    flag.set_flag_id(e.flag_id());
    flag.set_rep_id(e.rep_id());
    flag.set_customer_id(e.customer_id());
    flag.set_rule(e.rule());
    flag.set_status(v1::RISK_FLAG_STATUS_OPEN);
    *flag.mutable_raised_at() = ToTimestamp(FactTime(event));
    flag.set_observed(e.observed());
    flag.set_threshold(e.threshold());
    flag.set_summary(e.summary());
    *flag.mutable_evidence() = e.evidence();
    *flag.mutable_window_start() = e.window_start();
    *flag.mutable_window_end() = e.window_end();
    txn.Put(key, flag.SerializeAsString());
    txn.Put(keys::RepIndexRow(e.rep_id(), e.flag_id()), "");
    txn.Put(keys::RuleIndexRow(e.rule(), e.flag_id()), "");
    return absl::OkStatus();
  }
  if (payload.Is<v1::RiskFlagCleared>()) {
    v1::RiskFlagCleared e;
    if (!payload.UnpackTo(&e)) return absl::InvalidArgumentError("undecodable RiskFlagCleared");
    const std::string key = keys::FlagRow(e.flag_id());
    ASSIGN_OR_RETURN(std::optional<v1::RiskFlag> flag, GetRow<v1::RiskFlag>(txn, key));
    if (!flag.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("RiskFlagCleared of unknown flag ", e.flag_id()));
    }
    if (flag->status() == v1::RISK_FLAG_STATUS_CLEARED) return absl::OkStatus();
    flag->set_status(v1::RISK_FLAG_STATUS_CLEARED);
    *flag->mutable_cleared_at() = ToTimestamp(FactTime(event));
    flag->set_cleared_reason(e.reason());
    flag->set_cleared_by(e.cleared_by());
    txn.Put(key, flag->SerializeAsString());
    return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::Status RiskOrgView::Apply(const EventEnvelope& event, ViewTxn& txn) {
  namespace tv1 = ::salesperf::targets::v1;
  const google::protobuf::Any& payload = event.payload();
  if (payload.Is<tv1::RepHired>()) {
    tv1::RepHired e;
    if (!payload.UnpackTo(&e)) return absl::InvalidArgumentError("undecodable RepHired");
    return AddAssignment(txn, e.rep_id(), e.effective_from(), e.team_id(), e.region_id());
  }
  if (payload.Is<tv1::RepMoved>()) {
    tv1::RepMoved e;
    if (!payload.UnpackTo(&e)) return absl::InvalidArgumentError("undecodable RepMoved");
    return AddAssignment(txn, e.rep_id(), e.effective_from(), e.to_team_id(), e.to_region_id());
  }
  if (payload.Is<tv1::RepDeactivated>()) {
    tv1::RepDeactivated e;
    if (!payload.UnpackTo(&e)) return absl::InvalidArgumentError("undecodable RepDeactivated");
    return AddAssignment(txn, e.rep_id(), e.effective_from(), "", "");
  }
  return absl::OkStatus();
}

std::vector<std::string> RiskViewNames() {
  return {keys::kRulesView, keys::kFlagsView, keys::kOrgView};
}

std::vector<std::unique_ptr<projection::View>> NewRiskViews(const RiskConfig& config) {
  std::vector<std::unique_ptr<projection::View>> views;
  views.push_back(std::make_unique<RiskRulesView>(config));
  views.push_back(std::make_unique<RiskFlagsView>());
  views.push_back(std::make_unique<RiskOrgView>());
  return views;
}

}  // namespace salesperf::activity::risk
