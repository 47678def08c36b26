// salesperfctl: the command-line client of salesperf. See tools/salesperfctl/README.md.
#include <iostream>

#include "tools/salesperfctl/ctl.h"
#include "tools/salesperfctl/targets_commands.h"

int main(int argc, char** argv) {
  salesperf::ctl::Ctl ctl(std::cout, std::cerr);
  salesperf::ctl::RegisterTargetsCommands(ctl);
  return ctl.Run(argc, argv);
}
