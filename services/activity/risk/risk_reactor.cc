#include "services/activity/risk/risk_reactor.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/common/logging.h"
#include "libs/common/status_macros.h"
#include "libs/common/string_view_compat.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "services/activity/risk/risk_keys.h"

namespace salesperf::activity::risk {

struct RiskReactor::Metrics {
  explicit Metrics(prometheus::Registry& registry)
      : raised(prometheus::BuildCounter()
                   .Name("salesperf_activity_risk_flags_raised_total")
                   .Help("Risk (跑单) flags raised by the activity service, by rule.")
                   .Register(registry)) {
    for (int r = v1::RiskRule_MIN + 1; r <= v1::RiskRule_MAX; ++r) {
      by_rule[r] = &raised.Add({{"rule", std::string(RuleLabel(static_cast<v1::RiskRule>(r)))}});
    }
  }
  prometheus::Family<prometheus::Counter>& raised;
  prometheus::Counter* by_rule[v1::RiskRule_ARRAYSIZE] = {};
};

namespace {

std::string StreamOf(std::string_view flag_id) { return absl::StrCat("risk-", ToAbsl(flag_id)); }

template <typename Event>
eventstore::EventEnvelope Envelope(const Event& event, absl::Time now, const std::string& actor) {
  eventstore::EventEnvelope envelope;
  *envelope.mutable_occurred_at() = ToTimestamp(now);
  envelope.set_actor(actor);
  envelope.mutable_payload()->PackFrom(event);
  return envelope;
}

}  // namespace

RiskReactor::RiskReactor(eventstore::EventStore* store, const projection::ViewDb* views,
                         Clock* clock, RiskReactorOptions options)
    : store_(store), views_(views), clock_(clock), options_(std::move(options)) {
  if (options_.registry != nullptr) metrics_ = std::make_unique<Metrics>(*options_.registry);
}

RiskReactor::~RiskReactor() { Stop(); }

uint64_t RiskReactor::flags_raised() const {
  absl::MutexLock lock(&mu_);
  return flags_raised_;
}

absl::Status RiskReactor::AppendClear(const v1::RiskFlagCleared& cleared, bool& appended) {
  appended = false;
  eventstore::AppendRequest request;
  request.stream_id = StreamOf(cleared.flag_id());
  request.expected_version = eventstore::ExpectedVersion::Exactly(1);
  request.events.push_back(Envelope(cleared, clock_->Now(), options_.actor));
  // One key for the fold's clear and the sweep's: the reasons differ, the fact does not.
  request.request_id = absl::StrCat("risk-clear-", cleared.flag_id());
  request.request_fingerprint = request.request_id;
  absl::StatusOr<eventstore::AppendResult> result = store_->Append(std::move(request));
  if (result.ok()) {
    appended = !result->deduplicated;
    return absl::OkStatus();
  }
  if (result.status().code() != absl::StatusCode::kAborted) return result.status();
  // A manager cleared it first (version 2), or its raise is not published yet (0).
  ASSIGN_OR_RETURN(uint64_t version, store_->StreamVersion(StreamOf(cleared.flag_id())));
  if (version >= 2) return absl::OkStatus();
  return absl::UnavailableError(
      absl::StrCat("clear of risk flag ", cleared.flag_id(), " waits for its raise"));
}

absl::StatusOr<size_t> RiskReactor::PublishPending() {
  absl::MutexLock pass(&pass_mu_);
  projection::ScanOptions scan;
  scan.prefix = std::string(keys::kPendingPrefix);
  ASSIGN_OR_RETURN(std::vector<projection::ViewRow> rows, views_->Scan(keys::kRulesView, scan));
  absl::flat_hash_set<std::string> still_published;
  size_t appended = 0;
  absl::Status failure;
  for (const projection::ViewRow& row : rows) {
    if (published_.contains(row.key)) {
      still_published.insert(row.key);
      continue;
    }
    if (row.value.empty()) return absl::DataLossError(absl::StrCat("empty pending row ", row.key));
    const std::string_view body = std::string_view(row.value).substr(1);
    if (row.value[0] == 'R') {
      v1::RiskFlagged flag;
      if (!flag.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
        return absl::DataLossError(absl::StrCat("malformed pending row ", row.key));
      }
      eventstore::AppendRequest request;
      request.stream_id = StreamOf(flag.flag_id());
      request.expected_version = eventstore::ExpectedVersion::NoStream();
      request.events.push_back(Envelope(flag, clock_->Now(), options_.actor));
      request.request_id = absl::StrCat("risk-raise-", flag.flag_id());
      request.request_fingerprint = request.request_id;
      absl::StatusOr<eventstore::AppendResult> result = store_->Append(std::move(request));
      if (!result.ok() && result.status().code() != absl::StatusCode::kAborted) {
        failure = result.status();
        break;
      }
      // ABORTED: the stream exists, so the flag was raised already.
      if (result.ok() && !result->deduplicated) {
        ++appended;
        {
          absl::MutexLock lock(&mu_);
          ++flags_raised_;
        }
        if (metrics_ != nullptr && flag.rule() > 0 && flag.rule() < v1::RiskRule_ARRAYSIZE &&
            metrics_->by_rule[flag.rule()] != nullptr) {
          metrics_->by_rule[flag.rule()]->Increment();
        }
      }
    } else if (row.value[0] == 'C') {
      v1::RiskFlagCleared cleared;
      if (!cleared.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
        return absl::DataLossError(absl::StrCat("malformed pending row ", row.key));
      }
      bool done = false;
      if (absl::Status s = AppendClear(cleared, done); !s.ok()) {
        failure = s;
        break;
      }
      if (done) ++appended;
    } else {
      return absl::DataLossError(absl::StrCat("unknown pending row kind in ", row.key));
    }
    still_published.insert(row.key);
  }
  published_ = std::move(still_published);
  if (!failure.ok()) return failure;
  return appended;
}

absl::StatusOr<size_t> RiskReactor::Sweep() {
  absl::MutexLock pass(&pass_mu_);
  const absl::Time now = clock_->Now();
  projection::ScanOptions scan;
  scan.prefix = std::string(keys::kSweepPrefix);
  std::unique_ptr<projection::ReadSnapshot> snapshot = views_->GetSnapshot();
  scan.snapshot = snapshot.get();
  ASSIGN_OR_RETURN(std::vector<projection::ViewRow> rows, views_->Scan(keys::kRulesView, scan));
  size_t cleared = 0;
  for (const projection::ViewRow& row : rows) {
    std::optional<std::string_view> flag_id = keys::FlagIdOfSweepRow(row.key);
    if (!flag_id.has_value()) continue;
    ASSIGN_OR_RETURN(std::optional<std::string> value,
                     views_->Get(keys::kRulesView, row.value, snapshot.get()));
    if (!value.has_value()) continue;
    v1::RiskRuleState state;
    if (!state.ParseFromString(*value)) {
      return absl::DataLossError(absl::StrCat("malformed risk state ", row.value));
    }
    if (state.open_flag_id() != *flag_id) continue;
    Step step = Slide(options_.config, std::move(state), now);
    if (step.decision.kind != Decision::Kind::kClear) continue;
    step.decision.cleared.set_reason(
        absl::StrCat(step.decision.cleared.reason(), " (periodic check)"));
    bool appended = false;
    RETURN_IF_ERROR(AppendClear(step.decision.cleared, appended));
    if (appended) ++cleared;
  }
  return cleared;
}

absl::Status RiskReactor::Start() {
  absl::MutexLock lock(&mu_);
  if (running_) return absl::FailedPreconditionError("risk reactor already running");
  running_ = true;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

void RiskReactor::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (!running_) return;
    stopping_ = true;
  }
  thread_.join();
  absl::MutexLock lock(&mu_);
  running_ = false;
}

void RiskReactor::Loop() {
  absl::Time next_sweep = clock_->Now() + options_.sweep_interval;
  while (true) {
    if (absl::StatusOr<size_t> n = PublishPending(); !n.ok()) {
      LogWarn("risk reactor: publishing decisions failed",
              {{"error", std::string(n.status().message())}});
    }
    if (clock_->Now() >= next_sweep) {
      if (absl::StatusOr<size_t> n = Sweep(); !n.ok()) {
        LogWarn("risk reactor: sweep failed", {{"error", std::string(n.status().message())}});
      }
      next_sweep = clock_->Now() + options_.sweep_interval;
    }
    absl::MutexLock lock(&mu_);
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.poll_interval)) return;
  }
}

}  // namespace salesperf::activity::risk
