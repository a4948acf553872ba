/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cortex-M3 startup for the lm3s6965evb card reader: the vector table, the
 * reset handler (copies .data, zeroes .bss, calls main, then resets), and
 * SysTick, which counts the milliseconds the SPI seam's clock returns.
 */
#include <stdint.h>
#include <string.h>
#include "lm3s.h"

extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_top[];

int main(void);

static void default_handler(void)
{
    for (;;)
        __asm__ volatile("wfi");
}

void __attribute__((noreturn)) reset_handler(void)
{
    memcpy(__data_start, __data_load, (size_t)((uintptr_t)__data_end - (uintptr_t)__data_start));
    memset(__bss_start, 0, (size_t)((uintptr_t)__bss_end - (uintptr_t)__bss_start));
    main();
    lm3s_reset();
}

typedef void (*vector)(void);

/* 16 system vectors + the LM3S6965's 43 interrupts; only SysTick is used. */
#define VECTOR_COUNT 59u

__attribute__((section(".vectors"), used))
const vector vector_table[VECTOR_COUNT] = {
    [0] = (vector)(uintptr_t)__stack_top,
    [1] = reset_handler,
    [2 ... 14] = default_handler,
    [15] = lm3s_systick_handler,
    [16 ... VECTOR_COUNT - 1] = default_handler,
};
