// The gRPC server every salesperf service runs in: binds, serves the registered
// services through the callback API, and adds what operations need on every server:
//
//  - health checking (grpc.health.v1, gRPC's default health service): "" and every
//    registered service are NOT_SERVING until the owner calls SetServing(true) (storage
//    open, projections caught up), and NOT_SERVING again as soon as Shutdown starts;
//  - server reflection (on by default);
//  - interceptors for Prometheus metrics and call logging (interceptors.h);
//  - a Prometheus exposer serving the registry on /metrics;
//  - graceful shutdown: stop accepting, drain in-flight calls up to a deadline, cancel
//    the rest.
//
// Authentication is configured here (ServerOptions::authenticator) and enforced by
// HandleUnary (unary.h): see auth.h for why not by an interceptor.
//
// Typical use, in an Application:
//
//   BlockShutdownSignals();                          // first thing in main()
//   Server server(options);
//   server.RegisterService(&activity_service);
//   RETURN_IF_ERROR(server.Start());
//   ... open storage, catch up projections ...
//   server.SetServing(true);
//   WaitForShutdownSignal();
//   server.Shutdown();                               // drain
//   ... flush outbox, close storage ...; return 0
//
// Thread safety: RegisterService and Start are called once, from one thread, before
// anything else; SetServing, Shutdown and the accessors may then be called from any
// thread.
#ifndef SALESPERF_LIBS_SERVER_SERVER_H_
#define SALESPERF_LIBS_SERVER_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "libs/server/auth.h"
#include "libs/server/interceptors.h"
#include "prometheus/exposer.h"
#include "prometheus/registry.h"

namespace salesperf::server {

struct ServerOptions {
  // host:port to serve gRPC on; port 0 picks a free port (see Server::port()). Binaries
  // pass --grpc-addr. Default: "127.0.0.1:0".
  std::string grpc_addr = "127.0.0.1:0";
  // host:port for the Prometheus /metrics endpoint; port 0 picks a free port. Empty
  // means no exposer (the registry can still be read in-process). Default: "".
  std::string metrics_addr;
  // Serve grpc.reflection.v1alpha.ServerReflection (--reflection=false turns it off).
  // Default: true.
  bool reflection = true;
  // Largest request and response message, in bytes. Default: 4 MiB (gRPC's own default).
  int max_message_bytes = 4 * 1024 * 1024;
  // How long Shutdown() lets in-flight calls finish before cancelling them. Default: 10s.
  absl::Duration drain_timeout = absl::Seconds(10);
  // Checks callers in HandleUnary; not owned, must outlive the Server. Default: nullptr
  // (every caller allowed as an anonymous Principal).
  const Authenticator* authenticator = nullptr;
  // Where the grpc_server_* metrics go and what the exposer serves; shared because the
  // exposer holds it weakly. Default: nullptr (the Server creates its own; see registry()).
  std::shared_ptr<prometheus::Registry> registry;
};

class Server {
 public:
  explicit Server(ServerOptions options);
  // Shuts down with an immediate deadline (in-flight calls are cancelled) if Shutdown
  // has not been called.
  ~Server();

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Adds a service (a generated Service, CallbackService, or any grpc::Service). Not
  // owned: it must outlive the Server. Only before Start().
  void RegisterService(grpc::Service* service);

  // Binds and starts serving. UNAVAILABLE if the gRPC or metrics address cannot be bound
  // (in use, not local, malformed); FAILED_PRECONDITION if called twice.
  absl::Status Start();

  // The bound gRPC port (the real one when grpc_addr asked for port 0); 0 before Start.
  int port() const;
  // The bound metrics port; 0 without an exposer or before Start.
  int metrics_port() const;

  // Health of "" and every registered service: SERVING or NOT_SERVING. No effect before
  // Start or once Shutdown has begun (health stays NOT_SERVING while draining).
  void SetServing(bool serving);

  // Health NOT_SERVING, stop accepting calls, let in-flight calls finish until
  // `deadline`, then cancel the rest; returns when every call is done. Idempotent; a
  // concurrent caller waits for the first one. The exposer keeps serving until the
  // Server is destroyed, so a last scrape still sees the final counts.
  void Shutdown(absl::Time deadline);
  // Shutdown(now + options.drain_timeout).
  void Shutdown();

  // Names of the registered services, as health checking and reflection report them
  // (health and reflection themselves excluded). Empty before Start.
  std::vector<std::string> service_names() const;

  prometheus::Registry& registry() const { return *registry_; }
  const std::shared_ptr<prometheus::Registry>& shared_registry() const { return registry_; }
  const Authenticator* authenticator() const { return options_.authenticator; }

 private:
  const ServerOptions options_;
  const std::shared_ptr<prometheus::Registry> registry_;
  GrpcServerMetricsPtr metrics_;
  CallTracker calls_;
  std::vector<grpc::Service*> services_;
  // Filled by a ServerBuilder plugin while the server is built.
  std::vector<std::string> all_service_names_;

  std::unique_ptr<grpc::Server> grpc_server_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
  int metrics_port_ = 0;

  absl::Mutex shutdown_mu_;  // held for the whole of Shutdown
  mutable absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

// Blocks SIGTERM and SIGINT in the calling thread, and so in every thread it creates
// afterwards. Call it first in main(), before any thread exists (gRPC, RocksDB and
// librdkafka start threads): otherwise a signal can land on a thread that does not block
// it and kill the process with the default action instead of being awaited.
void BlockShutdownSignals();

// Waits, with sigwait (no work in a signal handler), until SIGTERM or SIGINT arrives and
// returns its number. The signals must be blocked in every thread (BlockShutdownSignals).
int WaitForShutdownSignal();

}  // namespace salesperf::server

#endif  // SALESPERF_LIBS_SERVER_SERVER_H_
