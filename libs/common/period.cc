#include "libs/common/period.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/string_view_compat.h"

namespace salesperf {
namespace {

constexpr char kIdForms[] =
    "expected one of YYYY-MM-DD, YYYY-Www, YYYY-MM, YYYY-Qn, YYYY, FYyyyy-Qn, FYyyyy "
    "(e.g. 2026-11-23, 2026-W48, 2026-11, 2026-Q4, 2026, FY2027-Q1, FY2027)";

absl::Status CheckFiscalStartMonth(int month) {
  if (month < 1 || month > 12) {
    return absl::InvalidArgumentError(
        absl::StrCat("fiscal_year_start_month must be 1..12, got ", month));
  }
  return absl::OkStatus();
}

// 0 for Monday .. 6 for Sunday.
int DaysSinceMonday(absl::CivilDay day) {
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::monday:
      return 0;
    case absl::Weekday::tuesday:
      return 1;
    case absl::Weekday::wednesday:
      return 2;
    case absl::Weekday::thursday:
      return 3;
    case absl::Weekday::friday:
      return 4;
    case absl::Weekday::saturday:
      return 5;
    case absl::Weekday::sunday:
      return 6;
  }
  return 0;
}

absl::CivilDay WeekStart(absl::CivilDay day) { return day - DaysSinceMonday(day); }

struct IsoWeek {
  int64_t year;
  int week;
};

// A week belongs to the ISO year that holds its Thursday.
IsoWeek IsoWeekOf(absl::CivilDay day) {
  const absl::CivilDay thursday = WeekStart(day) + 3;
  return {thursday.year(), (absl::GetYearDay(thursday) - 1) / 7 + 1};
}

// 28 December is always in the last ISO week of its year.
int WeeksInIsoYear(int64_t year) { return IsoWeekOf(absl::CivilDay(year, 12, 28)).week; }

// 4 January is always in week 1.
absl::CivilDay IsoWeekOneMonday(int64_t year) { return WeekStart(absl::CivilDay(year, 1, 4)); }

// Months from the start of the fiscal year to `month` (0..11).
int FiscalMonthOffset(absl::CivilMonth month, int fiscal_year_start_month) {
  return (month.month() - fiscal_year_start_month + 12) % 12;
}

// Fiscal years are named by the calendar year in which they end.
int64_t FiscalYearOf(absl::CivilMonth month, int fiscal_year_start_month) {
  const absl::CivilMonth start = month - FiscalMonthOffset(month, fiscal_year_start_month);
  return fiscal_year_start_month == 1 ? start.year() : start.year() + 1;
}

absl::CivilMonth FiscalYearStart(int64_t fiscal_year, int fiscal_year_start_month) {
  return absl::CivilMonth(fiscal_year_start_month == 1 ? fiscal_year : fiscal_year - 1,
                          fiscal_year_start_month);
}

// The first instant of `day` in `tz`; where a DST jump skips midnight, the jump.
absl::Time StartOfDay(absl::CivilDay day, absl::TimeZone tz) {
  const absl::TimeZone::TimeInfo info = tz.At(absl::CivilSecond(day));
  return info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
}

// A strict, allocation-free reader over an id.
class IdReader {
 public:
  explicit IdReader(std::string_view s) : s_(s) {}
  bool Done() const { return pos_ == s_.size(); }
  bool Consume(std::string_view literal) {
    if (s_.substr(pos_, literal.size()) != literal) return false;
    pos_ += literal.size();
    return true;
  }
  // Exactly `n` decimal digits.
  bool Digits(int n, int64_t* out) {
    if (s_.size() - pos_ < static_cast<size_t>(n)) return false;
    int64_t v = 0;
    for (int i = 0; i < n; ++i) {
      const char c = s_[pos_ + static_cast<size_t>(i)];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    pos_ += static_cast<size_t>(n);
    *out = v;
    return true;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<absl::TimeZone> LoadTimeZone(std::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("time zone name is empty");
  absl::TimeZone tz;
  if (absl::LoadTimeZone(ToAbsl(name), &tz)) return tz;
  // Abseil reads zones from $TZDIR, else /usr/share/zoneinfo.
  const char* env = std::getenv("TZDIR");
  const std::string dir = (env != nullptr && *env != '\0') ? env : "/usr/share/zoneinfo";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot load time zone \"", absl::CHexEscape(ToAbsl(name)), "\": no time zone database at ",
        dir, " (install the tzdata package, or set TZDIR to a zoneinfo directory)"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown time zone \"", absl::CHexEscape(ToAbsl(name)),
                   "\": expected an IANA tz database name such as Asia/Shanghai or Europe/Berlin"));
}

absl::TimeZone DefaultTimeZone() {
  static const absl::TimeZone* const tz = [] {
    absl::StatusOr<absl::TimeZone> loaded = LoadTimeZone(kDefaultTimeZoneName);
    return new absl::TimeZone(loaded.ok() ? *loaded : absl::FixedTimeZone(8 * 60 * 60));
  }();
  return *tz;
}

absl::Status Calendar::Validate() const {
  if (absl::Status s = CheckFiscalStartMonth(fiscal_year_start_month); !s.ok()) return s;
  for (const absl::CivilDay& day : extra_working_days) {
    if (holidays.contains(day)) {
      return absl::InvalidArgumentError(
          absl::StrCat(absl::FormatCivilTime(day), " is both a holiday and an extra working day"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Calendar> Calendar::Create(std::string_view time_zone, int fiscal_year_start_month) {
  absl::StatusOr<absl::TimeZone> tz = LoadTimeZone(time_zone);
  if (!tz.ok()) return tz.status();
  Calendar calendar;
  calendar.tz = *tz;
  calendar.fiscal_year_start_month = fiscal_year_start_month;
  if (absl::Status s = calendar.Validate(); !s.ok()) return s;
  return calendar;
}

bool IsWorkingDay(absl::CivilDay day, const Calendar& calendar) {
  if (calendar.extra_working_days.contains(day)) return true;
  if (calendar.holidays.contains(day)) return false;
  const absl::Weekday weekday = absl::GetWeekday(day);
  return weekday != absl::Weekday::saturday && weekday != absl::Weekday::sunday;
}

std::string_view PeriodKindName(PeriodKind kind) {
  switch (kind) {
    case PeriodKind::kDay:
      return "day";
    case PeriodKind::kWeek:
      return "week";
    case PeriodKind::kMonth:
      return "month";
    case PeriodKind::kQuarter:
      return "quarter";
    case PeriodKind::kYear:
      return "year";
    case PeriodKind::kFiscalQuarter:
      return "fiscal_quarter";
    case PeriodKind::kFiscalYear:
      return "fiscal_year";
  }
  return "unknown";
}

absl::StatusOr<PeriodKind> ParsePeriodKind(std::string_view name) {
  for (PeriodKind kind :
       {PeriodKind::kDay, PeriodKind::kWeek, PeriodKind::kMonth, PeriodKind::kQuarter,
        PeriodKind::kYear, PeriodKind::kFiscalQuarter, PeriodKind::kFiscalYear}) {
    if (PeriodKindName(kind) == name) return kind;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("period kind \"", absl::CHexEscape(ToAbsl(name)),
                   "\" must be one of day, week, month, quarter, year, fiscal_quarter, "
                   "fiscal_year"));
}

common::v1::PeriodKind ToProto(PeriodKind kind) {
  switch (kind) {
    case PeriodKind::kDay:
      return common::v1::PERIOD_KIND_DAY;
    case PeriodKind::kWeek:
      return common::v1::PERIOD_KIND_WEEK;
    case PeriodKind::kMonth:
      return common::v1::PERIOD_KIND_MONTH;
    case PeriodKind::kQuarter:
      return common::v1::PERIOD_KIND_QUARTER;
    case PeriodKind::kYear:
      return common::v1::PERIOD_KIND_YEAR;
    case PeriodKind::kFiscalQuarter:
      return common::v1::PERIOD_KIND_FISCAL_QUARTER;
    case PeriodKind::kFiscalYear:
      return common::v1::PERIOD_KIND_FISCAL_YEAR;
  }
  return common::v1::PERIOD_KIND_UNSPECIFIED;
}

absl::StatusOr<PeriodKind> PeriodKindFromProto(common::v1::PeriodKind kind) {
  switch (kind) {
    case common::v1::PERIOD_KIND_DAY:
      return PeriodKind::kDay;
    case common::v1::PERIOD_KIND_WEEK:
      return PeriodKind::kWeek;
    case common::v1::PERIOD_KIND_MONTH:
      return PeriodKind::kMonth;
    case common::v1::PERIOD_KIND_QUARTER:
      return PeriodKind::kQuarter;
    case common::v1::PERIOD_KIND_YEAR:
      return PeriodKind::kYear;
    case common::v1::PERIOD_KIND_FISCAL_QUARTER:
      return PeriodKind::kFiscalQuarter;
    case common::v1::PERIOD_KIND_FISCAL_YEAR:
      return PeriodKind::kFiscalYear;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("period kind must be specified, got ", static_cast<int>(kind)));
  }
}

absl::StatusOr<Period> Period::Containing(PeriodKind kind, absl::CivilDay day,
                                          int fiscal_year_start_month) {
  if (absl::Status s = CheckFiscalStartMonth(fiscal_year_start_month); !s.ok()) return s;
  return ContainingUnchecked(kind, day, fiscal_year_start_month);
}

Period Period::ContainingUnchecked(PeriodKind kind, absl::CivilDay day,
                                   int fiscal_year_start_month) {
  const absl::CivilMonth month(day);
  // `count` whole months from `first`; only fiscal kinds keep their start month.
  auto months = [kind, fiscal_year_start_month](absl::CivilMonth first, int count) {
    const bool fiscal = kind == PeriodKind::kFiscalQuarter || kind == PeriodKind::kFiscalYear;
    return Period(kind, absl::CivilDay(first), absl::CivilDay(first + count) - 1,
                  fiscal ? fiscal_year_start_month : 1);
  };
  switch (kind) {
    case PeriodKind::kDay:
      return Period(kind, day, day, 1);
    case PeriodKind::kWeek: {
      const absl::CivilDay monday = WeekStart(day);
      return Period(kind, monday, monday + 6, 1);
    }
    case PeriodKind::kMonth:
      return months(month, 1);
    case PeriodKind::kQuarter:
      return months(month - (month.month() - 1) % 3, 3);
    case PeriodKind::kYear:
      return months(absl::CivilMonth(day.year(), 1), 12);
    case PeriodKind::kFiscalQuarter:
      return months(month - FiscalMonthOffset(month, fiscal_year_start_month) % 3, 3);
    case PeriodKind::kFiscalYear:
      return months(month - FiscalMonthOffset(month, fiscal_year_start_month), 12);
  }
  return Period(PeriodKind::kDay, day, day, 1);
}

std::string Period::Id() const {
  switch (kind_) {
    case PeriodKind::kDay:
      return absl::StrFormat("%04d-%02d-%02d", first_.year(), first_.month(), first_.day());
    case PeriodKind::kWeek: {
      const IsoWeek w = IsoWeekOf(first_);
      return absl::StrFormat("%04d-W%02d", w.year, w.week);
    }
    case PeriodKind::kMonth:
      return absl::StrFormat("%04d-%02d", first_.year(), first_.month());
    case PeriodKind::kQuarter:
      return absl::StrFormat("%04d-Q%d", first_.year(), (first_.month() - 1) / 3 + 1);
    case PeriodKind::kYear:
      return absl::StrFormat("%04d", first_.year());
    case PeriodKind::kFiscalQuarter: {
      const absl::CivilMonth month(first_);
      return absl::StrFormat("FY%04d-Q%d", FiscalYearOf(month, fiscal_year_start_month_),
                             FiscalMonthOffset(month, fiscal_year_start_month_) / 3 + 1);
    }
    case PeriodKind::kFiscalYear:
      return absl::StrFormat("FY%04d",
                             FiscalYearOf(absl::CivilMonth(first_), fiscal_year_start_month_));
  }
  return "";
}

absl::Time Period::StartTime(absl::TimeZone tz) const { return StartOfDay(first_, tz); }
absl::Time Period::EndTime(absl::TimeZone tz) const { return StartOfDay(last_ + 1, tz); }

Period Period::Previous() const {
  return ContainingUnchecked(kind_, first_ - 1, fiscal_year_start_month_);
}

Period Period::Next() const {
  return ContainingUnchecked(kind_, last_ + 1, fiscal_year_start_month_);
}

int Period::WorkingDays(const Calendar& calendar) const {
  return WorkingDaysElapsed(calendar, last_);
}

int Period::WorkingDaysElapsed(const Calendar& calendar, absl::CivilDay as_of) const {
  int count = 0;
  const absl::CivilDay end = as_of < last_ ? as_of : last_;
  for (absl::CivilDay day = first_; day <= end; ++day) {
    if (IsWorkingDay(day, calendar)) ++count;
  }
  return count;
}

int Period::WorkingDaysElapsed(const Calendar& calendar, absl::Time as_of) const {
  return WorkingDaysElapsed(calendar, absl::ToCivilDay(as_of, calendar.tz));
}

absl::StatusOr<Period> Bucket(absl::Time t, PeriodKind kind, const Calendar& calendar) {
  return Period::Containing(kind, absl::ToCivilDay(t, calendar.tz),
                            calendar.fiscal_year_start_month);
}

absl::StatusOr<Period> ParsePeriodId(std::string_view id, int fiscal_year_start_month) {
  if (absl::Status s = CheckFiscalStartMonth(fiscal_year_start_month); !s.ok()) return s;
  auto invalid = [&](std::string_view why) {
    constexpr size_t kMaxShown = 32;
    return absl::InvalidArgumentError(
        absl::StrCat("invalid period id \"", absl::CHexEscape(ToAbsl(id.substr(0, kMaxShown))),
                     id.size() > kMaxShown ? "..." : "", "\": ", ToAbsl(why)));
  };
  IdReader r(id);
  const bool fiscal = r.Consume("FY");
  int64_t year = 0;
  if (!r.Digits(4, &year)) return invalid(kIdForms);
  if (year == 0) return invalid("year 0000 does not exist");

  if (fiscal) {
    const absl::CivilMonth start = FiscalYearStart(year, fiscal_year_start_month);
    if (r.Done()) {
      return Period::Containing(PeriodKind::kFiscalYear, absl::CivilDay(start),
                                fiscal_year_start_month);
    }
    int64_t quarter = 0;
    if (!r.Consume("-Q") || !r.Digits(1, &quarter) || !r.Done()) return invalid(kIdForms);
    if (quarter < 1 || quarter > 4) return invalid("quarter must be 1..4");
    return Period::Containing(PeriodKind::kFiscalQuarter, absl::CivilDay(start + 3 * (quarter - 1)),
                              fiscal_year_start_month);
  }

  if (r.Done()) return Period::Containing(PeriodKind::kYear, absl::CivilDay(year, 1, 1));
  if (r.Consume("-Q")) {
    int64_t quarter = 0;
    if (!r.Digits(1, &quarter) || !r.Done()) return invalid(kIdForms);
    if (quarter < 1 || quarter > 4) return invalid("quarter must be 1..4");
    return Period::Containing(PeriodKind::kQuarter,
                              absl::CivilDay(year, static_cast<int>(3 * quarter - 2), 1));
  }
  if (r.Consume("-W")) {
    int64_t week = 0;
    if (!r.Digits(2, &week) || !r.Done()) return invalid(kIdForms);
    const int weeks = WeeksInIsoYear(year);
    if (week < 1 || week > weeks) {
      return invalid(absl::StrCat("ISO year ", year, " has weeks 01..", weeks));
    }
    return Period::Containing(PeriodKind::kWeek, IsoWeekOneMonday(year) + 7 * (week - 1));
  }
  int64_t month = 0;
  if (!r.Consume("-") || !r.Digits(2, &month)) return invalid(kIdForms);
  if (month < 1 || month > 12) return invalid("month must be 01..12");
  if (r.Done()) {
    return Period::Containing(PeriodKind::kMonth, absl::CivilDay(year, static_cast<int>(month), 1));
  }
  int64_t day = 0;
  if (!r.Consume("-") || !r.Digits(2, &day) || !r.Done()) return invalid(kIdForms);
  const absl::CivilDay civil(year, static_cast<int>(month), static_cast<int>(day));
  // CivilDay normalizes out-of-range fields (2026-02-30 -> 2026-03-02): reject those.
  if (day < 1 || civil.month() != month || civil.day() != day) {
    return invalid(absl::StrCat("day ", day, " does not exist in ", year, "-",
                                absl::StrFormat("%02d", month)));
  }
  return Period::Containing(PeriodKind::kDay, civil);
}

common::v1::Period ToProto(const Period& period) {
  common::v1::Period proto;
  proto.set_id(period.Id());
  proto.set_kind(ToProto(period.kind()));
  return proto;
}

absl::StatusOr<Period> PeriodFromProto(const common::v1::Period& proto,
                                       int fiscal_year_start_month) {
  absl::StatusOr<Period> period = ParsePeriodId(proto.id(), fiscal_year_start_month);
  if (!period.ok()) return period.status();
  if (proto.kind() != common::v1::PERIOD_KIND_UNSPECIFIED &&
      proto.kind() != ToProto(period->kind())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "period kind ", common::v1::PeriodKind_Name(proto.kind()), " does not match id \"",
        period->Id(), "\" (", common::v1::PeriodKind_Name(ToProto(period->kind())), ")"));
  }
  return period;
}

}  // namespace salesperf
