/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Key rotation and revocation in the bootloader (docs/keys.md), on every
 * simulated board: the device trusts key 0 and key 1; a release signed by
 * key 1 revokes key 0 once it is confirmed, never while it is on trial; the
 * revocation store only rises, is locked from the application, and erasing
 * it does not bring key 0 back while the confirmed image carries the
 * revocation.
 */
#include <stdio.h>
#include <string.h>
#include "check.h"
#include "boot_fixture.h"
#include "ferry/app.h"

static const char *board_name = "uniform-4k";

/* v1 by key 0 in the primary, booted once (the factory state). */
static void setup(struct fx *f, struct fx_image *v1)
{
    CHECK_EQ(fx_open(f, board_name), 0);
    *v1 = fx_make(f, 1, 0, 0, 1, 60 * 1024 + 11, 1);
    CHECK_EQ(sim_board_write_image(&f->board, SIM_SLOT_PRIMARY, v1->bytes, v1->len), 0);
    CHECK_EQ(fx_boot(f), 0);
}

/* setup(), then 1 if the board has a revocation store; 0 (all freed) if not. */
static int setup_with_store(struct fx *f, struct fx_image *v1)
{
    setup(f, v1);
    if (f->board.cfg.revocation)
        return 1;
    fx_free(v1);
    fx_close(f);
    return 0;
}

/* An image signed by key `index` (0 or 1) that revokes keys below `revoke`. */
static struct fx_image make_by(struct fx *f, int index, int major, uint32_t revoke, uint32_t flags,
                               uint32_t seed)
{
    struct ferry_sign_params p = fx_params(f, major, 0, 0, (uint32_t)major);
    p.revoke_below = revoke;
    p.flags = flags;
    return fx_make_with(index ? &f->key1 : &f->key, &p, 30 * 1024 + seed * 7, seed);
}

/* The revocation store's value; -1 when the board has none. */
static long stored_floor(struct fx *f)
{
    uint32_t v = 0;
    sim_board_reset(&f->board);
    const struct ferry_counter *r = f->board.cfg.revocation;
    if (!r)
        return -1;
    CHECK_EQ(r->ops->read(r->ctx, &v), 0);
    return (long)v;
}

static int saw(const struct fx *f, enum ferry_boot_event ev)
{
    for (int i = 0; i < f->event_count; i++)
        if (f->events[i] == (int)ev)
            return 1;
    return 0;
}

/* Stages `img`, boots, expects it refused with `err` and nothing written. */
static void expect_refused(struct fx *f, const struct fx_image *img, int err)
{
    CHECK_EQ(sim_board_write_image(&f->board, SIM_SLOT_STAGING, img->bytes, img->len), 0);
    CHECK_EQ(fx_boot(f), 0); /* settles the counters first, if anything is due */
    uint64_t ops = sim_board_ops(&f->board);
    CHECK_EQ(fx_boot(f), 0);
    CHECK_EQ(f->res.action, FERRY_BOOT_NORMAL);
    CHECK_EQ(f->res.staged_err, err);
    CHECK_EQ(sim_board_ops(&f->board), ops);
}

/* v1 (key 0) -> v2 (key 1, revokes key 0): installed, trial, confirmed. */
static void rotate(struct fx *f, struct fx_image *v2)
{
    *v2 = make_by(f, 1, 2, 1, 0, 2);
    CHECK_EQ(sim_board_write_image(&f->board, SIM_SLOT_STAGING, v2->bytes, v2->len), 0);
    CHECK_EQ(fx_boot(f), 0);
    CHECK_EQ(f->res.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(f->res.trial, 1);
    CHECK(!saw(f, FERRY_EV_KEYS_REVOKED));
    CHECK(stored_floor(f) <= 0);          /* on trial: nothing revoked yet */
    CHECK_EQ(ferry_app_confirm(&f->board.app), 0);
    CHECK_EQ(fx_boot(f), 0);              /* the first boot after the confirm */
    CHECK_EQ(f->res.image.version.major, 2);
    CHECK(saw(f, FERRY_EV_KEYS_REVOKED));
}

static void test_rotation_revokes_key0_once_confirmed(void)
{
    struct fx f;
    struct fx_image v1, v2;
    setup(&f, &v1);
    rotate(&f, &v2);
    long floor = stored_floor(&f);
    CHECK(floor == 1 || (floor == -1 && !f.board.desc->revocation.size));
    /* Key 0 is refused from now on, whatever it signs. */
    struct fx_image old = make_by(&f, 0, 3, 0, 0, 3);
    expect_refused(&f, &old, FERRY_E_KEY_REVOKED);
    fx_free(&old);
    /* Key 1 goes on working: v3 by key 1 without the entry installs. */
    struct fx_image v3 = make_by(&f, 1, 3, 0, 0, 4);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v3.bytes, v3.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(ferry_app_confirm(&f.board.app), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.image.version.major, 3);
    /* The store keeps key 0 out after the rotation image is gone. Without a
     * store, the floor lives only as long as the running image carries it. */
    struct fx_image v4 = make_by(&f, 0, 4, 0, 0, 5);
    if (f.board.cfg.revocation) {
        CHECK_EQ(stored_floor(&f), 1);
        expect_refused(&f, &v4, FERRY_E_KEY_REVOKED);
    } else {
        printf("  (board %s has no revocation store: revocation holds only while the "
               "confirmed image carries it)\n", board_name);
    }
    fx_free(&v4);
    fx_free(&v3);
    fx_free(&v2);
    fx_free(&v1);
    fx_close(&f);
}

static void test_failed_trial_leaves_key0_valid(void)
{
    struct fx f;
    struct fx_image v1, v2;
    setup(&f, &v1);
    v2 = make_by(&f, 1, 2, 1, 0, 6);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.trial, 1);
    /* The rotation image never confirms: reverted to v1, signed by key 0. */
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_REVERTED);
    CHECK_EQ(f.res.image.version.major, 1);
    CHECK(!saw(&f, FERRY_EV_KEYS_REVOKED));
    CHECK(stored_floor(&f) <= 0);
    /* Key 0 still installs. */
    struct fx_image v3 = make_by(&f, 0, 3, 0, 0, 7);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v3.bytes, v3.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(f.res.image.version.major, 3);
    fx_free(&v3);
    fx_free(&v2);
    fx_free(&v1);
    fx_close(&f);
}

static void test_permanent_rotation_applies_at_install(void)
{
    struct fx f;
    struct fx_image v1;
    setup(&f, &v1);
    struct fx_image v2 = make_by(&f, 1, 2, 1, FERRY_IMG_F_PERMANENT, 8);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(f.res.trial, 0);
    CHECK(saw(&f, FERRY_EV_KEYS_REVOKED));
    CHECK(stored_floor(&f) != 0);
    fx_free(&v2);
    fx_free(&v1);
    fx_close(&f);
}

static void test_image_may_not_revoke_its_signer(void)
{
    struct fx f;
    struct fx_image v1;
    setup(&f, &v1);
    struct fx_image bad = make_by(&f, 0, 2, 1, 0, 9);   /* key 0 revoking key 0 */
    expect_refused(&f, &bad, FERRY_E_IMG_REVOKES_SIGNER);
    fx_free(&bad);
    bad = make_by(&f, 1, 2, 2, 0, 10);                  /* key 1 revoking keys 0 and 1 */
    expect_refused(&f, &bad, FERRY_E_IMG_REVOKES_SIGNER);
    fx_free(&bad);
    CHECK(stored_floor(&f) <= 0);
    fx_free(&v1);
    fx_close(&f);
}

/* The application (compromised, or a bug) erases the store it can reach
 * when the port does not lock it: the confirmed image's entry restores the
 * floor in the same boot, and key 0 stays refused. */
static void test_erased_store_does_not_unrevoke(void)
{
    struct fx f;
    struct fx_image v1, v2;
    setup(&f, &v1);
    rotate(&f, &v2);
    if (f.board.cfg.revocation) {
        sim_board_reset(&f.board);
        for (int b = 0; b < 2; b++)
            CHECK_EQ(ferry_area_erase(&f.board.revocation.bank[b], 0,
                                      f.board.revocation.bank[b].size), 0);
        CHECK_EQ(stored_floor(&f), 0);
    }
    struct fx_image old = make_by(&f, 0, 3, 0, 0, 11);
    expect_refused(&f, &old, FERRY_E_KEY_REVOKED);
    if (f.board.cfg.revocation)
        CHECK_EQ(stored_floor(&f), 1); /* written back by the boot */
    fx_free(&old);
    fx_free(&v2);
    fx_free(&v1);
    fx_close(&f);
}

/* A primary signed by a revoked key (written there directly) never runs;
 * a valid staged image is installed in its place. */
static void test_revoked_primary_does_not_run(void)
{
    struct fx f;
    struct fx_image v1, v2;
    setup(&f, &v1);
    rotate(&f, &v2);
    if (!f.board.cfg.revocation) {
        fx_free(&v2);
        fx_free(&v1);
        fx_close(&f);
        SKIP("this board has no revocation store");
    }
    struct fx_image old = make_by(&f, 0, 9, 0, 0, 12);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_PRIMARY, old.bytes, old.len), 0);
    /* Nothing runs, or a runnable copy of v2 still whole behind the swap
     * offset is installed; never the image by key 0. */
    int err = fx_boot(&f);
    CHECK(err == FERRY_E_NO_IMAGE || (err == 0 && f.res.image.version.major == 2));
    CHECK(err != 0 || !fx_primary_is(&f, &old));
    struct fx_image v3 = make_by(&f, 1, 3, 1, 0, 13);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v3.bytes, v3.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(f.res.image.version.major, 3);
    CHECK(fx_primary_is(&f, &v3));
    fx_free(&v3);
    fx_free(&old);
    fx_free(&v2);
    fx_free(&v1);
    fx_close(&f);
}

/* The store is locked with the counter store before the application runs. */
static void test_store_is_locked_for_the_application(void)
{
    struct fx f;
    struct fx_image v1;
    if (!setup_with_store(&f, &v1))
        SKIP("this board has no revocation store");
    CHECK_EQ(sim_board_lock_counter(&f.board), 0);
    const struct ferry_counter *r = f.board.cfg.revocation;
    CHECK_EQ(r->ops->advance(r->ctx, 3), FERRY_E_LOCKED);
    CHECK_EQ(ferry_area_erase(&f.board.revocation.bank[0], 0, f.board.revocation.bank[0].size),
             FERRY_E_LOCKED);
    CHECK_EQ(stored_floor(&f), 0); /* the reset released the lock; nothing changed */
    fx_free(&v1);
    fx_close(&f);
}

/* A store that cannot be read fails closed, like the counter store. */
static void test_garbage_store_fails_closed(void)
{
    struct fx f;
    struct fx_image v1;
    if (!setup_with_store(&f, &v1))
        SKIP("this board has no revocation store");
    uint8_t junk[512];
    uint32_t unit = f.board.revocation.bank[0].dev->geo->program_unit;
    memset(junk, 0x5a, sizeof junk);
    for (int b = 0; b < 2; b++)
        CHECK_EQ(ferry_area_program(&f.board.revocation.bank[b], 0, junk, unit > 64 ? unit : 64), 0);
    CHECK_EQ(fx_boot(&f), FERRY_E_CORRUPT);
    fx_free(&v1);
    fx_close(&f);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        board_name = argv[1];
    printf("board %s\n", board_name);
    RUN(test_rotation_revokes_key0_once_confirmed);
    RUN(test_failed_trial_leaves_key0_valid);
    RUN(test_permanent_rotation_applies_at_install);
    RUN(test_image_may_not_revoke_its_signer);
    RUN(test_erased_store_does_not_unrevoke);
    RUN(test_revoked_primary_does_not_run);
    RUN(test_store_is_locked_for_the_application);
    RUN(test_garbage_store_fails_closed);
    return check_done();
}
