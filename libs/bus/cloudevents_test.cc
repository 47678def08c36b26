#include "libs/bus/cloudevents.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace salesperf::bus {
namespace {

using ::testing::ElementsAre;

common::v1::EventEnvelope SampleEnvelope() {
  common::v1::EventEnvelope e;
  e.set_event_id("4f1c2a7e-0000-4000-8000-000000000001");
  e.set_source("activity");
  e.set_sequence(42);
  e.set_stream_id("deal-7f3a");
  e.set_stream_version(3);
  e.mutable_occurred_at()->set_seconds(1'795'000'000);
  e.mutable_occurred_at()->set_nanos(250'000'000);
  e.mutable_payload()->set_type_url("type.googleapis.com/salesperf.activity.v1.CallLogged");
  e.mutable_payload()->set_value("\x08\x01");
  return e;
}

TEST(CloudEventsTest, BinaryModeHeaders) {
  common::v1::EventEnvelope e = SampleEnvelope();
  EXPECT_THAT(
      CloudEventsHeaders(e),
      ElementsAre(Header{"ce_specversion", "1.0"},
                  Header{"ce_id", "4f1c2a7e-0000-4000-8000-000000000001"},
                  Header{"ce_source", "/salesperf/activity"},
                  Header{"ce_type", "salesperf.activity.v1.CallLogged"},
                  Header{"ce_time", "2026-11-18T11:06:40.25Z"}, Header{"ce_subject", "deal-7f3a"},
                  Header{"content-type", "application/protobuf"}));
}

TEST(CloudEventsTest, TraceparentOnlyWhenSet) {
  common::v1::EventEnvelope e = SampleEnvelope();
  e.set_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  std::vector<Header> headers = CloudEventsHeaders(e);
  ASSERT_EQ(headers.size(), 8u);
  EXPECT_EQ(headers.back(),
            (Header{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}));
}

TEST(CloudEventsTest, TimeFallsBackToRecordedAtWithoutOccurredAt) {
  common::v1::EventEnvelope e = SampleEnvelope();
  e.clear_occurred_at();
  e.mutable_recorded_at()->set_seconds(0);
  bool found = false;
  for (const Header& h : CloudEventsHeaders(e)) {
    if (h.key == "ce_time") {
      found = true;
      EXPECT_EQ(h.value, "1970-01-01T00:00:00Z");
    }
  }
  EXPECT_TRUE(found);
}

TEST(CloudEventsTest, NoTimeHeaderWithoutAnyTime) {
  common::v1::EventEnvelope e = SampleEnvelope();
  e.clear_occurred_at();
  e.clear_recorded_at();
  for (const Header& h : CloudEventsHeaders(e)) EXPECT_NE(h.key, "ce_time");
}

TEST(CloudEventsTest, Rfc3339UsesOnlyTheDigitsNeeded) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(0);
  EXPECT_EQ(Rfc3339(ts), "1970-01-01T00:00:00Z");
  ts.set_nanos(123'000'000);
  EXPECT_EQ(Rfc3339(ts), "1970-01-01T00:00:00.123Z");
  ts.set_nanos(1);
  EXPECT_EQ(Rfc3339(ts), "1970-01-01T00:00:00.000000001Z");
}

TEST(CloudEventsTest, PayloadTypeName) {
  google::protobuf::Any any;
  EXPECT_EQ(PayloadTypeName(any), "");
  any.set_type_url("salesperf.targets.v1.TargetSet");
  EXPECT_EQ(PayloadTypeName(any), "salesperf.targets.v1.TargetSet");
  any.set_type_url("example.com/a/b/salesperf.targets.v1.TargetSet");
  EXPECT_EQ(PayloadTypeName(any), "salesperf.targets.v1.TargetSet");
}

TEST(CloudEventsTest, EnvelopeRecordKeysByStreamAndCarriesTheEnvelope) {
  common::v1::EventEnvelope e = SampleEnvelope();
  Record r = EnvelopeRecord(e, "salesperf.activity.events.v1", 42);
  EXPECT_EQ(r.topic, "salesperf.activity.events.v1");
  EXPECT_EQ(r.key, "deal-7f3a");
  EXPECT_EQ(r.tag, 42u);
  common::v1::EventEnvelope decoded;
  ASSERT_TRUE(decoded.ParseFromString(r.value));
  EXPECT_EQ(decoded.SerializeAsString(), e.SerializeAsString());
  EXPECT_EQ(r.headers, CloudEventsHeaders(e));
}

}  // namespace
}  // namespace salesperf::bus
