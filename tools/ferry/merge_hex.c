/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Intel HEX writer (the record format of Intel's "Hexadecimal Object File
 * Format Specification", rev. A): ":LLAAAATT<data>CC", CC the two's
 * complement of the sum of the other bytes.
 */
#include <errno.h>
#include <stdio.h>

#include "merge_hex.h"

static int record(FILE *f, uint8_t type, uint16_t addr, const uint8_t *data, uint8_t len)
{
    uint8_t sum = (uint8_t)(len + (addr >> 8) + (addr & 0xFF) + type);
    if (fprintf(f, ":%02X%04X%02X", len, addr, type) < 0) {
        return -1;
    }
    for (uint8_t i = 0; i < len; i++) {
        sum = (uint8_t)(sum + data[i]);
        if (fprintf(f, "%02X", data[i]) < 0) {
            return -1;
        }
    }
    return fprintf(f, "%02X\n", (uint8_t)(0x100 - sum) & 0xFF) < 0 ? -1 : 0;
}

static int write_all(FILE *f, const uint8_t *mem, uint32_t base, const struct merge_range *r,
                     unsigned count)
{
    uint32_t window = 0;
    int have_window = 0;
    for (unsigned i = 0; i < count; i++) {
        uint32_t pos = r[i].off, end = r[i].off + r[i].len;
        while (pos < end) {
            uint32_t addr = base + pos;
            uint32_t n = end - pos;
            uint32_t room = 0x10000u - (addr & 0xFFFFu); /* to the window's end */
            n = n > 16 ? 16 : n;
            n = n > room ? room : n;
            if (!have_window || (addr >> 16) != window) {
                uint8_t hi[2] = { (uint8_t)(addr >> 24), (uint8_t)(addr >> 16) };
                window = addr >> 16;
                have_window = 1;
                if (record(f, 0x04, 0, hi, 2) != 0) {
                    return -1;
                }
            }
            if (record(f, 0x00, (uint16_t)addr, mem + pos, (uint8_t)n) != 0) {
                return -1;
            }
            pos += n;
        }
    }
    return record(f, 0x01, 0, NULL, 0);
}

int merge_write_hex(const char *path, const uint8_t *mem, uint32_t base,
                    const struct merge_range *r, unsigned count)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        return -1;
    }
    int rc = write_all(f, mem, base, r, count);
    int saved = errno;
    if (fclose(f) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    if (rc != 0) {
        remove(path);
        errno = saved;
    }
    return rc;
}
