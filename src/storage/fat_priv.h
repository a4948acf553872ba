/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry FAT internals shared by src/fat*.c. On-disk layout reference
 * (all fields little-endian, read with ferry_get_le*):
 *
 *   device: [MBR?] ... volume: [reserved: boot sector, FSInfo (FAT32) ...]
 *           [FAT copy 0][FAT copy 1 ...][root directory (FAT12/16 only)]
 *           [cluster 2][cluster 3] ... [cluster cluster_count + 1]
 *
 *   directory entry (32 bytes):
 *     0 name[8] ext[3]  11 attr  12 case flags  13..19 create/access times
 *     20 cluster high (FAT32)  22 write time  24 write date
 *     26 cluster low  28 size
 *   long-name entry (attr 0x0F): 0 sequence (0x40: last part), 1..10, 14..25,
 *     28..31: 13 UTF-16 units, 13 checksum of the short name it belongs to.
 */
#ifndef FERRY_FAT_PRIV_H
#define FERRY_FAT_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include "ferry/fat.h"

#define FAT_NO_SECTOR 0xFFFFFFFFu
#define FAT_UNKNOWN 0xFFFFFFFFu
#define FAT_ENTRY_SIZE 32u
#define FAT_ENTRIES_PER_SECTOR (FERRY_FAT_SECTOR / FAT_ENTRY_SIZE)
#define FAT_DIR_MAX_ENTRIES 65536u /* 2 MiB of entries: the FAT limit */
#define FAT_NAME_MAX 255u          /* UTF-16 units in a long name */

/* fat_get() values, the same for every FAT width. */
#define FAT_FREE 0u
#define FAT_EOC 0x0FFFFFFFu  /* end of a chain */
#define FAT_BAD 0x0FFFFFF7u  /* bad cluster (or a reserved value) */

#define FAT_ATTR_RO 0x01u
#define FAT_ATTR_VOLUME 0x08u
#define FAT_ATTR_DIR 0x10u
#define FAT_ATTR_ARCHIVE 0x20u
#define FAT_ATTR_LFN 0x0Fu
#define FAT_CASE_LOWER_BASE 0x08u
#define FAT_CASE_LOWER_EXT 0x10u
#define FAT_DELETED 0xE5u

static inline uint32_t fat_cluster_bytes(const struct ferry_fat *fs)
{
    return FERRY_FAT_SECTOR << fs->cluster_shift;
}

static inline int fat_cluster_ok(const struct ferry_fat *fs, uint32_t c)
{
    return c >= 2 && c - 2 < fs->cluster_count;
}

static inline uint32_t fat_cluster_lba(const struct ferry_fat *fs, uint32_t c)
{
    return fs->data_lba + ((c - 2) << fs->cluster_shift);
}

/* The root directory's "cluster": 0 stands for the fixed FAT12/16 root. */
static inline uint32_t fat_root(const struct ferry_fat *fs)
{
    return fs->root_cluster;
}

/* First cluster of a directory entry (the high half only on FAT32). */
uint32_t fat_entry_cluster(const struct ferry_fat *fs, const uint8_t *e);

/* --- fat_cache.c: the one-sector cache and direct device access --- */

/* Makes fs->buf hold device sector lba (writing back a dirty one first). */
int fat_cache_load(struct ferry_fat *fs, uint32_t lba);
/* Reads count whole sectors at lba straight into buf (not via the cache). */
int fat_dev_read(struct ferry_fat *fs, uint32_t lba, void *buf, uint32_t count);

/* --- fat_table.c: FAT entries and chains --- */

/* The FAT entry of cluster c (which must be fat_cluster_ok), normalised:
 * FAT_FREE, FAT_EOC, FAT_BAD, or the raw next-cluster value, unchecked. */
int fat_get(struct ferry_fat *fs, uint32_t c, uint32_t *value);
/* The next cluster of a chain: FERRY_E_CORRUPT unless it is a valid cluster. */
int fat_next(struct ferry_fat *fs, uint32_t c, uint32_t *next);
/* Clusters a file of `size` bytes needs. */
uint32_t fat_clusters_for(const struct ferry_fat *fs, uint32_t size);
/* Checks the chain at `first` for a file of `count` clusters: every link a
 * valid cluster, no loop, an end mark at `count` clusters or later; returns
 * the cluster at index count - 1 in *last (0 when count is 0).
 * Errors: FERRY_E_CORRUPT, device errors. */
int fat_chain_check(struct ferry_fat *fs, uint32_t first, uint32_t count, uint32_t *last);
/* The cluster at index idx of an open file (idx below its cluster count). */
int fat_file_cluster(struct ferry_fat_file *f, uint32_t idx, uint32_t *c);

/* --- fat_name.c: names --- */

/* A path component prepared for matching. */
struct fat_name {
    const char *s;       /* UTF-8, not terminated */
    size_t len;          /* bytes */
    uint16_t units;      /* UTF-16 units; 0: invalid UTF-8 or too long (no long-name match) */
    uint8_t has_short;   /* short[] holds its 8.3 form */
    uint8_t short_name[11];
    uint8_t case_flags;  /* FAT_CASE_LOWER_* for creating it */
};
/* Prepares a component. Errors: FERRY_E_INVAL (empty, ".", "..", too long). */
int fat_name_init(struct fat_name *n, const char *s, size_t len);
uint8_t fat_lfn_checksum(const uint8_t short_name[11]);
int fat_short_match(const struct fat_name *n, const uint8_t *e);
/* Whether long-name entry e (part seq of the whole, last == it is the
 * highest part) matches n's units at (seq - 1) * 13. */
int fat_lfn_part_match(const struct fat_name *n, const uint8_t *e, unsigned seq, int last);

/* --- fat_dir.c: directories and paths --- */

/* Walks every slot of a directory, in order. */
struct fat_dir_iter {
    uint32_t cluster;    /* current cluster; 0 in the fixed root */
    uint32_t lba;        /* sector of the current slot */
    uint32_t index;      /* slot number in the directory */
    uint16_t off;        /* byte offset of the slot in its sector */
    uint8_t state;       /* 0: not started, 1: at a slot, 2: past the end */
};
void fat_dir_begin(struct fat_dir_iter *it, uint32_t dir);
/* Advances to the next slot: 1 and its bytes in *e (inside fs->buf, valid
 * until the next cache use), or 0 past the directory's last slot (then
 * it->cluster is the directory's last cluster), or an error. */
int fat_dir_next(struct ferry_fat *fs, struct fat_dir_iter *it, const uint8_t **e);
/* Where slot `index` of directory dir is (sector, byte offset); also loads
 * that sector into the cache. Errors: FERRY_E_CORRUPT, device errors. */
int fat_dir_slot(struct ferry_fat *fs, uint32_t dir, uint32_t index, uint32_t *lba, uint16_t *off);

/* A directory entry found by name. */
struct fat_hit {
    uint8_t entry[FAT_ENTRY_SIZE];  /* copy of the short entry */
    uint32_t dir;                   /* its directory (0: fixed root) */
    uint32_t index;                 /* slot of the short entry */
    uint32_t lfn_count;             /* long-name slots just before it */
    uint32_t lba;                   /* where the short entry is */
    uint16_t off;
};
/* Finds n in directory dir. Errors: FERRY_E_NOT_FOUND, FERRY_E_CORRUPT, device. */
int fat_dir_find(struct ferry_fat *fs, uint32_t dir, const struct fat_name *n, struct fat_hit *hit);
/* Resolves every component of path but the last: *dir is the directory
 * that should hold it, *name the last component (prepared).
 * Errors: FERRY_E_INVAL, FERRY_E_NOT_FOUND, FERRY_E_CORRUPT, device. */
int fat_path_parent(struct ferry_fat *fs, const char *path, uint32_t *dir, struct fat_name *name);
/* Fills an open-file handle from a found file entry and checks its chain. */
int fat_file_from_hit(struct ferry_fat *fs, const struct fat_hit *hit, struct ferry_fat_file *f);

/* --- fat_alloc.c (write side): changing the FAT --- */
int fat_cache_modify(struct ferry_fat *fs, uint32_t lba);
int fat_set(struct ferry_fat *fs, uint32_t c, uint32_t value);
/* Checks that a volume can be written: the device programs in place. */
int fat_writable(const struct ferry_fat *fs);
/* Programs count whole sectors at lba from buf, bypassing the cache (a
 * cached copy of one of them is dropped). */
int fat_dev_program(struct ferry_fat *fs, uint32_t lba, const void *buf, uint32_t count);
/* Finds a free cluster, from the next-free hint on. Errors: FERRY_E_FAT_FULL. */
int fat_find_free(struct ferry_fat *fs, uint32_t *c);
/* Marks free cluster c end-of-chain, then links prev to it (prev 0: c starts a chain). */
int fat_take(struct ferry_fat *fs, uint32_t prev, uint32_t c);
/* fat_find_free + fat_take. */
int fat_alloc(struct ferry_fat *fs, uint32_t prev, uint32_t *c);
/* Frees the chain from `first`, bounded by the cluster count; stops at a
 * link that is not a valid used cluster (FERRY_E_CORRUPT). */
int fat_free_chain(struct ferry_fat *fs, uint32_t first);
/* Ends an operation: writes back the cache and, on FAT32, the FSInfo count. */
int fat_commit(struct ferry_fat *fs);

/* --- fat_write.c (write side) --- */
/* Writes a file's size, first cluster and time into its directory entry. */
int fat_entry_store(struct ferry_fat_file *f);
/* Sets a file's size: shrinks (entry first, then frees) or grows with zeros. */
int fat_file_resize(struct ferry_fat_file *f, uint32_t size);

#endif
