/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integers mod the P-256 group order n (p256_priv.h): only what ECDSA
 * verification needs. Products use Montgomery multiplication (R = 2^256,
 * word-by-word), the inverse of s comes from the binary extended Euclidean
 * algorithm, and the scalars u1, u2 are recoded into width-w NAF for the
 * point multiplication.
 * Not constant time: every value here is public.
 */
#include <stdint.h>

#include "p256_priv.h"

const uint32_t p256_n[P256_WORDS] = { 0xfc632551u, 0xf3b9cac2u, 0xa7179e84u, 0xbce6faadu,
                                      0xffffffffu, 0xffffffffu, 0x00000000u, 0xffffffffu };

/* -n^-1 mod 2^32 */
#define N0INV 0xee00bc4fu

/* R^2 mod n, R = 2^256: turns a value into Montgomery form. */
static const uint32_t r2_mod_n[P256_WORDS] = { 0xbe79eea2u, 0x83244c95u, 0x49bd6fa6u,
                                               0x4699799cu, 0x2b6bec59u, 0x2845b239u,
                                               0xf3d95620u, 0x66e12d94u };

void p256_sc_from_bytes(uint32_t r[P256_WORDS], const uint8_t in[32])
{
    unsigned i;

    for (i = 0; i < P256_WORDS; i++) {
        const uint8_t *b = in + 28 - 4 * i;
        r[i] = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    }
}

/* 1 if a >= n. */
static int ge_n(const uint32_t a[P256_WORDS])
{
    unsigned i = P256_WORDS;

    while (i-- > 0) {
        if (a[i] != p256_n[i]) {
            return a[i] > p256_n[i];
        }
    }
    return 1;
}

/* a -= n (mod 2^256). */
static void sub_n(uint32_t a[P256_WORDS])
{
    int64_t acc = 0;
    unsigned i;

    for (i = 0; i < P256_WORDS; i++) {
        acc += (int64_t)a[i] - p256_n[i];
        a[i] = (uint32_t)acc;
        acc >>= 32;
    }
}

int p256_sc_in_range(const uint32_t a[P256_WORDS])
{
    uint32_t any = 0;
    unsigned i;

    for (i = 0; i < P256_WORDS; i++) {
        any |= a[i];
    }
    return any != 0 && !ge_n(a);
}

void p256_sc_reduce(uint32_t a[P256_WORDS])
{
    if (ge_n(a)) {
        sub_n(a);
    }
}

/*
 * r = a b R^-1 mod n, for a < 2^256 and b < n. The running sum t stays below
 * 2n (t < (a b + m n) / R < 2n), so one final subtraction reduces it.
 */
static void mont_mul(uint32_t r[P256_WORDS], const uint32_t a[P256_WORDS],
                     const uint32_t b[P256_WORDS])
{
    uint32_t t[P256_WORDS + 2];
    unsigned i, j;

    for (i = 0; i < P256_WORDS + 2; i++) {
        t[i] = 0;
    }
    for (i = 0; i < P256_WORDS; i++) {
        uint64_t acc = 0;
        uint32_t m;

        for (j = 0; j < P256_WORDS; j++) {
            acc += (uint64_t)a[i] * b[j] + t[j];
            t[j] = (uint32_t)acc;
            acc >>= 32;
        }
        acc += t[P256_WORDS];
        t[P256_WORDS] = (uint32_t)acc;
        t[P256_WORDS + 1] = (uint32_t)(acc >> 32);
        /* Add m n, m chosen so that the low word becomes 0, and shift. */
        m = t[0] * N0INV;
        acc = ((uint64_t)m * p256_n[0] + t[0]) >> 32;
        for (j = 1; j < P256_WORDS; j++) {
            acc += (uint64_t)m * p256_n[j] + t[j];
            t[j - 1] = (uint32_t)acc;
            acc >>= 32;
        }
        acc += t[P256_WORDS];
        t[P256_WORDS - 1] = (uint32_t)acc;
        t[P256_WORDS] = t[P256_WORDS + 1] + (uint32_t)(acc >> 32);
    }
    if (t[P256_WORDS] != 0 || ge_n(t)) {
        sub_n(t);
    }
    for (i = 0; i < P256_WORDS; i++) {
        r[i] = t[i];
    }
}

void p256_sc_mul(uint32_t r[P256_WORDS], const uint32_t a[P256_WORDS],
                 const uint32_t b[P256_WORDS])
{
    uint32_t t[P256_WORDS];

    mont_mul(t, a, b);        /* a b R^-1 */
    mont_mul(r, t, r2_mod_n); /* a b */
}

/* a /= 2 for even a, where top holds bit 256 (0 or 1). */
static void half(uint32_t a[P256_WORDS], uint32_t top)
{
    unsigned i;

    for (i = 0; i < P256_WORDS - 1; i++) {
        a[i] = a[i] >> 1 | a[i + 1] << 31;
    }
    a[P256_WORDS - 1] = a[P256_WORDS - 1] >> 1 | top << 31;
}

/* x = x / 2 mod n, for x < n: (x + n) / 2 when x is odd. */
static void half_mod_n(uint32_t x[P256_WORDS])
{
    uint32_t top = 0;

    if ((x[0] & 1u) != 0) {
        uint64_t acc = 0;
        unsigned i;
        for (i = 0; i < P256_WORDS; i++) {
            acc += (uint64_t)x[i] + p256_n[i];
            x[i] = (uint32_t)acc;
            acc >>= 32;
        }
        top = (uint32_t)acc;
    }
    half(x, top);
}

/* a -= b (a >= b). */
static void sub_in_place(uint32_t a[P256_WORDS], const uint32_t b[P256_WORDS])
{
    int64_t acc = 0;
    unsigned i;

    for (i = 0; i < P256_WORDS; i++) {
        acc += (int64_t)a[i] - b[i];
        a[i] = (uint32_t)acc;
        acc >>= 32;
    }
}

/* x = x - y mod n, for x, y < n. */
static void sub_mod_n(uint32_t x[P256_WORDS], const uint32_t y[P256_WORDS])
{
    int64_t acc = 0;
    unsigned i;

    for (i = 0; i < P256_WORDS; i++) {
        acc += (int64_t)x[i] - y[i];
        x[i] = (uint32_t)acc;
        acc >>= 32;
    }
    if (acc != 0) { /* borrowed: add n back (mod 2^256) */
        uint64_t c = 0;
        for (i = 0; i < P256_WORDS; i++) {
            c += (uint64_t)x[i] + p256_n[i];
            x[i] = (uint32_t)c;
            c >>= 32;
        }
    }
}

/* 1 if a >= b. */
static int ge(const uint32_t a[P256_WORDS], const uint32_t b[P256_WORDS])
{
    unsigned i = P256_WORDS;

    while (i-- > 0) {
        if (a[i] != b[i]) {
            return a[i] > b[i];
        }
    }
    return 1;
}

static int is_one(const uint32_t a[P256_WORDS])
{
    uint32_t acc = a[0] ^ 1u;
    unsigned i;

    for (i = 1; i < P256_WORDS; i++) {
        acc |= a[i];
    }
    return acc == 0;
}

/*
 * Binary extended Euclid (variable time: a is public). Invariants, with n
 * odd and prime: x1 a = u and x2 a = v (mod n), gcd(u, v) = 1; each step
 * halves an even u or v, or subtracts the smaller from the larger, until one
 * of them is 1. About 2 x 256 steps of shifts and subtractions, far cheaper
 * than the 300-odd multiplications of a^(n-2).
 */
void p256_sc_inv(uint32_t r[P256_WORDS], const uint32_t a[P256_WORDS])
{
    uint32_t u[P256_WORDS], v[P256_WORDS], x1[P256_WORDS], x2[P256_WORDS];
    unsigned i;

    for (i = 0; i < P256_WORDS; i++) {
        u[i] = a[i];
        v[i] = p256_n[i];
        x1[i] = 0;
        x2[i] = 0;
    }
    x1[0] = 1;
    while (!is_one(u) && !is_one(v)) {
        while ((u[0] & 1u) == 0) {
            half(u, 0);
            half_mod_n(x1);
        }
        while ((v[0] & 1u) == 0) {
            half(v, 0);
            half_mod_n(x2);
        }
        if (ge(u, v)) {
            sub_in_place(u, v);
            sub_mod_n(x1, x2);
        } else {
            sub_in_place(v, u);
            sub_mod_n(x2, x1);
        }
    }
    for (i = 0; i < P256_WORDS; i++) {
        r[i] = is_one(u) ? x1[i] : x2[i];
    }
}

unsigned p256_sc_wnaf(int8_t digits[257], const uint32_t k[P256_WORDS], unsigned w)
{
    uint32_t v[P256_WORDS + 1];
    const uint32_t mask = (1u << w) - 1u;
    const uint32_t half = 1u << (w - 1u);
    unsigned i, len = 0, last = 0;

    for (i = 0; i < P256_WORDS; i++) {
        v[i] = k[i];
    }
    v[P256_WORDS] = 0;
    for (;;) {
        uint32_t any = 0;

        for (i = 0; i <= P256_WORDS; i++) {
            any |= v[i];
        }
        if (any == 0) {
            break;
        }
        if ((v[0] & 1u) != 0) {
            uint32_t d = v[0] & mask;
            if (d >= half) {
                /* digit d - 2^w < 0: v -= d - 2^w, i.e. v += 2^w - d */
                uint32_t add = (1u << w) - d;
                uint64_t acc = (uint64_t)v[0] + add;
                v[0] = (uint32_t)acc;
                for (i = 1; i <= P256_WORDS && (acc >> 32) != 0; i++) {
                    acc = (uint64_t)v[i] + 1u;
                    v[i] = (uint32_t)acc;
                }
                digits[len] = (int8_t)((int32_t)d - (int32_t)(1u << w));
            } else {
                v[0] -= d; /* the low w bits are d: no borrow */
                digits[len] = (int8_t)d;
            }
            last = len + 1;
        } else {
            digits[len] = 0;
        }
        len++;
        for (i = 0; i < P256_WORDS; i++) {
            v[i] = v[i] >> 1 | v[i + 1] << 31;
        }
        v[P256_WORDS] >>= 1;
    }
    return last;
}
