#include "libs/server/server.h"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/sync_stream.h"
#include "gtest/gtest.h"
#include "libs/common/validation.h"
#include "libs/server/auth.h"
#include "libs/server/interceptors.h"
#include "libs/server/status.h"
#include "libs/server/unary.h"
#include "libs/testing/probes.h"
#include "libs/testing/status_matchers.h"
#include "prometheus/metric_family.h"
#include "salesperf/testing/v1/echo.grpc.pb.h"

namespace salesperf::server {
namespace {

using ::salesperf::testing::CheckHealth;
using ::salesperf::testing::HttpGet;
using ::salesperf::testing::IsOk;
using ::salesperf::testing::kNotServing;
using ::salesperf::testing::kServing;
using ::salesperf::testing::StatusIs;
using salesperf::testing::v1::EchoFailure;
using salesperf::testing::v1::EchoRequest;
using salesperf::testing::v1::EchoResponse;
using salesperf::testing::v1::EchoService;
using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kEchoService[] = "salesperf.testing.v1.EchoService";
constexpr char kEchoMethod[] = "/salesperf.testing.v1.EchoService/Echo";
constexpr char kSlow[] = "slow";  // payload that parks the call until Release()

absl::Status FailureStatus(const EchoFailure& fail) {
  absl::Status status(static_cast<absl::StatusCode>(fail.code()), fail.message());
  if (fail.field_violations_size() > 0) {
    FieldViolations violations;
    for (const auto& v : fail.field_violations()) violations.Add(v.field(), v.description());
    status.SetPayload(kBadRequestTypeUrl, *violations.ToStatus().GetPayload(kBadRequestTypeUrl));
  }
  return status;
}

// A call parked by the test service until the test releases it or gRPC cancels it.
class ParkedReactor : public grpc::ServerUnaryReactor {
 public:
  explicit ParkedReactor(EchoResponse* response) : response_(response) {}
  void Release() {
    response_->set_payload(kSlow);
    FinishOnce(grpc::Status::OK);
  }
  void OnCancel() override { FinishOnce(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled")); }
  void OnDone() override { delete this; }

 private:
  void FinishOnce(const grpc::Status& status) {
    if (!finished_.exchange(true)) Finish(status);
  }
  EchoResponse* const response_;
  std::atomic<bool> finished_{false};
};

// EchoService as a service's server/ adapter looks: HandleUnary around a handler. The
// "slow" payload parks the call instead, so that shutdown can be tested with a call in flight.
class TestEchoService : public EchoService::CallbackService {
 public:
  explicit TestEchoService(const Authenticator* authenticator) : authenticator_(authenticator) {}

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context, const EchoRequest* request,
                                 EchoResponse* response) override {
    if (request->payload() == kSlow) {
      auto* reactor = new ParkedReactor(response);
      absl::MutexLock lock(&mu_);
      parked_ = reactor;
      return reactor;
    }
    return HandleUnary(context, request, response, authenticator_,
                       [](const Principal& caller, const EchoRequest& req, EchoResponse* resp) {
                         if (req.fail().code() != 0) return FailureStatus(req.fail());
                         resp->set_payload(req.payload());
                         resp->set_subject(caller.subject);
                         return absl::OkStatus();
                       });
  }

  // Blocks until a slow call is parked and returns it (owned by gRPC).
  ParkedReactor* AwaitParked() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](ParkedReactor** parked) { return *parked != nullptr; }, &parked_));
    return parked_;
  }

 private:
  const Authenticator* const authenticator_;
  absl::Mutex mu_;
  ParkedReactor* parked_ ABSL_GUARDED_BY(mu_) = nullptr;
};

// Records the method each call is authenticated for, and lets everyone in as "anyone".
class RecordingAuthenticator : public Authenticator {
 public:
  absl::StatusOr<Principal> Authenticate(std::string_view method, const Metadata&) const override {
    absl::MutexLock lock(&mu_);
    methods_.emplace_back(method);
    return Principal{"anyone", {}};
  }
  std::vector<std::string> methods() const {
    absl::MutexLock lock(&mu_);
    return methods_;
  }

 private:
  mutable absl::Mutex mu_;
  mutable std::vector<std::string> methods_ ABSL_GUARDED_BY(mu_);
};

// --- a raw client for the services we have no generated stubs for (health, reflection) ---

std::string Field(int number, const std::string& bytes) {  // length-delimited field, < 128 bytes
  std::string out;
  out.push_back(static_cast<char>((number << 3) | 2));
  out.push_back(static_cast<char>(bytes.size()));
  return out + bytes;
}

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& s : slices)
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

int HealthStatusOf(const std::string& response) {
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromString(response)) return -1;
  for (int i = 0; i < fields.field_count(); ++i) {
    if (fields.field(i).number() == 1) return static_cast<int>(fields.field(i).varint());
  }
  return ::salesperf::testing::kHealthUnknown;  // proto3 default
}

// Service names listed by grpc.reflection.v1alpha.ServerReflection.
absl::StatusOr<std::vector<std::string>> ReflectionServices(
    const std::shared_ptr<grpc::Channel>& channel) {
  grpc::ClientContext context;
  grpc::internal::RpcMethod method("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                   grpc::internal::RpcMethod::BIDI_STREAMING);
  auto stream = std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>>(
      grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, grpc::ByteBuffer>::Create(
          channel.get(), method, &context));
  stream->Write(ToBuffer(Field(7, "")));  // list_services: ""
  stream->WritesDone();
  grpc::ByteBuffer buffer;
  std::vector<std::string> names;
  while (stream->Read(&buffer)) {
    google::protobuf::UnknownFieldSet response;
    if (!response.ParseFromString(FromBuffer(buffer))) return absl::InternalError("bad response");
    for (int i = 0; i < response.field_count(); ++i) {
      if (response.field(i).number() != 6) continue;  // list_services_response
      google::protobuf::UnknownFieldSet list;
      if (!list.ParseFromString(response.field(i).length_delimited())) {
        return absl::InternalError("bad list");
      }
      for (int j = 0; j < list.field_count(); ++j) {
        google::protobuf::UnknownFieldSet service;
        if (!service.ParseFromString(list.field(j).length_delimited())) {
          return absl::InternalError("bad service");
        }
        names.push_back(service.field(0).length_delimited());
      }
    }
  }
  grpc::Status status = stream->Finish();
  if (!status.ok()) return FromGrpcStatus(status);
  return names;
}

// The value of a counter, or -1 when the labelled series does not exist.
double CounterValue(prometheus::Registry& registry, const std::string& name,
                    const std::map<std::string, std::string>& labels) {
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      std::map<std::string, std::string> have;
      for (const auto& label : metric.label) have[label.name] = label.value;
      bool match = true;
      for (const auto& [k, v] : labels) match = match && have.count(k) && have[k] == v;
      if (match) return metric.counter.value;
    }
  }
  return -1;
}

uint64_t HistogramCount(prometheus::Registry& registry, const std::string& name,
                        const std::map<std::string, std::string>& labels) {
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      std::map<std::string, std::string> have;
      for (const auto& label : metric.label) have[label.name] = label.value;
      if (have == labels) return metric.histogram.sample_count;
    }
  }
  return 0;
}

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    service_ = std::make_unique<TestEchoService>(options.authenticator);
    server_ = std::make_unique<Server>(std::move(options));
    server_->RegisterService(service_.get());
    ASSERT_THAT(server_->Start(), IsOk());
    ASSERT_GT(server_->port(), 0);
    channel_ = NewChannel();
    stub_ = EchoService::NewStub(channel_);
  }

  std::shared_ptr<grpc::Channel> NewChannel() const {
    return grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                               grpc::InsecureChannelCredentials());
  }

  // Echo through the generated stub; the absl::Status of the call, the response in `out`.
  absl::Status Echo(const EchoRequest& request, EchoResponse* out = nullptr,
                    const std::string& authorization = "") {
    grpc::ClientContext context;
    if (!authorization.empty()) context.AddMetadata("authorization", authorization);
    EchoResponse response;
    absl::Status status = FromGrpcStatus(stub_->Echo(&context, request, &response));
    if (out != nullptr) *out = response;
    return status;
  }

  std::unique_ptr<TestEchoService> service_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<EchoService::Stub> stub_;
};

TEST_F(ServerTest, EchoesOnTheBoundPort) {
  StartServer();
  EchoRequest request;
  request.set_payload(std::string("\0binary\xff", 8));
  EchoResponse response;
  ASSERT_THAT(Echo(request, &response), IsOk());
  EXPECT_EQ(response.payload(), request.payload());
  EXPECT_EQ(response.subject(), "") << "no authenticator: anonymous caller";
  EXPECT_THAT(server_->service_names(), ElementsAre(kEchoService));
}

TEST_F(ServerTest, InvalidArgumentCarriesFieldViolationsToTheClient) {
  StartServer();
  EchoRequest request;
  request.mutable_fail()->set_code(static_cast<int>(absl::StatusCode::kInvalidArgument));
  request.mutable_fail()->set_message("bad deal");
  auto* v = request.mutable_fail()->add_field_violations();
  v->set_field("deal.amount.currency");
  v->set_description("must be an ISO 4217 code");
  v = request.mutable_fail()->add_field_violations();
  v->set_field("records[2].started_at");
  v->set_description("is required");

  // A raw client sees the standard trailer.
  grpc::ClientContext context;
  EchoResponse response;
  grpc::Status wire = stub_->Echo(&context, request, &response);
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(wire.error_message(), "bad deal");
  EXPECT_FALSE(wire.error_details().empty());
  EXPECT_EQ(context.GetServerTrailingMetadata().count("grpc-status-details-bin"), 1u);

  const absl::Status status = FromGrpcStatus(wire);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument, "bad deal"));
  EXPECT_THAT(FieldViolationsOf(status),
              ElementsAre(FieldViolation{"deal.amount.currency", "must be an ISO 4217 code"},
                          FieldViolation{"records[2].started_at", "is required"}));
}

TEST_F(ServerTest, EveryCodeReachesTheClient) {
  StartServer();
  for (int code = 1; code <= 16; ++code) {
    EchoRequest request;
    request.mutable_fail()->set_code(code);
    request.mutable_fail()->set_message("failure " + std::to_string(code));
    EXPECT_EQ(Echo(request),
              absl::Status(static_cast<absl::StatusCode>(code), "failure " + std::to_string(code)));
  }
}

TEST_F(ServerTest, HealthIsNotServingUntilTheOwnerSaysSo) {
  StartServer();
  EXPECT_EQ(CheckHealth(channel_, ""), kNotServing);
  EXPECT_EQ(CheckHealth(channel_, kEchoService), kNotServing);
  EXPECT_EQ(CheckHealth(channel_, "no.such.Service"), -1) << "NOT_FOUND";

  server_->SetServing(true);
  EXPECT_EQ(CheckHealth(channel_, ""), kServing);
  EXPECT_EQ(CheckHealth(channel_, kEchoService), kServing);

  server_->SetServing(false);
  EXPECT_EQ(CheckHealth(channel_, ""), kNotServing);
  EXPECT_EQ(CheckHealth(channel_, kEchoService), kNotServing);
}

TEST_F(ServerTest, ReflectionListsTheServicesUnlessTurnedOff) {
  StartServer();
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, ReflectionServices(channel_));
  EXPECT_THAT(names, Contains(kEchoService));
  EXPECT_THAT(names, Contains("grpc.health.v1.Health"));

  ServerOptions off;
  off.reflection = false;
  StartServer(off);
  EXPECT_THAT(ReflectionServices(channel_), StatusIs(absl::StatusCode::kUnimplemented));
}

TEST_F(ServerTest, MetricsCountStartedAndHandledCallsByCode) {
  StartServer();
  EchoRequest ok;
  ok.set_payload("x");
  ASSERT_THAT(Echo(ok), IsOk());
  ASSERT_THAT(Echo(ok), IsOk());
  EchoRequest bad;
  bad.mutable_fail()->set_code(static_cast<int>(absl::StatusCode::kInvalidArgument));
  ASSERT_THAT(Echo(bad), StatusIs(absl::StatusCode::kInvalidArgument));
  EchoRequest unavailable;
  unavailable.mutable_fail()->set_code(static_cast<int>(absl::StatusCode::kUnavailable));
  ASSERT_THAT(Echo(unavailable), StatusIs(absl::StatusCode::kUnavailable));

  prometheus::Registry& registry = server_->registry();
  const std::map<std::string, std::string> echo{
      {"grpc_service", kEchoService}, {"grpc_method", "Echo"}, {"grpc_type", "unary"}};
  EXPECT_EQ(CounterValue(registry, "grpc_server_started_total", echo), 4);
  auto with_code = [&](const char* code) {
    auto labels = echo;
    labels["grpc_code"] = code;
    return labels;
  };
  EXPECT_EQ(CounterValue(registry, "grpc_server_handled_total", with_code("OK")), 2);
  EXPECT_EQ(CounterValue(registry, "grpc_server_handled_total", with_code("INVALID_ARGUMENT")), 1);
  EXPECT_EQ(CounterValue(registry, "grpc_server_handled_total", with_code("UNAVAILABLE")), 1);
  EXPECT_EQ(CounterValue(registry, "grpc_server_handled_total", with_code("NOT_FOUND")), -1);
  EXPECT_EQ(HistogramCount(registry, "grpc_server_handling_seconds", echo), 4u);

  // Health checks are counted too, under their own service.
  ASSERT_EQ(CheckHealth(channel_, ""), kNotServing);
  EXPECT_EQ(CounterValue(registry, "grpc_server_handled_total",
                         {{"grpc_service", "grpc.health.v1.Health"},
                          {"grpc_method", "Check"},
                          {"grpc_code", "OK"}}),
            1);
}

TEST_F(ServerTest, ExposerServesTheRegistryOverHttp) {
  auto registry = std::make_shared<prometheus::Registry>();
  ServerOptions options;
  options.metrics_addr = "127.0.0.1:0";
  options.registry = registry;
  StartServer(options);
  EXPECT_EQ(&server_->registry(), registry.get());
  ASSERT_GT(server_->metrics_port(), 0);
  EchoRequest bad;
  bad.mutable_fail()->set_code(static_cast<int>(absl::StatusCode::kNotFound));
  ASSERT_THAT(Echo(bad), StatusIs(absl::StatusCode::kNotFound));

  const std::string body = HttpGet(server_->metrics_port(), "/metrics");
  EXPECT_THAT(body, HasSubstr("200 OK"));
  EXPECT_THAT(body, HasSubstr("# TYPE grpc_server_started_total counter"));
  EXPECT_THAT(body, HasSubstr("# TYPE grpc_server_handling_seconds histogram"));
  EXPECT_THAT(body, HasSubstr("grpc_server_handled_total{grpc_code=\"NOT_FOUND\",grpc_method="
                              "\"Echo\",grpc_service=\"salesperf.testing.v1.EchoService\","
                              "grpc_type=\"unary\"} 1"));
}

TEST_F(ServerTest, AuthenticationIsEnforcedByHandleUnaryButHealthAndReflectionStayOpen) {
  ASSERT_OK_AND_ASSIGN(auto auth, StaticTokenAuthenticator::FromString(
                                      Sha256Hex("s3cret") + " svc-reporting reader,exporter\n"));
  ServerOptions options;
  options.authenticator = auth.get();
  StartServer(options);
  EXPECT_EQ(server_->authenticator(), auth.get());
  EchoRequest request;
  request.set_payload("hello");

  EXPECT_THAT(Echo(request), StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("missing")));
  EXPECT_THAT(Echo(request, nullptr, "Bearer wrong"),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("invalid")));
  EchoResponse response;
  ASSERT_THAT(Echo(request, &response, "Bearer s3cret"), IsOk());
  EXPECT_EQ(response.payload(), "hello");
  EXPECT_EQ(response.subject(), "svc-reporting");

  EXPECT_EQ(CheckHealth(channel_, ""), kNotServing);
  EXPECT_THAT(ReflectionServices(channel_), IsOk());
  EXPECT_EQ(CounterValue(server_->registry(), "grpc_server_handled_total",
                         {{"grpc_method", "Echo"}, {"grpc_code", "UNAUTHENTICATED"}}),
            2);
}

TEST_F(ServerTest, AuthenticatorIsToldTheMethod) {
  RecordingAuthenticator auth;
  ServerOptions options;
  options.authenticator = &auth;
  StartServer(options);
  EchoResponse response;
  ASSERT_THAT(Echo(EchoRequest(), &response), IsOk());
  EXPECT_EQ(response.subject(), "anyone");
  EXPECT_THAT(auth.methods(), ElementsAre(kEchoMethod));
}

TEST_F(ServerTest, StartFailsWhenTheAddressCannotBeBound) {
  StartServer();
  ServerOptions same;
  same.grpc_addr = "127.0.0.1:" + std::to_string(server_->port());
  Server second(same);
  EXPECT_THAT(second.Start(), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(second.port(), 0);

  ServerOptions nonsense;
  nonsense.grpc_addr = "not-an-address:x";
  EXPECT_THAT(Server(nonsense).Start(), StatusIs(absl::StatusCode::kUnavailable));

  ServerOptions metrics_in_use;
  metrics_in_use.metrics_addr = "127.0.0.1:" + std::to_string(server_->port());
  EXPECT_THAT(Server(metrics_in_use).Start(), StatusIs(absl::StatusCode::kUnavailable));

  EXPECT_THAT(server_->Start(), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(ServerTest, ShutdownDrainsAnInFlightCallAndReportsNotServing) {
  StartServer();
  server_->SetServing(true);

  // A health watcher, as a load balancer would hold.
  grpc::ClientContext watch_context;
  grpc::internal::RpcMethod watch("/grpc.health.v1.Health/Watch",
                                  grpc::internal::RpcMethod::SERVER_STREAMING);
  std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> watcher(
      grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(
          channel_.get(), watch, &watch_context, ToBuffer(Field(1, ""))));
  grpc::ByteBuffer update;
  ASSERT_TRUE(watcher->Read(&update));
  EXPECT_EQ(HealthStatusOf(FromBuffer(update)), kServing);

  // A slow call in flight.
  EchoRequest slow;
  slow.set_payload(kSlow);
  grpc::ClientContext slow_context;
  EchoResponse slow_response;
  absl::Notification slow_done;
  grpc::Status slow_status;
  stub_->async()->Echo(&slow_context, &slow, &slow_response, [&](grpc::Status s) {
    slow_status = std::move(s);
    slow_done.Notify();
  });
  ParkedReactor* parked = service_->AwaitParked();

  std::thread shutdown([this] { server_->Shutdown(absl::Now() + absl::Hours(1)); });

  // Draining: health turns NOT_SERVING...
  ASSERT_TRUE(watcher->Read(&update));
  EXPECT_EQ(HealthStatusOf(FromBuffer(update)), kNotServing);
  // ...and new calls are refused while the slow one is still running.
  bool refused = false;
  for (int attempt = 0; attempt < 100000 && !refused; ++attempt) {
    auto channel = NewChannel();
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    EchoRequest request;
    EchoResponse response;
    refused = !EchoService::NewStub(channel)->Echo(&context, request, &response).ok();
  }
  ASSERT_TRUE(refused);
  EXPECT_FALSE(slow_done.HasBeenNotified());

  parked->Release();
  slow_done.WaitForNotification();
  EXPECT_TRUE(slow_status.ok()) << slow_status.error_message();
  EXPECT_EQ(slow_response.payload(), kSlow);
  shutdown.join();
  watcher->Finish().IgnoreError();

  server_->Shutdown();        // idempotent
  server_->SetServing(true);  // no effect once shut down
}

TEST_F(ServerTest, ShutdownCancelsCallsStillRunningAtTheDeadline) {
  StartServer();
  EchoRequest slow;
  slow.set_payload(kSlow);
  grpc::ClientContext slow_context;
  EchoResponse slow_response;
  absl::Notification slow_done;
  grpc::Status slow_status;
  stub_->async()->Echo(&slow_context, &slow, &slow_response, [&](grpc::Status s) {
    slow_status = std::move(s);
    slow_done.Notify();
  });
  service_->AwaitParked();

  server_->Shutdown(absl::Now());  // deadline already passed: cancel at once
  slow_done.WaitForNotification();
  // gRPC cancels by closing the connections, which the client reports as UNAVAILABLE.
  EXPECT_THAT(slow_status.error_code(),
              AnyOf(grpc::StatusCode::CANCELLED, grpc::StatusCode::UNAVAILABLE));
  EXPECT_EQ(CounterValue(server_->registry(), "grpc_server_handled_total",
                         {{"grpc_method", "Echo"}, {"grpc_code", "CANCELLED"}}),
            1);
}

TEST(ShutdownSignalTest, WaitReturnsTheSignalThatArrived) {
  for (int sig : {SIGTERM, SIGINT}) {
    absl::Notification blocked;
    std::atomic<int> received{0};
    std::thread waiter([&] {
      BlockShutdownSignals();
      blocked.Notify();
      received = WaitForShutdownSignal();
    });
    blocked.WaitForNotification();
    // Directed at the waiting thread: the rest of this test process does not block it.
    ASSERT_EQ(pthread_kill(waiter.native_handle(), sig), 0);
    waiter.join();
    EXPECT_EQ(received.load(), sig);
  }
}

}  // namespace
}  // namespace salesperf::server
