# SPDX-License-Identifier: Apache-2.0
# Ferry on a Cortex-M3 under QEMU (mps2-an385): the firmware is cross-built
# from the same core sources by scripts/firmware-build.sh, as a test fixture
# (so the host build never needs the cross compiler or the network), then
# each scenario boots it from a file-backed flash (tests/qemu/qemu_test.py).
# Missing qemu, cross compiler or BearSSL source: the tests print SKIP and why.
set(FERRY_FW_DIR ${PROJECT_BINARY_DIR}/firmware-mps2 CACHE PATH
    "build directory of the mps2-an385 firmware used by the qemu.* tests")
set(FERRY_QEMU_WORK ${CMAKE_CURRENT_BINARY_DIR}/qemu-work)
find_program(FERRY_PYTHON3 python3)

add_test(NAME qemu.firmware_build
  COMMAND sh ${PROJECT_SOURCE_DIR}/scripts/firmware-build.sh
          --ferry $<TARGET_FILE:ferry> --out ${FERRY_FW_DIR})
set_tests_properties(qemu.firmware_build PROPERTIES
  FIXTURES_SETUP ferry_firmware SKIP_RETURN_CODE 77 TIMEOUT 900)

# ferry merge's layout rules: host only.
add_test(NAME qemu.merge
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/qemu/merge.sh $<TARGET_FILE:ferry>
          ${FERRY_QEMU_WORK}/merge)
set_tests_properties(qemu.merge PROPERTIES SKIP_RETURN_CODE 77)

# The linker scripts' asserts (VTOR alignment, sector-aligned slots, the
# bootloader's fixed size): relinks the built firmware with broken layouts.
add_test(NAME qemu.link_asserts
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/qemu/link_asserts.sh ${FERRY_FW_DIR}
          ${FERRY_QEMU_WORK}/link_asserts)
set_tests_properties(qemu.link_asserts PROPERTIES
  FIXTURES_REQUIRED ferry_firmware SKIP_RETURN_CODE 77)

# encrypted_update and encrypted_powercut boot the decrypting bootloader
# (ferry-boot-enc-uart-p256m31).
foreach(scenario fresh_boot update tampered watchdog_revert powercut powercut_revert
                 app_alignment counter_advance counter_lock key_rotation encrypted_update
                 encrypted_powercut)
  add_test(NAME qemu.${scenario}
    COMMAND ${FERRY_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/qemu/qemu_test.py ${scenario}
            --fw ${FERRY_FW_DIR} --ferry $<TARGET_FILE:ferry> --work ${FERRY_QEMU_WORK}/${scenario})
  set_tests_properties(qemu.${scenario} PROPERTIES
    FIXTURES_REQUIRED ferry_firmware SKIP_RETURN_CODE 77 TIMEOUT 300)
endforeach()

# The stack of each application-side call, measured on the target
# (bench/app-stack.sh; the figures are in bench/app-stack.md): every call's
# line is there, each number is above 0 and below the painted region, the
# firmware reports no error. No thresholds: targets live in the benchmark.
add_test(NAME qemu.app_stack
  COMMAND sh ${PROJECT_SOURCE_DIR}/bench/app-stack.sh --check --ferry $<TARGET_FILE:ferry>
          ${FERRY_FW_DIR})
set_tests_properties(qemu.app_stack PROPERTIES
  FIXTURES_REQUIRED ferry_firmware SKIP_RETURN_CODE 77 TIMEOUT 120 LABELS bench.app_stack_smoke)
