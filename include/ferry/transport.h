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

#endif
