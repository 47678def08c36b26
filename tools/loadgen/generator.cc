#include "tools/loadgen/generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/period.h"

namespace salesperf::loadgen {
namespace {

// Deterministic random numbers: the engine's output is fixed by the standard; the
// conversions below are ours (std:: distributions differ between standard libraries).
class Rng {
 public:
  Rng(uint64_t seed, uint64_t stream) : engine_(Mix(seed ^ Mix(stream))) {}

  // Uniform in [lo, hi].
  int64_t Uniform(int64_t lo, int64_t hi) {
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    return lo + static_cast<int64_t>(engine_() % span);
  }
  // Uniform in [0, 1).
  double Real() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Real() < p; }
  // Standard normal (Box-Muller).
  double Normal() {
    const double u1 = 1.0 - Real();
    const double u2 = Real();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
  // An index drawn with the given weights (not all zero).
  size_t Weighted(const std::vector<int>& weights) {
    int total = 0;
    for (int w : weights) total += w;
    int64_t pick = Uniform(0, total - 1);
    for (size_t i = 0; i < weights.size(); ++i) {
      if (pick < weights[i]) return i;
      pick -= weights[i];
    }
    return weights.size() - 1;
  }
  template <typename T, size_t N>
  const T& Pick(const std::array<T, N>& items) {
    return items[static_cast<size_t>(Uniform(0, N - 1))];
  }

 private:
  // SplitMix64's finaliser: spreads a seed over all 64 bits.
  static uint64_t Mix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  std::mt19937_64 engine_;
};

// One random stream per stage, so that a change to one stage leaves the others as they
// were.
enum Stream : uint64_t {
  kOrgStream = 1,
  kCustomerStream,
  kCallStream,
  kVisitStream,
  kDealStream,
  kSurveyStream,
};

struct RegionTemplate {
  const char* id;
  const char* name;
  std::vector<City> cities;
};

const std::vector<RegionTemplate>& RegionTemplates() {
  static const auto* templates = new std::vector<RegionTemplate>{
      {"north", "华北", {{"北京", {39.9042, 116.4074}}, {"天津", {39.3434, 117.3616}}}},
      {"east",
       "华东",
       {{"上海", {31.2304, 121.4737}},
        {"杭州", {30.2741, 120.1551}},
        {"南京", {32.0603, 118.7969}}}},
      {"south", "华南", {{"广州", {23.1291, 113.2644}}, {"深圳", {22.5431, 114.0579}}}},
      {"west",
       "西部",
       {{"成都", {30.5728, 104.0668}},
        {"重庆", {29.5630, 106.5516}},
        {"西安", {34.3416, 108.9398}}}},
      {"central", "华中", {{"武汉", {30.5928, 114.3055}}, {"长沙", {28.2282, 112.9388}}}},
      {"northeast", "东北", {{"沈阳", {41.8057, 123.4315}}, {"哈尔滨", {45.8038, 126.5350}}}},
  };
  return *templates;
}

constexpr std::array<const char*, 40> kSurnames = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱",
    "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯",
    "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡"};
constexpr std::array<const char*, 48> kGivenNames = {
    "伟",   "芳",   "娜",   "敏",   "静",   "丽",   "强",   "磊",   "军",   "洋",   "勇",   "艳",
    "杰",   "娟",   "涛",   "明",   "超",   "秀英", "霞",   "平",   "刚",   "桂英", "浩",   "宇",
    "欣",   "婷",   "晨",   "思远", "子涵", "雨桐", "梓萱", "俊杰", "嘉怡", "浩然", "晓东", "建华",
    "志强", "海燕", "文博", "佳琪", "一鸣", "欣怡", "天佑", "雅静", "鹏飞", "晓燕", "国庆", "丽华"};
constexpr std::array<const char*, 32> kCompanyPrefixes = {
    "恒达", "华信", "远航", "金桥", "瑞丰", "博创", "天成", "盛世", "中联", "鼎新", "宏图",
    "佳禾", "新锐", "永泰", "海纳", "长风", "众诚", "卓越", "安联", "星辰", "汇通", "东方",
    "正泰", "云帆", "同创", "聚源", "嘉禾", "锦程", "华润", "明德", "润泽", "启明"};
constexpr std::array<const char*, 12> kIndustries = {
    "科技", "机械", "医药", "物流", "食品", "建材", "电子", "贸易", "化工", "服饰", "能源", "传媒"};
constexpr std::array<const char*, 4> kProductLines = {"crm_suite", "analytics", "services",
                                                      "hardware"};
constexpr std::array<const char*, 4> kProductNames = {"CRM 套件", "数据分析平台", "实施服务",
                                                      "智能终端"};
constexpr std::array<const char*, 5> kVisitPurposes = {"产品演示", "需求调研", "商务洽谈",
                                                       "售后回访", "合同签署"};
constexpr std::array<const char*, 4> kLostReasons = {"价格过高", "选择了竞争对手", "预算取消",
                                                     "需求变更"};
constexpr std::array<const char*, 10> kTeamOrdinals = {"一", "二", "三", "四", "五",
                                                       "六", "七", "八", "九", "十"};

constexpr double kMetersPerDegree = 111'320.0;

GeoPoint Offset(const GeoPoint& center, double north_m, double east_m) {
  const double lat = center.latitude + north_m / kMetersPerDegree;
  const double lon =
      center.longitude + east_m / (kMetersPerDegree * std::cos(center.latitude * M_PI / 180.0));
  // Six decimals (about 0.1 m), as a phone reports them.
  return {std::round(lat * 1e6) / 1e6, std::round(lon * 1e6) / 1e6};
}

// A point `meters` away from `center` in a random direction.
GeoPoint AtDistance(Rng& rng, const GeoPoint& center, double meters) {
  const double angle = rng.Real() * 2.0 * M_PI;
  return Offset(center, meters * std::cos(angle), meters * std::sin(angle));
}

bool IsWorkingDay(absl::CivilDay day) {
  const absl::Weekday w = absl::GetWeekday(day);
  return w != absl::Weekday::saturday && w != absl::Weekday::sunday;
}

absl::Time LocalTime(absl::CivilDay day, int hour, int minute, int second = 0) {
  return absl::FromCivil(
      absl::CivilSecond(day.year(), day.month(), day.day(), hour, minute, second), DemoTimeZone());
}

absl::CivilDay LastDayOfMonth(absl::CivilMonth month) { return absl::CivilDay(month + 1) - 1; }

absl::Status Validate(const GeneratorOptions& o) {
  const int max_regions = static_cast<int>(RegionTemplates().size());
  if (o.regions < 1 || o.regions > max_regions) {
    return absl::InvalidArgumentError(
        absl::StrCat("regions must be 1..", max_regions, ", not ", o.regions));
  }
  if (o.teams < o.regions || o.teams > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("teams must be at least the regions (", o.regions, ") and at most 1000"));
  }
  if (o.reps < o.teams || o.reps > 100'000) {
    return absl::InvalidArgumentError(
        absl::StrCat("reps must be at least the teams (", o.teams, ") and at most 100000"));
  }
  if (o.customers < o.reps || o.customers > 10'000'000) {
    return absl::InvalidArgumentError(
        absl::StrCat("customers must be at least the reps (", o.reps, ") and at most 10000000"));
  }
  if (o.history_days < 1 || o.history_days > 400) {
    return absl::InvalidArgumentError("history_days must be 1..400");
  }
  if (o.calls_per_rep_day < 0 || o.visits_per_rep_week < 0 || o.deals_per_rep_month < 0 ||
      o.survey_percent < 0 || o.survey_percent > 100) {
    return absl::InvalidArgumentError(
        "activity rates must be non-negative and survey_percent at most 100");
  }
  return absl::OkStatus();
}

void GenerateOrg(DemoData& d) {
  const GeneratorOptions& o = d.options;
  Rng rng(o.seed, kOrgStream);
  d.company_name = "华夏智联科技有限公司";
  for (int r = 0; r < o.regions; ++r) {
    const RegionTemplate& t = RegionTemplates()[static_cast<size_t>(r)];
    d.regions.push_back({t.id, t.name, absl::StrCat("mgr-", t.id), t.cities});
  }
  // Teams go round the regions, and within a region round its cities.
  std::vector<int> teams_in_region(d.regions.size(), 0);
  std::vector<std::vector<int>> teams_in_city(d.regions.size());
  for (size_t r = 0; r < d.regions.size(); ++r)
    teams_in_city[r].assign(d.regions[r].cities.size(), 0);
  for (int i = 0; i < o.teams; ++i) {
    const int r = i % o.regions;
    const RegionSpec& region = d.regions[static_cast<size_t>(r)];
    const size_t c =
        static_cast<size_t>(teams_in_region[static_cast<size_t>(r)]++) % region.cities.size();
    const int ordinal = teams_in_city[static_cast<size_t>(r)][c]++;
    TeamSpec team;
    team.team_id = absl::StrFormat("team-%02d", i + 1);
    team.region = r;
    team.city = region.cities[c];
    team.name = absl::StrCat(team.city.name, "销售",
                             ordinal < static_cast<int>(kTeamOrdinals.size())
                                 ? kTeamOrdinals[static_cast<size_t>(ordinal)]
                                 : std::to_string(ordinal + 1).c_str(),
                             "部");
    team.manager_id = absl::StrFormat("mgr-team-%02d", i + 1);
    d.teams.push_back(std::move(team));
  }
  for (int i = 0; i < o.reps; ++i) {
    RepSpec rep;
    rep.rep_id = absl::StrFormat("rep-%03d", i + 1);
    rep.display_name = absl::StrCat(rng.Pick(kSurnames), rng.Pick(kGivenNames));
    rep.team = i % o.teams;
    rep.weight = static_cast<int>(std::clamp(std::lround(100.0 + 22.0 * rng.Normal()), 60L, 140L));
    d.reps.push_back(std::move(rep));
  }
  // Distinct reps for the suspicious patterns, spread over the organisation.
  const std::array<Suspicion, 4> patterns = {Suspicion::kShortCalls, Suspicion::kFarCheckIns,
                                             Suspicion::kFrequentReschedules,
                                             Suspicion::kWonThenCancelled};
  for (size_t p = 0; p < patterns.size() && p < d.reps.size(); ++p) {
    for (;;) {
      RepSpec& rep = d.reps[static_cast<size_t>(rng.Uniform(0, o.reps - 1))];
      if (rep.suspicion != Suspicion::kNone) continue;
      rep.suspicion = patterns[p];
      break;
    }
  }
}

void GenerateCustomers(DemoData& d, std::vector<std::vector<int>>& by_rep) {
  const GeneratorOptions& o = d.options;
  Rng rng(o.seed, kCustomerStream);
  by_rep.assign(d.reps.size(), {});
  const int span = static_cast<int>(o.today - d.org_start);
  for (int i = 0; i < o.customers; ++i) {
    CustomerSpec c;
    c.customer_id = absl::StrFormat("cust-%05d", i + 1);
    c.external_id = absl::StrFormat("crm-%07d", 1000000 + i + 1);
    // Every rep owns at least one customer; the rest fall at random.
    c.owner = i < o.reps ? i : static_cast<int>(rng.Uniform(0, o.reps - 1));
    const TeamSpec& team = d.teams[static_cast<size_t>(d.reps[static_cast<size_t>(c.owner)].team)];
    c.name =
        absl::StrCat(team.city.name, rng.Pick(kCompanyPrefixes), rng.Pick(kIndustries), "有限公司");
    // Within about 8 km of the city centre (a normal spread, cut at 25 km).
    const double north = std::clamp(8000.0 * rng.Normal(), -25000.0, 25000.0);
    const double east = std::clamp(8000.0 * rng.Normal(), -25000.0, 25000.0);
    c.location = Offset(team.city.center, north, east);
    const size_t type = rng.Weighted({20, 60, 20});
    c.customer_type = type == 0 ? "enterprise" : type == 1 ? "smb" : "public_sector";
    // Most customers predate the history; some were won during it.
    c.registered_on =
        rng.Chance(0.8) ? d.org_start : d.org_start + rng.Uniform(0, std::max(0, span - 1));
    by_rep[static_cast<size_t>(c.owner)].push_back(i);
    d.customers.push_back(std::move(c));
  }
}

// A customer of `rep` registered on or before `day` (the rep's first customer predates
// the history).
int CustomerOf(Rng& rng, const DemoData& d, const std::vector<int>& owned, absl::CivilDay day) {
  for (int attempt = 0; attempt < 4; ++attempt) {
    const int c =
        owned[static_cast<size_t>(rng.Uniform(0, static_cast<int64_t>(owned.size()) - 1))];
    if (d.customers[static_cast<size_t>(c)].registered_on <= day) return c;
  }
  return owned.front();
}

void GenerateCalls(DemoData& d, const std::vector<std::vector<int>>& by_rep) {
  const GeneratorOptions& o = d.options;
  Rng rng(o.seed, kCallStream);
  int64_t serial = 0;
  auto add = [&](int rep, int customer, absl::Time at, CallResult result, int64_t duration) {
    CallSpec call;
    call.external_call_id = absl::StrFormat("pbx-%08d", ++serial);
    call.rep = rep;
    call.customer = customer;
    call.inbound = rng.Chance(0.15);
    call.started_at = at;
    call.result = result;
    call.duration_seconds = result == CallResult::kConnected ? duration : 0;
    d.calls.push_back(call);
  };
  for (absl::CivilDay day = d.first_activity_day; day < o.today; ++day) {
    if (!IsWorkingDay(day)) continue;
    for (size_t r = 0; r < d.reps.size(); ++r) {
      const int rep = static_cast<int>(r);
      const int mean = o.calls_per_rep_day;
      const int n = mean == 0 ? 0 : static_cast<int>(rng.Uniform(mean * 6 / 10, mean * 14 / 10));
      for (int k = 0; k < n; ++k) {
        const absl::Time at =
            LocalTime(day, static_cast<int>(rng.Uniform(9, 17)),
                      static_cast<int>(rng.Uniform(0, 59)), static_cast<int>(rng.Uniform(0, 59)));
        const size_t outcome = rng.Weighted({55, 25, 8, 10, 2});
        const auto result = static_cast<CallResult>(outcome);
        // Talk time: mostly one to six minutes, a few long calls.
        const int64_t duration =
            std::clamp<int64_t>(std::llround(std::exp(5.0 + 0.8 * rng.Normal())), 12, 3600);
        add(rep, CustomerOf(rng, d, by_rep[r], day), at, result, duration);
      }
      // Padding the call count with calls hung up after a few seconds, on a third of days.
      if (d.reps[r].suspicion == Suspicion::kShortCalls && rng.Chance(0.35)) {
        const absl::Time start = LocalTime(day, 16, static_cast<int>(rng.Uniform(0, 20)));
        const int extra = static_cast<int>(rng.Uniform(14, 20));
        for (int k = 0; k < extra; ++k) {
          add(rep, CustomerOf(rng, d, by_rep[r], day), start + absl::Seconds(40 * k),
              CallResult::kConnected, rng.Uniform(2, 8));
        }
      }
    }
  }
}

void GenerateVisits(DemoData& d, const std::vector<std::vector<int>>& by_rep) {
  const GeneratorOptions& o = d.options;
  Rng rng(o.seed, kVisitStream);
  int serial = 0;
  const double per_day = o.visits_per_rep_week / 5.0;
  const absl::CivilDay last_week = o.today - 7;
  for (absl::CivilDay day = d.first_activity_day; day < o.today; ++day) {
    if (!IsWorkingDay(day)) continue;
    for (size_t r = 0; r < d.reps.size(); ++r) {
      const Suspicion suspicion = d.reps[r].suspicion;
      // The rep who keeps moving plans does it in the last week, on most days.
      const bool juggling = suspicion == Suspicion::kFrequentReschedules && day >= last_week;
      int n = 0;
      for (double p = juggling ? 2.0 : per_day; p > 0; p -= 1.0) n += rng.Chance(p) ? 1 : 0;
      for (int k = 0; k < n; ++k) {
        VisitSpec v;
        v.visit_id = absl::StrFormat("visit-%06d", ++serial);
        v.rep = static_cast<int>(r);
        v.customer = CustomerOf(rng, d, by_rep[r], day);
        v.purpose = rng.Pick(kVisitPurposes);
        const std::array<int, 3> hours = {10, 14, 16};
        v.planned_at = LocalTime(day, rng.Pick(hours), 0);
        // The plan was first made for a day or two later and moved forward.
        if (juggling) {
          v.planned_at = LocalTime(day + 2, 10, 0);
          v.reschedules = {LocalTime(day + 1, 15, 0), LocalTime(day, 14, 0)};
          if (rng.Chance(0.4)) v.cancelled = true;
        } else if (rng.Chance(0.08)) {
          v.reschedules = {LocalTime(day, 16, 30)};
          v.planned_at = LocalTime(day - 1, 10, 0);
        }
        if (!v.cancelled && rng.Chance(0.04)) v.cancelled = true;
        if (v.cancelled) {
          d.visits.push_back(std::move(v));
          continue;
        }
        const absl::Time planned = v.reschedules.empty() ? v.planned_at : v.reschedules.back();
        const GeoPoint& site = d.customers[static_cast<size_t>(v.customer)].location;
        const double distance = suspicion == Suspicion::kFarCheckIns && rng.Chance(0.5)
                                    ? 2500.0 + 6000.0 * rng.Real()
                                    : 20.0 + 160.0 * rng.Real();
        v.without_check_in = rng.Chance(0.015);
        v.checked_in_at = planned + absl::Minutes(rng.Uniform(-15, 20));
        v.check_in_position = AtDistance(rng, site, distance);
        v.checked_out_at = v.checked_in_at + absl::Minutes(rng.Uniform(25, 95));
        v.result = static_cast<VisitResult>(rng.Weighted({50, 30, 12, 8}));
        d.visits.push_back(std::move(v));
      }
    }
  }
}

void GenerateDeals(DemoData& d, const std::vector<std::vector<int>>& by_rep) {
  const GeneratorOptions& o = d.options;
  Rng rng(o.seed, kDealStream);
  int serial = 0;
  const int days = static_cast<int>(o.today - d.first_activity_day);
  for (size_t r = 0; r < d.reps.size(); ++r) {
    const RepSpec& rep = d.reps[r];
    const double expected = o.deals_per_rep_month * (days / 30.0) * rep.weight / 100.0;
    const int n = static_cast<int>(std::lround(expected * (0.8 + 0.4 * rng.Real())));
    for (int k = 0; k < n; ++k) {
      DealSpec deal;
      deal.deal_id = absl::StrFormat("deal-%05d", ++serial);
      deal.rep = static_cast<int>(r);
      deal.opened_on = d.first_activity_day + rng.Uniform(0, std::max(0, days - 1));
      deal.customer = CustomerOf(rng, d, by_rep[r], deal.opened_on);
      const size_t product = static_cast<size_t>(rng.Uniform(0, kProductLines.size() - 1));
      deal.product_line = kProductLines[product];
      deal.title = absl::StrCat(kProductNames[product], "项目");
      const std::string& type = d.customers[static_cast<size_t>(deal.customer)].customer_type;
      const int64_t lo = type == "enterprise" ? 150'000 : type == "smb" ? 20'000 : 80'000;
      const int64_t hi = type == "enterprise" ? 800'000 : type == "smb" ? 150'000 : 500'000;
      // Whole hundreds of yuan, in fen.
      deal.amount_minor = rng.Uniform(lo / 100, hi / 100) * 100 * 100;
      deal.expected_close = deal.opened_on + rng.Uniform(14, 50);
      const absl::CivilDay close = deal.opened_on + rng.Uniform(10, 45);
      if (close < o.today) {
        const size_t end = rng.Weighted({20, 48, 32});
        deal.end = static_cast<DealEnd>(end);
        deal.closed_on = close;
      }
      deal.stages_passed = static_cast<int>(rng.Uniform(deal.end == DealEnd::kWon ? 1 : 0, 2));
      if (deal.end == DealEnd::kLost) deal.lost_reason = rng.Pick(kLostReasons);
      d.deals.push_back(std::move(deal));
    }
    // Won two days before a month's end, cancelled early the next month: revenue pulled
    // into a period and given back after it.
    if (rep.suspicion == Suspicion::kWonThenCancelled) {
      absl::CivilMonth month = absl::CivilMonth(o.today) - 1;
      while (absl::CivilDay(month + 1) + 2 >= o.today) --month;
      DealSpec deal;
      deal.deal_id = absl::StrFormat("deal-%05d", ++serial);
      deal.rep = static_cast<int>(r);
      deal.closed_on = LastDayOfMonth(month) - 1;
      deal.opened_on = std::max(d.org_start, deal.closed_on - 20);
      deal.customer = CustomerOf(rng, d, by_rep[r], deal.opened_on);
      deal.product_line = kProductLines[0];
      deal.title = absl::StrCat(kProductNames[0], "项目");
      deal.amount_minor = 680'000 * 100;
      deal.expected_close = deal.closed_on;
      deal.stages_passed = 2;
      deal.end = DealEnd::kWon;
      deal.cancelled_on = absl::CivilDay(month + 1) + 2;
      d.deals.push_back(std::move(deal));
    }
  }
}

void GenerateSurveys(DemoData& d) {
  const GeneratorOptions& o = d.options;
  Rng rng(o.seed, kSurveyStream);
  const double share = o.survey_percent / 100.0;
  auto add = [&](int rep, int customer, TouchpointKind kind, const std::string& id,
                 double answer_rate) {
    SurveySpec s;
    s.survey_request_id = absl::StrCat("sr-", id);
    s.rep = rep;
    s.customer = customer;
    s.touchpoint_kind = kind;
    s.touchpoint_id = id;
    s.answered = rng.Chance(answer_rate);
    if (s.answered) {
      s.csat = 5 - static_cast<int>(rng.Weighted({40, 35, 15, 6, 4}));
      const std::array<std::pair<int, int>, 6> nps_by_csat = {std::pair{0, 0}, std::pair{0, 4},
                                                              std::pair{2, 6}, std::pair{5, 8},
                                                              std::pair{7, 9}, std::pair{8, 10}};
      const auto [lo, hi] = nps_by_csat[static_cast<size_t>(s.csat)];
      s.nps = static_cast<int>(rng.Uniform(lo, hi));
    }
    d.surveys.push_back(std::move(s));
  };
  for (const VisitSpec& v : d.visits) {
    if (!v.cancelled && rng.Chance(share))
      add(v.rep, v.customer, TouchpointKind::kVisit, v.visit_id, 0.7);
  }
  for (const DealSpec& deal : d.deals) {
    if (deal.end == DealEnd::kWon && rng.Chance(std::min(1.0, share * 1.5))) {
      add(deal.rep, deal.customer, TouchpointKind::kDeal, deal.deal_id, 0.8);
    }
  }
}

void SetRevenueTarget(DemoData& d) {
  int64_t won = 0;
  for (const DealSpec& deal : d.deals) {
    if (deal.end == DealEnd::kWon && !deal.cancelled_on) won += deal.amount_minor;
  }
  const int days = static_cast<int>(d.options.today - d.first_activity_day);
  // The average month plus 15% stretch, in whole 10,000 CNY (1,000,000 fen).
  const double monthly = static_cast<double>(won) * 30.4 / std::max(1, days) * 1.15;
  const int64_t unit = 1'000'000;
  d.monthly_revenue_target_minor =
      std::max<int64_t>(unit * static_cast<int64_t>(d.reps.size()),
                        static_cast<int64_t>(std::llround(monthly / unit)) * unit);
}

}  // namespace

std::string SuspicionName(Suspicion suspicion) {
  switch (suspicion) {
    case Suspicion::kNone:
      return "none";
    case Suspicion::kShortCalls:
      return "short_connected_calls";
    case Suspicion::kFarCheckIns:
      return "check_in_too_far";
    case Suspicion::kFrequentReschedules:
      return "frequent_plan_changes";
    case Suspicion::kWonThenCancelled:
      return "won_then_cancelled";
  }
  return "unknown";
}

absl::TimeZone DemoTimeZone() {
  static const absl::TimeZone* zone = [] {
    absl::StatusOr<absl::TimeZone> loaded = LoadTimeZone(kDemoTimeZone);
    return new absl::TimeZone(loaded.ok() ? *loaded : DefaultTimeZone());
  }();
  return *zone;
}

std::string DayId(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

double DistanceMeters(const GeoPoint& a, const GeoPoint& b) {
  constexpr double kEarthRadius = 6'371'000.0;
  const double to_rad = M_PI / 180.0;
  const double dlat = (b.latitude - a.latitude) * to_rad;
  const double dlon = (b.longitude - a.longitude) * to_rad;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.latitude * to_rad) * std::cos(b.latitude * to_rad) *
                       std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadius * std::asin(std::min(1.0, std::sqrt(h)));
}

absl::StatusOr<DemoData> GenerateDemo(const GeneratorOptions& options) {
  if (absl::Status s = Validate(options); !s.ok()) return s;
  DemoData d;
  d.options = options;
  d.first_activity_day = options.today - options.history_days;
  // The first of the month before the history and before the current quarter starts.
  const absl::CivilMonth this_month(options.today);
  const absl::CivilMonth quarter_start(this_month.year(), (this_month.month() - 1) / 3 * 3 + 1);
  d.org_start = absl::CivilDay(std::min(absl::CivilMonth(d.first_activity_day), quarter_start) - 1);
  GenerateOrg(d);
  std::vector<std::vector<int>> by_rep;
  GenerateCustomers(d, by_rep);
  GenerateCalls(d, by_rep);
  GenerateVisits(d, by_rep);
  GenerateDeals(d, by_rep);
  GenerateSurveys(d);
  SetRevenueTarget(d);
  return d;
}

}  // namespace salesperf::loadgen
