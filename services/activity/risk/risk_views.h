// The risk projection's read models (column families "view.risk_*"), folded by the
// activity service's ProjectionRunner from its own events and the targets service's
// organisation events:
//
//   RiskRulesView ("risk_rules")  each rule's state per subject (domain/risk_rules.h),
//                                 customer owners, and the decisions the reactor has yet
//                                 to publish ("pending" rows).
//   RiskFlagsView ("risk_flags")  every flag as listed, with indexes by rep and rule,
//                                 folded from RiskFlagged / RiskFlagCleared.
//   RiskOrgView   ("risk_org")    each rep's teams over time (RepHired, RepMoved,
//                                 RepDeactivated), to list flags by team and region.
//
// Raising is a side effect, so Apply never appends: RiskRulesView writes a pending row
// keyed by the flag id (deterministic: "<rule code>-<sequence of the triggering event>")
// and RiskReactor publishes it; the RiskFlagged / RiskFlagCleared event then folds back
// and deletes the pending row. A rule state treats a pending flag as open, so a fold
// replayed from scratch decides exactly what the first fold decided.
//
// Deterministic and evolve-only (libs/projection/view.h): rows depend on the events only
// (window ends are event times, never a clock); unknown payloads are skipped. Row
// layouts: risk_keys.cc.
#ifndef SALESPERF_SERVICES_ACTIVITY_RISK_RISK_VIEWS_H_
#define SALESPERF_SERVICES_ACTIVITY_RISK_RISK_VIEWS_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "libs/projection/view.h"
#include "services/activity/risk/domain/risk_rules.h"
#include "services/activity/risk/risk_keys.h"

namespace salesperf::activity::risk {

class RiskRulesView final : public projection::View {
 public:
  // `config` must be valid (RiskConfig::Validate).
  explicit RiskRulesView(RiskConfig config) : config_(config) {}
  std::string_view name() const override { return keys::kRulesView; }
  absl::Status Apply(const projection::EventEnvelope& event, projection::ViewTxn& txn) override;

 private:
  const RiskConfig config_;
};

class RiskFlagsView final : public projection::View {
 public:
  std::string_view name() const override { return keys::kFlagsView; }
  absl::Status Apply(const projection::EventEnvelope& event, projection::ViewTxn& txn) override;
};

class RiskOrgView final : public projection::View {
 public:
  std::string_view name() const override { return keys::kOrgView; }
  absl::Status Apply(const projection::EventEnvelope& event, projection::ViewTxn& txn) override;
};

// The risk views, for the activity service's ViewDb and ProjectionRunner (which must
// fold the activity events and the targets organisation events).
std::vector<std::string> RiskViewNames();
std::vector<std::unique_ptr<projection::View>> NewRiskViews(const RiskConfig& config);

}  // namespace salesperf::activity::risk

#endif  // SALESPERF_SERVICES_ACTIVITY_RISK_RISK_VIEWS_H_
