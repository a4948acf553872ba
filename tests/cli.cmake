# SPDX-License-Identifier: Apache-2.0
# The host library (tools/ferry/ferry_host.h) and the `ferry` command-line tool.
# Shell tests get the ferry binary and a scratch directory (recreated by the
# test), then any helpers; exit 77 means skipped (openssl or SoftHSM2
# missing, or ferry built without PKCS#11), with the reason printed.
set(FERRY_CLI_TESTS ${CMAKE_CURRENT_SOURCE_DIR}/cli)
set(FERRY_CLI_WORK ${CMAKE_CURRENT_BINARY_DIR}/cli-work)
file(MAKE_DIRECTORY ${FERRY_CLI_WORK})

add_executable(test_host cli/test_host.c)
target_link_libraries(test_host PRIVATE ferry_host ferry_core ferry_testutil bearssl)
add_test(NAME cli.host COMMAND test_host ${FERRY_CLI_WORK}/host)

# Encrypted keys (PBKDF2, PBES2, hostile inputs), DER signatures, the token
# signer seam, detached signing: the internals (host_priv.h) included.
add_executable(test_host_keys cli/test_host_keys.c)
target_link_libraries(test_host_keys PRIVATE ferry_host ferry_testutil bearssl)
add_test(NAME cli.host_keys COMMAND test_host_keys ${FERRY_CLI_WORK}/host_keys)

# raw r||s <-> DER signature conversion for the openssl interop test.
add_executable(ferry_sigconv cli/sigconv.c)

function(ferry_cli_test name script)
  add_test(NAME cli.${name}
           COMMAND sh ${FERRY_CLI_TESTS}/${script} $<TARGET_FILE:ferry> ${FERRY_CLI_WORK}/${name}
                   ${ARGN})
  set_tests_properties(cli.${name} PROPERTIES SKIP_RETURN_CODE 77)
endfunction()

ferry_cli_test(roundtrip roundtrip.sh)
ferry_cli_test(usage usage.sh)
ferry_cli_test(openssl_keys openssl_keys.sh)
ferry_cli_test(interop interop.sh $<TARGET_FILE:ferry_sigconv>)
ferry_cli_test(hostile hostile.sh)
ferry_cli_test(c_output c_output.sh ${CMAKE_C_COMPILER} ${PROJECT_SOURCE_DIR}/include)
ferry_cli_test(sign_input sign_input.sh)
ferry_cli_test(verify_json verify_json.sh)
ferry_cli_test(merge_out merge_out.sh)
ferry_cli_test(encrypted_keys encrypted_keys.sh)
ferry_cli_test(detached detached.sh $<TARGET_FILE:ferry_sigconv> ${PROJECT_SOURCE_DIR}/docs/keys.md)

# PKCS#11 through SoftHSM2: a token made by the test, keys generated inside
# it by p11keys (p11-kit's C_GenerateKeyPair; no opensc needed). Without
# p11-kit the test checks the "built without PKCS#11 support" refusal and
# reports itself skipped.
if(FERRY_PKCS11)
  add_executable(ferry_p11keys cli/p11keys.c)
  target_link_libraries(ferry_p11keys PRIVATE PkgConfig::P11KIT)
  ferry_cli_test(pkcs11 pkcs11.sh $<TARGET_FILE:ferry_sigconv> $<TARGET_FILE:ferry_p11keys>)
else()
  ferry_cli_test(pkcs11 pkcs11.sh $<TARGET_FILE:ferry_sigconv> none)
endif()
ferry_cli_test(encrypt encrypt.sh)
