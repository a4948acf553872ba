/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lm3s6965evb port's board functions: console, SysTick time, reset,
 * and SSI0 + GPIO D0 as the SPI seam of the SD card.
 */
#ifndef LM3S_H
#define LM3S_H

#include <stdint.h>
#include "ferry/spi.h"

/* UART0 console. */
void lm3s_uart_init(void);
void lm3s_puts(const char *s);
void lm3s_put_dec(uint32_t v);
void lm3s_put_hex8(uint8_t v);

/* Milliseconds since lm3s_time_init(), from SysTick at SYSCLK_HZ. */
void lm3s_time_init(void);
uint32_t lm3s_millis(void);
void lm3s_systick_handler(void);

/* System reset (with QEMU's -no-reboot: the end of the run). */
void lm3s_reset(void) __attribute__((noreturn));

/* SSI0 in SPI mode 0, 8-bit frames, chip select on GPIO D0; the OLED's chip
 * select (C7) is held inactive. The returned seam lives in static storage. */
const struct ferry_spi *lm3s_sd_spi(void);

#endif
