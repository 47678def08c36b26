// salesperf_activity_bench: bulk import of calls (validate, decide, pack, AppendMulti of
// 100 new call streams with WAL) against raw RocksDB WriteBatches of the same envelope
// bytes, in the same run. Prints import / raw records per second.
//
// The LogCall-through-gRPC half (1x1, 1x8, 4x16 against the echo server) waits for the
// activity service's gRPC server; see bench/README.md.
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "libs/eventstore/rocksdb_event_store.h"
#include "libs/testing/temp_dir.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "services/activity/app/event_codec.h"
#include "services/activity/domain/call.h"

namespace salesperf::activity {
namespace {

constexpr int kBatch = 100;
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

void BM_Import_Batch100(benchmark::State& state) {
  testing::TempDir dir;
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

void BM_Raw_Batch100(benchmark::State& state) {
  testing::TempDir dir;
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

BENCHMARK(BM_Import_Batch100)->UseRealTime()->MinTime(2);
BENCHMARK(BM_Raw_Batch100)->UseRealTime()->MinTime(2);

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
      auto it = run.counters.find("items_per_second");
      if (it != run.counters.end()) rates_[run.run_name.function_name] = it->second.value;
    }
  }
  void Print() const {
    auto find = [&](const char* name) {
      auto it = rates_.find(name);
      return it == rates_.end() ? 0.0 : it->second;
    };
    const double import = find("BM_Import_Batch100");
    const double raw = find("BM_Raw_Batch100");
    std::printf(
        "\nbulk import (batches of %d calls): %.0f records/s, raw RocksDB %.0f records/s, "
        "ratio %.2f\n",
        kBatch, import, raw, raw > 0 ? import / raw : 0.0);
  }

 private:
  std::map<std::string, double> rates_;
};

}  // namespace
}  // namespace salesperf::activity

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  salesperf::activity::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.Print();
  benchmark::Shutdown();
  return 0;
}
