/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One image of a swap in progress, read as a whole (swap_priv.h): each unit
 * from where the progress has it, in the primary or in staging, and in its
 * installed form (bytes read from staging go through the image's transform).
 * A resumed swap verifies the outgoing image through this view before it
 * writes any more of it to staging (docs/encryption.md, section 3).
 */
#include <string.h>

#include "ferry/errors.h"
#include "swap_priv.h"

/* Where image offset `off` is now: its area and offset there, and how many
 * bytes from it stay in the same unit. 1 in *staged when it is in staging. */
static int locate(const struct ferry_swap_view *v, uint32_t off, const struct ferry_area **a,
                  uint32_t *at, uint32_t *left, int *staged)
{
    const struct ferry_area *p = &v->cfg->primary, *s = &v->cfg->staging;
    for (uint32_t u = 0; u < v->units; u++) {
        uint32_t uo, ul;
        int err = ferry_swap_unit(p, s, u, &uo, &ul);
        if (err)
            return err;
        if (off < uo || off - uo >= ul)
            continue;
        uint32_t k = v->dir == FERRY_SWAP_FORWARD ? u : v->units - 1 - u;
        /* Outgoing: moved once its save (step 2k) is done; incoming: once
         * its install (step 2k + 1) is done. */
        int moved = v->outgoing ? v->steps_done > 2 * k : v->steps_done > 2 * k + 1;
        int in_staging = v->outgoing ? moved : !moved;
        /* In staging, forward keeps the outgoing image at 0 and the incoming
         * at D; backward the other way round. */
        int at_d = v->outgoing == (v->dir == FERRY_SWAP_BACKWARD);
        *a = in_staging ? s : p;
        *at = in_staging && at_d ? v->d + off : off;
        *left = uo + ul - off;
        *staged = in_staging;
        return 0;
    }
    return FERRY_E_RANGE;
}

static int view_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    const struct ferry_swap_view *v = ctx;
    uint8_t *out = buf;
    while (len > 0) {
        const struct ferry_area *a;
        uint32_t at, left;
        int staged;
        int err = locate(v, off, &a, &at, &left, &staged);
        if (err)
            return err;
        uint32_t n = len < left ? len : left;
        err = ferry_area_read(a, at, out, n);
        if (err)
            return err;
        if (staged)
            ferry_swap_crypt_chunk(v->x, off, out, n);
        off += n;
        out += n;
        len -= n;
    }
    return 0;
}

static int view_refuse_program(void *ctx, uint32_t off, const void *buf, uint32_t len)
{
    (void)ctx, (void)off, (void)buf, (void)len;
    return FERRY_E_UNSUPPORTED;
}

static int view_refuse_erase(void *ctx, uint32_t off, uint32_t len)
{
    (void)ctx, (void)off, (void)len;
    return FERRY_E_UNSUPPORTED;
}

static const struct ferry_flash_ops view_ops = {view_read, view_refuse_program, view_refuse_erase};

int ferry_swap_view_init(struct ferry_swap_view *v, const struct ferry_boot_config *cfg,
                         enum ferry_swap_dir dir, uint32_t region, uint32_t steps_done,
                         int outgoing, const struct ferry_swap_crypt *x)
{
    memset(v, 0, sizeof *v);
    v->cfg = cfg;
    v->dir = dir;
    v->steps_done = steps_done;
    v->outgoing = outgoing;
    v->x = x;
    v->d = ferry_staging_image_offset(&cfg->primary, &cfg->staging);
    int err = ferry_swap_count_units(&cfg->primary, &cfg->staging, region, &v->units);
    if (err)
        return err;
    if (v->d == 0 || region == 0)
        return FERRY_E_INVAL;
    v->one.count = 1;
    v->one.size = region;
    v->geo.size = region;
    v->geo.program_unit = 1;
    v->geo.erased_value = cfg->primary.dev->geo->erased_value;
    v->geo.region_count = 1;
    v->geo.regions = &v->one;
    v->dev.ops = &view_ops;
    v->dev.ctx = v;
    v->dev.geo = &v->geo;
    v->area.dev = &v->dev;
    v->area.off = 0;
    v->area.size = region;
    return 0;
}
