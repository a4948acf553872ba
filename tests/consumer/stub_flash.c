/* SPDX-License-Identifier: Apache-2.0 */
/* A RAM flash device with NOR rules: program clears bits, erase sets a sector to 0xFF. */
#include <string.h>

#include "ferry/errors.h"
#include "stub_flash.h"

#define SECTOR 4096u
#define SECTORS 12u

static uint8_t mem[SECTOR * SECTORS];
static int erased_once;

static void power_on(void)
{
    if (!erased_once) {
        memset(mem, 0xFF, sizeof mem);
        erased_once = 1;
    }
}

static int in_range(uint32_t off, uint32_t len)
{
    return off <= sizeof mem && len <= sizeof mem - off;
}

static int stub_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    (void)ctx;
    power_on();
    if (!in_range(off, len))
        return FERRY_E_INVAL;
    memcpy(buf, mem + off, len);
    return 0;
}

static int stub_program(void *ctx, uint32_t off, const void *buf, uint32_t len)
{
    (void)ctx;
    power_on();
    if (!in_range(off, len))
        return FERRY_E_INVAL;
    const uint8_t *src = buf;
    for (uint32_t i = 0; i < len; i++)
        mem[off + i] &= src[i];
    return 0;
}

static int stub_erase(void *ctx, uint32_t off, uint32_t len)
{
    (void)ctx;
    power_on();
    if (!in_range(off, len) || off % SECTOR || len % SECTOR)
        return FERRY_E_INVAL;
    memset(mem + off, 0xFF, len);
    return 0;
}

static const struct ferry_flash_ops stub_ops = { stub_read, stub_program, stub_erase };
static const struct ferry_sector_region stub_regions[] = { { SECTORS, SECTOR } };
static const struct ferry_flash_geometry stub_geo = {
    .start = 0x08000000u, .size = SECTOR * SECTORS, .program_unit = 4, .erased_value = 0xFF,
    .region_count = 1, .regions = stub_regions,
};

const struct ferry_flash stub_flash = { &stub_ops, NULL, &stub_geo };
const struct ferry_area stub_primary = { &stub_flash, 0, 4 * SECTOR };
const struct ferry_area stub_staging = { &stub_flash, 4 * SECTOR, 5 * SECTOR };
const struct ferry_area stub_status = { &stub_flash, 9 * SECTOR, 2 * SECTOR };
