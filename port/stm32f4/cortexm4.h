/* SPDX-License-Identifier: Apache-2.0 */
/* Cortex-M4 core operations of the stm32f4 bootloader: the lock and the jump. */
#ifndef STM32F4_CORTEXM4_H
#define STM32F4_CORTEXM4_H

#include <stdint.h>

typedef void (*cortexm_vector)(void);
extern const cortexm_vector cortexm_vector_table[];

/*
 * The MPU (PMSAv7, 8 regions on the STM32F4) before the jump:
 *   region 7: [counter_base, +counter_size) read-only for privileged and
 *             unprivileged code, never executed (AP 110, XN);
 *   region 6: the FLASH interface registers [flash_regs, +flash_regs_size)
 *             read/write for privileged code only (AP 001, XN, device):
 *             unprivileged code can neither unlock FLASH_CR nor start an
 *             erase or touch the option bytes;
 *   every other region off; PRIVDEFENA (privileged code keeps the default
 *   map), HFNMIENA (also on in HardFault, NMI and under FAULTMASK).
 * Sizes are powers of two of 32 bytes or more, bases multiples of them.
 * Reads the registers back. 0, FERRY_E_INVAL (a region breaks the rules),
 * FERRY_E_UNSUPPORTED (no MPU, or the writes did not stick).
 */
int cortexm_mpu_lock(uint32_t counter_base, uint32_t counter_size, uint32_t flash_regs,
                     uint32_t flash_regs_size);

/*
 * Starts the program whose vector table is at `vtor` the way a reset would:
 * interrupts off, SysTick stopped, every NVIC enable and pending bit cleared,
 * pending PendSV/SysTick cleared, SHCSR cleared, the FPU off again (CPACR
 * reset value), VTOR set, MSP loaded from vtor[0], CONTROL cleared
 * (privileged, main stack, no FP context), interrupts back on, branch to
 * vtor[1]. The caller has reset the ART caches and checked the alignment.
 */
void cortexm_start_application(uint32_t vtor) __attribute__((noreturn));

/* AIRCR.SYSRESETREQ. */
void cortexm_system_reset(void) __attribute__((noreturn));

static inline void cortexm_wait_for_interrupt(void)
{
    __asm__ volatile("wfi");
}

#endif
