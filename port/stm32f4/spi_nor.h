/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A W25Q128-class SPI NOR on SPI1 with a GPIO chip select, as a struct
 * ferry_flash (contract: include/ferry/flash.h): 16 MiB, 4 KiB sectors
 * (erase 0x20), programmed through 256-byte pages (0x02; a program is split
 * at page boundaries, so the program unit is 1 byte), read with 0x03,
 * erased to 0xFF. Every program and erase is preceded by write enable
 * (0x06, checked in the status register) and followed by a busy poll of
 * the status register (0x05).
 *
 * Plain SPI mode 0, 24-bit addresses, no quad mode and no memory mapping:
 * the slots on this device are never executed in place.
 */
#ifndef STM32F4_SPI_NOR_H
#define STM32F4_SPI_NOR_H

#include "ferry/flash.h"

extern const struct ferry_flash stm32f4_spi_nor;

/*
 * Clocks GPIOA and SPI1, sets up the pins and the controller, wakes the chip
 * (release from power-down, 0xAB) and waits until it is idle, then reads
 * the JEDEC ID (0x9F). Returns 0, or FERRY_E_IO when no chip answers (MISO
 * reads 0xFF) or its capacity is below BOARD_NOR_SIZE. Until it returns 0,
 * every op of stm32f4_spi_nor fails with FERRY_E_IO.
 */
int stm32f4_spi_nor_init(void);

/* Puts SPI1 and GPIOA back in their reset state and stops their clocks
 * (before the jump: the application starts from reset values). */
void stm32f4_spi_nor_release(void);

#endif
