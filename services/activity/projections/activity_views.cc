#include "services/activity/projections/activity_views.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/period.h"
#include "libs/common/status_macros.h"
#include "salesperf/targets/v1/events.pb.h"
#include "services/activity/app/event_codec.h"
#include "services/activity/domain/call.h"
#include "services/activity/domain/customer.h"
#include "services/activity/domain/pipeline.h"
#include "services/activity/domain/visit.h"
#include "services/activity/projections/keys.h"

namespace salesperf::activity {
namespace {

using keys::Key;
using projection::EventEnvelope;
using projection::ViewTxn;

std::string_view TypeName(const std::string& type_url) {
  const size_t slash = type_url.rfind('/');
  return slash == std::string::npos ? std::string_view(type_url)
                                    : std::string_view(type_url).substr(slash + 1);
}

template <typename Message>
absl::StatusOr<std::optional<Message>> Load(ViewTxn& txn, const std::string& key) {
  ASSIGN_OR_RETURN(std::optional<std::string> row, txn.Get(key));
  if (!row.has_value()) return std::nullopt;
  Message m;
  if (!m.ParseFromString(*row)) return absl::DataLossError(absl::StrCat("malformed row ", key));
  return m;
}

// The activity event of `event`, or nullopt for anything else.
absl::StatusOr<std::optional<v1::ActivityEvent>> ActivityEventOf(const EventEnvelope& event) {
  absl::StatusOr<std::optional<v1::ActivityEvent>> e = UnpackActivityEvent(event.payload());
  if (!e.ok()) return absl::InvalidArgumentError(std::string(e.status().message()));
  return e;
}

// Folds `e` into the row at `row_key` with `evolve`, checking stream order. Returns the
// row before and after, or nullopt when the event was a replay (nothing to write).
template <typename State>
struct Folded {
  std::optional<State> before;
  State after;
};
template <typename State>
absl::StatusOr<std::optional<Folded<State>>> Fold(
    const EventEnvelope& event, const v1::ActivityEvent& e, ViewTxn& txn,
    const std::string& row_key, State (*evolve)(State, const v1::ActivityEvent&)) {
  ASSIGN_OR_RETURN(std::optional<State> before, Load<State>(txn, row_key));
  const int64_t version = before.has_value() ? before->version() : 0;
  const int64_t incoming = static_cast<int64_t>(event.stream_version());
  if (incoming <= version) return std::nullopt;
  if (incoming != version + 1) {
    return absl::InvalidArgumentError(absl::StrCat("event ", incoming, " of ", event.stream_id(),
                                                   " out of order: the row is at ", version));
  }
  State after = evolve(before.value_or(State{}), e);
  // Versions count the stream's events, including ones this fold does not change.
  after.set_version(incoming);
  return Folded<State>{std::move(before), std::move(after)};
}

// The organisation's time zone as a view last stored it.
absl::StatusOr<absl::TimeZone> ZoneOf(ViewTxn& txn) {
  ASSIGN_OR_RETURN(std::optional<targets::v1::OrganisationSettings> settings,
                   Load<targets::v1::OrganisationSettings>(txn, keys::kLocalSettingsRow));
  if (!settings.has_value() || settings->time_zone().empty()) return DefaultTimeZone();
  absl::StatusOr<absl::TimeZone> tz = LoadTimeZone(settings->time_zone());
  return tz.ok() ? *tz : DefaultTimeZone();
}

// Stores the organisation's settings in a view that buckets by day. true if `event` was
// settings.
bool KeepSettings(const EventEnvelope& event, ViewTxn& txn) {
  if (TypeName(event.payload().type_url()) != "salesperf.targets.v1.OrganisationSettingsChanged") {
    return false;
  }
  targets::v1::OrganisationSettingsChanged changed;
  if (event.payload().UnpackTo(&changed)) {
    txn.Put(keys::kLocalSettingsRow, changed.settings().SerializeAsString());
  }
  return true;
}

class CustomersView final : public projection::View {
 public:
  std::string_view name() const override { return keys::kCustomersView; }
  absl::Status Apply(const EventEnvelope& event, ViewTxn& txn) override {
    ASSIGN_OR_RETURN(std::optional<v1::ActivityEvent> e, ActivityEventOf(event));
    if (!e.has_value() || (e->event_case() != v1::ActivityEvent::kCustomerRegistered &&
                           e->event_case() != v1::ActivityEvent::kCustomerOwnerReassigned)) {
      return absl::OkStatus();
    }
    const std::string& id = e->has_customer_registered()
                                ? e->customer_registered().customer_id()
                                : e->customer_owner_reassigned().customer_id();
    ASSIGN_OR_RETURN(auto folded,
                     Fold<v1::Customer>(event, *e, txn, Key({"c", id}), EvolveCustomer));
    if (!folded.has_value()) return absl::OkStatus();
    const v1::Customer& c = folded->after;
    if (folded->before.has_value()) {
      txn.Delete(Key({"o", folded->before->owner_rep_id(), id}));
      txn.Delete(Key({"r", folded->before->region_id(), id}));
    }
    txn.Put(Key({"c", id}), c.SerializeAsString());
    txn.Put(Key({"o", c.owner_rep_id(), id}), "");
    txn.Put(Key({"r", c.region_id(), id}), "");
    if (!c.external_id().empty()) txn.Put(Key({"x", c.external_id()}), id);
    return absl::OkStatus();
  }
};

class VisitsView final : public projection::View {
 public:
  std::string_view name() const override { return keys::kVisitsView; }
  absl::Status Apply(const EventEnvelope& event, ViewTxn& txn) override {
    if (KeepSettings(event, txn)) return absl::OkStatus();
    ASSIGN_OR_RETURN(std::optional<v1::ActivityEvent> e, ActivityEventOf(event));
    if (!e.has_value()) return absl::OkStatus();
    std::string id;
    switch (e->event_case()) {
      case v1::ActivityEvent::kVisitPlanned:
        id = e->visit_planned().visit_id();
        break;
      case v1::ActivityEvent::kVisitRescheduled:
        id = e->visit_rescheduled().visit_id();
        break;
      case v1::ActivityEvent::kVisitCancelled:
        id = e->visit_cancelled().visit_id();
        break;
      case v1::ActivityEvent::kVisitCheckedIn:
        id = e->visit_checked_in().visit_id();
        break;
      case v1::ActivityEvent::kVisitCheckedOut:
        id = e->visit_checked_out().visit_id();
        break;
      case v1::ActivityEvent::kVisitOutcomeRecorded:
        id = e->visit_outcome_recorded().visit_id();
        break;
      default:
        return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(auto folded, Fold<v1::Visit>(event, *e, txn, Key({"v", id}), EvolveVisit));
    if (!folded.has_value()) return absl::OkStatus();
    ASSIGN_OR_RETURN(absl::TimeZone tz, ZoneOf(txn));
    v1::Visit& v = folded->after;
    v.set_planned_on(DayOf(FromTimestamp(v.planned_at()), tz));
    if (folded->before.has_value()) {
      const v1::Visit& b = *folded->before;
      txn.Delete(Key({"r", b.rep_id(), b.planned_on(), id}));
      txn.Delete(Key({"c", b.customer_id(), b.planned_on(), id}));
      txn.Delete(Key({"d", b.planned_on(), id}));
    }
    txn.Put(Key({"v", id}), v.SerializeAsString());
    txn.Put(Key({"r", v.rep_id(), v.planned_on(), id}), "");
    txn.Put(Key({"c", v.customer_id(), v.planned_on(), id}), "");
    txn.Put(Key({"d", v.planned_on(), id}), "");
    return absl::OkStatus();
  }
};

class CallsView final : public projection::View {
 public:
  std::string_view name() const override { return keys::kCallsView; }
  absl::Status Apply(const EventEnvelope& event, ViewTxn& txn) override {
    if (KeepSettings(event, txn)) return absl::OkStatus();
    ASSIGN_OR_RETURN(std::optional<v1::ActivityEvent> e, ActivityEventOf(event));
    if (!e.has_value() || e->event_case() != v1::ActivityEvent::kCallLogged) {
      return absl::OkStatus();
    }
    const std::string& id = e->call_logged().call_id();
    ASSIGN_OR_RETURN(auto folded, Fold<v1::Call>(event, *e, txn, Key({"k", id}), EvolveCall));
    if (!folded.has_value()) return absl::OkStatus();
    ASSIGN_OR_RETURN(absl::TimeZone tz, ZoneOf(txn));
    v1::Call& c = folded->after;
    c.set_started_on(DayOf(FromTimestamp(c.started_at()), tz));
    txn.Put(Key({"k", id}), c.SerializeAsString());
    txn.Put(Key({"r", c.rep_id(), c.started_on(), id}), "");
    if (!c.customer_id().empty()) txn.Put(Key({"c", c.customer_id(), c.started_on(), id}), "");
    txn.Put(Key({"d", c.started_on(), id}), "");
    return absl::OkStatus();
  }
};

class LeadsView final : public projection::View {
 public:
  std::string_view name() const override { return keys::kLeadsView; }
  absl::Status Apply(const EventEnvelope& event, ViewTxn& txn) override {
    ASSIGN_OR_RETURN(std::optional<v1::ActivityEvent> e, ActivityEventOf(event));
    if (!e.has_value()) return absl::OkStatus();
    std::string id;
    switch (e->event_case()) {
      case v1::ActivityEvent::kLeadCreated:
        id = e->lead_created().lead_id();
        break;
      case v1::ActivityEvent::kLeadDisqualified:
        id = e->lead_disqualified().lead_id();
        break;
      case v1::ActivityEvent::kLeadConverted:
        id = e->lead_converted().lead_id();
        break;
      default:
        return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(auto folded, Fold<v1::Lead>(event, *e, txn, Key({"l", id}), EvolveLead));
    if (!folded.has_value()) return absl::OkStatus();
    txn.Put(Key({"l", id}), folded->after.SerializeAsString());
    txn.Put(Key({"r", folded->after.rep_id(), id}), "");
    return absl::OkStatus();
  }
};

class DealsView final : public projection::View {
 public:
  std::string_view name() const override { return keys::kDealsView; }
  absl::Status Apply(const EventEnvelope& event, ViewTxn& txn) override {
    // Every deal event is on stream "deal-<deal_id>".
    if (!event.stream_id().starts_with("deal-")) return absl::OkStatus();
    ASSIGN_OR_RETURN(std::optional<v1::ActivityEvent> e, ActivityEventOf(event));
    if (!e.has_value()) return absl::OkStatus();
    const std::string id = event.stream_id().substr(5);
    ASSIGN_OR_RETURN(auto folded, Fold<v1::Deal>(event, *e, txn, Key({"d", id}), EvolveDeal));
    if (!folded.has_value()) return absl::OkStatus();
    const v1::Deal& d = folded->after;
    if (folded->before.has_value()) {
      const v1::Deal& b = *folded->before;
      txn.Delete(Key({"o", b.rep_id(), keys::StageKey(b.stage()), id}));
      txn.Delete(Key({"s", keys::StageKey(b.stage()), id}));
      txn.Delete(Key({"c", b.customer_id(), id}));
    }
    txn.Put(Key({"d", id}), d.SerializeAsString());
    txn.Put(Key({"o", d.rep_id(), keys::StageKey(d.stage()), id}), "");
    txn.Put(Key({"s", keys::StageKey(d.stage()), id}), "");
    if (!d.customer_id().empty()) txn.Put(Key({"c", d.customer_id(), id}), "");
    return absl::OkStatus();
  }
};

class OrgView final : public projection::View {
 public:
  std::string_view name() const override { return keys::kOrgView; }
  absl::Status Apply(const EventEnvelope& event, ViewTxn& txn) override {
    const std::string_view type = TypeName(event.payload().type_url());
    if (!type.starts_with("salesperf.targets.v1.")) return absl::OkStatus();
    if (type == "salesperf.targets.v1.OrganisationSettingsChanged") {
      targets::v1::OrganisationSettingsChanged x;
      if (!event.payload().UnpackTo(&x)) return Malformed(type);
      txn.Put(keys::kSettingsRow, x.settings().SerializeAsString());
    } else if (type == "salesperf.targets.v1.TeamCreated") {
      targets::v1::TeamCreated x;
      if (!event.payload().UnpackTo(&x)) return Malformed(type);
      txn.Put(Key({"team", x.team_id()}), x.region_id());
    } else if (type == "salesperf.targets.v1.RepHired") {
      targets::v1::RepHired x;
      if (!event.payload().UnpackTo(&x)) return Malformed(type);
      txn.Put(Key({"rep", x.rep_id(), x.effective_from()}),
              absl::StrCat(x.team_id(), "/", x.region_id()));
    } else if (type == "salesperf.targets.v1.RepMoved") {
      targets::v1::RepMoved x;
      if (!event.payload().UnpackTo(&x)) return Malformed(type);
      txn.Put(Key({"rep", x.rep_id(), x.effective_from()}),
              absl::StrCat(x.to_team_id(), "/", x.to_region_id()));
    } else if (type == "salesperf.targets.v1.RepDeactivated") {
      targets::v1::RepDeactivated x;
      if (!event.payload().UnpackTo(&x)) return Malformed(type);
      txn.Put(Key({"rep", x.rep_id(), x.effective_from()}), "");
    }
    return absl::OkStatus();
  }

 private:
  static absl::Status Malformed(std::string_view type) {
    return absl::InvalidArgumentError(absl::StrCat("malformed ", std::string(type), " payload"));
  }
};

}  // namespace

std::vector<projection::ViewPtr> NewActivityViews() {
  std::vector<projection::ViewPtr> views;
  views.push_back(std::make_unique<CustomersView>());
  views.push_back(std::make_unique<VisitsView>());
  views.push_back(std::make_unique<CallsView>());
  views.push_back(std::make_unique<LeadsView>());
  views.push_back(std::make_unique<DealsView>());
  views.push_back(std::make_unique<OrgView>());
  return views;
}

std::vector<std::string> ActivityViewNames() {
  return {keys::kCustomersView, keys::kVisitsView, keys::kCallsView,
          keys::kLeadsView,     keys::kDealsView,  keys::kOrgView};
}

}  // namespace salesperf::activity
