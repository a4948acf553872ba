/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A transport made of canned bytes, for the HTTP client's tests and its
 * fuzz target: connection k gets response k (the last one again once they
 * run out), handed out at most `chunk` bytes per recv so every split of the
 * stream is exercised. After the response: recv returns `at_end` (0 = the
 * peer closed, or an error such as FERRY_E_TIMEOUT). It records what the
 * client sent on the last connection and where it connected.
 */
#ifndef FERRY_TEST_HTTP_MEMTRANSPORT_H
#define FERRY_TEST_HTTP_MEMTRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ferry/errors.h"
#include "ferry/transport.h"

struct mem_response {
    const char *data;
    size_t len;
};

struct mem_transport {
    struct ferry_transport transport;
    const struct mem_response *responses;
    size_t count;
    size_t chunk;           /* bytes per recv at most (>= 1) */
    int at_end;             /* recv result after the response */
    int connect_result;     /* what connect returns (0 normally) */
    /* observed */
    unsigned connects, closes;
    int connected;
    size_t current, pos;
    char host[80];
    uint16_t port;
    char sent[1024];
    size_t sent_len;
    /* a clock for deadlines: every connect/send/recv advances it */
    struct ferry_clock clock;
    uint32_t now_ms, ms_per_call;
    unsigned max_timeout_seen, calls;
};

static uint32_t mem_now(void *ctx)
{
    return ((struct mem_transport *)ctx)->now_ms;
}

/* One call: the clock moves on; records the longest timeout asked for. */
static void mem_tick(struct mem_transport *m, unsigned timeout_ms)
{
    m->calls++;
    m->now_ms += m->ms_per_call;
    if (timeout_ms > m->max_timeout_seen)
        m->max_timeout_seen = timeout_ms;
}

static int mem_connect(void *ctx, const char *host, uint16_t port, unsigned timeout_ms)
{
    struct mem_transport *m = ctx;
    mem_tick(m, timeout_ms);
    m->current = m->connects < m->count ? m->connects : m->count - 1;
    m->connects++;
    m->pos = 0;
    m->sent_len = 0;
    m->port = port;
    strncpy(m->host, host, sizeof m->host - 1);
    m->host[sizeof m->host - 1] = '\0';
    if (m->connect_result != 0)
        return m->connect_result;
    m->connected = 1;
    return 0;
}

static int mem_send(void *ctx, const void *buf, size_t len, unsigned timeout_ms)
{
    struct mem_transport *m = ctx;
    mem_tick(m, timeout_ms);
    if (!m->connected)
        return FERRY_E_IO;
    if (m->sent_len + len < sizeof m->sent) {
        memcpy(m->sent + m->sent_len, buf, len);
        m->sent_len += len;
        m->sent[m->sent_len] = '\0';
    }
    return 0;
}

static int mem_recv(void *ctx, void *buf, size_t len, unsigned timeout_ms)
{
    struct mem_transport *m = ctx;
    const struct mem_response *r = &m->responses[m->current];
    size_t n = r->len - m->pos;
    mem_tick(m, timeout_ms);
    if (!m->connected)
        return FERRY_E_IO;
    if (n == 0) {
        if (m->at_end == FERRY_E_TIMEOUT)
            m->now_ms += timeout_ms; /* a timeout takes its time */
        return m->at_end;
    }
    if (n > len)
        n = len;
    if (n > m->chunk)
        n = m->chunk;
    memcpy(buf, r->data + m->pos, n);
    m->pos += n;
    return (int)n;
}

static void mem_close(void *ctx)
{
    struct mem_transport *m = ctx;
    m->closes++;
    m->connected = 0;
}

static const struct ferry_transport_ops mem_transport_ops = { mem_connect, mem_send, mem_recv, mem_close };

static inline void mem_transport_init(struct mem_transport *m, const struct mem_response *responses,
                                      size_t count, size_t chunk)
{
    memset(m, 0, sizeof *m);
    m->transport.ops = &mem_transport_ops;
    m->transport.ctx = m;
    m->responses = responses;
    m->count = count;
    m->chunk = chunk ? chunk : 1;
    m->clock.now_ms = mem_now;
    m->clock.ctx = m;
}

#endif
