/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Encrypted images' crypto (docs/encryption-crypto.md): the device side
 * (src/crypto/bearssl_enc.c, include/ferry/crypto_enc.h) against published
 * vectors and against the host side (tools/ferry/host_ecies.c).
 *
 *   - AES-KW: RFC 3394 section 4.1 (128-bit KEK, 128-bit key data), both ways;
 *     every altered bit and a wrong KEK refused.
 *   - AES-CTR: NIST SP 800-38A F.5.1 through BearSSL's CTR engines (counter
 *     block f0..fb || fcfdfeff = nonce || be32 counter), then Ferry's
 *     seekable call against the same engine run in one shot from block 0,
 *     against a key stream built block by block, and against known answers
 *     computed with `openssl enc -aes-128-ctr`; every split and unaligned
 *     offset, the end of the 2^32-byte stream, and its range check.
 *   - ferry-ecies-v1: a known answer (computed with openssl, the recipe of
 *     tests/enc_openssl.sh), round trips, every altered bit of the wrapped
 *     key, altered E or Q, another class key, E off the curve, at infinity
 *     or garbage (including a wrap crafted so that only the curve check can
 *     refuse it), private scalars out of range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "check.h"

#include "ferry/crypto_enc.h"
#include "ferry/errors.h"
#include "host_ecies.h"

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

static int all_zero(const uint8_t *p, size_t len)
{
    uint8_t acc = 0;
    while (len-- > 0) {
        acc |= *p++;
    }
    return acc == 0;
}

/* ---- AES-KW ------------------------------------------------------------- */

static const char kw_kek[] = "000102030405060708090A0B0C0D0E0F";
static const char kw_key[] = "00112233445566778899AABBCCDDEEFF";
static const char kw_out[] = "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5";

static void test_kw_rfc3394_4_1(void)
{
    uint8_t kek[16], key[16], expect[24], got[24], back[16];

    unhex(kw_kek, kek, sizeof kek);
    unhex(kw_key, key, sizeof key);
    unhex(kw_out, expect, sizeof expect);
    host_aes128_kw_wrap(kek, key, got);
    CHECK_MEM(got, expect, 24);
    memset(back, 0x55, sizeof back);
    CHECK_EQ(ferry_aes128_kw_unwrap(kek, expect, back), FERRY_OK);
    CHECK_MEM(back, key, 16);
}

static void test_kw_tamper_and_wrong_kek(void)
{
    uint8_t kek[16], wrapped[24], back[16];
    unsigned bit, refused = 0;

    unhex(kw_kek, kek, sizeof kek);
    unhex(kw_out, wrapped, sizeof wrapped);
    for (bit = 0; bit < 24 * 8; bit++) {
        wrapped[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        memset(back, 0x55, sizeof back);
        refused += ferry_aes128_kw_unwrap(kek, wrapped, back) == FERRY_E_IMG_KEYWRAP &&
                   all_zero(back, sizeof back);
        wrapped[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    CHECK_EQ(refused, 24 * 8);
    for (bit = 0; bit < 16 * 8; bit += 5) {
        kek[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        memset(back, 0x55, sizeof back);
        CHECK_EQ(ferry_aes128_kw_unwrap(kek, wrapped, back), FERRY_E_IMG_KEYWRAP);
        CHECK(all_zero(back, sizeof back));
        kek[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    CHECK_EQ(ferry_aes128_kw_unwrap(kek, wrapped, back), FERRY_OK);
    CHECK_EQ(ferry_aes128_kw_unwrap(NULL, wrapped, back), FERRY_E_INVAL);
    CHECK_EQ(ferry_aes128_kw_unwrap(kek, NULL, back), FERRY_E_INVAL);
    CHECK_EQ(ferry_aes128_kw_unwrap(kek, wrapped, NULL), FERRY_E_INVAL);
}

/* Random keys: the host's wrap and the device's unwrap agree. */
static void test_kw_host_device_agree(void)
{
    uint8_t kek[16], key[16], wrapped[24], back[16];
    unsigned n, i;

    for (n = 0; n < 64; n++) {
        for (i = 0; i < 16; i++) {
            kek[i] = (uint8_t)(n * 37u + i * 11u + 1u);
            key[i] = (uint8_t)(n * 101u ^ (i * 29u));
        }
        host_aes128_kw_wrap(kek, key, wrapped);
        CHECK_EQ(ferry_aes128_kw_unwrap(kek, wrapped, back), FERRY_OK);
        CHECK_MEM(back, key, 16);
    }
}

/* ---- AES-CTR ------------------------------------------------------------ */

static const char sp_key[] = "2b7e151628aed2a6abf7158809cf4f3c";
static const char sp_ctr[] = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
static const char sp_plain[] = "6bc1bee22e409f96e93d7e117393172a"
                               "ae2d8a571e03ac9c9eb76fac45af8e51"
                               "30c81c46a35ce411e5fbc1191a0a52ef"
                               "f69f2445df4f9b17ad2b417be66c3710";
static const char sp_cipher[] = "874d6191b620e3261bef6864990db6ce"
                                "9806f66b7970fdff8617187bb9fffdff"
                                "5ae4df3edbd5d35e5b4f09020db03eab"
                                "1e031dda2fbe03d1792170a0f3009cee";
/* openssl enc -aes-128-ctr -K <sp_key> -iv f0f1f2f3f4f5f6f7f8f9fafb00000000 of sp_plain:
 * the nonce of F.5.1 with Ferry's counter starting at block 0. */
static const char sp_cipher_from0[] = "22e52fb177d865b2f7c6b512692d114d"
                                      "ed6c1c7225daf6a2aad9d3da2dba2168"
                                      "35c0af6b6f40c3c6efc585d0902cc263"
                                      "122bc58e72de5ca2a35c853ab92c06bb";
/* The same with -iv f0..fb0ffffffe over the first 32 plaintext bytes: the
 * last two blocks of a 2^32-byte stream (offset 0xFFFFFFE0). */
static const char sp_cipher_end[] = "f0b63ac8a2813fa13beb12ec542a86f0"
                                    "1fcdac34f309817909bc8aa04b9509a8";

/* The F.5.1 counter block's first 12 bytes, as Ferry's nonce. */
static void sp_nonce(uint8_t nonce[12])
{
    uint8_t ctr[16];

    unhex(sp_ctr, ctr, sizeof ctr);
    memcpy(nonce, ctr, 12);
}

/* F.5.1 itself, through the BearSSL CTR engines the backend may use: the
 * 16-byte counter block is the 12-byte IV and a big-endian 32-bit counter. */
static void test_ctr_sp800_38a_f51(void)
{
    uint8_t key[16], ctr[16], buf[64], expect[64];
    br_aes_ct_ctr_keys ct;
    br_aes_small_ctr_keys sm;
    uint32_t cc;

    unhex(sp_key, key, sizeof key);
    unhex(sp_ctr, ctr, sizeof ctr);
    unhex(sp_cipher, expect, sizeof expect);
    cc = (uint32_t)ctr[12] << 24 | (uint32_t)ctr[13] << 16 | (uint32_t)ctr[14] << 8 | ctr[15];

    br_aes_ct_ctr_init(&ct, key, 16);
    unhex(sp_plain, buf, sizeof buf);
    CHECK_EQ(br_aes_ct_ctr_run(&ct, ctr, cc, buf, sizeof buf), cc + 4u);
    CHECK_MEM(buf, expect, 64);

    br_aes_small_ctr_init(&sm, key, 16);
    unhex(sp_plain, buf, sizeof buf);
    CHECK_EQ(br_aes_small_ctr_run(&sm, ctr, cc, buf, sizeof buf), cc + 4u);
    CHECK_MEM(buf, expect, 64);
}

/* Ferry's call at offset 0 is the engine's one-shot run from counter 0, and
 * the openssl known answer; so is a decryption. */
static void test_ctr_seekable_matches_one_shot(void)
{
    uint8_t key[16], nonce[12], plain[64], buf[64], one[64], expect[64];
    ferry_aes128_key k;
    br_aes_ct_ctr_keys ct;

    unhex(sp_key, key, sizeof key);
    sp_nonce(nonce);
    unhex(sp_plain, plain, sizeof plain);
    unhex(sp_cipher_from0, expect, sizeof expect);

    br_aes_ct_ctr_init(&ct, key, 16);
    memcpy(one, plain, sizeof one);
    br_aes_ct_ctr_run(&ct, nonce, 0, one, sizeof one);
    CHECK_MEM(one, expect, 64);

    ferry_aes128_key_init(&k, key);
    memcpy(buf, plain, sizeof buf);
    CHECK_EQ(ferry_aes128_ctr_xor(&k, nonce, 0, buf, sizeof buf), FERRY_OK);
    CHECK_MEM(buf, expect, 64);
    CHECK_EQ(ferry_aes128_ctr_xor(&k, nonce, 0, buf, sizeof buf), FERRY_OK);
    CHECK_MEM(buf, plain, 64);

    /* Block 2 alone, at its own offset. */
    memcpy(buf, plain + 32, 16);
    CHECK_EQ(ferry_aes128_ctr_xor(&k, nonce, 32, buf, 16), FERRY_OK);
    CHECK_MEM(buf, expect + 32, 16);
    ferry_aes128_key_wipe(&k);
    CHECK(all_zero((const uint8_t *)&k, sizeof k));
}

/* Key stream block i = AES(K, nonce || be32(i)), built with the block cipher
 * alone (a one-block CBC encryption under a zero IV). */
static void keystream_block(const uint8_t key[16], const uint8_t nonce[12], uint32_t i,
                            uint8_t out[16])
{
    br_aes_ct_cbcenc_keys ek;
    uint8_t iv[16] = { 0 };

    br_aes_ct_cbcenc_init(&ek, key, 16);
    memcpy(out, nonce, 12);
    out[12] = (uint8_t)(i >> 24);
    out[13] = (uint8_t)(i >> 16);
    out[14] = (uint8_t)(i >> 8);
    out[15] = (uint8_t)i;
    br_aes_ct_cbcenc_run(&ek, iv, out, 16);
}

#define STREAM_LEN 300u

/* Every (offset, length) inside a 300-byte window of the stream, at a block
 * boundary and in the middle of one, equals the reference key stream; and
 * every split of the window into three calls equals one call. */
static void test_ctr_unaligned_offsets(void)
{
    static const uint32_t bases[] = { 0, 4096u - 7u, 0x12345677u };
    uint8_t key[16], nonce[12], ref[(STREAM_LEN / 16u + 2u) * 16u], buf[STREAM_LEN], whole[STREAM_LEN];
    ferry_aes128_key k;
    size_t bi, i, a, b, len, bad = 0;

    for (i = 0; i < 16; i++) {
        key[i] = (uint8_t)(0xA0 + i);
    }
    for (i = 0; i < 12; i++) {
        nonce[i] = (uint8_t)(0x30 + 7 * i);
    }
    ferry_aes128_key_init(&k, key);
    for (bi = 0; bi < sizeof bases / sizeof bases[0]; bi++) {
        uint32_t base = bases[bi];
        uint32_t first = base / 16u;
        size_t skip = base % 16u;

        for (i = 0; i * 16 < sizeof ref; i++) {
            keystream_block(key, nonce, first + (uint32_t)i, ref + 16 * i);
        }
        /* Key stream of the window [base, base + STREAM_LEN) is ref + skip. */
        for (a = 0; a < STREAM_LEN; a += (a < 40 ? 1 : 13)) {
            for (len = 0; a + len <= STREAM_LEN; len += (len < 40 ? 1 : 17)) {
                memset(buf, 0, len);
                CHECK_EQ(ferry_aes128_ctr_xor(&k, nonce, base + (uint32_t)a, buf, len), FERRY_OK);
                bad += memcmp(buf, ref + skip + a, len) != 0;
            }
        }
        for (i = 0; i < STREAM_LEN; i++) {
            whole[i] = (uint8_t)(i * 13u + bi);
        }
        memcpy(buf, whole, STREAM_LEN);
        CHECK_EQ(ferry_aes128_ctr_xor(&k, nonce, base, whole, STREAM_LEN), FERRY_OK);
        for (a = 0; a <= STREAM_LEN; a += 7) {
            for (b = a; b <= STREAM_LEN; b += 11) {
                uint8_t parts[STREAM_LEN];
                for (i = 0; i < STREAM_LEN; i++) {
                    parts[i] = (uint8_t)(i * 13u + bi);
                }
                CHECK_EQ(ferry_aes128_ctr_xor(&k, nonce, base, parts, a), FERRY_OK);
                CHECK_EQ(ferry_aes128_ctr_xor(&k, nonce, base + (uint32_t)a, parts + a, b - a),
                         FERRY_OK);
                CHECK_EQ(ferry_aes128_ctr_xor(&k, nonce, base + (uint32_t)b, parts + b,
                                              STREAM_LEN - b), FERRY_OK);
                bad += memcmp(parts, whole, STREAM_LEN) != 0;
            }
        }
    }
    CHECK_EQ(bad, 0);
    ferry_aes128_key_wipe(&k);
}

/* The stream ends at 2^32 bytes: the last blocks are the openssl answer, and
 * one byte more is a range error that leaves the buffer alone. */
static void test_ctr_stream_end(void)
{
    uint8_t key[16], nonce[12], plain[64], buf[64], expect[32];
    ferry_aes128_key k;

    unhex(sp_key, key, sizeof key);
    sp_nonce(nonce);
    unhex(sp_plain, plain, sizeof plain);
    unhex(sp_cipher_end, expect, sizeof expect);
    ferry_aes128_key_init(&k, key);

    memcpy(buf, plain, 32);
    CHECK_EQ(ferry_aes128_ctr_xor(&k, nonce, 0xFFFFFFE0u, buf, 32), FERRY_OK);
    CHECK_MEM(buf, expect, 32);
    memcpy(buf, plain + 31, 1);
    CHECK_EQ(ferry_aes128_ctr_xor(&k, nonce, 0xFFFFFFFFu, buf, 1), FERRY_OK);
    CHECK_EQ(buf[0], expect[31]);
    memcpy(buf, plain + 5, 27);
    CHECK_EQ(ferry_aes128_ctr_xor(&k, nonce, 0xFFFFFFE5u, buf, 27), FERRY_OK);
    CHECK_MEM(buf, expect + 5, 27);

    memcpy(buf, plain, 33);
    CHECK_EQ(ferry_aes128_ctr_xor(&k, nonce, 0xFFFFFFE0u, buf, 33), FERRY_E_RANGE);
    CHECK_MEM(buf, plain, 33);
    CHECK_EQ(ferry_aes128_ctr_xor(&k, nonce, 0xFFFFFFFFu, buf, 2), FERRY_E_RANGE);
    CHECK_EQ(ferry_aes128_ctr_xor(&k, nonce, 0, buf, SIZE_MAX), FERRY_E_RANGE);
    CHECK_MEM(buf, plain, 33);
    CHECK_EQ(ferry_aes128_ctr_xor(&k, nonce, 0xFFFFFFFFu, buf, 0), FERRY_OK);
    CHECK_EQ(ferry_aes128_ctr_xor(&k, nonce, 5, NULL, 0), FERRY_OK);
    CHECK_EQ(ferry_aes128_ctr_xor(&k, nonce, 5, NULL, 1), FERRY_E_INVAL);
    CHECK_EQ(ferry_aes128_ctr_xor(NULL, nonce, 5, buf, 1), FERRY_E_INVAL);
    CHECK_EQ(ferry_aes128_ctr_xor(&k, NULL, 5, buf, 1), FERRY_E_INVAL);
    ferry_aes128_key_wipe(&k);
}

/* ---- ferry-ecies-v1 ------------------------------------------------------ */

/* Class key: the RFC 6979 A.2.5 P-256 key. */
static const char class_d[] = "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721";
static const char class_q[] = "04"
                              "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"
                              "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299";
/* A second class key (another device class). */
static const char other_d[] = "0F1E2D3C4B5A69788796A5B4C3D2E1F00112233445566778899AABBCCDDEEFF0";
/* Fixed ephemeral scalar and content key of the known answer. */
static const char kat_e[] = "5D7A1F0C2B3E4D6F8091A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F7";
static const char kat_k[] = "000102030405060708090A0B0C0D0E0F";
/* What openssl computes for them (tests/enc_openssl.sh prints these). */
static const char kat_E[] = "04"
                            "ec3bc149022efb79845c64cf966c4940d04f9aead68f3edc960ad9a2b7b4e56c"
                            "9d04f0133f2ab379941f379a788172ef720c325ea46a70fa080ef492e65dd9f6";
static const char kat_Z[] = "d7b44c5550a2539176019bae367e91d9d7729392af9e5e54d6024c449516750b";
static const char kat_kek[] = "c95b346947b292840b3d96a0bb2fc03a";
static const char kat_wrapped[] = "a8878fa907844c2b443fe4c80979c04513b9b5410b0084e1";

static void pub_of(const uint8_t d[32], uint8_t q[65])
{
    CHECK_EQ(br_ec_p256_m31.mulgen(q, d, 32, BR_EC_secp256r1), 65);
}

static void test_ecies_known_answer(void)
{
    uint8_t d[32], q[65], e[32], k[16], expect_E[65], expect_z[32], expect_kek[16];
    uint8_t expect_w[24], E[65], w[24], z[32], kek[16], back[16];

    unhex(class_d, d, sizeof d);
    unhex(class_q, q, sizeof q);
    unhex(kat_e, e, sizeof e);
    unhex(kat_k, k, sizeof k);
    unhex(kat_E, expect_E, sizeof expect_E);
    unhex(kat_Z, expect_z, sizeof expect_z);
    unhex(kat_kek, expect_kek, sizeof expect_kek);
    unhex(kat_wrapped, expect_w, sizeof expect_w);

    pub_of(d, E);
    CHECK_MEM(E, q, 65); /* the class key pair is one */
    CHECK_EQ(host_ecies_wrap_fixed(q, e, k, E, w), FERRY_OK);
    CHECK_MEM(E, expect_E, 65);
    CHECK_MEM(w, expect_w, 24);
    /* Both directions of the Diffie-Hellman give Z. */
    CHECK_EQ(host_p256_ecdh(e, q, z), FERRY_OK);
    CHECK_MEM(z, expect_z, 32);
    CHECK_EQ(host_p256_ecdh(d, E, z), FERRY_OK);
    CHECK_MEM(z, expect_z, 32);
    host_ecies_kek(z, E, q, kek);
    CHECK_MEM(kek, expect_kek, 16);

    CHECK_EQ(ferry_ecies_unwrap(d, q, expect_E, expect_w, back), FERRY_OK);
    CHECK_MEM(back, k, 16);
}

static void test_ecies_round_trip_rng(void)
{
    uint8_t d[32], q[65], E[65], w[24], k[16], back[16], prev[16];
    unsigned n;

    unhex(class_d, d, sizeof d);
    unhex(class_q, q, sizeof q);
    memset(prev, 0, sizeof prev);
    for (n = 0; n < 8; n++) {
        CHECK_EQ(host_ecies_wrap(q, E, w, k), FERRY_OK);
        CHECK(memcmp(k, prev, 16) != 0); /* a fresh key each time */
        memcpy(prev, k, 16);
        memset(back, 0x55, sizeof back);
        CHECK_EQ(ferry_ecies_unwrap(d, q, E, w, back), FERRY_OK);
        CHECK_MEM(back, k, 16);
    }
    /* A class key that is not a point is refused by the host. */
    q[64] ^= 1;
    CHECK_EQ(host_ecies_wrap(q, E, w, k), FERRY_E_INVAL);
    CHECK(all_zero(k, 16) && all_zero(w, 24) && all_zero(E, 65));
}

/* The private scalar n - 1 (public point -G) and 1 (G) work; 0, n and
 * anything above are refused as invalid arguments. */
static void test_ecies_scalar_range(void)
{
    static const char n_hex[] = "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";
    uint8_t d[32], q[65], e[32], k[16], E[65], w[24], back[16];

    unhex(kat_e, e, sizeof e);
    unhex(kat_k, k, sizeof k);
    unhex(n_hex, d, sizeof d);
    d[31] -= 1;
    pub_of(d, q);
    CHECK_EQ(host_ecies_wrap_fixed(q, e, k, E, w), FERRY_OK);
    CHECK_EQ(ferry_ecies_unwrap(d, q, E, w, back), FERRY_OK);
    CHECK_MEM(back, k, 16);
    memset(d, 0, sizeof d);
    d[31] = 1;
    pub_of(d, q);
    CHECK_EQ(host_ecies_wrap_fixed(q, e, k, E, w), FERRY_OK);
    CHECK_EQ(ferry_ecies_unwrap(d, q, E, w, back), FERRY_OK);
    CHECK_MEM(back, k, 16);

    memset(d, 0, sizeof d);
    CHECK_EQ(ferry_ecies_unwrap(d, q, E, w, back), FERRY_E_INVAL);
    CHECK(all_zero(back, 16));
    unhex(n_hex, d, sizeof d);
    CHECK_EQ(ferry_ecies_unwrap(d, q, E, w, back), FERRY_E_INVAL);
    d[31] += 1;
    CHECK_EQ(ferry_ecies_unwrap(d, q, E, w, back), FERRY_E_INVAL);
    memset(d, 0xFF, sizeof d);
    CHECK_EQ(ferry_ecies_unwrap(d, q, E, w, back), FERRY_E_INVAL);
    /* The host refuses the same ephemeral scalars. */
    CHECK_EQ(host_ecies_wrap_fixed(q, d, k, E, w), FERRY_E_INVAL);
    memset(d, 0, sizeof d);
    CHECK_EQ(host_ecies_wrap_fixed(q, d, k, E, w), FERRY_E_INVAL);

    unhex(class_d, d, sizeof d);
    CHECK_EQ(ferry_ecies_unwrap(NULL, q, E, w, back), FERRY_E_INVAL);
    CHECK_EQ(ferry_ecies_unwrap(d, NULL, E, w, back), FERRY_E_INVAL);
    CHECK_EQ(ferry_ecies_unwrap(d, q, NULL, w, back), FERRY_E_INVAL);
    CHECK_EQ(ferry_ecies_unwrap(d, q, E, NULL, back), FERRY_E_INVAL);
    CHECK_EQ(ferry_ecies_unwrap(d, q, E, w, NULL), FERRY_E_INVAL);
}

/* A fixed wrap for the class key: E, wrapped and the key. */
static void kat_wrap(uint8_t d[32], uint8_t q[65], uint8_t E[65], uint8_t w[24], uint8_t k[16])
{
    uint8_t e[32];

    unhex(class_d, d, 32);
    unhex(class_q, q, 65);
    unhex(kat_e, e, sizeof e);
    unhex(kat_k, k, 16);
    CHECK_EQ(host_ecies_wrap_fixed(q, e, k, E, w), FERRY_OK);
}

static void test_ecies_tampered_refused(void)
{
    uint8_t d[32], q[65], E[65], w[24], k[16], back[16];
    unsigned bit, refused = 0, tried = 0;

    kat_wrap(d, q, E, w, k);
    for (bit = 0; bit < 24 * 8; bit++) {
        w[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        memset(back, 0x55, sizeof back);
        refused += ferry_ecies_unwrap(d, q, E, w, back) == FERRY_E_IMG_KEYWRAP &&
                   all_zero(back, 16);
        tried++;
        w[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    /* E and Q are bound into the KDF: any change of either is refused
     * (for E, mostly by the curve check; for Q, by the integrity check). */
    for (bit = 0; bit < 65 * 8; bit += 3) {
        E[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        refused += ferry_ecies_unwrap(d, q, E, w, back) == FERRY_E_IMG_KEYWRAP;
        tried++;
        E[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        q[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        refused += ferry_ecies_unwrap(d, q, E, w, back) == FERRY_E_IMG_KEYWRAP;
        tried++;
        q[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    CHECK_EQ(refused, tried);
    CHECK_EQ(ferry_ecies_unwrap(d, q, E, w, back), FERRY_OK);
    CHECK_MEM(back, k, 16);
    /* A valid point of the curve in place of E (here Q itself): it passes
     * the curve check, and the integrity check refuses it. */
    CHECK_EQ(ferry_ecies_unwrap(d, q, q, w, back), FERRY_E_IMG_KEYWRAP);
}

static void test_ecies_wrong_class_key_refused(void)
{
    uint8_t d[32], q[65], E[65], w[24], k[16], back[16], d2[32], q2[65];

    kat_wrap(d, q, E, w, k);
    unhex(other_d, d2, sizeof d2);
    pub_of(d2, q2);
    /* Another device class, with its own key pair. */
    memset(back, 0x55, sizeof back);
    CHECK_EQ(ferry_ecies_unwrap(d2, q2, E, w, back), FERRY_E_IMG_KEYWRAP);
    CHECK(all_zero(back, 16));
    /* Another private key with the right public key, and the reverse. */
    CHECK_EQ(ferry_ecies_unwrap(d2, q, E, w, back), FERRY_E_IMG_KEYWRAP);
    CHECK_EQ(ferry_ecies_unwrap(d, q2, E, w, back), FERRY_E_IMG_KEYWRAP);
    /* Wrapped for the other class: this device cannot open it. */
    {
        uint8_t e[32], E2[65], w2[24];
        unhex(kat_e, e, sizeof e);
        CHECK_EQ(host_ecies_wrap_fixed(q2, e, k, E2, w2), FERRY_OK);
        CHECK_EQ(ferry_ecies_unwrap(d, q, E2, w2, back), FERRY_E_IMG_KEYWRAP);
        CHECK_EQ(ferry_ecies_unwrap(d2, q2, E2, w2, back), FERRY_OK);
        CHECK_MEM(back, k, 16);
    }
}

/* E encodings that are not a point of the group. */
static void test_ecies_eph_not_a_point(void)
{
    uint8_t d[32], q[65], E[65], w[24], k[16], back[16], bad[65];
    static const uint8_t prefixes[] = { 0x00, 0x01, 0x02, 0x03, 0x05, 0x06, 0x07, 0xFF };
    size_t i;

    kat_wrap(d, q, E, w, k);
    for (i = 0; i < sizeof prefixes; i++) {
        memcpy(bad, E, 65);
        bad[0] = prefixes[i];
        memset(back, 0x55, sizeof back);
        CHECK_EQ(ferry_ecies_unwrap(d, q, bad, w, back), FERRY_E_IMG_KEYWRAP);
        CHECK(all_zero(back, 16));
    }
    /* Infinity: all zero, with and without the 0x04 prefix. */
    memset(bad, 0, sizeof bad);
    CHECK_EQ(ferry_ecies_unwrap(d, q, bad, w, back), FERRY_E_IMG_KEYWRAP);
    bad[0] = 0x04;
    CHECK_EQ(ferry_ecies_unwrap(d, q, bad, w, back), FERRY_E_IMG_KEYWRAP);
    /* Coordinates >= p. */
    memset(bad + 1, 0xFF, 64);
    CHECK_EQ(ferry_ecies_unwrap(d, q, bad, w, back), FERRY_E_IMG_KEYWRAP);
    /* x of E with y = 0, and y + 1: off the curve. */
    memcpy(bad, E, 65);
    memset(bad + 33, 0, 32);
    CHECK_EQ(ferry_ecies_unwrap(d, q, bad, w, back), FERRY_E_IMG_KEYWRAP);
    memcpy(bad, E, 65);
    bad[64] ^= 1;
    CHECK_EQ(ferry_ecies_unwrap(d, q, bad, w, back), FERRY_E_IMG_KEYWRAP);
    /* Garbage. */
    for (i = 0; i < 65; i++) {
        bad[i] = (uint8_t)(i * 73u + 5u);
    }
    bad[0] = 0x04;
    CHECK_EQ(ferry_ecies_unwrap(d, q, bad, w, back), FERRY_E_IMG_KEYWRAP);
    CHECK(all_zero(back, 16));
}

/*
 * Only the curve check can refuse this one. E' is off the curve; Z' is what
 * BearSSL's multiplication computes on it anyway (each curve code the device
 * may use computes on the decoded coordinates whatever its verdict; one wrap
 * is crafted per code), and the key is wrapped under the KEK of that Z'. An
 * unwrap without the check would derive the same KEK and succeed. As a
 * control, the same recipe with the genuine E succeeds.
 */
static void craft_with_unchecked_mul(const br_ec_impl *impl, const uint8_t d[32],
                                     const uint8_t q[65], const uint8_t E[65],
                                     const uint8_t k[16], uint8_t w[24])
{
    uint8_t p[65], kek[16];

    memcpy(p, E, 65);
    (void)impl->mul(p, 65, d, 32, BR_EC_secp256r1);
    host_ecies_kek(p + 1, E, q, kek);
    host_aes128_kw_wrap(kek, k, w);
}

static void test_ecies_invalid_curve_point_refused(void)
{
    static const br_ec_impl *const impls[] = { &br_ec_prime_i15, &br_ec_prime_i31, &br_ec_p256_m15,
                                                &br_ec_p256_m31 };
    uint8_t d[32], q[65], E[65], w[24], k[16], back[16], bad[65], w2[24], p[65];
    size_t i;

    kat_wrap(d, q, E, w, k);
    for (i = 0; i < sizeof impls / sizeof impls[0]; i++) {
        craft_with_unchecked_mul(impls[i], d, q, E, k, w2);
        CHECK_MEM(w2, w, 24); /* the recipe is the wrap itself for a real point */
        CHECK_EQ(ferry_ecies_unwrap(d, q, E, w2, back), FERRY_OK);

        memcpy(bad, E, 65);
        bad[64] ^= 0x10; /* the same x with another y: not on the curve */
        memcpy(p, bad, 65);
        CHECK(impls[i]->mul(p, 65, d, 32, BR_EC_secp256r1) == 0); /* BearSSL says: not a point */
        craft_with_unchecked_mul(impls[i], d, q, bad, k, w2);
        memset(back, 0x55, sizeof back);
        CHECK_EQ(ferry_ecies_unwrap(d, q, bad, w2, back), FERRY_E_IMG_KEYWRAP);
        CHECK(all_zero(back, 16));
    }
}

static void test_error_text_and_wipe(void)
{
    uint8_t buf[40];

    CHECK(strcmp(ferry_strerror(FERRY_E_IMG_KEYWRAP), "unknown error") != 0);
    memset(buf, 0xA5, sizeof buf);
    ferry_wipe(buf + 3, 30);
    CHECK(buf[2] == 0xA5 && buf[33] == 0xA5);
    CHECK(all_zero(buf + 3, 30));
    ferry_wipe(buf, 0);
    CHECK(buf[0] == 0xA5);
}

int main(void)
{
    RUN(test_kw_rfc3394_4_1);
    RUN(test_kw_tamper_and_wrong_kek);
    RUN(test_kw_host_device_agree);
    RUN(test_ctr_sp800_38a_f51);
    RUN(test_ctr_seekable_matches_one_shot);
    RUN(test_ctr_unaligned_offsets);
    RUN(test_ctr_stream_end);
    RUN(test_ecies_known_answer);
    RUN(test_ecies_round_trip_rng);
    RUN(test_ecies_scalar_range);
    RUN(test_ecies_tampered_refused);
    RUN(test_ecies_wrong_class_key_refused);
    RUN(test_ecies_eph_not_a_point);
    RUN(test_ecies_invalid_curve_point_refused);
    RUN(test_error_text_and_wipe);
    return check_done();
}
