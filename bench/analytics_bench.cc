// salesperf_analytics_bench: the analytics read side against raw baselines measured in the
// same run.
//
//   apply    ProjectionRunner folding a random sales history (services/analytics/testing)
//            into the analytics view (RocksDB, WAL on, no fsync) against a raw consume
//            of the same records: polling the same in-memory source in batches of the
//            runner's size, touching every payload's bytes, and handing each batch back.
//            Goal: ours / raw >= 0.5.
//   latency  one client, unary calls over loopback gRPC: the company top-10 leaderboard
//            of a month and the regional view (every region, 5 metrics, a quarter)
//            against a bare echo service on the same server, in interleaved rounds.
//            Goal: p99 <= echo p99 + 0.2 ms.
//   rebuild  ProjectionRunner::Rebuild() of the whole history, in events per second.
//            Goal: >= 1M events/s for 10M events (--rebuild-events 10000000 needs about
//            4 GB of memory for the generated history).
//
//   build/bin/salesperf_analytics_bench [--events 300000] [--rebuild-events 1000000]
//                                       [--calls 3000] [--batch-size 50000]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/echo_service.h"
#include "bench/process_cpu.h"
#include "grpcpp/create_channel.h"
#include "libs/common/logging.h"
#include "libs/projection/runner.h"
#include "libs/projection/vector_source.h"
#include "libs/server/server.h"
#include "libs/testing/temp_dir.h"
#include "salesperf/analytics/v1/analytics.grpc.pb.h"
#include "salesperf/testing/v1/echo.grpc.pb.h"
#include "services/analytics/analytics_service.h"
#include "services/analytics/app/analytics_queries.h"
#include "services/analytics/projections/analytics_view.h"
#include "services/analytics/server/analytics_grpc_service.h"
#include "services/analytics/testing/random_history.h"

namespace salesperf::bench {
namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "analytics_bench: %s\n", what.c_str());
  std::exit(1);
}

void Check(const absl::Status& s, const char* what) {
  if (!s.ok()) Die(absl::StrCat(what, ": ", s.ToString()));
}

std::vector<projection::SourcedEvent> History(int events, uint64_t seed, bool in_time_order) {
  analytics::testing::HistoryOptions options;
  options.in_time_order = in_time_order;
  options.activity_events = events;
  options.reps = std::max(24, events / 2000);
  options.regions = 6;
  options.teams_per_region = 4;
  options.days = 365;
  options.moves = options.reps / 4;
  return analytics::testing::Interleave(analytics::testing::RandomHistory(seed, options), seed);
}

struct Folded {
  std::unique_ptr<projection::ViewDb> db;
  std::unique_ptr<projection::ProjectionRunner> runner;
};

Folded Open(const std::string& path, std::vector<projection::SourcedEvent> records,
            size_t batch_size, bool memtable_hints) {
  Folded f;
  projection::ViewDbOptions db_options;
  db_options.memtable_insert_hints = memtable_hints;
  auto db = projection::ViewDb::Open(path, analytics::AnalyticsViewNames(), db_options);
  Check(db.status(), "open view db");
  f.db = *std::move(db);
  projection::ProjectionOptions options;
  options.name = "analytics";
  options.batch_size = batch_size;
  auto runner = projection::ProjectionRunner::Create(
      f.db.get(), std::make_unique<projection::VectorSource>(std::move(records)),
      analytics::NewAnalyticsViews({}), options);
  Check(runner.status(), "create runner");
  f.runner = *std::move(runner);
  return f;
}

struct Rate {
  double per_second = 0;      // events per wall second
  double per_cpu_second = 0;  // events per process CPU second
};

Rate RateOf(size_t n, absl::Time start, double cpu_start) {
  return {static_cast<double>(n) / absl::ToDoubleSeconds(absl::Now() - start),
          static_cast<double>(n) / (ProcessCpuSeconds() - cpu_start)};
}

// Polls the records in batches of `batch_size` (the runner's), touching every payload, and
// hands each batch back as the runner does.
Rate RawConsume(const std::vector<projection::SourcedEvent>& records, size_t batch_size) {
  projection::VectorSource source(records);
  Check(source.Start([](const projection::PartitionId&) { return std::nullopt; }), "start");
  const absl::Time start = absl::Now();
  const double cpu_start = ProcessCpuSeconds();
  size_t n = 0;
  uint64_t touched = 0;
  while (n < records.size()) {
    auto batch = source.Poll(batch_size, absl::Milliseconds(10));
    Check(batch.status(), "poll");
    for (const projection::SourcedEvent& e : *batch) {
      for (char c : e.envelope.payload().value()) touched += static_cast<uint8_t>(c);
      touched += e.envelope.sequence();
    }
    n += batch->size();
    if (!batch->empty()) source.Recycle(*std::move(batch));
  }
  const Rate rate = RateOf(n, start, cpu_start);
  if (touched == 42) std::printf(" ");  // keeps the loop
  return rate;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace
}  // namespace salesperf::bench

int main(int argc, char** argv) {
  // As the servers run (service::PrepareProcess): Debian's Abseil checks every lock for
  // deadlock cycles otherwise, a cost production does not pay.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  using namespace salesperf;         // NOLINT(google-build-using-namespace): a bench's main
  using namespace salesperf::bench;  // NOLINT(google-build-using-namespace)
  CLI::App app{"salesperf_analytics_bench"};
  int events = 300'000;
  int rebuild_events = 1'000'000;
  int calls = 3000;
  // As the service runs it.
  size_t batch_size = analytics::AnalyticsServiceOptions{}.projection_batch_size;
  app.add_option("--events", events, "activity events for apply and latency (default 300000)");
  app.add_option("--rebuild-events", rebuild_events,
                 "events for the rebuild figure (default 1000000)");
  app.add_option("--calls", calls, "calls per latency case (default 3000)");
  app.add_option("--batch-size", batch_size,
                 "records per projection batch (default: the service's, 50000)");
  bool memtable_hints = projection::ViewDbOptions{}.memtable_insert_hints;
  app.add_option("--memtable-hints", memtable_hints,
                 "memtable insert hints in the view db (default: ViewDbOptions')");
  std::string order = "time";
  app.add_option("--order", order,
                 "history order: time (each source in the order its events occurred, as a live "
                 "system appends them) or generation (every entity's events on random days: the "
                 "hardest case) (default time)")
      ->check(CLI::IsMember({"time", "generation"}));
  CLI11_PARSE(app, argc, argv);
  ConfigureLogging(LogLevel::kWarn, LogFormat::kText);
  salesperf::testing::TempDir dir;

  // --- apply vs raw consume.
  std::vector<projection::SourcedEvent> records = History(events, 1, order == "time");
  const Rate raw = RawConsume(records, batch_size);
  Folded folded = Open(dir.Sub("apply"), records, batch_size, memtable_hints);
  const absl::Time start = absl::Now();
  const double cpu_start = ProcessCpuSeconds();
  Check(folded.runner->CatchUp(absl::Hours(1)), "catch up");
  const Rate ours = RateOf(records.size(), start, cpu_start);
  std::printf(
      "apply:   %zu events  analytics %.0f events/s  raw consume %.0f events/s  ratio %.2f (goal "
      ">= 0.50)\n"
      "         per CPU second: analytics %.0f  raw %.0f  ratio %.2f\n",
      records.size(), ours.per_second, raw.per_second, ours.per_second / raw.per_second,
      ours.per_cpu_second, raw.per_cpu_second, ours.per_cpu_second / raw.per_cpu_second);

  // --- latency over gRPC.
  analytics::AnalyticsQueriesOptions query_options;
  query_options.views = folded.db.get();
  analytics::AnalyticsQueries queries(query_options);
  analytics::AnalyticsGrpcService service(&queries);
  EchoService echo;
  server::Server server(server::ServerOptions{});
  server.RegisterService(&service);
  server.RegisterService(&echo);
  Check(server.Start(), "server");
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server.port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = analytics::v1::AnalyticsService::NewStub(channel);
  auto echo_stub = testing::v1::EchoService::NewStub(channel);
  analytics::v1::GetLeaderboardRequest board;
  board.set_metric(analytics::v1::METRIC_REVENUE);
  board.mutable_scope()->set_kind(common::v1::SCOPE_KIND_COMPANY);
  board.mutable_period()->set_id("2026-03");
  board.set_top_n(10);
  analytics::v1::GetRegionalViewRequest regional;
  regional.mutable_parent()->set_kind(common::v1::SCOPE_KIND_COMPANY);
  regional.mutable_period()->set_id("2026-Q1");
  for (auto m :
       {analytics::v1::METRIC_REVENUE, analytics::v1::METRIC_DEALS_WON, analytics::v1::METRIC_CALLS,
        analytics::v1::METRIC_VISITS_DONE, analytics::v1::METRIC_CSAT_AVERAGE}) {
    regional.add_metrics(m);
  }
  // The queries alone, no gRPC: what each costs the server.
  {
    const int alone_calls = std::max(100, calls / 3);
    auto alone_us = [&](auto&& query) {
      const absl::Time t = absl::Now();
      for (int i = 0; i < alone_calls; ++i) {
        if (auto r = query(); !r.ok()) Die(absl::StrCat("query: ", r.status().ToString()));
      }
      return absl::ToDoubleMicroseconds(absl::Now() - t) / alone_calls;
    };
    const double board_alone = alone_us([&] { return queries.GetLeaderboard(board); });
    const double regional_alone = alone_us([&] { return queries.GetRegionalView(regional); });
    std::printf(
        "latency: alone (no gRPC, one thread): top-10 leaderboard %.0f us, regional view "
        "%.0f us\n",
        board_alone, regional_alone);
  }
  testing::v1::EchoRequest ping;
  ping.set_payload(std::string(64, 'x'));
  std::vector<double> echo_us, board_us, regional_us;
  auto timed = [](auto&& call, std::vector<double>& out) {
    const absl::Time t = absl::Now();
    const grpc::Status s = call();
    if (!s.ok()) Die(absl::StrCat("rpc: ", s.error_message()));
    out.push_back(absl::ToDoubleMicroseconds(absl::Now() - t));
  };
  for (int round = 0; round < 2; ++round) {
    echo_us.clear();
    board_us.clear();
    regional_us.clear();
    for (int i = 0; i < calls; ++i) {  // interleaved, so that load hits all three alike
      timed(
          [&] {
            grpc::ClientContext c;
            testing::v1::EchoResponse r;
            return echo_stub->Echo(&c, ping, &r);
          },
          echo_us);
      timed(
          [&] {
            grpc::ClientContext c;
            analytics::v1::GetLeaderboardResponse r;
            return stub->GetLeaderboard(&c, board, &r);
          },
          board_us);
      timed(
          [&] {
            grpc::ClientContext c;
            analytics::v1::GetRegionalViewResponse r;
            return stub->GetRegionalView(&c, regional, &r);
          },
          regional_us);
    }
  }  // the first round warms up
  const double echo_p99 = Percentile(echo_us, 0.99);
  std::printf("latency: echo p50 %.0f us p99 %.0f us\n", Percentile(echo_us, 0.5), echo_p99);
  std::printf(
      "latency: top-10 leaderboard p50 %.0f us p99 %.0f us  (p99 - echo p99 = %+.0f us, goal <= "
      "+200)\n",
      Percentile(board_us, 0.5), Percentile(board_us, 0.99), Percentile(board_us, 0.99) - echo_p99);
  std::printf(
      "latency: regional view p50 %.0f us p99 %.0f us  (p99 - echo p99 = %+.0f us, goal <= +200)\n",
      Percentile(regional_us, 0.5), Percentile(regional_us, 0.99),
      Percentile(regional_us, 0.99) - echo_p99);
  server.Shutdown();

  // --- rebuild.
  std::vector<projection::SourcedEvent> big = History(rebuild_events, 2, order == "time");
  const size_t n = big.size();
  Folded rebuilt = Open(dir.Sub("rebuild"), std::move(big), batch_size, memtable_hints);
  Check(rebuilt.runner->CatchUp(absl::Hours(1)), "first fold");
  const absl::Time rebuild_start = absl::Now();
  const double rebuild_cpu_start = ProcessCpuSeconds();
  Check(rebuilt.runner->Rebuild(), "rebuild");
  Check(rebuilt.runner->CatchUp(absl::Hours(1)), "rebuild catch up");
  const double seconds = absl::ToDoubleSeconds(absl::Now() - rebuild_start);
  const Rate rebuild = RateOf(n, rebuild_start, rebuild_cpu_start);
  std::printf(
      "rebuild: %zu events in %.1f s = %.0f events/s, %.0f per CPU second (goal >= 1000000)\n", n,
      seconds, rebuild.per_second, rebuild.per_cpu_second);
  return 0;
}
