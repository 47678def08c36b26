// Reporting periods: days, ISO weeks, months, quarters, years, fiscal quarters and
// fiscal years, bucketed in the organisation's time zone (DESIGN.md section 3).
//
// Period ids (the grammar is strict: ids are keys in storage and on the wire):
//   day             YYYY-MM-DD   2026-11-23
//   ISO week        YYYY-Www     2026-W48   (YYYY is the ISO week-numbering year)
//   month           YYYY-MM      2026-11
//   quarter         YYYY-Qn      2026-Q4    (calendar quarters, n = 1..4)
//   year            YYYY         2026
//   fiscal quarter  FYyyyy-Qn    FY2027-Q1
//   fiscal year     FYyyyy       FY2027
// Years have exactly four digits (0001..9999); letters are upper-case.
//
// Fiscal years start on the first day of Calendar::fiscal_year_start_month and are
// named by the calendar year in which they END: with start month 4, FY2027 runs
// from 2026-04-01 to 2027-03-31 and FY2027-Q1 is 2026-04-01..2026-06-30. With start
// month 1, FY2026 covers the same days as 2026, but it is still a different period
// (kind kFiscalYear, id "FY2026"): a report asked for in fiscal terms stays in
// fiscal terms, and ids never change meaning when the start month is configured.
//
// ISO 8601 weeks run Monday..Sunday; week 1 is the week that contains the year's
// first Thursday (equivalently, 4 January). A year has 52 or 53 weeks, and days
// at the start or end of a calendar year can belong to the neighbouring ISO year:
// 2027-01-01 is in 2026-W53, 2021-01-03 is in 2020-W53.
//
// All types here are values, safe to share between threads once built.
#ifndef SALESPERF_LIBS_COMMON_PERIOD_H_
#define SALESPERF_LIBS_COMMON_PERIOD_H_

#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "salesperf/common/v1/period.pb.h"

namespace salesperf {

inline constexpr char kDefaultTimeZoneName[] = "Asia/Shanghai";

// Loads an IANA time zone (e.g. "Asia/Shanghai") from the system tz database.
// absl::LoadTimeZone alone silently leaves UTC behind on failure; this does not:
//   FAILED_PRECONDITION if there is no tz database at $TZDIR or /usr/share/zoneinfo
//     (install the Debian package `tzdata`);
//   INVALID_ARGUMENT for an empty or unknown zone name.
// Thread-safe; loaded zones are cached by Abseil.
absl::StatusOr<absl::TimeZone> LoadTimeZone(std::string_view name);

// Asia/Shanghai. If the tz database is missing this is the fixed offset UTC+8,
// which equals Asia/Shanghai at every instant since China last used daylight
// saving time (1991): the default never silently becomes UTC. Binaries should
// still call LoadTimeZone at startup so that a missing tzdata is reported.
absl::TimeZone DefaultTimeZone();

// The organisation's calendar. A plain struct so that it can be filled from
// configuration; call Validate() (or build it with Create()) before use.
struct Calendar {
  // Time zone in which instants are bucketed into days. Default: Asia/Shanghai.
  absl::TimeZone tz = DefaultTimeZone();
  // First month (1..12) of the fiscal year. Default: 1 (fiscal year = calendar year).
  int fiscal_year_start_month = 1;
  // Public holidays: days that are not working days even on a weekday. Default: none.
  absl::flat_hash_set<absl::CivilDay> holidays;
  // Make-up working days (调休): weekend days that are working days. Default: none.
  absl::flat_hash_set<absl::CivilDay> extra_working_days;
  // Saturday and Sunday are the weekend; this is not configurable yet.

  // INVALID_ARGUMENT if fiscal_year_start_month is outside 1..12 or a day is both a
  // holiday and an extra working day.
  absl::Status Validate() const;

  // A validated calendar in the named zone (see LoadTimeZone for its errors).
  static absl::StatusOr<Calendar> Create(std::string_view time_zone,
                                         int fiscal_year_start_month = 1);
};

// Saturdays, Sundays and holidays are not working days, except extra working days.
bool IsWorkingDay(absl::CivilDay day, const Calendar& calendar);

enum class PeriodKind {
  kDay,
  kWeek,  // ISO 8601 week
  kMonth,
  kQuarter,
  kYear,
  kFiscalQuarter,
  kFiscalYear,
};

// "day", "week", "month", "quarter", "year", "fiscal_quarter", "fiscal_year".
std::string_view PeriodKindName(PeriodKind kind);
// The inverse of PeriodKindName; INVALID_ARGUMENT for anything else.
absl::StatusOr<PeriodKind> ParsePeriodKind(std::string_view name);

common::v1::PeriodKind ToProto(PeriodKind kind);
// INVALID_ARGUMENT for PERIOD_KIND_UNSPECIFIED and unknown values.
absl::StatusOr<PeriodKind> PeriodKindFromProto(common::v1::PeriodKind kind);

// A period: a run of whole civil days [first_day, last_day], both inclusive, of one
// kind. As instants it is the half-open interval [StartTime(tz), EndTime(tz)).
// Fiscal periods remember their fiscal-year start month (needed for Id() and for
// stepping); for other kinds fiscal_year_start_month() is always 1 and plays no part.
class Period {
 public:
  // The period of `kind` that contains `day`. INVALID_ARGUMENT if
  // fiscal_year_start_month is outside 1..12 (checked for every kind).
  static absl::StatusOr<Period> Containing(PeriodKind kind, absl::CivilDay day,
                                           int fiscal_year_start_month = 1);

  PeriodKind kind() const { return kind_; }
  absl::CivilDay first_day() const { return first_; }
  absl::CivilDay last_day() const { return last_; }  // inclusive
  int fiscal_year_start_month() const { return fiscal_year_start_month_; }

  // The canonical id, e.g. "2026-W48" or "FY2027-Q1" (see the grammar above).
  std::string Id() const;

  int Days() const { return static_cast<int>(last_ - first_) + 1; }
  bool Contains(absl::CivilDay day) const { return first_ <= day && day <= last_; }

  // The first instant of first_day() in `tz`, and the first instant after
  // last_day(). Where midnight is skipped by a daylight-saving jump, the day starts
  // at the jump.
  absl::Time StartTime(absl::TimeZone tz) const;
  absl::Time EndTime(absl::TimeZone tz) const;
  bool Contains(absl::Time t, absl::TimeZone tz) const {
    return StartTime(tz) <= t && t < EndTime(tz);
  }

  // The adjacent periods of the same kind (and fiscal start month).
  Period Previous() const;
  Period Next() const;

  // Working days (IsWorkingDay) in the period.
  int WorkingDays(const Calendar& calendar) const;
  // Working days in the period on or before `as_of` (as_of itself counts as
  // elapsed): 0 before the period, WorkingDays() after it. For straight-line pace:
  // expected = target * WorkingDaysElapsed / WorkingDays.
  int WorkingDaysElapsed(const Calendar& calendar, absl::CivilDay as_of) const;
  // The same, with `as_of` taken as the civil day of the instant in calendar.tz.
  int WorkingDaysElapsed(const Calendar& calendar, absl::Time as_of) const;

  friend bool operator==(const Period& a, const Period& b) {
    return a.kind_ == b.kind_ && a.first_ == b.first_ && a.last_ == b.last_ &&
           a.fiscal_year_start_month_ == b.fiscal_year_start_month_;
  }
  // Orders by kind, then by time.
  friend bool operator<(const Period& a, const Period& b) {
    if (a.kind_ != b.kind_) return a.kind_ < b.kind_;
    if (a.first_ != b.first_) return a.first_ < b.first_;
    return a.fiscal_year_start_month_ < b.fiscal_year_start_month_;
  }
  template <typename H>
  friend H AbslHashValue(H h, const Period& p) {
    return H::combine(std::move(h), p.kind_, p.first_, p.last_, p.fiscal_year_start_month_);
  }
  friend std::ostream& operator<<(std::ostream& os, const Period& p) { return os << p.Id(); }

 private:
  Period(PeriodKind kind, absl::CivilDay first, absl::CivilDay last, int fiscal_year_start_month)
      : kind_(kind),
        first_(first),
        last_(last),
        fiscal_year_start_month_(fiscal_year_start_month) {}
  // `fiscal_year_start_month` already validated.
  static Period ContainingUnchecked(PeriodKind kind, absl::CivilDay day,
                                    int fiscal_year_start_month);

  PeriodKind kind_;
  absl::CivilDay first_;
  absl::CivilDay last_;
  int fiscal_year_start_month_;
};

// The period of `kind` containing instant `t` in calendar.tz. INVALID_ARGUMENT if
// calendar.fiscal_year_start_month is outside 1..12.
absl::StatusOr<Period> Bucket(absl::Time t, PeriodKind kind, const Calendar& calendar);

// Parses an id of any kind (grammar above). The fiscal-year start month is a
// required argument because "FY2027-Q1" names different days under different
// calendars; it is checked (1..12) for every id, but only fiscal ids depend on it
// (and keep it: see Period::fiscal_year_start_month()). INVALID_ARGUMENT, naming the accepted
// forms, for anything else, including impossible dates ("2026-02-30") and weeks ("2025-W53").
absl::StatusOr<Period> ParsePeriodId(std::string_view id, int fiscal_year_start_month);

// {id, kind}.
common::v1::Period ToProto(const Period& period);
// Parses proto.id(); INVALID_ARGUMENT if the id is bad or proto.kind() is set and
// disagrees with it (UNSPECIFIED means "implied by the id").
absl::StatusOr<Period> PeriodFromProto(const common::v1::Period& proto,
                                       int fiscal_year_start_month);

}  // namespace salesperf

#endif  // SALESPERF_LIBS_COMMON_PERIOD_H_
