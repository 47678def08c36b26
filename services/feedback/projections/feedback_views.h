// The feedback service's read models, folded by one ProjectionRunner ("feedback") from
// the service's own events and the targets service's org events.
//
// Column family view.feedback (FeedbackView), every row layout (ids never contain '/',
// BE64 = 8-byte big-endian, so byte order is numeric order):
//   s/<survey_id>                          v1::Survey
//   q/<survey_request_id>                  v1::SurveyRequest (answers included)
//   qr/<rep_id>/<survey_request_id>        ""  (requests by rep)
//   c/<callback_id>                        v1::Callback (never the phone: see ContactStore)
//   cr/<rep_id>/<callback_id>              ""
//   p/<complaint_id>                       v1::Complaint
//   pr/<rep_id>/<complaint_id>             ""  (complaints with a rep)
//   a/<alert_id>                           v1::Alert
//   am/<manager_id>/<alert_id>, ar/<rep_id>/<alert_id>   ""
//   d/q/<BE64 expires_at µs>/<survey_request_id>   ""  while the request is pending
//   d/f/<BE64 due µs>/<complaint_id>       ""  first response due (open, none yet, not breached)
//   d/r/<BE64 due µs>/<complaint_id>       ""  resolution due (open, that deadline not breached)
//   n/c/<BE64 bucket>                      v1::FeedbackCounters of the company
//   n/r/<rep_id>/<BE64 bucket>             v1::FeedbackCounters of one rep
// A bucket is a UTC quarter hour (unix seconds / 900): every real time zone offset is a
// multiple of 15 minutes, so the summary maps buckets to the organisation's days at query
// time, with the time zone and team of that moment (backdated moves re-attribute).
// Counter attribution: surveys sent / responses / expiries at their own time; callbacks
// at completion; complaints opened, still open and breached at the complaint's opening;
// alerts at raising. CSAT counts survey and callback scores.
//
// Column family view.feedback_org (OrgView):
//   o/<BE64 org stream_version>            targets::v1::OrgEvent (the union)
// The org stream is one partition of one source, so its versions arrive in order; the
// application folds these rows into an OrgState (ManagerOf, TeamOf, RegionOf as of a day).
//
// Column family view.feedback_contacts is not a projection: ContactStore
// (app/contact_store.h) writes it.
//
// Both views return INVALID_ARGUMENT (dead-lettered by the runner) for an event whose
// stream version does not follow its row's, and skip payloads they do not know.
#ifndef SALESPERF_SERVICES_FEEDBACK_PROJECTIONS_FEEDBACK_VIEWS_H_
#define SALESPERF_SERVICES_FEEDBACK_PROJECTIONS_FEEDBACK_VIEWS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "libs/projection/view.h"

namespace salesperf::feedback {

inline constexpr char kFeedbackViewName[] = "feedback";
inline constexpr char kOrgViewName[] = "feedback_org";
inline constexpr char kContactsViewName[] = "feedback_contacts";

// Every column family of the service's ViewDb (the two views and the contact store).
std::vector<std::string> FeedbackViewNames();
// The views the runner folds.
std::vector<projection::ViewPtr> NewFeedbackViews();

namespace keys {

std::string BigEndian64(uint64_t value);
uint64_t ReadBigEndian64(std::string_view bytes);
// The quarter-hour bucket of `t` (floor).
int64_t BucketOf(absl::Time t);
absl::Time BucketStart(int64_t bucket);
// The 8-byte key part of a bucket (sign bit flipped: byte order = numeric order).
std::string BucketKey(int64_t bucket);

std::string Survey(const std::string& id);
std::string SurveyRequest(const std::string& id);
std::string SurveyRequestByRepPrefix(const std::string& rep_id);
std::string Callback(const std::string& id);
std::string CallbackByRepPrefix(const std::string& rep_id);
std::string Complaint(const std::string& id);
std::string ComplaintByRepPrefix(const std::string& rep_id);
std::string Alert(const std::string& id);
std::string AlertByManagerPrefix(const std::string& manager_id);
std::string AlertByRepPrefix(const std::string& rep_id);
inline constexpr char kSurveyRequestPrefix[] = "q/";
inline constexpr char kCallbackPrefix[] = "c/";
inline constexpr char kComplaintPrefix[] = "p/";
inline constexpr char kAlertPrefix[] = "a/";
// Due rows: the prefix, then BE64 due, '/', id.
inline constexpr char kDueSurveyPrefix[] = "d/q/";
inline constexpr char kDueFirstResponsePrefix[] = "d/f/";
inline constexpr char kDueResolutionPrefix[] = "d/r/";
std::string Due(std::string_view prefix, absl::Time due, const std::string& id);
// The id at the end of a due row's key.
std::string IdOfDueKey(std::string_view key);
std::string CompanyCountersPrefix();
std::string RepCountersPrefix(const std::string& rep_id);
std::string OrgEvent(uint64_t version);
inline constexpr char kOrgPrefix[] = "o/";

}  // namespace keys
}  // namespace salesperf::feedback

#endif  // SALESPERF_SERVICES_FEEDBACK_PROJECTIONS_FEEDBACK_VIEWS_H_
