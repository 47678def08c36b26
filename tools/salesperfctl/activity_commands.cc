#include "tools/salesperfctl/activity_commands.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "libs/common/string_view_compat.h"
#include "salesperf/activity/v1/activity.grpc.pb.h"
#include "tools/salesperfctl/table.h"
#include "tools/salesperfctl/values.h"

namespace salesperf::ctl {
namespace {

namespace v1 = activity::v1;
using Stub = v1::ActivityService::Stub;
using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr int kImportBatch = 1000;

template <typename Req, typename Resp>
int Call(Ctl& ctl, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
         const Req& request, const std::type_identity_t<std::function<void(const Resp&)>>& print) {
  std::unique_ptr<Stub> stub = v1::ActivityService::NewStub(ctl.Channel());
  return ctl.Unary(*stub, method, request, print);
}

CLI::Option* AddRequestId(CLI::App* cmd, std::string& request_id) {
  return cmd->add_option("--request-id", request_id,
                         "idempotency key; the same key again returns the first result "
                         "(default: a new UUID, printed on stderr)");
}

// "VISIT_STATUS_CHECKED_IN" -> "checked_in".
std::string EnumName(const std::string& full, size_t prefix) {
  std::string s = full.size() > prefix ? full.substr(prefix) : full;
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string Stage(v1::DealStage s) { return EnumName(v1::DealStage_Name(s), 11); }
std::string VisitStatus(v1::VisitStatus s) { return EnumName(v1::VisitStatus_Name(s), 13); }
std::string Check(v1::LocationCheck c) { return EnumName(v1::LocationCheck_Name(c), 15); }
std::string CallOutcome(v1::CallOutcome o) { return EnumName(v1::CallOutcome_Name(o), 13); }

absl::StatusOr<google::protobuf::Timestamp> ParseTime(std::string_view text) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, ToAbsl(text), &t, &error)) {
    return absl::InvalidArgumentError("must be an RFC 3339 time such as 2026-11-23T10:00:00+08:00");
  }
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

template <typename Enum>
absl::StatusOr<Enum> ParseEnum(std::string_view value, const std::string& prefix,
                               bool (*parse)(const std::string&, Enum*)) {
  std::string name = prefix;
  for (char c : value)
    name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  Enum e;
  if (value.empty() || !parse(name, &e)) {
    return absl::InvalidArgumentError(absl::StrCat("unknown value '", ToAbsl(value), "'"));
  }
  return e;
}

std::string Distance(double meters) {
  if (meters < 0) return "-";
  return meters < 1000 ? absl::StrFormat("%.0f m", meters)
                       : absl::StrFormat("%.1f km", meters / 1000);
}

// --- Printing.

void PrintCustomer(Ctl& ctl, const v1::Customer& c) {
  PrintFields(ctl.out(), {{"customer", c.customer_id()},
                          {"name", OrDash(c.name())},
                          {"owner", c.owner_rep_id()},
                          {"region", c.region_id()},
                          {"location", c.has_location()
                                           ? absl::StrFormat("%.6f, %.6f", c.location().latitude(),
                                                             c.location().longitude())
                                           : "-"},
                          {"registered on", c.registered_on()},
                          {"version", absl::StrCat(c.version())}});
}

void PrintVisit(Ctl& ctl, const v1::Visit& v) {
  Fields fields = {
      {"visit", v.visit_id()},
      {"rep", v.rep_id()},
      {"customer", v.customer_id()},
      {"planned", absl::StrCat(FormatTimestamp(v.planned_at()), " (", v.planned_on(), ")")},
      {"status", VisitStatus(v.status())}};
  if (v.reschedule_count() > 0)
    fields.push_back({"rescheduled", absl::StrCat(v.reschedule_count())});
  if (v.has_checked_in_at()) {
    fields.push_back({"checked in", FormatTimestamp(v.checked_in_at())});
    fields.push_back(
        {"location", absl::StrCat(Check(v.location_check()), ", ", Distance(v.distance_meters()),
                                  " (threshold ", Distance(v.threshold_meters()), ")")});
  }
  if (v.has_checked_out_at()) {
    fields.push_back({"duration", absl::StrCat(v.duration_seconds() / 60, " min")});
  }
  if (v.status() == v1::VISIT_STATUS_COMPLETED) {
    fields.push_back({"outcome", EnumName(v1::VisitOutcome_Name(v.outcome()), 14)});
    if (v.without_check_in()) fields.push_back({"warning", "reported without a check-in"});
  }
  PrintFields(ctl.out(), fields);
}

void PrintDeal(Ctl& ctl, const v1::Deal& d) {
  Fields fields = {{"deal", d.deal_id()},
                   {"owner", d.rep_id()},
                   {"customer", OrDash(d.customer_id())},
                   {"title", OrDash(d.title())},
                   {"stage", Stage(d.stage())},
                   {"amount", FormatMoney(d.amount())},
                   {"expected close", OrDash(d.expected_close_date())}};
  if (!d.won_on().empty()) fields.push_back({"won on", d.won_on()});
  if (!d.lost_on().empty()) fields.push_back({"lost on", d.lost_on()});
  if (!d.cancelled_on().empty()) fields.push_back({"cancelled on", d.cancelled_on()});
  for (const v1::Order& o : d.orders()) {
    fields.push_back(
        {"order", absl::StrCat(o.order_id(), " ", FormatMoney(o.amount()), " ", o.booked_on())});
  }
  fields.push_back({"version", absl::StrCat(d.version())});
  PrintFields(ctl.out(), fields);
}

void PrintNextPage(Ctl& ctl, const common::v1::PageResponse& page) {
  if (!page.next_page_token().empty()) {
    ctl.err() << "more: --page-token " << page.next_page_token() << "\n";
  }
}

// --- CSV.

// Splits one CSV line (RFC 4180 quoting, no embedded newlines).
absl::StatusOr<std::vector<std::string>> SplitCsv(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cells.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cells.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else if (c != '\r') {
      cells.back().push_back(c);
    }
  }
  if (quoted) return absl::InvalidArgumentError("unterminated quote");
  return cells;
}

// --- Import with a progress bar.

class Progress {
 public:
  Progress(std::ostream& err, int64_t total)
      : err_(err),
        total_(total),
        tty_(isatty(STDERR_FILENO) == 1),
        start_(std::chrono::steady_clock::now()) {}
  void Update(int64_t done) {
    if (!tty_) return;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const int width = 30;
    const int filled = total_ == 0 ? width : static_cast<int>(width * done / total_);
    err_ << "\r[" << std::string(filled, '#') << std::string(width - filled, '.') << "] " << done
         << "/" << total_ << "  "
         << absl::StrFormat("%.0f records/s", seconds > 0 ? done / seconds : 0.0) << std::flush;
  }
  void Done() {
    if (tty_) err_ << "\n";
  }

 private:
  std::ostream& err_;
  const int64_t total_;
  const bool tty_;
  const std::chrono::steady_clock::time_point start_;
};

struct ImportOptions {
  std::string file;
  std::string rejects;
  std::string request_id;
};

int ImportCalls(Ctl& ctl, const ImportOptions& o) {
  std::ifstream in(o.file);
  if (!in) return ctl.UsageError(absl::StrCat("--file: cannot read ", o.file));
  absl::StatusOr<std::vector<CsvCall>> rows = ReadCallsCsv(in);
  if (!rows.ok()) return ctl.UsageError(absl::StrCat("--file: ", rows.status().message()));
  // Batch ids derive from one base id, so that re-running with --request-id retries the
  // same batches (the server answers them from their records).
  const std::string base = ctl.RequestId(o.request_id);
  std::vector<const CsvCall*> sent;
  std::vector<std::pair<int64_t, std::string>> rejected;  // line, reason
  for (const CsvCall& row : *rows) {
    if (row.error.empty()) {
      sent.push_back(&row);
    } else {
      rejected.push_back({row.line, row.error});
    }
  }
  std::unique_ptr<Stub> stub = v1::ActivityService::NewStub(ctl.Channel());
  grpc::ClientContext context;
  ctl.Prepare(context);
  v1::ImportCallsResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::ImportCallsRequest>> writer =
      stub->ImportCalls(&context, &response);
  Progress progress(ctl.err(), static_cast<int64_t>(sent.size()));
  for (size_t start = 0, batch = 0; start < sent.size(); start += kImportBatch, ++batch) {
    v1::ImportCallsRequest request;
    request.set_request_id(absl::StrCat(base, "-", batch));
    for (size_t i = start; i < std::min(sent.size(), start + kImportBatch); ++i) {
      *request.add_records() = sent[i]->record;
    }
    if (!writer->Write(request)) break;
    progress.Update(static_cast<int64_t>(std::min(sent.size(), start + kImportBatch)));
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  progress.Done();
  if (!status.ok()) return ctl.RpcError(status);
  for (const v1::ImportCallResult& r : response.results()) {
    if (r.status() != v1::IMPORT_STATUS_INVALID || r.index() >= static_cast<int64_t>(sent.size())) {
      continue;
    }
    std::string reason;
    for (const v1::RecordViolation& v : r.violations()) {
      absl::StrAppend(&reason, reason.empty() ? "" : "; ", v.field(), ": ", v.description());
    }
    rejected.push_back({sent[r.index()]->line, reason});
  }
  std::sort(rejected.begin(), rejected.end());
  if (!o.rejects.empty()) {
    std::ofstream out(o.rejects);
    out << "line,reason\n";
    for (const auto& [line, reason] : rejected) {
      std::string quoted = reason;
      for (size_t p = 0; (p = quoted.find('"', p)) != std::string::npos; p += 2) {
        quoted.insert(p, "\"");
      }
      out << line << ",\"" << quoted << "\"\n";
    }
    if (!out) return ctl.UsageError(absl::StrCat("--rejects: cannot write ", o.rejects));
  }
  if (ctl.format() == OutputFormat::kJson) return ctl.PrintJson(response);
  PrintFields(ctl.out(), {{"rows", absl::StrCat(rows->size())},
                          {"accepted", absl::StrCat(response.accepted())},
                          {"duplicates", absl::StrCat(response.duplicates())},
                          {"rejected", absl::StrCat(rejected.size())},
                          {"batches", absl::StrCat(response.batches())}});
  return kExitOk;
}

}  // namespace

absl::StatusOr<std::vector<CsvCall>> ReadCallsCsv(std::istream& in) {
  static const char* const kColumns[] = {
      "rep_id",           "customer_id", "lead_id", "direction",        "started_at",
      "duration_seconds", "outcome",     "notes",   "external_call_id", "phone_system"};
  std::string line;
  if (!std::getline(in, line)) return absl::InvalidArgumentError("empty file: no header");
  absl::StatusOr<std::vector<std::string>> header = SplitCsv(line);
  if (!header.ok()) return header.status();
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < header->size(); ++i) {
    bool known = false;
    for (const char* c : kColumns) known = known || (*header)[i] == c;
    if (!known) {
      return absl::InvalidArgumentError(absl::StrCat("unknown column '", (*header)[i], "'"));
    }
    column[(*header)[i]] = i;
  }
  for (const char* required : {"rep_id", "started_at", "outcome", "direction"}) {
    if (!column.contains(required)) {
      return absl::InvalidArgumentError(absl::StrCat("missing column '", required, "'"));
    }
  }
  std::vector<CsvCall> rows;
  int64_t number = 1;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line == "\r") continue;
    CsvCall row;
    row.line = number;
    absl::StatusOr<std::vector<std::string>> cells = SplitCsv(line);
    if (!cells.ok() || cells->size() != header->size()) {
      row.error = cells.ok() ? "wrong number of cells" : std::string(cells.status().message());
      rows.push_back(std::move(row));
      continue;
    }
    auto cell = [&](const char* name) -> std::string {
      auto it = column.find(name);
      return it == column.end() ? "" : (*cells)[it->second];
    };
    v1::CallRecord& r = row.record;
    r.set_rep_id(cell("rep_id"));
    r.set_customer_id(cell("customer_id"));
    r.set_lead_id(cell("lead_id"));
    r.set_notes(cell("notes"));
    r.set_external_call_id(cell("external_call_id"));
    r.set_phone_system(cell("phone_system"));
    auto fail = [&](const char* field, const absl::Status& s) {
      if (row.error.empty()) row.error = absl::StrCat(field, ": ", s.message());
    };
    if (absl::StatusOr<v1::CallDirection> d = ParseEnum<v1::CallDirection>(
            cell("direction"), "CALL_DIRECTION_", v1::CallDirection_Parse);
        d.ok()) {
      r.set_direction(*d);
    } else {
      fail("direction", d.status());
    }
    if (absl::StatusOr<v1::CallOutcome> o =
            ParseEnum<v1::CallOutcome>(cell("outcome"), "CALL_OUTCOME_", v1::CallOutcome_Parse);
        o.ok()) {
      r.set_outcome(*o);
    } else {
      fail("outcome", o.status());
    }
    if (absl::StatusOr<google::protobuf::Timestamp> t = ParseTime(cell("started_at")); t.ok()) {
      *r.mutable_started_at() = *t;
    } else {
      fail("started_at", t.status());
    }
    const std::string duration = cell("duration_seconds");
    int64_t seconds = 0;
    if (!duration.empty() && !absl::SimpleAtoi(duration, &seconds)) {
      fail("duration_seconds", absl::InvalidArgumentError("must be a whole number of seconds"));
    }
    r.set_duration_seconds(seconds);
    rows.push_back(std::move(row));
  }
  return rows;
}

void RegisterActivityCommands(Ctl& ctl) {
  CLI::App* group = ctl.app().add_subcommand("activity", "Customers, visits, calls and deals");
  group->require_subcommand(1);

  // --- customer
  CLI::App* customer = group->add_subcommand("customer", "Customers");
  customer->require_subcommand(1);
  {
    auto o = std::make_shared<v1::RegisterCustomerRequest>();
    auto lat = std::make_shared<std::optional<double>>();
    auto lon = std::make_shared<std::optional<double>>();
    CLI::App* cmd = customer->add_subcommand("register", "Register a customer");
    cmd->add_option("--customer", *o->mutable_customer_id(), "customer id (default: generated)");
    cmd->add_option("--name", *o->mutable_name(), "name")->required();
    cmd->add_option("--region", *o->mutable_region_id(), "region id")->required();
    cmd->add_option("--owner", *o->mutable_owner_rep_id(), "owner rep id")->required();
    cmd->add_option("--lat", *lat, "latitude of the registered location");
    cmd->add_option("--lon", *lon, "longitude of the registered location");
    cmd->add_option("--type", *o->mutable_customer_type(), "customer type");
    cmd->add_option("--external-id", *o->mutable_external_id(), "id in the source CRM");
    auto request_id = std::make_shared<std::string>();
    AddRequestId(cmd, *request_id);
    ctl.SetAction(cmd, [&ctl, o, lat, lon, request_id] {
      v1::RegisterCustomerRequest r = *o;
      if (lat->has_value() != lon->has_value())
        return ctl.UsageError("--lat and --lon go together");
      if (lat->has_value()) {
        r.mutable_location()->set_latitude(**lat);
        r.mutable_location()->set_longitude(**lon);
      }
      r.set_request_id(ctl.RequestId(*request_id));
      return Call(ctl, &Stub::RegisterCustomer, r, [&](const v1::RegisterCustomerResponse& resp) {
        PrintCustomer(ctl, resp.customer());
      });
    });
  }
  {
    auto id = std::make_shared<std::string>();
    CLI::App* cmd = customer->add_subcommand("get", "Show a customer");
    cmd->add_option("customer,--customer", *id, "customer id")->required();
    ctl.SetAction(cmd, [&ctl, id] {
      v1::GetCustomerRequest r;
      r.set_customer_id(*id);
      return Call(ctl, &Stub::GetCustomer, r, [&](const v1::GetCustomerResponse& resp) {
        PrintCustomer(ctl, resp.customer());
      });
    });
  }
  {
    auto o = std::make_shared<v1::ListCustomersRequest>();
    CLI::App* cmd = customer->add_subcommand("list", "List customers");
    cmd->add_option("--owner", *o->mutable_owner_rep_id(), "owner rep id");
    cmd->add_option("--region", *o->mutable_region_id(), "region id");
    auto size = std::make_shared<int>(50);
    cmd->add_option("--page-size", *size, "items per page");
    cmd->add_option("--page-token", *o->mutable_page()->mutable_page_token(), "next page");
    ctl.SetAction(cmd, [&ctl, o, size] {
      v1::ListCustomersRequest r = *o;
      r.mutable_page()->set_page_size(*size);
      return Call(ctl, &Stub::ListCustomers, r, [&](const v1::ListCustomersResponse& resp) {
        Table t({"CUSTOMER", "NAME", "OWNER", "REGION", "REGISTERED"});
        for (const v1::Customer& c : resp.customers()) {
          t.AddRow({c.customer_id(), c.name(), c.owner_rep_id(), c.region_id(), c.registered_on()});
        }
        t.Print(ctl.out());
        PrintNextPage(ctl, resp.page());
      });
    });
  }

  // --- visit
  CLI::App* visit = group->add_subcommand("visit", "Visit plans and visits (拜访)");
  visit->require_subcommand(1);
  {
    auto o = std::make_shared<v1::PlanVisitRequest>();
    auto at = std::make_shared<std::string>();
    auto request_id = std::make_shared<std::string>();
    CLI::App* cmd = visit->add_subcommand("plan", "Plan a visit");
    cmd->add_option("--visit", *o->mutable_visit_id(), "visit id (default: generated)");
    cmd->add_option("--rep", *o->mutable_rep_id(), "rep id")->required();
    cmd->add_option("--customer", *o->mutable_customer_id(), "customer id")->required();
    cmd->add_option("--at", *at, "planned time, RFC 3339")->required();
    cmd->add_option("--purpose", *o->mutable_purpose(), "purpose");
    AddRequestId(cmd, *request_id);
    ctl.SetAction(cmd, [&ctl, o, at, request_id] {
      v1::PlanVisitRequest r = *o;
      absl::StatusOr<google::protobuf::Timestamp> t = ParseTime(*at);
      if (!t.ok()) return ctl.UsageError(absl::StrCat("--at: ", t.status().message()));
      *r.mutable_planned_at() = *t;
      r.set_request_id(ctl.RequestId(*request_id));
      return Call(ctl, &Stub::PlanVisit, r,
                  [&](const v1::PlanVisitResponse& resp) { PrintVisit(ctl, resp.visit()); });
    });
  }
  {
    auto o = std::make_shared<v1::CheckInRequest>();
    auto lat = std::make_shared<std::optional<double>>();
    auto lon = std::make_shared<std::optional<double>>();
    auto accuracy = std::make_shared<double>(0);
    auto request_id = std::make_shared<std::string>();
    CLI::App* cmd = visit->add_subcommand("check-in", "Check in at the customer");
    cmd->add_option("visit,--visit", *o->mutable_visit_id(), "visit id")->required();
    cmd->add_option("--lat", *lat, "latitude");
    cmd->add_option("--lon", *lon, "longitude");
    cmd->add_option("--accuracy", *accuracy, "accuracy radius in metres");
    AddRequestId(cmd, *request_id);
    ctl.SetAction(cmd, [&ctl, o, lat, lon, accuracy, request_id] {
      v1::CheckInRequest r = *o;
      if (lat->has_value() != lon->has_value())
        return ctl.UsageError("--lat and --lon go together");
      if (lat->has_value()) {
        r.mutable_position()->set_latitude(**lat);
        r.mutable_position()->set_longitude(**lon);
        r.mutable_position()->set_accuracy_meters(*accuracy);
      }
      r.set_request_id(ctl.RequestId(*request_id));
      return Call(ctl, &Stub::CheckIn, r,
                  [&](const v1::CheckInResponse& resp) { PrintVisit(ctl, resp.visit()); });
    });
  }
  {
    auto o = std::make_shared<v1::CheckOutRequest>();
    auto request_id = std::make_shared<std::string>();
    CLI::App* cmd = visit->add_subcommand("check-out", "Check out");
    cmd->add_option("visit,--visit", *o->mutable_visit_id(), "visit id")->required();
    AddRequestId(cmd, *request_id);
    ctl.SetAction(cmd, [&ctl, o, request_id] {
      v1::CheckOutRequest r = *o;
      r.set_request_id(ctl.RequestId(*request_id));
      return Call(ctl, &Stub::CheckOut, r,
                  [&](const v1::CheckOutResponse& resp) { PrintVisit(ctl, resp.visit()); });
    });
  }
  {
    auto o = std::make_shared<v1::RecordVisitOutcomeRequest>();
    auto outcome = std::make_shared<std::string>();
    auto request_id = std::make_shared<std::string>();
    CLI::App* cmd = visit->add_subcommand("outcome", "Record how the visit went");
    cmd->add_option("visit,--visit", *o->mutable_visit_id(), "visit id")->required();
    ctl.Choices(cmd->add_option("--outcome", *outcome, "outcome")->required(),
                {"completed", "follow_up_needed", "order_taken", "customer_absent"});
    cmd->add_option("--notes", *o->mutable_notes(), "notes");
    AddRequestId(cmd, *request_id);
    ctl.SetAction(cmd, [&ctl, o, outcome, request_id] {
      v1::RecordVisitOutcomeRequest r = *o;
      absl::StatusOr<v1::VisitOutcome> parsed =
          ParseEnum<v1::VisitOutcome>(*outcome, "VISIT_OUTCOME_", v1::VisitOutcome_Parse);
      if (!parsed.ok())
        return ctl.UsageError(absl::StrCat("--outcome: ", parsed.status().message()));
      r.set_outcome(*parsed);
      r.set_request_id(ctl.RequestId(*request_id));
      return Call(
          ctl, &Stub::RecordVisitOutcome, r,
          [&](const v1::RecordVisitOutcomeResponse& resp) { PrintVisit(ctl, resp.visit()); });
    });
  }
  {
    auto o = std::make_shared<v1::ListVisitsRequest>();
    auto size = std::make_shared<int>(50);
    CLI::App* cmd = visit->add_subcommand("list", "List visits");
    cmd->add_option("--rep", *o->mutable_rep_id(), "rep id");
    cmd->add_option("--team", *o->mutable_team_id(), "team id (on the visit's day)");
    cmd->add_option("--region", *o->mutable_region_id(), "region id (on the visit's day)");
    cmd->add_option("--customer", *o->mutable_customer_id(), "customer id");
    cmd->add_option("--from", *o->mutable_from_day(), "first planned day YYYY-MM-DD");
    cmd->add_option("--to", *o->mutable_to_day(), "last planned day YYYY-MM-DD");
    cmd->add_option("--page-size", *size, "items per page");
    cmd->add_option("--page-token", *o->mutable_page()->mutable_page_token(), "next page");
    ctl.SetAction(cmd, [&ctl, o, size] {
      v1::ListVisitsRequest r = *o;
      r.mutable_page()->set_page_size(*size);
      return Call(ctl, &Stub::ListVisits, r, [&](const v1::ListVisitsResponse& resp) {
        Table t({"VISIT", "DAY", "REP", "CUSTOMER", "STATUS", "LOCATION", "DISTANCE"}, {6});
        for (const v1::Visit& v : resp.visits()) {
          t.AddRow({v.visit_id(), v.planned_on(), v.rep_id(), v.customer_id(),
                    VisitStatus(v.status()),
                    v.has_checked_in_at() ? Check(v.location_check()) : "-",
                    Distance(v.distance_meters())});
        }
        t.Print(ctl.out());
        PrintNextPage(ctl, resp.page());
      });
    });
  }

  // --- calls
  {
    auto o = std::make_shared<v1::ListCallsRequest>();
    auto size = std::make_shared<int>(50);
    CLI::App* cmd = group->add_subcommand("calls", "List calls (电销)");
    cmd->add_option("--rep", *o->mutable_rep_id(), "rep id");
    cmd->add_option("--team", *o->mutable_team_id(), "team id (on the call's day)");
    cmd->add_option("--region", *o->mutable_region_id(), "region id (on the call's day)");
    cmd->add_option("--customer", *o->mutable_customer_id(), "customer id");
    cmd->add_option("--from", *o->mutable_from_day(), "first day YYYY-MM-DD");
    cmd->add_option("--to", *o->mutable_to_day(), "last day YYYY-MM-DD");
    cmd->add_option("--page-size", *size, "items per page");
    cmd->add_option("--page-token", *o->mutable_page()->mutable_page_token(), "next page");
    ctl.SetAction(cmd, [&ctl, o, size] {
      v1::ListCallsRequest r = *o;
      r.mutable_page()->set_page_size(*size);
      return Call(ctl, &Stub::ListCalls, r, [&](const v1::ListCallsResponse& resp) {
        Table t({"CALL", "DAY", "REP", "CUSTOMER", "OUTCOME", "SECONDS"}, {5});
        for (const v1::Call& c : resp.calls()) {
          t.AddRow({c.call_id(), c.started_on(), c.rep_id(), OrDash(c.customer_id()),
                    CallOutcome(c.outcome()), absl::StrCat(c.duration_seconds())});
        }
        t.Print(ctl.out());
        PrintNextPage(ctl, resp.page());
      });
    });
  }
  {
    auto o = std::make_shared<ImportOptions>();
    CLI::App* cmd = group->add_subcommand("import-calls",
                                          "Import call records from a phone system's CSV export");
    cmd->add_option("--file", o->file, "CSV with a header row (see README)")->required();
    cmd->add_option("--rejects", o->rejects, "write rejected rows (line, reason) to this CSV");
    cmd->add_option("--request-id", o->request_id,
                    "base idempotency key of the batches; re-run with the same key to retry");
    ctl.SetAction(cmd, [&ctl, o] { return ImportCalls(ctl, *o); });
  }

  // --- deal
  CLI::App* deal = group->add_subcommand("deal", "Deals and orders");
  deal->require_subcommand(1);
  {
    auto o = std::make_shared<v1::OpenDealRequest>();
    auto amount = std::make_shared<std::string>();
    auto currency = std::make_shared<std::string>("CNY");
    auto request_id = std::make_shared<std::string>();
    CLI::App* cmd = deal->add_subcommand("open", "Open a deal");
    cmd->add_option("--deal", *o->mutable_deal_id(), "deal id (default: generated)");
    cmd->add_option("--rep", *o->mutable_rep_id(), "owner rep id")->required();
    cmd->add_option("--customer", *o->mutable_customer_id(), "customer id")->required();
    cmd->add_option("--title", *o->mutable_title(), "title")->required();
    cmd->add_option("--amount", *amount, "amount in major units, e.g. 12000.50")->required();
    cmd->add_option("--currency", *currency, "ISO 4217 code");
    cmd->add_option("--expected-close", *o->mutable_expected_close_date(), "YYYY-MM-DD");
    AddRequestId(cmd, *request_id);
    ctl.SetAction(cmd, [&ctl, o, amount, currency, request_id] {
      v1::OpenDealRequest r = *o;
      absl::StatusOr<int64_t> minor = ParseScaled(*amount, 2);
      if (!minor.ok()) return ctl.UsageError(absl::StrCat("--amount: ", minor.status().message()));
      r.mutable_amount()->set_currency_code(*currency);
      r.mutable_amount()->set_minor_units(*minor);
      r.set_request_id(ctl.RequestId(*request_id));
      return Call(ctl, &Stub::OpenDeal, r,
                  [&](const v1::OpenDealResponse& resp) { PrintDeal(ctl, resp.deal()); });
    });
  }
  {
    auto o = std::make_shared<v1::ChangeDealStageRequest>();
    auto stage = std::make_shared<std::string>();
    auto request_id = std::make_shared<std::string>();
    CLI::App* cmd =
        deal->add_subcommand("stage", "Move a deal among qualified, proposal, negotiation");
    cmd->add_option("deal,--deal", *o->mutable_deal_id(), "deal id")->required();
    ctl.Choices(cmd->add_option("--to", *stage, "stage")->required(),
                {"qualified", "proposal", "negotiation"});
    AddRequestId(cmd, *request_id);
    ctl.SetAction(cmd, [&ctl, o, stage, request_id] {
      v1::ChangeDealStageRequest r = *o;
      absl::StatusOr<v1::DealStage> s =
          ParseEnum<v1::DealStage>(*stage, "DEAL_STAGE_", v1::DealStage_Parse);
      if (!s.ok()) return ctl.UsageError(absl::StrCat("--to: ", s.status().message()));
      r.set_to_stage(*s);
      r.set_request_id(ctl.RequestId(*request_id));
      return Call(ctl, &Stub::ChangeDealStage, r,
                  [&](const v1::ChangeDealStageResponse& resp) { PrintDeal(ctl, resp.deal()); });
    });
  }
  {
    auto o = std::make_shared<v1::WinDealRequest>();
    auto amount = std::make_shared<std::string>();
    auto currency = std::make_shared<std::string>("CNY");
    auto request_id = std::make_shared<std::string>();
    CLI::App* cmd = deal->add_subcommand("win", "Win a deal with its final amount");
    cmd->add_option("deal,--deal", *o->mutable_deal_id(), "deal id")->required();
    cmd->add_option("--amount", *amount, "final amount in major units")->required();
    cmd->add_option("--currency", *currency, "ISO 4217 code");
    cmd->add_option("--won-on", *o->mutable_won_on(), "YYYY-MM-DD (default: today)");
    AddRequestId(cmd, *request_id);
    ctl.SetAction(cmd, [&ctl, o, amount, currency, request_id] {
      v1::WinDealRequest r = *o;
      absl::StatusOr<int64_t> minor = ParseScaled(*amount, 2);
      if (!minor.ok()) return ctl.UsageError(absl::StrCat("--amount: ", minor.status().message()));
      r.mutable_amount()->set_currency_code(*currency);
      r.mutable_amount()->set_minor_units(*minor);
      r.set_request_id(ctl.RequestId(*request_id));
      return Call(ctl, &Stub::WinDeal, r,
                  [&](const v1::WinDealResponse& resp) { PrintDeal(ctl, resp.deal()); });
    });
  }
  {
    auto o = std::make_shared<v1::LoseDealRequest>();
    auto request_id = std::make_shared<std::string>();
    CLI::App* cmd = deal->add_subcommand("lose", "Lose a deal");
    cmd->add_option("deal,--deal", *o->mutable_deal_id(), "deal id")->required();
    cmd->add_option("--reason", *o->mutable_reason(), "why")->required();
    AddRequestId(cmd, *request_id);
    ctl.SetAction(cmd, [&ctl, o, request_id] {
      v1::LoseDealRequest r = *o;
      r.set_request_id(ctl.RequestId(*request_id));
      return Call(ctl, &Stub::LoseDeal, r,
                  [&](const v1::LoseDealResponse& resp) { PrintDeal(ctl, resp.deal()); });
    });
  }
  {
    auto o = std::make_shared<v1::CancelDealRequest>();
    auto request_id = std::make_shared<std::string>();
    CLI::App* cmd = deal->add_subcommand("cancel", "Cancel a won deal (a clawback)");
    cmd->add_option("deal,--deal", *o->mutable_deal_id(), "deal id")->required();
    cmd->add_option("--reason", *o->mutable_reason(), "why")->required();
    AddRequestId(cmd, *request_id);
    ctl.SetAction(cmd, [&ctl, o, request_id] {
      v1::CancelDealRequest r = *o;
      r.set_request_id(ctl.RequestId(*request_id));
      return Call(ctl, &Stub::CancelDeal, r,
                  [&](const v1::CancelDealResponse& resp) { PrintDeal(ctl, resp.deal()); });
    });
  }
  {
    auto id = std::make_shared<std::string>();
    CLI::App* cmd = deal->add_subcommand("get", "Show a deal");
    cmd->add_option("deal,--deal", *id, "deal id")->required();
    ctl.SetAction(cmd, [&ctl, id] {
      v1::GetDealRequest r;
      r.set_deal_id(*id);
      return Call(ctl, &Stub::GetDeal, r,
                  [&](const v1::GetDealResponse& resp) { PrintDeal(ctl, resp.deal()); });
    });
  }
  {
    auto o = std::make_shared<v1::ListDealsRequest>();
    auto stage = std::make_shared<std::string>();
    auto size = std::make_shared<int>(50);
    CLI::App* cmd = deal->add_subcommand("list", "List deals");
    cmd->add_option("--rep", *o->mutable_rep_id(), "owner rep id");
    ctl.Choices(cmd->add_option("--stage", *stage, "stage"),
                {"qualified", "proposal", "negotiation", "won", "lost", "cancelled"});
    cmd->add_option("--customer", *o->mutable_customer_id(), "customer id");
    cmd->add_option("--page-size", *size, "items per page");
    cmd->add_option("--page-token", *o->mutable_page()->mutable_page_token(), "next page");
    ctl.SetAction(cmd, [&ctl, o, stage, size] {
      v1::ListDealsRequest r = *o;
      if (!stage->empty()) {
        absl::StatusOr<v1::DealStage> s =
            ParseEnum<v1::DealStage>(*stage, "DEAL_STAGE_", v1::DealStage_Parse);
        if (!s.ok()) return ctl.UsageError(absl::StrCat("--stage: ", s.status().message()));
        r.set_stage(*s);
      }
      r.mutable_page()->set_page_size(*size);
      return Call(ctl, &Stub::ListDeals, r, [&](const v1::ListDealsResponse& resp) {
        Table t({"DEAL", "OWNER", "CUSTOMER", "STAGE", "AMOUNT", "CLOSE"}, {4});
        for (const v1::Deal& d : resp.deals()) {
          t.AddRow({d.deal_id(), d.rep_id(), OrDash(d.customer_id()), Stage(d.stage()),
                    FormatMoney(d.amount()), OrDash(d.expected_close_date())});
        }
        t.Print(ctl.out());
        PrintNextPage(ctl, resp.page());
      });
    });
  }

  // --- risk
  {
    auto o = std::make_shared<v1::ListRiskFlagsRequest>();
    auto size = std::make_shared<int>(50);
    CLI::App* cmd = group->add_subcommand("risk-flags", "List 跑单 risk flags");
    cmd->add_option("--rep", *o->mutable_rep_id(), "rep id");
    cmd->add_option("--team", *o->mutable_team_id(), "team id");
    cmd->add_option("--region", *o->mutable_region_id(), "region id");
    auto cleared = std::make_shared<bool>(false);
    cmd->add_flag("--include-cleared", *cleared, "also cleared flags");
    cmd->add_option("--page-size", *size, "items per page");
    cmd->add_option("--page-token", *o->mutable_page()->mutable_page_token(), "next page");
    ctl.SetAction(cmd, [&ctl, o, size, cleared] {
      v1::ListRiskFlagsRequest r = *o;
      r.set_include_cleared(*cleared);
      r.mutable_page()->set_page_size(*size);
      return Call(ctl, &Stub::ListRiskFlags, r, [&](const v1::ListRiskFlagsResponse& resp) {
        Table t({"FLAG", "REP", "RULE", "OBSERVED", "THRESHOLD", "SUMMARY"}, {3, 4});
        for (const v1::RiskFlag& f : resp.flags()) {
          t.AddRow({f.flag_id(), f.rep_id(), EnumName(v1::RiskRule_Name(f.rule()), 10),
                    absl::StrFormat("%g", f.observed()), absl::StrFormat("%g", f.threshold()),
                    f.summary()});
        }
        t.Print(ctl.out());
        PrintNextPage(ctl, resp.page());
      });
    });
  }
}

}  // namespace salesperf::ctl
