# SPDX-License-Identifier: Apache-2.0
# The OTA demo application over HTTPS, signed: app-ota-tls-v1.img,
# app-ota-tls-v2.img (docs/port-lwip.md section 11; tests/qemu/ota_test.py
# https_*). The program of app-ota-v1/v2 (app_ota_main.c) with
# ota_http_tls.c instead of ota_http_plain.c: its HTTP client also holds
# Ferry's TLS transport (port/tls-bearssl) over the lwIP TCP transport.
# Included by net.cmake, after the plain OTA application; it links
# ferry_tls_fw and mps2_entropy_test_only, which tls.cmake defines later.
#
#   OTA_TLS_BASE_URL   the release repository (https://); the server's
#                      certificate must name its host as a DNS name
#   OTA_TLS_CA_PEM     the CA the device trusts (PEM). Empty: a test CA,
#                      EC P-256, made with openssl at build time in
#                      ota-tls-ca/ of the build tree (its key beside it, for
#                      the tests to sign server certificates)
#   OTA_TLS_TEST_TIME  the fixed UTC time (seconds since 1970) of the
#                      TEST-ONLY time hook: this board has no wall clock.
#                      Empty: the time the anchors are made
# The entropy is entropy_test_only.c: NOT RANDOM. Both hooks make these
# images test firmware (ota_http_tls.c). Without openssl the images are left
# out and ota-tls.SKIP says why; ota-tls.env tells the tests the CA, its key
# and the time.
set(OTA_TLS_BASE_URL "https://10.0.2.100/repo" CACHE STRING
    "release repository of the HTTPS OTA demo application (app-ota-tls-v1/v2)")
set(OTA_TLS_CA_PEM "" CACHE FILEPATH
    "CA certificate (PEM) app-ota-tls-v1/v2 trust; empty: a test CA made in the build tree")
set(OTA_TLS_TEST_TIME "" CACHE STRING
    "fixed time (UTC seconds) of the test-only time hook of app-ota-tls; empty: build time")
set(ota_tls_skip ${PROJECT_BINARY_DIR}/ota-tls.SKIP)
file(REMOVE ${ota_tls_skip})
find_program(OTA_TLS_OPENSSL openssl)
if(NOT OTA_TLS_OPENSSL)
  file(WRITE ${ota_tls_skip} "openssl not found (it makes the trust anchors of app-ota-tls)\n")
  message(WARNING "app-ota-tls-v1/v2 are not built: see ${ota_tls_skip}")
  return()
endif()

set(ota_tls_ca_dir ${PROJECT_BINARY_DIR}/ota-tls-ca)
set(ota_tls_deps ${CMAKE_CURRENT_SOURCE_DIR}/ota_tls_anchors.cmake)
set(ota_tls_outputs ${gen}/ota_tls_anchors.c ${PROJECT_BINARY_DIR}/ota-tls.env)
if(OTA_TLS_CA_PEM)
  list(APPEND ota_tls_deps ${OTA_TLS_CA_PEM})
else()
  # The test CA is an output too: deleted, it is made again with a new anchor.
  list(APPEND ota_tls_outputs ${ota_tls_ca_dir}/ca.pem ${ota_tls_ca_dir}/ca.key)
endif()
add_custom_command(OUTPUT ${ota_tls_outputs}
  COMMAND ${CMAKE_COMMAND} -DOPENSSL=${OTA_TLS_OPENSSL} -DDIR=${ota_tls_ca_dir}
          -DCA_PEM=${OTA_TLS_CA_PEM} -DTEST_TIME=${OTA_TLS_TEST_TIME}
          -DOUT=${gen}/ota_tls_anchors.c -DENV=${PROJECT_BINARY_DIR}/ota-tls.env
          -P ${CMAKE_CURRENT_SOURCE_DIR}/ota_tls_anchors.cmake
  DEPENDS ${ota_tls_deps}
  COMMENT "Making the trust anchor of app-ota-tls")

foreach(ver 1.0.0 2.0.0)
  string(REPLACE "." ";" parts ${ver})
  list(GET parts 0 major)
  list(GET parts 1 minor)
  list(GET parts 2 patch)
  set(name app-ota-tls-v${major})
  fw_program(${name} ${gen}/app.ld app_ota_main.c ota_net.c ota_http_tls.c net_clock.c
             lan9118.c app_fault.c ${gen}/ota_tls_anchors.c)
  target_compile_definitions(${name} PRIVATE APP_VERSION_MAJOR=${major}
    APP_VERSION_MINOR=${minor} APP_VERSION_PATCH=${patch} OTA_BASE_URL="${OTA_TLS_BASE_URL}")
  target_link_libraries(${name} PRIVATE mps2_board fw_identity ferry_lwip_fw mps2_entropy_test_only
    ferry_tls_fw ferry_core_p256m31 http_parser_fw)
  add_custom_command(OUTPUT ${name}.img
    COMMAND ${FERRY_TOOL} sign -k ${fw_key} --vendor ${FERRY_VENDOR}
            --device-class ${FERRY_DEVICE_CLASS} --version ${ver}
            --header-size ${BOARD_HEADER_SIZE} --slot-size ${BOARD_PRIMARY_SIZE}
            --name "mps2-an385 OTA demo over HTTPS ${ver}" ${name}.bin ${name}.img
    DEPENDS ${name} ${fw_key} ${FERRY_TOOL}
    COMMENT "Signing ${name}.img")
  add_custom_target(${name}-signed ALL DEPENDS ${name}.img)
endforeach()
# Flash and RAM of the HTTPS application next to the HTTP one
# (docs/port-lwip.md section 11).
add_custom_command(OUTPUT ota-tls-size.txt
  COMMAND ${CMAKE_SIZE} app-ota-v1.elf app-ota-tls-v1.elf > ota-tls-size.txt
  DEPENDS app-ota-v1 app-ota-tls-v1)
add_custom_target(ota-tls-size-report ALL DEPENDS ota-tls-size.txt)
