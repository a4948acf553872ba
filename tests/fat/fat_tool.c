/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fat_tool: Ferry's FAT code driven from the shell, so that the scripts in
 * tests/fat/ can put mkfs.fat, mtools and fsck.fat on either side of it.
 * The card is an image file behind a block device of 512-byte units that
 * rejects anything unaligned, as an SD card would.
 *
 *   fat_tool gen SEED SIZE                 deterministic bytes to stdout
 *   fat_tool pack IMG FLAGS                a fuzzer input for fuzz/fuzz_fat.c to stdout:
 *                                          flags, size in sectors, the image
 *                                          without its trailing zeros
 *   fat_tool IMG cat PATH [CHUNK]          file to stdout, read CHUNK bytes at a time
 *   fat_tool IMG cmp PATH LOCAL            sequential and random reads against LOCAL
 *   fat_tool IMG put PATH LOCAL [CHUNK]    create (or truncate) and write LOCAL
 *   fat_tool IMG write PATH OFF LOCAL      write LOCAL into an existing file at OFF
 *   fat_tool IMG truncate PATH SIZE
 *   fat_tool IMG mv FROM TO
 *   fat_tool IMG rm PATH
 *   fat_tool IMG fill PATH SEED CHUNK      write gen(SEED) until the volume is full;
 *                                          prints the bytes the file holds
 *   fat_tool IMG size PATH
 *
 * Exit: 0 ok, 2 a Ferry error (printed as "error: TEXT (CODE)"), 1 misuse.
 * FAT_TOOL_CUT=N: the device fails every program after the first N sector
 * programs with FERRY_E_POWER_LOSS, leaving the image as a cut would.
 * FAT_TOOL_COUNT=1: prints "programs N" (sectors programmed) on stderr.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ferry/errors.h"
#include "ferry/fat.h"

struct file_bd {
    int fd;
    long long programs; /* sectors programmed so far */
    long long cut;      /* fail programs after this many sectors; -1: never */
};

static int fbd_read(void *ctx, uint64_t addr, void *buf, uint32_t len)
{
    struct file_bd *d = ctx;
    if (addr % 512 || len % 512)
        return FERRY_E_ALIGN;
    ssize_t n = pread(d->fd, buf, len, (off_t)addr);
    return n == (ssize_t)len ? FERRY_OK : FERRY_E_IO;
}

static int fbd_program(void *ctx, uint64_t addr, const void *buf, uint32_t len)
{
    struct file_bd *d = ctx;
    if (addr % 512 || len % 512)
        return FERRY_E_ALIGN;
    for (uint32_t done = 0; done < len; done += 512) {
        if (d->cut >= 0 && d->programs >= d->cut)
            return FERRY_E_POWER_LOSS;
        if (pwrite(d->fd, (const uint8_t *)buf + done, 512, (off_t)(addr + done)) != 512)
            return FERRY_E_IO;
        d->programs++;
    }
    return FERRY_OK;
}

static int fbd_sync(void *ctx)
{
    struct file_bd *d = ctx;
    return fsync(d->fd) == 0 ? FERRY_OK : FERRY_E_IO;
}

static const struct ferry_bd_ops fbd_ops = {fbd_read, fbd_program, NULL, fbd_sync};

static struct file_bd dev;
static struct ferry_bd_geometry geo;
static struct ferry_bd bd = {&fbd_ops, &dev, &geo};
static struct ferry_fat fs;
static uint8_t cache[FERRY_FAT_SECTOR];

static int fail(int rc)
{
    fprintf(stderr, "error: %s (%d)\n", ferry_strerror(rc), rc);
    return 2;
}

static uint32_t gen_state;
static uint8_t gen_byte(void)
{
    gen_state ^= gen_state << 13;
    gen_state ^= gen_state >> 17;
    gen_state ^= gen_state << 5;
    return (uint8_t)gen_state;
}

static void gen_seed(const char *s)
{
    gen_state = (uint32_t)strtoul(s, NULL, 0) * 2654435761u + 1;
}

/* Host buffers the commands take; freed by main whatever the outcome. */
static void *owned[4];
static void *own(void *p)
{
    for (unsigned i = 0; i < sizeof owned / sizeof owned[0]; i++)
        if (!owned[i])
            return owned[i] = p;
    abort();
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        perror(path);
        exit(1);
    }
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    rewind(fp);
    uint8_t *p = own(malloc((size_t)n + 1));
    if (!p || fread(p, 1, (size_t)n, fp) != (size_t)n) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(1);
    }
    fclose(fp);
    *len = (size_t)n;
    return p;
}

static int cmd_cat(const char *path, uint32_t chunk)
{
    struct ferry_fat_file f;
    int rc = ferry_fat_open(&fs, path, &f);
    if (rc < 0)
        return fail(rc);
    uint8_t *buf = own(malloc(chunk));
    uint32_t off = 0;
    for (;;) {
        rc = ferry_fat_read(&f, off, buf, chunk);
        if (rc < 0)
            return fail(rc);
        if (rc == 0)
            break;
        fwrite(buf, 1, (size_t)rc, stdout);
        off += (uint32_t)rc;
    }
    return off == ferry_fat_size(&f) ? 0 : fail(FERRY_E_CORRUPT);
}

/* Reads the file in chunks of varied sizes, then at random places, and
 * compares each read with the local copy. */
static int cmd_cmp(const char *path, const char *local)
{
    static const uint32_t chunks[] = {1, 7, 511, 512, 513, 1000, 4096, 65536, 3};
    size_t len;
    uint8_t *want = slurp(local, &len);
    struct ferry_fat_file f;
    int rc = ferry_fat_open(&fs, path, &f);
    if (rc < 0)
        return fail(rc);
    if (ferry_fat_size(&f) != len) {
        fprintf(stderr, "%s: size %u, expected %zu\n", path, ferry_fat_size(&f), len);
        return 1;
    }
    uint8_t *got = own(malloc(len + 70000));
    uint32_t off = 0;
    for (unsigned i = 0; off < len; i++) {
        uint32_t n = chunks[i % (sizeof chunks / sizeof chunks[0])];
        rc = ferry_fat_read(&f, off, got + off, n);
        if (rc < 0)
            return fail(rc);
        uint32_t expect = len - off < n ? (uint32_t)(len - off) : n;
        if ((uint32_t)rc != expect) {
            fprintf(stderr, "%s: read %u at %u gave %d\n", path, n, off, rc);
            return 1;
        }
        off += (uint32_t)rc;
    }
    if (memcmp(got, want, len) != 0) {
        fprintf(stderr, "%s: sequential reads differ from %s\n", path, local);
        return 1;
    }
    if (ferry_fat_read(&f, (uint32_t)len, got, 10) != 0 ||
        ferry_fat_read(&f, (uint32_t)len + 1000, got, 10) != 0) {
        fprintf(stderr, "%s: read past the end returned data\n", path);
        return 1;
    }
    srand(7);
    for (int i = 0; i < 300 && len > 0; i++) {
        uint32_t at = (uint32_t)((size_t)rand() % len);
        uint32_t n = (uint32_t)(rand() % 9000) + 1;
        rc = ferry_fat_read(&f, at, got, n);
        uint32_t expect = len - at < n ? (uint32_t)(len - at) : n;
        if (rc != (int)expect || memcmp(got, want + at, expect) != 0) {
            fprintf(stderr, "%s: random read %u@%u wrong (%d)\n", path, n, at, rc);
            return 1;
        }
    }
    return 0;
}

static int cmd_put(const char *path, const char *local, uint32_t chunk)
{
    size_t len;
    uint8_t *data = slurp(local, &len);
    struct ferry_fat_file f;
    int rc = ferry_fat_create(&fs, path, &f);
    if (rc < 0)
        return fail(rc);
    for (size_t off = 0; off < len; off += chunk) {
        uint32_t n = len - off < chunk ? (uint32_t)(len - off) : chunk;
        rc = ferry_fat_write(&f, (uint32_t)off, data + off, n);
        if (rc < 0)
            return fail(rc);
    }
    rc = ferry_fat_sync(&fs);
    return rc < 0 ? fail(rc) : 0;
}

static int cmd_write(const char *path, uint32_t at, const char *local)
{
    size_t len;
    uint8_t *data = slurp(local, &len);
    struct ferry_fat_file f;
    int rc = ferry_fat_open(&fs, path, &f);
    if (rc >= 0)
        rc = ferry_fat_write(&f, at, data, (uint32_t)len);
    if (rc >= 0)
        rc = ferry_fat_sync(&fs);
    return rc < 0 ? fail(rc) : 0;
}

static int cmd_truncate(const char *path, uint32_t size)
{
    struct ferry_fat_file f;
    int rc = ferry_fat_open(&fs, path, &f);
    if (rc >= 0)
        rc = ferry_fat_truncate(&f, size);
    if (rc >= 0)
        rc = ferry_fat_sync(&fs);
    return rc < 0 ? fail(rc) : 0;
}

static int cmd_fill(const char *path, const char *seed, uint32_t chunk)
{
    struct ferry_fat_file f;
    int rc = ferry_fat_create(&fs, path, &f);
    if (rc < 0)
        return fail(rc);
    uint8_t *buf = own(malloc(chunk));
    gen_seed(seed);
    uint32_t off = 0;
    for (;;) {
        for (uint32_t i = 0; i < chunk; i++)
            buf[i] = gen_byte();
        rc = ferry_fat_write(&f, off, buf, chunk);
        if (rc < 0)
            break;
        off += chunk;
    }
    printf("%u\n", off);
    if (rc != FERRY_E_FAT_FULL)
        return fail(rc);
    if (ferry_fat_size(&f) != off) {
        fprintf(stderr, "size %u after a refused write, expected %u\n", ferry_fat_size(&f), off);
        return 1;
    }
    rc = ferry_fat_sync(&fs);
    return rc < 0 ? fail(rc) : 0;
}

static int run(int argc, char **argv)
{
    const char *cmd = argv[2];
    if (!strcmp(cmd, "cat") && argc >= 4)
        return cmd_cat(argv[3], argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 0) : 4096);
    if (!strcmp(cmd, "cmp") && argc == 5)
        return cmd_cmp(argv[3], argv[4]);
    if (!strcmp(cmd, "put") && argc >= 5)
        return cmd_put(argv[3], argv[4], argc > 5 ? (uint32_t)strtoul(argv[5], NULL, 0) : 4096);
    if (!strcmp(cmd, "write") && argc == 6)
        return cmd_write(argv[3], (uint32_t)strtoul(argv[4], NULL, 0), argv[5]);
    if (!strcmp(cmd, "truncate") && argc == 5)
        return cmd_truncate(argv[3], (uint32_t)strtoul(argv[4], NULL, 0));
    if (!strcmp(cmd, "mv") && argc == 5) {
        int rc = ferry_fat_rename(&fs, argv[3], argv[4]);
        return rc < 0 ? fail(rc) : 0;
    }
    if (!strcmp(cmd, "rm") && argc == 4) {
        int rc = ferry_fat_remove(&fs, argv[3]);
        return rc < 0 ? fail(rc) : 0;
    }
    if (!strcmp(cmd, "fill") && argc == 6)
        return cmd_fill(argv[3], argv[4], (uint32_t)strtoul(argv[5], NULL, 0));
    if (!strcmp(cmd, "size") && argc == 4) {
        struct ferry_fat_file f;
        int rc = ferry_fat_open(&fs, argv[3], &f);
        if (rc < 0)
            return fail(rc);
        printf("%u\n", ferry_fat_size(&f));
        return 0;
    }
    fprintf(stderr, "fat_tool: unknown command or arguments: %s\n", cmd);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "gen")) {
        gen_seed(argv[2]);
        for (unsigned long n = strtoul(argv[3], NULL, 0); n > 0; n--)
            putchar(gen_byte());
        return 0;
    }
    if (argc == 4 && !strcmp(argv[1], "pack")) {
        size_t len;
        uint8_t *img = slurp(argv[2], &len);
        uint8_t head[5] = {(uint8_t)strtoul(argv[3], NULL, 0)};
        uint32_t sectors = (uint32_t)((len + 511) / 512);
        for (int i = 0; i < 4; i++)
            head[1 + i] = (uint8_t)(sectors >> (8 * i));
        while (len > 0 && img[len - 1] == 0)
            len--;
        fwrite(head, 1, sizeof head, stdout);
        fwrite(img, 1, len, stdout);
        free(owned[0]);
        return 0;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: fat_tool IMG COMMAND ARGS... | fat_tool gen SEED SIZE\n");
        return 1;
    }
    dev.fd = open(argv[1], O_RDWR);
    struct stat st;
    if (dev.fd < 0 || fstat(dev.fd, &st) != 0) {
        perror(argv[1]);
        return 1;
    }
    const char *cut = getenv("FAT_TOOL_CUT");
    dev.cut = cut ? strtoll(cut, NULL, 0) : -1;
    geo = (struct ferry_bd_geometry){(uint64_t)st.st_size, 512, 512, 512, -1};
    int rc = ferry_fat_mount(&fs, &bd, cache, sizeof cache);
    int status = rc < 0 ? fail(rc) : run(argc, argv);
    if (getenv("FAT_TOOL_COUNT"))
        fprintf(stderr, "programs %lld\n", dev.programs);
    close(dev.fd);
    for (unsigned i = 0; i < sizeof owned / sizeof owned[0]; i++)
        free(owned[i]);
    return status;
}
