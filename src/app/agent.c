/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The update agent: configuration and the release check
 * (include/ferry/agent.h; the whole story in docs/agent.md).
 *
 * The manifest is fetched into the agent's buffer, its signature is checked
 * over the exact bytes, and only then is it parsed. The decision compares it
 * with this device (vendor, class), with the image running in the primary
 * slot (version, security counter), with the anti-rollback store, and with
 * the bootloader's memory of a failed trial.
 */
#include <string.h>
#include "agent_priv.h"
#include "ferry/boot.h"
#include "ferry/errors.h"

#define MANIFEST_NAME "/manifest.json"
#define SIG_SUFFIX    ".sig"
#define URL_TEXT_MAX  (sizeof(((struct ferry_url *)0)->host) + sizeof(((struct ferry_url *)0)->path) + 32u)

/* Length of a NUL-terminated string, at most `max` (the core links only the
 * memory primitives, not strlen). */
static size_t text_len(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0')
        n++;
    return n;
}

int ferry_agent_init(struct ferry_agent *a, const struct ferry_agent_config *cfg)
{
    if (!a || !cfg || !cfg->base_url || !cfg->vendor_id || !cfg->class_id || !cfg->app ||
        !cfg->http || (!cfg->keys && cfg->key_count))
        return FERRY_E_INVAL;
    memset(a, 0, sizeof *a);
    a->cfg = cfg;
    a->stage_cfg = (struct ferry_stage_config){cfg->app, cfg->keys, cfg->key_count, cfg->vendor_id,
                                               cfg->class_id, cfg->counter, cfg->revocation,
                                               a->buf, sizeof a->buf};
    /* Bound without the geometry check: a device without room for the
     * record still checks; its download fails with that error. */
    a->st.cfg = &a->stage_cfg;
    return 0;
}

/* Collects a small body into a fixed buffer; more than `cap` bytes is
 * `too_big`. */
struct collect {
    uint8_t *buf;
    size_t cap, len;
    int too_big;
};

static int on_collect(void *ctx, const uint8_t *data, size_t len)
{
    struct collect *c = ctx;
    if (len > c->cap - c->len)
        return c->too_big;
    memcpy(c->buf + c->len, data, len);
    c->len += len;
    return 0;
}

const struct ferry_deadline *agent_deadline(const struct ferry_agent *a, struct ferry_deadline *dl,
                                            uint32_t limit_ms, uint32_t default_ms)
{
    if (a->cfg->clock == NULL)
        return NULL;
    ferry_deadline_start(dl, a->cfg->clock, limit_ms ? limit_ms : default_ms);
    return dl;
}

static int fetch(struct ferry_agent *a, const struct ferry_url *url, struct collect *c,
                 const struct ferry_deadline *dl)
{
    struct ferry_http_response resp;
    memset(&resp, 0, sizeof resp);
    c->len = 0;
    int err = ferry_http_get_until(a->cfg->http, url, 0, &resp, on_collect, c, dl);
    a->last_status = resp.status;
    return err;
}

/* {base}/{class-uuid}/manifest.json. Errors: FERRY_E_NOSPC (too long), and
 * those of ferry_url_parse. */
static int manifest_url(const struct ferry_agent *a, struct ferry_url *url)
{
    static const char hex[] = "0123456789abcdef";
    char text[URL_TEXT_MAX];
    size_t n = text_len(a->cfg->base_url, sizeof text);
    while (n > 0 && a->cfg->base_url[n - 1] == '/')
        n--;
    if (n + 1 + 36 + sizeof MANIFEST_NAME > sizeof text)
        return FERRY_E_NOSPC;
    memcpy(text, a->cfg->base_url, n);
    text[n++] = '/';
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            text[n++] = '-';
        text[n++] = hex[a->cfg->class_id[i] >> 4];
        text[n++] = hex[a->cfg->class_id[i] & 15];
    }
    memcpy(text + n, MANIFEST_NAME, sizeof MANIFEST_NAME);
    return ferry_url_parse(text, url);
}

/* Freshness of a manifest for this device (docs/agent.md, "Freshness"):
 * not past its "expires" time, when the port knows the time; its sequence
 * not below the highest accepted here, and remembered when higher. The
 * memory lives in the record sector, which is the previous image during a
 * trial (or an unfinished install): then it is neither read nor written. */
static int fresh(struct ferry_agent *a)
{
    const struct ferry_agent_config *cfg = a->cfg;
    const struct ferry_manifest *m = &a->release;
    struct ferry_stage *st = &a->st;
    enum ferry_app_state state;
    uint64_t now;
    st->seq_known = 0;
    if (m->has_expires && cfg->unix_time && cfg->unix_time(cfg->ctx, &now) == 0 &&
        now >= m->expires)
        return FERRY_E_MANIFEST_EXPIRED;
    int err = ferry_app_get_state(cfg->app, &state);
    if (err == FERRY_E_STATE || (!err && state == FERRY_APP_TRIAL))
        return 0;
    if (err)
        return err;
    err = stage_rec_layout(st);
    if (err)
        return err == FERRY_E_UNSUPPORTED ? 0 : err; /* no record: no download either */
    err = stage_seq_read(st);
    if (err)
        return err;
    if (st->seq_known && (!m->has_sequence || m->sequence < st->seq_highest))
        return FERRY_E_MANIFEST_REPLAY;
    if (m->has_sequence && (!st->seq_known || m->sequence > st->seq_highest))
        return stage_seq_write(st, m->sequence);
    return 0;
}

/* Version, counters and size of the release against this device. */
static int judge(struct ferry_agent *a)
{
    const struct ferry_agent_config *cfg = a->cfg;
    const struct ferry_manifest *m = &a->release;
    if (memcmp(m->vendor_id, cfg->vendor_id, 16) != 0)
        return FERRY_E_IMG_VENDOR;
    if (memcmp(m->class_id, cfg->class_id, 16) != 0)
        return FERRY_E_IMG_CLASS;
    int err = fresh(a);
    if (err)
        return err;
    if (m->size > cfg->app->primary.size)
        return FERRY_E_IMG_TOO_BIG;
    if (m->size < FERRY_IMG_FIXED_HDR_SIZE + FERRY_IMG_TRAILER_SIZE)
        return FERRY_E_MANIFEST;
    int cmp = ferry_version_cmp(&m->version, &a->running);
    if (cmp < 0)
        return FERRY_E_IMG_DOWNGRADE;
    if (cmp == 0)
        return FERRY_E_NO_UPDATE;
    if (m->security_counter < a->running_counter)
        return FERRY_E_IMG_ROLLBACK;
    return stage_counter_allows(cfg->counter, m->security_counter);
}

/* A release that the bootloader already reverted here is not fetched again:
 * the staged image left at D after the revert is compared with it. */
static int failed_here_before(struct ferry_agent *a)
{
    struct ferry_stage *st = &a->st;
    struct ferry_image_info staged;
    int err = stage_rec_layout(st);
    if (err)
        return err == FERRY_E_UNSUPPORTED ? 0 : err;
    if (a->release.size > st->slot.size - st->d)
        return FERRY_E_IMG_TOO_BIG;
    st->size = a->release.size;
    st->have_sha = 1;
    memcpy(st->sha256, a->release.sha256, 32);
    int same = stage_staged_is_file(st, &staged);
    if (same <= 0)
        return same;
    int rejected = stage_rejected(a->cfg->app, staged.digest);
    return rejected < 0 ? rejected : rejected ? FERRY_E_IMG_REVERTED : 0;
}

/* Version and counter of the image in the primary slot (the bootloader
 * verified it before starting us). */
static int read_running(struct ferry_agent *a)
{
    struct ferry_image_info running;
    int err = ferry_image_parse(&a->cfg->app->primary, FERRY_PARSE_PRIMARY, &running);
    if (err == FERRY_E_IO || err == FERRY_E_POWER_LOSS)
        return err;
    if (err)
        return FERRY_E_NO_IMAGE;
    a->running = running.version;
    a->running_counter = running.security_counter;
    return 0;
}

int ferry_agent_check(struct ferry_agent *a)
{
    struct ferry_url url;
    if (!a || !a->cfg)
        return FERRY_E_INVAL;
    const struct ferry_agent_config *cfg = a->cfg;
    a->have_release = 0;
    a->last_status = 0;

    int err = read_running(a);
    if (err)
        return err;

    err = manifest_url(a, &url);
    if (err)
        return err;
    /* One deadline for both files, their connections and redirects. */
    struct ferry_deadline dl_store;
    const struct ferry_deadline *dl =
        agent_deadline(a, &dl_store, cfg->check_deadline_ms, FERRY_AGENT_CHECK_DEADLINE_MS);
    struct collect doc = {a->buf, FERRY_MANIFEST_MAX_BYTES, 0, FERRY_E_MANIFEST};
    err = fetch(a, &url, &doc, dl);
    if (err)
        return err;
    /* manifest.json.sig sits next to it: the image path resolves the same
     * against either URL. */
    size_t path_len = text_len(url.path, sizeof url.path);
    if (path_len + sizeof SIG_SUFFIX > sizeof url.path)
        return FERRY_E_NOSPC;
    memcpy(url.path + path_len, SIG_SUFFIX, sizeof SIG_SUFFIX);
    struct collect sig = {a->buf + FERRY_MANIFEST_MAX_BYTES, FERRY_MANIFEST_SIG_BYTES, 0,
                          FERRY_E_MANIFEST_SIG};
    err = fetch(a, &url, &sig, dl);
    if (err)
        return err;

    uint32_t min_key;
    err = stage_min_key_index(cfg->revocation, &cfg->app->primary, &min_key);
    if (!err)
        err = ferry_manifest_verify(doc.buf, doc.len, sig.buf, sig.len, cfg->keys, cfg->key_count,
                                    min_key, a->manifest_digest);
    if (!err)
        err = ferry_manifest_parse((const char *)doc.buf, doc.len, &a->release);
    if (!err)
        err = judge(a);
    if (!err && ferry_url_resolve(&url, a->release.image, &a->image_url) != 0)
        err = FERRY_E_MANIFEST;
    if (!err)
        err = failed_here_before(a);
    if (err)
        return err;
    a->have_release = 1;
    return 0;
}
