// `salesperfctl feedback ...`: one command per RPC of salesperf.feedback.v1.FeedbackService
// (surveys, callbacks, complaints, alerts, summary). Free text and phone numbers are
// shown in the result of the caller's own request only, never echoed in errors.
#ifndef SALESPERF_TOOLS_SALESPERFCTL_FEEDBACK_COMMANDS_H_
#define SALESPERF_TOOLS_SALESPERFCTL_FEEDBACK_COMMANDS_H_

#include "tools/salesperfctl/ctl.h"

namespace salesperf::ctl {

// Adds the `feedback` command group to ctl.app(). `ctl` must outlive parsing and running.
void RegisterFeedbackCommands(Ctl& ctl);

}  // namespace salesperf::ctl

#endif  // SALESPERF_TOOLS_SALESPERFCTL_FEEDBACK_COMMANDS_H_
