/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The update agent on a simulated board, against a release repository behind
 * an in-process fake network (agent_fakenet.h): the update itself, every
 * failure case of the issue (the device stays on its image and the agent
 * says why), resume after a reconnect and after a power cycle, and a power
 * cut at every flash operation of a download.
 *
 *   test_agent BOARD            the whole set on one simulated board
 *   test_agent BOARD sweep      power cut at every operation (both cut modes)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_fakenet.h"
#include "boot_fixture.h"
#include "check.h"
#include "ferry/agent.h"
#include "ferry/crypto.h"
#include "ferry/errors.h"
#include "ferry/memflash.h"

#define BASE     "http://updates.test/repo"
/* v2's payload: about ten 4 KiB sectors, or more than one sector of the
 * staging slot (so there is a checkpoint to resume from) where those are
 * 128 KiB, within what the primary slot holds. */
static uint32_t v2_bytes = 40000;

static const char *board_name = "uniform-4k";

struct env {
    struct fx f;
    struct fake_net net;
    uint8_t http_buf[FERRY_HTTP_BUF_MIN];
    struct ferry_http_client http;
    struct ferry_agent_config cfg;
    struct ferry_agent agent;
    char manifest[FERRY_MANIFEST_MAX_BYTES + 64];
    size_t manifest_len;
    uint8_t sig[FERRY_MANIFEST_SIG_BYTES];
    size_t sig_len;
    char image_path[160];
    int reboots;
    unsigned progress_calls;
    uint64_t last_done, last_total;
    int progress_backwards;
    uint64_t cancel_at; /* progress returns "stop" once done >= this (0: never) */
    unsigned cancels;
};

/* Images shared by all tests (signing is the slow part). */
static struct fx_image v1, v2, v3, v2_other_key, v2_other_class;
static struct ferry_host_key other_key;
static uint32_t first_image_sector(struct fx *f);

static int on_progress(void *ctx, uint64_t done, uint64_t total)
{
    struct env *e = ctx;
    if (e->progress_calls && done < e->last_done && total == e->last_total)
        e->progress_backwards = 1;
    e->progress_calls++;
    e->last_done = done;
    e->last_total = total;
    if (e->cancel_at && done >= e->cancel_at && done < total) {
        e->cancels++;
        return 1;
    }
    return 0;
}

static void on_reboot(void *ctx)
{
    struct env *e = ctx;
    e->reboots++;
}

static void hex(const uint8_t *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
}

/* Manifest fields; NULL/negative members take the image's own values. */
struct mf {
    const char *version;
    long counter;
    long size;
    const uint8_t *sha;
    const uint8_t *vendor, *class_id;
    const char *image;
    const char *raw; /* the whole document instead */
    long sequence, expires; /* optional members (0: absent) */
};

static void class_dir(const struct env *e, char out[80])
{
    char u[37];
    ferry_uuid_format(e->f.class_id, u);
    snprintf(out, 80, "/repo/%s", u);
}

/* Publishes `img` as the current release, signed with `key` (NULL: the
 * fixture's release key). */
static void publish_with(struct env *e, const struct fx_image *img, const struct mf *m,
                         const struct ferry_host_key *key)
{
    struct ferry_image_info info;
    struct ferry_memflash mf;
    uint8_t sha[32];
    char sha_hex[65], vendor[37], cls[37], dir[80], path[256], version[40];
    ferry_sha256(img->bytes, img->len, sha);
    hex(m->sha ? m->sha : sha, 32, sha_hex);
    ferry_uuid_format(m->vendor ? m->vendor : e->f.vendor, vendor);
    ferry_uuid_format(m->class_id ? m->class_id : e->f.class_id, cls);
    /* Version and counter from the image header, read by the real parser. */
    CHECK_EQ(ferry_memflash_init_ro(&mf, img->bytes, (uint32_t)img->len), 0);
    struct ferry_area whole = {&mf.flash, 0, (uint32_t)img->len};
    memset(&info, 0, sizeof info);
    CHECK_EQ(ferry_image_parse(&whole, FERRY_PARSE_FILE, &info), 0);
    snprintf(version, sizeof version, "%u.%u.%u", info.version.major, info.version.minor,
             info.version.patch);
    uint32_t counter = info.security_counter;
    snprintf(e->image_path, sizeof e->image_path, "images/%s-%.16s.img",
             m->version ? m->version : version, sha_hex);
    if (m->raw)
        e->manifest_len = (size_t)snprintf(e->manifest, sizeof e->manifest, "%s", m->raw);
    else
        e->manifest_len = (size_t)snprintf(
            e->manifest, sizeof e->manifest,
            "{\"ferry_manifest\":1,\"vendor\":\"%s\",\"class\":\"%s\",\"version\":\"%s\","
            "\"security_counter\":%ld,\"size\":%ld,\"sha256\":\"%s\",\"image\":\"%s\"",
            vendor, cls, m->version ? m->version : version,
            m->counter >= 0 ? m->counter : (long)counter, m->size >= 0 ? m->size : (long)img->len,
            sha_hex, m->image ? m->image : e->image_path);
    if (!m->raw && m->sequence)
        e->manifest_len += (size_t)snprintf(e->manifest + e->manifest_len, sizeof e->manifest - e->manifest_len,
                                            ",\"sequence\":%ld", m->sequence);
    if (!m->raw && m->expires)
        e->manifest_len += (size_t)snprintf(e->manifest + e->manifest_len, sizeof e->manifest - e->manifest_len,
                                            ",\"expires\":%ld", m->expires);
    if (!m->raw)
        e->manifest_len += (size_t)snprintf(e->manifest + e->manifest_len, sizeof e->manifest - e->manifest_len, "}");
    if (!key)
        key = &e->f.key;
    uint8_t hash[32];
    ferry_sha256(e->manifest, e->manifest_len, hash);
    memcpy(e->sig, key->id, 32);
    CHECK_EQ(ferry_host_sign_hash(key, hash, e->sig + 32), 0);
    e->sig_len = sizeof e->sig;

    e->net.file_count = 0;
    class_dir(e, dir);
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    fake_add(&e->net, path, (const uint8_t *)e->manifest, e->manifest_len);
    snprintf(path, sizeof path, "%s/manifest.json.sig", dir);
    fake_add(&e->net, path, e->sig, e->sig_len);
    snprintf(path, sizeof path, "%s/%s", dir, m->image ? m->image : e->image_path);
    fake_add(&e->net, path, img->bytes, img->len);
}

static const struct mf MF_DEFAULT = {NULL, -1, -1, NULL, NULL, NULL, NULL, NULL, 0, 0};

/* Publishes `img` with a sequence number (and an expiry time, 0: none). */
static void publish_seq(struct env *e, const struct fx_image *img, long sequence, long expires)
{
    struct mf m = MF_DEFAULT;
    m.sequence = sequence;
    m.expires = expires;
    publish_with(e, img, &m, NULL);
}

static void publish(struct env *e, const struct fx_image *img)
{
    publish_with(e, img, &MF_DEFAULT, NULL);
}

static void agent_reset(struct env *e)
{
    e->cfg.base_url = BASE;
    e->cfg.vendor_id = e->f.vendor;
    e->cfg.class_id = e->f.class_id;
    e->cfg.keys = &e->f.trusted;
    e->cfg.key_count = 1;
    e->cfg.app = &e->f.board.app;
    e->cfg.http = &e->http;
    e->cfg.counter = e->f.board.cfg.counter;
    e->cfg.revocation = e->f.board.cfg.revocation;
    e->cfg.progress = on_progress;
    e->cfg.reboot = on_reboot;
    e->cfg.ctx = e;
    CHECK_EQ(ferry_agent_init(&e->agent, &e->cfg), 0);
}

/* A board running a confirmed v1 and an empty repository. */
static struct env *env_open(void)
{
    struct env *e = calloc(1, sizeof *e);
    if (!e || fx_open(&e->f, board_name) != 0) {
        fprintf(stderr, "cannot open board %s\n", board_name);
        exit(2);
    }
    fake_init(&e->net);
    e->http.plain = &e->net.transport;
    e->http.buf = e->http_buf;
    e->http.buf_len = sizeof e->http_buf;
    e->http.timeout_ms = 1000;
    e->http.max_redirects = 3;
    e->cfg.retries = 0;
    CHECK_EQ(sim_board_write_image(&e->f.board, SIM_SLOT_PRIMARY, v1.bytes, v1.len), 0);
    CHECK_EQ(fx_boot(&e->f), 0);
    agent_reset(e);
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

/* The device boots its old image and finds nothing staged. */
static void check_stays_on(struct env *e, const struct fx_image *img)
{
    CHECK_EQ(fx_boot(&e->f), 0);
    CHECK_EQ(e->f.res.action, FERRY_BOOT_NORMAL);
    CHECK(fx_primary_is(&e->f, img));
    CHECK(!saw_event(&e->f, FERRY_EV_STAGED_FOUND));
    CHECK_EQ(e->reboots, 0);
}

/* The device boots and installs `img` on trial. */
static void check_installs(struct env *e, const struct fx_image *img)
{
    CHECK_EQ(fx_boot(&e->f), 0);
    CHECK_EQ(e->f.res.action, FERRY_BOOT_INSTALLED);
    CHECK_EQ(e->f.res.trial, 1);
    CHECK(fx_primary_is(&e->f, img));
}

/* ---- The update ------------------------------------------------------------ */

static void test_update(void)
{
    struct env *e = env_open();
    publish(e, &v2);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    CHECK_EQ(e->agent.release.version.major, 2);
    CHECK_EQ(e->agent.release.size, v2.len);
    CHECK_EQ(ferry_agent_download(&e->agent), 0);
    CHECK_EQ(e->reboots, 1);
    CHECK_EQ(e->last_done, v2.len);
    CHECK_EQ(e->last_total, v2.len);
    CHECK(e->progress_calls > 2);
    CHECK(!e->progress_backwards);
    CHECK_EQ(e->net.image_requests, 1);
    CHECK_EQ(e->net.ranges[0], 0);
    CHECK(fx_staging_is(&e->f, &v2, fx_d(&e->f)));
    check_installs(e, &v2);

    /* On trial: no download (the staging slot holds v1 to go back to). */
    publish(e, &v3);
    agent_reset(e);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_BUSY);
    CHECK_EQ(e->net.image_requests, 1);
    /* Confirmed: v2 is current, v3 may come. */
    CHECK_EQ(ferry_app_confirm(&e->f.board.app), 0);
    publish(e, &v2);
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_NO_UPDATE);
    env_close(e);
}

/* An encrypted release (docs/encryption.md): published and downloaded like
 * any other file (the manifest's digest is over the file as served), staged
 * in its stored form, installed decrypted by a bootloader that holds the
 * class key; the plaintext is nowhere in the staging slot. */
static void test_update_encrypted(void)
{
    struct env *e = env_open();
    fx_enable_decrypt(&e->f);
    struct ferry_sign_params p2 = fx_params(&e->f, 2, 0, 0, 2);
    struct fx_image v2e = fx_make_enc(&e->f.key, &p2, &e->f.class_key, v2_bytes, 52);
    struct fx_image v2i = fx_installed(&e->f, &v2e);
    publish(e, &v2e);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    CHECK_EQ(e->agent.release.size, v2e.len);
    CHECK_EQ(ferry_agent_download(&e->agent), 0);
    CHECK_EQ(e->reboots, 1);
    CHECK(fx_staging_is(&e->f, &v2e, fx_d(&e->f)));
    CHECK(!fx_area_leaks(&e->f.board.cfg.staging, &v2i));
    check_installs(e, &v2i);
    CHECK(!fx_area_leaks(&e->f.board.cfg.staging, &v2i));
    CHECK_EQ(ferry_app_confirm(&e->f.board.app), 0);
    fx_free(&v2e);
    fx_free(&v2i);
    env_close(e);
}

static void test_already_staged(void)
{
    struct env *e = env_open();
    publish(e, &v2);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    CHECK_EQ(ferry_agent_download(&e->agent), 0);
    /* The reboot did not happen: asking again costs no download. */
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    CHECK_EQ(ferry_agent_download(&e->agent), 0);
    CHECK_EQ(e->net.image_requests, 1);
    CHECK_EQ(e->reboots, 2);
    check_installs(e, &v2);
    env_close(e);
}

/* ---- The decision ---------------------------------------------------------- */

static void test_no_update_and_downgrade(void)
{
    struct env *e = env_open();
    publish(e, &v1);
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_NO_UPDATE);
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_INVAL); /* nothing to download */
    env_close(e);

    e = env_open();
    CHECK_EQ(sim_board_write_image(&e->f.board, SIM_SLOT_PRIMARY, v2.bytes, v2.len), 0);
    CHECK_EQ(fx_boot(&e->f), 0);
    publish(e, &v1);
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_IMG_DOWNGRADE);
    CHECK_EQ(e->net.image_requests, 0);
    check_stays_on(e, &v2);
    env_close(e);
}

static void test_security_counter(void)
{
    /* v3 whose counter (0) is below the running v1's (1). */
    struct env *e = env_open();
    struct ferry_sign_params p = fx_params(&e->f, 3, 0, 0, 0);
    struct fx_image low = fx_make_with(&e->f.key, &p, 1000, 9);
    publish(e, &low);
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_IMG_ROLLBACK);
    fx_free(&low);
    env_close(e);

    /* Above the image's counter but below the stored minimum. */
    e = env_open();
    if (!e->cfg.counter) {
        env_close(e);
        printf("  (board %s has no counter store: stored-minimum case not run)\n", board_name);
        return;
    }
    CHECK_EQ(e->cfg.counter->ops->advance(e->cfg.counter->ctx, 5), 0);
    publish(e, &v2); /* counter 2 */
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_IMG_ROLLBACK);
    env_close(e);
}

static void test_wrong_device(void)
{
    uint8_t other[16];
    struct env *e = env_open();
    memcpy(other, e->f.class_id, 16);
    other[3] ^= 0x40;
    struct mf m = MF_DEFAULT;
    m.class_id = other;
    publish_with(e, &v2, &m, NULL);
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_IMG_CLASS);
    m = MF_DEFAULT;
    m.vendor = other;
    publish_with(e, &v2, &m, NULL);
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_IMG_VENDOR);
    /* A manifest that lies about the class of an image for another class:
     * the image's own signed header decides. */
    publish(e, &v2_other_class);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    int err = ferry_agent_download(&e->agent);
    CHECK(err == FERRY_E_MANIFEST || err == FERRY_E_IMG_CLASS);
    check_stays_on(e, &v1);
    env_close(e);
}

static void test_too_big(void)
{
    struct env *e = env_open();
    struct mf m = MF_DEFAULT;
    m.size = (long)e->f.board.app.primary.size + 1;
    publish_with(e, &v2, &m, NULL);
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_IMG_TOO_BIG);
    CHECK_EQ(e->net.image_requests, 0);
    env_close(e);
}

/* ---- The manifest ------------------------------------------------------------ */

static void test_manifest_signature(void)
{
    struct env *e = env_open();
    /* Signed by a key the device does not trust. */
    publish_with(e, &v2, &MF_DEFAULT, &other_key);
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_MANIFEST_SIG);
    /* Changed after signing. */
    publish(e, &v2);
    e->manifest[e->manifest_len - 3] ^= 1;
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_MANIFEST_SIG);
    /* A signature file of the wrong length. */
    publish(e, &v2);
    e->net.files[1].len = 95;
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_MANIFEST_SIG);
    publish(e, &v2);
    uint8_t longer[200] = {0};
    memcpy(longer, e->sig, 96);
    e->net.files[1].data = longer;
    e->net.files[1].len = sizeof longer;
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_MANIFEST_SIG);
    /* Missing. */
    publish(e, &v2);
    e->net.files[1].path[0] = '\0';
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_HTTP_STATUS);
    CHECK_EQ(e->agent.last_status, 404);
    CHECK_EQ(e->net.image_requests, 0);
    check_stays_on(e, &v1);
    env_close(e);
}

/* After key 0 is revoked on the device (docs/keys.md), a manifest or an
 * image signed by it is refused; key 1 goes on working. */
static void test_revoked_key(void)
{
    struct env *e = env_open();
    const struct ferry_counter *rv = e->f.board.cfg.revocation;
    if (!rv) {
        env_close(e);
        SKIP("this board has no revocation store");
    }
    e->cfg.keys = e->f.table; /* key 0 and key 1 */
    e->cfg.key_count = 2;
    CHECK_EQ(ferry_agent_init(&e->agent, &e->cfg), 0);
    CHECK_EQ(rv->ops->advance(rv->ctx, 1), 0); /* as the bootloader does after a rotation */
    publish(e, &v2); /* manifest and image by key 0 */
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_KEY_REVOKED);
    CHECK_EQ(e->net.image_requests, 0);
    publish_with(e, &v2, &MF_DEFAULT, &e->f.key1); /* manifest by key 1, image by key 0 */
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_KEY_REVOKED);
    CHECK_EQ(e->reboots, 0);
    struct ferry_sign_params p = fx_params(&e->f, 2, 1, 0, 2);
    struct fx_image v2k1 = fx_make_with(&e->f.key1, &p, 3000, 77);
    publish_with(e, &v2k1, &MF_DEFAULT, &e->f.key1);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    CHECK_EQ(ferry_agent_download(&e->agent), 0);
    CHECK_EQ(e->reboots, 1);
    fx_free(&v2k1);
    env_close(e);
}

static void test_malformed_manifest(void)
{
    static const char *const docs[] = {
        "{\"ferry_manifest\":1}",
        "not json",
        "{\"ferry_manifest\":2,\"vendor\":\"x\"}",
    };
    struct env *e = env_open();
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        struct mf m = MF_DEFAULT;
        m.raw = docs[i];
        publish_with(e, &v2, &m, NULL);
        CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_MANIFEST);
    }
    struct mf m = MF_DEFAULT;
    m.image = "../../elsewhere.img";
    publish_with(e, &v2, &m, NULL);
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_MANIFEST);
    /* Larger than 1024 bytes. */
    char big[1400];
    memset(big, ' ', sizeof big);
    memcpy(big, "{}", 2);
    big[sizeof big - 1] = '\0';
    m = MF_DEFAULT;
    m.raw = big;
    publish_with(e, &v2, &m, NULL);
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_MANIFEST);
    CHECK_EQ(e->net.image_requests, 0);
    check_stays_on(e, &v1);
    env_close(e);
}

/* ---- The server -------------------------------------------------------------- */

/* Where a download that received `received` bytes resumes: the last staging
 * sector boundary it passed (checkpoints sit on sector boundaries). */
static long resume_point(struct env *e, long received)
{
    uint32_t d = fx_d(&e->f);
    for (long x = received; x > 0; x--)
        if (ferry_area_is_sector_boundary(&e->f.board.cfg.staging, d + (uint32_t)x))
            return x;
    return 0;
}

/* A cut past the first checkpoint, halfway through the rest. */
static long cut_point(struct env *e)
{
    uint32_t g = first_image_sector(&e->f);
    return (long)g + ((long)v2.len - (long)g) / 2;
}

static void test_server_down(void)
{
    struct env *e = env_open();
    publish(e, &v2);
    e->net.down = 1;
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_IO);
    /* Up for the check, down for the download. */
    e->net.down = 0;
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    e->net.down = 1;
    e->cfg.retries = 2;
    uint64_t ops = sim_board_ops(&e->f.board);
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_IO);
    CHECK_EQ(sim_board_ops(&e->f.board), ops); /* three attempts, no flash wear */
    check_stays_on(e, &v1);
    /* Back up: the download completes. */
    e->net.down = 0;
    CHECK_EQ(ferry_agent_download(&e->agent), 0);
    env_close(e);
}

static void test_http_errors(void)
{
    struct env *e = env_open();
    /* 404 and 500 for the manifest. */
    publish(e, &v2);
    e->net.all_paths = 1;
    e->net.status = 404;
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_HTTP_STATUS);
    CHECK_EQ(e->agent.last_status, 404);
    e->net.status = 500;
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_HTTP_STATUS);
    CHECK_EQ(e->agent.last_status, 500);
    /* ... and for the image, not retried. */
    e->net.all_paths = 0;
    e->net.status = 0;
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    e->cfg.retries = 3;
    e->net.status = 404;
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_HTTP_STATUS);
    CHECK_EQ(e->agent.last_status, 404);
    e->net.status = 500;
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_HTTP_STATUS);
    CHECK_EQ(e->agent.last_status, 500);
    CHECK_EQ(e->net.image_requests, 2);
    check_stays_on(e, &v1);
    env_close(e);
}

/* A connection cut midway; the next attempt resumes with a Range request. */
static void test_truncated_then_resumed(void)
{
    struct env *e = env_open();
    publish(e, &v2);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    long cut = cut_point(e);
    e->net.cut_after = cut;
    e->net.cuts = 1;
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_HTTP_LENGTH);
    check_stays_on(e, &v1); /* part of an image is staged, and invisible */
    CHECK_EQ(ferry_agent_download(&e->agent), 0);
    CHECK_EQ(e->net.image_requests, 2);
    CHECK(e->net.ranges[1] > 0);
    CHECK_EQ(e->net.ranges[1], resume_point(e, cut));
    CHECK_EQ(e->agent.st.resumed_from, e->net.ranges[1]);
    check_installs(e, &v2);
    env_close(e);
}

/* The same within one call: the agent reconnects by itself. */
static void test_reconnect_within_retries(void)
{
    struct env *e = env_open();
    publish(e, &v2);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    e->cfg.retries = 3;
    long cut = cut_point(e);
    e->net.cut_after = cut;
    e->net.cuts = 1;
    CHECK_EQ(ferry_agent_download(&e->agent), 0);
    CHECK_EQ(e->net.image_requests, 2);
    CHECK_EQ(e->net.ranges[0], 0);
    CHECK_EQ(e->net.ranges[1], resume_point(e, cut));
    CHECK(e->net.ranges[1] > 0);
    CHECK_EQ(e->reboots, 1);
    check_installs(e, &v2);
    env_close(e);
}

/* The progress callback stops a download: no retry, nothing staged, and the
 * next download resumes from the checkpoint the cancel kept. */
static void test_cancel_from_progress(void)
{
    struct env *e = env_open();
    publish(e, &v2);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    e->cfg.retries = 3;
    e->cancel_at = (uint64_t)cut_point(e);
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_CANCELLED);
    CHECK_EQ(e->cancels, 1);
    CHECK_EQ(e->net.image_requests, 1);
    CHECK_EQ(e->reboots, 0);
    check_stays_on(e, &v1);
    e->cancel_at = 0;
    CHECK_EQ(ferry_agent_download(&e->agent), 0);
    CHECK_EQ(e->net.image_requests, 2);
    CHECK(e->net.ranges[1] > 0);
    CHECK_EQ(e->agent.st.resumed_from, e->net.ranges[1]);
    check_installs(e, &v2);
    env_close(e);
}

static void test_stalled_server(void)
{
    struct env *e = env_open();
    publish(e, &v2);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    e->cfg.retries = 2;
    e->net.stall_after = 6000;
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_TIMEOUT);
    CHECK_EQ(e->net.image_requests, 3);
    check_stays_on(e, &v1);
    env_close(e);
}

static void test_length_differs_from_manifest(void)
{
    struct env *e = env_open();
    publish(e, &v2);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    e->cfg.retries = 3;
    e->net.lie_length = (long)v2.len + 100;
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_HTTP_LENGTH);
    CHECK_EQ(e->net.image_requests, 1); /* not retried: the server means it */
    e->net.lie_length = (long)v2.len - 100;
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_HTTP_LENGTH);
    /* The manifest's size differs from the file's. */
    struct mf m = MF_DEFAULT;
    m.size = (long)v2.len - 1;
    e->net.lie_length = 0;
    publish_with(e, &v2, &m, NULL);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_HTTP_LENGTH);
    check_stays_on(e, &v1);
    env_close(e);
}

static void test_server_ignores_range(void)
{
    struct env *e = env_open();
    publish(e, &v2);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    e->net.cut_after = cut_point(e);
    e->net.cuts = 1;
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_HTTP_LENGTH);
    e->net.ignore_range = 1;
    e->cfg.retries = 1;
    CHECK_EQ(ferry_agent_download(&e->agent), 0);
    CHECK_EQ(e->net.image_requests, 3); /* from 0, range refused, from 0 again */
    CHECK(e->net.ranges[1] > 0);
    CHECK_EQ(e->agent.st.resumed_from, 0);
    check_installs(e, &v2);
    env_close(e);
}

/* A server that drips bytes, each one well within the per-call timeout:
 * the overall deadlines end the check and the download. */
static void test_deadlines(void)
{
    struct env *e = env_open();
    publish(e, &v2);
    e->cfg.clock = &e->net.clock;
    e->net.piece = 1;
    e->net.ms_per_recv = 1000;          /* one byte per second */
    e->net.all_paths = 1;
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_DEADLINE);
    CHECK(e->net.now_ms <= FERRY_AGENT_CHECK_DEADLINE_MS + 1000);
    CHECK(e->net.now_ms >= FERRY_AGENT_CHECK_DEADLINE_MS);
    e->cfg.check_deadline_ms = 5000;    /* configurable */
    e->net.now_ms = 0;
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_DEADLINE);
    CHECK(e->net.now_ms <= 6000);
    e->net.all_paths = 0;
    e->net.piece = 0;
    e->net.ms_per_recv = 0;
    e->cfg.check_deadline_ms = 0;
    CHECK_EQ(ferry_agent_check(&e->agent), 0);

    /* The download: 100 bytes a second, one deadline for every retry. */
    e->net.piece = 100;
    e->net.ms_per_recv = 1000;
    e->net.now_ms = 0;
    e->cfg.retries = 3;
    e->cfg.download_deadline_ms = 20000;
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_DEADLINE);
    CHECK(e->net.now_ms <= 21000);
    CHECK_EQ(e->net.image_requests, 1); /* a deadline is not retried */
    check_stays_on(e, &v1);
    /* A server that stalls again and again: the retries share the deadline. */
    e->net.piece = 0;
    e->net.ms_per_recv = 0;
    e->net.now_ms = 0;
    e->net.stall_after = 100;
    e->cfg.retries = 1000;
    e->cfg.download_deadline_ms = 5500; /* the per-call timeout is 1000 */
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_DEADLINE);
    CHECK(e->net.image_requests <= 1 + 7);
    CHECK(e->net.now_ms <= 6500);
    /* The default download deadline applies when none is given. */
    e->net.stall_after = -1;
    e->net.piece = 1;
    e->net.ms_per_recv = 1000;
    e->net.now_ms = 0;
    e->cfg.retries = 0;
    e->cfg.download_deadline_ms = 0;
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_DEADLINE);
    CHECK(e->net.now_ms >= FERRY_AGENT_DOWNLOAD_DEADLINE_MS);
    CHECK(e->net.now_ms <= FERRY_AGENT_DOWNLOAD_DEADLINE_MS + 1000);
    /* A good server: the download resumes and completes. */
    e->net.piece = 0;
    e->net.ms_per_recv = 0;
    CHECK_EQ(ferry_agent_download(&e->agent), 0);
    check_installs(e, &v2);
    env_close(e);
}

/* A server that answers the resume with a malformed 206, every time: after
 * FERRY_AGENT_MAX_BAD_RESUMES consecutive failures of the same checkpoint
 * the record is dropped and the download starts again from byte 0. The
 * count is kept in flash: a new agent (a power cycle) goes on counting. */
static void test_bad_resumes(void)
{
    for (int mode = 1; mode <= 3; mode++) {
        struct env *e = env_open();
        publish(e, &v2);
        CHECK_EQ(ferry_agent_check(&e->agent), 0);
        long cut = cut_point(e);
        e->net.cut_after = cut;
        e->net.cuts = 1;
        CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_HTTP_LENGTH);
        long ck = resume_point(e, cut);
        CHECK(ck > 0);
        e->net.bad_range = mode;
        unsigned calls = 0;
        int err;
        do {
            agent_reset(e); /* RAM lost between calls */
            CHECK_EQ(ferry_agent_check(&e->agent), 0);
            err = ferry_agent_download(&e->agent);
            calls++;
        } while (err != 0 && calls < 10);
        CHECK_EQ(err, 0);
        CHECK_EQ(calls, FERRY_AGENT_MAX_BAD_RESUMES + 1);
        CHECK_EQ(e->net.image_requests, 1 + FERRY_AGENT_MAX_BAD_RESUMES + 1);
        for (unsigned k = 1; k <= FERRY_AGENT_MAX_BAD_RESUMES; k++)
            CHECK_EQ(e->net.ranges[k], ck);
        CHECK_EQ(e->net.ranges[1 + FERRY_AGENT_MAX_BAD_RESUMES], 0);
        CHECK_EQ(e->agent.st.resumed_from, 0);
        check_installs(e, &v2);
        env_close(e);
    }
    /* With retries, within one call. */
    struct env *e = env_open();
    publish(e, &v2);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    e->net.cut_after = cut_point(e);
    e->net.cuts = 1;
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_HTTP_LENGTH);
    e->net.bad_range = 1;
    e->cfg.retries = FERRY_AGENT_MAX_BAD_RESUMES;
    CHECK_EQ(ferry_agent_download(&e->agent), 0);
    CHECK_EQ(e->net.image_requests, 1 + FERRY_AGENT_MAX_BAD_RESUMES + 1);
    check_installs(e, &v2);
    env_close(e);
    /* A resume that fails, then one that makes progress: the count starts
     * again at the new checkpoint. */
    e = env_open();
    publish(e, &v2);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    long first = (long)first_image_sector(&e->f) + 10;
    e->net.cut_after = first;
    e->net.cuts = 1;
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_HTTP_LENGTH);
    e->net.bad_range = 1;
    for (unsigned k = 0; k + 1 < FERRY_AGENT_MAX_BAD_RESUMES; k++)
        CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_HTTP_PROTO);
    long ck1 = resume_point(e, first), ck2 = resume_point(e, (long)v2.len - 1);
    if (ck2 <= ck1) {
        printf("  (board %s: one sector boundary in the image: progress case not run)\n", board_name);
        env_close(e);
        return;
    }
    e->net.bad_range = 0;
    e->net.cut_after = ck2 + 10 - ck1; /* progress past the next boundary, then a cut */
    e->net.cuts = 1;
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_HTTP_LENGTH);
    e->net.bad_range = 1;
    for (unsigned k = 0; k + 1 < FERRY_AGENT_MAX_BAD_RESUMES; k++)
        CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_HTTP_PROTO);
    unsigned n = e->net.image_requests;
    CHECK_EQ(e->net.ranges[n - 1], ck2); /* still resuming, further on */
    env_close(e);
}

static uint64_t fake_unix_now;
static int fake_unix_known;

static int fake_unix_time(void *ctx, uint64_t *now)
{
    (void)ctx;
    *now = fake_unix_now;
    return fake_unix_known ? 0 : FERRY_E_NOT_FOUND;
}

/* A replayed older manifest (validly signed) is refused once a newer
 * sequence was accepted, across power cycles and downloads; so is one
 * without a sequence. An expired manifest is refused when the port knows
 * the time. */
static void test_freshness(void)
{
    struct env *e = env_open();
    publish_seq(e, &v2, 5, 0);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    publish_seq(e, &v2, 4, 0);
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_MANIFEST_REPLAY);
    publish(e, &v2); /* no sequence */
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_MANIFEST_REPLAY);
    publish_seq(e, &v1, 5, 0); /* the same sequence again: fine (here: no update) */
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_NO_UPDATE);
    /* A power cycle: the memory is in flash. */
    sim_board_reboot((&e->f.board));
    agent_reset(e);
    publish_seq(e, &v2, 4, 0);
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_MANIFEST_REPLAY);
    CHECK_EQ(e->net.image_requests, 0);
    /* Rising sequences, more than the entries of the record sector hold,
     * also with a NO_UPDATE answer (the manifest is still accepted). */
    for (long q = 6; q < 20; q++) {
        publish_seq(e, q % 3 ? &v2 : &v1, q, 0);
        CHECK_EQ(ferry_agent_check(&e->agent), q % 3 ? 0 : FERRY_E_NO_UPDATE);
        publish_seq(e, &v2, q - 1, 0);
        CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_MANIFEST_REPLAY);
    }
    /* A download erases and rewrites the record sector: the memory stays. */
    publish_seq(e, &v2, 20, 0);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    e->net.cut_after = cut_point(e);
    e->net.cuts = 1;
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_HTTP_LENGTH);
    agent_reset(e);
    publish_seq(e, &v2, 19, 0);
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_MANIFEST_REPLAY);
    publish_seq(e, &v2, 20, 0);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    CHECK_EQ(ferry_agent_download(&e->agent), 0);
    CHECK(e->agent.st.resumed_from > 0); /* and the resume record stayed too */
    publish_seq(e, &v2, 19, 0);
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_MANIFEST_REPLAY);
    check_installs(e, &v2);
    env_close(e);

    /* A manifest for another class does not raise this class's memory. */
    e = env_open();
    uint8_t other[16];
    memcpy(other, e->f.class_id, 16);
    other[0] ^= 1;
    struct mf m = MF_DEFAULT;
    m.class_id = other;
    m.sequence = 100;
    publish_with(e, &v2, &m, NULL);
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_IMG_CLASS);
    publish_seq(e, &v2, 2, 0);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    env_close(e);

    /* Expiry: checked only when the port knows the time. */
    e = env_open();
    publish_seq(e, &v2, 1, 1700000000);
    CHECK_EQ(ferry_agent_check(&e->agent), 0); /* no clock hook */
    e->cfg.unix_time = fake_unix_time;
    fake_unix_known = 0;
    CHECK_EQ(ferry_agent_check(&e->agent), 0); /* the port does not know the time */
    fake_unix_known = 1;
    fake_unix_now = 1699999999;
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    fake_unix_now = 1700000000;
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_MANIFEST_EXPIRED);
    publish_seq(e, &v2, 2, 1800000000); /* republished with a later expiry */
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    publish_seq(e, &v2, 3, 1600000000); /* an expired one does not raise the memory */
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_MANIFEST_EXPIRED);
    publish_seq(e, &v2, 2, 1800000000);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    env_close(e);
}

/* A power cut at every flash operation of a check that raises the
 * sequence: afterwards the device remembers the old or the new value,
 * never less than the old. */
static void test_freshness_powercut(void)
{
    for (uint64_t n = 0; n < 6; n++) {
        for (int mode = 0; mode < 2; mode++) {
            struct env *e = env_open();
            /* Fill the sequence entries so that the next write erases. */
            for (long q = 1; q <= 4; q++) {
                publish_seq(e, &v2, q, 0);
                CHECK_EQ(ferry_agent_check(&e->agent), 0);
            }
            publish_seq(e, &v2, 5, 0);
            sim_board_arm_cut((&e->f.board), n, mode ? FERRY_SIM_CUT_TORN : FERRY_SIM_CUT_BETWEEN, n * 5 + 3);
            int err = ferry_agent_check(&e->agent);
            sim_board_reboot((&e->f.board));
            agent_reset(e);
            publish_seq(e, &v2, 3, 0);
            int replay = ferry_agent_check(&e->agent);
            if (err == 0) {
                publish_seq(e, &v2, 4, 0);
                CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_MANIFEST_REPLAY);
            }
            /* Erase-then-write when the entries are full: a cut between the
             * two forgets the memory (documented); otherwise it holds. */
            if (replay != FERRY_E_MANIFEST_REPLAY)
                CHECK_EQ(replay, 0);
            env_close(e);
        }
    }
}

static void test_bad_tls_reported(void)
{
    /* The TLS transport refusing the server's certificate ends the check
     * with FERRY_E_TLS and no retry (real TLS: agent.tls_bad_cert). */
    struct env *e = env_open();
    publish(e, &v2);
    e->net.connect_err = FERRY_E_TLS;
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_TLS);
    e->net.connect_err = 0;
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    e->net.connect_err = FERRY_E_TLS;
    e->cfg.retries = 3;
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_TLS);
    check_stays_on(e, &v1);
    env_close(e);
}

/* ---- The image ------------------------------------------------------------- */

static void test_image_not_the_manifests(void)
{
    struct env *e = env_open();
    /* The manifest names another digest. */
    uint8_t wrong[32];
    ferry_sha256("x", 1, wrong);
    struct mf m = MF_DEFAULT;
    m.sha = wrong;
    publish_with(e, &v2, &m, NULL);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_IMG_DIGEST);
    check_stays_on(e, &v1);
    /* The manifest says 2.1.0; the image is 2.0.0. */
    m = MF_DEFAULT;
    m.version = "2.1.0";
    publish_with(e, &v2, &m, NULL);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_MANIFEST);
    check_stays_on(e, &v1);
    env_close(e);
}

static void test_image_signature(void)
{
    /* A correct manifest for an image signed with an untrusted key. */
    struct env *e = env_open();
    publish(e, &v2_other_key);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_IMG_KEY);
    check_stays_on(e, &v1);
    /* A correct manifest for a tampered image (trailer digest kept). */
    struct fx_image bad = {malloc(v2.len), v2.len};
    memcpy(bad.bytes, v2.bytes, v2.len);
    bad.bytes[v2.len / 2] ^= 0x20;
    publish(e, &bad);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_IMG_DIGEST);
    check_stays_on(e, &v1);
    fx_free(&bad);
    env_close(e);
}

static void test_reverted_release_not_retried(void)
{
    struct env *e = env_open();
    publish(e, &v2);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    CHECK_EQ(ferry_agent_download(&e->agent), 0);
    check_installs(e, &v2);
    /* v2 never confirms: the next reset reverts it. */
    CHECK_EQ(fx_boot(&e->f), 0);
    CHECK_EQ(e->f.res.action, FERRY_BOOT_REVERTED);
    CHECK(fx_primary_is(&e->f, &v1));
    CHECK_EQ(ferry_agent_check(&e->agent), FERRY_E_IMG_REVERTED);
    CHECK_EQ(e->net.image_requests, 1);
    /* A fixed v3 is fetched as usual. */
    publish(e, &v3);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    CHECK_EQ(ferry_agent_download(&e->agent), 0);
    CHECK_EQ(fx_boot(&e->f), 0);
    CHECK_EQ(e->f.res.action, FERRY_BOOT_INSTALLED);
    CHECK(fx_primary_is(&e->f, &v3));
    env_close(e);
}

/* ---- Power ----------------------------------------------------------------- */

/* Power fails midway through a download; after the power comes back a new
 * agent (RAM lost) resumes where the checkpoint says. */
static void test_power_cycle_resume(void)
{
    /* A clean download first, to count its flash operations. */
    struct env *e = env_open();
    publish(e, &v2);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    uint64_t before = sim_board_ops((&e->f.board));
    CHECK_EQ(ferry_agent_download(&e->agent), 0);
    uint64_t total = sim_board_ops((&e->f.board)) - before;
    env_close(e);

    e = env_open();
    publish(e, &v2);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    sim_board_arm_cut((&e->f.board), total - 4, FERRY_SIM_CUT_TORN, 3); /* near the end */
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_POWER_LOSS);
    sim_board_reboot((&e->f.board));
    check_stays_on(e, &v1);
    agent_reset(e);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    CHECK_EQ(ferry_agent_download(&e->agent), 0);
    CHECK(e->agent.st.resumed_from > 0);
    CHECK_EQ(e->net.ranges[1], e->agent.st.resumed_from);
    check_installs(e, &v2);
    env_close(e);
}

/* A byte of the written prefix changes while the device is off: the resume
 * hashes the prefix again, sees it, and starts from zero. */
static void test_resume_rehashes_prefix(void)
{
    struct env *e = env_open();
    publish(e, &v2);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    long cut = cut_point(e);
    e->net.cut_after = cut;
    e->net.cuts = 1;
    CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_HTTP_LENGTH);
    uint32_t written = e->agent.st.ck_last;
    CHECK_EQ(written, resume_point(e, cut));
    CHECK(written > 1000);
    const struct ferry_area *s = &e->f.board.app.staging;
    uint8_t *raw = ferry_sim_flash_contents(
        e->f.board.dev[s->dev == &e->f.board.port[0].flash ? 0 : 1]);
    raw[s->off + fx_d(&e->f) + written / 2] ^= 0x01;
    agent_reset(e);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    CHECK_EQ(ferry_agent_download(&e->agent), 0);
    CHECK_EQ(e->agent.st.resumed_from, 0);
    CHECK_EQ(e->net.ranges[1], 0);
    check_installs(e, &v2);
    env_close(e);
}

/* A power cut at every program/erase of a download, both cut modes: the
 * device always boots v1 untouched (or, if the cut came after the mark,
 * installs a complete v2), and a new agent always finishes the update. */
static void sweep(enum ferry_sim_cut_mode mode)
{
    struct env *e = env_open();
    publish(e, &v2);
    CHECK_EQ(ferry_agent_check(&e->agent), 0);
    uint64_t before = sim_board_ops((&e->f.board));
    CHECK_EQ(ferry_agent_download(&e->agent), 0);
    uint64_t total = sim_board_ops((&e->f.board)) - before;
    env_close(e);
    unsigned resumed = 0;
    int failures = check_failures_in_test;
    for (uint64_t n = 0; n < total && check_failures_in_test == failures; n++) {
        e = env_open();
        publish(e, &v2);
        CHECK_EQ(ferry_agent_check(&e->agent), 0);
        sim_board_arm_cut((&e->f.board), n, mode, n * 7 + 1);
        CHECK_EQ(ferry_agent_download(&e->agent), FERRY_E_POWER_LOSS);
        sim_board_reboot((&e->f.board));
        CHECK_EQ(fx_boot(&e->f), 0);
        CHECK_EQ(e->f.res.action, FERRY_BOOT_NORMAL);
        CHECK(fx_primary_is(&e->f, &v1));
        agent_reset(e);
        CHECK_EQ(ferry_agent_check(&e->agent), 0);
        CHECK_EQ(ferry_agent_download(&e->agent), 0);
        resumed += e->agent.st.resumed_from > 0;
        check_installs(e, &v2);
        if (check_failures_in_test != failures)
            fprintf(stderr, "  cut at operation %llu of %llu (%s)\n", (unsigned long long)n,
                    (unsigned long long)total, mode == FERRY_SIM_CUT_TORN ? "torn" : "between");
        env_close(e);
    }
    printf("  %s: %llu cut points, %u resumed from a checkpoint\n",
           mode == FERRY_SIM_CUT_TORN ? "torn" : "between", (unsigned long long)total, resumed);
    CHECK(resumed > 0);
}

static void test_powercut_sweep_between(void)
{
    sweep(FERRY_SIM_CUT_BETWEEN);
}

static void test_powercut_sweep_torn(void)
{
    sweep(FERRY_SIM_CUT_TORN);
}

static void test_memory_figure(void)
{
    size_t agent = sizeof(struct ferry_agent), http = FERRY_HTTP_BUF_MIN;
    printf("  agent state %zu bytes (work buffer %u), HTTP buffer %zu: %zu bytes\n", agent,
           (unsigned)FERRY_AGENT_BUF_BYTES, http, agent + http);
    CHECK(agent + http <= 4096);
}

/* Size of the staging sector at D: how far apart checkpoints can be. */
static uint32_t first_image_sector(struct fx *f)
{
    uint32_t start, size;
    if (ferry_area_sector_at(&f->board.cfg.staging, fx_d(f), &start, &size) != 0)
        exit(2);
    return size;
}

static void make_images(void)
{
    struct fx f;
    if (fx_open(&f, board_name) != 0) {
        fprintf(stderr, "cannot open board %s\n", board_name);
        exit(2);
    }
    uint32_t g = first_image_sector(&f), room = f.board.cfg.primary.size - 8192;
    if (v2_bytes < g + 20000)
        v2_bytes = g + 20000 < room ? g + 20000 : room;
    v1 = fx_make(&f, 1, 0, 0, 1, 3000, 1);
    v2 = fx_make(&f, 2, 0, 0, 2, v2_bytes, 2);
    v3 = fx_make(&f, 3, 0, 0, 2, 5000, 3);
    static const uint8_t other_priv[32] = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
                                           7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};
    if (ferry_host_key_from_private(other_priv, &other_key) != 0)
        exit(2);
    struct ferry_sign_params p = fx_params(&f, 2, 0, 0, 2);
    v2_other_key = fx_make_with(&other_key, &p, v2_bytes, 2);
    p.class_id[0] ^= 1;
    v2_other_class = fx_make_with(&f.key, &p, 2000, 4);
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
        RUN(test_powercut_sweep_between);
        RUN(test_powercut_sweep_torn);
        return check_done();
    }
    RUN(test_update);
    RUN(test_update_encrypted);
    RUN(test_already_staged);
    RUN(test_no_update_and_downgrade);
    RUN(test_security_counter);
    RUN(test_wrong_device);
    RUN(test_too_big);
    RUN(test_manifest_signature);
    RUN(test_revoked_key);
    RUN(test_malformed_manifest);
    RUN(test_server_down);
    RUN(test_http_errors);
    RUN(test_truncated_then_resumed);
    RUN(test_reconnect_within_retries);
    RUN(test_cancel_from_progress);
    RUN(test_stalled_server);
    RUN(test_length_differs_from_manifest);
    RUN(test_server_ignores_range);
    RUN(test_deadlines);
    RUN(test_bad_resumes);
    RUN(test_freshness);
    RUN(test_freshness_powercut);
    RUN(test_bad_tls_reported);
    RUN(test_image_not_the_manifests);
    RUN(test_image_signature);
    RUN(test_reverted_release_not_retried);
    RUN(test_power_cycle_resume);
    RUN(test_resume_rehashes_prefix);
    RUN(test_memory_figure);
    return check_done();
}
