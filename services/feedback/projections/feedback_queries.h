// FeedbackQueries: the read API over the feedback views (feedback_views.h). Lists page
// by id in key order (page token "f1:<last id>"); filters apply after the most selective
// index (by rep where given). GetFeedbackSummary sums the quarter-hour counters of the
// scope over the period and attributes each bucket to the team/region the rep was in on
// that bucket's day in the organisation's time zone (from the given OrgState).
//
// Errors: NOT_FOUND for a missing id; INVALID_ARGUMENT (field paths as in the request)
// for bad filters, page tokens, scopes or periods; UNAVAILABLE / DATA_LOSS from storage.
// Thread safety: const, callable from any thread.
#ifndef SALESPERF_SERVICES_FEEDBACK_PROJECTIONS_FEEDBACK_QUERIES_H_
#define SALESPERF_SERVICES_FEEDBACK_PROJECTIONS_FEEDBACK_QUERIES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/projection/view_db.h"
#include "salesperf/feedback/v1/feedback.pb.h"
#include "services/targets/domain/org.h"

namespace salesperf::feedback {

class FeedbackQueries {
 public:
  // `views` not owned; must outlive this object.
  explicit FeedbackQueries(const projection::ViewDb* views) : views_(views) {}

  absl::StatusOr<v1::Survey> GetSurvey(const std::string& survey_id) const;
  absl::StatusOr<v1::SurveyRequest> GetSurveyRequest(const std::string& id) const;
  absl::StatusOr<v1::ListSurveyRequestsResponse> ListSurveyRequests(
      const v1::ListSurveyRequestsRequest& request) const;
  absl::StatusOr<v1::Callback> GetCallback(const std::string& id) const;
  // Callbacks without contact phones (the application adds them).
  absl::StatusOr<v1::ListCallbacksResponse> ListCallbacks(
      const v1::ListCallbacksRequest& request) const;
  absl::StatusOr<v1::Complaint> GetComplaint(const std::string& id) const;
  absl::StatusOr<v1::ListComplaintsResponse> ListComplaints(
      const v1::ListComplaintsRequest& request) const;
  absl::StatusOr<v1::ListAlertsResponse> ListAlerts(const v1::ListAlertsRequest& request) const;
  absl::StatusOr<v1::FeedbackSummary> GetFeedbackSummary(
      const v1::GetFeedbackSummaryRequest& request, const targets::OrgState& org) const;

  // Ids whose due row (keys::kDue*Prefix) is at or before `now`, oldest first, at most
  // `limit`: what the sweeper works on.
  absl::StatusOr<std::vector<std::string>> DueIds(const std::string& prefix, absl::Time now,
                                                  size_t limit) const;

 private:
  const projection::ViewDb* views_;
};

}  // namespace salesperf::feedback

#endif  // SALESPERF_SERVICES_FEEDBACK_PROJECTIONS_FEEDBACK_QUERIES_H_
