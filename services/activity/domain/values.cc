#include "services/activity/domain/values.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/ids.h"
#include "libs/common/money.h"

namespace salesperf::activity {

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t seconds = absl::ToUnixSeconds(t);
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return ts;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

absl::StatusOr<absl::CivilDay> ParseDate(std::string_view date) {
  absl::CivilDay day;
  if (date.size() != 10 ||
      !absl::ParseCivilTime(absl::string_view(date.data(), date.size()), &day)) {
    return absl::InvalidArgumentError("must be a date YYYY-MM-DD");
  }
  return day;
}

std::string FormatDate(absl::CivilDay day) { return absl::FormatCivilTime(day); }

std::string DayOf(absl::Time t, absl::TimeZone tz) { return FormatDate(absl::ToCivilDay(t, tz)); }

void CheckId(FieldViolations& v, const std::string& field, const std::string& id) {
  if (id.empty()) {
    v.Add(field, "is required");
    return;
  }
  v.AddIfError(field, ValidateId(id));
}

void CheckOptionalId(FieldViolations& v, const std::string& field, const std::string& id) {
  if (!id.empty()) v.AddIfError(field, ValidateId(id));
}

void CheckText(FieldViolations& v, const std::string& field, const std::string& text,
               size_t max_bytes) {
  if (text.empty()) {
    v.Add(field, "is required");
    return;
  }
  CheckOptionalText(v, field, text, max_bytes);
}

void CheckOptionalText(FieldViolations& v, const std::string& field, const std::string& text,
                       size_t max_bytes) {
  if (text.size() > max_bytes) v.Add(field, absl::StrCat("must be at most ", max_bytes, " bytes"));
}

void CheckGeoPoint(FieldViolations& v, const std::string& field, const v1::GeoPoint& point) {
  if (!std::isfinite(point.latitude()) || point.latitude() < -90 || point.latitude() > 90) {
    v.Add(field + ".latitude", "must be between -90 and 90 degrees");
  }
  if (!std::isfinite(point.longitude()) || point.longitude() < -180 || point.longitude() > 180) {
    v.Add(field + ".longitude", "must be between -180 and 180 degrees");
  }
  if (!std::isfinite(point.accuracy_meters()) || point.accuracy_meters() < 0 ||
      point.accuracy_meters() > 100'000) {
    v.Add(field + ".accuracy_meters", "must be between 0 and 100000 metres");
  }
}

void CheckTimestamp(FieldViolations& v, const std::string& field,
                    const google::protobuf::Timestamp& ts) {
  // 0001-01-01 .. 9999-12-31, as google.protobuf.Timestamp defines.
  constexpr int64_t kMinSeconds = -62135596800;
  constexpr int64_t kMaxSeconds = 253402300799;
  if (ts.seconds() < kMinSeconds || ts.seconds() > kMaxSeconds || ts.nanos() < 0 ||
      ts.nanos() > 999'999'999) {
    v.Add(field, "is not a valid timestamp");
  }
}

void CheckOptionalDate(FieldViolations& v, const std::string& field, const std::string& date) {
  if (date.empty()) return;
  v.AddIfError(field, ParseDate(date).status());
}

void CheckAmount(FieldViolations& v, const std::string& field, const common::v1::Money& amount,
                 const std::string& org_currency) {
  absl::StatusOr<Money> money = Money::FromProto(amount);
  if (!money.ok()) {
    v.Add(field + ".currency_code", "must be an ISO 4217 code such as CNY");
    return;
  }
  if (money->is_negative()) v.Add(field + ".minor_units", "must not be negative");
  if (!org_currency.empty() && money->currency_code() != org_currency) {
    v.Add(field + ".currency_code",
          absl::StrCat("must be the organisation's currency ", org_currency));
  }
}

void CheckOptionalPastDate(FieldViolations& v, const std::string& field, const std::string& date,
                           const CommandMeta& meta) {
  if (date.empty()) return;
  if (!ParseDate(date).ok()) {
    CheckOptionalDate(v, field, date);
    return;
  }
  const std::string today = DayOf(meta.now, meta.tz);
  if (date > today) v.Add(field, absl::StrCat("must not be after today (", today, ")"));
}

std::string DateOrToday(const std::string& date, const CommandMeta& meta) {
  return date.empty() ? DayOf(meta.now, meta.tz) : date;
}

}  // namespace salesperf::activity
