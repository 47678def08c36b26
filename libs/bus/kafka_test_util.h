// Test-only: reads records back with a plain librdkafka consumer (not our own code), so
// that publishing tests check what is really on the topic.
#ifndef SALESPERF_LIBS_BUS_KAFKA_TEST_UTIL_H_
#define SALESPERF_LIBS_BUS_KAFKA_TEST_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/bus/publisher.h"

namespace salesperf::bus::testing {

struct ConsumedRecord {
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
  std::vector<Header> headers;
  // The header's value, or "<absent>".
  std::string HeaderValue(const std::string& name) const;
};

// Reads `topic` (partitions 0..partitions-1) from the beginning until `count` records
// arrived (then one more short poll, so that extra records show up) or `timeout` passed.
// Records of one partition are in offset order; partitions are concatenated.
absl::StatusOr<std::vector<ConsumedRecord>> ReadTopic(const std::string& bootstrap,
                                                      const std::string& topic, int partitions,
                                                      size_t count, absl::Duration timeout);

}  // namespace salesperf::bus::testing

#endif  // SALESPERF_LIBS_BUS_KAFKA_TEST_UTIL_H_
