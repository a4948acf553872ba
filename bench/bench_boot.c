/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Boot benchmarks, measured with callgrind instruction counts (bench/run.sh).
 * Each measured piece is a noinline function named measured_*; run.sh tells
 * callgrind to count only inside it, so set-up (signing, writing flash) is
 * not counted.
 *
 *   bench_boot sha256|verify|boot-normal|boot-update [BOARD]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "boot_fixture.h"

#define IMAGE_PAYLOAD (100u * 1024u)

static volatile int sink;

__attribute__((noinline)) static void measured_sha256(const uint8_t *data, size_t len, uint8_t out[32])
{
    ferry_sha256(data, len, out);
}

__attribute__((noinline)) static int measured_verify(const uint8_t pub[65], const uint8_t hash[32],
                                                     const uint8_t sig[64])
{
    return ferry_p256_verify(pub, hash, sig);
}

__attribute__((noinline)) static int measured_boot(struct fx *f)
{
    return fx_boot(f);
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "boot-normal";
    const char *board = argc > 2 ? argv[2] : "uniform-4k";
    struct fx f;
    if (fx_open(&f, board)) {
        fprintf(stderr, "bench: unknown board %s\n", board);
        return 2;
    }
    f.board.cfg.hooks.event = NULL;
    struct fx_image v1 = fx_make(&f, 1, 0, 0, 1, IMAGE_PAYLOAD, 1);
    int rc = 0;
    if (!strcmp(what, "sha256")) {
        uint8_t d[32];
        measured_sha256(v1.bytes, IMAGE_PAYLOAD, d);
        sink = d[0];
    } else if (!strcmp(what, "verify")) {
        uint8_t d[32];
        size_t protected_len = v1.len - FERRY_IMG_TRAILER_SIZE;
        ferry_sha256(v1.bytes, protected_len, d);
        rc = measured_verify(f.key.pub, d, v1.bytes + protected_len + 72);
    } else if (!strcmp(what, "boot-normal") || !strcmp(what, "boot-update")) {
        sim_board_write_image(&f.board, SIM_SLOT_PRIMARY, v1.bytes, v1.len);
        if (!strcmp(what, "boot-update")) {
            struct fx_image v2 = fx_make(&f, 2, 0, 0, 2, IMAGE_PAYLOAD, 2);
            sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len);
            fx_free(&v2);
        }
        rc = measured_boot(&f);
        if (!rc && !strcmp(what, "boot-update") && f.res.action != FERRY_BOOT_INSTALLED)
            rc = FERRY_E_STATE;
    } else {
        fprintf(stderr, "bench: unknown benchmark %s\n", what);
        rc = 2;
    }
    if (rc)
        fprintf(stderr, "bench %s: %s\n", what, ferry_strerror(rc));
    fx_free(&v1);
    fx_close(&f);
    return rc ? 1 : 0;
}
