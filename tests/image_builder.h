/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test-only builder for Ferry v1 images (docs/image-format.md), host only.
 *
 * It lays the bytes out from the specification independently of the parser
 * in src/boot/image.c, so the tests check the parser against the format rather
 * than against itself. Signing uses BearSSL's deterministic (RFC 6979) ECDSA
 * with fixed test keys, so every build of the same spec gives the same bytes.
 */
#ifndef FERRY_TEST_IMAGE_BUILDER_H
#define FERRY_TEST_IMAGE_BUILDER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <bearssl.h>

#include "ferry/image.h"

/* RFC 6979 A.2.5 P-256 private key: a well-known test key, never a real one. */
static const uint8_t ib_key_a[32] = {
    0xC9, 0xAF, 0xA9, 0xD8, 0x45, 0xBA, 0x75, 0x16, 0x6B, 0x5C, 0x21, 0x57, 0x67, 0xB1, 0xD6, 0x93,
    0x4E, 0x50, 0xC3, 0xDB, 0x36, 0xE8, 0x9B, 0x12, 0x7B, 0x8A, 0x62, 0x2B, 0x12, 0x0F, 0x67, 0x21,
};
/* A second test key (scalar 0x0102...20). */
static const uint8_t ib_key_b[32] = {
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10,
    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x20,
};

static const uint8_t ib_vendor[16] = {
    0x6E, 0x1C, 0x2F, 0x8A, 0x41, 0x0B, 0x5D, 0x3E, 0x9A, 0x77, 0x12, 0xC4, 0x5F, 0x60, 0x0D, 0xE1,
};
static const uint8_t ib_class[16] = {
    0x3B, 0x94, 0x77, 0x0C, 0xD2, 0x1A, 0x5E, 0x88, 0xB1, 0x04, 0x6F, 0x2D, 0x93, 0xAA, 0x18, 0x5C,
};

struct ib_tlv {
    uint16_t type;
    uint16_t len;
    const void *value;
};

struct ib_spec {
    const struct ib_tlv *tlvs; /* NULL: vendor, class and name "demo-app" */
    size_t tlv_count;
    uint32_t extra_pad;        /* zero bytes added after the metadata (multiple of 8) */
    uint32_t payload_size;     /* payload bytes are a fixed pattern */
    uint32_t flags;
    struct ferry_version version;
    uint32_t security_counter;
    const uint8_t *key;        /* 32-byte private scalar; NULL: ib_key_a */
};

static inline void ib_put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void ib_put32(uint8_t *p, uint32_t v)
{
    ib_put16(p, v);
    ib_put16(p + 2, v >> 16);
}

static inline uint32_t ib_get16(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8);
}

static inline uint32_t ib_get32(const uint8_t *p)
{
    return ib_get16(p) | (ib_get16(p + 2) << 16);
}

/* Public point (65 bytes) and key ID of a private scalar. */
static inline void ib_pubkey(const uint8_t priv[32], struct ferry_pubkey *out)
{
    br_ec_private_key sk = { BR_EC_secp256r1, (unsigned char *)(uintptr_t)priv, 32 };
    br_ec_public_key pk;
    unsigned char kbuf[BR_EC_KBUF_PUB_MAX_SIZE];
    br_sha256_context h;

    br_ec_compute_pub(&br_ec_p256_m31, &pk, kbuf, &sk);
    memcpy(out->point, pk.q, 65);
    out->index = 0;
    br_sha256_init(&h);
    br_sha256_update(&h, out->point, 65);
    br_sha256_out(&h, out->id);
}

/* Writes a fresh trailer at `protected_size`: digest of [0, protected_size),
 * the key ID of `priv` and its signature. */
static inline void ib_sign(uint8_t *img, uint32_t protected_size, const uint8_t priv[32])
{
    br_ec_private_key sk = { BR_EC_secp256r1, (unsigned char *)(uintptr_t)priv, 32 };
    struct ferry_pubkey pub;
    uint8_t *t = img + protected_size;
    br_sha256_context h;

    ib_pubkey(priv, &pub);
    ib_put32(t + 0, FERRY_IMG_TRAILER_MAGIC);
    ib_put16(t + 4, FERRY_IMG_TRAILER_SIZE);
    ib_put16(t + 6, FERRY_IMG_SIG_ECDSA_P256);
    br_sha256_init(&h);
    br_sha256_update(&h, img, protected_size);
    br_sha256_out(&h, t + 8);
    memcpy(t + 40, pub.id, 32);
    br_ecdsa_i31_sign_raw(&br_ec_p256_m31, &br_sha256_vtable, t + 8, &sk, t + 72);
}

/* Payload byte i: a pattern that is not constant, so a shifted read shows. */
static inline uint8_t ib_payload_byte(uint32_t i)
{
    return (uint8_t)(i * 7u + (i >> 8) + 1u);
}

/* Size of the image `s` describes. */
static inline size_t ib_size(const struct ib_spec *s, size_t meta_size)
{
    size_t header = (32u + meta_size + 7u) / 8u * 8u + s->extra_pad;
    return header + s->payload_size + FERRY_IMG_TRAILER_SIZE;
}

/*
 * Builds and signs the image into out[0..cap). Returns its total size, or 0
 * when it does not fit `cap`. Header size is 32 + metadata rounded up to 8,
 * plus extra_pad.
 */
static inline size_t ib_build(const struct ib_spec *s, uint8_t *out, size_t cap)
{
    static const char default_name[] = "demo-app";
    const struct ib_tlv defaults[3] = {
        { FERRY_TLV_VENDOR_ID, 16, ib_vendor },
        { FERRY_TLV_CLASS_ID, 16, ib_class },
        { FERRY_TLV_NAME, sizeof default_name - 1, default_name },
    };
    const struct ib_tlv *tlvs = s->tlvs ? s->tlvs : defaults;
    size_t count = s->tlvs ? s->tlv_count : 3;
    size_t meta = 0, header, total, i;
    uint8_t *p;

    for (i = 0; i < count; i++) {
        meta += 4u + ((tlvs[i].len + 3u) & ~3u);
    }
    total = ib_size(s, meta);
    header = total - s->payload_size - FERRY_IMG_TRAILER_SIZE;
    if (total > cap || header > 0xFFFFu || meta > 0xFFFFu) {
        return 0;
    }
    memset(out, 0, total);
    ib_put32(out + 0, FERRY_IMG_MAGIC);
    ib_put16(out + 4, FERRY_IMG_FORMAT_V1);
    ib_put16(out + 6, (uint32_t)header);
    ib_put16(out + 8, (uint32_t)meta);
    ib_put16(out + 10, 0);
    ib_put32(out + 12, s->payload_size);
    ib_put32(out + 16, s->flags);
    out[20] = s->version.major;
    out[21] = s->version.minor;
    ib_put16(out + 22, s->version.patch);
    ib_put32(out + 24, s->version.build);
    ib_put32(out + 28, s->security_counter);
    p = out + 32;
    for (i = 0; i < count; i++) {
        ib_put16(p, tlvs[i].type);
        ib_put16(p + 2, tlvs[i].len);
        if (tlvs[i].len) {
            memcpy(p + 4, tlvs[i].value, tlvs[i].len);
        }
        p += 4u + ((tlvs[i].len + 3u) & ~3u);
    }
    for (i = 0; i < s->payload_size; i++) {
        out[header + i] = ib_payload_byte((uint32_t)i);
    }
    ib_sign(out, (uint32_t)(header + s->payload_size), s->key ? s->key : ib_key_a);
    return total;
}

/* The spec most tests start from: 1000-byte payload, version 1.2.3+4. */
static inline struct ib_spec ib_default_spec(void)
{
    struct ib_spec s;

    memset(&s, 0, sizeof s);
    s.payload_size = 1000;
    s.version.major = 1;
    s.version.minor = 2;
    s.version.patch = 3;
    s.version.build = 4;
    s.security_counter = 7;
    return s;
}

#endif
