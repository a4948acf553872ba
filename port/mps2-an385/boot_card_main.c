/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The card bootloader for mps2-an385 (ferry-boot-card): boot_main.c's
 * bootloader with a card slot. Before the boot decision it mounts the card
 * (psram_card.h) and hands it to ferry_card_stage(): a valid, newer
 * update.bin is verified, copied into the staging slot and renamed
 * update.old, and ferry_boot() installs it on this same boot. Whatever the
 * card holds, or if there is none, the boot goes on as without it.
 * The rest is the shared bootloader body (boot_start.c).
 */
#include <stdint.h>
#include "cmsdk_uart.h"
#include "ferry/boot.h"
#include "ferry/card_update.h"
#include "ferry/errors.h"
#include "ferry/fat.h"
#include "psram_card.h"
#include "boot_start.h"

static uint8_t fat_buf[FERRY_FAT_SECTOR];
static struct ferry_fat fat;

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
    boot_start(card_step);
}
