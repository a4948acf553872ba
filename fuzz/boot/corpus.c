/* SPDX-License-Identifier: Apache-2.0 */
/* The boot fuzzer's image corpus (contract in corpus.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "image_builder.h"

#define FB_IMG_CAP 4096u

static uint8_t store[FB_IMG_COUNT][FB_IMG_CAP];
static struct fb_image images[FB_IMG_COUNT];
static struct ferry_pubkey trusted[FB_KEY_COUNT];

/* The device's key of index 1: a third test scalar (0x2122...40), never a real key. */
static const uint8_t key_one[32] = {
    0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F, 0x30,
    0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x40,
};

static const uint8_t other_class[16] = {
    0x3B, 0x94, 0x77, 0x0C, 0xD2, 0x1A, 0x5E, 0x88, 0xB1, 0x04, 0x6F, 0x2D, 0x93, 0xAA, 0x18, 0x5D,
};
static const uint8_t other_vendor[16] = {
    0x6E, 0x1C, 0x2F, 0x8A, 0x41, 0x0B, 0x5D, 0x3E, 0x9A, 0x77, 0x12, 0xC4, 0x5F, 0x60, 0x0D, 0xE2,
};
static const char app_name[] = "demo-app";

/* Fills in the header-derived fields from the image's own bytes. */
static void describe(struct fb_image *im)
{
    const uint8_t *b = im->bytes;
    im->header_size = ib_get16(b + 6);
    im->protected_size = im->header_size + ib_get32(b + 12);
    im->flags = ib_get32(b + 16);
    im->version.major = b[20];
    im->version.minor = b[21];
    im->version.patch = (uint16_t)ib_get16(b + 22);
    im->version.build = ib_get32(b + 24);
    im->security_counter = ib_get32(b + 28);
    br_sha256_context h;
    br_sha256_init(&h);
    br_sha256_update(&h, b, im->flags & FERRY_IMG_F_HEADER_SIGNED ? im->header_size
                                                                   : im->protected_size);
    br_sha256_out(&h, im->protected_digest);
}

/* A header-signed image's digest entry and signature, after its payload is
 * final: H || H into the FERRY_TLV_PAYLOAD_DIGESTS value, then the trailer
 * over the header only. */
static void sign_header(uint8_t *img, uint32_t header, uint32_t payload, const uint8_t *priv)
{
    br_sha256_context h;
    uint8_t d[32];
    br_sha256_init(&h);
    br_sha256_update(&h, img + header, payload);
    br_sha256_out(&h, d);
    uint32_t meta_end = 32u + ib_get16(img + 8);
    for (uint32_t pos = 32u; pos + 4u <= meta_end;) {
        uint32_t type = ib_get16(img + pos), len = ib_get16(img + pos + 2);
        if (type == FERRY_TLV_PAYLOAD_DIGESTS && len == 64u) {
            memcpy(img + pos + 4, d, 32);
            memcpy(img + pos + 36, d, 32);
        }
        pos += 4u + ((len + 3u) & ~3u);
    }
    /* ib_sign writes the trailer at `header + payload` over [0, header + payload):
     * then its digest and signature are made again over the header alone. */
    ib_sign(img, header + payload, priv);
    uint8_t *t = img + header + payload;
    br_ec_private_key sk = { BR_EC_secp256r1, (unsigned char *)(uintptr_t)priv, 32 };
    br_sha256_init(&h);
    br_sha256_update(&h, img, header);
    br_sha256_out(&h, t + 8);
    br_ecdsa_i31_sign_raw(&br_ec_p256_m31, &br_sha256_vtable, t + 8, &sk, t + 72);
}

/*
 * One signed image. The payload pattern of the builder depends on the size
 * only, so it is mixed with `seed` and the image signed again: every corpus
 * image has its own payload. Same vendor/class/name TLVs (and so the same
 * header layout) unless vendor or class is overridden or `revoke` (a
 * FERRY_TLV_REVOKE_BELOW entry, 0: none) is set.
 */
static void make_rb(unsigned id, const char *name, int major, int minor, uint32_t counter,
                    uint32_t flags, uint32_t payload, const uint8_t *key, const uint8_t *vendor,
                    const uint8_t *class_id, uint32_t seed, uint32_t revoke)
{
    uint8_t rb[4];
    static const uint8_t no_digests[64]; /* filled in by sign_header() */
    int hs = (flags & FERRY_IMG_F_HEADER_SIGNED) != 0;
    ib_put32(rb, revoke);
    struct ib_tlv tlvs[5] = {
        { FERRY_TLV_VENDOR_ID, 16, vendor ? vendor : ib_vendor },
        { FERRY_TLV_CLASS_ID, 16, class_id ? class_id : ib_class },
        { FERRY_TLV_NAME, sizeof app_name - 1, app_name },
        { FERRY_TLV_REVOKE_BELOW, 4, rb },
        { FERRY_TLV_PAYLOAD_DIGESTS, 64, no_digests },
    };
    struct ib_spec s = ib_default_spec();
    s.tlvs = tlvs;
    s.tlv_count = revoke ? 4 : 3;
    if (hs)
        tlvs[s.tlv_count++] = tlvs[4];
    s.payload_size = payload;
    s.flags = flags;
    s.version.major = (uint8_t)major;
    s.version.minor = (uint8_t)minor;
    s.version.patch = 0;
    s.version.build = 0;
    s.security_counter = counter;
    s.key = key;
    size_t len = ib_build(&s, store[id], FB_IMG_CAP);
    if (len == 0) {
        fprintf(stderr, "fuzz_boot: corpus image %s does not fit\n", name);
        exit(2);
    }
    uint32_t header = ib_get16(store[id] + 6);
    uint32_t x = seed * 2654435761u + 1u;
    for (uint32_t i = 0; i < payload; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        store[id][header + i] ^= (uint8_t)x;
    }
    if (hs)
        sign_header(store[id], header, payload, key ? key : ib_key_a);
    else
        ib_sign(store[id], header + payload, key ? key : ib_key_a);
    images[id].name = name;
    images[id].bytes = store[id];
    images[id].len = (uint32_t)len;
    images[id].key_index = key == NULL || key == ib_key_a ? 0 : key == key_one ? 1 : -1;
    images[id].revoke_below = revoke;
    images[id].runnable = images[id].key_index >= 0 && vendor == NULL && class_id == NULL &&
                          revoke <= (uint32_t)images[id].key_index;
}

static void make(unsigned id, const char *name, int major, int minor, uint32_t counter,
                 uint32_t flags, uint32_t payload, const uint8_t *key, const uint8_t *vendor,
                 const uint8_t *class_id, uint32_t seed)
{
    make_rb(id, name, major, minor, counter, flags, payload, key, vendor, class_id, seed, 0);
}

/* A copy of `from`, to be damaged by the caller; never runnable. */
static uint8_t *copy(unsigned id, const char *name, unsigned from)
{
    memcpy(store[id], store[from], images[from].len);
    images[id] = images[from];
    images[id].name = name;
    images[id].bytes = store[id];
    images[id].runnable = 0;
    return store[id];
}

void fb_corpus_build(void)
{
    ib_pubkey(ib_key_a, &trusted[0]);
    ib_pubkey(key_one, &trusted[1]);
    trusted[1].index = 1;
    make(FB_IMG_V1, "v1.0.0/c1", 1, 0, 1, 0, 600, NULL, NULL, NULL, 1);
    make(FB_IMG_V1_1, "v1.1.0/c1", 1, 1, 1, 0, 1500, NULL, NULL, NULL, 2);
    make(FB_IMG_V2, "v2.0.0/c2", 2, 0, 2, 0, 2600, NULL, NULL, NULL, 3);
    make(FB_IMG_V2_1_PERM, "v2.1.0/c2/PERMANENT", 2, 1, 2, FERRY_IMG_F_PERMANENT, 900, NULL,
         NULL, NULL, 4);
    make(FB_IMG_V1_5_REV, "v1.5.0/c2/REVERT", 1, 5, 2, FERRY_IMG_F_REVERT, 700, NULL, NULL,
         NULL, 5);
    make(FB_IMG_V0_9_REV, "v0.9.0/c0/REVERT", 0, 9, 0, FERRY_IMG_F_REVERT, 400, NULL, NULL,
         NULL, 6);
    make(FB_IMG_V3, "v3.0.0/c5", 3, 0, 5, 0, 300, NULL, NULL, NULL, 7);
    make(FB_IMG_V2_2_BIG, "v2.2.0/c3/big", 2, 2, 3, 0, 3500, NULL, NULL, NULL, 8);
    make(FB_IMG_V2_6_C1, "v2.6.0/c1", 2, 6, 1, 0, 1000, NULL, NULL, NULL, 9);
    make(FB_IMG_KEYB_V9, "v9.0.0/c9/untrusted-key", 9, 0, 9, 0, 600, ib_key_b, NULL, NULL, 10);
    make(FB_IMG_CLASS_V9, "v9.0.0/c9/wrong-class", 9, 0, 9, 0, 600, NULL, NULL, other_class, 11);
    make(FB_IMG_VENDOR_V9, "v9.0.0/c9/wrong-vendor", 9, 0, 9, 0, 600, NULL, other_vendor, NULL,
         12);
    make(FB_IMG_BADSIG_V9, "v9.0.0/c9/bad-signature", 9, 0, 9, 0, 600, NULL, NULL, NULL, 13);
    {
        /* Payload changed after signing and the trailer digest made to match:
         * bytes the trusted key never signed, claiming that key. */
        uint8_t *b = store[FB_IMG_BADSIG_V9];
        uint32_t prot = ib_get16(b + 6) + ib_get32(b + 12);
        br_sha256_context h;
        b[ib_get16(b + 6) + 5] ^= 0x20;
        br_sha256_init(&h);
        br_sha256_update(&h, b, prot);
        br_sha256_out(&h, b + prot + 8);
        images[FB_IMG_BADSIG_V9].runnable = 0;
    }

    /* Splices: equal layouts (same TLVs, same payload size), so the header of
     * one lines up with the payload and trailer of the other. */
    uint32_t hs = ib_get16(store[FB_IMG_V1] + 6);
    memcpy(copy(FB_IMG_SPLICE_CLASS_V1, "splice:hdr(wrong-class)+body(v1.0.0)", FB_IMG_V1),
           store[FB_IMG_CLASS_V9], hs);
    memcpy(copy(FB_IMG_SPLICE_V1_CLASS, "splice:hdr(v1.0.0)+body(wrong-class)", FB_IMG_CLASS_V9),
           store[FB_IMG_V1], hs);
    uint8_t *p = copy(FB_IMG_V2_FLIP, "v2.0.0/c2/payload-flipped", FB_IMG_V2);
    p[ib_get16(p + 6) + 100] ^= 0x01;
    p = copy(FB_IMG_V1_1_SIGFLIP, "v1.1.0/c1/signature-flipped", FB_IMG_V1_1);
    p[images[FB_IMG_V1_1].len - 20] ^= 0x80;

    /* Key rotation (docs/keys.md): key 1 revokes key 0 once confirmed. */
    make_rb(FB_IMG_K1_V3_5_RB1, "v3.5.0/c3/key1/revokes<1", 3, 5, 3, 0, 800, key_one, NULL, NULL,
            14, 1);
    make_rb(FB_IMG_K1_V3_6_RB1_PERM, "v3.6.0/c3/key1/revokes<1/PERMANENT", 3, 6, 3,
            FERRY_IMG_F_PERMANENT, 700, key_one, NULL, NULL, 15, 1);
    make_rb(FB_IMG_K1_V3_7, "v3.7.0/c3/key1", 3, 7, 3, 0, 900, key_one, NULL, NULL, 16, 0);
    make_rb(FB_IMG_K1_V4_RB2, "v4.0.0/c4/key1/revokes<2 (own signer)", 4, 0, 4, 0, 600, key_one,
            NULL, NULL, 17, 2);
    make_rb(FB_IMG_K0_V3_8_RB1, "v3.8.0/c3/key0/revokes<1 (own signer)", 3, 8, 3, 0, 650, NULL,
            NULL, NULL, 18, 1);
    make_rb(FB_IMG_K0_V4_1, "v4.1.0/c3/key0", 4, 1, 3, 0, 750, NULL, NULL, NULL, 19, 0);
    make(FB_IMG_HS_V2_3, "v2.3.0/c2/header-signed", 2, 3, 2, FERRY_IMG_F_HEADER_SIGNED, 1800,
         NULL, NULL, NULL, 20);
    make(FB_IMG_HS_V3_1, "v3.1.0/c3/header-signed", 3, 1, 3, FERRY_IMG_F_HEADER_SIGNED, 1200,
         NULL, NULL, NULL, 21);
    p = copy(FB_IMG_HS_V3_1_FLIP, "v3.1.0/c3/header-signed/payload-flipped", FB_IMG_HS_V3_1);
    p[ib_get16(p + 6) + 200] ^= 0x04;

    for (unsigned i = 0; i < FB_IMG_COUNT; i++)
        describe(&images[i]);
}

const struct fb_image *fb_corpus(unsigned id)
{
    return &images[id % FB_IMG_COUNT];
}

const struct ferry_pubkey *fb_trusted_keys(void)
{
    return trusted;
}

const uint8_t *fb_vendor(void)
{
    return ib_vendor;
}

const uint8_t *fb_class(void)
{
    return ib_class;
}

const struct fb_image *fb_corpus_match(const uint8_t *bytes, uint32_t avail, uint32_t exact_len)
{
    for (unsigned i = 0; i < FB_IMG_COUNT; i++) {
        const struct fb_image *im = &images[i];
        if (im->len > avail || (exact_len && im->len != exact_len))
            continue;
        if (memcmp(bytes, im->bytes, im->len) == 0)
            return im;
    }
    return NULL;
}

const struct fb_image *fb_corpus_match_protected(const uint8_t *bytes, uint32_t total_len)
{
    const struct fb_image *found = NULL;
    for (unsigned i = 0; i < FB_IMG_COUNT; i++) {
        const struct fb_image *im = &images[i];
        if (im->len != total_len || memcmp(bytes, im->bytes, im->protected_size) != 0)
            continue;
        if (found == NULL || (im->runnable && !found->runnable))
            found = im;
    }
    return found;
}
