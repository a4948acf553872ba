/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Encrypted images in the bootloader (docs/encryption.md), on every simulated
 * board: installed decrypted, the previous image moved out encrypted again
 * (byte for byte its stored form), a revert that restores the trial image's
 * stored form, no plaintext anywhere in staging, and every refusal with its
 * own error and the primary untouched.
 */
#include <stdio.h>
#include <string.h>
#include "check.h"
#include "boot_fixture.h"
#include "ferry/app.h"

static const char *board_name = "uniform-4k";

/* 1 if the staging slot holds any 64-byte run of the image's plaintext
 * (the detector: fx_area_leaks, boot_fixture.h). */
static int staging_leaks(struct fx *f, const struct fx_image *installed)
{
    return fx_area_leaks(&f->board.cfg.staging, installed);
}

struct pair {
    struct fx f;
    struct fx_image v1, v2, v1i, v2i; /* stored and installed forms */
};

/* v1 in the primary (encrypted if enc1: installed form there), v2 encrypted
 * and staged; the bootloader holds the class key. */
static void setup(struct pair *p, int enc1)
{
    CHECK_EQ(fx_open(&p->f, board_name), 0);
    fx_enable_decrypt(&p->f);
    struct ferry_sign_params p1 = fx_params(&p->f, 1, 0, 0, 1), p2 = fx_params(&p->f, 2, 0, 0, 2);
    p->v1 = enc1 ? fx_make_enc(&p->f.key, &p1, &p->f.class_key, 30 * 1024 + 3, 1)
                 : fx_make_with(&p->f.key, &p1, 30 * 1024 + 3, 1);
    p->v2 = fx_make_enc(&p->f.key, &p2, &p->f.class_key, 41 * 1024 + 7, 2);
    p->v1i = fx_installed(&p->f, &p->v1);
    p->v2i = fx_installed(&p->f, &p->v2);
    CHECK_EQ(sim_board_write_image(&p->f.board, SIM_SLOT_PRIMARY, p->v1i.bytes, p->v1i.len), 0);
    CHECK_EQ(fx_boot(&p->f), 0);
    CHECK_EQ(p->f.res.image.version.major, 1);
    CHECK_EQ(sim_board_write_image(&p->f.board, SIM_SLOT_STAGING, p->v2.bytes, p->v2.len), 0);
}

static void teardown(struct pair *p)
{
    fx_free(&p->v1);
    fx_free(&p->v2);
    fx_free(&p->v1i);
    fx_free(&p->v2i);
    fx_close(&p->f);
}

static void install_and_confirm(struct pair *p, int enc1)
{
    CHECK_EQ(fx_boot(&p->f), 0);
    CHECK_EQ(p->f.res.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(p->f.res.image.version.major, 2);
    CHECK(p->f.res.trial);
    CHECK(fx_primary_is(&p->f, &p->v2i)); /* plaintext where it executes */
    CHECK(fx_area_leaks(&p->f.board.cfg.primary, &p->v2i)); /* the detector finds it there */
    CHECK(!staging_leaks(&p->f, &p->v2i));
    if (enc1) {
        CHECK(fx_staging_is(&p->f, &p->v1, 0)); /* v1 back in its stored form, exactly */
        CHECK(!staging_leaks(&p->f, &p->v1i));
    } else {
        CHECK(fx_staging_is(&p->f, &p->v1i, 0)); /* a plain v1 moves out as it is */
    }
    CHECK_EQ(ferry_app_confirm(&p->f.board.app), 0);
    CHECK_EQ(fx_boot(&p->f), 0);
    CHECK_EQ(p->f.res.action, FERRY_BOOT_NORMAL);
    CHECK_EQ(p->f.res.image.version.major, 2);
    CHECK(!p->f.res.trial);
}

static void test_encrypted_over_plain(void)
{
    struct pair p;
    setup(&p, 0);
    install_and_confirm(&p, 0);
    teardown(&p);
}

static void test_encrypted_over_encrypted(void)
{
    struct pair p;
    setup(&p, 1);
    CHECK(!staging_leaks(&p.f, &p.v2i));
    install_and_confirm(&p, 1);
    teardown(&p);
}

static void test_revert_restores_both_stored_forms(void)
{
    struct pair p;
    setup(&p, 1);
    CHECK_EQ(fx_boot(&p.f), 0); /* installed, on trial, never confirmed */
    CHECK_EQ(fx_boot(&p.f), 0);
    CHECK_EQ(p.f.res.action, FERRY_BOOT_REVERTED);
    CHECK_EQ(p.f.res.image.version.major, 1);
    CHECK(fx_primary_is(&p.f, &p.v1i));
    CHECK(fx_staging_is(&p.f, &p.v2, fx_d(&p.f))); /* the trial image's stored form */
    CHECK(!staging_leaks(&p.f, &p.v1i));
    CHECK(!staging_leaks(&p.f, &p.v2i));
    CHECK_EQ(fx_boot(&p.f), 0);
    CHECK_EQ(p.f.res.staged_err, FERRY_E_IMG_REVERTED);
    teardown(&p);
}

/* Stages `img`; the boot refuses it with `err` and writes nothing. */
static void refused(struct pair *p, const struct fx_image *img, int err)
{
    CHECK_EQ(sim_board_write_image(&p->f.board, SIM_SLOT_STAGING, img->bytes, img->len), 0);
    uint64_t ops = sim_board_ops(&p->f.board);
    CHECK_EQ(fx_boot(&p->f), 0);
    CHECK_EQ(p->f.res.action, FERRY_BOOT_NORMAL);
    CHECK_EQ(p->f.res.staged_err, err);
    CHECK_EQ(sim_board_ops(&p->f.board), ops);
    CHECK(fx_primary_is(&p->f, &p->v1i));
}

static void test_each_bad_image_has_its_error(void)
{
    struct pair p;
    setup(&p, 1);
    struct ferry_sign_params p3 = fx_params(&p.f, 3, 0, 0, 3);
    struct fx_image other = fx_make_enc(&p.f.key, &p3, &p.f.other_class_key, 20 * 1024, 5);
    refused(&p, &other, FERRY_E_IMG_ENC_KEY);

    struct fx_image bad = fx_make_enc(&p.f.key, &p3, &p.f.class_key, 20 * 1024, 6);
    uint32_t hs = (uint32_t)(bad.bytes[6] | bad.bytes[7] << 8);
    bad.bytes[hs + 777] ^= 0x10;
    refused(&p, &bad, FERRY_E_IMG_CIPHERTEXT);
    bad.bytes[hs + 777] ^= 0x10;
    bad.bytes[fx_wrap_offset(&bad) + 3] ^= 1;
    refused(&p, &bad, FERRY_E_IMG_DIGEST);
    bad.bytes[fx_wrap_offset(&bad) + 3] ^= 1;
    /* Truncated: the trailer is not all there; the slot still holds old bytes
     * behind it, so the image is torn, not missing. */
    struct fx_image cut = bad;
    cut.len -= 200; /* the trailer and 64 payload bytes */
    CHECK_EQ(sim_board_erase_slot(&p.f.board, SIM_SLOT_STAGING), 0);
    refused(&p, &cut, FERRY_E_IMG_TRAILER);

    /* Without the class key nothing encrypted installs. */
    p.f.board.cfg.decrypt = NULL;
    refused(&p, &bad, FERRY_E_IMG_ENC_KEY);
    fx_enable_decrypt(&p.f);

    /* A device that requires encryption refuses a plain image. */
    p.f.board.cfg.require_encrypted = 1;
    struct fx_image plain = fx_make_with(&p.f.key, &p3, 20 * 1024, 7);
    refused(&p, &plain, FERRY_E_IMG_PLAIN);
    p.f.board.cfg.require_encrypted = 0;

    /* The good one still installs afterwards. */
    CHECK_EQ(sim_board_write_image(&p.f.board, SIM_SLOT_STAGING, bad.bytes, bad.len), 0);
    CHECK_EQ(fx_boot(&p.f), 0);
    CHECK_EQ(p.f.res.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(p.f.res.image.version.major, 3);
    fx_free(&other);
    fx_free(&bad);
    fx_free(&plain);
    teardown(&p);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        board_name = argv[1];
    printf("board %s\n", board_name);
    RUN(test_encrypted_over_plain);
    RUN(test_encrypted_over_encrypted);
    RUN(test_revert_restores_both_stored_forms);
    RUN(test_each_bad_image_has_its_error);
    return check_done();
}
