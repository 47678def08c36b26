#include "services/targets/projections/target_views.h"

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "services/targets/app/event_codec.h"
#include "services/targets/domain/target.h"

namespace salesperf::targets {
namespace {

// The target event of `event`, or nullopt to skip it (not a target event).
absl::StatusOr<std::optional<v1::TargetEvent>> TargetEventOf(
    const projection::EventEnvelope& event) {
  return UnpackTargetEvent(event.payload());
}

// Folds `event` into the Target stored at `row`, checking it is the stream's next version.
absl::StatusOr<TargetState> Fold(const projection::EventEnvelope& envelope,
                                 const v1::TargetEvent& event, const std::string& row,
                                 projection::ViewTxn& txn) {
  TargetState state;
  ASSIGN_OR_RETURN(std::optional<std::string> stored, txn.Get(row));
  if (stored.has_value() && !state.target.ParseFromString(*stored)) {
    return absl::DataLossError(absl::StrCat("malformed row for ", envelope.stream_id()));
  }
  if (envelope.stream_version() != state.version() + 1) {
    return absl::InvalidArgumentError(absl::StrCat(envelope.stream_id(), " version ",
                                                   envelope.stream_version(), " does not follow ",
                                                   state.version()));
  }
  return EvolveTarget(std::move(state), event);
}

absl::StatusOr<std::string> TargetIdOfStream(const std::string& stream_id) {
  constexpr std::string_view kPrefix = "target-";
  if (!stream_id.starts_with(kPrefix) || stream_id.size() == kPrefix.size()) {
    return absl::InvalidArgumentError(absl::StrCat("target event on stream ", stream_id));
  }
  return stream_id.substr(kPrefix.size());
}

}  // namespace

absl::Status TargetsView::Apply(const projection::EventEnvelope& envelope,
                                projection::ViewTxn& txn) {
  ASSIGN_OR_RETURN(std::optional<v1::TargetEvent> event, TargetEventOf(envelope));
  if (!event.has_value()) return absl::OkStatus();
  ASSIGN_OR_RETURN(const std::string target_id, TargetIdOfStream(envelope.stream_id()));
  const std::string row = keys::TargetRow(target_id);
  ASSIGN_OR_RETURN(TargetState state, Fold(envelope, *event, row, txn));
  const v1::Target& t = state.target;
  if (t.target_id() != target_id) {
    return absl::InvalidArgumentError(
        absl::StrCat("stream ", envelope.stream_id(), " holds target ", t.target_id()));
  }
  txn.Put(row, t.SerializeAsString());
  if (event->has_drafted()) {
    txn.Put(keys::ScopeIndexRow(t.key().scope(), target_id), "");
    txn.Put(keys::KeyIndexRow(t.key(), target_id), "");
    if (!t.parent_target_id().empty()) {
      txn.Put(keys::ChildIndexRow(t.parent_target_id(), target_id), "");
    }
  }
  return absl::OkStatus();
}

absl::Status HistoryView::Apply(const projection::EventEnvelope& envelope,
                                projection::ViewTxn& txn) {
  ASSIGN_OR_RETURN(std::optional<v1::TargetEvent> event, TargetEventOf(envelope));
  if (!event.has_value()) return absl::OkStatus();
  ASSIGN_OR_RETURN(const std::string target_id, TargetIdOfStream(envelope.stream_id()));
  const std::string head = keys::HistoryHeadRow(target_id);
  ASSIGN_OR_RETURN(TargetState state, Fold(envelope, *event, head, txn));
  txn.Put(head, state.target.SerializeAsString());
  txn.Put(keys::HistoryEntryRow(target_id, state.version()),
          state.history.back().SerializeAsString());
  return absl::OkStatus();
}

std::vector<projection::ViewPtr> NewTargetViews() {
  std::vector<projection::ViewPtr> views;
  views.push_back(std::make_unique<TargetsView>());
  views.push_back(std::make_unique<HistoryView>());
  return views;
}

std::vector<std::string> TargetViewNames() { return {keys::kTargetsView, keys::kHistoryView}; }

}  // namespace salesperf::targets
