#include "services/activity/domain/geo.h"

#include "gtest/gtest.h"

namespace salesperf::activity {
namespace {

v1::GeoPoint Point(double lat, double lon, double accuracy = 0) {
  v1::GeoPoint p;
  p.set_latitude(lat);
  p.set_longitude(lon);
  p.set_accuracy_meters(accuracy);
  return p;
}

TEST(HaversineTest, SamePointIsZero) {
  EXPECT_DOUBLE_EQ(HaversineMeters(31.24, 121.49, 31.24, 121.49), 0);
}

TEST(HaversineTest, OneDegreeOfLatitudeIsAbout111Km) {
  EXPECT_NEAR(HaversineMeters(0, 0, 1, 0), 111'195, 1);
}

TEST(HaversineTest, OneDegreeOfLongitudeShrinksWithLatitude) {
  EXPECT_NEAR(HaversineMeters(60, 10, 60, 11), 111'195 / 2.0, 30);
}

TEST(HaversineTest, ShanghaiToBeijing) {
  // People's Square, Shanghai to Tiananmen, Beijing: about 1067 km.
  EXPECT_NEAR(HaversineMeters(31.2304, 121.4737, 39.9042, 116.4074), 1'067'000, 3'000);
}

TEST(HaversineTest, IsSymmetric) {
  EXPECT_DOUBLE_EQ(HaversineMeters(31.2304, 121.4737, 39.9042, 116.4074),
                   HaversineMeters(39.9042, 116.4074, 31.2304, 121.4737));
}

TEST(HaversineTest, AntipodesAreHalfTheCircumference) {
  EXPECT_NEAR(HaversineMeters(0, 0, 0, 180), 3.141592653589793 * kEarthRadiusMeters, 1e-3);
  EXPECT_NEAR(HaversineMeters(90, 0, -90, 0), 3.141592653589793 * kEarthRadiusMeters, 1e-3);
}

TEST(HaversineTest, CrossesTheAntimeridian) {
  EXPECT_NEAR(HaversineMeters(0, 179.9, 0, -179.9), 22'239, 1);
}

TEST(HaversineTest, SmallDistancesAreExactEnoughForThresholds) {
  // 0.001 degree of latitude is about 111 m.
  EXPECT_NEAR(HaversineMeters(31.2400, 121.4900, 31.2410, 121.4900), 111.2, 0.1);
}

TEST(CheckLocationTest, WithinThresholdIsVerified) {
  const v1::GeoPoint customer = Point(31.2400, 121.4900);
  const v1::GeoPoint at = Point(31.2430, 121.4900);  // ~334 m
  LocationCheckResult r = CheckLocation(&at, &customer, 500);
  EXPECT_EQ(r.check, v1::LOCATION_CHECK_VERIFIED);
  EXPECT_NEAR(r.distance_meters, 334, 1);
  EXPECT_EQ(r.threshold_meters, 500);
}

TEST(CheckLocationTest, BeyondThresholdIsTooFar) {
  const v1::GeoPoint customer = Point(31.2400, 121.4900);
  const v1::GeoPoint at = Point(31.2500, 121.4900);  // ~1112 m
  LocationCheckResult r = CheckLocation(&at, &customer, 500);
  EXPECT_EQ(r.check, v1::LOCATION_CHECK_TOO_FAR);
  EXPECT_NEAR(r.distance_meters, 1112, 1);
}

TEST(CheckLocationTest, ExactlyAtThresholdIsVerified) {
  const v1::GeoPoint customer = Point(0, 0);
  const v1::GeoPoint at = Point(0.001, 0);
  const double d = HaversineMeters(0, 0, 0.001, 0);
  EXPECT_EQ(CheckLocation(&at, &customer, d).check, v1::LOCATION_CHECK_VERIFIED);
  EXPECT_EQ(CheckLocation(&at, &customer, d - 0.01).check, v1::LOCATION_CHECK_TOO_FAR);
}

TEST(CheckLocationTest, AccuracyWidensTheTolerance) {
  const v1::GeoPoint customer = Point(31.2400, 121.4900);
  const v1::GeoPoint at = Point(31.2470, 121.4900, 300);  // ~778 m, +-300 m
  LocationCheckResult r = CheckLocation(&at, &customer, 500);
  EXPECT_EQ(r.check, v1::LOCATION_CHECK_VERIFIED);
  EXPECT_EQ(r.threshold_meters, 800);
}

TEST(CheckLocationTest, AccuracyWidensAtMostByTheThreshold) {
  const v1::GeoPoint customer = Point(31.2400, 121.4900);
  const v1::GeoPoint at = Point(31.2500, 121.4900, 5000);  // ~1112 m, +-5 km
  LocationCheckResult r = CheckLocation(&at, &customer, 500);
  EXPECT_EQ(r.check, v1::LOCATION_CHECK_TOO_FAR);
  EXPECT_EQ(r.threshold_meters, 1000);
}

TEST(CheckLocationTest, MissingPositionOrCustomerLocationIsNoLocation) {
  const v1::GeoPoint p = Point(31.24, 121.49);
  for (LocationCheckResult r : {CheckLocation(nullptr, &p, 500), CheckLocation(&p, nullptr, 500),
                                CheckLocation(nullptr, nullptr, 500)}) {
    EXPECT_EQ(r.check, v1::LOCATION_CHECK_NO_LOCATION);
    EXPECT_EQ(r.distance_meters, -1);
  }
}

}  // namespace
}  // namespace salesperf::activity
