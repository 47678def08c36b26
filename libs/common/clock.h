// An injectable clock. Domain code never reads a clock: commands carry `now`,
// which handlers take from a Clock. Tests use FakeClock.
#ifndef SALESPERF_LIBS_COMMON_CLOCK_H_
#define SALESPERF_LIBS_COMMON_CLOCK_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace salesperf {

// Thread-safe source of the current time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The process-wide real clock. Never null; not owned by the caller.
Clock* RealClock();

// A clock that only moves when told. Thread-safe.
class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1'795'000'000)) : now_(start) {}
  absl::Time Now() const override;
  void Set(absl::Time t);
  void Advance(absl::Duration d);

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace salesperf

#endif  // SALESPERF_LIBS_COMMON_CLOCK_H_
