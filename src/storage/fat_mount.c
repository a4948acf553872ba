/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mounting a FAT volume: find the boot sector (sector 0, or the first MBR
 * partition that holds one), check its geometry against itself and the
 * device, and derive where the FATs, the root and the clusters are.
 * Nothing is written.
 */
#include <string.h>
#include "ferry/byteorder.h"
#include "ferry/errors.h"
#include "fat_priv.h"

#define MBR_TABLE 446u
#define MBR_ENTRY 16u
#define FAT12_MAX_CLUSTERS 4084u
#define FAT16_MAX_CLUSTERS 65524u      /* 0xFFF5 is the highest cluster number */
#define FAT32_MAX_CLUSTERS 0x0FFFFFF5u /* 0x0FFFFFF6 likewise */
#define FSINFO_LEAD 0x41615252u
#define FSINFO_STRUCT 0x61417272u
#define FSINFO_TRAIL 0xAA550000u

static int is_pow2(uint32_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

static int has_signature(const uint8_t *s)
{
    return s[510] == 0x55 && s[511] == 0xAA;
}

/* Whether a sector claims to be a FAT boot sector at all (a jump
 * instruction and a plausible BPB); an MBR does not. */
static int looks_like_boot_sector(const uint8_t *b)
{
    uint16_t bps = ferry_get_le16(b + 11);
    int jump = (b[0] == 0xEB && b[2] == 0x90) || b[0] == 0xE9;
    return has_signature(b) && jump && bps >= 512 && bps <= 4096 && is_pow2(bps) &&
           is_pow2(b[13]) && ferry_get_le16(b + 14) != 0 && b[16] != 0;
}

static uint32_t log2_u8(uint8_t v)
{
    uint32_t s = 0;
    while ((1u << s) < v)
        s++;
    return s;
}

/* Reads the FAT32 FSInfo sector: the free count and next-free hint are kept
 * only when the sector's three signatures are there and the values fit. */
static int read_fsinfo(struct ferry_fat *fs, uint32_t lba)
{
    int rc = fat_cache_load(fs, lba);
    if (rc < 0)
        return rc;
    const uint8_t *s = fs->buf;
    if (ferry_get_le32(s) != FSINFO_LEAD || ferry_get_le32(s + 484) != FSINFO_STRUCT ||
        ferry_get_le32(s + 508) != FSINFO_TRAIL)
        return FERRY_OK; /* no usable FSInfo: leave it alone */
    uint32_t free_count = ferry_get_le32(s + 488);
    uint32_t next = ferry_get_le32(s + 492);
    fs->fsinfo_lba = lba;
    fs->free_count = free_count <= fs->cluster_count ? free_count : FAT_UNKNOWN;
    if (fat_cluster_ok(fs, next))
        fs->next_free = next;
    return FERRY_OK;
}

/* Fills fs from the boot sector b of a volume starting at device sector
 * vol. dev_sectors: the device's size in sectors (0: unknown). */
static int parse_boot_sector(struct ferry_fat *fs, const uint8_t *b, uint32_t vol,
                             uint64_t dev_sectors)
{
    if (ferry_get_le16(b + 11) != FERRY_FAT_SECTOR)
        return FERRY_E_UNSUPPORTED;
    uint8_t spc = b[13];
    uint32_t reserved = ferry_get_le16(b + 14);
    uint32_t nfats = b[16];
    uint32_t root_entries = ferry_get_le16(b + 17);
    uint32_t total = ferry_get_le16(b + 19);
    uint32_t fat_size = ferry_get_le16(b + 22);
    int fat32 = fat_size == 0;
    if (total == 0)
        total = ferry_get_le32(b + 32);
    if (fat32)
        fat_size = ferry_get_le32(b + 36);
    if (!is_pow2(spc) || reserved == 0 || nfats == 0 || total == 0 || fat_size == 0 ||
        (fat32 ? root_entries != 0 : root_entries == 0))
        return FERRY_E_CORRUPT;
    if ((uint64_t)vol + total > 0xFFFFFFFFu || (dev_sectors && vol + (uint64_t)total > dev_sectors))
        return FERRY_E_CORRUPT;

    uint64_t root_sectors = (root_entries * FAT_ENTRY_SIZE + FERRY_FAT_SECTOR - 1) / FERRY_FAT_SECTOR;
    uint64_t meta = reserved + (uint64_t)nfats * fat_size + root_sectors;
    if (meta >= total)
        return FERRY_E_CORRUPT;
    fs->cluster_shift = (uint8_t)log2_u8(spc);
    fs->cluster_count = (uint32_t)((total - meta) >> fs->cluster_shift);
    if (fs->cluster_count == 0)
        return FERRY_E_CORRUPT;
    if (fat32)
        fs->type = 32;
    else
        fs->type = fs->cluster_count <= FAT12_MAX_CLUSTERS ? 12 : 16;
    if (fs->cluster_count > (fat32 ? FAT32_MAX_CLUSTERS : FAT16_MAX_CLUSTERS))
        return FERRY_E_CORRUPT;
    /* The FAT must have an entry for every cluster (and the two reserved). */
    if ((uint64_t)fat_size * FERRY_FAT_SECTOR * 8 < ((uint64_t)fs->cluster_count + 2) * fs->type)
        return FERRY_E_CORRUPT;

    fs->fat_sectors = fat_size;
    fs->fat_lba = vol + reserved;
    fs->fat_copies = (uint8_t)nfats;
    fs->data_lba = vol + (uint32_t)meta;
    fs->free_count = FAT_UNKNOWN;
    fs->next_free = 2;
    if (!fat32) {
        fs->root_lba = vol + reserved + nfats * fat_size;
        fs->root_entries = root_entries;
        fs->root_cluster = 0;
        return FERRY_OK;
    }
    uint16_t ext_flags = ferry_get_le16(b + 40);
    if (ext_flags & 0x80) { /* mirroring off: only the active copy is used */
        uint32_t active = ext_flags & 0x0F;
        if (active >= nfats)
            return FERRY_E_CORRUPT;
        fs->fat_lba += active * fat_size;
        fs->fat_copies = 1;
    }
    fs->root_entries = 0;
    fs->root_cluster = ferry_get_le32(b + 44) & 0x0FFFFFFFu;
    if (!fat_cluster_ok(fs, fs->root_cluster))
        return FERRY_E_CORRUPT;
    uint32_t fsinfo = ferry_get_le16(b + 48);
    if (fsinfo != 0 && fsinfo < reserved)
        return read_fsinfo(fs, vol + fsinfo);
    return FERRY_OK;
}

/* Mounts the volume whose boot sector is at device sector vol (now in the cache). */
static int mount_at(struct ferry_fat *fs, uint32_t vol, uint64_t dev_sectors)
{
    uint8_t boot[64]; /* the BPB fields; the cache is reused for FSInfo */
    memcpy(boot, fs->buf, sizeof boot);
    return parse_boot_sector(fs, boot, vol, dev_sectors);
}

int ferry_fat_mount(struct ferry_fat *fs, const struct ferry_bd *bd, uint8_t *buf, size_t buf_len)
{
    if (!fs || !bd || !bd->ops || !bd->ops->read || !bd->geo || !buf || buf_len < FERRY_FAT_SECTOR)
        return FERRY_E_INVAL;
    const struct ferry_bd_geometry *geo = bd->geo;
    if (geo->read_unit == 0 || FERRY_FAT_SECTOR % geo->read_unit != 0 ||
        (geo->program_unit != 0 && FERRY_FAT_SECTOR % geo->program_unit != 0))
        return FERRY_E_UNSUPPORTED;
    memset(fs, 0, sizeof *fs);
    fs->bd = bd;
    fs->buf = buf;
    fs->buf_lba = FAT_NO_SECTOR;
    fs->date = (0 << 9) | (1 << 5) | 1; /* 1980-01-01 */
    uint64_t dev_sectors = geo->size / FERRY_FAT_SECTOR;

    int rc = fat_cache_load(fs, 0);
    if (rc < 0)
        return rc;
    if (looks_like_boot_sector(fs->buf))
        return mount_at(fs, 0, dev_sectors);
    if (!has_signature(fs->buf))
        return FERRY_E_FAT_NOFS;

    /* An MBR: the first primary partition whose first sector is a FAT boot
     * sector. Extended (0x05, 0x0F, 0x85) and GPT-protective (0xEE) entries
     * hold no volume. */
    uint32_t starts[4];
    unsigned n = 0;
    for (unsigned i = 0; i < 4; i++) {
        const uint8_t *p = fs->buf + MBR_TABLE + i * MBR_ENTRY;
        uint8_t type = p[4];
        uint32_t start = ferry_get_le32(p + 8), count = ferry_get_le32(p + 12);
        if (type == 0 || type == 0x05 || type == 0x0F || type == 0x85 || type == 0xEE)
            continue;
        if ((p[0] & 0x7F) != 0 || start == 0 || count == 0 ||
            (dev_sectors && (uint64_t)start + count > dev_sectors))
            continue;
        starts[n++] = start;
    }
    for (unsigned i = 0; i < n; i++) {
        rc = fat_cache_load(fs, starts[i]);
        if (rc < 0)
            return rc;
        if (looks_like_boot_sector(fs->buf))
            return mount_at(fs, starts[i], dev_sectors);
    }
    return FERRY_E_FAT_NOFS;
}
