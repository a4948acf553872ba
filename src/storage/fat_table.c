/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading the FAT: entries of 12, 16 or 28 bits, normalised so that the
 * rest of the code need not know the width, and chain walks that are
 * bounded by the volume's cluster count.
 */
#include "ferry/byteorder.h"
#include "ferry/errors.h"
#include "fat_priv.h"

/* Reads the byte at offset off of the FAT (copy read from). */
static int fat_byte(struct ferry_fat *fs, uint32_t off, uint8_t *out)
{
    int rc = fat_cache_load(fs, fs->fat_lba + off / FERRY_FAT_SECTOR);
    if (rc < 0)
        return rc;
    *out = fs->buf[off % FERRY_FAT_SECTOR];
    return FERRY_OK;
}

int fat_get(struct ferry_fat *fs, uint32_t c, uint32_t *value)
{
    uint32_t v;
    int rc;
    if (fs->type == 12) {
        /* 1.5 bytes per entry: may straddle two sectors. */
        uint32_t off = c + c / 2;
        uint8_t lo, hi;
        if ((rc = fat_byte(fs, off, &lo)) < 0 || (rc = fat_byte(fs, off + 1, &hi)) < 0)
            return rc;
        v = (uint32_t)lo | (uint32_t)hi << 8;
        v = (c & 1) ? v >> 4 : v & 0xFFF;
        if (v >= 0xFF7)
            v = v >= 0xFF8 ? FAT_EOC : FAT_BAD;
    } else {
        uint32_t width = fs->type / 8;
        uint32_t off = c * width;
        rc = fat_cache_load(fs, fs->fat_lba + off / FERRY_FAT_SECTOR);
        if (rc < 0)
            return rc;
        const uint8_t *p = fs->buf + off % FERRY_FAT_SECTOR;
        if (fs->type == 16) {
            v = ferry_get_le16(p);
            if (v >= 0xFFF7)
                v = v >= 0xFFF8 ? FAT_EOC : FAT_BAD;
        } else {
            v = ferry_get_le32(p) & 0x0FFFFFFFu;
            if (v >= 0x0FFFFFF7u)
                v = v >= 0x0FFFFFF8u ? FAT_EOC : FAT_BAD;
        }
    }
    *value = v;
    return FERRY_OK;
}

int fat_next(struct ferry_fat *fs, uint32_t c, uint32_t *next)
{
    int rc = fat_get(fs, c, next);
    if (rc < 0)
        return rc;
    return fat_cluster_ok(fs, *next) ? FERRY_OK : FERRY_E_CORRUPT;
}

uint32_t fat_clusters_for(const struct ferry_fat *fs, uint32_t size)
{
    uint32_t shift = 9u + fs->cluster_shift;
    return (uint32_t)(((uint64_t)size + (1u << shift) - 1) >> shift);
}

int fat_chain_check(struct ferry_fat *fs, uint32_t first, uint32_t count, uint32_t *last)
{
    *last = 0;
    if (count == 0)
        return FERRY_OK;
    /* More clusters than the volume has: the size is absurd. */
    if (count > fs->cluster_count || !fat_cluster_ok(fs, first))
        return FERRY_E_CORRUPT;
    /* The whole chain to its end mark, which may lie past `count` (a power
     * cut between growing a chain and writing the new size leaves that).
     * A loop is caught by Brent's method: the walk meets a remembered
     * cluster within about twice the loop's start plus its length; the
     * cluster count bounds the walk whatever the FAT holds. */
    uint32_t c = first, saved = first, power = 1, steps = 0;
    for (uint32_t i = 1;; i++) {
        uint32_t v;
        if (i == count)
            *last = c;
        int rc = fat_get(fs, c, &v);
        if (rc < 0)
            return rc;
        if (v == FAT_EOC)
            return i >= count ? FERRY_OK : FERRY_E_CORRUPT;
        if (!fat_cluster_ok(fs, v) || i >= fs->cluster_count || v == saved)
            return FERRY_E_CORRUPT;
        c = v;
        if (++steps == power) {
            saved = c;
            power <<= 1;
            steps = 0;
        }
    }
}

int fat_file_cluster(struct ferry_fat_file *f, uint32_t idx, uint32_t *c)
{
    uint32_t at = 0, cur = f->first_cluster;
    if (f->pos_cluster != 0 && f->pos_index <= idx) {
        at = f->pos_index;
        cur = f->pos_cluster;
    }
    if (!fat_cluster_ok(f->fs, cur) || idx - at > f->fs->cluster_count)
        return FERRY_E_CORRUPT;
    for (; at < idx; at++) {
        int rc = fat_next(f->fs, cur, &cur);
        if (rc < 0)
            return rc;
    }
    f->pos_index = idx;
    f->pos_cluster = cur;
    *c = cur;
    return FERRY_OK;
}
