// OutboxRelay: publishes a service's event log to Kafka, at least once, in order.
//
// The relay tails an EventStore (ReadLog + WaitForSequence) from a persisted cursor and
// publishes every event, in sequence order, to salesperf.<source>.events.v1 with
// key = stream_id, value = the serialized envelope and CloudEvents headers
// (libs/bus/cloudevents.h). The record's tag is the event's sequence.
//
// The cursor is the highest sequence S such that every sequence <= S has been delivered
// (acks=all). It advances only past delivered events and is saved through a CursorStore
// at most every `cursor_save_interval` and when the relay stops, so a restart resumes at
// or before the first undelivered event: it may publish some events again, never skip
// one. Consumers de-duplicate by (source, sequence) (DESIGN.md section 1).
//
// Back-pressure: at most `max_pending_events` events are published and not yet
// delivered (or read and not yet published); beyond that the relay waits for delivery
// reports. Memory is bounded whatever the backlog, which stays in the event store and
// shows in salesperf_outbox_pending_events.
//
// Failures: librdkafka retries a record until message.timeout.ms (forever by default).
// On any failed delivery report, or a Publish() error other than a full queue, the relay
// stops publishing, waits until every record in flight has been reported, and publishes
// again from the cursor; waiting first keeps an older attempt from landing after a newer
// one. KafkaPublisher rebuilds its producer after a fatal error by itself, and fails
// what it held, which brings the relay to the same path.
//
// Isolation: the relay runs on its own thread and only reads the store. Appends never
// wait for it, whatever the state of the brokers.
//
// Metrics (label source = store.source()): salesperf_outbox_pending_events (head
// sequence - cursor), salesperf_outbox_published_total (delivered records, duplicates
// included), salesperf_outbox_publish_errors_total (failed reports and publish errors),
// salesperf_outbox_cursor_sequence.
//
// Thread safety: Start() and Stop() from one owner thread; Stats() and WaitForCursor()
// from any thread.
#ifndef SALESPERF_LIBS_BUS_OUTBOX_RELAY_H_
#define SALESPERF_LIBS_BUS_OUTBOX_RELAY_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "libs/bus/cursor_store.h"
#include "libs/bus/publisher.h"
#include "libs/eventstore/event_store.h"

namespace prometheus {
class Registry;
class Gauge;
class Counter;
}  // namespace prometheus

namespace salesperf::bus {

struct OutboxRelayOptions {
  // Topic to publish to.
  // Default: empty, meaning EventsTopic(store.source()).
  std::string topic;
  // Events published (or read) and not yet delivered, at most. Bounds memory.
  // Default: 10000.
  size_t max_pending_events = 10'000;
  // Events read from the store at once.
  // Default: 1000.
  size_t read_batch = 1'000;
  // How long one wait for new events lasts when nothing is in flight; bounds how long
  // Stop() takes.
  // Default: 100 ms.
  absl::Duration idle_wait = absl::Milliseconds(100);
  // How long one wait for delivery reports lasts while records are in flight and
  // there is nothing new to publish; bounds the latency of new events meanwhile.
  // Default: 2 ms.
  absl::Duration report_wait = absl::Milliseconds(2);
  // Pause before publishing again from the cursor after a failure.
  // Default: 200 ms.
  absl::Duration retry_backoff = absl::Milliseconds(200);
  // The cursor is saved at most this often while it moves (and always on Stop()).
  // Default: 200 ms.
  absl::Duration cursor_save_interval = absl::Milliseconds(200);
  // How long Stop() waits for records in flight before giving up on them (they are
  // published again after a restart).
  // Default: 5 s.
  absl::Duration stop_flush_timeout = absl::Seconds(5);
  // Where the metrics go. Not owned; must outlive the relay.
  // Default: nullptr, no metrics.
  prometheus::Registry* registry = nullptr;
};

// Builds the relay's publisher, wired to the relay's delivery callback.
using PublisherFactory = std::function<absl::StatusOr<PublisherPtr>(DeliveryCallback)>;

struct OutboxRelayStats {
  uint64_t cursor = 0;     // every sequence <= cursor has been delivered
  uint64_t head = 0;       // the store's head sequence, as last seen
  uint64_t published = 0;  // delivered records, duplicates included
  uint64_t errors = 0;     // failed reports and publish errors
  uint64_t rewinds = 0;    // times the relay published again from the cursor
};

class OutboxRelay {
 public:
  // `store` and `cursors` are not owned and must outlive the relay.
  OutboxRelay(eventstore::EventStore* store, PublisherFactory publisher_factory,
              CursorStore* cursors, OutboxRelayOptions options = {});
  // Stops the relay if it runs.
  ~OutboxRelay();
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  // Loads the cursor, builds the publisher and starts the relay thread. Errors from the
  // cursor store or the factory; FAILED_PRECONDITION if already started.
  absl::Status Start();

  // Stops publishing, waits up to stop_flush_timeout for records in flight, saves the
  // cursor and joins the thread. Returns the cursor store's error, if any. Idempotent.
  absl::Status Stop();

  OutboxRelayStats Stats() const;

  // Blocks until the cursor reaches `sequence` or `timeout` passes; true if it did.
  bool WaitForCursor(uint64_t sequence, absl::Duration timeout) const;

 private:
  void Run();
  void OnDelivery(const DeliveryReport& report);
  // Moves the cursor past the delivered prefix of the window.
  void AdvanceCursor();
  absl::Status SaveCursor();
  void Rewind();
  // Reads more events into buffer_ when it is used up; false if none are ready.
  bool FillBuffer();
  // Publishes from buffer_ while the window has room.
  void PublishBuffered();
  void UpdateGauges();

  eventstore::EventStore* const store_;
  const PublisherFactory publisher_factory_;
  CursorStore* const cursors_;
  const OutboxRelayOptions options_;
  const std::string topic_;

  PublisherPtr publisher_;
  std::thread thread_;
  absl::Notification stop_;
  bool started_ = false;
  bool stopped_ = false;

  // Relay thread only (the delivery callback runs on it, inside Poll()).
  uint64_t cursor_local_ = 0;                      // the relay thread's copy of cursor_
  uint64_t next_ = 1;                              // next sequence to publish
  std::deque<bool> window_;                        // delivered?, for sequences cursor+1 .. next_-1
  std::vector<eventstore::EventEnvelope> buffer_;  // read, not yet published
  size_t buffer_pos_ = 0;
  bool failed_ = false;  // a failure was seen: drain, then rewind
  uint64_t saved_cursor_ = 0;
  absl::Time last_save_ = absl::InfinitePast();
  absl::Status save_status_;

  mutable absl::Mutex cursor_mu_;
  mutable absl::CondVar cursor_cv_;
  uint64_t cursor_ ABSL_GUARDED_BY(cursor_mu_) = 0;

  std::atomic<uint64_t> head_{0};
  std::atomic<uint64_t> published_{0};
  std::atomic<uint64_t> errors_{0};
  std::atomic<uint64_t> rewinds_{0};

  prometheus::Gauge* pending_gauge_ = nullptr;
  prometheus::Gauge* cursor_gauge_ = nullptr;
  prometheus::Counter* published_counter_ = nullptr;
  prometheus::Counter* errors_counter_ = nullptr;
};

}  // namespace salesperf::bus

#endif  // SALESPERF_LIBS_BUS_OUTBOX_RELAY_H_
