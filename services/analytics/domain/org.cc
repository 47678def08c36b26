#include "services/analytics/domain/org.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"

namespace salesperf::analytics {

Placement PlacementOn(const v1::RepRow& rep, std::string_view day) {
  Placement placement;
  for (const v1::Assignment& a : rep.assignments()) {
    if (a.from_day() > day) break;
    placement = Placement{a.team_id(), a.region_id()};
  }
  return placement;
}

void Assign(v1::RepRow& rep, const v1::Assignment& assignment) {
  auto* list = rep.mutable_assignments();
  auto it = std::lower_bound(
      list->begin(), list->end(), assignment.from_day(),
      [](const v1::Assignment& a, const std::string& day) { return a.from_day() < day; });
  if (it != list->end() && it->from_day() == assignment.from_day()) {
    *it = assignment;
    return;
  }
  const int index = static_cast<int>(it - list->begin());
  list->Add()->CopyFrom(assignment);
  for (int i = list->size() - 1; i > index; --i) list->SwapElements(i, i - 1);
}

std::vector<Stint> StintsWithin(const v1::RepRow& rep, std::string_view first,
                                std::string_view last) {
  std::vector<Stint> out;
  if (first > last) return out;
  absl::CivilDay first_day;
  absl::CivilDay last_day;
  if (!ParseDay(first, &first_day) || !ParseDay(last, &last_day)) return out;
  // Boundaries: `first`, then each assignment day inside (first, last].
  std::vector<std::string> starts = {std::string(first)};
  for (const v1::Assignment& a : rep.assignments()) {
    if (a.from_day() > first && a.from_day() <= last) starts.push_back(a.from_day());
  }
  for (size_t i = 0; i < starts.size(); ++i) {
    Stint stint;
    stint.first = starts[i];
    if (i + 1 < starts.size()) {
      absl::CivilDay next;
      ParseDay(starts[i + 1], &next);
      stint.last = DayId(next - 1);
    } else {
      stint.last = std::string(last);
    }
    stint.placement = PlacementOn(rep, stint.first);
    out.push_back(std::move(stint));
  }
  return out;
}

std::string DayId(absl::CivilDay day) {
  const int64_t year = day.year();
  // By hand: folding calls this per event, and StrFormat was ~6 % of a fold.
  if (year < 0 || year > 9999) {
    return absl::StrFormat("%04d-%02d-%02d", year, day.month(), day.day());
  }
  const auto digit = [](int64_t n) { return static_cast<char>('0' + n % 10); };
  return std::string{digit(year / 1000),
                     digit(year / 100),
                     digit(year / 10),
                     digit(year),
                     '-',
                     digit(day.month() / 10),
                     digit(day.month()),
                     '-',
                     digit(day.day() / 10),
                     digit(day.day())};
}

bool ParseDay(std::string_view id, absl::CivilDay* day) {
  if (id.size() != 10 || id[4] != '-' || id[7] != '-') return false;
  int y = 0;
  int m = 0;
  int d = 0;
  if (!absl::SimpleAtoi(absl::string_view(id.data(), 4), &y) ||
      !absl::SimpleAtoi(absl::string_view(id.data() + 5, 2), &m) ||
      !absl::SimpleAtoi(absl::string_view(id.data() + 8, 2), &d)) {
    return false;
  }
  const absl::CivilDay parsed(y, m, d);
  if (parsed.year() != y || parsed.month() != m || parsed.day() != d) return false;
  *day = parsed;
  return true;
}

}  // namespace salesperf::analytics
