/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry: the network seam. A port gives the HTTP client a byte stream to one
 * server: plain TCP, or TLS over TCP. The client never sees sockets, DNS or
 * certificates; it only calls these four operations.
 *
 * One transport carries one connection at a time: connect, then any number
 * of send/recv, then close. The HTTP client opens a new connection for every
 * request (it sends "Connection: close") and always calls close, also after
 * a failed connect.
 *
 * Timeouts are in milliseconds and bound one call: a peer that sends nothing
 * for timeout_ms makes recv return FERRY_E_TIMEOUT. A transport must never
 * block longer than that in one call (plus its own small overhead); this is
 * what keeps a stalled server from hanging the device.
 *
 * A per-call timeout does not bound a server that drips one byte just
 * before each timeout. That is what a deadline is for: an overall limit on a
 * whole exchange (the agent's check, its download with every retry),
 * measured with a millisecond clock the port provides (struct ferry_clock).
 * The HTTP client shortens each call's timeout to what is left of the
 * deadline and fails with FERRY_E_DEADLINE once none is left.
 */
#ifndef FERRY_TRANSPORT_H
#define FERRY_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

struct ferry_transport_ops {
    /* Opens a connection to host:port (TCP, or TLS over TCP for a TLS
       transport: the handshake, certificate chain and name check all happen
       here). `host` is a DNS name or an IP literal (IPv6 without brackets).
       Returns 0, or FERRY_E_IO (name not found, refused, reset),
       FERRY_E_TIMEOUT, FERRY_E_TLS (certificate refused, handshake failed). */
    int (*connect)(void *ctx, const char *host, uint16_t port, unsigned timeout_ms);
    /* Sends all len bytes or fails. Returns 0, or FERRY_E_IO / FERRY_E_TIMEOUT /
       FERRY_E_TLS. */
    int (*send)(void *ctx, const void *buf, size_t len, unsigned timeout_ms);
    /* Receives up to len bytes (len > 0): returns the count (1..len), 0 when
       the peer closed the stream, or FERRY_E_TIMEOUT / FERRY_E_IO / FERRY_E_TLS. */
    int (*recv)(void *ctx, void *buf, size_t len, unsigned timeout_ms);
    /* Closes the connection, if any. Safe to call twice or without connect. */
    void (*close)(void *ctx);
};

struct ferry_transport {
    const struct ferry_transport_ops *ops;
    void *ctx; /* passed to every op */
};

/* The port's monotonic clock: milliseconds since any fixed point (a SysTick
   count, CLOCK_MONOTONIC). It may wrap at 2^32: only differences are used,
   so one deadline lasts less than 2^31 ms (about 24 days). Never NULL when
   given. */
struct ferry_clock {
    uint32_t (*now_ms)(void *ctx);
    void *ctx;
};

/* An overall deadline: `limit_ms` from `start_ms` on `clock`. */
struct ferry_deadline {
    const struct ferry_clock *clock;
    uint32_t start_ms;
    uint32_t limit_ms; /* below 2^31 */
};

/* Starts a deadline of limit_ms (capped at 2^31 - 1) on clock, from now. */
static inline void ferry_deadline_start(struct ferry_deadline *d, const struct ferry_clock *clock,
                                        uint32_t limit_ms)
{
    d->clock = clock;
    d->limit_ms = limit_ms > 0x7fffffffu ? 0x7fffffffu : limit_ms;
    d->start_ms = clock->now_ms(clock->ctx);
}

/* Milliseconds left before the deadline (0: it has passed). */
static inline uint32_t ferry_deadline_left(const struct ferry_deadline *d)
{
    uint32_t spent = d->clock->now_ms(d->clock->ctx) - d->start_ms;
    return spent >= d->limit_ms ? 0 : d->limit_ms - spent;
}

#endif
