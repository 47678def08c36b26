// Shell completion generated from the CLI11 command tree, so that a new command or
// flag is completed without editing a script.
#ifndef SALESPERF_TOOLS_SALESPERFCTL_COMPLETION_H_
#define SALESPERF_TOOLS_SALESPERFCTL_COMPLETION_H_

#include <map>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"

namespace salesperf::ctl {

// A bash script defining `_salesperfctl` and `complete -F _salesperfctl salesperfctl`:
// it completes command names along the path typed so far, the flags of the current
// command (and the root's global flags), and the values in `choices` (option name such
// as "--metric", or a positional's name -> allowed values) after such an option or for
// such a positional.
std::string BashCompletion(const CLI::App& root,
                           const std::map<std::string, std::vector<std::string>>& choices);

}  // namespace salesperf::ctl

#endif  // SALESPERF_TOOLS_SALESPERFCTL_COMPLETION_H_
