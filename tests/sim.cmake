# SPDX-License-Identifier: Apache-2.0
# The simulated device end to end: the update story (tampered update refused,
# install on trial + confirm, watchdog revert), exactly as the demo tells it.
if(TARGET ferry-sim)
  add_test(NAME sim.story
    COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/sim-story.sh ${CMAKE_BINARY_DIR}
            ${CMAKE_BINARY_DIR}/sim-story ${FERRY_SIM_KEY_PATH})
endif()
