#include "libs/bus/kafka_dead_letter_sink.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/bus/kafka_test_util.h"
#include "libs/testing/dev_kafka.h"
#include "libs/testing/status_matchers.h"
#include "prometheus/registry.h"

namespace salesperf::bus {
namespace {

using ::salesperf::bus::testing::ConsumedRecord;
using ::salesperf::bus::testing::ReadTopic;
using ::salesperf::testing::DevKafka;
using ::salesperf::testing::IsOk;
using ::salesperf::testing::StatusIs;
using ::testing::ElementsAre;

double CounterValue(prometheus::Registry& registry, const std::string& name) {
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name == name && !family.metric.empty()) return family.metric[0].counter.value;
  }
  return -1;
}

TEST(KafkaDeadLetterSinkTest, WritesOriginalBytesKeyAndErrorHeaders) {
  ASSERT_OK_AND_ASSIGN(auto kafka, DevKafka::Start());
  prometheus::Registry registry;
  KafkaDeadLetterSinkOptions options;
  options.consumer = "analytics";
  options.registry = &registry;
  KafkaPublisherOptions publisher_options;
  publisher_options.bootstrap_servers = kafka->bootstrap();
  ASSERT_OK_AND_ASSIGN(auto sink, KafkaDeadLetterSink::Create(options, publisher_options));
  EXPECT_EQ(sink->topic(), "salesperf.analytics.dlq.v1");

  projection::SourcedEvent undecodable;
  undecodable.partition = {"activity", 3};
  undecodable.position = 77;
  undecodable.raw = std::string("\xff\x00garbage", 9);
  undecodable.key = "deal-1";
  undecodable.decode_error = "not an EventEnvelope";
  ASSERT_THAT(sink->Send(undecodable, "decode: not an EventEnvelope"), IsOk());

  projection::SourcedEvent rejected;
  rejected.partition = {"targets", 0};
  rejected.position = 5;
  rejected.envelope.set_stream_id("target-9");
  rejected.envelope.set_sequence(12);
  rejected.key = "target-9";
  ASSERT_THAT(sink->Send(rejected, "view rep_kpis: negative amount"), IsOk());

  ASSERT_OK_AND_ASSIGN(std::vector<ConsumedRecord> records,
                       ReadTopic(kafka->bootstrap(), sink->topic(), 6, 2, absl::Seconds(30)));
  ASSERT_EQ(records.size(), 2u);
  const ConsumedRecord* first = &records[0];
  const ConsumedRecord* second = &records[1];
  if (first->key != "deal-1") std::swap(first, second);
  EXPECT_EQ(first->key, "deal-1");
  EXPECT_EQ(first->value, undecodable.raw);
  EXPECT_THAT(first->headers,
              ElementsAre(Header{"dlq_error", "decode: not an EventEnvelope"},
                          Header{"dlq_source_topic", "salesperf.activity.events.v1"},
                          Header{"dlq_partition", "3"}, Header{"dlq_offset", "77"},
                          Header{"dlq_consumer", "analytics"}));
  EXPECT_EQ(second->key, "target-9");
  EXPECT_EQ(second->value, rejected.envelope.SerializeAsString());
  EXPECT_EQ(second->HeaderValue("dlq_error"), "view rep_kpis: negative amount");
  EXPECT_EQ(second->HeaderValue("dlq_source_topic"), "salesperf.targets.events.v1");
  EXPECT_EQ(CounterValue(registry, "salesperf_dlq_published_total"), 2);
}

TEST(KafkaDeadLetterSinkTest, UnacknowledgedSendIsUnavailable) {
  ASSERT_OK_AND_ASSIGN(auto kafka, DevKafka::Start());
  ASSERT_THAT(kafka->BrokerDown(DevKafka::kAllBrokers), IsOk());
  KafkaDeadLetterSinkOptions options;
  options.consumer = "analytics";
  options.send_timeout = absl::Milliseconds(300);
  KafkaPublisherOptions publisher_options;
  publisher_options.bootstrap_servers = kafka->bootstrap();
  ASSERT_OK_AND_ASSIGN(auto sink, KafkaDeadLetterSink::Create(options, publisher_options));
  projection::SourcedEvent record;
  record.partition = {"activity", 0};
  record.raw = "x";
  EXPECT_THAT(sink->Send(record, "bad"), StatusIs(absl::StatusCode::kUnavailable));
}

TEST(KafkaDeadLetterSinkTest, RejectsBadConsumerNames) {
  KafkaDeadLetterSinkOptions options;
  options.consumer = "Rep KPIs";
  KafkaPublisherOptions publisher_options;
  publisher_options.bootstrap_servers = "127.0.0.1:1";
  EXPECT_THAT(KafkaDeadLetterSink::Create(options, publisher_options),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace salesperf::bus
