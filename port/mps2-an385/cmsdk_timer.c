/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CMSDK APB timer: CTRL +0x0 (bit 0 enable), VALUE +0x4 (counts down),
 * RELOAD +0x8.
 */
#include <stdint.h>
#include "board.h"
#include "cmsdk_timer.h"

#define TIMER_CTRL   (TIMER0_BASE + 0x0u)
#define TIMER_VALUE  (TIMER0_BASE + 0x4u)
#define TIMER_RELOAD (TIMER0_BASE + 0x8u)

void timer_start(void)
{
    REG32(TIMER_CTRL) = 0;
    REG32(TIMER_RELOAD) = 0xFFFFFFFFu;
    REG32(TIMER_VALUE) = 0xFFFFFFFFu;
    REG32(TIMER_CTRL) = 1u;
}

uint32_t timer_ticks(void)
{
    return 0xFFFFFFFFu - REG32(TIMER_VALUE);
}
