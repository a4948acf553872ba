/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attacks on the boot decision, one test per finding of the security review
 * (docs/threat-model.md maps each to its threat). Every area outside the
 * bootloader is written here the way an attacker would: forged status banks
 * (the check value is unkeyed, so anyone can compute it; the application can
 * write the status area), a counter store in any state, slots with genuine
 * images of other versions, classes or keys, and flash that answers two reads
 * of the same bytes differently (an interposer on the external bus).
 *
 * Each test failed on the bootloader before the fix it names.
 */
#include <stdio.h>
#include <string.h>
#include "check.h"
#include "boot_fixture.h"
#include "ferry/app.h"
#include "ferry/crypto.h"
#include "status_priv.h"
#include "swap_priv.h"

static const char *board_name = "uniform-4k";

static void setup(struct fx *f, struct fx_image *v1)
{
    CHECK_EQ(fx_open(f, board_name), 0);
    *v1 = fx_make(f, 1, 0, 0, 1, 40 * 1024 + 17, 1);
    CHECK_EQ(sim_board_write_image(&f->board, SIM_SLOT_PRIMARY, v1->bytes, v1->len), 0);
    CHECK_EQ(fx_boot(f), 0);
}

static struct ferry_status_ctx status_ctx(struct fx *f)
{
    struct ferry_status_ctx c = {&f->board.cfg.status, &f->board.cfg.primary,
                                 &f->board.cfg.staging, f->board.buf, sizeof f->board.buf};
    return c;
}

static void digest_of(const struct fx_image *img, uint8_t out[32])
{
    ferry_sha256(img->bytes, img->len - FERRY_IMG_TRAILER_SIZE, out);
}

/* Writes a bank the way an attacker can: any header, then `marks` leading
 * step markers and the given tail markers. Returns the bank's unit count. */
static uint32_t forge_bank(struct fx *f, const struct ferry_status_hdr *h, uint32_t marks,
                           int done, int booted, int confirmed)
{
    struct ferry_status_ctx c = status_ctx(f);
    struct ferry_status st;
    CHECK_EQ(ferry_status_read(&c, &st), 0);
    CHECK_EQ(ferry_status_begin(&c, &st, h), 0);
    for (uint32_t i = 0; i < marks; i++)
        CHECK_EQ(ferry_status_mark(&c, &st, i), 0);
    if (done)
        CHECK_EQ(ferry_status_mark(&c, &st, FERRY_MARK_DONE(st.units)), 0);
    if (booted)
        CHECK_EQ(ferry_status_mark(&c, &st, FERRY_MARK_BOOTED(st.units)), 0);
    if (confirmed)
        CHECK_EQ(ferry_status_mark(&c, &st, FERRY_MARK_CONFIRMED(st.units)), 0);
    return st.units;
}

static uint32_t region_for(struct fx *f, size_t len)
{
    uint32_t region = 0;
    CHECK_EQ(ferry_swap_round_up(&f->board.cfg.primary, &f->board.cfg.staging, (uint32_t)len,
                                 &region), 0);
    return region;
}

static uint32_t units_for(struct fx *f, uint32_t region)
{
    uint32_t units = 0;
    CHECK_EQ(ferry_swap_count_units(&f->board.cfg.primary, &f->board.cfg.staging, region, &units),
             0);
    return units;
}

static uint32_t stored_min(struct fx *f)
{
    uint32_t v = 0;
    sim_board_reset(&f->board);
    CHECK_EQ(f->board.cfg.counter->ops->read(f->board.cfg.counter->ctx, &v), 0);
    return v;
}

/* An image signed with a key the device does not trust (the attacker's). */
static struct fx_image make_untrusted(struct fx *f, int major, size_t size, uint32_t seed)
{
    static const uint8_t evil[32] = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
                                     7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 9};
    struct ferry_host_key k;
    CHECK_EQ(ferry_host_key_from_private(evil, &k), 0);
    struct ferry_sign_params p = fx_params(f, major, 0, 0, 99);
    return fx_make_with(&k, &p, size, seed);
}

/*
 * Finding 1: the status area was trusted. The application writes its own
 * unsigned code into the primary and a bank that says "INSTALL, every step
 * done" with in_digest = the digest of that code: the resumed install used to
 * hash the primary, match in_digest and run it on trial, without any
 * signature check. The genuine v1 is left in staging[0..] as the "backup".
 */
static void test_forged_install_bank_runs_nothing_unsigned(void)
{
    struct fx f;
    struct fx_image v1, evil;
    setup(&f, &v1);
    evil = make_untrusted(&f, 9, 30 * 1024, 77);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v1.bytes, v1.len), 0);
    /* sim_board_write_image puts staged images at D; the backup sits at 0. */
    const struct sim_area_desc *sd = &f.board.desc->staging;
    uint8_t *st = ferry_sim_flash_contents(f.board.dev[sd->dev]) + sd->off;
    memmove(st, st + fx_d(&f), v1.len);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_PRIMARY, evil.bytes, evil.len), 0);

    struct ferry_status_hdr h;
    memset(&h, 0, sizeof h);
    h.op = FERRY_OP_INSTALL;
    h.region = region_for(&f, v1.len > evil.len ? v1.len : evil.len);
    h.in_size = (uint32_t)evil.len;
    h.out_size = (uint32_t)v1.len;
    digest_of(&evil, h.in_digest);
    digest_of(&v1, h.out_digest);
    forge_bank(&f, &h, 2 * units_for(&f, h.region), 0, 0, 0); /* every step "done", DONE not */

    int rc = fx_boot(&f);
    CHECK(!(rc == 0 && fx_primary_is(&f, &evil)));
    CHECK_EQ(rc, 0);
    CHECK_EQ(f.res.image.version.major, 1); /* the signed backup is what runs */
    CHECK(fx_primary_is(&f, &v1));
    /* And on every later boot, too. */
    CHECK_EQ(fx_boot(&f), 0);
    CHECK(fx_primary_is(&f, &v1));
    fx_free(&evil);
    fx_free(&v1);
    fx_close(&f);
}

/* ---- an interposer on the staging device -------------------------------- */

/* Forwards to the real device; the first `left` reads that overlap
 * [off, off+len) see `patch` there instead of the true bytes. */
struct interposer {
    struct ferry_flash flash;
    const struct ferry_flash *real;
    uint32_t off, len;
    uint8_t patch[64];
    int left;
    int hits;
};

static int ip_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    struct interposer *ip = ctx;
    int err = ip->real->ops->read(ip->real->ctx, off, buf, len);
    if (err || off >= ip->off + ip->len || off + len <= ip->off)
        return err;
    ip->hits++;
    if (ip->left <= 0)
        return 0;
    ip->left--;
    for (uint32_t i = 0; i < ip->len; i++) {
        uint32_t a = ip->off + i;
        if (a >= off && a < off + len)
            ((uint8_t *)buf)[a - off] = ip->patch[i];
    }
    return 0;
}
static int ip_program(void *ctx, uint32_t off, const void *buf, uint32_t len)
{
    struct interposer *ip = ctx;
    return ip->real->ops->program(ip->real->ctx, off, buf, len);
}
static int ip_erase(void *ctx, uint32_t off, uint32_t len)
{
    struct interposer *ip = ctx;
    return ip->real->ops->erase(ip->real->ctx, off, len);
}
static const struct ferry_flash_ops ip_ops = {ip_read, ip_program, ip_erase};

/* Puts the interposer between the core and the staging slot's device; the
 * patch covers staged-image bytes [img_off, img_off + n). */
static void interpose_staging(struct fx *f, struct interposer *ip, uint32_t img_off,
                              const uint8_t *patch, uint32_t n, int reads)
{
    memset(ip, 0, sizeof *ip);
    ip->real = f->board.cfg.staging.dev;
    ip->flash.ops = &ip_ops;
    ip->flash.ctx = ip;
    ip->flash.geo = ip->real->geo;
    ip->off = f->board.cfg.staging.off + fx_d(f) + img_off;
    ip->len = n;
    memcpy(ip->patch, patch, n);
    ip->left = reads;
    f->board.cfg.staging.dev = &ip->flash;
}

/* Offset of a metadata entry's value in an image (first entry of `type`). */
static uint32_t tlv_value_off(const struct fx_image *img, uint16_t type)
{
    uint32_t meta = (uint32_t)(img->bytes[8] | img->bytes[9] << 8);
    for (uint32_t pos = 32; pos < 32 + meta;) {
        uint16_t t = (uint16_t)(img->bytes[pos] | img->bytes[pos + 1] << 8);
        uint16_t l = (uint16_t)(img->bytes[pos + 2] | img->bytes[pos + 3] << 8);
        if (t == type)
            return pos + 4;
        pos += 4 + ((l + 3u) & ~3u);
    }
    CHECK(0);
    return 0;
}

/*
 * Finding 2a: decisions and signature covered different reads. A genuine
 * image of ANOTHER device class is staged; the interposer shows this
 * device's class on the first read of the class entry only. The class check
 * used the first read, the signature the second: the foreign image was
 * installed.
 */
static void test_interposer_cannot_change_the_class(void)
{
    struct fx f;
    struct fx_image v1, other;
    setup(&f, &v1);
    struct ferry_sign_params p = fx_params(&f, 2, 0, 0, 2);
    uint8_t other_class[16];
    ferry_uuid_from_arg("actuator-v7", f.vendor, other_class);
    memcpy(p.class_id, other_class, 16);
    other = fx_make_with(&f.key, &p, 20 * 1024, 5);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, other.bytes, other.len), 0);

    struct interposer ip;
    interpose_staging(&f, &ip, tlv_value_off(&other, FERRY_TLV_CLASS_ID), f.class_id, 16, 1);
    int rc = fx_boot(&f);
    CHECK(ip.hits > 0); /* the interposer did see the class being read */
    CHECK_EQ(rc, 0);
    CHECK(fx_primary_is(&f, &v1));
    CHECK_EQ(f.res.action, FERRY_BOOT_NORMAL);
    CHECK_EQ(f.res.staged_err, FERRY_E_IMG_CHANGED);
    fx_free(&other);
    fx_free(&v1);
    fx_close(&f);
}

/*
 * Finding 2b: an old genuine image (v0.5, counter 0, signed PERMANENT) shows
 * version 9 and counter 50 on its first header read. The version and counter
 * checks used that read: the old image was installed permanently.
 */
static void test_interposer_cannot_forge_version_or_counter(void)
{
    struct fx f;
    struct fx_image v1, old;
    setup(&f, &v1);
    struct ferry_sign_params p = fx_params(&f, 0, 5, 0, 0);
    p.flags = FERRY_IMG_F_PERMANENT;
    old = fx_make_with(&f.key, &p, 20 * 1024, 6);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, old.bytes, old.len), 0);

    uint8_t forged[32];
    memcpy(forged, old.bytes, 32);
    forged[20] = 9;                      /* major */
    forged[28] = 50;                     /* security counter, little-endian */
    struct interposer ip;
    interpose_staging(&f, &ip, 0, forged, 32, 1);
    int rc = fx_boot(&f);
    CHECK(ip.hits > 0);
    CHECK_EQ(rc, 0);
    CHECK(fx_primary_is(&f, &v1));
    CHECK_EQ(f.res.image.version.major, 1);
    CHECK(f.res.staged_err != 0);
    fx_free(&old);
    fx_free(&v1);
    fx_close(&f);
}

/*
 * Finding 2c (this review): the staged image was parsed twice, once for the
 * cheap checks (downgrade, "is it the image that failed its trial") and once
 * more for the verification, so the cheap checks rested on a read the
 * signature never covered. An old genuine v0.5 with v1's counter (the counter
 * cannot refuse it) shows version 9 on the first read: it used to be
 * installed, a downgrade. Now the first parse is the one verified.
 */
static void test_interposer_cannot_dodge_the_downgrade_check(void)
{
    struct fx f;
    struct fx_image v1, old;
    setup(&f, &v1);
    struct ferry_sign_params p = fx_params(&f, 0, 5, 0, 1);
    old = fx_make_with(&f.key, &p, 20 * 1024, 7);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, old.bytes, old.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.staged_err, FERRY_E_IMG_DOWNGRADE); /* without the interposer */

    uint8_t forged[32];
    memcpy(forged, old.bytes, 32);
    forged[20] = 9; /* major */
    struct interposer ip;
    interpose_staging(&f, &ip, 0, forged, 32, 1);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK(ip.hits > 0);
    CHECK(fx_primary_is(&f, &v1));
    CHECK_EQ(f.res.action, FERRY_BOOT_NORMAL);
    CHECK_EQ(f.res.staged_err, FERRY_E_IMG_CHANGED);
    fx_free(&old);
    fx_free(&v1);
    fx_close(&f);
}

/*
 * The revocation entry is a decision too: a genuine permanent image signed by
 * key 1 that revokes keys below 1 shows "below 2" on its first read of the
 * entry (which would lock out key 1 as well, its own signer, past the check
 * made on the true value) or "below 0" (no revocation at all). Either way it
 * must be refused whole, nothing revoked, v1 kept.
 */
static void interposed_revocation(uint32_t shown)
{
    struct fx f;
    struct fx_image v1, rot;
    setup(&f, &v1);
    if (!f.board.cfg.revocation) {
        printf("SKIP %s: board has no revocation store\n", board_name);
        fx_free(&v1);
        fx_close(&f);
        return;
    }
    struct ferry_sign_params p = fx_params(&f, 2, 0, 0, 2);
    p.revoke_below = 1;
    p.flags = FERRY_IMG_F_PERMANENT;
    rot = fx_make_with(&f.key1, &p, 20 * 1024, 8);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, rot.bytes, rot.len), 0);

    uint8_t forged[4] = {(uint8_t)shown, 0, 0, 0};
    struct interposer ip;
    interpose_staging(&f, &ip, tlv_value_off(&rot, FERRY_TLV_REVOKE_BELOW), forged, 4, 1);
    int rc = fx_boot(&f);
    CHECK(ip.hits > 0);
    CHECK_EQ(rc, 0);
    CHECK(fx_primary_is(&f, &v1));
    CHECK_EQ(f.res.action, FERRY_BOOT_NORMAL);
    CHECK_EQ(f.res.staged_err, FERRY_E_IMG_CHANGED);
    uint32_t floor = 99;
    sim_board_reset(&f.board);
    CHECK_EQ(f.board.cfg.revocation->ops->read(f.board.cfg.revocation->ctx, &floor), 0);
    CHECK_EQ(floor, 0);
    fx_free(&rot);
    fx_free(&v1);
    fx_close(&f);
}

static void test_interposer_cannot_forge_revocation(void)
{
    interposed_revocation(2);
    interposed_revocation(0);
}

/*
 * Finding 3: after the application confirms v2 (counter 5), a signed revert
 * image v1.5 with counter 2 staged before the next boot used to be judged
 * against the old minimum (1) and installed. The minimum must reach 5 first.
 */
static void test_counter_recorded_before_staged_is_judged(void)
{
    struct fx f;
    struct fx_image v1, v2, back;
    setup(&f, &v1);
    CHECK_EQ(stored_min(&f), 1);
    v2 = fx_make(&f, 2, 0, 0, 5, 30 * 1024, 2);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.trial, 1);
    CHECK_EQ(ferry_app_confirm(&f.board.app), 0);
    struct ferry_sign_params p = fx_params(&f, 1, 5, 0, 2);
    p.flags = FERRY_IMG_F_REVERT;
    back = fx_make_with(&f.key, &p, 25 * 1024, 3);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, back.bytes, back.len), 0);

    CHECK_EQ(fx_boot(&f), 0);
    CHECK(fx_primary_is(&f, &v2));
    CHECK_EQ(f.res.staged_err, FERRY_E_IMG_ROLLBACK);
    CHECK_EQ(stored_min(&f), 5);
    fx_free(&back);
    fx_free(&v2);
    fx_free(&v1);
    fx_close(&f);
}

/*
 * Finding 4: the primary holds a signed image the bootloader refuses (its
 * counter 1 is below the stored minimum 10: a unit re-flashed with an old
 * factory image). A good v2 (counter 10) used to go on trial with the
 * refused image as its "backup"; a reset before confirming reverted to it and
 * left nothing to run.
 */
static void test_refused_primary_is_no_backup(void)
{
    struct fx f;
    struct fx_image v1, v2;
    setup(&f, &v1);
    CHECK_EQ(f.board.cfg.counter->ops->advance(f.board.cfg.counter->ctx, 10), 0);
    CHECK_EQ(fx_boot(&f), FERRY_E_NO_IMAGE); /* v1 alone does not run */
    v2 = fx_make(&f, 2, 0, 0, 10, 30 * 1024, 2);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK(fx_primary_is(&f, &v2));
    CHECK_EQ(fx_boot(&f), 0); /* reset before any confirm */
    CHECK(fx_primary_is(&f, &v2));
    CHECK_EQ(f.res.image.version.major, 2);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK(fx_primary_is(&f, &v2));
    fx_free(&v2);
    fx_free(&v1);
    fx_close(&f);
}

/*
 * Finding 5: one bit of the backup's SIGNATURE flips during a trial. The old
 * check hashed only the protected bytes, found them intact, reverted, and the
 * restored image then failed: nothing to run.
 */
static void test_backup_signature_damage_is_caught_before_revert(void)
{
    struct fx f;
    struct fx_image v1, v2;
    setup(&f, &v1);
    v2 = fx_make(&f, 2, 0, 0, 2, 30 * 1024, 2);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.trial, 1);
    const struct sim_area_desc *sd = &f.board.desc->staging;
    uint8_t *st = ferry_sim_flash_contents(f.board.dev[sd->dev]) + sd->off;
    CHECK_EQ(memcmp(st, v1.bytes, v1.len), 0);
    st[v1.len - 10] ^= 0x04; /* inside the signature */
    CHECK_EQ(fx_boot(&f), 0);
    CHECK(fx_primary_is(&f, &v2));
    CHECK_EQ(f.res.image.version.major, 2);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK(fx_primary_is(&f, &v2));
    fx_free(&v2);
    fx_free(&v1);
    fx_close(&f);
}

/*
 * A forged revert "under way" while the confirmed image still verifies as
 * the one it moves out (the shape of a genuine revert of a smaller trial
 * image: its first steps lie past that image's end). The bootloader resumes
 * such a revert only when the image it moves in verifies through the swap
 * view at the claimed progress; here the "backup" is the attacker's, larger
 * than v1, so nothing is resumed, nothing is restored and v1 keeps running.
 */
static void test_forged_revert_past_out_needs_a_verified_backup(void)
{
    struct fx f;
    struct fx_image v1, evil;
    setup(&f, &v1);
    evil = make_untrusted(&f, 0, 60 * 1024 + 5, 78);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, evil.bytes, evil.len), 0);
    const struct sim_area_desc *sd = &f.board.desc->staging;
    uint8_t *st = ferry_sim_flash_contents(f.board.dev[sd->dev]) + sd->off;
    memmove(st, st + fx_d(&f), evil.len); /* the "backup" at staging 0 */

    struct ferry_status_hdr h;
    memset(&h, 0, sizeof h);
    h.op = FERRY_OP_REVERT;
    h.region = region_for(&f, evil.len);
    h.in_size = (uint32_t)evil.len;
    h.out_size = (uint32_t)v1.len;
    digest_of(&evil, h.in_digest);
    digest_of(&v1, h.out_digest);
    forge_bank(&f, &h, 2, 0, 0, 0); /* the last unit "restored" */

    f.event_count = 0;
    CHECK_EQ(fx_boot(&f), 0);
    CHECK(fx_primary_is(&f, &v1));
    CHECK_EQ(f.res.image.version.major, 1);
    for (int i = 0; i < f.event_count; i++) {
        CHECK(f.events[i] != FERRY_EV_REVERT_RESUME);
        CHECK(f.events[i] != FERRY_EV_REVERT_START);
    }
    CHECK_EQ(fx_boot(&f), 0);
    CHECK(fx_primary_is(&f, &v1));
    fx_free(&evil);
    fx_free(&v1);
    fx_close(&f);
}

/*
 * Finding 7: a checked but impossible newest bank (seq 7, a region that is
 * not a unit boundary) made the next install write seq 1 over the older
 * valid bank; reads then followed the impossible bank and the unconfirmed
 * trial image was never reverted.
 */
static void test_impossible_newest_bank_keeps_sequence(void)
{
    struct fx f;
    struct fx_image v1, v2;
    setup(&f, &v1);
    struct ferry_status_ctx c = status_ctx(&f);
    struct ferry_status st;
    struct ferry_status_hdr h;
    memset(&h, 0, sizeof h);
    h.op = FERRY_OP_INSTALL;
    h.region = region_for(&f, v1.len);
    h.in_size = (uint32_t)v1.len;
    digest_of(&v1, h.in_digest);
    /* An older, valid bank: v1 installed and confirmed. */
    forge_bank(&f, &h, 2 * units_for(&f, h.region), 1, 1, 1);
    CHECK_EQ(ferry_status_read(&c, &st), 0);
    CHECK(st.bank >= 0);
    /* The other bank: a whole, checked header with seq 7 and an impossible
     * region (not a unit boundary). The attacker computes the check value;
     * ferry_status_begin() would refuse the region, so it is encoded here. */
    struct ferry_area bank;
    CHECK_EQ(ferry_status_bank(&f.board.cfg.status, st.bank ? 0 : 1, &bank), 0);
    uint8_t raw[FERRY_STATUS_HDR_BYTES];
    memset(raw, 0, sizeof raw);
    raw[0] = 'F', raw[1] = 'R', raw[2] = 'Y', raw[3] = 'S';
    raw[4] = FERRY_STATUS_LAYOUT_V1;
    raw[5] = FERRY_OP_INSTALL;
    raw[8] = 7;                     /* seq */
    raw[12] = 0x39, raw[13] = 0x30; /* region 12345 */
    raw[17] = 0x10;                 /* in_size 4096 */
    uint8_t check[32];
    ferry_sha256(raw, 88, check);
    memcpy(raw + 88, check, 8);
    uint32_t u = bank.dev->geo->program_unit;
    uint32_t span = (FERRY_STATUS_HDR_BYTES + u - 1) / u * u;
    uint8_t buf[512];
    memset(buf, bank.dev->geo->erased_value, sizeof buf);
    memcpy(buf, raw, sizeof raw);
    CHECK_EQ(ferry_area_erase(&bank, 0, bank.size), 0);
    CHECK_EQ(ferry_area_program(&bank, 0, buf, span), 0);

    CHECK_EQ(fx_boot(&f), 0);
    CHECK(fx_primary_is(&f, &v1));
    /* An update now must be tracked by a bank that wins over seq 7. */
    v2 = fx_make(&f, 2, 0, 0, 2, 30 * 1024, 2);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.trial, 1);
    CHECK(fx_primary_is(&f, &v2));
    CHECK_EQ(fx_boot(&f), 0); /* no confirm: back to v1 */
    CHECK_EQ(f.res.action, FERRY_BOOT_REVERTED);
    CHECK(fx_primary_is(&f, &v1));
    fx_free(&v2);
    fx_free(&v1);
    fx_close(&f);
}

/*
 * Finding 8a: a counter store that cannot be read let the primary run even
 * when it was below the last minimum. Both banks of the store are garbage
 * here: the bootloader must not run v1 (counter 1) now that nothing says the
 * minimum is at most 1.
 */
static void test_unreadable_counter_store_fails_closed(void)
{
    struct fx f;
    struct fx_image v1;
    setup(&f, &v1);
    const struct sim_area_desc *cd = &f.board.desc->counter;
    uint8_t *cs = ferry_sim_flash_contents(f.board.dev[cd->dev]) + cd->off;
    for (uint32_t i = 0; i < cd->size; i++)
        cs[i] = (uint8_t)(i * 37 + 11);
    int rc = fx_boot(&f);
    CHECK(rc != 0);
    fx_free(&v1);
    fx_close(&f);
}

/*
 * Finding 8b: the application writes a REVERT bank claiming a revert is under
 * way, with garbage as the image to restore. The revert used to run and
 * leave nothing: the image to be restored must verify completely first.
 */
static void test_forged_revert_bank_is_no_brick(void)
{
    struct fx f;
    struct fx_image v1;
    setup(&f, &v1);
    struct ferry_status_hdr h;
    memset(&h, 0, sizeof h);
    h.op = FERRY_OP_REVERT;
    h.region = region_for(&f, v1.len);
    h.in_size = (uint32_t)v1.len;
    h.out_size = (uint32_t)v1.len;
    memset(h.in_digest, 0xA5, 32);
    digest_of(&v1, h.out_digest);
    forge_bank(&f, &h, 0, 0, 0, 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK(fx_primary_is(&f, &v1));
    CHECK_EQ(fx_boot(&f), 0);
    CHECK(fx_primary_is(&f, &v1));
    fx_free(&v1);
    fx_close(&f);
}

/*
 * Finding 8c: a finished REVERT bank names v2 as rejected; v2 is the only
 * runnable image (staged), the primary is erased. "Rejected" must never
 * leave a device with nothing to run while a runnable image exists.
 */
static void test_rejected_record_never_bricks(void)
{
    struct fx f;
    struct fx_image v1, v2;
    setup(&f, &v1);
    v2 = fx_make(&f, 2, 0, 0, 2, 30 * 1024, 2);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len), 0);
    CHECK_EQ(sim_board_erase_slot(&f.board, SIM_SLOT_PRIMARY), 0);
    struct ferry_status_hdr h;
    memset(&h, 0, sizeof h);
    h.op = FERRY_OP_REVERT;
    h.region = region_for(&f, v1.len > v2.len ? v1.len : v2.len);
    h.in_size = (uint32_t)v1.len;
    h.out_size = (uint32_t)v2.len;
    digest_of(&v1, h.in_digest);
    digest_of(&v2, h.out_digest);
    forge_bank(&f, &h, 2 * units_for(&f, h.region), 1, 0, 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK(fx_primary_is(&f, &v2));
    fx_free(&v2);
    fx_free(&v1);
    fx_close(&f);
}

/* Status banks with unknown flag bits are refused as impossible (a future
 * flag is never half understood), and the device still runs a verified
 * image; the next operation outranks the refused bank. */
static void test_unknown_status_flags_are_refused(void)
{
    struct fx f;
    struct fx_image v1, v2;
    setup(&f, &v1);
    v2 = fx_make(&f, 2, 0, 0, 2, 30 * 1024, 2);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.trial, 1);
    struct ferry_status_ctx c = status_ctx(&f);
    struct ferry_status st;
    CHECK_EQ(ferry_status_read(&c, &st), 0);
    struct ferry_status_hdr h = st.hdr;
    uint32_t seq = st.hdr.seq;
    h.flags = 0x8000;
    forge_bank(&f, &h, 2 * st.units, 1, 1, 0);
    CHECK_EQ(ferry_status_read(&c, &st), FERRY_E_STATE);
    CHECK_EQ(st.bank, -1);
    CHECK_EQ(st.max_seq, seq + 1);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK(fx_primary_is(&f, &v2));
    CHECK_EQ(f.res.image.version.major, 2);
    fx_free(&v2);
    fx_free(&v1);
    fx_close(&f);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        board_name = argv[1];
    printf("board %s\n", board_name);
    RUN(test_forged_install_bank_runs_nothing_unsigned);
    RUN(test_interposer_cannot_change_the_class);
    RUN(test_interposer_cannot_forge_version_or_counter);
    RUN(test_interposer_cannot_dodge_the_downgrade_check);
    RUN(test_interposer_cannot_forge_revocation);
    RUN(test_counter_recorded_before_staged_is_judged);
    RUN(test_refused_primary_is_no_backup);
    RUN(test_backup_signature_damage_is_caught_before_revert);
    RUN(test_impossible_newest_bank_keeps_sequence);
    RUN(test_unreadable_counter_store_fails_closed);
    RUN(test_forged_revert_bank_is_no_brick);
    RUN(test_forged_revert_past_out_needs_a_verified_backup);
    RUN(test_rejected_record_never_bricks);
    RUN(test_unknown_status_flags_are_refused);
    return check_done();
}
