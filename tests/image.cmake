# SPDX-License-Identifier: Apache-2.0
# Image format v1, its crypto seam and the Wycheproof vectors.
add_executable(test_image test_image.c)
target_link_libraries(test_image PRIVATE ferry_core ferry_testutil bearssl)
add_test(NAME image.format COMMAND test_image)

add_executable(test_crypto test_crypto.c)
target_link_libraries(test_crypto PRIVATE ferry_core ferry_testutil)
add_test(NAME image.crypto COMMAND test_crypto)

# Reads the vectors in place from the shared directory; skips when absent.
add_executable(test_wycheproof test_wycheproof.c)
target_link_libraries(test_wycheproof PRIVATE ferry_core ferry_testutil)
add_test(NAME image.wycheproof COMMAND test_wycheproof ${FERRY_SHARED_DIR})

# A valid signed image (and its public key) from the test builder: the
# fuzzer's seed and the input of the openssl cross-check.
add_executable(ferry_image_gen image_gen.c)
target_link_libraries(ferry_image_gen PRIVATE ferry_testutil bearssl)

add_test(NAME image.openssl
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/image_openssl.sh $<TARGET_FILE:ferry_image_gen>
                 ${CMAKE_CURRENT_BINARY_DIR}/image_openssl)
set_tests_properties(image.openssl PROPERTIES SKIP_RETURN_CODE 77)

# Encrypted images: both forms, every tampering (docs/image-format.md section 13).
add_executable(test_image_enc test_image_enc.c)
target_link_libraries(test_image_enc PRIVATE ferry_host ferry_core ferry_testutil bearssl)
add_test(NAME image.encrypted COMMAND test_image_enc)

# The same parser in a bootloader without decryption (FERRY_BOOT_PLAIN_SRC
# linked before the core replaces boot/image_enc.c).
add_executable(test_image_plain test_image_plain.c ${FERRY_BOOT_PLAIN_SRC})
target_include_directories(test_image_plain PRIVATE ${FERRY_PRIV_INCLUDE_DIRS})
target_link_libraries(test_image_plain PRIVATE ferry_host ferry_core ferry_testutil bearssl)
add_test(NAME image.plain_bootloader COMMAND test_image_plain)
