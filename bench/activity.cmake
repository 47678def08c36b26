# salesperf_activity_bench: activity bulk import (validate, decide, AppendMulti) against raw
# RocksDB batched writes of the same bytes. Included by bench/CMakeLists.txt; built only
# once the activity service's libraries exist.
if(TARGET salesperf_activity_views AND TARGET salesperf_eventstore AND TARGET salesperf_testing)
  add_executable(salesperf_activity_bench ${CMAKE_CURRENT_LIST_DIR}/activity_bench.cc)
  salesperf_target_options(salesperf_activity_bench)
  target_link_libraries(salesperf_activity_bench PRIVATE salesperf_activity_views
                        salesperf_eventstore salesperf_testing benchmark::benchmark)
endif()
