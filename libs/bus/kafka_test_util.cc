#include "libs/bus/kafka_test_util.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace salesperf::bus::testing {

std::string ConsumedRecord::HeaderValue(const std::string& name) const {
  for (const Header& h : headers) {
    if (h.key == name) return h.value;
  }
  return "<absent>";
}

absl::StatusOr<std::vector<ConsumedRecord>> ReadTopic(const std::string& bootstrap,
                                                      const std::string& topic, int partitions,
                                                      size_t count, absl::Duration timeout) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (auto [k, v] : {std::pair<const char*, std::string>{"bootstrap.servers", bootstrap},
                      {"group.id", "salesperf-test-reader"},
                      {"enable.auto.commit", "false"},
                      {"log.connection.close", "false"}}) {
    if (rd_kafka_conf_set(conf, k, v.c_str(), errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return absl::InternalError(errstr);
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(errstr);
  }
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(assignment, topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(rk, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);

  std::vector<ConsumedRecord> records;
  absl::Time deadline = absl::Now() + timeout;
  bool extra_poll_done = false;
  while (absl::Now() < deadline && !extra_poll_done) {
    bool enough = records.size() >= count;
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, enough ? 500 : 100);
    if (enough && m == nullptr) extra_poll_done = true;
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ConsumedRecord r;
      r.partition = m->partition;
      r.offset = m->offset;
      if (m->key != nullptr) r.key.assign(static_cast<const char*>(m->key), m->key_len);
      if (m->payload != nullptr) {
        r.value.assign(static_cast<const char*>(m->payload), m->len);
      }
      rd_kafka_headers_t* headers = nullptr;
      if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name = nullptr;
        const void* value = nullptr;
        size_t size = 0;
        for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) ==
                           RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i) {
          r.headers.push_back({name, std::string(static_cast<const char*>(value), size)});
        }
      }
      records.push_back(std::move(r));
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  std::stable_sort(
      records.begin(), records.end(), [](const ConsumedRecord& a, const ConsumedRecord& b) {
        return a.partition != b.partition ? a.partition < b.partition : a.offset < b.offset;
      });
  if (records.size() < count) {
    return absl::DeadlineExceededError(
        absl::StrCat("read ", records.size(), " of ", count, " records from ", topic));
  }
  return records;
}

}  // namespace salesperf::bus::testing
