/* SPDX-License-Identifier: Apache-2.0 */
/*
 * P-256 keys: creation from a scalar or the system RNG, and signing a hash.
 */
#include <string.h>

#include <bearssl.h>

#include "ferry/errors.h"
#include "ferry_host.h"
#include "host_priv.h"

/* The order n of the P-256 group, big-endian. A private scalar is in [1, n-1]. */
static const uint8_t P256_ORDER[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
};

static int scalar_in_range(const uint8_t priv[32])
{
    int nonzero = 0;
    for (size_t i = 0; i < 32; i++) {
        nonzero |= priv[i];
    }
    /* Big-endian byte strings of equal length compare like the numbers. */
    return nonzero != 0 && memcmp(priv, P256_ORDER, 32) < 0;
}

int ferry_host_key_from_private(const uint8_t priv[32], struct ferry_host_key *k)
{
    if (!scalar_in_range(priv)) {
        return FERRY_E_INVAL;
    }
    uint8_t x[32];
    memcpy(x, priv, sizeof x);
    br_ec_private_key sk = { BR_EC_secp256r1, x, sizeof x };
    struct ferry_host_key out;
    memset(&out, 0, sizeof out);
    if (br_ec_compute_pub(&br_ec_p256_m31, NULL, out.pub, &sk) != sizeof out.pub) {
        host_wipe(x, sizeof x);
        return FERRY_E_INVAL;
    }
    host_wipe(x, sizeof x);
    br_sha256_context sha;
    br_sha256_init(&sha);
    br_sha256_update(&sha, out.pub, sizeof out.pub);
    br_sha256_out(&sha, out.id);
    memcpy(out.priv, priv, sizeof out.priv);
    out.has_private = 1;
    *k = out;
    host_wipe(&out, sizeof out);
    return FERRY_OK;
}

int ferry_host_key_generate(struct ferry_host_key *k)
{
    br_hmac_drbg_context rng;
    br_prng_seeder seeder = br_prng_seeder_system(NULL);
    br_hmac_drbg_init(&rng, &br_sha256_vtable, NULL, 0);
    if (seeder == NULL || !seeder(&rng.vtable)) {
        host_wipe(&rng, sizeof rng);
        return FERRY_E_IO;
    }
    uint8_t kbuf[BR_EC_KBUF_PRIV_MAX_SIZE];
    br_ec_private_key sk;
    size_t n = br_ec_keygen(&rng.vtable, &br_ec_p256_m31, &sk, kbuf, BR_EC_secp256r1);
    host_wipe(&rng, sizeof rng);
    int rc = n == 32 ? ferry_host_key_from_private(kbuf, k) : FERRY_E_IO;
    host_wipe(kbuf, sizeof kbuf);
    return rc;
}

void ferry_host_key_wipe(struct ferry_host_key *k)
{
    if (k->signer != NULL && k->signer->release != NULL) {
        k->signer->release(k->signer_ctx);
    }
    host_wipe(k, sizeof *k);
}

int ferry_host_verify_hash(const struct ferry_host_key *k, const uint8_t hash[32],
                           const uint8_t sig[64])
{
    uint8_t pub[65];
    memcpy(pub, k->pub, sizeof pub);
    br_ec_public_key pk = { BR_EC_secp256r1, pub, sizeof pub };
    return br_ecdsa_i31_vrfy_raw(&br_ec_p256_m31, hash, 32, &pk, sig, 64) == 1
               ? FERRY_OK
               : FERRY_E_IMG_SIGNATURE;
}

int ferry_host_sign_hash(const struct ferry_host_key *k, const uint8_t hash[32], uint8_t sig[64])
{
    return ferry_host_sign_hash_err(k, hash, sig, NULL, 0);
}

int ferry_host_sign_hash_err(const struct ferry_host_key *k, const uint8_t hash[32],
                             uint8_t sig[64], char *err, size_t errlen)
{
    if (!k->has_private) {
        return host_fail(FERRY_E_INVAL, err, errlen, "a public key cannot sign");
    }
    if (k->signer != NULL) {
        int rc = k->signer->sign(k->signer_ctx, hash, sig, err, errlen);
        if (rc != 0) {
            return rc;
        }
        /* A token that answers with garbage, or a public key object that
         * belongs to another key, must not produce an image that no device
         * accepts: check before anything is written. */
        if (ferry_host_verify_hash(k, hash, sig) != 0) {
            return host_fail(FERRY_E_IMG_SIGNATURE, err, errlen,
                             "the token's signature does not verify with the key's public key "
                             "(is the public key object that of another key?)");
        }
        return FERRY_OK;
    }
    if (!scalar_in_range(k->priv)) {
        return host_fail(FERRY_E_INVAL, err, errlen, "the private scalar is out of range");
    }
    uint8_t x[32];
    memcpy(x, k->priv, sizeof x);
    br_ec_private_key sk = { BR_EC_secp256r1, x, sizeof x };
    /* BearSSL derives the nonce from key and hash with HMAC_DRBG as RFC 6979
     * specifies, so signatures are reproducible (tests/cli/rfc6979_test.c). */
    size_t n = br_ecdsa_i31_sign_raw(&br_ec_p256_m31, &br_sha256_vtable, hash, &sk, sig);
    host_wipe(x, sizeof x);
    return n == 64 ? FERRY_OK : FERRY_E_INVAL;
}
