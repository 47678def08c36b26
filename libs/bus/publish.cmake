# Producer side of the bus: topic names, publisher (librdkafka), CloudEvents headers,
# outbox relay, dead-letter sink. Included by libs/bus/CMakeLists.txt.

# Topic names only, so that tools and consumers get them without librdkafka.
salesperf_library(NAME salesperf_bus_topics SRCS topics.cc DEPS absl::status absl::strings)

salesperf_library(NAME salesperf_bus_publish
  SRCS cloudevents.cc cursor_store.cc kafka_publisher.cc outbox_relay.cc
  DEPS salesperf_bus_topics salesperf_common salesperf_common_proto PkgConfig::RDKAFKA
       prometheus-cpp::core absl::status absl::statusor absl::strings absl::synchronization
       absl::time absl::flat_hash_map Threads::Threads)

# The projection runner's DeadLetterSink on Kafka; separate so that the relay does not
# pull in the projection library.
if(TARGET salesperf_projection)
  salesperf_library(NAME salesperf_bus_dlq SRCS kafka_dead_letter_sink.cc
    DEPS salesperf_bus_publish salesperf_projection)
endif()
if(TARGET salesperf_eventstore AND TARGET salesperf_bus_dlq)
  salesperf_test(NAME bus_publish_test
    SRCS topics_test.cc cloudevents_test.cc cursor_store_test.cc kafka_publisher_test.cc
         outbox_relay_test.cc kafka_dead_letter_sink_test.cc kafka_test_util.cc
    DEPS salesperf_bus_publish salesperf_bus_dlq salesperf_eventstore salesperf_testing
         salesperf_testing_kafka
    LABELS kafka
    TIMEOUT 120)
  if(TARGET bus_publish_test)
    # The tests start build/bin/salesperf-devkafka (defined later, in tools/).
    add_dependencies(bus_publish_test salesperf-devkafka)
  endif()
endif()
