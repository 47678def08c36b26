// Driving activity against running services and measuring it.
//
//   LoadOptions options;
//   options.org.server = "127.0.0.1:50050";
//   options.rate = 200;                       // operations per second; 0: flat out
//   options.duration = absl::Seconds(30);
//   ASSIGN_OR_RETURN(LoadReport report, RunLoad(options));
//   std::cout << FormatReport(report);
//
// RunLoad first seeds (or finds, the seeding being idempotent) the organisation,
// targets and customers of options.org without history, then runs operations from
// `concurrency` threads: a call (LogCall), a visit (PlanVisit, CheckIn, CheckOut,
// RecordVisitOutcome) or a deal (OpenDeal, ChangeDealStage, WinDeal or LoseDeal), drawn
// by the mix. With a rate, operation i is due at start + i / rate (an open schedule:
// a slow server makes operations late, not fewer, until the duration ends). Latency is
// measured per RPC from send to answer; a failed RPC ends its operation and is counted
// by status code.
//
// Needs the activity API compiled in (FAILED_PRECONDITION otherwise). Thread safety:
// RunLoad blocks its caller and uses its own threads.
#ifndef SALESPERF_TOOLS_LOADGEN_LOAD_H_
#define SALESPERF_TOOLS_LOADGEN_LOAD_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/loadgen/demo.h"

namespace salesperf::loadgen {

// Relative weights of the operation kinds.
struct LoadMix {
  int calls = 70;
  int visits = 20;
  int deals = 10;
  friend bool operator==(const LoadMix&, const LoadMix&) = default;
};

// "calls=70,visits=20,deals=10" (any subset; the others become 0). INVALID_ARGUMENT for an
// unknown kind, a negative or non-numeric weight, or all weights zero.
absl::StatusOr<LoadMix> ParseMix(std::string_view text);

struct LoadOptions {
  // Where to, and the organisation to drive (sizes, seed). with_history is ignored: the
  // run seeds no history. Default: DemoOptions's defaults.
  DemoOptions org;
  // Seed the organisation first. Default: true.
  bool seed_org = true;
  // Operations per second; 0: as fast as the threads go. Default: 0.
  double rate = 0;
  // How long to drive. Default: 30 s.
  absl::Duration duration = absl::Seconds(30);
  // Stop after this many operations as well; 0: no limit. Default: 0.
  int64_t max_operations = 0;
  // Threads, each with one operation in flight. Default: 8.
  int concurrency = 8;
  LoadMix mix;
  // Prefix of the ids this run creates; "" picks a random one, so that runs never
  // collide. Default: "".
  std::string run_id;
};

struct RpcStats {
  std::string rpc;  // e.g. "LogCall"
  int64_t ok = 0;
  int64_t errors = 0;
  // Of successful calls.
  absl::Duration p50;
  absl::Duration p90;
  absl::Duration p99;
  absl::Duration max;
  absl::Duration mean;
};

struct LoadReport {
  std::string run_id;
  absl::Duration elapsed;
  int64_t operations = 0;
  int64_t failed_operations = 0;
  // "calls", "visits", "deals" -> completed (successful) operations.
  std::map<std::string, int64_t> operations_by_kind;
  double operations_per_second = 0;
  double rpcs_per_second = 0;
  // By RPC name.
  std::vector<RpcStats> rpcs;
  // Status code name ("UNAVAILABLE") -> failed RPCs, and the first error seen.
  std::map<std::string, int64_t> errors_by_code;
  std::string first_error;
};

absl::StatusOr<LoadReport> RunLoad(const LoadOptions& options);

// Nearest-rank percentile (0 < p <= 1) of `sorted` (ascending); zero when empty.
absl::Duration Percentile(const std::vector<absl::Duration>& sorted, double p);

// A table for people.
std::string FormatReport(const LoadReport& report);
// The report as JSON (latencies in milliseconds).
std::string ReportJson(const LoadReport& report);

}  // namespace salesperf::loadgen

#endif  // SALESPERF_TOOLS_LOADGEN_LOAD_H_
