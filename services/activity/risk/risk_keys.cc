// Byte layouts of the risk views (in the activity service's view database).
//
// Ids are [A-Za-z0-9._:-]{1,64} (libs/common/ids.h): neither '/' nor 0x00 occurs in
// one, so both separate variable-length parts. Flag ids are "<rule code>-<sequence>"
// (domain/risk_rules.h). Every index row ends in the id it lists, so a prefix scan
// lists them in id order (the page order of ListRiskFlags).
//
// view "risk_rules" (RiskRulesView: rule state and the reactor's work):
//   "s/" rule_code "/" subject         -> v1.RiskRuleState; subject is rep_id,
//                                          rep_id "/" YYYY-MM-DD, visit_id, deal_id or
//                                          rep_id "/" customer_id (see the rule table)
//   "c/" customer_id                   -> v1.RiskCustomerOwners
//   "w/" deal_id                       -> v1.RiskEvidence of the deal's DealWon
//   "k/" flag_id                       -> state row key, while the flag is open
//   "o/" flag_id                       -> state row key, open flags of rolling rules
//   "p/" flag_id "/1"                  -> 'R' + serialized v1.RiskFlagged (raise pending)
//   "p/" flag_id "/2"                  -> 'C' + serialized v1.RiskFlagCleared (clear pending)
//
// view "risk_flags" (RiskFlagsView: the flags as listed):
//   "f/" flag_id                       -> v1.RiskFlag (team_id/region_id resolved at query time)
//   "r/" rep_id 0x00 flag_id           -> ""
//   "u/" NN (rule number, 2 digits) 0x00 flag_id -> ""
//
// view "risk_org" (RiskOrgView: where each rep was, from the targets org events):
//   "a/" rep_id                        -> v1.RiskRepAssignments
//   "t/" team_id 0x00 rep_id           -> "" (the rep was in the team at some time)
//   "g/" region_id 0x00 rep_id         -> ""
#include "services/activity/risk/risk_keys.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/string_view_compat.h"
#include "services/activity/risk/domain/risk_rules.h"

namespace salesperf::activity::risk::keys {
namespace {

std::string Joined(std::string_view prefix, std::string_view a) {
  std::string out(prefix);
  out.append(a);
  out.push_back('\0');
  return out;
}

std::optional<std::string_view> Between(std::string_view row, std::string_view prefix,
                                        std::string_view suffix) {
  if (!row.starts_with(prefix) || !row.ends_with(suffix) ||
      row.size() <= prefix.size() + suffix.size()) {
    return std::nullopt;
  }
  return row.substr(prefix.size(), row.size() - prefix.size() - suffix.size());
}

}  // namespace

std::string StateRow(v1::RiskRule rule, std::string_view subject) {
  return absl::StrCat("s/", ToAbsl(RuleCode(rule)), "/", ToAbsl(subject));
}
std::string OwnersRow(std::string_view customer_id) {
  return absl::StrCat("c/", ToAbsl(customer_id));
}
std::string WonRow(std::string_view deal_id) { return absl::StrCat("w/", ToAbsl(deal_id)); }
std::string FlagStateRow(std::string_view flag_id) { return absl::StrCat("k/", ToAbsl(flag_id)); }
std::string SweepRow(std::string_view flag_id) {
  return absl::StrCat(ToAbsl(kSweepPrefix), ToAbsl(flag_id));
}
std::string PendingRaiseRow(std::string_view flag_id) {
  return absl::StrCat(ToAbsl(kPendingPrefix), ToAbsl(flag_id), "/1");
}
std::string PendingClearRow(std::string_view flag_id) {
  return absl::StrCat(ToAbsl(kPendingPrefix), ToAbsl(flag_id), "/2");
}
std::optional<std::string_view> FlagIdOfSweepRow(std::string_view row) {
  return Between(row, kSweepPrefix, "");
}
std::optional<std::string_view> FlagIdOfPendingRow(std::string_view row) {
  if (row.ends_with("/1")) return Between(row, kPendingPrefix, "/1");
  return Between(row, kPendingPrefix, "/2");
}

std::string FlagRow(std::string_view flag_id) {
  return absl::StrCat(ToAbsl(kFlagPrefix), ToAbsl(flag_id));
}
std::string RepIndexPrefix(std::string_view rep_id) { return Joined("r/", rep_id); }
std::string RepIndexRow(std::string_view rep_id, std::string_view flag_id) {
  return absl::StrCat(RepIndexPrefix(rep_id), ToAbsl(flag_id));
}
std::string RuleIndexPrefix(v1::RiskRule rule) {
  return Joined("u/", absl::StrFormat("%02d", static_cast<int>(rule)));
}
std::string RuleIndexRow(v1::RiskRule rule, std::string_view flag_id) {
  return absl::StrCat(RuleIndexPrefix(rule), ToAbsl(flag_id));
}
std::optional<std::string_view> LastPart(std::string_view row) {
  const size_t at = row.rfind('\0');
  if (at == std::string_view::npos || at + 1 == row.size()) return std::nullopt;
  return row.substr(at + 1);
}

std::string AssignmentsRow(std::string_view rep_id) { return absl::StrCat("a/", ToAbsl(rep_id)); }
std::string TeamMemberPrefix(std::string_view team_id) { return Joined("t/", team_id); }
std::string TeamMemberRow(std::string_view team_id, std::string_view rep_id) {
  return absl::StrCat(TeamMemberPrefix(team_id), ToAbsl(rep_id));
}
std::string RegionMemberPrefix(std::string_view region_id) { return Joined("g/", region_id); }
std::string RegionMemberRow(std::string_view region_id, std::string_view rep_id) {
  return absl::StrCat(RegionMemberPrefix(region_id), ToAbsl(rep_id));
}

}  // namespace salesperf::activity::risk::keys
