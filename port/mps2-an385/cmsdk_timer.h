/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CMSDK APB timer 0 as a free-running 32-bit tick counter (25 MHz), for
 * on-target measurements. Under QEMU with -icount shift=0 one instruction
 * takes 1 ns of virtual time, so one tick is 40 instructions.
 */
#ifndef MPS2_CMSDK_TIMER_H
#define MPS2_CMSDK_TIMER_H

#include <stdint.h>

void timer_start(void);
/* Ticks since timer_start() (wraps after 171 s). */
uint32_t timer_ticks(void);

#endif
