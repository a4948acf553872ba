# SPDX-License-Identifier: Apache-2.0
# The TLS transport (port/tls-bearssl) on the mps2-an385, docs/tls.md:
#   ferry_tls_fw, bearssl_tls_fw   the transport and its BearSSL, for any program
#   tls-size, tls-size-base        footprint: the smallest program with the
#                                  transport, and the same without it
#                                  (arm-none-eabi-size on both; tls-size.txt)
# Entropy on this board is entropy_test_only.c: NOT RANDOM, for QEMU only.
# Included at the end of CMakeLists.txt (it uses fw_program, fw_cflags,
# bearssl_fw and the generated linker scripts' helper).
include(${FERRY_ROOT}/port/tls-bearssl/fw.cmake)

add_library(mps2_entropy_test_only STATIC entropy_test_only.c)
target_compile_options(mps2_entropy_test_only PRIVATE ${fw_cflags} ${fw_warn})
target_link_libraries(mps2_entropy_test_only PUBLIC ferry_tls_fw)

# At 0x0 with the RAM of both the bootloader and the application, like
# bench-app-stack: a TLS client's 16 KiB record buffer does not fit a
# bootloader's 32 KiB next to its stack.
math(EXPR tls_ram_size "${BOARD_APP_RAM_BASE} + ${BOARD_APP_RAM_SIZE} - ${BOARD_BOOT_RAM_BASE}"
     OUTPUT_FORMAT HEXADECIMAL)
fw_linker_script(${gen}/tls.ld "TLS programs at 0x0" ${BOARD_BOOT_BASE} 0x00100000
  ${BOARD_BOOT_RAM_BASE} ${tls_ram_size} 0x2000)

fw_program(tls-size ${gen}/tls.ld tls_size_main.c tls_size_wire.c)
target_link_libraries(tls-size PRIVATE mps2_board mps2_entropy_test_only ferry_tls_fw)
fw_program(tls-size-base ${gen}/tls.ld tls_size_base.c tls_size_wire.c)
target_link_libraries(tls-size-base PRIVATE mps2_board)
add_custom_command(OUTPUT tls-size.txt
  COMMAND ${CMAKE_SIZE} tls-size-base.elf tls-size.elf > tls-size.txt
  DEPENDS tls-size tls-size-base)
add_custom_target(tls-size-report ALL DEPENDS tls-size.txt)

# ---- tls-bench: a handshake and HTTPS GETs over an in-memory server ---------
# tls_bench_main.c; run by bench/tls.sh. Needs openssl on the build machine
# (the test certificates are made at build time) and http-parser for the
# target (the HTTP client; see bench-app-stack.SKIP). Without them the
# benchmark is left out and tls-bench.SKIP says why.
set(tls_skip ${PROJECT_BINARY_DIR}/tls-bench.SKIP)
file(REMOVE ${tls_skip})
find_program(TLS_OPENSSL openssl)
if(NOT TLS_OPENSSL)
  file(WRITE ${tls_skip} "openssl not found (it makes the benchmark's certificates)\n")
elseif(NOT TARGET http_parser_fw)
  file(WRITE ${tls_skip} "http-parser for the target is not built (see bench-app-stack.SKIP)\n")
endif()
if(EXISTS ${tls_skip})
  message(WARNING "tls-bench is not built: see ${tls_skip}")
else()
  add_custom_command(OUTPUT ${gen}/tls_bench_certs.c
    COMMAND ${CMAKE_COMMAND} -DOPENSSL=${TLS_OPENSSL} -DDIR=${PROJECT_BINARY_DIR}/tls-bench-certs
            -DOUT=${gen}/tls_bench_certs.c -P ${CMAKE_CURRENT_SOURCE_DIR}/tls_bench_certs.cmake
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tls_bench_certs.cmake
    COMMENT "Making the TLS benchmark's test certificates")
  fw_program(tls-bench ${gen}/tls.ld tls_bench_main.c tls_memserver.c bench_memnet.c stack_probe.c
    ${gen}/tls_bench_certs.c)
  target_link_libraries(tls-bench PRIVATE mps2_board mps2_entropy_test_only ferry_tls_fw
    ferry_core_p256m31 http_parser_fw)
endif()
