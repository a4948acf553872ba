/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The encryption of one image on the host (docs/encryption.md): a content
 * key wrapped for a device-class public key (host_ecies.c), the CTR nonce,
 * and the payload transform ferry_host_sign() applies.
 */
#include <string.h>

#include <bearssl.h>

#include "ferry/errors.h"
#include "ferry_host.h"
#include "host_ecies.h"
#include "host_priv.h"

/* The class key ID and the nonce, both derived: ID = SHA-256(class point)
 * like a signing key's; nonce = SHA-256(E)[0..12), unique per image because
 * E is (and a fresh content key per image would make even a fixed nonce
 * safe: the nonce only has to be unique per key). */
static void derive(const uint8_t class_pub[65], struct ferry_host_enc *out)
{
    uint8_t h[32];
    br_sha256_context sha;
    br_sha256_init(&sha);
    br_sha256_update(&sha, class_pub, 65);
    br_sha256_out(&sha, out->class_key_id);
    br_sha256_init(&sha);
    br_sha256_update(&sha, out->ephemeral, sizeof out->ephemeral);
    br_sha256_out(&sha, h);
    memcpy(out->nonce, h, sizeof out->nonce);
}

int ferry_host_enc_new(const uint8_t class_pub[65], struct ferry_host_enc *out)
{
    memset(out, 0, sizeof *out);
    int rc = host_ecies_wrap(class_pub, out->ephemeral, out->wrapped, out->key);
    if (rc != FERRY_OK) {
        memset(out, 0, sizeof *out);
        return rc;
    }
    derive(class_pub, out);
    return FERRY_OK;
}

int ferry_host_enc_fixed(const uint8_t class_pub[65], const uint8_t eph_priv[32],
                         const uint8_t key[16], struct ferry_host_enc *out)
{
    memset(out, 0, sizeof *out);
    int rc = host_ecies_wrap_fixed(class_pub, eph_priv, key, out->ephemeral, out->wrapped);
    if (rc != FERRY_OK) {
        memset(out, 0, sizeof *out);
        return rc;
    }
    memcpy(out->key, key, sizeof out->key);
    derive(class_pub, out);
    return FERRY_OK;
}

void ferry_host_enc_xor(const struct ferry_host_enc *e, uint8_t *buf, size_t len)
{
    /* BearSSL's CTR takes a 12-byte IV and a 32-bit big-endian block
     * counter: exactly Ferry's counter block, nonce || be32(i), from i = 0. */
    br_aes_ct_ctr_keys ctx;
    br_aes_ct_ctr_init(&ctx, e->key, sizeof e->key);
    br_aes_ct_ctr_run(&ctx, e->nonce, 0, buf, len);
    host_wipe(&ctx, sizeof ctx);
}

void ferry_host_enc_wipe(struct ferry_host_enc *e)
{
    host_wipe(e, sizeof *e);
}
