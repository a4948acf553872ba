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
 *   - anti-rollback: the flash counter store (ferry/counter_flash.h) in its
 *     own area of the PSRAM; ferry_boot() refuses images below its value and
 *     raises it for a confirmed image;
 *   - key revocation: a second store with the same encoding next to it
 *     (docs/keys.md) holds the lowest key index still trusted;
 *   - encrypted images: the class key of boot_class_key.h (built in for the
 *     ferry-boot-enc-* bootloaders, none for the others);
 *   - right before the jump both stores are made read-only until the next
 *     reset with one MPU region (cortexm_mpu.h), so the application cannot
 *     erase or lower them. A board whose lock cannot be set stays in the
 *     bootloader;
 *   - what the boot did goes to the application as the boot record
 *     (ferry/boot_record.h) at BOARD_BOOT_RECORD_ADDR, written last, in the
 *     builds that link boot_handoff_record.c (boot_handoff.h).
 */
#include <stdint.h>
#include "board.h"
#include "boot_report.h"
#include "cmsdk_watchdog.h"
#include "cortexm.h"
#include "cortexm_mpu.h"
#include "device_ids.h"
#include "ferry/boot.h"
#include "boot_handoff.h"
#include "boot_class_key.h"
#include "ferry/counter_flash.h"
#include "ferry/errors.h"
#include "psram_flash.h"
#include "boot_start.h"

extern const struct ferry_pubkey ferry_trusted_keys[];
extern const unsigned ferry_trusted_key_count;

static const uint8_t vendor_id[16] = FERRY_VENDOR_ID;
static const uint8_t class_id[16] = FERRY_CLASS_ID;

/* Scratch for flash reads and copies: one sector moves in four reads. */
static uint8_t scratch[1024];

/* The counter store. Its scratch is twice the minimum (64 bytes for the
 * 1-byte program unit): a scan reads eight 8-byte record slots per call. */
static struct ferry_counter_flash counter;
static uint8_t counter_buf[2 * FERRY_COUNTER_FLASH_BUF_MIN(BOARD_PROGRAM_UNIT)];
static struct ferry_counter_flash revocation;
static uint8_t revocation_buf[2 * FERRY_COUNTER_FLASH_BUF_MIN(BOARD_PROGRAM_UNIT)];

static __attribute__((noreturn)) void halt(const char *why, int err)
{
    boot_report_halt(why, err);
    for (;;)
        cortexm_wait_for_interrupt();
}

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
        .policy = {ferry_trusted_keys, ferry_trusted_key_count, vendor_id, class_id, 0},
        .counter = &counter.counter,
        .revocation = &revocation.counter,
        .decrypt = boot_class_key(),
        .hooks = {0, feed, arm, boot_report_event},
        .buf = scratch,
        .buf_len = sizeof scratch,
    };
    struct ferry_boot_result res;
    struct ferry_area counter_area, revocation_area;

    boot_report_init();
    psram_flash_areas(&cfg.primary, &cfg.staging, &cfg.status);
    psram_counter_area(&counter_area);
    psram_revocation_area(&revocation_area);
    /* Fails only for a layout that board.h already refuses to compile. */
    int err = ferry_counter_flash_init(&counter, &counter_area, counter_buf, sizeof counter_buf);
    if (err == 0)
        err = ferry_counter_flash_init(&revocation, &revocation_area, revocation_buf,
                                       sizeof revocation_buf);
    if (err != 0)
        halt("counter or revocation store unusable, staying in the bootloader", err);
    if (before_boot)
        before_boot(&cfg);
    boot_handoff_begin(&cfg);
    err = ferry_boot(&cfg, &res);
    if (err != 0)
        halt("nothing to run, staying in the bootloader", err);
    uint32_t vtor = BOARD_FLASH_BASE + res.entry_off;
    /* A signed image with a header size that breaks the VTOR rule would lock
     * the core at its first exception: refuse to start it. */
    if (vtor % BOARD_VECTOR_ALIGN != 0)
        halt("image header size breaks the vector table alignment", FERRY_E_ALIGN);
    /* ferry_boot() has written both stores for the last time this reset.
     * Without the lock the application could lower them: do not start it. */
    err = cortexm_mpu_lock_readonly(BOARD_STORES_ADDR, BOARD_STORES_SIZE);
    if (err != 0)
        halt("cannot lock the counter and revocation stores, staying in the bootloader", err);
    boot_report_locked(BOARD_STORES_ADDR, BOARD_STORES_SIZE);
    boot_handoff_end(&res);
    boot_report_jump(vtor);
    cortexm_start_application(vtor);
}
