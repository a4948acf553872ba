/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the bootloader tells the outside world. Two implementations, chosen
 * by which file is linked: boot_report_uart.c (one console line per event)
 * and boot_report_silent.c (nothing; no text is linked in).
 */
#ifndef MPS2_BOOT_REPORT_H
#define MPS2_BOOT_REPORT_H

#include <stdint.h>
#include "ferry/boot.h"

void boot_report_init(void);
/* The ferry_boot() event hook, or NULL when the build has no console. */
extern void (*const boot_report_event)(void *ctx, enum ferry_boot_event ev, int err,
                                       const struct ferry_image_info *info);
/* ferry_boot() found nothing to run (err), or the image cannot be started. */
void boot_report_halt(const char *why, int err);
/* The counter store [addr, addr + size) is read-only until the next reset. */
void boot_report_locked(uint32_t addr, uint32_t size);
/* Right before the jump: the address of the application's vector table. */
void boot_report_jump(uint32_t vtor);

#endif
