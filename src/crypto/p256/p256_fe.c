/* SPDX-License-Identifier: Apache-2.0 */
/*
 * P-256 field arithmetic mod p = 2^256 - 2^224 + 2^192 + 2^96 - 1
 * (p256_priv.h). Every result is fully reduced (0 <= r < p), so equality of
 * field elements is equality of words. Not constant time, by design: the
 * verifier only handles public values (docs/p256.md).
 *
 * Multiplication and squaring are in a file of their own (p256_fe_mul_*.c,
 * exactly one of them linked); both end in p256_fe_reduce() here: the
 * fixed-prime (Solinas) reduction of FIPS 186-4 D.2.3, which
 * rewrites the high half with 2^256 = 2^224 - 2^192 - 2^96 + 1 (mod p) as
 * word sums and differences.
 */
#include <stdint.h>

#include "p256_priv.h"

/* The reduction and carry folding shift negative int64_t values right and
 * rely on the shift being arithmetic (C11 6.5.7: implementation-defined; gcc
 * and clang define it so). */
_Static_assert((-1 >> 1) == -1, "arithmetic right shift of negative values needed");

const p256_fe p256_p = { 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x00000000u,
                         0x00000000u, 0x00000000u, 0x00000001u, 0xffffffffu };

const p256_fe p256_b = { 0x27d2604bu, 0x3bce3c3eu, 0xcc53b0f6u, 0x651d06b0u,
                         0x769886bcu, 0xb3ebbd55u, 0xaa3a93e7u, 0x5ac635d8u };

void p256_fe_copy(p256_fe r, const p256_fe a)
{
    unsigned i;

    for (i = 0; i < P256_WORDS; i++) {
        r[i] = a[i];
    }
}

void p256_fe_set_word(p256_fe r, uint32_t w)
{
    unsigned i;

    r[0] = w;
    for (i = 1; i < P256_WORDS; i++) {
        r[i] = 0;
    }
}

int p256_fe_is_zero(const p256_fe a)
{
    uint32_t acc = 0;
    unsigned i;

    for (i = 0; i < P256_WORDS; i++) {
        acc |= a[i];
    }
    return acc == 0;
}

int p256_fe_eq(const p256_fe a, const p256_fe b)
{
    uint32_t acc = 0;
    unsigned i;

    for (i = 0; i < P256_WORDS; i++) {
        acc |= a[i] ^ b[i];
    }
    return acc == 0;
}

/* 1 if a >= p. */
static int ge_p(const p256_fe a)
{
    unsigned i = P256_WORDS;

    while (i-- > 0) {
        if (a[i] != p256_p[i]) {
            return a[i] > p256_p[i];
        }
    }
    return 1;
}

/* r = a - p (mod 2^256). */
static void sub_p(p256_fe r, const p256_fe a)
{
    int64_t acc = 0;
    unsigned i;

    for (i = 0; i < P256_WORDS; i++) {
        acc += (int64_t)a[i] - p256_p[i];
        r[i] = (uint32_t)acc;
        acc >>= 32;
    }
}

int p256_fe_is_reduced(const p256_fe a)
{
    return !ge_p(a);
}

int p256_fe_from_bytes(p256_fe r, const uint8_t in[32])
{
    unsigned i;

    for (i = 0; i < P256_WORDS; i++) {
        const uint8_t *b = in + 28 - 4 * i;
        r[i] = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    }
    return ge_p(r) ? -1 : 0;
}

void p256_fe_to_bytes(uint8_t out[32], const p256_fe a)
{
    unsigned i;

    for (i = 0; i < P256_WORDS; i++) {
        uint8_t *b = out + 28 - 4 * i;
        b[0] = (uint8_t)(a[i] >> 24);
        b[1] = (uint8_t)(a[i] >> 16);
        b[2] = (uint8_t)(a[i] >> 8);
        b[3] = (uint8_t)a[i];
    }
}

void p256_fe_add(p256_fe r, const p256_fe a, const p256_fe b)
{
    uint64_t acc = 0;
    unsigned i;

    for (i = 0; i < P256_WORDS; i++) {
        acc += (uint64_t)a[i] + b[i];
        r[i] = (uint32_t)acc;
        acc >>= 32;
    }
    /* a + b < 2p: one subtraction of p, when the sum carried out of 2^256
     * (the wrapped r is then the right result mod 2^256) or is >= p. */
    if (acc != 0 || ge_p(r)) {
        sub_p(r, r);
    }
}

void p256_fe_sub(p256_fe r, const p256_fe a, const p256_fe b)
{
    int64_t acc = 0;
    unsigned i;

    for (i = 0; i < P256_WORDS; i++) {
        acc += (int64_t)a[i] - b[i];
        r[i] = (uint32_t)acc;
        acc >>= 32;
    }
    if (acc != 0) { /* borrowed: a - b + 2^256; add p back (mod 2^256) */
        uint64_t c = 0;
        for (i = 0; i < P256_WORDS; i++) {
            c += (uint64_t)r[i] + p256_p[i];
            r[i] = (uint32_t)c;
            c >>= 32;
        }
    }
}

void p256_fe_neg(p256_fe r, const p256_fe a)
{
    static const p256_fe zero = { 0 };

    p256_fe_sub(r, zero, a);
}

/*
 * Solinas reduction. With c = (c15, ..., c0) in 32-bit words, FIPS 186-4
 * D.2.3 writes c mod p as s1 + 2 s2 + 2 s3 + s4 + s5 - d1 - d2 - d3 - d4,
 * each term a 256-bit number made of words of c. Collected per result word:
 *
 *   w0 = c0 + c8  + c9            - c11 - c12 - c13 - c14
 *   w1 = c1 + c9  + c10           - c12 - c13 - c14 - c15
 *   w2 = c2 + c10 + c11           - c13 - c14 - c15
 *   w3 = c3 + 2c11 + 2c12 + c13   - c15 - c8  - c9
 *   w4 = c4 + 2c12 + 2c13 + c14   - c9  - c10
 *   w5 = c5 + 2c13 + 2c14 + c15   - c10 - c11
 *   w6 = c6 + 3c14 + 2c15 + c13   - c8  - c9
 *   w7 = c7 + 3c15 + c8           - c10 - c11 - c12 - c13
 *
 * Propagating the carries leaves a signed top carry k (|k| < 8); k * 2^256
 * is folded back as k * (2^224 - 2^192 - 2^96 + 1) until no carry is left,
 * and one subtraction of p completes the reduction.
 */
void p256_fe_reduce(p256_fe r, const uint32_t c[16])
{
    int64_t t[8], acc;
    unsigned i;

    t[0] = (int64_t)c[0] + c[8] + c[9] - c[11] - c[12] - c[13] - c[14];
    t[1] = (int64_t)c[1] + c[9] + c[10] - c[12] - c[13] - c[14] - c[15];
    t[2] = (int64_t)c[2] + c[10] + c[11] - c[13] - c[14] - c[15];
    t[3] = (int64_t)c[3] + 2 * (int64_t)c[11] + 2 * (int64_t)c[12] + c[13] - c[15] - c[8] - c[9];
    t[4] = (int64_t)c[4] + 2 * (int64_t)c[12] + 2 * (int64_t)c[13] + c[14] - c[9] - c[10];
    t[5] = (int64_t)c[5] + 2 * (int64_t)c[13] + 2 * (int64_t)c[14] + c[15] - c[10] - c[11];
    t[6] = (int64_t)c[6] + 3 * (int64_t)c[14] + 2 * (int64_t)c[15] + c[13] - c[8] - c[9];
    t[7] = (int64_t)c[7] + 3 * (int64_t)c[15] + c[8] - c[10] - c[11] - c[12] - c[13];
    acc = 0;
    for (i = 0; i < P256_WORDS; i++) {
        acc += t[i];
        r[i] = (uint32_t)acc;
        acc >>= 32;
    }
    while (acc != 0) {
        int64_t k = acc;

        acc = (int64_t)r[0] + k;
        r[0] = (uint32_t)acc;
        acc >>= 32;
        acc += r[1];
        r[1] = (uint32_t)acc;
        acc >>= 32;
        acc += r[2];
        r[2] = (uint32_t)acc;
        acc >>= 32;
        acc += (int64_t)r[3] - k;
        r[3] = (uint32_t)acc;
        acc >>= 32;
        acc += r[4];
        r[4] = (uint32_t)acc;
        acc >>= 32;
        acc += r[5];
        r[5] = (uint32_t)acc;
        acc >>= 32;
        acc += (int64_t)r[6] - k;
        r[6] = (uint32_t)acc;
        acc >>= 32;
        acc += (int64_t)r[7] + k;
        r[7] = (uint32_t)acc;
        acc >>= 32;
        /* k > 0 that overflowed leaves r < 8 * 2^224, k < 0 that borrowed
         * leaves r > 2^256 - 2^225: the next round carries nothing. */
    }
    if (ge_p(r)) {
        sub_p(r, r);
    }
}

/* r = a^(2^n) (n squarings). */
static void sqr_n(p256_fe r, const p256_fe a, unsigned n)
{
    p256_fe_sqr(r, a);
    while (--n > 0) {
        p256_fe_sqr(r, r);
    }
}

/*
 * Fermat: a^-1 = a^(p-2). From the top, p - 2 is 32 ones, 31 zeros and a
 * one, 96 zeros, 94 ones, a zero and a one; x_k below is a^(2^k - 1). 255
 * squarings, 13 multiplications.
 */
void p256_fe_inv(p256_fe r, const p256_fe a)
{
    p256_fe x2, x4, x8, x16, x32, t;

    p256_fe_sqr(t, a);
    p256_fe_mul(x2, t, a);
    sqr_n(t, x2, 2);
    p256_fe_mul(x4, t, x2);
    sqr_n(t, x4, 4);
    p256_fe_mul(x8, t, x4);
    sqr_n(t, x8, 8);
    p256_fe_mul(x16, t, x8);
    sqr_n(t, x16, 16);
    p256_fe_mul(x32, t, x16);
    /* bits 255..224: 32 ones; 223..192: 31 zeros, a one */
    sqr_n(t, x32, 32);
    p256_fe_mul(t, t, a);
    /* bits 191..96: zeros */
    sqr_n(t, t, 96);
    /* bits 95..2: 94 ones = 32 + 32 + 16 + 8 + 4 + 2 */
    sqr_n(t, t, 32);
    p256_fe_mul(t, t, x32);
    sqr_n(t, t, 32);
    p256_fe_mul(t, t, x32);
    sqr_n(t, t, 16);
    p256_fe_mul(t, t, x16);
    sqr_n(t, t, 8);
    p256_fe_mul(t, t, x8);
    sqr_n(t, t, 4);
    p256_fe_mul(t, t, x4);
    sqr_n(t, t, 2);
    p256_fe_mul(t, t, x2);
    /* bits 1..0: 01 */
    sqr_n(t, t, 2);
    p256_fe_mul(r, t, a);
}
