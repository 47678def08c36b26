#include "services/incentives/domain/contest.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/common/string_view_compat.h"
#include "libs/common/validation.h"

namespace salesperf::incentives {

absl::Status ValidateContest(const Contest& contest) {
  FieldViolations v;
  if (contest.contest_id.empty()) v.Add("contest_id", "must not be empty");
  if (contest.metric.empty()) v.Add("metric", "must not be empty");
  if (contest.period_id.empty()) v.Add("period_id", "must not be empty");
  auto check_prize = [&](const std::string& field, const Money& prize) {
    if (!(prize.currency() == contest.currency)) {
      v.Add(field,
            absl::StrCat("must be in the contest's currency ", ToAbsl(contest.currency.code())));
    }
    if (prize.is_negative()) v.Add(field, "must not be negative");
  };
  for (size_t i = 0; i < contest.rank_prizes.size(); ++i) {
    check_prize(absl::StrCat("rank_prizes[", i, "]"), contest.rank_prizes[i]);
  }
  absl::flat_hash_set<int64_t> thresholds;
  for (size_t i = 0; i < contest.threshold_prizes.size(); ++i) {
    const std::string path = absl::StrCat("threshold_prizes[", i, "]");
    check_prize(path + ".prize", contest.threshold_prizes[i].prize);
    if (!thresholds.insert(contest.threshold_prizes[i].threshold).second) {
      v.Add(path + ".threshold", "must be distinct");
    }
  }
  if (contest.rank_prizes.empty() && contest.threshold_prizes.empty()) {
    v.Add("rank_prizes", "a contest needs rank prizes or threshold prizes");
  }
  return v.ToStatus();
}

absl::StatusOr<std::vector<Standing>> ComputeStandings(const Contest& contest,
                                                       absl::Span<const ContestEntry> entries) {
  RETURN_IF_ERROR(ValidateContest(contest));
  const Money zero = Money::Zero(contest.currency);
  absl::flat_hash_set<std::string> seen;
  std::vector<Standing> qualified, unqualified;
  for (const ContestEntry& e : entries) {
    if (!seen.insert(e.rep_id).second) {
      return absl::InvalidArgumentError(absl::StrCat("rep ", e.rep_id, " is entered twice"));
    }
    Standing s;
    s.rep_id = e.rep_id;
    s.value = e.value;
    s.rank_prize = s.threshold_prize = s.prize = zero;
    (e.value >= contest.min_value ? qualified : unqualified).push_back(std::move(s));
  }
  auto by_value = [](const Standing& a, const Standing& b) {
    if (a.value != b.value) return a.value > b.value;
    return a.rep_id < b.rep_id;
  };
  std::sort(qualified.begin(), qualified.end(), by_value);
  std::sort(unqualified.begin(), unqualified.end(), by_value);

  for (size_t start = 0; start < qualified.size();) {
    size_t end = start;
    while (end < qualified.size() && qualified[end].value == qualified[start].value) ++end;
    const size_t count = end - start;
    // The group occupies ranks start+1 .. end and pools their prizes.
    int64_t pool = 0;
    for (size_t r = start; r < end && r < contest.rank_prizes.size(); ++r) {
      pool += contest.rank_prizes[r].minor_units();
    }
    ASSIGN_OR_RETURN(std::vector<int64_t> parts, SplitEvenly(pool, static_cast<int>(count)));
    for (size_t i = start; i < end; ++i) {
      qualified[i].rank = static_cast<int>(start) + 1;
      qualified[i].tied = count > 1;
      qualified[i].rank_prize = Money(contest.currency, parts[i - start]);
    }
    start = end;
  }
  for (Standing& s : qualified) {
    const ThresholdPrize* best = nullptr;
    for (const ThresholdPrize& t : contest.threshold_prizes) {
      if (s.value >= t.threshold && (best == nullptr || t.threshold > best->threshold)) best = &t;
    }
    if (best != nullptr) s.threshold_prize = best->prize;
    ASSIGN_OR_RETURN(s.prize, s.rank_prize.Add(s.threshold_prize));
  }
  qualified.insert(qualified.end(), unqualified.begin(), unqualified.end());
  return qualified;
}

}  // namespace salesperf::incentives
