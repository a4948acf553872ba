/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Encrypted images (docs/image-format.md section 13, docs/encryption.md):
 * the host builder encrypts, the device parser and verifier check both forms
 * (stored: ciphertext against its signed digest; installed: plaintext), and
 * each tampering gets its own error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ferry/crypto.h"
#include "ferry/crypto_enc.h"
#include "ferry/errors.h"
#include "ferry/image.h"
#include "ferry/memflash.h"
#include "ferry_host.h"

static const uint8_t sign_priv[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                      17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
static const uint8_t class_priv[32] = {0x42, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5,
                                       6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21};
static const uint8_t other_priv[32] = {0x13, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
                                       3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3};
static const uint8_t eph_priv[32] = {0x77, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                     1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
static const uint8_t content_key[16] = {0xc0, 0xff, 0xee, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

#define PAYLOAD 5003u

static struct ferry_host_key signer, class_key, other_key;
static struct ferry_pubkey trusted;
static struct ferry_verify_policy policy;
static uint8_t payload[PAYLOAD];
static uint8_t buf[512]; /* encrypted images need 32 + meta_size (284 here) */

static void setup(void)
{
    CHECK_EQ(ferry_host_key_from_private(sign_priv, &signer), 0);
    CHECK_EQ(ferry_host_key_from_private(class_priv, &class_key), 0);
    CHECK_EQ(ferry_host_key_from_private(other_priv, &other_key), 0);
    memcpy(trusted.point, signer.pub, 65);
    memcpy(trusted.id, signer.id, 32);
    trusted.index = 0;
    policy.keys = &trusted;
    policy.key_count = 1;
    for (uint32_t i = 0; i < PAYLOAD; i++)
        payload[i] = (uint8_t)(i * 7u + (i >> 8));
}

/* A signed image encrypted for `class_pub`; *len its size. */
static uint8_t *make(const uint8_t class_pub[65], size_t *len, struct ferry_host_enc *enc)
{
    struct ferry_sign_params p;
    memset(&p, 0, sizeof p);
    p.version.major = 2;
    p.security_counter = 3;
    p.header_size = 1024;
    memset(p.vendor_id, 0x11, 16);
    memset(p.class_id, 0x22, 16);
    CHECK_EQ(ferry_host_enc_fixed(class_pub, eph_priv, content_key, enc), 0);
    p.enc = enc;
    uint8_t *img = NULL;
    CHECK_EQ(ferry_host_sign(&signer, &p, payload, PAYLOAD, &img, len), 0);
    return img;
}

/* Parses img[0..len) in `mode` and verifies it: the first error, or 0. */
static int check(uint8_t *img, size_t len, enum ferry_parse_mode mode, struct ferry_image_info *info)
{
    struct ferry_memflash mf;
    struct ferry_image_info local;
    if (!info)
        info = &local;
    CHECK_EQ(ferry_memflash_init_ro(&mf, img, (uint32_t)len), 0);
    struct ferry_area a = {&mf.flash, 0, (uint32_t)len};
    int rc = ferry_image_parse(&a, mode, info);
    return rc ? rc : ferry_image_verify(&a, info, &policy, buf, sizeof buf);
}

/* 1 if any 64-byte run of the plaintext payload appears in [p, p+n). */
static int holds_plaintext_run(const uint8_t *p, size_t n)
{
    for (uint32_t off = 0; off + 64 <= PAYLOAD; off += 61)
        for (size_t i = 0; i + 64 <= n; i++)
            if (memcmp(p + i, payload + off, 64) == 0)
                return 1;
    return 0;
}

/* The installed form: the payload decrypted in place with the class key. */
static int decrypt_in_place(uint8_t *img, const struct ferry_image_info *info, const uint8_t priv[32],
                            const uint8_t pub[65])
{
    uint8_t k[16];
    int rc = ferry_ecies_unwrap(priv, pub, info->enc.ephemeral, info->enc.wrapped, k);
    if (rc)
        return rc;
    ferry_aes128_key aes;
    ferry_aes128_key_init(&aes, k);
    ferry_wipe(k, sizeof k);
    rc = ferry_aes128_ctr_xor(&aes, info->enc.nonce, 0, img + info->header_size,
                              info->payload_size);
    ferry_aes128_key_wipe(&aes);
    return rc;
}

static void test_stored_form_verifies_without_the_class_key(void)
{
    struct ferry_host_enc enc;
    struct ferry_image_info info;
    size_t len;
    uint8_t *img = make(class_key.pub, &len, &enc);
    CHECK_EQ(check(img, len, FERRY_PARSE_FILE, &info), 0);
    CHECK(info.flags & FERRY_IMG_F_ENCRYPTED);
    CHECK_EQ(info.installed, 0);
    CHECK(memcmp(info.enc.class_key_id, class_key.id, 32) == 0);
    CHECK(memcmp(info.enc.ephemeral, enc.ephemeral, 65) == 0);
    CHECK(memcmp(info.enc.wrapped, enc.wrapped, 24) == 0);
    CHECK(memcmp(info.enc.nonce, enc.nonce, 12) == 0);
    uint8_t d[32];
    ferry_sha256(payload, PAYLOAD, d);
    CHECK(memcmp(info.plain_digest, d, 32) == 0);
    ferry_sha256(img + info.header_size, PAYLOAD, d);
    CHECK(memcmp(info.cipher_digest, d, 32) == 0);
    ferry_sha256(img, info.header_size, d); /* the signature covers the header only */
    CHECK(memcmp(info.digest, d, 32) == 0);
    CHECK(!holds_plaintext_run(img, len));
    /* The same bytes in a slot with room behind them, stored form. */
    uint8_t *slot = malloc(len + 4096);
    memcpy(slot, img, len);
    memset(slot + len, 0xFF, 4096);
    CHECK_EQ(check(slot, len + 4096, FERRY_PARSE_SLOT, NULL), 0);
    CHECK_EQ(check(slot, len + 4096, FERRY_PARSE_PRIMARY, NULL), FERRY_E_IMG_PLAINTEXT);
    free(slot);
    free(img);
}

static void test_installed_form_verifies_against_the_plaintext(void)
{
    struct ferry_host_enc enc;
    struct ferry_image_info info;
    size_t len;
    uint8_t *img = make(class_key.pub, &len, &enc);
    CHECK_EQ(check(img, len, FERRY_PARSE_FILE, &info), 0);
    CHECK_EQ(decrypt_in_place(img, &info, class_priv, class_key.pub), 0);
    CHECK(memcmp(img + info.header_size, payload, PAYLOAD) == 0);
    CHECK_EQ(check(img, len, FERRY_PARSE_PRIMARY, &info), 0);
    CHECK_EQ(info.installed, 1);
    CHECK_EQ(check(img, len, FERRY_PARSE_SLOT, NULL), FERRY_E_IMG_CIPHERTEXT);
    img[info.header_size + 100] ^= 1;
    CHECK_EQ(check(img, len, FERRY_PARSE_PRIMARY, NULL), FERRY_E_IMG_PLAINTEXT);
    free(img);
}

static void test_each_tampering_has_its_error(void)
{
    struct ferry_host_enc enc;
    struct ferry_image_info info;
    size_t len;
    uint8_t *img = make(class_key.pub, &len, &enc);
    CHECK_EQ(check(img, len, FERRY_PARSE_FILE, &info), 0);
    uint32_t hs = info.header_size;

    /* A ciphertext byte: the signature still holds, the signed digest not. */
    img[hs + PAYLOAD - 1] ^= 0x80;
    CHECK_EQ(check(img, len, FERRY_PARSE_FILE, NULL), FERRY_E_IMG_CIPHERTEXT);
    img[hs + PAYLOAD - 1] ^= 0x80;

    /* The wrapped key (in the signed header): the header digest breaks. */
    uint32_t meta = (uint32_t)(img[8] | img[9] << 8), wrap = 0;
    for (uint32_t pos = 32; pos < 32 + meta;) {
        uint32_t t = (uint32_t)(img[pos] | img[pos + 1] << 8), l = (uint32_t)(img[pos + 2] | img[pos + 3] << 8);
        if (t == FERRY_TLV_ENCRYPTION)
            wrap = pos + 4 + 101;
        pos += 4 + ((l + 3u) & ~3u);
    }
    CHECK(wrap != 0);
    img[wrap + 5] ^= 1;
    CHECK_EQ(check(img, len, FERRY_PARSE_FILE, NULL), FERRY_E_IMG_DIGEST);
    struct ferry_image_info bad;
    CHECK_EQ(check(img, len - 0, FERRY_PARSE_FILE, &bad), FERRY_E_IMG_DIGEST);
    CHECK_EQ(ferry_ecies_unwrap(class_priv, class_key.pub, bad.enc.ephemeral, bad.enc.wrapped,
                                (uint8_t[16]){0}), FERRY_E_IMG_KEYWRAP);
    img[wrap + 5] ^= 1;

    /* Truncated: one byte short of the trailer's end. */
    CHECK_EQ(check(img, len - 1, FERRY_PARSE_FILE, NULL), FERRY_E_IMG_TRUNCATED);

    /* The flag without the entries, the entries without the flag. */
    img[16] &= (uint8_t)~FERRY_IMG_F_ENCRYPTED;
    CHECK_EQ(check(img, len, FERRY_PARSE_FILE, NULL), FERRY_E_IMG_TLV);
    img[16] |= FERRY_IMG_F_ENCRYPTED;
    CHECK_EQ(check(img, len, FERRY_PARSE_FILE, NULL), 0);
    free(img);
}

static void test_another_class_key_cannot_open_it(void)
{
    struct ferry_host_enc enc;
    struct ferry_image_info info;
    size_t len;
    uint8_t *img = make(other_key.pub, &len, &enc);
    CHECK_EQ(check(img, len, FERRY_PARSE_FILE, &info), 0); /* genuine, for another class key */
    CHECK(memcmp(info.enc.class_key_id, class_key.id, 32) != 0);
    CHECK_EQ(decrypt_in_place(img, &info, class_priv, class_key.pub), FERRY_E_IMG_KEYWRAP);
    CHECK_EQ(decrypt_in_place(img, &info, other_priv, other_key.pub), 0);
    CHECK_EQ(check(img, len, FERRY_PARSE_PRIMARY, NULL), 0);
    free(img);
}

static void test_every_payload_split_decrypts_the_same(void)
{
    struct ferry_host_enc enc;
    struct ferry_image_info info;
    size_t len;
    uint8_t *img = make(class_key.pub, &len, &enc);
    CHECK_EQ(check(img, len, FERRY_PARSE_FILE, &info), 0);
    uint8_t k[16];
    CHECK_EQ(ferry_ecies_unwrap(class_priv, class_key.pub, info.enc.ephemeral, info.enc.wrapped, k), 0);
    CHECK(memcmp(k, content_key, 16) == 0);
    ferry_aes128_key aes;
    ferry_aes128_key_init(&aes, k);
    /* Unit by unit, as a swap moves it, in pieces of odd sizes. */
    uint8_t *c = img + info.header_size;
    for (uint32_t off = 0, n = 1; off < PAYLOAD; off += n, n = n * 3 + 1) {
        if (n > PAYLOAD - off)
            n = PAYLOAD - off;
        CHECK_EQ(ferry_aes128_ctr_xor(&aes, info.enc.nonce, off, c + off, n), 0);
    }
    CHECK(memcmp(c, payload, PAYLOAD) == 0);
    ferry_aes128_key_wipe(&aes);
    free(img);
}

/* Every scratch size from the smallest that holds the metadata: the header
 * digest must end exactly at header_size wherever the chunks fall. */
/* The streamed verification (a writer's one pass): the header's digest is
 * the trailer digest, the payload's the signed ciphertext digest. */
static void test_streamed_digests(void)
{
    struct ferry_host_enc enc;
    struct ferry_image_info info;
    struct ferry_image_digests d;
    size_t len;
    uint8_t *img = make(class_key.pub, &len, &enc);
    struct ferry_memflash mf;
    CHECK_EQ(ferry_memflash_init_ro(&mf, img, (uint32_t)len), 0);
    struct ferry_area a = {&mf.flash, 0, (uint32_t)len};
    CHECK_EQ(ferry_image_parse(&a, FERRY_PARSE_FILE, &info), 0);
    ferry_sha256(img, info.header_size, d.head);
    memcpy(d.digest, d.head, 32);
    ferry_sha256(img + info.header_size, info.payload_size, d.payload);
    CHECK_EQ(ferry_image_verify_streamed(&a, &info, &policy, buf, sizeof buf, &d), 0);
    d.payload[0] ^= 1;
    CHECK_EQ(ferry_image_verify_streamed(&a, &info, &policy, buf, sizeof buf, &d),
             FERRY_E_IMG_CIPHERTEXT);
    d.payload[0] ^= 1;
    d.digest[0] ^= 1;
    CHECK_EQ(ferry_image_verify_streamed(&a, &info, &policy, buf, sizeof buf, &d),
             FERRY_E_IMG_DIGEST);
    free(img);
}

static void test_verify_chunking(void)
{
    static const size_t lens[] = {284, 285, 300, 511, 512, 1000, 1023, 1024, 1025, 1028, 4096, 6000};
    struct ferry_host_enc enc;
    struct ferry_image_info info;
    struct ferry_memflash mf;
    size_t len;
    uint8_t *img = make(class_key.pub, &len, &enc);
    uint8_t *scratch = malloc(8192);
    CHECK_EQ(ferry_memflash_init_ro(&mf, img, (uint32_t)len), 0);
    struct ferry_area a = {&mf.flash, 0, (uint32_t)len};
    CHECK_EQ(ferry_image_parse(&a, FERRY_PARSE_FILE, &info), 0);
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++)
        CHECK_EQ(ferry_image_verify(&a, &info, &policy, scratch, lens[i]), 0);
    CHECK_EQ(ferry_image_verify(&a, &info, &policy, scratch, 283), FERRY_E_NOSPC);
    CHECK_EQ(decrypt_in_place(img, &info, class_priv, class_key.pub), 0);
    CHECK_EQ(ferry_image_parse(&a, FERRY_PARSE_PRIMARY, &info), 0);
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++)
        CHECK_EQ(ferry_image_verify(&a, &info, &policy, scratch, lens[i]), 0);
    free(scratch);
    free(img);
}

/* Header-signed images (docs/image-format.md section 14): the trailer
 * digest covers the header, the payload is bound by the payload-digest entry;
 * both parse modes verify; each tampering has its error; a streamed
 * verification takes the writer's payload digest. */
static void test_header_signed(void)
{
    struct ferry_sign_params p;
    memset(&p, 0, sizeof p);
    p.version.major = 4;
    p.header_size = 1024;
    p.flags = FERRY_IMG_F_HEADER_SIGNED;
    memset(p.vendor_id, 0x11, 16);
    memset(p.class_id, 0x22, 16);
    uint8_t *img = NULL;
    size_t len;
    CHECK_EQ(ferry_host_sign(&signer, &p, payload, PAYLOAD, &img, &len), 0);
    struct ferry_image_info info;
    CHECK_EQ(check(img, len, FERRY_PARSE_FILE, &info), 0);
    CHECK_EQ(check(img, len, FERRY_PARSE_PRIMARY, NULL), 0);
    uint8_t h[32];
    ferry_sha256(img, info.header_size, h);
    CHECK(memcmp(h, info.digest, 32) == 0);             /* the digest is the header's */
    ferry_sha256(payload, PAYLOAD, h);
    CHECK(memcmp(h, info.plain_digest, 32) == 0);       /* the entry binds the payload */
    CHECK(memcmp(h, info.cipher_digest, 32) == 0);      /* one form */

    img[info.header_size + 4000] ^= 2;                  /* a payload byte */
    CHECK_EQ(check(img, len, FERRY_PARSE_FILE, NULL), FERRY_E_IMG_DIGEST);
    CHECK_EQ(check(img, len, FERRY_PARSE_PRIMARY, NULL), FERRY_E_IMG_DIGEST);
    img[info.header_size + 4000] ^= 2;
    img[20] ^= 1;                                       /* the version, in the header */
    CHECK_EQ(check(img, len, FERRY_PARSE_FILE, NULL), FERRY_E_IMG_DIGEST);
    img[20] ^= 1;
    /* Its two payload digests must be one (the entry sits after vendor and
     * class: 32 + 2 * 20 + 4 bytes in, H_c 32 bytes further). */
    uint32_t hc = 32u + 2u * 20u + 4u + 32u;
    img[hc] ^= 1;
    CHECK_EQ(check(img, len, FERRY_PARSE_FILE, NULL), FERRY_E_IMG_TLV);
    img[hc] ^= 1;
    CHECK_EQ(check(img, len, FERRY_PARSE_FILE, NULL), 0);

    struct ferry_memflash mf;
    struct ferry_image_digests d;
    CHECK_EQ(ferry_memflash_init_ro(&mf, img, (uint32_t)len), 0);
    struct ferry_area a = {&mf.flash, 0, (uint32_t)len};
    CHECK_EQ(ferry_image_parse(&a, FERRY_PARSE_FILE, &info), 0);
    ferry_sha256(img, info.header_size, d.head);
    memcpy(d.digest, d.head, 32);
    ferry_sha256(img + info.header_size, info.payload_size, d.payload);
    CHECK_EQ(ferry_image_verify_streamed(&a, &info, &policy, buf, sizeof buf, &d), 0);
    d.payload[5] ^= 1;
    CHECK_EQ(ferry_image_verify_streamed(&a, &info, &policy, buf, sizeof buf, &d),
             FERRY_E_IMG_DIGEST);

    /* Not with --encrypt: one or the other. */
    struct ferry_host_enc enc;
    CHECK_EQ(ferry_host_enc_fixed(class_key.pub, eph_priv, content_key, &enc), 0);
    p.enc = &enc;
    uint8_t *bad = NULL;
    size_t bad_len;
    CHECK(ferry_host_sign(&signer, &p, payload, PAYLOAD, &bad, &bad_len) != 0);
    free(bad);
    free(img);
}

int main(void)
{
    setup();
    RUN(test_header_signed);
    RUN(test_stored_form_verifies_without_the_class_key);
    RUN(test_installed_form_verifies_against_the_plaintext);
    RUN(test_each_tampering_has_its_error);
    RUN(test_another_class_key_cannot_open_it);
    RUN(test_every_payload_split_decrypts_the_same);
    RUN(test_verify_chunking);
    RUN(test_streamed_digests);
    return check_done();
}
