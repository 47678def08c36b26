#include "libs/server/interceptors.h"

#include <array>
#include <chrono>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "libs/common/logging.h"
#include "libs/server/status.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"

namespace salesperf::server {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::InterceptorBatchMethods;
using grpc::experimental::ServerRpcInfo;
using Clock = std::chrono::steady_clock;

constexpr int kNumCodes = 17;  // grpc::StatusCode OK (0) .. UNAUTHENTICATED (16)

// "/pkg.Service/Method" -> {"pkg.Service", "Method"}.
std::pair<std::string, std::string> SplitMethod(std::string_view full) {
  if (!full.empty() && full.front() == '/') full.remove_prefix(1);
  const size_t slash = full.find('/');
  if (slash == std::string_view::npos) return {"unknown", std::string(full)};
  return {std::string(full.substr(0, slash)), std::string(full.substr(slash + 1))};
}

const char* TypeName(ServerRpcInfo::Type type) {
  switch (type) {
    case ServerRpcInfo::Type::UNARY:
      return "unary";
    case ServerRpcInfo::Type::CLIENT_STREAMING:
      return "client_stream";
    case ServerRpcInfo::Type::SERVER_STREAMING:
      return "server_stream";
    case ServerRpcInfo::Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unary";
}

int CodeIndex(grpc::StatusCode code) {
  const int i = static_cast<int>(code);
  return i >= 0 && i < kNumCodes ? i : static_cast<int>(grpc::StatusCode::UNKNOWN);
}

bool IsServerError(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::UNIMPLEMENTED:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DATA_LOSS:
      return true;
    default:
      return false;
  }
}

// Buckets of go-grpc-prometheus (prometheus.DefBuckets), so dashboards carry over.
const prometheus::Histogram::BucketBoundaries& HandlingBuckets() {
  static const auto* const buckets = new prometheus::Histogram::BucketBoundaries{
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *buckets;
}

}  // namespace

// Metric children are looked up once per method and type and cached, so that a call
// costs a hash lookup rather than three label-map constructions.
class GrpcServerMetrics {
 public:
  struct Method {
    prometheus::Counter* started = nullptr;
    prometheus::Histogram* handling = nullptr;
    std::array<prometheus::Counter*, kNumCodes> handled{};
    std::string service;
    std::string method;
    std::string type;
  };

  explicit GrpcServerMetrics(prometheus::Registry& registry)
      : started_(prometheus::BuildCounter()
                     .Name("grpc_server_started_total")
                     .Help("Total number of RPCs started on the server.")
                     .Register(registry)),
        handled_(prometheus::BuildCounter()
                     .Name("grpc_server_handled_total")
                     .Help("Total number of RPCs completed on the server, regardless of success "
                           "or failure.")
                     .Register(registry)),
        handling_(prometheus::BuildHistogram()
                      .Name("grpc_server_handling_seconds")
                      .Help("Histogram of response latency (seconds) of gRPC that had been "
                            "application-level handled by the server.")
                      .Register(registry)) {}

  // Never null; stable for the lifetime of this object.
  Method* Get(std::string_view full_method, ServerRpcInfo::Type type) {
    std::string key = std::string(full_method) + "|" + TypeName(type);
    absl::MutexLock lock(&mu_);
    auto [it, inserted] = methods_.try_emplace(std::move(key), nullptr);
    if (inserted) {
      auto m = std::make_unique<Method>();
      auto [service, method] = SplitMethod(full_method);
      m->service = std::move(service);
      m->method = std::move(method);
      m->type = TypeName(type);
      prometheus::Labels labels{
          {"grpc_service", m->service}, {"grpc_method", m->method}, {"grpc_type", m->type}};
      m->started = &started_.Add(labels);
      m->handling = &handling_.Add(labels, HandlingBuckets());
      it->second = std::move(m);
    }
    return it->second.get();
  }

  void Handled(Method* m, grpc::StatusCode code, double seconds) {
    const int i = CodeIndex(code);
    prometheus::Counter* counter;
    {
      absl::MutexLock lock(&mu_);
      if (m->handled[i] == nullptr) {
        m->handled[i] = &handled_.Add({{"grpc_service", m->service},
                                       {"grpc_method", m->method},
                                       {"grpc_type", m->type},
                                       {"grpc_code", GrpcCodeName(code)}});
      }
      counter = m->handled[i];
    }
    counter->Increment();
    m->handling->Observe(seconds);
  }

 private:
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& handling_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<Method>> methods_ ABSL_GUARDED_BY(mu_);
};

void GrpcServerMetricsDeleter::operator()(GrpcServerMetrics* metrics) const { delete metrics; }

GrpcServerMetricsPtr NewGrpcServerMetrics(prometheus::Registry& registry) {
  return GrpcServerMetricsPtr(new GrpcServerMetrics(registry));
}

namespace {

// Records the status once: at PRE_SEND_STATUS (before the client can see the answer, so
// metrics are up to date when a call returns), or as CANCELLED on destruction.
class FinishInterceptor : public grpc::experimental::Interceptor {
 public:
  void Intercept(InterceptorBatchMethods* methods) override {
    if (!finished_ &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      finished_ = true;
      const grpc::Status status = methods->GetSendStatus();
      OnFinish(status.error_code(), status.error_message(), Seconds());
    }
    methods->Proceed();
  }

 protected:
  virtual void OnFinish(grpc::StatusCode code, const std::string& message, double seconds) = 0;
  // Derived destructors call this: OnFinish is virtual, so it cannot run from ~FinishInterceptor.
  void FinishIfCancelled() {
    if (!finished_) {
      finished_ = true;
      OnFinish(grpc::StatusCode::CANCELLED, "call ended without a status", Seconds());
    }
  }

 private:
  double Seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

  const Clock::time_point start_ = Clock::now();
  bool finished_ = false;
};

class MetricsInterceptor : public FinishInterceptor {
 public:
  MetricsInterceptor(GrpcServerMetrics* metrics, ServerRpcInfo* info)
      : metrics_(metrics), method_(metrics->Get(info->method(), info->type())) {
    method_->started->Increment();
  }
  ~MetricsInterceptor() override { FinishIfCancelled(); }

 private:
  void OnFinish(grpc::StatusCode code, const std::string&, double seconds) override {
    metrics_->Handled(method_, code, seconds);
  }

  GrpcServerMetrics* const metrics_;
  GrpcServerMetrics::Method* const method_;
};

class MetricsInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(GrpcServerMetrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(ServerRpcInfo* info) override {
    return new MetricsInterceptor(metrics_, info);
  }

 private:
  GrpcServerMetrics* const metrics_;
};

class LoggingInterceptor : public FinishInterceptor {
 public:
  explicit LoggingInterceptor(ServerRpcInfo* info) : method_(info->method()) {}
  ~LoggingInterceptor() override { FinishIfCancelled(); }

 private:
  void OnFinish(grpc::StatusCode code, const std::string& message, double seconds) override {
    const LogLevel level = code == grpc::StatusCode::OK ? LogLevel::kDebug
                           : IsServerError(code)        ? LogLevel::kWarn
                                                        : LogLevel::kInfo;
    if (!LogEnabled(level)) return;
    auto [service, method] = SplitMethod(method_);
    if (code == grpc::StatusCode::OK) {
      Log(level, "grpc call",
          {{"grpc_service", service},
           {"grpc_method", method},
           {"grpc_code", GrpcCodeName(code)},
           {"duration_ms", seconds * 1e3}});
    } else {
      Log(level, "grpc call",
          {{"grpc_service", service},
           {"grpc_method", method},
           {"grpc_code", GrpcCodeName(code)},
           {"duration_ms", seconds * 1e3},
           {"error", message}});
    }
  }

  const char* const method_;
};

class LoggingInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(ServerRpcInfo* info) override {
    return new LoggingInterceptor(info);
  }
};

// In-flight calls' method names, keyed by their server context.
class CallMethods {
 public:
  static CallMethods& Get() {
    static CallMethods* const instance = new CallMethods();
    return *instance;
  }
  void Add(const grpc::ServerContextBase* context, const char* method) {
    absl::MutexLock lock(&mu_);
    methods_[context] = method;
  }
  void Remove(const grpc::ServerContextBase* context) {
    absl::MutexLock lock(&mu_);
    methods_.erase(context);
  }
  std::string_view Find(const grpc::ServerContextBase* context) {
    absl::MutexLock lock(&mu_);
    auto it = methods_.find(context);
    return it == methods_.end() || it->second == nullptr ? std::string_view()
                                                         : std::string_view(it->second);
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<const grpc::ServerContextBase*, const char*> methods_ ABSL_GUARDED_BY(mu_);
};

class CallMethodInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit CallMethodInterceptor(ServerRpcInfo* info) : context_(info->server_context()) {
    CallMethods::Get().Add(context_, info->method());
  }
  ~CallMethodInterceptor() override { CallMethods::Get().Remove(context_); }
  void Intercept(InterceptorBatchMethods* methods) override { methods->Proceed(); }

 private:
  const grpc::ServerContextBase* const context_;
};

}  // namespace

bool CallTracker::AwaitIdle(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return active_ == 0; };
  return mu_.AwaitWithDeadline(absl::Condition(&idle), deadline);
}

int CallTracker::active() const {
  absl::MutexLock lock(&mu_);
  return active_;
}

void CallTracker::Begin() {
  absl::MutexLock lock(&mu_);
  ++active_;
}

void CallTracker::End() {
  absl::MutexLock lock(&mu_);
  --active_;
}

class CallTrackingInterceptor : public grpc::experimental::Interceptor {
 public:
  CallTrackingInterceptor(CallTracker* tracker, ServerRpcInfo* info)
      : tracker_(std::string_view(info->method()) == "/grpc.health.v1.Health/Watch" ? nullptr
                                                                                    : tracker) {
    if (tracker_ != nullptr) tracker_->Begin();
  }
  ~CallTrackingInterceptor() override {
    if (tracker_ != nullptr) tracker_->End();
  }
  void Intercept(InterceptorBatchMethods* methods) override { methods->Proceed(); }

 private:
  CallTracker* const tracker_;
};

namespace {

class CallTrackingInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallTrackingInterceptorFactory(CallTracker* tracker) : tracker_(tracker) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(ServerRpcInfo* info) override {
    return new CallTrackingInterceptor(tracker_, info);
  }

 private:
  CallTracker* const tracker_;
};

class CallMethodInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(ServerRpcInfo* info) override {
    return new CallMethodInterceptor(info);
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewMetricsInterceptorFactory(
    GrpcServerMetrics* metrics) {
  return std::make_unique<MetricsInterceptorFactory>(metrics);
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewLoggingInterceptorFactory() {
  return std::make_unique<LoggingInterceptorFactory>();
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewCallMethodInterceptorFactory() {
  return std::make_unique<CallMethodInterceptorFactory>();
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewCallTrackingInterceptorFactory(CallTracker* tracker) {
  return std::make_unique<CallTrackingInterceptorFactory>(tracker);
}

std::string_view CallMethod(const grpc::ServerContextBase* context) {
  return CallMethods::Get().Find(context);
}

}  // namespace salesperf::server
