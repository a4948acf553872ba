/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Staging an image file from any transport (include/ferry/stage.h; the
 * record and the rules in docs/agent.md).
 *
 * The image goes to slot [D, D + size). In order, sectors are erased just
 * ahead of the write position and data is programmed a chunk at a time
 * (FERRY_STAGE_CHUNK, a multiple of the program unit dividing every sector),
 * so chunk ends fall on every sector boundary. In any order, the whole range
 * is erased first and pieces are programmed where they belong. Either way
 * the image's first hb bytes (its first program unit, at least the 4-byte
 * magic) are not programmed at D but held back (in the resume record, or in
 * RAM); they are written last, after the whole file hashed to the expected
 * SHA-256 and the image verified. Until then the bootloader reads erased
 * bytes where the magic would be and sees no image.
 */
#include <string.h>
#include "stage_priv.h"
#include "ferry/boot.h"
#include "ferry/errors.h"
#include "status_priv.h"

_Static_assert(FERRY_STAGE_MAX_PROGRAM_UNIT <= FERRY_STAGE_CHUNK,
               "a program unit must fit the chunk buffer");

static uint32_t round_up(uint32_t v, uint32_t unit)
{
    return (v + unit - 1) / unit * unit;
}

static uint8_t erased_value(const struct ferry_stage *s)
{
    return s->slot.dev->geo->erased_value;
}

/* 1 if every sector of the device is a multiple of `chunk`. */
static int chunk_fits(const struct ferry_flash_geometry *g, uint32_t chunk)
{
    for (unsigned r = 0; r < g->region_count; r++)
        if (g->regions[r].size % chunk != 0)
            return 0;
    return 1;
}

int stage_rec_layout(struct ferry_stage *s)
{
    const struct ferry_stage_config *cfg = s->cfg;
    const struct ferry_app_config *app = cfg->app;
    memset(s, 0, sizeof *s);
    s->cfg = cfg;
    s->slot = app->staging;
    s->d = ferry_staging_image_offset(&app->primary, &app->staging);
    if (s->d == 0 || ferry_area_check(&s->slot) != 0)
        return FERRY_E_INVAL;
    const struct ferry_flash_geometry *g = s->slot.dev->geo;
    s->pu = g->program_unit;
    if (s->pu == 0 || s->pu > FERRY_STAGE_MAX_PROGRAM_UNIT)
        return FERRY_E_UNSUPPORTED;
    s->hb = round_up(4, s->pu);
    for (uint32_t c = FERRY_STAGE_CHUNK - FERRY_STAGE_CHUNK % s->pu; c >= s->hb; c -= s->pu) {
        if (chunk_fits(g, c)) {
            s->chunk = c;
            break;
        }
    }
    uint32_t s0start, s0;
    if (s->chunk == 0 || ferry_area_sector_at(&s->slot, 0, &s0start, &s0) != 0)
        return FERRY_E_UNSUPPORTED;
    s->rec_start_len = stage_rec_start_len(s->hb, s->pu);
    s->rec_entry_len = stage_rec_entry_len(s->pu);
    if (s->rec_start_len > STAGE_AUX_LEN || s0 > s->d || s0 < s->rec_start_len)
        return FERRY_E_UNSUPPORTED;
    /* The last entry slots keep the manifest sequence (4, or 2 where the
     * sector is small); at least one progress entry must remain. */
    uint32_t entries = (s0 - s->rec_start_len) / s->rec_entry_len;
    s->seq_slots = entries >= 8 ? 4 : 2;
    if (entries < s->seq_slots + 1)
        return FERRY_E_UNSUPPORTED;
    s->rec_slots = entries - s->seq_slots;
    return 0;
}

int ferry_stage_init(struct ferry_stage *s, const struct ferry_stage_config *cfg)
{
    if (!s || !cfg || !cfg->app || !cfg->vendor_id || !cfg->class_id || !cfg->buf ||
        cfg->buf_len < FERRY_STAGE_BUF_BYTES || (!cfg->keys && cfg->key_count))
        return FERRY_E_INVAL;
    s->cfg = cfg;
    return stage_rec_layout(s);
}

/* Erases whole sectors from erased_to until `end` (slot offsets) is covered. */
static int erase_to(struct ferry_stage *s, uint32_t end)
{
    while (s->erased_to < end) {
        uint32_t start, size;
        int err = ferry_area_sector_at(&s->slot, s->erased_to, &start, &size);
        if (!err && start != s->erased_to)
            err = FERRY_E_INVAL; /* erased_to always sits on a sector boundary */
        if (!err)
            err = ferry_area_erase(&s->slot, start, size);
        if (err)
            return err;
        s->erased_to = start + size;
    }
    return 0;
}

/* Erases the sector holding slot offset `off` unless it already reads
 * erased (a retry after a server that was down then costs no erase);
 * *end receives the sector's end. */
static int clear_sector(struct ferry_stage *s, uint32_t off, uint32_t *end)
{
    uint32_t start, size;
    int err = ferry_area_sector_at(&s->slot, off, &start, &size);
    if (err)
        return err;
    *end = start + size;
    int erased = stage_area_is_erased(&s->slot, start, size, STAGE_CHUNK_BUF(s), FERRY_STAGE_CHUNK);
    if (erased < 0)
        return erased;
    return erased ? 0 : ferry_area_erase(&s->slot, start, size);
}

/* In order, from zero: erases the image's first sector (any previous staged
 * image disappears) and the record sector (keeping the sequence memory). */
static int start_fresh(struct ferry_stage *s)
{
    uint32_t image_sector_end, record_end;
    int err = clear_sector(s, s->d, &image_sector_end);
    if (!err)
        err = clear_sector(s, 0, &record_end);
    if (!err)
        err = stage_seq_restore(s);
    if (err)
        return err;
    s->erased_to = image_sector_end;
    s->rec_next = 0;
    s->ck_last = 0;
    stage_hash_init(&s->hash);
    s->pos = s->prog = 0;
    s->pend_pos = 0;
    s->resumed_from = 0;
    return 0;
}

/* Any order: the whole image range erased, the record dropped (a stale
 * checkpoint must not resume over these pieces), the head held in RAM. */
static int start_any_order(struct ferry_stage *s)
{
    uint32_t record_end;
    int err = clear_sector(s, 0, &record_end);
    if (!err)
        err = stage_seq_restore(s);
    s->erased_to = s->d;
    if (!err)
        err = erase_to(s, s->d + round_up(s->size, s->pu));
    if (err)
        return err;
    memset(STAGE_AUX_BUF(s), erased_value(s), s->hb);
    s->pos = s->prog = 0;
    return 0;
}

int ferry_stage_begin(struct ferry_stage *s, uint32_t size, const uint8_t *sha256,
                      const uint8_t *id, unsigned flags)
{
    enum ferry_app_state state;
    struct ferry_image_info staged;
    if (!s || !s->cfg || (flags & ~FERRY_STAGE_ANY_ORDER) != 0)
        return FERRY_E_INVAL;
    const void *expect = s->expect;
    int err = stage_rec_layout(s);
    s->expect = expect;
    if (err)
        return err;
    /* During a trial the staging slot holds the image to go back to. */
    err = ferry_app_get_state(s->cfg->app, &state);
    if (err)
        return err;
    if (state == FERRY_APP_TRIAL)
        return FERRY_E_BUSY;
    if (size < FERRY_IMG_FIXED_HDR_SIZE + FERRY_IMG_TRAILER_SIZE)
        return FERRY_E_INVAL;
    if (size > s->slot.size - s->d || size > s->cfg->app->primary.size)
        return FERRY_E_IMG_TOO_BIG;
    s->size = size;
    s->flags = flags;
    s->have_sha = sha256 != NULL;
    if (sha256)
        memcpy(s->sha256, sha256, 32);
    if (id)
        memcpy(s->id, id, 32);
    /* Regular checkpoints use at most half the entries; the rest is for
     * checkpoints written when a transfer fails. */
    uint32_t regular = s->rec_slots / 2 ? s->rec_slots / 2 : 1;
    s->ck_every = size / regular + 1;

    err = stage_seq_read(s);
    if (err)
        return err;
    int already = stage_staged_is_file(s, &staged);
    if (already < 0)
        return already;
    if (already) {
        s->pos = s->prog = size;
        s->state = STAGE_STAGED;
        return 0;
    }
    if (flags & FERRY_STAGE_ANY_ORDER) {
        err = start_any_order(s);
        s->state = err ? STAGE_FAILED : STAGE_ANY_ORDER;
        return err;
    }
    err = id ? stage_rec_resume(s) : FERRY_E_NOT_FOUND;
    if (err == FERRY_E_NOT_FOUND)
        err = start_fresh(s);
    s->state = err ? STAGE_FAILED : STAGE_IN_ORDER;
    return err;
}

uint32_t ferry_stage_offset(const struct ferry_stage *s)
{
    return s->pos;
}

/* Programs the open chunk (image bytes [prog, pos)). The first chunk writes
 * the record's start entry with the head and programs only [hb, ...). A
 * chunk that ends on a sector boundary becomes the pending checkpoint. */
static int flush(struct ferry_stage *s, int last)
{
    uint8_t *buf = STAGE_CHUNK_BUF(s);
    uint32_t cs = s->prog, n = s->pos - s->prog;
    uint32_t padded = round_up(n, s->pu), from = 0;
    int err;
    if (cs == 0) {
        if (padded < s->hb)
            padded = s->hb;
        from = s->hb;
    }
    memset(buf + n, erased_value(s), padded - n);
    if (cs == 0) {
        /* The head goes into the record; hashed as it reads back from there
         * (the copy that is programmed at D when the image is marked). */
        const uint8_t *head;
        err = stage_rec_start(s, buf);
        if (!err)
            err = stage_rec_read_head(s, &head);
        if (err)
            return err;
        stage_hash_feed(&s->hash, head, n < s->hb ? n : s->hb);
    }
    if (padded > from) {
        err = erase_to(s, s->d + cs + padded);
        if (!err)
            err = ferry_area_program(&s->slot, s->d + cs + from, buf + from, padded - from);
        /* Hashed as read back: the one hash is over what the bootloader
         * will read, and a program that did not take is caught here. */
        if (!err && n > from)
            err = ferry_area_read(&s->slot, s->d + cs + from, buf + from, n - from);
        if (err)
            return err;
        if (n > from)
            stage_hash_feed(&s->hash, buf + from, n - from);
    }
    s->prog = s->pos;
    if (last || !ferry_area_is_sector_boundary(&s->slot, s->d + s->prog))
        return 0;
    stage_hash_file(&s->hash, s->pend_digest);
    s->pend_pos = s->prog;
    if (s->prog - s->ck_last >= s->ck_every)
        return stage_rec_checkpoint(s, s->pend_pos, s->pend_digest);
    return 0;
}

int ferry_stage_write(struct ferry_stage *s, const void *data, size_t len)
{
    const uint8_t *p = data;
    if (!s || s->state != STAGE_IN_ORDER || len > s->size - s->pos)
        return FERRY_E_INVAL;
    while (len) {
        uint32_t fill = s->pos - s->prog;
        uint32_t n = s->chunk - fill;
        if (n > len)
            n = (uint32_t)len;
        memcpy(STAGE_CHUNK_BUF(s) + fill, p, n);
        s->pos += n;
        p += n;
        len -= n;
        if (s->pos - s->prog == s->chunk) {
            int err = flush(s, 0);
            if (err) {
                s->state = STAGE_FAILED;
                return err;
            }
        }
    }
    return 0;
}

int ferry_stage_write_at(struct ferry_stage *s, uint32_t off, const void *data, size_t len)
{
    const uint8_t *p = data;
    if (!s || s->state != STAGE_ANY_ORDER || off > s->size || len > s->size - off)
        return FERRY_E_INVAL;
    if (off % s->pu != 0 || (len % s->pu != 0 && off + len != s->size))
        return FERRY_E_ALIGN;
    if (off < s->hb) {
        uint32_t n = s->hb - off < len ? s->hb - off : (uint32_t)len;
        memcpy(STAGE_AUX_BUF(s) + off, p, n);
        off += n;
        p += n;
        len -= n;
    }
    /* From here off is a multiple of the program unit (hb is one). */
    uint32_t whole = (uint32_t)len / s->pu * s->pu, rest = (uint32_t)len - whole;
    int err = whole ? ferry_area_program(&s->slot, s->d + off, p, whole) : 0;
    if (!err && rest) {
        uint8_t *buf = STAGE_CHUNK_BUF(s);
        memcpy(buf, p + whole, rest);
        memset(buf + rest, erased_value(s), s->pu - rest);
        err = ferry_area_program(&s->slot, s->d + off + whole, buf, s->pu);
    }
    if (err)
        s->state = STAGE_FAILED;
    return err;
}

void ferry_stage_suspend(struct ferry_stage *s)
{
    if (!s || (s->state != STAGE_IN_ORDER && s->state != STAGE_FAILED))
        return;
    if (!(s->flags & FERRY_STAGE_ANY_ORDER) && s->pend_pos > s->ck_last)
        (void)stage_rec_checkpoint(s, s->pend_pos, s->pend_digest);
    s->state = STAGE_IDLE;
}

void ferry_stage_resume_failed(struct ferry_stage *s)
{
    if (!s || s->state == STAGE_IDLE || s->state == STAGE_STAGED)
        return;
    (void)stage_rec_mark_bad(s);
    s->state = STAGE_IDLE;
}

int ferry_stage_abort(struct ferry_stage *s)
{
    if (!s || !s->cfg)
        return FERRY_E_INVAL;
    if (s->state == STAGE_IDLE || s->state == STAGE_STAGED)
        return 0;
    s->state = STAGE_IDLE;
    return stage_rec_clear(s);
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

/* The file as it will be once marked: staging [D, D + size) with the head. */
struct file_view {
    struct overlay ov;
    struct ferry_sector_region region;
    struct ferry_flash_geometry geo;
    struct ferry_flash dev;
    struct ferry_area area;
};

static void file_view_init(struct file_view *v, const struct ferry_stage *s, const uint8_t *head)
{
    v->ov = (struct overlay){&s->slot, s->d, head, s->hb < s->size ? s->hb : s->size};
    v->region = (struct ferry_sector_region){1, s->size};
    v->geo = (struct ferry_flash_geometry){0, s->size, 1, erased_value(s), 1, &v->region};
    v->dev = (struct ferry_flash){&ov_ops, &v->ov, &v->geo};
    v->area = (struct ferry_area){&v->dev, 0, s->size};
}

static int same_as_manifest(const struct ferry_image_info *i, const struct ferry_manifest *m)
{
    return ferry_version_cmp(&i->version, &m->version) == 0 &&
           i->security_counter == m->security_counter && memcmp(i->vendor_id, m->vendor_id, 16) == 0 &&
           memcmp(i->class_id, m->class_id, 16) == 0;
}

/* The image against the one running and the anti-rollback store: the rules
 * the bootloader applies, so that nothing it would refuse gets marked. */
static int judge_against_running(const struct ferry_stage *s, const struct ferry_image_info *img)
{
    const struct ferry_stage_config *cfg = s->cfg;
    struct ferry_image_info run;
    int err = ferry_image_parse(&cfg->app->primary, FERRY_PARSE_PRIMARY, &run);
    if (err == FERRY_E_IO || err == FERRY_E_POWER_LOSS)
        return err;
    if (!err) {
        if (memcmp(run.digest, img->digest, 32) == 0)
            return FERRY_E_NO_UPDATE;
        if (!(img->flags & FERRY_IMG_F_REVERT) && ferry_version_cmp(&img->version, &run.version) <= 0)
            return FERRY_E_IMG_DOWNGRADE;
        if (img->security_counter < run.security_counter)
            return FERRY_E_IMG_ROLLBACK;
    }
    return stage_counter_allows(cfg->counter, img->security_counter);
}

int stage_min_key_index(const struct ferry_counter *store, const struct ferry_area *primary,
                        uint32_t *min)
{
    struct ferry_image_info run;
    *min = 0;
    if (store) {
        int err = store->ops->read(store->ctx, min);
        if (err)
            return err;
    }
    int err = ferry_image_parse(primary, FERRY_PARSE_PRIMARY, &run);
    if (err == FERRY_E_IO || err == FERRY_E_POWER_LOSS)
        return err;
    if (!err && run.revoke_below > *min)
        *min = run.revoke_below;
    return 0;
}

int stage_counter_allows(const struct ferry_counter *store, uint32_t security_counter)
{
    uint32_t min;
    if (!store)
        return 0;
    int err = store->ops->read(store->ctx, &min);
    if (err)
        return err; /* fail closed */
    return security_counter < min ? FERRY_E_IMG_ROLLBACK : 0;
}

/* Every check of finish on the image file `file` (parsed as `mode`): the
 * agent's manifest, the signature (by a key not revoked), vendor and class, the rules against the
 * running image and the anti-rollback store, and the bootloader's memory of
 * a failed trial. */
static int check_file(struct ferry_stage *s, const struct ferry_area *file,
                      enum ferry_parse_mode mode, const struct ferry_image_digests *streamed,
                      struct ferry_image_info *info)
{
    const struct ferry_stage_config *cfg = s->cfg;
    struct ferry_verify_policy policy = {cfg->keys, cfg->key_count, cfg->vendor_id, cfg->class_id,
                                         0};
    int err = stage_min_key_index(cfg->revocation, &cfg->app->primary, &policy.min_key_index);
    if (!err)
        err = ferry_image_parse(file, mode, info);
    if (!err && s->expect && !same_as_manifest(info, s->expect))
        err = FERRY_E_MANIFEST;
    if (!err)
        err = streamed ? ferry_image_verify_streamed(file, info, &policy, STAGE_CHUNK_BUF(s),
                                                     FERRY_STAGE_CHUNK, streamed)
                       : ferry_image_verify(file, info, &policy, STAGE_CHUNK_BUF(s),
                                            FERRY_STAGE_CHUNK);
    if (!err)
        err = judge_against_running(s, info);
    if (!err) {
        int rejected = stage_rejected(cfg->app, info->digest);
        err = rejected < 0 ? rejected : rejected ? FERRY_E_IMG_REVERTED : 0;
    }
    return err;
}

/* Verifies the file through `v`, then programs the head and checks that the
 * marked copy parses to the verified image. */
static int verify_and_mark(struct ferry_stage *s, struct file_view *v, const uint8_t *head,
                           struct ferry_image_info *info)
{
    int err = check_file(s, &v->area, FERRY_PARSE_FILE, stage_hash_digests(&s->hash), info);
    if (err)
        return err;

    /* Marked for install: the head goes where the bootloader looks. */
    err = ferry_area_program(&s->slot, s->d, head, s->hb);
    if (err)
        return err;
    struct ferry_area staged = s->slot;
    struct ferry_image_info check;
    staged.off += s->d;
    staged.size -= s->d;
    err = ferry_image_parse(&staged, FERRY_PARSE_SLOT, &check);
    if (!err && memcmp(check.digest, info->digest, 32) != 0)
        err = FERRY_E_CORRUPT;
    return err;
}

/* In order: the tail programmed, the streamed digest compared; *head
 * points at the held-back head in the record. */
static int finish_in_order(struct ferry_stage *s, const uint8_t **head)
{
    uint8_t digest[32];
    int err;
    if (s->pos != s->size)
        return FERRY_E_IMG_TRUNCATED;
    if (s->pos > s->prog && (err = flush(s, 1)) != 0)
        return err;
    stage_hash_file(&s->hash, digest);
    if (s->have_sha && ferry_ct_memcmp(digest, s->sha256, 32) != 0) {
        (void)stage_rec_clear(s); /* start from zero next time */
        return FERRY_E_IMG_DIGEST;
    }
    return stage_rec_read_head(s, head);
}

/* Any order: the file hashed from flash with the head from RAM, in the one
 * pass that also gives the verification its digests. */
static int finish_any_order(struct ferry_stage *s, struct file_view *v)
{
    uint8_t digest[32];
    stage_hash_init(&s->hash);
    for (uint32_t off = 0; off < s->size;) {
        uint32_t n = s->size - off < FERRY_STAGE_CHUNK ? s->size - off : FERRY_STAGE_CHUNK;
        int err = ferry_area_read(&v->area, off, STAGE_CHUNK_BUF(s), n);
        if (err)
            return err;
        stage_hash_feed(&s->hash, STAGE_CHUNK_BUF(s), n);
        off += n;
    }
    stage_hash_file(&s->hash, digest);
    if (!s->have_sha)
        return 0;
    return ferry_ct_memcmp(digest, s->sha256, 32) == 0 ? 0 : FERRY_E_IMG_DIGEST;
}

int ferry_stage_finish(struct ferry_stage *s, struct ferry_image_info *info)
{
    struct ferry_image_info local;
    struct file_view v;
    const uint8_t *head = NULL;
    int err;
    if (!info)
        info = &local;
    if (!s || !s->cfg)
        return FERRY_E_INVAL;
    if (s->state == STAGE_STAGED) {
        /* Found marked by begin (or finished before): the same checks, so
         * that an old image left at D (the previous image after an
         * install, one that failed its trial) is never reported staged. */
        struct ferry_area staged = s->slot;
        staged.off += s->d;
        staged.size -= s->d;
        return check_file(s, &staged, FERRY_PARSE_SLOT, NULL, info);
    }
    if (s->state == STAGE_IN_ORDER) {
        err = finish_in_order(s, &head);
    } else if (s->state == STAGE_ANY_ORDER) {
        head = STAGE_AUX_BUF(s);
        file_view_init(&v, s, head);
        err = finish_any_order(s, &v);
    } else {
        return FERRY_E_INVAL;
    }
    if (!err) {
        file_view_init(&v, s, head);
        err = verify_and_mark(s, &v, head, info);
    }
    s->state = err ? STAGE_FAILED : STAGE_STAGED;
    return err;
}

int stage_staged_is_file(struct ferry_stage *s, struct ferry_image_info *info)
{
    struct ferry_area staged = s->slot;
    uint8_t digest[32];
    if (!s->have_sha)
        return 0;
    staged.off += s->d;
    staged.size -= s->d;
    int err = ferry_image_parse(&staged, FERRY_PARSE_SLOT, info);
    if (err == FERRY_E_IO || err == FERRY_E_POWER_LOSS)
        return err;
    if (err || info->total_size != s->size)
        return 0;
    err = ferry_area_sha256(&staged, 0, s->size, STAGE_CHUNK_BUF(s), FERRY_STAGE_CHUNK, digest);
    if (err)
        return err;
    return ferry_ct_memcmp(digest, s->sha256, 32) == 0;
}

int stage_rejected(const struct ferry_app_config *app, const uint8_t digest[32])
{
    struct ferry_status_ctx sc = {&app->status, &app->primary, &app->staging, app->buf,
                                  app->buf_len};
    struct ferry_status st;
    int err = ferry_status_read(&sc, &st);
    if (err)
        return err;
    return st.bank >= 0 && st.hdr.op == FERRY_OP_REVERT && st.done &&
           memcmp(st.hdr.out_digest, digest, 32) == 0;
}
