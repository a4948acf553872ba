# SPDX-License-Identifier: Apache-2.0
# The update agent: release manifest parsing and signature, and the agent's
# check / download / resume / failure cases against an in-process repository.
add_executable(test_manifest test_manifest.c)
target_link_libraries(test_manifest PRIVATE ferry_core ferry_testutil bearssl)
add_test(NAME agent.manifest COMMAND test_manifest)

# ferry_boot_fixture comes from boot.cmake (included after this file), under
# the same condition.
if(TARGET ferry_host)
  add_executable(test_agent test_agent.c)
  target_link_libraries(test_agent PRIVATE ferry_boot_fixture)
  foreach(board demo uniform-4k sectors-128k stm32f4 stm32f4-ext-nor page-256 erased-zero unit-1 unit-32-zero)
    add_test(NAME agent.update.${board} COMMAND test_agent ${board})
  endforeach()
  foreach(board uniform-4k page-256 stm32f4-ext-nor)
    add_test(NAME agent.powercut.${board} COMMAND test_agent ${board} sweep)
  endforeach()

  # The staging API for any transport (include/ferry/stage.h).
  add_executable(test_stage test_stage.c)
  target_link_libraries(test_stage PRIVATE ferry_boot_fixture)
  foreach(board demo uniform-4k sectors-128k stm32f4 stm32f4-ext-nor page-256 erased-zero unit-1 unit-32-zero)
    add_test(NAME stage.api.${board} COMMAND test_stage ${board})
  endforeach()
  foreach(board uniform-4k page-256 unit-32-zero)
    add_test(NAME stage.powercut.${board} COMMAND test_stage ${board} sweep)
  endforeach()
endif()

# Over the air end to end: ferry publish + ferry serve on 127.0.0.1, the
# simulated device updating itself from v1 to v2 (and refusing a server that
# is down, stalls, or shows an untrusted certificate).
if(TARGET ferry-sim AND TARGET ferry)
  add_test(NAME agent.sim_e2e
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/agent_e2e.sh ${PROJECT_BINARY_DIR}
            ${PROJECT_BINARY_DIR}/agent-e2e ${FERRY_SIM_KEY_PATH}
            ${CMAKE_CURRENT_SOURCE_DIR}/http_tls_certs.sh)
  set_tests_properties(agent.sim_e2e PROPERTIES TIMEOUT 180)
endif()
