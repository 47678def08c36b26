// DevKafka: a test fixture that runs salesperf-devkafka (librdkafka's mock cluster) as a
// child process.
//
//   ASSERT_OK_AND_ASSIGN(auto kafka, DevKafka::Start());
//   publisher_options.bootstrap_servers = kafka->bootstrap();
//   ASSERT_OK(kafka->BrokerDown(DevKafka::kAllBrokers));
//
// Start() waits for the child's `bootstrap=` line (with a timeout, never a fixed sleep).
// The child runs with --exit-on-stdin-eof and, on Linux, dies with its parent, so that a
// crashed test leaves no cluster behind. The destructor stops it (SIGTERM) and reaps it.
//
// The binary is found in this order: $SALESPERF_DEVKAFKA; `salesperf-devkafka` beside the
// running executable (build/bin); `../bin/salesperf-devkafka` from it (tests run from
// build/tests).
//
// The child is a ChildProcess (libs/testing/child_process.h): it ignores SIGPIPE
// process-wide, so that a write to a child that died reports an error instead of killing
// the test.
//
// Thread safety: the control methods serialize on an internal mutex; bootstrap() is
// immutable after Start().
#ifndef SALESPERF_LIBS_TESTING_DEV_KAFKA_H_
#define SALESPERF_LIBS_TESTING_DEV_KAFKA_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/testing/child_process.h"

namespace salesperf::testing {

struct DevKafkaOptions {
  // Number of mock brokers; their ids run 1..brokers.
  // Default: 3.
  int brokers = 3;
  // Partitions of every pre-created topic.
  // Default: 6.
  int partitions = 6;
  // Extra topics to create, each `name` or `name:partitions`.
  // Default: none (the salesperf events and DLQ topics always exist).
  std::vector<std::string> extra_topics;
  // How long Start() and each control command wait for the child's answer.
  // Default: 30 seconds (generous: CI machines are shared).
  absl::Duration timeout = absl::Seconds(30);
  // Path of salesperf-devkafka. Default: empty, located as described above.
  std::string binary;
};

class DevKafka {
 public:
  // BrokerDown/BrokerUp argument meaning every broker.
  static constexpr int32_t kAllBrokers = -1;

  // Starts the child and waits until it is ready. UNAVAILABLE if the binary cannot be
  // found or started, DEADLINE_EXCEEDED if it does not report ready in time.
  static absl::StatusOr<std::unique_ptr<DevKafka>> Start(DevKafkaOptions options = {});

  ~DevKafka();
  DevKafka(const DevKafka&) = delete;
  DevKafka& operator=(const DevKafka&) = delete;

  // "127.0.0.1:port,..." for bootstrap.servers.
  const std::string& bootstrap() const { return bootstrap_; }
  int brokers() const { return options_.brokers; }
  pid_t pid() const;

  // Disconnects a broker (1..brokers, or kAllBrokers) and refuses new connections, or
  // lets it accept connections again. Partition leadership does not move by itself: use
  // SetLeader. Errors: the child's error text as INTERNAL; DEADLINE_EXCEEDED.
  absl::Status BrokerDown(int32_t broker_id);
  absl::Status BrokerUp(int32_t broker_id);
  // Makes `broker_id` (or -1: none) the leader of topic/partition.
  absl::Status SetLeader(const std::string& topic, int32_t partition, int32_t broker_id);

 private:
  explicit DevKafka(DevKafkaOptions options) : options_(std::move(options)) {}
  absl::Status Launch();
  // Sends one command line and waits for its one-line reply.
  absl::Status Command(const std::string& line);

  const DevKafkaOptions options_;
  std::string bootstrap_;
  mutable absl::Mutex mu_;
  std::unique_ptr<ChildProcess> child_ ABSL_GUARDED_BY(mu_);
};

}  // namespace salesperf::testing

#endif  // SALESPERF_LIBS_TESTING_DEV_KAFKA_H_
