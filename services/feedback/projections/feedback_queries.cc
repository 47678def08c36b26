#include "services/feedback/projections/feedback_queries.h"

#include <functional>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/ids.h"
#include "libs/common/period.h"
#include "libs/common/status_macros.h"
#include "libs/common/validation.h"
#include "services/feedback/domain/feedback.h"
#include "services/feedback/domain/scores.h"
#include "services/feedback/projections/feedback_views.h"

namespace salesperf::feedback {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;
constexpr std::string_view kTokenPrefix = "f1:";

template <typename Message>
absl::StatusOr<std::optional<Message>> Load(const projection::ViewDb* views,
                                            const std::string& key) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, views->Get(kFeedbackViewName, key));
  if (!bytes.has_value()) return std::nullopt;
  Message message;
  if (!message.ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat("undecodable feedback row ", key));
  }
  return message;
}

template <typename Message>
absl::StatusOr<Message> LoadOrNotFound(const projection::ViewDb* views, const std::string& key,
                                       const std::string& what, const std::string& id,
                                       const std::string& field) {
  if (absl::Status s = ValidateId(id); !s.ok())
    return InvalidField(field, std::string(s.message()));
  ASSIGN_OR_RETURN(std::optional<Message> row, Load<Message>(views, key));
  if (!row.has_value()) return absl::NotFoundError(absl::StrCat(what, " ", id, " not found"));
  return *std::move(row);
}

struct PageArgs {
  int size = kDefaultPageSize;
  std::string after;  // the last id of the previous page
};

absl::StatusOr<PageArgs> ParsePage(const common::v1::PageRequest& page) {
  PageArgs args;
  if (page.page_size() < 0) return InvalidField("page.page_size", "must not be negative");
  if (page.page_size() > 0) args.size = std::min(page.page_size(), kMaxPageSize);
  if (!page.page_token().empty()) {
    if (!page.page_token().starts_with(kTokenPrefix) ||
        !ValidateId(page.page_token().substr(kTokenPrefix.size())).ok()) {
      return InvalidField("page.page_token", "is not a token this service issued");
    }
    args.after = page.page_token().substr(kTokenPrefix.size());
  }
  return args;
}

absl::Status CheckFilterId(const std::string& id, const std::string& field) {
  if (id.empty()) return absl::OkStatus();
  if (absl::Status s = ValidateId(id); !s.ok())
    return InvalidField(field, std::string(s.message()));
  return absl::OkStatus();
}

// Walks ids under `prefix` (an index "xr/<rep>/" whose rows name ids, or the primary
// prefix "x/" whose rows hold the items) after `page.after`, loads each item with
// `item_prefix` + id, and keeps those `keep` accepts, up to page.size.
template <typename Item>
absl::StatusOr<std::pair<std::vector<Item>, std::string>> ListIds(
    const projection::ViewDb* views, const std::string& prefix, const std::string& item_prefix,
    const PageArgs& page, const std::function<bool(const Item&)>& keep) {
  projection::ScanOptions scan;
  scan.prefix = prefix;
  if (!page.after.empty()) scan.lower_bound = prefix + page.after + std::string(1, '\0');
  const bool primary = prefix == item_prefix;
  ASSIGN_OR_RETURN(std::unique_ptr<projection::ViewIterator> it,
                   views->NewIterator(kFeedbackViewName, scan));
  std::vector<Item> items;
  std::string next_token;
  for (; it->Valid(); it->Next()) {
    const std::string id(it->key().substr(prefix.size()));
    Item item;
    if (primary) {
      if (!item.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        return absl::DataLossError(absl::StrCat("undecodable feedback row ", prefix, id));
      }
    } else {
      ASSIGN_OR_RETURN(std::optional<Item> row, Load<Item>(views, item_prefix + id));
      if (!row.has_value()) continue;
      item = *std::move(row);
    }
    if (!keep(item)) continue;
    if (static_cast<int>(items.size()) == page.size) {
      const google::protobuf::Message& last = items.back();
      next_token = std::string(kTokenPrefix) +
                   last.GetReflection()->GetString(last, last.GetDescriptor()->field(0));
      break;
    }
    items.push_back(std::move(item));
  }
  RETURN_IF_ERROR(it->status());
  return std::make_pair(std::move(items), std::move(next_token));
}

// Sums the counters under `prefix` in buckets [first, end), keeping those `keep` accepts.
absl::Status SumCounters(const projection::ViewDb* views, const std::string& prefix, int64_t first,
                         int64_t end, const std::function<bool(int64_t bucket)>& keep,
                         v1::FeedbackCounters& total) {
  projection::ScanOptions scan;
  scan.prefix = prefix;
  scan.lower_bound = prefix + keys::BucketKey(first);
  scan.upper_bound = prefix + keys::BucketKey(end);
  ASSIGN_OR_RETURN(std::unique_ptr<projection::ViewIterator> it,
                   views->NewIterator(kFeedbackViewName, scan));
  for (; it->Valid(); it->Next()) {
    const int64_t bucket = static_cast<int64_t>(
        keys::ReadBigEndian64(it->key().substr(prefix.size())) ^ (uint64_t{1} << 63));
    if (!keep(bucket)) continue;
    v1::FeedbackCounters counters;
    if (!counters.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("undecodable feedback counters");
    }
    AddCounters(counters, total);
  }
  return it->status();
}

}  // namespace

absl::StatusOr<v1::Survey> FeedbackQueries::GetSurvey(const std::string& id) const {
  return LoadOrNotFound<v1::Survey>(views_, keys::Survey(id), "survey", id, "survey_id");
}

absl::StatusOr<v1::SurveyRequest> FeedbackQueries::GetSurveyRequest(const std::string& id) const {
  return LoadOrNotFound<v1::SurveyRequest>(views_, keys::SurveyRequest(id), "survey request", id,
                                           "survey_request_id");
}

absl::StatusOr<v1::Callback> FeedbackQueries::GetCallback(const std::string& id) const {
  return LoadOrNotFound<v1::Callback>(views_, keys::Callback(id), "callback", id, "callback_id");
}

absl::StatusOr<v1::Complaint> FeedbackQueries::GetComplaint(const std::string& id) const {
  return LoadOrNotFound<v1::Complaint>(views_, keys::Complaint(id), "complaint", id,
                                       "complaint_id");
}

absl::StatusOr<v1::ListSurveyRequestsResponse> FeedbackQueries::ListSurveyRequests(
    const v1::ListSurveyRequestsRequest& request) const {
  RETURN_IF_ERROR(CheckFilterId(request.rep_id(), "rep_id"));
  RETURN_IF_ERROR(CheckFilterId(request.survey_id(), "survey_id"));
  ASSIGN_OR_RETURN(const PageArgs page, ParsePage(request.page()));
  const std::string prefix = request.rep_id().empty()
                                 ? std::string(keys::kSurveyRequestPrefix)
                                 : keys::SurveyRequestByRepPrefix(request.rep_id());
  ASSIGN_OR_RETURN(
      auto result,
      ListIds<v1::SurveyRequest>(
          views_, prefix, keys::kSurveyRequestPrefix, page, [&](const v1::SurveyRequest& q) {
            return (request.status() == v1::SURVEY_REQUEST_STATUS_UNSPECIFIED ||
                    q.status() == request.status()) &&
                   (request.survey_id().empty() || q.survey_id() == request.survey_id());
          }));
  v1::ListSurveyRequestsResponse response;
  for (v1::SurveyRequest& q : result.first) *response.add_survey_requests() = std::move(q);
  response.mutable_page()->set_next_page_token(result.second);
  return response;
}

absl::StatusOr<v1::ListCallbacksResponse> FeedbackQueries::ListCallbacks(
    const v1::ListCallbacksRequest& request) const {
  RETURN_IF_ERROR(CheckFilterId(request.rep_id(), "rep_id"));
  RETURN_IF_ERROR(CheckFilterId(request.assignee_id(), "assignee_id"));
  ASSIGN_OR_RETURN(const PageArgs page, ParsePage(request.page()));
  const std::string prefix = request.rep_id().empty() ? std::string(keys::kCallbackPrefix)
                                                      : keys::CallbackByRepPrefix(request.rep_id());
  ASSIGN_OR_RETURN(
      auto result,
      ListIds<v1::Callback>(
          views_, prefix, keys::kCallbackPrefix, page, [&](const v1::Callback& c) {
            return (request.status() == v1::CALLBACK_STATUS_UNSPECIFIED ||
                    c.status() == request.status()) &&
                   (request.assignee_id().empty() || c.assignee_id() == request.assignee_id());
          }));
  v1::ListCallbacksResponse response;
  for (v1::Callback& c : result.first) *response.add_callbacks() = std::move(c);
  response.mutable_page()->set_next_page_token(result.second);
  return response;
}

absl::StatusOr<v1::ListComplaintsResponse> FeedbackQueries::ListComplaints(
    const v1::ListComplaintsRequest& request) const {
  RETURN_IF_ERROR(CheckFilterId(request.rep_id(), "rep_id"));
  if (!v1::ComplaintSeverity_IsValid(request.severity())) {
    return InvalidField("severity", "unknown severity");
  }
  ASSIGN_OR_RETURN(const PageArgs page, ParsePage(request.page()));
  const std::string prefix = request.rep_id().empty()
                                 ? std::string(keys::kComplaintPrefix)
                                 : keys::ComplaintByRepPrefix(request.rep_id());
  ASSIGN_OR_RETURN(auto result,
                   ListIds<v1::Complaint>(
                       views_, prefix, keys::kComplaintPrefix, page, [&](const v1::Complaint& c) {
                         return (request.status() == v1::COMPLAINT_STATUS_UNSPECIFIED ||
                                 c.status() == request.status()) &&
                                (request.severity() == v1::COMPLAINT_SEVERITY_UNSPECIFIED ||
                                 c.severity() == request.severity()) &&
                                (!request.breached_only() || c.first_response_breached() ||
                                 c.resolution_breached());
                       }));
  v1::ListComplaintsResponse response;
  for (v1::Complaint& c : result.first) *response.add_complaints() = std::move(c);
  response.mutable_page()->set_next_page_token(result.second);
  return response;
}

absl::StatusOr<v1::ListAlertsResponse> FeedbackQueries::ListAlerts(
    const v1::ListAlertsRequest& request) const {
  RETURN_IF_ERROR(CheckFilterId(request.manager_id(), "manager_id"));
  RETURN_IF_ERROR(CheckFilterId(request.rep_id(), "rep_id"));
  ASSIGN_OR_RETURN(const PageArgs page, ParsePage(request.page()));
  std::string prefix = keys::kAlertPrefix;
  if (!request.manager_id().empty()) {
    prefix = keys::AlertByManagerPrefix(request.manager_id());
  } else if (!request.rep_id().empty()) {
    prefix = keys::AlertByRepPrefix(request.rep_id());
  }
  ASSIGN_OR_RETURN(
      auto result,
      ListIds<v1::Alert>(views_, prefix, keys::kAlertPrefix, page, [&](const v1::Alert& a) {
        return request.rep_id().empty() || a.rep_id() == request.rep_id();
      }));
  v1::ListAlertsResponse response;
  for (v1::Alert& a : result.first) *response.add_alerts() = std::move(a);
  response.mutable_page()->set_next_page_token(result.second);
  return response;
}

absl::StatusOr<v1::FeedbackSummary> FeedbackQueries::GetFeedbackSummary(
    const v1::GetFeedbackSummaryRequest& request, const targets::OrgState& org) const {
  const common::v1::ScopeRef& scope = request.scope();
  FieldViolations violations;
  switch (scope.kind()) {
    case common::v1::SCOPE_KIND_COMPANY:
      if (!scope.id().empty()) violations.Add("scope.id", "must be empty for the company");
      break;
    case common::v1::SCOPE_KIND_REGION:
    case common::v1::SCOPE_KIND_TEAM:
    case common::v1::SCOPE_KIND_REP:
      violations.AddIfError("scope.id", ValidateId(scope.id()));
      break;
    default:
      violations.Add("scope.kind", "must be COMPANY, REGION, TEAM or REP");
  }
  absl::StatusOr<Period> period = PeriodFromProto(request.period(), org.fiscal_year_start_month());
  if (!period.ok()) violations.Add("period.id", std::string(period.status().message()));
  RETURN_IF_ERROR(violations.ToStatus());
  if (scope.kind() == common::v1::SCOPE_KIND_TEAM && org.FindTeam(scope.id()) == nullptr) {
    return absl::NotFoundError(absl::StrCat("team ", scope.id(),
                                            " is not known (yet) to the "
                                            "feedback service's copy of the organisation"));
  }
  if (scope.kind() == common::v1::SCOPE_KIND_REGION && org.FindRegion(scope.id()) == nullptr) {
    return absl::NotFoundError(absl::StrCat("region ", scope.id(),
                                            " is not known (yet) to the "
                                            "feedback service's copy of the organisation"));
  }
  const absl::TimeZone tz = org.calendar().tz;
  const int64_t first = keys::BucketOf(period->StartTime(tz));
  const int64_t end = keys::BucketOf(period->EndTime(tz));
  v1::FeedbackCounters total;
  auto all = [](int64_t) { return true; };
  if (scope.kind() == common::v1::SCOPE_KIND_COMPANY) {
    RETURN_IF_ERROR(SumCounters(views_, keys::CompanyCountersPrefix(), first, end, all, total));
  } else if (scope.kind() == common::v1::SCOPE_KIND_REP) {
    RETURN_IF_ERROR(
        SumCounters(views_, keys::RepCountersPrefix(scope.id()), first, end, all, total));
  } else {
    const bool team = scope.kind() == common::v1::SCOPE_KIND_TEAM;
    for (const auto& [rep_id, rep] : org.reps()) {
      // Only reps who were in the scope at some point of the period.
      bool member = false;
      for (const targets::Stint& stint : rep.stints) {
        const targets::TeamInfo* info = org.FindTeam(stint.team_id);
        const bool in_scope =
            team ? stint.team_id == scope.id() : info != nullptr && info->region_id == scope.id();
        const bool overlaps = stint.from <= period->last_day() &&
                              (!stint.to.has_value() || *stint.to > period->first_day());
        member = member || (in_scope && overlaps);
      }
      if (!member) continue;
      const std::string& id = rep_id;
      RETURN_IF_ERROR(SumCounters(
          views_, keys::RepCountersPrefix(rep_id), first, end,
          [&](int64_t bucket) {
            const absl::CivilDay day = absl::ToCivilDay(keys::BucketStart(bucket), tz);
            std::optional<std::string> at = team ? org.TeamOf(id, day) : org.RegionOf(id, day);
            return at.has_value() && *at == scope.id();
          },
          total));
    }
  }
  v1::FeedbackSummary summary;
  *summary.mutable_scope() = scope;
  *summary.mutable_period() = ToProto(*period);
  FillSummary(total, summary);
  return summary;
}

absl::StatusOr<std::vector<std::string>> FeedbackQueries::DueIds(const std::string& prefix,
                                                                 absl::Time now,
                                                                 size_t limit) const {
  projection::ScanOptions scan;
  scan.prefix = prefix;
  // Due at or before now: every key below the next microsecond.
  scan.upper_bound = keys::Due(prefix, now + absl::Microseconds(1), "");
  scan.limit = limit;
  ASSIGN_OR_RETURN(std::vector<projection::ViewRow> rows, views_->Scan(kFeedbackViewName, scan));
  std::vector<std::string> ids;
  for (const projection::ViewRow& row : rows) ids.push_back(keys::IdOfDueKey(row.key));
  return ids;
}

}  // namespace salesperf::feedback
