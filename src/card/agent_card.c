/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The update agent's download to a memory card (contract:
 * include/ferry/agent_card.h). The network side follows agent_download.c:
 * the announced length must be the manifest's, a broken transfer resumes
 * with a Range request, a server that ignores Range makes the next attempt
 * start from zero.
 */
#include <string.h>
#include "card_priv.h"
#include "ferry/agent_card.h"
#include "ferry/card_update.h"
#include "ferry/errors.h"
#include "stage_priv.h"

struct card_dl {
    struct ferry_agent *a;
    struct ferry_fat_file *f;
    const struct ferry_http_response *resp;
    ferry_sha256_ctx sha;
    uint32_t pos, size, from;
    int checked, length_refused, card_failed, cancelled;
};

static int length_ok(const struct card_dl *d)
{
    const struct ferry_http_response *r = d->resp;
    if (d->from == 0)
        return r->status == 200 && (r->content_length == UINT64_MAX || r->content_length == d->size);
    return r->status == 206 && r->range_start == d->from && r->total_length == d->size &&
           (r->content_length == UINT64_MAX || r->content_length == d->size - d->from);
}

static int on_body(void *ctx, const uint8_t *data, size_t len)
{
    struct card_dl *d = ctx;
    if (!d->checked) {
        d->checked = 1;
        if (!length_ok(d)) {
            d->length_refused = 1;
            return FERRY_E_HTTP_LENGTH;
        }
    }
    if (len > d->size - d->pos) {
        d->length_refused = 1;
        return FERRY_E_HTTP_LENGTH;
    }
    int n = ferry_fat_write(d->f, d->pos, data, (uint32_t)len);
    if (n < 0) {
        d->card_failed = 1;
        return n;
    }
    ferry_sha256_update(&d->sha, data, len);
    d->pos += (uint32_t)len;
    const struct ferry_agent_config *cfg = d->a->cfg;
    if (cfg->progress && cfg->progress(cfg->ctx, d->pos, d->size) != 0) {
        d->cancelled = 1;
        return FERRY_E_CANCELLED;
    }
    return 0;
}

/* One request for bytes [pos, size). */
static int transfer(struct card_dl *d, int *restart, int *retry_ok)
{
    struct ferry_http_response resp;
    memset(&resp, 0, sizeof resp);
    d->resp = &resp;
    d->from = d->pos;
    d->checked = d->length_refused = d->card_failed = d->cancelled = 0;
    int err = ferry_http_get(d->a->cfg->http, &d->a->image_url, d->from, &resp, on_body, d);
    d->a->last_status = resp.status;
    if (!err && !d->checked && !length_ok(d))
        d->length_refused = 1, err = FERRY_E_HTTP_LENGTH;
    if (!err && d->pos != d->size)
        err = FERRY_E_HTTP_LENGTH;
    *restart = err == FERRY_E_HTTP_PROTO && d->from > 0 && resp.status == 200;
    *retry_ok = !d->card_failed && !d->length_refused && !d->cancelled &&
                (err == FERRY_E_IO || err == FERRY_E_TIMEOUT || err == FERRY_E_HTTP_LENGTH ||
                 *restart);
    return err;
}

/* The whole file from the card: its digest is the manifest's, and the image
 * in it verifies and says what the manifest says. */
static int check_file(struct ferry_agent *a, struct card_dl *d)
{
    const struct ferry_agent_config *cfg = a->cfg;
    const struct ferry_manifest *m = &a->release;
    struct card_file_view v;
    struct ferry_image_info info;
    uint8_t digest[32];
    ferry_sha256_final(&d->sha, digest);
    if (ferry_ct_memcmp(digest, m->sha256, 32) != 0)
        return FERRY_E_IMG_DIGEST;
    card_file_view_init(&v, d->f);
    struct ferry_verify_policy policy = {cfg->keys, cfg->key_count, cfg->vendor_id, cfg->class_id,
                                         0};
    int err = stage_min_key_index(cfg->revocation, &cfg->app->primary, &policy.min_key_index);
    if (!err)
        err = ferry_image_parse(&v.area, FERRY_PARSE_FILE, &info);
    if (!err && (ferry_version_cmp(&info.version, &m->version) != 0 ||
                 info.security_counter != m->security_counter ||
                 memcmp(info.vendor_id, m->vendor_id, 16) != 0 ||
                 memcmp(info.class_id, m->class_id, 16) != 0))
        err = FERRY_E_MANIFEST;
    if (!err)
        err = ferry_image_verify(&v.area, &info, &policy, a->buf, sizeof a->buf);
    return err;
}

int ferry_agent_download_to_card(struct ferry_agent *a, struct ferry_fat *fs, const char *path)
{
    struct ferry_fat_file f;
    struct card_dl d;
    if (!a || !a->cfg || !fs || !a->have_release)
        return FERRY_E_INVAL;
    if (!path)
        path = FERRY_CARD_UPDATE_PATH;
    memset(&d, 0, sizeof d);
    d.a = a;
    d.f = &f;
    d.size = a->release.size;
    int err = ferry_fat_create(fs, FERRY_AGENT_CARD_TMP, &f);
    if (err)
        return err;
    ferry_sha256_init(&d.sha);
    for (unsigned attempt = 0;; attempt++) {
        int restart = 0, retry_ok = 0;
        err = transfer(&d, &restart, &retry_ok);
        if (!err)
            break;
        if (restart) {
            d.pos = 0;
            ferry_sha256_init(&d.sha);
            int t = ferry_fat_truncate(&f, 0);
            if (t)
                return t;
        }
        if (!retry_ok || attempt >= a->cfg->retries)
            return err;
    }
    err = ferry_fat_sync(fs);
    if (!err) {
        err = check_file(a, &d);
        if (err && err != FERRY_E_IO && err != FERRY_E_TIMEOUT) {
            (void)ferry_fat_remove(fs, FERRY_AGENT_CARD_TMP);
            return err;
        }
    }
    if (!err)
        err = ferry_fat_rename(fs, FERRY_AGENT_CARD_TMP, path);
    if (!err)
        err = ferry_fat_sync(fs);
    if (err)
        return err;
    if (a->cfg->progress)
        (void)a->cfg->progress(a->cfg->ctx, d.size, d.size);
    if (a->cfg->reboot)
        a->cfg->reboot(a->cfg->ctx);
    return 0;
}
