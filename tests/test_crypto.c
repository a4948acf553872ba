/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The crypto seam (src/crypto/bearssl.c): SHA-256 against the NIST example
 * vectors, ECDSA P-256 verification against the RFC 6979 A.2.5 signatures,
 * and the constant-time comparison.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#include "ferry/crypto.h"
#include "ferry/errors.h"

/* Decodes `hex` (even length, no separators) into out; returns the byte count. */
static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = strlen(hex) / 2, i;

    CHECK(n <= cap);
    for (i = 0; i < n && i < cap; i++) {
        unsigned v;
        CHECK(sscanf(hex + 2 * i, "%2x", &v) == 1);
        out[i] = (uint8_t)v;
    }
    return n;
}

static void check_sha(const void *msg, size_t len, const char *expect_hex)
{
    uint8_t expect[32], got[32];

    unhex(expect_hex, expect, sizeof expect);
    ferry_sha256(msg, len, got);
    CHECK_MEM(got, expect, 32);
}

static void test_sha256_nist(void)
{
    static const char m448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

    check_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    check_sha(m448, sizeof m448 - 1,
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_sha256_million_a(void)
{
    uint8_t block[1000], expect[32], got[32];
    ferry_sha256_ctx ctx;
    int i;

    memset(block, 'a', sizeof block);
    unhex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", expect, 32);
    ferry_sha256_init(&ctx);
    for (i = 0; i < 1000; i++) {
        ferry_sha256_update(&ctx, block, sizeof block);
    }
    ferry_sha256_final(&ctx, got);
    CHECK_MEM(got, expect, 32);
}

/* Any split of a message into update() calls gives the one-shot digest. */
static void test_sha256_incremental(void)
{
    uint8_t msg[300], one[32], inc[32];
    ferry_sha256_ctx ctx;
    size_t i, a, b;

    for (i = 0; i < sizeof msg; i++) {
        msg[i] = (uint8_t)(i * 31u + 7u);
    }
    ferry_sha256(msg, sizeof msg, one);
    for (a = 0; a <= sizeof msg; a += 13) {
        for (b = a; b <= sizeof msg; b += 29) {
            ferry_sha256_init(&ctx);
            ferry_sha256_update(&ctx, msg, a);
            ferry_sha256_update(&ctx, msg + a, 0);
            ferry_sha256_update(&ctx, msg + a, b - a);
            ferry_sha256_update(&ctx, msg + b, sizeof msg - b);
            ferry_sha256_final(&ctx, inc);
            CHECK_MEM(inc, one, 32);
        }
    }
    /* A context is reusable after init. */
    ferry_sha256_init(&ctx);
    ferry_sha256_update(&ctx, "abc", 3);
    ferry_sha256_final(&ctx, inc);
    ferry_sha256("abc", 3, one);
    CHECK_MEM(inc, one, 32);
}

/* RFC 6979 appendix A.2.5: the P-256 key and its SHA-256 signatures. */
static const char rfc_ux[] = "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6";
static const char rfc_uy[] = "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299";

struct rfc_sig {
    const char *msg;
    const char *r;
    const char *s;
};

static const struct rfc_sig rfc_sigs[] = {
    { "sample", "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
      "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8" },
    { "test", "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367",
      "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083" },
};

static void rfc_pub(uint8_t pub[65])
{
    pub[0] = 0x04;
    unhex(rfc_ux, pub + 1, 32);
    unhex(rfc_uy, pub + 33, 32);
}

static void rfc_case(const struct rfc_sig *c, uint8_t hash[32], uint8_t sig[64])
{
    ferry_sha256(c->msg, strlen(c->msg), hash);
    unhex(c->r, sig, 32);
    unhex(c->s, sig + 32, 32);
}

static void test_p256_rfc6979_accepts(void)
{
    uint8_t pub[65], hash[32], sig[64];
    size_t i;

    rfc_pub(pub);
    for (i = 0; i < sizeof rfc_sigs / sizeof rfc_sigs[0]; i++) {
        rfc_case(&rfc_sigs[i], hash, sig);
        CHECK_EQ(ferry_p256_verify(pub, hash, sig), FERRY_OK);
    }
    /* Each signature is bound to its own message. */
    rfc_case(&rfc_sigs[0], hash, sig);
    ferry_sha256("test", 4, hash);
    CHECK_EQ(ferry_p256_verify(pub, hash, sig), FERRY_E_IMG_SIGNATURE);
}

/* Every single-bit flip of the key, hash or signature is rejected. */
static void test_p256_flipped_bits_rejected(void)
{
    uint8_t pub[65], hash[32], sig[64];
    unsigned bit, rejected = 0, tried = 0;

    rfc_pub(pub);
    rfc_case(&rfc_sigs[0], hash, sig);
    for (bit = 0; bit < 64 * 8; bit++) {
        sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        rejected += ferry_p256_verify(pub, hash, sig) == FERRY_E_IMG_SIGNATURE;
        tried++;
        sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    for (bit = 0; bit < 32 * 8; bit++) {
        hash[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        rejected += ferry_p256_verify(pub, hash, sig) == FERRY_E_IMG_SIGNATURE;
        tried++;
        hash[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    /* Key: X and Y bits (a point off the curve, or another point). */
    for (bit = 8; bit < 65 * 8; bit += 7) {
        pub[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        rejected += ferry_p256_verify(pub, hash, sig) == FERRY_E_IMG_SIGNATURE;
        tried++;
        pub[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    CHECK_EQ(rejected, tried);
    CHECK_EQ(ferry_p256_verify(pub, hash, sig), FERRY_OK);
}

static void test_p256_invalid_keys_rejected(void)
{
    uint8_t pub[65], hash[32], sig[64];

    rfc_pub(pub);
    rfc_case(&rfc_sigs[0], hash, sig);
    /* Compressed-point prefixes and a zero prefix with the right X, Y. */
    pub[0] = 0x02;
    CHECK_EQ(ferry_p256_verify(pub, hash, sig), FERRY_E_IMG_SIGNATURE);
    pub[0] = 0x03;
    CHECK_EQ(ferry_p256_verify(pub, hash, sig), FERRY_E_IMG_SIGNATURE);
    pub[0] = 0x00;
    CHECK_EQ(ferry_p256_verify(pub, hash, sig), FERRY_E_IMG_SIGNATURE);
    /* Not on the curve: Y + 1. */
    rfc_pub(pub);
    pub[64] ^= 1;
    CHECK_EQ(ferry_p256_verify(pub, hash, sig), FERRY_E_IMG_SIGNATURE);
    /* The point at infinity has no uncompressed encoding: all zero. */
    memset(pub + 1, 0, 64);
    CHECK_EQ(ferry_p256_verify(pub, hash, sig), FERRY_E_IMG_SIGNATURE);
    /* Coordinates >= p: X = Y = 0xFF...FF. */
    memset(pub + 1, 0xFF, 64);
    CHECK_EQ(ferry_p256_verify(pub, hash, sig), FERRY_E_IMG_SIGNATURE);
}

static void test_p256_signature_range(void)
{
    /* n, the group order: r or s equal to 0 or n must be rejected. */
    static const char n_hex[] = "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";
    uint8_t pub[65], hash[32], sig[64], good[64];

    rfc_pub(pub);
    rfc_case(&rfc_sigs[0], hash, good);
    memcpy(sig, good, 64);
    memset(sig, 0, 32);
    CHECK_EQ(ferry_p256_verify(pub, hash, sig), FERRY_E_IMG_SIGNATURE);
    memcpy(sig, good, 64);
    memset(sig + 32, 0, 32);
    CHECK_EQ(ferry_p256_verify(pub, hash, sig), FERRY_E_IMG_SIGNATURE);
    memset(sig, 0, 64);
    CHECK_EQ(ferry_p256_verify(pub, hash, sig), FERRY_E_IMG_SIGNATURE);
    memcpy(sig, good, 64);
    unhex(n_hex, sig, 32);
    CHECK_EQ(ferry_p256_verify(pub, hash, sig), FERRY_E_IMG_SIGNATURE);
    memcpy(sig, good, 64);
    unhex(n_hex, sig + 32, 32);
    CHECK_EQ(ferry_p256_verify(pub, hash, sig), FERRY_E_IMG_SIGNATURE);
}

static void test_ct_memcmp(void)
{
    uint8_t a[40], b[40];
    size_t i;
    unsigned bit;

    for (i = 0; i < sizeof a; i++) {
        a[i] = b[i] = (uint8_t)(i + 1);
    }
    CHECK_EQ(ferry_ct_memcmp(a, b, sizeof a), 0);
    CHECK_EQ(ferry_ct_memcmp(a, b, 0), 0);
    for (i = 0; i < sizeof a; i++) {
        for (bit = 0; bit < 8; bit++) {
            b[i] ^= (uint8_t)(1u << bit);
            CHECK(ferry_ct_memcmp(a, b, sizeof a) != 0);
            CHECK(ferry_ct_memcmp(a, b, i) == 0); /* the difference is past len */
            b[i] ^= (uint8_t)(1u << bit);
        }
    }
}

int main(void)
{
    RUN(test_sha256_nist);
    RUN(test_sha256_million_a);
    RUN(test_sha256_incremental);
    RUN(test_p256_rfc6979_accepts);
    RUN(test_p256_flipped_bits_rejected);
    RUN(test_p256_invalid_keys_rejected);
    RUN(test_p256_signature_range);
    RUN(test_ct_memcmp);
    return check_done();
}
