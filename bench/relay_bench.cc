// salesperf_relay_bench: outbox relay publish throughput against raw librdkafka.
//
// Both sides produce the same records (the relay's own envelopes, key = stream_id,
// CloudEvents headers) with the same producer configuration (LibrdkafkaSettings of the
// same KafkaPublisherOptions) to an in-process librdkafka mock cluster, each to its own
// topic. The raw side produces pre-built records in a loop and flushes; the relay side
// reads them from a MemoryEventStore, builds the records, publishes and tracks delivery.
// Prints both rates and relay/raw (goal: >= 0.5).
//
//   build/bin/salesperf_relay_bench --events 200000 --payload-bytes 200
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "libs/bus/cloudevents.h"
#include "libs/bus/cursor_store.h"
#include "libs/bus/kafka_publisher.h"
#include "libs/bus/outbox_relay.h"
#include "libs/common/config.h"
#include "libs/common/logging.h"
#include "libs/eventstore/memory_event_store.h"

namespace salesperf::bench {
namespace {

struct Flags {
  int events = 200'000;
  int payload_bytes = 200;
  int streams = 1'000;
  int brokers = 3;
  int partitions = 6;
};

// Raw librdkafka: produce every record, then flush. Returns events per second.
double RawProduce(const bus::KafkaPublisherOptions& options, const std::string& topic,
                  const std::vector<bus::Record>& records) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [name, value] : bus::LibrdkafkaSettings(options)) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof(errstr)) !=
        RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "raw: %s: %s\n", name.c_str(), errstr);
      std::exit(1);
    }
  }
  size_t failed = 0;
  rd_kafka_conf_set_opaque(conf, &failed);
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) ++*static_cast<size_t*>(opaque);
  });
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (rk == nullptr) {
    std::fprintf(stderr, "raw: %s\n", errstr);
    std::exit(1);
  }
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  absl::Time start = absl::Now();
  for (const bus::Record& r : records) {
    while (true) {
      rd_kafka_headers_t* headers = rd_kafka_headers_new(r.headers.size());
      for (const bus::Header& h : r.headers) {
        rd_kafka_header_add(headers, h.key.data(), static_cast<ssize_t>(h.key.size()),
                            h.value.data(), static_cast<ssize_t>(h.value.size()));
      }
      rd_kafka_resp_err_t err =
          rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                            RD_KAFKA_V_KEY(r.key.data(), r.key.size()),
                            RD_KAFKA_V_VALUE(const_cast<char*>(r.value.data()), r.value.size()),
                            RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      rd_kafka_headers_destroy(headers);
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        std::fprintf(stderr, "raw produce: %s\n", rd_kafka_err2str(err));
        std::exit(1);
      }
      rd_kafka_poll(rk, 1);
    }
    rd_kafka_poll(rk, 0);
  }
  rd_kafka_flush(rk, 600'000);
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  if (failed > 0) {
    std::fprintf(stderr, "raw: %zu deliveries failed\n", failed);
    std::exit(1);
  }
  return static_cast<double>(records.size()) / seconds;
}

// The relay from sequence 0 to the head. Returns events per second.
double Relay(eventstore::EventStore& store, const bus::KafkaPublisherOptions& options,
             const std::string& topic) {
  bus::MemoryCursorStore cursors;
  bus::OutboxRelayOptions relay_options;
  relay_options.topic = topic;
  bus::OutboxRelay relay(
      &store,
      [&options](bus::DeliveryCallback callback) -> absl::StatusOr<bus::PublisherPtr> {
        auto publisher = bus::KafkaPublisher::Create(options, std::move(callback));
        if (!publisher.ok()) return publisher.status();
        return bus::PublisherPtr(*std::move(publisher));
      },
      &cursors, relay_options);
  absl::Time start = absl::Now();
  if (absl::Status s = relay.Start(); !s.ok()) {
    std::fprintf(stderr, "relay: %s\n", std::string(s.message()).c_str());
    std::exit(1);
  }
  uint64_t head = store.HeadSequence();
  if (!relay.WaitForCursor(head, absl::Minutes(10))) {
    std::fprintf(stderr, "relay: did not finish\n");
    std::exit(1);
  }
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (absl::Status s = relay.Stop(); !s.ok()) std::exit(1);
  return static_cast<double>(head) / seconds;
}

int Run(const Flags& flags) {
  ConfigureLogging(LogLevel::kWarn, LogFormat::kText, &std::cerr);
  char errstr[512];
  rd_kafka_conf_t* host_conf = rd_kafka_conf_new();
  rd_kafka_conf_set(host_conf, "log_level", "3", errstr, sizeof(errstr));
  rd_kafka_t* host = rd_kafka_new(RD_KAFKA_PRODUCER, host_conf, errstr, sizeof(errstr));
  rd_kafka_mock_cluster_t* mock = rd_kafka_mock_cluster_new(host, flags.brokers);
  const std::string raw_topic = "bench.raw";
  const std::string relay_topic = "bench.relay";
  const std::string warmup_topic = "bench.warmup";
  for (const std::string& topic : {raw_topic, relay_topic, warmup_topic}) {
    rd_kafka_mock_topic_create(mock, topic.c_str(), flags.partitions, std::min(3, flags.brokers));
  }
  bus::KafkaPublisherOptions options;
  options.bootstrap_servers = rd_kafka_mock_cluster_bootstraps(mock);

  eventstore::MemoryEventStoreOptions store_options;
  store_options.source = "activity";
  store_options.event_id_seed = 1;
  eventstore::MemoryEventStore store(store_options);
  std::string payload(static_cast<size_t>(flags.payload_bytes), 'x');
  for (int i = 0; i < flags.events; ++i) {
    eventstore::AppendRequest request;
    request.stream_id = absl::StrCat("deal-", i % flags.streams);
    eventstore::EventEnvelope event;
    event.mutable_occurred_at()->set_seconds(1'795'000'000 + i);
    event.mutable_payload()->set_type_url("type.googleapis.com/salesperf.activity.v1.CallLogged");
    event.mutable_payload()->set_value(payload);
    request.events.push_back(std::move(event));
    if (absl::StatusOr<eventstore::AppendResult> r = store.Append(std::move(request)); !r.ok()) {
      std::fprintf(stderr, "append: %s\n", std::string(r.status().message()).c_str());
      return 1;
    }
  }
  absl::StatusOr<std::vector<eventstore::EventEnvelope>> log =
      store.ReadLog(1, static_cast<size_t>(flags.events));
  if (!log.ok()) return 1;
  std::vector<bus::Record> records;
  records.reserve(log->size());
  size_t bytes = 0;
  for (const eventstore::EventEnvelope& e : *log) {
    records.push_back(bus::EnvelopeRecord(e, raw_topic, e.sequence()));
    bytes += records.back().value.size();
  }

  // Connections, metadata and producer ids first, for neither side to pay alone.
  RawProduce(options, warmup_topic,
             std::vector<bus::Record>(records.begin(),
                                      records.begin() + std::min<size_t>(records.size(), 1000)));
  double raw = RawProduce(options, raw_topic, records);
  double relay = Relay(store, options, relay_topic);

  std::printf("relay_bench: %d events, %zu bytes avg value, %d brokers x %d partitions (mock)\n",
              flags.events, records.empty() ? 0 : bytes / records.size(), flags.brokers,
              flags.partitions);
  std::printf("raw librdkafka produce : %12.0f events/s\n", raw);
  std::printf("outbox relay           : %12.0f events/s\n", relay);
  std::printf("ratio relay/raw        : %12.2f (goal >= 0.50)\n", relay / raw);
  rd_kafka_mock_cluster_destroy(mock);
  rd_kafka_destroy(host);
  return 0;
}

}  // namespace
}  // namespace salesperf::bench

int main(int argc, char** argv) {
  // As the servers run (service::PrepareProcess): Debian's Abseil checks every lock for
  // deadlock cycles otherwise, a cost production does not pay.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  salesperf::bench::Flags flags;
  CLI::App app{"Outbox relay publish throughput against raw librdkafka produce"};
  salesperf::AddFlag(app, "--events", flags.events, "events to publish on each side");
  salesperf::AddFlag(app, "--payload-bytes", flags.payload_bytes, "bytes of each event payload");
  salesperf::AddFlag(app, "--streams", flags.streams, "distinct stream ids (record keys)");
  salesperf::AddFlag(app, "--brokers", flags.brokers, "mock brokers");
  salesperf::AddFlag(app, "--partitions", flags.partitions, "partitions per topic");
  CLI11_PARSE(app, argc, argv);
  return salesperf::bench::Run(flags);
}
