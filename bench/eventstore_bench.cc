// EventStore::Append against raw RocksDB writing the same bytes, in one run.
//
// Cases (each at 1 and 8 threads, WAL on, no fsync):
//   Store/Single    Append of one event (own stream per thread slot, a request_id each)
//   Raw/Single      one Put of the same serialized envelope under an 8-byte key
//   Store/Batch100  Append of 100 events to one stream
//   Raw/Batch100    one WriteBatch of 100 such Puts
// items_per_second counts events. After the runs a table gives Store / Raw per case.
//
//   salesperf_eventstore_bench            short run (about 30 s on 2 cores)
//   salesperf_eventstore_bench --long     3 repetitions of 5 s each; ratios use medians
// Any --benchmark_* flag is passed to Google Benchmark.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "bench/benchmark_args.h"
#include "benchmark/benchmark.h"
#include "libs/eventstore/event_store.h"
#include "libs/eventstore/keys.h"
#include "libs/eventstore/rocksdb_event_store.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace salesperf::eventstore {
namespace {

constexpr int kBatch = 100;

// A fresh directory on the real disk for one benchmark run, removed afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "salesperf-bench-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// What a service typically appends: a ~200-byte event with the usual envelope fields.
EventEnvelope SampleEvent() {
  EventEnvelope e;
  e.set_actor("user:rep-000123");
  e.set_correlation_id("0b7c6f0e-3d1a-4f8e-9a51-2f6d7c1e8a90");
  e.set_causation_id("cmd-5e2f8a");
  e.mutable_occurred_at()->set_seconds(1'795'000'000);
  e.mutable_payload()->set_type_url("type.googleapis.com/salesperf.activity.v1.CallLogged");
  std::string value(160, '\0');
  for (size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>((i * 131 + 7) & 0xff);
  e.mutable_payload()->set_value(value);
  return e;
}

// The bytes the store writes for SampleEvent(): every store-owned field filled in.
std::string StoredBytes() {
  EventEnvelope e = SampleEvent();
  e.set_event_id("6f1d2c3b-4a59-4e87-b6a5-c4d3e2f1a0b9");
  e.set_source("activity");
  e.set_sequence(123'456);
  e.set_stream_id("rep-3-17");
  e.set_stream_version(1'234);
  e.mutable_recorded_at()->set_seconds(1'795'000'001);
  e.mutable_recorded_at()->set_nanos(123'456'789);
  e.set_request_id("b-3-123456");
  return e.SerializeAsString();
}

// Shared by the threads of one run; set up and torn down by thread 0 outside the timed
// loop (Google Benchmark starts and ends the loop of all threads together).
struct StoreRun {
  std::unique_ptr<ScratchDir> dir;
  std::unique_ptr<RocksDbEventStore> store;
};
StoreRun* store_run = nullptr;

struct RawRun {
  std::unique_ptr<ScratchDir> dir;
  std::unique_ptr<rocksdb::DB> db;
  std::atomic<uint64_t> next_key{1};
};
RawRun* raw_run = nullptr;

void SetUpStore(benchmark::State& state) {
  if (state.thread_index() != 0) return;
  store_run = new StoreRun;
  store_run->dir = std::make_unique<ScratchDir>();
  EventStoreOptions options;
  options.path = store_run->dir->Sub("events");
  options.source = "activity";
  auto store = RocksDbEventStore::Open(options);
  if (!store.ok()) {
    state.SkipWithError(std::string(store.status().message()).c_str());
    return;
  }
  store_run->store = *std::move(store);
}

void TearDownStore(benchmark::State& state) {
  if (state.thread_index() != 0) return;
  delete store_run;
  store_run = nullptr;
}

void SetUpRaw(benchmark::State& state) {
  if (state.thread_index() != 0) return;
  raw_run = new RawRun;
  raw_run->dir = std::make_unique<ScratchDir>();
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, raw_run->dir->Sub("raw"), &db);
  if (!s.ok()) {
    state.SkipWithError(s.ToString().c_str());
    return;
  }
  raw_run->db.reset(db);
}

void TearDownRaw(benchmark::State& state) {
  if (state.thread_index() != 0) return;
  if (raw_run->db) raw_run->db->Close().PermitUncheckedError();
  delete raw_run;
  raw_run = nullptr;
}

void BM_Store(benchmark::State& state, int events_per_append) {
  SetUpStore(state);
  const EventEnvelope sample = SampleEvent();
  const int thread = state.thread_index();
  uint64_t i = 0;
  for (auto _ : state) {
    AppendRequest request;
    request.stream_id = absl::StrCat("rep-", thread, "-", i % 64);
    request.request_id = absl::StrCat("b-", thread, "-", i);
    request.events.assign(events_per_append, sample);
    absl::StatusOr<AppendResult> result = store_run->store->Append(std::move(request));
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      break;
    }
    ++i;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * events_per_append);
  TearDownStore(state);
}

void BM_Raw(benchmark::State& state, int puts_per_write) {
  SetUpRaw(state);
  const std::string value = StoredBytes();
  const rocksdb::WriteOptions write_options;
  for (auto _ : state) {
    const uint64_t first = raw_run->next_key.fetch_add(puts_per_write);
    rocksdb::Status s;
    if (puts_per_write == 1) {
      s = raw_run->db->Put(write_options, keys::EventKey(first), value);
    } else {
      rocksdb::WriteBatch batch;
      for (int k = 0; k < puts_per_write; ++k) {
        batch.Put(keys::EventKey(first + k), value).PermitUncheckedError();
      }
      s = raw_run->db->Write(write_options, &batch);
    }
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * puts_per_write);
  TearDownRaw(state);
}

void BM_Store_Single(benchmark::State& state) { BM_Store(state, 1); }
void BM_Raw_Single(benchmark::State& state) { BM_Raw(state, 1); }
void BM_Store_Batch100(benchmark::State& state) { BM_Store(state, kBatch); }
void BM_Raw_Batch100(benchmark::State& state) { BM_Raw(state, kBatch); }

BENCHMARK(BM_Store_Single)->Threads(1)->Threads(8)->UseRealTime();
BENCHMARK(BM_Raw_Single)->Threads(1)->Threads(8)->UseRealTime();
BENCHMARK(BM_Store_Batch100)->Threads(1)->Threads(8)->UseRealTime();
BENCHMARK(BM_Raw_Batch100)->Threads(1)->Threads(8)->UseRealTime();

// Prints as the console reporter does and keeps every run's items_per_second.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  // Colour only on a terminal, so that logs and bench/README.md stay plain text.
  RatioReporter() : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
      auto it = run.counters.find("items_per_second");
      if (it == run.counters.end()) continue;
      rates_[run.run_name.function_name][run.threads].push_back(it->second.value);
    }
  }

  // Store / Raw per case; false if a ratio is below the goal or a case is missing.
  bool PrintRatios(double goal) const {
    std::printf("\nEventStore::Append vs raw RocksDB (items = events, median of runs)\n");
    std::printf("%-10s %8s %16s %16s %8s  %s\n", "case", "threads", "store items/s", "raw items/s",
                "ratio", "goal");
    bool all_met = true;
    for (const char* name : {"Single", "Batch100"}) {
      for (int threads : {1, 8}) {
        const double store = Median(absl::StrCat("BM_Store_", name), threads);
        const double raw = Median(absl::StrCat("BM_Raw_", name), threads);
        if (store <= 0 || raw <= 0) continue;  // filtered out
        const double ratio = store / raw;
        const bool met = ratio >= goal;
        all_met = all_met && met;
        std::printf("%-10s %8d %16.0f %16.0f %8.2f  %s\n", name, threads, store, raw, ratio,
                    met ? "met" : "MISSED");
      }
    }
    std::printf("goal: store/raw >= %.2f\n", goal);
    return all_met;
  }

 private:
  double Median(const std::string& function, int threads) const {
    auto f = rates_.find(function);
    if (f == rates_.end()) return 0;
    auto t = f->second.find(threads);
    if (t == f->second.end() || t->second.empty()) return 0;
    std::vector<double> v = t->second;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  }

  std::map<std::string, std::map<int64_t, std::vector<double>>> rates_;
};

}  // namespace
}  // namespace salesperf::eventstore

int main(int argc, char** argv) {
  // As the servers run (service::PrepareProcess): Debian's Abseil checks every lock for
  // deadlock cycles otherwise, a cost production does not pay.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::vector<char*> args;
  bool long_run = false;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--long") == 0) {
      long_run = true;
      continue;
    }
    args.push_back(argv[i]);
  }
  if (!salesperf::bench::InitializeGoogleBenchmark(std::move(args), long_run)) return 1;
  salesperf::eventstore::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios(0.5);
  benchmark::Shutdown();
  return 0;
}
