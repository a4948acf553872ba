# SPDX-License-Identifier: Apache-2.0
# Ferry's SD driver and FAT code as firmware on QEMU's lm3s6965evb, against
# QEMU's SD card (-drive if=sd): the card reader in port/lm3s6965evb is
# cross-built by tests/card/lm3s_build.sh as a fixture (no BearSSL needed),
# then each scenario makes its card with mkfs.fat + mcopy and checks the
# console and the card (tests/card/qemu_sd.sh). Without qemu, the cross
# compiler or dosfstools/mtools the tests print SKIP and why.
set(FERRY_LM3S_DIR ${PROJECT_BINARY_DIR}/firmware-lm3s CACHE PATH
    "build directory of the lm3s6965evb card reader used by the qemu.sd_* tests")

add_test(NAME qemu.sd_firmware_build
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/card/lm3s_build.sh ${FERRY_LM3S_DIR})
set_tests_properties(qemu.sd_firmware_build PROPERTIES
  FIXTURES_SETUP ferry_lm3s_firmware SKIP_RETURN_CODE 77 TIMEOUT 600)

foreach(scenario sdsc sdhc fat12 nocard nofs empty)
  add_test(NAME qemu.sd_${scenario}
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/card/qemu_sd.sh ${scenario} ${FERRY_LM3S_DIR}
            ${CMAKE_CURRENT_BINARY_DIR}/qemu-sd/${scenario})
  set_tests_properties(qemu.sd_${scenario} PROPERTIES
    FIXTURES_REQUIRED ferry_lm3s_firmware SKIP_RETURN_CODE 77 TIMEOUT 120)
endforeach()

# The full card install as firmware on mps2-an385 (ferry-boot-card, built by
# qemu.firmware_build with the rest of the mps2 firmware): the card is a FAT
# image in a region of the flash backing file (tests/card/qemu_mps2_card.py).
foreach(scenario install refused)
  add_test(NAME qemu.sd_mps2_${scenario}
    COMMAND ${FERRY_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/card/qemu_mps2_card.py ${scenario}
            --fw ${FERRY_FW_DIR} --ferry $<TARGET_FILE:ferry>
            --work ${CMAKE_CURRENT_BINARY_DIR}/qemu-sd/mps2_${scenario})
  set_tests_properties(qemu.sd_mps2_${scenario} PROPERTIES
    FIXTURES_REQUIRED ferry_firmware SKIP_RETURN_CODE 77 TIMEOUT 300)
endforeach()
