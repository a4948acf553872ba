/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writes the boot fuzzer's seed inputs into the directory given as argv[1]
 * (docs/boot-fuzzer.md, "Seeds"). Each seed is a scenario encoded with the
 * same codec the fuzzer decodes with, and is decoded back and compared before
 * it is written, so a seed can never silently mean something else.
 */
#include <stdio.h>
#include <string.h>

#include "corpus.h"
#include "scenario.h"

static int failures;

static void emit(const char *dir, const char *name, const struct fb_scenario *s)
{
    uint8_t buf[4096];
    struct fb_scenario back;
    char path[1024];
    size_t n = fb_encode(s, buf, sizeof buf);
    fb_decode(buf, n, &back);
    if (n == 0 || memcmp(&back, s, sizeof back) != 0) {
        fprintf(stderr, "seed %s does not decode to itself\n", name);
        failures++;
        return;
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        failures++;
    }
}

#define NONE (-1) /* an erased slot */

static uint8_t slot(int id)
{
    return id == NONE ? (uint8_t)FB_SEL_ERASED : fb_sel_of((unsigned)id);
}

/* Image ids (enum fb_image_id) or NONE. */
static struct fb_scenario base(int primary, int staged, uint8_t counter, uint8_t boots)
{
    struct fb_scenario s;
    memset(&s, 0, sizeof s);
    s.board = 0;
    s.boots = boots;
    s.primary = slot(primary);
    s.backup = FB_SEL_ERASED;
    s.staged = slot(staged);
    s.counter = counter;
    return s;
}

static void forged(struct fb_bank *b, uint8_t op, uint8_t seq, uint8_t units, uint8_t in_img,
                   uint8_t out_img, uint8_t steps, uint8_t end_marks)
{
    memset(b, 0, sizeof *b);
    b->mode = FB_BANK_FORGED;
    b->op = op;
    b->seq = seq;
    b->region_units = units;
    b->in_size_sel = in_img;
    b->in_dig_sel = in_img;
    b->out_size_sel = out_img;
    b->out_dig_sel = out_img;
    b->steps = steps;
    b->end_marks = end_marks;
}

int main(int argc, char **argv)
{
    struct fb_scenario s;
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];

    /* A confirmed image boots; nothing staged. */
    s = base(FB_IMG_V1, NONE, 1, 1);
    emit(dir, "normal", &s);

    /* A newer image is staged: installed on trial, confirmed, booted again. */
    s = base(FB_IMG_V1, FB_IMG_V2, 1, 3);
    s.boot[0].app = FB_APP_CONFIRM;
    emit(dir, "staged_newer", &s);
    s.board = 1;
    emit(dir, "staged_newer_split", &s);

    /* A newer image signed by the untrusted key is staged. */
    s = base(FB_IMG_V1, FB_IMG_KEYB_V9, 1, 2);
    emit(dir, "staged_wrong_key", &s);

    /* The install is cut half-way through a write, then resumed. */
    s = base(FB_IMG_V1, FB_IMG_V2, 1, 2);
    s.boot[0].cut = 12;
    s.boot[0].cut_mode = 1;
    emit(dir, "interrupted_install", &s);

    /* A forged INSTALL bank whose in_digest is that of an image the device
     * does not trust, sitting in the primary: every step marker set, so the
     * "resume" only hashes the primary and compares. */
    s = base(FB_IMG_KEYB_V9, NONE, 1, 1);
    forged(&s.bank[0], 1, 5, 1, FB_IMG_KEYB_V9, FB_SEL_ZERO, 2, 0);
    emit(dir, "forged_install_unsigned_primary", &s);

    /* A forged REVERT bank, not done: the "revert" brings the old image from
     * staging[0] back and names the running image as rejected. */
    s = base(FB_IMG_V1, FB_IMG_V2, 1, 2);
    s.backup = FB_IMG_V0_9_REV;
    forged(&s.bank[1], 2, 9, 4, FB_IMG_V0_9_REV, FB_IMG_V1, 0, 0);
    emit(dir, "forged_revert", &s);

    /* An interposer on the staging slot's reads: the wrong-class image at D
     * reads as the right-class one while the header is parsed (the class
     * value sits at image offset 56..72), not while it is hashed. */
    s = base(FB_IMG_V1, FB_IMG_CLASS_V9, 1, 1);
    s.boot[0].nrules = 1;
    s.boot[0].rules[0].area = FB_A_STAGED;
    s.boot[0].rules[0].lo = 56;
    s.boot[0].rules[0].len = 16;
    s.boot[0].rules[0].nth = 0;
    s.boot[0].rules[0].count = 1;
    s.boot[0].rules[0].kind = FB_RULE_SUBST;
    s.boot[0].rules[0].arg = FB_IMG_V1;
    emit(dir, "interposer_staged_header", &s);
    /* The backup's trailer is damaged while the new image runs on trial
     * (staging[800] is inside the signature of 1.0.0, which ends at 824);
     * the trial is not confirmed, so the next boot reverts. */
    s = base(FB_IMG_V1, FB_IMG_V2, 1, 2);
    s.boot[0].app = FB_APP_FLIP;
    s.boot[0].flip_off = 800;
    s.boot[0].flip_xor = 0x01;
    emit(dir, "damaged_backup_trailer", &s);

    /* Key rotation (docs/keys.md). 3.5.0 by key 1 revokes key 0: installed
     * on trial, confirmed; the next boot raises the revocation store; then a
     * newer image by key 0 is staged and must be refused. */
    s = base(FB_IMG_V1, FB_IMG_K1_V3_5_RB1, 1, 3);
    s.boot[0].app = FB_APP_CONFIRM;
    s.boot[1].app = FB_APP_STAGE;
    s.boot[1].stage_img = fb_sel_of(FB_IMG_K0_V4_1);
    emit(dir, "rotation_confirmed", &s);
    s.board = 1;
    emit(dir, "rotation_confirmed_split", &s);

    /* The same image on trial, not confirmed: reverted, key 0 stays trusted,
     * the store stays 0. */
    s = base(FB_IMG_V1, FB_IMG_K1_V3_5_RB1, 1, 2);
    emit(dir, "rotation_trial_reverted", &s);

    /* A PERMANENT rotation image: revokes at install; key 0's newer image is
     * refused after it. */
    s = base(FB_IMG_V1, FB_IMG_K1_V3_6_RB1_PERM, 1, 2);
    s.boot[0].app = FB_APP_STAGE;
    s.boot[0].stage_img = fb_sel_of(FB_IMG_K0_V4_1);
    emit(dir, "rotation_permanent", &s);

    /* Images that would revoke their own signer never run (key 1 revoking
     * below 2; key 0 revoking below 1), staged or in the primary. */
    s = base(FB_IMG_V1, FB_IMG_K1_V4_RB2, 1, 2);
    s.boot[0].app = FB_APP_STAGE;
    s.boot[0].stage_img = fb_sel_of(FB_IMG_K0_V3_8_RB1);
    emit(dir, "rotation_revokes_own_signer", &s);

    /* Rotation done (store 1, the confirmed primary carries the entry); the
     * application erases the store and stages key 0's newer image: the
     * entry restores the floor, the image is refused. */
    s = base(FB_IMG_K1_V3_5_RB1, NONE, 3, 2);
    s.revoke = 1;
    s.boot[0].app = FB_APP_STAGE;
    s.boot[0].stage_img = fb_sel_of(FB_IMG_K0_V4_1);
    s.boot[0].rv_erase = 1;
    emit(dir, "rotation_erased_store", &s);

    /* After the rotation a later key-1 release without the entry is
     * confirmed; the store keeps key 0 out. One glitch on a revocation store
     * read in the last boot. */
    s = base(FB_IMG_K1_V3_5_RB1, FB_IMG_K1_V3_7, 3, 4);
    s.boot[0].app = FB_APP_CONFIRM;
    s.boot[1].app = FB_APP_STAGE;
    s.boot[1].stage_img = fb_sel_of(FB_IMG_K0_V4_1);
    s.boot[2].rv_fail = 1;
    emit(dir, "rotation_later_release", &s);

    /* The downgrade rule against a twice-read header: 1.0.0 (counter 1, like
     * the running 1.1.0) is staged; the interposer makes its version read
     * as 3.0.0 (image bytes 20..24) on the first read only. */
    s = base(FB_IMG_V1_1, FB_IMG_V1, 1, 1);
    s.boot[0].nrules = 1;
    s.boot[0].rules[0].area = FB_A_STAGED;
    s.boot[0].rules[0].lo = 20;
    s.boot[0].rules[0].len = 4;
    s.boot[0].rules[0].nth = 0;
    s.boot[0].rules[0].count = 1;
    s.boot[0].rules[0].kind = FB_RULE_SUBST;
    s.boot[0].rules[0].arg = FB_IMG_V3;
    emit(dir, "interposer_staged_version", &s);

    /* Header-signed images (the one-pass install): an update confirmed; a
     * staged payload that does not match its signed header (installed,
     * found out as it lands, reverted, then refused before any write); a
     * primary whose payload does not match, with an older image staged. */
    s = base(FB_IMG_HS_V2_3, FB_IMG_HS_V3_1, 2, 3);
    s.boot[0].app = FB_APP_CONFIRM;
    emit(dir, "header_signed_update", &s);
    s = base(FB_IMG_HS_V2_3, FB_IMG_HS_V3_1_FLIP, 2, 3);
    emit(dir, "header_signed_bad_payload", &s);
    s = base(FB_IMG_HS_V3_1_FLIP, FB_IMG_HS_V2_3, 2, 2);
    emit(dir, "header_signed_damaged_primary", &s);
    s = base(FB_IMG_V1, FB_IMG_HS_V2_3, 1, 3);
    s.boot[1].app = FB_APP_STAGE;
    s.boot[1].stage_img = fb_sel_of(FB_IMG_HS_V3_1_FLIP);
    emit(dir, "header_signed_after_plain", &s);
    return failures ? 1 : 0;
}
