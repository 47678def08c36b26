#include "libs/testing/dev_kafka.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <system_error>

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
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  for (const std::filesystem::path& candidate :
       {exe.parent_path() / "salesperf-devkafka",
        exe.parent_path().parent_path() / "bin" / "salesperf-devkafka"}) {
    if (std::filesystem::exists(candidate, ec)) return candidate.string();
  }
  return "";
}

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

}  // namespace

absl::StatusOr<std::unique_ptr<DevKafka>> DevKafka::Start(DevKafkaOptions options) {
  signal(SIGPIPE, SIG_IGN);
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
  // Built before fork: the child may only make async-signal-safe calls.
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  int in_pipe[2];
  int out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0) return absl::UnavailableError("pipe2 failed");
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    close(in_pipe[0]);
    close(in_pipe[1]);
    return absl::UnavailableError("pipe2 failed");
  }
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1]}) close(fd);
    return absl::UnavailableError("fork failed");
  }
  if (pid == 0) {
    // Dies with the test even if the test is killed before closing our stdin.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(in_pipe[0], STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;
  close(in_pipe[0]);
  close(out_pipe[1]);
  stdin_fd_ = in_pipe[1];
  stdout_fd_ = out_pipe[0];

  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::string> line = ReadLine(absl::Now() + options_.timeout);
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
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  CloseFd(stdin_fd_);
  CloseFd(stdout_fd_);
}

absl::StatusOr<std::string> DevKafka::ReadLine(absl::Time deadline) {
  while (true) {
    if (size_t end = buffered_.find('\n'); end != std::string::npos) {
      std::string line = buffered_.substr(0, end);
      buffered_.erase(0, end + 1);
      return line;
    }
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError("no answer from salesperf-devkafka in time");
    }
    pollfd pfd{stdout_fd_, POLLIN, 0};
    int ready = poll(&pfd, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready < 0 && errno != EINTR) return absl::InternalError("poll failed");
    if (ready <= 0) continue;
    char buf[4096];
    ssize_t n = read(stdout_fd_, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::UnavailableError("salesperf-devkafka exited");
    buffered_.append(buf, static_cast<size_t>(n));
  }
}

absl::Status DevKafka::Command(const std::string& line) {
  absl::MutexLock lock(&mu_);
  std::string out = line + "\n";
  size_t written = 0;
  while (written < out.size()) {
    ssize_t n = write(stdin_fd_, out.data() + written, out.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::UnavailableError("salesperf-devkafka is gone");
    written += static_cast<size_t>(n);
  }
  absl::StatusOr<std::string> reply = ReadLine(absl::Now() + options_.timeout);
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
