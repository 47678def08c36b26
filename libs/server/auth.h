// Authentication of gRPC callers.
//
// Where it is enforced: gRPC C++ server interceptors cannot reject a call before the
// handler runs (they may only rewrite the status it sends), so an interceptor cannot be
// the gate. Authentication is enforced by HandleUnary and HandleUnaryAsync
// (libs/server/unary.h), which call the Authenticator before the handler and answer
// UNAUTHENTICATED themselves. As a result,
// services that do not go through HandleUnary - grpc.health.v1.Health and server
// reflection - stay open, which is what probes and tooling need.
//
// Authorization (which roles may call what) is the handler's business: it gets the
// Principal and answers PERMISSION_DENIED.
#ifndef SALESPERF_LIBS_SERVER_AUTH_H_
#define SALESPERF_LIBS_SERVER_AUTH_H_

#include <array>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/support/string_ref.h"

namespace salesperf::server {

// Who is calling. `subject` is an id (never a token); `roles` are free-form names.
struct Principal {
  std::string subject;
  std::vector<std::string> roles;

  bool HasRole(std::string_view role) const;
  friend bool operator==(const Principal&, const Principal&) = default;
};

// The client metadata of a call, as grpc::ServerContextBase::client_metadata() gives it.
using Metadata = std::multimap<grpc::string_ref, grpc::string_ref>;

// Decides who a caller is from the call's metadata. Implementations are thread-safe:
// Authenticate is called concurrently from gRPC's callback threads.
class Authenticator {
 public:
  virtual ~Authenticator() = default;

  // The caller of `method` ("/package.Service/Method"; empty when unknown), or
  // UNAUTHENTICATED when the metadata carries no acceptable credentials. The status
  // message is sent to the client: it never contains the credential.
  virtual absl::StatusOr<Principal> Authenticate(std::string_view method,
                                                 const Metadata& metadata) const = 0;
};

using AuthenticatorPtr = std::unique_ptr<Authenticator>;

// Bearer tokens listed in a file, one per line:
//
//   # comment
//   <sha256 of the token, 64 hex digits> <subject> <role,role,...>
//
// Only hashes are stored, so the file leaks no tokens. A call authenticates with
// `authorization: Bearer <token>`; the token's SHA-256 is compared with every entry in
// constant time. Immutable after construction, hence thread-safe.
class StaticTokenAuthenticator : public Authenticator {
 public:
  // Parses the file's contents. INVALID_ARGUMENT (with the line number, never the line)
  // for a malformed line or a duplicate hash.
  static absl::StatusOr<std::unique_ptr<StaticTokenAuthenticator>> FromString(
      std::string_view contents);
  // Reads and parses `path`. NOT_FOUND if it cannot be read.
  static absl::StatusOr<std::unique_ptr<StaticTokenAuthenticator>> FromFile(
      const std::string& path);

  absl::StatusOr<Principal> Authenticate(std::string_view method,
                                         const Metadata& metadata) const override;

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::array<unsigned char, 32> hash;
    Principal principal;
  };
  explicit StaticTokenAuthenticator(std::vector<Entry> entries) : entries_(std::move(entries)) {}

  std::vector<Entry> entries_;
};

// Lower-case hex SHA-256 of `data` (OpenSSL libcrypto): what a token file lists.
std::string Sha256Hex(std::string_view data);

}  // namespace salesperf::server

#endif  // SALESPERF_LIBS_SERVER_AUTH_H_
