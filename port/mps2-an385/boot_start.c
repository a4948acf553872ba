/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The body shared by the mps2-an385 bootloaders (boot_main.c, and
 * boot_card_main.c which stages a card update first). Loaded at 0x0 and never updated; it
 * owns the reset vector. Every reset it hands the board to ferry_boot() and
 * starts the verified application it names:
 *
 *   - flash: the PSRAM (psram_flash.h), areas from layout.cmake;
 *   - trusted key and device identity: generated at build time by the ferry
 *     tool (trusted_keys.c, device_ids.h);
 *   - a trial image is started with the watchdog armed; the install and
 *     revert loops feed it (the watchdog may still run after a reset on
 *     parts where it cannot be stopped);
 *   - no counter store: anti-rollback by security counter needs one
 *     (struct ferry_counter) and is left to a product port.
 */
#include <stdint.h>
#include "board.h"
#include "boot_report.h"
#include "cmsdk_watchdog.h"
#include "cortexm.h"
#include "device_ids.h"
#include "ferry/boot.h"
#include "ferry/errors.h"
#include "psram_flash.h"
#include "boot_start.h"

extern const struct ferry_pubkey ferry_trusted_keys[];
extern const unsigned ferry_trusted_key_count;

static const uint8_t vendor_id[16] = FERRY_VENDOR_ID;
static const uint8_t class_id[16] = FERRY_CLASS_ID;

/* Scratch for flash reads and copies: one sector moves in four reads. */
static uint8_t scratch[1024];

static void feed(void *ctx)
{
    (void)ctx;
    wdog_feed();
}

static void arm(void *ctx)
{
    (void)ctx;
    wdog_arm(BOARD_TRIAL_WDOG_TICKS);
}

void boot_start(void (*before_boot)(const struct ferry_boot_config *cfg))
{
    struct ferry_boot_config cfg = {
        .policy = {ferry_trusted_keys, ferry_trusted_key_count, vendor_id, class_id},
        .counter = 0,
        .hooks = {0, feed, arm, boot_report_event},
        .buf = scratch,
        .buf_len = sizeof scratch,
    };
    struct ferry_boot_result res;

    boot_report_init();
    psram_flash_areas(&cfg.primary, &cfg.staging, &cfg.status);
    if (before_boot)
        before_boot(&cfg);
    int err = ferry_boot(&cfg, &res);
    if (err != 0) {
        boot_report_halt("nothing to run, staying in the bootloader", err);
        for (;;)
            cortexm_wait_for_interrupt();
    }
    uint32_t vtor = BOARD_FLASH_BASE + res.entry_off;
    /* A signed image with a header size that breaks the VTOR rule would lock
     * the core at its first exception: refuse to start it. */
    if (vtor % BOARD_VECTOR_ALIGN != 0) {
        boot_report_halt("image header size breaks the vector table alignment", FERRY_E_ALIGN);
        for (;;)
            cortexm_wait_for_interrupt();
    }
    boot_report_jump(vtor);
    cortexm_start_application(vtor);
}
