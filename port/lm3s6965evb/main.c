/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lm3s6965evb card reader: Ferry's SD driver and FAT code on a real
 * (emulated) SD card. It identifies the card, mounts its FAT volume, lists
 * the root directory, reports update.bin (size, first bytes, a hash of all
 * of it), writes and reads back a file, then resets (under QEMU with
 * -no-reboot: exits). QEMU cannot write this part's internal flash, so no
 * image is installed here; docs/sd-card.md says what runs where.
 *
 * Console lines start with a tag the tests look for ([sd], [fat], [card]).
 */
#include <string.h>
#include "ferry/errors.h"
#include "ferry/fat.h"
#include "ferry/sd_spi.h"
#include "fat_priv.h" /* the directory iterator: the public API has no listing */
#include "lm3s.h"

#define TEST_FILE "ferry.txt"
#define TEST_FILE_LEN 3000u /* several sectors: multi-block writes and reads */

static struct ferry_sd_spi sd;
static struct ferry_fat fat;
static uint8_t fat_buf[FERRY_FAT_SECTOR];
static uint8_t blocks[8 * FERRY_SD_BLOCK], block[FERRY_SD_BLOCK];
static uint8_t data[1024];

static void fail(const char *what, int err)
{
    lm3s_puts(what);
    lm3s_puts(": ");
    lm3s_puts(ferry_strerror(err));
    lm3s_puts("\n");
}

static const char *type_name(enum ferry_sd_type t)
{
    switch (t) {
    case FERRY_SD_V1_SDSC: return "SDSC v1";
    case FERRY_SD_V2_SDSC: return "SDSC v2";
    case FERRY_SD_V2_SDHC: return "SDHC/SDXC";
    default:               return "unknown";
    }
}

/* The first eight blocks read once with CMD18 and once block by block. */
static int check_multi_read(void)
{
    int err = ferry_sd_spi_read_blocks(&sd, 0, blocks, 8);
    for (uint32_t i = 0; !err && i < 8; i++) {
        err = ferry_sd_spi_read_blocks(&sd, i, block, 1);
        if (!err && memcmp(block, blocks + i * FERRY_SD_BLOCK, FERRY_SD_BLOCK) != 0)
            err = FERRY_E_CORRUPT;
    }
    if (err)
        fail("[sd] multi-block read check failed", err);
    else
        lm3s_puts("[sd] multi-block read matches single-block reads\n");
    return err;
}

/* CMD25 on the card's last three blocks: a pattern written, read back, and
 * the old contents written back (this is a test firmware: those blocks are
 * briefly not what they were). */
static int check_multi_write(void)
{
    uint8_t *saved = blocks, *pat = blocks + 3 * FERRY_SD_BLOCK;
    uint32_t lba = sd.blocks - 3;
    int err = ferry_sd_spi_read_blocks(&sd, lba, saved, 3);
    for (uint32_t i = 0; i < 3 * FERRY_SD_BLOCK; i++)
        pat[i] = (uint8_t)(i * 13u + 5u);
    if (!err)
        err = ferry_sd_spi_write_blocks(&sd, lba, pat, 3);
    for (uint32_t i = 0; !err && i < 3; i++) {
        err = ferry_sd_spi_read_blocks(&sd, lba + i, block, 1);
        if (!err && memcmp(block, pat + i * FERRY_SD_BLOCK, FERRY_SD_BLOCK) != 0)
            err = FERRY_E_CORRUPT;
    }
    if (!err)
        err = ferry_sd_spi_write_blocks(&sd, lba, saved, 3);
    if (!err)
        err = ferry_sd_spi_read_blocks(&sd, lba, pat, 3);
    if (!err && memcmp(pat, saved, 3 * FERRY_SD_BLOCK) != 0)
        err = FERRY_E_CORRUPT;
    if (err)
        fail("[sd] multi-block write check failed", err);
    else
        lm3s_puts("[sd] multi-block write read back, old contents restored\n");
    return err;
}

static void put_name(const uint8_t *e)
{
    char name[13];
    unsigned n = 0;
    for (unsigned i = 0; i < 8 && e[i] != ' '; i++)
        name[n++] = (char)(i == 0 && e[0] == 0x05 ? 0xE5 : e[i]);
    if (e[8] != ' ') {
        name[n++] = '.';
        for (unsigned i = 8; i < 11 && e[i] != ' '; i++)
            name[n++] = (char)e[i];
    }
    name[n] = '\0';
    lm3s_puts(name);
}

/* Short names of the root directory, with sizes. */
static int list_root(void)
{
    struct fat_dir_iter it;
    const uint8_t *e;
    unsigned count = 0;
    int rc;
    lm3s_puts("[fat] listing of /:\n");
    fat_dir_begin(&it, fat_root(&fat));
    while ((rc = fat_dir_next(&fat, &it, &e)) == 1) {
        if (e[0] == 0x00)
            break; /* the end marker */
        if (e[0] == 0xE5 || (e[11] & 0x0Fu) == 0x0Fu || (e[11] & 0x08u))
            continue; /* deleted, long-name part, volume label */
        lm3s_puts("[fat]   ");
        put_name(e);
        if (e[11] & 0x10u) {
            lm3s_puts(" <dir>\n");
        } else {
            lm3s_puts(" ");
            lm3s_put_dec((uint32_t)e[28] | ((uint32_t)e[29] << 8) | ((uint32_t)e[30] << 16) |
                         ((uint32_t)e[31] << 24));
            lm3s_puts("\n");
        }
        count++;
    }
    if (rc < 0) {
        fail("[fat] listing failed", rc);
        return rc;
    }
    lm3s_puts("[fat] ");
    lm3s_put_dec(count);
    lm3s_puts(" entries\n");
    return 0;
}

/* Size, first 16 bytes and FNV-1a hash (32-bit) of update.bin. */
static int report_update(void)
{
    struct ferry_fat_file f;
    int err = ferry_fat_open(&fat, "update.bin", &f);
    if (err == FERRY_E_NOT_FOUND) {
        lm3s_puts("[card] no update.bin on the card\n");
        return 0;
    }
    if (err) {
        fail("[card] cannot open update.bin", err);
        return err;
    }
    uint32_t size = ferry_fat_size(&f), hash = 2166136261u;
    lm3s_puts("[card] update.bin: ");
    lm3s_put_dec(size);
    lm3s_puts(" bytes, first bytes:");
    for (uint32_t off = 0; off < size;) {
        int n = ferry_fat_read(&f, off, data, sizeof data);
        if (n <= 0) {
            lm3s_puts("\n");
            fail("[card] reading update.bin failed", n ? n : FERRY_E_CORRUPT);
            return n ? n : FERRY_E_CORRUPT;
        }
        if (off == 0)
            for (int i = 0; i < 16 && i < n; i++) {
                lm3s_puts(" ");
                lm3s_put_hex8(data[i]);
            }
        for (int i = 0; i < n; i++)
            hash = (hash ^ data[i]) * 16777619u;
        off += (uint32_t)n;
    }
    lm3s_puts("\n[card] update.bin fnv1a32: ");
    for (int s = 24; s >= 0; s -= 8)
        lm3s_put_hex8((uint8_t)(hash >> s));
    lm3s_puts("\n");
    return 0;
}

static uint8_t pattern(uint32_t i)
{
    return (uint8_t)('a' + (i * 7u + i / 26u) % 26u);
}

/* Creates TEST_FILE, writes it in two uneven pieces, reads it back. */
static int write_file(void)
{
    struct ferry_fat_file f;
    uint32_t half = 1100;
    for (uint32_t i = 0; i < sizeof data; i++)
        data[i] = 0;
    int err = ferry_fat_create(&fat, TEST_FILE, &f);
    for (uint32_t off = 0; !err && off < TEST_FILE_LEN;) {
        uint32_t n = off == 0 ? half : TEST_FILE_LEN - off;
        n = n > sizeof data ? sizeof data : n;
        for (uint32_t i = 0; i < n; i++)
            data[i] = pattern(off + i);
        int w = ferry_fat_write(&f, off, data, n);
        err = w < 0 ? w : 0;
        off += n;
    }
    if (!err)
        err = ferry_fat_sync(&fat);
    if (!err)
        err = ferry_fat_open(&fat, TEST_FILE, &f);
    if (!err && ferry_fat_size(&f) != TEST_FILE_LEN)
        err = FERRY_E_CORRUPT;
    for (uint32_t off = 0; !err && off < TEST_FILE_LEN;) {
        int n = ferry_fat_read(&f, off, data, sizeof data);
        if (n <= 0) {
            err = n ? n : FERRY_E_CORRUPT;
            break;
        }
        for (int i = 0; i < n; i++)
            if (data[i] != pattern(off + (uint32_t)i))
                err = FERRY_E_CORRUPT;
        off += (uint32_t)n;
    }
    if (err) {
        fail("[fat] writing " TEST_FILE " failed", err);
        return err;
    }
    lm3s_puts("[fat] wrote " TEST_FILE " (");
    lm3s_put_dec(TEST_FILE_LEN);
    lm3s_puts(" bytes) and read it back\n");
    return 0;
}

static int run(void)
{
    int err = ferry_sd_spi_init(&sd, lm3s_sd_spi(), NULL);
    if (err) {
        fail("[sd] no usable card", err);
        return err;
    }
    lm3s_puts("[sd] card: ");
    lm3s_puts(type_name(sd.type));
    lm3s_puts(", ");
    lm3s_put_dec(sd.blocks);
    lm3s_puts(" blocks (");
    lm3s_put_dec(sd.blocks / 2048u);
    lm3s_puts(" MiB)\n");
    if ((err = check_multi_read()) != 0 || (err = check_multi_write()) != 0)
        return err;
    err = ferry_fat_mount(&fat, ferry_sd_spi_bd(&sd), fat_buf, sizeof fat_buf);
    if (err) {
        fail("[fat] cannot mount", err);
        return err;
    }
    lm3s_puts("[fat] FAT");
    lm3s_put_dec(fat.type);
    lm3s_puts(" volume mounted\n");
    if ((err = list_root()) != 0 || (err = report_update()) != 0)
        return err;
    return write_file();
}

int main(void)
{
    lm3s_uart_init();
    lm3s_time_init();
    lm3s_puts("[lm3s] Ferry SD card reader (SSI0, chip select GPIO D0)\n");
    int err = run();
    lm3s_puts(err ? "[lm3s] stopped: " : "[lm3s] done: ");
    lm3s_puts(ferry_strerror(err));
    lm3s_puts("\n");
    return 0;
}
