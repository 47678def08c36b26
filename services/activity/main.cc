// salesperf-activity: the activity service as its own process (RunServiceMain does the
// flags, logging, server, readiness and shutdown; ActivityService the rest).
#include <memory>
#include <string>
#include <utility>

#include "CLI/CLI.hpp"
#include "libs/common/config.h"
#include "libs/common/period.h"
#include "libs/server/server.h"
#include "libs/service/hosted_service.h"
#include "services/activity/activity_service.h"

namespace {

// The 跑单 thresholds as flags, defaulting to RiskConfig's: the counts bind to a RiskConfig
// directly; the windows (whole hours) and the zone (a name) are converted by Config().
struct RiskFlags {
  salesperf::activity::risk::RiskConfig config;
  std::string time_zone = salesperf::kDefaultTimeZoneName;
  int plan_change_window_hours = static_cast<int>(absl::ToInt64Hours(config.plan_change_window));
  int no_check_in_window_hours = static_cast<int>(absl::ToInt64Hours(config.no_check_in_window));

  // The configuration, INVALID_ARGUMENT naming the bad zone.
  absl::StatusOr<salesperf::activity::risk::RiskConfig> Config() const {
    salesperf::activity::risk::RiskConfig c = config;
    absl::StatusOr<absl::TimeZone> tz = salesperf::LoadTimeZone(time_zone);
    if (!tz.ok()) return tz.status();
    c.time_zone = *tz;
    c.plan_change_window = absl::Hours(plan_change_window_hours);
    c.no_check_in_window = absl::Hours(no_check_in_window_hours);
    return c;  // ActivityService::Open validates the thresholds
  }
};

}  // namespace

int main(int argc, char** argv) {
  salesperf::server::BlockShutdownSignals();  // before any thread exists
  auto threshold = std::make_shared<double>(500);
  auto risk = std::make_shared<RiskFlags>();
  salesperf::service::ServiceMainSpec spec;
  spec.name = salesperf::activity::kServiceName;
  spec.description = "customers, visits, calls, deals and 跑单 signals (gRPC)";
  spec.default_grpc_addr = "127.0.0.1:50052";
  spec.default_metrics_addr = "127.0.0.1:9402";
  spec.add_flags = [threshold, risk](CLI::App& app) {
    using salesperf::AddFlag;
    AddFlag(app, "--check-in-threshold-meters", *threshold,
            "Distance from the customer within which a check-in is verified");
    AddFlag(app, "--time-zone", risk->time_zone,
            "IANA zone in which the risk rules reckon days and month ends");
    AddFlag(app, "--risk-max-plan-changes", risk->config.max_plan_changes,
            "Frequent plan changes: flag more than this many reschedules and cancellations");
    AddFlag(app, "--risk-plan-change-window-hours", risk->plan_change_window_hours,
            "Frequent plan changes: within this many hours");
    AddFlag(app, "--risk-min-visits-without-check-in", risk->config.min_visits_without_check_in,
            "Visits without check-in: flag at least this many visits done without one");
    AddFlag(app, "--risk-no-check-in-window-hours", risk->no_check_in_window_hours,
            "Visits without check-in: within this many hours");
    AddFlag(app, "--risk-min-short-calls", risk->config.min_short_calls,
            "Short connected calls: flag a day with at least this many");
    AddFlag(app, "--risk-short-call-seconds", risk->config.short_call_seconds,
            "Short connected calls: a connected call shorter than this is short");
    AddFlag(app, "--risk-min-short-call-share-percent", risk->config.min_short_call_share_percent,
            "Short connected calls: and at least this share of the day's connected calls");
    AddFlag(app, "--risk-won-near-period-end-days", risk->config.won_near_period_end_days,
            "Won then cancelled: won within this many last days of its month (1..28)");
    AddFlag(app, "--risk-max-evidence", risk->config.max_evidence,
            "Most evidence items a flag carries");
  };
  spec.open = [threshold, risk](salesperf::service::ServiceEnvironment env)
      -> absl::StatusOr<std::unique_ptr<salesperf::service::HostedService>> {
    salesperf::activity::ActivityServiceOptions options;
    options.env = std::move(env);
    options.check_in_threshold_meters = *threshold;
    absl::StatusOr<salesperf::activity::risk::RiskConfig> config = risk->Config();
    if (!config.ok()) return config.status();
    options.risk = *std::move(config);
    absl::StatusOr<std::unique_ptr<salesperf::activity::ActivityService>> service =
        salesperf::activity::ActivityService::Open(std::move(options));
    if (!service.ok()) return service.status();
    return std::unique_ptr<salesperf::service::HostedService>(std::move(*service));
  };
  return salesperf::service::RunServiceMain(spec, argc, argv);
}
