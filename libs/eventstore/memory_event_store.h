// MemoryEventStore: the in-memory twin of RocksDbEventStore (as LevelDB's NewMemEnv is
// of its Env), for domain and server tests that need no disk. Same contract, checked by
// the same conformance suite; nothing survives the object.
//
// Thread safety: every method may be called from any number of threads at once.
#ifndef SALESPERF_LIBS_EVENTSTORE_MEMORY_EVENT_STORE_H_
#define SALESPERF_LIBS_EVENTSTORE_MEMORY_EVENT_STORE_H_

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/random/random.h"
#include "absl/synchronization/mutex.h"
#include "libs/common/clock.h"
#include "libs/eventstore/event_store.h"

namespace salesperf::eventstore {

struct MemoryEventStoreOptions {
  // The service name stamped into every envelope's `source`.
  // Default: "test".
  std::string source = "test";
  // Where recorded_at comes from. Not owned; must outlive the store.
  // Default: RealClock(). Tests pass a FakeClock.
  Clock* clock = RealClock();
  // Seed for the generator of event ids, for reproducible ids in tests.
  // Default: nullopt, a non-deterministically seeded generator.
  std::optional<uint64_t> event_id_seed;
};

class MemoryEventStore final : public EventStore {
 public:
  explicit MemoryEventStore(MemoryEventStoreOptions options = {});

  absl::StatusOr<AppendResult> Append(AppendRequest request) override;
  absl::StatusOr<MultiAppendResult> AppendMulti(MultiAppendRequest request) override;
  absl::StatusOr<std::optional<RequestRecord>> LookupRequest(
      const std::string& request_id) override;
  absl::StatusOr<std::vector<EventEnvelope>> ReadStream(const std::string& stream_id,
                                                        uint64_t from_version,
                                                        size_t max_count) override;
  absl::StatusOr<uint64_t> StreamVersion(const std::string& stream_id) override;
  absl::StatusOr<std::vector<EventEnvelope>> ReadLog(uint64_t from_sequence,
                                                     size_t max_count) override;
  uint64_t HeadSequence() const override;
  uint64_t WaitForSequence(uint64_t after_sequence, absl::Duration timeout) const override;
  const std::string& source() const override { return options_.source; }

 private:
  // Decides and applies a validated request (its fingerprint filled in).
  absl::StatusOr<MultiAppendResult> AppendPrepared(MultiAppendRequest request);

  const MemoryEventStoreOptions options_;
  mutable absl::Mutex mu_;
  mutable absl::CondVar appended_;
  std::vector<EventEnvelope> log_ ABSL_GUARDED_BY(mu_);  // log_[i].sequence() == i + 1
  // Per stream, the sequence of each version: streams_[id][v - 1] is version v's.
  absl::flat_hash_map<std::string, std::vector<uint64_t>> streams_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, RequestRecord> requests_ ABSL_GUARDED_BY(mu_);
  std::mt19937_64 seeded_gen_ ABSL_GUARDED_BY(mu_);
  absl::BitGen random_gen_ ABSL_GUARDED_BY(mu_);
};

}  // namespace salesperf::eventstore

#endif  // SALESPERF_LIBS_EVENTSTORE_MEMORY_EVENT_STORE_H_
