// Distances on the Earth and the check-in location rule. Pure; thread-safe.
#ifndef SALESPERF_SERVICES_ACTIVITY_DOMAIN_GEO_H_
#define SALESPERF_SERVICES_ACTIVITY_DOMAIN_GEO_H_

#include "salesperf/activity/v1/events.pb.h"

namespace salesperf::activity {

// Mean Earth radius (IUGG), in metres.
inline constexpr double kEarthRadiusMeters = 6'371'008.8;

// Great-circle distance in metres between two points given in degrees, by the haversine
// formula on a sphere of kEarthRadiusMeters (within 0.5% of the ellipsoid: plenty for a
// check-in threshold of hundreds of metres). Symmetric; 0 for equal points; stable for
// antipodes (the intermediate value is clamped to [0, 1]).
double HaversineMeters(double lat1, double lon1, double lat2, double lon2);

struct LocationCheckResult {
  v1::LocationCheck check = v1::LOCATION_CHECK_UNSPECIFIED;
  // -1 when unknown (NO_LOCATION).
  double distance_meters = -1;
  // The threshold the check applied (see CheckLocation).
  double threshold_meters = 0;
};

// Compares a check-in position with the customer's registered location:
//   - either missing: NO_LOCATION (distance -1);
//   - distance <= threshold + min(accuracy, threshold): VERIFIED; else TOO_FAR.
// Why accuracy widens the tolerance, and only up to the threshold: a phone reporting
// "within 300 m" may truly be at the customer while its fix is 700 m away, so a rep is not
// flagged for a poor fix; but a fix reported as "within 5 km" proves nothing, and letting
// it widen the tolerance without bound would verify any check-in. So the tolerance at most
// doubles. `threshold_meters` in the result is the widened value.
LocationCheckResult CheckLocation(const v1::GeoPoint* position, const v1::GeoPoint* customer,
                                  double threshold_meters);

}  // namespace salesperf::activity

#endif  // SALESPERF_SERVICES_ACTIVITY_DOMAIN_GEO_H_
