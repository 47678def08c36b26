# salesperf_analytics_bench: analytics projection apply against a raw consume of the same
# events, top-10 leaderboard and regional-view p99 over gRPC against an echo server, and
# rebuild throughput. Included by bench/CMakeLists.txt.
if(TARGET salesperf_analytics AND TARGET salesperf_analytics_testing AND TARGET salesperf_testing)
  add_executable(salesperf_analytics_bench ${CMAKE_CURRENT_LIST_DIR}/analytics_bench.cc)
  salesperf_target_options(salesperf_analytics_bench)
  target_link_libraries(salesperf_analytics_bench PRIVATE salesperf_analytics
                        salesperf_analytics_testing salesperf_testing salesperf_testing_proto
                        CLI11::CLI11)
endif()
