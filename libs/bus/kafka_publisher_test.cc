#include "libs/bus/kafka_publisher.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/bus/kafka_test_util.h"
#include "libs/testing/dev_kafka.h"
#include "libs/testing/status_matchers.h"

namespace salesperf::bus {
namespace {

using ::salesperf::bus::testing::ConsumedRecord;
using ::salesperf::bus::testing::ReadTopic;
using ::salesperf::testing::DevKafka;
using ::salesperf::testing::DevKafkaOptions;
using ::salesperf::testing::IsOk;
using ::salesperf::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kTopic[] = "publisher.test";
constexpr int kPartitions = 4;

class KafkaPublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DevKafkaOptions options;
    options.extra_topics = {absl::StrCat(kTopic, ":", kPartitions)};
    ASSERT_OK_AND_ASSIGN(kafka_, DevKafka::Start(options));
  }

  KafkaPublisherOptions Options() const {
    KafkaPublisherOptions options;
    options.bootstrap_servers = kafka_->bootstrap();
    return options;
  }

  std::unique_ptr<KafkaPublisher> NewPublisher(KafkaPublisherOptions options) {
    absl::StatusOr<std::unique_ptr<KafkaPublisher>> publisher = KafkaPublisher::Create(
        std::move(options), [this](const DeliveryReport& r) { reports_.push_back(r); });
    EXPECT_THAT(publisher, IsOk());
    return publisher.ok() ? *std::move(publisher) : nullptr;
  }

  std::unique_ptr<DevKafka> kafka_;
  std::vector<DeliveryReport> reports_;  // written by Poll/Flush on the test thread
};

TEST_F(KafkaPublisherTest, DeliversKeysValuesAndHeadersInOrderPerKey) {
  std::unique_ptr<KafkaPublisher> publisher = NewPublisher(Options());
  ASSERT_NE(publisher, nullptr);
  constexpr int kRecords = 600;
  for (int i = 0; i < kRecords; ++i) {
    Record r;
    r.topic = kTopic;
    r.key = absl::StrCat("stream-", i % 7);
    r.value = absl::StrCat(i);
    r.headers = {{"ce_id", absl::StrCat("id-", i)}, {"empty", ""}};
    r.tag = 1000 + i;
    ASSERT_THAT(publisher->Publish(std::move(r)), IsOk());
  }
  ASSERT_THAT(publisher->Flush(absl::Seconds(30)), IsOk());
  EXPECT_EQ(publisher->InFlight(), 0u);

  ASSERT_EQ(reports_.size(), static_cast<size_t>(kRecords));
  std::set<uint64_t> tags;
  for (const DeliveryReport& r : reports_) {
    EXPECT_THAT(r.status, IsOk());
    EXPECT_GE(r.offset, 0);
    tags.insert(r.tag);
  }
  EXPECT_EQ(tags.size(), static_cast<size_t>(kRecords));
  EXPECT_EQ(*tags.begin(), 1000u);
  EXPECT_EQ(*tags.rbegin(), 1000u + kRecords - 1);

  ASSERT_OK_AND_ASSIGN(
      std::vector<ConsumedRecord> records,
      ReadTopic(kafka_->bootstrap(), kTopic, kPartitions, kRecords, absl::Seconds(30)));
  ASSERT_EQ(records.size(), static_cast<size_t>(kRecords));
  std::map<std::string, int> last_per_key;
  std::map<std::string, int32_t> partition_of_key;
  for (const ConsumedRecord& r : records) {
    int i = std::stoi(r.value);
    EXPECT_EQ(r.key, absl::StrCat("stream-", i % 7));
    EXPECT_THAT(r.headers,
                ElementsAre(Header{"ce_id", absl::StrCat("id-", i)}, Header{"empty", ""}));
    auto [it, first] = last_per_key.emplace(r.key, i);
    if (!first) {
      EXPECT_GT(i, it->second) << "key " << r.key << " out of order";
      it->second = i;
    }
    auto [p, new_key] = partition_of_key.emplace(r.key, r.partition);
    EXPECT_EQ(p->second, r.partition) << "one key, one partition";
  }
}

TEST_F(KafkaPublisherTest, FullLocalQueuePushesBack) {
  KafkaPublisherOptions options = Options();
  options.queue_buffering_max_messages = 10;
  options.linger_ms = 500;  // nothing leaves before the queue fills
  std::unique_ptr<KafkaPublisher> publisher = NewPublisher(options);
  ASSERT_NE(publisher, nullptr);
  for (int i = 0; i < 10; ++i) {
    ASSERT_THAT(publisher->Publish(Record{kTopic, "k", "v", {}, static_cast<uint64_t>(i)}), IsOk());
  }
  EXPECT_THAT(publisher->Publish(Record{kTopic, "k", "v", {}, 10}),
              StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(publisher->InFlight(), 10u);
  ASSERT_THAT(publisher->Flush(absl::Seconds(30)), IsOk());
  EXPECT_EQ(reports_.size(), 10u);
}

TEST_F(KafkaPublisherTest, RejectsBadPropertiesWithoutQuotingValues) {
  KafkaPublisherOptions options = Options();
  options.properties = {{"security.protocol", "hunter2-not-a-protocol"}};
  absl::StatusOr<std::unique_ptr<KafkaPublisher>> publisher =
      KafkaPublisher::Create(options, nullptr);
  EXPECT_THAT(publisher,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("security.protocol"), Not(HasSubstr("hunter2")))));

  options.properties = {{"no.such.property", "x"}};
  EXPECT_THAT(KafkaPublisher::Create(options, nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown")));

  options.properties = {};
  options.bootstrap_servers.clear();
  EXPECT_THAT(KafkaPublisher::Create(options, nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(KafkaPublisherTest, RebuildsTheProducerAfterAFatalError) {
  KafkaPublisherOptions options = Options();
  options.linger_ms = 500;  // keep the first records queued when the error strikes
  std::unique_ptr<KafkaPublisher> publisher = NewPublisher(options);
  ASSERT_NE(publisher, nullptr);
  for (uint64_t tag = 1; tag <= 5; ++tag) {
    ASSERT_THAT(publisher->Publish(Record{kTopic, "k", "before", {}, tag}), IsOk());
  }
  ASSERT_THAT(publisher->TriggerFatalErrorForTesting(), IsOk());
  publisher->Poll(absl::ZeroDuration());
  EXPECT_EQ(publisher->rebuilds(), 1u);
  EXPECT_EQ(publisher->InFlight(), 0u);
  // Every record held by the failed producer is reported, as a failure unless it got
  // through before the error.
  ASSERT_EQ(reports_.size(), 5u);
  for (const DeliveryReport& r : reports_) {
    EXPECT_THAT(r.status, StatusIs(absl::StatusCode::kUnavailable));
  }

  reports_.clear();
  ASSERT_THAT(publisher->Publish(Record{kTopic, "k", "after", {}, 6}), IsOk());
  ASSERT_THAT(publisher->Flush(absl::Seconds(30)), IsOk());
  ASSERT_EQ(reports_.size(), 1u);
  EXPECT_THAT(reports_[0].status, IsOk());
  EXPECT_EQ(reports_[0].tag, 6u);
}

}  // namespace
}  // namespace salesperf::bus
