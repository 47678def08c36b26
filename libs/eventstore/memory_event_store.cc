#include "libs/eventstore/memory_event_store.h"

#include <algorithm>
#include <utility>

#include "libs/common/status_macros.h"
#include "libs/eventstore/append_logic.h"

namespace salesperf::eventstore {

MemoryEventStore::MemoryEventStore(MemoryEventStoreOptions options)
    : options_(std::move(options)), seeded_gen_(options_.event_id_seed.value_or(0)) {}

absl::StatusOr<AppendResult> MemoryEventStore::Append(AppendRequest request) {
  RETURN_IF_ERROR(internal::PrepareRequest(&request));
  absl::MutexLock lock(&mu_);
  std::optional<RequestRecord> prior;
  if (!request.request_id.empty()) {
    if (auto it = requests_.find(request.request_id); it != requests_.end()) prior = it->second;
  }
  auto stream_it = streams_.find(request.stream_id);
  const uint64_t current_version = stream_it == streams_.end() ? 0 : stream_it->second.size();
  ASSIGN_OR_RETURN(std::optional<AppendResult> decided,
                   internal::Decide(request, prior, current_version));
  if (decided.has_value()) return *decided;

  AppendResult result;
  result.stream_version = current_version + request.events.size();
  if (!request.events.empty()) {
    result.first_sequence = log_.size() + 1;
    result.last_sequence = log_.size() + request.events.size();
    absl::BitGenRef gen = options_.event_id_seed.has_value() ? absl::BitGenRef(seeded_gen_)
                                                             : absl::BitGenRef(random_gen_);
    internal::StampEvents(&request, options_.source, result.first_sequence, current_version + 1,
                          options_.clock->Now(), gen);
    std::vector<uint64_t>& versions = streams_[request.stream_id];
    for (EventEnvelope& event : request.events) {
      versions.push_back(event.sequence());
      log_.push_back(std::move(event));
    }
  }
  if (!request.request_id.empty()) {
    requests_[request.request_id] =
        RequestRecord{request.request_fingerprint, request.stream_id, result};
  }
  appended_.SignalAll();
  return result;
}

absl::StatusOr<std::optional<RequestRecord>> MemoryEventStore::LookupRequest(
    const std::string& request_id) {
  absl::MutexLock lock(&mu_);
  auto it = requests_.find(request_id);
  if (it == requests_.end()) return std::optional<RequestRecord>();
  return std::optional<RequestRecord>(it->second);
}

absl::StatusOr<std::vector<EventEnvelope>> MemoryEventStore::ReadStream(
    const std::string& stream_id, uint64_t from_version, size_t max_count) {
  absl::MutexLock lock(&mu_);
  std::vector<EventEnvelope> out;
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return out;
  const std::vector<uint64_t>& sequences = it->second;
  for (uint64_t v = std::max<uint64_t>(from_version, 1);
       v <= sequences.size() && out.size() < max_count; ++v) {
    out.push_back(log_[sequences[v - 1] - 1]);
  }
  return out;
}

absl::StatusOr<uint64_t> MemoryEventStore::StreamVersion(const std::string& stream_id) {
  absl::MutexLock lock(&mu_);
  auto it = streams_.find(stream_id);
  return it == streams_.end() ? 0 : it->second.size();
}

absl::StatusOr<std::vector<EventEnvelope>> MemoryEventStore::ReadLog(uint64_t from_sequence,
                                                                     size_t max_count) {
  absl::MutexLock lock(&mu_);
  std::vector<EventEnvelope> out;
  for (uint64_t s = std::max<uint64_t>(from_sequence, 1);
       s <= log_.size() && out.size() < max_count; ++s) {
    out.push_back(log_[s - 1]);
  }
  return out;
}

uint64_t MemoryEventStore::HeadSequence() const {
  absl::MutexLock lock(&mu_);
  return log_.size();
}

uint64_t MemoryEventStore::WaitForSequence(uint64_t after_sequence, absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&mu_);
  while (log_.size() <= after_sequence) {
    if (appended_.WaitWithDeadline(&mu_, deadline)) break;
  }
  return log_.size();
}

}  // namespace salesperf::eventstore
