/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CMSDK APB UART: DATA at +0x00, STATE at +0x04 (bit 0: TX buffer full),
 * CTRL at +0x08 (bit 0: TX enable), BAUDDIV at +0x10 (>= 16). QEMU drops
 * bytes written while TX is disabled, so uart_init() must come first.
 */
#include <stdint.h>
#include "board.h"
#include "cmsdk_uart.h"

#define UART_DATA    (UART0_BASE + 0x00u)
#define UART_STATE   (UART0_BASE + 0x04u)
#define UART_CTRL    (UART0_BASE + 0x08u)
#define UART_BAUDDIV (UART0_BASE + 0x10u)
#define STATE_TXFULL 0x1u
#define CTRL_TXEN    0x1u

void uart_init(void)
{
    REG32(UART_BAUDDIV) = BOARD_CPU_HZ / 115200u;
    REG32(UART_CTRL) = CTRL_TXEN;
}

void uart_putc(char c)
{
    while (REG32(UART_STATE) & STATE_TXFULL)
        ;
    REG32(UART_DATA) = (uint8_t)c;
}

void uart_puts(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            uart_putc('\r');
        uart_putc(*s);
    }
}

void uart_put_dec(uint32_t v)
{
    char digits[10];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0);
    while (n > 0)
        uart_putc(digits[--n]);
}

void uart_put_hex(uint32_t v)
{
    for (int shift = 28; shift >= 0; shift -= 4)
        uart_putc("0123456789abcdef"[(v >> shift) & 0xFu]);
}
