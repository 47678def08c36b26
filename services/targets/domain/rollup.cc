#include "services/targets/domain/rollup.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "libs/common/money.h"
#include "libs/common/status_macros.h"
#include "services/targets/domain/values.h"

namespace salesperf::targets {
namespace {

using Index = std::map<std::string, std::vector<const v1::Target*>>;

// Children in the order the parent's decomposition listed them, then any others by id.
std::vector<const v1::Target*> OrderedChildren(const v1::Target& node, const Index& index) {
  auto it = index.find(node.target_id());
  if (it == index.end()) return {};
  std::vector<const v1::Target*> children = it->second;
  std::map<std::string, int> rank;
  for (int i = 0; i < node.decomposition().allocations_size(); ++i) {
    rank[node.decomposition().allocations(i).child_target_id()] = i;
  }
  const int unranked = node.decomposition().allocations_size();
  std::sort(children.begin(), children.end(), [&](const v1::Target* a, const v1::Target* b) {
    auto ra = rank.find(a->target_id()), rb = rank.find(b->target_id());
    const int ka = ra == rank.end() ? unranked : ra->second;
    const int kb = rb == rank.end() ? unranked : rb->second;
    if (ka != kb) return ka < kb;
    return a->target_id() < b->target_id();
  });
  return children;
}

absl::StatusOr<v1::RollupNode> Build(const v1::Target& node, const Index& index, int depth,
                                     std::set<std::string>& on_path) {
  v1::RollupNode out;
  out.set_target_id(node.target_id());
  *out.mutable_key() = node.key();
  out.set_status(node.status());
  *out.mutable_value() = node.value();
  absl::StatusOr<MetricInfo> metric = InfoOf(node.key().metric());
  out.set_additive(metric.ok() && metric->additive);
  if (node.decomposition().has_unallocated_remainder()) {
    *out.mutable_unallocated_remainder() = node.decomposition().unallocated_remainder();
  }
  // A parent link back to an ancestor would loop forever; event-sourced data written by
  // our deciders cannot form one, but a roll-up must terminate on any input.
  if (!on_path.insert(node.target_id()).second) {
    return absl::FailedPreconditionError(
        absl::StrCat("target ", node.target_id(), " is its own ancestor"));
  }
  std::vector<const v1::Target*> children = OrderedChildren(node, index);
  int64_t sum = 0;
  for (const v1::Target* child : children) {
    if (out.additive()) {
      const v1::TargetValue& v = child->value();
      if (v.value_case() != node.value().value_case() ||
          (v.has_money() && v.money().currency_code() != node.value().money().currency_code())) {
        return absl::FailedPreconditionError(absl::StrCat("target ", child->target_id(),
                                                          " is not in the same unit as its parent ",
                                                          node.target_id()));
      }
      ASSIGN_OR_RETURN(sum, CheckedAdd(sum, AmountOf(v)));
    }
    if (depth != 1) {
      ASSIGN_OR_RETURN(v1::RollupNode child_node,
                       Build(*child, index, depth == 0 ? 0 : depth - 1, on_path));
      *out.add_children() = std::move(child_node);
    }
  }
  on_path.erase(node.target_id());
  if (out.additive() && !children.empty()) {
    *out.mutable_children_sum() = WithAmount(node.value(), sum);
    ASSIGN_OR_RETURN(const int64_t gap, CheckedSub(AmountOf(node.value()), sum));
    *out.mutable_gap() = WithAmount(node.value(), gap);
  }
  return out;
}

}  // namespace

absl::StatusOr<v1::RollupNode> Rollup(std::string_view root_id,
                                      const std::vector<v1::Target>& targets, int depth) {
  if (depth < 0) return absl::InvalidArgumentError("depth must not be negative");
  const v1::Target* root = nullptr;
  Index index;
  for (const v1::Target& t : targets) {
    if (t.target_id() == root_id) root = &t;
    if (!t.parent_target_id().empty()) index[t.parent_target_id()].push_back(&t);
  }
  if (root == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("target ", absl::string_view(root_id.data(), root_id.size()), " not found"));
  }
  std::set<std::string> on_path;
  return Build(*root, index, depth, on_path);
}

absl::StatusOr<v1::GetTargetPaceResponse> Pace(const v1::Target& target, const Calendar& calendar,
                                               absl::CivilDay as_of) {
  ASSIGN_OR_RETURN(const absl::CivilDay first, ParseDate(target.period_first_day()));
  ASSIGN_OR_RETURN(const absl::CivilDay last, ParseDate(target.period_last_day()));
  ASSIGN_OR_RETURN(const MetricInfo metric, InfoOf(target.key().metric()));
  if (last < first) return absl::InvalidArgumentError("period ends before it starts");

  int total = 0, elapsed = 0;
  for (absl::CivilDay d = first; d <= last; ++d) {
    if (!IsWorkingDay(d, calendar)) continue;
    ++total;
    if (d <= as_of) ++elapsed;
  }

  v1::GetTargetPaceResponse pace;
  pace.set_target_id(target.target_id());
  pace.set_as_of(FormatDate(as_of));
  *pace.mutable_period() = target.key().period();
  *pace.mutable_value() = target.value();
  pace.set_working_days_elapsed(elapsed);
  pace.set_working_days_total(total);
  const int64_t value = AmountOf(target.value());
  int64_t expected;
  if (!metric.additive) {
    expected = value;
  } else if (total == 0) {
    expected = as_of >= last ? value : 0;
  } else {
    ASSIGN_OR_RETURN(expected,
                     MultiplyByRate(value, Rate::Ratio(elapsed, total), RoundingMode::kFloor));
  }
  *pace.mutable_expected_to_date() = WithAmount(target.value(), expected);
  return pace;
}

}  // namespace salesperf::targets
