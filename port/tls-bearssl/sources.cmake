# SPDX-License-Identifier: Apache-2.0
# The TLS transport's sources, for every build that compiles it: the host
# library (CMakeLists.txt here), the simulator's device code
# (port/sim/CMakeLists.txt) and firmware (fw.cmake here). It needs BearSSL's
# headers and, at link time, BearSSL and ferry_strerror's error space only.
set(FERRY_TLS_DIR ${CMAKE_CURRENT_LIST_DIR})
set(FERRY_TLS_SRC ${FERRY_TLS_DIR}/ferry_tls.c)
set(FERRY_TLS_INCLUDE_DIR ${FERRY_TLS_DIR}/include)
