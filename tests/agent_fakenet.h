/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A release repository behind a fake network, for the agent's tests: a
 * struct ferry_transport that answers the HTTP client's GET requests from
 * files held in memory, like a static web server with Range support, and
 * misbehaves on purpose where a test asks it to. Everything runs in the test
 * process, so a test is deterministic and needs no socket.
 *
 * Misbehaviour applies to image requests (paths ending in ".img") unless
 * `all_paths` is set:
 *   down            connect fails with FERRY_E_IO (nothing listens)
 *   connect_err     connect fails with this error (e.g. FERRY_E_TLS)
 *   status          answer with this status and a short body
 *   cut_after       send this many body bytes, then close; `cuts` times
 *   stall_after     send this many body bytes, then recv times out, every time
 *   ignore_range    answer 200 with the whole file to a Range request
 *   lie_length      announce this Content-Length instead of the real one
 *   bad_range       answer a Range request with a malformed 206: 1 another
 *                   start, 2 another total length, 3 a Content-Length that
 *                   disagrees with the Content-Range
 *   ms_per_recv     the fake clock's step per recv (0: time stands still)
 */
#ifndef FERRY_TEST_AGENT_FAKENET_H
#define FERRY_TEST_AGENT_FAKENET_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ferry/errors.h"
#include "ferry/transport.h"

#define FAKE_FILES 8

struct fake_file {
    char path[200];
    const uint8_t *data;
    size_t len;
};

struct fake_net {
    struct ferry_transport transport;
    struct fake_file files[FAKE_FILES];
    int file_count;
    /* misbehaviour */
    int all_paths, down, connect_err, status, ignore_range, bad_range;
    long cut_after, stall_after, lie_length;
    int cuts;
    size_t piece;                 /* bytes per recv at most */
    /* observed */
    unsigned requests, image_requests;
    long ranges[32];              /* Range start of each image request (0: none) */
    /* the connection */
    int connected, answered, this_is_image;
    char req[2048];
    size_t req_len;
    char head[512];
    size_t head_len, head_pos;
    const uint8_t *body;
    size_t body_len, body_pos;
    long body_limit;              /* close after this many body bytes (-1: none) */
    int stall;
    /* a clock for deadlines: each recv advances it by ms_per_recv, a
       timeout by the timeout asked for */
    struct ferry_clock clock;
    uint32_t now_ms, ms_per_recv;
};

static uint32_t fake_now(void *ctx)
{
    return ((struct fake_net *)ctx)->now_ms;
}

static void fake_add(struct fake_net *n, const char *path, const uint8_t *data, size_t len)
{
    struct fake_file *f = &n->files[n->file_count++];
    size_t plen = strlen(path);
    if (plen >= sizeof f->path) { /* a test's own path: too long is a broken test */
        fprintf(stderr, "fake_add: path too long: %s\n", path);
        exit(1);
    }
    memcpy(f->path, path, plen + 1);
    f->data = data;
    f->len = len;
}

static const struct fake_file *fake_find(const struct fake_net *n, const char *path)
{
    for (int i = 0; i < n->file_count; i++)
        if (strcmp(n->files[i].path, path) == 0)
            return &n->files[i];
    return NULL;
}

static void fake_answer(struct fake_net *n)
{
    char path[256] = "";
    long range = -1;
    sscanf(n->req, "GET %255s HTTP/1.1", path);
    for (const char *p = n->req; (p = strchr(p, '\n')) != NULL;) {
        p++;
        if (strncasecmp(p, "Range: bytes=", 13) == 0)
            range = strtol(p + 13, NULL, 10);
    }
    size_t plen = strlen(path);
    n->this_is_image = plen > 4 && strcmp(path + plen - 4, ".img") == 0;
    int odd = n->all_paths || n->this_is_image;
    n->requests++;
    if (n->this_is_image && n->image_requests < 32)
        n->ranges[n->image_requests] = range < 0 ? 0 : range;
    if (n->this_is_image)
        n->image_requests++;

    const struct fake_file *f = fake_find(n, path);
    int status = odd && n->status ? n->status : f ? 200 : 404;
    n->body_limit = -1;
    n->stall = 0;
    if (status != 200) {
        static const uint8_t msg[] = "no\n";
        n->body = msg;
        n->body_len = 3;
        n->head_len = (size_t)snprintf(n->head, sizeof n->head,
                                       "HTTP/1.1 %d Oops\r\nContent-Length: 3\r\n\r\n", status);
        return;
    }
    size_t from = 0;
    if (range >= 0 && !(odd && n->ignore_range)) {
        from = (size_t)range;
        if (from >= f->len) {
            n->body_len = 0;
            n->head_len = (size_t)snprintf(n->head, sizeof n->head,
                                           "HTTP/1.1 416 Range Not Satisfiable\r\n"
                                           "Content-Length: 0\r\n\r\n");
            return;
        }
    }
    long announced = odd && n->lie_length ? n->lie_length : (long)(f->len - from);
    if (range >= 0 && !(odd && n->ignore_range)) {
        size_t s = from, e = f->len - 1, t = f->len;
        if (odd && n->bad_range == 1)
            s++;                 /* starts elsewhere */
        if (odd && n->bad_range == 2)
            e++, t++, announced++; /* a consistent 206 of another file */
        if (odd && n->bad_range == 3)
            announced--;         /* Content-Length disagrees with the range */
        n->head_len = (size_t)snprintf(n->head, sizeof n->head,
                                       "HTTP/1.1 206 Partial Content\r\nContent-Length: %ld\r\n"
                                       "Content-Range: bytes %zu-%zu/%zu\r\n\r\n",
                                       announced, s, e, t);
    }
    else
        n->head_len = (size_t)snprintf(n->head, sizeof n->head,
                                       "HTTP/1.1 200 OK\r\nContent-Length: %ld\r\n\r\n", announced);
    n->body = f->data + from;
    n->body_len = f->len - from;
    if (odd && n->cuts > 0 && n->cut_after >= 0) {
        n->cuts--;
        n->body_limit = n->cut_after;
    }
    if (odd && n->stall_after >= 0) {
        n->body_limit = n->stall_after;
        n->stall = 1;
    }
}

static int fake_connect(void *ctx, const char *host, uint16_t port, unsigned timeout_ms)
{
    struct fake_net *n = ctx;
    (void)host, (void)port, (void)timeout_ms;
    if (n->down)
        return FERRY_E_IO;
    if (n->connect_err)
        return n->connect_err;
    n->connected = 1;
    n->answered = 0;
    n->req_len = 0;
    n->head_pos = n->body_pos = 0;
    return 0;
}

static int fake_send(void *ctx, const void *buf, size_t len, unsigned timeout_ms)
{
    struct fake_net *n = ctx;
    (void)timeout_ms;
    if (!n->connected || n->req_len + len >= sizeof n->req)
        return FERRY_E_IO;
    memcpy(n->req + n->req_len, buf, len);
    n->req_len += len;
    n->req[n->req_len] = '\0';
    if (!n->answered && strstr(n->req, "\r\n\r\n")) {
        n->answered = 1;
        fake_answer(n);
    }
    return 0;
}

static int fake_recv(void *ctx, void *buf, size_t len, unsigned timeout_ms)
{
    struct fake_net *n = ctx;
    n->now_ms += n->ms_per_recv;
    if (!n->connected || !n->answered) {
        n->now_ms += timeout_ms;
        return FERRY_E_TIMEOUT;
    }
    size_t piece = n->piece ? n->piece : 1000;
    if (len > piece)
        len = piece;
    if (n->head_pos < n->head_len) {
        size_t k = n->head_len - n->head_pos < len ? n->head_len - n->head_pos : len;
        memcpy(buf, n->head + n->head_pos, k);
        n->head_pos += k;
        return (int)k;
    }
    size_t end = n->body_len;
    if (n->body_limit >= 0 && (size_t)n->body_limit < end)
        end = (size_t)n->body_limit;
    if (n->body_pos >= end) {
        if (n->stall && end < n->body_len) {
            n->now_ms += timeout_ms;
            return FERRY_E_TIMEOUT;
        }
        return 0;
    }
    size_t k = end - n->body_pos < len ? end - n->body_pos : len;
    memcpy(buf, n->body + n->body_pos, k);
    n->body_pos += k;
    return (int)k;
}

static void fake_close(void *ctx)
{
    struct fake_net *n = ctx;
    n->connected = 0;
}

static const struct ferry_transport_ops fake_ops = {fake_connect, fake_send, fake_recv, fake_close};

static void fake_init(struct fake_net *n)
{
    memset(n, 0, sizeof *n);
    n->transport.ops = &fake_ops;
    n->transport.ctx = n;
    n->cut_after = -1;
    n->stall_after = -1;
    n->clock.now_ms = fake_now;
    n->clock.ctx = n;
}

#endif
