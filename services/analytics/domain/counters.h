// Counters arithmetic and the KPIs derived from them. Every figure analytics shows is a
// function of a Counters sum (rows.proto), so that rollups add and re-attribution moves
// counters between scopes by subtraction and addition. Pure; thread-safe.
#ifndef SALESPERF_SERVICES_ANALYTICS_DOMAIN_COUNTERS_H_
#define SALESPERF_SERVICES_ANALYTICS_DOMAIN_COUNTERS_H_

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "salesperf/analytics/v1/analytics.pb.h"
#include "salesperf/analytics/v1/rows.pb.h"

namespace salesperf::analytics {

using v1::Counters;
using v1::Metric;

// a += b (field by field).
void AddTo(Counters& a, const Counters& b);
// a -= b.
void SubtractFrom(Counters& a, const Counters& b);
// -c.
Counters Negated(const Counters& c);
// True when every field is 0 (such a row is deleted rather than stored).
bool IsZero(const Counters& c);

// Counters as a plain array, slot i = field number i + 1, for summing many deltas in
// memory without protobuf accessors (the view's per-batch rows).
inline constexpr int kCounterSlots = 25;
using CounterArray = std::array<int64_t, kCounterSlots>;
CounterArray ToArray(const Counters& c);
Counters FromArray(const CounterArray& a);

// Every metric of the Metric enum except METRIC_UNSPECIFIED, in enum order.
const std::vector<Metric>& AllMetrics();
// "revenue", "deals_won", ... (the enum name without METRIC_, lower case).
std::string_view MetricName(Metric metric);
// The inverse of MetricName; also accepts the enum name. INVALID_ARGUMENT otherwise.
absl::StatusOr<Metric> ParseMetric(std::string_view name);

// Metrics that are a state as it stands now (open pipeline value, open risk flags), not
// a sum of a period's facts: they have no past values (no as_of_day, no trend).
bool IsStateMetric(Metric metric);

// What a metric's value is computed from besides a period's counters.
struct MetricBasis {
  // Working days of the period that have passed (calls per working day).
  int64_t working_days = 0;
  // Open deals and risk flags now (state metrics).
  v1::PipelineRow pipeline;
};

// The metric's value in the unit documented in analytics.proto (minor units, counts, bp,
// hundredths). Ratios with a zero denominator are 0.
int64_t MetricValue(const Counters& c, Metric metric, const MetricBasis& basis);
// The same for a metric computed from counters alone (every metric but calls per working
// day and the state metrics, which are 0 here: pass their basis).
int64_t MetricValue(const Counters& c, Metric metric);

// a * b / c rounded half to even, without overflow for |a*b| < 2^127; 0 when c == 0.
int64_t MulDiv(int64_t a, int64_t b, int64_t c);

}  // namespace salesperf::analytics

#endif  // SALESPERF_SERVICES_ANALYTICS_DOMAIN_COUNTERS_H_
