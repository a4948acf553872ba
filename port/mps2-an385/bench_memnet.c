/* SPDX-License-Identifier: Apache-2.0 */
/* An in-memory static web server as a transport (bench_memnet.h). */
#include <stddef.h>
#include <string.h>
#include "bench_memnet.h"
#include "ferry/errors.h"
#include "stack_probe.h"

static void put(struct memnet *n, const char *s)
{
    while (*s != '\0' && n->head_len < sizeof n->head)
        n->head[n->head_len++] = *s++;
}

static void put_dec(struct memnet *n, uint32_t v)
{
    char digits[10];
    int k = 0;
    do {
        digits[k++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0);
    while (k > 0 && n->head_len < sizeof n->head)
        n->head[n->head_len++] = digits[--k];
}

/* Position of `s` in the request, or NULL. */
static const char *find(const struct memnet *n, const char *s)
{
    size_t len = strlen(s);
    for (uint32_t i = 0; i + len <= n->req_len; i++)
        if (memcmp(n->req + i, s, len) == 0)
            return n->req + i;
    return NULL;
}

static void status(struct memnet *n, const char *line, uint32_t content_length)
{
    n->head_len = 0;
    put(n, line);
    put(n, "\r\nContent-Length: ");
    put_dec(n, content_length);
    put(n, "\r\n");
}

/* The whole request is in: decides the response. */
static void answer(struct memnet *n)
{
    const struct memnet_file *f = NULL;
    n->answered = 1;
    n->requests++;
    n->body = NULL;
    n->body_len = n->body_pos = n->head_pos = 0;
    const char *end = n->req + n->req_len;
    const char *path = n->req + 4, *p = path;
    while (p < end && *p != ' ')
        p++;
    if (n->req_len > 4 && memcmp(n->req, "GET ", 4) == 0)
        for (unsigned i = 0; i < n->count && !f; i++)
            if (strlen(n->files[i].path) == (size_t)(p - path) &&
                memcmp(n->files[i].path, path, (size_t)(p - path)) == 0)
                f = &n->files[i];
    if (!f) {
        status(n, "HTTP/1.1 404 Not Found", 0);
        put(n, "\r\n");
        return;
    }
    const char *range = find(n, "\r\nRange: bytes=");
    uint32_t from = 0;
    if (range)
        for (p = range + 15; p < end && *p >= '0' && *p <= '9'; p++)
            from = from * 10u + (uint32_t)(*p - '0');
    if (range && from >= f->len) {
        status(n, "HTTP/1.1 416 Range Not Satisfiable", 0);
        put(n, "\r\n");
        return;
    }
    n->body = f->data + from;
    n->body_len = f->len - from;
    if (range) {
        status(n, "HTTP/1.1 206 Partial Content", n->body_len);
        put(n, "Content-Range: bytes ");
        put_dec(n, from);
        put(n, "-");
        put_dec(n, f->len - 1);
        put(n, "/");
        put_dec(n, f->len);
        put(n, "\r\n");
    } else {
        status(n, "HTTP/1.1 200 OK", n->body_len);
    }
    put(n, "\r\n");
}

static int net_connect(void *ctx, const char *host, uint16_t port, unsigned timeout_ms)
{
    struct memnet *n = ctx;
    (void)host, (void)port, (void)timeout_ms;
    stack_probe_mark(STACK_PROBE_NET);
    n->connected = 1;
    n->answered = 0;
    n->req_len = 0;
    return 0;
}

static int net_send(void *ctx, const void *buf, size_t len, unsigned timeout_ms)
{
    struct memnet *n = ctx;
    (void)timeout_ms;
    stack_probe_mark(STACK_PROBE_NET);
    if (!n->connected || n->answered || len > sizeof n->req - n->req_len)
        return FERRY_E_IO;
    memcpy(n->req + n->req_len, buf, len);
    n->req_len += (uint32_t)len;
    if (find(n, "\r\n\r\n"))
        answer(n);
    return 0;
}

static int net_recv(void *ctx, void *buf, size_t len, unsigned timeout_ms)
{
    struct memnet *n = ctx;
    uint8_t *out = buf;
    size_t got = 0;
    (void)timeout_ms;
    stack_probe_mark(STACK_PROBE_NET);
    if (!n->connected)
        return FERRY_E_IO;
    if (!n->answered)
        return FERRY_E_TIMEOUT; /* no request yet: a server would say nothing */
    if (len > n->piece)
        len = n->piece;
    while (got < len && n->head_pos < n->head_len)
        out[got++] = (uint8_t)n->head[n->head_pos++];
    size_t body = len - got;
    if (body > n->body_len - n->body_pos)
        body = n->body_len - n->body_pos;
    if (body) {
        memcpy(out + got, n->body + n->body_pos, body);
        n->body_pos += (uint32_t)body;
    }
    return (int)(got + body); /* 0 once all is sent: the server closed */
}

static void net_close(void *ctx)
{
    struct memnet *n = ctx;
    stack_probe_mark(STACK_PROBE_NET);
    n->connected = 0;
}

static const struct ferry_transport_ops memnet_ops = {net_connect, net_send, net_recv, net_close};

void memnet_init(struct memnet *n, const struct memnet_file *files, unsigned count, uint32_t piece)
{
    memset(n, 0, sizeof *n);
    n->transport = (struct ferry_transport){&memnet_ops, n};
    n->files = files;
    n->count = count;
    n->piece = piece ? piece : 1;
}
