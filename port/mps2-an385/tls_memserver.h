/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An in-memory TLS server as a transport, for on-target measurements of the
 * TLS client (tls_bench_main.c): hand `transport` to the client as its TCP
 * transport, and the server terminates TLS there with BearSSL's server
 * engine and passes the plaintext to `inner` (a struct memnet: the
 * in-memory web server of bench_memnet.h). Everything runs on the caller's
 * thread, the server on a stack of its own: the server's engine advances
 * whenever the client sends or receives. recv hands out at most `piece`
 * bytes at a time (a TCP segment).
 *
 * The time spent inside these calls is the server's (its handshake, its
 * encryption, the web server behind it) and is added up in `ticks`, so a
 * benchmark can take it out of the client's figure.
 *
 * Test code: its random generator is seeded from the test-only entropy
 * source (entropy_test_only.h, NOT RANDOM).
 */
#ifndef MPS2_TLS_MEMSERVER_H
#define MPS2_TLS_MEMSERVER_H

#include <stdint.h>

#include <bearssl.h>

#include "ferry/transport.h"

struct tls_memserver {
    struct ferry_transport transport; /* hand this to the TLS client */
    const struct ferry_transport *inner;
    br_ssl_server_context sc;
    unsigned char *buf;
    size_t buf_len;
    const br_x509_certificate *chain;
    size_t chain_len;
    const br_ec_private_key *key;
    uint32_t piece;
    uint16_t suite;  /* 0: BearSSL's full server list; else only this suite */
    const br_ec_impl *ec; /* NULL: BearSSL's default (X25519 preferred for
                             ECDHE); br_ec_p256_m31: P-256 only */
    int inner_eof;   /* the inner server closed: close_notify sent */
    uint32_t ticks;  /* timer ticks spent in the server (cmsdk_timer.h) */
};

/* The server's own stack: it runs there, not on the caller's, so that the
   caller's high-water mark is the client's alone. */
#define TLS_MEMSERVER_STACK_BYTES 8192u

/* Prepares `s`: an ECDSA server with `chain` (leaf first, signed by an EC
   CA) and its P-256 key; `buf` (BR_SSL_BUFSIZE_MONO or more) is its record
   buffer. Nothing is copied. */
void tls_memserver_init(struct tls_memserver *s, const struct ferry_transport *inner,
                        const br_x509_certificate *chain, size_t chain_len,
                        const br_ec_private_key *key, unsigned char *buf, size_t buf_len,
                        uint32_t piece);

/* Bytes of the server's stack used so far (painted by tls_memserver_init). */
uint32_t tls_memserver_stack_used(void);

#endif
