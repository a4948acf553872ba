/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The software class key of the decryption seam (include/ferry/decrypt.h):
 * ferry-ecies-v1 unwrap with a private scalar held in memory, AES-128-CTR
 * over the payload (include/ferry/crypto_enc.h). The content key lives only
 * inside the opened ferry_cipher (expanded) and is wiped by close().
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ferry/crypto_enc.h"
#include "ferry/decrypt.h"
#include "ferry/errors.h"

struct sw_cipher {
    ferry_aes128_key key;
    uint8_t nonce[FERRY_CTR_NONCE_LEN];
};

_Static_assert(sizeof(struct sw_cipher) <= sizeof(ferry_cipher), "ferry_cipher too small");
_Static_assert(_Alignof(struct sw_cipher) <= _Alignof(ferry_cipher), "ferry_cipher under-aligned");

static int sw_open(void *ctx, const struct ferry_enc_info *enc, ferry_cipher *c)
{
    const struct ferry_class_key_material *m = ctx;
    struct sw_cipher *s = (struct sw_cipher *)(void *)c;
    uint8_t k[FERRY_AES128_KEY_LEN];
    ferry_wipe(c, sizeof *c);
    int rc = ferry_ecies_unwrap(m->priv, m->pub, enc->ephemeral, enc->wrapped, k);
    if (rc != FERRY_OK)
        return rc == FERRY_E_INVAL ? FERRY_E_INVAL : FERRY_E_IMG_KEYWRAP;
    ferry_aes128_key_init(&s->key, k);
    ferry_wipe(k, sizeof k);
    memcpy(s->nonce, enc->nonce, sizeof s->nonce);
    return FERRY_OK;
}

static void sw_xor(const ferry_cipher *c, uint32_t off, uint8_t *buf, size_t len)
{
    const struct sw_cipher *s = (const struct sw_cipher *)(const void *)c;
    /* The callers stay inside one payload (< 2^32 bytes): no range error. */
    (void)ferry_aes128_ctr_xor(&s->key, s->nonce, off, buf, len);
}

static void sw_close(ferry_cipher *c)
{
    ferry_wipe(c, sizeof *c);
}

static const struct ferry_decrypt_ops sw_ops = {sw_open, sw_xor, sw_close};

void ferry_decrypt_sw_init(struct ferry_decrypt_key *k, const struct ferry_class_key_material *m)
{
    k->ops = &sw_ops;
    k->ctx = (void *)(uintptr_t)m;
    memcpy(k->key_id, m->id, sizeof k->key_id);
}
