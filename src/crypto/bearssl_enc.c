/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry crypto seam for encrypted images, BearSSL backend
 * (include/ferry/crypto_enc.h, docs/encryption-crypto.md).
 *
 * Freestanding: only BearSSL, <stdint.h>, <stddef.h>, <string.h>. Nothing
 * allocates; every secret this file holds lives in one local structure that
 * is wiped before the function returns. BearSSL's own stack frames (the
 * scalar multiplication, the AES key expansion inside the CTR run) are
 * released without being cleared; that is the library's contract, not ours.
 *
 * AES: br_aes_ct, the bitsliced constant-time code, by default. The content
 * key K is used on every block of the payload and the KEK on the wrapped
 * key; both are secret. br_aes_small indexes tables with key-dependent
 * values, which leaks timing through any cache or accelerator in front of
 * the flash (STM32's ART, the Cortex-M7 caches) and through power. On a
 * Cortex-M3 (-Os, --gc-sections) aes_ct costs 3248 bytes of flash for
 * encryption, CTR and the one-block decryption the unwrap needs, aes_small
 * 2062: we spend the 1.2 KB on constant time. -DFERRY_AES_SMALL selects
 * br_aes_small where flash is tight and nothing caches the tables.
 *
 * Curve: the unwrap multiplies E by the device's private scalar, so that
 * code must not leak the scalar. The 31-bit codes (br_ec_p256_m31,
 * br_ec_prime_i31) use the 32x32->64 multiply (UMULL), whose duration on a
 * Cortex-M3 depends on its operands; the 15-bit codes use only 32x32->32
 * multiplies, constant time on every Cortex-M. Of those, the generic
 * br_ec_prime_i15 is the smallest (3.5 KB with its integer helpers, against
 * 9.3 KB for br_ec_p256_m15) and the slower (2.3 times m15's instructions
 * for a signature check in bench/footprint.md; the unwrap is one
 * multiplication, once per install). Hence the default.
 * The verifier in bearssl.c handles only public data and may use any code;
 * a build whose verifier already links a 15-bit code, or a core with a
 * constant-time UMULL (Cortex-M4, M7, M33: the m31 code), names the same
 * code here to link one curve implementation, e.g.
 *   -DFERRY_ECDH_CURVE=br_ec_p256_m15
 * docs/encryption-crypto.md ("Code size") has the measured combinations.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <bearssl.h>

#include "ferry/crypto.h"
#include "ferry/crypto_enc.h"
#include "ferry/errors.h"

#ifdef FERRY_AES_SMALL
typedef br_aes_small_ctr_keys aes_ctr_keys;
typedef br_aes_small_cbcdec_keys aes_dec_keys;
#define aes_ctr_init br_aes_small_ctr_init
#define aes_ctr_run br_aes_small_ctr_run
#define aes_dec_init br_aes_small_cbcdec_init
#define aes_dec_run br_aes_small_cbcdec_run
#else
typedef br_aes_ct_ctr_keys aes_ctr_keys;
typedef br_aes_ct_cbcdec_keys aes_dec_keys;
#define aes_ctr_init br_aes_ct_ctr_init
#define aes_ctr_run br_aes_ct_ctr_run
#define aes_dec_init br_aes_ct_cbcdec_init
#define aes_dec_run br_aes_ct_cbcdec_run
#endif

#ifndef FERRY_ECDH_CURVE
#define FERRY_ECDH_CURVE br_ec_prime_i15
#endif

_Static_assert(sizeof(aes_ctr_keys) <= sizeof(ferry_aes128_key),
               "ferry_aes128_key too small for the AES CTR context");
_Static_assert(_Alignof(aes_ctr_keys) <= _Alignof(ferry_aes128_key),
               "ferry_aes128_key under-aligned for the AES CTR context");

#define AES_BLOCK 16u
#define KW_HALF 8u /* RFC 3394 works on 64-bit halves */

/* RFC 3394 section 2.2.3.1, the default initial value. */
static const uint8_t KW_IV[KW_HALF] = { 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6 };

/* The order n of the P-256 group, big-endian. */
static const uint8_t P256_N[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
};

void ferry_wipe(void *p, size_t len)
{
    volatile uint8_t *v = p;

    while (len-- > 0) {
        *v++ = 0;
    }
}

static const aes_ctr_keys *ctr_ctx(const ferry_aes128_key *k)
{
    return (const aes_ctr_keys *)(const void *)k;
}

void ferry_aes128_key_init(ferry_aes128_key *k, const uint8_t key[16])
{
    aes_ctr_init((aes_ctr_keys *)(void *)k, key, FERRY_AES128_KEY_LEN);
}

void ferry_aes128_key_wipe(ferry_aes128_key *k)
{
    ferry_wipe(k, sizeof *k);
}

int ferry_aes128_ctr_xor(const ferry_aes128_key *k, const uint8_t nonce[12], uint32_t offset,
                         uint8_t *buf, size_t len)
{
    uint32_t block;
    size_t within;

    if (k == NULL || nonce == NULL || (buf == NULL && len > 0)) {
        return FERRY_E_INVAL;
    }
    if ((uint64_t)offset + (uint64_t)len > ((uint64_t)1 << 32)) {
        return FERRY_E_RANGE;
    }
    if (len == 0) {
        return FERRY_OK;
    }
    block = offset / AES_BLOCK;
    within = offset % AES_BLOCK;
    if (within != 0) {
        /* The head of a block: run the whole block on a copy, keep the
         * bytes from `within` on. The copy holds key stream bytes, wipe it. */
        uint8_t tmp[AES_BLOCK];
        size_t n = AES_BLOCK - within;

        if (n > len) {
            n = len;
        }
        memset(tmp, 0, sizeof tmp);
        memcpy(tmp + within, buf, n);
        (void)aes_ctr_run(ctr_ctx(k), nonce, block, tmp, sizeof tmp);
        memcpy(buf, tmp + within, n);
        ferry_wipe(tmp, sizeof tmp);
        buf += n;
        len -= n;
        block++;
    }
    if (len > 0) {
        /* Whole blocks and a partial last one: BearSSL drops the unused
         * key stream of a partial final block. */
        (void)aes_ctr_run(ctr_ctx(k), nonce, block, buf, len);
    }
    return FERRY_OK;
}

/* The unwrap's secrets, in one place so that one wipe clears them all. */
struct kw_state {
    aes_dec_keys dk;
    uint8_t a[KW_HALF];
    uint8_t r[2][KW_HALF];
    uint8_t b[AES_BLOCK];
    uint8_t iv[AES_BLOCK];
};

/* One AES-128 block decryption: CBC decryption of a single block under an
 * all-zero IV is exactly the block cipher's inverse. */
static void aes_decrypt_block(struct kw_state *s)
{
    memset(s->iv, 0, sizeof s->iv);
    aes_dec_run(&s->dk, s->iv, s->b, AES_BLOCK);
}

/*
 * RFC 3394 section 2.2.2 (index-based unwrap) for n = 2 halves:
 *   for j = 5..0, i = 2..1:  B = AES-1(KEK, (A ^ t) || R[i]), t = 2j + i
 *                            A = MSB64(B), R[i] = LSB64(B)
 * then A must be the initial value. `key` gets R[1] || R[2] on success and
 * zeros otherwise; the result is mapped to the return code without a branch
 * on the comparison (as in ferry_p256_verify).
 */
static int kw_unwrap(const uint8_t kek[16], const uint8_t wrapped[24], uint8_t key[16])
{
    struct kw_state s;
    uint32_t bad, mask;
    int j, i;
    size_t n;

    aes_dec_init(&s.dk, kek, FERRY_AES128_KEY_LEN);
    memcpy(s.a, wrapped, KW_HALF);
    memcpy(s.r[0], wrapped + KW_HALF, KW_HALF);
    memcpy(s.r[1], wrapped + 2 * KW_HALF, KW_HALF);
    for (j = 5; j >= 0; j--) {
        for (i = 2; i >= 1; i--) {
            memcpy(s.b, s.a, KW_HALF);
            s.b[KW_HALF - 1] ^= (uint8_t)(2 * j + i); /* t <= 12: its low byte only */
            memcpy(s.b + KW_HALF, s.r[i - 1], KW_HALF);
            aes_decrypt_block(&s);
            memcpy(s.a, s.b, KW_HALF);
            memcpy(s.r[i - 1], s.b + KW_HALF, KW_HALF);
        }
    }
    bad = (uint32_t)ferry_ct_memcmp(s.a, KW_IV, KW_HALF); /* 0 or 1 */
    mask = bad - 1u;                                     /* all ones when good */
    for (n = 0; n < FERRY_AES128_KEY_LEN; n++) {
        key[n] = (uint8_t)(s.r[n / KW_HALF][n % KW_HALF] & mask);
    }
    ferry_wipe(&s, sizeof s);
    return (int)((uint32_t)FERRY_E_IMG_KEYWRAP & (uint32_t)-(int32_t)(bad != 0u));
}

int ferry_aes128_kw_unwrap(const uint8_t kek[16], const uint8_t wrapped[24], uint8_t key[16])
{
    if (kek == NULL || wrapped == NULL || key == NULL) {
        return FERRY_E_INVAL;
    }
    return kw_unwrap(kek, wrapped, key);
}

/* 1 if 1 <= d < n, in constant time (d is the device's secret). */
static uint32_t scalar_valid(const uint8_t d[32])
{
    uint32_t borrow = 0, nonzero = 0;
    size_t i = 32;

    while (i-- > 0) {
        /* d - n from the least significant byte: a borrow out of the top
         * byte means d < n. */
        uint32_t diff = (uint32_t)d[i] - (uint32_t)P256_N[i] - borrow;
        borrow = diff >> 31;
        nonzero |= d[i];
    }
    return borrow & ((nonzero + 0xFFu) >> 8);
}

/* The ECDH and KDF secrets, wiped together. */
struct ecies_state {
    uint8_t point[FERRY_P256_PUB_LEN]; /* E, then priv * E: Z is point[1..32] */
    uint8_t kek[FERRY_AES128_KEY_LEN];
    br_hkdf_context hkdf;
};

int ferry_ecies_unwrap(const uint8_t priv[32], const uint8_t pub[65], const uint8_t eph[65],
                       const uint8_t wrapped[24], uint8_t key[16])
{
    /* HKDF info: label || E || Q. Public data, not wiped. */
    uint8_t info[FERRY_ECIES_INFO_LABEL_LEN + 2 * FERRY_P256_PUB_LEN];
    struct ecies_state s;
    size_t xlen = 0, xoff;
    int rc;

    if (key == NULL) {
        return FERRY_E_INVAL;
    }
    memset(key, 0, FERRY_AES128_KEY_LEN);
    if (priv == NULL || pub == NULL || eph == NULL || wrapped == NULL) {
        return FERRY_E_INVAL;
    }
    if (scalar_valid(priv) != 1u) {
        return FERRY_E_INVAL;
    }
    /* BearSSL's mul() decodes the point first and returns 0 unless it is
     * exactly 0x04 || X || Y with X, Y < p on the curve (the point at
     * infinity has no such encoding). It still computes on a bad point, so
     * the result must not be used then: stop here. The check matters: a
     * point off the curve would make Z leak the private scalar modulo a
     * small order through whether the unwrap succeeds (invalid-curve attack). */
    memcpy(s.point, eph, FERRY_P256_PUB_LEN);
    if (FERRY_ECDH_CURVE.mul(s.point, FERRY_P256_PUB_LEN, priv, FERRY_P256_PRIV_LEN,
                             BR_EC_secp256r1) != 1u) {
        ferry_wipe(&s, sizeof s);
        return FERRY_E_IMG_KEYWRAP;
    }
    xoff = FERRY_ECDH_CURVE.xoff(BR_EC_secp256r1, &xlen); /* 1 and 32 for P-256 */

    memcpy(info, FERRY_ECIES_INFO_LABEL, FERRY_ECIES_INFO_LABEL_LEN);
    memcpy(info + FERRY_ECIES_INFO_LABEL_LEN, eph, FERRY_P256_PUB_LEN);
    memcpy(info + FERRY_ECIES_INFO_LABEL_LEN + FERRY_P256_PUB_LEN, pub, FERRY_P256_PUB_LEN);
    br_hkdf_init(&s.hkdf, &br_sha256_vtable, BR_HKDF_NO_SALT, 0);
    br_hkdf_inject(&s.hkdf, s.point + xoff, xlen);
    br_hkdf_flip(&s.hkdf);
    br_hkdf_produce(&s.hkdf, info, sizeof info, s.kek, sizeof s.kek);

    rc = kw_unwrap(s.kek, wrapped, key);
    ferry_wipe(&s, sizeof s);
    return rc;
}
