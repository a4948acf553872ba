/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The staging API for any transport (include/ferry/stage.h): in order and in
 * any order, with and without an expected digest, resume by id after a
 * power cycle, the hold-back rule (the bootloader sees nothing before
 * finish), every refusal (digest, key, class, downgrade, rollback, trial,
 * truncated, misaligned), abort, and a power cut at every flash operation.
 *
 *   test_stage [BOARD] [sweep]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "boot_fixture.h"
#include "flash_interposer.h"
#include "check.h"
#include "ferry/app.h"
#include "ferry/crypto.h"
#include "ferry/stage.h"
#include "flash_sim.h"

static const char *board_name = "uniform-4k";
static struct fx_image v1, v2, v2_other_key, v2_other_class, v0, v2_low_counter;
static uint8_t v2_sha[32];

struct env {
    struct fx f;
    struct ferry_stage_config cfg;
    struct ferry_stage s;
    uint8_t buf[FERRY_STAGE_BUF_BYTES];
};

static const uint8_t ID_A[32] = {0xA};
static const uint8_t ID_B[32] = {0xB};

static void stage_reset(struct env *e)
{
    e->cfg = (struct ferry_stage_config){&e->f.board.app, &e->f.trusted, 1, e->f.vendor,
                                         e->f.class_id, e->f.board.cfg.counter,
                                         e->f.board.cfg.revocation, e->buf,
                                         sizeof e->buf};
    memset(&e->s, 0, sizeof e->s);
    CHECK_EQ(ferry_stage_init(&e->s, &e->cfg), 0);
}

/* A board running a confirmed v1, nothing staged. */
static struct env *env_open(void)
{
    struct env *e = calloc(1, sizeof *e);
    if (!e || fx_open(&e->f, board_name) != 0) {
        fprintf(stderr, "cannot open board %s\n", board_name);
        exit(2);
    }
    CHECK_EQ(sim_board_write_image(&e->f.board, SIM_SLOT_PRIMARY, v1.bytes, v1.len), 0);
    CHECK_EQ(fx_boot(&e->f), 0);
    stage_reset(e);
    return e;
}

static void env_close(struct env *e)
{
    fx_close(&e->f);
    free(e);
}

static int saw_event(const struct fx *f, enum ferry_boot_event ev)
{
    for (int i = 0; i < f->event_count; i++)
        if (f->events[i] == (int)ev)
            return 1;
    return 0;
}

/* The next boot keeps v1 and finds no staged image at all. */
static void check_nothing_staged(struct env *e)
{
    CHECK_EQ(fx_boot(&e->f), 0);
    CHECK_EQ(e->f.res.action, FERRY_BOOT_NORMAL);
    CHECK(fx_primary_is(&e->f, &v1));
    CHECK(!saw_event(&e->f, FERRY_EV_STAGED_FOUND));
}

static void check_installs(struct env *e, const struct fx_image *img)
{
    CHECK_EQ(fx_boot(&e->f), 0);
    CHECK_EQ(e->f.res.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(e->f.res.trial, 1);
    CHECK(fx_primary_is(&e->f, img));
}

/* Writes img[from, to) in pieces of varying sizes (1 .. 700 bytes). */
static int write_in_order(struct env *e, const struct fx_image *img, uint32_t from, uint32_t to)
{
    uint32_t step = 1;
    while (from < to) {
        uint32_t n = to - from < step ? to - from : step;
        int err = ferry_stage_write(&e->s, img->bytes + from, n);
        if (err)
            return err;
        from += n;
        step = step * 7 % 701 + 1;
    }
    return 0;
}

/* The file's pieces (one program unit times k, k = 1..3) in a shuffled
 * order; piece `skip` is left out (UINT32_MAX: none). */
static int write_any_order(struct env *e, const struct fx_image *img, uint32_t skip)
{
    uint32_t pu = e->f.board.cfg.staging.dev->geo->program_unit;
    uint32_t piece = pu * (pu < 64 ? 64 / pu : 1);
    uint32_t n = (uint32_t)((img->len + piece - 1) / piece);
    uint32_t *order = malloc(n * sizeof *order);
    if (!order)
        exit(2);
    for (uint32_t i = 0; i < n; i++)
        order[i] = i;
    uint32_t r = 12345;
    for (uint32_t i = n; i > 1; i--) {
        r = r * 1103515245u + 12345u;
        uint32_t j = (r >> 8) % i, t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    int err = 0;
    for (uint32_t i = 0; i < n && !err; i++) {
        if (order[i] == skip)
            continue;
        uint32_t off = order[i] * piece;
        uint32_t len = img->len - off < piece ? (uint32_t)(img->len - off) : piece;
        err = ferry_stage_write_at(&e->s, off, img->bytes + off, len);
    }
    free(order);
    return err;
}

/* ---- Staging that works ------------------------------------------------- */

static void test_in_order(void)
{
    struct env *e = env_open();
    struct ferry_image_info info;
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, v2_sha, NULL, 0), 0);
    CHECK_EQ(ferry_stage_offset(&e->s), 0);
    CHECK_EQ(write_in_order(e, &v2, 0, (uint32_t)v2.len), 0);
    CHECK_EQ(ferry_stage_finish(&e->s, &info), 0);
    CHECK_EQ(info.version.major, 2);
    CHECK(fx_staging_is(&e->f, &v2, fx_d(&e->f)));
    check_installs(e, &v2);
    env_close(e);
}

/* A byte that does not take in flash (a stuck bit: every read shows it
 * wrong) is caught by finish, which hashes what reads back, and nothing is
 * marked: the bootloader keeps the running image. */
static void test_stuck_bit_refused(void)
{
    struct env *e = env_open();
    struct ferry_image_info info;
    struct ferry_sim_flash *dev = NULL;
    const struct ferry_area *st = &e->f.board.cfg.staging;
    for (int i = 0; i < SIM_BOARD_DEVS; i++)
        if (e->f.board.dev[i] && &e->f.board.port[i].flash == st->dev)
            dev = e->f.board.dev[i];
    CHECK(dev != NULL);
    uint32_t at = st->off + fx_d(&e->f) + (uint32_t)v2.len / 2;
    uint8_t wrong = (uint8_t)(v2.bytes[v2.len / 2] ^ 0x10);
    struct ferry_sim_script_rule rule = {at, 1, &wrong, 0, 0, 0};
    struct ferry_sim_script script = {&rule, 1};
    ferry_sim_script_install(dev, &script);
    for (int with_sha = 0; with_sha < 2; with_sha++) {
        CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, with_sha ? v2_sha : NULL, NULL, 0), 0);
        CHECK_EQ(write_in_order(e, &v2, 0, (uint32_t)v2.len), 0);
        CHECK_EQ(ferry_stage_finish(&e->s, &info), FERRY_E_IMG_DIGEST);
        CHECK(rule.seen > 0);
    }
    ferry_sim_flash_set_interposer(dev, NULL, NULL);
    check_nothing_staged(e);
    env_close(e);
}

/* Nothing is visible to the bootloader until finish; after a reset in the
 * middle the device boots its image as if nothing happened. */
static void test_hold_back(void)
{
    struct env *e = env_open();
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, v2_sha, NULL, 0), 0);
    CHECK_EQ(write_in_order(e, &v2, 0, (uint32_t)v2.len), 0);
    check_nothing_staged(e); /* all bytes in, not finished: still nothing */
    env_close(e);

    e = env_open();
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, NULL, NULL, FERRY_STAGE_ANY_ORDER), 0);
    CHECK_EQ(write_any_order(e, &v2, UINT32_MAX), 0);
    check_nothing_staged(e);
    env_close(e);
}

static void test_any_order(void)
{
    for (int with_sha = 0; with_sha < 2; with_sha++) {
        struct env *e = env_open();
        CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, with_sha ? v2_sha : NULL, NULL,
                                   FERRY_STAGE_ANY_ORDER),
                 0);
        CHECK_EQ(write_any_order(e, &v2, UINT32_MAX), 0);
        CHECK_EQ(ferry_stage_finish(&e->s, NULL), 0);
        check_installs(e, &v2);
        env_close(e);
    }
}

/* A missing piece: the digest (or, without one, the signature) catches it. */
static void test_any_order_missing_piece(void)
{
    for (int with_sha = 0; with_sha < 2; with_sha++) {
        struct env *e = env_open();
        CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, with_sha ? v2_sha : NULL, NULL,
                                   FERRY_STAGE_ANY_ORDER),
                 0);
        /* Piece 40 lies in the payload, past the header's padding (which
         * may read like erased flash). */
        CHECK_EQ(write_any_order(e, &v2, 40), 0);
        int err = ferry_stage_finish(&e->s, NULL);
        if (with_sha)
            CHECK_EQ(err, FERRY_E_IMG_DIGEST);
        else
            CHECK(err == FERRY_E_IMG_DIGEST || err == FERRY_E_IMG_SIGNATURE);
        check_nothing_staged(e);
        env_close(e);
    }
}

static void test_misaligned_and_out_of_range(void)
{
    struct env *e = env_open();
    uint32_t pu = e->f.board.cfg.staging.dev->geo->program_unit;
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, v2_sha, NULL, FERRY_STAGE_ANY_ORDER), 0);
    CHECK_EQ(ferry_stage_write_at(&e->s, (uint32_t)v2.len, v2.bytes, 1), FERRY_E_INVAL);
    CHECK_EQ(ferry_stage_write_at(&e->s, (uint32_t)v2.len - 4, v2.bytes, 8), FERRY_E_INVAL);
    if (pu > 1) {
        CHECK_EQ(ferry_stage_write_at(&e->s, 1, v2.bytes + 1, pu), FERRY_E_ALIGN);
        CHECK_EQ(ferry_stage_write_at(&e->s, 0, v2.bytes, pu + 1), FERRY_E_ALIGN);
    }
    /* In order calls on an any-order staging, and the other way round. */
    CHECK_EQ(ferry_stage_write(&e->s, v2.bytes, 16), FERRY_E_INVAL);
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, v2_sha, NULL, 0), 0);
    CHECK_EQ(ferry_stage_write_at(&e->s, 0, v2.bytes, pu), FERRY_E_INVAL);
    CHECK_EQ(ferry_stage_write(&e->s, v2.bytes, v2.len + 1), FERRY_E_INVAL);
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, v2_sha, NULL, 0x80), FERRY_E_INVAL);
    CHECK_EQ(ferry_stage_begin(&e->s, 16, NULL, NULL, 0), FERRY_E_INVAL);
    CHECK_EQ(ferry_stage_begin(&e->s, e->f.board.cfg.staging.size, NULL, NULL, 0),
             FERRY_E_IMG_TOO_BIG);
    check_nothing_staged(e);
    env_close(e);
}

/* ---- Refusals: nothing is marked --------------------------------------- */

static void refuse(const struct fx_image *img, const uint8_t *sha, int want)
{
    struct env *e = env_open();
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)img->len, sha, NULL, 0), 0);
    CHECK_EQ(write_in_order(e, img, 0, (uint32_t)img->len), 0);
    CHECK_EQ(ferry_stage_finish(&e->s, NULL), want);
    check_nothing_staged(e);
    env_close(e);
}

static void test_refusals(void)
{
    refuse(&v2, (const uint8_t[32]){1}, FERRY_E_IMG_DIGEST);
    refuse(&v2_other_key, NULL, FERRY_E_IMG_KEY);
    refuse(&v2_other_class, NULL, FERRY_E_IMG_CLASS);
    refuse(&v1, NULL, FERRY_E_NO_UPDATE);
    refuse(&v0, NULL, FERRY_E_IMG_DOWNGRADE);
    refuse(&v2_low_counter, NULL, FERRY_E_IMG_ROLLBACK);
}

static void test_truncated(void)
{
    struct env *e = env_open();
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, v2_sha, NULL, 0), 0);
    CHECK_EQ(write_in_order(e, &v2, 0, (uint32_t)v2.len - 1), 0);
    CHECK_EQ(ferry_stage_finish(&e->s, NULL), FERRY_E_IMG_TRUNCATED);
    check_nothing_staged(e);
    env_close(e);
}

/* During a trial the staging slot holds the image to revert to. */
static void test_busy_during_trial(void)
{
    struct env *e = env_open();
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, v2_sha, NULL, 0), 0);
    CHECK_EQ(write_in_order(e, &v2, 0, (uint32_t)v2.len), 0);
    CHECK_EQ(ferry_stage_finish(&e->s, NULL), 0);
    check_installs(e, &v2);
    stage_reset(e);
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v1.len, NULL, NULL, 0), FERRY_E_BUSY);
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v1.len, NULL, NULL, FERRY_STAGE_ANY_ORDER),
             FERRY_E_BUSY);
    /* Not confirmed: the next boot reverts, and v2 lies at D again. It is
     * found there whole, but never reported staged: it failed here. */
    CHECK_EQ(fx_boot(&e->f), 0);
    CHECK_EQ(e->f.res.action, FERRY_BOOT_REVERTED);
    stage_reset(e);
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, v2_sha, NULL, 0), 0);
    CHECK_EQ(ferry_stage_offset(&e->s), v2.len);
    CHECK_EQ(ferry_stage_finish(&e->s, NULL), FERRY_E_IMG_REVERTED);
    env_close(e);
}

static void test_already_staged(void)
{
    struct env *e = env_open();
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, v2_sha, NULL, 0), 0);
    CHECK_EQ(write_in_order(e, &v2, 0, (uint32_t)v2.len), 0);
    CHECK_EQ(ferry_stage_finish(&e->s, NULL), 0);
    stage_reset(e);
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, v2_sha, ID_A, 0), 0);
    CHECK_EQ(ferry_stage_offset(&e->s), v2.len);
    CHECK_EQ(ferry_stage_write(&e->s, v2.bytes, 1), FERRY_E_INVAL);
    CHECK_EQ(ferry_stage_finish(&e->s, NULL), 0);
    check_installs(e, &v2);
    env_close(e);
}

/* ---- Resume, suspend, abort --------------------------------------------- */

static void test_resume_after_power_cycle(void)
{
    struct env *e = env_open();
    uint32_t half = (uint32_t)v2.len - 2000; /* past the first sector after D */
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, v2_sha, ID_A, 0), 0);
    CHECK_EQ(write_in_order(e, &v2, 0, half), 0);
    ferry_stage_suspend(&e->s);
    sim_board_reboot(&e->f.board); /* RAM is gone: a new struct continues */
    check_nothing_staged(e);
    stage_reset(e);
    /* Another transfer id does not resume it. */
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, v2_sha, ID_B, 0), 0);
    CHECK_EQ(ferry_stage_offset(&e->s), 0);
    CHECK_EQ(write_in_order(e, &v2, 0, half), 0);
    ferry_stage_suspend(&e->s);
    stage_reset(e);
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, v2_sha, ID_B, 0), 0);
    uint32_t at = ferry_stage_offset(&e->s);
    CHECK(at > 0 && at <= half);
    CHECK_EQ(e->s.resumed_from, at);
    CHECK_EQ(write_in_order(e, &v2, at, (uint32_t)v2.len), 0);
    CHECK_EQ(ferry_stage_finish(&e->s, NULL), 0);
    check_installs(e, &v2);
    env_close(e);
}

static void test_abort_forgets(void)
{
    struct env *e = env_open();
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, v2_sha, ID_A, 0), 0);
    CHECK_EQ(write_in_order(e, &v2, 0, (uint32_t)v2.len - 100), 0);
    ferry_stage_suspend(&e->s);
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, v2_sha, ID_A, 0), 0);
    CHECK(ferry_stage_offset(&e->s) > 0);
    CHECK_EQ(ferry_stage_abort(&e->s), 0);
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, v2_sha, ID_A, 0), 0);
    CHECK_EQ(ferry_stage_offset(&e->s), 0);
    CHECK_EQ(ferry_stage_abort(&e->s), 0);
    check_nothing_staged(e);
    env_close(e);
}

/* A resume re-hashes what is in flash: bytes changed under the checkpoint
 * make the transfer start from zero, never finish on them. */
static void test_resume_rehashes(void)
{
    struct env *e = env_open();
    CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, v2_sha, ID_A, 0), 0);
    CHECK_EQ(write_in_order(e, &v2, 0, (uint32_t)v2.len - 100), 0);
    ferry_stage_suspend(&e->s);
    uint32_t at = e->s.ck_last;
    CHECK(at > 0);
    /* Clear a bit of image byte hb + 1 (NOR can always clear). */
    uint8_t b;
    uint32_t off = fx_d(&e->f) + e->s.hb + 1;
    CHECK_EQ(ferry_area_read(&e->f.board.cfg.staging, off, &b, 1), 0);
    uint8_t ev = e->f.board.cfg.staging.dev->geo->erased_value;
    uint8_t flipped = ev == 0xFF ? (uint8_t)(b & (b - 1)) : (uint8_t)(b | (b + 1));
    if (flipped != b && e->f.board.cfg.staging.dev->geo->program_unit == 1) {
        CHECK_EQ(ferry_area_program(&e->f.board.cfg.staging, off, &flipped, 1), 0);
        stage_reset(e);
        CHECK_EQ(ferry_stage_begin(&e->s, (uint32_t)v2.len, v2_sha, ID_A, 0), 0);
        CHECK_EQ(ferry_stage_offset(&e->s), 0);
    }
    env_close(e);
}

/* ---- Power cuts ------------------------------------------------------------ */

/* One staging from zero to finish; returns the error. */
static int stage_whole(struct env *e, unsigned flags, const uint8_t *id)
{
    int err = ferry_stage_begin(&e->s, (uint32_t)v2.len, v2_sha, id, flags);
    if (err)
        return err;
    if (flags & FERRY_STAGE_ANY_ORDER)
        err = write_any_order(e, &v2, UINT32_MAX);
    else
        err = write_in_order(e, &v2, ferry_stage_offset(&e->s), (uint32_t)v2.len);
    return err ? err : ferry_stage_finish(&e->s, NULL);
}

/* A cut at every flash operation of a staging, both modes: the device boots
 * v1 untouched, or (a cut after the mark) installs a complete v2; a new
 * staging after the cut always ends with v2 installed. */
static void sweep(unsigned flags, enum ferry_sim_cut_mode mode)
{
    struct env *e = env_open();
    uint64_t before = sim_board_ops(&e->f.board);
    CHECK_EQ(stage_whole(e, flags, ID_A), 0);
    uint64_t total = sim_board_ops(&e->f.board) - before;
    env_close(e);
    unsigned resumed = 0, marked = 0;
    int failures = check_failures_in_test;
    for (uint64_t n = 0; n < total && check_failures_in_test == failures; n++) {
        e = env_open();
        sim_board_arm_cut(&e->f.board, n, mode, n * 7 + 1);
        CHECK_EQ(stage_whole(e, flags, ID_A), FERRY_E_POWER_LOSS);
        sim_board_reboot(&e->f.board);
        CHECK_EQ(fx_boot(&e->f), 0);
        if (e->f.res.action == FERRY_BOOT_INSTALLED) {
            marked++;
            CHECK(fx_primary_is(&e->f, &v2));
        } else {
            CHECK_EQ(e->f.res.action, FERRY_BOOT_NORMAL);
            CHECK(fx_primary_is(&e->f, &v1));
            stage_reset(e);
            CHECK_EQ(stage_whole(e, flags, ID_A), 0);
            resumed += e->s.resumed_from > 0;
            check_installs(e, &v2);
        }
        if (check_failures_in_test != failures)
            fprintf(stderr, "  cut at operation %llu of %llu\n", (unsigned long long)n,
                    (unsigned long long)total);
        env_close(e);
    }
    printf("  %s, %s: %llu cut points, %u resumed, %u marked before the cut\n",
           flags & FERRY_STAGE_ANY_ORDER ? "any order" : "in order",
           mode == FERRY_SIM_CUT_TORN ? "torn" : "between", (unsigned long long)total, resumed,
           marked);
    if (!(flags & FERRY_STAGE_ANY_ORDER))
        CHECK(resumed > 0);
}

static void test_powercut_in_order(void)
{
    sweep(0, FERRY_SIM_CUT_BETWEEN);
    sweep(0, FERRY_SIM_CUT_TORN);
}

static void test_powercut_any_order(void)
{
    sweep(FERRY_STAGE_ANY_ORDER, FERRY_SIM_CUT_BETWEEN);
    sweep(FERRY_STAGE_ANY_ORDER, FERRY_SIM_CUT_TORN);
}

static void make_images(void)
{
    struct fx f;
    if (fx_open(&f, board_name) != 0) {
        fprintf(stderr, "cannot open board %s\n", board_name);
        exit(2);
    }
    uint32_t start, g;
    if (ferry_area_sector_at(&f.board.cfg.staging, fx_d(&f), &start, &g) != 0)
        exit(2);
    uint32_t room = f.board.cfg.primary.size - 8192, size = g + 9000 < room ? g + 9000 : room;
    v1 = fx_make(&f, 1, 0, 0, 2, 3000, 1);
    v2 = fx_make(&f, 2, 0, 0, 2, size, 2);
    v0 = fx_make(&f, 0, 9, 0, 2, 2000, 5);
    v2_low_counter = fx_make(&f, 2, 1, 0, 1, 2000, 6);
    static const uint8_t other_priv[32] = {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
                                           9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
    struct ferry_host_key other;
    if (ferry_host_key_from_private(other_priv, &other) != 0)
        exit(2);
    struct ferry_sign_params p = fx_params(&f, 2, 0, 0, 2);
    v2_other_key = fx_make_with(&other, &p, 2000, 2);
    p.class_id[0] ^= 1;
    v2_other_class = fx_make_with(&f.key, &p, 2000, 4);
    ferry_sha256(v2.bytes, v2.len, v2_sha);
    fx_close(&f);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        board_name = argv[1];
    if (!sim_board_find(board_name)) {
        fprintf(stderr, "unknown board %s\n", board_name);
        return 2;
    }
    make_images();
    if (argc > 2 && strcmp(argv[2], "sweep") == 0) {
        RUN(test_powercut_in_order);
        RUN(test_powercut_any_order);
        return check_done();
    }
    RUN(test_in_order);
    RUN(test_stuck_bit_refused);
    RUN(test_hold_back);
    RUN(test_any_order);
    RUN(test_any_order_missing_piece);
    RUN(test_misaligned_and_out_of_range);
    RUN(test_refusals);
    RUN(test_truncated);
    RUN(test_busy_during_trial);
    RUN(test_already_staged);
    RUN(test_resume_after_power_cycle);
    RUN(test_abort_forgets);
    RUN(test_resume_rehashes);
    return check_done();
}
