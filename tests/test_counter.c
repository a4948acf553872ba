/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests for the flash-backed anti-rollback counter (src/boot/counter_flash.c).
 *
 *   test_counter basic              behaviour on every layout below
 *   test_counter powercut LAYOUT [all]
 *                                   power cut at every operation of a run of
 *                                   advances that crosses two compactions,
 *                                   both cut modes, plus a second cut at every
 *                                   operation of each retry. Big banks sweep
 *                                   windows around each bank start unless
 *                                   "all" is given (minutes, not seconds).
 *
 * Everything goes through the `struct ferry_counter` seam, as the bootloader
 * uses it. A "reboot" is the simulator's power coming back plus a fresh
 * ferry_counter_flash_init(), so nothing survives but the flash contents.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ferry/counter_flash.h"
#include "ferry/errors.h"
#include "flash_layouts.h"
#include "flash_sim.h"

#define KiB 1024u

/* The documented format (docs/counter-format.md), used to predict wear. */
#define DOC_HDR_BYTES 24u
#define DOC_REC_BYTES 8u

/* Where each layout keeps its counter area. stm32f4 uses three 16 KiB
 * sectors, so its banks differ in size (32 KiB and 16 KiB). */
struct placement {
    const char *layout;
    uint32_t off, size;
};

static const struct placement placements[] = {
    {"uniform-4k", 64 * KiB, 8 * KiB},
    {"page-256", 64 * KiB, 8 * KiB},
    {"page-512", 64 * KiB, 8 * KiB},
    {"erased-zero", 64 * KiB, 8 * KiB},
    {"spi-nor", 1024 * KiB, 8 * KiB},
    {"stm32f4", 16 * KiB, 48 * KiB},
    {"sectors-128k", 512 * KiB, 256 * KiB},
    {"erased-zero-32", 512 * KiB, 256 * KiB},
};
#define PLACEMENT_COUNT (sizeof placements / sizeof placements[0])

struct rig {
    const struct placement *pl;
    struct ferry_sim_flash *sim;
    struct ferry_area area;
    struct ferry_counter_flash cf;
    struct ferry_counter *ctr;
    uint8_t buf[512];
};

static const struct placement *find_placement(const char *layout)
{
    for (size_t i = 0; i < PLACEMENT_COUNT; i++)
        if (strcmp(placements[i].layout, layout) == 0)
            return &placements[i];
    return NULL;
}

/* A new instance over the same flash: what a reboot leaves. */
static int rig_reinit(struct rig *r)
{
    ferry_sim_flash_disarm(r->sim);
    ferry_sim_flash_reboot(r->sim);
    int err = ferry_counter_flash_init(&r->cf, &r->area, r->buf, sizeof r->buf);
    r->ctr = &r->cf.counter;
    return err;
}

static int rig_open(struct rig *r, const struct placement *pl)
{
    memset(r, 0, sizeof *r);
    r->pl = pl;
    const struct ferry_flash_geometry *geo = ferry_flash_layout_geometry(pl->layout);
    if (geo == NULL || ferry_sim_flash_open_ram(geo, &r->sim) != FERRY_OK)
        return -1;
    r->area.dev = ferry_sim_flash_device(r->sim);
    r->area.off = pl->off;
    r->area.size = pl->size;
    return rig_reinit(r);
}

static void rig_close(struct rig *r)
{
    ferry_sim_flash_close(r->sim);
    r->sim = NULL;
}

static uint8_t *area_bytes(struct rig *r)
{
    return ferry_sim_flash_contents(r->sim) + r->area.off;
}

static int ctr_read(struct rig *r, uint32_t *v)
{
    return r->ctr->ops->read(r->ctr->ctx, v);
}

static int ctr_advance(struct rig *r, uint32_t v)
{
    return r->ctr->ops->advance(r->ctr->ctx, v);
}

/* Reads after a reboot; UINT32_MAX-1 marks an error so checks fail loudly. */
static uint32_t read_after_reboot(struct rig *r)
{
    uint32_t v = 0;
    if (rig_reinit(r) != FERRY_OK || ctr_read(r, &v) != FERRY_OK)
        return UINT32_MAX - 1u;
    return v;
}

static void stats(struct rig *r, struct ferry_sim_flash_stats *s)
{
    ferry_sim_flash_get_stats(r->sim, s);
}

/* The value of advance i in every run: steps of 1, 2, 3 and now and then a
 * jump, so records hold small and large differences alike. */
static uint32_t value_at(uint32_t i)
{
    return 1u + 3u * i + (i / 7u) * 1000u;
}

/* Record slots per bank, from the documented format. */
static uint32_t doc_slots(const struct ferry_flash_geometry *g, uint32_t bank_size)
{
    uint32_t u = g->program_unit;
    uint32_t hdr = (DOC_HDR_BYTES + u - 1) / u * u;
    uint32_t slot = u < DOC_REC_BYTES ? DOC_REC_BYTES : u;
    return (bank_size - hdr) / slot;
}

/* ---- Behaviour -------------------------------------------------------------- */

static void test_fresh_reads_zero(void)
{
    for (size_t i = 0; i < PLACEMENT_COUNT; i++) {
        struct rig r;
        struct ferry_sim_flash_stats s;
        uint32_t v = 123;
        CHECK_EQ(rig_open(&r, &placements[i]), FERRY_OK);
        CHECK_EQ(ctr_read(&r, &v), FERRY_OK);
        CHECK_EQ(v, 0);
        stats(&r, &s);
        CHECK_EQ(s.ops, 0);
        rig_close(&r);
    }
}

static void test_advance_across_reboots(void)
{
    for (size_t i = 0; i < PLACEMENT_COUNT; i++) {
        struct rig r;
        uint32_t v = 0;
        CHECK_EQ(rig_open(&r, &placements[i]), FERRY_OK);
        CHECK_EQ(ctr_advance(&r, 5), FERRY_OK);
        CHECK_EQ(ctr_read(&r, &v), FERRY_OK);
        CHECK_EQ(v, 5);
        CHECK_EQ(read_after_reboot(&r), 5);
        CHECK_EQ(ctr_advance(&r, 6), FERRY_OK);
        CHECK_EQ(ctr_advance(&r, 70000), FERRY_OK);
        CHECK_EQ(read_after_reboot(&r), 70000);
        CHECK_EQ(ctr_advance(&r, 70001), FERRY_OK);
        CHECK_EQ(ctr_advance(&r, 3), FERRY_OK); /* lower: no-op */
        CHECK_EQ(read_after_reboot(&r), 70001);
        CHECK_EQ(ctr_advance(&r, UINT32_MAX), FERRY_OK);
        CHECK_EQ(read_after_reboot(&r), UINT32_MAX);
        CHECK_EQ(ctr_advance(&r, 8), FERRY_OK);
        CHECK_EQ(read_after_reboot(&r), UINT32_MAX);
        rig_close(&r);
    }
}

static void test_noop_advance_writes_nothing(void)
{
    for (size_t i = 0; i < PLACEMENT_COUNT; i++) {
        struct rig r;
        struct ferry_sim_flash_stats s;
        uint32_t v = 0;
        CHECK_EQ(rig_open(&r, &placements[i]), FERRY_OK);
        CHECK_EQ(ctr_advance(&r, 0), FERRY_OK); /* fresh area, 0: nothing to do */
        stats(&r, &s);
        CHECK_EQ(s.ops, 0);
        CHECK_EQ(ctr_advance(&r, 40), FERRY_OK);
        CHECK_EQ(ctr_advance(&r, 41), FERRY_OK);
        /* same instance, then a fresh one that has to scan first */
        for (int reboot = 0; reboot < 2; reboot++) {
            if (reboot)
                CHECK_EQ(rig_reinit(&r), FERRY_OK);
            ferry_sim_flash_reset_stats(r.sim);
            CHECK_EQ(ctr_advance(&r, 41), FERRY_OK);
            CHECK_EQ(ctr_advance(&r, 40), FERRY_OK);
            CHECK_EQ(ctr_advance(&r, 0), FERRY_OK);
            stats(&r, &s);
            CHECK_EQ(s.programs, 0);
            CHECK_EQ(s.erases, 0);
            CHECK_EQ(ctr_read(&r, &v), FERRY_OK);
            CHECK_EQ(v, 41);
        }
        /* and a real advance is one program, no erase */
        ferry_sim_flash_reset_stats(r.sim);
        CHECK_EQ(ctr_advance(&r, 42), FERRY_OK);
        stats(&r, &s);
        CHECK_EQ(s.programs, 1);
        CHECK_EQ(s.erases, 0);
        rig_close(&r);
    }
}

/*
 * Thousands of advances: the banks take turns, each compaction is one erase,
 * and the erase count matches the documented formula exactly:
 * ceil(N / (S + 1)) for N advances from a fresh area with S slots per bank
 * (equal banks; stm32f4 alternates 32 KiB and 16 KiB banks).
 */
static void test_compaction_many(void)
{
    for (size_t i = 0; i < PLACEMENT_COUNT; i++) {
        struct rig r;
        struct ferry_sim_flash_stats s;
        const struct placement *pl = &placements[i];
        CHECK_EQ(rig_open(&r, pl), FERRY_OK);
        const struct ferry_flash_geometry *g = r.area.dev->geo;
        uint32_t cap[2] = {doc_slots(g, r.cf.bank[0].size) + 1,
                           doc_slots(g, r.cf.bank[1].size) + 1};
        /* enough advances for at least five compactions, at least 3000 */
        uint32_t n = 5 * (cap[0] > cap[1] ? cap[0] : cap[1]) + 7;
        if (n < 3000)
            n = 3000;
        uint32_t expect_erases = 0, left = 0;
        int bank = 1;
        for (uint32_t k = 0; k < n; k++) {
            if (left == 0) { /* this advance starts a bank */
                bank = 1 - bank;
                left = cap[bank];
                expect_erases++;
            }
            left--;
            if (ctr_advance(&r, value_at(k)) != FERRY_OK) {
                CHECK(0);
                break;
            }
            if (k % 997 == 0)
                CHECK_EQ(read_after_reboot(&r), value_at(k));
        }
        CHECK_EQ(read_after_reboot(&r), value_at(n - 1));
        stats(&r, &s);
        CHECK_EQ(s.erases, expect_erases);
        CHECK_EQ(s.programs, n);
        printf("wear %-15s banks %6u+%-6u B: %4u+%-4u advances per erase, %u erases in %u "
               "advances\n", pl->layout, (unsigned)r.cf.bank[0].size,
               (unsigned)r.cf.bank[1].size, (unsigned)cap[0], (unsigned)cap[1],
               (unsigned)s.erases, (unsigned)n);
        rig_close(&r);
    }
}

/* Bytes that fail the check are ignored; bytes that pass it count. */
static void test_records_need_their_check(void)
{
    for (size_t i = 0; i < PLACEMENT_COUNT; i++) {
        struct rig r;
        const struct placement *pl = &placements[i];
        CHECK_EQ(rig_open(&r, pl), FERRY_OK);
        CHECK_EQ(ctr_advance(&r, 10), FERRY_OK);
        CHECK_EQ(ctr_advance(&r, 11), FERRY_OK);
        uint32_t slot = r.cf.slot, first = r.cf.hdr_span;
        uint8_t *mem = area_bytes(&r);
        /* slot 1 is the next free one: fill it with a huge value whose
         * complement is off by one bit */
        uint8_t *p = mem + first + 1 * slot;
        uint32_t big = 0x7FFFFFF0u, notbig = ~big ^ 0x10u;
        memcpy(p, &big, 4);
        memcpy(p + 4, &notbig, 4);
        CHECK_EQ(read_after_reboot(&r), 11);
        /* the advance skips the used slot and still lands */
        CHECK_EQ(ctr_advance(&r, 12), FERRY_OK);
        CHECK_EQ(read_after_reboot(&r), 12);
        CHECK(memcmp(p, &big, 4) == 0);
        /* a whole pair in a free slot is a record: it counts */
        uint8_t *q = mem + first + 3 * slot;
        uint32_t forged = 0x5000u, notforged = ~forged;
        memcpy(q, &forged, 4); /* host is little-endian, as the format */
        memcpy(q + 4, &notforged, 4);
        CHECK_EQ(read_after_reboot(&r), 0x5000u);
        rig_close(&r);
    }
}

/* Flash full of garbage in both banks (never erased, or written by something
 * other than this store): no power cut can leave that, so the minimum is
 * unknown and both read and advance fail closed with FERRY_E_CORRUPT. A
 * factory programs the area erased. One garbage bank beside an erased one is
 * a torn first write: that reads 0. */
static void test_garbage_area(void)
{
    for (size_t i = 0; i < PLACEMENT_COUNT; i++) {
        struct rig r;
        CHECK_EQ(rig_open(&r, &placements[i]), FERRY_OK);
        uint8_t *mem = area_bytes(&r);
        uint64_t x = 0x9E3779B97F4A7C15ull * (i + 1);
        for (uint32_t k = 0; k < r.area.size; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            mem[k] = (uint8_t)x;
        }
        uint32_t v = 0;
        CHECK_EQ(rig_reinit(&r), FERRY_OK);
        CHECK_EQ(ctr_read(&r, &v), FERRY_E_CORRUPT);
        CHECK_EQ(ctr_advance(&r, 77), FERRY_E_CORRUPT);
        /* Erase the second bank: now it is the torn-first-write picture. */
        uint32_t split = r.cf.bank[1].off - r.cf.bank[0].off;
        memset(mem + split, r.cf.erased, r.area.size - split);
        CHECK_EQ(read_after_reboot(&r), 0);
        CHECK_EQ(ctr_advance(&r, 77), FERRY_OK);
        CHECK_EQ(read_after_reboot(&r), 77);
        rig_close(&r);
    }
}

/* A whole header of another layout version or slot size: fail closed. */
static void test_foreign_header_is_corrupt(void)
{
    struct rig r;
    struct ferry_sim_flash_stats s;
    uint32_t v = 0;
    CHECK_EQ(rig_open(&r, find_placement("uniform-4k")), FERRY_OK);
    CHECK_EQ(ctr_advance(&r, 9), FERRY_OK);
    uint8_t *mem = area_bytes(&r);
    uint32_t tag, ntag;
    memcpy(&tag, mem, 4);
    CHECK_EQ(tag & 0xFFFFu, 0x4346u); /* "FC" */
    tag = (tag & 0xFF00FFFFu) | 2u << 16; /* layout version 2 */
    ntag = ~tag;
    memcpy(mem, &tag, 4);
    memcpy(mem + 4, &ntag, 4);
    CHECK_EQ(rig_reinit(&r), FERRY_OK);
    ferry_sim_flash_reset_stats(r.sim);
    CHECK_EQ(ctr_read(&r, &v), FERRY_E_CORRUPT);
    CHECK_EQ(ctr_advance(&r, 100), FERRY_E_CORRUPT);
    stats(&r, &s);
    CHECK_EQ(s.ops, 0);
    rig_close(&r);
}

/* A failed advance leaves no stale view: the next call reads flash again. */
static void test_io_error_then_recover(void)
{
    struct rig r;
    CHECK_EQ(rig_open(&r, find_placement("page-256")), FERRY_OK);
    CHECK_EQ(ctr_advance(&r, 1), FERRY_OK);
    CHECK_EQ(ferry_sim_flash_set_write_protect(r.sim, r.area.off, r.area.size), FERRY_OK);
    CHECK_EQ(ctr_advance(&r, 2), FERRY_E_IO);
    uint32_t v = 0;
    CHECK_EQ(ctr_read(&r, &v), FERRY_OK);
    CHECK_EQ(v, 1);
    CHECK_EQ(ferry_sim_flash_set_write_protect(r.sim, 0, 0), FERRY_OK);
    /* fill the first bank, then fail a compaction */
    uint32_t k = 2;
    for (; k < 2 + r.cf.slots[0]; k++)
        CHECK_EQ(ctr_advance(&r, k), FERRY_OK);
    CHECK_EQ(r.cf.next, r.cf.slots[0]);
    CHECK_EQ(ferry_sim_flash_set_write_protect(r.sim, r.area.off, r.area.size), FERRY_OK);
    CHECK_EQ(ctr_advance(&r, k), FERRY_E_IO);
    CHECK_EQ(ctr_read(&r, &v), FERRY_OK);
    CHECK_EQ(v, k - 1);
    CHECK_EQ(ferry_sim_flash_set_write_protect(r.sim, 0, 0), FERRY_OK);
    struct ferry_sim_flash_stats s;
    ferry_sim_flash_reset_stats(r.sim);
    CHECK_EQ(ctr_advance(&r, k), FERRY_OK);
    stats(&r, &s);
    CHECK_EQ(s.erases, 1);
    CHECK_EQ(read_after_reboot(&r), k);
    rig_close(&r);
}

/*
 * A driver error after bytes changed (modelled by a torn program whose power
 * comes back without a new instance): the same instance must read the area
 * again and append past the damaged slot, not program it a second time.
 */
static void test_error_drops_cached_view(void)
{
    struct rig r;
    int damaged = 0;
    CHECK_EQ(rig_open(&r, find_placement("uniform-4k")), FERRY_OK);
    CHECK_EQ(ctr_advance(&r, 1), FERRY_OK);
    for (uint64_t seed = 1; seed < 64 && !damaged; seed++) {
        uint32_t v = (uint32_t)seed + 1u;
        const uint8_t *slot = area_bytes(&r) + r.cf.hdr_span + r.cf.next * r.cf.slot;
        ferry_sim_flash_arm_cut(r.sim, 0, FERRY_SIM_CUT_TORN, seed);
        CHECK_EQ(ctr_advance(&r, v), FERRY_E_POWER_LOSS);
        ferry_sim_flash_reboot(r.sim); /* same instance carries on */
        for (uint32_t k = 0; k < r.cf.slot; k++)
            damaged |= slot[k] != 0xFF;
        CHECK_EQ(ctr_advance(&r, v), FERRY_OK);
        CHECK_EQ(read_after_reboot(&r), v);
    }
    CHECK(damaged);
    rig_close(&r);
}

/* The stale bank's records count too: the value never goes below anything
 * whole on flash, even if the newer bank were somehow lower. */
static void test_stale_bank_counts(void)
{
    struct rig r;
    CHECK_EQ(rig_open(&r, find_placement("page-256")), FERRY_OK);
    uint32_t k = 1;
    while (r.cf.active != 1)
        CHECK_EQ(ctr_advance(&r, k++), FERRY_OK);
    CHECK_EQ(read_after_reboot(&r), k - 1);
    /* bank 0 is full; overwrite its last record with a whole, higher one */
    uint8_t *p = area_bytes(&r) + r.cf.hdr_span + (r.cf.slots[0] - 1) * r.cf.slot;
    uint32_t hi = 1000000, nhi = ~hi;
    memcpy(p, &hi, 4);
    memcpy(p + 4, &nhi, 4);
    CHECK_EQ(read_after_reboot(&r), hi);
    rig_close(&r);
}

static void test_bad_arguments(void)
{
    struct rig r;
    struct ferry_counter_flash c;
    uint8_t small[511];
    CHECK_EQ(rig_open(&r, find_placement("uniform-4k")), FERRY_OK);
    struct ferry_area a = r.area;
    CHECK_EQ(ferry_counter_flash_init(NULL, &a, r.buf, sizeof r.buf), FERRY_E_INVAL);
    CHECK_EQ(ferry_counter_flash_init(&c, NULL, r.buf, sizeof r.buf), FERRY_E_INVAL);
    CHECK_EQ(ferry_counter_flash_init(&c, &a, NULL, sizeof r.buf), FERRY_E_INVAL);
    CHECK_EQ(ferry_counter_flash_init(&c, &a, r.buf, 23), FERRY_E_INVAL);
    CHECK_EQ(ferry_counter_flash_init(&c, &a, r.buf, 24), FERRY_OK); /* 24-byte header, unit 8 */
    a.size = 4 * KiB; /* one sector: no second bank */
    CHECK_EQ(ferry_counter_flash_init(&c, &a, r.buf, sizeof r.buf), FERRY_E_INVAL);
    a.size = 8 * KiB + 8; /* not a sector boundary */
    CHECK_EQ(ferry_counter_flash_init(&c, &a, r.buf, sizeof r.buf), FERRY_E_INVAL);
    a.off = 1024 * KiB - 4 * KiB; /* runs off the device */
    a.size = 8 * KiB;
    CHECK_EQ(ferry_counter_flash_init(&c, &a, r.buf, sizeof r.buf), FERRY_E_INVAL);
    a.off = 8;
    CHECK_EQ(ferry_counter_flash_init(&c, &a, r.buf, sizeof r.buf), FERRY_E_INVAL);
    rig_close(&r);

    /* page-512: the buffer must hold a whole page */
    CHECK_EQ(rig_open(&r, find_placement("page-512")), FERRY_OK);
    CHECK_EQ(ferry_counter_flash_init(&c, &r.area, small, sizeof small), FERRY_E_INVAL);
    CHECK_EQ(FERRY_COUNTER_FLASH_BUF_MIN(512u), 512u);
    CHECK_EQ(ferry_counter_flash_init(&c, &r.area, r.buf, FERRY_COUNTER_FLASH_BUF_MIN(512u)),
             FERRY_OK);
    CHECK_EQ(c.counter.ops->read(c.counter.ctx, NULL), FERRY_E_INVAL);
    rig_close(&r);
}

/* ---- Power cuts ------------------------------------------------------------- */

struct sweep {
    struct rig r;
    uint8_t *golden;    /* area before the advance under test */
    uint8_t *mid;       /* area after the first cut */
    uint64_t seed;
    uint64_t cut_points, double_cuts, advances_swept;
};

static void restore_area(struct rig *r, const uint8_t *from)
{
    memcpy(area_bytes(r), from, r->area.size);
}

/* Operations the advance to v performs from state `golden`. */
static uint64_t ops_of_advance(struct sweep *w, uint32_t v)
{
    struct ferry_sim_flash_stats s;
    uint32_t got = 0;
    restore_area(&w->r, w->golden);
    CHECK_EQ(rig_reinit(&w->r), FERRY_OK);
    CHECK_EQ(ctr_read(&w->r, &got), FERRY_OK);
    ferry_sim_flash_reset_stats(w->r.sim);
    CHECK_EQ(ctr_advance(&w->r, v), FERRY_OK);
    stats(&w->r, &s);
    CHECK_EQ(read_after_reboot(&w->r), v);
    return s.ops;
}

/*
 * w->mid holds the area after a cut during the advance old -> v, where a
 * reboot reads `seen`. Cuts the retry at each of its operations in turn
 * (mode `mode`), checks what a reboot then reads, then lets a retry finish.
 */
static void double_fault(struct sweep *w, uint32_t old, uint32_t v, uint32_t seen,
                         enum ferry_sim_cut_mode mode)
{
    for (uint64_t j = 0;; j++) {
        uint32_t got = 0;
        restore_area(&w->r, w->mid);
        CHECK_EQ(rig_reinit(&w->r), FERRY_OK);
        CHECK_EQ(ctr_read(&w->r, &got), FERRY_OK);
        CHECK_EQ(got, seen);
        ferry_sim_flash_arm_cut(w->r.sim, j, mode, ++w->seed);
        int err = ctr_advance(&w->r, v);
        if (err == FERRY_OK) {
            CHECK_EQ(ferry_sim_flash_power_lost(w->r.sim), 0);
            CHECK_EQ(read_after_reboot(&w->r), v);
            break;
        }
        CHECK_EQ(err, FERRY_E_POWER_LOSS);
        if (err != FERRY_E_POWER_LOSS || j > 8)
            break;
        w->double_cuts++;
        got = read_after_reboot(&w->r);
        CHECK(got == old || got == v);
        CHECK(got >= seen); /* a value once read never comes back lower */
        CHECK_EQ(ctr_advance(&w->r, v), FERRY_OK);
        CHECK_EQ(read_after_reboot(&w->r), v);
    }
}

/* Every cut point of the advance old -> v, both modes, each with the double
 * faults of its retry. Leaves the area as `golden` with v advanced. */
static void sweep_advance(struct sweep *w, uint32_t old, uint32_t v)
{
    uint64_t ops = ops_of_advance(w, v);
    CHECK(ops >= 1 && ops <= 2);
    for (int m = 0; m < 2; m++) {
        enum ferry_sim_cut_mode mode = m ? FERRY_SIM_CUT_TORN : FERRY_SIM_CUT_BETWEEN;
        for (uint64_t j = 0; j < ops; j++) {
            uint32_t got = 0;
            restore_area(&w->r, w->golden);
            CHECK_EQ(rig_reinit(&w->r), FERRY_OK);
            CHECK_EQ(ctr_read(&w->r, &got), FERRY_OK);
            CHECK_EQ(got, old);
            ferry_sim_flash_arm_cut(w->r.sim, j, mode, ++w->seed);
            CHECK_EQ(ctr_advance(&w->r, v), FERRY_E_POWER_LOSS);
            w->cut_points++;
            got = read_after_reboot(&w->r);
            CHECK(got == old || got == v);
            CHECK_EQ(read_after_reboot(&w->r), got); /* stable across reboots */
            /* second cut in the same and in the other mode */
            memcpy(w->mid, area_bytes(&w->r), w->r.area.size);
            double_fault(w, old, v, got, mode);
            double_fault(w, old, v, got, m ? FERRY_SIM_CUT_BETWEEN : FERRY_SIM_CUT_TORN);
        }
    }
    restore_area(&w->r, w->golden);
    CHECK_EQ(rig_reinit(&w->r), FERRY_OK);
}

/* Advance indices at which a bank is started: the first write and the next
 * two compactions. */
static int find_compactions(const struct placement *pl, uint32_t at[3])
{
    struct rig r;
    struct ferry_sim_flash_stats s;
    int found = 0;
    if (rig_open(&r, pl) != FERRY_OK)
        return -1;
    for (uint32_t i = 0; found < 3 && i < 100000; i++) {
        uint64_t before;
        stats(&r, &s);
        before = s.erases;
        if (ctr_advance(&r, value_at(i)) != FERRY_OK)
            break;
        stats(&r, &s);
        if (s.erases != before)
            at[found++] = i;
    }
    rig_close(&r);
    return found == 3 ? 0 : -1;
}

/* Runs where every advance of the whole run is swept stay below this many
 * advances; bigger banks sweep windows around the first write and each
 * compaction (the advances in between are all the same single program). */
#define FULL_SWEEP_MAX 2200u
#define WINDOW 3u

static void run_powercut(const char *layout, int force_full)
{
    const struct placement *pl = find_placement(layout);
    uint32_t at[3];
    struct sweep w;
    memset(&w, 0, sizeof w);
    if (pl == NULL) {
        fprintf(stderr, "unknown layout %s\n", layout);
        CHECK(0);
        return;
    }
    CHECK_EQ(find_compactions(pl, at), 0);
    CHECK_EQ(at[0], 0);
    uint32_t last = at[2] + WINDOW;
    int full = force_full || last <= FULL_SWEEP_MAX;
    CHECK_EQ(rig_open(&w.r, pl), FERRY_OK);
    w.golden = malloc(pl->size);
    w.mid = malloc(pl->size);
    CHECK(w.golden != NULL && w.mid != NULL);
    if (w.golden == NULL || w.mid == NULL)
        goto out;
    w.seed = 0x636f756e74ull ^ (uint64_t)pl->off;

    uint32_t old = 0;
    for (uint32_t i = 0; i <= last; i++) {
        uint32_t v = value_at(i);
        int near = i < WINDOW + 1 || (i + WINDOW >= at[1] && i <= at[1] + WINDOW) ||
                   (i + WINDOW >= at[2] && i <= at[2] + WINDOW);
        if (full || near) {
            memcpy(w.golden, area_bytes(&w.r), pl->size);
            sweep_advance(&w, old, v);
            w.advances_swept++;
        }
        if (ctr_advance(&w.r, v) != FERRY_OK) {
            CHECK(0);
            break;
        }
        old = v;
    }
    CHECK_EQ(read_after_reboot(&w.r), old);
    printf("counter power cuts on %s: %llu cut points (both modes), %llu double faults, "
           "%llu of %u advances swept (%s), compactions at advances %u and %u\n",
           layout, (unsigned long long)w.cut_points, (unsigned long long)w.double_cuts,
           (unsigned long long)w.advances_swept, (unsigned)(last + 1),
           full ? "all" : "windows around each bank start", (unsigned)at[1], (unsigned)at[2]);
out:
    free(w.golden);
    free(w.mid);
    rig_close(&w.r);
}

static const char *powercut_layout;
static int powercut_full;

static void test_powercut(void)
{
    run_powercut(powercut_layout, powercut_full);
}

int main(int argc, char **argv)
{
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "powercut") == 0) {
        powercut_layout = argv[2];
        powercut_full = argc == 4 && strcmp(argv[3], "all") == 0;
        RUN(test_powercut);
        return check_done();
    }
    if (argc != 2 || strcmp(argv[1], "basic") != 0) {
        fprintf(stderr, "usage: test_counter basic | powercut LAYOUT [all]\n");
        return 2;
    }
    RUN(test_fresh_reads_zero);
    RUN(test_advance_across_reboots);
    RUN(test_noop_advance_writes_nothing);
    RUN(test_compaction_many);
    RUN(test_records_need_their_check);
    RUN(test_garbage_area);
    RUN(test_foreign_header_is_corrupt);
    RUN(test_io_error_then_recover);
    RUN(test_error_drops_cached_view);
    RUN(test_stale_bank_counts);
    RUN(test_bad_arguments);
    return check_done();
}
