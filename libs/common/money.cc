#include "libs/common/money.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/common/string_view_compat.h"

namespace salesperf {
namespace {

using int128 = __int128;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

int ExponentOf(std::string_view code) {
  // ISO 4217 currencies whose minor unit is not 1/100. Everything else gets 2.
  static constexpr std::string_view kZero[] = {"JPY", "KRW", "CLP", "ISK", "VND",
                                               "UGX", "PYG", "XAF", "XOF"};
  static constexpr std::string_view kThree[] = {"KWD", "BHD", "JOD", "OMR", "TND", "IQD", "LYD"};
  for (std::string_view c : kZero) {
    if (c == code) return 0;
  }
  for (std::string_view c : kThree) {
    if (c == code) return 3;
  }
  return 2;
}

// Quoted, escaped and shortened, for error messages about untrusted input.
std::string Quote(std::string_view s) {
  constexpr size_t kMax = 32;
  std::string shown = absl::CHexEscape(ToAbsl(s.substr(0, kMax)));
  return absl::StrCat("\"", shown, s.size() > kMax ? "...\"" : "\"");
}

absl::StatusOr<int64_t> Narrow(int128 v) {
  if (v > kInt64Max || v < kInt64Min) {
    return absl::OutOfRangeError("money amount overflows int64 minor units");
  }
  return static_cast<int64_t>(v);
}

int128 Abs128(int128 v) { return v < 0 ? -v : v; }

// n / d rounded by `mode`; d != 0. |n| and |d| stay below 2^127 / 2 for every caller
// (products of two int64), so 2 * |remainder| cannot overflow.
int128 DivideRounded128(int128 n, int128 d, RoundingMode mode) {
  int128 q = n / d;  // truncates toward zero
  int128 r = n % d;
  if (r == 0) return q;
  const bool negative = (n < 0) != (d < 0);
  const int128 away = negative ? q - 1 : q + 1;
  switch (mode) {
    case RoundingMode::kTowardZero:
      return q;
    case RoundingMode::kFloor:
      return negative ? away : q;
    case RoundingMode::kCeiling:
      return negative ? q : away;
    case RoundingMode::kHalfAwayFromZero:
    case RoundingMode::kHalfEven: {
      const int128 twice_r = 2 * Abs128(r);
      const int128 abs_d = Abs128(d);
      if (twice_r < abs_d) return q;
      if (twice_r > abs_d) return away;
      if (mode == RoundingMode::kHalfAwayFromZero) return away;
      return (q % 2 == 0) ? q : away;
    }
  }
  return q;
}

absl::Status CurrencyMismatch(const Currency& a, const Currency& b) {
  return absl::InvalidArgumentError(
      absl::StrCat("currency mismatch: ", ToAbsl(a.code()), " and ", ToAbsl(b.code())));
}

// Inserts ',' every three digits from the right of a run of digits.
std::string GroupThousands(std::string_view digits) {
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// The integer and fractional digits of |minor_units| (no sign), e.g. {"1234", "50"}.
std::pair<std::string, std::string> SplitDigits(int64_t minor_units, int exponent) {
  // The magnitude of INT64_MIN does not fit in int64, but does in uint64.
  uint64_t magnitude = minor_units < 0 ? uint64_t{0} - static_cast<uint64_t>(minor_units)
                                       : static_cast<uint64_t>(minor_units);
  std::string digits = absl::StrCat(magnitude);
  if (digits.size() <= static_cast<size_t>(exponent)) {
    digits.insert(0, static_cast<size_t>(exponent) + 1 - digits.size(), '0');
  }
  const size_t split = digits.size() - static_cast<size_t>(exponent);
  return {digits.substr(0, split), digits.substr(split)};
}

}  // namespace

absl::StatusOr<Currency> Currency::Parse(std::string_view code) {
  if (code.size() != 3 ||
      !std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return absl::InvalidArgumentError(absl::StrCat(
        "currency code must be three upper-case letters (ISO 4217), got ", Quote(code)));
  }
  return Currency({code[0], code[1], code[2]}, ExponentOf(code));
}

std::string_view RoundingModeName(RoundingMode mode) {
  switch (mode) {
    case RoundingMode::kHalfEven:
      return "half_even";
    case RoundingMode::kHalfAwayFromZero:
      return "half_away_from_zero";
    case RoundingMode::kTowardZero:
      return "toward_zero";
    case RoundingMode::kFloor:
      return "floor";
    case RoundingMode::kCeiling:
      return "ceiling";
  }
  return "unknown";
}

absl::StatusOr<int64_t> DivideRounded(int64_t numerator, int64_t denominator, RoundingMode mode) {
  if (denominator == 0) return absl::InvalidArgumentError("division by zero");
  return Narrow(DivideRounded128(numerator, denominator, mode));
}

absl::StatusOr<int64_t> MultiplyByRate(int64_t amount, Rate rate, RoundingMode mode) {
  if (rate.denominator == 0) return absl::InvalidArgumentError("rate denominator must not be 0");
  return Narrow(DivideRounded128(int128{amount} * rate.numerator, rate.denominator, mode));
}

absl::StatusOr<Money> Money::Of(std::string_view currency_code, int64_t minor_units) {
  absl::StatusOr<Currency> currency = Currency::Parse(currency_code);
  if (!currency.ok()) return currency.status();
  return Money(*currency, minor_units);
}

absl::StatusOr<Money> Money::Parse(std::string_view currency_code, std::string_view amount) {
  absl::StatusOr<Currency> currency = Currency::Parse(currency_code);
  if (!currency.ok()) return currency.status();
  const int exponent = currency->exponent();
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "amount ", Quote(amount), " is not a decimal number with at most ", exponent,
        " fractional digits for ", ToAbsl(currency_code), " (e.g. \"1234",
        exponent > 0 ? ".5" + std::string(static_cast<size_t>(exponent - 1), '0') : "", "\")"));
  };
  std::string_view rest = amount;
  const bool negative = !rest.empty() && rest.front() == '-';
  if (negative) rest.remove_prefix(1);
  const size_t dot = rest.find('.');
  std::string_view whole = rest.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : rest.substr(dot + 1);
  auto all_digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || !all_digits(whole) || !all_digits(fraction)) return bad();
  if (dot != std::string_view::npos &&
      (fraction.empty() || fraction.size() > static_cast<size_t>(exponent))) {
    return bad();
  }
  // Accumulate negatively so that INT64_MIN itself parses.
  int128 value = 0;
  auto push = [&](char c) -> bool {
    value = value * 10 - (c - '0');
    return value >= kInt64Min;
  };
  for (char c : whole) {
    if (!push(c))
      return absl::OutOfRangeError(absl::StrCat("amount ", Quote(amount), " overflows"));
  }
  for (int i = 0; i < exponent; ++i) {
    const char c = static_cast<size_t>(i) < fraction.size() ? fraction[i] : '0';
    if (!push(c))
      return absl::OutOfRangeError(absl::StrCat("amount ", Quote(amount), " overflows"));
  }
  if (!negative) value = -value;
  absl::StatusOr<int64_t> minor = Narrow(value);
  if (!minor.ok())
    return absl::OutOfRangeError(absl::StrCat("amount ", Quote(amount), " overflows"));
  return Money(*currency, *minor);
}

absl::StatusOr<Money> Money::FromProto(const common::v1::Money& proto) {
  absl::StatusOr<Currency> currency = Currency::Parse(proto.currency_code());
  if (!currency.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("currency_code: ", std::string(currency.status().message())));
  }
  return Money(*currency, proto.minor_units());
}

common::v1::Money Money::ToProto() const {
  common::v1::Money proto;
  proto.set_currency_code(std::string(currency_code()));
  proto.set_minor_units(minor_units_);
  return proto;
}

std::string Money::ToDecimalString() const {
  auto [whole, fraction] = SplitDigits(minor_units_, currency_.exponent());
  return absl::StrCat(minor_units_ < 0 ? "-" : "", whole, fraction.empty() ? "" : ".", fraction);
}

std::string Money::Format() const {
  auto [whole, fraction] = SplitDigits(minor_units_, currency_.exponent());
  return absl::StrCat(ToAbsl(currency_code()), " ", minor_units_ < 0 ? "-" : "",
                      GroupThousands(whole), fraction.empty() ? "" : ".", fraction);
}

absl::StatusOr<Money> Money::Add(const Money& other) const {
  if (!(currency_ == other.currency_)) return CurrencyMismatch(currency_, other.currency_);
  int64_t sum;
  if (__builtin_add_overflow(minor_units_, other.minor_units_, &sum)) {
    return absl::OutOfRangeError("money addition overflows int64 minor units");
  }
  return Money(currency_, sum);
}

absl::StatusOr<Money> Money::Subtract(const Money& other) const {
  if (!(currency_ == other.currency_)) return CurrencyMismatch(currency_, other.currency_);
  int64_t difference;
  if (__builtin_sub_overflow(minor_units_, other.minor_units_, &difference)) {
    return absl::OutOfRangeError("money subtraction overflows int64 minor units");
  }
  return Money(currency_, difference);
}

absl::StatusOr<Money> Money::Negate() const {
  absl::StatusOr<int64_t> negated = Narrow(-int128{minor_units_});
  if (!negated.ok()) return negated.status();
  return Money(currency_, *negated);
}

absl::StatusOr<Money> Money::Abs() const {
  if (minor_units_ >= 0) return *this;
  return Negate();
}

absl::StatusOr<Money> Money::Times(int64_t factor) const {
  absl::StatusOr<int64_t> product = Narrow(int128{minor_units_} * factor);
  if (!product.ok()) return product.status();
  return Money(currency_, *product);
}

absl::StatusOr<Money> Money::Multiply(Rate rate, RoundingMode mode) const {
  absl::StatusOr<int64_t> product = MultiplyByRate(minor_units_, rate, mode);
  if (!product.ok()) return product.status();
  return Money(currency_, *product);
}

absl::StatusOr<std::strong_ordering> Money::Compare(const Money& other) const {
  if (!(currency_ == other.currency_)) return CurrencyMismatch(currency_, other.currency_);
  return minor_units_ <=> other.minor_units_;
}

absl::StatusOr<Money> Sum(const Currency& currency, absl::Span<const Money> amounts) {
  Money total = Money::Zero(currency);
  for (const Money& m : amounts) {
    absl::StatusOr<Money> next = total.Add(m);
    if (!next.ok()) return next.status();
    total = *next;
  }
  return total;
}

absl::StatusOr<std::vector<int64_t>> Allocate(int64_t total, absl::Span<const int64_t> weights) {
  if (weights.empty()) return absl::InvalidArgumentError("allocation needs at least one weight");
  int128 weight_sum = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("allocation weight [", i, "] is negative: ", weights[i]));
    }
    weight_sum += weights[i];
  }
  if (weight_sum == 0) return absl::InvalidArgumentError("allocation weights are all zero");

  // Work on the magnitude so that rounding is symmetric for negative totals.
  const int128 magnitude = Abs128(total);
  std::vector<int128> shares(weights.size());
  std::vector<int128> remainders(weights.size());
  int128 allocated = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const int128 exact = magnitude * weights[i];  // < 2^63 * 2^63: fits
    shares[i] = exact / weight_sum;
    remainders[i] = exact % weight_sum;
    allocated += shares[i];
  }
  // Fewer than weights.size() units are left, and more than that many parts have a
  // non-zero remainder, so zero weights never receive one.
  int128 left = magnitude - allocated;
  std::vector<size_t> order(weights.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return remainders[a] > remainders[b]; });
  for (size_t i = 0; left > 0; ++i, --left) ++shares[order[i]];

  std::vector<int64_t> parts(weights.size());
  for (size_t i = 0; i < weights.size(); ++i) {
    // Each share is at most |total|, so it fits once the sign is restored.
    parts[i] = static_cast<int64_t>(total < 0 ? -shares[i] : shares[i]);
  }
  return parts;
}

absl::StatusOr<std::vector<Money>> Allocate(const Money& total, absl::Span<const int64_t> weights) {
  absl::StatusOr<std::vector<int64_t>> parts = Allocate(total.minor_units(), weights);
  if (!parts.ok()) return parts.status();
  std::vector<Money> out;
  out.reserve(parts->size());
  for (int64_t p : *parts) out.emplace_back(total.currency(), p);
  return out;
}

absl::StatusOr<std::vector<int64_t>> SplitEvenly(int64_t total, int n) {
  if (n < 1) return absl::InvalidArgumentError(absl::StrCat("cannot split into ", n, " parts"));
  return Allocate(total, std::vector<int64_t>(static_cast<size_t>(n), 1));
}

absl::StatusOr<std::vector<Money>> SplitEvenly(const Money& total, int n) {
  if (n < 1) return absl::InvalidArgumentError(absl::StrCat("cannot split into ", n, " parts"));
  return Allocate(total, std::vector<int64_t>(static_cast<size_t>(n), 1));
}

}  // namespace salesperf
