/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The verification behind ferry_p256_verify() (include/ferry/crypto.h) in
 * Ferry's own verify-only P-256 (p256_priv.h, docs/p256.md). Same contract
 * and return values as the BearSSL backend (src/crypto/bearssl_p256.c): 0
 * for a valid signature, FERRY_E_IMG_SIGNATURE for anything else, an
 * invalid key included. One difference in verdicts, where BearSSL is wrong:
 * a hash of 0 mod n (docs/p256.md).
 *
 * ECDSA verification of (r, s) on hash e with key Q:
 *   reject unless Q = 0x04 || X || Y with X, Y < p and Q on the curve
 *   reject unless 1 <= r, s <= n - 1
 *   w = s^-1, u1 = e w, u2 = r w (mod n)
 *   R = u1 G + u2 Q (Shamir's trick: one chain of doublings, width-w NAF
 *       digits of u1 and u2 adding odd multiples of G and Q)
 *   reject if R is infinity; accept iff x(R) mod n == r.
 * The last test needs no inversion: with R = (X, Y, Z) Jacobian,
 * x(R) = X / Z^2 and x(R) < p < 2n, so x(R) mod n == r exactly when
 * X == r Z^2 or (r + n < p and X == (r + n) Z^2).
 *
 * The entry point ferry_p256_verify() is in the table variant's file
 * (p256_gtab_const.c, p256_gtab_ram.c): it sizes the tables' storage, which
 * it passes here. Stack: docs/p256.md has the measured figures.
 */
#include <stddef.h>
#include <stdint.h>

#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "p256_priv.h"

/* x(R) mod n == r, for R finite (see the top of the file). */
static int x_matches(const struct p256_jac *R, const uint32_t r[P256_WORDS])
{
    p256_fe zz, t, rn;
    uint64_t acc = 0;
    unsigned i;

    p256_fe_sqr(zz, R->z);
    p256_fe_mul(t, r, zz); /* r < n < p: a field element as it is */
    if (p256_fe_eq(t, R->x)) {
        return 1;
    }
    /* r + n, if it is below p (r < p - n). A sum that carries out of
     * 2^256 is not below p either. */
    for (i = 0; i < P256_WORDS; i++) {
        acc += (uint64_t)r[i] + p256_n[i];
        rn[i] = (uint32_t)acc;
        acc >>= 32;
    }
    if (acc != 0 || !p256_fe_is_reduced(rn)) {
        return 0;
    }
    p256_fe_mul(t, rn, zz);
    return p256_fe_eq(t, R->x);
}

int p256_verify_core(const uint8_t pub[65], const uint8_t hash[32], const uint8_t sig[64],
                     union p256_slot *slots, unsigned q_width, unsigned g_fill, unsigned g_width)
{
    /* The inversion's running products, then (no longer needed) the NAF
     * digits of u1 and u2. */
    union {
        p256_fe scratch[P256_TABLE_MAX];
        int8_t naf[2][257];
    } work;
    struct p256_aff q;
    struct p256_jac R;
    uint32_t r[P256_WORDS], s[P256_WORDS], e[P256_WORDS], u1[P256_WORDS], u2[P256_WORDS];
    const unsigned q_count = 1u << (q_width - 2u);
    unsigned len1, len2, i;
    int ok;

    if (pub == NULL || hash == NULL || sig == NULL || pub[0] != 0x04 ||
        q_count + g_fill > P256_TABLE_MAX) {
        return FERRY_E_IMG_SIGNATURE;
    }
    /* The key: coordinates below p and on the curve. The uncompressed form
     * cannot name infinity, and (0, 0) is not on the curve (b != 0). */
    if (p256_fe_from_bytes(q.x, pub + 1) != 0 || p256_fe_from_bytes(q.y, pub + 33) != 0 ||
        !p256_on_curve(&q)) {
        return FERRY_E_IMG_SIGNATURE;
    }
    p256_sc_from_bytes(r, sig);
    p256_sc_from_bytes(s, sig + 32);
    if (!p256_sc_in_range(r) || !p256_sc_in_range(s)) {
        return FERRY_E_IMG_SIGNATURE;
    }
    /* e: the 256-bit hash as an integer (P-256 takes all of it), mod n. */
    p256_sc_from_bytes(e, hash);
    p256_sc_reduce(e);
    p256_sc_inv(s, s);
    p256_sc_mul(u1, e, s);
    p256_sc_mul(u2, r, s);
    /* u1 = 0 (the hash is 0 mod n) needs nothing special: R = u2 Q. (BearSSL
     * gets this case wrong both ways: docs/p256.md, "BearSSL and a hash of
     * 0 mod n".) */

    /* The tables: Q's odd multiples, then G's if made here; one inversion
     * makes all of them affine. */
    p256_odd_multiples(slots, &q, q_count);
    if (g_fill > 0) {
        p256_odd_multiples(slots + q_count, &p256_g, g_fill);
    }
    p256_to_affine(slots, q_count + g_fill, work.scratch);

    len1 = p256_sc_wnaf(work.naf[0], u1, g_width);
    len2 = p256_sc_wnaf(work.naf[1], u2, q_width);
    for (i = 0; i < P256_WORDS; i++) {
        R.z[i] = 0; /* infinity */
    }
    for (i = len1 > len2 ? len1 : len2; i-- > 0;) {
        if (!p256_fe_is_zero(R.z)) {
            p256_dbl(&R, &R);
        }
        if (i < len1 && work.naf[0][i] != 0) {
            int d = work.naf[0][i];
            p256_add_aff(&R, &R, p256_g_entry(slots, (unsigned)(d < 0 ? -d : d) >> 1), d < 0);
        }
        if (i < len2 && work.naf[1][i] != 0) {
            int d = work.naf[1][i];
            p256_add_aff(&R, &R, &slots[(d < 0 ? -d : d) >> 1].aff, d < 0);
        }
    }
    /* u1 G + u2 Q = infinity: reject. */
    ok = !p256_fe_is_zero(R.z) && x_matches(&R, r);
    /* As in the BearSSL backend: the mapping to our codes is branch-free, so
     * that a single skipped instruction cannot turn a rejection into 0. */
    return (int)((uint32_t)FERRY_E_IMG_SIGNATURE & (uint32_t)-(int32_t)(ok != 1));
}
