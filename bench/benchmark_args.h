// The Google Benchmark set-up the benches share: --benchmark_min_time=2 unless given,
// `long_run` (--long) adds 5 s per case and 3 repetitions; anything Google Benchmark does
// not know is an error.
#ifndef SALESPERF_BENCH_BENCHMARK_ARGS_H_
#define SALESPERF_BENCH_BENCHMARK_ARGS_H_

#include <cstring>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"

namespace salesperf::bench {

// `args`: argv[0] and the arguments meant for Google Benchmark. False (after printing
// them) when some are unknown.
inline bool InitializeGoogleBenchmark(std::vector<char*> args, bool long_run) {
  static std::string min_time;
  static std::string repetitions = "--benchmark_repetitions=3";
  min_time = long_run ? "--benchmark_min_time=5" : "--benchmark_min_time=2";
  bool min_time_given = false;
  for (const char* arg : args) {
    if (std::strncmp(arg, "--benchmark_min_time", 20) == 0) min_time_given = true;
  }
  if (!min_time_given) args.insert(args.begin() + 1, min_time.data());
  if (long_run) args.insert(args.begin() + 1, repetitions.data());
  int argc = static_cast<int>(args.size());
  args.push_back(nullptr);
  benchmark::Initialize(&argc, args.data());
  return !benchmark::ReportUnrecognizedArguments(argc, args.data());
}

}  // namespace salesperf::bench

#endif  // SALESPERF_BENCH_BENCHMARK_ARGS_H_
