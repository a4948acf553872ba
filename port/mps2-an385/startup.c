/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cortex-M3 startup for every mps2-an385 program (bootloader, applications,
 * benchmark): the vector table, the reset handler and the fault handlers.
 *
 * The linker script (firmware.ld.in) places `.vectors` first in the program
 * and asserts its alignment; it provides the symbols used below. Only the
 * reset handler touches memory before main(): .data is copied from its load
 * address, .bss is zeroed, and the unused part of the stack is painted with
 * STACK_PAINT so its high-water mark can be measured later.
 */
#include <stdint.h>
#include <string.h>
#include "cortexm.h"

extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_base[], __stack_top[];

int main(void);

/* Any unexpected exception: there is nothing sensible to do but wait for the
 * watchdog (a trial image is then reverted) or a reset. */
static void default_handler(void)
{
    for (;;)
        cortexm_wait_for_interrupt();
}

/* The fault handlers a program may define for itself (the demo apps do, in
 * app_fault.c); any it leaves out are default_handler. */
void hardfault_handler(void) __attribute__((weak, alias("default_handler")));
void memmanage_handler(void) __attribute__((weak, alias("default_handler")));
void busfault_handler(void) __attribute__((weak, alias("default_handler")));
void usagefault_handler(void) __attribute__((weak, alias("default_handler")));

void __attribute__((noreturn)) reset_handler(void)
{
    memcpy(__data_start, __data_load, (size_t)((uintptr_t)__data_end - (uintptr_t)__data_start));
    memset(__bss_start, 0, (size_t)((uintptr_t)__bss_end - (uintptr_t)__bss_start));
    /* Paint below the current frame only; 64 bytes of margin for this call. */
    for (volatile uint32_t *p = __stack_base; (uintptr_t)p < cortexm_stack_pointer() - 64u; p++)
        *p = CORTEXM_STACK_PAINT;
    main();
    cortexm_system_reset();
}

/* 16 system vectors + 32 external interrupts (the CMSDK peripherals of the
 * AN385): 192 bytes, so VTOR needs 256-byte alignment. */
#define VECTOR_COUNT 48u

__attribute__((section(".vectors"), used))
const cortexm_vector cortexm_vector_table[VECTOR_COUNT] = {
    [0] = (cortexm_vector)(uintptr_t)__stack_top,
    [1] = reset_handler,
    [2] = default_handler,  /* NMI: the watchdog's first expiry */
    [3] = hardfault_handler,
    [4] = memmanage_handler,
    [5] = busfault_handler,
    [6] = usagefault_handler,
    [11] = default_handler, /* SVCall */
    [12] = default_handler, /* DebugMonitor */
    [14] = default_handler, /* PendSV */
    [15] = default_handler, /* SysTick */
    [16 ... VECTOR_COUNT - 1] = default_handler,
};
