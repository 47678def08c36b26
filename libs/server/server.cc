#include "libs/server/server.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <exception>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpc/grpc.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/impl/server_builder_plugin.h"
#include "grpcpp/impl/server_initializer.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "libs/common/logging.h"
#include "libs/server/interceptors.h"

namespace salesperf::server {
namespace {

constexpr char kHealthService[] = "grpc.health.v1.Health";
constexpr char kReflectionService[] = "grpc.reflection.v1alpha.ServerReflection";
constexpr char kReflectionPluginName[] = "proto_server_reflection";

// Records the names of every service on the built server (gRPC keeps them private; the
// reflection plugin reads them the same way).
class ServiceListPlugin : public grpc::ServerBuilderPlugin {
 public:
  explicit ServiceListPlugin(std::vector<std::string>* names) : names_(names) {}
  std::string name() override { return "salesperf_service_list"; }
  void InitServer(grpc::ServerInitializer*) override {}
  void Finish(grpc::ServerInitializer* si) override { *names_ = *si->GetServiceList(); }
  void ChangeArguments(const std::string&, void*) override {}

 private:
  std::vector<std::string>* const names_;
};

// Per-server plugins. Reflection is added here rather than with the process-wide
// InitProtoReflectionServerBuilderPlugin(), so that `reflection = false` really turns it
// off for this server (and removes it if someone registered the global plugin).
class PluginsOption : public grpc::ServerBuilderOption {
 public:
  PluginsOption(bool reflection, std::vector<std::string>* names)
      : reflection_(reflection), names_(names) {}
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->erase(std::remove_if(plugins->begin(), plugins->end(),
                                  [](const std::unique_ptr<grpc::ServerBuilderPlugin>& p) {
                                    return p->name() == kReflectionPluginName;
                                  }),
                   plugins->end());
    if (reflection_) {
      plugins->push_back(std::make_unique<grpc::reflection::ProtoServerReflectionPlugin>());
    }
    plugins->push_back(std::make_unique<ServiceListPlugin>(names_));
  }

 private:
  const bool reflection_;
  std::vector<std::string>* const names_;
};

bool IsInfrastructure(const std::string& name) {
  return name == kHealthService || name == kReflectionService;
}

}  // namespace

Server::Server(ServerOptions options)
    : options_(std::move(options)),
      registry_(options_.registry != nullptr ? options_.registry
                                             : std::make_shared<prometheus::Registry>()),
      metrics_(NewGrpcServerMetrics(*registry_)) {}

Server::~Server() { Shutdown(absl::Now()); }

void Server::RegisterService(grpc::Service* service) { services_.push_back(service); }

absl::Status Server::Start() {
  {
    absl::MutexLock lock(&mu_);
    if (started_) return absl::FailedPreconditionError("server already started");
    started_ = true;
  }
  // Process-wide switch read by every ServerBuilder; harmless for other servers.
  grpc::EnableDefaultHealthCheckService(true);

  grpc::ServerBuilder builder;
  int selected_port = 0;
  builder.AddListeningPort(options_.grpc_addr, grpc::InsecureServerCredentials(), &selected_port);
  // Two processes must never share a port silently.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  builder.SetOption(std::make_unique<PluginsOption>(options_.reflection, &all_service_names_));
  for (grpc::Service* service : services_) builder.RegisterService(service);

  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
  factories.push_back(NewCallMethodInterceptorFactory());
  factories.push_back(NewCallTrackingInterceptorFactory(&calls_));
  factories.push_back(NewMetricsInterceptorFactory(metrics_.get()));
  factories.push_back(NewLoggingInterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(factories));

  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || selected_port == 0) {
    if (server != nullptr) server->Shutdown(std::chrono::system_clock::now());
    all_service_names_.clear();
    return absl::UnavailableError(
        absl::StrCat("cannot serve gRPC on ", options_.grpc_addr, " (in use or not local?)"));
  }
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  // The default health service starts "" as SERVING: turn everything off at once.
  health->SetServingStatus("", false);
  for (const std::string& name : service_names()) health->SetServingStatus(name, false);

  if (!options_.metrics_addr.empty()) {
    try {
      auto exposer = std::make_unique<prometheus::Exposer>(options_.metrics_addr, 2);
      exposer->RegisterCollectable(registry_);
      const std::vector<int> ports = exposer->GetListeningPorts();
      metrics_port_ = ports.empty() ? 0 : ports.front();
      exposer_ = std::move(exposer);
    } catch (const std::exception& e) {  // civetweb reports bind errors by throwing
      server->Shutdown(std::chrono::system_clock::now());
      return absl::UnavailableError(
          absl::StrCat("cannot serve metrics on ", options_.metrics_addr, ": ", e.what()));
    }
  }
  port_ = selected_port;
  grpc_server_ = std::move(server);
  LogInfo("grpc server started", {{"grpc_port", port_},
                                  {"metrics_port", metrics_port_},
                                  {"reflection", options_.reflection},
                                  {"services", static_cast<int>(service_names().size())}});
  return absl::OkStatus();
}

int Server::port() const { return port_; }
int Server::metrics_port() const { return metrics_port_; }

std::vector<std::string> Server::service_names() const {
  std::vector<std::string> names;
  for (const std::string& name : all_service_names_) {
    if (!IsInfrastructure(name)) names.push_back(name);
  }
  return names;
}

void Server::SetServing(bool serving) {
  absl::MutexLock lock(&mu_);
  if (grpc_server_ == nullptr || shutting_down_) return;
  // Applies to "" and every name set at Start.
  grpc_server_->GetHealthCheckService()->SetServingStatus(serving);
}

void Server::Shutdown(absl::Time deadline) {
  absl::MutexLock shutdown_lock(&shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  {
    absl::MutexLock lock(&mu_);
    shutting_down_ = true;
    if (grpc_server_ == nullptr) return;
    // Every service NOT_SERVING, for good: the default health service ignores later
    // updates and ends open Watch streams, so they do not hold up the drain.
    grpc_server_->GetHealthCheckService()->Shutdown();
  }
  LogInfo("grpc server draining", {{"grpc_port", port_}, {"in_flight", calls_.active()}});
  // grpc::Server::Shutdown refuses new calls at once and waits for in-flight ones until
  // the deadline, then cancels them and waits for their handlers. Health Watch streams
  // never end by themselves, so once every other call is done (or the deadline passed)
  // they are cancelled here rather than holding the drain to its deadline.
  std::thread grpc_shutdown(
      [this, deadline] { grpc_server_->Shutdown(absl::ToChronoTime(deadline)); });
  const bool drained = calls_.AwaitIdle(deadline);
  grpc_server_cancel_all_calls(grpc_server_->c_server());
  grpc_shutdown.join();
  grpc_server_->Wait();
  if (!drained)
    LogWarn("grpc server drain deadline passed: calls cancelled", {{"grpc_port", port_}});
  LogInfo("grpc server stopped", {{"grpc_port", port_}});
}

void Server::Shutdown() { Shutdown(absl::Now() + options_.drain_timeout); }

namespace {

sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

void BlockShutdownSignals() {
  sigset_t set = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForShutdownSignal() {
  sigset_t set = ShutdownSignals();
  // Blocking here too makes the wait correct in this thread even if the caller forgot.
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  LogInfo("shutdown signal", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
  return signal;
}

}  // namespace salesperf::server
