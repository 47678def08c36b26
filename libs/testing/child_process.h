// ChildProcess: a program started by a test, with its stdin and stdout on pipes.
//
//   ASSERT_OK_AND_ASSIGN(auto child, ChildProcess::Start({binary, "--flag", "x"}));
//   ASSERT_OK(child->WaitForLine("ready", absl::Seconds(30)).status());
//   child->Kill(SIGKILL);
//
// The child dies with the test (PR_SET_PDEATHSIG), so a crashed test leaves nothing
// running. Its stderr is the test's stderr. The destructor kills (SIGKILL) and reaps it
// if it is still running. Lines are read with a deadline, never by sleeping.
//
// Thread safety: none; use from one thread.
#ifndef SALESPERF_LIBS_TESTING_CHILD_PROCESS_H_
#define SALESPERF_LIBS_TESTING_CHILD_PROCESS_H_

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace salesperf::testing {

class ChildProcess {
 public:
  // Starts argv[0] (a path) with the arguments. UNAVAILABLE if it cannot be started.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(std::vector<std::string> argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // The next line of the child's stdout, without the newline. DEADLINE_EXCEEDED at the
  // deadline; OUT_OF_RANGE when the child closed stdout (exited).
  absl::StatusOr<std::string> ReadLine(absl::Duration timeout);
  // Reads lines until one satisfies `match` and returns it.
  absl::StatusOr<std::string> WaitForLine(const std::function<bool(const std::string&)>& match,
                                          absl::Duration timeout);
  // Reads lines until one equals `line`.
  absl::Status WaitForLine(const std::string& line, absl::Duration timeout);
  // Writes `line` and a newline to the child's stdin.
  absl::Status WriteLine(const std::string& line);

  // Sends `signal`; no-op if the child was reaped.
  void Kill(int signal);
  // Waits for the child to exit and returns its wait status (see waitpid);
  // DEADLINE_EXCEEDED if it is still running after `timeout`.
  absl::StatusOr<int> Wait(absl::Duration timeout);

  // Path of a binary built into build/bin or build/tests, found relative to the running
  // test executable (tests run from build/tests). Empty if not found.
  static std::string FindBuiltBinary(const std::string& name);

 private:
  ChildProcess() = default;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  bool reaped_ = false;
  std::string buffered_;
};

}  // namespace salesperf::testing

#endif  // SALESPERF_LIBS_TESTING_CHILD_PROCESS_H_
