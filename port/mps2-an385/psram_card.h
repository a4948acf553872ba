/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The card bootloader's SD card on mps2-an385: QEMU's mps2-an385 has no SD
 * slot, so the card is a raw card image in the PSRAM backing file at
 * BOARD_CARD_OFF (layout.cmake), seen as a block device with an SD card's
 * rules: 512-byte reads and writes, overwritten in place, no erase. The
 * flash areas never reach into it.
 */
#ifndef MPS2_PSRAM_CARD_H
#define MPS2_PSRAM_CARD_H

#include "ferry/blockdev.h"

const struct ferry_bd *psram_card(void);

#endif
