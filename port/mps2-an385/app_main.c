/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The demo application for mps2-an385, built three times:
 *   v1, v2  print their version, run a self-test and, when they run on
 *           trial, confirm the image (ferry_app_confirm);
 *   v3      (APP_HANGS=1) prints its version and then hangs before
 *           confirming, without feeding the watchdog: the watchdog resets the
 *           board and the bootloader restores the previous image.
 *   v4      (APP_ATTACKS_COUNTER=1) a compromised application: before it
 *           confirms, it tries to write the anti-rollback counter store
 *           (app_attack.h; the attack is the build number of its image's
 *           version, set when it is signed). The bootloader's lock makes the
 *           write fault (app_fault.c reports it and resets), so the image is
 *           never confirmed and the next boot reverts it.
 * Each run ends with a system reset, so under QEMU -no-reboot one run is one
 * boot. Lines start with "[app]"; tests match them.
 *
 * It also reports the bootloader's stack high-water mark: the bootloader's
 * RAM is not used by the application (layout.cmake), so the paint the
 * bootloader laid at reset is still there.
 */
#include <stdint.h>
#include "board.h"
#include "app_attack.h"
#include "cmsdk_uart.h"
#include "cmsdk_watchdog.h"
#include "cortexm.h"
#include "ferry/app.h"
#include "ferry/boot_record.h"
#include "ferry/errors.h"
#include "ferry/image.h"
#include "psram_flash.h"

#if !defined(APP_VERSION_MAJOR) || !defined(APP_VERSION_MINOR) || !defined(APP_VERSION_PATCH)
#error "build with -DAPP_VERSION_MAJOR=.. -DAPP_VERSION_MINOR=.. -DAPP_VERSION_PATCH=.."
#endif
#ifndef APP_HANGS
#define APP_HANGS 0
#endif
#ifndef APP_ATTACKS_COUNTER
#define APP_ATTACKS_COUNTER 0
#endif

static uint8_t scratch[256];

static void put_version(void)
{
    uart_putc('v');
    uart_put_dec(APP_VERSION_MAJOR);
    uart_putc('.');
    uart_put_dec(APP_VERSION_MINOR);
    uart_putc('.');
    uart_put_dec(APP_VERSION_PATCH);
}

static void say(const char *text)
{
    uart_puts("[app] ");
    put_version();
    uart_puts(text);
}

/* What a product would check before trusting a new image (its peripherals,
 * its server). Here: the image header in the primary slot describes this very
 * program (version, and the payload starts at our vector table), and a RAM
 * pattern survives. 0 if all is well. */
static int self_test(const struct ferry_app_config *cfg)
{
    struct ferry_image_info info;
    static volatile uint32_t pattern[16];

    if (ferry_image_parse(&cfg->primary, FERRY_PARSE_PRIMARY, &info) != 0)
        return -1;
    if (info.version.major != APP_VERSION_MAJOR || info.version.minor != APP_VERSION_MINOR ||
        info.version.patch != APP_VERSION_PATCH)
        return -2;
    if (BOARD_FLASH_BASE + cfg->primary.off + info.header_size !=
        (uint32_t)(uintptr_t)cortexm_vector_table)
        return -3;
    for (uint32_t i = 0; i < 16; i++)
        pattern[i] = 0xA5A5A5A5u ^ i;
    for (uint32_t i = 0; i < 16; i++)
        if (pattern[i] != (0xA5A5A5A5u ^ i))
            return -4;
    return 0;
}

static void report_boot_stack(void)
{
    const uint32_t *top = (const uint32_t *)(uintptr_t)(BOARD_BOOT_RAM_BASE + BOARD_BOOT_RAM_SIZE);
    const uint32_t *base = (const uint32_t *)(uintptr_t)(BOARD_BOOT_RAM_BASE + BOARD_BOOT_RAM_SIZE -
                                                         BOARD_BOOT_STACK_SIZE);
    uart_puts("[app] bootloader stack high-water mark: ");
    uart_put_dec(cortexm_stack_used(base, top));
    uart_puts(" of ");
    uart_put_dec(BOARD_BOOT_STACK_SIZE);
    uart_puts(" bytes\n");
}

static void put_ver(const struct ferry_version *v)
{
    uart_put_dec(v->major);
    uart_putc('.');
    uart_put_dec(v->minor);
    uart_putc('.');
    uart_put_dec(v->patch);
}

/* One line for the fleet's telemetry: what the boot that started us did. */
static void report_boot_record(void)
{
    struct ferry_boot_record r;
    int err = ferry_app_boot_record((const void *)(uintptr_t)BOARD_BOOT_RECORD_ADDR,
                                    FERRY_BOOT_RECORD_SIZE, &r);
    uart_puts("[app] last boot: ");
    if (err != 0) {
        uart_puts("no record (");
        uart_puts(ferry_strerror(err));
        uart_puts(")\n");
        return;
    }
    if (r.action == FERRY_BOOT_INSTALLED)
        uart_puts("installed ");
    else if (r.action == FERRY_BOOT_REVERTED)
        uart_puts("reverted to ");
    else
        uart_puts("started ");
    put_ver(&r.version);
    if (r.trial)
        uart_puts(" (on trial)");
    if (r.action == FERRY_BOOT_REVERTED) {
        uart_puts(": ");
        uart_puts(ferry_boot_revert_reason_str(r.revert_reason));
    }
    if (r.staged_err) {
        uart_puts("; staged image refused: ");
        uart_puts(ferry_strerror(r.staged_err));
    }
    uart_puts("\n");
}

int main(void)
{
    struct ferry_app_config cfg = {.buf = scratch, .buf_len = sizeof scratch};
    enum ferry_app_state state;

    uart_init();
    say(" running\n");
    report_boot_stack();
    report_boot_record();
    psram_flash_areas(&cfg.primary, &cfg.staging, &cfg.status);
    int err = ferry_app_get_state(&cfg, &state);
    if (err != 0) {
        uart_puts("[app] cannot read the boot status: ");
        uart_puts(ferry_strerror(err));
        uart_puts("\n");
        cortexm_system_reset();
    }
    if (APP_ATTACKS_COUNTER) {
        struct ferry_image_info info;
        say(" attacks the counter store\n");
        if (ferry_image_parse(&cfg.primary, FERRY_PARSE_PRIMARY, &info) == 0)
            app_attack_counter(info.version.build);
        cortexm_system_reset(); /* never confirmed */
    }
    if (APP_HANGS) {
        say(" has a fatal bug: hanging before it confirms\n");
        for (;;)
            ; /* a stuck loop; the watchdog is not fed */
    }
    if (state == FERRY_APP_TRIAL) {
        say(" on trial: self-test ");
        wdog_feed();
        int st = self_test(&cfg);
        if (st == 0 && (err = ferry_app_confirm(&cfg)) == 0) {
            uart_puts("passed, image confirmed\n");
        } else {
            uart_puts("FAILED, not confirming (");
            uart_puts(st != 0 ? "self-test" : ferry_strerror(err));
            uart_puts(")\n");
        }
    } else {
        say(" is confirmed\n");
    }
    wdog_feed();
    say(" done, resetting\n");
    cortexm_system_reset();
}
