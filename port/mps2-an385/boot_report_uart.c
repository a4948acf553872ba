/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bootloader's console (boot_report.h): one line per boot event on
 * UART0, prefixed "[boot]". Tests match these lines, so their wording is
 * part of the port's interface (docs/port-mps2-an385.md lists them).
 */
#include <stdint.h>
#include "boot_report.h"
#include "cmsdk_uart.h"
#include "ferry/errors.h"

void boot_report_init(void)
{
    uart_init();
    uart_puts("[boot] Ferry bootloader (mps2-an385)\n");
}

static void put_version(const struct ferry_image_info *info)
{
    if (info == 0) {
        uart_puts("?");
        return;
    }
    uart_put_dec(info->version.major);
    uart_putc('.');
    uart_put_dec(info->version.minor);
    uart_putc('.');
    uart_put_dec(info->version.patch);
    if (info->version.build != 0) {
        uart_putc('+');
        uart_put_dec(info->version.build);
    }
}

/* "[boot] <text>" with v<version> or the error text appended. */
static void line(const char *text, const struct ferry_image_info *info, int err)
{
    uart_puts("[boot] ");
    uart_puts(text);
    if (info != 0) {
        uart_puts(" v");
        put_version(info);
    }
    if (err != 0) {
        uart_puts(": ");
        uart_puts(ferry_strerror(err));
    }
    uart_puts("\n");
}

static void event(void *ctx, enum ferry_boot_event ev, int err, const struct ferry_image_info *info)
{
    (void)ctx;
    switch (ev) {
    case FERRY_EV_STATE:
        if (err == 1)
            line("status: last operation was an install", 0, 0);
        else if (err == 2)
            line("status: last operation was a revert", 0, 0);
        break;
    case FERRY_EV_STAGED_FOUND:
        line("staging: found image", info, 0);
        break;
    case FERRY_EV_STAGED_REJECTED:
        line("staging: image rejected, nothing installed", 0, err);
        break;
    case FERRY_EV_INSTALL_START:
        line("installing (signature verified, previous image kept)", info, 0);
        break;
    case FERRY_EV_INSTALL_RESUME:
        line("resuming an interrupted install", 0, 0);
        break;
    case FERRY_EV_INSTALL_DONE:
        line("install complete, copy checked:", info, 0);
        break;
    case FERRY_EV_INSTALL_FAILED:
        line("install failed, reverting", 0, err);
        break;
    case FERRY_EV_REVERT_START:
        line("trial image not confirmed: reverting", 0, 0);
        break;
    case FERRY_EV_BACKUP_DAMAGED:
        line("previous image damaged during the trial: keeping the trial image", 0, 0);
        break;
    case FERRY_EV_REVERT_RESUME:
        line("resuming an interrupted revert", 0, 0);
        break;
    case FERRY_EV_REVERT_DONE:
        line("revert complete", 0, 0);
        break;
    case FERRY_EV_TRIAL_BOOT:
        line("trial boot (watchdog armed):", info, 0);
        break;
    case FERRY_EV_COUNTER_ADVANCED:
        uart_puts("[boot] anti-rollback: minimum security counter is now ");
        uart_put_dec((uint32_t)err);
        uart_puts("\n");
        break;
    case FERRY_EV_KEYS_REVOKED:
        uart_puts("[boot] key revocation: keys below index ");
        uart_put_dec((uint32_t)err);
        uart_puts(" are revoked\n");
        break;
    case FERRY_EV_PRIMARY_INVALID:
        line("primary slot: no valid image", 0, err);
        break;
    case FERRY_EV_BOOT:
        line("starting", info, 0);
        break;
    }
}

void (*const boot_report_event)(void *, enum ferry_boot_event, int,
                                const struct ferry_image_info *) = event;

void boot_report_halt(const char *why, int err)
{
    line(why, 0, err);
}

void boot_report_locked(uint32_t addr, uint32_t size)
{
    uart_puts("[boot] counter and revocation stores 0x");
    uart_put_hex(addr);
    uart_puts("+0x");
    uart_put_hex(size);
    uart_puts(" locked read-only until reset (MPU)\n");
}

void boot_report_jump(uint32_t vtor)
{
    uart_puts("[boot] jump to 0x");
    uart_put_hex(vtor);
    uart_puts("\n");
}
