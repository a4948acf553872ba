/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry port template. Copy this file to port/<your-board>/, fill in every
 * PORT: block, and you have a bootloader. port/sim/ is a complete port for
 * comparison. Nothing here may call malloc; everything is static.
 *
 * A port provides:
 *   1. one struct ferry_flash per flash device (internal flash, external NOR),
 *      with its geometry;
 *   2. the slot layout: primary, staging and status areas (docs/design.md,
 *      "Layout rules"; ferry_boot_layout_check() tells you if it is wrong);
 *   3. the trusted public key(s): `ferry getpub -k key.pem --format c`, and
 *      this device's vendor and class UUIDs: `ferry uuid --format c`;
 *   4. hooks: watchdog arm/feed, optional console events;
 *   5. optionally an anti-rollback store (struct ferry_counter), on internal
 *      flash or OTP, and a lock that makes it read-only until the next reset
 *      (flash-controller write protection until reset, or the MPU with an
 *      unprivileged application), set right before the jump. Without that
 *      lock a compromised application can erase the store and stage an older
 *      signed image: anti-rollback then holds only against remote attackers,
 *      and the port's documentation must say so (docs/threat-model.md, A3);
 *   6. write protection of the bootloader region, and the status area on
 *      internal flash (docs/threat-model.md, A1 and A5);
 *   7. the jump to the application;
 *   8. optionally a class key for encrypted images (docs/encryption.md):
 *      `ferry getpub -k CLASS.pem --format c-class` gives the key pair as a
 *      struct ferry_class_key_material to build in (or read it from OTP at
 *      start), ferry_decrypt_sw_init() turns it into cfg.decrypt, and the
 *      bootloader links the ferry_enc component instead of src/boot/plain/.
 *      A secure element implements struct ferry_decrypt_ops itself.
 * The application side (TLS entropy and clock) has its own template:
 * ferry_app_port_template.c.
 */
#include <stddef.h>
#include <stdint.h>
#include "ferry/boot.h"
#include "ferry/errors.h"

/* ---- 1. Internal flash --------------------------------------------------- */

/* PORT: the part's sectors in address order. Example: STM32F4, 1 MiB. */
static const struct ferry_sector_region internal_regions[] = {
    {4, 16 * 1024}, {1, 64 * 1024}, {7, 128 * 1024},
};

static const struct ferry_flash_geometry internal_geo = {
    .start = 0x08000000u,          /* PORT: where the flash is mapped */
    .size = 1024 * 1024,
    .program_unit = 4,             /* PORT: smallest programmable unit */
    .erased_value = 0xFF,
    .region_count = 3,
    .regions = internal_regions,
};

/*
 * PORT: read. off is relative to the device start. Any alignment. Internal
 * flash is usually memory-mapped: copy from (geo.start + off). Return 0, or
 * FERRY_E_IO if the controller reports an error (ECC, bus fault).
 */
static int internal_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    (void)ctx, (void)off, (void)buf, (void)len;
    return FERRY_E_UNSUPPORTED;
}

/*
 * PORT: program. off and len are multiples of program_unit and the target is
 * erased (the core guarantees both; check anyway if the controller will not).
 * Unlock, program, wait for completion, lock, then read back if the part has
 * no write verification. Feed nothing here: the core feeds the watchdog.
 * Return 0, FERRY_E_IO (controller error), FERRY_E_NOT_ERASED if detected.
 */
static int internal_program(void *ctx, uint32_t off, const void *buf, uint32_t len)
{
    (void)ctx, (void)off, (void)buf, (void)len;
    return FERRY_E_UNSUPPORTED;
}

/*
 * PORT: erase whole sectors [off, off+len). The core erases one sector per
 * call. Return 0 or FERRY_E_IO.
 */
static int internal_erase(void *ctx, uint32_t off, uint32_t len)
{
    (void)ctx, (void)off, (void)len;
    return FERRY_E_UNSUPPORTED;
}

static const struct ferry_flash_ops internal_ops = {internal_read, internal_program, internal_erase};
static const struct ferry_flash internal_flash = {&internal_ops, NULL, &internal_geo};

/* ---- 2. Layout ----------------------------------------------------------- */
/* PORT: bootloader in sectors 0-..., status area, primary, staging. Here:
 * 16K bootloader | 2x16K status | ... | primary 128K..512K | staging 512K..1M
 * (staging = primary + one unit, see docs/design.md). */
#define PRIMARY_OFF  (128u * 1024u)
#define PRIMARY_SIZE (384u * 1024u)
#define STAGING_OFF  (512u * 1024u)
#define STAGING_SIZE (512u * 1024u)
#define STATUS_OFF   (16u * 1024u)
#define STATUS_SIZE  (32u * 1024u)

/* ---- 3. Identity and keys ------------------------------------------------ */
/* PORT: replace with the output of `ferry getpub --format c` (which defines
 * ferry_trusted_keys and ferry_trusted_key_count) and `ferry uuid --format c`. */
static const struct ferry_pubkey trusted_keys[1];
static const uint8_t vendor_id[16];
static const uint8_t class_id[16];

/* ---- 4. Hooks ------------------------------------------------------------ */

/* PORT: reload the watchdog counter. Called during every erase and copy. */
static void watchdog_feed(void *ctx)
{
    (void)ctx;
}

/* PORT: start the watchdog (if the bootloader did not already) with a timeout
 * long enough for the application to reach its confirm call. Called right
 * before a trial image is started. */
static void watchdog_arm(void *ctx)
{
    (void)ctx;
}

/* ---- 6. Jump --------------------------------------------------------------- */

/*
 * PORT: start the application whose vector table is at `addr`. On Cortex-M:
 * disable interrupts, stop SysTick, clear every NVIC enable and pending bit,
 * set VTOR = addr (aligned to the table size rounded up to a power of two),
 * load MSP from addr[0], and branch to addr[1]. Never returns.
 */
static void jump_to_application(uint32_t addr)
{
    (void)addr;
}

/* The bootloader's main: everything else is the core's job. */
static uint8_t scratch[1024]; /* multiple of every program unit, >= 256 */

int ferry_port_template_main(void)
{
    struct ferry_boot_config cfg = {
        .primary = {&internal_flash, PRIMARY_OFF, PRIMARY_SIZE},
        .staging = {&internal_flash, STAGING_OFF, STAGING_SIZE},
        .status = {&internal_flash, STATUS_OFF, STATUS_SIZE},
        .policy = {trusted_keys, 1, vendor_id, class_id, 0},
        .counter = NULL, /* PORT 5: a struct ferry_counter, or NULL */
        /* PORT 8: .decrypt = &class_key (ferry_decrypt_sw_init), and
         * .require_encrypted = 1 to refuse plain images. */
        .hooks = {NULL, watchdog_feed, watchdog_arm, NULL},
        .buf = scratch,
        .buf_len = sizeof scratch,
    };
    struct ferry_boot_result res;
    int err = ferry_boot(&cfg, &res);
    if (err)
        return err; /* PORT: no valid image: report (LED, console) and wait for a new one */
    /* PORT 5: lock the counter store until reset here (see the top). */
    jump_to_application(internal_geo.start + res.entry_off);
    return FERRY_E_STATE; /* not reached */
}
