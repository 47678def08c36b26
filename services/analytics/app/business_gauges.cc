#include "services/analytics/app/business_gauges.h"

#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "libs/common/money.h"
#include "libs/common/status_macros.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "services/analytics/domain/org.h"

namespace salesperf::analytics {
namespace {

prometheus::Family<prometheus::Gauge>* Family(prometheus::Registry* registry, const char* name,
                                              const char* help) {
  return &prometheus::BuildGauge().Name(name).Help(help).Register(*registry);
}

std::string LevelName(common::v1::ScopeKind kind) {
  switch (kind) {
    case common::v1::SCOPE_KIND_REGION:
      return "region";
    case common::v1::SCOPE_KIND_TEAM:
      return "team";
    default:
      return "company";
  }
}

std::string TargetMetricName(targets::v1::Metric metric) {
  std::string name = targets::v1::Metric_Name(metric);
  if (name.starts_with("METRIC_")) name = name.substr(7);
  absl::AsciiStrToLower(&name);
  return name;
}

}  // namespace

BusinessGauges::BusinessGauges(const AnalyticsQueries* queries, prometheus::Registry* registry)
    : queries_(queries),
      revenue_(Family(registry, "salesperf_business_revenue",
                      "Revenue won in the current period, in major currency units.")),
      deals_won_(
          Family(registry, "salesperf_business_deals_won", "Deals won in the current period.")),
      calls_(Family(registry, "salesperf_business_calls", "Calls logged in the current period.")),
      visits_(Family(registry, "salesperf_business_visits", "Visits done in the current period.")),
      csat_(Family(registry, "salesperf_business_csat",
                   "Average CSAT score (1..5) in the current period.")),
      attainment_(Family(registry, "salesperf_business_attainment_ratio",
                         "Actual / target of the current period's targets (1 = 100%).")),
      pace_(Family(registry, "salesperf_business_attainment_pace_ratio",
                   "Actual / expected to date of the current period's targets (1 = on pace).")),
      elapsed_(Family(registry, "salesperf_business_period_elapsed_ratio",
                      "Share of the current period's working days elapsed (0..1).")),
      risk_flags_(Family(registry, "salesperf_business_open_risk_flags",
                         "Open risk flags (跑单) of reps placed in the scope now.")) {}

void BusinessGauges::Set(prometheus::Family<prometheus::Gauge>* family, const Labels& labels,
                         double value) {
  auto key = std::make_pair(family, labels);
  prometheus::Gauge* gauge = nullptr;
  if (auto it = live_.find(key); it != live_.end()) {
    gauge = it->second;
  } else {
    gauge = &family->Add(labels);
  }
  gauge->Set(value);
  fresh_[key] = gauge;
}

absl::Status BusinessGauges::Refresh() {
  absl::MutexLock lock(&mu_);
  fresh_.clear();
  const absl::CivilDay today = queries_->Today();
  ASSIGN_OR_RETURN(Calendar calendar, queries_->CurrentCalendar());
  std::vector<std::pair<PeriodKind, const char*>> periods = {{PeriodKind::kMonth, "month"},
                                                             {PeriodKind::kQuarter, "quarter"}};
  // A fiscal year starting in January, April, July or October has calendar quarters; any
  // other start has quarters of its own, with their own targets.
  if (calendar.fiscal_year_start_month % 3 != 1) {
    periods.emplace_back(PeriodKind::kFiscalQuarter, "fiscal_quarter");
  }
  for (const auto& [kind, label] : periods) {
    ASSIGN_OR_RETURN(Period period,
                     Period::Containing(kind, today, calendar.fiscal_year_start_month));
    const int total = period.WorkingDays(calendar);
    Set(elapsed_, {{"period", label}},
        total == 0 ? 0.0 : static_cast<double>(period.WorkingDaysElapsed(calendar, today)) / total);

    // Company and regions, then each region's teams.
    v1::GetRegionalViewRequest request;
    request.mutable_parent()->set_kind(common::v1::SCOPE_KIND_COMPANY);
    request.mutable_period()->set_id(period.Id());
    request.set_as_of_day("");
    for (v1::Metric m : {v1::METRIC_REVENUE, v1::METRIC_DEALS_WON, v1::METRIC_CALLS,
                         v1::METRIC_VISITS_DONE, v1::METRIC_CSAT_AVERAGE}) {
      request.add_metrics(m);
    }
    // Open risk flags are a state now, not per period: read once, with the month.
    const bool with_flags = kind == PeriodKind::kMonth;
    if (with_flags) request.add_metrics(v1::METRIC_OPEN_RISK_FLAGS);
    ASSIGN_OR_RETURN(v1::GetRegionalViewResponse company, queries_->GetRegionalView(request));
    std::vector<v1::RegionalRow> rows = {company.total()};
    rows.insert(rows.end(), company.rows().begin(), company.rows().end());
    for (const v1::RegionalRow& region : company.rows()) {
      *request.mutable_parent() = region.scope();
      ASSIGN_OR_RETURN(v1::GetRegionalViewResponse teams, queries_->GetRegionalView(request));
      rows.insert(rows.end(), teams.rows().begin(), teams.rows().end());
    }
    absl::StatusOr<Currency> currency = Currency::Parse(company.currency_code());
    const double unit = std::pow(10.0, currency.ok() ? currency->exponent() : 2);
    for (const v1::RegionalRow& row : rows) {
      const Labels labels = {
          {"level", LevelName(row.scope().kind())}, {"scope", row.scope().id()}, {"period", label}};
      Labels with_currency = labels;
      with_currency["currency"] = company.currency_code();
      Set(revenue_, with_currency, static_cast<double>(row.values(0)) / unit);
      Set(deals_won_, labels, static_cast<double>(row.values(1)));
      Set(calls_, labels, static_cast<double>(row.values(2)));
      Set(visits_, labels, static_cast<double>(row.values(3)));
      Set(csat_, labels, static_cast<double>(row.values(4)) / 100.0);
      if (with_flags) {
        Set(risk_flags_, {{"level", labels.at("level")}, {"scope", row.scope().id()}},
            static_cast<double>(row.values(5)));
      }
    }
    v1::GetAttainmentRequest attainment;
    attainment.mutable_period()->set_id(period.Id());
    ASSIGN_OR_RETURN(v1::GetAttainmentResponse targets, queries_->GetAttainment(attainment));
    // One series per label set. The targets service keeps one open target per key, but a
    // closed one may remain beside its successor, and a calendar and a fiscal quarter with
    // the same days share labels: the open target wins, then the greater id, so that the
    // series does not depend on the order of the rows.
    std::map<Labels, const v1::Attainment*> per_key;
    for (const v1::Attainment& a : targets.attainments()) {
      const common::v1::ScopeKind scope_kind = a.key().scope().kind();
      if (scope_kind == common::v1::SCOPE_KIND_REP ||
          a.target_status() == targets::v1::TARGET_STATUS_DRAFT) {
        continue;
      }
      const Labels labels = {{"level", LevelName(scope_kind)},
                             {"scope", a.key().scope().id()},
                             {"period", label},
                             {"metric", TargetMetricName(a.key().metric())}};
      const v1::Attainment*& chosen = per_key[labels];
      auto rank = [](const v1::Attainment& t) {
        return std::make_pair(t.target_status() != targets::v1::TARGET_STATUS_CLOSED,
                              t.target_id());
      };
      if (chosen == nullptr || rank(*chosen) < rank(a)) chosen = &a;
    }
    for (const auto& [labels, a] : per_key) {
      Set(attainment_, labels, static_cast<double>(a->attainment_bp()) / 10000.0);
      Set(pace_, labels, static_cast<double>(a->pace_bp()) / 10000.0);
    }
  }
  for (auto& [key, gauge] : live_) {
    if (!fresh_.contains(key)) key.first->Remove(gauge);
  }
  live_ = std::move(fresh_);
  fresh_.clear();
  return absl::OkStatus();
}

}  // namespace salesperf::analytics
