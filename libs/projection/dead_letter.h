// DeadLetterSink: where a consumer puts records it cannot use, so that it can move on.
//
// A record is dead-lettered when it did not decode (SourcedEvent::decode_error) or when
// a view rejected it with INVALID_ARGUMENT. The runner sends it before committing the
// batch that consumes it, so a crash or a retry may send the same record again:
// sinks are at-least-once, and RocksDbDeadLetterSink is idempotent per record (its key
// is the record's partition and position). The Kafka sink
// (salesperf.<consumer>.dlq.v1) lives in libs/bus.
#ifndef SALESPERF_LIBS_PROJECTION_DEAD_LETTER_H_
#define SALESPERF_LIBS_PROJECTION_DEAD_LETTER_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "libs/common/clock.h"
#include "libs/projection/event_source.h"
#include "libs/projection/view_db.h"

namespace salesperf::projection {

class DeadLetterSink {
 public:
  virtual ~DeadLetterSink() = default;
  // Stores `record` with the reason it was rejected. A non-OK status (UNAVAILABLE for
  // an outage) makes the runner retry the whole batch later rather than lose the record.
  // Called from the runner's thread only.
  virtual absl::Status Send(const SourcedEvent& record, std::string_view error) = 0;
};

using DeadLetterSinkPtr = std::unique_ptr<DeadLetterSink>;

// Stores dead letters in the ViewDb's "dead_letters" column family under `consumer`
// (layout in codec.cc); ViewDb::ReadDeadLetters lists them. The record's original bytes
// are kept when it did not decode, else its envelope re-serialized. Thread-safe.
class RocksDbDeadLetterSink : public DeadLetterSink {
 public:
  // `db` and `clock` are not owned and must outlive the sink. `clock`: nullptr means
  // RealClock(). `consumer` must be a valid name ([a-z0-9_]).
  RocksDbDeadLetterSink(ViewDb* db, std::string consumer, Clock* clock = nullptr);

  absl::Status Send(const SourcedEvent& record, std::string_view error) override;

 private:
  ViewDb* db_;
  std::string consumer_;
  Clock* clock_;
};

}  // namespace salesperf::projection

#endif  // SALESPERF_LIBS_PROJECTION_DEAD_LETTER_H_
