/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the staging API's resume record (src/app/stage_record.c)
 * and its resume, with the staging slot's contents chosen by the fuzzer.
 *
 * Each input: a genuine staging of a signed image runs up to a point P and
 * is suspended (so the record holds real checkpoints); then the input's
 * patches change arbitrary bytes of the staging slot (record, held-back
 * head, image bytes, sequence entries: an application attacker or decayed
 * flash); then a new staging begins with the same (or, by a flag, another)
 * id, writes the rest of the true file from where begin says, and finishes.
 *
 * Oracle:
 *   1. begin's offset is never past the file, and finish always succeeds:
 *      whatever the slot held, the staging must come through (restarting
 *      from zero when it cannot trust the record) without programming a
 *      byte twice (the RAM flash refuses that) or reading out of range;
 *   2. what is marked is byte for byte the true image file.
 *
 * Input: [flags u8][P u16][patches: (offset u16, xor u8) ...]
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "image_builder.h"

#include "ferry/app.h"
#include "ferry/errors.h"
#include "ferry/memflash.h"
#include "ferry/stage.h"

#define SECTOR   4096u
#define FLASH_SZ (16u * SECTOR)
#define PRIMARY_OFF 0u
#define PRIMARY_SZ  (4u * SECTOR)
#define STAGING_OFF PRIMARY_SZ
#define STAGING_SZ  (PRIMARY_SZ + SECTOR)
#define STATUS_OFF  (STAGING_OFF + STAGING_SZ)
#define STATUS_SZ   (2u * SECTOR)

static uint8_t image[PRIMARY_SZ];
static size_t image_len;
static uint8_t image_sha[32];
static struct ferry_pubkey trusted;
static uint8_t mem[FLASH_SZ];

static const struct ferry_sector_region region = {FLASH_SZ / SECTOR, SECTOR};
static const struct ferry_flash_geometry geo = {0, FLASH_SZ, 1, 0xFF, 1, &region};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    struct ib_spec s = ib_default_spec();
    s.payload_size = 9000;
    image_len = ib_build(&s, image, sizeof image);
    if (image_len == 0)
        __builtin_trap();
    ferry_sha256(image, image_len, image_sha);
    ib_pubkey(ib_key_a, &trusted);
    return 0;
}

/* Writes image[from, to) in pieces of 1..600 bytes. */
static int write_range(struct ferry_stage *st, uint32_t from, uint32_t to)
{
    uint32_t step = 37;
    while (from < to) {
        uint32_t n = to - from < step ? to - from : step;
        int err = ferry_stage_write(st, image + from, n);
        if (err)
            return err;
        from += n;
        step = step * 13 % 599 + 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t id_a[32] = {1}, id_b[32] = {2};
    static uint8_t buf[FERRY_STAGE_BUF_BYTES], app_buf[64];
    struct ferry_memflash mf;
    struct ferry_stage st;
    if (size < 3)
        return 0;
    memset(mem, 0xFF, sizeof mem);
    if (ferry_memflash_init(&mf, mem, &geo) != 0)
        __builtin_trap();
    const struct ferry_app_config app = {
        {&mf.flash, PRIMARY_OFF, PRIMARY_SZ}, {&mf.flash, STAGING_OFF, STAGING_SZ},
        {&mf.flash, STATUS_OFF, STATUS_SZ}, app_buf, sizeof app_buf};
    const struct ferry_stage_config cfg = {&app, &trusted, 1, ib_vendor, ib_class, NULL, NULL,
                                           buf, sizeof buf};
    uint8_t flags = data[0];
    uint32_t p = (uint32_t)(data[1] | data[2] << 8) % (uint32_t)(image_len + 1);

    /* A genuine, interrupted staging. */
    if (ferry_stage_init(&st, &cfg) != 0 ||
        ferry_stage_begin(&st, (uint32_t)image_len, image_sha, id_a, 0) != 0 ||
        write_range(&st, 0, p) != 0)
        __builtin_trap();
    ferry_stage_suspend(&st);

    /* The attacker's (or the decay's) changes to the staging slot. */
    for (size_t i = 3; i + 3 <= size; i += 3) {
        uint32_t off = (uint32_t)(data[i] | data[i + 1] << 8) % STAGING_SZ;
        mem[STAGING_OFF + off] ^= data[i + 2];
    }

    /* A new run continues. */
    memset(&st, 0, sizeof st);
    if (ferry_stage_init(&st, &cfg) != 0)
        __builtin_trap();
    int err = ferry_stage_begin(&st, (uint32_t)image_len, (flags & 1) ? NULL : image_sha,
                                (flags & 2) ? id_b : id_a, 0);
    if (err != 0)
        __builtin_trap();
    uint32_t at = ferry_stage_offset(&st);
    if (at > image_len)
        __builtin_trap();
    if (at == image_len) {
        /* "Already staged" is only allowed for the true file, marked. */
        if (memcmp(mem + STAGING_OFF + SECTOR, image, image_len) != 0)
            __builtin_trap();
        return 0;
    }
    if (write_range(&st, at, (uint32_t)image_len) != 0)
        __builtin_trap();
    err = ferry_stage_finish(&st, NULL);
    if (err != 0)
        __builtin_trap();
    if (memcmp(mem + STAGING_OFF + SECTOR, image, image_len) != 0)
        __builtin_trap();
    return 0;
}
