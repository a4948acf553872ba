# SPDX-License-Identifier: Apache-2.0
# The flash-backed anti-rollback counter: behaviour on every layout, then
# power cuts at every operation (both modes, with double faults) per layout.
if(TARGET ferry_sim_flash)
  add_executable(test_counter test_counter.c)
  target_link_libraries(test_counter PRIVATE ferry_sim_flash ferry_testutil)
  add_test(NAME counter.basic COMMAND test_counter basic)
  foreach(layout uniform-4k page-256 page-512 erased-zero spi-nor stm32f4 sectors-128k erased-zero-32)
    add_test(NAME counter.powercut.${layout} COMMAND test_counter powercut ${layout})
  endforeach()
endif()
