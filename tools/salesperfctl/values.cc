#include "tools/salesperfctl/values.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "libs/common/money.h"
#include "libs/common/period.h"
#include "libs/common/string_view_compat.h"

namespace salesperf::ctl {
namespace {

using common::v1::ScopeKind;
using common::v1::ScopeRef;
using targets::v1::Metric;
using targets::v1::TargetStatus;
using targets::v1::TargetValue;

struct StatusName {
  std::string_view name;
  TargetStatus status;
};

constexpr StatusName kStatuses[] = {
    {"draft", targets::v1::TARGET_STATUS_DRAFT},
    {"proposed", targets::v1::TARGET_STATUS_PROPOSED},
    {"approved", targets::v1::TARGET_STATUS_APPROVED},
    {"adjusted", targets::v1::TARGET_STATUS_ADJUSTED},
    {"closed", targets::v1::TARGET_STATUS_CLOSED},
};

struct ScopeName {
  std::string_view name;
  ScopeKind kind;
};

constexpr ScopeName kScopes[] = {
    {"company", common::v1::SCOPE_KIND_COMPANY},
    {"region", common::v1::SCOPE_KIND_REGION},
    {"team", common::v1::SCOPE_KIND_TEAM},
    {"rep", common::v1::SCOPE_KIND_REP},
};

// "CNY 1,200.00" -> {"CNY", "1,200.00"}; no prefix -> {"", text}.
std::pair<std::string, std::string_view> SplitCurrencyPrefix(std::string_view text) {
  if (text.size() > 4 && text[3] == ' ' && absl::ascii_isupper(text[0]) &&
      absl::ascii_isupper(text[1]) && absl::ascii_isupper(text[2])) {
    return {std::string(text.substr(0, 3)), text.substr(4)};
  }
  return {"", text};
}

std::string WithoutSeparators(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ',' && c != '_') out.push_back(c);
  }
  return out;
}

}  // namespace

const std::vector<MetricName>& Metrics() {
  static const auto* metrics = new std::vector<MetricName>{
      {"revenue", targets::v1::METRIC_REVENUE, ValueKind::kMoney},
      {"deals-won", targets::v1::METRIC_DEALS_WON, ValueKind::kCount},
      {"new-customers", targets::v1::METRIC_NEW_CUSTOMERS, ValueKind::kCount},
      {"calls", targets::v1::METRIC_CALLS, ValueKind::kCount},
      {"call-minutes", targets::v1::METRIC_CALL_MINUTES, ValueKind::kCount},
      {"visits", targets::v1::METRIC_VISITS, ValueKind::kCount},
      {"conversion-rate", targets::v1::METRIC_CONVERSION_RATE, ValueKind::kRatio},
      {"average-deal-size", targets::v1::METRIC_AVERAGE_DEAL_SIZE, ValueKind::kMoney},
      {"csat", targets::v1::METRIC_CSAT, ValueKind::kRatio},
  };
  return *metrics;
}

std::vector<std::string> MetricNames() {
  std::vector<std::string> names;
  for (const MetricName& m : Metrics()) names.emplace_back(m.name);
  return names;
}

absl::StatusOr<MetricName> ParseMetric(std::string_view name) {
  for (const MetricName& m : Metrics()) {
    if (m.name == name) return m;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown metric \"", ToAbsl(name), "\"; one of ",
                                                 absl::StrJoin(MetricNames(), ", ")));
}

std::string MetricToString(Metric metric) {
  for (const MetricName& m : Metrics()) {
    if (m.metric == metric) return std::string(m.name);
  }
  return targets::v1::Metric_Name(metric);
}

std::vector<std::string> TargetStatusNames() {
  std::vector<std::string> names;
  for (const StatusName& s : kStatuses) names.emplace_back(s.name);
  return names;
}

absl::StatusOr<TargetStatus> ParseTargetStatus(std::string_view name) {
  for (const StatusName& s : kStatuses) {
    if (s.name == name) return s.status;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown status \"", ToAbsl(name), "\"; one of ",
                                                 absl::StrJoin(TargetStatusNames(), ", ")));
}

std::string TargetStatusToString(TargetStatus status) {
  for (const StatusName& s : kStatuses) {
    if (s.status == status) return std::string(s.name);
  }
  return status == targets::v1::TARGET_STATUS_UNSPECIFIED ? "-"
                                                          : targets::v1::TargetStatus_Name(status);
}

absl::StatusOr<ScopeRef> ParseScope(std::string_view text) {
  const size_t colon = text.find(':');
  const std::string_view kind = text.substr(0, colon);
  const std::string_view id = colon == std::string_view::npos ? "" : text.substr(colon + 1);
  for (const ScopeName& s : kScopes) {
    if (s.name != kind) continue;
    const bool is_company = s.kind == common::v1::SCOPE_KIND_COMPANY;
    if (is_company != (colon == std::string_view::npos) || (!is_company && id.empty())) break;
    ScopeRef scope;
    scope.set_kind(s.kind);
    scope.set_id(std::string(id));
    return scope;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", ToAbsl(text), "\" is not a scope; use company, region:ID, team:ID or rep:ID"));
}

std::string ScopeToString(const ScopeRef& scope) {
  for (const ScopeName& s : kScopes) {
    if (s.kind != scope.kind()) continue;
    if (s.kind == common::v1::SCOPE_KIND_COMPANY) return "company";
    return absl::StrCat(ToAbsl(s.name), ":", scope.id());
  }
  return scope.id().empty() ? "-" : scope.id();
}

absl::Status ValidateDate(std::string_view date) {
  absl::CivilDay day;
  // ParseCivilTime accepts some lenient forms; the round trip keeps it to YYYY-MM-DD.
  if (date.size() == 10 && absl::ParseCivilTime(ToAbsl(date), &day) &&
      absl::FormatCivilTime(day) == ToAbsl(date)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", ToAbsl(date), "\" is not a date; use YYYY-MM-DD, e.g. 2026-11-01"));
}

absl::Status ValidatePeriodId(std::string_view id) {
  // Any start month parses every fiscal id, and only the server knows the real one.
  absl::StatusOr<Period> period = ParsePeriodId(id, 1);
  if (period.ok()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", ToAbsl(id),
      "\" is not a period; use e.g. 2026-11 (month), 2026-Q4, 2026, FY2027-Q1 or FY2027"));
}

absl::StatusOr<int64_t> ParseScaled(std::string_view text, int decimals) {
  std::string s = WithoutSeparators(text);
  if (!s.empty() && s.back() == '%') s.pop_back();
  const absl::Status bad = absl::InvalidArgumentError(absl::StrCat(
      "\"", ToAbsl(text), "\" is not a number with at most ", decimals, " decimal places"));
  bool negative = false;
  size_t i = 0;
  if (i < s.size() && s[i] == '-') {
    negative = true;
    ++i;
  }
  __int128 value = 0;
  int digits = 0;
  int fraction_digits = -1;  // -1 until the '.'
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.' && fraction_digits < 0) {
      fraction_digits = 0;
      continue;
    }
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return bad;
    if (fraction_digits >= 0 && ++fraction_digits > decimals) return bad;
    value = value * 10 + (c - '0');
    ++digits;
    if (value > INT64_MAX)
      return absl::InvalidArgumentError(absl::StrCat("\"", ToAbsl(text), "\" is too large"));
  }
  if (digits == 0 || fraction_digits == 0) return bad;
  for (int k = std::max(fraction_digits, 0); k < decimals; ++k) {
    value *= 10;
    if (value > INT64_MAX)
      return absl::InvalidArgumentError(absl::StrCat("\"", ToAbsl(text), "\" is too large"));
  }
  return static_cast<int64_t>(negative ? -value : value);
}

absl::StatusOr<TargetValue> ParseValue(std::string_view text, ValueKind kind,
                                       std::string_view currency) {
  TargetValue value;
  switch (kind) {
    case ValueKind::kMoney: {
      auto [prefix, amount] = SplitCurrencyPrefix(text);
      const std::string code = prefix.empty() ? std::string(currency) : prefix;
      if (code.empty()) {
        return absl::InvalidArgumentError(
            "a money value needs a currency: add --currency CNY, or write \"CNY 1200000.00\"");
      }
      if (!prefix.empty() && !currency.empty() && prefix != currency) {
        return absl::InvalidArgumentError(
            absl::StrCat("the value is in ", prefix, " but --currency is ", ToAbsl(currency)));
      }
      absl::StatusOr<Money> money = Money::Parse(code, WithoutSeparators(amount));
      if (!money.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "\"", ToAbsl(text), "\" is not an amount of ", code, ": ", money.status().message()));
      }
      *value.mutable_money() = money->ToProto();
      return value;
    }
    case ValueKind::kCount: {
      int64_t count = 0;
      if (!absl::SimpleAtoi(WithoutSeparators(text), &count)) {
        return absl::InvalidArgumentError(
            absl::StrCat("\"", ToAbsl(text), "\" is not a whole number"));
      }
      value.set_count(count);
      return value;
    }
    case ValueKind::kRatio: {
      absl::StatusOr<int64_t> bp = ParseScaled(text, 2);
      if (!bp.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("\"", ToAbsl(text), "\" is not a percentage such as 25% or 85.50"));
      }
      value.set_ratio_bp(*bp);
      return value;
    }
  }
  return absl::InvalidArgumentError("unknown value kind");
}

absl::StatusOr<TargetValue> ParseValueGuessKind(std::string_view text, std::string_view currency) {
  if (!currency.empty() || !SplitCurrencyPrefix(text).first.empty()) {
    return ParseValue(text, ValueKind::kMoney, currency);
  }
  if (!text.empty() && text.back() == '%') return ParseValue(text, ValueKind::kRatio, currency);
  if (text.find('.') != std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", ToAbsl(text),
        "\" is not a whole number; for money add --currency, for a ratio write 25.5%"));
  }
  return ParseValue(text, ValueKind::kCount, currency);
}

std::string GroupThousands(int64_t n) {
  const std::string digits = absl::StrCat(n);
  const size_t start = n < 0 ? 1 : 0;  // the sign
  std::string out = digits.substr(0, start);
  for (size_t i = start; i < digits.size(); ++i) {
    if (i > start && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string FormatMoney(const common::v1::Money& money) {
  absl::StatusOr<Money> m = Money::FromProto(money);
  if (m.ok()) return m->Format();
  return absl::StrCat(money.currency_code(), " ", money.minor_units(), " (minor units)");
}

std::string FormatHundredths(int64_t hundredths) {
  // Negate as unsigned: -INT64_MIN does not fit an int64_t.
  const uint64_t abs = hundredths < 0 ? 0 - static_cast<uint64_t>(hundredths)
                                      : static_cast<uint64_t>(hundredths);
  return absl::StrCat(hundredths < 0 ? "-" : "", abs / 100, ".", abs % 100 < 10 ? "0" : "",
                      abs % 100);
}

std::string FormatBasisPoints(int64_t bp) { return absl::StrCat(FormatHundredths(bp), "%"); }

std::string FormatShare(int64_t numerator, int64_t denominator) {
  if (denominator == 0) return "-";
  // Tenths of a percent, rounded half away from zero.
  const __int128 scaled = static_cast<__int128>(numerator) * 2000 / denominator;
  const int64_t tenths = static_cast<int64_t>((scaled + (scaled >= 0 ? 1 : -1)) / 2);
  const int64_t abs = tenths < 0 ? -tenths : tenths;
  return absl::StrCat(tenths < 0 ? "-" : "", abs / 10, ".", abs % 10, "%");
}

std::string FormatValue(const TargetValue& value, std::string_view unit) {
  switch (value.value_case()) {
    case TargetValue::kMoney:
      return FormatMoney(value.money());
    case TargetValue::kCount:
      return unit.empty() ? GroupThousands(value.count())
                          : absl::StrCat(GroupThousands(value.count()), " ", ToAbsl(unit));
    case TargetValue::kRatioBp:
      return FormatBasisPoints(value.ratio_bp());
    case TargetValue::VALUE_NOT_SET:
      break;
  }
  return "-";
}

std::string FormatTimestamp(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "-";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(ts.seconds()),
                          absl::UTCTimeZone());
}

absl::StatusOr<common::v1::Money> ParseMoney(std::string_view text, std::string_view currency) {
  // A currency written with the amount wins over the default.
  const bool prefixed = !SplitCurrencyPrefix(text).first.empty();
  absl::StatusOr<TargetValue> value =
      ParseValue(text, ValueKind::kMoney, prefixed ? std::string_view() : currency);
  if (!value.ok()) return value.status();
  return value->money();
}

absl::StatusOr<google::protobuf::Timestamp> ParseTimestamp(std::string_view text) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, ToAbsl(text), &t, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", ToAbsl(text), "\" is not an RFC 3339 time such as 2026-11-23T10:00:00+08:00"));
  }
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  ts.set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(ts.seconds()))));
  return ts;
}

namespace {

// "VISIT_STATUS_" for VisitStatus: the zero value's name without "UNSPECIFIED".
std::string EnumPrefix(const google::protobuf::EnumDescriptor* type) {
  const google::protobuf::EnumValueDescriptor* zero = type->FindValueByNumber(0);
  if (zero == nullptr || !absl::EndsWith(zero->name(), "UNSPECIFIED")) return "";
  return zero->name().substr(0, zero->name().size() - std::string_view("UNSPECIFIED").size());
}

}  // namespace

std::string EnumLabel(const google::protobuf::EnumDescriptor* type, int number) {
  const google::protobuf::EnumValueDescriptor* value = type->FindValueByNumber(number);
  if (number == 0 || value == nullptr) return number == 0 ? "-" : absl::StrCat(number);
  std::string label = value->name();
  const std::string prefix = EnumPrefix(type);
  if (absl::StartsWith(label, prefix)) label.erase(0, prefix.size());
  return absl::AsciiStrToLower(label);
}

std::vector<std::string> EnumLabels(const google::protobuf::EnumDescriptor* type) {
  std::vector<std::string> labels;
  for (int i = 0; i < type->value_count(); ++i) {
    if (type->value(i)->number() != 0) labels.push_back(EnumLabel(type, type->value(i)->number()));
  }
  return labels;
}

absl::StatusOr<int> ParseEnumLabel(const google::protobuf::EnumDescriptor* type,
                                   std::string_view label) {
  for (int i = 0; i < type->value_count(); ++i) {
    const int number = type->value(i)->number();
    if (number != 0 && EnumLabel(type, number) == label) return number;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown value \"", ToAbsl(label), "\"; one of ",
                                                 absl::StrJoin(EnumLabels(type), ", ")));
}

std::string OrDash(std::string_view s) { return s.empty() ? "-" : std::string(s); }

}  // namespace salesperf::ctl
