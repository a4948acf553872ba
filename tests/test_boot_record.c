/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The boot record (include/ferry/boot_record.h): encode/decode and every
 * way a record can be wrong; the record a real ferry_boot() leaves after a
 * normal boot, an install, a revert of an unconfirmed trial and a refused
 * staged image; ferry_app_reject().
 *
 *   test_boot_record [BOARD]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "boot_fixture.h"
#include "check.h"
#include "ferry/app.h"
#include "ferry/boot_record.h"
#include "ferry/byteorder.h"
#include "boot_record_priv.h"

static const char *board_name = "uniform-4k";
static struct fx_image v1, v2, v3;

/* ferry_boot() through a recorder; the record decoded into *rec. */
static int boot_recorded(struct fx *f, struct ferry_boot_record *rec, uint8_t raw[FERRY_BOOT_RECORD_SIZE])
{
    struct ferry_boot_recorder r;
    struct ferry_boot_config cfg;
    f->event_count = 0;
    sim_board_reset(&f->board);
    cfg = f->board.cfg;
    ferry_boot_recorder_init(&r, &f->board.cfg.hooks, &cfg.hooks);
    int err = ferry_boot(&cfg, &f->res);
    if (err)
        return err;
    ferry_boot_record_encode(&r, &f->res, raw);
    return ferry_app_boot_record(raw, FERRY_BOOT_RECORD_SIZE, rec);
}

static void fixed_record(uint8_t raw[FERRY_BOOT_RECORD_SIZE])
{
    struct ferry_boot_recorder r;
    struct ferry_boot_hooks hooks;
    struct ferry_boot_result res;
    ferry_boot_recorder_init(&r, NULL, &hooks);
    memset(&res, 0, sizeof res);
    res.action = FERRY_BOOT_REVERTED;
    res.staged_err = FERRY_E_IMG_DOWNGRADE;
    res.image.version = (struct ferry_version){1, 2, 300, 40000};
    res.image.security_counter = 7;
    memset(res.image.digest, 0xAB, 32);
    /* The events a revert after a failed install reports. */
    hooks.event(hooks.ctx, FERRY_EV_STAGED_FOUND, 0,
                &(struct ferry_image_info){.version = {3, 0, 1, 0}});
    hooks.event(hooks.ctx, FERRY_EV_STAGED_REJECTED, FERRY_E_IMG_DOWNGRADE, NULL);
    hooks.event(hooks.ctx, FERRY_EV_INSTALL_FAILED, FERRY_E_IMG_DIGEST, NULL);
    hooks.event(hooks.ctx, FERRY_EV_REVERT_START, 0, NULL);
    hooks.event(hooks.ctx, FERRY_EV_COUNTER_ADVANCED, 7, NULL);
    ferry_boot_record_encode(&r, &res, raw);
}

static void test_round_trip(void)
{
    uint8_t raw[FERRY_BOOT_RECORD_SIZE];
    struct ferry_boot_record rec;
    fixed_record(raw);
    CHECK_EQ(ferry_app_boot_record(raw, sizeof raw, &rec), 0);
    CHECK_EQ(rec.action, FERRY_BOOT_REVERTED);
    CHECK_EQ(rec.revert_reason, FERRY_REVERT_INSTALL_FAILED);
    CHECK_EQ(rec.install_err, FERRY_E_IMG_DIGEST);
    CHECK_EQ(rec.staged_err, FERRY_E_IMG_DOWNGRADE);
    CHECK_EQ(rec.trial, 0);
    CHECK_EQ(rec.staged_known, 1);
    CHECK_EQ(rec.staged_version.major, 3);
    CHECK_EQ(rec.staged_version.patch, 1);
    CHECK_EQ(rec.counter_known, 1);
    CHECK_EQ(rec.counter_min, 7);
    CHECK_EQ(rec.version.minor, 2);
    CHECK_EQ(rec.version.patch, 300);
    CHECK_EQ(rec.version.build, 40000);
    CHECK_EQ(rec.security_counter, 7);
    CHECK_EQ(rec.digest[31], 0xAB);
    CHECK_EQ(ferry_get_le32(raw), FERRY_BOOT_RECORD_MAGIC);
    CHECK(strcmp(ferry_boot_revert_reason_str(rec.revert_reason), "unknown reason") != 0);
    /* A larger buffer (a RAM area bigger than the record) is fine. */
    uint8_t big[200] = {0};
    memcpy(big, raw, sizeof raw);
    CHECK_EQ(ferry_app_boot_record(big, sizeof big, &rec), 0);
}

/* Every single-bit error, every truncation, a cold RAM, a newer format. */
static void test_bad_records(void)
{
    uint8_t raw[FERRY_BOOT_RECORD_SIZE], bad[FERRY_BOOT_RECORD_SIZE];
    struct ferry_boot_record rec;
    fixed_record(raw);
    unsigned accepted = 0;
    for (unsigned bit = 0; bit < 8 * sizeof raw; bit++) {
        memcpy(bad, raw, sizeof raw);
        bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        int err = ferry_app_boot_record(bad, sizeof bad, &rec);
        accepted += err == 0;
        CHECK(err == FERRY_E_CORRUPT || err == FERRY_E_NOT_FOUND || err == FERRY_E_UNSUPPORTED);
    }
    CHECK_EQ(accepted, 0);
    for (size_t len = 0; len < sizeof raw; len++)
        CHECK(ferry_app_boot_record(raw, len, &rec) != 0);
    memset(bad, 0, sizeof bad);
    CHECK_EQ(ferry_app_boot_record(bad, sizeof bad, &rec), FERRY_E_NOT_FOUND);
    memset(bad, 0xFF, sizeof bad);
    CHECK_EQ(ferry_app_boot_record(bad, sizeof bad, &rec), FERRY_E_NOT_FOUND);
    memcpy(bad, raw, sizeof raw);
    bad[4] = FERRY_BOOT_RECORD_VERSION + 1;
    CHECK_EQ(ferry_app_boot_record(bad, sizeof bad, &rec), FERRY_E_UNSUPPORTED);
    /* A field out of range under a valid CRC is refused too. */
    memcpy(bad, raw, sizeof raw);
    bad[8] = 9; /* action */
    ferry_put_le32(bad + 92, 0);
    ferry_put_le32(bad + 92, ferry_boot_record_crc32(bad, 92));
    CHECK_EQ(ferry_app_boot_record(bad, sizeof bad, &rec), FERRY_E_CORRUPT);
    CHECK_EQ(ferry_app_boot_record(NULL, sizeof raw, &rec), FERRY_E_INVAL);
}

/* The record of real boots. */
static void test_real_boots(void)
{
    struct fx f;
    struct ferry_boot_record rec;
    uint8_t raw[FERRY_BOOT_RECORD_SIZE];
    CHECK_EQ(fx_open(&f, board_name), 0);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_PRIMARY, v1.bytes, v1.len), 0);

    CHECK_EQ(boot_recorded(&f, &rec, raw), 0);
    CHECK_EQ(rec.action, FERRY_BOOT_NORMAL);
    CHECK_EQ(rec.trial, 0);
    CHECK_EQ(rec.version.major, 1);
    CHECK_EQ(rec.staged_err, 0);
    CHECK_EQ(rec.revert_reason, FERRY_REVERT_NONE);

    /* Installed on trial. */
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len), 0);
    CHECK_EQ(boot_recorded(&f, &rec, raw), 0);
    CHECK_EQ(rec.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(rec.trial, 1);
    CHECK_EQ(rec.version.major, 2);
    CHECK_EQ(rec.staged_known, 0); /* installed, not refused */
    CHECK_EQ(rec.staged_err, 0);

    /* Reset without a confirm: reverted, not confirmed. */
    CHECK_EQ(boot_recorded(&f, &rec, raw), 0);
    CHECK_EQ(rec.action, FERRY_BOOT_REVERTED);
    CHECK_EQ(rec.revert_reason, FERRY_REVERT_NOT_CONFIRMED);
    CHECK_EQ(rec.version.major, 1);
    CHECK_EQ(rec.trial, 0);

    /* A tampered staged image: refused, with the error. */
    uint8_t *t = malloc(v3.len);
    if (!t)
        exit(2);
    memcpy(t, v3.bytes, v3.len);
    t[v3.len / 2] ^= 0x40;
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, t, v3.len), 0);
    free(t);
    CHECK_EQ(boot_recorded(&f, &rec, raw), 0);
    CHECK_EQ(rec.action, FERRY_BOOT_NORMAL);
    CHECK_EQ(rec.staged_err, FERRY_E_IMG_DIGEST);
    CHECK_EQ(rec.staged_known, 1);
    CHECK_EQ(rec.staged_version.major, 3);
    CHECK_EQ(rec.version.major, 1);
    fx_close(&f);
}

/* Last: ferry_app_reject() leaves its flag set for the rest of the process. */
static void test_reject(void)
{
    struct fx f;
    struct ferry_boot_record rec;
    uint8_t raw[FERRY_BOOT_RECORD_SIZE];
    CHECK_EQ(fx_open(&f, board_name), 0);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_PRIMARY, v1.bytes, v1.len), 0);
    CHECK_EQ(boot_recorded(&f, &rec, raw), 0);
    CHECK_EQ(ferry_app_reject(&f.board.app), FERRY_E_STATE); /* confirmed: nothing to reject */
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len), 0);
    CHECK_EQ(boot_recorded(&f, &rec, raw), 0);
    CHECK_EQ(rec.trial, 1);
    CHECK_EQ(ferry_app_reject(&f.board.app), 0);
    CHECK_EQ(ferry_app_confirm(&f.board.app), FERRY_E_STATE);
    enum ferry_app_state st;
    CHECK_EQ(ferry_app_get_state(&f.board.app, &st), 0);
    CHECK_EQ(st, FERRY_APP_TRIAL);
    CHECK_EQ(boot_recorded(&f, &rec, raw), 0);
    CHECK_EQ(rec.action, FERRY_BOOT_REVERTED);
    CHECK_EQ(rec.revert_reason, FERRY_REVERT_NOT_CONFIRMED);
    CHECK(fx_primary_is(&f, &v1));
    fx_close(&f);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        board_name = argv[1];
    struct fx f;
    if (fx_open(&f, board_name) != 0) {
        fprintf(stderr, "unknown board %s\n", board_name);
        return 2;
    }
    v1 = fx_make(&f, 1, 0, 0, 1, 3000, 1);
    v2 = fx_make(&f, 2, 0, 0, 1, 5000, 2);
    v3 = fx_make(&f, 3, 0, 0, 1, 4000, 3);
    fx_close(&f);
    RUN(test_round_trip);
    RUN(test_bad_records);
    RUN(test_real_boots);
    RUN(test_reject);
    return check_done();
}
