#include "libs/bus/kafka_publisher.h"

#include <librdkafka/rdkafka.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/common/logging.h"

namespace salesperf::bus {
namespace {

static_assert(sizeof(void*) >= sizeof(uint64_t), "the record tag travels as the msg opaque");

int ToMillis(absl::Duration d) {
  if (d <= absl::ZeroDuration()) return 0;
  return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(d) + 1, 1 << 30));
}

absl::Status DeliveryStatus(rd_kafka_resp_err_t err) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return absl::OkStatus();
  std::string message = rd_kafka_err2str(err);
  switch (err) {
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
      return absl::InvalidArgumentError(message);
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
      return absl::PermissionDeniedError(message);
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
      return absl::NotFoundError(message);
    default:
      return absl::UnavailableError(message);
  }
}

// librdkafka's syslog levels to ours.
LogLevel FromSyslog(int level) {
  if (level <= 3) return LogLevel::kError;
  if (level == 4) return LogLevel::kWarn;
  if (level <= 6) return LogLevel::kInfo;
  return LogLevel::kDebug;
}

void OnLog(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  Log(FromSyslog(level), "librdkafka", {{"facility", facility}, {"detail", message}});
}

}  // namespace

std::vector<std::pair<std::string, std::string>> LibrdkafkaSettings(
    const KafkaPublisherOptions& options) {
  std::vector<std::pair<std::string, std::string>> settings = {
      {"bootstrap.servers", options.bootstrap_servers},
      {"client.id", options.client_id},
      {"acks", options.acks},
      {"enable.idempotence", options.enable_idempotence ? "true" : "false"},
      {"compression.codec", options.compression},
      {"linger.ms", absl::StrCat(options.linger_ms)},
      {"batch.size", absl::StrCat(options.batch_size_bytes)},
      {"batch.num.messages", absl::StrCat(options.batch_num_messages)},
      {"queue.buffering.max.messages", absl::StrCat(options.queue_buffering_max_messages)},
      {"queue.buffering.max.kbytes", absl::StrCat(options.queue_buffering_max_kbytes)},
      {"message.timeout.ms", absl::StrCat(options.message_timeout_ms)},
      {"max.in.flight.requests.per.connection", absl::StrCat(options.max_in_flight_requests)},
      {"log.connection.close", "false"},
  };
  settings.insert(settings.end(), options.properties.begin(), options.properties.end());
  return settings;
}

KafkaPublisher::KafkaPublisher(KafkaPublisherOptions options, DeliveryCallback on_delivery)
    : options_(std::move(options)), on_delivery_(std::move(on_delivery)) {}

absl::StatusOr<std::unique_ptr<KafkaPublisher>> KafkaPublisher::Create(
    KafkaPublisherOptions options, DeliveryCallback on_delivery) {
  if (options.bootstrap_servers.empty()) {
    return absl::InvalidArgumentError("KafkaPublisher: bootstrap_servers is required");
  }
  std::unique_ptr<KafkaPublisher> publisher(
      new KafkaPublisher(std::move(options), std::move(on_delivery)));
  absl::StatusOr<rd_kafka_t*> rk = publisher->NewProducer();
  if (!rk.ok()) return rk.status();
  absl::MutexLock lock(&publisher->handle_mu_);
  publisher->rk_ = *rk;
  return publisher;
}

absl::StatusOr<rd_kafka_t*> KafkaPublisher::NewProducer() {
  std::vector<std::pair<std::string, std::string>> settings = LibrdkafkaSettings(options_);
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512];
  for (const auto& [name, value] : settings) {
    rd_kafka_conf_res_t res =
        rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof(errstr));
    if (res != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      // errstr may quote the value, which may be a secret: name the property only.
      return absl::InvalidArgumentError(
          res == RD_KAFKA_CONF_UNKNOWN
              ? absl::StrCat("KafkaPublisher: unknown librdkafka property ", name)
              : absl::StrCat("KafkaPublisher: invalid value for librdkafka property ", name));
    }
  }
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_dr_msg_cb(conf, &KafkaPublisher::OnDeliveryReport);
  rd_kafka_conf_set_error_cb(conf, [](rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    OnError(rk, err, reason, opaque);
  });
  rd_kafka_conf_set_log_cb(conf, &OnLog);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (rk == nullptr) {
    // rd_kafka_new reports inconsistent settings (e.g. idempotence without acks=all);
    // those messages name properties, not values.
    rd_kafka_conf_destroy(conf);
    return absl::InvalidArgumentError(absl::StrCat("KafkaPublisher: ", errstr));
  }
  return rk;
}

KafkaPublisher::~KafkaPublisher() {
  absl::MutexLock lock(&handle_mu_);
  DestroyProducer();
}

void KafkaPublisher::DestroyProducer() {
  if (rk_ == nullptr) return;
  rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  // Serves the purge reports, so that librdkafka releases the records.
  rd_kafka_poll(rk_, 0);
  {
    absl::MutexLock lock(&topics_mu_);
    for (auto& [name, topic] : topics_) rd_kafka_topic_destroy(topic);
    topics_.clear();
  }
  rd_kafka_destroy(rk_);
  rk_ = nullptr;
}

rd_kafka_topic_t* KafkaPublisher::Topic(const std::string& name) {
  absl::MutexLock lock(&topics_mu_);
  auto it = topics_.find(name);
  if (it != topics_.end()) return it->second;
  rd_kafka_topic_t* topic = rd_kafka_topic_new(rk_, name.c_str(), nullptr);
  if (topic != nullptr) topics_.emplace(name, topic);
  return topic;
}

absl::Status KafkaPublisher::Publish(Record record) {
  absl::ReaderMutexLock lock(&handle_mu_);
  if (rk_ == nullptr || fatal_.load(std::memory_order_acquire)) {
    return absl::UnavailableError("KafkaPublisher: producer is being rebuilt");
  }
  rd_kafka_topic_t* topic = Topic(record.topic);
  if (topic == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("KafkaPublisher: bad topic ", record.topic));
  }
  rd_kafka_headers_t* headers = rd_kafka_headers_new(record.headers.size());
  for (const Header& h : record.headers) {
    rd_kafka_header_add(headers, h.key.data(), static_cast<ssize_t>(h.key.size()), h.value.data(),
                        static_cast<ssize_t>(h.value.size()));
  }
  in_flight_.fetch_add(1, std::memory_order_acq_rel);
  rd_kafka_resp_err_t err = rd_kafka_producev(
      rk_, RD_KAFKA_V_RKT(topic), RD_KAFKA_V_PARTITION(RD_KAFKA_PARTITION_UA),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
      RD_KAFKA_V_KEY(record.key.data(), record.key.size()),
      RD_KAFKA_V_VALUE(record.value.data(), record.value.size()), RD_KAFKA_V_HEADERS(headers),
      // The tag travels as librdkafka's opaque pointer value; it is never dereferenced.
      RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(  // NOLINT(performance-no-int-to-ptr)
          static_cast<uintptr_t>(record.tag))),
      RD_KAFKA_V_END);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return absl::OkStatus();  // headers now owned
  in_flight_.fetch_sub(1, std::memory_order_acq_rel);
  rd_kafka_headers_destroy(headers);
  switch (err) {
    case RD_KAFKA_RESP_ERR__QUEUE_FULL:
      return absl::ResourceExhaustedError("KafkaPublisher: local queue is full");
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
      return absl::InvalidArgumentError("KafkaPublisher: record is too large");
    case RD_KAFKA_RESP_ERR__FATAL:
      fatal_.store(true, std::memory_order_release);
      return absl::UnavailableError("KafkaPublisher: producer failed fatally; rebuilding");
    default:
      return absl::UnavailableError(absl::StrCat("KafkaPublisher: ", rd_kafka_err2str(err)));
  }
}

int KafkaPublisher::Poll(absl::Duration timeout) {
  int served = 0;
  {
    absl::ReaderMutexLock lock(&handle_mu_);
    if (rk_ != nullptr) served = rd_kafka_poll(rk_, ToMillis(timeout));
  }
  DispatchReports();
  if (fatal_.load(std::memory_order_acquire)) Rebuild();
  return served;
}

absl::Status KafkaPublisher::Flush(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (InFlight() > 0) {
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(
          absl::StrCat("KafkaPublisher: ", InFlight(), " records still in flight"));
    }
    Poll(std::min(left, absl::Milliseconds(100)));
  }
  return absl::OkStatus();
}

int KafkaPublisher::DispatchReports() {
  std::vector<DeliveryReport> reports;
  {
    absl::MutexLock lock(&reports_mu_);
    reports.swap(reports_);
  }
  for (const DeliveryReport& report : reports) {
    if (on_delivery_) on_delivery_(report);
    // After the callback: InFlight() == 0 means every report has been handled.
    in_flight_.fetch_sub(1, std::memory_order_acq_rel);
  }
  return static_cast<int>(reports.size());
}

void KafkaPublisher::Rebuild() {
  {
    absl::MutexLock lock(&handle_mu_);
    if (!fatal_.load(std::memory_order_acquire)) return;  // another thread rebuilt it
    char reason[512] = "";
    rd_kafka_resp_err_t err = rk_ != nullptr ? rd_kafka_fatal_error(rk_, reason, sizeof(reason))
                                             : RD_KAFKA_RESP_ERR__FATAL;
    LogError("kafka producer failed fatally; rebuilding it",
             {{"error", rd_kafka_err2name(err)}, {"reason", reason}});
    // A failed producer never delivers again: purge, and report every record as failed.
    if (rk_ != nullptr) {
      rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
      rd_kafka_flush(rk_, 10'000);
    }
    size_t reported = 0;
    {
      absl::MutexLock reports_lock(&reports_mu_);
      reported = reports_.size();
    }
    // Records whose reports librdkafka did not produce (it should produce them all) are
    // failed here, so that InFlight() returns to zero and callers re-publish them.
    // Their tags are unknown, which is why this is an error log: it should not happen.
    size_t lost = InFlight() > reported ? InFlight() - reported : 0;
    if (lost > 0) {
      LogError("kafka producer dropped records without reports",
               {{"records", static_cast<uint64_t>(lost)}});
      in_flight_.fetch_sub(lost, std::memory_order_acq_rel);
    }
    DestroyProducer();
    absl::StatusOr<rd_kafka_t*> rk = NewProducer();
    if (rk.ok()) {
      rk_ = *rk;
      fatal_.store(false, std::memory_order_release);
      rebuilds_.fetch_add(1, std::memory_order_relaxed);
    } else {
      // The configuration worked before; try again at the next Poll().
      LogError("kafka producer rebuild failed", {{"error", std::string(rk.status().message())}});
    }
  }
  DispatchReports();
}

absl::Status KafkaPublisher::TriggerFatalErrorForTesting() {
  absl::ReaderMutexLock lock(&handle_mu_);
  if (rk_ == nullptr) return absl::FailedPreconditionError("no producer");
  rd_kafka_resp_err_t err = rd_kafka_test_fatal_error(
      rk_, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER, "triggered by a test");
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return absl::InternalError(rd_kafka_err2str(err));
  return absl::OkStatus();
}

void KafkaPublisher::OnDeliveryReport(rd_kafka_t* rk, const rd_kafka_message_t* message,
                                      void* opaque) {
  auto* self = static_cast<KafkaPublisher*>(opaque);
  DeliveryReport report;
  report.tag = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(message->_private));
  report.status = DeliveryStatus(message->err);
  report.partition = message->partition;
  report.offset = message->err == RD_KAFKA_RESP_ERR_NO_ERROR ? message->offset : -1;
  absl::MutexLock lock(&self->reports_mu_);
  self->reports_.push_back(std::move(report));
}

void KafkaPublisher::OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* self = static_cast<KafkaPublisher*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    self->fatal_.store(true, std::memory_order_release);
    return;  // Rebuild() logs the underlying error
  }
  // Transient: librdkafka retries by itself. A refused connection is expected while a
  // broker restarts; losing every broker is worth a warning.
  Log(err == RD_KAFKA_RESP_ERR__TRANSPORT ? LogLevel::kDebug : LogLevel::kWarn,
      "kafka producer error",
      {{"error", rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err))}, {"reason", reason}});
}

}  // namespace salesperf::bus
