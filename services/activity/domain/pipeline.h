// Leads (stream "lead-<lead_id>") and deals with their orders (stream "deal-<deal_id>").
//
// Lead: open -> disqualified (a reason) | converted (LeadConverted on the lead, and
// DealOpened on the new deal's stream, appended together).
//
// Deal stages:
//   qualified <-> proposal <-> negotiation   (any move among the three, with optional
//                                             amount / expected-close updates)
//   any open stage -> won (final amount) | lost (a reason)
//   lost -> reopened into an open stage (a reason)
//   won -> cancelled (a reason; incentives claw the commission back)
//   orders are booked only on won deals (deduplicated on external_order_id)
// Anything else is FAILED_PRECONDITION. Amounts are non-negative and in the
// organisation's currency when it is known; every amount of a deal has one currency.
//
// Decider: Decide*(command, state) -> events or error; Evolve{Lead,Deal}(state, event).
// Errors: INVALID_ARGUMENT (field violations named as in the request), NOT_FOUND,
// ALREADY_EXISTS, FAILED_PRECONDITION. Repeating what is already so yields no events.
#ifndef SALESPERF_SERVICES_ACTIVITY_DOMAIN_PIPELINE_H_
#define SALESPERF_SERVICES_ACTIVITY_DOMAIN_PIPELINE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "salesperf/activity/v1/activity.pb.h"
#include "services/activity/domain/customer.h"
#include "services/activity/domain/values.h"

namespace salesperf::activity {

// "lead-<lead_id>", "deal-<deal_id>".
std::string LeadStreamId(std::string_view lead_id);
std::string DealStreamId(std::string_view deal_id);

// qualified, proposal or negotiation.
bool IsOpenStage(v1::DealStage stage);

// Ids (lead_id, deal_id, order_id) are set by the application before deciding.
struct CreateLead {
  CommandMeta meta;
  v1::CreateLeadRequest request;
};
struct DisqualifyLead {
  CommandMeta meta;
  v1::DisqualifyLeadRequest request;
};
// Decided on the lead; the events go to the lead's stream (LeadConverted) and the deal's
// (DealOpened): see SplitConversion. deal_exists: the deal stream already has events.
struct ConvertLead {
  CommandMeta meta;
  v1::ConvertLeadRequest request;
  bool deal_exists = false;
};
struct OpenDeal {
  CommandMeta meta;
  v1::OpenDealRequest request;
};
struct ChangeDealStage {
  CommandMeta meta;
  v1::ChangeDealStageRequest request;
};
struct WinDeal {
  CommandMeta meta;
  v1::WinDealRequest request;
};
struct LoseDeal {
  CommandMeta meta;
  v1::LoseDealRequest request;
};
struct ReopenDeal {
  CommandMeta meta;
  v1::ReopenDealRequest request;
};
struct CancelDeal {
  CommandMeta meta;
  v1::CancelDealRequest request;
};
struct BookOrder {
  CommandMeta meta;
  v1::BookOrderRequest request;
};

absl::StatusOr<ActivityEvents> DecideCreateLead(const CreateLead& c, const v1::Lead& state);
absl::StatusOr<ActivityEvents> DecideDisqualifyLead(const DisqualifyLead& c, const v1::Lead& state);
// [LeadConverted, DealOpened], or none when already converted into request.deal_id.
absl::StatusOr<ActivityEvents> DecideConvertLead(const ConvertLead& c, const v1::Lead& state);
v1::Lead EvolveLead(v1::Lead state, const v1::ActivityEvent& event);

absl::StatusOr<ActivityEvents> DecideOpenDeal(const OpenDeal& c, const v1::Deal& state);
absl::StatusOr<ActivityEvents> DecideChangeDealStage(const ChangeDealStage& c,
                                                     const v1::Deal& state);
absl::StatusOr<ActivityEvents> DecideWinDeal(const WinDeal& c, const v1::Deal& state);
absl::StatusOr<ActivityEvents> DecideLoseDeal(const LoseDeal& c, const v1::Deal& state);
absl::StatusOr<ActivityEvents> DecideReopenDeal(const ReopenDeal& c, const v1::Deal& state);
absl::StatusOr<ActivityEvents> DecideCancelDeal(const CancelDeal& c, const v1::Deal& state);
absl::StatusOr<ActivityEvents> DecideBookOrder(const BookOrder& c, const v1::Deal& state);
v1::Deal EvolveDeal(v1::Deal state, const v1::ActivityEvent& event);

}  // namespace salesperf::activity

#endif  // SALESPERF_SERVICES_ACTIVITY_DOMAIN_PIPELINE_H_
