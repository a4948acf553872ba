/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ferry merge: lays a bootloader and signed images out the way a device's
 * flash holds them, after checking every alignment rule a device depends on.
 *
 *   -o OUT       a new file holding flash offsets 0..end: the bootloader
 *                padded to its fixed size, then the images at their offsets
 *                (for a programmer or a debugger's "load");
 *   --into FILE  a flash backing file (QEMU's memory-backend-file, a
 *                simulator's flash): only the sectors the new content
 *                occupies are erased and written, the rest is kept.
 *
 * The staging image lands at the swap offset D that the bootloader computes
 * (ferry_staging_image_offset()), and the layout goes through the
 * bootloader's own ferry_boot_layout_check(), so what merge accepts is what
 * the device accepts. The rules are listed in docs/merge.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ferry/boot.h"
#include "ferry/errors.h"
#include "ferry/memflash.h"

enum {
    OPT_OUT = 1, OPT_INTO, OPT_SECTOR_SIZE, OPT_SECTORS, OPT_FLASH_SIZE, OPT_FLASH_BASE,
    OPT_ERASED, OPT_UNIT, OPT_BOOT, OPT_BOOT_SIZE, OPT_PRIMARY, OPT_STAGING, OPT_STATUS,
    OPT_PRIMARY_IMG, OPT_STAGING_IMG, OPT_VECTOR_ALIGN,
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
    { NULL, 0, 0, 0 },
};

#define REGIONS_MAX 16
/* The Cortex-M architecture's smallest vector table alignment (32 words). */
#define VECTOR_ALIGN_MIN 128u

static void help(void)
{
    printf("usage: ferry merge (-o OUT | --into FILE) (--sector-size BYTES | --sectors LIST)\n"
           "                   [--flash-size BYTES] [--flash-base ADDR] [--erased-value 0xFF|0x00]\n"
           "                   [--program-unit BYTES] [--vector-align BYTES]\n"
           "                   [--boot BOOT.bin --boot-size BYTES]\n"
           "                   --primary OFF:SIZE [--staging OFF:SIZE] [--status OFF:SIZE]\n"
           "                   [--primary-image IMG] [--staging-image IMG]\n"
           "\n"
           "Places a bootloader and signed images where a device's flash holds them, after\n"
           "checking the layout and alignment rules the device depends on (docs/merge.md).\n"
           "Offsets are relative to the start of the flash.\n"
           "\n"
           "  -o, --output OUT        write a new file: flash offsets 0 up to the end of the\n"
           "                          last thing placed (bootloader padded to --boot-size)\n"
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
           "  --boot FILE             the bootloader binary, placed at offset 0\n"
           "  --boot-size BYTES       the bootloader's fixed size (padded to it; whole sectors)\n"
           "  --primary OFF:SIZE      the primary (execution) slot\n"
           "  --staging OFF:SIZE      the staging slot\n"
           "  --status OFF:SIZE       the status area (enables the full layout check)\n"
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
};

struct merge_args {
    const char *out, *into, *boot, *primary_img, *staging_img;
    const char *sector_size, *sectors, *flash_size, *flash_base, *erased, *unit, *boot_size,
        *vector_align;
    const char *area_arg[3];
};

/* The parsed layout, and the device over the in-memory flash. */
struct merge_layout {
    struct ferry_sector_region regions[REGIONS_MAX];
    uint8_t region_count;
    uint32_t flash_size, flash_base, program_unit, vector_align, boot_size;
    int boot_set, flash_size_set;
    uint8_t erased;
    struct merge_area boot_area, primary, staging, status;
    struct ferry_flash_geometry geo;
    struct ferry_memflash dev;
};

/* An image file and what parsing it found. */
struct merge_image {
    const char *path;
    uint8_t *data;
    size_t len;
    struct ferry_image_info info;
};

static int parse_area(const char *cmd, const char *name, const char *v, struct merge_area *a)
{
    char off[64];
    const char *colon = strchr(v, ':');
    size_t n = colon != NULL ? (size_t)(colon - v) : 0;
    a->name = name;
    if (colon == NULL || n == 0 || n >= sizeof off) {
        return cli_usage(cmd, "--%s '%s': expected OFFSET:SIZE (e.g. 0x8000:256K)", name, v);
    }
    memcpy(off, v, n);
    off[n] = '\0';
    if (cli_parse_size(off, &a->off) != 0 || cli_parse_size(colon + 1, &a->size) != 0 ||
        a->size == 0) {
        return cli_usage(cmd, "--%s '%s': expected OFFSET:SIZE (e.g. 0x8000:256K)", name, v);
    }
    if (a->off > UINT32_MAX - a->size) {
        return cli_usage(cmd, "--%s '%s': the area ends beyond 4 GiB", name, v);
    }
    a->set = 1;
    return CLI_EXIT_OK;
}

/* "COUNTxSIZE,COUNTxSIZE,..." */
static int parse_sectors(const char *cmd, const char *v, struct merge_layout *l)
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
    l->flash_size = (uint32_t)total;
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
    return CLI_EXIT_OK;
}

static int parse_layout(const char *cmd, const struct merge_args *a, struct merge_layout *l)
{
    static const char *const names[3] = { "primary", "staging", "status" };
    struct merge_area *areas[3] = { &l->primary, &l->staging, &l->status };
    uint32_t v = 0;
    int rc;

    memset(l, 0, sizeof *l);
    l->erased = 0xFF;
    l->program_unit = 1;
    l->vector_align = VECTOR_ALIGN_MIN;
    for (int i = 0; i < 3; i++) {
        areas[i]->name = names[i];
        if (a->area_arg[i] != NULL &&
            (rc = parse_area(cmd, names[i], a->area_arg[i], areas[i])) != CLI_EXIT_OK) {
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
        (cli_parse_size(a->vector_align, &l->vector_align) != 0 ||
         l->vector_align < VECTOR_ALIGN_MIN || (l->vector_align & (l->vector_align - 1)) != 0)) {
        return cli_usage(cmd, "--vector-align '%s': the vector table alignment is a power of two, "
                         "at least %u bytes", a->vector_align, VECTOR_ALIGN_MIN);
    }
    if (a->flash_base != NULL && cli_parse_size(a->flash_base, &l->flash_base) != 0) {
        return cli_usage(cmd, "--flash-base '%s': expected an address", a->flash_base);
    }
    if (a->boot_size != NULL) {
        if (cli_parse_size(a->boot_size, &l->boot_size) != 0 || l->boot_size == 0) {
            return cli_usage(cmd, "--boot-size '%s': expected a size in bytes", a->boot_size);
        }
        l->boot_set = 1;
        l->boot_area = (struct merge_area){ "boot-size", 1, 0, l->boot_size };
    }
    if (a->flash_size != NULL) {
        if (cli_parse_size(a->flash_size, &v) != 0 || v == 0) {
            return cli_usage(cmd, "--flash-size '%s': expected a size in bytes", a->flash_size);
        }
        l->flash_size_set = 1;
    }
    if (a->sectors != NULL) {
        if ((rc = parse_sectors(cmd, a->sectors, l)) != CLI_EXIT_OK) {
            return rc;
        }
        if (l->flash_size_set && v != l->flash_size) {
            return cli_usage(cmd, "--flash-size %s does not match --sectors, which add up to "
                             "%lu bytes", a->flash_size, (unsigned long)l->flash_size);
        }
        l->flash_size_set = 1;
        return CLI_EXIT_OK;
    }
    uint32_t sector;
    if (cli_parse_size(a->sector_size, &sector) != 0 || sector == 0) {
        return cli_usage(cmd, "--sector-size '%s': expected a size in bytes", a->sector_size);
    }
    if (!l->flash_size_set) {
        /* Up to the end of the last area, in whole sectors. */
        uint64_t end = l->boot_set ? l->boot_size : 0;
        for (int i = 0; i < 3; i++) {
            if (areas[i]->set && (uint64_t)areas[i]->off + areas[i]->size > end) {
                end = (uint64_t)areas[i]->off + areas[i]->size;
            }
        }
        v = (uint32_t)((end + sector - 1) / sector * sector);
    }
    if (v % sector != 0) {
        return cli_fail(cmd, "the flash size (%lu bytes) must be a whole number of %lu-byte "
                        "sectors", (unsigned long)v, (unsigned long)sector);
    }
    l->regions[0].count = v / sector;
    l->regions[0].size = sector;
    l->region_count = 1;
    l->flash_size = v;
    return CLI_EXIT_OK;
}

/* Rule: an area lies inside the flash and starts and ends on sector boundaries. */
static int check_area(const char *cmd, const struct merge_layout *l, const struct merge_area *a)
{
    const struct ferry_flash *f = &l->dev.flash;
    uint32_t start, size;
    if (!a->set) {
        return CLI_EXIT_OK;
    }
    if (a->off >= l->flash_size || a->size > l->flash_size - a->off) {
        return cli_fail(cmd, "--%s 0x%lx:0x%lx: an area must lie inside the flash "
                        "(0x%lx bytes)", a->name, (unsigned long)a->off, (unsigned long)a->size,
                        (unsigned long)l->flash_size);
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
            if (!a->set || !b->set || a->off >= b->off + b->size || b->off >= a->off + a->size) {
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
    struct ferry_area r = { &l->dev.flash, a->off, a->size };
    return r;
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
        return cli_fail(cmd, "the layout breaks a rule of the bootloader's layout check "
                        "(docs/design.md, \"Layout rules\"): most likely the status area is too "
                        "small; each half (split on a sector boundary) must hold a 96-byte header "
                        "and 2 x (units in the primary slot) + 3 markers of one program unit each");
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
    uint64_t vt = (uint64_t)l->flash_base + l->primary.off + in->header_size;
    if (vt % l->vector_align != 0) {
        return cli_fail(cmd, "%s: the application's vector table would run at 0x%llx (primary "
                        "slot 0x%llx + header size %lu), but it must be aligned to %lu bytes "
                        "(its size rounded up to a power of two: the VTOR rule); sign it with "
                        "a --header-size that keeps it aligned", m->path, (unsigned long long)vt,
                        (unsigned long long)((uint64_t)l->flash_base + l->primary.off),
                        (unsigned long)in->header_size, (unsigned long)l->vector_align);
    }
    return CLI_EXIT_OK;
}

/* Erases the sectors covering [off, off+len) and programs the bytes, through
 * the NOR-rules device: what lands in the file is what a device could hold. */
static int place(const char *cmd, struct merge_layout *l, uint32_t off, const uint8_t *data,
                 uint32_t len, const char *what)
{
    const struct ferry_flash *f = &l->dev.flash;
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

/* The flash contents to start from: erased, or the --into file. */
static int open_flash(const char *cmd, const struct merge_args *a, struct merge_layout *l,
                      uint8_t **mem)
{
    size_t len = 0;
    *mem = NULL;
    if (a->into != NULL && ferry_host_read_file(a->into, mem, &len) == 0) {
        if (len != l->flash_size) {
            free(*mem);
            *mem = NULL;
            return cli_fail(cmd, "%s: the file is %zu bytes but the flash is %lu; a backing "
                            "file holds the whole flash", a->into, len,
                            (unsigned long)l->flash_size);
        }
    } else if (a->into != NULL && errno != ENOENT) {
        return cli_fail(cmd, "%s: cannot read: %s", a->into, strerror(errno));
    } else if (a->into != NULL && !l->flash_size_set) {
        return cli_fail(cmd, "%s does not exist: give --flash-size to create it", a->into);
    }
    if (*mem == NULL) {
        *mem = malloc(l->flash_size);
        if (*mem == NULL) {
            return cli_fail(cmd, "out of memory for a %lu-byte flash",
                            (unsigned long)l->flash_size);
        }
        memset(*mem, l->erased, l->flash_size);
    }
    l->geo.start = l->flash_base;
    l->geo.size = l->flash_size;
    l->geo.program_unit = l->program_unit;
    l->geo.erased_value = l->erased;
    l->geo.region_count = l->region_count;
    l->geo.regions = l->regions;
    if (ferry_memflash_init(&l->dev, *mem, &l->geo) != 0) {
        free(*mem);
        *mem = NULL;
        return cli_fail(cmd, "the sectors are not a valid geometry (every sector must be a "
                        "multiple of the %lu-byte program unit)", (unsigned long)l->program_unit);
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

static int place_boot(const char *cmd, struct merge_layout *l, const struct merge_image *boot,
                      uint32_t *end)
{
    int rc = place(cmd, l, 0, boot->data, (uint32_t)boot->len, boot->path);
    if (rc == CLI_EXIT_OK) {
        printf("  bootloader %s: %zu bytes at 0x0, padded to 0x%lx\n", boot->path, boot->len,
               (unsigned long)l->boot_size);
        *end = l->boot_size;
    }
    return rc;
}

static int place_image(const char *cmd, struct merge_layout *l, const struct merge_image *m,
                       uint32_t off, const char *slot, uint32_t *end)
{
    char version[40];
    int rc = place(cmd, l, off, m->data, m->info.total_size, m->path);
    if (rc != CLI_EXIT_OK) {
        return rc;
    }
    cli_format_version(&m->info.version, version, sizeof version);
    printf("  %s %s: version %s, %lu bytes at 0x%lx; runs with its vector table at 0x%lx\n",
           slot, m->path, version, (unsigned long)m->info.total_size, (unsigned long)off,
           (unsigned long)(l->flash_base + l->primary.off + m->info.header_size));
    if (off + m->info.total_size > *end) {
        *end = off + m->info.total_size;
    }
    return CLI_EXIT_OK;
}

/* pi, si, bi: the primary image, the staging image and the bootloader,
 * loaded here; the caller frees their data. */
static int run(const char *cmd, const struct merge_args *a, struct merge_layout *l, uint8_t **mem,
               struct merge_image *pi, struct merge_image *si, struct merge_image *bi)
{
    uint32_t d, end = 0;
    int rc = open_flash(cmd, a, l, mem);
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
    if (l->boot_set && (rc = place_boot(cmd, l, bi, &end)) != CLI_EXIT_OK) {
        return rc;
    }
    if (a->primary_img != NULL &&
        (rc = place_image(cmd, l, pi, l->primary.off, "primary", &end)) != CLI_EXIT_OK) {
        return rc;
    }
    if (a->staging_img != NULL &&
        (rc = place_image(cmd, l, si, l->staging.off + d, "staging", &end)) != CLI_EXIT_OK) {
        return rc;
    }
    if (a->staging_img != NULL) {
        printf("  (staging image at the swap offset D = 0x%lx)\n", (unsigned long)d);
    }
    const char *path = a->out != NULL ? a->out : a->into;
    size_t len = a->out != NULL ? end : l->flash_size;
    if (ferry_host_write_file(path, *mem, len) != 0) {
        return cli_fail(cmd, "%s: cannot write: %s", path, strerror(errno));
    }
    return CLI_EXIT_OK;
}

int cmd_merge(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct merge_args a;
    static struct merge_layout l;
    struct merge_image pi, si, bi;
    uint8_t *mem = NULL;
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
    rc = run(cmd, &a, &l, &mem, &pi, &si, &bi);
    free(pi.data);
    free(si.data);
    free(bi.data);
    free(mem);
    return rc;
}
