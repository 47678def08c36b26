#include "services/feedback/app/sweeper.h"

#include <string>

#include "libs/common/logging.h"

namespace salesperf::feedback {

void Sweeper::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void Sweeper::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

int Sweeper::sweeps() const {
  absl::MutexLock lock(&mu_);
  return sweeps_;
}

void Sweeper::Loop() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stop_), interval_);
      if (stop_) return;
    }
    absl::StatusOr<SweepResult> result = app_->SweepOnce(app_->clock().Now());
    if (!result.ok()) {
      // Storage trouble: logged and retried at the next interval.
      LogWarn("feedback: sweep failed", {{"error", std::string(result.status().message())}});
    } else if (result->surveys_expired > 0 || result->sla_breaches > 0) {
      LogInfo("feedback: sweep", {{"surveys_expired", result->surveys_expired},
                                  {"sla_breaches", result->sla_breaches}});
    }
    absl::MutexLock lock(&mu_);
    ++sweeps_;
  }
}

}  // namespace salesperf::feedback
