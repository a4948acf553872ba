/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mps2-an385 bootloader body: builds the boot config from the board
 * (flash areas, trusted keys, identity, watchdog hooks, console events),
 * runs `before_boot` (may be NULL) with it, then ferry_boot(), and starts the
 * verified application. Never returns.
 */
#ifndef MPS2_BOOT_START_H
#define MPS2_BOOT_START_H

#include "ferry/boot.h"

__attribute__((noreturn)) void boot_start(void (*before_boot)(const struct ferry_boot_config *cfg));

#endif
