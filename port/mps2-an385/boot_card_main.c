/*
 * The card bootloader for mps2-an385 (ferry-boot-card): boot_main.c's
 * bootloader with a card slot. Before the boot decision it mounts the card
 * (psram_card.h) and hands it to ferry_card_stage(): a valid, newer
 * update.bin is verified, copied into the staging slot and renamed
 * update.old, and ferry_boot() installs it on this same boot. Whatever the
 * card holds, or if there is none, the boot goes on as without it.
 * The rest is boot_main.c's, kept the same line for line.
 */
#include <stdint.h>
#include "board.h"
#include "boot_report.h"
#include "cmsdk_uart.h"
#include "cmsdk_watchdog.h"
#include "cortexm.h"
#include "device_ids.h"
#include "ferry/boot.h"
#include "ferry/card_update.h"
#include "ferry/errors.h"
#include "ferry/fat.h"
#include "psram_card.h"
#include "psram_flash.h"

extern const struct ferry_pubkey ferry_trusted_keys[];
extern const unsigned ferry_trusted_key_count;

static const uint8_t vendor_id[16] = FERRY_VENDOR_ID;
static const uint8_t class_id[16] = FERRY_CLASS_ID;

static uint8_t scratch[1024];
static uint8_t fat_buf[FERRY_FAT_SECTOR];
static struct ferry_fat fat;

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

static void card_line(const char *text, int err)
{
    uart_puts("[card] ");
    uart_puts(text);
    if (err) {
        uart_puts(": ");
        uart_puts(ferry_strerror(err));
    }
    uart_puts("\n");
}

static void card_step(const struct ferry_boot_config *cfg)
{
    static const struct ferry_card_config cc = {0, 0, ferry_card_mark_rename};
    struct ferry_card_result res;
    int err = ferry_fat_mount(&fat, psram_card(), fat_buf, sizeof fat_buf);
    if (err) {
        card_line("no usable card", err);
        return;
    }
    err = ferry_card_stage(cfg, &fat, &cc, &res);
    if (err == 0)
        card_line(res.mark_err ? "update.bin staged; renaming failed" : "update.bin staged, renamed update.old",
                  res.mark_err);
    else if (err == FERRY_E_NOT_FOUND)
        card_line("no update.bin", 0);
    else if (err == FERRY_E_NO_UPDATE)
        card_line("update.bin is the running image: renamed update.old", 0);
    else if (err == FERRY_E_BUSY)
        card_line("an update is in progress or on trial: card left for later", 0);
    else
        card_line("update.bin refused, nothing changed", err);
}

int main(void)
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
    card_step(&cfg);
    int err = ferry_boot(&cfg, &res);
    if (err != 0) {
        boot_report_halt("nothing to run, staying in the bootloader", err);
        for (;;)
            cortexm_wait_for_interrupt();
    }
    uint32_t vtor = BOARD_FLASH_BASE + res.entry_off;
    if (vtor % BOARD_VECTOR_ALIGN != 0) {
        boot_report_halt("image header size breaks the vector table alignment", FERRY_E_ALIGN);
        for (;;)
            cortexm_wait_for_interrupt();
    }
    boot_report_jump(vtor);
    cortexm_start_application(vtor);
}
