/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The boot fuzzer's image corpus: real signed images (tests/image_builder.h)
 * made once at start-up, and spliced or damaged copies of them. The fuzzer
 * input picks images from here by index; the oracle judges the primary slot
 * by comparing it byte for byte with the entries marked runnable.
 *
 * The indices are part of the input format (seeds name them): append new
 * entries at the end, never renumber. Input bytes name the first
 * FB_IMG_LEGACY images as they always did and the later ones through
 * FB_SEL_NEW (fb_slot_image(), fb_arg_image()), so inputs saved before the
 * later images existed keep their meaning.
 */
#ifndef FB_CORPUS_H
#define FB_CORPUS_H

#include <stdint.h>

#include "ferry/image.h"

enum fb_image_id {
    FB_IMG_V1 = 0,      /* 1.0.0, counter 1 */
    FB_IMG_V1_1,        /* 1.1.0, counter 1 */
    FB_IMG_V2,          /* 2.0.0, counter 2 */
    FB_IMG_V2_1_PERM,   /* 2.1.0, counter 2, PERMANENT */
    FB_IMG_V1_5_REV,    /* 1.5.0, counter 2, REVERT */
    FB_IMG_V0_9_REV,    /* 0.9.0, counter 0, REVERT */
    FB_IMG_V3,          /* 3.0.0, counter 5 */
    FB_IMG_V2_2_BIG,    /* 2.2.0, counter 3, close to a whole primary slot of board 0 */
    FB_IMG_V2_6_C1,     /* 2.6.0, counter 1: newer version, lower counter */
    FB_IMG_KEYB_V9,     /* 9.0.0, counter 9, signed by the untrusted key */
    FB_IMG_CLASS_V9,    /* 9.0.0, counter 9, trusted key, wrong device class */
    FB_IMG_VENDOR_V9,   /* 9.0.0, counter 9, trusted key, wrong vendor */
    FB_IMG_BADSIG_V9,   /* 9.0.0, counter 9, trusted key ID, digest right, signature wrong */
    FB_IMG_SPLICE_CLASS_V1, /* header of CLASS_V9, payload and trailer of V1 */
    FB_IMG_SPLICE_V1_CLASS, /* header of V1, payload and trailer of CLASS_V9 */
    FB_IMG_V2_FLIP,     /* V2 with one payload byte flipped */
    FB_IMG_V1_1_SIGFLIP,/* V1_1 with one signature byte flipped */
    /* Key rotation: key index 1 (trusted as well); "rb N" = FERRY_TLV_REVOKE_BELOW N. */
    FB_IMG_K1_V3_5_RB1,      /* 3.5.0, counter 3, key 1, rb 1 */
    FB_IMG_K1_V3_6_RB1_PERM, /* 3.6.0, counter 3, key 1, rb 1, PERMANENT */
    FB_IMG_K1_V3_7,          /* 3.7.0, counter 3, key 1, no entry */
    FB_IMG_K1_V4_RB2,        /* 4.0.0, counter 4, key 1, rb 2: revokes its own signer */
    FB_IMG_K0_V3_8_RB1,      /* 3.8.0, counter 3, key 0, rb 1: revokes its own signer */
    FB_IMG_K0_V4_1,          /* 4.1.0, counter 3, key 0: runnable only while key 0 is trusted */
    /* Header-signed (docs/image-format.md section 14): judged on the header,
     * payload checked as it lands or before it runs. */
    FB_IMG_HS_V2_3,          /* 2.3.0, counter 2, header-signed */
    FB_IMG_HS_V3_1,          /* 3.1.0, counter 3, header-signed */
    FB_IMG_HS_V3_1_FLIP,     /* HS_V3_1 with one payload byte flipped: its header verifies */
    FB_IMG_COUNT
};

/* Input byte values: 0..FB_IMG_LEGACY-1 name those images; FB_SEL_NEW + k
 * names image FB_IMG_LEGACY + k. As a slot selector FB_IMG_LEGACY means
 * "erased" and every other value "filled with that byte". */
#define FB_IMG_LEGACY 17u
#define FB_SEL_NEW    0xE0u
#define FB_SEL_ERASED FB_IMG_LEGACY

/* Slot selector -> image index, or -1 (erased or filled). */
static inline int fb_slot_image(uint8_t v)
{
    if (v < FB_IMG_LEGACY)
        return v;
    if (v >= FB_SEL_NEW && v < FB_SEL_NEW + (FB_IMG_COUNT - FB_IMG_LEGACY))
        return (int)(FB_IMG_LEGACY + v - FB_SEL_NEW);
    return -1;
}

/* Image argument (interposer substitution, staged image) -> image index:
 * a slot selector's image, else the value modulo FB_IMG_LEGACY (as before). */
static inline unsigned fb_arg_image(uint8_t v)
{
    int i = fb_slot_image(v);
    return i >= 0 ? (unsigned)i : v % FB_IMG_LEGACY;
}

/* The input byte naming image `id` (seeds). */
static inline uint8_t fb_sel_of(unsigned id)
{
    return (uint8_t)(id < FB_IMG_LEGACY ? id : FB_SEL_NEW + (id - FB_IMG_LEGACY));
}

struct fb_image {
    const char *name;
    const uint8_t *bytes;
    uint32_t len;            /* total size */
    int runnable;            /* signed by a trusted key for this vendor and class, and
                                not revoking its own signer */
    int key_index;           /* index of the trusted key that signed it; -1: untrusted */
    uint32_t revoke_below;   /* its FERRY_TLV_REVOKE_BELOW value (0: none) */
    /* From its own header bytes (also for spliced copies): */
    uint32_t header_size, protected_size, flags, security_counter;
    struct ferry_version version;
    uint8_t protected_digest[32]; /* the digest the bootloader names it by: SHA-256 of
                                     [0, protected_size), a header-signed image's of
                                     its header */
};

/* Builds the corpus (a few dozen ECDSA signatures). Exits on a builder failure. */
void fb_corpus_build(void);
const struct fb_image *fb_corpus(unsigned id);

/* The trusted key table: ib_key_a as index 0, a third test key as index 1
 * (ib_key_b stays untrusted); FB_KEY_COUNT entries. This device's vendor and class. */
#define FB_KEY_COUNT 2u
const struct ferry_pubkey *fb_trusted_keys(void);
const uint8_t *fb_vendor(void);
const uint8_t *fb_class(void);

/* The runnable corpus image that `bytes` (of `avail` bytes) starts with, or
 * NULL. With exact_len != 0 only an image of exactly that total size counts. */
const struct fb_image *fb_corpus_match(const uint8_t *bytes, uint32_t avail, uint32_t exact_len);

/* The corpus image whose protected bytes [0, protected_size) start `bytes`
 * and whose total size is `total_len`, preferring a runnable one; or NULL.
 * `bytes` holds at least total_len bytes. */
const struct fb_image *fb_corpus_match_protected(const uint8_t *bytes, uint32_t total_len);

#endif
