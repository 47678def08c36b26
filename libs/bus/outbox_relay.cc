#include "libs/bus/outbox_relay.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/bus/cloudevents.h"
#include "libs/bus/topics.h"
#include "libs/common/logging.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace salesperf::bus {

OutboxRelay::OutboxRelay(eventstore::EventStore* store, PublisherFactory publisher_factory,
                         CursorStore* cursors, OutboxRelayOptions options)
    : store_(store),
      publisher_factory_(std::move(publisher_factory)),
      cursors_(cursors),
      options_(std::move(options)),
      topic_(options_.topic.empty() ? EventsTopic(store->source()) : options_.topic) {
  if (options_.registry != nullptr) {
    prometheus::Labels labels = {{"source", store->source()}};
    pending_gauge_ = &prometheus::BuildGauge()
                          .Name("salesperf_outbox_pending_events")
                          .Help("Events appended and not yet delivered to Kafka (head - cursor)")
                          .Register(*options_.registry)
                          .Add(labels);
    cursor_gauge_ = &prometheus::BuildGauge()
                         .Name("salesperf_outbox_cursor_sequence")
                         .Help("Highest sequence up to which every event is delivered")
                         .Register(*options_.registry)
                         .Add(labels);
    published_counter_ = &prometheus::BuildCounter()
                              .Name("salesperf_outbox_published_total")
                              .Help(
                                  "Records delivered to Kafka by the outbox relay, "
                                  "re-publications included")
                              .Register(*options_.registry)
                              .Add(labels);
    errors_counter_ = &prometheus::BuildCounter()
                           .Name("salesperf_outbox_publish_errors_total")
                           .Help("Failed deliveries and publish errors of the outbox relay")
                           .Register(*options_.registry)
                           .Add(labels);
  }
}

OutboxRelay::~OutboxRelay() { Stop().IgnoreError(); }

absl::Status OutboxRelay::Start() {
  if (started_) return absl::FailedPreconditionError("OutboxRelay already started");
  absl::StatusOr<uint64_t> cursor = cursors_->Load();
  if (!cursor.ok()) return cursor.status();
  absl::StatusOr<PublisherPtr> publisher =
      publisher_factory_([this](const DeliveryReport& report) { OnDelivery(report); });
  if (!publisher.ok()) return publisher.status();
  publisher_ = *std::move(publisher);
  cursor_local_ = *cursor;
  saved_cursor_ = *cursor;
  next_ = *cursor + 1;
  {
    absl::MutexLock lock(&cursor_mu_);
    cursor_ = *cursor;
  }
  started_ = true;
  LogInfo("outbox relay started",
          {{"source", store_->source()}, {"topic", topic_}, {"cursor", *cursor}});
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

absl::Status OutboxRelay::Stop() {
  if (!started_ || stopped_) return absl::OkStatus();
  stopped_ = true;
  stop_.Notify();
  thread_.join();
  LogInfo("outbox relay stopped", {{"source", store_->source()}, {"cursor", cursor_local_}});
  return save_status_;
}

OutboxRelayStats OutboxRelay::Stats() const {
  OutboxRelayStats stats;
  {
    absl::MutexLock lock(&cursor_mu_);
    stats.cursor = cursor_;
  }
  stats.head = head_.load(std::memory_order_relaxed);
  stats.published = published_.load(std::memory_order_relaxed);
  stats.errors = errors_.load(std::memory_order_relaxed);
  stats.rewinds = rewinds_.load(std::memory_order_relaxed);
  return stats;
}

bool OutboxRelay::WaitForCursor(uint64_t sequence, absl::Duration timeout) const {
  absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&cursor_mu_);
  while (cursor_ < sequence) {
    if (cursor_cv_.WaitWithDeadline(&cursor_mu_, deadline)) return cursor_ >= sequence;
  }
  return true;
}

void OutboxRelay::Run() {
  while (!stop_.HasBeenNotified()) {
    publisher_->Poll(absl::ZeroDuration());
    AdvanceCursor();
    if (absl::Now() - last_save_ >= options_.cursor_save_interval) {
      if (absl::Status s = SaveCursor(); !s.ok()) {
        LogError("outbox relay cannot save its cursor",
                 {{"source", store_->source()}, {"error", std::string(s.message())}});
      }
    }
    UpdateGauges();

    if (failed_) {
      // Nothing new goes out until every record in flight is reported, so that no
      // record of the failed attempt can land after a record of the next one.
      if (publisher_->InFlight() > 0) {
        publisher_->Poll(absl::Milliseconds(100));
        continue;
      }
      Rewind();
      stop_.WaitForNotificationWithTimeout(options_.retry_backoff);
      continue;
    }
    if (buffer_pos_ == buffer_.size() && !FillBuffer()) {
      if (publisher_->InFlight() > 0) {
        publisher_->Poll(options_.report_wait);
      } else {
        head_.store(store_->WaitForSequence(next_ - 1, options_.idle_wait),
                    std::memory_order_relaxed);
      }
      continue;
    }
    PublishBuffered();
  }

  // Deliver what is in flight, then record how far we got.
  if (absl::Status s = publisher_->Flush(options_.stop_flush_timeout); !s.ok()) {
    LogWarn("outbox relay stopped with records in flight; they will be published again",
            {{"source", store_->source()},
             {"in_flight", static_cast<uint64_t>(publisher_->InFlight())}});
  }
  AdvanceCursor();
  save_status_ = SaveCursor();
  UpdateGauges();
  // Reports for records still in flight must not reach this relay after it is gone.
  publisher_.reset();
}

bool OutboxRelay::FillBuffer() {
  size_t window = window_.size();
  if (window >= options_.max_pending_events) return false;  // wait for reports
  uint64_t head = store_->HeadSequence();
  head_.store(head, std::memory_order_relaxed);
  if (next_ > head) return false;
  size_t want = std::min(options_.read_batch, options_.max_pending_events - window);
  absl::StatusOr<std::vector<eventstore::EventEnvelope>> events = store_->ReadLog(next_, want);
  if (!events.ok() || events->empty() || events->front().sequence() != next_) {
    // The store is gap-free, so this is a storage failure: retry after a pause.
    errors_.fetch_add(1, std::memory_order_relaxed);
    if (errors_counter_ != nullptr) errors_counter_->Increment();
    LogError("outbox relay cannot read the event log",
             {{"source", store_->source()},
              {"from_sequence", next_},
              {"error", events.ok() ? std::string("unexpected sequence")
                                    : std::string(events.status().message())}});
    stop_.WaitForNotificationWithTimeout(options_.retry_backoff);
    return false;
  }
  buffer_ = *std::move(events);
  buffer_pos_ = 0;
  return true;
}

void OutboxRelay::PublishBuffered() {
  while (buffer_pos_ < buffer_.size() && window_.size() < options_.max_pending_events) {
    const eventstore::EventEnvelope& event = buffer_[buffer_pos_];
    absl::Status s = publisher_->Publish(EnvelopeRecord(event, topic_, event.sequence()));
    if (absl::IsResourceExhausted(s)) {
      publisher_->Poll(options_.report_wait);  // the local queue is full: let it drain
      return;
    }
    if (!s.ok()) {
      errors_.fetch_add(1, std::memory_order_relaxed);
      if (errors_counter_ != nullptr) errors_counter_->Increment();
      if (!failed_) {
        LogWarn("outbox relay publish failed; will publish again from the cursor",
                {{"source", store_->source()},
                 {"sequence", event.sequence()},
                 {"error", std::string(s.message())}});
      }
      failed_ = true;
      return;
    }
    window_.push_back(false);
    ++next_;
    ++buffer_pos_;
  }
  if (buffer_pos_ == buffer_.size()) {
    buffer_.clear();
    buffer_pos_ = 0;
  }
}

void OutboxRelay::OnDelivery(const DeliveryReport& report) {
  uint64_t sequence = report.tag;
  if (!report.status.ok()) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    if (errors_counter_ != nullptr) errors_counter_->Increment();
    if (!failed_) {
      LogWarn("outbox relay delivery failed; will publish again from the cursor",
              {{"source", store_->source()},
               {"sequence", sequence},
               {"error", std::string(report.status.message())}});
    }
    failed_ = true;
    return;
  }
  published_.fetch_add(1, std::memory_order_relaxed);
  if (published_counter_ != nullptr) published_counter_->Increment();
  // Rewinds wait for every report first, so a report always falls in the window.
  if (sequence > cursor_local_ && sequence < next_) window_[sequence - cursor_local_ - 1] = true;
}

void OutboxRelay::AdvanceCursor() {
  uint64_t advanced = 0;
  while (!window_.empty() && window_.front()) {
    window_.pop_front();
    ++advanced;
  }
  if (advanced == 0) return;
  cursor_local_ += advanced;
  absl::MutexLock lock(&cursor_mu_);
  cursor_ = cursor_local_;
  cursor_cv_.SignalAll();
}

absl::Status OutboxRelay::SaveCursor() {
  last_save_ = absl::Now();
  if (cursor_local_ == saved_cursor_) return absl::OkStatus();
  absl::Status s = cursors_->Save(cursor_local_);
  if (s.ok()) saved_cursor_ = cursor_local_;
  return s;
}

void OutboxRelay::Rewind() {
  rewinds_.fetch_add(1, std::memory_order_relaxed);
  LogInfo("outbox relay publishing again from the cursor",
          {{"source", store_->source()}, {"cursor", cursor_local_}, {"next", next_}});
  next_ = cursor_local_ + 1;
  window_.clear();
  buffer_.clear();
  buffer_pos_ = 0;
  failed_ = false;
}

void OutboxRelay::UpdateGauges() {
  uint64_t head = store_->HeadSequence();
  head_.store(head, std::memory_order_relaxed);
  if (pending_gauge_ == nullptr) return;
  pending_gauge_->Set(static_cast<double>(head - std::min(head, cursor_local_)));
  cursor_gauge_->Set(static_cast<double>(cursor_local_));
}

}  // namespace salesperf::bus
