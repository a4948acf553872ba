/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The strict flash simulator (contract in flash_sim.h). Host code: it may
 * use the C library and POSIX (malloc, mmap), unlike the portable core.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ferry/errors.h"
#include "ferry/flash.h"
#include "flash_sim.h"

struct ferry_sim_flash {
    struct ferry_flash flash;          /* handed to the core; ctx = this */
    struct ferry_flash_geometry geo;   /* private copy; regions below */
    struct ferry_sector_region *regions;
    uint8_t *mem;                      /* geo.size bytes: malloc or mmap */
    int fd;                            /* backing file, -1 for RAM */
    uint32_t sector_count;
    uint32_t *erase_counts;            /* sector_count entries */
    struct ferry_sim_flash_stats stats;
    uint32_t wp_off, wp_len;           /* write-protected range, len 0: none */
    uint32_t lock_off[FERRY_SIM_MAX_LOCKS], lock_len[FERRY_SIM_MAX_LOCKS];
    unsigned lock_count;               /* locked until reset: lock_*[0 .. count) */
    ferry_sim_read_interposer_fn interposer; /* NULL: reads deliver the truth */
    void *interposer_ctx;
    uint64_t interposer_index;         /* reads the interposer has seen */
    int power_lost;
    int cut_armed;
    uint64_t cut_ops_left;             /* operations that still complete */
    enum ferry_sim_cut_mode cut_mode;
    uint64_t rng;                      /* splitmix64 state, from the seed */
    uint32_t ecc_granule;              /* 0: ECC mode off */
    uint8_t *ecc_broken;               /* one bit per granule, set: broken */
};

/* splitmix64: tiny, fast, and every seed (even 0) gives a good sequence. */
static uint64_t rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform enough in [0, n) for n >= 1; the modulo bias is irrelevant here. */
static uint32_t rng_below(uint64_t *state, uint32_t n)
{
    return (uint32_t)(rng_next(state) % n);
}

/* Moves the bits of `mask` in *byte from erased to programmed. */
static void program_bits(struct ferry_sim_flash *dev, uint8_t *byte, uint8_t mask)
{
    if (dev->geo.erased_value == 0xFF)
        *byte &= (uint8_t)~mask;
    else
        *byte |= mask;
}

static int in_range(const struct ferry_sim_flash *dev, uint32_t off, uint32_t len)
{
    return len <= dev->geo.size && off <= dev->geo.size - len;
}

/* 1 if the op range [off, off+len) touches the protected [p_off, p_off+p_len)
 * (p_len 0: nothing protected). A zero-length op strictly inside a protected
 * range counts as touching it, as it always has for the write protection. */
static int overlaps(uint32_t off, uint32_t len, uint32_t p_off, uint32_t p_len)
{
    return p_len != 0 && (uint64_t)off < (uint64_t)p_off + p_len &&
           p_off < (uint64_t)off + len;
}

static int is_locked(const struct ferry_sim_flash *dev, uint32_t off, uint32_t len)
{
    for (unsigned i = 0; i < dev->lock_count; i++) {
        if (overlaps(off, len, dev->lock_off[i], dev->lock_len[i]))
            return 1;
    }
    return 0;
}

/* The protection a program/erase of [off, off+len) runs into: the permanent
 * write protection (FERRY_E_IO) first, then the locks until reset. */
static int protection_error(const struct ferry_sim_flash *dev, uint32_t off, uint32_t len)
{
    if (overlaps(off, len, dev->wp_off, dev->wp_len))
        return FERRY_E_IO;
    if (is_locked(dev, off, len))
        return FERRY_E_LOCKED;
    return FERRY_OK;
}

/* ---- ECC granules: one bit each, set while broken ------------------------- */

static void ecc_mark(struct ferry_sim_flash *dev, uint32_t off, uint32_t len, int broken)
{
    if (dev->ecc_granule == 0 || len == 0)
        return;
    for (uint32_t g = off / dev->ecc_granule; g <= (off + len - 1) / dev->ecc_granule; g++) {
        if (broken)
            dev->ecc_broken[g / 8] |= (uint8_t)(1u << (g % 8));
        else
            dev->ecc_broken[g / 8] &= (uint8_t)~(1u << (g % 8));
    }
}

static int ecc_any_broken(const struct ferry_sim_flash *dev, uint32_t off, uint32_t len)
{
    if (dev->ecc_granule == 0 || len == 0)
        return 0;
    for (uint32_t g = off / dev->ecc_granule; g <= (off + len - 1) / dev->ecc_granule; g++) {
        if (dev->ecc_broken[g / 8] & (1u << (g % 8)))
            return 1;
    }
    return 0;
}

/* Sector number (address order) of the sector starting at `off`. */
static uint32_t sector_index(const struct ferry_sim_flash *dev, uint32_t off)
{
    uint64_t region_start = 0;
    uint32_t first = 0;

    for (uint32_t i = 0; i < dev->geo.region_count; i++) {
        const struct ferry_sector_region *r = &dev->regions[i];
        uint64_t region_len = (uint64_t)r->count * r->size;
        if (off < region_start + region_len)
            return first + (uint32_t)((off - region_start) / r->size);
        region_start += region_len;
        first += r->count;
    }
    return dev->sector_count; /* unreachable for checked offsets */
}

/* Called once per operation that passed every check. Returns 1 if power is
 * cut during this operation. */
static int op_is_cut(struct ferry_sim_flash *dev)
{
    dev->stats.ops++;
    if (!dev->cut_armed)
        return 0;
    if (dev->cut_ops_left > 0) {
        dev->cut_ops_left--;
        return 0;
    }
    dev->cut_armed = 0;
    dev->power_lost = 1;
    return 1;
}

static int sim_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    struct ferry_sim_flash *dev = ctx;

    if (dev->power_lost)
        return FERRY_E_POWER_LOSS;
    if (!in_range(dev, off, len))
        return FERRY_E_RANGE;
    if (ecc_any_broken(dev, off, len)) {
        dev->stats.ecc_read_errors++;
        return FERRY_E_IO;
    }
    if (len != 0)
        memcpy(buf, dev->mem + off, len);
    if (len != 0 && dev->interposer != NULL) {
        int err = dev->interposer(dev->interposer_ctx, off, buf, len, dev->interposer_index++);
        if (err != FERRY_OK)
            return err < 0 ? err : FERRY_E_IO;
    }
    dev->stats.reads++;
    dev->stats.bytes_read += len;
    return FERRY_OK;
}

/* A torn program: a random prefix fully written, then a few random bits of
 * the rest, only among the bits the new data programs. With ECC on, the
 * granule in progress at the cut and every later one a stray bit changed are
 * broken (the range was all erased before: the checks said so). */
static void tear_program(struct ferry_sim_flash *dev, uint32_t off, const uint8_t *src,
                         uint32_t len)
{
    uint8_t erased = dev->geo.erased_value;
    uint32_t prefix = rng_below(&dev->rng, len);
    uint32_t flips = rng_below(&dev->rng, 5);

    for (uint32_t i = 0; i < prefix; i++)
        program_bits(dev, &dev->mem[off + i], (uint8_t)(src[i] ^ erased));
    for (uint32_t k = 0; k < flips; k++) {
        uint32_t i = prefix + rng_below(&dev->rng, len - prefix);
        uint8_t bit = (uint8_t)(1u << rng_below(&dev->rng, 8));
        program_bits(dev, &dev->mem[off + i], (uint8_t)((src[i] ^ erased) & bit));
    }
    ecc_mark(dev, off + prefix, 1, 1);
    for (uint32_t i = prefix; dev->ecc_granule != 0 && i < len; i++) {
        if (dev->mem[off + i] != erased)
            ecc_mark(dev, off + i, 1, 1);
    }
}

static int sim_program(void *ctx, uint32_t off, const void *buf, uint32_t len)
{
    struct ferry_sim_flash *dev = ctx;
    const uint8_t *src = buf;
    uint8_t erased = dev->geo.erased_value;
    int err;

    if (dev->power_lost)
        return FERRY_E_POWER_LOSS;
    if (!in_range(dev, off, len))
        return FERRY_E_RANGE;
    if (off % dev->geo.program_unit != 0 || len % dev->geo.program_unit != 0)
        return FERRY_E_ALIGN;
    err = protection_error(dev, off, len);
    if (err != FERRY_OK)
        return err;
    if (ecc_any_broken(dev, off, len))
        return FERRY_E_IO;
    for (uint32_t i = 0; i < len; i++) {
        if (dev->mem[off + i] != erased)
            return FERRY_E_NOT_ERASED;
    }
    if (len == 0)
        return FERRY_OK;

    dev->stats.programs++;
    if (op_is_cut(dev)) {
        if (dev->cut_mode == FERRY_SIM_CUT_TORN)
            tear_program(dev, off, src, len);
        return FERRY_E_POWER_LOSS;
    }
    for (uint32_t i = 0; i < len; i++)
        program_bits(dev, &dev->mem[off + i], (uint8_t)(src[i] ^ erased));
    dev->stats.bytes_programmed += len;
    return FERRY_OK;
}

static int sim_erase(void *ctx, uint32_t off, uint32_t len)
{
    struct ferry_sim_flash *dev = ctx;
    uint32_t first, end;
    int err;

    if (dev->power_lost)
        return FERRY_E_POWER_LOSS;
    if (!in_range(dev, off, len))
        return FERRY_E_RANGE;
    if (!ferry_flash_is_sector_boundary(&dev->flash, off) ||
        !ferry_flash_is_sector_boundary(&dev->flash, off + len))
        return FERRY_E_ALIGN;
    err = protection_error(dev, off, len);
    if (err != FERRY_OK)
        return err;
    if (len == 0)
        return FERRY_OK;

    /* A cut erase has still worn the sectors it started on. */
    first = sector_index(dev, off);
    end = off + len == dev->geo.size ? dev->sector_count : sector_index(dev, off + len);
    for (uint32_t s = first; s < end; s++)
        dev->erase_counts[s]++;
    dev->stats.erases++;
    dev->stats.sectors_erased += end - first;

    if (op_is_cut(dev)) {
        if (dev->cut_mode == FERRY_SIM_CUT_TORN) {
            for (uint32_t i = 0; i < len; i++)
                dev->mem[off + i] = (uint8_t)rng_next(&dev->rng);
            ecc_mark(dev, off, len, 1);
        }
        return FERRY_E_POWER_LOSS;
    }
    memset(dev->mem + off, dev->geo.erased_value, len);
    ecc_mark(dev, off, len, 0);
    return FERRY_OK;
}

static const struct ferry_flash_ops sim_ops = {
    .read = sim_read,
    .program = sim_program,
    .erase = sim_erase,
};

/* ---- Lifetime ------------------------------------------------------------ */

/* Allocates the device and its copies of the geometry; no backing memory. */
static int sim_alloc(const struct ferry_flash_geometry *geo, struct ferry_sim_flash **out)
{
    struct ferry_sim_flash *dev;

    if (ferry_flash_geometry_check(geo) != FERRY_OK)
        return FERRY_E_INVAL;
    dev = calloc(1, sizeof(*dev));
    if (dev == NULL)
        return FERRY_E_NOSPC;
    dev->fd = -1;
    dev->geo = *geo;
    dev->regions = calloc(geo->region_count, sizeof(*dev->regions));
    for (uint32_t i = 0; dev->regions != NULL && i < geo->region_count; i++) {
        dev->regions[i] = geo->regions[i];
        dev->sector_count += geo->regions[i].count;
    }
    dev->geo.regions = dev->regions;
    dev->erase_counts = calloc(dev->sector_count ? dev->sector_count : 1, sizeof(uint32_t));
    if (dev->regions == NULL || dev->erase_counts == NULL) {
        ferry_sim_flash_close(dev);
        return FERRY_E_NOSPC;
    }
    dev->flash.ops = &sim_ops;
    dev->flash.ctx = dev;
    dev->flash.geo = &dev->geo;
    *out = dev;
    return FERRY_OK;
}

int ferry_sim_flash_open_ram(const struct ferry_flash_geometry *geo,
                             struct ferry_sim_flash **out)
{
    struct ferry_sim_flash *dev;
    int err;

    if (out == NULL)
        return FERRY_E_INVAL;
    *out = NULL;
    err = sim_alloc(geo, &dev);
    if (err != FERRY_OK)
        return err;
    dev->mem = malloc(geo->size);
    if (dev->mem == NULL) {
        ferry_sim_flash_close(dev);
        return FERRY_E_NOSPC;
    }
    memset(dev->mem, geo->erased_value, geo->size);
    *out = dev;
    return FERRY_OK;
}

int ferry_sim_flash_open_file(const struct ferry_flash_geometry *geo, const char *path,
                              struct ferry_sim_flash **out)
{
    struct ferry_sim_flash *dev;
    struct stat st;
    void *map;
    int fresh, err;

    if (out == NULL)
        return FERRY_E_INVAL;
    *out = NULL;
    if (path == NULL)
        return FERRY_E_INVAL;
    err = sim_alloc(geo, &dev);
    if (err != FERRY_OK)
        return err;
    dev->fd = open(path, O_RDWR | O_CREAT, 0644);
    if (dev->fd < 0 || fstat(dev->fd, &st) != 0) {
        ferry_sim_flash_close(dev);
        return FERRY_E_IO;
    }
    fresh = st.st_size == 0;
    if (!fresh && (uint64_t)st.st_size != geo->size) {
        ferry_sim_flash_close(dev);
        return FERRY_E_INVAL;
    }
    if (fresh && ftruncate(dev->fd, (off_t)geo->size) != 0) {
        ferry_sim_flash_close(dev);
        return FERRY_E_IO;
    }
    map = mmap(NULL, geo->size, PROT_READ | PROT_WRITE, MAP_SHARED, dev->fd, 0);
    if (map == MAP_FAILED) {
        ferry_sim_flash_close(dev);
        return FERRY_E_IO;
    }
    dev->mem = map;
    if (fresh)
        memset(dev->mem, geo->erased_value, geo->size);
    *out = dev;
    return FERRY_OK;
}

int ferry_sim_flash_close(struct ferry_sim_flash *dev)
{
    int err = FERRY_OK;

    if (dev == NULL)
        return FERRY_OK;
    if (dev->fd >= 0) {
        if (dev->mem != NULL) {
            if (msync(dev->mem, dev->geo.size, MS_SYNC) != 0)
                err = FERRY_E_IO;
            munmap(dev->mem, dev->geo.size);
        }
        close(dev->fd);
    } else {
        free(dev->mem);
    }
    free(dev->ecc_broken);
    free(dev->erase_counts);
    free(dev->regions);
    free(dev);
    return err;
}

const struct ferry_flash *ferry_sim_flash_device(struct ferry_sim_flash *dev)
{
    return &dev->flash;
}

/* ---- Power cuts ---------------------------------------------------------- */

int ferry_sim_flash_arm_cut(struct ferry_sim_flash *dev, uint64_t ops_before_cut,
                            enum ferry_sim_cut_mode mode, uint64_t seed)
{
    if (mode != FERRY_SIM_CUT_BETWEEN && mode != FERRY_SIM_CUT_TORN)
        return FERRY_E_INVAL;
    dev->cut_armed = 1;
    dev->cut_ops_left = ops_before_cut;
    dev->cut_mode = mode;
    dev->rng = seed;
    return FERRY_OK;
}

void ferry_sim_flash_disarm(struct ferry_sim_flash *dev)
{
    dev->cut_armed = 0;
}

int ferry_sim_flash_power_lost(const struct ferry_sim_flash *dev)
{
    return dev->power_lost;
}

void ferry_sim_flash_reboot(struct ferry_sim_flash *dev)
{
    dev->power_lost = 0;
    dev->lock_count = 0;
}

/* Parses one unsigned number (decimal or 0x-hex) that ends at ',' or NUL. */
static int parse_u64(const char *s, const char **end, uint64_t *out)
{
    char *stop;
    unsigned long long v;

    if (*s < '0' || *s > '9')
        return FERRY_E_INVAL;
    errno = 0;
    v = strtoull(s, &stop, 0);
    if (errno != 0 || (*stop != ',' && *stop != '\0'))
        return FERRY_E_INVAL;
    *out = v;
    *end = stop;
    return FERRY_OK;
}

int ferry_sim_flash_parse_cut(const char *spec, uint64_t *ops_before_cut,
                              enum ferry_sim_cut_mode *mode, uint64_t *seed)
{
    const char *p;
    uint64_t n, s = 0;
    enum ferry_sim_cut_mode m = FERRY_SIM_CUT_BETWEEN;

    if (spec == NULL || parse_u64(spec, &p, &n) != FERRY_OK)
        return FERRY_E_INVAL;
    if (*p == ',') {
        p++;
        if (strncmp(p, "between", 7) == 0) {
            p += 7;
        } else if (strncmp(p, "torn", 4) == 0) {
            m = FERRY_SIM_CUT_TORN;
            p += 4;
        } else {
            return FERRY_E_INVAL;
        }
        if (*p == ',') {
            if (parse_u64(p + 1, &p, &s) != FERRY_OK)
                return FERRY_E_INVAL;
        }
        if (*p != '\0')
            return FERRY_E_INVAL;
    }
    *ops_before_cut = n;
    *mode = m;
    *seed = s;
    return FERRY_OK;
}

int ferry_sim_flash_arm_cut_from_env(struct ferry_sim_flash *dev)
{
    const char *spec = getenv(FERRY_SIM_CUT_ENV);
    uint64_t n, seed;
    enum ferry_sim_cut_mode mode;

    if (spec == NULL || *spec == '\0')
        return 0;
    if (ferry_sim_flash_parse_cut(spec, &n, &mode, &seed) != FERRY_OK)
        return FERRY_E_INVAL;
    ferry_sim_flash_arm_cut(dev, n, mode, seed);
    return 1;
}

/* ---- Inspection ---------------------------------------------------------- */

void ferry_sim_flash_get_stats(const struct ferry_sim_flash *dev,
                               struct ferry_sim_flash_stats *out)
{
    *out = dev->stats;
}

void ferry_sim_flash_reset_stats(struct ferry_sim_flash *dev)
{
    memset(&dev->stats, 0, sizeof(dev->stats));
    memset(dev->erase_counts, 0, dev->sector_count * sizeof(uint32_t));
}

const uint32_t *ferry_sim_flash_erase_counts(const struct ferry_sim_flash *dev,
                                             uint32_t *sector_count)
{
    if (sector_count != NULL)
        *sector_count = dev->sector_count;
    return dev->erase_counts;
}

int ferry_sim_flash_set_write_protect(struct ferry_sim_flash *dev, uint32_t off, uint32_t len)
{
    if (!in_range(dev, off, len))
        return FERRY_E_RANGE;
    dev->wp_off = off;
    dev->wp_len = len;
    return FERRY_OK;
}

uint8_t *ferry_sim_flash_contents(struct ferry_sim_flash *dev)
{
    return dev->mem;
}

int ferry_sim_flash_snapshot(const struct ferry_sim_flash *dev, void *buf, size_t len)
{
    if (buf == NULL || len != dev->geo.size)
        return FERRY_E_INVAL;
    memcpy(buf, dev->mem, len);
    return FERRY_OK;
}

int ferry_sim_flash_restore(struct ferry_sim_flash *dev, const void *buf, size_t len)
{
    if (buf == NULL || len != dev->geo.size)
        return FERRY_E_INVAL;
    memcpy(dev->mem, buf, len);
    ecc_mark(dev, 0, dev->geo.size, 0);
    return FERRY_OK;
}

/* ---- ECC mode ------------------------------------------------------------ */

int ferry_sim_flash_set_ecc(struct ferry_sim_flash *dev, uint32_t granule_bytes)
{
    uint32_t unit = dev->geo.program_unit;
    uint8_t *map = NULL;

    if (granule_bytes != 0) {
        if (granule_bytes % unit != 0 && unit % granule_bytes != 0)
            return FERRY_E_INVAL;
        for (uint32_t i = 0; i < dev->geo.region_count; i++) {
            if (dev->regions[i].size % granule_bytes != 0)
                return FERRY_E_INVAL;
        }
        map = calloc(dev->geo.size / granule_bytes / 8 + 1, 1);
        if (map == NULL)
            return FERRY_E_NOSPC;
    }
    free(dev->ecc_broken);
    dev->ecc_broken = map;
    dev->ecc_granule = granule_bytes;
    return FERRY_OK;
}

uint32_t ferry_sim_flash_ecc_granule(const struct ferry_sim_flash *dev)
{
    return dev->ecc_granule;
}

int ferry_sim_flash_break_ecc(struct ferry_sim_flash *dev, uint32_t off, uint32_t len)
{
    if (!in_range(dev, off, len))
        return FERRY_E_RANGE;
    if (dev->ecc_granule == 0)
        return FERRY_E_UNSUPPORTED;
    ecc_mark(dev, off, len, 1);
    return FERRY_OK;
}

int ferry_sim_flash_ecc_broken(const struct ferry_sim_flash *dev, uint32_t off, uint32_t len)
{
    return in_range(dev, off, len) && ecc_any_broken(dev, off, len);
}

/* ---- Write lock until reset ---------------------------------------------- */

int ferry_sim_flash_lock(struct ferry_sim_flash *dev, uint32_t off, uint32_t len)
{
    if (!in_range(dev, off, len))
        return FERRY_E_RANGE;
    if (len == 0)
        return FERRY_OK;
    if (dev->lock_count == FERRY_SIM_MAX_LOCKS)
        return FERRY_E_NOSPC;
    dev->lock_off[dev->lock_count] = off;
    dev->lock_len[dev->lock_count] = len;
    dev->lock_count++;
    return FERRY_OK;
}

int ferry_sim_flash_locked(const struct ferry_sim_flash *dev, uint32_t off, uint32_t len)
{
    return len != 0 && is_locked(dev, off, len);
}

/* ---- Read interposer ----------------------------------------------------- */

void ferry_sim_flash_set_interposer(struct ferry_sim_flash *dev, ferry_sim_read_interposer_fn fn,
                                    void *ctx)
{
    dev->interposer = fn;
    dev->interposer_ctx = ctx;
    dev->interposer_index = 0;
}
