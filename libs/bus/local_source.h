// LocalSource: an EventSource that tails in-process EventStores directly.
//
// This is the embedded bus of salesperfd: projections read the services' event stores
// without Kafka, through the same runner and the same checkpoints as KafkaSource.
// Each store is one partition: (store->source(), 0), and a record's position is its
// sequence, so the next position to read is the checkpointed high-water sequence + 1.
//
// Waiting: one watcher thread per store blocks in EventStore::WaitForSequence and wakes
// Poll() when that store's head moves; Poll never spins.
//
// Thread safety: Start and Poll from the runner's thread; Heads from any thread.
// The stores are not owned and must outlive the source.
#ifndef SALESPERF_LIBS_BUS_LOCAL_SOURCE_H_
#define SALESPERF_LIBS_BUS_LOCAL_SOURCE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "libs/eventstore/event_store.h"
#include "libs/projection/event_source.h"

namespace salesperf::bus {

struct LocalSourceOptions {
  // How long a watcher waits in one WaitForSequence call before re-checking for shutdown.
  // Default: 200ms. Only bounds how quickly the destructor returns.
  absl::Duration watch_slice = absl::Milliseconds(200);
};

class LocalSource final : public projection::EventSource {
 public:
  LocalSource(const std::vector<eventstore::EventStore*>& stores, LocalSourceOptions options = {});
  ~LocalSource() override;

  absl::Status Start(projection::PositionLookup lookup) override;
  absl::StatusOr<std::vector<projection::SourcedEvent>> Poll(size_t max_events,
                                                             absl::Duration timeout) override;
  std::vector<projection::PartitionHead> Heads() const override;

 private:
  struct Cursor {
    eventstore::EventStore* store;
    uint64_t next_sequence = 1;
  };

  // Reads what is available without waiting; appends to `out`.
  absl::Status ReadAvailable(size_t max_events, std::vector<projection::SourcedEvent>& out);
  bool AnyAvailable() const;
  void Watch(eventstore::EventStore* store);

  const LocalSourceOptions options_;
  std::vector<Cursor> cursors_;  // runner thread only
  size_t round_robin_ = 0;       // runner thread only: fairness across stores

  mutable absl::Mutex mu_;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;  // bumped whenever any store's head moves
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> watchers_;
};

}  // namespace salesperf::bus

#endif  // SALESPERF_LIBS_BUS_LOCAL_SOURCE_H_
