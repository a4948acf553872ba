/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The stm32f4 reference board: layout numbers come from layout.cmake as -D
 * definitions; the rules a mistake in them must not get past are checked
 * here at compile time (ferry_boot_layout_check() checks the rest on every
 * boot). Pins: the NOR on SPI1, PA5 SCK, PA6 MISO, PA7 MOSI (AF5), chip
 * select PA4 (a GPIO output, idle high).
 */
#ifndef STM32F4_BOARD_H
#define STM32F4_BOARD_H

#include <assert.h>
#include <stdint.h>

#ifndef BOARD_PRIMARY_OFF
#error "build with the definitions of layout.cmake (port/stm32f4/CMakeLists.txt)"
#endif

#define BOARD_COUNTER_ADDR (BOARD_FLASH_BASE + BOARD_COUNTER_OFF)
#define BOARD_PRIMARY_ADDR (BOARD_FLASH_BASE + BOARD_PRIMARY_OFF)

#define BOARD_NOR_CS_PIN   4u /* PA4 */
#define BOARD_NOR_SCK_PIN  5u /* PA5, AF5 */
#define BOARD_NOR_MISO_PIN 6u /* PA6, AF5, pulled up: no chip reads as 0xFF */
#define BOARD_NOR_MOSI_PIN 7u /* PA7, AF5 */
#define BOARD_NOR_AF       5u
/* SPI1 runs from APB2, 16 MHz after reset (HSI, no prescaler); BR 0 divides
 * by 2: 8 MHz, well below the 50 MHz of the NOR's plain read (0x03). */
#define BOARD_NOR_SPI_BR   0u

/* Sectors 0-3 are 16 KiB: the bootloader and the counter store must end on
 * sector boundaries below 64 KiB, and the primary slot starts at one. */
static_assert(BOARD_BOOT_SIZE % 0x4000u == 0 && BOARD_BOOT_SIZE <= 0x10000u,
              "the bootloader must be whole 16 KiB sectors");
static_assert(BOARD_COUNTER_OFF == BOARD_BOOT_SIZE, "the counter store follows the bootloader");
static_assert(BOARD_COUNTER_SIZE >= 0x8000u, "the counter store needs two sectors");
/* One MPU region (PMSAv7): a power of two of 32 bytes or more, aligned to its size. */
static_assert(BOARD_COUNTER_SIZE >= 32u && (BOARD_COUNTER_SIZE & (BOARD_COUNTER_SIZE - 1u)) == 0 &&
                  BOARD_COUNTER_ADDR % BOARD_COUNTER_SIZE == 0,
              "the counter store must be one MPU region");
static_assert(BOARD_PRIMARY_OFF >= BOARD_COUNTER_OFF + BOARD_COUNTER_SIZE,
              "the primary slot overlaps the counter store");
static_assert(BOARD_PRIMARY_OFF + BOARD_PRIMARY_SIZE <= BOARD_FLASH_SIZE,
              "the primary slot runs past the end of the flash");
static_assert(BOARD_STAGING_OFF % BOARD_NOR_SECTOR == 0 && BOARD_STAGING_SIZE % BOARD_NOR_SECTOR == 0,
              "the staging slot is not aligned to NOR sectors");
static_assert(BOARD_STATUS_OFF % BOARD_NOR_SECTOR == 0 && BOARD_STATUS_SIZE >= 2u * BOARD_NOR_SECTOR,
              "the status area needs two NOR sectors");
static_assert(BOARD_STATUS_OFF >= BOARD_STAGING_OFF + BOARD_STAGING_SIZE ||
                  BOARD_STATUS_OFF + BOARD_STATUS_SIZE <= BOARD_STAGING_OFF,
              "the status area overlaps the staging slot");
static_assert(BOARD_STATUS_OFF + BOARD_STATUS_SIZE <= BOARD_NOR_SIZE, "the status area runs past the NOR");
static_assert((BOARD_PRIMARY_ADDR + BOARD_HEADER_SIZE) % BOARD_VECTOR_ALIGN == 0,
              "the application's vector table breaks the VTOR alignment");
static_assert(BOARD_BOOT_WDOG_RELOAD <= 0xFFFu && BOARD_TRIAL_WDOG_RELOAD <= 0xFFFu &&
                  BOARD_TRIAL_WDOG_RELOAD > 0,
              "IWDG reload values are 12 bits");

#endif
