#include "services/targets/domain/decomposition.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "libs/common/ids.h"
#include "libs/common/money.h"
#include "libs/common/status_macros.h"
#include "libs/common/validation.h"
#include "services/targets/domain/values.h"

namespace salesperf::targets {
namespace {

using google::protobuf::util::MessageDifferencer;

// More children than any team or region has; keeps one append bounded.
constexpr int kMaxChildren = 1000;

const char* MethodName(v1::DecompositionMethod method) {
  switch (method) {
    case v1::DECOMPOSITION_METHOD_EXPLICIT:
      return "explicit values";
    case v1::DECOMPOSITION_METHOD_EVEN:
      return "even split";
    case v1::DECOMPOSITION_METHOD_WEIGHTS:
      return "weights";
    default:
      return "unknown";
  }
}

// Syntactic checks that need no state.
void ValidateShape(const v1::DecomposeTargetRequest& r, FieldViolations& violations) {
  violations.AddIfError("target_id", ValidateId(r.target_id()));
  if (r.method() != v1::DECOMPOSITION_METHOD_EXPLICIT &&
      r.method() != v1::DECOMPOSITION_METHOD_EVEN &&
      r.method() != v1::DECOMPOSITION_METHOD_WEIGHTS) {
    violations.Add("method", "must be EXPLICIT, EVEN or WEIGHTS");
  }
  if (r.children_size() == 0) violations.Add("children", "must not be empty");
  if (r.children_size() > kMaxChildren) violations.Add("children", "at most 1000 children");
  if (r.comment().size() > 2000) violations.Add("comment", "must be at most 2000 characters");
  if (r.has_unallocated_remainder() && r.method() != v1::DECOMPOSITION_METHOD_EXPLICIT) {
    violations.Add("unallocated_remainder", "applies to EXPLICIT only");
  }
  std::set<std::string> ids;
  std::set<std::pair<int, std::string>> scopes;
  bool any_weight = false;
  for (int i = 0; i < r.children_size(); ++i) {
    const v1::ChildAllocation& c = r.children(i);
    const std::string field = absl::StrCat("children[", i, "]");
    if (absl::Status s = ValidateId(c.child_target_id()); !s.ok()) {
      violations.Add(field + ".child_target_id", std::string(s.message()));
    } else if (c.child_target_id() == r.target_id()) {
      violations.Add(field + ".child_target_id", "must differ from the parent's target_id");
    } else if (!ids.insert(c.child_target_id()).second) {
      violations.Add(field + ".child_target_id", "is used by another child");
    }
    ValidateScope(c.scope(), field + ".scope", violations);
    if (!scopes.insert({static_cast<int>(c.scope().kind()), c.scope().id()}).second) {
      violations.Add(field + ".scope", "is given for another child");
    }
    if (c.has_value() && r.method() != v1::DECOMPOSITION_METHOD_EXPLICIT) {
      violations.Add(field + ".value", "applies to EXPLICIT only");
    }
    if (!c.has_value() && r.method() == v1::DECOMPOSITION_METHOD_EXPLICIT) {
      violations.Add(field + ".value", "is required for EXPLICIT");
    }
    if (r.method() == v1::DECOMPOSITION_METHOD_WEIGHTS) {
      if (c.weight() < 0) violations.Add(field + ".weight", "must not be negative");
      if (c.weight() > 0) any_weight = true;
    } else if (c.weight() != 0) {
      violations.Add(field + ".weight", "applies to WEIGHTS only");
    }
    if (c.name().size() > 200) violations.Add(field + ".name", "must be at most 200 characters");
    if (!c.owner_id().empty()) violations.AddIfError(field + ".owner_id", ValidateId(c.owner_id()));
  }
  if (r.method() == v1::DECOMPOSITION_METHOD_WEIGHTS && r.children_size() > 0 && !any_weight) {
    violations.Add("children", "all weights are zero: nothing to split by");
  }
}

struct Split {
  std::vector<v1::Allocation> allocations;
  std::optional<v1::TargetValue> remainder;  // additive metrics only
};

// The children's values. Needs the parent (metric, value, currency).
absl::StatusOr<Split> ComputeSplit(const v1::DecomposeTargetRequest& r, const v1::Target& parent,
                                   const MetricInfo& metric) {
  const v1::TargetValue& total = parent.value();
  const std::string currency = total.has_money() ? total.money().currency_code() : "";
  FieldViolations violations;
  std::vector<int64_t> amounts;
  switch (r.method()) {
    case v1::DECOMPOSITION_METHOD_EVEN: {
      if (!metric.additive) {
        amounts.assign(r.children_size(), AmountOf(total));
        break;
      }
      ASSIGN_OR_RETURN(amounts, SplitEvenly(AmountOf(total), r.children_size()));
      break;
    }
    case v1::DECOMPOSITION_METHOD_WEIGHTS: {
      if (!metric.additive) {
        return InvalidField("method",
                            "WEIGHTS splits additive metrics only; a ratio or average "
                            "is not divided among children (use EVEN or EXPLICIT)");
      }
      std::vector<int64_t> weights;
      for (const v1::ChildAllocation& c : r.children()) weights.push_back(c.weight());
      ASSIGN_OR_RETURN(amounts, Allocate(AmountOf(total), weights));
      break;
    }
    default: {  // EXPLICIT
      for (int i = 0; i < r.children_size(); ++i) {
        ValidateValue(r.children(i).value(), parent.key().metric(), currency,
                      absl::StrCat("children[", i, "].value"), violations);
        amounts.push_back(AmountOf(r.children(i).value()));
      }
      break;
    }
  }

  Split split;
  if (metric.additive) {
    int64_t sum = 0;
    for (int64_t a : amounts) {
      ASSIGN_OR_RETURN(sum, CheckedAdd(sum, a));
    }
    ASSIGN_OR_RETURN(const int64_t diff, CheckedSub(AmountOf(total), sum));
    const v1::TargetValue diff_value = WithAmount(total, diff);
    if (r.method() == v1::DECOMPOSITION_METHOD_EXPLICIT && violations.empty()) {
      if (diff != 0 && !r.has_unallocated_remainder()) {
        violations.Add(
            "unallocated_remainder",
            absl::StrCat("the children add up to ", FormatValue(WithAmount(total, sum)),
                         " but the parent is ", FormatValue(total), "; declare the difference ",
                         FormatValue(diff_value), " as the unallocated remainder to accept it"));
      } else if (r.has_unallocated_remainder() &&
                 !SameValue(r.unallocated_remainder(), diff_value)) {
        violations.Add(
            "unallocated_remainder",
            absl::StrCat("must be the parent minus the children: ", FormatValue(diff_value)));
      }
    }
    split.remainder = diff_value;
  } else if (r.has_unallocated_remainder()) {
    violations.Add("unallocated_remainder", "a non-additive metric has no remainder");
  }
  RETURN_IF_ERROR(violations.ToStatus());

  for (int i = 0; i < r.children_size(); ++i) {
    const v1::ChildAllocation& c = r.children(i);
    v1::Allocation& a = split.allocations.emplace_back();
    a.set_child_target_id(c.child_target_id());
    *a.mutable_scope() = c.scope();
    *a.mutable_value() = WithAmount(total, amounts[i]);
    a.set_weight(c.weight());
  }
  return split;
}

bool SameDecomposition(const v1::Decomposition& recorded, const v1::DecomposeTargetRequest& r,
                       const Split& split) {
  if (recorded.method() != r.method()) return false;
  if (recorded.allocations_size() != static_cast<int>(split.allocations.size())) return false;
  for (size_t i = 0; i < split.allocations.size(); ++i) {
    if (!MessageDifferencer::Equals(recorded.allocations(static_cast<int>(i)),
                                    split.allocations[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<std::vector<StreamEvent>> DecideDecomposition(
    const DecomposeTarget& cmd, const TargetState& parent, const std::vector<TargetState>& children,
    const OrgState& org) {
  const v1::DecomposeTargetRequest& r = cmd.request;
  if (children.size() != static_cast<size_t>(r.children_size())) {
    return absl::InternalError("DecideDecomposition: one child state per requested child");
  }
  FieldViolations violations;
  ValidateShape(r, violations);
  RETURN_IF_ERROR(violations.ToStatus());
  if (!parent.exists()) {
    return absl::NotFoundError(absl::StrCat("target ", r.target_id(), " not found"));
  }
  const v1::Target& p = parent.target;
  ASSIGN_OR_RETURN(const MetricInfo metric, InfoOf(p.key().metric()));
  ASSIGN_OR_RETURN(Split split, ComputeSplit(r, p, metric));
  RETURN_IF_ERROR(CheckExpectedVersion(r.expected_version(), parent));
  if (p.status() == v1::TARGET_STATUS_CLOSED) {
    return absl::FailedPreconditionError(absl::StrCat("target ", p.target_id(), " is closed"));
  }
  if (p.has_decomposition()) {
    if (SameDecomposition(p.decomposition(), r, split)) return std::vector<StreamEvent>{};
    return absl::FailedPreconditionError(absl::StrCat(
        "target ", p.target_id(), " is already decomposed; adjust its children instead"));
  }

  ASSIGN_OR_RETURN(const absl::CivilDay first, ParseDate(p.period_first_day()));
  ASSIGN_OR_RETURN(const absl::CivilDay last, ParseDate(p.period_last_day()));
  for (int i = 0; i < r.children_size(); ++i) {
    const common::v1::ScopeRef& scope = r.children(i).scope();
    RETURN_IF_ERROR(org.CheckScopeKnown(scope));
    if (!org.IsDirectChildDuring(p.key().scope(), scope, first, last)) {
      return absl::FailedPreconditionError(
          absl::StrCat(DescribeScope(scope), " is not directly under ",
                       DescribeScope(p.key().scope()), " during ", p.key().period().id()));
    }
    if (children[i].exists()) {
      return absl::AlreadyExistsError(
          absl::StrCat("target ", r.children(i).child_target_id(), " already exists"));
    }
  }

  v1::Change change;
  change.set_actor(cmd.meta.actor);
  *change.mutable_at() = ToTimestamp(cmd.meta.now);
  change.set_reason(r.comment());

  std::vector<StreamEvent> out;
  StreamEvent& head = out.emplace_back();
  head.stream_id = TargetStreamId(p.target_id());
  head.expected = {StreamExpectation::Kind::kExact, parent.version()};
  v1::TargetDecomposed* d = head.event.mutable_decomposed();
  d->set_target_id(p.target_id());
  *d->mutable_key() = p.key();
  *d->mutable_parent_value() = p.value();
  d->set_method(r.method());
  for (const v1::Allocation& a : split.allocations) *d->add_allocations() = a;
  if (split.remainder.has_value()) *d->mutable_unallocated_remainder() = *split.remainder;
  *d->mutable_change() = change;

  for (int i = 0; i < r.children_size(); ++i) {
    const v1::ChildAllocation& c = r.children(i);
    StreamEvent& child = out.emplace_back();
    child.stream_id = TargetStreamId(c.child_target_id());
    child.expected = {StreamExpectation::Kind::kNoStream, 0};
    v1::TargetDrafted* e = child.event.mutable_drafted();
    e->set_target_id(c.child_target_id());
    *e->mutable_key()->mutable_scope() = c.scope();
    e->mutable_key()->set_metric(p.key().metric());
    *e->mutable_key()->mutable_period() = p.key().period();
    e->set_name(c.name().empty() ? absl::StrCat(p.name(), " / ", c.scope().id()) : c.name());
    e->set_description(p.description());
    *e->mutable_value() = split.allocations[i].value();
    e->set_unit(p.unit());
    v1::TargetBasis* basis = e->mutable_basis();
    basis->set_kind(v1::BASIS_KIND_PARENT_ALLOCATION);
    *basis->mutable_reference_value() = p.value();
    basis->set_note(
        absl::StrCat("allocated from target ", p.target_id(), " by ", MethodName(r.method())));
    std::string owner = c.owner_id();
    if (owner.empty() && c.scope().kind() == common::v1::SCOPE_KIND_REP) owner = c.scope().id();
    if (owner.empty()) owner = org.ManagerOf(c.scope(), first);
    if (owner.empty()) owner = cmd.meta.actor;
    e->set_owner_id(owner);
    e->set_parent_target_id(p.target_id());
    e->set_period_first_day(p.period_first_day());
    e->set_period_last_day(p.period_last_day());
    *e->mutable_change() = change;
  }
  return out;
}

}  // namespace salesperf::targets
