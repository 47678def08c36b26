#include "libs/eventstore/append_logic.h"

#include <string>

#include "absl/random/random.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/validation.h"
#include "libs/testing/status_matchers.h"

namespace salesperf::eventstore::internal {
namespace {

using ::salesperf::testing::IsOk;
using ::salesperf::testing::StatusIs;

EventEnvelope Event(const std::string& type, const std::string& value) {
  EventEnvelope e;
  e.mutable_payload()->set_type_url("type.googleapis.com/test." + type);
  e.mutable_payload()->set_value(value);
  return e;
}

AppendRequest Req(std::string stream_id, std::vector<EventEnvelope> events = {},
                  std::string request_id = "", std::string fingerprint = "") {
  AppendRequest r;
  r.stream_id = std::move(stream_id);
  r.events = std::move(events);
  r.request_id = std::move(request_id);
  r.request_fingerprint = std::move(fingerprint);
  return r;
}

TEST(Fnv1a64Test, MatchesPublishedVectors) {
  // From the FNV reference test suite (http://www.isthe.com/chongo/tech/comp/fnv/).
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(DefaultFingerprintTest, IsStableAndContentSensitive) {
  AppendRequest a = Req("deal-1", {Event("A", "x"), Event("B", "y")});
  // The value is part of the on-disk format: it must never change between builds.
  EXPECT_EQ(DefaultFingerprint(a), DefaultFingerprint(a));
  EXPECT_THAT(DefaultFingerprint(a), ::testing::MatchesRegex("fnv1a64:[0-9a-f]{16}"));

  AppendRequest other_stream = a;
  other_stream.stream_id = "deal-2";
  AppendRequest other_value = a;
  other_value.events[1].mutable_payload()->set_value("z");
  AppendRequest resplit = Req("deal-1", {Event("A", "xtype"), Event("B", "y")});
  EXPECT_NE(DefaultFingerprint(a), DefaultFingerprint(other_stream));
  EXPECT_NE(DefaultFingerprint(a), DefaultFingerprint(other_value));
  EXPECT_NE(DefaultFingerprint(a), DefaultFingerprint(resplit));

  // Fields the caller varies on a retry (business time, actor) do not count.
  AppendRequest retried = a;
  retried.events[0].set_actor("someone-else");
  retried.events[0].mutable_occurred_at()->set_seconds(99);
  EXPECT_EQ(DefaultFingerprint(a), DefaultFingerprint(retried));
}

TEST(DefaultFingerprintTest, KnownValue) {
  AppendRequest a = Req("s");
  uint64_t h = 0xcbf29ce484222325ULL;
  h = Fnv1a64(std::string("\0\0\0\0\0\0\0\x01", 8), h);
  h = Fnv1a64("s", h);
  char expected[32];
  snprintf(expected, sizeof(expected), "fnv1a64:%016llx", static_cast<unsigned long long>(h));
  EXPECT_EQ(DefaultFingerprint(a), expected);
}

TEST(PrepareRequestTest, FillsFingerprintOnlyWhenEmpty) {
  AppendRequest a = Req("deal-1", {Event("A", "x")});
  ASSERT_THAT(PrepareRequest(&a), IsOk());
  EXPECT_EQ(a.request_fingerprint, DefaultFingerprint(a));
  AppendRequest b = Req("deal-1", {Event("A", "x")}, "", "mine");
  ASSERT_THAT(PrepareRequest(&b), IsOk());
  EXPECT_EQ(b.request_fingerprint, "mine");
}

MultiAppendRequest Multi(std::vector<StreamAppend> streams, std::string request_id = "") {
  MultiAppendRequest r;
  r.streams = std::move(streams);
  r.request_id = std::move(request_id);
  return r;
}

StreamAppend Stream(std::string id, std::vector<EventEnvelope> events = {},
                    ExpectedVersion expected = ExpectedVersion::Any()) {
  return StreamAppend{std::move(id), expected, std::move(events)};
}

TEST(DefaultFingerprintTest, OneStreamMultiMatchesAppend) {
  AppendRequest single = Req("deal-1", {Event("A", "x"), Event("B", "y")});
  EXPECT_EQ(DefaultFingerprint(Multi({Stream("deal-1", single.events)})),
            DefaultFingerprint(single));
}

TEST(DefaultFingerprintTest, MultiSeparatesStreams) {
  const MultiAppendRequest a =
      Multi({Stream("s", {Event("A", "x")}), Stream("t", {Event("B", "y")})});
  // The same payloads, one moved from the first stream to the second.
  const MultiAppendRequest moved =
      Multi({Stream("s"), Stream("t", {Event("A", "x"), Event("B", "y")})});
  const MultiAppendRequest swapped =
      Multi({Stream("t", {Event("B", "y")}), Stream("s", {Event("A", "x")})});
  EXPECT_EQ(DefaultFingerprint(a), DefaultFingerprint(a));
  EXPECT_NE(DefaultFingerprint(a), DefaultFingerprint(moved));
  EXPECT_NE(DefaultFingerprint(a), DefaultFingerprint(swapped));
}

TEST(PrepareRequestTest, MultiRequestShape) {
  MultiAppendRequest none = Multi({});
  EXPECT_THAT(PrepareRequest(&none), StatusIs(absl::StatusCode::kInvalidArgument));
  MultiAppendRequest twice =
      Multi({Stream("s", {Event("A", "x")}), Stream("s", {Event("A", "y")})});
  absl::Status status = PrepareRequest(&twice);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(FieldViolationsOf(status),
              ::testing::ElementsAre(FieldViolation{"streams[1].stream_id",
                                                    "repeats streams[0]; list a stream once"}));
  MultiAppendRequest bad =
      Multi({Stream("ok", {Event("A", "x")}), Stream("bad id", {EventEnvelope()})});
  EXPECT_THAT(FieldViolationsOf(PrepareRequest(&bad)),
              ::testing::ElementsAre(
                  ::testing::Field(&FieldViolation::field, "streams[1].stream_id"),
                  ::testing::Field(&FieldViolation::field, "streams[1].events[0].payload")));
  MultiAppendRequest no_events = Multi({Stream("s"), Stream("t")});
  EXPECT_THAT(PrepareRequest(&no_events), StatusIs(absl::StatusCode::kInvalidArgument));
  MultiAppendRequest guards_only = Multi({Stream("s"), Stream("t")}, "req");
  ASSERT_THAT(PrepareRequest(&guards_only), IsOk());
  EXPECT_EQ(guards_only.request_fingerprint, DefaultFingerprint(guards_only));
}

TEST(DecideTest, RetryWithMatchingFingerprintReturnsFirstResult) {
  MultiAppendRequest r = Multi({Stream("s")}, "r");
  r.request_fingerprint = "f";
  // A record from before AppendMulti: no `streams`.
  RequestRecord prior{"f", "s", {4, 5, 2, false}};
  // The stream moved on since: a retry is still answered, not ABORTED.
  r.streams[0].expected_version = ExpectedVersion::Exactly(0);
  auto decided = Decide(r, prior, {9});
  ASSERT_THAT(decided, IsOk());
  ASSERT_TRUE(decided->has_value());
  EXPECT_EQ((*decided)->first_sequence, 4u);
  EXPECT_EQ((*decided)->last_sequence, 5u);
  EXPECT_THAT((*decided)->stream_versions, ::testing::ElementsAre(2u));
  EXPECT_TRUE((*decided)->deduplicated);
}

TEST(DecideTest, MultiRetryReturnsEveryStreamVersion) {
  MultiAppendRequest r = Multi({Stream("s"), Stream("t")}, "r");
  r.request_fingerprint = "f";
  RequestRecord prior{"f", "", {4, 6, 0, false}, {{"s", 2}, {"t", 1}}};
  auto decided = Decide(r, prior, {7, 7});
  ASSERT_THAT(decided, IsOk());
  ASSERT_TRUE(decided->has_value());
  EXPECT_EQ(**decided, (MultiAppendResult{4, 6, {2, 1}, true}));
}

TEST(DecideTest, ReusedRequestIdIsRejected) {
  MultiAppendRequest r = Multi({Stream("s")}, "r");
  r.request_fingerprint = "f";
  EXPECT_THAT(Decide(r, RequestRecord{"g", "s", {}}, {0}),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(Decide(r, RequestRecord{"f", "t", {}}, {0}),
              StatusIs(absl::StatusCode::kAlreadyExists));
  // Same fingerprint, but the first request named more streams (or others).
  EXPECT_THAT(Decide(r, RequestRecord{"f", "", {}, {{"s", 1}, {"t", 1}}}, {0}),
              StatusIs(absl::StatusCode::kAlreadyExists));
  MultiAppendRequest two = Multi({Stream("s"), Stream("u")}, "r");
  two.request_fingerprint = "f";
  EXPECT_THAT(Decide(two, RequestRecord{"f", "", {}, {{"s", 1}, {"t", 1}}}, {0, 0}),
              StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST(DecideTest, ExpectedVersions) {
  MultiAppendRequest r = Multi({Stream("s")});
  ExpectedVersion& expected = r.streams[0].expected_version;
  expected = ExpectedVersion::Any();
  EXPECT_THAT(Decide(r, std::nullopt, {3}), IsOk());
  expected = ExpectedVersion::NoStream();
  EXPECT_THAT(Decide(r, std::nullopt, {0}), IsOk());
  EXPECT_THAT(Decide(r, std::nullopt, {1}), StatusIs(absl::StatusCode::kAborted));
  expected = ExpectedVersion::Exactly(3);
  EXPECT_THAT(Decide(r, std::nullopt, {3}), IsOk());
  EXPECT_THAT(Decide(r, std::nullopt, {2}), StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(Decide(r, std::nullopt, {4}), StatusIs(absl::StatusCode::kAborted));
  expected = ExpectedVersion::Exactly(0);
  EXPECT_THAT(Decide(r, std::nullopt, {0}), IsOk());
}

TEST(DecideTest, NamesTheFirstConflictingStream) {
  MultiAppendRequest r = Multi({Stream("a", {}, ExpectedVersion::Exactly(1)),
                                Stream("b", {}, ExpectedVersion::Exactly(1)),
                                Stream("c", {}, ExpectedVersion::NoStream())});
  EXPECT_THAT(Decide(r, std::nullopt, {1, 1, 0}), IsOk());
  EXPECT_THAT(Decide(r, std::nullopt, {1, 2, 5}),
              StatusIs(absl::StatusCode::kAborted, ::testing::HasSubstr("stream b ")));
  EXPECT_THAT(Decide(r, std::nullopt, {1, 1, 5}),
              StatusIs(absl::StatusCode::kAborted, ::testing::HasSubstr("stream c ")));
}

TEST(StampEventsTest, ConsecutiveSequencesInRequestOrder) {
  MultiAppendRequest r = Multi({Stream("a", {Event("A", "1"), Event("A", "2")}), Stream("b"),
                                Stream("c", {Event("C", "1")})},
                               "req");
  absl::BitGen gen;
  MultiAppendResult result =
      StampEvents(&r, {5, 2, 0}, 100, "svc", absl::FromUnixSeconds(1'700'000'000), gen);
  EXPECT_EQ(result, (MultiAppendResult{100, 102, {7, 2, 1}, false}));
  EXPECT_EQ(r.streams[0].events[1].sequence(), 101u);
  EXPECT_EQ(r.streams[0].events[1].stream_version(), 7u);
  EXPECT_EQ(r.streams[2].events[0].sequence(), 102u);
  EXPECT_EQ(r.streams[2].events[0].stream_id(), "c");
  EXPECT_EQ(r.streams[2].events[0].request_id(), "req");

  RequestRecord record = MakeRecord(r, result);
  EXPECT_EQ(record.stream_id, "");
  EXPECT_EQ(record.streams,
            (std::vector<std::pair<std::string, uint64_t>>{{"a", 7}, {"b", 2}, {"c", 1}}));
  EXPECT_EQ(record.result, (AppendResult{100, 102, 0, false}));

  MultiAppendRequest none = Multi({Stream("a")}, "req");
  MultiAppendResult empty = StampEvents(&none, {3}, 100, "svc", absl::UnixEpoch(), gen);
  EXPECT_EQ(empty, (MultiAppendResult{0, 0, {3}, false}));
  EXPECT_EQ(MakeRecord(none, empty), (RequestRecord{"", "a", {0, 0, 3, false}, {{"a", 3}}}));
}

}  // namespace
}  // namespace salesperf::eventstore::internal
