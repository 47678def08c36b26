// CPU time of the whole process (every gRPC, RocksDB, projection and client thread of a
// bench). On a shared machine wall-clock rates swing with the other tenants' load; CPU
// time per operation swings far less, so the benches print both.
#ifndef SALESPERF_BENCH_PROCESS_CPU_H_
#define SALESPERF_BENCH_PROCESS_CPU_H_

#include <time.h>

namespace salesperf::bench {

inline double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace salesperf::bench

#endif  // SALESPERF_BENCH_PROCESS_CPU_H_
