/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TLS client transport: BearSSL's TLS 1.2 client over any other transport
 * (normally ferry_sim_tcp), validating the server with br_x509_minimal
 * against trust anchors the caller gives (built into the device, or loaded
 * from a PEM file with trust_anchors.h). Uses no OS call of its own, so the
 * same file serves a device port that has a TCP transport.
 *
 *   static unsigned char tls_buf[FERRY_SIM_TLS_BUF_SIZE];
 *   struct ferry_sim_tls tls;
 *   ferry_sim_tls_init(&tls, &tcp.transport, anchors, n, tls_buf, sizeof tls_buf);
 *   client.tls = &tls.transport;
 *
 * connect() runs the whole handshake: the server's chain must lead to one
 * of the anchors, be valid now (BearSSL reads the system clock where it has
 * one; a device without one calls ferry_sim_tls_set_time), and name the host we connected to: `host` is sent as SNI and
 * matched against the certificate's DNS names (BearSSL's minimal validator
 * does not read iPAddress entries, so a certificate for an IP address must
 * carry it as a DNS name too). Any failure there is FERRY_E_TLS, and
 * ferry_sim_tls_last_error() tells which BearSSL check failed.
 *
 * Protocol: TLS 1.2 only, and only ECDHE key exchange (ECDSA or RSA server
 * keys) with an AEAD cipher: AES-128-GCM, AES-256-GCM or ChaCha20-Poly1305.
 * A server that offers TLS 1.0/1.1 only, or none of those suites (static RSA
 * or ECDH key exchange, CBC or other non-AEAD ciphers), fails the handshake:
 * FERRY_E_TLS, with BR_ERR_UNSUPPORTED_VERSION, BR_ERR_BAD_CIPHER_SUITE or
 * the server's alert in ferry_sim_tls_last_error().
 *
 * Timeouts: each read or write on the underlying transport gets the
 * timeout of the call in progress; a handshake is several of those.
 *
 * End of stream: a close_notify, or the TCP connection closing without one,
 * both read as 0 (end). A truncated download is still caught: the HTTP
 * client checks the body's framing. close() drops the TCP connection
 * without sending close_notify (nothing is sent after a GET anyway).
 *
 * Memory: the context is about 7 KB (BearSSL client and X.509 state;
 * sizeof(struct ferry_sim_tls)), plus the caller's I/O buffer:
 * FERRY_SIM_TLS_BUF_SIZE (16709 bytes, half-duplex) works with every server.
 * A smaller buffer makes BearSSL ask for the max_fragment_length extension,
 * which many servers ignore. A buffer of BR_SSL_BUFSIZE_BIDI or more is used
 * full-duplex.
 */
#ifndef FERRY_SIM_TRANSPORT_TLS_H
#define FERRY_SIM_TRANSPORT_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "ferry/transport.h"

#define FERRY_SIM_TLS_BUF_SIZE BR_SSL_BUFSIZE_MONO

struct ferry_sim_tls {
    struct ferry_transport transport; /* ops and ctx (= this struct) */
    const struct ferry_transport *tcp;
    br_ssl_client_context ssl;
    br_x509_minimal_context x509;
    br_sslio_context io;
    const br_x509_trust_anchor *anchors;
    size_t anchor_count;
    unsigned char *buf;
    size_t buf_len;
    unsigned timeout_ms; /* of the call in progress */
    int io_err;          /* error from the underlying transport in this call */
    int peer_closed;     /* the underlying transport reported end of stream */
    int connected;
    int last_error;      /* BearSSL error code of the last failure (0: none) */
    uint32_t days, seconds; /* validation time; 0/0: BearSSL's own clock */
};

/* Prepares `t`. Nothing is copied: tcp, anchors and buf must outlive it. */
void ferry_sim_tls_init(struct ferry_sim_tls *t, const struct ferry_transport *tcp,
                        const br_x509_trust_anchor *anchors, size_t anchor_count,
                        unsigned char *buf, size_t buf_len);

/* Validation time for certificates, as br_x509_minimal_set_time takes it
   (days since 1 Jan 0 AD, seconds in the day, UTC). For a device without a
   system clock BearSSL can read. */
void ferry_sim_tls_set_time(struct ferry_sim_tls *t, uint32_t days, uint32_t seconds);

/* BearSSL error code (BR_ERR_*, BR_ERR_X509_*) of the last failure, 0 if none. */
int ferry_sim_tls_last_error(const struct ferry_sim_tls *t);

#endif
