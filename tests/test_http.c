/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP client against canned responses (tests/http_memtransport.h).
 * Every response is replayed with many recv sizes, from one byte at a time
 * up, so a header, a chunk line or a status line split anywhere must give
 * the same result. Covers: the request we send, success and error statuses,
 * framing (Content-Length, chunked, none), length mismatches, range rules,
 * redirects and their bounds, header limits, and the transport's errors.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ferry/errors.h"
#include "ferry/http.h"
#include "http_memtransport.h"

static const size_t chunk_sizes[] = { 1, 2, 3, 5, 17, 64, 700, 100000 };
#define NCHUNKS (sizeof chunk_sizes / sizeof chunk_sizes[0])

/* Collects the body; checks resp was filled before the first piece. */
struct sink {
    char data[20000];
    size_t len;
    int calls;
    const struct ferry_http_response *resp;
    int resp_status_at_first;
    int fail_with; /* nonzero: the callback returns this */
};

static int sink_body(void *ctx, const uint8_t *d, size_t n)
{
    struct sink *s = ctx;
    if (s->calls++ == 0)
        s->resp_status_at_first = s->resp->status;
    if (s->fail_with)
        return s->fail_with;
    if (s->len + n > sizeof s->data)
        return FERRY_E_NOSPC;
    memcpy(s->data + s->len, d, n);
    s->len += n;
    return 0;
}

static uint8_t client_buf[FERRY_HTTP_BUF_MIN];

struct run {
    struct mem_transport plain, tls;
    struct ferry_http_client client;
    struct ferry_http_response resp;
    struct sink sink;
    int rc;
};

/* GETs `url` with responses served `chunk` bytes per recv. */
static void run_get(struct run *r, const char *url, uint64_t range, const struct mem_response *resp,
                    size_t count, size_t chunk, int at_end)
{
    struct ferry_url u;
    memset(r, 0, sizeof *r);
    mem_transport_init(&r->plain, resp, count, chunk);
    mem_transport_init(&r->tls, resp, count, chunk);
    r->plain.at_end = r->tls.at_end = at_end;
    r->client.plain = &r->plain.transport;
    r->client.tls = &r->tls.transport;
    r->client.buf = client_buf;
    r->client.buf_len = sizeof client_buf;
    r->client.timeout_ms = 1000;
    r->client.max_redirects = 3;
    r->sink.resp = &r->resp;
    if (ferry_url_parse(url, &u) != FERRY_OK) {
        r->rc = 1;
        return;
    }
    r->rc = ferry_http_get(&r->client, &u, range, &r->resp, sink_body, &r->sink);
}

#define RESP(text) { (text), sizeof(text) - 1 }

/* Runs one response at every chunk size and checks the error and body
   (want_body NULL: no body delivered; ANY_BODY: not checked). */
#define ANY_BODY ((const char *)1)
static int expect(const char *text, size_t len, uint64_t range, int want_rc, int want_status, const char *want_body)
{
    struct mem_response resp = { text, len };
    size_t i;
    int bad = 0;
    for (i = 0; i < NCHUNKS; i++) {
        static struct run r;
        run_get(&r, "http://h/p", range, &resp, 1, chunk_sizes[i], 0);
        if (r.rc != want_rc || r.resp.status != want_status ||
            (want_body != NULL && want_body != ANY_BODY &&
             (r.sink.len != strlen(want_body) || memcmp(r.sink.data, want_body, r.sink.len))) ||
            (want_body == NULL && r.sink.calls != 0) || r.plain.closes != r.plain.connects) {
            fprintf(stderr, "  chunk %zu: rc %d (want %d), status %d (want %d), body %zu bytes in %d calls\n"
                            "  response: %.*s\n",
                    chunk_sizes[i], r.rc, want_rc, r.resp.status, want_status, r.sink.len, r.sink.calls,
                    (int)(len < 200 ? len : 200), text);
            bad = 1;
            break;
        }
    }
    CHECK(!bad);
    return !bad;
}
#define EXPECT(text, range, rc, status, body) expect((text), sizeof(text) - 1, (range), (rc), (status), (body))

static void test_request_text(void)
{
    static const struct mem_response ok[] = { RESP("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") };
    static struct run r;

    run_get(&r, "http://example.com/a/b?c=d#frag", 0, ok, 1, 100, 0);
    CHECK_EQ(r.rc, FERRY_OK);
    CHECK(strcmp(r.plain.sent, "GET /a/b?c=d HTTP/1.1\r\nHost: example.com\r\nUser-Agent: ferry\r\n"
                               "Accept-Encoding: identity\r\nConnection: close\r\n\r\n") == 0);
    CHECK(strcmp(r.plain.host, "example.com") == 0);
    CHECK_EQ(r.plain.port, 80);

    run_get(&r, "http://127.0.0.1:8080/f", 1234567, ok, 1, 100, 0);
    CHECK(strstr(r.plain.sent, "\r\nHost: 127.0.0.1:8080\r\n") != NULL);
    CHECK(strstr(r.plain.sent, "\r\nRange: bytes=1234567-\r\n") != NULL);
    CHECK_EQ(r.plain.port, 8080);

    run_get(&r, "https://[::1]/f", 0, ok, 1, 100, 0);
    CHECK_EQ(r.rc, FERRY_OK);
    CHECK_EQ(r.plain.connects, 0);
    CHECK_EQ(r.tls.connects, 1);
    CHECK_EQ(r.tls.port, 443);
    CHECK(strcmp(r.tls.host, "::1") == 0);
    CHECK(strstr(r.tls.sent, "\r\nHost: [::1]\r\n") != NULL);
    CHECK(strstr(r.tls.sent, "Range:") == NULL);
    if (r.plain.sent_len)
        fprintf(stderr, "%s\n", r.plain.sent);
}

static void test_ok_bodies(void)
{
    EXPECT("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world", 0, FERRY_OK, 200, "hello world");
    EXPECT("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, FERRY_OK, 200, "");
    EXPECT("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabc", 0, FERRY_OK, 200, "abc");
    EXPECT("HTTP/1.1 200\r\ncontent-length:3\r\nX-Other: a\r\n b\r\n\r\nabc", 0, FERRY_OK, 200, "abc");
    EXPECT("HTTP/1.1 200 OK\r\nContent-Encoding: identity \r\nContent-Length: 3\r\n\r\nabc", 0, FERRY_OK,
           200, "abc");
    /* chunked, with extensions, upper-case hex and trailers */
    EXPECT("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
           "5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n",
           0, FERRY_OK, 200, "hello 0123456789");
    EXPECT("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n", 0, FERRY_OK, 200, "");
}

static void test_resp_fields(void)
{
    static const struct mem_response cl[] = { RESP("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd") };
    static const struct mem_response ch[] = {
        RESP("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n") };
    static const struct mem_response part[] = {
        RESP("HTTP/1.1 206 Partial\r\nContent-Range: bytes 6-9/10\r\nContent-Length: 4\r\n\r\nghij") };
    static struct run r;

    run_get(&r, "http://h/p", 0, cl, 1, 3, 0);
    CHECK_EQ(r.rc, FERRY_OK);
    CHECK_EQ(r.resp.content_length, 4);
    CHECK_EQ(r.resp.total_length, 4);
    CHECK_EQ(r.resp.range_start, 0);
    CHECK_EQ(r.sink.resp_status_at_first, 200); /* filled before the body */

    run_get(&r, "http://h/p", 0, ch, 1, 3, 0);
    CHECK_EQ(r.rc, FERRY_OK);
    CHECK(r.resp.content_length == UINT64_MAX);
    CHECK(r.resp.total_length == UINT64_MAX);

    run_get(&r, "http://h/p", 6, part, 1, 3, 0);
    CHECK_EQ(r.rc, FERRY_OK);
    CHECK_EQ(r.resp.status, 206);
    CHECK_EQ(r.resp.content_length, 4);
    CHECK_EQ(r.resp.range_start, 6);
    CHECK_EQ(r.resp.total_length, 10);
    CHECK_EQ(r.sink.len, 4);
    CHECK_MEM(r.sink.data, "ghij", 4);
}

static void test_error_statuses(void)
{
    EXPECT("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found", 0, FERRY_E_HTTP_STATUS, 404, NULL);
    EXPECT("HTTP/1.1 500 Oops\r\nContent-Length: 4\r\n\r\noops", 0, FERRY_E_HTTP_STATUS, 500, NULL);
    EXPECT("HTTP/1.1 503 Busy\r\n\r\n", 0, FERRY_E_HTTP_STATUS, 503, NULL);
    EXPECT("HTTP/1.1 204 No Content\r\n\r\n", 0, FERRY_E_HTTP_STATUS, 204, NULL);
    EXPECT("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", 0,
           FERRY_E_HTTP_STATUS, 100, NULL);
    EXPECT("HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */10\r\n\r\n", 10,
           FERRY_E_HTTP_STATUS, 416, NULL);
    EXPECT("HTTP/1.1 303 See Other\r\nLocation: /x\r\n\r\n", 0, FERRY_E_HTTP_STATUS, 303, NULL);
}

static void test_malformed(void)
{
    EXPECT("HTPT/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, FERRY_E_HTTP_PROTO, 0, NULL);
    EXPECT("HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n", 0, FERRY_E_HTTP_PROTO, 0, NULL);
    EXPECT("HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n", 0, FERRY_E_HTTP_PROTO, 0, NULL);
    EXPECT("<html>hello</html>", 0, FERRY_E_HTTP_PROTO, 0, NULL);
    EXPECT("HTTP/1.1 200 OK\r\nBad Header\r\n\r\n", 0, FERRY_E_HTTP_PROTO, 0, NULL);
    EXPECT("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", 0, FERRY_E_HTTP_PROTO, 0, NULL);
    EXPECT("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, FERRY_E_HTTP_PROTO, 0, NULL);
    EXPECT("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", 0, FERRY_E_HTTP_PROTO, 0, NULL);
    /* unframed body: its end could not be told from a cut */
    EXPECT("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nabc", 0, FERRY_E_HTTP_PROTO, 200, NULL);
    EXPECT("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc", 0, FERRY_E_HTTP_PROTO,
           200, NULL);
    EXPECT("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 0, FERRY_E_HTTP_PROTO, 200,
           NULL);
    EXPECT("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 0,
           FERRY_E_HTTP_PROTO, 0, NULL);
    EXPECT("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 0, FERRY_E_HTTP_PROTO, 0, NULL);
    EXPECT("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 0, FERRY_E_HTTP_PROTO, 0, NULL);
    /* a header name that is not a token (whitespace before the colon, or
       any other separator): a proxy might read it as the real header */
    EXPECT("HTTP/1.1 200 OK\r\nTransfer-Encoding : chunked\r\nContent-Length: 3\r\n\r\nabc", 0,
           FERRY_E_HTTP_PROTO, 0, NULL);
    EXPECT("HTTP/1.1 200 OK\r\nTransfer-Encoding\t: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 0,
           FERRY_E_HTTP_PROTO, 0, NULL);
    EXPECT("HTTP/1.1 200 OK\r\nContent-Encoding : gzip\r\nContent-Length: 3\r\n\r\nabc", 0,
           FERRY_E_HTTP_PROTO, 0, NULL);
    EXPECT("HTTP/1.1 200 OK\r\nContent-Length : 3\r\n\r\nabc", 0, FERRY_E_HTTP_PROTO, 0, NULL);
    EXPECT("HTTP/1.1 200 OK\r\nX Pad: 1\r\nContent-Length: 3\r\n\r\nabc", 0, FERRY_E_HTTP_PROTO, 0, NULL);
    EXPECT("HTTP/1.1 200 OK\r\nX(y): 1\r\nContent-Length: 3\r\n\r\nabc", 0, FERRY_E_HTTP_PROTO, 0, NULL);
    EXPECT("HTTP/1.1 200 OK\r\nX\x7f: 1\r\nContent-Length: 3\r\n\r\nabc", 0, FERRY_E_HTTP_PROTO, 0, NULL);
    EXPECT("HTTP/1.1 200 OK\r\nX-Ok!#$%&'*+.^_`|~9: 1\r\nContent-Length: 3\r\n\r\nabc", 0, FERRY_OK, 200,
           "abc");
    /* closed inside the headers; closed before a byte */
    EXPECT("HTTP/1.1 200 OK\r\nContent-Le", 0, FERRY_E_HTTP_PROTO, 0, NULL);
    EXPECT("", 0, FERRY_E_IO, 0, NULL);
}

static void test_lengths(void)
{
    /* short body, then the peer closes */
    EXPECT("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0, FERRY_E_HTTP_LENGTH, 200, "abc");
    /* longer than announced: trailing bytes on the connection */
    EXPECT("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef", 0, FERRY_E_HTTP_LENGTH, 200, "abc");
    /* bad chunking */
    EXPECT("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n", 0, FERRY_E_HTTP_LENGTH,
           200, "abc");
    EXPECT("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n", 0, FERRY_E_HTTP_LENGTH,
           200, "abc");
    EXPECT("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 0, FERRY_E_HTTP_LENGTH, 200, "ab");
    EXPECT("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", 0, FERRY_E_HTTP_LENGTH, 200, "abc");
    EXPECT("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffffff\r\n", 0,
           FERRY_E_HTTP_LENGTH, 200, NULL);
}

static void test_ranges(void)
{
    /* a server that ignores Range: the caller learns it, no body delivered */
    static const struct mem_response ignored[] = { RESP("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789") };
    static struct run r;
    run_get(&r, "http://h/p", 4, ignored, 1, 7, 0);
    CHECK_EQ(r.rc, FERRY_E_HTTP_PROTO);
    CHECK_EQ(r.resp.status, 200);
    CHECK_EQ(r.resp.content_length, 10);
    CHECK_EQ(r.resp.total_length, 10);
    CHECK_EQ(r.sink.calls, 0);

    EXPECT("HTTP/1.1 206 P\r\nContent-Range: bytes 4-9/10\r\nContent-Length: 6\r\n\r\n456789", 4, FERRY_OK, 206,
           "456789");
    EXPECT("HTTP/1.1 206 P\r\nContent-Range: BYTES 4-9/10 \r\nTransfer-Encoding: chunked\r\n\r\n"
           "2\r\n45\r\n4\r\n6789\r\n0\r\n\r\n", 4, FERRY_OK, 206, "456789");
    /* 206 that does not answer what we asked */
    EXPECT("HTTP/1.1 206 P\r\nContent-Range: bytes 4-9/10\r\nContent-Length: 6\r\n\r\n456789", 0,
           FERRY_E_HTTP_PROTO, 206, NULL);
    EXPECT("HTTP/1.1 206 P\r\nContent-Range: bytes 5-9/10\r\nContent-Length: 5\r\n\r\n56789", 4,
           FERRY_E_HTTP_PROTO, 206, NULL);
    EXPECT("HTTP/1.1 206 P\r\nContent-Range: bytes 4-8/10\r\nContent-Length: 5\r\n\r\n45678", 4,
           FERRY_E_HTTP_PROTO, 206, NULL);
    EXPECT("HTTP/1.1 206 P\r\nContent-Range: bytes 4-9/10\r\nContent-Length: 5\r\n\r\n45678", 4,
           FERRY_E_HTTP_PROTO, 206, NULL);
    EXPECT("HTTP/1.1 206 P\r\nContent-Range: bytes 4-9/*\r\nContent-Length: 6\r\n\r\n456789", 4,
           FERRY_E_HTTP_PROTO, 206, NULL);
    EXPECT("HTTP/1.1 206 P\r\nContent-Length: 6\r\n\r\n456789", 4, FERRY_E_HTTP_PROTO, 206, NULL);
    EXPECT("HTTP/1.1 206 P\r\nContent-Range: bytes 4-9/10\r\nContent-Range: bytes 4-9/10\r\n"
           "Content-Length: 6\r\n\r\n456789", 4, FERRY_E_HTTP_PROTO, 0, NULL);
    EXPECT("HTTP/1.1 206 P\r\nContent-Range: bytes 4-9/10x\r\nContent-Length: 6\r\n\r\n456789", 4,
           FERRY_E_HTTP_PROTO, 206, NULL);
    EXPECT("HTTP/1.1 206 P\r\nContent-Range: bytes 4-99999999999999999999/10\r\nContent-Length: 6\r\n\r\n", 4,
           FERRY_E_HTTP_PROTO, 206, NULL);
    /* an empty header must not run into the next one's name */
    EXPECT("HTTP/1.1 206 P\r\nContent-:\r\nRange: bytes 4-9/10\r\nContent-Length: 6\r\n\r\n456789", 4,
           FERRY_E_HTTP_PROTO, 206, NULL);
    EXPECT("HTTP/1.1 206 P\r\nX:\r\nContent-Range: bytes 4-9/10\r\nContent-Length: 6\r\n\r\n456789", 4,
           FERRY_OK, 206, "456789");
    /* chunked 206 whose body does not match its range */
    EXPECT("HTTP/1.1 206 P\r\nContent-Range: bytes 4-9/10\r\nTransfer-Encoding: chunked\r\n\r\n"
           "7\r\n456789X\r\n0\r\n\r\n", 4, FERRY_E_HTTP_LENGTH, 206, ANY_BODY);
    EXPECT("HTTP/1.1 206 P\r\nContent-Range: bytes 4-9/10\r\nTransfer-Encoding: chunked\r\n\r\n"
           "5\r\n45678\r\n0\r\n\r\n", 4, FERRY_E_HTTP_LENGTH, 206, "45678");
}

static void test_header_limits(void)
{
    static char text[20000];
    size_t n;
    /* headers just under the limit pass; over it, refused */
    n = (size_t)snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\nX-Pad: ");
    memset(text + n, 'p', 8000);
    n += 8000;
    n += (size_t)snprintf(text + n, sizeof text - n, "\r\nContent-Length: 2\r\n\r\nok");
    CHECK(expect(text, n, 0, FERRY_OK, 200, "ok"));

    n = (size_t)snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\nX-Pad: ");
    memset(text + n, 'p', 9000);
    n += 9000;
    n += (size_t)snprintf(text + n, sizeof text - n, "\r\nContent-Length: 2\r\n\r\nok");
    CHECK(expect(text, n, 0, FERRY_E_HTTP_PROTO, 0, NULL));

    /* many small headers count together */
    n = (size_t)snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\n");
    while (n < 9000)
        n += (size_t)snprintf(text + n, sizeof text - n, "X-A: b\r\n");
    n += (size_t)snprintf(text + n, sizeof text - n, "Content-Length: 2\r\n\r\nok");
    CHECK(expect(text, n, 0, FERRY_E_HTTP_PROTO, 0, NULL));

    /* an endless chunk extension between two pieces of body */
    n = (size_t)snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n2;x=");
    memset(text + n, 'e', 9000);
    n += 9000;
    n += (size_t)snprintf(text + n, sizeof text - n, "\r\nok\r\n0\r\n\r\n");
    CHECK(expect(text, n, 0, FERRY_E_HTTP_LENGTH, 200, "ok"));

    /* a long Location cannot be followed */
    n = (size_t)snprintf(text, sizeof text, "HTTP/1.1 302 Found\r\nLocation: /");
    memset(text + n, 'l', 400);
    n += 400;
    n += (size_t)snprintf(text + n, sizeof text - n, "\r\n\r\n");
    CHECK(expect(text, n, 0, FERRY_E_HTTP_REDIRECTS, 302, NULL));
}

static void test_redirects(void)
{
    static const struct mem_response chain[] = {
        RESP("HTTP/1.1 301 Moved\r\nLocation: /b/c\r\nContent-Length: 3\r\n\r\nabc"),
        RESP("HTTP/1.1 302 Found\r\nLocation: ../d?q=1 \r\n\r\n"),
        RESP("HTTP/1.1 307 Temp\r\nLocation: http://other:8081/e\r\n\r\n"),
        RESP("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone"),
    };
    static const struct mem_response loop[] = { RESP("HTTP/1.1 308 Perm\r\nLocation: /loop\r\n\r\n") };
    static const struct mem_response noloc[] = { RESP("HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n") };
    static const struct mem_response twoloc[] = { RESP("HTTP/1.1 302 Found\r\nLocation: /a\r\nLocation: /b\r\n\r\n") };
    static const struct mem_response ftp[] = { RESP("HTTP/1.1 302 Found\r\nLocation: ftp://h/x\r\n\r\n") };
    static const struct mem_response spaced[] = { RESP("HTTP/1.1 302 Found\r\nLocation: /a b\r\n\r\n") };
    static const struct mem_response down[] = {
        RESP("HTTP/1.1 302 Found\r\nLocation: http://h/plain\r\n\r\n"),
        RESP("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx") };
    static const struct mem_response up[] = {
        RESP("HTTP/1.1 302 Found\r\nLocation: https://h/secure\r\n\r\n"),
        RESP("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx") };
    static struct run r;
    size_t i;

    for (i = 0; i < NCHUNKS; i++) {
        run_get(&r, "http://h/a", 0, chain, 4, chunk_sizes[i], 0);
        CHECK_EQ(r.rc, FERRY_OK);
        CHECK_EQ(r.resp.status, 200);
        CHECK_EQ(r.plain.connects, 4);
        CHECK_EQ(r.plain.closes, 4);
        CHECK(strcmp(r.plain.host, "other") == 0);
        CHECK_EQ(r.plain.port, 8081);
        CHECK(strncmp(r.plain.sent, "GET /e HTTP/1.1\r\nHost: other:8081\r\n", 35) == 0);
        CHECK_EQ(r.sink.len, 4); /* redirect bodies are not delivered */
        CHECK_MEM(r.sink.data, "done", 4);
    }
    /* the second hop asked for the resolved relative path, same range */
    run_get(&r, "http://h/a", 5, chain, 2, 100, 0);
    CHECK(strncmp(r.plain.sent, "GET /d?q=1 HTTP/1.1\r\n", 21) == 0);
    CHECK(strstr(r.plain.sent, "Range: bytes=5-") != NULL);

    /* bounded: three redirects followed, the fourth refused */
    run_get(&r, "http://h/loop", 0, loop, 1, 100, 0);
    CHECK_EQ(r.rc, FERRY_E_HTTP_REDIRECTS);
    CHECK_EQ(r.plain.connects, 4);
    CHECK_EQ(r.resp.status, 308);
    r.client.max_redirects = 0;
    {
        struct ferry_url u;
        ferry_url_parse("http://h/a", &u);
        mem_transport_init(&r.plain, chain, 4, 100);
        CHECK_EQ(ferry_http_get(&r.client, &u, 0, &r.resp, NULL, NULL), FERRY_E_HTTP_REDIRECTS);
        CHECK_EQ(r.plain.connects, 1);
    }

    run_get(&r, "http://h/a", 0, noloc, 1, 100, 0);
    CHECK_EQ(r.rc, FERRY_E_HTTP_PROTO);
    run_get(&r, "http://h/a", 0, twoloc, 1, 100, 0);
    CHECK_EQ(r.rc, FERRY_E_HTTP_PROTO);
    run_get(&r, "http://h/a", 0, ftp, 1, 100, 0);
    CHECK_EQ(r.rc, FERRY_E_HTTP_REDIRECTS);
    run_get(&r, "http://h/a", 0, spaced, 1, 100, 0);
    CHECK_EQ(r.rc, FERRY_E_HTTP_REDIRECTS);

    /* https -> http is a downgrade: refused before connecting */
    run_get(&r, "https://h/a", 0, down, 2, 100, 0);
    CHECK_EQ(r.rc, FERRY_E_HTTP_REDIRECTS);
    CHECK_EQ(r.tls.connects, 1);
    CHECK_EQ(r.plain.connects, 0);
    /* http -> https is fine (the TLS transport serves the second answer) */
    {
        struct ferry_url u;
        ferry_url_parse("http://h/a", &u);
        mem_transport_init(&r.plain, up, 1, 100);
        mem_transport_init(&r.tls, up + 1, 1, 100);
        r.rc = ferry_http_get(&r.client, &u, 0, &r.resp, NULL, NULL);
    }
    CHECK_EQ(r.rc, FERRY_OK);
    CHECK_EQ(r.plain.connects, 1);
    CHECK_EQ(r.tls.connects, 1);
}

static void test_transport_errors(void)
{
    static const struct mem_response part[] = { RESP("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc") };
    static const struct mem_response ok[] = { RESP("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx") };
    static struct run r;
    struct ferry_url u;

    run_get(&r, "http://h/p", 0, part, 1, 100, FERRY_E_TIMEOUT);
    CHECK_EQ(r.rc, FERRY_E_TIMEOUT);
    CHECK_EQ(r.plain.closes, 1);
    run_get(&r, "http://h/p", 0, part, 1, 100, FERRY_E_IO);
    CHECK_EQ(r.rc, FERRY_E_IO);
    /* a complete body followed by a timeout (server keeps the line open) */
    run_get(&r, "http://h/p", 0, ok, 1, 100, FERRY_E_TIMEOUT);
    CHECK_EQ(r.rc, FERRY_OK);

    ferry_url_parse("http://h/p", &u);
    mem_transport_init(&r.plain, ok, 1, 100);
    r.plain.connect_result = FERRY_E_IO;
    CHECK_EQ(ferry_http_get(&r.client, &u, 0, &r.resp, NULL, NULL), FERRY_E_IO);
    CHECK_EQ(r.plain.closes, 1); /* closed even after a failed connect */
    r.plain.connect_result = FERRY_E_TLS;
    CHECK_EQ(ferry_http_get(&r.client, &u, 0, &r.resp, NULL, NULL), FERRY_E_TLS);

    /* no transport for the scheme */
    r.client.tls = NULL;
    ferry_url_parse("https://h/p", &u);
    CHECK_EQ(ferry_http_get(&r.client, &u, 0, &r.resp, NULL, NULL), FERRY_E_UNSUPPORTED);
}

static void test_body_callback_abort(void)
{
    static const struct mem_response ok[] = { RESP("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello") };
    static struct run r;
    struct ferry_url u;
    ferry_url_parse("http://h/p", &u);
    run_get(&r, "http://h/p", 0, ok, 1, 2, 0);
    mem_transport_init(&r.plain, ok, 1, 2);
    memset(&r.sink, 0, sizeof r.sink);
    r.sink.resp = &r.resp;
    r.sink.fail_with = FERRY_E_IMG_TOO_BIG;
    CHECK_EQ(ferry_http_get(&r.client, &u, 0, &r.resp, sink_body, &r.sink), FERRY_E_IMG_TOO_BIG);
    CHECK_EQ(r.sink.calls, 1);
    CHECK_EQ(r.plain.closes, 1);
}

/* A server that drips its body one byte per second, each byte well inside
   the per-call timeout: only the overall deadline stops it. */
static void test_deadline(void)
{
    static char text[2000];
    static struct run r;
    struct ferry_deadline dl;
    struct ferry_url u;
    size_t n = (size_t)snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
    memset(text + n, 'd', 1000);
    n += 1000;
    struct mem_response drip[] = { { text, n } };

    ferry_url_parse("http://h/p", &u);
    run_get(&r, "http://h/p", 0, drip, 1, 1, 0);
    CHECK_EQ(r.rc, FERRY_OK); /* no deadline: it takes its time (here ~1100 s) */
    mem_transport_init(&r.plain, drip, 1, 1);
    r.plain.ms_per_call = 1000;
    ferry_deadline_start(&dl, &r.plain.clock, 30000);
    memset(&r.sink, 0, sizeof r.sink);
    r.sink.resp = &r.resp;
    r.rc = ferry_http_get_until(&r.client, &u, 0, &r.resp, sink_body, &r.sink, &dl);
    CHECK_EQ(r.rc, FERRY_E_DEADLINE);
    CHECK(r.plain.calls <= 31);          /* stopped at the deadline, not at the end */
    CHECK(r.plain.now_ms <= 31000);
    CHECK_EQ(r.plain.closes, r.plain.connects);
    CHECK(r.sink.len < 1000);

    /* Each call's timeout is what is left of the deadline, if smaller. */
    static const struct mem_response slow[] = { RESP("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc") };
    mem_transport_init(&r.plain, slow, 1, 100);
    r.plain.at_end = FERRY_E_TIMEOUT; /* then stalls: the transport times out */
    r.plain.ms_per_call = 100;
    ferry_deadline_start(&dl, &r.plain.clock, 450); /* the client's timeout is 1000 */
    r.rc = ferry_http_get_until(&r.client, &u, 0, &r.resp, NULL, NULL, &dl);
    CHECK_EQ(r.rc, FERRY_E_DEADLINE);
    CHECK(r.plain.max_timeout_seen <= 450);

    /* A deadline that has already passed: nothing is sent. */
    mem_transport_init(&r.plain, slow, 1, 100);
    ferry_deadline_start(&dl, &r.plain.clock, 0);
    r.rc = ferry_http_get_until(&r.client, &u, 0, &r.resp, NULL, NULL, &dl);
    CHECK_EQ(r.rc, FERRY_E_DEADLINE);
    CHECK_EQ(r.plain.sent_len, 0);

    /* A complete body at the deadline is a success (no wait for the close). */
    static const struct mem_response ok[] = { RESP("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") };
    mem_transport_init(&r.plain, ok, 1, 100000);
    r.plain.ms_per_call = 100;
    ferry_deadline_start(&dl, &r.plain.clock, 300); /* connect, send, recv */
    r.rc = ferry_http_get_until(&r.client, &u, 0, &r.resp, NULL, NULL, &dl);
    CHECK_EQ(r.rc, FERRY_OK);
    /* NULL: no deadline, as ferry_http_get. */
    mem_transport_init(&r.plain, ok, 1, 100000);
    CHECK_EQ(ferry_http_get_until(&r.client, &u, 0, &r.resp, NULL, NULL, NULL), FERRY_OK);
}

static void test_arguments(void)
{
    static const struct mem_response ok[] = { RESP("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx") };
    static struct run r;
    struct ferry_url u;
    ferry_url_parse("http://h/p", &u);
    run_get(&r, "http://h/p", 0, ok, 1, 100, 0);
    CHECK_EQ(r.rc, FERRY_OK);
    CHECK_EQ(ferry_http_get(NULL, &u, 0, &r.resp, NULL, NULL), FERRY_E_INVAL);
    CHECK_EQ(ferry_http_get(&r.client, NULL, 0, &r.resp, NULL, NULL), FERRY_E_INVAL);
    CHECK_EQ(ferry_http_get(&r.client, &u, 0, NULL, NULL, NULL), FERRY_E_INVAL);
    r.client.buf_len = FERRY_HTTP_BUF_MIN - 1;
    CHECK_EQ(ferry_http_get(&r.client, &u, 0, &r.resp, NULL, NULL), FERRY_E_INVAL);
    r.client.buf_len = FERRY_HTTP_BUF_MIN;
    /* a hand-made URL with a byte that would split the request line */
    strcpy(u.path, "/a b");
    CHECK_EQ(ferry_http_get(&r.client, &u, 0, &r.resp, NULL, NULL), FERRY_E_INVAL);
    strcpy(u.path, "/ok");
    strcpy(u.host, "h\r\nX: y");
    CHECK_EQ(ferry_http_get(&r.client, &u, 0, &r.resp, NULL, NULL), FERRY_E_INVAL);
    memset(u.host, 'a', sizeof u.host); /* not terminated */
    CHECK_EQ(ferry_http_get(&r.client, &u, 0, &r.resp, NULL, NULL), FERRY_E_INVAL);
}

int main(void)
{
    RUN(test_request_text);
    RUN(test_ok_bodies);
    RUN(test_resp_fields);
    RUN(test_error_statuses);
    RUN(test_malformed);
    RUN(test_lengths);
    RUN(test_ranges);
    RUN(test_header_limits);
    RUN(test_redirects);
    RUN(test_transport_errors);
    RUN(test_body_callback_abort);
    RUN(test_deadline);
    RUN(test_arguments);
    return check_done();
}
