// KafkaSource: an EventSource on a Kafka consumer group over salesperf.<service>.events.v1.
//
// The projection's RocksDB checkpoint is the truth about what has been applied, not the
// group's committed offsets: whenever the group assigns this consumer a partition, the
// source asks the runner's PositionLookup where to resume and seeks there (the beginning
// if the runner has no checkpoint for it). That makes it safe across rebalances, restarts
// and crashes: a partition handed over from a dead consumer resumes from this
// process's own checkpoint. Offsets are still committed to the group (asynchronously,
// after each durable batch) so that standard tooling shows consumer lag.
//
// Records that do not decode as an EventEnvelope, or whose envelope is not valid for the
// topic (no sequence, no stream id, a source that is not the topic's service), are
// delivered with `decode_error` set and the original bytes, for the dead-letter queue.
//
// Thread safety: Start, Poll and Committed from the runner's thread; Heads from any thread.
#ifndef SALESPERF_LIBS_BUS_KAFKA_SOURCE_H_
#define SALESPERF_LIBS_BUS_KAFKA_SOURCE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "libs/projection/event_source.h"

namespace RdKafka {
class KafkaConsumer;
}  // namespace RdKafka
struct rd_kafka_message_s;

namespace salesperf::bus {

struct KafkaSourceOptions {
  // Bootstrap servers, "host:port,...". Required.
  std::string brokers;
  // Consumer group id. Required. Replicas that each keep a full read model (analytics)
  // need distinct group ids; processes that split the partitions share one.
  std::string group_id;
  // The services whose events topics to consume, e.g. {"targets", "activity"}. Required.
  std::vector<std::string> services;
  // Extra librdkafka properties (security.protocol, sasl.*, ssl.*, fetch tuning).
  // Values are never logged. Default: none.
  std::map<std::string, std::string> properties;
  // session.timeout.ms: how soon a dead consumer's partitions are handed over.
  // Default: 10000 (librdkafka's default is 45000; projections prefer fast hand-over).
  int session_timeout_ms = 10000;
  // client.id shown in broker logs. Default: "salesperf-projection".
  std::string client_id = "salesperf-projection";
};

class KafkaSource final : public projection::EventSource {
 public:
  // Validates the options and creates the consumer (it joins the group on Start).
  static absl::StatusOr<std::unique_ptr<KafkaSource>> Create(KafkaSourceOptions options);
  ~KafkaSource() override;

  absl::Status Start(projection::PositionLookup lookup) override;
  absl::StatusOr<std::vector<projection::SourcedEvent>> Poll(size_t max_events,
                                                             absl::Duration timeout) override;
  // Keeps the records to decode later polls into (their strings and messages are reused).
  void Recycle(std::vector<projection::SourcedEvent> records) override;
  void Committed(
      const std::vector<std::pair<projection::PartitionId, int64_t>>& next_positions) override;
  std::vector<projection::PartitionHead> Heads() const override;

  // The partitions currently assigned to this consumer, sorted.
  std::vector<projection::PartitionId> Assignment() const;

 private:
  class Rebalancer;
  explicit KafkaSource(KafkaSourceOptions options);
  // Fills `record` (a new or recycled one) from a consumed message.
  void Decode(const rd_kafka_message_s& msg, projection::SourcedEvent& record);

  // Called from inside the consumer's poll when the group hands out partitions.
  projection::PositionLookup lookup_;  // runner thread (rebalances run inside Poll)
  const KafkaSourceOptions options_;
  std::unique_ptr<Rebalancer> rebalancer_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  bool subscribed_ = false;
  // Runner thread only. Records handed back by Recycle, to decode into.
  std::vector<projection::SourcedEvent> spare_;
  // The last topic seen and its service (nullopt: not an events topic): records come in
  // runs of one topic, and this spares a parse and an allocation per record.
  std::string last_topic_;
  std::optional<std::string> last_service_;

  mutable absl::Mutex mu_;
  std::vector<projection::PartitionId> assigned_ ABSL_GUARDED_BY(mu_);
};

}  // namespace salesperf::bus

#endif  // SALESPERF_LIBS_BUS_KAFKA_SOURCE_H_
