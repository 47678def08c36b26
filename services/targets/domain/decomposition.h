// Decomposition: splitting a parent target among child targets (company -> regions ->
// teams -> reps) explicitly, evenly, or by integer weights.
//
// The decider spans several streams: the parent's TargetDecomposed (expected version =
// the parent's current version) and one TargetDrafted with parent_target_id per child on
// the child's new stream (expected: no stream). The application appends them atomically
// with a multi-stream append; a concurrent edit of the parent or a taken child id makes
// the whole append fail and nothing is written.
//
// Arithmetic (additive metrics; amounts are minor units, counts or basis points):
//   EVEN     libs/common SplitEvenly: 100.00 CNY into 3 is 33.34 / 33.33 / 33.33.
//   WEIGHTS  libs/common Allocate (largest remainder, ties to the earlier child):
//            weights 1:2:0 of 100 are 33 / 67 / 0; all-zero weights are refused.
//   EXPLICIT the given values; if they do not add up to the parent, the request must
//            declare unallocated_remainder = parent - sum (either sign), which is recorded.
// Non-additive metrics (conversion rate, average deal size, CSAT): EVEN gives every child
// the parent's value, EXPLICIT takes any values, WEIGHTS and remainders are refused.
//
// Rules: the parent exists and is not closed; it is decomposed at most once (the same
// request again yields no events); children are distinct direct children of the parent's
// scope on some day of the period; child ids are new, distinct and not the parent's.
#ifndef SALESPERF_SERVICES_TARGETS_DOMAIN_DECOMPOSITION_H_
#define SALESPERF_SERVICES_TARGETS_DOMAIN_DECOMPOSITION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "salesperf/targets/v1/events.pb.h"
#include "services/targets/domain/org.h"
#include "services/targets/domain/target.h"

namespace salesperf::targets {

// Mirrors eventstore::ExpectedVersion without depending on the store.
struct StreamExpectation {
  enum class Kind { kNoStream, kExact };
  Kind kind = Kind::kNoStream;
  uint64_t version = 0;  // kExact only

  friend bool operator==(const StreamExpectation&, const StreamExpectation&) = default;
};

// One event to append to one stream.
struct StreamEvent {
  std::string stream_id;
  StreamExpectation expected;
  v1::TargetEvent event;
};

// DecomposeTarget. Every request.children[i].child_target_id must be set (the server
// generates ids for empty ones before deciding).
using DecomposeTarget = Command<v1::DecomposeTargetRequest>;

// `children[i]` is the current state of the stream of request.children[i].child_target_id
// (a default TargetState when the stream does not exist). INTERNAL if the sizes differ.
// Errors as in target.h, in the same order. The parent's event comes first, then the
// children's in request order.
absl::StatusOr<std::vector<StreamEvent>> DecideDecomposition(
    const DecomposeTarget& command, const TargetState& parent,
    const std::vector<TargetState>& children, const OrgState& org);

}  // namespace salesperf::targets

#endif  // SALESPERF_SERVICES_TARGETS_DOMAIN_DECOMPOSITION_H_
