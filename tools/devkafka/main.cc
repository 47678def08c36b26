// salesperf-devkafka: hosts librdkafka's mock Kafka cluster on loopback.
//
// Prints exactly one line `bootstrap=HOST:PORT,...` on stdout once the cluster is up
// and its topics exist, then serves the control channel on stdin (see README.md) until
// SIGTERM or SIGINT, and exits 0.
#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/bus/topics.h"
#include "libs/common/config.h"

namespace salesperf::devkafka {
namespace {

struct Flags {
  int brokers = 3;
  int partitions = 6;
  // 0: min(3, brokers).
  int replication = 0;
  std::string bootstrap_file;
  // Comma-separated extra topics, each `name` or `name:partitions`.
  std::string topics;
  // Exit when stdin reaches end of file (the fixture uses this, so that the cluster
  // never outlives its test even when the test is killed).
  bool exit_on_stdin_eof = false;
};

struct TopicSpec {
  std::string name;
  int partitions = 0;
};

// The mock cluster and the handle that hosts it. Control commands and shutdown take
// `mu` so that the cluster is never used after it is destroyed.
struct Cluster {
  std::mutex mu;
  rd_kafka_t* host = nullptr;
  rd_kafka_mock_cluster_t* mock = nullptr;
  int brokers = 0;
};

std::string Fail(absl::string_view why) { return absl::StrCat("error ", why); }

// Mock broker ids run 1..brokers; "all" or -1 means every broker.
std::string SetBrokers(Cluster& cluster, const std::string& which, bool up) {
  std::vector<int32_t> ids;
  int32_t id = 0;
  if (which == "all" || which == "-1") {
    for (int32_t i = 1; i <= cluster.brokers; ++i) ids.push_back(i);
  } else if (absl::SimpleAtoi(which, &id) && id >= 1 && id <= cluster.brokers) {
    ids.push_back(id);
  } else {
    return Fail(absl::StrCat("broker must be 1..", cluster.brokers, " or all"));
  }
  for (int32_t broker : ids) {
    rd_kafka_resp_err_t err = up ? rd_kafka_mock_broker_set_up(cluster.mock, broker)
                                 : rd_kafka_mock_broker_set_down(cluster.mock, broker);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return Fail(rd_kafka_err2str(err));
  }
  return "ok";
}

std::string Execute(Cluster& cluster, const std::string& line) {
  std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipWhitespace());
  if (words.empty()) return Fail("empty command");
  std::lock_guard<std::mutex> lock(cluster.mu);
  if (cluster.mock == nullptr) return Fail("shutting down");
  const std::string& verb = words[0];
  if (verb == "ping" && words.size() == 1) return "ok";
  if (verb == "bootstrap" && words.size() == 1) {
    return absl::StrCat("bootstrap=", rd_kafka_mock_cluster_bootstraps(cluster.mock));
  }
  if ((verb == "down" || verb == "up") && words.size() == 2) {
    return SetBrokers(cluster, words[1], verb == "up");
  }
  if (verb == "leader" && words.size() == 4) {
    int32_t partition = 0;
    int32_t broker = 0;
    if (!absl::SimpleAtoi(words[2], &partition) || !absl::SimpleAtoi(words[3], &broker)) {
      return Fail("usage: leader <topic> <partition> <broker_id|-1>");
    }
    rd_kafka_resp_err_t err =
        rd_kafka_mock_partition_set_leader(cluster.mock, words[1].c_str(), partition, broker);
    return err == RD_KAFKA_RESP_ERR_NO_ERROR ? "ok" : Fail(rd_kafka_err2str(err));
  }
  return Fail(
      "unknown command; try: ping, bootstrap, down <id|all>, up <id|all>, "
      "leader <topic> <partition> <broker_id|-1>");
}

// Replies one line per command on stdout. Runs until stdin closes.
void ServeControl(Cluster& cluster, bool exit_on_eof) {
  std::string line;
  while (std::getline(std::cin, line)) {
    std::string reply = Execute(cluster, std::string(absl::StripAsciiWhitespace(line)));
    std::cout << reply << std::endl;
  }
  if (exit_on_eof) kill(getpid(), SIGTERM);
}

absl::StatusOr<std::vector<TopicSpec>> Topics(const Flags& flags) {
  std::vector<TopicSpec> topics;
  for (std::string_view service : bus::kServices) {
    topics.push_back({bus::EventsTopic(service), flags.partitions});
    topics.push_back({bus::DeadLetterTopic(service), flags.partitions});
  }
  for (absl::string_view spec : absl::StrSplit(flags.topics, ',', absl::SkipWhitespace())) {
    std::vector<std::string> parts = absl::StrSplit(spec, ':');
    TopicSpec topic{std::string(absl::StripAsciiWhitespace(parts[0])), flags.partitions};
    if (topic.name.empty() || parts.size() > 2 ||
        (parts.size() == 2 &&
         (!absl::SimpleAtoi(parts[1], &topic.partitions) || topic.partitions < 1))) {
      return absl::InvalidArgumentError(
          absl::StrCat("--topics: expected name[:partitions], got '", spec, "'"));
    }
    topics.push_back(std::move(topic));
  }
  return topics;
}

// Writes `content` to `path` so that readers see the old file or the new one, never a
// part: a temporary file beside it, fsync, rename.
absl::Status WriteFileAtomically(const std::string& path, const std::string& content) {
  std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("cannot create ", tmp));
  bool ok = write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  ok = fsync(fd) == 0 && ok;
  ok = close(fd) == 0 && ok;
  if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
    unlink(tmp.c_str());
    return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

int Run(const Flags& flags) {
  if (flags.brokers < 1 || flags.partitions < 1) {
    std::cerr << "--brokers and --partitions must be at least 1\n";
    return 2;
  }
  int replication = flags.replication > 0 ? flags.replication : std::min(3, flags.brokers);
  if (replication > flags.brokers) {
    std::cerr << "--replication must not exceed --brokers\n";
    return 2;
  }
  absl::StatusOr<std::vector<TopicSpec>> topics = Topics(flags);
  if (!topics.ok()) {
    std::cerr << topics.status().message() << "\n";
    return 2;
  }

  // librdkafka's threads inherit this mask, so the signals reach only sigwait below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "client.id", "salesperf-devkafka", errstr, sizeof(errstr));
  rd_kafka_conf_set(conf, "log.connection.close", "false", errstr, sizeof(errstr));
  // Warnings and errors only: the host handle's notice that it has no bootstrap servers
  // of its own is noise.
  rd_kafka_conf_set(conf, "log_level", "4", errstr, sizeof(errstr));
  Cluster cluster;
  cluster.brokers = flags.brokers;
  // The mock cluster needs a client handle to run on; this producer never produces.
  cluster.host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (cluster.host == nullptr) {
    std::cerr << "rd_kafka_new: " << errstr << "\n";
    return 1;
  }
  cluster.mock = rd_kafka_mock_cluster_new(cluster.host, flags.brokers);
  if (cluster.mock == nullptr) {
    std::cerr << "rd_kafka_mock_cluster_new failed\n";
    rd_kafka_destroy(cluster.host);
    return 1;
  }
  for (const TopicSpec& topic : *topics) {
    rd_kafka_resp_err_t err =
        rd_kafka_mock_topic_create(cluster.mock, topic.name.c_str(), topic.partitions, replication);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::cerr << "creating " << topic.name << ": " << rd_kafka_err2str(err) << "\n";
      rd_kafka_mock_cluster_destroy(cluster.mock);
      rd_kafka_destroy(cluster.host);
      return 1;
    }
  }
  std::string bootstrap = rd_kafka_mock_cluster_bootstraps(cluster.mock);
  if (!flags.bootstrap_file.empty()) {
    if (absl::Status s = WriteFileAtomically(flags.bootstrap_file, bootstrap + "\n"); !s.ok()) {
      std::cerr << s.message() << "\n";
      rd_kafka_mock_cluster_destroy(cluster.mock);
      rd_kafka_destroy(cluster.host);
      return 1;
    }
  }
  std::cout << "bootstrap=" << bootstrap << std::endl;

  std::thread control(ServeControl, std::ref(cluster), flags.exit_on_stdin_eof);
  control.detach();  // blocked in a read of stdin; the process exit ends it

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  // Nothing to save: the cluster lives in memory. Destroying it properly takes seconds
  // (librdkafka joins its broker threads on their timers), which only slows down every
  // test that stops one, so leave at once; the kernel closes the sockets. Taking the
  // lock first lets a control command in progress finish its reply.
  std::lock_guard<std::mutex> lock(cluster.mu);
  std::cout.flush();
  std::_Exit(0);
}

}  // namespace
}  // namespace salesperf::devkafka

int main(int argc, char** argv) {
  salesperf::devkafka::Flags flags;
  CLI::App app{
      "Hosts librdkafka's mock Kafka cluster on loopback for development and tests.\n"
      "Prints `bootstrap=HOST:PORT,...` once ready; control commands on stdin (README.md)."};
  salesperf::AddFlag(app, "--brokers", flags.brokers, "number of mock brokers (ids 1..N)");
  salesperf::AddFlag(app, "--partitions", flags.partitions, "partitions per topic");
  salesperf::AddFlag(app, "--replication", flags.replication,
                     "replication factor; 0 means min(3, brokers)");
  salesperf::AddFlag(app, "--bootstrap-file", flags.bootstrap_file,
                     "also write the bootstrap list to this file (atomically)");
  salesperf::AddFlag(app, "--topics", flags.topics,
                     "extra topics to create: name[:partitions],...");
  salesperf::AddFlag(app, "--exit-on-stdin-eof", flags.exit_on_stdin_eof,
                     "exit when stdin closes (for test fixtures)");
  CLI11_PARSE(app, argc, argv);
  return salesperf::devkafka::Run(flags);
}
