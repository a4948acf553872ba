# SPDX-License-Identifier: Apache-2.0
# SD card in SPI mode (src/sd_spi*.c) against the simulated card
# (port/sim/sd_card_model.c), and the bootloader's card flow
# (src/card/card_update.c) on cards made by mkfs.fat + mcopy.
add_executable(test_sd_spi test_sd_spi.c)
target_include_directories(test_sd_spi PRIVATE ${FERRY_PRIV_INCLUDE_DIRS})
target_link_libraries(test_sd_spi PRIVATE ferry_sd_model ferry_testutil)
add_test(NAME sd.spi COMMAND test_sd_spi)

if(TARGET ferry_boot_fixture)
  add_executable(test_card_update test_card_update.c)
  target_link_libraries(test_card_update PRIVATE ferry_boot_fixture ferry_sd_model)
  target_include_directories(test_card_update PRIVATE ${FERRY_PRIV_INCLUDE_DIRS})
  # A FAT12 card on the demo board; a FAT32 card on a board with both slots
  # on one part and the staging slot on external NOR.
  add_test(NAME sd.card_update COMMAND test_card_update ${CMAKE_CURRENT_BINARY_DIR}/card-update demo 12)
  add_test(NAME sd.card_update_fat32
           COMMAND test_card_update ${CMAKE_CURRENT_BINARY_DIR}/card-update-32 stm32f4-ext-nor 32)
  set_tests_properties(sd.card_update sd.card_update_fat32 PROPERTIES TIMEOUT 900)

  # The update agent downloading into update.bin on the card.
  add_executable(test_agent_card test_agent_card.c)
  target_link_libraries(test_agent_card PRIVATE ferry_boot_fixture ferry_sd_model)
  add_test(NAME sd.agent_card COMMAND test_agent_card ${CMAKE_CURRENT_BINARY_DIR}/agent-card)
  set_tests_properties(sd.agent_card PROPERTIES SKIP_RETURN_CODE 77)
endif()

# The simulated device with a card slot: ferry-sim --card, cards made by
# mkfs.fat + mcopy (skips without them).
if(TARGET ferry-sim)
  add_test(NAME card.sim_e2e
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/card/sim_e2e.sh ${PROJECT_BINARY_DIR}
            ${CMAKE_CURRENT_BINARY_DIR}/card-sim ${FERRY_SIM_KEY_PATH})
  set_tests_properties(card.sim_e2e PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
endif()
