/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: a FAT12/16/32 filesystem over the block-device seam (an SD card,
 * a host file). docs/fat.md describes what is supported and how writes are
 * ordered against power cuts.
 *
 * No malloc: the caller owns struct ferry_fat, every struct ferry_fat_file
 * and one 512-byte scratch buffer, the volume's only sector cache.
 * Sectors are 512 bytes; the device's read_unit and program_unit must
 * divide 512 (an SD card's are 512).
 *
 * The read side (mount, open, size, read) is in src/storage/fat_mount.c,
 * fat_cache.c, fat_table.c, fat_name.c, fat_dir.c and fat_read.c; the write
 * side in src/storage/fat_alloc.c, fat_write.c and fat_entry.c. A read-only
 * bootloader that calls no write function links none of the write side.
 *
 * Everything on the card is untrusted: an inconsistent boot sector, a
 * cluster chain that loops, leaves the volume or is shorter than its file,
 * a directory that never ends: FERRY_E_CORRUPT, never a crash or a hang
 * (every walk is bounded by the volume's cluster count, and a directory by
 * 65,536 entries).
 *
 * Paths: components separated by '/' (or '\'), an optional leading '/';
 * "." and ".." are refused (FERRY_E_INVAL). A component matches a short
 * (8.3) name or a long name, case-insensitively (ASCII and Latin-1 letters);
 * long names are compared as UTF-8. Names Ferry creates must fit 8.3 (an
 * all-lowercase base or extension keeps its case through the flags Windows
 * and Linux read); a name that needs a long-name entry is FERRY_E_UNSUPPORTED.
 */
#ifndef FERRY_FAT_H
#define FERRY_FAT_H

#include <stddef.h>
#include <stdint.h>
#include "ferry/blockdev.h"

#define FERRY_FAT_SECTOR 512u

/*
 * Volume state. Fields are private to src/fat*.c except `date` and `time`,
 * the FAT-format timestamp written into entries Ferry creates or modifies
 * (mount sets 1980-01-01 00:00; a device with a clock sets its own:
 * date = (year - 1980) << 9 | month << 5 | day,
 * time = hour << 11 | minute << 5 | seconds / 2).
 */
struct ferry_fat {
    const struct ferry_bd *bd;
    uint8_t *buf;               /* the sector cache, FERRY_FAT_SECTOR bytes */
    uint32_t buf_lba;           /* device sector held in buf; 0xFFFFFFFF: none */
    uint8_t buf_dirty;          /* buf differs from the device (write side only) */
    /* Writes buf back when it is dirty; set by the write side, NULL in a
     * read-only use, so the read side never links the write code. */
    int (*writeback)(struct ferry_fat *fs);

    uint8_t type;               /* 12, 16 or 32 */
    uint8_t cluster_shift;      /* log2(sectors per cluster), 0..7 */
    uint8_t fat_copies;         /* FAT copies kept in step on every write */
    uint8_t fsinfo_dirty;       /* free count changed since FSInfo was written */
    uint32_t fat_lba;           /* first sector of the FAT read (copy 0, or the
                                   active copy when mirroring is off) */
    uint32_t fat_sectors;       /* sectors per FAT copy */
    uint32_t root_lba;          /* FAT12/16: first sector of the fixed root */
    uint32_t root_entries;      /* FAT12/16: slots in the fixed root; 0 on FAT32 */
    uint32_t root_cluster;      /* FAT32: first cluster of the root; 0 on FAT12/16 */
    uint32_t data_lba;          /* device sector of cluster 2 */
    uint32_t cluster_count;     /* data clusters: valid numbers 2 .. cluster_count + 1 */
    uint32_t fsinfo_lba;        /* FAT32 FSInfo sector; 0: none (or not valid) */
    uint32_t free_count;        /* free clusters; 0xFFFFFFFF: unknown */
    uint32_t next_free;         /* where the search for a free cluster starts */
    uint16_t date, time;        /* timestamp for entries Ferry writes (see above) */
};

/*
 * An open file. Private fields; valid while its volume stays mounted. One
 * handle per file when writing: two handles that write the same file, or a
 * handle whose file is removed or renamed, see stale state.
 */
struct ferry_fat_file {
    struct ferry_fat *fs;
    uint32_t size;              /* bytes */
    uint32_t first_cluster;     /* 0: no cluster yet (an empty file) */
    uint32_t last_cluster;      /* the chain's end; 0 with first_cluster */
    uint32_t pos_index;         /* cluster index in the file of pos_cluster */
    uint32_t pos_cluster;       /* a remembered position for sequential access; 0: none */
    uint32_t entry_lba;         /* directory sector holding the file's short entry */
    uint16_t entry_off;         /* byte offset of the entry in that sector */
};

/*
 * Mounts the first FAT12/16/32 volume: a bare volume (boot sector at
 * sector 0) or the first FAT partition of an MBR (types 0x01, 0x04, 0x06,
 * 0x0B, 0x0C, 0x0E). FAT32 is recognised as Linux and dosfstools do (the
 * boot sector's 16-bit FAT size is 0); FAT12 or FAT16 by cluster count.
 * buf: caller scratch of >= 512 bytes, used as the volume's sector cache
 * while it is mounted. Nothing is written.
 * Errors: FERRY_E_INVAL (NULL argument, buf_len < 512),
 * FERRY_E_UNSUPPORTED (device units do not divide 512; a volume with
 * sectors other than 512 bytes), FERRY_E_FAT_NOFS (no FAT volume),
 * FERRY_E_CORRUPT (an inconsistent boot sector, or a volume larger than the
 * device), FERRY_E_IO/TIMEOUT/RANGE from the device.
 */
int ferry_fat_mount(struct ferry_fat *fs, const struct ferry_bd *bd, uint8_t *buf, size_t buf_len);

/*
 * Opens an existing file by path. Checks the file's cluster chain once,
 * here: a chain that loops, leaves the volume, or is shorter than the size
 * needs is FERRY_E_CORRUPT. (A chain longer than the size needs is what a
 * power cut while a file grows leaves: it is accepted, and the write side
 * frees the extra clusters when the file next grows or shrinks.)
 * Errors: FERRY_E_INVAL (NULL, empty path, "." or "..", the path names a
 * directory), FERRY_E_NOT_FOUND (a component is missing, or a directory
 * component is a file), FERRY_E_CORRUPT, device errors.
 */
int ferry_fat_open(struct ferry_fat *fs, const char *path, struct ferry_fat_file *f);

/* The file's size in bytes. */
uint32_t ferry_fat_size(const struct ferry_fat_file *f);

/*
 * Reads up to len bytes at byte offset off into buf; returns the bytes read
 * (fewer at the end of the file, 0 at or past it; at most INT32_MAX) or a
 * negative error. Any offset, any length: whole sectors go straight from
 * the device into buf, partial ones through the sector cache.
 * Errors: FERRY_E_INVAL, FERRY_E_CORRUPT (the chain changed under the
 * handle and is now broken), device errors.
 */
int ferry_fat_read(struct ferry_fat_file *f, uint32_t off, void *buf, uint32_t len);

/*
 * Write side. Every call below completes with the volume consistent on the
 * device (both FAT copies, the directory entry, the FAT32 FSInfo free count
 * written), in an order chosen so that a power cut leaves at worst clusters
 * that fsck reports as lost, or an overwritten file half old and half new
 * (docs/fat.md). ferry_fat_sync() then asks the device to make it durable.
 */

/*
 * Creates a file (size 0) or truncates an existing one to 0, and opens it.
 * The parent directory must exist; a subdirectory grows by a cluster when
 * full, the fixed FAT12/16 root does not. An existing file whose cluster
 * chain is broken is emptied without following the chain (its clusters
 * stay for fsck to find as lost), so a damaged download can be restarted.
 * Errors: FERRY_E_INVAL (NULL, bad path or name, the path is a directory),
 * FERRY_E_UNSUPPORTED (the name does not fit 8.3), FERRY_E_NOT_FOUND (no
 * parent directory), FERRY_E_FAT_FULL (no directory slot or cluster left),
 * FERRY_E_CORRUPT, device errors.
 */
int ferry_fat_create(struct ferry_fat *fs, const char *path, struct ferry_fat_file *f);

/*
 * Writes len bytes at off, growing the file when off + len passes its
 * end (a gap between the old end and off reads as zeros). Returns len or
 * a negative error. When the volume cannot hold the new size, nothing is
 * written, the file is unchanged and FERRY_E_FAT_FULL is returned.
 * Errors: FERRY_E_INVAL (NULL, len > INT32_MAX), FERRY_E_RANGE (off + len
 * past FAT's 4 GiB - 1 limit), FERRY_E_FAT_FULL, FERRY_E_CORRUPT, device errors.
 */
int ferry_fat_write(struct ferry_fat_file *f, uint32_t off, const void *buf, uint32_t len);

/*
 * Sets the file's size: shrinking frees the clusters past the new end
 * (the directory entry is written first); growing appends zeros.
 * Errors: as ferry_fat_write.
 */
int ferry_fat_truncate(struct ferry_fat_file *f, uint32_t size);

/*
 * Renames a file within its directory; an existing file at `to` is
 * replaced. The new name must fit 8.3; a long name the file had is dropped.
 * Errors: FERRY_E_INVAL (NULL, bad paths, either is a directory),
 * FERRY_E_UNSUPPORTED (`to` in another directory, or not 8.3),
 * FERRY_E_NOT_FOUND (no `from`), FERRY_E_CORRUPT, device errors.
 */
int ferry_fat_rename(struct ferry_fat *fs, const char *from, const char *to);

/*
 * Removes a file (not a directory) and frees its clusters.
 * Errors: FERRY_E_INVAL (NULL, bad path, a directory), FERRY_E_NOT_FOUND,
 * FERRY_E_CORRUPT, device errors.
 */
int ferry_fat_remove(struct ferry_fat *fs, const char *path);

/*
 * Writes back anything still cached and calls the device's sync, so that
 * everything written before is durable. Errors: device errors.
 */
int ferry_fat_sync(struct ferry_fat *fs);

#endif
