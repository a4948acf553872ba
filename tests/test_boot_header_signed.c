/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Header-signed images in the bootloader (docs/image-format.md section 14,
 * docs/design.md "One-pass install"), on every simulated board:
 *  - an update reads the staged image's payload once and hashes it as it
 *    lands (fewer bytes read than the same update of images signed over all
 *    their bytes, by about two payloads: the primary's and the staged
 *    image's verification passes);
 *  - a staged image whose payload does not match its signed digest is
 *    never started: the install is undone, the old image runs, and from then
 *    on staged images are verified before anything is written (a second bad
 *    one costs no write);
 *  - a primary whose payload does not match its signed header never runs,
 *    even though its header verifies; a staged image that would be refused
 *    as a downgrade next to it is installed (nothing else can run);
 *  - a staged image signed over all its bytes still installs over a
 *    header-signed primary, and back.
 */
#include <stdio.h>
#include <string.h>
#include "check.h"
#include "boot_fixture.h"
#include "ferry/app.h"
#include "ferry/image.h"

static const char *board_name = "uniform-4k";

static struct fx_image make(struct fx *f, int major, int header_signed, size_t size,
                            uint32_t seed)
{
    struct ferry_sign_params p = fx_params(f, major, 0, 0, (uint32_t)major);
    if (header_signed)
        p.flags |= FERRY_IMG_F_HEADER_SIGNED;
    return fx_make_with(&f->key, &p, size, seed);
}

static uint32_t header_size_of(const struct fx_image *img)
{
    return (uint32_t)(img->bytes[6] | img->bytes[7] << 8);
}

/* Bytes read from all the board's devices by one boot. */
static uint64_t boot_reads(struct fx *f)
{
    uint64_t before = 0, after = 0;
    struct ferry_sim_flash_stats st;
    for (int i = 0; i < SIM_BOARD_DEVS; i++) {
        if (f->board.dev[i]) {
            ferry_sim_flash_get_stats(f->board.dev[i], &st);
            before += st.bytes_read;
        }
    }
    CHECK_EQ(fx_boot(f), 0);
    for (int i = 0; i < SIM_BOARD_DEVS; i++) {
        if (f->board.dev[i]) {
            ferry_sim_flash_get_stats(f->board.dev[i], &st);
            after += st.bytes_read;
        }
    }
    return after - before;
}

/* v1 running (confirmed), v2 staged; both header-signed or both not.
 * Returns the bytes the update boot read; v2 runs on trial after it. */
static uint64_t update_reads(int header_signed, size_t size)
{
    struct fx f;
    CHECK_EQ(fx_open(&f, board_name), 0);
    struct fx_image v1 = make(&f, 1, header_signed, size, 1);
    struct fx_image v2 = make(&f, 2, header_signed, size, 2);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_PRIMARY, v1.bytes, v1.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.image.version.major, 1);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len), 0);
    uint64_t n = boot_reads(&f);
    CHECK_EQ(f.res.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(f.res.image.version.major, 2);
    CHECK(f.res.trial);
    CHECK(fx_primary_is(&f, &v2));
    CHECK(fx_staging_is(&f, &v1, 0));
    CHECK_EQ(ferry_app_confirm(&f.board.app), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_NORMAL);
    CHECK_EQ(f.res.image.version.major, 2);
    CHECK(!f.res.trial);
    fx_free(&v1);
    fx_free(&v2);
    fx_close(&f);
    return n;
}

static void test_update_reads_each_payload_once(void)
{
    size_t size = 48 * 1024 + 5;
    uint64_t whole = update_reads(0, size);
    uint64_t hs = update_reads(1, size);
    printf("  update boot read %llu bytes (signed over all bytes) vs %llu (header-signed)\n",
           (unsigned long long)whole, (unsigned long long)hs);
    /* Two verification passes fewer: the primary's and the staged image's. */
    CHECK(hs + 2 * size - 4096 <= whole);
}

static void test_bad_payload_never_runs_and_costs_one_swap(void)
{
    struct fx f;
    CHECK_EQ(fx_open(&f, board_name), 0);
    size_t size = 30 * 1024 + 1;
    struct fx_image v1 = make(&f, 1, 1, size, 1);
    struct fx_image bad = make(&f, 2, 1, size, 2);
    struct fx_image bad3 = make(&f, 3, 1, size, 3);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_PRIMARY, v1.bytes, v1.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.image.version.major, 1);

    /* Its header verifies; one payload byte does not match its digest. */
    bad.bytes[header_size_of(&bad) + 1234] ^= 0x40;
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, bad.bytes, bad.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_REVERTED);
    CHECK_EQ(f.res.image.version.major, 1);
    CHECK(!f.res.trial);
    CHECK(fx_primary_is(&f, &v1));
    CHECK(fx_staging_is(&f, &bad, fx_d(&f))); /* put back where it was staged */
    int installed_failed = 0;
    for (int i = 0; i < f.event_count; i++)
        installed_failed |= f.events[i] == FERRY_EV_INSTALL_FAILED;
    CHECK(installed_failed);

    /* The same image again: verified first now, refused without a write. */
    uint64_t ops = sim_board_ops(&f.board);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_NORMAL);
    CHECK_EQ(f.res.staged_err, FERRY_E_IMG_DIGEST);
    CHECK_EQ(sim_board_ops(&f.board), ops);

    /* Another damaged one: verified first now, refused without a write. */
    bad3.bytes[header_size_of(&bad3) + 77] ^= 1;
    CHECK_EQ(sim_board_erase_slot(&f.board, SIM_SLOT_STAGING), 0);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, bad3.bytes, bad3.len), 0);
    ops = sim_board_ops(&f.board);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_NORMAL);
    CHECK_EQ(f.res.image.version.major, 1);
    CHECK_EQ(f.res.staged_err, FERRY_E_IMG_DIGEST);
    CHECK_EQ(sim_board_ops(&f.board), ops);
    CHECK(fx_primary_is(&f, &v1));

    /* Mended, it installs (one pass again from the next operation on). */
    bad3.bytes[header_size_of(&bad3) + 77] ^= 1;
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, bad3.bytes, bad3.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(f.res.image.version.major, 3);
    fx_free(&v1);
    fx_free(&bad);
    fx_free(&bad3);
    fx_close(&f);
}

static void test_damaged_primary_never_runs(void)
{
    struct fx f;
    CHECK_EQ(fx_open(&f, board_name), 0);
    size_t size = 20 * 1024 + 9;
    struct fx_image v2 = make(&f, 2, 1, size, 2);
    /* v1.5 with v2's security counter: older, not rolled back past. */
    struct ferry_sign_params p1 = fx_params(&f, 1, 5, 0, 2);
    p1.flags |= FERRY_IMG_F_HEADER_SIGNED;
    struct fx_image v1 = fx_make_with(&f.key, &p1, size, 1);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_PRIMARY, v2.bytes, v2.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.image.version.major, 2);

    /* The primary's payload changes under a header that still verifies. */
    v2.bytes[header_size_of(&v2) + 4321] ^= 0x80;
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_PRIMARY, v2.bytes, v2.len), 0);
    CHECK_EQ(fx_boot(&f), FERRY_E_NO_IMAGE);

    /* An older image staged would be a downgrade next to a whole v2; next to
     * this one it is the only image that can run, so it is installed. */
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v1.bytes, v1.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(f.res.image.version.major, 1);
    CHECK(!f.res.trial); /* nothing runnable was kept */
    CHECK(fx_primary_is(&f, &v1));
    fx_free(&v1);
    fx_free(&v2);
    fx_close(&f);
}

static void test_mixed_signing_both_ways(void)
{
    struct fx f;
    CHECK_EQ(fx_open(&f, board_name), 0);
    struct fx_image v1 = make(&f, 1, 1, 25 * 1024, 1);
    struct fx_image v2 = make(&f, 2, 0, 26 * 1024, 2);
    struct fx_image v3 = make(&f, 3, 1, 24 * 1024, 3);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_PRIMARY, v1.bytes, v1.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    const struct fx_image *next[2] = { &v2, &v3 };
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, next[i]->bytes, next[i]->len),
                 0);
        CHECK_EQ(fx_boot(&f), 0);
        CHECK_EQ(f.res.action, FERRY_BOOT_INSTALLED);
        CHECK_EQ(f.res.image.version.major, 2 + i);
        CHECK(fx_primary_is(&f, next[i]));
        CHECK_EQ(ferry_app_confirm(&f.board.app), 0);
        CHECK_EQ(fx_boot(&f), 0);
        CHECK_EQ(f.res.action, FERRY_BOOT_NORMAL);
        CHECK_EQ(f.res.image.version.major, 2 + i);
    }
    fx_free(&v1);
    fx_free(&v2);
    fx_free(&v3);
    fx_close(&f);
}

/* A trial that does not confirm goes back to the header-signed v1, which the
 * revert verifies completely first. */
static void test_trial_reverts_to_header_signed(void)
{
    struct fx f;
    CHECK_EQ(fx_open(&f, board_name), 0);
    struct fx_image v1 = make(&f, 1, 1, 33 * 1024, 1);
    struct fx_image v2 = make(&f, 2, 1, 31 * 1024, 2);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_PRIMARY, v1.bytes, v1.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(sim_board_write_image(&f.board, SIM_SLOT_STAGING, v2.bytes, v2.len), 0);
    CHECK_EQ(fx_boot(&f), 0);
    CHECK_EQ(f.res.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(fx_boot(&f), 0); /* restarted without confirming */
    CHECK_EQ(f.res.action, FERRY_BOOT_REVERTED);
    CHECK_EQ(f.res.image.version.major, 1);
    CHECK(fx_primary_is(&f, &v1));
    fx_free(&v1);
    fx_free(&v2);
    fx_close(&f);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        board_name = argv[1];
    printf("board %s\n", board_name);
    RUN(test_update_reads_each_payload_once);
    RUN(test_bad_payload_never_runs_and_costs_one_swap);
    RUN(test_damaged_primary_never_runs);
    RUN(test_mixed_signing_both_ways);
    RUN(test_trial_reverts_to_header_signed);
    return check_done();
}
