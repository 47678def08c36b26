#include "libs/common/clock.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace salesperf {
namespace {

TEST(FakeClockTest, StartsWhereToldAndMovesOnlyWhenTold) {
  const absl::Time start = absl::FromUnixSeconds(1'800'000'000);
  FakeClock clock(start);
  EXPECT_EQ(clock.Now(), start);
  EXPECT_EQ(clock.Now(), start);
  clock.Advance(absl::Seconds(90));
  EXPECT_EQ(clock.Now(), start + absl::Seconds(90));
  clock.Set(absl::UnixEpoch());
  EXPECT_EQ(clock.Now(), absl::UnixEpoch());
  clock.Advance(-absl::Hours(1));  // clocks can be stepped back, as real ones are
  EXPECT_EQ(clock.Now(), absl::UnixEpoch() - absl::Hours(1));
}

TEST(FakeClockTest, DefaultStartIsFixed) {
  EXPECT_EQ(FakeClock().Now(), absl::FromUnixSeconds(1'795'000'000));
}

TEST(FakeClockTest, UsableThroughTheInterface) {
  FakeClock fake;
  Clock* clock = &fake;
  fake.Advance(absl::Milliseconds(5));
  EXPECT_EQ(clock->Now(), absl::FromUnixSeconds(1'795'000'000) + absl::Milliseconds(5));
}

TEST(FakeClockTest, ConcurrentAdvancesAreNotLost) {
  FakeClock clock(absl::UnixEpoch());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&clock] {
      for (int i = 0; i < 1000; ++i) {
        clock.Advance(absl::Milliseconds(1));
        (void)clock.Now();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(clock.Now(), absl::UnixEpoch() + absl::Seconds(4));
}

TEST(RealClockTest, IsOneSharedInstance) {
  ASSERT_NE(RealClock(), nullptr);
  EXPECT_EQ(RealClock(), RealClock());
  EXPECT_NE(RealClock()->Now(), absl::InfiniteFuture());
}

}  // namespace
}  // namespace salesperf
