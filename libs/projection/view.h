// View: a read model folded from events (evolve only), stored in RocksDB.
//
// A view owns one column family named "view.<name>". Apply() reads and writes rows
// through a ViewTxn: reads see the rows written earlier in the same batch. The runner
// commits the batch together with the checkpoint, so a view's rows and the positions
// they reflect are always consistent.
//
// Rules for views:
// - Deterministic: rows depend only on the events applied, never on clocks, partition
//   numbers or delivery order across sources (DESIGN.md section 4).
// - Tolerant: an event whose payload type the view does not know is skipped (return OK,
//   write nothing), so that newer producers do not break older consumers.
// - Return INVALID_ARGUMENT for an event that decodes but breaks the view's invariants;
//   the runner sends it to the dead-letter queue and moves on.
#ifndef SALESPERF_LIBS_PROJECTION_VIEW_H_
#define SALESPERF_LIBS_PROJECTION_VIEW_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "salesperf/common/v1/envelope.pb.h"

namespace salesperf::projection {

using ::salesperf::common::v1::EventEnvelope;

// Row access for one view within the current batch. Not thread-safe; valid only during Apply.
class ViewTxn {
 public:
  virtual ~ViewTxn() = default;
  // The row's value as of this batch, or nullopt if absent.
  virtual absl::StatusOr<std::optional<std::string>> Get(std::string_view key) = 0;
  virtual void Put(std::string_view key, std::string_view value) = 0;
  virtual void Delete(std::string_view key) = 0;
};

class View {
 public:
  virtual ~View() = default;
  // Stable name: the column family is "view.<name>". [a-z0-9_] only.
  virtual std::string_view name() const = 0;
  // Folds one event into the rows. See the rules above.
  virtual absl::Status Apply(const EventEnvelope& event, ViewTxn& txn) = 0;
  // The version of the rows Apply writes. Raise it with any change that would fold the
  // same events into different rows (a new kind of row, a changed key or encoding): a
  // runner that finds its views folded with other versions (or another set of views)
  // rebuilds them from the beginning of its sources when it is created.
  virtual int schema_version() const { return 1; }

  // Batch hooks, for a view that keeps a batch's changes in memory (e.g. sums counter
  // deltas per row) and writes each row once per batch. A view that writes through the
  // ViewTxn in Apply needs none of them (the defaults do nothing).
  //
  // Flush: called once per batch after its last Apply and before the commit; writes
  // what the view kept and forgets it, so that the next batch starts empty. Any error
  // aborts the batch (nothing is committed; the records are applied again).
  virtual absl::Status Flush(ViewTxn& txn) {
    (void)txn;
    return absl::OkStatus();
  }
  // The latest Apply's event is rolled back (this view or a later one rejected it with
  // INVALID_ARGUMENT): undo that Apply's in-memory changes. Called only right after the
  // view applied that event; its ViewTxn writes are rolled back by the runner.
  virtual void DiscardEvent() {}
  // The batch will not be committed: forget everything kept since the last Flush. The
  // same records are applied again (from the committed rows) on the next try.
  virtual void DiscardBatch() {}
};

using ViewPtr = std::unique_ptr<View>;

}  // namespace salesperf::projection

#endif  // SALESPERF_LIBS_PROJECTION_VIEW_H_
