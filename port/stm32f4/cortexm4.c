/* SPDX-License-Identifier: Apache-2.0 */
/* Cortex-M4 core operations (contract: cortexm4.h). */
#include <stdint.h>
#include "cortexm4.h"
#include "ferry/errors.h"
#include "stm32f4_regs.h"

#define AIRCR_VECTKEY     0x05FA0000u
#define AIRCR_SYSRESETREQ 0x00000004u
#define ICSR_PENDSTCLR    (1u << 25)
#define ICSR_PENDSVCLR    (1u << 27)
#define NVIC_WORDS        8u /* the architecture's maximum; the F407 uses 3 */

#define MPU_CTRL_ENABLE     (1u << 0)
#define MPU_CTRL_HFNMIENA   (1u << 1)
#define MPU_CTRL_PRIVDEFENA (1u << 2)
#define MPU_RASR_ENABLE     (1u << 0)
#define MPU_RASR_SIZE(log2) (((log2) - 1u) << 1)
#define MPU_RASR_B          (1u << 16)
#define MPU_RASR_C          (1u << 17)
#define MPU_RASR_S          (1u << 18)
#define MPU_RASR_AP_PRIV_RW (1u << 24) /* privileged read/write, unprivileged no access */
#define MPU_RASR_AP_RO      (6u << 24) /* read-only for everyone */
#define MPU_RASR_XN         (1u << 28)

void cortexm_system_reset(void)
{
    __asm__ volatile("dsb" ::: "memory");
    REG32(SCS_AIRCR) = AIRCR_VECTKEY | AIRCR_SYSRESETREQ;
    __asm__ volatile("dsb" ::: "memory");
    for (;;)
        cortexm_wait_for_interrupt();
}

static int region_ok(uint32_t base, uint32_t size)
{
    return size >= 32u && (size & (size - 1u)) == 0 && base % size == 0;
}

static uint32_t log2_of(uint32_t pow2)
{
    uint32_t n = 0;
    while (pow2 > 1u) {
        pow2 >>= 1;
        n++;
    }
    return n;
}

int cortexm_mpu_lock(uint32_t counter_base, uint32_t counter_size, uint32_t flash_regs,
                     uint32_t flash_regs_size)
{
    if (!region_ok(counter_base, counter_size) || !region_ok(flash_regs, flash_regs_size))
        return FERRY_E_INVAL;
    uint32_t regions = (REG32(SCS_MPU_TYPE) >> 8) & 0xFFu;
    if (regions < 8u)
        return FERRY_E_UNSUPPORTED;
    /* Normal memory, write-through (TEX 000, C 1, B 0) for the flash;
     * shareable device (TEX 000, C 0, B 1) for the registers. */
    const uint32_t rasr7 = MPU_RASR_XN | MPU_RASR_AP_RO | MPU_RASR_C |
                           MPU_RASR_SIZE(log2_of(counter_size)) | MPU_RASR_ENABLE;
    const uint32_t rasr6 = MPU_RASR_XN | MPU_RASR_AP_PRIV_RW | MPU_RASR_S | MPU_RASR_B |
                           MPU_RASR_SIZE(log2_of(flash_regs_size)) | MPU_RASR_ENABLE;
    const uint32_t ctrl = MPU_CTRL_PRIVDEFENA | MPU_CTRL_HFNMIENA | MPU_CTRL_ENABLE;

    __asm__ volatile("dsb" ::: "memory");
    REG32(SCS_MPU_CTRL) = 0;
    for (uint32_t r = 0; r < regions; r++) {
        REG32(SCS_MPU_RNR) = r;
        REG32(SCS_MPU_RASR) = 0;
    }
    REG32(SCS_MPU_RNR) = 7;
    REG32(SCS_MPU_RBAR) = counter_base;
    REG32(SCS_MPU_RASR) = rasr7;
    REG32(SCS_MPU_RNR) = 6;
    REG32(SCS_MPU_RBAR) = flash_regs;
    REG32(SCS_MPU_RASR) = rasr6;
    REG32(SCS_MPU_CTRL) = ctrl;
    __asm__ volatile("dsb\n\tisb" ::: "memory");

    REG32(SCS_MPU_RNR) = 7;
    int ok = (REG32(SCS_MPU_RBAR) & ~0x1Fu) == counter_base && REG32(SCS_MPU_RASR) == rasr7;
    REG32(SCS_MPU_RNR) = 6;
    ok = ok && (REG32(SCS_MPU_RBAR) & ~0x1Fu) == flash_regs && REG32(SCS_MPU_RASR) == rasr6;
    ok = ok && (REG32(SCS_MPU_CTRL) & 7u) == ctrl;
    return ok ? FERRY_OK : FERRY_E_UNSUPPORTED;
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
    REG32(SCS_SHCSR) = 0;
    REG32(SCS_VTOR) = vtor;
    uint32_t sp = table[0], pc = table[1];
    __asm__ volatile("dsb\n\tisb" ::: "memory");

    /* Nothing below may use the old stack or the FPU: CPACR back to its
     * reset value (FPU off), MSP, CONTROL cleared (also FPCA), interrupts
     * on, branch. */
    __asm__ volatile(
        "movs r2, #0\n\t"
        "str r2, [%2]\n\t"
        "dsb\n\t"
        "msr msp, %0\n\t"
        "msr control, r2\n\t"
        "isb\n\t"
        "cpsie i\n\t"
        "bx %1\n\t"
        :
        : "r"(sp), "r"(pc), "r"(SCS_CPACR)
        : "r2", "memory");
    __builtin_unreachable();
}
