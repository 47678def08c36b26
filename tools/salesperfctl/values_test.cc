// Unit tests of the pure parts of salesperfctl: values, tables, completion.
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/status_matchers.h"
#include "tools/salesperfctl/completion.h"
#include "tools/salesperfctl/ctl.h"
#include "tools/salesperfctl/table.h"
#include "tools/salesperfctl/values.h"

namespace salesperf::ctl {
namespace {

using ::salesperf::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ValuesTest, ProtoEnumsAsLowerCaseLabels) {
  EXPECT_EQ(EnumLabel(targets::v1::TARGET_STATUS_APPROVED), "approved");
  EXPECT_EQ(EnumLabel(common::v1::SCOPE_KIND_REGION), "region");
  // The unspecified value is never a label.
  EXPECT_EQ(EnumLabel(targets::v1::TARGET_STATUS_UNSPECIFIED), "-");
  EXPECT_EQ(EnumLabels<common::v1::ScopeKind>(),
            (std::vector<std::string>{"company", "region", "team", "rep"}));
  EXPECT_EQ(ParseEnumLabel<targets::v1::Metric>("deals_won").value(),
            targets::v1::METRIC_DEALS_WON);
  EXPECT_THAT(ParseEnumLabel<common::v1::ScopeKind>("unspecified"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("company, region")));
  EXPECT_EQ(EnumFromChoice<common::v1::ScopeKind>(""), common::v1::SCOPE_KIND_UNSPECIFIED);
}

TEST(ValuesTest, ParsesMoneyAndTimestamps) {
  ASSERT_OK_AND_ASSIGN(common::v1::Money plain, ParseMoney("12,345.67", "CNY"));
  EXPECT_EQ(plain.currency_code(), "CNY");
  EXPECT_EQ(plain.minor_units(), 1234567);
  // A currency written with the amount wins over the default.
  ASSERT_OK_AND_ASSIGN(common::v1::Money usd, ParseMoney("USD 5.10", "CNY"));
  EXPECT_EQ(usd.currency_code(), "USD");
  EXPECT_EQ(usd.minor_units(), 510);
  EXPECT_THAT(ParseMoney("12.345", "CNY"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(FormatMoney(plain), "CNY 12,345.67");

  ASSERT_OK_AND_ASSIGN(google::protobuf::Timestamp ts,
                       ParseTimestamp("2026-11-23T10:00:00.5+08:00"));
  EXPECT_EQ(ts.seconds(), 1795399200);
  EXPECT_EQ(ts.nanos(), 500000000);
  EXPECT_THAT(ParseTimestamp("2026-11-23 10:00"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ValuesTest, ParsesScopes) {
  ASSERT_OK_AND_ASSIGN(common::v1::ScopeRef team, ParseScope("team:t-1"));
  EXPECT_EQ(team.kind(), common::v1::SCOPE_KIND_TEAM);
  EXPECT_EQ(team.id(), "t-1");
  ASSERT_OK_AND_ASSIGN(common::v1::ScopeRef company, ParseScope("company"));
  EXPECT_EQ(company.kind(), common::v1::SCOPE_KIND_COMPANY);
  EXPECT_EQ(ScopeToString(team), "team:t-1");
  EXPECT_EQ(ScopeToString(company), "company");
  for (const char* bad : {"team", "team:", "company:x", "squad:a", ""}) {
    EXPECT_THAT(ParseScope(bad), StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
  }
}

TEST(ValuesTest, ParsesMoneyWithFlagOrPrefixCurrency) {
  ASSERT_OK_AND_ASSIGN(targets::v1::TargetValue v,
                       ParseValue("1200000.00", ValueKind::kMoney, "CNY"));
  EXPECT_EQ(v.money().minor_units(), 120000000);
  EXPECT_EQ(v.money().currency_code(), "CNY");
  ASSERT_OK_AND_ASSIGN(v, ParseValue("CNY 1,200,000.5", ValueKind::kMoney, ""));
  EXPECT_EQ(v.money().minor_units(), 120000050);
  EXPECT_THAT(ParseValue("12.345", ValueKind::kMoney, "CNY"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseValue("abc", ValueKind::kMoney, "CNY"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseValue("100", ValueKind::kMoney, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--currency")));
  EXPECT_THAT(ParseValue("USD 100", ValueKind::kMoney, "CNY"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ValuesTest, ParsesCountsAndRatios) {
  ASSERT_OK_AND_ASSIGN(targets::v1::TargetValue v, ParseValue("1,200", ValueKind::kCount, ""));
  EXPECT_EQ(v.count(), 1200);
  EXPECT_THAT(ParseValue("12.5", ValueKind::kCount, ""),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(v, ParseValue("25.5%", ValueKind::kRatio, ""));
  EXPECT_EQ(v.ratio_bp(), 2550);
  ASSERT_OK_AND_ASSIGN(v, ParseValue("85", ValueKind::kRatio, ""));
  EXPECT_EQ(v.ratio_bp(), 8500);
  EXPECT_THAT(ParseValue("1.234%", ValueKind::kRatio, ""),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ValuesTest, GuessesTheKindFromTheText) {
  ASSERT_OK_AND_ASSIGN(targets::v1::TargetValue v, ParseValueGuessKind("10.00", "CNY"));
  EXPECT_TRUE(v.has_money());
  ASSERT_OK_AND_ASSIGN(v, ParseValueGuessKind("30%", ""));
  EXPECT_EQ(v.ratio_bp(), 3000);
  ASSERT_OK_AND_ASSIGN(v, ParseValueGuessKind("30", ""));
  EXPECT_EQ(v.count(), 30);
  EXPECT_THAT(ParseValueGuessKind("30.5", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--currency")));
}

TEST(ValuesTest, ParseScaled) {
  EXPECT_THAT(ParseScaled("-5.5%", 2), ::salesperf::testing::IsOkAndHolds(-550));
  EXPECT_THAT(ParseScaled("10", 2), ::salesperf::testing::IsOkAndHolds(1000));
  for (const char* bad : {"", "-", ".", "1.", "1.2.3", "1e3", "99999999999999999999"}) {
    EXPECT_FALSE(ParseScaled(bad, 2).ok()) << bad;
  }
}

TEST(ValuesTest, MetricsAndStatuses) {
  ASSERT_OK_AND_ASSIGN(MetricName m, ParseMetric("deals-won"));
  EXPECT_EQ(m.metric, targets::v1::METRIC_DEALS_WON);
  EXPECT_EQ(MetricToString(targets::v1::METRIC_CSAT), "csat");
  EXPECT_EQ(Metrics().size(), 9u);
  EXPECT_THAT(ParseMetric("revenues"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("revenue, deals-won")));
  ASSERT_OK_AND_ASSIGN(targets::v1::TargetStatus s, ParseTargetStatus("approved"));
  EXPECT_EQ(s, targets::v1::TARGET_STATUS_APPROVED);
  EXPECT_EQ(TargetStatusToString(targets::v1::TARGET_STATUS_CLOSED), "closed");
}

TEST(ValuesTest, DatesAndPeriods) {
  EXPECT_OK(ValidateDate("2026-11-01"));
  for (const char* bad : {"2026-11-1", "2026-02-30", "20261101", "2026-11-01x"}) {
    EXPECT_FALSE(ValidateDate(bad).ok()) << bad;
  }
  for (const char* ok : {"2026-11", "2026-Q4", "2026", "FY2027-Q1", "FY2027"}) {
    EXPECT_OK(ValidatePeriodId(ok)) << ok;
  }
  EXPECT_FALSE(ValidatePeriodId("2026-q4").ok());
}

TEST(ValuesTest, FormatsForPeople) {
  targets::v1::TargetValue v;
  v.mutable_money()->set_currency_code("CNY");
  v.mutable_money()->set_minor_units(120000000);
  EXPECT_EQ(FormatValue(v), "CNY 1,200,000.00");
  v.set_count(1200);
  EXPECT_EQ(FormatValue(v, "calls"), "1,200 calls");
  v.set_ratio_bp(2505);
  EXPECT_EQ(FormatValue(v, "bp"), "25.05%");
  EXPECT_EQ(FormatValue(targets::v1::TargetValue()), "-");
  EXPECT_EQ(GroupThousands(-1234567), "-1,234,567");
  EXPECT_EQ(GroupThousands(999), "999");
  EXPECT_EQ(FormatShare(5, 8), "62.5%");
  EXPECT_EQ(FormatShare(1, 3), "33.3%");
  EXPECT_EQ(FormatShare(1, 0), "-");
  EXPECT_EQ(FormatBasisPoints(-550), "-5.50%");
  EXPECT_EQ(FormatBasisPoints(-25), "-0.25%");
  EXPECT_EQ(FormatHundredths(450), "4.50");
  EXPECT_EQ(FormatHundredths(-25), "-0.25");
  EXPECT_EQ(FormatHundredths(-1205), "-12.05");
  EXPECT_EQ(FormatHundredths(0), "0.00");
  EXPECT_EQ(FormatHundredths(INT64_MIN), "-92233720368547758.08");
}

TEST(TableTest, AlignsWideCharacters) {
  EXPECT_EQ(DisplayWidth("abc"), 3);
  EXPECT_EQ(DisplayWidth("华北"), 4);
  EXPECT_EQ(DisplayWidth("Ａ"), 2);
  Table table({"ID", "NAME", "VALUE"}, {2});
  table.AddRow({"r-north", "华北", "CNY 1.00"});
  table.AddRow({"r-e", "East", "CNY 10,000.00"});
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(),
            "ID       NAME          VALUE\n"
            "r-north  华北       CNY 1.00\n"
            "r-e      East  CNY 10,000.00\n");
}

TEST(TableTest, PrintsFields) {
  std::ostringstream out;
  PrintFields(out, {{"名称", "华北"}, {"region", "r-north\nx"}});
  EXPECT_EQ(out.str(),
            "名称    华北\n"
            "region  r-north x\n");
}

TEST(CompletionTest, CoversTheCommandTree) {
  std::ostringstream out, err;
  Ctl ctl(out, err);
  CLI::App* group = ctl.app().add_subcommand("things", "");
  CLI::App* cmd = group->add_subcommand("make-thing", "");
  std::string kind;
  ctl.Choices(cmd->add_option("--kind", kind, ""), {"big", "small"});
  const std::string script = BashCompletion(ctl.app(), ctl.choices());
  EXPECT_THAT(script, HasSubstr("complete -F _salesperfctl salesperfctl"));
  EXPECT_THAT(script, HasSubstr("\"things make-thing\") words=\"--help -h --kind --server"));
  EXPECT_THAT(script, HasSubstr("--kind) COMPREPLY=($(compgen -W \"big small\""));
  EXPECT_THAT(script, HasSubstr("\"\") words=\"completion things"));
  EXPECT_THAT(script, HasSubstr("\"completion\") words=\"bash --help -h --server"));
}

}  // namespace
}  // namespace salesperf::ctl
