#include "libs/service/hosted_service.h"

#include "absl/strings/str_cat.h"
#include "libs/service/process.h"

namespace salesperf::service {

ServiceHostOptions HostOptionsFrom(const ServiceEnvironment& environment) {
  ServiceHostOptions options;
  options.data_dir = environment.data_dir;
  options.clock = environment.clock;
  options.metrics = environment.metrics;
  options.kafka = environment.kafka;
  options.upstream_stores = environment.upstream_stores;
  options.sync_every_append = environment.sync_every_append;
  options.event_id_seed = environment.event_id_seed;
  return options;
}

int RunServiceMain(const ServiceMainSpec& spec, int argc, char** argv) {
  const std::string process_name = absl::StrCat("salesperf-", spec.name);
  CLI::App app{absl::StrCat(process_name, ": ", spec.description)};
  ProcessFlags flags;
  flags.common.grpc_addr = spec.default_grpc_addr;
  flags.common.metrics_addr = spec.default_metrics_addr;
  AddProcessFlags(app, flags);
  if (spec.add_flags) spec.add_flags(app);
  try {
    ParseCommandLine(app, argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  absl::StatusOr<ProcessContext> context = PrepareProcess(flags);
  if (!context.ok()) {
    FailStartup(process_name + ": bad configuration", context.status());
    return context.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  absl::StatusOr<std::unique_ptr<HostedService>> service = spec.open(context->environment);
  if (!service.ok()) {
    return FailStartup(absl::StrCat(process_name, ": cannot open the ", spec.name, " service"),
                       service.status());
  }
  const int code = ServeUntilSignal(process_name, flags, *context, {service->get()});
  service->reset();
  return code;
}

}  // namespace salesperf::service
