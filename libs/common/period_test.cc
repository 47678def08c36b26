#include "libs/common/period.h"

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/status_matchers.h"

namespace salesperf {
namespace {

using ::absl::CivilDay;
using ::salesperf::testing::IsOk;
using ::salesperf::testing::IsOkAndHolds;
using ::salesperf::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Property;

constexpr PeriodKind kAllKinds[] = {
    PeriodKind::kDay,  PeriodKind::kWeek,          PeriodKind::kMonth,     PeriodKind::kQuarter,
    PeriodKind::kYear, PeriodKind::kFiscalQuarter, PeriodKind::kFiscalYear};

absl::TimeZone Zone(std::string_view name) {
  absl::StatusOr<absl::TimeZone> tz = LoadTimeZone(name);
  EXPECT_THAT(tz, IsOk());
  return tz.ok() ? *tz : absl::UTCTimeZone();
}

absl::Time Utc(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), absl::UTCTimeZone());
}

Period Parse(std::string_view id, int fiscal_start = 1) {
  absl::StatusOr<Period> p = ParsePeriodId(id, fiscal_start);
  EXPECT_THAT(p, IsOk()) << id;
  return p.ok() ? *p : *Period::Containing(PeriodKind::kDay, CivilDay(1970, 1, 1));
}

Period Of(PeriodKind kind, CivilDay day, int fiscal_start = 1) {
  absl::StatusOr<Period> p = Period::Containing(kind, day, fiscal_start);
  EXPECT_THAT(p, IsOk());
  return *p;
}

// The id and inclusive first/last days of a period, for compact expectations.
std::string Describe(const Period& p) {
  return p.Id() + " " + absl::FormatCivilTime(p.first_day()) + ".." +
         absl::FormatCivilTime(p.last_day());
}

Calendar CalendarIn(std::string_view zone, int fiscal_start = 1) {
  absl::StatusOr<Calendar> c = Calendar::Create(zone, fiscal_start);
  EXPECT_THAT(c, IsOk());
  return c.ok() ? *c : Calendar();
}

TEST(TimeZoneTest, LoadsIanaZones) {
  ASSERT_OK_AND_ASSIGN(absl::TimeZone tz, LoadTimeZone("Asia/Shanghai"));
  EXPECT_EQ(tz.name(), "Asia/Shanghai");
  EXPECT_THAT(LoadTimeZone("UTC"), IsOk());
}

TEST(TimeZoneTest, RejectsUnknownAndEmptyNames) {
  EXPECT_THAT(LoadTimeZone("Mars/Olympus_Mons"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown time zone")));
  EXPECT_THAT(LoadTimeZone(""), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(TimeZoneTest, MissingTzDatabaseIsAClearFailedPrecondition) {
  // Abseil caches failed loads too, so use a zone that no other test loads.
  const char* old = std::getenv("TZDIR");
  const std::string saved = old != nullptr ? old : "";
  ASSERT_EQ(setenv("TZDIR", "/nonexistent/salesperf-zoneinfo", 1), 0);
  absl::StatusOr<absl::TimeZone> tz = LoadTimeZone("Pacific/Chatham");
  if (old != nullptr) {
    setenv("TZDIR", saved.c_str(), 1);
  } else {
    unsetenv("TZDIR");
  }
  EXPECT_THAT(tz, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("tzdata")));
}

TEST(TimeZoneTest, DefaultIsShanghai) {
  EXPECT_EQ(DefaultTimeZone().name(), "Asia/Shanghai");
  Calendar calendar;
  EXPECT_EQ(calendar.tz.name(), "Asia/Shanghai");
  EXPECT_EQ(calendar.fiscal_year_start_month, 1);
  EXPECT_THAT(calendar.Validate(), IsOk());
}

TEST(CalendarTest, CreateValidates) {
  ASSERT_OK_AND_ASSIGN(Calendar c, Calendar::Create("Europe/Berlin", 4));
  EXPECT_EQ(c.tz.name(), "Europe/Berlin");
  EXPECT_EQ(c.fiscal_year_start_month, 4);
  EXPECT_THAT(Calendar::Create("Asia/Shanghai", 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("1..12")));
  EXPECT_THAT(Calendar::Create("Asia/Shanghai", 13), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Calendar::Create("Nowhere/City"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(CalendarTest, DayCannotBeBothHolidayAndWorkday) {
  Calendar c;
  c.holidays.insert(CivilDay(2026, 10, 1));
  c.extra_working_days.insert(CivilDay(2026, 10, 1));
  EXPECT_THAT(c.Validate(), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("2026-10-01")));
}

TEST(BucketTest, ShanghaiMidnightBoundary) {
  Calendar shanghai;  // default zone, UTC+8
  // 2026-11-22 15:59:59Z is Sunday 23:59:59 in Shanghai; one second later is Monday.
  EXPECT_THAT(Bucket(Utc(2026, 11, 22, 15, 59, 59), PeriodKind::kDay, shanghai),
              IsOkAndHolds(Property(&Period::Id, "2026-11-22")));
  EXPECT_THAT(Bucket(Utc(2026, 11, 22, 16), PeriodKind::kDay, shanghai),
              IsOkAndHolds(Property(&Period::Id, "2026-11-23")));
  EXPECT_THAT(Bucket(Utc(2026, 11, 22, 15, 59, 59), PeriodKind::kWeek, shanghai),
              IsOkAndHolds(Property(&Period::Id, "2026-W47")));
  EXPECT_THAT(Bucket(Utc(2026, 11, 22, 16), PeriodKind::kWeek, shanghai),
              IsOkAndHolds(Property(&Period::Id, "2026-W48")));
  // Quarter and year boundaries move by eight hours too.
  EXPECT_THAT(Bucket(Utc(2026, 3, 31, 15, 59, 59), PeriodKind::kQuarter, shanghai),
              IsOkAndHolds(Property(&Period::Id, "2026-Q1")));
  EXPECT_THAT(Bucket(Utc(2026, 3, 31, 16), PeriodKind::kQuarter, shanghai),
              IsOkAndHolds(Property(&Period::Id, "2026-Q2")));
  EXPECT_THAT(Bucket(Utc(2025, 12, 31, 16), PeriodKind::kYear, shanghai),
              IsOkAndHolds(Property(&Period::Id, "2026")));
}

TEST(BucketTest, SameInstantDifferentZones) {
  const absl::Time t = Utc(2026, 1, 1, 3);  // 11:00 in Shanghai, 19:00 on 31 Dec in LA
  EXPECT_THAT(Bucket(t, PeriodKind::kDay, CalendarIn("Asia/Shanghai")),
              IsOkAndHolds(Property(&Period::Id, "2026-01-01")));
  EXPECT_THAT(Bucket(t, PeriodKind::kDay, CalendarIn("UTC")),
              IsOkAndHolds(Property(&Period::Id, "2026-01-01")));
  EXPECT_THAT(Bucket(t, PeriodKind::kYear, CalendarIn("America/Los_Angeles")),
              IsOkAndHolds(Property(&Period::Id, "2025")));
  EXPECT_THAT(Bucket(t, PeriodKind::kMonth, CalendarIn("America/Los_Angeles")),
              IsOkAndHolds(Property(&Period::Id, "2025-12")));
  // LA midnight on 1 January 2026 is 08:00Z (PST, UTC-8).
  EXPECT_THAT(
      Bucket(Utc(2026, 1, 1, 7, 59, 59), PeriodKind::kDay, CalendarIn("America/Los_Angeles")),
      IsOkAndHolds(Property(&Period::Id, "2025-12-31")));
  EXPECT_THAT(Bucket(Utc(2026, 1, 1, 8), PeriodKind::kDay, CalendarIn("America/Los_Angeles")),
              IsOkAndHolds(Property(&Period::Id, "2026-01-01")));
}

TEST(BucketTest, RejectsBadFiscalStartMonth) {
  Calendar c;
  c.fiscal_year_start_month = 13;
  EXPECT_THAT(Bucket(Utc(2026, 1, 1), PeriodKind::kFiscalYear, c),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Period::Containing(PeriodKind::kDay, CivilDay(2026, 1, 1), 0),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(PeriodTimeTest, StartAndEndAreHalfOpenInstants) {
  const absl::TimeZone shanghai = Zone("Asia/Shanghai");
  const Period november = Parse("2026-11");
  EXPECT_EQ(november.StartTime(shanghai), Utc(2026, 10, 31, 16));
  EXPECT_EQ(november.EndTime(shanghai), Utc(2026, 11, 30, 16));
  EXPECT_TRUE(november.Contains(Utc(2026, 10, 31, 16), shanghai));
  EXPECT_TRUE(november.Contains(Utc(2026, 11, 30, 15, 59, 59), shanghai));
  EXPECT_FALSE(november.Contains(Utc(2026, 11, 30, 16), shanghai));
  EXPECT_FALSE(november.Contains(Utc(2026, 10, 31, 15, 59, 59), shanghai));
  EXPECT_EQ(november.EndTime(shanghai), november.Next().StartTime(shanghai));
}

TEST(PeriodTimeTest, DaylightSavingDaysAreShortOrLong) {
  const absl::TimeZone berlin = Zone("Europe/Berlin");
  EXPECT_EQ(Parse("2026-03-29").EndTime(berlin) - Parse("2026-03-29").StartTime(berlin),
            absl::Hours(23));
  EXPECT_EQ(Parse("2026-10-25").EndTime(berlin) - Parse("2026-10-25").StartTime(berlin),
            absl::Hours(25));
}

TEST(PeriodTimeTest, SkippedMidnightStartsAtTheJump) {
  // Sao Paulo skipped 2018-11-04 00:00..00:59 (UTC-3 -> UTC-2): the day starts at
  // 01:00 local, which is 03:00Z, and lasts 23 hours.
  const absl::TimeZone sao_paulo = Zone("America/Sao_Paulo");
  const Period day = Parse("2018-11-04");
  EXPECT_EQ(day.StartTime(sao_paulo), Utc(2018, 11, 4, 3));
  EXPECT_EQ(day.EndTime(sao_paulo) - day.StartTime(sao_paulo), absl::Hours(23));
  EXPECT_EQ(day.Previous().EndTime(sao_paulo), day.StartTime(sao_paulo));
  Calendar calendar;
  calendar.tz = sao_paulo;
  EXPECT_THAT(Bucket(day.StartTime(sao_paulo), PeriodKind::kDay, calendar), IsOkAndHolds(day));
  EXPECT_THAT(Bucket(day.StartTime(sao_paulo) - absl::Seconds(1), PeriodKind::kDay, calendar),
              IsOkAndHolds(day.Previous()));
}

TEST(IsoWeekTest, EdgeYears) {
  struct Case {
    CivilDay day;
    std::string week;
  };
  for (const Case& c : std::vector<Case>{
           {CivilDay(2019, 12, 30), "2020-W01"},  // Monday of 2020's first week
           {CivilDay(2020, 1, 1), "2020-W01"},
           {CivilDay(2020, 12, 31), "2020-W53"},
           {CivilDay(2021, 1, 1), "2020-W53"},
           {CivilDay(2021, 1, 3), "2020-W53"},
           {CivilDay(2021, 1, 4), "2021-W01"},
           {CivilDay(2021, 12, 31), "2021-W52"},
           {CivilDay(2025, 12, 29), "2026-W01"},  // 2026 starts on a Thursday
           {CivilDay(2026, 1, 1), "2026-W01"},
           {CivilDay(2026, 11, 23), "2026-W48"},
           {CivilDay(2026, 12, 31), "2026-W53"},
           {CivilDay(2027, 1, 1), "2026-W53"},
           {CivilDay(2027, 1, 3), "2026-W53"},
           {CivilDay(2027, 1, 4), "2027-W01"},
           {CivilDay(2027, 12, 31), "2027-W52"},
           {CivilDay(2028, 1, 2), "2027-W52"},
           {CivilDay(2028, 1, 3), "2028-W01"},
       }) {
    SCOPED_TRACE(absl::FormatCivilTime(c.day));
    const Period week = Of(PeriodKind::kWeek, c.day);
    EXPECT_EQ(week.Id(), c.week);
    EXPECT_EQ(absl::GetWeekday(week.first_day()), absl::Weekday::monday);
    EXPECT_EQ(week.Days(), 7);
    EXPECT_TRUE(week.Contains(c.day));
  }
  EXPECT_EQ(Describe(Parse("2026-W53")), "2026-W53 2026-12-28..2027-01-03");
  EXPECT_EQ(Describe(Parse("2020-W53")), "2020-W53 2020-12-28..2021-01-03");
  EXPECT_EQ(Describe(Parse("2021-W01")), "2021-W01 2021-01-04..2021-01-10");
  EXPECT_EQ(Describe(Parse("2027-W01")), "2027-W01 2027-01-04..2027-01-10");
  EXPECT_THAT(ParsePeriodId("2021-W53", 1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("weeks 01..52")));
  EXPECT_THAT(ParsePeriodId("2027-W53", 1), StatusIs(absl::StatusCode::kInvalidArgument));
}

// Cross-checks every day of 1990..2040 against the C library's %G-W%V.
TEST(IsoWeekTest, AgreesWithStrftimeForFiftyYears) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  for (CivilDay day(1990, 1, 1); day < CivilDay(2041, 1, 1); ++day) {
    const std::string expected = absl::FormatTime("%G-W%V", absl::FromCivil(day, utc), utc);
    const Period week = Of(PeriodKind::kWeek, day);
    ASSERT_EQ(week.Id(), expected) << absl::FormatCivilTime(day);
    ASSERT_EQ(ParsePeriodId(expected, 1).value_or(week.Next()), week);
  }
}

TEST(PeriodTest, MonthsQuartersYears) {
  EXPECT_EQ(Describe(Of(PeriodKind::kMonth, CivilDay(2024, 2, 10))),
            "2024-02 2024-02-01..2024-02-29");
  EXPECT_EQ(Describe(Of(PeriodKind::kMonth, CivilDay(2026, 2, 10))),
            "2026-02 2026-02-01..2026-02-28");
  EXPECT_EQ(Describe(Of(PeriodKind::kQuarter, CivilDay(2026, 11, 23))),
            "2026-Q4 2026-10-01..2026-12-31");
  EXPECT_EQ(Describe(Of(PeriodKind::kQuarter, CivilDay(2026, 4, 1))),
            "2026-Q2 2026-04-01..2026-06-30");
  EXPECT_EQ(Describe(Of(PeriodKind::kQuarter, CivilDay(2026, 3, 31))),
            "2026-Q1 2026-01-01..2026-03-31");
  EXPECT_EQ(Describe(Of(PeriodKind::kYear, CivilDay(2026, 11, 23))), "2026 2026-01-01..2026-12-31");
  EXPECT_EQ(Of(PeriodKind::kQuarter, CivilDay(2024, 1, 5)).Days(), 91);
  EXPECT_EQ(Of(PeriodKind::kQuarter, CivilDay(2026, 1, 5)).Days(), 90);
  EXPECT_EQ(Of(PeriodKind::kQuarter, CivilDay(2026, 12, 5)).Days(), 92);
  EXPECT_EQ(Of(PeriodKind::kYear, CivilDay(2024, 5, 5)).Days(), 366);
  EXPECT_EQ(Of(PeriodKind::kDay, CivilDay(2024, 5, 5)).Days(), 1);
  // Non-fiscal kinds ignore the fiscal start month.
  EXPECT_EQ(Of(PeriodKind::kQuarter, CivilDay(2026, 5, 5), 4), Parse("2026-Q2"));
  EXPECT_EQ(Of(PeriodKind::kMonth, CivilDay(2026, 5, 5), 10).fiscal_year_start_month(), 1);
}

TEST(FiscalTest, StartMonthApril) {
  EXPECT_EQ(Describe(Of(PeriodKind::kFiscalYear, CivilDay(2026, 3, 31), 4)),
            "FY2026 2025-04-01..2026-03-31");
  EXPECT_EQ(Describe(Of(PeriodKind::kFiscalYear, CivilDay(2026, 4, 1), 4)),
            "FY2027 2026-04-01..2027-03-31");
  EXPECT_EQ(Describe(Of(PeriodKind::kFiscalQuarter, CivilDay(2026, 3, 31), 4)),
            "FY2026-Q4 2026-01-01..2026-03-31");
  EXPECT_EQ(Describe(Of(PeriodKind::kFiscalQuarter, CivilDay(2026, 4, 1), 4)),
            "FY2027-Q1 2026-04-01..2026-06-30");
  EXPECT_EQ(Describe(Of(PeriodKind::kFiscalQuarter, CivilDay(2026, 11, 23), 4)),
            "FY2027-Q3 2026-10-01..2026-12-31");
  EXPECT_EQ(Describe(Parse("FY2027-Q1", 4)), "FY2027-Q1 2026-04-01..2026-06-30");
  EXPECT_EQ(Describe(Parse("FY2027-Q4", 4)), "FY2027-Q4 2027-01-01..2027-03-31");
  EXPECT_EQ(Describe(Parse("FY2027", 4)), "FY2027 2026-04-01..2027-03-31");
  EXPECT_EQ(Parse("FY2027", 4).fiscal_year_start_month(), 4);
}

TEST(FiscalTest, StartMonthOctober) {
  EXPECT_EQ(Describe(Of(PeriodKind::kFiscalQuarter, CivilDay(2026, 9, 30), 10)),
            "FY2026-Q4 2026-07-01..2026-09-30");
  EXPECT_EQ(Describe(Of(PeriodKind::kFiscalQuarter, CivilDay(2026, 10, 1), 10)),
            "FY2027-Q1 2026-10-01..2026-12-31");
  EXPECT_EQ(Describe(Of(PeriodKind::kFiscalQuarter, CivilDay(2027, 1, 15), 10)),
            "FY2027-Q2 2027-01-01..2027-03-31");
  EXPECT_EQ(Describe(Of(PeriodKind::kFiscalYear, CivilDay(2027, 9, 30), 10)),
            "FY2027 2026-10-01..2027-09-30");
  EXPECT_EQ(Describe(Parse("FY2027-Q3", 10)), "FY2027-Q3 2027-04-01..2027-06-30");
}

TEST(FiscalTest, StartMonthsWithQuartersAcrossYearEnd) {
  // Start month 12: FY2027 runs December 2026 .. November 2027.
  EXPECT_EQ(Describe(Parse("FY2027", 12)), "FY2027 2026-12-01..2027-11-30");
  EXPECT_EQ(Describe(Parse("FY2027-Q1", 12)), "FY2027-Q1 2026-12-01..2027-02-28");
  // Start month 2: quarters straddle the calendar year end.
  EXPECT_EQ(Describe(Of(PeriodKind::kFiscalQuarter, CivilDay(2027, 1, 31), 2)),
            "FY2027-Q4 2026-11-01..2027-01-31");
}

TEST(FiscalTest, StartMonthJanuaryIsDistinctFromCalendar) {
  const Period fy = Parse("FY2026", 1);
  const Period year = Parse("2026", 1);
  EXPECT_EQ(Describe(fy), "FY2026 2026-01-01..2026-12-31");
  EXPECT_EQ(fy.first_day(), year.first_day());
  EXPECT_EQ(fy.last_day(), year.last_day());
  EXPECT_EQ(fy.kind(), PeriodKind::kFiscalYear);
  EXPECT_FALSE(fy == year);
  EXPECT_EQ(Of(PeriodKind::kFiscalQuarter, CivilDay(2026, 11, 23)).Id(), "FY2026-Q4");
}

TEST(ParseTest, EveryKindRoundTrips) {
  struct Case {
    std::string id;
    int fiscal_start;
    PeriodKind kind;
  };
  for (const Case& c : std::vector<Case>{{"2026-11-23", 1, PeriodKind::kDay},
                                         {"2026-W48", 1, PeriodKind::kWeek},
                                         {"2026-11", 1, PeriodKind::kMonth},
                                         {"2026-Q4", 1, PeriodKind::kQuarter},
                                         {"2026", 1, PeriodKind::kYear},
                                         {"FY2027-Q1", 4, PeriodKind::kFiscalQuarter},
                                         {"FY2027", 4, PeriodKind::kFiscalYear},
                                         {"2024-02-29", 1, PeriodKind::kDay},
                                         {"0001-01-01", 1, PeriodKind::kDay},
                                         {"9999-12", 1, PeriodKind::kMonth}}) {
    SCOPED_TRACE(c.id);
    ASSERT_OK_AND_ASSIGN(Period p, ParsePeriodId(c.id, c.fiscal_start));
    EXPECT_EQ(p.kind(), c.kind);
    EXPECT_EQ(p.Id(), c.id);
  }
}

// Every kind, under several fiscal start months, for every day of three years.
TEST(ParseTest, RoundTripProperty) {
  for (int fiscal_start : {1, 2, 4, 7, 10, 12}) {
    for (CivilDay day(2025, 1, 1); day < CivilDay(2028, 1, 1); ++day) {
      for (PeriodKind kind : kAllKinds) {
        const Period p = Of(kind, day, fiscal_start);
        ASSERT_TRUE(p.Contains(day));
        absl::StatusOr<Period> back = ParsePeriodId(p.Id(), fiscal_start);
        ASSERT_THAT(back, IsOkAndHolds(p)) << p.Id() << " start " << fiscal_start;
        ASSERT_EQ(p.Next().first_day(), p.last_day() + 1);
        ASSERT_EQ(p.Next().Previous(), p);
        ASSERT_EQ(p.Previous().Next(), p);
      }
    }
  }
}

TEST(ParseTest, RejectsInvalidIds) {
  for (std::string_view bad :
       {"",           "2026-13",       "2026-00",     "2026-02-29", "2026-02-30", "2026-04-31",
        "2026-11-00", "2026-W00",      "2026-W54",    "2025-W53",   "2026-W5",    "2026-w48",
        "2026-W048",  "2026-Q0",       "2026-Q5",     "2026Q4",     "2026-q4",    "FY2027-Q5",
        "FY2027-Q",   "fy2027",        "FY27",        "FY2027-",    "FY2027-W01", "26-11",
        "2026-1",     "2026-11-23T00", " 2026",       "2026 ",      "0000",       "20261",
        "-2026",      "+2026",         "2026-11-23-", "２０２６",   "2026/11/23", "FY",
        "Q4-2026"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(ParsePeriodId(bad, 1),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("invalid period id")));
  }
  EXPECT_THAT(ParsePeriodId("2026-11", 1),
              IsOkAndHolds(Property(&Period::kind, PeriodKind::kMonth)));
  EXPECT_THAT(ParsePeriodId("nonsense", 1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("expected one of")));
  EXPECT_THAT(ParsePeriodId("2026-02-30", 1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("does not exist")));
}

TEST(ParseTest, FiscalStartMonthIsChecked) {
  EXPECT_THAT(ParsePeriodId("FY2027", 0), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParsePeriodId("2026-11", 13), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(StepTest, PreviousAndNext) {
  EXPECT_EQ(Parse("2026-W53").Next().Id(), "2027-W01");
  EXPECT_EQ(Parse("2027-W01").Previous().Id(), "2026-W53");
  EXPECT_EQ(Parse("2026-W52").Next().Id(), "2026-W53");
  EXPECT_EQ(Parse("2026-12-31").Next().Id(), "2027-01-01");
  EXPECT_EQ(Parse("2024-03-01").Previous().Id(), "2024-02-29");
  EXPECT_EQ(Parse("2026-12").Next().Id(), "2027-01");
  EXPECT_EQ(Parse("2026-01").Previous().Id(), "2025-12");
  EXPECT_EQ(Parse("2026-Q4").Next().Id(), "2027-Q1");
  EXPECT_EQ(Parse("2026-Q1").Previous().Id(), "2025-Q4");
  EXPECT_EQ(Parse("2026").Next().Id(), "2027");
  EXPECT_EQ(Parse("FY2027-Q4", 4).Next().Id(), "FY2028-Q1");
  EXPECT_EQ(Parse("FY2027-Q1", 4).Previous().Id(), "FY2026-Q4");
  EXPECT_EQ(Parse("FY2027", 10).Previous().Id(), "FY2026");
  EXPECT_EQ(Parse("FY2027", 10).Next().fiscal_year_start_month(), 10);
}

TEST(WorkingDaysTest, PlainWeekdays) {
  Calendar c;
  EXPECT_EQ(Parse("2026-11").WorkingDays(c), 21);
  EXPECT_EQ(Parse("2026-W48").WorkingDays(c), 5);
  EXPECT_EQ(Parse("2026-11-28").WorkingDays(c), 0);  // Saturday
  EXPECT_EQ(Parse("2026-11-27").WorkingDays(c), 1);  // Friday
  EXPECT_EQ(Parse("2026").WorkingDays(c), 261);
}

// A National Day week: 1..7 October 2026 off, with make-up working days on
// Sunday 27 September and Saturday 10 October.
Calendar NationalDayCalendar() {
  Calendar c;
  for (int d = 1; d <= 7; ++d) c.holidays.insert(CivilDay(2026, 10, d));
  c.extra_working_days.insert(CivilDay(2026, 9, 27));
  c.extra_working_days.insert(CivilDay(2026, 10, 10));
  EXPECT_THAT(c.Validate(), IsOk());
  return c;
}

TEST(WorkingDaysTest, HolidaysAndMakeUpDays) {
  const Calendar c = NationalDayCalendar();
  EXPECT_FALSE(IsWorkingDay(CivilDay(2026, 10, 1), c));   // Thursday, holiday
  EXPECT_FALSE(IsWorkingDay(CivilDay(2026, 10, 4), c));   // Sunday, holiday
  EXPECT_TRUE(IsWorkingDay(CivilDay(2026, 10, 10), c));   // Saturday, make-up day
  EXPECT_FALSE(IsWorkingDay(CivilDay(2026, 10, 11), c));  // Sunday
  EXPECT_TRUE(IsWorkingDay(CivilDay(2026, 10, 8), c));    // Thursday
  // October 2026: 22 weekdays, 5 of them holidays, plus one make-up Saturday.
  EXPECT_EQ(Parse("2026-10").WorkingDays(c), 18);
  EXPECT_EQ(Parse("2026-10").WorkingDays(Calendar()), 22);
  // Week 39 (21..27 Sep) gains Sunday; week 40 (28 Sep..4 Oct) loses Thursday and Friday.
  EXPECT_EQ(Parse("2026-W39").WorkingDays(c), 6);
  EXPECT_EQ(Parse("2026-W40").WorkingDays(c), 3);
  EXPECT_EQ(Parse("2026-W41").WorkingDays(c), 3);            // 5..11 Oct: Thu, Fri and make-up Sat
  EXPECT_EQ(Parse("2026-Q4").WorkingDays(c), 18 + 21 + 23);  // October, November, December
}

TEST(WorkingDaysTest, ElapsedForPace) {
  const Calendar c = NationalDayCalendar();
  const Period october = Parse("2026-10");
  EXPECT_EQ(october.WorkingDaysElapsed(c, CivilDay(2026, 9, 30)), 0);
  EXPECT_EQ(october.WorkingDaysElapsed(c, CivilDay(2026, 10, 7)), 0);
  EXPECT_EQ(october.WorkingDaysElapsed(c, CivilDay(2026, 10, 8)), 1);
  EXPECT_EQ(october.WorkingDaysElapsed(c, CivilDay(2026, 10, 10)), 3);
  EXPECT_EQ(october.WorkingDaysElapsed(c, CivilDay(2026, 10, 11)), 3);
  EXPECT_EQ(october.WorkingDaysElapsed(c, CivilDay(2026, 10, 31)), 18);
  EXPECT_EQ(october.WorkingDaysElapsed(c, CivilDay(2027, 1, 1)), 18);
  // An instant is taken in the calendar's zone: 16:00Z is midnight in Shanghai.
  EXPECT_EQ(october.WorkingDaysElapsed(c, Utc(2026, 10, 8, 15, 59, 59)), 1);
  EXPECT_EQ(october.WorkingDaysElapsed(c, Utc(2026, 10, 8, 16)), 2);
}

TEST(ProtoTest, KindMapping) {
  for (PeriodKind kind : kAllKinds) {
    SCOPED_TRACE(std::string(PeriodKindName(kind)));
    EXPECT_NE(ToProto(kind), common::v1::PERIOD_KIND_UNSPECIFIED);
    EXPECT_THAT(PeriodKindFromProto(ToProto(kind)), IsOkAndHolds(kind));
    EXPECT_THAT(ParsePeriodKind(PeriodKindName(kind)), IsOkAndHolds(kind));
  }
  EXPECT_EQ(ToProto(PeriodKind::kWeek), common::v1::PERIOD_KIND_WEEK);
  EXPECT_EQ(ToProto(PeriodKind::kFiscalQuarter), common::v1::PERIOD_KIND_FISCAL_QUARTER);
  EXPECT_THAT(PeriodKindFromProto(common::v1::PERIOD_KIND_UNSPECIFIED),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(PeriodKindFromProto(static_cast<common::v1::PeriodKind>(99)),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParsePeriodKind("fortnight"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ProtoTest, PeriodMessage) {
  const Period p = Parse("FY2027-Q1", 4);
  common::v1::Period proto = ToProto(p);
  EXPECT_EQ(proto.id(), "FY2027-Q1");
  EXPECT_EQ(proto.kind(), common::v1::PERIOD_KIND_FISCAL_QUARTER);
  EXPECT_THAT(PeriodFromProto(proto, 4), IsOkAndHolds(p));

  proto.set_kind(common::v1::PERIOD_KIND_UNSPECIFIED);
  EXPECT_THAT(PeriodFromProto(proto, 4), IsOkAndHolds(p));

  proto.set_kind(common::v1::PERIOD_KIND_MONTH);
  EXPECT_THAT(PeriodFromProto(proto, 4),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("does not match")));
  proto.set_id("2026-Q5");
  EXPECT_THAT(PeriodFromProto(proto, 4), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(PeriodTest, OrderingHashAndPrinting) {
  EXPECT_TRUE(Parse("2026-10") < Parse("2026-11"));
  EXPECT_FALSE(Parse("2026-11") < Parse("2026-10"));
  absl::flat_hash_set<Period> set = {Parse("2026-11"), Parse("2026-11"), Parse("2026-Q4"),
                                     Parse("FY2026-Q4", 1)};
  EXPECT_EQ(set.size(), 3u);
  std::ostringstream os;
  os << Parse("2026-W48");
  EXPECT_EQ(os.str(), "2026-W48");
}

}  // namespace
}  // namespace salesperf
