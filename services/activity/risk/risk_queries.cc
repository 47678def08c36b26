#include "services/activity/risk/risk_queries.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/common/ids.h"
#include "libs/common/status_macros.h"
#include "libs/common/string_view_compat.h"
#include "libs/common/validation.h"
#include "services/activity/risk/domain/risk_rules.h"
#include "services/activity/risk/risk_keys.h"

namespace salesperf::activity::risk {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;
constexpr size_t kMaxReasonLength = 500;
// Opaque to clients; versioned so that the format can change. The rest is the last
// item's flag id, or rep_id "/" flag_id when listing a team or region.
constexpr std::string_view kPageTokenPrefix = "f1:";

std::string StreamOf(std::string_view flag_id) { return absl::StrCat("risk-", ToAbsl(flag_id)); }

bool Matches(const v1::RiskFlag& flag, const v1::ListRiskFlagsRequest& r) {
  if (r.rule() != v1::RISK_RULE_UNSPECIFIED && flag.rule() != r.rule()) return false;
  if (!r.include_cleared() && flag.status() != v1::RISK_FLAG_STATUS_OPEN) return false;
  return true;
}

// The flag as the view folds it, from its stream's events.
v1::RiskFlag Fold(const std::vector<eventstore::EventEnvelope>& events) {
  v1::RiskFlag flag;
  for (const eventstore::EventEnvelope& event : events) {
    if (v1::RiskFlagged e; event.payload().UnpackTo(&e)) {
      flag.set_flag_id(e.flag_id());
      flag.set_rep_id(e.rep_id());
      flag.set_customer_id(e.customer_id());
      flag.set_rule(e.rule());
      flag.set_status(v1::RISK_FLAG_STATUS_OPEN);
      *flag.mutable_raised_at() = event.occurred_at();
      flag.set_observed(e.observed());
      flag.set_threshold(e.threshold());
      flag.set_summary(e.summary());
      *flag.mutable_evidence() = e.evidence();
      *flag.mutable_window_start() = e.window_start();
      *flag.mutable_window_end() = e.window_end();
    } else if (v1::RiskFlagCleared c; event.payload().UnpackTo(&c)) {
      flag.set_status(v1::RISK_FLAG_STATUS_CLEARED);
      *flag.mutable_cleared_at() = event.occurred_at();
      flag.set_cleared_reason(c.reason());
      flag.set_cleared_by(c.cleared_by());
    }
  }
  return flag;
}

}  // namespace

absl::StatusOr<std::optional<v1::RiskFlag>> RiskQueries::Find(
    std::string_view flag_id, const projection::ReadSnapshot* snapshot) const {
  ASSIGN_OR_RETURN(std::optional<std::string> row,
                   db_->Get(keys::kFlagsView, keys::FlagRow(flag_id), snapshot));
  if (!row.has_value()) return std::nullopt;
  v1::RiskFlag flag;
  if (!flag.ParseFromString(*row)) {
    return absl::DataLossError(absl::StrCat("malformed row of risk flag ", ToAbsl(flag_id)));
  }
  RETURN_IF_ERROR(ResolveOrg(flag, snapshot));
  return flag;
}

absl::Status RiskQueries::ResolveOrg(v1::RiskFlag& flag,
                                     const projection::ReadSnapshot* snapshot) const {
  flag.clear_team_id();
  flag.clear_region_id();
  ASSIGN_OR_RETURN(std::optional<std::string> row,
                   db_->Get(keys::kOrgView, keys::AssignmentsRow(flag.rep_id()), snapshot));
  if (!row.has_value()) return absl::OkStatus();
  v1::RiskRepAssignments assignments;
  if (!assignments.ParseFromString(*row)) {
    return absl::DataLossError(absl::StrCat("malformed assignments of rep ", flag.rep_id()));
  }
  const std::string day = DayId(ToTime(flag.window_end()), time_zone_);
  for (const auto& a : assignments.assignments()) {
    if (a.from_day() > day) break;
    flag.set_team_id(a.team_id());
    flag.set_region_id(a.region_id());
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::RiskFlag> RiskQueries::GetFlag(const std::string& flag_id) const {
  if (absl::Status s = ValidateId(flag_id); !s.ok()) {
    return InvalidField("flag_id", std::string(s.message()));
  }
  ASSIGN_OR_RETURN(std::optional<v1::RiskFlag> flag, Find(flag_id, nullptr));
  if (!flag.has_value())
    return absl::NotFoundError(absl::StrCat("risk flag ", flag_id, " not found"));
  return *std::move(flag);
}

absl::StatusOr<v1::ListRiskFlagsResponse> RiskQueries::ListFlags(
    const v1::ListRiskFlagsRequest& r) const {
  FieldViolations violations;
  int scopes = 0;
  for (const auto& [field, id] : {std::pair<const char*, const std::string&>{"rep_id", r.rep_id()},
                                  {"team_id", r.team_id()},
                                  {"region_id", r.region_id()}}) {
    if (id.empty()) continue;
    ++scopes;
    violations.AddIfError(field, ValidateId(id));
  }
  if (scopes > 1) violations.Add("rep_id", "give at most one of rep_id, team_id and region_id");
  if (!v1::RiskRule_IsValid(r.rule())) violations.Add("rule", "unknown rule");
  if (r.page().page_size() < 0) violations.Add("page.page_size", "must not be negative");
  const bool by_members = !r.team_id().empty() || !r.region_id().empty();
  std::string after_rep;
  std::string after_flag;
  if (!r.page().page_token().empty()) {
    std::string_view token = r.page().page_token();
    bool ok = token.starts_with(kPageTokenPrefix);
    if (ok) {
      token.remove_prefix(kPageTokenPrefix.size());
      if (by_members) {
        const size_t slash = token.find('/');
        ok = slash != std::string_view::npos && ValidateId(token.substr(0, slash)).ok() &&
             ValidateId(token.substr(slash + 1)).ok();
        if (ok) {
          after_rep = std::string(token.substr(0, slash));
          after_flag = std::string(token.substr(slash + 1));
        }
      } else {
        ok = ValidateId(token).ok();
        if (ok) after_flag = std::string(token);
      }
    }
    if (!ok) violations.Add("page.page_token", "is not a token from a previous response");
  }
  RETURN_IF_ERROR(violations.ToStatus());
  const int size =
      r.page().page_size() == 0 ? kDefaultPageSize : std::min(r.page().page_size(), kMaxPageSize);

  std::unique_ptr<projection::ReadSnapshot> snapshot = db_->GetSnapshot();
  v1::ListRiskFlagsResponse response;
  bool more = false;
  // Visits the flags of an index (rows ending in the flag id) after `after`, keeping the
  // ones that match; stops once a page and one more are found.
  auto scan_index = [&](const std::string& prefix, const std::string& after,
                        const std::string& team, const std::string& region) -> absl::Status {
    projection::ScanOptions scan;
    scan.prefix = prefix;
    if (!after.empty()) scan.lower_bound = prefix + after + std::string(1, '\0');
    scan.snapshot = snapshot.get();
    ASSIGN_OR_RETURN(std::unique_ptr<projection::ViewIterator> it,
                     db_->NewIterator(keys::kFlagsView, scan));
    for (; it->Valid(); it->Next()) {
      std::string_view id = it->key().substr(prefix.size());
      ASSIGN_OR_RETURN(std::optional<v1::RiskFlag> flag, Find(id, snapshot.get()));
      if (!flag.has_value()) {
        return absl::DataLossError(absl::StrCat("index names missing risk flag ", ToAbsl(id)));
      }
      if (!Matches(*flag, r)) continue;
      if (!team.empty() && flag->team_id() != team) continue;
      if (!region.empty() && flag->region_id() != region) continue;
      if (response.flags_size() == size) {
        more = true;
        break;
      }
      *response.add_flags() = *std::move(flag);
    }
    return it->status();
  };

  if (by_members) {
    const std::string prefix = !r.team_id().empty() ? keys::TeamMemberPrefix(r.team_id())
                                                    : keys::RegionMemberPrefix(r.region_id());
    projection::ScanOptions scan;
    scan.prefix = prefix;
    if (!after_rep.empty()) scan.lower_bound = prefix + after_rep;
    scan.snapshot = snapshot.get();
    ASSIGN_OR_RETURN(std::vector<projection::ViewRow> members, db_->Scan(keys::kOrgView, scan));
    for (const projection::ViewRow& member : members) {
      const std::string rep(std::string_view(member.key).substr(prefix.size()));
      RETURN_IF_ERROR(scan_index(keys::RepIndexPrefix(rep), rep == after_rep ? after_flag : "",
                                 r.team_id(), r.region_id()));
      if (more) break;
    }
    if (more) {
      const v1::RiskFlag& last = response.flags(size - 1);
      response.mutable_page()->set_next_page_token(
          absl::StrCat(ToAbsl(kPageTokenPrefix), last.rep_id(), "/", last.flag_id()));
    }
    return response;
  }
  std::string prefix;
  if (!r.rep_id().empty()) {
    prefix = keys::RepIndexPrefix(r.rep_id());
  } else if (r.rule() != v1::RISK_RULE_UNSPECIFIED) {
    prefix = keys::RuleIndexPrefix(r.rule());
  } else {
    prefix = std::string(keys::kFlagPrefix);
  }
  if (prefix == keys::kFlagPrefix) {
    // The flag rows themselves: the key after the prefix is the flag id, no 0x00.
    projection::ScanOptions scan;
    scan.prefix = prefix;
    if (!after_flag.empty()) scan.lower_bound = prefix + after_flag + std::string(1, '\0');
    scan.snapshot = snapshot.get();
    ASSIGN_OR_RETURN(std::unique_ptr<projection::ViewIterator> it,
                     db_->NewIterator(keys::kFlagsView, scan));
    for (; it->Valid(); it->Next()) {
      v1::RiskFlag flag;
      if (!flag.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        return absl::DataLossError("malformed risk flag row");
      }
      if (!Matches(flag, r)) continue;
      if (response.flags_size() == size) {
        more = true;
        break;
      }
      RETURN_IF_ERROR(ResolveOrg(flag, snapshot.get()));
      *response.add_flags() = std::move(flag);
    }
    RETURN_IF_ERROR(it->status());
  } else {
    RETURN_IF_ERROR(scan_index(prefix, after_flag, "", ""));
  }
  if (more) {
    response.mutable_page()->set_next_page_token(
        absl::StrCat(ToAbsl(kPageTokenPrefix), response.flags(size - 1).flag_id()));
  }
  return response;
}

absl::StatusOr<v1::RiskFlag> RiskCommands::FlagFromStream(const std::string& flag_id) {
  ASSIGN_OR_RETURN(std::vector<eventstore::EventEnvelope> events,
                   store_->ReadStream(StreamOf(flag_id), 1, 16));
  if (events.empty()) return absl::NotFoundError(absl::StrCat("risk flag ", flag_id, " not found"));
  v1::RiskFlag flag = Fold(events);
  RETURN_IF_ERROR(queries_->ResolveOrg(flag));
  return flag;
}

absl::StatusOr<v1::ClearRiskFlagResponse> RiskCommands::ClearFlag(
    const v1::ClearRiskFlagRequest& r) {
  FieldViolations violations;
  if (r.request_id().empty()) {
    violations.Add("request_id", "is required");
  } else if (r.request_id().size() > 128) {
    violations.Add("request_id", "must be at most 128 bytes");
  }
  violations.AddIfError("flag_id", ValidateId(r.flag_id()));
  violations.AddIfError("cleared_by", ValidateId(r.cleared_by()));
  if (r.reason().empty()) {
    violations.Add("reason", "is required");
  } else if (r.reason().size() > kMaxReasonLength) {
    violations.Add("reason", absl::StrCat("must be at most ", kMaxReasonLength, " bytes"));
  }
  RETURN_IF_ERROR(violations.ToStatus());
  const std::string fingerprint =
      absl::StrCat("clear-risk-flag\n", r.flag_id(), "\n", r.cleared_by(), "\n", r.reason());

  v1::ClearRiskFlagResponse response;
  ASSIGN_OR_RETURN(std::optional<eventstore::RequestRecord> seen,
                   store_->LookupRequest(r.request_id()));
  if (seen.has_value()) {
    if (seen->fingerprint != fingerprint) {
      return absl::AlreadyExistsError(
          absl::StrCat("request_id ", r.request_id(), " was used for a different request"));
    }
    ASSIGN_OR_RETURN(*response.mutable_flag(), FlagFromStream(r.flag_id()));
    return response;
  }
  ASSIGN_OR_RETURN(v1::RiskFlag flag, FlagFromStream(r.flag_id()));
  if (flag.status() == v1::RISK_FLAG_STATUS_CLEARED) {
    return absl::FailedPreconditionError(
        absl::StrCat("risk flag ", r.flag_id(), " is already cleared"));
  }
  v1::RiskFlagCleared cleared;
  cleared.set_flag_id(flag.flag_id());
  cleared.set_rep_id(flag.rep_id());
  cleared.set_customer_id(flag.customer_id());
  cleared.set_rule(flag.rule());
  cleared.set_reason(r.reason());
  cleared.set_cleared_by(r.cleared_by());
  eventstore::AppendRequest append;
  append.stream_id = StreamOf(flag.flag_id());
  append.expected_version = eventstore::ExpectedVersion::Exactly(1);
  eventstore::EventEnvelope envelope;
  *envelope.mutable_occurred_at() = ToTimestamp(clock_->Now());
  envelope.set_actor(r.cleared_by());
  envelope.mutable_payload()->PackFrom(cleared);
  append.events.push_back(std::move(envelope));
  append.request_id = r.request_id();
  append.request_fingerprint = fingerprint;
  ASSIGN_OR_RETURN(eventstore::AppendResult result, store_->Append(std::move(append)));
  (void)result;
  ASSIGN_OR_RETURN(*response.mutable_flag(), FlagFromStream(r.flag_id()));
  return response;
}

}  // namespace salesperf::activity::risk
