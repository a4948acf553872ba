/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The boot benchmark's report (boot_report.h), linked into the bench-boot-*
 * programs in place of a console: nothing is printed while the bootloader
 * works; right before the jump one line gives the instructions from
 * boot_report_init() (the first call of boot_start.c) to the jump, timed
 * with the CMSDK timer:
 *
 *   [bench] update_boot ticks=T instructions=I ok     (a staged image was installed)
 *   [bench] revert_boot ticks=T instructions=I ok     (a trial image was reverted)
 *   [bench] normal_boot ticks=T instructions=I ok     (the primary was started as it was)
 *
 * An instruction count assumes QEMU -icount shift=0 (1 ns per instruction,
 * 40 per 25 MHz tick). A staged image that was refused is named on a line
 * of its own after it ("[bench] staged image refused: <reason>").
 * bench/footprint.sh drives it.
 */
#include <stdint.h>
#include "board.h"
#include "boot_report.h"
#include "cmsdk_timer.h"
#include "cmsdk_uart.h"
#include "ferry/errors.h"

#define NS_PER_TICK (1000000000u / BOARD_CPU_HZ)

static const char *kind = "normal_boot";
static int refused;

void boot_report_init(void)
{
    uart_init();
    timer_start();
}

static void event(void *ctx, enum ferry_boot_event ev, int err, const struct ferry_image_info *info)
{
    (void)ctx, (void)info;
    if (ev == FERRY_EV_INSTALL_DONE)
        kind = "update_boot";
    else if (ev == FERRY_EV_REVERT_DONE)
        kind = "revert_boot";
    else if (ev == FERRY_EV_STAGED_REJECTED)
        refused = err;
}

void (*const boot_report_event)(void *, enum ferry_boot_event, int,
                                const struct ferry_image_info *) = event;

void boot_report_halt(const char *why, int err)
{
    uart_puts("[bench] ");
    uart_puts(why);
    uart_puts(": ");
    uart_puts(ferry_strerror(err));
    uart_puts(" FAILED\n");
}

void boot_report_locked(uint32_t addr, uint32_t size)
{
    (void)addr, (void)size;
}

void boot_report_jump(uint32_t vtor)
{
    uint32_t ticks = timer_ticks();
    (void)vtor;
    uart_puts("[bench] ");
    uart_puts(kind);
    uart_puts(" ticks=");
    uart_put_dec(ticks);
    uart_puts(" instructions=");
    uart_put_dec(ticks * NS_PER_TICK);
    uart_puts(" ok\n");
    if (refused != 0) {
        uart_puts("[bench] staged image refused: ");
        uart_puts(ferry_strerror(refused));
        uart_puts("\n");
    }
}
