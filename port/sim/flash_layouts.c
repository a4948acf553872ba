/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The preset table. Sizes are kept to 1 MiB unless the part is bigger, so a
 * test that loops over every layout stays fast. Program units covered:
 * 1, 4, 8, 32, 256, 512; erased values 0xFF and 0x00.
 */
#include <string.h>

#include "flash_layouts.h"

#define KiB 1024u
#define MiB (1024u * 1024u)

static const struct ferry_sector_region uniform_4k[] = {{256, 4 * KiB}};
static const struct ferry_sector_region uniform_2k[] = {{512, 2 * KiB}};
static const struct ferry_sector_region sectors_128k[] = {{8, 128 * KiB}};
static const struct ferry_sector_region spi_nor_8m[] = {{2048, 4 * KiB}};
static const struct ferry_sector_region spi_nor_16m[] = {{4096, 4 * KiB}};
static const struct ferry_sector_region stm32f4_1m[] = {
    {4, 16 * KiB}, {1, 64 * KiB}, {7, 128 * KiB},
};

/* Shorthand for one entry; the region count comes from the array. */
#define LAYOUT(nm, desc, start_, size_, unit, erased, regs) \
    { nm, desc, { start_, size_, unit, erased, sizeof(regs) / sizeof(regs[0]), regs } }

static const struct ferry_flash_layout layouts[] = {
    LAYOUT("uniform-4k", "1 MiB of 4 KiB sectors, 8-byte program unit",
           0, 1 * MiB, 8, 0xFF, uniform_4k),
    LAYOUT("sectors-128k", "1 MiB of 128 KiB sectors, 32-byte flash word (STM32H7-like)",
           0x08000000u, 1 * MiB, 32, 0xFF, sectors_128k),
    /* STM32F4 programs x8/x16/x32/x64 depending on the supply voltage range;
     * 2.7-3.6 V, the usual board supply, means 32-bit words, so 4 bytes. */
    LAYOUT("stm32f4", "STM32F4 1 MiB: 4x16K, 64K, 7x128K sectors, 4-byte program unit",
           0x08000000u, 1 * MiB, 4, 0xFF, stm32f4_1m),
    /* Page program on SPI NOR accepts any byte count within a page, so a
     * 1-byte unit models it. */
    LAYOUT("spi-nor", "8 MiB SPI NOR, 4 KiB sectors, byte-programmable",
           0, 8 * MiB, 1, 0xFF, spi_nor_8m),
    /* The external NOR of port/stm32f4: 4 KiB sector erase, 256-byte page
     * program that the driver splits at page boundaries, so a 1-byte unit. */
    LAYOUT("w25q128", "16 MiB SPI NOR (W25Q128-class), 4 KiB sectors, byte-programmable",
           0, 16 * MiB, 1, 0xFF, spi_nor_16m),
    LAYOUT("page-256", "1 MiB page device: 256-byte program pages, 4 KiB erase",
           0, 1 * MiB, 256, 0xFF, uniform_4k),
    LAYOUT("page-512", "1 MiB page device: 512-byte program pages, 4 KiB erase",
           0, 1 * MiB, 512, 0xFF, uniform_4k),
    LAYOUT("erased-zero", "1 MiB of 4 KiB sectors erasing to 0x00, 4-byte program unit",
           0, 1 * MiB, 4, 0x00, uniform_4k),
    LAYOUT("stm32l4", "STM32L4 1 MiB: 2 KiB pages, 8-byte double-word program",
           0x08000000u, 1 * MiB, 8, 0xFF, uniform_2k),
    LAYOUT("nrf52", "nRF52840 1 MiB: 4 KiB pages, 4-byte word program",
           0, 1 * MiB, 4, 0xFF, uniform_4k),
    LAYOUT("erased-zero-32", "1 MiB of 128 KiB sectors erasing to 0x00, 32-byte unit",
           0, 1 * MiB, 32, 0x00, sectors_128k),
};

#define LAYOUT_COUNT (sizeof(layouts) / sizeof(layouts[0]))

const struct ferry_flash_geometry *ferry_flash_layout_geometry(const char *name)
{
    for (size_t i = 0; name != NULL && i < LAYOUT_COUNT; i++) {
        if (strcmp(layouts[i].name, name) == 0)
            return &layouts[i].geo;
    }
    return NULL;
}

const struct ferry_flash_layout *ferry_flash_layouts(size_t *count)
{
    if (count != NULL)
        *count = LAYOUT_COUNT;
    return layouts;
}

const char *ferry_flash_layout_name(size_t index)
{
    return index < LAYOUT_COUNT ? layouts[index].name : NULL;
}
