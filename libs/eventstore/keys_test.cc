#include "libs/eventstore/keys.h"

#include <cstdint>
#include <limits>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace salesperf::eventstore::keys {
namespace {

TEST(KeysTest, Fixed64IsBigEndian) {
  std::string out;
  PutFixed64BE(&out, 0x0102030405060708ULL);
  EXPECT_EQ(out, std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  EXPECT_EQ(DecodeFixed64BE(out), 0x0102030405060708ULL);
  EXPECT_EQ(DecodeFixed64BE("short"), std::nullopt);
}

TEST(KeysTest, EventKeysSortNumerically) {
  const uint64_t values[] = {
      0, 1, 255, 256, 65535, 1ULL << 32, std::numeric_limits<uint64_t>::max()};
  for (size_t i = 0; i + 1 < std::size(values); ++i) {
    EXPECT_LT(EventKey(values[i]), EventKey(values[i + 1])) << values[i];
  }
  for (uint64_t v : values) EXPECT_EQ(DecodeEventKey(EventKey(v)), v);
}

TEST(KeysTest, StreamKeyRoundTrips) {
  const std::string key = StreamKey("deal-7", 42);
  std::optional<DecodedStreamKey> decoded = DecodeStreamKey(key);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->stream_id, "deal-7");
  EXPECT_EQ(decoded->version, 42u);
  EXPECT_TRUE(key.starts_with(StreamPrefix("deal-7")));
  EXPECT_FALSE(key.starts_with(StreamPrefix("deal")));
}

TEST(KeysTest, StreamKeysOfOneStreamAreContiguous) {
  // Every key of "a" sorts before every key of "a-b" and "a0", which share its bytes.
  EXPECT_LT(StreamKey("a", std::numeric_limits<uint64_t>::max()), StreamKey("a-b", 0));
  EXPECT_LT(StreamKey("a", std::numeric_limits<uint64_t>::max()), StreamKey("a0", 0));
  EXPECT_LT(StreamKey("a", 2), StreamKey("a", 10));
  EXPECT_LT(StreamKey("a", 255), StreamKey("a", 256));
}

TEST(KeysTest, MalformedStreamKeysAreRejected) {
  EXPECT_EQ(DecodeStreamKey(""), std::nullopt);
  EXPECT_EQ(DecodeStreamKey(std::string("\0", 1) + EventKey(1)), std::nullopt);  // empty id
  EXPECT_EQ(DecodeStreamKey("abcdefghijkl"), std::nullopt);                      // no 0x00
  std::string two_separators = StreamKey("a", 1);
  two_separators.insert(0, std::string("x\0", 2));
  EXPECT_EQ(DecodeStreamKey(two_separators), std::nullopt);
}

TEST(KeysTest, StreamValueRoundTrips) {
  const std::string value = StreamValue({.first_sequence = 1ULL << 40, .count = 100});
  EXPECT_EQ(value.size(), 16u);
  std::optional<StreamEntry> entry = DecodeStreamValue(value);
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->first_sequence, 1ULL << 40);
  EXPECT_EQ(entry->count, 100u);
  EXPECT_EQ(DecodeStreamValue(value.substr(0, 8)), std::nullopt);
  EXPECT_EQ(DecodeStreamValue(StreamValue({.first_sequence = 5, .count = 0})), std::nullopt);
}

TEST(KeysTest, RequestRecordRoundTrips) {
  RequestRecord record;
  record.fingerprint = "fnv1a64:0011223344556677";
  record.stream_id = "visit-plan-9";
  record.result.first_sequence = 7;
  record.result.last_sequence = 9;
  record.result.stream_version = 3;
  const std::string encoded = EncodeRequestRecord(record);
  std::optional<RequestRecord> decoded = DecodeRequestRecord(encoded);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->fingerprint, record.fingerprint);
  EXPECT_EQ(decoded->stream_id, record.stream_id);
  EXPECT_EQ(decoded->result.first_sequence, 7u);
  EXPECT_EQ(decoded->result.last_sequence, 9u);
  EXPECT_EQ(decoded->result.stream_version, 3u);
  EXPECT_FALSE(decoded->result.deduplicated);
}

TEST(KeysTest, RequestRecordWithEmptyFieldsRoundTrips) {
  RequestRecord record;
  std::optional<RequestRecord> decoded = DecodeRequestRecord(EncodeRequestRecord(record));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->fingerprint, "");
  EXPECT_EQ(decoded->stream_id, "");
}

TEST(KeysTest, MalformedRequestRecordsAreRejected) {
  RequestRecord record{"fp", "s", {1, 2, 3, false}};
  const std::string encoded = EncodeRequestRecord(record);
  EXPECT_EQ(DecodeRequestRecord(""), std::nullopt);
  std::string wrong_version = encoded;
  wrong_version[0] = 0x03;
  EXPECT_EQ(DecodeRequestRecord(wrong_version), std::nullopt);
  for (size_t len = 0; len < encoded.size(); ++len) {
    EXPECT_EQ(DecodeRequestRecord(encoded.substr(0, len)), std::nullopt) << len;
  }
  EXPECT_EQ(DecodeRequestRecord(encoded + "x"), std::nullopt);
}

// Bytes a binary from before AppendMulti wrote: they must keep decoding.
TEST(KeysTest, FormatOneRecordDecodesWithItsStream) {
  std::string v1("\x01", 1);
  PutFixed64BE(&v1, 7);
  PutFixed64BE(&v1, 9);
  PutFixed64BE(&v1, 3);
  v1.append(std::string("\0\0\0\x02", 4)).append("fp");
  v1.append(std::string("\0\0\0\x01", 4)).append("s");
  std::optional<RequestRecord> decoded = DecodeRequestRecord(v1);
  ASSERT_TRUE(decoded.has_value());
  RequestRecord expected{"fp", "s", {7, 9, 3, false}, {{"s", 3}}};
  EXPECT_EQ(*decoded, expected);
  // A one-stream record is still written in format 1, readable by an older binary.
  EXPECT_EQ(EncodeRequestRecord(expected), v1);
}

TEST(KeysTest, MultiStreamRecordRoundTrips) {
  RequestRecord record;
  record.fingerprint = "cmd-hash";
  record.result.first_sequence = 10;
  record.result.last_sequence = 12;
  record.streams = {{"target-1", 4}, {"target-2", 0}, {"quota-7", 9}};
  const std::string encoded = EncodeRequestRecord(record);
  EXPECT_EQ(encoded[0], 0x02);
  std::optional<RequestRecord> decoded = DecodeRequestRecord(encoded);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, record);
  EXPECT_EQ(decoded->stream_id, "");

  for (size_t len = 0; len < encoded.size(); ++len) {
    EXPECT_EQ(DecodeRequestRecord(encoded.substr(0, len)), std::nullopt) << len;
  }
  EXPECT_EQ(DecodeRequestRecord(encoded + "x"), std::nullopt);
  // A stream count far beyond what the bytes hold is rejected, not reserved for.
  std::string huge_count = encoded;
  const size_t count_at = 1 + 16 + 4 + record.fingerprint.size();
  huge_count[count_at] = '\x7f';
  EXPECT_EQ(DecodeRequestRecord(huge_count), std::nullopt);
}

}  // namespace
}  // namespace salesperf::eventstore::keys
