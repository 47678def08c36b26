#include "tools/loadgen/load.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "libs/common/status_macros.h"
#include "nlohmann/json.hpp"
#include "tools/loadgen/generator.h"
#include "tools/loadgen/rpc.h"
#if SALESPERF_LOADGEN_WITH_ACTIVITY
#include "salesperf/activity/v1/activity.grpc.pb.h"
#endif

namespace salesperf::loadgen {
namespace {

constexpr const char* kStatusNames[] = {
    "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED"};

std::string CodeName(absl::StatusCode code) {
  const int c = static_cast<int>(code);
  return c >= 0 && c < 17 ? kStatusNames[c] : absl::StrCat("CODE_", c);
}

// What one thread measured.
struct Samples {
  std::map<std::string, std::vector<absl::Duration>> latencies;
  std::map<std::string, int64_t> rpc_errors;
  std::map<std::string, int64_t> errors_by_code;
  std::map<std::string, int64_t> operations_by_kind;
  int64_t operations = 0;
  int64_t failed = 0;
  std::string first_error;
};

#if SALESPERF_LOADGEN_WITH_ACTIVITY
namespace av1 = ::salesperf::activity::v1;

google::protobuf::Timestamp Ts(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

class Driver {
 public:
  Driver(const LoadOptions& options, const DemoData& data, const Endpoints& endpoints,
         std::string run_id)
      : options_(options),
        data_(data),
        stub_(av1::ActivityService::NewStub(endpoints.channel("activity"))),
        run_id_(std::move(run_id)) {
    by_rep_.resize(data_.reps.size());
    for (size_t c = 0; c < data_.customers.size(); ++c) {
      by_rep_[static_cast<size_t>(data_.customers[c].owner)].push_back(static_cast<int>(c));
    }
    call_options_.actor = "loadgen";
    call_options_.attempts = 1;
    call_options_.deadline = absl::Seconds(10);
  }

  // Runs operation `i`; records into `samples`.
  void Run(int64_t i, Samples& samples) {
    // Which kind, rep and customer follow from the index: a run is reproducible.
    uint64_t h = Hash(static_cast<uint64_t>(i));
    const int total = options_.mix.calls + options_.mix.visits + options_.mix.deals;
    const int pick = static_cast<int>(h % static_cast<uint64_t>(total));
    h = Hash(h);
    const size_t rep = h % data_.reps.size();
    h = Hash(h);
    const std::vector<int>& owned = by_rep_[rep];
    const CustomerSpec& customer = data_.customers[static_cast<size_t>(owned[h % owned.size()])];
    const std::string& rep_id = data_.reps[rep].rep_id;
    const std::string id = absl::StrCat(run_id_, "-", i);
    std::string kind;
    bool ok = false;
    if (pick < options_.mix.calls) {
      kind = "calls";
      ok = LogCall(id, rep_id, customer, h, samples);
    } else if (pick < options_.mix.calls + options_.mix.visits) {
      kind = "visits";
      ok = Visit(id, rep_id, customer, h, samples);
    } else {
      kind = "deals";
      ok = Deal(id, rep_id, customer, h, samples);
    }
    ++samples.operations;
    if (ok) {
      ++samples.operations_by_kind[kind];
    } else {
      ++samples.failed;
    }
  }

 private:
  static uint64_t Hash(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }

  template <typename Req, typename Resp>
  bool Timed(const char* name,
             grpc::Status (av1::ActivityService::Stub::*method)(grpc::ClientContext*, const Req&,
                                                                Resp*),
             const Req& request, Samples& samples) {
    Resp response;
    const absl::Time start = absl::Now();
    const absl::Status s = Call(*stub_, method, request, &response, call_options_);
    const absl::Duration took = absl::Now() - start;
    if (s.ok()) {
      samples.latencies[name].push_back(took);
      return true;
    }
    ++samples.rpc_errors[name];
    ++samples.errors_by_code[CodeName(s.code())];
    if (samples.first_error.empty()) {
      samples.first_error = absl::StrCat(name, ": ", CodeName(s.code()), ": ", s.message());
    }
    return false;
  }

  bool LogCall(const std::string& id, const std::string& rep_id, const CustomerSpec& customer,
               uint64_t h, Samples& samples) {
    av1::LogCallRequest r;
    r.set_request_id(absl::StrCat(id, "-call"));
    av1::CallRecord* call = r.mutable_call();
    call->set_rep_id(rep_id);
    call->set_customer_id(customer.customer_id);
    call->set_direction(av1::CALL_DIRECTION_OUTBOUND);
    *call->mutable_started_at() = Ts(absl::Now() - absl::Minutes(2));
    const bool connected = h % 100 < 55;
    call->set_outcome(connected ? av1::CALL_OUTCOME_CONNECTED : av1::CALL_OUTCOME_NO_ANSWER);
    call->set_duration_seconds(connected ? static_cast<int64_t>(30 + h % 400) : 0);
    call->set_external_call_id(id);
    call->set_phone_system("loadgen");
    return Timed("LogCall", &av1::ActivityService::Stub::LogCall, r, samples);
  }

  bool Visit(const std::string& id, const std::string& rep_id, const CustomerSpec& customer,
             uint64_t h, Samples& samples) {
    const std::string visit_id = absl::StrCat(id, "-v");
    const absl::Time now = absl::Now();
    av1::PlanVisitRequest plan;
    plan.set_request_id(absl::StrCat(visit_id, "-plan"));
    plan.set_visit_id(visit_id);
    plan.set_rep_id(rep_id);
    plan.set_customer_id(customer.customer_id);
    *plan.mutable_planned_at() = Ts(now);
    plan.set_purpose("产品演示");
    if (!Timed("PlanVisit", &av1::ActivityService::Stub::PlanVisit, plan, samples)) return false;
    av1::GeoPoint at;
    // Tens of metres from the customer.
    at.set_latitude(customer.location.latitude + static_cast<double>(h % 100) * 1e-6);
    at.set_longitude(customer.location.longitude + static_cast<double>((h >> 8) % 100) * 1e-6);
    at.set_accuracy_meters(15);
    av1::CheckInRequest in;
    in.set_request_id(absl::StrCat(visit_id, "-in"));
    in.set_visit_id(visit_id);
    *in.mutable_checked_in_at() = Ts(now);
    *in.mutable_position() = at;
    if (!Timed("CheckIn", &av1::ActivityService::Stub::CheckIn, in, samples)) return false;
    av1::CheckOutRequest out;
    out.set_request_id(absl::StrCat(visit_id, "-out"));
    out.set_visit_id(visit_id);
    *out.mutable_checked_out_at() = Ts(now);
    *out.mutable_position() = at;
    if (!Timed("CheckOut", &av1::ActivityService::Stub::CheckOut, out, samples)) return false;
    av1::RecordVisitOutcomeRequest outcome;
    outcome.set_request_id(absl::StrCat(visit_id, "-outcome"));
    outcome.set_visit_id(visit_id);
    outcome.set_outcome(av1::VISIT_OUTCOME_COMPLETED);
    return Timed("RecordVisitOutcome", &av1::ActivityService::Stub::RecordVisitOutcome, outcome,
                 samples);
  }

  bool Deal(const std::string& id, const std::string& rep_id, const CustomerSpec& customer,
            uint64_t h, Samples& samples) {
    const std::string deal_id = absl::StrCat(id, "-d");
    common::v1::Money amount;
    amount.set_currency_code(kDemoCurrency);
    amount.set_minor_units(static_cast<int64_t>(20'000 + h % 500'000) * 100);
    av1::OpenDealRequest open;
    open.set_request_id(absl::StrCat(deal_id, "-open"));
    open.set_deal_id(deal_id);
    open.set_rep_id(rep_id);
    open.set_customer_id(customer.customer_id);
    open.set_title("负载测试项目");
    *open.mutable_amount() = amount;
    open.set_customer_type(customer.customer_type);
    if (!Timed("OpenDeal", &av1::ActivityService::Stub::OpenDeal, open, samples)) return false;
    av1::ChangeDealStageRequest stage;
    stage.set_request_id(absl::StrCat(deal_id, "-stage"));
    stage.set_deal_id(deal_id);
    stage.set_to_stage(av1::DEAL_STAGE_PROPOSAL);
    if (!Timed("ChangeDealStage", &av1::ActivityService::Stub::ChangeDealStage, stage, samples)) {
      return false;
    }
    if ((h >> 16) % 2 == 0) {
      av1::WinDealRequest win;
      win.set_request_id(absl::StrCat(deal_id, "-win"));
      win.set_deal_id(deal_id);
      *win.mutable_amount() = amount;
      return Timed("WinDeal", &av1::ActivityService::Stub::WinDeal, win, samples);
    }
    av1::LoseDealRequest lose;
    lose.set_request_id(absl::StrCat(deal_id, "-lose"));
    lose.set_deal_id(deal_id);
    lose.set_reason("价格过高");
    return Timed("LoseDeal", &av1::ActivityService::Stub::LoseDeal, lose, samples);
  }

  const LoadOptions& options_;
  const DemoData& data_;
  std::unique_ptr<av1::ActivityService::Stub> stub_;
  std::string run_id_;
  std::vector<std::vector<int>> by_rep_;
  CallOptions call_options_;
};
#endif  // SALESPERF_LOADGEN_WITH_ACTIVITY

void Merge(Samples& into, Samples&& from) {
  for (auto& [name, v] : from.latencies) {
    std::vector<absl::Duration>& dst = into.latencies[name];
    dst.insert(dst.end(), v.begin(), v.end());
  }
  for (const auto& [k, n] : from.rpc_errors) into.rpc_errors[k] += n;
  for (const auto& [k, n] : from.errors_by_code) into.errors_by_code[k] += n;
  for (const auto& [k, n] : from.operations_by_kind) into.operations_by_kind[k] += n;
  into.operations += from.operations;
  into.failed += from.failed;
  if (into.first_error.empty()) into.first_error = std::move(from.first_error);
}

double Millis(absl::Duration d) { return absl::ToDoubleMilliseconds(d); }

}  // namespace

absl::StatusOr<LoadMix> ParseMix(std::string_view text) {
  LoadMix mix{0, 0, 0};
  for (absl::string_view part :
       absl::StrSplit(absl::string_view(text.data(), text.size()), ',', absl::SkipWhitespace())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    int weight = 0;
    if (!absl::SimpleAtoi(kv.second, &weight) || weight < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("mix: \"", part, "\" needs a non-negative integer weight, e.g. calls=70"));
    }
    if (kv.first == "calls") {
      mix.calls = weight;
    } else if (kv.first == "visits") {
      mix.visits = weight;
    } else if (kv.first == "deals") {
      mix.deals = weight;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("mix: unknown kind \"", kv.first, "\"; expected calls, visits or deals"));
    }
  }
  if (mix.calls + mix.visits + mix.deals <= 0) {
    return absl::InvalidArgumentError("mix: at least one weight must be positive");
  }
  return mix;
}

absl::Duration Percentile(const std::vector<absl::Duration>& sorted, double p) {
  if (sorted.empty()) return absl::ZeroDuration();
  const auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

absl::StatusOr<LoadReport> RunLoad(const LoadOptions& options) {
#if !SALESPERF_LOADGEN_WITH_ACTIVITY
  return absl::FailedPreconditionError(
      "salesperf-loadgen was built without the activity API; nothing to drive");
#else
  if (options.mix.calls < 0 || options.mix.visits < 0 || options.mix.deals < 0 ||
      options.mix.calls + options.mix.visits + options.mix.deals <= 0) {
    return absl::InvalidArgumentError("mix: weights must be non-negative and not all zero");
  }
  if (options.rate < 0) return absl::InvalidArgumentError("rate must not be negative");
  DemoOptions org = options.org;
  org.with_history = false;
  if (options.seed_org) {
    RETURN_IF_ERROR(SeedDemo(org).status());
  }
  ASSIGN_OR_RETURN(const DemoData data, GenerateDemo(ToGeneratorOptions(org)));
  ASSIGN_OR_RETURN(const Endpoints endpoints,
                   Endpoints::Connect(org.server, org.service_addresses));
  std::string run_id = options.run_id;
  if (run_id.empty()) {
    absl::BitGen gen;
    run_id = absl::StrFormat("lg-%08x", absl::Uniform<uint32_t>(gen));
  }
  Driver driver(options, data, endpoints, run_id);

  const int threads = std::max(1, options.concurrency);
  std::atomic<int64_t> next{0};
  const absl::Time start = absl::Now();
  const absl::Time end = start + options.duration;
  std::vector<Samples> per_thread(static_cast<size_t>(threads));
  auto work = [&](Samples& samples) {
    for (;;) {
      const int64_t i = next.fetch_add(1);
      if (options.max_operations > 0 && i >= options.max_operations) return;
      if (options.rate > 0) {
        const absl::Time due = start + absl::Seconds(static_cast<double>(i) / options.rate);
        if (due >= end) return;
        absl::SleepFor(due - absl::Now());
      }
      if (absl::Now() >= end) return;
      driver.Run(i, samples);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back(work, std::ref(per_thread[static_cast<size_t>(t)]));
  for (std::thread& t : pool) t.join();
  const absl::Duration elapsed = absl::Now() - start;

  Samples all;
  for (Samples& s : per_thread) Merge(all, std::move(s));
  LoadReport report;
  report.run_id = run_id;
  report.elapsed = elapsed;
  report.operations = all.operations;
  report.failed_operations = all.failed;
  report.operations_by_kind = all.operations_by_kind;
  report.errors_by_code = all.errors_by_code;
  report.first_error = all.first_error;
  const double seconds = std::max(1e-9, absl::ToDoubleSeconds(elapsed));
  report.operations_per_second = static_cast<double>(all.operations - all.failed) / seconds;
  int64_t rpcs = 0;
  std::set<std::string> names;
  for (const auto& [name, v] : all.latencies) names.insert(name);
  for (const auto& [name, n] : all.rpc_errors) names.insert(name);
  for (const std::string& name : names) {
    std::vector<absl::Duration>& v = all.latencies[name];
    std::sort(v.begin(), v.end());
    RpcStats stats;
    stats.rpc = name;
    stats.ok = static_cast<int64_t>(v.size());
    stats.errors = all.rpc_errors[name];
    stats.p50 = Percentile(v, 0.50);
    stats.p90 = Percentile(v, 0.90);
    stats.p99 = Percentile(v, 0.99);
    stats.max = v.empty() ? absl::ZeroDuration() : v.back();
    absl::Duration sum;
    for (absl::Duration d : v) sum += d;
    stats.mean = v.empty() ? absl::ZeroDuration() : sum / static_cast<int64_t>(v.size());
    rpcs += stats.ok;
    report.rpcs.push_back(stats);
  }
  report.rpcs_per_second = static_cast<double>(rpcs) / seconds;
  return report;
#endif
}

std::string FormatReport(const LoadReport& report) {
  std::ostringstream out;
  out << absl::StrFormat("run %s: %d operations in %.1f s (%d failed): %.1f ops/s, %.1f RPC/s\n",
                         report.run_id, report.operations, absl::ToDoubleSeconds(report.elapsed),
                         report.failed_operations, report.operations_per_second,
                         report.rpcs_per_second);
  for (const auto& [kind, n] : report.operations_by_kind) {
    out << absl::StrFormat("  %-8s %d\n", kind, n);
  }
  out << absl::StrFormat("\n%-20s %9s %7s %9s %9s %9s %9s %9s\n", "RPC", "ok", "errors", "p50 ms",
                         "p90 ms", "p99 ms", "max ms", "mean ms");
  for (const RpcStats& s : report.rpcs) {
    out << absl::StrFormat("%-20s %9d %7d %9.2f %9.2f %9.2f %9.2f %9.2f\n", s.rpc, s.ok, s.errors,
                           Millis(s.p50), Millis(s.p90), Millis(s.p99), Millis(s.max),
                           Millis(s.mean));
  }
  if (!report.errors_by_code.empty()) {
    out << "\nerrors:";
    for (const auto& [code, n] : report.errors_by_code) out << " " << code << "=" << n;
    out << "\nfirst error: " << report.first_error << "\n";
  }
  return out.str();
}

std::string ReportJson(const LoadReport& report) {
  nlohmann::json j;
  j["run_id"] = report.run_id;
  j["elapsed_seconds"] = absl::ToDoubleSeconds(report.elapsed);
  j["operations"] = report.operations;
  j["failed_operations"] = report.failed_operations;
  j["operations_per_second"] = report.operations_per_second;
  j["rpcs_per_second"] = report.rpcs_per_second;
  j["operations_by_kind"] = report.operations_by_kind;
  j["errors_by_code"] = report.errors_by_code;
  j["first_error"] = report.first_error;
  j["rpcs"] = nlohmann::json::array();
  for (const RpcStats& s : report.rpcs) {
    j["rpcs"].push_back({{"rpc", s.rpc},
                         {"ok", s.ok},
                         {"errors", s.errors},
                         {"p50_ms", Millis(s.p50)},
                         {"p90_ms", Millis(s.p90)},
                         {"p99_ms", Millis(s.p99)},
                         {"max_ms", Millis(s.max)},
                         {"mean_ms", Millis(s.mean)}});
  }
  return j.dump(2) + "\n";
}

}  // namespace salesperf::loadgen
