// salesperfd: every salesperf service in one process. See tools/salesperfd/README.md.
#include "libs/server/server.h"
#include "tools/salesperfd/salesperfd.h"

int main(int argc, char** argv) {
  salesperf::server::BlockShutdownSignals();
  return salesperf::salesperfd::RunSalesperfd(argc, argv);
}
