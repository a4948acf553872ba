/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated device's card slot: a card image file (made by mkfs.fat +
 * mcopy, or a real card's dump) read through the simulated SD card, the SD
 * driver and the FAT code, and handed to ferry_card_stage() before the boot
 * decision, exactly as a bootloader with a card slot does.
 */
#ifndef FERRY_SIM_CARD_H
#define FERRY_SIM_CARD_H

#include "ferry/boot.h"

/*
 * One boot's card step: inserts the card in `path`, stages its update.bin
 * (renaming it to update.old once staged) and prints one console line.
 * Returns ferry_card_stage()'s result, or the card's error (FERRY_E_IO when
 * the file cannot be opened, FERRY_E_SD_*, FERRY_E_FAT_NOFS ...). Whatever
 * it returns, the boot goes on: the card never decides whether the device
 * boots.
 */
int sim_card_stage(const char *path, const struct ferry_boot_config *cfg);

#endif
