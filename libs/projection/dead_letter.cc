#include "libs/projection/dead_letter.h"

#include <utility>

#include "rocksdb/db.h"

namespace salesperf::projection {

RocksDbDeadLetterSink::RocksDbDeadLetterSink(ViewDb* db, std::string consumer, Clock* clock)
    : db_(db), consumer_(std::move(consumer)), clock_(clock == nullptr ? RealClock() : clock) {}

absl::Status RocksDbDeadLetterSink::Send(const SourcedEvent& record, std::string_view error) {
  DeadLetter letter;
  letter.dead_lettered_at = clock_->Now();
  letter.error = std::string(error);
  letter.key = record.key;
  letter.raw = !record.decode_error.empty();
  if (letter.raw) {
    letter.payload = record.raw;
  } else if (!record.envelope.SerializeToString(&letter.payload)) {
    return absl::InternalError("cannot serialize the dead-lettered envelope");
  }
  if (letter.key.empty() && !letter.raw) letter.key = record.envelope.stream_id();
  const std::string key = codec::DeadLetterKey(consumer_, record.partition, record.position);
  const std::string value = codec::EncodeDeadLetterValue(letter);
  rocksdb::Status s = db_->db()->Put(db_->write_options(), db_->dead_letters_handle(), key, value);
  if (!s.ok()) return absl::UnavailableError("storing dead letter: " + s.ToString());
  return absl::OkStatus();
}

}  // namespace salesperf::projection
