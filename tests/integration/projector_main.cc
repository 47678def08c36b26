// salesperf-test-projector: a consumer process for the bus integration tests.
//
// Folds salesperf.<service>.events.v1 into FoldView in its own ViewDb through a
// KafkaSource in consumer group --group, dead-lettering poison records to Kafka.
// Prints "resumed next_sum=<n>" once started (n from the checkpoints it found), then
// after every batch a line
//   progress next_sum=<sum of next positions over its checkpoints> assigned=<k> dead=<n>
// so the test can tell when it has folded everything. SIGTERM/SIGINT: stop and exit 0.
// The tests also kill it with SIGKILL to show that a crash loses and doubles nothing.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/strings/str_split.h"
#include "libs/bus/kafka_dead_letter_sink.h"
#include "libs/bus/kafka_source.h"
#include "libs/common/logging.h"
#include "libs/projection/runner.h"
#include "tests/integration/fold_view.h"

namespace {

volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

int Run(int argc, char** argv) {
  CLI::App app("salesperf-test-projector");
  std::string brokers, group, data_dir, services = "activity";
  size_t batch_size = 1000;
  int stall_after_batches = -1;
  app.add_option("--brokers", brokers)->required();
  app.add_option("--group", group)->required();
  app.add_option("--data-dir", data_dir)->required();
  app.add_option("--services", services, "comma-separated");
  app.add_option("--batch-size", batch_size);
  app.add_option("--stall-after-batches", stall_after_batches,
                 "after this many non-empty batches print \"stalled\" and wait to be killed");
  CLI11_PARSE(app, argc, argv);
  salesperf::ConfigureLogging(salesperf::LogLevel::kWarn, salesperf::LogFormat::kJson, &std::cerr);

  signal(SIGTERM, OnSignal);
  signal(SIGINT, OnSignal);

  auto db = salesperf::projection::ViewDb::Open(
      data_dir, {std::string(salesperf::integration::kFoldViewName)});
  if (!db.ok()) {
    std::cerr << "open view db: " << db.status() << "\n";
    return 2;
  }
  salesperf::bus::KafkaSourceOptions source_options;
  source_options.brokers = brokers;
  source_options.group_id = group;
  source_options.services = absl::StrSplit(services, ',');
  source_options.session_timeout_ms = 6000;
  auto source = salesperf::bus::KafkaSource::Create(source_options);
  if (!source.ok()) {
    std::cerr << "kafka source: " << source.status() << "\n";
    return 2;
  }
  salesperf::bus::KafkaPublisherOptions dlq_publisher;
  dlq_publisher.bootstrap_servers = brokers;
  auto dlq = salesperf::bus::KafkaDeadLetterSink::Create({.consumer = "fold"}, dlq_publisher);
  if (!dlq.ok()) {
    std::cerr << "dlq: " << dlq.status() << "\n";
    return 2;
  }
  std::vector<salesperf::projection::ViewPtr> views;
  views.push_back(std::make_unique<salesperf::integration::FoldView>());
  salesperf::projection::ProjectionOptions options;
  options.name = "fold";
  options.batch_size = batch_size;
  options.dead_letters = dlq->get();
  salesperf::bus::KafkaSource* kafka = source->get();
  auto runner = salesperf::projection::ProjectionRunner::Create(db->get(), std::move(*source),
                                                                std::move(views), options);
  if (!runner.ok()) {
    std::cerr << "runner: " << runner.status() << "\n";
    return 2;
  }
  auto next_sum = [&runner] {
    int64_t sum = 0;
    for (const auto& [partition, checkpoint] : (*runner)->Checkpoints()) {
      sum += checkpoint.next_position;
    }
    return sum;
  };
  std::cout << "resumed next_sum=" << next_sum() << std::endl;
  int batches = 0;
  while (!g_stop) {
    if (batches == stall_after_batches) {
      std::cout << "stalled next_sum=" << next_sum() << std::endl;
      while (!g_stop) pause();
      break;
    }
    absl::StatusOr<size_t> applied = (*runner)->RunOnce();
    if (!applied.ok()) {
      std::cerr << "batch failed (will retry): " << applied.status() << "\n";
      continue;
    }
    if (*applied > 0) ++batches;
    std::cout << "progress next_sum=" << next_sum() << " assigned=" << kafka->Assignment().size()
              << " dead=" << (*runner)->Stats().dead_lettered << std::endl;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
