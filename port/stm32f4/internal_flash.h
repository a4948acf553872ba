/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The STM32F4's internal flash as a struct ferry_flash (contract:
 * include/ferry/flash.h): 1 MiB at 0x08000000, sectors 4x16K, 64K, 7x128K,
 * programmed in 32-bit words (PSIZE x32: supply 2.7-3.6 V), erased to 0xFF.
 *
 * The driver never programs or erases the bootloader's sectors
 * (offsets below BOARD_BOOT_SIZE): FERRY_E_LOCKED. It unlocks FLASH_CR for
 * each operation and locks it again before it returns.
 */
#ifndef STM32F4_INTERNAL_FLASH_H
#define STM32F4_INTERNAL_FLASH_H

#include "ferry/flash.h"

extern const struct ferry_flash stm32f4_internal_flash;

/*
 * Resets the ART accelerator's instruction and data caches (they are
 * disabled for the reset and enabled again if they were on). Called after
 * every program and erase, so no read returns a stale line, and before the
 * jump, so the application starts with no line of the bootloader's.
 */
void stm32f4_art_reset(void);

/*
 * Sets FLASH_CR.LOCK and checks that it reads back as set. From then on
 * FLASH_CR can only be written after the key sequence (FLASH_KEYR).
 * 0, or FERRY_E_UNSUPPORTED when the bit does not stick.
 */
int stm32f4_flash_lock(void);

#endif
