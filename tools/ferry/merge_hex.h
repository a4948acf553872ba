/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Intel HEX output for ferry merge: the placed byte ranges of a flash image,
 * at their device addresses (extended linear address records, so any 32-bit
 * address, e.g. 0x08000000).
 */
#ifndef FERRY_MERGE_HEX_H
#define FERRY_MERGE_HEX_H

#include <stdint.h>

struct merge_range {
    uint32_t off, len; /* flash offsets; ranges in ascending order, not overlapping */
};

/* Writes `mem[r.off, r.off + r.len)` of every range as data records at
 * address base + r.off (16 bytes a record, never across a 64 KiB boundary),
 * an extended linear address record (type 04) before the first record of
 * each 64 KiB window, and the end-of-file record. The caller has checked
 * that base + end fits 32 bits. 0, or -1 with errno set (the partial file
 * is removed). */
int merge_write_hex(const char *path, const uint8_t *mem, uint32_t base,
                    const struct merge_range *r, unsigned count);

#endif
