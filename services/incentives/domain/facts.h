// The inputs of one calculation: what happened to one rep in one period.
//
// Plain structs filled by the incentives service from its projections of the
// activity, feedback and targets events. Every fact carries the references of the
// events it came from so that statement lines can be traced back to them.
#ifndef SALESPERF_SERVICES_INCENTIVES_DOMAIN_FACTS_H_
#define SALESPERF_SERVICES_INCENTIVES_DOMAIN_FACTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "libs/common/money.h"

namespace salesperf::incentives {

// One event: its stream, its version in that stream and its sequence in the
// upstream topic (0 when unknown). Ordered, so that line refs are sorted.
struct EventRef {
  std::string stream_id;
  int64_t stream_version = 0;
  int64_t sequence = 0;
  friend bool operator==(const EventRef&, const EventRef&) = default;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy misreads the defaulted comparison.
  friend auto operator<=>(const EventRef&, const EventRef&) = default;
};

// A rep's share of a deal (the activity service's CreditSplit).
struct CreditSplit {
  std::string rep_id;
  int64_t share_bp = 0;
  friend bool operator==(const CreditSplit&, const CreditSplit&) = default;
};

// A deal won in the period, credited (wholly or partly) to the statement's rep.
// The service passes the deals won in the period that were not cancelled within the
// same period; a deal cancelled in a LATER period stays in its won period (it is
// clawed back in the cancellation period, see Cancellation).
struct CreditedDeal {
  std::string deal_id;
  absl::CivilDay won_on;
  Money amount = Money(*Currency::Parse("CNY"), 0);  // the deal's whole amount
  std::string product_line;                          // may be ""
  std::string customer_type;                         // may be ""
  // The whole split as the DealWon event had it, in event order. Empty = 100% to
  // the statement's rep. The rep's credited amount is its part of
  // Allocate(amount, shares) (largest remainder, ties to the earlier split), so the
  // parts of all reps add up exactly to the deal amount: see CreditedAmount().
  std::vector<CreditSplit> splits;
  std::vector<EventRef> refs;  // DealWon (and anything else that shaped it)
};

// A deal won in an earlier period and cancelled in this one. `commission` is what the
// deal earned in its won period: use DealCommission() (calculator.h) with the won
// period's facts and the plan version that applied then, or the amount issued.
struct Cancellation {
  std::string deal_id;
  absl::CivilDay cancelled_on;
  std::string won_period_id;  // e.g. "2026-10"
  std::string won_plan_id;
  int64_t won_plan_version = 0;
  Money commission = Money(*Currency::Parse("CNY"), 0);  // >= 0; the line is its negation
  std::vector<EventRef> refs;                            // DealCancelled, then DealWon
};

// Attainment of a metric other than the statement's revenue (for bonuses and
// penalties): actual / target, both in the metric's unit (minor units, counts, bp).
struct MetricAttainment {
  std::string metric;
  std::string target_id;
  int64_t target = 0;  // > 0, or the metric counts as missed
  int64_t actual = 0;
  std::vector<EventRef> refs;
};

// One deal's credit to a team the statement's rep manages (for ManagerOverride).
struct TeamCredit {
  std::string team_id;
  std::string rep_id;
  std::string deal_id;
  Money credited = Money(*Currency::Parse("CNY"), 0);
  std::vector<EventRef> refs;
};

struct RepPeriodFacts {
  std::string rep_id;
  std::string period_id;  // libs/common/period.h id, e.g. "2026-11" or "2026-Q4"
  absl::CivilDay first_day;
  absl::CivilDay last_day;  // inclusive

  std::vector<CreditedDeal> deals;
  std::vector<Cancellation> cancellations;

  // The rep's revenue target for the period; attainment = credited revenue / target.
  // Required (> 0) by tiers, gates, decelerators, % caps and revenue bonuses.
  std::optional<Money> revenue_target;
  std::string target_id;
  std::vector<EventRef> target_refs;

  std::vector<MetricAttainment> metrics;

  // Quality (feedback service) in the period: CSAT scores 1..5.
  int64_t csat_sum = 0;
  int64_t csat_responses = 0;
  int64_t severe_complaints = 0;  // severity HIGH or CRITICAL
  std::vector<EventRef> quality_refs;

  // Filled only for managers: the credits of the teams they managed in the period.
  std::vector<TeamCredit> team_credits;
};

}  // namespace salesperf::incentives

#endif  // SALESPERF_SERVICES_INCENTIVES_DOMAIN_FACTS_H_
