# SPDX-License-Identifier: Apache-2.0
# The flash seam: core wrappers, memory flash, block-device adapter, and the
# strict simulator with power cuts.
add_executable(test_flash test_flash.c)
target_link_libraries(test_flash PRIVATE ferry_core ferry_testutil)
add_test(NAME flash.core COMMAND test_flash)

add_executable(test_flash_sim test_flash_sim.c)
target_link_libraries(test_flash_sim PRIVATE ferry_sim_flash ferry_testutil)
add_test(NAME flash.sim COMMAND test_flash_sim)
