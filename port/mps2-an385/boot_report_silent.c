/* SPDX-License-Identifier: Apache-2.0 */
/* A bootloader without console: reports nothing (see boot_report.h). */
#include "boot_report.h"

void boot_report_init(void)
{
}

void (*const boot_report_event)(void *, enum ferry_boot_event, int,
                                const struct ferry_image_info *) = 0;

void boot_report_halt(const char *why, int err)
{
    (void)why, (void)err;
}

void boot_report_locked(uint32_t addr, uint32_t size)
{
    (void)addr, (void)size;
}

void boot_report_jump(uint32_t vtor)
{
    (void)vtor;
}
