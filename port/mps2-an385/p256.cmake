# SPDX-License-Identifier: Apache-2.0
# Ferry's own verify-only P-256 (src/crypto/p256/, docs/p256.md) on the
# Cortex-M3, next to the BearSSL variants above (included at the end of
# CMakeLists.txt). The core is built again with src/crypto/p256/ in place of
# src/crypto/bearssl_p256.c, once per pairing of a field multiply and a
# table of G (src/sources.cmake):
#   own          p256_fe_mul_comba.c + p256_gtab_const.c (FERRY_P256_OWN_SRC, fastest in C)
#   own-notable  p256_fe_mul_comba.c + p256_gtab_ram.c
#   own-loop     p256_fe_mul_loop.c  + p256_gtab_const.c
#   own-small    p256_fe_mul_loop.c  + p256_gtab_ram.c  (FERRY_P256_OWN_SMALL_SRC, smallest)
#   own-asm      p256_fe_mul_armv7m.S + p256_gtab_const.c (Thumb-2 assembly, ARMv7-M
#                only, fastest; not in src/sources.cmake)
# and linked into the verification benchmark (bench-verify-own*) and into
# the plain bootloaders (ferry-boot-{uart,silent}-own*; bench-boot-own,
# bench-boot-own-small and bench-boot-own-asm time whole boots), for
# docs/p256.md's instruction counts, flash sizes and stack depths
# (bench/p256_target.sh). The default bootloader (ferry-boot) is not changed.
# The project is C only (CMakeLists.txt); the assembly multiply needs ASM.
enable_language(ASM)
set(p256_own_src ${FERRY_ALL_SRC})
list(REMOVE_ITEM p256_own_src ${FERRY_P256_BEARSSL_SRC})
set(p256_dir ${FERRY_ROOT}/src/crypto/p256)
set(p256_common ${p256_dir}/p256_fe.c ${p256_dir}/p256_sc.c ${p256_dir}/p256_point.c
    ${p256_dir}/p256_verify.c)
set(p256_variants own own-notable own-loop own-small own-asm)
set(p256_src_own ${FERRY_P256_OWN_SRC})
set(p256_src_own-notable ${p256_common} ${p256_dir}/p256_fe_mul_comba.c ${p256_dir}/p256_gtab_ram.c)
set(p256_src_own-loop ${p256_common} ${p256_dir}/p256_fe_mul_loop.c ${p256_dir}/p256_gtab_const.c)
set(p256_src_own-small ${FERRY_P256_OWN_SMALL_SRC})
set(p256_src_own-asm ${p256_common} ${p256_dir}/p256_fe_mul_armv7m.S ${p256_dir}/p256_gtab_const.c)
foreach(c ${p256_variants})
  add_library(ferry_core_${c} STATIC ${p256_own_src} ${p256_src_${c}})
  target_include_directories(ferry_core_${c} PUBLIC ${FERRY_ROOT}/include
                             PRIVATE ${FERRY_PRIV_INCLUDE_DIRS} ${pkg_inc})
  target_compile_options(ferry_core_${c} PRIVATE ${fw_cflags} ${fw_warn})
  target_link_libraries(ferry_core_${c} PUBLIC bearssl_fw) # SHA-256
  fw_program(bench-verify-${c} ${gen}/boot.ld bench_verify.c)
  target_link_libraries(bench-verify-${c} PRIVATE mps2_board fw_identity ferry_core_${c})
  foreach(console uart silent)
    set(name ferry-boot-${console}-${c})
    fw_program(${name} ${gen}/boot.ld boot_main.c boot_start.c boot_report_${console}.c
               boot_handoff_${handoff_${console}}.c boot_class_key_none.c ${FERRY_BOOT_PLAIN_SRC})
    target_link_libraries(${name} PRIVATE mps2_board fw_identity ferry_core_${c})
  endforeach()
endforeach()
# The smallest configuration linked without LTO: its map file gives
# bench/footprint.sh the size of each part.
fw_program(ferry-boot-silent-own-small-nolto ${gen}/boot.ld boot_main.c boot_start.c
           boot_report_silent.c boot_handoff_none.c boot_class_key_none.c ${FERRY_BOOT_PLAIN_SRC})
target_link_libraries(ferry-boot-silent-own-small-nolto PRIVATE mps2_board fw_identity
                      ferry_core_own-small)
target_link_options(ferry-boot-silent-own-small-nolto PRIVATE -fno-lto)
# Whole boots timed (bench/footprint.sh), as bench-boot-p256m31 in CMakeLists.txt.
foreach(c own own-small own-asm)
  fw_program(bench-boot-${c} ${gen}/boot.ld boot_main.c boot_start.c boot_report_bench.c
             boot_handoff_none.c boot_class_key_none.c ${FERRY_BOOT_PLAIN_SRC})
  target_link_libraries(bench-boot-${c} PRIVATE mps2_board fw_identity ferry_core_${c})
endforeach()

# The Wycheproof P-256 cases on the target (p256_vectors.c), when the shared
# vectors are there: with each of our variants and with BearSSL's default
# code, for the same verdicts on the Cortex-M3 as on the host.
set(p256_wycheproof ${FERRY_ROOT}/../shared/testvectors/wycheproof/ecdsa_secp256r1_sha256_p1363_test.json)
if(EXISTS ${p256_wycheproof})
  add_custom_command(
    OUTPUT ${gen}/p256_vectors_data.c
    COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/p256_vectors_gen.py ${p256_wycheproof}
            ${gen}/p256_vectors_data.c
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/p256_vectors_gen.py ${p256_wycheproof}
    COMMENT "Writing the Wycheproof P-256 table for the target")
  foreach(c own own-small own-asm p256m31)
    fw_program(p256-vectors-${c} ${gen}/boot.ld p256_vectors.c ${gen}/p256_vectors_data.c)
    target_include_directories(p256-vectors-${c} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    target_link_libraries(p256-vectors-${c} PRIVATE mps2_board ferry_core_${c})
  endforeach()
else()
  message(STATUS "no ${p256_wycheproof}: no p256-vectors-* programs")
endif()

# The assembly multiply against the C one on the target (p256_mul_check.c,
# run by tests/qemu_p256.cmake): the assembly as own-asm links it, next to
# p256_fe_mul_comba.c compiled under other names, both over p256_fe.c.
add_library(p256_ref_comba OBJECT ${p256_dir}/p256_fe_mul_comba.c)
target_compile_definitions(p256_ref_comba PRIVATE p256_fe_mul=p256_ref_fe_mul
                           p256_fe_sqr=p256_ref_fe_sqr)
target_compile_options(p256_ref_comba PRIVATE ${fw_cflags} ${fw_warn})
fw_program(p256-mul-check ${gen}/boot.ld p256_mul_check.c ${p256_dir}/p256_fe.c
           ${p256_dir}/p256_fe_mul_armv7m.S $<TARGET_OBJECTS:p256_ref_comba>)
target_include_directories(p256-mul-check PRIVATE ${p256_dir})
target_link_libraries(p256-mul-check PRIVATE mps2_board)
