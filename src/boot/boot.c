/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ferry_boot(): one reset's worth of decisions. The state machine is drawn in
 * docs/design.md; in short:
 *
 *   status op  | progress                | this boot
 *   -----------+-------------------------+------------------------------------
 *   none       |                         | stable: primary is confirmed
 *   INSTALL    | steps not all done      | resume the forward swap
 *   INSTALL    | done, permanent/confirmed| stable
 *   INSTALL    | done, not booted        | mark booted, arm watchdog, run on trial
 *   INSTALL    | done, booted, no confirm| start REVERT
 *   REVERT     | not done                | resume the backward swap
 *   REVERT     | done                    | stable; the reverted image is rejected
 *
 * In a stable state a valid, newer staged image starts an INSTALL. Whatever
 * runs is verified first: fully (digest + signature), or, right after an
 * install in this same boot, by the digest of what was written compared with
 * the staged image's verified digest (one signature check per update boot).
 */
#include <string.h>
#include "ferry/boot.h"
#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "status_priv.h"
#include "swap_priv.h"

struct boot_run {
    const struct ferry_boot_config *cfg;
    struct ferry_status_ctx sc;
    struct ferry_status st;
    uint32_t min_counter;
    int counter_ok;
};

static void ev(const struct boot_run *r, enum ferry_boot_event e, int err,
               const struct ferry_image_info *info)
{
    if (r->cfg->hooks.event)
        r->cfg->hooks.event(r->cfg->hooks.ctx, e, err, info);
}

static int mark_step(void *ctx, uint32_t step)
{
    struct boot_run *r = ctx;
    int err = ferry_status_mark(&r->sc, &r->st, step);
    if (!err)
        r->st.steps_done = step + 1;
    return err;
}

static int mark(struct boot_run *r, uint32_t index)
{
    return ferry_status_mark(&r->sc, &r->st, index);
}

static struct ferry_area staged_area(const struct ferry_boot_config *cfg)
{
    struct ferry_area a = cfg->staging;
    uint32_t d = ferry_staging_image_offset(&cfg->primary, &cfg->staging);
    a.off += d;
    a.size = d < a.size ? a.size - d : 0;
    return a;
}

/* Parse + full verification of the primary image, and the counter floor. */
static int verify_primary(struct boot_run *r, struct ferry_image_info *info)
{
    const struct ferry_boot_config *cfg = r->cfg;
    int err = ferry_image_parse(&cfg->primary, FERRY_PARSE_SLOT, info);
    if (!err)
        err = ferry_image_verify(&cfg->primary, info, &cfg->policy, cfg->buf, cfg->buf_len);
    if (!err && r->counter_ok && info->security_counter < r->min_counter)
        err = FERRY_E_IMG_ROLLBACK;
    return err;
}

static int run_revert(struct boot_run *r)
{
    int err = ferry_swap_run(r->cfg, FERRY_SWAP_BACKWARD, r->st.hdr.region, r->st.steps_done,
                             mark_step, r, NULL, 0);
    if (!err)
        err = mark(r, FERRY_MARK_DONE(r->st.units));
    if (err)
        return err;
    r->st.done = 1;
    ev(r, FERRY_EV_REVERT_DONE, 0, NULL);
    return 0;
}

/* The installed image is moved back out: a REVERT with in/out exchanged. */
static int start_revert(struct boot_run *r)
{
    struct ferry_status_hdr h;
    memset(&h, 0, sizeof h);
    h.op = FERRY_OP_REVERT;
    h.region = r->st.hdr.region;
    h.in_size = r->st.hdr.out_size;
    h.out_size = r->st.hdr.in_size;
    memcpy(h.in_digest, r->st.hdr.out_digest, 32);
    memcpy(h.out_digest, r->st.hdr.in_digest, 32);
    int err = ferry_status_begin(&r->sc, &r->st, &h);
    if (err)
        return err;
    ev(r, FERRY_EV_REVERT_START, 0, NULL);
    return run_revert(r);
}

/*
 * Runs (or resumes) the forward swap, hashing what lands in the primary.
 * *verified = 1 when the copy matched the digest the staged image was verified
 * with. A mismatch reverts at once.
 */
static int run_install(struct boot_run *r, int *verified)
{
    ferry_sha256_ctx h;
    uint8_t digest[32];
    uint32_t protected_len = r->st.hdr.in_size - FERRY_IMG_TRAILER_SIZE;
    ferry_sha256_init(&h);
    int err = ferry_swap_run(r->cfg, FERRY_SWAP_FORWARD, r->st.hdr.region, r->st.steps_done,
                             mark_step, r, &h, protected_len);
    if (err)
        return err;
    ferry_sha256_final(&h, digest);
    if (ferry_ct_memcmp(digest, r->st.hdr.in_digest, 32) != 0) {
        ev(r, FERRY_EV_INSTALL_FAILED, FERRY_E_IMG_DIGEST, NULL);
        if (r->st.hdr.out_size == 0)
            return FERRY_E_NO_IMAGE; /* nothing to go back to */
        return start_revert(r);
    }
    err = mark(r, FERRY_MARK_DONE(r->st.units));
    if (err)
        return err;
    r->st.done = 1;
    *verified = 1;
    return 0;
}

/*
 * Decides whether the staged image may be installed over `primary` (NULL when
 * the primary holds nothing valid). Cheap checks come first; only an image
 * that would be installed costs a signature verification.
 * Returns 0 (install it), FERRY_E_NOT_FOUND (nothing new staged) or why not.
 */
static int check_staged(struct boot_run *r, const struct ferry_image_info *primary,
                        const uint8_t *rejected, struct ferry_image_info *cand)
{
    const struct ferry_boot_config *cfg = r->cfg;
    struct ferry_area sa = staged_area(cfg);
    int err = ferry_image_parse(&sa, FERRY_PARSE_SLOT, cand);
    if (err == FERRY_E_IMG_MAGIC)
        return FERRY_E_NOT_FOUND;
    if (err)
        return err;
    if (primary && memcmp(cand->digest, primary->digest, 32) == 0)
        return FERRY_E_NOT_FOUND; /* the running image itself (left over after a swap) */
    ev(r, FERRY_EV_STAGED_FOUND, 0, cand);
    if (cand->total_size > cfg->primary.size)
        return FERRY_E_IMG_TOO_BIG;
    if (rejected && memcmp(cand->digest, rejected, 32) == 0)
        return FERRY_E_IMG_REVERTED;
    if (primary && !(cand->flags & FERRY_IMG_F_REVERT) &&
        ferry_version_cmp(&cand->version, &primary->version) <= 0)
        return FERRY_E_IMG_DOWNGRADE;
    err = ferry_image_verify(&sa, cand, &cfg->policy, cfg->buf, cfg->buf_len);
    if (err)
        return err;
    if (!r->counter_ok || cand->security_counter < r->min_counter)
        return FERRY_E_IMG_ROLLBACK;
    return 0;
}

static int start_install(struct boot_run *r, const struct ferry_image_info *primary,
                         const struct ferry_image_info *cand, int *verified)
{
    struct ferry_status_hdr h;
    uint32_t span = cand->total_size;
    memset(&h, 0, sizeof h);
    h.op = FERRY_OP_INSTALL;
    h.in_size = cand->total_size;
    memcpy(h.in_digest, cand->digest, 32);
    if (primary) {
        h.out_size = primary->total_size;
        memcpy(h.out_digest, primary->digest, 32);
        if (primary->total_size > span)
            span = primary->total_size;
    } else {
        h.flags = FERRY_STATUS_F_PERMANENT; /* nothing valid to revert to */
    }
    if (cand->flags & FERRY_IMG_F_PERMANENT)
        h.flags = FERRY_STATUS_F_PERMANENT; /* the vendor signed it for install without trial */
    int err = ferry_swap_round_up(&r->cfg->primary, &r->cfg->staging, span, &h.region);
    if (!err)
        err = ferry_status_begin(&r->sc, &r->st, &h);
    if (err)
        return err;
    ev(r, FERRY_EV_INSTALL_START, 0, cand);
    return run_install(r, verified);
}

/* 1 if the image kept in staging [0, ..) by the current install is intact. */
static int backup_intact(struct boot_run *r)
{
    uint8_t digest[32];
    if (r->st.hdr.out_size < FERRY_IMG_TRAILER_SIZE)
        return 0;
    int err = ferry_area_sha256(&r->cfg->staging, 0, r->st.hdr.out_size - FERRY_IMG_TRAILER_SIZE,
                                r->cfg->buf, r->cfg->buf_len, digest);
    return !err && ferry_ct_memcmp(digest, r->st.hdr.out_digest, 32) == 0;
}

static int advance_counter(struct boot_run *r, const struct ferry_image_info *img)
{
    const struct ferry_counter *c = r->cfg->counter;
    if (!c || !r->counter_ok || img->security_counter <= r->min_counter)
        return 0;
    int err = c->ops->advance(c->ctx, img->security_counter);
    if (err)
        return err;
    r->min_counter = img->security_counter;
    ev(r, FERRY_EV_COUNTER_ADVANCED, (int)img->security_counter, img);
    return 0;
}

static int finish(struct boot_run *r, struct ferry_boot_result *res, int trial)
{
    res->trial = trial;
    res->entry_off = r->cfg->primary.off + res->image.header_size;
    if (trial) {
        int err = mark(r, FERRY_MARK_BOOTED(r->st.units));
        if (err)
            return err;
        ev(r, FERRY_EV_TRIAL_BOOT, 0, &res->image);
        if (r->cfg->hooks.watchdog_arm)
            r->cfg->hooks.watchdog_arm(r->cfg->hooks.ctx);
    }
    ev(r, FERRY_EV_BOOT, 0, &res->image);
    return 0;
}

static int install_and_boot(struct boot_run *r, struct ferry_boot_result *res,
                            const struct ferry_image_info *old, const struct ferry_image_info *cand);

/*
 * A stable state: install a valid newer staged image, or run the primary.
 * The staged image is screened first with cheap checks against the primary's
 * header, so a boot with nothing to install costs one full verification (the
 * primary's) and an update boot costs one signature check (the staged image's).
 *
 * The primary is not hashed again before it becomes the backup of an install:
 * it was verified on the boot that last ran it, and if it has decayed since,
 * backup_intact() notices before any revert and keeps the (verified) new image
 * instead. Nothing unverified ever runs either way.
 */
static int stable_boot(struct boot_run *r, struct ferry_boot_result *res, const uint8_t *rejected)
{
    struct ferry_image_info prim, cand;
    int parse_err = ferry_image_parse(&r->cfg->primary, FERRY_PARSE_SLOT, &prim);
    int staged = check_staged(r, parse_err ? NULL : &prim, rejected, &cand);
    if (staged == 0)
        return install_and_boot(r, res, parse_err ? NULL : &prim, &cand);

    int primary_err = verify_primary(r, &res->image);
    if (primary_err) {
        ev(r, FERRY_EV_PRIMARY_INVALID, primary_err, NULL);
        /* The staged image was judged against a primary that turned out to be
         * invalid: judge it again on its own. */
        if (!parse_err && (staged == FERRY_E_IMG_DOWNGRADE || staged == FERRY_E_NOT_FOUND)) {
            staged = check_staged(r, NULL, rejected, &cand);
            if (staged == 0)
                return install_and_boot(r, res, NULL, &cand);
        }
    }
    if (staged != FERRY_E_NOT_FOUND) {
        res->staged_err = staged;
        ev(r, FERRY_EV_STAGED_REJECTED, staged, NULL);
    }
    if (primary_err)
        return FERRY_E_NO_IMAGE;
    int err = advance_counter(r, &res->image);
    return err ? err : finish(r, res, 0);
}

/* Installs `cand` over `old` (NULL: nothing valid to keep, so no trial). */
static int install_and_boot(struct boot_run *r, struct ferry_boot_result *res,
                            const struct ferry_image_info *old, const struct ferry_image_info *cand)
{
    int verified = 0;
    int err = start_install(r, old, cand, &verified);
    if (err)
        return err;
    if (!verified) { /* the copy did not match and was reverted */
        res->action = FERRY_BOOT_REVERTED;
        return stable_boot(r, res, r->st.hdr.out_digest);
    }
    ev(r, FERRY_EV_INSTALL_DONE, 0, cand);
    /* The copy hashed to the verified digest: parsing is all that is left. */
    err = ferry_image_parse(&r->cfg->primary, FERRY_PARSE_SLOT, &res->image);
    if (err)
        return FERRY_E_NO_IMAGE;
    res->action = FERRY_BOOT_INSTALLED;
    if (r->st.hdr.flags & FERRY_STATUS_F_PERMANENT) {
        err = advance_counter(r, &res->image);
        return err ? err : finish(r, res, 0);
    }
    return finish(r, res, 1);
}

int ferry_boot(const struct ferry_boot_config *cfg, struct ferry_boot_result *res)
{
    struct boot_run r;
    memset(res, 0, sizeof *res);
    memset(&r, 0, sizeof r);
    r.cfg = cfg;
    int err = ferry_boot_layout_check(cfg);
    if (err)
        return err;
    r.sc.status = &cfg->status;
    r.sc.primary = &cfg->primary;
    r.sc.staging = &cfg->staging;
    r.sc.buf = cfg->buf;
    r.sc.buf_len = cfg->buf_len;

    r.counter_ok = 1;
    if (cfg->counter && cfg->counter->ops->read(cfg->counter->ctx, &r.min_counter) != 0)
        r.counter_ok = 0; /* fail closed: no install, no advance; the primary still runs */

    err = ferry_status_read(&r.sc, &r.st);
    if (err == FERRY_E_STATE)
        r.st.bank = -1, r.st.hdr.op = FERRY_OP_NONE; /* see docs/design.md: corrupt status */
    else if (err)
        return err;
    ev(&r, FERRY_EV_STATE, r.st.bank < 0 ? FERRY_OP_NONE : r.st.hdr.op, NULL);

    if (r.st.bank >= 0 && r.st.hdr.op == FERRY_OP_REVERT) {
        if (!r.st.done) {
            ev(&r, FERRY_EV_REVERT_RESUME, 0, NULL);
            err = run_revert(&r);
            if (err)
                return err;
            res->action = FERRY_BOOT_REVERTED;
        }
        return stable_boot(&r, res, r.st.hdr.out_digest);
    }
    if (r.st.bank < 0)
        return stable_boot(&r, res, NULL);

    /* INSTALL */
    int verified = 0;
    if (!r.st.done) {
        ev(&r, FERRY_EV_INSTALL_RESUME, 0, NULL);
        err = run_install(&r, &verified);
        if (err)
            return err;
        if (r.st.hdr.op == FERRY_OP_REVERT) { /* the copy was wrong and got undone */
            res->action = FERRY_BOOT_REVERTED;
            return stable_boot(&r, res, r.st.hdr.out_digest);
        }
        res->action = FERRY_BOOT_INSTALLED;
    }
    if ((r.st.hdr.flags & FERRY_STATUS_F_PERMANENT) || r.st.confirmed)
        return stable_boot(&r, res, NULL);
    if (r.st.booted) {
        /* The trial image restarted without confirming: go back, unless the
         * backup was damaged meanwhile (then reverting would lose both). */
        if (!backup_intact(&r)) {
            ev(&r, FERRY_EV_BACKUP_DAMAGED, FERRY_E_IMG_DIGEST, NULL);
            err = verify_primary(&r, &res->image);
            if (err) {
                ev(&r, FERRY_EV_PRIMARY_INVALID, err, NULL);
                return FERRY_E_NO_IMAGE;
            }
            err = mark(&r, FERRY_MARK_CONFIRMED(r.st.units));
            return err ? err : stable_boot(&r, res, NULL);
        }
        err = start_revert(&r);
        if (err)
            return err;
        res->action = FERRY_BOOT_REVERTED;
        return stable_boot(&r, res, r.st.hdr.out_digest);
    }
    /* Done, not yet booted: run on trial. Verify unless this boot just did. */
    if (verified)
        err = ferry_image_parse(&cfg->primary, FERRY_PARSE_SLOT, &res->image);
    else
        err = verify_primary(&r, &res->image);
    if (err) {
        ev(&r, FERRY_EV_PRIMARY_INVALID, err, NULL);
        if (r.st.hdr.out_size == 0)
            return FERRY_E_NO_IMAGE;
        err = start_revert(&r);
        if (err)
            return err;
        res->action = FERRY_BOOT_REVERTED;
        return stable_boot(&r, res, r.st.hdr.out_digest);
    }
    return finish(&r, res, 1);
}
