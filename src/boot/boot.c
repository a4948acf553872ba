/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ferry_boot(): one reset's worth of decisions. The state machine is drawn in
 * docs/design.md ("Boot state machine"); the rules it rests on:
 *
 *  1. Only what was verified in THIS boot runs: the image's signature by a
 *     built-in key not revoked, vendor, class and a security counter at or
 *     above the stored minimum, all taken from one read of the image into RAM
 *     (ferry_image_verify). The status area, the counter store and both slots
 *     are input, not state to believe: the status may say where a swap
 *     stands, never what is trusted.
 *  2. The primary is judged first, on every boot. A primary that verifies is
 *     whole, so a status that claims a swap under way through it is not
 *     believed (a swap that moved any of it leaves no verifying image there).
 *  3. The stored minimum reaches the running image's counter, and the
 *     revocation store what a confirmed running image revokes, before
 *     anything staged is judged.
 *  4. Before a revert, the image to be restored is verified completely; if it
 *     would not run, the current image (if it runs) is kept and confirmed.
 *  5. "Rejected" and "downgrade" only ever choose between runnable images:
 *     with no runnable primary, a runnable staged image is installed.
 *
 *   status op  | progress                 | this boot
 *   -----------+--------------------------+------------------------------------
 *   none       |                          | stable
 *   INSTALL    | not done, primary runs   | not believed: stable
 *              |   as the incoming image  | done (steps past it still run): trial
 *   INSTALL    | not done, primary fails  | resume the forward swap, verify the result
 *   INSTALL    | done, permanent/confirmed| stable (never reverted, even if unreadable)
 *   INSTALL    | done, not booted         | mark booted, arm watchdog, run on trial
 *   INSTALL    | done, booted, no confirm | revert if the backup verifies, else keep
 *   REVERT     | not done, primary runs   | revert again if the backup verifies, else keep
 *              |   as the restored image  | done
 *   REVERT     | not done, primary fails  | resume the backward swap, verify the result
 *   REVERT     | done                     | stable; the reverted image is rejected
 *
 * Stable: record the primary's counter, install a valid newer staged image,
 * or run the primary.
 */
#include <string.h>
#include "ferry/boot.h"
#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "ferry/byteorder.h"
#include "image_priv.h"
#include "status_priv.h"
#include "swap_priv.h"
#include "boot_crypt_priv.h"

/*
 * An image judged in this boot: the RAM copy of its one verified read, and a
 * seal that only a complete verification sets, bound to that image's digest.
 * Installing and running check the seal again, so one skipped branch in the
 * decisions between (a glitch) cannot hand an unverified image on.
 * An image whose digest covers only its header (header-signed or encrypted)
 * may be judged on its header first: a header seal, which lets it be
 * installed or replaced (its payload is then checked as the install writes
 * it) but never run; only the full seal runs an image (finish()).
 */
struct judged {
    struct ferry_image_info info;
    uint32_t seal;
};
#define SEAL_MAGIC        0x6B2D5AC3u
#define HEADER_SEAL_MAGIC 0x35A9C60Fu

static uint32_t seal_of(const struct ferry_image_info *i)
{
    return SEAL_MAGIC ^ ferry_get_le32(i->digest) ^ ferry_get_le32(i->digest + 28);
}

static uint32_t header_seal_of(const struct ferry_image_info *i)
{
    return seal_of(i) ^ HEADER_SEAL_MAGIC;
}

static int sealed(const struct judged *j)
{
    volatile uint32_t seal = j->seal;
    return seal == seal_of(&j->info) && j->seal == seal_of(&j->info);
}

/* Sealed, or its header verified in this boot (enough to install it or to
 * replace it, not to run it). */
static int header_sealed(const struct judged *j)
{
    volatile uint32_t seal = j->seal;
    return (seal == seal_of(&j->info) || seal == header_seal_of(&j->info)) &&
           (j->seal == seal_of(&j->info) || j->seal == header_seal_of(&j->info));
}

struct boot_run {
    const struct ferry_boot_config *cfg;
    struct ferry_status_ctx sc;
    struct ferry_status st;
    uint32_t min_counter;
    /* cfg->policy with the lowest trusted key index in force: the
     * revocation store's, raised by a confirmed primary that asks more. */
    struct ferry_verify_policy policy;
    /* Content keys of this boot's swap (docs/encryption.md): [0] the image
     * moving in (or out, reverting a failed install), [1] the other one.
     * Wiped before ferry_boot() returns. */
    ferry_cipher cipher[2];
    /* The transform of the image a failed install leaves in the primary,
     * for the revert that follows (NULL otherwise). */
    const struct ferry_swap_crypt *failed_in;
    /* A backup was moved into the primary in this boot: it is what runs
     * (docs/boot-fuzzer.md F19). */
    int restored;
    /* An install's copy did not verify in this boot: no more one-pass
     * installs in it (judge_staged()). */
    int copy_failed;
};

static void ev(const struct boot_run *r, enum ferry_boot_event e, int err,
               const struct ferry_image_info *info)
{
    if (r->cfg->hooks.event)
        r->cfg->hooks.event(r->cfg->hooks.ctx, e, err, info);
}

/* Errors that end the boot at once: the device is gone (power cut). Every
 * other error of a read is a verdict on the image read ("does not run"). */
static int fatal(int err)
{
    return err == FERRY_E_POWER_LOSS;
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

/* The staging slot's first primary-size bytes: where a backup is kept. */
static struct ferry_area backup_area(const struct ferry_boot_config *cfg)
{
    struct ferry_area a = cfg->staging;
    if (a.size > cfg->primary.size)
        a.size = cfg->primary.size;
    return a;
}

/*
 * 0 when `area` holds an image this bootloader would run: verified in this
 * boot (one read, signature by a key not revoked, vendor, class;
 * ferry_image_verify) with a security counter at or above the stored
 * minimum. *info is then that read.
 * runnable_parsed() takes j->info as parsed from `area` by the caller (and
 * `err`, that parse's result): the verification then proves that every check
 * the caller made on j->info was made on the signed bytes (a second read
 * that differs is FERRY_E_IMG_CHANGED). runnable() parses first.
 * `header_only`: an image whose digest covers its header only is verified
 * on its header (j gets the header seal, its payload is not read); any
 * other image is verified completely.
 */
static int runnable_parsed(const struct boot_run *r, const struct ferry_area *area,
                           struct judged *j, int err, int header_only)
{
    const struct ferry_boot_config *cfg = r->cfg;
    struct ferry_image_info *info = &j->info;
    uint32_t proof = 0;
    j->seal = 0;
    if (!err && info->total_size > cfg->primary.size)
        err = FERRY_E_IMG_TOO_BIG;
    /* An encrypted image in its stored form (staged, or the backup) can only
     * be installed by decrypting it, with the class key it names. */
    if (!err && !info->installed)
        err = ferry_boot_crypt_usable(cfg, info);
    if (!err && info->security_counter < r->min_counter)
        err = FERRY_E_IMG_ROLLBACK;
    if (!err)
        err = ferry_image_verify_proven(area, info, &r->policy, cfg->buf, cfg->buf_len, NULL,
                                        header_only, &proof);
    if (!err && proof != FERRY_IMAGE_PROOF && proof != FERRY_IMAGE_HEADER_PROOF)
        err = FERRY_E_IMG_SIGNATURE;
    if (!err && info->security_counter >= r->min_counter && proof == FERRY_IMAGE_PROOF)
        j->seal = seal_of(info);
    else if (!err && info->security_counter >= r->min_counter && header_only &&
             proof == FERRY_IMAGE_HEADER_PROOF)
        j->seal = header_seal_of(info);
    return err;
}

/*
 * The rest of a verification that took the header only: the payload is read
 * once and must hash to the signed digest of its form. Then j is sealed (it
 * may run). A j sealed already is left as it is.
 */
static int complete(const struct boot_run *r, const struct ferry_area *area, struct judged *j)
{
    uint32_t proof = 0;
    if (sealed(j))
        return 0;
    if (!header_sealed(j))
        return FERRY_E_IMG_SIGNATURE;
    int err = ferry_image_check_payload(area, &j->info, r->cfg->buf, r->cfg->buf_len, &proof);
    if (!err && proof != FERRY_IMAGE_PAYLOAD_PROOF)
        err = FERRY_E_IMG_SIGNATURE;
    if (!err && proof == FERRY_IMAGE_PAYLOAD_PROOF && header_sealed(j))
        j->seal = seal_of(&j->info);
    return err;
}

/* The primary holds images in their installed form (an encrypted image's
 * payload in plaintext); the staging slot in their stored form. */
static enum ferry_parse_mode form_of(const struct boot_run *r, const struct ferry_area *area)
{
    const struct ferry_area *p = &r->cfg->primary;
    return area->dev == p->dev && area->off == p->off ? FERRY_PARSE_PRIMARY : FERRY_PARSE_SLOT;
}

static int runnable(const struct boot_run *r, const struct ferry_area *area, struct judged *j)
{
    return runnable_parsed(r, area, j, ferry_image_parse(area, form_of(r, area), &j->info), 0);
}

/*
 * `j` is confirmed (or permanent) in the primary: what it asks for becomes
 * this device's floor. Its revocation takes effect in this boot even without
 * a store (so the staged image is judged by it), and is written to the store
 * so that it outlives the image.
 */
static int advance_counter(struct boot_run *r, const struct judged *j)
{
    const struct ferry_image_info *img = &j->info;
    const struct ferry_counter *c = r->cfg->counter;
    const struct ferry_counter *rv = r->cfg->revocation;
    int err;
    if (img->revoke_below > r->policy.min_key_index) {
        if (rv) {
            err = rv->ops->advance(rv->ctx, img->revoke_below);
            if (err)
                return err;
        }
        r->policy.min_key_index = img->revoke_below;
        ev(r, FERRY_EV_KEYS_REVOKED, (int)img->revoke_below, img);
    }
    if (!c || img->security_counter <= r->min_counter)
        return 0;
    err = c->ops->advance(c->ctx, img->security_counter);
    if (err)
        return err;
    r->min_counter = img->security_counter;
    ev(r, FERRY_EV_COUNTER_ADVANCED, (int)img->security_counter, img);
    return 0;
}

/* `img` (verified this boot, in the primary) runs; on trial if `trial`. */
static int finish(struct boot_run *r, struct ferry_boot_result *res, const struct judged *j,
                  int trial)
{
    const struct ferry_image_info *img = &j->info;
    if (!sealed(j))
        return FERRY_E_IMG_SIGNATURE;
    res->image = *img;
    res->trial = trial;
    res->entry_off = r->cfg->primary.off + img->header_size;
    if (trial) {
        int err = mark(r, FERRY_MARK_BOOTED(r->st.units));
        if (err)
            return err;
        ev(r, FERRY_EV_TRIAL_BOOT, 0, img);
        if (r->cfg->hooks.watchdog_arm)
            r->cfg->hooks.watchdog_arm(r->cfg->hooks.ctx);
    }
    ev(r, FERRY_EV_BOOT, 0, img);
    return sealed(j) ? 0 : FERRY_E_IMG_SIGNATURE;
}

static int stable_boot(struct boot_run *r, struct ferry_boot_result *res, int prim_err,
                       struct judged *prim, const uint8_t *rejected);

/*
 * The verdict on the staged image (staging[D..]) against a runnable primary
 * `prim` (NULL: none). Cheap checks on the parsed header first; only an image
 * that would be installed costs a verification, and that verification reads
 * the very bytes the checks were made on (or fails with IMG_CHANGED).
 * Returns 0 (install it), FERRY_E_NOT_FOUND (nothing new staged) or why not.
 */
static int judge_staged(struct boot_run *r, const struct judged *pj, const uint8_t *rejected,
                        struct judged *cj)
{
    const struct ferry_boot_config *cfg = r->cfg;
    const struct ferry_image_info *prim = pj ? &pj->info : NULL;
    struct ferry_image_info *cand = &cj->info;
    struct ferry_area sa = staged_area(cfg);
    cj->seal = 0;
    int err = ferry_image_parse(&sa, FERRY_PARSE_SLOT, cand);
    if (err == FERRY_E_IMG_MAGIC)
        return FERRY_E_NOT_FOUND;
    if (err)
        return err;
    if (prim && memcmp(cand->digest, prim->digest, 32) == 0)
        return FERRY_E_NOT_FOUND; /* the running image itself (left over after a swap) */
    ev(r, FERRY_EV_STAGED_FOUND, 0, cand);
    if (prim && rejected && memcmp(cand->digest, rejected, 32) == 0)
        return FERRY_E_IMG_REVERTED;
    if (prim && !(cand->flags & FERRY_IMG_F_REVERT) &&
        ferry_version_cmp(&cand->version, &prim->version) <= 0)
        return FERRY_E_IMG_DOWNGRADE;
    if (cfg->require_encrypted && !(cand->flags & FERRY_IMG_F_ENCRYPTED))
        return FERRY_E_IMG_PLAIN;
    /* No second parse: the checks above rest on `cand`, which the
     * verification holds to the signed bytes. A header-signed image is
     * judged on its header: install() checks its payload as it writes it
     * (the one pass over it) and reverts what does not match. After such a
     * revert, until the next operation, staged images are verified
     * completely first, so that a damaged or hostile staging slot costs at
     * most one swap and one revert, not one per boot; the same for the rest
     * of a boot in which a copy did not verify. With no runnable primary
     * there is nothing a failed copy could go back to, so the staged image
     * is verified first too. Encrypted images are always verified first
     * (their ciphertext digest). */
    int one_pass = (cand->flags & FERRY_IMG_F_HEADER_SIGNED) && prim && !r->copy_failed &&
                   !(r->st.bank >= 0 && (r->st.hdr.flags & FERRY_STATUS_F_VERIFY_FIRST));
    return runnable_parsed(r, &sa, cj, 0, one_pass);
}

/* A new operation's header: `in` moves into the primary, `out` (or nothing)
 * out of it. Returns the bytes the swap must cover: the larger image. */
static uint32_t op_header(struct ferry_status_hdr *h, uint8_t op, const struct ferry_image_info *in,
                          const struct ferry_image_info *out)
{
    memset(h, 0, sizeof *h);
    h->op = op;
    h->in_size = in->total_size;
    memcpy(h->in_digest, in->digest, 32);
    if (!out)
        return in->total_size;
    h->out_size = out->total_size;
    memcpy(h->out_digest, out->digest, 32);
    return out->total_size > in->total_size ? out->total_size : in->total_size;
}

/* Runs the backward swap from the current bank's progress, then marks DONE. */
static int run_revert(struct boot_run *r, const struct ferry_swap_plan *plan)
{
    int err = ferry_swap_run(r->cfg, FERRY_SWAP_BACKWARD, r->st.hdr.region, r->st.steps_done,
                             mark_step, r, plan);
    if (!err)
        err = mark(r, FERRY_MARK_DONE(r->st.units));
    if (err)
        return err;
    r->st.done = 1;
    r->restored = 1;
    ev(r, FERRY_EV_REVERT_DONE, 0, NULL);
    return 0;
}

/*
 * The primary's image (`cur`, runnable or NULL) is to make way for the backup
 * in staging [0..). The backup is verified completely first; a revert starts
 * only for a backup that would run, over exactly the units it occupies.
 * Otherwise `cur` is kept (confirmed, where an install bank can record it),
 * or, with nothing in the primary either, the stable rules decide.
 */
static int revert_or_keep(struct boot_run *r, struct ferry_boot_result *res, struct judged *cj)
{
    const struct ferry_image_info *cur = cj ? &cj->info : NULL;
    struct judged bj;
    const struct ferry_image_info *back = &bj.info;
    struct ferry_area ba = backup_area(r->cfg);
    struct ferry_swap_plan plan;
    memset(&plan, 0, sizeof plan);
    int err = runnable(r, &ba, &bj);
    if (fatal(err))
        return err;
    /* The backup moves in decrypted; a key that does not open makes it as
     * unusable as a damaged one. */
    if (!err)
        err = ferry_boot_crypt_open(r->cfg, back, &r->cipher[1], &plan.in);
    if (err) {
        ev(r, FERRY_EV_BACKUP_DAMAGED, err, NULL);
        if (!cj)
            return stable_boot(r, res, FERRY_E_NO_IMAGE, NULL, NULL);
        /* The kept image settles for good: the next boot must not judge the
         * revert again (with a backup that then reads fine it would restore
         * an image the kept one has revoked, or rolled back past:
         * docs/boot-fuzzer.md F17). An install bank records it confirmed; a
         * revert that has not moved anything is marked through to DONE (its
         * markers count in order), which leaves the kept image as the one
         * the status describes as running. */
        if (r->st.bank >= 0 && r->st.hdr.op == FERRY_OP_INSTALL && r->st.done) {
            err = mark(r, FERRY_MARK_CONFIRMED(r->st.units));
            if (err)
                return err;
        } else if (r->st.bank >= 0 && r->st.hdr.op == FERRY_OP_REVERT && !r->st.done) {
            int werr = 0;
            for (uint32_t step = r->st.steps_done; !werr && step < 2 * r->st.units; step++)
                werr = mark_step(r, step);
            if (!werr)
                werr = mark(r, FERRY_MARK_DONE(r->st.units));
            if (werr)
                return werr;
            r->st.done = 1;
        }
        return stable_boot(r, res, 0, cj, NULL);
    }
    /* The revert covers the backup, the image moving out and, when undoing an
     * install, that install's region, so staging looks as before it. The
     * backward swap is safe for any region (docs/design.md, "Swap"). */
    struct ferry_status_hdr h;
    uint32_t span = op_header(&h, FERRY_OP_REVERT, back, cur);
    /* Undoing an install that left nothing runnable (its copy did not
     * verify): staged images are verified first until the next operation. */
    if (!cur && r->st.bank >= 0 && r->st.hdr.op == FERRY_OP_INSTALL)
        h.flags = FERRY_STATUS_F_VERIFY_FIRST;
    err = ferry_swap_round_up(&r->cfg->primary, &r->cfg->staging, span, &h.region);
    if (!err && r->st.bank >= 0 && r->st.hdr.op == FERRY_OP_INSTALL && r->st.hdr.region > h.region)
        h.region = r->st.hdr.region;
    if (!err)
        err = ferry_status_begin(&r->sc, &r->st, &h);
    if (!err) {
        /* The image moving out goes back to staging in its stored form: a
         * verified one with its own key stream, the image of a failed install
         * with that install's; one this boot could not verify is not written
         * to staging where it might be plaintext. */
        if (cur) {
            if (ferry_boot_crypt_open(r->cfg, cur, &r->cipher[0], &plan.out))
                plan.discard_out = 1;
        } else if (r->failed_in) {
            plan.out = *r->failed_in;
        } else {
            plan.discard_out = r->cfg->decrypt != NULL;
        }
    }
    if (err)
        return err;
    ev(r, FERRY_EV_REVERT_START, 0, back);
    err = run_revert(r, &plan);
    ferry_boot_crypt_close(r->cfg, &plan.in);
    if (cur)
        ferry_boot_crypt_close(r->cfg, &plan.out);
    if (err)
        return err;
    res->action = FERRY_BOOT_REVERTED;
    struct judged prim;
    int prim_err = runnable(r, &r->cfg->primary, &prim);
    if (fatal(prim_err))
        return prim_err;
    return stable_boot(r, res, prim_err, &prim, h.out_digest);
}

/* 1 unless the primary's trailer, read back, is the one `cand` was verified
 * with (so the installed copy verifies on later boots too). */
static int trailer_differs(struct boot_run *r, const struct ferry_image_info *cand)
{
    struct ferry_image_info back;
    if (ferry_image_parse(&r->cfg->primary, FERRY_PARSE_PRIMARY, &back) != 0)
        return 1;
    return back.protected_size != cand->protected_size ||
           memcmp(back.digest, cand->digest, 32) != 0 ||
           memcmp(back.key_id, cand->key_id, 32) != 0 ||
           memcmp(back.signature, cand->signature, 64) != 0;
}

/*
 * Installs the verified staged image `cand` over the primary (`prim`: the
 * runnable image it replaces, kept for a revert; NULL: nothing runnable to
 * keep, so no trial). The copy is read back and hashed as it lands; it must
 * hash to the digests verified in this boot, so what runs is what was
 * verified, and `cand` (the RAM copy of that read) describes it. Either
 * image may have been judged on its header only (header_sealed()): the
 * landing hash is then the check of cand's payload, and only it seals cand
 * to run; a payload that does not match is reverted like a copy that did
 * not land. prim's payload is the revert's to verify (revert_or_keep()).
 */
static int install(struct boot_run *r, struct ferry_boot_result *res, const struct judged *pj,
                   struct judged *cj)
{
    const struct ferry_image_info *prim = pj ? &pj->info : NULL;
    const struct ferry_image_info *cand = &cj->info;
    struct ferry_status_hdr h;
    if (!header_sealed(cj) || (pj && !header_sealed(pj)))
        return FERRY_E_IMG_SIGNATURE; /* a decision above was skipped */
    uint32_t span = op_header(&h, FERRY_OP_INSTALL, cand, prim);
    if (!prim || (cand->flags & FERRY_IMG_F_PERMANENT))
        h.flags = FERRY_STATUS_F_PERMANENT;

    /* Keys first, before anything is written: the staged image's (decrypted
     * on its way in) and the running image's (encrypted again on its way
     * out). One that does not open refuses the install (install_refused). */
    struct ferry_swap_plan plan;
    struct ferry_swap_hash hash;
    memset(&plan, 0, sizeof plan);
    int err = ferry_boot_crypt_open(r->cfg, cand, &r->cipher[0], &plan.in);
    if (!err && prim)
        err = ferry_boot_crypt_open(r->cfg, prim, &r->cipher[1], &plan.out);
    if (err) {
        ferry_boot_crypt_close_plan(r->cfg, &plan);
        return err;
    }
    /* Nothing runnable to keep: what the primary holds is not written to
     * staging (it may be the plaintext of an encrypted image). */
    plan.discard_out = !prim && r->cfg->decrypt != NULL;
    err = ferry_swap_round_up(&r->cfg->primary, &r->cfg->staging, span, &h.region);
    if (!err)
        err = ferry_status_begin(&r->sc, &r->st, &h);
    if (err)
        return err;
    ev(r, FERRY_EV_INSTALL_START, 0, cand);

    /* An encrypted or header-signed image: its header against the trailer
     * digest, its plaintext payload against the signed plaintext digest. */
    int split = (cand->flags & FERRY_IMG_F_HEADER_DIGEST) != 0;
    uint8_t digest[32];
    ferry_sha256_init(&hash.ctx);
    hash.len = cand->protected_size;
    hash.split = split ? cand->header_size : 0;
    plan.hash = &hash;
    err = ferry_swap_run(r->cfg, FERRY_SWAP_FORWARD, h.region, 0, mark_step, r, &plan);
    if (err)
        return err;
    ferry_sha256_final(&hash.ctx, digest);
    volatile int diff = split ? ferry_ct_memcmp(hash.head, cand->digest, 32) |
                                    ferry_ct_memcmp(digest, cand->plain_digest, 32)
                              : ferry_ct_memcmp(digest, cand->digest, 32);
    if (diff == 0) /* the trailer is not hashed: its copy must match the verified one */
        diff = trailer_differs(r, cand);
    ferry_boot_crypt_close(r->cfg, &plan.out);
    if (diff != 0) {
        r->copy_failed = 1;
        ev(r, FERRY_EV_INSTALL_FAILED,
           (cand->flags & FERRY_IMG_F_ENCRYPTED) ? FERRY_E_IMG_PLAINTEXT : FERRY_E_IMG_DIGEST, cand);
        err = mark(r, FERRY_MARK_DONE(r->st.units));
        if (err)
            return err;
        r->st.done = 1;
        r->failed_in = &plan.in;
        err = revert_or_keep(r, res, NULL);
        r->failed_in = NULL;
        ferry_boot_crypt_close(r->cfg, &plan.in);
        return err;
    }
    ferry_boot_crypt_close(r->cfg, &plan.in);
    err = mark(r, FERRY_MARK_DONE(r->st.units));
    if (err)
        return err;
    r->st.done = 1;
    ev(r, FERRY_EV_INSTALL_DONE, 0, cand);
    res->action = FERRY_BOOT_INSTALLED;
    if (diff != 0) /* checked twice: one skipped branch is not enough */
        return FERRY_E_IMG_DIGEST;
    /* What landed is the signed image, payload included: it may run. */
    if (diff == 0 && header_sealed(cj))
        cj->seal = seal_of(cand);
    if (h.flags & FERRY_STATUS_F_PERMANENT) {
        err = advance_counter(r, cj);
        return err ? err : finish(r, res, cj, 0);
    }
    return finish(r, res, cj, 1);
}

/* 1 when `j` in the primary raises a floor this boot has not got yet. */
static int raises_floor(const struct boot_run *r, const struct judged *j)
{
    return j->info.revoke_below > r->policy.min_key_index ||
           (r->cfg->counter && j->info.security_counter > r->min_counter);
}

/*
 * A stable state. `prim_err` is the primary's verdict from this boot (0:
 * runnable, *prim is it; possibly judged on its header only, see boot()).
 * `rejected`: digest of an image reverted after a failed trial, or NULL.
 */
static int stable_boot(struct boot_run *r, struct ferry_boot_result *res, int prim_err,
                       struct judged *prim, const uint8_t *rejected)
{
    struct judged cand;
    /* A primary judged on its header is verified completely before it
     * raises a store or runs, and only then; an update replaces it without
     * its payload ever being read here (the revert verifies it first). */
    if (prim_err == 0 && !sealed(prim) && raises_floor(r, prim)) {
        prim_err = complete(r, &r->cfg->primary, prim);
        if (fatal(prim_err))
            return prim_err;
    }
    if (prim_err == 0) {
        int err = sealed(prim) ? advance_counter(r, prim) : 0;
        if (err)
            return err;
        /* The image a revert restored runs in the boot that restored it,
         * so the stores rise only for an image that runs. A genuine backup
         * ran here before it was moved out and raises nothing; a planted
         * one (a forged status over a genuine image never confirmed here)
         * would otherwise have its revocation and counter applied while
         * another image is installed over it in the same boot. What is
         * staged is judged in the next boot. */
        if (r->restored)
            return finish(r, res, prim, 0);
    }
    int staged = judge_staged(r, prim_err ? NULL : prim, rejected, &cand);
    if (fatal(staged))
        return staged;
    if (staged == 0) {
        staged = install(r, res, prim_err ? NULL : prim, &cand);
        /* A content key that does not open refuses the image before any
         * write; every other result is the boot's. */
        if (staged != FERRY_E_IMG_KEYWRAP && staged != FERRY_E_IMG_ENC_KEY)
            return staged;
    }
    if (prim_err == 0 && !sealed(prim)) {
        /* Nothing installed: the primary runs, so its payload is checked
         * now. One that fails is judged again as not runnable, which may
         * let the staged image in (rule 5). */
        int err = complete(r, &r->cfg->primary, prim);
        if (fatal(err))
            return err;
        if (err)
            return stable_boot(r, res, err, prim, rejected);
    }
    if (staged != FERRY_E_NOT_FOUND) {
        res->staged_err = staged;
        ev(r, FERRY_EV_STAGED_REJECTED, staged, NULL);
    }
    if (prim_err) {
        ev(r, FERRY_EV_PRIMARY_INVALID, prim_err, NULL);
        return FERRY_E_NO_IMAGE;
    }
    return finish(r, res, prim, 0);
}

/* *differ = 1 unless the first `limit` bytes of primary unit `unit` equal
 * the bytes of staging[D..] behind it (a read that fails counts as differ).
 * `x`: the transform of the image staging holds there (an encrypted image's
 * stored form against its installed form in the primary), or none. */
static int same_unit(struct boot_run *r, uint32_t unit, uint32_t limit,
                     const struct ferry_swap_crypt *x, int *differ)
{
    const struct ferry_boot_config *cfg = r->cfg;
    uint32_t off, len, d = ferry_staging_image_offset(&cfg->primary, &cfg->staging);
    uint32_t half = (uint32_t)(cfg->buf_len / 2);
    int err = ferry_swap_unit(&cfg->primary, &cfg->staging, unit, &off, &len);
    *differ = 1;
    if (!err && limit < len)
        len = limit;
    for (uint32_t pos = 0; !err && pos < len; pos += half) {
        uint32_t n = len - pos < half ? len - pos : half;
        err = ferry_area_read(&cfg->primary, off + pos, cfg->buf, n);
        if (!err)
            err = ferry_area_read(&cfg->staging, d + off + pos, cfg->buf + half, n);
        if (!err)
            ferry_swap_crypt_chunk(x, off + pos, cfg->buf + half, n);
        if (!err && memcmp(cfg->buf, cfg->buf + half, n) != 0)
            return 0;
    }
    if (err == FERRY_E_IO)
        return 0;
    if (!err)
        *differ = 0;
    return err;
}

/*
 * The status says a swap is under way and the primary does not verify (so
 * it may well be half swapped). The swap is resumed where the status says;
 * what the primary ends up holding is verified before anything runs.
 * If the staged image verifies intact, the status cannot make it lost:
 * an install re-copies the units it claims done from it before resuming,
 * and a revert that could only destroy it is not believed. *decided = 1
 * when this already settled the boot (its return value is the boot's).
 */
static int resume(struct boot_run *r, struct ferry_boot_result *res, int *decided)
{
    struct judged cand;
    struct ferry_area sa = staged_area(r->cfg);
    int staged_err = runnable(r, &sa, &cand);
    uint32_t cand_region = 0;
    int err;
    if (fatal(staged_err))
        return staged_err;
    if (!staged_err &&
        ferry_swap_round_up(&r->cfg->primary, &r->cfg->staging, cand.info.total_size,
                            &cand_region))
        staged_err = FERRY_E_IMG_TOO_BIG;
    if (r->st.hdr.op == FERRY_OP_INSTALL) {
        ev(r, FERRY_EV_INSTALL_RESUME, 0, NULL);
        if (!staged_err && cand_region > r->st.hdr.region) {
            *decided = 1; /* the status cannot hold it: start anew */
            return install(r, res, NULL, &cand);
        }
        struct ferry_swap_plan plan;
        err = ferry_boot_crypt_resume(r->cfg, &r->policy, FERRY_SWAP_FORWARD, r->st.hdr.region,
                                      r->st.steps_done, staged_err ? NULL : &cand.info,
                                      &r->cipher[0], &r->cipher[1], &plan);
        if (err)
            return err;
        if (!staged_err)
            err = ferry_swap_reinstall(r->cfg, r->st.steps_done / 2, &plan.in);
        if (!err)
            err = ferry_swap_run(r->cfg, FERRY_SWAP_FORWARD, r->st.hdr.region, r->st.steps_done,
                                 mark_step, r, &plan);
        ferry_boot_crypt_close_plan(r->cfg, &plan);
        if (!err)
            err = mark(r, FERRY_MARK_DONE(r->st.units));
        if (err)
            return err;
        r->st.done = 1;
        res->action = FERRY_BOOT_INSTALLED;
        return 0;
    }
    ev(r, FERRY_EV_REVERT_RESUME, 0, NULL);
    /* A genuine revert saves the outgoing image to staging[D..] from its last
     * unit down; only once the save of unit 0 (step 2u-2) ran can a whole
     * image stand there. An intact staged image before then means the claim
     * is false, and resuming it would destroy that image. */
    if (!staged_err && r->st.steps_done + 2 < 2 * r->st.units) {
        *decided = 1;
        return stable_boot(r, res, FERRY_E_NO_IMAGE, NULL, NULL);
    }
    /* The transforms (and the proof of the outgoing image) only once the
     * claim may be resumed. */
    struct ferry_swap_plan plan;
    err = ferry_boot_crypt_resume(r->cfg, &r->policy, FERRY_SWAP_BACKWARD, r->st.hdr.region,
                                  r->st.steps_done, NULL, &r->cipher[0], &r->cipher[1], &plan);
    if (err)
        return err;
    int doubt = 0;
    if (!staged_err && r->st.steps_done + 2 == 2 * r->st.units) {
        /* Redoing the save of unit 0 rewrites staging[D..] with primary unit
         * 0 (in its stored form: through the outgoing transform): harmless
         * only if those are the bytes already there. An outgoing image that
         * is not proven would be erased there instead: never harmless. */
        doubt = 1;
        if (!plan.discard_out)
            err = same_unit(r, 0, UINT32_MAX, &plan.out, &doubt);
        if (err) {
            ferry_boot_crypt_close_plan(r->cfg, &plan);
            return err;
        }
    }
    if (doubt) {
        ferry_boot_crypt_close_plan(r->cfg, &plan);
        *decided = 1;
        return stable_boot(r, res, FERRY_E_NO_IMAGE, NULL, NULL);
    }
    err = run_revert(r, &plan);
    ferry_boot_crypt_close_plan(r->cfg, &plan);
    if (!err)
        res->action = FERRY_BOOT_REVERTED;
    return err;
}

/*
 * A revert under way while the primary still verifies as the image it moves
 * out (`hdr.out_digest`): the backward swap starts with the last units, and
 * when the backup is larger than the trial image those lie past the trial
 * image's end, so restoring them leaves it intact (docs/powercut.md,
 * revert-shrink). The claimed progress is believed only when the image it
 * moves in verifies, read through the swap view where the progress has each
 * of its units (restored ones in the primary, the rest in staging); then the
 * revert is resumed and *resumed = 1. Otherwise nothing is written and the
 * caller applies rule 2.
 */
static int resume_revert_past_out(struct boot_run *r, struct ferry_boot_result *res, int *resumed)
{
    const struct ferry_boot_config *cfg = r->cfg;
    struct ferry_swap_plan plan;
    struct ferry_swap_view v;
    struct judged bj;
    *resumed = 0;
    int err = ferry_boot_crypt_resume(cfg, &r->policy, FERRY_SWAP_BACKWARD, r->st.hdr.region,
                                      r->st.steps_done, NULL, &r->cipher[0], &r->cipher[1], &plan);
    if (err)
        return err;
    err = ferry_swap_view_init(&v, cfg, FERRY_SWAP_BACKWARD, r->st.hdr.region, r->st.steps_done, 0,
                               &plan.in);
    if (!err) {
        err = runnable_parsed(r, &v.area, &bj, ferry_image_parse(&v.area, FERRY_PARSE_PRIMARY, &bj.info),
                              0);
        if (!fatal(err) && (err || memcmp(bj.info.digest, r->st.hdr.in_digest, 32) != 0))
            err = FERRY_E_NOT_FOUND;
    }
    if (!err) {
        ev(r, FERRY_EV_REVERT_RESUME, 0, NULL);
        err = run_revert(r, &plan);
        if (!err) {
            res->action = FERRY_BOOT_REVERTED;
            *resumed = 1;
        }
        /* Once the revert has written, any error ends the boot: the primary
         * is no longer what this boot verified (docs/boot-fuzzer.md F21). */
        ferry_boot_crypt_close_plan(cfg, &plan);
        return err;
    }
    ferry_boot_crypt_close_plan(cfg, &plan);
    return fatal(err) ? err : 0;
}

/*
 * The status says a swap is under way and the primary already verifies as
 * the image it moves in (`prim`). An install still runs the steps for units
 * past that image's last unit, if the status says every unit up to it is
 * done; then the operation is marked done. Steps that would write inside the
 * verified image are never run, whatever the status says, and when any step
 * ran (*wrote = 1) the caller verifies the primary again before it runs.
 */
static int finish_arrived(struct boot_run *r, const struct ferry_image_info *prim, int *wrote)
{
    /* prim: the primary's verified read, see ferry_boot() */
    const struct ferry_boot_config *cfg = r->cfg;
    uint32_t img_region, img_units;
    int err = ferry_swap_round_up(&cfg->primary, &cfg->staging, prim->total_size, &img_region);
    if (!err)
        err = ferry_swap_count_units(&cfg->primary, &cfg->staging, img_region, &img_units);
    if (err)
        return err;
    int run_rest = r->st.hdr.op == FERRY_OP_INSTALL && r->st.steps_done >= 2 * img_units;
    int last_cut = r->st.hdr.op == FERRY_OP_INSTALL && r->st.steps_done + 1 == 2 * img_units;
    if (run_rest || last_cut) {
        struct ferry_swap_plan plan;
        err = ferry_boot_crypt_resume(cfg, &r->policy, FERRY_SWAP_FORWARD, r->st.hdr.region,
                                      r->st.steps_done, prim, &r->cipher[0], &r->cipher[1], &plan);
        if (!err && last_cut) {
            /* The install of the image's last unit was cut after its bytes
             * landed (a torn program past the image's end may have left
             * unreadable words there). Redo it only from a source that holds
             * exactly the verified bytes (through the image's transform), so
             * the redo cannot change them. */
            uint32_t off, len;
            int differ = 1;
            err = ferry_swap_unit(&cfg->primary, &cfg->staging, img_units - 1, &off, &len);
            if (!err)
                err = same_unit(r, img_units - 1, prim->total_size - off, &plan.in, &differ);
            run_rest = !differ;
        }
        if (!err && run_rest) {
            *wrote = 1; /* the primary was written: what runs must be verified again */
            err = ferry_swap_run(cfg, FERRY_SWAP_FORWARD, r->st.hdr.region, r->st.steps_done,
                                 mark_step, r, &plan);
        }
        ferry_boot_crypt_close_plan(cfg, &plan);
        if (err)
            return err;
    }
    /* Steps not run are marked too, or the DONE marker would never count
     * (markers count in order). A revert never trusts them: it verifies the
     * backup completely first. */
    for (uint32_t step = r->st.steps_done; !err && step < 2 * r->st.units; step++)
        err = mark_step(r, step);
    if (!err)
        err = mark(r, FERRY_MARK_DONE(r->st.units));
    if (err)
        return err;
    r->st.done = 1;
    return 0;
}

static int boot(struct boot_run *r, const struct ferry_boot_config *cfg,
                struct ferry_boot_result *res);

int ferry_boot(const struct ferry_boot_config *cfg, struct ferry_boot_result *res)
{
    struct boot_run r;
    int err = boot(&r, cfg, res);
    /* No content key outlives the boot (they are closed as they finish;
     * this is the backstop for every early return). */
    if (cfg && cfg->decrypt) {
        cfg->decrypt->ops->close(&r.cipher[0]);
        cfg->decrypt->ops->close(&r.cipher[1]);
    }
    return err;
}

static int boot(struct boot_run *r, const struct ferry_boot_config *cfg,
                struct ferry_boot_result *res)
{
    struct judged prim;
    memset(res, 0, sizeof *res);
    memset(r, 0, sizeof *r);
    r->cfg = cfg;
    int err = ferry_boot_layout_check(cfg);
    if (err)
        return err;
    r->sc.status = &cfg->status;
    r->sc.primary = &cfg->primary;
    r->sc.staging = &cfg->staging;
    r->sc.buf = cfg->buf;
    r->sc.buf_len = cfg->buf_len;

    /* Fail closed: without the stored minimum nothing can be judged against
     * it, so nothing runs (docs/design.md, "Anti-rollback"). */
    if (cfg->counter) {
        err = cfg->counter->ops->read(cfg->counter->ctx, &r->min_counter);
        if (err)
            return err;
    }
    /* The same for revocation: an unknown floor could trust a revoked key. */
    r->policy = cfg->policy;
    if (cfg->revocation) {
        uint32_t min_key;
        err = cfg->revocation->ops->read(cfg->revocation->ctx, &min_key);
        if (err)
            return err;
        if (min_key > r->policy.min_key_index)
            r->policy.min_key_index = min_key;
    }

    err = ferry_status_read(&r->sc, &r->st);
    if (err == FERRY_E_STATE)
        r->st.bank = -1; /* impossible newest bank: no state (newest/max_seq kept) */
    else if (err)
        return err;
    int op = r->st.bank < 0 ? FERRY_OP_NONE : r->st.hdr.op;
    ev(r, FERRY_EV_STATE, op, NULL);

    /* In a settled state (nothing under way, or an install that is done and
     * stays) the primary only has to be whole if it is to run: an image
     * whose digest covers its header is judged on that first, and its
     * payload is read only if no update replaces it (stable_boot()). Any
     * other state's decisions rest on whether the primary is whole, so
     * there it is verified completely, as every image signed over all its
     * bytes always is. */
    int settled = op == FERRY_OP_NONE ||
                  (op == FERRY_OP_INSTALL && r->st.done &&
                   (r->st.confirmed || (r->st.hdr.flags & FERRY_STATUS_F_PERMANENT)));
    int prim_err = runnable_parsed(r, &cfg->primary, &prim,
                                   ferry_image_parse(&cfg->primary, FERRY_PARSE_PRIMARY, &prim.info),
                                   settled);
    /* One more read before a read fault counts: a transient fault must not
     * make a claimed swap look real and replace a confirmed image (whose
     * revocation entry and counter it also hides: docs/boot-fuzzer.md F18). */
    if (prim_err == FERRY_E_IO)
        prim_err = runnable_parsed(r, &cfg->primary, &prim,
                                   ferry_image_parse(&cfg->primary, FERRY_PARSE_PRIMARY, &prim.info),
                                   settled);
    if (fatal(prim_err))
        return prim_err;
    /* A primary that cannot be read is not judged "invalid" outside a swap
     * (only a torn program of a swap leaves unreadable words there): acting
     * on a read fault could replace a confirmed image whose counter is not
     * recorded yet. Nothing runs this boot; the next reset reads again. */
    if (prim_err == FERRY_E_IO && (op == FERRY_OP_NONE || r->st.done))
        return prim_err;
    if (op == FERRY_OP_NONE)
        return stable_boot(r, res, prim_err, &prim, NULL);

    if (!r->st.done && prim_err == 0 && op == FERRY_OP_REVERT && r->st.steps_done > 0 &&
        memcmp(prim.info.digest, r->st.hdr.out_digest, 32) == 0) {
        int resumed = 0;
        err = resume_revert_past_out(r, res, &resumed);
        if (err)
            return err;
        if (resumed) {
            prim_err = runnable(r, &cfg->primary, &prim);
            if (fatal(prim_err))
                return prim_err;
            return stable_boot(r, res, prim_err, &prim, r->st.hdr.out_digest);
        }
    }
    if (!r->st.done && prim_err == 0 && memcmp(prim.info.digest, r->st.hdr.in_digest, 32) != 0)
        /* Rule 2: the claimed progress is not believed. */
        return op == FERRY_OP_INSTALL ? stable_boot(r, res, 0, &prim, NULL)
                                      : revert_or_keep(r, res, &prim);
    if (!r->st.done && prim_err == 0) {
        /* The image the operation moves in is already whole in the primary
         * (a cut after its last unit landed). Only steps past its last unit
         * are still run (an install moving the rest of a larger old image
         * out to the backup); nothing touches the verified bytes again. */
        int wrote = 0;
        err = finish_arrived(r, &prim.info, &wrote);
        if (err)
            return err;
        if (wrote) {
            prim_err = runnable(r, &cfg->primary, &prim);
            if (fatal(prim_err))
                return prim_err;
        }
        res->action = op == FERRY_OP_INSTALL ? FERRY_BOOT_INSTALLED : FERRY_BOOT_REVERTED;
    }
    if (!r->st.done) {
        int decided = 0;
        err = resume(r, res, &decided);
        if (err || decided)
            return err;
        prim_err = runnable(r, &cfg->primary, &prim);
        if (fatal(prim_err))
            return prim_err;
        if (op == FERRY_OP_INSTALL && prim_err)
            ev(r, FERRY_EV_INSTALL_FAILED, prim_err, NULL);
    }
    if (op == FERRY_OP_REVERT)
        return stable_boot(r, res, prim_err, &prim, r->st.hdr.out_digest);

    /* INSTALL, done. A confirmed (or permanent) image is never reverted, not
     * even when it cannot be read this boot: it is the rollback floor before
     * its counter is recorded, and a read fault must not undo it. */
    if ((prim_err == 0 && (prim.info.flags & FERRY_IMG_F_PERMANENT)) ||
        (r->st.hdr.flags & FERRY_STATUS_F_PERMANENT) || r->st.confirmed)
        return stable_boot(r, res, prim_err, &prim, NULL);
    if (prim_err)
        return revert_or_keep(r, res, NULL);
    if (!r->st.booted)
        return finish(r, res, &prim, 1);
    /* The trial image restarted without confirming. */
    return revert_or_keep(r, res, &prim);
}
