#include "libs/projection/runner.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/common/logging.h"
#include "libs/common/status_macros.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace salesperf::projection {
namespace {

absl::string_view AsAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// A view's access to the current batch: reads see the batch over the committed rows.
class BatchViewTxn : public ViewTxn {
 public:
  BatchViewTxn(RowCache* rows, size_t view) : rows_(rows), view_(view) {}

  absl::StatusOr<std::optional<std::string>> Get(std::string_view key) override {
    return rows_->Get(view_, key);
  }
  void Put(std::string_view key, std::string_view value) override { rows_->Put(view_, key, value); }
  void Delete(std::string_view key) override { rows_->Delete(view_, key); }

 private:
  RowCache* rows_;
  size_t view_;
};

}  // namespace

struct ProjectionRunner::Metrics {
  Metrics(prometheus::Registry& registry, const std::string& name)
      : registry(registry),
        applied_family(prometheus::BuildCounter()
                           .Name("salesperf_projection_events_applied_total")
                           .Help("Events folded into a projection's views.")
                           .Register(registry)),
        duplicates_family(prometheus::BuildCounter()
                              .Name("salesperf_projection_duplicates_skipped_total")
                              .Help("Records skipped because the projection had consumed them.")
                              .Register(registry)),
        errors_family(prometheus::BuildCounter()
                          .Name("salesperf_projection_errors_total")
                          .Help("Projection batches that failed and will be retried.")
                          .Register(registry)),
        dlq_family(prometheus::BuildCounter()
                       .Name("salesperf_dlq_messages_total")
                       .Help("Records a consumer sent to its dead-letter queue.")
                       .Register(registry)),
        lag_events_family(prometheus::BuildGauge()
                              .Name("salesperf_projection_lag_events")
                              .Help("Records between a projection's position and the source head.")
                              .Register(registry)),
        lag_seconds_family(
            prometheus::BuildGauge()
                .Name("salesperf_projection_lag_seconds")
                .Help("Age of the last event a projection consumed while behind; 0 when caught up.")
                .Register(registry)),
        batch_seconds_family(prometheus::BuildHistogram()
                                 .Name("salesperf_projection_batch_seconds")
                                 .Help("Time to apply and commit one projection batch.")
                                 .Register(registry)),
        name(name),
        applied(applied_family.Add({{"projection", name}})),
        duplicates(duplicates_family.Add({{"projection", name}})),
        errors(errors_family.Add({{"projection", name}})),
        dlq(dlq_family.Add({{"consumer", name}})),
        lag_seconds(lag_seconds_family.Add({{"projection", name}})),
        batch_seconds(batch_seconds_family.Add(
            {{"projection", name}},
            prometheus::Histogram::BucketBoundaries{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                    0.25, 0.5, 1, 2.5, 5, 10})) {}

  ~Metrics() {
    // The registry outlives the runner: take this projection's series out of it.
    applied_family.Remove(&applied);
    duplicates_family.Remove(&duplicates);
    errors_family.Remove(&errors);
    dlq_family.Remove(&dlq);
    lag_seconds_family.Remove(&lag_seconds);
    batch_seconds_family.Remove(&batch_seconds);
    for (auto& [partition, gauge] : lag_events) lag_events_family.Remove(gauge);
  }

  prometheus::Gauge& LagEvents(const PartitionId& partition) {
    auto it = lag_events.find(partition);
    if (it == lag_events.end()) {
      prometheus::Gauge& gauge =
          lag_events_family.Add({{"projection", name},
                                 {"source", partition.source},
                                 {"partition", absl::StrCat(partition.partition)}});
      it = lag_events.emplace(partition, &gauge).first;
    }
    return *it->second;
  }

  prometheus::Registry& registry;
  prometheus::Family<prometheus::Counter>& applied_family;
  prometheus::Family<prometheus::Counter>& duplicates_family;
  prometheus::Family<prometheus::Counter>& errors_family;
  prometheus::Family<prometheus::Counter>& dlq_family;
  prometheus::Family<prometheus::Gauge>& lag_events_family;
  prometheus::Family<prometheus::Gauge>& lag_seconds_family;
  prometheus::Family<prometheus::Histogram>& batch_seconds_family;
  const std::string name;
  prometheus::Counter& applied;
  prometheus::Counter& duplicates;
  prometheus::Counter& errors;
  prometheus::Counter& dlq;
  prometheus::Gauge& lag_seconds;
  prometheus::Histogram& batch_seconds;
  // Guarded by the runner's mu_ (only Refresh touches it).
  std::map<PartitionId, prometheus::Gauge*> lag_events;
};

struct ProjectionRunner::BatchOutcome {
  uint64_t applied = 0;
  uint64_t duplicates = 0;
  uint64_t dead_lettered = 0;
  // The new checkpoint of every partition the batch touched.
  std::map<PartitionId, PartitionCheckpoint> checkpoints;
};

absl::StatusOr<std::unique_ptr<ProjectionRunner>> ProjectionRunner::Create(
    ViewDb* db, EventSourcePtr source, std::vector<ViewPtr> views, ProjectionOptions options) {
  if (db == nullptr || source == nullptr) {
    return absl::InvalidArgumentError("a projection needs a view db and a source");
  }
  RETURN_IF_ERROR(codec::ValidateName(options.name));
  if (options.batch_size == 0) return absl::InvalidArgumentError("batch_size must be positive");
  if (views.empty()) return absl::InvalidArgumentError("a projection needs at least one view");
  std::set<std::string, std::less<>> names;
  for (const ViewPtr& view : views) {
    if (view == nullptr) return absl::InvalidArgumentError("null view");
    RETURN_IF_ERROR(codec::ValidateName(view->name()));
    if (!names.emplace(view->name()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("view '", AsAbsl(view->name()), "' given twice"));
    }
  }
  std::unique_ptr<ProjectionRunner> runner(
      new ProjectionRunner(db, std::move(source), std::move(views), std::move(options)));
  RETURN_IF_ERROR(db->ClaimViews(runner->name(), runner->view_names_));
  runner->claimed_ = true;
  RETURN_IF_ERROR(runner->MatchFoldedSchema());
  // Only now: a runner refused above must not touch the series of the one it clashed with.
  if (runner->options_.registry != nullptr) {
    runner->metrics_ = std::make_unique<Metrics>(*runner->options_.registry, runner->name());
  }
  ASSIGN_OR_RETURN(auto checkpoints, db->ReadCheckpoints(runner->name()));
  {
    absl::MutexLock lock(&runner->mu_);
    runner->checkpoints_ = std::move(checkpoints);
  }
  return runner;
}

ProjectionRunner::ProjectionRunner(ViewDb* db, EventSourcePtr source, std::vector<ViewPtr> views,
                                   ProjectionOptions options)
    : db_(db),
      source_(std::move(source)),
      views_(std::move(views)),
      options_(std::move(options)),
      clock_(options_.clock == nullptr ? RealClock() : options_.clock),
      rows_(db_->db(), views_.size(), options_.row_cache_bytes),
      seen_resets_(db_->reset_count()) {
  for (const ViewPtr& view : views_) view_names_.emplace_back(view->name());
  if (options_.dead_letters == nullptr) {
    owned_dead_letters_ = std::make_unique<RocksDbDeadLetterSink>(db_, options_.name, clock_);
    dead_letters_ = owned_dead_letters_.get();
  } else {
    dead_letters_ = options_.dead_letters;
  }
}

ProjectionRunner::~ProjectionRunner() {
  {
    absl::MutexLock lifecycle(&lifecycle_mu_);
    StopLocked();
  }
  if (claimed_) db_->ReleaseViews(options_.name);
}

absl::Status ProjectionRunner::MatchFoldedSchema() {
  // "name=version" per view, sorted, so that listing the views in another order is no change.
  auto schema_of = [this](bool all_version_one) {
    std::vector<std::string> parts;
    for (const ViewPtr& view : views_) {
      parts.push_back(
          absl::StrCat(AsAbsl(view->name()), "=", all_version_one ? 1 : view->schema_version()));
    }
    std::sort(parts.begin(), parts.end());
    return absl::StrJoin(parts, ",");
  };
  const std::string schema = schema_of(false);
  ASSIGN_OR_RETURN(std::optional<std::string> folded, db_->ReadFoldedSchema(options_.name));
  bool recorded = folded.has_value();
  if (!recorded) {
    ASSIGN_OR_RETURN(auto checkpoints, db_->ReadCheckpoints(options_.name));
    // Nothing folded yet; or folded before schemas were recorded, which was version 1 of
    // these views (a view set changed since then cannot be told apart; recording it now
    // lets the next change be seen).
    if (!checkpoints.empty()) folded = schema_of(true);
  }
  if (folded.has_value() && *folded != schema) {
    LogInfo("projection views changed since their rows were folded: rebuilding them",
            {{"projection", options_.name}, {"folded_with", *folded}, {"views", schema}});
    RETURN_IF_ERROR(db_->ResetProjection(options_.name, view_names_));
    recorded = false;
  }
  if (recorded) return absl::OkStatus();
  // After a reset: a crash before this line finds the old schema and resets again.
  return db_->WriteFoldedSchema(options_.name, schema);
}

absl::Status ProjectionRunner::EnsureStarted() {
  if (source_started_) return absl::OkStatus();
  RETURN_IF_ERROR(source_->Start([this](const PartitionId& partition) -> std::optional<int64_t> {
    absl::MutexLock lock(&mu_);
    auto it = checkpoints_.find(partition);
    if (it == checkpoints_.end()) return std::nullopt;
    return it->second.next_position;
  }));
  source_started_ = true;
  std::vector<PartitionHead> heads = source_->Heads();
  {
    absl::MutexLock lock(&mu_);
    start_heads_ = std::move(heads);
    drained_ = false;
    last_poll_empty_ = false;
  }
  Refresh();
  return absl::OkStatus();
}

absl::StatusOr<size_t> ProjectionRunner::RunOnce() {
  absl::MutexLock run(&run_mu_);
  return RunOnceLocked();
}

absl::StatusOr<size_t> ProjectionRunner::RunOnceLocked() {
  if (needs_rebuild_) {
    return absl::FailedPreconditionError(
        absl::StrCat("projection ", options_.name, ": a rebuild failed halfway; call Rebuild()"));
  }
  if (absl::Status started = EnsureStarted(); !started.ok()) {
    RecordFailure(started);
    return started;
  }
  if (pending_.empty()) {
    absl::StatusOr<std::vector<SourcedEvent>> polled =
        source_->Poll(options_.batch_size, options_.poll_timeout);
    if (!polled.ok()) {
      RecordFailure(polled.status());
      return polled.status();
    }
    if (polled->empty()) {
      {
        absl::MutexLock lock(&mu_);
        drained_ = true;
        last_poll_empty_ = true;
      }
      Refresh();
      return 0;
    }
    {
      absl::MutexLock lock(&mu_);
      last_poll_empty_ = false;
    }
    pending_ = *std::move(polled);
  }

  const absl::Time started_at = clock_->Now();
  absl::StatusOr<BatchOutcome> outcome = ApplyAndCommit(pending_);
  if (!outcome.ok()) {
    RecordFailure(outcome.status());
    return outcome.status();
  }
  const size_t consumed = pending_.size();
  source_->Recycle(std::move(pending_));
  pending_.clear();  // moved from: valid, and now surely empty

  std::vector<std::pair<PartitionId, int64_t>> next_positions;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [partition, checkpoint] : outcome->checkpoints) {
      checkpoints_[partition] = checkpoint;
      next_positions.emplace_back(partition, checkpoint.next_position);
    }
    ++stats_.batches_committed;
    stats_.events_applied += outcome->applied;
    stats_.duplicates_skipped += outcome->duplicates;
    stats_.dead_lettered += outcome->dead_lettered;
    stats_.last_error = absl::OkStatus();
  }
  if (metrics_ != nullptr) {
    metrics_->applied.Increment(static_cast<double>(outcome->applied));
    metrics_->duplicates.Increment(static_cast<double>(outcome->duplicates));
    metrics_->dlq.Increment(static_cast<double>(outcome->dead_lettered));
    metrics_->batch_seconds.Observe(absl::ToDoubleSeconds(clock_->Now() - started_at));
  }
  source_->Committed(next_positions);
  Refresh();
  return consumed;
}

absl::StatusOr<ProjectionRunner::BatchOutcome> ProjectionRunner::ApplyAndCommit(
    const std::vector<SourcedEvent>& records) {
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  for (const std::string& view : view_names_) {
    ASSIGN_OR_RETURN(rocksdb::ColumnFamilyHandle * handle, db_->ViewHandle(view));
    handles.push_back(handle);
  }
  if (const uint64_t resets = db_->reset_count(); resets != seen_resets_) {
    rows_.Clear();  // the views were emptied: cached rows are stale
    seen_resets_ = resets;
  }
  rows_.BeginBatch(std::move(handles));
  // Every way out without a commit drops the batch's rows and the views' batch state.
  auto abort = [&] {
    rows_.AbortBatch();
    for (const ViewPtr& view : views_) view->DiscardBatch();
  };
  absl::StatusOr<BatchOutcome> outcome = Fold(records);
  if (!outcome.ok()) {
    abort();
    return outcome.status();
  }
  for (size_t i = 0; i < views_.size(); ++i) {
    BatchViewTxn txn(&rows_, i);
    if (absl::Status flushed = views_[i]->Flush(txn); !flushed.ok()) {
      abort();
      return absl::Status(flushed.code(), absl::StrCat("view ", AsAbsl(views_[i]->name()),
                                                       ": flush: ", flushed.message()));
    }
  }

  rocksdb::WriteBatch batch;
  if (absl::Status appended = rows_.AppendTo(batch); !appended.ok()) {
    abort();
    return appended;
  }
  for (const auto& [partition, checkpoint] : outcome->checkpoints) {
    rocksdb::Status s =
        batch.Put(db_->checkpoints_handle(), codec::CheckpointKey(options_.name, partition),
                  codec::EncodeCheckpoint(checkpoint));
    if (!s.ok()) {
      abort();
      return absl::InternalError("checkpoint write: " + s.ToString());
    }
  }
  rocksdb::Status committed = db_->db()->Write(db_->write_options(), &batch);
  if (!committed.ok()) {
    // Whether any of it reached the database is unknown: forget the cached rows too.
    // (The views flushed already: they hold no batch state.)
    rows_.Clear();
    return absl::UnavailableError(
        absl::StrCat("projection ", options_.name, ": commit failed: ", committed.ToString()));
  }
  rows_.CommitBatch();
  return outcome;
}

absl::StatusOr<ProjectionRunner::BatchOutcome> ProjectionRunner::Fold(
    const std::vector<SourcedEvent>& records) {
  BatchOutcome outcome;
  // Records of one partition tend to come in runs: remember the last one looked up.
  const PartitionId* last_partition = nullptr;
  PartitionCheckpoint* last_checkpoint = nullptr;
  auto working = [&](const PartitionId& partition) -> PartitionCheckpoint& {
    if (last_partition != nullptr && *last_partition == partition) return *last_checkpoint;
    auto it = outcome.checkpoints.find(partition);
    if (it == outcome.checkpoints.end()) {
      PartitionCheckpoint committed;
      {
        absl::MutexLock lock(&mu_);
        auto found = checkpoints_.find(partition);
        if (found != checkpoints_.end()) committed = found->second;
      }
      it = outcome.checkpoints.emplace(partition, committed).first;
    }
    last_partition = &it->first;
    last_checkpoint = &it->second;
    return it->second;
  };
  auto dead_letter = [&](const SourcedEvent& record, std::string_view error) -> absl::Status {
    LogWarn("projection dead-lettered a record", {{"projection", options_.name},
                                                  {"source", record.partition.source},
                                                  {"partition", record.partition.partition},
                                                  {"position", record.position},
                                                  {"error", error}});
    RETURN_IF_ERROR(dead_letters_->Send(record, error));
    ++outcome.dead_lettered;
    return absl::OkStatus();
  };

  for (const SourcedEvent& record : records) {
    if (record.partition.source.empty() ||
        record.partition.source.find('\0') != std::string::npos) {
      // A broken source, not a bad record: its positions cannot be checkpointed.
      return absl::InternalError(absl::StrCat("projection ", options_.name,
                                              ": record with an invalid partition source name"));
    }
    PartitionCheckpoint& checkpoint = working(record.partition);
    if (record.position < checkpoint.next_position) {
      ++outcome.duplicates;  // the source went back to a position already consumed
      continue;
    }
    const int64_t next_position = record.position + 1;
    if (!record.decode_error.empty()) {
      RETURN_IF_ERROR(dead_letter(record, "undecodable record: " + record.decode_error));
      checkpoint.next_position = next_position;
      continue;
    }
    const EventEnvelope& event = record.envelope;
    if (event.sequence() == 0) {
      RETURN_IF_ERROR(dead_letter(record, "envelope has no sequence"));
      checkpoint.next_position = next_position;
      continue;
    }
    if (event.sequence() <= checkpoint.high_water_sequence) {
      ++outcome.duplicates;  // republished, e.g. by a relay restart
      checkpoint.next_position = next_position;
      continue;
    }

    // All views take the event or none does.
    rows_.SetSavePoint();
    absl::Status applied;
    size_t views_applied = 0;  // views whose Apply saw the event
    for (size_t i = 0; i < views_.size() && applied.ok(); ++i) {
      BatchViewTxn txn(&rows_, i);
      applied = views_[i]->Apply(event, txn);
      ++views_applied;
      if (!applied.ok()) {
        applied = absl::Status(applied.code(), absl::StrCat("view ", AsAbsl(views_[i]->name()),
                                                            ": ", applied.message()));
      }
    }
    if (applied.code() == absl::StatusCode::kInvalidArgument) {
      rows_.RollbackToSavePoint();
      for (size_t i = 0; i < views_applied; ++i) views_[i]->DiscardEvent();
      RETURN_IF_ERROR(dead_letter(record, std::string(applied.message())));
    } else if (!applied.ok()) {
      return applied;
    } else {
      rows_.PopSavePoint();
      ++outcome.applied;
    }
    checkpoint.high_water_sequence = event.sequence();
    checkpoint.next_position = next_position;
    if (event.has_recorded_at()) checkpoint.last_recorded_at = FromProto(event.recorded_at());
    if (event.has_occurred_at()) checkpoint.last_occurred_at = FromProto(event.occurred_at());
  }

  return outcome;
}

void ProjectionRunner::RecordFailure(const absl::Status& status) {
  {
    absl::MutexLock lock(&mu_);
    ++stats_.failed_batches;
    stats_.last_error = status;
  }
  if (metrics_ != nullptr) metrics_->errors.Increment();
  LogWarn("projection batch failed; will retry",
          {{"projection", options_.name}, {"error", std::string(status.ToString())}});
}

void ProjectionRunner::Refresh() {
  const std::vector<PartitionHead> heads = source_->Heads();
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  if (!stats_.caught_up) {
    bool caught_up = true;
    for (const PartitionHead& head : start_heads_) {
      auto it = checkpoints_.find(head.partition);
      const bool reached = it != checkpoints_.end()
                               ? it->second.next_position >= head.end_position
                               : drained_ || head.end_position <= head.begin_position;
      if (!reached) {
        caught_up = false;
        break;
      }
    }
    stats_.caught_up = caught_up;
  }

  int64_t total = 0;
  absl::Duration lag = absl::ZeroDuration();
  for (const PartitionHead& head : heads) {
    auto it = checkpoints_.find(head.partition);
    int64_t behind = 0;
    if (it != checkpoints_.end()) {
      behind = std::max<int64_t>(0, head.end_position - it->second.next_position);
    } else if (!last_poll_empty_) {
      // No checkpoint yet: everything from the partition's first position is ahead.
      behind = std::max<int64_t>(0, head.end_position - head.begin_position);
    }
    total += behind;
    if (behind > 0 && it != checkpoints_.end() &&
        it->second.last_recorded_at != absl::InfinitePast()) {
      lag = std::max(lag, now - it->second.last_recorded_at);
    }
    if (metrics_ != nullptr) metrics_->LagEvents(head.partition).Set(static_cast<double>(behind));
  }
  stats_.lag_events = total;
  stats_.lag = lag;
  if (metrics_ != nullptr) metrics_->lag_seconds.Set(absl::ToDoubleSeconds(lag));
}

absl::Status ProjectionRunner::Start() {
  absl::MutexLock lifecycle(&lifecycle_mu_);
  return StartLocked();
}

absl::Status ProjectionRunner::StartLocked() {
  {
    absl::MutexLock lock(&mu_);
    if (running_) return absl::FailedPreconditionError("projection already running");
  }
  {
    absl::MutexLock run(&run_mu_);
    if (absl::Status started = EnsureStarted(); !started.ok()) {
      RecordFailure(started);
      return started;
    }
  }
  {
    absl::MutexLock lock(&mu_);
    running_ = true;
    stopping_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

void ProjectionRunner::Stop() {
  absl::MutexLock lifecycle(&lifecycle_mu_);
  StopLocked();
}

void ProjectionRunner::StopLocked() {
  {
    absl::MutexLock lock(&mu_);
    if (!running_) return;
    stopping_ = true;
  }
  thread_.join();
  absl::MutexLock lock(&mu_);
  running_ = false;
  stopping_ = false;
}

bool ProjectionRunner::running() const {
  absl::MutexLock lock(&mu_);
  return running_;
}

void ProjectionRunner::Loop() {
  absl::Duration backoff = options_.initial_backoff;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    absl::StatusOr<size_t> result;
    {
      absl::MutexLock run(&run_mu_);
      result = RunOnceLocked();
    }
    if (result.ok()) {
      backoff = options_.initial_backoff;
      continue;
    }
    // Wait out the backoff, or less if Stop() comes first.
    mu_.LockWhenWithTimeout(absl::Condition(&stopping_), backoff);
    mu_.Unlock();
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

bool ProjectionRunner::CaughtUp() const {
  absl::MutexLock lock(&mu_);
  return stats_.caught_up;
}

absl::Status ProjectionRunner::CatchUp(absl::Duration timeout) {
  if (running()) {
    absl::MutexLock lock(&mu_);
    if (mu_.AwaitWithTimeout(absl::Condition(&stats_.caught_up), timeout)) {
      return absl::OkStatus();
    }
    return absl::DeadlineExceededError(absl::StrCat(
        "projection ", options_.name, " not caught up after ", absl::FormatDuration(timeout),
        "; last error: ", stats_.last_error.ToString()));
  }
  const absl::Time deadline = absl::Now() + timeout;
  while (!CaughtUp()) {
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "projection ", options_.name, " not caught up after ", absl::FormatDuration(timeout)));
    }
    absl::MutexLock run(&run_mu_);
    ASSIGN_OR_RETURN(size_t consumed, RunOnceLocked());
    (void)consumed;
  }
  return absl::OkStatus();
}

absl::Status ProjectionRunner::Rebuild() {
  absl::MutexLock lifecycle(&lifecycle_mu_);
  bool was_running = running();
  StopLocked();
  {
    absl::MutexLock run(&run_mu_);
    pending_.clear();
    rows_.Clear();
    source_started_ = false;
    if (absl::Status reset = db_->ResetProjection(options_.name, view_names_); !reset.ok()) {
      // The views may be half dropped: folding on would mix old rows with a new fold.
      // The reset marker makes the next Open (or Rebuild) finish the job.
      needs_rebuild_ = true;
      RecordFailure(reset);
      return reset;
    }
    needs_rebuild_ = false;
    {
      absl::MutexLock lock(&mu_);
      checkpoints_.clear();
      start_heads_.clear();
      drained_ = false;
      last_poll_empty_ = false;
      stats_.caught_up = false;
    }
    LogInfo("projection rebuilding from the beginning", {{"projection", options_.name}});
    if (absl::Status started = EnsureStarted(); !started.ok()) {
      RecordFailure(started);
      return started;
    }
  }
  if (was_running) return StartLocked();
  return absl::OkStatus();
}

std::optional<PartitionCheckpoint> ProjectionRunner::Checkpoint(
    const PartitionId& partition) const {
  absl::MutexLock lock(&mu_);
  auto it = checkpoints_.find(partition);
  if (it == checkpoints_.end()) return std::nullopt;
  return it->second;
}

std::map<PartitionId, PartitionCheckpoint> ProjectionRunner::Checkpoints() const {
  absl::MutexLock lock(&mu_);
  return checkpoints_;
}

ProjectionStats ProjectionRunner::Stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

absl::Status ProjectionRunner::LastError() const {
  absl::MutexLock lock(&mu_);
  return stats_.last_error;
}

}  // namespace salesperf::projection
