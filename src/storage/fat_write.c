/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Write side, file contents: write, truncate, sync.
 *
 * Order within one call (sectors reach the device in the order they are
 * modified, fat_alloc.c): new clusters are linked in the FAT, the data is
 * written, and only then the directory entry gets the new size and first
 * cluster. A cut before the entry leaves the file as it was plus clusters
 * fsck reports as lost. Shrinking writes the entry first, then frees.
 */
#include <string.h>
#include "ferry/byteorder.h"
#include "ferry/errors.h"
#include "fat_priv.h"

/* Writes n bytes of src (NULL: zeros) at file offset pos, into clusters
 * the file already has. Whole sectors go straight to the device. */
static int put_data(struct ferry_fat_file *f, uint32_t pos, const uint8_t *src, uint32_t n)
{
    struct ferry_fat *fs = f->fs;
    uint32_t spc = 1u << fs->cluster_shift;
    while (n > 0) {
        uint32_t c;
        int rc = fat_file_cluster(f, pos >> (9 + fs->cluster_shift), &c);
        if (rc < 0)
            return rc;
        uint32_t in_cluster = pos & (fat_cluster_bytes(fs) - 1);
        uint32_t sector = in_cluster / FERRY_FAT_SECTOR, in_sector = in_cluster % FERRY_FAT_SECTOR;
        uint32_t lba = fat_cluster_lba(fs, c) + sector, step;
        if (in_sector == 0 && n >= FERRY_FAT_SECTOR) {
            uint32_t count = n / FERRY_FAT_SECTOR;
            if (count > spc - sector)
                count = spc - sector;
            step = count * FERRY_FAT_SECTOR;
            if (src) {
                rc = fat_dev_program(fs, lba, src, count);
            } else { /* zeros: the cache, written back first, is the zero sector */
                if (fs->buf_dirty && (rc = fs->writeback(fs)) < 0)
                    return rc;
                memset(fs->buf, 0, FERRY_FAT_SECTOR);
                fs->buf_lba = FAT_NO_SECTOR;
                for (uint32_t i = 0; i < count && rc >= 0; i++)
                    rc = fat_dev_program(fs, lba + i, fs->buf, 1);
            }
        } else {
            step = FERRY_FAT_SECTOR - in_sector;
            if (step > n)
                step = n;
            rc = fat_cache_modify(fs, lba);
            if (rc >= 0) {
                if (src)
                    memcpy(fs->buf + in_sector, src, step);
                else
                    memset(fs->buf + in_sector, 0, step);
            }
        }
        if (rc < 0)
            return rc;
        pos += step;
        n -= step;
        if (src)
            src += step;
    }
    return FERRY_OK;
}

/* Gives the file the clusters `size` bytes need. On FERRY_E_FAT_FULL the
 * clusters taken are given back and the chain is as before. */
static int grow_chain(struct ferry_fat_file *f, uint32_t size)
{
    struct ferry_fat *fs = f->fs;
    uint32_t have = f->first_cluster ? fat_clusters_for(fs, f->size) : 0;
    uint32_t need = fat_clusters_for(fs, size);
    uint32_t prev = f->last_cluster, first_new = 0;
    if (need <= have)
        return FERRY_OK;
    if (need - have > fs->cluster_count)
        return FERRY_E_FAT_FULL;
    if (prev != 0) { /* clusters past the size (left by a cut) are freed first */
        uint32_t v;
        int rc = fat_get(fs, prev, &v);
        if (rc >= 0 && v != FAT_EOC && (rc = fat_set(fs, prev, FAT_EOC)) >= 0)
            rc = fat_free_chain(fs, v);
        if (rc < 0)
            return rc;
    }
    for (uint32_t i = have; i < need; i++) {
        uint32_t c;
        int rc = fat_alloc(fs, prev, &c);
        if (rc < 0) {
            if (first_new != 0) {
                int undo = f->last_cluster ? fat_set(fs, f->last_cluster, FAT_EOC) : FERRY_OK;
                if (undo >= 0)
                    undo = fat_free_chain(fs, first_new);
                if (undo >= 0)
                    undo = fat_commit(fs);
                if (undo < 0)
                    return undo;
            }
            return rc;
        }
        if (first_new == 0)
            first_new = c;
        prev = c;
    }
    if (f->first_cluster == 0)
        f->first_cluster = first_new;
    f->last_cluster = prev;
    return FERRY_OK;
}

static int holds_file(const uint8_t *e)
{
    return e[0] != 0x00 && e[0] != FAT_DELETED && (e[11] & 0x3F) != FAT_ATTR_LFN &&
           !(e[11] & (FAT_ATTR_DIR | FAT_ATTR_VOLUME));
}

/* Whether the handle still describes its directory entry: a handle whose
 * file was removed (its clusters maybe another file's by now) or replaced
 * must not write. Errors: FERRY_E_CORRUPT, device errors. */
static int handle_current(struct ferry_fat_file *f)
{
    int rc = fat_cache_load(f->fs, f->entry_lba);
    if (rc < 0)
        return rc;
    const uint8_t *e = f->fs->buf + f->entry_off;
    if (!holds_file(e) || ferry_get_le32(e + 28) != f->size ||
        (f->first_cluster != 0 && fat_entry_cluster(f->fs, e) != f->first_cluster))
        return FERRY_E_CORRUPT;
    return FERRY_OK;
}

int fat_entry_store(struct ferry_fat_file *f)
{
    struct ferry_fat *fs = f->fs;
    int rc = fat_cache_load(fs, f->entry_lba);
    if (rc < 0)
        return rc;
    uint8_t e[FAT_ENTRY_SIZE];
    memcpy(e, fs->buf + f->entry_off, sizeof e);
    if (!holds_file(e))
        return FERRY_E_CORRUPT;
    ferry_put_le16(e + 18, fs->date);
    ferry_put_le16(e + 20, fs->type == 32 ? f->first_cluster >> 16 : 0);
    ferry_put_le16(e + 22, fs->time);
    ferry_put_le16(e + 24, fs->date);
    ferry_put_le16(e + 26, f->first_cluster & 0xFFFF);
    ferry_put_le32(e + 28, f->size);
    e[11] |= FAT_ATTR_ARCHIVE;
    if (memcmp(e, fs->buf + f->entry_off, sizeof e) == 0)
        return FERRY_OK;
    if ((rc = fat_cache_modify(fs, f->entry_lba)) < 0)
        return rc;
    memcpy(fs->buf + f->entry_off, e, sizeof e);
    return FERRY_OK;
}

static int shrink(struct ferry_fat_file *f, uint32_t size)
{
    struct ferry_fat *fs = f->fs;
    uint32_t keep = fat_clusters_for(fs, size), tail = f->first_cluster, end = 0;
    int rc;
    if (keep > 0) {
        if ((rc = fat_file_cluster(f, keep - 1, &end)) < 0 || (rc = fat_get(fs, end, &tail)) < 0)
            return rc;
    }
    f->size = size;
    f->pos_cluster = 0;
    if (keep == 0)
        f->first_cluster = 0;
    f->last_cluster = end;
    if ((rc = fat_entry_store(f)) < 0)
        return rc;
    if (tail == FAT_EOC || tail == 0)
        return FERRY_OK; /* no cluster past the new end */
    if (end != 0 && (rc = fat_set(fs, end, FAT_EOC)) < 0)
        return rc;
    return fat_free_chain(fs, tail);
}

int fat_file_resize(struct ferry_fat_file *f, uint32_t size)
{
    int rc;
    uint32_t old = f->size;
    if (size < old) {
        rc = shrink(f, size);
    } else {
        if ((rc = grow_chain(f, size)) < 0)
            return rc;
        if (size > old && (rc = put_data(f, old, NULL, size - old)) < 0)
            return rc;
        f->size = size;
        rc = fat_entry_store(f);
    }
    if (rc < 0)
        return rc;
    return fat_commit(f->fs);
}

int ferry_fat_write(struct ferry_fat_file *f, uint32_t off, const void *buf, uint32_t len)
{
    if (!f || !f->fs || (!buf && len) || len > 0x7FFFFFFFu)
        return FERRY_E_INVAL;
    int rc = fat_writable(f->fs);
    if (rc < 0 || len == 0)
        return rc;
    uint64_t end = (uint64_t)off + len;
    if (end > 0xFFFFFFFFu)
        return FERRY_E_RANGE;
    if ((rc = handle_current(f)) < 0)
        return rc;
    uint32_t old = f->size;
    if (end > old && (rc = grow_chain(f, (uint32_t)end)) < 0)
        return rc;
    if (off > old && (rc = put_data(f, old, NULL, off - old)) < 0) /* the gap reads as zeros */
        return rc;
    if ((rc = put_data(f, off, buf, len)) < 0)
        return rc;
    if (end > old)
        f->size = (uint32_t)end;
    if ((rc = fat_entry_store(f)) < 0 || (rc = fat_commit(f->fs)) < 0)
        return rc;
    return (int)len;
}

int ferry_fat_truncate(struct ferry_fat_file *f, uint32_t size)
{
    if (!f || !f->fs)
        return FERRY_E_INVAL;
    int rc = fat_writable(f->fs);
    if (rc >= 0)
        rc = handle_current(f);
    return rc < 0 ? rc : fat_file_resize(f, size);
}

int ferry_fat_sync(struct ferry_fat *fs)
{
    if (!fs || !fs->bd)
        return FERRY_E_INVAL;
    int rc = fs->buf_dirty || fs->fsinfo_dirty ? fat_commit(fs) : FERRY_OK;
    if (rc >= 0 && fs->bd->ops->sync)
        rc = fs->bd->ops->sync(fs->bd->ctx);
    return rc;
}
