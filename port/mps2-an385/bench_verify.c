/* SPDX-License-Identifier: Apache-2.0 */
/*
 * On-target cost of verifying an image: loaded at 0x0 in place of the
 * bootloader, it times the SHA-256 of the image in the primary slot, the
 * ECDSA P-256 signature check, and the whole ferry_image_verify(), with the
 * CMSDK timer. Prints one "[bench] name ticks instructions" line each (an
 * instruction count assumes QEMU -icount shift=0: 1 ns per instruction,
 * 40 per 25 MHz tick) and resets. bench/footprint.sh drives it.
 */
#include <stdint.h>
#include "board.h"
#include "cmsdk_timer.h"
#include "cmsdk_uart.h"
#include "cortexm.h"
#include "device_ids.h"
#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "ferry/image.h"
#include "psram_flash.h"

extern const struct ferry_pubkey ferry_trusted_keys[];
extern const unsigned ferry_trusted_key_count;

static const uint8_t vendor_id[16] = FERRY_VENDOR_ID;
static const uint8_t class_id[16] = FERRY_CLASS_ID;
static uint8_t scratch[1024];

#define NS_PER_TICK (1000000000u / BOARD_CPU_HZ)

static void result(const char *name, uint32_t bytes, uint32_t ticks, int err)
{
    uart_puts("[bench] ");
    uart_puts(name);
    uart_puts(" bytes=");
    uart_put_dec(bytes);
    uart_puts(" ticks=");
    uart_put_dec(ticks);
    uart_puts(" instructions=");
    uart_put_dec(ticks * NS_PER_TICK);
    uart_puts(err == 0 ? " ok\n" : " FAILED\n");
}

int main(void)
{
    struct ferry_area primary, staging, status;
    struct ferry_image_info info;
    struct ferry_verify_policy policy = {ferry_trusted_keys, ferry_trusted_key_count, vendor_id,
                                         class_id, 0};
    uint8_t digest[32];

    uart_init();
    timer_start();
    psram_flash_areas(&primary, &staging, &status);
    int err = ferry_image_parse(&primary, FERRY_PARSE_PRIMARY, &info);
    if (err != 0) {
        uart_puts("[bench] no image in the primary slot: ");
        uart_puts(ferry_strerror(err));
        uart_puts("\n");
        cortexm_system_reset();
    }

    uint32_t t0 = timer_ticks();
    err = ferry_area_sha256(&primary, 0, info.protected_size, scratch, sizeof scratch, digest);
    uint32_t t1 = timer_ticks();
    if (err == 0 && ferry_ct_memcmp(digest, info.digest, sizeof digest) != 0)
        err = FERRY_E_IMG_DIGEST;
    result("sha256", info.protected_size, t1 - t0, err);

    const struct ferry_pubkey *key = &ferry_trusted_keys[0];
    t0 = timer_ticks();
    err = ferry_p256_verify(key->point, info.digest, info.signature);
    t1 = timer_ticks();
    result("p256_verify", 0, t1 - t0, err);

    t0 = timer_ticks();
    err = ferry_image_verify(&primary, &info, &policy, scratch, sizeof scratch);
    t1 = timer_ticks();
    result("image_verify", info.total_size, t1 - t0, err);

    uart_puts("[bench] done\n");
    cortexm_system_reset();
}
