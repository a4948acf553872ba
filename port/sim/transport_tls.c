/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BearSSL TLS client transport (transport_tls.h). The engine is driven with
 * br_sslio; its low-level callbacks call the underlying transport with the
 * timeout of the current call and remember why they failed, so a timeout
 * comes back as FERRY_E_TIMEOUT and not as a TLS failure.
 */
#include "transport_tls.h"

#include <string.h>

#include "ferry/errors.h"

/* What the client offers, and so accepts: TLS 1.2 only (1.0 and 1.1 lack
   AEAD suites and rely on weaker handshake hashes), ECDHE key exchange
   (forward secrecy: a server key stolen later does not open old sessions)
   with an AEAD cipher. Server preference among these decides. */
static const uint16_t tls_suites[] = {
    BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
};

static int low_read(void *ctx, unsigned char *buf, size_t len)
{
    struct ferry_sim_tls *t = ctx;
    int n = t->tcp->ops->recv(t->tcp->ctx, buf, len, t->timeout_ms);
    if (n > 0)
        return n;
    if (n == 0)
        t->peer_closed = 1;
    else if (t->io_err == FERRY_OK)
        t->io_err = n;
    return -1;
}

static int low_write(void *ctx, const unsigned char *buf, size_t len)
{
    struct ferry_sim_tls *t = ctx;
    int rc = t->tcp->ops->send(t->tcp->ctx, buf, len, t->timeout_ms);
    if (rc == FERRY_OK)
        return (int)len;
    if (t->io_err == FERRY_OK)
        t->io_err = rc;
    return -1;
}

static void begin_call(struct ferry_sim_tls *t, unsigned timeout_ms)
{
    t->timeout_ms = timeout_ms;
    t->io_err = FERRY_OK;
}

/* Why the engine stopped: the transport's error first (timeout, reset),
   else a TLS failure. */
static int failure(struct ferry_sim_tls *t)
{
    int e = br_ssl_engine_last_error(&t->ssl.eng);
    if (e != BR_ERR_OK)
        t->last_error = e;
    if (t->io_err != FERRY_OK)
        return t->io_err;
    if (e == BR_ERR_IO && t->peer_closed)
        return FERRY_E_IO;
    return FERRY_E_TLS;
}

static void tls_close(void *ctx)
{
    struct ferry_sim_tls *t = ctx;
    t->tcp->ops->close(t->tcp->ctx);
    t->connected = 0;
}

static int tls_connect(void *ctx, const char *host, uint16_t port, unsigned timeout_ms)
{
    struct ferry_sim_tls *t = ctx;
    int rc;

    tls_close(t);
    t->last_error = 0;
    t->peer_closed = 0;
    begin_call(t, timeout_ms);
    rc = t->tcp->ops->connect(t->tcp->ctx, host, port, timeout_ms);
    if (rc != FERRY_OK)
        return rc;
    br_ssl_client_init_full(&t->ssl, &t->x509, t->anchors, t->anchor_count);
    br_ssl_engine_set_versions(&t->ssl.eng, BR_TLS12, BR_TLS12);
    br_ssl_engine_set_suites(&t->ssl.eng, tls_suites, sizeof tls_suites / sizeof tls_suites[0]);
    if (t->days != 0 || t->seconds != 0)
        br_x509_minimal_set_time(&t->x509, t->days, t->seconds);
    br_ssl_engine_set_buffer(&t->ssl.eng, t->buf, t->buf_len, t->buf_len >= BR_SSL_BUFSIZE_BIDI);
    if (!br_ssl_client_reset(&t->ssl, host, 0)) {
        t->last_error = br_ssl_engine_last_error(&t->ssl.eng);
        t->tcp->ops->close(t->tcp->ctx);
        return FERRY_E_TLS;
    }
    br_sslio_init(&t->io, &t->ssl.eng, low_read, t, low_write, t);
    /* A flush with nothing to send runs the engine until it can carry
       application data: that is, through the whole handshake. */
    if (br_sslio_flush(&t->io) != 0) {
        rc = failure(t);
        t->tcp->ops->close(t->tcp->ctx);
        return rc;
    }
    t->connected = 1;
    return FERRY_OK;
}

static int tls_send(void *ctx, const void *buf, size_t len, unsigned timeout_ms)
{
    struct ferry_sim_tls *t = ctx;
    if (!t->connected)
        return FERRY_E_IO;
    begin_call(t, timeout_ms);
    if (br_sslio_write_all(&t->io, buf, len) != 0 || br_sslio_flush(&t->io) != 0)
        return failure(t);
    return FERRY_OK;
}

static int tls_recv(void *ctx, void *buf, size_t len, unsigned timeout_ms)
{
    struct ferry_sim_tls *t = ctx;
    int n, e;
    if (!t->connected)
        return FERRY_E_IO;
    begin_call(t, timeout_ms);
    n = br_sslio_read(&t->io, buf, len);
    if (n > 0)
        return n;
    e = br_ssl_engine_last_error(&t->ssl.eng);
    if (e == BR_ERR_OK)
        return 0; /* close_notify */
    if (e == BR_ERR_IO && t->io_err == FERRY_OK && t->peer_closed)
        return 0; /* TCP closed without close_notify: HTTP framing decides */
    return failure(t);
}

static const struct ferry_transport_ops tls_ops = {
    .connect = tls_connect,
    .send = tls_send,
    .recv = tls_recv,
    .close = tls_close,
};

void ferry_sim_tls_init(struct ferry_sim_tls *t, const struct ferry_transport *tcp,
                        const br_x509_trust_anchor *anchors, size_t anchor_count,
                        unsigned char *buf, size_t buf_len)
{
    memset(t, 0, sizeof *t);
    t->transport.ops = &tls_ops;
    t->transport.ctx = t;
    t->tcp = tcp;
    t->anchors = anchors;
    t->anchor_count = anchor_count;
    t->buf = buf;
    t->buf_len = buf_len;
}

int ferry_sim_tls_last_error(const struct ferry_sim_tls *t)
{
    return t->last_error;
}

void ferry_sim_tls_set_time(struct ferry_sim_tls *t, uint32_t days, uint32_t seconds)
{
    t->days = days;
    t->seconds = seconds;
}
