// A seeded random sales history for tests and benches: an organisation (regions, teams,
// reps hired, moved between teams, some moves backdated, one deactivation), targets, and
// activity and feedback events (calls, visits with reschedules and cancellations, leads,
// deals opened, advanced, won, lost, reopened and cancelled with credit splits, customers,
// surveys, callbacks, complaints, risk flags). Deterministic in the seed.
#ifndef SALESPERF_SERVICES_ANALYTICS_TESTING_RANDOM_HISTORY_H_
#define SALESPERF_SERVICES_ANALYTICS_TESTING_RANDOM_HISTORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "libs/projection/event_source.h"

namespace salesperf::analytics::testing {

struct HistoryOptions {
  // Default: 3 regions of 2 teams, 24 reps.
  int regions = 3;
  int teams_per_region = 2;
  int reps = 24;
  // Days of activity from first_day. Default: 2026-01-01, 120 days.
  absl::CivilDay first_day = absl::CivilDay(2026, 1, 1);
  int days = 120;
  // Activity events to generate (approximately). Default: 6000.
  int activity_events = 6000;
  // Organisation moves (about a third backdated). Default: 12.
  int moves = 12;
  // false (default): activity and feedback are generated entity by entity, each on random
  // days, so a partition jumps back and forth over the whole range (the hardest order for
  // attribution). true: each partition is then ordered by the day its events occurred, as a
  // live system appends them (a stream's own events keep their order).
  bool in_time_order = false;
};

// One partition per source ("targets", "activity", "feedback"), each in sequence order.
struct History {
  std::vector<projection::SourcedEvent> targets;
  std::vector<projection::SourcedEvent> activity;
  std::vector<projection::SourcedEvent> feedback;
  std::vector<std::string> rep_ids;
  std::vector<std::string> team_ids;
  std::vector<std::string> region_ids;
};

History RandomHistory(uint64_t seed, const HistoryOptions& options = {});

// The three partitions merged in a random order that keeps each partition's own order
// (as a consumer of three topics may see them).
std::vector<projection::SourcedEvent> Interleave(const History& history, uint64_t seed);

}  // namespace salesperf::analytics::testing

#endif  // SALESPERF_SERVICES_ANALYTICS_TESTING_RANDOM_HISTORY_H_
