// KafkaPublisher: a Publisher on librdkafka's producer.
//
// Defaults favour safety first (acks=all, idempotence: no duplicates or reordering from
// librdkafka's own retries) and then throughput (lz4, a few ms of linger, large batches).
// Records are never given up on by default (message_timeout_ms = 0): a broker outage
// only fills the local queue, and Publish() pushes back with RESOURCE_EXHAUSTED.
//
// Fatal errors (rd_kafka_fatal_error: e.g. the idempotent producer lost its sequence
// state) stop a librdkafka producer for good. KafkaPublisher notices them in Poll() or
// Flush(), fails every record in flight (reports with UNAVAILABLE), and builds a new
// producer with the same configuration; Publish() returns UNAVAILABLE while it does.
//
// Security: raw librdkafka properties (security.protocol, sasl.*, ssl.*) pass through
// `properties`; their values never appear in logs or in returned errors.
//
// Thread safety: as Publisher. Callbacks run outside internal locks, so they may call
// Publish().
#ifndef SALESPERF_LIBS_BUS_KAFKA_PUBLISHER_H_
#define SALESPERF_LIBS_BUS_KAFKA_PUBLISHER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "libs/bus/publisher.h"

// librdkafka's C handles, kept out of this header.
typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_topic_s rd_kafka_topic_t;
typedef struct rd_kafka_message_s rd_kafka_message_t;

namespace salesperf::bus {

struct KafkaPublisherOptions {
  // bootstrap.servers, "host:port,...". Required.
  std::string bootstrap_servers;
  // client.id, shown in broker logs and quotas.
  // Default: "salesperf".
  std::string client_id = "salesperf";
  // acks: "all" waits for every in-sync replica; idempotence requires it.
  // Default: "all".
  std::string acks = "all";
  // enable.idempotence: librdkafka's retries neither duplicate nor reorder records.
  // Default: true.
  bool enable_idempotence = true;
  // compression.codec: none, gzip, snappy, lz4 or zstd. lz4 is the cheapest in CPU for
  // a good ratio on protobuf envelopes.
  // Default: "lz4".
  std::string compression = "lz4";
  // linger.ms: how long a batch waits to fill. A few ms buy large batches at load and
  // cost little latency when idle.
  // Default: 5.
  int linger_ms = 5;
  // batch.size in bytes, per partition.
  // Default: 1000000 (librdkafka's maximum useful size under the broker's 1 MB limit).
  int batch_size_bytes = 1'000'000;
  // batch.num.messages per partition batch.
  // Default: 10000.
  int batch_num_messages = 10'000;
  // queue.buffering.max.messages: records held locally (queued or in flight) before
  // Publish() returns RESOURCE_EXHAUSTED.
  // Default: 100000.
  int queue_buffering_max_messages = 100'000;
  // queue.buffering.max.kbytes: the same bound in KiB.
  // Default: 1048576 (1 GiB).
  int queue_buffering_max_kbytes = 1'048'576;
  // message.timeout.ms: how long librdkafka retries a record before reporting failure;
  // 0 is forever. Forever is the default because a record that times out while a later
  // record of its partition gets through leaves a gap, which consumers that de-duplicate
  // by the highest sequence seen would turn into a loss.
  // Default: 0.
  int message_timeout_ms = 0;
  // max.in.flight.requests.per.connection. Consumers skip any record whose sequence is at
  // or below the highest they have seen in its partition, so the relay's records must land
  // in order. Kafka keeps up to 5 in-flight batches in order only when the broker enforces
  // idempotent sequence numbers; brokers and Kafka-compatible stores that do not (the
  // librdkafka mock cluster among them) can append a retried batch after a later one,
  // which those consumers would drop. One request in flight per broker cannot reorder
  // anywhere; large batches (linger_ms, batch_size_bytes) keep the throughput. Raise it
  // only on brokers known to enforce idempotence.
  // Default: 1.
  int max_in_flight_requests = 1;
  // Any other librdkafka property, applied last (so it may override the fields above):
  // security.protocol, sasl.mechanism, sasl.username, sasl.password, ssl.ca.location...
  // Values are never logged.
  // Default: none.
  std::vector<std::pair<std::string, std::string>> properties;
};

// The librdkafka configuration `options` stands for, in the order it is applied
// (`properties` last). For baselines that must use the same producer configuration.
std::vector<std::pair<std::string, std::string>> LibrdkafkaSettings(
    const KafkaPublisherOptions& options);

class KafkaPublisher final : public Publisher {
 public:
  // Builds the producer. INVALID_ARGUMENT for a missing bootstrap_servers, an unknown
  // property or an invalid value (the value is not quoted in the error).
  static absl::StatusOr<std::unique_ptr<KafkaPublisher>> Create(KafkaPublisherOptions options,
                                                                DeliveryCallback on_delivery);

  // Does not wait: records still in flight are purged and get no report. Call Flush()
  // first to deliver them.
  ~KafkaPublisher() override;

  absl::Status Publish(Record record) override;
  int Poll(absl::Duration timeout) override;
  absl::Status Flush(absl::Duration timeout) override;
  size_t InFlight() const override { return in_flight_.load(std::memory_order_acquire); }

  // How many times the producer was rebuilt after a fatal error.
  uint64_t rebuilds() const { return rebuilds_.load(std::memory_order_relaxed); }

  // Raises a fatal error in the current producer, as the idempotence machinery would,
  // so that tests can exercise the rebuild.
  absl::Status TriggerFatalErrorForTesting();

 private:
  KafkaPublisher(KafkaPublisherOptions options, DeliveryCallback on_delivery);
  absl::StatusOr<rd_kafka_t*> NewProducer();
  rd_kafka_topic_t* Topic(const std::string& name) ABSL_SHARED_LOCKS_REQUIRED(handle_mu_);
  // Destroys the failed producer (failing what it held) and makes a new one.
  void Rebuild() ABSL_LOCKS_EXCLUDED(handle_mu_);
  // Runs the callback for reports collected by librdkafka's callback.
  int DispatchReports() ABSL_LOCKS_EXCLUDED(reports_mu_);
  // Destroys `rk` and its topics, failing every record it still holds.
  void DestroyProducer() ABSL_EXCLUSIVE_LOCKS_REQUIRED(handle_mu_);

  static void OnDeliveryReport(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  static void OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque);

  const KafkaPublisherOptions options_;
  const DeliveryCallback on_delivery_;

  absl::Mutex handle_mu_;  // shared: use the producer; exclusive: replace it
  rd_kafka_t* rk_ ABSL_GUARDED_BY(handle_mu_) = nullptr;
  absl::Mutex topics_mu_ ABSL_ACQUIRED_AFTER(handle_mu_);
  absl::flat_hash_map<std::string, rd_kafka_topic_t*> topics_ ABSL_GUARDED_BY(topics_mu_);

  absl::Mutex reports_mu_;
  std::vector<DeliveryReport> reports_ ABSL_GUARDED_BY(reports_mu_);

  std::atomic<size_t> in_flight_{0};
  std::atomic<bool> fatal_{false};
  std::atomic<uint64_t> rebuilds_{0};
};

}  // namespace salesperf::bus

#endif  // SALESPERF_LIBS_BUS_KAFKA_PUBLISHER_H_
