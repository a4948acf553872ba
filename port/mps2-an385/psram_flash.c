/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Flash device over the PSRAM (psram_flash.h).
 *
 * A real W25Q128JV behind a QSPI controller would need its program and erase
 * routines in RAM (the part cannot be read while it programs) and would split
 * programs at 256-byte page boundaries; the PSRAM needs neither, so the
 * memflash driver is used as it is: it checks range, alignment and
 * erase-before-program on every call, exactly like the host tools' devices.
 */
#include <stdint.h>
#include "board.h"
#include "ferry/memflash.h"
#include "psram_flash.h"

static const struct ferry_sector_region psram_regions[] = {
    {BOARD_FLASH_SIZE / BOARD_SECTOR_SIZE, BOARD_SECTOR_SIZE},
};

static const struct ferry_flash_geometry psram_geometry = {
    .start = BOARD_FLASH_BASE,
    .size = BOARD_FLASH_SIZE,
    .program_unit = BOARD_PROGRAM_UNIT,
    .erased_value = 0xFF,
    .region_count = 1,
    .regions = psram_regions,
};

static struct ferry_memflash psram_dev;

const struct ferry_flash *psram_flash(void)
{
    if (psram_dev.mem == 0)
        (void)ferry_memflash_init(&psram_dev, (uint8_t *)(uintptr_t)BOARD_FLASH_BASE,
                                  &psram_geometry);
    return &psram_dev.flash;
}

void psram_flash_areas(struct ferry_area *primary, struct ferry_area *staging,
                       struct ferry_area *status)
{
    const struct ferry_flash *f = psram_flash();
    *primary = (struct ferry_area){f, BOARD_PRIMARY_OFF, BOARD_PRIMARY_SIZE};
    *staging = (struct ferry_area){f, BOARD_STAGING_OFF, BOARD_STAGING_SIZE};
    *status = (struct ferry_area){f, BOARD_STATUS_OFF, BOARD_STATUS_SIZE};
}

void psram_counter_area(struct ferry_area *counter)
{
    *counter = (struct ferry_area){psram_flash(), BOARD_COUNTER_OFF, BOARD_COUNTER_SIZE};
}

void psram_revocation_area(struct ferry_area *revocation)
{
    *revocation = (struct ferry_area){psram_flash(), BOARD_REVOCATION_OFF, BOARD_REVOCATION_SIZE};
}
