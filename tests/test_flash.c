/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests for the flash seam in the core: error text, the checked wrappers,
 * sector lookup on non-uniform layouts, areas, the memory flash and the
 * block-device adapter.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ferry/blockdev.h"
#include "ferry/errors.h"
#include "ferry/flash.h"
#include "ferry/memflash.h"

#define KiB 1024u

/* STM32F4-like: 4x16K, 1x64K, 7x128K = 1 MiB, 4-byte program unit. */
static const struct ferry_sector_region f4_regions[] = {
    {4, 16 * KiB}, {1, 64 * KiB}, {7, 128 * KiB},
};
static const struct ferry_flash_geometry f4_geo = {
    0x08000000u, 1024 * KiB, 4, 0xFF, 3, f4_regions,
};

/* Small uniform device: 8 sectors of 256 bytes, 8-byte program unit. */
static const struct ferry_sector_region small_regions[] = {{8, 256}};
static const struct ferry_flash_geometry small_geo = {0, 2048, 8, 0xFF, 1, small_regions};
static const struct ferry_flash_geometry small_geo_zero = {0, 2048, 8, 0x00, 1, small_regions};

/* ---- A lenient driver that accepts anything and records each call ------- */

struct lenient {
    int reads, programs, erases;
    uint32_t last_off, last_len;
};

static int lenient_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    struct lenient *l = ctx;
    l->reads++;
    l->last_off = off;
    l->last_len = len;
    memset(buf, 0xA5, len);
    return FERRY_OK;
}

static int lenient_program(void *ctx, uint32_t off, const void *buf, uint32_t len)
{
    struct lenient *l = ctx;
    (void)buf;
    l->programs++;
    l->last_off = off;
    l->last_len = len;
    return FERRY_OK;
}

static int lenient_erase(void *ctx, uint32_t off, uint32_t len)
{
    struct lenient *l = ctx;
    l->erases++;
    l->last_off = off;
    l->last_len = len;
    return FERRY_OK;
}

static const struct ferry_flash_ops lenient_ops = {lenient_read, lenient_program, lenient_erase};

static int lenient_calls(const struct lenient *l)
{
    return l->reads + l->programs + l->erases;
}

/* ---- Tests ------------------------------------------------------------- */

static void test_strerror(void)
{
    static const int codes[] = {
        FERRY_E_IO, FERRY_E_CORRUPT, FERRY_E_INVAL, FERRY_E_ALIGN, FERRY_E_RANGE,
        FERRY_E_NOT_ERASED, FERRY_E_NOSPC, FERRY_E_POWER_LOSS, FERRY_E_NOT_FOUND,
        FERRY_E_UNSUPPORTED, FERRY_E_TIMEOUT, FERRY_E_IMG_MAGIC, FERRY_E_IMG_FORMAT,
        FERRY_E_IMG_HEADER, FERRY_E_IMG_TLV, FERRY_E_IMG_CRITICAL, FERRY_E_IMG_TOO_BIG,
        FERRY_E_IMG_TRUNCATED, FERRY_E_IMG_TRAILING, FERRY_E_IMG_TRAILER, FERRY_E_IMG_DIGEST,
        FERRY_E_IMG_KEY, FERRY_E_IMG_SIGNATURE, FERRY_E_IMG_VENDOR, FERRY_E_IMG_CLASS,
        FERRY_E_IMG_DOWNGRADE, FERRY_E_IMG_ROLLBACK, FERRY_E_IMG_MISSING, FERRY_E_NO_IMAGE,
        FERRY_E_STATE,
    };
    size_t n = sizeof(codes) / sizeof(codes[0]);

    CHECK(strcmp(ferry_strerror(FERRY_OK), "ok") == 0);
    CHECK(strcmp(ferry_strerror(FERRY_E_IMG_DIGEST), "image digest mismatch") == 0);
    CHECK(strcmp(ferry_strerror(-12345), "unknown error") == 0);
    CHECK(strcmp(ferry_strerror(7), "unknown error") == 0);
    for (size_t i = 0; i < n; i++) {
        const char *s = ferry_strerror(codes[i]);
        CHECK(s != NULL && s[0] != '\0');
        CHECK(strcmp(s, "unknown error") != 0);
        for (const char *p = s; *p; p++)
            CHECK(!(*p >= 'A' && *p <= 'Z'));
        /* Every code has its own text, so one printed line names one error. */
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(s, ferry_strerror(codes[j])) != 0);
    }
}

static void test_geometry_check(void)
{
    struct ferry_sector_region r[2] = {{4, 256}, {2, 1024}};
    struct ferry_flash_geometry g = {0, 3072, 8, 0xFF, 2, r};

    CHECK_EQ(ferry_flash_geometry_check(&g), FERRY_OK);
    CHECK_EQ(ferry_flash_geometry_check(&f4_geo), FERRY_OK);
    CHECK_EQ(ferry_flash_geometry_check(NULL), FERRY_E_INVAL);

    g.size = 3071;   /* regions do not add up */
    CHECK_EQ(ferry_flash_geometry_check(&g), FERRY_E_INVAL);
    g.size = 4096;
    CHECK_EQ(ferry_flash_geometry_check(&g), FERRY_E_INVAL);
    g.size = 3072;

    g.program_unit = 0;
    CHECK_EQ(ferry_flash_geometry_check(&g), FERRY_E_INVAL);
    g.program_unit = 12;  /* not a power of two */
    CHECK_EQ(ferry_flash_geometry_check(&g), FERRY_E_INVAL);
    g.program_unit = 512; /* larger than a 256-byte sector */
    CHECK_EQ(ferry_flash_geometry_check(&g), FERRY_E_INVAL);
    g.program_unit = 1024;
    CHECK_EQ(ferry_flash_geometry_check(&g), FERRY_E_INVAL);
    g.program_unit = 256;
    CHECK_EQ(ferry_flash_geometry_check(&g), FERRY_OK);
    g.program_unit = 8;

    g.erased_value = 0x7F;
    CHECK_EQ(ferry_flash_geometry_check(&g), FERRY_E_INVAL);
    g.erased_value = 0x00;
    CHECK_EQ(ferry_flash_geometry_check(&g), FERRY_OK);

    g.region_count = 0;
    CHECK_EQ(ferry_flash_geometry_check(&g), FERRY_E_INVAL);
    g.region_count = 2;
    r[1].count = 0;
    CHECK_EQ(ferry_flash_geometry_check(&g), FERRY_E_INVAL);
    r[1].count = 2;
    g.regions = NULL;
    CHECK_EQ(ferry_flash_geometry_check(&g), FERRY_E_INVAL);
    g.regions = r;

    /* count*size overflowing 32 bits must not wrap into a match. */
    r[0].count = 0x00100001u;
    r[0].size = 0x1000u;    /* 0x100001000: low 32 bits are 0x1000 */
    g.region_count = 1;
    g.size = 0x1000u;
    CHECK_EQ(ferry_flash_geometry_check(&g), FERRY_E_INVAL);

    /* Nor may the 64-bit sum wrap: these add up to 2^64 + 0x1000. */
    {
        static const struct ferry_sector_region huge[] = {
            {0xFFFFFFFFu, 0xFFFFFFFFu}, {2, 0xFFFFFFFFu}, {1, 0x1001u},
        };
        struct ferry_flash_geometry h = {0, 0x1000u, 1, 0xFF, 3, huge};
        CHECK_EQ(ferry_flash_geometry_check(&h), FERRY_E_INVAL);
    }
}

static void test_sector_at_nonuniform(void)
{
    struct lenient l = {0};
    struct ferry_flash f = {&lenient_ops, &l, &f4_geo};
    static const struct { uint32_t off, start, size; } cases[] = {
        {0, 0, 16 * KiB},
        {16 * KiB - 1, 0, 16 * KiB},
        {16 * KiB, 16 * KiB, 16 * KiB},
        {63 * KiB, 48 * KiB, 16 * KiB},
        {64 * KiB, 64 * KiB, 64 * KiB},
        {127 * KiB, 64 * KiB, 64 * KiB},
        {128 * KiB, 128 * KiB, 128 * KiB},
        {300 * KiB, 256 * KiB, 128 * KiB},
        {1024 * KiB - 1, 896 * KiB, 128 * KiB},
    };
    uint32_t start = 1, size = 1;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CHECK_EQ(ferry_flash_sector_at(&f, cases[i].off, &start, &size), FERRY_OK);
        CHECK_EQ(start, cases[i].start);
        CHECK_EQ(size, cases[i].size);
    }
    CHECK_EQ(ferry_flash_sector_at(&f, 1024 * KiB, &start, &size), FERRY_E_RANGE);
    CHECK_EQ(ferry_flash_sector_at(&f, UINT32_MAX, &start, &size), FERRY_E_RANGE);
    CHECK_EQ(ferry_flash_sector_at(&f, 5, NULL, NULL), FERRY_OK);

    /* Boundaries: every sector start, 0 and the end; nothing in between. */
    CHECK_EQ(ferry_flash_is_sector_boundary(&f, 0), 1);
    CHECK_EQ(ferry_flash_is_sector_boundary(&f, 16 * KiB), 1);
    CHECK_EQ(ferry_flash_is_sector_boundary(&f, 64 * KiB), 1);
    CHECK_EQ(ferry_flash_is_sector_boundary(&f, 128 * KiB), 1);
    CHECK_EQ(ferry_flash_is_sector_boundary(&f, 1024 * KiB), 1);
    CHECK_EQ(ferry_flash_is_sector_boundary(&f, 80 * KiB), 0);   /* inside the 64K */
    CHECK_EQ(ferry_flash_is_sector_boundary(&f, 192 * KiB), 0);  /* inside a 128K */
    CHECK_EQ(ferry_flash_is_sector_boundary(&f, 1), 0);
    CHECK_EQ(ferry_flash_is_sector_boundary(&f, 1024 * KiB + 1), 0);
    CHECK_EQ(lenient_calls(&l), 0);
}

/* The wrappers must refuse bad requests before the driver sees them. */
static void test_wrappers_check_first(void)
{
    struct lenient l = {0};
    struct ferry_flash f = {&lenient_ops, &l, &f4_geo};
    uint8_t buf[64];

    memset(buf, 0, sizeof(buf));
    CHECK_EQ(ferry_flash_read(&f, 1024 * KiB - 3, buf, 4), FERRY_E_RANGE);
    CHECK_EQ(ferry_flash_read(&f, 1024 * KiB + 1, buf, 0), FERRY_E_RANGE);
    CHECK_EQ(ferry_flash_read(&f, 8, buf, UINT32_MAX - 4), FERRY_E_RANGE); /* off+len wraps */
    CHECK_EQ(ferry_flash_read(&f, UINT32_MAX, buf, 2), FERRY_E_RANGE);
    CHECK_EQ(ferry_flash_program(&f, 2, buf, 4), FERRY_E_ALIGN);
    CHECK_EQ(ferry_flash_program(&f, 4, buf, 6), FERRY_E_ALIGN);
    CHECK_EQ(ferry_flash_program(&f, 1024 * KiB - 4, buf, 8), FERRY_E_RANGE);
    CHECK_EQ(ferry_flash_program(&f, 0xFFFFFFFCu, buf, 8), FERRY_E_RANGE);
    CHECK_EQ(ferry_flash_erase(&f, 0, 8 * KiB), FERRY_E_ALIGN);          /* half a sector */
    CHECK_EQ(ferry_flash_erase(&f, 8 * KiB, 8 * KiB), FERRY_E_ALIGN);
    CHECK_EQ(ferry_flash_erase(&f, 64 * KiB, 32 * KiB), FERRY_E_ALIGN);  /* part of the 64K */
    CHECK_EQ(ferry_flash_erase(&f, 896 * KiB, 256 * KiB), FERRY_E_RANGE);
    CHECK_EQ(ferry_flash_erase(&f, 0xFFFF0000u, 0x20000u), FERRY_E_RANGE);
    CHECK_EQ(ferry_flash_read(NULL, 0, buf, 1), FERRY_E_INVAL);
    CHECK_EQ(ferry_flash_read(&f, 0, NULL, 1), FERRY_E_INVAL);
    CHECK_EQ(ferry_flash_program(&f, 0, NULL, 4), FERRY_E_INVAL);
    CHECK_EQ(lenient_calls(&l), 0);

    /* Good requests pass through unchanged; empty program/erase are no-ops. */
    CHECK_EQ(ferry_flash_read(&f, 1024 * KiB - 3, buf, 3), FERRY_OK);
    CHECK_EQ(l.reads, 1);
    CHECK_EQ(buf[0], 0xA5);
    CHECK_EQ(ferry_flash_program(&f, 1024 * KiB - 8, buf, 8), FERRY_OK);
    CHECK_EQ(l.programs, 1);
    CHECK_EQ(l.last_off, 1024 * KiB - 8);
    CHECK_EQ(ferry_flash_erase(&f, 16 * KiB, 112 * KiB), FERRY_OK);      /* 3x16K + 64K */
    CHECK_EQ(l.erases, 1);
    CHECK_EQ(l.last_len, 112 * KiB);
    CHECK_EQ(ferry_flash_program(&f, 8, buf, 0), FERRY_OK);
    CHECK_EQ(ferry_flash_erase(&f, 64 * KiB, 0), FERRY_OK);
    CHECK_EQ(ferry_flash_read(&f, 1024 * KiB, buf, 0), FERRY_OK);
    CHECK_EQ(l.programs + l.erases, 2);

    /* A device without erase says so. */
    {
        struct ferry_flash_ops no_erase = {lenient_read, lenient_program, NULL};
        struct ferry_flash g = {&no_erase, &l, &f4_geo};
        CHECK_EQ(ferry_flash_erase(&g, 0, 16 * KiB), FERRY_E_UNSUPPORTED);
    }
}

static void test_area(void)
{
    struct lenient l = {0};
    struct ferry_flash f = {&lenient_ops, &l, &f4_geo};
    /* The area spans 2x16K and the 64K sector: [32K, 128K). */
    struct ferry_area a = {&f, 32 * KiB, 96 * KiB};
    uint32_t start, size;
    uint8_t buf[16] = {0};

    CHECK_EQ(ferry_area_check(&a), FERRY_OK);
    CHECK_EQ(ferry_area_sector_at(&a, 0, &start, &size), FERRY_OK);
    CHECK_EQ(start, 0);
    CHECK_EQ(size, 16 * KiB);
    CHECK_EQ(ferry_area_sector_at(&a, 40 * KiB, &start, &size), FERRY_OK);
    CHECK_EQ(start, 32 * KiB);
    CHECK_EQ(size, 64 * KiB);
    CHECK_EQ(ferry_area_sector_at(&a, 96 * KiB, &start, &size), FERRY_E_RANGE);
    CHECK_EQ(ferry_area_is_sector_boundary(&a, 0), 1);
    CHECK_EQ(ferry_area_is_sector_boundary(&a, 16 * KiB), 1);
    CHECK_EQ(ferry_area_is_sector_boundary(&a, 32 * KiB), 1);
    CHECK_EQ(ferry_area_is_sector_boundary(&a, 96 * KiB), 1);
    CHECK_EQ(ferry_area_is_sector_boundary(&a, 48 * KiB), 0);
    CHECK_EQ(ferry_area_is_sector_boundary(&a, 97 * KiB), 0);

    /* Offsets are translated by the area start. */
    CHECK_EQ(ferry_area_read(&a, 100, buf, 4), FERRY_OK);
    CHECK_EQ(l.last_off, 32 * KiB + 100);
    CHECK_EQ(ferry_area_program(&a, 8, buf, 8), FERRY_OK);
    CHECK_EQ(l.last_off, 32 * KiB + 8);
    CHECK_EQ(ferry_area_erase(&a, 16 * KiB, 80 * KiB), FERRY_OK);
    CHECK_EQ(l.last_off, 48 * KiB);
    CHECK_EQ(l.last_len, 80 * KiB);

    /* Range is the area's, not the device's. */
    l = (struct lenient){0};
    CHECK_EQ(ferry_area_read(&a, 96 * KiB - 2, buf, 4), FERRY_E_RANGE);
    CHECK_EQ(ferry_area_read(&a, 8, buf, UINT32_MAX - 4), FERRY_E_RANGE);
    CHECK_EQ(ferry_area_program(&a, 96 * KiB, buf, 8), FERRY_E_RANGE);
    CHECK_EQ(ferry_area_erase(&a, 32 * KiB, 128 * KiB), FERRY_E_RANGE);
    CHECK_EQ(ferry_area_program(&a, 2, buf, 8), FERRY_E_ALIGN);
    CHECK_EQ(ferry_area_erase(&a, 0, 8 * KiB), FERRY_E_ALIGN);
    CHECK_EQ(ferry_area_erase(&a, 32 * KiB, 32 * KiB), FERRY_E_ALIGN);
    CHECK_EQ(lenient_calls(&l), 0);

    /* Areas that are not on sector boundaries or outside the device. */
    {
        struct ferry_area mid = {&f, 8 * KiB, 8 * KiB};
        struct ferry_area tail = {&f, 64 * KiB, 32 * KiB};
        struct ferry_area out = {&f, 896 * KiB, 256 * KiB};
        struct ferry_area wrap = {&f, 896 * KiB, 0xFFFFFFFFu};
        struct ferry_area empty = {&f, 0, 0};
        CHECK_EQ(ferry_area_check(&mid), FERRY_E_INVAL);
        CHECK_EQ(ferry_area_check(&tail), FERRY_E_INVAL);
        CHECK_EQ(ferry_area_check(&out), FERRY_E_INVAL);
        CHECK_EQ(ferry_area_check(&wrap), FERRY_E_INVAL);
        CHECK_EQ(ferry_area_check(&empty), FERRY_E_INVAL);
        CHECK_EQ(ferry_area_check(NULL), FERRY_E_INVAL);
        CHECK_EQ(ferry_area_sector_at(&mid, 0, &start, &size), FERRY_E_INVAL);
        CHECK_EQ(ferry_area_read(&wrap, 0x7FFFFFFFu, buf, 4), FERRY_E_RANGE);
    }
}

static void test_memflash_rules(void)
{
    static uint8_t mem[2048];
    struct ferry_memflash m;
    uint8_t data[16], back[16];

    memset(mem, 0xFF, sizeof(mem));
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(0x10 + i);
    CHECK_EQ(ferry_memflash_init(&m, mem, &small_geo), FERRY_OK);
    CHECK_EQ(ferry_flash_program(&m.flash, 256, data, 16), FERRY_OK);
    CHECK_MEM(mem + 256, data, 16);
    CHECK_EQ(ferry_flash_read(&m.flash, 256, back, 16), FERRY_OK);
    CHECK_MEM(back, data, 16);

    /* Second program over the same bytes: refused, even with the same data. */
    CHECK_EQ(ferry_flash_program(&m.flash, 256, data, 8), FERRY_E_NOT_ERASED);
    CHECK_EQ(ferry_flash_program(&m.flash, 264, data, 16), FERRY_E_NOT_ERASED);
    CHECK_EQ(mem[272], 0xFF); /* nothing of a refused program was written */

    /* Direct op calls get the same checks as the wrappers. */
    CHECK_EQ(ferry_memflash_ops.program(&m, 3, data, 8), FERRY_E_ALIGN);
    CHECK_EQ(ferry_memflash_ops.program(&m, 0, data, 4), FERRY_E_ALIGN);
    CHECK_EQ(ferry_memflash_ops.program(&m, 2048, data, 8), FERRY_E_RANGE);
    CHECK_EQ(ferry_memflash_ops.read(&m, 2047, back, 2), FERRY_E_RANGE);
    CHECK_EQ(ferry_memflash_ops.erase(&m, 0, 128), FERRY_E_ALIGN);
    CHECK_EQ(ferry_memflash_ops.erase(&m, 128, 256), FERRY_E_ALIGN);
    CHECK_EQ(ferry_memflash_ops.erase(&m, 1792, 512), FERRY_E_RANGE);

    /* Erase resets whole sectors only. */
    mem[0] = 0x00;
    CHECK_EQ(ferry_flash_erase(&m.flash, 256, 256), FERRY_OK);
    CHECK_EQ(mem[256], 0xFF);
    CHECK_EQ(mem[511], 0xFF);
    CHECK_EQ(mem[0], 0x00);
    CHECK_EQ(ferry_flash_program(&m.flash, 256, data, 16), FERRY_OK);

    CHECK_EQ(ferry_memflash_init(&m, NULL, &small_geo), FERRY_E_INVAL);
    CHECK_EQ(ferry_memflash_init(NULL, mem, &small_geo), FERRY_E_INVAL);
    {
        struct ferry_flash_geometry bad = small_geo;
        bad.size = 1000;
        CHECK_EQ(ferry_memflash_init(&m, mem, &bad), FERRY_E_INVAL);
    }
}

/* Programming moves bits away from the erased value: AND for 0xFF, OR for 0x00. */
static void test_memflash_bit_physics(void)
{
    static uint8_t mem[2048];
    struct ferry_memflash m;
    uint8_t data[8] = {0x00, 0x0F, 0xF0, 0x55, 0xAA, 0xFF, 0x81, 0x7E};

    memset(mem, 0x00, sizeof(mem));
    CHECK_EQ(ferry_memflash_init(&m, mem, &small_geo_zero), FERRY_OK);
    CHECK_EQ(ferry_flash_program(&m.flash, 0, data, 8), FERRY_OK);
    CHECK_MEM(mem, data, 8);
    /* 0x00 is the erased value here, so a byte programmed to 0xFF is not erased
     * and one programmed to 0x00 still is. */
    CHECK_EQ(ferry_flash_program(&m.flash, 0, data, 8), FERRY_E_NOT_ERASED);
    CHECK_EQ(ferry_flash_erase(&m.flash, 0, 256), FERRY_OK);
    CHECK_EQ(mem[5], 0x00);
    {
        uint8_t ones[8];
        memset(ones, 0x00, sizeof(ones));
        CHECK_EQ(ferry_flash_program(&m.flash, 8, ones, 8), FERRY_OK);
        CHECK_EQ(ferry_flash_program(&m.flash, 8, data, 8), FERRY_OK); /* still erased */
        CHECK_MEM(mem + 8, data, 8);
    }

    /* On a 0xFF part, programming 0xFF bytes leaves them erased: programmable again. */
    memset(mem, 0xFF, sizeof(mem));
    CHECK_EQ(ferry_memflash_init(&m, mem, &small_geo), FERRY_OK);
    {
        uint8_t ff[8];
        memset(ff, 0xFF, sizeof(ff));
        CHECK_EQ(ferry_flash_program(&m.flash, 16, ff, 8), FERRY_OK);
        CHECK_EQ(ferry_flash_program(&m.flash, 16, data, 8), FERRY_OK);
        CHECK_MEM(mem + 16, data, 8);
    }
}

static void test_memflash_ro(void)
{
    static const uint8_t image[100] = {1, 2, 3};
    struct ferry_memflash m;
    uint8_t back[4];
    uint8_t zero[1] = {0};

    CHECK_EQ(ferry_memflash_init_ro(&m, image, sizeof(image)), FERRY_OK);
    CHECK_EQ(ferry_flash_geometry_check(m.flash.geo), FERRY_OK);
    CHECK_EQ(m.flash.geo->size, 100);
    CHECK_EQ(ferry_flash_read(&m.flash, 0, back, 3), FERRY_OK);
    CHECK_EQ(back[2], 3);
    CHECK_EQ(ferry_flash_read(&m.flash, 98, back, 3), FERRY_E_RANGE);
    CHECK_EQ(ferry_flash_program(&m.flash, 50, zero, 1), FERRY_E_UNSUPPORTED);
    CHECK_EQ(ferry_flash_erase(&m.flash, 0, 100), FERRY_E_UNSUPPORTED);
    CHECK_EQ(ferry_memflash_ops.program(&m, 50, zero, 1), FERRY_E_UNSUPPORTED);
    CHECK_EQ(ferry_memflash_ops.erase(&m, 0, 100), FERRY_E_UNSUPPORTED);
    CHECK_EQ(ferry_memflash_init_ro(&m, image, 0), FERRY_E_INVAL);
    CHECK_EQ(ferry_memflash_init_ro(&m, NULL, 4), FERRY_E_INVAL);
}

/* ---- A RAM block device with NOR rules, for the adapter ----------------- */

struct ram_bd {
    uint8_t *mem;
    struct ferry_bd_geometry geo;
    int syncs;
    int fail_sync;
};

static int ram_bd_read(void *ctx, uint64_t addr, void *buf, uint32_t len)
{
    struct ram_bd *r = ctx;
    if (addr % r->geo.read_unit || len % r->geo.read_unit)
        return FERRY_E_ALIGN;
    if (len > r->geo.size || addr > r->geo.size - len)
        return FERRY_E_RANGE;
    memcpy(buf, r->mem + addr, len);
    return FERRY_OK;
}

static int ram_bd_program(void *ctx, uint64_t addr, const void *buf, uint32_t len)
{
    struct ram_bd *r = ctx;
    const uint8_t *src = buf;
    if (addr % r->geo.program_unit || len % r->geo.program_unit)
        return FERRY_E_ALIGN;
    if (len > r->geo.size || addr > r->geo.size - len)
        return FERRY_E_RANGE;
    for (uint32_t i = 0; i < len; i++)
        if (r->mem[addr + i] != (uint8_t)r->geo.erased_value)
            return FERRY_E_NOT_ERASED;
    for (uint32_t i = 0; i < len; i++)
        r->mem[addr + i] &= src[i];
    return FERRY_OK;
}

static int ram_bd_erase(void *ctx, uint64_t addr, uint64_t len)
{
    struct ram_bd *r = ctx;
    if (addr % r->geo.erase_unit || len % r->geo.erase_unit)
        return FERRY_E_ALIGN;
    if (len > r->geo.size || addr > r->geo.size - len)
        return FERRY_E_RANGE;
    memset(r->mem + addr, r->geo.erased_value, (size_t)len);
    return FERRY_OK;
}

static int ram_bd_sync(void *ctx)
{
    struct ram_bd *r = ctx;
    r->syncs++;
    return r->fail_sync ? FERRY_E_IO : FERRY_OK;
}

static const struct ferry_bd_ops ram_bd_ops = {ram_bd_read, ram_bd_program, ram_bd_erase,
                                               ram_bd_sync};

static void test_bd_flash(void)
{
    static uint8_t mem[16 * 1024];
    struct ram_bd r = {mem, {sizeof(mem), 1, 4, 4096, 0xFF}, 0, 0};
    struct ferry_bd bd = {&ram_bd_ops, &r, &r.geo};
    struct ferry_bd_flash v;
    uint8_t data[12] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11, 12}, back[12];
    uint32_t start, size;

    memset(mem, 0xFF, sizeof(mem));
    CHECK_EQ(ferry_bd_flash_init(&v, &bd), FERRY_OK);
    CHECK_EQ(ferry_flash_geometry_check(v.flash.geo), FERRY_OK);
    CHECK_EQ(v.flash.geo->size, sizeof(mem));
    CHECK_EQ(v.flash.geo->program_unit, 4);
    CHECK_EQ(ferry_flash_sector_at(&v.flash, 5000, &start, &size), FERRY_OK);
    CHECK_EQ(start, 4096);
    CHECK_EQ(size, 4096);

    CHECK_EQ(ferry_flash_program(&v.flash, 4096, data, 12), FERRY_OK);
    CHECK_EQ(r.syncs, 1);
    CHECK_EQ(ferry_flash_read(&v.flash, 4097, back, 11), FERRY_OK); /* unaligned read */
    CHECK_MEM(back, data + 1, 11);
    CHECK_EQ(ferry_flash_program(&v.flash, 4096, data, 4), FERRY_E_NOT_ERASED);
    CHECK_EQ(ferry_flash_program(&v.flash, 4098, data, 4), FERRY_E_ALIGN);
    CHECK_EQ(ferry_flash_erase(&v.flash, 4096, 2048), FERRY_E_ALIGN);
    CHECK_EQ(ferry_flash_erase(&v.flash, 4096, 4096), FERRY_OK);
    CHECK_EQ(r.syncs, 2);
    CHECK_EQ(mem[4096], 0xFF);

    /* A failing sync fails the op: the flash seam promises durability. */
    r.fail_sync = 1;
    CHECK_EQ(ferry_flash_program(&v.flash, 0, data, 4), FERRY_E_IO);
    CHECK_EQ(ferry_flash_erase(&v.flash, 0, 4096), FERRY_E_IO);
    r.fail_sync = 0;

    /* A device without sync is used as it is. */
    {
        struct ferry_bd_ops no_sync = ram_bd_ops;
        struct ferry_bd bd2 = {&no_sync, &r, &r.geo};
        struct ferry_bd_flash v2;
        no_sync.sync = NULL;
        CHECK_EQ(ferry_bd_flash_init(&v2, &bd2), FERRY_OK);
        CHECK_EQ(ferry_flash_erase(&v2.flash, 8192, 4096), FERRY_OK);
    }
}

static void test_bd_flash_rejects(void)
{
    static uint8_t mem[16 * 1024];
    struct ram_bd r = {mem, {sizeof(mem), 1, 4, 4096, 0xFF}, 0, 0};
    struct ferry_bd bd = {&ram_bd_ops, &r, &r.geo};
    struct ferry_bd_flash v;
    struct ferry_bd_ops no_erase = ram_bd_ops;

    r.geo.read_unit = 512;      /* SD-style reads: the flash seam cannot use it */
    CHECK_EQ(ferry_bd_flash_init(&v, &bd), FERRY_E_UNSUPPORTED);
    r.geo.read_unit = 1;
    r.geo.size = 0x100000000ull + 4096;
    CHECK_EQ(ferry_bd_flash_init(&v, &bd), FERRY_E_UNSUPPORTED);
    r.geo.size = sizeof(mem);
    r.geo.erased_value = -1;
    CHECK_EQ(ferry_bd_flash_init(&v, &bd), FERRY_E_UNSUPPORTED);
    r.geo.erased_value = 0xFF;
    no_erase.erase = NULL;
    bd.ops = &no_erase;
    CHECK_EQ(ferry_bd_flash_init(&v, &bd), FERRY_E_UNSUPPORTED);
    bd.ops = &ram_bd_ops;

    r.geo.erase_unit = 3000;    /* size not a multiple */
    CHECK_EQ(ferry_bd_flash_init(&v, &bd), FERRY_E_INVAL);
    r.geo.erase_unit = 4096;
    r.geo.program_unit = 3;     /* does not divide the sector */
    CHECK_EQ(ferry_bd_flash_init(&v, &bd), FERRY_E_INVAL);
    r.geo.program_unit = 0;
    CHECK_EQ(ferry_bd_flash_init(&v, &bd), FERRY_E_INVAL);
    r.geo.program_unit = 4;
    r.geo.erased_value = 0x5A;  /* not a value the flash seam knows */
    CHECK_EQ(ferry_bd_flash_init(&v, &bd), FERRY_E_INVAL);
    r.geo.erased_value = 0xFF;
    CHECK_EQ(ferry_bd_flash_init(NULL, &bd), FERRY_E_INVAL);
    CHECK_EQ(ferry_bd_flash_init(&v, NULL), FERRY_E_INVAL);
    CHECK_EQ(ferry_bd_flash_init(&v, &bd), FERRY_OK);
}

int main(void)
{
    RUN(test_strerror);
    RUN(test_geometry_check);
    RUN(test_sector_at_nonuniform);
    RUN(test_wrappers_check_first);
    RUN(test_area);
    RUN(test_memflash_rules);
    RUN(test_memflash_bit_physics);
    RUN(test_memflash_ro);
    RUN(test_bd_flash);
    RUN(test_bd_flash_rejects);
    return check_done();
}
