/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bootloader's card flow (src/card/card_update.c) end to end on the host:
 * cards made by mkfs.fat and mcopy, read through the simulated SD card
 * (port/sim/sd_card_model.c), the SD driver and the FAT code, into a
 * simulated board whose bootloader then runs ferry_boot().
 *
 *   test_card_update WORKDIR [BOARD [FAT_BITS]]   (FAT_BITS 12: 4 MiB card, 32: 34,000 KiB)
 *
 * Covers: the install (card -> staging -> primary, file renamed, fsck clean);
 * every way a card can be wrong (none, empty, no FAT, corrupt FAT, not an
 * image, wrong vendor/class/key, tampered, truncated, older, reverted
 * before, counter too low) leaving v1 running and the card byte-identical;
 * the read-only variant; and power cuts at every flash operation and every
 * card block write of the whole update (between and torn), each followed by
 * reboots: the device boots every time, and the update ends up applied.
 * Encrypted update.bin (docs/encryption.md): staged in its stored form,
 * installed decrypted, no 64-byte run of its plaintext on the card or outside
 * the primary slot at any point (also under the same power cuts), and each
 * bad one (another class, a content key that does not unwrap, a tampered
 * wrap, a tampered ciphertext byte, truncated, none for a device without the
 * class key, a plain one where encryption is required) refused with its own
 * error before anything is copied.
 */
#define _DEFAULT_SOURCE /* mkdtemp */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot_fixture.h"
#include "check.h"
#include "ferry/app.h"
#include "ferry/card_update.h"
#include "ferry/errors.h"
#include "ferry/fat.h"
#include "ferry/memflash.h"
#include "ferry/sd_spi.h"
#include "sd_card_model.h"
#include "status_priv.h"

static uint32_t CARD_SIZE = 4u * 1024u * 1024u; /* FAT12; 34,000 KiB for FAT32 */
static int fat_bits = 12;

static const char *workdir;
static const char *board_name = "demo";
static int have_tools;
static struct fx_image v1, v2, v3;
/* v2 encrypted for the fixture's class key: stored form (the card file) and
 * installed form (what the primary holds once it runs); the leak index holds
 * its plaintext payload. */
static struct fx_image ve2, ve2i;
static struct fx_leak_index ve2_leak;
static struct fx fx0; /* key and identity for making images */
/* The next dev_open() gives the bootloader the class key (cfg.decrypt), and
 * makes it require encrypted images. */
static int dev_decrypt, dev_require_enc;

/* ---- Cards ---------------------------------------------------------------- */

static int run(const char *cmd)
{
    int rc = system(cmd);
    if (rc != 0)
        fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
    return rc;
}

static void path_of(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", workdir, name);
}

static int write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(p, 1, n, f);
    return fclose(f) == 0 && w == n ? 0 : -1;
}

/* A card image made by the real tools: formatted, and (when `file` is given)
 * holding it as `name`. Returns malloc'd CARD_SIZE bytes, or NULL. */
static uint8_t *make_card(const void *file, size_t len, const char *name)
{
    char img[512], src[512], cmd[2048];
    path_of(img, sizeof img, "card.img");
    path_of(src, sizeof src, "payload.bin");
    unlink(img);
    snprintf(cmd, sizeof cmd, "mkfs.fat -C -F %d %s -n FERRYCARD '%s' %u >/dev/null", fat_bits,
             fat_bits == 32 ? "-s 1" : "", img, CARD_SIZE / 1024);
    if (run(cmd))
        return NULL;
    if (file) {
        if (write_file(src, file, len))
            return NULL;
        snprintf(cmd, sizeof cmd, "mcopy -i '%s' '%s' '::%s'", img, src, name);
        if (run(cmd))
            return NULL;
    }
    uint8_t *card = malloc(CARD_SIZE);
    FILE *f = fopen(img, "rb");
    if (!card || !f || fread(card, 1, CARD_SIZE, f) != CARD_SIZE) {
        free(card);
        card = NULL;
    }
    if (f)
        fclose(f);
    return card;
}

/* fsck.fat -n on the card's bytes: 0 when the tool finds nothing wrong. */
static int fsck_clean(const uint8_t *card)
{
    char img[512], cmd[1024];
    path_of(img, sizeof img, "check.img");
    if (write_file(img, card, CARD_SIZE))
        return -1;
    snprintf(cmd, sizeof cmd, "fsck.fat -n '%s' >/dev/null 2>&1", img);
    return system(cmd);
}

/* ---- A device with a card slot -------------------------------------------- */

struct dev {
    struct fx fx;
    struct sd_model *card;        /* NULL: no card inserted */
    struct ferry_sd_spi sd;
    struct ferry_fat fat;
    uint8_t fat_buf[FERRY_FAT_SECTOR];
    struct ferry_card_config cc;
    struct ferry_card_result cres;
    int card_err;                 /* what ferry_card_stage() (or the card) said */
    int boot_err;
};

/* The board with v1 in its primary slot, factory-programmed; the card's bytes
 * are copied into a simulated card (NULL: no card). */
static void dev_open(struct dev *d, const uint8_t *card, int read_only)
{
    memset(d, 0, sizeof *d);
    if (fx_open(&d->fx, board_name) != 0) {
        fprintf(stderr, "cannot open board %s\n", board_name);
        exit(2);
    }
    if (sim_board_write_image(&d->fx.board, SIM_SLOT_PRIMARY, v1.bytes, v1.len) != 0)
        exit(2);
    if (card) {
        if (sd_model_open_ram(CARD_SIZE, NULL, &d->card) != 0)
            exit(2);
        memcpy(sd_model_contents(d->card), card, CARD_SIZE);
    }
    d->cc.mark_applied = read_only ? NULL : ferry_card_mark_rename;
    if (dev_decrypt)
        fx_enable_decrypt(&d->fx);
    d->fx.board.cfg.require_encrypted = dev_require_enc;
}

static void dev_close(struct dev *d)
{
    sd_model_close(d->card);
    fx_close(&d->fx);
}

static int power_lost(struct dev *d)
{
    return sim_board_power_lost(&d->fx.board) || (d->card && sd_model_power_lost(d->card));
}

enum cycle_end { CYCLE_DONE, CYCLE_CUT };

/*
 * One power cycle of the bootloader as a port runs it: card init, mount,
 * ferry_card_stage(), ferry_boot(); then the application confirms a trial
 * image. A power cut anywhere ends the cycle (both the board and the card
 * lose power together).
 */
static enum cycle_end cycle(struct dev *d)
{
    d->card_err = FERRY_E_SD_NOCARD;
    d->boot_err = 0;
    sim_board_reset(&d->fx.board);
    if (d->card) {
        d->card_err = ferry_sd_spi_init(&d->sd, sd_model_spi(d->card), NULL);
        if (!d->card_err)
            d->card_err = ferry_fat_mount(&d->fat, ferry_sd_spi_bd(&d->sd), d->fat_buf,
                                          sizeof d->fat_buf);
        if (!d->card_err)
            d->card_err = ferry_card_stage(&d->fx.board.cfg, &d->fat, &d->cc, &d->cres);
    }
    if (d->fx.verbose)
        printf("  card: %s\n", ferry_strerror(d->card_err));
    if (power_lost(d))
        return CYCLE_CUT;
    d->boot_err = ferry_boot(&d->fx.board.cfg, &d->fx.res);

    if (power_lost(d))
        return CYCLE_CUT;
    if (!d->boot_err && d->fx.res.trial) {
        (void)ferry_app_confirm(&d->fx.board.app); /* the application is healthy */
        if (power_lost(d))
            return CYCLE_CUT;
    }
    return CYCLE_DONE;
}

static void power_back(struct dev *d)
{
    sim_board_reboot(&d->fx.board);
    if (d->card)
        sd_model_power_on(d->card);
}

/* Opens `path` on the device's card; returns ferry_fat_open's result. */
static int card_has(struct dev *d, const char *path, const struct fx_image *expect)
{
    struct ferry_fat_file f;
    int err = ferry_sd_spi_init(&d->sd, sd_model_spi(d->card), NULL);
    if (!err)
        err = ferry_fat_mount(&d->fat, ferry_sd_spi_bd(&d->sd), d->fat_buf, sizeof d->fat_buf);
    if (!err)
        err = ferry_fat_open(&d->fat, path, &f);
    if (!err && expect) {
        uint8_t *buf = malloc(expect->len);
        int n = ferry_fat_read(&f, 0, buf, (uint32_t)expect->len);
        if (n != (int)expect->len || ferry_fat_size(&f) != expect->len ||
            memcmp(buf, expect->bytes, expect->len) != 0)
            err = FERRY_E_CORRUPT;
        free(buf);
    }
    return err;
}

static int running(struct dev *d, const struct fx_image *img)
{
    return d->boot_err == 0 && fx_primary_is(&d->fx, img);
}

/* 1 if a 64-byte run of the indexed plaintext is on the card (raw blocks) or
 * anywhere outside the primary slot (fx_board_leaks); says where. */
static int leaks(struct dev *d, const struct fx_leak_index *li, const char *when)
{
    const char *area = "card";
    size_t at;
    int which;
    if (!(d->card && fx_leak_find(li, sd_model_contents(d->card), CARD_SIZE, &which, &at)) &&
        !fx_board_leaks(&d->fx, li, &area, &at, &which))
        return 0;
    fprintf(stderr, "  plaintext in the %s at offset %zu %s\n", area, at, when);
    return 1;
}

/* ---- Scenarios -------------------------------------------------------------- */

static void test_install(void)
{
    if (!have_tools)
        SKIP("mkfs.fat or mcopy not installed (dosfstools, mtools)");
    uint8_t *card = make_card(v2.bytes, v2.len, "update.bin");
    CHECK(card != NULL);
    if (!card)
        return;
    struct dev d;
    dev_open(&d, card, 0);
    CHECK_EQ(cycle(&d), CYCLE_DONE);
    CHECK_EQ(d.card_err, 0);
    CHECK_EQ(d.cres.copied, 1);
    CHECK_EQ(d.cres.mark_err, 0);
    CHECK_EQ(d.cres.image.version.major, 2);
    CHECK_EQ(d.fx.res.action, FERRY_BOOT_INSTALLED);
    CHECK(running(&d, &v2));
    /* The card: update.bin renamed, content unchanged, fsck clean. */
    CHECK_EQ(card_has(&d, "update.bin", NULL), FERRY_E_NOT_FOUND);
    CHECK_EQ(card_has(&d, FERRY_CARD_DONE_PATH, &v2), 0);
    CHECK_EQ(fsck_clean(sd_model_contents(d.card)), 0);
    /* Next boots: nothing left to do. */
    CHECK_EQ(cycle(&d), CYCLE_DONE);
    CHECK_EQ(d.card_err, FERRY_E_NOT_FOUND);
    CHECK_EQ(d.fx.res.action, FERRY_BOOT_NORMAL);
    CHECK(running(&d, &v2));
    dev_close(&d);

    /* A second card update replaces the old update.old. */
    uint8_t *card3 = make_card(v3.bytes, v3.len, "update.bin");
    if (card3) {
        dev_open(&d, card3, 0);
        CHECK_EQ(card_has(&d, "update.bin", &v3), 0);
        CHECK_EQ(cycle(&d), CYCLE_DONE);
        CHECK_EQ(d.card_err, 0);
        CHECK(running(&d, &v3));
        CHECK_EQ(card_has(&d, FERRY_CARD_DONE_PATH, &v3), 0);
        dev_close(&d);
    }
    free(card3);
    free(card);
}

/* The card stays byte for byte as it was, v1 runs, the error is `want`;
 * with `li`, no plaintext lies on the card or outside the primary. */
static void expect_refused_li(const uint8_t *card, int want, const char *what,
                              const struct fx_leak_index *li)
{
    struct dev d;
    dev_open(&d, card, 0);
    CHECK_EQ(cycle(&d), CYCLE_DONE);
    if (li)
        CHECK(!leaks(&d, li, what));
    if (d.card_err != want)
        fprintf(stderr, "  %s: got %d (%s)\n", what, d.card_err, ferry_strerror(d.card_err));
    CHECK_EQ(d.card_err, want);
    CHECK_EQ(d.cres.copied, 0);
    CHECK(running(&d, &v1));
    CHECK_EQ(d.fx.res.action, FERRY_BOOT_NORMAL);
    if (card)
        CHECK_MEM(sd_model_contents(d.card), card, CARD_SIZE);
    dev_close(&d);
}

static void expect_refused(const uint8_t *card, int want, const char *what)
{
    expect_refused_li(card, want, what, NULL);
}

static void test_no_card(void)
{
    expect_refused(NULL, FERRY_E_SD_NOCARD, "no card");
    /* A card that is there but does not answer. */
    struct dev d;
    uint8_t *blank = calloc(1, CARD_SIZE);
    dev_open(&d, blank, 0);
    sd_model_set_fault(d.card, SD_FAULT_ABSENT, 0);
    CHECK_EQ(cycle(&d), CYCLE_DONE);
    CHECK_EQ(d.card_err, FERRY_E_SD_NOCARD);
    CHECK(running(&d, &v1));
    dev_close(&d);
    /* A card with no filesystem at all. */
    expect_refused(blank, FERRY_E_FAT_NOFS, "unformatted");
    free(blank);
}

static void test_bad_cards(void)
{
    if (!have_tools)
        SKIP("mkfs.fat or mcopy not installed (dosfstools, mtools)");
    uint8_t *card;

    card = make_card(NULL, 0, NULL);
    if (card)
        expect_refused(card, FERRY_E_NOT_FOUND, "empty card");
    free(card);

    card = make_card(v2.bytes, v2.len, "other.bin");
    if (card)
        expect_refused(card, FERRY_E_NOT_FOUND, "other file");
    free(card);

    uint8_t junk[5000];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)(i * 7 + 3);
    card = make_card(junk, sizeof junk, "update.bin");
    if (card)
        expect_refused(card, FERRY_E_IMG_MAGIC, "not an image");
    free(card);

    card = make_card(v2.bytes, 0, "update.bin");
    if (card)
        expect_refused(card, FERRY_E_IMG_TRUNCATED, "empty file");
    free(card);

    card = make_card(v2.bytes, v2.len - 100, "update.bin");
    if (card)
        expect_refused(card, FERRY_E_IMG_TRUNCATED, "truncated");
    free(card);

    uint8_t *tampered = malloc(v2.len);
    memcpy(tampered, v2.bytes, v2.len);
    tampered[v2.len / 2] ^= 0x01;
    card = make_card(tampered, v2.len, "update.bin");
    if (card)
        expect_refused(card, FERRY_E_IMG_DIGEST, "tampered");
    free(card);
    free(tampered);

    struct ferry_sign_params p = fx_params(&fx0, 2, 0, 0, 0);
    p.class_id[0] ^= 0xFF;
    struct fx_image other = fx_make_with(&fx0.key, &p, 20000, 2);
    card = make_card(other.bytes, other.len, "update.bin");
    if (card)
        expect_refused(card, FERRY_E_IMG_CLASS, "wrong class");
    free(card);
    fx_free(&other);

    p = fx_params(&fx0, 2, 0, 0, 0);
    p.vendor_id[3] ^= 0x10;
    other = fx_make_with(&fx0.key, &p, 20000, 2);
    card = make_card(other.bytes, other.len, "update.bin");
    if (card)
        expect_refused(card, FERRY_E_IMG_VENDOR, "wrong vendor");
    free(card);
    fx_free(&other);

    struct ferry_host_key stranger;
    static const uint8_t priv[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                     17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
    if (ferry_host_key_from_private(priv, &stranger) == 0) {
        p = fx_params(&fx0, 2, 0, 0, 0);
        other = fx_make_with(&stranger, &p, 20000, 2);
        card = make_card(other.bytes, other.len, "update.bin");
        if (card)
            expect_refused(card, FERRY_E_IMG_KEY, "unknown key");
        free(card);
        fx_free(&other);
    }

    other = fx_make(&fx0, 0, 9, 0, 0, 20000, 4);
    card = make_card(other.bytes, other.len, "update.bin");
    if (card)
        expect_refused(card, FERRY_E_IMG_DOWNGRADE, "older");
    free(card);
    fx_free(&other);

    /* Corrupt FAT: update.bin's cluster chain points back at itself. */
    card = fat_bits == 12 ? make_card(v2.bytes, v2.len, "update.bin") : NULL;
    if (card) {
        /* FAT12, first FAT at sector 1 (reserved sectors 1 by mkfs.fat for
         * FAT12): cluster 3's entry -> 3 (a loop). Entries 3 bytes per 2. */
        uint8_t *fat = card + 512u * (card[14] | (card[15] << 8));
        uint8_t *e = fat + 3 * 3 / 2;
        e[0] = (uint8_t)((e[0] & 0x0F) | 0x30);
        e[1] = 0x00;
        for (unsigned c = 1; c < card[16]; c++) /* every FAT copy alike */
            memcpy(fat + (size_t)c * 512u * (card[22] | (card[23] << 8)), fat, 8);
        expect_refused(card, FERRY_E_CORRUPT, "looping cluster chain");
    }
    free(card);
}

static void test_same_and_reverted(void)
{
    if (!have_tools)
        SKIP("mkfs.fat or mcopy not installed (dosfstools, mtools)");
    /* The running image itself: marked applied, nothing staged. */
    uint8_t *card = make_card(v1.bytes, v1.len, "update.bin");
    if (!card)
        return;
    struct dev d;
    dev_open(&d, card, 0);
    CHECK_EQ(cycle(&d), CYCLE_DONE);
    CHECK_EQ(d.card_err, FERRY_E_NO_UPDATE);
    CHECK_EQ(d.cres.copied, 0);
    CHECK(running(&d, &v1));
    CHECK_EQ(card_has(&d, "update.bin", NULL), FERRY_E_NOT_FOUND);
    CHECK_EQ(card_has(&d, FERRY_CARD_DONE_PATH, &v1), 0);
    dev_close(&d);
    free(card);

    /* v2 from the card fails its trial (never confirmed) and is reverted;
     * the same file on a card later is refused without another install. */
    card = make_card(v2.bytes, v2.len, "update.bin");
    if (!card)
        return;
    dev_open(&d, card, 0);
    sim_board_reset(&d.fx.board);
    CHECK_EQ(ferry_sd_spi_init(&d.sd, sd_model_spi(d.card), NULL), 0);
    CHECK_EQ(ferry_fat_mount(&d.fat, ferry_sd_spi_bd(&d.sd), d.fat_buf, sizeof d.fat_buf), 0);
    CHECK_EQ(ferry_card_stage(&d.fx.board.cfg, &d.fat, &d.cc, &d.cres), 0);
    CHECK_EQ(fx_boot(&d.fx), 0);
    CHECK_EQ(d.fx.res.trial, 1);
    /* The trial image crashes: the next boot finds the card busy... */
    sim_board_reset(&d.fx.board);
    CHECK_EQ(ferry_card_stage(&d.fx.board.cfg, &d.fat, &d.cc, &d.cres), FERRY_E_BUSY);
    CHECK_EQ(fx_boot(&d.fx), 0);
    CHECK_EQ(d.fx.res.action, FERRY_BOOT_REVERTED);
    CHECK(fx_primary_is(&d.fx, &v1));
    dev_close(&d);
    free(card);
}

/* The reverted image on a card: one device, two cards. */
static void test_reverted_refused(void)
{
    if (!have_tools)
        SKIP("mkfs.fat or mcopy not installed (dosfstools, mtools)");
    uint8_t *card = make_card(v2.bytes, v2.len, "update.bin");
    if (!card)
        return;
    struct dev d;
    dev_open(&d, card, 1); /* read-only: the file stays update.bin */
    sim_board_reset(&d.fx.board);
    CHECK_EQ(ferry_sd_spi_init(&d.sd, sd_model_spi(d.card), NULL), 0);
    CHECK_EQ(ferry_fat_mount(&d.fat, ferry_sd_spi_bd(&d.sd), d.fat_buf, sizeof d.fat_buf), 0);
    CHECK_EQ(ferry_card_stage(&d.fx.board.cfg, &d.fat, &d.cc, &d.cres), 0);
    CHECK_EQ(fx_boot(&d.fx), 0);      /* v2 on trial, never confirmed */
    CHECK_EQ(fx_boot(&d.fx), 0);      /* reverted (the card is BUSY meanwhile) */
    CHECK_EQ(d.fx.res.action, FERRY_BOOT_REVERTED);
    sim_board_reset(&d.fx.board);
    CHECK_EQ(ferry_card_stage(&d.fx.board.cfg, &d.fat, &d.cc, &d.cres), FERRY_E_IMG_REVERTED);
    CHECK_EQ(d.cres.copied, 0);
    CHECK_EQ(fx_boot(&d.fx), 0);
    CHECK(running(&d, &v1));
    CHECK_MEM(sd_model_contents(d.card), card, CARD_SIZE);
    dev_close(&d);
    free(card);
}

static void test_read_only(void)
{
    if (!have_tools)
        SKIP("mkfs.fat or mcopy not installed (dosfstools, mtools)");
    uint8_t *card = make_card(v2.bytes, v2.len, "update.bin");
    if (!card)
        return;
    struct dev d;
    dev_open(&d, card, 1);
    CHECK_EQ(cycle(&d), CYCLE_DONE);
    CHECK_EQ(d.card_err, 0);
    CHECK(running(&d, &v2));
    CHECK_MEM(sd_model_contents(d.card), card, CARD_SIZE); /* never written */
    CHECK_EQ(cycle(&d), CYCLE_DONE);
    CHECK_EQ(d.card_err, FERRY_E_NO_UPDATE); /* recognised by its header: no hashing */
    CHECK(running(&d, &v2));
    CHECK_MEM(sd_model_contents(d.card), card, CARD_SIZE);
    dev_close(&d);
    free(card);
}

/* A primary that no longer verifies: the card may bring any valid image,
 * even an older one, and the device runs again. */
static void test_rescue(void)
{
    if (!have_tools)
        SKIP("mkfs.fat or mcopy not installed (dosfstools, mtools)");
    struct fx_image old = fx_make(&fx0, 0, 9, 0, 3, 15000, 6);
    uint8_t *card = make_card(old.bytes, old.len, "update.bin");
    if (card) {
        struct dev d;
        dev_open(&d, card, 0);
        /* One payload bit of v1 decays. */
        uint8_t *flash = ferry_sim_flash_contents(d.fx.board.dev[d.fx.board.desc->primary.dev]);
        flash[d.fx.board.desc->primary.off + v1.len / 2] ^= 0x04;
        CHECK_EQ(cycle(&d), CYCLE_DONE);
        CHECK_EQ(d.card_err, 0);
        CHECK(running(&d, &old));
        dev_close(&d);
    }
    free(card);
    fx_free(&old);
}

/* The stored minimum security counter is above the card image's. */
static void test_rollback(void)
{
    if (!have_tools)
        SKIP("mkfs.fat or mcopy not installed (dosfstools, mtools)");
    struct fx_image low = fx_make(&fx0, 2, 0, 0, 2, 20000, 5);
    uint8_t *card = make_card(low.bytes, low.len, "update.bin");
    fx_free(&low);
    if (!card)
        return;
    struct dev d;
    dev_open(&d, card, 0);
    const struct ferry_counter *c = d.fx.board.cfg.counter;
    if (!c) {
        dev_close(&d);
        free(card);
        SKIP("this board has no counter store");
    }
    CHECK_EQ(c->ops->advance(c->ctx, 3), 0); /* v1's counter */
    CHECK_EQ(cycle(&d), CYCLE_DONE);
    CHECK_EQ(d.card_err, FERRY_E_IMG_ROLLBACK);
    CHECK_EQ(d.cres.copied, 0);
    CHECK(running(&d, &v1));
    CHECK_MEM(sd_model_contents(d.card), card, CARD_SIZE);
    dev_close(&d);
    free(card);
}

/* Key 0 revoked on the device (docs/keys.md): an update.bin signed by it is
 * refused by the card flow before anything is copied. (v1 is signed by key
 * 0 too, so the bootloader then has nothing to run: only the card flow's
 * verdict is checked here; boot.revoke.* covers the boot.) */
static void test_revoked_key(void)
{
    if (!have_tools)
        SKIP("mkfs.fat or mcopy not installed (dosfstools, mtools)");
    struct fx_image img = fx_make(&fx0, 5, 0, 0, 5, 20000, 6);
    uint8_t *card = make_card(img.bytes, img.len, "update.bin");
    fx_free(&img);
    if (!card)
        return;
    struct dev d;
    dev_open(&d, card, 0);
    const struct ferry_counter *rv = d.fx.board.cfg.revocation;
    if (!rv) {
        dev_close(&d);
        free(card);
        SKIP("this board has no revocation store");
    }
    CHECK_EQ(rv->ops->advance(rv->ctx, 1), 0);
    (void)cycle(&d);
    CHECK_EQ(d.card_err, FERRY_E_KEY_REVOKED);
    CHECK_EQ(d.cres.copied, 0);
    CHECK_MEM(sd_model_contents(d.card), card, CARD_SIZE);
    dev_close(&d);
    free(card);
}

/* A cut between the head write and the rename leaves the image staged and
 * the file in place: the next boot does not copy again, only renames. */
static void test_resume_mark(void)
{
    if (!have_tools)
        SKIP("mkfs.fat or mcopy not installed (dosfstools, mtools)");
    uint8_t *card = make_card(v2.bytes, v2.len, "update.bin");
    if (!card)
        return;
    struct dev d;
    dev_open(&d, card, 1);
    sim_board_reset(&d.fx.board);
    CHECK_EQ(ferry_sd_spi_init(&d.sd, sd_model_spi(d.card), NULL), 0);
    CHECK_EQ(ferry_fat_mount(&d.fat, ferry_sd_spi_bd(&d.sd), d.fat_buf, sizeof d.fat_buf), 0);
    CHECK_EQ(ferry_card_stage(&d.fx.board.cfg, &d.fat, &d.cc, &d.cres), 0);
    CHECK_EQ(d.cres.copied, 1);
    uint64_t ops = sim_board_ops(&d.fx.board);
    d.cc.mark_applied = ferry_card_mark_rename;
    CHECK_EQ(ferry_card_stage(&d.fx.board.cfg, &d.fat, &d.cc, &d.cres), 0);
    CHECK_EQ(d.cres.copied, 0);
    CHECK_EQ(sim_board_ops(&d.fx.board), ops); /* no flash written */
    CHECK_EQ(card_has(&d, FERRY_CARD_DONE_PATH, &v2), 0);
    CHECK_EQ(fx_boot(&d.fx), 0);
    CHECK(fx_primary_is(&d.fx, &v2));
    dev_close(&d);
    free(card);
}

/* ---- Encrypted update.bin (docs/encryption.md) ------------------------------ */

/* Mounts the device's card and runs the card flow alone; its result. */
static int card_stage_only(struct dev *d)
{
    sim_board_reset(&d->fx.board);
    int err = ferry_sd_spi_init(&d->sd, sd_model_spi(d->card), NULL);
    if (!err)
        err = ferry_fat_mount(&d->fat, ferry_sd_spi_bd(&d->sd), d->fat_buf, sizeof d->fat_buf);
    return err ? err : ferry_card_stage(&d->fx.board.cfg, &d->fat, &d->cc, &d->cres);
}

/* The card flow, then the boot, then the confirm, step by step: staged in
 * its stored form, installed decrypted, the card and everything outside the
 * primary free of plaintext after every step; then an encrypted v3 over the
 * encrypted v2, which moves out to staging encrypted again, byte for byte. */
static void test_encrypted_install(void)
{
    if (!have_tools)
        SKIP("mkfs.fat or mcopy not installed (dosfstools, mtools)");
    /* The detector finds plaintext where there is some: on a card holding
     * the installed form. */
    uint8_t *card = make_card(ve2i.bytes, ve2i.len, "update.bin");
    CHECK(card && fx_leak_find(&ve2_leak, card, CARD_SIZE, NULL, NULL));
    free(card);
    card = make_card(ve2.bytes, ve2.len, "update.bin");
    CHECK(card != NULL);
    if (!card)
        return;
    CHECK(!fx_leak_find(&ve2_leak, card, CARD_SIZE, NULL, NULL));
    struct dev d;
    dev_decrypt = 1;
    dev_open(&d, card, 0);
    CHECK(!leaks(&d, &ve2_leak, "before the update"));
    CHECK_EQ(card_stage_only(&d), 0);
    CHECK_EQ(d.cres.copied, 1);
    CHECK_EQ(d.cres.mark_err, 0);
    CHECK(d.cres.image.flags & FERRY_IMG_F_ENCRYPTED);
    CHECK(fx_staging_is(&d.fx, &ve2, fx_d(&d.fx))); /* staged as stored, byte for byte */
    CHECK(!leaks(&d, &ve2_leak, "after the card flow"));
    CHECK_EQ(fx_boot(&d.fx), 0);
    CHECK_EQ(d.fx.res.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(d.fx.res.image.version.major, 2);
    CHECK(d.fx.res.trial);
    CHECK(fx_primary_is(&d.fx, &ve2i));                  /* decrypted where it runs */
    CHECK(fx_area_leaks(&d.fx.board.cfg.primary, &ve2i)); /* (the detector sees it there) */
    CHECK(fx_staging_is(&d.fx, &v1, 0));                 /* the plain v1 kept as it was */
    CHECK(!leaks(&d, &ve2_leak, "after the install"));
    CHECK_EQ(ferry_app_confirm(&d.fx.board.app), 0);
    CHECK(!leaks(&d, &ve2_leak, "after the confirm"));
    CHECK_EQ(cycle(&d), CYCLE_DONE);
    CHECK_EQ(d.card_err, FERRY_E_NOT_FOUND); /* renamed by the card flow */
    CHECK_EQ(d.fx.res.action, FERRY_BOOT_NORMAL);
    CHECK(!d.fx.res.trial);
    CHECK(running(&d, &ve2i));
    CHECK_EQ(card_has(&d, FERRY_CARD_DONE_PATH, &ve2), 0);
    CHECK_EQ(fsck_clean(sd_model_contents(d.card)), 0);
    CHECK(!leaks(&d, &ve2_leak, "after the next boot"));

    /* v3, encrypted too, from a second card: v2 leaves in its stored form. */
    struct ferry_sign_params p3 = fx_params(&fx0, 3, 0, 0, 4);
    struct fx_image ve3 = fx_make_enc(&fx0.key, &p3, &fx0.class_key, 9000, 3);
    struct fx_image ve3i = fx_installed(&fx0, &ve3);
    const struct fx_image *both[2] = {&ve2i, &ve3i};
    struct fx_leak_index li;
    fx_leak_index_init(&li, both, 2);
    uint8_t *card3 = make_card(ve3.bytes, ve3.len, "update.bin");
    if (card3) {
        sd_model_close(d.card);
        CHECK_EQ(sd_model_open_ram(CARD_SIZE, NULL, &d.card), 0);
        memcpy(sd_model_contents(d.card), card3, CARD_SIZE);
        CHECK_EQ(card_stage_only(&d), 0);
        CHECK(!leaks(&d, &li, "after the second card flow"));
        CHECK_EQ(fx_boot(&d.fx), 0);
        CHECK_EQ(d.fx.res.action, FERRY_BOOT_INSTALLED);
        CHECK(fx_primary_is(&d.fx, &ve3i));
        CHECK(fx_staging_is(&d.fx, &ve2, 0)); /* v2 encrypted again, exactly its stored form */
        CHECK(!leaks(&d, &li, "after the second install"));
        CHECK_EQ(ferry_app_confirm(&d.fx.board.app), 0);
        CHECK_EQ(cycle(&d), CYCLE_DONE);
        CHECK(running(&d, &ve3i));
        CHECK(!leaks(&d, &li, "after the second confirm"));
    }
    free(card3);
    fx_leak_index_free(&li);
    fx_free(&ve3);
    fx_free(&ve3i);
    dev_decrypt = 0;
    dev_close(&d);
    free(card);
}

/* A card holding `img` is refused with `want` by a device with the class key
 * (unless dev_decrypt was cleared), nothing copied, v1 running. */
static void enc_refused(const struct fx_image *img, size_t len, int want, const char *what,
                        const struct fx_leak_index *li)
{
    uint8_t *card = make_card(img->bytes, len, "update.bin");
    CHECK(card != NULL);
    if (card)
        expect_refused_li(card, want, what, li);
    free(card);
}

static void test_encrypted_refused(void)
{
    if (!have_tools)
        SKIP("mkfs.fat or mcopy not installed (dosfstools, mtools)");
    struct ferry_sign_params p = fx_params(&fx0, 2, 0, 0, 3);
    dev_decrypt = 1;
    /* Encrypted for another device class's key. */
    struct fx_image img = fx_make_enc(&fx0.key, &p, &fx0.other_class_key, 24000, 2);
    enc_refused(&img, img.len, FERRY_E_IMG_ENC_KEY, "another class key", &ve2_leak);
    fx_free(&img);

    /* Signed with a wrapped key that does not unwrap (the vendor's tool got
     * it wrong, or it was altered before signing). */
    struct ferry_host_enc enc;
    if (ferry_host_enc_new(fx0.class_key.pub, &enc) != 0)
        exit(2);
    enc.wrapped[5] ^= 0x20;
    p.enc = &enc;
    img = fx_make_with(&fx0.key, &p, 24000, 2);
    ferry_host_enc_wipe(&enc);
    p.enc = NULL;
    enc_refused(&img, img.len, FERRY_E_IMG_KEYWRAP, "wrapped key that does not unwrap", &ve2_leak);
    fx_free(&img);

    /* The wrapped key (TLV 0x8005) altered after signing: the header is
     * signed, so the digest no longer matches. */
    struct fx_image bad = {malloc(ve2.len), ve2.len};
    memcpy(bad.bytes, ve2.bytes, ve2.len);
    uint32_t w = fx_wrap_offset(&bad);
    CHECK(w != 0);
    bad.bytes[w + 3] ^= 1;
    enc_refused(&bad, bad.len, FERRY_E_IMG_DIGEST, "tampered wrapped key", &ve2_leak);
    bad.bytes[w + 3] ^= 1;

    /* One ciphertext byte. */
    uint32_t hs = (uint32_t)(bad.bytes[6] | bad.bytes[7] << 8);
    bad.bytes[hs + 777] ^= 0x10;
    enc_refused(&bad, bad.len, FERRY_E_IMG_CIPHERTEXT, "tampered ciphertext", &ve2_leak);
    bad.bytes[hs + 777] ^= 0x10;
    fx_free(&bad);

    /* Truncated. */
    enc_refused(&ve2, ve2.len - 100, FERRY_E_IMG_TRUNCATED, "truncated", &ve2_leak);

    /* A device without the class key. */
    dev_decrypt = 0;
    enc_refused(&ve2, ve2.len, FERRY_E_IMG_ENC_KEY, "no class key on the device", &ve2_leak);

    /* A device that requires encryption, and a plain update.bin. */
    dev_decrypt = 1;
    dev_require_enc = 1;
    enc_refused(&v2, v2.len, FERRY_E_IMG_PLAIN, "plain image, encryption required", NULL);
    dev_require_enc = 0;
    dev_decrypt = 0;
}

/* 1 if the last operation in the status area is a finished revert of `img`:
 * it was installed, its trial did not confirm, and it was taken out again. */
static int trial_reverted(struct dev *d, const struct fx_image *img)
{
    const struct ferry_boot_config *c = &d->fx.board.cfg;
    struct ferry_status_ctx sc = {&c->status, &c->primary, &c->staging, c->buf, c->buf_len};
    struct ferry_status st;
    struct ferry_image_info info;
    struct ferry_memflash mf;
    if (ferry_status_read(&sc, &st) != 0 || st.bank < 0 || st.hdr.op != FERRY_OP_REVERT || !st.done)
        return 0;
    if (ferry_memflash_init_ro(&mf, img->bytes, (uint32_t)img->len) != 0)
        return 0;
    struct ferry_area a = {&mf.flash, 0, (uint32_t)img->len};
    return ferry_image_parse(&a, FERRY_PARSE_FILE, &info) == 0 &&
           memcmp(info.digest, st.hdr.out_digest, 32) == 0;
}

/* Runs cycles until one completes without a cut, then two more; checks the
 * device booted in every completed cycle, and with `li` that no plaintext
 * lay on the card or outside the primary after any cycle, cut or not
 * (counted in *leaked). Returns 0 when the final state is `want` (the
 * update's installed form) running and confirmed. */
static int settle(struct dev *d, const struct fx_image *want, const struct fx_leak_index *li,
                  int *unbootable, int *leaked)
{
    int done = 0;
    for (int i = 0; i < 8 && done < 3; i++) {
        enum cycle_end end = cycle(d);
        if (li && leaks(d, li, end == CYCLE_CUT ? "after a cut" : "after a boot"))
            (*leaked)++;
        if (end == CYCLE_CUT) {
            power_back(d);
            continue;
        }
        if (d->boot_err)
            (*unbootable)++;
        done++;
    }
    return running(d, want) ? 0 : -1;
}

/*
 * Power cut at every flash operation and every card block write of a whole
 * update from a card holding `file` (stored form), each both between and
 * torn, then reboots until the device settles on `want` (installed form).
 * `li`: the plaintext to look for after every cycle (NULL: a plain image).
 */
static void power_cuts(const struct fx_image *file, const struct fx_image *want,
                       const struct fx_leak_index *li)
{
    uint8_t *card = make_card(file->bytes, file->len, "update.bin");
    if (!card)
        return;
    struct dev d;
    struct sd_model_stats st;
    /* A clean run: how many flash operations and card block writes. */
    dev_open(&d, card, 0);
    uint64_t base = sim_board_ops(&d.fx.board); /* the factory programming */
    CHECK_EQ(cycle(&d), CYCLE_DONE);
    /* The install cycle's last two operations belong to the trial: the BOOTED
     * marker just before v2 starts, and v2's confirm. A cut at either one is
     * a reset of a trial image before it confirmed, which Ferry answers by
     * design with a revert (docs/design.md): v1 runs, v2 is rejected. */
    uint64_t trial_ops_end = sim_board_ops(&d.fx.board) - base;
    CHECK_EQ(cycle(&d), CYCLE_DONE);
    uint64_t flash_ops = sim_board_ops(&d.fx.board) - base;
    sd_model_get_stats(d.card, &st);
    uint64_t card_writes = st.blocks_written;
    dev_close(&d);
    CHECK(flash_ops > 10);
    CHECK(card_writes > 0);

    unsigned runs = 0, failures = 0, unbootable = 0, pending_left = 0, trial_reverts = 0;
    int leaked = 0;
    for (int torn = 0; torn <= 1; torn++) {
        for (uint64_t i = 0; i < flash_ops; i++) {
            dev_open(&d, card, 0);
            if (getenv("CARD_DEBUG_CUT") && strtoull(getenv("CARD_DEBUG_CUT"), NULL, 0) == i)
                d.fx.verbose = 1;
            sim_board_arm_cut(&d.fx.board, i, torn ? FERRY_SIM_CUT_TORN : FERRY_SIM_CUT_BETWEEN,
                              i * 31 + 7);
            int in_trial = i + 2 >= trial_ops_end && i < trial_ops_end;
            if (settle(&d, want, li, (int *)&unbootable, &leaked) != 0 && in_trial &&
                running(&d, &v1) && trial_reverted(&d, file)) {
                trial_reverts++;
            } else if (!running(&d, want)) {
                failures++;
                fprintf(stderr, "  flash cut %s at op %llu: v2 not running (card: %s, boot: %s)\n",
                        torn ? "torn" : "between", (unsigned long long)i,
                        ferry_strerror(d.card_err), ferry_strerror(d.boot_err));
            }
            if (card_has(&d, "update.bin", NULL) != FERRY_E_NOT_FOUND)
                pending_left++;
            runs++;
            dev_close(&d);
        }
        for (uint64_t j = 0; j < card_writes; j++) {
            dev_open(&d, card, 0);
            sd_model_arm_cut(d.card, j, torn, j * 17 + 3);
            if (settle(&d, want, li, (int *)&unbootable, &leaked) != 0) {
                failures++;
                fprintf(stderr, "  card cut %s at write %llu: v2 not running\n",
                        torn ? "torn" : "between", (unsigned long long)j);
            }
            int left = card_has(&d, "update.bin", NULL);
            if (left != FERRY_E_NOT_FOUND) {
                pending_left++;
                fprintf(stderr, "  card cut %s at write %llu: update.bin: %s\n",
                        torn ? "torn" : "between", (unsigned long long)j, ferry_strerror(left));
            }
            runs++;
            dev_close(&d);
        }
    }
    printf("  power cuts: %u runs (%llu flash ops, %llu card writes, x2 modes), %u failed, "
           "%u unbootable cycles, %u cards still holding update.bin, %u trial resets reverted%s\n",
           runs, (unsigned long long)flash_ops, (unsigned long long)card_writes, failures,
           unbootable, pending_left, trial_reverts, li ? ", encrypted" : "");
    if (li)
        printf("  plaintext found after %d cycles\n", leaked);
    CHECK(trial_reverts <= 4);
    CHECK_EQ(failures, 0);
    CHECK_EQ(unbootable, 0);
    CHECK_EQ(pending_left, 0);
    CHECK_EQ(leaked, 0);
    free(card);
}

static void test_power_cuts(void)
{
    if (!have_tools)
        SKIP("mkfs.fat or mcopy not installed (dosfstools, mtools)");
    power_cuts(&v2, &v2, NULL);
}

/* The same with an encrypted update.bin and the class key on the device. */
static void test_power_cuts_encrypted(void)
{
    if (!have_tools)
        SKIP("mkfs.fat or mcopy not installed (dosfstools, mtools)");
    dev_decrypt = 1;
    power_cuts(&ve2, &ve2i, &ve2_leak);
    dev_decrypt = 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_card_update WORKDIR [BOARD [12|32]]\n");
        return 2;
    }
    workdir = argv[1];
    if (argc > 2)
        board_name = argv[2];
    if (argc > 3 && atoi(argv[3]) == 32) {
        fat_bits = 32;
        CARD_SIZE = 34000u * 1024u; /* just above FAT32's 65,525 clusters of 512 bytes */
    }
    mkdir(workdir, 0777);
    have_tools = system("command -v mkfs.fat >/dev/null && command -v mcopy >/dev/null && "
                        "command -v fsck.fat >/dev/null") == 0;
    if (fx_open(&fx0, board_name) != 0) {
        fprintf(stderr, "unknown board %s\n", board_name);
        return 2;
    }
    v1 = fx_make(&fx0, 1, 0, 0, 3, 20000, 1);
    v2 = fx_make(&fx0, 2, 0, 0, 3, 24000, 2);
    v3 = fx_make(&fx0, 3, 0, 0, 4, 9000, 3);
    struct ferry_sign_params pe = fx_params(&fx0, 2, 0, 0, 3);
    ve2 = fx_make_enc(&fx0.key, &pe, &fx0.class_key, 24000, 2); /* v2's payload, encrypted */
    ve2i = fx_installed(&fx0, &ve2);
    const struct fx_image *plain = &ve2i;
    fx_leak_index_init(&ve2_leak, &plain, 1);

    RUN(test_install);
    RUN(test_no_card);
    RUN(test_bad_cards);
    RUN(test_same_and_reverted);
    RUN(test_reverted_refused);
    RUN(test_rescue);
    RUN(test_rollback);
    RUN(test_revoked_key);
    RUN(test_read_only);
    RUN(test_resume_mark);
    RUN(test_encrypted_install);
    RUN(test_encrypted_refused);
    RUN(test_power_cuts);
    RUN(test_power_cuts_encrypted);

    fx_free(&v1);
    fx_free(&v2);
    fx_free(&v3);
    fx_free(&ve2);
    fx_free(&ve2i);
    fx_leak_index_free(&ve2_leak);
    fx_close(&fx0);
    return check_done();
}
