# SPDX-License-Identifier: Apache-2.0
# Ferry's own P-256 on the Cortex-M3 under QEMU (docs/p256.md), from the
# firmware the qemu.firmware_build fixture builds (tests/qemu.cmake):
#   qemu.p256_mul_check        the Thumb-2 field multiply and squaring
#                              (src/crypto/p256/p256_fe_mul_armv7m.S) against
#                              the C ones (port/mps2-an385/p256_mul_check.c)
#   qemu.p256_vectors_own_asm  the Wycheproof P-256 cases with the assembly
#                              multiply (p256-vectors-own-asm): none wrong
# Without qemu, the firmware or (for the second) the shared Wycheproof file,
# they print SKIP and why (tests/qemu/p256_check.sh).
add_test(NAME qemu.p256_mul_check
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/qemu/p256_check.sh ${FERRY_FW_DIR} p256-mul-check
          "^\\[p256\\] mul_check edge=[0-9]+ random=[0-9]+ reduce=[0-9]+ ok$")
add_test(NAME qemu.p256_vectors_own_asm
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/qemu/p256_check.sh ${FERRY_FW_DIR} p256-vectors-own-asm
          "^\\[p256\\] wycheproof cases=[1-9][0-9]* .* wrong=0 ")
set_tests_properties(qemu.p256_mul_check qemu.p256_vectors_own_asm PROPERTIES
  FIXTURES_REQUIRED ferry_firmware SKIP_RETURN_CODE 77 TIMEOUT 300)
