# SPDX-License-Identifier: Apache-2.0
# Over-the-air download and update on the target. net-smoke (port/mps2-an385/net.cmake)
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

# The whole over-the-air update, v1 -> v2 over HTTP (tests/qemu/ota_test.py;
# the OTA demo application app-ota-v1/v2, port/mps2-an385/app_ota_main.c;
# docs/port-lwip.md section 9). Each runs the bootloader and the application
# under QEMU with the LAN9118 on QEMU's user network (restrict=on), the
# release repository made with `ferry publish` and served on the loopback.
#   qemu_ota.http_ferry_serve   from `ferry serve`: progress, reboot, install, v2 confirmed
#   qemu_ota.http_nginx         the same repository from nginx (unprivileged, loopback)
#   qemu_ota.http_icount_256k   -icount shift=0, v2 padded to 256 KiB: prints the
#                               instruction counts of bench/results.md
#   qemu_ota.failures           server down, 404, stalled and truncated bodies, forged
#                               manifest, wrong image digest: v1 stays and says why;
#                               a truncated download then resumes with Range
#   qemu_ota.powercut           30 seeded power cuts in downloads and installs (256 KiB v2)
#   qemu_ota.https_ferry_serve  v1 -> v2 over HTTPS (app-ota-tls-v1/v2, trusting the
#                               build's test CA) from `ferry serve --tls-cert --tls-key`
#   qemu_ota.https_icount_256k  https_ferry_serve under -icount shift=0, v2 padded to
#                               256 KiB: the instruction counts of docs/port-lwip.md section 11
#   qemu_ota.https_wrong_cert   a server certificate from another CA: refused on the
#                               device (BR_ERR_X509_NOT_TRUSTED), v1 stays
set(ota_test ${CMAKE_CURRENT_SOURCE_DIR}/qemu/ota_test.py)
set(ota_work ${CMAKE_CURRENT_BINARY_DIR}/qemu-ota-work)
set(ota_http_ferry_serve ferry_serve)
set(ota_http_nginx nginx)
set(ota_http_icount_256k ferry_serve --icount --pad 256)
set(ota_failures failures)
set(ota_powercut powercut --pad 256 --cuts 30 --seed 1)
set(ota_https_ferry_serve https_ferry_serve)
set(ota_https_icount_256k https_ferry_serve --icount --pad 256)
set(ota_https_wrong_cert https_wrong_cert)
foreach(name http_ferry_serve http_nginx http_icount_256k failures powercut https_ferry_serve
        https_icount_256k https_wrong_cert)
  add_test(NAME qemu_ota.${name}
    COMMAND ${FERRY_PYTHON3} ${ota_test} ${ota_${name}} --fw ${FERRY_FW_DIR}
            --ferry $<TARGET_FILE:ferry> --work ${ota_work}/${name})
  set_tests_properties(qemu_ota.${name} PROPERTIES
    FIXTURES_REQUIRED ferry_firmware SKIP_RETURN_CODE 77 TIMEOUT 600 LABELS qemu-ota)
endforeach()
