// Strong id types and UUIDs.
//
// Ids are 1-64 characters from [A-Za-z0-9._:-]: safe in RocksDB keys (no NUL or
// separator bytes), in Kafka keys, in URLs and in logs. Each entity gets its own
// type so that a RepId cannot be passed where a TeamId is expected.
#ifndef SALESPERF_LIBS_COMMON_IDS_H_
#define SALESPERF_LIBS_COMMON_IDS_H_

#include <compare>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "absl/random/bit_gen_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace salesperf {

inline constexpr size_t kMaxIdLength = 64;

// OK if `id` is a well-formed id; otherwise INVALID_ARGUMENT naming what is wrong.
absl::Status ValidateId(std::string_view id);

template <typename Tag>
class StrongId {
 public:
  StrongId() = default;

  // Validates `value`; INVALID_ARGUMENT if it is not a well-formed id.
  static absl::StatusOr<StrongId> Parse(std::string_view value) {
    if (absl::Status s = ValidateId(value); !s.ok()) return s;
    return StrongId(std::string(value));
  }
  // For values already known to be valid (read back from our own storage).
  static StrongId FromTrusted(std::string value) { return StrongId(std::move(value)); }

  const std::string& value() const { return value_; }
  bool empty() const { return value_.empty(); }

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>.
  friend auto operator<=>(const StrongId&, const StrongId&) = default;
  friend bool operator==(const StrongId&, const StrongId&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const StrongId& id) {
    return H::combine(std::move(h), id.value_);
  }
  // Debian's Abseil predates AbslStringify: print with operator<<, or StrCat(id.value()).
  friend std::ostream& operator<<(std::ostream& os, const StrongId& id) { return os << id.value_; }

 private:
  explicit StrongId(std::string value) : value_(std::move(value)) {}
  std::string value_;
};

using RegionId = StrongId<struct RegionIdTag>;
using TeamId = StrongId<struct TeamIdTag>;
using RepId = StrongId<struct RepIdTag>;
using CustomerId = StrongId<struct CustomerIdTag>;
using TargetId = StrongId<struct TargetIdTag>;

// A random (version 4) UUID, lower-case and hyphenated. Pass absl::BitGen in
// production and a seeded generator in tests.
std::string NewUuid(absl::BitGenRef gen);

}  // namespace salesperf

#endif  // SALESPERF_LIBS_COMMON_IDS_H_
