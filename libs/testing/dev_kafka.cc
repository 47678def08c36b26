#include "libs/testing/dev_kafka.h"

#include <signal.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

namespace salesperf::testing {
namespace {

std::string FindBinary(const DevKafkaOptions& options) {
  if (!options.binary.empty()) return options.binary;
  if (const char* env = std::getenv("SALESPERF_DEVKAFKA"); env != nullptr && *env != '\0') {
    return env;
  }
  return ChildProcess::FindBuiltBinary("salesperf-devkafka");
}

}  // namespace

absl::StatusOr<std::unique_ptr<DevKafka>> DevKafka::Start(DevKafkaOptions options) {
  std::unique_ptr<DevKafka> kafka(new DevKafka(std::move(options)));
  if (absl::Status s = kafka->Launch(); !s.ok()) return s;
  return kafka;
}

absl::Status DevKafka::Launch() {
  std::string binary = FindBinary(options_);
  if (binary.empty()) {
    return absl::UnavailableError(
        "salesperf-devkafka not found: build it (ninja salesperf-devkafka) or set "
        "SALESPERF_DEVKAFKA");
  }
  std::vector<std::string> args = {binary, absl::StrCat("--brokers=", options_.brokers),
                                   absl::StrCat("--partitions=", options_.partitions),
                                   "--exit-on-stdin-eof=true"};
  if (!options_.extra_topics.empty()) {
    args.push_back(absl::StrCat("--topics=", absl::StrJoin(options_.extra_topics, ",")));
  }
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::unique_ptr<ChildProcess>> child = ChildProcess::Start(std::move(args));
  if (!child.ok()) return child.status();
  child_ = std::move(*child);
  absl::StatusOr<std::string> line = child_->ReadLine(options_.timeout);
  if (!line.ok()) {
    return absl::Status(line.status().code(),
                        absl::StrCat("salesperf-devkafka (", binary,
                                     ") did not report ready: ", line.status().message()));
  }
  constexpr std::string_view kPrefix = "bootstrap=";
  if (!line->starts_with(kPrefix)) {
    return absl::InternalError(
        absl::StrCat("salesperf-devkafka printed '", *line, "' instead of bootstrap=..."));
  }
  bootstrap_ = line->substr(kPrefix.size());
  return absl::OkStatus();
}

DevKafka::~DevKafka() {
  absl::MutexLock lock(&mu_);
  if (child_ == nullptr) return;
  child_->Kill(SIGTERM);
  // The tool exits at once on SIGTERM; ChildProcess's destructor SIGKILLs it otherwise.
  (void)child_->Wait(options_.timeout);
}

pid_t DevKafka::pid() const {
  absl::MutexLock lock(&mu_);
  return child_ != nullptr ? child_->pid() : -1;
}

absl::Status DevKafka::Command(const std::string& line) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = child_->WriteLine(line); !s.ok()) {
    return absl::UnavailableError("salesperf-devkafka is gone");
  }
  absl::StatusOr<std::string> reply = child_->ReadLine(options_.timeout);
  if (!reply.ok()) return reply.status();
  if (*reply != "ok") return absl::InternalError(absl::StrCat("'", line, "': ", *reply));
  return absl::OkStatus();
}

absl::Status DevKafka::BrokerDown(int32_t broker_id) {
  return Command(absl::StrCat("down ", broker_id < 0 ? "all" : absl::StrCat(broker_id)));
}

absl::Status DevKafka::BrokerUp(int32_t broker_id) {
  return Command(absl::StrCat("up ", broker_id < 0 ? "all" : absl::StrCat(broker_id)));
}

absl::Status DevKafka::SetLeader(const std::string& topic, int32_t partition, int32_t broker_id) {
  return Command(absl::StrCat("leader ", topic, " ", partition, " ", broker_id));
}

}  // namespace salesperf::testing
