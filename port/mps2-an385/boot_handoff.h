/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the bootloader hands to the application besides the jump: the boot
 * record (ferry/boot_record.h) at BOARD_BOOT_RECORD_ADDR, or nothing. The
 * strategy is chosen by the file linked: boot_handoff_record.c (the
 * bootloaders with a console, and the card bootloader) or
 * boot_handoff_none.c (the silent, smallest ones: the record costs about
 * 500 bytes of flash, bench/footprint.md).
 */
#ifndef MPS2_BOOT_HANDOFF_H
#define MPS2_BOOT_HANDOFF_H

#include "ferry/boot.h"

/* Before ferry_boot(): may chain a recorder in front of cfg->hooks. */
void boot_handoff_begin(struct ferry_boot_config *cfg);

/* Right before the jump, after ferry_boot() returned 0 with `res`. */
void boot_handoff_end(const struct ferry_boot_result *res);

#endif
