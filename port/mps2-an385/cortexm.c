/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cortex-M3 core operations: reset, jump to an application, stack usage.
 * Register addresses are in board.h (the System Control Space is the same on
 * every Cortex-M3).
 */
#include <stdint.h>
#include "board.h"
#include "cortexm.h"

#define AIRCR_VECTKEY     0x05FA0000u
#define AIRCR_SYSRESETREQ 0x00000004u
#define ICSR_PENDSTCLR    (1u << 25)
#define ICSR_PENDSVCLR    (1u << 27)
#define NVIC_WORDS        8u /* the architecture's maximum: 240 interrupts */

void cortexm_system_reset(void)
{
    __asm__ volatile("dsb" ::: "memory");
    REG32(SCS_AIRCR) = AIRCR_VECTKEY | AIRCR_SYSRESETREQ;
    __asm__ volatile("dsb" ::: "memory");
    for (;;)
        cortexm_wait_for_interrupt();
}

void cortexm_start_application(uint32_t vtor)
{
    const volatile uint32_t *table = (const volatile uint32_t *)(uintptr_t)vtor;

    __asm__ volatile("cpsid i" ::: "memory");
    REG32(SCS_SYST_CSR) = 0;
    REG32(SCS_SYST_RVR) = 0;
    REG32(SCS_SYST_CVR) = 0;
    for (uint32_t i = 0; i < NVIC_WORDS; i++) {
        REG32(SCS_NVIC_ICER0 + 4u * i) = 0xFFFFFFFFu;
        REG32(SCS_NVIC_ICPR0 + 4u * i) = 0xFFFFFFFFu;
    }
    REG32(SCS_ICSR) = ICSR_PENDSTCLR | ICSR_PENDSVCLR;
    REG32(SCS_SHCSR) = 0; /* fault handlers disabled, as after reset */
    REG32(SCS_VTOR) = vtor;
    __asm__ volatile("dsb\n\tisb" ::: "memory");

    uint32_t sp = table[0], pc = table[1];
    /* From here on nothing may use the old stack: set MSP, drop to the reset
     * CONTROL value, re-enable interrupts and branch. */
    __asm__ volatile(
        "msr msp, %0\n\t"
        "movs r2, #0\n\t"
        "msr control, r2\n\t"
        "isb\n\t"
        "cpsie i\n\t"
        "bx %1\n\t"
        :
        : "r"(sp), "r"(pc)
        : "r2", "memory");
    __builtin_unreachable();
}

uint32_t cortexm_stack_used(const uint32_t *base, const uint32_t *top)
{
    const volatile uint32_t *p = base;
    while (p < top && *p == CORTEXM_STACK_PAINT)
        p++;
    return (uint32_t)((uintptr_t)top - (uintptr_t)p);
}
