/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An update from a card: verify update.bin on a FAT volume and stage it
 * (contract and power-cut argument: include/ferry/card_update.h).
 *
 * Scratch: cfg->buf holds the held-back image head in its first program
 * unit; the rest (a multiple of the program unit) is the copy buffer and
 * the hashing buffer.
 */
#include <string.h>
#include "ferry/card_update.h"
#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "boot_crypt_priv.h"
#include "card_priv.h"
#include "status_priv.h"

/* ---- The staged copy with its head overlaid from RAM -------------------- */

struct overlay {
    const struct ferry_area *slot; /* staging */
    uint32_t base;                 /* D */
    const uint8_t *head;
    uint32_t head_len;
};

static int ov_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    const struct overlay *o = ctx;
    int err = ferry_area_read(o->slot, o->base + off, buf, len);
    if (err || off >= o->head_len)
        return err;
    uint32_t n = o->head_len - off < len ? o->head_len - off : len;
    memcpy(buf, o->head + off, n);
    return 0;
}

static const struct ferry_flash_ops ov_ops = {ov_read, card_refuse_program, card_refuse_erase};

/* ---- Steps ---------------------------------------------------------------- */

struct card_run {
    const struct ferry_boot_config *cfg;
    struct ferry_area staged;  /* staging [D, end) */
    uint32_t d;
    uint32_t pu;               /* staging program unit */
    uint8_t *head;             /* cfg->buf[0, pu) */
    uint8_t *work;             /* the rest of cfg->buf */
    uint32_t work_len;
    uint8_t rejected[32];
    int have_rejected;
    /* cfg->policy with the revocation store's lowest trusted key index */
    struct ferry_verify_policy policy;
};

static void feed(const struct card_run *r)
{
    if (r->cfg->hooks.watchdog_feed)
        r->cfg->hooks.watchdog_feed(r->cfg->hooks.ctx);
}

/* Step 1: 0 when no operation is in flight and no trial waits; remembers the
 * image the last revert rejected. */
static int check_stable(struct card_run *r)
{
    const struct ferry_boot_config *cfg = r->cfg;
    struct ferry_status_ctx sc = {&cfg->status, &cfg->primary, &cfg->staging, cfg->buf,
                                  cfg->buf_len};
    struct ferry_status st;
    int err = ferry_status_read(&sc, &st);
    if (err == FERRY_E_STATE)
        return 0; /* unreadable status: ferry_boot() treats it as factory state */
    if (err)
        return err;
    if (st.bank < 0)
        return 0;
    if (!st.done)
        return FERRY_E_BUSY;
    if (st.hdr.op == FERRY_OP_REVERT) {
        memcpy(r->rejected, st.hdr.out_digest, 32);
        r->have_rejected = 1;
        return 0;
    }
    if ((st.hdr.flags & FERRY_STATUS_F_PERMANENT) || st.confirmed)
        return 0;
    return FERRY_E_BUSY; /* a trial image runs, or is about to, or will be reverted */
}

static int setup(struct card_run *r, const struct ferry_boot_config *cfg)
{
    memset(r, 0, sizeof *r);
    r->cfg = cfg;
    if (!cfg->buf || ferry_area_check(&cfg->staging) != 0 || ferry_area_check(&cfg->primary) != 0)
        return FERRY_E_INVAL;
    r->d = ferry_staging_image_offset(&cfg->primary, &cfg->staging);
    if (r->d == 0 || r->d >= cfg->staging.size)
        return FERRY_E_INVAL;
    r->staged = cfg->staging;
    r->staged.off += r->d;
    r->staged.size -= r->d;
    r->pu = cfg->staging.dev->geo->program_unit;
    if (r->pu == 0 || cfg->buf_len % r->pu || !ferry_area_is_sector_boundary(&cfg->staging, r->d))
        return FERRY_E_INVAL;
    r->policy = cfg->policy;
    if (cfg->revocation) {
        uint32_t min_key;
        int err = cfg->revocation->ops->read(cfg->revocation->ctx, &min_key);
        if (err)
            return err; /* fail closed, as ferry_boot() does */
        if (min_key > r->policy.min_key_index)
            r->policy.min_key_index = min_key;
    }
    if (cfg->buf_len < 2u * r->pu)
        return FERRY_E_UNSUPPORTED;
    r->head = cfg->buf;
    r->work = cfg->buf + r->pu;
    r->work_len = (uint32_t)(cfg->buf_len - r->pu);
    return 0;
}

/* Step 3: the checks that cost no hashing, and whether the primary's version
 * decides (it does unless the primary fails verification). */
static int judge(struct card_run *r, const struct ferry_image_info *img, int *applied)
{
    const struct ferry_boot_config *cfg = r->cfg;
    const struct ferry_verify_policy *pol = &r->policy;
    struct ferry_image_info prim;
    *applied = 0;
    if (pol->vendor_id && memcmp(img->vendor_id, pol->vendor_id, 16) != 0)
        return FERRY_E_IMG_VENDOR;
    if (pol->class_id && memcmp(img->class_id, pol->class_id, 16) != 0)
        return FERRY_E_IMG_CLASS;
    if (img->total_size > cfg->primary.size || img->total_size > r->staged.size)
        return FERRY_E_IMG_TOO_BIG;
    /* Encrypted images (docs/encryption.md): refused here for the reasons
     * ferry_boot() would refuse them staged, before anything is hashed. */
    if (cfg->require_encrypted && !(img->flags & FERRY_IMG_F_ENCRYPTED))
        return FERRY_E_IMG_PLAIN;
    int uerr = ferry_boot_crypt_usable(cfg, img);
    if (uerr)
        return uerr;
    int perr = ferry_image_parse(&cfg->primary, FERRY_PARSE_PRIMARY, &prim);
    if (perr == FERRY_E_IO || perr == FERRY_E_POWER_LOSS)
        return perr;
    if (!perr && memcmp(prim.digest, img->digest, 32) == 0) {
        *applied = 1;
        return FERRY_E_NO_UPDATE;
    }
    if (r->have_rejected && memcmp(r->rejected, img->digest, 32) == 0)
        return FERRY_E_IMG_REVERTED;
    if (!perr && !(img->flags & FERRY_IMG_F_REVERT) &&
        ferry_version_cmp(&img->version, &prim.version) <= 0) {
        /* Older or equal: only a primary that does not verify lets it in
         * (the card then rescues a device whose image decayed). */
        if (ferry_image_verify(&cfg->primary, &prim, pol, r->work, r->work_len) == 0)
            return FERRY_E_IMG_DOWNGRADE;
    }
    if (cfg->counter) {
        uint32_t min;
        if (cfg->counter->ops->read(cfg->counter->ctx, &min) != 0 || img->security_counter < min)
            return FERRY_E_IMG_ROLLBACK; /* fail closed, as ferry_boot() does */
    }
    return 0;
}

/*
 * 0 if `a` [0, protected_size) holds what `img` was verified with: a plain
 * image's trailer digest covers all of it; an encrypted (stored form) or
 * header-signed image's covers the header, and the payload hashes to its
 * signed ciphertext digest (a header-signed image's one payload digest).
 * FERRY_E_IMG_DIGEST, FERRY_E_IMG_CIPHERTEXT, read errors.
 */
static int holds_verified(struct card_run *r, const struct ferry_area *a,
                          const struct ferry_image_info *img)
{
    int split = (img->flags & FERRY_IMG_F_HEADER_DIGEST) != 0;
    uint32_t head = split ? img->header_size : img->protected_size;
    uint8_t digest[32];
    int err = ferry_area_sha256(a, 0, head, r->work, r->work_len, digest);
    if (err)
        return err;
    if (ferry_ct_memcmp(digest, img->digest, 32) != 0)
        return FERRY_E_IMG_DIGEST;
    if (!split)
        return 0;
    err = ferry_area_sha256(a, head, img->payload_size, r->work, r->work_len, digest);
    if (err)
        return err;
    if (ferry_ct_memcmp(digest, img->cipher_digest, 32) == 0)
        return 0;
    return (img->flags & FERRY_IMG_F_ENCRYPTED) ? FERRY_E_IMG_CIPHERTEXT : FERRY_E_IMG_DIGEST;
}

/* An encrypted image whose content key does not open with this device's
 * class key would be staged only to be refused by ferry_boot() (and the card
 * marked applied): FERRY_E_IMG_KEYWRAP now instead. The key is closed again
 * at once; the install opens it anew. 0 for a plain image. */
static int key_opens(const struct ferry_boot_config *cfg, const struct ferry_image_info *img)
{
    ferry_cipher c;
    struct ferry_swap_crypt x;
    memset(&c, 0, sizeof c);
    int err = ferry_boot_crypt_open(cfg, img, &c, &x);
    if (!err)
        ferry_boot_crypt_close(cfg, &x);
    return err;
}

/* 1 if staging [D..] already holds `img`, complete and intact. */
static int already_staged(struct card_run *r, const struct ferry_image_info *img)
{
    struct ferry_image_info st;
    int err = ferry_image_parse(&r->staged, FERRY_PARSE_SLOT, &st);
    if (err == FERRY_E_IO || err == FERRY_E_POWER_LOSS)
        return err;
    if (err || st.total_size != img->total_size || memcmp(st.digest, img->digest, 32) != 0 ||
        memcmp(st.key_id, img->key_id, 32) != 0 || memcmp(st.signature, img->signature, 64) != 0)
        return 0;
    err = holds_verified(r, &r->staged, img);
    if (err == FERRY_E_IMG_DIGEST || err == FERRY_E_IMG_CIPHERTEXT)
        return 0;
    return err ? err : 1;
}

/* Erases whole sectors of staging [D..] from *erased_to until `end` is covered. */
static int erase_to(struct card_run *r, uint32_t *erased_to, uint32_t end)
{
    while (*erased_to < end) {
        uint32_t start, size;
        int err = ferry_area_sector_at(&r->staged, *erased_to, &start, &size);
        if (!err && start != *erased_to)
            err = FERRY_E_INVAL;
        if (!err)
            err = ferry_area_erase(&r->staged, start, size);
        if (err)
            return err;
        feed(r);
        *erased_to = start + size;
    }
    return 0;
}

/* Step 5: the copy, everything but the first program unit. */
static int copy(struct card_run *r, const struct ferry_area *file, uint32_t size)
{
    uint8_t ev = r->cfg->staging.dev->geo->erased_value;
    uint32_t erased_to = 0;
    for (uint32_t off = 0; off < size;) {
        uint32_t n = size - off < r->work_len ? size - off : r->work_len;
        int err = ferry_area_read(file, off, r->work, n);
        if (err)
            return err;
        uint32_t padded = (n + r->pu - 1) / r->pu * r->pu;
        memset(r->work + n, ev, padded - n);
        uint32_t skip = 0;
        if (off == 0) {
            memset(r->head, ev, r->pu);
            memcpy(r->head, r->work, n < r->pu ? n : r->pu);
            skip = r->pu < padded ? r->pu : padded;
        }
        if (off + padded > r->staged.size)
            return FERRY_E_IMG_TOO_BIG;
        err = erase_to(r, &erased_to, off + padded);
        if (!err && padded > skip)
            err = ferry_area_program(&r->staged, off + skip, r->work + skip, padded - skip);
        if (err)
            return err;
        feed(r);
        off += n;
    }
    return 0;
}

/* Step 5, the end: the copy hashes to the verified digest, then the head. */
static int check_and_mark(struct card_run *r, const struct ferry_image_info *img)
{
    struct overlay ov = {&r->staged, 0, r->head, r->pu};
    struct ferry_sector_region region = {1, img->total_size};
    struct ferry_flash_geometry geo = {0, img->total_size, 1, 0xFF, 1, &region};
    struct ferry_flash dev = {&ov_ops, &ov, &geo};
    struct ferry_area copy_area = {&dev, 0, img->total_size};
    struct ferry_image_info check;
    int err = holds_verified(r, &copy_area, img);
    if (err)
        return err; /* the card or the flash changed bytes on the way */
    /* The trailer is not covered by the digest: compare all of it, so that
     * what ferry_boot() verifies is exactly what was verified here. */
    err = ferry_image_parse(&copy_area, FERRY_PARSE_FILE, &check);
    if (!err && (memcmp(check.digest, img->digest, 32) != 0 ||
                 memcmp(check.key_id, img->key_id, 32) != 0 ||
                 memcmp(check.signature, img->signature, 64) != 0))
        err = FERRY_E_CORRUPT;
    if (err)
        return err;
    err = ferry_area_program(&r->staged, 0, r->head, r->pu);
    if (err)
        return err;
    err = ferry_image_parse(&r->staged, FERRY_PARSE_SLOT, &check);
    if (!err && memcmp(check.digest, img->digest, 32) != 0)
        err = FERRY_E_CORRUPT;
    return err;
}

int ferry_card_stage(const struct ferry_boot_config *cfg, struct ferry_fat *fs,
                     const struct ferry_card_config *cc, struct ferry_card_result *res)
{
    struct ferry_card_result local;
    struct card_run r;
    struct ferry_fat_file f;
    struct card_file_view v;
    int applied;
    if (!res)
        res = &local;
    memset(res, 0, sizeof *res);
    if (!cfg || !fs)
        return FERRY_E_INVAL;
    const char *from = cc && cc->update_path ? cc->update_path : FERRY_CARD_UPDATE_PATH;
    const char *to = cc && cc->done_path ? cc->done_path : FERRY_CARD_DONE_PATH;
    int (*mark)(struct ferry_fat *, const char *, const char *) = cc ? cc->mark_applied : NULL;

    int err = setup(&r, cfg);
    if (!err)
        err = check_stable(&r);
    if (!err)
        err = ferry_fat_open(fs, from, &f);
    if (err)
        return err;
    card_file_view_init(&v, &f);
    err = ferry_image_parse(&v.area, FERRY_PARSE_FILE, &res->image);
    if (err)
        return err;
    res->parsed = 1;
    err = judge(&r, &res->image, &applied);
    if (err) {
        if (applied && mark)
            res->mark_err = mark(fs, from, to);
        return err;
    }
    err = ferry_image_verify(&v.area, &res->image, &r.policy, r.work, r.work_len);
    if (!err)
        err = key_opens(cfg, &res->image);
    if (err)
        return err;
    int staged = already_staged(&r, &res->image);
    if (staged < 0)
        return staged;
    if (!staged) {
        res->copied = 1;
        err = copy(&r, &v.area, res->image.total_size);
        if (!err)
            err = check_and_mark(&r, &res->image);
        if (err)
            return err;
    }
    if (mark)
        res->mark_err = mark(fs, from, to);
    return 0;
}
