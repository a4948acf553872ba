/* SPDX-License-Identifier: Apache-2.0 */
/* Console, time and reset of the lm3s6965evb port (contract: lm3s.h). */
#include "board.h"
#include "lm3s.h"

static volatile uint32_t ticks_ms;

void lm3s_uart_init(void)
{
    SYSCTL_RCGC1 |= 0x1u;         /* UART0 */
    UART_CTL = 0x301u;            /* UARTEN, TXE, RXE */
}

static void put_char(char c)
{
    while (UART_FR & UART_FR_TXFF)
        ;
    UART_DR = (uint32_t)(uint8_t)c;
}

void lm3s_puts(const char *s)
{
    while (*s) {
        if (*s == '\n')
            put_char('\r');
        put_char(*s++);
    }
}

void lm3s_put_dec(uint32_t v)
{
    char b[11];
    int i = 10;
    b[i] = '\0';
    do {
        b[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    lm3s_puts(b + i);
}

void lm3s_put_hex8(uint8_t v)
{
    static const char digits[] = "0123456789abcdef";
    char b[3] = {digits[v >> 4], digits[v & 0x0Fu], '\0'};
    lm3s_puts(b);
}

void lm3s_time_init(void)
{
    SYST_RVR = SYSCLK_HZ / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = 0x7u; /* processor clock, interrupt, enable */
}

void lm3s_systick_handler(void)
{
    ticks_ms++;
}

uint32_t lm3s_millis(void)
{
    return ticks_ms;
}

void lm3s_reset(void)
{
    __asm__ volatile("dsb" ::: "memory");
    SCB_AIRCR = 0x05FA0004u; /* VECTKEY | SYSRESETREQ */
    __asm__ volatile("dsb" ::: "memory");
    for (;;)
        ;
}
