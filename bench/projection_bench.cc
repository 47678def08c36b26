// salesperf_projection_bench: projection apply throughput against a raw consume.
//
// Both sides read the same records (serialized EventEnvelopes, Int64Value payloads, key =
// stream id) from the same topic of an in-process librdkafka mock cluster:
//   raw:  a plain librdkafka consumer, partitions assigned from the beginning, that
//         touches every value's bytes;
//   ours: ProjectionRunner over KafkaSource: poll, decode the envelope, check the
//         high-water mark, evolve a view that reads and rewrites a row per stream, write
//         the batch and the checkpoints in one RocksDB WriteBatch (WAL on, no fsync).
// Each clock starts at the first record received, so that the consumer-group join of
// KafkaSource is not counted. Prints both rates and ours/raw (goal: >= 0.5).
//
//   build/bin/salesperf_projection_bench --events 200000
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/process_cpu.h"
#include "google/protobuf/wrappers.pb.h"
#include "libs/bus/kafka_source.h"
#include "libs/bus/topics.h"
#include "libs/common/logging.h"
#include "libs/projection/runner.h"
#include "libs/testing/temp_dir.h"

namespace salesperf::bench {
namespace {

// One side's run: records per wall second, and process CPU microseconds per record.
struct Rate {
  double per_second = 0;
  double cpu_us_per_event = 0;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "projection_bench: %s\n", what.c_str());
  std::exit(1);
}

// Per stream: "<count> <sum>", read and rewritten for every event (a typical counter view).
class CounterView final : public projection::View {
 public:
  std::string_view name() const override { return "counter"; }
  absl::Status Apply(const projection::EventEnvelope& event, projection::ViewTxn& txn) override {
    google::protobuf::Int64Value value;
    if (!event.payload().UnpackTo(&value)) return absl::OkStatus();
    absl::StatusOr<std::optional<std::string>> row = txn.Get(event.stream_id());
    if (!row.ok()) return row.status();
    int64_t count = 0, sum = 0;
    if (row->has_value()) {
      std::string_view text = **row;
      size_t space = text.find(' ');
      if (!absl::SimpleAtoi(absl::string_view(text.data(), space), &count) ||
          !absl::SimpleAtoi(absl::string_view(text.data() + space + 1, text.size() - space - 1),
                            &sum)) {
        return absl::DataLossError("bad counter row");
      }
    }
    txn.Put(event.stream_id(), absl::StrCat(count + 1, " ", sum + value.value()));
    return absl::OkStatus();
  }
};

rd_kafka_conf_t* Conf(const std::string& bootstrap) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), errstr, sizeof errstr) !=
      RD_KAFKA_CONF_OK) {
    Die(errstr);
  }
  return conf;
}

void Produce(const std::string& bootstrap, const std::string& topic, int events, int streams) {
  char errstr[512];
  rd_kafka_conf_t* conf = Conf(bootstrap);
  rd_kafka_conf_set(conf, "linger.ms", "5", errstr, sizeof errstr);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (rk == nullptr) Die(errstr);
  projection::EventEnvelope envelope;
  envelope.set_source("activity");
  envelope.set_actor("bench");
  envelope.mutable_occurred_at()->set_seconds(1'795'000'000);
  envelope.mutable_recorded_at()->set_seconds(1'795'000'000);
  for (int i = 1; i <= events; ++i) {
    const std::string stream = absl::StrCat("stream-", i % streams);
    envelope.set_event_id(absl::StrCat("00000000-0000-4000-8000-", 100000000000 + i));
    envelope.set_sequence(static_cast<uint64_t>(i));
    envelope.set_stream_id(stream);
    envelope.set_stream_version(static_cast<uint64_t>(i / streams) + 1);
    google::protobuf::Int64Value value;
    value.set_value(i);
    envelope.mutable_payload()->PackFrom(value);
    const std::string bytes = envelope.SerializeAsString();
    while (true) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_KEY(stream.data(), stream.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(bytes.data()), bytes.size()), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) Die(rd_kafka_err2str(err));
      rd_kafka_poll(rk, 10);
    }
  }
  if (rd_kafka_flush(rk, 60'000) != RD_KAFKA_RESP_ERR_NO_ERROR) Die("flush timed out");
  rd_kafka_destroy(rk);
}

// Raw librdkafka consume of every record.
Rate RawConsume(const std::string& bootstrap, const std::string& topic, int partitions,
                int events) {
  char errstr[512];
  rd_kafka_conf_t* conf = Conf(bootstrap);
  rd_kafka_conf_set(conf, "group.id", "raw-bench", errstr, sizeof errstr);
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof errstr);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (rk == nullptr) Die(errstr);
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(assignment, topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(rk, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  int received = 0;
  uint64_t checksum = 0;
  absl::Time start;
  double cpu_start = 0;
  while (received < events) {
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(rk, 1000);
    if (msg == nullptr) continue;
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (received == 0) {
        start = absl::Now();
        cpu_start = ProcessCpuSeconds();
      }
      const unsigned char* bytes = static_cast<const unsigned char*>(msg->payload);
      for (size_t i = 0; i < msg->len; ++i) checksum += bytes[i];
      ++received;
    }
    rd_kafka_message_destroy(msg);
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const double cpu = ProcessCpuSeconds() - cpu_start;
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  if (checksum == 0) Die("no bytes consumed");
  return {(events - 1) / seconds, cpu * 1e6 / (events - 1)};
}

// ProjectionRunner over KafkaSource.
Rate ProjectionConsume(const std::string& bootstrap, int events, size_t batch_size) {
  testing::TempDir dir;
  auto db = projection::ViewDb::Open(dir.Sub("views"), {"counter"});
  if (!db.ok()) Die(db.status().ToString());
  bus::KafkaSourceOptions source_options;
  source_options.brokers = bootstrap;
  source_options.group_id = "projection-bench";
  source_options.services = {"activity"};
  auto source = bus::KafkaSource::Create(source_options);
  if (!source.ok()) Die(source.status().ToString());
  std::vector<projection::ViewPtr> views;
  views.push_back(std::make_unique<CounterView>());
  projection::ProjectionOptions options;
  options.name = "bench";
  options.batch_size = batch_size;
  auto runner = projection::ProjectionRunner::Create(db->get(), std::move(*source),
                                                     std::move(views), options);
  if (!runner.ok()) Die(runner.status().ToString());
  int64_t consumed = 0, at_start = 0;
  absl::Time start;
  double cpu_start = 0;
  while (consumed < events) {
    absl::StatusOr<size_t> n = (*runner)->RunOnce();
    if (!n.ok()) Die(n.status().ToString());
    if (*n > 0 && consumed == 0) {
      start = absl::Now();  // the group join is behind us
      cpu_start = ProcessCpuSeconds();
      at_start = static_cast<int64_t>(*n);
    }
    consumed += static_cast<int64_t>(*n);
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const double cpu = ProcessCpuSeconds() - cpu_start;
  if ((*runner)->Stats().events_applied != static_cast<uint64_t>(events)) Die("events lost");
  const double timed = static_cast<double>(consumed - at_start);
  return {timed / seconds, cpu * 1e6 / timed};
}

int Main(int argc, char** argv) {
  // As the servers run (service::PrepareProcess): Debian's Abseil checks every lock for
  // deadlock cycles otherwise, a cost production does not pay.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  CLI::App app("salesperf_projection_bench: projection apply vs raw consume");
  // The mock cluster keeps at most 5 MiB per partition: 150k records of ~200 bytes over
  // 12 partitions stay well inside it (checked below).
  int events = 150'000, partitions = 12, streams = 2'000, rounds = 3;
  size_t batch_size = 1000;
  app.add_option("--events", events, "records in the topic")->capture_default_str();
  app.add_option("--partitions", partitions)->capture_default_str();
  app.add_option("--streams", streams, "distinct stream ids (view rows)")->capture_default_str();
  app.add_option("--batch-size", batch_size, "projection batch size")->capture_default_str();
  app.add_option("--rounds", rounds, "runs of each side; the median is reported")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  ConfigureLogging(LogLevel::kError, LogFormat::kText, nullptr);

  char errstr[512];
  // A handle only to host the mock cluster; it never connects anywhere.
  rd_kafka_conf_t* host_conf = rd_kafka_conf_new();
  rd_kafka_conf_set(host_conf, "log_level", "3", errstr, sizeof errstr);
  rd_kafka_t* host = rd_kafka_new(RD_KAFKA_PRODUCER, host_conf, errstr, sizeof errstr);
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(host, 1);
  if (cluster == nullptr) Die("cannot create the mock cluster");
  const std::string bootstrap = rd_kafka_mock_cluster_bootstraps(cluster);
  const std::string topic = bus::EventsTopic("activity");
  rd_kafka_mock_topic_create(cluster, topic.c_str(), partitions, 1);
  Produce(bootstrap, topic, events, streams);
  {
    rd_kafka_t* probe = rd_kafka_new(RD_KAFKA_CONSUMER, Conf(bootstrap), errstr, sizeof errstr);
    for (int p = 0; p < partitions; ++p) {
      int64_t low = 0, high = 0;
      rd_kafka_query_watermark_offsets(probe, topic.c_str(), p, &low, &high, 10'000);
      if (low != 0)
        Die("the mock cluster dropped records (5 MiB per partition): use fewer --events or more "
            "--partitions");
    }
    rd_kafka_destroy(probe);
  }

  std::vector<double> raw, ours, raw_cpu, ours_cpu;
  for (int r = 0; r < rounds; ++r) {
    const Rate raw_rate = RawConsume(bootstrap, topic, partitions, events);
    const Rate ours_rate = ProjectionConsume(bootstrap, events, batch_size);
    std::printf(
        "round %d: raw %.0f events/s (%.2f cpu us/event), projection %.0f events/s (%.2f cpu "
        "us/event)\n",
        r + 1, raw_rate.per_second, raw_rate.cpu_us_per_event, ours_rate.per_second,
        ours_rate.cpu_us_per_event);
    raw.push_back(raw_rate.per_second);
    ours.push_back(ours_rate.per_second);
    raw_cpu.push_back(raw_rate.cpu_us_per_event);
    ours_cpu.push_back(ours_rate.cpu_us_per_event);
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  const double raw_median = median(raw), ours_median = median(ours);
  std::printf("\n%-40s %14s %14s %8s\n", "case", "raw ev/s", "ours ev/s", "ratio");
  std::printf("%-40s %14.0f %14.0f %8.2f   (goal >= 0.50)\n",
              absl::StrCat("projection apply, ", events, " events").c_str(), raw_median,
              ours_median, ours_median / raw_median);
  const double raw_cpu_median = median(raw_cpu), ours_cpu_median = median(ours_cpu);
  std::printf("%-40s %14.2f %14.2f %8.2f   (raw cpu / ours cpu)\n", "process cpu us per event",
              raw_cpu_median, ours_cpu_median, raw_cpu_median / ours_cpu_median);
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(host);
  return 0;
}

}  // namespace
}  // namespace salesperf::bench

int main(int argc, char** argv) { return salesperf::bench::Main(argc, argv); }
