#include "libs/common/ids.h"

#include <cstdint>

#include "absl/random/distributions.h"
#include "absl/strings/ascii.h"

namespace salesperf {

absl::Status ValidateId(std::string_view id) {
  if (id.empty()) return absl::InvalidArgumentError("must not be empty");
  if (id.size() > kMaxIdLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("must be at most ", kMaxIdLength, " characters"));
  }
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != ':' &&
        c != '-') {
      return absl::InvalidArgumentError("may contain only letters, digits and . _ : -");
    }
  }
  return absl::OkStatus();
}

std::string NewUuid(absl::BitGenRef gen) {
  uint8_t bytes[16];
  for (uint8_t& b : bytes) b = absl::Uniform<uint8_t>(gen);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;  // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80;  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0xf]);
  }
  return out;
}

}  // namespace salesperf
