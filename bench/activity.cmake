# salesperf_activity_bench: LogCall through gRPC into a real ActivityService against a bare
# echo server (1x1, 1x8, 4x16), and bulk import (validate, decide, AppendMulti) against raw
# RocksDB batched writes of the same bytes. Included by bench/CMakeLists.txt; built only
# once the activity service's libraries exist.
if(TARGET salesperf_activity AND TARGET salesperf_eventstore AND TARGET salesperf_testing
   AND TARGET salesperf_testing_proto)
  add_executable(salesperf_activity_bench ${CMAKE_CURRENT_LIST_DIR}/activity_bench.cc)
  salesperf_target_options(salesperf_activity_bench)
  target_link_libraries(salesperf_activity_bench PRIVATE salesperf_activity salesperf_server
                        salesperf_eventstore salesperf_testing salesperf_testing_proto
                        benchmark::benchmark)
endif()
