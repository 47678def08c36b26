// With kafka_brokers set, TargetsService runs an outbox relay that publishes every event
// of its store to salesperf.targets.events.v1 (here: librdkafka's mock cluster through
// salesperf-devkafka) and keeps its cursor in <data-dir>/targets/outbox.cursor.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/bus/cursor_store.h"
#include "libs/testing/dev_kafka.h"
#include "libs/testing/status_matchers.h"
#include "libs/testing/temp_dir.h"
#include "services/targets/targets_service.h"

namespace salesperf::targets {
namespace {

TEST(TargetsKafkaTest, RelayPublishesEveryEventAndSavesItsCursor) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<salesperf::testing::DevKafka> kafka,
                       salesperf::testing::DevKafka::Start());
  salesperf::testing::TempDir dir;
  FakeClock clock;
  TargetsServiceOptions options;
  options.env.data_dir = dir.path().string();
  options.env.clock = &clock;
  options.env.kafka.brokers = kafka->bootstrap();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<TargetsService> service, TargetsService::Open(options));
  ASSERT_NE(service->relay(), nullptr);
  ASSERT_OK(service->Start());

  CallContext ctx{"ceo", ""};
  v1::CreateRegionRequest region;
  region.set_request_id("r1");
  region.set_region_id("east");
  region.set_name("East");
  ASSERT_OK(service->application().CreateRegion(ctx, region));
  v1::CreateTeamRequest team;
  team.set_request_id("r2");
  team.set_team_id("t-sh");
  team.set_region_id("east");
  team.set_name("Shanghai");
  ASSERT_OK(service->application().CreateTeam(ctx, team));
  const uint64_t head = service->store().HeadSequence();
  ASSERT_EQ(head, 2u);

  EXPECT_TRUE(service->relay()->WaitForCursor(head, absl::Seconds(30)));
  ASSERT_OK(service->Stop());
  bus::FileCursorStore cursor((dir.path() / "targets" / "outbox.cursor").string());
  EXPECT_THAT(cursor.Load(), salesperf::testing::IsOkAndHolds(head));
}

}  // namespace
}  // namespace salesperf::targets
