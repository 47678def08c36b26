// salesperf-targets: the targets service as its own process. Wiring: targets_main.cc.
#include "libs/server/server.h"
#include "services/targets/targets_main.h"

int main(int argc, char** argv) {
  salesperf::server::BlockShutdownSignals();  // before any thread exists
  return salesperf::targets::RunTargetsMain(argc, argv);
}
