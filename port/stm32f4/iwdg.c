/* SPDX-License-Identifier: Apache-2.0 */
/* The STM32F4 independent watchdog (contract: iwdg.h). */
#include <stdint.h>
#include "ferry/errors.h"
#include "iwdg.h"
#include "stm32f4_regs.h"

/* The LSI starts within 40 us and a PR/RLR update takes up to five LSI
 * periods (about 160 us); polls of a few cycles each at 16 MHz. */
#define POLLS 0x100000u

static int set_timeout(uint32_t reload)
{
    uint32_t i;
    REG32(IWDG_KR) = IWDG_KEY_ACCESS;
    REG32(IWDG_PR) = IWDG_PR_DIV256;
    REG32(IWDG_RLR) = reload & 0xFFFu;
    for (i = 0; i < POLLS && (REG32(IWDG_SR) & (IWDG_SR_PVU | IWDG_SR_RVU)); i++)
        ;
    REG32(IWDG_KR) = IWDG_KEY_RELOAD; /* also locks PR and RLR again */
    return i == POLLS ? FERRY_E_TIMEOUT : FERRY_OK;
}

int iwdg_prepare(uint32_t reload)
{
    uint32_t i;
    REG32(RCC_CSR) |= RCC_CSR_LSION;
    for (i = 0; i < POLLS && !(REG32(RCC_CSR) & RCC_CSR_LSIRDY); i++)
        ;
    if (i == POLLS)
        return FERRY_E_TIMEOUT;
    return set_timeout(reload);
}

void iwdg_feed(void)
{
    REG32(IWDG_KR) = IWDG_KEY_RELOAD;
}

int iwdg_arm(uint32_t reload)
{
    int err = set_timeout(reload);
    REG32(IWDG_KR) = IWDG_KEY_START; /* started even if the update timed out: fail safe */
    return err;
}
