// salesperfctl commands of the activity service (salesperf.activity.v1.ActivityService),
// noun then verb:
//   activity customer register|reassign|get|list
//   activity visit plan|reschedule|cancel|check-in|check-out|outcome|get|list
//   activity call log|get|list,  activity import-calls --file calls.csv [--rejects r.csv]
//   activity lead create|disqualify|convert|get|list
//   activity deal open|stage|win|lose|reopen|cancel|book-order|get|list
//   activity risk list|get|clear
#ifndef SALESPERF_TOOLS_SALESPERFCTL_ACTIVITY_COMMANDS_H_
#define SALESPERF_TOOLS_SALESPERFCTL_ACTIVITY_COMMANDS_H_

#include <istream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "salesperf/activity/v1/activity.pb.h"
#include "tools/salesperfctl/ctl.h"

namespace salesperf::ctl {

void RegisterActivityCommands(Ctl& ctl);

// One CSV row of `activity import-calls`, parsed. The header names the columns (any
// order): rep_id, customer_id, lead_id, direction (outbound|inbound), started_at
// (RFC 3339), duration_seconds, outcome (connected|no_answer|busy|voicemail|
// wrong_number), notes, external_call_id, phone_system, call_id (the caller's own id
// for a record without an external id). Values may be double-quoted ("" for a quote; a
// quoted value may span lines); a UTF-8 byte order mark before the header is skipped. A
// row that does not parse keeps `error` (and the number of its first line) and is
// reported as rejected without being sent.
struct CsvCall {
  int64_t line = 0;
  activity::v1::CallRecord record;
  std::string error;
};
// Reads every row of `in`. INVALID_ARGUMENT for a missing or unknown header column.
absl::StatusOr<std::vector<CsvCall>> ReadCallsCsv(std::istream& in);

}  // namespace salesperf::ctl

#endif  // SALESPERF_TOOLS_SALESPERFCTL_ACTIVITY_COMMANDS_H_
