#include "tools/salesperfctl/ctl.h"

#include <chrono>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "libs/common/config.h"
#include "libs/common/ids.h"
#include "libs/common/string_view_compat.h"
#include "libs/common/validation.h"
#include "libs/server/status.h"
#include "tools/salesperfctl/completion.h"
#include "tools/salesperfctl/values.h"

namespace salesperf::ctl {

Ctl::Ctl(std::ostream& out, std::ostream& err)
    : out_(out),
      err_(err),
      app_("salesperfctl: the command-line client of salesperf", "salesperfctl") {
  app_.require_subcommand(1);
  // Global flags may also follow the command: `salesperfctl targets list -o json`.
  app_.fallthrough();
  AddGlobalFlags();
  AddCompletionCommand();
}

void Ctl::AddGlobalFlags() {
  AddFlag(app_, "--server", options_.server,
          "host:port of salesperfd (default port 50050) or of one service "
          "(salesperf-targets alone listens on 50051)");
  Choices(app_.add_option("-o,--output", options_.output, "table (for people) or json")
              ->envname(EnvTwin("--output"))
              ->capture_default_str(),
          {"table", "json"});
  AddFlag(app_, "--timeout", options_.timeout, "deadline of each RPC, e.g. 30s, 2m");
  AddFlag(app_, "--actor", options_.actor,
          "caller sent as x-salesperf-actor (development servers without authentication)");
  // No capture_default_str: the token must never appear in --help.
  app_.add_option("--token", options_.token,
                  "bearer token sent as `authorization: Bearer ...`; never printed")
      ->envname(EnvTwin("--token"));
}

void Ctl::AddCompletionCommand() {
  CLI::App* cmd = app_.add_subcommand("completion", "Print a shell completion script");
  cmd->footer("Load it with: source <(salesperfctl completion bash)");
  auto shell = std::make_shared<std::string>();
  Choices(cmd->add_option("shell", *shell, "the shell")->required(), {"bash"});
  // The action owns the flag's storage.
  SetAction(cmd, [this, shell] {
    out_ << BashCompletion(app_, choices_);
    return kExitOk;
  });
}

void AddPageOptions(CLI::App* command, PageOptions& page) {
  command->add_option("--page-size", page.page_size, "items per page (default 50, at most 1000)");
  command->add_option("--page-token", page.page_token, "the next page, from the previous one");
}

void SetPage(const PageOptions& options, common::v1::PageRequest* page) {
  page->set_page_size(options.page_size);
  page->set_page_token(options.page_token);
}

void AddMoneyOptions(CLI::App* command, MoneyOptions& money, const std::string& help,
                     bool required) {
  command->add_option("--amount", money.amount, help)->required(required);
  command->add_option("--currency", money.currency, "ISO 4217 code of an --amount without one")
      ->capture_default_str();
}

std::string SetMoney(const MoneyOptions& money, common::v1::Money* out) {
  if (money.amount.empty()) return "";
  absl::StatusOr<common::v1::Money> parsed = ParseMoney(money.amount, money.currency);
  if (!parsed.ok()) return absl::StrCat("--amount: ", parsed.status().message());
  *out = *parsed;
  return "";
}

CLI::Option* AddRequestIdOption(CLI::App* command, std::string& request_id) {
  return command->add_option("--request-id", request_id,
                             "idempotency key; the same key again returns the first result "
                             "(default: a new UUID, printed on stderr)");
}

void Ctl::SetAction(const CLI::App* command, std::function<int()> action) {
  actions_[command] = std::move(action);
}

CLI::Option* Ctl::Choices(CLI::Option* option, const std::vector<std::string>& choices) {
  option->check(CLI::IsMember(choices));
  // Keyed by every name of the option (-o and --output), or the positional's name.
  for (const std::string& l : option->get_lnames()) choices_["--" + l] = choices;
  for (const std::string& s : option->get_snames()) choices_["-" + s] = choices;
  if (option->get_lnames().empty() && option->get_snames().empty()) {
    choices_[option->get_name(/*positional=*/true)] = choices;
  }
  return option;
}

int Ctl::Run(int argc, const char* const* argv) {
  try {
    ParseCommandLine(app_, argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return app_.exit(e, out_, err_);  // --help
    }
    err_ << "error: " << e.what() << "\n"
         << "Run with --help for usage.\n";
    return kExitUsage;
  }
  format_ = options_.output == "json" ? OutputFormat::kJson : OutputFormat::kTable;
  if (!absl::ParseDuration(options_.timeout, &timeout_) || timeout_ <= absl::ZeroDuration()) {
    return UsageError(
        absl::StrCat("--timeout: \"", options_.timeout, "\" is not a duration such as 30s or 2m"));
  }
  // The deepest command given is the one to run.
  const CLI::App* command = &app_;
  while (true) {
    std::vector<CLI::App*> given = command->get_subcommands();
    if (given.empty()) break;
    command = given.front();
  }
  auto it = actions_.find(command);
  if (it == actions_.end()) {
    err_ << command->help();
    return kExitUsage;
  }
  return it->second();
}

std::shared_ptr<grpc::Channel> Ctl::Channel() {
  if (channel_ == nullptr) {
    channel_ = grpc::CreateChannel(options_.server, grpc::InsecureChannelCredentials());
  }
  return channel_;
}

void Ctl::Prepare(grpc::ClientContext& context) const {
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(absl::ToInt64Milliseconds(timeout_)));
  if (!options_.actor.empty()) context.AddMetadata(kActorMetadataKey, options_.actor);
  if (!options_.token.empty()) context.AddMetadata("authorization", "Bearer " + options_.token);
}

std::string Ctl::RequestId(const std::string& given) {
  if (!given.empty()) return given;
  absl::BitGen gen;
  std::string id = NewUuid(gen);
  if (format_ == OutputFormat::kTable) {
    err_ << "request-id: " << id << " (to retry safely: --request-id " << id << ")\n";
  }
  return id;
}

void Ctl::PrintNextPage(const common::v1::PageResponse& page) {
  if (!page.next_page_token().empty()) {
    err_ << "more results: --page-token " << page.next_page_token() << "\n";
  }
}

int Ctl::UsageError(std::string_view message) {
  err_ << "error: " << message << "\n"
       << "Run with --help for usage.\n";
  return kExitUsage;
}

int Ctl::RpcError(const grpc::Status& status) {
  const absl::Status restored = server::FromGrpcStatus(status);
  const std::vector<FieldViolation> violations = FieldViolationsOf(restored);
  std::string message(status.error_message());
  // FieldViolations::ToStatus() repeats every violation in the message; they follow
  // one per line instead.
  if (!violations.empty() && absl::StartsWith(message, "invalid request:")) {
    message = "invalid request";
  }
  err_ << "error: " << server::GrpcCodeName(status.error_code()) << ": " << message << "\n";
  for (const FieldViolation& v : violations) {
    err_ << "  " << v.field << ": " << v.description << "\n";
  }
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    err_ << "  (is the server running at " << options_.server
         << "? set --server or SALESPERF_SERVER)\n";
  }
  return kExitRpcError;
}

int Ctl::PrintJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  // Every field, defaults included, so that scripts see a stable shape.
  options.always_print_primitive_fields = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    err_ << "error: cannot print the response as JSON: " << status.ToString() << "\n";
    return kExitRpcError;
  }
  out_ << json;
  if (json.empty() || json.back() != '\n') out_ << '\n';
  return kExitOk;
}

}  // namespace salesperf::ctl
