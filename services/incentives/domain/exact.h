// Exact integer helpers of the engine (internal to domain/; not part of the API).
//
// Every product the engine forms is of an int64 amount and factors bounded by the
// plan limits (plan.h), so it fits in 128 bits; results are narrowed back to int64 with
// OUT_OF_RANGE on overflow.
#ifndef SALESPERF_SERVICES_INCENTIVES_DOMAIN_EXACT_H_
#define SALESPERF_SERVICES_INCENTIVES_DOMAIN_EXACT_H_

#include <cstdint>
#include <limits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace salesperf::incentives {

using int128 = __int128;

inline absl::StatusOr<int64_t> Narrow(int128 v) {
  if (v > std::numeric_limits<int64_t>::max() || v < std::numeric_limits<int64_t>::min()) {
    return absl::OutOfRangeError("amount overflows int64 minor units");
  }
  return static_cast<int64_t>(v);
}

// n / d rounded half to even; d > 0.
inline int128 RoundHalfEven128(int128 n, int128 d) {
  int128 q = n / d;  // toward zero
  int128 r = n % d;
  if (r == 0) return q;
  const int128 twice = 2 * (r < 0 ? -r : r);
  const int128 away = n < 0 ? q - 1 : q + 1;
  if (twice < d) return q;
  if (twice > d) return away;
  return q % 2 == 0 ? q : away;
}

inline absl::StatusOr<int64_t> RoundHalfEven(int128 n, int128 d) {
  return Narrow(RoundHalfEven128(n, d));
}

// ceil(n / d) for n >= 0, d > 0.
inline int128 CeilDiv(int128 n, int128 d) { return (n + d - 1) / d; }

inline int128 Gcd128(int128 a, int128 b) {
  while (b != 0) {
    int128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

}  // namespace salesperf::incentives

#endif  // SALESPERF_SERVICES_INCENTIVES_DOMAIN_EXACT_H_
