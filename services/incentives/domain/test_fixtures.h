// Builders for the engine's tests (test-only).
#ifndef SALESPERF_SERVICES_INCENTIVES_DOMAIN_TEST_FIXTURES_H_
#define SALESPERF_SERVICES_INCENTIVES_DOMAIN_TEST_FIXTURES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "libs/common/money.h"
#include "services/incentives/domain/calculator.h"
#include "services/incentives/domain/facts.h"
#include "services/incentives/domain/plan.h"

namespace salesperf::incentives::testing {

inline Currency Cny() { return *Currency::Parse("CNY"); }
// Minor units (fen) of CNY: Cny(12'000'000) is 120,000.00 CNY.
inline Money Fen(int64_t minor) { return Money(Cny(), minor); }
// Whole yuan.
inline Money Yuan(int64_t major) { return Money(Cny(), major * 100); }

inline Plan BasePlan(std::string id = "plan-a", int64_t version = 1) {
  Plan plan;
  plan.plan_id = std::move(id);
  plan.version = version;
  plan.effective_from = absl::CivilDay(2026, 1, 1);
  plan.assignments = {Assignment{AssigneeKind::kRep, "r1"}};
  return plan;
}

inline Plan FlatPlan(int64_t rate_ppm) {
  Plan plan = BasePlan();
  plan.flat_rate = FlatRate{rate_ppm};
  return plan;
}

// 2% up to 50%, 5% to 100%, 8% above.
inline Plan TieredPlan(TierMode mode = TierMode::kMarginal) {
  Plan plan = BasePlan();
  plan.tiered = Tiered{{Tier{0, 20'000}, Tier{5'000, 50'000}, Tier{10'000, 80'000}}, mode};
  return plan;
}

inline CreditedDeal Deal(std::string id, Money amount, std::vector<CreditSplit> splits = {},
                         std::string product_line = "", std::string customer_type = "") {
  CreditedDeal deal;
  deal.refs = {EventRef{"deal-" + id, 3, 100}};
  deal.deal_id = std::move(id);
  deal.won_on = absl::CivilDay(2026, 11, 10);
  deal.amount = amount;
  deal.splits = std::move(splits);
  deal.product_line = std::move(product_line);
  deal.customer_type = std::move(customer_type);
  return deal;
}

inline RepPeriodFacts Facts(std::vector<CreditedDeal> deals,
                            std::optional<Money> target = std::nullopt,
                            std::string period_id = "2026-11") {
  RepPeriodFacts facts;
  facts.rep_id = "r1";
  facts.period_id = std::move(period_id);
  facts.first_day = absl::CivilDay(2026, 11, 1);
  facts.last_day = absl::CivilDay(2026, 11, 30);
  facts.deals = std::move(deals);
  facts.revenue_target = target;
  if (target.has_value()) {
    facts.target_id = "tgt-r1";
    facts.target_refs = {EventRef{"target-tgt-r1", 2, 7}};
  }
  return facts;
}

inline const StatementLine* FindLine(const Statement& s, std::string_view key) {
  for (const StatementLine& line : s.lines) {
    if (line.key == key) return &line;
  }
  return nullptr;
}

}  // namespace salesperf::incentives::testing

#endif  // SALESPERF_SERVICES_INCENTIVES_DOMAIN_TEST_FIXTURES_H_
