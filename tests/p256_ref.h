/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host-only reference for the P-256 verifier tests (test_p256.c, the
 * differential fuzzer fuzz/fuzz_p256_diff.c and its campaign driver):
 * every verifier the tests compare, and OpenSSL-based helpers that make
 * keys, signatures and points. OpenSSL is a test dependency only; no
 * device build links it.
 */
#ifndef FERRY_TEST_P256_REF_H
#define FERRY_TEST_P256_REF_H

#include <stddef.h>
#include <stdint.h>

/* The verifiers under comparison, all with ferry_p256_verify()'s contract
 * (include/ferry/crypto.h): 0 valid, FERRY_E_IMG_SIGNATURE otherwise.
 * tests/p256.cmake compiles src/crypto/p256/ and src/crypto/bearssl_p256.c
 * once per variant with the function renamed. */
int ferry_p256_verify_own(const uint8_t pub[65], const uint8_t hash[32], const uint8_t sig[64]);
int ferry_p256_verify_own_small(const uint8_t pub[65], const uint8_t hash[32],
                                  const uint8_t sig[64]);
int ferry_p256_verify_bearssl_m31(const uint8_t pub[65], const uint8_t hash[32],
                                  const uint8_t sig[64]);
int ferry_p256_verify_bearssl_m15(const uint8_t pub[65], const uint8_t hash[32],
                                  const uint8_t sig[64]);
int ferry_p256_verify_bearssl_i31(const uint8_t pub[65], const uint8_t hash[32],
                                  const uint8_t sig[64]);
int ferry_p256_verify_bearssl_i15(const uint8_t pub[65], const uint8_t hash[32],
                                  const uint8_t sig[64]);
/* OpenSSL (EVP_PKEY_verify over the digest), with the same contract: a key
 * that is not 0x04 || X || Y is rejected before OpenSSL sees it (OpenSSL
 * would also take the hybrid forms 0x06/0x07). */
int p256_ref_openssl_verify(const uint8_t pub[65], const uint8_t hash[32], const uint8_t sig[64]);

struct p256_verifier {
    const char *name;
    int (*verify)(const uint8_t pub[65], const uint8_t hash[32], const uint8_t sig[64]);
};
#define P256_VERIFIER_COUNT 7u
extern const struct p256_verifier p256_verifiers[P256_VERIFIER_COUNT]; /* [0] is ours */
/* 1 for the BearSSL entries of p256_verifiers. */
int p256_ref_is_bearssl(const struct p256_verifier *v);

/* 1 if the hash is 0 mod n (0 or n). BearSSL 0.6 is wrong there both
 * ways (its ECDSA verifier lets r = 0 through and its muladd refuses a zero
 * multiplier): it rejects valid signatures of such a hash and accepts r = 0
 * with any s under any key. Ferry's verifier and OpenSSL follow FIPS 186-4.
 * The comparisons leave BearSSL out for such hashes (docs/p256.md);
 * test_p256.c shows its verdicts there. */
int p256_ref_hash_is_zero_mod_n(const uint8_t hash[32]);

/* Big-endian 32-byte constants. */
extern const uint8_t p256_ref_n[32], p256_ref_p[32];

/* pub = d G for d (big-endian, taken mod n; 0 if d = 0 mod n: returns -1). */
int p256_ref_pub(const uint8_t d[32], uint8_t pub[65]);
/* A signature of hash e with key d and nonce k (both mod n), the textbook
 * way: r = x(kG) mod n, s = k^-1 (e + r d) mod n. -1 when r or s is 0. */
int p256_ref_sign(const uint8_t d[32], const uint8_t e[32], const uint8_t k[32], uint8_t sig[64]);
/* out = (a op b) mod n for op '+', '*', '/' (b^-1 first; b != 0 mod n),
 * or 'n' for -a (b unused). Operands are any 256-bit values. */
void p256_ref_mod_n(uint8_t out[32], const uint8_t a[32], char op, const uint8_t b[32]);
/* out = k1 P1 + k2 P2 (P2 may be NULL for k1 G... P1 NULL means G).
 * Returns -1 for the point at infinity. */
int p256_ref_mul_add(uint8_t out[65], const uint8_t k1[32], const uint8_t *p1,
                     const uint8_t k2[32], const uint8_t *p2);
/* A point with the given x and the even y, if x^3 - 3x + b is a square
 * mod p; -1 otherwise. */
int p256_ref_point_from_x(uint8_t out[65], const uint8_t x[32]);

#endif
