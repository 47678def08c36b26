// KafkaDeadLetterSink: the projection runner's DeadLetterSink on Kafka.
//
// Each dead letter goes to salesperf.<consumer>.dlq.v1 with the record's ORIGINAL bytes
// as the value (SourcedEvent::raw; the envelope re-serialized when the source kept no
// raw bytes), its original key, and these headers:
//
//   dlq_error         why the consumer rejected it
//   dlq_source_topic  salesperf.<source>.events.v1 of the record's partition
//   dlq_partition     the source partition, decimal
//   dlq_offset        the record's position in it (the Kafka offset), decimal
//   dlq_consumer      the consumer (projection) name
//
// Send() returns only once the broker has acknowledged the record (acks=all), because
// the runner commits the batch that skips the record right after: UNAVAILABLE if that
// does not happen within `send_timeout`, and the runner retries the batch.
//
// Metric: salesperf_dlq_published_total{consumer}, records written to the DLQ topic.
// (The runner itself counts salesperf_dlq_messages_total{consumer}; a different name
// here, so that both can share a registry without counting twice.)
//
// Thread safety: Send() from one thread at a time (the runner's).
#ifndef SALESPERF_LIBS_BUS_KAFKA_DEAD_LETTER_SINK_H_
#define SALESPERF_LIBS_BUS_KAFKA_DEAD_LETTER_SINK_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/bus/kafka_publisher.h"
#include "libs/bus/publisher.h"
#include "libs/projection/dead_letter.h"

namespace prometheus {
class Registry;
class Counter;
}  // namespace prometheus

namespace salesperf::bus {

inline constexpr std::string_view kDlqError = "dlq_error";
inline constexpr std::string_view kDlqSourceTopic = "dlq_source_topic";
inline constexpr std::string_view kDlqPartition = "dlq_partition";
inline constexpr std::string_view kDlqOffset = "dlq_offset";
inline constexpr std::string_view kDlqConsumer = "dlq_consumer";

// The DLQ record for `record` rejected by `consumer` with `error` (see above).
Record DeadLetterRecord(const projection::SourcedEvent& record, std::string_view error,
                        std::string_view consumer, uint64_t tag);

struct KafkaDeadLetterSinkOptions {
  // The consuming projection's name; the topic is salesperf.<consumer>.dlq.v1. Required.
  std::string consumer;
  // How long Send() waits for the broker's acknowledgement.
  // Default: 30 s.
  absl::Duration send_timeout = absl::Seconds(30);
  // Where salesperf_dlq_published_total goes. Not owned; must outlive the sink.
  // Default: nullptr, no metrics.
  prometheus::Registry* registry = nullptr;
};

class KafkaDeadLetterSink final : public projection::DeadLetterSink {
 public:
  // A sink with its own KafkaPublisher. INVALID_ARGUMENT for a bad consumer name or
  // publisher options.
  static absl::StatusOr<std::unique_ptr<KafkaDeadLetterSink>> Create(
      KafkaDeadLetterSinkOptions options, KafkaPublisherOptions publisher_options);
  // A sink on any publisher (tests), built by `factory` with the sink's callback.
  static absl::StatusOr<std::unique_ptr<KafkaDeadLetterSink>> Create(
      KafkaDeadLetterSinkOptions options,
      const std::function<absl::StatusOr<PublisherPtr>(DeliveryCallback)>& factory);

  absl::Status Send(const projection::SourcedEvent& record, std::string_view error) override;

  const std::string& topic() const { return topic_; }

 private:
  explicit KafkaDeadLetterSink(KafkaDeadLetterSinkOptions options);

  const KafkaDeadLetterSinkOptions options_;
  const std::string topic_;
  PublisherPtr publisher_;
  uint64_t next_tag_ = 1;
  // The report of the record Send() is waiting for; set by the callback.
  uint64_t awaited_tag_ = 0;
  std::optional<absl::Status> awaited_status_;
  prometheus::Counter* published_counter_ = nullptr;
};

}  // namespace salesperf::bus

#endif  // SALESPERF_LIBS_BUS_KAFKA_DEAD_LETTER_SINK_H_
