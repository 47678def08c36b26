// RiskReactor: publishes the risk projection's decisions as events.
//
// RiskRulesView (risk_views.h) never appends: it leaves a pending row per decision. The
// reactor reads those rows and appends RiskFlagged (stream "risk-<flag_id>", expected
// NoStream) or RiskFlagCleared (expected version 1) to the activity EventStore, with
// the idempotency key "risk-raise-<flag_id>" / "risk-clear-<flag_id>". The flag id is
// derived from the triggering event, so a replayed fold, a duplicate delivery or a crash
// between the append and the fold that deletes the pending row appends nothing twice.
// The pending row goes when its event folds back through the projection.
//
// Time: windows slide on event times inside the fold. A rep who goes quiet would keep a
// rolling flag open forever, so Sweep() also evaluates every open rolling flag as of
// the injected Clock's now and appends a RiskFlagCleared where the condition no longer
// holds (same key as the fold's own clear: whichever comes first wins, the other is
// deduplicated). The background loop sweeps every `sweep_interval` of that clock.
//
// Metrics (when options.registry is set): salesperf_activity_risk_flags_raised_total{rule},
// counted when a RiskFlagged is appended (not when deduplicated).
//
// Thread safety: every method may be called from any thread; passes are serialized.
// The store, the ViewDb and the clock are not owned and must outlive the reactor.
#ifndef SALESPERF_SERVICES_ACTIVITY_RISK_RISK_REACTOR_H_
#define SALESPERF_SERVICES_ACTIVITY_RISK_RISK_REACTOR_H_

#include <cstddef>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/common/clock.h"
#include "libs/eventstore/event_store.h"
#include "libs/projection/view_db.h"
#include "services/activity/risk/domain/risk_rules.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace salesperf::activity::risk {

struct RiskReactorOptions {
  // The thresholds; must equal the ones the views were built with. Default: defaults.
  RiskConfig config;
  // How often the background loop looks for pending decisions. Default: 200 ms.
  absl::Duration poll_interval = absl::Milliseconds(200);
  // How often (by the injected clock) the background loop sweeps open rolling flags.
  // Default: 5 minutes.
  absl::Duration sweep_interval = absl::Minutes(5);
  // The envelope's actor of the events the reactor appends. Default: "system:risk".
  std::string actor = "system:risk";
  // Where salesperf_activity_risk_flags_raised_total is registered. Not owned.
  // Default: nullptr (no metrics).
  prometheus::Registry* registry = nullptr;
};

class RiskReactor {
 public:
  // `views` must hold the risk views (RiskViewNames()).
  RiskReactor(eventstore::EventStore* store, const projection::ViewDb* views, Clock* clock,
              RiskReactorOptions options = {});
  // Stops the loop.
  ~RiskReactor();
  RiskReactor(const RiskReactor&) = delete;
  RiskReactor& operator=(const RiskReactor&) = delete;

  // One pass over the pending decisions, in flag order (a flag's raise before its
  // clear). Returns how many events were appended (deduplicated ones not counted). Stops
  // at the first append that fails for a reason other than "already done" and returns
  // that error; the rest wait for the next pass.
  absl::StatusOr<size_t> PublishPending();
  // Clears the open rolling flags whose condition no longer holds as of clock->Now().
  // Returns how many RiskFlagCleared were appended.
  absl::StatusOr<size_t> Sweep();

  // Background loop: PublishPending every poll_interval, Sweep every sweep_interval.
  // FAILED_PRECONDITION if running.
  absl::Status Start();
  // Idempotent; waits for the current pass.
  void Stop();

  // Flags raised by this reactor (appends not deduplicated).
  uint64_t flags_raised() const;

 private:
  struct Metrics;
  // OK when the clear is appended or was already done (`appended` says which).
  absl::Status AppendClear(const v1::RiskFlagCleared& cleared, bool& appended);
  void Loop();

  eventstore::EventStore* const store_;
  const projection::ViewDb* const views_;
  Clock* const clock_;
  const RiskReactorOptions options_;
  std::unique_ptr<Metrics> metrics_;

  absl::Mutex pass_mu_;  // serializes passes
  // Pending rows already published whose event has not folded back yet.
  absl::flat_hash_set<std::string> published_ ABSL_GUARDED_BY(pass_mu_);

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t flags_raised_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace salesperf::activity::risk

#endif  // SALESPERF_SERVICES_ACTIVITY_RISK_RISK_REACTOR_H_
