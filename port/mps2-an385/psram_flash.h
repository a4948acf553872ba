/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mps2-an385's "flash": the file-backed PSRAM at BOARD_FLASH_BASE, driven
 * with NOR rules enforced in software (src/common/memflash.c) and the geometry of a
 * Winbond W25Q128JV: 16 MiB, 4 KiB sectors, erased to 0xFF, programming
 * only clears bits and never twice. The bootloader and the applications open
 * the same device and describe Ferry's areas the same way.
 */
#ifndef MPS2_PSRAM_FLASH_H
#define MPS2_PSRAM_FLASH_H

#include "ferry/flash.h"

/* The device (initialised on first use; never fails for a correct layout). */
const struct ferry_flash *psram_flash(void);

/* Ferry's three areas on that device (layout.cmake). */
void psram_flash_areas(struct ferry_area *primary, struct ferry_area *staging,
                       struct ferry_area *status);

/* The anti-rollback counter store on that device (layout.cmake). Only the
 * bootloader writes it; it is read-only for the application (cortexm_mpu.h). */
void psram_counter_area(struct ferry_area *counter);

/* The key revocation store (docs/keys.md), next to the counter store and
 * locked with it. */
void psram_revocation_area(struct ferry_area *revocation);

#endif
