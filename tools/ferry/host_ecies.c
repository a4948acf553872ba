/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ferry-ecies-v1 wrapping on the host (host_ecies.h, docs/encryption-crypto.md).
 * The host is not the device: the m31 curve code and aes_ct are used without
 * regard to flash size, and secrets are wiped with host_wipe().
 */
#include <string.h>

#include <bearssl.h>

#include "ferry/errors.h"
#include "host_ecies.h"
#include "host_priv.h"

#define INFO_LABEL "ferry-ecies-v1"
#define INFO_LABEL_LEN 14u
#define POINT_LEN 65u

/* The order n of the P-256 group, big-endian. */
static const uint8_t P256_N[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
};

static const uint8_t KW_IV[8] = { 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6 };

static int scalar_in_range(const uint8_t d[32])
{
    uint8_t nonzero = 0;
    for (size_t i = 0; i < 32; i++) {
        nonzero |= d[i];
    }
    return nonzero != 0 && memcmp(d, P256_N, 32) < 0;
}

int host_p256_ecdh(const uint8_t priv[32], const uint8_t pub[65], uint8_t z[32])
{
    uint8_t point[POINT_LEN];
    memset(z, 0, 32);
    if (!scalar_in_range(priv) || pub[0] != 0x04) {
        return FERRY_E_INVAL;
    }
    memcpy(point, pub, sizeof point);
    /* mul() returns 0 for anything but a curve point (and computes garbage). */
    if (br_ec_p256_m31.mul(point, sizeof point, priv, 32, BR_EC_secp256r1) != 1) {
        host_wipe(point, sizeof point);
        return FERRY_E_INVAL;
    }
    memcpy(z, point + 1, 32);
    host_wipe(point, sizeof point);
    return FERRY_OK;
}

void host_ecies_kek(const uint8_t z[32], const uint8_t eph[65], const uint8_t pub[65],
                    uint8_t kek[16])
{
    uint8_t info[INFO_LABEL_LEN + 2 * POINT_LEN];
    br_hkdf_context hc;

    memcpy(info, INFO_LABEL, INFO_LABEL_LEN);
    memcpy(info + INFO_LABEL_LEN, eph, POINT_LEN);
    memcpy(info + INFO_LABEL_LEN + POINT_LEN, pub, POINT_LEN);
    br_hkdf_init(&hc, &br_sha256_vtable, BR_HKDF_NO_SALT, 0);
    br_hkdf_inject(&hc, z, 32);
    br_hkdf_flip(&hc);
    br_hkdf_produce(&hc, info, sizeof info, kek, 16);
    host_wipe(&hc, sizeof hc);
}

/* RFC 3394 2.2.1, index-based: for j = 0..5, i = 1..n (n = 2):
 *   B = AES(KEK, A || R[i]); A = MSB64(B) ^ t (t = n*j + i); R[i] = LSB64(B). */
void host_aes128_kw_wrap(const uint8_t kek[16], const uint8_t key[16], uint8_t out[24])
{
    br_aes_ct_cbcenc_keys ek;
    uint8_t a[8], r[2][8], b[16], iv[16];

    br_aes_ct_cbcenc_init(&ek, kek, 16);
    memcpy(a, KW_IV, 8);
    memcpy(r[0], key, 8);
    memcpy(r[1], key + 8, 8);
    for (unsigned j = 0; j < 6; j++) {
        for (unsigned i = 1; i <= 2; i++) {
            memcpy(b, a, 8);
            memcpy(b + 8, r[i - 1], 8);
            memset(iv, 0, sizeof iv); /* one CBC block under a zero IV: the cipher itself */
            br_aes_ct_cbcenc_run(&ek, iv, b, 16);
            memcpy(a, b, 8);
            a[7] ^= (uint8_t)(2 * j + i);
            memcpy(r[i - 1], b + 8, 8);
        }
    }
    memcpy(out, a, 8);
    memcpy(out + 8, r[0], 8);
    memcpy(out + 16, r[1], 8);
    host_wipe(&ek, sizeof ek);
    host_wipe(r, sizeof r);
    host_wipe(b, sizeof b);
    host_wipe(iv, sizeof iv);
}

int host_ecies_wrap_fixed(const uint8_t pub[65], const uint8_t eph_priv[32],
                          const uint8_t key[16], uint8_t eph[65], uint8_t wrapped[24])
{
    uint8_t z[32], kek[16], e[32];
    int rc;

    if (!scalar_in_range(eph_priv) || !host_p256_point_valid(pub)) {
        return FERRY_E_INVAL;
    }
    memcpy(e, eph_priv, sizeof e);
    if (br_ec_p256_m31.mulgen(eph, e, sizeof e, BR_EC_secp256r1) != POINT_LEN) {
        host_wipe(e, sizeof e);
        return FERRY_E_INVAL;
    }
    rc = host_p256_ecdh(e, pub, z);
    host_wipe(e, sizeof e);
    if (rc != 0) {
        return rc;
    }
    host_ecies_kek(z, eph, pub, kek);
    host_aes128_kw_wrap(kek, key, wrapped);
    host_wipe(z, sizeof z);
    host_wipe(kek, sizeof kek);
    return FERRY_OK;
}

int host_ecies_wrap(const uint8_t pub[65], uint8_t eph[65], uint8_t wrapped[24], uint8_t key[16])
{
    br_hmac_drbg_context rng;
    br_prng_seeder seeder = br_prng_seeder_system(NULL);
    uint8_t kbuf[BR_EC_KBUF_PRIV_MAX_SIZE];
    br_ec_private_key sk;
    int rc = FERRY_E_IO;

    memset(eph, 0, POINT_LEN);
    memset(wrapped, 0, 24);
    memset(key, 0, 16);
    if (!host_p256_point_valid(pub)) {
        return FERRY_E_INVAL;
    }
    br_hmac_drbg_init(&rng, &br_sha256_vtable, NULL, 0);
    if (seeder != NULL && seeder(&rng.vtable)) {
        br_hmac_drbg_generate(&rng, key, 16);
        /* br_ec_keygen draws until the scalar is in [1, n-1]. */
        if (br_ec_keygen(&rng.vtable, &br_ec_p256_m31, &sk, kbuf, BR_EC_secp256r1) == 32) {
            rc = host_ecies_wrap_fixed(pub, kbuf, key, eph, wrapped);
        }
    }
    host_wipe(&rng, sizeof rng);
    host_wipe(kbuf, sizeof kbuf);
    if (rc != 0) {
        memset(eph, 0, POINT_LEN);
        memset(wrapped, 0, 24);
        host_wipe(key, 16);
    }
    return rc;
}
