# SPDX-License-Identifier: Apache-2.0
# Ferry as another project's dependency (tests/consumer): add_subdirectory()
# and find_package(Ferry) after cmake --install, for the host and for a
# Cortex-M4F (docs/build.md). consumer.deps fetches the target's third-party
# sources once for the m4_* cases; exit 77 means skipped.
set(FERRY_CONSUMER_WORK ${CMAKE_CURRENT_BINARY_DIR}/consumer)
add_test(NAME consumer.deps
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/consumer/run.sh ${PROJECT_SOURCE_DIR} ${FERRY_CONSUMER_WORK} deps)
set_tests_properties(consumer.deps PROPERTIES FIXTURES_SETUP ferry_consumer_deps
  SKIP_RETURN_CODE 77 TIMEOUT 300)
foreach(c host_subdir host_package m4_subdir m4_package)
  add_test(NAME consumer.${c}
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/consumer/run.sh ${PROJECT_SOURCE_DIR} ${FERRY_CONSUMER_WORK} ${c})
  set_tests_properties(consumer.${c} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
endforeach()
set_tests_properties(consumer.m4_subdir consumer.m4_package PROPERTIES
  FIXTURES_REQUIRED ferry_consumer_deps)
