/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Boot decisions on every simulated board: factory boot, install + trial +
 * confirm, install + no confirm -> revert, rejected images leave the device
 * untouched, nothing valid -> no jump.
 */
#include <stdio.h>
#include <string.h>
#include "check.h"
#include "boot_fixture.h"
#include "ferry/app.h"

static const char *board_name = "uniform-4k";

static void setup(struct fx *f, struct fx_image *v1)
{
    CHECK_EQ(fx_open(f, board_name), 0);
    *v1 = fx_make(f, 1, 0, 0, 1, 100 * 1024 + 17, 1);
    CHECK_EQ(sim_board_write_image(&f->board, SIM_SLOT_PRIMARY, v1->bytes, v1->len), 0);
    /* First power-on: v1 runs and, where the board has a counter store, its
     * security counter becomes the minimum. */
    CHECK_EQ(fx_boot(f), 0);
}

static void test_factory_boot(void)
{
    struct fx f;
    struct fx_image v1;
    setup(&f, &v1);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_NORMAL);
    CHECK_EQ(f.res.trial, 0);
    CHECK_EQ(f.res.image.version.major, 1);
    CHECK_EQ(f.res.entry_off, f.board.cfg.primary.off + f.res.image.header_size);
    CHECK_EQ(f.res.staged_err, 0);
    fx_free(&v1);
    fx_close(&f);
}

static void test_install_confirm(void)
{
    struct fx f;
    struct fx_image v1, v2;
    enum ferry_app_state st;
    setup(&f, &v1);
    v2 = fx_make(&f, 2, 0, 0, 2, 120 * 1024 + 3, 2);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len), 0);

    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(f.res.trial, 1);
    CHECK_EQ(f.res.image.version.major, 2);
    CHECK(fx_primary_is(&f, &v2));
    CHECK(fx_staging_is(&f, &v1, 0)); /* the previous image is kept */
    CHECK_EQ(ferry_app_get_state(&f.board.app, &st), 0);
    CHECK_EQ(st, FERRY_APP_TRIAL);
    CHECK_EQ(ferry_app_confirm(&f.board.app), 0);
    CHECK_EQ(ferry_app_confirm(&f.board.app), 0); /* idempotent */
    CHECK_EQ(ferry_app_get_state(&f.board.app, &st), 0);
    CHECK_EQ(st, FERRY_APP_CONFIRMED);

    CHECK_EQ(fx_boot(&f), 0); /* the first boot after confirming may raise the counter */
    CHECK_EQ(f.res.image.version.major, 2);
    for (int i = 0; i < 3; i++) { /* confirmed images never revert */
        uint64_t ops = sim_board_ops(&f.board);
        CHECK_EQ(fx_boot(&f), 0);
        CHECK_EQ(f.res.action, FERRY_BOOT_NORMAL);
        CHECK_EQ(f.res.trial, 0);
        CHECK_EQ(f.res.image.version.major, 2);
        CHECK_EQ(sim_board_ops(&f.board), ops); /* a normal boot writes nothing */
    }
    CHECK(fx_primary_is(&f, &v2));
    fx_free(&v1);
    fx_free(&v2);
    fx_close(&f);
}

static void test_install_revert(void)
{
    struct fx f;
    struct fx_image v1, v2;
    setup(&f, &v1);
    v2 = fx_make(&f, 2, 0, 0, 2, 90 * 1024, 3);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.trial, 1);
    /* The trial image never confirms: the next boot goes back to v1. */
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_REVERTED);
    CHECK_EQ(f.res.trial, 0);
    CHECK_EQ(f.res.image.version.major, 1);
    CHECK(fx_primary_is(&f, &v1));
    CHECK(fx_staging_is(&f, &v2, fx_d(&f))); /* staging looks as before the install */
    /* The reverted image is not tried again. */
    uint64_t ops = sim_board_ops(&f.board);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_NORMAL);
    CHECK_EQ(f.res.staged_err, FERRY_E_IMG_REVERTED);
    CHECK_EQ(sim_board_ops(&f.board), ops);
    /* A newer image after a revert installs normally. */
    struct fx_image v3 = fx_make(&f, 3, 0, 0, 3, 50 * 1024, 4);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v3.bytes, v3.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_INSTALLED);
    CHECK(fx_primary_is(&f, &v3));
    CHECK_EQ(ferry_app_confirm(&f.board.app), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.image.version.major, 3);
    fx_free(&v1);
    fx_free(&v2);
    fx_free(&v3);
    fx_close(&f);
}

/* ---- hostile staged images: rejected, and not one byte written ---------- */

struct hostile {
    const char *name;
    int expect;
};

static void flip(struct fx_image *img, size_t off, uint8_t mask)
{
    img->bytes[off] ^= mask;
}

static struct fx_image make_hostile(struct fx *f, int i, const char **name, int *expect)
{
    struct ferry_sign_params p = fx_params(f, 2, 0, 0, 2);
    struct fx_image img = {0};
    struct ferry_host_key other;
    static const uint8_t other_priv[32] = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
                                           7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};
    size_t hdr = 512, size = 64 * 1024;
    switch (i) {
    case 0: *name = "bit flip in header (version)"; *expect = FERRY_E_IMG_DIGEST;
        img = fx_make_with(&f->key, &p, size, 9); flip(&img, 21, 0x01); break;
    case 1: *name = "bit flip in metadata (class ID)"; *expect = FERRY_E_IMG_DIGEST;
        img = fx_make_with(&f->key, &p, size, 9); flip(&img, 32 + 20 + 5, 0x10); break;
    case 2: *name = "bit flip in payload"; *expect = FERRY_E_IMG_DIGEST;
        img = fx_make_with(&f->key, &p, size, 9); flip(&img, hdr + 1000, 0x80); break;
    case 3: *name = "bit flip in signature"; *expect = FERRY_E_IMG_SIGNATURE;
        img = fx_make_with(&f->key, &p, size, 9); flip(&img, img.len - 10, 0x04); break;
    case 4: *name = "bit flip in trailer digest"; *expect = FERRY_E_IMG_DIGEST;
        img = fx_make_with(&f->key, &p, size, 9); flip(&img, img.len - 136 + 8, 0x02); break;
    case 5: *name = "truncated"; *expect = FERRY_E_IMG_TRAILER;
        img = fx_make_with(&f->key, &p, size, 9); img.len = img.len / 2; break;
    case 6: *name = "signed with another key"; *expect = FERRY_E_IMG_KEY;
        ferry_host_key_from_private(other_priv, &other);
        img = fx_make_with(&other, &p, size, 9); break;
    case 7: *name = "wrong device class"; *expect = FERRY_E_IMG_CLASS;
        ferry_uuid_from_arg("other-model", f->vendor, p.class_id);
        img = fx_make_with(&f->key, &p, size, 9); break;
    case 8: *name = "wrong vendor"; *expect = FERRY_E_IMG_VENDOR;
        ferry_uuid_from_arg("other-vendor.example", NULL, p.vendor_id);
        img = fx_make_with(&f->key, &p, size, 9); break;
    case 9: *name = "downgrade"; *expect = FERRY_E_IMG_DOWNGRADE;
        p.version.major = 0; p.version.minor = 9;
        img = fx_make_with(&f->key, &p, size, 9); break;
    case 10: *name = "same version"; *expect = FERRY_E_IMG_DOWNGRADE;
        p.version.major = 1;
        img = fx_make_with(&f->key, &p, size, 9); break;
    case 11: *name = "larger than the slot"; *expect = FERRY_E_IMG_TOO_BIG;
        img = fx_make_with(&f->key, &p, size, 9);
        /* payload_size claims more than the slot holds */
        img.bytes[12] = 0x00, img.bytes[13] = 0x00, img.bytes[14] = 0x80, img.bytes[15] = 0x00;
        break;
    default: *name = NULL; break;
    }
    return img;
}

static void test_hostile_images(void)
{
    const char *name;
    int expect;
    for (int i = 0;; i++) {
        struct fx f;
        struct fx_image v1;
        setup(&f, &v1);
        struct fx_image bad = make_hostile(&f, i, &name, &expect);
        if (!name) {
            fx_free(&v1);
            fx_close(&f);
            break;
        }
        CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, bad.bytes, bad.len), 0);
        uint64_t ops = sim_board_ops(&f.board);
        int err = fx_boot(&f);
        printf("  %-42s -> %s\n", name, ferry_strerror(f.res.staged_err));
        CHECK_EQ(err, 0);
        CHECK_EQ(f.res.action, FERRY_BOOT_NORMAL);
        CHECK_EQ(f.res.image.version.major, 1);
        if (f.res.staged_err != expect)
            fprintf(stderr, "    case '%s': expected %s\n", name, ferry_strerror(expect));
        CHECK_EQ(f.res.staged_err, expect);
        CHECK_EQ(sim_board_ops(&f.board), ops); /* not one program or erase */
        CHECK(fx_primary_is(&f, &v1));
        fx_free(&bad);
        fx_free(&v1);
        fx_close(&f);
    }
}

static void test_no_valid_image(void)
{
    struct fx f;
    struct fx_image v1;
    setup(&f, &v1);
    /* Tampered primary, nothing staged: never jump. */
    uint8_t b = 0;
    CHECK_EQ(ferry_area_read(&f.board.cfg.primary, 600, &b, 1), 0);
    ferry_sim_flash_contents(f.board.dev[f.board.desc->primary.dev])[f.board.desc->primary.off + 600] =
        (uint8_t)(b & 0x7f) == b ? (uint8_t)(b ^ 0x80) : (uint8_t)(b & 0x7f);
    CHECK_EQ(fx_boot(&f), FERRY_E_NO_IMAGE);
    /* Empty device: never jump. */
    CHECK_EQ(sim_board_erase_slot(&f.board, SIM_SLOT_PRIMARY), 0);
    CHECK_EQ(fx_boot(&f), FERRY_E_NO_IMAGE);
    /* A valid staged image on an empty device installs permanently (no trial). */
    struct fx_image v2 = fx_make(&f, 2, 0, 0, 1, 30000, 5);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(f.res.trial, 0);
    CHECK(fx_primary_is(&f, &v2));
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_NORMAL);
    CHECK_EQ(f.res.image.version.major, 2);
    fx_free(&v1);
    fx_free(&v2);
    fx_close(&f);
}

static void test_backup_damaged_during_trial(void)
{
    struct fx f;
    struct fx_image v1, v2;
    setup(&f, &v1);
    v2 = fx_make(&f, 2, 0, 0, 2, 70 * 1024, 6);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.trial, 1);
    /* Something scribbles over the kept v1 while v2 is on trial. */
    const struct sim_area_desc *st = &f.board.desc->staging;
    ferry_sim_flash_contents(f.board.dev[st->dev])[st->off + 100] ^= 0xFF;
    /* Reverting would restore a broken image: v2 is kept (and confirmed). */
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.image.version.major, 2);
    CHECK_EQ(f.res.trial, 0);
    CHECK(fx_primary_is(&f, &v2));
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_NORMAL);
    CHECK_EQ(f.res.image.version.major, 2);
    fx_free(&v1);
    fx_free(&v2);
    fx_close(&f);
}

/* A primary that decayed since it last ran is backed up as it is by an
 * install; if the new image then fails its trial, the damaged backup is
 * detected and the new (verified) image is kept instead of a broken one. */
static void test_update_over_decayed_primary(void)
{
    struct fx f;
    struct fx_image v1, v2;
    setup(&f, &v1);
    const struct sim_area_desc *pa = &f.board.desc->primary;
    ferry_sim_flash_contents(f.board.dev[pa->dev])[pa->off + 2000] ^= 0x01;
    v2 = fx_make(&f, 2, 0, 0, 2, 60 * 1024, 14);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(fx_boot(&f), 0); /* no confirm: the backup is damaged, so v2 stays */
    CHECK_EQ(f.res.image.version.major, 2);
    CHECK_EQ(f.res.trial, 0);
    CHECK(fx_primary_is(&f, &v2));
    fx_free(&v1);
    fx_free(&v2);
    fx_close(&f);
}

static int feeds, arms;
static void count_feed(void *ctx) { (void)ctx; feeds++; }
static void count_arm(void *ctx) { (void)ctx; arms++; }

static void test_watchdog_hooks(void)
{
    struct fx f;
    struct fx_image v1, v2;
    setup(&f, &v1);
    f.board.cfg.hooks.watchdog_feed = count_feed;
    f.board.cfg.hooks.watchdog_arm = count_arm;
    feeds = arms = 0;
    CHECK_EQ(fx_boot(&f), 0); /* normal boot: nothing to feed, no trial */
    CHECK_EQ(arms, 0);
    v2 = fx_make(&f, 2, 0, 0, 2, 80 * 1024, 7);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.trial, 1);
    CHECK_EQ(arms, 1);            /* armed once, right before the trial image */
    CHECK(feeds >= 2 * 20);       /* at least one feed per erase and per copied chunk */
    int before = feeds;
    CHECK_EQ(fx_boot(&f), 0);     /* revert: fed as well, not armed */
    CHECK_EQ(f.res.action, FERRY_BOOT_REVERTED);
    CHECK_EQ(arms, 1);
    CHECK(feeds > before);
    fx_free(&v1);
    fx_free(&v2);
    fx_close(&f);
}

static void test_signed_revert_policy(void)
{
    struct fx f;
    struct fx_image v1;
    setup(&f, &v1);
    /* An older version is accepted only when signed as a revert. */
    struct ferry_sign_params p = fx_params(&f, 0, 9, 0, 1);
    p.flags = FERRY_IMG_F_REVERT;
    struct fx_image old = fx_make_with(&f.key, &p, 30 * 1024, 8);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, old.bytes, old.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(f.res.image.version.major, 0);
    CHECK_EQ(f.res.image.version.minor, 9);
    CHECK(fx_primary_is(&f, &old));
    fx_free(&v1);
    fx_free(&old);
    fx_close(&f);
}

/* Anti-rollback: the minimum rises only when an image is confirmed, and
 * images below it are refused even as signed reverts. */
static void test_security_counter(void)
{
    struct fx f;
    struct fx_image v1;
    uint32_t min = 0;
    setup(&f, &v1);
    if (!f.board.cfg.counter) {
        fx_free(&v1);
        fx_close(&f);
        SKIP("this board has no counter store");
    }
    const struct ferry_counter *c = f.board.cfg.counter;
    CHECK_EQ(c->ops->read(c->ctx, &min), 0);
    CHECK_EQ(min, 1);
    struct fx_image v2 = fx_make(&f, 2, 0, 0, 5, 20000, 10);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.trial, 1);
    sim_board_reset(&f.board);
    CHECK_EQ(c->ops->read(c->ctx, &min), 0);
    CHECK_EQ(min, 1);              /* not yet: v2 is only on trial */
    CHECK_EQ(ferry_app_confirm(&f.board.app), 0);
    CHECK_EQ(fx_boot(&f), 0);
    sim_board_reset(&f.board);
    CHECK_EQ(c->ops->read(c->ctx, &min), 0);
    CHECK_EQ(min, 5);              /* confirmed: the floor rose */
    /* A signed revert to counter 4 is now refused; counter 5 is accepted. */
    struct ferry_sign_params p = fx_params(&f, 1, 5, 0, 4);
    p.flags = FERRY_IMG_F_REVERT;
    struct fx_image old = fx_make_with(&f.key, &p, 20000, 11);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, old.bytes, old.len), 0);
    uint64_t ops = sim_board_ops(&f.board);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.staged_err, FERRY_E_IMG_ROLLBACK);
    CHECK_EQ(sim_board_ops(&f.board), ops);
    fx_free(&old);
    p.security_counter = 5;
    old = fx_make_with(&f.key, &p, 20000, 12);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, old.bytes, old.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(f.res.image.version.minor, 5);
    fx_free(&old);
    fx_free(&v2);
    fx_free(&v1);
    fx_close(&f);
}

static void test_permanent_install(void)
{
    struct fx f;
    struct fx_image v1;
    setup(&f, &v1);
    struct ferry_sign_params p = fx_params(&f, 2, 0, 0, 1);
    p.flags = FERRY_IMG_F_PERMANENT;
    struct fx_image v2 = fx_make_with(&f.key, &p, 30 * 1024, 13);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(f.res.trial, 0);    /* no trial run */
    CHECK_EQ(fx_boot(&f), 0);    /* and no revert without a confirm */
    CHECK_EQ(f.res.action, FERRY_BOOT_NORMAL);
    CHECK_EQ(f.res.image.version.major, 2);
    CHECK(fx_staging_is(&f, &v1, 0)); /* the previous image is still kept */
    fx_free(&v1);
    fx_free(&v2);
    fx_close(&f);
}

static void test_every_board_layout_is_valid(void)
{
    size_t n;
    const struct sim_board_desc *list = sim_board_list(&n);
    for (size_t i = 0; i < n; i++) {
        struct fx f;
        CHECK_EQ(fx_open(&f, list[i].name), 0);
        int err = ferry_boot_layout_check(&f.board.cfg);
        if (err)
            fprintf(stderr, "board %s: layout check %s\n", list[i].name, ferry_strerror(err));
        CHECK_EQ(err, 0);
        fx_close(&f);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1)
        board_name = argv[1];
    printf("board %s\n", board_name);
    RUN(test_every_board_layout_is_valid);
    RUN(test_factory_boot);
    RUN(test_install_confirm);
    RUN(test_install_revert);
    RUN(test_hostile_images);
    RUN(test_no_valid_image);
    RUN(test_backup_damaged_during_trial);
    RUN(test_watchdog_hooks);
    RUN(test_signed_revert_policy);
    RUN(test_security_counter);
    RUN(test_permanent_install);
    RUN(test_update_over_decayed_primary);
    return check_done();
}
