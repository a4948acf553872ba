/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A millisecond struct ferry_clock from CMSDK timer 0 (cmsdk_timer.h), for
 * lwIP's sys_now() and the HTTP client's deadlines. The 25 MHz tick count
 * wraps every 171 s; this clock accumulates the ticks between two reads
 * into milliseconds, so it stays exact as long as it is read at least once
 * every 171 s (any network wait reads it all the time). Under QEMU's
 * -icount shift=0 one tick is 40 instructions, so a millisecond is one
 * million instructions of virtual time.
 */
#ifndef MPS2_NET_CLOCK_H
#define MPS2_NET_CLOCK_H

#include "ferry/transport.h"

/* Starts timer 0 (timer_start) and returns the clock. */
const struct ferry_clock *net_clock_start(void);

#endif
