#include "tools/loadgen/rpc.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace salesperf::loadgen {

absl::StatusOr<Endpoints> Endpoints::Connect(
    const std::string& server, const std::map<std::string, std::string>& per_service) {
  Endpoints endpoints;
  for (const auto& [name, address] : per_service) {
    if (std::find_if(std::begin(kServiceNames), std::end(kServiceNames),
                     [&](const char* known) { return name == known; }) == std::end(kServiceNames)) {
      return absl::InvalidArgumentError(absl::StrCat("unknown service \"", name,
                                                     "\"; expected targets, activity, feedback, "
                                                     "incentives or analytics"));
    }
  }
  for (const char* name : kServiceNames) {
    auto it = per_service.find(name);
    const std::string& address =
        it != per_service.end() && !it->second.empty() ? it->second : server;
    if (address.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("no address for the ", name, " service"));
    }
    endpoints.addresses_[name] = address;
  }
  std::map<std::string, std::shared_ptr<grpc::Channel>> by_address;
  for (const auto& [name, address] : endpoints.addresses_) {
    std::shared_ptr<grpc::Channel>& channel = by_address[address];
    if (channel == nullptr) {
      grpc::ChannelArguments args;
      // Bulk imports send batches of a few megabytes.
      args.SetMaxSendMessageSize(64 << 20);
      args.SetMaxReceiveMessageSize(64 << 20);
      channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
    }
    endpoints.channels_[name] = channel;
  }
  return endpoints;
}

std::shared_ptr<grpc::Channel> Endpoints::channel(const std::string& service) const {
  return channels_.at(service);
}

const std::string& Endpoints::address(const std::string& service) const {
  return addresses_.at(service);
}

absl::Status FromGrpc(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

void Prepare(grpc::ClientContext& context, const CallOptions& options) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + options.deadline));
  if (!options.actor.empty()) context.AddMetadata("x-salesperf-actor", options.actor);
}

absl::Status ParallelFor(int64_t count, int concurrency,
                         const std::function<absl::Status(int64_t)>& body) {
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  absl::Mutex mu;
  int64_t error_index = count;
  absl::Status error;
  auto work = [&] {
    for (;;) {
      if (failed.load(std::memory_order_relaxed)) return;
      const int64_t i = next.fetch_add(1);
      if (i >= count) return;
      absl::Status s = body(i);
      if (!s.ok()) {
        failed = true;
        absl::MutexLock lock(&mu);
        if (i < error_index) {
          error_index = i;
          error = std::move(s);
        }
      }
    }
  };
  const int threads =
      static_cast<int>(std::clamp<int64_t>(concurrency, 1, std::max<int64_t>(count, 1)));
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(threads - 1));
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  return error;
}

}  // namespace salesperf::loadgen
