# SPDX-License-Identifier: Apache-2.0
# The TLS transport (port/tls-bearssl, docs/tls.md). Its HTTPS tests against
# openssl s_server are http.tls and http.server (tests/http.cmake).

# Its hooks and policy without a network: no entropy, a failing one,
# BearSSL seeded from nothing else, no time, a failing one, a time before
# the floor, a bad config (an in-memory transport underneath; no openssl).
add_executable(test_tls_hooks test_tls_hooks.c)
target_link_libraries(test_tls_hooks PRIVATE ferry_tls ferry_testutil)
add_test(NAME tls.hooks COMMAND test_tls_hooks)

# On the Cortex-M3 under QEMU: handshakes and HTTPS GETs over an in-memory
# server, the refusals (wrong CA, not yet valid, expired) on the target
# (port/mps2-an385/tls_bench.sh). Uses the firmware the qemu.* tests build
# (tests/qemu.cmake: FERRY_FW_DIR, fixture ferry_firmware).
if(DEFINED FERRY_FW_DIR)
  add_test(NAME tls.qemu_bench
    COMMAND sh ${PROJECT_SOURCE_DIR}/port/mps2-an385/tls_bench.sh ${FERRY_FW_DIR})
  set_tests_properties(tls.qemu_bench PROPERTIES
    FIXTURES_REQUIRED ferry_firmware SKIP_RETURN_CODE 77 TIMEOUT 180)
endif()
