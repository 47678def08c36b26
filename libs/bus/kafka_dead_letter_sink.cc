#include "libs/bus/kafka_dead_letter_sink.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/bus/topics.h"
#include "libs/common/logging.h"
#include "prometheus/counter.h"
#include "prometheus/registry.h"

namespace salesperf::bus {

Record DeadLetterRecord(const projection::SourcedEvent& record, std::string_view error,
                        std::string_view consumer, uint64_t tag) {
  Record out;
  out.topic = DeadLetterTopic(consumer);
  out.key = record.key;
  out.value = record.raw.empty() ? record.envelope.SerializeAsString() : record.raw;
  out.headers = {
      {std::string(kDlqError), std::string(error)},
      {std::string(kDlqSourceTopic), EventsTopic(record.partition.source)},
      {std::string(kDlqPartition), absl::StrCat(record.partition.partition)},
      {std::string(kDlqOffset), absl::StrCat(record.position)},
      {std::string(kDlqConsumer), std::string(consumer)},
  };
  out.tag = tag;
  return out;
}

KafkaDeadLetterSink::KafkaDeadLetterSink(KafkaDeadLetterSinkOptions options)
    : options_(std::move(options)), topic_(DeadLetterTopic(options_.consumer)) {
  if (options_.registry != nullptr) {
    published_counter_ = &prometheus::BuildCounter()
                              .Name("salesperf_dlq_published_total")
                              .Help("Records written to a consumer's Kafka dead-letter topic")
                              .Register(*options_.registry)
                              .Add({{"consumer", options_.consumer}});
  }
}

absl::StatusOr<std::unique_ptr<KafkaDeadLetterSink>> KafkaDeadLetterSink::Create(
    KafkaDeadLetterSinkOptions options, KafkaPublisherOptions publisher_options) {
  return Create(std::move(options),
                [publisher_options = std::move(publisher_options)](
                    DeliveryCallback callback) -> absl::StatusOr<PublisherPtr> {
                  absl::StatusOr<std::unique_ptr<KafkaPublisher>> publisher =
                      KafkaPublisher::Create(publisher_options, std::move(callback));
                  if (!publisher.ok()) return publisher.status();
                  return PublisherPtr(*std::move(publisher));
                });
}

absl::StatusOr<std::unique_ptr<KafkaDeadLetterSink>> KafkaDeadLetterSink::Create(
    KafkaDeadLetterSinkOptions options,
    const std::function<absl::StatusOr<PublisherPtr>(DeliveryCallback)>& factory) {
  if (absl::Status s = ValidateTopicComponent(options.consumer); !s.ok()) return s;
  std::unique_ptr<KafkaDeadLetterSink> sink(new KafkaDeadLetterSink(std::move(options)));
  KafkaDeadLetterSink* self = sink.get();
  absl::StatusOr<PublisherPtr> publisher = factory([self](const DeliveryReport& report) {
    if (report.tag == self->awaited_tag_) self->awaited_status_ = report.status;
  });
  if (!publisher.ok()) return publisher.status();
  sink->publisher_ = *std::move(publisher);
  return sink;
}

absl::Status KafkaDeadLetterSink::Send(const projection::SourcedEvent& record,
                                       std::string_view error) {
  absl::Time deadline = absl::Now() + options_.send_timeout;
  awaited_tag_ = next_tag_++;
  awaited_status_.reset();
  Record out = DeadLetterRecord(record, error, options_.consumer, awaited_tag_);
  while (true) {
    absl::Status s = publisher_->Publish(out);
    if (s.ok()) break;
    if (!absl::IsResourceExhausted(s) || absl::Now() >= deadline) return s;
    publisher_->Poll(absl::Milliseconds(10));
  }
  while (!awaited_status_.has_value()) {
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::UnavailableError(
          absl::StrCat("dead letter for ", options_.consumer, " not acknowledged in time"));
    }
    publisher_->Poll(std::min(left, absl::Milliseconds(100)));
  }
  if (!awaited_status_->ok()) {
    LogWarn("dead letter not written",
            {{"consumer", options_.consumer}, {"error", std::string(awaited_status_->message())}});
    return absl::UnavailableError(
        absl::StrCat("dead letter not written: ", awaited_status_->message()));
  }
  if (published_counter_ != nullptr) published_counter_->Increment();
  return absl::OkStatus();
}

}  // namespace salesperf::bus
