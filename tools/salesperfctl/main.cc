// salesperfctl: the command-line client of salesperf. See tools/salesperfctl/README.md.
#include <iostream>

#include "tools/salesperfctl/activity_commands.h"
#include "tools/salesperfctl/analytics_commands.h"
#include "tools/salesperfctl/ctl.h"
#include "tools/salesperfctl/feedback_commands.h"
#include "tools/salesperfctl/incentives_commands.h"
#include "tools/salesperfctl/targets_commands.h"

int main(int argc, char** argv) {
  salesperf::ctl::Ctl ctl(std::cout, std::cerr);
  salesperf::ctl::RegisterTargetsCommands(ctl);
  salesperf::ctl::RegisterActivityCommands(ctl);
  salesperf::ctl::RegisterFeedbackCommands(ctl);
  salesperf::ctl::RegisterIncentivesCommands(ctl);
  salesperf::ctl::RegisterAnalyticsCommands(ctl);
  return ctl.Run(argc, argv);
}
