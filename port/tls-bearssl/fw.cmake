# SPDX-License-Identifier: Apache-2.0
# The TLS transport for a firmware build (docs/tls.md). Included by a
# board's CMake after it has defined:
#   BEARSSL_SRC   BearSSL's source tree (scripts/fetch-bearssl-source.sh)
#   fw_cflags     the target's compile options (-mcpu via the toolchain file)
#   fw_warn       Ferry's warning options
#   bearssl_fw    the board's BearSSL library for the core (a subset)
# and gives:
#   ferry_tls_fw    ferry_tls.c, with ferry_tls.h on its public include path;
#                   links bearssl_tls_fw. A program still needs the core's
#                   ferry_strerror (src/common) and the port's hooks.
#   bearssl_tls_fw  every BearSSL source that bearssl_fw does not already
#                   compile. Archives are linked by need and the firmware by
#                   --gc-sections, so a program carries only what the TLS
#                   client profile in ferry_tls.c reaches (the suites, hashes
#                   and curve code it sets), never the whole library.
include(${CMAKE_CURRENT_LIST_DIR}/sources.cmake)
file(GLOB_RECURSE tls_br_all ${BEARSSL_SRC}/src/*.c)
get_target_property(tls_br_core bearssl_fw SOURCES)
list(REMOVE_ITEM tls_br_all ${tls_br_core})
add_library(bearssl_tls_fw STATIC ${tls_br_all})
target_include_directories(bearssl_tls_fw PUBLIC ${BEARSSL_SRC}/inc PRIVATE ${BEARSSL_SRC}/src)
# BearSSL's own sources build with -w: third-party code is not judged by
# Ferry's -Werror. BearSSL picks no OS facility on this target (no
# /dev/urandom, no time()): ferry_tls.c seeds it and gives it the time.
target_compile_options(bearssl_tls_fw PRIVATE ${fw_cflags} -w)
target_link_libraries(bearssl_tls_fw PUBLIC bearssl_fw)

add_library(ferry_tls_fw STATIC ${FERRY_TLS_SRC})
target_include_directories(ferry_tls_fw PUBLIC ${FERRY_TLS_INCLUDE_DIR} ${FERRY_ROOT}/include)
target_compile_options(ferry_tls_fw PRIVATE ${fw_cflags} ${fw_warn})
target_link_libraries(ferry_tls_fw PUBLIC bearssl_tls_fw)
