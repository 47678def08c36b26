// Metrics, target values and dates: the small vocabulary every decider shares.
//
// A TargetValue holds one int64 "amount" whose meaning follows from the metric:
// minor units of the organisation's currency (money metrics), a count, or basis points
// of 100% (ratio metrics). Arithmetic here is exact int64 and fails with OUT_OF_RANGE
// rather than wrapping. Dates are civil days written "YYYY-MM-DD".
//
// Pure functions; safe to call from any thread.
#ifndef SALESPERF_SERVICES_TARGETS_DOMAIN_VALUES_H_
#define SALESPERF_SERVICES_TARGETS_DOMAIN_VALUES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "libs/common/validation.h"
#include "salesperf/targets/v1/events.pb.h"

namespace salesperf::targets {

enum class ValueKind { kMoney, kCount, kRatio };

struct MetricInfo {
  ValueKind kind;
  // Additive metrics add up from children to parent (revenue, calls); ratios and
  // averages do not, so they are neither split by weights nor summed in roll-ups.
  bool additive;
  // The unit recorded on the target; money metrics use the currency code instead.
  std::string_view unit;
};

// INVALID_ARGUMENT for METRIC_UNSPECIFIED and unknown values.
absl::StatusOr<MetricInfo> InfoOf(v1::Metric metric);

// The unit of `metric`'s values: `currency_code` for money metrics, else MetricInfo::unit.
std::string UnitOf(v1::Metric metric, std::string_view currency_code);

// Ratio values are basis points of 100%, so at most this.
inline constexpr int64_t kMaxRatioBp = 10'000;

// Adds violations under `field` (e.g. "spec.value") unless `value` is a valid value of
// `metric`: the right kind, non-negative, in `currency_code` for money, at most 100% for
// ratios. `metric` must be valid (InfoOf OK).
void ValidateValue(const v1::TargetValue& value, v1::Metric metric, std::string_view currency_code,
                   const std::string& field, FieldViolations& violations);

// The amount in the value's unit (minor units, count or basis points); 0 when unset.
int64_t AmountOf(const v1::TargetValue& value);
// A value of `kind` holding `amount`; `currency_code` is used for money only.
v1::TargetValue MakeValue(ValueKind kind, int64_t amount, std::string_view currency_code);
// The same value with another amount (same kind and currency).
v1::TargetValue WithAmount(const v1::TargetValue& like, int64_t amount);
// Field-by-field equality.
bool SameValue(const v1::TargetValue& a, const v1::TargetValue& b);
// "CNY 1,234.50", "120", "25.00%": for messages shown to people.
std::string FormatValue(const v1::TargetValue& value);

// Exact int64 arithmetic; OUT_OF_RANGE on overflow.
absl::StatusOr<int64_t> CheckedAdd(int64_t a, int64_t b);
absl::StatusOr<int64_t> CheckedSub(int64_t a, int64_t b);

// Parses "YYYY-MM-DD" strictly (no other day forms, real calendar dates only);
// INVALID_ARGUMENT otherwise.
absl::StatusOr<absl::CivilDay> ParseDate(std::string_view date);
std::string FormatDate(absl::CivilDay day);

// A proto Timestamp for `t` (for Change.at).
google::protobuf::Timestamp ToTimestamp(absl::Time t);

}  // namespace salesperf::targets

#endif  // SALESPERF_SERVICES_TARGETS_DOMAIN_VALUES_H_
