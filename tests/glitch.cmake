# SPDX-License-Identifier: Apache-2.0
# The glitch (instruction-skip) harness of the mps2-an385 bootloader
# (docs/glitch.md). Only its smoke test runs here: the harness refuses the
# wrong-key image without a skip, detects a running v2, and a skip is applied
# and changes the boot. The full sweep is scripts/glitch-sweep.sh, by hand.
# The firmware comes from the qemu.firmware_build fixture (tests/qemu.cmake);
# this file is included before qemu.cmake, so the same cache entries are
# declared here too (the first declaration wins, with the same default).
set(FERRY_FW_DIR ${PROJECT_BINARY_DIR}/firmware-mps2 CACHE PATH
    "build directory of the mps2-an385 firmware used by the qemu.* tests")
find_program(FERRY_PYTHON3 python3)

add_test(NAME glitch.smoke
  COMMAND ${FERRY_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/glitch/glitch.py smoke
          --fw ${FERRY_FW_DIR} --ferry $<TARGET_FILE:ferry>
          --work ${CMAKE_CURRENT_BINARY_DIR}/glitch-work/smoke)
set_tests_properties(glitch.smoke PROPERTIES
  FIXTURES_REQUIRED ferry_firmware SKIP_RETURN_CODE 77 TIMEOUT 120)
