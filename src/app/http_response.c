/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reads one HTTP response with http-parser and decides it (http_priv.h).
 *
 * The parser does the byte-level work (status line, header syntax, chunk
 * framing, Content-Length counting). This file keeps the few header values
 * the client needs, applies the rules of ferry_http_get (which statuses
 * succeed, framing required, range checks) and bounds every run of bytes
 * that is not body, so a server cannot keep the client reading headers or
 * chunk framing forever.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <http_parser.h>

#include "ferry/errors.h"
#include "ferry/http.h"
#include "http_priv.h"

/* Kept headers: where a value goes, and its bit in seen/overflow. */
enum { KEEP_NONE, KEEP_LOCATION, KEEP_RANGE, KEEP_CONTENT_CODING, KEEP_TRANSFER_CODING };

#define CODING_CONTENT 0
#define CODING_TRANSFER 1

static struct http_reader *reader_of(http_parser *p)
{
    return (struct http_reader *)p->data;
}

/* Fails the response from inside a parser callback: the nonzero return
   makes http_parser_execute stop with HPE_CB_*, and feed returns r->err. */
static int fail(struct http_reader *r, int err)
{
    if (r->err == FERRY_OK)
        r->err = err;
    return -1;
}

static void stop(struct http_reader *r, int outcome)
{
    r->outcome = outcome;
    r->stopped = 1;
    http_parser_pause(&r->parser, 1);
}

static int name_is(const struct http_reader *r, const char *lower_name)
{
    size_t n = 0;
    while (lower_name[n] != '\0')
        n++;
    return r->name_len == n && memcmp(r->name, lower_name, n) == 0;
}

static int value_is(const char *v, size_t len, const char *lower_word)
{
    size_t i;
    for (i = 0; i < len && lower_word[i] != '\0'; i++) {
        char ch = v[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if (ch != lower_word[i])
            return 0;
    }
    return i == len && lower_word[i] == '\0';
}

/* Moves the position marker over header bytes, so on_headers_complete
   knows (to within the final CRLFs) where the header section ended. */
static void count_header_bytes(struct http_reader *r, const char *at, size_t len)
{
    if (!r->headers_done) {
        r->idle += (uint64_t)(at + len - r->cursor);
        r->cursor = at + len;
    }
}

static int on_status(http_parser *p, const char *at, size_t len)
{
    count_header_bytes(reader_of(p), at, len);
    return 0;
}

/* 1 for a byte of an RFC 9110 token (tchar): letters, digits and
   !#$%&'*+-.^_`|~. A header name is one token; nothing else may be in it. */
static int is_tchar(char ch)
{
    static const char extra[] = "!#$%&'*+-.^_`|~";
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
        return 1;
    for (size_t i = 0; extra[i] != '\0'; i++)
        if (ch == extra[i])
            return 1;
    return 0;
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
    struct http_reader *r = reader_of(p);
    size_t i;

    count_header_bytes(r, at, len);
    /* The parser, built lenient, lets spaces, tabs and other separators into
       a name ("Transfer-Encoding : chunked"). Such a name matches none we
       check, while a proxy or another client may read it as the header it
       resembles: refused, in headers and trailers alike. */
    for (i = 0; i < len; i++)
        if (!is_tchar(at[i]))
            return fail(r, FERRY_E_HTTP_PROTO);
    if (r->headers_done)
        return 0; /* a trailer after a chunked body: not used */
    if (r->in_value) {
        r->in_value = 0;
        r->name_len = 0;
    }
    for (i = 0; i < len; i++) {
        char ch = at[i];
        if (r->name_len >= sizeof r->name) {
            r->name_len = UINT8_MAX; /* too long for any name we keep */
            break;
        }
        r->name[r->name_len++] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
    }
    return 0;
}

/* Called at the first piece of a header's value: picks where it goes. */
static int start_value(struct http_reader *r)
{
    uint8_t bit;
    r->in_value = 1;
    if (name_is(r, "location"))
        r->target = KEEP_LOCATION;
    else if (name_is(r, "content-range"))
        r->target = KEEP_RANGE;
    else if (name_is(r, "content-encoding"))
        r->target = KEEP_CONTENT_CODING;
    else if (name_is(r, "transfer-encoding"))
        r->target = KEEP_TRANSFER_CODING;
    else
        r->target = KEEP_NONE;
    if (r->target == KEEP_NONE)
        return 0;
    bit = (uint8_t)(1u << r->target);
    if (r->seen & bit)
        return fail(r, FERRY_E_HTTP_PROTO); /* two values: which one is true? */
    r->seen |= bit;
    return 0;
}

static void append(char *dst, size_t cap, size_t *len, const char *at, size_t n, uint8_t *overflow,
                   uint8_t bit)
{
    if (*len + n >= cap) {
        *overflow |= bit;
        return;
    }
    memcpy(dst + *len, at, n);
    *len += n;
    dst[*len] = '\0';
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
    struct http_reader *r = reader_of(p);
    size_t cur;

    count_header_bytes(r, at, len);
    if (r->headers_done)
        return 0;
    if (!r->in_value && start_value(r) != 0)
        return -1;
    switch (r->target) {
    case KEEP_LOCATION:
        for (cur = 0; r->location[cur] != '\0'; cur++)
            ;
        append(r->location, FERRY_HTTP_LOCATION_MAX, &cur, at, len, &r->overflow, 1u << KEEP_LOCATION);
        break;
    case KEEP_RANGE:
        for (cur = 0; r->content_range[cur] != '\0'; cur++)
            ;
        append(r->content_range, FERRY_HTTP_RANGE_TEXT_MAX, &cur, at, len, &r->overflow, 1u << KEEP_RANGE);
        break;
    case KEEP_CONTENT_CODING:
    case KEEP_TRANSFER_CODING: {
        int i = r->target == KEEP_CONTENT_CODING ? CODING_CONTENT : CODING_TRANSFER;
        cur = r->coding_len[i];
        append(r->coding[i], sizeof r->coding[i], &cur, at, len, &r->overflow, (uint8_t)(1u << r->target));
        r->coding_len[i] = (uint8_t)cur;
        break;
    }
    default:
        break;
    }
    return 0;
}

/* Length of s without trailing spaces and tabs. */
static size_t trimmed(const char *s, size_t len)
{
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    return len;
}

/* Reads a decimal number of 1..19 digits (fits uint64_t). */
static const char *read_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    int n = 0;
    for (; *s >= '0' && *s <= '9' && n < 19; s++, n++)
        v = v * 10u + (uint64_t)(*s - '0');
    if (n == 0 || (*s >= '0' && *s <= '9'))
        return NULL;
    *out = v;
    return s;
}

/* Checks "bytes S-E/T" against the request: S == range_start, E == T - 1.
   Fills resp and the expected body length. */
static int check_content_range(struct http_reader *r)
{
    uint64_t s, e, t;
    const char *p = r->content_range;
    size_t len;

    if (!(r->seen & (1u << KEEP_RANGE)) || (r->overflow & (1u << KEEP_RANGE)))
        return FERRY_E_HTTP_PROTO;
    for (len = 0; p[len] != '\0'; len++)
        ;
    len = trimmed(p, len);
    if (len < 6 || !value_is(p, 5, "bytes") || p[5] != ' ')
        return FERRY_E_HTTP_PROTO;
    p += 6;
    if ((p = read_u64(p, &s)) == NULL || *p++ != '-' || (p = read_u64(p, &e)) == NULL ||
        *p++ != '/' || (p = read_u64(p, &t)) == NULL || (size_t)(p - r->content_range) != len)
        return FERRY_E_HTTP_PROTO;
    if (s != r->range_start || e < s || t == 0 || e != t - 1)
        return FERRY_E_HTTP_PROTO;
    r->resp->range_start = s;
    r->resp->total_length = t;
    r->body_expected = e - s + 1;
    if (r->resp->content_length != UINT64_MAX && r->resp->content_length != r->body_expected)
        return FERRY_E_HTTP_PROTO;
    return FERRY_OK;
}

static int check_codings(const struct http_reader *r)
{
    const uint8_t bad = (1u << KEEP_CONTENT_CODING) | (1u << KEEP_TRANSFER_CODING);
    if (r->overflow & bad)
        return FERRY_E_HTTP_PROTO;
    if ((r->seen & (1u << KEEP_CONTENT_CODING)) &&
        !value_is(r->coding[CODING_CONTENT], trimmed(r->coding[CODING_CONTENT], r->coding_len[CODING_CONTENT]),
                  "identity"))
        return FERRY_E_HTTP_PROTO;
    if ((r->seen & (1u << KEEP_TRANSFER_CODING)) &&
        !value_is(r->coding[CODING_TRANSFER], trimmed(r->coding[CODING_TRANSFER], r->coding_len[CODING_TRANSFER]),
                  "chunked"))
        return FERRY_E_HTTP_PROTO;
    return FERRY_OK;
}

static int on_headers_complete(http_parser *p)
{
    struct http_reader *r = reader_of(p);
    struct ferry_http_response *resp = r->resp;
    unsigned status = p->status_code;
    int rc;

    r->headers_done = 1;
    if (r->idle > FERRY_HTTP_MAX_HEADER_BYTES)
        return fail(r, FERRY_E_HTTP_PROTO);
    r->idle = 0; /* from here on: chunk framing between pieces of body */
    if (p->http_major != 1)
        return fail(r, FERRY_E_HTTP_PROTO);
    resp->status = (int)status;
    resp->content_length = UINT64_MAX;
    resp->range_start = 0;
    resp->total_length = UINT64_MAX;

    if (status == 301 || status == 302 || status == 307 || status == 308) {
        if (!(r->seen & (1u << KEEP_LOCATION)))
            return fail(r, FERRY_E_HTTP_PROTO);
        if (r->overflow & (1u << KEEP_LOCATION))
            return fail(r, FERRY_E_HTTP_REDIRECTS); /* cannot fit struct ferry_url anyway */
        {
            size_t n = 0;
            while (r->location[n] != '\0')
                n++;
            r->location[trimmed(r->location, n)] = '\0';
        }
        stop(r, HTTP_OUTCOME_REDIRECT);
        return 0;
    }
    if (status != 200 && status != 206) {
        stop(r, HTTP_OUTCOME_STATUS);
        return 0;
    }
    if ((rc = check_codings(r)) != FERRY_OK)
        return fail(r, rc);
    if (p->flags & F_CONTENTLENGTH)
        resp->content_length = p->content_length;
    else if (!(p->flags & F_CHUNKED))
        return fail(r, FERRY_E_HTTP_PROTO); /* ends at close: truncation undetectable */

    if (status == 200) {
        resp->total_length = resp->content_length;
        r->body_expected = resp->content_length;
        /* A server that ignored our Range: the caller decides (restart at 0). */
        if (r->range_start != 0)
            return fail(r, FERRY_E_HTTP_PROTO);
        return 0;
    }
    if (r->range_start == 0)
        return fail(r, FERRY_E_HTTP_PROTO); /* 206 to a request without Range */
    if ((rc = check_content_range(r)) != FERRY_OK)
        return fail(r, rc);
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
    struct http_reader *r = reader_of(p);
    int rc;

    r->idle += (uint64_t)(at - r->cursor);
    if (r->idle > FERRY_HTTP_MAX_HEADER_BYTES)
        return fail(r, FERRY_E_HTTP_LENGTH);
    r->idle = 0;
    r->cursor = at + len;
    if (r->body_expected != UINT64_MAX && len > r->body_expected - r->body_len)
        return fail(r, FERRY_E_HTTP_LENGTH); /* chunked 206 longer than its range */
    r->body_len += len;
    if (r->body != NULL && (rc = r->body(r->body_ctx, (const uint8_t *)at, len)) < 0)
        return fail(r, rc);
    return 0;
}

static int on_message_complete(http_parser *p)
{
    struct http_reader *r = reader_of(p);
    if (r->body_expected != UINT64_MAX && r->body_len != r->body_expected)
        return fail(r, FERRY_E_HTTP_LENGTH);
    stop(r, HTTP_OUTCOME_BODY);
    return 0;
}

static const http_parser_settings reader_settings = {
    .on_status = on_status,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

void http_reader_init(struct http_reader *r, uint64_t range_start, struct ferry_http_response *resp,
                      ferry_http_body_fn body, void *body_ctx, char *text)
{
    memset(r, 0, sizeof *r);
    http_parser_init(&r->parser, HTTP_RESPONSE);
    r->parser.data = r;
    r->range_start = range_start;
    r->resp = resp;
    r->body = body;
    r->body_ctx = body_ctx;
    r->location = text;
    r->content_range = text + FERRY_HTTP_LOCATION_MAX;
    r->location[0] = '\0';
    r->content_range[0] = '\0';
    r->body_expected = UINT64_MAX;
}

int http_reader_feed(struct http_reader *r, const uint8_t *data, size_t len)
{
    const char *text = (const char *)data;
    size_t parsed, i;
    enum http_errno e;

    if (r->stopped)
        return len == 0 ? r->outcome : FERRY_E_HTTP_LENGTH;
    /* The parser, built lenient, takes any "H???/" for "HTTP/": check it here. */
    for (i = 0; r->prefix_len < 5 && i < len; i++, r->prefix_len++)
        if (text[i] != "HTTP/"[r->prefix_len])
            return FERRY_E_HTTP_PROTO;
    r->cursor = text;
    parsed = http_parser_execute(&r->parser, &reader_settings, text, len);
    e = HTTP_PARSER_ERRNO(&r->parser);
    if (e == HPE_PAUSED && r->stopped) {
        /* After a complete body nothing may follow on this connection. */
        if (r->outcome == HTTP_OUTCOME_BODY && parsed < len)
            return FERRY_E_HTTP_LENGTH;
        return r->outcome;
    }
    if (r->err != FERRY_OK)
        return r->err;
    if (e != HPE_OK)
        return r->headers_done ? FERRY_E_HTTP_LENGTH : FERRY_E_HTTP_PROTO;
    if (parsed != len)
        return FERRY_E_HTTP_PROTO; /* the parser gave up without saying why */
    r->idle += (uint64_t)(text + len - r->cursor);
    if (r->idle > FERRY_HTTP_MAX_HEADER_BYTES)
        return r->headers_done ? FERRY_E_HTTP_LENGTH : FERRY_E_HTTP_PROTO;
    return FERRY_OK;
}

int http_reader_eof(const struct http_reader *r, uint64_t received)
{
    if (received == 0)
        return FERRY_E_IO;
    return r->headers_done ? FERRY_E_HTTP_LENGTH : FERRY_E_HTTP_PROTO;
}
