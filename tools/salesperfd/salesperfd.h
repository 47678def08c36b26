// salesperfd: the five services (targets, activity, feedback, incentives, analytics) in
// one process on one gRPC port and one metrics port, with the embedded bus: each service's
// views tail the event stores of the services it depends on directly (LocalSource), so no
// Kafka is needed; with --kafka-brokers every service's outbox relay also publishes to
// Kafka for other subscribers. Data lives under --data-dir/<service>/; a restart resumes
// every projection from its checkpoint.
#ifndef SALESPERF_TOOLS_SALESPERFD_SALESPERFD_H_
#define SALESPERF_TOOLS_SALESPERFD_SALESPERFD_H_

namespace salesperf::salesperfd {

// The whole program; returns the exit code (0 after a clean shutdown, 1 when starting
// failed, 2 for bad flags). Call server::BlockShutdownSignals() first.
int RunSalesperfd(int argc, char** argv);

}  // namespace salesperf::salesperfd

#endif  // SALESPERF_TOOLS_SALESPERFD_SALESPERFD_H_
