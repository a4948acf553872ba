/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CMSDK APB watchdog of the mps2-an385, used for trial boots: the
 * bootloader arms it right before starting an image on trial, the image
 * feeds it. Unfed, it raises NMI at the first expiry and resets the system
 * at the second.
 */
#ifndef MPS2_CMSDK_WATCHDOG_H
#define MPS2_CMSDK_WATCHDOG_H

#include <stdint.h>

/* Starts the watchdog with `ticks` (25 MHz clock) per expiry. */
void wdog_arm(uint32_t ticks);
/* Reloads the counter and clears a pending first expiry. Harmless when the
 * watchdog is not running. */
void wdog_feed(void);

#endif
