// ProjectionRunner: folds the records of one EventSource into one or more Views.
//
// Each batch:
//   1. Poll up to `batch_size` records.
//   2. For each record, in order:
//      - already consumed (position below the partition's next position, or sequence at
//        or below its high-water mark): skipped and counted as a duplicate;
//      - did not decode, or has no sequence: sent to the dead-letter sink;
//      - otherwise applied to every view through one WriteBatchWithIndex (a view reads
//        what earlier events of the batch wrote). If a view returns INVALID_ARGUMENT, the
//        writes of every view for that event are rolled back and the event dead-lettered.
//   3. The partitions' checkpoints go into the same batch, committed by one DB write:
//      rows and checkpoints never disagree, so a crash loses and doubles nothing.
//   4. EventSource::Committed() with the new next positions.
// Any other error (a view's or the storage's, a failed dead-letter send) aborts the
// batch: nothing is committed and the same records are applied again on the next try
// (with backoff in the background loop). The error shows in LastError(), Stats() and
// salesperf_projection_errors_total.
//
// Metrics (when ProjectionOptions::registry is set), labelled projection=<name>:
//   salesperf_projection_events_applied_total, salesperf_projection_duplicates_skipped_total,
//   salesperf_projection_errors_total, salesperf_dlq_messages_total{consumer=<name>},
//   salesperf_projection_lag_events{projection,source,partition} (head - next position),
//   salesperf_projection_lag_seconds (now - recorded_at of the last consumed event while
//   behind, 0 when caught up), salesperf_projection_batch_seconds (histogram).
// Projection names must be unique per registry.
//
// Thread safety: every method may be called from any thread. RunOnce, CatchUp and
// Rebuild are serialized with each other and with the background loop.
#ifndef SALESPERF_LIBS_PROJECTION_RUNNER_H_
#define SALESPERF_LIBS_PROJECTION_RUNNER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/common/clock.h"
#include "libs/projection/codec.h"
#include "libs/projection/dead_letter.h"
#include "libs/projection/event_source.h"
#include "libs/projection/row_cache.h"
#include "libs/projection/view.h"
#include "libs/projection/view_db.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace salesperf::projection {

struct ProjectionOptions {
  // Required. [a-z0-9_], unique per ViewDb: it keys the checkpoints, names the
  // dead-letter consumer and labels the metrics. Default: "" (invalid).
  std::string name;
  // Most records folded per batch (one DB write). A poll takes only what the source
  // already has after the first record, so this bounds batches while catching up and
  // adds no latency when live. Larger batches write a row updated by several events of
  // the batch once. Default: 1000.
  size_t batch_size = 1000;
  // Committed view rows kept in memory between batches, so that a view's reads seldom
  // reach RocksDB (exact because the runner is its views' only writer; see
  // row_cache.h). 0 keeps none. Default: 64 MiB.
  size_t row_cache_bytes = size_t{64} << 20;
  // How long a Poll waits for the first record; also bounds how long Stop() waits for
  // the background loop. Default: 100 ms.
  absl::Duration poll_timeout = absl::Milliseconds(100);
  // Time for lag in seconds, batch durations and dead-letter stamps. Not owned.
  // Default: nullptr (RealClock()).
  Clock* clock = nullptr;
  // Where the metrics above are registered. Not owned. Default: nullptr (no metrics).
  prometheus::Registry* registry = nullptr;
  // Where poison records go. Not owned. Default: nullptr (a RocksDbDeadLetterSink in the
  // ViewDb, consumer = name).
  DeadLetterSink* dead_letters = nullptr;
  // Background loop: the first wait after a failed batch, doubled per failure up to
  // `max_backoff`. Default: 100 ms and 10 s.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(10);
};

// Counters since the runner was created.
struct ProjectionStats {
  uint64_t batches_committed = 0;
  uint64_t events_applied = 0;      // handed to the views (including ones they ignore)
  uint64_t duplicates_skipped = 0;  // already consumed
  uint64_t dead_lettered = 0;
  uint64_t failed_batches = 0;  // aborted and to be retried
  bool caught_up = false;
  // As of the latest batch: records behind the source heads (summed over partitions),
  // and now - recorded_at of the last consumed event while behind (0 when caught up).
  int64_t lag_events = 0;
  absl::Duration lag = absl::ZeroDuration();
  absl::Status last_error;  // of the latest batch; OK once a batch succeeds
};

class ProjectionRunner {
 public:
  // `db` is not owned and must outlive the runner; the views' names must be registered
  // in it and written by no other runner. If the views' rows were folded with other
  // schema versions or another set of views (View::schema_version), resets them first, so
  // that they are folded again from the beginning. Loads the checkpoints; does not start
  // the source yet. Errors: INVALID_ARGUMENT (options, no views, duplicate view names),
  // NOT_FOUND / ALREADY_EXISTS (from ViewDb::ClaimViews), storage errors.
  static absl::StatusOr<std::unique_ptr<ProjectionRunner>> Create(ViewDb* db, EventSourcePtr source,
                                                                  std::vector<ViewPtr> views,
                                                                  ProjectionOptions options);
  // Stops the background loop and releases the views.
  ~ProjectionRunner();
  ProjectionRunner(const ProjectionRunner&) = delete;
  ProjectionRunner& operator=(const ProjectionRunner&) = delete;

  const std::string& name() const { return options_.name; }

  // One batch in the caller's thread: starts the source if needed, polls (unless a
  // failed batch is pending, which is retried instead), applies and commits. Returns
  // how many records the batch consumed (applied, skipped or dead-lettered); 0 when the
  // poll timed out. On error nothing is committed.
  absl::StatusOr<size_t> RunOnce();

  // Starts the source (if needed) and a background thread running batches until
  // Stop(), backing off after failures. FAILED_PRECONDITION if already running; the
  // source's Start() error otherwise.
  absl::Status Start();
  // Ends the background loop (waits for the current batch and poll). Idempotent.
  void Stop();
  bool running() const;

  // True once every partition has been folded up to the source's heads as observed when
  // the source was (re)started: readiness for health checks. A partition with no
  // checkpoint counts as caught up once a poll finds nothing more. Stays true until
  // Rebuild().
  bool CaughtUp() const;
  // Waits until CaughtUp(): in the background loop if it runs, else by running batches
  // in the caller's thread. DEADLINE_EXCEEDED after `timeout` (wall time); a batch error
  // when running batches itself.
  absl::Status CatchUp(absl::Duration timeout);

  // Re-folds from the beginning: stops the loop, empties the views and deletes the
  // checkpoints (crash-safe, ViewDb::ResetProjection), restarts the source with no
  // positions, and resumes the loop if it was running. Afterwards CaughtUp() is false
  // until the new fold reaches the heads.
  absl::Status Rebuild();

  // The committed checkpoint of a partition, or nullopt if it has none.
  std::optional<PartitionCheckpoint> Checkpoint(const PartitionId& partition) const;
  std::map<PartitionId, PartitionCheckpoint> Checkpoints() const;
  ProjectionStats Stats() const;
  absl::Status LastError() const;

 private:
  struct Metrics;
  struct BatchOutcome;

  ProjectionRunner(ViewDb* db, EventSourcePtr source, std::vector<ViewPtr> views,
                   ProjectionOptions options);

  absl::Status EnsureStarted() ABSL_EXCLUSIVE_LOCKS_REQUIRED(run_mu_);
  // Before the first batch: resets the views if their rows were folded with other views
  // or schema versions (View::schema_version), and records the current ones.
  absl::Status MatchFoldedSchema();
  absl::StatusOr<size_t> RunOnceLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(run_mu_);
  absl::StatusOr<BatchOutcome> ApplyAndCommit(const std::vector<SourcedEvent>& records)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(run_mu_);
  // Applies the records to rows_ (the batch) and works out the new checkpoints.
  absl::StatusOr<BatchOutcome> Fold(const std::vector<SourcedEvent>& records)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(run_mu_);
  void RecordFailure(const absl::Status& status);
  absl::Status StartLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(lifecycle_mu_);
  void StopLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(lifecycle_mu_);
  // Recomputes lag gauges and readiness from the committed checkpoints and the heads.
  void Refresh();
  void Loop();

  ViewDb* const db_;
  const EventSourcePtr source_;
  const std::vector<ViewPtr> views_;
  std::vector<std::string> view_names_;
  const ProjectionOptions options_;
  Clock* const clock_;
  std::unique_ptr<DeadLetterSink> owned_dead_letters_;
  DeadLetterSink* dead_letters_;
  std::unique_ptr<Metrics> metrics_;

  // Lock order: lifecycle_mu_, run_mu_, mu_.
  // Serializes Start, Stop, Rebuild and destruction (owns thread_).
  absl::Mutex lifecycle_mu_;
  // Serializes batches, source calls and resets.
  absl::Mutex run_mu_;
  bool source_started_ ABSL_GUARDED_BY(run_mu_) = false;
  // Set when a Rebuild failed halfway: batches are refused until a Rebuild succeeds.
  bool needs_rebuild_ ABSL_GUARDED_BY(run_mu_) = false;
  // Records polled but not yet committed (a failed batch to retry).
  std::vector<SourcedEvent> pending_ ABSL_GUARDED_BY(run_mu_);
  // The views' rows: the current batch's writes and committed rows cached across batches.
  RowCache rows_ ABSL_GUARDED_BY(run_mu_);
  // db_->reset_count() when rows_ was last known to match the views.
  uint64_t seen_resets_ ABSL_GUARDED_BY(run_mu_) = 0;

  mutable absl::Mutex mu_;
  std::map<PartitionId, PartitionCheckpoint> checkpoints_ ABSL_GUARDED_BY(mu_);
  std::vector<PartitionHead> start_heads_ ABSL_GUARDED_BY(mu_);
  bool drained_ ABSL_GUARDED_BY(mu_) = false;  // a poll found nothing since the start
  bool last_poll_empty_ ABSL_GUARDED_BY(mu_) = false;
  ProjectionStats stats_ ABSL_GUARDED_BY(mu_);
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool claimed_ = false;  // this runner holds the views' claim in db_
  std::thread thread_ ABSL_GUARDED_BY(lifecycle_mu_);
};

using ProjectionRunnerPtr = std::unique_ptr<ProjectionRunner>;

}  // namespace salesperf::projection

#endif  // SALESPERF_LIBS_PROJECTION_RUNNER_H_
