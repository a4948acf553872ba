/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Console on the CMSDK APB UART0 of the mps2-an385: transmit only, polled.
 */
#ifndef MPS2_CMSDK_UART_H
#define MPS2_CMSDK_UART_H

#include <stdint.h>

/* Enables the transmitter at 115200 baud (25 MHz / 217). */
void uart_init(void);
void uart_putc(char c);
/* Writes a NUL-terminated string; "\n" is sent as "\r\n". */
void uart_puts(const char *s);
void uart_put_dec(uint32_t v);
/* Exactly 8 hex digits. */
void uart_put_hex(uint32_t v);

#endif
