// A seeded random history checked against an independent, deliberately naive
// re-implementation of the rules (no slices, no allocation: one formula per rule).
#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/status_matchers.h"
#include "services/incentives/domain/calculator.h"
#include "services/incentives/domain/test_fixtures.h"

namespace salesperf::incentives {
namespace {

using namespace ::salesperf::incentives::testing;  // NOLINT(build/namespaces): test builders
using i128 = __int128;

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  // Uniform enough for a test in [lo, hi].
  int64_t In(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(engine_() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(int percent) { return In(1, 100) <= percent; }
  std::mt19937_64& engine() { return engine_; }

 private:
  std::mt19937_64 engine_;
};

// ---- the reference ------------------------------------------------------------------

i128 RefRound(i128 n, i128 d) {  // half even, d > 0, by comparing doubled remainders
  i128 fl = n / d;
  if (n % d != 0 && n < 0) fl -= 1;    // floor
  const i128 rem2 = 2 * (n - fl * d);  // 0 <= rem2 < 2d
  if (rem2 < d) return fl;
  if (rem2 > d) return fl + 1;
  return fl % 2 == 0 ? fl : fl + 1;
}

int64_t RefCredited(const CreditedDeal& d, const std::string& rep) {
  if (d.splits.empty()) return d.amount.minor_units();
  const int64_t total = d.amount.minor_units();
  std::vector<int64_t> floors;
  std::vector<int64_t> rems;
  int64_t used = 0;
  for (const CreditSplit& s : d.splits) {
    floors.push_back(total * s.share_bp / 10'000);
    rems.push_back(total * s.share_bp % 10'000);
    used += floors.back();
  }
  for (int64_t left = total - used; left > 0; --left) {
    size_t best = 0;
    for (size_t i = 1; i < rems.size(); ++i) {
      if (rems[i] > rems[best]) best = i;
    }
    floors[best] += 1;
    rems[best] = -1;
  }
  for (size_t i = 0; i < d.splits.size(); ++i) {
    if (d.splits[i].rep_id == rep) return floors[i];
  }
  return 0;
}

int64_t RefTotal(const Plan& plan, const RepPeriodFacts& f) {
  const i128 t = f.revenue_target ? f.revenue_target->minor_units() : 0;
  i128 r = 0;
  for (const CreditedDeal& d : f.deals) r += RefCredited(d, f.rep_id);
  auto reaches = [&](int64_t bp) { return r * 10'000 >= t * bp; };
  auto boundary = [&](int64_t bp) {
    i128 b = 0;  // least revenue reaching bp, by search-free arithmetic
    while (b * 10'000 < t * bp) b += std::max<i128>(1, (t * bp - b * 10'000) / 10'000);
    return b;
  };
  std::vector<Tier> tiers;
  if (plan.flat_rate) tiers = {Tier{0, plan.flat_rate->rate_ppm}};
  if (plan.tiered) tiers = plan.tiered->tiers;

  // Pieces of revenue: (tier, from, to).
  struct Piece {
    size_t tier;
    i128 from, to;
  };
  std::vector<Piece> pieces;
  if (plan.tiered && plan.tiered->mode == TierMode::kWhole) {
    size_t k = 0;
    for (size_t i = 0; i < tiers.size(); ++i) {
      if (reaches(tiers[i].from_bp)) k = i;
    }
    pieces.push_back({k, 0, r});
  } else {
    for (size_t i = 0; i < tiers.size(); ++i) {
      i128 lo = i == 0 ? 0 : boundary(tiers[i].from_bp);
      i128 hi = i + 1 < tiers.size() ? boundary(tiers[i + 1].from_bp) : r;
      pieces.push_back({i, std::min(lo, r), std::min(hi, r)});
    }
  }
  const bool poor = [&] {
    if (!plan.quality_gate) return false;
    const QualityGate& q = *plan.quality_gate;
    if (q.min_csat_centi) {
      if (f.csat_responses > 0 && f.csat_sum * 100 < *q.min_csat_centi * f.csat_responses) {
        return true;
      }
      if (f.csat_responses == 0 && q.fail_without_responses) return true;
    }
    return q.max_severe_complaints && f.severe_complaints >= *q.max_severe_complaints;
  }();
  int64_t fallback_rate = 0;
  for (const Tier& tier : tiers) {
    if (tier.from_bp < 10'000) fallback_rate = tier.rate_ppm;
  }
  i128 commission = 0;
  for (const Piece& p : pieces) {
    // Below and above the decelerator.
    i128 d = plan.decelerator ? boundary(plan.decelerator->from_bp) : r;
    i128 normal = std::max<i128>(0, std::min(p.to, d) - p.from);
    i128 slow = std::max<i128>(0, p.to - std::max(p.from, d));
    const int64_t rate = tiers[p.tier].rate_ppm;
    const bool accel = plan.tiered && tiers[p.tier].from_bp >= 10'000;
    commission += RefRound(normal * rate, 1'000'000);
    if (slow > 0)
      commission += RefRound(slow * rate * plan.decelerator->multiplier_ppm, 1'000'000'000'000);
    if (poor && accel && fallback_rate != rate) {
      if (normal > 0) commission += RefRound(normal * (fallback_rate - rate), 1'000'000);
      if (slow > 0) {
        commission += RefRound(slow * (fallback_rate - rate) * plan.decelerator->multiplier_ppm,
                               1'000'000'000'000);
      }
    }
  }
  if (plan.gate && !reaches(plan.gate->min_attainment_bp)) commission = 0;
  if (plan.cap) {
    i128 cap = plan.cap->amount ? plan.cap->amount->minor_units()
                                : RefRound(t * *plan.cap->target_bp, 10'000);
    if (r > 0 && !tiers.empty() && commission > cap) commission = cap;
  }
  i128 bonus = 0;
  for (const TargetBonus& b : plan.bonuses) {
    if (reaches(b.threshold_bp)) bonus += b.amount.minor_units();
  }
  for (const MissPenalty& p : plan.penalties) {
    bool met = false;
    for (const MetricAttainment& m : f.metrics) {
      if (m.metric == p.metric)
        met = m.target > 0 && m.actual * 10'000 >= m.target * p.threshold_bp;
    }
    if (met || bonus <= 0) continue;
    if (p.reduce_bp) {
      bonus += RefRound(-bonus * *p.reduce_bp, 10'000);
    } else if (bonus > p.floor->minor_units()) {
      bonus = p.floor->minor_units();
    }
  }
  i128 clawback = 0;
  for (const Cancellation& c : f.cancellations) clawback += c.commission.minor_units();
  return static_cast<int64_t>(commission + bonus - clawback);
}

// ---- the generator --------------------------------------------------------------------

Plan RandomPlan(Rng& rng, bool with_overrides) {
  Plan plan = BasePlan();
  if (rng.Chance(30) || with_overrides) {
    plan.flat_rate = FlatRate{rng.In(0, 150'000)};
  } else {
    Tiered tiered;
    tiered.mode = rng.Chance(50) ? TierMode::kMarginal : TierMode::kWhole;
    int64_t from = 0;
    for (int i = 0, n = static_cast<int>(rng.In(1, 4)); i < n; ++i) {
      tiered.tiers.push_back(Tier{from, rng.In(0, 150'000)});
      from += rng.In(1, 8'000);
    }
    plan.tiered = tiered;
  }
  if (rng.Chance(30)) plan.decelerator = Decelerator{rng.In(5'000, 30'000), rng.In(0, 1'000'000)};
  if (rng.Chance(30)) plan.gate = Gate{rng.In(0, 15'000)};
  if (rng.Chance(30)) {
    plan.cap = rng.Chance(50) ? Cap{Fen(rng.In(0, 5'000'000)), std::nullopt}
                              : Cap{std::nullopt, rng.In(0, 3'000)};
  }
  if (rng.Chance(40)) {
    plan.quality_gate = QualityGate{rng.In(100, 500), std::nullopt, rng.Chance(30)};
    if (rng.Chance(50)) plan.quality_gate->max_severe_complaints = rng.In(1, 3);
  }
  for (int i = 0, n = static_cast<int>(rng.In(0, 2)); i < n; ++i) {
    plan.bonuses.push_back(
        TargetBonus{absl::StrCat("b", i), "revenue", rng.In(0, 20'000), Fen(rng.In(1, 1'000'000))});
  }
  if (!plan.bonuses.empty() && rng.Chance(60)) {
    MissPenalty p{"p", "visits", rng.In(0, 12'000), std::nullopt, std::nullopt};
    if (rng.Chance(50)) {
      p.reduce_bp = rng.In(0, 10'000);
    } else {
      p.floor = Fen(rng.In(0, 1'000'000));
    }
    plan.penalties.push_back(p);
  }
  if (with_overrides) {
    plan.rate_overrides = {RateOverride{"hw", "hw", "", rng.In(0, 200'000), std::nullopt},
                           RateOverride{"gov", "", "gov", std::nullopt, rng.In(0, 5'000'000)}};
  }
  return plan;
}

RepPeriodFacts RandomFacts(Rng& rng) {
  std::vector<CreditedDeal> deals;
  for (int i = 0, n = static_cast<int>(rng.In(0, 8)); i < n; ++i) {
    std::vector<CreditSplit> splits;
    if (rng.Chance(30)) {
      const int64_t mine = rng.In(0, 10'000);
      const int64_t other = rng.In(0, 10'000 - mine);
      splits = {{"r2", other}, {"r1", mine}, {"r3", 10'000 - mine - other}};
    }
    deals.push_back(Deal(absl::StrCat("d", rng.In(0, 999'999), "-", i), Fen(rng.In(0, 50'000'000)),
                         splits, rng.Chance(30) ? "hw" : "sw", rng.Chance(30) ? "gov" : "smb"));
  }
  RepPeriodFacts f = Facts(deals, Fen(rng.In(1, 100'000'000)));
  f.csat_responses = rng.In(0, 20);
  f.csat_sum = f.csat_responses * rng.In(1, 5);
  f.severe_complaints = rng.In(0, 3);
  if (rng.Chance(70))
    f.metrics = {MetricAttainment{"visits", "tv", rng.In(0, 50), rng.In(0, 60), {}}};
  for (int i = 0, n = static_cast<int>(rng.In(0, 2)); i < n; ++i) {
    Cancellation c;
    c.deal_id = absl::StrCat("old", i);
    c.commission = Fen(rng.In(0, 500'000));
    f.cancellations.push_back(c);
  }
  return f;
}

// Structural invariants of every statement.
void CheckInvariants(const Statement& s, const RepPeriodFacts& f) {
  int64_t total = 0, commission_base = 0;
  for (const StatementLine& line : s.lines) {
    total += line.amount.minor_units();
    int64_t parts = 0;
    for (const DealPart& p : line.deals) parts += p.amount.minor_units();
    if (!line.deals.empty()) {
      ASSERT_EQ(parts, line.amount.minor_units()) << line.key;
    }
    if (line.key.rfind("commission/", 0) == 0) commission_base += line.base.minor_units();
  }
  ASSERT_EQ(total, s.total.minor_units());
  if (!s.lines.empty() && s.lines[0].key.rfind("commission/", 0) == 0) {
    ASSERT_EQ(commission_base, s.credited_revenue.minor_units());
  }
  // Each deal's bases across commission lines add up to its credited amount.
  for (const CreditedDeal& d : f.deals) {
    int64_t base = 0;
    bool any_commission = false;
    for (const StatementLine& line : s.lines) {
      if (line.key.rfind("commission/", 0) != 0) continue;
      any_commission = true;
      for (const DealPart& p : line.deals) {
        if (p.deal_id == d.deal_id) base += p.base.minor_units();
      }
    }
    if (any_commission) {
      ASSERT_EQ(base, RefCredited(d, f.rep_id)) << d.deal_id;
    }
  }
}

TEST(PropertyTest, RandomHistoryMatchesTheReference) {
  Rng rng(20261123);
  int checked = 0;
  for (int iteration = 0; iteration < 3000; ++iteration) {
    const Plan plan = RandomPlan(rng, false);
    RepPeriodFacts facts = RandomFacts(rng);
    ASSERT_OK_AND_ASSIGN(Statement s, Calculate(plan, facts));
    ASSERT_EQ(s.total.minor_units(), RefTotal(plan, facts)) << "iteration " << iteration;
    ASSERT_NO_FATAL_FAILURE(CheckInvariants(s, facts)) << "iteration " << iteration;
    // Order independence.
    std::shuffle(facts.deals.begin(), facts.deals.end(), rng.engine());
    ASSERT_OK_AND_ASSIGN(Statement shuffled, Calculate(plan, facts));
    ASSERT_EQ(shuffled.lines.size(), s.lines.size());
    for (size_t i = 0; i < s.lines.size(); ++i) {
      ASSERT_EQ(shuffled.lines[i].key, s.lines[i].key);
      ASSERT_EQ(shuffled.lines[i].amount, s.lines[i].amount);
      ASSERT_EQ(shuffled.lines[i].deals, s.lines[i].deals);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 3000);
}

TEST(PropertyTest, RateOverridesStayWithinHalfAUnitPerLineOfTheExactSum) {
  Rng rng(7);
  for (int iteration = 0; iteration < 1000; ++iteration) {
    Plan plan = RandomPlan(rng, true);
    plan.decelerator.reset();
    plan.gate.reset();
    plan.cap.reset();
    plan.bonuses.clear();
    plan.penalties.clear();
    RepPeriodFacts facts = RandomFacts(rng);
    facts.cancellations.clear();
    ASSERT_OK_AND_ASSIGN(Statement s, Calculate(plan, facts));
    ASSERT_NO_FATAL_FAILURE(CheckInvariants(s, facts));
    // Exact: sum of credited x the deal's own rate, over a common denominator of 10^12.
    i128 exact = 0;
    for (const CreditedDeal& d : facts.deals) {
      const i128 c = RefCredited(d, facts.rep_id);
      if (d.product_line == "hw") {
        exact += c * plan.rate_overrides[0].rate_ppm.value() * 1'000'000;
      } else if (d.customer_type == "gov") {
        exact += c * plan.flat_rate->rate_ppm * *plan.rate_overrides[1].multiplier_ppm;
      } else {
        exact += c * plan.flat_rate->rate_ppm * 1'000'000;
      }
    }
    const i128 engine = i128{s.total.minor_units()} * 1'000'000'000'000;
    const i128 slack = i128{static_cast<int64_t>(s.lines.size())} * 500'000'000'000;
    ASSERT_LE(engine - exact, slack) << "iteration " << iteration;
    ASSERT_LE(exact - engine, slack) << "iteration " << iteration;
  }
}

}  // namespace
}  // namespace salesperf::incentives
