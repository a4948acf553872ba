/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Write side, directory entries: create, remove, rename.
 *
 * Order (sectors reach the device in the order they are modified,
 * fat_alloc.c):
 *  - create: a new directory cluster is zeroed before the FAT links it in,
 *    then the entry is written;
 *  - remove: long-name slots, then the short entry, then the clusters are
 *    freed (a cut leaves lost clusters, never a name without its file);
 *  - rename: a replaced target's slots are deleted, then the source's
 *    long-name slots, then the short entry takes its new name, then the
 *    target's clusters are freed. No moment has two entries with one name.
 */
#include <string.h>
#include "ferry/byteorder.h"
#include "ferry/errors.h"
#include "fat_priv.h"

static int delete_slot(struct ferry_fat *fs, uint32_t dir, uint32_t index)
{
    uint32_t lba;
    uint16_t off;
    int rc = fat_dir_slot(fs, dir, index, &lba, &off);
    if (rc >= 0)
        rc = fat_cache_modify(fs, lba);
    if (rc >= 0)
        fs->buf[off] = FAT_DELETED;
    return rc;
}

/* Marks hit's long-name slots deleted, then (with_short) its short entry. */
static int delete_slots(struct ferry_fat *fs, const struct fat_hit *hit, int with_short)
{
    int rc = FERRY_OK;
    for (uint32_t i = hit->lfn_count; i > 0 && rc >= 0; i--)
        rc = delete_slot(fs, hit->dir, hit->index - i);
    if (rc >= 0 && with_short)
        rc = delete_slot(fs, hit->dir, hit->index);
    return rc;
}

/* The chain a removed or replaced file leaves: freed only if it checks out
 * against the size (a broken one stays for fsck to collect). */
static int release_chain(struct ferry_fat *fs, const uint8_t *e)
{
    uint32_t first = fat_entry_cluster(fs, e), last;
    uint32_t count = fat_clusters_for(fs, ferry_get_le32(e + 28));
    if (count == 0 || fat_chain_check(fs, first, count, &last) < 0)
        return FERRY_OK;
    return fat_free_chain(fs, first);
}

/* Finds the path's entry, which must be a file. */
static int find_file(struct ferry_fat *fs, const char *path, struct fat_hit *hit)
{
    uint32_t dir;
    struct fat_name name;
    int rc = fat_path_parent(fs, path, &dir, &name);
    if (rc >= 0)
        rc = fat_dir_find(fs, dir, &name, hit);
    if (rc >= 0 && (hit->entry[11] & (FAT_ATTR_DIR | FAT_ATTR_VOLUME)))
        rc = FERRY_E_INVAL;
    return rc;
}

/* Appends a zeroed cluster to directory dir, whose last cluster is last. */
static int grow_dir(struct ferry_fat *fs, uint32_t last, uint32_t *c)
{
    int rc = fat_find_free(fs, c);
    if (rc < 0)
        return rc;
    if (fs->buf_dirty && (rc = fs->writeback(fs)) < 0)
        return rc;
    memset(fs->buf, 0, FERRY_FAT_SECTOR);
    fs->buf_lba = FAT_NO_SECTOR;
    uint32_t lba = fat_cluster_lba(fs, *c);
    for (uint32_t i = 0; i < (1u << fs->cluster_shift); i++)
        if ((rc = fat_dev_program(fs, lba + i, fs->buf, 1)) < 0)
            return rc;
    return fat_take(fs, last, *c);
}

/* Finds a free slot in dir (growing a subdirectory when none is left). */
static int free_slot(struct ferry_fat *fs, uint32_t dir, uint32_t *lba, uint16_t *off)
{
    struct fat_dir_iter it;
    const uint8_t *e;
    int r;
    fat_dir_begin(&it, dir);
    while ((r = fat_dir_next(fs, &it, &e)) == 1) {
        if (e[0] == 0x00 || e[0] == FAT_DELETED) {
            *lba = it.lba;
            *off = it.off;
            return FERRY_OK;
        }
    }
    if (r < 0)
        return r;
    if (dir == 0 || it.index >= FAT_DIR_MAX_ENTRIES)
        return FERRY_E_FAT_FULL; /* the fixed root does not grow; FAT caps a directory */
    uint32_t c;
    if ((r = grow_dir(fs, it.cluster, &c)) < 0)
        return r;
    *lba = fat_cluster_lba(fs, c);
    *off = 0;
    return FERRY_OK;
}

static void put_short_name(uint8_t *e, const struct fat_name *n)
{
    memcpy(e, n->short_name, 11);
    e[12] = (uint8_t)((e[12] & ~(FAT_CASE_LOWER_BASE | FAT_CASE_LOWER_EXT)) | n->case_flags);
}

int ferry_fat_create(struct ferry_fat *fs, const char *path, struct ferry_fat_file *f)
{
    if (!fs || !fs->bd || !path || !f)
        return FERRY_E_INVAL;
    int rc = fat_writable(fs);
    if (rc < 0)
        return rc;
    uint32_t dir;
    struct fat_name name;
    struct fat_hit hit;
    if ((rc = fat_path_parent(fs, path, &dir, &name)) < 0)
        return rc;
    rc = fat_dir_find(fs, dir, &name, &hit);
    if (rc >= 0) { /* exists: truncate */
        rc = fat_file_from_hit(fs, &hit, f);
        if (rc == FERRY_E_CORRUPT) {
            /* A broken chain is not followed to free it: the entry lets go
             * of it (fsck finds its clusters as lost) and starts empty. */
            memset(f, 0, sizeof *f);
            f->fs = fs;
            f->entry_lba = hit.lba;
            f->entry_off = hit.off;
            if ((rc = fat_entry_store(f)) >= 0)
                rc = fat_commit(fs);
            return rc;
        }
        return rc < 0 ? rc : fat_file_resize(f, 0);
    }
    if (rc != FERRY_E_NOT_FOUND)
        return rc;
    if (!name.has_short)
        return FERRY_E_UNSUPPORTED;
    uint32_t lba;
    uint16_t off;
    if ((rc = free_slot(fs, dir, &lba, &off)) < 0 || (rc = fat_cache_modify(fs, lba)) < 0)
        return rc;
    uint8_t *e = fs->buf + off;
    memset(e, 0, FAT_ENTRY_SIZE);
    put_short_name(e, &name);
    e[11] = FAT_ATTR_ARCHIVE;
    ferry_put_le16(e + 14, fs->time);
    ferry_put_le16(e + 16, fs->date);
    ferry_put_le16(e + 18, fs->date);
    ferry_put_le16(e + 22, fs->time);
    ferry_put_le16(e + 24, fs->date);
    memset(f, 0, sizeof *f);
    f->fs = fs;
    f->entry_lba = lba;
    f->entry_off = off;
    return fat_commit(fs);
}

int ferry_fat_remove(struct ferry_fat *fs, const char *path)
{
    if (!fs || !fs->bd || !path)
        return FERRY_E_INVAL;
    struct fat_hit hit;
    int rc = fat_writable(fs);
    if (rc >= 0)
        rc = find_file(fs, path, &hit);
    if (rc >= 0)
        rc = delete_slots(fs, &hit, 1);
    if (rc >= 0)
        rc = release_chain(fs, hit.entry);
    if (rc >= 0)
        rc = fat_commit(fs);
    return rc;
}

int ferry_fat_rename(struct ferry_fat *fs, const char *from, const char *to)
{
    if (!fs || !fs->bd || !from || !to)
        return FERRY_E_INVAL;
    struct fat_hit src, old;
    struct fat_name name;
    uint32_t dir;
    int rc = fat_writable(fs);
    if (rc >= 0)
        rc = find_file(fs, from, &src);
    if (rc >= 0)
        rc = fat_path_parent(fs, to, &dir, &name);
    if (rc < 0)
        return rc;
    if (dir != src.dir || !name.has_short)
        return FERRY_E_UNSUPPORTED;
    rc = fat_dir_find(fs, dir, &name, &old);
    int replace = rc >= 0 && old.index != src.index;
    if (rc < 0 && rc != FERRY_E_NOT_FOUND)
        return rc;
    if (replace) {
        if (old.entry[11] & (FAT_ATTR_DIR | FAT_ATTR_VOLUME))
            return FERRY_E_INVAL;
        if ((rc = delete_slots(fs, &old, 1)) < 0)
            return rc;
    }
    if ((rc = delete_slots(fs, &src, 0)) < 0 || (rc = fat_cache_modify(fs, src.lba)) < 0)
        return rc;
    put_short_name(fs->buf + src.off, &name);
    if (replace && (rc = release_chain(fs, old.entry)) < 0)
        return rc;
    return fat_commit(fs);
}
