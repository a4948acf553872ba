# SPDX-License-Identifier: Apache-2.0
# Boot decisions and install/revert on every simulated board.
set(FERRY_BOOT_TEST_BOARDS demo uniform-4k sectors-128k stm32f4 stm32f4-ext-nor stm32f4-ref page-256
    erased-zero unit-1 unit-32-zero)

# ferry_boot_test(NAME SOURCE): SOURCE against the fixture, one test
# boot.NAME.<board> per board.
function(ferry_boot_test name source)
  get_filename_component(exe ${source} NAME_WE)
  add_executable(${exe} ${source})
  target_link_libraries(${exe} PRIVATE ferry_boot_fixture)
  foreach(board ${FERRY_BOOT_TEST_BOARDS})
    add_test(NAME boot.${name}.${board} COMMAND ${exe} ${board})
  endforeach()
endfunction()

if(TARGET ferry_host)
  add_library(ferry_boot_fixture STATIC boot_fixture.c)
  target_link_libraries(ferry_boot_fixture PUBLIC ferry_sim_board ferry_host ferry_testutil)
  target_include_directories(ferry_boot_fixture PUBLIC ${PROJECT_SOURCE_DIR}/tools/ferry)
  ferry_boot_test(decisions test_boot.c)
  # Key rotation and revocation (docs/keys.md): boards with a revocation
  # store and without one.
  ferry_boot_test(revoke test_boot_revoke.c)
  # Encrypted images in the bootloader (docs/encryption.md).
  ferry_boot_test(encrypted test_boot_enc.c)
  # Header-signed images: the one-pass install (docs/image-format.md section 14).
  ferry_boot_test(header_signed test_boot_header_signed.c)
endif()

# Power-cut proofs: the fast subset (every cut point, one double fault per
# point) on a few boards; scripts/powercut-sweep.sh runs the whole matrix.
# Every scenario of tests/test_powercut.c, with the shrink scenarios
# (install-shrink, revert-shrink: the old image larger than the new one).
set(FERRY_POWERCUT_SCENARIOS all)
set(FERRY_POWERCUT_ENC_SCENARIOS all)
if(TARGET ferry_boot_fixture)
  add_executable(test_powercut test_powercut.c)
  target_link_libraries(test_powercut PRIVATE ferry_boot_fixture)
  foreach(board uniform-4k stm32f4-ext-nor stm32f4-ref page-256 unit-32-zero)
    add_test(NAME powercut.${board} COMMAND test_powercut ${board} ${FERRY_POWERCUT_SCENARIOS} 1)
  endforeach()
  add_test(NAME powercut.soak COMMAND test_powercut --soak 300 1)
  # The same with flash ECC: torn programs leave words that fail to read.
  add_test(NAME powercut.ecc.uniform-4k
           COMMAND test_powercut --ecc 8 uniform-4k ${FERRY_POWERCUT_SCENARIOS} 1)
  # Encrypted images (--enc): primary against the installed forms, staging
  # against the stored forms, a plaintext scan of everything outside the
  # primary after every cut and boot. Every board, every 13th cut point (each
  # board has other operation counts, so other points), one double fault per
  # point; scripts/powercut-sweep.sh --enc runs every point.
  foreach(board ${FERRY_BOOT_TEST_BOARDS} spi-nor-8m)
    add_test(NAME powercut.encrypted.${board}
             COMMAND test_powercut --enc ${board} ${FERRY_POWERCUT_ENC_SCENARIOS} 1 13)
  endforeach()
  add_test(NAME powercut.encrypted.soak COMMAND test_powercut --enc --soak 100 1)
  # Header-signed images (the one-pass install): every board, every 7th cut
  # point, one double fault per point.
  foreach(board ${FERRY_BOOT_TEST_BOARDS} spi-nor-8m)
    add_test(NAME powercut.header_signed.${board}
             COMMAND test_powercut --header-signed ${board} ${FERRY_POWERCUT_SCENARIOS} 1 7)
  endforeach()
  # The failures the encrypted mode and the shrink scenarios found
  # (docs/powercut.md), every cut point, single cuts: each replays its story.
  add_test(NAME powercut.encrypted.revert.uniform-4k
           COMMAND test_powercut --enc uniform-4k revert,revoke-revert 0)
  add_test(NAME powercut.shrink.uniform-4k
           COMMAND test_powercut uniform-4k install-shrink,revert-shrink 0)
  add_test(NAME powercut.encrypted.shrink.uniform-4k
           COMMAND test_powercut --enc uniform-4k install-shrink,revert-shrink 0)
endif()

# The security review's findings as attacks, one test each (docs/threat-model.md).
if(TARGET ferry_boot_fixture)
  add_executable(test_boot_attacks test_boot_attacks.c)
  target_link_libraries(test_boot_attacks PRIVATE ferry_boot_fixture)
  target_include_directories(test_boot_attacks PRIVATE ${FERRY_PRIV_INCLUDE_DIRS})
  foreach(board uniform-4k stm32f4-ext-nor stm32f4-ref page-256 unit-32-zero demo)
    add_test(NAME boot.attacks.${board} COMMAND test_boot_attacks ${board})
  endforeach()
endif()

# The boot record the application reads (include/ferry/boot_record.h) and
# ferry_app_reject().
if(TARGET ferry_boot_fixture)
  add_executable(test_boot_record test_boot_record.c)
  target_link_libraries(test_boot_record PRIVATE ferry_boot_fixture)
  target_include_directories(test_boot_record PRIVATE ${FERRY_PRIV_INCLUDE_DIRS})
  foreach(board uniform-4k stm32f4-ext-nor page-256 unit-32-zero)
    add_test(NAME boot.record.${board} COMMAND test_boot_record ${board})
  endforeach()
endif()
