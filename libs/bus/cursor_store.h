// CursorStore: where the outbox relay keeps its cursor (the highest sequence S such that
// every sequence <= S has been delivered to Kafka).
//
// FileCursorStore keeps it in a small file replaced atomically (write a temporary file,
// fsync it, rename it over the old one, fsync the directory): a crash leaves the old
// cursor or the new one, never a torn one. A file rather than a key in the service's
// RocksDB because the relay must not write to the event store's database (its append
// path would then share a WriteBatch queue with the relay), and because the cursor is
// one number written a few times a second: a file is the smallest thing that works.
//
// Thread safety: an implementation is used by one relay thread at a time.
#ifndef SALESPERF_LIBS_BUS_CURSOR_STORE_H_
#define SALESPERF_LIBS_BUS_CURSOR_STORE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace salesperf::bus {

class CursorStore {
 public:
  virtual ~CursorStore() = default;
  // The saved cursor; 0 when none was ever saved. DATA_LOSS for a corrupt record,
  // UNAVAILABLE when storage fails.
  virtual absl::StatusOr<uint64_t> Load() = 0;
  // Durably replaces the cursor. UNAVAILABLE when storage fails.
  virtual absl::Status Save(uint64_t cursor) = 0;
};

using CursorStorePtr = std::unique_ptr<CursorStore>;

// The cursor in the file at `path` (its directory must exist), as decimal text.
class FileCursorStore final : public CursorStore {
 public:
  explicit FileCursorStore(std::string path) : path_(std::move(path)) {}
  absl::StatusOr<uint64_t> Load() override;
  absl::Status Save(uint64_t cursor) override;

 private:
  const std::string path_;
};

// In memory, for tests and for relays whose cursor need not survive the process.
class MemoryCursorStore final : public CursorStore {
 public:
  explicit MemoryCursorStore(uint64_t cursor = 0) : cursor_(cursor) {}
  absl::StatusOr<uint64_t> Load() override;
  absl::Status Save(uint64_t cursor) override;

 private:
  absl::Mutex mu_;
  uint64_t cursor_ ABSL_GUARDED_BY(mu_);
};

}  // namespace salesperf::bus

#endif  // SALESPERF_LIBS_BUS_CURSOR_STORE_H_
