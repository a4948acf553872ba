/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Directories: walking their slots (the fixed FAT12/16 root, or a cluster
 * chain of at most 65,536 slots), finding a name among them (long-name
 * entries first, checked by sequence and checksum, then the short entry),
 * and resolving a path.
 */
#include <string.h>
#include "ferry/byteorder.h"
#include "ferry/errors.h"
#include "fat_priv.h"

void fat_dir_begin(struct fat_dir_iter *it, uint32_t dir)
{
    memset(it, 0, sizeof *it);
    it->cluster = dir;
}

/* Moves to the slot after the current one: 1, 0 past the end, or an error. */
static int advance(struct ferry_fat *fs, struct fat_dir_iter *it)
{
    it->index++;
    it->off = (uint16_t)(it->off + FAT_ENTRY_SIZE);
    if (it->cluster == 0) { /* the fixed root: consecutive sectors */
        if (it->index >= fs->root_entries)
            return 0;
        if (it->off == FERRY_FAT_SECTOR) {
            it->off = 0;
            it->lba++;
        }
        return 1;
    }
    if (it->off < FERRY_FAT_SECTOR)
        return 1;
    it->off = 0;
    if (it->lba + 1 - fat_cluster_lba(fs, it->cluster) < (1u << fs->cluster_shift)) {
        it->lba++;
        return 1;
    }
    uint32_t next;
    int rc = fat_get(fs, it->cluster, &next);
    if (rc < 0)
        return rc;
    if (next == FAT_EOC)
        return 0;
    /* A chain longer than FAT allows a directory is a loop or garbage. */
    if (!fat_cluster_ok(fs, next) || it->index >= FAT_DIR_MAX_ENTRIES)
        return FERRY_E_CORRUPT;
    it->cluster = next;
    it->lba = fat_cluster_lba(fs, next);
    return 1;
}

int fat_dir_next(struct ferry_fat *fs, struct fat_dir_iter *it, const uint8_t **e)
{
    int r;
    if (it->state == 2)
        return 0;
    if (it->state == 0) {
        if (it->cluster == 0) {
            if (fs->root_entries == 0)
                return FERRY_E_CORRUPT;
            it->lba = fs->root_lba;
        } else {
            if (!fat_cluster_ok(fs, it->cluster))
                return FERRY_E_CORRUPT;
            it->lba = fat_cluster_lba(fs, it->cluster);
        }
        r = 1;
    } else {
        r = advance(fs, it);
    }
    if (r <= 0) {
        if (r == 0)
            it->state = 2;
        return r;
    }
    it->state = 1;
    r = fat_cache_load(fs, it->lba);
    if (r < 0)
        return r;
    *e = fs->buf + it->off;
    return 1;
}

int fat_dir_slot(struct ferry_fat *fs, uint32_t dir, uint32_t index, uint32_t *lba, uint16_t *off)
{
    uint32_t in_sector = index % FAT_ENTRIES_PER_SECTOR;
    if (dir == 0) {
        if (index >= fs->root_entries)
            return FERRY_E_CORRUPT;
        *lba = fs->root_lba + index / FAT_ENTRIES_PER_SECTOR;
    } else {
        uint32_t per_cluster = FAT_ENTRIES_PER_SECTOR << fs->cluster_shift;
        uint32_t c = dir;
        if (index >= FAT_DIR_MAX_ENTRIES || !fat_cluster_ok(fs, c))
            return FERRY_E_CORRUPT;
        for (uint32_t hops = index / per_cluster; hops > 0; hops--) {
            int rc = fat_next(fs, c, &c);
            if (rc < 0)
                return rc;
        }
        *lba = fat_cluster_lba(fs, c) + (index % per_cluster) / FAT_ENTRIES_PER_SECTOR;
    }
    *off = (uint16_t)(in_sector * FAT_ENTRY_SIZE);
    return fat_cache_load(fs, *lba);
}

int fat_dir_find(struct ferry_fat *fs, uint32_t dir, const struct fat_name *n, struct fat_hit *hit)
{
    struct fat_dir_iter it;
    unsigned parts = 0, want = 0; /* long-name run: its length, the part expected next */
    uint8_t sum = 0;
    int long_match = 0;
    fat_dir_begin(&it, dir);
    for (;;) {
        const uint8_t *e;
        int r = fat_dir_next(fs, &it, &e);
        if (r < 0)
            return r;
        if (r == 0 || e[0] == 0x00) /* 0x00: no used slot follows */
            return FERRY_E_NOT_FOUND;
        if (e[0] == FAT_DELETED) {
            parts = want = 0;
            continue;
        }
        if ((e[11] & 0x3F) == FAT_ATTR_LFN) {
            unsigned seq = e[0] & 0x1F;
            if (e[0] & 0x40) { /* the last part comes first */
                parts = (seq >= 1 && seq <= 20) ? seq : 0;
                want = parts ? seq - 1 : 0;
                sum = e[13];
                long_match = parts && fat_lfn_part_match(n, e, seq, 1);
            } else if (want != 0 && seq == want && e[13] == sum) {
                long_match = long_match && fat_lfn_part_match(n, e, seq, 0);
                want--;
            } else {
                parts = want = 0;
            }
            continue;
        }
        int has_long = parts != 0 && want == 0 && fat_lfn_checksum(e) == sum;
        if (!(e[11] & FAT_ATTR_VOLUME) && ((has_long && long_match) || fat_short_match(n, e))) {
            memcpy(hit->entry, e, FAT_ENTRY_SIZE);
            hit->dir = dir;
            hit->index = it.index;
            hit->lfn_count = has_long ? parts : 0;
            hit->lba = it.lba;
            hit->off = it.off;
            return FERRY_OK;
        }
        parts = want = 0;
    }
}

static int is_sep(char c)
{
    return c == '/' || c == '\\';
}

int fat_path_parent(struct ferry_fat *fs, const char *path, uint32_t *dir, struct fat_name *name)
{
    if (!path)
        return FERRY_E_INVAL;
    *dir = fat_root(fs);
    const char *p = path;
    while (is_sep(*p))
        p++;
    if (*p == '\0')
        return FERRY_E_INVAL;
    for (;;) {
        const char *q = p;
        while (*q != '\0' && !is_sep(*q))
            q++;
        const char *r = q;
        while (is_sep(*r))
            r++;
        int rc = fat_name_init(name, p, (size_t)(q - p));
        if (rc < 0 || *r == '\0')
            return rc;
        struct fat_hit hit;
        rc = fat_dir_find(fs, *dir, name, &hit);
        if (rc < 0)
            return rc;
        if (!(hit.entry[11] & FAT_ATTR_DIR))
            return FERRY_E_NOT_FOUND;
        *dir = fat_entry_cluster(fs, hit.entry);
        if (!fat_cluster_ok(fs, *dir))
            return FERRY_E_CORRUPT;
        p = r;
    }
}

int fat_file_from_hit(struct ferry_fat *fs, const struct fat_hit *hit, struct ferry_fat_file *f)
{
    if (hit->entry[11] & (FAT_ATTR_DIR | FAT_ATTR_VOLUME))
        return FERRY_E_INVAL;
    uint32_t size = ferry_get_le32(hit->entry + 28);
    uint32_t first = fat_entry_cluster(fs, hit->entry);
    uint32_t count = fat_clusters_for(fs, size), last;
    int rc = fat_chain_check(fs, first, count, &last);
    if (rc < 0)
        return rc;
    memset(f, 0, sizeof *f);
    f->fs = fs;
    f->size = size;
    f->first_cluster = count ? first : 0; /* an empty file's stray cluster is not used */
    f->last_cluster = last;
    f->entry_lba = hit->lba;
    f->entry_off = hit->off;
    return FERRY_OK;
}
