/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cortex-M4F startup of the stm32f4 bootloader: the vector table (linked
 * first, at 0x08000000, where the part boots from with BOOT0 low), the
 * reset handler and one handler for every other exception.
 *
 * The reset handler turns the FPU on (the code is built for the hard-float
 * ABI), copies .data, zeroes .bss and calls main(). Clocks stay as reset
 * leaves them: HSI 16 MHz, flash with zero wait states, ART caches off.
 */
#include <stdint.h>
#include <string.h>
#include "cortexm4.h"
#include "stm32f4_regs.h"

extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_top[];

int main(void);

/* Any unexpected exception: wait for the watchdog (a running trial window
 * then resets and reverts) or a reset. */
static void default_handler(void)
{
    for (;;)
        cortexm_wait_for_interrupt();
}

void __attribute__((noreturn)) reset_handler(void)
{
    REG32(SCS_CPACR) |= 0xFu << 20; /* CP10, CP11: full access */
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    memcpy(__data_start, __data_load, (size_t)((uintptr_t)__data_end - (uintptr_t)__data_start));
    memset(__bss_start, 0, (size_t)((uintptr_t)__bss_end - (uintptr_t)__bss_start));
    main();
    cortexm_system_reset();
}

/* 16 system vectors + the 82 interrupts of an STM32F407: 392 bytes. */
#define VECTOR_COUNT 98u

__attribute__((section(".vectors"), used))
const cortexm_vector cortexm_vector_table[VECTOR_COUNT] = {
    [0] = (cortexm_vector)(uintptr_t)__stack_top,
    [1] = reset_handler,
    [2 ... VECTOR_COUNT - 1] = default_handler,
};
