#include "services/activity/domain/geo.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace salesperf::activity {
namespace {

double Radians(double degrees) { return degrees * std::numbers::pi / 180.0; }

}  // namespace

double HaversineMeters(double lat1, double lon1, double lat2, double lon2) {
  const double phi1 = Radians(lat1);
  const double phi2 = Radians(lat2);
  const double dphi = Radians(lat2 - lat1);
  const double dlambda = Radians(lon2 - lon1);
  const double s1 = std::sin(dphi / 2);
  const double s2 = std::sin(dlambda / 2);
  double h = s1 * s1 + std::cos(phi1) * std::cos(phi2) * s2 * s2;
  h = std::clamp(h, 0.0, 1.0);
  return 2 * kEarthRadiusMeters * std::asin(std::sqrt(h));
}

LocationCheckResult CheckLocation(const v1::GeoPoint* position, const v1::GeoPoint* customer,
                                  double threshold_meters) {
  LocationCheckResult result;
  if (position == nullptr || customer == nullptr) {
    result.check = v1::LOCATION_CHECK_NO_LOCATION;
    result.distance_meters = -1;
    result.threshold_meters = threshold_meters;
    return result;
  }
  result.distance_meters = HaversineMeters(position->latitude(), position->longitude(),
                                           customer->latitude(), customer->longitude());
  result.threshold_meters =
      threshold_meters + std::min(std::max(position->accuracy_meters(), 0.0), threshold_meters);
  result.check = result.distance_meters <= result.threshold_meters ? v1::LOCATION_CHECK_VERIFIED
                                                                   : v1::LOCATION_CHECK_TOO_FAR;
  return result;
}

}  // namespace salesperf::activity
