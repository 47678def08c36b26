# Consumer side of the bus: event sources for the projection runner.
salesperf_library(NAME salesperf_bus_consume
  SRCS local_source.cc kafka_source.cc merged_source.cc
  DEPS salesperf_common salesperf_eventstore salesperf_projection salesperf_bus_topics
       PkgConfig::RDKAFKA absl::synchronization)

salesperf_test(NAME bus_consume_test
  SRCS local_source_test.cc merged_source_test.cc
  DEPS salesperf_bus_consume salesperf_testing)
