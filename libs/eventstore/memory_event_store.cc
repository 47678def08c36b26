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
  ASSIGN_OR_RETURN(MultiAppendResult result, AppendPrepared(internal::ToMulti(std::move(request))));
  return internal::ToSingle(result);
}

absl::StatusOr<MultiAppendResult> MemoryEventStore::AppendMulti(MultiAppendRequest request) {
  RETURN_IF_ERROR(internal::PrepareRequest(&request));
  return AppendPrepared(std::move(request));
}

absl::StatusOr<MultiAppendResult> MemoryEventStore::AppendPrepared(MultiAppendRequest request) {
  absl::MutexLock lock(&mu_);
  std::optional<RequestRecord> prior;
  if (!request.request_id.empty()) {
    if (auto it = requests_.find(request.request_id); it != requests_.end()) prior = it->second;
  }
  std::vector<uint64_t> current_versions;
  current_versions.reserve(request.streams.size());
  for (const StreamAppend& stream : request.streams) {
    auto it = streams_.find(stream.stream_id);
    current_versions.push_back(it == streams_.end() ? 0 : it->second.size());
  }
  ASSIGN_OR_RETURN(std::optional<MultiAppendResult> decided,
                   internal::Decide(request, prior, current_versions));
  if (decided.has_value()) return *std::move(decided);

  absl::BitGenRef gen = options_.event_id_seed.has_value() ? absl::BitGenRef(seeded_gen_)
                                                           : absl::BitGenRef(random_gen_);
  MultiAppendResult result = internal::StampEvents(&request, current_versions, log_.size() + 1,
                                                   options_.source, options_.clock->Now(), gen);
  for (StreamAppend& stream : request.streams) {
    if (stream.events.empty()) continue;
    std::vector<uint64_t>& versions = streams_[stream.stream_id];
    for (EventEnvelope& event : stream.events) {
      versions.push_back(event.sequence());
      log_.push_back(std::move(event));
    }
  }
  if (!request.request_id.empty()) {
    requests_[request.request_id] = internal::MakeRecord(request, result);
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
