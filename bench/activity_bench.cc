// salesperf_activity_bench: the activity service's write paths against raw baselines
// measured in the same run.
//
//   logcall  LogCall through gRPC into a real ActivityService (RocksDB in a TempDir, WAL
//            on, no fsync; projections and risk reactor running): validate, idempotency
//            lookup, load, decide, append, respond. Against a bare callback Echo service
//            (protos/salesperf/testing/v1/echo.proto) on the same server, with a payload
//            of the LogCall request's size. AxB = A client channels (own connections) x
//            B calls in flight on each, driven by gRPC's callback client API. Rounds
//            alternate echo and LogCall per case; ratios are medians over rounds.
//            Goals: LogCall / echo throughput >= 0.5 at 4x16; LogCall p99 <= 2x echo
//            p99 at 1x1.
//   import   bulk import of calls: ActivityApplication::ImportCallBatch of 1000 records
//            (validate, dedupe, decide, pack, one AppendMulti of 1000 new call streams)
//            into a running ActivityService, and the store's AppendMulti of the same
//            prepared streams alone, against raw RocksDB WriteBatches of 1000 Puts of the
//            same envelope bytes.
//
//   build/bin/salesperf_activity_bench [--grpc-seconds 2] [--grpc-rounds 3] [--long]
//                                      [--skip-grpc] [--skip-import] [--benchmark_*]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/benchmark_args.h"
#include "bench/echo_service.h"
#include "bench/process_cpu.h"
#include "benchmark/benchmark.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "libs/common/clock.h"
#include "libs/common/logging.h"
#include "libs/eventstore/rocksdb_event_store.h"
#include "libs/server/server.h"
#include "libs/testing/temp_dir.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "salesperf/activity/v1/activity.grpc.pb.h"
#include "salesperf/testing/v1/echo.grpc.pb.h"
#include "services/activity/activity_service.h"
#include "services/activity/app/event_codec.h"
#include "services/activity/domain/call.h"

namespace salesperf::activity {
namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "activity_bench: %s\n", what.c_str());
  std::exit(1);
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return absl::StrCat(one, " ", five, " ", fifteen);
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// ---------------------------------------------------------------------------------------
// LogCall through gRPC against echo.

// Issues one kind of call; one per client slot, so it may keep the call's messages.
class Caller {
 public:
  virtual ~Caller() = default;
  // Starts a call on `context`; `done` runs on a gRPC thread when it ends.
  virtual void Call(grpc::ClientContext* context, std::function<void(grpc::Status)> done) = 0;
};
using CallerFactory = std::function<std::unique_ptr<Caller>(std::shared_ptr<grpc::Channel>)>;

class EchoCaller final : public Caller {
 public:
  EchoCaller(std::shared_ptr<grpc::Channel> channel, size_t payload_bytes)
      : stub_(testing::v1::EchoService::NewStub(channel)) {
    request_.set_payload(std::string(payload_bytes, 'x'));
  }
  void Call(grpc::ClientContext* context, std::function<void(grpc::Status)> done) override {
    stub_->async()->Echo(context, &request_, &response_, std::move(done));
  }

 private:
  std::unique_ptr<testing::v1::EchoService::Stub> stub_;
  testing::v1::EchoRequest request_;
  testing::v1::EchoResponse response_;
};

// A new call (its own request_id and external_call_id) per LogCall; ids have a fixed
// width so every request has the same size.
v1::LogCallRequest LogCallRequest(uint64_t n, absl::Time now) {
  v1::LogCallRequest request;
  request.set_request_id(absl::StrFormat("bench-log-%012d", n));
  v1::CallRecord& r = *request.mutable_call();
  r.set_rep_id(absl::StrFormat("rep-%03d", n % 500));
  r.set_customer_id(absl::StrFormat("cust-%05d", n % 20000));
  r.set_direction(v1::CALL_DIRECTION_OUTBOUND);
  *r.mutable_started_at() = ToTimestamp(now - absl::Minutes(30));
  r.set_duration_seconds(180);
  r.set_outcome(v1::CALL_OUTCOME_CONNECTED);
  r.set_external_call_id(absl::StrFormat("pbx-%012d", n));
  r.set_phone_system("pbx");
  return request;
}

class LogCallCaller final : public Caller {
 public:
  LogCallCaller(std::shared_ptr<grpc::Channel> channel, std::atomic<uint64_t>* next)
      : stub_(v1::ActivityService::NewStub(channel)), next_(next) {}
  void Call(grpc::ClientContext* context, std::function<void(grpc::Status)> done) override {
    request_ = LogCallRequest(next_->fetch_add(1), absl::Now());
    context->AddMetadata(kActorMetadataKey, "bench");
    stub_->async()->LogCall(context, &request_, &response_, std::move(done));
  }

 private:
  std::unique_ptr<v1::ActivityService::Stub> stub_;
  std::atomic<uint64_t>* next_;
  v1::LogCallRequest request_;
  v1::LogCallResponse response_;
};

// What every slot of one load run shares.
struct LoadRun {
  std::atomic<bool> measuring{false};
  std::atomic<bool> stop{false};
  std::atomic<int64_t> completed{0};
  absl::Mutex mu;
  int running ABSL_GUARDED_BY(mu) = 0;
  std::string error ABSL_GUARDED_BY(mu);
};

// One call in flight at a time, started again from its own completion until the run stops.
class Slot {
 public:
  Slot(LoadRun* run, std::unique_ptr<Caller> caller) : run_(run), caller_(std::move(caller)) {}

  void Start() {
    context_ = std::make_unique<grpc::ClientContext>();
    context_->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    measured_ = run_->measuring.load(std::memory_order_relaxed);
    started_ = std::chrono::steady_clock::now();
    caller_->Call(context_.get(), [this](grpc::Status status) { Done(status); });
  }

  const std::vector<double>& latencies_us() const { return latencies_us_; }

 private:
  void Done(const grpc::Status& status) {
    const auto ended = std::chrono::steady_clock::now();
    if (!status.ok()) {
      absl::MutexLock lock(&run_->mu);
      if (run_->error.empty()) {
        run_->error = absl::StrCat(status.error_code(), " ", status.error_message());
      }
      run_->stop.store(true);
    } else {
      run_->completed.fetch_add(1, std::memory_order_relaxed);
      if (measured_ && !run_->stop.load(std::memory_order_relaxed)) {
        latencies_us_.push_back(
            std::chrono::duration<double, std::micro>(ended - started_).count());
      }
    }
    if (run_->stop.load()) {
      absl::MutexLock lock(&run_->mu);
      --run_->running;
      return;
    }
    Start();
  }

  LoadRun* const run_;
  const std::unique_ptr<Caller> caller_;
  std::unique_ptr<grpc::ClientContext> context_;
  std::chrono::steady_clock::time_point started_;
  bool measured_ = false;
  std::vector<double> latencies_us_;
};

struct LoadResult {
  double calls_per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
  // Process CPU (client, gRPC, handlers, store, projections) per call in the window.
  double cpu_us_per_call = 0;
};

// `channels` connections x `in_flight` calls each, for `warmup` then `measure`.
LoadResult Drive(const std::string& target, int channels, int in_flight, absl::Duration warmup,
                 absl::Duration measure, const CallerFactory& factory) {
  static int channel_serial = 0;
  LoadRun run;
  std::vector<std::unique_ptr<Slot>> slots;
  for (int c = 0; c < channels; ++c) {
    grpc::ChannelArguments args;
    // Distinct arguments and a local pool: each channel gets its own TCP connection.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("salesperf.bench_channel", ++channel_serial);
    std::shared_ptr<grpc::Channel> channel =
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
    if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
      Die("client channel did not connect");
    }
    for (int i = 0; i < in_flight; ++i) {
      slots.push_back(std::make_unique<Slot>(&run, factory(channel)));
    }
  }
  {
    absl::MutexLock lock(&run.mu);
    run.running = static_cast<int>(slots.size());
  }
  for (auto& slot : slots) slot->Start();
  absl::SleepFor(warmup);
  run.measuring.store(true);
  const int64_t first = run.completed.load();
  const absl::Time start = absl::Now();
  const double cpu_start = bench::ProcessCpuSeconds();
  absl::SleepFor(measure);
  const int64_t last = run.completed.load();
  const absl::Time end = absl::Now();
  const double cpu_end = bench::ProcessCpuSeconds();
  run.stop.store(true);
  {
    auto all_done = [&run]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(run.mu) { return run.running == 0; };
    absl::MutexLock lock(&run.mu, absl::Condition(&all_done));
    if (!run.error.empty()) Die(absl::StrCat("call failed: ", run.error));
  }
  std::vector<double> latencies;
  for (const auto& slot : slots) {
    latencies.insert(latencies.end(), slot->latencies_us().begin(), slot->latencies_us().end());
  }
  LoadResult result;
  result.calls_per_second = static_cast<double>(last - first) / absl::ToDoubleSeconds(end - start);
  if (last > first) {
    result.cpu_us_per_call = (cpu_end - cpu_start) * 1e6 / static_cast<double>(last - first);
  }
  result.p50_us = Percentile(latencies, 0.5);
  result.p99_us = Percentile(latencies, 0.99);
  return result;
}

struct GrpcFlags {
  absl::Duration measure = absl::Seconds(2);
  absl::Duration warmup = absl::Milliseconds(500);
  int rounds = 3;
  // Run only these cases ("1x1,4x16"); empty: all three. For profiling.
  std::string only;
};

void RunGrpc(const GrpcFlags& flags) {
  ::salesperf::testing::TempDir dir;
  ActivityServiceOptions options;
  options.env.data_dir = dir.path().string();
  absl::StatusOr<std::unique_ptr<ActivityService>> service = ActivityService::Open(options);
  if (!service.ok()) Die(service.status().ToString());
  bench::EchoService echo;
  server::Server server(server::ServerOptions{});
  for (grpc::Service* s : (*service)->grpc_services()) server.RegisterService(s);
  server.RegisterService(&echo);
  if (absl::Status s = server.Start(); !s.ok()) Die(s.ToString());
  if (absl::Status s = (*service)->Start(); !s.ok()) Die(s.ToString());
  if (absl::Status s = (*service)->CatchUp(absl::Seconds(30)); !s.ok()) Die(s.ToString());
  server.SetServing(true);
  const std::string target = absl::StrCat("127.0.0.1:", server.port());

  const size_t payload = LogCallRequest(0, absl::Now()).ByteSizeLong();
  std::atomic<uint64_t> next_call{1};

  // The application alone, one thread, no gRPC: what a LogCall costs the server.
  {
    CallContext ctx;
    ctx.actor = "bench";
    const absl::Time start = absl::Now();
    int calls = 0;
    while (absl::Now() - start < flags.measure / 2) {
      for (int i = 0; i < 100; ++i, ++calls) {
        absl::StatusOr<v1::LogCallResponse> r = (*service)->application().LogCall(
            ctx, LogCallRequest(next_call.fetch_add(1), absl::Now()));
        if (!r.ok()) Die(r.status().ToString());
      }
    }
    std::printf("logcall: ActivityApplication::LogCall alone (one thread, no gRPC): %.1f us/call\n",
                absl::ToDoubleMicroseconds(absl::Now() - start) / calls);
  }
  const CallerFactory echo_factory = [payload](std::shared_ptr<grpc::Channel> channel) {
    return std::make_unique<EchoCaller>(std::move(channel), payload);
  };
  const CallerFactory log_factory = [&next_call](std::shared_ptr<grpc::Channel> channel) {
    return std::make_unique<LogCallCaller>(std::move(channel), &next_call);
  };

  struct Case {
    int channels;
    int in_flight;
    std::vector<LoadResult> echo, log;
  };
  std::vector<Case> cases = {{1, 1, {}, {}}, {1, 8, {}, {}}, {4, 16, {}, {}}};
  std::printf(
      "logcall: payload %zu bytes, %d rounds of %.1f s per side and case, load average %s\n",
      payload, flags.rounds, absl::ToDoubleSeconds(flags.measure), LoadAverage().c_str());
  for (int round = 0; round < flags.rounds; ++round) {
    for (Case& c : cases) {
      if (!flags.only.empty() &&
          !absl::StrContains(absl::StrCat(",", flags.only, ","),
                             absl::StrCat(",", c.channels, "x", c.in_flight, ","))) {
        continue;
      }
      c.echo.push_back(
          Drive(target, c.channels, c.in_flight, flags.warmup, flags.measure, echo_factory));
      c.log.push_back(
          Drive(target, c.channels, c.in_flight, flags.warmup, flags.measure, log_factory));
      // Projections still folding the run's calls would take the next echo run's CPU.
      const absl::Time drain_start = absl::Now();
      if (absl::Status s = (*service)->CatchUp(absl::Seconds(60)); !s.ok()) Die(s.ToString());
      const absl::Duration drained = absl::Now() - drain_start;
      const LoadResult& e = c.echo.back();
      const LoadResult& l = c.log.back();
      std::printf(
          "  round %d %dx%-2d  echo %8.0f calls/s p50 %5.0f us p99 %6.0f us %4.0f cpu-us/call | "
          "logcall %7.0f calls/s p50 %5.0f us p99 %6.0f us %4.0f cpu-us/call | ratio %.2f "
          "(projections drained in %.0f ms)\n",
          round + 1, c.channels, c.in_flight, e.calls_per_second, e.p50_us, e.p99_us,
          e.cpu_us_per_call, l.calls_per_second, l.p50_us, l.p99_us, l.cpu_us_per_call,
          l.calls_per_second / e.calls_per_second, absl::ToDoubleMilliseconds(drained));
      std::fflush(stdout);
    }
  }
  std::printf("\nlogcall vs echo (medians over rounds), load average %s:\n", LoadAverage().c_str());
  std::printf(
      "| case | echo calls/s | logcall calls/s | throughput ratio | echo p50/p99 us | "
      "logcall p50/p99 us | CPU us per call echo / logcall |\n|---|---|---|---|---|---|---|\n");
  for (const Case& c : cases) {
    if (c.echo.empty()) continue;
    std::vector<double> ratios, echo_rate, log_rate, ep50, ep99, lp50, lp99, ecpu, lcpu;
    for (size_t i = 0; i < c.echo.size(); ++i) {
      ratios.push_back(c.log[i].calls_per_second / c.echo[i].calls_per_second);
      echo_rate.push_back(c.echo[i].calls_per_second);
      log_rate.push_back(c.log[i].calls_per_second);
      ep50.push_back(c.echo[i].p50_us);
      ep99.push_back(c.echo[i].p99_us);
      lp50.push_back(c.log[i].p50_us);
      lp99.push_back(c.log[i].p99_us);
      ecpu.push_back(c.echo[i].cpu_us_per_call);
      lcpu.push_back(c.log[i].cpu_us_per_call);
    }
    std::printf("| %dx%d | %.0f | %.0f | %.2f | %.0f / %.0f | %.0f / %.0f | %.0f / %.0f |\n",
                c.channels, c.in_flight, Median(echo_rate), Median(log_rate), Median(ratios),
                Median(ep50), Median(ep99), Median(lp50), Median(lp99), Median(ecpu), Median(lcpu));
  }
  std::vector<double> p99_ratios;
  for (size_t i = 0; i < cases[0].echo.size(); ++i) {
    p99_ratios.push_back(cases[0].log[i].p99_us / cases[0].echo[i].p99_us);
  }
  std::vector<double> big_ratios;
  for (size_t i = 0; i < cases[2].echo.size(); ++i) {
    big_ratios.push_back(cases[2].log[i].calls_per_second / cases[2].echo[i].calls_per_second);
  }
  if (!big_ratios.empty()) {
    std::printf("goal 4x16 throughput logcall/echo >= 0.50: %.2f\n", Median(big_ratios));
  }
  if (!p99_ratios.empty()) {
    std::printf("goal 1x1 p99 logcall/echo <= 2.00: %.2f\n", Median(p99_ratios));
  }
  std::printf("events in the store: %llu\n\n",
              static_cast<unsigned long long>((*service)->store().HeadSequence()));
  server.Shutdown();
  if (absl::Status s = (*service)->Stop(); !s.ok()) Die(s.ToString());
}

// ---------------------------------------------------------------------------------------
// Bulk import against raw RocksDB.

// Records per import batch: salesperfctl's default.
constexpr int kBatch = 1000;
const absl::Time kNow = absl::FromUnixSeconds(1'795'000'000);

v1::CallRecord Record(uint64_t i) {
  v1::CallRecord r;
  r.set_rep_id(absl::StrCat("rep-", i % 500));
  r.set_customer_id(absl::StrCat("cust-", i % 20000));
  r.set_direction(v1::CALL_DIRECTION_OUTBOUND);
  *r.mutable_started_at() = ToTimestamp(kNow - absl::Minutes(30));
  r.set_duration_seconds(180);
  r.set_outcome(v1::CALL_OUTCOME_CONNECTED);
  r.set_external_call_id(absl::StrCat("pbx-", i));
  r.set_phone_system("pbx");
  return r;
}

// Validate, decide and pack one record: what the import does before the write.
absl::StatusOr<eventstore::StreamAppend> Prepare(uint64_t i) {
  LogCall command;
  command.meta.now = kNow;
  command.meta.actor = "bench";
  command.call = Record(i);
  command.call.set_call_id(ExternalCallId("pbx", command.call.external_call_id()));
  FieldViolations violations;
  ValidateCallRecord(command.call, kNow, "", violations);
  if (absl::Status s = violations.ToStatus(); !s.ok()) return s;
  absl::StatusOr<ActivityEvents> events = DecideLogCall(command, v1::Call());
  if (!events.ok()) return events.status();
  eventstore::StreamAppend append;
  append.stream_id = CallStreamId(command.call.call_id());
  append.expected_version = eventstore::ExpectedVersion::NoStream();
  for (const v1::ActivityEvent& event : *events) {
    absl::StatusOr<google::protobuf::Any> payload = PackActivityEvent(event);
    if (!payload.ok()) return payload.status();
    eventstore::EventEnvelope envelope;
    *envelope.mutable_occurred_at() = command.call.started_at();
    envelope.set_actor("bench");
    *envelope.mutable_payload() = *std::move(payload);
    append.events.push_back(std::move(envelope));
  }
  return append;
}

void BM_Store_Batch(benchmark::State& state) {
  ::salesperf::testing::TempDir dir;
  auto store =
      eventstore::RocksDbEventStore::Open({.path = dir.Sub("store"), .source = "activity"});
  if (!store.ok()) {
    state.SkipWithError(std::string(store.status().message()).c_str());
    return;
  }
  uint64_t next = 0;
  for (auto _ : state) {
    eventstore::MultiAppendRequest request;
    request.request_id = absl::StrCat("import-", next);
    for (int k = 0; k < kBatch; ++k) {
      absl::StatusOr<eventstore::StreamAppend> append = Prepare(next++);
      if (!append.ok()) {
        state.SkipWithError(std::string(append.status().message()).c_str());
        return;
      }
      request.streams.push_back(*std::move(append));
    }
    absl::StatusOr<eventstore::MultiAppendResult> result =
        (*store)->AppendMulti(std::move(request));
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatch);
}

void BM_Raw_Batch(benchmark::State& state) {
  ::salesperf::testing::TempDir dir;
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (rocksdb::Status s = rocksdb::DB::Open(options, dir.Sub("raw"), &raw); !s.ok()) {
    state.SkipWithError(s.ToString().c_str());
    return;
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  // The bytes the store writes per record: the envelope as stored.
  absl::StatusOr<eventstore::StreamAppend> sample = Prepare(0);
  if (!sample.ok()) {
    state.SkipWithError(std::string(sample.status().message()).c_str());
    return;
  }
  eventstore::EventEnvelope envelope = sample->events.front();
  envelope.set_event_id("00000000-0000-4000-8000-000000000000");
  envelope.set_source("activity");
  envelope.set_sequence(1);
  envelope.set_stream_id(sample->stream_id);
  envelope.set_stream_version(1);
  *envelope.mutable_recorded_at() = ToTimestamp(kNow);
  const std::string value = envelope.SerializeAsString();
  uint64_t next = 0;
  for (auto _ : state) {
    rocksdb::WriteBatch batch;
    for (int k = 0; k < kBatch; ++k) {
      char key[8];
      const uint64_t n = next++;
      for (int b = 0; b < 8; ++b) key[b] = static_cast<char>((n >> (56 - 8 * b)) & 0xff);
      batch.Put(rocksdb::Slice(key, 8), value).PermitUncheckedError();
    }
    if (rocksdb::Status s = db->Write(rocksdb::WriteOptions(), &batch); !s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatch);
  db->Close().PermitUncheckedError();
}

// The whole import of a batch: ActivityApplication::ImportCallBatch of a running
// ActivityService (validate, name, dedupe against the store, decide, one AppendMulti).
void BM_Import_Batch(benchmark::State& state) {
  ::salesperf::testing::TempDir dir;
  FakeClock clock(kNow);
  ActivityServiceOptions options;
  options.env.data_dir = dir.path().string();
  options.env.clock = &clock;
  absl::StatusOr<std::unique_ptr<ActivityService>> service = ActivityService::Open(options);
  if (!service.ok() || !(*service)->Start().ok()) {
    state.SkipWithError("opening the activity service failed");
    return;
  }
  CallContext ctx;
  ctx.actor = "bench";
  uint64_t next = 0;
  int64_t first_index = 0;
  for (auto _ : state) {
    state.PauseTiming();  // the batch as the gRPC reactor hands it over: already parsed
    v1::ImportCallsRequest batch;
    batch.set_request_id(absl::StrCat("import-", next));
    for (int k = 0; k < kBatch; ++k) *batch.add_records() = Record(next++);
    state.ResumeTiming();
    absl::StatusOr<ImportBatchResult> result =
        (*service)->application().ImportCallBatch(ctx, batch, first_index, false);
    if (!result.ok() || result->accepted != kBatch) {
      state.SkipWithError(result.ok() ? "records were not accepted"
                                      : std::string(result.status().message()).c_str());
      break;
    }
    first_index += kBatch;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatch);
  if (!(*service)->Stop().ok()) state.SkipWithError("stopping the activity service failed");
}

BENCHMARK(BM_Import_Batch)->UseRealTime();
BENCHMARK(BM_Store_Batch)->UseRealTime();
BENCHMARK(BM_Raw_Batch)->UseRealTime();

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  using ConsoleReporter::ConsoleReporter;
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
      auto it = run.counters.find("items_per_second");
      if (it != run.counters.end()) rates_[run.run_name.function_name].push_back(it->second.value);
    }
  }
  void Print() const {
    auto find = [&](const char* name) {
      auto it = rates_.find(name);
      return it == rates_.end() ? 0.0 : Median(it->second);
    };
    const double import = find("BM_Import_Batch");
    const double store = find("BM_Store_Batch");
    const double raw = find("BM_Raw_Batch");
    std::printf(
        "\nbulk import (batches of %d calls), load average %s:\n"
        "  ImportCallBatch %.0f records/s, store AppendMulti alone %.0f records/s, raw RocksDB "
        "%.0f records/s\n  ratio import/raw %.2f (store/raw %.2f)\n",
        kBatch, LoadAverage().c_str(), import, store, raw, raw > 0 ? import / raw : 0.0,
        raw > 0 ? store / raw : 0.0);
  }

 private:
  std::map<std::string, std::vector<double>> rates_;
};

}  // namespace
}  // namespace salesperf::activity

int main(int argc, char** argv) {
  // As the servers run (service::PrepareProcess): Debian's Abseil checks every lock for
  // deadlock cycles otherwise, a cost production does not pay.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  salesperf::ConfigureLogging(salesperf::LogLevel::kWarn, salesperf::LogFormat::kText, &std::cerr);
  salesperf::activity::GrpcFlags grpc;
  bool skip_grpc = false;
  bool skip_import = false;
  bool long_run = false;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    auto value = [&](const char* flag) -> const char* {
      if (std::strcmp(argv[i], flag) != 0) return nullptr;
      if (i + 1 >= argc) salesperf::activity::Die(absl::StrCat(flag, " needs a value"));
      return argv[++i];
    };
    if (const char* v = value("--grpc-seconds")) {
      grpc.measure = absl::Seconds(std::atof(v));
    } else if (const char* r = value("--grpc-rounds")) {
      grpc.rounds = std::max(1, std::atoi(r));
    } else if (const char* only = value("--grpc-cases")) {
      grpc.only = only;
    } else if (std::strcmp(argv[i], "--skip-grpc") == 0) {
      skip_grpc = true;
    } else if (std::strcmp(argv[i], "--skip-import") == 0) {
      skip_import = true;
    } else if (std::strcmp(argv[i], "--long") == 0) {
      long_run = true;
      grpc.measure = absl::Seconds(5);
      grpc.rounds = 5;
    } else {
      args.push_back(argv[i]);
    }
  }
  if (!salesperf::bench::InitializeGoogleBenchmark(std::move(args), long_run)) return 1;
  if (!skip_grpc) salesperf::activity::RunGrpc(grpc);
  if (!skip_import) {
    salesperf::activity::RatioReporter reporter(benchmark::ConsoleReporter::OO_Tabular);
    benchmark::RunSpecifiedBenchmarks(&reporter);
    reporter.Print();
  }
  benchmark::Shutdown();
  return 0;
}
