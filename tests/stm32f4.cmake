# SPDX-License-Identifier: Apache-2.0
# The stm32f4 reference port (port/stm32f4): cross-built for the Cortex-M4F
# with -Werror against the target's third-party sources that consumer.deps
# fetches (tests/consumer.cmake, included before this file), and its ELF
# checked (port/stm32f4/check-build.sh). It is compiled, not run: the layout
# itself is exercised on the simulator's "stm32f4-ref"
# board (boot.decisions.stm32f4-ref, powercut.stm32f4-ref in boot.cmake), and
# stm32f4.sim_layout checks that board against port/stm32f4/layout.cmake.
# Missing cross compiler or sources: the test prints SKIP and why.
add_test(NAME stm32f4.build
  COMMAND sh ${PROJECT_SOURCE_DIR}/port/stm32f4/check-build.sh ${PROJECT_SOURCE_DIR}
          $<TARGET_FILE:ferry> ${CMAKE_CURRENT_BINARY_DIR}/stm32f4 ${FERRY_CONSUMER_WORK}/sources)
set_tests_properties(stm32f4.build PROPERTIES FIXTURES_REQUIRED ferry_consumer_deps
  SKIP_RETURN_CODE 77 TIMEOUT 300)

# The simulator board that stands for this port has the port's numbers.
if(TARGET ferry-sim)
  add_test(NAME stm32f4.sim_layout
    COMMAND sh ${PROJECT_SOURCE_DIR}/port/stm32f4/check-sim-layout.sh $<TARGET_FILE:ferry-sim>
            ${PROJECT_SOURCE_DIR}/port/stm32f4/layout.cmake)
endif()
