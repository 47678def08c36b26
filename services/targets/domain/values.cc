#include "services/targets/domain/values.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "libs/common/money.h"
#include "libs/common/period.h"
#include "libs/common/string_view_compat.h"

namespace salesperf::targets {

absl::StatusOr<MetricInfo> InfoOf(v1::Metric metric) {
  switch (metric) {
    case v1::METRIC_REVENUE:
      return MetricInfo{ValueKind::kMoney, true, "money"};
    case v1::METRIC_DEALS_WON:
      return MetricInfo{ValueKind::kCount, true, "deals"};
    case v1::METRIC_NEW_CUSTOMERS:
      return MetricInfo{ValueKind::kCount, true, "customers"};
    case v1::METRIC_CALLS:
      return MetricInfo{ValueKind::kCount, true, "calls"};
    case v1::METRIC_CALL_MINUTES:
      return MetricInfo{ValueKind::kCount, true, "minutes"};
    case v1::METRIC_VISITS:
      return MetricInfo{ValueKind::kCount, true, "visits"};
    case v1::METRIC_CONVERSION_RATE:
      return MetricInfo{ValueKind::kRatio, false, "bp"};
    case v1::METRIC_AVERAGE_DEAL_SIZE:
      return MetricInfo{ValueKind::kMoney, false, "money"};
    case v1::METRIC_CSAT:
      return MetricInfo{ValueKind::kRatio, false, "bp"};
    default:
      return absl::InvalidArgumentError("metric must be one of the METRIC_* values");
  }
}

std::string UnitOf(v1::Metric metric, std::string_view currency_code) {
  absl::StatusOr<MetricInfo> info = InfoOf(metric);
  if (!info.ok()) return "";
  if (info->kind == ValueKind::kMoney) return std::string(currency_code);
  return std::string(info->unit);
}

void ValidateValue(const v1::TargetValue& value, v1::Metric metric, std::string_view currency_code,
                   const std::string& field, FieldViolations& violations) {
  absl::StatusOr<MetricInfo> info = InfoOf(metric);
  if (!info.ok()) return;  // the metric's own violation is reported by the caller
  switch (info->kind) {
    case ValueKind::kMoney:
      if (value.value_case() != v1::TargetValue::kMoney) {
        violations.Add(field, "this metric takes a money value");
        return;
      }
      if (value.money().currency_code() != currency_code) {
        violations.Add(absl::StrCat(field, ".money.currency_code"),
                       absl::StrCat("must be the organisation's currency ", ToAbsl(currency_code)));
      }
      if (value.money().minor_units() < 0) {
        violations.Add(absl::StrCat(field, ".money.minor_units"), "must not be negative");
      }
      return;
    case ValueKind::kCount:
      if (value.value_case() != v1::TargetValue::kCount) {
        violations.Add(field, "this metric takes a count value");
        return;
      }
      if (value.count() < 0) violations.Add(absl::StrCat(field, ".count"), "must not be negative");
      return;
    case ValueKind::kRatio:
      if (value.value_case() != v1::TargetValue::kRatioBp) {
        violations.Add(field, "this metric takes a ratio_bp value");
        return;
      }
      if (value.ratio_bp() < 0 || value.ratio_bp() > kMaxRatioBp) {
        violations.Add(absl::StrCat(field, ".ratio_bp"), "must be between 0 and 10000 (100%)");
      }
      return;
  }
}

int64_t AmountOf(const v1::TargetValue& value) {
  switch (value.value_case()) {
    case v1::TargetValue::kMoney:
      return value.money().minor_units();
    case v1::TargetValue::kCount:
      return value.count();
    case v1::TargetValue::kRatioBp:
      return value.ratio_bp();
    default:
      return 0;
  }
}

v1::TargetValue MakeValue(ValueKind kind, int64_t amount, std::string_view currency_code) {
  v1::TargetValue value;
  switch (kind) {
    case ValueKind::kMoney:
      value.mutable_money()->set_currency_code(std::string(currency_code));
      value.mutable_money()->set_minor_units(amount);
      break;
    case ValueKind::kCount:
      value.set_count(amount);
      break;
    case ValueKind::kRatio:
      value.set_ratio_bp(amount);
      break;
  }
  return value;
}

v1::TargetValue WithAmount(const v1::TargetValue& like, int64_t amount) {
  v1::TargetValue value = like;
  switch (like.value_case()) {
    case v1::TargetValue::kMoney:
      value.mutable_money()->set_minor_units(amount);
      break;
    case v1::TargetValue::kCount:
      value.set_count(amount);
      break;
    case v1::TargetValue::kRatioBp:
      value.set_ratio_bp(amount);
      break;
    default:
      break;
  }
  return value;
}

bool SameValue(const v1::TargetValue& a, const v1::TargetValue& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

std::string FormatValue(const v1::TargetValue& value) {
  switch (value.value_case()) {
    case v1::TargetValue::kMoney: {
      absl::StatusOr<Money> money = Money::FromProto(value.money());
      if (money.ok()) return money->Format();
      return absl::StrCat(value.money().minor_units(), " minor units");
    }
    case v1::TargetValue::kCount:
      return absl::StrCat(value.count());
    case v1::TargetValue::kRatioBp:
      return absl::StrCat(value.ratio_bp() / 100, ".", value.ratio_bp() % 100 < 10 ? "0" : "",
                          value.ratio_bp() % 100, "%");
    default:
      return "(no value)";
  }
}

absl::StatusOr<int64_t> CheckedAdd(int64_t a, int64_t b) {
  int64_t out;
  if (__builtin_add_overflow(a, b, &out)) return absl::OutOfRangeError("target value overflow");
  return out;
}

absl::StatusOr<int64_t> CheckedSub(int64_t a, int64_t b) {
  int64_t out;
  if (__builtin_sub_overflow(a, b, &out)) return absl::OutOfRangeError("target value overflow");
  return out;
}

absl::StatusOr<absl::CivilDay> ParseDate(std::string_view date) {
  // The day-period grammar of libs/common/period.h is exactly YYYY-MM-DD.
  absl::StatusOr<Period> period = ParsePeriodId(date, 1);
  if (!period.ok() || period->kind() != PeriodKind::kDay) {
    return absl::InvalidArgumentError("must be a date YYYY-MM-DD");
  }
  return period->first_day();
}

std::string FormatDate(absl::CivilDay day) { return absl::FormatCivilTime(day); }

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t seconds = absl::ToUnixSeconds(t);
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return ts;
}

}  // namespace salesperf::targets
