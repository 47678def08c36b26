#include "services/feedback/domain/scores.h"

#include "gtest/gtest.h"

namespace salesperf::feedback {
namespace {

TEST(ScoresTest, BandsFollowTheStandardNpsAndCsatDefinitions) {
  for (int s = 0; s <= 6; ++s) EXPECT_TRUE(IsDetractor(s)) << s;
  EXPECT_TRUE(IsPassive(7));
  EXPECT_TRUE(IsPassive(8));
  EXPECT_FALSE(IsDetractor(7));
  EXPECT_TRUE(IsPromoter(9));
  EXPECT_TRUE(IsPromoter(10));
  EXPECT_FALSE(IsPromoter(8));
  EXPECT_TRUE(IsLowCsat(1));
  EXPECT_TRUE(IsLowCsat(2));
  EXPECT_FALSE(IsLowCsat(3));
  EXPECT_FALSE(IsSatisfied(3));
  EXPECT_TRUE(IsSatisfied(4));
  EXPECT_FALSE(IsCsatScore(0));
  EXPECT_FALSE(IsCsatScore(6));
  EXPECT_TRUE(IsNpsScore(0));
  EXPECT_FALSE(IsNpsScore(11));
  EXPECT_FALSE(IsNpsScore(-1));
}

TEST(ScoresTest, DivideRoundedIsHalfAwayFromZero) {
  EXPECT_EQ(DivideRounded(5, 2), 3);
  EXPECT_EQ(DivideRounded(-5, 2), -3);
  EXPECT_EQ(DivideRounded(4, 3), 1);
  EXPECT_EQ(DivideRounded(-4, 3), -1);
  EXPECT_EQ(DivideRounded(7, 0), 0);
}

// Given scores 5, 4, 4 (sum 13, count 3): average 4.333 -> 433; all satisfied.
TEST(ScoresTest, CsatAverageAndSatisfiedShareByHand) {
  v1::FeedbackCounters c;
  CountCsat(5, c);
  CountCsat(4, c);
  CountCsat(4, c);
  EXPECT_EQ(c.csat_sum(), 13);
  EXPECT_EQ(CsatAverageCenti(c.csat_sum(), c.csat_count()), 433);
  EXPECT_EQ(CsatSatisfiedBp(c.csat_satisfied(), c.csat_count()), 10000);
  // Add a 1 and a 3: sum 17 / 5 = 3.40; satisfied 3 of 5 = 60.00%.
  CountCsat(1, c);
  CountCsat(3, c);
  EXPECT_EQ(CsatAverageCenti(c.csat_sum(), c.csat_count()), 340);
  EXPECT_EQ(CsatSatisfiedBp(c.csat_satisfied(), c.csat_count()), 6000);
  // 2 of 3 satisfied = 66.666..% -> 6667 bp (half up); 11 / 6 = 1.8333 -> 183.
  EXPECT_EQ(CsatSatisfiedBp(2, 3), 6667);
  EXPECT_EQ(CsatAverageCenti(11, 6), 183);
  // 4.125 -> 4.13 (half up).
  EXPECT_EQ(CsatAverageCenti(33, 8), 413);
}

// Given 10, 9, 8, 7, 6, 0: promoters 2, passives 2, detractors 2 -> NPS 0.
TEST(ScoresTest, NpsIsPromotersMinusDetractorsInPercentPoints) {
  v1::FeedbackCounters c;
  for (int s : {10, 9, 8, 7, 6, 0}) CountNps(s, c);
  EXPECT_EQ(c.promoters(), 2);
  EXPECT_EQ(c.passives(), 2);
  EXPECT_EQ(c.detractors(), 2);
  EXPECT_EQ(Nps(c.promoters(), c.detractors(), c.nps_count()), 0);
  // 2 promoters, 1 passive: 66.67% - 0% = 67 (rounded), 6667 in hundredths.
  EXPECT_EQ(Nps(2, 0, 3), 67);
  EXPECT_EQ(NpsCenti(2, 0, 3), 6667);
  // 1 promoter, 2 detractors: 33.33 - 66.67 = -33.33 -> -33.
  EXPECT_EQ(Nps(1, 2, 3), -33);
  EXPECT_EQ(NpsCenti(1, 2, 3), -3333);
  // 1 promoter, 1 passive, 2 detractors... out of 8: (1-3)/8 = -25.
  EXPECT_EQ(Nps(1, 3, 8), -25);
  // Half away from zero: (1 - 0) / 8 = 12.5 -> 13; (0 - 1) / 8 -> -13.
  EXPECT_EQ(Nps(1, 0, 8), 13);
  EXPECT_EQ(Nps(0, 1, 8), -13);
  EXPECT_EQ(Nps(5, 0, 5), 100);
  EXPECT_EQ(Nps(0, 5, 5), -100);
  EXPECT_EQ(Nps(0, 0, 0), 0);
}

TEST(ScoresTest, SummaryIsDerivedFromSummedCounters) {
  v1::FeedbackCounters a;
  CountCsat(5, a);
  CountNps(10, a);
  a.set_survey_responses(1);
  v1::FeedbackCounters b;
  CountCsat(2, b);
  CountNps(3, b);
  b.set_survey_responses(1);
  b.set_complaints_opened(2);
  AddCounters(b, a);
  v1::FeedbackSummary s;
  FillSummary(a, s);
  EXPECT_EQ(s.survey_responses(), 2);
  EXPECT_EQ(s.csat_count(), 2);
  EXPECT_EQ(s.csat_average_centi(), 350);
  EXPECT_EQ(s.csat_satisfied_bp(), 5000);
  EXPECT_EQ(s.nps(), 0);
  EXPECT_EQ(s.promoters(), 1);
  EXPECT_EQ(s.detractors(), 1);
  EXPECT_EQ(s.complaints_opened(), 2);
}

}  // namespace
}  // namespace salesperf::feedback
