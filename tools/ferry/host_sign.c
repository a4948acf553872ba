/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Building a signed image (format v1, docs/image-format.md):
 *
 *   0            fixed header (32 bytes)
 *   32           metadata: vendor ID, class ID, name (optional)
 *   32+meta      zero padding
 *   header_size  payload
 *   protected    trailer: magic, size, signature type, digest, key ID, r||s
 *
 * Signing hashes the protected bytes [0, header_size + payload_size) once and
 * signs that digest, the same value the trailer carries. An encrypted image
 * (docs/encryption.md): the payload is AES-128-CTR encrypted, its plaintext
 * and ciphertext digests go into the header, and the digest covers the
 * header [0, header_size) only.
 */
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "ferry/errors.h"
#include "ferry/byteorder.h"
#include "ferry_host.h"
#include "host_priv.h"

#define TLV_HEADER_SIZE 4u
#define UUID_TLV_SIZE   (TLV_HEADER_SIZE + 16u)
#define HEADER_SIZE_MAX 0xFFF8u /* largest multiple of 8 in the u16 field */

static uint32_t round_up4(uint32_t v)
{
    return (v + 3u) & ~3u;
}

static int check_name(const char *name, char *err, size_t errlen)
{
    size_t len = strlen(name);
    if (len == 0 || len > FERRY_NAME_MAX) {
        return host_fail(FERRY_E_INVAL, err, errlen, "name must be 1 to %u bytes, not %zu",
                         FERRY_NAME_MAX, len);
    }
    const unsigned char *s = (const unsigned char *)name;
    for (size_t i = 0; i < len;) {
        size_t n = host_utf8_sequence(s + i, len - i);
        if (n == 0) {
            return host_fail(FERRY_E_INVAL, err, errlen,
                             "name is not valid UTF-8 (byte %zu)", i);
        }
        if (s[i] < 0x20 || s[i] == 0x7F) {
            return host_fail(FERRY_E_INVAL, err, errlen,
                             "name contains a control character (byte %zu)", i);
        }
        i += n;
    }
    return FERRY_OK;
}

int ferry_host_layout(const struct ferry_sign_params *p, size_t payload_len,
                      uint32_t *header_size, uint32_t *meta_size, uint32_t *total_size,
                      char *err, size_t errlen)
{
    if ((p->flags & ~FERRY_IMG_F_KNOWN) != 0) {
        return host_fail(FERRY_E_INVAL, err, errlen, "unknown flag bits 0x%08lx",
                         (unsigned long)(p->flags & ~FERRY_IMG_F_KNOWN));
    }
    if ((p->flags & FERRY_IMG_F_ENCRYPTED) != 0 && p->enc == NULL) {
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "the ENCRYPTED flag needs a class key to encrypt for");
    }
    if ((p->flags & FERRY_IMG_F_HEADER_SIGNED) != 0 && p->enc != NULL) {
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "an encrypted image is signed over its header already: no "
                         "HEADER_SIGNED flag with a class key");
    }
    uint32_t meta = 2u * UUID_TLV_SIZE;
    if (p->enc != NULL) {
        meta += TLV_HEADER_SIZE + round_up4(FERRY_ENC_TLV_LEN);
    }
    if (p->enc != NULL || (p->flags & FERRY_IMG_F_HEADER_SIGNED) != 0) {
        meta += TLV_HEADER_SIZE + 64u; /* the payload digests */
    }
    if (p->revoke_below != 0) {
        meta += TLV_HEADER_SIZE + 4u;
    }
    if (p->name != NULL) {
        int rc = check_name(p->name, err, errlen);
        if (rc != 0) {
            return rc;
        }
        meta += TLV_HEADER_SIZE + round_up4((uint32_t)strlen(p->name));
    }
    uint32_t hs = p->header_size != 0 ? p->header_size : FERRY_HOST_DEFAULT_HEADER_SIZE;
    uint32_t hs_min = (FERRY_IMG_FIXED_HDR_SIZE + meta + 7u) & ~7u;
    if (hs % 8u != 0) {
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "header size %lu is not a multiple of 8", (unsigned long)hs);
    }
    if (hs < hs_min) {
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "header size %lu is too small: header and metadata need %lu bytes",
                         (unsigned long)hs, (unsigned long)hs_min);
    }
    if (hs > HEADER_SIZE_MAX) {
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "header size %lu is too large: at most %u", (unsigned long)hs,
                         HEADER_SIZE_MAX);
    }
    if (payload_len == 0) {
        return host_fail(FERRY_E_INVAL, err, errlen, "the payload is empty");
    }
    if (payload_len > (size_t)(UINT32_MAX - hs - FERRY_IMG_TRAILER_SIZE)) {
        return host_fail(FERRY_E_INVAL, err, errlen,
                         "payload of %zu bytes is too large for a 32-bit image", payload_len);
    }
    if (header_size != NULL) {
        *header_size = hs;
    }
    if (meta_size != NULL) {
        *meta_size = meta;
    }
    if (total_size != NULL) {
        *total_size = hs + (uint32_t)payload_len + FERRY_IMG_TRAILER_SIZE;
    }
    return FERRY_OK;
}

static uint8_t *put_tlv(uint8_t *p, uint16_t type, const void *value, uint32_t len)
{
    ferry_put_le16(p, type);
    ferry_put_le16(p + 2, len);
    memcpy(p + TLV_HEADER_SIZE, value, len);
    /* The buffer is zeroed, so the padding to 4 bytes already is. */
    return p + TLV_HEADER_SIZE + round_up4(len);
}

/* The encryption entry (docs/image-format.md section 13). */
static uint8_t *put_enc_tlv(uint8_t *t, const struct ferry_host_enc *e)
{
    uint8_t v[FERRY_ENC_TLV_LEN];
    ferry_put_le16(v, FERRY_ENC_SCHEME_ECIES_P256);
    ferry_put_le16(v + 2, 0);
    memcpy(v + 4, e->class_key_id, 32);
    memcpy(v + 36, e->ephemeral, 65);
    memcpy(v + 101, e->wrapped, 24);
    memcpy(v + 125, e->nonce, 12);
    return put_tlv(t, FERRY_TLV_ENCRYPTION, v, sizeof v);
}

static void sha256(const uint8_t *data, size_t len, uint8_t out[32])
{
    br_sha256_context sha;
    br_sha256_init(&sha);
    br_sha256_update(&sha, data, len);
    br_sha256_out(&sha, out);
}

/* `digests`: H_p || H_c of an encrypted or header-signed image, NULL for a
 * plain one signed over all its bytes. */
static void put_header(uint8_t *img, const struct ferry_sign_params *p, uint32_t hs,
                       uint32_t meta, uint32_t payload_len, const uint8_t *digests)
{
    uint32_t flags = p->flags | (p->enc != NULL ? FERRY_IMG_F_ENCRYPTED : 0u);
    ferry_put_le32(img + 0, FERRY_IMG_MAGIC);
    ferry_put_le16(img + 4, FERRY_IMG_FORMAT_V1);
    ferry_put_le16(img + 6, hs);
    ferry_put_le16(img + 8, meta);
    ferry_put_le16(img + 10, 0);
    ferry_put_le32(img + 12, payload_len);
    ferry_put_le32(img + 16, flags);
    img[20] = p->version.major;
    img[21] = p->version.minor;
    ferry_put_le16(img + 22, p->version.patch);
    ferry_put_le32(img + 24, p->version.build);
    ferry_put_le32(img + 28, p->security_counter);

    uint8_t *t = img + FERRY_IMG_FIXED_HDR_SIZE;
    t = put_tlv(t, FERRY_TLV_VENDOR_ID, p->vendor_id, 16);
    t = put_tlv(t, FERRY_TLV_CLASS_ID, p->class_id, 16);
    if (p->revoke_below != 0) {
        uint8_t v[4];
        ferry_put_le32(v, p->revoke_below);
        t = put_tlv(t, FERRY_TLV_REVOKE_BELOW, v, sizeof v);
    }
    if (p->enc != NULL) {
        t = put_enc_tlv(t, p->enc);
    }
    if (digests != NULL) {
        t = put_tlv(t, FERRY_TLV_PAYLOAD_DIGESTS, digests, 64);
    }
    if (p->name != NULL) {
        put_tlv(t, FERRY_TLV_NAME, p->name, (uint32_t)strlen(p->name));
    }
}

int ferry_host_build_unsigned(const struct ferry_sign_params *p, const uint8_t *payload,
                              size_t payload_len, uint8_t **img, size_t *img_len)
{
    uint32_t hs, meta, total;
    *img = NULL;
    *img_len = 0;
    int rc = ferry_host_layout(p, payload_len, &hs, &meta, &total, NULL, 0);
    if (rc != 0) {
        return rc;
    }
    uint8_t *out = calloc(1, total);
    if (out == NULL) {
        return FERRY_E_NOSPC;
    }
    memcpy(out + hs, payload, payload_len);
    uint8_t digests[64];
    int split = p->enc != NULL || (p->flags & FERRY_IMG_F_HEADER_SIGNED) != 0;
    if (p->enc != NULL) {
        /* Plaintext digest, encryption in place, ciphertext digest: both go
         * into the header, which is then all the trailer digest covers. */
        sha256(out + hs, payload_len, digests);
        ferry_host_enc_xor(p->enc, out + hs, payload_len);
        sha256(out + hs, payload_len, digests + 32);
    } else if (split) {
        /* Header-signed: one payload form, so one digest, twice. */
        sha256(out + hs, payload_len, digests);
        memcpy(digests + 32, digests, 32);
    }
    put_header(out, p, hs, meta, (uint32_t)payload_len, split ? digests : NULL);

    uint32_t protected_size = hs + (uint32_t)payload_len;
    uint8_t *trailer = out + protected_size;
    sha256(out, split ? hs : protected_size, trailer + 8);

    ferry_put_le32(trailer + 0, FERRY_IMG_TRAILER_MAGIC);
    ferry_put_le16(trailer + 4, FERRY_IMG_TRAILER_SIZE);
    ferry_put_le16(trailer + 6, FERRY_IMG_SIG_ECDSA_P256);
    /* Key ID (trailer + 40) and signature (trailer + 72) stay zero. */
    *img = out;
    *img_len = total;
    return FERRY_OK;
}

int ferry_host_sign(const struct ferry_host_key *k, const struct ferry_sign_params *p,
                    const uint8_t *payload, size_t payload_len, uint8_t **img, size_t *img_len)
{
    uint8_t *out;
    size_t total;
    *img = NULL;
    *img_len = 0;
    if (!k->has_private) {
        return FERRY_E_INVAL;
    }
    int rc = ferry_host_build_unsigned(p, payload, payload_len, &out, &total);
    if (rc != 0) {
        return rc;
    }
    memcpy(FERRY_HOST_TRAILER_KEY_ID(out, total), k->id, 32);
    rc = ferry_host_sign_hash(k, FERRY_HOST_TRAILER_DIGEST(out, total),
                              FERRY_HOST_TRAILER_SIG(out, total));
    if (rc != 0) {
        free(out);
        return rc;
    }
    *img = out;
    *img_len = total;
    return FERRY_OK;
}
