#include "services/feedback/domain/scores.h"

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace salesperf::feedback {

int64_t DivideRounded(int64_t numerator, int64_t denominator) {
  if (denominator <= 0) return 0;
  const bool negative = numerator < 0;
  const int64_t magnitude = negative ? -numerator : numerator;
  const int64_t rounded = (2 * magnitude + denominator) / (2 * denominator);
  return negative ? -rounded : rounded;
}

int64_t CsatAverageCenti(int64_t sum, int64_t count) { return DivideRounded(100 * sum, count); }

int64_t CsatSatisfiedBp(int64_t satisfied, int64_t count) {
  return DivideRounded(10'000 * satisfied, count);
}

int32_t Nps(int64_t promoters, int64_t detractors, int64_t count) {
  return static_cast<int32_t>(DivideRounded(100 * (promoters - detractors), count));
}

int64_t NpsCenti(int64_t promoters, int64_t detractors, int64_t count) {
  return DivideRounded(10'000 * (promoters - detractors), count);
}

void CountCsat(int32_t csat, v1::FeedbackCounters& counters) {
  counters.set_csat_count(counters.csat_count() + 1);
  counters.set_csat_sum(counters.csat_sum() + csat);
  if (IsSatisfied(csat)) counters.set_csat_satisfied(counters.csat_satisfied() + 1);
}

void CountNps(int32_t nps, v1::FeedbackCounters& counters) {
  counters.set_nps_count(counters.nps_count() + 1);
  if (IsPromoter(nps)) {
    counters.set_promoters(counters.promoters() + 1);
  } else if (IsPassive(nps)) {
    counters.set_passives(counters.passives() + 1);
  } else {
    counters.set_detractors(counters.detractors() + 1);
  }
}

void AddCounters(const v1::FeedbackCounters& other, v1::FeedbackCounters& counters) {
  // Every field is an int64 counter: add them by reflection so a new counter is summed too.
  const google::protobuf::Descriptor* d = v1::FeedbackCounters::descriptor();
  const google::protobuf::Reflection* r = v1::FeedbackCounters::GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = d->field(i);
    r->SetInt64(&counters, f, r->GetInt64(counters, f) + r->GetInt64(other, f));
  }
}

void FillSummary(const v1::FeedbackCounters& c, v1::FeedbackSummary& s) {
  s.set_surveys_sent(c.surveys_sent());
  s.set_survey_responses(c.survey_responses());
  s.set_surveys_expired(c.surveys_expired());
  s.set_csat_count(c.csat_count());
  s.set_csat_sum(c.csat_sum());
  s.set_csat_average_centi(CsatAverageCenti(c.csat_sum(), c.csat_count()));
  s.set_csat_satisfied_bp(CsatSatisfiedBp(c.csat_satisfied(), c.csat_count()));
  s.set_nps_count(c.nps_count());
  s.set_promoters(c.promoters());
  s.set_passives(c.passives());
  s.set_detractors(c.detractors());
  s.set_nps(Nps(c.promoters(), c.detractors(), c.nps_count()));
  s.set_nps_centi(NpsCenti(c.promoters(), c.detractors(), c.nps_count()));
  s.set_callbacks_completed(c.callbacks_completed());
  s.set_callbacks_reached(c.callbacks_reached());
  s.set_complaints_opened(c.complaints_opened());
  s.set_complaints_open(c.complaints_open());
  s.set_complaints_breached(c.complaints_breached());
  s.set_alerts_raised(c.alerts_raised());
}

}  // namespace salesperf::feedback
