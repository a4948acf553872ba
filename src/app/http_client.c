/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ferry_http_get (ferry/http.h): one GET per connection, redirects followed
 * here, the response itself read by http_response.c.
 *
 * Buffer use: c->buf is split once. The head (buf_len minus
 * FERRY_HTTP_TEXT_RESERVE, at least 656 bytes) carries the request out and
 * then the response in, one recv at a time; the tail keeps the Location and
 * Content-Range values, which must outlive the recv that brought them.
 * Nothing else is kept between calls.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ferry/errors.h"
#include "ferry/http.h"
#include "http_priv.h"

/* Bounded text writer for the request. */
struct writer {
    char *p;
    size_t len, cap;
    int full;
};

static void put(struct writer *w, const char *s)
{
    for (; *s != '\0'; s++) {
        if (w->len >= w->cap) {
            w->full = 1;
            return;
        }
        w->p[w->len++] = *s;
    }
}

static void put_u64(struct writer *w, uint64_t v)
{
    char digits[21];
    size_t i = sizeof digits - 1;
    digits[i] = '\0';
    do {
        digits[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0);
    put(w, digits + i);
}

static int has_colon(const char *s)
{
    for (; *s != '\0'; s++)
        if (*s == ':')
            return 1;
    return 0;
}

/* Writes the request for `u` into buf; returns its length or FERRY_E_NOSPC. */
static int build_request(const struct ferry_url *u, uint64_t range_start, char *buf, size_t cap, size_t *len)
{
    struct writer w = { buf, 0, cap, 0 };
    int v6 = has_colon(u->host);

    put(&w, "GET ");
    put(&w, u->path);
    put(&w, " HTTP/1.1\r\nHost: ");
    put(&w, v6 ? "[" : "");
    put(&w, u->host);
    put(&w, v6 ? "]" : "");
    if (u->port != (u->tls ? 443 : 80)) {
        put(&w, ":");
        put_u64(&w, u->port);
    }
    put(&w, "\r\nUser-Agent: ferry\r\nAccept-Encoding: identity\r\nConnection: close\r\n");
    if (range_start != 0) {
        put(&w, "Range: bytes=");
        put_u64(&w, range_start);
        put(&w, "-\r\n");
    }
    put(&w, "\r\n");
    *len = w.len;
    return w.full ? FERRY_E_NOSPC : FERRY_OK;
}

/* The timeout for the next transport call: the client's, or what is left of
   the deadline if that is smaller (0: the deadline has passed). */
static unsigned call_timeout(const struct ferry_http_client *c, const struct ferry_deadline *dl)
{
    uint32_t left;
    if (dl == NULL)
        return c->timeout_ms;
    left = ferry_deadline_left(dl);
    return left < c->timeout_ms ? (unsigned)left : c->timeout_ms;
}

/* A transport timeout after the deadline passed is the deadline's doing. */
static int call_result(int rc, const struct ferry_deadline *dl)
{
    if (rc == FERRY_E_TIMEOUT && dl != NULL && ferry_deadline_left(dl) == 0)
        return FERRY_E_DEADLINE;
    return rc;
}

/* After a complete body: the server should now close. A byte instead means
   the body was longer than announced. A timeout or error is not: the body
   is whole, and a server that keeps the connection open costs only
   FERRY_HTTP_DRAIN_MS (nothing once the deadline has passed). */
static int drain(const struct ferry_transport *t, uint8_t *buf, size_t len, unsigned timeout_ms)
{
    unsigned wait = timeout_ms < FERRY_HTTP_DRAIN_MS ? timeout_ms : FERRY_HTTP_DRAIN_MS;
    int n;
    if (wait == 0)
        return HTTP_OUTCOME_BODY;
    n = t->ops->recv(t->ctx, buf, len, wait);
    return n > 0 ? FERRY_E_HTTP_LENGTH : HTTP_OUTCOME_BODY;
}

static int read_response(const struct ferry_http_client *c, const struct ferry_transport *t,
                         struct http_reader *r, uint8_t *buf, size_t len, const struct ferry_deadline *dl)
{
    uint64_t received = 0;
    for (;;) {
        unsigned timeout_ms = call_timeout(c, dl);
        int n, rc;
        if (timeout_ms == 0)
            return FERRY_E_DEADLINE;
        n = call_result(t->ops->recv(t->ctx, buf, len, timeout_ms), dl);
        if (n < 0)
            return n;
        if (n == 0)
            return http_reader_eof(r, received);
        if ((size_t)n > len)
            return FERRY_E_IO; /* a transport that broke its contract */
        received += (uint64_t)n;
        rc = http_reader_feed(r, buf, (size_t)n);
        if (rc == HTTP_OUTCOME_BODY)
            return drain(t, buf, len, call_timeout(c, dl));
        if (rc != FERRY_OK)
            return rc;
    }
}

/* One request on one connection. Returns an enum http_outcome or an error. */
static int exchange(const struct ferry_http_client *c, const struct ferry_url *url, uint64_t range_start,
                    struct ferry_http_response *resp, ferry_http_body_fn body, void *body_ctx,
                    const struct ferry_deadline *dl)
{
    unsigned timeout_ms;
    const struct ferry_transport *t = url->tls ? c->tls : c->plain;
    size_t io_len = c->buf_len - FERRY_HTTP_TEXT_RESERVE, req_len;
    struct http_reader r;
    int rc;

    if (t == NULL)
        return FERRY_E_UNSUPPORTED;
    if (http_url_check(url) != FERRY_OK)
        return FERRY_E_INVAL;
    rc = build_request(url, range_start, (char *)c->buf, io_len, &req_len);
    if (rc != FERRY_OK)
        return rc;
    http_reader_init(&r, range_start, resp, body, body_ctx, (char *)c->buf + io_len);
    if ((timeout_ms = call_timeout(c, dl)) == 0)
        return FERRY_E_DEADLINE;
    rc = call_result(t->ops->connect(t->ctx, url->host, url->port, timeout_ms), dl);
    if (rc == FERRY_OK)
        rc = (timeout_ms = call_timeout(c, dl)) == 0
                 ? FERRY_E_DEADLINE
                 : call_result(t->ops->send(t->ctx, c->buf, req_len, timeout_ms), dl);
    if (rc == FERRY_OK)
        rc = read_response(c, t, &r, c->buf, io_len, dl);
    t->ops->close(t->ctx);
    return rc;
}

int ferry_http_get(const struct ferry_http_client *c, const struct ferry_url *url, uint64_t range_start,
                   struct ferry_http_response *resp, ferry_http_body_fn body, void *body_ctx)
{
    return ferry_http_get_until(c, url, range_start, resp, body, body_ctx, NULL);
}

int ferry_http_get_until(const struct ferry_http_client *c, const struct ferry_url *url,
                         uint64_t range_start, struct ferry_http_response *resp, ferry_http_body_fn body,
                         void *body_ctx, const struct ferry_deadline *deadline)
{
    struct ferry_url cur;
    const char *location;
    unsigned hops;
    int rc;

    if (c == NULL || url == NULL || resp == NULL || c->buf == NULL || c->buf_len < FERRY_HTTP_BUF_MIN)
        return FERRY_E_INVAL;
    resp->status = 0;
    resp->content_length = UINT64_MAX;
    resp->range_start = 0;
    resp->total_length = UINT64_MAX;
    location = (const char *)c->buf + (c->buf_len - FERRY_HTTP_TEXT_RESERVE);
    cur = *url;
    for (hops = 0;; hops++) {
        rc = exchange(c, &cur, range_start, resp, body, body_ctx, deadline);
        if (rc == HTTP_OUTCOME_BODY)
            return FERRY_OK;
        if (rc == HTTP_OUTCOME_STATUS)
            return FERRY_E_HTTP_STATUS;
        if (rc != HTTP_OUTCOME_REDIRECT)
            return rc < 0 ? rc : FERRY_E_HTTP_PROTO;
        if (hops >= c->max_redirects)
            return FERRY_E_HTTP_REDIRECTS;
        {
            int was_tls = cur.tls;
            if (ferry_url_resolve(&cur, location, &cur) != FERRY_OK)
                return FERRY_E_HTTP_REDIRECTS;
            if (was_tls && !cur.tls)
                return FERRY_E_HTTP_REDIRECTS; /* never downgrade to plain http */
        }
    }
}

