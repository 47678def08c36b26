#include "services/activity/projections/activity_queries.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/common/ids.h"
#include "libs/common/status_macros.h"
#include "libs/common/validation.h"
#include "services/activity/domain/values.h"
#include "services/activity/projections/keys.h"

namespace salesperf::activity {
namespace {

using keys::Key;
using projection::ReadSnapshot;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;
constexpr size_t kMaxRowsExamined = 10'000;
constexpr std::string_view kTokenPrefix = "a1:";

template <typename Message>
absl::StatusOr<std::optional<Message>> Read(const projection::ViewDb* db, std::string_view view,
                                            const std::string& key, const ReadSnapshot* snapshot) {
  ASSIGN_OR_RETURN(std::optional<std::string> row, db->Get(view, key, snapshot));
  if (!row.has_value()) return std::nullopt;
  Message m;
  if (!m.ParseFromString(*row)) {
    return absl::DataLossError(absl::StrCat("malformed row ", key, " of ", std::string(view)));
  }
  return m;
}

template <typename Message>
absl::StatusOr<Message> GetOrNotFound(const projection::ViewDb* db, std::string_view view,
                                      const std::string& field, const std::string& id,
                                      const std::string& row_prefix, const std::string& what) {
  if (absl::Status s = ValidateId(id); !s.ok())
    return InvalidField(field, std::string(s.message()));
  ASSIGN_OR_RETURN(std::optional<Message> m,
                   Read<Message>(db, view, Key({row_prefix, id}), nullptr));
  if (!m.has_value()) return absl::NotFoundError(absl::StrCat(what, " ", id, " not found"));
  return *std::move(m);
}

// One index scan, its filters already validated.
struct IndexScan {
  std::string view;
  // Every row of the index starts with it.
  std::string prefix;
  // Day bounds as key bounds within the prefix (inclusive lower, exclusive upper).
  std::string lower;
  std::optional<std::string> upper;
  // The entity row of an index key.
  std::function<std::string(std::string_view index_key)> row_key;
};

struct PageSpec {
  int size = kDefaultPageSize;
  std::string after;  // the last key of the previous page, or ""
};

absl::StatusOr<PageSpec> ParsePage(const common::v1::PageRequest& page, FieldViolations& v) {
  PageSpec spec;
  if (page.page_size() < 0) v.Add("page.page_size", "must not be negative");
  spec.size = page.page_size() == 0 ? kDefaultPageSize : std::min(page.page_size(), kMaxPageSize);
  if (!page.page_token().empty()) {
    if (!page.page_token().starts_with(kTokenPrefix)) {
      v.Add("page.page_token", "is not a token from a previous response");
    } else {
      spec.after = page.page_token().substr(kTokenPrefix.size());
    }
  }
  return spec;
}

// Reads a page of `Message` rows through `scan`, keeping those `keep` accepts.
template <typename Message>
absl::Status ScanPage(
    const projection::ViewDb* db, const IndexScan& scan, const PageSpec& page,
    const std::function<absl::StatusOr<bool>(const Message&, const ReadSnapshot*)>& keep,
    google::protobuf::RepeatedPtrField<Message>* out, common::v1::PageResponse* page_out) {
  if (!page.after.empty() && !page.after.starts_with(scan.prefix)) {
    return InvalidField("page.page_token", "does not belong to these filters");
  }
  std::unique_ptr<ReadSnapshot> snapshot = db->GetSnapshot();
  projection::ScanOptions options;
  options.prefix = scan.prefix;
  options.lower_bound = scan.lower.empty() ? scan.prefix : scan.lower;
  if (!page.after.empty()) {
    options.lower_bound = std::max(options.lower_bound, page.after + std::string(1, '\0'));
  }
  options.upper_bound = scan.upper;
  options.snapshot = snapshot.get();
  ASSIGN_OR_RETURN(std::unique_ptr<projection::ViewIterator> it,
                   db->NewIterator(scan.view, options));
  size_t examined = 0;
  std::string last;
  for (; it->Valid(); it->Next()) {
    if (out->size() >= page.size || examined >= kMaxRowsExamined) {
      page_out->set_next_page_token(std::string(kTokenPrefix) + last);
      return absl::OkStatus();
    }
    ++examined;
    last = std::string(it->key());
    std::optional<Message> m;
    if (scan.row_key == nullptr) {
      Message parsed;
      if (!parsed.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        return absl::DataLossError(absl::StrCat("malformed row ", last));
      }
      m = std::move(parsed);
    } else {
      const std::string row = scan.row_key(it->key());
      ASSIGN_OR_RETURN(m, Read<Message>(db, scan.view, row, snapshot.get()));
      if (!m.has_value()) return absl::DataLossError(absl::StrCat("index names missing ", row));
    }
    ASSIGN_OR_RETURN(bool kept, keep(*m, snapshot.get()));
    if (kept) *out->Add() = *std::move(m);
  }
  RETURN_IF_ERROR(it->status());
  return absl::OkStatus();
}

// Day bounds of an index "<prefix><day>/<id>".
void DayBounds(IndexScan& scan, const std::string& from_day, const std::string& to_day) {
  if (!from_day.empty()) scan.lower = scan.prefix + from_day;
  // '0' sorts right after '/', so "<to_day>0" is above every "<to_day>/<id>".
  if (!to_day.empty()) scan.upper = scan.prefix + to_day + "0";
}

std::function<std::string(std::string_view)> RowOf(const char* row_prefix) {
  return [row_prefix](std::string_view key) { return Key({row_prefix, keys::IdOfIndexKey(key)}); };
}

// Optional days `from` and `to` (fields `from_field`, `to_field`), not in reverse order.
void CheckDayRange(FieldViolations& v, const std::string& from, const std::string& to,
                   const std::string& from_field = "from_day",
                   const std::string& to_field = "to_day") {
  CheckOptionalDate(v, from_field, from);
  CheckOptionalDate(v, to_field, to);
  if (!from.empty() && !to.empty() && from > to) {
    v.Add(to_field, absl::StrCat("must not be before ", from_field));
  }
}

// The filters the dated lists (visits, calls) share: rep, team, region, customer, days.
template <typename Request>
void CheckDatedFilters(FieldViolations& v, const Request& r) {
  CheckOptionalId(v, "rep_id", r.rep_id());
  CheckOptionalId(v, "team_id", r.team_id());
  CheckOptionalId(v, "region_id", r.region_id());
  CheckOptionalId(v, "customer_id", r.customer_id());
  CheckDayRange(v, r.from_day(), r.to_day());
}

// The dated index ("d/", or by rep "r/<rep>/", or by customer "c/<customer>/", each
// "<day>/<id>") of `view` that serves the request's filters most narrowly.
template <typename Request>
IndexScan DatedScan(const std::string& view, const char* row_prefix, const Request& r) {
  IndexScan scan{view, "d/", "", std::nullopt, RowOf(row_prefix)};
  if (!r.rep_id().empty()) {
    scan.prefix = Key({"r", r.rep_id(), ""});
  } else if (!r.customer_id().empty()) {
    scan.prefix = Key({"c", r.customer_id(), ""});
  }
  DayBounds(scan, r.from_day(), r.to_day());
  return scan;
}

}  // namespace

// ---------------------------------------------------------------------------------------

absl::StatusOr<v1::Customer> ActivityQueries::GetCustomer(const std::string& customer_id) const {
  return GetOrNotFound<v1::Customer>(db_, keys::kCustomersView, "customer_id", customer_id, "c",
                                     "customer");
}

absl::StatusOr<std::optional<v1::Customer>> ActivityQueries::FindCustomer(
    const std::string& customer_id) const {
  return Read<v1::Customer>(db_, keys::kCustomersView, Key({"c", customer_id}), nullptr);
}

absl::StatusOr<std::string> ActivityQueries::CustomerWithExternalId(
    const std::string& external_id) const {
  ASSIGN_OR_RETURN(std::optional<std::string> row,
                   db_->Get(keys::kCustomersView, Key({"x", external_id})));
  return row.value_or("");
}

absl::StatusOr<v1::ListCustomersResponse> ActivityQueries::ListCustomers(
    const v1::ListCustomersRequest& r) const {
  FieldViolations v;
  CheckOptionalId(v, "owner_rep_id", r.owner_rep_id());
  CheckOptionalId(v, "region_id", r.region_id());
  ASSIGN_OR_RETURN(PageSpec page, ParsePage(r.page(), v));
  RETURN_IF_ERROR(v.ToStatus());
  IndexScan scan{keys::kCustomersView, "c/", "", std::nullopt, nullptr};
  if (!r.owner_rep_id().empty()) {
    scan.prefix = Key({"o", r.owner_rep_id(), ""});
    scan.row_key = RowOf("c");
  } else if (!r.region_id().empty()) {
    scan.prefix = Key({"r", r.region_id(), ""});
    scan.row_key = RowOf("c");
  }
  v1::ListCustomersResponse response;
  RETURN_IF_ERROR(ScanPage<v1::Customer>(
      db_, scan, page,
      [&](const v1::Customer& c, const ReadSnapshot*) -> absl::StatusOr<bool> {
        return r.region_id().empty() || c.region_id() == r.region_id();
      },
      response.mutable_customers(), response.mutable_page()));
  return response;
}

absl::StatusOr<v1::Visit> ActivityQueries::GetVisit(const std::string& visit_id) const {
  return GetOrNotFound<v1::Visit>(db_, keys::kVisitsView, "visit_id", visit_id, "v", "visit");
}

absl::StatusOr<v1::ListVisitsResponse> ActivityQueries::ListVisits(
    const v1::ListVisitsRequest& r) const {
  FieldViolations v;
  CheckDatedFilters(v, r);
  if (!v1::VisitStatus_IsValid(r.status())) v.Add("status", "unknown status");
  ASSIGN_OR_RETURN(PageSpec page, ParsePage(r.page(), v));
  RETURN_IF_ERROR(v.ToStatus());
  v1::ListVisitsResponse response;
  RETURN_IF_ERROR(ScanPage<v1::Visit>(
      db_, DatedScan(keys::kVisitsView, "v", r), page,
      [&](const v1::Visit& visit, const ReadSnapshot* snapshot) -> absl::StatusOr<bool> {
        if (!r.customer_id().empty() && visit.customer_id() != r.customer_id()) return false;
        if (r.status() != v1::VISIT_STATUS_UNSPECIFIED && visit.status() != r.status()) {
          return false;
        }
        return InPlacement(visit.rep_id(), visit.planned_on(), r.team_id(), r.region_id(),
                           snapshot);
      },
      response.mutable_visits(), response.mutable_page()));
  return response;
}

absl::StatusOr<v1::Call> ActivityQueries::GetCall(const std::string& call_id) const {
  return GetOrNotFound<v1::Call>(db_, keys::kCallsView, "call_id", call_id, "k", "call");
}

absl::StatusOr<v1::ListCallsResponse> ActivityQueries::ListCalls(
    const v1::ListCallsRequest& r) const {
  FieldViolations v;
  CheckDatedFilters(v, r);
  CheckOptionalId(v, "lead_id", r.lead_id());
  if (!v1::CallOutcome_IsValid(r.outcome())) v.Add("outcome", "unknown outcome");
  ASSIGN_OR_RETURN(PageSpec page, ParsePage(r.page(), v));
  RETURN_IF_ERROR(v.ToStatus());
  v1::ListCallsResponse response;
  RETURN_IF_ERROR(ScanPage<v1::Call>(
      db_, DatedScan(keys::kCallsView, "k", r), page,
      [&](const v1::Call& call, const ReadSnapshot* snapshot) -> absl::StatusOr<bool> {
        if (!r.customer_id().empty() && call.customer_id() != r.customer_id()) return false;
        if (!r.lead_id().empty() && call.lead_id() != r.lead_id()) return false;
        if (r.outcome() != v1::CALL_OUTCOME_UNSPECIFIED && call.outcome() != r.outcome()) {
          return false;
        }
        return InPlacement(call.rep_id(), call.started_on(), r.team_id(), r.region_id(), snapshot);
      },
      response.mutable_calls(), response.mutable_page()));
  return response;
}

absl::StatusOr<v1::Lead> ActivityQueries::GetLead(const std::string& lead_id) const {
  return GetOrNotFound<v1::Lead>(db_, keys::kLeadsView, "lead_id", lead_id, "l", "lead");
}

absl::StatusOr<v1::ListLeadsResponse> ActivityQueries::ListLeads(
    const v1::ListLeadsRequest& r) const {
  FieldViolations v;
  CheckOptionalId(v, "rep_id", r.rep_id());
  if (!v1::LeadStatus_IsValid(r.status())) v.Add("status", "unknown status");
  ASSIGN_OR_RETURN(PageSpec page, ParsePage(r.page(), v));
  RETURN_IF_ERROR(v.ToStatus());
  IndexScan scan{keys::kLeadsView, "l/", "", std::nullopt, nullptr};
  if (!r.rep_id().empty()) {
    scan.prefix = Key({"r", r.rep_id(), ""});
    scan.row_key = RowOf("l");
  }
  v1::ListLeadsResponse response;
  RETURN_IF_ERROR(ScanPage<v1::Lead>(
      db_, scan, page,
      [&](const v1::Lead& lead, const ReadSnapshot*) -> absl::StatusOr<bool> {
        return r.status() == v1::LEAD_STATUS_UNSPECIFIED || lead.status() == r.status();
      },
      response.mutable_leads(), response.mutable_page()));
  return response;
}

absl::StatusOr<v1::Deal> ActivityQueries::GetDeal(const std::string& deal_id) const {
  return GetOrNotFound<v1::Deal>(db_, keys::kDealsView, "deal_id", deal_id, "d", "deal");
}

absl::StatusOr<v1::ListDealsResponse> ActivityQueries::ListDeals(
    const v1::ListDealsRequest& r, const std::function<absl::StatusOr<std::string>()>& today) const {
  FieldViolations v;
  CheckOptionalId(v, "rep_id", r.rep_id());
  CheckOptionalId(v, "customer_id", r.customer_id());
  CheckOptionalId(v, "team_id", r.team_id());
  CheckOptionalId(v, "region_id", r.region_id());
  CheckDayRange(v, r.expected_close_from(), r.expected_close_to(), "expected_close_from",
                "expected_close_to");
  if (!v1::DealStage_IsValid(r.stage())) v.Add("stage", "unknown stage");
  ASSIGN_OR_RETURN(PageSpec page, ParsePage(r.page(), v));
  RETURN_IF_ERROR(v.ToStatus());
  const bool by_stage = r.stage() != v1::DEAL_STAGE_UNSPECIFIED;
  std::string placed_on;  // today, read only when a team or region filters
  if (!r.team_id().empty() || !r.region_id().empty()) {
    ASSIGN_OR_RETURN(placed_on, today());
  }
  IndexScan scan{keys::kDealsView, "d/", "", std::nullopt, nullptr};
  if (!r.rep_id().empty()) {
    scan.prefix = by_stage ? Key({"o", r.rep_id(), keys::StageKey(r.stage()), ""})
                           : Key({"o", r.rep_id(), ""});
    scan.row_key = RowOf("d");
  } else if (by_stage) {
    scan.prefix = Key({"s", keys::StageKey(r.stage()), ""});
    scan.row_key = RowOf("d");
  } else if (!r.customer_id().empty()) {
    scan.prefix = Key({"c", r.customer_id(), ""});
    scan.row_key = RowOf("d");
  }
  v1::ListDealsResponse response;
  RETURN_IF_ERROR(ScanPage<v1::Deal>(
      db_, scan, page,
      [&](const v1::Deal& deal, const ReadSnapshot* snapshot) -> absl::StatusOr<bool> {
        if (by_stage && deal.stage() != r.stage()) return false;
        if (!r.customer_id().empty() && deal.customer_id() != r.customer_id()) return false;
        const std::string& close = deal.expected_close_date();
        const std::string& from = r.expected_close_from();
        const std::string& to = r.expected_close_to();
        if ((!from.empty() || !to.empty()) && close.empty()) return false;
        if ((!from.empty() && close < from) || (!to.empty() && close > to)) return false;
        // The owner's placement today (a move dated later has not happened yet).
        return InPlacement(deal.rep_id(), placed_on, r.team_id(), r.region_id(), snapshot);
      },
      response.mutable_deals(), response.mutable_page()));
  return response;
}

absl::StatusOr<std::optional<targets::v1::OrganisationSettings>> ActivityQueries::Settings() const {
  return Read<targets::v1::OrganisationSettings>(db_, keys::kOrgView, keys::kSettingsRow, nullptr);
}

absl::StatusOr<bool> ActivityQueries::InPlacement(const std::string& rep_id, const std::string& day,
                                                  const std::string& team_id,
                                                  const std::string& region_id,
                                                  const projection::ReadSnapshot* snapshot) const {
  if (team_id.empty() && region_id.empty()) return true;
  ASSIGN_OR_RETURN(std::optional<RepPlacement> at, PlacementOf(rep_id, day, snapshot));
  if (!at.has_value()) return false;
  return (team_id.empty() || at->team_id == team_id) &&
         (region_id.empty() || at->region_id == region_id);
}

absl::StatusOr<std::optional<RepPlacement>> ActivityQueries::PlacementOf(
    const std::string& rep_id, const std::string& day, const ReadSnapshot* snapshot) const {
  projection::ScanOptions options;
  options.prefix = Key({"rep", rep_id, ""});
  // Effective dates on or before `day`: the exclusive bound "<day>\0" includes "<day>".
  options.upper_bound = options.prefix + day + std::string(1, '\0');
  options.reverse = true;
  options.limit = 1;
  options.snapshot = snapshot;
  ASSIGN_OR_RETURN(std::vector<projection::ViewRow> rows, db_->Scan(keys::kOrgView, options));
  if (rows.empty() || rows[0].value.empty()) return std::nullopt;
  const size_t slash = rows[0].value.find('/');
  if (slash == std::string::npos) {
    return absl::DataLossError(absl::StrCat("malformed org row ", rows[0].key));
  }
  return RepPlacement{rows[0].value.substr(0, slash), rows[0].value.substr(slash + 1)};
}

}  // namespace salesperf::activity
