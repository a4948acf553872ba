/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The odd multiples of G made at run time (p256_priv.h): no table in flash.
 * G, 3G, 5G, 7G (width 4) are made at each verification in slots after
 * Q's and converted to affine form with them, so they share one field
 * inversion. Q's window is narrowed to width 4 as well (Q .. 7Q), so that
 * both tables take the stack of the const variant's Q table alone (8
 * Jacobian points). Costs the tables' additions and narrower windows:
 * docs/p256.md has the figures.
 */
#include <stdint.h>

#include "ferry/crypto.h"
#include "p256_priv.h"

#define Q_WIDTH 4u
#define Q_COUNT 4u /* 2^(Q_WIDTH - 2) */
#define G_WIDTH 4u
#define G_COUNT 4u /* 2^(G_WIDTH - 2) */

_Static_assert(Q_COUNT + G_COUNT <= P256_TABLE_MAX, "more multiples than the verifier converts");

const struct p256_aff *p256_g_entry(const union p256_slot *slots, unsigned k)
{
    return &slots[Q_COUNT + k].aff;
}

int ferry_p256_verify(const uint8_t pub[65], const uint8_t hash[32], const uint8_t sig[64])
{
    union p256_slot slots[Q_COUNT + G_COUNT];

    return p256_verify_core(pub, hash, sig, slots, Q_WIDTH, G_COUNT, G_WIDTH);
}
