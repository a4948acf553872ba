# SPDX-License-Identifier: Apache-2.0
# Ferry's third-party code compiled for the target, for a cross build (or any
# build with FERRY_DEPS_FROM_SOURCE=ON):
#   ferry_bearssl      static: the BearSSL files the crypto backend needs
#                      (SHA-256, ECDSA P-256 verification; for encrypted
#                      images ECDH, HKDF, HMAC, AES)              ferry::bearssl
#   ferry_http_parser  static: http_parser.c                      ferry::http_parser
#   ferry_jsmn         header only: jsmn.h                        ferry::jsmn
# Each comes from its FERRY_<NAME>_SOURCE_DIR (your own copy) or, left empty,
# from Debian's source package fetched at configure time into
# FERRY_DEPS_FETCH_DIR by scripts/fetch-<name>-source.sh (apt-get source).
# jsmn, a single header, falls back to the host's copy (libjsmn-dev) when it
# cannot be fetched. Only single headers are copied to the include path,
# never a whole system include directory. docs/build.md has the details.
#
# Out: FERRY_DEP_TARGETS  the targets made here (installed with Ferry's own)
set(FERRY_BEARSSL_SOURCE_DIR "" CACHE PATH
    "BearSSL source tree (inc/bearssl.h, src/) to build for the target; empty: apt-get source bearssl")
set(FERRY_HTTP_PARSER_SOURCE_DIR "" CACHE PATH
    "http-parser source tree (http_parser.c, http_parser.h) to build for the target; empty: apt-get source http-parser")
set(FERRY_JSMN_SOURCE_DIR "" CACHE PATH
    "directory holding jsmn.h; empty: apt-get source jsmn, else the host's libjsmn-dev header")
set(FERRY_DEPS_FETCH_DIR "${PROJECT_BINARY_DIR}/ferry-deps" CACHE PATH
    "where third-party source packages are fetched when no FERRY_*_SOURCE_DIR is given")
set(_ferry_scripts ${CMAKE_CURRENT_LIST_DIR}/../scripts)
set(_ferry_dep_inc ${PROJECT_BINARY_DIR}/ferry-deps-include)

# _ferry_dep_dir(OUT NAME PACKAGE FILE): the tree holding FILE, from the
# cache variable FERRY_<NAME>_SOURCE_DIR or fetched; empty if neither works
# (the fetch script's reason is in _ferry_fetch_log).
function(_ferry_dep_dir out name package file)
  set(var FERRY_${name}_SOURCE_DIR)
  if(${var})
    if(NOT EXISTS ${${var}}/${file})
      message(FATAL_ERROR "${var}=${${var}} has no ${file}")
    endif()
    set(${out} ${${var}} PARENT_SCOPE)
    return()
  endif()
  execute_process(COMMAND sh ${_ferry_scripts}/fetch-${package}-source.sh ${FERRY_DEPS_FETCH_DIR}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
  if(rc EQUAL 0)
    message(STATUS "Ferry: ${package} for the target from ${FERRY_DEPS_FETCH_DIR}/${package}")
    set(${out} ${FERRY_DEPS_FETCH_DIR}/${package} PARENT_SCOPE)
  else()
    set(${out} "" PARENT_SCOPE)
    set(_ferry_fetch_log "${log}" PARENT_SCOPE)
  endif()
endfunction()

# ---- BearSSL -----------------------------------------------------------------
# SHA-256 and ECDSA verification with each P-256 implementation, and the
# integer and codec helpers they call; the ECDSA verifiers refer to all three
# NIST curves' descriptors. The same list as port/mps2-an385's (which does
# not have the encryption files below yet). A program links only the objects
# it references.
# Encrypted images (src/crypto/bearssl_enc.c) add HKDF and HMAC over the same
# SHA-256, and AES: both the constant-time code (aes_ct, the default) and the
# table code (aes_small, -DFERRY_AES_SMALL), each as block encryption and
# decryption, CTR and CBC decryption (one-block decryption for the key unwrap).
# Their ECDH runs on one of the curve codes already listed.
_ferry_dep_dir(_ferry_bearssl BEARSSL bearssl inc/bearssl.h)
if(NOT _ferry_bearssl)
  message(FATAL_ERROR "Ferry needs BearSSL's source for the target: set "
                      "-DFERRY_BEARSSL_SOURCE_DIR=<tree with inc/bearssl.h>.\n${_ferry_fetch_log}")
endif()
file(GLOB _ferry_bearssl_int ${_ferry_bearssl}/src/int/i15_*.c ${_ferry_bearssl}/src/int/i31_*.c)
add_library(ferry_bearssl STATIC ${_ferry_bearssl_int})
foreach(f int/i32_div32.c hash/sha2small.c codec/ccopy.c codec/dec32be.c codec/enc32be.c
          ec/ec_p256_m15.c ec/ec_p256_m31.c ec/ec_prime_i15.c ec/ec_prime_i31.c
          ec/ec_secp256r1.c ec/ec_secp384r1.c ec/ec_secp521r1.c ec/ecdsa_i15_bits.c
          ec/ecdsa_i31_bits.c ec/ecdsa_i15_vrfy_raw.c ec/ecdsa_i31_vrfy_raw.c
          kdf/hkdf.c mac/hmac.c
          symcipher/aes_ct.c symcipher/aes_ct_enc.c symcipher/aes_ct_dec.c
          symcipher/aes_ct_ctr.c symcipher/aes_ct_cbcdec.c
          symcipher/aes_common.c symcipher/aes_small_enc.c symcipher/aes_small_dec.c
          symcipher/aes_small_ctr.c symcipher/aes_small_cbcdec.c)
  target_sources(ferry_bearssl PRIVATE ${_ferry_bearssl}/src/${f})
endforeach()
target_include_directories(ferry_bearssl PUBLIC $<BUILD_INTERFACE:${_ferry_bearssl}/inc>
                           PRIVATE ${_ferry_bearssl}/src)

# ---- http-parser -------------------------------------------------------------
_ferry_dep_dir(_ferry_http_parser HTTP_PARSER http-parser http_parser.c)
if(NOT _ferry_http_parser)
  message(FATAL_ERROR "Ferry needs http-parser's source for the target: set "
                      "-DFERRY_HTTP_PARSER_SOURCE_DIR=<tree with http_parser.c>.\n${_ferry_fetch_log}")
endif()
configure_file(${_ferry_http_parser}/http_parser.h ${_ferry_dep_inc}/http_parser/http_parser.h COPYONLY)
add_library(ferry_http_parser STATIC ${_ferry_http_parser}/http_parser.c)
target_include_directories(ferry_http_parser PUBLIC $<BUILD_INTERFACE:${_ferry_dep_inc}/http_parser>)

# ---- jsmn --------------------------------------------------------------------
_ferry_dep_dir(_ferry_jsmn JSMN jsmn jsmn.h)
if(NOT _ferry_jsmn)
  # A header only, the same on every architecture: the host's copy will do.
  # (A cross build searches no host directory by itself: these are named.)
  find_path(FERRY_HOST_JSMN_DIR jsmn.h PATHS /usr/local/include /usr/include NO_CMAKE_FIND_ROOT_PATH
            DOC "the host's jsmn.h (libjsmn-dev), used when jsmn's source cannot be fetched")
  if(NOT FERRY_HOST_JSMN_DIR)
    message(FATAL_ERROR "Ferry needs jsmn.h: set -DFERRY_JSMN_SOURCE_DIR=<directory with jsmn.h> "
                        "or install libjsmn-dev.\n${_ferry_fetch_log}")
  endif()
  message(STATUS "Ferry: jsmn could not be fetched; using the host's ${FERRY_HOST_JSMN_DIR}/jsmn.h")
  set(_ferry_jsmn ${FERRY_HOST_JSMN_DIR})
endif()
configure_file(${_ferry_jsmn}/jsmn.h ${_ferry_dep_inc}/jsmn/jsmn.h COPYONLY)
add_library(ferry_jsmn INTERFACE)
target_include_directories(ferry_jsmn INTERFACE $<BUILD_INTERFACE:${_ferry_dep_inc}/jsmn>)

set(FERRY_DEP_TARGETS ferry_bearssl ferry_http_parser ferry_jsmn)
foreach(t ${FERRY_DEP_TARGETS})
  string(REPLACE "ferry_" "" short ${t})
  add_library(ferry::${short} ALIAS ${t})
  set_target_properties(${t} PROPERTIES EXPORT_NAME ${short})
endforeach()
# Third-party code is compiled as it is: its warnings are not Ferry's to fix.
target_compile_options(ferry_bearssl PRIVATE -w)
target_compile_options(ferry_http_parser PRIVATE -w)
