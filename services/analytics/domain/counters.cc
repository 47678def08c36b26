#include "services/analytics/domain/counters.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"

namespace salesperf::analytics {

// Every field of Counters (all int64). Written out rather than walked by reflection:
// the view adds counters several times per event. CountersTest.EveryFieldIsCovered fails
// when a field is added to rows.proto and not here.
#define SALESPERF_COUNTER_FIELDS(X) \
  X(revenue_minor)                  \
  X(deals_won)                      \
  X(deals_lost)                     \
  X(deals_cancelled)                \
  X(new_customers)                  \
  X(calls)                          \
  X(connected_calls)                \
  X(call_seconds)                   \
  X(visits_planned)                 \
  X(visits_done)                    \
  X(visits_verified)                \
  X(visit_plan_changes)             \
  X(csat_sum)                       \
  X(csat_responses)                 \
  X(csat_satisfied)                 \
  X(nps_promoters)                  \
  X(nps_detractors)                 \
  X(nps_responses)                  \
  X(complaints)                     \
  X(leads)                          \
  X(funnel_qualified)               \
  X(funnel_proposal)                \
  X(funnel_negotiation)             \
  X(risk_flags_raised)              \
  X(deals_reopened)

void AddTo(Counters& a, const Counters& b) {
#define SALESPERF_ADD(f) \
  if (b.f() != 0) a.set_##f(a.f() + b.f());
  SALESPERF_COUNTER_FIELDS(SALESPERF_ADD)
#undef SALESPERF_ADD
}

void SubtractFrom(Counters& a, const Counters& b) {
#define SALESPERF_SUBTRACT(f) \
  if (b.f() != 0) a.set_##f(a.f() - b.f());
  SALESPERF_COUNTER_FIELDS(SALESPERF_SUBTRACT)
#undef SALESPERF_SUBTRACT
}

Counters Negated(const Counters& c) {
  Counters out;
  SubtractFrom(out, c);
  return out;
}

bool IsZero(const Counters& c) {
#define SALESPERF_NONZERO(f) \
  if (c.f() != 0) return false;
  SALESPERF_COUNTER_FIELDS(SALESPERF_NONZERO)
#undef SALESPERF_NONZERO
  return true;
}

// SALESPERF_COUNTER_FIELDS lists the fields in field-number order (1..25), which is the
// slot order; CountersTest.ArraySlotsAreFieldNumbers checks it.
CounterArray ToArray(const Counters& c) {
  CounterArray a{};
  size_t slot = 0;
#define SALESPERF_TO_ARRAY(f) a[slot++] = c.f();
  SALESPERF_COUNTER_FIELDS(SALESPERF_TO_ARRAY)
#undef SALESPERF_TO_ARRAY
  return a;
}

Counters FromArray(const CounterArray& a) {
  Counters c;
  size_t slot = 0;
#define SALESPERF_FROM_ARRAY(f) c.set_##f(a[slot++]);
  SALESPERF_COUNTER_FIELDS(SALESPERF_FROM_ARRAY)
#undef SALESPERF_FROM_ARRAY
  return c;
}

const std::vector<Metric>& AllMetrics() {
  static const std::vector<Metric>* const kAll = [] {
    auto* all = new std::vector<Metric>();
    const google::protobuf::EnumDescriptor* e = v1::Metric_descriptor();
    for (int i = 0; i < e->value_count(); ++i) {
      if (e->value(i)->number() != v1::METRIC_UNSPECIFIED) {
        all->push_back(static_cast<Metric>(e->value(i)->number()));
      }
    }
    return all;
  }();
  return *kAll;
}

std::string_view MetricName(Metric metric) {
  static const auto* const kNames = [] {
    auto* names = new std::vector<std::string>(64);
    const google::protobuf::EnumDescriptor* e = v1::Metric_descriptor();
    for (int i = 0; i < e->value_count(); ++i) {
      std::string name = e->value(i)->name().substr(std::string_view("METRIC_").size());
      absl::AsciiStrToLower(&name);
      names->at(e->value(i)->number()) = name;
    }
    return names;
  }();
  const int n = static_cast<int>(metric);
  if (n <= 0 || n >= static_cast<int>(kNames->size())) return "unspecified";
  return (*kNames)[n];
}

absl::StatusOr<Metric> ParseMetric(std::string_view name) {
  for (Metric m : AllMetrics()) {
    if (name == MetricName(m) || name == v1::Metric_Name(m)) return m;
  }
  std::string known;
  for (Metric m : AllMetrics())
    absl::StrAppend(&known, known.empty() ? "" : ", ", std::string(MetricName(m)));
  return absl::InvalidArgumentError(
      absl::StrCat("unknown metric \"", std::string(name), "\"; one of ", known));
}

int64_t MulDiv(int64_t a, int64_t b, int64_t c) {
  if (c == 0) return 0;
  const __int128 num = static_cast<__int128>(a) * b;
  __int128 q = num / c;
  const __int128 r = num % c;
  // Round half to even on |r| * 2 against |c|.
  const __int128 twice = (r < 0 ? -r : r) * 2;
  const __int128 abs_c = c < 0 ? -static_cast<__int128>(c) : c;
  const bool negative = (num < 0) != (c < 0);
  if (twice > abs_c || (twice == abs_c && (q % 2 != 0))) q += negative ? -1 : 1;
  return static_cast<int64_t>(q);
}

bool IsStateMetric(Metric metric) {
  return metric == v1::METRIC_PIPELINE_VALUE || metric == v1::METRIC_OPEN_RISK_FLAGS;
}

int64_t MetricValue(const Counters& c, Metric metric) { return MetricValue(c, metric, {}); }

int64_t MetricValue(const Counters& c, Metric metric, const MetricBasis& basis) {
  switch (metric) {
    case v1::METRIC_REVENUE:
      return c.revenue_minor();
    case v1::METRIC_DEALS_WON:
      return c.deals_won();
    case v1::METRIC_DEALS_LOST:
      return c.deals_lost();
    case v1::METRIC_WIN_RATE: {
      const int64_t decided = c.deals_won() + c.deals_lost();
      return decided <= 0 ? 0 : MulDiv(c.deals_won(), 10000, decided);
    }
    case v1::METRIC_AVERAGE_DEAL_SIZE:
      return c.deals_won() <= 0 ? 0 : MulDiv(c.revenue_minor(), 1, c.deals_won());
    case v1::METRIC_NEW_CUSTOMERS:
      return c.new_customers();
    case v1::METRIC_CALLS:
      return c.calls();
    case v1::METRIC_CONNECTED_CALLS:
      return c.connected_calls();
    case v1::METRIC_CALL_MINUTES:
      return c.call_seconds() / 60;
    case v1::METRIC_AVERAGE_CALL_SECONDS:
      return c.connected_calls() <= 0 ? 0 : MulDiv(c.call_seconds(), 1, c.connected_calls());
    case v1::METRIC_VISITS_PLANNED:
      return c.visits_planned();
    case v1::METRIC_VISITS_DONE:
      return c.visits_done();
    case v1::METRIC_VISITS_VERIFIED:
      return c.visits_verified();
    case v1::METRIC_VISIT_PLAN_CHANGES:
      return c.visit_plan_changes();
    case v1::METRIC_CSAT_AVERAGE:
      return c.csat_responses() <= 0 ? 0 : MulDiv(c.csat_sum(), 100, c.csat_responses());
    case v1::METRIC_CSAT_SATISFIED:
      return c.csat_responses() <= 0 ? 0 : MulDiv(c.csat_satisfied(), 10000, c.csat_responses());
    case v1::METRIC_NPS:
      return c.nps_responses() <= 0
                 ? 0
                 : MulDiv(c.nps_promoters() - c.nps_detractors(), 100, c.nps_responses());
    case v1::METRIC_COMPLAINTS:
      return c.complaints();
    case v1::METRIC_LEADS:
      return c.leads();
    case v1::METRIC_DEALS_CANCELLED:
      return c.deals_cancelled();
    case v1::METRIC_CALLS_PER_WORKING_DAY:
      return MulDiv(c.calls(), 100, basis.working_days);
    case v1::METRIC_PIPELINE_VALUE:
      return basis.pipeline.qualified_minor() + basis.pipeline.proposal_minor() +
             basis.pipeline.negotiation_minor();
    case v1::METRIC_OPEN_RISK_FLAGS:
      return basis.pipeline.open_risk_flags();
    default:
      return 0;
  }
}

}  // namespace salesperf::analytics
