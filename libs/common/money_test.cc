#include "libs/common/money.h"

#include <algorithm>
#include <compare>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/string_view_compat.h"
#include "libs/testing/status_matchers.h"

namespace salesperf {
namespace {

using ::salesperf::testing::EqualsProto;
using ::salesperf::testing::IsOkAndHolds;
using ::salesperf::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

Currency Cur(std::string_view code) { return *Currency::Parse(code); }
Money Cny(int64_t minor) { return Money(Cur("CNY"), minor); }
Money Usd(int64_t minor) { return Money(Cur("USD"), minor); }

TEST(CurrencyTest, AcceptsThreeUpperCaseLetters) {
  ASSERT_OK_AND_ASSIGN(Currency cny, Currency::Parse("CNY"));
  EXPECT_EQ(cny.code(), "CNY");
  EXPECT_EQ(cny.exponent(), 2);
}

TEST(CurrencyTest, RejectsMalformedCodes) {
  for (std::string_view bad : {"", "CN", "CNYY", "cny", "Cny", "C1Y", "CN ", "人民币", "C-Y"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(Currency::Parse(bad),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ISO 4217")));
  }
}

TEST(CurrencyTest, KnowsMinorUnitExponents) {
  for (auto [code, exponent] : std::vector<std::pair<std::string_view, int>>{{"CNY", 2},
                                                                             {"USD", 2},
                                                                             {"EUR", 2},
                                                                             {"GBP", 2},
                                                                             {"HKD", 2},
                                                                             {"JPY", 0},
                                                                             {"KRW", 0},
                                                                             {"KWD", 3},
                                                                             {"BHD", 3},
                                                                             {"SGD", 2},
                                                                             {"XYZ", 2}}) {
    SCOPED_TRACE(code);
    ASSERT_OK_AND_ASSIGN(Currency c, Currency::Parse(code));
    EXPECT_EQ(c.exponent(), exponent);
  }
}

TEST(CurrencyTest, EqualityAndHashFollowTheCode) {
  EXPECT_EQ(Cur("CNY"), Cur("CNY"));
  EXPECT_FALSE(Cur("CNY") == Cur("USD"));
  absl::flat_hash_set<Currency> set = {Cur("CNY"), Cur("USD"), Cur("CNY")};
  EXPECT_EQ(set.size(), 2u);
}

TEST(MoneyTest, OfValidatesTheCurrency) {
  ASSERT_OK_AND_ASSIGN(Money m, Money::Of("CNY", 123450));
  EXPECT_EQ(m.currency_code(), "CNY");
  EXPECT_EQ(m.minor_units(), 123450);
  EXPECT_THAT(Money::Of("yuan", 1), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(MoneyTest, SignPredicates) {
  EXPECT_TRUE(Cny(0).is_zero());
  EXPECT_TRUE(Cny(-1).is_negative());
  EXPECT_TRUE(Cny(1).is_positive());
  EXPECT_FALSE(Cny(1).is_negative());
  EXPECT_EQ(Money::Zero(Cur("USD")), Usd(0));
}

TEST(MoneyTest, ParsesDecimalAmounts) {
  struct Case {
    std::string_view currency, amount;
    int64_t minor;
  };
  for (const Case& c : std::vector<Case>{{"CNY", "1234.50", 123450},
                                         {"CNY", "1234.5", 123450},
                                         {"CNY", "1234", 123400},
                                         {"CNY", "0", 0},
                                         {"CNY", "-0", 0},
                                         {"CNY", "-0.05", -5},
                                         {"CNY", "007.10", 710},
                                         {"JPY", "1234", 1234},
                                         {"JPY", "-1", -1},
                                         {"KWD", "1.234", 1234},
                                         {"KWD", "0.5", 500},
                                         {"CNY", "92233720368547758.07", kMax},
                                         {"CNY", "-92233720368547758.08", kMin}}) {
    SCOPED_TRACE(std::string(c.currency) + " " + std::string(c.amount));
    ASSERT_OK_AND_ASSIGN(Money m, Money::Parse(c.currency, c.amount));
    EXPECT_EQ(m.minor_units(), c.minor);
    EXPECT_EQ(m.currency_code(), c.currency);
  }
}

TEST(MoneyTest, RejectsMalformedAmounts) {
  struct Case {
    std::string_view currency, amount;
  };
  for (const Case& c : std::vector<Case>{{"CNY", ""},
                                         {"CNY", "-"},
                                         {"CNY", ".5"},
                                         {"CNY", "1."},
                                         {"CNY", "1.234"},
                                         {"CNY", "1,234.50"},
                                         {"CNY", "+1"},
                                         {"CNY", " 1"},
                                         {"CNY", "1 "},
                                         {"CNY", "1.2.3"},
                                         {"CNY", "1e3"},
                                         {"CNY", "--1"},
                                         {"CNY", "0x10"},
                                         {"JPY", "12.3"},
                                         {"JPY", "12."},
                                         {"KWD", "1.2345"}}) {
    SCOPED_TRACE(std::string(c.currency) + " '" + std::string(c.amount) + "'");
    EXPECT_THAT(Money::Parse(c.currency, c.amount),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("decimal number")));
  }
  EXPECT_THAT(Money::Parse("cny", "1"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(MoneyTest, ParseReportsOverflowAsOutOfRange) {
  EXPECT_THAT(Money::Parse("CNY", "92233720368547758.08"), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(Money::Parse("CNY", "-92233720368547758.09"),
              StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(Money::Parse("JPY", "99999999999999999999999999999999"),
              StatusIs(absl::StatusCode::kOutOfRange));
}

TEST(MoneyTest, ToDecimalString) {
  EXPECT_EQ(Cny(123450).ToDecimalString(), "1234.50");
  EXPECT_EQ(Cny(5).ToDecimalString(), "0.05");
  EXPECT_EQ(Cny(-5).ToDecimalString(), "-0.05");
  EXPECT_EQ(Cny(0).ToDecimalString(), "0.00");
  EXPECT_EQ(Cny(kMin).ToDecimalString(), "-92233720368547758.08");
  EXPECT_EQ(Money(Cur("JPY"), 1234).ToDecimalString(), "1234");
  EXPECT_EQ(Money(Cur("KWD"), 1).ToDecimalString(), "0.001");
}

TEST(MoneyTest, FormatsForPeople) {
  EXPECT_EQ(Cny(123450).Format(), "CNY 1,234.50");
  EXPECT_EQ(Cny(-123456789).Format(), "CNY -1,234,567.89");
  EXPECT_EQ(Cny(0).Format(), "CNY 0.00");
  EXPECT_EQ(Cny(99999).Format(), "CNY 999.99");
  EXPECT_EQ(Cny(10000000).Format(), "CNY 100,000.00");
  EXPECT_EQ(Money(Cur("JPY"), 1235).Format(), "JPY 1,235");
  EXPECT_EQ(Money(Cur("JPY"), 123).Format(), "JPY 123");
  EXPECT_EQ(Money(Cur("KWD"), 1234567).Format(), "KWD 1,234.567");
  EXPECT_EQ(Cny(kMax).Format(), "CNY 92,233,720,368,547,758.07");
  std::ostringstream os;
  os << Cny(150) << " " << Cur("USD");
  EXPECT_EQ(os.str(), "CNY 1.50 USD");
}

TEST(MoneyTest, DecimalStringRoundTripsForRandomAmounts) {
  std::mt19937_64 rng(20261123);
  for (int i = 0; i < 2000; ++i) {
    const int64_t minor = static_cast<int64_t>(rng()) >> (rng() % 64);
    for (std::string_view code : {"CNY", "JPY", "KWD"}) {
      Money m(Cur(code), minor);
      ASSERT_OK_AND_ASSIGN(Money back, Money::Parse(code, m.ToDecimalString()));
      ASSERT_EQ(back, m) << m.ToDecimalString();
    }
  }
}

TEST(MoneyTest, AddAndSubtract) {
  EXPECT_THAT(Cny(150).Add(Cny(275)), IsOkAndHolds(Cny(425)));
  EXPECT_THAT(Cny(150).Subtract(Cny(275)), IsOkAndHolds(Cny(-125)));
}

TEST(MoneyTest, CurrencyMismatchIsInvalidArgument) {
  EXPECT_THAT(Cny(1).Add(Usd(1)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("CNY and USD")));
  EXPECT_THAT(Cny(1).Subtract(Usd(1)), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Cny(1).Compare(Usd(1)), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_FALSE(Cny(1) == Usd(1));
}

TEST(MoneyTest, OverflowIsOutOfRange) {
  EXPECT_THAT(Cny(kMax).Add(Cny(1)), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(Cny(kMin).Add(Cny(-1)), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(Cny(kMin).Subtract(Cny(1)), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(Cny(kMax).Subtract(Cny(-1)), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(Cny(kMin).Negate(), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(Cny(kMin).Abs(), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(Cny(kMax / 2 + 1).Times(2), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(Cny(kMin).Times(-1), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(Cny(kMax).Multiply(Rate::Ratio(3, 2)), StatusIs(absl::StatusCode::kOutOfRange));
  // The edges themselves are fine.
  EXPECT_THAT(Cny(kMax).Add(Cny(kMin)), IsOkAndHolds(Cny(-1)));
  EXPECT_THAT(Cny(kMax).Negate(), IsOkAndHolds(Cny(-kMax)));
  EXPECT_THAT(Cny(kMin).Times(1), IsOkAndHolds(Cny(kMin)));
}

TEST(MoneyTest, NegateAbsTimes) {
  EXPECT_THAT(Cny(-250).Abs(), IsOkAndHolds(Cny(250)));
  EXPECT_THAT(Cny(250).Abs(), IsOkAndHolds(Cny(250)));
  EXPECT_THAT(Cny(250).Negate(), IsOkAndHolds(Cny(-250)));
  EXPECT_THAT(Cny(1999).Times(3), IsOkAndHolds(Cny(5997)));
  EXPECT_THAT(Cny(1999).Times(-2), IsOkAndHolds(Cny(-3998)));
}

TEST(MoneyTest, MultiplyUsesExact128BitIntermediates) {
  // kMax * kMax overflows 64 bits long before the division brings it back.
  EXPECT_THAT(Cny(kMax).Multiply(Rate::Ratio(kMax, kMax)), IsOkAndHolds(Cny(kMax)));
  EXPECT_THAT(Cny(kMin).Multiply(Rate::Ratio(kMax, kMax)), IsOkAndHolds(Cny(kMin)));
  EXPECT_THAT(Cny(kMax).Multiply(Rate::Ratio(kMin, kMin)), IsOkAndHolds(Cny(kMax)));
}

TEST(MoneyTest, CommissionByBasisPoints) {
  // 2.5% of CNY 1,234.56 = 30.864 -> 30.86.
  EXPECT_THAT(Cny(123456).Multiply(Rate::BasisPoints(250)), IsOkAndHolds(Cny(3086)));
  // 3.33% of CNY 1,000.00 = 33.30 exactly.
  EXPECT_THAT(Cny(100000).Multiply(Rate::BasisPoints(333)), IsOkAndHolds(Cny(3330)));
  // 50% of CNY 123.45 = 61.725: half-even keeps 61.72, half-away gives 61.73.
  EXPECT_THAT(Cny(12345).Multiply(Rate::Percent(50)), IsOkAndHolds(Cny(6172)));
  EXPECT_THAT(Cny(12345).Multiply(Rate::Percent(50), RoundingMode::kHalfAwayFromZero),
              IsOkAndHolds(Cny(6173)));
  // 10% of CNY 0.05 = 0.005 -> 0.00 (half-even), 0.01 (half-away, ceiling).
  EXPECT_THAT(Cny(5).Multiply(Rate::Percent(10)), IsOkAndHolds(Cny(0)));
  EXPECT_THAT(Cny(5).Multiply(Rate::Percent(10), RoundingMode::kCeiling), IsOkAndHolds(Cny(1)));
}

TEST(MoneyTest, ZeroDenominatorIsInvalidArgument) {
  EXPECT_THAT(Cny(100).Multiply(Rate::Ratio(1, 0)), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(MultiplyByRate(100, Rate{1, 0}), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(DivideRounded(100, 0), StatusIs(absl::StatusCode::kInvalidArgument));
}

// Every mode at exact halves (positive and negative), just below and above a half,
// and at an exact result. Values are numerator / 10.
TEST(RoundingTest, EveryModeHandComputed) {
  struct Case {
    int64_t tenths;
    int64_t half_even, half_away, toward_zero, floor, ceiling;
  };
  const std::vector<Case> cases = {
      {25, 2, 3, 2, 2, 3},       {-25, -2, -3, -2, -3, -2}, {35, 4, 4, 3, 3, 4},
      {-35, -4, -4, -3, -4, -3}, {5, 0, 1, 0, 0, 1},        {-5, 0, -1, 0, -1, 0},
      {15, 2, 2, 1, 1, 2},       {-15, -2, -2, -1, -2, -1}, {24, 2, 2, 2, 2, 3},
      {-24, -2, -2, -2, -3, -2}, {26, 3, 3, 2, 2, 3},       {-26, -3, -3, -2, -3, -2},
      {30, 3, 3, 3, 3, 3},       {-30, -3, -3, -3, -3, -3}, {0, 0, 0, 0, 0, 0},
  };
  for (const Case& c : cases) {
    const std::vector<std::pair<RoundingMode, int64_t>> expected = {
        {RoundingMode::kHalfEven, c.half_even},
        {RoundingMode::kHalfAwayFromZero, c.half_away},
        {RoundingMode::kTowardZero, c.toward_zero},
        {RoundingMode::kFloor, c.floor},
        {RoundingMode::kCeiling, c.ceiling}};
    for (auto [mode, want] : expected) {
      SCOPED_TRACE(absl::StrCat(c.tenths, "/10 ", ToAbsl(RoundingModeName(mode))));
      EXPECT_THAT(DivideRounded(c.tenths, 10, mode), IsOkAndHolds(want));
      // The same through Money and a rate, and with the sign on the denominator.
      EXPECT_THAT(Cny(c.tenths).Multiply(Rate::Ratio(1, 10), mode), IsOkAndHolds(Cny(want)));
      EXPECT_THAT(MultiplyByRate(-c.tenths, Rate{1, -10}, mode), IsOkAndHolds(want));
    }
  }
}

TEST(RoundingTest, DefaultIsHalfEven) {
  EXPECT_THAT(DivideRounded(5, 2), IsOkAndHolds(2));
  EXPECT_THAT(DivideRounded(7, 2), IsOkAndHolds(4));
  EXPECT_THAT(MultiplyByRate(5, Rate::Ratio(1, 2)), IsOkAndHolds(2));
  EXPECT_THAT(Cny(7).Multiply(Rate::Ratio(1, 2)), IsOkAndHolds(Cny(4)));
}

TEST(RoundingTest, DivideOverflow) {
  EXPECT_THAT(DivideRounded(kMin, -1), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(DivideRounded(kMin, 1), IsOkAndHolds(kMin));
}

TEST(RoundingTest, ModeNames) {
  EXPECT_EQ(RoundingModeName(RoundingMode::kHalfEven), "half_even");
  EXPECT_EQ(RoundingModeName(RoundingMode::kHalfAwayFromZero), "half_away_from_zero");
  EXPECT_EQ(RoundingModeName(RoundingMode::kTowardZero), "toward_zero");
  EXPECT_EQ(RoundingModeName(RoundingMode::kFloor), "floor");
  EXPECT_EQ(RoundingModeName(RoundingMode::kCeiling), "ceiling");
}

// Checks each result against the exact rational with 128-bit arithmetic.
TEST(RoundingTest, RandomizedAgainstExactRational) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 20000; ++i) {
    const int64_t amount = static_cast<int64_t>(rng()) >> (rng() % 64);
    const int64_t num = static_cast<int64_t>(rng() % 20001) - 10000;
    int64_t den = static_cast<int64_t>(rng() % 20001) - 10000;
    if (den == 0) den = 7;
    // Every fourth case divides by +-2: about half of those are exact ties.
    if (i % 4 == 0) den = (rng() % 2 == 0) ? 2 : -2;
    const __int128 exact_num = static_cast<__int128>(amount) * num;
    for (RoundingMode mode :
         {RoundingMode::kHalfEven, RoundingMode::kHalfAwayFromZero, RoundingMode::kTowardZero,
          RoundingMode::kFloor, RoundingMode::kCeiling}) {
      SCOPED_TRACE(absl::StrCat(amount, "*", num, "/", den, " ", ToAbsl(RoundingModeName(mode))));
      absl::StatusOr<int64_t> got = MultiplyByRate(amount, Rate{num, den}, mode);
      // error = got - exact, scaled by |den| (and sign-normalized).
      const __int128 d = den < 0 ? -static_cast<__int128>(den) : den;
      const __int128 n = den < 0 ? -exact_num : exact_num;
      if (!got.ok()) {
        // Only results at or beyond the int64 range may be refused.
        ASSERT_THAT(got, StatusIs(absl::StatusCode::kOutOfRange));
        ASSERT_TRUE(n / d >= kMax || n / d <= kMin);
        continue;
      }
      const __int128 error = static_cast<__int128>(*got) * d - n;
      switch (mode) {
        case RoundingMode::kFloor:
          ASSERT_TRUE(error <= 0 && -error < d);
          break;
        case RoundingMode::kCeiling:
          ASSERT_TRUE(error >= 0 && error < d);
          break;
        case RoundingMode::kTowardZero:
          ASSERT_TRUE(error > -d && error < d);
          ASSERT_TRUE(n >= 0 ? error <= 0 : error >= 0);
          break;
        case RoundingMode::kHalfEven:
        case RoundingMode::kHalfAwayFromZero:
          ASSERT_TRUE(2 * error <= d && 2 * error >= -d);
          if (2 * error == d || 2 * error == -d) {
            if (mode == RoundingMode::kHalfEven) {
              ASSERT_EQ(*got % 2, 0);
            } else {
              ASSERT_TRUE(n >= 0 ? error > 0 : error < 0);
            }
          }
          break;
      }
    }
  }
}

TEST(MoneyTest, Compare) {
  EXPECT_THAT(Cny(1).Compare(Cny(2)), IsOkAndHolds(std::strong_ordering::less));
  EXPECT_THAT(Cny(2).Compare(Cny(2)), IsOkAndHolds(std::strong_ordering::equal));
  EXPECT_THAT(Cny(3).Compare(Cny(-2)), IsOkAndHolds(std::strong_ordering::greater));
}

TEST(MoneyTest, Sum) {
  EXPECT_THAT(Sum(Cur("CNY"), {Cny(1), Cny(2), Cny(-10)}), IsOkAndHolds(Cny(-7)));
  EXPECT_THAT(Sum(Cur("CNY"), {}), IsOkAndHolds(Cny(0)));
  EXPECT_THAT(Sum(Cur("CNY"), {Cny(1), Usd(2)}), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Sum(Cur("USD"), {Cny(1)}), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Sum(Cur("CNY"), {Cny(kMax), Cny(1)}), StatusIs(absl::StatusCode::kOutOfRange));
}

TEST(MoneyTest, ProtoRoundTrip) {
  common::v1::Money proto;
  proto.set_currency_code("CNY");
  proto.set_minor_units(-123450);
  ASSERT_OK_AND_ASSIGN(Money m, Money::FromProto(proto));
  EXPECT_EQ(m, Cny(-123450));
  EXPECT_THAT(m.ToProto(), EqualsProto(proto));
}

TEST(MoneyTest, FromProtoRejectsBadCurrency) {
  common::v1::Money proto;
  proto.set_minor_units(5);
  EXPECT_THAT(Money::FromProto(proto),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("currency_code")));
  proto.set_currency_code("usd");
  EXPECT_THAT(Money::FromProto(proto), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(MoneyTest, HashAndEquality) {
  absl::flat_hash_set<Money> set = {Cny(1), Cny(1), Usd(1), Cny(2)};
  EXPECT_EQ(set.size(), 3u);
}

TEST(AllocateTest, HandComputedUnevenSplits) {
  // 100 / 3: one unit left over, goes to the lowest index on a tie.
  EXPECT_THAT(Allocate(100, {1, 1, 1}), IsOkAndHolds(ElementsAre(34, 33, 33)));
  // Exact shares 16.67, 33.33, 50: remainders 4/6, 2/6, 0 -> the unit goes to [0].
  EXPECT_THAT(Allocate(100, {1, 2, 3}), IsOkAndHolds(ElementsAre(17, 33, 50)));
  // Exact 2.14, 2.14, 0.71: the largest remainder (index 2) wins over the lower index.
  EXPECT_THAT(Allocate(5, {3, 3, 1}), IsOkAndHolds(ElementsAre(2, 2, 1)));
  EXPECT_THAT(Allocate(2, {1, 1, 1}), IsOkAndHolds(ElementsAre(1, 1, 0)));
  EXPECT_THAT(Allocate(1, {1, 1}), IsOkAndHolds(ElementsAre(1, 0)));
  EXPECT_THAT(Allocate(10, {0, 1, 0, 1}), IsOkAndHolds(ElementsAre(0, 5, 0, 5)));
  EXPECT_THAT(Allocate(0, {1, 2}), IsOkAndHolds(ElementsAre(0, 0)));
  EXPECT_THAT(Allocate(7, {5}), IsOkAndHolds(ElementsAre(7)));
}

TEST(AllocateTest, NegativeTotalMirrorsPositive) {
  EXPECT_THAT(Allocate(-100, {1, 1, 1}), IsOkAndHolds(ElementsAre(-34, -33, -33)));
  EXPECT_THAT(Allocate(-100, {1, 2, 3}), IsOkAndHolds(ElementsAre(-17, -33, -50)));
}

TEST(AllocateTest, ExtremeTotalsAndWeights) {
  EXPECT_THAT(Allocate(kMax, {1, 1}),
              IsOkAndHolds(ElementsAre(4611686018427387904, 4611686018427387903)));
  EXPECT_THAT(Allocate(kMin, {1, 1}),
              IsOkAndHolds(ElementsAre(-4611686018427387904, -4611686018427387904)));
  EXPECT_THAT(
      Allocate(kMax, {kMax, kMax, kMax}),
      IsOkAndHolds(ElementsAre(3074457345618258603, 3074457345618258602, 3074457345618258602)));
  EXPECT_THAT(Allocate(kMin, {kMax, 0}), IsOkAndHolds(ElementsAre(kMin, 0)));
}

TEST(AllocateTest, RejectsBadWeights) {
  EXPECT_THAT(Allocate(100, {0, 0, 0}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("all zero")));
  EXPECT_THAT(Allocate(100, std::vector<int64_t>{}), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Allocate(100, {1, -1, 3}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("[1] is negative")));
  EXPECT_THAT(Allocate(Cny(100), {0}), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(AllocateTest, MoneyKeepsCurrency) {
  EXPECT_THAT(Allocate(Usd(1000), {1, 1, 1}),
              IsOkAndHolds(ElementsAre(Usd(334), Usd(333), Usd(333))));
}

TEST(SplitEvenlyTest, Splits) {
  EXPECT_THAT(SplitEvenly(100, 3), IsOkAndHolds(ElementsAre(34, 33, 33)));
  EXPECT_THAT(SplitEvenly(-7, 2), IsOkAndHolds(ElementsAre(-4, -3)));
  EXPECT_THAT(SplitEvenly(2, 4), IsOkAndHolds(ElementsAre(1, 1, 0, 0)));
  EXPECT_THAT(SplitEvenly(Cny(1001), 2), IsOkAndHolds(ElementsAre(Cny(501), Cny(500))));
  EXPECT_THAT(SplitEvenly(100, 0), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(SplitEvenly(Cny(100), -1), StatusIs(absl::StatusCode::kInvalidArgument));
}

// Property test: for random totals and weights the parts add up to the total,
// each part is within one unit of its exact share, zero weights get nothing,
// signs follow the total, and the leftover units went to the largest remainders.
TEST(AllocateTest, RandomizedProperties) {
  std::mt19937_64 rng(7);
  for (int iteration = 0; iteration < 5000; ++iteration) {
    const int64_t total = static_cast<int64_t>(rng()) >> (rng() % 64);
    const size_t n = 1 + rng() % 12;
    std::vector<int64_t> weights(n);
    const int64_t max_weight = (rng() % 4 == 0) ? kMax : static_cast<int64_t>(1 + rng() % 1000);
    for (int64_t& w : weights) {
      w = (rng() % 4 == 0) ? 0 : static_cast<int64_t>(rng() % static_cast<uint64_t>(max_weight));
    }
    if (std::all_of(weights.begin(), weights.end(), [](int64_t w) { return w == 0; })) {
      weights[rng() % n] = 1;
    }
    SCOPED_TRACE(absl::StrCat("total=", total, " weights=", absl::StrJoin(weights, ",")));
    ASSERT_OK_AND_ASSIGN(std::vector<int64_t> parts, Allocate(total, weights));
    ASSERT_EQ(parts.size(), n);
    __int128 weight_sum = 0;
    for (int64_t w : weights) weight_sum += w;
    __int128 part_sum = 0;
    __int128 smallest_bumped_remainder = weight_sum;  // remainders are < weight_sum
    __int128 largest_unbumped_remainder = -1;
    for (size_t i = 0; i < n; ++i) {
      part_sum += parts[i];
      const __int128 exact = static_cast<__int128>(total < 0 ? -static_cast<__int128>(total)
                                                             : static_cast<__int128>(total)) *
                             weights[i];
      const __int128 floor_share = exact / weight_sum;
      const __int128 magnitude = parts[i] < 0 ? -static_cast<__int128>(parts[i]) : parts[i];
      ASSERT_TRUE(magnitude == floor_share || magnitude == floor_share + 1) << "index " << i;
      if (weights[i] == 0) {
        ASSERT_EQ(parts[i], 0);
      }
      if (total >= 0) {
        ASSERT_GE(parts[i], 0);
      } else {
        ASSERT_LE(parts[i], 0);
      }
      const __int128 remainder = exact % weight_sum;
      if (magnitude == floor_share + 1) {
        smallest_bumped_remainder = std::min(smallest_bumped_remainder, remainder);
      } else {
        largest_unbumped_remainder = std::max(largest_unbumped_remainder, remainder);
      }
    }
    ASSERT_TRUE(part_sum == total);
    ASSERT_TRUE(smallest_bumped_remainder >= largest_unbumped_remainder);
    // Deterministic: the same input gives the same output.
    ASSERT_THAT(Allocate(total, weights), IsOkAndHolds(parts));
  }
}

}  // namespace
}  // namespace salesperf
