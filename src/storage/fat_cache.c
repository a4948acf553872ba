/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The volume's one-sector cache and direct device reads. Sector numbers
 * are device sectors of 512 bytes; the mount checked that the volume lies
 * inside the device and below 2^32 sectors.
 */
#include "ferry/byteorder.h"
#include "ferry/errors.h"
#include "fat_priv.h"

static int dev_read(const struct ferry_fat *fs, uint32_t lba, void *buf, uint32_t count)
{
    return fs->bd->ops->read(fs->bd->ctx, (uint64_t)lba * FERRY_FAT_SECTOR, buf,
                             count * FERRY_FAT_SECTOR);
}

int fat_cache_load(struct ferry_fat *fs, uint32_t lba)
{
    if (fs->buf_lba == lba)
        return FERRY_OK;
    if (fs->buf_dirty) {
        int rc = fs->writeback ? fs->writeback(fs) : FERRY_E_INVAL;
        if (rc < 0)
            return rc;
    }
    fs->buf_lba = FAT_NO_SECTOR; /* a failed read leaves nothing cached */
    int rc = dev_read(fs, lba, fs->buf, 1);
    if (rc < 0)
        return rc;
    fs->buf_lba = lba;
    return FERRY_OK;
}

int fat_dev_read(struct ferry_fat *fs, uint32_t lba, void *buf, uint32_t count)
{
    /* A dirty cached sector inside the range is newer than the device. */
    if (fs->buf_dirty && fs->buf_lba - lba < count) {
        int rc = fs->writeback ? fs->writeback(fs) : FERRY_E_INVAL;
        if (rc < 0)
            return rc;
    }
    return dev_read(fs, lba, buf, count);
}

uint32_t fat_entry_cluster(const struct ferry_fat *fs, const uint8_t *e)
{
    uint32_t c = ferry_get_le16(e + 26);
    if (fs->type == 32)
        c |= (uint32_t)ferry_get_le16(e + 20) << 16;
    return c & 0x0FFFFFFFu;
}
