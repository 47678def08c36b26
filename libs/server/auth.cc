#include "libs/server/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace salesperf::server {
namespace {

constexpr std::string_view kAuthorizationKey = "authorization";
constexpr std::string_view kBearerPrefix = "bearer ";

std::array<unsigned char, 32> Sha256(std::string_view data) {
  std::array<unsigned char, 32> out{};
  unsigned int len = 0;
  // EVP_Digest with SHA-256 cannot fail for in-memory input short of allocation failure.
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 ||
      len != out.size()) {
    out.fill(0);
  }
  return out;
}

bool ParseHex(std::string_view hex, std::array<unsigned char, 32>* out) {
  if (hex.size() != 64) return false;
  for (char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  std::string bytes = absl::HexStringToBytes(absl::string_view(hex.data(), hex.size()));
  std::copy(bytes.begin(), bytes.end(), out->begin());
  return true;
}

}  // namespace

bool Principal::HasRole(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, 32> hash = Sha256(data);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
}

absl::StatusOr<std::unique_ptr<StaticTokenAuthenticator>> StaticTokenAuthenticator::FromString(
    std::string_view contents) {
  std::vector<Entry> entries;
  int line_number = 0;
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(contents.data(), contents.size()), '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> parts =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (parts.size() < 2 || parts.size() > 3) {
      return absl::InvalidArgumentError(absl::StrCat(
          "token file line ", line_number, ": want '<sha256hex> <subject> [role,role,...]'"));
    }
    Entry entry;
    if (!ParseHex(std::string_view(parts[0].data(), parts[0].size()), &entry.hash)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "token file line ", line_number, ": first field must be 64 hex digits (SHA-256)"));
    }
    entry.principal.subject = std::string(parts[1]);
    if (parts.size() == 3) {
      for (absl::string_view role : absl::StrSplit(parts[2], ',', absl::SkipEmpty())) {
        entry.principal.roles.emplace_back(role);
      }
    }
    for (const Entry& other : entries) {
      if (other.hash == entry.hash) {
        return absl::InvalidArgumentError(
            absl::StrCat("token file line ", line_number, ": duplicate token hash"));
      }
    }
    entries.push_back(std::move(entry));
  }
  return std::unique_ptr<StaticTokenAuthenticator>(
      new StaticTokenAuthenticator(std::move(entries)));
}

absl::StatusOr<std::unique_ptr<StaticTokenAuthenticator>> StaticTokenAuthenticator::FromFile(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read token file ", path));
  std::ostringstream contents;
  contents << in.rdbuf();
  absl::StatusOr<std::unique_ptr<StaticTokenAuthenticator>> parsed = FromString(contents.str());
  if (!parsed.ok()) {
    return absl::Status(parsed.status().code(),
                        absl::StrCat(path, ": ", parsed.status().message()));
  }
  return parsed;
}

absl::StatusOr<Principal> StaticTokenAuthenticator::Authenticate(std::string_view /*method*/,
                                                                 const Metadata& metadata) const {
  auto it = metadata.find(grpc::string_ref(kAuthorizationKey.data(), kAuthorizationKey.size()));
  if (it == metadata.end()) {
    return absl::UnauthenticatedError("missing credentials: send 'authorization: Bearer <token>'");
  }
  std::string_view value(it->second.data(), it->second.size());
  if (value.size() <= kBearerPrefix.size() ||
      !absl::EqualsIgnoreCase(absl::string_view(value.data(), kBearerPrefix.size()),
                              absl::string_view(kBearerPrefix.data(), kBearerPrefix.size()))) {
    return absl::UnauthenticatedError("authorization metadata must be 'Bearer <token>'");
  }
  const std::array<unsigned char, 32> hash = Sha256(value.substr(kBearerPrefix.size()));
  // Every entry is compared, without an early exit, so timing says nothing about which
  // entry (if any) matched.
  const Entry* match = nullptr;
  for (const Entry& entry : entries_) {
    if (CRYPTO_memcmp(entry.hash.data(), hash.data(), hash.size()) == 0) match = &entry;
  }
  if (match == nullptr) return absl::UnauthenticatedError("invalid bearer token");
  return match->principal;
}

}  // namespace salesperf::server
