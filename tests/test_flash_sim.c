/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests for the strict flash simulator and the named layouts: every rule,
 * the counters, power cuts between and inside operations, determinism of the
 * seeded tearing, and file backing that survives a process that dies.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "ferry/errors.h"
#include "ferry/flash.h"
#include "flash_interposer.h"
#include "flash_layouts.h"
#include "flash_sim.h"

#define KiB 1024u

/* Small device for most tests: 8 sectors of 1 KiB, 8-byte program unit. */
static const struct ferry_sector_region small_regions[] = {{8, 1024}};
static const struct ferry_flash_geometry small_geo = {0, 8192, 8, 0xFF, 1, small_regions};
static const struct ferry_flash_geometry small_geo_zero = {0, 8192, 8, 0x00, 1, small_regions};

static struct ferry_sim_flash *open_small(const struct ferry_flash_geometry *geo)
{
    struct ferry_sim_flash *dev = NULL;
    if (ferry_sim_flash_open_ram(geo, &dev) != FERRY_OK)
        return NULL;
    return dev;
}

static void fill_pattern(uint8_t *buf, size_t len, uint32_t seed)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)((i * 131u + seed * 17u + (i >> 3)) ^ 0x5Au);
}

static int all_bytes_are(const uint8_t *p, size_t len, uint8_t v)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != v)
            return 0;
    return 1;
}

/* ---- Layouts -------------------------------------------------------------- */

static void test_layouts(void)
{
    size_t count, i;
    const struct ferry_flash_layout *table = ferry_flash_layouts(&count);
    unsigned units_seen = 0; /* bit n: program unit 1<<n */
    int erased_ff = 0, erased_00 = 0;
    const char *name;

    CHECK(count >= 8);
    for (i = 0; (name = ferry_flash_layout_name(i)) != NULL; i++) {
        const struct ferry_flash_geometry *g = ferry_flash_layout_geometry(name);
        CHECK(g != NULL);
        CHECK(g == &table[i].geo);
        CHECK(table[i].description != NULL && table[i].description[0] != '\0');
        CHECK_EQ(ferry_flash_geometry_check(g), FERRY_OK);
        for (unsigned b = 0; b < 16; b++)
            if (g->program_unit == 1u << b)
                units_seen |= 1u << b;
        erased_ff += g->erased_value == 0xFF;
        erased_00 += g->erased_value == 0x00;
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(name, table[j].name) != 0);
    }
    CHECK_EQ(i, count);
    CHECK(units_seen & (1u << 0));
    CHECK(units_seen & (1u << 2));
    CHECK(units_seen & (1u << 3));
    CHECK(units_seen & (1u << 5));
    CHECK(erased_ff > 0 && erased_00 > 0);
    CHECK(ferry_flash_layout_geometry("no-such-part") == NULL);
    CHECK(ferry_flash_layout_geometry(NULL) == NULL);

    for (i = 0; i < 7; i++) {
        static const char *const required[] = {"uniform-4k", "sectors-128k", "stm32f4",
                                               "spi-nor", "page-256", "page-512",
                                               "erased-zero"};
        CHECK(ferry_flash_layout_geometry(required[i]) != NULL);
    }
    CHECK_EQ(ferry_flash_layout_geometry("erased-zero")->erased_value, 0x00);
    CHECK_EQ(ferry_flash_layout_geometry("page-256")->program_unit, 256);
    CHECK_EQ(ferry_flash_layout_geometry("page-512")->program_unit, 512);
    CHECK_EQ(ferry_flash_layout_geometry("spi-nor")->program_unit, 1);
    CHECK_EQ(ferry_flash_layout_geometry("spi-nor")->size, 8 * 1024 * KiB);

    /* The STM32F4 map: 4x16K, 64K, 7x128K. */
    {
        struct ferry_sim_flash *dev = NULL;
        uint32_t start, size;
        CHECK_EQ(ferry_sim_flash_open_ram(ferry_flash_layout_geometry("stm32f4"), &dev), FERRY_OK);
        if (dev == NULL)
            return;
        CHECK_EQ(ferry_flash_sector_at(ferry_sim_flash_device(dev), 70 * KiB, &start, &size),
                 FERRY_OK);
        CHECK_EQ(start, 64 * KiB);
        CHECK_EQ(size, 64 * KiB);
        CHECK_EQ(ferry_flash_sector_at(ferry_sim_flash_device(dev), 1000 * KiB, &start, &size),
                 FERRY_OK);
        CHECK_EQ(start, 896 * KiB);
        CHECK_EQ(size, 128 * KiB);
        ferry_sim_flash_close(dev);
    }
}

/* Every layout opens fully erased and accepts one program unit at the end. */
static void test_fresh_device_erased(void)
{
    const char *name;

    for (size_t i = 0; (name = ferry_flash_layout_name(i)) != NULL; i++) {
        const struct ferry_flash_geometry *g = ferry_flash_layout_geometry(name);
        struct ferry_sim_flash *dev = NULL;
        uint8_t unit[512];
        CHECK_EQ(ferry_sim_flash_open_ram(g, &dev), FERRY_OK);
        if (dev == NULL)
            continue;
        CHECK(all_bytes_are(ferry_sim_flash_contents(dev), g->size, g->erased_value));
        fill_pattern(unit, sizeof(unit), (uint32_t)i);
        CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(dev), g->size - g->program_unit,
                                     unit, g->program_unit), FERRY_OK);
        CHECK_MEM(ferry_sim_flash_contents(dev) + g->size - g->program_unit, unit,
                  g->program_unit);
        ferry_sim_flash_close(dev);
    }
}

static void test_open_rejects(void)
{
    struct ferry_sim_flash *dev = NULL;
    struct ferry_flash_geometry bad = small_geo;

    bad.size = 8000;
    CHECK_EQ(ferry_sim_flash_open_ram(&bad, &dev), FERRY_E_INVAL);
    CHECK_EQ(ferry_sim_flash_open_ram(NULL, &dev), FERRY_E_INVAL);
    CHECK_EQ(ferry_sim_flash_open_ram(&small_geo, NULL), FERRY_E_INVAL);
    CHECK_EQ(ferry_sim_flash_open_file(&small_geo, "/nonexistent-dir/flash.bin", &dev),
             FERRY_E_IO);
    CHECK_EQ(ferry_sim_flash_open_file(&small_geo, NULL, &dev), FERRY_E_INVAL);
    CHECK(dev == NULL);
    CHECK_EQ(ferry_sim_flash_close(NULL), FERRY_OK);
}

/* ---- Rules ---------------------------------------------------------------- */

/* The raw ops, bypassing the core's checked wrappers: the simulator itself
 * must refuse every broken rule. */
static void test_rules_enforced_by_device(void)
{
    struct ferry_sim_flash *dev = open_small(&small_geo);
    const struct ferry_flash *f;
    uint8_t data[64], back[64];
    struct ferry_sim_flash_stats st;

    CHECK(dev != NULL);
    if (dev == NULL)
        return;
    f = ferry_sim_flash_device(dev);
    fill_pattern(data, sizeof(data), 1);

    CHECK_EQ(f->ops->read(f->ctx, 8190, back, 4), FERRY_E_RANGE);
    CHECK_EQ(f->ops->read(f->ctx, 4, back, UINT32_MAX), FERRY_E_RANGE);
    CHECK_EQ(f->ops->program(f->ctx, 8192, data, 8), FERRY_E_RANGE);
    CHECK_EQ(f->ops->program(f->ctx, 0xFFFFFFF8u, data, 16), FERRY_E_RANGE);
    CHECK_EQ(f->ops->erase(f->ctx, 7168, 2048), FERRY_E_RANGE);
    CHECK_EQ(f->ops->program(f->ctx, 4, data, 8), FERRY_E_ALIGN);
    CHECK_EQ(f->ops->program(f->ctx, 8, data, 12), FERRY_E_ALIGN);
    CHECK_EQ(f->ops->erase(f->ctx, 512, 1024), FERRY_E_ALIGN);
    CHECK_EQ(f->ops->erase(f->ctx, 0, 1000), FERRY_E_ALIGN);
    CHECK(all_bytes_are(ferry_sim_flash_contents(dev), 8192, 0xFF));

    CHECK_EQ(f->ops->program(f->ctx, 0, data, 64), FERRY_OK);
    CHECK_EQ(f->ops->read(f->ctx, 3, back, 61), FERRY_OK);
    CHECK_MEM(back, data + 3, 61);
    CHECK_EQ(f->ops->program(f->ctx, 56, data, 16), FERRY_E_NOT_ERASED);
    CHECK(all_bytes_are(ferry_sim_flash_contents(dev) + 64, 8, 0xFF)); /* nothing written */

    /* One stray programmed bit anywhere in the target is enough to refuse. */
    ferry_sim_flash_contents(dev)[1000] = 0xFE;
    CHECK_EQ(f->ops->program(f->ctx, 992, data, 16), FERRY_E_NOT_ERASED);

    /* Rejected ops are not operations. */
    ferry_sim_flash_get_stats(dev, &st);
    CHECK_EQ(st.programs, 1);
    CHECK_EQ(st.erases, 0);
    CHECK_EQ(st.ops, 1);

    CHECK_EQ(f->ops->erase(f->ctx, 0, 1024), FERRY_OK);
    CHECK(all_bytes_are(ferry_sim_flash_contents(dev), 1024, 0xFF));
    ferry_sim_flash_close(dev);
}

/* Programs move bits away from the erased value (AND for 0xFF parts, OR for
 * 0x00 parts). Since only erased bytes may be programmed, the direction shows
 * here in what counts as erased afterwards; torn programs check it bit by bit
 * (check_torn_program). */
static void test_program_physics(void)
{
    struct ferry_sim_flash *ff = open_small(&small_geo);
    struct ferry_sim_flash *zero = open_small(&small_geo_zero);
    uint8_t data[8] = {0x00, 0x0F, 0xF0, 0x55, 0xAA, 0xFF, 0x81, 0x7E};
    uint8_t keep[8];

    CHECK(ff != NULL && zero != NULL);
    if (ff == NULL || zero == NULL)
        return;
    CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(ff), 0, data, 8), FERRY_OK);
    CHECK_MEM(ferry_sim_flash_contents(ff), data, 8);
    CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(zero), 0, data, 8), FERRY_OK);
    CHECK_MEM(ferry_sim_flash_contents(zero), data, 8);

    /* Programming the erased value leaves the bytes erased, so they take a
     * second program; anything else makes them non-erased. */
    memset(keep, 0xFF, sizeof(keep));
    CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(ff), 8, keep, 8), FERRY_OK);
    CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(ff), 8, data, 8), FERRY_OK);
    CHECK_MEM(ferry_sim_flash_contents(ff) + 8, data, 8);
    memset(keep, 0x00, sizeof(keep));
    CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(zero), 8, keep, 8), FERRY_OK);
    CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(zero), 8, data, 8), FERRY_OK);
    CHECK_MEM(ferry_sim_flash_contents(zero) + 8, data, 8);
    CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(zero), 0, data, 8), FERRY_E_NOT_ERASED);

    CHECK_EQ(ferry_flash_erase(ferry_sim_flash_device(zero), 0, 1024), FERRY_OK);
    CHECK(all_bytes_are(ferry_sim_flash_contents(zero), 1024, 0x00));
    ferry_sim_flash_close(ff);
    ferry_sim_flash_close(zero);
}

static void test_page_device(void)
{
    struct ferry_sim_flash *dev = NULL;
    const struct ferry_flash *f;
    static uint8_t page[512];

    CHECK_EQ(ferry_sim_flash_open_ram(ferry_flash_layout_geometry("page-256"), &dev), FERRY_OK);
    if (dev == NULL)
        return;
    f = ferry_sim_flash_device(dev);
    fill_pattern(page, sizeof(page), 3);
    CHECK_EQ(f->ops->program(f->ctx, 0, page, 128), FERRY_E_ALIGN);
    CHECK_EQ(f->ops->program(f->ctx, 128, page, 256), FERRY_E_ALIGN);
    CHECK_EQ(f->ops->program(f->ctx, 256, page, 512), FERRY_OK);
    CHECK_EQ(f->ops->erase(f->ctx, 0, 256), FERRY_E_ALIGN);    /* erase unit is 4 KiB */
    CHECK_EQ(f->ops->erase(f->ctx, 0, 4096), FERRY_OK);
    ferry_sim_flash_close(dev);
}

static void test_write_protect(void)
{
    struct ferry_sim_flash *dev = open_small(&small_geo);
    const struct ferry_flash *f;
    uint8_t data[16], back[16];
    struct ferry_sim_flash_stats st;

    if (dev == NULL)
        return;
    f = ferry_sim_flash_device(dev);
    fill_pattern(data, sizeof(data), 4);
    CHECK_EQ(ferry_sim_flash_set_write_protect(dev, 0, 2048), FERRY_OK);
    CHECK_EQ(ferry_flash_program(f, 0, data, 16), FERRY_E_IO);
    CHECK_EQ(ferry_flash_program(f, 2040, data, 16), FERRY_E_IO);   /* straddles the end */
    CHECK_EQ(ferry_flash_erase(f, 1024, 1024), FERRY_E_IO);
    CHECK_EQ(ferry_flash_erase(f, 0, 8192), FERRY_E_IO);
    CHECK_EQ(ferry_flash_read(f, 0, back, 16), FERRY_OK);          /* reads are allowed */
    CHECK(all_bytes_are(ferry_sim_flash_contents(dev), 2048, 0xFF));
    CHECK_EQ(ferry_flash_program(f, 2048, data, 16), FERRY_OK);
    CHECK_EQ(ferry_flash_erase(f, 2048, 1024), FERRY_OK);
    ferry_sim_flash_get_stats(dev, &st);
    CHECK_EQ(st.ops, 2);
    CHECK_EQ(ferry_sim_flash_set_write_protect(dev, 8000, 1024), FERRY_E_RANGE);
    CHECK_EQ(ferry_sim_flash_set_write_protect(dev, 0, 0), FERRY_OK);
    CHECK_EQ(ferry_flash_program(f, 0, data, 16), FERRY_OK);
    ferry_sim_flash_close(dev);
}

/* ---- Counters --------------------------------------------------------------- */

static void test_counters(void)
{
    struct ferry_sim_flash *dev = NULL;
    const struct ferry_flash *f;
    struct ferry_sim_flash_stats st;
    const uint32_t *wear;
    uint32_t sectors = 0;
    uint8_t buf[32];

    CHECK_EQ(ferry_sim_flash_open_ram(ferry_flash_layout_geometry("stm32f4"), &dev), FERRY_OK);
    if (dev == NULL)
        return;
    f = ferry_sim_flash_device(dev);
    fill_pattern(buf, sizeof(buf), 5);
    wear = ferry_sim_flash_erase_counts(dev, &sectors);
    CHECK_EQ(sectors, 12);

    CHECK_EQ(ferry_flash_erase(f, 32 * KiB, 96 * KiB), FERRY_OK);   /* sectors 2, 3, 4 */
    CHECK_EQ(ferry_flash_erase(f, 64 * KiB, 64 * KiB), FERRY_OK);   /* sector 4 */
    CHECK_EQ(ferry_flash_erase(f, 896 * KiB, 128 * KiB), FERRY_OK); /* sector 11, the last */
    CHECK_EQ(ferry_flash_program(f, 0, buf, 32), FERRY_OK);
    CHECK_EQ(ferry_flash_program(f, 32, buf, 8), FERRY_OK);
    CHECK_EQ(ferry_flash_read(f, 1, buf, 7), FERRY_OK);
    CHECK_EQ(ferry_flash_read(f, 0, buf, 0), FERRY_OK);
    CHECK_EQ(ferry_flash_program(f, 0, buf, 8), FERRY_E_NOT_ERASED); /* not counted */
    CHECK_EQ(ferry_flash_program(f, 64, buf, 0), FERRY_OK);          /* no-op, not counted */

    ferry_sim_flash_get_stats(dev, &st);
    CHECK_EQ(st.reads, 2);
    CHECK_EQ(st.bytes_read, 7);
    CHECK_EQ(st.programs, 2);
    CHECK_EQ(st.bytes_programmed, 40);
    CHECK_EQ(st.erases, 3);
    CHECK_EQ(st.ops, 5);
    CHECK_EQ(st.sectors_erased, 5);
    {
        static const uint32_t expect[12] = {0, 0, 1, 1, 2, 0, 0, 0, 0, 0, 0, 1};
        for (uint32_t s = 0; s < 12; s++)
            CHECK_EQ(wear[s], expect[s]);
    }

    ferry_sim_flash_reset_stats(dev);
    ferry_sim_flash_get_stats(dev, &st);
    CHECK_EQ(st.ops + st.reads + st.programs + st.erases + st.sectors_erased, 0);
    CHECK_EQ(wear[4], 0);
    ferry_sim_flash_close(dev);
}

/* ---- Power cuts ------------------------------------------------------------- */

/* After a cut, every op fails until reboot; the contents stay as they were. */
static void check_dead_until_reboot(struct ferry_sim_flash *dev)
{
    const struct ferry_flash *f = ferry_sim_flash_device(dev);
    uint8_t buf[8];

    memset(buf, 0, sizeof(buf));
    CHECK_EQ(ferry_sim_flash_power_lost(dev), 1);
    CHECK_EQ(ferry_flash_read(f, 0, buf, 8), FERRY_E_POWER_LOSS);
    CHECK_EQ(ferry_flash_read(f, 0, buf, 0), FERRY_E_POWER_LOSS);
    CHECK_EQ(ferry_flash_program(f, 4096, buf, 8), FERRY_E_POWER_LOSS);
    CHECK_EQ(ferry_flash_erase(f, 4096, 1024), FERRY_E_POWER_LOSS);
    CHECK_EQ(ferry_sim_flash_power_lost(dev), 1);
    ferry_sim_flash_reboot(dev);
    CHECK_EQ(ferry_sim_flash_power_lost(dev), 0);
    CHECK_EQ(ferry_flash_read(f, 0, buf, 8), FERRY_OK);
}

static void test_cut_between(void)
{
    struct ferry_sim_flash *dev = open_small(&small_geo);
    const struct ferry_flash *f;
    uint8_t data[24], back[24];

    if (dev == NULL)
        return;
    f = ferry_sim_flash_device(dev);
    fill_pattern(data, sizeof(data), 6);

    /* Two operations complete, the third is cut; reads do not count. */
    CHECK_EQ(ferry_sim_flash_arm_cut(dev, 2, FERRY_SIM_CUT_BETWEEN, 0), FERRY_OK);
    CHECK_EQ(ferry_flash_program(f, 0, data, 8), FERRY_OK);
    CHECK_EQ(ferry_flash_read(f, 0, back, 8), FERRY_OK);
    CHECK_EQ(ferry_flash_program(f, 8, data + 8, 8), FERRY_OK);
    CHECK_EQ(ferry_flash_program(f, 3, data, 8), FERRY_E_ALIGN); /* rejected: not an op */
    CHECK_EQ(ferry_sim_flash_power_lost(dev), 0);
    CHECK_EQ(ferry_flash_program(f, 16, data + 16, 8), FERRY_E_POWER_LOSS);
    check_dead_until_reboot(dev);
    CHECK_MEM(ferry_sim_flash_contents(dev), data, 16);
    CHECK(all_bytes_are(ferry_sim_flash_contents(dev) + 16, 8192 - 16, 0xFF));

    /* The cut fires once: after reboot the same program works. */
    CHECK_EQ(ferry_flash_program(f, 16, data + 16, 8), FERRY_OK);
    CHECK_EQ(ferry_flash_read(f, 0, back, 24), FERRY_OK);
    CHECK_MEM(back, data, 24);

    /* 0: the very next op. A cut erase leaves the sector as it was. */
    CHECK_EQ(ferry_sim_flash_arm_cut(dev, 0, FERRY_SIM_CUT_BETWEEN, 0), FERRY_OK);
    CHECK_EQ(ferry_flash_erase(f, 0, 1024), FERRY_E_POWER_LOSS);
    check_dead_until_reboot(dev);
    CHECK_MEM(ferry_sim_flash_contents(dev), data, 24);

    /* A disarmed cut never fires. */
    CHECK_EQ(ferry_sim_flash_arm_cut(dev, 0, FERRY_SIM_CUT_TORN, 0), FERRY_OK);
    ferry_sim_flash_disarm(dev);
    CHECK_EQ(ferry_flash_erase(f, 0, 1024), FERRY_OK);
    CHECK_EQ(ferry_sim_flash_arm_cut(dev, 0, (enum ferry_sim_cut_mode)7, 0), FERRY_E_INVAL);
    ferry_sim_flash_close(dev);
}

/*
 * A torn program leaves each byte between its old (erased) and its new value:
 * only bits that the new data programs may have moved. Over many seeds a
 * written prefix must appear, and a tail that is not fully written.
 */
static void check_torn_program(const struct ferry_flash_geometry *geo)
{
    enum { LEN = 512 };
    static uint8_t data[LEN];
    uint8_t erased = geo->erased_value;
    int saw_partial = 0, saw_prefix = 0, saw_flip = 0;

    for (uint64_t seed = 1; seed <= 40; seed++) {
        struct ferry_sim_flash *dev = open_small(geo);
        const uint8_t *mem;
        uint32_t prefix = 0;
        if (dev == NULL)
            return;
        mem = ferry_sim_flash_contents(dev) + 1024;
        fill_pattern(data, LEN, (uint32_t)seed);
        data[0] = (uint8_t)~erased; /* the first byte always changes */
        CHECK_EQ(ferry_sim_flash_arm_cut(dev, 0, FERRY_SIM_CUT_TORN, seed), FERRY_OK);
        CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(dev), 1024, data, LEN),
                 FERRY_E_POWER_LOSS);
        for (uint32_t i = 0; i < LEN; i++) {
            uint8_t moved = (uint8_t)(mem[i] ^ erased);   /* bits now programmed */
            uint8_t wanted = (uint8_t)(data[i] ^ erased); /* bits the data programs */
            CHECK_EQ(moved & (uint8_t)~wanted, 0);
        }
        while (prefix < LEN && mem[prefix] == data[prefix])
            prefix++;
        CHECK(prefix < LEN); /* torn: never the whole write */
        saw_prefix |= prefix > 0;
        saw_partial |= prefix < LEN;
        for (uint32_t i = prefix + 1; i < LEN; i++)
            saw_flip |= mem[i] != erased;
        /* Bytes outside the target are untouched. */
        CHECK(all_bytes_are(ferry_sim_flash_contents(dev), 1024, erased));
        CHECK(all_bytes_are(mem + LEN, 8192 - 1024 - LEN, erased));
        check_dead_until_reboot(dev);
        /* The torn bytes are no longer erased: rewriting them is refused. */
        if (prefix > 0)
            CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(dev), 1024, data, 8),
                     FERRY_E_NOT_ERASED);
        ferry_sim_flash_close(dev);
    }
    CHECK(saw_prefix);
    CHECK(saw_partial);
    CHECK(saw_flip);
}

static void test_cut_torn_program(void)
{
    check_torn_program(&small_geo);
    check_torn_program(&small_geo_zero);
}

/* Pulses accumulate: on a byte-programmable part a torn one-byte program
 * that programs every bit is all flips, and over many seeds some bytes must
 * show more than one programmed bit, never a bit the data leaves erased.
 * Checked for both erased values (AND and OR physics). */
static void check_torn_pulses(uint8_t erased)
{
    static const struct ferry_sector_region regions[] = {{2, 256}};
    struct ferry_flash_geometry geo = {0, 512, 1, erased, 1, regions};
    int max_bits = 0;

    for (uint64_t seed = 0; seed < 64; seed++) {
        struct ferry_sim_flash *dev = open_small(&geo);
        uint8_t all = (uint8_t)~erased;            /* programs all 8 bits */
        uint8_t ends = (uint8_t)(erased ^ 0x81);   /* programs bits 0 and 7 */
        int bits = 0;
        if (dev == NULL)
            return;
        ferry_sim_flash_arm_cut(dev, 0, FERRY_SIM_CUT_TORN, seed);
        CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(dev), 7, &all, 1),
                 FERRY_E_POWER_LOSS);
        for (uint8_t b = (uint8_t)(ferry_sim_flash_contents(dev)[7] ^ erased); b;
             b &= (uint8_t)(b - 1))
            bits++;
        if (bits > max_bits)
            max_bits = bits;
        ferry_sim_flash_reboot(dev);
        ferry_sim_flash_arm_cut(dev, 0, FERRY_SIM_CUT_TORN, seed);
        CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(dev), 8, &ends, 1),
                 FERRY_E_POWER_LOSS);
        CHECK_EQ((ferry_sim_flash_contents(dev)[8] ^ erased) & 0x7E, 0);
        ferry_sim_flash_close(dev);
    }
    CHECK(max_bits >= 2);
}

static void test_cut_torn_pulses_accumulate(void)
{
    check_torn_pulses(0xFF);
    check_torn_pulses(0x00);
}

static void test_cut_torn_erase(void)
{
    struct ferry_sim_flash *dev = open_small(&small_geo);
    const struct ferry_flash *f;
    static uint8_t data[4096];
    const uint8_t *mem;
    const uint32_t *wear;
    int erased_bytes = 0, old_bytes = 0;

    if (dev == NULL)
        return;
    f = ferry_sim_flash_device(dev);
    mem = ferry_sim_flash_contents(dev);
    memset(data, 0x00, sizeof(data));
    CHECK_EQ(ferry_flash_program(f, 0, data, 4096), FERRY_OK);
    CHECK_EQ(ferry_sim_flash_arm_cut(dev, 0, FERRY_SIM_CUT_TORN, 99), FERRY_OK);
    CHECK_EQ(ferry_flash_erase(f, 1024, 2048), FERRY_E_POWER_LOSS);
    /* Garbage in both sectors: neither the old zeros nor erased, mostly. */
    for (uint32_t i = 1024; i < 3072; i++) {
        erased_bytes += mem[i] == 0xFF;
        old_bytes += mem[i] == 0x00;
    }
    CHECK(erased_bytes < 64);
    CHECK(old_bytes < 64);
    CHECK(!all_bytes_are(mem + 1024, 1024, mem[1024]));
    CHECK(!all_bytes_are(mem + 2048, 1024, 0x00));
    /* Outside the range nothing changed. */
    CHECK(all_bytes_are(mem, 1024, 0x00));
    CHECK(all_bytes_are(mem + 3072, 1024, 0x00));
    wear = ferry_sim_flash_erase_counts(dev, NULL);
    CHECK_EQ(wear[0], 0);
    CHECK_EQ(wear[1], 1);
    CHECK_EQ(wear[2], 1);
    CHECK_EQ(wear[3], 0);
    check_dead_until_reboot(dev);
    /* A full erase afterwards recovers the sectors. */
    CHECK_EQ(ferry_flash_erase(f, 1024, 2048), FERRY_OK);
    CHECK(all_bytes_are(mem + 1024, 2048, 0xFF));
    ferry_sim_flash_close(dev);
}

/* Runs a torn program and a torn erase with `seed`; returns the contents. */
static void torn_run(uint64_t seed, uint8_t *out)
{
    struct ferry_sim_flash *dev = open_small(&small_geo);
    static uint8_t data[1024];

    if (dev == NULL)
        return;
    fill_pattern(data, sizeof(data), 8);
    ferry_sim_flash_arm_cut(dev, 1, FERRY_SIM_CUT_TORN, seed);
    CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(dev), 0, data, 1024), FERRY_OK);
    CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(dev), 1024, data, 1024),
             FERRY_E_POWER_LOSS);
    ferry_sim_flash_reboot(dev);
    ferry_sim_flash_arm_cut(dev, 0, FERRY_SIM_CUT_TORN, seed + 1000);
    CHECK_EQ(ferry_flash_erase(ferry_sim_flash_device(dev), 4096, 1024), FERRY_E_POWER_LOSS);
    ferry_sim_flash_snapshot(dev, out, 8192);
    ferry_sim_flash_close(dev);
}

static void test_cut_deterministic(void)
{
    static uint8_t a[8192], b[8192], c[8192];

    torn_run(12345, a);
    torn_run(12345, b);
    torn_run(54321, c);
    CHECK_MEM(a, b, sizeof(a));
    CHECK(memcmp(a, c, sizeof(a)) != 0);
}

/* Cutting at every index of a fixed sequence: each cut leaves exactly the
 * operations before it done, the way an upgrade test will use the device. */
static void test_cut_every_index(void)
{
    struct ferry_sim_flash *dev = open_small(&small_geo);
    const struct ferry_flash *f;
    static uint8_t start[8192], data[64];
    int done;

    if (dev == NULL)
        return;
    f = ferry_sim_flash_device(dev);
    fill_pattern(data, sizeof(data), 9);
    ferry_sim_flash_snapshot(dev, start, sizeof(start));
    for (uint64_t n = 0; n < 9; n++) {
        ferry_sim_flash_restore(dev, start, sizeof(start));
        ferry_sim_flash_arm_cut(dev, n, FERRY_SIM_CUT_BETWEEN, 0);
        /* 8 programs of 64 bytes; the op with index n is cut (none for n = 8). */
        for (done = 0; done < 8; done++)
            if (ferry_flash_program(f, (uint32_t)done * 64, data, 64) != FERRY_OK)
                break;
        CHECK_EQ(done, n < 8 ? (int)n : 8);
        CHECK_EQ(ferry_sim_flash_power_lost(dev), n < 8);
        ferry_sim_flash_reboot(dev);
        ferry_sim_flash_disarm(dev);
        for (int i = 0; i < 8; i++) {
            const uint8_t *p = ferry_sim_flash_contents(dev) + i * 64;
            if (i < done)
                CHECK_MEM(p, data, 64);
            else
                CHECK(all_bytes_are(p, 64, 0xFF));
        }
    }
    ferry_sim_flash_close(dev);
}

static void test_snapshot_restore(void)
{
    struct ferry_sim_flash *dev = open_small(&small_geo);
    static uint8_t snap[8192];
    uint8_t data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    struct ferry_sim_flash_stats st;

    if (dev == NULL)
        return;
    CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(dev), 0, data, 8), FERRY_OK);
    CHECK_EQ(ferry_sim_flash_snapshot(dev, snap, sizeof(snap)), FERRY_OK);
    CHECK_MEM(snap, data, 8);
    CHECK_EQ(ferry_flash_erase(ferry_sim_flash_device(dev), 0, 1024), FERRY_OK);
    CHECK_EQ(ferry_sim_flash_restore(dev, snap, sizeof(snap)), FERRY_OK);
    CHECK_MEM(ferry_sim_flash_contents(dev), data, 8);
    ferry_sim_flash_get_stats(dev, &st);
    CHECK_EQ(st.ops, 2);
    CHECK_EQ(ferry_sim_flash_snapshot(dev, snap, 100), FERRY_E_INVAL);
    CHECK_EQ(ferry_sim_flash_restore(dev, snap, 8193), FERRY_E_INVAL);
    CHECK_EQ(ferry_sim_flash_restore(dev, NULL, 8192), FERRY_E_INVAL);
    ferry_sim_flash_close(dev);
}

/* ---- ECC mode ------------------------------------------------------------------ */

static void test_ecc_config(void)
{
    struct ferry_sim_flash *dev = open_small(&small_geo); /* unit 8, 1 KiB sectors */

    if (dev == NULL)
        return;
    CHECK_EQ(ferry_sim_flash_ecc_granule(dev), 0);
    CHECK_EQ(ferry_sim_flash_break_ecc(dev, 0, 8), FERRY_E_UNSUPPORTED);
    CHECK_EQ(ferry_sim_flash_ecc_broken(dev, 0, 8192), 0);
    CHECK_EQ(ferry_sim_flash_set_ecc(dev, 3), FERRY_E_INVAL);    /* neither divides */
    CHECK_EQ(ferry_sim_flash_set_ecc(dev, 12), FERRY_E_INVAL);
    CHECK_EQ(ferry_sim_flash_set_ecc(dev, 2048), FERRY_E_INVAL); /* splits no sector evenly */
    CHECK_EQ(ferry_sim_flash_ecc_granule(dev), 0);
    CHECK_EQ(ferry_sim_flash_set_ecc(dev, 4), FERRY_OK);         /* divides the unit */
    CHECK_EQ(ferry_sim_flash_set_ecc(dev, 1024), FERRY_OK);      /* a multiple of it */
    CHECK_EQ(ferry_sim_flash_set_ecc(dev, 8), FERRY_OK);
    CHECK_EQ(ferry_sim_flash_ecc_granule(dev), 8);
    CHECK_EQ(ferry_sim_flash_break_ecc(dev, 8190, 4), FERRY_E_RANGE);
    CHECK_EQ(ferry_sim_flash_break_ecc(dev, 100, 0), FERRY_OK);  /* len 0: nothing */
    CHECK_EQ(ferry_sim_flash_ecc_broken(dev, 0, 8192), 0);
    CHECK_EQ(ferry_sim_flash_break_ecc(dev, 8184, 8), FERRY_OK); /* the last granule */
    CHECK_EQ(ferry_sim_flash_ecc_broken(dev, 8191, 1), 1);
    CHECK_EQ(ferry_sim_flash_ecc_broken(dev, 8183, 1), 0);
    /* Switching off forgets broken granules; on again starts clean. */
    CHECK_EQ(ferry_sim_flash_set_ecc(dev, 0), FERRY_OK);
    CHECK_EQ(ferry_sim_flash_ecc_broken(dev, 8184, 8), 0);
    CHECK_EQ(ferry_sim_flash_set_ecc(dev, 8), FERRY_OK);
    CHECK_EQ(ferry_sim_flash_ecc_broken(dev, 8184, 8), 0);
    ferry_sim_flash_close(dev);
}

/* Reads and programs over a broken granule, partial overlaps, healing by
 * erase only (not by reboot), restore clears, ECC off reads again. */
static void test_ecc_broken_granule(void)
{
    struct ferry_sim_flash *dev = open_small(&small_geo);
    const struct ferry_flash *f;
    uint8_t data[64], back[64];
    static uint8_t snap[8192];
    struct ferry_sim_flash_stats st;

    if (dev == NULL)
        return;
    f = ferry_sim_flash_device(dev);
    fill_pattern(data, sizeof(data), 9);
    CHECK_EQ(ferry_flash_program(f, 0, data, 64), FERRY_OK);
    CHECK_EQ(ferry_sim_flash_snapshot(dev, snap, sizeof(snap)), FERRY_OK);
    CHECK_EQ(ferry_sim_flash_set_ecc(dev, 16), FERRY_OK);
    CHECK_EQ(ferry_sim_flash_break_ecc(dev, 20, 1), FERRY_OK); /* granule [16, 32) */
    CHECK_MEM(ferry_sim_flash_contents(dev), data, 64);        /* bytes untouched */
    ferry_sim_flash_reset_stats(dev);

    CHECK_EQ(ferry_flash_read(f, 0, back, 16), FERRY_OK);
    CHECK_MEM(back, data, 16);
    CHECK_EQ(ferry_flash_read(f, 32, back, 32), FERRY_OK);
    CHECK_MEM(back, data + 32, 32);
    memset(back, 0xA5, sizeof(back));
    CHECK_EQ(ferry_flash_read(f, 16, back, 16), FERRY_E_IO);
    CHECK_EQ(ferry_flash_read(f, 15, back, 2), FERRY_E_IO);  /* last byte overlaps */
    CHECK_EQ(ferry_flash_read(f, 31, back, 2), FERRY_E_IO);  /* first byte overlaps */
    CHECK_EQ(ferry_flash_read(f, 0, back, 64), FERRY_E_IO);
    CHECK(all_bytes_are(back, sizeof(back), 0xA5));          /* no data delivered */
    ferry_sim_flash_get_stats(dev, &st);
    CHECK_EQ(st.reads, 2);
    CHECK_EQ(st.ecc_read_errors, 4);

    /* Programs onto a broken erased granule fail and change nothing. */
    CHECK_EQ(ferry_sim_flash_break_ecc(dev, 1024, 16), FERRY_OK);
    CHECK_EQ(ferry_flash_program(f, 1024, data, 8), FERRY_E_IO);
    CHECK_EQ(ferry_flash_program(f, 1000, data, 32), FERRY_E_IO); /* straddles into it */
    CHECK_EQ(ferry_flash_program(f, 1040, data, 8), FERRY_OK);    /* next granule */
    CHECK(all_bytes_are(ferry_sim_flash_contents(dev) + 992, 48, 0xFF));
    ferry_sim_flash_get_stats(dev, &st);
    CHECK_EQ(st.programs, 1);

    /* Power coming back does not heal; erasing the sector does, and only it. */
    ferry_sim_flash_reboot(dev);
    CHECK_EQ(ferry_flash_read(f, 16, back, 16), FERRY_E_IO);
    CHECK_EQ(ferry_flash_erase(f, 1024, 1024), FERRY_OK);
    CHECK_EQ(ferry_sim_flash_ecc_broken(dev, 1024, 1024), 0);
    CHECK_EQ(ferry_flash_program(f, 1024, data, 8), FERRY_OK);
    CHECK_EQ(ferry_flash_read(f, 16, back, 16), FERRY_E_IO);
    CHECK_EQ(ferry_flash_erase(f, 0, 1024), FERRY_OK);
    CHECK_EQ(ferry_flash_read(f, 0, back, 64), FERRY_OK);
    CHECK(all_bytes_are(back, 64, 0xFF));

    /* A restore (the programmer rewriting the part) leaves nothing broken. */
    CHECK_EQ(ferry_sim_flash_break_ecc(dev, 0, 8192), FERRY_OK);
    CHECK_EQ(ferry_sim_flash_restore(dev, snap, sizeof(snap)), FERRY_OK);
    CHECK_EQ(ferry_flash_read(f, 0, back, 64), FERRY_OK);
    CHECK_MEM(back, data, 64);

    /* ECC off: the same broken range reads again. */
    CHECK_EQ(ferry_sim_flash_break_ecc(dev, 0, 64), FERRY_OK);
    CHECK_EQ(ferry_sim_flash_set_ecc(dev, 0), FERRY_OK);
    CHECK_EQ(ferry_flash_read(f, 0, back, 64), FERRY_OK);
    ferry_sim_flash_close(dev);
}

/* A granule larger than the program unit is filled unit by unit. */
static void test_ecc_granule_above_unit(void)
{
    struct ferry_sim_flash *dev = open_small(&small_geo);
    const struct ferry_flash *f;
    uint8_t data[16], back[16];

    if (dev == NULL)
        return;
    f = ferry_sim_flash_device(dev);
    fill_pattern(data, sizeof(data), 2);
    CHECK_EQ(ferry_sim_flash_set_ecc(dev, 16), FERRY_OK);
    CHECK_EQ(ferry_flash_program(f, 0, data, 8), FERRY_OK);
    CHECK_EQ(ferry_flash_program(f, 8, data + 8, 8), FERRY_OK);
    CHECK_EQ(ferry_flash_read(f, 0, back, 16), FERRY_OK);
    CHECK_MEM(back, data, 16);
    /* A torn unit breaks its whole granule, the complete half too. */
    CHECK_EQ(ferry_flash_program(f, 16, data, 8), FERRY_OK);
    ferry_sim_flash_arm_cut(dev, 0, FERRY_SIM_CUT_TORN, 3);
    CHECK_EQ(ferry_flash_program(f, 24, data + 8, 8), FERRY_E_POWER_LOSS);
    ferry_sim_flash_reboot(dev);
    CHECK_EQ(ferry_flash_read(f, 16, back, 8), FERRY_E_IO);
    CHECK_EQ(ferry_flash_read(f, 0, back, 16), FERRY_OK);
    ferry_sim_flash_close(dev);
}

/*
 * Torn programs with ECC, many seeds, granules below, equal to and above the
 * program unit, both erased values. Exact invariants: granules before the
 * first broken one hold the new data and read; the first broken one is the
 * one in progress; after it a granule is broken iff a byte of it changed.
 * The same seed breaks the same granules; with ECC off nothing is refused.
 */
static void check_ecc_torn_program(const struct ferry_flash_geometry *geo, uint32_t granule)
{
    static uint8_t data[512];
    uint8_t back[64];
    uint8_t erased = geo->erased_value;
    int first_at_zero = 0, first_later = 0, stray_broken = 0;

    fill_pattern(data, sizeof(data), granule);
    for (uint64_t seed = 0; seed < 96; seed++) {
        struct ferry_sim_flash *dev = open_small(geo), *twin = open_small(geo);
        const struct ferry_flash *f;
        uint32_t first = UINT32_MAX;
        if (dev == NULL || twin == NULL)
            return;
        f = ferry_sim_flash_device(dev);
        CHECK_EQ(ferry_sim_flash_set_ecc(dev, granule), FERRY_OK);
        CHECK_EQ(ferry_sim_flash_set_ecc(twin, granule), FERRY_OK);
        ferry_sim_flash_arm_cut(dev, 0, FERRY_SIM_CUT_TORN, seed);
        ferry_sim_flash_arm_cut(twin, 0, FERRY_SIM_CUT_TORN, seed);
        CHECK_EQ(ferry_flash_program(f, 1024, data, 512), FERRY_E_POWER_LOSS);
        CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(twin), 1024, data, 512),
                 FERRY_E_POWER_LOSS);
        ferry_sim_flash_reboot(dev);
        for (uint32_t g = 1024; g < 1536; g += granule) {
            const uint8_t *mem = ferry_sim_flash_contents(dev) + g;
            int broken = ferry_sim_flash_ecc_broken(dev, g, granule);
            CHECK_EQ(broken, ferry_sim_flash_ecc_broken(twin, g, granule));
            CHECK_EQ(ferry_flash_read(f, g, back, granule), broken ? FERRY_E_IO : FERRY_OK);
            if (first == UINT32_MAX && !broken) {
                CHECK_MEM(mem, data + (g - 1024), granule);
            } else if (first == UINT32_MAX) {
                first = g;
            } else {
                CHECK_EQ(broken, !all_bytes_are(mem, granule, erased));
                stray_broken += broken;
            }
        }
        CHECK(first != UINT32_MAX); /* the granule in progress is always broken */
        first_at_zero += first == 1024;
        first_later += first > 1024;
        CHECK_EQ(ferry_flash_program(f, first / 8 * 8, data, granule < 8 ? 8 : granule),
                 FERRY_E_IO);
        CHECK_EQ(ferry_flash_erase(f, 1024, 1024), FERRY_OK);       /* heals */
        CHECK_EQ(ferry_sim_flash_ecc_broken(dev, 1024, 1024), 0);
        CHECK_EQ(ferry_flash_program(f, 1024, data, 512), FERRY_OK);
        CHECK_EQ(ferry_flash_read(f, 1024, back, sizeof(back)), FERRY_OK);
        CHECK_MEM(back, data, sizeof(back));
        /* ECC off: the same torn program leaves everything readable. */
        CHECK_EQ(ferry_sim_flash_set_ecc(dev, 0), FERRY_OK);
        ferry_sim_flash_arm_cut(dev, 0, FERRY_SIM_CUT_TORN, seed);
        CHECK_EQ(ferry_flash_program(f, 2048, data, 512), FERRY_E_POWER_LOSS);
        ferry_sim_flash_reboot(dev);
        CHECK_EQ(ferry_flash_read(f, 2048, back, sizeof(back)), FERRY_OK);
        ferry_sim_flash_close(dev);
        ferry_sim_flash_close(twin);
    }
    CHECK(first_at_zero > 0);
    CHECK(first_later > 40);
    CHECK(stray_broken > 0);
}

static void test_ecc_torn_program(void)
{
    check_ecc_torn_program(&small_geo, 8);
    check_ecc_torn_program(&small_geo, 4);
    check_ecc_torn_program(&small_geo, 16);
    check_ecc_torn_program(&small_geo_zero, 8);
}

/* A torn erase breaks every granule of its range; a between cut breaks none;
 * a later erase heals the sectors it covers only. */
static void test_ecc_torn_erase(void)
{
    struct ferry_sim_flash *dev = open_small(&small_geo);
    const struct ferry_flash *f;
    uint8_t back[8];

    if (dev == NULL)
        return;
    f = ferry_sim_flash_device(dev);
    CHECK_EQ(ferry_sim_flash_set_ecc(dev, 8), FERRY_OK);
    ferry_sim_flash_arm_cut(dev, 0, FERRY_SIM_CUT_BETWEEN, 0);
    CHECK_EQ(ferry_flash_erase(f, 1024, 2048), FERRY_E_POWER_LOSS);
    ferry_sim_flash_reboot(dev);
    CHECK_EQ(ferry_sim_flash_ecc_broken(dev, 0, 8192), 0);
    ferry_sim_flash_arm_cut(dev, 0, FERRY_SIM_CUT_TORN, 5);
    CHECK_EQ(ferry_flash_erase(f, 1024, 2048), FERRY_E_POWER_LOSS);
    ferry_sim_flash_reboot(dev);
    for (uint32_t g = 1024; g < 3072; g += 8)
        CHECK_EQ(ferry_sim_flash_ecc_broken(dev, g, 8), 1);
    CHECK_EQ(ferry_sim_flash_ecc_broken(dev, 0, 1024), 0);
    CHECK_EQ(ferry_sim_flash_ecc_broken(dev, 3072, 5120), 0);
    CHECK_EQ(ferry_flash_read(f, 1016, back, 8), FERRY_OK);
    CHECK_EQ(ferry_flash_read(f, 1020, back, 8), FERRY_E_IO);
    CHECK_EQ(ferry_flash_read(f, 3072, back, 8), FERRY_OK);
    CHECK_EQ(ferry_flash_erase(f, 1024, 1024), FERRY_OK);
    CHECK_EQ(ferry_flash_read(f, 1024, back, 8), FERRY_OK);
    CHECK_EQ(ferry_flash_read(f, 2040, back, 8), FERRY_OK);
    CHECK_EQ(ferry_flash_read(f, 2048, back, 8), FERRY_E_IO);
    ferry_sim_flash_close(dev);
}

/* ---- Write lock until reset ---------------------------------------------------- */

static void test_lock_until_reset(void)
{
    struct ferry_sim_flash *dev = open_small(&small_geo);
    const struct ferry_flash *f;
    uint8_t data[16], back[16];
    struct ferry_sim_flash_stats st;

    if (dev == NULL)
        return;
    f = ferry_sim_flash_device(dev);
    fill_pattern(data, sizeof(data), 6);
    CHECK_EQ(ferry_flash_program(f, 2048, data, 16), FERRY_OK);
    CHECK_EQ(ferry_sim_flash_lock(dev, 2048, 1024), FERRY_OK);
    CHECK_EQ(ferry_sim_flash_lock(dev, 5000, 8), FERRY_OK); /* not sector aligned: any bytes */
    CHECK_EQ(ferry_sim_flash_locked(dev, 3071, 1), 1);
    CHECK_EQ(ferry_sim_flash_locked(dev, 3072, 1), 0);
    CHECK_EQ(ferry_sim_flash_locked(dev, 2048, 0), 0);
    ferry_sim_flash_reset_stats(dev);
    CHECK_EQ(ferry_flash_erase(f, 2048, 1024), FERRY_E_LOCKED);
    CHECK_EQ(ferry_flash_erase(f, 0, 8192), FERRY_E_LOCKED);       /* covers it */
    CHECK_EQ(ferry_flash_program(f, 2064, data, 16), FERRY_E_LOCKED);
    CHECK_EQ(ferry_flash_program(f, 2040, data, 16), FERRY_E_LOCKED); /* straddles the start */
    CHECK_EQ(ferry_flash_program(f, 4992, data, 16), FERRY_E_LOCKED); /* the small lock */
    CHECK_EQ(ferry_flash_erase(f, 4096, 1024), FERRY_E_LOCKED);
    CHECK_MEM(ferry_sim_flash_contents(dev) + 2048, data, 16);     /* nothing changed */
    CHECK(all_bytes_are(ferry_sim_flash_contents(dev) + 2064, 1008, 0xFF));
    CHECK_EQ(ferry_flash_read(f, 2048, back, 16), FERRY_OK);      /* reads are allowed */
    CHECK_MEM(back, data, 16);
    CHECK_EQ(ferry_flash_program(f, 3072, data, 16), FERRY_OK);    /* right after it */
    CHECK_EQ(ferry_flash_erase(f, 1024, 1024), FERRY_OK);          /* right before it */
    ferry_sim_flash_get_stats(dev, &st);
    CHECK_EQ(st.ops, 2);
    /* Write protection comes first where both apply. */
    CHECK_EQ(ferry_sim_flash_set_write_protect(dev, 2048, 16), FERRY_OK);
    CHECK_EQ(ferry_flash_program(f, 2048, data, 16), FERRY_E_IO);
    CHECK_EQ(ferry_sim_flash_set_write_protect(dev, 0, 0), FERRY_OK);
    /* Arguments. */
    CHECK_EQ(ferry_sim_flash_lock(dev, 8190, 4), FERRY_E_RANGE);
    CHECK_EQ(ferry_sim_flash_lock(dev, 0, 0), FERRY_OK);
    for (int i = 2; i < FERRY_SIM_MAX_LOCKS; i++)
        CHECK_EQ(ferry_sim_flash_lock(dev, 6144 + (uint32_t)i, 1), FERRY_OK);
    CHECK_EQ(ferry_sim_flash_lock(dev, 7000, 1), FERRY_E_NOSPC);
    /* A reset releases every lock; the write protection stays. */
    CHECK_EQ(ferry_sim_flash_set_write_protect(dev, 0, 1024), FERRY_OK);
    ferry_sim_flash_reboot(dev);
    CHECK_EQ(ferry_sim_flash_locked(dev, 0, 8192), 0);
    CHECK_EQ(ferry_flash_erase(f, 2048, 1024), FERRY_OK);
    CHECK_EQ(ferry_flash_program(f, 2048, data, 16), FERRY_OK);
    CHECK_EQ(ferry_flash_erase(f, 0, 1024), FERRY_E_IO);
    /* So does a power cut and the power coming back. */
    CHECK_EQ(ferry_sim_flash_lock(dev, 4096, 1024), FERRY_OK);
    ferry_sim_flash_arm_cut(dev, 0, FERRY_SIM_CUT_BETWEEN, 0);
    CHECK_EQ(ferry_flash_erase(f, 1024, 1024), FERRY_E_POWER_LOSS);
    ferry_sim_flash_reboot(dev);
    CHECK_EQ(ferry_flash_erase(f, 4096, 1024), FERRY_OK);
    ferry_sim_flash_close(dev);
}

/* A lock is RAM state of the controller: a new open (a new power cycle of a
 * file device) starts unlocked, and nothing of it is in the file. */
static void test_lock_not_in_file(void)
{
    char path[] = "/tmp/ferry-lock-XXXXXX";
    int fd = mkstemp(path);
    struct ferry_sim_flash *dev = NULL;
    uint8_t data[8] = {1, 2, 3, 4, 5, 6, 7, 8};

    CHECK(fd >= 0);
    if (fd < 0)
        return;
    close(fd);
    CHECK_EQ(ferry_sim_flash_open_file(&small_geo, path, &dev), FERRY_OK);
    if (dev == NULL)
        return;
    CHECK_EQ(ferry_sim_flash_lock(dev, 0, 8192), FERRY_OK);
    CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(dev), 0, data, 8), FERRY_E_LOCKED);
    CHECK_EQ(ferry_sim_flash_close(dev), FERRY_OK);
    CHECK_EQ(ferry_sim_flash_open_file(&small_geo, path, &dev), FERRY_OK);
    if (dev != NULL) {
        CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(dev), 0, data, 8), FERRY_OK);
        ferry_sim_flash_close(dev);
    }
    unlink(path);
}

/* ---- Read interposer ----------------------------------------------------------- */

struct spy {
    uint32_t off[8], len[8];
    uint64_t index[8];
    uint8_t first_byte[8];
    int calls;
    int fail_at; /* index that fails, -1: none */
};

static int spy_interposer(void *ctx, uint32_t off, uint8_t *buf, uint32_t len, uint64_t index)
{
    struct spy *s = ctx;
    if (s->calls < 8) {
        s->off[s->calls] = off, s->len[s->calls] = len, s->index[s->calls] = index;
        s->first_byte[s->calls] = buf[0];
    }
    s->calls++;
    buf[0] ^= 0xFF; /* every read shows its first byte inverted */
    return (int64_t)index == s->fail_at ? FERRY_E_CORRUPT : FERRY_OK;
}

static void test_interposer_callback(void)
{
    struct ferry_sim_flash *dev = open_small(&small_geo);
    const struct ferry_flash *f;
    struct spy spy;
    uint8_t data[16], back[16];
    struct ferry_sim_flash_stats st;

    if (dev == NULL)
        return;
    f = ferry_sim_flash_device(dev);
    memset(&spy, 0, sizeof(spy));
    spy.fail_at = 2;
    fill_pattern(data, sizeof(data), 1);
    CHECK_EQ(ferry_flash_program(f, 64, data, 16), FERRY_OK);
    ferry_sim_flash_set_interposer(dev, spy_interposer, &spy);
    CHECK_EQ(ferry_flash_read(f, 64, back, 16), FERRY_OK);
    CHECK_EQ(back[0], (uint8_t)(data[0] ^ 0xFF));
    CHECK_MEM(back + 1, data + 1, 15);
    CHECK_MEM(ferry_sim_flash_contents(dev) + 64, data, 16); /* the flash is unchanged */
    CHECK_EQ(ferry_flash_read(f, 70, back, 4), FERRY_OK);
    CHECK_EQ(ferry_flash_read(f, 64, back, 0), FERRY_OK);     /* empty: not seen */
    CHECK_EQ(ferry_flash_read(f, 8190, back, 4), FERRY_E_RANGE); /* refused: not seen */
    CHECK_EQ(ferry_flash_read(f, 64, back, 1), FERRY_E_CORRUPT); /* the callback's error */
    CHECK_EQ(ferry_flash_read(f, 65, back, 1), FERRY_OK);
    CHECK_EQ(spy.calls, 4);
    CHECK_EQ(spy.index[0], 0);
    CHECK_EQ(spy.index[1], 1);
    CHECK_EQ(spy.index[3], 3);
    CHECK_EQ(spy.off[1], 70);
    CHECK_EQ(spy.len[1], 4);
    CHECK_EQ(spy.first_byte[0], data[0]); /* the callback saw the truth */
    CHECK_EQ(spy.first_byte[1], data[6]);
    ferry_sim_flash_get_stats(dev, &st);
    CHECK_EQ(st.reads, 4); /* the empty one counts, the failed ones do not */
    /* ECC-refused reads never reach the interposer. */
    CHECK_EQ(ferry_sim_flash_set_ecc(dev, 8), FERRY_OK);
    CHECK_EQ(ferry_sim_flash_break_ecc(dev, 64, 1), FERRY_OK);
    CHECK_EQ(ferry_flash_read(f, 64, back, 8), FERRY_E_IO);
    CHECK_EQ(spy.calls, 4);
    /* Installing again restarts the index; NULL switches it off. */
    ferry_sim_flash_set_interposer(dev, spy_interposer, &spy);
    CHECK_EQ(ferry_flash_read(f, 72, back, 8), FERRY_OK);
    CHECK_EQ(spy.index[4], 0);
    ferry_sim_flash_set_interposer(dev, NULL, NULL);
    CHECK_EQ(ferry_flash_read(f, 72, back, 8), FERRY_OK);
    CHECK_MEM(back, data + 8, 8);
    CHECK_EQ(spy.calls, 5);
    ferry_sim_flash_close(dev);
}

/* The scripted interposer: "the first read of the header shows A, every
 * later one shows B", partial overlaps, a window of reads, rule order. */
static void test_interposer_script(void)
{
    struct ferry_sim_flash *dev = open_small(&small_geo);
    const struct ferry_flash *f;
    uint8_t data[64], back[64], class_b[16], win[4] = {0xC0, 0xC1, 0xC2, 0xC3};
    struct ferry_sim_script_rule rules[3];
    struct ferry_sim_script script = {rules, 3};

    if (dev == NULL)
        return;
    f = ferry_sim_flash_device(dev);
    fill_pattern(data, sizeof(data), 3);
    memset(class_b, 0xB0, sizeof(class_b));
    CHECK_EQ(ferry_flash_program(f, 0, data, 64), FERRY_OK);
    memset(rules, 0, sizeof(rules));
    rules[0] = (struct ferry_sim_script_rule){32, 16, class_b, 1, 0, 99};
    rules[1] = (struct ferry_sim_script_rule){8, 4, win, 1, 2, 0};   /* reads 1 and 2 only */
    rules[2] = (struct ferry_sim_script_rule){40, 4, win, 0, 0, 0};  /* on top of rule 0 */
    rules[2].len = 0; /* an empty range never matches */
    ferry_sim_script_install(dev, &script);
    CHECK_EQ(rules[0].seen, 0); /* install resets the counts */

    /* Read 0 of the header: the truth. */
    CHECK_EQ(ferry_flash_read(f, 0, back, 64), FERRY_OK);
    CHECK_MEM(back, data, 64);
    /* Every later read overlapping [32, 48) shows B there, only there. */
    CHECK_EQ(ferry_flash_read(f, 0, back, 64), FERRY_OK);
    CHECK_MEM(back, data, 8);
    CHECK_MEM(back + 8, win, 4);
    CHECK_MEM(back + 12, data + 12, 20);
    CHECK_MEM(back + 32, class_b, 16);
    CHECK_MEM(back + 48, data + 48, 16);
    CHECK_EQ(ferry_flash_read(f, 44, back, 8), FERRY_OK); /* overlaps its end */
    CHECK_MEM(back, class_b, 4);
    CHECK_MEM(back + 4, data + 48, 4);
    CHECK_EQ(ferry_flash_read(f, 10, back, 4), FERRY_OK); /* overlaps rule 1's end: read 2 */
    CHECK_MEM(back, win + 2, 2);
    CHECK_MEM(back + 2, data + 12, 2);
    CHECK_EQ(ferry_flash_read(f, 8, back, 4), FERRY_OK);  /* read 3: window over */
    CHECK_MEM(back, data + 8, 4);
    CHECK_EQ(ferry_flash_read(f, 48, back, 16), FERRY_OK); /* no overlap: not counted */
    CHECK_MEM(back, data + 48, 16);
    CHECK_EQ(rules[0].seen, 3);
    CHECK_EQ(rules[1].seen, 4);

    /* A later rule wins where two fire on the same bytes. */
    rules[2].len = 4;
    ferry_sim_script_install(dev, &script);
    CHECK_EQ(ferry_flash_read(f, 32, back, 16), FERRY_OK); /* rule 0 read 0: truth */
    CHECK_MEM(back + 8, win, 4);                            /* rule 2 fires at once */
    CHECK_EQ(ferry_flash_read(f, 32, back, 16), FERRY_OK);
    CHECK_MEM(back, class_b, 8);
    CHECK_MEM(back + 8, win, 4);
    CHECK_MEM(back + 12, class_b, 4);
    ferry_sim_flash_set_interposer(dev, NULL, NULL);
    CHECK_EQ(ferry_flash_read(f, 32, back, 16), FERRY_OK);
    CHECK_MEM(back, data + 32, 16);
    ferry_sim_flash_close(dev);
}

/* ---- Cut specs and the environment ------------------------------------------ */

static void test_parse_cut(void)
{
    uint64_t n = 99, seed = 99;
    enum ferry_sim_cut_mode mode = FERRY_SIM_CUT_TORN;
    static const char *const bad[] = {"", "x", "-1", "5,", "5,torn,", "5,half", "5,torn,7,",
                                      "5,torn,x", "5 ", "5,betweenx", "99999999999999999999"};

    CHECK_EQ(ferry_sim_flash_parse_cut("12", &n, &mode, &seed), FERRY_OK);
    CHECK_EQ(n, 12);
    CHECK_EQ(mode, FERRY_SIM_CUT_BETWEEN);
    CHECK_EQ(seed, 0);
    CHECK_EQ(ferry_sim_flash_parse_cut("0,torn,0x10", &n, &mode, &seed), FERRY_OK);
    CHECK_EQ(n, 0);
    CHECK_EQ(mode, FERRY_SIM_CUT_TORN);
    CHECK_EQ(seed, 16);
    CHECK_EQ(ferry_sim_flash_parse_cut("7,between,3", &n, &mode, &seed), FERRY_OK);
    CHECK_EQ(mode, FERRY_SIM_CUT_BETWEEN);
    CHECK_EQ(seed, 3);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (ferry_sim_flash_parse_cut(bad[i], &n, &mode, &seed) != FERRY_E_INVAL) {
            fprintf(stderr, "accepted bad cut spec \"%s\"\n", bad[i]);
            CHECK(0);
        }
    }
}

static void test_cut_from_env(void)
{
    struct ferry_sim_flash *dev = open_small(&small_geo);
    uint8_t data[8] = {0};

    if (dev == NULL)
        return;
    unsetenv(FERRY_SIM_CUT_ENV);
    CHECK_EQ(ferry_sim_flash_arm_cut_from_env(dev), 0);
    setenv(FERRY_SIM_CUT_ENV, "bogus", 1);
    CHECK_EQ(ferry_sim_flash_arm_cut_from_env(dev), FERRY_E_INVAL);
    setenv(FERRY_SIM_CUT_ENV, "1,between", 1);
    CHECK_EQ(ferry_sim_flash_arm_cut_from_env(dev), 1);
    unsetenv(FERRY_SIM_CUT_ENV);
    CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(dev), 0, data, 8), FERRY_OK);
    CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(dev), 8, data, 8), FERRY_E_POWER_LOSS);
    ferry_sim_flash_close(dev);
}

/* ---- File backing ------------------------------------------------------------ */

static int make_temp_path(char *path, size_t len)
{
    const char *dir = getenv("TMPDIR");
    int fd;

    snprintf(path, len, "%s/ferry-flash-sim-XXXXXX", dir && *dir ? dir : "/tmp");
    fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static void test_file_persists(void)
{
    char path[512];
    struct ferry_sim_flash *dev = NULL;
    uint8_t data[32], back[32];
    struct ferry_flash_geometry other = small_geo;
    struct ferry_sector_region twice = {16, 1024};

    if (make_temp_path(path, sizeof(path)) != 0)
        SKIP("cannot create a temporary file");
    fill_pattern(data, sizeof(data), 10);

    /* An empty file is a fresh, erased device. */
    CHECK_EQ(ferry_sim_flash_open_file(&small_geo, path, &dev), FERRY_OK);
    if (dev == NULL)
        goto out;
    CHECK(all_bytes_are(ferry_sim_flash_contents(dev), 8192, 0xFF));
    CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(dev), 4096, data, 32), FERRY_OK);
    CHECK_EQ(ferry_sim_flash_close(dev), FERRY_OK);

    /* Reopened: the data is there and the rules still hold. */
    dev = NULL;
    CHECK_EQ(ferry_sim_flash_open_file(&small_geo, path, &dev), FERRY_OK);
    if (dev == NULL)
        goto out;
    CHECK_EQ(ferry_flash_read(ferry_sim_flash_device(dev), 4096, back, 32), FERRY_OK);
    CHECK_MEM(back, data, 32);
    CHECK_EQ(ferry_flash_program(ferry_sim_flash_device(dev), 4096, data, 8),
             FERRY_E_NOT_ERASED);
    CHECK_EQ(ferry_sim_flash_erase_counts(dev, NULL)[4], 0);
    CHECK_EQ(ferry_sim_flash_close(dev), FERRY_OK);

    /* A file of another size is another device: refused. */
    other.size = 16384;
    other.regions = &twice;
    dev = NULL;
    CHECK_EQ(ferry_sim_flash_open_file(&other, path, &dev), FERRY_E_INVAL);
    CHECK(dev == NULL);
out:
    unlink(path);
}

static void test_file_erased_zero(void)
{
    char path[512];
    struct ferry_sim_flash *dev = NULL;

    if (make_temp_path(path, sizeof(path)) != 0)
        SKIP("cannot create a temporary file");
    CHECK_EQ(ferry_sim_flash_open_file(&small_geo_zero, path, &dev), FERRY_OK);
    if (dev != NULL) {
        CHECK(all_bytes_are(ferry_sim_flash_contents(dev), 8192, 0x00));
        CHECK_EQ(ferry_sim_flash_close(dev), FERRY_OK);
    }
    unlink(path);
}

/*
 * The simulator as a separate process: the child arms its cut from the
 * environment, erases, then programs 64-byte chunks until power goes, and
 * dies without closing the device. Its exit code is how many ops worked.
 * The parent is the next power cycle: it opens the same file and checks.
 */
static int child_run(const char *path, const char *cut)
{
    struct ferry_sim_flash *dev = NULL;
    uint8_t data[64];
    int ok = 0;

    setenv(FERRY_SIM_CUT_ENV, cut, 1);
    if (ferry_sim_flash_open_file(&small_geo, path, &dev) != FERRY_OK ||
        ferry_sim_flash_arm_cut_from_env(dev) != 1)
        return 200;
    if (ferry_flash_erase(ferry_sim_flash_device(dev), 0, 1024) != FERRY_OK)
        return ok;
    ok++;
    for (uint32_t i = 0; i < 16; i++) {
        fill_pattern(data, sizeof(data), i);
        if (ferry_flash_program(ferry_sim_flash_device(dev), i * 64, data, 64) != FERRY_OK)
            break;
        ok++;
    }
    return ok; /* no close: the process just dies */
}

static void check_cut_in_child(const char *cut, int expect_ops, int torn)
{
    char path[512];
    struct ferry_sim_flash *dev = NULL;
    uint8_t data[64];
    const uint8_t *mem;
    pid_t pid;
    int status = 0;

    if (make_temp_path(path, sizeof(path)) != 0)
        SKIP("cannot create a temporary file");
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        unlink(path);
        SKIP("fork failed");
    }
    if (pid == 0)
        _exit(child_run(path, cut));
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), expect_ops);

    CHECK_EQ(ferry_sim_flash_open_file(&small_geo, path, &dev), FERRY_OK);
    if (dev != NULL) {
        mem = ferry_sim_flash_contents(dev);
        for (uint32_t i = 0; i < 16; i++) {
            uint32_t programs_done = expect_ops > 0 ? (uint32_t)expect_ops - 1 : 0;
            fill_pattern(data, sizeof(data), i);
            if (i < programs_done) {
                CHECK_MEM(mem + i * 64, data, 64);
            } else if (i == programs_done && torn) {
                for (uint32_t k = 0; k < 64; k++)
                    CHECK_EQ(data[k] & (uint8_t)~mem[i * 64 + k], 0); /* between */
            } else {
                CHECK(all_bytes_are(mem + i * 64, 64, 0xFF));
            }
        }
        CHECK_EQ(ferry_sim_flash_close(dev), FERRY_OK);
    }
    unlink(path);
}

static void test_cut_in_other_process(void)
{
    check_cut_in_child("5", 5, 0);
    check_cut_in_child("5,between,1", 5, 0);
    check_cut_in_child("9,torn,42", 9, 1);
    check_cut_in_child("0", 0, 0);
}

int main(void)
{
    RUN(test_layouts);
    RUN(test_fresh_device_erased);
    RUN(test_open_rejects);
    RUN(test_rules_enforced_by_device);
    RUN(test_program_physics);
    RUN(test_page_device);
    RUN(test_write_protect);
    RUN(test_counters);
    RUN(test_cut_between);
    RUN(test_cut_torn_program);
    RUN(test_cut_torn_pulses_accumulate);
    RUN(test_cut_torn_erase);
    RUN(test_cut_deterministic);
    RUN(test_cut_every_index);
    RUN(test_snapshot_restore);
    RUN(test_ecc_config);
    RUN(test_ecc_broken_granule);
    RUN(test_ecc_granule_above_unit);
    RUN(test_ecc_torn_program);
    RUN(test_ecc_torn_erase);
    RUN(test_lock_until_reset);
    RUN(test_lock_not_in_file);
    RUN(test_interposer_callback);
    RUN(test_interposer_script);
    RUN(test_parse_cut);
    RUN(test_cut_from_env);
    RUN(test_file_persists);
    RUN(test_file_erased_zero);
    RUN(test_cut_in_other_process);
    return check_done();
}
