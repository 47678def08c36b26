// The incentives service's own streams and how their events fold into records, shared by
// the write side (which folds a stream before deciding) and the views (which fold the
// same events into rows), so that both always agree.
//
//   "plan-<plan_id>"                 PlanPublished, PlanAssigned, PlanRetired -> v1.PlanRow
//   "statement-<rep_id>-<period_id>" StatementIssued, StatementApproved, PayoutRecorded,
//                                    AdjustmentAdded, LineDisputed, DisputeAccepted,
//                                    DisputeRejected                -> v1.StatementView
//   "contest-<contest_id>"           ContestCreated, ContestClosed   -> v1.ContestRow
//
// Evolve functions are pure and total: an event of another stream kind is ignored (OK),
// and one that breaks the record's invariants (a version out of order, a statement event
// before StatementIssued) is INVALID_ARGUMENT. Thread-safe.
#ifndef SALESPERF_SERVICES_INCENTIVES_APP_RECORDS_H_
#define SALESPERF_SERVICES_INCENTIVES_APP_RECORDS_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "salesperf/common/v1/envelope.pb.h"
#include "salesperf/incentives/v1/incentives.pb.h"
#include "salesperf/incentives/v1/views.pb.h"

namespace salesperf::incentives {

using ::salesperf::common::v1::EventEnvelope;

std::string PlanStream(std::string_view plan_id);
std::string StatementStream(std::string_view rep_id, std::string_view period_id);
std::string ContestStream(std::string_view contest_id);

// The ref of an envelope (stream, version, sequence).
v1::EventRef RefOf(const EventEnvelope& envelope);

// Folds a plan-stream event into `row` (version checked against row.refs_size()).
absl::Status EvolvePlan(v1::PlanRow& row, const EventEnvelope& envelope);
// Folds a statement-stream event into `view` (version checked against view.version()).
absl::Status EvolveStatement(v1::StatementView& view, const EventEnvelope& envelope);
// Folds a contest-stream event into `row`.
absl::Status EvolveContest(v1::ContestRow& row, const EventEnvelope& envelope);

// True for the payload types of the three stream kinds above.
bool IsPlanEvent(const EventEnvelope& envelope);
bool IsStatementEvent(const EventEnvelope& envelope);
bool IsContestEvent(const EventEnvelope& envelope);

// The plan versions of a row with the row's current assignees and retirement applied:
// what SelectPlan chooses among.
std::vector<v1::Plan> EffectiveVersions(const v1::PlanRow& row);

}  // namespace salesperf::incentives

#endif  // SALESPERF_SERVICES_INCENTIVES_APP_RECORDS_H_
