// salesperfctl analytics ...: the AnalyticsService queries (KPIs, attainment, leaderboards,
// regional view, trends, funnel) as readable tables, or JSON with -o json.
#ifndef SALESPERF_TOOLS_SALESPERFCTL_ANALYTICS_COMMANDS_H_
#define SALESPERF_TOOLS_SALESPERFCTL_ANALYTICS_COMMANDS_H_

#include "tools/salesperfctl/ctl.h"

namespace salesperf::ctl {

void RegisterAnalyticsCommands(Ctl& ctl);

}  // namespace salesperf::ctl

#endif  // SALESPERF_TOOLS_SALESPERFCTL_ANALYTICS_COMMANDS_H_
