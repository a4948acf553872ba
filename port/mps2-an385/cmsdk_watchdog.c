/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CMSDK APB watchdog: LOAD +0x000, CTRL +0x008 (bit 0 INTEN, bit 1 RESEN),
 * INTCLR +0x00C (any write clears the interrupt and reloads), LOCK +0xC00
 * (0x1ACCE551 unlocks, anything else locks). Registers stay locked between
 * calls so a stray write cannot stop it.
 */
#include <stdint.h>
#include "board.h"
#include "cmsdk_watchdog.h"

#define WDOG_LOAD    (WDOG_BASE + 0x000u)
#define WDOG_CTRL    (WDOG_BASE + 0x008u)
#define WDOG_INTCLR  (WDOG_BASE + 0x00Cu)
#define WDOG_LOCK    (WDOG_BASE + 0xC00u)
#define LOCK_KEY     0x1ACCE551u
#define CTRL_INTEN   0x1u
#define CTRL_RESEN   0x2u

void wdog_arm(uint32_t ticks)
{
    REG32(WDOG_LOCK) = LOCK_KEY;
    REG32(WDOG_LOAD) = ticks;
    REG32(WDOG_CTRL) = CTRL_INTEN | CTRL_RESEN;
    REG32(WDOG_LOCK) = 0;
}

void wdog_feed(void)
{
    REG32(WDOG_LOCK) = LOCK_KEY;
    REG32(WDOG_INTCLR) = 1u;
    REG32(WDOG_LOCK) = 0;
}
