// Runs the real salesperfctl binary against an in-process feedback service
// (services/feedback/testing/service_fixture.h: RocksDB in a TempDir, a FakeClock reading
// 2026-11-02 10:00 Shanghai, the organisation from an upstream "targets" store).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "services/feedback/testing/service_fixture.h"
#include "tools/salesperfctl/testing/ctl_runner.h"

namespace salesperf::ctl {
namespace {

using Result = testing::CtlResult;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class FeedbackCommandsTest : public testing::WithCtl<feedback::testing::ServiceFixture> {
 protected:
  FeedbackCommandsTest() { actor_ = "tom"; }
  Result Define() {
    return Run({"feedback", "define-survey", "--survey", "post-visit", "--name", "After a visit",
                "--question", "csat:csat:How satisfied were you?:required", "--question",
                "nps:nps:Would you recommend us?", "--request-id", "def-1"});
  }
};

TEST_F(FeedbackCommandsTest, DefineAndGetSurveyPrintTheQuestions) {
  Result defined = Define();
  ASSERT_EQ(defined.exit_code, 0) << defined.err;
  Result got = Run({"feedback", "get-survey", "post-visit"});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_EQ(got.out, defined.out);
  EXPECT_THAT(got.out,
              ElementsAre("survey post-visit (After a visit)", "QUESTION  KIND  REQUIRED  TEXT",
                          "csat      csat  yes       How satisfied were you?",
                          "nps       nps   no        Would you recommend us?"));
  nlohmann::json j = Json({"feedback", "get-survey", "--survey", "post-visit"});
  ASSERT_EQ(j["survey"]["questions"].size(), 2u);
  EXPECT_EQ(j["survey"]["questions"][1]["kind"], "QUESTION_KIND_NPS");
}

TEST_F(FeedbackCommandsTest, SendRespondAndListRequests) {
  ASSERT_EQ(Define().exit_code, 0);
  Result sent = Run({"feedback", "send-survey", "--survey", "post-visit", "--rep", "alice",
                     "--customer", "c1", "--touchpoint", "visit:v1", "--id", "sr-1"});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  ASSERT_EQ(sent.out.size(), 2u) << sent.Out();
  EXPECT_THAT(sent.out[1],
              StartsWith("sr-1     post-visit  alice  visit:v1    pending  -     -    "));

  Result answered = Run({"feedback", "respond", "sr-1", "--csat", "5", "--nps", "9"});
  ASSERT_EQ(answered.exit_code, 0) << answered.err;

  nlohmann::json j = Json({"feedback", "list-requests", "--rep", "alice"});
  ASSERT_EQ(j["survey_requests"].size(), 1u);
  EXPECT_EQ(j["survey_requests"][0]["csat_score"], 5);
  EXPECT_EQ(j["survey_requests"][0]["nps_score"], 9);

  Result list = Run({"feedback", "list-requests", "--rep", "alice"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  ASSERT_EQ(list.out.size(), 2u) << list.Out();
  EXPECT_THAT(list.out[1], HasSubstr("visit:v1    answered  5     9    "));
}

TEST_F(FeedbackCommandsTest, FieldViolationsArePrintedPerField) {
  Result r = Run({"feedback", "define-survey", "--survey", "s1", "--name", "Quick", "--question",
                  "q:csat:How was it?", "--window-seconds", "60"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.ErrLines(),
              Contains(StartsWith("  response_window_seconds: must be between 3600")));
  EXPECT_THAT(r.ErrLines(), Contains("error: INVALID_ARGUMENT: invalid request"));
}

}  // namespace
}  // namespace salesperf::ctl
