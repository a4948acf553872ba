/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ferry merge: lays a bootloader and signed images out the way a device's
 * flash holds them, after checking every alignment rule a device depends on.
 *
 *   -o OUT       a new file holding flash offsets 0..end: the bootloader
 *                padded to its fixed size, then the images at their offsets
 *                (for a programmer or a debugger's "load"), raw or Intel HEX
 *                at the device addresses (merge_hex.c);
 *   --into FILE  a flash backing file (QEMU's memory-backend-file, a
 *                simulator's flash): only the sectors the new content
 *                occupies are erased and written, the rest is kept.
 *
 * The staging image lands at the swap offset D that the bootloader computes
 * (ferry_staging_image_offset()), and the layout goes through the
 * bootloader's own ferry_boot_layout_check(), so what merge accepts is what
 * the device accepts. The rules are listed in docs/merge.md.
 *
 * The flash the sector options describe is device 0 ("flash"); --device adds
 * more (an external NOR, say), and an area names its device. Each device is
 * its own NOR-rules device and gets its own output file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ferry/boot.h"
#include "ferry/errors.h"
#include "ferry/memflash.h"
#include "merge_hex.h"

enum {
    OPT_OUT = 1, OPT_INTO, OPT_SECTOR_SIZE, OPT_SECTORS, OPT_FLASH_SIZE, OPT_FLASH_BASE,
    OPT_ERASED, OPT_UNIT, OPT_BOOT, OPT_BOOT_SIZE, OPT_PRIMARY, OPT_STAGING, OPT_STATUS,
    OPT_PRIMARY_IMG, OPT_STAGING_IMG, OPT_VECTOR_ALIGN, OPT_FORMAT, OPT_DEVICE,
};

static const struct cli_opt OPTS[] = {
    { "output", 'o', 1, OPT_OUT },
    { "into", 0, 1, OPT_INTO },
    { "sector-size", 0, 1, OPT_SECTOR_SIZE },
    { "sectors", 0, 1, OPT_SECTORS },
    { "flash-size", 0, 1, OPT_FLASH_SIZE },
    { "flash-base", 0, 1, OPT_FLASH_BASE },
    { "erased-value", 0, 1, OPT_ERASED },
    { "program-unit", 0, 1, OPT_UNIT },
    { "boot", 0, 1, OPT_BOOT },
    { "boot-size", 0, 1, OPT_BOOT_SIZE },
    { "primary", 0, 1, OPT_PRIMARY },
    { "staging", 0, 1, OPT_STAGING },
    { "status", 0, 1, OPT_STATUS },
    { "primary-image", 0, 1, OPT_PRIMARY_IMG },
    { "staging-image", 0, 1, OPT_STAGING_IMG },
    { "vector-align", 0, 1, OPT_VECTOR_ALIGN },
    { "format", 0, 1, OPT_FORMAT },
    { "device", 0, 1, OPT_DEVICE },
    { NULL, 0, 0, 0 },
};

#define REGIONS_MAX 16
#define DEVICES_MAX 4 /* the flash and up to 3 --device */
#define MAIN_DEVICE "flash"

static void help(void)
{
    printf("usage: ferry merge (-o OUT | --into FILE) (--sector-size BYTES | --sectors LIST)\n"
           "                   [--flash-size BYTES] [--flash-base ADDR] [--erased-value 0xFF|0x00]\n"
           "                   [--program-unit BYTES] [--vector-align BYTES] [--format bin|hex]\n"
           "                   [--device NAME:BASE:SIZE:SECTORS ...]\n"
           "                   [--boot BOOT.bin --boot-size BYTES]\n"
           "                   --primary [DEV:]OFF:SIZE [--staging [DEV:]OFF:SIZE]\n"
           "                   [--status [DEV:]OFF:SIZE]\n"
           "                   [--primary-image IMG] [--staging-image IMG]\n"
           "\n"
           "Places a bootloader and signed images where a device's flash holds them, after\n"
           "checking the layout and alignment rules the device depends on (docs/merge.md).\n"
           "Offsets are relative to the start of the flash (or of the device DEV).\n"
           "\n"
           "  -o, --output OUT        write a new file: flash offsets 0 up to the end of the\n"
           "                          last thing placed (bootloader padded to --boot-size)\n"
           "  --format bin|hex        -o as raw binary or Intel HEX at the device addresses\n"
           "                          (default: hex if OUT ends in .hex, else bin)\n"
           "  --into FILE             update a flash backing file in place: only the sectors\n"
           "                          the images occupy are erased and written (created,\n"
           "                          erased, if missing; needs the flash size then)\n"
           "  --sector-size BYTES     uniform sectors (with --flash-size, or up to the last area)\n"
           "  --sectors LIST          non-uniform sectors in address order, e.g. 4x16K,1x64K,7x128K\n"
           "  --flash-size BYTES      size of the flash\n"
           "  --flash-base ADDR       address where flash offset 0 is mapped (default 0)\n"
           "  --erased-value V        what erased flash reads as: 0xFF (default) or 0x00\n"
           "  --program-unit BYTES    smallest programmable unit (default 1)\n"
           "  --vector-align BYTES    alignment the application's vector table needs: its size\n"
           "                          rounded up to a power of two, at least 128 (default 128)\n"
           "  --device NAME:BASE:SIZE:SECTORS  another flash device (e.g. an external NOR) at\n"
           "                          address BASE; SECTORS a sector size or a LIST as for\n"
           "                          --sectors. Its areas are DEV:OFF:SIZE; its output is\n"
           "                          OUT (or FILE) with -NAME before the extension\n"
           "  --boot FILE             the bootloader binary, placed at offset 0\n"
           "  --boot-size BYTES       the bootloader's fixed size (padded to it; whole sectors)\n"
           "  --primary [DEV:]OFF:SIZE  the primary (execution) slot\n"
           "  --staging [DEV:]OFF:SIZE  the staging slot\n"
           "  --status [DEV:]OFF:SIZE   the status area (enables the full layout check)\n"
           "  --primary-image IMG     signed image to place at the start of the primary slot\n"
           "  --staging-image IMG     signed image to place in the staging slot at the swap\n"
           "                          offset D the bootloader computes\n"
           "  -h, --help              this text\n"
           "\n"
           "Sizes and offsets: decimal or 0x hex, optionally with K or M.\n");
}

struct merge_area {
    const char *name; /* option name, for messages */
    int set;
    uint32_t off, size;
    unsigned dev;     /* index in merge_layout.devs */
};

struct merge_args {
    const char *out, *into, *boot, *primary_img, *staging_img, *format;
    const char *sector_size, *sectors, *flash_size, *flash_base, *erased, *unit, *boot_size,
        *vector_align;
    const char *area_arg[3];
    const char *device_arg[DEVICES_MAX - 1];
    unsigned device_count;
};

/* One flash device: its geometry, its in-memory contents, what was placed. */
struct merge_dev {
    char name[32];
    struct ferry_sector_region regions[REGIONS_MAX];
    uint8_t region_count;
    uint32_t size, base;
    int size_set;
    struct ferry_flash_geometry geo;
    struct ferry_memflash mf;
    uint8_t *mem;
    char path[4096];                 /* its output file */
    struct merge_range placed[3];    /* for HEX: bootloader, images, in placing order */
    unsigned placed_count;
    uint32_t end;                    /* end of the last thing placed */
};

/* The parsed layout. The flash the sector options describe is devs[0]. */
struct merge_layout {
    struct merge_dev devs[DEVICES_MAX];
    unsigned dev_count;
    uint32_t program_unit, vector_align, boot_size;
    int boot_set, hex;
    uint8_t erased;
    struct merge_area boot_area, primary, staging, status;
};

/* An image file and what parsing it found. */
struct merge_image {
    const char *path;
    uint8_t *data;
    size_t len;
    struct ferry_image_info info;
};

/* The device named by the start of v, when v starts with "NAME:" and NAME is
 * not a number; *rest is what follows. -1 if a name is given but unknown. */
static int area_device(const struct merge_layout *l, const char *v, const char **rest)
{
    const char *colon = strchr(v, ':');
    *rest = v;
    if (colon == NULL || strchr(colon + 1, ':') == NULL) {
        return 0;
    }
    for (unsigned i = 0; i < l->dev_count; i++) {
        size_t n = strlen(l->devs[i].name);
        if ((size_t)(colon - v) == n && strncmp(v, l->devs[i].name, n) == 0) {
            *rest = colon + 1;
            return (int)i;
        }
    }
    return -1;
}

static int parse_area(const char *cmd, const char *name, const char *arg,
                      const struct merge_layout *l, struct merge_area *a)
{
    char off[64];
    const char *v;
    int dev = area_device(l, arg, &v);
    if (dev < 0) {
        return cli_usage(cmd, "--%s '%s': unknown device: the devices are \"%s\" and those "
                         "given with --device", name, arg, MAIN_DEVICE);
    }
    a->dev = (unsigned)dev;
    const char *colon = strchr(v, ':');
    size_t n = colon != NULL ? (size_t)(colon - v) : 0;
    a->name = name;
    if (colon == NULL || n == 0 || n >= sizeof off) {
        return cli_usage(cmd, "--%s '%s': expected OFFSET:SIZE or DEVICE:OFFSET:SIZE (e.g. "
                         "0x8000:256K)", name, arg);
    }
    memcpy(off, v, n);
    off[n] = '\0';
    if (cli_parse_size(off, &a->off) != 0 || cli_parse_size(colon + 1, &a->size) != 0 ||
        a->size == 0) {
        return cli_usage(cmd, "--%s '%s': expected OFFSET:SIZE or DEVICE:OFFSET:SIZE (e.g. "
                         "0x8000:256K)", name, arg);
    }
    if (a->off > UINT32_MAX - a->size) {
        return cli_usage(cmd, "--%s '%s': the area ends beyond 4 GiB", name, arg);
    }
    a->set = 1;
    return CLI_EXIT_OK;
}

/* "COUNTxSIZE,COUNTxSIZE,..." */
static int parse_sectors(const char *cmd, const char *v, struct merge_dev *l)
{
    char item[64];
    const char *p = v;
    uint64_t total = 0;
    l->region_count = 0;
    while (*p != '\0') {
        const char *end = strchr(p, ',');
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        char *x;
        uint32_t count, size;
        if (n == 0 || n >= sizeof item || l->region_count == REGIONS_MAX) {
            return cli_usage(cmd, "--sectors '%s': expected up to %d COUNTxSIZE items, e.g. "
                             "4x16K,1x64K", v, REGIONS_MAX);
        }
        memcpy(item, p, n);
        item[n] = '\0';
        x = strchr(item, 'x');
        if (x == NULL) {
            return cli_usage(cmd, "--sectors '%s': '%s' is not COUNTxSIZE", v, item);
        }
        *x = '\0';
        if (cli_parse_u32(item, UINT32_MAX, &count) != 0 || cli_parse_size(x + 1, &size) != 0 ||
            count == 0 || size == 0) {
            return cli_usage(cmd, "--sectors '%s': '%s' is not COUNTxSIZE", v, item);
        }
        total += (uint64_t)count * size;
        l->regions[l->region_count].count = count;
        l->regions[l->region_count].size = size;
        l->region_count++;
        p += n;
        if (*p == ',') {
            p++;
        }
    }
    if (l->region_count == 0 || total > UINT32_MAX) {
        return cli_usage(cmd, "--sectors '%s': expected COUNTxSIZE items adding up to at most "
                         "4 GiB", v);
    }
    l->size = (uint32_t)total;
    return CLI_EXIT_OK;
}

static int collect(int argc, char **argv, struct merge_args *a, int *done)
{
    const char *cmd = argv[0], *v;
    struct cli_parser p;
    int opt;
    memset(a, 0, sizeof *a);
    *done = 0;
    cli_init(&p, cmd, argc, argv, OPTS);
    while ((opt = cli_next(&p, &v)) != CLI_DONE) {
        switch (opt) {
        case OPT_OUT: a->out = v; break;
        case OPT_INTO: a->into = v; break;
        case OPT_SECTOR_SIZE: a->sector_size = v; break;
        case OPT_SECTORS: a->sectors = v; break;
        case OPT_FLASH_SIZE: a->flash_size = v; break;
        case OPT_FLASH_BASE: a->flash_base = v; break;
        case OPT_ERASED: a->erased = v; break;
        case OPT_UNIT: a->unit = v; break;
        case OPT_BOOT: a->boot = v; break;
        case OPT_BOOT_SIZE: a->boot_size = v; break;
        case OPT_PRIMARY: a->area_arg[0] = v; break;
        case OPT_STAGING: a->area_arg[1] = v; break;
        case OPT_STATUS: a->area_arg[2] = v; break;
        case OPT_PRIMARY_IMG: a->primary_img = v; break;
        case OPT_STAGING_IMG: a->staging_img = v; break;
        case OPT_VECTOR_ALIGN: a->vector_align = v; break;
        case OPT_FORMAT: a->format = v; break;
        case OPT_DEVICE:
            if (a->device_count == DEVICES_MAX - 1) {
                return cli_usage(cmd, "at most %d --device", DEVICES_MAX - 1);
            }
            a->device_arg[a->device_count++] = v;
            break;
        case CLI_OPT_HELP: help(); *done = 1; return CLI_EXIT_OK;
        case CLI_ARG: return cli_usage(cmd, "unexpected argument '%s'", v);
        default: return CLI_EXIT_USAGE;
        }
    }
    if ((a->out == NULL) == (a->into == NULL)) {
        return cli_usage(cmd, "give exactly one of -o OUT (new file) and --into FILE "
                         "(update a flash backing file)");
    }
    if ((a->sector_size == NULL) == (a->sectors == NULL)) {
        return cli_usage(cmd, "give exactly one of --sector-size and --sectors");
    }
    if (a->area_arg[0] == NULL) {
        return cli_usage(cmd, "missing --primary OFF:SIZE (the primary slot)");
    }
    if (a->staging_img != NULL && a->area_arg[1] == NULL) {
        return cli_usage(cmd, "--staging-image needs --staging OFF:SIZE");
    }
    if ((a->boot == NULL) != (a->boot_size == NULL)) {
        return cli_usage(cmd, "--boot and --boot-size go together (the bootloader is padded "
                         "to its fixed size)");
    }
    if (a->boot == NULL && a->primary_img == NULL && a->staging_img == NULL) {
        return cli_usage(cmd, "nothing to place: give --boot, --primary-image or --staging-image");
    }
    if (a->format != NULL && strcmp(a->format, "bin") != 0 && strcmp(a->format, "hex") != 0) {
        return cli_usage(cmd, "--format '%s': expected bin or hex", a->format);
    }
    if (a->format != NULL && a->into != NULL && strcmp(a->format, "hex") == 0) {
        return cli_usage(cmd, "--format hex is for -o: a --into backing file is raw flash");
    }
    return CLI_EXIT_OK;
}

/* Sectors of a device: one size (uniform, the device size a multiple of it)
 * or a COUNTxSIZE list adding up to the device size. */
static int device_sectors(const char *cmd, const char *what, const char *opt, const char *v,
                          struct merge_dev *d)
{
    uint32_t sector, size = d->size;
    int rc;
    /* A COUNTxSIZE list, unless this is --sector-size or a plain 0x-hex size. */
    int list = strcmp(opt, "--sector-size") != 0 && strchr(v, 'x') != NULL &&
               !(v[0] == '0' && (v[1] == 'x' || v[1] == 'X') && strchr(v + 2, 'x') == NULL);
    if (list) {
        if ((rc = parse_sectors(cmd, v, d)) != CLI_EXIT_OK) {
            return rc;
        }
        if (d->size_set && size != d->size) {
            return cli_usage(cmd, "%s %lu does not match the sectors '%s', which add up to "
                             "%lu bytes", what, (unsigned long)size, v, (unsigned long)d->size);
        }
        d->size_set = 1;
        return CLI_EXIT_OK;
    }
    if (cli_parse_size(v, &sector) != 0 || sector == 0) {
        return cli_usage(cmd, "%s '%s': expected a size in bytes", opt, v);
    }
    if (d->size % sector != 0) {
        return cli_fail(cmd, "the flash size (%lu bytes) must be a whole number of %lu-byte "
                        "sectors", (unsigned long)d->size, (unsigned long)sector);
    }
    d->regions[0].count = d->size / sector;
    d->regions[0].size = sector;
    d->region_count = 1;
    return CLI_EXIT_OK;
}

/* --device NAME:BASE:SIZE:SECTORS */
static int parse_device(const char *cmd, const char *v, struct merge_layout *l)
{
    char part[3][64];
    const char *p = v;
    struct merge_dev *d = &l->devs[l->dev_count];
    for (int i = 0; i < 3; i++) {
        const char *colon = strchr(p, ':');
        size_t n = colon != NULL ? (size_t)(colon - p) : 0;
        if (colon == NULL || n == 0 || n >= sizeof part[i]) {
            return cli_usage(cmd, "--device '%s': expected NAME:BASE:SIZE:SECTORS (e.g. "
                             "ext:0x90000000:8M:4K)", v);
        }
        memcpy(part[i], p, n);
        part[i][n] = '\0';
        p = colon + 1;
    }
    char c = part[0][0];
    if (strlen(part[0]) >= sizeof d->name || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
        return cli_usage(cmd, "--device '%s': the name starts with a letter (it must not read "
                         "as an offset) and has at most %zu characters", v, sizeof d->name - 1);
    }
    for (unsigned i = 0; i < l->dev_count; i++) {
        if (strcmp(l->devs[i].name, part[0]) == 0) {
            return cli_usage(cmd, "--device '%s': there is already a device \"%s\"", v, part[0]);
        }
    }
    if (cli_parse_size(part[1], &d->base) != 0 || cli_parse_size(part[2], &d->size) != 0 ||
        d->size == 0 || d->base > UINT32_MAX - (d->size - 1)) {
        return cli_usage(cmd, "--device '%s': expected NAME:BASE:SIZE:SECTORS, the device inside "
                         "the 4 GiB address space", v);
    }
    strcpy(d->name, part[0]);
    d->size_set = 1;
    int rc = device_sectors(cmd, "--device size", "--device sectors", p, d);
    if (rc == CLI_EXIT_OK) {
        l->dev_count++;
    }
    return rc;
}

static int parse_layout(const char *cmd, const struct merge_args *a, struct merge_layout *l)
{
    static const char *const names[3] = { "primary", "staging", "status" };
    struct merge_area *areas[3] = { &l->primary, &l->staging, &l->status };
    struct merge_dev *m = &l->devs[0];
    uint32_t v = 0;
    int rc;

    memset(l, 0, sizeof *l);
    l->erased = 0xFF;
    l->program_unit = 1;
    l->vector_align = CLI_VECTOR_ALIGN_MIN;
    strcpy(m->name, MAIN_DEVICE);
    l->dev_count = 1;
    for (unsigned i = 0; i < a->device_count; i++) {
        if ((rc = parse_device(cmd, a->device_arg[i], l)) != CLI_EXIT_OK) {
            return rc;
        }
    }
    for (int i = 0; i < 3; i++) {
        areas[i]->name = names[i];
        if (a->area_arg[i] != NULL &&
            (rc = parse_area(cmd, names[i], a->area_arg[i], l, areas[i])) != CLI_EXIT_OK) {
            return rc;
        }
    }
    if (a->erased != NULL) {
        if (cli_parse_u32(a->erased, 0xFF, &v) != 0 || (v != 0xFF && v != 0x00)) {
            return cli_usage(cmd, "--erased-value '%s': expected 0xFF or 0x00", a->erased);
        }
        l->erased = (uint8_t)v;
    }
    if (a->unit != NULL && (cli_parse_size(a->unit, &l->program_unit) != 0 ||
                            l->program_unit == 0 || l->program_unit > 4096)) {
        return cli_usage(cmd, "--program-unit '%s': expected 1 to 4096 bytes", a->unit);
    }
    if (a->vector_align != NULL &&
        cli_parse_vector_align(cmd, a->vector_align, &l->vector_align) != 0) {
        return CLI_EXIT_USAGE;
    }
    if (a->flash_base != NULL && cli_parse_size(a->flash_base, &m->base) != 0) {
        return cli_usage(cmd, "--flash-base '%s': expected an address", a->flash_base);
    }
    if (a->boot_size != NULL) {
        if (cli_parse_size(a->boot_size, &l->boot_size) != 0 || l->boot_size == 0) {
            return cli_usage(cmd, "--boot-size '%s': expected a size in bytes", a->boot_size);
        }
        l->boot_set = 1;
        l->boot_area = (struct merge_area){ "boot-size", 1, 0, l->boot_size, 0 };
    }
    const char *out = a->out != NULL ? a->out : "";
    size_t n = strlen(out);
    l->hex = a->format != NULL ? strcmp(a->format, "hex") == 0
                               : n >= 4 && (strcmp(out + n - 4, ".hex") == 0 ||
                                            strcmp(out + n - 4, ".HEX") == 0);
    if (a->flash_size != NULL) {
        if (cli_parse_size(a->flash_size, &m->size) != 0 || m->size == 0) {
            return cli_usage(cmd, "--flash-size '%s': expected a size in bytes", a->flash_size);
        }
        m->size_set = 1;
    }
    if (a->sectors != NULL) {
        return device_sectors(cmd, "--flash-size", "--sectors", a->sectors, m);
    }
    uint32_t sector;
    if (cli_parse_size(a->sector_size, &sector) != 0 || sector == 0) {
        return cli_usage(cmd, "--sector-size '%s': expected a size in bytes", a->sector_size);
    }
    if (!m->size_set) {
        /* Up to the end of the last area on this flash, in whole sectors. */
        uint64_t end = l->boot_set ? l->boot_size : 0;
        for (int i = 0; i < 3; i++) {
            if (areas[i]->set && areas[i]->dev == 0 &&
                (uint64_t)areas[i]->off + areas[i]->size > end) {
                end = (uint64_t)areas[i]->off + areas[i]->size;
            }
        }
        /* At least one sector: a flash that receives nothing is still a device. */
        m->size = end == 0 ? sector : (uint32_t)((end + sector - 1) / sector * sector);
    }
    return device_sectors(cmd, "--flash-size", "--sector-size", a->sector_size, m);
}

/* Rule: an area lies inside the flash and starts and ends on sector boundaries. */
static int check_area(const char *cmd, const struct merge_layout *l, const struct merge_area *a)
{
    const struct merge_dev *d = &l->devs[a->dev];
    const struct ferry_flash *f = &d->mf.flash;
    uint32_t start, size;
    if (!a->set) {
        return CLI_EXIT_OK;
    }
    if (a->off >= d->size || a->size > d->size - a->off) {
        return cli_fail(cmd, "--%s 0x%lx:0x%lx: an area must lie inside the %s "
                        "(0x%lx bytes)", a->name, (unsigned long)a->off, (unsigned long)a->size,
                        a->dev == 0 ? "flash" : d->name, (unsigned long)d->size);
    }
    if ((uint64_t)d->base + a->off + a->size > 0x100000000ull) {
        return cli_fail(cmd, "--%s 0x%lx:0x%lx: the area ends at address 0x%llx, beyond the 4 GiB "
                        "address space (the %s starts at 0x%lx)", a->name, (unsigned long)a->off,
                        (unsigned long)a->size,
                        (unsigned long long)d->base + a->off + a->size,
                        a->dev == 0 ? "flash" : d->name, (unsigned long)d->base);
    }
    uint32_t ends[2] = { a->off, a->off + a->size };
    for (int i = 0; i < 2; i++) {
        if (ferry_flash_is_sector_boundary(f, ends[i])) {
            continue;
        }
        ferry_flash_sector_at(f, ends[i], &start, &size);
        if (a == &l->boot_area) {
            return cli_fail(cmd, "--boot-size 0x%lx: the bootloader's fixed size must be a whole "
                            "number of sectors, and 0x%lx lies inside the sector 0x%lx..0x%lx "
                            "(erasing the first slot sector would erase bootloader code)",
                            (unsigned long)a->size, (unsigned long)a->size,
                            (unsigned long)start, (unsigned long)(start + size));
        }
        return cli_fail(cmd, "--%s 0x%lx:0x%lx: an area must %s on a sector boundary, and "
                        "0x%lx lies inside the sector 0x%lx..0x%lx (an erase there would "
                        "destroy its neighbour)", a->name, (unsigned long)a->off,
                        (unsigned long)a->size, i == 0 ? "start" : "end",
                        (unsigned long)ends[i], (unsigned long)start,
                        (unsigned long)(start + size));
    }
    return CLI_EXIT_OK;
}

/* Rule: areas (the bootloader's included) do not overlap. */
static int check_overlaps(const char *cmd, const struct merge_layout *l)
{
    const struct merge_area *areas[4] = { &l->boot_area, &l->primary, &l->staging, &l->status };
    for (int i = 0; i < 4; i++) {
        for (int j = i + 1; j < 4; j++) {
            const struct merge_area *a = areas[i], *b = areas[j];
            if (!a->set || !b->set || a->dev != b->dev || a->off >= b->off + b->size ||
                b->off >= a->off + a->size) {
                continue;
            }
            uint32_t lo = a->off > b->off ? a->off : b->off;
            uint32_t hi = a->off + a->size < b->off + b->size ? a->off + a->size
                                                              : b->off + b->size;
            return cli_fail(cmd, "--%s and --%s overlap at 0x%lx..0x%lx: areas must not share "
                            "a byte", a->name, b->name, (unsigned long)lo, (unsigned long)hi);
        }
    }
    return CLI_EXIT_OK;
}

static struct ferry_area area_of(const struct merge_layout *l, const struct merge_area *a)
{
    struct ferry_area r = { &l->devs[a->dev].mf.flash, a->off, a->size };
    return r;
}

/* The status area's layout, as docs/design.md ("Status area") fixes it: a
 * 96-byte header rounded up to the program unit, then 2 x units + 3 markers
 * of one program unit each, in each of two banks split on a sector boundary. */
#define STATUS_HDR_BYTES 96u
#define STATUS_MARKS(units) (2u * (units) + 3u)

/* Common boundaries of the two slots in (0, primary size]: offsets (relative
 * to each slot) that are a sector boundary in both. The swap moves one unit
 * per pair of boundaries. *tiled is 1 when the primary's end is one. */
static uint32_t count_units(const struct merge_layout *l, int *tiled)
{
    const struct merge_dev *sd = &l->devs[l->staging.dev];
    const struct ferry_flash *pf = &l->devs[l->primary.dev].mf.flash, *sf = &sd->mf.flash;
    uint32_t units = 0, start, size, o = 0;
    *tiled = 0;
    while (o < l->primary.size &&
           ferry_flash_sector_at(pf, l->primary.off + o, &start, &size) == 0) {
        o = start + size - l->primary.off;
        if (l->staging.off + o <= sd->size &&
            ferry_flash_is_sector_boundary(sf, l->staging.off + o)) {
            units++;
            *tiled = o == l->primary.size;
        }
    }
    return units;
}

/* Names the rule of ferry_boot_layout_check() that failed, re-checked one by
 * one here because the bootloader's check only answers FERRY_E_INVAL. The
 * order is the bootloader's (src/boot/boot_layout.c). */
static int explain_layout(const char *cmd, const struct merge_layout *l)
{
    const struct merge_area *st = &l->status;
    const struct ferry_flash *f = &l->devs[st->dev].mf.flash;
    uint32_t unit = l->program_unit, start, size;
    int tiled;
    if (l->staging.size < l->primary.size) {
        return cli_fail(cmd, "the staging slot (0x%lx bytes) is smaller than the primary slot "
                        "(0x%lx): a swap saves the whole primary slot into it",
                        (unsigned long)l->staging.size, (unsigned long)l->primary.size);
    }
    uint32_t units = count_units(l, &tiled);
    if (!tiled) {
        return cli_fail(cmd, "the end of the primary slot (offset 0x%lx in the slot) is not a "
                        "sector boundary of the staging slot at the same offset (0x%lx): the "
                        "swap units must tile the whole primary slot",
                        (unsigned long)l->primary.size,
                        (unsigned long)(l->staging.off + l->primary.size));
    }
    /* The banks: split at the first sector boundary at or past the middle. */
    if (st->size < 2 || ferry_flash_sector_at(f, st->off + st->size / 2, &start, &size) != 0) {
        return cli_fail(cmd, "--status 0x%lx:0x%lx: the status area is too small to split into "
                        "two banks", (unsigned long)st->off, (unsigned long)st->size);
    }
    uint32_t mid = st->off + st->size / 2;
    uint32_t split = (start == mid ? start : start + size) - st->off;
    if (split == 0 || split >= st->size) {
        return cli_fail(cmd, "--status 0x%lx:0x%lx: the status area must split into two banks "
                        "on a sector boundary, and it has no sector boundary between its start "
                        "and its end (it needs at least two sectors)", (unsigned long)st->off,
                        (unsigned long)st->size);
    }
    uint32_t need = (STATUS_HDR_BYTES + unit - 1) / unit * unit + STATUS_MARKS(units) * unit;
    uint32_t bank_size[2] = { split, st->size - split };
    for (int b = 0; b < 2; b++) {
        if (bank_size[b] < need) {
            return cli_fail(cmd, "--status 0x%lx:0x%lx: status bank %d (0x%lx..0x%lx, split on "
                            "the sector boundary at or past the middle) has %lu bytes, but a "
                            "whole swap of the %lu units of the primary slot needs %lu: the "
                            "%u-byte header rounded up to the %lu-byte program unit + (2 x %lu "
                            "+ 3) markers of %lu bytes", (unsigned long)st->off,
                            (unsigned long)st->size, b,
                            (unsigned long)(st->off + (b ? split : 0)),
                            (unsigned long)(st->off + (b ? st->size : split)),
                            (unsigned long)bank_size[b], (unsigned long)units,
                            (unsigned long)need, STATUS_HDR_BYTES, (unsigned long)unit,
                            (unsigned long)units, (unsigned long)unit);
        }
    }
    return cli_fail(cmd, "the layout breaks a rule of the bootloader's layout check "
                    "(docs/design.md, \"Layout rules\") that this tool could not name");
}

/* Rules between the slots: units line up, staging holds D + primary, the
 * status banks hold a whole swap. The last word is the bootloader's own
 * check, which is what the device runs every boot. */
static int check_slots(const char *cmd, const struct merge_layout *l, uint32_t *d_out)
{
    static const struct ferry_pubkey no_key; /* the layout check wants a key list */
    static uint8_t buf[4096];
    *d_out = 0;
    if (!l->staging.set) {
        return CLI_EXIT_OK;
    }
    struct ferry_area p = area_of(l, &l->primary), s = area_of(l, &l->staging);
    uint32_t d = ferry_staging_image_offset(&p, &s);
    if (d == 0) {
        return cli_fail(cmd, "the primary and staging slots have no common sector boundaries "
                        "to swap by: the primary slot must be tiled by units that end on a "
                        "sector boundary of both slots");
    }
    if (s.size < d || s.size - d < p.size) {
        return cli_fail(cmd, "the staging slot must hold the swap offset D (0x%lx) plus the "
                        "whole primary slot (0x%lx): it needs 0x%lx bytes and has 0x%lx",
                        (unsigned long)d, (unsigned long)p.size, (unsigned long)(d + p.size),
                        (unsigned long)s.size);
    }
    *d_out = d;
    if (!l->status.set) {
        return CLI_EXIT_OK;
    }
    struct ferry_boot_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.primary = p;
    cfg.staging = s;
    cfg.status = area_of(l, &l->status);
    cfg.policy.keys = &no_key;
    cfg.policy.key_count = 1;
    cfg.buf = buf;
    cfg.buf_len = sizeof buf;
    if (ferry_boot_layout_check(&cfg) != 0) {
        return explain_layout(cmd, l);
    }
    return CLI_EXIT_OK;
}

static int load_image(const char *cmd, const char *path, struct merge_image *img)
{
    struct ferry_memflash mf;
    memset(img, 0, sizeof *img);
    img->path = path;
    if (ferry_host_read_file(path, &img->data, &img->len) != 0) {
        return cli_fail(cmd, "%s: cannot read: %s", path, strerror(errno));
    }
    if (img->len == 0) {
        return cli_fail(cmd, "%s: %s (the file is empty)", path,
                        ferry_strerror(FERRY_E_IMG_TRUNCATED));
    }
    if (img->len > UINT32_MAX || ferry_memflash_init_ro(&mf, img->data, (uint32_t)img->len)) {
        return cli_fail(cmd, "%s: cannot map the file", path);
    }
    struct ferry_area area = { &mf.flash, 0, (uint32_t)img->len };
    int rc = ferry_image_parse(&area, FERRY_PARSE_FILE, &img->info);
    if (rc != 0) {
        return cli_report_image_error(cmd, path, rc, img->data, img->len, &img->info, NULL);
    }
    return CLI_EXIT_OK;
}

/* Rules for an image: it fits where it goes and, once in the primary slot,
 * its vector table (slot start + header size) is aligned for VTOR. */
static int check_image(const char *cmd, const struct merge_layout *l, const struct merge_image *m,
                       uint32_t room, const char *where)
{
    const struct ferry_image_info *in = &m->info;
    if (in->total_size > room) {
        return cli_fail(cmd, "%s: %s (the image is %lu bytes, %lu more than the %lu bytes %s)",
                        m->path, ferry_strerror(FERRY_E_IMG_TOO_BIG),
                        (unsigned long)in->total_size, (unsigned long)(in->total_size - room),
                        (unsigned long)room, where);
    }
    if (in->total_size > l->primary.size) {
        return cli_fail(cmd, "%s: %s (the image is %lu bytes; it must fit the %lu-byte primary "
                        "slot it is installed to)", m->path, ferry_strerror(FERRY_E_IMG_TOO_BIG),
                        (unsigned long)in->total_size, (unsigned long)l->primary.size);
    }
    uint64_t base = l->devs[l->primary.dev].base;
    uint64_t vt = base + l->primary.off + in->header_size;
    if (vt % l->vector_align != 0) {
        return cli_fail(cmd, "%s: the application's vector table would run at 0x%llx (primary "
                        "slot 0x%llx + header size %lu), but it must be aligned to %lu bytes "
                        "(its size rounded up to a power of two: the VTOR rule); sign it with "
                        "a --header-size that keeps it aligned", m->path, (unsigned long long)vt,
                        (unsigned long long)(base + l->primary.off),
                        (unsigned long)in->header_size, (unsigned long)l->vector_align);
    }
    return CLI_EXIT_OK;
}

/* Erases the sectors of device dev covering [off, off+len) and programs the
 * bytes, through the NOR-rules device: what lands in the file is what a
 * device could hold. */
static int place(const char *cmd, struct merge_layout *l, unsigned dev, uint32_t off,
                 const uint8_t *data, uint32_t len, const char *what)
{
    struct merge_dev *d = &l->devs[dev];
    const struct ferry_flash *f = &d->mf.flash;
    uint32_t start, size, end = off + len, pos = off;
    while (pos < end) {
        if (ferry_flash_sector_at(f, pos, &start, &size) != 0 ||
            ferry_flash_erase(f, start, size) != 0) {
            return cli_fail(cmd, "%s: cannot erase the sector at 0x%lx", what, (unsigned long)pos);
        }
        pos = start + size;
    }
    /* Program whole program units; a short tail is padded with erased bytes. */
    uint32_t unit = l->program_unit, whole = len / unit * unit;
    int rc = ferry_flash_program(f, off, data, whole);
    if (rc == 0 && whole < len) {
        uint8_t tail[4096];
        memset(tail, l->erased, unit);
        memcpy(tail, data + whole, len - whole);
        rc = ferry_flash_program(f, off + whole, tail, unit);
    }
    if (rc != 0) {
        return cli_fail(cmd, "%s: cannot program 0x%lx..0x%lx: %s (the program unit is %lu "
                        "bytes)", what, (unsigned long)off, (unsigned long)end,
                        ferry_strerror(rc), (unsigned long)unit);
    }
    return CLI_EXIT_OK;
}

/* Records [off, off + len) of dev as placed (for -o: the file's end; for HEX:
 * the ranges written). */
static void mark_placed(struct merge_layout *l, unsigned dev, uint32_t off, uint32_t len)
{
    struct merge_dev *d = &l->devs[dev];
    d->placed[d->placed_count].off = off;
    d->placed[d->placed_count].len = len;
    d->placed_count++;
    if (off + len > d->end) {
        d->end = off + len;
    }
}

/* The output of device d: the path given for the flash, that path with
 * "-NAME" before its extension for another device. */
static int output_path(const char *cmd, const char *path, struct merge_dev *d, int main_dev)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash != NULL ? slash + 1 : path, '.');
    size_t stem = dot != NULL && dot != (slash != NULL ? slash + 1 : path)
                      ? (size_t)(dot - path) : strlen(path);
    char name[sizeof d->name], out[sizeof d->path];
    memcpy(name, d->name, sizeof name); /* snprintf's source must not lie in its destination */
    int n = main_dev ? snprintf(out, sizeof out, "%s", path)
                     : snprintf(out, sizeof out, "%.*s-%s%s", (int)stem, path, name, path + stem);
    memcpy(d->path, out, sizeof out);
    if (n < 0 || (size_t)n >= sizeof d->path) {
        return cli_fail(cmd, "%s: the path is too long", path);
    }
    return CLI_EXIT_OK;
}

/* The contents of one device to start from: erased, or its --into file. */
static int open_device(const char *cmd, const struct merge_args *a, struct merge_layout *l,
                       unsigned i)
{
    struct merge_dev *d = &l->devs[i];
    size_t len = 0;
    int rc = output_path(cmd, a->out != NULL ? a->out : a->into, d, i == 0);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    if (a->into != NULL && ferry_host_read_file(d->path, &d->mem, &len) == 0) {
        if (len != d->size) {
            return cli_fail(cmd, "%s: the file is %zu bytes but the %s is %lu; a backing "
                            "file holds the whole %s", d->path, len,
                            i == 0 ? "flash" : d->name, (unsigned long)d->size,
                            i == 0 ? "flash" : "device");
        }
    } else if (a->into != NULL && errno != ENOENT) {
        return cli_fail(cmd, "%s: cannot read: %s", d->path, strerror(errno));
    } else if (a->into != NULL && !d->size_set) {
        return cli_fail(cmd, "%s does not exist: give --flash-size to create it", d->path);
    }
    if (d->mem == NULL) {
        d->mem = malloc(d->size);
        if (d->mem == NULL) {
            return cli_fail(cmd, "out of memory for a %lu-byte flash", (unsigned long)d->size);
        }
        memset(d->mem, l->erased, d->size);
    }
    d->geo.start = d->base;
    d->geo.size = d->size;
    d->geo.program_unit = l->program_unit;
    d->geo.erased_value = l->erased;
    d->geo.region_count = d->region_count;
    d->geo.regions = d->regions;
    if (ferry_memflash_init(&d->mf, d->mem, &d->geo) != 0) {
        return cli_fail(cmd, "the sectors of the %s are not a valid geometry (every sector "
                        "must be a multiple of the %lu-byte program unit)",
                        i == 0 ? "flash" : d->name, (unsigned long)l->program_unit);
    }
    return CLI_EXIT_OK;
}

/* Rule: the bootloader fits its fixed size. Loads it into *img (data, len). */
static int load_boot(const char *cmd, const struct merge_args *a, const struct merge_layout *l,
                     struct merge_image *img)
{
    memset(img, 0, sizeof *img);
    img->path = a->boot;
    if (ferry_host_read_file(a->boot, &img->data, &img->len) != 0) {
        return cli_fail(cmd, "%s: cannot read: %s", a->boot, strerror(errno));
    }
    if (img->len > l->boot_size) {
        return cli_fail(cmd, "%s: the bootloader is %zu bytes, %zu more than its fixed size "
                        "(--boot-size %lu): it must fit, the slots start after it", a->boot,
                        img->len, img->len - l->boot_size, (unsigned long)l->boot_size);
    }
    return CLI_EXIT_OK;
}

static int place_boot(const char *cmd, struct merge_layout *l, const struct merge_image *boot)
{
    int rc = place(cmd, l, 0, 0, boot->data, (uint32_t)boot->len, boot->path);
    if (rc == CLI_EXIT_OK) {
        printf("  bootloader %s: %zu bytes at 0x0, padded to 0x%lx\n", boot->path, boot->len,
               (unsigned long)l->boot_size);
        mark_placed(l, 0, 0, l->boot_size);
    }
    return rc;
}

static int place_image(const char *cmd, struct merge_layout *l, const struct merge_image *m,
                       const struct merge_area *a, uint32_t off, const char *slot)
{
    char version[40];
    int rc = place(cmd, l, a->dev, off, m->data, m->info.total_size, m->path);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    cli_format_version(&m->info.version, version, sizeof version);
    printf("  %s %s: version %s, %lu bytes at %s%s0x%lx; runs with its vector table at 0x%lx\n",
           slot, m->path, version, (unsigned long)m->info.total_size,
           a->dev == 0 ? "" : l->devs[a->dev].name, a->dev == 0 ? "" : ":", (unsigned long)off,
           (unsigned long)(l->devs[l->primary.dev].base + l->primary.off + m->info.header_size));
    mark_placed(l, a->dev, off, m->info.total_size);
    return CLI_EXIT_OK;
}

/* Writes every device that received something: -o raw (offsets 0..end) or
 * HEX (the placed ranges), --into the whole device. */
static int write_outputs(const char *cmd, const struct merge_args *a, struct merge_layout *l)
{
    for (unsigned i = 0; i < l->dev_count; i++) {
        struct merge_dev *d = &l->devs[i];
        if (d->placed_count == 0) {
            continue;
        }
        int bad;
        if (l->hex) {
            bad = merge_write_hex(d->path, d->mem, d->base, d->placed, d->placed_count) != 0;
        } else {
            bad = ferry_host_write_file(d->path, d->mem, a->out != NULL ? d->end : d->size) != 0;
        }
        if (bad) {
            return cli_fail(cmd, "%s: cannot write: %s", d->path, strerror(errno));
        }
        if (l->dev_count > 1) {
            printf("  wrote %s (%s%s)\n", d->path, d->name, l->hex ? ", Intel HEX" : "");
        }
    }
    return CLI_EXIT_OK;
}

/* pi, si, bi: the primary image, the staging image and the bootloader,
 * loaded here; the caller frees their data and the devices' memory. */
static int run(const char *cmd, const struct merge_args *a, struct merge_layout *l,
               struct merge_image *pi, struct merge_image *si, struct merge_image *bi)
{
    uint32_t d = 0;
    int rc = CLI_EXIT_OK;
    for (unsigned i = 0; rc == CLI_EXIT_OK && i < l->dev_count; i++) {
        rc = open_device(cmd, a, l, i);
    }
    if (rc == CLI_EXIT_OK && l->boot_set) {
        rc = check_area(cmd, l, &l->boot_area);
    }
    if (rc == CLI_EXIT_OK) {
        rc = check_area(cmd, l, &l->primary);
    }
    if (rc == CLI_EXIT_OK) {
        rc = check_area(cmd, l, &l->staging);
    }
    if (rc == CLI_EXIT_OK) {
        rc = check_area(cmd, l, &l->status);
    }
    if (rc == CLI_EXIT_OK) {
        rc = check_overlaps(cmd, l);
    }
    if (rc == CLI_EXIT_OK) {
        rc = check_slots(cmd, l, &d);
    }
    if (rc == CLI_EXIT_OK && a->primary_img != NULL &&
        (rc = load_image(cmd, a->primary_img, pi)) == CLI_EXIT_OK) {
        rc = check_image(cmd, l, pi, l->primary.size, "of the primary slot");
    }
    if (rc == CLI_EXIT_OK && a->staging_img != NULL &&
        (rc = load_image(cmd, a->staging_img, si)) == CLI_EXIT_OK) {
        rc = check_image(cmd, l, si, l->staging.size - d,
                         "the staging slot has after the swap offset D");
    }
    if (rc == CLI_EXIT_OK && l->boot_set) {
        rc = load_boot(cmd, a, l, bi);
    }
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    printf("merge %s:\n", a->out != NULL ? a->out : a->into);
    if (l->boot_set && (rc = place_boot(cmd, l, bi)) != CLI_EXIT_OK) {
        return rc;
    }
    if (a->primary_img != NULL &&
        (rc = place_image(cmd, l, pi, &l->primary, l->primary.off, "primary")) != CLI_EXIT_OK) {
        return rc;
    }
    if (a->staging_img != NULL &&
        (rc = place_image(cmd, l, si, &l->staging, l->staging.off + d, "staging")) !=
            CLI_EXIT_OK) {
        return rc;
    }
    if (a->staging_img != NULL) {
        printf("  (staging image at the swap offset D = 0x%lx)\n", (unsigned long)d);
    }
    return write_outputs(cmd, a, l);
}

int cmd_merge(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct merge_args a;
    static struct merge_layout l;
    struct merge_image pi, si, bi;
    int done;
    int rc = collect(argc, argv, &a, &done);
    if (rc != CLI_EXIT_OK || done) {
        return rc;
    }
    if ((rc = parse_layout(cmd, &a, &l)) != CLI_EXIT_OK) {
        return rc;
    }
    memset(&pi, 0, sizeof pi);
    memset(&si, 0, sizeof si);
    memset(&bi, 0, sizeof bi);
    rc = run(cmd, &a, &l, &pi, &si, &bi);
    free(pi.data);
    free(si.data);
    free(bi.data);
    for (unsigned i = 0; i < l.dev_count; i++) {
        free(l.devs[i].mem);
    }
    return rc;
}
