// Value helpers shared by the activity deciders: time and date conversions in the
// organisation's time zone, and the field checks every command repeats (ids, positions,
// money, free text). Pure functions; thread-safe.
#ifndef SALESPERF_SERVICES_ACTIVITY_DOMAIN_VALUES_H_
#define SALESPERF_SERVICES_ACTIVITY_DOMAIN_VALUES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "libs/common/validation.h"
#include "salesperf/activity/v1/events.pb.h"
#include "salesperf/common/v1/money.pb.h"

namespace salesperf::activity {

// Longest free text (names, notes, reasons, purposes) a command takes, in bytes.
inline constexpr size_t kMaxTextBytes = 4000;
inline constexpr size_t kMaxNameBytes = 200;
// How far in the future a reported instant (check-in, call start) may be: phones' clocks
// drift. Further is a client error.
inline constexpr absl::Duration kFutureTolerance = absl::Minutes(5);

// What every command carries: the time of the decision, who decided, and the
// organisation's settings as the service knows them from the targets service.
struct CommandMeta {
  absl::Time now = absl::UnixEpoch();
  std::string actor;
  // The organisation's time zone, for "today" and the days of instants.
  absl::TimeZone tz = absl::UTCTimeZone();
  // The organisation's ISO 4217 currency; "" while unknown (then any valid code is taken).
  std::string currency;
};

google::protobuf::Timestamp ToTimestamp(absl::Time t);
absl::Time FromTimestamp(const google::protobuf::Timestamp& ts);
// INVALID_ARGUMENT unless `date` is a valid "YYYY-MM-DD".
absl::StatusOr<absl::CivilDay> ParseDate(std::string_view date);
std::string FormatDate(absl::CivilDay day);
// The civil day of `t` in `tz`, formatted.
std::string DayOf(absl::Time t, absl::TimeZone tz);

// Adds a violation for `field` unless `id` is a well-formed id (required).
void CheckId(FieldViolations& v, const std::string& field, const std::string& id);
// As CheckId, but "" is fine.
void CheckOptionalId(FieldViolations& v, const std::string& field, const std::string& id);
// Required non-empty text of at most `max_bytes`.
void CheckText(FieldViolations& v, const std::string& field, const std::string& text,
               size_t max_bytes = kMaxTextBytes);
// Optional text of at most `max_bytes`.
void CheckOptionalText(FieldViolations& v, const std::string& field, const std::string& text,
                       size_t max_bytes = kMaxTextBytes);
// Latitude -90..90, longitude -180..180, accuracy 0..100 km, all finite; field paths
// "<field>.latitude" and so on.
void CheckGeoPoint(FieldViolations& v, const std::string& field, const v1::GeoPoint& point);
// A timestamp whose seconds and nanos are in range.
void CheckTimestamp(FieldViolations& v, const std::string& field,
                    const google::protobuf::Timestamp& ts);
// An optional "YYYY-MM-DD" ("" is fine).
void CheckOptionalDate(FieldViolations& v, const std::string& field, const std::string& date);
// As CheckOptionalDate, and not after today (meta.now in meta.tz): the day something
// happened, which a client must not date in the future.
void CheckOptionalPastDate(FieldViolations& v, const std::string& field, const std::string& date,
                           const CommandMeta& meta);
// A non-negative amount with a valid currency, equal to `org_currency` when that is known.
void CheckAmount(FieldViolations& v, const std::string& field, const common::v1::Money& amount,
                 const std::string& org_currency);
// `date` if set, else today in the organisation's zone.
std::string DateOrToday(const std::string& date, const CommandMeta& meta);

}  // namespace salesperf::activity

#endif  // SALESPERF_SERVICES_ACTIVITY_DOMAIN_VALUES_H_
