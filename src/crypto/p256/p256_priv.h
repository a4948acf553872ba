/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry's verify-only P-256 (docs/p256.md): the internal interfaces between
 * its files. Nothing here is secret: every input of a verification is public
 * (key, hash, signature), so the code branches and indexes on data freely.
 *
 *   p256_fe.c     field arithmetic mod p = 2^256 - 2^224 + 2^192 + 2^96 - 1
 *   p256_fe_mul_comba.c | p256_fe_mul_loop.c
 *                 its multiplication and squaring: written out (fast) or as
 *                 loops (small); exactly one of the two is linked
 *   p256_sc.c     arithmetic mod the group order n (what verification needs)
 *   p256_point.c  Jacobian point arithmetic, a = -3, affine tables
 *   p256_gtab_const.c | p256_gtab_ram.c
 *                 the odd multiples of G: a const table in flash, or made
 *                 at run time (exactly one of the two is linked); each
 *                 defines the entry point ferry_p256_verify()
 *   p256_verify.c the verification itself (p256_verify_core)
 *
 * Numbers are 8 little-endian 32-bit words (word 0 least significant);
 * products are uint64_t (UMULL/UMLAL on a Cortex-M3).
 */
#ifndef FERRY_P256_PRIV_H
#define FERRY_P256_PRIV_H

#include <stdint.h>

#define P256_WORDS 8u

/* A field element, always fully reduced: 0 <= value < p. */
typedef uint32_t p256_fe[P256_WORDS];

/* A point in Jacobian coordinates (x = X/Z^2, y = Y/Z^3); Z == 0 is the
 * point at infinity (X and Y are then meaningless). */
struct p256_jac {
    p256_fe x, y, z;
};

/* A finite point in affine coordinates. */
struct p256_aff {
    p256_fe x, y;
};

/* ---- p256_fe.c ----------------------------------------------------------- */

extern const p256_fe p256_p; /* the field prime */
extern const p256_fe p256_b; /* the curve's b (a is -3) */

void p256_fe_copy(p256_fe r, const p256_fe a);
void p256_fe_set_word(p256_fe r, uint32_t w);
/* 1 if a == 0, else 0. */
int p256_fe_is_zero(const p256_fe a);
/* 1 if a == b, else 0. */
int p256_fe_eq(const p256_fe a, const p256_fe b);
/* 1 if the 256-bit value a is below p (a valid field element), else 0. */
int p256_fe_is_reduced(const p256_fe a);
/* Big-endian 32 bytes -> r. Returns 0 if the value is < p, -1 otherwise (r
 * then holds the unreduced value and must not be used as a field element). */
int p256_fe_from_bytes(p256_fe r, const uint8_t in[32]);
void p256_fe_to_bytes(uint8_t out[32], const p256_fe a);
/* r = a + b, a - b, -a, a * b, a^2, a^-1 (mod p). Any output may alias any
 * input. p256_fe_inv(0) gives 0. */
void p256_fe_add(p256_fe r, const p256_fe a, const p256_fe b);
void p256_fe_sub(p256_fe r, const p256_fe a, const p256_fe b);
void p256_fe_neg(p256_fe r, const p256_fe a);
void p256_fe_mul(p256_fe r, const p256_fe a, const p256_fe b);
void p256_fe_sqr(p256_fe r, const p256_fe a);
void p256_fe_inv(p256_fe r, const p256_fe a);
/* Reduces a 512-bit product (16 words, little-endian) mod p. */
void p256_fe_reduce(p256_fe r, const uint32_t c[16]);

/* ---- p256_sc.c: integers mod n --------------------------------------------- */

extern const uint32_t p256_n[P256_WORDS]; /* the group order */

/* Big-endian 32 bytes -> r (any 256-bit value). */
void p256_sc_from_bytes(uint32_t r[P256_WORDS], const uint8_t in[32]);
/* 1 if 1 <= a <= n - 1, else 0. */
int p256_sc_in_range(const uint32_t a[P256_WORDS]);
/* a mod n for any 256-bit a (one subtraction: 2^256 < 2n). In place. */
void p256_sc_reduce(uint32_t a[P256_WORDS]);
/* r = a * b mod n; a < 2^256, b < n. r may alias a or b. */
void p256_sc_mul(uint32_t r[P256_WORDS], const uint32_t a[P256_WORDS],
                 const uint32_t b[P256_WORDS]);
/* r = a^-1 mod n for 1 <= a <= n - 1 (binary extended Euclid). r may
 * alias a. */
void p256_sc_inv(uint32_t r[P256_WORDS], const uint32_t a[P256_WORDS]);
/* Width-w NAF of k < 2^256 (2 <= w <= 8): digits[i] is 0 or odd with
 * |digits[i]| < 2^(w-1), k = sum digits[i] * 2^i. Returns the number of
 * digits written (at most 257; 0 for k == 0). */
unsigned p256_sc_wnaf(int8_t digits[257], const uint32_t k[P256_WORDS], unsigned w);

/* ---- p256_point.c ------------------------------------------------------------ */

/* 1 if y^2 == x^3 - 3x + b for the (reduced) coordinates, else 0. */
int p256_on_curve(const struct p256_aff *a);
/* r = 2a. r may alias a. Infinity doubles to infinity. */
void p256_dbl(struct p256_jac *r, const struct p256_jac *a);
/* r = a + b (b negated first if neg != 0). Handles a = infinity, b = a
 * (doubling) and b = -a (infinity). r may alias a. */
void p256_add_aff(struct p256_jac *r, const struct p256_jac *a, const struct p256_aff *b, int neg);
/* r = a + b, both Jacobian, every special case handled. r may alias a or b. */
void p256_add_jac(struct p256_jac *r, const struct p256_jac *a, const struct p256_jac *b);
/*
 * A table entry: made as a Jacobian point, then turned into its affine
 * form in place (p256_to_affine), after which only .aff is read. A union,
 * so that the same storage holds both forms.
 */
union p256_slot {
    struct p256_jac jac;
    struct p256_aff aff;
};

/* slots[i].aff = the affine form of slots[i].jac for i < count, with one
 * inversion. Every point must be finite. scratch holds count field
 * elements. */
void p256_to_affine(union p256_slot *slots, unsigned count, p256_fe *scratch);
/* slots[i].jac = (2i+1) P for i < count (count >= 1); P finite. */
void p256_odd_multiples(union p256_slot *slots, const struct p256_aff *p, unsigned count);

/* ---- p256_verify.c: the verification, given its tables' storage ------------------- */

#define P256_TABLE_MAX 16u /* most entries of Q's and G's run-time tables together */

/*
 * ferry_p256_verify()'s work, on storage its caller (the table variant's
 * entry point) sizes. Q's odd multiples Q .. (2^(q_width-1) - 1) Q, that is
 * q_count = 2^(q_width - 2) of them, go to slots[0 .. q_count). With
 * g_fill > 0 the odd multiples G .. (2 g_fill - 1) G are made in the
 * g_fill slots after them and converted with them, and p256_g_entry() must
 * return them. g_width is the NAF width for u1 (g_fill = 2^(g_width - 2)
 * when G's table is made here). q_count + g_fill <= P256_TABLE_MAX.
 * Returns 0 or FERRY_E_IMG_SIGNATURE, exactly as ferry_p256_verify().
 */
int p256_verify_core(const uint8_t pub[65], const uint8_t hash[32], const uint8_t sig[64],
                     union p256_slot *slots, unsigned q_width, unsigned g_fill, unsigned g_width);

/* ---- p256_gtab_*.c: the odd multiples of G; each defines ferry_p256_verify() -------- */

extern const struct p256_aff p256_g; /* the generator */

/* (2k + 1) G, from the variant's const table or from the slots
 * p256_verify_core() filled (slots as passed to it). */
const struct p256_aff *p256_g_entry(const union p256_slot *slots, unsigned k);

#endif
