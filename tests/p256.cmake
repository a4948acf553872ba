# SPDX-License-Identifier: Apache-2.0
# Ferry's own verify-only P-256 (src/crypto/p256/, docs/p256.md) against
# BearSSL's four curve codes and OpenSSL: test_p256 (vectors, edge cases,
# field and scalar arithmetic against OpenSSL's BIGNUM, the table of G) and
# the differential driver p256_diff (scripts/p256-diff-campaign.sh).
#
# ferry_p256_verifiers(TARGET [OPTIONS...]): adds to TARGET every verifier
# the comparison needs, each compiled with ferry_p256_verify renamed
# (tests/p256_ref.h) so that all of them live in one binary: ours, fast
# (FERRY_P256_OWN_SRC) and small (FERRY_P256_OWN_SMALL_SRC), BearSSL's p256_m31, p256_m15, prime_i31 and
# prime_i15 (src/crypto/bearssl_p256.c). OPTIONS are extra compile options
# (the fuzz build passes its instrumentation).
function(ferry_p256_verifiers target)
  set(variants own own_small bearssl_m31 bearssl_m15 bearssl_i31 bearssl_i15)
  set(def_bearssl_m31 FERRY_P256_CURVE=br_ec_p256_m31 FERRY_P256_ECDSA=br_ecdsa_i31_vrfy_raw)
  set(def_bearssl_m15 FERRY_P256_CURVE=br_ec_p256_m15 FERRY_P256_ECDSA=br_ecdsa_i15_vrfy_raw)
  set(def_bearssl_i31 FERRY_P256_CURVE=br_ec_prime_i31 FERRY_P256_ECDSA=br_ecdsa_i31_vrfy_raw)
  set(def_bearssl_i15 FERRY_P256_CURVE=br_ec_prime_i15 FERRY_P256_ECDSA=br_ecdsa_i15_vrfy_raw)
  foreach(v ${variants})
    set(lib ${target}_p256_${v})
    if(v MATCHES "^bearssl")
      add_library(${lib} OBJECT ${FERRY_P256_BEARSSL_SRC})
      target_compile_definitions(${lib} PRIVATE ${def_${v}}
                                 ferry_p256_verify=ferry_p256_verify_${v})
      target_link_libraries(${lib} PRIVATE bearssl)
    elseif(v STREQUAL "own")
      add_library(${lib} OBJECT ${FERRY_P256_OWN_SRC})
      target_compile_definitions(${lib} PRIVATE ferry_p256_verify=ferry_p256_verify_own)
    else()
      # The small variant with all its names prefixed (p256_small_names.h),
      # so that its field, scalar and point code is its own, tested as such.
      add_library(${lib} OBJECT ${FERRY_P256_OWN_SMALL_SRC})
      target_compile_options(${lib} PRIVATE -include
                             ${PROJECT_SOURCE_DIR}/tests/p256_small_names.h)
    endif()
    target_include_directories(${lib} PRIVATE ${FERRY_INCLUDE_DIR})
    target_compile_options(${lib} PRIVATE -ffreestanding ${ARGN})
    target_sources(${target} PRIVATE $<TARGET_OBJECTS:${lib}>)
  endforeach()
  target_sources(${target} PRIVATE ${PROJECT_SOURCE_DIR}/tests/p256_ref.c)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/tests
                             ${PROJECT_SOURCE_DIR}/src/crypto/p256 ${FERRY_INCLUDE_DIR})
  target_link_libraries(${target} PRIVATE OpenSSL::Crypto bearssl)
endfunction()

find_package(OpenSSL COMPONENTS Crypto)
if(NOT OpenSSL_FOUND)
  message(STATUS "OpenSSL (libssl-dev) not found: no P-256 comparison tests (test_p256, p256_diff)")
  return()
endif()
# fuzz/ and bench/ link it too (ferry_p256_verifiers)
get_target_property(ferry_openssl_global OpenSSL::Crypto IMPORTED_GLOBAL)
if(NOT ferry_openssl_global)
  set_target_properties(OpenSSL::Crypto PROPERTIES IMPORTED_GLOBAL TRUE)
endif()

# NIST CAVP SigVer vectors, read in place when python3-cryptography-vectors
# (scripts/setup.sh) is installed; test_p256 skips them, saying so, otherwise.
set(FERRY_CAVP_SIGVER
    "/usr/lib/python3/dist-packages/cryptography_vectors/asymmetric/ECDSA/FIPS_186-3/SigVer.rsp"
    CACHE FILEPATH "NIST CAVP ECDSA SigVer.rsp (FIPS 186-3)")

add_executable(test_p256 test_p256.c)
target_link_libraries(test_p256 PRIVATE ferry_core ferry_testutil)
ferry_p256_verifiers(test_p256)
add_test(NAME p256.verify COMMAND test_p256 ${FERRY_SHARED_DIR} ${FERRY_CAVP_SIGVER})

add_executable(p256_diff p256_diff_main.c p256_diff.c)
ferry_p256_verifiers(p256_diff)
add_test(NAME p256.diff_smoke COMMAND p256_diff -n 1000 -s 1)
set_tests_properties(p256.diff_smoke PROPERTIES TIMEOUT 300)
# The fast mode of the campaign (-f), and that it reports a disagreement:
# with -z BearSSL judges hashes of 0 mod n too, where it is known to be
# wrong (p256_ref.h), and seed 3 meets such a case within 5000 inputs.
add_test(NAME p256.diff_fast_smoke COMMAND p256_diff -f -n 2000 -s 1)
add_test(NAME p256.diff_fast_finds COMMAND p256_diff -f -z -n 5000 -s 3)
set_tests_properties(p256.diff_fast_finds PROPERTIES
                     PASS_REGULAR_EXPRESSION "bearssl-p256-m31 +valid")
