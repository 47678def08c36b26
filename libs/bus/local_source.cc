#include "libs/bus/local_source.h"

#include <algorithm>
#include <utility>

#include "absl/time/clock.h"

namespace salesperf::bus {

LocalSource::LocalSource(const std::vector<eventstore::EventStore*>& stores,
                         LocalSourceOptions options)
    : options_(options) {
  for (eventstore::EventStore* store : stores) cursors_.push_back({store, 1});
  for (eventstore::EventStore* store : stores) {
    watchers_.emplace_back([this, store] { Watch(store); });
  }
}

LocalSource::~LocalSource() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : watchers_) t.join();
}

void LocalSource::Watch(eventstore::EventStore* store) {
  uint64_t seen = store->HeadSequence();
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    uint64_t head = store->WaitForSequence(seen, options_.watch_slice);
    if (head > seen) {
      seen = head;
      absl::MutexLock lock(&mu_);
      ++generation_;
    }
  }
}

absl::Status LocalSource::Start(projection::PositionLookup lookup) {
  for (Cursor& cursor : cursors_) {
    std::optional<int64_t> next = lookup({cursor.store->source(), 0});
    cursor.next_sequence = next.has_value() && *next > 0 ? static_cast<uint64_t>(*next) : 1;
  }
  return absl::OkStatus();
}

bool LocalSource::AnyAvailable() const {
  return std::any_of(cursors_.begin(), cursors_.end(),
                     [](const Cursor& c) { return c.store->HeadSequence() >= c.next_sequence; });
}

absl::Status LocalSource::ReadAvailable(size_t max_events,
                                        std::vector<projection::SourcedEvent>& out) {
  if (cursors_.empty()) return absl::OkStatus();
  // Share the batch across stores so one busy service cannot starve the others.
  const size_t share = std::max<size_t>(1, max_events / cursors_.size());
  for (size_t i = 0; i < cursors_.size() && out.size() < max_events; ++i) {
    Cursor& cursor = cursors_[(round_robin_ + i) % cursors_.size()];
    const size_t want = std::min(share, max_events - out.size());
    absl::StatusOr<std::vector<eventstore::EventEnvelope>> events =
        cursor.store->ReadLog(cursor.next_sequence, want);
    if (!events.ok()) return events.status();
    for (eventstore::EventEnvelope& envelope : *events) {
      projection::SourcedEvent record;
      record.partition = {cursor.store->source(), 0};
      record.position = static_cast<int64_t>(envelope.sequence());
      record.key = envelope.stream_id();
      cursor.next_sequence = envelope.sequence() + 1;
      record.envelope = std::move(envelope);
      out.push_back(std::move(record));
    }
  }
  round_robin_ = (round_robin_ + 1) % cursors_.size();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<projection::SourcedEvent>> LocalSource::Poll(size_t max_events,
                                                                        absl::Duration timeout) {
  std::vector<projection::SourcedEvent> out;
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    uint64_t generation;
    {
      absl::MutexLock lock(&mu_);
      generation = generation_;
    }
    if (absl::Status s = ReadAvailable(max_events, out); !s.ok()) return s;
    if (!out.empty() || absl::Now() >= deadline) return out;
    // Sleep until a watcher reports a moved head (or the deadline), then read again.
    absl::MutexLock lock(&mu_);
    auto moved = [this, generation]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return generation_ != generation || stopping_;
    };
    if (!AnyAvailable()) mu_.AwaitWithDeadline(absl::Condition(&moved), deadline);
  }
}

std::vector<projection::PartitionHead> LocalSource::Heads() const {
  std::vector<projection::PartitionHead> heads;
  for (const Cursor& cursor : cursors_) {
    heads.push_back({.partition = {cursor.store->source(), 0},
                     .end_position = static_cast<int64_t>(cursor.store->HeadSequence()) + 1,
                     .begin_position = 1});
  }
  return heads;
}

}  // namespace salesperf::bus
