// The incentives service's read models, folded by one ProjectionRunner from its own
// event store and the upstream services' events (targets, activity, feedback):
//
//   FactsView      ("facts")       what the calculator needs per rep and period: the
//                                  organisation (settings, placements, managers), rep
//                                  targets, won and cancelled deals with their credit
//                                  splits, CSAT scores and severe complaints. Every
//                                  row keeps the refs of the events it came from.
//   PlansView      ("plans")       every plan version, assignees, retirement.
//   StatementsView ("statements")  issued statements with adjustments, disputes,
//                                  approvals and payouts.
//   ContestsView   ("contests")    contests and their fixed winners.
//
// Deterministic and evolve-only (libs/projection/view.h). Facts from different sources
// are kept in separate rows and combined only when queried (a deal's DealWon and
// DealCancelled fill separate halves of its row; quality rows are keyed by instant,
// not by a day that would depend on the time zone arriving first), so rows do not
// depend on the interleaving of topics. Unknown payloads are skipped. Row layouts:
// keys.cc.
#ifndef SALESPERF_SERVICES_INCENTIVES_PROJECTIONS_INCENTIVE_VIEWS_H_
#define SALESPERF_SERVICES_INCENTIVES_PROJECTIONS_INCENTIVE_VIEWS_H_

#include <string>
#include <string_view>
#include <vector>

#include "libs/projection/view.h"
#include "services/incentives/projections/keys.h"

namespace salesperf::incentives {

class FactsView final : public projection::View {
 public:
  std::string_view name() const override { return keys::kFactsView; }
  absl::Status Apply(const projection::EventEnvelope& event, projection::ViewTxn& txn) override;
};

class PlansView final : public projection::View {
 public:
  std::string_view name() const override { return keys::kPlansView; }
  absl::Status Apply(const projection::EventEnvelope& event, projection::ViewTxn& txn) override;
};

class StatementsView final : public projection::View {
 public:
  std::string_view name() const override { return keys::kStatementsView; }
  absl::Status Apply(const projection::EventEnvelope& event, projection::ViewTxn& txn) override;
};

class ContestsView final : public projection::View {
 public:
  std::string_view name() const override { return keys::kContestsView; }
  absl::Status Apply(const projection::EventEnvelope& event, projection::ViewTxn& txn) override;
};

// Every view of the service, in the order the runner applies them.
std::vector<projection::ViewPtr> NewIncentiveViews();
std::vector<std::string> IncentiveViewNames();

}  // namespace salesperf::incentives

#endif  // SALESPERF_SERVICES_INCENTIVES_PROJECTIONS_INCENTIVE_VIEWS_H_
