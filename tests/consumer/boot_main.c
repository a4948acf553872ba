/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The product's bootloader: fills a struct ferry_boot_config and hands the
 * board to ferry_boot(). Links ferry::boot only. The flash here is blank, so
 * the only right answer is FERRY_E_NO_IMAGE (the host run checks it); a real
 * bootloader would jump to res.entry_off on success.
 */
#include "ferry/boot.h"
#include "ferry/errors.h"
#include "report.h"
#include "stub_flash.h"

/* The vendor's public key, as `ferry getpub --format c` prints it; a
 * placeholder here (no image is signed for it). */
static const struct ferry_pubkey trusted_keys[] = { { .point = { 0x04 }, .id = { 0 } } };

static uint8_t scratch[1024];

int main(void)
{
    const struct ferry_boot_config cfg = {
        .primary = stub_primary,
        .staging = stub_staging,
        .status = stub_status,
        .policy = { .keys = trusted_keys, .key_count = 1 },
        .counter = NULL,
        .buf = scratch,
        .buf_len = sizeof scratch,
    };
    struct ferry_boot_result res;
    int err = ferry_boot(&cfg, &res);
    report("ferry_boot()", err);
    return err == FERRY_E_NO_IMAGE ? 0 : 1;
}
