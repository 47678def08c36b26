#include "tools/salesperfctl/activity_commands.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "libs/common/string_view_compat.h"
#include "libs/server/auth.h"
#include "salesperf/activity/v1/activity.grpc.pb.h"
#include "tools/salesperfctl/table.h"
#include "tools/salesperfctl/values.h"

namespace salesperf::ctl {
namespace {

namespace v1 = activity::v1;
using Stub = v1::ActivityService::Stub;
using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr int kImportBatch = 1000;

std::string Distance(double meters) {
  if (meters <= 0) return "-";
  return meters < 1000 ? absl::StrFormat("%.0f m", meters)
                       : absl::StrFormat("%.1f km", meters / 1000);
}

// 125 -> "2 min 05 s".
std::string Minutes(int64_t seconds) {
  return absl::StrFormat("%d min %02d s", seconds / 60, seconds % 60);
}

std::string Position(const v1::GeoPoint& p) {
  return absl::StrFormat("%.6f, %.6f", p.latitude(), p.longitude());
}

// A rule's measurement: a count, metres or a share.
std::string Measure(double value) { return absl::StrFormat("%g", value); }

// --- Printing.

void PrintCustomer(Ctl& ctl, const v1::Customer& c) {
  PrintFields(ctl.out(), {{"customer", c.customer_id()},
                          {"name", OrDash(c.name())},
                          {"owner", c.owner_rep_id()},
                          {"region", c.region_id()},
                          {"type", OrDash(c.customer_type())},
                          {"location", c.has_location() ? Position(c.location()) : "-"},
                          {"registered on", c.registered_on()},
                          {"external id", OrDash(c.external_id())},
                          {"version", absl::StrCat(c.version())}});
}

void PrintVisit(Ctl& ctl, const v1::Visit& v) {
  Fields fields = {
      {"visit", v.visit_id()},
      {"rep", v.rep_id()},
      {"customer", v.customer_id()},
      {"planned", absl::StrCat(FormatTimestamp(v.planned_at()), " (", v.planned_on(), ")")},
      {"purpose", OrDash(v.purpose())},
      {"status", EnumLabel(v.status())}};
  if (v.reschedule_count() > 0) {
    fields.push_back({"rescheduled", absl::StrCat(v.reschedule_count(), " times")});
  }
  if (!v.cancel_reason().empty()) fields.push_back({"cancel reason", v.cancel_reason()});
  if (v.has_checked_in_at()) {
    fields.push_back({"checked in", FormatTimestamp(v.checked_in_at())});
    fields.push_back({"location", absl::StrCat(EnumLabel(v.location_check()), ", ",
                                               Distance(v.distance_meters()), " (threshold ",
                                               Distance(v.threshold_meters()), ")")});
  }
  if (v.has_checked_out_at()) {
    fields.push_back({"checked out", FormatTimestamp(v.checked_out_at())});
    fields.push_back({"duration", Minutes(v.duration_seconds())});
  }
  if (v.status() == v1::VISIT_STATUS_COMPLETED) {
    fields.push_back({"outcome", EnumLabel(v.outcome())});
    if (v.without_check_in()) fields.push_back({"warning", "reported without a check-in"});
  }
  fields.push_back({"version", absl::StrCat(v.version())});
  PrintFields(ctl.out(), fields);
}

void PrintCall(Ctl& ctl, const v1::Call& c) {
  PrintFields(
      ctl.out(),
      {{"call", c.call_id()},
       {"rep", c.rep_id()},
       {"customer", OrDash(c.customer_id())},
       {"lead", OrDash(c.lead_id())},
       {"direction", EnumLabel(c.direction())},
       {"started", absl::StrCat(FormatTimestamp(c.started_at()), " (", c.started_on(), ")")},
       {"duration", Minutes(c.duration_seconds())},
       {"outcome", EnumLabel(c.outcome())},
       {"source",
        c.phone_system().empty() ? "-" : absl::StrCat(c.phone_system(), " ", c.external_call_id())},
       {"version", absl::StrCat(c.version())}});
}

void PrintLead(Ctl& ctl, const v1::Lead& l) {
  Fields fields = {{"lead", l.lead_id()},
                   {"rep", l.rep_id()},
                   {"customer", OrDash(l.customer_id())},
                   {"title", OrDash(l.title())},
                   {"source", OrDash(l.source())},
                   {"status", EnumLabel(l.status())},
                   {"created", FormatTimestamp(l.created_at())}};
  if (!l.disqualify_reason().empty()) fields.push_back({"disqualified", l.disqualify_reason()});
  if (!l.deal_id().empty()) fields.push_back({"deal", l.deal_id()});
  fields.push_back({"version", absl::StrCat(l.version())});
  PrintFields(ctl.out(), fields);
}

std::string Splits(const v1::Deal& d) {
  std::vector<std::string> parts;
  for (const v1::CreditSplit& s : d.credit_splits()) {
    parts.push_back(absl::StrCat(s.rep_id(), " ", FormatBasisPoints(s.share_bp())));
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, ", ");
}

void PrintDeal(Ctl& ctl, const v1::Deal& d) {
  Fields fields = {{"deal", d.deal_id()},
                   {"owner", d.rep_id()},
                   {"customer", OrDash(d.customer_id())},
                   {"lead", OrDash(d.lead_id())},
                   {"title", OrDash(d.title())},
                   {"stage", EnumLabel(d.stage())},
                   {"amount", FormatMoney(d.amount())},
                   {"expected close", OrDash(d.expected_close_date())},
                   {"product line", OrDash(d.product_line())},
                   {"credit splits", Splits(d)}};
  if (!d.won_on().empty()) fields.push_back({"won on", d.won_on()});
  if (!d.lost_on().empty()) {
    fields.push_back({"lost on", absl::StrCat(d.lost_on(), " from ", EnumLabel(d.lost_from_stage()),
                                              ": ", d.lost_reason())});
  }
  if (!d.cancelled_on().empty()) {
    fields.push_back({"cancelled on", absl::StrCat(d.cancelled_on(), ": ", d.cancel_reason())});
  }
  for (const v1::Order& o : d.orders()) {
    fields.push_back(
        {"order", absl::StrCat(o.order_id(), "  ", FormatMoney(o.amount()), "  ", o.booked_on())});
  }
  fields.push_back({"version", absl::StrCat(d.version())});
  PrintFields(ctl.out(), fields);
}

void PrintRiskFlag(Ctl& ctl, const v1::RiskFlag& f) {
  Fields fields = {{"flag", f.flag_id()},
                   {"rep", f.rep_id()},
                   {"team", OrDash(f.team_id())},
                   {"region", OrDash(f.region_id())},
                   {"customer", OrDash(f.customer_id())},
                   {"rule", EnumLabel(f.rule())},
                   {"status", EnumLabel(f.status())},
                   {"observed", absl::StrCat(Measure(f.observed()), " (threshold ",
                                             Measure(f.threshold()), ")")},
                   {"window", absl::StrCat(FormatTimestamp(f.window_start()), " .. ",
                                           FormatTimestamp(f.window_end()))},
                   {"raised", FormatTimestamp(f.raised_at())},
                   {"summary", OrDash(f.summary())},
                   {"evidence", absl::StrCat(f.evidence_size(), " items")}};
  if (f.has_cleared_at()) {
    fields.push_back({"cleared", absl::StrCat(FormatTimestamp(f.cleared_at()), " by ",
                                              OrDash(f.cleared_by()), ": ", f.cleared_reason())});
  }
  PrintFields(ctl.out(), fields);
}

// --- Flags shared by several commands. The Set* functions return a usage-error message,
// "" when fine, for Ctl::SetRequestAction.

// --lat/--lon (and --accuracy): both or neither.
struct PositionOptions {
  std::optional<double> lat, lon;
  double accuracy = 0;
};
void AddPositionOptions(CLI::App* cmd, PositionOptions& p, bool with_accuracy) {
  cmd->add_option("--lat", p.lat, "latitude (WGS 84)");
  cmd->add_option("--lon", p.lon, "longitude (WGS 84)");
  if (with_accuracy) cmd->add_option("--accuracy", p.accuracy, "accuracy radius in metres");
}
std::string SetPosition(const PositionOptions& p, v1::GeoPoint* point) {
  if (p.lat.has_value() != p.lon.has_value()) return "--lat and --lon go together";
  if (!p.lat.has_value()) return "";
  point->set_latitude(*p.lat);
  point->set_longitude(*p.lon);
  point->set_accuracy_meters(p.accuracy);
  return "";
}

// An RFC 3339 `flag` into `*ts`; an empty one (an optional flag) is left unset.
std::string SetTime(std::string_view flag, const std::string& text,
                    google::protobuf::Timestamp* ts) {
  if (text.empty()) return "";
  absl::StatusOr<google::protobuf::Timestamp> parsed = ParseTimestamp(text);
  if (!parsed.ok()) return absl::StrCat(ToAbsl(flag), ": ", parsed.status().message());
  *ts = *parsed;
  return "";
}

// A YYYY-MM-DD `flag`; empty is fine (the server's default, usually today).
std::string CheckDate(std::string_view flag, const std::string& date) {
  if (date.empty()) return "";
  absl::Status valid = ValidateDate(date);
  return valid.ok() ? "" : absl::StrCat(ToAbsl(flag), ": ", valid.message());
}

// --split REP=SHARE (repeatable): credit splits, the share a percentage.
std::string SetSplits(const std::vector<std::string>& texts,
                      google::protobuf::RepeatedPtrField<v1::CreditSplit>* splits) {
  for (const std::string& text : texts) {
    const size_t eq = text.find('=');
    absl::StatusOr<int64_t> bp = eq == std::string::npos || eq == 0
                                     ? absl::InvalidArgumentError("no REP=")
                                     : ParseScaled(text.substr(eq + 1), 2);
    if (!bp.ok()) return absl::StrCat("--split: \"", text, "\" is not REP=SHARE, e.g. bob=25%");
    v1::CreditSplit* split = splits->Add();
    split->set_rep_id(text.substr(0, eq));
    split->set_share_bp(static_cast<int32_t>(*bp));
  }
  return "";
}

// A `flag` taking one of enum E's labels, checked before any RPC and completed.
template <typename E>
CLI::Option* AddEnumOption(Ctl& ctl, CLI::App* cmd, const std::string& flag, std::string& storage,
                           const std::string& help) {
  return ctl.Choices(cmd->add_option(flag, storage, help), EnumLabels<E>());
}

// --- CSV.

// Where a CSV scan stands: inside a quoted cell or not, and at the start of a cell (the
// only place where a quote opens a quoted cell; elsewhere, as in `12" screen`, a quote is
// an ordinary character).
struct CsvState {
  bool quoted = false;
  bool cell_start = true;
};

// Scans `text` on from `state` (RFC 4180: "" is a quote inside a quoted cell), appending
// the cells' contents to `cells` when it is given.
void ScanCsv(std::string_view text, CsvState& state, std::vector<std::string>* cells) {
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (state.quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        if (cells != nullptr) cells->back().push_back('"');
        ++i;
      } else if (c == '"') {
        state.quoted = false;
      } else if (cells != nullptr) {
        cells->back().push_back(c);
      }
    } else if (c == ',') {
      if (cells != nullptr) cells->emplace_back();
      state.cell_start = true;
      continue;
    } else if (c == '"' && state.cell_start) {
      state.quoted = true;
    } else if (c != '\r' && cells != nullptr) {
      cells->back().push_back(c);
    }
    state.cell_start = false;
  }
}

// Splits one CSV record (a quoted cell may hold line breaks).
absl::StatusOr<std::vector<std::string>> SplitCsv(const std::string& record) {
  std::vector<std::string> cells(1);
  CsvState state;
  ScanCsv(record, state, &cells);
  if (state.quoted) return absl::InvalidArgumentError("unterminated quote");
  return cells;
}

// Most lines one record may span: a quote left open by mistake then costs its own line
// only, not the rest of the file.
constexpr size_t kMaxRecordLines = 100;

// The record that starts at lines[first] into `record`: that line, or more while a quoted
// cell spans line breaks (kept as "\n"). A quote still open after kMaxRecordLines lines
// (or at the end) leaves the first line alone, for SplitCsv to reject. Returns the number
// of lines the record takes.
size_t NextCsvRecord(const std::vector<std::string>& lines, size_t first, std::string& record) {
  auto without_cr = [](std::string_view line) {
    return line.ends_with('\r') ? line.substr(0, line.size() - 1) : line;
  };
  CsvState state;
  record = lines[first];
  ScanCsv(record, state, nullptr);
  size_t n = 1;
  while (state.quoted && first + n < lines.size() && n < kMaxRecordLines) {
    record.resize(without_cr(record).size());
    absl::StrAppend(&record, "\n", lines[first + n]);
    ScanCsv("\n", state, nullptr);
    ScanCsv(lines[first + n], state, nullptr);
    ++n;
  }
  if (state.quoted) {
    record = lines[first];
    return 1;
  }
  return n;
}

// The default base request id of an import: derived from the file's bytes, so that
// running the same file again retries it (its batches are answered from their records)
// instead of importing rows without an external id a second time.
std::string ImportRequestId(std::string_view file_bytes) {
  return absl::StrCat("csv-", server::Sha256Hex(file_bytes).substr(0, 32));
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
  std::ifstream file(o.file, std::ios::binary);
  if (!file) return ctl.UsageError(absl::StrCat("--file: cannot read ", o.file));
  std::string bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  if (file.bad()) return ctl.UsageError(absl::StrCat("--file: cannot read ", o.file));
  // Batch ids derive from one base id, so that re-running with the same base retries the
  // same batches (the server answers them from their records).
  const std::string base = o.request_id.empty() ? ImportRequestId(bytes) : o.request_id;
  std::istringstream in(std::move(bytes));
  absl::StatusOr<std::vector<CsvCall>> rows = ReadCallsCsv(in);
  if (!rows.ok()) return ctl.UsageError(absl::StrCat("--file: ", rows.status().message()));
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
  Fields summary = {{"rows", absl::StrCat(rows->size())},
                    {"accepted", absl::StrCat(response.accepted())},
                    {"duplicates", absl::StrCat(response.duplicates())},
                    {"rejected", absl::StrCat(rejected.size())},
                    {"batches", absl::StrCat(response.batches())}};
  if (!o.rejects.empty()) summary.push_back({"rejects file", o.rejects});
  PrintFields(ctl.out(), summary);
  return kExitOk;
}

}  // namespace

absl::StatusOr<std::vector<CsvCall>> ReadCallsCsv(std::istream& in) {
  static const char* const kColumns[] = {
      "rep_id",           "customer_id", "lead_id", "direction",        "started_at",
      "duration_seconds", "outcome",     "notes",   "external_call_id", "phone_system",
      "call_id"};
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(std::move(line));
  if (lines.empty()) return absl::InvalidArgumentError("empty file: no header");
  // Spreadsheet exports often start with a UTF-8 byte order mark.
  if (lines[0].starts_with("\xEF\xBB\xBF")) lines[0].erase(0, 3);
  std::string line;
  size_t next = NextCsvRecord(lines, 0, line);
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
  while (next < lines.size()) {
    const int64_t first_line = static_cast<int64_t>(next) + 1;
    next += NextCsvRecord(lines, next, line);
    if (line.empty() || line == "\r") continue;
    CsvCall row;
    row.line = first_line;
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
    r.set_call_id(cell("call_id"));
    auto fail = [&](const char* field, const absl::Status& s) {
      if (row.error.empty()) row.error = absl::StrCat(field, ": ", s.message());
    };
    if (absl::StatusOr<v1::CallDirection> d = ParseEnumLabel<v1::CallDirection>(cell("direction"));
        d.ok()) {
      r.set_direction(*d);
    } else {
      fail("direction", d.status());
    }
    if (absl::StatusOr<v1::CallOutcome> o = ParseEnumLabel<v1::CallOutcome>(cell("outcome"));
        o.ok()) {
      r.set_outcome(*o);
    } else {
      fail("outcome", o.status());
    }
    if (absl::StatusOr<google::protobuf::Timestamp> t = ParseTimestamp(cell("started_at"));
        t.ok()) {
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

namespace {

// --- customer

void AddCustomerCommands(Ctl& ctl, CLI::App* group) {
  {
    auto req = std::make_shared<v1::RegisterCustomerRequest>();
    auto at = std::make_shared<PositionOptions>();
    CLI::App* cmd = group->add_subcommand("register", "Register a customer");
    cmd->add_option("--customer", *req->mutable_customer_id(), "customer id (default: generated)");
    cmd->add_option("--name", *req->mutable_name(), "name")->required();
    cmd->add_option("--region", *req->mutable_region_id(), "region id")->required();
    cmd->add_option("--owner", *req->mutable_owner_rep_id(), "owner rep id")->required();
    AddPositionOptions(cmd, *at, /*with_accuracy=*/false);
    cmd->add_option("--type", *req->mutable_customer_type(), "customer type");
    cmd->add_option("--registered-on", *req->mutable_registered_on(),
                    "YYYY-MM-DD (default: today)");
    cmd->add_option("--external-id", *req->mutable_external_id(), "id in the source CRM");
    ctl.SetRequestAction(
        cmd, req, &Stub::RegisterCustomer,
        [&ctl](const v1::RegisterCustomerResponse& r) { PrintCustomer(ctl, r.customer()); },
        [at](v1::RegisterCustomerRequest& r) { return SetPosition(*at, r.mutable_location()); });
  }
  {
    auto req = std::make_shared<v1::ReassignCustomerRequest>();
    CLI::App* cmd = group->add_subcommand("reassign", "Give a customer to another rep");
    cmd->add_option("customer,--customer", *req->mutable_customer_id(), "customer id")->required();
    cmd->add_option("--to", *req->mutable_to_rep_id(), "the new owner rep id")->required();
    cmd->add_option("--reason", *req->mutable_reason(), "why")->required();
    cmd->add_option("--from", *req->mutable_effective_from(),
                    "first day, YYYY-MM-DD (default: today)");
    cmd->add_option("--region", *req->mutable_region_id(), "new region id (default: unchanged)");
    ctl.SetRequestAction(
        cmd, req, &Stub::ReassignCustomer,
        [&ctl](const v1::ReassignCustomerResponse& r) { PrintCustomer(ctl, r.customer()); },
        [](v1::ReassignCustomerRequest& r) { return CheckDate("--from", r.effective_from()); });
  }
  {
    auto req = std::make_shared<v1::GetCustomerRequest>();
    CLI::App* cmd = group->add_subcommand("get", "Show a customer");
    cmd->add_option("customer,--customer", *req->mutable_customer_id(), "customer id")->required();
    ctl.SetRequestAction(cmd, req, &Stub::GetCustomer, [&ctl](const v1::GetCustomerResponse& r) {
      PrintCustomer(ctl, r.customer());
    });
  }
  {
    auto req = std::make_shared<v1::ListCustomersRequest>();
    auto page = std::make_shared<PageOptions>();
    CLI::App* cmd = group->add_subcommand("list", "List customers, by customer id");
    cmd->add_option("--owner", *req->mutable_owner_rep_id(), "owner rep id");
    cmd->add_option("--region", *req->mutable_region_id(), "region id");
    AddPageOptions(cmd, *page);
    ctl.SetRequestAction(
        cmd, req, &Stub::ListCustomers,
        [&ctl](const v1::ListCustomersResponse& r) {
          Table t({"CUSTOMER", "NAME", "OWNER", "REGION", "TYPE", "REGISTERED"});
          for (const v1::Customer& c : r.customers()) {
            t.AddRow({c.customer_id(), c.name(), c.owner_rep_id(), c.region_id(),
                      OrDash(c.customer_type()), c.registered_on()});
          }
          t.Print(ctl.out());
          ctl.PrintNextPage(r.page());
        },
        [page](v1::ListCustomersRequest& r) {
          SetPage(*page, r.mutable_page());
          return "";
        });
  }
}

// --- visit

void AddVisitPlanCommands(Ctl& ctl, CLI::App* group) {
  const auto print = [&ctl](const auto& r) { PrintVisit(ctl, r.visit()); };
  {
    auto req = std::make_shared<v1::PlanVisitRequest>();
    auto at = std::make_shared<std::string>();
    CLI::App* cmd = group->add_subcommand("plan", "Plan a visit");
    cmd->add_option("--visit", *req->mutable_visit_id(), "visit id (default: generated)");
    cmd->add_option("--rep", *req->mutable_rep_id(), "rep id")->required();
    cmd->add_option("--customer", *req->mutable_customer_id(), "customer id")->required();
    cmd->add_option("--at", *at, "planned time, RFC 3339")->required();
    cmd->add_option("--purpose", *req->mutable_purpose(), "purpose");
    ctl.SetRequestAction(cmd, req, &Stub::PlanVisit, print, [at](v1::PlanVisitRequest& r) {
      return SetTime("--at", *at, r.mutable_planned_at());
    });
  }
  {
    auto req = std::make_shared<v1::RescheduleVisitRequest>();
    auto at = std::make_shared<std::string>();
    CLI::App* cmd = group->add_subcommand("reschedule", "Move a planned visit to another time");
    cmd->add_option("visit,--visit", *req->mutable_visit_id(), "visit id")->required();
    cmd->add_option("--at", *at, "new planned time, RFC 3339")->required();
    cmd->add_option("--reason", *req->mutable_reason(), "why");
    ctl.SetRequestAction(cmd, req, &Stub::RescheduleVisit, print,
                         [at](v1::RescheduleVisitRequest& r) {
                           return SetTime("--at", *at, r.mutable_planned_at());
                         });
  }
  {
    auto req = std::make_shared<v1::CancelVisitRequest>();
    CLI::App* cmd = group->add_subcommand("cancel", "Cancel a planned visit");
    cmd->add_option("visit,--visit", *req->mutable_visit_id(), "visit id")->required();
    cmd->add_option("--reason", *req->mutable_reason(), "why")->required();
    ctl.SetRequestAction(cmd, req, &Stub::CancelVisit, print);
  }
}

void AddVisitCommands(Ctl& ctl, CLI::App* group) {
  AddVisitPlanCommands(ctl, group);
  const auto print = [&ctl](const auto& r) { PrintVisit(ctl, r.visit()); };
  {
    auto req = std::make_shared<v1::CheckInRequest>();
    auto at = std::make_shared<PositionOptions>();
    auto when = std::make_shared<std::string>();
    CLI::App* cmd = group->add_subcommand("check-in", "Check in at the customer (签到)");
    cmd->add_option("visit,--visit", *req->mutable_visit_id(), "visit id")->required();
    AddPositionOptions(cmd, *at, /*with_accuracy=*/true);
    cmd->add_option("--at", *when, "when, RFC 3339 (default: now)");
    ctl.SetRequestAction(cmd, req, &Stub::CheckIn, print, [at, when](v1::CheckInRequest& r) {
      const std::string error = SetPosition(*at, r.mutable_position());
      return error.empty() ? SetTime("--at", *when, r.mutable_checked_in_at()) : error;
    });
  }
  {
    auto req = std::make_shared<v1::CheckOutRequest>();
    auto at = std::make_shared<PositionOptions>();
    auto when = std::make_shared<std::string>();
    CLI::App* cmd = group->add_subcommand("check-out", "Check out (签退)");
    cmd->add_option("visit,--visit", *req->mutable_visit_id(), "visit id")->required();
    AddPositionOptions(cmd, *at, /*with_accuracy=*/true);
    cmd->add_option("--at", *when, "when, RFC 3339 (default: now)");
    ctl.SetRequestAction(cmd, req, &Stub::CheckOut, print, [at, when](v1::CheckOutRequest& r) {
      const std::string error = SetPosition(*at, r.mutable_position());
      return error.empty() ? SetTime("--at", *when, r.mutable_checked_out_at()) : error;
    });
  }
  {
    auto req = std::make_shared<v1::RecordVisitOutcomeRequest>();
    auto outcome = std::make_shared<std::string>();
    CLI::App* cmd = group->add_subcommand("outcome", "Record how the visit went");
    cmd->add_option("visit,--visit", *req->mutable_visit_id(), "visit id")->required();
    AddEnumOption<v1::VisitOutcome>(ctl, cmd, "--outcome", *outcome, "outcome")->required();
    cmd->add_option("--notes", *req->mutable_notes(), "notes");
    ctl.SetRequestAction(cmd, req, &Stub::RecordVisitOutcome, print,
                         [outcome](v1::RecordVisitOutcomeRequest& r) {
                           r.set_outcome(EnumFromChoice<v1::VisitOutcome>(*outcome));
                           return "";
                         });
  }
  {
    auto req = std::make_shared<v1::GetVisitRequest>();
    CLI::App* cmd = group->add_subcommand("get", "Show a visit");
    cmd->add_option("visit,--visit", *req->mutable_visit_id(), "visit id")->required();
    ctl.SetRequestAction(cmd, req, &Stub::GetVisit, print);
  }
  {
    auto req = std::make_shared<v1::ListVisitsRequest>();
    auto status = std::make_shared<std::string>();
    auto page = std::make_shared<PageOptions>();
    CLI::App* cmd = group->add_subcommand("list", "List visits, by planned time");
    cmd->add_option("--rep", *req->mutable_rep_id(), "rep id");
    cmd->add_option("--team", *req->mutable_team_id(), "team id (on the visit's day)");
    cmd->add_option("--region", *req->mutable_region_id(), "region id (on the visit's day)");
    cmd->add_option("--customer", *req->mutable_customer_id(), "customer id");
    cmd->add_option("--from", *req->mutable_from_day(), "first planned day, YYYY-MM-DD");
    cmd->add_option("--to", *req->mutable_to_day(), "last planned day, YYYY-MM-DD");
    AddEnumOption<v1::VisitStatus>(ctl, cmd, "--status", *status, "only visits in this status");
    AddPageOptions(cmd, *page);
    ctl.SetRequestAction(
        cmd, req, &Stub::ListVisits,
        [&ctl](const v1::ListVisitsResponse& r) {
          Table t({"VISIT", "DAY", "REP", "CUSTOMER", "STATUS", "LOCATION", "DISTANCE", "DURATION"},
                  {6, 7});
          for (const v1::Visit& v : r.visits()) {
            t.AddRow({v.visit_id(), v.planned_on(), v.rep_id(), v.customer_id(),
                      EnumLabel(v.status()), EnumLabel(v.location_check()),
                      Distance(v.distance_meters()),
                      v.has_checked_out_at() ? Minutes(v.duration_seconds()) : "-"});
          }
          t.Print(ctl.out());
          ctl.PrintNextPage(r.page());
        },
        [status, page](v1::ListVisitsRequest& r) {
          r.set_status(EnumFromChoice<v1::VisitStatus>(*status));
          SetPage(*page, r.mutable_page());
          const std::string error = CheckDate("--from", r.from_day());
          return error.empty() ? CheckDate("--to", r.to_day()) : error;
        });
  }
}

// --- call

void AddCallCommands(Ctl& ctl, CLI::App* group) {
  {
    struct Opts {
      std::string direction = "outbound", outcome, started_at;
      int64_t duration_seconds = 0;
    };
    auto req = std::make_shared<v1::LogCallRequest>();
    auto o = std::make_shared<Opts>();
    v1::CallRecord& call = *req->mutable_call();
    CLI::App* cmd = group->add_subcommand("log", "Log one call (电销)");
    cmd->add_option("--rep", *call.mutable_rep_id(), "rep id")->required();
    cmd->add_option("--customer", *call.mutable_customer_id(), "customer id");
    cmd->add_option("--lead", *call.mutable_lead_id(), "lead id");
    AddEnumOption<v1::CallDirection>(ctl, cmd, "--direction", o->direction, "direction")
        ->capture_default_str();
    cmd->add_option("--started-at", o->started_at, "RFC 3339")->required();
    cmd->add_option("--duration", o->duration_seconds, "seconds talked");
    AddEnumOption<v1::CallOutcome>(ctl, cmd, "--outcome", o->outcome, "outcome")->required();
    cmd->add_option("--notes", *call.mutable_notes(), "notes");
    cmd->add_option("--call", *call.mutable_call_id(), "call id (default: generated)");
    cmd->add_option("--phone-system", *call.mutable_phone_system(), "source phone system");
    cmd->add_option("--external-id", *call.mutable_external_call_id(), "the phone system's id");
    ctl.SetRequestAction(
        cmd, req, &Stub::LogCall,
        [&ctl](const v1::LogCallResponse& r) {
          PrintCall(ctl, r.call());
          if (r.duplicate()) ctl.err() << "duplicate: this call was already recorded\n";
        },
        [o](v1::LogCallRequest& r) {
          r.mutable_call()->set_direction(EnumFromChoice<v1::CallDirection>(o->direction));
          r.mutable_call()->set_duration_seconds(o->duration_seconds);
          r.mutable_call()->set_outcome(EnumFromChoice<v1::CallOutcome>(o->outcome));
          return SetTime("--started-at", o->started_at, r.mutable_call()->mutable_started_at());
        });
  }
  {
    auto req = std::make_shared<v1::GetCallRequest>();
    CLI::App* cmd = group->add_subcommand("get", "Show a call");
    cmd->add_option("call,--call", *req->mutable_call_id(), "call id")->required();
    ctl.SetRequestAction(cmd, req, &Stub::GetCall,
                         [&ctl](const v1::GetCallResponse& r) { PrintCall(ctl, r.call()); });
  }
  {
    auto req = std::make_shared<v1::ListCallsRequest>();
    auto outcome = std::make_shared<std::string>();
    auto page = std::make_shared<PageOptions>();
    CLI::App* cmd = group->add_subcommand("list", "List calls, by start time");
    cmd->add_option("--rep", *req->mutable_rep_id(), "rep id");
    cmd->add_option("--team", *req->mutable_team_id(), "team id (on the call's day)");
    cmd->add_option("--region", *req->mutable_region_id(), "region id (on the call's day)");
    cmd->add_option("--customer", *req->mutable_customer_id(), "customer id");
    cmd->add_option("--lead", *req->mutable_lead_id(), "lead id");
    cmd->add_option("--from", *req->mutable_from_day(), "first day, YYYY-MM-DD");
    cmd->add_option("--to", *req->mutable_to_day(), "last day, YYYY-MM-DD");
    AddEnumOption<v1::CallOutcome>(ctl, cmd, "--outcome", *outcome, "only calls with this outcome");
    AddPageOptions(cmd, *page);
    ctl.SetRequestAction(
        cmd, req, &Stub::ListCalls,
        [&ctl](const v1::ListCallsResponse& r) {
          Table t({"CALL", "DAY", "REP", "CUSTOMER", "DIRECTION", "OUTCOME", "DURATION"}, {6});
          for (const v1::Call& c : r.calls()) {
            t.AddRow({c.call_id(), c.started_on(), c.rep_id(), OrDash(c.customer_id()),
                      EnumLabel(c.direction()), EnumLabel(c.outcome()),
                      Minutes(c.duration_seconds())});
          }
          t.Print(ctl.out());
          ctl.PrintNextPage(r.page());
        },
        [outcome, page](v1::ListCallsRequest& r) {
          r.set_outcome(EnumFromChoice<v1::CallOutcome>(*outcome));
          SetPage(*page, r.mutable_page());
          const std::string error = CheckDate("--from", r.from_day());
          return error.empty() ? CheckDate("--to", r.to_day()) : error;
        });
  }
}

void AddImportCommand(Ctl& ctl, CLI::App* group) {
  auto o = std::make_shared<ImportOptions>();
  CLI::App* cmd =
      group->add_subcommand("import-calls", "Import call records from a phone system's CSV export");
  cmd->add_option("--file", o->file, "CSV with a header row (see README)")->required();
  cmd->add_option("--rejects", o->rejects, "write rejected rows (line, reason) to this CSV");
  cmd->add_option("--request-id", o->request_id,
                  "base idempotency key of the batches (default: from the file's contents, so "
                  "re-running the same file retries it)");
  ctl.SetAction(cmd, [&ctl, o] { return ImportCalls(ctl, *o); });
}

// --- lead

void AddLeadCommands(Ctl& ctl, CLI::App* group) {
  const auto print = [&ctl](const auto& r) { PrintLead(ctl, r.lead()); };
  {
    auto req = std::make_shared<v1::CreateLeadRequest>();
    CLI::App* cmd = group->add_subcommand("create", "Create a lead (线索)");
    cmd->add_option("--lead", *req->mutable_lead_id(), "lead id (default: generated)");
    cmd->add_option("--rep", *req->mutable_rep_id(), "owner rep id")->required();
    cmd->add_option("--customer", *req->mutable_customer_id(), "customer id");
    cmd->add_option("--source", *req->mutable_source(), "where it came from");
    cmd->add_option("--title", *req->mutable_title(), "title")->required();
    ctl.SetRequestAction(cmd, req, &Stub::CreateLead, print);
  }
  {
    auto req = std::make_shared<v1::DisqualifyLeadRequest>();
    CLI::App* cmd = group->add_subcommand("disqualify", "Disqualify an open lead");
    cmd->add_option("lead,--lead", *req->mutable_lead_id(), "lead id")->required();
    cmd->add_option("--reason", *req->mutable_reason(), "why")->required();
    ctl.SetRequestAction(cmd, req, &Stub::DisqualifyLead, print);
  }
  {
    auto req = std::make_shared<v1::ConvertLeadRequest>();
    auto money = std::make_shared<MoneyOptions>();
    auto splits = std::make_shared<std::vector<std::string>>();
    CLI::App* cmd = group->add_subcommand("convert", "Convert an open lead into a deal");
    cmd->add_option("lead,--lead", *req->mutable_lead_id(), "lead id")->required();
    cmd->add_option("--deal", *req->mutable_deal_id(), "deal id (default: generated)");
    cmd->add_option("--title", *req->mutable_title(), "deal title (default: the lead's)");
    cmd->add_option("--customer", *req->mutable_customer_id(), "customer (default: the lead's)");
    AddMoneyOptions(cmd, *money, "deal amount, e.g. 12000.50", /*required=*/true);
    cmd->add_option("--expected-close", *req->mutable_expected_close_date(), "YYYY-MM-DD");
    cmd->add_option("--product-line", *req->mutable_product_line(), "product line");
    cmd->add_option("--customer-type", *req->mutable_customer_type(), "customer type");
    cmd->add_option("--split", *splits, "credit split REP=SHARE, e.g. bob=25% (repeatable)");
    ctl.SetRequestAction(
        cmd, req, &Stub::ConvertLead,
        [&ctl](const v1::ConvertLeadResponse& r) {
          PrintLead(ctl, r.lead());
          ctl.out() << "\n";
          PrintDeal(ctl, r.deal());
        },
        [money, splits](v1::ConvertLeadRequest& r) {
          std::string error = SetMoney(*money, r.mutable_amount());
          if (error.empty()) error = SetSplits(*splits, r.mutable_credit_splits());
          return error.empty() ? CheckDate("--expected-close", r.expected_close_date()) : error;
        });
  }
  {
    auto req = std::make_shared<v1::GetLeadRequest>();
    CLI::App* cmd = group->add_subcommand("get", "Show a lead");
    cmd->add_option("lead,--lead", *req->mutable_lead_id(), "lead id")->required();
    ctl.SetRequestAction(cmd, req, &Stub::GetLead, print);
  }
  {
    auto req = std::make_shared<v1::ListLeadsRequest>();
    auto status = std::make_shared<std::string>();
    auto page = std::make_shared<PageOptions>();
    CLI::App* cmd = group->add_subcommand("list", "List leads, by lead id");
    cmd->add_option("--rep", *req->mutable_rep_id(), "owner rep id");
    AddEnumOption<v1::LeadStatus>(ctl, cmd, "--status", *status, "only leads in this status");
    AddPageOptions(cmd, *page);
    ctl.SetRequestAction(
        cmd, req, &Stub::ListLeads,
        [&ctl](const v1::ListLeadsResponse& r) {
          Table t({"LEAD", "REP", "CUSTOMER", "STATUS", "DEAL", "CREATED", "TITLE"});
          for (const v1::Lead& l : r.leads()) {
            t.AddRow({l.lead_id(), l.rep_id(), OrDash(l.customer_id()), EnumLabel(l.status()),
                      OrDash(l.deal_id()), FormatTimestamp(l.created_at()), l.title()});
          }
          t.Print(ctl.out());
          ctl.PrintNextPage(r.page());
        },
        [status, page](v1::ListLeadsRequest& r) {
          r.set_status(EnumFromChoice<v1::LeadStatus>(*status));
          SetPage(*page, r.mutable_page());
          return "";
        });
  }
}

// --- deal

// Stages a deal may be moved to, or reopened at, while open.
const std::vector<std::string> kOpenStages = {"qualified", "proposal", "negotiation"};

void AddDealOpenCommands(Ctl& ctl, CLI::App* group) {
  const auto print = [&ctl](const auto& r) { PrintDeal(ctl, r.deal()); };
  {
    auto req = std::make_shared<v1::OpenDealRequest>();
    auto money = std::make_shared<MoneyOptions>();
    auto splits = std::make_shared<std::vector<std::string>>();
    CLI::App* cmd = group->add_subcommand("open", "Open a deal");
    cmd->add_option("--deal", *req->mutable_deal_id(), "deal id (default: generated)");
    cmd->add_option("--rep", *req->mutable_rep_id(), "owner rep id")->required();
    cmd->add_option("--customer", *req->mutable_customer_id(), "customer id")->required();
    cmd->add_option("--title", *req->mutable_title(), "title")->required();
    AddMoneyOptions(cmd, *money, "amount, e.g. 12000.50 or \"CNY 12,000.50\"", /*required=*/true);
    cmd->add_option("--expected-close", *req->mutable_expected_close_date(), "YYYY-MM-DD");
    cmd->add_option("--product-line", *req->mutable_product_line(), "product line");
    cmd->add_option("--customer-type", *req->mutable_customer_type(), "customer type");
    cmd->add_option("--split", *splits, "credit split REP=SHARE, e.g. bob=25% (repeatable)");
    ctl.SetRequestAction(cmd, req, &Stub::OpenDeal, print, [money, splits](v1::OpenDealRequest& r) {
      std::string error = SetMoney(*money, r.mutable_amount());
      if (error.empty()) error = SetSplits(*splits, r.mutable_credit_splits());
      return error.empty() ? CheckDate("--expected-close", r.expected_close_date()) : error;
    });
  }
  {
    auto req = std::make_shared<v1::ChangeDealStageRequest>();
    auto stage = std::make_shared<std::string>();
    auto money = std::make_shared<MoneyOptions>();
    CLI::App* cmd =
        group->add_subcommand("stage", "Move a deal among qualified, proposal, negotiation");
    cmd->add_option("deal,--deal", *req->mutable_deal_id(), "deal id")->required();
    ctl.Choices(cmd->add_option("--to", *stage, "stage")->required(), kOpenStages);
    AddMoneyOptions(cmd, *money, "a revised amount", /*required=*/false);
    cmd->add_option("--expected-close", *req->mutable_expected_close_date(), "revised YYYY-MM-DD");
    ctl.SetRequestAction(
        cmd, req, &Stub::ChangeDealStage, print, [stage, money](v1::ChangeDealStageRequest& r) {
          r.set_to_stage(EnumFromChoice<v1::DealStage>(*stage));
          // An optional revision: without --amount the amount stays unset.
          const std::string error =
              money->amount.empty() ? "" : SetMoney(*money, r.mutable_amount());
          return error.empty() ? CheckDate("--expected-close", r.expected_close_date()) : error;
        });
  }
  {
    auto req = std::make_shared<v1::ReopenDealRequest>();
    auto stage = std::make_shared<std::string>();
    CLI::App* cmd = group->add_subcommand("reopen", "Reopen a lost deal at a stage");
    cmd->add_option("deal,--deal", *req->mutable_deal_id(), "deal id")->required();
    ctl.Choices(cmd->add_option("--to", *stage, "stage to reopen at")->required(), kOpenStages);
    cmd->add_option("--reason", *req->mutable_reason(), "why")->required();
    ctl.SetRequestAction(cmd, req, &Stub::ReopenDeal, print, [stage](v1::ReopenDealRequest& r) {
      r.set_to_stage(EnumFromChoice<v1::DealStage>(*stage));
      return "";
    });
  }
}

void AddDealCloseCommands(Ctl& ctl, CLI::App* group) {
  const auto print = [&ctl](const auto& r) { PrintDeal(ctl, r.deal()); };
  {
    auto req = std::make_shared<v1::WinDealRequest>();
    auto money = std::make_shared<MoneyOptions>();
    CLI::App* cmd = group->add_subcommand("win", "Win a deal with its final amount");
    cmd->add_option("deal,--deal", *req->mutable_deal_id(), "deal id")->required();
    AddMoneyOptions(cmd, *money, "final amount, e.g. 12000.50", /*required=*/true);
    cmd->add_option("--won-on", *req->mutable_won_on(), "YYYY-MM-DD (default: today)");
    ctl.SetRequestAction(cmd, req, &Stub::WinDeal, print, [money](v1::WinDealRequest& r) {
      const std::string error = SetMoney(*money, r.mutable_amount());
      return error.empty() ? CheckDate("--won-on", r.won_on()) : error;
    });
  }
  {
    auto req = std::make_shared<v1::LoseDealRequest>();
    CLI::App* cmd = group->add_subcommand("lose", "Lose a deal");
    cmd->add_option("deal,--deal", *req->mutable_deal_id(), "deal id")->required();
    cmd->add_option("--reason", *req->mutable_reason(), "why")->required();
    cmd->add_option("--lost-on", *req->mutable_lost_on(), "YYYY-MM-DD (default: today)");
    ctl.SetRequestAction(cmd, req, &Stub::LoseDeal, print, [](v1::LoseDealRequest& r) {
      return CheckDate("--lost-on", r.lost_on());
    });
  }
  {
    auto req = std::make_shared<v1::CancelDealRequest>();
    CLI::App* cmd = group->add_subcommand("cancel", "Cancel a won deal (a clawback)");
    cmd->add_option("deal,--deal", *req->mutable_deal_id(), "deal id")->required();
    cmd->add_option("--reason", *req->mutable_reason(), "why")->required();
    cmd->add_option("--cancelled-on", *req->mutable_cancelled_on(), "YYYY-MM-DD (default: today)");
    ctl.SetRequestAction(cmd, req, &Stub::CancelDeal, print, [](v1::CancelDealRequest& r) {
      return CheckDate("--cancelled-on", r.cancelled_on());
    });
  }
  {
    auto req = std::make_shared<v1::BookOrderRequest>();
    auto money = std::make_shared<MoneyOptions>();
    CLI::App* cmd = group->add_subcommand("book-order", "Book an order against a won deal");
    cmd->add_option("deal,--deal", *req->mutable_deal_id(), "deal id")->required();
    cmd->add_option("--order", *req->mutable_order_id(), "order id (default: generated)");
    AddMoneyOptions(cmd, *money, "order amount, e.g. 5000.00", /*required=*/true);
    cmd->add_option("--booked-on", *req->mutable_booked_on(), "YYYY-MM-DD (default: today)");
    cmd->add_option("--external-id", *req->mutable_external_order_id(),
                    "order id in the ERP; a second order with the same one writes nothing");
    ctl.SetRequestAction(cmd, req, &Stub::BookOrder, print, [money](v1::BookOrderRequest& r) {
      const std::string error = SetMoney(*money, r.mutable_amount());
      return error.empty() ? CheckDate("--booked-on", r.booked_on()) : error;
    });
  }
}

void AddDealCommands(Ctl& ctl, CLI::App* group) {
  AddDealOpenCommands(ctl, group);
  AddDealCloseCommands(ctl, group);
  {
    auto req = std::make_shared<v1::GetDealRequest>();
    CLI::App* cmd = group->add_subcommand("get", "Show a deal and its orders");
    cmd->add_option("deal,--deal", *req->mutable_deal_id(), "deal id")->required();
    ctl.SetRequestAction(cmd, req, &Stub::GetDeal,
                         [&ctl](const v1::GetDealResponse& r) { PrintDeal(ctl, r.deal()); });
  }
  {
    auto req = std::make_shared<v1::ListDealsRequest>();
    auto stage = std::make_shared<std::string>();
    auto page = std::make_shared<PageOptions>();
    CLI::App* cmd = group->add_subcommand("list", "List deals, by deal id");
    cmd->add_option("--rep", *req->mutable_rep_id(), "owner rep id");
    AddEnumOption<v1::DealStage>(ctl, cmd, "--stage", *stage, "only deals at this stage");
    cmd->add_option("--customer", *req->mutable_customer_id(), "customer id");
    cmd->add_option("--team", *req->mutable_team_id(), "team id (the owner's now)");
    cmd->add_option("--region", *req->mutable_region_id(), "region id (the owner's now)");
    cmd->add_option("--close-from", *req->mutable_expected_close_from(),
                    "expected close on or after, YYYY-MM-DD");
    cmd->add_option("--close-to", *req->mutable_expected_close_to(),
                    "expected close on or before, YYYY-MM-DD");
    AddPageOptions(cmd, *page);
    ctl.SetRequestAction(
        cmd, req, &Stub::ListDeals,
        [&ctl](const v1::ListDealsResponse& r) {
          Table t({"DEAL", "OWNER", "CUSTOMER", "STAGE", "AMOUNT", "CLOSE", "ORDERS", "TITLE"},
                  {4, 6});
          for (const v1::Deal& d : r.deals()) {
            t.AddRow({d.deal_id(), d.rep_id(), OrDash(d.customer_id()), EnumLabel(d.stage()),
                      FormatMoney(d.amount()), OrDash(d.expected_close_date()),
                      absl::StrCat(d.orders_size()), d.title()});
          }
          t.Print(ctl.out());
          ctl.PrintNextPage(r.page());
        },
        [stage, page](v1::ListDealsRequest& r) {
          r.set_stage(EnumFromChoice<v1::DealStage>(*stage));
          SetPage(*page, r.mutable_page());
          const std::string error = CheckDate("--close-from", r.expected_close_from());
          return error.empty() ? CheckDate("--close-to", r.expected_close_to()) : error;
        });
  }
}

// --- risk

void AddRiskCommands(Ctl& ctl, CLI::App* group) {
  {
    auto req = std::make_shared<v1::ListRiskFlagsRequest>();
    auto rule = std::make_shared<std::string>();
    auto include_cleared = std::make_shared<bool>(false);
    auto page = std::make_shared<PageOptions>();
    CLI::App* cmd = group->add_subcommand("list", "List 跑单 risk flags, open ones by default");
    cmd->add_option("--rep", *req->mutable_rep_id(), "rep id");
    cmd->add_option("--team", *req->mutable_team_id(), "team id");
    cmd->add_option("--region", *req->mutable_region_id(), "region id");
    AddEnumOption<v1::RiskRule>(ctl, cmd, "--rule", *rule, "only flags of this rule");
    cmd->add_flag("--include-cleared", *include_cleared, "also cleared flags");
    AddPageOptions(cmd, *page);
    ctl.SetRequestAction(
        cmd, req, &Stub::ListRiskFlags,
        [&ctl](const v1::ListRiskFlagsResponse& r) {
          Table t({"FLAG", "REP", "RULE", "STATUS", "OBSERVED", "THRESHOLD", "RAISED", "SUMMARY"},
                  {4, 5});
          for (const v1::RiskFlag& f : r.flags()) {
            t.AddRow({f.flag_id(), f.rep_id(), EnumLabel(f.rule()), EnumLabel(f.status()),
                      Measure(f.observed()), Measure(f.threshold()), FormatTimestamp(f.raised_at()),
                      f.summary()});
          }
          t.Print(ctl.out());
          ctl.PrintNextPage(r.page());
        },
        [rule, include_cleared, page](v1::ListRiskFlagsRequest& r) {
          r.set_rule(EnumFromChoice<v1::RiskRule>(*rule));
          r.set_include_cleared(*include_cleared);
          SetPage(*page, r.mutable_page());
          return "";
        });
  }
  {
    auto req = std::make_shared<v1::GetRiskRulesRequest>();
    CLI::App* cmd = group->add_subcommand("rules", "Show the thresholds the 跑单 rules run with");
    ctl.SetRequestAction(cmd, req, &Stub::GetRiskRules, [&ctl](const v1::GetRiskRulesResponse& r) {
      const v1::RiskRuleConfig& c = r.rules();
      auto hours = [](const google::protobuf::Duration& d) {
        return absl::StrCat(d.seconds() / 3600, " h");
      };
      PrintFields(
          ctl.out(),
          {{"time zone", r.time_zone()},
           {"frequent plan changes",
            absl::StrCat("more than ", c.max_plan_changes(), " in ", hours(c.plan_change_window()))},
           {"visits without check-in", absl::StrCat("at least ", c.min_visits_without_check_in(),
                                                    " in ", hours(c.no_check_in_window()))},
           {"short connected calls",
            absl::StrCat("at least ", c.min_short_calls(), " under ", c.short_call_seconds(),
                         " s, at least ", c.min_short_call_share_percent(), "% of a day's")},
           {"check-in too far", absl::StrCat("beyond ", Measure(r.check_in_threshold_meters()),
                                             " m (plus accuracy, at most doubled)")},
           {"won then cancelled",
            absl::StrCat("won in the last ", c.won_near_period_end_days(), " days of a month")},
           {"evidence per flag", absl::StrCat("at most ", r.max_evidence())}});
    });
  }
  {
    auto req = std::make_shared<v1::GetRiskFlagRequest>();
    CLI::App* cmd = group->add_subcommand("get", "Show a risk flag and its evidence");
    cmd->add_option("flag,--flag", *req->mutable_flag_id(), "flag id")->required();
    ctl.SetRequestAction(cmd, req, &Stub::GetRiskFlag,
                         [&ctl](const v1::RiskFlag& f) { PrintRiskFlag(ctl, f); });
  }
  {
    auto req = std::make_shared<v1::ClearRiskFlagRequest>();
    CLI::App* cmd = group->add_subcommand("clear", "Clear a flag after review (managers)");
    cmd->add_option("flag,--flag", *req->mutable_flag_id(), "flag id")->required();
    cmd->add_option("--reason", *req->mutable_reason(), "why")->required();
    cmd->add_option("--by", *req->mutable_cleared_by(), "the manager (default: the caller)");
    ctl.SetRequestAction(
        cmd, req, &Stub::ClearRiskFlag,
        [&ctl](const v1::ClearRiskFlagResponse& r) { PrintRiskFlag(ctl, r.flag()); });
  }
}

CLI::App* Group(CLI::App* parent, const std::string& name, const std::string& help) {
  CLI::App* group = parent->add_subcommand(name, help);
  group->require_subcommand(1);
  return group;
}

}  // namespace

void RegisterActivityCommands(Ctl& ctl) {
  CLI::App* group = Group(&ctl.app(), "activity", "Customers, visits, calls, leads, deals, risk");
  AddCustomerCommands(ctl, Group(group, "customer", "Customers"));
  AddVisitCommands(ctl, Group(group, "visit", "Visit plans and visits (拜访)"));
  AddCallCommands(ctl, Group(group, "call", "Calls (电销)"));
  AddImportCommand(ctl, group);
  AddLeadCommands(ctl, Group(group, "lead", "Leads (线索)"));
  AddDealCommands(ctl, Group(group, "deal", "Deals and orders"));
  AddRiskCommands(ctl, Group(group, "risk", "跑单 risk flags"));
}

}  // namespace salesperf::ctl
