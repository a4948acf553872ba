/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image format v1: parser and verifier (src/boot/image.c) against images laid out
 * by tests/image_builder.h from the specification in docs/image-format.md.
 *
 * Out-of-area reads are caught three ways: every image under test sits in a
 * heap buffer of exactly its size (ASan reports any overread), the parser
 * must never see FERRY_E_RANGE from the area (it checks sizes before it
 * reads), and a spying device records the bytes each read touches.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "image_builder.h"

#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "ferry/flash.h"
#include "ferry/image.h"
#include "ferry/memflash.h"

#define IMG_CAP 8192u

/* ---- A spying read-only device ------------------------------------------ */

struct spy {
    const uint8_t *mem;
    struct ferry_sector_region region;
    struct ferry_flash_geometry geo;
    struct ferry_flash flash;
    unsigned reads;
    unsigned fail_at;      /* fail read number fail_at (1-based) with FERRY_E_IO; 0: never */
    uint32_t max_len;      /* longest single read */
    uint32_t lo, hi;       /* bytes touched: [lo, hi) */
    uint32_t bytes;        /* bytes read in all */
};

static int spy_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    struct spy *s = ctx;

    s->reads++;
    if (s->fail_at != 0 && s->reads == s->fail_at) {
        return FERRY_E_IO;
    }
    if (len > s->max_len) {
        s->max_len = len;
    }
    s->bytes += len;
    if (len != 0) {
        if (off < s->lo) {
            s->lo = off;
        }
        if (off + len > s->hi) {
            s->hi = off + len;
        }
        memcpy(buf, s->mem + off, len);
    }
    return FERRY_OK;
}

static const struct ferry_flash_ops spy_ops = { spy_read, NULL, NULL };

static void spy_init(struct spy *s, const uint8_t *mem, uint32_t size)
{
    memset(s, 0, sizeof *s);
    s->mem = mem;
    s->region.count = 1;
    s->region.size = size;
    s->geo.size = size;
    s->geo.program_unit = 1;
    s->geo.erased_value = 0xFF;
    s->geo.region_count = 1;
    s->geo.regions = &s->region;
    s->flash.ops = &spy_ops;
    s->flash.ctx = s;
    s->flash.geo = &s->geo;
    s->lo = UINT32_MAX;
}

/* ---- Helpers ------------------------------------------------------------- */

/* A heap copy of exactly `len` bytes (at least one, for the device). */
static uint8_t *exact_copy(const uint8_t *src, size_t len)
{
    uint8_t *p = malloc(len ? len : 1);

    if (p == NULL) {
        abort();
    }
    if (len) {
        memcpy(p, src, len);
    }
    return p;
}

/* Parses `img[0..len)` as a read-only device of exactly that size. */
static int parse_bytes(const uint8_t *img, size_t len, enum ferry_parse_mode mode,
                       struct ferry_image_info *info)
{
    struct ferry_memflash m;
    struct ferry_area area;
    uint8_t *copy = exact_copy(img, len);
    int rc;

    CHECK_EQ(ferry_memflash_init_ro(&m, copy, len ? (uint32_t)len : 1u), FERRY_OK);
    area.dev = &m.flash;
    area.off = 0;
    area.size = (uint32_t)len;
    rc = ferry_image_parse(&area, mode, info);
    free(copy);
    return rc;
}

static int parse_slot(const uint8_t *img, size_t len)
{
    struct ferry_image_info info;
    return parse_bytes(img, len, FERRY_PARSE_SLOT, &info);
}

static int parse_file(const uint8_t *img, size_t len)
{
    struct ferry_image_info info;
    return parse_bytes(img, len, FERRY_PARSE_FILE, &info);
}

/* Both modes must agree on header and metadata errors. */
static int parse_both(const uint8_t *img, size_t len)
{
    int slot = parse_slot(img, len);
    int file = parse_file(img, len);

    CHECK_EQ(slot, file);
    return slot;
}

struct keys {
    struct ferry_pubkey a, b;
};

static struct keys test_keys(void)
{
    struct keys k;

    ib_pubkey(ib_key_a, &k.a);
    ib_pubkey(ib_key_b, &k.b);
    return k;
}

/* Parses and verifies img in file mode against one trusted key. */
static int parse_and_verify(const uint8_t *img, size_t len, const struct ferry_verify_policy *pol,
                            size_t buf_len)
{
    struct ferry_memflash m;
    struct ferry_area area;
    struct ferry_image_info info;
    uint8_t *copy = exact_copy(img, len);
    uint8_t *buf = malloc(buf_len ? buf_len : 1);
    int rc;

    CHECK_EQ(ferry_memflash_init_ro(&m, copy, (uint32_t)len), FERRY_OK);
    area.dev = &m.flash;
    area.off = 0;
    area.size = (uint32_t)len;
    rc = ferry_image_parse(&area, FERRY_PARSE_FILE, &info);
    if (rc == FERRY_OK) {
        rc = ferry_image_verify(&area, &info, pol, buf, buf_len);
    }
    free(buf);
    free(copy);
    return rc;
}

static size_t build_default(uint8_t *img)
{
    struct ib_spec s = ib_default_spec();
    size_t len = ib_build(&s, img, IMG_CAP);

    CHECK(len > 0);
    return len;
}

static size_t build_with_tlvs(uint8_t *img, const struct ib_tlv *tlvs, size_t n)
{
    struct ib_spec s = ib_default_spec();
    size_t len;

    s.tlvs = tlvs;
    s.tlv_count = n;
    len = ib_build(&s, img, IMG_CAP);
    CHECK(len > 0);
    return len;
}

/* ---- Good images ----------------------------------------------------------- */

static void test_good_image_parses(void)
{
    static uint8_t img[IMG_CAP];
    struct ib_spec s = ib_default_spec();
    struct ferry_image_info info;
    struct keys k = test_keys();
    size_t len;

    s.flags = FERRY_IMG_F_REVERT;
    len = ib_build(&s, img, sizeof img);
    CHECK_EQ(parse_bytes(img, len, FERRY_PARSE_FILE, &info), FERRY_OK);
    /* metadata: 3 entries of 4+16, 4+16, 4+8 bytes = 52; header rounds to 88 */
    CHECK_EQ(info.meta_size, 52);
    CHECK_EQ(info.header_size, 88);
    CHECK_EQ(info.payload_size, 1000);
    CHECK_EQ(info.protected_size, 1088);
    CHECK_EQ(info.total_size, 1088 + 136);
    CHECK_EQ(len, info.total_size);
    CHECK_EQ(info.flags, FERRY_IMG_F_REVERT);
    CHECK_EQ(info.version.major, 1);
    CHECK_EQ(info.version.minor, 2);
    CHECK_EQ(info.version.patch, 3);
    CHECK_EQ(info.version.build, 4);
    CHECK_EQ(info.security_counter, 7);
    CHECK_MEM(info.vendor_id, ib_vendor, 16);
    CHECK_MEM(info.class_id, ib_class, 16);
    CHECK(strcmp(info.name, "demo-app") == 0);
    CHECK_MEM(info.digest, img + 1088 + 8, 32);
    CHECK_MEM(info.key_id, k.a.id, 32);
    CHECK_MEM(info.signature, img + 1088 + 72, 64);

    /* The same image in a larger slot: bytes after it are ignored. */
    {
        static uint8_t slot[IMG_CAP];
        memset(slot, 0xA5, sizeof slot);
        memcpy(slot, img, len);
        CHECK_EQ(parse_bytes(slot, len + 1000, FERRY_PARSE_SLOT, &info), FERRY_OK);
        CHECK_EQ(info.total_size, len);
        CHECK_EQ(parse_slot(slot, len), FERRY_OK); /* exact fit */
    }
}

static void test_good_image_verifies(void)
{
    static uint8_t img[IMG_CAP];
    struct keys k = test_keys();
    struct ferry_verify_policy pol = { &k.a, 1, ib_vendor, ib_class, 0 };
    size_t len = build_default(img);
    size_t buf_lens[] = { 100, 101, 128, 256, 4096, 100000 };
    size_t i;

    for (i = 0; i < sizeof buf_lens / sizeof buf_lens[0]; i++) {
        CHECK_EQ(parse_and_verify(img, len, &pol, buf_lens[i]), FERRY_OK);
    }
    /* The buffer must hold the fixed header and the metadata (they are
     * parsed from the RAM copy that is hashed): 32 + meta_size bytes. */
    CHECK_EQ(parse_and_verify(img, len, &pol, 32), FERRY_E_NOSPC);
    CHECK_EQ(parse_and_verify(img, len, &pol, 64), FERRY_E_NOSPC);
    /* No vendor/class in the policy: any vendor and class. */
    pol.vendor_id = NULL;
    pol.class_id = NULL;
    CHECK_EQ(parse_and_verify(img, len, &pol, 256), FERRY_OK);
}

static void test_optional_name_and_unknown_entries(void)
{
    static uint8_t img[IMG_CAP];
    static const uint8_t junk[7] = { 1, 2, 3, 4, 5, 6, 7 };
    const struct ib_tlv no_name[] = {
        { 0x0042, sizeof junk, junk }, /* unknown, not critical: skipped */
        { FERRY_TLV_CLASS_ID, 16, ib_class },
        { 0x0000, 0, NULL },           /* empty unknown entry */
        { 0x7FFF, 1, junk },
        { FERRY_TLV_VENDOR_ID, 16, ib_vendor },
    };
    struct ferry_image_info info;
    struct keys k = test_keys();
    struct ferry_verify_policy pol = { &k.a, 1, ib_vendor, ib_class, 0 };
    size_t len = build_with_tlvs(img, no_name, 5);

    CHECK_EQ(parse_bytes(img, len, FERRY_PARSE_FILE, &info), FERRY_OK);
    CHECK_EQ(info.name[0], '\0');
    CHECK_MEM(info.vendor_id, ib_vendor, 16);
    CHECK_MEM(info.class_id, ib_class, 16);
    CHECK_EQ(parse_and_verify(img, len, &pol, 512), FERRY_OK);
}

static void test_name_limits(void)
{
    static uint8_t img[IMG_CAP];
    char name[FERRY_NAME_MAX + 1];
    struct ib_tlv t[3] = {
        { FERRY_TLV_VENDOR_ID, 16, ib_vendor },
        { FERRY_TLV_CLASS_ID, 16, ib_class },
        { FERRY_TLV_NAME, FERRY_NAME_MAX, name },
    };
    struct ferry_image_info info;
    size_t len;

    memset(name, 'n', sizeof name);
    len = build_with_tlvs(img, t, 3);
    CHECK_EQ(parse_bytes(img, len, FERRY_PARSE_SLOT, &info), FERRY_OK);
    CHECK_EQ(strlen(info.name), FERRY_NAME_MAX);

    t[2].len = 1;
    len = build_with_tlvs(img, t, 3);
    CHECK_EQ(parse_bytes(img, len, FERRY_PARSE_SLOT, &info), FERRY_OK);
    CHECK(strcmp(info.name, "n") == 0);

    t[2].len = FERRY_NAME_MAX + 1;
    CHECK_EQ(parse_both(img, build_with_tlvs(img, t, 3)), FERRY_E_IMG_TLV);
    t[2].len = 0;
    CHECK_EQ(parse_both(img, build_with_tlvs(img, t, 3)), FERRY_E_IMG_TLV);
    t[2].len = 10;
    name[4] = '\0';
    CHECK_EQ(parse_both(img, build_with_tlvs(img, t, 3)), FERRY_E_IMG_TLV);
    name[4] = 'n';
    name[9] = '\0'; /* last byte NUL */
    CHECK_EQ(parse_both(img, build_with_tlvs(img, t, 3)), FERRY_E_IMG_TLV);
}

/* ---- Fixed header rules ---------------------------------------------------- */

static void test_erased_and_foreign_slots(void)
{
    static uint8_t slot[4096];

    memset(slot, 0xFF, sizeof slot);
    CHECK_EQ(parse_slot(slot, sizeof slot), FERRY_E_IMG_MAGIC);
    memset(slot, 0x00, sizeof slot);
    CHECK_EQ(parse_slot(slot, sizeof slot), FERRY_E_IMG_MAGIC);
    memcpy(slot, "FRRX", 4);
    CHECK_EQ(parse_slot(slot, sizeof slot), FERRY_E_IMG_MAGIC);
    memcpy(slot, "FRRY", 4); /* magic but the rest zero: format version 0 */
    CHECK_EQ(parse_slot(slot, sizeof slot), FERRY_E_IMG_FORMAT);
}

static void test_header_rules(void)
{
    static uint8_t good[IMG_CAP], img[IMG_CAP];
    size_t len = build_default(good);

#define MUTATE(stmt, expect) do { memcpy(img, good, len); stmt; \
        CHECK_EQ(parse_both(img, len), (expect)); } while (0)

    MUTATE(img[0] ^= 1, FERRY_E_IMG_MAGIC);
    MUTATE(img[3] = 0, FERRY_E_IMG_MAGIC);
    MUTATE(ib_put16(img + 4, 0), FERRY_E_IMG_FORMAT);
    MUTATE(ib_put16(img + 4, 2), FERRY_E_IMG_FORMAT);
    MUTATE(ib_put16(img + 4, 0x0101), FERRY_E_IMG_FORMAT);
    MUTATE(ib_put16(img + 10, 1), FERRY_E_IMG_HEADER);      /* reserved */
    MUTATE(ib_put16(img + 10, 0x8000), FERRY_E_IMG_HEADER);
    MUTATE(ib_put16(img + 6, 84), FERRY_E_IMG_HEADER);      /* header_size not 8-aligned */
    MUTATE(ib_put16(img + 6, 89), FERRY_E_IMG_HEADER);
    MUTATE(ib_put16(img + 6, 80), FERRY_E_IMG_HEADER);      /* < 32 + meta_size (84) */
    MUTATE(ib_put16(img + 6, 0), FERRY_E_IMG_HEADER);
    MUTATE(ib_put16(img + 8, 54), FERRY_E_IMG_HEADER);      /* meta_size not 4-aligned */
    MUTATE(ib_put16(img + 8, 60), FERRY_E_IMG_HEADER);      /* 32 + 60 > 88 */
    MUTATE(ib_put32(img + 12, 0), FERRY_E_IMG_HEADER);      /* payload_size 0 */
    MUTATE(ib_put32(img + 16, 16), FERRY_E_IMG_HEADER);     /* unknown flag */
    MUTATE(ib_put32(img + 16, FERRY_IMG_F_HEADER_SIGNED), FERRY_E_IMG_MISSING); /* no digests */
    MUTATE(ib_put32(img + 16, FERRY_IMG_F_HEADER_SIGNED | FERRY_IMG_F_ENCRYPTED),
           FERRY_E_IMG_HEADER);                              /* one or the other */
    MUTATE(ib_put32(img + 16, FERRY_IMG_F_ENCRYPTED), FERRY_E_IMG_MISSING); /* no entries */
    MUTATE(ib_put32(img + 16, 0x80000000u), FERRY_E_IMG_HEADER);
    MUTATE(ib_put32(img + 16, FERRY_IMG_F_REVERT), FERRY_OK);
    /* header_size 8 larger and payload 8 smaller: the first payload bytes
     * become header padding, which is not interpreted. */
    MUTATE((ib_put16(img + 6, 96), ib_put32(img + 12, 992)), FERRY_OK);
    /* meta_size 56 with header 88: the extra 4 zero bytes hold entry type
     * 0 (unknown, not critical) of length 0 taken from the padding. */
    MUTATE(ib_put16(img + 8, 56), FERRY_OK);
#undef MUTATE
}

static void test_trailer_rules(void)
{
    static uint8_t good[IMG_CAP], img[IMG_CAP];
    size_t len = build_default(good);
    size_t t = len - FERRY_IMG_TRAILER_SIZE;

#define MUTATE(stmt, expect) do { memcpy(img, good, len); stmt; \
        CHECK_EQ(parse_both(img, len), (expect)); } while (0)

    MUTATE(img[t] ^= 0x80, FERRY_E_IMG_TRAILER);
    MUTATE(ib_put32(img + t, FERRY_IMG_MAGIC), FERRY_E_IMG_TRAILER);
    MUTATE(ib_put16(img + t + 4, 135), FERRY_E_IMG_TRAILER);
    MUTATE(ib_put16(img + t + 4, 0), FERRY_E_IMG_TRAILER);
    MUTATE(ib_put16(img + t + 6, 0), FERRY_E_IMG_TRAILER);
    MUTATE(ib_put16(img + t + 6, 2), FERRY_E_IMG_TRAILER);
    /* digest, key ID and signature are not parse's business */
    MUTATE(img[t + 8] ^= 1, FERRY_OK);
    MUTATE(img[t + 40] ^= 1, FERRY_OK);
    MUTATE(img[t + 135] ^= 1, FERRY_OK);
#undef MUTATE
}

/* ---- Metadata rules -------------------------------------------------------- */

static void test_metadata_rules(void)
{
    static uint8_t img[IMG_CAP];
    static const uint8_t big[20] = { 0 };
    const struct ib_tlv vendor = { FERRY_TLV_VENDOR_ID, 16, ib_vendor };
    const struct ib_tlv klass = { FERRY_TLV_CLASS_ID, 16, ib_class };
    const struct ib_tlv name = { FERRY_TLV_NAME, 3, "abc" };
    size_t len;

    {
        const struct ib_tlv t[] = { klass };
        CHECK_EQ(parse_both(img, build_with_tlvs(img, t, 1)), FERRY_E_IMG_MISSING);
    }
    {
        const struct ib_tlv t[] = { vendor, name };
        CHECK_EQ(parse_both(img, build_with_tlvs(img, t, 2)), FERRY_E_IMG_MISSING);
    }
    CHECK_EQ(parse_both(img, build_with_tlvs(img, &vendor, 0)), FERRY_E_IMG_MISSING); /* none */
    {
        const struct ib_tlv t[] = { vendor, klass, vendor };
        CHECK_EQ(parse_both(img, build_with_tlvs(img, t, 3)), FERRY_E_IMG_TLV);
    }
    {
        const struct ib_tlv t[] = { klass, vendor, klass };
        CHECK_EQ(parse_both(img, build_with_tlvs(img, t, 3)), FERRY_E_IMG_TLV);
    }
    {
        const struct ib_tlv t[] = { name, vendor, klass, name };
        CHECK_EQ(parse_both(img, build_with_tlvs(img, t, 4)), FERRY_E_IMG_TLV);
    }
    {
        const struct ib_tlv t[] = { { FERRY_TLV_VENDOR_ID, 15, big }, klass };
        CHECK_EQ(parse_both(img, build_with_tlvs(img, t, 2)), FERRY_E_IMG_TLV);
    }
    {
        const struct ib_tlv t[] = { vendor, { FERRY_TLV_CLASS_ID, 17, big } };
        CHECK_EQ(parse_both(img, build_with_tlvs(img, t, 2)), FERRY_E_IMG_TLV);
    }
    {
        const struct ib_tlv t[] = { vendor, { FERRY_TLV_CLASS_ID, 0, NULL } };
        CHECK_EQ(parse_both(img, build_with_tlvs(img, t, 2)), FERRY_E_IMG_TLV);
    }
    {
        const struct ib_tlv t[] = { vendor, klass, { 0x8123, 4, big } };
        CHECK_EQ(parse_both(img, build_with_tlvs(img, t, 3)), FERRY_E_IMG_CRITICAL);
    }
    {
        const struct ib_tlv t[] = { vendor, klass, { 0xFFFF, 0, NULL } };
        CHECK_EQ(parse_both(img, build_with_tlvs(img, t, 3)), FERRY_E_IMG_CRITICAL);
    }
    {
        /* critical entry first: reported before the missing ones */
        const struct ib_tlv t[] = { { 0x8000, 0, NULL } };
        CHECK_EQ(parse_both(img, build_with_tlvs(img, t, 1)), FERRY_E_IMG_CRITICAL);
    }
    {
        /* Last entry's length runs past meta_size (by 1 and by a lot). */
        const struct ib_tlv t[] = { vendor, klass, { 0x0042, 8, big } };
        size_t last = 32 + 20 + 20;
        len = build_with_tlvs(img, t, 3);
        ib_put16(img + last + 2, 9);
        CHECK_EQ(parse_both(img, len), FERRY_E_IMG_TLV);
        ib_put16(img + last + 2, 0xFFFF);
        CHECK_EQ(parse_both(img, len), FERRY_E_IMG_TLV);
        ib_put16(img + last + 2, 8);
        CHECK_EQ(parse_both(img, len), FERRY_OK);
        /* a known entry running past the end */
        ib_put16(img + last, FERRY_TLV_NAME);
        ib_put16(img + last + 2, 12);
        CHECK_EQ(parse_both(img, len), FERRY_E_IMG_TLV);
    }
    {
        /* meta_size cut so that the vendor entry's value sticks out of it,
         * although the bytes are in the header padding. */
        const struct ib_tlv t[] = { klass, vendor };
        len = build_with_tlvs(img, t, 2);
        CHECK_EQ(ib_get16(img + 8), 40);
        ib_put16(img + 8, 36); /* header_size stays 72 */
        CHECK_EQ(parse_both(img, len), FERRY_E_IMG_TLV);
    }
    {
        /* Entries after the vendor/class are padded per entry: a 1-byte
         * unknown value is followed by 3 padding bytes, then the next entry. */
        const struct ib_tlv t[] = { { 0x0042, 1, big }, vendor, { 0x0043, 2, big }, klass };
        CHECK_EQ(parse_both(img, build_with_tlvs(img, t, 4)), FERRY_OK);
    }
}

/* ---- Sizes against the area ---------------------------------------------- */

static void test_sizes(void)
{
    static uint8_t good[IMG_CAP], img[IMG_CAP];
    size_t len = build_default(good);
    size_t n;

    /* Every truncation of a good image, including below the fixed header. */
    for (n = 0; n < len; n++) {
        CHECK_EQ(parse_file(good, n), FERRY_E_IMG_TRUNCATED);
        CHECK_EQ(parse_slot(good, n), FERRY_E_IMG_TOO_BIG);
    }
    CHECK_EQ(parse_file(good, len), FERRY_OK);
    memcpy(img, good, len);
    img[len] = 0xFF;
    CHECK_EQ(parse_file(img, len + 1), FERRY_E_IMG_TRAILING);
    CHECK_EQ(parse_slot(img, len + 1), FERRY_OK);

    /* Sizes that overflow 32 bits. */
    memcpy(img, good, len);
    ib_put32(img + 12, 0xFFFFFFFFu);
    CHECK_EQ(parse_slot(img, len), FERRY_E_IMG_TOO_BIG);
    CHECK_EQ(parse_file(img, len), FERRY_E_IMG_TRUNCATED);
    ib_put32(img + 12, 0xFFFFFFFFu - 88u - 136u + 1u); /* total == 2^32 */
    CHECK_EQ(parse_slot(img, len), FERRY_E_IMG_TOO_BIG);
    ib_put16(img + 6, 0xFFF8);
    ib_put32(img + 12, 0xFFFF0000u);
    CHECK_EQ(parse_slot(img, len), FERRY_E_IMG_TOO_BIG);

    /* header_size alone larger than the slot. */
    memcpy(img, good, len);
    ib_put16(img + 6, 0xFFF8);
    ib_put32(img + 12, 1);
    CHECK_EQ(parse_slot(img, len), FERRY_E_IMG_TOO_BIG);
    CHECK_EQ(parse_file(img, len), FERRY_E_IMG_TRUNCATED);

    /* Payload one byte shorter: the trailer is looked for one byte early. */
    memcpy(img, good, len);
    ib_put32(img + 12, 999);
    CHECK_EQ(parse_slot(img, len), FERRY_E_IMG_TRAILER);
    CHECK_EQ(parse_file(img, len), FERRY_E_IMG_TRAILING);
}

static void test_bad_arguments(void)
{
    static uint8_t img[IMG_CAP];
    struct ferry_memflash m;
    struct ferry_area area;
    struct ferry_image_info info;
    size_t len = build_default(img);

    CHECK_EQ(ferry_memflash_init_ro(&m, img, (uint32_t)len), FERRY_OK);
    area.dev = &m.flash;
    area.off = 0;
    area.size = (uint32_t)len;
    CHECK_EQ(ferry_image_parse(NULL, FERRY_PARSE_SLOT, &info), FERRY_E_INVAL);
    CHECK_EQ(ferry_image_parse(&area, FERRY_PARSE_SLOT, NULL), FERRY_E_INVAL);
    CHECK_EQ(ferry_image_parse(&area, (enum ferry_parse_mode)7, &info), FERRY_E_INVAL);
    CHECK_EQ(ferry_image_parse(&area, FERRY_PARSE_FILE, &info), FERRY_OK);
    {
        struct keys k = test_keys();
        struct ferry_verify_policy pol = { &k.a, 1, NULL, NULL, 0 };
        struct ferry_verify_policy nokeys = { NULL, 1, NULL, NULL, 0 };
        struct ferry_image_info bad = info;
        uint8_t buf[256];

        CHECK_EQ(ferry_image_verify(&area, &info, &pol, buf, 31), FERRY_E_INVAL);
        CHECK_EQ(ferry_image_verify(&area, &info, &pol, NULL, 64), FERRY_E_INVAL);
        CHECK_EQ(ferry_image_verify(&area, &info, NULL, buf, 64), FERRY_E_INVAL);
        CHECK_EQ(ferry_image_verify(&area, NULL, &pol, buf, 64), FERRY_E_INVAL);
        CHECK_EQ(ferry_image_verify(NULL, &info, &pol, buf, 64), FERRY_E_INVAL);
        CHECK_EQ(ferry_image_verify(&area, &info, &nokeys, buf, 64), FERRY_E_INVAL);
        bad.protected_size++;
        CHECK_EQ(ferry_image_verify(&area, &bad, &pol, buf, 64), FERRY_E_INVAL);
        bad = info;
        bad.total_size = area.size + 1;
        bad.protected_size = bad.total_size - FERRY_IMG_TRAILER_SIZE;
        bad.payload_size = bad.protected_size - bad.header_size;
        CHECK_EQ(ferry_image_verify(&area, &bad, &pol, buf, 64), FERRY_E_INVAL);
        CHECK_EQ(ferry_image_verify(&area, &info, &pol, buf, 32), FERRY_E_NOSPC);
        CHECK_EQ(ferry_image_verify(&area, &info, &pol, buf, 256), FERRY_OK);
    }
}

/* ---- Never outside the area ---------------------------------------------- */

/* Small deterministic PRNG (xorshift32) for the mutation loop. */
static uint32_t rng_next(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

/*
 * The image sits in the middle of a device, between poison bytes, and is
 * mutated at random in its header, metadata and trailer framing. Whatever
 * the parser answers, it must not read outside the area nor provoke a range
 * error from it.
 */
static void test_reads_stay_in_area(void)
{
    static uint8_t good[IMG_CAP];
    enum { GUARD = 256 };
    static const uint8_t noise[8] = { 0x80, 0x01, 0x03, 0x00, 0xFF, 0x7F, 0x08, 0x10 };
    const struct ib_tlv t[] = {
        { FERRY_TLV_VENDOR_ID, 16, ib_vendor },
        { 0x0042, 5, noise },
        { FERRY_TLV_CLASS_ID, 16, ib_class },
        { FERRY_TLV_NAME, 4, "name" },
    };
    size_t len = build_with_tlvs(good, t, 4);
    size_t dev_len = len + 2 * GUARD;
    uint8_t *dev = malloc(dev_len);
    uint32_t seed = 0x12345678u;
    unsigned iter, bad_range = 0, escaped = 0, ok = 0;
    struct keys k = test_keys();
    struct ferry_verify_policy pol = { &k.a, 1, ib_vendor, ib_class, 0 };
    uint8_t buf[48];

    for (iter = 0; iter < 20000; iter++) {
        struct spy s;
        struct ferry_area area;
        struct ferry_image_info info;
        unsigned flips = 1 + rng_next(&seed) % 4, f;
        int mode = (int)(iter & 1u), rc;

        memset(dev, 0xEE, dev_len);
        memcpy(dev + GUARD, good, len);
        for (f = 0; f < flips; f++) {
            uint32_t r = rng_next(&seed);
            /* Mostly the header and metadata, sometimes the trailer framing. */
            size_t pos = (r & 3u) ? (r >> 8) % 128u : len - FERRY_IMG_TRAILER_SIZE + (r >> 8) % 8u;
            dev[GUARD + pos] = (r & 4u) ? (uint8_t)(r >> 16) : noise[(r >> 16) % 8u];
        }
        spy_init(&s, dev, (uint32_t)dev_len);
        area.dev = &s.flash;
        area.off = GUARD;
        area.size = (uint32_t)len;
        rc = ferry_image_parse(&area, mode ? FERRY_PARSE_FILE : FERRY_PARSE_SLOT, &info);
        if (rc == FERRY_OK) {
            ok++;
            s.max_len = 0;
            rc = ferry_image_verify(&area, &info, &pol, buf, sizeof buf);
            CHECK(rc <= 0);
            CHECK(s.max_len <= sizeof buf);
        }
        if (rc == FERRY_E_RANGE) {
            bad_range++;
        }
        if (s.reads != 0 && (s.lo < GUARD || s.hi > GUARD + len)) {
            escaped++;
        }
    }
    CHECK_EQ(bad_range, 0);
    CHECK_EQ(escaped, 0);
    CHECK(ok > 0); /* some mutations hit bytes the parser ignores */
    printf("     %u mutated images, %u parsed\n", iter, ok);
    free(dev);
}

/* Every read failure is reported as it is, never as an image error. */
static void test_read_errors_propagate(void)
{
    static uint8_t img[IMG_CAP];
    size_t len = build_default(img);
    struct keys k = test_keys();
    struct ferry_verify_policy pol = { &k.a, 1, NULL, NULL, 0 };
    struct ferry_image_info info;
    struct ferry_area area;
    struct spy s;
    unsigned n, total_reads;
    uint8_t buf[256];

    spy_init(&s, img, (uint32_t)len);
    area.dev = &s.flash;
    area.off = 0;
    area.size = (uint32_t)len;
    CHECK_EQ(ferry_image_parse(&area, FERRY_PARSE_SLOT, &info), FERRY_OK);
    CHECK_EQ(ferry_image_verify(&area, &info, &pol, buf, sizeof buf), FERRY_OK);
    total_reads = s.reads;
    CHECK(total_reads > 6);
    for (n = 1; n <= total_reads; n++) {
        int rc;
        spy_init(&s, img, (uint32_t)len);
        s.fail_at = n;
        rc = ferry_image_parse(&area, FERRY_PARSE_SLOT, &info);
        if (rc == FERRY_OK) {
            rc = ferry_image_verify(&area, &info, &pol, buf, sizeof buf);
        }
        CHECK_EQ(rc, FERRY_E_IO);
    }
}

/* ---- Verification -------------------------------------------------------- */

static void test_verify_errors(void)
{
    static uint8_t good[IMG_CAP], img[IMG_CAP];
    struct keys k = test_keys();
    struct ferry_pubkey both[2];
    struct ferry_verify_policy pol = { &k.a, 1, ib_vendor, ib_class, 0 };
    static const uint8_t other[16] = { 9 };
    size_t len = build_default(good);
    uint32_t prot = (uint32_t)(len - FERRY_IMG_TRAILER_SIZE);
    uint8_t *t = img + prot;

    /* Payload changed after signing. */
    memcpy(img, good, len);
    img[prot - 1] ^= 1;
    CHECK_EQ(parse_and_verify(img, len, &pol, 256), FERRY_E_IMG_DIGEST);
    /* Header changed (version bumped) after signing. */
    memcpy(img, good, len);
    img[20]++;
    CHECK_EQ(parse_and_verify(img, len, &pol, 256), FERRY_E_IMG_DIGEST);
    /* Digest in the trailer tampered with. */
    memcpy(img, good, len);
    t[8 + 31] ^= 0x40;
    CHECK_EQ(parse_and_verify(img, len, &pol, 256), FERRY_E_IMG_DIGEST);
    /* Payload changed and the digest recomputed, old signature kept. */
    memcpy(img, good, len);
    img[prot - 1] ^= 1;
    ferry_sha256(img, prot, t + 8);
    CHECK_EQ(parse_and_verify(img, len, &pol, 256), FERRY_E_IMG_SIGNATURE);
    /* Signature bits flipped: r, s, first and last byte. */
    {
        size_t bits[] = { 72 * 8, 72 * 8 + 7, 104 * 8 + 3, 135 * 8 + 7 };
        size_t i;
        for (i = 0; i < sizeof bits / sizeof bits[0]; i++) {
            memcpy(img, good, len);
            t[bits[i] / 8] ^= (uint8_t)(1u << (bits[i] % 8));
            CHECK_EQ(parse_and_verify(img, len, &pol, 256), FERRY_E_IMG_SIGNATURE);
        }
    }
    /* Signature of all zeros and r = s = 0xFF..: out of range. */
    memcpy(img, good, len);
    memset(t + 72, 0, 64);
    CHECK_EQ(parse_and_verify(img, len, &pol, 256), FERRY_E_IMG_SIGNATURE);
    memset(t + 72, 0xFF, 64);
    CHECK_EQ(parse_and_verify(img, len, &pol, 256), FERRY_E_IMG_SIGNATURE);

    /* Key ID unknown to the policy, or no keys at all. */
    memcpy(img, good, len);
    t[40] ^= 1;
    CHECK_EQ(parse_and_verify(img, len, &pol, 256), FERRY_E_IMG_KEY);
    pol.key_count = 0;
    CHECK_EQ(parse_and_verify(good, len, &pol, 256), FERRY_E_IMG_KEY);
    pol.key_count = 1;
    /* Signed by key B, policy trusts only A. */
    {
        struct ib_spec s = ib_default_spec();
        s.key = ib_key_b;
        CHECK_EQ(ib_build(&s, img, sizeof img), len);
        CHECK_EQ(parse_and_verify(img, len, &pol, 256), FERRY_E_IMG_KEY);
        /* Both trusted: B (second in the list) is found. */
        both[0] = k.a;
        both[1] = k.b;
        pol.keys = both;
        pol.key_count = 2;
        CHECK_EQ(parse_and_verify(img, len, &pol, 256), FERRY_OK);
        CHECK_EQ(parse_and_verify(good, len, &pol, 256), FERRY_OK);
        /* Key ID says A, signature made by B. */
        memcpy(img + prot + 40, k.a.id, 32);
        CHECK_EQ(parse_and_verify(img, len, &pol, 256), FERRY_E_IMG_SIGNATURE);
        pol.keys = &k.a;
        pol.key_count = 1;
    }
    /* A trusted key entry whose point is not on the curve. */
    {
        struct ferry_pubkey broken = k.a;
        broken.point[64] ^= 1;
        pol.keys = &broken;
        CHECK_EQ(parse_and_verify(good, len, &pol, 256), FERRY_E_IMG_SIGNATURE);
        pol.keys = &k.a;
    }

    /* Vendor and class checked after the signature. */
    pol.vendor_id = other;
    CHECK_EQ(parse_and_verify(good, len, &pol, 256), FERRY_E_IMG_VENDOR);
    pol.vendor_id = ib_vendor;
    pol.class_id = other;
    CHECK_EQ(parse_and_verify(good, len, &pol, 256), FERRY_E_IMG_CLASS);
    pol.vendor_id = NULL;
    CHECK_EQ(parse_and_verify(good, len, &pol, 256), FERRY_E_IMG_CLASS);
    /* Order: digest before vendor. */
    pol.vendor_id = other;
    memcpy(img, good, len);
    img[prot - 1] ^= 1;
    CHECK_EQ(parse_and_verify(img, len, &pol, 256), FERRY_E_IMG_DIGEST);
}

/* verify reads every byte of the image exactly once: the fixed header, the
 * rest of the first buffer-full, then buffer-sized chunks of the protected
 * bytes, then the trailer into its own RAM copy. */
static void test_verify_chunking(void)
{
    static uint8_t img[IMG_CAP];
    size_t len = build_default(img);
    struct keys k = test_keys();
    struct ferry_verify_policy pol = { &k.a, 1, NULL, NULL, 0 };
    struct ferry_image_info info;
    struct ferry_area area;
    struct spy s;
    uint8_t buf[128];

    spy_init(&s, img, (uint32_t)len);
    area.dev = &s.flash;
    area.off = 0;
    area.size = (uint32_t)len;
    CHECK_EQ(ferry_image_parse(&area, FERRY_PARSE_FILE, &info), FERRY_OK);
    spy_init(&s, img, (uint32_t)len);
    CHECK_EQ(ferry_image_verify(&area, &info, &pol, buf, sizeof buf), FERRY_OK);
    CHECK_EQ(s.max_len, FERRY_IMG_TRAILER_SIZE);
    CHECK_EQ(s.reads, 1 + (info.protected_size + sizeof buf - 1) / sizeof buf + 1);
    CHECK_EQ(s.bytes, info.total_size);
    CHECK_EQ(s.hi, info.total_size);
}

static void test_area_sha256(void)
{
    static uint8_t img[IMG_CAP];
    size_t len = build_default(img);
    struct ferry_memflash m;
    struct ferry_area area;
    uint8_t buf[7], a[32], b[32];

    CHECK_EQ(ferry_memflash_init_ro(&m, img, (uint32_t)len), FERRY_OK);
    area.dev = &m.flash;
    area.off = 0;
    area.size = (uint32_t)len;
    CHECK_EQ(ferry_area_sha256(&area, 5, 1000, buf, sizeof buf, a), FERRY_OK);
    ferry_sha256(img + 5, 1000, b);
    CHECK_MEM(a, b, 32);
    CHECK_EQ(ferry_area_sha256(&area, (uint32_t)len, 0, buf, sizeof buf, a), FERRY_OK);
    ferry_sha256("", 0, b);
    CHECK_MEM(a, b, 32);
    CHECK_EQ(ferry_area_sha256(&area, 1, (uint32_t)len, buf, sizeof buf, a), FERRY_E_RANGE);
    CHECK_EQ(ferry_area_sha256(&area, UINT32_MAX, 2, buf, sizeof buf, a), FERRY_E_RANGE);
    CHECK_EQ(ferry_area_sha256(&area, 0, 1, buf, 0, a), FERRY_E_INVAL);
}

/* ---- Versions -------------------------------------------------------------- */

/* ferry_image_verify_streamed(): the digests of a writer's one pass. */
static int verify_streamed_bytes(uint8_t *img, size_t len, const struct ferry_verify_policy *pol,
                                 const struct ferry_image_digests *d)
{
    struct ferry_memflash m;
    struct ferry_image_info info;
    uint8_t buf[512];
    CHECK_EQ(ferry_memflash_init_ro(&m, img, (uint32_t)len), FERRY_OK);
    struct ferry_area area = { &m.flash, 0, (uint32_t)len };
    int rc = ferry_image_parse(&area, FERRY_PARSE_FILE, &info);
    return rc ? rc : ferry_image_verify_streamed(&area, &info, pol, buf, sizeof buf, d);
}

static void test_verify_streamed(void)
{
    static uint8_t img[IMG_CAP];
    struct keys k = test_keys();
    struct ferry_verify_policy pol = { &k.a, 1, ib_vendor, ib_class, 0 };
    struct ferry_image_digests d, bad;
    struct ferry_image_info info;
    size_t len = build_default(img);
    CHECK_EQ(parse_file(img, len), FERRY_OK);
    {
        struct ferry_memflash m;
        CHECK_EQ(ferry_memflash_init_ro(&m, img, (uint32_t)len), FERRY_OK);
        struct ferry_area area = { &m.flash, 0, (uint32_t)len };
        CHECK_EQ(ferry_image_parse(&area, FERRY_PARSE_FILE, &info), FERRY_OK);
    }
    memset(&d, 0, sizeof d);
    ferry_sha256(img, info.header_size, d.head);
    ferry_sha256(img, info.protected_size, d.digest);
    CHECK_EQ(verify_streamed_bytes(img, len, &pol, &d), FERRY_OK);
    /* A digest that is not the signed one. */
    bad = d;
    bad.digest[5] ^= 1;
    CHECK_EQ(verify_streamed_bytes(img, len, &pol, &bad), FERRY_E_IMG_DIGEST);
    /* The header read now is not the header that was streamed. */
    bad = d;
    bad.head[0] ^= 1;
    CHECK_EQ(verify_streamed_bytes(img, len, &pol, &bad), FERRY_E_IMG_CHANGED);
    /* A wrong key still fails, with the streamed digests right. */
    pol.keys = &k.b;
    CHECK_EQ(verify_streamed_bytes(img, len, &pol, &d), FERRY_E_IMG_KEY);
    pol.keys = &k.a;
    /* A payload byte changed in flash after it was streamed is not read
     * again here (the contract: the bytes as they were written; the
     * bootloader's own verification reads them again). */
    img[info.header_size + 3] ^= 0x40;
    CHECK_EQ(verify_streamed_bytes(img, len, &pol, &d), FERRY_OK);
    CHECK_EQ(parse_and_verify(img, len, &pol, 512), FERRY_E_IMG_DIGEST);
    img[info.header_size + 3] ^= 0x40;
    /* No digests given. */
    CHECK_EQ(verify_streamed_bytes(img, len, &pol, NULL), FERRY_E_INVAL);
}

/* ferry_image_fixed_header(): the sizes a writer splits its hash at. */
static void test_fixed_header(void)
{
    static uint8_t img[IMG_CAP];
    struct ferry_image_info fx;
    size_t len = build_default(img);
    CHECK(len > 0);
    CHECK_EQ(ferry_image_fixed_header(img, &fx), FERRY_OK);
    CHECK_EQ(fx.protected_size, fx.header_size + fx.payload_size);
    CHECK_EQ(fx.protected_size + FERRY_IMG_TRAILER_SIZE, (uint32_t)len);
    img[0] ^= 1;
    CHECK_EQ(ferry_image_fixed_header(img, &fx), FERRY_E_IMG_MAGIC);
}

static void test_version_cmp(void)
{
    const struct ferry_version base = { 1, 2, 3, 4 };
    struct ferry_version v;

    v = base;
    CHECK_EQ(ferry_version_cmp(&v, &base), 0);
    v.build = 5;
    CHECK(ferry_version_cmp(&v, &base) > 0);
    CHECK(ferry_version_cmp(&base, &v) < 0);
    v = base;
    v.patch = 2;
    v.build = 0xFFFFFFFFu; /* patch decides before build */
    CHECK(ferry_version_cmp(&v, &base) < 0);
    v = base;
    v.minor = 3;
    v.patch = 0;
    v.build = 0;
    CHECK(ferry_version_cmp(&v, &base) > 0);
    v = base;
    v.major = 0;
    v.minor = 255;
    v.patch = 0xFFFF;
    CHECK(ferry_version_cmp(&v, &base) < 0);
    v.major = 2;
    v.minor = 0;
    v.patch = 0;
    v.build = 0;
    CHECK(ferry_version_cmp(&v, &base) > 0);
    v = base;
    v.patch = 0x0300; /* 16-bit compare, not byte-wise */
    CHECK(ferry_version_cmp(&v, &base) > 0);
}

int main(void)
{
    RUN(test_good_image_parses);
    RUN(test_good_image_verifies);
    RUN(test_verify_streamed);
    RUN(test_fixed_header);
    RUN(test_optional_name_and_unknown_entries);
    RUN(test_name_limits);
    RUN(test_erased_and_foreign_slots);
    RUN(test_header_rules);
    RUN(test_trailer_rules);
    RUN(test_metadata_rules);
    RUN(test_sizes);
    RUN(test_bad_arguments);
    RUN(test_reads_stay_in_area);
    RUN(test_read_errors_propagate);
    RUN(test_verify_errors);
    RUN(test_verify_chunking);
    RUN(test_area_sha256);
    RUN(test_version_cmp);
    return check_done();
}
