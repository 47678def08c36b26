// FoldView: the view the bus integration tests fold events into, and the same fold
// computed from scratch over an event store, to compare the two.
//
// Payloads are google.protobuf.Int64Value. Rows (text values, for readable diffs):
//   "stream/<stream_id>" -> "count=<n> sum=<s> max_version=<v>"
//   "source/<source>"    -> "count=<n> sum=<s>"
// Every row is built from commutative operations (count, sum, max), so the rows do not
// depend on how partitions or sources interleave. A negative value breaks the view's
// invariant: Apply returns INVALID_ARGUMENT and the runner dead-letters the event.
// Any other payload type is skipped.
#ifndef SALESPERF_TESTS_INTEGRATION_FOLD_VIEW_H_
#define SALESPERF_TESTS_INTEGRATION_FOLD_VIEW_H_

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "libs/eventstore/event_store.h"
#include "libs/projection/view.h"
#include "libs/projection/view_db.h"

namespace salesperf::integration {

inline constexpr std::string_view kFoldViewName = "fold";

class FoldView final : public projection::View {
 public:
  std::string_view name() const override { return kFoldViewName; }
  absl::Status Apply(const projection::EventEnvelope& event, projection::ViewTxn& txn) override;
};

// The rows FoldView would hold after folding every event of `stores`.
absl::StatusOr<std::map<std::string, std::string>> FoldFromScratch(
    const std::vector<eventstore::EventStore*>& stores);

// Every row of the fold view in `db`.
absl::StatusOr<std::map<std::string, std::string>> DumpFoldView(projection::ViewDb& db);

// An envelope with an Int64Value payload, ready to append.
projection::EventEnvelope Int64Event(int64_t value);

}  // namespace salesperf::integration

#endif  // SALESPERF_TESTS_INTEGRATION_FOLD_VIEW_H_
