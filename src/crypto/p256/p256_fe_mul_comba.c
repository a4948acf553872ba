/* SPDX-License-Identifier: Apache-2.0 */
/*
 * P-256 field multiplication and squaring (p256_priv.h), written out in
 * full for speed: about 2.2 KiB more flash than p256_fe_mul_loop.c and a
 * quarter fewer instructions per verification on a Cortex-M3 (docs/p256.md).
 * Exactly one p256_fe_mul_*.c is linked (src/sources.cmake); both reduce
 * with p256_fe_reduce() (p256_fe.c). Not constant time (nothing secret).
 */
#include <stdint.h>

#include "p256_priv.h"

/*
 * Product scanning (Comba): column k of the product is the sum of a[i] b[j]
 * with i + j = k, accumulated in three words (c0, c1, c2) that shift down
 * one word per column. Written out in full so that the compiler keeps the
 * accumulator in registers: per product one UMULL and three additions with
 * carry on a Cortex-M3, no loop overhead.
 */
#define MAC(i, j)                                              \
    do {                                                       \
        uint64_t t_ = (uint64_t)a[i] * b[j] + c0;              \
        c0 = (uint32_t)t_;                                     \
        t_ = (t_ >> 32) + c1;                                  \
        c1 = (uint32_t)t_;                                     \
        c2 += (uint32_t)(t_ >> 32);                            \
    } while (0)
/* Twice a[i] a[j] (the squaring's cross products). */
#define MAC2(i, j)                                             \
    do {                                                       \
        uint64_t p_ = (uint64_t)a[i] * a[j];                   \
        uint64_t t_ = (uint64_t)(uint32_t)p_ * 2u + c0;        \
        c0 = (uint32_t)t_;                                     \
        t_ = (t_ >> 32) + (uint64_t)(p_ >> 32) * 2u + c1;      \
        c1 = (uint32_t)t_;                                     \
        c2 += (uint32_t)(t_ >> 32);                            \
    } while (0)
#define COL(k)          \
    do {                \
        c[k] = c0;      \
        c0 = c1;        \
        c1 = c2;        \
        c2 = 0;         \
    } while (0)

void p256_fe_mul(p256_fe r, const p256_fe a, const p256_fe b)
{
    uint32_t c[16], c0 = 0, c1 = 0, c2 = 0;

    MAC(0, 0);
    COL(0);
    MAC(0, 1); MAC(1, 0);
    COL(1);
    MAC(0, 2); MAC(1, 1); MAC(2, 0);
    COL(2);
    MAC(0, 3); MAC(1, 2); MAC(2, 1); MAC(3, 0);
    COL(3);
    MAC(0, 4); MAC(1, 3); MAC(2, 2); MAC(3, 1); MAC(4, 0);
    COL(4);
    MAC(0, 5); MAC(1, 4); MAC(2, 3); MAC(3, 2); MAC(4, 1); MAC(5, 0);
    COL(5);
    MAC(0, 6); MAC(1, 5); MAC(2, 4); MAC(3, 3); MAC(4, 2); MAC(5, 1); MAC(6, 0);
    COL(6);
    MAC(0, 7); MAC(1, 6); MAC(2, 5); MAC(3, 4); MAC(4, 3); MAC(5, 2); MAC(6, 1); MAC(7, 0);
    COL(7);
    MAC(1, 7); MAC(2, 6); MAC(3, 5); MAC(4, 4); MAC(5, 3); MAC(6, 2); MAC(7, 1);
    COL(8);
    MAC(2, 7); MAC(3, 6); MAC(4, 5); MAC(5, 4); MAC(6, 3); MAC(7, 2);
    COL(9);
    MAC(3, 7); MAC(4, 6); MAC(5, 5); MAC(6, 4); MAC(7, 3);
    COL(10);
    MAC(4, 7); MAC(5, 6); MAC(6, 5); MAC(7, 4);
    COL(11);
    MAC(5, 7); MAC(6, 6); MAC(7, 5);
    COL(12);
    MAC(6, 7); MAC(7, 6);
    COL(13);
    MAC(7, 7);
    COL(14);
    c[15] = c0;
    p256_fe_reduce(r, c);
}

void p256_fe_sqr(p256_fe r, const p256_fe a)
{
    uint32_t c[16], c0 = 0, c1 = 0, c2 = 0;
    const uint32_t *b = a; /* MAC(i, i) squares */

    MAC(0, 0);
    COL(0);
    MAC2(0, 1);
    COL(1);
    MAC2(0, 2); MAC(1, 1);
    COL(2);
    MAC2(0, 3); MAC2(1, 2);
    COL(3);
    MAC2(0, 4); MAC2(1, 3); MAC(2, 2);
    COL(4);
    MAC2(0, 5); MAC2(1, 4); MAC2(2, 3);
    COL(5);
    MAC2(0, 6); MAC2(1, 5); MAC2(2, 4); MAC(3, 3);
    COL(6);
    MAC2(0, 7); MAC2(1, 6); MAC2(2, 5); MAC2(3, 4);
    COL(7);
    MAC2(1, 7); MAC2(2, 6); MAC2(3, 5); MAC(4, 4);
    COL(8);
    MAC2(2, 7); MAC2(3, 6); MAC2(4, 5);
    COL(9);
    MAC2(3, 7); MAC2(4, 6); MAC(5, 5);
    COL(10);
    MAC2(4, 7); MAC2(5, 6);
    COL(11);
    MAC2(5, 7); MAC(6, 6);
    COL(12);
    MAC2(6, 7);
    COL(13);
    MAC(7, 7);
    COL(14);
    c[15] = c0;
    p256_fe_reduce(r, c);
}

