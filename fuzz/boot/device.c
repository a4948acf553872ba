/* SPDX-License-Identifier: Apache-2.0 */
/* The boot fuzzer's device and its faults (contract in device.h). */
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "device.h"
#include "ferry/errors.h"

#define KiB 1024u

/*
 * Two small boards, so that thousands of boots per second are possible:
 *  0 "tiny-1k": one device of 1 KiB sectors, 8-byte program unit, erased 0xFF
 *    (the uniform-4k board scaled down): 4 units of 1 KiB, D = 1 KiB.
 *  1 "split-nor": internal flash of 2 KiB sectors, 16-byte unit, erased 0x00,
 *    holding primary and status; staging and counter on an external NOR of
 *    512-byte sectors, byte-programmable, erased 0xFF (the demo board scaled
 *    down): 3 units of 2 KiB, D = 2 KiB.
 * The revocation store sits next to the counter store, on the same device,
 * two sectors: board 0 [13, 15) KiB, board 1 external [9, 10) KiB.
 */
struct board_desc {
    const char *name;
    int ndev;
    uint32_t sector[FB_DEV_MAX], unit[FB_DEV_MAX];
    uint8_t erased[FB_DEV_MAX];
    int a_dev[FB_A_COUNT];
    uint32_t a_off[FB_A_COUNT], a_size[FB_A_COUNT]; /* FB_A_STAGED is derived */
};

static const struct board_desc boards[FB_BOARDS] = {
    {"tiny-1k", 1, {1 * KiB, 0}, {8, 0}, {0xFF, 0},
     {0, 0, 0, 0, 0, 0}, {0, 4 * KiB, 0, 9 * KiB, 11 * KiB, 13 * KiB},
     {4 * KiB, 5 * KiB, 0, 2 * KiB, 2 * KiB, 2 * KiB}},
    {"split-nor", 2, {2 * KiB, 512}, {16, 1}, {0x00, 0xFF},
     {0, 1, 1, 0, 1, 1}, {0, 0, 0, 6 * KiB, 8 * KiB, 9 * KiB},
     {6 * KiB, 8 * KiB, 0, 4 * KiB, 1 * KiB, 1 * KiB}},
};

static struct fb_dev *dev_of(void *ctx)
{
    return ctx;
}

static uint32_t rnd_next(struct fb_board *b)
{
    uint32_t x = b->rnd ? b->rnd : 0x9E3779B9u;
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    b->rnd = x;
    return x;
}

/* Applies the interposer rules to a read that already holds the true bytes. */
static int interpose(struct fb_dev *d, uint32_t off, uint8_t *buf, uint32_t len)
{
    struct fb_board *b = d->board;
    int idx = (int)(d - b->dev);
    for (unsigned i = 0; i < b->nrules; i++) {
        struct fb_live_rule *r = &b->rules[i];
        if (r->dev != idx || off >= r->hi || off + len <= r->lo)
            continue;
        uint32_t n = r->seen++;
        if (n < r->r.nth || (r->r.count && n >= (uint32_t)r->r.nth + r->r.count))
            continue;
        if (r->glitch && b->counter_glitched)
            continue;
        b->counter_glitched |= r->glitch;
        b->read_faults++;
        if (r->r.area == FB_A_PRIMARY)
            b->primary_faults++;
        if (r->r.kind == FB_RULE_IO)
            return FERRY_E_IO;
        uint32_t from = off > r->lo ? off : r->lo, to = off + len < r->hi ? off + len : r->hi;
        const struct fb_image *im = fb_corpus(fb_arg_image(r->r.arg));
        for (uint32_t a = from; a < to; a++) {
            if (r->r.kind == FB_RULE_XOR) {
                buf[a - off] ^= r->r.arg ? r->r.arg : 0xFF;
            } else {
                uint32_t rel = a - r->base;
                buf[a - off] = rel < im->len ? im->bytes[rel] : d->geo.erased_value;
            }
        }
    }
    return 0;
}

static int f_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    struct fb_dev *d = dev_of(ctx);
    if (d->board->power_lost)
        return FERRY_E_POWER_LOSS;
    int err = ferry_memflash_ops.read(&d->truth, off, buf, len);
    return err ? err : interpose(d, off, buf, len);
}

/* 1 when this write is the one that is cut (and power is gone from now on). */
static int cut_now(struct fb_board *b)
{
    b->ops++;
    if (b->cut_at == 0 || b->ops != b->cut_at)
        return 0;
    b->power_lost = 1;
    b->cut_fired = 1;
    return 1;
}

static int f_program(void *ctx, uint32_t off, const void *buf, uint32_t len)
{
    struct fb_dev *d = dev_of(ctx);
    struct fb_board *b = d->board;
    if (b->power_lost)
        return FERRY_E_POWER_LOSS;
    if (!cut_now(b))
        return ferry_memflash_ops.program(&d->truth, off, buf, len);
    /* Whatever the cut leaves still obeys NOR: bits only move away from erased. */
    const uint8_t *src = buf;
    uint32_t unit = d->geo.program_unit, half = len / 2 / unit * unit;
    if (off > d->geo.size || len > d->geo.size - off)
        return FERRY_E_POWER_LOSS;
    for (uint32_t i = 0; i < len; i++) {
        uint8_t v;
        if (b->cut_mode == 1)
            v = i < half ? src[i] : d->geo.erased_value;
        else if (b->cut_mode == 2)
            v = d->geo.erased_value == 0xFF ? (uint8_t)(src[i] | rnd_next(b))
                                            : (uint8_t)(src[i] & rnd_next(b));
        else
            v = d->geo.erased_value;
        if (d->geo.erased_value == 0xFF)
            d->mem[off + i] &= v;
        else
            d->mem[off + i] |= v;
    }
    return FERRY_E_POWER_LOSS;
}

static int f_erase(void *ctx, uint32_t off, uint32_t len)
{
    struct fb_dev *d = dev_of(ctx);
    struct fb_board *b = d->board;
    if (b->power_lost)
        return FERRY_E_POWER_LOSS;
    if (!cut_now(b))
        return ferry_memflash_ops.erase(&d->truth, off, len);
    if (off > d->geo.size || len > d->geo.size - off)
        return FERRY_E_POWER_LOSS;
    if (b->cut_mode == 1)
        memset(d->mem + off, d->geo.erased_value, len / 2);
    else if (b->cut_mode == 2)
        for (uint32_t i = 0; i < len; i++)
            d->mem[off + i] = (uint8_t)rnd_next(b);
    return FERRY_E_POWER_LOSS;
}

static const struct ferry_flash_ops faulty_ops = {f_read, f_program, f_erase};

static struct ferry_area area_of(struct fb_board *b, int a, int faulty)
{
    struct ferry_area r;
    struct fb_dev *d = &b->dev[b->a_dev[a]];
    r.dev = faulty ? &d->faulty : &d->truth.flash;
    r.off = b->a_off[a];
    r.size = b->a_size[a];
    return r;
}

void fb_board_open(struct fb_board *b, int which)
{
    const struct board_desc *bd = &boards[which % FB_BOARDS];
    memset(b, 0, sizeof *b);
    b->name = bd->name;
    b->ndev = bd->ndev;
    for (int i = 0; i < bd->ndev; i++) {
        struct fb_dev *d = &b->dev[i];
        d->board = b;
        d->region.size = bd->sector[i];
        d->region.count = FB_DEV_BYTES / bd->sector[i];
        d->geo.size = FB_DEV_BYTES;
        d->geo.program_unit = bd->unit[i];
        d->geo.erased_value = bd->erased[i];
        d->geo.region_count = 1;
        d->geo.regions = &d->region;
        memset(d->mem, d->geo.erased_value, sizeof d->mem);
        if (ferry_memflash_init(&d->truth, d->mem, &d->geo) != 0)
            abort();
        d->faulty.ops = &faulty_ops;
        d->faulty.ctx = d;
        d->faulty.geo = &d->geo;
    }
    for (int a = 0; a < FB_A_COUNT; a++) {
        b->a_dev[a] = bd->a_dev[a];
        b->a_off[a] = bd->a_off[a];
        b->a_size[a] = bd->a_size[a];
    }
    b->cfg.primary = area_of(b, FB_A_PRIMARY, 1);
    b->cfg.staging = area_of(b, FB_A_STAGING, 1);
    b->cfg.status = area_of(b, FB_A_STATUS, 1);
    b->d = ferry_staging_image_offset(&b->cfg.primary, &b->cfg.staging);
    b->unit = b->dev[b->a_dev[FB_A_PRIMARY]].region.size; /* slots' sectors nest: unit = larger */
    if (b->dev[b->a_dev[FB_A_STAGING]].region.size > b->unit)
        b->unit = b->dev[b->a_dev[FB_A_STAGING]].region.size;
    b->a_off[FB_A_STAGED] = b->a_off[FB_A_STAGING] + b->d;
    b->a_size[FB_A_STAGED] = b->a_size[FB_A_STAGING] - b->d;
    b->cfg.buf = b->buf;
    b->cfg.buf_len = sizeof b->buf;
    b->t_primary = area_of(b, FB_A_PRIMARY, 0);
    b->t_staging = area_of(b, FB_A_STAGING, 0);
    b->t_status = area_of(b, FB_A_STATUS, 0);
    b->t_counter = area_of(b, FB_A_COUNTER, 0);
    b->t_revoke = area_of(b, FB_A_REVOKE, 0);
    b->app.primary = b->t_primary;
    b->app.staging = b->t_staging;
    b->app.status = b->t_status;
    b->app.buf = b->app_buf;
    b->app.buf_len = sizeof b->app_buf;
    if (b->d == 0)
        abort(); /* a bug in the table above */
}

void fb_board_reboot(struct fb_board *b, const struct fb_boot *boot)
{
    struct ferry_area ca = area_of(b, FB_A_COUNTER, 1);
    if (ferry_counter_flash_init(&b->counter, &ca, b->counter_buf, sizeof b->counter_buf) != 0)
        abort();
    b->cfg.counter = &b->counter.counter;
    struct ferry_area ra = area_of(b, FB_A_REVOKE, 1);
    if (ferry_counter_flash_init(&b->revocation, &ra, b->revocation_buf,
                                 sizeof b->revocation_buf) != 0)
        abort();
    b->cfg.revocation = &b->revocation.counter;
    b->ops = 0;
    b->primary_faults = 0;
    b->power_lost = 0;
    b->cut_fired = 0;
    b->read_faults = 0;
    b->counter_glitched = 0;
    b->cut_at = boot ? boot->cut : 0;
    b->cut_mode = boot ? boot->cut_mode : 0;
    b->nrules = boot ? boot->nrules : 0;
    for (unsigned i = 0; i < b->nrules; i++) {
        struct fb_live_rule *r = &b->rules[i];
        int a = boot->rules[i].area;
        uint32_t size = b->a_size[a], lo = boot->rules[i].lo % size;
        uint32_t len = boot->rules[i].len ? boot->rules[i].len : size;
        r->r = boot->rules[i];
        /* Reads of the primary slot and of the counter store may fail (ECC)
         * but never lie. The primary is executed in place: what the CPU runs
         * is what the bootloader reads there, so a lie would only mean the
         * model's true memory is not what runs. The counter store must be
         * trusted storage (OTP, internal flash): one an attacker can rewrite
         * on the bus protects nothing, whatever the bootloader does. */
        if (a == FB_A_PRIMARY || a == FB_A_COUNTER || a == FB_A_STATUS || a == FB_A_REVOKE)
            r->r.kind = FB_RULE_IO;
        /* The status area may fail reads but not lie either: reads that lie
         * about it let a bus attacker hide a confirm and hold the device on
         * the previous image, which no bootloader can tell from a real reset
         * before the confirm (docs/threat-model.md: the status area belongs
         * on internal flash). */
        /* On the counter store and the status area a fault is a glitch: one
         * read per boot fails. There, a word that fails every read comes from
         * a torn program (which the power cuts model); one that fails on a
         * whole header or marker is broken hardware. Both stores read a
         * failed header or marker twice (docs/design.md,
         * docs/counter-format.md). */
        r->glitch = a == FB_A_COUNTER || a == FB_A_STATUS || a == FB_A_REVOKE;
        r->dev = b->a_dev[a];
        r->base = b->a_off[a];
        r->lo = b->a_off[a] + lo;
        r->hi = b->a_off[a] + (len < size - lo ? lo + len : size);
        r->seen = 0;
    }
    /* The revocation store: a glitch on its n-th read, the counter store's
     * fault model (one failed read per boot, shared with counter and status). */
    if (boot && boot->rv_fail) {
        struct fb_live_rule *r = &b->rules[b->nrules++];
        memset(&r->r, 0, sizeof r->r);
        r->r.area = FB_A_REVOKE;
        r->r.nth = (uint8_t)(boot->rv_fail - 1);
        r->r.count = 1;
        r->r.kind = FB_RULE_IO;
        r->glitch = 1;
        r->dev = b->a_dev[FB_A_REVOKE];
        r->base = b->a_off[FB_A_REVOKE];
        r->lo = r->base;
        r->hi = r->base + b->a_size[FB_A_REVOKE];
        r->seen = 0;
    }
}

uint8_t *fb_area_mem(struct fb_board *b, int area)
{
    return b->dev[b->a_dev[area]].mem + b->a_off[area];
}

uint8_t fb_area_erased(const struct fb_board *b, int area)
{
    return b->dev[b->a_dev[area]].geo.erased_value;
}

static int true_counter(const struct ferry_area *a, uint32_t *value)
{
    struct ferry_counter_flash c;
    uint8_t buf[64];
    int err = ferry_counter_flash_init(&c, a, buf, sizeof buf);
    if (!err)
        err = c.counter.ops->read(c.counter.ctx, value);
    return err;
}

int fb_true_min(struct fb_board *b, uint32_t *value)
{
    return true_counter(&b->t_counter, value);
}

int fb_true_revoke(struct fb_board *b, uint32_t *value)
{
    return true_counter(&b->t_revoke, value);
}
