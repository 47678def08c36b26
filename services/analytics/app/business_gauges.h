// BusinessGauges: the business gauges of docs/metrics.md ("Business"), for the current
// month and quarter at company, region and team level (never per rep), recomputed from
// the analytics view by Refresh():
//   salesperf_business_revenue{level,scope,period,currency}   major currency units
//   salesperf_business_deals_won / _calls / _visits / _csat{level,scope,period}
//   salesperf_business_attainment_ratio / _attainment_pace_ratio{level,scope,period,metric}
//   salesperf_business_period_elapsed_ratio{period}
//   salesperf_business_open_risk_flags{level,scope}
// "Current" is the queries' clock in the organisation's zone. Series of scopes or targets
// that disappear (a new month with no target yet) are removed.
//
// Thread safety: Refresh may be called from any thread; calls are serialized.
#ifndef SALESPERF_SERVICES_ANALYTICS_APP_BUSINESS_GAUGES_H_
#define SALESPERF_SERVICES_ANALYTICS_APP_BUSINESS_GAUGES_H_

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "services/analytics/app/analytics_queries.h"

namespace prometheus {
class Gauge;
template <typename T>
class Family;
class Registry;
}  // namespace prometheus

namespace salesperf::analytics {

class BusinessGauges {
 public:
  // Registers the families in `registry`. Neither is owned; both must outlive this.
  BusinessGauges(const AnalyticsQueries* queries, prometheus::Registry* registry);

  // Recomputes every gauge. Storage errors are returned; gauges keep their last values.
  absl::Status Refresh();

 private:
  using Labels = std::map<std::string, std::string>;
  void Set(prometheus::Family<prometheus::Gauge>* family, const Labels& labels, double value)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const AnalyticsQueries* const queries_;
  prometheus::Family<prometheus::Gauge>* revenue_;
  prometheus::Family<prometheus::Gauge>* deals_won_;
  prometheus::Family<prometheus::Gauge>* calls_;
  prometheus::Family<prometheus::Gauge>* visits_;
  prometheus::Family<prometheus::Gauge>* csat_;
  prometheus::Family<prometheus::Gauge>* attainment_;
  prometheus::Family<prometheus::Gauge>* pace_;
  prometheus::Family<prometheus::Gauge>* elapsed_;
  prometheus::Family<prometheus::Gauge>* risk_flags_;

  absl::Mutex mu_;
  // Series set by the latest Refresh, to remove the ones a new refresh does not set.
  std::map<std::pair<prometheus::Family<prometheus::Gauge>*, Labels>, prometheus::Gauge*> live_
      ABSL_GUARDED_BY(mu_);
  std::map<std::pair<prometheus::Family<prometheus::Gauge>*, Labels>, prometheus::Gauge*> fresh_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace salesperf::analytics

#endif  // SALESPERF_SERVICES_ANALYTICS_APP_BUSINESS_GAUGES_H_
