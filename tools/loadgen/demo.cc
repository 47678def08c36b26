#include "tools/loadgen/demo.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <set>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/timestamp.pb.h"
#include "grpcpp/client_context.h"
#include "libs/common/status_macros.h"
#include "salesperf/common/v1/money.pb.h"
#include "salesperf/targets/v1/targets.grpc.pb.h"
#include "tools/loadgen/rpc.h"
#if SALESPERF_LOADGEN_WITH_ACTIVITY
#include "salesperf/activity/v1/activity.grpc.pb.h"
#endif
#if SALESPERF_LOADGEN_WITH_FEEDBACK
#include "salesperf/feedback/v1/feedback.grpc.pb.h"
#endif
#if SALESPERF_LOADGEN_WITH_INCENTIVES
#include "salesperf/incentives/v1/incentives.grpc.pb.h"
#endif
#if SALESPERF_LOADGEN_WITH_ANALYTICS
#include "salesperf/analytics/v1/analytics.grpc.pb.h"
#endif

namespace salesperf::loadgen {
namespace {

namespace tv1 = ::salesperf::targets::v1;
namespace cv1 = ::salesperf::common::v1;

// The company's manager: approves every target (a manager of an ancestor scope may).
constexpr char kCompanyManager[] = "mgr-ceo";
constexpr char kPlanId[] = "plan-sales-commission";
constexpr int kImportBatch = 5000;

cv1::Money Cny(int64_t minor) {
  cv1::Money m;
  m.set_currency_code(kDemoCurrency);
  m.set_minor_units(minor);
  return m;
}

google::protobuf::Timestamp Ts(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t nanos = absl::ToUnixNanos(t);
  ts.set_seconds(nanos / 1'000'000'000);
  ts.set_nanos(static_cast<int32_t>(nanos % 1'000'000'000));
  return ts;
}

cv1::ScopeRef Scope(cv1::ScopeKind kind, const std::string& id) {
  cv1::ScopeRef s;
  s.set_kind(kind);
  s.set_id(id);
  return s;
}

std::string QuarterId(absl::CivilMonth m) {
  return absl::StrFormat("%04d-Q%d", m.year(), (m.month() - 1) / 3 + 1);
}
std::string MonthId(absl::CivilMonth m) {
  return absl::StrFormat("%04d-%02d", m.year(), m.month());
}

// Runs the demo's calls against the services, stage by stage.
class Seeder {
 public:
  Seeder(const DemoOptions& options, const DemoData& data, Endpoints endpoints)
      : options_(options), data_(data), endpoints_(std::move(endpoints)) {
    call_options_.actor = kCompanyManager;
  }

  absl::Status Organisation(DemoSummary& summary);
  absl::Status Targets(DemoSummary& summary);
#if SALESPERF_LOADGEN_WITH_ACTIVITY
  absl::Status Customers(DemoSummary& summary);
  absl::Status Calls(DemoSummary& summary);
  absl::Status Visits(DemoSummary& summary);
  absl::Status Deals(DemoSummary& summary);
#endif
#if SALESPERF_LOADGEN_WITH_FEEDBACK
  absl::Status Surveys(DemoSummary& summary);
#endif
#if SALESPERF_LOADGEN_WITH_INCENTIVES
  absl::Status Plan(DemoSummary& summary);
#endif
#if SALESPERF_LOADGEN_WITH_ANALYTICS
  bool Settle(const DemoSummary& summary);
#endif

  void Progress(const std::string& line) const {
    if (options_.progress != nullptr) *options_.progress << "demo: " << line << std::endl;
  }

 private:
  // The request id of one step of one entity: stable for a seed.
  std::string Rid(std::string_view what) const {
    return absl::StrCat("demo-", options_.seed, "-", absl::string_view(what.data(), what.size()));
  }

  // A mutation: ALREADY_EXISTS means an earlier seeding did it (the same request id with
  // a request that differs only in "today", or the entity under another request id).
  template <typename Stub, typename Req, typename Resp>
  absl::Status Mutate(Stub& stub,
                      grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                      const Req& request, const std::string& what, Resp* response = nullptr) {
    Resp local;
    absl::Status s =
        Call(stub, method, request, response != nullptr ? response : &local, call_options_);
    if (s.ok() || s.code() == absl::StatusCode::kAlreadyExists) return absl::OkStatus();
    return absl::Status(s.code(), absl::StrCat(what, ": ", s.message()));
  }

  absl::Status TargetTree(const std::string& period_id, int64_t company_value,
                          std::string* company_target_id);

  const DemoOptions& options_;
  const DemoData& data_;
  Endpoints endpoints_;
  CallOptions call_options_;
};

absl::Status Seeder::Organisation(DemoSummary& summary) {
  auto stub = tv1::TargetsService::NewStub(endpoints_.channel("targets"));
  const std::string from = DayId(data_.org_start);
  {
    tv1::SetOrganisationSettingsRequest r;
    r.set_request_id(Rid("org-settings"));
    tv1::OrganisationSettings* s = r.mutable_settings();
    s->set_company_name(data_.company_name);
    s->set_time_zone(kDemoTimeZone);
    s->set_currency_code(kDemoCurrency);
    s->set_fiscal_year_start_month(1);
    RETURN_IF_ERROR(Mutate(*stub, &tv1::TargetsService::Stub::SetOrganisationSettings, r,
                           "organisation settings"));
  }
  {
    tv1::AssignManagerRequest r;
    r.set_request_id(Rid("manager-company"));
    *r.mutable_scope() = Scope(cv1::SCOPE_KIND_COMPANY, "");
    r.set_manager_id(kCompanyManager);
    r.set_effective_from(from);
    RETURN_IF_ERROR(Mutate(*stub, &tv1::TargetsService::Stub::AssignManager, r, "company manager"));
  }
  for (const RegionSpec& region : data_.regions) {
    tv1::CreateRegionRequest r;
    r.set_request_id(Rid(absl::StrCat("region-", region.region_id)));
    r.set_region_id(region.region_id);
    r.set_name(region.name);
    r.set_effective_from(from);
    RETURN_IF_ERROR(Mutate(*stub, &tv1::TargetsService::Stub::CreateRegion, r,
                           absl::StrCat("region ", region.region_id)));
    tv1::AssignManagerRequest m;
    m.set_request_id(Rid(absl::StrCat("manager-", region.region_id)));
    *m.mutable_scope() = Scope(cv1::SCOPE_KIND_REGION, region.region_id);
    m.set_manager_id(region.manager_id);
    m.set_effective_from(from);
    RETURN_IF_ERROR(Mutate(*stub, &tv1::TargetsService::Stub::AssignManager, m,
                           absl::StrCat("manager of ", region.region_id)));
  }
  // Org commands are serialised by the service; a few in flight hide the round trips.
  RETURN_IF_ERROR(
      ParallelFor(static_cast<int64_t>(data_.teams.size()), options_.concurrency,
                  [&](int64_t i) -> absl::Status {
                    const TeamSpec& team = data_.teams[static_cast<size_t>(i)];
                    tv1::CreateTeamRequest r;
                    r.set_request_id(Rid(absl::StrCat("team-", team.team_id)));
                    r.set_team_id(team.team_id);
                    r.set_region_id(data_.regions[static_cast<size_t>(team.region)].region_id);
                    r.set_name(team.name);
                    r.set_effective_from(from);
                    RETURN_IF_ERROR(Mutate(*stub, &tv1::TargetsService::Stub::CreateTeam, r,
                                           absl::StrCat("team ", team.team_id)));
                    tv1::AssignManagerRequest m;
                    m.set_request_id(Rid(absl::StrCat("manager-", team.team_id)));
                    *m.mutable_scope() = Scope(cv1::SCOPE_KIND_TEAM, team.team_id);
                    m.set_manager_id(team.manager_id);
                    m.set_effective_from(from);
                    return Mutate(*stub, &tv1::TargetsService::Stub::AssignManager, m,
                                  absl::StrCat("manager of ", team.team_id));
                  }));
  RETURN_IF_ERROR(ParallelFor(static_cast<int64_t>(data_.reps.size()), options_.concurrency,
                              [&](int64_t i) -> absl::Status {
                                const RepSpec& rep = data_.reps[static_cast<size_t>(i)];
                                tv1::HireRepRequest r;
                                r.set_request_id(Rid(absl::StrCat("hire-", rep.rep_id)));
                                r.set_rep_id(rep.rep_id);
                                r.set_display_name(rep.display_name);
                                r.set_team_id(data_.teams[static_cast<size_t>(rep.team)].team_id);
                                r.set_effective_from(from);
                                return Mutate(*stub, &tv1::TargetsService::Stub::HireRep, r,
                                              absl::StrCat("rep ", rep.rep_id));
                              }));
  summary.counts.regions = static_cast<int64_t>(data_.regions.size());
  summary.counts.teams = static_cast<int64_t>(data_.teams.size());
  summary.counts.reps = static_cast<int64_t>(data_.reps.size());
  Progress(absl::StrCat("organisation ", data_.company_name, ": ", data_.regions.size(),
                        " regions, ", data_.teams.size(), " teams, ", data_.reps.size(), " reps"));
  return absl::OkStatus();
}

// Drafts and approves the company's revenue target for `period_id`, then decomposes it
// by seniority weights to regions, teams and reps, approving each level.
absl::Status Seeder::TargetTree(const std::string& period_id, int64_t company_value,
                                std::string* company_target_id) {
  auto stub = tv1::TargetsService::NewStub(endpoints_.channel("targets"));
  auto target_id = [&](const std::string& scope_id) {
    return absl::StrCat("tgt-rev-", period_id, "-", scope_id);
  };
  auto approve = [&](const std::string& id) {
    tv1::ApproveTargetRequest r;
    r.set_request_id(Rid(absl::StrCat("approve-", id)));
    r.set_target_id(id);
    r.set_comment("年度经营计划分解");
    return Mutate(*stub, &tv1::TargetsService::Stub::ApproveTarget, r,
                  absl::StrCat("approve ", id));
  };
  struct Child {
    cv1::ScopeRef scope;
    std::string name;
    int64_t weight;
  };
  auto decompose = [&](const std::string& parent_id, const std::vector<Child>& children) {
    tv1::DecomposeTargetRequest r;
    r.set_request_id(Rid(absl::StrCat("decompose-", parent_id)));
    r.set_target_id(parent_id);
    r.set_method(tv1::DECOMPOSITION_METHOD_WEIGHTS);
    r.set_comment("按人员职级权重分解");
    for (const Child& child : children) {
      tv1::ChildAllocation* a = r.add_children();
      a->set_child_target_id(target_id(child.scope.id()));
      *a->mutable_scope() = child.scope;
      a->set_weight(child.weight);
      a->set_name(absl::StrCat(period_id, " 营收目标 · ", child.name));
    }
    return Mutate(*stub, &tv1::TargetsService::Stub::DecomposeTarget, r,
                  absl::StrCat("decompose ", parent_id));
  };

  const std::string company_id = target_id("company");
  *company_target_id = company_id;
  {
    tv1::DraftTargetRequest r;
    r.set_request_id(Rid(absl::StrCat("draft-", company_id)));
    r.set_target_id(company_id);
    tv1::TargetSpec* spec = r.mutable_spec();
    spec->set_name(absl::StrCat(period_id, " 公司营收目标"));
    spec->set_description("全公司签约收入（已赢单金额）");
    *spec->mutable_scope() = Scope(cv1::SCOPE_KIND_COMPANY, "");
    spec->set_metric(tv1::METRIC_REVENUE);
    spec->mutable_period()->set_id(period_id);
    *spec->mutable_value()->mutable_money() = Cny(company_value);
    spec->mutable_basis()->set_kind(tv1::BASIS_KIND_MANUAL);
    spec->mutable_basis()->set_note("近三个月平均签约额上浮 15%");
    RETURN_IF_ERROR(Mutate(*stub, &tv1::TargetsService::Stub::DraftTarget, r,
                           absl::StrCat("draft ", company_id)));
  }
  RETURN_IF_ERROR(approve(company_id));

  // Weights: a rep's seniority; a team's or region's, the sum of its reps'.
  std::vector<int64_t> team_weight(data_.teams.size(), 0);
  std::vector<int64_t> region_weight(data_.regions.size(), 0);
  for (const RepSpec& rep : data_.reps) {
    team_weight[static_cast<size_t>(rep.team)] += rep.weight;
    region_weight[static_cast<size_t>(data_.teams[static_cast<size_t>(rep.team)].region)] +=
        rep.weight;
  }
  std::vector<Child> regions;
  for (size_t r = 0; r < data_.regions.size(); ++r) {
    regions.push_back({Scope(cv1::SCOPE_KIND_REGION, data_.regions[r].region_id),
                       data_.regions[r].name, region_weight[r]});
  }
  RETURN_IF_ERROR(decompose(company_id, regions));
  const int concurrency = options_.concurrency;
  RETURN_IF_ERROR(ParallelFor(static_cast<int64_t>(regions.size()), concurrency, [&](int64_t r) {
    return approve(target_id(regions[static_cast<size_t>(r)].scope.id()));
  }));
  RETURN_IF_ERROR(ParallelFor(static_cast<int64_t>(regions.size()), concurrency, [&](int64_t r) {
    std::vector<Child> teams;
    for (size_t t = 0; t < data_.teams.size(); ++t) {
      if (data_.teams[t].region != r) continue;
      teams.push_back({Scope(cv1::SCOPE_KIND_TEAM, data_.teams[t].team_id), data_.teams[t].name,
                       team_weight[t]});
    }
    return decompose(target_id(regions[static_cast<size_t>(r)].scope.id()), teams);
  }));
  RETURN_IF_ERROR(ParallelFor(
      static_cast<int64_t>(data_.teams.size()), concurrency,
      [&](int64_t t) { return approve(target_id(data_.teams[static_cast<size_t>(t)].team_id)); }));
  RETURN_IF_ERROR(
      ParallelFor(static_cast<int64_t>(data_.teams.size()), concurrency, [&](int64_t t) {
        std::vector<Child> reps;
        for (const RepSpec& rep : data_.reps) {
          if (rep.team != t) continue;
          reps.push_back({Scope(cv1::SCOPE_KIND_REP, rep.rep_id), rep.display_name, rep.weight});
        }
        return decompose(target_id(data_.teams[static_cast<size_t>(t)].team_id), reps);
      }));
  return ParallelFor(static_cast<int64_t>(data_.reps.size()), concurrency, [&](int64_t i) {
    return approve(target_id(data_.reps[static_cast<size_t>(i)].rep_id));
  });
}

absl::Status Seeder::Targets(DemoSummary& summary) {
  const absl::CivilMonth month(data_.options.today);
  const absl::CivilMonth quarter_start(month.year(), (month.month() - 1) / 3 * 3 + 1);
  RETURN_IF_ERROR(TargetTree(QuarterId(month), 3 * data_.monthly_revenue_target_minor,
                             &summary.company_target_id));
  for (int m = 0; m < 3; ++m) {
    std::string ignored;
    RETURN_IF_ERROR(
        TargetTree(MonthId(quarter_start + m), data_.monthly_revenue_target_minor, &ignored));
  }
  const int64_t per_tree =
      static_cast<int64_t>(1 + data_.regions.size() + data_.teams.size() + data_.reps.size());
  summary.counts.targets = 4 * per_tree;
  Progress(absl::StrCat(summary.counts.targets, " revenue targets for ", QuarterId(month),
                        " and its months, approved and decomposed to every rep (company ",
                        absl::StrFormat("%.2f", 3 * data_.monthly_revenue_target_minor / 100.0),
                        " CNY for the quarter)"));
  return absl::OkStatus();
}

#if SALESPERF_LOADGEN_WITH_ACTIVITY
namespace av1 = ::salesperf::activity::v1;

av1::GeoPoint ToProto(const GeoPoint& p, double accuracy) {
  av1::GeoPoint g;
  g.set_latitude(p.latitude);
  g.set_longitude(p.longitude);
  g.set_accuracy_meters(accuracy);
  return g;
}

absl::Status Seeder::Customers(DemoSummary& summary) {
  auto stub = av1::ActivityService::NewStub(endpoints_.channel("activity"));
  RETURN_IF_ERROR(ParallelFor(
      static_cast<int64_t>(data_.customers.size()), options_.concurrency, [&](int64_t i) {
        const CustomerSpec& c = data_.customers[static_cast<size_t>(i)];
        const RepSpec& owner = data_.reps[static_cast<size_t>(c.owner)];
        av1::RegisterCustomerRequest r;
        r.set_request_id(Rid(absl::StrCat("customer-", c.customer_id)));
        r.set_customer_id(c.customer_id);
        r.set_name(c.name);
        *r.mutable_location() = ToProto(c.location, 0);
        r.set_region_id(
            data_.regions[static_cast<size_t>(data_.teams[static_cast<size_t>(owner.team)].region)]
                .region_id);
        r.set_owner_rep_id(owner.rep_id);
        r.set_customer_type(c.customer_type);
        r.set_registered_on(DayId(c.registered_on));
        r.set_external_id(c.external_id);
        return Mutate(*stub, &av1::ActivityService::Stub::RegisterCustomer, r,
                      absl::StrCat("customer ", c.customer_id));
      }));
  summary.counts.customers = static_cast<int64_t>(data_.customers.size());
  Progress(absl::StrCat(data_.customers.size(), " customers near their reps' cities"));
  return absl::OkStatus();
}

av1::CallOutcome ToProto(CallResult r) {
  switch (r) {
    case CallResult::kConnected:
      return av1::CALL_OUTCOME_CONNECTED;
    case CallResult::kNoAnswer:
      return av1::CALL_OUTCOME_NO_ANSWER;
    case CallResult::kBusy:
      return av1::CALL_OUTCOME_BUSY;
    case CallResult::kVoicemail:
      return av1::CALL_OUTCOME_VOICEMAIL;
    case CallResult::kWrongNumber:
      return av1::CALL_OUTCOME_WRONG_NUMBER;
  }
  return av1::CALL_OUTCOME_UNSPECIFIED;
}

// Batches of the bulk import, several streams at once; each batch is idempotent on its
// request id and each record on (phone_system, external_call_id).
absl::Status Seeder::Calls(DemoSummary& summary) {
  const int64_t total = static_cast<int64_t>(data_.calls.size());
  const int64_t batches = (total + kImportBatch - 1) / kImportBatch;
  std::atomic<int64_t> accepted{0};
  std::atomic<int64_t> duplicates{0};
  RETURN_IF_ERROR(
      ParallelFor(batches, std::min(options_.concurrency, 3), [&](int64_t b) -> absl::Status {
        auto stub = av1::ActivityService::NewStub(endpoints_.channel("activity"));
        av1::ImportCallsRequest batch;
        batch.set_request_id(Rid(absl::StrCat("calls-", b)));
        const int64_t end = std::min(total, (b + 1) * kImportBatch);
        for (int64_t i = b * kImportBatch; i < end; ++i) {
          const CallSpec& c = data_.calls[static_cast<size_t>(i)];
          av1::CallRecord* rec = batch.add_records();
          rec->set_rep_id(data_.reps[static_cast<size_t>(c.rep)].rep_id);
          rec->set_customer_id(data_.customers[static_cast<size_t>(c.customer)].customer_id);
          rec->set_direction(c.inbound ? av1::CALL_DIRECTION_INBOUND
                                       : av1::CALL_DIRECTION_OUTBOUND);
          *rec->mutable_started_at() = Ts(c.started_at);
          rec->set_duration_seconds(c.duration_seconds);
          rec->set_outcome(ToProto(c.result));
          rec->set_external_call_id(c.external_call_id);
          rec->set_phone_system("demo-pbx");
        }
        absl::Status last;
        for (int attempt = 1; attempt <= 5; ++attempt) {
          grpc::ClientContext context;
          Prepare(context, {.actor = kCompanyManager, .deadline = absl::Minutes(5)});
          av1::ImportCallsResponse response;
          std::unique_ptr<grpc::ClientWriter<av1::ImportCallsRequest>> writer =
              stub->ImportCalls(&context, &response);
          writer->Write(batch);
          writer->WritesDone();
          last = FromGrpc(writer->Finish());
          if (last.ok()) {
            if (response.invalid() > 0) {
              std::string first;
              for (const av1::ImportCallResult& result : response.results()) {
                if (result.status() != av1::IMPORT_STATUS_INVALID) continue;
                first = absl::StrCat(
                    " (record ", result.index(), ": ",
                    result.violations().empty() ? "" : result.violations(0).field(), " ",
                    result.violations().empty() ? "" : result.violations(0).description(), ")");
                break;
              }
              return absl::InternalError(absl::StrCat(
                  "call import batch ", b, ": ", response.invalid(), " records rejected", first));
            }
            accepted += response.accepted();
            duplicates += response.duplicates();
            return absl::OkStatus();
          }
          if (last.code() != absl::StatusCode::kUnavailable) break;
          absl::SleepFor(absl::Milliseconds(100 * attempt));
        }
        if (last.code() == absl::StatusCode::kAlreadyExists) return absl::OkStatus();
        return absl::Status(last.code(),
                            absl::StrCat("call import batch ", b, ": ", last.message()));
      }));
  summary.counts.calls = total;
  Progress(absl::StrCat(total, " calls in ", batches, " ImportCalls batches (", accepted.load(),
                        " new, ", duplicates.load(), " already there)"));
  return absl::OkStatus();
}

av1::VisitOutcome ToProto(VisitResult r) {
  switch (r) {
    case VisitResult::kCompleted:
      return av1::VISIT_OUTCOME_COMPLETED;
    case VisitResult::kFollowUp:
      return av1::VISIT_OUTCOME_FOLLOW_UP_NEEDED;
    case VisitResult::kOrderTaken:
      return av1::VISIT_OUTCOME_ORDER_TAKEN;
    case VisitResult::kCustomerAbsent:
      return av1::VISIT_OUTCOME_CUSTOMER_ABSENT;
  }
  return av1::VISIT_OUTCOME_UNSPECIFIED;
}

absl::Status Seeder::Visits(DemoSummary& summary) {
  auto stub = av1::ActivityService::NewStub(endpoints_.channel("activity"));
  using S = av1::ActivityService::Stub;
  RETURN_IF_ERROR(ParallelFor(
      static_cast<int64_t>(data_.visits.size()), options_.concurrency,
      [&](int64_t i) -> absl::Status {
        const VisitSpec& v = data_.visits[static_cast<size_t>(i)];
        const std::string& id = v.visit_id;
        {
          av1::PlanVisitRequest r;
          r.set_request_id(Rid(absl::StrCat(id, "-plan")));
          r.set_visit_id(id);
          r.set_rep_id(data_.reps[static_cast<size_t>(v.rep)].rep_id);
          r.set_customer_id(data_.customers[static_cast<size_t>(v.customer)].customer_id);
          *r.mutable_planned_at() = Ts(v.planned_at);
          r.set_purpose(v.purpose);
          RETURN_IF_ERROR(Mutate(*stub, &S::PlanVisit, r, absl::StrCat("plan ", id)));
        }
        for (size_t k = 0; k < v.reschedules.size(); ++k) {
          av1::RescheduleVisitRequest r;
          r.set_request_id(Rid(absl::StrCat(id, "-reschedule-", k + 1)));
          r.set_visit_id(id);
          *r.mutable_planned_at() = Ts(v.reschedules[k]);
          r.set_reason(k % 2 == 0 ? "客户临时有会" : "路上堵车，改约时间");
          RETURN_IF_ERROR(Mutate(*stub, &S::RescheduleVisit, r, absl::StrCat("reschedule ", id)));
        }
        if (v.cancelled) {
          av1::CancelVisitRequest r;
          r.set_request_id(Rid(absl::StrCat(id, "-cancel")));
          r.set_visit_id(id);
          r.set_reason("客户取消拜访");
          return Mutate(*stub, &S::CancelVisit, r, absl::StrCat("cancel ", id));
        }
        if (!v.without_check_in) {
          av1::CheckInRequest in;
          in.set_request_id(Rid(absl::StrCat(id, "-check-in")));
          in.set_visit_id(id);
          *in.mutable_checked_in_at() = Ts(v.checked_in_at);
          *in.mutable_position() = ToProto(v.check_in_position, 15);
          RETURN_IF_ERROR(Mutate(*stub, &S::CheckIn, in, absl::StrCat("check in ", id)));
          av1::CheckOutRequest out;
          out.set_request_id(Rid(absl::StrCat(id, "-check-out")));
          out.set_visit_id(id);
          *out.mutable_checked_out_at() = Ts(v.checked_out_at);
          *out.mutable_position() = ToProto(v.check_in_position, 15);
          RETURN_IF_ERROR(Mutate(*stub, &S::CheckOut, out, absl::StrCat("check out ", id)));
        }
        av1::RecordVisitOutcomeRequest r;
        r.set_request_id(Rid(absl::StrCat(id, "-outcome")));
        r.set_visit_id(id);
        r.set_outcome(ToProto(v.result));
        return Mutate(*stub, &S::RecordVisitOutcome, r, absl::StrCat("visit outcome ", id));
      }));
  int64_t cancelled = 0;
  for (const VisitSpec& v : data_.visits) cancelled += v.cancelled ? 1 : 0;
  summary.counts.visits = static_cast<int64_t>(data_.visits.size());
  Progress(absl::StrCat(data_.visits.size(), " visits with check-ins (", cancelled, " cancelled)"));
  return absl::OkStatus();
}

absl::Status Seeder::Deals(DemoSummary& summary) {
  auto stub = av1::ActivityService::NewStub(endpoints_.channel("activity"));
  using S = av1::ActivityService::Stub;
  RETURN_IF_ERROR(ParallelFor(
      static_cast<int64_t>(data_.deals.size()), options_.concurrency,
      [&](int64_t i) -> absl::Status {
        const DealSpec& d = data_.deals[static_cast<size_t>(i)];
        const std::string& id = d.deal_id;
        const CustomerSpec& customer = data_.customers[static_cast<size_t>(d.customer)];
        {
          av1::OpenDealRequest r;
          r.set_request_id(Rid(absl::StrCat(id, "-open")));
          r.set_deal_id(id);
          r.set_rep_id(data_.reps[static_cast<size_t>(d.rep)].rep_id);
          r.set_customer_id(customer.customer_id);
          r.set_title(d.title);
          *r.mutable_amount() = Cny(d.amount_minor);
          r.set_expected_close_date(DayId(d.expected_close));
          r.set_product_line(d.product_line);
          r.set_customer_type(customer.customer_type);
          RETURN_IF_ERROR(Mutate(*stub, &S::OpenDeal, r, absl::StrCat("open ", id)));
        }
        const av1::DealStage stages[] = {av1::DEAL_STAGE_PROPOSAL, av1::DEAL_STAGE_NEGOTIATION};
        for (int k = 0; k < d.stages_passed; ++k) {
          av1::ChangeDealStageRequest r;
          r.set_request_id(Rid(absl::StrCat(id, "-stage-", k + 1)));
          r.set_deal_id(id);
          r.set_to_stage(stages[k]);
          RETURN_IF_ERROR(Mutate(*stub, &S::ChangeDealStage, r, absl::StrCat("stage ", id)));
        }
        if (d.end == DealEnd::kWon) {
          av1::WinDealRequest r;
          r.set_request_id(Rid(absl::StrCat(id, "-win")));
          r.set_deal_id(id);
          *r.mutable_amount() = Cny(d.amount_minor);
          r.set_won_on(DayId(d.closed_on));
          RETURN_IF_ERROR(Mutate(*stub, &S::WinDeal, r, absl::StrCat("win ", id)));
          if (d.cancelled_on) {
            av1::CancelDealRequest c;
            c.set_request_id(Rid(absl::StrCat(id, "-cancel")));
            c.set_deal_id(id);
            c.set_reason("客户撤回订单");
            c.set_cancelled_on(DayId(*d.cancelled_on));
            RETURN_IF_ERROR(Mutate(*stub, &S::CancelDeal, c, absl::StrCat("cancel ", id)));
          }
        } else if (d.end == DealEnd::kLost) {
          av1::LoseDealRequest r;
          r.set_request_id(Rid(absl::StrCat(id, "-lose")));
          r.set_deal_id(id);
          r.set_reason(d.lost_reason);
          r.set_lost_on(DayId(d.closed_on));
          RETURN_IF_ERROR(Mutate(*stub, &S::LoseDeal, r, absl::StrCat("lose ", id)));
        }
        return absl::OkStatus();
      }));
  int64_t won = 0;
  int64_t lost = 0;
  for (const DealSpec& d : data_.deals) {
    won += d.end == DealEnd::kWon ? 1 : 0;
    lost += d.end == DealEnd::kLost ? 1 : 0;
  }
  summary.counts.deals = static_cast<int64_t>(data_.deals.size());
  summary.counts.deals_won = won;
  Progress(absl::StrCat(data_.deals.size(), " deals (", won, " won, ", lost, " lost, ",
                        data_.deals.size() - static_cast<size_t>(won + lost), " open)"));
  return absl::OkStatus();
}
#endif  // SALESPERF_LOADGEN_WITH_ACTIVITY

#if SALESPERF_LOADGEN_WITH_FEEDBACK
namespace fv1 = ::salesperf::feedback::v1;

absl::Status Seeder::Surveys(DemoSummary& summary) {
  auto stub = fv1::FeedbackService::NewStub(endpoints_.channel("feedback"));
  using S = fv1::FeedbackService::Stub;
  const std::string survey_id = "survey-satisfaction";
  {
    fv1::DefineSurveyRequest r;
    r.set_request_id(Rid("survey-definition"));
    r.set_survey_id(survey_id);
    r.set_name("客户满意度调查");
    auto add = [&](const char* id, fv1::QuestionKind kind, const char* text, bool required) {
      fv1::Question* q = r.add_questions();
      q->set_question_id(id);
      q->set_kind(kind);
      q->set_text(text);
      q->set_required(required);
    };
    add("csat", fv1::QUESTION_KIND_CSAT, "您对本次服务的满意度如何？", true);
    add("nps", fv1::QUESTION_KIND_NPS, "您有多大可能向朋友或同事推荐我们？", false);
    add("comment", fv1::QUESTION_KIND_TEXT, "还有什么想告诉我们的吗？", false);
    r.set_response_window_seconds(14 * 24 * 3600);
    RETURN_IF_ERROR(Mutate(*stub, &S::DefineSurvey, r, "survey definition"));
  }
  RETURN_IF_ERROR(ParallelFor(
      static_cast<int64_t>(data_.surveys.size()), options_.concurrency,
      [&](int64_t i) -> absl::Status {
        const SurveySpec& s = data_.surveys[static_cast<size_t>(i)];
        fv1::SendSurveyRequest send;
        send.set_request_id(Rid(absl::StrCat(s.survey_request_id, "-send")));
        send.set_survey_request_id(s.survey_request_id);
        send.set_survey_id(survey_id);
        send.set_rep_id(data_.reps[static_cast<size_t>(s.rep)].rep_id);
        send.set_customer_id(data_.customers[static_cast<size_t>(s.customer)].customer_id);
        send.mutable_touchpoint()->set_kind(s.touchpoint_kind == TouchpointKind::kVisit
                                                ? fv1::TOUCHPOINT_KIND_VISIT
                                                : fv1::TOUCHPOINT_KIND_DEAL);
        send.mutable_touchpoint()->set_id(s.touchpoint_id);
        RETURN_IF_ERROR(
            Mutate(*stub, &S::SendSurvey, send, absl::StrCat("send ", s.survey_request_id)));
        if (!s.answered) return absl::OkStatus();
        fv1::RecordSurveyResponseRequest r;
        r.set_request_id(Rid(absl::StrCat(s.survey_request_id, "-response")));
        r.set_survey_request_id(s.survey_request_id);
        fv1::Answer* csat = r.add_answers();
        csat->set_question_id("csat");
        csat->set_score(s.csat);
        fv1::Answer* nps = r.add_answers();
        nps->set_question_id("nps");
        nps->set_score(s.nps);
        if (s.csat <= 2) {
          fv1::Answer* text = r.add_answers();
          text->set_question_id("comment");
          text->set_text("响应太慢，问题拖了很久才解决。");
        }
        return Mutate(*stub, &S::RecordSurveyResponse, r,
                      absl::StrCat("answer ", s.survey_request_id));
      }));
  int64_t answered = 0;
  for (const SurveySpec& s : data_.surveys) answered += s.answered ? 1 : 0;
  summary.counts.surveys_sent = static_cast<int64_t>(data_.surveys.size());
  summary.counts.survey_responses = answered;
  Progress(
      absl::StrCat(data_.surveys.size(), " satisfaction surveys sent, ", answered, " answered"));
  return absl::OkStatus();
}
#endif  // SALESPERF_LOADGEN_WITH_FEEDBACK

#if SALESPERF_LOADGEN_WITH_INCENTIVES
namespace iv1 = ::salesperf::incentives::v1;

absl::Status Seeder::Plan(DemoSummary& summary) {
  auto stub = iv1::IncentivesService::NewStub(endpoints_.channel("incentives"));
  iv1::PublishPlanRequest r;
  r.set_request_id(Rid("plan-publish"));
  r.set_note("年度销售提成方案");
  iv1::Plan* plan = r.mutable_plan();
  plan->set_plan_id(kPlanId);
  // Version 1 exactly: a second seeding must not publish a version 2.
  plan->set_version(1);
  plan->set_name("销售提成方案（阶梯式）");
  plan->set_effective_from(DayId(data_.org_start));
  plan->set_currency_code(kDemoCurrency);
  for (const RegionSpec& region : data_.regions) {
    iv1::PlanAssignee* a = plan->add_assignees();
    a->set_kind(iv1::ASSIGNEE_KIND_REGION);
    a->set_id(region.region_id);
  }
  // 2% up to half the target, 4% to the target, 6% beyond it: an accelerator.
  iv1::Tiered* tiered = plan->mutable_tiered();
  tiered->set_mode(iv1::TIER_MODE_MARGINAL);
  const std::pair<int64_t, int64_t> tiers[] = {{0, 20'000}, {5'000, 40'000}, {10'000, 60'000}};
  for (const auto& [from_bp, rate_ppm] : tiers) {
    iv1::Tier* tier = tiered->add_tiers();
    tier->set_from_bp(from_bp);
    tier->set_rate_ppm(rate_ppm);
  }
  plan->mutable_cap()->set_target_bp(20'000);
  iv1::RateOverride* services = plan->add_rate_overrides();
  services->set_id("services-rate");
  services->set_product_line("services");
  services->set_rate_ppm(30'000);
  iv1::TargetBonus* bonus = plan->add_bonuses();
  bonus->set_id("target-achieved");
  bonus->set_metric("revenue");
  bonus->set_threshold_bp(10'000);
  *bonus->mutable_amount() = Cny(5'000 * 100);
  plan->mutable_quality_gate()->set_min_csat_centi(350);
  iv1::PublishPlanResponse response;
  absl::Status s =
      Call(*stub, &iv1::IncentivesService::Stub::PublishPlan, r, &response, call_options_);
  // ABORTED: version 1 was published by an earlier seeding under another request.
  if (!s.ok() && s.code() != absl::StatusCode::kAlreadyExists &&
      s.code() != absl::StatusCode::kAborted) {
    return absl::Status(s.code(), absl::StrCat("commission plan: ", s.message()));
  }
  summary.plan_id = kPlanId;
  summary.counts.plans = 1;
  Progress(absl::StrCat("commission plan ", kPlanId, " (tiered 2%/4%/6%, cap 200% of target, ",
                        "bonus at 100%) for every region"));
  return absl::OkStatus();
}
#endif  // SALESPERF_LOADGEN_WITH_INCENTIVES

#if SALESPERF_LOADGEN_WITH_ANALYTICS
namespace anv1 = ::salesperf::analytics::v1;

// Waits until the analytics views count every call of the history (summed over its
// months), polling; false when settle_timeout passes first.
bool Seeder::Settle(const DemoSummary& summary) {
  if (options_.settle_timeout <= absl::ZeroDuration() || summary.counts.calls == 0) return true;
  auto stub = anv1::AnalyticsService::NewStub(endpoints_.channel("analytics"));
  std::vector<std::string> months;
  for (absl::CivilMonth m(data_.first_activity_day); m <= absl::CivilMonth(data_.options.today);
       ++m) {
    months.push_back(MonthId(m));
  }
  const absl::Time deadline = absl::Now() + options_.settle_timeout;
  CallOptions once = call_options_;
  once.attempts = 1;
  once.deadline = absl::Seconds(10);
  for (;;) {
    int64_t counted = 0;
    for (const std::string& month : months) {
      anv1::GetKpisRequest r;
      *r.mutable_scope() = Scope(cv1::SCOPE_KIND_COMPANY, "");
      r.mutable_period()->set_id(month);
      anv1::GetKpisResponse response;
      if (Call(*stub, &anv1::AnalyticsService::Stub::GetKpis, r, &response, once).ok()) {
        counted += response.kpis().calls();
      }
    }
    if (counted >= summary.counts.calls) {
      Progress("analytics read models are up to date");
      return true;
    }
    if (absl::Now() >= deadline) {
      Progress(absl::StrCat("analytics has counted ", counted, " of ", summary.counts.calls,
                            " calls so far; the rest follows shortly"));
      return false;
    }
    absl::SleepFor(absl::Milliseconds(250));
  }
}
#endif  // SALESPERF_LOADGEN_WITH_ANALYTICS

}  // namespace

GeneratorOptions ToGeneratorOptions(const DemoOptions& options) {
  Clock* clock = options.clock != nullptr ? options.clock : RealClock();
  GeneratorOptions g;
  g.seed = options.seed;
  g.regions = options.regions;
  g.teams = options.teams;
  g.reps = options.reps;
  g.customers = options.customers;
  g.history_days = options.history_days;
  g.today = absl::ToCivilDay(clock->Now(), DemoTimeZone());
  g.calls_per_rep_day = options.calls_per_rep_day;
  g.visits_per_rep_week = options.visits_per_rep_week;
  g.deals_per_rep_month = options.deals_per_rep_month;
  g.survey_percent = options.survey_percent;
  return g;
}

absl::StatusOr<DemoSummary> SeedDemo(const DemoOptions& options) {
  ASSIGN_OR_RETURN(const DemoData data, GenerateDemo(ToGeneratorOptions(options)));
  ASSIGN_OR_RETURN(Endpoints endpoints,
                   Endpoints::Connect(options.server, options.service_addresses));
  Seeder seeder(options, data, std::move(endpoints));

  DemoSummary summary;
  summary.company_name = data.company_name;
  const RegionSpec& region = data.regions.front();
  summary.region_id = region.region_id;
  summary.region_name = region.name;
  for (const TeamSpec& team : data.teams) {
    if (team.region != 0) continue;
    summary.team_id = team.team_id;
    summary.team_name = team.name;
    break;
  }
  for (const RepSpec& rep : data.reps) {
    if (data.teams[static_cast<size_t>(rep.team)].team_id != summary.team_id) continue;
    summary.rep_id = rep.rep_id;
    summary.rep_name = rep.display_name;
    break;
  }
  // The far check-ins are the clearest flag; otherwise any suspicious rep.
  for (Suspicion wanted : {Suspicion::kFarCheckIns, Suspicion::kShortCalls,
                           Suspicion::kFrequentReschedules, Suspicion::kWonThenCancelled}) {
    if (!summary.flagged_rep_id.empty()) break;
    for (const RepSpec& rep : data.reps) {
      if (rep.suspicion != wanted) continue;
      summary.flagged_rep_id = rep.rep_id;
      summary.flagged_pattern = SuspicionName(wanted);
      break;
    }
  }
  const absl::CivilMonth month(data.options.today);
  summary.today = DayId(data.options.today);
  summary.month_id = MonthId(month);
  summary.quarter_id = QuarterId(month);
  // The tour's rep: the one of that team who won the most this month, so that the
  // attainment and statement commands show real lines.
  std::map<int, int64_t> won_this_month;
  for (const DealSpec& deal : data.deals) {
    if (deal.end == DealEnd::kWon && !deal.cancelled_on.has_value() &&
        absl::CivilMonth(deal.closed_on) == month) {
      won_this_month[deal.rep] += deal.amount_minor;
    }
  }
  int64_t best = -1;
  for (size_t i = 0; i < data.reps.size(); ++i) {
    const RepSpec& rep = data.reps[i];
    if (data.teams[static_cast<size_t>(rep.team)].team_id != summary.team_id) continue;
    const int64_t won = won_this_month[static_cast<int>(i)];
    if (won > best) {
      best = won;
      summary.rep_id = rep.rep_id;
      summary.rep_name = rep.display_name;
    }
  }

  seeder.Progress(absl::StrCat("seeding the demo for ", summary.today, " (seed ", options.seed,
                               ") into ", options.server));
  RETURN_IF_ERROR(seeder.Organisation(summary));
  RETURN_IF_ERROR(seeder.Targets(summary));
  summary.seeded.push_back("targets");
#if SALESPERF_LOADGEN_WITH_ACTIVITY
  RETURN_IF_ERROR(seeder.Customers(summary));
  if (options.with_history) {
    RETURN_IF_ERROR(seeder.Calls(summary));
    RETURN_IF_ERROR(seeder.Visits(summary));
    RETURN_IF_ERROR(seeder.Deals(summary));
  }
  summary.seeded.push_back("activity");
#else
  summary.skipped.push_back("activity");
#endif
#if SALESPERF_LOADGEN_WITH_FEEDBACK
  if (options.with_history) {
    RETURN_IF_ERROR(seeder.Surveys(summary));
    summary.seeded.push_back("feedback");
  }
#else
  summary.skipped.push_back("feedback");
#endif
#if SALESPERF_LOADGEN_WITH_INCENTIVES
  if (options.with_history) {
    RETURN_IF_ERROR(seeder.Plan(summary));
    summary.seeded.push_back("incentives");
  }
#else
  summary.skipped.push_back("incentives");
#endif
#if SALESPERF_LOADGEN_WITH_ANALYTICS
  if (options.with_history) summary.settled = seeder.Settle(summary);
  summary.seeded.push_back("analytics");
#else
  summary.skipped.push_back("analytics");
#endif
  if (!summary.skipped.empty()) {
    seeder.Progress(
        absl::StrCat("not seeded (API not built in): ", absl::StrJoin(summary.skipped, ", ")));
  }
  return summary;
}

std::string WhereToLook(const DemoSummary& summary, const std::string& server, int metrics_port) {
  const std::string ctl =
      server == "127.0.0.1:50050" ? "salesperfctl" : absl::StrCat("salesperfctl --server ", server);
  std::ostringstream out;
  out << "\nsalesperf demo loaded: " << summary.company_name << ", " << summary.counts.regions
      << " regions, " << summary.counts.teams << " teams, " << summary.counts.reps << " reps, "
      << summary.counts.customers << " customers, " << summary.counts.calls << " calls, "
      << summary.counts.visits << " visits, " << summary.counts.deals << " deals\n";
  out << "  gRPC     " << server << "\n";
  if (metrics_port > 0) out << "  metrics  http://127.0.0.1:" << metrics_port << "/metrics\n";
  out << "\nTry:\n";
  std::vector<std::pair<std::string, std::string>> commands;
  commands.push_back({absl::StrCat(ctl, " targets org"), "the organisation tree"});
  commands.push_back(
      {absl::StrCat(ctl, " targets rollup --target ", summary.company_target_id, " --depth 2"),
       absl::StrCat("the ", summary.quarter_id, " revenue target by region and team")});
  auto seeded = [&](const char* service) {
    return std::find(summary.seeded.begin(), summary.seeded.end(), service) != summary.seeded.end();
  };
  if (seeded("analytics")) {
    commands.push_back(
        {absl::StrCat(ctl, " analytics leaderboard --metric revenue --period ", summary.quarter_id),
         "top reps by revenue this quarter"});
    commands.push_back({absl::StrCat(ctl, " analytics regional --period ", summary.month_id,
                                     " --metric revenue --metric calls --metric visits_done"),
                        "every region side by side this month"});
    commands.push_back({absl::StrCat(ctl, " analytics attainment --scope rep:", summary.rep_id,
                                     " --period ", summary.month_id),
                        absl::StrCat(summary.rep_id, "'s attainment this month")});
  }
  if (seeded("activity")) {
    commands.push_back({absl::StrCat(ctl, " activity risk list --rep ", summary.flagged_rep_id),
                        absl::StrCat("跑单 risk flags (", summary.flagged_pattern, ")")});
  }
  if (seeded("incentives")) {
    commands.push_back({absl::StrCat(ctl, " incentives get --rep ", summary.rep_id, " --period ",
                                     summary.month_id),
                        "a commission statement"});
  }
  if (seeded("feedback")) {
    commands.push_back({absl::StrCat(ctl, " feedback summary --scope region:", summary.region_id,
                                     " --period ", summary.month_id),
                        "customer satisfaction in a region"});
  }
  size_t width = 0;
  for (const auto& [command, what] : commands) width = std::max(width, command.size());
  for (const auto& [command, what] : commands) {
    out << "  " << command << std::string(width - command.size() + 3, ' ') << "# " << what << "\n";
  }
  // A blank line closes the block, so that a reader of the output knows the list is complete.
  out << "\n";
  return out.str();
}

}  // namespace salesperf::loadgen
