# SPDX-License-Identifier: Apache-2.0
# Over-the-air download on the target: net-smoke (port/mps2-an385/net.cmake)
# runs Ferry's HTTP client over lwIP and the LAN9118 under QEMU and fetches
# a generated file from `ferry serve` on the host's loopback
# (tests/qemu/net_smoke.py; docs/port-lwip.md). The firmware comes from the
# ferry_firmware fixture (tests/qemu.cmake, FERRY_FW_DIR). Missing qemu,
# firmware or lwIP source: SKIP and why.
#   qemu_ota.net_smoke          QEMU in real time
#   qemu_ota.net_smoke_icount   -icount shift=0: also prints instruction counts
find_program(FERRY_PYTHON3 python3)
foreach(variant net_smoke net_smoke_icount)
  set(extra "")
  if(variant STREQUAL "net_smoke_icount")
    set(extra --icount)
  endif()
  add_test(NAME qemu_ota.${variant}
    COMMAND ${FERRY_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/qemu/net_smoke.py --fw ${FERRY_FW_DIR}
            --ferry $<TARGET_FILE:ferry> --work ${CMAKE_CURRENT_BINARY_DIR}/qemu-ota-work/${variant}
            ${extra})
  set_tests_properties(qemu_ota.${variant} PROPERTIES
    FIXTURES_REQUIRED ferry_firmware SKIP_RETURN_CODE 77 TIMEOUT 240 LABELS qemu-ota)
endforeach()
