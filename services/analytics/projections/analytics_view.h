// AnalyticsView: the analytics read model, folded from the targets, activity and
// feedback services' events (and ignoring anything else).
//
// Design (README.md, "Attribution and interleaving"): facts are kept per rep and day
// (rd/ rows), independent of the organisation. Team, region and company aggregates per
// day, month, quarter and year (sd/, sm/, sp/) hold the rep-day counters of the reps placed
// there on each day. Folding an event adds to the rep-day only; once per batch, Flush moves
// each changed rep-day from its committed value in the rep's placement before the batch to
// its final value in the placement after it (and, for a rep placed anew, its other active
// days whose placement changed: a backdated move), so the rows equal a fold of the
// rep-days with the final organisation whatever the interleaving of sources and the batch
// boundaries. Rep period rows (p/) and the company leaderboard index (lb/) depend on
// rep-days only.
//
// Days: instants are bucketed into civil days in AnalyticsViewOptions::time_zone (a
// service setting, so that bucketing never depends on whether the organisation's
// settings event was folded first); day fields of events ("won_on") are taken as given.
//
// Deterministic and evolve-only (libs/projection/view.h). Events that decode but break
// the view's rules (a malformed day) are INVALID_ARGUMENT (dead-lettered).
#ifndef SALESPERF_SERVICES_ANALYTICS_PROJECTIONS_ANALYTICS_VIEW_H_
#define SALESPERF_SERVICES_ANALYTICS_PROJECTIONS_ANALYTICS_VIEW_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "libs/common/period.h"
#include "libs/projection/view.h"
#include "services/analytics/projections/keys.h"

namespace salesperf::analytics {

struct AnalyticsViewOptions {
  // Zone of the organisation's days. Default: Asia/Shanghai.
  absl::TimeZone time_zone = DefaultTimeZone();
};

// Not thread-safe: its runner calls it from one batch at a time.
//
// Per batch, the counter rows (rd/, p/, sd/, sm/, sp/), pipeline rows (pl/, pc) and
// active-day lists (ra/) are read once, summed in memory and written once by Flush(), and the
// leaderboard index moves once per rep period row (from its committed value to its
// final one) instead of once per fact. The batch's sums are dropped by DiscardBatch()
// and an event's by DiscardEvent(), so a retried batch starts from the committed rows.
class AnalyticsView final : public projection::View {
 public:
  explicit AnalyticsView(AnalyticsViewOptions options = {});
  ~AnalyticsView() override;
  AnalyticsView(const AnalyticsView&) = delete;
  AnalyticsView& operator=(const AnalyticsView&) = delete;

  std::string_view name() const override { return keys::kView; }
  // 2: scope quarter and year rows (sp/).
  int schema_version() const override { return 2; }
  absl::Status Apply(const projection::EventEnvelope& event, projection::ViewTxn& txn) override;
  absl::Status Flush(projection::ViewTxn& txn) override;
  void DiscardEvent() override;
  void DiscardBatch() override;

  // The batch's rows in memory (defined in analytics_view.cc).
  struct Batch;

 private:
  const AnalyticsViewOptions options_;
  std::unique_ptr<Batch> batch_;
};

std::vector<projection::ViewPtr> NewAnalyticsViews(const AnalyticsViewOptions& options);
std::vector<std::string> AnalyticsViewNames();

// Period kinds with p/ rows and a company leaderboard index.
const std::vector<PeriodKind>& IndexedPeriodKinds();
// Metrics with a company leaderboard index (the ones managers rank by); the others are
// ranked by computing (AnalyticsQueries). Every index row is a write per fact, so the
// list is kept short.
const std::vector<v1::Metric>& IndexedMetrics();
bool IsIndexedMetric(v1::Metric metric);

}  // namespace salesperf::analytics

#endif  // SALESPERF_SERVICES_ANALYTICS_PROJECTIONS_ANALYTICS_VIEW_H_
