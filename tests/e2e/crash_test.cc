// DESIGN.md section 4 against the whole platform in one process: an acknowledged command
// survives kill -9 of salesperfd, and after the restart the read models (activity's call
// list, analytics' KPIs) agree with what was written, resuming from their checkpoints.
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "libs/common/status_macros.h"
#include "libs/testing/child_process.h"
#include "libs/testing/grpc_call.h"
#include "libs/testing/probes.h"
#include "libs/testing/status_matchers.h"
#include "libs/testing/temp_dir.h"
#include "salesperf/activity/v1/activity.grpc.pb.h"
#include "salesperf/analytics/v1/analytics.grpc.pb.h"

namespace salesperf::e2e {
namespace {

using testing::ChildProcess;
namespace av1 = activity::v1;
namespace nv1 = analytics::v1;

constexpr char kRep[] = "rep-001";
// Calls acknowledged before the kill: enough that the kill lands amid writes and
// projection batches.
constexpr int kAckedBeforeKill = 300;

std::unique_ptr<ChildProcess> StartDaemon(const std::vector<std::string>& argv) {
  absl::StatusOr<std::unique_ptr<ChildProcess>> daemon = ChildProcess::Start(argv);
  EXPECT_OK(daemon.status());
  return daemon.ok() ? *std::move(daemon) : nullptr;
}

// Every call of the rep on `day`, paging through ListCalls.
absl::StatusOr<std::set<std::string>> CallsOn(av1::ActivityService::Stub& stub,
                                              const std::string& day) {
  std::set<std::string> ids;
  av1::ListCallsRequest request;
  request.set_rep_id(kRep);
  request.set_from_day(day);
  request.set_to_day(day);
  request.mutable_page()->set_page_size(500);
  while (true) {
    ASSIGN_OR_RETURN(av1::ListCallsResponse page,
                     testing::CallAs(stub, &av1::ActivityService::Stub::ListCalls, request, ""));
    for (const av1::Call& call : page.calls()) ids.insert(call.call_id());
    if (page.page().next_page_token().empty()) return ids;
    request.mutable_page()->set_page_token(page.page().next_page_token());
  }
}

absl::StatusOr<int64_t> AnalyticsCallsOn(nv1::AnalyticsService::Stub& stub,
                                         const std::string& day) {
  nv1::GetKpisRequest request;
  request.mutable_scope()->set_kind(common::v1::SCOPE_KIND_REP);
  request.mutable_scope()->set_id(kRep);
  request.mutable_period()->set_id(day);
  ASSIGN_OR_RETURN(nv1::GetKpisResponse response,
                   testing::CallAs(stub, &nv1::AnalyticsService::Stub::GetKpis, request, ""));
  return response.kpis().calls();
}

TEST(Crash, AcknowledgedCallsSurviveKillNineAndTheReadModelsAgreeAfterRestart) {
  testing::TempDir dir;
  const std::string salesperfd = ChildProcess::FindBuiltBinary("salesperfd");
  ASSERT_FALSE(salesperfd.empty());
  const std::string address = absl::StrCat("127.0.0.1:", testing::FreeLoopbackPort());
  const std::vector<std::string> argv = {salesperfd,
                                         "--data-dir=" + dir.Sub("data"),
                                         "--grpc-addr=" + address,
                                         "--metrics-addr=",
                                         "--demo-data=auto",
                                         "--demo-reps=8",
                                         "--demo-customers=40",
                                         "--demo-history-days=3",
                                         "--log-level=warn"};
  std::unique_ptr<ChildProcess> daemon = StartDaemon(argv);
  ASSERT_NE(daemon, nullptr);
  // The demo's organisation is what the calls need (rep, customer, settings).
  ASSERT_OK(daemon->WaitForLine(
      [](const std::string& line) { return line.starts_with("salesperf demo loaded"); },
      absl::Minutes(3)));

  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto activity = av1::ActivityService::NewStub(channel);
  auto analytics = nv1::AnalyticsService::NewStub(channel);
  av1::ListCustomersRequest customers;
  customers.set_owner_rep_id(kRep);
  customers.mutable_page()->set_page_size(1);
  ASSERT_OK_AND_ASSIGN(
      av1::ListCustomersResponse owned,
      testing::CallAs(*activity, &av1::ActivityService::Stub::ListCustomers, customers, ""));
  ASSERT_EQ(owned.customers_size(), 1);
  const std::string customer_id = owned.customers(0).customer_id();

  // One writer logs calls until the daemon dies under it; only acknowledged ones count.
  // Before the kill a failed call (a deadline on a loaded machine) is retried with the same
  // request_id, which is idempotent.
  absl::Mutex mu;
  std::map<std::string, std::string> acked;  // call id -> its day
  std::atomic<bool> killed{false};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop.load();) {
      av1::LogCallRequest request;
      request.set_request_id(absl::StrCat("crash-call-", i));
      av1::CallRecord& call = *request.mutable_call();
      call.set_rep_id(kRep);
      call.set_customer_id(customer_id);
      call.set_direction(av1::CALL_DIRECTION_OUTBOUND);
      const absl::Time started = absl::Now() - absl::Seconds(5);
      call.mutable_started_at()->set_seconds(absl::ToUnixSeconds(started));
      call.set_duration_seconds(60 + i % 120);
      call.set_outcome(av1::CALL_OUTCOME_CONNECTED);
      call.set_external_call_id(absl::StrCat("pbx-", i));
      call.set_phone_system("crash-test-pbx");
      absl::StatusOr<av1::LogCallResponse> response = testing::CallAs(
          *activity, &av1::ActivityService::Stub::LogCall, request, "", absl::Seconds(5));
      if (!response.ok()) {
        if (killed.load()) return;  // the daemon is gone
        continue;
      }
      absl::MutexLock lock(&mu);
      acked[response->call().call_id()] = response->call().started_on();
      ++i;
    }
  });
  // Joins the writer on every way out of the test, an early ASSERT included.
  struct JoinOnExit {
    std::atomic<bool>& stop;
    std::thread& thread;
    ~JoinOnExit() {
      stop = true;
      if (thread.joinable()) thread.join();
    }
  } join_writer{stop, writer};

  bool enough = false;
  {
    absl::MutexLock lock(&mu);
    enough = mu.AwaitWithTimeout(
        absl::Condition(
            +[](std::map<std::string, std::string>* m) { return m->size() >= kAckedBeforeKill; },
            &acked),
        absl::Minutes(2));
  }
  killed = true;
  daemon->Kill(SIGKILL);
  ASSERT_OK_AND_ASSIGN(int status, daemon->Wait(absl::Seconds(30)));
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  stop = true;
  writer.join();
  ASSERT_TRUE(enough) << "only " << acked.size() << " calls acknowledged before the kill";

  // The same data directory: no demo again, every acknowledged call still there. A new
  // channel: the old one is backing off from the dead server.
  daemon = StartDaemon(argv);
  ASSERT_NE(daemon, nullptr);
  ASSERT_TRUE(testing::WaitUntilServing(address, absl::Minutes(2)));
  channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  activity = av1::ActivityService::NewStub(channel);
  analytics = nv1::AnalyticsService::NewStub(channel);
  std::set<std::string> days;
  for (const auto& [call_id, day] : acked) {
    days.insert(day);
    av1::GetCallRequest get;
    get.set_call_id(call_id);
    EXPECT_OK(testing::CallAs(*activity, &av1::ActivityService::Stub::GetCall, get, "").status())
        << call_id << " was acknowledged before the kill";
  }
  for (const std::string& day : days) {
    SCOPED_TRACE(day);
    ASSERT_OK_AND_ASSIGN(std::set<std::string> listed, CallsOn(*activity, day));
    for (const auto& [call_id, call_day] : acked) {
      if (call_day != day) continue;
      EXPECT_TRUE(listed.count(call_id)) << call_id << " is missing from the calls view";
    }
    // Analytics resumes from its checkpoint and folds to the same count: nothing lost,
    // nothing counted twice.
    int64_t counted = -1;
    const absl::Time deadline = absl::Now() + absl::Minutes(1);
    while (absl::Now() < deadline) {
      ASSERT_OK_AND_ASSIGN(counted, AnalyticsCallsOn(*analytics, day));
      if (counted == static_cast<int64_t>(listed.size())) break;
      absl::SleepFor(absl::Milliseconds(200));
    }
    EXPECT_EQ(counted, static_cast<int64_t>(listed.size()));
  }

  daemon->Kill(SIGTERM);
  ASSERT_OK_AND_ASSIGN(status, daemon->Wait(absl::Seconds(60)));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

}  // namespace
}  // namespace salesperf::e2e
