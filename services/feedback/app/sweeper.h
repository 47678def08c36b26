// Sweeper: runs FeedbackApplication::SweepOnce(clock.Now()) every `interval` on a
// background thread, so survey requests expire and complaint SLA breaches are recorded
// without a user action. The work itself is idempotent across replicas and restarts
// (see FeedbackApplication); tests call SweepOnce directly with a FakeClock instead.
//
// Thread safety: Start/Stop from the owner thread; Stop is idempotent and joins.
#ifndef SALESPERF_SERVICES_FEEDBACK_APP_SWEEPER_H_
#define SALESPERF_SERVICES_FEEDBACK_APP_SWEEPER_H_

#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/feedback/app/feedback_application.h"

namespace salesperf::feedback {

class Sweeper {
 public:
  // `app` not owned; must outlive the sweeper. `interval` > 0 (real time between sweeps).
  Sweeper(FeedbackApplication* app, absl::Duration interval) : app_(app), interval_(interval) {}
  ~Sweeper() { Stop(); }
  Sweeper(const Sweeper&) = delete;
  Sweeper& operator=(const Sweeper&) = delete;

  void Start();
  void Stop();
  // Sweeps completed (successfully or not), for tests and diagnostics.
  int sweeps() const;

 private:
  void Loop();

  FeedbackApplication* const app_;
  const absl::Duration interval_;
  mutable absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  int sweeps_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace salesperf::feedback

#endif  // SALESPERF_SERVICES_FEEDBACK_APP_SWEEPER_H_
