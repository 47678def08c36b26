// The 跑单 (off-track rep) risk rules: pure functions from facts to flag decisions.
//
// Each rule keeps one state (v1::RiskRuleState) per subject:
//
//   rule                         subject          window                       auto-clears
//   FREQUENT_PLAN_CHANGES        rep              rolling, plan_change_window  yes
//   VISIT_WITHOUT_CHECK_IN       rep              rolling, no_check_in_window  yes
//   SHORT_CONNECTED_CALLS        rep + day        the civil day (time_zone)    yes
//   CHECK_IN_TOO_FAR             visit            the check-in                 no
//   WON_THEN_CANCELLED           deal             won_on .. cancelled_on       no
//   FOREIGN_CUSTOMER_ACTIVITY    rep + customer   the activity                 no
//
// A new fact is folded in with AddFact (rolling and per-day rules) or Occurred
// (single-fact rules); Slide moves a rolling window's end to a later time (another fact
// of the rep, or the reactor's periodic sweep). Each returns the new state and a
// Decision: raise a flag (with its evidence), clear the open one (the condition no
// longer holds), or nothing. A subject has at most one open flag. A manager's clear
// (ManagerCleared) acknowledges the condition: no new flag for the subject until the
// condition first stops holding. Single-fact rules never clear by themselves.
//
// Rolling windows are (as_of - window, as_of], where as_of is the latest time the state
// has seen (facts' occurred_at, or the time passed to Slide): deterministic, never a
// clock read. Pure and thread-compatible; no I/O.
#ifndef SALESPERF_SERVICES_ACTIVITY_RISK_DOMAIN_RISK_RULES_H_
#define SALESPERF_SERVICES_ACTIVITY_RISK_DOMAIN_RISK_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "libs/common/period.h"
#include "salesperf/activity/v1/events.pb.h"
#include "salesperf/activity/v1/risk.pb.h"

namespace salesperf::activity::risk {

// Thresholds of the rules. Build with the defaults and override; Validate() before use.
struct RiskConfig {
  // FREQUENT_PLAN_CHANGES flags more than this many reschedules and cancellations of a
  // rep's visit plans within plan_change_window. Default: 3 in 7 days.
  int max_plan_changes = 3;
  absl::Duration plan_change_window = absl::Hours(24 * 7);
  // VISIT_WITHOUT_CHECK_IN flags at least this many visits reported done without a
  // check-in within no_check_in_window. Default: 2 in 7 days.
  int min_visits_without_check_in = 2;
  absl::Duration no_check_in_window = absl::Hours(24 * 7);
  // SHORT_CONNECTED_CALLS flags a rep's day with at least min_short_calls connected calls
  // shorter than short_call_seconds that are at least min_short_call_share_percent of the
  // day's connected calls. Default: 10 calls, 10 s, 50%.
  int min_short_calls = 10;
  int short_call_seconds = 10;
  int min_short_call_share_percent = 50;
  // WON_THEN_CANCELLED flags a deal won within the last this-many days of its month and
  // cancelled after that month ended. Default: 3.
  int won_near_period_end_days = 3;
  // Where days and months are reckoned (the organisation's zone). Default: Asia/Shanghai.
  absl::TimeZone time_zone = DefaultTimeZone();
  // Most evidence items a flag carries (the count is in `observed`). Default: 20.
  int max_evidence = 20;

  // INVALID_ARGUMENT naming the first bad field (counts and windows must be positive,
  // the share 1..100).
  absl::Status Validate() const;

  // The defaults overridden by the set (non-zero) fields of `proto`, validated.
  static absl::StatusOr<RiskConfig> FromProto(const v1::RiskRuleConfig& proto,
                                              absl::TimeZone time_zone);
  v1::RiskRuleConfig ToProto() const;
};

// What evaluating a rule's state found.
struct Finding {
  bool holds = false;
  double observed = 0;
  double threshold = 0;
  absl::Time window_start = absl::InfinitePast();
  absl::Time window_end = absl::InfinitePast();
  std::string summary;
};

struct Decision {
  enum class Kind { kNone, kRaise, kClear };
  Kind kind = Kind::kNone;
  // kRaise: the flag to publish. kClear: the clear to publish.
  v1::RiskFlagged raised;
  v1::RiskFlagCleared cleared;
};

// The state after a fact or a slide, and what to publish.
struct Step {
  v1::RiskRuleState state;
  Decision decision;
};

// Deterministic flag id for a decision triggered by the event with `sequence`:
// "<rule code>-<sequence>" (one event raises at most one flag per rule).
std::string FlagId(v1::RiskRule rule, uint64_t sequence);
// Short code in flag ids: "plan", "far", "nochk", "short", "wonx", "foreign".
std::string_view RuleCode(v1::RiskRule rule);
// Lower-case rule name for metric labels, e.g. "frequent_plan_changes".
std::string_view RuleLabel(v1::RiskRule rule);
// True for the rules that clear when their condition stops holding.
bool AutoClears(v1::RiskRule rule);
// True for the rolling-window rules (the ones the periodic sweep looks at).
bool IsRolling(v1::RiskRule rule);

// A fresh state for `rule` and its subject.
v1::RiskRuleState NewState(v1::RiskRule rule, std::string_view rep_id,
                           std::string_view customer_id = "", std::string_view day = "");

// What the rule finds in `state` as of `as_of` (rolling rules count the facts in
// (as_of - window, as_of]; other rules ignore as_of).
Finding Evaluate(const RiskConfig& config, const v1::RiskRuleState& state, absl::Time as_of);

// Rolling and per-day rules: folds in `fact` (occurred_at set). For SHORT_CONNECTED_CALLS
// `counts` says whether the call was short (a fact) or a longer connected call (only
// counted). `flag_id` names the flag if this raises one.
Step AddFact(const RiskConfig& config, v1::RiskRuleState state, const v1::RiskEvidence& fact,
             bool counts, std::string_view flag_id);
// Rolling rules: moves the window's end to `as_of` if later, dropping facts that fall
// out; may clear (never raises, as counts only fall).
Step Slide(const RiskConfig& config, v1::RiskRuleState state, absl::Time as_of);
// Single-fact rules: the qualifying facts (e.g. a deal's win and its cancellation) and
// what they showed; raises unless the subject already has an open or acknowledged flag.
Step Occurred(const RiskConfig& config, v1::RiskRuleState state,
              const std::vector<v1::RiskEvidence>& facts, const Finding& finding,
              std::string_view flag_id);

// Folds a RiskFlagCleared of the state's flag: the flag is no longer open; a manager's
// clear (`by_manager`) acknowledges the condition.
v1::RiskRuleState FlagCleared(v1::RiskRuleState state, std::string_view flag_id, bool by_manager);

// --- Facts and findings of the single-fact and per-day rules.

// A check-in reported further than its threshold from the customer.
std::optional<Finding> CheckInTooFar(const v1::VisitCheckedIn& check_in, absl::Time at);
// A connected call, and one shorter than config.short_call_seconds.
bool IsConnected(const v1::CallLogged& call);
bool IsShortCall(const RiskConfig& config, const v1::CallLogged& call);
// Won within the last won_near_period_end_days of its month and cancelled after the
// month ended. nullopt when not, or when a day does not parse.
std::optional<Finding> WonThenCancelled(const RiskConfig& config, std::string_view won_on,
                                        std::string_view cancelled_on);
// Activity by `rep_id` on a customer owned by another rep that day.
std::optional<Finding> ForeignCustomer(const v1::RiskCustomerOwners& owners,
                                       std::string_view rep_id, absl::CivilDay day, absl::Time at);

// Customer ownership over time: `rep_id` owns the customer from `from_day` ("" for
// since always) on. Re-setting a day replaces its owner.
v1::RiskCustomerOwners WithOwner(v1::RiskCustomerOwners owners, std::string_view from_day,
                                 std::string_view rep_id);
// The owner on `day`, "" when unknown.
std::string OwnerOn(const v1::RiskCustomerOwners& owners, absl::CivilDay day);

// Timestamp conversions (UTC, nanosecond precision).
absl::Time ToTime(const google::protobuf::Timestamp& ts);
google::protobuf::Timestamp ToTimestamp(absl::Time t);

// "YYYY-MM-DD" of `t` in `tz`.
std::string DayId(absl::Time t, absl::TimeZone tz);
// Parses "YYYY-MM-DD"; nullopt if malformed.
std::optional<absl::CivilDay> ParseDay(std::string_view day);

}  // namespace salesperf::activity::risk

#endif  // SALESPERF_SERVICES_ACTIVITY_RISK_DOMAIN_RISK_RULES_H_
