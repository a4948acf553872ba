/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: arbitrary bytes as the server's side of an HTTP
 * exchange, fed to ferry_http_get through the canned transport
 * (tests/http_memtransport.h), which replays them on every connection (so
 * redirects loop until the bound). The first two bytes choose how the
 * stream is split and the request:
 *
 *   byte 0: bit 7 set: 4096 bytes per recv, else 1 + (bits 0-5)
 *   byte 1: bit 0 ranged request (from byte 4); bit 1 end of stream is a
 *           timeout, not a close; bit 2 a 4 KB client buffer instead of the
 *           minimum; bit 3 https
 *
 * Beyond ASan/UBSan, the result must be consistent: success only with 200
 * (or 206 answering our range) and exactly the announced body; every
 * connection closed; never more connections than redirects allow. The
 * same bytes also go through ferry_url_parse and ferry_url_resolve.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http_memtransport.h"

#include "ferry/errors.h"
#include "ferry/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct count {
    uint64_t len;
    const struct ferry_http_response *resp;
    int bad;
};

static int count_body(void *ctx, const uint8_t *d, size_t n)
{
    struct count *c = ctx;
    (void)d;
    /* the response is decided before any body arrives */
    if (c->resp->status != 200 && c->resp->status != 206)
        c->bad = 1;
    c->len += n;
    return 0;
}

static void fuzz_urls(const uint8_t *data, size_t size)
{
    char text[400];
    struct ferry_url base, out;
    size_t n = size < sizeof text - 1 ? size : sizeof text - 1;
    memcpy(text, data, n);
    text[n] = '\0';
    if (ferry_url_parse(text, &out) == FERRY_OK && (out.path[0] != '/' || out.host[0] == '\0'))
        __builtin_trap();
    if (ferry_url_parse("http://base.local:8080/a/b/c?q", &base) != FERRY_OK)
        __builtin_trap();
    if (ferry_url_resolve(&base, text, &out) == FERRY_OK && out.path[0] != '/')
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t buf[4096];
    struct mem_transport plain, tls;
    struct mem_response served;
    struct ferry_http_client c;
    struct ferry_http_response resp;
    struct ferry_url url;
    struct count body = { 0, &resp, 0 };
    uint64_t range;
    int rc;

    if (size < 2)
        return 0;
    served.data = (const char *)data + 2;
    served.len = size - 2;
    mem_transport_init(&plain, &served, 1, (data[0] & 0x80) ? 4096 : 1u + (data[0] & 0x3fu));
    mem_transport_init(&tls, &served, 1, plain.chunk);
    plain.at_end = tls.at_end = (data[1] & 2) ? FERRY_E_TIMEOUT : 0;
    range = (data[1] & 1) ? 4 : 0;

    memset(&c, 0, sizeof c);
    c.plain = &plain.transport;
    c.tls = &tls.transport;
    c.buf = buf;
    c.buf_len = (data[1] & 4) ? sizeof buf : FERRY_HTTP_BUF_MIN;
    c.timeout_ms = 1000;
    c.max_redirects = 3;
    if (ferry_url_parse((data[1] & 8) ? "https://fuzz.local/dir/file" : "http://fuzz.local/dir/file", &url) != 0)
        __builtin_trap();

    rc = ferry_http_get(&c, &url, range, &resp, count_body, &body);

    if (body.bad || plain.connects != plain.closes || tls.connects != tls.closes ||
        plain.connects + tls.connects > c.max_redirects + 1)
        __builtin_trap();
    if (rc == FERRY_OK) {
        if (resp.status != (range ? 206 : 200))
            __builtin_trap();
        if (resp.content_length != UINT64_MAX && body.len != resp.content_length)
            __builtin_trap();
        if (resp.status == 206 && (resp.range_start != range || resp.total_length != range + body.len))
            __builtin_trap();
    } else if (rc > 0) {
        __builtin_trap();
    }
    fuzz_urls(data + 2, size - 2);
    return 0;
}
