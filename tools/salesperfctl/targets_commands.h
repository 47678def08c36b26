// `salesperfctl targets ...`: one command per RPC of salesperf.targets.v1.TargetsService.
#ifndef SALESPERF_TOOLS_SALESPERFCTL_TARGETS_COMMANDS_H_
#define SALESPERF_TOOLS_SALESPERFCTL_TARGETS_COMMANDS_H_

#include "tools/salesperfctl/ctl.h"

namespace salesperf::ctl {

// Adds the `targets` command group to ctl.app(). `ctl` must outlive parsing and running.
void RegisterTargetsCommands(Ctl& ctl);

}  // namespace salesperf::ctl

#endif  // SALESPERF_TOOLS_SALESPERFCTL_TARGETS_COMMANDS_H_
