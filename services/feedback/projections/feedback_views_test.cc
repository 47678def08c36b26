#include "services/feedback/projections/feedback_views.h"

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/status_matchers.h"
#include "services/feedback/app/event_codec.h"
#include "services/feedback/domain/feedback.h"

namespace salesperf::feedback {
namespace {

using projection::EventEnvelope;

// Rows of every view in memory: what a ViewTxn over a fresh ViewDb would hold.
class MapTxn final : public projection::ViewTxn {
 public:
  explicit MapTxn(std::map<std::string, std::string>& rows) : rows_(rows) {}
  absl::StatusOr<std::optional<std::string>> Get(std::string_view key) override {
    auto it = rows_.find(std::string(key));
    if (it == rows_.end()) return std::nullopt;
    return it->second;
  }
  void Put(std::string_view key, std::string_view value) override {
    rows_[std::string(key)] = std::string(value);
  }
  void Delete(std::string_view key) override { rows_.erase(std::string(key)); }

 private:
  std::map<std::string, std::string>& rows_;
};

const absl::Time kT0 = absl::FromUnixSeconds(1'795'000'000);

class Log {
 public:
  void Own(const std::string& stream, const v1::FeedbackEvent& event, absl::Time at) {
    EventEnvelope e;
    e.set_source("feedback");
    e.set_stream_id(stream);
    e.set_stream_version(++versions_[stream]);
    e.set_sequence(++own_sequence_);
    *e.mutable_occurred_at() = ToTimestamp(at);
    ASSERT_OK_AND_ASSIGN(*e.mutable_payload(), PackFeedbackEvent(event));
    own.push_back(e);
  }
  void Org(const targets::v1::OrgEvent& event) {
    EventEnvelope e;
    e.set_source("targets");
    e.set_stream_id("org");
    e.set_stream_version(++versions_["org"]);
    e.set_sequence(versions_["org"]);
    const google::protobuf::FieldDescriptor* f = event.GetReflection()->GetOneofFieldDescriptor(
        event, targets::v1::OrgEvent::descriptor()->oneof_decl(0));
    e.mutable_payload()->PackFrom(event.GetReflection()->GetMessage(event, f));
    org.push_back(e);
  }
  std::vector<EventEnvelope> own;
  std::vector<EventEnvelope> org;

 private:
  std::map<std::string, uint64_t> versions_;
  uint64_t own_sequence_ = 0;
};

Log SampleLog() {
  Log log;
  targets::v1::OrgEvent hired;
  hired.mutable_rep_hired()->set_rep_id("alice");
  hired.mutable_rep_hired()->set_team_id("t1");
  hired.mutable_rep_hired()->set_region_id("r1");
  hired.mutable_rep_hired()->set_effective_from("2026-01-01");
  log.Org(hired);
  targets::v1::OrgEvent manager;
  manager.mutable_manager_assigned()->mutable_scope()->set_kind(common::v1::SCOPE_KIND_TEAM);
  manager.mutable_manager_assigned()->mutable_scope()->set_id("t1");
  manager.mutable_manager_assigned()->set_manager_id("tom");
  manager.mutable_manager_assigned()->set_effective_from("2026-01-01");
  log.Org(manager);

  v1::FeedbackEvent sent;
  v1::SurveySent* s = sent.mutable_survey_sent();
  s->set_survey_request_id("sr1");
  s->set_survey_id("post-visit");
  s->set_rep_id("alice");
  s->set_customer_id("c1");
  s->mutable_touchpoint()->set_kind(v1::TOUCHPOINT_KIND_CALL);
  s->mutable_touchpoint()->set_id("call1");
  *s->mutable_sent_at() = ToTimestamp(kT0);
  *s->mutable_expires_at() = ToTimestamp(kT0 + absl::Hours(24));
  log.Own("survey-request-sr1", sent, kT0);
  v1::FeedbackEvent sent2 = sent;
  sent2.mutable_survey_sent()->set_survey_request_id("sr2");
  log.Own("survey-request-sr2", sent2, kT0);

  v1::FeedbackEvent responded;
  v1::SurveyResponded* r = responded.mutable_survey_responded();
  r->set_survey_request_id("sr1");
  r->set_rep_id("alice");
  *r->mutable_responded_at() = ToTimestamp(kT0 + absl::Hours(1));
  r->set_csat_score(2);
  r->set_nps_score(9);
  log.Own("survey-request-sr1", responded, kT0 + absl::Hours(1));

  v1::FeedbackEvent opened;
  v1::ComplaintOpened* o = opened.mutable_complaint_opened();
  o->set_complaint_id("cmp1");
  o->set_rep_id("alice");
  o->set_severity(v1::COMPLAINT_SEVERITY_LOW);
  *o->mutable_opened_at() = ToTimestamp(kT0);
  *o->mutable_first_response_due_at() = ToTimestamp(kT0 + absl::Hours(48));
  *o->mutable_resolution_due_at() = ToTimestamp(kT0 + absl::Hours(24 * 14));
  log.Own("complaint-cmp1", opened, kT0);
  v1::FeedbackEvent breach;
  v1::ComplaintSlaBreached* b = breach.mutable_complaint_sla_breached();
  b->set_complaint_id("cmp1");
  b->set_sla(v1::SLA_KIND_FIRST_RESPONSE);
  *b->mutable_due_at() = o->first_response_due_at();
  log.Own("complaint-cmp1", breach, kT0 + absl::Hours(48));
  v1::FeedbackEvent resolved;
  resolved.mutable_complaint_resolved()->set_complaint_id("cmp1");
  log.Own("complaint-cmp1", resolved, kT0 + absl::Hours(50));

  v1::FeedbackEvent alert;
  alert.mutable_feedback_alert_raised()->set_alert_id("sr1.csat");
  alert.mutable_feedback_alert_raised()->set_rep_id("alice");
  alert.mutable_feedback_alert_raised()->set_manager_id("tom");
  log.Own("alert-sr1.csat", alert, kT0 + absl::Hours(1));
  return log;
}

// Folds the two sources in an interleaving chosen by `seed` (each source stays in order).
std::map<std::string, std::string> Fold(const Log& log, uint32_t seed) {
  std::map<std::string, std::string> rows;
  std::vector<projection::ViewPtr> views = NewFeedbackViews();
  std::mt19937 gen(seed);
  size_t i = 0;
  size_t j = 0;
  while (i < log.own.size() || j < log.org.size()) {
    const bool take_own = j == log.org.size() || (i < log.own.size() && gen() % 2 == 0);
    const EventEnvelope& e = take_own ? log.own[i++] : log.org[j++];
    for (const projection::ViewPtr& view : views) {
      std::map<std::string, std::string>& view_rows = rows;
      std::map<std::string, std::string> scoped;
      // Each view has its own column family: prefix the keys with the view name.
      for (const auto& [k, v] : view_rows) {
        if (k.starts_with(std::string(view->name()) + "|")) {
          scoped[k.substr(view->name().size() + 1)] = v;
        }
      }
      MapTxn txn(scoped);
      EXPECT_OK(view->Apply(e, txn));
      std::erase_if(view_rows, [&](const auto& kv) {
        return kv.first.starts_with(std::string(view->name()) + "|");
      });
      for (const auto& [k, v] : scoped) view_rows[std::string(view->name()) + "|" + k] = v;
    }
  }
  return rows;
}

TEST(FeedbackViewsTest, RowsDoNotDependOnTheInterleavingOfSources) {
  const Log log = SampleLog();
  const std::map<std::string, std::string> reference = Fold(log, 1);
  for (uint32_t seed = 2; seed < 12; ++seed) EXPECT_EQ(Fold(log, seed), reference) << seed;
}

TEST(FeedbackViewsTest, RowsIndexesDueRowsAndCounters) {
  const std::map<std::string, std::string> rows = Fold(SampleLog(), 1);
  auto has = [&](const std::string& key) { return rows.contains(key); };
  EXPECT_TRUE(has("feedback|q/sr1"));
  EXPECT_TRUE(has("feedback|qr/alice/sr1"));
  // sr1 answered: no due row; sr2 pending: one.
  EXPECT_FALSE(has("feedback|" + keys::Due(keys::kDueSurveyPrefix, kT0 + absl::Hours(24), "sr1")));
  EXPECT_TRUE(has("feedback|" + keys::Due(keys::kDueSurveyPrefix, kT0 + absl::Hours(24), "sr2")));
  // The complaint: breached then resolved, so no due rows left.
  for (const auto& [k, v] : rows) EXPECT_FALSE(k.starts_with("feedback|d/f/")) << k;
  for (const auto& [k, v] : rows) EXPECT_FALSE(k.starts_with("feedback|d/r/")) << k;
  EXPECT_TRUE(has("feedback|am/tom/sr1.csat"));
  EXPECT_TRUE(has("feedback_org|" + keys::OrgEvent(1)));
  EXPECT_TRUE(has("feedback_org|" + keys::OrgEvent(2)));

  v1::FeedbackCounters total;
  for (const auto& [k, v] : rows) {
    if (!k.starts_with("feedback|n/r/alice/")) continue;
    v1::FeedbackCounters c;
    ASSERT_TRUE(c.ParseFromString(v));
    total.set_surveys_sent(total.surveys_sent() + c.surveys_sent());
    total.set_csat_count(total.csat_count() + c.csat_count());
    total.set_promoters(total.promoters() + c.promoters());
    total.set_complaints_opened(total.complaints_opened() + c.complaints_opened());
    total.set_complaints_open(total.complaints_open() + c.complaints_open());
    total.set_complaints_breached(total.complaints_breached() + c.complaints_breached());
    total.set_alerts_raised(total.alerts_raised() + c.alerts_raised());
  }
  EXPECT_EQ(total.surveys_sent(), 2);
  EXPECT_EQ(total.csat_count(), 1);
  EXPECT_EQ(total.promoters(), 1);
  EXPECT_EQ(total.complaints_opened(), 1);
  EXPECT_EQ(total.complaints_open(), 0);
  EXPECT_EQ(total.complaints_breached(), 1);
  EXPECT_EQ(total.alerts_raised(), 1);
}

TEST(FeedbackViewsTest, VersionGapsAreRejectedAndForeignEventsSkipped) {
  Log log = SampleLog();
  std::map<std::string, std::string> rows;
  MapTxn txn(rows);
  std::vector<projection::ViewPtr> views = NewFeedbackViews();
  // The response (version 2 of sr1) without the send.
  EXPECT_THAT(views[0]->Apply(log.own[2], txn),
              salesperf::testing::StatusIs(absl::StatusCode::kInvalidArgument));
  // Org events do not touch the feedback view; feedback events not the org view.
  EXPECT_OK(views[0]->Apply(log.org[0], txn));
  EXPECT_OK(views[1]->Apply(log.own[0], txn));
  EXPECT_TRUE(rows.empty());
  // An org event after a gap.
  EXPECT_THAT(views[1]->Apply(log.org[1], txn),
              salesperf::testing::StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(FeedbackViewsTest, BucketsAreQuarterHoursInByteOrder) {
  EXPECT_EQ(keys::BucketOf(absl::FromUnixSeconds(899)), 0);
  EXPECT_EQ(keys::BucketOf(absl::FromUnixSeconds(900)), 1);
  EXPECT_EQ(keys::BucketOf(absl::FromUnixSeconds(-1)), -1);
  EXPECT_LT(keys::BucketKey(-1), keys::BucketKey(0));
  EXPECT_LT(keys::BucketKey(5), keys::BucketKey(300));
  EXPECT_EQ(keys::IdOfDueKey(keys::Due(keys::kDueSurveyPrefix, kT0, "sr9")), "sr9");
}

}  // namespace
}  // namespace salesperf::feedback
