/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: ferry_boot() on a simulated device in RAM, with a
 * security oracle (docs/boot-fuzzer.md).
 *
 * The input chooses the initial flash contents (images from a corpus of real
 * signed images, damaged bytes, raw or forged status banks, the counter and
 * revocation stores), and for each of up to four boots: a power cut, an
 * interposer on the bus, and what the application does once it runs (confirm,
 * stage an image, damage the staging slot, erase the revocation store). After
 * every ferry_boot() the oracle checks:
 *   (1) whatever runs is, byte for byte, a trusted corpus image for this
 *       device whose counter is at or above the effective minimum, and the
 *       result describes it;
 *   (2) the stored minimum never goes down (nor becomes unreadable);
 *   (3) a boot that was not cut and saw no read fault does not fail while a
 *       runnable image was in the primary slot or staged at D before it;
 *   (4) a boot that runs an image outside trial has recorded its counter;
 *   (5) the revocation store never goes down (nor becomes unreadable);
 *   (6) no image signed by a revoked key runs;
 *   (7) the revocation store rises only to what a confirmed image asks;
 *   (8) an installed image without REVERT is newer than the confirmed one it
 *       replaced.
 * On a violation the input is run again with a full trace, and abort() makes
 * libFuzzer keep it.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/corpus.h"
#include "boot/device.h"
#include "boot/scenario.h"
#include "ferry/byteorder.h"
#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "status_priv.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fb_board board;
static int verbose;
static unsigned long long boots_run, inputs_run;

/* FERRY_FUZZ_BOOT_STATS=1: how many ferry_boot() calls the inputs made. */
static void print_stats(void)
{
    fprintf(stderr, "fuzz_boot: %llu inputs, %llu boots\n", inputs_run, boots_run);
}

static void say(const char *fmt, ...)
{
    va_list ap;
    if (!verbose)
        return;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

static const char *const event_names[] = {
    "STATE", "STAGED_FOUND", "STAGED_REJECTED", "INSTALL_START", "INSTALL_RESUME",
    "INSTALL_DONE", "INSTALL_FAILED", "REVERT_START", "BACKUP_DAMAGED", "REVERT_RESUME",
    "REVERT_DONE", "TRIAL_BOOT", "COUNTER_ADVANCED", "PRIMARY_INVALID", "BOOT",
    "KEYS_REVOKED",
};

/* Whether this boot started or resumed a revert (property (8) leaves those
 * boots alone: the image judged against is then the restored one). */
static int saw_revert;

static void on_event(void *ctx, enum ferry_boot_event e, int err,
                     const struct ferry_image_info *info)
{
    (void)ctx;
    if (e == FERRY_EV_REVERT_START || e == FERRY_EV_REVERT_RESUME)
        saw_revert = 1;
    if (!verbose)
        return;
    const char *n = (unsigned)e < sizeof event_names / sizeof event_names[0] ? event_names[e] : "?";
    say("      event %-17s err %d (%s)", n, err, err < 0 ? ferry_strerror(err) : "");
    if (info)
        say(" image %u.%u.%u counter %u size %u", info->version.major, info->version.minor,
            info->version.patch, info->security_counter, info->total_size);
    say("\n");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fb_corpus_build();
    if (getenv("FERRY_FUZZ_BOOT_STATS"))
        atexit(print_stats);
    return 0;
}

/* ---- describing flash contents ---------------------------------------- */

static const char *what_is(const uint8_t *mem, uint32_t avail, uint8_t erased)
{
    const struct fb_image *im = fb_corpus_match(mem, avail, 0);
    if (im)
        return im->name;
    uint32_t n = avail < 64 ? avail : 64;
    for (uint32_t i = 0; i < n; i++)
        if (mem[i] != erased)
            return "unrecognised bytes";
    return "erased";
}

static void show_slots(struct fb_board *b, const char *when)
{
    uint32_t min = 0, rv = 0;
    int err = fb_true_min(b, &min), rv_err = fb_true_revoke(b, &rv);
    say("    %s: primary = %s; staging[0] = %s; staging[D] = %s; stored minimum = ", when,
        what_is(fb_area_mem(b, FB_A_PRIMARY), b->a_size[FB_A_PRIMARY], fb_area_erased(b, FB_A_PRIMARY)),
        what_is(fb_area_mem(b, FB_A_STAGING), b->a_size[FB_A_STAGING], fb_area_erased(b, FB_A_STAGING)),
        what_is(fb_area_mem(b, FB_A_STAGED), b->a_size[FB_A_STAGED], fb_area_erased(b, FB_A_STAGED)));
    if (err)
        say("unreadable (%s)", ferry_strerror(err));
    else
        say("%u", min);
    if (rv_err)
        say("; revocation store unreadable (%s)\n", ferry_strerror(rv_err));
    else
        say("; revocation store %u\n", rv);
}

static const char *sel_name(uint8_t sel)
{
    int im = fb_slot_image(sel);
    if (im >= 0)
        return fb_corpus((unsigned)im)->name;
    return sel == FB_SEL_ERASED ? "erased" : "filled with one byte value";
}

/* A forged bank's size/digest selector (< FB_SEL_ZERO) -> image, modulo
 * FB_IMG_LEGACY as before the rotation images existed (saved inputs use all
 * of 0..31): forged banks name the first images only. */
static unsigned sel_image(uint8_t sel)
{
    return sel % FB_IMG_LEGACY;
}

static const char *const area_names[FB_A_COUNT] = {"primary", "staging", "staging@D", "status",
                                                   "counter", "revocation"};

/* ---- building the initial state --------------------------------------- */

static void place(struct fb_board *b, int area, uint32_t fill_len, uint8_t sel)
{
    uint8_t *mem = fb_area_mem(b, area);
    uint32_t size = b->a_size[area];
    if (fb_slot_image(sel) >= 0) {
        const struct fb_image *im = fb_corpus((unsigned)fb_slot_image(sel));
        memcpy(mem, im->bytes, im->len < size ? im->len : size);
    } else if (sel != FB_SEL_ERASED) {
        memset(mem, sel, fill_len < size ? fill_len : size);
    }
}

static uint32_t size_sel(uint8_t sel, uint16_t raw)
{
    if (sel < FB_SEL_ZERO)
        return fb_corpus(sel_image(sel))->len;
    return sel == FB_SEL_RAW ? raw : 0;
}

static void digest_sel(uint8_t sel, const uint8_t raw[32], uint8_t out[32])
{
    if (sel < FB_SEL_ZERO)
        memcpy(out, fb_corpus(sel_image(sel))->protected_digest, 32);
    else if (sel == FB_SEL_RAW)
        memcpy(out, raw, 32);
    else
        memset(out, 0, 32);
}

/* A bank header as src/boot/status.c encodes it: the check value is an
 * unkeyed truncated SHA-256, so anyone who can write the area can make one. */
static void forge_header(const struct fb_bank *fb, uint32_t region, uint8_t h[96])
{
    uint8_t check[32];
    memset(h, 0, 96);
    ferry_put_le32(h, FERRY_STATUS_MAGIC);
    h[4] = FERRY_STATUS_LAYOUT_V1;
    h[5] = fb->op;
    h[6] = (uint8_t)fb->flags;
    h[7] = (uint8_t)(fb->flags >> 8);
    ferry_put_le32(h + 8, fb->seq);
    ferry_put_le32(h + 12, region);
    ferry_put_le32(h + 16, size_sel(fb->in_size_sel, fb->in_size_raw));
    ferry_put_le32(h + 20, size_sel(fb->out_size_sel, fb->out_size_raw));
    digest_sel(fb->in_dig_sel, fb->in_dig_raw, h + 24);
    digest_sel(fb->out_dig_sel, fb->out_dig_raw, h + 56);
    ferry_sha256(h, 88, check);
    memcpy(h + 88, check, 8);
}

static void place_bank(struct fb_board *b, int which, const struct fb_bank *fb)
{
    struct ferry_area bank;
    if (ferry_status_bank(&b->t_status, which, &bank) != 0)
        abort();
    struct fb_dev *d = &b->dev[b->a_dev[FB_A_STATUS]];
    uint8_t *mem = d->mem + bank.off;
    uint32_t pu = d->geo.program_unit, span = (96 + pu - 1) / pu * pu;
    if (fb->mode == FB_BANK_RAW) {
        memcpy(mem, fb->raw, fb->raw_len < bank.size ? fb->raw_len : bank.size);
        say("    status bank %d: %u raw bytes\n", which, fb->raw_len);
        return;
    }
    if (fb->mode != FB_BANK_FORGED)
        return;
    uint32_t max_units = b->a_size[FB_A_PRIMARY] / b->unit, units = 0, region;
    if (fb->region_units < 0x80) {
        units = fb->region_units % (max_units + 1);
        region = units * b->unit;
    } else {
        region = fb->region_raw;
        units = region % b->unit == 0 && region / b->unit <= max_units ? region / b->unit : 0;
    }
    uint8_t h[96];
    forge_header(fb, region, h);
    memcpy(mem, h, 96);
    uint8_t mark = (uint8_t)~d->geo.erased_value;
    uint32_t steps = fb->steps % (2 * units + 1);
    for (uint32_t i = 0; i < steps; i++)
        memset(mem + span + i * pu, mark, pu);
    for (uint32_t k = 0; k < 3; k++)
        if (fb->end_marks & (1u << k))
            memset(mem + span + (FERRY_MARK_DONE(units) + k) * pu, mark, pu);
    say("    status bank %d: forged op %u flags 0x%x seq %u region %u (%u units) in_size %u "
        "out_size %u\n      in_digest %s, out_digest %s, %u step markers, %s%s%s\n",
        which, fb->op, fb->flags, fb->seq, region, units, ferry_get_le32(h + 16),
        ferry_get_le32(h + 20),
        fb->in_dig_sel < FB_SEL_ZERO ? fb_corpus(sel_image(fb->in_dig_sel))->name
                                     : fb->in_dig_sel == FB_SEL_RAW ? "raw" : "zero",
        fb->out_dig_sel < FB_SEL_ZERO ? fb_corpus(sel_image(fb->out_dig_sel))->name
                                      : fb->out_dig_sel == FB_SEL_RAW ? "raw" : "zero",
        steps, fb->end_marks & 1 ? "DONE " : "", fb->end_marks & 2 ? "BOOTED " : "",
        fb->end_marks & 4 ? "CONFIRMED" : "");
}

static void set_counter(const struct ferry_area *area, uint32_t value)
{
    struct ferry_counter_flash c;
    uint8_t buf[64];
    if (value == 0)
        return;
    if (ferry_counter_flash_init(&c, area, buf, sizeof buf) != 0 ||
        c.counter.ops->advance(c.counter.ctx, value) != 0)
        abort();
}

static void setup(struct fb_board *b, const struct fb_scenario *s)
{
    fb_board_open(b, s->board);
    b->cfg.policy.keys = fb_trusted_keys();
    b->cfg.policy.key_count = FB_KEY_COUNT;
    b->cfg.policy.vendor_id = fb_vendor();
    b->cfg.policy.class_id = fb_class();
    b->cfg.hooks.event = on_event;
    if (ferry_boot_layout_check(&b->cfg) != 0)
        abort(); /* a bug in the board table */
    say("scenario: board %s (D = %u, unit %u), %u scheduled boot(s)\n", b->name, b->d, b->unit,
        s->boots);
    say("  initial: primary <- %s, staging[0] <- %s, staging[D] <- %s, counter <- %u, "
        "revocation <- %u\n", sel_name(s->primary), sel_name(s->backup), sel_name(s->staged),
        s->counter, s->revoke);
    place(b, FB_A_PRIMARY, b->a_size[FB_A_PRIMARY], s->primary);
    place(b, FB_A_STAGING, b->d, s->backup);
    place(b, FB_A_STAGED, b->a_size[FB_A_STAGED], s->staged);
    set_counter(&b->t_counter, s->counter);
    set_counter(&b->t_revoke, s->revoke);
    place_bank(b, 0, &s->bank[0]);
    place_bank(b, 1, &s->bank[1]);
    for (unsigned i = 0; i < s->nmut; i++) {
        const struct fb_mut *m = &s->mut[i];
        uint32_t off = m->off % b->a_size[m->area];
        fb_area_mem(b, m->area)[off] ^= m->xor_ ? m->xor_ : 0xFF;
        say("  mutation: %s[%u] ^= 0x%02x\n", area_names[m->area], off, m->xor_ ? m->xor_ : 0xFF);
    }
    for (unsigned i = 0; i < s->rv_nmut; i++) {
        const struct fb_mut *m = &s->rv_mut[i];
        uint32_t off = m->off % b->a_size[FB_A_REVOKE];
        fb_area_mem(b, FB_A_REVOKE)[off] ^= m->xor_ ? m->xor_ : 0xFF;
        say("  mutation: revocation[%u] ^= 0x%02x\n", off, m->xor_ ? m->xor_ : 0xFF);
    }
}

/* ---- the application between boots ----------------------------------- */

static void app_stage(struct fb_board *b, const struct fb_image *im)
{
    struct ferry_area sa = b->t_staging;
    uint8_t buf[256];
    uint32_t pu = sa.dev->geo->program_unit, erased = sa.dev->geo->erased_value;
    uint32_t end = b->d + (im->len + b->unit - 1) / b->unit * b->unit;
    if (end > sa.size)
        end = sa.size;
    if (ferry_area_erase(&sa, b->d, end - b->d) != 0)
        abort();
    for (uint32_t pos = 0; pos < im->len; pos += sizeof buf) {
        uint32_t n = im->len - pos < sizeof buf ? im->len - pos : (uint32_t)sizeof buf;
        memset(buf, (int)erased, sizeof buf);
        memcpy(buf, im->bytes + pos, n);
        n = (n + pu - 1) / pu * pu;
        if (ferry_area_program(&sa, b->d + pos, buf, n) != 0)
            abort();
    }
}

/* ---- the oracle -------------------------------------------------------- */

/* The corpus image the true bytes of `area` start with, if it would run
 * under counter minimum `min` and key floor `key_floor`; else NULL. */
static const struct fb_image *runnable_at(struct fb_board *b, int area, uint32_t min,
                                          uint32_t key_floor)
{
    const struct fb_image *im = fb_corpus_match(fb_area_mem(b, area), b->a_size[area], 0);
    return im && im->runnable && im->security_counter >= min &&
                   (uint32_t)im->key_index >= key_floor
               ? im
               : NULL;
}

/* The corpus image (any) the true primary slot starts with, or NULL. */
static const struct fb_image *primary_image(struct fb_board *b)
{
    return fb_corpus_match(fb_area_mem(b, FB_A_PRIMARY), b->a_size[FB_A_PRIMARY], 0);
}

/*
 * The revoke_below of the image the true status area makes confirmed: the
 * whole runnable image in the true primary, when the newest bank settles
 * whatever verifies there (no valid bank; INSTALL done with CONFIRMED, the
 * PERMANENT bank flag or a PERMANENT image; REVERT done). The bootloader
 * does not hold a done bank's in_digest to the primary, so neither does this.
 * 0 when there is none.
 */
static uint32_t status_settled_rb(struct fb_board *b)
{
    struct ferry_status_ctx sc;
    struct ferry_status st;
    uint8_t buf[256];
    const struct fb_image *im = primary_image(b);
    if (!im || !im->runnable || im->revoke_below == 0)
        return 0;
    memset(&sc, 0, sizeof sc);
    sc.status = &b->t_status;
    sc.primary = &b->t_primary;
    sc.staging = &b->t_staging;
    sc.buf = buf;
    sc.buf_len = sizeof buf;
    int err = ferry_status_read(&sc, &st);
    if (err == FERRY_E_STATE || (err == 0 && st.bank < 0))
        return im->revoke_below; /* no state: stable */
    if (err != 0 || !st.done)
        return 0;
    int settles = st.hdr.op == FERRY_OP_REVERT ||
                  (st.hdr.op == FERRY_OP_INSTALL &&
                   (st.confirmed || (st.hdr.flags & FERRY_STATUS_F_PERMANENT) ||
                    (im->flags & FERRY_IMG_F_PERMANENT)));
    return settles ? im->revoke_below : 0;
}

static int violation(int prop, const char *fmt, ...)
{
    va_list ap;
    if (verbose) {
        fprintf(stderr, "\n*** VIOLATION of property (%d): ", prop);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, "\n");
    }
    return prop;
}

/* Property (1) for a boot that returned 0; *ran = the image that runs. */
static int check_runs(struct fb_board *b, const struct ferry_boot_result *res, uint32_t eff_min,
                      const struct fb_image **ran)
{
    const struct ferry_image_info *ri = &res->image;
    if (ri->total_size == 0 || ri->total_size > b->a_size[FB_A_PRIMARY])
        return violation(1, "ferry_boot returned 0 with image size %u", ri->total_size);
    /* What executes is the protected part; the trailer (digest, key ID,
     * signature) is not run and not covered by the signature, so a copy
     * whose trailer was damaged on the way in still runs signed code. */
    const struct fb_image *im = fb_corpus_match_protected(fb_area_mem(b, FB_A_PRIMARY),
                                                          ri->total_size);
    if (!im)
        return violation(1, "the primary slot's protected bytes (image size %u) are no "
                         "corpus image's", ri->total_size);
    if (!im->runnable)
        return violation(1, "the image that runs (%s) is not trusted for this device", im->name);
    if (im->security_counter < eff_min)
        return violation(1, "the image that runs (%s) has counter %u below the minimum %u",
                         im->name, im->security_counter, eff_min);
    if (ri->header_size != im->header_size || ri->flags != im->flags ||
        ri->security_counter != im->security_counter || ri->revoke_below != im->revoke_below ||
        ferry_version_cmp(&ri->version, &im->version) != 0)
        return violation(1, "the result describes another header than the image that runs (%s)",
                         im->name);
    if (res->entry_off != b->cfg.primary.off + im->header_size)
        return violation(1, "entry offset %u, expected %u", res->entry_off,
                         b->cfg.primary.off + im->header_size);
    *ran = im;
    return 0;
}

static const char *const action_names[] = {"normal", "installed", "reverted"};

static void show_boot(unsigned i, const struct fb_boot *bt)
{
    if (!verbose)
        return;
    say("  boot %u:", i + 1);
    if (!bt) {
        say(" (extra boot after the cut, no faults)\n");
        return;
    }
    if (bt->cut)
        say(" power cut at write op %u (%s);", bt->cut,
            bt->cut_mode == 1 ? "half done" : bt->cut_mode == 2 ? "garbage" : "not done");
    for (unsigned k = 0; k < bt->nrules; k++) {
        const struct fb_rule *r = &bt->rules[k];
        say(" interposer on %s [%u, +%u) reads #%u..%s: ", area_names[r->area], r->lo,
            r->len, r->nth, r->count ? "" : "all");
        if (r->count)
            say("(%u reads) ", r->count);
        int kind = r->area == FB_A_PRIMARY || r->area == FB_A_COUNTER || r->area == FB_A_STATUS
                       ? FB_RULE_IO : r->kind;
        if (kind == FB_RULE_XOR)
            say("xor 0x%02x;", r->arg ? r->arg : 0xFF);
        else if (kind == FB_RULE_SUBST)
            say("bytes of %s;", fb_corpus(fb_arg_image(r->arg))->name);
        else
            say("FERRY_E_IO;");
    }
    if (bt->rv_fail)
        say(" revocation store read #%u: FERRY_E_IO;", bt->rv_fail);
    say("\n");
}

static uint32_t max_u32(uint32_t a, uint32_t b)
{
    return a > b ? a : b;
}

/* Runs one input; returns the number of the first property violated, or 0. */
static int run(const uint8_t *data, size_t size)
{
    struct fb_scenario s;
    struct fb_board *b = &board;
    uint32_t floor = 0;
    /* Key revocation (docs/boot-fuzzer.md, "The oracle"): */
    uint32_t rv_floor = 0;   /* highest revoke_below of an image settled since the last erase */
    uint32_t rb_allowed = 0; /* highest revoke_below the store may have been raised to */
    const struct fb_image *on_trial = NULL; /* seen to start a trial in the primary, unconfirmed */
    const struct fb_image *settled = NULL;  /* the last image seen to settle */
    int min_ok_after_prev = 0;
    fb_decode(data, size, &s);
    setup(b, &s);
    unsigned total = s.boots;
    uint32_t min_before = 0, min_after = 0;
    /* Nothing but ferry_boot() writes the counter store, so the value read
     * after one boot is the value before the next. */
    int min_ok = fb_true_min(b, &min_before) == 0;
    for (unsigned i = 0; i < total && i < FB_MAX_BOOTS + 1; i++) {
        const struct fb_boot *bt = i < s.boots ? &s.boot[i] : NULL;
        struct ferry_boot_result res;
        const struct fb_image *ran = NULL;
        if (i > 0) {
            min_before = min_after;
            min_ok = min_ok_after_prev;
        }
        show_boot(i, bt);
        if (verbose)
            show_slots(b, "before");
        /* The revocation store may have been erased by the application: read
         * it afresh. */
        uint32_t rv_before = 0, rv_after = 0;
        int rv_ok = fb_true_revoke(b, &rv_before) == 0;
        uint32_t eff_min = min_ok && min_before > floor ? min_before : floor;
        uint32_t key_floor = rv_ok ? max_u32(rv_before, rv_floor) : rv_floor;
        const struct fb_image *was_p = runnable_at(b, FB_A_PRIMARY, eff_min, key_floor);
        const struct fb_image *was_s = runnable_at(b, FB_A_STAGED, eff_min, key_floor);
        const struct fb_image *p_img = primary_image(b);
        if (on_trial && p_img != on_trial)
            on_trial = NULL;
        /* A runnable primary not seen on trial may be confirmed (the input's
         * initial status, or an earlier boot): the store may take its entry. */
        if (p_img && p_img->runnable && !on_trial)
            rb_allowed = max_u32(rb_allowed, p_img->revoke_below);
        const struct fb_image *ref = on_trial ? NULL : was_p; /* property (8) */
        /* A trial image is kept and confirmed, not reverted, when its backup
         * does not verify (design rule 4): the backup is not a whole image that
         * runs under the stored minimum and key floor, or a read fails. */
        int backup_bad = on_trial && !runnable_at(b, FB_A_STAGING, min_ok ? min_before : 0,
                                                  rv_ok ? rv_before : 0);

        saw_revert = 0;
        fb_board_reboot(b, bt);
        int rc = ferry_boot(&b->cfg, &res);
        int cut = b->cut_fired, faults = b->read_faults, pfaults = b->primary_faults;
        fb_board_reboot(b, NULL); /* power back, faults off */

        say("    ferry_boot -> %d (%s)", rc, rc ? ferry_strerror(rc) : "runs");
        if (rc == 0)
            say(" action %s, trial %d, image %u.%u.%u counter %u", action_names[res.action % 3],
                res.trial, res.image.version.major, res.image.version.minor,
                res.image.version.patch, res.image.security_counter);
        say("%s%s\n", cut ? " [cut]" : "", faults ? " [read faults]" : "");
        if (verbose)
            show_slots(b, "after ");

        int min_ok_after = fb_true_min(b, &min_after) == 0;
        int rv_ok_after = fb_true_revoke(b, &rv_after) == 0;
        min_ok_after_prev = min_ok_after;
        boots_run++;
        if (min_ok && (!min_ok_after || min_after < min_before))
            return violation(2, "the stored minimum went from %u to %s%u", min_before,
                             min_ok_after ? "" : "unreadable ", min_after);
        if (rv_ok && (!rv_ok_after || rv_after < rv_before))
            return violation(5, "the revocation store went from %u to %s%u", rv_before,
                             rv_ok_after ? "" : "unreadable ", rv_after);
        if (rc == 0) {
            int v = check_runs(b, &res, eff_min, &ran);
            if (v)
                return v;
            if ((uint32_t)ran->key_index < key_floor)
                return violation(6, "the image that runs (%s) is signed by key %d, revoked "
                                 "(keys below %u are)", ran->name, ran->key_index, key_floor);
        }
        if (rc != 0 && !cut && !faults && min_ok && rv_ok && (was_p || was_s))
            return violation(3, "ferry_boot failed (%s) although %s was runnable %s",
                             ferry_strerror(rc), (was_p ? was_p : was_s)->name,
                             was_p ? "in the primary slot" : "at staging D");
        if (rc == 0 && !res.trial && !cut && !faults && min_ok_after &&
            min_after < res.image.security_counter)
            return violation(4, "image with counter %u runs outside trial, stored minimum %u",
                             res.image.security_counter, min_after);
        if (rc == 0 && !res.trial)
            rb_allowed = max_u32(rb_allowed, ran->revoke_below);
        if (on_trial && (backup_bad || faults))
            rb_allowed = max_u32(rb_allowed, on_trial->revoke_below);
        if (rv_ok_after) {
            uint32_t allowed = max_u32(rb_allowed, status_settled_rb(b));
            if (rv_ok)
                allowed = max_u32(allowed, rv_before);
            if (rv_after > allowed)
                return violation(7, "the revocation store rose to %u, above what any confirmed "
                                 "image asks (%u)", rv_after, allowed);
        }
        if (rc == 0 && res.action == FERRY_BOOT_INSTALLED && ref && ran != ref && !saw_revert &&
            !pfaults && !(res.image.flags & FERRY_IMG_F_REVERT) &&
            ferry_version_cmp(&ran->version, &ref->version) <= 0)
            return violation(8, "%s was installed over the confirmed %s: not newer, not REVERT",
                             ran->name, ref->name);
        if (cut && i + 1 == total)
            total++; /* the boot after the reboot is the one judged */
        if (rc != 0 || cut)
            continue;
        if (!res.trial) {
            if (res.image.security_counter > floor)
                floor = res.image.security_counter;
            rv_floor = max_u32(rv_floor, ran->revoke_below);
            settled = ran;
            on_trial = NULL;
        } else {
            on_trial = ran; /* until the application confirms it */
        }
        if (!bt)
            continue;
        if ((bt->app & FB_APP_CONFIRM) && res.trial) {
            int err = ferry_app_confirm(&b->app);
            say("    application confirms: %d\n", err);
            if (err == 0) {
                if (res.image.security_counter > floor)
                    floor = res.image.security_counter;
                rv_floor = max_u32(rv_floor, ran->revoke_below);
                rb_allowed = max_u32(rb_allowed, ran->revoke_below);
                settled = ran;
                on_trial = NULL;
            }
        } else if (res.trial) {
            say("    application does not confirm (reset)\n");
        }
        if (bt->app & FB_APP_STAGE) {
            const struct fb_image *st = fb_corpus(fb_arg_image(bt->stage_img));
            say("    application stages %s at D\n", st->name);
            app_stage(b, st);
        }
        if (bt->app & FB_APP_FLIP) {
            uint32_t off = bt->flip_off % b->a_size[FB_A_STAGING];
            fb_area_mem(b, FB_A_STAGING)[off] ^= bt->flip_xor ? bt->flip_xor : 0xFF;
            say("    staging[%u] ^= 0x%02x\n", off, bt->flip_xor ? bt->flip_xor : 0xFF);
        }
        if (bt->rv_erase) {
            /* An attacker with the store's lock off. From now on only what the
             * confirmed image carries holds keys out (docs/keys.md); an image on
             * trial carries nothing yet. */
            if (ferry_area_erase(&b->t_revoke, 0, b->t_revoke.size) != 0)
                abort();
            rv_floor = !on_trial && settled && primary_image(b) == settled ? settled->revoke_below
                                                                           : 0;
            say("    application erases the revocation store (key floor now %u)\n", rv_floor);
        }
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    verbose = getenv("FERRY_FUZZ_BOOT_TRACE") != NULL;
    inputs_run++;
    int v = run(data, size);
    if (v == 0)
        return 0;
    if (!verbose) { /* run it again, this time telling the story */
        verbose = 1;
        fprintf(stderr, "\n==== boot fuzzer: security property (%d) violated ====\n", v);
        run(data, size);
    }
    abort();
}
