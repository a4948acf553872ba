/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The update agent downloading into update.bin on a memory card
 * (src/card/agent_card.c), and the bootloader taking it from there
 * (src/card/card_update.c): a fake network serves the release, the card is a
 * mkfs.fat card in the simulated SD card, read through the real driver and
 * FAT code.
 *
 *   test_agent_card WORKDIR
 */
#define _DEFAULT_SOURCE

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "agent_fakenet.h"
#include "boot_fixture.h"
#include "check.h"
#include "ferry/agent_card.h"
#include "ferry/card_update.h"
#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "ferry/memflash.h"
#include "ferry/sd_spi.h"
#include "sd_card_model.h"

#define BASE "http://updates.test/repo"
#define CARD_SIZE (4u * 1024u * 1024u)

static const char *workdir;
static uint8_t *blank_card; /* made once by mkfs.fat */
static struct fx fx0;
static struct fx_image v1, v2;

struct env {
    struct fx f;
    struct fake_net net;
    uint8_t http_buf[FERRY_HTTP_BUF_MIN];
    struct ferry_http_client http;
    struct ferry_agent_config cfg;
    struct ferry_agent agent;
    char manifest[FERRY_MANIFEST_MAX_BYTES + 64];
    uint8_t sig[FERRY_MANIFEST_SIG_BYTES];
    struct sd_model *card;
    struct ferry_sd_spi sd;
    struct ferry_fat fat;
    uint8_t fat_buf[FERRY_FAT_SECTOR];
    int reboots;
};

static void on_reboot(void *ctx)
{
    ((struct env *)ctx)->reboots++;
}

/* Publishes `img` as the release; `served` is what the image URL returns
 * (NULL: the image itself). */
static void publish(struct env *e, const struct fx_image *img, const struct fx_image *served)
{
    uint8_t sha[32], hash[32];
    char sha_hex[65], vendor[37], cls[37], path[256];
    ferry_sha256(img->bytes, img->len, sha);
    for (int i = 0; i < 32; i++)
        sprintf(sha_hex + 2 * i, "%02x", sha[i]);
    ferry_uuid_format(e->f.vendor, vendor);
    ferry_uuid_format(e->f.class_id, cls);
    size_t n = (size_t)snprintf(
        e->manifest, sizeof e->manifest,
        "{\"ferry_manifest\":1,\"vendor\":\"%s\",\"class\":\"%s\",\"version\":\"2.0.0\","
        "\"security_counter\":0,\"size\":%zu,\"sha256\":\"%s\",\"image\":\"images/v2.img\"}",
        vendor, cls, img->len, sha_hex);
    ferry_sha256(e->manifest, n, hash);
    memcpy(e->sig, e->f.key.id, 32);
    CHECK_EQ(ferry_host_sign_hash(&e->f.key, hash, e->sig + 32), 0);
    e->net.file_count = 0;
    snprintf(path, sizeof path, "/repo/%s/manifest.json", cls);
    fake_add(&e->net, path, (const uint8_t *)e->manifest, n);
    snprintf(path, sizeof path, "/repo/%s/manifest.json.sig", cls);
    fake_add(&e->net, path, e->sig, sizeof e->sig);
    snprintf(path, sizeof path, "/repo/%s/images/v2.img", cls);
    if (!served)
        served = img;
    fake_add(&e->net, path, served->bytes, served->len);
}

/* A board running a confirmed v1, a blank FAT card mounted, v2 published. */
static struct env *env_open(void)
{
    struct env *e = calloc(1, sizeof *e);
    if (!e || fx_open(&e->f, "demo") != 0)
        exit(2);
    fake_init(&e->net);
    e->http.plain = &e->net.transport;
    e->http.buf = e->http_buf;
    e->http.buf_len = sizeof e->http_buf;
    e->http.timeout_ms = 1000;
    e->http.max_redirects = 3;
    CHECK_EQ(sim_board_write_image(&e->f.board, SIM_SLOT_PRIMARY, v1.bytes, v1.len), 0);
    CHECK_EQ(fx_boot(&e->f), 0);
    e->cfg.base_url = BASE;
    e->cfg.vendor_id = e->f.vendor;
    e->cfg.class_id = e->f.class_id;
    e->cfg.keys = &e->f.trusted;
    e->cfg.key_count = 1;
    e->cfg.app = &e->f.board.app;
    e->cfg.http = &e->http;
    e->cfg.reboot = on_reboot;
    e->cfg.ctx = e;
    CHECK_EQ(ferry_agent_init(&e->agent, &e->cfg), 0);
    CHECK_EQ(sd_model_open_ram(CARD_SIZE, NULL, &e->card), 0);
    memcpy(sd_model_contents(e->card), blank_card, CARD_SIZE);
    CHECK_EQ(ferry_sd_spi_init(&e->sd, sd_model_spi(e->card), NULL), 0);
    CHECK_EQ(ferry_fat_mount(&e->fat, ferry_sd_spi_bd(&e->sd), e->fat_buf, sizeof e->fat_buf), 0);
    return e;
}

static void env_close(struct env *e)
{
    sd_model_close(e->card);
    fx_close(&e->f);
    free(e);
}

static int card_file_is(struct env *e, const char *path, const struct fx_image *img)
{
    struct ferry_fat_file f;
    int err = ferry_fat_open(&e->fat, path, &f);
    if (err)
        return err;
    if (!img)
        return 0;
    uint8_t *buf = malloc(img->len);
    int n = ferry_fat_read(&f, 0, buf, (uint32_t)img->len);
    int same = n == (int)img->len && ferry_fat_size(&f) == img->len &&
               memcmp(buf, img->bytes, img->len) == 0;
    free(buf);
    return same ? 0 : FERRY_E_CORRUPT;
}

/* The next reset: the bootloader's card flow, then ferry_boot(). */
static int reboot_with_card(struct env *e)
{
    struct ferry_card_config cc = {NULL, NULL, ferry_card_mark_rename};
    sim_board_reset(&e->f.board);
    int err = ferry_card_stage(&e->f.board.cfg, &e->fat, &cc, NULL);
    CHECK_EQ(fx_boot(&e->f), 0);
    return err;
}

static void test_download_to_card(void)
{
    struct env *e = env_open();
    publish(e, &v2, NULL);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    CHECK_EQ(ferry_agent_download_to_card(&e->agent, &e->fat, NULL), 0);
    CHECK_EQ(e->reboots, 1);
    CHECK_EQ(card_file_is(e, "update.bin", &v2), 0);
    CHECK_EQ(card_file_is(e, FERRY_AGENT_CARD_TMP, NULL), FERRY_E_NOT_FOUND);
    CHECK(!fx_staging_is(&e->f, &v2, fx_d(&e->f))); /* the staging slot was not used */
    CHECK_EQ(reboot_with_card(e), 0);
    CHECK_EQ(e->f.res.action, FERRY_BOOT_INSTALLED);
    CHECK(fx_primary_is(&e->f, &v2));
    CHECK_EQ(card_file_is(e, FERRY_CARD_DONE_PATH, &v2), 0);
    env_close(e);
}

/* A transfer cut midway resumes with a Range request in the same call. */
static void test_resumed(void)
{
    struct env *e = env_open();
    publish(e, &v2, NULL);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    e->cfg.retries = 2;
    e->net.cut_after = 10000;
    e->net.cuts = 1;
    CHECK_EQ(ferry_agent_download_to_card(&e->agent, &e->fat, NULL), 0);
    CHECK_EQ(e->net.image_requests, 2);
    CHECK_EQ(e->net.ranges[1], 10000);
    CHECK_EQ(card_file_is(e, "update.bin", &v2), 0);
    env_close(e);

    /* Without retries the error comes back and no update.bin appears. */
    e = env_open();
    publish(e, &v2, NULL);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    e->net.cut_after = 10000;
    e->net.cuts = 1;
    CHECK_EQ(ferry_agent_download_to_card(&e->agent, &e->fat, NULL), FERRY_E_HTTP_LENGTH);
    CHECK_EQ(card_file_is(e, "update.bin", NULL), FERRY_E_NOT_FOUND);
    CHECK_EQ(e->reboots, 0);
    CHECK_EQ(reboot_with_card(e), FERRY_E_NOT_FOUND);
    CHECK(fx_primary_is(&e->f, &v1));
    env_close(e);

    /* A server that ignores Range: the retry starts from zero. */
    e = env_open();
    publish(e, &v2, NULL);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    e->cfg.retries = 2;
    e->net.cut_after = 10000;
    e->net.cuts = 1;
    e->net.ignore_range = 1;
    CHECK_EQ(ferry_agent_download_to_card(&e->agent, &e->fat, NULL), 0);
    CHECK_EQ(card_file_is(e, "update.bin", &v2), 0);
    env_close(e);
}

/* Bytes that are not the manifest's: refused, nothing left on the card. */
static void test_tampered(void)
{
    struct env *e = env_open();
    struct fx_image bad = {malloc(v2.len), v2.len};
    memcpy(bad.bytes, v2.bytes, v2.len);
    bad.bytes[v2.len / 3] ^= 0x40;
    publish(e, &v2, &bad);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    CHECK_EQ(ferry_agent_download_to_card(&e->agent, &e->fat, NULL), FERRY_E_IMG_DIGEST);
    CHECK_EQ(card_file_is(e, "update.bin", NULL), FERRY_E_NOT_FOUND);
    CHECK_EQ(card_file_is(e, FERRY_AGENT_CARD_TMP, NULL), FERRY_E_NOT_FOUND);
    CHECK_EQ(e->reboots, 0);
    env_close(e);
    free(bad.bytes);
}

int main(int argc, char **argv)
{
    char img[512], cmd[1200];
    if (argc < 2) {
        fprintf(stderr, "usage: test_agent_card WORKDIR\n");
        return 2;
    }
    workdir = argv[1];
    mkdir(workdir, 0777);
    snprintf(img, sizeof img, "%s/blank.img", workdir);
    snprintf(cmd, sizeof cmd, "rm -f '%s' && mkfs.fat -C '%s' %u >/dev/null 2>&1", img, img,
             CARD_SIZE / 1024);
    if (system(cmd) != 0) {
        printf("SKIP all: mkfs.fat not installed (dosfstools)\n");
        return 77;
    }
    blank_card = malloc(CARD_SIZE);
    FILE *f = fopen(img, "rb");
    if (!f || fread(blank_card, 1, CARD_SIZE, f) != CARD_SIZE)
        return 2;
    fclose(f);
    if (fx_open(&fx0, "demo") != 0)
        return 2;
    v1 = fx_make(&fx0, 1, 0, 0, 0, 20000, 1);
    v2 = fx_make(&fx0, 2, 0, 0, 0, 60000, 2);
    RUN(test_download_to_card);
    RUN(test_resumed);
    RUN(test_tampered);
    fx_free(&v1);
    fx_free(&v2);
    fx_close(&fx0);
    free(blank_card);
    return check_done();
}
