/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Differential check of the P-256 verifiers (p256_ref.h): one input of
 * bytes becomes one (pub, hash, sig) triple, every verifier judges it and
 * all must agree. Shared by the libFuzzer target fuzz/fuzz_p256_diff.c and
 * the plain campaign driver tests/p256_diff_main.c (scripts/p256-diff-campaign.sh).
 *
 * Input: byte 0 picks how the triple is made, the next bytes feed it, the
 * rest are mutations (docs/p256.md, "Differential fuzzing"):
 *   0 raw       pub = 0x04 || 64 bytes, then hash, then r || s
 *   1 fixed     a valid signature by one of four fixed keys (hash, nonce from input)
 *   2 random    a valid signature by a key d from the input (a random point)
 *   3 doubling  a valid signature whose u1 G equals u2 Q (e = r d)
 *   4 infinity  e = -r d: u1 G + u2 Q is the point at infinity, must be rejected
 *   5 generator Q = G or Q = -G, a valid signature
 * Mutations, 3 bytes each (op, where, value): flip bits of a byte, set a
 * byte, splice an edge value (0, 1, n-1, n, n+1, p-1, p, 2^256-1, ...) into
 * x, y, the hash, r or s, or add a small signed number to one of them.
 * BearSSL's verdicts are left out for a hash of 0 mod n (p256_ref.h).
 * p256_diff_judge lets a campaign pick which verifiers judge (the fast
 * mode of tests/p256_diff_main.c).
 */
#ifndef FERRY_TEST_P256_DIFF_H
#define FERRY_TEST_P256_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "p256_ref.h"

struct p256_diff_result {
    int verdict;     /* ours: 0 valid, else rejected */
    int expected;    /* 0 valid, 1 rejected, -1 unknown (mutated or raw) */
    int disagree;    /* 1 if the verifiers disagree, ours differs from expected, or
                        ours accepts a triple that fails a range or point check */
    int full;        /* 1 if pub is a point of the curve and 1 <= r, s < n: a verdict
                        that needs the whole computation of u1 G + u2 Q */
};

/* Sets of verifiers: bit i stands for p256_verifiers[i]. */
#define P256_DIFF_ALL ((1u << P256_VERIFIER_COUNT) - 1u)
/* Ours (fast and small), BearSSL p256_m31 (its fastest code) and OpenSSL. */
unsigned p256_diff_fast_set(void);

/* For p256_diff_judge: judge with BearSSL for a hash of 0 mod n too. It
 * disagrees there (p256_ref.h), so this shows that a disagreement is found
 * and reported; no campaign counts such runs. */
#define P256_DIFF_KEEP_ZERO_HASH 1u

/* How many bytes mode (0..5) reads after the mode byte; the mutations
 * start after them. */
size_t p256_diff_mode_len(unsigned mode);

/* Judges one input with every verifier; prints the triple and every
 * verdict to stderr on a disagreement. */
void p256_diff_one(const uint8_t *data, size_t len, struct p256_diff_result *res);
/* The same with the verifiers in set (ours always among them) and flags
 * (P256_DIFF_KEEP_ZERO_HASH or 0). */
void p256_diff_judge(const uint8_t *data, size_t len, unsigned set, unsigned flags,
                     struct p256_diff_result *res);

#endif
