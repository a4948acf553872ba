/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: arbitrary bytes as a read-only flash area, parsed as a
 * slot and as a file; whatever parses is verified against the fixed test key
 * (tests/image_builder.h key A, which signs the seed), so the fuzzer can
 * reach every step of ferry_image_verify.
 *
 * The input buffer is exactly the area: ASan reports any read past it. On
 * top of that the parser must never provoke FERRY_E_RANGE from the area (it
 * checks sizes before reading), and what it reports must be consistent.
 */
#include <stddef.h>
#include <stdint.h>

#include "image_builder.h"

#include "ferry/errors.h"
#include "ferry/image.h"
#include "ferry/memflash.h"

static struct ferry_pubkey trusted;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ib_pubkey(ib_key_a, &trusted);
    return 0;
}

static void check_one(const struct ferry_area *area, enum ferry_parse_mode mode)
{
    const struct ferry_verify_policy policy = { &trusted, 1, ib_vendor, ib_class, 0 };
    struct ferry_image_info info;
    uint8_t buf[48];
    int rc;

    rc = ferry_image_parse(area, mode, &info);
    if (rc == FERRY_E_RANGE || rc == FERRY_E_INVAL || rc > 0) {
        __builtin_trap();
    }
    if (rc != FERRY_OK) {
        return;
    }
    if (info.total_size > area->size || (mode == FERRY_PARSE_FILE && info.total_size != area->size) ||
        info.protected_size + FERRY_IMG_TRAILER_SIZE != info.total_size ||
        info.header_size + info.payload_size != info.protected_size ||
        info.name[FERRY_NAME_MAX] != '\0') {
        __builtin_trap();
    }
    rc = ferry_image_verify(area, &info, &policy, buf, sizeof buf);
    if (rc == FERRY_E_RANGE || rc == FERRY_E_INVAL || rc > 0) {
        __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t one_byte[1];
    struct ferry_memflash m;
    struct ferry_area area;

    if (size > 1u << 20) {
        return 0;
    }
    /* A device cannot be empty; an empty input is a zero-size area on a
     * one-byte device. */
    if (ferry_memflash_init_ro(&m, size ? data : one_byte, size ? (uint32_t)size : 1u) != 0) {
        __builtin_trap();
    }
    area.dev = &m.flash;
    area.off = 0;
    area.size = (uint32_t)size;
    check_one(&area, FERRY_PARSE_SLOT);
    check_one(&area, FERRY_PARSE_FILE);
    return 0;
}
