/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The update agent's download loop (include/ferry/agent.h, docs/agent.md).
 *
 * Every attempt starts the same way: resume from the record if its
 * checkpoint still matches the flash contents, else start from zero. Then it
 * asks for the rest of the file (Range: bytes=N- when N > 0), checks the
 * announced length against the manifest before writing a byte, and streams
 * the body into the staging slot. A transfer that breaks midway (connection
 * refused or reset, timeout, body cut short, a server that ignored Range) is
 * tried again up to `retries` times; anything else ends the download. The
 * progress callback may cancel: the checkpoint stays and nothing is retried.
 *
 * The flash side is the staging API (ferry/stage.h): each attempt is a
 * ferry_stage_begin() named by the manifest's digest, so it resumes the
 * previous attempt's checkpoint when the flash still holds its bytes.
 */
#include <string.h>
#include "agent_priv.h"
#include "ferry/errors.h"

struct body {
    struct ferry_agent *a;
    const struct ferry_http_response *resp;
    uint32_t from;     /* requested range start */
    int checked;       /* the announced length was compared with the manifest */
    int flash_failed;  /* the error came from writing flash, not from the network */
    int cancelled;     /* the progress callback asked to stop */
    int length_refused; /* the server's length contradicts the manifest */
};

/* What the server announced must be exactly the manifest's file: 200 with
 * the whole size, or 206 with the requested start and the whole size. A
 * chunked body announces nothing; its length is checked at its end. */
static int length_ok(const struct body *b)
{
    const struct ferry_http_response *r = b->resp;
    uint64_t size = b->a->st.size;
    if (b->from == 0)
        return r->status == 200 && (r->content_length == UINT64_MAX || r->content_length == size);
    return r->status == 206 && r->range_start == b->from && r->total_length == size &&
           (r->content_length == UINT64_MAX || r->content_length == size - b->from);
}

static int on_body(void *ctx, const uint8_t *data, size_t len)
{
    struct body *b = ctx;
    struct ferry_agent *a = b->a;
    struct ferry_stage *st = &a->st;
    if (!b->checked) {
        b->checked = 1;
        if (!length_ok(b)) {
            b->length_refused = 1;
            return FERRY_E_HTTP_LENGTH;
        }
    }
    if (len > st->size - st->pos) {
        b->length_refused = 1;
        return FERRY_E_HTTP_LENGTH;
    }
    int err = ferry_stage_write(st, data, len);
    if (err) {
        b->flash_failed = 1;
        return err;
    }
    if (a->cfg->progress && a->cfg->progress(a->cfg->ctx, st->pos, st->size) != 0) {
        b->cancelled = 1;
        return FERRY_E_CANCELLED;
    }
    return 0;
}

/* One request for image bytes [pos, size). *restart is set when the server
 * ignored the Range header (the next attempt must start from zero);
 * *bad_resume when it answered the Range with a 206 that does not fit it
 * (another start, total or length: the checkpoint may be what is wrong). */
static int transfer(struct ferry_agent *a, const struct ferry_deadline *dl, int *restart,
                    int *bad_resume, int *retry_ok)
{
    struct ferry_stage *st = &a->st;
    struct ferry_http_response resp;
    struct body b = {a, &resp, st->pos, 0, 0, 0, 0};
    memset(&resp, 0, sizeof resp);
    int err = ferry_http_get_until(a->cfg->http, &a->image_url, st->pos, &resp, on_body, &b, dl);
    a->last_status = resp.status;
    if (b.cancelled) {
        *restart = *bad_resume = *retry_ok = 0;
        return FERRY_E_CANCELLED;
    }
    if (!err && !b.checked && !length_ok(&b))
        b.length_refused = 1, err = FERRY_E_HTTP_LENGTH;
    if (!err && st->pos != st->size)
        err = FERRY_E_HTTP_LENGTH; /* a chunked body that ended early */
    *restart = err == FERRY_E_HTTP_PROTO && b.from > 0 && resp.status == 200;
    *bad_resume = b.from > 0 && resp.status == 206 && !b.flash_failed && st->pos == b.from &&
                  (err == FERRY_E_HTTP_PROTO || b.length_refused);
    *retry_ok = *bad_resume ||
                (!b.flash_failed && !b.length_refused &&
                 (err == FERRY_E_IO || err == FERRY_E_TIMEOUT || err == FERRY_E_HTTP_LENGTH || *restart));
    return err;
}

int ferry_agent_download(struct ferry_agent *a)
{
    if (!a || !a->cfg || !a->have_release)
        return FERRY_E_INVAL;
    const struct ferry_agent_config *cfg = a->cfg;
    struct ferry_stage *st = &a->st;
    /* One deadline for every attempt of this call; when it passes, the
     * checkpoint stays for the next call (FERRY_E_DEADLINE is not retried). */
    struct ferry_deadline dl_store;
    const struct ferry_deadline *dl = agent_deadline(a, &dl_store, cfg->download_deadline_ms,
                                                     FERRY_AGENT_DOWNLOAD_DEADLINE_MS);
    for (unsigned attempt = 0;; attempt++) {
        int restart = 0, bad_resume = 0, retry_ok = 0;
        /* Checks the trial state and the slot every time, and resumes from
         * the checkpoint when the flash still holds its bytes. */
        st->expect = &a->release;
        int err = ferry_stage_begin(st, a->release.size, a->release.sha256, a->manifest_digest, 0);
        if (err)
            return err;
        if (st->pos < st->size)
            err = transfer(a, dl, &restart, &bad_resume, &retry_ok);
        if (!err) {
            err = ferry_stage_finish(st, NULL);
            if (err)
                return err;
            break;
        }
        if (restart)
            (void)ferry_stage_abort(st);
        else if (bad_resume)
            ferry_stage_resume_failed(st);
        else
            ferry_stage_suspend(st);
        if (!retry_ok || attempt >= cfg->retries)
            return err;
    }
    if (cfg->progress)
        (void)cfg->progress(cfg->ctx, st->size, st->size);
    if (cfg->reboot)
        cfg->reboot(cfg->ctx);
    return 0;
}
