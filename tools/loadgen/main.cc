// salesperf-loadgen: seeds the demo organisation, or drives activity and reports
// throughput and latency percentiles. See tools/loadgen/README.md.
#include <iostream>
#include <map>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/time/time.h"
#include "libs/common/config.h"
#include "tools/loadgen/demo.h"
#include "tools/loadgen/load.h"
#include "tools/loadgen/rpc.h"

namespace {

using salesperf::AddFlag;
namespace loadgen = salesperf::loadgen;

struct Flags {
  loadgen::DemoOptions org;
  std::map<std::string, std::string> addresses;  // "--targets-addr" -> value
  int metrics_port = 9400;
  double rate = 0;
  bool max = false;
  std::string duration = "30s";
  int64_t operations = 0;
  int concurrency = 8;
  std::string mix = "calls=70,visits=20,deals=10";
  std::string output = "table";
  std::string run_id;
  bool seed_org = true;
};

void AddOrgFlags(CLI::App& cmd, Flags& f) {
  AddFlag(cmd, "--server", f.org.server, "host:port of salesperfd (or of every service)");
  for (const char* service : loadgen::kServiceNames) {
    const std::string flag = std::string("--") + service + "-addr";
    AddFlag(cmd, flag, f.addresses[flag],
            std::string("host:port of the ") + service + " service when run separately");
  }
  uint64_t& seed = f.org.seed;
  AddFlag(cmd, "--seed", seed, "Same seed and same day give the same organisation and history");
  AddFlag(cmd, "--regions", f.org.regions, "Regions (1..6)");
  AddFlag(cmd, "--teams", f.org.teams, "Teams");
  AddFlag(cmd, "--reps", f.org.reps, "Sales reps");
  AddFlag(cmd, "--customers", f.org.customers, "Customers");
  AddFlag(cmd, "--concurrency", f.concurrency, "Calls in flight at once");
}

void ApplyAddresses(Flags& f) {
  for (const char* service : loadgen::kServiceNames) {
    const std::string& address = f.addresses[std::string("--") + service + "-addr"];
    if (!address.empty()) f.org.service_addresses[service] = address;
  }
  f.org.concurrency = f.concurrency;
}

int Demo(Flags& f) {
  ApplyAddresses(f);
  f.org.progress = &std::cerr;
  absl::StatusOr<loadgen::DemoSummary> summary = loadgen::SeedDemo(f.org);
  if (!summary.ok()) {
    std::cerr << "error: " << summary.status() << "\n";
    return 1;
  }
  std::cout << loadgen::WhereToLook(*summary, f.org.server, f.metrics_port);
  return 0;
}

int Run(Flags& f) {
  ApplyAddresses(f);
  loadgen::LoadOptions options;
  options.org = f.org;
  options.org.progress = f.output == "json" ? nullptr : &std::cerr;
  options.seed_org = f.seed_org;
  options.rate = f.max ? 0 : f.rate;
  options.max_operations = f.operations;
  options.concurrency = f.concurrency;
  options.run_id = f.run_id;
  if (!absl::ParseDuration(f.duration, &options.duration) ||
      options.duration <= absl::ZeroDuration()) {
    std::cerr << "error: --duration: \"" << f.duration
              << "\" is not a positive duration such as 30s\n";
    return 2;
  }
  absl::StatusOr<loadgen::LoadMix> mix = loadgen::ParseMix(f.mix);
  if (!mix.ok()) {
    std::cerr << "error: " << mix.status().message() << "\n";
    return 2;
  }
  options.mix = *mix;
  absl::StatusOr<loadgen::LoadReport> report = loadgen::RunLoad(options);
  if (!report.ok()) {
    std::cerr << "error: " << report.status() << "\n";
    return 1;
  }
  std::cout << (f.output == "json" ? loadgen::ReportJson(*report) : loadgen::FormatReport(*report));
  return report->operations > 0 && report->failed_operations == report->operations ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "salesperf-loadgen: builds a realistic sales organisation and drives activity through "
      "gRPC against salesperfd or the separate services"};
  app.require_subcommand(1);
  Flags f;

  CLI::App* demo = app.add_subcommand(
      "demo", "Seed the demo organisation and three months of history; prints where to look");
  AddOrgFlags(*demo, f);
  AddFlag(*demo, "--history-days", f.org.history_days, "Days of activity before today");
  AddFlag(*demo, "--metrics-port", f.metrics_port, "salesperfd's metrics port, for the printout");

  CLI::App* run = app.add_subcommand(
      "run", "Build (or reuse) the organisation and drive calls, visits and deals");
  AddOrgFlags(*run, f);
  AddFlag(*run, "--rate", f.rate, "Operations per second (0: as fast as possible)");
  run->add_flag("--max", f.max, "As fast as possible (same as --rate 0)");
  AddFlag(*run, "--duration", f.duration, "How long to drive, e.g. 30s or 2m");
  AddFlag(*run, "--operations", f.operations, "Stop after this many operations (0: no limit)");
  AddFlag(*run, "--mix", f.mix, "Relative weights of the operation kinds");
  AddFlag(*run, "--run-id", f.run_id, "Prefix of the ids created (default: random)");
  AddFlag(*run, "--seed-org", f.seed_org, "Seed the organisation and customers first");
  AddFlag(*run, "-o,--output", f.output, "table or json")->check(CLI::IsMember({"table", "json"}));

  try {
    salesperf::ParseCommandLine(app, argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (demo->parsed()) return Demo(f);
  return Run(f);
}
