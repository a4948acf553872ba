# SPDX-License-Identifier: Apache-2.0
# Encrypted images' crypto (docs/encryption-crypto.md): the device side
# (src/crypto/bearssl_enc.c), the host side (tools/ferry/host_ecies.c), and
# openssl's view of both. The device file is compiled in here until a core
# component carries it (src/sources.cmake: FERRY_CRYPTO_ENC_SRC).
if(TARGET ferry_host)
  get_target_property(_ferry_enc_boot_src ferry_boot SOURCES)
  set(_ferry_enc_src ${FERRY_CRYPTO_ENC_SRC})
  if(_ferry_enc_boot_src MATCHES "bearssl_enc\\.c")
    set(_ferry_enc_src "")
  endif()

  # The default build (aes_ct, br_ec_prime_i15 for the ECDH) and the
  # alternatives a port may select, each through the same tests.
  add_executable(test_enc test_enc.c ${_ferry_enc_src})
  target_link_libraries(test_enc PRIVATE ferry_host ferry_core ferry_testutil bearssl)
  add_test(NAME enc.crypto COMMAND test_enc)
  if(_ferry_enc_src)
    add_executable(test_enc_small test_enc.c ${_ferry_enc_src})
    target_compile_definitions(test_enc_small PRIVATE FERRY_AES_SMALL
                               FERRY_ECDH_CURVE=br_ec_p256_m31)
    target_link_libraries(test_enc_small PRIVATE ferry_host ferry_core ferry_testutil bearssl)
    add_test(NAME enc.crypto_small_m31 COMMAND test_enc_small)
    add_executable(test_enc_m15 test_enc.c ${_ferry_enc_src})
    target_compile_definitions(test_enc_m15 PRIVATE FERRY_ECDH_CURVE=br_ec_p256_m15)
    target_link_libraries(test_enc_m15 PRIVATE ferry_host ferry_core ferry_testutil bearssl)
    add_test(NAME enc.crypto_m15 COMMAND test_enc_m15)
  endif()

  add_executable(ferry_enc_vector_tool enc_vector_tool.c ${_ferry_enc_src})
  target_link_libraries(ferry_enc_vector_tool PRIVATE ferry_host ferry_core ferry_testutil bearssl)
  add_test(NAME enc.openssl
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/enc_openssl.sh
                   $<TARGET_FILE:ferry_enc_vector_tool> ${CMAKE_CURRENT_BINARY_DIR}/enc_openssl)
  set_tests_properties(enc.openssl PROPERTIES SKIP_RETURN_CODE 77)
endif()
