#include "libs/bus/topics.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/status_matchers.h"

namespace salesperf::bus {
namespace {

using ::salesperf::testing::IsOk;
using ::salesperf::testing::StatusIs;
using ::testing::Optional;

TEST(TopicsTest, NamesFollowTheContract) {
  EXPECT_EQ(EventsTopic("activity"), "salesperf.activity.events.v1");
  EXPECT_EQ(DeadLetterTopic("rep_kpis"), "salesperf.rep_kpis.dlq.v1");
}

TEST(TopicsTest, ServiceOfEventsTopicInvertsEventsTopic) {
  for (std::string_view service : kServices) {
    EXPECT_THAT(ServiceOfEventsTopic(EventsTopic(service)), Optional(std::string(service)));
  }
  EXPECT_EQ(ServiceOfEventsTopic("salesperf.activity.dlq.v1"), std::nullopt);
  EXPECT_EQ(ServiceOfEventsTopic("salesperf..events.v1"), std::nullopt);
  EXPECT_EQ(ServiceOfEventsTopic("salesperf.events.v1"), std::nullopt);
  EXPECT_EQ(ServiceOfEventsTopic("other.activity.events.v1"), std::nullopt);
}

TEST(TopicsTest, ValidatesComponents) {
  EXPECT_THAT(ValidateTopicComponent("rep_kpis-2"), IsOk());
  EXPECT_THAT(ValidateTopicComponent(""), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateTopicComponent("Activity"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateTopicComponent("a.b"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateTopicComponent(std::string(65, 'a')),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace salesperf::bus
