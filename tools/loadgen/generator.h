// The demo organisation and its history, generated in memory from a seed.
//
// GenerateDemo is pure: the same options (seed, sizes, today) give the same DemoData,
// field for field, on every machine (its random numbers come from std::mt19937_64, whose
// output the standard fixes, and never from std:: distributions, whose output it does
// not). Ids are derived from the seed and the entity's position ("rep-007",
// "cust-00042"), so seeding the same data twice names the same entities.
//
// What is generated: regions with Chinese names and real cities, teams per city, reps
// with generated Chinese names and a seniority weight, customers within a few kilometres
// of their rep's city, and for the history_days before today: calls, visits (check-ins
// near the customer), deals through their stages, survey answers. A few reps carry a
// suspicious pattern (Suspicion) that the activity service's 跑单 rules should flag.
//
// Thread safety: the functions are pure; DemoData is a plain value.
#ifndef SALESPERF_TOOLS_LOADGEN_GENERATOR_H_
#define SALESPERF_TOOLS_LOADGEN_GENERATOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace salesperf::loadgen {

inline constexpr char kDemoTimeZone[] = "Asia/Shanghai";
inline constexpr char kDemoCurrency[] = "CNY";

struct GeneratorOptions {
  // Default: 20261123.
  uint64_t seed = 20261123;
  // 1..6 regions (华北, 华东, 华南, 西部, 华中, 东北). Default: 4.
  int regions = 4;
  // At least `regions`. Default: 12.
  int teams = 12;
  // At least `teams`. Default: 120.
  int reps = 120;
  // At least `reps` (every rep owns one). Default: 3000.
  int customers = 3000;
  // Days of activity before `today` (1..400). Default: 91.
  int history_days = 91;
  // The day the demo is seeded, in Asia/Shanghai; activity ends the day before.
  // Default: 2026-11-23.
  absl::CivilDay today = absl::CivilDay(2026, 11, 23);
  // Mean calls a rep logs per working day. Default: 6.
  int calls_per_rep_day = 6;
  // Mean visits a rep makes per week. Default: 2.
  int visits_per_rep_week = 2;
  // Mean deals a rep of weight 100 opens per month. Default: 3.
  int deals_per_rep_month = 3;
  // Share of completed visits and won deals whose customer is sent a survey, in percent.
  // Default: 40.
  int survey_percent = 40;
  friend bool operator==(const GeneratorOptions&, const GeneratorOptions&) = default;
};

// A pattern the 跑单 risk rules should find.
enum class Suspicion {
  kNone,
  // Days with many connected calls under ten seconds.
  kShortCalls,
  // Check-ins kilometres away from the customer.
  kFarCheckIns,
  // Visit plans rescheduled and cancelled again and again within a week.
  kFrequentReschedules,
  // A deal won in the last days of a month and cancelled after the month ended.
  kWonThenCancelled,
};
std::string SuspicionName(Suspicion suspicion);

struct GeoPoint {
  double latitude = 0;
  double longitude = 0;
  friend bool operator==(const GeoPoint&, const GeoPoint&) = default;
};

struct City {
  std::string name;
  GeoPoint center;
  friend bool operator==(const City&, const City&) = default;
};

struct RegionSpec {
  std::string region_id;
  std::string name;
  std::string manager_id;
  std::vector<City> cities;
  friend bool operator==(const RegionSpec&, const RegionSpec&) = default;
};

struct TeamSpec {
  std::string team_id;
  int region = 0;  // index into DemoData::regions
  std::string name;
  std::string manager_id;
  City city;
  friend bool operator==(const TeamSpec&, const TeamSpec&) = default;
};

struct RepSpec {
  std::string rep_id;
  std::string display_name;
  int team = 0;  // index into DemoData::teams
  // Seniority: deals and target shares scale with it (60..140, 100 is typical).
  int weight = 100;
  Suspicion suspicion = Suspicion::kNone;
  friend bool operator==(const RepSpec&, const RepSpec&) = default;
};

struct CustomerSpec {
  std::string customer_id;
  std::string external_id;
  std::string name;
  GeoPoint location;
  int owner = 0;              // index into DemoData::reps
  std::string customer_type;  // "enterprise", "smb", "public_sector"
  absl::CivilDay registered_on;
  friend bool operator==(const CustomerSpec&, const CustomerSpec&) = default;
};

enum class CallResult { kConnected, kNoAnswer, kBusy, kVoicemail, kWrongNumber };

struct CallSpec {
  std::string external_call_id;
  int rep = 0;
  int customer = 0;
  bool inbound = false;
  absl::Time started_at;
  int64_t duration_seconds = 0;
  CallResult result = CallResult::kConnected;
  friend bool operator==(const CallSpec&, const CallSpec&) = default;
};

enum class VisitResult { kCompleted, kFollowUp, kOrderTaken, kCustomerAbsent };

struct VisitSpec {
  std::string visit_id;
  int rep = 0;
  int customer = 0;
  absl::Time planned_at;
  std::string purpose;
  // Each reschedule moves the plan to the next time, in order.
  std::vector<absl::Time> reschedules;
  bool cancelled = false;
  // Reported done without a check-in (no check-in, no check-out).
  bool without_check_in = false;
  absl::Time checked_in_at;
  GeoPoint check_in_position;
  absl::Time checked_out_at;
  VisitResult result = VisitResult::kCompleted;
  friend bool operator==(const VisitSpec&, const VisitSpec&) = default;
};

enum class DealEnd { kOpen, kWon, kLost };

struct DealSpec {
  std::string deal_id;
  int rep = 0;
  int customer = 0;
  std::string title;
  std::string product_line;
  int64_t amount_minor = 0;
  absl::CivilDay opened_on;
  absl::CivilDay expected_close;
  // Stages after qualified it passed through: 0 none, 1 proposal, 2 proposal+negotiation.
  int stages_passed = 0;
  DealEnd end = DealEnd::kOpen;
  // Won or lost on (kWon, kLost).
  absl::CivilDay closed_on;
  std::string lost_reason;
  // Set for a won deal that the customer withdrew.
  std::optional<absl::CivilDay> cancelled_on;
  friend bool operator==(const DealSpec&, const DealSpec&) = default;
};

enum class TouchpointKind { kVisit, kDeal };

struct SurveySpec {
  std::string survey_request_id;
  int rep = 0;
  int customer = 0;
  TouchpointKind touchpoint_kind = TouchpointKind::kVisit;
  std::string touchpoint_id;
  bool answered = false;
  int csat = 0;  // 1..5 when answered
  int nps = 0;   // 0..10 when answered
  friend bool operator==(const SurveySpec&, const SurveySpec&) = default;
};

struct DemoData {
  GeneratorOptions options;
  std::string company_name;
  // The organisation exists from this day (the first of a month, before all activity
  // and before the current quarter).
  absl::CivilDay org_start;
  // Activity covers [first_activity_day, today - 1].
  absl::CivilDay first_activity_day;
  std::vector<RegionSpec> regions;
  std::vector<TeamSpec> teams;
  std::vector<RepSpec> reps;
  std::vector<CustomerSpec> customers;
  std::vector<CallSpec> calls;
  std::vector<VisitSpec> visits;
  std::vector<DealSpec> deals;
  std::vector<SurveySpec> surveys;
  // The company's monthly revenue target in minor units (CNY fen): the history's
  // average monthly won revenue plus a stretch, rounded to 10,000 CNY.
  int64_t monthly_revenue_target_minor = 0;
  friend bool operator==(const DemoData&, const DemoData&) = default;
};

// INVALID_ARGUMENT when the sizes are out of range (see GeneratorOptions).
absl::StatusOr<DemoData> GenerateDemo(const GeneratorOptions& options);

// Asia/Shanghai (or UTC+8 if the tz database lacks it).
absl::TimeZone DemoTimeZone();

// "YYYY-MM-DD".
std::string DayId(absl::CivilDay day);

// Great-circle distance in metres.
double DistanceMeters(const GeoPoint& a, const GeoPoint& b);

}  // namespace salesperf::loadgen

#endif  // SALESPERF_TOOLS_LOADGEN_GENERATOR_H_
