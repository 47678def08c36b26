// Money: an integer number of minor units (fen, cents) and an ISO 4217 currency.
//
// Never a float. 12.34 CNY is Money(CNY, 1234). Every operation that can fail
// returns absl::StatusOr, so that overflow or mixing currencies is an error the
// caller sees instead of a wrong number in a statement:
//   - INVALID_ARGUMENT: a malformed currency code or amount string, a zero rate
//     denominator, bad weights, and mixing two currencies. Mixing currencies is
//     INVALID_ARGUMENT rather than FAILED_PRECONDITION because it is a property of
//     the arguments alone: no change of system state makes "CNY + USD" valid
//     (absl/status.h's rule for choosing between the two). A service that treats
//     it as a broken business rule maps it itself.
//   - OUT_OF_RANGE: the exact result does not fit in int64 minor units.
//
// Rounding: operations that divide (Multiply by a Rate, DivideRounded) take a
// RoundingMode whose default is kHalfEven (banker's rounding). Half-even is the
// default because incentive statements and analytics add up many rounded lines:
// rounding halves always away from zero biases such sums upward by a quarter of a
// minor unit per halfway line, while half-even is unbiased. Where a contract or
// regulation names another rule (e.g. 四舍五入, which is kHalfAwayFromZero), pass
// it explicitly.
//
// Splitting: Allocate() and SplitEvenly() use the largest-remainder method, so the
// parts always add up exactly to the total.
//
// All types here are values: copyable, immutable after construction, and safe to
// use from many threads.
#ifndef SALESPERF_LIBS_COMMON_MONEY_H_
#define SALESPERF_LIBS_COMMON_MONEY_H_

#include <array>
#include <compare>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "salesperf/common/v1/money.pb.h"

namespace salesperf {

// An ISO 4217 currency: three upper-case ASCII letters and the number of minor-unit
// digits (the exponent). Known exponents: JPY KRW CLP ISK VND UGX PYG XAF XOF 0;
// KWD BHD JOD OMR TND IQD LYD 3; every other well-formed code (CNY, USD, EUR, GBP,
// HKD, ...) 2. Well-formed codes that ISO does not list are accepted: the list of
// currencies changes, and rejecting one is a business decision, not ours.
class Currency {
 public:
  // INVALID_ARGUMENT unless `code` is exactly three upper-case letters A-Z.
  static absl::StatusOr<Currency> Parse(std::string_view code);

  std::string_view code() const { return std::string_view(code_.data(), code_.size()); }
  // Digits after the decimal point: 2 for CNY (1 yuan = 100 fen), 0 for JPY.
  int exponent() const { return exponent_; }

  friend bool operator==(const Currency& a, const Currency& b) { return a.code_ == b.code_; }
  template <typename H>
  friend H AbslHashValue(H h, const Currency& c) {
    return H::combine(std::move(h), c.code());
  }
  friend std::ostream& operator<<(std::ostream& os, const Currency& c) { return os << c.code(); }

 private:
  Currency(std::array<char, 3> code, int exponent) : code_(code), exponent_(exponent) {}
  std::array<char, 3> code_;
  int exponent_;
};

// How to round an exact rational result to a whole number of minor units.
// Examples for 2.5 / -2.5 / 2.4 / -2.6:
enum class RoundingMode {
  kHalfEven,          // 2 / -2 / 2 / -3. Ties to the even neighbour. The default.
  kHalfAwayFromZero,  // 3 / -3 / 2 / -3. Ties away from zero (四舍五入).
  kTowardZero,        // 2 / -2 / 2 / -2. Truncation.
  kFloor,             // 2 / -3 / 2 / -3. Toward negative infinity.
  kCeiling,           // 3 / -2 / 3 / -2. Toward positive infinity.
};

// "half_even", "half_away_from_zero", "toward_zero", "floor", "ceiling".
std::string_view RoundingModeName(RoundingMode mode);

// An exact rational factor numerator / denominator, e.g. a commission rate.
// The denominator must not be zero; its sign may be negative.
struct Rate {
  int64_t numerator = 0;
  int64_t denominator = 1;

  // 1 basis point = 1/10000: BasisPoints(250) is 2.5%.
  static constexpr Rate BasisPoints(int64_t bps) { return Rate{bps, 10'000}; }
  static constexpr Rate Percent(int64_t percent) { return Rate{percent, 100}; }
  static constexpr Rate Ratio(int64_t numerator, int64_t denominator) {
    return Rate{numerator, denominator};
  }
};

// numerator / denominator rounded by `mode`. INVALID_ARGUMENT for a zero
// denominator; OUT_OF_RANGE if the result does not fit in int64 (only
// INT64_MIN / -1 can overflow).
absl::StatusOr<int64_t> DivideRounded(int64_t numerator, int64_t denominator,
                                      RoundingMode mode = RoundingMode::kHalfEven);

// amount * rate, computed exactly in 128 bits and rounded once by `mode`.
// INVALID_ARGUMENT for a zero denominator; OUT_OF_RANGE if the result does not fit.
absl::StatusOr<int64_t> MultiplyByRate(int64_t amount, Rate rate,
                                       RoundingMode mode = RoundingMode::kHalfEven);

class Money {
 public:
  // Always valid: the currency was validated when it was parsed.
  Money(Currency currency, int64_t minor_units) : currency_(currency), minor_units_(minor_units) {}

  // INVALID_ARGUMENT for a malformed currency code.
  static absl::StatusOr<Money> Of(std::string_view currency_code, int64_t minor_units);
  static Money Zero(Currency currency) { return Money(currency, 0); }

  // Parses a plain decimal amount in major units: "1234.50", "-0.5", "7" (for
  // CNY: 123450, -50, 700 fen). Grammar: optional '-', one or more digits, then
  // optionally '.' and 1..exponent digits. More fractional digits than the currency
  // has are rejected rather than rounded; so are grouping separators, '+', spaces
  // and a '.' in a currency with exponent 0. INVALID_ARGUMENT for a bad currency or
  // amount; OUT_OF_RANGE if it does not fit in int64 minor units.
  static absl::StatusOr<Money> Parse(std::string_view currency_code, std::string_view amount);

  // INVALID_ARGUMENT (message names `currency_code`) for a malformed currency code.
  static absl::StatusOr<Money> FromProto(const common::v1::Money& proto);
  common::v1::Money ToProto() const;

  const Currency& currency() const { return currency_; }
  std::string_view currency_code() const { return currency_.code(); }
  int64_t minor_units() const { return minor_units_; }
  bool is_zero() const { return minor_units_ == 0; }
  bool is_negative() const { return minor_units_ < 0; }
  bool is_positive() const { return minor_units_ > 0; }

  // The amount in major units, for machines: "1234.50", "-0.05", "1234" (JPY).
  // Parse(code, ToDecimalString()) gives back the same Money.
  std::string ToDecimalString() const;
  // For people: "CNY 1,234.50", "CNY -1,234.50", "JPY 1,235".
  std::string Format() const;

  // Exact arithmetic. INVALID_ARGUMENT if the currencies differ; OUT_OF_RANGE on
  // int64 overflow.
  absl::StatusOr<Money> Add(const Money& other) const;
  absl::StatusOr<Money> Subtract(const Money& other) const;
  // OUT_OF_RANGE only for the most negative int64.
  absl::StatusOr<Money> Negate() const;
  absl::StatusOr<Money> Abs() const;
  // amount * factor, e.g. quantity times unit price. OUT_OF_RANGE on overflow.
  absl::StatusOr<Money> Times(int64_t factor) const;
  // amount * rate rounded once by `mode` (see the rounding policy above), e.g.
  // a 2.5% commission: Multiply(Rate::BasisPoints(250)).
  absl::StatusOr<Money> Multiply(Rate rate, RoundingMode mode = RoundingMode::kHalfEven) const;

  // Orders two amounts of the same currency; INVALID_ARGUMENT if they differ.
  absl::StatusOr<std::strong_ordering> Compare(const Money& other) const;

  // Same currency and same amount. Amounts in different currencies are never equal.
  friend bool operator==(const Money& a, const Money& b) = default;
  template <typename H>
  friend H AbslHashValue(H h, const Money& m) {
    return H::combine(std::move(h), m.currency_, m.minor_units_);
  }
  friend std::ostream& operator<<(std::ostream& os, const Money& m) { return os << m.Format(); }

 private:
  Currency currency_;
  int64_t minor_units_;
};

// The sum of `amounts`, all in `currency` (Zero(currency) if empty).
// INVALID_ARGUMENT if any amount is in another currency; OUT_OF_RANGE on overflow.
absl::StatusOr<Money> Sum(const Currency& currency, absl::Span<const Money> amounts);

// Splits `total` into weights.size() parts proportional to `weights` (largest-
// remainder method). Each part first gets floor(|total| * w_i / sum(w)); the units
// left over go one each to the parts with the largest fractional remainder, ties
// to the lowest index. So the parts always add up to `total`, each part is within
// one unit of its exact share, a zero weight always gets zero, and the result is
// deterministic. A negative total is split like its magnitude, then negated.
// INVALID_ARGUMENT if `weights` is empty, holds a negative weight, or is all zeros.
absl::StatusOr<std::vector<int64_t>> Allocate(int64_t total, absl::Span<const int64_t> weights);
absl::StatusOr<std::vector<Money>> Allocate(const Money& total, absl::Span<const int64_t> weights);

// Allocate() with n equal weights: the first |total| mod n parts get one unit more.
// INVALID_ARGUMENT if n < 1.
absl::StatusOr<std::vector<int64_t>> SplitEvenly(int64_t total, int n);
absl::StatusOr<std::vector<Money>> SplitEvenly(const Money& total, int n);

}  // namespace salesperf

#endif  // SALESPERF_LIBS_COMMON_MONEY_H_
