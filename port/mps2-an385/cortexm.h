/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cortex-M3 core operations used by the mps2-an385 programs.
 */
#ifndef MPS2_CORTEXM_H
#define MPS2_CORTEXM_H

#include <stdint.h>

/* The program's vector table (startup.c), linked first in its ROM. */
typedef void (*cortexm_vector)(void);
extern const cortexm_vector cortexm_vector_table[];

/* Word written over the unused stack at reset (high-water measurement). */
#define CORTEXM_STACK_PAINT 0x5AFE57ACu

static inline uintptr_t cortexm_stack_pointer(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

static inline void cortexm_wait_for_interrupt(void)
{
    __asm__ volatile("wfi");
}

/* Requests a system reset (AIRCR.SYSRESETREQ) and waits for it. */
void cortexm_system_reset(void) __attribute__((noreturn));

/*
 * Starts the program whose vector table is at `vtor`, the way a reset would:
 * interrupts off, SysTick stopped, every NVIC enable and pending bit cleared,
 * pending PendSV/SysTick cleared, VTOR set, MSP loaded from vtor[0], CONTROL
 * cleared (privileged, main stack), interrupts back on, branch to vtor[1].
 * `vtor` must be aligned to the table size rounded up to a power of two
 * (the caller checks; a misaligned VTOR locks the core at the first exception).
 */
void cortexm_start_application(uint32_t vtor) __attribute__((noreturn));

/* Number of bytes of [base, top) that no longer hold CORTEXM_STACK_PAINT,
 * counted from the lowest overwritten word up to top. */
uint32_t cortexm_stack_used(const uint32_t *base, const uint32_t *top);

#endif
