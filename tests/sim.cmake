# SPDX-License-Identifier: Apache-2.0
# The simulated device end to end: the update story (tampered update refused,
# install on trial + confirm, watchdog revert), exactly as the demo tells it.
if(TARGET ferry-sim)
  add_test(NAME sim.story
    COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/sim-story.sh ${PROJECT_BINARY_DIR}
            ${PROJECT_BINARY_DIR}/sim-story ${FERRY_SIM_KEY_PATH})
endif()

# An update without HTTP: the sample application stages an image pushed over
# a byte stream with the staging API (ferry/stage.h).
if(TARGET ferry-sim AND TARGET ferry)
  add_test(NAME stage.sim_e2e
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/stage_sim_e2e.sh ${PROJECT_BINARY_DIR}
            ${PROJECT_BINARY_DIR}/stage-sim-e2e ${FERRY_SIM_KEY_PATH})
  set_tests_properties(stage.sim_e2e PROPERTIES TIMEOUT 120)
endif()

# The bootloader write-locks the counter store before the handover: a hostile
# application cannot change it, the next boot's bootloader still can.
if(TARGET ferry-sim AND TARGET ferry_app_runtime)
  add_executable(sim_lock_app sim_lock_app.c)
  target_link_libraries(sim_lock_app PRIVATE ferry_app_runtime)
  ferry_device_build(sim_lock_app)
  add_test(NAME sim.lock
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/sim_lock.sh ${PROJECT_BINARY_DIR}
            ${PROJECT_BINARY_DIR}/sim-lock ${FERRY_SIM_KEY_PATH} $<TARGET_FILE:sim_lock_app>)
endif()
