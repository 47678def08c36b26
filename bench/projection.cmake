# salesperf_projection_bench: projection apply (poll, decode, evolve, batch write,
# checkpoint) against a raw librdkafka consume of the same records. Included by
# bench/CMakeLists.txt.
if(TARGET salesperf_bus_consume AND TARGET salesperf_testing)
  add_executable(salesperf_projection_bench ${CMAKE_CURRENT_LIST_DIR}/projection_bench.cc)
  salesperf_target_options(salesperf_projection_bench)
  target_link_libraries(salesperf_projection_bench PRIVATE salesperf_bus_consume
                        salesperf_testing CLI11::CLI11 PkgConfig::RDKAFKA)
endif()
