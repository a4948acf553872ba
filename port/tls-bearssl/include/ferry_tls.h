/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ferry's TLS transport: BearSSL's TLS 1.2 client over any other transport
 * (a TCP transport: port/sim/transport_tcp.c on the host, port/lwip on a
 * device), validating the server with br_x509_minimal against trust anchors
 * the caller gives. It makes no OS call of its own; what it needs from the
 * platform comes through two hooks the port fills in (docs/tls.md):
 *
 *   entropy  required. Seeds BearSSL's random generator (client random,
 *            ECDHE key) at every connect, and is its ONLY seed: BearSSL's
 *            own system seeder (/dev/urandom, RDRAND) is switched off, so a
 *            device never falls back silently to whatever its build offers.
 *            Without one, or when it fails, nothing is sent: FERRY_E_ENTROPY.
 *   time     UTC seconds since 1970 for the certificates' validity period.
 *            Without it, when it fails, or when it reads earlier than
 *            FERRY_TLS_TIME_FLOOR, connect refuses: FERRY_E_TLS with
 *            BR_ERR_X509_TIME_UNKNOWN in ferry_tls_last_error(), before any
 *            byte is sent. BearSSL never reads the system clock itself.
 *
 *   static unsigned char tls_buf[FERRY_TLS_BUF_SIZE];
 *   static struct ferry_tls tls;
 *   const struct ferry_tls_config cfg = {
 *       .tcp = &tcp.transport, .anchors = anchors, .anchor_count = n,
 *       .entropy = &board_entropy, .time = &board_time,
 *       .buf = tls_buf, .buf_len = sizeof tls_buf,
 *   };
 *   if (ferry_tls_init(&tls, &cfg) != FERRY_OK) ...;  // still safe to use:
 *   client.tls = &tls.transport;                       // connect then fails
 *
 * connect() runs the whole handshake: the server's chain must lead to one
 * of the anchors, be valid at the hook's time, and name the host we
 * connected to: `host` is sent as SNI and matched against the certificate's
 * DNS names (BearSSL's minimal validator does not read iPAddress entries, so
 * a certificate for an IP address must carry it as a DNS name too). Any
 * failure there is FERRY_E_TLS, and ferry_tls_last_error() tells which
 * BearSSL check failed (BR_ERR_X509_NOT_TRUSTED, BR_ERR_X509_EXPIRED for a
 * certificate expired or not yet valid, BR_ERR_X509_BAD_SERVER_NAME, ...).
 *
 * Protocol: TLS 1.2 only, and only ECDHE key exchange (ECDSA or RSA server
 * keys) with an AEAD cipher: AES-128-GCM, AES-256-GCM or ChaCha20-Poly1305.
 * A server that offers TLS 1.0/1.1 only, or none of those suites (static RSA
 * or ECDH key exchange, CBC or other non-AEAD ciphers), fails the handshake:
 * FERRY_E_TLS, with BR_ERR_UNSUPPORTED_VERSION, BR_ERR_BAD_CIPHER_SUITE or
 * the server's alert in ferry_tls_last_error().
 *
 * Timeouts: each read or write on the underlying transport gets the
 * timeout of the call in progress; a handshake is several of those.
 *
 * End of stream: a close_notify, or the TCP connection closing without one,
 * both read as 0 (end). A truncated download is still caught: the HTTP
 * client checks the body's framing. close() drops the TCP connection
 * without sending close_notify (nothing is sent after a GET anyway) and
 * wipes the session's keys from the context.
 *
 * Memory: the context (sizeof(struct ferry_tls): BearSSL client and X.509
 * state, 6536 bytes on Cortex-M3, 7032 on x86-64) plus the caller's
 * I/O buffer: FERRY_TLS_BUF_SIZE (16709 bytes, half-duplex) works with every
 * server. A smaller buffer makes BearSSL ask for the max_fragment_length
 * extension, which many servers ignore. A buffer of BR_SSL_BUFSIZE_BIDI or
 * more is used full-duplex. Nothing is allocated.
 */
#ifndef FERRY_TLS_H
#define FERRY_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "ferry/transport.h"

#define FERRY_TLS_BUF_SIZE BR_SSL_BUFSIZE_MONO

/* Bytes taken from the entropy hook at every connect (BearSSL's HMAC-DRBG
   over SHA-256 wants at least 32). */
#define FERRY_TLS_SEED_LEN 32u

/* The earliest time the hook may report, in UTC seconds since 1970: a clock
   that reads earlier is wrong (an RTC that lost power restarts in 1970 or
   2000, a network time that was not fetched yet reads 0), and the time is
   treated as unknown. Default 2026-01-01 00:00:00 UTC, before this code
   existed; a build may raise it to its own date (-DFERRY_TLS_TIME_FLOOR=...),
   which also refuses any clock wound back to before the build. */
#ifndef FERRY_TLS_TIME_FLOOR
#define FERRY_TLS_TIME_FLOOR 1767225600u
#endif

/* The port's entropy source. fill() writes len bytes fit for key generation
   (a hardware TRNG, or a DRBG seeded from one) into buf and returns 0, or
   returns a negative FERRY_E_* code (any nonzero value) when it cannot; the
   transport then refuses to connect with FERRY_E_ENTROPY. Called once per
   connect with len = FERRY_TLS_SEED_LEN, on the caller's thread. */
struct ferry_tls_entropy {
    int (*fill)(void *ctx, uint8_t *buf, size_t len);
    void *ctx;
};

/* The port's wall clock, the same shape as the agent's unix_time hook
   (ferry/agent.h), so one function can serve both: writes UTC seconds since
   1970-01-01 to *unix_seconds and returns 0, or returns nonzero when the
   device does not know the time now. Called once per connect. */
struct ferry_tls_time {
    int (*unix_time)(void *ctx, uint64_t *unix_seconds);
    void *ctx;
};

struct ferry_tls_config {
    const struct ferry_transport *tcp;     /* the byte stream underneath */
    const br_x509_trust_anchor *anchors;   /* anchor_count of them */
    size_t anchor_count;
    const struct ferry_tls_entropy *entropy; /* required (FERRY_E_ENTROPY without) */
    const struct ferry_tls_time *time;     /* NULL: every connect is refused (above) */
    unsigned char *buf;                    /* record buffer, FERRY_TLS_BUF_SIZE advised */
    size_t buf_len;
};

struct ferry_tls {
    struct ferry_transport transport; /* ops and ctx (= this struct) */
    struct ferry_tls_config cfg;      /* a copy; what it points to is not copied */
    int init_err;                     /* what ferry_tls_init returned: connect repeats it */
    br_ssl_client_context ssl;
    br_x509_minimal_context x509;
    br_sslio_context io;
    unsigned timeout_ms; /* of the call in progress */
    int io_err;          /* error from the underlying transport in this call */
    int peer_closed;     /* the underlying transport reported end of stream */
    int connected;
    int last_error;      /* BearSSL error code of the last failure (0: none) */
};

/*
 * Prepares `t` from `cfg` (copied; the transport, anchors, hooks and buffer
 * it points to must outlive `t`). `t` is a usable transport even when this
 * fails: its connect returns the same error, so a port that ignores the
 * result still cannot talk TLS without its hooks.
 * Returns 0, or
 *   FERRY_E_ENTROPY  no entropy hook (cfg->entropy or its fill is NULL)
 *   FERRY_E_INVAL    t, cfg, cfg->tcp or cfg->buf is NULL, or buf_len is 0
 * (a missing time hook is not an error here: every connect refuses, above).
 */
int ferry_tls_init(struct ferry_tls *t, const struct ferry_tls_config *cfg);

/* BearSSL error code (BR_ERR_*, BR_ERR_X509_*) of the last failure of
   connect, send or recv: 0 if none, and after FERRY_E_ENTROPY or a failed
   connect of the transport below; BR_ERR_IO when the transport below failed
   or timed out during a handshake or a record. */
int ferry_tls_last_error(const struct ferry_tls *t);

#endif
