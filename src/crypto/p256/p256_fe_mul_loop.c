/* SPDX-License-Identifier: Apache-2.0 */
/*
 * P-256 field multiplication and squaring (p256_priv.h), as loops: the
 * smallest code. Multiplication is schoolbook by rows (64 UMULL/UMLAL on a
 * Cortex-M3); squaring computes the 28 cross products once, doubles them
 * and adds the 8 squares.
 * Exactly one p256_fe_mul_*.c is linked (src/sources.cmake); both reduce
 * with p256_fe_reduce() (p256_fe.c). Not constant time (nothing secret).
 */
#include <stdint.h>

#include "p256_priv.h"

void p256_fe_mul(p256_fe r, const p256_fe a, const p256_fe b)
{
    uint32_t c[16];
    unsigned i, j;

    for (i = 0; i < P256_WORDS; i++) {
        c[i] = 0;
    }
    for (i = 0; i < P256_WORDS; i++) {
        uint64_t acc = 0;
        uint32_t ai = a[i];
        for (j = 0; j < P256_WORDS; j++) {
            acc += (uint64_t)ai * b[j] + c[i + j];
            c[i + j] = (uint32_t)acc;
            acc >>= 32;
        }
        c[i + P256_WORDS] = (uint32_t)acc;
    }
    p256_fe_reduce(r, c);
}

void p256_fe_sqr(p256_fe r, const p256_fe a)
{
    uint32_t c[16];
    uint64_t acc;
    uint32_t top;
    unsigned i, j;

    /* The cross products a[i] a[j], i < j, once. */
    for (i = 0; i < 16; i++) {
        c[i] = 0;
    }
    for (i = 0; i < P256_WORDS - 1; i++) {
        uint32_t ai = a[i];
        acc = 0;
        for (j = i + 1; j < P256_WORDS; j++) {
            acc += (uint64_t)ai * a[j] + c[i + j];
            c[i + j] = (uint32_t)acc;
            acc >>= 32;
        }
        c[i + P256_WORDS] = (uint32_t)acc;
    }
    /* Doubled (c < 2^511 before, so nothing is lost), plus the squares. */
    top = 0;
    for (i = 0; i < 16; i++) {
        uint32_t w = c[i];
        c[i] = w << 1 | top;
        top = w >> 31;
    }
    acc = 0;
    for (i = 0; i < P256_WORDS; i++) {
        acc += (uint64_t)a[i] * a[i] + c[2 * i];
        c[2 * i] = (uint32_t)acc;
        acc >>= 32;
        acc += c[2 * i + 1];
        c[2 * i + 1] = (uint32_t)acc;
        acc >>= 32;
    }
    p256_fe_reduce(r, c);
}

