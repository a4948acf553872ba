/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The swap engine: moves one image into the primary slot and the other out to
 * the staging slot, one unit at a time, with a progress marker after every
 * step. See swap_priv.h for the contract and docs/design.md for the proof
 * sketch of why no step destroys data that is still needed.
 */
#include "swap_priv.h"
#include "ferry/errors.h"

static void feed(const struct ferry_boot_config *cfg)
{
    if (cfg->hooks.watchdog_feed)
        cfg->hooks.watchdog_feed(cfg->hooks.ctx);
}

/* Erases [off, off+len) sector by sector, feeding the watchdog between. */
static int erase_range(const struct ferry_boot_config *cfg, const struct ferry_area *a,
                       uint32_t off, uint32_t len)
{
    uint32_t end = off + len;
    while (off < end) {
        uint32_t ss, sz;
        int err = ferry_area_sector_at(a, off, &ss, &sz);
        if (err)
            return err;
        if (ss != off || sz > end - off)
            return FERRY_E_ALIGN;
        err = ferry_area_erase(a, off, sz);
        if (err)
            return err;
        feed(cfg);
        off += sz;
    }
    return 0;
}

/* Feeds primary bytes [off, off+n), clipped to [0, h->len), into the hash. */
static void hash_clip(struct ferry_swap_hash *h, uint32_t off, const uint8_t *data, uint32_t n)
{
    if (!h || off >= h->len)
        return;
    if (n > h->len - off)
        n = h->len - off;
    if (off < h->split) {
        uint32_t k = h->split - off < n ? h->split - off : n;
        ferry_sha256_update(&h->ctx, data, k);
        if (off + k == h->split) {
            ferry_sha256_final(&h->ctx, h->head);
            ferry_sha256_init(&h->ctx);
        }
        data += k;
        n -= k;
    }
    if (n > 0)
        ferry_sha256_update(&h->ctx, data, n);
}

void ferry_swap_crypt_chunk(const struct ferry_swap_crypt *x, uint32_t off, uint8_t *data,
                            uint32_t n)
{
    if (!x || !x->ops)
        return;
    uint32_t a = off > x->start ? off : x->start;
    uint32_t b = off + n < x->end ? off + n : x->end;
    if (a < b)
        x->ops->xor_stream(x->cipher, a - x->start, data + (a - off), b - a);
}

/*
 * Copies len bytes from src@so to dst@dof (dst already erased) in chunks of
 * the scratch buffer; the chunk's image offset is `img`, where the image's
 * transform `x` applies. When hashing, every chunk is read back from dst and
 * the read-back is hashed, so a program that silently failed shows up as a
 * digest mismatch.
 */
static int copy_range(const struct ferry_boot_config *cfg, const struct ferry_area *src,
                      uint32_t so, const struct ferry_area *dst, uint32_t dof, uint32_t len,
                      uint32_t img, const struct ferry_swap_crypt *x, struct ferry_swap_hash *hash)
{
    uint32_t unit = ferry_max_program_unit(cfg);
    uint32_t chunk = (uint32_t)(cfg->buf_len / unit) * unit;
    while (len > 0) {
        uint32_t n = len < chunk ? len : chunk;
        int err = ferry_area_read(src, so, cfg->buf, n);
        if (err)
            return err;
        ferry_swap_crypt_chunk(x, img, cfg->buf, n);
        err = ferry_area_program(dst, dof, cfg->buf, n);
        if (err)
            return err;
        if (hash) {
            err = ferry_area_read(dst, dof, cfg->buf, n);
            if (err)
                return err;
            hash_clip(hash, dof, cfg->buf, n);
        }
        feed(cfg);
        so += n;
        dof += n;
        img += n;
        len -= n;
    }
    return 0;
}

static int hash_prefix(const struct ferry_boot_config *cfg, struct ferry_swap_hash *hash,
                       uint32_t upto)
{
    uint32_t off = 0;
    if (upto > hash->len)
        upto = hash->len;
    while (off < upto) {
        uint32_t n = upto - off;
        if (n > cfg->buf_len)
            n = (uint32_t)cfg->buf_len;
        int err = ferry_area_read(&cfg->primary, off, cfg->buf, n);
        if (err)
            return err;
        hash_clip(hash, off, cfg->buf, n);
        off += n;
    }
    return 0;
}

int ferry_swap_run(const struct ferry_boot_config *cfg, enum ferry_swap_dir dir,
                   uint32_t region, uint32_t first_step,
                   int (*mark)(void *mark_ctx, uint32_t step), void *mark_ctx,
                   const struct ferry_swap_plan *plan)
{
    struct ferry_swap_hash *hash = plan ? plan->hash : NULL;
    const struct ferry_swap_crypt *xin = plan ? &plan->in : NULL;
    const struct ferry_swap_crypt *xout = plan ? &plan->out : NULL;
    int discard = plan && plan->discard_out;
    const struct ferry_area *p = &cfg->primary, *s = &cfg->staging;
    uint32_t units, d = ferry_staging_image_offset(p, s);
    int err = ferry_swap_count_units(p, s, region, &units);
    if (err)
        return err;
    if (d == 0 || first_step > 2 * units || (hash && dir != FERRY_SWAP_FORWARD))
        return FERRY_E_INVAL;

    if (hash) {
        /* Units before first_step/2 are installed already: hash them as they are. */
        uint32_t off = 0, len = 0;
        if (first_step / 2 > 0) {
            err = ferry_swap_unit(p, s, first_step / 2, &off, &len);
            if (err && first_step / 2 == units)
                off = region, err = 0;
            if (err)
                return err;
        }
        err = hash_prefix(cfg, hash, off);
        if (err)
            return err;
    }

    for (uint32_t step = first_step; step < 2 * units; step++) {
        uint32_t k = step / 2;
        uint32_t unit = dir == FERRY_SWAP_FORWARD ? k : units - 1 - k;
        uint32_t off, len;
        err = ferry_swap_unit(p, s, unit, &off, &len);
        if (err)
            return err;
        /* Where the image leaving the primary goes, and where the incoming one is. */
        uint32_t out_off = dir == FERRY_SWAP_FORWARD ? off : d + off;
        uint32_t in_off = dir == FERRY_SWAP_FORWARD ? d + off : off;
        if (step % 2 == 0) {
            err = erase_range(cfg, s, out_off, len);
            if (!err && !discard)
                err = copy_range(cfg, p, off, s, out_off, len, off, xout, NULL);
        } else {
            err = erase_range(cfg, p, off, len);
            if (!err)
                err = copy_range(cfg, s, in_off, p, off, len, off, xin, hash);
        }
        if (!err)
            err = mark(mark_ctx, step);
        if (err)
            return err;
    }
    return 0;
}

int ferry_swap_reinstall(const struct ferry_boot_config *cfg, uint32_t units_done,
                         const struct ferry_swap_crypt *in)
{
    const struct ferry_area *p = &cfg->primary, *s = &cfg->staging;
    uint32_t d = ferry_staging_image_offset(p, s);
    if (d == 0)
        return FERRY_E_INVAL;
    for (uint32_t k = 0; k < units_done; k++) {
        uint32_t off, len;
        int err = ferry_swap_unit(p, s, k, &off, &len);
        if (!err)
            err = erase_range(cfg, p, off, len);
        if (!err)
            err = copy_range(cfg, s, d + off, p, off, len, off, in, NULL);
        if (err)
            return err;
    }
    return 0;
}
