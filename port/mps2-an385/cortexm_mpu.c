/* SPDX-License-Identifier: Apache-2.0 */
/* A read-only region with the PMSAv7 MPU (contract: cortexm_mpu.h). */
#include <stdint.h>
#include "board.h"
#include "cortexm_mpu.h"
#include "ferry/errors.h"

#define MPU_CTRL_ENABLE     (1u << 0)
#define MPU_CTRL_HFNMIENA   (1u << 1) /* MPU also on in HardFault, NMI, FAULTMASK */
#define MPU_CTRL_PRIVDEFENA (1u << 2) /* default map for privileged code */
#define MPU_RASR_ENABLE     (1u << 0)
#define MPU_RASR_SIZE(log2) (((log2) - 1u) << 1) /* region = 2^(SIZE + 1) bytes */
#define MPU_RASR_C          (1u << 17)           /* TEX 000, C 1, B 0: normal, write-through */
#define MPU_RASR_AP_RO      (6u << 24)           /* read-only, privileged and unprivileged */
#define MPU_RASR_XN         (1u << 28)           /* never executed */

static uint32_t log2_of(uint32_t pow2)
{
    uint32_t n = 0;
    while (pow2 > 1u) {
        pow2 >>= 1;
        n++;
    }
    return n;
}

int cortexm_mpu_lock_readonly(uint32_t base, uint32_t size)
{
    if (size < 32u || (size & (size - 1u)) != 0 || base % size != 0)
        return FERRY_E_INVAL;
    uint32_t regions = (REG32(SCS_MPU_TYPE) >> 8) & 0xFFu;
    if (regions == 0)
        return FERRY_E_UNSUPPORTED;
    uint32_t top = regions - 1u;
    uint32_t rasr = MPU_RASR_XN | MPU_RASR_AP_RO | MPU_RASR_C | MPU_RASR_SIZE(log2_of(size)) |
                    MPU_RASR_ENABLE;
    uint32_t ctrl = MPU_CTRL_PRIVDEFENA | MPU_CTRL_HFNMIENA | MPU_CTRL_ENABLE;

    /* Every write so far (the counter's last advance among them) completes
     * before the region changes; the new setting applies from the next
     * instruction on. */
    __asm__ volatile("dsb" ::: "memory");
    REG32(SCS_MPU_CTRL) = 0;
    for (uint32_t r = 0; r < regions; r++) {
        REG32(SCS_MPU_RNR) = r;
        REG32(SCS_MPU_RASR) = 0;
    }
    REG32(SCS_MPU_RNR) = top;
    REG32(SCS_MPU_RBAR) = base;
    REG32(SCS_MPU_RASR) = rasr;
    REG32(SCS_MPU_CTRL) = ctrl;
    __asm__ volatile("dsb\n\tisb" ::: "memory");

    REG32(SCS_MPU_RNR) = top;
    if ((REG32(SCS_MPU_RBAR) & ~0x1Fu) != base || REG32(SCS_MPU_RASR) != rasr ||
        (REG32(SCS_MPU_CTRL) & 7u) != ctrl)
        return FERRY_E_UNSUPPORTED;
    return FERRY_OK;
}
