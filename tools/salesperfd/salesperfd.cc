#include "tools/salesperfd/salesperfd.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/common/logging.h"
#include "libs/common/status_macros.h"
#include "libs/service/hosted_service.h"
#include "libs/service/process.h"
#include "services/targets/targets_service.h"
#if SALESPERFD_WITH_ACTIVITY
#include "services/activity/activity_service.h"
#endif
#if SALESPERFD_WITH_FEEDBACK
#include "services/feedback/feedback_service.h"
#endif
#if SALESPERFD_WITH_INCENTIVES
#include "services/incentives/incentives_service.h"
#endif
#if SALESPERFD_WITH_ANALYTICS
#include "services/analytics/analytics_service.h"
#endif
#if SALESPERFD_WITH_DEMO
#include "tools/loadgen/demo.h"
#endif

namespace salesperf::salesperfd {
namespace {

using service::HostedService;
using service::ServiceEnvironment;
using OpenFunction =
    std::function<absl::StatusOr<std::unique_ptr<HostedService>>(ServiceEnvironment)>;

// Opens a service whose options struct holds `env` and defaults for the rest.
template <typename Service, typename Options>
OpenFunction Opener() {
  return [](const ServiceEnvironment& env) -> absl::StatusOr<std::unique_ptr<HostedService>> {
    Options options;
    options.env = env;
    ASSIGN_OR_RETURN(std::unique_ptr<Service> opened, Service::Open(std::move(options)));
    return std::unique_ptr<HostedService>(std::move(opened));
  };
}

struct ServiceEntry {
  std::string name;
  OpenFunction open;
};

// In dependency order: each service folds the events of those before it.
std::vector<ServiceEntry> Services() {
  std::vector<ServiceEntry> services;
  services.push_back(
      {"targets", Opener<targets::TargetsService, targets::TargetsServiceOptions>()});
#if SALESPERFD_WITH_ACTIVITY
  services.push_back(
      {"activity", Opener<activity::ActivityService, activity::ActivityServiceOptions>()});
#endif
#if SALESPERFD_WITH_FEEDBACK
  services.push_back(
      {"feedback", Opener<feedback::FeedbackService, feedback::FeedbackServiceOptions>()});
#endif
#if SALESPERFD_WITH_INCENTIVES
  services.push_back(
      {"incentives",
       Opener<incentives::IncentivesService, incentives::IncentivesServiceOptions>()});
#endif
#if SALESPERFD_WITH_ANALYTICS
  services.push_back(
      {"analytics", Opener<analytics::AnalyticsService, analytics::AnalyticsServiceOptions>()});
#endif
  return services;
}

// "auto": load the demo on the first start (the data directory held no service data),
// and again after a start whose loading did not finish (the pending marker remains).
constexpr char kDemoPendingMarker[] = ".demo-pending";

bool FreshDataDir(const std::filesystem::path& data_dir) {
  std::error_code error;
  return !std::filesystem::exists(data_dir / "targets", error);
}

}  // namespace

int RunSalesperfd(int argc, char** argv) {
  CLI::App app{
      "salesperfd: every salesperf service (targets, activity, feedback, incentives, "
      "analytics) in one process, one gRPC port, no Kafka needed"};
  service::ProcessFlags flags;
  flags.common.grpc_addr = "127.0.0.1:50050";
  flags.common.metrics_addr = "127.0.0.1:9400";
  service::AddProcessFlags(app, flags);
  std::string demo_data = "never";
  AddFlag(app, "--demo-data", demo_data,
          "Load the demo organisation and three months of activity: auto (on the first "
          "start, into an empty data directory), always, or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  int demo_reps = 120;
  int demo_customers = 3000;
  int demo_history_days = 91;
  AddFlag(app, "--demo-reps", demo_reps, "Sales reps in the demo organisation")
      ->check(CLI::Range(4, 10000));
  AddFlag(app, "--demo-customers", demo_customers, "Customers in the demo")
      ->check(CLI::Range(10, 1000000));
  AddFlag(app, "--demo-history-days", demo_history_days,
          "Days of demo activity before today (about three months by default)")
      ->check(CLI::Range(1, 366));
  try {
    ParseCommandLine(app, argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  absl::StatusOr<service::ProcessContext> context = service::PrepareProcess(flags);
  if (!context.ok()) {
    service::FailStartup("salesperfd: bad configuration", context.status());
    return context.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }

  const std::filesystem::path data_dir(flags.common.data_dir);
  const std::filesystem::path pending_marker = data_dir / kDemoPendingMarker;
  if (demo_data == "auto" && FreshDataDir(data_dir)) {
    std::error_code error;
    std::filesystem::create_directories(data_dir, error);
    std::ofstream(pending_marker) << "demo data not loaded yet\n";
  }
  std::error_code exists_error;
  const bool load_demo =
      demo_data == "always" ||
      (demo_data == "auto" && std::filesystem::exists(pending_marker, exists_error));

  // Opened in dependency order; each later service folds the stores opened before it.
  std::vector<std::unique_ptr<HostedService>> services;
  std::vector<eventstore::EventStore*> stores;
  for (const ServiceEntry& entry : Services()) {
    ServiceEnvironment env = context->environment;
    env.upstream_stores = stores;
    absl::StatusOr<std::unique_ptr<HostedService>> opened = entry.open(std::move(env));
    if (!opened.ok()) {
      return service::FailStartup(
          absl::StrCat("salesperfd: cannot open the ", entry.name, " service"), opened.status());
    }
    stores.push_back(&(*opened)->store());
    services.push_back(*std::move(opened));
  }
  std::vector<HostedService*> running;
  for (const auto& s : services) running.push_back(s.get());

  std::function<void(int, int)> on_serving;
  if (load_demo) {
#if SALESPERFD_WITH_DEMO
    on_serving = [pending_marker, demo_reps, demo_customers, demo_history_days](int grpc_port,
                                                                                int metrics_port) {
      loadgen::DemoOptions options;
      options.server = absl::StrCat("127.0.0.1:", grpc_port);
      // A small demo keeps the shape: a team needs a rep, every rep owns a customer.
      options.reps = demo_reps;
      options.teams = std::min(options.teams, demo_reps);
      options.regions = std::min(options.regions, options.teams);
      options.customers = std::max(demo_customers, demo_reps);
      options.history_days = demo_history_days;
      options.progress = &std::cerr;
      absl::StatusOr<loadgen::DemoSummary> summary = loadgen::SeedDemo(options);
      if (!summary.ok()) {
        LogError("salesperfd: loading the demo data failed; it is retried on the next start",
                 {{"error", std::string(summary.status().message())}});
        return;
      }
      std::error_code error;
      std::filesystem::remove(pending_marker, error);
      std::cout << loadgen::WhereToLook(*summary, options.server, metrics_port) << std::flush;
    };
#else
    LogWarn("salesperfd: built without the loadgen library; no demo data is loaded");
#endif
  }
  const int code =
      service::ServeUntilSignal("salesperfd", flags, *context, running, std::move(on_serving));
  // Later services read the stores of earlier ones: close them in reverse order.
  while (!services.empty()) services.pop_back();
  return code;
}

}  // namespace salesperf::salesperfd
