/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Write side, the FAT: the cache's write-back (a FAT sector goes to every
 * copy, copy 0 first), setting entries, allocating and freeing clusters,
 * and the FSInfo free count.
 *
 * Ordering: there is one cached sector, and a modified sector is written
 * back before any other is loaded, so sectors reach the device in the
 * order the code modifies them. The write paths rely on that: see the
 * ordering notes in fat_write.c and fat_entry.c, and docs/fat.md.
 */
#include <string.h>
#include "ferry/byteorder.h"
#include "ferry/errors.h"
#include "fat_priv.h"

static int program(struct ferry_fat *fs, uint32_t lba, const void *buf, uint32_t count)
{
    return fs->bd->ops->program(fs->bd->ctx, (uint64_t)lba * FERRY_FAT_SECTOR, buf,
                                count * FERRY_FAT_SECTOR);
}

static int writeback(struct ferry_fat *fs)
{
    if (!fs->buf_dirty)
        return FERRY_OK;
    uint32_t rel = fs->buf_lba - fs->fat_lba;
    int rc;
    if (rel < fs->fat_sectors) {
        for (uint32_t i = 0; i < fs->fat_copies; i++)
            if ((rc = program(fs, fs->fat_lba + i * fs->fat_sectors + rel, fs->buf, 1)) < 0)
                return rc;
    } else if ((rc = program(fs, fs->buf_lba, fs->buf, 1)) < 0) {
        return rc;
    }
    fs->buf_dirty = 0;
    return FERRY_OK;
}

int fat_writable(const struct ferry_fat *fs)
{
    const struct ferry_bd *bd = fs->bd;
    if (!bd || !bd->ops->program || bd->ops->erase) /* FAT rewrites sectors in place */
        return FERRY_E_UNSUPPORTED;
    return FERRY_OK;
}

int fat_cache_modify(struct ferry_fat *fs, uint32_t lba)
{
    int rc = fat_cache_load(fs, lba);
    if (rc < 0)
        return rc;
    fs->writeback = writeback;
    fs->buf_dirty = 1;
    return FERRY_OK;
}

int fat_dev_program(struct ferry_fat *fs, uint32_t lba, const void *buf, uint32_t count)
{
    if (fs->buf_lba - lba < count) { /* superseded: drop it, dirty or not */
        fs->buf_lba = FAT_NO_SECTOR;
        fs->buf_dirty = 0;
    }
    return program(fs, lba, buf, count);
}

/* Changes the bits `mask` of FAT byte off to `bits`. */
static int set_fat_byte(struct ferry_fat *fs, uint32_t off, uint8_t mask, uint8_t bits)
{
    int rc = fat_cache_modify(fs, fs->fat_lba + off / FERRY_FAT_SECTOR);
    if (rc < 0)
        return rc;
    uint8_t *b = fs->buf + off % FERRY_FAT_SECTOR;
    *b = (uint8_t)((*b & ~mask) | (bits & mask));
    return FERRY_OK;
}

int fat_set(struct ferry_fat *fs, uint32_t c, uint32_t value)
{
    int rc;
    if (fs->type == 12) {
        uint32_t v = value == FAT_EOC ? 0xFFF : value & 0xFFF;
        uint32_t off = c + c / 2;
        if (c & 1) {
            if ((rc = set_fat_byte(fs, off, 0xF0, (uint8_t)(v << 4))) < 0)
                return rc;
            return set_fat_byte(fs, off + 1, 0xFF, (uint8_t)(v >> 4));
        }
        if ((rc = set_fat_byte(fs, off, 0xFF, (uint8_t)v)) < 0)
            return rc;
        return set_fat_byte(fs, off + 1, 0x0F, (uint8_t)(v >> 8));
    }
    uint32_t width = fs->type / 8, off = c * width;
    rc = fat_cache_modify(fs, fs->fat_lba + off / FERRY_FAT_SECTOR);
    if (rc < 0)
        return rc;
    uint8_t *p = fs->buf + off % FERRY_FAT_SECTOR;
    if (fs->type == 16)
        ferry_put_le16(p, value == FAT_EOC ? 0xFFFF : value);
    else /* the top four bits are reserved: kept as they are */
        ferry_put_le32(p, (ferry_get_le32(p) & 0xF0000000u) | (value & 0x0FFFFFFFu));
    return FERRY_OK;
}

int fat_find_free(struct ferry_fat *fs, uint32_t *c)
{
    uint32_t start = fat_cluster_ok(fs, fs->next_free) ? fs->next_free - 2 : 0;
    for (uint32_t i = 0; i < fs->cluster_count; i++) {
        uint32_t cand = 2 + (start + i) % fs->cluster_count, v;
        int rc = fat_get(fs, cand, &v);
        if (rc < 0)
            return rc;
        if (v == FAT_FREE) {
            *c = cand;
            return FERRY_OK;
        }
    }
    return FERRY_E_FAT_FULL;
}

int fat_take(struct ferry_fat *fs, uint32_t prev, uint32_t c)
{
    int rc = fat_set(fs, c, FAT_EOC);
    if (rc >= 0 && prev != 0)
        rc = fat_set(fs, prev, c);
    if (rc < 0)
        return rc;
    fs->next_free = fat_cluster_ok(fs, c + 1) ? c + 1 : 2;
    if (fs->free_count != FAT_UNKNOWN && fs->free_count > 0)
        fs->free_count--;
    fs->fsinfo_dirty = 1;
    return FERRY_OK;
}

int fat_alloc(struct ferry_fat *fs, uint32_t prev, uint32_t *c)
{
    int rc = fat_find_free(fs, c);
    return rc < 0 ? rc : fat_take(fs, prev, *c);
}

int fat_free_chain(struct ferry_fat *fs, uint32_t first)
{
    uint32_t c = first;
    for (uint32_t n = 0; n < fs->cluster_count && fat_cluster_ok(fs, c); n++) {
        uint32_t v;
        int rc = fat_get(fs, c, &v);
        if (rc < 0)
            return rc;
        if (v == FAT_FREE) /* a loop back into what was just freed, or a cross-link */
            return FERRY_E_CORRUPT;
        if ((rc = fat_set(fs, c, FAT_FREE)) < 0)
            return rc;
        if (fs->free_count != FAT_UNKNOWN && fs->free_count < fs->cluster_count)
            fs->free_count++;
        fs->fsinfo_dirty = 1;
        if (v == FAT_EOC)
            return FERRY_OK;
        c = v;
    }
    return FERRY_E_CORRUPT;
}

int fat_commit(struct ferry_fat *fs)
{
    if (fs->fsinfo_dirty && fs->fsinfo_lba != 0) {
        /* After the FAT it summarises: a cut in between leaves a count
         * that is off, which is only a hint (fsck corrects it). */
        int rc = fat_cache_modify(fs, fs->fsinfo_lba);
        if (rc < 0)
            return rc;
        ferry_put_le32(fs->buf + 488, fs->free_count);
        ferry_put_le32(fs->buf + 492, fs->next_free);
    }
    fs->fsinfo_dirty = 0;
    return writeback(fs);
}
