/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writing a downloaded image into the staging slot (docs/agent.md).
 *
 * The image goes to slot [D, D + size). Sectors are erased just ahead of the
 * write position; data is programmed a chunk at a time (FERRY_AGENT_CHUNK, a
 * multiple of the program unit dividing every sector), so chunk ends fall on
 * every sector boundary. The image's first hb bytes (its first program unit,
 * at least the 4-byte magic) are not programmed at D but kept in the resume
 * record; they are written last, after the whole file hashed to the
 * manifest's SHA-256 and the image verified. Until then the bootloader reads
 * erased bytes where the magic would be and sees no image.
 */
#include <string.h>
#include "agent_priv.h"
#include "ferry/boot.h"
#include "ferry/errors.h"

static uint32_t round_up(uint32_t v, uint32_t unit)
{
    return (v + unit - 1) / unit * unit;
}

/* 1 if every sector of the device is a multiple of `chunk`. */
static int chunk_fits(const struct ferry_flash_geometry *g, uint32_t chunk)
{
    for (unsigned r = 0; r < g->region_count; r++)
        if (g->regions[r].size % chunk != 0)
            return 0;
    return 1;
}

int agent_rec_layout(struct ferry_agent *a)
{
    const struct ferry_app_config *app = a->cfg->app;
    struct ferry_agent_stage *st = &a->st;
    memset(st, 0, sizeof *st);
    st->slot = app->staging;
    st->d = ferry_staging_image_offset(&app->primary, &app->staging);
    if (st->d == 0 || ferry_area_check(&st->slot) != 0)
        return FERRY_E_INVAL;
    const struct ferry_flash_geometry *g = st->slot.dev->geo;
    st->pu = g->program_unit;
    if (st->pu == 0 || st->pu > FERRY_AGENT_MAX_PROGRAM_UNIT)
        return FERRY_E_UNSUPPORTED;
    st->hb = round_up(4, st->pu);
    for (uint32_t c = FERRY_AGENT_CHUNK - FERRY_AGENT_CHUNK % st->pu; c >= st->hb; c -= st->pu) {
        if (chunk_fits(g, c)) {
            st->chunk = c;
            break;
        }
    }
    uint32_t s0start, s0;
    if (st->chunk == 0 || ferry_area_sector_at(&st->slot, 0, &s0start, &s0) != 0)
        return FERRY_E_UNSUPPORTED;
    st->rec_start_len = agent_rec_start_len(st->hb, st->pu);
    st->rec_entry_len = agent_rec_entry_len(st->pu);
    if (st->rec_start_len > AGENT_AUX_LEN || s0 > st->d || s0 < st->rec_start_len)
        return FERRY_E_UNSUPPORTED;
    /* The last entry slots keep the manifest sequence (4, or 2 where the
     * sector is small); at least one progress entry must remain. */
    uint32_t entries = (s0 - st->rec_start_len) / st->rec_entry_len;
    st->seq_slots = entries >= 8 ? 4 : 2;
    if (entries < st->seq_slots + 1)
        return FERRY_E_UNSUPPORTED;
    st->rec_slots = entries - st->seq_slots;
    return 0;
}

int agent_stage_layout(struct ferry_agent *a)
{
    struct ferry_agent_stage *st = &a->st;
    int err = agent_rec_layout(a);
    if (err)
        return err;
    st->size = a->release.size;
    /* Regular checkpoints use at most half the entries; the rest is for
     * checkpoints written when a transfer fails. */
    uint32_t regular = st->rec_slots / 2 ? st->rec_slots / 2 : 1;
    st->ck_every = st->size / regular + 1;
    if (st->size > st->slot.size - st->d)
        return FERRY_E_IMG_TOO_BIG;
    return 0;
}

/* Erases whole sectors from erased_to until `end` (slot offsets) is covered. */
static int erase_to(struct ferry_agent_stage *st, uint32_t end)
{
    while (st->erased_to < end) {
        uint32_t start, size;
        int err = ferry_area_sector_at(&st->slot, st->erased_to, &start, &size);
        if (!err && start != st->erased_to)
            err = FERRY_E_INVAL; /* erased_to always sits on a sector boundary */
        if (!err)
            err = ferry_area_erase(&st->slot, start, size);
        if (err)
            return err;
        st->erased_to = start + size;
    }
    return 0;
}

/* Erases the sector holding slot offset `off` unless it already reads
 * erased (a retry after a server that was down then costs no erase);
 * *end receives the sector's end. */
static int clear_sector(struct ferry_agent *a, uint32_t off, uint32_t *end)
{
    uint32_t start, size;
    int err = ferry_area_sector_at(&a->st.slot, off, &start, &size);
    if (err)
        return err;
    *end = start + size;
    int erased = agent_area_is_erased(&a->st.slot, start, size, AGENT_CHUNK_BUF(a),
                                      FERRY_AGENT_CHUNK);
    if (erased < 0)
        return erased;
    return erased ? 0 : ferry_area_erase(&a->st.slot, start, size);
}

int agent_stage_fresh(struct ferry_agent *a)
{
    struct ferry_agent_stage *st = &a->st;
    uint32_t image_sector_end, record_end;
    /* The sector at D first: no old staged image survives. */
    int err = clear_sector(a, st->d, &image_sector_end);
    if (!err)
        err = clear_sector(a, 0, &record_end);
    if (!err)
        err = agent_seq_restore(a);
    if (err)
        return err;
    st->erased_to = image_sector_end;
    st->rec_next = 0;
    st->ck_last = 0;
    ferry_sha256_init(&st->sha);
    st->pos = st->prog = 0;
    st->pend_pos = 0;
    st->resumed_from = 0;
    return 0;
}

/* Programs the open chunk (image bytes [prog, pos)). The first chunk writes
 * the record's start entry with the head and programs only [hb, ...). A
 * chunk that ends on a sector boundary becomes the pending checkpoint. */
static int flush(struct ferry_agent *a, int last)
{
    struct ferry_agent_stage *st = &a->st;
    uint8_t *buf = AGENT_CHUNK_BUF(a);
    uint32_t cs = st->prog, n = st->pos - st->prog;
    uint32_t padded = round_up(n, st->pu), from = 0;
    int err;
    if (cs == 0) {
        if (padded < st->hb)
            padded = st->hb;
        from = st->hb;
    }
    memset(buf + n, st->slot.dev->geo->erased_value, padded - n);
    if (cs == 0) {
        err = agent_rec_start(a, buf);
        if (err)
            return err;
    }
    if (padded > from) {
        err = erase_to(st, st->d + cs + padded);
        if (!err)
            err = ferry_area_program(&st->slot, st->d + cs + from, buf + from, padded - from);
        if (err)
            return err;
    }
    st->prog = st->pos;
    if (last || !ferry_area_is_sector_boundary(&st->slot, st->d + st->prog))
        return 0;
    ferry_sha256_ctx tmp = st->sha;
    ferry_sha256_final(&tmp, st->pend_digest);
    st->pend_pos = st->prog;
    if (st->prog - st->ck_last >= st->ck_every)
        return agent_rec_checkpoint(a, st->pend_pos, st->pend_digest);
    return 0;
}

int agent_stage_write(struct ferry_agent *a, const uint8_t *data, size_t len)
{
    struct ferry_agent_stage *st = &a->st;
    if (len > st->size - st->pos)
        return FERRY_E_INVAL;
    while (len) {
        uint32_t fill = st->pos - st->prog;
        uint32_t n = st->chunk - fill;
        if (n > len)
            n = (uint32_t)len;
        memcpy(AGENT_CHUNK_BUF(a) + fill, data, n);
        ferry_sha256_update(&st->sha, data, n);
        st->pos += n;
        data += n;
        len -= n;
        if (st->pos - st->prog == st->chunk) {
            int err = flush(a, 0);
            if (err)
                return err;
        }
    }
    return 0;
}

void agent_stage_suspend(struct ferry_agent *a)
{
    struct ferry_agent_stage *st = &a->st;
    if (st->pend_pos > st->ck_last)
        (void)agent_rec_checkpoint(a, st->pend_pos, st->pend_digest);
}

/* ---- The final check, through a read-only view with the head overlaid --- */

struct overlay {
    const struct ferry_area *under; /* the staging slot */
    uint32_t base;                  /* image offset in it (D) */
    const uint8_t *head;
    uint32_t head_len;
};

static int ov_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    const struct overlay *o = ctx;
    int err = ferry_area_read(o->under, o->base + off, buf, len);
    if (err || off >= o->head_len)
        return err;
    uint32_t n = o->head_len - off < len ? o->head_len - off : len;
    memcpy(buf, o->head + off, n);
    return 0;
}

static int ov_program(void *ctx, uint32_t off, const void *buf, uint32_t len)
{
    (void)ctx, (void)off, (void)buf, (void)len;
    return FERRY_E_IO;
}

static int ov_erase(void *ctx, uint32_t off, uint32_t len)
{
    (void)ctx, (void)off, (void)len;
    return FERRY_E_IO;
}

static const struct ferry_flash_ops ov_ops = {ov_read, ov_program, ov_erase};

static int same_as_manifest(const struct ferry_image_info *i, const struct ferry_manifest *m)
{
    return ferry_version_cmp(&i->version, &m->version) == 0 &&
           i->security_counter == m->security_counter && memcmp(i->vendor_id, m->vendor_id, 16) == 0 &&
           memcmp(i->class_id, m->class_id, 16) == 0;
}

int agent_stage_finish(struct ferry_agent *a)
{
    struct ferry_agent_stage *st = &a->st;
    const struct ferry_agent_config *cfg = a->cfg;
    uint8_t digest[32];
    int err;
    if (st->pos != st->size)
        return FERRY_E_HTTP_LENGTH;
    if (st->pos > st->prog && (err = flush(a, 1)) != 0)
        return err;
    ferry_sha256_final(&st->sha, digest);
    if (ferry_ct_memcmp(digest, a->release.sha256, 32) != 0) {
        (void)agent_rec_clear(a); /* start from zero next time */
        return FERRY_E_IMG_DIGEST;
    }

    const uint8_t *head;
    err = agent_rec_read_head(a, &head);
    if (err)
        return err;
    struct overlay ov = {&st->slot, st->d, head, st->hb < st->size ? st->hb : st->size};
    struct ferry_sector_region region = {1, st->size};
    struct ferry_flash_geometry geo = {0, st->size, 1, st->slot.dev->geo->erased_value, 1, &region};
    struct ferry_flash dev = {&ov_ops, &ov, &geo};
    struct ferry_area file = {&dev, 0, st->size};
    struct ferry_image_info info;
    struct ferry_verify_policy policy = {cfg->keys, cfg->key_count, cfg->vendor_id, cfg->class_id};
    err = ferry_image_parse(&file, FERRY_PARSE_FILE, &info);
    if (!err && !same_as_manifest(&info, &a->release))
        err = FERRY_E_MANIFEST;
    if (!err)
        err = ferry_image_verify(&file, &info, &policy, AGENT_CHUNK_BUF(a), FERRY_AGENT_CHUNK);
    if (!err) {
        int rejected = agent_rejected(a, info.digest);
        err = rejected < 0 ? rejected : rejected ? FERRY_E_IMG_REVERTED : 0;
    }
    if (err)
        return err;

    /* Marked for install: the head goes where the bootloader looks. */
    err = ferry_area_program(&st->slot, st->d, head, st->hb);
    if (err)
        return err;
    struct ferry_area staged = st->slot;
    struct ferry_image_info check;
    staged.off += st->d;
    staged.size -= st->d;
    err = ferry_image_parse(&staged, FERRY_PARSE_SLOT, &check);
    if (!err && memcmp(check.digest, info.digest, 32) != 0)
        err = FERRY_E_CORRUPT;
    return err;
}

int agent_staged_is_release(struct ferry_agent *a, struct ferry_image_info *info)
{
    struct ferry_agent_stage *st = &a->st;
    struct ferry_area staged = st->slot;
    uint8_t digest[32];
    staged.off += st->d;
    staged.size -= st->d;
    int err = ferry_image_parse(&staged, FERRY_PARSE_SLOT, info);
    if (err == FERRY_E_IO || err == FERRY_E_POWER_LOSS)
        return err;
    if (err || info->total_size != st->size)
        return 0;
    err = ferry_area_sha256(&staged, 0, st->size, AGENT_CHUNK_BUF(a), FERRY_AGENT_CHUNK, digest);
    if (err)
        return err;
    return ferry_ct_memcmp(digest, a->release.sha256, 32) == 0;
}
