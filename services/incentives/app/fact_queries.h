// FactQueries: the engine's inputs, read from the incentives views.
//
// Builds what domain/ calculates with: the organisation's calendar and currency, where
// a rep stands on a day, who manages them, the plan versions, and a rep's
// RepPeriodFacts for a period:
//   - deals: won in the period (by won_on) and credited to the rep, minus those
//     cancelled within the same period;
//   - cancellations: deals cancelled in the period that were won in an earlier period.
//     The commission clawed back is what the won period's ISSUED statement paid for the
//     deal when it was issued (what the rep actually got), else what the plan version
//     that applied then computes from that period's facts (DealCommission);
//   - the rep's binding revenue target (approved, adjusted or closed) and other
//     binding metric targets (deals_won, with the deals credited as the actual);
//   - CSAT scores and severe complaints whose instant falls in the period (org zone);
//   - for a manager: the credits of the teams they manage on the period's last day.
// Plans apply by SelectPlan on the period's last day, with the rep's placement then.
//
// Reads go through one ReadSnapshot per FactQueries, so a statement never mixes two
// states of the views. Not thread-safe (one per request); the ViewDb must outlive it.
#ifndef SALESPERF_SERVICES_INCENTIVES_APP_FACT_QUERIES_H_
#define SALESPERF_SERVICES_INCENTIVES_APP_FACT_QUERIES_H_

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/common/money.h"
#include "libs/common/period.h"
#include "libs/projection/view_db.h"
#include "salesperf/incentives/v1/incentives.pb.h"
#include "salesperf/incentives/v1/views.pb.h"
#include "services/incentives/domain/calculator.h"
#include "services/incentives/domain/contest.h"
#include "services/incentives/domain/facts.h"
#include "services/incentives/domain/plan.h"

namespace salesperf::incentives {

// The organisation as the incentives service needs it.
struct OrgCalendar {
  Calendar calendar;
  Currency currency = *Currency::Parse("CNY");
  bool known = false;  // an OrganisationSettingsChanged has been folded
};

class FactQueries {
 public:
  explicit FactQueries(const projection::ViewDb* views);

  // Settings (defaults: Asia/Shanghai, fiscal year from January, CNY).
  absl::StatusOr<OrgCalendar> Org();
  // INVALID_ARGUMENT (field `field`) for a bad period id.
  absl::StatusOr<Period> ParsePeriod(const std::string& period_id, const std::string& field);

  absl::StatusOr<RepPlacement> PlacementOn(const std::string& rep_id, absl::CivilDay day);
  // Every rep the organisation has had, by id.
  absl::StatusOr<std::vector<std::string>> AllReps();
  // The team, region and company managers of the rep on `day`.
  absl::StatusOr<std::set<std::string>> ManagersOf(const std::string& rep_id, absl::CivilDay day);

  // Every plan version as it applies now (assignees, retirement), validated.
  absl::StatusOr<const std::vector<Plan>*> Plans();
  // The stored rows of every plan, by plan_id.
  absl::StatusOr<const std::map<std::string, v1::PlanRow>*> PlanRows();
  // One version (0: the latest); NOT_FOUND when there is none.
  absl::StatusOr<Plan> PlanVersion(const std::string& plan_id, int64_t version);
  // The plan that applies to the rep for the period, or nullopt.
  absl::StatusOr<std::optional<Plan>> ApplicablePlan(const std::string& rep_id,
                                                     const Period& period);

  absl::StatusOr<RepPeriodFacts> Facts(const std::string& rep_id, const Period& period);

  // The issued statement of (rep, period), or nullopt.
  absl::StatusOr<std::optional<v1::StatementView>> Issued(const std::string& rep_id,
                                                          const std::string& period_id);
  absl::StatusOr<std::vector<v1::StatementView>> IssuedInPeriod(const std::string& period_id);
  absl::StatusOr<std::optional<v1::ContestRow>> ContestRow(const std::string& contest_id);

  // A contest's participants and their values (metric of the contest).
  absl::StatusOr<std::vector<ContestEntry>> ContestEntries(const v1::Contest& contest);

 private:
  template <typename Row>
  absl::StatusOr<std::optional<Row>> GetRow(std::string_view view, const std::string& key);
  // Deals won by the rep in [first, last], minus those cancelled within the period.
  absl::StatusOr<std::vector<CreditedDeal>> Deals(const std::string& rep_id, const Period& period);
  absl::StatusOr<Money> ClawbackCommission(const std::string& rep_id, const Period& won_period,
                                           const std::string& deal_id, std::string* plan_id,
                                           int64_t* plan_version);
  absl::Status AddTargets(RepPeriodFacts& facts, const Currency& currency);
  absl::Status AddQuality(RepPeriodFacts& facts, const Period& period);
  absl::Status AddTeamCredits(RepPeriodFacts& facts, const Period& period);

  const projection::ViewDb* const views_;
  std::unique_ptr<projection::ReadSnapshot> snapshot_;
  std::optional<OrgCalendar> org_;
  std::optional<std::vector<Plan>> plans_;
  std::optional<std::map<std::string, v1::PlanRow>> plan_rows_;
};

}  // namespace salesperf::incentives

#endif  // SALESPERF_SERVICES_INCENTIVES_APP_FACT_QUERIES_H_
