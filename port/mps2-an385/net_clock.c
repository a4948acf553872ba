/* SPDX-License-Identifier: Apache-2.0 */
/* Milliseconds from timer 0's ticks (net_clock.h). */
#include "net_clock.h"

#include <stdint.h>

#include "board.h"
#include "cmsdk_timer.h"

#define TICKS_PER_MS (BOARD_CPU_HZ / 1000u)

static struct {
    uint32_t last_ticks; /* timer_ticks() at the previous read */
    uint32_t rem;        /* ticks not yet counted as a whole millisecond */
    uint32_t ms;
} clk;

static uint32_t now_ms(void *ctx)
{
    (void)ctx;
    uint32_t t = timer_ticks();
    uint32_t d = t - clk.last_ticks; /* modulo 2^32: exact below one wrap */
    clk.last_ticks = t;
    clk.ms += d / TICKS_PER_MS;
    clk.rem += d % TICKS_PER_MS;
    if (clk.rem >= TICKS_PER_MS) {
        clk.rem -= TICKS_PER_MS;
        clk.ms++;
    }
    return clk.ms;
}

static const struct ferry_clock clock = {now_ms, NULL};

const struct ferry_clock *net_clock_start(void)
{
    timer_start();
    clk.last_ticks = timer_ticks();
    clk.rem = 0;
    clk.ms = 0;
    return &clock;
}
