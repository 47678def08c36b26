// Seeding a realistic demo organisation through the services' gRPC APIs.
//
//   loadgen::DemoOptions options;
//   options.server = "127.0.0.1:50050";
//   ASSIGN_OR_RETURN(loadgen::DemoSummary summary, loadgen::SeedDemo(options));
//   std::cout << loadgen::WhereToLook(summary, options.server, metrics_port);
//
// What is loaded (GenerateDemo in generator.h makes the data): the organisation
// (Asia/Shanghai, CNY; regions, teams, reps, managers) and revenue targets for the current
// quarter and its months, approved and decomposed company -> regions -> teams -> reps
// (targets); customers with locations, three months of calls (ImportCalls), visits with
// check-ins, deals through their stages (activity); survey answers (feedback); a
// commission plan (incentives). Each service's part is compiled in when its proto library
// exists (SALESPERF_LOADGEN_WITH_<SERVICE>); DemoSummary::skipped names the others.
//
// Idempotent: every mutation carries a request_id derived from the seed and the entity,
// and every entity id is fixed by the seed, so seeding again (after an interrupted first
// start) writes nothing new. A request the service already holds under another request
// (ALREADY_EXISTS) counts as done.
//
// Errors: the first failing call's status, with the stage and entity in the message.
// Thread safety: SeedDemo may run concurrently with anything; it uses its own channels
// and a few worker threads of its own.
#ifndef SALESPERF_TOOLS_LOADGEN_DEMO_H_
#define SALESPERF_TOOLS_LOADGEN_DEMO_H_

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/common/clock.h"
#include "tools/loadgen/generator.h"

namespace salesperf::loadgen {

struct DemoOptions {
  // host:port of salesperfd (every service on one port). Default: "127.0.0.1:50050".
  std::string server = "127.0.0.1:50050";
  // Per-service addresses for the distributed mode ("targets" -> "127.0.0.1:50051", ...);
  // a service not listed uses `server`. Default: none.
  std::map<std::string, std::string> service_addresses;
  // Same seed + same "today" -> same demo. Default: 20261123.
  uint64_t seed = 20261123;
  // Organisation size (see GeneratorOptions for the ranges). Defaults: 4, 12, 120, 3000.
  int regions = 4;
  int teams = 12;
  int reps = 120;
  int customers = 3000;
  // About three months of activity before today. Default: 91.
  int history_days = 91;
  // "today"; nullptr: RealClock().
  Clock* clock = nullptr;
  // One line per stage, e.g. "demo: 3000 customers"; nullptr: silent.
  std::ostream* progress = nullptr;

  // Activity rates (GeneratorOptions). Defaults: 6 calls a working day, 2 visits a week,
  // 3 deals a month per rep; surveys after 40% of visits and won deals.
  int calls_per_rep_day = 6;
  int visits_per_rep_week = 2;
  int deals_per_rep_month = 3;
  int survey_percent = 40;
  // Load the history (calls, visits, deals, surveys, plan); false loads only the
  // organisation, targets and customers (what `salesperf-loadgen run` needs).
  // Default: true.
  bool with_history = true;
  // Calls in flight at once. Default: 8.
  int concurrency = 8;
  // How long to wait, after loading, for the analytics read models to count every call
  // (so that the first query shows the whole demo). Not an error when it passes.
  // Default: 60 s; zero: do not wait.
  absl::Duration settle_timeout = absl::Seconds(60);
};

struct DemoCounts {
  int64_t regions = 0;
  int64_t teams = 0;
  int64_t reps = 0;
  int64_t targets = 0;
  int64_t customers = 0;
  int64_t calls = 0;
  int64_t visits = 0;
  int64_t deals = 0;
  int64_t deals_won = 0;
  int64_t surveys_sent = 0;
  int64_t survey_responses = 0;
  int64_t plans = 0;
  friend bool operator==(const DemoCounts&, const DemoCounts&) = default;
};

// What was loaded, and the ids the "try" commands use.
struct DemoSummary {
  std::string company_name;
  // The first region, its first team, and that team's first rep.
  std::string region_id;
  std::string region_name;
  std::string team_id;
  std::string team_name;
  std::string rep_id;
  std::string rep_name;
  // A rep with a suspicious pattern the 跑单 rules flag, and which ("check_in_too_far").
  std::string flagged_rep_id;
  std::string flagged_pattern;
  // "YYYY-MM-DD", "YYYY-MM", "YYYY-Qn" of the seeding day.
  std::string today;
  std::string month_id;
  std::string quarter_id;
  // The company's revenue target for the quarter, and the commission plan ("" without
  // the incentives API).
  std::string company_target_id;
  std::string plan_id;
  // What the demo holds (counted from the generated data; a second seeding writes
  // nothing and reports the same).
  DemoCounts counts;
  // Services seeded, and services left out because their API was not compiled in.
  std::vector<std::string> seeded;
  std::vector<std::string> skipped;
  // False when settle_timeout passed before the analytics views counted every call.
  bool settled = true;
};

// Seeds the demo into the running services. See the file comment.
absl::StatusOr<DemoSummary> SeedDemo(const DemoOptions& options);

// The generator options SeedDemo uses for `options` (today from its clock).
GeneratorOptions ToGeneratorOptions(const DemoOptions& options);

// The text salesperfd prints once the demo is loaded: gRPC address, metrics URL
// http://127.0.0.1:<metrics_port>/metrics, and 5-8 salesperfctl commands to try (with
// --server when not the default). metrics_port <= 0: no metrics line.
std::string WhereToLook(const DemoSummary& summary, const std::string& server, int metrics_port);

}  // namespace salesperf::loadgen

#endif  // SALESPERF_TOOLS_LOADGEN_DEMO_H_
