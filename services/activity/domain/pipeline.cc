#include "services/activity/domain/pipeline.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/repeated_field.h"
#include "google/protobuf/util/message_differencer.h"
#include "libs/common/validation.h"

namespace salesperf::activity {
namespace {

using google::protobuf::RepeatedPtrField;
using google::protobuf::util::MessageDifferencer;

std::string StageName(v1::DealStage stage) {
  // "DEAL_STAGE_PROPOSAL" -> "proposal".
  return absl::AsciiStrToLower(v1::DealStage_Name(stage).substr(11));
}

absl::Status DealNotFound(const std::string& deal_id) {
  return absl::NotFoundError(absl::StrCat("deal ", deal_id, " not found"));
}
absl::Status LeadNotFound(const std::string& lead_id) {
  return absl::NotFoundError(absl::StrCat("lead ", lead_id, " not found"));
}

absl::Status Illegal(const v1::Deal& state, std::string_view what) {
  return absl::FailedPreconditionError(absl::StrCat("deal ", state.deal_id(), " is ",
                                                    StageName(state.stage()), ": cannot ",
                                                    absl::string_view(what.data(), what.size())));
}

void CheckOpenStage(FieldViolations& v, const std::string& field, v1::DealStage stage) {
  if (!IsOpenStage(stage)) v.Add(field, "must be qualified, proposal or negotiation");
}

void CheckCreditSplits(FieldViolations& v, const RepeatedPtrField<v1::CreditSplit>& splits) {
  if (splits.empty()) return;
  int64_t total = 0;
  std::set<std::string> reps;
  for (int i = 0; i < splits.size(); ++i) {
    const std::string field = absl::StrCat("credit_splits[", i, "]");
    CheckId(v, field + ".rep_id", splits[i].rep_id());
    if (!reps.insert(splits[i].rep_id()).second) v.Add(field + ".rep_id", "is listed twice");
    if (splits[i].share_bp() <= 0) v.Add(field + ".share_bp", "must be positive");
    total += splits[i].share_bp();
  }
  if (total != 10'000) v.Add("credit_splits", "shares must sum to 10000 (100%)");
}

// The amount must share the deal's currency (the deal's first amount fixes it).
void CheckSameCurrency(FieldViolations& v, const std::string& field,
                       const common::v1::Money& amount, const v1::Deal& state) {
  if (state.has_amount() && !state.amount().currency_code().empty() &&
      amount.currency_code() != state.amount().currency_code()) {
    v.Add(field + ".currency_code",
          absl::StrCat("must be the deal's currency ", state.amount().currency_code()));
  }
}

// The fields of a deal as OpenDealRequest and ConvertLeadRequest share them.
struct DealFields {
  std::string deal_id, rep_id, customer_id, lead_id, title, expected_close_date, product_line,
      customer_type;
  const common::v1::Money* amount = nullptr;
  const RepeatedPtrField<v1::CreditSplit>* splits = nullptr;
};

void CheckDealFields(FieldViolations& v, const DealFields& d, const CommandMeta& meta) {
  CheckId(v, "deal_id", d.deal_id);
  CheckText(v, "title", d.title, kMaxNameBytes);
  if (d.amount == nullptr) {
    v.Add("amount", "is required");
  } else {
    CheckAmount(v, "amount", *d.amount, meta.currency);
  }
  CheckOptionalDate(v, "expected_close_date", d.expected_close_date);
  CheckOptionalText(v, "product_line", d.product_line, kMaxNameBytes);
  CheckOptionalText(v, "customer_type", d.customer_type, kMaxNameBytes);
  CheckCreditSplits(v, *d.splits);
}

v1::ActivityEvent DealOpenedEvent(const DealFields& d) {
  v1::ActivityEvent e;
  v1::DealOpened* x = e.mutable_deal_opened();
  x->set_deal_id(d.deal_id);
  x->set_rep_id(d.rep_id);
  x->set_customer_id(d.customer_id);
  x->set_lead_id(d.lead_id);
  x->set_title(d.title);
  *x->mutable_amount() = *d.amount;
  x->set_expected_close_date(d.expected_close_date);
  x->set_stage(v1::DEAL_STAGE_QUALIFIED);
  x->set_product_line(d.product_line);
  x->set_customer_type(d.customer_type);
  *x->mutable_credit_splits() = *d.splits;
  return e;
}

template <typename E>
void Header(E* e, const v1::Deal& state) {
  e->set_deal_id(state.deal_id());
  e->set_rep_id(state.rep_id());
  e->set_customer_id(state.customer_id());
}

}  // namespace

std::string LeadStreamId(std::string_view lead_id) {
  return absl::StrCat("lead-", absl::string_view(lead_id.data(), lead_id.size()));
}
std::string DealStreamId(std::string_view deal_id) {
  return absl::StrCat("deal-", absl::string_view(deal_id.data(), deal_id.size()));
}

bool IsOpenStage(v1::DealStage stage) {
  return stage == v1::DEAL_STAGE_QUALIFIED || stage == v1::DEAL_STAGE_PROPOSAL ||
         stage == v1::DEAL_STAGE_NEGOTIATION;
}

// ---------------------------------------------------------------------------------------
// Leads.

absl::StatusOr<ActivityEvents> DecideCreateLead(const CreateLead& c, const v1::Lead& state) {
  const v1::CreateLeadRequest& r = c.request;
  FieldViolations v;
  CheckId(v, "lead_id", r.lead_id());
  CheckId(v, "rep_id", r.rep_id());
  CheckOptionalId(v, "customer_id", r.customer_id());
  CheckOptionalText(v, "source", r.source(), kMaxNameBytes);
  CheckText(v, "title", r.title(), kMaxNameBytes);
  if (!v.empty()) return v.ToStatus();
  if (!state.lead_id().empty()) {
    return absl::AlreadyExistsError(absl::StrCat("lead ", r.lead_id(), " already exists"));
  }
  v1::ActivityEvent e;
  v1::LeadCreated* x = e.mutable_lead_created();
  x->set_lead_id(r.lead_id());
  x->set_rep_id(r.rep_id());
  x->set_customer_id(r.customer_id());
  x->set_source(r.source());
  x->set_title(r.title());
  *x->mutable_created_at() = ToTimestamp(c.meta.now);
  return ActivityEvents{e};
}

absl::StatusOr<ActivityEvents> DecideDisqualifyLead(const DisqualifyLead& c,
                                                    const v1::Lead& state) {
  const v1::DisqualifyLeadRequest& r = c.request;
  FieldViolations v;
  CheckId(v, "lead_id", r.lead_id());
  CheckText(v, "reason", r.reason());
  if (!v.empty()) return v.ToStatus();
  if (state.lead_id().empty()) return LeadNotFound(r.lead_id());
  if (state.status() == v1::LEAD_STATUS_DISQUALIFIED) return ActivityEvents{};
  if (state.status() != v1::LEAD_STATUS_OPEN) {
    return absl::FailedPreconditionError(
        absl::StrCat("lead ", state.lead_id(), " is converted: cannot disqualify it"));
  }
  v1::ActivityEvent e;
  v1::LeadDisqualified* x = e.mutable_lead_disqualified();
  x->set_lead_id(state.lead_id());
  x->set_rep_id(state.rep_id());
  x->set_customer_id(state.customer_id());
  x->set_reason(r.reason());
  return ActivityEvents{e};
}

absl::StatusOr<ActivityEvents> DecideConvertLead(const ConvertLead& c, const v1::Lead& state) {
  const v1::ConvertLeadRequest& r = c.request;
  DealFields d{r.deal_id(),
               state.rep_id(),
               r.customer_id().empty() ? state.customer_id() : r.customer_id(),
               state.lead_id(),
               r.title().empty() ? state.title() : r.title(),
               r.expected_close_date(),
               r.product_line(),
               r.customer_type(),
               r.has_amount() ? &r.amount() : nullptr,
               &r.credit_splits()};
  FieldViolations v;
  CheckId(v, "lead_id", r.lead_id());
  CheckOptionalId(v, "customer_id", r.customer_id());
  CheckDealFields(v, d, c.meta);
  if (!v.empty()) return v.ToStatus();
  if (state.lead_id().empty()) return LeadNotFound(r.lead_id());
  if (state.status() == v1::LEAD_STATUS_CONVERTED) {
    if (state.deal_id() == r.deal_id()) return ActivityEvents{};
    return absl::FailedPreconditionError(absl::StrCat(
        "lead ", state.lead_id(), " was already converted into deal ", state.deal_id()));
  }
  if (state.status() != v1::LEAD_STATUS_OPEN) {
    return absl::FailedPreconditionError(
        absl::StrCat("lead ", state.lead_id(), " is disqualified: cannot convert it"));
  }
  if (d.customer_id.empty()) {
    return InvalidField("customer_id", "is required: the lead has no customer");
  }
  if (c.deal_exists) {
    return absl::AlreadyExistsError(absl::StrCat("deal ", r.deal_id(), " already exists"));
  }
  v1::ActivityEvent converted;
  v1::LeadConverted* x = converted.mutable_lead_converted();
  x->set_lead_id(state.lead_id());
  x->set_rep_id(state.rep_id());
  x->set_customer_id(d.customer_id);
  x->set_deal_id(r.deal_id());
  return ActivityEvents{converted, DealOpenedEvent(d)};
}

v1::Lead EvolveLead(v1::Lead state, const v1::ActivityEvent& event) {
  switch (event.event_case()) {
    case v1::ActivityEvent::kLeadCreated: {
      const v1::LeadCreated& x = event.lead_created();
      state.set_lead_id(x.lead_id());
      state.set_rep_id(x.rep_id());
      state.set_customer_id(x.customer_id());
      state.set_source(x.source());
      state.set_title(x.title());
      *state.mutable_created_at() = x.created_at();
      state.set_status(v1::LEAD_STATUS_OPEN);
      break;
    }
    case v1::ActivityEvent::kLeadDisqualified:
      state.set_status(v1::LEAD_STATUS_DISQUALIFIED);
      state.set_disqualify_reason(event.lead_disqualified().reason());
      break;
    case v1::ActivityEvent::kLeadConverted:
      state.set_status(v1::LEAD_STATUS_CONVERTED);
      state.set_deal_id(event.lead_converted().deal_id());
      state.set_customer_id(event.lead_converted().customer_id());
      break;
    default:
      return state;
  }
  state.set_version(state.version() + 1);
  return state;
}

// ---------------------------------------------------------------------------------------
// Deals.

absl::StatusOr<ActivityEvents> DecideOpenDeal(const OpenDeal& c, const v1::Deal& state) {
  const v1::OpenDealRequest& r = c.request;
  DealFields d{r.deal_id(),
               r.rep_id(),
               r.customer_id(),
               "",
               r.title(),
               r.expected_close_date(),
               r.product_line(),
               r.customer_type(),
               r.has_amount() ? &r.amount() : nullptr,
               &r.credit_splits()};
  FieldViolations v;
  CheckId(v, "rep_id", r.rep_id());
  CheckId(v, "customer_id", r.customer_id());
  CheckDealFields(v, d, c.meta);
  if (!v.empty()) return v.ToStatus();
  if (!state.deal_id().empty()) {
    return absl::AlreadyExistsError(absl::StrCat("deal ", r.deal_id(), " already exists"));
  }
  return ActivityEvents{DealOpenedEvent(d)};
}

absl::StatusOr<ActivityEvents> DecideChangeDealStage(const ChangeDealStage& c,
                                                     const v1::Deal& state) {
  const v1::ChangeDealStageRequest& r = c.request;
  FieldViolations v;
  CheckId(v, "deal_id", r.deal_id());
  CheckOpenStage(v, "to_stage", r.to_stage());
  if (r.has_amount()) {
    CheckAmount(v, "amount", r.amount(), c.meta.currency);
    CheckSameCurrency(v, "amount", r.amount(), state);
  }
  CheckOptionalDate(v, "expected_close_date", r.expected_close_date());
  if (!v.empty()) return v.ToStatus();
  if (state.deal_id().empty()) return DealNotFound(r.deal_id());
  if (!IsOpenStage(state.stage())) {
    return Illegal(state, absl::StrCat("move it to ", StageName(r.to_stage())));
  }
  const common::v1::Money amount = r.has_amount() ? r.amount() : state.amount();
  const std::string close =
      r.expected_close_date().empty() ? state.expected_close_date() : r.expected_close_date();
  if (state.stage() == r.to_stage() && MessageDifferencer::Equals(amount, state.amount()) &&
      close == state.expected_close_date()) {
    return ActivityEvents{};
  }
  v1::ActivityEvent e;
  v1::DealStageChanged* x = e.mutable_deal_stage_changed();
  Header(x, state);
  x->set_from_stage(state.stage());
  x->set_to_stage(r.to_stage());
  *x->mutable_amount() = amount;
  x->set_expected_close_date(close);
  return ActivityEvents{e};
}

absl::StatusOr<ActivityEvents> DecideWinDeal(const WinDeal& c, const v1::Deal& state) {
  const v1::WinDealRequest& r = c.request;
  FieldViolations v;
  CheckId(v, "deal_id", r.deal_id());
  if (!r.has_amount()) {
    v.Add("amount", "is required: the final amount");
  } else {
    CheckAmount(v, "amount", r.amount(), c.meta.currency);
    CheckSameCurrency(v, "amount", r.amount(), state);
  }
  CheckOptionalPastDate(v, "won_on", r.won_on(), c.meta);
  if (!v.empty()) return v.ToStatus();
  if (state.deal_id().empty()) return DealNotFound(r.deal_id());
  if (state.stage() == v1::DEAL_STAGE_WON &&
      MessageDifferencer::Equals(state.amount(), r.amount()) &&
      (r.won_on().empty() || r.won_on() == state.won_on())) {
    return ActivityEvents{};
  }
  if (!IsOpenStage(state.stage())) return Illegal(state, "win it");
  v1::ActivityEvent e;
  v1::DealWon* x = e.mutable_deal_won();
  Header(x, state);
  *x->mutable_amount() = r.amount();
  x->set_won_on(DateOrToday(r.won_on(), c.meta));
  x->set_from_stage(state.stage());
  x->set_product_line(state.product_line());
  x->set_customer_type(state.customer_type());
  *x->mutable_credit_splits() = state.credit_splits();
  return ActivityEvents{e};
}

absl::StatusOr<ActivityEvents> DecideLoseDeal(const LoseDeal& c, const v1::Deal& state) {
  const v1::LoseDealRequest& r = c.request;
  FieldViolations v;
  CheckId(v, "deal_id", r.deal_id());
  CheckText(v, "reason", r.reason());
  CheckOptionalPastDate(v, "lost_on", r.lost_on(), c.meta);
  if (!v.empty()) return v.ToStatus();
  if (state.deal_id().empty()) return DealNotFound(r.deal_id());
  if (state.stage() == v1::DEAL_STAGE_LOST && state.lost_reason() == r.reason()) {
    return ActivityEvents{};
  }
  if (!IsOpenStage(state.stage())) return Illegal(state, "lose it");
  v1::ActivityEvent e;
  v1::DealLost* x = e.mutable_deal_lost();
  Header(x, state);
  x->set_reason(r.reason());
  x->set_lost_on(DateOrToday(r.lost_on(), c.meta));
  x->set_from_stage(state.stage());
  *x->mutable_amount() = state.amount();
  return ActivityEvents{e};
}

absl::StatusOr<ActivityEvents> DecideReopenDeal(const ReopenDeal& c, const v1::Deal& state) {
  const v1::ReopenDealRequest& r = c.request;
  FieldViolations v;
  CheckId(v, "deal_id", r.deal_id());
  CheckOpenStage(v, "to_stage", r.to_stage());
  CheckText(v, "reason", r.reason());
  if (!v.empty()) return v.ToStatus();
  if (state.deal_id().empty()) return DealNotFound(r.deal_id());
  if (state.stage() != v1::DEAL_STAGE_LOST) {
    return Illegal(state, "reopen it (only a lost deal is reopened)");
  }
  v1::ActivityEvent e;
  v1::DealReopened* x = e.mutable_deal_reopened();
  Header(x, state);
  x->set_to_stage(r.to_stage());
  x->set_reason(r.reason());
  *x->mutable_amount() = state.amount();
  return ActivityEvents{e};
}

absl::StatusOr<ActivityEvents> DecideCancelDeal(const CancelDeal& c, const v1::Deal& state) {
  const v1::CancelDealRequest& r = c.request;
  FieldViolations v;
  CheckId(v, "deal_id", r.deal_id());
  CheckText(v, "reason", r.reason());
  CheckOptionalPastDate(v, "cancelled_on", r.cancelled_on(), c.meta);
  if (!v.empty()) return v.ToStatus();
  if (state.deal_id().empty()) return DealNotFound(r.deal_id());
  if (state.stage() == v1::DEAL_STAGE_CANCELLED) return ActivityEvents{};
  if (state.stage() != v1::DEAL_STAGE_WON) {
    return Illegal(state, "cancel it (only a won deal is cancelled; lose an open one)");
  }
  const std::string cancelled_on = DateOrToday(r.cancelled_on(), c.meta);
  if (cancelled_on < state.won_on()) {
    return InvalidField("cancelled_on", "must not be before the day the deal was won");
  }
  v1::ActivityEvent e;
  v1::DealCancelled* x = e.mutable_deal_cancelled();
  Header(x, state);
  x->set_reason(r.reason());
  x->set_cancelled_on(cancelled_on);
  *x->mutable_amount() = state.amount();
  x->set_won_on(state.won_on());
  *x->mutable_credit_splits() = state.credit_splits();
  return ActivityEvents{e};
}

absl::StatusOr<ActivityEvents> DecideBookOrder(const BookOrder& c, const v1::Deal& state) {
  const v1::BookOrderRequest& r = c.request;
  FieldViolations v;
  CheckId(v, "deal_id", r.deal_id());
  CheckId(v, "order_id", r.order_id());
  if (!r.has_amount()) {
    v.Add("amount", "is required");
  } else {
    CheckAmount(v, "amount", r.amount(), c.meta.currency);
    CheckSameCurrency(v, "amount", r.amount(), state);
  }
  CheckOptionalPastDate(v, "booked_on", r.booked_on(), c.meta);
  CheckOptionalText(v, "external_order_id", r.external_order_id(), kMaxNameBytes);
  if (!v.empty()) return v.ToStatus();
  if (state.deal_id().empty()) return DealNotFound(r.deal_id());
  for (const v1::Order& o : state.orders()) {
    if (!r.external_order_id().empty() && o.external_order_id() == r.external_order_id()) {
      return ActivityEvents{};
    }
    if (o.order_id() == r.order_id()) {
      return absl::AlreadyExistsError(
          absl::StrCat("order ", r.order_id(), " is already booked on deal ", state.deal_id()));
    }
  }
  if (state.stage() != v1::DEAL_STAGE_WON) return Illegal(state, "book an order (win it first)");
  v1::ActivityEvent e;
  v1::OrderBooked* x = e.mutable_order_booked();
  x->set_order_id(r.order_id());
  x->set_deal_id(state.deal_id());
  x->set_rep_id(state.rep_id());
  x->set_customer_id(state.customer_id());
  *x->mutable_amount() = r.amount();
  x->set_booked_on(DateOrToday(r.booked_on(), c.meta));
  x->set_external_order_id(r.external_order_id());
  return ActivityEvents{e};
}

v1::Deal EvolveDeal(v1::Deal state, const v1::ActivityEvent& event) {
  switch (event.event_case()) {
    case v1::ActivityEvent::kDealOpened: {
      const v1::DealOpened& x = event.deal_opened();
      state.set_deal_id(x.deal_id());
      state.set_rep_id(x.rep_id());
      state.set_customer_id(x.customer_id());
      state.set_lead_id(x.lead_id());
      state.set_title(x.title());
      *state.mutable_amount() = x.amount();
      state.set_expected_close_date(x.expected_close_date());
      state.set_stage(v1::DEAL_STAGE_QUALIFIED);
      state.set_product_line(x.product_line());
      state.set_customer_type(x.customer_type());
      *state.mutable_credit_splits() = x.credit_splits();
      break;
    }
    case v1::ActivityEvent::kDealStageChanged: {
      const v1::DealStageChanged& x = event.deal_stage_changed();
      state.set_stage(x.to_stage());
      *state.mutable_amount() = x.amount();
      state.set_expected_close_date(x.expected_close_date());
      break;
    }
    case v1::ActivityEvent::kDealWon:
      state.set_stage(v1::DEAL_STAGE_WON);
      *state.mutable_amount() = event.deal_won().amount();
      state.set_won_on(event.deal_won().won_on());
      break;
    case v1::ActivityEvent::kDealLost:
      state.set_stage(v1::DEAL_STAGE_LOST);
      state.set_lost_on(event.deal_lost().lost_on());
      state.set_lost_reason(event.deal_lost().reason());
      state.set_lost_from_stage(event.deal_lost().from_stage());
      break;
    case v1::ActivityEvent::kDealReopened:
      state.set_stage(event.deal_reopened().to_stage());
      state.clear_lost_on();
      state.clear_lost_reason();
      state.clear_lost_from_stage();
      break;
    case v1::ActivityEvent::kDealCancelled:
      state.set_stage(v1::DEAL_STAGE_CANCELLED);
      state.set_cancelled_on(event.deal_cancelled().cancelled_on());
      state.set_cancel_reason(event.deal_cancelled().reason());
      break;
    case v1::ActivityEvent::kOrderBooked: {
      const v1::OrderBooked& x = event.order_booked();
      v1::Order* o = state.add_orders();
      o->set_order_id(x.order_id());
      *o->mutable_amount() = x.amount();
      o->set_booked_on(x.booked_on());
      o->set_external_order_id(x.external_order_id());
      break;
    }
    default:
      return state;
  }
  state.set_version(state.version() + 1);
  return state;
}

}  // namespace salesperf::activity
