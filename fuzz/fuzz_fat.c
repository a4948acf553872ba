/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: arbitrary bytes as an SD card, mounted as FAT; every
 * directory is walked (with the core's own iterator), every file found is
 * opened and read, and, when the input asks for it, a file is created,
 * written, truncated, renamed and removed. Corrupt boot sectors, looping or
 * escaping chains, absurd sizes, entries pointing anywhere: errors, never a
 * crash or a hang.
 *
 * Input: [flags: 1 byte][device size in sectors: le32][the card's first bytes].
 * The card is the bytes given followed by zeros up to the device size
 * (capped at 32 MiB), so that a seed of a real volume stays small: its
 * trailing zeros are not in the file (tests/fat/fat_tool.c "pack" writes
 * seeds). flags bit 0: also write (then the device is at most 4 MiB, kept
 * in memory whole, and what was written must read back).
 *
 * Checked beyond "no crash": the device never sees an access outside the
 * card or unaligned (FERRY_E_RANGE/ALIGN would mean the volume geometry
 * checks let something through), and reads never return more than asked or
 * than the file holds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fat_priv.h"
#include "ferry/byteorder.h"
#include "ferry/errors.h"
#include "ferry/fat.h"

#define SECTOR 512u
#define MAX_SECTORS (32u * 1024 * 1024 / SECTOR)
#define MAX_WRITE_SECTORS (4u * 1024 * 1024 / SECTOR)
#define MAX_FILES 48 /* files opened per input: keeps each run short */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct card {
    const uint8_t *prefix; /* read-only mode: the input */
    uint8_t *whole;        /* write mode: the whole card in memory */
    uint64_t prefix_len, size;
};

static int card_read(void *ctx, uint64_t addr, void *buf, uint32_t len)
{
    struct card *c = ctx;
    if (addr % SECTOR || len % SECTOR || addr > c->size || len > c->size - addr)
        __builtin_trap(); /* the mount's geometry checks must prevent this */
    if (c->whole) {
        memcpy(buf, c->whole + addr, len);
        return FERRY_OK;
    }
    memset(buf, 0, len);
    if (addr < c->prefix_len) {
        uint64_t n = c->prefix_len - addr < len ? c->prefix_len - addr : len;
        memcpy(buf, c->prefix + addr, (size_t)n);
    }
    return FERRY_OK;
}

static int card_program(void *ctx, uint64_t addr, const void *buf, uint32_t len)
{
    struct card *c = ctx;
    if (!c->whole || addr % SECTOR || len % SECTOR || addr > c->size || len > c->size - addr)
        __builtin_trap();
    memcpy(c->whole + addr, buf, len);
    return FERRY_OK;
}

static const struct ferry_bd_ops card_ops = {card_read, card_program, NULL, NULL};

static int files_left;

static void check_rc(int rc)
{
    if (rc == FERRY_E_RANGE || rc == FERRY_E_ALIGN || rc == FERRY_E_IO)
        __builtin_trap();
}

/* Reads a file whole in odd pieces, and a few pieces at random places. */
static void read_file(struct ferry_fat *fs, const char *path)
{
    struct ferry_fat_file f;
    static uint8_t buf[8192];
    int rc = ferry_fat_open(fs, path, &f);
    check_rc(rc);
    if (rc != FERRY_OK)
        return;
    uint32_t size = ferry_fat_size(&f), off = 0;
    for (int i = 0; i < 64 && off < size; i++) {
        uint32_t want = (uint32_t)(i * 977 % sizeof buf) + 1;
        rc = ferry_fat_read(&f, off, buf, want);
        check_rc(rc);
        if (rc < 0)
            return;
        if ((uint32_t)rc > want || (uint32_t)rc > size - off || rc == 0)
            __builtin_trap();
        off += (uint32_t)rc;
    }
    for (uint32_t i = 1; i <= 4; i++) {
        uint32_t at = (uint32_t)((uint64_t)size * i / 5);
        rc = ferry_fat_read(&f, at, buf, 700);
        check_rc(rc);
        if (rc > 700 || (rc > 0 && (uint32_t)rc > size - at))
            __builtin_trap();
    }
    if (ferry_fat_read(&f, size, buf, 1) != 0)
        __builtin_trap();
}

/* Appends a short name (NAME    EXT) to path as "NAME.EXT". */
static size_t add_short_name(char *path, size_t len, const uint8_t *e)
{
    path[len++] = '/';
    for (int i = 0; i < 8 && e[i] != ' '; i++)
        path[len++] = e[i] == 0 ? '_' : (char)e[i];
    if (e[8] != ' ') {
        path[len++] = '.';
        for (int i = 8; i < 11 && e[i] != ' '; i++)
            path[len++] = e[i] == 0 ? '_' : (char)e[i];
    }
    path[len] = '\0';
    return len;
}

/* Walks directory dir (named path) and what it holds, to depth 3. */
static void walk(struct ferry_fat *fs, uint32_t dir, char *path, size_t len, int depth)
{
    struct fat_dir_iter it;
    const uint8_t *e;
    int r;
    fat_dir_begin(&it, dir);
    while (files_left > 0 && (r = fat_dir_next(fs, &it, &e)) == 1) {
        if (e[0] == 0x00)
            break;
        if (e[0] == 0xE5 || e[0] == '.' || (e[11] & 0x3F) == 0x0F || (e[11] & 0x08))
            continue;
        uint8_t entry[32];
        memcpy(entry, e, sizeof entry); /* e lives in the cache, which the reads reuse */
        size_t n = add_short_name(path, len, entry);
        files_left--;
        if (entry[11] & 0x10) {
            uint32_t sub = fat_entry_cluster(fs, entry);
            if (depth < 3 && fat_cluster_ok(fs, sub))
                walk(fs, sub, path, n, depth + 1);
        } else {
            read_file(fs, path);
        }
        path[len] = '\0';
    }
}

/* Create, write, grow, shrink, rename, remove; what succeeds must read back. */
static void write_ops(struct ferry_fat *fs, const uint8_t *data, size_t size)
{
    struct ferry_fat_file f, g;
    uint32_t n = size > 5000 ? 5000 : (uint32_t)size;
    static uint8_t got[5000];
    int rc = ferry_fat_create(fs, "/NEW.BIN", &f);
    check_rc(rc);
    if (rc != FERRY_OK)
        return;
    rc = ferry_fat_write(&f, 0, data, n);
    check_rc(rc);
    if (rc >= 0 && (uint32_t)rc != n)
        __builtin_trap();
    if (rc >= 0) {
        check_rc(rc = ferry_fat_sync(fs));
        if (rc == FERRY_OK && ferry_fat_open(fs, "new.bin", &g) == FERRY_OK) {
            if (ferry_fat_size(&g) != n || ferry_fat_read(&g, 0, got, n) != (int)n ||
                memcmp(got, data, n) != 0)
                __builtin_trap();
        }
    }
    check_rc(ferry_fat_truncate(&f, n / 2));
    check_rc(ferry_fat_write(&f, n + 3000, data, 10));
    check_rc(ferry_fat_rename(fs, "new.bin", "update.bin"));
    check_rc(ferry_fat_remove(fs, "update.bin"));
    check_rc(ferry_fat_create(fs, "/SUB/A.TXT", &f));
    check_rc(ferry_fat_sync(fs));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5)
        return 0;
    uint8_t flags = data[0];
    uint64_t sectors = ferry_get_le32(data + 1);
    const uint8_t *img = data + 5;
    size_t img_len = size - 5;
    uint64_t min_sectors = (img_len + SECTOR - 1) / SECTOR;
    if (sectors < min_sectors)
        sectors = min_sectors;
    if (sectors > MAX_SECTORS)
        sectors = MAX_SECTORS;
    if (sectors == 0)
        return 0;

    struct card card = {img, NULL, img_len, sectors * SECTOR};
    int writing = (flags & 1) && sectors <= MAX_WRITE_SECTORS;
    if (writing) {
        card.whole = calloc(1, (size_t)card.size);
        memcpy(card.whole, img, img_len < card.size ? img_len : (size_t)card.size);
    }
    struct ferry_bd_geometry geo = {card.size, SECTOR, SECTOR, SECTOR, -1};
    struct ferry_bd bd = {&card_ops, &card, &geo};
    static uint8_t cache[SECTOR];
    struct ferry_fat fs;
    int rc = ferry_fat_mount(&fs, &bd, cache, sizeof cache);
    check_rc(rc);
    if (rc == FERRY_OK) {
        static char path[4 * 16 + 8];
        files_left = MAX_FILES;
        path[0] = '\0';
        walk(&fs, fs.root_cluster, path, 0, 0);
        read_file(&fs, "update.bin");
        read_file(&fs, "/Firmware Update Image.bin");
        if (writing)
            write_ops(&fs, img, img_len);
    }
    free(card.whole);
    return 0;
}
