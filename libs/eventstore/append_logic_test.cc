#include "libs/eventstore/append_logic.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
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

TEST(DecideTest, RetryWithMatchingFingerprintReturnsFirstResult) {
  AppendRequest r = Req("s", {}, "r", "f");
  RequestRecord prior{"f", "s", {4, 5, 2, false}};
  // The stream moved on since: a retry is still answered, not ABORTED.
  r.expected_version = ExpectedVersion::Exactly(0);
  auto decided = Decide(r, prior, 9);
  ASSERT_THAT(decided, IsOk());
  ASSERT_TRUE(decided->has_value());
  EXPECT_EQ((*decided)->first_sequence, 4u);
  EXPECT_TRUE((*decided)->deduplicated);
}

TEST(DecideTest, ReusedRequestIdIsRejected) {
  AppendRequest r = Req("s", {}, "r", "f");
  EXPECT_THAT(Decide(r, RequestRecord{"g", "s", {}}, 0),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(Decide(r, RequestRecord{"f", "t", {}}, 0),
              StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST(DecideTest, ExpectedVersions) {
  AppendRequest r = Req("s");
  r.expected_version = ExpectedVersion::Any();
  EXPECT_THAT(Decide(r, std::nullopt, 3), IsOk());
  r.expected_version = ExpectedVersion::NoStream();
  EXPECT_THAT(Decide(r, std::nullopt, 0), IsOk());
  EXPECT_THAT(Decide(r, std::nullopt, 1), StatusIs(absl::StatusCode::kAborted));
  r.expected_version = ExpectedVersion::Exactly(3);
  EXPECT_THAT(Decide(r, std::nullopt, 3), IsOk());
  EXPECT_THAT(Decide(r, std::nullopt, 2), StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(Decide(r, std::nullopt, 4), StatusIs(absl::StatusCode::kAborted));
  r.expected_version = ExpectedVersion::Exactly(0);
  EXPECT_THAT(Decide(r, std::nullopt, 0), IsOk());
}

}  // namespace
}  // namespace salesperf::eventstore::internal
