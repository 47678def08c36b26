# salesperf_relay_bench: outbox relay publish throughput against raw librdkafka produce
# of the same records with the same producer configuration (in-process mock cluster).
# Included by bench/CMakeLists.txt.
if(TARGET salesperf_bus_publish AND TARGET salesperf_eventstore AND TARGET salesperf_config)
  add_executable(salesperf_relay_bench ${CMAKE_CURRENT_LIST_DIR}/relay_bench.cc)
  salesperf_target_options(salesperf_relay_bench)
  target_link_libraries(salesperf_relay_bench PRIVATE salesperf_bus_publish salesperf_eventstore
                        salesperf_config PkgConfig::RDKAFKA)
endif()
