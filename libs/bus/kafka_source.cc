#include "libs/bus/kafka_source.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "librdkafka/rdkafka.h"
#include "librdkafka/rdkafkacpp.h"
#include "libs/bus/topics.h"
#include "libs/common/logging.h"

namespace salesperf::bus {
namespace {

// Most records a poll reserves room for up front.
constexpr size_t kMaxReserve = 4096;

struct MessageDeleter {
  void operator()(rd_kafka_message_t* msg) const { rd_kafka_message_destroy(msg); }
};

// Checks that a decoded envelope can be applied: the fields every view relies on.
std::string ValidateEnvelope(const projection::EventEnvelope& envelope,
                             const std::string& topic_service) {
  if (envelope.sequence() == 0) return "envelope has no sequence";
  if (envelope.stream_id().empty()) return "envelope has no stream_id";
  if (envelope.source() != topic_service) {
    return absl::StrCat("envelope source '", envelope.source(), "' does not match topic service '",
                        topic_service, "'");
  }
  if (envelope.payload().type_url().empty()) return "envelope has no payload";
  return "";
}

}  // namespace

// Seeks newly assigned partitions to the runner's checkpoint.
class KafkaSource::Rebalancer final : public RdKafka::RebalanceCb {
 public:
  explicit Rebalancer(KafkaSource* source) : source_(source) {}

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    std::vector<projection::PartitionId> ids;
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      for (RdKafka::TopicPartition* tp : partitions) {
        std::optional<std::string> service = ServiceOfEventsTopic(tp->topic());
        projection::PartitionId id{service.value_or(tp->topic()), tp->partition()};
        std::optional<int64_t> next =
            source_->lookup_ ? source_->lookup_(id) : std::optional<int64_t>();
        tp->set_offset(next.has_value() ? *next : RdKafka::Topic::OFFSET_BEGINNING);
        ids.push_back(std::move(id));
      }
      RdKafka::ErrorCode assign_err = consumer->assign(partitions);
      if (assign_err != RdKafka::ERR_NO_ERROR) {
        LogError("kafka source: assign failed", {{"error", RdKafka::err2str(assign_err)}});
      }
      LogInfo("kafka source: partitions assigned",
              {{"group", source_->options_.group_id}, {"count", static_cast<int>(ids.size())}});
    } else {
      consumer->unassign();
      LogInfo("kafka source: partitions revoked", {{"group", source_->options_.group_id}});
    }
    std::sort(ids.begin(), ids.end());
    absl::MutexLock lock(&source_->mu_);
    source_->assigned_ = std::move(ids);
  }

 private:
  KafkaSource* source_;
};

KafkaSource::KafkaSource(KafkaSourceOptions options)
    : options_(std::move(options)), rebalancer_(std::make_unique<Rebalancer>(this)) {}

KafkaSource::~KafkaSource() {
  if (consumer_ != nullptr) consumer_->close();
}

absl::StatusOr<std::unique_ptr<KafkaSource>> KafkaSource::Create(KafkaSourceOptions options) {
  if (options.brokers.empty()) return absl::InvalidArgumentError("kafka source: brokers required");
  if (options.group_id.empty()) {
    return absl::InvalidArgumentError("kafka source: group_id required");
  }
  if (options.services.empty()) {
    return absl::InvalidArgumentError("kafka source: at least one service required");
  }
  for (const std::string& service : options.services) {
    if (absl::Status s = ValidateTopicComponent(service); !s.ok()) return s;
  }
  std::unique_ptr<KafkaSource> source(new KafkaSource(std::move(options)));
  const KafkaSourceOptions& o = source->options_;

  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string errstr;
  std::map<std::string, std::string> props = {
      {"bootstrap.servers", o.brokers},
      {"group.id", o.group_id},
      {"client.id", o.client_id},
      // The runner's checkpoint decides where to start; commits are for monitoring only.
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},
      {"enable.partition.eof", "false"},
      {"session.timeout.ms", std::to_string(o.session_timeout_ms)},
      {"heartbeat.interval.ms", std::to_string(std::max(100, o.session_timeout_ms / 5))},
  };
  for (const auto& [key, value] : o.properties) props[key] = value;
  for (const auto& [key, value] : props) {
    if (conf->set(key, value, errstr) != RdKafka::Conf::CONF_OK) {
      // The value may be a secret (sasl.password): report the key only.
      return absl::InvalidArgumentError(absl::StrCat("kafka source: property ", key, ": ", errstr));
    }
  }
  if (conf->set("rebalance_cb", source->rebalancer_.get(), errstr) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(absl::StrCat("kafka source: rebalance_cb: ", errstr));
  }
  source->consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), errstr));
  if (source->consumer_ == nullptr) {
    return absl::UnavailableError(absl::StrCat("kafka source: cannot create consumer: ", errstr));
  }
  return source;
}

absl::Status KafkaSource::Start(projection::PositionLookup lookup) {
  lookup_ = std::move(lookup);
  if (!subscribed_) {
    std::vector<std::string> topics;
    for (const std::string& service : options_.services) topics.push_back(EventsTopic(service));
    RdKafka::ErrorCode err = consumer_->subscribe(topics);
    if (err != RdKafka::ERR_NO_ERROR) {
      return absl::UnavailableError(
          absl::StrCat("kafka source: subscribe: ", RdKafka::err2str(err)));
    }
    subscribed_ = true;
    return absl::OkStatus();
  }
  // A restart (rebuild): move every partition we hold back to the looked-up position.
  for (const projection::PartitionId& id : Assignment()) {
    std::optional<int64_t> next = lookup_(id);
    std::unique_ptr<RdKafka::TopicPartition> tp(RdKafka::TopicPartition::create(
        EventsTopic(id.source), id.partition,
        next.has_value() ? *next : RdKafka::Topic::OFFSET_BEGINNING));
    RdKafka::ErrorCode err = consumer_->seek(*tp, 10000);
    if (err != RdKafka::ERR_NO_ERROR) {
      return absl::UnavailableError(absl::StrCat("kafka source: seek ", id.source, "/",
                                                 id.partition, ": ", RdKafka::err2str(err)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<projection::SourcedEvent>> KafkaSource::Poll(size_t max_events,
                                                                        absl::Duration timeout) {
  // Decode into the records of an earlier batch where there are some (Recycle): parsing
  // into a used envelope reuses its strings and sub-messages.
  std::vector<projection::SourcedEvent> out = std::move(spare_);
  spare_.clear();
  if (out.capacity() < std::min<size_t>(max_events, kMaxReserve)) {
    out.reserve(std::min<size_t>(max_events, kMaxReserve));
  }
  size_t filled = 0;
  // Records not filled stay spare for the next poll.
  auto finish = [&]() -> std::vector<projection::SourcedEvent> {
    spare_.assign(std::make_move_iterator(out.begin() + static_cast<std::ptrdiff_t>(filled)),
                  std::make_move_iterator(out.end()));
    out.erase(out.begin() + static_cast<std::ptrdiff_t>(filled), out.end());
    return std::move(out);
  };

  // The C API: the C++ one allocates a Message wrapper and copies the topic name per record.
  rd_kafka_t* rk = consumer_->c_ptr();
  const absl::Time deadline = absl::Now() + timeout;
  while (filled < max_events) {
    // Wait for the first record; after that take only what is already fetched.
    const int wait_ms = filled == 0 ? static_cast<int>(std::max<int64_t>(
                                          0, absl::ToInt64Milliseconds(deadline - absl::Now())))
                                    : 0;
    std::unique_ptr<rd_kafka_message_t, MessageDeleter> msg(rd_kafka_consumer_poll(rk, wait_ms));
    if (msg == nullptr) {  // timed out
      if (filled > 0 || absl::Now() >= deadline) break;
      continue;
    }
    switch (msg->err) {
      case RD_KAFKA_RESP_ERR_NO_ERROR:
        break;
      case RD_KAFKA_RESP_ERR__TIMED_OUT:
      case RD_KAFKA_RESP_ERR__PARTITION_EOF:
        if (filled > 0 || absl::Now() >= deadline) return finish();
        continue;
      case RD_KAFKA_RESP_ERR__FATAL:
        return absl::UnavailableError(
            absl::StrCat("kafka source: fatal: ", rd_kafka_message_errstr(msg.get())));
      default:
        // Transient broker or topic errors: librdkafka retries by itself.
        LogWarn("kafka source: consume error", {{"error", rd_kafka_message_errstr(msg.get())}});
        if (filled > 0 || absl::Now() >= deadline) return finish();
        continue;
    }
    if (filled == out.size()) out.emplace_back();
    Decode(*msg, out[filled++]);
  }
  return finish();
}

void KafkaSource::Decode(const rd_kafka_message_t& msg, projection::SourcedEvent& record) {
  const char* topic = rd_kafka_topic_name(msg.rkt);
  if (last_topic_ != topic) {
    last_topic_ = topic;
    last_service_ = ServiceOfEventsTopic(last_topic_);
  }
  record.partition.source = last_service_.has_value() ? *last_service_ : last_topic_;
  record.partition.partition = msg.partition;
  record.position = msg.offset;
  if (msg.key != nullptr) {
    record.key.assign(static_cast<const char*>(msg.key), msg.key_len);
  } else {
    record.key.clear();
  }
  record.raw.clear();
  const char* payload = static_cast<const char*>(msg.payload);
  if (!last_service_.has_value()) {
    record.decode_error = "record from a topic that is not a salesperf events topic";
  } else if (!record.envelope.ParseFromArray(payload, static_cast<int>(msg.len))) {
    record.decode_error = "value is not a salesperf.common.v1.EventEnvelope";
  } else {
    record.decode_error = ValidateEnvelope(record.envelope, *last_service_);
  }
  if (!record.decode_error.empty()) {
    record.raw.assign(payload != nullptr ? payload : "", msg.len);
    record.envelope.Clear();
  }
}

void KafkaSource::Recycle(std::vector<projection::SourcedEvent> records) {
  if (records.capacity() > spare_.capacity()) {
    records.insert(records.end(), std::make_move_iterator(spare_.begin()),
                   std::make_move_iterator(spare_.end()));
    spare_ = std::move(records);
  } else {
    spare_.insert(spare_.end(), std::make_move_iterator(records.begin()),
                  std::make_move_iterator(records.end()));
  }
}

void KafkaSource::Committed(
    const std::vector<std::pair<projection::PartitionId, int64_t>>& next_positions) {
  std::vector<RdKafka::TopicPartition*> offsets;
  for (const auto& [id, next] : next_positions) {
    offsets.push_back(RdKafka::TopicPartition::create(EventsTopic(id.source), id.partition, next));
  }
  if (!offsets.empty()) consumer_->commitAsync(offsets);
  RdKafka::TopicPartition::destroy(offsets);
}

std::vector<projection::PartitionId> KafkaSource::Assignment() const {
  absl::MutexLock lock(&mu_);
  return assigned_;
}

std::vector<projection::PartitionHead> KafkaSource::Heads() const {
  std::vector<projection::PartitionHead> heads;
  for (const projection::PartitionId& id : Assignment()) {
    int64_t low = 0, high = 0;
    // Cached from fetch responses: never blocks on the network.
    if (consumer_->get_watermark_offsets(EventsTopic(id.source), id.partition, &low, &high) ==
            RdKafka::ERR_NO_ERROR &&
        high >= 0) {
      heads.push_back({.partition = id, .end_position = high, .begin_position = low});
    }
  }
  return heads;
}

}  // namespace salesperf::bus
