// The salesperf-targets binary's application: flags (with SALESPERF_* environment twins),
// logging, a TargetsService under <data-dir>/targets, a libs/server Server on --grpc-addr
// with /metrics on --metrics-addr; SERVING once the projection has caught up; on SIGTERM
// or SIGINT: NOT_SERVING, drain, stop, exit 0.
#ifndef SALESPERF_SERVICES_TARGETS_TARGETS_MAIN_H_
#define SALESPERF_SERVICES_TARGETS_TARGETS_MAIN_H_

namespace salesperf::targets {

// Runs the binary; returns the process exit code (0 after a clean shutdown, 1 when
// starting failed, 2 for bad flags). Call server::BlockShutdownSignals() first in main().
int RunTargetsMain(int argc, char** argv);

}  // namespace salesperf::targets

#endif  // SALESPERF_SERVICES_TARGETS_TARGETS_MAIN_H_
