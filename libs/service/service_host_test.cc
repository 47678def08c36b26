#include "libs/service/service_host.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"
#include "libs/common/status_macros.h"
#include "libs/eventstore/memory_event_store.h"
#include "libs/testing/status_matchers.h"
#include "libs/testing/temp_dir.h"

namespace salesperf::service {
namespace {

using testing::StatusIs;

// Counts events per source: "count/<source>" -> decimal count.
class CountingView final : public projection::View {
 public:
  std::string_view name() const override { return "counts"; }
  absl::Status Apply(const projection::EventEnvelope& event, projection::ViewTxn& txn) override {
    const std::string key = absl::StrCat("count/", event.source());
    ASSIGN_OR_RETURN(std::optional<std::string> row, txn.Get(key));
    int64_t count = 0;
    if (row.has_value() && !absl::SimpleAtoi(*row, &count)) {
      return absl::DataLossError("bad counter row");
    }
    txn.Put(key, absl::StrCat(count + 1));
    return absl::OkStatus();
  }
};

ServiceHostOptions CountingHost(const std::string& data_dir,
                                std::vector<eventstore::EventStore*> upstream = {}) {
  ServiceHostOptions options;
  options.name = "activity";
  options.data_dir = data_dir;
  options.view_names = {"counts"};
  options.make_views = [] {
    std::vector<std::unique_ptr<projection::View>> views;
    views.push_back(std::make_unique<CountingView>());
    return views;
  };
  options.upstream_stores = std::move(upstream);
  return options;
}

void AppendOne(eventstore::EventStore& store, const std::string& stream) {
  eventstore::AppendRequest request;
  request.stream_id = stream;
  request.expected_version = eventstore::ExpectedVersion::Any();
  google::protobuf::Int64Value payload;
  payload.set_value(1);
  eventstore::EventEnvelope envelope;
  envelope.mutable_payload()->PackFrom(payload);
  request.events.push_back(envelope);
  ASSERT_OK(store.Append(std::move(request)).status());
}

std::string Count(ServiceHost& host, const std::string& source) {
  absl::StatusOr<std::optional<std::string>> row =
      host.views().Get("counts", absl::StrCat("count/", source));
  return row.ok() && row->has_value() ? **row : "none";
}

TEST(ServiceHost, FoldsOwnAndUpstreamEventsAndWaitsForOwnWrites) {
  testing::TempDir dir;
  eventstore::MemoryEventStore targets({.source = "targets"});
  for (int i = 0; i < 3; ++i) AppendOne(targets, "org");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ServiceHost> host,
                       ServiceHost::Open(CountingHost(dir.path().string(), {&targets})));
  EXPECT_EQ(host->root(), (dir.path() / "activity").string());
  ASSERT_OK(host->Start());
  ASSERT_OK(host->CatchUp(absl::Seconds(10)));
  EXPECT_EQ(Count(*host, "targets"), "3");

  for (int i = 0; i < 5; ++i) AppendOne(host->store(), "call-1");
  ASSERT_OK(host->WaitForOwnWrites(absl::Seconds(10)));
  EXPECT_EQ(Count(*host, "activity"), "5");
  EXPECT_EQ(host->relay(), nullptr);
  ASSERT_OK(host->Stop());
  ASSERT_OK(host->Stop());
}

TEST(ServiceHost, RestartResumesFromTheCheckpointWithoutRefolding) {
  testing::TempDir dir;
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<ServiceHost> host,
                         ServiceHost::Open(CountingHost(dir.path().string())));
    ASSERT_OK(host->Start());
    for (int i = 0; i < 4; ++i) AppendOne(host->store(), "visit-1");
    ASSERT_OK(host->WaitForOwnWrites(absl::Seconds(10)));
  }
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ServiceHost> host,
                       ServiceHost::Open(CountingHost(dir.path().string())));
  ASSERT_OK(host->Start());
  ASSERT_OK(host->CatchUp(absl::Seconds(10)));
  AppendOne(host->store(), "visit-2");
  ASSERT_OK(host->WaitForOwnWrites(absl::Seconds(10)));
  EXPECT_EQ(Count(*host, "activity"), "5");
}

TEST(ServiceHost, RejectsBadOptions) {
  testing::TempDir dir;
  ServiceHostOptions bad_name = CountingHost(dir.path().string());
  bad_name.name = "Activity/../x";
  EXPECT_THAT(ServiceHost::Open(bad_name).status(), StatusIs(absl::StatusCode::kInvalidArgument));
  ServiceHostOptions no_views = CountingHost(dir.path().string());
  no_views.view_names.clear();
  EXPECT_THAT(ServiceHost::Open(no_views).status(), StatusIs(absl::StatusCode::kInvalidArgument));
  ServiceHostOptions null_upstream = CountingHost(dir.path().string(), {nullptr});
  EXPECT_THAT(ServiceHost::Open(null_upstream).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ServiceHost, SecondOpenOfTheSameDataIsUnavailable) {
  testing::TempDir dir;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ServiceHost> first,
                       ServiceHost::Open(CountingHost(dir.path().string())));
  EXPECT_THAT(ServiceHost::Open(CountingHost(dir.path().string())).status(),
              StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace salesperf::service
