/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Opening and reading files. Reads are random access: the handle keeps
 * the last cluster it reached, so sequential reads walk each link once.
 */
#include <string.h>
#include "ferry/errors.h"
#include "fat_priv.h"

int ferry_fat_open(struct ferry_fat *fs, const char *path, struct ferry_fat_file *f)
{
    if (!fs || !fs->bd || !path || !f)
        return FERRY_E_INVAL;
    uint32_t dir;
    struct fat_name name;
    struct fat_hit hit;
    int rc = fat_path_parent(fs, path, &dir, &name);
    if (rc < 0)
        return rc;
    rc = fat_dir_find(fs, dir, &name, &hit);
    if (rc < 0)
        return rc;
    return fat_file_from_hit(fs, &hit, f);
}

uint32_t ferry_fat_size(const struct ferry_fat_file *f)
{
    return f ? f->size : 0;
}

int ferry_fat_read(struct ferry_fat_file *f, uint32_t off, void *buf, uint32_t len)
{
    if (!f || !f->fs || (!buf && len))
        return FERRY_E_INVAL;
    struct ferry_fat *fs = f->fs;
    if (off >= f->size)
        return 0;
    if (len > f->size - off)
        len = f->size - off;
    if (len > 0x7FFFFFFFu)
        len = 0x7FFFFFFFu;
    uint8_t *out = buf;
    uint32_t done = 0;
    uint32_t cluster_mask = fat_cluster_bytes(fs) - 1;
    uint32_t spc = 1u << fs->cluster_shift;
    while (done < len) {
        uint32_t pos = off + done, c;
        int rc = fat_file_cluster(f, pos >> (9 + fs->cluster_shift), &c);
        if (rc < 0)
            return rc;
        uint32_t in_cluster = pos & cluster_mask;
        uint32_t sector = in_cluster / FERRY_FAT_SECTOR, in_sector = in_cluster % FERRY_FAT_SECTOR;
        uint32_t lba = fat_cluster_lba(fs, c) + sector;
        uint32_t n;
        if (in_sector == 0 && len - done >= FERRY_FAT_SECTOR) {
            /* Whole sectors, to the end of this cluster at most. */
            uint32_t count = (len - done) / FERRY_FAT_SECTOR;
            if (count > spc - sector)
                count = spc - sector;
            rc = fat_dev_read(fs, lba, out + done, count);
            n = count * FERRY_FAT_SECTOR;
        } else {
            rc = fat_cache_load(fs, lba);
            n = FERRY_FAT_SECTOR - in_sector;
            if (n > len - done)
                n = len - done;
            if (rc >= 0)
                memcpy(out + done, fs->buf + in_sector, n);
        }
        if (rc < 0)
            return rc;
        done += n;
    }
    return (int)done;
}
