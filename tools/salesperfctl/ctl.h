// The core of salesperfctl that every service's commands share: global flags, the
// connection, output (tables or JSON), request ids, errors and exit codes.
//
// A service's commands live in their own file (targets_commands.cc) and register a
// CLI11 subcommand group on Ctl::app() with an action per command:
//
//   CLI::App* cmd = group->add_subcommand("get", "Show one target");
//   cmd->add_option("--target", opts->target_id)->required();
//   ctl.SetAction(cmd, [&ctl, opts] {
//     v1::GetTargetRequest req;  ...
//     return ctl.Call(&v1::TargetsService::Stub::GetTarget, req,
//                     [&](const v1::GetTargetResponse& r) { PrintTarget(ctl.out(), r); });
//   });
//
// Commands whose flags bind straight into the request proto use SetRequestAction, which
// also adds --request-id to mutations (requests with a request_id field).
//
// Exit codes: 0 success; 1 the server answered with an error (printed as
// "error: <CODE>: <message>" plus one "  field: description" line per field violation);
// 2 bad command-line input, found before any RPC.
//
// The bearer token is sent as metadata only: it is never printed, logged or put in an
// error message.
//
// Thread safety: none; one Ctl per process, used from main's thread.
#ifndef SALESPERF_TOOLS_SALESPERFCTL_CTL_H_
#define SALESPERF_TOOLS_SALESPERFCTL_CTL_H_

#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "salesperf/common/v1/money.pb.h"
#include "salesperf/common/v1/pagination.pb.h"

namespace salesperf::ctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRpcError = 1;
inline constexpr int kExitUsage = 2;

// salesperfd's gRPC port; each service alone listens on its own (targets 50051).
inline constexpr char kDefaultServer[] = "127.0.0.1:50050";
// Metadata naming the caller on development servers without authentication.
inline constexpr char kActorMetadataKey[] = "x-salesperf-actor";

enum class OutputFormat { kTable, kJson };

// Storage of the --page-size and --page-token flags of a list command.
struct PageOptions {
  // Items per page. Default: 0 (the server's default, 50; at most 1000).
  int page_size = 0;
  // From the previous page's "more results" hint. Default: "" (the first page).
  std::string page_token;
};
// Adds --page-size and --page-token, stored in `page` (which must outlive the parse).
void AddPageOptions(CLI::App* command, PageOptions& page);
void SetPage(const PageOptions& options, common::v1::PageRequest* page);

// Storage of the --amount and --currency flags of a command taking money.
struct MoneyOptions {
  // "12000.50" or "CNY 12,000.50". Default: "" (not given).
  std::string amount;
  // Currency of an --amount without one. Default: "CNY" (the default org currency).
  std::string currency = "CNY";
};
// Adds --amount (`help`; required if `required`) and --currency.
void AddMoneyOptions(CLI::App* command, MoneyOptions& money, const std::string& help,
                     bool required);
// Parses the flags into `*out`; nothing when --amount was not given (for an optional
// amount, check `money.amount` before creating `out`). Returns a usage-error message
// naming --amount, "" when fine.
std::string SetMoney(const MoneyOptions& money, common::v1::Money* out);

// Adds --request-id, stored in `request_id`, to a mutating command.
CLI::Option* AddRequestIdOption(CLI::App* command, std::string& request_id);

// A usage-error message ("" when fine) from completing a request with flags that need
// parsing, for SetRequestAction.
template <typename Req>
using CompleteRequest = std::function<std::string(Req& request)>;

// Flags that apply to every command. Each has a SALESPERF_* environment twin
// (libs/common/config.h): flag, then environment, then the default.
struct GlobalOptions {
  // host:port of salesperfd or of one service. Default: 127.0.0.1:50050.
  std::string server = kDefaultServer;
  // "table" (for people) or "json" (the response proto as JSON). Default: "table".
  std::string output = "table";
  // Deadline of each RPC, an absl duration such as "30s" or "2m". Default: "30s".
  std::string timeout = "30s";
  // Sent as x-salesperf-actor; honoured only by servers without authentication.
  // Default: "" (not sent: the caller is anonymous there).
  std::string actor;
  // Bearer token sent as `authorization: Bearer <token>`. Default: "" (not sent).
  std::string token;
};

class Ctl {
 public:
  // Output goes to `out` (results) and `err` (errors, hints); both must outlive this.
  Ctl(std::ostream& out, std::ostream& err);
  Ctl(const Ctl&) = delete;
  Ctl& operator=(const Ctl&) = delete;

  // The root command; service groups are added to it.
  CLI::App& app() { return app_; }
  // Runs `action` (returning an exit code) when `command` is the command given.
  void SetAction(const CLI::App* command, std::function<int()> action);
  // Restricts `option` to `choices` (an error with the list otherwise, exit code 2) and
  // offers them in shell completion.
  CLI::Option* Choices(CLI::Option* option, const std::vector<std::string>& choices);
  const std::map<std::string, std::vector<std::string>>& choices() const { return choices_; }

  // Parses the command line and runs the chosen command. Returns the exit code.
  int Run(int argc, const char* const* argv);

  // --- For actions.
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  const GlobalOptions& options() const { return options_; }
  OutputFormat format() const { return format_; }
  // The channel to --server, created on first use.
  std::shared_ptr<grpc::Channel> Channel();
  // Sets the deadline and the actor and authorization metadata on `context`.
  void Prepare(grpc::ClientContext& context) const;
  // `given`, or a new random UUID when it is empty; a new one is printed on stderr in
  // table mode so that the user can retry the same request safely.
  std::string RequestId(const std::string& given);
  // Prints "error: <message>" and a hint; returns kExitUsage.
  int UsageError(std::string_view message);
  // Prints the RPC error (code, message, field violations); returns kExitRpcError.
  int RpcError(const grpc::Status& status);
  // The message as JSON with proto field names, and a newline. Returns kExitOk, or
  // kExitRpcError (with a message) if it cannot be converted.
  int PrintJson(const google::protobuf::Message& message);

  // Calls `method` on `stub` and prints the response: JSON with -o json, else
  // `print_table(response)`. Returns the exit code.
  template <typename Stub, typename Req, typename Resp>
  int Unary(Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
            const Req& request,
            const std::type_identity_t<std::function<void(const Resp&)>>& print_table) {
    grpc::ClientContext context;
    Prepare(context);
    Resp response;
    const grpc::Status status = (stub.*method)(&context, request, &response);
    if (!status.ok()) return RpcError(status);
    if (format_ == OutputFormat::kJson) return PrintJson(response);
    print_table(response);
    return kExitOk;
  }

  // Unary() on a new stub of the method's service over Channel().
  template <typename Stub, typename Req, typename Resp>
  int Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
           const Req& request,
           const std::type_identity_t<std::function<void(const Resp&)>>& print_table) {
    Stub stub(Channel());
    return Unary(stub, method, request, print_table);
  }

  // The action of a command whose flags fill `*request` directly: a copy is completed
  // by `complete` (a non-empty result is a usage error, nothing is sent), given a
  // request id when the request has one (the command gets --request-id), and sent.
  template <typename Stub, typename Req, typename Resp>
  void SetRequestAction(CLI::App* command, std::shared_ptr<Req> request,
                        grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                        std::type_identity_t<std::function<void(const Resp&)>> print_table,
                        std::type_identity_t<CompleteRequest<Req>> complete = nullptr) {
    auto request_id = std::make_shared<std::string>();
    constexpr bool kMutation = requires(Req r) { r.set_request_id(std::string()); };
    if constexpr (kMutation) AddRequestIdOption(command, *request_id);
    SetAction(command, [this, request, method, print_table, complete, request_id] {
      Req r = *request;
      if (complete != nullptr) {
        const std::string error = complete(r);
        if (!error.empty()) return UsageError(error);
      }
      if constexpr (kMutation) r.set_request_id(RequestId(*request_id));
      return Call(method, r, print_table);
    });
  }

  // "more results: --page-token <token>" on stderr, when there are more.
  void PrintNextPage(const common::v1::PageResponse& page);

 private:
  void AddGlobalFlags();
  void AddCompletionCommand();

  std::ostream& out_;
  std::ostream& err_;
  CLI::App app_;
  GlobalOptions options_;
  OutputFormat format_ = OutputFormat::kTable;
  absl::Duration timeout_ = absl::Seconds(30);
  std::shared_ptr<grpc::Channel> channel_;
  std::map<const CLI::App*, std::function<int()>> actions_;
  // Option name ("--metric") -> allowed values, for completion.
  std::map<std::string, std::vector<std::string>> choices_;
};

}  // namespace salesperf::ctl

#endif  // SALESPERF_TOOLS_SALESPERFCTL_CTL_H_
