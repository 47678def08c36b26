#include "services/activity/risk/domain/risk_rules.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/string_view_compat.h"

namespace salesperf::activity::risk {
namespace {

std::string Days(absl::Duration d) {
  const int64_t hours = absl::ToInt64Hours(d);
  if (hours % 24 == 0) return absl::StrCat(hours / 24, hours == 24 ? " day" : " days");
  return absl::StrCat(hours, " hours");
}

// The facts of a rolling state that lie in (as_of - window, as_of].
int CountInWindow(const v1::RiskRuleState& state, absl::Time start, absl::Time end) {
  int n = 0;
  for (const v1::RiskEvidence& f : state.facts()) {
    const absl::Time t = ToTime(f.occurred_at());
    if (t > start && t <= end) ++n;
  }
  return n;
}

absl::Duration WindowOf(const RiskConfig& config, v1::RiskRule rule) {
  return rule == v1::RISK_RULE_FREQUENT_PLAN_CHANGES ? config.plan_change_window
                                                     : config.no_check_in_window;
}

v1::RiskFlagged BuildFlag(const RiskConfig& config, const v1::RiskRuleState& state,
                          const Finding& finding, std::string_view flag_id) {
  v1::RiskFlagged flag;
  flag.set_flag_id(std::string(flag_id));
  flag.set_rep_id(state.rep_id());
  flag.set_customer_id(state.customer_id());
  flag.set_rule(state.rule());
  *flag.mutable_window_start() = ToTimestamp(finding.window_start);
  *flag.mutable_window_end() = ToTimestamp(finding.window_end);
  flag.set_observed(finding.observed);
  flag.set_threshold(finding.threshold);
  flag.set_summary(finding.summary);
  // The latest facts in the window, oldest first.
  std::vector<const v1::RiskEvidence*> in_window;
  for (const v1::RiskEvidence& f : state.facts()) {
    const absl::Time t = ToTime(f.occurred_at());
    if (!IsRolling(state.rule()) || (t > finding.window_start && t <= finding.window_end)) {
      in_window.push_back(&f);
    }
  }
  const size_t skip = in_window.size() > static_cast<size_t>(config.max_evidence)
                          ? in_window.size() - static_cast<size_t>(config.max_evidence)
                          : 0;
  for (size_t i = skip; i < in_window.size(); ++i) *flag.add_evidence() = *in_window[i];
  return flag;
}

// Raises or clears as the finding says (see the header for acknowledged flags).
Decision Decide(const RiskConfig& config, v1::RiskRuleState& state, const Finding& finding,
                std::string_view flag_id) {
  Decision decision;
  if (finding.holds) {
    if (state.open_flag_id().empty() && !state.acknowledged() && !flag_id.empty()) {
      decision.kind = Decision::Kind::kRaise;
      decision.raised = BuildFlag(config, state, finding, flag_id);
      state.set_open_flag_id(std::string(flag_id));
    }
    return decision;
  }
  state.set_acknowledged(false);
  if (!state.open_flag_id().empty() && AutoClears(state.rule())) {
    decision.kind = Decision::Kind::kClear;
    v1::RiskFlagCleared& cleared = decision.cleared;
    cleared.set_flag_id(state.open_flag_id());
    cleared.set_rep_id(state.rep_id());
    cleared.set_customer_id(state.customer_id());
    cleared.set_rule(state.rule());
    cleared.set_reason(absl::StrCat("condition no longer holds: ", finding.summary));
    state.clear_open_flag_id();
  }
  return decision;
}

void Prune(const RiskConfig& config, v1::RiskRuleState& state) {
  const absl::Time start = ToTime(state.as_of()) - WindowOf(config, state.rule());
  auto* facts = state.mutable_facts();
  facts->erase(
      std::remove_if(facts->begin(), facts->end(),
                     [&](const v1::RiskEvidence& f) { return ToTime(f.occurred_at()) <= start; }),
      facts->end());
}

}  // namespace

absl::Time ToTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  const int64_t nanos = absl::ToUnixNanos(t);
  google::protobuf::Timestamp ts;
  int64_t seconds = nanos / 1'000'000'000;
  int64_t rest = nanos % 1'000'000'000;
  if (rest < 0) {
    rest += 1'000'000'000;
    --seconds;
  }
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(rest));
  return ts;
}

absl::Status RiskConfig::Validate() const {
  if (max_plan_changes < 0) return absl::InvalidArgumentError("max_plan_changes must be >= 0");
  if (plan_change_window <= absl::ZeroDuration())
    return absl::InvalidArgumentError("plan_change_window must be positive");
  if (min_visits_without_check_in < 1)
    return absl::InvalidArgumentError("min_visits_without_check_in must be >= 1");
  if (no_check_in_window <= absl::ZeroDuration())
    return absl::InvalidArgumentError("no_check_in_window must be positive");
  if (min_short_calls < 1) return absl::InvalidArgumentError("min_short_calls must be >= 1");
  if (short_call_seconds < 1) return absl::InvalidArgumentError("short_call_seconds must be >= 1");
  if (min_short_call_share_percent < 1 || min_short_call_share_percent > 100)
    return absl::InvalidArgumentError("min_short_call_share_percent must be 1..100");
  if (won_near_period_end_days < 1 || won_near_period_end_days > 28)
    return absl::InvalidArgumentError("won_near_period_end_days must be 1..28");
  if (max_evidence < 1) return absl::InvalidArgumentError("max_evidence must be >= 1");
  return absl::OkStatus();
}

absl::StatusOr<RiskConfig> RiskConfig::FromProto(const v1::RiskRuleConfig& p,
                                                 absl::TimeZone time_zone) {
  RiskConfig c;
  c.time_zone = time_zone;
  auto duration = [](const google::protobuf::Duration& d) {
    return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
  };
  if (p.max_plan_changes() != 0) c.max_plan_changes = p.max_plan_changes();
  if (p.has_plan_change_window()) c.plan_change_window = duration(p.plan_change_window());
  if (p.min_visits_without_check_in() != 0)
    c.min_visits_without_check_in = p.min_visits_without_check_in();
  if (p.has_no_check_in_window()) c.no_check_in_window = duration(p.no_check_in_window());
  if (p.min_short_calls() != 0) c.min_short_calls = p.min_short_calls();
  if (p.short_call_seconds() != 0) c.short_call_seconds = p.short_call_seconds();
  if (p.min_short_call_share_percent() != 0)
    c.min_short_call_share_percent = p.min_short_call_share_percent();
  if (p.won_near_period_end_days() != 0) c.won_near_period_end_days = p.won_near_period_end_days();
  if (absl::Status s = c.Validate(); !s.ok()) return s;
  return c;
}

v1::RiskRuleConfig RiskConfig::ToProto() const {
  v1::RiskRuleConfig p;
  p.set_max_plan_changes(max_plan_changes);
  p.mutable_plan_change_window()->set_seconds(absl::ToInt64Seconds(plan_change_window));
  p.set_min_visits_without_check_in(min_visits_without_check_in);
  p.mutable_no_check_in_window()->set_seconds(absl::ToInt64Seconds(no_check_in_window));
  p.set_min_short_calls(min_short_calls);
  p.set_short_call_seconds(short_call_seconds);
  p.set_min_short_call_share_percent(min_short_call_share_percent);
  p.set_won_near_period_end_days(won_near_period_end_days);
  return p;
}

std::string_view RuleCode(v1::RiskRule rule) {
  switch (rule) {
    case v1::RISK_RULE_FREQUENT_PLAN_CHANGES:
      return "plan";
    case v1::RISK_RULE_CHECK_IN_TOO_FAR:
      return "far";
    case v1::RISK_RULE_VISIT_WITHOUT_CHECK_IN:
      return "nochk";
    case v1::RISK_RULE_SHORT_CONNECTED_CALLS:
      return "short";
    case v1::RISK_RULE_WON_THEN_CANCELLED:
      return "wonx";
    case v1::RISK_RULE_FOREIGN_CUSTOMER_ACTIVITY:
      return "foreign";
    default:
      return "unknown";
  }
}

std::string_view RuleLabel(v1::RiskRule rule) {
  switch (rule) {
    case v1::RISK_RULE_FREQUENT_PLAN_CHANGES:
      return "frequent_plan_changes";
    case v1::RISK_RULE_CHECK_IN_TOO_FAR:
      return "check_in_too_far";
    case v1::RISK_RULE_VISIT_WITHOUT_CHECK_IN:
      return "visit_without_check_in";
    case v1::RISK_RULE_SHORT_CONNECTED_CALLS:
      return "short_connected_calls";
    case v1::RISK_RULE_WON_THEN_CANCELLED:
      return "won_then_cancelled";
    case v1::RISK_RULE_FOREIGN_CUSTOMER_ACTIVITY:
      return "foreign_customer_activity";
    default:
      return "unknown";
  }
}

std::string FlagId(v1::RiskRule rule, uint64_t sequence) {
  return absl::StrCat(ToAbsl(RuleCode(rule)), "-", sequence);
}

bool AutoClears(v1::RiskRule rule) {
  return IsRolling(rule) || rule == v1::RISK_RULE_SHORT_CONNECTED_CALLS;
}

bool IsRolling(v1::RiskRule rule) {
  return rule == v1::RISK_RULE_FREQUENT_PLAN_CHANGES ||
         rule == v1::RISK_RULE_VISIT_WITHOUT_CHECK_IN;
}

v1::RiskRuleState NewState(v1::RiskRule rule, std::string_view rep_id, std::string_view customer_id,
                           std::string_view day) {
  v1::RiskRuleState state;
  state.set_rule(rule);
  state.set_rep_id(std::string(rep_id));
  state.set_customer_id(std::string(customer_id));
  state.set_day(std::string(day));
  return state;
}

Finding Evaluate(const RiskConfig& config, const v1::RiskRuleState& state, absl::Time as_of) {
  Finding f;
  switch (state.rule()) {
    case v1::RISK_RULE_FREQUENT_PLAN_CHANGES:
    case v1::RISK_RULE_VISIT_WITHOUT_CHECK_IN: {
      const bool plans = state.rule() == v1::RISK_RULE_FREQUENT_PLAN_CHANGES;
      const absl::Duration window = WindowOf(config, state.rule());
      f.window_end = as_of;
      f.window_start = as_of - window;
      const int n = CountInWindow(state, f.window_start, f.window_end);
      f.observed = n;
      if (plans) {
        f.threshold = config.max_plan_changes;
        f.holds = n > config.max_plan_changes;
        f.summary = absl::StrCat(n, " visit plan changes in ", Days(window), " (flagged above ",
                                 config.max_plan_changes, ")");
      } else {
        f.threshold = config.min_visits_without_check_in;
        f.holds = n >= config.min_visits_without_check_in;
        f.summary = absl::StrCat(n, " visits reported done without a check-in in ", Days(window),
                                 " (flagged from ", config.min_visits_without_check_in, ")");
      }
      return f;
    }
    case v1::RISK_RULE_SHORT_CONNECTED_CALLS: {
      const int64_t short_calls = state.fact_count();
      const int64_t connected = short_calls + state.other_count();
      if (std::optional<absl::CivilDay> day = ParseDay(state.day()); day.has_value()) {
        f.window_start = absl::FromCivil(*day, config.time_zone);
        f.window_end = absl::FromCivil(*day + 1, config.time_zone);
      }
      f.observed = static_cast<double>(short_calls);
      f.threshold = config.min_short_calls;
      f.holds = short_calls >= config.min_short_calls &&
                short_calls * 100 >= config.min_short_call_share_percent * connected;
      f.summary =
          absl::StrCat(short_calls, " of ", connected, " connected calls under ",
                       config.short_call_seconds, " s on ", state.day(), " (flagged from ",
                       config.min_short_calls, " and ", config.min_short_call_share_percent, "%)");
      return f;
    }
    default:
      f.holds = state.facts_size() > 0;
      return f;
  }
}

Step AddFact(const RiskConfig& config, v1::RiskRuleState state, const v1::RiskEvidence& fact,
             bool counts, std::string_view flag_id) {
  const absl::Time t = ToTime(fact.occurred_at());
  if (state.rule() == v1::RISK_RULE_SHORT_CONNECTED_CALLS) {
    if (counts) {
      state.set_fact_count(state.fact_count() + 1);
      if (state.facts_size() < config.max_evidence) *state.add_facts() = fact;
    } else {
      state.set_other_count(state.other_count() + 1);
    }
    if (!state.has_as_of() || t > ToTime(state.as_of())) *state.mutable_as_of() = ToTimestamp(t);
    Step step;
    Finding finding = Evaluate(config, state, t);
    step.decision = Decide(config, state, finding, counts ? flag_id : std::string_view());
    step.state = std::move(state);
    return step;
  }
  // Rolling: keep the facts in time order (a fact may be reported late).
  auto* facts = state.mutable_facts();
  auto pos = std::upper_bound(
      facts->begin(), facts->end(), t,
      [](absl::Time v, const v1::RiskEvidence& f) { return v < ToTime(f.occurred_at()); });
  const int index = static_cast<int>(pos - facts->begin());  // Add invalidates iterators
  facts->Add(v1::RiskEvidence(fact));
  std::rotate(facts->begin() + index, facts->end() - 1, facts->end());
  if (!state.has_as_of() || t > ToTime(state.as_of())) *state.mutable_as_of() = ToTimestamp(t);
  Prune(config, state);
  Step step;
  Finding finding = Evaluate(config, state, ToTime(state.as_of()));
  step.decision = Decide(config, state, finding, flag_id);
  step.state = std::move(state);
  return step;
}

Step Slide(const RiskConfig& config, v1::RiskRuleState state, absl::Time as_of) {
  Step step;
  if (!IsRolling(state.rule())) {
    step.state = std::move(state);
    return step;
  }
  if (!state.has_as_of() || as_of > ToTime(state.as_of()))
    *state.mutable_as_of() = ToTimestamp(as_of);
  Prune(config, state);
  Finding finding = Evaluate(config, state, ToTime(state.as_of()));
  step.decision = Decide(config, state, finding, "");
  step.state = std::move(state);
  return step;
}

Step Occurred(const RiskConfig& config, v1::RiskRuleState state,
              const std::vector<v1::RiskEvidence>& facts, const Finding& finding,
              std::string_view flag_id) {
  Step step;
  // The flag shows the facts of this occurrence only; earlier ones of the subject were
  // flagged (or acknowledged) already.
  if (state.open_flag_id().empty() && !state.acknowledged()) state.clear_facts();
  for (const v1::RiskEvidence& fact : facts) {
    if (state.facts_size() < config.max_evidence) *state.add_facts() = fact;
    const absl::Time t = ToTime(fact.occurred_at());
    if (!state.has_as_of() || t > ToTime(state.as_of())) *state.mutable_as_of() = ToTimestamp(t);
  }
  Finding holds = finding;
  holds.holds = true;
  step.decision = Decide(config, state, holds, flag_id);
  step.state = std::move(state);
  return step;
}

v1::RiskRuleState FlagCleared(v1::RiskRuleState state, std::string_view flag_id, bool by_manager) {
  if (state.open_flag_id() == flag_id) {
    state.clear_open_flag_id();
    if (by_manager) state.set_acknowledged(true);
  }
  return state;
}

std::optional<Finding> CheckInTooFar(const v1::VisitCheckedIn& check_in, absl::Time at) {
  if (check_in.location_check() != v1::LOCATION_CHECK_TOO_FAR) return std::nullopt;
  Finding f;
  f.holds = true;
  f.observed = check_in.distance_meters();
  f.threshold = check_in.threshold_meters();
  f.window_start = at;
  f.window_end = at;
  if (check_in.distance_meters() >= 0) {
    f.summary = absl::StrFormat("check-in %.0f m from the customer (allowed %.0f m)",
                                check_in.distance_meters(), check_in.threshold_meters());
  } else {
    f.summary = "check-in too far from the customer";
  }
  return f;
}

bool IsConnected(const v1::CallLogged& call) {
  return call.outcome() == v1::CALL_OUTCOME_CONNECTED;
}

bool IsShortCall(const RiskConfig& config, const v1::CallLogged& call) {
  return IsConnected(call) && call.duration_seconds() < config.short_call_seconds;
}

std::optional<Finding> WonThenCancelled(const RiskConfig& config, std::string_view won_on,
                                        std::string_view cancelled_on) {
  std::optional<absl::CivilDay> won = ParseDay(won_on);
  std::optional<absl::CivilDay> cancelled = ParseDay(cancelled_on);
  if (!won.has_value() || !cancelled.has_value()) return std::nullopt;
  absl::StatusOr<Period> month = Period::Containing(PeriodKind::kMonth, *won);
  if (!month.ok()) return std::nullopt;
  const int64_t days_before_end = month->last_day() - *won;  // 0 on the last day
  if (days_before_end >= config.won_near_period_end_days) return std::nullopt;
  if (*cancelled <= month->last_day()) return std::nullopt;
  Finding f;
  f.holds = true;
  f.observed = static_cast<double>(days_before_end + 1);
  f.threshold = config.won_near_period_end_days;
  f.window_start = month->StartTime(config.time_zone);
  f.window_end = absl::FromCivil(*cancelled + 1, config.time_zone);
  f.summary = absl::StrCat("won on ", ToAbsl(won_on), ", ", days_before_end + 1,
                           " day(s) before the end of ", month->Id(), ", cancelled on ",
                           ToAbsl(cancelled_on), " (flagged within the last ",
                           config.won_near_period_end_days, " days)");
  return f;
}

std::optional<Finding> ForeignCustomer(const v1::RiskCustomerOwners& owners,
                                       std::string_view rep_id, absl::CivilDay day, absl::Time at) {
  const std::string owner = OwnerOn(owners, day);
  if (owner.empty() || owner == rep_id) return std::nullopt;
  Finding f;
  f.holds = true;
  f.observed = 1;
  f.threshold = 0;
  f.window_start = at;
  f.window_end = at;
  f.summary = absl::StrCat("activity on ", absl::FormatCivilTime(day),
                           " on a customer owned by another rep (", owner, ")");
  return f;
}

v1::RiskCustomerOwners WithOwner(v1::RiskCustomerOwners owners, std::string_view from_day,
                                 std::string_view rep_id) {
  auto* list = owners.mutable_owners();
  auto it = std::find_if(list->begin(), list->end(),
                         [&](const auto& o) { return o.from_day() >= from_day; });
  if (it != list->end() && it->from_day() == from_day) {
    it->set_rep_id(std::string(rep_id));
    return owners;
  }
  v1::RiskCustomerOwners::Owner owner;
  owner.set_from_day(std::string(from_day));
  owner.set_rep_id(std::string(rep_id));
  const int index = static_cast<int>(it - list->begin());
  list->Add(std::move(owner));
  std::rotate(list->begin() + index, list->end() - 1, list->end());
  return owners;
}

std::string OwnerOn(const v1::RiskCustomerOwners& owners, absl::CivilDay day) {
  const std::string id = absl::FormatCivilTime(day);
  std::string owner;
  for (const auto& o : owners.owners()) {
    if (o.from_day() <= id) owner = o.rep_id();  // "" (since always) sorts first
  }
  return owner;
}

std::string DayId(absl::Time t, absl::TimeZone tz) {
  return absl::FormatCivilTime(absl::ToCivilDay(t, tz));
}

std::optional<absl::CivilDay> ParseDay(std::string_view day) {
  absl::CivilDay parsed;
  if (day.size() != 10 || !absl::ParseCivilTime(absl::string_view(day.data(), day.size()), &parsed))
    return std::nullopt;
  return parsed;
}

}  // namespace salesperf::activity::risk
