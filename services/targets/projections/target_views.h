// The targets service's read models, folded by a ProjectionRunner from its own event
// store (LocalSource) or from salesperf.targets.events.v1:
//
//   TargetsView  ("targets")        every target as GetTarget shows it, and the indexes
//                                   behind ListTargets, the one-target-per-key check and
//                                   the target tree of GetTargetRollup.
//   HistoryView  ("target_history") each target's history, one row per stream version.
//
// Both fold target events with the domain's EvolveTarget, so a row equals what a fold of
// the target's stream gives. Deterministic and evolve-only (libs/projection/view.h):
// organisation events and unknown payloads are skipped; a target event out of stream order
// (a version that is not the next one) is INVALID_ARGUMENT, so the runner dead-letters it
// rather than folding a gap. Row layouts: keys.cc.
//
// The organisation is not a view: see README.md ("Why the organisation is served from
// memory").
#ifndef SALESPERF_SERVICES_TARGETS_PROJECTIONS_TARGET_VIEWS_H_
#define SALESPERF_SERVICES_TARGETS_PROJECTIONS_TARGET_VIEWS_H_

#include <string_view>
#include <vector>

#include "libs/projection/view.h"
#include "services/targets/projections/keys.h"

namespace salesperf::targets {

class TargetsView final : public projection::View {
 public:
  std::string_view name() const override { return keys::kTargetsView; }
  absl::Status Apply(const projection::EventEnvelope& event, projection::ViewTxn& txn) override;
};

class HistoryView final : public projection::View {
 public:
  std::string_view name() const override { return keys::kHistoryView; }
  absl::Status Apply(const projection::EventEnvelope& event, projection::ViewTxn& txn) override;
};

// Every view of the service, in the order the runner applies them.
std::vector<projection::ViewPtr> NewTargetViews();
std::vector<std::string> TargetViewNames();

}  // namespace salesperf::targets

#endif  // SALESPERF_SERVICES_TARGETS_PROJECTIONS_TARGET_VIEWS_H_
