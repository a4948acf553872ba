/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Ferry bootloader for the stm32f4 reference board (layout.cmake).
 * Sectors 0-1 of the internal flash, never updated; it owns the reset
 * vector. Every reset:
 *
 *   1. the IWDG gets the boot window (iwdg.h) without being started;
 *   2. the NOR is woken and identified (spi_nor.h); if it does not answer,
 *      its ops fail with FERRY_E_IO and ferry_boot() decides what still runs;
 *   3. ferry_boot() with primary (internal), staging and status (NOR), the
 *      counter store (internal sectors 2-3), the generated key and identity;
 *   4. before the jump: FLASH_CR locked, the MPU makes the counter store
 *      read-only and the flash registers privileged-only (cortexm4.h), the
 *      NOR's SPI and pins back to reset state, the ART caches reset;
 *   5. the jump (VTOR, MSP, reset handler).
 *
 * No console: a halt is a WFI loop (a running IWDG then resets the part).
 */
#include <stdint.h>
#include "board.h"
#include "cortexm4.h"
#include "device_ids.h"
#include "ferry/boot.h"
#include "ferry/counter_flash.h"
#include "ferry/errors.h"
#include "internal_flash.h"
#include "iwdg.h"
#include "spi_nor.h"
#include "stm32f4_regs.h"

extern const struct ferry_pubkey ferry_trusted_keys[];
extern const unsigned ferry_trusted_key_count;

static const uint8_t vendor_id[16] = FERRY_VENDOR_ID;
static const uint8_t class_id[16] = FERRY_CLASS_ID;

/* Scratch for reads and copies: a multiple of both program units (4 and 1). */
static uint8_t scratch[2048];

static struct ferry_counter_flash counter;
static uint8_t counter_buf[2 * FERRY_COUNTER_FLASH_BUF_MIN(BOARD_PROGRAM_UNIT)];

/* Why the bootloader stopped, for a debugger (no console on this board). */
volatile int stm32f4_boot_halt_reason;

static __attribute__((noreturn)) void halt(int err)
{
    stm32f4_boot_halt_reason = err;
    for (;;)
        cortexm_wait_for_interrupt();
}

static void feed(void *ctx)
{
    (void)ctx;
    iwdg_feed();
}

static void arm(void *ctx)
{
    (void)ctx;
    /* A failed timeout update still starts the watchdog (iwdg_arm). */
    (void)iwdg_arm(BOARD_TRIAL_WDOG_RELOAD);
}

int main(void)
{
    const struct ferry_area counter_area = {&stm32f4_internal_flash, BOARD_COUNTER_OFF,
                                            BOARD_COUNTER_SIZE};
    struct ferry_boot_config cfg = {
        .primary = {&stm32f4_internal_flash, BOARD_PRIMARY_OFF, BOARD_PRIMARY_SIZE},
        .staging = {&stm32f4_spi_nor, BOARD_STAGING_OFF, BOARD_STAGING_SIZE},
        .status = {&stm32f4_spi_nor, BOARD_STATUS_OFF, BOARD_STATUS_SIZE},
        .policy = {ferry_trusted_keys, ferry_trusted_key_count, vendor_id, class_id, 0},
        .counter = &counter.counter,
        .hooks = {0, feed, arm, 0},
        .buf = scratch,
        .buf_len = sizeof scratch,
    };
    struct ferry_boot_result res;

    /* Not fatal: the watchdog is not running unless the hardware option
     * started it, and then a timeout that did not change is the reset default. */
    (void)iwdg_prepare(BOARD_BOOT_WDOG_RELOAD);
    (void)stm32f4_spi_nor_init();
    int err = ferry_counter_flash_init(&counter, &counter_area, counter_buf, sizeof counter_buf);
    if (err != 0)
        halt(err);
    err = ferry_boot(&cfg, &res);
    if (err != 0)
        halt(err);
    uint32_t vtor = BOARD_FLASH_BASE + res.entry_off;
    /* A header size that breaks the VTOR rule would fault at the first exception. */
    if (vtor % BOARD_VECTOR_ALIGN != 0)
        halt(FERRY_E_ALIGN);
    /* ferry_boot() has written the counter for the last time this reset.
     * Without both locks the application could erase it: do not start it. */
    err = stm32f4_flash_lock();
    if (err == 0)
        err = cortexm_mpu_lock(BOARD_COUNTER_ADDR, BOARD_COUNTER_SIZE, FLASH_R_BASE, FLASH_R_SPAN);
    if (err != 0)
        halt(err);
    stm32f4_spi_nor_release();
    stm32f4_art_reset();
    cortexm_start_application(vtor);
}
