#include "tests/integration/fold_view.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "google/protobuf/wrappers.pb.h"
#include "libs/common/status_macros.h"

namespace salesperf::integration {
namespace {

struct Totals {
  int64_t count = 0;
  int64_t sum = 0;
  uint64_t max_version = 0;
};

Totals Parse(const std::optional<std::string>& row) {
  Totals t;
  if (!row.has_value()) return t;
  unsigned long long version = 0;
  long long count = 0, sum = 0;
  std::sscanf(row->c_str(), "count=%lld sum=%lld max_version=%llu", &count, &sum, &version);
  t.count = count;
  t.sum = sum;
  t.max_version = version;
  return t;
}

std::string StreamRow(const Totals& t) {
  return absl::StrCat("count=", t.count, " sum=", t.sum, " max_version=", t.max_version);
}
std::string SourceRow(const Totals& t) { return absl::StrCat("count=", t.count, " sum=", t.sum); }

// The one place the fold's arithmetic lives: used by the view and the from-scratch fold.
absl::Status Fold(const projection::EventEnvelope& event,
                  const std::function<std::optional<std::string>(const std::string&)>& get,
                  const std::function<void(const std::string&, const std::string&)>& put) {
  google::protobuf::Int64Value value;
  if (!event.payload().Is<google::protobuf::Int64Value>()) return absl::OkStatus();
  if (!event.payload().UnpackTo(&value)) {
    return absl::InvalidArgumentError("Int64Value payload does not decode");
  }
  if (value.value() < 0) return absl::InvalidArgumentError("negative value");
  const std::string stream_key = absl::StrCat("stream/", event.stream_id());
  Totals stream = Parse(get(stream_key));
  stream.count += 1;
  stream.sum += value.value();
  stream.max_version = std::max<uint64_t>(stream.max_version, event.stream_version());
  put(stream_key, StreamRow(stream));
  const std::string source_key = absl::StrCat("source/", event.source());
  Totals source = Parse(get(source_key));
  source.count += 1;
  source.sum += value.value();
  put(source_key, SourceRow(source));
  return absl::OkStatus();
}

}  // namespace

absl::Status FoldView::Apply(const projection::EventEnvelope& event, projection::ViewTxn& txn) {
  absl::Status read_error;
  auto get = [&](const std::string& key) -> std::optional<std::string> {
    absl::StatusOr<std::optional<std::string>> row = txn.Get(key);
    if (!row.ok()) {
      read_error = row.status();
      return std::nullopt;
    }
    return *row;
  };
  auto put = [&](const std::string& key, const std::string& value) { txn.Put(key, value); };
  RETURN_IF_ERROR(Fold(event, get, put));
  return read_error;
}

absl::StatusOr<std::map<std::string, std::string>> FoldFromScratch(
    const std::vector<eventstore::EventStore*>& stores) {
  std::map<std::string, std::string> rows;
  auto get = [&](const std::string& key) -> std::optional<std::string> {
    auto it = rows.find(key);
    return it == rows.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  auto put = [&](const std::string& key, const std::string& value) { rows[key] = value; };
  for (eventstore::EventStore* store : stores) {
    uint64_t next = 1;
    while (true) {
      ASSIGN_OR_RETURN(std::vector<eventstore::EventEnvelope> events, store->ReadLog(next, 4096));
      if (events.empty()) break;
      for (const auto& event : events) {
        absl::Status s = Fold(event, get, put);
        if (!s.ok() && s.code() != absl::StatusCode::kInvalidArgument) return s;
        next = event.sequence() + 1;
      }
    }
  }
  return rows;
}

absl::StatusOr<std::map<std::string, std::string>> DumpFoldView(projection::ViewDb& db) {
  ASSIGN_OR_RETURN(std::vector<projection::ViewRow> rows,
                   db.Scan(std::string(kFoldViewName), projection::ScanOptions{}));
  std::map<std::string, std::string> out;
  for (auto& row : rows) out.emplace(std::move(row.key), std::move(row.value));
  return out;
}

projection::EventEnvelope Int64Event(int64_t value) {
  google::protobuf::Int64Value payload;
  payload.set_value(value);
  projection::EventEnvelope envelope;
  envelope.mutable_payload()->PackFrom(payload);
  return envelope;
}

}  // namespace salesperf::integration
