// The command line's vocabulary for targets-service values: how people type scopes,
// metrics, statuses, amounts and dates on the command line, and how they are shown in
// tables. Parsing happens before any RPC, so bad input is reported as a usage error
// (exit code 2) with the flag's name, never sent to a server.
//
//   scope    company | region:ID | team:ID | rep:ID
//   metric   revenue, deals-won, new-customers, calls, call-minutes, visits,
//            conversion-rate, average-deal-size, csat
//   value    money: "1200000.00" with a currency ("CNY") or "CNY 1,200,000.00";
//            count: "120" or "1,200"; ratio: "25%" or "25.5" (percent, 2 decimals)
//   date     YYYY-MM-DD
//
// Pure functions; safe from any thread. Errors are INVALID_ARGUMENT whose message is
// meant for the user and does not name the flag (callers prefix it).
#ifndef SALESPERF_TOOLS_SALESPERFCTL_VALUES_H_
#define SALESPERF_TOOLS_SALESPERFCTL_VALUES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/generated_enum_reflection.h"
#include "google/protobuf/timestamp.pb.h"
#include "salesperf/common/v1/ids.pb.h"
#include "salesperf/common/v1/money.pb.h"
#include "salesperf/targets/v1/events.pb.h"

namespace salesperf::ctl {

// What a metric's values are (events.proto documents it per metric).
enum class ValueKind { kMoney, kCount, kRatio };

struct MetricName {
  std::string_view name;  // "deals-won"
  targets::v1::Metric metric;
  ValueKind kind;
};

// Every metric, in enum order.
const std::vector<MetricName>& Metrics();
std::vector<std::string> MetricNames();
absl::StatusOr<MetricName> ParseMetric(std::string_view name);
// "deals-won" for METRIC_DEALS_WON; the enum name for unknown values.
std::string MetricToString(targets::v1::Metric metric);

// draft, proposed, approved, adjusted, closed.
std::vector<std::string> TargetStatusNames();
absl::StatusOr<targets::v1::TargetStatus> ParseTargetStatus(std::string_view name);
std::string TargetStatusToString(targets::v1::TargetStatus status);

absl::StatusOr<common::v1::ScopeRef> ParseScope(std::string_view text);
// "company", "team:t-1".
std::string ScopeToString(const common::v1::ScopeRef& scope);

// A strict YYYY-MM-DD calendar date.
absl::Status ValidateDate(std::string_view date);
// A period id of any kind the libs/common grammar accepts ("2026-11", "2026-Q4",
// "FY2027-Q1", ...). The server decides which kinds a request allows.
absl::Status ValidatePeriodId(std::string_view id);

// A decimal with at most `decimals` fractional digits, scaled to an integer:
// ParseScaled("25.5", 2) == 2550. Optional leading '-', optional trailing '%',
// ',' and '_' digit separators are ignored. INVALID_ARGUMENT otherwise, or on overflow.
absl::StatusOr<int64_t> ParseScaled(std::string_view text, int decimals);

// Parses `text` as a value of `kind`. `currency` is used for money when `text` carries
// no currency prefix. INVALID_ARGUMENT naming the expected form.
absl::StatusOr<targets::v1::TargetValue> ParseValue(std::string_view text, ValueKind kind,
                                                    std::string_view currency);
// For commands that do not know the metric (approve, adjust, decompose): money when a
// currency is given (prefix or `currency`), a ratio when `text` ends in '%', else a count.
// The server checks the kind against the target's metric.
absl::StatusOr<targets::v1::TargetValue> ParseValueGuessKind(std::string_view text,
                                                             std::string_view currency);

// Money typed by a user: "12000.50" in `currency`, or "CNY 12,000.50" (the currency
// first, as tables show it; it wins over `currency`). Digits beyond the currency's minor
// unit are refused.
absl::StatusOr<common::v1::Money> ParseMoney(std::string_view text, std::string_view currency);

// An RFC 3339 instant such as 2026-11-23T10:00:00+08:00.
absl::StatusOr<google::protobuf::Timestamp> ParseTimestamp(std::string_view text);

// Proto enums on the command line and in tables: the lower-case value name without the
// enum's prefix ("VISIT_STATUS_CHECKED_IN" is "checked_in"). The zero (unspecified)
// value is "-" and is never offered or accepted.
std::string EnumLabel(const google::protobuf::EnumDescriptor* type, int number);
std::vector<std::string> EnumLabels(const google::protobuf::EnumDescriptor* type);
// INVALID_ARGUMENT naming the accepted labels.
absl::StatusOr<int> ParseEnumLabel(const google::protobuf::EnumDescriptor* type,
                                   std::string_view label);

template <typename E>
std::string EnumLabel(E value) {
  return EnumLabel(google::protobuf::GetEnumDescriptor<E>(), static_cast<int>(value));
}
template <typename E>
std::vector<std::string> EnumLabels() {
  return EnumLabels(google::protobuf::GetEnumDescriptor<E>());
}
template <typename E>
absl::StatusOr<E> ParseEnumLabel(std::string_view label) {
  absl::StatusOr<int> number = ParseEnumLabel(google::protobuf::GetEnumDescriptor<E>(), label);
  if (!number.ok()) return number.status();
  return static_cast<E>(*number);
}
// The value of an optional flag that Ctl::Choices(EnumLabels<E>()) has checked: the
// zero value when the flag was not given.
template <typename E>
E EnumFromChoice(std::string_view label) {
  return label.empty() ? E() : ParseEnumLabel<E>(label).value_or(E());
}

// For people: "CNY 1,200,000.00", "1,200 calls", "25.00%", "-" when unset. `unit` is the
// target's unit ("calls"), shown after counts; empty for none.
std::string FormatValue(const targets::v1::TargetValue& value, std::string_view unit = "");
std::string FormatMoney(const common::v1::Money& money);
// 1234567 -> "1,234,567".
std::string GroupThousands(int64_t n);
// Hundredths with two decimals: 450 -> "4.50", -25 -> "-0.25".
std::string FormatHundredths(int64_t hundredths);
// Basis points as a percentage: 2550 -> "25.50%".
std::string FormatBasisPoints(int64_t bp);
// numerator / denominator as a percentage with one decimal ("62.5%"); "-" if the
// denominator is 0.
std::string FormatShare(int64_t numerator, int64_t denominator);
// RFC 3339 in UTC, to the second; "-" when unset.
std::string FormatTimestamp(const google::protobuf::Timestamp& ts);
// `s`, or "-" when empty: tables never show a blank cell.
std::string OrDash(std::string_view s);

}  // namespace salesperf::ctl

#endif  // SALESPERF_TOOLS_SALESPERFCTL_VALUES_H_
