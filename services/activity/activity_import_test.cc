// Bulk import of 100k call records through the ImportCalls stream: duplicates (within a
// batch, across batches, and of an earlier import) and bad rows. Labelled "bulk".
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/status_matchers.h"
#include "services/activity/domain/call.h"
#include "services/activity/testing/service_fixture.h"

namespace salesperf::activity {
namespace {

using namespace ::salesperf::activity::testing;  // NOLINT(build/namespaces): fixture helpers

constexpr int kRecords = 100'000;
constexpr int kBatch = 1000;

class BulkImportTest : public ServiceFixture {};

TEST_F(BulkImportTest, HundredThousandCallsWithDuplicatesAndBadRows) {
  // Record i: every 20th repeats the external id of record i-7 (a duplicate, sometimes in
  // the previous batch); every 97th is bad (negative duration, or no rep).
  std::vector<v1::ImportCallsRequest> batches(kRecords / kBatch);
  std::set<std::string> good_ids;
  std::set<int> bad, duplicate;
  std::vector<std::string> external(kRecords);
  for (int i = 0; i < kRecords; ++i) {
    v1::ImportCallsRequest& b = batches[i / kBatch];
    if (b.request_id().empty()) b.set_request_id(absl::StrCat("batch-", i / kBatch));
    const bool is_bad = i % 97 == 0;
    external[i] = (i % 20 == 0 && i >= 7 && !is_bad) ? external[i - 7] : absl::StrCat("x", i);
    v1::CallRecord r =
        CallRecordOf(external[i], absl::StrCat("rep", i % 50), absl::Seconds(1 + i % 86'000));
    if (is_bad) {
      if (i % 2 == 0) {
        r.set_duration_seconds(-3);
      } else {
        r.clear_rep_id();
      }
      bad.insert(i);
    } else if (!good_ids.insert(external[i]).second) {
      duplicate.insert(i);
    }
    *b.add_records() = std::move(r);
  }
  ASSERT_GT(duplicate.size(), 4000u);
  ASSERT_GT(bad.size(), 1000u);
  const uint64_t head = Head();

  ASSERT_OK_AND_ASSIGN(v1::ImportCallsResponse response, Import(batches));
  EXPECT_EQ(response.received(), kRecords);
  EXPECT_EQ(response.batches(), kRecords / kBatch);
  EXPECT_EQ(response.accepted(), static_cast<int64_t>(good_ids.size()));
  EXPECT_EQ(response.duplicates(), static_cast<int64_t>(duplicate.size()));
  EXPECT_EQ(response.invalid(), static_cast<int64_t>(bad.size()));
  // Nothing doubled: one event per distinct good call.
  EXPECT_EQ(Head() - head, good_ids.size());
  // Every bad and duplicate row is reported, by its index, with its reason.
  std::set<int> reported_bad, reported_duplicate;
  for (const v1::ImportCallResult& r : response.results()) {
    if (r.status() == v1::IMPORT_STATUS_INVALID) {
      reported_bad.insert(static_cast<int>(r.index()));
      EXPECT_FALSE(r.violations().empty());
      const std::string field = r.violations(0).field();
      EXPECT_TRUE(field == "duration_seconds" || field == "rep_id") << field;
    } else if (r.status() == v1::IMPORT_STATUS_DUPLICATE) {
      reported_duplicate.insert(static_cast<int>(r.index()));
      EXPECT_EQ(r.call_id(), ExternalCallId("pbx", external[r.index()]));
    }
  }
  EXPECT_EQ(reported_bad, bad);
  EXPECT_EQ(reported_duplicate, duplicate);

  // The same import again under new batch ids: all duplicates, nothing written.
  std::vector<v1::ImportCallsRequest> again(batches.begin(), batches.begin() + 10);
  for (v1::ImportCallsRequest& b : again) b.set_request_id("re-" + b.request_id());
  ASSERT_OK_AND_ASSIGN(v1::ImportCallsResponse second, Import(again));
  EXPECT_EQ(second.accepted(), 0);
  EXPECT_EQ(Head() - head, good_ids.size());
}

}  // namespace
}  // namespace salesperf::activity
