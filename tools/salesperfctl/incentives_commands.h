// `salesperfctl incentives ...`: one command per RPC of
// salesperf.incentives.v1.IncentivesService.
#ifndef SALESPERF_TOOLS_SALESPERFCTL_INCENTIVES_COMMANDS_H_
#define SALESPERF_TOOLS_SALESPERFCTL_INCENTIVES_COMMANDS_H_

#include "tools/salesperfctl/ctl.h"

namespace salesperf::ctl {

// Adds the `incentives` command group to ctl.app(). `ctl` must outlive parsing and running.
void RegisterIncentivesCommands(Ctl& ctl);

}  // namespace salesperf::ctl

#endif  // SALESPERF_TOOLS_SALESPERFCTL_INCENTIVES_COMMANDS_H_
