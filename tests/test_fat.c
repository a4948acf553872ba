/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FAT unit tests on volumes built byte by byte in memory, so that every
 * corruption is exact: boot sectors that lie, chains that loop or leave the
 * volume, absurd sizes, long names that do not belong, devices that fail.
 * (The real tools judge the well-formed cases: the scripts in tests/fat/.)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ferry/byteorder.h"
#include "ferry/errors.h"
#include "ferry/fat.h"

#define SECTOR 512u
#define EOC 0x0FFFFFFFu

/* ---- A RAM card: 512-byte units, counts, failures on demand ------------- */

struct ram {
    uint8_t *d;
    uint64_t size;
    long reads, programs;
    long fail_read_at, fail_program_at; /* the Nth call fails; -1: never */
};

static int ram_read(void *ctx, uint64_t addr, void *buf, uint32_t len)
{
    struct ram *r = ctx;
    if (addr % SECTOR || len % SECTOR)
        return FERRY_E_ALIGN;
    if (addr > r->size || len > r->size - addr)
        return FERRY_E_RANGE;
    if (r->reads++ == r->fail_read_at)
        return FERRY_E_IO;
    memcpy(buf, r->d + addr, len);
    return FERRY_OK;
}

static int ram_program(void *ctx, uint64_t addr, const void *buf, uint32_t len)
{
    struct ram *r = ctx;
    if (addr % SECTOR || len % SECTOR)
        return FERRY_E_ALIGN;
    if (addr > r->size || len > r->size - addr)
        return FERRY_E_RANGE;
    if (r->programs++ == r->fail_program_at)
        return FERRY_E_IO;
    memcpy(r->d + addr, buf, len);
    return FERRY_OK;
}

static int ram_erase(void *ctx, uint64_t addr, uint64_t len)
{
    (void)ctx, (void)addr, (void)len;
    return FERRY_OK;
}

static const struct ferry_bd_ops ram_ops = {ram_read, ram_program, NULL, NULL};
static const struct ferry_bd_ops ram_ops_readonly = {ram_read, NULL, NULL, NULL};
static const struct ferry_bd_ops ram_ops_erase = {ram_read, ram_program, ram_erase, NULL};

/* ---- A volume builder: our own small mkfs, exact down to the byte -------- */

struct img {
    struct ram ram;
    struct ferry_bd_geometry geo;
    struct ferry_bd bd;
    uint8_t cache[SECTOR];
    struct ferry_fat fs;
    int type;
    uint32_t vol, spc, reserved, fat_lba, fat_sectors, root_lba, root_entries, data_lba;
    uint32_t clusters, root_cluster;
};

static uint8_t *sec(struct img *m, uint32_t lba)
{
    return m->ram.d + (uint64_t)lba * SECTOR;
}

static uint8_t *boot(struct img *m)
{
    return sec(m, m->vol);
}

static uint32_t cluster_lba(struct img *m, uint32_t c)
{
    return m->data_lba + (c - 2) * m->spc;
}

/* Sets FAT entry c in both copies (v: a cluster, 0, or EOC). */
static void set_fat(struct img *m, uint32_t c, uint32_t v)
{
    for (uint32_t copy = 0; copy < 2; copy++) {
        uint8_t *fat = sec(m, m->fat_lba + copy * m->fat_sectors);
        if (m->type == 12) {
            uint32_t off = c + c / 2;
            v &= 0xFFF;
            if (c & 1) {
                fat[off] = (uint8_t)((fat[off] & 0x0F) | (v << 4 & 0xF0));
                fat[off + 1] = (uint8_t)(v >> 4);
            } else {
                fat[off] = (uint8_t)v;
                fat[off + 1] = (uint8_t)((fat[off + 1] & 0xF0) | (v >> 8 & 0x0F));
            }
        } else if (m->type == 16) {
            ferry_put_le16(fat + c * 2, v & 0xFFFF);
        } else {
            ferry_put_le32(fat + c * 4, v & 0x0FFFFFFF);
        }
    }
}

static uint32_t get_fat(struct img *m, uint32_t copy, uint32_t c)
{
    const uint8_t *fat = sec(m, m->fat_lba + copy * m->fat_sectors);
    if (m->type == 12) {
        uint32_t v = ferry_get_le16(fat + c + c / 2);
        return (c & 1) ? v >> 4 : v & 0xFFF;
    }
    return m->type == 16 ? ferry_get_le16(fat + c * 2) : ferry_get_le32(fat + c * 4) & 0x0FFFFFFF;
}

static uint32_t count_free(struct img *m)
{
    uint32_t n = 0;
    for (uint32_t c = 2; c < m->clusters + 2; c++)
        n += get_fat(m, 0, c) == 0;
    return n;
}

/* Formats a volume of `total` sectors at device sector vol (the device has
 * vol + total + spare sectors): type 12, 16 or 32. */
static void format(struct img *m, int type, uint32_t total, uint32_t spc, uint32_t vol, uint32_t spare)
{
    memset(m, 0, sizeof *m);
    m->ram.size = (uint64_t)(vol + total + spare) * SECTOR;
    m->ram.d = calloc(1, (size_t)m->ram.size);
    m->ram.fail_read_at = m->ram.fail_program_at = -1;
    m->geo = (struct ferry_bd_geometry){m->ram.size, SECTOR, SECTOR, SECTOR, -1};
    m->bd = (struct ferry_bd){&ram_ops, &m->ram, &m->geo};
    m->type = type;
    m->vol = vol;
    m->spc = spc;
    m->reserved = type == 32 ? 32 : 1;
    m->root_entries = type == 32 ? 0 : (type == 12 ? 64 : 512);
    uint32_t root_secs = m->root_entries * 32 / SECTOR;
    uint32_t fat_sectors = 1;
    for (int i = 0; i < 8; i++) { /* converges in a few rounds */
        uint32_t clusters = (total - m->reserved - root_secs - 2 * fat_sectors) / spc;
        fat_sectors = (uint32_t)(((uint64_t)(clusters + 2) * type / 8 + SECTOR - 1) / SECTOR);
    }
    m->fat_sectors = fat_sectors;
    m->fat_lba = vol + m->reserved;
    m->root_lba = m->fat_lba + 2 * fat_sectors;
    m->data_lba = m->root_lba + root_secs;
    m->clusters = (vol + total - m->data_lba) / spc;

    uint8_t *b = boot(m);
    b[0] = 0xEB, b[1] = 0x3C, b[2] = 0x90;
    memcpy(b + 3, "FERRYTST", 8);
    ferry_put_le16(b + 11, SECTOR);
    b[13] = (uint8_t)spc;
    ferry_put_le16(b + 14, m->reserved);
    b[16] = 2;
    ferry_put_le16(b + 17, m->root_entries);
    if (total < 65536 && type != 32)
        ferry_put_le16(b + 19, total);
    else
        ferry_put_le32(b + 32, total);
    b[21] = 0xF8;
    b[510] = 0x55, b[511] = 0xAA;
    if (type != 32) {
        ferry_put_le16(b + 22, fat_sectors);
    } else {
        ferry_put_le32(b + 36, fat_sectors);
        m->root_cluster = 2;
        ferry_put_le32(b + 44, 2);
        ferry_put_le16(b + 48, 1); /* FSInfo */
        uint8_t *fi = sec(m, vol + 1);
        ferry_put_le32(fi, 0x41615252);
        ferry_put_le32(fi + 484, 0x61417272);
        ferry_put_le32(fi + 508, 0xAA550000);
    }
    set_fat(m, 0, 0x0FFFFFF8);
    set_fat(m, 1, EOC);
    if (type == 32)
        set_fat(m, 2, EOC); /* the root directory */
    if (type == 32) {
        ferry_put_le32(sec(m, vol + 1) + 488, count_free(m));
        ferry_put_le32(sec(m, vol + 1) + 492, 3);
    }
}

static void release(struct img *m)
{
    free(m->ram.d);
}

static int mount(struct img *m)
{
    return ferry_fat_mount(&m->fs, &m->bd, m->cache, sizeof m->cache);
}

/* The root's "cluster" as the tests name it: 0 for the fixed root. */
static uint32_t root(struct img *m)
{
    return m->root_cluster;
}

/* Slot i of a one-cluster directory (or the fixed root). */
static uint8_t *slot(struct img *m, uint32_t dir, uint32_t i)
{
    uint32_t lba = dir == 0 ? m->root_lba : cluster_lba(m, dir);
    return sec(m, lba) + i * 32;
}

static void put_entry(struct img *m, uint32_t dir, uint32_t i, const char *name11, uint8_t attr,
                      uint32_t first, uint32_t size)
{
    uint8_t *e = slot(m, dir, i);
    memset(e, 0, 32);
    memcpy(e, name11, 11);
    e[11] = attr;
    ferry_put_le16(e + 20, first >> 16);
    ferry_put_le16(e + 26, first & 0xFFFF);
    ferry_put_le32(e + 28, size);
}

static uint8_t checksum(const uint8_t *name11)
{
    uint8_t sum = 0;
    for (int i = 0; i < 11; i++)
        sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + name11[i]);
    return sum;
}

/* Writes the long-name slots for units[0..n) at slots i.. (last part
 * first), for the short entry that follows them; returns the slot count. */
static uint32_t put_lfn(struct img *m, uint32_t dir, uint32_t i, const uint16_t *units, uint32_t n,
                        uint8_t sum)
{
    static const uint8_t at[13] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
    uint32_t parts = (n + 12) / 13;
    for (uint32_t p = parts; p >= 1; p--) {
        uint8_t *e = slot(m, dir, i + parts - p);
        memset(e, 0, 32);
        e[0] = (uint8_t)(p | (p == parts ? 0x40 : 0));
        e[11] = 0x0F;
        e[13] = sum;
        for (uint32_t k = 0; k < 13; k++) {
            uint32_t j = (p - 1) * 13 + k;
            ferry_put_le16(e + at[k], j < n ? units[j] : (j == n ? 0x0000 : 0xFFFF));
        }
    }
    return parts;
}

static uint32_t ascii_units(const char *s, uint16_t *out)
{
    uint32_t n = 0;
    while (s[n]) {
        out[n] = (uint8_t)s[n];
        n++;
    }
    return n;
}

/* A chain over the given clusters, in order, with deterministic data. */
static void put_chain(struct img *m, const uint32_t *cl, uint32_t n, uint8_t seed)
{
    for (uint32_t i = 0; i < n; i++) {
        set_fat(m, cl[i], i + 1 < n ? cl[i + 1] : EOC);
        uint8_t *d = sec(m, cluster_lba(m, cl[i]));
        for (uint32_t k = 0; k < m->spc * SECTOR; k++)
            d[k] = (uint8_t)(seed + i * 31 + k * 7 + (k >> 9));
    }
}

/* The bytes put_chain wrote, as the file reads them. */
static void chain_bytes(struct img *m, const uint32_t *cl, uint32_t n, uint8_t *out)
{
    for (uint32_t i = 0; i < n; i++)
        memcpy(out + (size_t)i * m->spc * SECTOR, sec(m, cluster_lba(m, cl[i])), m->spc * SECTOR);
}

/* ---- Mounting ------------------------------------------------------------ */

static void test_mount_types(void)
{
    static const struct { int type; uint32_t total, spc; } cases[] = {
        {12, 2048, 1}, {12, 8192, 4}, {16, 16384, 1}, {16, 65536, 8}, {32, 4096, 1}, {32, 70000, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct img m;
        format(&m, cases[i].type, cases[i].total, cases[i].spc, 0, 0);
        CHECK_EQ(mount(&m), FERRY_OK);
        CHECK_EQ(m.fs.type, cases[i].type);
        CHECK_EQ(m.fs.cluster_count, m.clusters);
        CHECK_EQ(m.fs.data_lba, m.data_lba);
        CHECK_EQ(m.fs.fat_copies, 2);
        if (cases[i].type == 32)
            CHECK_EQ(m.fs.free_count, m.clusters - 1);
        CHECK_EQ(m.ram.programs, 0); /* mounting writes nothing */
        release(&m);
    }
}

/* One MBR entry at index i. */
static void put_partition(struct img *m, int i, uint8_t type, uint32_t start, uint32_t count)
{
    uint8_t *p = sec(m, 0) + 446 + i * 16;
    memset(p, 0, 16);
    p[4] = type;
    ferry_put_le32(p + 8, start);
    ferry_put_le32(p + 12, count);
    sec(m, 0)[510] = 0x55, sec(m, 0)[511] = 0xAA;
}

static void test_mount_mbr(void)
{
    struct img m;
    format(&m, 16, 16384, 2, 63, 0);
    put_partition(&m, 0, 0x06, 63, 16384);
    CHECK_EQ(mount(&m), FERRY_OK);
    CHECK_EQ(m.fs.type, 16);
    CHECK_EQ(m.fs.fat_lba, 64);

    /* Entries that hold no volume are passed over: extended, GPT guard,
     * beyond the device, not a boot sector. */
    put_partition(&m, 0, 0x05, 63, 16384);
    put_partition(&m, 1, 0xEE, 63, 16384);
    put_partition(&m, 2, 0x0C, 63, 0x7FFFFFFF);
    put_partition(&m, 3, 0x0C, 1, 10);
    CHECK_EQ(mount(&m), FERRY_E_FAT_NOFS);
    put_partition(&m, 3, 0x83, 63, 16384); /* any type, if a FAT boot sector is there */
    CHECK_EQ(mount(&m), FERRY_OK);

    /* No signature, or nothing at all. */
    sec(&m, 0)[510] = 0;
    CHECK_EQ(mount(&m), FERRY_E_FAT_NOFS);
    memset(m.ram.d, 0, (size_t)m.ram.size);
    CHECK_EQ(mount(&m), FERRY_E_FAT_NOFS);
    release(&m);
}

static void test_mount_rejects(void)
{
    /* Each case damages a fresh FAT16 boot sector (FAT32 where noted). */
    enum { BPS, SPC0, SPC3, RSVD0, NFATS0, ROOT0, TOTAL0, TOTAL_BIG, FATSZ_SMALL, META_ALL,
           ROOT_CLUSTER, ROOT_CLUSTER_BIG, ACTIVE_FAT, SIG, JUMP, FAT32_ROOT_ENTRIES, NCASES };
    static const int expect[NCASES] = {
        [BPS] = FERRY_E_UNSUPPORTED, [SPC0] = FERRY_E_FAT_NOFS, [SPC3] = FERRY_E_FAT_NOFS,
        [RSVD0] = FERRY_E_FAT_NOFS, [NFATS0] = FERRY_E_FAT_NOFS, [ROOT0] = FERRY_E_CORRUPT,
        [TOTAL0] = FERRY_E_CORRUPT, [TOTAL_BIG] = FERRY_E_CORRUPT, [FATSZ_SMALL] = FERRY_E_CORRUPT,
        [META_ALL] = FERRY_E_CORRUPT, [ROOT_CLUSTER] = FERRY_E_CORRUPT,
        [ROOT_CLUSTER_BIG] = FERRY_E_CORRUPT, [ACTIVE_FAT] = FERRY_E_CORRUPT,
        [SIG] = FERRY_E_FAT_NOFS, [JUMP] = FERRY_E_FAT_NOFS, [FAT32_ROOT_ENTRIES] = FERRY_E_CORRUPT,
    };
    for (int c = 0; c < NCASES; c++) {
        int fat32 = c == ROOT_CLUSTER || c == ROOT_CLUSTER_BIG || c == ACTIVE_FAT || c == FAT32_ROOT_ENTRIES;
        struct img m;
        format(&m, fat32 ? 32 : 16, 16384, 1, 0, 0);
        uint8_t *b = boot(&m);
        switch (c) {
        case BPS: ferry_put_le16(b + 11, 1024); break;
        case SPC0: b[13] = 0; break;
        case SPC3: b[13] = 3; break;
        case RSVD0: ferry_put_le16(b + 14, 0); break;
        case NFATS0: b[16] = 0; break;
        case ROOT0: ferry_put_le16(b + 17, 0); break;
        case TOTAL0: ferry_put_le16(b + 19, 0); break;
        case TOTAL_BIG: ferry_put_le16(b + 19, 0); ferry_put_le32(b + 32, 0xFFFFFFF0); break;
        case FATSZ_SMALL: ferry_put_le16(b + 22, 2); break;
        case META_ALL: ferry_put_le16(b + 14, 16300); break;
        case ROOT_CLUSTER: ferry_put_le32(b + 44, 1); break;
        case ROOT_CLUSTER_BIG: ferry_put_le32(b + 44, m.clusters + 2); break;
        case ACTIVE_FAT: ferry_put_le16(b + 40, 0x80 | 5); break;
        case SIG: b[511] = 0; break;
        case JUMP: b[0] = 0; break;
        case FAT32_ROOT_ENTRIES: ferry_put_le16(b + 17, 512); break;
        }
        int rc = mount(&m);
        if (rc != expect[c])
            printf("  mount case %d: %d, expected %d\n", c, rc, expect[c]);
        CHECK_EQ(rc, expect[c]);
        release(&m);
    }
}

static void test_mount_arguments(void)
{
    struct img m;
    format(&m, 12, 2048, 1, 0, 0);
    CHECK_EQ(ferry_fat_mount(NULL, &m.bd, m.cache, SECTOR), FERRY_E_INVAL);
    CHECK_EQ(ferry_fat_mount(&m.fs, NULL, m.cache, SECTOR), FERRY_E_INVAL);
    CHECK_EQ(ferry_fat_mount(&m.fs, &m.bd, NULL, SECTOR), FERRY_E_INVAL);
    CHECK_EQ(ferry_fat_mount(&m.fs, &m.bd, m.cache, SECTOR - 1), FERRY_E_INVAL);
    m.geo.read_unit = 4096;
    CHECK_EQ(mount(&m), FERRY_E_UNSUPPORTED);
    m.geo.read_unit = 1; /* a byte-addressed device is fine */
    CHECK_EQ(mount(&m), FERRY_OK);
    m.ram.fail_read_at = m.ram.reads;
    CHECK_EQ(mount(&m), FERRY_E_IO);
    release(&m);
}

/* ---- Reading ------------------------------------------------------------- */

static void test_read_fat12_straddle(void)
{
    /* FAT12 entries 341 and 682 straddle FAT sectors (bytes 511/512 and
     * 1023/1024): a file scattered over such clusters. */
    struct img m;
    format(&m, 12, 4000, 1, 0, 0);
    static const uint32_t cl[] = {340, 341, 342, 681, 682, 683, 100, 2};
    uint32_t n = sizeof cl / sizeof cl[0];
    put_chain(&m, cl, n, 9);
    uint32_t size = n * SECTOR - 77;
    put_entry(&m, 0, 0, "SCATTER BIN", 0x20, cl[0], size);
    uint8_t want[8 * SECTOR], got[8 * SECTOR];
    chain_bytes(&m, cl, n, want);

    struct ferry_fat_file f;
    CHECK_EQ(mount(&m), FERRY_OK);
    CHECK_EQ(ferry_fat_open(&m.fs, "scatter.bin", &f), FERRY_OK);
    CHECK_EQ(ferry_fat_size(&f), size);
    CHECK_EQ(ferry_fat_read(&f, 0, got, sizeof got), (int)size);
    CHECK_MEM(got, want, size);
    /* Backwards, odd pieces: the remembered position must not mislead. */
    for (uint32_t off = size; off > 0;) {
        uint32_t len = off >= 300 ? 300 : off;
        off -= len;
        memset(got, 0, len);
        CHECK_EQ(ferry_fat_read(&f, off, got, len), (int)len);
        CHECK_MEM(got, want + off, len);
    }
    CHECK_EQ(ferry_fat_read(&f, size, got, 1), 0);
    CHECK_EQ(ferry_fat_read(&f, 0xFFFFFFFF, got, 1), 0);
    CHECK_EQ(ferry_fat_read(&f, 0, NULL, 1), FERRY_E_INVAL);
    CHECK_EQ(ferry_fat_read(NULL, 0, got, 1), FERRY_E_INVAL);
    release(&m);
}

/* A chain's damage and what open says. */
static void test_chain_damage(void)
{
    for (int type = 12; type <= 32; type = type == 12 ? 16 : 40) {
        int t = type == 40 ? 32 : type;
        enum { OK, LOOP_SELF, LOOP_BACK, LOOP_LATE, LEAVES, TO_FREE, TO_BAD, TO_ONE, SHORT,
               LONGER, SIZE_HUGE, FIRST_ZERO, FIRST_BIG, NCASES };
        for (int c = 0; c < NCASES; c++) {
            struct img m;
            format(&m, t, t == 16 ? 16384 : 4096, 1, 0, 0);
            uint32_t base = 10;
            static const uint32_t n = 6;
            uint32_t cl[6];
            for (uint32_t i = 0; i < n; i++)
                cl[i] = base + i;
            put_chain(&m, cl, n, 1);
            uint32_t size = n * SECTOR, first = base;
            int want = FERRY_E_CORRUPT;
            switch (c) {
            case OK: want = FERRY_OK; break;
            case LOOP_SELF: set_fat(&m, base + 2, base + 2); break;
            case LOOP_BACK: set_fat(&m, base + 5, base); break;
            case LOOP_LATE: /* a loop past the file's size: still a loop */
                size = 2 * SECTOR;
                set_fat(&m, base + 5, base + 3);
                break;
            case LEAVES: set_fat(&m, base + 3, m.clusters + 2); break;
            case TO_FREE: set_fat(&m, base + 3, 0); break;
            case TO_BAD: set_fat(&m, base + 3, 0x0FFFFFF7); break;
            case TO_ONE: set_fat(&m, base + 3, 1); break;
            case SHORT: size = n * SECTOR + 1; break;
            case LONGER: size = 2 * SECTOR + 5; want = FERRY_OK; break; /* a cut's leftover */
            case SIZE_HUGE: size = 0xFFFFFFFF; break;
            case FIRST_ZERO: first = 0; break;
            case FIRST_BIG: first = m.clusters + 2; break;
            }
            put_entry(&m, root(&m), 0, "FILE    BIN", 0x20, first, size);
            struct ferry_fat_file f;
            CHECK_EQ(mount(&m), FERRY_OK);
            long reads = m.ram.reads;
            int rc = ferry_fat_open(&m.fs, "/file.bin", &f);
            if (rc != want)
                printf("  FAT%d chain case %d: %d, expected %d\n", t, c, rc, want);
            CHECK_EQ(rc, want);
            CHECK(m.ram.reads - reads < 64); /* caught quickly, not after the whole FAT */
            if (rc == FERRY_OK) {
                uint8_t got[6 * SECTOR], want_bytes[6 * SECTOR];
                chain_bytes(&m, cl, n, want_bytes);
                CHECK_EQ(ferry_fat_read(&f, 0, got, sizeof got), (int)(size < sizeof got ? size : sizeof got));
                CHECK_MEM(got, want_bytes, size < sizeof got ? size : sizeof got);
            }
            release(&m);
        }
    }
}

static void test_empty_file(void)
{
    struct img m;
    format(&m, 16, 16384, 1, 0, 0);
    put_entry(&m, 0, 0, "EMPTY   TXT", 0x20, 0, 0);
    put_entry(&m, 0, 1, "STRAY   TXT", 0x20, 77, 0); /* a cluster but no bytes: nothing to read */
    struct ferry_fat_file f;
    uint8_t b[4];
    CHECK_EQ(mount(&m), FERRY_OK);
    CHECK_EQ(ferry_fat_open(&m.fs, "empty.txt", &f), FERRY_OK);
    CHECK_EQ(ferry_fat_size(&f), 0);
    CHECK_EQ(ferry_fat_read(&f, 0, b, 4), 0);
    CHECK_EQ(ferry_fat_open(&m.fs, "stray.txt", &f), FERRY_OK);
    CHECK_EQ(ferry_fat_read(&f, 0, b, 4), 0);
    release(&m);
}

/* ---- Directories and names ---------------------------------------------- */

static void test_paths(void)
{
    struct img m;
    format(&m, 32, 4096, 1, 0, 0);
    /* /SUB (cluster 3) holds INNER.BIN and a subdirectory DEEP (cluster 4)
     * holding A.B; the root also holds a volume label and a deleted entry. */
    put_entry(&m, 2, 0, "LABEL      ", 0x08, 0, 0);
    put_entry(&m, 2, 1, "\xE5OST    BIN", 0x20, 0, 0);
    put_entry(&m, 2, 2, "SUB        ", 0x10, 3, 0);
    put_entry(&m, 2, 3, "PLAIN   TXT", 0x20, 0, 0);
    put_entry(&m, 2, 4, "BADDIR     ", 0x10, 99999, 0);
    set_fat(&m, 3, EOC);
    set_fat(&m, 4, EOC);
    put_entry(&m, 3, 0, ".          ", 0x10, 3, 0);
    put_entry(&m, 3, 1, "..         ", 0x10, 0, 0);
    put_entry(&m, 3, 2, "INNER   BIN", 0x20, 0, 0);
    put_entry(&m, 3, 3, "DEEP       ", 0x10, 4, 0);
    put_entry(&m, 4, 0, "A       B  ", 0x20, 0, 0);
    put_entry(&m, 4, 1, "\x05" "X      BIN", 0x20, 0, 0); /* 0x05: a live name starting 0xE5 */
    put_entry(&m, 4, 2, "C       D  ", 0x20, 0, 0);

    struct ferry_fat_file f;
    CHECK_EQ(mount(&m), FERRY_OK);
    CHECK_EQ(ferry_fat_open(&m.fs, "sub/inner.bin", &f), FERRY_OK);
    CHECK_EQ(ferry_fat_open(&m.fs, "//SUB\\\\Inner.Bin", &f), FERRY_OK);
    CHECK_EQ(ferry_fat_open(&m.fs, "/sub/deep/a.b", &f), FERRY_OK);
    CHECK_EQ(ferry_fat_open(&m.fs, "/sub/deep/c.d", &f), FERRY_OK);
    CHECK_EQ(ferry_fat_open(&m.fs, "/plain.txt", &f), FERRY_OK);
    CHECK_EQ(ferry_fat_open(&m.fs, "/post.bin", &f), FERRY_E_NOT_FOUND);   /* deleted */
    CHECK_EQ(ferry_fat_open(&m.fs, "/label", &f), FERRY_E_NOT_FOUND);      /* a label is no file */
    CHECK_EQ(ferry_fat_open(&m.fs, "/sub", &f), FERRY_E_INVAL);            /* a directory */
    CHECK_EQ(ferry_fat_open(&m.fs, "/sub/", &f), FERRY_E_INVAL);
    CHECK_EQ(ferry_fat_open(&m.fs, "/plain.txt/x", &f), FERRY_E_NOT_FOUND);
    CHECK_EQ(ferry_fat_open(&m.fs, "/sub/./inner.bin", &f), FERRY_E_INVAL);
    CHECK_EQ(ferry_fat_open(&m.fs, "/sub/deep/../inner.bin", &f), FERRY_E_INVAL);
    CHECK_EQ(ferry_fat_open(&m.fs, "", &f), FERRY_E_INVAL);
    CHECK_EQ(ferry_fat_open(&m.fs, "///", &f), FERRY_E_INVAL);
    CHECK_EQ(ferry_fat_open(&m.fs, NULL, &f), FERRY_E_INVAL);
    CHECK_EQ(ferry_fat_open(&m.fs, "/baddir/x", &f), FERRY_E_CORRUPT);
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    CHECK_EQ(ferry_fat_open(&m.fs, longname, &f), FERRY_E_INVAL); /* over 255 characters */
    release(&m);
}

static void test_directory_damage(void)
{
    /* A directory chain that loops, full of used entries: no end mark, so
     * only the 65,536-slot bound stops the search. */
    struct img m;
    format(&m, 32, 4096, 1, 0, 0);
    put_entry(&m, 2, 0, "LOOP       ", 0x10, 3, 0);
    set_fat(&m, 3, 4);
    set_fat(&m, 4, 3);
    for (uint32_t c = 3; c <= 4; c++)
        for (uint32_t i = 0; i < 16; i++)
            put_entry(&m, c, i, "OTHER   BIN", 0x20, 0, 0);
    struct ferry_fat_file f;
    CHECK_EQ(mount(&m), FERRY_OK);
    CHECK_EQ(ferry_fat_open(&m.fs, "/loop/x.bin", &f), FERRY_E_CORRUPT);
    /* A root that leaves the volume, or runs into a free cluster. */
    put_entry(&m, 2, 0, "OTHER   BIN", 0x20, 0, 0);
    for (uint32_t i = 1; i < 16; i++)
        put_entry(&m, 2, i, "OTHER   BIN", 0x20, 0, 0);
    set_fat(&m, 2, m.clusters + 10);
    CHECK_EQ(ferry_fat_open(&m.fs, "/x.bin", &f), FERRY_E_CORRUPT);
    set_fat(&m, 2, 0);
    m.fs.buf_lba = 0xFFFFFFFF; /* the test changed the card under the cache */
    CHECK_EQ(ferry_fat_open(&m.fs, "/x.bin", &f), FERRY_E_CORRUPT);
    set_fat(&m, 2, EOC);
    m.fs.buf_lba = 0xFFFFFFFF;
    CHECK_EQ(ferry_fat_open(&m.fs, "/x.bin", &f), FERRY_E_NOT_FOUND);
    release(&m);
}

static void test_long_names(void)
{
    struct img m;
    format(&m, 16, 16384, 1, 0, 0);
    uint16_t u[64];
    uint32_t i = 0, n;
    uint8_t sum;

    /* 1: 26 characters exactly (two full parts, no terminator). */
    static const char name1[] = "Twenty-six characters.bin";
    n = ascii_units("Twenty-six characters.binX", u);
    CHECK_EQ(n, 26);
    sum = checksum((const uint8_t *)"TWENTY~1BIN");
    i += put_lfn(&m, 0, i, u, n, sum);
    put_entry(&m, 0, i++, "TWENTY~1BIN", 0x20, 0, 0);
    (void)name1;

    /* 2: UTF-16 with Latin-1 and a surrogate pair (U+1F680) across a part
     * boundary: "Grüße-" + 6 x 'x' + rocket + ".bin". */
    uint16_t v[] = {'G', 'r', 0xFC, 0xDF, 'e', '-', 'x', 'x', 'x', 'x', 'x', 'x', 0xD83D, 0xDE80,
                    '.', 'b', 'i', 'n'};
    sum = checksum((const uint8_t *)"GRE-XX~1BIN");
    i += put_lfn(&m, 0, i, v, sizeof v / 2, sum);
    put_entry(&m, 0, i++, "GRE-XX~1BIN", 0x20, 0, 0);

    /* 3: a checksum that does not match: the long name is not this file's. */
    n = ascii_units("Wrong checksum.bin", u);
    i += put_lfn(&m, 0, i, u, n, (uint8_t)(checksum((const uint8_t *)"WRONGC~1BIN") + 1));
    put_entry(&m, 0, i++, "WRONGC~1BIN", 0x20, 0, 0);

    /* 4: parts out of order (second part missing). */
    n = ascii_units("Missing middle part of a name.bin", u); /* 3 parts */
    sum = checksum((const uint8_t *)"MISSIN~1BIN");
    uint32_t parts = put_lfn(&m, 0, i, u, n, sum);
    memmove(slot(&m, 0, i + 1), slot(&m, 0, i + 2), 32); /* drop part 2 */
    i += parts - 1;
    put_entry(&m, 0, i++, "MISSIN~1BIN", 0x20, 0, 0);

    /* 5: a deleted entry between the long name and its short entry. */
    n = ascii_units("Interrupted.bin", u);
    sum = checksum((const uint8_t *)"INTERR~1BIN");
    i += put_lfn(&m, 0, i, u, n, sum);
    put_entry(&m, 0, i++, "\xE5NTERR~2BIN", 0x20, 0, 0);
    put_entry(&m, 0, i++, "INTERR~1BIN", 0x20, 0, 0);

    /* 6: an orphan long name ahead of a plain entry, and a sequence number
     * over 20. */
    n = ascii_units("Orphan.bin", u);
    i += put_lfn(&m, 0, i, u, n, 0x12);
    put_entry(&m, 0, i, "ORPHAN~9BIN", 0x20, 0, 0);
    slot(&m, 0, i)[0] = 0x40 | 25, slot(&m, 0, i)[11] = 0x0F;
    i++;
    put_entry(&m, 0, i++, "PLAIN   BIN", 0x20, 0, 0);

    struct ferry_fat_file f;
    CHECK_EQ(mount(&m), FERRY_OK);
    CHECK_EQ(ferry_fat_open(&m.fs, "Twenty-six characters.binX", &f), FERRY_OK);
    CHECK_EQ(ferry_fat_open(&m.fs, "TWENTY-SIX CHARACTERS.BINx", &f), FERRY_OK);
    CHECK_EQ(ferry_fat_open(&m.fs, "Twenty-six characters.bin", &f), FERRY_E_NOT_FOUND);
    CHECK_EQ(ferry_fat_open(&m.fs, "Twenty-six characters.binXY", &f), FERRY_E_NOT_FOUND);
    CHECK_EQ(ferry_fat_open(&m.fs, "twenty~1.bin", &f), FERRY_OK);
    CHECK_EQ(ferry_fat_open(&m.fs, "Gr\xC3\xBC\xC3\x9F" "e-xxxxxx\xF0\x9F\x9A\x80.bin", &f), FERRY_OK);
    CHECK_EQ(ferry_fat_open(&m.fs, "GR\xC3\x9C\xC3\x9F" "E-XXXXXX\xF0\x9F\x9A\x80.BIN", &f), FERRY_OK);
    CHECK_EQ(ferry_fat_open(&m.fs, "Gr\xC3\xBC\xC3\x9F" "e-xxxxxx\xF0\x9F\x9A\x81.bin", &f), FERRY_E_NOT_FOUND);
    CHECK_EQ(ferry_fat_open(&m.fs, "Gr\xC3\xBC\xC3\x9F" "e-xxxxxx\xF0\x9F\x9A.bin", &f), FERRY_E_NOT_FOUND);
    CHECK_EQ(ferry_fat_open(&m.fs, "Gr\xFC\xDF" "e-xxxxxx.bin", &f), FERRY_E_NOT_FOUND); /* not UTF-8 */
    CHECK_EQ(ferry_fat_open(&m.fs, "Wrong checksum.bin", &f), FERRY_E_NOT_FOUND);
    CHECK_EQ(ferry_fat_open(&m.fs, "wrongc~1.bin", &f), FERRY_OK);
    CHECK_EQ(ferry_fat_open(&m.fs, "Missing middle part of a name.bin", &f), FERRY_E_NOT_FOUND);
    CHECK_EQ(ferry_fat_open(&m.fs, "missin~1.bin", &f), FERRY_OK);
    CHECK_EQ(ferry_fat_open(&m.fs, "Interrupted.bin", &f), FERRY_E_NOT_FOUND);
    CHECK_EQ(ferry_fat_open(&m.fs, "Orphan.bin", &f), FERRY_E_NOT_FOUND);
    CHECK_EQ(ferry_fat_open(&m.fs, "plain.bin", &f), FERRY_OK);
    release(&m);
}

/* ---- Device failures ---------------------------------------------------- */

static void test_read_failures(void)
{
    /* A read that fails at every point of mount + open + read: the error
     * comes back, nothing crashes. */
    struct img m;
    format(&m, 12, 4000, 1, 0, 0);
    static const uint32_t cl[] = {340, 341, 342, 681, 682};
    put_chain(&m, cl, 5, 3);
    put_entry(&m, 0, 0, "A       BIN", 0x20, cl[0], 5 * SECTOR);
    uint8_t buf[5 * SECTOR];
    long total;
    {
        m.ram.reads = 0;
        struct ferry_fat_file f;
        CHECK_EQ(mount(&m), FERRY_OK);
        CHECK_EQ(ferry_fat_open(&m.fs, "a.bin", &f), FERRY_OK);
        CHECK_EQ(ferry_fat_read(&f, 1, buf, sizeof buf - 1), (int)sizeof buf - 1);
        total = m.ram.reads;
    }
    for (long k = 0; k < total; k++) {
        m.ram.reads = 0;
        m.ram.fail_read_at = k;
        struct ferry_fat_file f;
        int rc = mount(&m);
        if (rc == FERRY_OK)
            rc = ferry_fat_open(&m.fs, "a.bin", &f);
        if (rc == FERRY_OK)
            rc = ferry_fat_read(&f, 1, buf, sizeof buf - 1);
        CHECK_EQ(rc, FERRY_E_IO);
    }
    release(&m);
}

/* ---- Writing -------------------------------------------------------------- */

static void pattern(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)((seed * 2654435761u + i * 40503u) >> 13);
}

/* Both FAT copies equal, and on FAT32 the FSInfo count right. */
static void check_volume(struct img *m)
{
    CHECK_MEM(sec(m, m->fat_lba), sec(m, m->fat_lba + m->fat_sectors), (size_t)m->fat_sectors * SECTOR);
    if (m->type == 32)
        CHECK_EQ(ferry_get_le32(sec(m, m->vol + 1) + 488), count_free(m));
}

static void test_write_roundtrip(void)
{
    static const struct { int type; uint32_t total, spc; } cases[] = {
        {12, 2048, 1}, {12, 8000, 4}, {16, 16384, 2}, {32, 4096, 1}, {32, 20000, 8},
    };
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        struct img m;
        format(&m, cases[t].type, cases[t].total, cases[t].spc, 0, 0);
        uint32_t cb = cases[t].spc * SECTOR;
        uint32_t free0 = count_free(&m);
        size_t len = 5 * cb + 123;
        uint8_t *data = malloc(len), *got = malloc(len + 100);
        pattern(data, len, (uint32_t)t);
        struct ferry_fat_file f, g;
        CHECK_EQ(mount(&m), FERRY_OK);
        CHECK_EQ(ferry_fat_create(&m.fs, "/update.bin", &f), FERRY_OK);
        for (size_t off = 0; off < len; off += 700) /* odd chunks */
            CHECK_EQ(ferry_fat_write(&f, (uint32_t)off, data + off, (uint32_t)(len - off < 700 ? len - off : 700)),
                     (int)(len - off < 700 ? len - off : 700));
        CHECK_EQ(ferry_fat_sync(&m.fs), FERRY_OK);
        check_volume(&m);
        CHECK_EQ(count_free(&m), free0 - 6);
        /* Lowercase 8.3: stored uppercase with the case flags. */
        CHECK_MEM(slot(&m, root(&m), 0), "UPDATE  BIN", 11);
        CHECK_EQ(slot(&m, root(&m), 0)[12], 0x18);

        CHECK_EQ(mount(&m), FERRY_OK); /* a fresh mount reads what was written */
        CHECK_EQ(ferry_fat_open(&m.fs, "UPDATE.BIN", &g), FERRY_OK);
        CHECK_EQ(ferry_fat_size(&g), len);
        CHECK_EQ(ferry_fat_read(&g, 0, got, (uint32_t)len + 100), (int)len);
        CHECK_MEM(got, data, len);

        /* Past the end: the gap reads as zeros. */
        CHECK_EQ(ferry_fat_write(&g, (uint32_t)len + 2 * cb, "END", 3), 3);
        CHECK_EQ(ferry_fat_size(&g), len + 2 * cb + 3);
        CHECK_EQ(ferry_fat_read(&g, (uint32_t)len - 10, got, 2 * cb + 13), (int)(2 * cb + 13));
        CHECK_MEM(got, data + len - 10, 10);
        uint8_t *zeros = calloc(1, 2 * cb);
        CHECK_MEM(got + 10, zeros, 2 * cb);
        CHECK_MEM(got + 10 + 2 * cb, "END", 3);
        free(zeros);
        check_volume(&m);

        /* Shrink and grow. */
        CHECK_EQ(ferry_fat_truncate(&g, cb + 1), FERRY_OK);
        CHECK_EQ(count_free(&m), free0 - 2);
        CHECK_EQ(ferry_fat_truncate(&g, cb + 100), FERRY_OK);
        CHECK_EQ(ferry_fat_read(&g, 0, got, cb + 100), (int)(cb + 100));
        CHECK_MEM(got, data, cb + 1);
        CHECK(got[cb + 1] == 0 && got[cb + 99] == 0);
        CHECK_EQ(ferry_fat_truncate(&g, 0), FERRY_OK);
        CHECK_EQ(count_free(&m), free0);
        CHECK_EQ(ferry_get_le16(slot(&m, root(&m), 0) + 26), 0);
        check_volume(&m);

        /* Rename, then remove. */
        CHECK_EQ(ferry_fat_rename(&m.fs, "update.bin", "UPDATE.DON"), FERRY_OK);
        CHECK_EQ(ferry_fat_open(&m.fs, "update.bin", &g), FERRY_E_NOT_FOUND);
        CHECK_EQ(ferry_fat_open(&m.fs, "update.don", &g), FERRY_OK);
        CHECK_EQ(slot(&m, root(&m), 0)[12], 0); /* an uppercase name: no case flags */
        CHECK_EQ(ferry_fat_remove(&m.fs, "update.don"), FERRY_OK);
        CHECK_EQ(slot(&m, root(&m), 0)[0], 0xE5);
        CHECK_EQ(ferry_fat_open(&m.fs, "update.don", &g), FERRY_E_NOT_FOUND);
        check_volume(&m);
        free(data);
        free(got);
        release(&m);
    }
}

static void test_write_full(void)
{
    struct img m;
    format(&m, 12, 200, 1, 0, 0);
    uint32_t clusters = count_free(&m);
    uint8_t chunk[3 * SECTOR];
    pattern(chunk, sizeof chunk, 5);
    struct ferry_fat_file f;
    CHECK_EQ(mount(&m), FERRY_OK);
    CHECK_EQ(ferry_fat_create(&m.fs, "FILL.BIN", &f), FERRY_OK);
    uint32_t off = 0;
    int rc;
    while ((rc = ferry_fat_write(&f, off, chunk, sizeof chunk)) == (int)sizeof chunk)
        off += sizeof chunk;
    CHECK_EQ(rc, FERRY_E_FAT_FULL);
    CHECK_EQ(ferry_fat_size(&f), off); /* the refused write changed nothing */
    CHECK_EQ(ferry_get_le32(slot(&m, 0, 0) + 28), off);
    CHECK_EQ(count_free(&m), clusters - off / SECTOR);
    CHECK(count_free(&m) < 3);
    check_volume(&m);
    /* The rest still takes smaller writes; then nothing at all. */
    uint32_t left = count_free(&m) * SECTOR;
    if (left > 0)
        CHECK_EQ(ferry_fat_write(&f, off, chunk, left), (int)left);
    CHECK_EQ(count_free(&m), 0);
    CHECK_EQ(ferry_fat_write(&f, off + left, chunk, 1), FERRY_E_FAT_FULL);
    CHECK_EQ(ferry_fat_write(&f, 0, chunk, 1), 1); /* overwriting needs no room */
    CHECK_EQ(ferry_fat_remove(&m.fs, "fill.bin"), FERRY_OK);
    CHECK_EQ(count_free(&m), clusters);

    /* The fixed root has 64 slots here. */
    int made = 0;
    char name[16];
    for (int i = 0; i < 70; i++) {
        snprintf(name, sizeof name, "F%d.TXT", i);
        if (ferry_fat_create(&m.fs, name, &f) == FERRY_OK)
            made++;
        else
            CHECK_EQ(ferry_fat_create(&m.fs, name, &f), FERRY_E_FAT_FULL);
    }
    CHECK_EQ(made, 64);
    check_volume(&m);
    release(&m);
}

static void test_directory_grows(void)
{
    struct img m;
    format(&m, 32, 4096, 1, 0, 0);
    struct ferry_fat_file f;
    char name[16];
    CHECK_EQ(mount(&m), FERRY_OK);
    /* 40 files: the one-sector root cluster grows twice; new clusters are zeroed. */
    memset(sec(&m, cluster_lba(&m, 3)), 0xAB, SECTOR);
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "N%d.BIN", i);
        CHECK_EQ(ferry_fat_create(&m.fs, name, &f), FERRY_OK);
        CHECK_EQ(ferry_fat_write(&f, 0, name, (uint32_t)strlen(name)), (int)strlen(name));
    }
    CHECK(get_fat(&m, 0, 2) != EOC);
    CHECK_EQ(mount(&m), FERRY_OK);
    for (int i = 0; i < 40; i++) {
        char got[16] = {0};
        snprintf(name, sizeof name, "n%d.bin", i);
        CHECK_EQ(ferry_fat_open(&m.fs, name, &f), FERRY_OK);
        CHECK_EQ(ferry_fat_read(&f, 0, got, sizeof got), (int)strlen(name));
        for (char *c = name; *c; c++)
            if (*c >= 'a' && *c <= 'z')
                *c = (char)(*c - 32);
        CHECK(strcmp(got, name) == 0);
    }
    check_volume(&m);
    release(&m);
}

static void test_write_refusals(void)
{
    struct img m;
    format(&m, 16, 16384, 1, 0, 0);
    put_entry(&m, 0, 0, "SUB        ", 0x10, 5, 0);
    set_fat(&m, 5, EOC);
    put_entry(&m, 0, 1, "A       BIN", 0x20, 0, 0);
    struct ferry_fat_file f, g;
    CHECK_EQ(mount(&m), FERRY_OK);
    CHECK_EQ(ferry_fat_create(&m.fs, "a long name.bin", &f), FERRY_E_UNSUPPORTED);
    CHECK_EQ(ferry_fat_create(&m.fs, "toolongname.bin", &f), FERRY_E_UNSUPPORTED);
    CHECK_EQ(ferry_fat_create(&m.fs, "a.b.c", &f), FERRY_E_UNSUPPORTED);
    CHECK_EQ(ferry_fat_create(&m.fs, "a+b.bin", &f), FERRY_E_UNSUPPORTED);
    CHECK_EQ(ferry_fat_create(&m.fs, "nodir/a.bin", &f), FERRY_E_NOT_FOUND);
    CHECK_EQ(ferry_fat_create(&m.fs, "sub", &f), FERRY_E_INVAL);
    CHECK_EQ(ferry_fat_create(&m.fs, "..", &f), FERRY_E_INVAL);
    CHECK_EQ(ferry_fat_remove(&m.fs, "sub"), FERRY_E_INVAL);
    CHECK_EQ(ferry_fat_remove(&m.fs, "b.bin"), FERRY_E_NOT_FOUND);
    CHECK_EQ(ferry_fat_rename(&m.fs, "a.bin", "sub/a.bin"), FERRY_E_UNSUPPORTED);
    CHECK_EQ(ferry_fat_rename(&m.fs, "a.bin", "sub"), FERRY_E_INVAL);
    CHECK_EQ(ferry_fat_rename(&m.fs, "a.bin", "long name.bin"), FERRY_E_UNSUPPORTED);
    CHECK_EQ(ferry_fat_rename(&m.fs, "b.bin", "c.bin"), FERRY_E_NOT_FOUND);
    CHECK_EQ(ferry_fat_open(&m.fs, "a.bin", &f), FERRY_OK);
    CHECK_EQ(ferry_fat_write(&f, 0xFFFFFFF0u, "0123456789abcdefg", 17), FERRY_E_RANGE);
    CHECK_EQ(ferry_fat_write(&f, 0, NULL, 1), FERRY_E_INVAL);
    CHECK_EQ(ferry_fat_write(&f, 0, "x", 0), 0);
    CHECK_EQ(m.ram.programs, 0); /* none of the refusals wrote */
    CHECK_EQ(ferry_fat_open(&m.fs, "a.bin", &f), FERRY_OK);

    /* Creating over a file whose chain loops empties it without following the loop. */
    put_entry(&m, 0, 2, "LOOP    BIN", 0x20, 7, 3 * SECTOR);
    set_fat(&m, 7, 8);
    set_fat(&m, 8, 7);
    m.fs.buf_lba = 0xFFFFFFFF;
    CHECK_EQ(ferry_fat_open(&m.fs, "loop.bin", &f), FERRY_E_CORRUPT);
    CHECK_EQ(ferry_fat_create(&m.fs, "loop.bin", &f), FERRY_OK);
    CHECK_EQ(ferry_fat_write(&f, 0, "fresh", 5), 5);
    CHECK_EQ(ferry_fat_open(&m.fs, "loop.bin", &f), FERRY_OK);
    CHECK_EQ(ferry_fat_size(&f), 5);
    CHECK_EQ(get_fat(&m, 0, 7), 8); /* left for fsck */
    long programs = m.ram.programs;
    CHECK_EQ(ferry_fat_remove(&m.fs, "loop.bin"), FERRY_OK);
    CHECK(m.ram.programs > programs);

    /* A handle whose file was removed does not write its entry back. */
    CHECK_EQ(ferry_fat_create(&m.fs, "b.bin", &g), FERRY_OK);
    CHECK_EQ(ferry_fat_write(&g, 0, "bbbb", 4), 4);
    CHECK_EQ(ferry_fat_remove(&m.fs, "b.bin"), FERRY_OK);
    CHECK_EQ(ferry_fat_create(&m.fs, "c.bin", &f), FERRY_OK); /* reuses b.bin's slot */
    CHECK_EQ(ferry_fat_write(&f, 0, "cc", 2), 2);
    programs = m.ram.programs;
    CHECK_EQ(ferry_fat_write(&g, 0, "x", 1), FERRY_E_CORRUPT);
    CHECK_EQ(ferry_fat_truncate(&g, 0), FERRY_E_CORRUPT);
    CHECK_EQ(m.ram.programs, programs);
    CHECK_EQ(ferry_fat_open(&m.fs, "a.bin", &f), FERRY_OK);
    CHECK_EQ(ferry_fat_remove(&m.fs, "a.bin"), FERRY_OK);
    CHECK_EQ(ferry_fat_write(&f, 0, "x", 1), FERRY_E_CORRUPT);

    /* A device that cannot program in place. */
    m.bd.ops = &ram_ops_readonly;
    CHECK_EQ(ferry_fat_create(&m.fs, "new.bin", &f), FERRY_E_UNSUPPORTED);
    m.bd.ops = &ram_ops_erase;
    CHECK_EQ(ferry_fat_create(&m.fs, "new.bin", &f), FERRY_E_UNSUPPORTED);
    release(&m);
}

static void test_write_failures(void)
{
    /* A program that fails at every point of a create + write + rename:
     * the error comes back, and the card still mounts and reads. */
    uint8_t data[3000];
    pattern(data, sizeof data, 77);
    long total = -1;
    for (long k = -1; k < total || total < 0; k++) {
        struct img m;
        format(&m, 12, 2048, 1, 0, 0);
        struct ferry_fat_file f;
        CHECK_EQ(mount(&m), FERRY_OK);
        m.ram.fail_program_at = k;
        int rc = ferry_fat_create(&m.fs, "x.bin", &f);
        if (rc == FERRY_OK)
            rc = ferry_fat_write(&f, 0, data, sizeof data);
        if (rc >= 0)
            rc = ferry_fat_rename(&m.fs, "x.bin", "y.bin");
        if (k < 0) {
            CHECK_EQ(rc, FERRY_OK);
            total = m.ram.programs;
        } else {
            CHECK_EQ(rc, FERRY_E_IO);
        }
        m.ram.fail_program_at = -1;
        CHECK_EQ(mount(&m), FERRY_OK);
        int found = ferry_fat_open(&m.fs, "x.bin", &f) == FERRY_OK || ferry_fat_open(&m.fs, "y.bin", &f) == FERRY_OK;
        if (found) {
            uint8_t got[sizeof data];
            rc = ferry_fat_read(&f, 0, got, sizeof got);
            CHECK(rc >= 0);
            if (rc > 0)
                CHECK_MEM(got, data, (size_t)rc);
        }
        release(&m);
    }
    CHECK(total > 5);
}

int main(void)
{
    RUN(test_mount_types);
    RUN(test_mount_mbr);
    RUN(test_mount_rejects);
    RUN(test_mount_arguments);
    RUN(test_read_fat12_straddle);
    RUN(test_chain_damage);
    RUN(test_empty_file);
    RUN(test_paths);
    RUN(test_directory_damage);
    RUN(test_long_names);
    RUN(test_read_failures);
    RUN(test_write_roundtrip);
    RUN(test_write_full);
    RUN(test_directory_grows);
    RUN(test_write_refusals);
    RUN(test_write_failures);
    return check_done();
}
