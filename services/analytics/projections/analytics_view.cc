#include "services/analytics/projections/analytics_view.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "salesperf/activity/v1/events.pb.h"
#include "salesperf/analytics/v1/rows.pb.h"
#include "salesperf/feedback/v1/events.pb.h"
#include "salesperf/targets/v1/events.pb.h"
#include "services/analytics/domain/counters.h"
#include "services/analytics/domain/org.h"

namespace salesperf::analytics {
namespace {

namespace act = ::salesperf::activity::v1;
namespace fb = ::salesperf::feedback::v1;
namespace tg = ::salesperf::targets::v1;

// Typed row access over the batch.
class Rows {
 public:
  explicit Rows(projection::ViewTxn& txn) : txn_(txn) {}

  template <typename Msg>
  absl::StatusOr<std::optional<Msg>> Get(const std::string& key) {
    ASSIGN_OR_RETURN(std::optional<std::string> bytes, txn_.Get(key));
    if (!bytes.has_value()) return std::optional<Msg>();
    Msg msg;
    if (!msg.ParseFromString(*bytes))
      return absl::DataLossError(absl::StrCat("malformed row ", key));
    return std::optional<Msg>(std::move(msg));
  }
  void Put(const std::string& key, const google::protobuf::Message& msg) {
    txn_.Put(key, msg.SerializeAsString());
  }
  void PutRaw(const std::string& key, std::string_view value) { txn_.Put(key, value); }

 private:
  projection::ViewTxn& txn_;
};

absl::Time ToTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

bool IsZeroArray(const CounterArray& a) {
  for (int64_t v : a) {
    if (v != 0) return false;
  }
  return true;
}

CounterArray NegatedArray(const CounterArray& a) {
  CounterArray out;
  for (size_t i = 0; i < a.size(); ++i) out[i] = -a[i];
  return out;
}

// PipelineRow in the first slots of a CounterArray (slot i = field number i + 1).
enum PipelineSlot : size_t {
  kQualifiedCount = 0,
  kQualifiedMinor,
  kProposalCount,
  kProposalMinor,
  kNegotiationCount,
  kNegotiationMinor,
  kOpenRiskFlags,
};

CounterArray PipelineToArray(const v1::PipelineRow& row) {
  CounterArray a{};
  a[kQualifiedCount] = row.qualified_count();
  a[kQualifiedMinor] = row.qualified_minor();
  a[kProposalCount] = row.proposal_count();
  a[kProposalMinor] = row.proposal_minor();
  a[kNegotiationCount] = row.negotiation_count();
  a[kNegotiationMinor] = row.negotiation_minor();
  a[kOpenRiskFlags] = row.open_risk_flags();
  return a;
}

v1::PipelineRow PipelineFromArray(const CounterArray& a) {
  v1::PipelineRow row;
  row.set_qualified_count(a[kQualifiedCount]);
  row.set_qualified_minor(a[kQualifiedMinor]);
  row.set_proposal_count(a[kProposalCount]);
  row.set_proposal_minor(a[kProposalMinor]);
  row.set_negotiation_count(a[kNegotiationCount]);
  row.set_negotiation_minor(a[kNegotiationMinor]);
  row.set_open_risk_flags(a[kOpenRiskFlags]);
  return row;
}

// Moves the rep's leaderboard index rows of a period from `before` to `after`; `was` and
// `is`: whether the rep is ranked (has a non-zero counter) before and after.
void UpdateBoards(projection::ViewTxn& txn, const std::string& period_id, const std::string& rep_id,
                  const Counters& before, bool was, const Counters& after, bool is) {
  for (Metric metric : IndexedMetrics()) {
    const int64_t old_value = MetricValue(before, metric);
    const int64_t new_value = MetricValue(after, metric);
    if (was && is && old_value == new_value) continue;
    if (was) txn.Delete(keys::Board(period_id, metric, old_value, rep_id));
    if (is) txn.Put(keys::Board(period_id, metric, new_value, rep_id), "");
  }
}

// A row of sums read once per batch and written by Flush: Counters (p/, sd/, sp/) or a
// PipelineRow (pl/).
struct SumRow {
  enum class Kind : uint8_t { kCounters, kPipeline };
  // A p/ row's leaderboard index: Flush moves it from `committed` to the final value.
  struct Index {
    CounterArray committed;  // before the batch
    std::string period_id;
    std::string rep_id;
  };
  CounterArray value{};  // as of the batch
  Kind kind = Kind::kCounters;
  bool dirty = false;            // to be written by Flush
  std::unique_ptr<Index> index;  // p/ rows only
};

// A rep's facts on one day (rd/), as committed and as of the batch. Folding a fact adds to
// `value` only; Flush derives the rep's period rows and the scopes' rows from the change.
struct RepDayRow {
  std::string rep_id;
  std::string day;
  CounterArray committed{};
  CounterArray value{};
};

// A rep's active days (ra/): concatenated "YYYY-MM-DD", ascending.
struct DaysRow {
  std::string days;
  bool dirty = false;
};

CounterArray Difference(const CounterArray& a, const CounterArray& b) {
  CounterArray out;
  for (size_t i = 0; i < a.size(); ++i) out[i] = a[i] - b[i];
  return out;
}

void AddArray(CounterArray& to, const CounterArray& delta) {
  for (size_t i = 0; i < delta.size(); ++i) to[i] += delta[i];
}

}  // namespace

// Folding an event touches only the rows the event itself names: a rep-day's counters (or a
// company day's, for a fact of no rep), a pipeline row, active days, organisation, deal,
// target and flag rows. Everything derived from rep-days (a rep's week, month, quarter and
// year rows, their leaderboard index, and the day, month, quarter and year rows of the
// rep's team, region and the company) is settled once per batch by Flush from each
// rep-day's committed and final value and the rep's placement before and after the batch.
// A batch of thousands of facts on a few hundred rep-days thus derives a few hundred times,
// not thousands.
struct AnalyticsView::Batch {
  // The current event's change to a rep-day or company day, undone by DiscardEvent.
  struct ArrayUndo {
    CounterArray* target;
    CounterArray delta;
  };
  struct SumUndo {
    SumRow* row;
    CounterArray delta;
    bool was_dirty;
  };
  struct DaysUndo {
    DaysRow* row;
    size_t pos;
    bool was_dirty;
  };

  // Node maps: the undo records point into them. rep_days is keyed by the rd/ key.
  absl::node_hash_map<std::string, RepDayRow> rep_days;
  // Facts of no rep (company only), summed per day.
  absl::node_hash_map<std::string, CounterArray> company_days;
  absl::node_hash_map<std::string, SumRow> sums;
  absl::node_hash_map<std::string, DaysRow> days;
  // RepRows parsed this batch (Place writes them through the txn and here).
  absl::flat_hash_map<std::string, v1::RepRow> reps;
  // Reps placed this batch, with their RepRow as committed before it.
  absl::flat_hash_map<std::string, v1::RepRow> placed;
  // The current event's changes, undone by DiscardEvent.
  std::vector<ArrayUndo> array_undo;
  std::vector<SumUndo> sum_undo;
  std::vector<DaysUndo> days_undo;
  // Period ids of a day (IndexedPeriodKinds order). Pure, so kept across batches.
  absl::flat_hash_map<std::string, std::vector<std::string>> periods;

  void StartEvent() {
    array_undo.clear();
    sum_undo.clear();
    days_undo.clear();
  }

  void UndoEvent() {
    for (auto u = array_undo.rbegin(); u != array_undo.rend(); ++u) {
      for (size_t i = 0; i < u->delta.size(); ++i) (*u->target)[i] -= u->delta[i];
    }
    for (auto u = sum_undo.rbegin(); u != sum_undo.rend(); ++u) {
      for (size_t i = 0; i < u->delta.size(); ++i) u->row->value[i] -= u->delta[i];
      u->row->dirty = u->was_dirty;
    }
    for (auto u = days_undo.rbegin(); u != days_undo.rend(); ++u) {
      u->row->days.erase(u->pos, 10);
      u->row->dirty = u->was_dirty;
    }
    StartEvent();
    reps.clear();  // a rolled-back Place may have changed one; the txn has the truth
  }

  void Clear() {
    rep_days.clear();
    company_days.clear();
    sums.clear();
    days.clear();
    reps.clear();
    placed.clear();
    StartEvent();
    if (periods.size() > 100'000) periods.clear();
  }

  static absl::StatusOr<CounterArray> ReadCounters(projection::ViewTxn& txn,
                                                   const std::string& key) {
    ASSIGN_OR_RETURN(std::optional<std::string> bytes, txn.Get(key));
    if (!bytes.has_value()) return CounterArray{};
    Counters c;
    if (!c.ParseFromString(*bytes)) return absl::DataLossError(absl::StrCat("malformed row ", key));
    return ToArray(c);
  }

  // The rep's day as of the batch, read from the txn on first use.
  absl::StatusOr<RepDayRow*> RepDay(projection::ViewTxn& txn, const std::string& rep_id,
                                    const std::string& day) {
    auto [it, inserted] = rep_days.try_emplace(keys::RepDay(rep_id, day));
    if (!inserted) return &it->second;
    absl::StatusOr<CounterArray> committed = ReadCounters(txn, it->first);
    if (!committed.ok()) {
      rep_days.erase(it);
      return committed.status();
    }
    RepDayRow& row = it->second;
    row.rep_id = rep_id;
    row.day = day;
    row.committed = *committed;
    row.value = *committed;
    return &row;
  }

  void AddUndoable(CounterArray& target, const CounterArray& delta) {
    array_undo.push_back({&target, delta});
    AddArray(target, delta);
  }

  // The row at `key` as of the batch, read from the txn on first use.
  absl::StatusOr<SumRow*> Sum(projection::ViewTxn& txn, const std::string& key, SumRow::Kind kind) {
    auto [it, inserted] = sums.try_emplace(key);
    if (!inserted) return &it->second;
    SumRow& row = it->second;
    row.kind = kind;
    absl::StatusOr<std::optional<std::string>> bytes = txn.Get(key);
    if (!bytes.ok()) {
      sums.erase(it);
      return bytes.status();
    }
    if (bytes->has_value()) {
      bool parsed = false;
      if (kind == SumRow::Kind::kCounters) {
        Counters c;
        parsed = c.ParseFromString(**bytes);
        row.value = ToArray(c);
      } else {
        v1::PipelineRow p;
        parsed = p.ParseFromString(**bytes);
        row.value = PipelineToArray(p);
      }
      if (!parsed) {
        sums.erase(it);
        return absl::DataLossError(absl::StrCat("malformed row ", key));
      }
    }
    return &row;
  }

  // During a fold (undone with the event).
  void Add(SumRow* row, const CounterArray& delta) {
    sum_undo.push_back({row, delta, row->dirty});
    AddArray(row->value, delta);
    row->dirty = true;
  }

  // During Flush (a failed flush drops the whole batch).
  static void Settle(SumRow* row, const CounterArray& delta) {
    AddArray(row->value, delta);
    row->dirty = true;
  }

  absl::StatusOr<DaysRow*> Days(projection::ViewTxn& txn, const std::string& rep_id) {
    const std::string key = keys::RepActiveDays(rep_id);
    auto [it, inserted] = days.try_emplace(key);
    if (!inserted) return &it->second;
    absl::StatusOr<std::optional<std::string>> bytes = txn.Get(key);
    if (!bytes.ok()) {
      days.erase(it);
      return bytes.status();
    }
    it->second.days = bytes->value_or("");
    return &it->second;
  }

  // Inserts `day` into the rep's active days unless there.
  absl::Status AddActiveDay(projection::ViewTxn& txn, const std::string& rep_id,
                            const std::string& day) {
    ASSIGN_OR_RETURN(DaysRow * row, Days(txn, rep_id));
    const std::string_view days_view = row->days;
    size_t pos = 0;
    while (pos < days_view.size() && days_view.substr(pos, 10) < day) pos += 10;
    if (days_view.substr(pos, 10) == day) return absl::OkStatus();
    days_undo.push_back({row, pos, row->dirty});
    row->days.insert(pos, day);
    row->dirty = true;
    return absl::OkStatus();
  }

  absl::StatusOr<const v1::RepRow*> Rep(projection::ViewTxn& txn, const std::string& rep_id) {
    if (auto it = reps.find(rep_id); it != reps.end()) return &it->second;
    const std::string key = keys::Rep(rep_id);
    ASSIGN_OR_RETURN(std::optional<std::string> bytes, txn.Get(key));
    v1::RepRow row;
    if (bytes.has_value() && !row.ParseFromString(*bytes)) {
      return absl::DataLossError(absl::StrCat("malformed row ", key));
    }
    return &reps.emplace(rep_id, std::move(row)).first->second;
  }

  absl::StatusOr<const std::vector<std::string>*> PeriodIds(const std::string& day) {
    if (auto it = periods.find(day); it != periods.end()) return &it->second;
    absl::CivilDay civil;
    ParseDay(day, &civil);
    std::vector<std::string> ids;
    for (PeriodKind kind : IndexedPeriodKinds()) {
      ASSIGN_OR_RETURN(Period period, Period::Containing(kind, civil));
      ids.push_back(period.Id());
    }
    return &periods.emplace(day, std::move(ids)).first->second;
  }

  absl::Status AddToScope(projection::ViewTxn& txn, char level, const std::string& id,
                          const std::string& day, const CounterArray& delta) {
    ASSIGN_OR_RETURN(SumRow * day_row,
                     Sum(txn, keys::ScopeDay(level, id, day), SumRow::Kind::kCounters));
    Settle(day_row, delta);
    // Month, quarter and year rows, so that a regional view or KPIs of a longer period read
    // one row per scope and period, not one per day. (A scope's weeks are summed from its
    // day rows.)
    ASSIGN_OR_RETURN(const std::vector<std::string>* period_ids, PeriodIds(day));
    for (size_t i = 0; i < IndexedPeriodKinds().size(); ++i) {
      const PeriodKind kind = IndexedPeriodKinds()[i];
      if (kind == PeriodKind::kWeek) continue;
      ASSIGN_OR_RETURN(
          SumRow * period_row,
          Sum(txn, keys::ScopePeriod(level, id, kind, (*period_ids)[i]), SumRow::Kind::kCounters));
      Settle(period_row, delta);
    }
    return absl::OkStatus();
  }

  absl::Status AddToScopes(projection::ViewTxn& txn, const Placement& placement,
                           const std::string& day, const CounterArray& delta) {
    if (IsZeroArray(delta)) return absl::OkStatus();
    if (!placement.team_id.empty()) {
      RETURN_IF_ERROR(AddToScope(txn, keys::kTeam, placement.team_id, day, delta));
    }
    if (!placement.region_id.empty()) {
      RETURN_IF_ERROR(AddToScope(txn, keys::kRegion, placement.region_id, day, delta));
    }
    return absl::OkStatus();
  }

  // The rep's placement before the batch (`before`) and after it (`after`).
  struct Placements {
    const v1::RepRow* before;
    const v1::RepRow* after;
  };
  absl::StatusOr<Placements> PlacementsOf(projection::ViewTxn& txn, const std::string& rep_id) {
    ASSIGN_OR_RETURN(const v1::RepRow* after, Rep(txn, rep_id));
    auto it = placed.find(rep_id);
    return Placements{it == placed.end() ? after : &it->second, after};
  }

  // Moves a rep-day from its committed value in its placement before the batch to its
  // final value in its placement after it; a changed value also changes the rep's period
  // rows and the company's.
  absl::Status SettleRepDay(projection::ViewTxn& txn, const std::string& key,
                            const std::string& rep_id, const std::string& day,
                            const CounterArray& committed, const CounterArray& value,
                            const Placements& placements) {
    const Placement before = PlacementOn(*placements.before, day);
    const Placement after = PlacementOn(*placements.after, day);
    const bool changed = committed != value;
    if (!changed && before == after) return absl::OkStatus();
    const CounterArray delta = Difference(value, committed);
    if (changed) {
      if (IsZeroArray(value)) {
        txn.Delete(key);
      } else {
        txn.Put(key, FromArray(value).SerializeAsString());
      }
      ASSIGN_OR_RETURN(const std::vector<std::string>* period_ids, PeriodIds(day));
      for (const std::string& period_id : *period_ids) {
        ASSIGN_OR_RETURN(SumRow * period_row,
                         Sum(txn, keys::RepPeriod(period_id, rep_id), SumRow::Kind::kCounters));
        if (period_row->index == nullptr) {
          period_row->index = std::make_unique<SumRow::Index>(SumRow::Index{
              .committed = period_row->value, .period_id = period_id, .rep_id = rep_id});
        }
        Settle(period_row, delta);
      }
      RETURN_IF_ERROR(AddToScope(txn, keys::kCompany, "", day, delta));
    }
    if (before == after) return AddToScopes(txn, after, day, delta);
    RETURN_IF_ERROR(AddToScopes(txn, before, day, NegatedArray(committed)));
    return AddToScopes(txn, after, day, value);
  }

  // Derives every row of the batch's rep-days and placements (see the struct's comment).
  absl::Status SettleFacts(projection::ViewTxn& txn) {
    for (const auto& [key, row] : rep_days) {
      ASSIGN_OR_RETURN(const Placements placements, PlacementsOf(txn, row.rep_id));
      RETURN_IF_ERROR(
          SettleRepDay(txn, key, row.rep_id, row.day, row.committed, row.value, placements));
    }
    // Days a re-placed rep had before the batch and no fact of the batch touched: moved
    // between scopes when their placement changed.
    for (const auto& [rep_id, committed_rep] : placed) {
      ASSIGN_OR_RETURN(const Placements placements, PlacementsOf(txn, rep_id));
      ASSIGN_OR_RETURN(DaysRow * active, Days(txn, rep_id));
      const std::string active_days = active->days;
      for (size_t pos = 0; pos + 10 <= active_days.size(); pos += 10) {
        const std::string day = active_days.substr(pos, 10);
        if (PlacementOn(*placements.before, day) == PlacementOn(*placements.after, day)) continue;
        const std::string key = keys::RepDay(rep_id, day);
        if (rep_days.contains(key)) continue;
        ASSIGN_OR_RETURN(const CounterArray counters, ReadCounters(txn, key));
        RETURN_IF_ERROR(SettleRepDay(txn, key, rep_id, day, counters, counters, placements));
      }
    }
    for (const auto& [day, delta] : company_days) {
      if (!IsZeroArray(delta)) RETURN_IF_ERROR(AddToScope(txn, keys::kCompany, "", day, delta));
    }
    return absl::OkStatus();
  }

  absl::Status Flush(projection::ViewTxn& txn) {
    RETURN_IF_ERROR(SettleFacts(txn));
    absl::flat_hash_map<std::string, int64_t> board_size_changes;
    for (auto& [key, row] : sums) {
      if (!row.dirty) continue;
      if (row.kind == SumRow::Kind::kPipeline) {
        txn.Put(key, PipelineFromArray(row.value).SerializeAsString());
        continue;
      }
      const bool is = !IsZeroArray(row.value);
      const Counters after = FromArray(row.value);
      if (is) {
        txn.Put(key, after.SerializeAsString());
      } else {
        txn.Delete(key);
      }
      if (row.index != nullptr) {
        const bool was = !IsZeroArray(row.index->committed);
        UpdateBoards(txn, row.index->period_id, row.index->rep_id, FromArray(row.index->committed),
                     was, after, is);
        if (was != is) board_size_changes[row.index->period_id] += is ? 1 : -1;
      }
    }
    for (const auto& [period_id, change] : board_size_changes) {
      if (change == 0) continue;
      const std::string key = keys::BoardSize(period_id);
      ASSIGN_OR_RETURN(std::optional<std::string> stored, txn.Get(key));
      int64_t size = 0;
      if (stored.has_value() && !absl::SimpleAtoi(*stored, &size)) {
        return absl::DataLossError(absl::StrCat("leaderboard size row ", key, " is not a number"));
      }
      size += change;
      if (size <= 0) {
        txn.Delete(key);
      } else {
        txn.Put(key, absl::StrCat(size));
      }
    }
    for (auto& [key, row] : days) {
      if (row.dirty) txn.Put(key, row.days);
    }
    Clear();
    return absl::OkStatus();
  }
};

namespace {
class Folder {
 public:
  Folder(const AnalyticsViewOptions& options, const projection::EventEnvelope& envelope,
         projection::ViewTxn& txn, AnalyticsView::Batch& batch)
      : options_(options), envelope_(envelope), txn_(txn), rows_(txn), batch_(batch) {}

  absl::Status Fold();

 private:
  // The day of `ts` (the envelope's occurred_at when unset).
  std::string DayOf(const google::protobuf::Timestamp& ts) const {
    const google::protobuf::Timestamp& t =
        (ts.seconds() == 0 && ts.nanos() == 0) ? envelope_.occurred_at() : ts;
    return DayId(absl::ToCivilDay(ToTime(t), options_.time_zone));
  }
  std::string OccurredDay() const { return DayOf(envelope_.occurred_at()); }

  absl::Status CheckDay(std::string_view field, const std::string& day) const {
    absl::CivilDay parsed;
    if (!ParseDay(day, &parsed)) {
      return absl::InvalidArgumentError(absl::StrCat(envelope_.payload().type_url(), " ",
                                                     std::string(field), " \"", day,
                                                     "\" is not a YYYY-MM-DD day"));
    }
    return absl::OkStatus();
  }

  // Adds `delta` to the rep's day ("" rep: the company's day); Flush derives the rest.
  absl::Status AddFact(const std::string& rep_id, const std::string& day, const Counters& delta);

  absl::Status Place(const std::string& rep_id, const std::string& display_name,
                     const v1::Assignment& assignment);
  absl::Status AddPipeline(const std::string& rep_id, int stage, int64_t count, int64_t amount);
  absl::Status AddOpenFlags(const std::string& rep_id, int64_t delta);
  // Counts the funnel stages after `deal.funnel_reached()` up to `stage` on `day`.
  absl::Status ReachFunnel(v1::DealRow& deal, int stage, const std::string& day);
  absl::Status SplitRevenue(const std::string& owner,
                            const google::protobuf::RepeatedPtrField<act::CreditSplit>& splits,
                            int64_t amount, const std::string& day);

  absl::Status FoldOrg();
  absl::Status FoldTarget();
  absl::Status FoldActivity();
  absl::Status FoldFeedback();

  template <typename Msg>
  bool Unpack(Msg& msg) const {
    return envelope_.payload().Is<Msg>() && envelope_.payload().UnpackTo(&msg);
  }

  const AnalyticsViewOptions& options_;
  const projection::EventEnvelope& envelope_;
  projection::ViewTxn& txn_;
  Rows rows_;
  AnalyticsView::Batch& batch_;
};

absl::Status Folder::AddFact(const std::string& rep_id, const std::string& day,
                             const Counters& delta) {
  if (IsZero(delta)) return absl::OkStatus();
  RETURN_IF_ERROR(CheckDay("day", day));
  const CounterArray d = ToArray(delta);
  if (rep_id.empty()) {
    batch_.AddUndoable(batch_.company_days[day], d);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(RepDayRow * row, batch_.RepDay(txn_, rep_id, day));
  const bool new_day = IsZeroArray(row->value);
  batch_.AddUndoable(row->value, d);
  // A new active day for the rep: remember it for re-attribution.
  if (new_day) RETURN_IF_ERROR(batch_.AddActiveDay(txn_, rep_id, day));
  return absl::OkStatus();
}

absl::Status Folder::Place(const std::string& rep_id, const std::string& display_name,
                           const v1::Assignment& assignment) {
  RETURN_IF_ERROR(CheckDay("effective_from", assignment.from_day()));
  ASSIGN_OR_RETURN(const v1::RepRow* current, batch_.Rep(txn_, rep_id));
  // The first placement of the rep in the batch reads the committed row: Flush moves the
  // rep's days from it to the final one.
  batch_.placed.try_emplace(rep_id, *current);
  v1::RepRow after = *current;
  after.set_rep_id(rep_id);
  if (!display_name.empty()) after.set_display_name(display_name);
  Assign(after, assignment);
  rows_.Put(keys::Rep(rep_id), after);
  batch_.reps[rep_id] = after;
  if (!assignment.team_id().empty()) {
    rows_.PutRaw(keys::Member(keys::kTeam, assignment.team_id(), rep_id), "");
  }
  if (!assignment.region_id().empty()) {
    rows_.PutRaw(keys::Member(keys::kRegion, assignment.region_id(), rep_id), "");
  }
  return absl::OkStatus();
}

absl::Status Folder::AddPipeline(const std::string& rep_id, int stage, int64_t count,
                                 int64_t amount) {
  if (stage < act::DEAL_STAGE_QUALIFIED || stage > act::DEAL_STAGE_NEGOTIATION) {
    return absl::OkStatus();
  }
  CounterArray delta{};
  switch (stage) {
    case act::DEAL_STAGE_QUALIFIED:
      delta[kQualifiedCount] = count;
      delta[kQualifiedMinor] = amount;
      break;
    case act::DEAL_STAGE_PROPOSAL:
      delta[kProposalCount] = count;
      delta[kProposalMinor] = amount;
      break;
    default:
      delta[kNegotiationCount] = count;
      delta[kNegotiationMinor] = amount;
      break;
  }
  for (const std::string& key : {keys::Pipeline(rep_id), keys::CompanyPipeline()}) {
    ASSIGN_OR_RETURN(SumRow * row, batch_.Sum(txn_, key, SumRow::Kind::kPipeline));
    batch_.Add(row, delta);
  }
  return absl::OkStatus();
}

absl::Status Folder::AddOpenFlags(const std::string& rep_id, int64_t delta) {
  CounterArray d{};
  d[kOpenRiskFlags] = delta;
  for (const std::string& key : {keys::Pipeline(rep_id), keys::CompanyPipeline()}) {
    ASSIGN_OR_RETURN(SumRow * row, batch_.Sum(txn_, key, SumRow::Kind::kPipeline));
    batch_.Add(row, d);
  }
  return absl::OkStatus();
}

absl::Status Folder::ReachFunnel(v1::DealRow& deal, int stage, const std::string& day) {
  stage = std::min(stage, static_cast<int>(act::DEAL_STAGE_NEGOTIATION));
  Counters delta;
  for (int s = deal.funnel_reached() + 1; s <= stage; ++s) {
    if (s == act::DEAL_STAGE_QUALIFIED) delta.set_funnel_qualified(1);
    if (s == act::DEAL_STAGE_PROPOSAL) delta.set_funnel_proposal(1);
    if (s == act::DEAL_STAGE_NEGOTIATION) delta.set_funnel_negotiation(1);
  }
  if (stage > deal.funnel_reached()) deal.set_funnel_reached(stage);
  return AddFact(deal.rep_id(), day, delta);
}

absl::Status Folder::SplitRevenue(
    const std::string& owner, const google::protobuf::RepeatedPtrField<act::CreditSplit>& splits,
    int64_t amount, const std::string& day) {
  if (splits.empty()) {
    Counters delta;
    delta.set_revenue_minor(amount);
    return AddFact(owner, day, delta);
  }
  // Largest remainder on |amount| so that the parts add up exactly; ties to the earlier
  // split. The sign is applied to each part.
  const int64_t magnitude = amount < 0 ? -amount : amount;
  int64_t total_bp = 0;
  for (const act::CreditSplit& s : splits) total_bp += std::max(0, s.share_bp());
  if (total_bp <= 0) {
    return absl::InvalidArgumentError("credit splits with no positive share");
  }
  std::vector<int64_t> parts(splits.size());
  std::vector<std::pair<__int128, int>> remainders;
  int64_t allocated = 0;
  for (int i = 0; i < splits.size(); ++i) {
    const __int128 exact = static_cast<__int128>(magnitude) * std::max(0, splits[i].share_bp());
    parts[i] = static_cast<int64_t>(exact / total_bp);
    allocated += parts[i];
    remainders.emplace_back(exact % total_bp, i);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (int64_t left = magnitude - allocated, k = 0; left > 0; --left, ++k) {
    parts[remainders[k % remainders.size()].second] += 1;
  }
  for (int i = 0; i < splits.size(); ++i) {
    Counters delta;
    delta.set_revenue_minor(amount < 0 ? -parts[i] : parts[i]);
    RETURN_IF_ERROR(AddFact(splits[i].rep_id(), day, delta));
  }
  return absl::OkStatus();
}

absl::Status Folder::FoldOrg() {
  if (tg::OrganisationSettingsChanged e; Unpack(e)) {
    v1::SettingsRow row;
    *row.mutable_settings() = e.settings();
    rows_.Put(keys::Settings(), row);
  } else if (tg::RegionCreated e; Unpack(e)) {
    v1::ScopeRow row;
    row.set_level("region");
    row.set_id(e.region_id());
    row.set_name(e.name());
    rows_.Put(keys::Region(e.region_id()), row);
  } else if (tg::TeamCreated e; Unpack(e)) {
    v1::ScopeRow row;
    row.set_level("team");
    row.set_id(e.team_id());
    row.set_name(e.name());
    row.set_region_id(e.region_id());
    rows_.Put(keys::Team(e.team_id()), row);
    rows_.PutRaw(keys::TeamOfRegion(e.region_id(), e.team_id()), "");
  } else if (tg::RepHired e; Unpack(e)) {
    v1::Assignment a;
    a.set_from_day(e.effective_from());
    a.set_team_id(e.team_id());
    a.set_region_id(e.region_id());
    return Place(e.rep_id(), e.display_name(), a);
  } else if (tg::RepMoved e; Unpack(e)) {
    v1::Assignment a;
    a.set_from_day(e.effective_from());
    a.set_team_id(e.to_team_id());
    a.set_region_id(e.to_region_id());
    return Place(e.rep_id(), "", a);
  } else if (tg::RepDeactivated e; Unpack(e)) {
    v1::Assignment a;
    a.set_from_day(e.effective_from());
    return Place(e.rep_id(), "", a);
  }
  return absl::OkStatus();
}

absl::Status Folder::FoldTarget() {
  struct Update {
    std::string id;
    const tg::TargetKey* key;
    const tg::TargetValue* value;
    tg::TargetStatus status;
  };
  std::optional<Update> update;
  tg::TargetDrafted drafted;
  tg::TargetRevised revised;
  tg::TargetProposed proposed;
  tg::TargetApproved approved;
  tg::TargetAdjusted adjusted;
  tg::TargetClosed closed;
  if (Unpack(drafted)) {
    v1::TargetRow row;
    row.set_target_id(drafted.target_id());
    *row.mutable_key() = drafted.key();
    *row.mutable_value() = drafted.value();
    row.set_status(tg::TARGET_STATUS_DRAFT);
    row.set_name(drafted.name());
    row.set_period_first_day(drafted.period_first_day());
    row.set_period_last_day(drafted.period_last_day());
    rows_.Put(keys::Target(drafted.target_id()), row);
    return absl::OkStatus();
  }
  if (Unpack(revised)) {
    update =
        Update{revised.target_id(), &revised.key(), &revised.new_value(), tg::TARGET_STATUS_DRAFT};
  } else if (Unpack(proposed)) {
    update = Update{proposed.target_id(), &proposed.key(), &proposed.value(),
                    tg::TARGET_STATUS_PROPOSED};
  } else if (Unpack(approved)) {
    update = Update{approved.target_id(), &approved.key(), &approved.value(),
                    tg::TARGET_STATUS_APPROVED};
  } else if (Unpack(adjusted)) {
    update = Update{adjusted.target_id(), &adjusted.key(), &adjusted.new_value(),
                    tg::TARGET_STATUS_ADJUSTED};
  } else if (Unpack(closed)) {
    update =
        Update{closed.target_id(), &closed.key(), &closed.final_value(), tg::TARGET_STATUS_CLOSED};
  }
  if (!update.has_value()) return absl::OkStatus();
  const std::string key = keys::Target(update->id);
  ASSIGN_OR_RETURN(std::optional<v1::TargetRow> row, rows_.Get<v1::TargetRow>(key));
  if (!row.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat("target ", update->id, " was never drafted"));
  }
  *row->mutable_value() = *update->value;
  row->set_status(update->status);
  rows_.Put(key, *row);
  return absl::OkStatus();
}

absl::Status Folder::FoldActivity() {
  if (act::CallLogged e; Unpack(e)) {
    Counters d;
    d.set_calls(1);
    if (e.outcome() == act::CALL_OUTCOME_CONNECTED) d.set_connected_calls(1);
    d.set_call_seconds(std::max<int64_t>(0, e.duration_seconds()));
    return AddFact(e.rep_id(), DayOf(e.started_at()), d);
  }
  if (act::CustomerRegistered e; Unpack(e)) {
    Counters d;
    d.set_new_customers(1);
    const std::string day = e.registered_on().empty() ? OccurredDay() : e.registered_on();
    return AddFact(e.owner_rep_id(), day, d);
  }
  if (act::VisitPlanned e; Unpack(e)) {
    Counters d;
    d.set_visits_planned(1);
    return AddFact(e.rep_id(), DayOf(e.planned_at()), d);
  }
  if (act::VisitRescheduled e; Unpack(e)) {
    Counters minus;
    minus.set_visits_planned(-1);
    Counters plus;
    plus.set_visits_planned(1);
    Counters change;
    change.set_visit_plan_changes(1);
    RETURN_IF_ERROR(AddFact(e.rep_id(), DayOf(e.previous_planned_at()), minus));
    RETURN_IF_ERROR(AddFact(e.rep_id(), DayOf(e.planned_at()), plus));
    return AddFact(e.rep_id(), OccurredDay(), change);
  }
  if (act::VisitCancelled e; Unpack(e)) {
    Counters minus;
    minus.set_visits_planned(-1);
    Counters change;
    change.set_visit_plan_changes(1);
    RETURN_IF_ERROR(AddFact(e.rep_id(), DayOf(e.planned_at()), minus));
    return AddFact(e.rep_id(), OccurredDay(), change);
  }
  if (act::VisitOutcomeRecorded e; Unpack(e)) {
    Counters d;
    d.set_visits_done(1);
    if (e.location_check() == act::LOCATION_CHECK_VERIFIED) d.set_visits_verified(1);
    return AddFact(e.rep_id(), DayOf(e.recorded_at()), d);
  }
  if (act::LeadCreated e; Unpack(e)) {
    Counters d;
    d.set_leads(1);
    return AddFact(e.rep_id(), DayOf(e.created_at()), d);
  }
  if (act::DealOpened e; Unpack(e)) {
    v1::DealRow deal;
    deal.set_deal_id(e.deal_id());
    deal.set_rep_id(e.rep_id());
    deal.set_stage(act::DEAL_STAGE_QUALIFIED);
    deal.set_amount_minor(e.amount().minor_units());
    RETURN_IF_ERROR(AddPipeline(deal.rep_id(), deal.stage(), 1, deal.amount_minor()));
    RETURN_IF_ERROR(ReachFunnel(deal, act::DEAL_STAGE_QUALIFIED, OccurredDay()));
    rows_.Put(keys::Deal(e.deal_id()), deal);
    return absl::OkStatus();
  }
  // The remaining deal events update an existing deal row (absent: a deal opened before
  // this history began; its pipeline was never counted, so only the facts are folded).
  auto load_deal = [&](const std::string& deal_id,
                       const std::string& rep_id) -> absl::StatusOr<v1::DealRow> {
    ASSIGN_OR_RETURN(std::optional<v1::DealRow> row, rows_.Get<v1::DealRow>(keys::Deal(deal_id)));
    if (row.has_value()) return *std::move(row);
    v1::DealRow fresh;
    fresh.set_deal_id(deal_id);
    fresh.set_rep_id(rep_id);
    return fresh;
  };
  if (act::DealStageChanged e; Unpack(e)) {
    ASSIGN_OR_RETURN(v1::DealRow deal, load_deal(e.deal_id(), e.rep_id()));
    RETURN_IF_ERROR(AddPipeline(deal.rep_id(), deal.stage(), -1, -deal.amount_minor()));
    deal.set_stage(e.to_stage());
    if (e.has_amount()) deal.set_amount_minor(e.amount().minor_units());
    RETURN_IF_ERROR(AddPipeline(deal.rep_id(), deal.stage(), 1, deal.amount_minor()));
    RETURN_IF_ERROR(ReachFunnel(deal, e.to_stage(), OccurredDay()));
    rows_.Put(keys::Deal(e.deal_id()), deal);
    return absl::OkStatus();
  }
  if (act::DealWon e; Unpack(e)) {
    ASSIGN_OR_RETURN(v1::DealRow deal, load_deal(e.deal_id(), e.rep_id()));
    RETURN_IF_ERROR(CheckDay("won_on", e.won_on()));
    RETURN_IF_ERROR(AddPipeline(deal.rep_id(), deal.stage(), -1, -deal.amount_minor()));
    RETURN_IF_ERROR(ReachFunnel(deal, act::DEAL_STAGE_NEGOTIATION, e.won_on()));
    deal.set_stage(act::DEAL_STAGE_WON);
    deal.set_amount_minor(e.amount().minor_units());
    rows_.Put(keys::Deal(e.deal_id()), deal);
    Counters won;
    won.set_deals_won(1);
    RETURN_IF_ERROR(AddFact(e.rep_id(), e.won_on(), won));
    return SplitRevenue(e.rep_id(), e.credit_splits(), e.amount().minor_units(), e.won_on());
  }
  if (act::DealLost e; Unpack(e)) {
    ASSIGN_OR_RETURN(v1::DealRow deal, load_deal(e.deal_id(), e.rep_id()));
    RETURN_IF_ERROR(CheckDay("lost_on", e.lost_on()));
    RETURN_IF_ERROR(AddPipeline(deal.rep_id(), deal.stage(), -1, -deal.amount_minor()));
    deal.set_stage(act::DEAL_STAGE_LOST);
    rows_.Put(keys::Deal(e.deal_id()), deal);
    Counters lost;
    lost.set_deals_lost(1);
    return AddFact(e.rep_id(), e.lost_on(), lost);
  }
  if (act::DealReopened e; Unpack(e)) {
    ASSIGN_OR_RETURN(v1::DealRow deal, load_deal(e.deal_id(), e.rep_id()));
    deal.set_stage(e.to_stage());
    if (e.has_amount()) deal.set_amount_minor(e.amount().minor_units());
    RETURN_IF_ERROR(AddPipeline(deal.rep_id(), deal.stage(), 1, deal.amount_minor()));
    RETURN_IF_ERROR(ReachFunnel(deal, e.to_stage(), OccurredDay()));
    rows_.Put(keys::Deal(e.deal_id()), deal);
    Counters reopened;
    reopened.set_deals_lost(-1);
    reopened.set_deals_reopened(1);
    return AddFact(e.rep_id(), OccurredDay(), reopened);
  }
  if (act::DealCancelled e; Unpack(e)) {
    ASSIGN_OR_RETURN(v1::DealRow deal, load_deal(e.deal_id(), e.rep_id()));
    RETURN_IF_ERROR(CheckDay("cancelled_on", e.cancelled_on()));
    deal.set_stage(act::DEAL_STAGE_CANCELLED);
    rows_.Put(keys::Deal(e.deal_id()), deal);
    Counters cancelled;
    cancelled.set_deals_won(-1);
    cancelled.set_deals_cancelled(1);
    RETURN_IF_ERROR(AddFact(e.rep_id(), e.cancelled_on(), cancelled));
    return SplitRevenue(e.rep_id(), e.credit_splits(), -e.amount().minor_units(), e.cancelled_on());
  }
  if (act::RiskFlagged e; Unpack(e)) {
    const std::string key = keys::RiskFlag(e.flag_id());
    ASSIGN_OR_RETURN(std::optional<v1::RiskFlagRow> row, rows_.Get<v1::RiskFlagRow>(key));
    if (row.has_value() && row->open()) return absl::OkStatus();
    v1::RiskFlagRow flag;
    flag.set_rep_id(e.rep_id());
    flag.set_open(true);
    rows_.Put(key, flag);
    RETURN_IF_ERROR(AddOpenFlags(e.rep_id(), 1));
    Counters raised;
    raised.set_risk_flags_raised(1);
    return AddFact(e.rep_id(), OccurredDay(), raised);
  }
  if (act::RiskFlagCleared e; Unpack(e)) {
    const std::string key = keys::RiskFlag(e.flag_id());
    ASSIGN_OR_RETURN(std::optional<v1::RiskFlagRow> row, rows_.Get<v1::RiskFlagRow>(key));
    if (!row.has_value() || !row->open()) return absl::OkStatus();
    row->set_open(false);
    rows_.Put(key, *row);
    return AddOpenFlags(row->rep_id(), -1);
  }
  return absl::OkStatus();
}

absl::Status Folder::FoldFeedback() {
  auto scores = [&](const std::string& rep_id, const std::string& day, std::optional<int32_t> csat,
                    std::optional<int32_t> nps) -> absl::Status {
    Counters d;
    if (csat.has_value() && *csat >= 1 && *csat <= 5) {
      d.set_csat_sum(*csat);
      d.set_csat_responses(1);
      if (*csat >= 4) d.set_csat_satisfied(1);
    }
    if (nps.has_value() && *nps >= 0 && *nps <= 10) {
      d.set_nps_responses(1);
      if (*nps >= 9) d.set_nps_promoters(1);
      if (*nps <= 6) d.set_nps_detractors(1);
    }
    return AddFact(rep_id, day, d);
  };
  if (fb::SurveyResponded e; Unpack(e)) {
    return scores(e.rep_id(), DayOf(e.responded_at()),
                  e.has_csat_score() ? std::optional<int32_t>(e.csat_score()) : std::nullopt,
                  e.has_nps_score() ? std::optional<int32_t>(e.nps_score()) : std::nullopt);
  }
  if (fb::CallbackCompleted e; Unpack(e)) {
    return scores(e.rep_id(), DayOf(e.completed_at()),
                  e.has_csat_score() ? std::optional<int32_t>(e.csat_score()) : std::nullopt,
                  std::nullopt);
  }
  if (fb::ComplaintOpened e; Unpack(e)) {
    Counters d;
    d.set_complaints(1);
    return AddFact(e.rep_id(), DayOf(e.opened_at()), d);
  }
  return absl::OkStatus();
}

absl::Status Folder::Fold() {
  const std::string& type = envelope_.payload().type_url();
  const size_t slash = type.rfind('/');
  const std::string_view full =
      std::string_view(type).substr(slash == std::string::npos ? 0 : slash + 1);
  if (full.starts_with("salesperf.targets.v1.Target")) return FoldTarget();
  if (full.starts_with("salesperf.targets.v1.")) return FoldOrg();
  if (full.starts_with("salesperf.activity.v1.")) return FoldActivity();
  if (full.starts_with("salesperf.feedback.v1.")) return FoldFeedback();
  return absl::OkStatus();
}

}  // namespace

AnalyticsView::AnalyticsView(AnalyticsViewOptions options)
    : options_(options), batch_(std::make_unique<Batch>()) {}

AnalyticsView::~AnalyticsView() = default;

absl::Status AnalyticsView::Apply(const projection::EventEnvelope& event,
                                  projection::ViewTxn& txn) {
  batch_->StartEvent();
  Folder folder(options_, event, txn, *batch_);
  return folder.Fold();
}

absl::Status AnalyticsView::Flush(projection::ViewTxn& txn) { return batch_->Flush(txn); }

void AnalyticsView::DiscardEvent() { batch_->UndoEvent(); }

void AnalyticsView::DiscardBatch() { batch_->Clear(); }

std::vector<projection::ViewPtr> NewAnalyticsViews(const AnalyticsViewOptions& options) {
  std::vector<projection::ViewPtr> views;
  views.push_back(std::make_unique<AnalyticsView>(options));
  return views;
}

std::vector<std::string> AnalyticsViewNames() { return {keys::kView}; }

const std::vector<PeriodKind>& IndexedPeriodKinds() {
  static const std::vector<PeriodKind> kKinds = {PeriodKind::kWeek, PeriodKind::kMonth,
                                                 PeriodKind::kQuarter, PeriodKind::kYear};
  return kKinds;
}

const std::vector<v1::Metric>& IndexedMetrics() {
  static const std::vector<v1::Metric> kMetrics = {
      v1::METRIC_REVENUE,      v1::METRIC_DEALS_WON,   v1::METRIC_NEW_CUSTOMERS, v1::METRIC_CALLS,
      v1::METRIC_CALL_MINUTES, v1::METRIC_VISITS_DONE, v1::METRIC_CSAT_AVERAGE};
  return kMetrics;
}

bool IsIndexedMetric(v1::Metric metric) {
  const std::vector<v1::Metric>& all = IndexedMetrics();
  return std::find(all.begin(), all.end(), metric) != all.end();
}

}  // namespace salesperf::analytics
